/* Process syscalls: fork, vfork, clone, clone3, unshare, execve,
 * execveat, exit, exit_group (kernel/fork.c, fs/exec.c, kernel/exit.c).
 * The task table in core/tasks.c does the work; these entries check the
 * arguments as the syscalls do. A standalone task (no table) cannot make
 * processes: ENOSYS.
 *
 * exec: the model does not look paths up or read programs. A path it
 * does not hold names a program that loads; a descriptor (execveat with
 * AT_EMPTY_PATH, or execve of /proc/self/fd/N) is checked the way
 * fs/exec.c: do_open_execat checks the file (a regular file with an exec
 * bit: else EACCES; open for writing elsewhere: ETXTBSY; an empty one:
 * ENOEXEC), and a non-empty executable
 * memfd is taken to hold a program.
 */
#include <errno.h>

#include "core/files.h"
#include "core/tasks.h"
#include "syscalls/internal.h"
#include "syscalls/sys.h"

#define SIGCHLD_NR 17
#define AT_SYMLINK_NOFOLLOW_FLAG 0x100
#define AT_EMPTY_PATH_FLAG 0x1000
/* include/uapi/asm-generic/signal.h: _NSIG, the highest valid signal. */
#define NSIG_MAX 64
/* The 32 legacy clone flags (kernel/fork.c: CLONE_LEGACY_FLAGS). */
#define CLONE_LEGACY_MASK 0xffffffffULL

static int64_t no_table(struct task *t)
{
	return refuse(&t->refusal, ENOSYS, NULL, "a standalone task has no process table");
}

static int64_t clone_result(struct task *t, int64_t ret)
{
	switch (ret) {
	case -EINVAL:
		return refuse(&t->refusal, EINVAL, NULL, "kernel/fork.c: copy_process: clone flags that do not go together");
	case -EPERM:
		return refuse(&t->refusal, EPERM, NULL, "kernel/fork.c: copy_process: a new namespace needs CAP_SYS_ADMIN");
	case -ENOMEM:
		return refuse(&t->refusal, ENOMEM, NULL, "kernel/pid.c: alloc_pid: the pid namespace's init has exited");
	case -ENOSPC:
		return refuse(&t->refusal, ENOSPC, NULL, "kernel/pid_namespace.c: create_pid_namespace: 32 levels deep already");
	case -EEXIST:
		return refuse(&t->refusal, EEXIST, NULL, "the child's pid is taken in the model");
	default:
		return ret;
	}
}

int64_t sys_clone(struct task *t, uint64_t flags, int64_t child_pid)
{
	refusal_clear(&t->refusal);
	if (!t->tasks)
		return no_table(t);
	/* The legacy call ignores CLONE_DETACHED unless with CLONE_PIDFD. */
	if (!(flags & CLONE_PIDFD_FLAG))
		flags &= ~CLONE_DETACHED_FLAG;
	/* The low byte is the exit signal, whatever it holds: clone(0x80)
	 * makes a child, not a time namespace (probed on 6.18.44). */
	return clone_result(t, task_clone(t, flags & CLONE_LEGACY_MASK & ~CSIGNAL_MASK, child_pid, NULL));
}

int64_t sys_fork(struct task *t, int64_t child_pid)
{
	return sys_clone(t, SIGCHLD_NR, child_pid);
}

int64_t sys_vfork(struct task *t, int64_t child_pid)
{
	return sys_clone(t, CLONE_VFORK_FLAG | CLONE_VM_FLAG | SIGCHLD_NR, child_pid);
}

/* clone3's own argument rules (kernel/fork.c: copy_clone_args_from_user,
 * clone3_args_valid), then copy_process's. */
int64_t sys_clone3(struct task *t, uint64_t flags, uint64_t exit_signal, int64_t child_pid)
{
	refusal_clear(&t->refusal);
	if (!t->tasks)
		return no_table(t);
	/* Beyond CSIGNAL or not a valid signal (above _NSIG = 64): 65 and 0xff
	 * are EINVAL, 64 is taken (probed on 6.18.44). */
	if ((exit_signal & ~CSIGNAL_MASK) || exit_signal > NSIG_MAX)
		return refuse(&t->refusal, EINVAL, NULL, "kernel/fork.c: copy_clone_args_from_user: exit_signal is not a valid signal");
	if (flags & ~(CLONE_LEGACY_MASK | CLONE_CLEAR_SIGHAND_FLAG | CLONE_INTO_CGROUP_FLAG))
		return refuse(&t->refusal, EINVAL, NULL, "kernel/fork.c: clone3_args_valid: unknown flags");
	/* CSIGNAL's bit 0x80 is clone3's CLONE_NEWTIME (probed: taken). */
	if (flags & ((CSIGNAL_MASK & ~CLONE_NEWTIME_FLAG) | CLONE_DETACHED_FLAG))
		return refuse(&t->refusal, EINVAL, NULL, "kernel/fork.c: clone3_args_valid: CSIGNAL bits or CLONE_DETACHED in flags");
	if ((flags & (CLONE_SIGHAND_FLAG | CLONE_CLEAR_SIGHAND_FLAG)) == (CLONE_SIGHAND_FLAG | CLONE_CLEAR_SIGHAND_FLAG))
		return refuse(&t->refusal, EINVAL, NULL, "kernel/fork.c: clone3_args_valid: CLONE_SIGHAND with CLONE_CLEAR_SIGHAND");
	if ((flags & (CLONE_THREAD_FLAG | CLONE_PARENT_FLAG)) && exit_signal)
		return refuse(&t->refusal, EINVAL, NULL, "kernel/fork.c: clone3_args_valid: an exit signal for a thread or sibling");
	return clone_result(t, task_clone(t, flags & ~CLONE_CLEAR_SIGHAND_FLAG & ~CLONE_INTO_CGROUP_FLAG,
					  child_pid, NULL));
}

int64_t sys_unshare(struct task *t, uint64_t flags)
{
	int64_t ret;

	refusal_clear(&t->refusal);
	if (!t->tasks)
		return no_table(t);
	ret = task_unshare(t, flags);
	if (ret == -EINVAL)
		return refuse(&t->refusal, EINVAL, NULL,
			      "kernel/fork.c: ksys_unshare: unknown flags, shared state, or a pid namespace already pending");
	return clone_result(t, ret);
}


/* fs/exec.c: do_open_execat on an open file: it must be a regular file
 * with an exec bit (root needs one too: fs/namei.c: generic_permission)
 * and not empty (no binary handler takes it). */
static int64_t check_exec_file(struct task *t, const struct file *file)
{
	const struct inode *inode = file->inode;

	if (inode_is_stream(inode))
		return refuse(&t->refusal, EACCES, NULL, "fs/exec.c: do_open_execat: not a regular file");
	if (inode->kind == INODE_SYSCTL || !(inode->mode & INODE_EXEC_BITS))
		return refuse(&t->refusal, EACCES, NULL,
			      "fs/namei.c: generic_permission: no exec bit (MFD_NOEXEC_SEAL, vm.memfd_noexec or chmod)");
	/* fs/exec.c: exe_file_deny_write_access: not while a descriptor
	 * opened for writing exists (a reopen O_RDWR/O_WRONLY; probed). */
	if (inode->write_openers)
		return refuse(&t->refusal, ETXTBSY, NULL, "fs/exec.c: do_open_execat: the file is open for writing");
	if (!inode->size)
		return refuse(&t->refusal, ENOEXEC, NULL, "fs/exec.c: search_binary_handler: an empty file is no program");
	return 0;
}

/* execve(path): a /proc/self/fd/N path is that descriptor's file, checked
 * as execveat checks it (runc's way of running a sealed memfd); any other
 * path is taken to name a program that loads. */
int64_t sys_execve(struct task *t, const char *path)
{
	const struct file *file;
	bool is_fd_path;
	int64_t err;

	refusal_clear(&t->refusal);
	if (!t->tasks)
		return no_table(t);
	if (!path)
		return refuse(&t->refusal, EFAULT, NULL, "fs/namei.c: getname: unreadable path");
	file = mm_proc_fd_file(t, path, &is_fd_path);
	if (is_fd_path && !file)
		return refuse(&t->refusal, ENOENT, NULL, "fs/proc/fd.c: no such descriptor");
	err = file ? check_exec_file(t, file) : 0;
	return err ? err : task_exec(t);
}

int64_t sys_execveat(struct task *t, int64_t dirfd, const char *path, uint64_t flags)
{
	const struct file *file;
	int64_t err;

	refusal_clear(&t->refusal);
	if (!t->tasks)
		return no_table(t);
	/* The path is copied in (getname_uflags) before do_open_execat looks
	 * at the flags: "" with 0x4 is ENOENT, with AT_EMPTY_PATH|0x4 EINVAL
	 * (probed on 6.18.44). */
	if (!path)
		return refuse(&t->refusal, EFAULT, NULL, "fs/namei.c: getname: unreadable path");
	if (!*path && !(flags & AT_EMPTY_PATH_FLAG))
		return refuse(&t->refusal, ENOENT, NULL, "fs/namei.c: an empty path without AT_EMPTY_PATH");
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW_FLAG | AT_EMPTY_PATH_FLAG))
		return refuse(&t->refusal, EINVAL, NULL, "fs/exec.c: do_open_execat: unknown flags");
	if (*path)
		return task_exec(t);
	file = files_lookup(t->files, dirfd);
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/exec.c: do_open_execat: fd is not open");
	err = check_exec_file(t, file);
	return err ? err : task_exec(t);
}

void sys_exit(struct task *t)
{
	if (t->tasks)
		task_exit(t);
}

void sys_exit_group(struct task *t)
{
	if (t->tasks)
		task_exit_group(t);
}
