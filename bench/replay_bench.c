/* How fast `mmsim replay` goes through a log, against awk splitting the
 * same files into fields in the same run, on three kinds of log:
 *
 *   replay_lines      a log generated here (below), 20 x N lines
 *   replay_corpus     every recording of traces/corpus, as recorded
 *   replay_synthetic  10^7 lines of the corpus's -f recordings repeated
 *                     with fresh pids (bench/make-trace.py)
 *
 * replay_lines: the log is made here, the way strace -f -o -ttt -T -n -y
 * prints: one process mapping, protecting, sealing, advising and unmapping
 * anonymous memory, making memfds with seals and writing to them, and calls the
 * model does not hold (getpid, write to stdout) between them, with the
 * results the model itself gives (so every modelled call agrees, which
 * the bench checks: a divergence would mean the log is not what it
 * measures). Lines: 20 x N (at least 200,000).
 *
 * MMSIM_BENCH_REPLAY_LOG=PATH keeps the generated log at PATH.
 *
 * replay_corpus and replay_synthetic read real recordings, which must
 * replay with no divergence and no malformed line (else the bench dies):
 * they find the source tree as source_dir() says, run once per
 * mmsim-bench run (at its first N) and report N = the lines they read.
 * MMSIM_BENCH_SYNTHETIC=PATH keeps the synthetic log at PATH, and reuses
 * it when it is there (whatever its length: N says it).
 *
 * Reported: ns per line for mmsim (reader + replay, as `mmsim replay`
 * reads: times not decoded, but for the merge of a -ff set) and for
 * `awk '{print $1, $2}' FILE... > /dev/null`, best of R runs taken in
 * turns; the ratio column is awk/mmsim (above 1: mmsim is faster).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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
		else
			replay_malformed(r);   /* so that run() sees it */
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

/* ---- replay_corpus, replay_synthetic: the real recordings ------------- */

/* One log as mmsim replay takes it: a file, or the files of one strace
 * -ff set (a PROGRAM.ff directory), merged by their time stamps. */
struct log {
	char *name;
	char **paths;
	FILE **f;
	size_t n;
};

struct logs {
	struct log *v;
	size_t n, cap;
	char **paths;      /* every file of every log, for awk */
	size_t npaths;
};

/* One file of a log, with its next event waiting (as in cli/replay.c). */
struct input {
	struct trace_reader *reader;
	struct trace_event ev;
	bool has_event;
};

/* The first malformed line of the replay that is running: the message a
 * bench dies with is more use with it. */
static char first_malformed[256];

static char *join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		bench_die("out of memory");
	return p;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Whether base+suffix is a source tree (has traces/corpus); it is then
 * left in dir. */
static bool try_source(char *dir, size_t size, const char *base, const char *suffix)
{
	char corpus[PATH_MAX];

	snprintf(dir, size, "%s%s", base, suffix);
	snprintf(corpus, sizeof(corpus), "%s/traces/corpus", dir);
	if (is_dir(corpus))
		return true;
	dir[0] = 0;
	return false;
}

/* A build tree names its source tree in CMakeCache.txt. */
static bool try_cache(char *dir, size_t size, const char *build)
{
	static const char key[] = "CMAKE_HOME_DIRECTORY:INTERNAL=";
	char path[PATH_MAX], line[PATH_MAX + sizeof(key)];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/CMakeCache.txt", build);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, sizeof(key) - 1)) {
			line[strcspn(line, "\n")] = 0;
			found = try_source(dir, size, line + sizeof(key) - 1, "");
		}
	fclose(f);
	return found;
}

/* The source tree, for traces/corpus and bench/make-trace.py: the build's
 * MMSIM_SOURCE_DIR definition when it gives one, else $MMSIM_SOURCE_DIR,
 * else found from this program's place: two levels up in a build inside
 * the tree (build/bench/mmsim-bench), or the CMakeCache.txt of a build
 * outside it (its bench/..). */
static const char *source_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("MMSIM_SOURCE_DIR");
	char exe[PATH_MAX], *slash;
	ssize_t len;

	if (dir[0])
		return dir;
#ifdef MMSIM_SOURCE_DIR
	if (try_source(dir, sizeof(dir), MMSIM_SOURCE_DIR, ""))
		return dir;
#endif
	if (env && try_source(dir, sizeof(dir), env, ""))
		return dir;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 4);
	slash = len > 0 ? memrchr(exe, '/', (size_t)len) : NULL;
	if (slash) {
		strcpy(slash, "/..");   /* the build tree's bench/.. */
		if (try_source(dir, sizeof(dir), exe, "/..") || try_cache(dir, sizeof(dir), exe))
			return dir;
	}
	bench_die("cannot find the source tree (its traces/corpus): set MMSIM_SOURCE_DIR");
}

static void add_path(struct logs *ls, struct log *lg, char *path)
{
	FILE *f = fopen(path, "r");
	char **paths = realloc(lg->paths, (lg->n + 1) * sizeof(*paths));
	FILE **fs = realloc(lg->f, (lg->n + 1) * sizeof(*fs));
	char **all = realloc(ls->paths, (ls->npaths + 1) * sizeof(*all));

	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	if (!paths || !fs || !all)
		bench_die("out of memory");
	paths[lg->n] = path;
	fs[lg->n++] = f;
	lg->paths = paths;
	lg->f = fs;
	all[ls->npaths++] = path;
	ls->paths = all;
}

static int trace_or_ff(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return (len > 6 && !strcmp(d->d_name + len - 6, ".trace")) ||
	       (len > 3 && !strcmp(d->d_name + len - 3, ".ff"));
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* name: a *.trace file of the corpus, or a *.ff directory (its files). */
static void add_log(struct logs *ls, const char *corpus, const char *name)
{
	struct log *lg;
	struct dirent **ents;
	char *path = join(corpus, name);
	int n;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? 2 * ls->cap : 32;
		ls->v = realloc(ls->v, ls->cap * sizeof(*ls->v));
		if (!ls->v)
			bench_die("out of memory");
	}
	lg = &ls->v[ls->n++];
	*lg = (struct log){ .name = path };
	if (!is_dir(path)) {
		add_path(ls, lg, path);
		return;
	}
	n = scandir(path, &ents, not_hidden, alphasort);
	if (n <= 0)
		bench_die("%s: no files (%s)", path, n < 0 ? strerror(errno) : "empty");
	for (int i = 0; i < n; i++) {
		add_path(ls, lg, join(path, ents[i]->d_name));
		free(ents[i]);
	}
	free(ents);
}

/* Every recording at the top of traces/corpus, in name order; divergent/
 * and minimised/ are left out (they are not *.trace or *.ff). */
static void find_logs(struct logs *ls)
{
	char *corpus = join(source_dir(), "traces/corpus");
	struct dirent **ents;
	int n = scandir(corpus, &ents, trace_or_ff, alphasort);

	if (n <= 0)
		bench_die("replay_corpus: no *.trace or *.ff in %s", corpus);
	for (int i = 0; i < n; i++) {
		add_log(ls, corpus, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	free(corpus);
}

static void free_logs(struct logs *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		struct log *lg = &ls->v[i];

		for (size_t k = 0; k < lg->n; k++) {
			fclose(lg->f[k]);
			if (lg->paths[k] != lg->name)
				free(lg->paths[k]);
		}
		free(lg->paths);
		free(lg->f);
		free(lg->name);
	}
	free(ls->v);
	free(ls->paths);
}

/* The next event of in; false at its end. Malformed lines are counted
 * in r (the first one's message kept), as mmsim replay counts them. */
static bool advance(struct input *in, struct replay *r)
{
	int got;

	while ((got = trace_reader_next(in->reader, &in->ev)) < 0) {
		if (!r->malformed)
			snprintf(first_malformed, sizeof(first_malformed), "%s",
				 trace_reader_error(in->reader));
		replay_malformed(r);
	}
	return in->has_event = got > 0;
}

/* The input whose event comes first: by time, those without a time stamp
 * last, ties to the earlier file (cli/replay.c's order). */
static struct input *earliest(struct input *ins, size_t n)
{
	struct input *best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (!ins[i].has_event)
			continue;
		if (!best || trace_event_before(&ins[i].ev, &best->ev))
			best = &ins[i];
	}
	return best;
}

/* Replay one log into a new r as mmsim replay does; returns the ns it
 * took and adds its lines to *lines. r is left for the caller to check
 * and destroy (outside the time, as in replay_lines). */
static uint64_t replay_log(const struct log *lg, struct replay *r, uint64_t *lines)
{
	struct replay_opts o = { .keep_divergences = 16 };
	struct input *ins = calloc(lg->n, sizeof(*ins)), *in;
	uint64_t t0 = bench_now_ns(), t;

	first_malformed[0] = 0;
	if (!ins || replay_init(r, &o))
		bench_die("out of memory");
	for (size_t k = 0; k < lg->n; k++) {
		rewind(lg->f[k]);
		ins[k].reader = trace_reader_new(lg->f[k], lg->paths[k]);
		if (!ins[k].reader)
			bench_die("out of memory");
		/* times only order the files of a -ff set */
		trace_reader_decode_times(ins[k].reader, lg->n > 1);
		advance(&ins[k], r);
	}
	while ((in = earliest(ins, lg->n))) {
		replay_event(r, &in->ev);
		advance(in, r);
	}
	replay_finish(r);
	t = bench_now_ns() - t0;
	for (size_t k = 0; k < lg->n; k++) {
		*lines += trace_reader_stats(ins[k].reader).lines;
		trace_reader_free(ins[k].reader);
	}
	free(ins);
	return t;
}

/* A replay of a real recording must agree with the kernel everywhere:
 * else the bench would time the model's error paths, not the replay. */
static void check_replay(const char *bench, const char *name, struct replay *r)
{
	if (r->n[REPLAY_DIVERGE]) {
		const struct replay_divergence *d = &r->divergences[0];

		bench_die("%s: %s: %" PRIu64 " divergences (the first at line %" PRIu64 ": %s %s, model %s)",
			  bench, name, r->n[REPLAY_DIVERGE], d->line, d->call, d->kernel, d->model);
	}
	if (r->malformed)
		bench_die("%s: %s: %" PRIu64 " malformed lines (the first: %s)", bench, name, r->malformed,
			  first_malformed);
	replay_destroy(r);
}

/* Run argv (argv[0] looked up in PATH) with stdout to /dev/null when
 * quiet; dies unless it exits 0. posix_spawn, not system(): no shell to
 * start, which would be a fair part of awk's time on the small corpus. */
static void spawn(const char *what, char *const argv[], bool quiet)
{
	posix_spawn_file_actions_t fa;
	int status, err;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		bench_die("%s: cannot run %s: %s", what, argv[0], strerror(err));
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			bench_die("%s: waitpid: %s", what, strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		bench_die("%s: %s failed (%s %d)", what, argv[0], WIFEXITED(status) ? "exit status" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/* awk '{print $1, $2}' FILE... > /dev/null: ns. */
static uint64_t awk_files(const char *what, char **paths, size_t n)
{
	char **argv = calloc(n + 3, sizeof(*argv));
	uint64_t t0;

	if (!argv)
		bench_die("out of memory");
	argv[0] = "awk";
	argv[1] = "{print $1, $2}";
	memcpy(argv + 2, paths, n * sizeof(*paths));
	t0 = bench_now_ns();
	spawn(what, argv, true);
	t0 = bench_now_ns() - t0;
	free(argv);
	return t0;
}

/* Both benches run once per mmsim-bench run (at its first N) and report
 * with N = the lines they read, in ns per line. */
static bool first_n(const struct bench_ctx *ctx)
{
	return ctx->n == ctx->opts->ns[0];
}

static void report_lines(struct bench_ctx *ctx, uint64_t lines, uint64_t mmsim, uint64_t awk, unsigned reps)
{
	struct bench_ctx c = *ctx;

	c.n = (size_t)lines;
	c.unit = "line";
	bench_report_rate(&c, "mmsim", lines, mmsim, reps);
	bench_report_rate(&c, "awk", lines, awk, reps);
}

/* replay_corpus: every log of traces/corpus one after the other, each
 * into a replay of its own (as `mmsim replay FILE` would be run on each);
 * the time is their sum. awk runs once over all the files: the corpus
 * is small (7,700 lines), so awk's own start-up is a good part of its
 * time, as the replay's set-up per log is of mmsim's. */
static void run_corpus(struct bench_ctx *ctx)
{
	unsigned reps = ctx->opts->quick ? 3 : 11;
	uint64_t best_mmsim = UINT64_MAX, best_awk = UINT64_MAX, lines = 0;
	struct logs ls = { 0 };

	if (!first_n(ctx))
		return;
	find_logs(&ls);
	for (unsigned i = 0; i < reps; i++) {
		uint64_t ns = 0, awk;

		lines = 0;
		for (size_t k = 0; k < ls.n; k++) {
			struct replay r;

			ns += replay_log(&ls.v[k], &r, &lines);
			check_replay("replay_corpus", ls.v[k].name, &r);
		}
		awk = awk_files("replay_corpus", ls.paths, ls.npaths);
		if (ns < best_mmsim)
			best_mmsim = ns;
		if (awk < best_awk)
			best_awk = awk;
	}
	free_logs(&ls);
	report_lines(ctx, lines, best_mmsim, best_awk, reps);
}

const struct bench_def bench_def_replay_corpus = {
	.name = "replay_corpus",
	.help = "mmsim replay of every traces/corpus recording (-ff sets merged), beside awk '{print $1, $2}' of all its files (best of 11, --quick 3); N = lines",
	.fixture = FIXTURE_NONE,
	.run = run_corpus,
};

/* The synthetic log: $MMSIM_BENCH_SYNTHETIC if that file exists (made
 * once, reused: 10^7 lines are 1.5 GB); else bench/make-trace.py writes
 * it: to $MMSIM_BENCH_SYNTHETIC (kept; named so only once complete, so
 * that a run cut short leaves nothing to reuse) or to a temporary file in
 * /tmp, gone when closed. */
static FILE *synthetic_log(uint64_t want)
{
	const char *keep = getenv("MMSIM_BENCH_SYNTHETIC");
	char *script, *partial = NULL, out[64], lines[32];
	FILE *f;

	if (keep && (f = fopen(keep, "r")))
		return f;
	if (keep && asprintf(&partial, "%s.partial", keep) < 0)
		bench_die("out of memory");
	f = partial ? fopen(partial, "w+") : tmpfile();
	if (!f)
		bench_die("replay_synthetic: cannot make the log: %s", strerror(errno));
	script = join(source_dir(), "bench/make-trace.py");
	/* The child writes through its copy of our descriptor: the file may
	 * have no name (tmpfile). */
	snprintf(out, sizeof(out), "/proc/self/fd/%d", fileno(f));
	snprintf(lines, sizeof(lines), "%" PRIu64, want);
	spawn("replay_synthetic", (char *[]){ "python3", script, "--lines", lines, "-o", out, NULL }, false);
	if (partial && rename(partial, keep))
		bench_die("replay_synthetic: %s: %s", keep, strerror(errno));
	free(partial);
	free(script);
	return f;
}

/* replay_synthetic: 10^7 lines (--quick: 10^5) of the corpus's -f
 * recordings repeated by make-trace.py, each copy new processes. */
static void run_synthetic(struct bench_ctx *ctx)
{
	unsigned reps = ctx->opts->quick ? 2 : 3;
	uint64_t best_mmsim = UINT64_MAX, best_awk = UINT64_MAX, lines = 0;
	char fd_path[64], *path = fd_path;
	struct log lg = { .name = "the synthetic log", .paths = &path, .n = 1 };
	FILE *f;

	if (!first_n(ctx))
		return;
	f = synthetic_log(ctx->opts->quick ? 100000 : 10000000);
	lg.f = &f;
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fileno(f));
	for (unsigned i = 0; i < reps; i++) {
		struct replay r;
		uint64_t ns, awk;

		lines = 0;
		ns = replay_log(&lg, &r, &lines);
		check_replay("replay_synthetic", lg.name, &r);
		awk = awk_files("replay_synthetic", &path, 1);
		if (ns < best_mmsim)
			best_mmsim = ns;
		if (awk < best_awk)
			best_awk = awk;
	}
	fclose(f);
	report_lines(ctx, lines, best_mmsim, best_awk, reps);
}

const struct bench_def bench_def_replay_synthetic = {
	.name = "replay_synthetic",
	.help = "mmsim replay of 10^7 lines of corpus recordings repeated (bench/make-trace.py), beside awk '{print $1, $2}' of it (best of 3; --quick: 10^5 lines, best of 2); N = lines",
	.fixture = FIXTURE_NONE,
	.run = run_synthetic,
};
