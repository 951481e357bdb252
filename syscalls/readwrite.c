/* read, pread64, write, pwrite64 and lseek on the files the model holds
 * (fs/read_write.c, mm/shmem.c, fs/proc/proc_sysctl.c):
 *
 *   memfd / shmem   the size and the seals; the bytes are not kept
 *   /proc/sys file  vm.memfd_noexec as text, through the int parser
 *   terminal        fds 0-2 of tasks_start: like /dev/null here
 *
 * `buf` holds what a write writes; it is read only where the bytes
 * decide something (a sysctl). NULL stands for an unreadable pointer:
 * EFAULT once the call would copy.
 */
#include <errno.h>

#include "core/files.h"
#include "core/tasks.h"
#include "memfd/memfd.h"
#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "sysctl/pidns.h"

/* The pid namespace whose vm.memfd_noexec a task reads and writes. */
static struct pidns *sysctl_ns(struct task *t)
{
	return t->pidns ? t->pidns : t->tasks ? t->tasks->root : NULL;
}

/* A write of len bytes at off; returns bytes written or -errno. */
static int64_t write_at(struct task *t, struct file *file, const void *buf, uint64_t len,
			uint64_t off)
{
	struct inode *inode = file->inode;
	int64_t n;

	if (!len)
		return 0;
	if (inode->kind == INODE_SYSCTL) {
		struct pidns *ns = sysctl_ns(t);

		if (!buf)
			return refuse(&t->refusal, EFAULT, NULL, "fs/proc/proc_sysctl.c: proc_sys_call_handler: unreadable buffer");
		if (!ns)
			return refuse(&t->refusal, EINVAL, NULL, "a standalone task has no pid namespace");
		n = pidns_write_memfd_noexec(ns, buf, len, off, t->cap_sys_admin);
		if (n < 0)
			return refuse(&t->refusal, (int)-n, NULL,
				      n == -EPERM ? "kernel/pid_sysctl.h: pid_mfd_noexec_dointvec_minmax: CAP_SYS_ADMIN needed"
						  : "kernel/pid_sysctl.h: pid_mfd_noexec_dointvec_minmax: not an int in [parent's value, 2]");
		return n;
	}
	if (!inode_is_shmem(inode))
		return buf ? (int64_t)len : refuse(&t->refusal, EFAULT, NULL, "unreadable buffer");
	n = memfd_write_len(inode, off, len);
	if (n < 0) {
		refuse(&t->refusal, (int)-n, NULL, "mm/shmem.c: shmem_write_begin / file_write_checks: sealed");
		return refusal_seals(&t->refusal, inode);
	}
	if (!buf)
		return refuse(&t->refusal, EFAULT, NULL, "mm/filemap.c: generic_perform_write: unreadable buffer");
	len = (uint64_t)n;
	if (off + len > inode->size)
		inode->size = off + len;
	return (int64_t)len;
}

/* hugetlbfs has no write method: every write, even of nothing, is EINVAL
 * (fs/read_write.c: vfs_write without FMODE_CAN_WRITE). */
static int64_t no_write_method(struct task *t)
{
	return refuse(&t->refusal, EINVAL, NULL, "fs/read_write.c: vfs_write: hugetlbfs files cannot be written");
}

/* ksys_pwrite64's order: the offset, the descriptor, whether the file
 * has offsets at all, then vfs_write's access checks. */
int64_t sys_pwrite64(struct task *t, int64_t fd, const void *buf, uint64_t len, int64_t off)
{
	struct file *file = task_file(t, fd);

	refusal_clear(&t->refusal);
	if (off < 0)
		return refuse(&t->refusal, EINVAL, NULL, "fs/read_write.c: ksys_pwrite64: negative offset");
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/read_write.c: ksys_pwrite64: fd is not open");
	if (inode_is_stream(file->inode))
		return refuse(&t->refusal, ESPIPE, NULL, "fs/read_write.c: ksys_pwrite64: a terminal or pipe has no offsets");
	if (!(file->mode & FILE_MODE_WRITE))
		return refuse(&t->refusal, EBADF, NULL, "fs/read_write.c: vfs_write: not open for writing");
	if (file->inode->huge_page_size)
		return no_write_method(t);
	return write_at(t, file, buf, len, (uint64_t)off);
}

/* write(2) at the file position, which moves on by what was written. */
int64_t sys_write(struct task *t, int64_t fd, const void *buf, uint64_t len)
{
	struct file *file = task_file(t, fd);
	int64_t n;

	refusal_clear(&t->refusal);
	if (!file || !(file->mode & FILE_MODE_WRITE))
		return refuse(&t->refusal, EBADF, NULL, "fs/read_write.c: write: fd not open for writing");
	if (file->inode->huge_page_size)
		return no_write_method(t);
	n = write_at(t, file, buf, len, file->pos);
	if (n > 0 && !inode_is_stream(file->inode))
		file->pos += (uint64_t)n;
	return n;
}

/* A read of up to len bytes at off into buf (may be NULL when the bytes
 * are not wanted): bytes read. */
static int64_t read_at(struct task *t, struct file *file, char *buf, uint64_t len, uint64_t off)
{
	struct inode *inode = file->inode;

	if (inode->kind == INODE_SYSCTL) {
		char text[16];
		struct pidns *ns = sysctl_ns(t);
		size_t n;

		if (!ns)
			return refuse(&t->refusal, EINVAL, NULL, "a standalone task has no pid namespace");
		n = pidns_read_memfd_noexec(ns, text, len < sizeof(text) ? (size_t)len : sizeof(text), off);
		for (size_t i = 0; buf && i < n; i++)
			buf[i] = text[i];
		return (int64_t)n;
	}
	if (!inode_is_shmem(inode) || off >= inode->size)
		return 0;
	return (int64_t)(inode->size - off < len ? inode->size - off : len);
}

int64_t sys_read(struct task *t, int64_t fd, char *buf, uint64_t len)
{
	struct file *file = task_file(t, fd);
	int64_t n;

	refusal_clear(&t->refusal);
	if (!file || !(file->mode & FILE_MODE_READ))
		return refuse(&t->refusal, EBADF, NULL, "fs/read_write.c: read: fd not open for reading");
	n = read_at(t, file, buf, len, file->pos);
	if (n > 0 && !inode_is_stream(file->inode))
		file->pos += (uint64_t)n;
	return n;
}

int64_t sys_pread64(struct task *t, int64_t fd, char *buf, uint64_t len, int64_t off)
{
	struct file *file = task_file(t, fd);

	refusal_clear(&t->refusal);
	if (off < 0)
		return refuse(&t->refusal, EINVAL, NULL, "fs/read_write.c: ksys_pread64: negative offset");
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/read_write.c: ksys_pread64: fd is not open");
	if (inode_is_stream(file->inode))
		return refuse(&t->refusal, ESPIPE, NULL, "fs/read_write.c: ksys_pread64: a terminal or pipe has no offsets");
	if (!(file->mode & FILE_MODE_READ))
		return refuse(&t->refusal, EBADF, NULL, "fs/read_write.c: vfs_read: not open for reading");
	return read_at(t, file, buf, len, (uint64_t)off);
}

/* lseek(2): SEEK_SET, SEEK_CUR, SEEK_END; a negative result is EINVAL. A
 * /proc/sys file is empty to lseek (SEEK_END is 0); a terminal or pipe cannot
 * seek. */
int64_t sys_lseek(struct task *t, int64_t fd, int64_t off, uint64_t whence)
{
	struct file *file = task_file(t, fd);
	int64_t base;

	refusal_clear(&t->refusal);
	if (!file)
		return refuse(&t->refusal, EBADF, NULL, "fs/read_write.c: lseek: fd is not open");
	if (inode_is_stream(file->inode))
		return refuse(&t->refusal, ESPIPE, NULL, "fs/read_write.c: no_llseek: a terminal or pipe cannot seek");
	switch (whence) {
	case 0: base = 0; break;
	case 1: base = (int64_t)file->pos; break;
	case 2: base = (int64_t)file->inode->size; break;
	default: return refuse(&t->refusal, EINVAL, NULL, "fs/read_write.c: lseek: unknown whence");
	}
	if (base + off < 0)
		return refuse(&t->refusal, EINVAL, NULL, "fs/read_write.c: lseek: negative position");
	file->pos = (uint64_t)(base + off);
	return (int64_t)file->pos;
}
