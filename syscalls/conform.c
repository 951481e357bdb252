/* mmsim conform's driver: generate, run both sides, compare, shrink what
 * mismatches, report. See syscalls/conform.h for the pieces and the
 * reserved region, docs/conform.md for the whole story.
 *
 * Per sequence:
 *
 *   seed_i = mix(seed + i) --> conform_gen --> live run (forked child)
 *                                          --> model run (sees the child's
 *                                              VMAs outside the window)
 *                          --> conform_compare: first call that differs
 *                          --> on a difference: cut after that call,
 *                              conform_shrink with "the same kind of
 *                              difference at the same kind of call",
 *                              print the minimal sequence and both windows
 */
#include "syscalls/conform.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/page.h"

/* ---- comparison -------------------------------------------------------------- */

bool conform_ret_elsewhere(const struct conform_seq *s, int nr, int64_t ret)
{
	struct conform_layout l;

	if (nr != NR_MMAP && nr != NR_MREMAP)
		return false;
	if (ret < 0 && ret >= -4095)
		return false;
	conform_layout_of(s, 0, &l);
	return (uint64_t)ret < l.lo || (uint64_t)ret >= l.hi;
}

#define NAME_COLUMN 72
#define SHMEM_NAME "/dev/zero (deleted)"

struct ino_table {
	uint64_t *ino;
	size_t n, cap;
};

static long ino_rank(struct ino_table *t, uint64_t ino)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->ino[i] == ino)
			return (long)i + 1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		uint64_t *v = realloc(t->ino, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->ino = v;
		t->cap = cap;
	}
	t->ino[t->n++] = ino;
	return (long)t->n;
}

/* One listing with shmem inode numbers replaced; NULL when out of memory. */
static char *normalise_text(const char *text, struct ino_table *t)
{
	char *res = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&res, &len);
	const char *p = text;

	if (!f)
		return NULL;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		size_t namelen = sizeof(SHMEM_NAME) - 1;
		bool done = false;

		if (n > namelen && !memcmp(p + n - namelen, SHMEM_NAME, namelen)) {
			/* fields: range perms offset dev inode, then padding and the name */
			size_t i = 0;

			for (int field = 0; field < 4 && i < n; field++) {
				while (i < n && p[i] != ' ')
					i++;
				while (i < n && p[i] == ' ')
					i++;
			}
			size_t ino_at = i;
			uint64_t ino = 0;

			while (i < n && p[i] >= '0' && p[i] <= '9')
				ino = ino * 10 + (uint64_t)(p[i++] - '0');
			if (i > ino_at) {
				long k = ino_rank(t, ino);
				char head[160];
				int hlen;

				if (k < 0) {
					fclose(f);
					free(res);
					return NULL;
				}
				hlen = snprintf(head, sizeof(head), "%.*s#%ld ", (int)ino_at, p, k);
				fprintf(f, "%s%*s %s\n", head,
					hlen < NAME_COLUMN ? NAME_COLUMN - hlen : 0, "", SHMEM_NAME);
				done = true;
			}
		}
		if (!done)
			fprintf(f, "%.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	if (fclose(f) != 0) {
		free(res);
		return NULL;
	}
	return res;
}

int conform_normalise(struct conform_run *r)
{
	struct ino_table t = { NULL, 0, 0 };

	for (size_t i = 0; i < r->n; i++) {
		char *norm;

		if (!r->obs[i].maps || !strstr(r->obs[i].maps, SHMEM_NAME))
			continue;
		norm = normalise_text(r->obs[i].maps, &t);
		if (!norm) {
			free(t.ino);
			return -ENOMEM;
		}
		free(r->obs[i].maps);
		r->obs[i].maps = norm;
	}
	free(t.ino);
	return 0;
}

struct conform_diff conform_compare(const struct conform_seq *s, const struct conform_run *live,
				    const struct conform_run *model)
{
	struct conform_diff d = { CONFORM_SAME, 0, 0 };
	size_t n = live->n < model->n ? live->n : model->n;

	for (size_t i = 0; i < n; i++) {
		const struct conform_obs *a = &live->obs[i], *b = &model->obs[i];
		int nr = s->calls[i].nr;
		bool ea = conform_ret_elsewhere(s, nr, a->ret), eb = conform_ret_elsewhere(s, nr, b->ret);

		d.call = i;
		d.nr = nr;
		if (!(ea && eb) && a->ret != b->ret) {
			d.kind = CONFORM_DIFF_RET;
			return d;
		}
		if (strcmp(a->maps ? a->maps : "", b->maps ? b->maps : "") != 0) {
			d.kind = CONFORM_DIFF_MAPS;
			return d;
		}
	}
	/* a side that stopped early: the live child first (its death is the
	 * kernel's answer, e.g. a fault the harness did not catch) */
	if (live->n < s->n && live->n <= model->n && live->status != CONFORM_HARNESS) {
		d.kind = CONFORM_DIFF_DIED;
		d.call = live->n;
		d.nr = s->calls[live->n].nr;
		return d;
	}
	if (model->n < s->n && model->status != CONFORM_HARNESS) {
		d.kind = CONFORM_DIFF_MODEL;
		d.call = model->n;
		d.nr = s->calls[model->n].nr;
		return d;
	}
	return (struct conform_diff){ CONFORM_SAME, 0, 0 };
}

/* ---- running one sequence on both sides -------------------------------------- */

struct both {
	struct conform_run live, model;
	struct conform_diff diff;
};

/* -1: harness failure (live.error says why), -ENOMEM, or 0 with diff. */
static int run_both(const struct conform_env *env, const struct conform_seq *s, struct both *b)
{
	int rc;

	memset(b, 0, sizeof(*b));
	rc = conform_live_run(env, s, &b->live);
	if (rc)
		return rc;
	if (b->live.status == CONFORM_HARNESS)
		return -1;
	rc = conform_model_run(env, s, &b->live, &b->model);
	if (rc)
		return rc;
	if (b->model.status == CONFORM_HARNESS) {
		b->live.status = CONFORM_HARNESS;
		b->live.error = b->model.error;
		b->model.error = NULL;
		return -1;
	}
	b->diff = conform_compare(s, &b->live, &b->model);
	return 0;
}

static void both_free(struct both *b)
{
	conform_run_free(&b->live);
	conform_run_free(&b->model);
}

struct pred_ctx {
	const struct conform_env *env;
	struct conform_diff want;
	long deadline;       /* CLOCK_MONOTONIC seconds: past it, nothing fails any more */
	bool out_of_time;
};

/* Shrinking re-runs both sides per candidate; a sequence with a fill()
 * takes a good fraction of a second, so one mismatch gets this long. */
#define SHRINK_SECONDS 60

static long mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

/* The shrinker's question: the same kind of difference at the same kind
 * of call? (Unsafe candidates make the live run refuse: not failing.) */
static bool still_fails(const struct conform_seq *s, void *ctx)
{
	struct pred_ctx *p = ctx;
	struct both b;
	bool same;

	if (mono_seconds() > p->deadline) {
		p->out_of_time = true;
		return false;
	}
	if (run_both(p->env, s, &b) != 0) {
		both_free(&b);
		return false;
	}
	same = b.diff.kind == p->want.kind && b.diff.nr == p->want.nr;
	both_free(&b);
	return same;
}

/* ---- reports ------------------------------------------------------------------ */

static const char *diff_words(enum conform_diff_kind k)
{
	switch (k) {
	case CONFORM_DIFF_RET: return "the return value differs";
	case CONFORM_DIFF_MAPS: return "the window's maps/VmFlags lines differ";
	case CONFORM_DIFF_DIED: return "the live child died or hung";
	case CONFORM_DIFF_MODEL: return "the model crashed or hung";
	default: return "no difference";
	}
}

static void print_listing(FILE *out, const char *title, const char *maps)
{
	fprintf(out, "-- %s\n%s", title, maps && *maps ? maps : "(no VMA in the window)\n");
}

/* The sequence up to and including the differing call, each call with the
 * kernel's result, the model's under it where it differs; then the
 * windows. */
static void print_case(FILE *out, const struct conform_seq *s, const struct both *b)
{
	size_t upto = b->diff.kind == CONFORM_SAME ? s->n : b->diff.call + 1;
	char line[512], ret[160];

	fprintf(out, "-- sequence (paste into a file; mmsim conform --replay FILE)\n");
	fprintf(out, "window %#" PRIx64 " %" PRIu64 "\n", s->base, s->pages);
	if (s->heap)
		fprintf(out, "heap %#" PRIx64 "\n", s->heap);
	for (size_t i = 0; i < upto && i < s->n; i++) {
		const struct conform_call *c = &s->calls[i];

		conform_call_format(c, line, sizeof(line));
		if (i < b->live.n)
			conform_ret_format(c->nr, b->live.obs[i].ret, ret, sizeof(ret));
		else
			snprintf(ret, sizeof(ret), " = ? (the child %s)",
				 b->live.status == CONFORM_TIMEOUT ? "hung" : "died");
		fprintf(out, "%s%s\n", line, ret);
		if (i < b->model.n && i < b->live.n && b->live.obs[i].ret != b->model.obs[i].ret &&
		    !(conform_ret_elsewhere(s, c->nr, b->live.obs[i].ret) &&
		      conform_ret_elsewhere(s, c->nr, b->model.obs[i].ret))) {
			conform_ret_format(c->nr, b->model.obs[i].ret, ret, sizeof(ret));
			fprintf(out, "#   model:%s%s%s\n", ret, b->model.obs[i].rule ? "  -- " : "",
				b->model.obs[i].rule ? b->model.obs[i].rule : "");
		} else if (i == b->diff.call && i < b->model.n && b->model.obs[i].rule) {
			fprintf(out, "#   model refused it: %s\n", b->model.obs[i].rule);
		}
	}
	fprintf(out, "-- end of sequence\n");
	if (b->diff.kind == CONFORM_SAME)
		return;
	size_t k = b->diff.call;

	if (k > 0 && k - 1 < b->live.n) {
		snprintf(line, sizeof(line), "both, before call %zu (kernel)", k + 1);
		print_listing(out, line, b->live.obs[k - 1].maps);
	}
	if (b->diff.kind == CONFORM_DIFF_DIED || b->diff.kind == CONFORM_DIFF_MODEL) {
		const struct conform_run *r = b->diff.kind == CONFORM_DIFF_DIED ? &b->live : &b->model;

		fprintf(out, "-- the %s %s at call %zu", r == &b->live ? "live child" : "model",
			r->status == CONFORM_TIMEOUT ? "hung (killed at the time limit)" : "died", k + 1);
		if (r->signal)
			fprintf(out, ", signal %d (%s)", r->signal, strsignal(r->signal));
		fprintf(out, "\n");
		if (r == &b->model && k < b->live.n)
			print_listing(out, "kernel, after that call", b->live.obs[k].maps);
		return;
	}
	snprintf(line, sizeof(line), "kernel, after call %zu", k + 1);
	print_listing(out, line, b->live.obs[k].maps);
	snprintf(line, sizeof(line), "model, after call %zu", k + 1);
	print_listing(out, line, b->model.obs[k].maps);
}

/* ---- the driver ---------------------------------------------------------------- */

static void describe(FILE *out, const struct conform_env *env, const struct conform_opts *o,
		     uint64_t base, unsigned pages)
{
	const struct conform_features *f = &env->feat;
	struct conform_seq tmp;
	struct conform_layout l;

	conform_seq_init(&tmp, base, pages);
	conform_layout_of(&tmp, f->fill ? env->max_map_count : 0, &l);
	bool replaying = o->replay || o->replay_text;

	fprintf(out, "conform: live kernel %s against the model (profile %s)%s", env->release,
		env->profile.name, replaying ? "" : "; seed ");
	if (!replaying)
		fprintf(out, "%#" PRIx64, o->seed);
	fprintf(out, "\nconform: window %#" PRIx64 ", %u pages, margins of %d pages", base, pages,
		CONFORM_MARGIN_PAGES);
	if (f->fill)
		fprintf(out, "; fill area above it");
	if (f->brk)
		fprintf(out, "; or, for heap windows, at the break %#" PRIx64 " (start_brk)",
			env->heap_start);
	fprintf(out, "\nconform: kernel has:%s%s%s%s%s max_map_count %u\n",
		f->mseal ? " mseal," : "", f->fixed_noreplace ? " MAP_FIXED_NOREPLACE," : "",
		f->guard ? " MADV_GUARD_INSTALL," : "", f->pku ? " protection keys," : "",
		f->brk ? " an empty heap to put windows at," : "", env->max_map_count);
	if (!f->pku)
		fprintf(out, "conform: no protection keys here: pkey_alloc, pkey_free and pkey_mprotect "
			     "still run (both sides must refuse them)\n");
	fprintf(out, "conform: skipped:");
	if (!f->mseal)
		fprintf(out, " mseal (ENOSYS: the kernel has no syscall 462);");
	if (!f->fixed_noreplace)
		fprintf(out, " MAP_FIXED_NOREPLACE (not honoured: MAP_FIXED inside the window instead);");
	if (!f->guard)
		fprintf(out, " MADV_GUARD_INSTALL/REMOVE (EINVAL: before 6.13);");
	if (!f->brk)
		fprintf(out, " brk growth and shrinking (this process's heap is in use or hemmed in: "
			     "no window can start at its break; only failing brk calls run);");
	if (!f->fill)
		fprintf(out, " max_map_count pressure (the fill area is not free, or "
			     "vm.max_map_count is too large);");
	fprintf(out, " file-backed mmap (this area has no open files: only fd -1 without "
		     "MAP_ANONYMOUS, i.e. EBADF; memfd mappings belong to the memfd area, not built yet);"
		     " MAP_HUGETLB (depends on the hugepage pool);"
		     " MADV_HWPOISON and MADV_SOFT_OFFLINE (act on physical pages as root)\n");
}

static int read_file(const char *path, char **text)
{
	FILE *f = fopen(path, "r");
	size_t cap = 4096, len = 0, n;
	char *buf;

	if (!f)
		return -errno;
	buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *b = realloc(buf, cap * 2);

			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return -ENOMEM;
	buf[len] = '\0';
	*text = buf;
	return 0;
}

int conform_main(const struct conform_opts *o, FILE *out, FILE *err)
{
	struct conform_env env;
	struct conform_seq replay_seq;
	char msg[512];
	uint64_t base = o->base ? o->base : CONFORM_DEFAULT_BASE;
	unsigned pages = o->pages ? o->pages : CONFORM_DEFAULT_PAGES;
	unsigned sequences = o->sequences, mismatches = 0, done = 0;
	uint64_t calls = 0;
	bool harness = false, replaying = o->replay || o->replay_text;
	time_t started = time(NULL);

	if (o->replay || o->replay_text) {
		char *text = NULL;
		int rc = o->replay_text ? 0 : read_file(o->replay, &text);

		if (rc) {
			fprintf(err, "mmsim conform: %s: %s\n", o->replay, strerror(-rc));
			return 2;
		}
		rc = conform_seq_parse(o->replay_text ? o->replay_text : text, &replay_seq, msg,
				       sizeof(msg));
		free(text);
		if (rc) {
			fprintf(err, "mmsim conform: %s: %s\n", o->replay ? o->replay : "sequence", msg);
			return 2;
		}
		/* a heap window moves to this process's break: check the default
		 * window meanwhile */
		if (!replay_seq.heap)
			base = replay_seq.base;
		pages = (unsigned)replay_seq.pages;
		sequences = 1;
	}
	if (conform_detect(&env, base, pages, msg, sizeof(msg)) != 0) {
		fprintf(err, "mmsim conform: %s\n", msg);
		if (replaying)
			conform_seq_free(&replay_seq);
		return 2;
	}
	if (o->timeout_ms)
		env.timeout_ms = o->timeout_ms;
	describe(out, &env, o, base, pages);
	fflush(out);

	for (unsigned k = 0; k < sequences && !harness; k++) {
		struct conform_gen_opts g = { base, pages, o->calls, env.feat, env.heap_start,
					       env.heap_below };
		/* sequence i+1 has the same seed whatever --first says */
		unsigned i = k + (o->first ? o->first - 1 : 0);
		uint64_t seed = conform_mix(o->seed + i);
		struct conform_seq s, orig;
		struct both b;
		char name[96];
		int rc;

		if (replaying ? conform_seq_copy(&s, &replay_seq) != 0 : conform_gen(&s, &g, seed) != 0) {
			fprintf(err, "mmsim conform: out of memory\n");
			return 2;
		}
		if (replaying && s.heap && s.heap != env.heap_start) {
			if (!env.feat.brk) {
				fprintf(err, "mmsim conform: the sequence runs at the break, but this "
					     "process's heap cannot hold a window\n");
				conform_seq_free(&s);
				return 2;
			}
			fprintf(out, "conform: heap window moved from %#" PRIx64 " to this process's "
				     "break %#" PRIx64 "\n", s.heap, env.heap_start);
			conform_seq_relocate(&s, s.base + (env.heap_start - s.heap));
		}
		if (replaying)
			snprintf(name, sizeof(name), "the replayed sequence");
		else
			snprintf(name, sizeof(name), "sequence %u (seed %#" PRIx64 ")", i + 1, seed);
		if (conform_seq_copy(&orig, &s) != 0) {
			fprintf(err, "mmsim conform: out of memory\n");
			return 2;
		}
		rc = run_both(&env, &s, &b);
		if (rc == -1) {
			fprintf(out, "== harness failure in %s: %s\n", name, b.live.error ? b.live.error : "?");
			if (replaying || o->verbose) {
				char *text = conform_seq_format(&s, NULL, 0);

				fprintf(out, "%s", text ? text : "");
				free(text);
			}
			harness = true;
		} else if (rc) {
			fprintf(err, "mmsim conform: %s\n", strerror(-rc));
			harness = true;
		} else {
			done++;
			calls += s.n;
			if (o->verbose && b.diff.kind == CONFORM_SAME) {
				fprintf(out, "== %s: same\n", name);
				print_case(out, &s, &b);
			}
		}
		if (!harness && b.diff.kind != CONFORM_SAME) {
			struct pred_ctx pc = { &env, b.diff, mono_seconds() + SHRINK_SECONDS, false };
			struct conform_shrink_stats st = { 0, s.n, s.n };
			struct both m;

			mismatches++;
			conform_seq_remove(&s, b.diff.call + 1, s.n);
			if (o->shrink_tries)
				conform_shrink(&s, still_fails, &pc, o->shrink_tries, &st);
			fprintf(out, "== mismatch %u: %s: %s, %s (call %zu", mismatches, name,
				conform_call_name(b.diff.nr), diff_words(b.diff.kind), b.diff.call + 1);
			if (run_both(&env, &s, &m) != 0 || m.diff.kind == CONFORM_SAME) {
				/* flaky: the shrunk case no longer fails; show the original */
				both_free(&m);
				conform_seq_free(&s);
				conform_seq_copy(&s, &orig);
				conform_seq_remove(&s, b.diff.call + 1, s.n);
				m = b;
				memset(&b, 0, sizeof(b));
				fprintf(out, "; not shrunk: the shrunk sequence passed when run again)\n");
			} else if (st.tries) {
				fprintf(out, "; shrunk to %zu calls in %u runs%s)\n", s.n, st.tries,
					pc.out_of_time ? ", stopped at the time limit" : "");
			} else {
				fprintf(out, ")\n");
			}
			print_case(out, &s, &m);
			both_free(&m);
			fflush(out);
		}
		both_free(&b);
		conform_seq_free(&s);
		conform_seq_free(&orig);
		if (o->progress && sequences >= 10 && (k + 1) % (sequences / 10) == 0)
			fprintf(err, "conform: %u/%u sequences, %u mismatches, %lds\n", k + 1, sequences,
				mismatches, (long)(time(NULL) - started));
	}
	if (replaying)
		conform_seq_free(&replay_seq);
	fprintf(out, "sequences=%u calls=%" PRIu64 " mismatches=%u\n",
		done, calls, mismatches);
	return harness ? 2 : mismatches ? 1 : 0;
}

int conform_replay_text(const char *text, char **report)
{
	struct conform_opts o = {
		.sequences = 1,
		.calls = 1,
		.replay_text = text,
	};
	size_t len = 0;
	FILE *f;
	int rc;

	*report = NULL;
	f = open_memstream(report, &len);
	if (!f)
		return 2;
	rc = conform_main(&o, f, f);
	if (fclose(f) != 0)
		rc = 2;
	return rc;
}
