// mmap(addr, len, prot, flags, fd, off): arch/x86/kernel/sys_x86_64.c ->
// mm/mmap.c: ksys_mmap_pgoff -> do_mmap -> mm/vma.c: __mmap_region, with
// placement by __get_unmapped_area (semantics reference §3). Expected
// values are the live 6.18 kernel's ([V] in the reference, or probed on
// 6.18.44 under setarch -R where said). Layouts are pages of the test
// window; mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t ANON = MAP_PRIVATE | MAP_ANONYMOUS;
constexpr uint64_t FIXED = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
constexpr uint64_t kHuge2M = UINT64_C(21) << 26;   // MAP_HUGE_2MB
constexpr uint64_t kHugeBad = UINT64_C(22) << 26;  // no 4 MiB pages on x86

class SysMmap : public SysTest {
protected:
	int64_t Mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, int64_t fd = -1,
		     uint64_t off = 0)
	{
		return sys_mmap(t, addr, len, prot, flags, fd, off);
	}
	// Pages just below mmap_base, where top-down placement starts.
	std::string DrawTop(vm_flags_t extras = 0) const
	{
		return shim_sys_draw_at(t, t->mm->mmap_base - 1024 * PG, 1024 * PG, extras);
	}
};

// arch/x86/kernel/sys_x86_64.c: SYSCALL mmap — an unaligned offset is the
// first check, before the fd is looked at; a bad fd (not anonymous) is
// EBADF before the zero length test [V].
TEST_F(SysMmap, OffsetThenFdThenLength)
{
	EXPECT_EQ(Mmap(P(0), 0, R, MAP_PRIVATE, 99, 1), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), 0, R, MAP_PRIVATE, 99, 0), -EBADF);
	Check();
	EXPECT_EQ(Mmap(P(0), 0, R, ANON, -1, 0), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/mmap.c: do_mmap — a length that rounds up to 0 is ENOMEM [V].
TEST_F(SysMmap, LengthRoundingToZeroEnomem)
{
	EXPECT_EQ(Mmap(P(0), UINT64_MAX - 99, R, ANON), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/mmap.c: ksys_mmap_pgoff — anonymous MAP_HUGETLB with a size code no
// huge page size has is EINVAL; with a valid code (default, 2 MiB) and no
// huge pages reserved the mapping fails with ENOMEM [V].
TEST_F(SysMmap, HugetlbSizeCodeAndNoPages)
{
	EXPECT_EQ(Mmap(P(0), PG, R, ANON | MAP_HUGETLB | kHugeBad), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), 0, R, ANON | MAP_HUGETLB | kHugeBad), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, ANON | MAP_HUGETLB), -ENOMEM);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, ANON | MAP_HUGETLB | kHuge2M), -ENOMEM);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/mmap.c: ksys_mmap_pgoff sets up the hugetlb file for a valid size
// code and hands on; do_mmap then refuses a zero length (EINVAL), and
// hugetlbfs refuses an offset that is not huge-page aligned (EINVAL),
// both before any reservation could fail (probed on 6.18.44).
TEST_F(SysMmap, HugetlbZeroLengthOrUnalignedOffsetEinval)
{
	EXPECT_EQ(Mmap(P(0), 0, R, ANON | MAP_HUGETLB), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, ANON | MAP_HUGETLB, -1, PG), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/mmap.c: do_mmap — map_count > max is ENOMEM before anything else
// happens: at max the mapping succeeds and the count becomes max + 1,
// then every mmap fails, MAP_FIXED replacements included [V].
TEST_F(SysMmap, MapCountAboveMaxEnomem)
{
	SetMax(8);
	Map(0, 2, RW);
	FillTo(8);
	EXPECT_EQ(Mmap(P(4), PG, R, FIXED), (int64_t)P(4));
	Check();
	EXPECT_EQ(Count(), 9u);
	EXPECT_EQ(Mmap(P(6), PG, R, FIXED), -ENOMEM);
	Check();
	EXPECT_EQ(Mmap(P(0), 2 * PG, R, FIXED), -ENOMEM);
	Check();
	EXPECT_EQ(Mmap(0, PG, R, ANON), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 4-5:r--p");
}

// mm/mmap.c: __get_unmapped_area — a MAP_FIXED(_NOREPLACE) address that
// is not aligned is EINVAL; a range past TASK_SIZE is ENOMEM, and that
// size test comes first (an unaligned address past it is ENOMEM too) [V].
TEST_F(SysMmap, FixedAddressChecks)
{
	EXPECT_EQ(Mmap(P(0) + 1, PG, R, FIXED), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0) + 1, PG, R, ANON | MAP_FIXED_NOREPLACE), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(TASK_SIZE - PG, 2 * PG, R, FIXED), -ENOMEM);
	Check();
	EXPECT_EQ(Mmap(TASK_SIZE - PG + 1, 2 * PG, R, FIXED), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/mmap.c: do_mmap — MAP_FIXED_NOREPLACE over any mapped page is
// EEXIST, also when that VMA is sealed (EEXIST, not EPERM); on free pages
// it maps like MAP_FIXED [V].
//   0 1
//   S      NOREPLACE at P0, at P-1 for 2 pages -> EEXIST; at P1 -> mapped
TEST_F(SysMmap, FixedNoreplaceEexistEvenOverSealed)
{
	Map(0, 1, RW);
	EXPECT_EQ(Mmap(P(0), PG, R, ANON | MAP_FIXED_NOREPLACE), -EEXIST);
	Check();
	Seal(0, 1);
	EXPECT_EQ(Mmap(P(0), PG, R, ANON | MAP_FIXED_NOREPLACE), -EEXIST);
	Check();
	EXPECT_EQ(Mmap(P(-1), 2 * PG, R, ANON | MAP_FIXED_NOREPLACE), -EEXIST);
	Check();
	EXPECT_EQ(Mmap(P(1), PG, R, ANON | MAP_FIXED_NOREPLACE), (int64_t)P(1));
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p+S 1-2:r--p");
}

// mm/mmap.c: do_mmap — mmap validates neither prot (PROT_READ|0x10 maps
// read-only) nor unknown flag bits (0x400) [V].
TEST_F(SysMmap, UnknownProtAndFlagBitsIgnored)
{
	EXPECT_EQ(Mmap(P(0), PG, R | 0x10, FIXED), (int64_t)P(0));
	Check();
	EXPECT_EQ(Mmap(P(2), PG, R, FIXED | 0x400), (int64_t)P(2));
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p 2-3:r--p");
}

// mm/mmap.c: do_mmap — the anonymous type switch: MAP_SHARED_VALIDATE and
// type 0 are EINVAL (never EOPNOTSUPP); MAP_SHARED with MAP_GROWSDOWN,
// and MAP_DROPPABLE with MAP_LOCKED or MAP_GROWSDOWN, are EINVAL [V].
TEST_F(SysMmap, AnonymousTypeSwitchEinval)
{
	EXPECT_EQ(Mmap(P(0), PG, R, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | MAP_FIXED), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, MAP_ANONYMOUS | MAP_FIXED), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED),
		  -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_LOCKED | MAP_FIXED), -EINVAL);
	Check();
	EXPECT_EQ(Mmap(P(0), PG, R, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED),
		  -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/mmap.c: do_mmap — the flags each accepted type and flag give, as
// smaps shows them (probed on 6.18.44):
//   droppable rw: nr wf dd dp (never charged); private MAP_GROWSDOWN: gd;
//   shared anonymous: s, ms; MAP_NORESERVE: nr and no ac; MAP_LOCKED: lo;
//   MAP_STACK: nh; NONBLOCK, DENYWRITE, EXECUTABLE, UNINITIALIZED: nothing.
TEST_F(SysMmap, FlagsEachTypeGives)
{
	const vm_flags_t shown = VM_MAYSHARE | VM_GROWSDOWN | VM_LOCKED | VM_ACCOUNT | VM_NORESERVE |
				 VM_WIPEONFORK | VM_DONTDUMP | VM_NOHUGEPAGE | VM_DROPPABLE;

	EXPECT_EQ(Mmap(P(0), PG, RW, MAP_DROPPABLE | MAP_ANONYMOUS | MAP_FIXED), (int64_t)P(0));
	Check();
	Map(2, 1, R, MAP_GROWSDOWN);
	EXPECT_EQ(Mmap(P(4), PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED), (int64_t)P(4));
	Check();
	Map(6, 1, RW, MAP_NORESERVE);
	Map(8, 1, RW, MAP_LOCKED);
	Map(10, 1, RW, MAP_STACK);
	Map(12, 1, RW, MAP_NONBLOCK | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_UNINITIALIZED);
	EXPECT_EQ(Draw(shown), "0-1:rw-p+nr+wf+dd+dp 2-3:r--p+gd 4-5:r--s+ms 6-7:rw-p+nr "
			       "8-9:rw-p+lo+ac 10-11:rw-p+ac+nh 12-13:rw-p+ac");
}

// mm/gup.c: populate_vma_page_range under MAP_POPULATE — private writable
// pages are write-faulted, which attaches an anon_vma: mprotect to
// read-only then keeps `ac` (probed on 6.18.44). Control: without
// MAP_POPULATE the charge goes.
TEST_F(SysMmap, PopulateAttachesAnonVma)
{
	Map(0, 2, RW, MAP_POPULATE);
	Protect(0, 2, R);
	Map(2, 2, RW);
	Protect(2, 2, R);
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-2:r--p+ac 2-4:r--p");
}

// mm/vma.c: __mmap_region -> vms_gather_munmap_vmas — MAP_FIXED over a
// range that reaches a sealed VMA: EPERM, nothing replaced, but the split
// of the first VMA at addr survives [V].
//   012345
//   UUUSSS   mmap(P1, 4, FIXED) -> U UU SSS, EPERM
TEST_F(SysMmap, FixedOverSealedLeadingSplitSurvives)
{
	Map(0, 3, RW);
	Map(3, 3, R);
	Seal(3, 3);
	EXPECT_EQ(Mmap(P(1), 4 * PG, R, FIXED), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-3:rw-p 3-6:r--p+S");
}

// Control (mm/vma.c: __mmap_region): unsealed, the new read-only mapping
// replaces pages 1-4 and merges with the untouched remainder of the
// second VMA (probed).
TEST_F(SysMmap, FixedReplaceUnsealedControl)
{
	Map(0, 3, RW);
	Map(3, 3, R);
	EXPECT_EQ(Mmap(P(1), 4 * PG, R, FIXED), (int64_t)P(1));
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-6:r--p");
}

// mm/vma.c: vma_merge_new_range — equal neighbours merge at creation; a
// different commit charge (MAP_NORESERVE) keeps them apart; shared
// anonymous maps never merge (one shmem file each) [V].
TEST_F(SysMmap, MergeAtCreation)
{
	Map(0, 2, RW);
	Map(2, 2, RW);
	Map(4, 2, RW, MAP_NORESERVE);
	EXPECT_EQ(Mmap(P(8), PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED), (int64_t)P(8));
	Check();
	EXPECT_EQ(Mmap(P(9), PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED), (int64_t)P(9));
	Check();
	EXPECT_EQ(Draw(VM_ACCOUNT | VM_NORESERVE), "0-4:rw-p+ac 4-6:rw-p+nr 8-9:r--s 9-10:r--s");
}

// mm/vma.c: vma_merge_new_range — a new VMA next to a written one merges
// (it has no anon_vma yet); between two VMAs written apart (different
// anon_vmas) it merges with the one before only (probed on 6.18.44).
//   01234
//   AA BB   write A, write B, map P2 -> AAA BB
TEST_F(SysMmap, NewMappingBetweenDifferentAnonVmasMergesLeft)
{
	Map(0, 2, RW);
	Touch(0);
	Map(3, 2, RW);
	Touch(3);
	Map(2, 1, RW);
	EXPECT_EQ(Draw(), "0-3:rw-p 3-5:rw-p");
}

// mm/mmap.c: round_hint_to_min — a hint below the effective mmap_min_addr
// (64 KiB: CONFIG_LSM_MMAP_MIN_ADDR) is raised to it [V: 0x1000 gave
// 0x10000].
TEST_F(SysMmap, HintBelowMinAddrRaised)
{
	EXPECT_EQ(Mmap(0x1000, PG, R, ANON), 0x10000);
	Check();
	EXPECT_EQ(shim_sys_draw_at(t, 0, 32 * PG, 0), std::string("16-17:r--p"));
}

// arch/x86/kernel/sys_x86_64.c: arch_get_unmapped_area_topdown — a free
// hint is honoured, an occupied one is not an error (the top-down search
// runs), an unaligned one is rounded down, one above 47 bits is ignored [V].
TEST_F(SysMmap, HintHonouredWhenFree)
{
	const int64_t top = (int64_t)(t->mm->mmap_base - PG);

	EXPECT_EQ(Mmap(P(5), PG, R, ANON), (int64_t)P(5));
	Check();
	EXPECT_EQ(Mmap(P(5), PG, R, ANON), top);
	Check();
	EXPECT_EQ(Mmap(P(7) + 5, PG, R, ANON), (int64_t)P(7));
	Check();
	EXPECT_EQ(Mmap(UINT64_C(0x800000000000), PG, R, ANON), top - (int64_t)PG);
	Check();
	EXPECT_EQ(Draw(), "5-6:r--p 7-8:r--p");
	EXPECT_EQ(DrawTop(), "1022-1024:r--p");
}

// mm/vma.c: unmapped_area_topdown — without a hint, mappings stack
// downwards from mmap_base, each directly below the last (and merging
// with it when they match) [V].
TEST_F(SysMmap, TopDownFromMmapBase)
{
	EXPECT_EQ(t->mm->mmap_base, UINT64_C(0x7ffff7fff000));
	EXPECT_EQ(Mmap(0, PG, R, ANON), 0x7ffff7ffe000);
	Check();
	EXPECT_EQ(Mmap(0, 2 * PG, RW, ANON), 0x7ffff7ffc000);
	Check();
	EXPECT_EQ(Mmap(0, PG, RW, ANON), 0x7ffff7ffb000);
	Check();
	EXPECT_EQ(DrawTop(), "1020-1023:rw-p 1023-1024:r--p");
}

// mm/huge_memory.c: __thp_get_unmapped_area — private anonymous, no hint,
// length a multiple of 2 MiB: the search asks for 2 MiB more and takes
// the aligned start; 2 MiB + 4 KiB is placed like any mapping [V;
// addresses follow the probe's arithmetic on 6.18.44].
TEST_F(SysMmap, TwoMegabyteMultipleAligned)
{
	EXPECT_EQ(Mmap(0, 512 * PG, R, ANON), 0x7ffff7c00000);
	Check();
	EXPECT_EQ(Mmap(0, 513 * PG, R, ANON), 0x7ffff7c00000 - 513 * (int64_t)PG);
	Check();
}

// mm/mmap.c: vm_start_gap — a hint is honoured only if it ends at or
// below the guard gap (256 pages) under a VM_GROWSDOWN VMA; an ordinary
// VMA has no gap (probed on 6.18.44).
//   740..744 free, 744..1000 guard, 1000 stack
TEST_F(SysMmap, HintKeepsStackGuardGap)
{
	Map(1000, 4, RW, MAP_GROWSDOWN);
	EXPECT_EQ(Mmap(P(740), 4 * PG, R, ANON), (int64_t)P(740));
	Check();
	EXPECT_EQ(Mmap(P(741), 4 * PG, R, ANON), (int64_t)(t->mm->mmap_base - 4 * PG));
	Check();
	EXPECT_EQ(Draw(), "740-744:r--p 1000-1004:rw-p");
	Map(2000, 4, RW);
	EXPECT_EQ(Mmap(P(1996), 4 * PG, R, ANON), (int64_t)P(1996));
	Check();
}

// mm/vma.c: unmapped_area_topdown — the search keeps the guard gap free
// below a stack at the top of the area: the first mapping lands under
// the gap (probed: a gd VMA at the top gap made the search skip it).
TEST_F(SysMmap, TopDownKeepsStackGuardGap)
{
	const uint64_t base = t->mm->mmap_base;

	EXPECT_EQ(Mmap(base - PG, PG, RW, FIXED | MAP_GROWSDOWN), (int64_t)(base - PG));
	Check();
	EXPECT_EQ(Mmap(0, PG, R, ANON), (int64_t)(base - PG - STACK_GUARD_GAP - PG));
	Check();
}

}  // namespace
