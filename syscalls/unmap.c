/* The one unmap path (mm/vma.c: vms_gather_munmap_vmas and
 * do_vmi_align_munmap), shared by munmap, mmap MAP_FIXED, brk shrink,
 * mremap shrink and the MREMAP_FIXED destination.
 *
 *   [  A  ][ hole ][  B  ][  S (sealed)  ]
 *      ^ start                   ^ end
 *
 * 1. start strictly inside A: punching a hole (end inside A too) needs a
 *    free slot under max_map_count; a sealed A refuses; otherwise A is
 *    split at start, and that split is never undone.
 * 2. every VMA in range is tested for the seal in address order; the
 *    last one is split at end if it reaches beyond (after its test).
 * 3. holes are ignored; only then is anything removed.
 */
#include <errno.h>

#include "syscalls/internal.h"
#include "vma/modify.h"

bool mm_range_has_sealed(struct task *t, uint64_t start, uint64_t end)
{
	struct store_iter it;

	for (struct vma *v = store_iter_seek(&it, &t->mm->vmas, start); v && v->start < end;
	     v = store_iter_next(&it)) {
		if (vma_is_sealed(v)) {
			refuse(&t->refusal, EPERM, v, "mm/mseal.c: can_modify_mm: a sealed VMA in range");
			return true;
		}
	}
	return false;
}

/* Step 2's test: any sealed VMA from the iterator's VMA v up to end. */
static struct vma *first_sealed(struct store_iter *it, struct vma *v, uint64_t end)
{
	for (; v && v->start < end; v = store_iter_next(it))
		if (vma_is_sealed(v))
			return v;
	return NULL;
}

int mm_unmap(struct task *t, uint64_t start, uint64_t end)
{
	struct mm *mm = t->mm;
	struct store_iter it;
	/* one descent finds the first VMA and walks on from it */
	struct vma *vma = store_iter_seek(&it, &mm->vmas, start), *lower, *upper, *sealed;
	int err;

	if (!vma || vma->start >= end)
		return 0;
	if (t->profile->seal_check == SEAL_CHECK_PREWALK && mm_range_has_sealed(t, start, end))
		return -EPERM;
	if (start > vma->start) {
		if (end < vma->end && mm_map_count(mm) >= mm->max_map_count)
			return refuse(&t->refusal, ENOMEM, vma,
				      "mm/vma.c: vms_gather_munmap_vmas: punching a hole needs a "
				      "VMA slot under vm.max_map_count");
		if (vma_is_sealed(vma))
			return refuse(&t->refusal, EPERM, vma,
				      "mm/vma.c: vms_gather_munmap_vmas: the first VMA is sealed");
		err = vma_split(mm, vma, start, &lower, &upper);
		if (err)
			return refuse(&t->refusal, -err, vma, "mm/vma.c: __split_vma");
		vma = store_iter_seek(&it, &mm->vmas, start);   /* the split changed the tree */
	}
	sealed = first_sealed(&it, vma, end);
	if (sealed)
		return refuse(&t->refusal, EPERM, sealed,
			      "mm/vma.c: vms_gather_munmap_vmas: a sealed VMA in range");

	vma = store_find(&mm->vmas, start);
	while (vma && vma->start < end) {
		if (vma->end > end) {
			err = vma_split(mm, vma, end, &lower, &upper);
			if (err)
				return refuse(&t->refusal, -err, vma, "mm/vma.c: __split_vma");
			vma = lower;
		}
		store_erase(&mm->vmas, vma);
		vma_free(vma);
		vma = store_find(&mm->vmas, start);
	}
	/* The page tables go, guard markers with them. */
	if (guards_remove(&mm->guards, start, end))
		return refuse(&t->refusal, ENOMEM, NULL, "out of memory in the model");
	return 0;
}
