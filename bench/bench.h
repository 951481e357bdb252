/* mmsim-bench: the shared harness.
 *
 * A bench is a small function registered in the table in registry.c:
 *
 *   { name, help, fixture, run }  or  { name, help, fixture, NULL, setup, batch, teardown }
 *
 *   FIXTURE_STORE  the harness builds, per N, one set of N VMAs (random
 *                  insertion order) inside every store implementation
 *                  (mmsim, sorted, sorted_cmov, rbtree: impl.h). A timed
 *                  bench gives setup/batch/teardown: the harness sets up
 *                  every implementation (ctx->impl, ctx->inst) and times
 *                  their batches interleaved (bench_measure_many). A
 *                  free-form run() is called once per implementation.
 *   FIXTURE_NONE   run() is called once per N with no fixture; it
 *                  measures whatever implementations it likes (a later
 *                  bench compares mmsim with the live kernel this way),
 *                  with bench_measure() or bench_measure_many().
 *
 * Timing: the harness picks a batch size so that one repetition lasts
 * about opts->rep_ns, runs a warm-up repetition, then opts->reps timed
 * repetitions; each gives one sample, elapsed ns / operations in the
 * batch. It keeps the minimum, median and 99th percentile (nearest rank)
 * of the samples, and prints them as a table or as JSON lines (main.c).
 */
#ifndef MMSIM_BENCH_BENCH_H
#define MMSIM_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct impl;
struct fixture;

struct bench_opts {
	bool json;
	bool quick;
	const char *filter;     /* substring of bench names, or NULL */
	const char *impls;      /* comma-separated implementation names, or NULL: all */
	size_t ns[16];          /* the Ns to run */
	size_t n_count;
	unsigned reps;          /* timed repetitions per measurement */
	uint64_t rep_ns;        /* target length of one repetition */
	int cpu;                /* CPU pinned to, -1 if not pinned */
};

enum bench_fixture {
	FIXTURE_NONE,
	FIXTURE_STORE,
};

struct bench_ctx;

/* A batch of `iters` operations; returns the nanoseconds they took (a
 * batch may leave untimed work, e.g. restoring state, out of the count). */
typedef uint64_t (*batch_fn)(void *arg, size_t iters);

struct bench_def {
	const char *name;
	const char *help;
	enum bench_fixture fixture;
	/* Optional: after the table, whether this bench's targets are met
	 * (with bench_median() over the results of the run). */
	void (*targets)(FILE *out);
	/* A bench is either free-form: */
	void (*run)(struct bench_ctx *ctx);
	/* or (FIXTURE_STORE, run NULL) a timed batch that the harness
	 * measures for every implementation at once, interleaved: setup()
	 * per implementation returns the batch's argument, teardown() takes
	 * it back (and may check for errors). */
	void *(*setup)(struct bench_ctx *ctx);
	batch_fn batch;
	void (*teardown)(struct bench_ctx *ctx, void *arg);
};

/* What a bench's run() sees. */
struct bench_ctx {
	const struct bench_opts *opts;
	const struct bench_def *def;
	size_t n;
	/* Set by a bench before it measures: a row label beside N ("hot",
	 * "span=16"; NULL: none), and how many units one batch iteration is
	 * (e.g. the VMAs a span walk crosses; 0 means 1), named by unit
	 * ("VMA"; NULL: "op"). Times are reported per unit. */
	const char *variant;
	double per_iter;
	const char *unit;
	/* FIXTURE_STORE only: */
	struct fixture *fx;
	const struct impl *impl;
	void *inst;
};

/* The registry (registry.c). */
extern const struct bench_def *const bench_registry[];
extern const size_t bench_registry_len;

/* Calibrate, warm up and time `fn` (see above); report it as
 * (ctx->def->name, impl_name, ctx->n). */
void bench_measure(struct bench_ctx *ctx, const char *impl_name, batch_fn fn, void *arg);
/* The same for `count` batches side by side: each is calibrated and
 * warmed up on its own, then the timed repetitions take turns (rep r
 * runs batch (r + j) % count j-th), so that a slow spell of the machine
 * (another tenant on the L3, a DAMON scan) falls on all of them alike. */
void bench_measure_many(struct bench_ctx *ctx, size_t count, const char *const *impl_names,
			const batch_fn *fns, void *const *args);

/* Report a whole-run timing: `ops` operations took best_ns at best over
 * `reps` runs (min, median and p99 are all that best); ns per operation. */
void bench_report_rate(struct bench_ctx *ctx, const char *impl_name, uint64_t ops, uint64_t best_ns,
		       unsigned reps);

/* Report a memory figure: bytes of structure and bytes of VMAs, for
 * ctx->n VMAs; shown as bytes per VMA. `struct_bytes_usable`, if not 0
 * and not struct_bytes, is what the allocator really gives the
 * structure, shown beside. */
void bench_report_bytes(struct bench_ctx *ctx, const char *impl_name, size_t struct_bytes,
			size_t struct_bytes_usable, size_t vma_bytes);

/* Run fn(ctx, arg) in a child process and report its results here, as
 * if measured here: for benches whose state cannot be undone (sealed
 * mappings in this process stay sealed) or must not leak (10^5 VMAs).
 * The child's failure (exit status, signal) is fatal. */
void bench_in_child(struct bench_ctx *ctx, void (*fn)(struct bench_ctx *ctx, void *arg), void *arg);

/* The median (ns per unit, or bytes per VMA) reported for def, impl, n
 * and variant (NULL: none) in this run; -1 if there is none. */
double bench_median(const struct bench_def *def, const char *impl, size_t n, const char *variant);

/* Keeps results alive against dead-code elimination. */
extern volatile uint64_t bench_sink;
/* Always 0, read at run time: `x & bench_zero` makes a value depend on x
 * without changing it (the lookup-latency chain). */
extern volatile uint64_t bench_zero;

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

/* splitmix64: the fixed-seed generator behind every workload. */
static inline uint64_t bench_rand(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, bound), bound > 0 (multiply-shift; bias is negligible). */
static inline uint64_t bench_rand_below(uint64_t *state, uint64_t bound)
{
	return (uint64_t)(((unsigned __int128)bench_rand(state) * bound) >> 64);
}

/* Fatal error: message to stderr, exit 1. */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
