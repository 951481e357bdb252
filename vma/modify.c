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

int vma_modify_flags(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
		     vm_flags_t flags, struct vma_origin origin, struct vma **out)
{
	struct store_iter it;
	struct vma *prev = NULL, *next = NULL, *middle, *lower, *upper;
	struct vma *old[3], *fresh[3];
	unsigned nold = 0, nfresh = 0;
	int err;

	*out = vma;
	if (flags == vma->flags)
		return 0;
	middle = vma_piece(vma, start, end);
	if (!middle)
		return -ENOMEM;
	middle->flags = flags;
	middle->origin = origin;

	store_iter_seek(&it, &mm->vmas, vma->start);
	if (start == vma->start) {
		prev = store_iter_prev(&it);
		if (prev && (prev->end != start || !vma_can_merge(prev, middle)))
			prev = NULL;
		store_iter_seek(&it, &mm->vmas, vma->start);
	}
	if (end == vma->end) {
		next = store_iter_next(&it);
		if (next && (next->start != end || !vma_can_merge(middle, next)))
			next = NULL;
	}
	if (prev && next && !anon_compatible(prev, next))
		next = NULL;

	/* Without a merge on a side, the part of vma beyond the range on
	 * that side must be split off first, as the kernel does. */
	if (start > vma->start && !(next && end == vma->end)) {
		err = split_counted(mm, vma, start, &lower, &upper);
		if (err) {
			vma_free(middle);
			return err;
		}
		vma = upper;
		*out = lower;
	}
	if (end < vma->end && !(prev && start == vma->start)) {
		err = split_counted(mm, vma, end, &lower, &upper);
		if (err) {
			vma_free(middle);
			*out = vma;
			return err;
		}
		vma = lower;
	}

	/* Now vma is the range itself, or a merge partner trims it. */
	if (prev) {
		old[nold++] = prev;
		middle->start = prev->start;
		middle->pgoff = prev->pgoff;
		middle->flags = vma_merged_flags(middle, prev);
		if (!middle->anon_vma)
			middle->anon_vma = prev->anon_vma;
	}
	old[nold++] = vma;
	if (next) {
		old[nold++] = next;
		middle->end = next->end;
		middle->flags = vma_merged_flags(middle, next);
		if (!middle->anon_vma)
			middle->anon_vma = next->anon_vma;
	}
	if (start > vma->start)      /* next absorbs the range: vma keeps its lower part */
		fresh[nfresh++] = vma_piece(vma, vma->start, start);
	fresh[nfresh++] = middle;
	if (end < vma->end)          /* prev absorbs the range: vma keeps its upper part */
		fresh[nfresh++] = vma_piece(vma, end, vma->end);
	for (unsigned k = 0; k < nfresh; k++) {
		if (!fresh[k]) {
			free_all(fresh, nfresh);
			return -ENOMEM;
		}
	}
	err = store_replace(&mm->vmas, old, nold, fresh, nfresh);
	if (err) {
		free_all(fresh, nfresh);
		return err;
	}
	free_all(old, nold);
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
		merged->start = prev->start;
		merged->pgoff = prev->pgoff;
		merged->flags = vma_merged_flags(merged, prev);
		if (!merged->anon_vma)
			merged->anon_vma = prev->anon_vma;
	}
	if (next) {
		old[nold++] = next;
		merged->end = next->end;
		merged->flags = vma_merged_flags(merged, next);
		if (!merged->anon_vma)
			merged->anon_vma = next->anon_vma;
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
	store_iter_seek(&it, &mm->vmas, vma->start);
	next = store_iter_next(&it);
	if (next && next->anon_vma && anon_vma_compatible(vma, next)) {
		vma->anon_vma = next->anon_vma;
		return;
	}
	store_iter_seek(&it, &mm->vmas, vma->start);
	prev = store_iter_prev(&it);
	if (prev && prev->anon_vma && anon_vma_compatible(prev, vma)) {
		vma->anon_vma = prev->anon_vma;
		return;
	}
	vma->anon_vma = mm_new_anon_vma(mm);
}
