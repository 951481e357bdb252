/* mremap(old, old_len, new_len, flags, new_addr): mm/mremap.c as
 * restructured in 6.17 (do_mremap, check_mremap_params, check_prep_vma,
 * remap_move, mremap_to, mremap_at, expand_vma, move_vma); semantics
 * reference 6.
 *
 *   no resize, no new address      -> nothing, return old
 *   shrink                         -> unmap the tail (the unmap path)
 *   grow                           -> in place when the VMA ends the
 *                                     range and the space above is free,
 *                                     else move (MREMAP_MAYMOVE) or ENOMEM
 *   MREMAP_FIXED / MREMAP_DONTUNMAP -> move to new_addr (FIXED unmaps
 *                                     the destination first)
 *   MREMAP_FIXED, old_len == new_len -> every VMA in the range moves,
 *                                     piece by piece, holes kept
 */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "vma/modify.h"

#define MREMAP_KNOWN (MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)

/* One remap on one VMA (the kernel's struct vma_remap_struct). */
struct remap {
	struct task *t;
	uint64_t flags;
	uint64_t addr, old_len, new_len, new_addr;
	struct vma *vma;
};

static bool implies_new_addr(const struct remap *r)
{
	return r->flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
}

static int64_t fail(struct remap *r, int err, const struct vma *vma, const char *rule)
{
	return refuse(&r->t->refusal, err, vma, rule);
}

/* check_mremap_params: nothing looked up yet. */
static int64_t check_params(struct remap *r)
{
	struct mm *mm = r->t->mm;

	if (r->flags & ~(uint64_t)MREMAP_KNOWN)
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: unknown flags");
	if (!page_aligned(r->addr))
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: old address not page aligned");
	if (!r->new_len)
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: new length is 0");
	if (r->new_len > TASK_SIZE)
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: new length beyond TASK_SIZE");
	if (!implies_new_addr(r))
		return 0;
	if (r->new_addr > TASK_SIZE - r->new_len)
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: new range beyond TASK_SIZE");
	if (!page_aligned(r->new_addr))
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: new address not page aligned");
	if (!(r->flags & MREMAP_MAYMOVE))
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: FIXED/DONTUNMAP without MAYMOVE");
	if ((r->flags & MREMAP_DONTUNMAP) && r->old_len != r->new_len)
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: DONTUNMAP cannot resize");
	/* Checked here, before any VMA is looked up: an overlapping move of
	 * a sealed VMA is EINVAL, not EPERM (seen on 6.18.44). */
	if (r->addr + r->old_len > r->new_addr && r->new_addr + r->new_len > r->addr)
		return fail(r, EINVAL, NULL, "mm/mremap.c: check_mremap_params: old and new ranges overlap");
	/* Up to two splits from the unmaps plus the move itself must fit. */
	if (mm_map_count(mm) + 2 >= mm->max_map_count - 3)
		return fail(r, ENOMEM, NULL, "mm/mremap.c: check_mremap_params: too close to vm.max_map_count");
	return 0;
}

/* check_prep_vma: the source VMA allows this remap. */
static int64_t check_prep_vma(struct remap *r)
{
	struct vma *vma = r->vma;
	uint64_t old_len = r->old_len, pgoff;

	if (!vma)
		return fail(r, EFAULT, NULL, "mm/mremap.c: check_prep_vma: no VMA at the old address");
	if (vma_is_sealed(vma))
		return fail(r, EPERM, vma, "mm/mremap.c: check_prep_vma: the VMA is sealed");
	if (!implies_new_addr(r))
		r->new_addr = r->addr;
	/* The rest matters only when new address space gets mapped. */
	if (r->new_len <= r->old_len && !implies_new_addr(r))
		return 0;
	if (!old_len && !(vma->flags & (VM_SHARED | VM_MAYSHARE)))
		return fail(r, EINVAL, vma, "mm/mremap.c: check_prep_vma: cannot duplicate a private mapping");
	if ((r->flags & MREMAP_DONTUNMAP) && (vma->flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return fail(r, EINVAL, vma, "mm/mremap.c: check_prep_vma: DONTUNMAP on a VM_DONTEXPAND/VM_PFNMAP VMA");
	/* A shrink may unmap beyond the VMA; what it keeps may not. */
	if (r->new_len < old_len)
		old_len = r->new_len;
	if (old_len > vma->end - r->addr)
		return fail(r, EFAULT, vma, "mm/mremap.c: check_prep_vma: the range runs past the VMA's end");
	if (r->new_len == old_len)
		return 0;
	pgoff = vma->pgoff + pages(r->addr - vma->start);
	if (pgoff + pages(r->new_len) < pgoff)
		return fail(r, EINVAL, vma, "mm/mremap.c: check_prep_vma: page offset overflows");
	if (vma->flags & (VM_DONTEXPAND | VM_PFNMAP))
		return fail(r, EFAULT, vma, "mm/mremap.c: check_prep_vma: the VMA may not grow");
	return 0;
}

/* A special mapping moves only whole (vm_ops->may_split refuses). */
static bool splits_special(const struct remap *r)
{
	return r->vma->special != VMA_NORMAL &&
	       (r->vma->start != r->addr || r->vma->end != r->addr + r->old_len);
}

/* copy_vma: the moved VMA at its new place, merged with what is there.
 * An untouched anonymous VMA takes the page offset of its new address,
 * so that it can merge there; a touched one keeps its own. */
static int copy_vma(struct remap *r, struct vma **out)
{
	struct vma *vma = r->vma, *nv = vma_dup(vma);
	int err;

	if (!nv)
		return -ENOMEM;
	nv->start = r->new_addr;
	nv->end = r->new_addr + r->new_len;
	if (vma_is_anonymous(vma) && !vma->anon_vma)
		nv->pgoff = pages(r->new_addr);
	else
		nv->pgoff = vma->pgoff + pages(r->addr - vma->start);
	nv->origin = task_origin(r->t, NR_MREMAP);
	err = vma_map_new(r->t->mm, nv, out);
	if (err)
		vma_free(nv);
	return err;
}

/* move_vma: copy, then unmap the source (or, with DONTUNMAP, leave it
 * mapped but emptied: no longer locked, and without its anon_vma when
 * all of it moved). */
static int64_t move_vma(struct remap *r)
{
	struct mm *mm = r->t->mm;
	struct vma *moved;
	uint64_t src = r->addr, src_end = r->addr + r->old_len;
	int err;

	if (mm_map_count(mm) >= mm->max_map_count - 3)
		return fail(r, ENOMEM, r->vma, "mm/mremap.c: prep_move_vma: too close to vm.max_map_count");
	if (splits_special(r))
		return fail(r, EINVAL, r->vma, "mm/mremap.c: prep_move_vma: the mapping refuses to split");
	/* The page tables move, guard markers with them (move_page_tables);
	 * moved first here, where a failure has nothing to undo (the kernel
	 * moves them back and unmaps the copy). */
	if (guards_move(&mm->guards, src, r->old_len, r->new_addr))
		return fail(r, ENOMEM, NULL, "out of memory in the model");
	err = copy_vma(r, &moved);
	if (err) {
		guards_move(&mm->guards, r->new_addr, r->old_len, src);
		return fail(r, -err, r->vma, "mm/vma.c: copy_vma");
	}
	if (r->flags & MREMAP_DONTUNMAP) {
		struct vma *left = mm_vma_lookup(mm, src);

		if (left) {
			left->flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
			if (left->start == src && left->end == src_end)
				left->anon_vma = 0;
		}
		return (int64_t)r->new_addr;
	}
	/* The source goes through munmap's checks; the kernel ignores what
	 * that unmap returns (unmap_source_vma is void): an old_len of 0,
	 * the duplicate of a shared mapping, unmaps nothing and still
	 * succeeds. */
	mm_munmap(r->t, src, src_end - src);
	refusal_clear(&r->t->refusal);
	return (int64_t)r->new_addr;
}

/* The address to move to: FIXED exactly, DONTUNMAP as a hint, a growing
 * move wherever the top-down search finds room. */
static int64_t set_new_addr(struct remap *r)
{
	const struct vma *vma = r->vma;
	uint64_t map_flags = (r->flags & MREMAP_FIXED) ? MAP_FIXED : 0;
	uint64_t pgoff = vma->pgoff + pages(r->addr - vma->start);
	int64_t found;

	if (vma->flags & VM_MAYSHARE)
		map_flags |= MAP_SHARED;
	found = mm_get_unmapped_area(r->t, implies_new_addr(r) ? r->new_addr : 0, r->new_len, pgoff,
				     map_flags, vma->file != NULL || (vma->flags & VM_MAYSHARE));
	if (found < 0)
		return fail(r, (int)-found, NULL, "mm/mmap.c: get_unmapped_area for the new place");
	r->new_addr = (uint64_t)found;
	return 0;
}

/* mremap_to: FIXED or DONTUNMAP. */
static int64_t mremap_to(struct remap *r)
{
	struct mm *mm = r->t->mm;
	int64_t err;

	if (r->flags & MREMAP_FIXED) {
		/* Like MAP_FIXED: whatever is at the destination goes first,
		 * and a sealed VMA there refuses. */
		err = mm_munmap(r->t, r->new_addr, r->new_len);
		if (err)
			return err;
		r->vma = mm_vma_lookup(mm, r->addr);
		if (!r->vma)
			return fail(r, EFAULT, NULL, "mm/mremap.c: mremap_to: the source went away");
	}
	if (r->new_len < r->old_len) {
		err = mm_munmap(r->t, r->addr + r->new_len, r->old_len - r->new_len);
		if (err)
			return err;
		r->vma = mm_vma_lookup(mm, r->addr);
		if (!r->vma)
			return fail(r, EFAULT, NULL, "mm/mremap.c: shrink_vma: the source went away");
		r->old_len = r->new_len;
	}
	err = set_new_addr(r);
	if (err)
		return err;
	return move_vma(r);
}

/* vma_expandable: nothing in [end, end + delta) and it stays user space. */
static bool expandable(const struct mm *mm, const struct vma *vma, uint64_t delta)
{
	uint64_t end = vma->end + delta;
	const struct vma *next;

	if (end < vma->end || end > TASK_SIZE)
		return false;
	next = store_find(&mm->vmas, vma->end);
	return !next || next->start >= end;
}

/* vma_merge_extend: the VMA grows by delta and merges with the next VMA
 * when that now touches it and matches; never with the one before. */
static int64_t expand_in_place(struct remap *r, uint64_t delta)
{
	struct mm *mm = r->t->mm;
	struct vma *old[2] = { r->vma, store_find(&mm->vmas, r->vma->end) };
	struct vma *grown = vma_dup(r->vma);
	unsigned nold = 1;
	int err;

	if (!grown)
		return fail(r, ENOMEM, r->vma, "mm/vma.c: vma_merge_extend");
	grown->end = r->vma->end + delta;
	grown->origin = task_origin(r->t, NR_MREMAP);
	if (old[1] && old[1]->start == grown->end && vma_can_merge(grown, old[1])) {
		grown->end = old[1]->end;
		grown->flags = vma_merged_flags(grown, old[1]);
		if (!grown->anon_vma) {
			grown->anon_vma = old[1]->anon_vma;
			grown->anon_vma_forked = old[1]->anon_vma_forked;
		}
		nold = 2;
	}
	err = store_replace(&mm->vmas, old, nold, &grown, 1);
	if (err) {
		vma_free(grown);
		return fail(r, ENOMEM, r->vma, "mm/vma.c: vma_merge_extend");
	}
	for (unsigned k = 0; k < nold; k++)
		vma_free(old[k]);
	return (int64_t)r->addr;
}

/* mremap_at: resize without a requested new address. */
static int64_t mremap_at(struct remap *r)
{
	int64_t err;

	if (r->new_len == r->old_len)
		return (int64_t)r->addr;
	if (r->new_len < r->old_len) {
		err = mm_munmap(r->t, r->addr + r->new_len, r->old_len - r->new_len);
		return err ? err : (int64_t)r->addr;
	}
	if (r->vma->end - r->addr == r->old_len &&
	    expandable(r->t->mm, r->vma, r->new_len - r->old_len))
		return expand_in_place(r, r->new_len - r->old_len);
	if (!(r->flags & MREMAP_MAYMOVE))
		return fail(r, ENOMEM, r->vma, "mm/mremap.c: expand_vma: no room in place and no MREMAP_MAYMOVE");
	err = set_new_addr(r);
	if (err)
		return err;
	return move_vma(r);
}

/* remap_move: MREMAP_FIXED with equal lengths moves every VMA of the
 * range, keeping the holes between them; a refusal stops the walk with
 * the pieces before it moved. */
static int64_t remap_move(struct remap *whole)
{
	struct mm *mm = whole->t->mm;
	uint64_t start = whole->addr, end = whole->addr + whole->old_len;
	uint64_t target = whole->new_addr, last_end = 0, cursor = start;
	int64_t first = -EFAULT;
	bool seen = false;

	while (cursor < end) {
		struct vma *vma = store_find(&mm->vmas, cursor);
		struct remap r = *whole;
		uint64_t offset;
		int64_t res;

		if (!vma || vma->start >= end)
			break;
		if (!seen && start < vma->start)
			return fail(whole, EFAULT, NULL, "mm/mremap.c: remap_move: nothing mapped at the old address");
		offset = seen ? vma->start - last_end : 0;
		last_end = vma->end;
		r.vma = vma;
		r.addr = vma->start > cursor ? vma->start : cursor;
		r.old_len = r.new_len = (vma->end < end ? vma->end : end) - r.addr;
		r.new_addr = target + offset;
		/* The walk goes on after this piece, whatever the move left at
		 * its old place (DONTUNMAP leaves the VMA there). */
		cursor = r.addr + r.old_len;
		res = check_prep_vma(&r);
		if (!res)
			res = mremap_to(&r);
		if (res < 0)
			return res;
		if (!seen)
			first = res;
		seen = true;
		target = (uint64_t)res + r.new_len;
	}
	if (!seen)
		return fail(whole, EFAULT, NULL, "mm/mremap.c: remap_move: nothing mapped at the old address");
	return first;
}

int64_t sys_mremap(struct task *t, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		   uint64_t flags, uint64_t new_addr)
{
	struct remap r = {
		.t = t,
		.flags = flags,
		.addr = old_addr,
		.old_len = page_align(old_len),
		.new_len = page_align(new_len),
		.new_addr = new_addr,
	};
	int64_t err;

	refusal_clear(&t->refusal);
	err = check_params(&r);
	if (err)
		return err;
	if (t->profile->seal_check == SEAL_CHECK_PREWALK &&
	    mm_range_has_sealed(t, r.addr, r.addr + (r.old_len ? r.old_len : 1)))
		return -EPERM;
	if (t->profile->mremap_multi_vma && (flags & MREMAP_FIXED) && r.old_len == r.new_len)
		return remap_move(&r);
	r.vma = mm_vma_lookup(t->mm, r.addr);
	err = check_prep_vma(&r);
	if (err)
		return err;
	return implies_new_addr(&r) ? mremap_to(&r) : mremap_at(&r);
}
