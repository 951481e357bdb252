/* Shared timing, stats and output for every bench. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/harness.h"

volatile uint64_t bench_sink;
volatile uint64_t bench_zero;

static const struct bench_opts *g_opts;
static FILE *g_json;
static struct result *g_results;
static size_t g_nresults, g_capresults;
/* In a bench_in_child() child: results go down this pipe, not out. */
static int g_capture_fd = -1;

void bench_die(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("mmsim-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void harness_init(const struct bench_opts *opts, FILE *json)
{
	g_opts = opts;
	g_json = json;
}

const char *harness_json_str(const char *s)
{
	static char buf[512];
	size_t o = 0;
	buf[o++] = '"';
	for (; *s && o < sizeof(buf) - 8; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\\u%04x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = 0;
	return buf;
}

/* The row label and unit a bench set in its context. */
static void label(struct result *r, const struct bench_ctx *ctx)
{
	snprintf(r->variant, sizeof(r->variant), "%s", ctx->variant ? ctx->variant : "");
	r->unit = ctx->unit ? ctx->unit : "op";
}

static void add_result(const struct result *r)
{
	if (g_capture_fd >= 0) {
		if (write(g_capture_fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
			bench_die("cannot pass a result to the parent: %s", strerror(errno));
		return;
	}
	if (g_nresults == g_capresults) {
		g_capresults = g_capresults ? 2 * g_capresults : 64;
		g_results = realloc(g_results, g_capresults * sizeof(*g_results));
		if (!g_results)
			bench_die("out of memory");
	}
	g_results[g_nresults++] = *r;
	if (!g_json)
		return;
	fprintf(g_json, "{\"bench\": \"%s\", \"impl\": \"%s\", \"n\": %zu, ", r->def->name, r->impl,
		r->n);
	if (r->variant[0])
		fprintf(g_json, "\"variant\": %s, ", harness_json_str(r->variant));
	if (r->kind == RESULT_TIME) {
		fprintf(g_json,
			"\"ns_min\": %.3f, \"ns_median\": %.3f, \"ns_p99\": %.3f, \"reps\": %u, "
			"\"batch\": %zu, \"unit\": \"%s\"}\n",
			r->ns_min, r->ns_median, r->ns_p99, r->reps, r->batch, r->unit);
	} else {
		fprintf(g_json,
			"\"bytes_per_vma\": %.2f, \"struct_bytes\": %zu, \"struct_bytes_usable\": %zu, "
			"\"vma_bytes\": %zu}\n",
			r->bytes_per_vma, r->struct_bytes, r->struct_bytes_usable, r->vma_bytes);
	}
	fflush(g_json);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Grow the batch until one lasts rep_ns; returns the batch size. */
static size_t calibrate(const struct bench_opts *o, batch_fn fn, void *arg)
{
	size_t iters = 1;
	for (;;) {
		uint64_t t = fn(arg, iters);
		if (t >= o->rep_ns || iters >= ((size_t)1 << 40))
			return iters;
		size_t next = t ? (size_t)((double)iters * (double)o->rep_ns / (double)t * 1.05) + 1
				: iters * 16;
		if (next > iters * 16)
			next = iters * 16;
		if (next < iters * 2)
			next = iters * 2;
		iters = next;
	}
}

void bench_measure_many(struct bench_ctx *ctx, size_t count, const char *const *impl_names,
			const batch_fn *fns, void *const *args)
{
	const struct bench_opts *o = ctx->opts;
	unsigned reps = o->reps;
	double per = ctx->per_iter > 0 ? ctx->per_iter : 1;
	double *samples = calloc((size_t)reps * count, sizeof(*samples));
	size_t *iters = calloc(count, sizeof(*iters));
	if (!samples || !iters)
		bench_die("out of memory");

	for (size_t k = 0; k < count; k++) {
		iters[k] = calibrate(o, fns[k], args[k]);
		fns[k](args[k], iters[k]);   /* warm-up at the final size */
	}
	for (unsigned r = 0; r < reps; r++)
		for (size_t j = 0; j < count; j++) {
			size_t k = (r + j) % count;
			samples[k * reps + r] = (double)fns[k](args[k], iters[k]) / ((double)iters[k] * per);
		}

	for (size_t k = 0; k < count; k++) {
		double *s = &samples[k * reps];
		qsort(s, reps, sizeof(*s), cmp_double);
		struct result res = {
			.def = ctx->def,
			.impl = impl_names[k],
			.n = ctx->n,
			.kind = RESULT_TIME,
			.reps = reps,
			.batch = iters[k],
			.ns_min = s[0],
			.ns_median = reps % 2 ? s[reps / 2] : (s[reps / 2 - 1] + s[reps / 2]) / 2,
			/* nearest rank: the ceil(0.99 * reps)-th smallest */
			.ns_p99 = s[(99 * (size_t)reps + 99) / 100 - 1],
		};
		label(&res, ctx);
		add_result(&res);
	}
	free(samples);
	free(iters);
}

void bench_report_rate(struct bench_ctx *ctx, const char *impl_name, uint64_t ops, uint64_t best_ns,
		       unsigned reps)
{
	double per_op = ops ? (double)best_ns / (double)ops : 0;
	struct result res = {
		.def = ctx->def,
		.impl = impl_name,
		.n = ctx->n,
		.kind = RESULT_TIME,
		.reps = reps,
		.batch = (size_t)ops,
		.ns_min = per_op,
		.ns_median = per_op,
		.ns_p99 = per_op,
	};

	label(&res, ctx);
	add_result(&res);
}

void bench_measure(struct bench_ctx *ctx, const char *impl_name, batch_fn fn, void *arg)
{
	bench_measure_many(ctx, 1, &impl_name, &fn, &arg);
}

void bench_report_bytes(struct bench_ctx *ctx, const char *impl_name, size_t struct_bytes,
			size_t struct_bytes_usable, size_t vma_bytes)
{
	struct result res = {
		.def = ctx->def,
		.impl = impl_name,
		.n = ctx->n,
		.kind = RESULT_BYTES,
		.struct_bytes = struct_bytes,
		.struct_bytes_usable = struct_bytes_usable,
		.vma_bytes = vma_bytes,
		.bytes_per_vma = ctx->n ? (double)(struct_bytes + vma_bytes) / (double)ctx->n : 0,
	};
	label(&res, ctx);
	add_result(&res);
}

static double result_value(const struct result *r)
{
	return r->kind == RESULT_TIME ? r->ns_median : r->bytes_per_vma;
}

static const struct result *find_result(const struct bench_def *def, const char *impl, size_t n,
				       const char *variant)
{
	for (size_t i = 0; i < g_nresults; i++)
		if (g_results[i].def == def && g_results[i].n == n && !strcmp(g_results[i].impl, impl) &&
		    !strcmp(g_results[i].variant, variant ? variant : ""))
			return &g_results[i];
	return NULL;
}

double bench_median(const struct bench_def *def, const char *impl, size_t n, const char *variant)
{
	const struct result *r = find_result(def, impl, n, variant);

	return r ? result_value(r) : -1;
}

void bench_in_child(struct bench_ctx *ctx, void (*fn)(struct bench_ctx *ctx, void *arg), void *arg)
{
	int fd[2], status;
	struct result r;
	ssize_t got;
	pid_t pid;

	fflush(NULL);
	if (pipe(fd) != 0)
		bench_die("%s: pipe: %s", ctx->def->name, strerror(errno));
	pid = fork();
	if (pid < 0)
		bench_die("%s: fork: %s", ctx->def->name, strerror(errno));
	if (pid == 0) {
		close(fd[0]);
		g_capture_fd = fd[1];
		fn(ctx, arg);
		fflush(NULL);
		_exit(0);
	}
	close(fd[1]);
	while ((got = read(fd[0], &r, sizeof(r))) == (ssize_t)sizeof(r))
		add_result(&r);
	close(fd[0]);
	if (got != 0)
		bench_die("%s: a result from the child was cut short", ctx->def->name);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			bench_die("%s: waitpid: %s", ctx->def->name, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bench_die("%s: the child measuring N=%zu failed (%s %d)", ctx->def->name, ctx->n,
			  WIFEXITED(status) ? "exit status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

struct row {
	size_t n;
	const char *variant;
};

/* Under a bytes table: the figures with the structure's bytes as the
 * allocator really gives them, for impls whose struct_bytes differ. */
static void print_usable_note(FILE *out, const struct bench_def *def, const char *const *impls,
			      size_t nimpl, const struct row *rows, size_t nrows)
{
	for (size_t k = 0; k < nimpl; k++) {
		int shown = 0;
		for (size_t j = 0; j < nrows; j++) {
			const struct result *r = find_result(def, impls[k], rows[j].n, rows[j].variant);
			if (!r || !r->struct_bytes_usable || r->struct_bytes_usable == r->struct_bytes ||
			    !r->n)
				continue;
			if (!shown)
				fprintf(out, "  %s with its nodes rounded up to the allocator's size classes:",
					impls[k]);
			shown = 1;
			fprintf(out, " %.2f (N=%zu)",
				(double)(r->struct_bytes_usable + r->vma_bytes) / (double)r->n, r->n);
		}
		if (shown)
			fputc('\n', out);
	}
}

/* One bench's table: a row per (N, variant) in order of appearance, a
 * column per impl, then each impl's ratio to mmsim (or to the first). */
static void print_bench_table(FILE *out, const struct bench_def *def)
{
	const char *impls[16], *unit = "op";
	struct row rows[64];
	size_t nimpl = 0, nrows = 0;
	enum result_kind kind = RESULT_TIME;
	int vw = 0;

	for (size_t i = 0; i < g_nresults; i++) {
		const struct result *r = &g_results[i];
		size_t k;

		if (r->def != def)
			continue;
		kind = r->kind;
		unit = r->unit;
		for (k = 0; k < nimpl && strcmp(impls[k], r->impl); k++)
			;
		if (k == nimpl && nimpl < 16)
			impls[nimpl++] = r->impl;
		for (k = 0; k < nrows && (rows[k].n != r->n || strcmp(rows[k].variant, r->variant)); k++)
			;
		if (k == nrows && nrows < 64) {
			rows[nrows].n = r->n;
			rows[nrows++].variant = r->variant;
			if ((int)strlen(r->variant) > vw)
				vw = (int)strlen(r->variant);
		}
	}
	if (!nimpl)
		return;
	/* The reference column: mmsim if present. */
	size_t ref = 0;
	for (size_t k = 0; k < nimpl; k++)
		if (!strcmp(impls[k], "mmsim"))
			ref = k;

	/* Column widths: values, then ratios "impl/mmsim". */
	int w[16], rw[16];
	for (size_t k = 0; k < nimpl; k++) {
		int l = (int)strlen(impls[k]);
		w[k] = l > 10 ? l : 10;
		l += 1 + (int)strlen(impls[ref]);
		rw[k] = l > 10 ? l : 10;
	}
	fprintf(out, "\n%s: %s\n", def->name, def->help);
	fprintf(out, "%9s", "N");
	if (vw)
		fprintf(out, " %-*s", vw, "");
	for (size_t k = 0; k < nimpl; k++)
		fprintf(out, " %*s", w[k], impls[k]);
	for (size_t k = 0; k < nimpl; k++) {
		if (k == ref)
			continue;
		char head[64];
		snprintf(head, sizeof(head), "%s/%s", impls[k], impls[ref]);
		fprintf(out, " %*s", rw[k], head);
	}
	if (kind == RESULT_TIME)
		fprintf(out, "   (median ns/%s)\n", unit);
	else
		fprintf(out, "   (bytes per VMA)\n");
	for (size_t j = 0; j < nrows; j++) {
		fprintf(out, "%9zu", rows[j].n);
		if (vw)
			fprintf(out, " %-*s", vw, rows[j].variant);
		for (size_t k = 0; k < nimpl; k++) {
			const struct result *r = find_result(def, impls[k], rows[j].n, rows[j].variant);
			if (r)
				fprintf(out, " %*.2f", w[k], result_value(r));
			else
				fprintf(out, " %*s", w[k], "-");
		}
		const struct result *rr = find_result(def, impls[ref], rows[j].n, rows[j].variant);
		for (size_t k = 0; k < nimpl; k++) {
			if (k == ref)
				continue;
			const struct result *r = find_result(def, impls[k], rows[j].n, rows[j].variant);
			if (r && rr && result_value(rr) > 0)
				fprintf(out, " %*.2fx", rw[k] - 1, result_value(r) / result_value(rr));
			else
				fprintf(out, " %*s", rw[k], "-");
		}
		fputc('\n', out);
	}
	if (kind == RESULT_BYTES)
		print_usable_note(out, def, impls, nimpl, rows, nrows);
}

void harness_print_table(FILE *out)
{
	for (size_t b = 0; b < bench_registry_len; b++)
		print_bench_table(out, bench_registry[b]);

	/* The target: lookup latency at N = 10^5 at most 0.7 x sorted's, and
	 * below rbtree's at every N. */
	const struct bench_def *lat = NULL;
	for (size_t b = 0; b < bench_registry_len; b++)
		if (!strcmp(bench_registry[b]->name, "lookup_latency"))
			lat = bench_registry[b];
	const struct result *m = lat ? find_result(lat, "mmsim", 100000, NULL) : NULL;
	int shown = 0;
	for (size_t i = 0; m && i < g_nresults; i++) {
		const struct result *s = &g_results[i];
		if (s->def != lat || s->n != 100000 || strncmp(s->impl, "sorted", 6))
			continue;
		fprintf(out, "%starget: lookup_latency at N=100000, mmsim <= 0.70 x %s: "
			"mmsim/%s = %.2f, %s\n", shown ? "" : "\n", s->impl, s->impl,
			m->ns_median / s->ns_median,
			m->ns_median <= 0.7 * s->ns_median ? "met" : "NOT met");
		shown = 1;
	}
	if (!shown)
		fprintf(out, "\ntarget: lookup_latency at N=100000 vs sorted: not measured in this run\n");
	fprintf(out, "target: lookup_latency mmsim ahead of rbtree at every N:");
	int any = 0, all = 1;
	for (size_t i = 0; lat && i < g_nresults; i++) {
		const struct result *r = &g_results[i];
		if (r->def != lat || strcmp(r->impl, "mmsim"))
			continue;
		const struct result *t = find_result(lat, "rbtree", r->n, NULL);
		if (!t)
			continue;
		any = 1;
		if (r->ns_median >= t->ns_median)
			all = 0;
		fprintf(out, " N=%zu %.2f", r->n, r->ns_median / t->ns_median);
	}
	if (any)
		fprintf(out, " (mmsim/rbtree), %s\n", all ? "met" : "NOT met");
	else
		fprintf(out, " not measured in this run\n");
	for (size_t b = 0; b < bench_registry_len; b++)
		if (bench_registry[b]->targets)
			bench_registry[b]->targets(out);
}
