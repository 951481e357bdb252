/* openat(2) of the paths the model holds (fs/namei.c: do_open, fs/proc):
 *
 *   /proc/self/fd/N, /proc/thread-self/fd/N, /dev/fd/N, /proc/PID/fd/N
 *        a new open file on the inode behind descriptor N of that task
 *        (its own access mode and position; the seals are the inode's)
 *   /proc/sys/vm/memfd_noexec
 *        the sysctl of the opener's pid namespace
 *
 * Any other path is outside the model: ENOENT, with the refusal marked
 * unmodelled (replay takes such opens from the trace).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/files.h"
#include "core/tasks.h"
#include "memfd/memfd.h"
#include "syscalls/internal.h"
#include "syscalls/sys.h"

/* include/uapi/asm-generic/fcntl.h (facts, x86_64). */
#define O_ACCMODE_BITS 03
#define O_CREAT_BIT 0100
#define O_EXCL_BIT 0200
#define O_TRUNC_BIT 01000
#define O_DIRECTORY_BIT 0200000
#define O_CLOEXEC_BIT 02000000
#define O_PATH_BIT 010000000

/* The number at the start of s, with *end past it; -1 if none. */
static int64_t leading_number(const char *s, const char **end)
{
	int64_t n = 0;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((n = n * 10 + (*s - '0')) > INT32_MAX)
			return -1;
	*end = s;
	return n;
}

/* The task whose /proc directory `path` names ("self", "thread-self", a
 * pid), with *rest past it; NULL when none. */
static struct task *proc_task(struct task *t, const char *path, const char **rest)
{
	int64_t pid;

	if (!strncmp(path, "self/", 5)) {
		*rest = path + 4;
		return t;
	}
	if (!strncmp(path, "thread-self/", 12)) {
		*rest = path + 11;
		return t;
	}
	pid = leading_number(path, rest);
	if (pid < 0 || **rest != '/')
		return NULL;
	if (pid == t->pid)
		return t;
	return t->tasks ? tasks_find(t->tasks, pid) : NULL;
}

struct file *mm_proc_fd_file(struct task *t, const char *path, bool *is_fd_path)
{
	const char *rest = NULL;
	struct task *owner = t;
	int64_t fd;

	*is_fd_path = false;
	if (!strncmp(path, "/proc/", 6)) {
		owner = proc_task(t, path + 6, &rest);
		if (!owner || strncmp(rest, "/fd/", 4))
			return NULL;
		rest += 4;
	} else if (!strncmp(path, "/dev/fd/", 8)) {
		rest = path + 8;
	} else {
		return NULL;
	}
	fd = leading_number(rest, &rest);
	if (fd < 0 || *rest)
		return NULL;
	*is_fd_path = true;
	return owner->files ? files_lookup(owner->files, fd) : NULL;
}

static unsigned open_mode(uint64_t flags)
{
	if (flags & O_PATH_BIT)
		return 0;
	switch (flags & O_ACCMODE_BITS) {
	case 0: return FILE_MODE_READ;
	case 1: return FILE_MODE_WRITE;
	case 2: return FILE_MODE_READ | FILE_MODE_WRITE;
	default: return 0;
	}
}

static int64_t install(struct task *t, struct inode *inode, uint64_t flags)
{
	struct file *file = file_open_path(inode, open_mode(flags));
	int64_t fd;

	if (!file)
		return -ENOMEM;
	fd = files_install(t->files, file, flags & O_CLOEXEC_BIT, 0);
	file_put(file);
	return fd;
}

/* The paths exist already: O_CREAT|O_EXCL and O_DIRECTORY fail on them
 * during the walk (fs/namei.c: open_last_lookups, do_open). */
static int64_t check_existing(struct task *t, uint64_t flags)
{
	if ((flags & (O_CREAT_BIT | O_EXCL_BIT)) == (O_CREAT_BIT | O_EXCL_BIT))
		return refuse(&t->refusal, EEXIST, NULL, "fs/namei.c: do_open: O_CREAT|O_EXCL on a file that exists");
	if (flags & O_DIRECTORY_BIT)
		return refuse(&t->refusal, ENOTDIR, NULL, "fs/namei.c: do_open: O_DIRECTORY on a file");
	return 0;
}

static int64_t reopen(struct task *t, struct inode *inode, uint64_t flags)
{
	int err;

	/* fs/namei.c: handle_truncate, even for O_RDONLY, through the seals
	 * (mm/shmem.c: shmem_setattr). */
	if ((flags & O_TRUNC_BIT) && !(flags & O_PATH_BIT) &&
	    inode_is_shmem(inode)) {
		err = memfd_check_truncate(inode, 0);
		if (err)
			return refuse(&t->refusal, -err, NULL, "fs/namei.c: handle_truncate / mm/shmem.c: shmem_setattr: F_SEAL_SHRINK");
		inode->size = 0;
	}
	return install(t, inode, flags);
}

static int64_t open_sysctl(struct task *t, uint64_t flags)
{
	struct inode *inode;
	int64_t fd;

	/* Tasks are uid 0 in the model: the 0644 file opens for writing,
	 * and a write without CAP_SYS_ADMIN fails later, in the handler (as
	 * for root that dropped the capability, probed). */
	inode = inode_new(INODE_SYSCTL, 0, 0, 0, "/proc/sys/vm/memfd_noexec");
	if (!inode)
		return -ENOMEM;
	inode->mode = 0644;
	fd = install(t, inode, flags);
	inode_put(inode);
	return fd;
}

int64_t sys_openat(struct task *t, int64_t dirfd, const char *path, uint64_t flags, uint64_t mode)
{
	struct file *linked;
	bool is_fd_path;
	int64_t err;

	(void)dirfd;   /* every path the model holds is absolute */
	(void)mode;    /* nothing is created */
	refusal_clear(&t->refusal);
	if (!path)
		return refuse(&t->refusal, EFAULT, NULL, "fs/namei.c: getname: unreadable path");
	if (!t->files)
		return refuse(&t->refusal, EMFILE, NULL, "no fd table");
	if (!strcmp(path, "/proc/sys/vm/memfd_noexec")) {
		err = check_existing(t, flags);
		return err ? err : open_sysctl(t, flags);
	}
	linked = mm_proc_fd_file(t, path, &is_fd_path);
	if (!is_fd_path)
		return refuse_unmodelled(&t->refusal, ENOENT, "a path outside the model");
	if (!linked)
		return refuse(&t->refusal, ENOENT, NULL, "fs/proc/fd.c: no such descriptor");
	err = check_existing(t, flags);
	return err ? err : reopen(t, linked->inode, flags);
}
