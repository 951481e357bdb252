/* Reading a strace log as a stream of events (struct trace_event).
 *
 *   FILE ──> lines ──> leader (pid, times, -n, -i) taken off ──> body
 *            body: call / <... resumed> / signal / +++ / [ Process ]
 *            unfinished halves wait per pid and are joined with their
 *            resumed half; one event per call, in the order calls end
 *
 * What it accepts is shared/strace-formats.md: strace 6.1 and newer,
 * with or without -f, -o's pid column or "[pid N]" prefixes, -t/-tt/-ttt/
 * -r, -T, -i, -n, -y/-yy annotations, -X raw/abbrev/verbose, -Y comms,
 * colour, CRLF line ends, tracer messages spliced into lines. Memory is
 * constant in the length of the log: one line at a time (growable, no
 * limit), plus the unfinished halves still open.
 *
 * A line it cannot read is reported (file, line number, what was
 * expected) and skipped; the next line is read as usual. Lines that are
 * no event (strace's own messages, -k frames, -e write dumps, the -c
 * table, blank lines) are counted and skipped silently.
 *
 * Decisions where strace leaves room:
 *   - A joined call's time and -n number are its entry line's (as for a
 *     complete line); first_line is that line, line the resumed one.
 *   - One open call per pid: a new call, an exit or a kill of a pid whose
 *     call is still open returns that call first, cut (its end is not in
 *     the log: -z/-Z, a reused pid). -z/-Z also print an entry's rest on
 *     the next line without any header; that line joins the entry.
 *   - "+++ superseded by execve in pid N +++" moves N's open execve to
 *     the leader, whose "<... execve resumed>" follows.
 *   - Orphans: a pid's first call line may be "<... NAME resumed>" (strace
 *     -p attached inside a call): skipped and counted in orphaned. After
 *     that pid made a call, a resumed line with none open is malformed.
 *   - The last line, cut off without its '\n': a call or resumed line is
 *     returned as a call with TRACE_RESULT_CUT unless it ends as a whole
 *     result does, in a note's ')' or -T's '>' ("= 0x7f" may have been
 *     "= 0x7f85dd0b1000"). Other lines count as they stand (an exit
 *     line missing its " +++" is malformed).
 *   - -r alone gives no time (time < 0); -ttt and -r differ by the
 *     integer part (9 digits or more is a date).
 *   - The stderr form ("[pid N] " only while strace traces several
 *     processes): unprefixed lines get the pid of the process that was
 *     alone once the reader knows it (the first pid after them not
 *     announced by "strace: Process N attached", or a call joined across
 *     the two forms), 0 before; an exit of that process forgets it.
 */
#ifndef MMSIM_TRACES_READER_H
#define MMSIM_TRACES_READER_H

#include <stdint.h>
#include <stdio.h>

#include "traces/event.h"

#ifdef __cplusplus
extern "C" {
#endif

struct trace_reader;

/* A reader of `in` (not closed by the reader), named `name` in messages.
 * NULL when out of memory. */
struct trace_reader *trace_reader_new(FILE *in, const char *name);
void trace_reader_free(struct trace_reader *r);

/* Whether events carry their time stamps as numbers (the default). A
 * reader whose times nobody reads (a single log replayed alone) turns
 * it off: stamps are still checked as text, but ev.time stays -1,
 * which saves converting two numbers a line. */
void trace_reader_decode_times(struct trace_reader *r, bool decode);

/* The next event: 1 and *ev filled, 0 at the end of the input (after
 * every unfinished half still open has been returned as a call with
 * TRACE_RESULT_CUT, in line order), or -1 for a malformed line: then
 * trace_reader_error() says what and where, and the next call goes on. */
int trace_reader_next(struct trace_reader *r, struct trace_event *ev);

/* Whether a comes before b when several logs (-ff files) are merged:
 * by time stamp, events without one last; false on ties (the earlier
 * input keeps its turn). */
static inline bool trace_event_before(const struct trace_event *a, const struct trace_event *b)
{
	return a->time >= 0 && (b->time < 0 || a->time < b->time);
}

/* "FILE:LINE: what was expected" for the last -1. */
const char *trace_reader_error(const struct trace_reader *r);

struct trace_reader_stats {
	uint64_t lines;       /* physical lines read */
	uint64_t events;      /* events returned */
	uint64_t malformed;   /* lines reported as malformed */
	uint64_t skipped;     /* lines that are no event (tracer messages, blank) */
	uint64_t joined;      /* calls put together from two halves */
	uint64_t orphaned;    /* resumed halves whose entry is not in the log (-p) */
};
struct trace_reader_stats trace_reader_stats(const struct trace_reader *r);

/* The pid a -ff output file belongs to: "trace.12345" -> 12345; 0 when
 * the name has no numeric suffix. Events of such a file carry this pid
 * when the lines have no pid column. */
int64_t trace_ff_pid(const char *path);

#ifdef __cplusplus
}
#endif

#endif
