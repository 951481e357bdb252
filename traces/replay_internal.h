/* What the replay's pieces share (traces/replay*.c). Not public. */
#ifndef MMSIM_TRACES_REPLAY_INTERNAL_H
#define MMSIM_TRACES_REPLAY_INTERNAL_H

#include "traces/args.h"
#include "traces/names.h"
#include "traces/replay.h"

/* One call being judged. */
struct call {
	struct replay *r;
	struct task *t;
	const struct trace_event *ev;
	int nr;              /* the syscall's number */
	struct trace_args args;
	int64_t kernel;      /* what the kernel returned: a value, or -errno */
	bool hex;            /* the result prints in hex (addresses) */
	bool adopted;        /* state was adopted for it: inferred, not agree */
};

void replay_call(struct replay *r, const struct trace_event *ev);
void replay_count(struct replay *r, int nr, struct trace_text name, enum replay_verdict v);
/* The verdict on the model's answer (and the divergence, if it is one). */
enum replay_verdict replay_judge(struct call *c, int64_t model);
void replay_diverge(struct replay *r, const struct call *c, int64_t model);
struct task *replay_task(struct replay *r, int64_t pid);
/* The tasks that exit (exit_group: t's whole thread group) are about to
 * go: remember their pids for their "+++ exited" lines. */
void replay_note_exit(struct replay *r, const struct task *t, bool group);
/* A clone by the line range [first_line, line] returned `result` and the
 * model made `child`: replay the held events of the child it was. */
void replay_release_held(struct replay *r, struct task *child, int64_t result, uint64_t first_line,
			 uint64_t line);
void replay_format_result(int64_t ret, bool hex, char *buf, size_t size);

#endif
