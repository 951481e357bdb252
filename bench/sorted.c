/* Baseline: a sorted array of struct vma *, ordered by address.
 *
 * Lookup is a binary search on `end` for the first VMA with end > addr
 * (find_vma), then one test of its start. Two implementations differ
 * only in the search:
 *
 *   sorted       the textbook search, one branch per step: the CPU
 *                guesses the way and runs ahead (faster from 10^5 VMAs,
 *                where the guesses' loads act as prefetches);
 *   sorted_cmov  branch-free, the step taken with a conditional move
 *                (faster at 10^3-10^4, in cache, with no mispredictions).
 *
 * Insert, erase and replace shift the tail with memmove; the array
 * doubles when full, starting at 16 slots.
 *
 * The array's layout does not depend on insertion order, so build()
 * copies the VMAs already sorted (inserting 10^6 of them one by one would
 * memmove terabytes), with the capacity doubling would have reached.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/impl.h"

struct sorted {
	struct vma **a;
	size_t n, cap;
};

static void *sorted_create(void)
{
	return calloc(1, sizeof(struct sorted));
}

static int sorted_reserve(struct sorted *s, size_t need)
{
	if (need <= s->cap)
		return 0;
	size_t cap = s->cap ? s->cap : 16;
	while (cap < need)
		cap *= 2;
	struct vma **a = realloc(s->a, cap * sizeof(*a));
	if (!a)
		return -1;
	s->a = a;
	s->cap = cap;
	return 0;
}

static int sorted_build(void *inst, struct vma *const *insert_order, struct vma *const *by_addr,
			size_t n)
{
	struct sorted *s = inst;
	(void)insert_order;
	if (sorted_reserve(s, n) != 0)
		return -1;
	memcpy(s->a, by_addr, n * sizeof(*s->a));
	s->n = n;
	return 0;
}

static void sorted_destroy(void *inst)
{
	struct sorted *s = inst;
	free(s->a);
	free(s);
}

static size_t sorted_struct_bytes(const void *inst)
{
	const struct sorted *s = inst;
	return s->a ? malloc_usable_size(s->a) : 0;
}

static size_t sorted_count(const void *inst)
{
	return ((const struct sorted *)inst)->n;
}

/* Index of the first VMA with end > addr, s->n if none: the textbook
 * binary search, one branch per step. */
static inline size_t sorted_index(const struct sorted *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->a[mid]->end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One step of the branch-free search: base + half if base[half] ends at
 * or below addr, else base. On x86-64 the conditional move is written
 * out, because clang's back end turns a ?: in a loop back into a branch
 * (gcc keeps the cmov either way). */
static inline struct vma *const *cmov_step(struct vma *const *base, size_t half, uint64_t addr)
{
#if defined(__x86_64__)
	struct vma *const *next = base + half;
	uint64_t end = base[half]->end;
	__asm__("cmpq %[addr], %[end]\n\t"
		"cmovbeq %[next], %[base]"
		: [base] "+r"(base)
		: [end] "r"(end), [addr] "r"(addr), [next] "r"(next)
		: "cc");
	return base;
#else
	return base[half]->end <= addr ? base + half : base;
#endif
}

/* The same index, branch-free: the step is a conditional move. */
static inline size_t sorted_index_cmov(const struct sorted *s, uint64_t addr)
{
	size_t len = s->n;
	if (len == 0)
		return 0;
	struct vma *const *base = s->a;
	while (len > 1) {
		size_t half = len / 2;
		base = cmov_step(base, half, addr);
		len -= half;
	}
	return (size_t)(base - s->a) + ((*base)->end <= addr);
}

static inline struct vma *sorted_found(const struct sorted *s, size_t i, uint64_t addr)
{
	if (i == s->n)
		return NULL;
	struct vma *v = s->a[i];
	return v->start <= addr ? v : NULL;
}

static inline struct vma *sorted_lookup(const void *inst, uint64_t addr)
{
	return sorted_found(inst, sorted_index(inst, addr), addr);
}

static inline struct vma *sorted_lookup_cmov(const void *inst, uint64_t addr)
{
	return sorted_found(inst, sorted_index_cmov(inst, addr), addr);
}

static int sorted_check(const void *inst, char *err, size_t errlen)
{
	const struct sorted *s = inst;
	for (size_t i = 1; i < s->n; i++) {
		if (s->a[i - 1]->end > s->a[i]->start) {
			if (err)
				snprintf(err, errlen, "sorted: slot %zu overlaps or is out of order", i);
			return -1;
		}
	}
	return 0;
}

static int sorted_insert(void *inst, struct vma *vma)
{
	struct sorted *s = inst;
	size_t i = sorted_index(s, vma->start);
	if (i < s->n && s->a[i]->start < vma->end)
		return -EEXIST;
	if (sorted_reserve(s, s->n + 1) != 0)
		return -ENOMEM;
	memmove(&s->a[i + 1], &s->a[i], (s->n - i) * sizeof(*s->a));
	s->a[i] = vma;
	s->n++;
	return 0;
}

static void sorted_erase(void *inst, struct vma *vma)
{
	struct sorted *s = inst;
	size_t i = sorted_index(s, vma->start);
	if (i == s->n || s->a[i] != vma)
		bench_die("sorted: erase of a VMA not in the array");
	memmove(&s->a[i], &s->a[i + 1], (s->n - i - 1) * sizeof(*s->a));
	s->n--;
}

static int sorted_replace(void *inst, struct vma *const *old, unsigned nold,
			  struct vma *const *new_vmas, unsigned nnew)
{
	struct sorted *s = inst;
	size_t i = sorted_index(s, nold ? old[0]->start : new_vmas[0]->start);
	for (unsigned k = 0; k < nold; k++)
		if (i + k >= s->n || s->a[i + k] != old[k])
			bench_die("sorted: replace of VMAs not in the array");
	if (nnew > nold && sorted_reserve(s, s->n + nnew - nold) != 0)
		return -ENOMEM;
	memmove(&s->a[i + nnew], &s->a[i + nold], (s->n - i - nold) * sizeof(*s->a));
	memcpy(&s->a[i], new_vmas, nnew * sizeof(*s->a));
	s->n = s->n - nold + nnew;
	return 0;
}

IMPL_KERNELS(sorted, sorted_lookup)
IMPL_KERNELS(sorted_cmov, sorted_lookup_cmov)

const struct impl impl_sorted = {
	.name = "sorted",
	.create = sorted_create,
	.build = sorted_build,
	.destroy = sorted_destroy,
	.struct_bytes = sorted_struct_bytes,
	.count = sorted_count,
	.check = sorted_check,
	.lookup = sorted_lookup,
	.insert = sorted_insert,
	.erase = sorted_erase,
	.replace = sorted_replace,
	.lookup_chain = sorted_lookup_chain,
	.lookup_indep = sorted_lookup_indep,
};

/* The same array with the branch-free search; only lookups differ. */
const struct impl impl_sorted_cmov = {
	.name = "sorted_cmov",
	.create = sorted_create,
	.build = sorted_build,
	.destroy = sorted_destroy,
	.struct_bytes = sorted_struct_bytes,
	.count = sorted_count,
	.check = sorted_check,
	.lookup = sorted_lookup_cmov,
	.insert = sorted_insert,
	.erase = sorted_erase,
	.replace = sorted_replace,
	.lookup_chain = sorted_cmov_lookup_chain,
	.lookup_indep = sorted_cmov_lookup_indep,
};
