/* A digest of a whole address space, for O(1) comparison of states.
 *
 * XXH3-64 over every VMA in address order: range, flags, page offset,
 * backing (the inode's kind, device, number and path, not pointers), the
 * special-mapping kind, and which VMAs share an anon_vma or an open file
 * (renumbered in address order, since the identities themselves are
 * history, while the sharing decides merges); then the heap and
 * stack parameters that decide what /proc prints. The origin of a VMA is
 * history, not state, and is left out: equal states give equal digests
 * whatever led to them.
 */
#ifndef MMSIM_CORE_DIGEST_H
#define MMSIM_CORE_DIGEST_H

#include <stdint.h>

#include "core/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

uint64_t mm_digest(const struct mm *mm);

#ifdef __cplusplus
}
#endif

#endif
