/* The store benches: mmsim's store beside the sorted array and the
 * red-black tree, on the fixture's VMAs (fixture.h). Each timed bench is
 * a batch function; the harness sets it up once per implementation and
 * N and times the implementations' batches interleaved.
 */
#include <stdlib.h>

#include "bench/fixture.h"

/* State one measurement's batches share. */
struct store_run {
	const struct impl *impl;
	void *inst;
	const struct fixture *fx;
	size_t cursor;
	struct vma *pieces[3];
	int err;
};

static void *store_setup(struct bench_ctx *ctx)
{
	struct store_run *r = calloc(1, sizeof(*r));
	if (!r)
		bench_die("out of memory");
	r->impl = ctx->impl;
	r->inst = ctx->inst;
	r->fx = ctx->fx;
	return r;
}

static void store_teardown(struct bench_ctx *ctx, void *arg)
{
	struct store_run *r = arg;
	if (r->err)
		bench_die("%s: %s: an insert or replace failed (%d)", ctx->def->name,
			  ctx->impl->name, r->err);
	free(r);
}

/* ---- bytes_per_vma ------------------------------------------------------- */

static void bench_bytes(struct bench_ctx *ctx)
{
	const struct impl *impl = ctx->impl;
	size_t bytes = impl->struct_bytes(ctx->inst);
	size_t usable = impl->struct_bytes_usable ? impl->struct_bytes_usable(ctx->inst) : bytes;
	bench_report_bytes(ctx, impl->name, bytes, usable, ctx->fx->vma_bytes);
}

/* ---- lookup_latency, lookup_throughput ----------------------------------- */

static uint64_t batch_chain(void *arg, size_t iters)
{
	struct store_run *r = arg;
	uint64_t t0 = bench_now_ns();
	uint64_t sum = r->impl->lookup_chain(r->inst, r->fx->addrs, r->fx->addr_mask, r->cursor, iters);
	uint64_t t1 = bench_now_ns();
	r->cursor += iters;
	bench_sink += sum;
	return t1 - t0;
}

static uint64_t batch_indep(void *arg, size_t iters)
{
	struct store_run *r = arg;
	uint64_t t0 = bench_now_ns();
	uint64_t sum = r->impl->lookup_indep(r->inst, r->fx->addrs, r->fx->addr_mask, r->cursor, iters);
	uint64_t t1 = bench_now_ns();
	r->cursor += iters;
	bench_sink += sum;
	return t1 - t0;
}


/* ---- insert, erase -------------------------------------------------------- */

/* Erase a chunk of VMAs (consecutive in fx->erase_order, a random
 * permutation, so distinct) and insert them back in the same order.
 * Only one half is timed. A chunk is at most N/16 VMAs, so the store
 * holds between 15/16 N and N of them while it is measured. */
static uint64_t erase_insert(struct store_run *r, size_t iters, int time_insert)
{
	const struct fixture *fx = r->fx;
	size_t chunk_max = fx->n / 16;
	if (chunk_max > 4096)
		chunk_max = 4096;
	if (chunk_max == 0)
		chunk_max = 1;
	uint64_t elapsed = 0;
	while (iters) {
		size_t k = iters < chunk_max ? iters : chunk_max;
		if (r->cursor + k > fx->n)
			r->cursor = 0;
		struct vma *const *v = &fx->erase_order[r->cursor];
		uint64_t t0 = bench_now_ns();
		for (size_t i = 0; i < k; i++)
			r->impl->erase(r->inst, v[i]);
		uint64_t t1 = bench_now_ns();
		for (size_t i = 0; i < k; i++)
			r->err |= r->impl->insert(r->inst, v[i]);
		uint64_t t2 = bench_now_ns();
		elapsed += time_insert ? t2 - t1 : t1 - t0;
		r->cursor += k;
		iters -= k;
	}
	return elapsed;
}

static uint64_t batch_insert(void *arg, size_t iters)
{
	return erase_insert(arg, iters, 1);
}

static uint64_t batch_erase(void *arg, size_t iters)
{
	return erase_insert(arg, iters, 0);
}


/* ---- split_merge ---------------------------------------------------------- */

/* One operation: a VMA of >= 3 pages becomes three (first page, middle,
 * last page: what mprotect of its middle does to the store), then the
 * three become the one again. The pieces' bounds are written inside the
 * timed loop, identically for every implementation. */
static uint64_t batch_split_merge(void *arg, size_t iters)
{
	struct store_run *r = arg;
	const struct fixture *fx = r->fx;
	struct vma **p = r->pieces;
	int err = 0;
	uint64_t t0 = bench_now_ns();
	for (size_t i = 0; i < iters; i++) {
		struct vma *whole = fx->targets[(r->cursor + i) & fx->target_mask];
		uint64_t s = whole->start, e = whole->end;
		p[0]->start = s;
		p[0]->end = p[1]->start = s + PAGE_SIZE;
		p[1]->end = p[2]->start = e - PAGE_SIZE;
		p[2]->end = e;
		for (int k = 0; k < 3; k++)
			p[k]->pgoff = p[k]->start >> PAGE_SHIFT;
		err |= r->impl->replace(r->inst, &whole, 1, p, 3);
		err |= r->impl->replace(r->inst, p, 3, &whole, 1);
	}
	uint64_t t1 = bench_now_ns();
	r->cursor += iters;
	r->err |= err;
	return t1 - t0;
}

static void *split_merge_setup(struct bench_ctx *ctx)
{
	struct store_run *r = store_setup(ctx);
	for (int k = 0; k < 3; k++) {
		r->pieces[k] = vma_new(0, PAGE_SIZE, ctx->fx->by_addr[0]->flags, 0, NULL);
		if (!r->pieces[k])
			bench_die("vma_new failed");
	}
	return r;
}

static void split_merge_teardown(struct bench_ctx *ctx, void *arg)
{
	struct store_run *r = arg;
	for (int k = 0; k < 3; k++)
		vma_free(r->pieces[k]);
	store_teardown(ctx, arg);
}

/* ---- the entries ---------------------------------------------------------- */

const struct bench_def bench_def_bytes_per_vma = {
	.name = "bytes_per_vma",
	.help = "(structure bytes + malloc_usable_size of every VMA) / N; not a time",
	.fixture = FIXTURE_STORE,
	.run = bench_bytes,
};
const struct bench_def bench_def_lookup_latency = {
	.name = "lookup_latency",
	.help = "dependent chain of containing-address lookups (97% hit); ns per lookup",
	.fixture = FIXTURE_STORE,
	.setup = store_setup, .batch = batch_chain, .teardown = store_teardown,
};
const struct bench_def bench_def_lookup_throughput = {
	.name = "lookup_throughput",
	.help = "independent random lookups (97% hit), free to overlap; ns per lookup",
	.fixture = FIXTURE_STORE,
	.setup = store_setup, .batch = batch_indep, .teardown = store_teardown,
};
const struct bench_def bench_def_insert = {
	.name = "insert",
	.help = "insert a VMA back into its hole (erased untimed just before); ns per insert",
	.fixture = FIXTURE_STORE,
	.setup = store_setup, .batch = batch_insert, .teardown = store_teardown,
};
const struct bench_def bench_def_erase = {
	.name = "erase",
	.help = "erase a random VMA (inserted back untimed); ns per erase",
	.fixture = FIXTURE_STORE,
	.setup = store_setup, .batch = batch_erase, .teardown = store_teardown,
};
const struct bench_def bench_def_split_merge = {
	.name = "split_merge",
	.help = "replace a >=3-page VMA by three pieces and back; ns per split+merge pair",
	.fixture = FIXTURE_STORE,
	.setup = split_merge_setup, .batch = batch_split_merge, .teardown = split_merge_teardown,
};
