/* Replay: every call of a strace log through the model, in the process it
 * came from, with a verdict on whether the model answers as the kernel did.
 *
 *   reader ──event──> replay_event ──> the task of ev->pid (made by the
 *                                       fork/clone it came from)
 *                         │  arguments decoded (traces/args.h)
 *                         ├─ state the log never shows is adopted first:
 *                         │  VMAs a successful call proves exist, fds
 *                         │  opened outside the model, the initial brk
 *                         ├─ the syscall entry (syscalls/sys.h) runs
 *                         └─ its result against the log's:
 *                              agree · diverge · inferred · unmodelled · skipped
 *
 * Verdicts, per call:
 *   agree       the model returned what the kernel returned (value/errno)
 *   diverge     it did not; the divergence is kept with the model's reason
 *   inferred    it agreed after the replay adopted state the log does not
 *               show (a VMA mapped before the trace began, an fd opened on
 *               a path outside the model): counted apart from agree
 *   unmodelled  a syscall (or a file, or an answer) outside the model,
 *               counted by name
 *   skipped     no outcome to compare: interrupted, cut off, "= ?"
 *
 * Non-fixed mmap results are placed where the log says (the model's own
 * choice is counted: placement_same / placement_total). The memory the
 * replay keeps is the model state, the per-syscall counts and at most
 * opts.keep_divergences divergences in detail: never the log.
 */
#ifndef MMSIM_TRACES_REPLAY_H
#define MMSIM_TRACES_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/profile.h"
#include "core/tasks.h"
#include "traces/event.h"

#ifdef __cplusplus
extern "C" {
#endif

enum replay_verdict {
	REPLAY_AGREE,
	REPLAY_DIVERGE,
	REPLAY_INFERRED,
	REPLAY_UNMODELLED,
	REPLAY_SKIPPED,
	REPLAY_NVERDICTS
};

const char *replay_verdict_name(enum replay_verdict v);

struct replay_opts {
	const struct profile *profile;   /* NULL: linux-6.18 */
	bool explain;                    /* print every refusal as it happens */
	FILE *explain_out;               /* where (stdout when NULL) */
	uint64_t maps_at_line;           /* print every process's maps after this line (0: never) */
	FILE *maps_out;
	size_t keep_divergences;         /* in detail (0: 1000) */
};

struct replay_held {
	struct trace_event ev;
	char *text;   /* the event's texts, copied */
};

/* One divergence: where, what the kernel said, what the model said, why. */
struct replay_divergence {
	uint64_t line;
	int64_t pid;
	char call[160];      /* the call as the log prints it, cut to fit */
	char kernel[48];     /* "= 0", "= -1 EPERM" */
	char model[48];
	char why[256];       /* the model's refusal: rule, VMA and the line that set it up */
};

/* Counts of one syscall name. */
struct replay_syscall {
	char name[32];
	uint64_t n[REPLAY_NVERDICTS];
};

struct replay {
	struct replay_opts opts;
	struct tasks tasks;
	int64_t default_pid;     /* the pid of a log without a pid column */

	uint64_t lines;          /* the last line number seen */
	uint64_t calls;          /* syscall events */
	uint64_t n[REPLAY_NVERDICTS];
	uint64_t malformed;
	/* resumed halves whose entry is before the log (strace -p attached
	 * inside the call): the reader counts them; no event, no verdict */
	uint64_t orphaned;
	uint64_t placement_same, placement_total;

	struct replay_syscall *syscalls;   /* by name, first-seen order */
	size_t nsyscalls, syscalls_cap;
#define REPLAY_NR_SLOTS 512
	uint32_t row_of_nr[REPLAY_NR_SLOTS];   /* syscall number -> row + 1 (0: none yet) */

	struct replay_divergence *divergences;
	size_t ndivergences;     /* kept; n[REPLAY_DIVERGE] counts them all */

	/* clone results whose child has not shown up under that pid (a child
	 * in another pid namespace: the result is its pid there) */
	int64_t awaiting[16];
	size_t nawaiting;
	bool maps_printed;

	/* pids whose exit or exit_group call removed their task: their
	 * "+++ exited" lines come later and wait for no clone (the latest
	 * few; 0 where a line came) */
	int64_t exited[32];
	unsigned exited_next;

	/* Events of pids not known yet, held until the clone that made them
	 * returns in its parent (a vfork or posix_spawn child runs, and is
	 * logged, before its parent's clone result): copies, in order. */
	struct replay_held *held;
	size_t nheld, held_cap;
	/* --initial-maps made the first process before any line named it */
	bool initial_unnamed;
};

/* At most this many events wait for their clone; past it they are
 * replayed in processes of their own (adopted). */
#define REPLAY_MAX_HELD (1u << 16)

int replay_init(struct replay *r, const struct replay_opts *opts);
void replay_destroy(struct replay *r);

/* --initial-maps: the first process starts with the mappings of a
 * /proc/PID/maps snapshot (taken when the traced program started) instead
 * of adopting them as calls prove them. 0, or -1 with "PATH:LINE: what"
 * in err. Call before the first event. */
int replay_initial_maps(struct replay *r, const char *path, char *err, size_t errlen);

/* Feed one event. */
void replay_event(struct replay *r, const struct trace_event *ev);
/* Count a line the reader could not read (message already printed). */
void replay_malformed(struct replay *r);
/* The end of the log: --maps-at past the last line prints now. */
void replay_finish(struct replay *r);

/* The summary: counts by verdict and by syscall, then each divergence. */
void replay_report_text(const struct replay *r, FILE *out);
/* The same as one JSON object (keys documented in docs/replay.md). */
void replay_report_json(const struct replay *r, FILE *out);

/* The row of syscall `name` in a growable table (added, zeroed, when it
 * is new); NULL when out of memory. */
struct replay_syscall *replay_syscall_row(struct replay_syscall **rows, size_t *n, size_t *cap,
					 struct trace_text name);

/* Pieces mmsim report shares: the by-syscall table, a JSON string. */
void replay_print_syscalls(const struct replay_syscall *rows, size_t n, FILE *out);
void replay_json_string(FILE *out, const char *s);

#ifdef __cplusplus
}
#endif

#endif
