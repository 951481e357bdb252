/* mseal(addr, len, flags): mm/mseal.c: do_mseal -> range_contains_unmapped
 * -> mseal_apply (semantics reference 2). Sealing sets VM_SEALED VMA by
 * VMA, splitting at the range edges and merging with matching
 * neighbours; a VMA already sealed is passed over. */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "vma/modify.h"

/* Any byte of [start, end) not covered by a VMA. */
static bool range_contains_unmapped(const struct mm *mm, uint64_t start, uint64_t end)
{
	struct store_iter it;
	uint64_t covered = start;

	for (struct vma *v = store_iter_seek(&it, &mm->vmas, start); v && v->start < end;
	     v = store_iter_next(&it)) {
		if (v->start > covered)
			return true;
		covered = v->end;
	}
	return covered < end;
}

int64_t sys_mseal(struct task *t, uint64_t addr, uint64_t len, uint64_t flags)
{
	uint64_t end, cur;
	int err;

	refusal_clear(&t->refusal);
	if (!t->profile->has_mseal)
		return refuse(&t->refusal, ENOSYS, NULL, "no mseal syscall in this kernel");
	if (flags)
		return refuse(&t->refusal, EINVAL, NULL, "mm/mseal.c: do_mseal: flags must be 0");
	if (!page_aligned(addr))
		return refuse(&t->refusal, EINVAL, NULL, "mm/mseal.c: do_mseal: address not page aligned");
	end = addr + page_align(len);
	if (len && !page_align(len))
		return refuse(&t->refusal, EINVAL, NULL, "mm/mseal.c: do_mseal: len rounds up past the end");
	if (end < addr)
		return refuse(&t->refusal, EINVAL, NULL, "mm/mseal.c: do_mseal: range wraps");
	if (end == addr)
		return 0;
	if (range_contains_unmapped(t->mm, addr, end))
		return refuse(&t->refusal, ENOMEM, NULL, "mm/mseal.c: range_contains_unmapped");

	for (cur = addr; cur < end;) {
		struct vma *vma = store_find(&t->mm->vmas, cur), *done = vma;
		uint64_t stop = vma->end < end ? vma->end : end;

		if (!vma_is_sealed(vma)) {
			err = vma_modify_flags(t->mm, vma, cur, stop, vma->flags | VM_SEALED,
					       task_origin(t, NR_MSEAL), &done);
			if (err)   /* vma may be gone; done still holds cur */
				return refuse(&t->refusal, -err, done,
					      err == -ENOMEM ? "mm/vma.c: split_vma: map_count at vm.max_map_count"
							     : "mm/vma.c: __split_vma: the mapping refuses to split");
		}
		cur = done->end > stop ? done->end : stop;
	}
	return 0;
}
