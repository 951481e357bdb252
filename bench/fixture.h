/* The store benches' shared input, built once per N (fixed seeds, so
 * every implementation and every run sees the same VMAs and addresses).
 *
 * Layout: N VMAs of 1-4 pages, separated by gaps of 0-3 pages (a quarter
 * of neighbours are adjacent), from 0x10000000 up; the first VMA in
 * address order has 4 pages so that split_merge always has a target.
 * They are created with vma_new() in a random order and inserted in that
 * order (impl->build), as a process's mmaps would.
 */
#ifndef MMSIM_BENCH_FIXTURE_H
#define MMSIM_BENCH_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench/impl.h"

#define FIXTURE_BASE UINT64_C(0x10000000)
/* Share of lookup addresses that fall in a gap (a miss), in 1/1000. */
#define FIXTURE_MISS_PERMILLE 30

struct fixture {
	size_t n;
	struct vma **by_addr;     /* sorted by address */
	struct vma **by_insert;   /* creation and insertion order (random) */
	struct vma **erase_order; /* another random permutation, for insert/erase */
	size_t vma_bytes;         /* sum of malloc_usable_size() of the VMAs */

	/* Lookup addresses: 97% inside a random VMA (random byte in it), 3%
	 * in a random gap; expect[i] is the VMA addrs[i] is in, or NULL. */
	uint64_t *addrs;
	struct vma **expect;
	size_t addr_mask;         /* table size - 1, a power of 2 minus 1 */

	/* A random sequence of VMAs of at least 3 pages (split_merge). */
	struct vma **targets;
	size_t target_mask;

	void *inst[8];            /* per implementation, impl_all order */
};

/* Make the VMAs and tables for n (dies when out of memory). */
struct fixture *fixture_new(size_t n);
/* Build the implementations `use` accepts from the VMAs (the others stay
 * NULL); prints build times to stderr. */
void fixture_build(struct fixture *fx, bool (*use)(const struct impl *impl, const void *arg),
		   const void *arg);
/* Die unless `inst` holds exactly the fixture's VMAs and finds them. */
void fixture_verify(const struct fixture *fx, const struct impl *impl, const void *inst);
/* Destroy the implementations and free the VMAs. */
void fixture_free(struct fixture *fx);

#endif
