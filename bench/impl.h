/* The store implementations the store benches compare, behind one
 * small interface:
 *
 *   mmsim        vma/store.h, the B+tree under test           (impl_mmsim.c)
 *   sorted       sorted array of struct vma *, binary search (sorted.c)
 *   sorted_cmov  the same, branch-free binary search          (sorted.c)
 *   rbtree       libbsd <sys/tree.h> red-black tree           (rbtree.c)
 *
 * Every implementation holds pointers to the same struct vma objects.
 * Lookups are timed in loops compiled inside each implementation's own
 * file (the IMPL_KERNELS inline helpers below), so that the loop calls
 * the implementation's lookup directly, as a caller of store_lookup()
 * would: no indirect call per lookup. Insert, erase and replace cost far
 * more than a predicted indirect call (~1 ns) and go through the table.
 */
#ifndef MMSIM_BENCH_IMPL_H
#define MMSIM_BENCH_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "bench/bench.h"
#include "vma/vma.h"

struct impl {
	const char *name;
	/* A new, empty instance, or NULL. */
	void *(*create)(void);
	/* Fill an empty instance with n VMAs. `insert_order` is the order
	 * the VMAs were created in (random); `by_addr` the same VMAs sorted
	 * by address, for a structure whose layout does not depend on the
	 * order of insertion (the sorted array). Returns 0 or -1. */
	int (*build)(void *inst, struct vma *const *insert_order, struct vma *const *by_addr,
		     size_t n);
	/* Free the structure, not the VMAs. */
	void (*destroy)(void *inst);
	/* Bytes the structure itself takes, as the allocator gives them
	 * (mmsim: store_node_bytes(), which counts the bytes its nodes ask
	 * malloc for; struct_bytes_usable then estimates what they get). */
	size_t (*struct_bytes)(const void *inst);
	/* What the allocator really gives the structure; 0 if unknown. May be
	 * NULL: the same as struct_bytes. */
	size_t (*struct_bytes_usable)(const void *inst);
	size_t (*count)(const void *inst);
	/* Structural self-check; 0 if fine. May be NULL. */
	int (*check)(const void *inst, char *err, size_t errlen);

	struct vma *(*lookup)(const void *inst, uint64_t addr);
	int (*insert)(void *inst, struct vma *vma);
	void (*erase)(void *inst, struct vma *vma);
	int (*replace)(void *inst, struct vma *const *old, unsigned nold,
		       struct vma *const *new_vmas, unsigned nnew);

	/* Lookup loops, compiled with the direct lookup (IMPL_KERNELS).
	 * Both read addrs[(first + i) & mask] for i < iters. */
	/* Dependent chain: each address waits for the previous result. */
	uint64_t (*lookup_chain)(const void *inst, const uint64_t *addrs, size_t mask,
				 size_t first, size_t iters);
	/* Independent lookups. */
	uint64_t (*lookup_indep)(const void *inst, const uint64_t *addrs, size_t mask,
				 size_t first, size_t iters);
};

extern const struct impl impl_mmsim;
extern const struct impl impl_sorted;
extern const struct impl impl_sorted_cmov;
extern const struct impl impl_rbtree;

/* Every implementation, mmsim first (the ratios' reference). */
extern const struct impl *const impl_all[];
extern const size_t impl_count;

/* The chain. The next address is addrs[next] + (key & zero), where key
 * is the found VMA's start (or the address itself on a miss) and zero is
 * bench_zero, 0 at run time but unknown to the compiler and the CPU: the
 * next lookup cannot begin before the previous one has produced its VMA
 * and read its start, while the address table is read in order and
 * costs no cache miss of its own. */
#define IMPL_KERNELS(prefix, lookup_fn)                                                  \
	static uint64_t prefix##_lookup_chain(const void *inst, const uint64_t *addrs,  \
					      size_t mask, size_t first, size_t iters)   \
	{                                                                                \
		const uint64_t zero = bench_zero;                                        \
		uint64_t key = 0, sum = 0;                                               \
		for (size_t i = 0; i < iters; i++) {                                     \
			uint64_t addr = addrs[(first + i) & mask] + (key & zero);        \
			const struct vma *v = lookup_fn(inst, addr);                     \
			key = v ? v->start : addr;                                       \
			sum += key;                                                      \
		}                                                                        \
		return sum;                                                              \
	}                                                                                \
	static uint64_t prefix##_lookup_indep(const void *inst, const uint64_t *addrs,  \
					      size_t mask, size_t first, size_t iters)   \
	{                                                                                \
		uint64_t sum = 0;                                                        \
		for (size_t i = 0; i < iters; i++) {                                     \
			const struct vma *v = lookup_fn(inst, addrs[(first + i) & mask]); \
			sum += v ? v->start : 1;                                         \
		}                                                                        \
		return sum;                                                              \
	}

#endif
