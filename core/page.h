/* Page arithmetic for the x86_64 address space mmsim models.
 *
 * 4 KiB pages, 4-level paging: user addresses end at TASK_SIZE, one page
 * below 2^47 (arch/x86/include/asm/page_64_types.h: TASK_SIZE_MAX).
 * Everything here is a pure function of its arguments.
 */
#ifndef MMSIM_CORE_PAGE_H
#define MMSIM_CORE_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAGE_SHIFT 12
#define PAGE_SIZE (UINT64_C(1) << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* The highest user address plus one on 4-level x86_64 paging. */
#define TASK_SIZE ((UINT64_C(1) << 47) - PAGE_SIZE)

/* The kernel's stack_guard_gap default: 256 pages (mm/mmap.c). */
#define STACK_GUARD_GAP (UINT64_C(256) << PAGE_SHIFT)

static inline bool page_aligned(uint64_t addr)
{
	return (addr & ~PAGE_MASK) == 0;
}

/* Round up to a page; wraps to 0 for lengths within a page of 2^64, as
 * the kernel's PAGE_ALIGN does: callers test for that. */
static inline uint64_t page_align(uint64_t len)
{
	return (len + PAGE_SIZE - 1) & PAGE_MASK;
}

static inline uint64_t pages(uint64_t bytes)
{
	return bytes >> PAGE_SHIFT;
}

#ifdef __cplusplus
}
#endif

#endif
