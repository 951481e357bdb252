/* Running a conform sequence in the model: a fresh struct mm and task
 * with the detected profile, the same calls through syscalls/sys.h, and
 * after each one the window's lines rendered as /proc prints them.
 *
 * The model sees the live child as it was at the start (from the live
 * run's REC_START): every VMA outside the reserved region is put into
 * the mm as a placeholder with its real range, so that map_count is the
 * kernel's (max_map_count pressure depends on it), and so that the brk
 * and placement searches run into the same obstacles. A placeholder
 * maps a file of its own, so it never merges with anything. Its other
 * attributes are not the kernel's (the model only ever compares the
 * window), which is fine as long as no call changes it -- and none may.
 */
#include "syscalls/conform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/file.h"
#include "core/files.h"
#include "core/maps.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/tasks.h"
#include "memfd/memfd.h"
#include "syscalls/conform_internal.h"
#include "syscalls/sys.h"
#include "sysctl/pidns.h"
#include "vma/store.h"
#include "vma/vma.h"

/* mm_check after each call while the mm is small (it is O(VMAs)); once a
 * fill() made it large, only at the end. */
#define CHECK_EACH_CALL_BELOW 4096

/* A model run of 30 calls takes about a millisecond; seconds mean a loop. */
#define MODEL_TIMEOUT_MS 3000

static int add_placeholders(struct mm *mm, const struct conform_run *live)
{
	struct inode *inode = inode_new(INODE_REGULAR, 0, 0, 0, "(outside the window)");

	if (!inode)
		return -ENOMEM;
	for (size_t i = 0; i < live->noutside; i++) {
		const struct conform_outside *o = &live->outside[i];
		vm_flags_t flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
		struct file *file = NULL;
		struct vma *vma;
		uint8_t special = VMA_NORMAL;

		flags |= o->perms[0] == 'r' ? VM_READ : 0;
		flags |= o->perms[1] == 'w' ? VM_WRITE : 0;
		flags |= o->perms[2] == 'x' ? VM_EXEC : 0;
		flags |= o->perms[3] == 's' ? VM_SHARED | VM_MAYSHARE : 0;
		switch (o->kind) {
		case 1: flags |= VM_GROWSDOWN; break;
		case 2: special = VMA_VDSO; break;
		case 3: special = VMA_VVAR; break;
		case 4: special = VMA_VVAR_VCLOCK; break;
		}
		if (special == VMA_NORMAL) {
			file = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
			if (!file) {
				inode_put(inode);
				return -ENOMEM;
			}
		} else {
			flags &= ~(VM_SHARED | VM_MAYSHARE);
		}
		vma = vma_new(o->start, o->end, flags, o->start >> PAGE_SHIFT, file);
		if (file)
			file_put(file);
		if (!vma) {
			inode_put(inode);
			return -ENOMEM;
		}
		vma->special = special;
		vma->origin = (struct vma_origin){ .step = 0, .nr = -1 };
		if (store_insert(&mm->vmas, vma) != 0) {
			vma_free(vma);
			inode_put(inode);
			return -ENOMEM;
		}
		if (o->kind == 1)
			mm->start_stack = o->end - 8;
	}
	inode_put(inode);
	return 0;
}

/* The processes of a model run, as the live child's mirror:
 *
 *   actor[0] (the first task) --ns_new--> actor[1] --ns_new--> actor[2]
 *      each with its fork() children (holders), oldest first
 *
 * ns_up moves `cur` back; the tasks stay in the table. */
struct model_actor {
	struct task *t;
	unsigned parent;             /* the actor whose ns_new made this one */
	unsigned nholders;
	int64_t holder[CONFORM_MAX_FORKS];
};

struct model {
	struct tasks tasks;
	struct model_actor actor[CONFORM_MAX_NS_NEW + 1];
	unsigned cur, nactors;
	char wbuf[CONFORM_IO_MAX];   /* a write's string, then zeros */
	char rbuf[CONFORM_IO_MAX];
	int64_t data_len;            /* bytes the last call read from the sysctl, or -1 */
	uint64_t fill_next;
	const struct conform_layout *l;
	unsigned max_map_count;
};

static struct task *actor_task(const struct model *m)
{
	return m->actor[m->cur].t;
}

static int64_t model_fork(struct model *m)
{
	struct model_actor *a = &m->actor[m->cur];
	int64_t pid;

	if (a->nholders >= CONFORM_MAX_FORKS)
		return -EAGAIN;
	pid = sys_fork(a->t, 0);
	if (pid < 0)
		return pid;
	a->holder[a->nholders++] = pid;
	return 0;
}

static int64_t model_reap(struct model *m)
{
	struct model_actor *a = &m->actor[m->cur];
	struct task *child;

	if (!a->nholders)
		return -ECHILD;
	child = tasks_find(&m->tasks, a->holder[--a->nholders]);
	if (child)
		sys_exit(child);
	return 0;
}

/* unshare(CLONE_NEWPID), then fork: the child, the init of the new
 * namespace, is the actor from now on (conform_live_proc.c's ns_new). */
static int64_t model_ns_new(struct model *m)
{
	struct task *t = actor_task(m), *child;
	int64_t ret, pid;

	if (m->nactors > CONFORM_MAX_NS_NEW)
		return -EAGAIN;
	ret = sys_unshare(t, CLONE_NEWPID_FLAG);
	if (ret < 0)
		return ret;
	pid = sys_fork(t, 0);
	if (pid < 0)
		return pid;
	child = tasks_find(&m->tasks, pid);
	if (!child || !child->pidns)
		return -ESRCH;
	/* an actor that ns_up left keeps its place; the new one goes on top */
	m->actor[m->nactors] = (struct model_actor){ .t = child, .parent = m->cur };
	m->cur = m->nactors++;
	return (int64_t)(child->pidns->level - m->actor[0].t->pidns->level);
}

static int64_t model_ns_up(struct model *m)
{
	if (m->cur == 0)
		return -ESRCH;
	m->cur = m->actor[m->cur].parent;
	return (int64_t)(actor_task(m)->pidns->level - m->actor[0].t->pidns->level);
}

static bool is_sysctl(struct task *t, int64_t fd)
{
	struct file *file = t->files ? files_lookup(t->files, fd) : NULL;

	return file && file->inode->kind == INODE_SYSCTL;
}

static int64_t model_write(struct model *m, struct task *t, const struct conform_call *c)
{
	const uint64_t *a = c->arg;
	int64_t ret;

	memcpy(m->wbuf, c->str, c->slen);
	ret = c->nr == CONFORM_NR_WRITE ? sys_write(t, (int64_t)a[0], m->wbuf, a[2])
		: sys_pwrite64(t, (int64_t)a[0], m->wbuf, a[2], (int64_t)a[3]);
	memset(m->wbuf, 0, c->slen);
	return ret;
}

static int64_t model_read(struct model *m, struct task *t, const struct conform_call *c)
{
	const uint64_t *a = c->arg;
	int64_t ret = c->nr == CONFORM_NR_READ ? sys_read(t, (int64_t)a[0], m->rbuf, a[1])
		: sys_pread64(t, (int64_t)a[0], m->rbuf, a[1], (int64_t)a[2]);

	if (ret >= 0 && is_sysctl(t, (int64_t)a[0]))
		m->data_len = ret;
	return ret;
}

/* The file, descriptor and process calls. */
static int64_t dispatch_file(struct model *m, const struct conform_call *c)
{
	struct task *t = actor_task(m);
	const uint64_t *a = c->arg;
	int64_t fd = (int64_t)a[0];

	switch (c->nr) {
	case CONFORM_FORK: return model_fork(m);
	case CONFORM_REAP: return model_reap(m);
	case CONFORM_NS_NEW: return model_ns_new(m);
	case CONFORM_NS_UP: return model_ns_up(m);
	case CONFORM_NR_MEMFD_CREATE: return sys_memfd_create(t, c->snull ? NULL : c->str, a[1]);
	case CONFORM_NR_OPENAT:
		return sys_openat(t, (int64_t)a[0], c->snull ? NULL : c->str, a[2], a[3]);
	case CONFORM_NR_WRITE:
	case CONFORM_NR_PWRITE64: return model_write(m, t, c);
	case CONFORM_NR_READ:
	case CONFORM_NR_PREAD64: return model_read(m, t, c);
	case CONFORM_NR_FCNTL: return sys_fcntl(t, fd, a[1], a[2]);
	case CONFORM_NR_CLOSE: return sys_close(t, fd);
	case CONFORM_NR_DUP: return sys_dup(t, fd);
	case CONFORM_NR_DUP2: return sys_dup2(t, fd, (int64_t)a[1]);
	case CONFORM_NR_DUP3: return sys_dup3(t, fd, (int64_t)a[1], a[2]);
	case CONFORM_NR_LSEEK: return sys_lseek(t, fd, (int64_t)a[1], a[2]);
	case CONFORM_NR_FTRUNCATE: return sys_ftruncate(t, fd, (int64_t)a[1]);
	case CONFORM_NR_FCHMOD: return sys_fchmod(t, fd, a[1]);
	case CONFORM_NR_FALLOCATE:
		return sys_fallocate(t, fd, a[1], (int64_t)a[2], (int64_t)a[3]);
	default: return -ENOSYS;
	}
}

static int64_t dispatch(struct model *m, const struct conform_call *c)
{
	struct task *t = actor_task(m);
	uint64_t *fill_next = &m->fill_next;
	const struct conform_layout *l = m->l;
	unsigned max_map_count = m->max_map_count;
	const uint64_t *a = c->arg;

	switch (c->nr) {
	case NR_MMAP:
		return sys_mmap(t, a[0], a[1], a[2], a[3], (int64_t)a[4], a[5]);
	case NR_MUNMAP:
		return sys_munmap(t, a[0], a[1]);
	case NR_MPROTECT:
		return sys_mprotect(t, a[0], a[1], a[2]);
	case NR_PKEY_MPROTECT:
		return sys_pkey_mprotect(t, a[0], a[1], a[2], (int64_t)a[3]);
	case NR_PKEY_ALLOC:
		return sys_pkey_alloc(t, a[0], a[1]);
	case NR_PKEY_FREE:
		return sys_pkey_free(t, (int64_t)a[0]);
	case NR_MREMAP:
		return sys_mremap(t, a[0], a[1], a[2], a[3], a[4]);
	case NR_MADVISE:
		return sys_madvise(t, a[0], a[1], (int64_t)a[2]);
	case NR_BRK:
		return sys_brk(t, a[0]);
	case NR_MSEAL:
		return sys_mseal(t, a[0], a[1], a[2]);
	case CONFORM_TOUCH:
		return sys_touch(t, a[0], a[1] != 0);
	case CONFORM_FILL: {
		/* the live child's fill(), through the model's mmap */
		int64_t need = (int64_t)max_map_count - (int64_t)a[0] - (int64_t)mm_map_count(t->mm);
		int64_t made = 0;
		uint64_t room = (l->fill_hi - l->fill_lo) / PAGE_SIZE;

		while (made < need && *fill_next < room) {
			int64_t r = sys_mmap(t, l->fill_lo + *fill_next * PAGE_SIZE, PAGE_SIZE,
					     (*fill_next & 1) ? PROT_NONE : PROT_READ,
					     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

			if (r < 0 && r >= -4095)
				break;
			(*fill_next)++;
			made++;
		}
		return made;
	}
	default:
		return dispatch_file(m, c);
	}
}

/* The window's lines: maps line, then "VmFlags: ...", per VMA of [lo, hi). */
static void render_window(FILE *f, const struct mm *mm, const struct conform_layout *l)
{
	struct store_iter it;
	char line[512], codes[3 * 64 + 1];

	for (struct vma *v = store_iter_seek(&it, &mm->vmas, l->lo); v && v->start < l->hi;
	     v = store_iter_next(&it)) {
		size_t need = mm_format_maps_line(mm, v, line, sizeof(line));

		if (need < sizeof(line)) {
			fputs(line, f);
		} else {
			char *big = malloc(need + 1);

			if (big) {
				mm_format_maps_line(mm, v, big, need + 1);
				fputs(big, f);
				free(big);
			}
		}
		vm_flags_format(v->flags, codes, sizeof(codes));
		fprintf(f, "VmFlags: %s\n", codes);
	}
}

/* The fd line of descriptor fd of t, as the live child prints it. */
static void render_fd(FILE *f, struct task *t, int fd)
{
	const struct file *file = files_lookup(t->files, fd);
	const struct inode *inode;
	struct conform_fd_state st;
	char line[200];

	if (!file)
		return;
	inode = file->inode;
	memset(&st, 0, sizeof(st));
	st.fd = fd;
	st.kind = inode->kind == INODE_MEMFD || inode->kind == INODE_SHMEM_ANON ? CONFORM_FD_MEMFD
		: inode->kind == INODE_SYSCTL ? CONFORM_FD_SYSCTL : CONFORM_FD_OTHER;
	st.ino = inode->ino;
	st.access = file->mode & (FILE_MODE_READ | FILE_MODE_WRITE);
	st.cloexec = files_cloexec(t->files, fd);
	st.seals = memfd_get_seals(inode);
	st.mode = inode->mode & 07777;
	st.size = (int64_t)inode->size;
	st.pos = (int64_t)file->pos;
	conform_fd_line(&st, line, sizeof(line));
	fputs(line, f);
}

/* Descriptors 3 up, the bytes read, the fork() children's windows. */
static void render_files(FILE *f, const struct model *m)
{
	const struct model_actor *a = &m->actor[m->cur];
	char line[300];

	for (int fd = 3; a->t->files && fd < CONFORM_FD_LIMIT; fd++)
		render_fd(f, a->t, fd);
	if (m->data_len >= 0) {
		conform_data_line(m->rbuf, (size_t)(m->data_len > 64 ? 64 : m->data_len), line,
				  sizeof(line));
		fputs(line, f);
	}
	for (unsigned k = 0; k < a->nholders; k++) {
		struct task *h = tasks_find(&m->tasks, a->holder[k]);

		fprintf(f, "-- child %u\n", k + 1);
		if (h)
			render_window(f, h->mm, m->l);
	}
}

/* The state text after a call (conform.h: struct conform_obs). */
static char *render(const struct model *m, bool files, const char *problem)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	render_window(f, actor_task(m)->mm, m->l);
	if (problem)
		fprintf(f, "!mm_check: %s\n", problem);
	if (files)
		render_files(f, m);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

struct model_ctx {
	const struct conform_env *env;
	const struct conform_seq *s;
	const struct conform_run *live;
};

/* The first task as the live child was at its start: its VMAs outside
 * the region as placeholders, its heap, the machine's vm.memfd_noexec
 * in the initial namespace. */
static int model_start(struct model *m, const struct conform_env *env,
		       const struct conform_run *live)
{
	struct task *t;
	struct mm *mm;

	if (tasks_init(&m->tasks, &env->profile) != 0)
		return -ENOMEM;
	if (env->memfd_noexec > 0)
		m->tasks.root->memfd_noexec = env->memfd_noexec;
	t = tasks_start(&m->tasks, 0);
	if (!t)
		return -ENOMEM;
	mm = t->mm;
	mm->max_map_count = env->max_map_count;
	mm->has_vsyscall = false;
	mm->start_stack = 0;
	if (live && add_placeholders(mm, live) != 0)
		return -ENOMEM;
	if (live) {
		mm->start_brk = live->start_brk;
		mm->brk = live->brk;
	}
	m->actor[0] = (struct model_actor){ .t = t };
	m->nactors = 1;
	return 0;
}

/* One call on the current actor; a placement elsewhere is undone. */
static int64_t model_call(struct model *m, const struct conform_seq *s, size_t i)
{
	const struct conform_call *c = &s->calls[i];
	struct task *t = actor_task(m);
	int64_t ret;

	t->step = (uint32_t)(i + 1);
	m->data_len = -1;
	ret = dispatch(m, c);
	if (conform_ret_elsewhere(s, c->nr, ret))
		sys_munmap(t, (uint64_t)ret, page_align(c->nr == NR_MMAP ? c->arg[1] : c->arg[2]));
	return ret;
}

/* In the child: run the calls, one record per call as it completes, so
 * that a model which crashes or hangs still reports the calls before. */
static void model_child(void *arg, int fd)
{
	const struct model_ctx *ctx = arg;
	const struct conform_env *env = ctx->env;
	const struct conform_seq *s = ctx->s;
	bool files = conform_seq_has_files(s);
	struct conform_layout l;
	struct model *m = calloc(1, sizeof(*m));

	conform_layout_of(s, env->feat.fill ? env->max_map_count : 0, &l);
	if (!m || model_start(m, env, ctx->live) != 0) {
		conform_send(fd, REC_ERROR, 0, 0, 0, "out of memory", 13);
		return;
	}
	m->l = &l;
	m->max_map_count = env->max_map_count;
	for (size_t i = 0; i < s->n; i++) {
		struct task *t;
		char problem[256];
		bool check;
		int64_t ret = model_call(m, s, i);
		char *text;

		t = actor_task(m);   /* ns_new and ns_up change it */
		check = mm_map_count(t->mm) < CHECK_EACH_CALL_BELOW || i + 1 == s->n;
		if (t->refusal.err && t->refusal.rule)
			conform_send(fd, REC_RULE, (uint32_t)i, t->refusal.unmodelled, 0,
				     t->refusal.rule, strlen(t->refusal.rule));
		text = render(m, files, check && mm_check(t->mm, problem, sizeof(problem)) ? problem : NULL);
		if (!text) {
			conform_send(fd, REC_ERROR, 0, 0, 0, "out of memory", 13);
			return;
		}
		conform_send(fd, REC_CALL, (uint32_t)i, ret, 0, text, strlen(text));
		free(text);
	}
	conform_send(fd, REC_END, 0, 0, 0, NULL, 0);
	/* no tasks_destroy: the process ends here */
}

int conform_model_run(const struct conform_env *env, const struct conform_seq *s,
		      const struct conform_run *live, struct conform_run *out)
{
	struct model_ctx m = { env, s, live };
	struct conform_child res;
	struct conform_rec r;
	const char *text;
	size_t pos = 0;
	bool ended = false, fills = false;
	int rc;

	memset(out, 0, sizeof(*out));
	out->obs = calloc(s->n ? s->n : 1, sizeof(*out->obs));
	if (!out->obs)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		fills |= s->calls[i].nr == CONFORM_FILL;
	/* the model takes milliseconds: a model that loops is cut short sooner
	 * than a live child */
	rc = conform_child_run(model_child, &m, MODEL_TIMEOUT_MS + (fills ? 120000 : 0), &res);
	if (rc) {
		out->status = CONFORM_HARNESS;
		out->error = conform_strndup("cannot run the model's child", 28);
		return 0;
	}
	while (conform_next_rec(&res, &pos, &r, &text)) {
		if (r.kind == REC_CALL && r.idx == out->n && r.idx < s->n) {
			out->obs[out->n].ret = r.a;
			out->obs[out->n].maps = conform_strndup(text, r.len);
			if (!out->obs[out->n].maps) {
				rc = -ENOMEM;
				break;
			}
			out->n++;
		} else if (r.kind == REC_RULE && r.idx == out->n && r.idx < s->n) {
			out->obs[out->n].rule = conform_strndup(text, r.len);
			out->obs[out->n].unmodelled = r.a != 0;
		} else if (r.kind == REC_END) {
			ended = true;
		} else {
			out->status = CONFORM_HARNESS;
			out->error = conform_strndup(text, r.len);
			break;
		}
	}
	if (!ended && out->status == CONFORM_RAN) {
		out->status = res.timed_out ? CONFORM_TIMEOUT : CONFORM_DIED;
		out->signal = WIFSIGNALED(res.status) ? WTERMSIG(res.status) : 0;
	}
	free(res.buf);
	return rc ? rc : conform_normalise(out);
}
