/* fuzz_reader: the bytes as a strace log through the reader
 * (traces/reader.h), every event pulled until the end.
 *
 * Two readers read the same bytes in lockstep, one converting time
 * stamps and one not (trace_reader_decode_times): they must return the
 * same events and errors, the second with no times. Every event must
 * keep what reader.h and event.h promise:
 *   - kinds and results are of their enums; pids are not negative
 *   - 1 <= first_line <= line <= the physical lines read so far
 *   - events of whole lines come in line order (line never decreases);
 *     only calls cut off (an open half returned before its pid's next
 *     line, or at the end) carry an earlier line
 *   - every text lies in memory the reader owns: each byte is read here,
 *     so AddressSanitizer sees any that does not
 *   - the file name is the reader's
 *   - recorded commas (args_split) are ascending, inside args, ',' each,
 *     and trace_args_split_at() cuts args exactly as trace_args_split()
 *   - an error names the file; the end stays the end; the counts of
 *     trace_reader_stats() match what was returned
 */
#include <inttypes.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "traces/args.h"
#include "traces/reader.h"

static volatile unsigned sink;

/* Read every byte of t (the sum goes to a volatile: nothing is left out). */
static void touch(struct trace_text t, const char *what, uint64_t line)
{
	unsigned acc = 0;

	FUZZ_CHECK(t.s || !t.len, "line %" PRIu64 ": %s has %zu bytes and no pointer", line, what,
		   t.len);
	for (size_t i = 0; i < t.len; i++)
		acc = acc * 31 + (unsigned char)t.s[i];
	sink += acc;
}

static bool same_text(struct trace_text a, struct trace_text b)
{
	return a.len == b.len && (!a.len || !memcmp(a.s, b.s, a.len));
}

static void check_split(const struct trace_event *ev)
{
	struct trace_args scan, at;
	int rs, ra;

	FUZZ_CHECK(ev->ncommas <= 8, "line %" PRIu64 ": %u commas recorded", ev->line, ev->ncommas);
	for (unsigned i = 0; i < ev->ncommas; i++) {
		FUZZ_CHECK(ev->comma[i] < ev->args.len, "line %" PRIu64 ": comma %u at %" PRIu32
			   " past args (%zu bytes)", ev->line, i, ev->comma[i], ev->args.len);
		FUZZ_CHECK(!i || ev->comma[i] > ev->comma[i - 1], "line %" PRIu64 ": commas out of order",
			   ev->line);
		FUZZ_CHECK(ev->args.s[ev->comma[i]] == ',', "line %" PRIu64 ": comma %u at %" PRIu32
			   " is '%c'", ev->line, i, ev->comma[i], ev->args.s[ev->comma[i]]);
	}
	rs = trace_args_split(ev->args, &scan);
	ra = trace_args_split_at(ev->args, ev->comma, ev->ncommas, &at);
	FUZZ_CHECK(rs == ra, "line %" PRIu64 ": trace_args_split %d, trace_args_split_at %d on '%.*s'",
		   ev->line, rs, ra, (int)ev->args.len, ev->args.s);
	FUZZ_CHECK(scan.n == at.n, "line %" PRIu64 ": %zu arguments scanned, %zu at the commas",
		   ev->line, scan.n, at.n);
	for (size_t i = 0; i < scan.n; i++)
		FUZZ_CHECK(scan.arg[i].s == at.arg[i].s && scan.arg[i].len == at.arg[i].len,
			   "line %" PRIu64 ": argument %zu differs: '%.*s' scanned, '%.*s' at the commas",
			   ev->line, i, (int)scan.arg[i].len, scan.arg[i].s, (int)at.arg[i].len,
			   at.arg[i].s);
}

static void check_event(const struct trace_event *ev, const struct trace_reader *r, const char *name,
			uint64_t *last_line)
{
	struct trace_reader_stats st = trace_reader_stats(r);

	FUZZ_CHECK(ev->kind >= TRACE_CALL && ev->kind <= TRACE_PERSONALITY, "kind %d", (int)ev->kind);
	FUZZ_CHECK(ev->first_line >= 1 && ev->first_line <= ev->line && ev->line <= st.lines,
		   "first_line %" PRIu64 ", line %" PRIu64 ", %" PRIu64 " lines read", ev->first_line,
		   ev->line, st.lines);
	FUZZ_CHECK(ev->file && !strcmp(ev->file, name), "file '%s', reader '%s'",
		   ev->file ? ev->file : "(null)", name);
	FUZZ_CHECK(ev->pid >= 0, "line %" PRIu64 ": pid %" PRId64, ev->line, ev->pid);
	FUZZ_CHECK(ev->unprefixed_pid >= 0, "line %" PRIu64 ": unprefixed pid %" PRId64, ev->line,
		   ev->unprefixed_pid);
	touch(ev->name, "name", ev->line);
	touch(ev->args, "args", ev->line);
	touch(ev->errname, "errname", ev->line);
	touch(ev->signal, "signal", ev->line);
	if (ev->kind == TRACE_CALL) {
		FUZZ_CHECK(ev->result >= TRACE_RESULT_VALUE && ev->result <= TRACE_RESULT_CUT,
			   "line %" PRIu64 ": result %d", ev->line, (int)ev->result);
		FUZZ_CHECK(ev->name.len > 0, "line %" PRIu64 ": a call without a name", ev->line);
		if (ev->args_split)
			check_split(ev);
		if (ev->result == TRACE_RESULT_CUT)
			return;
	}
	FUZZ_CHECK(ev->line >= *last_line, "line %" PRIu64 " after line %" PRIu64, ev->line, *last_line);
	*last_line = ev->line;
}

/* The events of two readers of the same bytes, one not converting times. */
static void check_same(const struct trace_event *a, const struct trace_event *b)
{
	FUZZ_CHECK(b->time < 0, "line %" PRIu64 ": a time (%g) with decoding off", b->line, b->time);
	FUZZ_CHECK(a->kind == b->kind && a->line == b->line && a->first_line == b->first_line &&
		   a->pid == b->pid && a->unprefixed_pid == b->unprefixed_pid && a->nr == b->nr &&
		   a->result == b->result && a->value == b->value && a->err == b->err &&
		   a->number == b->number && a->stopped == b->stopped &&
		   a->core_dumped == b->core_dumped && a->args_split == b->args_split &&
		   (!a->args_split || (a->ncommas == b->ncommas &&
				       !memcmp(a->comma, b->comma, a->ncommas * sizeof(a->comma[0])))),
		   "line %" PRIu64 ": the events differ with time decoding on and off", a->line);
	FUZZ_CHECK(same_text(a->name, b->name) && same_text(a->args, b->args) &&
		   same_text(a->errname, b->errname) && same_text(a->signal, b->signal),
		   "line %" PRIu64 ": the texts differ with time decoding on and off", a->line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A -ff file's name gives its events a pid: some inputs are read so. */
	const char *name = size % 3 == 1 ? "trace.4242" : "fuzz.trace";
	FILE *f1 = fuzz_open(data, size), *f2 = fuzz_open(data, size);
	struct trace_reader *r1 = f1 ? trace_reader_new(f1, name) : NULL;
	struct trace_reader *r2 = f2 ? trace_reader_new(f2, name) : NULL;
	uint64_t last = 0, events = 0, malformed = 0;
	struct trace_event e1, e2;
	char probe[72];
	int g1, g2;

	if (!r1 || !r2)
		goto out;   /* out of memory: nothing to check */
	trace_reader_decode_times(r1, true);
	trace_reader_decode_times(r2, false);
	do {
		g1 = trace_reader_next(r1, &e1);
		g2 = trace_reader_next(r2, &e2);
		FUZZ_CHECK(g1 == g2, "event %" PRIu64 ": %d with time decoding on, %d off", events, g1, g2);
		FUZZ_CHECK(g1 >= -1 && g1 <= 1, "trace_reader_next returned %d", g1);
		if (g1 > 0) {
			check_event(&e1, r1, name, &last);
			check_same(&e1, &e2);
			events++;
		} else if (g1 < 0) {
			const char *m1 = trace_reader_error(r1), *m2 = trace_reader_error(r2);
			size_t nlen = strlen(name);

			FUZZ_CHECK(m1 && m2 && !strcmp(m1, m2), "errors differ: '%s' / '%s'",
				   m1 ? m1 : "(null)", m2 ? m2 : "(null)");
			FUZZ_CHECK(!strncmp(m1, name, nlen) && m1[nlen] == ':', "error '%s'", m1);
			malformed++;
		}
	} while (g1 != 0);
	FUZZ_CHECK(trace_reader_next(r1, &e1) == 0, "the end did not stay the end");

	struct trace_reader_stats st = trace_reader_stats(r1), st2 = trace_reader_stats(r2);

	FUZZ_CHECK(st.events == events, "%" PRIu64 " events counted, %" PRIu64 " returned", st.events,
		   events);
	FUZZ_CHECK(st.malformed == malformed, "%" PRIu64 " malformed counted, %" PRIu64 " returned",
		   st.malformed, malformed);
	FUZZ_CHECK(st.joined <= st.events, "%" PRIu64 " joined of %" PRIu64 " events", st.joined,
		   st.events);
	FUZZ_CHECK(!memcmp(&st, &st2, sizeof(st)), "the counts differ with time decoding on and off");

	/* trace_ff_pid on the first line's start as a path. */
	{
		size_t n = 0;

		while (n < size && n < sizeof(probe) - 1 && data[n] && data[n] != '\n') {
			probe[n] = (char)data[n];
			n++;
		}
		probe[n] = '\0';
		FUZZ_CHECK(trace_ff_pid(probe) >= 0, "trace_ff_pid('%s') < 0", probe);
	}
out:
	trace_reader_free(r1);
	trace_reader_free(r2);
	if (f1)
		fclose(f1);
	if (f2)
		fclose(f2);
	return 0;
}
