/* The live child's descriptors and processes: the file and descriptor
 * calls, the fd lines of the state, fork() children that keep a copy of
 * the address space, and the actors of ns_new()/ns_up().
 *
 *   actor 0 ── ns_new: unshare(CLONE_NEWPID), fork ──> actor 1 (pid 1)
 *      │ blocks reading actor 1's up pipe               │ runs the calls
 *      │                                                │ ns_up: writes its index up,
 *      │ <──────────── index of the ns_up ──────────────┘ then waits to be killed
 *      │ runs on from there
 *      │ at the end: kills its fork() children and actor 1 (the init of
 *      │ its namespace: the kernel kills the rest, kernel/pid_namespace.c:
 *      │ zap_pid_ns_processes), then sends REC_END
 *
 * Each nested actor sends its own REC_END (its maps outside the region)
 * just before it hands the run up, at ns_up or at the end.
 *
 * An actor that finishes the sequence kills its own children and hands
 * the end (the sequence's length) up the same way. Every child process
 * also dies with its parent (PR_SET_PDEATHSIG) and all are in the first
 * live child's process group, which its parent kills at the end.
 *
 * Like the rest of the child, nothing here allocates: the buffers are
 * the parent's, the syscalls raw.
 */
#include "syscalls/conform.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscalls/conform_internal.h"

/* include/uapi/linux/magic.h */
#define PROC_SUPER_MAGIC_NR 0x9fa0
#define TMPFS_MAGIC_NR 0x01021994
#define HUGETLBFS_MAGIC_NR 0x958458f6
#define CLONE_NEWPID_BIT 0x20000000
#define CLOSE_RANGE_ALL (~0u)

/* ---- small tools ------------------------------------------------------------------ */

static int64_t sys_ret(long r)
{
	return r == -1 ? -(int64_t)errno : (int64_t)r;
}

/* fd moved to `at` or above (close-on-exec), the old number closed. */
static int move_up(int fd, int at)
{
	int to;

	if (fd >= at)
		return fd;
	to = (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, at);
	syscall(SYS_close, fd);
	return to;
}

/* A pipe whose ends live with the harness's descriptors. */
static int harness_pipe(int fds[2])
{
	if (syscall(SYS_pipe2, fds, O_CLOEXEC) != 0)
		return -errno;
	fds[0] = move_up(fds[0], CONFORM_HARNESS_FD);
	fds[1] = move_up(fds[1], CONFORM_HARNESS_FD);
	return fds[0] < 0 || fds[1] < 0 ? -EMFILE : 0;
}

static bool read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* A child of this process dies with it. (Whether the parent went before
 * this ran cannot be told from getppid in another pid namespace; the
 * first live child's parent kills its whole process group anyway.) */
static void die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void kill_and_wait(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/* Wait to be killed (an idle actor, a fork() child). */
static void __attribute__((noreturn)) idle(void)
{
	for (;;)
		pause();
}

/* ---- setting the descriptors up --------------------------------------------------------- */

int live_setup_files(struct child *ch)
{
	int fd = ch->fd;

	if (fd != CONFORM_HARNESS_FD) {
		if (syscall(SYS_dup3, fd, CONFORM_HARNESS_FD, O_CLOEXEC) < 0)
			return -errno;
		syscall(SYS_close, fd);
		ch->fd = CONFORM_HARNESS_FD;
	}
	/* everything mmsim had open goes, so that memfd_create returns 3 as
	 * in the model's fresh process */
	syscall(SYS_close_range, 3, CONFORM_HARNESS_FD - 1, 0);
	syscall(SYS_close_range, CONFORM_HARNESS_FD + 1, CLOSE_RANGE_ALL, 0);
	for (int k = 0; k < 3; k++) {
		if (syscall(SYS_fcntl, k, F_GETFD) >= 0)
			continue;
		fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR);
		if (fd < 0)
			return -errno;
		if (fd != k) {
			syscall(SYS_dup2, fd, k);
			syscall(SYS_close, fd);
		}
	}
	return 0;
}

/* ---- the state: fd lines, the data line, the children's windows -------------------------- */

static enum conform_fd_kind fd_kind(int fd)
{
	struct statfs sf;

	if (fstatfs(fd, &sf) != 0)
		return CONFORM_FD_OTHER;
	if ((unsigned long)sf.f_type == TMPFS_MAGIC_NR || (unsigned long)sf.f_type == HUGETLBFS_MAGIC_NR)
		return CONFORM_FD_MEMFD;
	return (unsigned long)sf.f_type == PROC_SUPER_MAGIC_NR ? CONFORM_FD_SYSCTL : CONFORM_FD_OTHER;
}

/* One descriptor's line, or nothing when it is not open. */
static void fd_state(struct child *ch, int fd)
{
	struct conform_fd_state f;
	struct stat st;
	long flags = syscall(SYS_fcntl, fd, F_GETFD), fl;
	char line[200];
	size_t n;

	if (flags < 0 || fstat(fd, &st) != 0)
		return;
	fl = syscall(SYS_fcntl, fd, F_GETFL);
	memset(&f, 0, sizeof(f));
	f.fd = fd;
	f.kind = fd_kind(fd);
	f.ino = (uint64_t)st.st_ino;
	f.access = (fl & O_ACCMODE) == O_RDONLY ? 1 : (fl & O_ACCMODE) == O_WRONLY ? 2 : 3;
	f.cloexec = flags & FD_CLOEXEC;
	f.seals = sys_ret(syscall(SYS_fcntl, fd, CONFORM_F_GET_SEALS));
	f.mode = st.st_mode & 07777;
	f.size = (int64_t)st.st_size;
	f.pos = sys_ret(syscall(SYS_lseek, fd, 0L, SEEK_CUR));
	n = conform_fd_line(&f, line, sizeof(line));
	live_text_add(ch, line, n < sizeof(line) ? n : sizeof(line) - 1);
}

static int child_window(struct child *ch, unsigned k)
{
	char line[64];

	snprintf(line, sizeof(line), "-- child %u\n", k + 1);
	live_text_add(ch, line, strlen(line));
	snprintf(line, sizeof(line), "/proc/%lld/smaps", (long long)ch->holder_host[k]);
	return live_window_lines(ch, line);
}

int live_capture_files(struct child *ch)
{
	char line[300];
	int rc;

	for (int fd = 3; fd < CONFORM_FD_LIMIT; fd++)
		fd_state(ch, fd);
	if (ch->data_len >= 0) {
		size_t n = conform_data_line(ch->iobuf, (size_t)(ch->data_len > 64 ? 64 : ch->data_len),
					     line, sizeof(line));

		live_text_add(ch, line, n < sizeof(line) ? n : sizeof(line) - 1);
	}
	for (unsigned k = 0; k < ch->nholders; k++)
		if ((rc = child_window(ch, k)) != 0)
			return rc;
	return 0;
}

/* ---- fork() and reap() ------------------------------------------------------------------ */

/* The pid /proc knows this process by: procfs was mounted in actor 0's
 * namespace, where a nested actor's child has another number than the
 * one fork returned. */
static int64_t own_proc_pid(void)
{
	char buf[32];
	long n = syscall(SYS_readlink, "/proc/self", buf, sizeof(buf) - 1);
	int64_t pid = 0;

	if (n <= 0)
		return -1;
	for (long i = 0; i < n; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return -1;
		pid = pid * 10 + (buf[i] - '0');
	}
	return pid;
}

/* The child: tells its /proc pid, lets go of the harness's pipes (so
 * that the parent sees their ends close when an actor dies), and waits
 * to be killed, its copy of the address space alive meanwhile. */
static void __attribute__((noreturn)) holder_main(int wfd)
{
	int64_t pid = own_proc_pid();

	die_with_parent();
	write_all(wfd, &pid, sizeof(pid));
	syscall(SYS_close_range, CONFORM_FD_LIMIT, CLOSE_RANGE_ALL, 0);
	idle();
}

static int64_t live_fork(struct child *ch)
{
	int64_t host = -1;
	int fds[2], rc;
	long pid;

	if (ch->nholders >= CONFORM_MAX_FORKS)
		return -EAGAIN;
	if ((rc = harness_pipe(fds)) != 0)
		return rc;
	pid = syscall(SYS_fork);
	if (pid == 0)
		holder_main(fds[1]);
	syscall(SYS_close, fds[1]);
	if (pid < 0) {
		syscall(SYS_close, fds[0]);
		return -errno;
	}
	if (!read_all(fds[0], &host, sizeof(host)) || host <= 0) {
		syscall(SYS_close, fds[0]);
		kill_and_wait((pid_t)pid);
		return -ESRCH;
	}
	syscall(SYS_close, fds[0]);
	ch->holder[ch->nholders] = (pid_t)pid;
	ch->holder_host[ch->nholders++] = host;
	return 0;
}

static int64_t live_reap(struct child *ch)
{
	if (!ch->nholders)
		return -ECHILD;
	kill_and_wait(ch->holder[--ch->nholders]);
	return 0;
}

/* ---- the file and descriptor calls -------------------------------------------------------- */

/* write and pwrite64: the string, then zeros. In actor 0's namespace no
 * write reaches a /proc file -- conform_call_safe_at refused such a
 * sequence already; this checks the real descriptor once more. */
static int64_t live_write(struct child *ch, const struct conform_call *c, bool *stop)
{
	const uint64_t *a = c->arg;
	int64_t ret;

	if (ch->depth == 0 && (int32_t)a[0] >= 0 && fd_kind((int)a[0]) == CONFORM_FD_SYSCTL) {
		live_send_error(ch, "refused: a write to a /proc file in the first actor's pid "
				    "namespace (vm.memfd_noexec there is the machine's)");
		*stop = true;
		return 0;
	}
	memcpy(ch->wbuf, c->str, c->slen);
	ret = c->nr == CONFORM_NR_WRITE ? sys_ret(syscall(SYS_write, a[0], ch->wbuf, a[2]))
		: sys_ret(syscall(SYS_pwrite64, a[0], ch->wbuf, a[2], a[3]));
	memset(ch->wbuf, 0, c->slen);
	return ret;
}

/* read and pread64; the bytes of a /proc file go into the state. */
static int64_t live_read(struct child *ch, const struct conform_call *c)
{
	const uint64_t *a = c->arg;
	int64_t ret = c->nr == CONFORM_NR_READ ? sys_ret(syscall(SYS_read, a[0], ch->iobuf, a[1]))
		: sys_ret(syscall(SYS_pread64, a[0], ch->iobuf, a[1], a[2]));

	if (ret >= 0 && fd_kind((int)a[0]) == CONFORM_FD_SYSCTL)
		ch->data_len = ret;
	return ret;
}

int64_t live_file_call(struct child *ch, const struct conform_call *c, bool *stop)
{
	const uint64_t *a = c->arg;

	switch (c->nr) {
	case CONFORM_FORK:
		return live_fork(ch);
	case CONFORM_REAP:
		return live_reap(ch);
	case CONFORM_NR_MEMFD_CREATE:
		return sys_ret(syscall(SYS_memfd_create, c->snull ? NULL : c->str, a[1]));
	case CONFORM_NR_OPENAT:
		return sys_ret(syscall(SYS_openat, a[0], c->snull ? NULL : c->str, a[2], a[3]));
	case CONFORM_NR_WRITE:
	case CONFORM_NR_PWRITE64:
		return live_write(ch, c, stop);
	case CONFORM_NR_READ:
	case CONFORM_NR_PREAD64:
		return live_read(ch, c);
	default:
		return sys_ret(syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]));
	}
}

/* ---- pid-namespace actors ---------------------------------------------------------------- */

/* Kill every child of this actor: fork() children, then ns_new children
 * (each the init of its namespace, whose death takes the namespace). */
static void kill_children(struct child *ch)
{
	while (ch->nholders)
		kill_and_wait(ch->holder[--ch->nholders]);
	while (ch->nns) {
		ch->nns--;
		syscall(SYS_close, ch->ns_fd[ch->nns]);
		kill_and_wait(ch->ns_pid[ch->nns]);
	}
}

/* The run goes on in the parent actor from `index`; this one waits to be
 * killed. */
static void __attribute__((noreturn)) hand_up(struct child *ch, uint64_t index)
{
	if (!write_all(ch->up_fd, &index, sizeof(index)))
		_exit(0);
	idle();
}

/* The newest ns_new child died without handing back: end this actor the
 * same way, so that actor 0's parent sees how (a signal, or the exit of
 * an actor that sent REC_ERROR). */
static void __attribute__((noreturn)) child_actor_died(struct child *ch)
{
	pid_t pid = ch->ns_pid[ch->nns - 1];
	int status = 0;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ch->nns--;
	kill_children(ch);
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 4);
}

/* In the new actor, just forked: its own state starts empty. */
static int64_t become_actor(struct child *ch, int up[2])
{
	die_with_parent();
	syscall(SYS_close, up[0]);
	for (unsigned k = 0; k < ch->nns; k++)
		syscall(SYS_close, ch->ns_fd[k]);
	ch->nns = 0;
	ch->nholders = 0;
	ch->up_fd = up[1];
	ch->depth++;
	if (getpid() != 1) {
		live_send_error(ch, "ns_new: the child is not pid 1 of a new namespace");
		_exit(0);
	}
	return (int64_t)ch->depth;
}

int64_t live_ns_new(struct child *ch, bool *resumed)
{
	uint64_t token;
	int up[2], rc;
	long pid;

	*resumed = false;
	if (ch->nns >= CONFORM_MAX_NS_NEW)
		return -EAGAIN;
	if (syscall(SYS_unshare, CLONE_NEWPID_BIT) != 0)
		return -errno;
	if ((rc = harness_pipe(up)) != 0)
		return rc;
	pid = syscall(SYS_fork);
	if (pid == 0)
		return become_actor(ch, up);
	syscall(SYS_close, up[1]);
	if (pid < 0) {
		syscall(SYS_close, up[0]);
		return -errno;
	}
	ch->ns_pid[ch->nns] = (pid_t)pid;
	ch->ns_fd[ch->nns++] = up[0];
	if (!read_all(up[0], &token, sizeof(token)))
		child_actor_died(ch);
	*resumed = true;
	return (int64_t)token;
}

/* A nested actor that hands the run up has run its last call: its
 * outside is checked first (live_send_outside). */
int64_t live_ns_up(struct child *ch, size_t index)
{
	if (ch->up_fd < 0)
		return -ESRCH;
	live_send_outside(ch);
	hand_up(ch, index);
}

void live_finish(struct child *ch)
{
	kill_children(ch);
	if (ch->up_fd >= 0) {
		live_send_outside(ch);
		hand_up(ch, ch->s->n);
	}
}
