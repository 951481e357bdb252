/* replay_lines: how fast `mmsim replay` goes through a log, against awk
 * splitting the same file into fields in the same run.
 *
 * The log is made here, the way strace -f -o -ttt -T -n -y prints: one
 * process mapping, protecting, sealing, advising and unmapping anonymous
 * memory, making memfds with seals and writing to them, and calls the
 * model does not hold (getpid, write to stdout) between them, with the
 * results the model itself gives (so every modelled call agrees, which
 * the bench checks: a divergence would mean the log is not what it
 * measures). Lines: 20 x N (at least 200,000).
 *
 * MMSIM_BENCH_REPLAY_LOG=PATH keeps the generated log at PATH.
 *
 * Reported: ns per line for mmsim (reader + replay) and for
 * `awk '{print $1, $2}' FILE > /dev/null`, and lines per second; the
 * ratio column is awk/mmsim (above 1: mmsim is faster).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "core/files.h"
#include "core/tasks.h"
#include "syscalls/sys.h"
#include "traces/reader.h"
#include "traces/replay.h"

#define BASE UINT64_C(0x7e0000000000)
#define SLOTS 512

struct gen {
	FILE *out;
	struct task *t;
	uint64_t rng;
	double now;
	uint64_t lines;
};

static void line(struct gen *g, int nr, const char *call, int64_t ret, bool hex)
{
	char res[64];

	if (ret < 0)
		snprintf(res, sizeof(res), "-1 %s (x)", ret == -1 ? "EPERM" : ret == -12 ? "ENOMEM" : ret == -22 ? "EINVAL" : ret == -16 ? "EBUSY" : "EACCES");
	else if (hex && ret)
		snprintf(res, sizeof(res), "%#" PRIx64, (uint64_t)ret);
	else
		snprintf(res, sizeof(res), "%" PRId64, ret);
	g->now += 0.000011;
	fprintf(g->out, "4242  %.6f [%4d] %s = %s <0.000007>\n", 1795500000.0 + g->now, nr, call, res);
	g->lines++;
}

static const char *const prot_names[] = { "PROT_NONE", "PROT_READ", "PROT_READ|PROT_WRITE", "PROT_READ|PROT_EXEC" };
static const uint64_t prot_values[] = { 0, 1, 3, 5 };

/* One step of the workload: a few calls on a random slot of the area. */
static void step(struct gen *g)
{
	char call[256];
	uint64_t slot = bench_rand_below(&g->rng, SLOTS), addr = BASE + slot * 4 * PAGE_SIZE;
	uint64_t pages = 1 + bench_rand_below(&g->rng, 4), len = pages * PAGE_SIZE;
	unsigned p = (unsigned)bench_rand_below(&g->rng, 4);
	int64_t ret;

	switch (bench_rand_below(&g->rng, 10)) {
	case 0: case 1:
		ret = sys_mmap(g->t, addr, len, 3, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		snprintf(call, sizeof(call), "mmap(%#" PRIx64 ", %" PRIu64 ", PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)", addr, len);
		line(g, 9, call, ret, true);
		break;
	case 2: case 3:
		ret = sys_mprotect(g->t, addr, len, prot_values[p]);
		snprintf(call, sizeof(call), "mprotect(%#" PRIx64 ", %" PRIu64 ", %s)", addr, len, prot_names[p]);
		line(g, 10, call, ret, false);
		break;
	case 4:
		ret = sys_munmap(g->t, addr, len);
		snprintf(call, sizeof(call), "munmap(%#" PRIx64 ", %" PRIu64 ")", addr, len);
		line(g, 11, call, ret, false);
		break;
	case 5:
		if (bench_rand_below(&g->rng, 8))
			goto unmodelled;
		ret = sys_mseal(g->t, addr, PAGE_SIZE, 0);
		snprintf(call, sizeof(call), "syscall_0x1ce(%#" PRIx64 ", 0x1000, 0, 0, 0, 0)", addr);
		line(g, 462, call, ret, false);
		break;
	case 6:
		ret = sys_madvise(g->t, addr, len, 4);
		snprintf(call, sizeof(call), "madvise(%#" PRIx64 ", %" PRIu64 ", MADV_DONTNEED)", addr, len);
		line(g, 28, call, ret, false);
		break;
	case 7: {
		int64_t fd = sys_memfd_create(g->t, "bench", 3);

		line(g, 319, "memfd_create(\"bench\", MFD_CLOEXEC|MFD_ALLOW_SEALING)", fd, false);
		snprintf(call, sizeof(call), "ftruncate(%" PRId64 "</memfd:bench>(deleted), 8192)", fd);
		line(g, 77, call, sys_ftruncate(g->t, fd, 8192), false);
		snprintf(call, sizeof(call), "fcntl(%" PRId64 "</memfd:bench>(deleted), F_ADD_SEALS, F_SEAL_WRITE)", fd);
		line(g, 72, call, sys_fcntl(g->t, fd, 1033, 8), false);
		snprintf(call, sizeof(call), "write(%" PRId64 "</memfd:bench>(deleted), \"data\", 4)", fd);
		line(g, 1, call, sys_write(g->t, fd, "data", 4), false);
		snprintf(call, sizeof(call), "close(%" PRId64 "</memfd:bench>(deleted))", fd);
		line(g, 3, call, sys_close(g->t, fd), false);
		break;
	}
	default:
	unmodelled:
		line(g, 39, "getpid()", 4242, false);
		line(g, 1, "write(1</dev/pts/0>, \"progress...\\n\", 12)", 12, false);
		break;
	}
}

/* Write a log of at least `lines` lines to a temporary file. */
static FILE *make_log(uint64_t want, uint64_t *lines)
{
	struct tasks tasks;
	struct gen g = { .rng = 42 };
	/* MMSIM_BENCH_REPLAY_LOG=PATH keeps the log, to profile mmsim replay on it. */
	const char *keep = getenv("MMSIM_BENCH_REPLAY_LOG");
	FILE *f = keep ? fopen(keep, "w+") : tmpfile();

	if (!f || tasks_init(&tasks, &profile_linux_6_18))
		bench_die("replay_lines: cannot make the log");
	g.out = f;
	g.t = tasks_start(&tasks, 4242);
	while (g.lines < want)
		step(&g);
	tasks_destroy(&tasks);
	fflush(f);
	*lines = g.lines;
	return f;
}

static uint64_t replay_once(FILE *f, struct replay *r)
{
	struct trace_event ev;
	struct replay_opts o = { .keep_divergences = 16 };
	struct trace_reader *reader;
	uint64_t t0 = bench_now_ns();
	int got;

	rewind(f);
	if (replay_init(r, &o))
		bench_die("replay_lines: out of memory");
	reader = trace_reader_new(f, "bench");
	trace_reader_decode_times(reader, false);      /* as mmsim replay reads one log */
	while ((got = trace_reader_next(reader, &ev)) != 0)
		if (got > 0)
			replay_event(r, &ev);
	trace_reader_free(reader);
	return bench_now_ns() - t0;
}

static uint64_t awk_once(FILE *f)
{
	char cmd[128];
	uint64_t t0 = bench_now_ns();

	snprintf(cmd, sizeof(cmd), "awk '{print $1, $2}' /proc/self/fd/%d > /dev/null", fileno(f));
	rewind(f);
	if (system(cmd) != 0)
		bench_die("replay_lines: awk failed");
	return bench_now_ns() - t0;
}

static void run(struct bench_ctx *ctx)
{
	uint64_t want = ctx->n * 20 < 200000 ? 200000 : ctx->n * 20, lines;
	uint64_t best_mmsim = UINT64_MAX, best_awk = UINT64_MAX;
	unsigned reps = ctx->opts->quick ? 2 : 5;
	FILE *f = make_log(want, &lines);

	for (unsigned i = 0; i < reps; i++) {
		struct replay r;
		uint64_t ns = replay_once(f, &r), awk;

		if (r.n[REPLAY_DIVERGE] || r.malformed)
			bench_die("replay_lines: the generated log diverged (%" PRIu64 ") or was malformed (%" PRIu64 ")",
				  r.n[REPLAY_DIVERGE], r.malformed);
		replay_destroy(&r);
		awk = awk_once(f);
		if (ns < best_mmsim)
			best_mmsim = ns;
		if (awk < best_awk)
			best_awk = awk;
	}
	fclose(f);
	bench_report_rate(ctx, "mmsim", lines, best_mmsim, reps);
	bench_report_rate(ctx, "awk", lines, best_awk, reps);
}

const struct bench_def bench_def_replay_lines = {
	.name = "replay_lines",
	.help = "mmsim replay over a generated strace -f -ttt -T -n -y log, beside awk '{print $1, $2}' of the same file (best of 5)",
	.fixture = FIXTURE_NONE,
	.run = run,
};
