/* Guard regions: pages where MADV_GUARD_INSTALL put a guard marker in the
 * page tables, so that any access faults (mm/madvise.c:
 * madvise_guard_install). They are page-table state, not VMA state: a
 * VMA only records that it may hold some (VM_MAYBE_GUARD). The model
 * keeps them as a sorted list of disjoint page ranges, which is what a
 * touch needs to know, and which unmapping and mremap update:
 *
 *   [a, b) [c, d) ...      a < b < c < d, page aligned
 *
 * munmap (and everything that unmaps) drops them, mremap carries them
 * with the page tables it moves, MADV_GUARD_REMOVE takes them away;
 * MADV_DONTNEED, mprotect and sealing leave them.
 */
#ifndef MMSIM_CORE_GUARDS_H
#define MMSIM_CORE_GUARDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct guard_range {
	uint64_t start, end;
};

struct guards {
	struct guard_range *r;
	size_t n, cap;
};

void guards_init(struct guards *g);
void guards_destroy(struct guards *g);
/* Mark [start, end) guarded. Returns 0 or -ENOMEM (nothing changed). */
int guards_add(struct guards *g, uint64_t start, uint64_t end);
/* Unmark [start, end). Returns 0 or -ENOMEM (nothing changed). */
int guards_remove(struct guards *g, uint64_t start, uint64_t end);
bool guards_contains(const struct guards *g, uint64_t addr);
/* The lowest guarded address in [start, end), or end when none is. */
uint64_t guards_first_in(const struct guards *g, uint64_t start, uint64_t end);
/* The guards of [from, from + len) move to [to, to + len) (mremap moves
 * the page tables); those already at the destination are replaced. */
int guards_move(struct guards *g, uint64_t from, uint64_t len, uint64_t to);

#ifdef __cplusplus
}
#endif

#endif
