/* mmsim replay: check strace logs against the model (traces/replay.h).
 *
 *   mmsim replay [--json] [--explain] [--strict] [--maps-at LINE]
 *                [--initial-maps FILE] [--profile NAME] [--keep N] TRACE... | -
 *
 * Several files are the output of strace -ff -o PREFIX: their events are
 * merged by time stamp (record with -ttt for an exact order); a file
 * without time stamps is read after those with them, in the order given.
 * Exit status: 0 nothing diverges, 1 something does, 2 usage errors or
 * (with --strict) a malformed line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "traces/reader.h"
#include "traces/replay.h"

#define MAX_INPUTS 4096

struct input {
	FILE *f;
	struct trace_reader *reader;
	struct trace_event ev;
	bool has_event;
};

static void usage(FILE *out)
{
	fputs("usage: mmsim replay [--json] [--explain] [--strict] [--maps-at LINE]\n"
	      "                    [--profile NAME] [--keep N] TRACE... | -\n"
	      "\n"
	      "Replay the calls of an strace log through the model, each in the process it\n"
	      "came from, and say for every one whether the model answers as the kernel did:\n"
	      "agree, diverge (with the model's reason), inferred (state the log does not\n"
	      "show was adopted first), unmodelled, or skipped (no outcome in the log).\n"
	      "\n"
	      "  --json          one JSON object instead of the text summary\n"
	      "  --explain       print the model's reason for every refusal as it happens\n"
	      "  --strict        stop at the first malformed line (exit 2)\n"
	      "  --maps-at LINE  print every process's maps as they stand after LINE\n"
	      "  --initial-maps FILE  the first process starts with these mappings (a\n"
	      "                  /proc/PID/maps snapshot) instead of adopting them\n"
	      "  --profile NAME  the semantics (default linux-6.18)\n"
	      "  --keep N        divergences kept in detail (default 1000)\n"
	      "\n"
	      "TRACE is a file or - (standard input); several files are strace -ff output,\n"
	      "merged by their time stamps. Record with:\n"
	      "  strace -f -o TRACE -ttt -T -n -y -s 256 -e quiet=none PROGRAM\n"
	      "Exit status: 0 nothing diverges, 1 something does, 2 usage or --strict input error.\n",
	      out);
}

/* The next event of in; false at its end. Malformed lines are reported
 * and counted here; with strict they stop the replay (*stop). */
static bool advance(struct input *in, struct replay *r, bool strict, bool *stop)
{
	for (;;) {
		int got = trace_reader_next(in->reader, &in->ev);

		if (got > 0)
			return in->has_event = true;
		if (got == 0)
			return in->has_event = false;
		fprintf(stderr, "%s\n", trace_reader_error(in->reader));
		replay_malformed(r);
		if (strict) {
			*stop = true;
			return in->has_event = false;
		}
	}
}

/* The input whose pending event comes first: by time, those without
 * time stamps last, ties to the earlier input. */
static struct input *first(struct input *ins, size_t n)
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

/* Every 2^20 lines (events skip some line numbers: compare blocks). */
static void progress(uint64_t line, uint64_t *shown_block)
{
	if (line >> 20 == *shown_block)
		return;
	*shown_block = line >> 20;
	fprintf(stderr, "\rmmsim replay: line %" PRIu64 "...", line);
}

static int run(struct input *ins, size_t n, struct replay *r, bool strict)
{
	bool stop = false, tty = isatty(2);
	uint64_t shown = 0;
	struct input *in;

	for (size_t i = 0; i < n && !stop; i++)
		advance(&ins[i], r, strict, &stop);
	while (!stop && (in = first(ins, n))) {
		replay_event(r, &in->ev);
		if (tty)
			progress(in->ev.line, &shown);
		advance(in, r, strict, &stop);
	}
	if (shown)
		fputs("\n", stderr);   /* end the progress line */
	replay_finish(r);
	return stop ? 2 : 0;
}

static int open_inputs(char **paths, size_t n, struct input *ins)
{
	for (size_t i = 0; i < n; i++) {
		bool is_stdin = !strcmp(paths[i], "-");

		struct stat st;

		ins[i].f = is_stdin ? stdin : fopen(paths[i], "r");
		if (!ins[i].f) {
			fprintf(stderr, "mmsim replay: %s: %s\n", paths[i], strerror(errno));
			return -1;
		}
		/* fopen opens a directory for reading; only read() fails (EISDIR) */
		if (!fstat(fileno(ins[i].f), &st) && S_ISDIR(st.st_mode)) {
			fprintf(stderr, "mmsim replay: %s: %s\n", paths[i], strerror(EISDIR));
			return -1;
		}
		ins[i].reader = trace_reader_new(ins[i].f, is_stdin ? "<stdin>" : paths[i]);
		if (!ins[i].reader) {
			fprintf(stderr, "mmsim replay: out of memory\n");
			return -1;
		}
		/* times only order the events of several logs (-ff files) */
		trace_reader_decode_times(ins[i].reader, n > 1);
	}
	return 0;
}

static void close_inputs(struct input *ins, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ins[i].reader)
			trace_reader_free(ins[i].reader);
		if (ins[i].f && ins[i].f != stdin)
			fclose(ins[i].f);
	}
	free(ins);
}

static int number_arg(const char *opt, const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-') {
		fprintf(stderr, "mmsim replay: %s needs a number\n", opt);
		return -1;
	}
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "mmsim replay: %s: '%s' is not a number\n", opt, s);
		return -1;
	}
	return 0;
}

int cli_replay(int argc, char **argv)
{
	struct replay_opts o = { 0 };
	const char *initial_maps = NULL;
	bool json = false, strict = false;
	struct input *ins;
	struct replay r;
	uint64_t v;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--explain")) {
			o.explain = true;
		} else if (!strcmp(a, "--strict")) {
			strict = true;
		} else if (!strcmp(a, "--maps-at")) {
			if (number_arg(a, argv[++i], &o.maps_at_line))
				return 2;
		} else if (!strcmp(a, "--initial-maps")) {
			if (!argv[++i]) {
				fprintf(stderr, "mmsim replay: --initial-maps needs a file\n");
				return 2;
			}
			initial_maps = argv[i];
		} else if (!strcmp(a, "--keep")) {
			if (number_arg(a, argv[++i], &v))
				return 2;
			o.keep_divergences = (size_t)v;
		} else if (!strcmp(a, "--profile")) {
			o.profile = argv[i + 1] ? profile_find(argv[i + 1]) : NULL;
			if (!o.profile) {
				fprintf(stderr, "mmsim replay: unknown profile '%s'\n", argv[i + 1] ? argv[i + 1] : "");
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			fprintf(stderr, "mmsim replay: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc || argc - i > MAX_INPUTS) {
		fprintf(stderr, i >= argc ? "mmsim replay: no trace given\n" : "mmsim replay: too many files\n");
		usage(stderr);
		return 2;
	}
	/* The explanations go with the report: to stdout, unless that is JSON. */
	o.explain_out = json ? stderr : stdout;
	ins = calloc((size_t)(argc - i), sizeof(*ins));
	if (!ins || replay_init(&r, &o)) {
		free(ins);
		fprintf(stderr, "mmsim replay: out of memory\n");
		return 2;
	}
	if (initial_maps) {
		char err[512];

		if (replay_initial_maps(&r, initial_maps, err, sizeof(err))) {
			fprintf(stderr, "mmsim replay: %s\n", err);
			free(ins);
			replay_destroy(&r);
			return 2;
		}
	}
	rc = open_inputs(argv + i, (size_t)(argc - i), ins) ? 2 : run(ins, (size_t)(argc - i), &r, strict);
	/* Lines read, over every file (-ff), events or not. */
	if (!rc) {
		r.lines = 0;
		for (size_t k = 0; k < (size_t)(argc - i); k++) {
			r.lines += trace_reader_stats(ins[k].reader).lines;
			r.orphaned += trace_reader_stats(ins[k].reader).orphaned;
		}
	}
	close_inputs(ins, (size_t)(argc - i));
	if (rc == 0) {
		if (json)
			replay_report_json(&r, stdout);
		else
			replay_report_text(&r, stdout);
		rc = r.n[REPLAY_DIVERGE] ? 1 : 0;
	}
	replay_destroy(&r);
	return rc;
}
