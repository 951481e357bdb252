/* Mechanics the syscall entries share. Not part of the public API. */
#ifndef MMSIM_SYSCALLS_INTERNAL_H
#define MMSIM_SYSCALLS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/files.h"
#include "core/task.h"

#include "syscalls/uapi.h"

/* A page fault, not a syscall, in a VMA's origin. */
enum { NR_TOUCH = -2 };

/* The one unmap path (mm/vma.c: do_vmi_munmap -> vms_gather_munmap_vmas)
 * that munmap, mmap MAP_FIXED, brk shrink, mremap shrink and the
 * MREMAP_FIXED destination all take. [start, end) is page aligned.
 * Returns 0, or -EPERM / -ENOMEM with the reason in t->refusal; a split
 * of the first VMA at start survives a refusal (semantics reference 1.3). */
int mm_unmap(struct task *t, uint64_t start, uint64_t end);

/* do_vmi_munmap: the unmap path behind munmap's own range check (start
 * aligned and in user space, len within it and non-zero after rounding:
 * else EINVAL). munmap, the mremap shrink, the MREMAP_FIXED destination
 * and the source of a move go through it; mmap MAP_FIXED and brk use
 * mm_unmap directly, as the kernel does. */
int mm_munmap(struct task *t, uint64_t start, uint64_t len);

/* Whether a VMA in [start, end) is sealed: the 6.10-6.11 pre-walk
 * (mm/mseal.c: can_modify_mm), used only by profiles that check that way.
 * Records the sealed VMA in t->refusal. */
bool mm_range_has_sealed(struct task *t, uint64_t start, uint64_t end);

/* get_unmapped_area (mm/mmap.c: __get_unmapped_area and the x86 top-down
 * allocator): the address for a new mapping of len bytes, honouring a
 * MAP_FIXED address or a free hint. `shared` is true for mappings that
 * use shmem's allocator. Returns the address or -errno. */
int64_t mm_get_unmapped_area(struct task *t, uint64_t addr, uint64_t len, uint64_t pgoff,
			     uint64_t flags, bool file_backed);

/* The file open at fd in t's table, or NULL. */
static inline struct file *task_file(const struct task *t, int64_t fd)
{
	return t->files ? files_lookup(t->files, fd) : NULL;
}

/* The open file behind a /proc/self/fd/N, /proc/thread-self/fd/N,
 * /proc/PID/fd/N or /dev/fd/N path (syscalls/open.c); NULL with
 * *is_fd_path false for any other path, NULL with it true for a
 * descriptor that is not open. */
struct file *mm_proc_fd_file(struct task *t, const char *path, bool *is_fd_path);

#endif
