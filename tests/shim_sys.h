/* C helpers for the syscall suites (tests/sys_*_test.cc).
 *
 * Every suite runs its calls in a fresh task with the linux-6.18
 * profile and looks at a test window of pages from SHIM_SYS_BASE, the
 * way a kernel probe maps a window with MAP_FIXED_NOREPLACE and reads
 * /proc/self/smaps. Layouts are written in the semantics reference's
 * notation, pages counted from the window's base:
 *
 *   "0-1:rw-p 1-3:r--p+S"   pages 0..0 read-write private, then pages
 *                            1..2 read-only and sealed
 *
 * A caller may ask for more VmFlags codes: with VM_ACCOUNT|VM_DONTCOPY a
 * VMA reads "0-4:rw-p+dc+ac". Codes come in vm_flags bit order, as smaps
 * prints them, and "+S" (VM_SEALED, smaps' `sl`) always comes last.
 *
 * Only for tests.
 */
#ifndef MMSIM_TESTS_SHIM_SYS_H
#define MMSIM_TESTS_SHIM_SYS_H

#include <stddef.h>
#include <stdint.h>

/* vma/refusal.h clears a struct with a C compound literal, which C++
 * compilers see as missing field initializers: not this file's concern. */
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include "core/task.h"
#include "syscalls/sys.h"
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The test window: page i is SHIM_SYS_BASE + i * PAGE_SIZE. Far from
 * mmap_base, so that top-down placement never lands in it. */
#define SHIM_SYS_BASE UINT64_C(0x7f3400000000)
#define SHIM_SYS_WINDOW (UINT64_C(1) << 32)
/* start_brk of the task: where a non-randomised process's heap starts. */
#define SHIM_SYS_HEAP UINT64_C(0x555555560000)
/* Where shim_sys_fill_to puts its one-page filler VMAs, out of sight. */
#define SHIM_SYS_FILL UINT64_C(0x200000000000)

static inline uint64_t shim_sys_page(int64_t i)
{
	return SHIM_SYS_BASE + (uint64_t)i * PAGE_SIZE;
}

/* A task with its own empty mm and the linux-6.18 profile, heap empty at
 * SHIM_SYS_HEAP, vm.max_map_count as the profile says. NULL when out of
 * memory. Free with shim_sys_task_free. */
struct task *shim_sys_task_new(void);
void shim_sys_task_free(struct task *t);

/* mmap(page `first`, n pages, prot, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED|
 * extra): the result of sys_mmap. */
int64_t shim_sys_map(struct task *t, int64_t first, unsigned n, uint64_t prot, uint64_t extra);

/* The window's layout, pages relative to SHIM_SYS_BASE, showing the codes
 * of the flags in `extras` besides the permissions. The text lives in a
 * static buffer until the next draw. "" when the window is empty. */
const char *shim_sys_draw(const struct task *t, vm_flags_t extras);
/* The same for the heap: VMAs from start_brk up, pages relative to it. */
const char *shim_sys_draw_heap(const struct task *t, vm_flags_t extras);
/* The same for any `len` bytes from `base`, pages relative to base. */
const char *shim_sys_draw_at(const struct task *t, uint64_t base, uint64_t len,
			     vm_flags_t extras);

/* mm_check, returning its message ("" when it passes). */
const char *shim_sys_check(const struct task *t);

/* Add one-page read-only VMAs two pages apart from SHIM_SYS_FILL on
 * (through sys_mmap, so the count rule of mmap holds) until the mm has
 * `count` VMAs. Returns 0, or the first failing sys_mmap's result. */
int64_t shim_sys_fill_to(struct task *t, size_t count);

/* A read-only MAP_SHARED mapping of a regular file opened O_RDONLY over
 * pages [first, first + n), as the kernel leaves it: VM_MAYSHARE but
 * neither VM_SHARED nor VM_MAYWRITE (mm/mmap.c: do_mmap clears both for
 * a file not open for writing). Built directly, since the fd table does
 * not exist yet. Returns 0 or -errno. */
int shim_sys_add_rdonly_shared_file(struct task *t, int64_t first, unsigned n);

#ifdef __cplusplus
}

#include <gtest/gtest.h>

#include <string>

/* The fixture every sys_*_test.cc suite derives from: a fresh task per
 * test, page addresses P(i), and setup steps that check their own result
 * and run mm_check like every other step. */
class SysTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		t = shim_sys_task_new();
		ASSERT_NE(t, nullptr);
	}
	void TearDown() override { shim_sys_task_free(t); }

	static uint64_t P(int64_t i) { return shim_sys_page(i); }
	static constexpr uint64_t PG = PAGE_SIZE;

	std::string Draw(vm_flags_t extras = 0) const { return shim_sys_draw(t, extras); }
	std::string DrawHeap(vm_flags_t extras = 0) const { return shim_sys_draw_heap(t, extras); }
	void Check() const { EXPECT_STREQ(shim_sys_check(t), ""); }

	/* Setup steps: each must succeed. */
	void Map(int64_t first, unsigned n, uint64_t prot, uint64_t extra = 0)
	{
		EXPECT_EQ(shim_sys_map(t, first, n, prot, extra), (int64_t)P(first));
		Check();
	}
	void Unmap(int64_t first, unsigned n)
	{
		EXPECT_EQ(sys_munmap(t, P(first), n * PG), 0);
		Check();
	}
	void Protect(int64_t first, unsigned n, uint64_t prot)
	{
		EXPECT_EQ(sys_mprotect(t, P(first), n * PG, prot), 0);
		Check();
	}
	void Seal(int64_t first, unsigned n)
	{
		EXPECT_EQ(sys_mseal(t, P(first), n * PG, 0), 0);
		Check();
	}
	/* A write fault on page `page`: gives its VMA an anon_vma. */
	void Touch(int64_t page)
	{
		EXPECT_EQ(sys_touch(t, P(page), true), 0);
		Check();
	}
	void FillTo(size_t count)
	{
		EXPECT_EQ(shim_sys_fill_to(t, count), 0);
		EXPECT_EQ(mm_map_count(t->mm), count);
		Check();
	}
	void SetMax(size_t max) { t->mm->max_map_count = max; }
	size_t Count() const { return mm_map_count(t->mm); }

	struct task *t = nullptr;
};

#endif

#endif
