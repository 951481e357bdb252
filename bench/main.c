/* mmsim-bench: mmsim's VMA store beside a sorted array and a red-black
 * tree, and (later) more benches; see docs/benchmarks.md.
 *
 *   mmsim-bench [--json] [--quick] [--filter SUBSTR] [--n LIST] [--reps R]
 *               [--impl LIST] [--cpu K]
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench/fixture.h"
#include "bench/harness.h"

#ifndef MMSIM_ALLOCATOR
#define MMSIM_ALLOCATOR "unknown"
#endif

#if defined(__clang__)
#define COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define COMPILER "gcc " __VERSION__
#else
#define COMPILER "unknown"
#endif

static const size_t default_ns[] = { 100, 1000, 10000, 100000, 1000000 };
static const size_t quick_ns[] = { 1000, 10000 };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmsim-bench [options]\n"
		"Times mmsim's VMA store beside a sorted array and a red-black tree, the\n"
		"sealing checks beside the live kernel, and trace replay beside awk.\n"
		"\n"
		"  --json            one JSON object per line instead of the table\n"
		"  --quick           N = 1000,10000 and few, short repetitions (a smoke run)\n"
		"  --filter SUBSTR   only the benches whose name contains SUBSTR\n"
		"  --n LIST          comma-separated Ns (e.g. 1000,1e5; default 1e2,1e3,1e4,1e5,1e6)\n"
		"  --reps R          timed repetitions per measurement (default 101, quick 11)\n"
		"  --impl LIST       only these store implementations (comma-separated names:\n"
		"                    mmsim,sorted,sorted_cmov,rbtree; e.g. for profiling)\n"
		"  --cpu K           pin to CPU K (default: the last CPU the process may use)\n"
		"  --help            this text\n"
		"\nbenches:\n");
	for (size_t b = 0; b < bench_registry_len; b++)
		fprintf(out, "  %-18s %s\n", bench_registry[b]->name, bench_registry[b]->help);
}

static void bad_usage(const char *fmt, const char *arg)
{
	fputs("mmsim-bench: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'mmsim-bench --help'.\n", stderr);
	exit(2);
}

/* "1000", "1e5", "100000": a whole number from 1 to 10^8. */
static size_t parse_n(const char *s)
{
	char *end;
	errno = 0;
	double d = strtod(s, &end);
	if (errno || end == s || *end || d < 1 || d > 1e8 || d != (double)(size_t)d)
		bad_usage("bad N '%s' (a whole number from 1 to 1e8)", s);
	return (size_t)d;
}

static void parse_n_list(struct bench_opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;
	if (!copy)
		bench_die("out of memory");
	o->n_count = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (o->n_count == sizeof(o->ns) / sizeof(o->ns[0]))
			bad_usage("too many Ns in '%s' (at most 16)", arg);
		o->ns[o->n_count++] = parse_n(tok);
	}
	free(copy);
	if (o->n_count == 0)
		bad_usage("empty N list '%s'", arg);
}

static unsigned parse_uint(const char *s, const char *what, unsigned lo, unsigned hi)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi) {
		char msg[128];
		snprintf(msg, sizeof(msg), "bad %s '%%s' (%u to %u)", what, lo, hi);
		bad_usage(msg, s);
	}
	return (unsigned)v;
}

/* The CPU model from /proc/cpuinfo. */
static void cpu_model(char *buf, size_t len)
{
	snprintf(buf, len, "unknown");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		char *v = strchr(line, ':');
		if (!v)
			break;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

/* Pin to one CPU: `want`, or the highest-numbered one allowed (CPU 0
 * takes more interrupts). Returns the CPU, or -1. */
static int pin_cpu(int want)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -1;
	int cpu = want;
	if (cpu < 0) {
		for (int c = CPU_SETSIZE - 1; c >= 0; c--)
			if (CPU_ISSET(c, &set)) {
				cpu = c;
				break;
			}
	} else if (!CPU_ISSET(cpu, &set)) {
		return -1;
	}
	if (cpu < 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

static bool selected(const struct bench_opts *o, const struct bench_def *def)
{
	return !o->filter || strstr(def->name, o->filter);
}

/* Whether `name` is in the comma-separated list (NULL: everything). */
static bool in_list(const char *list, const char *name)
{
	size_t len = strlen(name);
	for (const char *p = list; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == 0))
			return true;
	}
	return list == NULL;
}

static bool impl_wanted(const struct impl *impl, const void *arg)
{
	const struct bench_opts *o = arg;
	return in_list(o->impls, impl->name);
}

/* A FIXTURE_STORE bench over every implementation built in fx. */
static void run_store_bench(struct bench_ctx *base, struct fixture *fx)
{
	const struct bench_def *def = base->def;
	struct bench_ctx ctx[8];
	const char *names[8];
	batch_fn fns[8];
	void *args[8];
	size_t m = 0;

	for (size_t k = 0; k < impl_count && m < 8; k++) {
		if (!fx->inst[k])
			continue;
		ctx[m] = *base;
		ctx[m].impl = impl_all[k];
		ctx[m].inst = fx->inst[k];
		if (def->run) {
			def->run(&ctx[m]);
			fixture_verify(fx, ctx[m].impl, ctx[m].inst);
			continue;
		}
		names[m] = impl_all[k]->name;
		fns[m] = def->batch;
		args[m] = def->setup(&ctx[m]);
		m++;
	}
	if (def->run || m == 0)
		return;
	bench_measure_many(base, m, names, fns, args);
	for (size_t k = 0; k < m; k++) {
		def->teardown(&ctx[k], args[k]);
		/* A bench must leave the structure as it found it. */
		fixture_verify(fx, ctx[k].impl, ctx[k].inst);
	}
}

int main(int argc, char **argv)
{
	struct bench_opts o = { .reps = 0, .rep_ns = 2000000, .cpu = -1 };
	int want_cpu = -1;
	bool n_given = false;
	enum { OPT_JSON = 1, OPT_QUICK, OPT_FILTER, OPT_N, OPT_REPS, OPT_IMPL, OPT_CPU, OPT_HELP };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "quick", no_argument, NULL, OPT_QUICK },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ "n", required_argument, NULL, OPT_N },
		{ "reps", required_argument, NULL, OPT_REPS },
		{ "impl", required_argument, NULL, OPT_IMPL },
		{ "cpu", required_argument, NULL, OPT_CPU },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: o.json = true; break;
		case OPT_QUICK: o.quick = true; break;
		case OPT_FILTER: o.filter = optarg; break;
		case OPT_N: parse_n_list(&o, optarg); n_given = true; break;
		case OPT_REPS: o.reps = parse_uint(optarg, "--reps", 1, 100000); break;
		case OPT_IMPL: o.impls = optarg; break;
		case OPT_CPU: want_cpu = (int)parse_uint(optarg, "--cpu", 0, CPU_SETSIZE - 1); break;
		case OPT_HELP: usage(stdout); return 0;
		default:
			bad_usage("unknown option, or option missing its argument: '%s'",
				  argv[optind - 1]);
		}
	}
	if (optind < argc)
		bad_usage("unexpected argument '%s'", argv[optind]);
	if (!n_given) {
		const size_t *src = o.quick ? quick_ns : default_ns;
		o.n_count = o.quick ? sizeof(quick_ns) / sizeof(quick_ns[0]) : sizeof(default_ns) / sizeof(default_ns[0]);
		memcpy(o.ns, src, o.n_count * sizeof(*src));
	}
	if (!o.reps)
		o.reps = o.quick ? 11 : 101;
	if (o.quick)
		o.rep_ns = 500000;
	bool any = false, need_store = false;
	for (size_t b = 0; b < bench_registry_len; b++)
		if (selected(&o, bench_registry[b])) {
			any = true;
			need_store |= bench_registry[b]->fixture == FIXTURE_STORE;
		}
	if (!any)
		bad_usage("no bench name contains '%s'", o.filter);
	if (o.impls) {
		/* Every name given must be an implementation. */
		char *copy = strdup(o.impls), *save = NULL;
		if (!copy)
			bench_die("out of memory");
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			size_t k;
			for (k = 0; k < impl_count && strcmp(impl_all[k]->name, tok); k++)
				;
			if (k == impl_count)
				bad_usage("unknown implementation '%s' (mmsim, sorted, sorted_cmov, rbtree)", tok);
		}
		free(copy);
	}

	o.cpu = pin_cpu(want_cpu);
	if (o.cpu < 0 && want_cpu >= 0) {
		char cpuarg[16];
		snprintf(cpuarg, sizeof(cpuarg), "%d", want_cpu);
		bad_usage("cannot pin to CPU %s (not allowed or not present)", cpuarg);
	}

	char cpu[256], date[32];
	struct utsname uts;
	cpu_model(cpu, sizeof(cpu));
	if (uname(&uts) != 0)
		snprintf(uts.release, sizeof(uts.release), "unknown");
	time_t now = time(NULL);
	strftime(date, sizeof(date), "%Y-%m-%d", localtime(&now));

	if (o.json) {
		printf("{\"bench\": \"meta\", \"allocator\": \"%s\", \"cpu\": %s, \"pinned_cpu\": %d, ",
		       MMSIM_ALLOCATOR, harness_json_str(cpu), o.cpu);
		printf("\"compiler\": %s, ", harness_json_str(COMPILER));
		printf("\"kernel\": %s, \"date\": \"%s\", \"reps\": %u, \"rep_ns\": %llu, \"quick\": %s, "
		       "\"n\": [", harness_json_str(uts.release), date, o.reps,
		       (unsigned long long)o.rep_ns, o.quick ? "true" : "false");
		for (size_t i = 0; i < o.n_count; i++)
			printf("%s%zu", i ? ", " : "", o.ns[i]);
		printf("]}\n");
	} else {
		printf("mmsim-bench %s: allocator %s, CPU %s, %s\n", date, MMSIM_ALLOCATOR, cpu, COMPILER);
		if (o.cpu >= 0)
			printf("pinned to CPU %d (sched_setaffinity); ", o.cpu);
		else
			printf("NOT pinned (sched_setaffinity failed); ");
		printf("%u timed repetitions of ~%.1f ms per measurement, after a warm-up one;\n"
		       "ns/op = batch time / operations in the batch; the table shows the median.\n",
		       o.reps, (double)o.rep_ns / 1e6);
	}
	fflush(stdout);
	harness_init(&o, o.json ? stdout : NULL);

	for (size_t j = 0; j < o.n_count; j++) {
		size_t n = o.ns[j];
		struct fixture *fx = NULL;
		if (need_store) {
			fx = fixture_new(n);
			fixture_build(fx, impl_wanted, &o);
		}
		for (size_t b = 0; b < bench_registry_len; b++) {
			const struct bench_def *def = bench_registry[b];
			if (!selected(&o, def))
				continue;
			struct bench_ctx ctx = { .opts = &o, .def = def, .n = n, .fx = fx };
			if (def->fixture == FIXTURE_NONE) {
				def->run(&ctx);
				continue;
			}
			run_store_bench(&ctx, fx);
		}
		if (fx)
			fixture_free(fx);
		fprintf(stderr, "mmsim-bench: N=%zu done\n", n);
	}
	if (!o.json)
		harness_print_table(stdout);
	return 0;
}
