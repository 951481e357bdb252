/* What a replay found, for people (text) and for programs (JSON: one
 * object, keys in docs/replay.md, the shape `mmsim report` merges). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "traces/replay.h"

static uint64_t modelled(const struct replay *r)
{
	return r->n[REPLAY_AGREE] + r->n[REPLAY_DIVERGE] + r->n[REPLAY_INFERRED];
}

void replay_print_syscalls(const struct replay_syscall *rows, size_t n, FILE *out)
{
	fprintf(out, "\n%-20s %8s %8s %8s %10s %8s\n", "syscall", "agree", "diverge", "inferred",
		"unmodelled", "skipped");
	for (size_t i = 0; i < n; i++) {
		const struct replay_syscall *s = &rows[i];

		fprintf(out, "%-20s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %10" PRIu64 " %8" PRIu64 "\n", s->name,
			s->n[REPLAY_AGREE], s->n[REPLAY_DIVERGE], s->n[REPLAY_INFERRED], s->n[REPLAY_UNMODELLED],
			s->n[REPLAY_SKIPPED]);
	}
}

void replay_report_text(const struct replay *r, FILE *out)
{
	fprintf(out, "lines %" PRIu64 ", calls %" PRIu64 ", modelled %" PRIu64 ": agree %" PRIu64
		", diverge %" PRIu64 ", inferred %" PRIu64 "; unmodelled %" PRIu64 ", skipped %" PRIu64
		", malformed lines %" PRIu64 "\n",
		r->lines, r->calls, modelled(r), r->n[REPLAY_AGREE], r->n[REPLAY_DIVERGE],
		r->n[REPLAY_INFERRED], r->n[REPLAY_UNMODELLED], r->n[REPLAY_SKIPPED], r->malformed);
	if (r->orphaned)
		fprintf(out, "orphaned: %" PRIu64 " resumed line%s whose call began before the log\n", r->orphaned,
			r->orphaned == 1 ? "" : "s");
	if (r->placement_total)
		fprintf(out, "mmap placement: the model chose the kernel's address for %" PRIu64 " of %" PRIu64
			" mappings without MAP_FIXED\n", r->placement_same, r->placement_total);
	replay_print_syscalls(r->syscalls, r->nsyscalls, out);
	if (!r->n[REPLAY_DIVERGE])
		return;
	fprintf(out, "\n%" PRIu64 " divergence%s:\n", r->n[REPLAY_DIVERGE], r->n[REPLAY_DIVERGE] == 1 ? "" : "s");
	for (size_t i = 0; i < r->ndivergences; i++) {
		const struct replay_divergence *d = &r->divergences[i];

		fprintf(out, "line %" PRIu64 " (pid %" PRId64 "): %s\n  kernel %s\n  model  %s: %s\n", d->line,
			d->pid, d->call, d->kernel, d->model, d->why);
	}
	if (r->ndivergences < r->n[REPLAY_DIVERGE])
		fprintf(out, "(%" PRIu64 " more not kept)\n", r->n[REPLAY_DIVERGE] - r->ndivergences);
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
/* The length of the UTF-8 sequence at s (RFC 3629: no overlong forms,
 * no surrogates, nothing past U+10FFFF), 0 when there is none. s is
 * NUL-terminated, and a NUL is no continuation byte: no read past it. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t k;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 1;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 2;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 3;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i <= k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return k + 1;
}

/* Valid UTF-8 is copied; any other byte (a log's raw bytes, a text cut
 * inside a character) is written as the code point of its value, so the
 * output is always valid JSON. */
void replay_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	while (*s) {
		unsigned char ch = (unsigned char)*s;
		size_t n;

		if (ch == '"' || ch == '\\') {
			fprintf(out, "\\%c", ch);
		} else if (ch < 0x20) {
			fprintf(out, "\\u%04x", ch);
		} else if (ch < 0x80) {
			fputc(ch, out);
		} else if ((n = utf8_seq((const unsigned char *)s)) != 0) {
			fwrite(s, 1, n, out);
			s += n;
			continue;
		} else {
			fprintf(out, "\\u%04x", ch);
		}
		s++;
	}
	fputc('"', out);
}

static void json_counts(FILE *out, const uint64_t *n)
{
	for (int v = 0; v < REPLAY_NVERDICTS; v++)
		fprintf(out, "%s\"%s\": %" PRIu64, v ? ", " : "", replay_verdict_name((enum replay_verdict)v), n[v]);
}

void replay_report_json(const struct replay *r, FILE *out)
{
	fprintf(out, "{\"lines\": %" PRIu64 ", \"calls\": %" PRIu64 ", \"modelled\": %" PRIu64 ", ",
		r->lines, r->calls, modelled(r));
	json_counts(out, r->n);
	fprintf(out, ", \"malformed\": %" PRIu64 ", \"orphaned\": %" PRIu64 ", \"placement_same\": %" PRIu64
		", \"placement_total\": %" PRIu64 ", \"by_syscall\": {",
		r->malformed, r->orphaned, r->placement_same, r->placement_total);
	for (size_t i = 0; i < r->nsyscalls; i++) {
		fprintf(out, "%s", i ? ", " : "");
		replay_json_string(out, r->syscalls[i].name);
		fputs(": {", out);
		json_counts(out, r->syscalls[i].n);
		fputc('}', out);
	}
	fputs("}, \"divergences\": [", out);
	for (size_t i = 0; i < r->ndivergences; i++) {
		const struct replay_divergence *d = &r->divergences[i];

		fprintf(out, "%s{\"line\": %" PRIu64 ", \"pid\": %" PRId64 ", \"call\": ", i ? ", " : "", d->line, d->pid);
		replay_json_string(out, d->call);
		fputs(", \"kernel\": ", out);
		replay_json_string(out, d->kernel);
		fputs(", \"model\": ", out);
		replay_json_string(out, d->model);
		fputs(", \"why\": ", out);
		replay_json_string(out, d->why);
		fputc('}', out);
	}
	fputs("]}\n", out);
}
