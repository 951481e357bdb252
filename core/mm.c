#include "core/mm.h"
#include "core/alloc.h"

#include "core/errmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mm_init(struct mm *mm)
{
	memset(mm, 0, sizeof(*mm));
	store_init(&mm->vmas);
	mm->max_map_count = DEFAULT_MAX_MAP_COUNT;
	mm->mmap_base = DEFAULT_MMAP_BASE;
	/* vm.mmap_min_addr is 4096 here but CONFIG_LSM_MMAP_MIN_ADDR raises the
	 * effective floor to 64 KiB (semantics reference 3.1, step 6). */
	mm->mmap_min_addr = 0x10000;
	mm->next_anon_vma = 1;
	mm->pkeys_allocated = 1;
	guards_init(&mm->guards);
}

void mm_destroy(struct mm *mm)
{
	store_destroy(&mm->vmas, vma_free);
	guards_destroy(&mm->guards);
}

struct mm *mm_new(void)
{
	struct mm *mm = core_alloc(sizeof(*mm));

	if (!mm)
		return NULL;
	mm_init(mm);
	mm->users = 1;
	return mm;
}

void mm_get(struct mm *mm)
{
	mm->users++;
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->users)
		return;
	mm_destroy(mm);
	free(mm);
}

struct vma *mm_find_vma(const struct mm *mm, uint64_t addr)
{
	return store_find(&mm->vmas, addr);
}

struct vma *mm_vma_lookup(const struct mm *mm, uint64_t addr)
{
	return store_lookup(&mm->vmas, addr);
}

uint32_t mm_new_anon_vma(struct mm *mm)
{
	return mm->next_anon_vma++;
}

/* What is wrong with a VMA that no kernel could hold, whatever its
 * history, or NULL when nothing is. */
static const char *vma_problem(const struct vma *v)
{
	vm_flags_t access = v->flags & VM_ACCESS_FLAGS;
	vm_flags_t may = (v->flags & VM_MAY_FLAGS) >> 4;

	if (!page_aligned(v->start) || !page_aligned(v->end))
		return "not page aligned";
	if (v->start >= v->end)
		return "empty or inverted";
	if (v->end > TASK_SIZE)
		return "ends above TASK_SIZE";
	/* mmap and mprotect never grant an access the VM_MAY* bits forbid
	 * (mm/mprotect.c: do_mprotect_pkey's EACCES test). */
	if (access & ~may)
		return "access bits beyond its VM_MAY* bits";
	if ((v->flags & VM_SHARED) && !(v->flags & VM_MAYSHARE))
		return "VM_SHARED without VM_MAYSHARE";
	/* Shared memory always has a file: shared anonymous maps get a shmem
	 * one (mm/shmem.c: shmem_zero_setup). */
	if ((v->flags & VM_MAYSHARE) && !v->file)
		return "shared without a file";
	if (v->special != VMA_NORMAL && v->file)
		return "special mapping with a file";
	if (v->special > VMA_VVAR_VCLOCK)
		return "unknown special kind";
	return NULL;
}

int mm_check(const struct mm *mm, char *err, size_t errlen)
{
	struct store_iter it;
	size_t n = 0;

	if (store_check(&mm->vmas, err, errlen))
		return -1;
	for (struct vma *v = store_iter_seek(&it, &mm->vmas, 0); v; v = store_iter_next(&it)) {
		const char *problem = vma_problem(v);

		if (!problem && v->anon_vma >= mm->next_anon_vma)
			problem = "anon_vma id never handed out";
		if (problem)
			return errmsg(err, errlen, "vma %#llx-%#llx: %s", (unsigned long long)v->start,
				      (unsigned long long)v->end, problem);
		n++;
	}
	if (n != mm_map_count(mm))
		return errmsg(err, errlen, "map_count %zu but iteration found %zu", mm_map_count(mm), n);
	for (size_t i = 0; i < mm->guards.n; i++) {
		const struct guard_range *g = &mm->guards.r[i];
		uint64_t covered = g->start;

		/* Guard markers live in page tables, so only where VMAs are. */
		for (const struct vma *v = store_find(&mm->vmas, covered); v && v->start <= covered && covered < g->end;
		     v = store_find(&mm->vmas, covered))
			covered = v->end;
		if (covered < g->end)
			return errmsg(err, errlen, "guard range %#llx-%#llx: not all inside VMAs",
				      (unsigned long long)g->start, (unsigned long long)g->end);
	}
	if (mm->start_brk > mm->brk)
		return errmsg(err, errlen, "brk %#llx below start_brk %#llx",
			    (unsigned long long)mm->brk, (unsigned long long)mm->start_brk);
	return 0;
}
