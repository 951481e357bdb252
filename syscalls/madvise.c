/* madvise(addr, len, advice): mm/madvise.c: do_madvise ->
 * madvise_walk_vmas -> per VMA madvise_vma_behavior (semantics
 * reference 7).
 *
 * Every VMA in range is visited in order; holes make the call end in
 * ENOMEM unless a VMA returned an error first. On each VMA the seal test
 * comes first (mm/mseal.c / mm/madvise.c: can_madvise_modify), then the
 * advice's own checks, then flag-changing advice splits and merges like
 * mprotect (a split failing on max_map_count is reported as EAGAIN).
 */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "memfd/memfd.h"
#include "vma/modify.h"

#define PMD_SIZE (UINT64_C(2) << 20)

/* Advice this kernel knows (madvise_behavior_valid with KSM and THP on,
 * MEMORY_FAILURE off). */
static bool advice_valid(const struct task *t, int64_t advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_DONTNEED_LOCKED: case MADV_FREE: case MADV_REMOVE:
	case MADV_DONTFORK: case MADV_DOFORK: case MADV_WIPEONFORK: case MADV_KEEPONFORK:
	case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
	case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
	case MADV_COLLAPSE: case MADV_DONTDUMP: case MADV_DODUMP:
		return true;
	case MADV_GUARD_INSTALL: case MADV_GUARD_REMOVE:
		return t->profile->guard_install_is_discard;
	default:
		return false;
	}
}

/* Advice that throws contents away, refused on sealed read-only
 * anonymous memory (mm/madvise.c: is_discard). */
static bool advice_discards(const struct task *t, int64_t advice)
{
	switch (advice) {
	case MADV_DONTNEED: case MADV_DONTNEED_LOCKED: case MADV_FREE: case MADV_REMOVE:
	case MADV_DONTFORK: case MADV_WIPEONFORK:
		return true;
	case MADV_GUARD_INSTALL:
		return t->profile->guard_install_is_discard;
	default:
		return false;
	}
}

/* "Anonymous" for the seal test: no vm_ops (6.17+, so a private
 * /dev/zero map counts), or no file and not shared before that. */
static bool seal_test_anonymous(const struct task *t, const struct vma *vma)
{
	if (t->profile->madvise_anon_means_no_vm_ops)
		return vma_is_anonymous(vma);
	return !vma->file && !(vma->flags & VM_SHARED);
}

/* can_madvise_modify: the refusal happens only when all four hold. */
static bool seal_refuses(const struct task *t, const struct vma *vma, int64_t advice)
{
	return vma_is_sealed(vma) && advice_discards(t, advice) && seal_test_anonymous(t, vma) &&
	       !(vma->flags & VM_WRITE);
}

/* The flags an advice sets, or a negative errno from its own checks; 1
 * when the advice changes no flags (nothing to split). */
static int advice_flags(const struct vma *vma, int64_t advice, vm_flags_t *flags)
{
	vm_flags_t f = vma->flags;

	switch (advice) {
	case MADV_NORMAL: f &= ~(VM_RAND_READ | VM_SEQ_READ); break;
	case MADV_SEQUENTIAL: f = (f & ~VM_RAND_READ) | VM_SEQ_READ; break;
	case MADV_RANDOM: f = (f & ~VM_SEQ_READ) | VM_RAND_READ; break;
	case MADV_DONTFORK: f |= VM_DONTCOPY; break;
	case MADV_DOFORK:
		if (f & VM_IO)
			return -EINVAL;
		f &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		/* Only anonymous private memory can be wiped in a child. */
		if (vma->file || (f & VM_SHARED))
			return -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		if (f & VM_DROPPABLE)
			return -EINVAL;
		f &= ~VM_WIPEONFORK;
		break;
	case MADV_DONTDUMP: f |= VM_DONTDUMP; break;
	case MADV_DODUMP:
		if ((f & (VM_SPECIAL | VM_DROPPABLE)) && !(f & VM_HUGETLB))
			return -EINVAL;
		f &= ~VM_DONTDUMP;
		break;
	case MADV_MERGEABLE:
		/* mm/ksm.c: ksm_madvise leaves these kinds alone, silently. */
		if (!(f & (VM_MERGEABLE | VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND |
			   VM_HUGETLB | VM_MIXEDMAP | VM_DROPPABLE)))
			f |= VM_MERGEABLE;
		break;
	case MADV_UNMERGEABLE: f &= ~VM_MERGEABLE; break;
	case MADV_HUGEPAGE: f = (f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE; break;
	case MADV_NOHUGEPAGE: f = (f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE; break;
	default:
		return 1;
	}
	*flags = f;
	return 0;
}

/* FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, what madvise_remove asks. */
#define FALLOC_PUNCH_KEEP 0x03

/* The checks of the advice that change no flags, per VMA. */
static int advice_check(struct task *t, struct vma *vma, uint64_t start, uint64_t end,
			int64_t advice)
{
	switch (advice) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		/* madvise_dontneed_free_valid_vma */
		if ((vma->flags & VM_PFNMAP) || (advice == MADV_DONTNEED && (vma->flags & VM_LOCKED)))
			return -EINVAL;
		return 0;
	case MADV_FREE:
		if ((vma->flags & (VM_PFNMAP | VM_LOCKED)) || !vma_is_anonymous(vma))
			return -EINVAL;
		return 0;
	case MADV_REMOVE:
		/* madvise_remove: punch a hole in a shared writable file. */
		if (vma->flags & VM_LOCKED)
			return -EINVAL;
		if (!vma->file)
			return -EINVAL;
		if ((vma->flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
			return -EACCES;
		/* The hole is punched through vfs_fallocate, which a write seal
		 * refuses (mm/shmem.c: shmem_fallocate; conform, 6.18.44). */
		return memfd_fallocate(vma->file->inode, vma->file->mode, FALLOC_PUNCH_KEEP,
				       (int64_t)((vma->pgoff << PAGE_SHIFT) + (start - vma->start)),
				       (int64_t)(end - start));
	case MADV_COLD:
	case MADV_PAGEOUT:
		/* can_madv_lru_vma */
		return (vma->flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB)) ? -EINVAL : 0;
	case MADV_GUARD_INSTALL:
		if (vma->flags & (VM_SPECIAL | VM_HUGETLB | VM_MIXEDMAP | VM_LOCKED))
			return -EINVAL;
		/* The whole VMA is marked, without a split, and anonymous
		 * memory gets an anon_vma for the guard entries
		 * (mm/madvise.c: madvise_guard_install). */
		vma->flags |= VM_MAYBE_GUARD;
		if (vma_is_anonymous(vma))
			vma_anon_vma_prepare(t->mm, vma);
		return guards_add(&t->mm->guards, start, end);
	case MADV_GUARD_REMOVE:
		if (vma->flags & (VM_SPECIAL | VM_HUGETLB | VM_MIXEDMAP))
			return -EINVAL;
		return guards_remove(&t->mm->guards, start, end);
	case MADV_COLLAPSE: {
		/* mm/khugepaged.c: madvise_collapse needs a whole aligned 2 MiB
		 * inside the VMA and the range. */
		uint64_t lo = (start + PMD_SIZE - 1) & ~(PMD_SIZE - 1);

		return lo + PMD_SIZE <= end ? 0 : -EINVAL;
	}
	default:
		return 0;
	}
}

/* One VMA of the walk: [start, end) lies inside it. */
static int visit(struct task *t, struct vma **vmap, uint64_t start, uint64_t end, int64_t advice)
{
	struct vma *vma = *vmap;
	vm_flags_t flags;
	int err;

	if (seal_refuses(t, vma, advice))
		return refuse(&t->refusal, EPERM, vma,
			      "mm/madvise.c: can_madvise_modify: discarding sealed read-only anonymous memory");
	err = advice_flags(vma, advice, &flags);
	if (err < 0)
		return refuse(&t->refusal, -err, vma, "mm/madvise.c: madvise_vma_behavior: advice not valid for this VMA");
	if (err > 0) {
		err = advice_check(t, vma, start, end, advice);
		return err ? refuse(&t->refusal, -err, vma, "mm/madvise.c: the advice's own check") : 0;
	}
	if (flags == vma->flags)
		return 0;
	err = vma_modify_flags(t->mm, vma, start, end, flags, task_origin(t, NR_MADVISE), vmap);
	/* On failure vma may be gone (a first split stays); *vmap holds start. */
	if (err == -ENOMEM)
		return refuse(&t->refusal, EAGAIN, *vmap,
			      "mm/madvise.c: madvise_update_vma: split at vm.max_map_count (ENOMEM reported as EAGAIN)");
	if (err)
		return refuse(&t->refusal, -err, *vmap, "mm/vma.c: __split_vma: the mapping refuses to split");
	return 0;
}

/* MADV_POPULATE_READ/WRITE fault the range in page by page (mm/madvise.c:
 * madvise_populate), outside the walk, stopping at the first problem: a
 * hole is ENOMEM, a VMA that does not allow the access EINVAL, a guard
 * page EFAULT. Write faults in private memory attach an anon_vma. */
static int64_t populate(struct task *t, uint64_t start, uint64_t end, bool write)
{
	while (start < end) {
		struct vma *vma = store_find(&t->mm->vmas, start);
		uint64_t stop, guard;

		if (!vma || vma->start > start)
			return refuse(&t->refusal, ENOMEM, NULL, "mm/madvise.c: madvise_populate: hole in range");
		if ((vma->flags & (VM_IO | VM_PFNMAP)) ||
		    !(vma->flags & (write ? VM_WRITE : VM_READ)))
			return refuse(&t->refusal, EINVAL, vma, "mm/madvise.c: madvise_populate: access not allowed");
		stop = vma->end < end ? vma->end : end;
		guard = guards_first_in(&t->mm->guards, start, stop);
		/* A page past the end of a shmem object faults like a guard. */
		if (vma_object_end(vma) < guard)
			guard = vma_object_end(vma) > start ? vma_object_end(vma) : start;
		/* Pages before a guard are faulted in. */
		if (write && guard > start && !(vma->flags & VM_SHARED))
			vma_anon_vma_prepare(t->mm, vma);
		if (guard < stop)
			return refuse(&t->refusal, EFAULT, vma, "mm/madvise.c: madvise_populate: a guard page faults");
		start = stop;
	}
	return 0;
}

int64_t sys_madvise(struct task *t, uint64_t start, uint64_t len, int64_t advice)
{
	uint64_t end, unmapped = 0;
	struct vma *vma;
	int err;

	refusal_clear(&t->refusal);
	if (!advice_valid(t, advice))
		return refuse(&t->refusal, EINVAL, NULL, "mm/madvise.c: madvise_behavior_valid: unknown advice");
	if (!page_aligned(start))
		return refuse(&t->refusal, EINVAL, NULL, "mm/madvise.c: address not page aligned");
	if (len && !page_align(len))
		return refuse(&t->refusal, EINVAL, NULL, "mm/madvise.c: len rounds up past the end");
	end = start + page_align(len);
	if (end < start)
		return refuse(&t->refusal, EINVAL, NULL, "mm/madvise.c: range wraps");
	if (end == start)
		return 0;
	if (advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE)
		return populate(t, start, end, advice == MADV_POPULATE_WRITE);
	if (t->profile->seal_check == SEAL_CHECK_PREWALK && advice_discards(t, advice)) {
		struct store_iter it;

		for (struct vma *v = store_iter_seek(&it, &t->mm->vmas, start); v && v->start < end;
		     v = store_iter_next(&it))
			if (seal_refuses(t, v, advice))
				return refuse(&t->refusal, EPERM, v, "mm/mseal.c: can_modify_mm_madv");
	}

	/* madvise_walk_vmas */
	vma = store_find(&t->mm->vmas, start);
	for (;;) {
		uint64_t stop;

		if (!vma)
			return refuse(&t->refusal, ENOMEM, NULL, "mm/madvise.c: madvise_walk_vmas: nothing mapped from here on");
		if (start < vma->start) {
			unmapped = ENOMEM;
			start = vma->start;
			if (start >= end)
				break;
		}
		stop = vma->end < end ? vma->end : end;
		err = visit(t, &vma, start, stop, advice);
		if (err)
			return err;
		start = vma->end > stop ? vma->end : stop;
		if (start >= end)
			break;
		vma = store_find(&t->mm->vmas, start);
	}
	if (unmapped)
		return refuse(&t->refusal, ENOMEM, NULL, "mm/madvise.c: madvise_walk_vmas: a hole in range");
	return 0;
}
