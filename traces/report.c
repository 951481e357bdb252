/* Merging `mmsim replay --json` outputs. The reader below knows JSON
 * enough for these objects (and skips keys it does not know, so newer
 * outputs merge too); errors say what was expected at which byte. */
#include "traces/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
	const char *s;
	size_t len, pos;
	const char *err;   /* what was expected, at pos */
};

static void ws(struct cursor *c)
{
	while (c->pos < c->len && strchr(" \t\r\n", c->s[c->pos]) && c->s[c->pos])
		c->pos++;
}

static int fail(struct cursor *c, const char *what)
{
	if (!c->err)
		c->err = what;
	return -1;
}

static int expect(struct cursor *c, char ch)
{
	static char what[] = "'?'";

	ws(c);
	if (c->pos < c->len && c->s[c->pos] == ch) {
		c->pos++;
		return 0;
	}
	what[1] = ch;
	return fail(c, what);
}

static bool peek(struct cursor *c, char ch)
{
	ws(c);
	return c->pos < c->len && c->s[c->pos] == ch;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* A string into buf (cut to fit, NUL-terminated). */
static int string(struct cursor *c, char *buf, size_t size)
{
	size_t n = 0;

	if (expect(c, '"'))
		return fail(c, "a string");
	while (c->pos < c->len && c->s[c->pos] != '"') {
		char ch = c->s[c->pos++];

		if (ch == '\\') {
			if (c->pos >= c->len)
				return fail(c, "an escape");
			ch = c->s[c->pos++];
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'u': {
				int v = 0;

				for (int k = 0; k < 4; k++) {
					int h = c->pos < c->len ? hexval(c->s[c->pos++]) : -1;

					if (h < 0)
						return fail(c, "four hex digits after \\u");
					v = v * 16 + h;
				}
				ch = v < 0x80 ? (char)v : '?';
				break;
			}
			default: break;   /* \" \\ \/ stand for themselves */
			}
		}
		if (n + 1 < size)
			buf[n++] = ch;
	}
	if (size)
		buf[n] = '\0';
	return expect(c, '"') ? fail(c, "the end of a string") : 0;
}

static int number(struct cursor *c, int64_t *v)
{
	char *end;

	ws(c);
	errno = 0;
	if (c->pos >= c->len)
		return fail(c, "a number");
	*v = strtoll(c->s + c->pos, &end, 10);
	if (end == c->s + c->pos || errno)
		return fail(c, "a number");
	c->pos = (size_t)(end - c->s);
	return 0;
}

static int skip_value(struct cursor *c, unsigned depth)
{
	char tmp[2];
	int64_t v;

	if (depth > 64)
		return fail(c, "less nesting");
	ws(c);
	if (c->pos >= c->len)
		return fail(c, "a value");
	switch (c->s[c->pos]) {
	case '"':
		return string(c, tmp, sizeof(tmp));
	case '{':
	case '[': {
		char close = c->s[c->pos] == '{' ? '}' : ']';

		c->pos++;
		if (peek(c, close))
			return expect(c, close);
		do {
			if (close == '}' && (string(c, tmp, sizeof(tmp)) || expect(c, ':')))
				return -1;
			if (skip_value(c, depth + 1))
				return -1;
		} while (peek(c, ',') && !expect(c, ','));
		return expect(c, close);
	}
	case 't': case 'f': case 'n':
		while (c->pos < c->len && c->s[c->pos] >= 'a' && c->s[c->pos] <= 'z')
			c->pos++;
		return 0;
	default:
		return number(c, &v);
	}
}

typedef int (*member_fn)(struct cursor *c, const char *key, void *arg);

/* An object, calling fn for each member (fn reads the value). */
static int object(struct cursor *c, member_fn fn, void *arg)
{
	char key[64];

	if (expect(c, '{'))
		return fail(c, "an object");
	if (peek(c, '}'))
		return expect(c, '}');
	do {
		if (string(c, key, sizeof(key)) || expect(c, ':') || fn(c, key, arg))
			return -1;
	} while (peek(c, ',') && !expect(c, ','));
	return expect(c, '}');
}

static int verdict_index(const char *key)
{
	for (int v = 0; v < REPLAY_NVERDICTS; v++)
		if (!strcmp(key, replay_verdict_name((enum replay_verdict)v)))
			return v;
	return -1;
}

static int counts_member(struct cursor *c, const char *key, void *arg)
{
	uint64_t *n = arg;
	int v = verdict_index(key);
	int64_t x;

	if (v < 0)
		return skip_value(c, 0);
	if (number(c, &x) || x < 0)
		return fail(c, "a count");
	n[v] += (uint64_t)x;
	return 0;
}

static struct replay_syscall *syscall_row(struct report *rep, const char *name)
{
	return replay_syscall_row(&rep->syscalls, &rep->nsyscalls, &rep->syscalls_cap,
				  (struct trace_text){ name, strlen(name) });
}

static int by_syscall_member(struct cursor *c, const char *key, void *arg)
{
	struct replay_syscall *row = syscall_row(arg, key);

	return row ? object(c, counts_member, row->n) : fail(c, "memory");
}

static int divergence_member(struct cursor *c, const char *key, void *arg)
{
	struct replay_divergence *d = arg;
	int64_t x;

	if (!strcmp(key, "line") || !strcmp(key, "pid")) {
		if (number(c, &x))
			return -1;
		if (key[0] == 'l')
			d->line = (uint64_t)x;
		else
			d->pid = x;
		return 0;
	}
	if (!strcmp(key, "call"))
		return string(c, d->call, sizeof(d->call));
	if (!strcmp(key, "kernel"))
		return string(c, d->kernel, sizeof(d->kernel));
	if (!strcmp(key, "model"))
		return string(c, d->model, sizeof(d->model));
	if (!strcmp(key, "why"))
		return string(c, d->why, sizeof(d->why));
	return skip_value(c, 0);
}

struct adding {
	struct report *rep;
	const char *name;
};

static int add_divergence(struct cursor *c, struct adding *a)
{
	struct report *rep = a->rep;
	struct report_divergence *d;

	if (rep->ndivergences == rep->divergences_cap) {
		size_t cap = rep->divergences_cap ? 2 * rep->divergences_cap : 16;
		struct report_divergence *grown = realloc(rep->divergences, cap * sizeof(*grown));

		if (!grown)
			return fail(c, "memory");
		rep->divergences = grown;
		rep->divergences_cap = cap;
	}
	d = &rep->divergences[rep->ndivergences];
	memset(d, 0, sizeof(*d));
	if (object(c, divergence_member, &d->d))
		return -1;
	d->file = strdup(a->name);
	rep->ndivergences++;
	return 0;
}

static int top_member(struct cursor *c, const char *key, void *arg)
{
	struct adding *a = arg;
	struct report *rep = a->rep;
	uint64_t *field = NULL;
	int64_t x;
	int v = verdict_index(key);

	if (!strcmp(key, "by_syscall"))
		return object(c, by_syscall_member, rep);
	if (!strcmp(key, "divergences")) {
		if (expect(c, '['))
			return fail(c, "an array of divergences");
		if (peek(c, ']'))
			return expect(c, ']');
		do {
			if (add_divergence(c, a))
				return -1;
		} while (peek(c, ',') && !expect(c, ','));
		return expect(c, ']');
	}
	if (v >= 0)
		field = &rep->n[v];
	else if (!strcmp(key, "lines"))
		field = &rep->lines;
	else if (!strcmp(key, "calls"))
		field = &rep->calls;
	else if (!strcmp(key, "modelled"))
		field = &rep->modelled;
	else if (!strcmp(key, "malformed"))
		field = &rep->malformed;
	else if (!strcmp(key, "orphaned"))
		field = &rep->orphaned;
	else if (!strcmp(key, "placement_same"))
		field = &rep->placement_same;
	else if (!strcmp(key, "placement_total"))
		field = &rep->placement_total;
	if (!field)
		return skip_value(c, 0);
	if (number(c, &x) || x < 0)
		return fail(c, "a count");
	*field += (uint64_t)x;
	return 0;
}

void report_init(struct report *rep)
{
	memset(rep, 0, sizeof(*rep));
}

void report_destroy(struct report *rep)
{
	for (size_t i = 0; i < rep->ndivergences; i++)
		free(rep->divergences[i].file);
	free(rep->divergences);
	free(rep->syscalls);
	memset(rep, 0, sizeof(*rep));
}

/* Move everything of one file's report into rep. */
static int merge(struct report *rep, struct report *one)
{
	rep->files++;
	rep->lines += one->lines;
	rep->calls += one->calls;
	rep->modelled += one->modelled;
	rep->malformed += one->malformed;
	rep->orphaned += one->orphaned;
	rep->placement_same += one->placement_same;
	rep->placement_total += one->placement_total;
	for (int v = 0; v < REPLAY_NVERDICTS; v++)
		rep->n[v] += one->n[v];
	for (size_t i = 0; i < one->nsyscalls; i++) {
		struct replay_syscall *row = syscall_row(rep, one->syscalls[i].name);

		if (!row)
			return -1;
		for (int v = 0; v < REPLAY_NVERDICTS; v++)
			row->n[v] += one->syscalls[i].n[v];
	}
	for (size_t i = 0; i < one->ndivergences; i++) {
		if (rep->ndivergences == rep->divergences_cap) {
			size_t cap = rep->divergences_cap ? 2 * rep->divergences_cap : 16;
			struct report_divergence *grown = realloc(rep->divergences, cap * sizeof(*grown));

			if (!grown)
				return -1;
			rep->divergences = grown;
			rep->divergences_cap = cap;
		}
		rep->divergences[rep->ndivergences++] = one->divergences[i];
		one->divergences[i].file = NULL;
	}
	return 0;
}

int report_add_json(struct report *rep, const char *name, const char *text, size_t len, char *err,
		    size_t errlen)
{
	struct report one;
	struct cursor c = { .s = text, .len = len };
	struct adding a = { .rep = &one, .name = name };
	int rc = 0;

	report_init(&one);
	if (object(&c, top_member, &a) || (ws(&c), c.pos != c.len && fail(&c, "the end of the input"))) {
		snprintf(err, errlen, "%s: byte %zu: expected %s", name, c.pos + 1, c.err ? c.err : "JSON");
		rc = -1;
	} else if (merge(rep, &one)) {
		snprintf(err, errlen, "%s: out of memory", name);
		rc = -1;
	}
	report_destroy(&one);
	return rc;
}

void report_print_text(const struct report *rep, FILE *out)
{
	fprintf(out, "files %" PRIu64 ", lines %" PRIu64 ", calls %" PRIu64 ", modelled %" PRIu64
		": agree %" PRIu64 ", diverge %" PRIu64 ", inferred %" PRIu64 "; unmodelled %" PRIu64
		", skipped %" PRIu64 ", malformed lines %" PRIu64 "\n",
		rep->files, rep->lines, rep->calls, rep->modelled, rep->n[REPLAY_AGREE], rep->n[REPLAY_DIVERGE],
		rep->n[REPLAY_INFERRED], rep->n[REPLAY_UNMODELLED], rep->n[REPLAY_SKIPPED], rep->malformed);
	if (rep->orphaned)
		fprintf(out, "orphaned: %" PRIu64 " resumed line%s whose call began before the log\n",
			rep->orphaned, rep->orphaned == 1 ? "" : "s");
	replay_print_syscalls(rep->syscalls, rep->nsyscalls, out);
	for (size_t i = 0; i < rep->ndivergences; i++) {
		const struct report_divergence *d = &rep->divergences[i];

		fprintf(out, "%s%s:%" PRIu64 " (pid %" PRId64 "): %s\n  kernel %s\n  model  %s: %s\n",
			i ? "" : "\ndivergences:\n", d->file, d->d.line, d->d.pid, d->d.call, d->d.kernel,
			d->d.model, d->d.why);
	}
}

void report_print_json(const struct report *rep, FILE *out)
{
	fprintf(out, "{\"files\": %" PRIu64 ", \"lines\": %" PRIu64 ", \"calls\": %" PRIu64 ", \"modelled\": %" PRIu64,
		rep->files, rep->lines, rep->calls, rep->modelled);
	for (int v = 0; v < REPLAY_NVERDICTS; v++)
		fprintf(out, ", \"%s\": %" PRIu64, replay_verdict_name((enum replay_verdict)v), rep->n[v]);
	fprintf(out, ", \"malformed\": %" PRIu64 ", \"orphaned\": %" PRIu64 ", \"placement_same\": %" PRIu64
		", \"placement_total\": %" PRIu64 ", \"by_syscall\": {",
		rep->malformed, rep->orphaned, rep->placement_same, rep->placement_total);
	for (size_t i = 0; i < rep->nsyscalls; i++) {
		fputs(i ? ", " : "", out);
		replay_json_string(out, rep->syscalls[i].name);
		fputs(": {", out);
		for (int v = 0; v < REPLAY_NVERDICTS; v++)
			fprintf(out, "%s\"%s\": %" PRIu64, v ? ", " : "", replay_verdict_name((enum replay_verdict)v),
				rep->syscalls[i].n[v]);
		fputc('}', out);
	}
	fputs("}, \"divergences\": [", out);
	for (size_t i = 0; i < rep->ndivergences; i++) {
		const struct report_divergence *d = &rep->divergences[i];

		fprintf(out, "%s{\"file\": ", i ? ", " : "");
		replay_json_string(out, d->file ? d->file : "");
		fprintf(out, ", \"line\": %" PRIu64 ", \"pid\": %" PRId64 ", \"call\": ", d->d.line, d->d.pid);
		replay_json_string(out, d->d.call);
		fputs(", \"kernel\": ", out);
		replay_json_string(out, d->d.kernel);
		fputs(", \"model\": ", out);
		replay_json_string(out, d->d.model);
		fputs(", \"why\": ", out);
		replay_json_string(out, d->d.why);
		fputc('}', out);
	}
	fputs("]}\n", out);
}
