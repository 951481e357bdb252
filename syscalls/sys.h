/* The syscall layer: one entry per syscall, taking the kernel's
 * arguments as raw 64-bit values and returning what the syscall returns
 * (a value, or -errno), exactly as Linux does for the task's profile
 * (default linux-6.18). A refusal also says why in task->refusal.
 *
 * Each entry lives in a file of its own (syscalls/mmap.c, ...). They all
 * work on the task's mm through vma/ and core/; none keeps state.
 */
#ifndef MMSIM_SYSCALLS_SYS_H
#define MMSIM_SYSCALLS_SYS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/task.h"
#include "syscalls/uapi.h"

#ifdef __cplusplus
extern "C" {
#endif

int64_t sys_mmap(struct task *t, uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
		 int64_t fd, uint64_t off);
/* Where sys_mmap would place that mapping (the address, or -errno),
 * changing nothing: the placement alone (syscalls/placement.c). */
int64_t sys_mmap_placement(struct task *t, uint64_t addr, uint64_t len, uint64_t flags, int64_t fd,
			   uint64_t off);
int64_t sys_munmap(struct task *t, uint64_t addr, uint64_t len);
int64_t sys_mprotect(struct task *t, uint64_t addr, uint64_t len, uint64_t prot);
int64_t sys_pkey_mprotect(struct task *t, uint64_t addr, uint64_t len, uint64_t prot,
			  int64_t pkey);
int64_t sys_pkey_alloc(struct task *t, uint64_t flags, uint64_t rights);
int64_t sys_pkey_free(struct task *t, int64_t pkey);
int64_t sys_mremap(struct task *t, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		   uint64_t flags, uint64_t new_addr);
int64_t sys_madvise(struct task *t, uint64_t addr, uint64_t len, int64_t advice);
int64_t sys_brk(struct task *t, uint64_t brk);
int64_t sys_mseal(struct task *t, uint64_t addr, uint64_t len, uint64_t flags);

/* The memfd and fd-table syscalls (syscalls/memfd.c). name is the
 * string memfd_create would read (NULL: an unreadable pointer, EFAULT);
 * pwrite64 takes only the length of what it writes. */
int64_t sys_memfd_create(struct task *t, const char *name, uint64_t flags);
int64_t sys_fcntl(struct task *t, int64_t fd, uint64_t cmd, uint64_t arg);
int64_t sys_close(struct task *t, int64_t fd);
int64_t sys_close_range(struct task *t, uint64_t first, uint64_t last, uint64_t flags);
int64_t sys_dup(struct task *t, int64_t fd);
int64_t sys_dup2(struct task *t, int64_t oldfd, int64_t newfd);
int64_t sys_dup3(struct task *t, int64_t oldfd, int64_t newfd, uint64_t flags);
int64_t sys_ftruncate(struct task *t, int64_t fd, int64_t length);
int64_t sys_fchmod(struct task *t, int64_t fd, uint64_t mode);
int64_t sys_fallocate(struct task *t, int64_t fd, uint64_t mode, int64_t off, int64_t len);

/* Reads, writes and lseek (syscalls/readwrite.c). A write's buf is read
 * only where the bytes matter (a /proc/sys file); a read's buf may be
 * NULL when the bytes are not wanted. NULL for a write: EFAULT. */
int64_t sys_read(struct task *t, int64_t fd, char *buf, uint64_t len);
int64_t sys_pread64(struct task *t, int64_t fd, char *buf, uint64_t len, int64_t off);
int64_t sys_write(struct task *t, int64_t fd, const void *buf, uint64_t len);
int64_t sys_pwrite64(struct task *t, int64_t fd, const void *buf, uint64_t len, int64_t off);
int64_t sys_lseek(struct task *t, int64_t fd, int64_t off, uint64_t whence);

/* openat of /proc/self/fd/N (and /proc/PID/fd/N, /dev/fd/N) and of
 * /proc/sys/vm/memfd_noexec (syscalls/open.c); other paths: ENOENT. */
int64_t sys_openat(struct task *t, int64_t dirfd, const char *path, uint64_t flags, uint64_t mode);

/* Processes (syscalls/process.c), for tasks in a table (core/tasks.h):
 * the child's pid or -errno. child_pid is the pid the child gets (what
 * the trace shows), 0 to let the table pick. exit and exit_group free t. */
int64_t sys_fork(struct task *t, int64_t child_pid);
int64_t sys_vfork(struct task *t, int64_t child_pid);
int64_t sys_clone(struct task *t, uint64_t flags, int64_t child_pid);
int64_t sys_clone3(struct task *t, uint64_t flags, uint64_t exit_signal, int64_t child_pid);
int64_t sys_unshare(struct task *t, uint64_t flags);
int64_t sys_execve(struct task *t, const char *path);
int64_t sys_execveat(struct task *t, int64_t dirfd, const char *path, uint64_t flags);
void sys_exit(struct task *t);
void sys_exit_group(struct task *t);

/* Not a syscall: a page fault. Touching a page of a VMA gives the VMA an
 * anon_vma the first time (reusing a compatible neighbour's, as
 * mm/rmap.c: anon_vma_prepare / find_mergeable_anon_vma do), which
 * changes what it may merge with later. Returns 0, or -EFAULT when no VMA
 * holds addr or it does not allow the access. Syscall traces do not show
 * faults; conform performs them, replay guesses them. */
int64_t sys_touch(struct task *t, uint64_t addr, bool write);

#ifdef __cplusplus
}
#endif

#endif
