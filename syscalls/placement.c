/* Where a new mapping goes (mm/mmap.c: __get_unmapped_area, and the x86
 * allocator arch/x86/kernel/sys_x86_64.c: arch_get_unmapped_area_topdown).
 *
 *   MAP_FIXED      the address as given, if it is aligned and fits
 *   a free hint    honoured when [hint, hint+len) is free, keeping the
 *                  guard gap below a stack
 *   otherwise      top-down: the highest gap below mmap_base, then
 *                  bottom-up from TASK_UNMAPPED_BASE if nothing fits
 *   anonymous private, no hint, len a multiple of 2 MiB: the search asks
 *                  for 2 MiB more and aligns (mm/huge_memory.c:
 *                  __thp_get_unmapped_area)
 */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/uapi.h"

#define PMD_SIZE (UINT64_C(2) << 20)
/* mmap_legacy_base without randomisation: PAGE_ALIGN(TASK_SIZE / 3). */
#define TASK_UNMAPPED_BASE page_align(TASK_SIZE / 3)
#define LOW_4G (UINT64_C(1) << 32)

/* The kernel's search: top-down below mmap_base, falling back to
 * bottom-up from TASK_UNMAPPED_BASE (arch_get_unmapped_area_topdown). */
static int64_t search(const struct task *t, uint64_t len, uint64_t flags)
{
	struct store_gap_request req = {
		.length = len,
		.low_limit = PAGE_SIZE,
		.high_limit = t->mm->mmap_base,
	};
	int64_t addr;

	if (flags & MAP_ABOVE4G)
		req.low_limit = LOW_4G;
	/* unmapped_area_topdown raises the floor to mmap_min_addr itself. */
	if (req.low_limit < t->mm->mmap_min_addr)
		req.low_limit = t->mm->mmap_min_addr;
	addr = store_gap_topdown(&t->mm->vmas, &req);
	if (addr >= 0)
		return addr;
	req.low_limit = TASK_UNMAPPED_BASE;
	if (flags & MAP_ABOVE4G && req.low_limit < LOW_4G)
		req.low_limit = LOW_4G;
	req.high_limit = TASK_SIZE;
	return store_gap_bottomup(&t->mm->vmas, &req);
}

/* A hint is taken when the range is free and keeps a stack's guard. */
static bool hint_is_free(const struct task *t, uint64_t addr, uint64_t len)
{
	const struct vma *next;

	if (addr > TASK_SIZE - len)
		return false;
	next = store_find(&t->mm->vmas, addr);
	return !next || addr + len <= vma_start_gap(next);
}

/* mm/huge_memory.c: __thp_get_unmapped_area: search for len + 2 MiB and
 * put the mapping at the 2 MiB boundary that the file offset asks for. */
static int64_t thp_area(const struct task *t, uint64_t len, uint64_t pgoff, uint64_t flags)
{
	uint64_t off = pgoff << PAGE_SHIFT, off_sub;
	int64_t ret;

	if (len + PMD_SIZE < len)
		return -ENOMEM;
	ret = search(t, len + PMD_SIZE, flags);
	if (ret < 0)
		return ret;
	off_sub = (off - (uint64_t)ret) & (PMD_SIZE - 1);
	/* Top-down searches hand out the top of the padded area: take the
	 * aligned start above, not the bottom one. */
	if (off_sub == 0)
		return ret + (int64_t)PMD_SIZE;
	return ret + (int64_t)off_sub;
}

int64_t mm_get_unmapped_area(struct task *t, uint64_t addr, uint64_t len, uint64_t pgoff,
			     uint64_t flags, bool file_backed)
{
	int64_t found;

	if (len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		/* The arch allocator returns a fixed address as it is; the
		 * common code then checks it (order: size, then alignment). */
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (!page_aligned(addr))
			return -EINVAL;
		return (int64_t)addr;
	}
	if (addr) {
		addr &= PAGE_MASK;
		if (hint_is_free(t, addr, len))
			return (int64_t)addr;
	}
	if (!file_backed && !addr && (len & (PMD_SIZE - 1)) == 0) {
		found = thp_area(t, len, pgoff, flags);
		if (found >= 0)
			return found;
	}
	found = search(t, len, flags);
	if (found < 0)
		return -ENOMEM;
	return found;
}

/* Where mmap would put a mapping, without mapping it: the hint rounded as
 * do_mmap rounds it, then the same search (replay counts how often this
 * matches the address a trace shows). */
int64_t sys_mmap_placement(struct task *t, uint64_t addr, uint64_t len, uint64_t flags, int64_t fd,
			   uint64_t off)
{
	bool file_backed = !(flags & MAP_ANONYMOUS) || (flags & MAP_TYPE_MASK) == MAP_SHARED;

	(void)fd;
	if (!len || !page_align(len))
		return -EINVAL;
	addr &= PAGE_MASK;
	if (addr && addr < t->mm->mmap_min_addr)
		addr = page_align(t->mm->mmap_min_addr);
	return mm_get_unmapped_area(t, addr, page_align(len), off >> PAGE_SHIFT, flags, file_backed);
}
