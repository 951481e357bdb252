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
 * an earlier split in place (semantics reference 1.2).
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

/* Split `vma` at `addr` (strictly inside it) into two VMAs, checking
 * max_map_count as split_vma does. On success *lower and *upper are the
 * two halves (vma itself is freed). */
int vma_split(struct mm *mm, struct vma *vma, uint64_t addr, struct vma **lower,
	      struct vma **upper);

#ifdef __cplusplus
}
#endif

#endif
