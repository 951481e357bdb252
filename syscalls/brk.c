/* brk(addr): mm/mmap.c: SYSCALL brk, growth through mm/vma.c:
 * do_brk_flags (semantics reference 8). brk never returns an errno: it
 * returns the new break, or the old one when anything fails.
 *
 *   start_brk       brk (may be unaligned)
 *      [   heap VMA(s)   )      shrink: unmap [PAGE_ALIGN(new), PAGE_ALIGN(old))
 *                        ^ grow: extend the last heap VMA, or add one
 */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "vma/modify.h"

/* VM_DATA_DEFAULT_FLAGS on x86_64 plus the commit charge. */
#define BRK_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT)

static int64_t brk_fails(struct task *t, int err, const struct vma *vma, const char *rule)
{
	refuse(&t->refusal, err, vma, rule);
	return (int64_t)t->mm->brk;
}

static int64_t brk_shrink(struct task *t, uint64_t brk, uint64_t newbrk, uint64_t oldbrk)
{
	struct mm *mm = t->mm;
	struct vma *vma = store_find(&mm->vmas, newbrk);
	uint64_t orig = mm->brk;

	/* Something of the heap must be there to give back. */
	if (!vma || vma->start >= oldbrk)
		return brk_fails(t, ENOMEM, NULL, "mm/mmap.c: brk: no heap VMA to shrink");
	mm->brk = brk;
	if (mm_unmap(t, newbrk, oldbrk)) {
		mm->brk = orig;
		return (int64_t)orig;
	}
	return (int64_t)brk;
}

/* do_brk_flags: extend the VMA ending at oldbrk when it matches (never a
 * sealed one: VM_SEALED differs), else add a VMA. */
static int brk_grow(struct task *t, uint64_t oldbrk, uint64_t newbrk)
{
	struct mm *mm = t->mm;
	struct vma *prev = store_last_before(&mm->vmas, oldbrk), *nv, *grown;
	int err;

	if (mm_map_count(mm) > mm->max_map_count)
		return -ENOMEM;
	nv = vma_new(oldbrk, newbrk, BRK_FLAGS, pages(oldbrk), NULL);
	if (!nv)
		return -ENOMEM;
	nv->origin = task_origin(t, NR_BRK);
	/* The VMA before the old break, if it reaches above start_brk
	 * (vma_prev_limit), even one that starts below it. */
	if (prev && prev->end > mm->start_brk && prev->end == oldbrk && vma_can_merge(prev, nv)) {
		grown = vma_dup(prev);
		if (!grown) {
			vma_free(nv);
			return -ENOMEM;
		}
		grown->end = newbrk;
		grown->flags = vma_merged_flags(grown, nv);
		grown->origin = nv->origin;
		err = store_replace(&mm->vmas, &prev, 1, &grown, 1);
		vma_free(nv);
		if (err) {
			vma_free(grown);
			return err;
		}
		vma_free(prev);
		return 0;
	}
	err = store_insert(&mm->vmas, nv);
	if (err)
		vma_free(nv);
	return err;
}

int64_t sys_brk(struct task *t, uint64_t brk)
{
	struct mm *mm = t->mm;
	uint64_t newbrk, oldbrk;
	struct vma *next;

	refusal_clear(&t->refusal);
	if (brk < mm->start_brk)
		return brk_fails(t, EINVAL, NULL, "mm/mmap.c: brk: below start_brk (brk(0) asks for the break)");
	newbrk = page_align(brk);
	oldbrk = page_align(mm->brk);
	if (newbrk == oldbrk) {
		mm->brk = brk;
		return (int64_t)brk;
	}
	if (brk <= mm->brk)
		return brk_shrink(t, brk, newbrk, oldbrk);
	/* check_brk_limits: the new range must be user address space. */
	if (newbrk < brk || newbrk > TASK_SIZE)
		return brk_fails(t, ENOMEM, NULL, "mm/mmap.c: check_brk_limits: beyond TASK_SIZE");
	/* The next VMA must start at least a page above the new break, plus
	 * the guard gap below a stack. */
	next = store_find(&mm->vmas, oldbrk);
	if (next && newbrk + PAGE_SIZE > vma_start_gap(next))
		return brk_fails(t, ENOMEM, next, "mm/mmap.c: brk: the next mapping is too close");
	if (brk_grow(t, oldbrk, newbrk))
		return brk_fails(t, ENOMEM, NULL, "mm/vma.c: do_brk_flags: map_count above vm.max_map_count");
	mm->brk = brk;
	return (int64_t)brk;
}
