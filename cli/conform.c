/* mmsim conform: the command line of syscalls/conform.h.
 *
 *   mmsim conform --area mm|memfd|pidns|all [--sequences N] [--calls M] [--seed S] [--first I]
 *                 [--window ADDR] [--pages P] [--timeout MS] [--shrink-tries T]
 *                 [--verbose] [--progress]
 *   mmsim conform --replay FILE
 *
 * Exit status: 0 no mismatch, 1 mismatches, 2 usage or environment error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "syscalls/conform.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: mmsim conform --area AREA [--sequences N] [--calls M] [--seed S] [--first I]\n"
		"                     [--window ADDR] [--pages P] [--timeout MS] [--shrink-tries T]\n"
		"                     [--verbose] [--progress]\n"
		"       mmsim conform --replay FILE\n"
		"\n"
		"Run random sequences of syscalls for real (in a forked child, inside a reserved\n"
		"address window) and in the model, and compare after every call: the result,\n"
		"the window's /proc/self/maps lines with their smaps VmFlags and, where files\n"
		"are open, each descriptor's seals, mode, size and position, the bytes a read of\n"
		"vm.memfd_noexec gave and the windows of fork() children. A mismatch is shrunk\n"
		"to a minimal sequence, printed so that it can be pasted into a file and run\n"
		"again with --replay.\n"
		"\n"
		"  --area mm          mmap, munmap, mprotect, pkey_mprotect, pkey_alloc, pkey_free,\n"
		"                     mremap, madvise, brk, mseal, page touches, fill(max-K)\n"
		"  --area memfd       memfd_create, fcntl (seals, F_DUPFD), write, pwrite64, read,\n"
		"                     ftruncate, fallocate, fchmod, close, dup, dup2, dup3, lseek,\n"
		"                     openat(/proc/self/fd/N), mmap of memfds, mprotect, munmap,\n"
		"                     madvise, touches, mseal, fork() and reap() of a child that\n"
		"                     keeps a copy of the address space\n"
		"  --area pidns       ns_new() (unshare -pf), ns_up(), vm.memfd_noexec opened,\n"
		"                     written and read in those namespaces (never in this one),\n"
		"                     memfd_create with MFD_EXEC/MFD_NOEXEC_SEAL, seals, fchmod\n"
		"  --area all         the three mixed in each sequence\n"
		"  --sequences N      how many sequences (default 100)\n"
		"  --calls M          calls per sequence (default 30)\n"
		"  --seed S           seed of the run (default: from the clock, printed)\n"
		"  --first I          start at sequence I of that seed (to rerun one: --sequences 1)\n"
		"  --window ADDR      the window's base (default %#" PRIx64 ")\n"
		"  --pages P          the window's size in pages, %d-%d (default %d)\n"
		"  --timeout MS       time limit of one live run (default 10000; a run past it\n"
		"                     is a harness failure: conform stops, exit 2)\n"
		"  --shrink-tries T   runs the shrinker may spend on one mismatch (default 2000, 0: none)\n"
		"  --replay FILE      run the sequence in FILE once instead of generating\n"
		"  --verbose          print every sequence, not only the mismatching ones\n"
		"  --progress         print progress to stderr\n"
		"\n"
		"The last line is \"sequences=N calls=M mismatches=K\". Exit status: 0 no\n"
		"mismatch, 1 mismatches, 2 usage or environment error.\n",
		CONFORM_DEFAULT_BASE, CONFORM_MIN_PAGES, CONFORM_MAX_PAGES, CONFORM_DEFAULT_PAGES);
}

/* A whole unsigned number (decimal or 0x hex) into *v. */
static int number(const char *opt, const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-') {
		fprintf(stderr, "mmsim conform: %s needs a number\n", opt);
		return -1;
	}
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || *v > max) {
		fprintf(stderr, "mmsim conform: %s: bad number '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

int cli_conform(int argc, char **argv)
{
	struct conform_opts o = {
		.sequences = 100,
		.calls = 30,
		.timeout_ms = 0,
		.shrink_tries = 2000,
	};
	const char *area = NULL;
	bool seeded = false;
	uint64_t v;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--verbose")) {
			o.verbose = true;
		} else if (!strcmp(a, "--progress")) {
			o.progress = true;
		} else if (!strcmp(a, "--area")) {
			if (!val) {
				fprintf(stderr, "mmsim conform: --area needs a value\n");
				return 2;
			}
			area = val;
			i++;
		} else if (!strcmp(a, "--replay")) {
			if (!val) {
				fprintf(stderr, "mmsim conform: --replay needs a file\n");
				return 2;
			}
			o.replay = val;
			i++;
		} else if (!strcmp(a, "--sequences") || !strcmp(a, "--calls") ||
			   !strcmp(a, "--seed") || !strcmp(a, "--window") || !strcmp(a, "--pages") ||
			   !strcmp(a, "--timeout") || !strcmp(a, "--shrink-tries") ||
			   !strcmp(a, "--first")) {
			bool seed = !strcmp(a, "--seed"), window = !strcmp(a, "--window");

			if (number(a, val, seed || window ? UINT64_MAX : 100000000, &v))
				return 2;
			i++;
			if (!strcmp(a, "--sequences"))
				o.sequences = (unsigned)v;
			else if (!strcmp(a, "--calls"))
				o.calls = (unsigned)v;
			else if (seed)
				o.seed = v, seeded = true;
			else if (window)
				o.base = v;
			else if (!strcmp(a, "--pages"))
				o.pages = (unsigned)v;
			else if (!strcmp(a, "--timeout"))
				o.timeout_ms = (unsigned)v;
			else if (!strcmp(a, "--first"))
				o.first = (unsigned)v;
			else
				o.shrink_tries = (unsigned)v;
		} else {
			fprintf(stderr, "mmsim conform: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (!o.replay && (!area || conform_area_parse(area, &o.area) != 0)) {
		fprintf(stderr, "mmsim conform: %s\n",
			area ? "unknown --area (mm, memfd, pidns or all)"
			     : "--area mm, memfd, pidns or all is required");
		return 2;
	}
	if (o.calls == 0 || o.calls > 10000) {
		fprintf(stderr, "mmsim conform: --calls must be 1 to 10000\n");
		return 2;
	}
	if (o.pages && (o.pages < CONFORM_MIN_PAGES || o.pages > CONFORM_MAX_PAGES)) {
		fprintf(stderr, "mmsim conform: --pages must be %d to %d\n", CONFORM_MIN_PAGES,
			CONFORM_MAX_PAGES);
		return 2;
	}
	if (o.base && (o.base & 0xfff)) {
		fprintf(stderr, "mmsim conform: --window must be page aligned\n");
		return 2;
	}
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		o.seed = conform_mix((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec +
				     (uint64_t)getpid());
	}
	if (isatty(STDERR_FILENO) && o.sequences >= 1000)
		o.progress = true;
	return conform_main(&o, stdout, stderr);
}
