/* struct files: a process's fd table (the kernel's files_struct).
 *
 *   fd:   0      1      2      3 ...
 *       [file] [file] [ -- ] [file, close-on-exec]
 *
 * Each slot holds an open file (a reference) and its close-on-exec bit.
 * New descriptors take the lowest free slot (from a floor for F_DUPFD),
 * below the RLIMIT_NOFILE soft limit. Threads made with CLONE_FILES
 * share one table (refs counts them); fork copies it. Entry points
 * return an fd or -errno as the syscalls do (fs/file.c, fs/fcntl.c).
 */
#ifndef MMSIM_CORE_FILES_H
#define MMSIM_CORE_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/file.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RLIMIT_NOFILE's usual soft limit. */
#define DEFAULT_NOFILE 1024

struct fd_slot {
	struct file *file;   /* NULL: free */
	bool cloexec;
};

struct files {
	unsigned refs;
	unsigned max_fds;    /* RLIMIT_NOFILE (soft) */
	struct fd_slot *slot;
	size_t nslots;
};

struct files *files_new(unsigned max_fds);
/* fork without CLONE_FILES: a copy sharing the open files. */
struct files *files_copy(const struct files *files);
void files_get(struct files *files);
/* Give the holder of *files a table of its own if it shares one
 * (unshare(CLONE_FILES), exec, CLOSE_RANGE_UNSHARE): 0 or -ENOMEM. */
int files_unshare(struct files **files);
void files_put(struct files *files);

/* The open file at fd, or NULL. */
struct file *files_lookup(const struct files *files, int64_t fd);
bool files_cloexec(const struct files *files, int64_t fd);
/* fcntl(F_SETFD): set fd's close-on-exec bit; -EBADF if it is not open. */
int64_t files_set_cloexec(struct files *files, int64_t fd, bool cloexec);

/* Install file (taking a new reference) at the lowest free fd >= floor:
 * the fd, or -EMFILE (none free below the limit) / -ENOMEM. */
int64_t files_install(struct files *files, struct file *file, bool cloexec, uint64_t floor);

int64_t files_close(struct files *files, int64_t fd);
int64_t files_dup(struct files *files, int64_t oldfd);
int64_t files_dup2(struct files *files, int64_t oldfd, int64_t newfd);
int64_t files_dup3(struct files *files, int64_t oldfd, int64_t newfd, uint64_t flags);
/* fcntl(F_DUPFD / F_DUPFD_CLOEXEC, floor). */
int64_t files_dupfd(struct files *files, int64_t oldfd, int64_t floor, bool cloexec);
/* close_range(first, last, flags) without CLOSE_RANGE_UNSHARE's copy. */
int64_t files_close_range(struct files *files, uint64_t first, uint64_t last, uint64_t flags);
/* execve: every close-on-exec descriptor closes. */
void files_close_on_exec(struct files *files);

#ifdef __cplusplus
}
#endif

#endif
