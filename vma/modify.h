/* Changing the attributes of part of a VMA: the split and merge
 * mechanics under mprotect, madvise, mseal and mlock
 * (mm/vma.c: vma_modify_flags -> vma_merge_existing_range / split_vma).
 *
 *   before:  [ prev ][        vma        ][ next ]
 *                          [start, end)
 *   after:   [ prev ][ L ][  changed  ][ R ][ next ]
 *
 * The changed range merges into prev when it starts where vma starts and
 * prev matches the new attributes, into next when it ends where vma ends
 * and next matches, or into both. Parts of vma outside the range (L, R)
 * keep the old attributes; each needs a split, and a split fails with
 * -ENOMEM once map_count >= max_map_count (mm/vma.c: split_vma), leaving
 * an earlier split in place (semantics reference 1.2). A special mapping
 * ([vdso], [vvar]) refuses any split with -EINVAL (reference 1.5).
 */
#ifndef MMSIM_VMA_MODIFY_H
#define MMSIM_VMA_MODIFY_H

#include "core/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Give [start, end) of `vma` (page aligned, inside it) the flags
 * `flags`. On success returns 0 and sets *out to the VMA now covering the
 * range (possibly a merged one, possibly larger); `vma` may have been
 * freed. On -ENOMEM the store is valid and *out is the VMA that still
 * holds `start` with its old flags. `origin` is recorded on what changed. */
int vma_modify_flags(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end,
		     vm_flags_t flags, struct vma_origin origin, struct vma **out);

/* Split `vma` at `addr` (strictly inside it) into two VMAs, without the
 * max_map_count test: the kernel's __split_vma, which the unmap path uses
 * for trims that may not fail on the count (callers that must respect
 * the limit test it first, as split_vma does). Special mappings refuse
 * to split: -EINVAL (mm/vma.c: __split_vma, vm_ops->may_split). On
 * success *lower and *upper are the two halves (vma itself is freed). */
int vma_split(struct mm *mm, struct vma *vma, uint64_t addr, struct vma **lower,
	      struct vma **upper);

/* Put a fresh VMA into free space, merging it with the VMA that ends
 * where it starts and the one that starts where it ends when they match
 * (mm/vma.c: vma_merge_new_range; both only when their anon_vmas agree).
 * On success *out is the VMA that now covers nv's range (nv itself, or a
 * merged one, in which case nv has been freed). -ENOMEM leaves nv to the
 * caller and the store unchanged. */
int vma_map_new(struct mm *mm, struct vma *nv, struct vma **out);

/* The first write fault in a VMA gives it an anon_vma, reusing the one of
 * an adjacent VMA that is compatible apart from its access bits, next
 * first (mm/rmap.c: anon_vma_prepare, find_mergeable_anon_vma). */
void vma_anon_vma_prepare(struct mm *mm, struct vma *vma);

#ifdef __cplusplus
}
#endif

#endif
