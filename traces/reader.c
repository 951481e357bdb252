/* Reading strace logs (traces/reader.h): shared/strace-formats.md
 * sections 1, 2, 4, 5, 9 and 10.
 *
 * Three layers:
 *   input   physical lines out of one growable buffer (memchr for '\n',
 *           no copy when a line fits), a trailing CR and colour taken
 *           off, a tracer message spliced into a line cut out and the
 *           line's two pieces put back together;
 *   parse   one logical line into a struct line (leader, body, result)
 *           without touching the reader's state, so a line can be
 *           parsed twice (a trial parse of a spliced piece, a redo);
 *   state   the unfinished halves, one per pid in an open-addressing
 *           table, joined with their resumed halves; the pid of the
 *           unprefixed lines of the stderr form.
 *
 * Nothing is allocated per line once the buffers have grown to the
 * longest line and the table to the most calls open at once.
 */
#include "traces/reader.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "traces/digits.h"
#include "traces/names.h"

/* Every pid fits: PID_MAX_LIMIT is 2^22 on 64-bit Linux. Larger numbers
 * (a garbled column) share bits, which only costs the orphan rule. Pages
 * of 2^16 pids (8 KiB) are allocated as pids show up: a -ff file uses
 * one. */
#define SEEN_BITS (1u << 22)
#define SEEN_PAGE_BITS (1u << 16)
/* Brackets nest a few levels in real logs (structs in arrays in
 * structs); 128 leaves room and bounds the stack. */
#define MAX_DEPTH 128
/* Pids announced by "strace: Process N attached" since the last
 * unprefixed line: the children of one fork burst. */
#define MAX_ANNOUNCED 16
#define INPUT_CHUNK (64 * 1024)

#define LIT(s) (s), (sizeof(s) - 1)

/* An unfinished call: "NAME(args <unfinished ...>" waiting for
 * "<... NAME resumed>rest". The buffer stays with the slot when the
 * call is resumed, for the next half that lands there. */
struct half {
	bool used;
	int64_t pid;
	uint64_t first_line;
	double time;
	int64_t nr;
	size_t name_len, args_len;
	char *buf;              /* name, then args */
	size_t cap;
};

enum body {
	BODY_NONE,        /* not recognised (yet) */
	BODY_CALL,        /* NAME(args) = result, or cut */
	BODY_ENTRY,       /* NAME(args <unfinished ...> */
	BODY_RESUMED,     /* <... NAME resumed>rest */
	BODY_CONT,        /* -z/-Z: the rest of the entry just before, no header */
	BODY_SIGNAL,
	BODY_EXITED,
	BODY_KILLED,
	BODY_SUPERSEDED,
	BODY_PERSONALITY,
};

/* One logical line taken apart. Texts point into the line. */
struct line {
	bool has_pid;           /* a pid column or "[pid N]" */
	bool bracketed;         /* "[pid N]": the stderr form */
	int64_t pid;
	double time;
	int64_t nr;
	enum body body;
	struct trace_text name; /* call name; personality mode */
	struct trace_text args; /* call args; entry args up to the marker; resumed
	                           rest up to its ')'; signal siginfo */
	bool cut;               /* <detached ...>, or the text ends before the result */
	bool in_result;         /* parsing got past the arguments */
	enum trace_result result;
	uint64_t value;
	int err;
	struct trace_text errname;
	struct trace_text signal;
	bool stopped, core_dumped;
	int64_t number;
	/* a call's arguments found whole: their top-level ',' (trace_event) */
	bool args_split;
	uint8_t ncommas;
	uint32_t comma[8];
};

enum parsed { PARSED, INCOMPLETE, BAD };

/* A parse position and, once it failed, what was expected where. */
struct cur {
	const char *p, *end;
	const char *want;
	const char *at;
	bool decode_time;       /* else time stamps are only checked as text */
};

struct trace_reader {
	FILE *in;
	char *name;
	/* input: buf[start, end) not yet returned; scan: '\n' searched to here */
	char *buf;
	size_t cap, start, end, scan;
	/* the first NUL and ESC at or past the line being taken, or end:
	 * searched once per buffer, not once per line */
	size_t next_nul, next_esc;
	bool eof;
	uint64_t lineno;
	/* the logical line being handled */
	char *cur;
	size_t cur_len;
	uint64_t cur_first;
	bool cur_nl, cur_nul;
	bool redo;              /* dispatch cur again: a cut half went out first */
	/* a call line a tracer message cut in two, waiting for its rest */
	char *splice;
	size_t splice_len, splice_cap;
	uint64_t splice_line;
	bool splice_open;
	/* joined and cut calls are put together here */
	char *out;
	size_t out_cap;
	struct half *slots;
	size_t nslots, nused;
	uint8_t *seen[SEEN_BITS / SEEN_PAGE_BITS];  /* pids that made a call (the orphan rule) */
	int64_t ff_pid;         /* the pid of a -ff file, else 0 */
	/* the stderr form: unprefixed lines are the process traced alone */
	bool bracketed;
	bool window;            /* prefixed lines follow unprefixed ones */
	int64_t anon_pid;
	struct {
		int64_t pid;
		uint64_t line;
	} announced[MAX_ANNOUNCED];
	size_t nannounced;
	/* -z/-Z print an entry's rest with no header on the next line */
	bool last_entry;
	int64_t last_entry_pid;
	bool summary;           /* inside a -c table */
	bool decode_time;       /* trace_reader_decode_times() */
	bool read_error;        /* reported */
	char err[512];
	struct trace_reader_stats st;
};

/* ---- small text helpers ---- */

static bool starts(const char *p, const char *end, const char *s, size_t n)
{
	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

static bool ends(const char *p, const char *end, const char *s, size_t n)
{
	return (size_t)(end - p) >= n && !memcmp(end - n, s, n);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

static struct trace_text text(const char *s, const char *e)
{
	return (struct trace_text){ s, (size_t)(e - s) };
}

static bool want(struct cur *c, const char *what)
{
	c->want = what;
	c->at = c->p;
	return false;
}

static void skip_spaces(struct cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

static bool eat(struct cur *c, const char *s, size_t n)
{
	if (!starts(c->p, c->end, s, n))
		return false;
	c->p += n;
	return true;
}

/* Decimal digits as uint64: false on none or overflow (*c not moved). */
static bool decimal(struct cur *c, uint64_t *v)
{
	const char *p = c->p, *end = trace_skip_digits(c->p, c->end);
	/* 19 digits stay below 10^19 < 2^64: only a 20th can overflow */
	const char *safe = end - p > 19 ? p + 19 : end;
	uint64_t n = 0;

	if (p == end)
		return false;
	for (; p < safe; p++)
		n = n * 10 + (unsigned)(*p - '0');
	for (; p < end; p++) {
		unsigned d = (unsigned)(*p - '0');

		/* n * 10 + d > UINT64_MAX */
		if (n > UINT64_MAX / 10 || (n == UINT64_MAX / 10 && d > UINT64_MAX % 10))
			return false;
		n = n * 10 + d;
	}
	c->p = p;
	*v = n;
	return true;
}

/* "0x" hex digits as uint64: false on none or more than 64 bits. */
static bool hexadecimal(struct cur *c, uint64_t *v)
{
	const char *p = c->p + 2;
	uint64_t n = 0;
	int d;

	if (!starts(c->p, c->end, LIT("0x")) || p == c->end || trace_hex_digit(*p) < 0)
		return false;
	for (; p < c->end && (d = trace_hex_digit(*p)) >= 0; p++) {
		if (n >> 60)
			return false;
		n = n << 4 | (unsigned)d;
	}
	c->p = p;
	*v = n;
	return true;
}

/* A number as strace prints results: decimal, 0x hex, or negative
 * decimal (two's complement, as the kernel's 64 bits). */
static bool number(struct cur *c, uint64_t *v)
{
	/* a position, not a copy of *c: the parser saves and restores only
	 * c->p, which keeps the struct out of store-to-load round trips */
	const char *s = c->p;
	bool neg = eat(c, LIT("-"));

	if (starts(c->p, c->end, LIT("0x")) ? !hexadecimal(c, v) : !decimal(c, v)) {
		c->p = s;
		return false;
	}
	if (neg)
		*v = -*v;
	return true;
}

/* A decimal that fits int64_t (*c not moved when it does not). */
static bool small_int(struct cur *c, int64_t *v)
{
	const char *s = c->p;
	uint64_t u;

	if (!decimal(c, &u))
		return false;
	if (u > INT64_MAX) {
		c->p = s;
		return false;
	}
	*v = (int64_t)u;
	return true;
}

/* "SS[.frac]" seconds: the fraction as far as a double holds it. */
static bool seconds(struct cur *c, double *t)
{
	uint64_t whole, frac = 0;
	double scale = 1;

	if (!decimal(c, &whole))
		return false;
	/* 10^k, k <= 18: exact, as multiplying by 10 k times gives */
	static const double pow10[19] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
		1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
	};
	const char *p;
	unsigned k;

	*t = (double)whole;
	if (!eat(c, LIT(".")))
		return true;
	/* the first 18 digits count, the rest are read past */
	for (p = c->p, k = 0; p < c->end && is_digit(*p); p++, k++)
		if (k < 18)
			frac = frac * 10 + (uint64_t)(*p - '0');
	c->p = p;
	scale = pow10[k < 18 ? k : 18];
	*t += (double)frac / scale;
	return true;
}

/* Past what seconds() reads, without the value: the text it accepts. */
static bool seconds_text(struct cur *c)
{
	const char *p = trace_skip_digits(c->p, c->end);
	uint64_t whole;

	if (p == c->p)
		return false;
	/* 19 digits never overflow 64 bits; more may: decimal() decides */
	if (p - c->p > 19) {
		struct cur t = *c;

		if (!decimal(&t, &whole))
			return false;
	}
	if (p < c->end && *p == '.')
		p = trace_skip_digits(p + 1, c->end);
	c->p = p;
	return true;
}

/* ---- lexing the arguments (section 9) ---- */

/* The bytes that change the lexer's state; all others are skipped in a
 * tight loop. */
static const bool special[256] = {
	['"'] = true, ['('] = true, [')'] = true, ['['] = true, [']'] = true,
	['{'] = true, ['}'] = true, ['<'] = true, ['/'] = true, [','] = true,
};

/* Where find_close() saw the top-level ',' of a call's arguments, for
 * trace_args_split_at(). ok turns false on anything the argument
 * decoder's lexer (traces/args.c) might read differently: comments,
 * annotations holding '\\', '[' or "->", deep nesting, many commas. */
struct commas {
	bool ok;
	uint8_t n;
	uint32_t at[8];
};

/* Whether the annotation [p, q) lexes the same way in traces/args.c. */
static bool plain_annotation(const char *p, const char *q)
{
	for (; p < q; p++)
		if (*p == '\\' || *p == '[' || (*p == '>' && p[-1] == '-'))
			return false;
	return true;
}

/* Past a string's closing quote; NULL when the text ends inside. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\' && ++p == end)
			break;
	}
	return NULL;
}

/* Past a comment's "* /", comments nesting (-X verbose); NULL when the
 * text ends inside. */
static const char *skip_comment(const char *p, const char *end)
{
	int depth = 0;

	while (p + 1 < end) {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			p += 2;
			if (!--depth)
				return p;
		} else {
			p++;
		}
	}
	return NULL;
}

/* Past an annotation's '>': "3</memfd:x>", "8</dev/null<char 1:3>>",
 * "6<TCP:[1.2.3.4:5->6.7.8.9:10]>" ("->" is text in -yy details, and
 * -y paths escape their own '<' '>'). NULL when the text ends inside. */
static const char *skip_annotation(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '<') {
			depth++;
		} else if (*p == '>' && p[-1] != '-') {
			if (!--depth)
				return p + 1;
		}
	}
	return NULL;
}

/* What a closing bracket should have been, NULL when it fits. */
static const char *mismatch(const char *stack, size_t depth, char close)
{
	char open = depth ? stack[depth - 1] : 0;

	if (!open)
		return "')' closing the arguments";
	if (open == '(')
		return close == ')' ? NULL : "')' closing '('";
	if (open == '[')
		return close == ']' ? NULL : "']' closing '['";
	return close == '}' ? NULL : "'}' closing '{'";
}

/* The ')' closing arguments that start at c->p with nothing open: the
 * first unmatched one. c->p is left on it. INCOMPLETE when the text
 * ends first. */
static inline enum parsed find_close_at(struct cur *c, struct commas *rec)
{
	const char *start = c->p;
	char stack[MAX_DEPTH];
	size_t depth = 0;
	const char *p = c->p, *end = c->end, *q;

	for (;;) {
		while (p < end && !special[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		switch (*p) {
		case '"':
			q = skip_string(p, end);
			break;
		case ',':
			if (rec && !depth) {
				if (rec->n == 8 || (size_t)(p - start) > UINT32_MAX)
					rec->ok = false;
				else
					rec->at[rec->n++] = (uint32_t)(p - start);
			}
			q = p + 1;
			break;
		case '/':
			if (p + 1 < end && p[1] == '*') {
				q = skip_comment(p, end);
				if (rec)
					rec->ok = false;
			} else {
				q = p + 1;
			}
			break;
		case '<':
			/* "21<<MAP_HUGE_SHIFT" is an operator, any other '<' an annotation */
			if (p + 1 < end && p[1] == '<') {
				q = p + 2;
			} else {
				q = skip_annotation(p, end);
				if (rec && q && !plain_annotation(p, q))
					rec->ok = false;
			}
			break;
		case '(':
		case '[':
		case '{':
			if (depth == MAX_DEPTH) {
				c->p = p;
				return want(c, "brackets nested at most 128 deep"), BAD;
			}
			stack[depth++] = *p;
			if (rec && depth >= 32)
				rec->ok = false;
			q = p + 1;
			break;
		default:        /* ')' ']' '}' */
			c->p = p;
			if (!depth && *p == ')')
				return PARSED;
			if (mismatch(stack, depth, *p))
				return want(c, mismatch(stack, depth, *p)), BAD;
			depth--;
			q = p + 1;
			break;
		}
		if (!q)
			break;
		p = q;
	}
	c->p = end;
	return want(c, "')' closing the arguments"), INCOMPLETE;
}

static enum parsed find_close(struct cur *c)
{
	return find_close_at(c, NULL);
}

/* ---- results (section 4) ---- */

/* "(...)" balanced: notes like "(seals F_SEAL_SEAL)", "(in [3], left {...})". */
static bool skip_group(struct cur *c)
{
	struct cur t = { c->p + 1, c->end, NULL, NULL, false };

	if (find_close(&t) != PARSED)
		return false;
	c->p = t.p + 1;
	return true;
}

/* " <0.000038>": -T, always last. */
static bool duration(struct cur *c)
{
	const char *s = c->p;

	if (eat(c, LIT(" <")) && seconds_text(c) && eat(c, LIT(">")) && c->p == c->end)
		return true;
	c->p = s;
	return false;
}

/* What may follow a result: notes " (...)" and comments, then -T. */
static bool result_tail(struct cur *c)
{
	const char *q;

	while (c->p < c->end) {
		if (duration(c))
			return true;
		if (starts(c->p, c->end, LIT(" ("))) {
			c->p++;
			if (!skip_group(c))
				return want(c, "')' closing the note after the result");
		} else if (starts(c->p, c->end, LIT(" /*"))) {
			q = skip_comment(c->p + 1, c->end);
			if (!q)
				return want(c, "'*/' closing the comment after the result");
			c->p = q;
		} else {
			return want(c, "the end of the line after the result");
		}
	}
	return true;
}

/* "ENOMEM (Cannot allocate memory)" or "(errno 600)": the errno. An
 * unknown name with "(Unknown error 530)" takes the number given. */
static bool errno_part(struct cur *c, struct line *ln)
{
	const char *s = c->p;
	uint64_t n;

	if (eat(c, LIT("(errno "))) {
		if (!decimal(c, &n) || n > 4095 || !eat(c, LIT(")")))
			return want(c, "an errno number in '(errno N)'");
		ln->err = (int)n;
		return true;
	}
	while (c->p < c->end && is_ident(*c->p))
		c->p++;
	if (c->p == s || *s != 'E')
		return want(c, "an errno name (ENOMEM) or '(errno N)'");
	ln->errname = text(s, c->p);
	ln->err = trace_errno_by_name(s, (size_t)(c->p - s));
	if (!ln->err && starts(c->p, c->end, LIT(" (Unknown error "))) {
		struct cur t = { c->p + 16, c->end, NULL, NULL, false };

		if (decimal(&t, &n) && n <= 4095)
			ln->err = (int)n;
	}
	return true;
}

/* After the value: -y/-Y annotations ("3</memfd:x>(deleted)", "15307<proc>"). */
static bool value_annotation(struct cur *c)
{
	const char *q;

	if (c->p == c->end || *c->p != '<')
		return true;
	q = skip_annotation(c->p, c->end);
	if (!q)
		return want(c, "'>' closing the annotation of the result");
	c->p = q;
	if (c->p < c->end && *c->p == '(' && !skip_group(c))
		return want(c, "')' after the annotation of the result");
	return true;
}

/* " = result" after a call's ')': c->p just past the ')'. */
static bool result(struct cur *c, struct line *ln)
{
	skip_spaces(c);
	if (!eat(c, LIT("= ")))
		return want(c, "' = ' and the result after the arguments");
	if (eat(c, LIT("?"))) {
		ln->result = TRACE_RESULT_NONE;
		if (eat(c, LIT(" <unavailable>")))
			return result_tail(c);
		if (starts(c->p, c->end, LIT(" E"))) {
			c->p++;
			ln->result = TRACE_RESULT_RESTART;
			if (!errno_part(c, ln))
				return false;
		}
		return result_tail(c);
	}
	const char *s = c->p;

	if (!number(c, &ln->value))
		return want(c, "a number (at most 64 bits), '?' or '-1 ERRNO' as the result");
	if (c->p - s == 2 && s[0] == '-' && s[1] == '1' &&
	    (starts(c->p, c->end, LIT(" E")) || starts(c->p, c->end, LIT(" (errno ")))) {
		c->p++;
		ln->result = TRACE_RESULT_ERROR;
		if (!errno_part(c, ln))
			return false;
		return result_tail(c);
	}
	ln->result = TRACE_RESULT_VALUE;
	return value_annotation(c) && result_tail(c);
}

/* ---- bodies (sections 1, 5) ---- */

/* "exit(0)", "exit(0) =", "exit(0) = ": the text ends before the result
 * begins (a line cut off, or the piece of a spliced one). */
static bool no_result_yet(const struct cur *c)
{
	const char *p = c->p;

	while (p < c->end && *p == ' ')
		p++;
	return p == c->end || (*p == '=' && (p + 1 == c->end || (p[1] == ' ' && p + 2 == c->end)));
}

/* Arguments from c->p up to the end: entry marker, detach tail, or the
 * call's ')' and result. */
static enum parsed call_rest(struct cur *c, struct line *ln, bool resumed)
{
	const char *args = c->p;
	enum parsed st;

	/* both markers end in "...>", a -T duration in a digit and '>' */
	bool marked = c->end - c->p >= 4 && c->end[-2] == '.';

	if (!resumed && marked && ends(c->p, c->end, LIT(" <unfinished ...>"))) {
		ln->body = BODY_ENTRY;
		ln->args = text(c->p, c->end - 17);
		return PARSED;
	}
	if (marked && ends(c->p, c->end, LIT(" <detached ...>"))) {
		ln->args = text(c->p, c->end - 15);
		ln->cut = true;
		ln->result = TRACE_RESULT_CUT;
		return PARSED;
	}
	if (resumed) {
		st = find_close(c);
	} else {
		struct commas rec = { .ok = true };

		st = find_close_at(c, &rec);
		if (st == PARSED && rec.ok) {
			ln->args_split = true;
			ln->ncommas = rec.n;
			memcpy(ln->comma, rec.at, sizeof(rec.at));
		}
	}
	ln->args = text(args, c->p);
	if (st != PARSED) {
		ln->cut = st == INCOMPLETE;
		ln->result = TRACE_RESULT_CUT;
		return st;
	}
	c->p++;
	ln->in_result = true;
	if (no_result_yet(c)) {
		ln->cut = true;
		ln->result = TRACE_RESULT_CUT;
		return want(c, "' = ' and the result after the arguments"), INCOMPLETE;
	}
	return result(c, ln) ? PARSED : BAD;
}

static enum parsed call(struct cur *c, struct line *ln)
{
	const char *s = c->p;

	while (c->p < c->end && is_ident(*c->p))
		c->p++;
	ln->name = text(s, c->p);
	if (!eat(c, LIT("("))) {
		c->p = s;
		return want(c, "a call NAME(, a signal, exit or tracer message"), BAD;
	}
	ln->body = BODY_CALL;
	return call_rest(c, ln, false);
}

/* "<... NAME resumed>rest" */
static enum parsed resumed(struct cur *c, struct line *ln)
{
	const char *s;

	c->p += 5;
	s = c->p;
	while (c->p < c->end && is_ident(*c->p))
		c->p++;
	ln->name = text(s, c->p);
	if (c->p == s || !eat(c, LIT(" resumed>"))) {
		c->p = s;
		return want(c, "'<... NAME resumed>'"), BAD;
	}
	ln->body = BODY_RESUMED;
	return call_rest(c, ln, true);
}

/* "--- SIGSEGV {si_signo=...} ---", "--- stopped by SIGSTOP ---" */
static enum parsed signal_line(struct cur *c, struct line *ln)
{
	const char *s;

	c->p += 4;
	if (!ends(c->p, c->end, LIT(" ---")))
		return want(c, "' ---' ending the signal line"), BAD;
	c->end -= 4;
	ln->body = BODY_SIGNAL;
	ln->stopped = eat(c, LIT("stopped by "));
	s = c->p;
	while (c->p < c->end && *c->p != ' ')
		c->p++;
	if (c->p == s)
		return want(c, "a signal name"), BAD;
	ln->signal = text(s, c->p);
	if (!ln->stopped) {
		skip_spaces(c);
		ln->args = text(c->p, c->end);
	} else if (c->p != c->end) {
		return want(c, "' ---' after the signal name"), BAD;
	}
	return PARSED;
}

static bool signal_name(struct cur *c, struct line *ln)
{
	const char *s = c->p;

	while (c->p < c->end && is_ident(*c->p))
		c->p++;
	ln->signal = text(s, c->p);
	return c->p > s;
}

/* "+++ exited with 0 +++", "+++ killed by SIGSEGV (core dumped) +++",
 * "+++ superseded by execve in pid 20062 +++" */
static enum parsed exit_line(struct cur *c, struct line *ln)
{
	c->p += 4;
	if (!ends(c->p, c->end, LIT(" +++")))
		return want(c, "' +++' ending the line"), BAD;
	c->end -= 4;
	if (eat(c, LIT("exited with "))) {
		ln->body = BODY_EXITED;
		if (!small_int(c, &ln->number))
			return want(c, "an exit status"), BAD;
	} else if (eat(c, LIT("killed by "))) {
		ln->body = BODY_KILLED;
		if (!signal_name(c, ln))
			return want(c, "a signal name"), BAD;
		ln->core_dumped = eat(c, LIT(" (core dumped)"));
	} else if (eat(c, LIT("superseded by execve in pid "))) {
		ln->body = BODY_SUPERSEDED;
		if (!small_int(c, &ln->number))
			return want(c, "a pid"), BAD;
	} else {
		return want(c, "'exited with', 'killed by' or 'superseded by execve'"), BAD;
	}
	return c->p == c->end ? PARSED : (want(c, "' +++' ending the line"), BAD);
}

/* "[ Process PID=16752 runs in 32 bit mode. ]" */
static enum parsed personality(struct cur *c, struct line *ln)
{
	const char *s;

	c->p += 14;
	ln->body = BODY_PERSONALITY;
	if (!small_int(c, &ln->number) || !eat(c, LIT(" runs in ")))
		return want(c, "'PID=N runs in'"), BAD;
	s = c->p;
	if (!eat(c, LIT("64 bit")) && !eat(c, LIT("32 bit")) && !eat(c, LIT("x32")))
		return want(c, "'64 bit', '32 bit' or 'x32'"), BAD;
	ln->name = text(s, c->p);
	if (!eat(c, LIT(" mode. ]")) || c->p != c->end)
		return want(c, "' mode. ]' ending the line"), BAD;
	return PARSED;
}

static enum parsed body(struct cur *c, struct line *ln)
{
	if (starts(c->p, c->end, LIT("<... ")))
		return resumed(c, ln);
	if (starts(c->p, c->end, LIT("--- ")))
		return signal_line(c, ln);
	if (starts(c->p, c->end, LIT("+++ ")))
		return exit_line(c, ln);
	if (starts(c->p, c->end, LIT("[ Process PID=")))
		return personality(c, ln);
	if (c->p < c->end && is_ident(*c->p) && !is_digit(*c->p))
		return call(c, ln);
	return want(c, "a call NAME(, a signal, exit or tracer message"), BAD;
}

/* ---- the leader (section 2) ---- */

/* "<comm>" glued to a pid (-Y): up to the '>' that the column's end
 * follows (comms may hold spaces). */
static bool comm(struct cur *c, char after)
{
	const char *p = c->p;

	if (p == c->end || *p != '<')
		return true;
	for (p++; p + 1 < c->end; p++) {
		if (*p == '>' && p[1] == after) {
			c->p = p + 1;
			return true;
		}
	}
	return false;
}

/* "[pid 12948] ", "[pid   123<comm>] ", "12948 ", "123   ", "15304<proc> " */
static bool pid_column(struct cur *c, struct line *ln)
{
	const char *s = c->p;

	if (eat(c, LIT("[pid "))) {
		skip_spaces(c);
		if (!small_int(c, &ln->pid) || !comm(c, ']') || !eat(c, LIT("] ")))
			return c->p = s, want(c, "'[pid N] '");
		ln->has_pid = ln->bracketed = true;
	} else if (c->p < c->end && is_digit(*c->p)) {
		if (!small_int(c, &ln->pid))
			return want(c, "a pid");
		if (c->p < c->end && (*c->p == ':' || *c->p == '.')) {
			c->p = s;       /* a time stamp, no pid column */
			return true;
		}
		if (!comm(c, ' ') || !eat(c, LIT(" ")))
			return c->p = s, want(c, "a pid column");
		ln->has_pid = true;
	} else {
		return true;
	}
	skip_spaces(c);
	return true;
}

/* The text of "[...]" when the line continues with "] ". */
static bool bracket(const struct cur *c, struct trace_text *in)
{
	const char *p = c->p + 1;

	if (c->p == c->end || *c->p != '[')
		return false;
	while (p < c->end && *p != ']')
		p++;
	if (p + 1 >= c->end || p[1] != ' ')
		return false;
	*in = text(c->p + 1, p);
	return true;
}

/* -i: 16 (or 8 for 32-bit tracees) hex digits or question marks. */
static bool is_ip(struct trace_text t)
{
	if (t.len != 16 && t.len != 8)
		return false;
	for (size_t i = 0; i < t.len; i++)
		if (trace_hex_digit(t.s[i]) < 0 && t.s[i] != '?')
			return false;
	return true;
}

/* -n: "[ 319]": spaces, then digits. */
static bool is_nr(struct trace_text t)
{
	size_t i = 0;

	while (i < t.len && t.s[i] == ' ')
		i++;
	if (i == t.len)
		return false;
	for (; i < t.len; i++)
		if (!is_digit(t.s[i]))
			return false;
	return true;
}

/* "[unconfined_t] " (--secontext): no space, not -n, not -i. Optional:
 * never fails. */
static bool secontext(struct cur *c)
{
	struct trace_text t;

	/* no '[', or -n's "[ 319]": most lines are settled by two bytes */
	if (c->end - c->p < 2 || c->p[0] != '[' || c->p[1] == ' ')
		return true;
	if (bracket(c, &t) && t.len && t.s[0] != ' ' && !is_ip(t) && !is_nr(t) &&
	    !memchr(t.s, ' ', t.len))
		c->p += t.len + 3;
	return true;
}

/* A time stamp's seconds: decoded into *t, or, when nobody asked for
 * times, only checked (*t untouched). */
static bool stamp(struct cur *c, double *t)
{
	return c->decode_time ? seconds(c, t) : seconds_text(c);
}

/* -t "06:51:09[.140048] ", -ttt "1795503069.156279 ", and -r
 * "     0.000086 " / "(+     0.000089) ". -ttt and -r look alike:
 * an integer part of 9+ digits is a date (after 1973), a shorter one
 * a delta (-r pads to 6). -r alone sets no time. */
static bool times(struct cur *c, struct line *ln)
{
	const char *at = c->p, *digits;
	uint64_t h, m;
	double s = 0;
	bool date;

	skip_spaces(c);
	if (c->p + 2 < c->end && is_digit(c->p[0]) && is_digit(c->p[1]) && c->p[2] == ':') {
		if (!decimal(c, &h) || !eat(c, LIT(":")) || !decimal(c, &m) || !eat(c, LIT(":")) ||
		    !stamp(c, &s) || !eat(c, LIT(" ")))
			return c->p = at, want(c, "a time of day HH:MM:SS");
		if (c->decode_time)
			ln->time = (double)(h * 3600 + m * 60) + s;
	} else if (c->p < c->end && is_digit(*c->p)) {
		digits = c->p;
		c->p = trace_skip_digits(c->p, c->end);
		if (c->p == c->end || *c->p != '.')
			return c->p = at, want(c, "a time stamp S.U");
		date = c->p - digits >= 9;
		if (c->decode_time || c->p - digits > 19) {
			c->p = digits;
			if (!stamp(c, &s))
				return c->p = at, want(c, "a time stamp S.U");
		} else {
			c->p = trace_skip_digits(c->p + 1, c->end);   /* what stamp() would check */
		}
		if (!eat(c, LIT(" ")))
			return c->p = at, want(c, "a time stamp S.U");
		if (date && c->decode_time)
			ln->time = s;
	} else {
		c->p = at;
		return true;
	}
	if (eat(c, LIT("(+"))) {
		skip_spaces(c);
		if (!stamp(c, &s) || !eat(c, LIT(") ")))
			return c->p = at, want(c, "a relative time '(+ S.U) '");
	}
	return true;
}

/* -n "[ 319] " and -i "[00007fe481f73217] " */
static bool nr_and_ip(struct cur *c, struct line *ln)
{
	struct trace_text t;
	struct cur n = { c->p + 1, c->end, NULL, NULL, false };

	/* -n: '[', spaces, digits, "] " (what bracket() and is_nr() accept) */
	if (c->p < c->end && *c->p == '[') {
		skip_spaces(&n);
		const char *digits = n.p;

		if (small_int(&n, &ln->nr)) {
			if (n.end - n.p >= 2 && n.p[0] == ']' && n.p[1] == ' ')
				c->p = n.p + 2;
			else
				ln->nr = -1;
		} else {
			/* digits too many for a number: still -n's when "] " ends them */
			n.p = trace_skip_digits(digits, n.end);
			if (n.p > digits && n.end - n.p >= 2 && n.p[0] == ']' && n.p[1] == ' ')
				return want(c, "a syscall number");
		}
	}
	if (bracket(c, &t) && is_ip(t))
		c->p += t.len + 3;
	return true;
}

static bool leader(struct cur *c, struct line *ln)
{
	return pid_column(c, ln) && secontext(c) && times(c, ln) && nr_and_ip(c, ln);
}

/* One logical line (no newline) into *ln. Pure: the reader's state is
 * only read (nothing here needs it). */
static enum parsed parse_line(const char *s, size_t len, bool decode_time, struct line *ln,
			      struct cur *c)
{
	/* all but comma[], which only ln->ncommas entries of count; a copy
	 * of a constant compiles to vector stores, a memset to "rep stos" */
	static const struct line blank = { .time = -1, .nr = -1 };

	memcpy(ln, &blank, offsetof(struct line, comma));
	*c = (struct cur){ s, s + len, NULL, NULL, decode_time };
	if (!leader(c, ln))
		return BAD;
	return body(c, ln);
}

/* ---- errors ---- */

/* At most 32 bytes of where parsing stopped, quoted and escaped. */
static void excerpt(char *out, size_t size, const char *p, const char *end)
{
	size_t o = 0;

	if (!p || p >= end) {
		snprintf(out, size, "the end of the line");
		return;
	}
	out[o++] = '\'';
	for (size_t i = 0; p + i < end && i < 32 && o + 8 < size; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, size - o, "\\x%02x", ch);
	}
	out[o++] = '\'';
	if (end - p > 32 && o + 4 < size) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = 0;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct trace_reader *r, const char *fmt, ...)
{
	int n = snprintf(r->err, sizeof(r->err), "%s:%" PRIu64 ": ", r->name, r->lineno);
	va_list ap;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(r->err))
		vsnprintf(r->err + n, sizeof(r->err) - (size_t)n, fmt, ap);
	va_end(ap);
	r->st.malformed++;
	return -1;
}

static int fail_at(struct trace_reader *r, const struct cur *c)
{
	char ex[160];

	excerpt(ex, sizeof(ex), c->at, c->end);
	return fail(r, "expected %s, found %s", c->want ? c->want : "a strace line", ex);
}

/* ---- growable buffers ---- */

static bool reserve(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 256;
	char *b;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	b = realloc(*buf, n);
	if (!b)
		return false;
	*buf = b;
	*cap = n;
	return true;
}

/* ---- the table of unfinished halves ---- */

static size_t slot_of(const struct trace_reader *r, int64_t pid)
{
	return (size_t)(((uint64_t)pid * 0x9e3779b97f4a7c15u) >> 32) & (r->nslots - 1);
}

static struct half *half_find(struct trace_reader *r, int64_t pid)
{
	if (!r->nused)
		return NULL;
	for (size_t i = slot_of(r, pid);; i = (i + 1) & (r->nslots - 1)) {
		if (!r->slots[i].used)
			return NULL;
		if (r->slots[i].pid == pid)
			return &r->slots[i];
	}
}

static bool table_grow(struct trace_reader *r)
{
	size_t old_n = r->nslots, n = old_n ? old_n * 2 : 16;
	struct half *old = r->slots, *s = calloc(n, sizeof(*s));

	if (!s)
		return false;
	r->slots = s;
	r->nslots = n;
	for (size_t i = 0; i < old_n; i++) {
		size_t j;

		if (!old[i].used) {
			free(old[i].buf);
			continue;
		}
		for (j = slot_of(r, old[i].pid); s[j].used; j = (j + 1) & (n - 1))
			;
		s[j] = old[i];
	}
	free(old);
	return true;
}

/* A slot for pid (not in the table): its buffer, if any, is reused. */
static struct half *half_add(struct trace_reader *r, int64_t pid)
{
	size_t i;

	if ((r->nused + 1) * 2 > r->nslots && !table_grow(r))
		return NULL;
	for (i = slot_of(r, pid); r->slots[i].used; i = (i + 1) & (r->nslots - 1))
		;
	r->slots[i].used = true;
	r->slots[i].pid = pid;
	r->nused++;
	return &r->slots[i];
}

/* Linear probing without tombstones: later entries of the run move up
 * into the hole. Buffers are swapped along, so none is lost. */
static void half_remove(struct trace_reader *r, struct half *h)
{
	size_t mask = r->nslots - 1, i = (size_t)(h - r->slots), j = i;

	r->slots[i].used = false;
	r->nused--;
	for (;;) {
		struct half tmp;
		size_t k;

		j = (j + 1) & mask;
		if (!r->slots[j].used)
			return;
		k = slot_of(r, r->slots[j].pid);
		/* j stays when its home k lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		tmp = r->slots[i];
		r->slots[i] = r->slots[j];
		r->slots[j] = tmp;
		i = j;
	}
}

/* Re-key a half: the thread-execve case moves it to the leader. */
static bool half_move(struct trace_reader *r, struct half *h, int64_t pid)
{
	struct half saved = *h, *n;

	h->buf = NULL;
	h->cap = 0;
	half_remove(r, h);
	n = half_add(r, pid);
	if (!n) {
		free(saved.buf);
		return false;
	}
	free(n->buf);
	saved.pid = pid;
	*n = saved;
	return true;
}

/* The open half that started first (the end-of-input order). */
static struct half *half_oldest(struct trace_reader *r)
{
	struct half *best = NULL;

	for (size_t i = 0; i < r->nslots; i++)
		if (r->slots[i].used && (!best || r->slots[i].first_line < best->first_line))
			best = &r->slots[i];
	return best;
}

/* A half with this name, when it is the only one. */
static struct half *half_by_name(struct trace_reader *r, struct trace_text name)
{
	struct half *found = NULL;

	for (size_t i = 0; i < r->nslots; i++) {
		struct half *h = &r->slots[i];

		if (h->used && h->name_len == name.len && !memcmp(h->buf, name.s, name.len)) {
			if (found)
				return NULL;
			found = h;
		}
	}
	return found;
}

/* ---- pids ---- */

/* Whether pid made a call before; it has now. */
static bool seen_test_and_set(struct trace_reader *r, int64_t pid)
{
	uint32_t b = (uint32_t)((uint64_t)pid & (SEEN_BITS - 1));
	uint8_t **page = &r->seen[b / SEEN_PAGE_BITS];
	uint8_t bit = (uint8_t)(1u << (b & 7));
	bool was;

	b %= SEEN_PAGE_BITS;
	if (!*page) {
		*page = calloc(SEEN_PAGE_BITS / 8, 1);
		if (!*page)
			return true;    /* out of memory: no orphans, only errors */
	}
	was = (*page)[b >> 3] & bit;
	(*page)[b >> 3] |= bit;
	return was;
}

/* The pid a line's events belong to: its column, or for unprefixed
 * lines the process the stderr form shows alone, or the -ff file's. */
static int64_t key_of(const struct trace_reader *r, const struct line *ln)
{
	if (ln->has_pid)
		return ln->pid;
	return r->anon_pid ? r->anon_pid : r->ff_pid;
}

static bool announced(const struct trace_reader *r, int64_t pid)
{
	for (size_t i = 0; i < r->nannounced; i++)
		if (r->announced[i].pid == pid)
			return true;
	return false;
}

/* An unprefixed line starts a stretch of the process alone: what was
 * announced before it is done with; what its own spliced message
 * announced (on its first line) is not. */
static void forget_announced(struct trace_reader *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nannounced; i++)
		if (r->announced[i].line >= r->cur_first)
			r->announced[n++] = r->announced[i];
	r->nannounced = n;
}

/* The unprefixed process is pid from now on. A call it left open while
 * it had no pid yet goes along. */
static void adopt_anon(struct trace_reader *r, int64_t pid)
{
	struct half *h = r->anon_pid ? NULL : half_find(r, r->ff_pid);

	if (h && !half_find(r, pid))
		half_move(r, h, pid);
	r->anon_pid = pid;
}

/* The stderr form prefixes lines with "[pid N]" only while strace traces
 * more than one process. When prefixes start after unprefixed lines,
 * the process that was alone is the first pid to show up that was not
 * announced as attached since (-q hides the announcements: then only
 * the joins in resumed_half() tell). */
static void track_stderr_form(struct trace_reader *r, const struct line *ln)
{
	if (ln->bracketed) {
		r->bracketed = true;
		if (r->window && r->nannounced && !announced(r, ln->pid)) {
			r->window = false;
			if (ln->pid != r->anon_pid)
				adopt_anon(r, ln->pid);
		}
	} else if (!ln->has_pid) {
		r->window = true;
		forget_announced(r);
	}
}

/* ---- building events ---- */

static void event_base(struct trace_reader *r, struct trace_event *ev, const struct line *ln,
		       int64_t pid)
{
	/* all but comma[], which counts only with args_split (zeros copied:
	 * vector stores, where a memset is "rep stos") */
	static const struct trace_event zero;

	memcpy(ev, &zero, offsetof(struct trace_event, comma));
	ev->line = r->lineno;
	ev->first_line = r->cur_first;
	ev->file = r->name;
	ev->pid = pid;
	ev->unprefixed_pid = r->anon_pid;
	ev->time = ln->time;
	ev->nr = ln->nr;
	ev->number = ln->number;
}

/* name + args of a half (+ rest) into the out buffer, as the event's texts. */
static bool put_call(struct trace_reader *r, struct trace_event *ev, const struct half *h,
		     struct trace_text rest)
{
	size_t n = h->name_len + h->args_len + rest.len;

	if (!reserve(&r->out, &r->out_cap, n ? n : 1))
		return false;
	memcpy(r->out, h->buf, h->name_len + h->args_len);
	if (rest.len)
		memcpy(r->out + h->name_len + h->args_len, rest.s, rest.len);
	ev->name = (struct trace_text){ r->out, h->name_len };
	ev->args = (struct trace_text){ r->out + h->name_len, h->args_len + rest.len };
	return true;
}

/* An open half as a call with no outcome: the log ends, the process
 * died, or it made another call. The half is gone afterwards. */
static int emit_cut(struct trace_reader *r, struct trace_event *ev, struct half *h)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = TRACE_CALL;
	ev->line = ev->first_line = h->first_line;
	ev->file = r->name;
	ev->pid = h->pid;
	ev->unprefixed_pid = r->anon_pid;
	ev->time = h->time;
	ev->nr = h->nr;
	ev->result = TRACE_RESULT_CUT;
	if (!put_call(r, ev, h, (struct trace_text){ NULL, 0 })) {
		half_remove(r, h);      /* else the end of the input would retry it forever */
		return fail(r, "expected memory for a cut call");
	}
	half_remove(r, h);
	r->st.events++;
	return 1;
}

/* Before line's own event: the pid's open half, if any, goes out cut,
 * and the line is dispatched again. */
static int cut_first(struct trace_reader *r, struct trace_event *ev, int64_t pid)
{
	struct half *h = half_find(r, pid);

	if (!h)
		return 0;
	r->redo = true;
	return emit_cut(r, ev, h);
}

static void result_fields(struct trace_event *ev, const struct line *ln)
{
	ev->result = ln->result;
	ev->value = ln->value;
	ev->err = ln->err;
	ev->errname = ln->errname;
}

static int store_entry(struct trace_reader *r, const struct line *ln, int64_t pid)
{
	struct half *h = half_add(r, pid);

	if (!h || !reserve(&h->buf, &h->cap, ln->name.len + ln->args.len + 1))
		return fail(r, "expected memory for an unfinished call");
	memcpy(h->buf, ln->name.s, ln->name.len);
	memcpy(h->buf + ln->name.len, ln->args.s, ln->args.len);
	h->name_len = ln->name.len;
	h->args_len = ln->args.len;
	h->first_line = r->cur_first;
	h->time = ln->time;
	h->nr = ln->nr;
	r->last_entry = true;
	r->last_entry_pid = pid;
	return 0;
}

static int on_call(struct trace_reader *r, struct trace_event *ev, const struct line *ln)
{
	int64_t pid = key_of(r, ln);

	if (cut_first(r, ev, pid))
		return 1;
	seen_test_and_set(r, pid);
	if (ln->body == BODY_ENTRY)
		return store_entry(r, ln, pid);
	event_base(r, ev, ln, pid);
	ev->kind = TRACE_CALL;
	ev->name = ln->name;
	ev->args = ln->args;
	if (ln->args_split) {
		ev->args_split = true;
		ev->ncommas = ln->ncommas;
		memcpy(ev->comma, ln->comma, sizeof(ev->comma));
	}
	result_fields(ev, ln);
	r->st.events++;
	return 1;
}

/* The half a resumed line continues. In the stderr form an unprefixed
 * line may resume a call made under "[pid N]" and the other way round:
 * a single open call of that name tells which process is unprefixed. */
static struct half *resumed_half(struct trace_reader *r, const struct line *ln, int64_t *pid)
{
	struct half *h = half_find(r, *pid), *o;

	if (h || !r->bracketed)
		return h;
	if (!ln->has_pid) {
		o = half_by_name(r, ln->name);
		if (o)
			r->anon_pid = *pid = o->pid;
		return o;
	}
	if (!r->anon_pid) {
		o = half_find(r, r->ff_pid);
		if (o && o->name_len == ln->name.len && !memcmp(o->buf, ln->name.s, ln->name.len)) {
			adopt_anon(r, ln->pid);
			return half_find(r, ln->pid);
		}
	}
	return NULL;
}

static int no_half(struct trace_reader *r, const struct line *ln, int64_t pid)
{
	/* An attached process (-p) may be inside a call: its first line
	 * resumes what the log never showed. */
	if (!seen_test_and_set(r, pid)) {
		r->st.orphaned++;
		return 0;
	}
	return fail(r, "expected an unfinished call of pid %" PRId64 " to resume, found "
		    "'<... %.*s resumed>' with none open", pid, (int)ln->name.len, ln->name.s);
}

static int on_resumed(struct trace_reader *r, struct trace_event *ev, const struct line *ln)
{
	int64_t pid = key_of(r, ln);
	struct half *h;

	if (ln->body == BODY_CONT)
		pid = r->last_entry_pid;
	h = resumed_half(r, ln, &pid);
	if (!h)
		return no_half(r, ln, pid);
	if (ln->body == BODY_RESUMED &&
	    (h->name_len != ln->name.len || memcmp(h->buf, ln->name.s, ln->name.len)))
		return fail(r, "expected '<... %.*s resumed>' (pid %" PRId64 "'s unfinished call), "
			    "found '<... %.*s resumed>'", (int)h->name_len, h->buf, pid,
			    (int)ln->name.len, ln->name.s);
	seen_test_and_set(r, pid);
	event_base(r, ev, ln, pid);
	ev->kind = TRACE_CALL;
	ev->first_line = h->first_line;
	ev->time = h->time;
	ev->nr = h->nr;
	if (!put_call(r, ev, h, ln->args))
		return fail(r, "expected memory to join a call");
	result_fields(ev, ln);
	half_remove(r, h);
	r->st.joined++;
	r->st.events++;
	return 1;
}

static int on_status(struct trace_reader *r, struct trace_event *ev, const struct line *ln)
{
	int64_t pid = key_of(r, ln);

	if (ln->body != BODY_SIGNAL && cut_first(r, ev, pid))
		return 1;
	event_base(r, ev, ln, pid);
	ev->kind = ln->body == BODY_SIGNAL   ? TRACE_SIGNAL
		   : ln->body == BODY_EXITED ? TRACE_EXITED : TRACE_KILLED;
	ev->signal = ln->signal;
	ev->args = ln->args;
	ev->stopped = ln->stopped;
	ev->core_dumped = ln->core_dumped;
	if (ln->body != BODY_SIGNAL && r->bracketed && pid == r->anon_pid)
		r->anon_pid = 0;        /* the next process alone may be another */
	r->st.events++;
	return 1;
}

/* "+++ superseded by execve in pid N +++": N's execve goes on as the
 * leader's call; the leader's own open call, if any, ended. */
static int on_superseded(struct trace_reader *r, struct trace_event *ev, const struct line *ln)
{
	int64_t pid = key_of(r, ln);
	struct half *h = half_find(r, ln->number);

	if (h && pid != ln->number) {
		if (cut_first(r, ev, pid))
			return 1;
		h = half_find(r, ln->number);
		if (!half_move(r, h, pid))
			return fail(r, "expected memory to move an execve");
	}
	event_base(r, ev, ln, pid);
	ev->kind = TRACE_SUPERSEDED;
	r->st.events++;
	return 1;
}

static int on_personality(struct trace_reader *r, struct trace_event *ev, const struct line *ln)
{
	event_base(r, ev, ln, key_of(r, ln));
	ev->kind = TRACE_PERSONALITY;
	ev->name = ln->name;
	r->st.events++;
	return 1;
}

/* ---- lines that are no event ---- */

/* "% time     seconds  usecs/call ..." up to the "total" row: the -c table. */
static bool summary_line(struct trace_reader *r, const char *s, size_t len)
{
	if (!r->summary && !starts(s, s + len, LIT("% time")))
		return false;
	r->summary = !ends(s, s + len, LIT(" total"));
	return true;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Tracer messages (stderr only), -k frames, -e write/read dumps, blanks. */
static bool no_event(struct trace_reader *r, const char *s, size_t len)
{
	const char *end = s + len;

	return blank(s, len) || starts(s, end, LIT("strace: ")) || starts(s, end, LIT(" > ")) ||
	       starts(s, end, LIT(" | ")) || summary_line(r, s, len);
}

/* ---- dispatching one logical line ---- */

/* -z/-Z print an entry's rest on the next line with no header:
 * "24717 rt_sigprocmask(SIG_SETMASK, [],  <unfinished ...>" then
 * "NULL, 8)                                = 0". */
static bool continuation(struct trace_reader *r, struct line *ln, struct cur *c)
{
	struct cur t = { r->cur, r->cur + r->cur_len, NULL, NULL, false };

	if (!r->last_entry || !half_find(r, r->last_entry_pid))
		return false;
	memset(ln, 0, sizeof(*ln));
	ln->time = -1;
	ln->nr = -1;
	if (call_rest(&t, ln, true) != PARSED || ln->cut)
		return false;
	ln->body = BODY_CONT;
	*c = t;
	return true;
}

/* The last line without its '\n' was cut anywhere, its result too:
 * "= -1" may have been "= -1 EPERM (...)", "= 0x7f" "= 0x7f85dd0b1000".
 * A call's outcome counts only when the line ends as a whole result
 * does, in the ')' of a note or the '>' of -T; else the call is cut. */
static bool cut_off(struct trace_reader *r, struct line *ln, enum parsed st)
{
	char last = r->cur_len ? r->cur[r->cur_len - 1] : 0;

	if (ln->body != BODY_CALL && ln->body != BODY_RESUMED)
		return false;
	if (st == BAD && !ln->in_result)
		return false;
	if (st == PARSED && (ln->result == TRACE_RESULT_CUT || last == ')' || last == '>'))
		return false;
	ln->cut = true;
	ln->result = TRACE_RESULT_CUT;
	ln->value = 0;
	ln->err = 0;
	ln->errname = (struct trace_text){ NULL, 0 };
	return true;
}

static int dispatch(struct trace_reader *r, struct trace_event *ev)
{
	struct line ln;
	struct cur c;
	enum parsed st;

	if (r->cur_nul)
		return fail(r, "expected text, found a NUL byte at column %zu",
			    (size_t)((const char *)memchr(r->cur, 0, r->cur_len) - r->cur) + 1);
	if (no_event(r, r->cur, r->cur_len)) {
		r->st.skipped++;
		return 0;
	}
	st = parse_line(r->cur, r->cur_len, r->decode_time, &ln, &c);
	if (st == BAD && continuation(r, &ln, &c))
		st = PARSED;
	if (!r->cur_nl && cut_off(r, &ln, st))
		st = PARSED;
	if (st != PARSED)
		return fail_at(r, &c);
	track_stderr_form(r, &ln);
	if (ln.body != BODY_ENTRY)
		r->last_entry = false;
	switch (ln.body) {
	case BODY_CALL:
	case BODY_ENTRY:
		return on_call(r, ev, &ln);
	case BODY_RESUMED:
	case BODY_CONT:
		return on_resumed(r, ev, &ln);
	case BODY_SUPERSEDED:
		return on_superseded(r, ev, &ln);
	case BODY_PERSONALITY:
		return on_personality(r, ev, &ln);
	case BODY_SIGNAL:
	case BODY_EXITED:
	case BODY_KILLED:
		return on_status(r, ev, &ln);
	default:
		return fail_at(r, &c);
	}
}

/* ---- input ---- */

/* Where the next `byte` at or past `from` is in buf, or end when there
 * is none: *next remembers it, so each byte is searched once. */
static size_t next_of(struct trace_reader *r, size_t *next, size_t from, char byte)
{
	const char *q;

	if (*next < from)
		*next = from;
	if (*next < r->end && r->buf[*next] != byte) {
		q = memchr(r->buf + *next, byte, r->end - *next);
		*next = q ? (size_t)(q - r->buf) : r->end;
	}
	return *next;
}

/* Whether buf[from, to) holds no NUL and no ESC (colour). */
static bool plain(struct trace_reader *r, size_t from, size_t to)
{
	return next_of(r, &r->next_nul, from, 0) >= to && next_of(r, &r->next_esc, from, '\x1b') >= to;
}

static size_t moved(size_t at, size_t by)
{
	return at > by ? at - by : 0;
}

/* The next physical line, without its '\n': 1, or 0 at the end. It
 * points into buf and lives until the next call. *clean: it holds no
 * NUL and no ESC. */
static int read_physical(struct trace_reader *r, char **line, size_t *len, bool *nl, bool *clean)
{
	for (;;) {
		char *p = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		size_t n;

		if (p) {
			*line = r->buf + r->start;
			*len = (size_t)(p - *line);
			*nl = true;
			*clean = plain(r, r->start, (size_t)(p - r->buf));
			r->start = r->scan = (size_t)(p - r->buf) + 1;
			return 1;
		}
		r->scan = r->end;
		if (r->eof) {
			if (r->start == r->end)
				return 0;
			*line = r->buf + r->start;
			*len = r->end - r->start;
			*nl = false;
			*clean = plain(r, r->start, r->end);
			r->start = r->scan = r->end;
			return 1;
		}
		if (r->start) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->scan -= r->start;
			r->next_nul = moved(r->next_nul, r->start);
			r->next_esc = moved(r->next_esc, r->start);
			r->start = 0;
		}
		if (r->end == r->cap && !reserve(&r->buf, &r->cap, r->cap * 2)) {
			r->eof = true;      /* out of memory: what is read is the last line */
			continue;
		}
		n = fread(r->buf + r->end, 1, r->cap - r->end, r->in);
		r->end += n;
		if (!n)
			r->eof = true;
	}
}

/* "\x1b[...m" colour (strace 7.0+): strings never hold a raw ESC. */
static size_t strip_colour(char *s, size_t len)
{
	size_t o = 0, i = 0;

	while (i < len) {
		if (s[i] == '\x1b' && i + 1 < len && s[i + 1] == '[') {
			size_t j = i + 2;

			while (j < len && (is_digit(s[j]) || s[j] == ';'))
				j++;
			if (j < len && s[j] == 'm') {
				i = j + 1;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

/* Where "strace: Process N attached|detached|attached with N threads"
 * starts when it ends the line, else -1. Only the stderr form has them;
 * there they may cut a call line in two. */
static long message_at(const char *s, size_t len)
{
	struct cur c = { s, s + len, NULL, NULL, false };
	const char *p;

	if (ends(s, c.end, LIT(" threads"))) {
		c.end -= 8;
		while (c.end > s && is_digit(c.end[-1]))
			c.end--;
		if (!ends(s, c.end, LIT(" attached with ")))
			return -1;
		c.end -= 6;
	}
	if (!ends(s, c.end, LIT(" attached")) && !ends(s, c.end, LIT(" detached")))
		return -1;
	p = c.end - 9;
	while (p > s && is_digit(p[-1]))
		p--;
	if (p == c.end - 9 || (size_t)(p - s) < 16 || memcmp(p - 16, "strace: Process ", 16))
		return -1;
	return (long)(p - 16 - s);
}

static void note_announced(struct trace_reader *r, const char *msg, size_t len)
{
	struct cur c = { msg + 16, msg + len, NULL, NULL, false };
	int64_t pid;

	if (!small_int(&c, &pid) || !starts(c.p, c.end, LIT(" attached")))
		return;
	if (r->nannounced == MAX_ANNOUNCED)     /* a burst of forks: keep the latest */
		memmove(r->announced, r->announced + 1, sizeof(r->announced[0]) * --r->nannounced);
	r->announced[r->nannounced].pid = pid;
	r->announced[r->nannounced++].line = r->lineno;
}

/* A piece a message cut off that needs the next line: a call or resumed
 * line missing its end. */
static bool needs_rest(const char *s, size_t len)
{
	struct line ln;
	struct cur c;

	return parse_line(s, len, false, &ln, &c) == INCOMPLETE;
}

static bool splice_keep(struct trace_reader *r, size_t len)
{
	if (r->cur != r->splice) {
		if (!reserve(&r->splice, &r->splice_cap, len + 1))
			return false;
		memcpy(r->splice, r->cur, len);
		r->splice_line = r->cur_first;
	}
	r->splice_len = len;
	r->splice_open = true;
	return true;
}

/* The physical line in p as (part of) the current logical line. Out of
 * memory, a spliced piece is dropped and the line read alone. */
static void take_physical(struct trace_reader *r, char *p, size_t len, bool nl, bool clean)
{
	r->cur_first = r->lineno;
	if (r->splice_open && !reserve(&r->splice, &r->splice_cap, r->splice_len + len + 1))
		r->splice_open = false;
	if (r->splice_open) {
		memcpy(r->splice + r->splice_len, p, len);
		r->splice_len += len;
		r->splice_open = false;
		p = r->splice;
		len = r->splice_len;
		r->cur_first = r->splice_line;
		clean = false;
	}
	if (len && p[len - 1] == '\r')
		len--;
	r->cur_nul = !clean && memchr(p, 0, len) != NULL;
	if (!clean && !r->cur_nul && memchr(p, '\x1b', len))
		len = strip_colour(p, len);
	r->cur = p;
	r->cur_len = len;
	r->cur_nl = nl;
}

/* A tracer message at the end of the line is cut out; what it cut off
 * waits for the next line. 1: cur is a line to dispatch; 0: read on. */
static int unsplice(struct trace_reader *r)
{
	long at = r->cur_nul ? -1 : message_at(r->cur, r->cur_len);

	if (at < 0)
		return 1;
	note_announced(r, r->cur + at, r->cur_len - (size_t)at);
	if (blank(r->cur, (size_t)at)) {
		r->st.skipped++;
		return 0;
	}
	r->cur_len = (size_t)at;
	if (r->cur_nl && needs_rest(r->cur, r->cur_len))
		return splice_keep(r, r->cur_len) ? 0 : 1;
	return 1;
}

/* The next logical line into r->cur: 1, or 0 at the end. */
static int read_logical(struct trace_reader *r)
{
	char *p;
	size_t len;
	bool nl, clean;

	for (;;) {
		if (!read_physical(r, &p, &len, &nl, &clean)) {
			if (!r->splice_open)
				return 0;
			/* the input ended inside a spliced line: it is the last, cut */
			r->splice_open = false;
			r->cur = r->splice;
			r->cur_len = r->splice_len;
			r->cur_first = r->splice_line;
			r->cur_nl = false;
			r->cur_nul = false;
			return 1;
		}
		r->lineno++;
		r->st.lines++;
		take_physical(r, p, len, nl, clean);
		if (unsplice(r))
			return 1;
	}
}

/* ---- the interface ---- */

struct trace_reader *trace_reader_new(FILE *in, const char *name)
{
	struct trace_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->in = in;
	r->name = strdup(name ? name : "-");
	r->cap = INPUT_CHUNK;
	r->buf = malloc(r->cap);
	if (!r->name || !r->buf || !table_grow(r)) {
		trace_reader_free(r);
		return NULL;
	}
	r->ff_pid = trace_ff_pid(r->name);
	r->decode_time = true;
	return r;
}

void trace_reader_decode_times(struct trace_reader *r, bool decode)
{
	r->decode_time = decode;
}

void trace_reader_free(struct trace_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nslots; i++)
		free(r->slots[i].buf);
	free(r->slots);
	for (size_t i = 0; i < SEEN_BITS / SEEN_PAGE_BITS; i++)
		free(r->seen[i]);
	free(r->out);
	free(r->splice);
	free(r->buf);
	free(r->name);
	free(r);
}

int trace_reader_next(struct trace_reader *r, struct trace_event *ev)
{
	int rc;

	if (r->redo) {
		r->redo = false;
		rc = dispatch(r, ev);
		if (rc)
			return rc;
	}
	for (;;) {
		struct half *h;

		if (!read_logical(r)) {
			if (ferror(r->in) && !r->read_error) {
				r->read_error = true;
				return fail(r, "expected more input, found a read error");
			}
			h = half_oldest(r);
			return h ? emit_cut(r, ev, h) : 0;
		}
		rc = dispatch(r, ev);
		if (rc)
			return rc;
	}
}

const char *trace_reader_error(const struct trace_reader *r)
{
	return r->err;
}

struct trace_reader_stats trace_reader_stats(const struct trace_reader *r)
{
	return r->st;
}

int64_t trace_ff_pid(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	int64_t pid = 0;

	if (!dot || (slash && slash > dot) || !dot[1])
		return 0;
	for (const char *p = dot + 1; *p; p++) {
		if (!is_digit(*p) || pid > (INT64_MAX - 9) / 10)
			return 0;
		pid = pid * 10 + (*p - '0');
	}
	return pid;
}
