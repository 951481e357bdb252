#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/fixture.h"

#define VMA_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		bench_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

static size_t pow2_at_least(size_t x)
{
	size_t p = 1;
	while (p < x)
		p *= 2;
	return p;
}

static void shuffle(struct vma **a, size_t n, uint64_t *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)bench_rand_below(rng, i);
		struct vma *t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

struct fixture *fixture_new(size_t n)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	uint64_t rng = UINT64_C(0x6d6d73696d) ^ n;   /* fixed seed per N */
	fx->n = n;

	/* Where the VMAs go, in address order. */
	uint64_t *start = xcalloc(n, sizeof(*start)), *end = xcalloc(n, sizeof(*end));
	uint64_t addr = FIXTURE_BASE;
	for (size_t i = 0; i < n; i++) {
		uint64_t len = i == 0 ? 4 : 1 + bench_rand_below(&rng, 4);
		start[i] = addr;
		end[i] = addr + len * PAGE_SIZE;
		addr = end[i] + bench_rand_below(&rng, 4) * PAGE_SIZE;
	}
	if (addr > TASK_SIZE)
		bench_die("N=%zu does not fit below TASK_SIZE", n);

	/* Created (and later inserted) in a random order. */
	size_t *order = xcalloc(n, sizeof(*order));
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)bench_rand_below(&rng, i), t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	fx->by_addr = xcalloc(n, sizeof(*fx->by_addr));
	fx->by_insert = xcalloc(n, sizeof(*fx->by_insert));
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		struct vma *v = vma_new(start[i], end[i], VMA_FLAGS, start[i] >> PAGE_SHIFT, NULL);
		if (!v)
			bench_die("vma_new failed");
		fx->by_addr[i] = v;
		fx->by_insert[k] = v;
		fx->vma_bytes += malloc_usable_size(v);
	}
	free(order);
	free(start);
	free(end);

	fx->erase_order = xcalloc(n, sizeof(*fx->erase_order));
	for (size_t i = 0; i < n; i++)
		fx->erase_order[i] = fx->by_addr[i];
	shuffle(fx->erase_order, n, &rng);

	/* Lookup addresses. */
	size_t na = pow2_at_least(n > 65536 ? n : 65536);
	fx->addr_mask = na - 1;
	fx->addrs = xcalloc(na, sizeof(*fx->addrs));
	fx->expect = xcalloc(na, sizeof(*fx->expect));
	for (size_t k = 0; k < na; k++) {
		size_t i = (size_t)bench_rand_below(&rng, n);
		const struct vma *v = fx->by_addr[i];
		if (bench_rand_below(&rng, 1000) >= FIXTURE_MISS_PERMILLE) {
			fx->addrs[k] = v->start + bench_rand_below(&rng, v->end - v->start);
			fx->expect[k] = fx->by_addr[i];
			continue;
		}
		/* A miss: the gap below VMA i, or (if there is none) a few of
		 * the neighbours further up, else the space above the last. */
		size_t j = i;
		while (j < n && j < i + 16) {
			uint64_t below = j ? fx->by_addr[j - 1]->end : FIXTURE_BASE - 16 * PAGE_SIZE;
			if (below < fx->by_addr[j]->start) {
				fx->addrs[k] = below + bench_rand_below(&rng, fx->by_addr[j]->start - below);
				break;
			}
			j++;
		}
		if (j == n || j == i + 16)
			fx->addrs[k] = fx->by_addr[n - 1]->end + bench_rand_below(&rng, PAGE_SIZE);
		fx->expect[k] = NULL;
	}

	/* Split targets: VMAs of 3 pages or more, picked at random. */
	size_t nbig = 0;
	struct vma **big = xcalloc(n, sizeof(*big));
	for (size_t i = 0; i < n; i++)
		if (vma_pages(fx->by_addr[i]) >= 3)
			big[nbig++] = fx->by_addr[i];
	size_t nt = pow2_at_least(n > 65536 ? n : 65536);
	fx->target_mask = nt - 1;
	fx->targets = xcalloc(nt, sizeof(*fx->targets));
	for (size_t k = 0; k < nt; k++)
		fx->targets[k] = big[bench_rand_below(&rng, nbig)];
	free(big);
	return fx;
}

void fixture_build(struct fixture *fx, bool (*use)(const struct impl *impl, const void *arg),
		   const void *arg)
{
	fprintf(stderr, "mmsim-bench: N=%zu: built", fx->n);
	for (size_t k = 0; k < impl_count; k++) {
		const struct impl *impl = impl_all[k];
		if (!use(impl, arg))
			continue;
		uint64_t t0 = bench_now_ns();
		void *inst = impl->create();
		if (!inst || impl->build(inst, fx->by_insert, fx->by_addr, fx->n) != 0)
			bench_die("%s: building %zu VMAs failed", impl->name, fx->n);
		uint64_t t1 = bench_now_ns();
		fx->inst[k] = inst;
		fprintf(stderr, " %s %.3f s;", impl->name, (double)(t1 - t0) / 1e9);
		fixture_verify(fx, impl, inst);
	}
	fputc('\n', stderr);
}

void fixture_verify(const struct fixture *fx, const struct impl *impl, const void *inst)
{
	char err[256] = "";
	if (impl->count(inst) != fx->n)
		bench_die("%s: holds %zu VMAs, expected %zu", impl->name, impl->count(inst), fx->n);
	if (impl->check && impl->check(inst, err, sizeof(err)) != 0)
		bench_die("%s: self-check failed: %s", impl->name, err);
	/* Every VMA (up to 10^5 of them, evenly spread) by its first and last byte. */
	size_t step = fx->n > 100000 ? fx->n / 100000 : 1;
	for (size_t i = 0; i < fx->n; i += step) {
		struct vma *v = fx->by_addr[i];
		if (impl->lookup(inst, v->start) != v || impl->lookup(inst, v->end - 1) != v)
			bench_die("%s: lookup of VMA [%#llx, %#llx) fails", impl->name,
				  (unsigned long long)v->start, (unsigned long long)v->end);
	}
	/* The benches' own addresses, hits and misses. */
	size_t na = fx->addr_mask + 1, lim = na < 65536 ? na : 65536;
	for (size_t k = 0; k < lim; k++)
		if (impl->lookup(inst, fx->addrs[k]) != fx->expect[k])
			bench_die("%s: lookup(%#llx) returns the wrong VMA", impl->name,
				  (unsigned long long)fx->addrs[k]);
}

void fixture_free(struct fixture *fx)
{
	for (size_t k = 0; k < impl_count; k++)
		if (fx->inst[k])
			impl_all[k]->destroy(fx->inst[k]);
	for (size_t i = 0; i < fx->n; i++)
		vma_free(fx->by_addr[i]);
	free(fx->by_addr);
	free(fx->by_insert);
	free(fx->erase_order);
	free(fx->addrs);
	free(fx->expect);
	free(fx->targets);
	free(fx);
}
