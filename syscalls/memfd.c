/* The memfd and fd-table syscalls: memfd_create, fcntl (seals, F_DUPFD,
 * F_GETFD, F_SETFD), close, close_range, dup, dup2, dup3, ftruncate,
 * fchmod, fallocate (mm/memfd.c, fs/fcntl.c, fs/file.c, fs/open.c,
 * mm/shmem.c). Reads, writes and lseek are in syscalls/readwrite.c, open
 * in open.c. The rules live in memfd/ and core/files.c; these entries
 * find the file and count what the rules need.
 */
#include <errno.h>

#include "core/files.h"
#include "memfd/memfd.h"
#include "syscalls/internal.h"
#include "syscalls/sys.h"

#define F_DUPFD_CMD 0
#define F_GETFD_CMD 1
#define F_SETFD_CMD 2
#define FD_CLOEXEC_BIT 1
#define F_DUPFD_CLOEXEC_CMD 1030
#define F_ADD_SEALS_CMD 1033
#define F_GET_SEALS_CMD 1034
#define CLOSE_RANGE_UNSHARE_BIT (1u << 1)
#define CLOSE_RANGE_CLOEXEC_BIT (1u << 2)

/* memfd inodes are numbered by the model; the kernel's numbers are its
 * own, and conform compares them by first appearance. */
static uint64_t next_memfd_ino = 1;

/* Directories and symlinks are not modelled; the rest by kind. */
static bool is_regular(const struct inode *inode)
{
	return !inode_is_stream(inode);
}

int64_t sys_memfd_create(struct task *t, const char *name, uint64_t flags)
{
	struct inode *inode;
	struct file *file;
	int64_t fd;
	int err;

	refusal_clear(&t->refusal);
	err = memfd_create_inode(t->pidns, name, flags, next_memfd_ino, &inode);
	if (err)
		return refuse(&t->refusal, -err, NULL,
			      err == -EACCES ? "mm/memfd.c: check_sysctl_memfd_noexec: MFD_EXEC under vm.memfd_noexec = 2"
					     : "mm/memfd.c: memfd_create: flags or name");
	if (!t->files) {
		inode_put(inode);
		return refuse(&t->refusal, EMFILE, NULL, "no fd table");
	}
	next_memfd_ino++;
	for (int k = 0; k < 6; k++)
		if (inode->seals & (1u << k))
			inode->seal_step[k] = t->step;
	file = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
	inode_put(inode);
	if (!file)
		return -ENOMEM;
	fd = files_install(t->files, file, flags & MFD_CLOEXEC, 0);
	file_put(file);
	return fd;
}

/* F_ADD_SEALS, each refusal named (mm/memfd.c: memfd_add_seals's order),
 * and the step that set each new seal kept for explanations. */
static int64_t add_seals(struct task *t, struct file *file, uint64_t seals)
{
	struct inode *inode = file->inode;
	unsigned before = inode->seals;
	int err = memfd_add_seals(inode, file->mode, seals);

	switch (err) {
	case 0:
		for (int k = 0; k < 6; k++)
			if ((inode->seals & ~before) & (1u << k))
				inode->seal_step[k] = t->step;
		return 0;
	case -EPERM:
		if (!(file->mode & FILE_MODE_WRITE))
			return refuse(&t->refusal, EPERM, NULL, "mm/memfd.c: memfd_add_seals: the file is not open for writing");
		refuse(&t->refusal, EPERM, NULL, "mm/memfd.c: memfd_add_seals: F_SEAL_SEAL forbids more seals");
		return refusal_seals(&t->refusal, inode);
	case -EBUSY:
		refuse(&t->refusal, EBUSY, NULL,
		       "mm/memfd.c: memfd_wait_for_pins: a shared writable mapping exists (in this or another process)");
		return refusal_seals(&t->refusal, inode);
	default:
		return refuse(&t->refusal, -err, NULL, "mm/memfd.c: memfd_add_seals: unknown seal bits, or not a shmem or hugetlbfs file");
	}
}

int64_t sys_fcntl(struct task *t, int64_t fd, uint64_t cmd, uint64_t arg)
{
	struct file *file = task_file(t, fd);

	refusal_clear(&t->refusal);
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/fcntl.c: fcntl: fd is not open");
	switch (cmd) {
	case F_DUPFD_CMD:
	case F_DUPFD_CLOEXEC_CMD:
		return files_dupfd(t->files, fd, (int64_t)arg, cmd == F_DUPFD_CLOEXEC_CMD);
	case F_GETFD_CMD:
		return files_cloexec(t->files, fd) ? FD_CLOEXEC_BIT : 0;
	case F_SETFD_CMD:
		return files_set_cloexec(t->files, fd, arg & FD_CLOEXEC_BIT);
	case F_GET_SEALS_CMD:
		if (memfd_get_seals(file->inode) < 0)
			return refuse(&t->refusal, EINVAL, NULL, "mm/memfd.c: memfd_get_seals: not a shmem or hugetlbfs file");
		return memfd_get_seals(file->inode);
	case F_ADD_SEALS_CMD:
		return add_seals(t, file, arg);
	default:
		return refuse(&t->refusal, EINVAL, NULL, "fs/fcntl.c: a command the model does not know");
	}
}

int64_t sys_close(struct task *t, int64_t fd)
{
	refusal_clear(&t->refusal);
	return t->files ? files_close(t->files, fd) : -EBADF;
}

int64_t sys_dup(struct task *t, int64_t fd)
{
	refusal_clear(&t->refusal);
	return t->files ? files_dup(t->files, fd) : -EBADF;
}

int64_t sys_dup2(struct task *t, int64_t oldfd, int64_t newfd)
{
	refusal_clear(&t->refusal);
	return t->files ? files_dup2(t->files, oldfd, newfd) : -EBADF;
}

int64_t sys_dup3(struct task *t, int64_t oldfd, int64_t newfd, uint64_t flags)
{
	refusal_clear(&t->refusal);
	return t->files ? files_dup3(t->files, oldfd, newfd, flags) : -EBADF;
}

/* close_range(first, last, flags) (fs/file.c): CLOSE_RANGE_UNSHARE gives
 * the task its own copy of a shared table first, so that the closes (or
 * CLOSE_RANGE_CLOEXEC's marks) stay its own. */
int64_t sys_close_range(struct task *t, uint64_t first, uint64_t last, uint64_t flags)
{
	refusal_clear(&t->refusal);
	if (!t->files)
		return -EBADF;
	if ((flags & ~(uint64_t)(CLOSE_RANGE_UNSHARE_BIT | CLOSE_RANGE_CLOEXEC_BIT)) || first > last)
		return refuse(&t->refusal, EINVAL, NULL, "fs/file.c: close_range: unknown flags or first > last");
	if ((flags & CLOSE_RANGE_UNSHARE_BIT) && files_unshare(&t->files))
		return -ENOMEM;
	return files_close_range(t->files, first, last, flags);
}

/* ftruncate: a read-only open file is EINVAL (fs/open.c: do_ftruncate),
 * then the seals (mm/shmem.c: shmem_setattr). */
int64_t sys_ftruncate(struct task *t, int64_t fd, int64_t length)
{
	struct file *file = task_file(t, fd);
	int err;

	refusal_clear(&t->refusal);
	/* fs/open.c: do_sys_ftruncate checks the length before it looks the
	 * descriptor up (conform: ftruncate(-1, -1) is EINVAL on 6.18.44). */
	if (length < 0)
		return refuse(&t->refusal, EINVAL, NULL, "fs/open.c: do_sys_ftruncate: negative length");
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/open.c: ftruncate: fd is not open");
	if (!is_regular(file->inode) || !(file->mode & FILE_MODE_WRITE))
		return refuse(&t->refusal, EINVAL, NULL, "fs/open.c: do_ftruncate: not a regular file open for writing");
	/* A /proc/sys file takes the size change and stays empty
	 * (fs/proc/proc_sysctl.c: proc_sys_setattr), up to procfs's
	 * s_maxbytes, MAX_NON_LFS: past it fs/attr.c: inode_newsize_ok says
	 * EFBIG (probed on 6.18.44: 0x7fffffff is 0, 0x80000000 EFBIG). */
	if (file->inode->kind == INODE_SYSCTL && length > 0x7fffffff)
		return refuse(&t->refusal, EFBIG, NULL, "fs/attr.c: inode_newsize_ok: past procfs's s_maxbytes");
	if (file->inode->kind == INODE_SYSCTL)
		return 0;
	err = memfd_check_truncate(file->inode, (uint64_t)length);
	if (err == -EPERM) {
		refuse(&t->refusal, EPERM, NULL, "mm/shmem.c: shmem_setattr: a seal forbids the size change");
		return refusal_seals(&t->refusal, file->inode);
	}
	if (err)
		return refuse(&t->refusal, -err, NULL, "fs/hugetlbfs/inode.c: hugetlbfs_setattr: not whole huge pages");
	file->inode->size = (uint64_t)length;
	return 0;
}

int64_t sys_fchmod(struct task *t, int64_t fd, uint64_t mode)
{
	struct file *file = task_file(t, fd);
	int err;

	refusal_clear(&t->refusal);
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/open.c: fchmod: fd is not open");
	if (file->inode->kind == INODE_SYSCTL)
		return refuse(&t->refusal, EPERM, NULL, "fs/proc/proc_sysctl.c: proc_sys_setattr: the mode of a sysctl is fixed");
	err = memfd_check_chmod(file->inode, (unsigned)mode & 07777);
	if (err) {
		refuse(&t->refusal, -err, NULL, "mm/shmem.c: shmem_setattr: F_SEAL_EXEC forbids changing an exec bit");
		return refusal_seals(&t->refusal, file->inode);
	}
	file->inode->mode = (unsigned)mode & 07777;
	return 0;
}

int64_t sys_fallocate(struct task *t, int64_t fd, uint64_t mode, int64_t off, int64_t len)
{
	struct file *file = task_file(t, fd);
	int err;

	refusal_clear(&t->refusal);
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/open.c: fallocate: fd is not open");
	err = memfd_fallocate(file->inode, file->mode, mode, off, len);
	if (err == -ENODEV)
		return refuse(&t->refusal, ENODEV, NULL, "fs/open.c: vfs_fallocate: not a regular file");
	if (!err)
		return 0;
	refuse(&t->refusal, -err, NULL, "fs/open.c: vfs_fallocate / mm/shmem.c: shmem_fallocate");
	return err == -EPERM ? refusal_seals(&t->refusal, file->inode) : err;
}
