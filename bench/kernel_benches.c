/* The sealing checks, the model beside the live kernel.
 *
 * Every bench here builds the same image (bench/image.h) twice in a
 * bench_in_child() child, once in the model and once in that process for
 * the kernel, and times the same calls on both, interleaved (the
 * harness's bench_measure_many):
 *
 *   refuse_*        one call on a sealed VMA, refused with EPERM: mprotect
 *                   to the same and to another protection, munmap,
 *                   madvise(MADV_DONTNEED), mremap (a move), mmap MAP_FIXED;
 *                   at a random VMA or the same ("hot") one every time.
 *   span_*          mprotect / madvise(MADV_DONTNEED) over S = 1..256 VMAs,
 *                   sealed nowhere or sealed at the last VMA; ns per VMA,
 *                   for the model with the seal check in the walk (6.12+,
 *                   linux-6.18), the model with a separate walk of the range
 *                   before the operation (6.10-6.11's can_modify_mm, the
 *                   linux-6.18-prewalk profile), and the kernel.
 *   split_merge_*   one page in the middle of a three-page VMA: mprotect
 *                   away and back (split into three, merged into one), or
 *                   munmap and mmap MAP_FIXED back; ns per pair.
 *
 * Before timing, each call is made once on both sides and must give the
 * same answer (for refusals: -EPERM), or the bench stops: a bench that
 * measured different work on the two sides would mean nothing.
 *
 * N runs from 10^2 to 10^5 VMAs (other Ns of the run are skipped here);
 * above vm.max_map_count (65530) the limit is raised for the run when
 * the bench runs as root (image_ensure_map_count).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/image.h"
#include "core/mm.h"
#include "syscalls/sys.h"

#define PAGE 4096
#define MIN_N 100
#define MAX_N 100000
#define TARGETS 4096            /* random targets, cycled (a power of two) */

/* Where refused moves would go: far above the image, never mapped. */
#define MOVE_DEST (IMAGE_BASE + (UINT64_C(1) << 40))

enum op { OP_MPROTECT, OP_MUNMAP, OP_MADVISE, OP_MREMAP, OP_MMAP };

/* One implementation under test: the model under a profile, or the
 * kernel (t == NULL). */
struct arm {
	const char *name;
	struct task *t;
};

static int64_t kernel_result(long r)
{
	return r == -1 ? -errno : r;
}

static inline int64_t call(const struct arm *a, enum op op, uint64_t addr, uint64_t len, uint64_t x)
{
	const uint64_t anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

	if (a->t) {
		switch (op) {
		case OP_MPROTECT: return sys_mprotect(a->t, addr, len, x);
		case OP_MUNMAP: return sys_munmap(a->t, addr, len);
		case OP_MADVISE: return sys_madvise(a->t, addr, len, (int64_t)x);
		case OP_MREMAP: return sys_mremap(a->t, addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, x);
		case OP_MMAP: return sys_mmap(a->t, addr, len, x, anon, -1, 0);
		}
	}
	switch (op) {
	case OP_MPROTECT: return kernel_result(syscall(SYS_mprotect, addr, len, x));
	case OP_MUNMAP: return kernel_result(syscall(SYS_munmap, addr, len));
	case OP_MADVISE: return kernel_result(syscall(SYS_madvise, addr, len, x));
	case OP_MREMAP:
		return kernel_result(syscall(SYS_mremap, addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, x));
	case OP_MMAP: return kernel_result(syscall(SYS_mmap, addr, len, x, anon, -1, 0));
	}
	return -EINVAL;
}

static const char *errname(int64_t r)
{
	static char buf[32];

	if (r >= 0) {
		snprintf(buf, sizeof(buf), "%" PRId64, r);
		return buf;
	}
	return strerrorname_np((int)-r) ? strerrorname_np((int)-r) : "?";
}

static bool kernel_benches_run_at(struct bench_ctx *ctx)
{
	static bool said;

	if (ctx->n >= MIN_N && ctx->n <= MAX_N)
		return true;
	if (!said)
		fprintf(stderr, "mmsim-bench: the model-against-kernel benches run for N = %d to %d only\n",
			MIN_N, MAX_N);
	said = true;
	return false;
}

/* Room for the image beside this process's own VMAs, else skip. */
static bool room_for(struct bench_ctx *ctx, size_t vmas)
{
	if (image_ensure_map_count(vmas + 4096))
		return true;
	fprintf(stderr, "mmsim-bench: %s at N=%zu skipped: vm.max_map_count is below %zu and cannot be raised "
		"(not root?)\n", ctx->def->name, ctx->n, vmas + 4096);
	return false;
}

static void random_targets(uint32_t *out, size_t count, size_t below, size_t step)
{
	uint64_t rng = 0x5eed;

	for (size_t i = 0; i < count; i++)
		out[i] = (uint32_t)(bench_rand_below(&rng, below) * step);
}

/* ---- refusals ---- */

struct refusal_case {
	enum op op;
	uint64_t x;             /* protection, advice */
	const char *what;
};

struct refusal_arg {
	const struct arm *arm;
	const struct refusal_case *rf;
	const struct image_layout *l;
	const uint32_t *targets;        /* NULL: the hot one */
	uint32_t hot;
	size_t next;
};

static uint64_t refusal_x(const struct refusal_case *rf)
{
	return rf->op == OP_MREMAP ? MOVE_DEST : rf->x;
}

static uint64_t refusal_batch(void *p, size_t iters)
{
	struct refusal_arg *a = p;
	const uint64_t x = refusal_x(a->rf), len = a->l->vma_pages * PAGE;
	uint64_t t0 = bench_now_ns(), bad = 0;

	for (size_t i = 0; i < iters; i++) {
		uint32_t v = a->targets ? a->targets[a->next++ & (TARGETS - 1)] : a->hot;

		bad += call(a->arm, a->rf->op, image_vma(a->l, v), len, x) != -EPERM;
	}
	t0 = bench_now_ns() - t0;
	if (bad)
		bench_die("%s: %" PRIu64 " calls on %s were not refused", a->rf->what, bad, a->arm->name);
	return t0;
}

static void refusal_child(struct bench_ctx *ctx, void *p)
{
	const struct refusal_case *rf = p;
	struct image_layout l = { .n = ctx->n, .vma_pages = 1, .prot = PROT_READ, .seal_all = true };
	struct model_image m;
	uint32_t *targets = malloc(TARGETS * sizeof(*targets));
	struct arm arms[2] = { { "mmsim", NULL }, { "kernel", NULL } };
	const char *names[2] = { "mmsim", "kernel" };

	if (!targets)
		bench_die("out of memory");
	random_targets(targets, TARGETS, l.n, 1);
	image_kernel_build(&l);
	image_model_build(&m, &l, &profile_linux_6_18);
	arms[0].t = m.t;
	for (int hot = 0; hot < 2; hot++) {
		struct refusal_arg args[2];
		batch_fn fns[2] = { refusal_batch, refusal_batch };
		void *argp[2] = { &args[0], &args[1] };

		for (int k = 0; k < 2; k++)
			args[k] = (struct refusal_arg){ &arms[k], rf, &l, hot ? NULL : targets, (uint32_t)(l.n / 2), 0 };
		/* both sides refuse, with the same errno, before anything is timed */
		for (int k = 0; k < 2; k++) {
			int64_t r = call(&arms[k], rf->op, image_vma(&l, l.n / 2), PAGE, refusal_x(rf));

			if (r != -EPERM)
				bench_die("%s: %s answered %s, not EPERM", rf->what, arms[k].name, errname(r));
		}
		ctx->variant = hot ? "hot" : "random";
		bench_measure_many(ctx, 2, names, fns, argp);
	}
	image_model_free(&m);
	free(targets);
}

static const struct refusal_case refusals[] = {
	{ OP_MPROTECT, PROT_READ, "mprotect to the same protection" },
	{ OP_MPROTECT, PROT_READ | PROT_WRITE, "mprotect to another protection" },
	{ OP_MUNMAP, 0, "munmap" },
	{ OP_MADVISE, MADV_DONTNEED, "madvise(MADV_DONTNEED) of read-only anonymous memory" },
	{ OP_MREMAP, 0, "mremap moving the VMA" },
	{ OP_MMAP, PROT_READ, "mmap MAP_FIXED over the VMA" },
};

static void run_refusal(struct bench_ctx *ctx, const struct refusal_case *rf)
{
	if (!kernel_benches_run_at(ctx) || !room_for(ctx, ctx->n))
		return;
	bench_in_child(ctx, refusal_child, (void *)rf);
}

static void run_refuse_mprotect_same(struct bench_ctx *ctx) { run_refusal(ctx, &refusals[0]); }
static void run_refuse_mprotect_other(struct bench_ctx *ctx) { run_refusal(ctx, &refusals[1]); }
static void run_refuse_munmap(struct bench_ctx *ctx) { run_refusal(ctx, &refusals[2]); }
static void run_refuse_madvise(struct bench_ctx *ctx) { run_refusal(ctx, &refusals[3]); }
static void run_refuse_mremap(struct bench_ctx *ctx) { run_refusal(ctx, &refusals[4]); }
static void run_refuse_mmap(struct bench_ctx *ctx) { run_refusal(ctx, &refusals[5]); }

/* ---- span walks ---- */

static const size_t spans[] = { 1, 4, 16, 64, 256 };
static const size_t quick_spans[] = { 1, 256 };

struct span_arg {
	const struct arm *arm;
	enum op op;
	const struct image_layout *l;
	const uint32_t *targets;        /* first VMA of each span */
	size_t span, next;
	int64_t expect;                 /* what every call answers */
	unsigned flip;                  /* mprotect: the protection alternates */
};

static uint64_t span_x(const struct span_arg *a)
{
	if (a->op == OP_MADVISE)
		return MADV_DONTNEED;
	return a->flip & 1 ? PROT_READ : PROT_READ | PROT_WRITE;
}

static uint64_t span_batch(void *p, size_t iters)
{
	struct span_arg *a = p;
	const uint64_t len = a->span * a->l->vma_pages * PAGE;
	uint64_t t0 = bench_now_ns(), bad = 0;

	for (size_t i = 0; i < iters; i++) {
		uint32_t v = a->targets[a->next++ & (TARGETS - 1)];

		a->flip++;
		bad += call(a->arm, a->op, image_vma(a->l, v), len, span_x(a)) != a->expect;
	}
	t0 = bench_now_ns() - t0;
	if (bad)
		bench_die("span walk: %" PRIu64 " calls on %s did not answer %s", bad, a->arm->name,
			  errname(a->expect));
	return t0;
}

/* The same span on every arm first: the same answer, or stop. */
static int64_t span_agree(struct span_arg *args, size_t count)
{
	int64_t first = 0;

	for (size_t k = 0; k < count; k++) {
		struct span_arg probe = args[k];
		int64_t r;

		probe.flip = 1;         /* PROT_READ: what the walk will set first */
		r = call(probe.arm, probe.op, image_vma(probe.l, probe.targets[0]),
			 probe.span * probe.l->vma_pages * PAGE, span_x(&probe));
		if (k && r != first)
			bench_die("span walk over %zu VMAs: %s answered %s, %s %s", probe.span, args[0].arm->name,
				  errname(first), probe.arm->name, errname(r));
		first = r;
	}
	return first;
}

struct span_job {
	enum op op;
	bool sealed_end;
	size_t span;            /* sealed_end: the image is sealed for this span */
};

static void span_measure(struct bench_ctx *ctx, enum op op, const struct image_layout *l,
			 struct arm *arms, size_t span, bool sealed_end)
{
	uint32_t *targets = malloc(TARGETS * sizeof(*targets));
	struct span_arg args[3];
	batch_fn fns[3] = { span_batch, span_batch, span_batch };
	void *argp[3] = { &args[0], &args[1], &args[2] };
	const char *names[3] = { arms[0].name, arms[1].name, arms[2].name };
	char variant[40];

	if (!targets)
		bench_die("out of memory");
	random_targets(targets, TARGETS, l->n / span, span);
	for (int k = 0; k < 3; k++)
		args[k] = (struct span_arg){ &arms[k], op, l, targets, span, 0, 0, 0 };
	int64_t expect = span_agree(args, 3);

	for (int k = 0; k < 3; k++) {
		args[k].expect = expect;
		args[k].flip = 1;       /* the probe left PROT_READ: flip on from there */
	}
	snprintf(variant, sizeof(variant), "span=%zu%s", span, sealed_end ? ",sealed-end" : "");
	ctx->variant = variant;
	ctx->per_iter = (double)span;
	ctx->unit = "VMA";
	bench_measure_many(ctx, 3, names, fns, argp);
	ctx->variant = NULL;
	free(targets);
}

static void span_child(struct bench_ctx *ctx, void *p)
{
	const struct span_job *job = p;
	struct image_layout l = { .n = ctx->n, .vma_pages = 1, .prot = PROT_READ | PROT_WRITE,
				  .seal_every = job->sealed_end ? job->span : 0 };
	struct model_image inwalk, prewalk;
	struct arm arms[3] = { { "mmsim", NULL }, { "mmsim_prewalk", NULL }, { "kernel", NULL } };
	const size_t *list = ctx->opts->quick ? quick_spans : spans;
	size_t count = ctx->opts->quick ? sizeof(quick_spans) / sizeof(quick_spans[0])
					: sizeof(spans) / sizeof(spans[0]);

	image_kernel_build(&l);
	image_model_build(&inwalk, &l, &profile_linux_6_18);
	image_model_build(&prewalk, &l, &profile_linux_6_18_prewalk);
	arms[0].t = inwalk.t;
	arms[1].t = prewalk.t;
	for (size_t i = 0; i < count; i++) {
		if (job->sealed_end ? list[i] != job->span : list[i] > l.n)
			continue;
		span_measure(ctx, job->op, &l, arms, list[i], job->sealed_end);
	}
	image_model_free(&inwalk);
	image_model_free(&prewalk);
}

static void run_span(struct bench_ctx *ctx, enum op op)
{
	const size_t *list = ctx->opts->quick ? quick_spans : spans;
	size_t count = ctx->opts->quick ? sizeof(quick_spans) / sizeof(quick_spans[0])
					: sizeof(spans) / sizeof(spans[0]);
	struct span_job job = { op, false, 0 };

	if (!kernel_benches_run_at(ctx) || !room_for(ctx, ctx->n))
		return;
	/* sealed nowhere: one image for every span */
	bench_in_child(ctx, span_child, &job);
	/* sealed at the end of each span: an image per span (seals stay) */
	for (size_t i = 0; i < count; i++) {
		if (list[i] > ctx->n)
			continue;
		job = (struct span_job){ op, true, list[i] };
		bench_in_child(ctx, span_child, &job);
	}
}

static void run_span_mprotect(struct bench_ctx *ctx) { run_span(ctx, OP_MPROTECT); }
static void run_span_madvise(struct bench_ctx *ctx) { run_span(ctx, OP_MADVISE); }

/* ---- split and merge ---- */

struct pair_arg {
	const struct arm *arm;
	bool unmap;             /* munmap + mmap MAP_FIXED, else mprotect away and back */
	const struct image_layout *l;
	const uint32_t *targets;        /* NULL: the hot one */
	uint32_t hot;
	size_t next;
};

/* One pair on the middle page of VMA v: 0 when both calls succeeded. */
static int pair(const struct arm *a, bool unmap, uint64_t vma)
{
	uint64_t mid = vma + PAGE;

	if (unmap)
		return call(a, OP_MUNMAP, mid, PAGE, 0) != 0 ||
		       call(a, OP_MMAP, mid, PAGE, PROT_READ | PROT_WRITE) != (int64_t)mid;
	return call(a, OP_MPROTECT, mid, PAGE, PROT_READ) != 0 ||
	       call(a, OP_MPROTECT, mid, PAGE, PROT_READ | PROT_WRITE) != 0;
}

static uint64_t pair_batch(void *p, size_t iters)
{
	struct pair_arg *a = p;
	uint64_t t0 = bench_now_ns(), bad = 0;

	for (size_t i = 0; i < iters; i++) {
		uint32_t v = a->targets ? a->targets[a->next++ & (TARGETS - 1)] : a->hot;

		bad += pair(a->arm, a->unmap, image_vma(a->l, v));
	}
	t0 = bench_now_ns() - t0;
	if (bad)
		bench_die("split and merge: %" PRIu64 " pairs failed on %s", bad, a->arm->name);
	return t0;
}

static void pair_child(struct bench_ctx *ctx, void *p)
{
	const bool *unmap = p;
	struct image_layout l = { .n = ctx->n, .vma_pages = 3, .prot = PROT_READ | PROT_WRITE };
	struct model_image m;
	uint32_t *targets = malloc(TARGETS * sizeof(*targets));
	struct arm arms[2] = { { "mmsim", NULL }, { "kernel", NULL } };
	const char *names[2] = { "mmsim", "kernel" };

	if (!targets)
		bench_die("out of memory");
	/* even VMAs: without VM_DONTCOPY, so a fresh mmap merges back into them */
	random_targets(targets, TARGETS, (l.n + 1) / 2, 2);
	image_kernel_build(&l);
	image_model_build(&m, &l, &profile_linux_6_18);
	arms[0].t = m.t;
	for (int hot = 0; hot < 2; hot++) {
		struct pair_arg args[2];
		batch_fn fns[2] = { pair_batch, pair_batch };
		void *argp[2] = { &args[0], &args[1] };

		for (int k = 0; k < 2; k++)
			args[k] = (struct pair_arg){ &arms[k], *unmap, &l, hot ? NULL : targets,
						     (uint32_t)(l.n / 2 & ~(size_t)1), 0 };
		ctx->variant = hot ? "hot" : "random";
		ctx->unit = "pair";
		bench_measure_many(ctx, 2, names, fns, argp);
	}
	/* every pair merged back: both sides hold the image as it was made */
	if (image_kernel_vmas(&l) != l.n || mm_map_count(m.t->mm) != l.n)
		bench_die("split and merge: %zu VMAs in the kernel, %zu in the model, %zu made",
			  image_kernel_vmas(&l), mm_map_count(m.t->mm), l.n);
	image_model_free(&m);
	free(targets);
}

static void run_pair(struct bench_ctx *ctx, bool unmap)
{
	if (!kernel_benches_run_at(ctx) || !room_for(ctx, ctx->n + 2))
		return;
	bench_in_child(ctx, pair_child, &unmap);
}

static void run_split_merge_mprotect(struct bench_ctx *ctx) { run_pair(ctx, false); }
static void run_split_merge_munmap(struct bench_ctx *ctx) { run_pair(ctx, true); }

/* ---- targets ---- */

extern const struct bench_def bench_def_refuse_mprotect_same, bench_def_refuse_mprotect_other,
	bench_def_refuse_munmap, bench_def_refuse_madvise, bench_def_refuse_mremap, bench_def_refuse_mmap;
extern const struct bench_def bench_def_span_mprotect, bench_def_span_madvise;
extern const struct bench_def bench_def_split_merge_mprotect, bench_def_split_merge_munmap;

static const struct bench_def *const refusal_defs[] = {
	&bench_def_refuse_mprotect_same, &bench_def_refuse_mprotect_other, &bench_def_refuse_munmap,
	&bench_def_refuse_madvise, &bench_def_refuse_mremap, &bench_def_refuse_mmap,
};

static const size_t target_ns[] = { 100, 1000, 10000, 100000 };

/* kernel/mmsim over every N and variant reported: the smallest. */
static double worst_ratio(const struct bench_def *def, const char *const *variants, size_t nv,
			  size_t *at_n, const char **at_v)
{
	double worst = -1;

	for (size_t j = 0; j < sizeof(target_ns) / sizeof(target_ns[0]); j++)
		for (size_t v = 0; v < nv; v++) {
			double m = bench_median(def, "mmsim", target_ns[j], variants[v]);
			double k = bench_median(def, "kernel", target_ns[j], variants[v]);

			if (m <= 0 || k <= 0 || (worst >= 0 && k / m >= worst))
				continue;
			worst = k / m;
			*at_n = target_ns[j];
			*at_v = variants[v];
		}
	return worst;
}

static void ratio_target(FILE *out, const struct bench_def *def, double want)
{
	static const char *const variants[] = { "random", "hot" };
	size_t n = 0;
	const char *v = "";
	double worst = worst_ratio(def, variants, 2, &n, &v);

	if (worst >= 0)
		fprintf(out, "target: %s, model >= %.0fx faster than the kernel: slowest kernel/mmsim %.2fx "
			"(N=%zu, %s), %s\n", def->name, want, worst, n, v, worst >= want ? "met" : "NOT met");
}

static void refusal_targets(FILE *out)
{
	/* printed once, by the first refusal bench, for all six */
	for (size_t i = 0; i < sizeof(refusal_defs) / sizeof(refusal_defs[0]); i++)
		ratio_target(out, refusal_defs[i], 4);
}

/* The per-VMA seal check, alone: the pre-walk profile refusing a span
 * sealed at its last VMA walks the span doing nothing but the check
 * (and refuses before the operation starts). Its cost per VMA is the
 * slope between spans of 64 and 256 VMAs: the call's fixed cost (entry,
 * the first lookup, the refusal) drops out. */
static void span_targets_of(FILE *out, const struct bench_def *def)
{
	double check = -1, op = -1, kernel = -1;
	size_t check_n = 0;

	for (size_t j = 0; j < sizeof(target_ns) / sizeof(target_ns[0]); j++) {
		double c64 = bench_median(def, "mmsim_prewalk", target_ns[j], "span=64,sealed-end");
		double c256 = bench_median(def, "mmsim_prewalk", target_ns[j], "span=256,sealed-end");
		double m = bench_median(def, "mmsim", target_ns[j], "span=256");
		double k = bench_median(def, "kernel", target_ns[j], "span=256");

		if (c64 > 0 && c256 > 0) {
			double slope = (c256 * 256 - c64 * 64) / 192;

			if (slope > check) {
				check = slope;
				check_n = target_ns[j];
			}
		}
		if (m > op)
			op = m;
		if (k > kernel)
			kernel = k;
	}
	if (check < 0)
		return;
	fprintf(out, "target: %s, the seal check at most 3 ns per VMA in the model's walk: %.2f ns per VMA "
		"at worst (N=%zu; a pre-walk refusing at the last VMA, from 64 to 256 VMAs), %s\n", def->name,
		check, check_n, check <= 3 ? "met" : "NOT met");
	if (op > 0 && kernel > 0)
		fprintf(out, "  %s: the whole operation over 256 unsealed VMAs: model up to %.2f, kernel up to %.2f "
			"ns per VMA\n", def->name, op, kernel);
}

static void span_targets(FILE *out)
{
	span_targets_of(out, &bench_def_span_mprotect);
	span_targets_of(out, &bench_def_span_madvise);
}

static void pair_targets(FILE *out)
{
	ratio_target(out, &bench_def_split_merge_mprotect, 6);
	ratio_target(out, &bench_def_split_merge_munmap, 6);
}

/* ---- the table entries ---- */

const struct bench_def bench_def_refuse_mprotect_same = {
	.name = "refuse_mprotect_same",
	.help = "mprotect of a sealed read-only VMA to PROT_READ (EPERM), model vs kernel",
	.run = run_refuse_mprotect_same,
	.targets = refusal_targets,
};
const struct bench_def bench_def_refuse_mprotect_other = {
	.name = "refuse_mprotect_other",
	.help = "mprotect of a sealed read-only VMA to PROT_READ|PROT_WRITE (EPERM), model vs kernel",
	.run = run_refuse_mprotect_other,
};
const struct bench_def bench_def_refuse_munmap = {
	.name = "refuse_munmap",
	.help = "munmap of a sealed VMA (EPERM), model vs kernel",
	.run = run_refuse_munmap,
};
const struct bench_def bench_def_refuse_madvise = {
	.name = "refuse_madvise",
	.help = "madvise(MADV_DONTNEED) of a sealed read-only anonymous VMA (EPERM), model vs kernel",
	.run = run_refuse_madvise,
};
const struct bench_def bench_def_refuse_mremap = {
	.name = "refuse_mremap",
	.help = "mremap(MREMAP_MAYMOVE|MREMAP_FIXED) of a sealed VMA (EPERM), model vs kernel",
	.run = run_refuse_mremap,
};
const struct bench_def bench_def_refuse_mmap = {
	.name = "refuse_mmap",
	.help = "mmap MAP_FIXED over a sealed VMA (EPERM), model vs kernel",
	.run = run_refuse_mmap,
};

const struct bench_def bench_def_span_mprotect = {
	.name = "span_mprotect",
	.help = "mprotect over S VMAs, sealed nowhere or at the last; ns per VMA; seal check in the walk "
		"(mmsim), a walk before it (mmsim_prewalk), kernel",
	.run = run_span_mprotect,
	.targets = span_targets,
};
const struct bench_def bench_def_span_madvise = {
	.name = "span_madvise",
	.help = "madvise(MADV_DONTNEED) over S VMAs, sealed nowhere or at the last (read-only); ns per VMA",
	.run = run_span_madvise,
};

const struct bench_def bench_def_split_merge_mprotect = {
	.name = "split_merge_mprotect",
	.help = "mprotect one middle page away and back (split in three, merge into one), model vs kernel",
	.run = run_split_merge_mprotect,
	.targets = pair_targets,
};
const struct bench_def bench_def_split_merge_munmap = {
	.name = "split_merge_munmap",
	.help = "munmap one middle page and mmap MAP_FIXED it back, model vs kernel",
	.run = run_split_merge_munmap,
};
