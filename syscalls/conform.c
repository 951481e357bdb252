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
#include "syscalls/conform_internal.h"

/* ---- the state text --------------------------------------------------------- */

size_t conform_fd_line(const struct conform_fd_state *f, char *buf, size_t size)
{
	char kind[40], seals[24];
	int n;

	if (f->kind == CONFORM_FD_MEMFD)
		snprintf(kind, sizeof(kind), "memfd ino %" PRIu64, f->ino);
	else
		snprintf(kind, sizeof(kind), "%s", f->kind == CONFORM_FD_SYSCTL ? "sysctl" : "file");
	if (f->seals >= 0)
		snprintf(seals, sizeof(seals), "%#" PRIx64, (uint64_t)f->seals);
	else
		snprintf(seals, sizeof(seals), "%s", strerrorname_np((int)-f->seals) ?
			 strerrorname_np((int)-f->seals) : "E?");
	n = snprintf(buf, size, "fd %d %s %c%c%s seals %s mode %04o size %" PRId64 " pos %" PRId64 "\n",
		     f->fd, kind, (f->access & 1) ? 'r' : '-', (f->access & 2) ? 'w' : '-',
		     f->cloexec ? " cloexec" : "", seals, f->mode, f->size, f->pos);
	return n < 0 ? 0 : (size_t)n;
}

/* Append s to buf[*len..size), keeping it terminated; *len counts all. */
static void append(char *buf, size_t size, size_t *len, const char *s)
{
	for (; *s; s++, (*len)++)
		if (*len + 1 < size) {
			buf[*len] = *s;
			buf[*len + 1] = '\0';
		}
}

size_t conform_data_line(const char *bytes, size_t n, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	append(buf, size, &len, "data \"");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)bytes[i];
		char one[8];

		if (ch == '\n')
			snprintf(one, sizeof(one), "\\n");
		else if (ch == '"' || ch == '\\')
			snprintf(one, sizeof(one), "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			snprintf(one, sizeof(one), "\\%03o", ch);
		else
			snprintf(one, sizeof(one), "%c", ch);
		append(buf, size, &len, one);
	}
	append(buf, size, &len, "\"\n");
	return len;
}

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
#define MEMFD_PREFIX "/memfd:"
#define DELETED " (deleted)"
#define FD_MEMFD "memfd ino "

struct ino_table {
	uint64_t *ino;
	size_t n, cap;
};

/* The ranks of a run: shared anonymous memory and memfds counted apart,
 * so that the mm area's numbers do not depend on memfds. */
struct ino_ranks {
	struct ino_table shmem, memfd;
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

static bool ends_with(const char *p, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n > k && !memcmp(p + n - k, suffix, k);
}

/* The table a maps line's inode is ranked in: shared anonymous memory,
 * a memfd, or none (NULL) for anything else. */
static struct ino_table *maps_table(struct ino_ranks *r, const char *p, size_t n)
{
	const char *m;

	if (ends_with(p, n, SHMEM_NAME))
		return &r->shmem;
	m = memchr(p, '/', n);
	if (m && (size_t)(p + n - m) > strlen(MEMFD_PREFIX) &&
	    !memcmp(m, MEMFD_PREFIX, strlen(MEMFD_PREFIX)) && ends_with(p, n, DELETED))
		return &r->memfd;
	return NULL;
}

/* A maps line "range perms offset dev inode <pad> name" with its inode
 * as "#k": the padding is redone as fs/proc/task_mmu.c: show_map_vma
 * pads (the header, then spaces to column 72, then one). 1 when it was
 * such a line, 0 when not, -1 when out of memory. */
static int normalise_maps_line(FILE *f, const char *p, size_t n, struct ino_table *t)
{
	size_t i = 0, ino_at, name_at;
	uint64_t ino = 0;
	char head[160];
	long k;
	int hlen;

	for (int field = 0; field < 4 && i < n; field++) {
		while (i < n && p[i] != ' ')
			i++;
		while (i < n && p[i] == ' ')
			i++;
	}
	ino_at = i;
	while (i < n && p[i] >= '0' && p[i] <= '9')
		ino = ino * 10 + (uint64_t)(p[i++] - '0');
	if (i == ino_at || ino_at > 120)
		return 0;
	for (name_at = i; name_at < n && p[name_at] == ' '; name_at++)
		;
	k = ino_rank(t, ino);
	if (k < 0)
		return -1;
	hlen = snprintf(head, sizeof(head), "%.*s#%ld ", (int)ino_at, p, k);
	fprintf(f, "%s%*s %.*s\n", head, hlen < NAME_COLUMN ? NAME_COLUMN - hlen : 0, "",
		(int)(n - name_at), p + name_at);
	return 1;
}

/* "fd 3 memfd ino 1043 rw ..." as "fd 3 memfd #k rw ...". */
static int normalise_fd_line(FILE *f, const char *p, size_t n, struct ino_table *t)
{
	const char *at = strstr(p, " " FD_MEMFD);
	const char *digits, *q;
	uint64_t ino = 0;
	long k;

	if (!at || at >= p + n)
		return 0;
	digits = at + 1 + strlen(FD_MEMFD);
	for (q = digits; q < p + n && *q >= '0' && *q <= '9'; q++)
		ino = ino * 10 + (uint64_t)(*q - '0');
	if (q == digits)
		return 0;
	k = ino_rank(t, ino);
	if (k < 0)
		return -1;
	fprintf(f, "%.*s memfd #%ld%.*s\n", (int)(at - p), p, k, (int)(p + n - q), q);
	return 1;
}

static int normalise_line(FILE *f, const char *p, size_t n, struct ino_ranks *r)
{
	struct ino_table *t;

	if (n > 3 && !memcmp(p, "fd ", 3))
		return normalise_fd_line(f, p, n, &r->memfd);
	t = maps_table(r, p, n);
	return t ? normalise_maps_line(f, p, n, t) : 0;
}

/* One state text with inode numbers replaced; NULL when out of memory. */
static char *normalise_text(const char *text, struct ino_ranks *r)
{
	char *res = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&res, &len);
	const char *p = text;
	int rc = 0;

	if (!f)
		return NULL;
	while (*p && rc >= 0) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		rc = normalise_line(f, p, n, r);
		if (rc == 0)
			fprintf(f, "%.*s\n", (int)n, p);
		p += n + (nl ? 1 : 0);
	}
	if (fclose(f) != 0 || rc < 0) {
		free(res);
		return NULL;
	}
	return res;
}

int conform_normalise(struct conform_run *r)
{
	struct ino_ranks t;
	int rc = 0;

	memset(&t, 0, sizeof(t));
	for (size_t i = 0; i < r->n && !rc; i++) {
		const char *m = r->obs[i].maps;
		char *norm;

		if (!m || (!strstr(m, SHMEM_NAME) && !strstr(m, MEMFD_PREFIX) &&
			   !strstr(m, FD_MEMFD)))
			continue;
		norm = normalise_text(m, &t);
		if (!norm) {
			rc = -ENOMEM;
			break;
		}
		free(r->obs[i].maps);
		r->obs[i].maps = norm;
	}
	free(t.shmem.ino);
	free(t.memfd.ino);
	return rc;
}

/* Which part of two differing state texts differs first: the window's
 * lines, a descriptor line or read bytes, or a fork() child's lines. */
static enum conform_diff_kind state_diff_kind(const char *a, const char *b)
{
	bool child = false;

	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
		const char *line = *a ? a : b;

		if (la != lb || memcmp(a, b, la) != 0) {
			if (child || !strncmp(line, "-- child", 8))
				return CONFORM_DIFF_CHILD;
			if (!strncmp(line, "fd ", 3) || !strncmp(line, "data ", 5))
				return CONFORM_DIFF_FDS;
			return CONFORM_DIFF_MAPS;
		}
		child |= !strncmp(a, "-- child", 8);
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	return CONFORM_DIFF_MAPS;
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
		if (b->unmodelled)
			return (struct conform_diff){ CONFORM_SAME, 0, 0 };
		if (!(ea && eb) && a->ret != b->ret) {
			d.kind = CONFORM_DIFF_RET;
			return d;
		}
		if (strcmp(a->maps ? a->maps : "", b->maps ? b->maps : "") != 0) {
			d.kind = state_diff_kind(a->maps ? a->maps : "", b->maps ? b->maps : "");
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
	case CONFORM_DIFF_FDS: return "a descriptor's seals, mode, size or position (or the bytes read) differ";
	case CONFORM_DIFF_CHILD: return "a fork() child's window differs";
	case CONFORM_DIFF_DIED: return "the live child died or hung";
	case CONFORM_DIFF_MODEL: return "the model crashed or hung";
	default: return "no difference";
	}
}

static void print_listing(FILE *out, const char *title, const char *maps)
{
	fprintf(out, "-- %s\n%s", title, maps && *maps ? maps : "(no VMA in the window, no descriptor)\n");
}

/* The sequence up to and including the differing call, each call with the
 * kernel's result, the model's under it where it differs; then the
 * windows. */
static void print_case(FILE *out, const struct conform_seq *s, const struct both *b)
{
	size_t upto = b->diff.kind == CONFORM_SAME ? s->n : b->diff.call + 1;
	char line[2048], ret[160];

	fprintf(out, "-- sequence (paste into a file; mmsim conform --replay FILE)\n");
	if (s->area != CONFORM_AREA_MM)
		fprintf(out, "area %s\n", conform_area_name(s->area));
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

static void describe_skipped_files(FILE *out, enum conform_area area)
{
	if (area == CONFORM_AREA_MM)
		fprintf(out, " file-backed mmap (this area opens no files: only fd -1 without "
			     "MAP_ANONYMOUS, i.e. EBADF; memfd mappings are the memfd area's);");
	else
		fprintf(out, " memfd_create that could succeed with MFD_HUGETLB (a hugetlbfs file maps "
			     "in huge pages, which could reach out of the window: only its EINVAL paths run);"
			     " MADV_REMOVE where memfds are mapped and PROT_EXEC mappings once the sysctl is "
			     "open (model divergences: DISABLED_ tests in tests/conform_memfd_test.cc);"
			     " lseek's SEEK_DATA and SEEK_HOLE (the model does not follow which memfd "
			     "pages are allocated);");
}

/* What the memfd and pidns areas add, and the sysctl rule. */
static void describe_area(FILE *out, const struct conform_env *env, enum conform_area area)
{
	if (area == CONFORM_AREA_MM)
		return;
	fprintf(out, "conform: area %s: descriptors 3-%d of the actor are compared after each "
		     "call (seals, mode, size, position), and the windows of its fork() children\n",
		conform_area_name(area), CONFORM_FD_LIMIT - 1);
	if (area == CONFORM_AREA_MEMFD)
		return;
	fprintf(out, "conform: vm.memfd_noexec here is %d; it is written only in pid namespaces "
		     "the sequence made (ns_new), never in this one\n", env->memfd_noexec);
}

static void describe(FILE *out, const struct conform_env *env, const struct conform_opts *o,
		     enum conform_area area, uint64_t base, unsigned pages)
{
	const struct conform_features *f = &env->feat;
	struct conform_seq tmp;
	struct conform_layout l;

	conform_seq_init(&tmp, base, pages);
	conform_layout_of(&tmp, f->fill ? env->max_map_count : 0, &l);
	bool replaying = o->replay || o->replay_text;

	fprintf(out, "conform: live kernel %s against the model (profile %s); area %s%s",
		env->release, env->profile.name, conform_area_name(area), replaying ? "" : "; seed ");
	if (!replaying)
		fprintf(out, "%#" PRIx64, o->seed);
	fprintf(out, "\nconform: window %#" PRIx64 ", %u pages, margins of %d pages", base, pages,
		CONFORM_MARGIN_PAGES);
	if (f->fill)
		fprintf(out, "; fill area above it");
	if (f->brk && (area == CONFORM_AREA_MM || area == CONFORM_AREA_ALL))
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
	describe_skipped_files(out, area);
	fprintf(out, " MAP_HUGETLB (depends on the hugepage pool);"
		     " MADV_HWPOISON and MADV_SOFT_OFFLINE (act on physical pages as root)\n");
	describe_area(out, env, area);
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

static int run_main(const struct conform_opts *o, FILE *out, FILE *err)
{
	struct conform_env env;
	struct conform_seq replay_seq;
	char msg[512];
	uint64_t base = o->base ? o->base : CONFORM_DEFAULT_BASE;
	unsigned pages = o->pages ? o->pages : CONFORM_DEFAULT_PAGES;
	unsigned sequences = o->sequences, mismatches = 0, done = 0;
	uint64_t calls = 0;
	bool harness = false, replaying = o->replay || o->replay_text;
	enum conform_area area = o->area;
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
		area = replay_seq.area;
		sequences = 1;
	}
	if (conform_detect(&env, base, pages, msg, sizeof(msg)) != 0) {
		fprintf(err, "mmsim conform: %s\n", msg);
		if (replaying)
			conform_seq_free(&replay_seq);
		return 2;
	}
	if ((area == CONFORM_AREA_PIDNS || area == CONFORM_AREA_ALL) && !env.feat.pidns) {
		fprintf(err, "mmsim conform: the %s area needs unshare(CLONE_NEWPID), which this "
			     "process may not do (CAP_SYS_ADMIN)\n", conform_area_name(area));
		if (replaying)
			conform_seq_free(&replay_seq);
		return 2;
	}
	if (o->timeout_ms)
		env.timeout_ms = o->timeout_ms;
	describe(out, &env, o, area, base, pages);
	fflush(out);

	for (unsigned k = 0; k < sequences && !harness; k++) {
		struct conform_gen_opts g = { base, pages, o->calls, env.feat, env.heap_start,
					       env.heap_below, area };
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

/* Signals that end mmsim take its children with them (conform_internal.h:
 * conform_catch_signals), whichever return conform takes. */
int conform_main(const struct conform_opts *o, FILE *out, FILE *err)
{
	int rc;

	conform_catch_signals();
	rc = run_main(o, out, err);
	conform_release_signals();
	return rc;
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
