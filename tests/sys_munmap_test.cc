// munmap(addr, len): mm/mmap.c: __vm_munmap -> mm/vma.c: do_vmi_munmap ->
// do_vmi_align_munmap -> vms_gather_munmap_vmas (semantics reference §4
// and §1.3, the one unmap path). Expected values are the live 6.18
// kernel's ([V] in the reference, or probed on 6.18.44 where said).
// Layouts are pages of the test window; mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t RWX = PROT_READ | PROT_WRITE | PROT_EXEC;

class SysMunmap : public SysTest {};

// mm/vma.c: do_vmi_munmap — an unaligned start is EINVAL [V].
TEST_F(SysMunmap, UnalignedAddressEinval)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_munmap(t, P(0) + 1, PG), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/vma.c: do_vmi_munmap — addr above TASK_SIZE, or len reaching past
// it, is EINVAL [V] (the [vsyscall] page cannot be unmapped).
TEST_F(SysMunmap, RangeBeyondTaskSizeEinval)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_munmap(t, UINT64_C(0xffffffffff600000), PG), -EINVAL);
	Check();
	EXPECT_EQ(sys_munmap(t, TASK_SIZE, PG), -EINVAL);
	Check();
	EXPECT_EQ(sys_munmap(t, P(0), TASK_SIZE - P(0) + PG), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/vma.c: do_vmi_munmap — a length of 0 is EINVAL (unlike mprotect,
// madvise and mseal, where it is a successful no-op) [V].
TEST_F(SysMunmap, ZeroLengthEinval)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_munmap(t, P(0), 0), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/vma.c: do_vmi_munmap — len is rounded up: munmap(P3, 1) removes the
// whole page [V].
TEST_F(SysMunmap, LengthRoundsUpToWholePage)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_munmap(t, P(3), 1), 0);
	Check();
	EXPECT_EQ(Draw(), "0-3:rw-p");
}

// mm/vma.c: do_vmi_munmap — no VMA in the range: success, nothing to do;
// holes inside a range are ignored too [V].
//   0123
//   A  B   munmap(P1, 2) -> 0, unchanged
TEST_F(SysMunmap, UnmappingHolesSucceeds)
{
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), 0);
	Check();
	Map(0, 1, RW);
	Map(3, 1, R);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 3-4:r--p");
}

// mm/vma.c: vms_gather_munmap_vmas — a punch in the middle of a VMA
// leaves two VMAs; a range over several VMAs and holes trims the first
// and last and removes the rest.
//   012345678
//   AA BB CC    munmap(P1, 6) -> A      C
TEST_F(SysMunmap, PunchAndSpan)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 3-4:rw-p");
	Unmap(0, 4);
	Map(0, 2, RW);
	Map(3, 2, R);
	Map(6, 2, RWX);
	EXPECT_EQ(sys_munmap(t, P(1), 6 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 7-8:rwxp");
}

// mm/vma.c: vms_gather_munmap_vmas — the leading split survives: the
// first VMA is split at addr before the walk meets the sealed VMA; the
// EPERM re-attaches what was gathered but does not undo that split [V].
//   012345
//   UUUSSS   munmap(P1, 4) -> U UU SSS, EPERM
TEST_F(SysMunmap, LeadingSplitSurvivesSealedRefusal)
{
	Map(0, 3, RW);
	Map(3, 3, R);
	Seal(3, 3);
	EXPECT_EQ(sys_munmap(t, P(1), 4 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-3:rw-p 3-6:r--p+S");
	EXPECT_EQ(Count(), 3u);
}

// Control (mm/vma.c: vms_gather_munmap_vmas): the same layout unsealed
// loses pages 1..4.
TEST_F(SysMunmap, LeadingSplitUnsealedControl)
{
	Map(0, 3, RW);
	Map(3, 3, R);
	EXPECT_EQ(sys_munmap(t, P(1), 4 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 5-6:r--p");
}

// mm/vma.c: vms_gather_munmap_vmas — a sealed first VMA refuses before
// it is split ("don't bother splitting"): EPERM, one VMA as before [V].
//   0123
//   SSSS   munmap(P1, 2) -> EPERM, no split
TEST_F(SysMunmap, SealedFirstVmaRefusesWithoutSplit)
{
	Map(0, 4, RW);
	Seal(0, 4);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
	EXPECT_EQ(Count(), 1u);
}

// Control (mm/vma.c: vms_gather_munmap_vmas): unsealed, the punch
// succeeds.
TEST_F(SysMunmap, PunchUnsealedControl)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 3-4:rw-p");
}

// mm/vma.c: vms_gather_munmap_vmas — ranges that start at a VMA's start
// need no leading split, so a sealed VMA anywhere leaves the layout
// exactly as it was [V]: [S][U], [U][hole][S], [U][U2][S].
TEST_F(SysMunmap, SealedAnywhereInWholeVmaRangeChangesNothing)
{
	Map(0, 2, RW);
	Seal(0, 2);
	Map(2, 2, R);
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:r--p");

	Map(10, 2, RW);
	Map(13, 2, R);
	Seal(13, 2);
	EXPECT_EQ(sys_munmap(t, P(10), 5 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:r--p 10-12:rw-p 13-15:r--p+S");

	Map(20, 1, RW);
	Map(21, 1, R);
	Map(22, 1, RWX);
	Seal(22, 1);
	EXPECT_EQ(sys_munmap(t, P(20), 3 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:r--p 10-12:rw-p 13-15:r--p+S 20-21:rw-p 21-22:r--p "
			  "22-23:rwxp+S");
}

// Control for the three shapes (mm/vma.c: vms_gather_munmap_vmas):
// unsealed, every one is unmapped.
TEST_F(SysMunmap, WholeVmaRangesUnsealedControl)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	Map(10, 2, RW);
	Map(13, 2, R);
	Map(20, 1, RW);
	Map(21, 1, R);
	Map(22, 1, RWX);
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), 0);
	Check();
	EXPECT_EQ(sys_munmap(t, P(10), 5 * PG), 0);
	Check();
	EXPECT_EQ(sys_munmap(t, P(20), 3 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/vma.c: vms_gather_munmap_vmas — inside a sealed VMA, or over its
// tail and a hole after it: EPERM [V].
//   0123
//   SS     munmap(P1, 3) -> EPERM
TEST_F(SysMunmap, SealedTailPlusHoleEperm)
{
	Map(0, 2, RW);
	Seal(0, 2);
	EXPECT_EQ(sys_munmap(t, P(1), 3 * PG), -EPERM);
	Check();
	EXPECT_EQ(sys_munmap(t, P(0), PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S");
}

// mm/vma.c: vms_gather_munmap_vmas — the unsealed first VMA is split at
// addr, then the sealed one refuses: the split is all that changed.
//   0123
//   UUSS   munmap(P1, 2) -> U U SS, EPERM
TEST_F(SysMunmap, TailIntoSealedKeepsSplit)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	Seal(2, 2);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-2:rw-p 2-4:r--p+S");
}

// mm/vma.c: vms_gather_munmap_vmas — punching a hole (start and end
// strictly inside one VMA) needs a free slot: map_count >= max is ENOMEM;
// at max - 1 the punch succeeds and reaches max [V].
//   0123
//   AAAA   munmap(P1, 2)
TEST_F(SysMunmap, MiddlePunchAtLimitEnomem)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(8);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
	Unmap(-100, 100);   // nothing there: a no-op
	EXPECT_EQ(Count(), 8u);
}

// Control (mm/vma.c: vms_gather_munmap_vmas): at max - 1 the punch
// succeeds and the count reaches max.
TEST_F(SysMunmap, MiddlePunchBelowLimitSucceeds)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(7);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 3-4:rw-p");
	EXPECT_EQ(Count(), 8u);
}

// mm/vma.c: vms_gather_munmap_vmas — prefix and suffix trims use the
// unchecked __split_vma: they succeed even above the limit, at max + 1
// (which mmap can reach: its test is `>`) [V, probed at 65531].
TEST_F(SysMunmap, TrimsSucceedAboveLimit)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(8);
	Map(10, 1, R);
	EXPECT_EQ(Count(), 9u);
	EXPECT_EQ(sys_munmap(t, P(0), PG), 0);
	Check();
	EXPECT_EQ(sys_munmap(t, P(3), PG), 0);
	Check();
	EXPECT_EQ(Draw(), "1-3:rw-p 10-11:r--p");
	EXPECT_EQ(Count(), 9u);
	EXPECT_EQ(sys_munmap(t, P(10), PG), 0);
	Check();
	EXPECT_EQ(Count(), 8u);
}

// mm/vma.c: vms_gather_munmap_vmas — the count test for a punch comes
// before the seal test of the same VMA: a sealed VMA punched at the limit
// reports ENOMEM, not EPERM; a prefix of it reports EPERM (probed on
// 6.18.44).
TEST_F(SysMunmap, PunchCountTestPrecedesSealTest)
{
	SetMax(8);
	Map(0, 4, RW);
	Seal(0, 4);
	FillTo(8);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), -ENOMEM);
	Check();
	EXPECT_EQ(sys_munmap(t, P(0), 2 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
}

}  // namespace
