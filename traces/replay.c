/* The replay engine: processes, verdict bookkeeping, divergences. The
 * calls themselves are judged in traces/replay_calls.c; reports are
 * written by traces/replay_report.c.
 */
#include "traces/replay.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/maps.h"
#include "core/flags.h"
#include "traces/names.h"
#include "traces/replay_internal.h"

const char *replay_verdict_name(enum replay_verdict v)
{
	static const char *const names[] = { "agree", "diverge", "inferred", "unmodelled", "skipped" };

	return v < REPLAY_NVERDICTS ? names[v] : "?";
}

int replay_init(struct replay *r, const struct replay_opts *opts)
{
	memset(r, 0, sizeof(*r));
	r->opts = *opts;
	if (!r->opts.profile)
		r->opts.profile = &profile_linux_6_18;
	if (!r->opts.keep_divergences)
		r->opts.keep_divergences = 1000;
	return tasks_init(&r->tasks, r->opts.profile);
}

static void drop_held(struct replay *r)
{
	for (size_t i = 0; i < r->nheld; i++)
		free(r->held[i].text);
	free(r->held);
	r->held = NULL;
	r->nheld = r->held_cap = 0;
}

void replay_destroy(struct replay *r)
{
	drop_held(r);
	tasks_destroy(&r->tasks);
	free(r->syscalls);
	free(r->divergences);
	memset(r, 0, sizeof(*r));
}

struct replay_syscall *replay_syscall_row(struct replay_syscall **rows, size_t *n, size_t *cap,
					 struct trace_text name)
{
	size_t len = name.len < sizeof((*rows)->name) - 1 ? name.len : sizeof((*rows)->name) - 1;

	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*rows)[i].name, name.s, len) && !(*rows)[i].name[len])
			return &(*rows)[i];
	if (*n == *cap) {
		size_t grown_cap = *cap ? 2 * *cap : 32;
		struct replay_syscall *grown = realloc(*rows, grown_cap * sizeof(*grown));

		if (!grown)
			return NULL;
		*rows = grown;
		*cap = grown_cap;
	}
	memset(&(*rows)[*n], 0, sizeof(**rows));
	memcpy((*rows)[*n].name, name.s, len);
	return &(*rows)[(*n)++];
}

void replay_count(struct replay *r, int nr, struct trace_text name, enum replay_verdict v)
{
	struct replay_syscall *s;

	/* Known syscalls find their row by number, without comparing names. */
	if (nr >= 0 && nr < REPLAY_NR_SLOTS && r->row_of_nr[nr]) {
		s = &r->syscalls[r->row_of_nr[nr] - 1];
	} else {
		const char *canonical = nr >= 0 ? trace_syscall_name(nr) : NULL;

		/* One row per syscall: 6.1's syscall_0x1ce is mseal. */
		if (canonical)
			name = (struct trace_text){ canonical, strlen(canonical) };
		s = replay_syscall_row(&r->syscalls, &r->nsyscalls, &r->syscalls_cap, name);
		if (s && nr >= 0 && nr < REPLAY_NR_SLOTS)
			r->row_of_nr[nr] = (uint32_t)(s - r->syscalls) + 1;
	}

	r->n[v]++;
	if (s)
		s->n[v]++;
}

void replay_malformed(struct replay *r)
{
	r->malformed++;
}

/* "= 0x7f..." or "= -1 EPERM" for a result, as strace prints it. */
void replay_format_result(int64_t ret, bool hex, char *buf, size_t size)
{
	const char *name;

	if (ret >= 0 || ret < -4095) {
		if (hex && ret)
			snprintf(buf, size, "= %#" PRIx64, (uint64_t)ret);
		else
			snprintf(buf, size, "= %" PRId64, ret);
		return;
	}
	name = trace_errno_name((int)-ret);
	if (name)
		snprintf(buf, size, "= -1 %s", name);
	else
		snprintf(buf, size, "= -1 (errno %d)", (int)-ret);
}

/* "; seals F_SEAL_SEAL (line 3), F_SEAL_WRITE (line 9)": which seals the
 * file had, and the line that set each. */
static size_t explain_seals(const struct refusal *f, char *buf, size_t size)
{
	static const char *const names[] = { "F_SEAL_SEAL", "F_SEAL_SHRINK", "F_SEAL_GROW",
					     "F_SEAL_WRITE", "F_SEAL_FUTURE_WRITE", "F_SEAL_EXEC" };
	size_t n = 0;
	const char *sep = "; seals ";

	for (int k = 0; k < 6 && n < size; k++) {
		if (!(f->seals & (1u << k)))
			continue;
		n += (size_t)snprintf(buf + n, size - n, f->seal_step[k] ? "%s%s (line %" PRIu32 ")" : "%s%s",
				      sep, names[k], f->seal_step[k]);
		sep = ", ";
	}
	return n < size ? n : size;
}

/* Why the model answered as it did: the refusal's rule, the VMA that
 * refused and the line that last changed it. */
static void explain_refusal(const struct task *t, int64_t ret, char *buf, size_t size)
{
	const struct refusal *f = &t->refusal;
	char flags[160];
	size_t n;

	if (ret >= 0 || !f->err) {
		snprintf(buf, size, ret >= 0 ? "the model found nothing to refuse" : "no reason recorded");
		return;
	}
	n = (size_t)snprintf(buf, size, "%s", f->rule ? f->rule : "?");
	if (f->seals)
		n += explain_seals(f, buf + n, n < size ? size - n : 0);
	if (!f->has_vma || n >= size)
		return;
	vm_flags_format(f->flags, flags, sizeof(flags));
	/* smaps ends the list with a space; not here. */
	for (size_t k = strlen(flags); k && flags[k - 1] == ' '; k--)
		flags[k - 1] = '\0';
	n += (size_t)snprintf(buf + n, size - n, "; VMA %" PRIx64 "-%" PRIx64 " [%s]", f->start, f->end, flags);
	if (n < size && f->origin.step)
		snprintf(buf + n, size - n, ", as line %" PRIu32 " left it", f->origin.step);
}

void replay_diverge(struct replay *r, const struct call *c, int64_t model)
{
	struct replay_divergence *d;

	if (r->ndivergences >= r->opts.keep_divergences)
		return;
	if (!r->divergences) {
		r->divergences = calloc(r->opts.keep_divergences, sizeof(*r->divergences));
		if (!r->divergences)
			return;
	}
	d = &r->divergences[r->ndivergences++];
	d->line = c->ev->line;
	d->pid = c->t ? c->t->pid : c->ev->pid;
	snprintf(d->call, sizeof(d->call), "%.*s(%.*s)", (int)c->ev->name.len, c->ev->name.s,
		 (int)(c->ev->args.len < 120 ? c->ev->args.len : 120), c->ev->args.s);
	if (c->ev->args.len >= 120 && strlen(d->call) + 4 < sizeof(d->call))
		memcpy(d->call + strlen(d->call) - 1, "...)", 5);
	replay_format_result(c->kernel, c->hex, d->kernel, sizeof(d->kernel));
	replay_format_result(model, c->hex, d->model, sizeof(d->model));
	explain_refusal(c->t, model, d->why, sizeof(d->why));
}

/* What the model answered, when --explain asks for every refusal. */
static void explain(struct replay *r, const struct call *c, int64_t model)
{
	char res[48], why[256];
	FILE *out = r->opts.explain_out ? r->opts.explain_out : stdout;

	if (model >= 0 && c->kernel >= 0)
		return;
	replay_format_result(model, c->hex, res, sizeof(res));
	explain_refusal(c->t, model, why, sizeof(why));
	fprintf(out, "line %" PRIu64 ": %.*s(%.*s) %s: %s\n", c->ev->line, (int)c->ev->name.len,
		c->ev->name.s, (int)(c->ev->args.len < 100 ? c->ev->args.len : 100), c->ev->args.s, res, why);
}

enum replay_verdict replay_judge(struct call *c, int64_t model)
{
	if (c->r->opts.explain)
		explain(c->r, c, model);
	if (model == c->kernel)
		return c->adopted ? REPLAY_INFERRED : REPLAY_AGREE;
	replay_diverge(c->r, c, model);
	return REPLAY_DIVERGE;
}

/* The task a line of pid belongs to. A pid never seen is a clone child
 * whose result named it in another pid namespace (bound now), or a
 * process whose start the log does not show (adopted). */
struct task *replay_task(struct replay *r, int64_t pid)
{
	struct task *t;

	if (!pid) {
		if (!r->default_pid) {
			t = tasks_start(&r->tasks, 0);
			r->default_pid = t ? t->pid : 0;
			return t;
		}
		pid = r->default_pid;
	}
	t = tasks_find(&r->tasks, pid);
	if (t)
		return t;
	while (r->nawaiting) {
		struct task *child = tasks_find(&r->tasks, r->awaiting[--r->nawaiting]);

		if (child && !tasks_rename(&r->tasks, child, pid))
			return child;
	}
	return tasks_start(&r->tasks, pid);
}

static void print_maps(struct replay *r)
{
	FILE *out = r->opts.maps_out ? r->opts.maps_out : stdout;

	for (size_t b = 0; b < r->tasks.nbuckets; b++)
		for (const struct task *t = r->tasks.bucket[b]; t; t = t->hash_next) {
			struct store_iter it;
			char line[512];

			if (t->tgid != t->pid)
				continue;
			fprintf(out, "pid %" PRId64 " after line %" PRIu64 ":\n", t->pid, r->lines);
			for (struct vma *v = store_iter_seek(&it, &t->mm->vmas, 0); v; v = store_iter_next(&it)) {
				mm_format_maps_line(t->mm, v, line, sizeof(line));
				fputs(line, out);
			}
		}
}

static void task_ended(struct replay *r, const struct trace_event *ev)
{
	struct task *t = tasks_find(&r->tasks, ev->pid ? ev->pid : r->default_pid);

	if (t)
		task_exit(t);
}

/* Copy t's bytes to p and point t there; returns the end. (Empty texts
 * may have no pointer at all: nothing to copy.) */
static char *copy_text(struct trace_text *t, char *p)
{
	if (t->len)
		memcpy(p, t->s, t->len);
	t->s = p;
	return p + t->len;
}

/* Copy ev's texts into one allocation that the held copy owns. */
static int hold(struct replay *r, const struct trace_event *ev)
{
	struct replay_held *h;
	size_t need = ev->name.len + ev->args.len + ev->errname.len + ev->signal.len + 1;
	char *p;

	if (r->nheld == r->held_cap) {
		size_t cap = r->held_cap ? 2 * r->held_cap : 64;
		struct replay_held *grown = realloc(r->held, cap * sizeof(*grown));

		if (!grown)
			return -1;
		r->held = grown;
		r->held_cap = cap;
	}
	h = &r->held[r->nheld];
	h->ev = *ev;
	h->text = p = malloc(need);
	if (!p)
		return -1;
	p = copy_text(&h->ev.name, p);
	p = copy_text(&h->ev.args, p);
	p = copy_text(&h->ev.errname, p);
	copy_text(&h->ev.signal, p);
	r->nheld++;
	return 0;
}

static void process(struct replay *r, const struct trace_event *ev);

/* Replay, in order, the held events of pid (all of them: pid < 0). */
static void release(struct replay *r, int64_t pid)
{
	size_t i = 0;

	while (i < r->nheld) {
		struct replay_held h = r->held[i];

		if (pid >= 0 && h.ev.pid != pid) {
			i++;
			continue;
		}
		size_t left;

		memmove(&r->held[i], &r->held[i + 1], (r->nheld - i - 1) * sizeof(r->held[0]));
		left = --r->nheld;
		process(r, &h.ev);
		free(h.text);
		/* process() released others (a clone among them): the ones
		 * before i moved, so look again from the start. */
		if (r->nheld != left)
			i = 0;
	}
}

void replay_release_held(struct replay *r, struct task *child, int64_t result, uint64_t first_line,
			 uint64_t line)
{
	int64_t candidate = -1, was = child->pid;

	for (size_t i = 0; i < r->nheld; i++) {
		const struct trace_event *ev = &r->held[i].ev;

		const struct task *owner = tasks_find(&r->tasks, ev->pid);

		if (ev->first_line <= first_line || ev->first_line >= line || (owner && owner != child))
			continue;
		if (ev->pid == result) {
			candidate = result;
			break;
		}
		if (candidate < 0)
			candidate = ev->pid;
	}
	if (candidate < 0)
		return;
	/* A child in another pid namespace: its lines carry the number the
	 * clone result does not. */
	if (child->pid != candidate && tasks_rename(&r->tasks, child, candidate))
		return;
	/* It is named now: it waits no more. */
	for (size_t i = 0; i < r->nawaiting; i++)
		if (r->awaiting[i] == was) {
			r->awaiting[i] = r->awaiting[--r->nawaiting];
			break;
		}
	release(r, candidate);
}

void replay_note_exit(struct replay *r, const struct task *t, bool group)
{
	for (size_t b = 0; b < r->tasks.nbuckets; b++)
		for (const struct task *o = r->tasks.bucket[b]; o; o = o->hash_next)
			if (o == t || (group && o->tgid == t->tgid)) {
				r->exited[r->exited_next] = o->pid;
				r->exited_next = (r->exited_next + 1) % (sizeof(r->exited) / sizeof(r->exited[0]));
			}
}

/* Whether ev is the "+++ exited" or "+++ killed" line of a task an exit
 * call removed already (and forget it: the pid may be reused). */
static bool exit_line_of_gone(struct replay *r, const struct trace_event *ev)
{
	if (ev->kind != TRACE_EXITED && ev->kind != TRACE_KILLED)
		return false;
	for (size_t i = 0; i < sizeof(r->exited) / sizeof(r->exited[0]); i++)
		if (r->exited[i] == ev->pid) {
			r->exited[i] = 0;
			return true;
		}
	return false;
}

/* Whether ev belongs to a pid no task has yet, while some task exists:
 * then it waits for the clone that made it. The exit line of a task that
 * is already gone waits for nothing (held, it would stay to the end, and
 * every later clone would search it). */
static bool must_wait(struct replay *r, const struct trace_event *ev)
{
	return ev->pid && r->tasks.count && !r->nawaiting && !tasks_find(&r->tasks, ev->pid) &&
	       !exit_line_of_gone(r, ev);
}

/* The stderr form: the process whose lines had no pid turns out to be
 * ev->unprefixed_pid; the task made for them takes that number. */
static void name_default(struct replay *r, const struct trace_event *ev)
{
	struct task *t;

	if (!ev->unprefixed_pid || !r->default_pid || r->default_pid == ev->unprefixed_pid)
		return;
	t = tasks_find(&r->tasks, r->default_pid);
	if (t && !tasks_find(&r->tasks, ev->unprefixed_pid) && !tasks_rename(&r->tasks, t, ev->unprefixed_pid))
		r->default_pid = ev->unprefixed_pid;
}

void replay_event(struct replay *r, const struct trace_event *ev)
{
	/* The snapshot's process is the first one the log names. */
	if (r->initial_unnamed && ev->pid) {
		struct task *t = tasks_find(&r->tasks, r->default_pid);

		if (t && !tasks_rename(&r->tasks, t, ev->pid))
			r->default_pid = ev->pid;
		r->initial_unnamed = false;
	}
	name_default(r, ev);
	if (must_wait(r, ev)) {
		if (r->nheld >= REPLAY_MAX_HELD)
			release(r, -1);
		if (!hold(r, ev))
			return;
	}
	process(r, ev);
}

static void process(struct replay *r, const struct trace_event *ev)
{
	/* The maps after line N: printed before the first event past it. */
	if (r->opts.maps_at_line && !r->maps_printed && ev->first_line > r->opts.maps_at_line) {
		print_maps(r);
		r->maps_printed = true;
	}
	if (ev->line > r->lines)
		r->lines = ev->line;
	switch (ev->kind) {
	case TRACE_CALL:
		replay_call(r, ev);
		break;
	case TRACE_EXITED:
	case TRACE_KILLED:
		task_ended(r, ev);
		break;
	default:
		break;
	}
}

void replay_finish(struct replay *r)
{
	/* Processes whose creation the log does not show start empty. */
	release(r, -1);
	if (r->opts.maps_at_line && !r->maps_printed) {
		print_maps(r);
		r->maps_printed = true;
	}
}

/* ---- --initial-maps ---------------------------------------------------- */

/* The file a maps line names, as an inode of the kind its path says. */
static struct file *snapshot_file(const char *path, unsigned major, unsigned minor, uint64_t ino,
				  bool shared)
{
	enum inode_kind kind = INODE_REGULAR;
	struct inode *inode;
	struct file *file;

	if (!strncmp(path, "/memfd:", 7))
		kind = INODE_MEMFD;
	else if (!strncmp(path, "/dev/zero", 9))
		kind = shared ? INODE_SHMEM_ANON : INODE_DEVZERO;
	inode = inode_new(kind, major, minor, ino, path);
	file = inode ? file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE) : NULL;
	inode_put(inode);
	return file;
}

/* One line: "start-end perms offset major:minor inode [path]". */
static int snapshot_line(struct mm *mm, char *line, const char **why)
{
	unsigned long long start, end, off, ino;
	unsigned major, minor;
	char perms[8];
	int at = 0;
	vm_flags_t vm = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	struct file *file = NULL;
	struct vma *v;
	char *path;

	*why = "\"start-end perms offset dev inode [path]\"";
	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off, &major, &minor,
		   &ino, &at) < 7 || strlen(perms) != 4 || start >= end || (start | end) & ~PAGE_MASK)
		return -1;
	path = line + at;
	path[strcspn(path, "\n")] = '\0';
	if (end > TASK_SIZE)
		return 0;   /* [vsyscall]: the gate page, not a VMA */
	vm |= (perms[0] == 'r' ? VM_READ : 0) | (perms[1] == 'w' ? VM_WRITE : 0) |
	      (perms[2] == 'x' ? VM_EXEC : 0) | (perms[3] == 's' ? VM_SHARED | VM_MAYSHARE : 0);
	if (!strcmp(path, "[stack]"))
		vm |= VM_GROWSDOWN;
	if (!strcmp(path, "[heap]")) {
		mm->start_brk = start;
		mm->brk = end;
	}
	if (*path == '/') {
		file = snapshot_file(path, major, minor, ino, perms[3] == 's');
		if (!file)
			return -1;
	} else if (perms[3] == 's') {
		*why = "a shared mapping with a file";
		return -1;
	}
	v = vma_new(start, end, vm, file ? off >> PAGE_SHIFT : start >> PAGE_SHIFT, file);
	file_put(file);
	if (!v)
		return -1;
	if (!strcmp(path, "[vdso]"))
		v->special = VMA_VDSO;
	else if (!strcmp(path, "[vvar]"))
		v->special = VMA_VVAR;
	else if (!strcmp(path, "[vvar_vclock]"))
		v->special = VMA_VVAR_VCLOCK;
	if (store_insert(&mm->vmas, v)) {
		vma_free(v);
		*why = "a range that does not overlap the lines before it";
		return -1;
	}
	return 0;
}

int replay_initial_maps(struct replay *r, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct task *t;
	char *line = NULL, check[256];
	size_t cap = 0;
	uint64_t n = 0;
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	t = replay_task(r, 0);
	if (!t) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->initial_unnamed = true;
	while (!rc && getline(&line, &cap, f) > 0) {
		const char *why;

		n++;
		if (snapshot_line(t->mm, line, &why)) {
			snprintf(err, errlen, "%s:%" PRIu64 ": expected %s", path, n, why);
			rc = -1;
		}
	}
	free(line);
	fclose(f);
	if (!rc && mm_check(t->mm, check, sizeof(check))) {
		snprintf(err, errlen, "%s: the mappings are not a valid address space: %s", path, check);
		rc = -1;
	}
	return rc;
}
