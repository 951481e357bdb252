/* The VMA store: a B+tree over non-overlapping [start, end) ranges,
 * modelled on the kernel's maple tree (lib/maple_tree.c).
 *
 * Nodes are wide (STORE_SLOTS = 15: a leaf is 256 bytes, like a maple
 * range node) and keyed by range *end* ("pivots"), so a lookup reads one
 * pivot array per level and touches one VMA at the bottom:
 *
 *   internal  [ pivot: max end below child i | child i | max gap below child i ] x15
 *                 /            |                 \
 *   leaf      [ pivot: vma end | vma ] x15   (vmas in address order)
 *
 *     find(addr): at each level, the first slot whose pivot > addr.
 *
 * A "gap" is the free space just below a VMA: [previous VMA's end,
 * vma->start). Every internal slot caches the largest gap below its
 * child (the store keeps the root's), so get_unmapped_area's
 * search skips whole subtrees that cannot fit (the maple tree does the
 * same with its gap arrays). The space above the highest VMA up to
 * TASK_SIZE is the top gap, tested apart.
 *
 * All updates are O(log n): insert, erase and replace touch one leaf
 * path (two when a leaf splits, merges or borrows) plus the path of the
 * first VMA after the change, whose gap below may have changed.
 * Non-root nodes hold at least STORE_MIN_FILL entries.
 */
#ifndef MMSIM_VMA_STORE_H
#define MMSIM_VMA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "vma/vma.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STORE_SLOTS 15
#define STORE_MIN_FILL (STORE_SLOTS / 2)

struct store_node;

struct store {
	struct store_node *root;
	size_t count;      /* VMAs in the store */
	unsigned height;   /* 0 when empty, 1 when the root is a leaf */
	uint64_t root_gap; /* the largest gap below any VMA */
	size_t nodes;      /* allocated nodes, for bytes-per-VMA figures */
};

/* A position in the store: a leaf and a slot in it. Valid until the next
 * change to the store; re-seek after changing it. */
struct store_iter {
	const struct store *store;
	struct store_node *leaf;
	unsigned slot;
};

void store_init(struct store *store);
/* Free every node; the VMAs are handed to `release` (may be NULL). */
void store_destroy(struct store *store, void (*release)(struct vma *));

/* The first VMA with end > addr, or NULL (the kernel's find_vma). */
struct vma *store_find(const struct store *store, uint64_t addr);
/* The VMA containing addr, or NULL (the kernel's vma_lookup). */
struct vma *store_lookup(const struct store *store, uint64_t addr);
/* The last VMA with start < addr, or NULL: the VMA containing addr when
 * there is one, else the last one below addr. (Not the kernel's
 * find_vma_prev, whose prev is the VMA before find_vma's answer.) */
struct vma *store_last_before(const struct store *store, uint64_t addr);
struct vma *store_first(const struct store *store);
struct vma *store_last(const struct store *store);

/* Iteration: seek to the first VMA with end > addr; then next/prev.
 * Each returns the VMA at the new position or NULL past either end; a
 * position past either end is final (seek again to go on), unlike the
 * kernel's vma_prev from past the last VMA. */
struct vma *store_iter_seek(struct store_iter *it, const struct store *store, uint64_t addr);
struct vma *store_iter_next(struct store_iter *it);
struct vma *store_iter_prev(struct store_iter *it);
struct vma *store_iter_vma(const struct store_iter *it);

/* Insert a VMA that overlaps nothing in the store.
 * Returns 0, -EEXIST if it overlaps (nothing changed), -ENOMEM. */
int store_insert(struct store *store, struct vma *vma);
/* Remove a VMA that is in the store (not freed). */
void store_erase(struct store *store, struct vma *vma);
/* Replace `nold` consecutive VMAs starting with `old[0]` by `nnew` VMAs
 * (0 to 3 of them: the store side of split and merge), in one step.
 * The new VMAs must lie inside the span the old ones covered together
 * with the gaps between them, or in free space; they must be sorted and
 * disjoint. Old VMAs are removed from the store, not freed.
 * Returns 0, -EEXIST if a new VMA overlaps one that stays, -EINVAL for
 * more than three new VMAs or unsorted ones, or -ENOMEM; the store is
 * unchanged on every error. */
int store_replace(struct store *store, struct vma *const *old, unsigned nold,
		  struct vma *const *new_vmas, unsigned nnew);

/* A request for free space, as vm_unmapped_area() takes it
 * (include/linux/mm.h: struct vm_unmapped_area_info). */
struct store_gap_request {
	uint64_t length;
	uint64_t low_limit;    /* lowest address the range may start at */
	uint64_t high_limit;   /* the range must end at or below this */
	uint64_t align_mask;   /* 0 or (alignment - 1), alignment a power of 2 above the page */
	uint64_t align_offset;
};

/* The highest (top-down) or lowest (bottom-up) free range, as the kernel's
 * unmapped_area_topdown / unmapped_area choose it: a gap qualifies when
 * length + align_mask fits in it within [low_limit, high_limit), so an
 * aligned range always fits; a guard of STACK_GUARD_GAP stays free below
 * any VM_GROWSDOWN VMA, and once the top-down search meets one, its
 * ceiling stays at that guard for the gaps below (the kernel's retry).
 * Gaps end at TASK_SIZE. Returns the address, or -ENOMEM. */
int64_t store_gap_topdown(const struct store *store, const struct store_gap_request *req);
int64_t store_gap_bottomup(const struct store *store, const struct store_gap_request *req);

/* Bytes the store's nodes use (not counting the VMAs). */
size_t store_node_bytes(const struct store *store);

/* Check every structural invariant: order, no overlap, pivots equal to
 * the ends below them, cached gaps equal to recomputed ones, parent
 * links, uniform depth, fill, count. Returns 0, or -1 with a message in
 * err (which may be NULL). Meant for tests and mm_check(). */
int store_check(const struct store *store, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
