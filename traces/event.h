/* struct trace_event: one thing a strace log says happened, after the
 * line framing (traces/reader.h) has taken the leader apart and joined
 * "<unfinished ...>" / "<... NAME resumed>" halves.
 *
 *   12948 1795503069.28 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) = 0x7f85dd0ad000 <0.000008>
 *   ^pid  ^ts           ^name ^args (the text between the parentheses)  ^result       ^-T
 *
 * Text fields point into the reader's buffers and stay valid until the
 * next trace_reader_next() call. Nothing here knows what a syscall's
 * arguments mean: traces/args.h decodes them.
 */
#ifndef MMSIM_TRACES_EVENT_H
#define MMSIM_TRACES_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum trace_kind {
	TRACE_CALL,        /* a syscall with its result (or a cut-off one) */
	TRACE_SIGNAL,      /* --- SIGSEGV {...} --- / --- stopped by SIGSTOP --- */
	TRACE_EXITED,      /* +++ exited with N +++ */
	TRACE_KILLED,      /* +++ killed by SIGNAL [(core dumped)] +++ */
	TRACE_SUPERSEDED,  /* +++ superseded by execve in pid N +++ */
	TRACE_PERSONALITY, /* [ Process PID=N runs in 32 bit mode. ] */
};

enum trace_result {
	TRACE_RESULT_VALUE,    /* "= 3", "= 0x7f..", "= 0x6 (seals ...)" */
	TRACE_RESULT_ERROR,    /* "= -1 ENOMEM (...)", "= -1 (errno 600)" */
	TRACE_RESULT_RESTART,  /* "= ? ERESTARTSYS (...)": interrupted, no outcome */
	TRACE_RESULT_NONE,     /* "= ?" (exit_group, killed, <unavailable>) */
	TRACE_RESULT_CUT,      /* no result at all: the trace ended or the tracee died
	                          inside the call (an unfinished half never resumed,
	                          "<detached ...>", a last line cut off) */
};

/* A piece of the line: not NUL-terminated. */
struct trace_text {
	const char *s;
	size_t len;
};

struct trace_event {
	enum trace_kind kind;
	uint64_t line;          /* the line that completed it (the resumed half) */
	uint64_t first_line;    /* the line it started on (== line unless joined) */
	const char *file;       /* the input's name, for messages */
	int64_t pid;            /* the pid column; 0 when the log has none */
	/* The stderr form (-f without -o) leaves the process that is traced
	 * alone unprefixed: the pid those lines turned out to have once a
	 * "[pid N]" line showed it, 0 while unknown. Earlier events of that
	 * process came with pid 0. */
	int64_t unprefixed_pid;
	double time;            /* -t/-tt/-ttt seconds (of the day for -t/-tt); < 0 when absent */

	/* TRACE_CALL */
	struct trace_text name;   /* "mmap", "syscall_0x1ce", "clone3" */
	int64_t nr;               /* the -n number, -1 when absent */
	struct trace_text args;   /* between the call's parentheses, halves joined */
	enum trace_result result;
	uint64_t value;           /* TRACE_RESULT_VALUE: as printed (hex or decimal, 64-bit) */
	int err;                  /* TRACE_RESULT_ERROR/RESTART: the errno number (0: unknown) */
	struct trace_text errname;/* "ENOMEM", "ERESTARTSYS" as printed */

	/* TRACE_SIGNAL, TRACE_KILLED: the signal's name ("SIGSEGV") */
	struct trace_text signal;
	/* TRACE_EXITED: the status; TRACE_SUPERSEDED: the pid whose execve took over;
	 * TRACE_PERSONALITY: the PID= the line names (its mode, "64 bit", "32 bit"
	 * or "x32", is in name) */
	int64_t number;

	/* TRACE_SIGNAL: "--- stopped by SIGSTOP ---", a group stop, not a
	 * delivery (a delivery's siginfo, "{si_signo=...}", is in args) */
	bool stopped;
	/* TRACE_KILLED: "(core dumped)" */
	bool core_dumped;

	/* TRACE_CALL whose arguments lay whole on one line: the reader saw
	 * where its top-level ',' are (offsets into args, at most 8), so
	 * trace_args_split_at() (traces/args.h) need not scan them again.
	 * false: use trace_args_split(). */
	bool args_split;
	uint8_t ncommas;
	uint32_t comma[8];
};

#ifdef __cplusplus
}
#endif

#endif
