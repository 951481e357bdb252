#include "vma/modify.h"

#include <errno.h>

/* A copy of vma narrowed to [start, end), its page offset following. */
static struct vma *vma_piece(const struct vma *vma, uint64_t start, uint64_t end)
{
	struct vma *piece = vma_dup(vma);

	if (!piece)
		return NULL;
	piece->pgoff = vma->pgoff + pages(start - vma->start);
	piece->start = start;
	piece->end = end;
	return piece;
}

static void free_all(struct vma **vmas, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		vma_free(vmas[k]);
}

int vma_split(struct mm *mm, struct vma *vma, uint64_t addr, struct vma **lower,
	      struct vma **upper)
{
	struct vma *halves[2];
	int err;

	if (vma->special != VMA_NORMAL)
		return -EINVAL;
	halves[0] = vma_piece(vma, vma->start, addr);
	halves[1] = vma_piece(vma, addr, vma->end);
	if (!halves[0] || !halves[1]) {
		free_all(halves, 2);
		return -ENOMEM;
	}
	err = store_replace(&mm->vmas, &vma, 1, halves, 2);
	if (err) {
		free_all(halves, 2);
		return err;
	}
	vma_free(vma);
	*lower = halves[0];
	*upper = halves[1];
	return 0;
}

/* split_vma: a split that needs a free slot under max_map_count. */
static int split_counted(struct mm *mm, struct vma *vma, uint64_t addr, struct vma **lower,
			 struct vma **upper)
{
	/* The count first: at the limit even a special mapping says ENOMEM. */
	if (mm_map_count(mm) >= mm->max_map_count)
		return -ENOMEM;
	return vma_split(mm, vma, addr, lower, upper);
}

/* Whether prev and next could both merge around a changed middle: their
 * anon_vmas must agree too (mm/vma.c: vma_merge_existing_range). */
static bool anon_compatible(const struct vma *a, const struct vma *b)
{
	return vma_anon_vmas_agree(a, b);
}

/* The VMA `merged` takes in a neighbour: its range, its page offset when
 * the neighbour lies below, its sticky flags and, lacking one, its
 * anon_vma (mm/vma.c: the merge keeps one VMA with the union's range). */
static void absorb_prev(struct vma *merged, const struct vma *prev)
{
	merged->start = prev->start;
	merged->pgoff = prev->pgoff;
	merged->flags = vma_merged_flags(merged, prev);
	if (!merged->anon_vma) {
		merged->anon_vma = prev->anon_vma;
		merged->anon_vma_forked = prev->anon_vma_forked;
	}
}

static void absorb_next(struct vma *merged, const struct vma *next)
{
	merged->end = next->end;
	merged->flags = vma_merged_flags(merged, next);
	if (!merged->anon_vma) {
		merged->anon_vma = next->anon_vma;
		merged->anon_vma_forked = next->anon_vma_forked;
	}
}

/* vma_merge_existing_range's partners for the changed range `middle` of
 * vma: prev when the range starts where vma starts, next when it ends
 * where vma ends, each only if it touches and matches; both only when
 * their anon_vmas agree. */
static void find_partners(struct mm *mm, const struct vma *vma, const struct vma *middle,
			  struct vma **prev, struct vma **next)
{
	struct store_iter it;

	*prev = *next = NULL;
	if (middle->start == vma->start) {
		store_iter_seek(&it, &mm->vmas, vma->start);
		*prev = store_iter_prev(&it);
		if (*prev && ((*prev)->end != middle->start || !vma_can_merge(*prev, middle)))
			*prev = NULL;
	}
	if (middle->end == vma->end) {
		store_iter_seek(&it, &mm->vmas, vma->start);
		*next = store_iter_next(&it);
		if (*next && ((*next)->start != middle->end || !vma_can_merge(middle, *next)))
			*next = NULL;
	}
	if (*prev && *next && !anon_compatible(*prev, *next))
		*next = NULL;
}

/* Split off the parts of *vma outside [start, end) that no partner takes
 * in, as split_vma does, each split needing a slot under max_map_count.
 * On success *vma is the VMA holding the range (perhaps with a part a
 * partner will take); on failure *out holds start with its old flags. */
static int split_outside(struct mm *mm, struct vma **vma, uint64_t start, uint64_t end,
			 bool prev_takes, bool next_takes, struct vma **out)
{
	struct vma *lower, *upper;
	int err;

	if (start > (*vma)->start && !next_takes) {
		err = split_counted(mm, *vma, start, &lower, &upper);
		if (err)
			return err;
		*vma = upper;
		*out = upper;
	}
	if (end < (*vma)->end && !prev_takes) {
		err = split_counted(mm, *vma, end, &lower, &upper);
		if (err) {
			*out = *vma;
			return err;
		}
		*vma = lower;
	}
	return 0;
}

/* Put middle (merged with its partners) in the place of vma and the
 * partners, vma keeping the part a partner did not take. */
static int commit_change(struct mm *mm, struct vma *vma, struct vma *prev, struct vma *next,
			 struct vma *middle, uint64_t start, uint64_t end)
{
	struct vma *old[3], *fresh[3];
	unsigned nold = 0, nfresh = 0;
	int err;

	if (prev) {
		old[nold++] = prev;
		absorb_prev(middle, prev);
	}
	old[nold++] = vma;
	if (next) {
		old[nold++] = next;
		absorb_next(middle, next);
	}
	if (start > vma->start)      /* next takes the range: vma keeps its lower part */
		fresh[nfresh++] = vma_piece(vma, vma->start, start);
	fresh[nfresh++] = middle;
	if (end < vma->end)          /* prev takes the range: vma keeps its upper part */
		fresh[nfresh++] = vma_piece(vma, end, vma->end);
	for (unsigned k = 0; k < nfresh; k++)
		if (!fresh[k])
			goto nomem;
	err = store_replace(&mm->vmas, old, nold, fresh, nfresh);
	if (err)
		goto fail;
	free_all(old, nold);
	return 0;
nomem:
	err = -ENOMEM;
fail:
	for (unsigned k = 0; k < nfresh; k++)
		if (fresh[k] != middle)
			vma_free(fresh[k]);
	return err;
}

int vma_modify_flags(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
		     vm_flags_t flags, struct vma_origin origin, struct vma **out)
{
	struct vma *prev, *next, *middle;
	int err;

	*out = vma;
	if (flags == vma->flags)
		return 0;
	middle = vma_piece(vma, start, end);
	if (!middle)
		return -ENOMEM;
	middle->flags = flags;
	middle->origin = origin;
	find_partners(mm, vma, middle, &prev, &next);
	err = split_outside(mm, &vma, start, end, prev != NULL, next != NULL, out);
	if (!err)
		err = commit_change(mm, vma, prev, next, middle, start, end);
	if (err) {
		vma_free(middle);
		return err;
	}
	*out = middle;
	return 0;
}

int vma_map_new(struct mm *mm, struct vma *nv, struct vma **out)
{
	struct vma *prev = store_last_before(&mm->vmas, nv->start);
	struct vma *next = store_find(&mm->vmas, nv->start);
	struct vma *old[2], *merged;
	unsigned nold = 0;
	int err;

	if (prev && (prev->end != nv->start || !vma_can_merge(prev, nv)))
		prev = NULL;
	if (next && (next->start != nv->end || !vma_can_merge(nv, next)))
		next = NULL;
	if (prev && next && !anon_compatible(prev, next))
		next = NULL;
	if (!prev && !next) {
		err = store_insert(&mm->vmas, nv);
		if (!err)
			*out = nv;
		return err;
	}
	merged = vma_dup(nv);
	if (!merged)
		return -ENOMEM;
	if (prev) {
		old[nold++] = prev;
		absorb_prev(merged, prev);
	}
	if (next) {
		old[nold++] = next;
		absorb_next(merged, next);
	}
	err = store_replace(&mm->vmas, old, nold, &merged, 1);
	if (err) {
		vma_free(merged);
		return err;
	}
	free_all(old, nold);
	vma_free(nv);
	*out = merged;
	return 0;
}

/* Whether b's anon_vma could serve a (adjacent, a below b): the same
 * file, contiguous offsets, and flags equal apart from the access bits
 * and the sticky ones (mm/rmap.c: anon_vma_compatible; a guarded VMA
 * shares its neighbour's anon_vma, as conform showed on 6.18.44). */
static bool anon_vma_compatible(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->file == b->file &&
	       !((a->flags ^ b->flags) & ~(VM_ACCESS_FLAGS | VM_IGNORE_MERGE)) &&
	       b->pgoff == a->pgoff + pages(b->start - a->start);
}

void vma_anon_vma_prepare(struct mm *mm, struct vma *vma)
{
	struct store_iter it;
	struct vma *next, *prev;

	if (vma->anon_vma)
		return;
	/* Whatever it gets now is its own, not a fork's. A fork child's
	 * anon_vma is never lent (mm/rmap.c: reusable_anon_vma wants a
	 * singular chain). */
	vma->anon_vma_forked = false;
	store_iter_seek(&it, &mm->vmas, vma->start);
	next = store_iter_next(&it);
	if (next && next->anon_vma && !vma_is_fork_child(next) && anon_vma_compatible(vma, next)) {
		vma->anon_vma = next->anon_vma;
		return;
	}
	store_iter_seek(&it, &mm->vmas, vma->start);
	prev = store_iter_prev(&it);
	if (prev && prev->anon_vma && !vma_is_fork_child(prev) && anon_vma_compatible(prev, vma)) {
		vma->anon_vma = prev->anon_vma;
		return;
	}
	vma->anon_vma = mm_new_anon_vma(mm);
}
