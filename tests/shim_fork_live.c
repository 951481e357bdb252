/* C helpers for the live fork comparisons; see shim_fork_live.h. */
#include "tests/shim_fork_live.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/maps.h"
#include "core/proclines.h"
#include "core/tasks.h"
#include "syscalls/sys.h"
#include "vma/store.h"

#define WINDOW_LEN ((uint64_t)SHIM_FORK_PAGES * PAGE_SIZE)
/* How long the test waits for P and C to finish their ops. */
#define READY_TIMEOUT_MS 20000

static uint64_t page_addr(unsigned page)
{
	return SHIM_FORK_BASE + (uint64_t)page * PAGE_SIZE;
}

static bool in_window(const struct shim_fork_op *op)
{
	return op->page >= 1 && op->npages >= 1 && op->page + op->npages <= SHIM_FORK_PAGES - 1;
}

static int fail(struct shim_fork_run *out, int err, const char *what)
{
	out->error = err;
	out->what = what;
	return -err;
}

static int check_ops(const struct shim_fork_op *ops, size_t n, struct shim_fork_run *out)
{
	bool after = false;

	if (n > SHIM_FORK_MAX_OPS)
		return fail(out, E2BIG, "more ops than SHIM_FORK_MAX_OPS");
	for (size_t i = 0; i < n; i++) {
		if (!in_window(&ops[i]))
			return fail(out, EINVAL, "an op outside window pages 1..62");
		/* The fork comes between the last "before" op and the first
		 * other one, in both runs. */
		if (ops[i].who == SHIM_FORK_BEFORE && after)
			return fail(out, EINVAL, "a before-fork op listed after a post-fork op");
		after |= ops[i].who != SHIM_FORK_BEFORE;
	}
	return 0;
}

/* ---- live side ---------------------------------------------------------- */

/* One op in the calling process (P or C): 0 or the errno. */
static int live_op(const struct shim_fork_op *op)
{
	char *addr = (char *)(uintptr_t)page_addr(op->page);
	size_t len = (size_t)op->npages * PAGE_SIZE;
	long rc;

	switch (op->kind) {
	case SHIM_FORK_MMAP:
		rc = syscall(SYS_mmap, addr, len, op->prot,
			     op->flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0L);
		if (rc == -1)
			return errno;
		if ((char *)rc != addr) {
			syscall(SYS_munmap, rc, len);
			return EOPNOTSUPP;
		}
		return 0;
	case SHIM_FORK_MPROTECT:
		rc = syscall(SYS_mprotect, addr, len, op->prot);
		break;
	case SHIM_FORK_MADVISE:
		rc = syscall(SYS_madvise, addr, len, op->arg);
		break;
	case SHIM_FORK_MSEAL:
		rc = syscall(__NR_mseal, addr, len, 0UL);
		break;
	case SHIM_FORK_MUNMAP:
		rc = syscall(SYS_munmap, addr, len);
		break;
	case SHIM_FORK_TOUCH:
		for (size_t off = 0; off < len; off += PAGE_SIZE)
			((volatile char *)addr)[off] = 1;
		return 0;
	case SHIM_FORK_READ: {
		int p[2], err = 0;

		if (syscall(SYS_pipe2, p, O_CLOEXEC))
			return errno;
		for (size_t off = 0; off < len && !err; off += PAGE_SIZE) {
			char c;
			long w = syscall(SYS_write, p[1], addr + off, 1L);

			if (w != 1)
				err = w < 0 ? errno : EIO;
			else if (syscall(SYS_read, p[0], &c, 1L) != 1)
				err = EIO;
		}
		syscall(SYS_close, p[0]);
		syscall(SYS_close, p[1]);
		return err;
	}
	default:
		return EINVAL;
	}
	return rc == 0 ? 0 : errno;
}

/* Shared with P and C: the results, C's pid, and P's own errors. */
struct live_shared {
	int results[SHIM_FORK_MAX_OPS];
	int child_pid;
	int fork_errno;
};

static void run_ops(const struct shim_fork_op *ops, size_t n, int who, struct live_shared *sh)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].who == who)
			sh->results[i] = live_op(&ops[i]);
}

/* P: never returns. */
static void run_p(const struct shim_fork_op *ops, size_t n, struct live_shared *sh, int ready,
		  int go)
{
	char c;
	pid_t child;

	run_ops(ops, n, SHIM_FORK_BEFORE, sh);
	child = fork();
	if (child < 0) {
		sh->fork_errno = errno;
		_exit(1);
	}
	if (child == 0) {
		run_ops(ops, n, SHIM_FORK_CHILD, sh);
		if (write(ready, "c", 1) != 1)
			_exit(1);
		/* Stay until the test has read our maps (EOF on go). */
		while (read(go, &c, 1) > 0)
			;
		_exit(0);
	}
	sh->child_pid = child;
	run_ops(ops, n, SHIM_FORK_PARENT, sh);
	if (write(ready, "p", 1) != 1) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		_exit(1);
	}
	while (read(go, &c, 1) > 0)
		;
	waitpid(child, NULL, 0);
	_exit(0);
}

/* A growing string. */
struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void text_add(struct text *t, const char *s, size_t len)
{
	if (t->oom)
		return;
	if (t->len + len + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		char *p;

		while (cap < t->len + len + 1)
			cap *= 2;
		p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, len);
	t->len += len;
	t->p[t->len] = '\0';
}

static char *text_take(struct text *t)
{
	if (t->oom) {
		free(t->p);
		return NULL;
	}
	if (!t->p)
		text_add(t, "", 0);
	return t->p;
}

/* The window's header and VmFlags lines of /proc/pid/smaps. */
static int read_window(pid_t pid, char **out)
{
	char path[64], buf[1 << 16];
	struct proc_lines lr;
	struct text t = { 0 };
	const char *line;
	size_t len;
	bool in = false;
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	rc = proc_lines_open(&lr, path, buf, sizeof(buf));
	if (rc)
		return rc;
	while ((rc = proc_lines_next(&lr, &line, &len)) > 0) {
		uint64_t s, e;

		if (proc_maps_range(line, len, &s, &e)) {
			in = s < SHIM_FORK_BASE + WINDOW_LEN && e > SHIM_FORK_BASE;
			if (in)
				text_add(&t, line, len);
		} else if (in && len >= 8 && !memcmp(line, "VmFlags:", 8)) {
			text_add(&t, line, len);
		}
	}
	proc_lines_close(&lr);
	*out = text_take(&t);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		return rc;
	}
	return *out ? 0 : -ENOMEM;
}

/* Wait for `want` bytes on fd within the timeout: 0, or -errno. */
static int wait_ready(int fd, int want)
{
	char c;

	while (want > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int rc = poll(&pfd, 1, READY_TIMEOUT_MS);

		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return rc < 0 ? -errno : -ETIMEDOUT;
		rc = (int)read(fd, &c, 1);
		if (rc <= 0)
			return rc < 0 ? -errno : -EPIPE;   /* P or C died */
		want--;
	}
	return 0;
}

int shim_fork_live_run(const struct shim_fork_op *ops, size_t n, struct shim_fork_run *out)
{
	struct live_shared *sh;
	int ready[2], go[2], rc, status;
	pid_t p;

	memset(out, 0, sizeof(*out));
	rc = check_ops(ops, n, out);
	if (rc)
		return rc;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return fail(out, errno, "mmap of the shared results");
	if (pipe2(ready, O_CLOEXEC)) {
		munmap(sh, sizeof(*sh));
		return fail(out, errno, "pipe");
	}
	if (pipe2(go, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		munmap(sh, sizeof(*sh));
		return fail(out, errno, "pipe");
	}
	fflush(NULL);
	p = fork();
	if (p == 0) {
		close(ready[0]);
		close(go[1]);
		run_p(ops, n, sh, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (p < 0) {
		rc = fail(out, errno, "fork of P");
	} else if ((rc = wait_ready(ready[0], 2))) {
		rc = fail(out, -rc, sh->fork_errno ? "P's fork of C" : "P and C finishing their ops");
		if (sh->child_pid > 0)
			kill(sh->child_pid, SIGKILL);
		kill(p, SIGKILL);
	} else if ((rc = read_window(p, &out->parent_smaps)) ||
		   (rc = read_window(sh->child_pid, &out->child_smaps))) {
		rc = fail(out, -rc, "reading /proc/PID/smaps");
	}
	close(go[1]);   /* P and C leave */
	close(ready[0]);
	if (p > 0)
		waitpid(p, &status, 0);
	memcpy(out->results, sh->results, sizeof(out->results));
	munmap(sh, sizeof(*sh));
	return rc;
}

/* ---- model side ----------------------------------------------------------- */

static int model_op(struct task *t, const struct shim_fork_op *op)
{
	uint64_t addr = page_addr(op->page), len = (uint64_t)op->npages * PAGE_SIZE;
	int64_t rc;

	switch (op->kind) {
	case SHIM_FORK_MMAP:
		rc = sys_mmap(t, addr, len, (uint64_t)op->prot,
			      (uint64_t)op->flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (rc < 0)
			return (int)-rc;
		return (uint64_t)rc == addr ? 0 : EOPNOTSUPP;
	case SHIM_FORK_MPROTECT:
		rc = sys_mprotect(t, addr, len, (uint64_t)op->prot);
		break;
	case SHIM_FORK_MADVISE:
		rc = sys_madvise(t, addr, len, op->arg);
		break;
	case SHIM_FORK_MSEAL:
		rc = sys_mseal(t, addr, len, 0);
		break;
	case SHIM_FORK_MUNMAP:
		rc = sys_munmap(t, addr, len);
		break;
	case SHIM_FORK_TOUCH:
	case SHIM_FORK_READ:
		rc = 0;
		for (uint64_t off = 0; off < len && !rc; off += PAGE_SIZE)
			rc = sys_touch(t, addr + off, op->kind == SHIM_FORK_TOUCH);
		break;
	default:
		return EINVAL;
	}
	return rc < 0 ? (int)-rc : 0;
}

static char *model_window(const struct mm *mm)
{
	struct text t = { 0 };
	struct store_iter it;

	for (struct vma *v = store_iter_seek(&it, &mm->vmas, SHIM_FORK_BASE);
	     v && v->start < SHIM_FORK_BASE + WINDOW_LEN; v = store_iter_next(&it)) {
		char line[512], flags[256];
		size_t len = mm_format_maps_line(mm, v, line, sizeof(line));

		text_add(&t, line, len < sizeof(line) ? len : sizeof(line) - 1);
		text_add(&t, "VmFlags: ", 9);
		len = vm_flags_format(v->flags, flags, sizeof(flags));
		text_add(&t, flags, len < sizeof(flags) ? len : sizeof(flags) - 1);
		text_add(&t, "\n", 1);
	}
	return text_take(&t);
}

int shim_fork_model_run(const struct shim_fork_op *ops, size_t n, struct shim_fork_run *out)
{
	struct tasks tasks;
	struct task *parent, *child = NULL;
	struct text check = { 0 };
	char err[256];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = check_ops(ops, n, out);
	if (rc)
		return rc;
	if (tasks_init(&tasks, &profile_linux_6_18))
		return fail(out, ENOMEM, "tasks_init");
	parent = tasks_start(&tasks, 0);
	if (!parent) {
		tasks_destroy(&tasks);
		return fail(out, ENOMEM, "tasks_start");
	}
	for (size_t i = 0; i <= n; i++) {
		if (!child && (i == n || ops[i].who != SHIM_FORK_BEFORE)) {
			int64_t pid = sys_fork(parent, 0);

			child = pid > 0 ? tasks_find(&tasks, pid) : NULL;
			if (!child) {
				tasks_destroy(&tasks);
				return fail(out, pid < 0 ? (int)-pid : ESRCH, "the model's fork");
			}
		}
		if (i < n)
			out->results[i] = model_op(ops[i].who == SHIM_FORK_CHILD ? child : parent, &ops[i]);
	}
	out->parent_smaps = model_window(parent->mm);
	out->child_smaps = model_window(child->mm);
	if (mm_check(parent->mm, err, sizeof(err))) {
		text_add(&check, "parent: ", 8);
		text_add(&check, err, strlen(err));
	}
	if (mm_check(child->mm, err, sizeof(err))) {
		text_add(&check, " child: ", 8);
		text_add(&check, err, strlen(err));
	}
	out->check = text_take(&check);
	tasks_destroy(&tasks);
	if (!out->parent_smaps || !out->child_smaps || !out->check)
		return fail(out, ENOMEM, "rendering");
	return 0;
}

void shim_fork_run_release(struct shim_fork_run *out)
{
	free(out->parent_smaps);
	free(out->child_smaps);
	free(out->check);
	memset(out, 0, sizeof(*out));
}

/* ---- kernel support --------------------------------------------------- */

int shim_fork_have_guard_install(void)
{
	long p = syscall(SYS_mmap, NULL, (size_t)PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
	int ok;

	if (p == -1)
		return 0;
	ok = syscall(SYS_madvise, p, (size_t)PAGE_SIZE, MADV_GUARD_INSTALL) == 0;
	syscall(SYS_munmap, p, (size_t)PAGE_SIZE);
	return ok;
}

int shim_fork_have_mseal(void)
{
	return syscall(__NR_mseal, 0UL, 0UL, 0UL) == 0 || errno != ENOSYS;
}

int shim_fork_window_free(void)
{
	long p = syscall(SYS_mmap, (void *)(uintptr_t)SHIM_FORK_BASE, (size_t)WINDOW_LEN, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0L);

	if (p == -1)
		return 0;
	syscall(SYS_munmap, p, (size_t)WINDOW_LEN);
	return (uint64_t)p == SHIM_FORK_BASE;
}
