/* mmsim report: merge the JSON objects of many `mmsim replay --json` runs
 * (one per trace, made in parallel on many cores or machines) into one
 * summary.
 *
 *   a.json ─┐
 *   b.json ─┼─> totals by verdict, by syscall; every divergence with
 *   c.json ─┘   the file it came from
 */
#ifndef MMSIM_TRACES_REPORT_H
#define MMSIM_TRACES_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "traces/replay.h"

#ifdef __cplusplus
extern "C" {
#endif

struct report_divergence {
	char *file;
	struct replay_divergence d;
};

struct report {
	uint64_t files, lines, calls, modelled, malformed, orphaned;
	uint64_t n[REPLAY_NVERDICTS];
	uint64_t placement_same, placement_total;
	struct replay_syscall *syscalls;
	size_t nsyscalls, syscalls_cap;
	struct report_divergence *divergences;
	size_t ndivergences, divergences_cap;
};

void report_init(struct report *rep);
void report_destroy(struct report *rep);

/* Add one replay's JSON object (the whole text of a --json output), from
 * file `name`. 0, or -1 with a message in err (what and where). */
int report_add_json(struct report *rep, const char *name, const char *text, size_t len, char *err,
		    size_t errlen);

void report_print_text(const struct report *rep, FILE *out);
void report_print_json(const struct report *rep, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
