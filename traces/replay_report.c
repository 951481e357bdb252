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
void replay_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
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
