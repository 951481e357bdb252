/* struct mm: one address space.
 *
 *   0 ... mmap_min_addr ... [start_brk, brk) heap ... mmap area ...
 *         ... mmap_base (top-down allocations start below it) ...
 *         ... [stack] (contains start_stack) ... TASK_SIZE
 *
 * The VMAs live in the store (vma/store.h); map_count is the store's
 * count, kept against max_map_count (vm.max_map_count, 65530 by
 * default) by the syscalls. The [vsyscall] page is not a VMA (it is the
 * gate area, above TASK_SIZE) and is not counted; maps prints it last.
 */
#ifndef MMSIM_CORE_MM_H
#define MMSIM_CORE_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/guards.h"
#include "vma/store.h"
#include "vma/vma.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DEFAULT_MAX_MAP_COUNT 65530
/* mmap_base of a non-randomised process with an 8 MiB stack limit
 * (arch/x86/mm/mmap.c: mmap_base with the 128 MiB floor); verified with
 * setarch -R on 6.18. */
#define DEFAULT_MMAP_BASE UINT64_C(0x7ffff7fff000)

struct mm {
	struct store vmas;
	size_t max_map_count;
	uint64_t mmap_base;
	uint64_t mmap_min_addr;   /* effective: max(vm.mmap_min_addr, LSM floor) */
	uint64_t start_brk, brk;  /* the heap; brk may be unaligned */
	uint64_t start_stack;     /* an address inside the main stack */
	bool has_vsyscall;        /* print the [vsyscall] gate line */
	uint32_t next_anon_vma;   /* ids for anon_vmas, from 1 */
	uint16_t pkeys_allocated; /* bit k: protection key k allocated (key 0 always) */
	/* Without protection keys the kernel's map has room for one key: the
	 * first pkey_alloc takes it and fails (EINVAL), and it is never
	 * given back, so every later one finds no room (ENOSPC). */
	bool pkey_map_full;
	struct guards guards;     /* pages with guard markers (MADV_GUARD_INSTALL) */
	unsigned users;           /* tasks sharing it (CLONE_VM); mm_new's count */
};

/* An empty address space with the default layout parameters. */
void mm_init(struct mm *mm);
/* Free every VMA and node. */
void mm_destroy(struct mm *mm);

/* A heap-allocated empty address space with one user, for processes
 * (core/tasks.h); mm_put by its last user destroys and frees it. */
struct mm *mm_new(void);
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);

/* fork's copy of parent (kernel/fork.c: dup_mmap): a new mm with one
 * user, or NULL when out of memory (core/fork.c). */
struct mm *mm_fork(const struct mm *parent);

static inline size_t mm_map_count(const struct mm *mm)
{
	return mm->vmas.count;
}

/* The kernel's find_vma / vma_lookup on this mm. */
struct vma *mm_find_vma(const struct mm *mm, uint64_t addr);
struct vma *mm_vma_lookup(const struct mm *mm, uint64_t addr);

/* A fresh anon_vma id, for the first touch of a VMA's pages. */
uint32_t mm_new_anon_vma(struct mm *mm);

/* Check every invariant of the address space: the store's structure
 * (store_check) and that each VMA is well formed (page-aligned, non-empty,
 * below TASK_SIZE, permissions within VM_MAY*, shared flags only with a
 * file or shmem backing, special mappings without a file, anon_vma ids
 * handed out) and that the heap range is ordered. Returns 0, or -1 with a
 * message. */
int mm_check(const struct mm *mm, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
