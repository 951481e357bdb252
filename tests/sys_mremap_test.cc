// mremap(old, old_len, new_len, flags, new_addr): mm/mremap.c as
// restructured in 6.17 — do_mremap, check_mremap_params, check_prep_vma,
// remap_move, mremap_to, mremap_at, move_vma (semantics reference §6).
// Expected values are the live 6.18 kernel's ([V] in the reference, or
// probed on 6.18.44 under setarch -R where said). Layouts are pages of
// the test window; mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t X = PROT_EXEC;
constexpr uint64_t MAYMOVE = MREMAP_MAYMOVE;
constexpr uint64_t FIXED = MREMAP_MAYMOVE | MREMAP_FIXED;
constexpr uint64_t DONTUNMAP = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;

class SysMremap : public SysTest {
protected:
	int64_t Mremap(uint64_t old_addr, uint64_t old_len, uint64_t new_len, uint64_t flags,
		       uint64_t new_addr = 0)
	{
		return sys_mremap(t, old_addr, old_len, new_len, flags, new_addr);
	}
	// Pages just below mmap_base, where a move without an address goes.
	std::string DrawTop() const
	{
		return shim_sys_draw_at(t, t->mm->mmap_base - 1024 * PG, 1024 * PG, 0);
	}
};

// mm/mremap.c: check_mremap_params — unknown flags, an unaligned old
// address, a new length of 0 (or rounding to 0) and a new length above
// TASK_SIZE (even without a move) are EINVAL; old_len 0 is legal here [V].
TEST_F(SysMremap, ParameterChecks)
{
	Map(0, 4, RW);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, 8), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0) + 1, 4 * PG, 4 * PG, 0), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 0, 0), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, UINT64_MAX - 99, 0), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, UINT64_C(1) << 47, 0), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, UINT64_C(1) << 47, MAYMOVE), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/mremap.c: check_mremap_params — with FIXED or DONTUNMAP: a new range
// past TASK_SIZE, an unaligned new address, a missing MAYMOVE and a
// DONTUNMAP resize are EINVAL [V].
TEST_F(SysMremap, NewAddressChecks)
{
	Map(0, 4, RW);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, TASK_SIZE - 2 * PG), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(10) + 1), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, MREMAP_FIXED, P(10)), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, MREMAP_DONTUNMAP, P(10)), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 2 * PG, DONTUNMAP, P(10)), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/mremap.c: check_mremap_params — overlapping old and new ranges are
// EINVAL in the parameter stage: before the source is looked up (no
// source: EINVAL, not EFAULT), before the seal (sealed source: EINVAL,
// not EPERM) and before the map_count test (probed on 6.18.44; the
// reference's "sealed source + overlap -> EPERM" does not hold there).
TEST_F(SysMremap, OverlapEinvalBeforeLookupSealAndCount)
{
	SetMax(16);
	EXPECT_EQ(Mremap(P(10), 4 * PG, 4 * PG, FIXED, P(12)), -EINVAL);
	Check();
	Map(0, 4, RW);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 2 * PG, FIXED, P(1)), -EINVAL);
	Check();
	Seal(0, 4);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(2)), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 8 * PG, FIXED, P(2)), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, DONTUNMAP, P(2)), -EINVAL);
	Check();
	FillTo(11);   // max - 5
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(2)), -EINVAL);
	Check();
	// Without an overlap the count test of the same stage answers,
	// still before the source (and its seal) is looked at.
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(8)), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
}

// mm/mremap.c: check_mremap_params — FIXED and DONTUNMAP need
// map_count + 2 < max - 3: from max - 5 on ENOMEM, nothing moved [V].
TEST_F(SysMremap, FixedMoveAtMaxMinusFiveEnomem)
{
	SetMax(16);
	Map(0, 4, RW);
	FillTo(11);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(20)), -ENOMEM);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, DONTUNMAP, P(20)), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// Control (mm/mremap.c: check_mremap_params): at max - 6 the FIXED move
// goes through [V].
TEST_F(SysMremap, FixedMoveAtMaxMinusSixSucceeds)
{
	SetMax(16);
	Map(0, 4, RW);
	FillTo(10);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(20)), (int64_t)P(20));
	Check();
	EXPECT_EQ(Draw(), "20-24:rw-p");
	EXPECT_EQ(Count(), 10u);
}

// mm/mremap.c: prep_move_vma — any move needs map_count < max - 3: a
// MAYMOVE growth that has to move fails at max - 3 and works at max - 4 [V].
//   01234
//   AAAAB   mremap(P0, 4, 8, MAYMOVE)
TEST_F(SysMremap, MoveAtMaxMinusThreeEnomem)
{
	SetMax(16);
	Map(0, 4, RW);
	Map(4, 1, R);
	FillTo(13);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 8 * PG, MAYMOVE), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 4-5:r--p");
}

// Control (mm/mremap.c: prep_move_vma): at max - 4 the move goes through.
TEST_F(SysMremap, MoveAtMaxMinusFourSucceeds)
{
	SetMax(16);
	Map(0, 4, RW);
	Map(4, 1, R);
	FillTo(12);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 8 * PG, MAYMOVE), (int64_t)(t->mm->mmap_base - 8 * PG));
	Check();
	EXPECT_EQ(Draw(), "4-5:r--p");
	EXPECT_EQ(DrawTop(), "1016-1024:rw-p");
}

// mm/mremap.c: mremap_at — what does not move needs no free slot: shrink,
// in-place growth and a same-size call succeed at max + 1 [V].
TEST_F(SysMremap, NoMoveNeedsNoSlot)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(8);
	Map(10, 1, R);
	EXPECT_EQ(Count(), 9u);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 2 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Mremap(P(0), 2 * PG, 3 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Mremap(P(0), 3 * PG, 3 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Draw(), "0-3:rw-p 10-11:r--p");
}

// mm/mremap.c: check_prep_vma — no VMA at the old address: EFAULT [V].
TEST_F(SysMremap, NoVmaEfault)
{
	EXPECT_EQ(Mremap(P(0), PG, PG, 0), -EFAULT);
	Check();
	Map(1, 2, RW);
	EXPECT_EQ(Mremap(P(0), PG, 2 * PG, MAYMOVE), -EFAULT);
	Check();
	EXPECT_EQ(Draw(), "1-3:rw-p");
}

// mm/mremap.c: check_prep_vma — a sealed VMA refuses every kind of
// mremap with EPERM: shrink, same size, growth in place or moved, FIXED,
// DONTUNMAP, the old_len 0 duplicate; nothing changes [V].
TEST_F(SysMremap, SealedSourceEpermForEveryOperation)
{
	Map(0, 4, RW);
	Seal(0, 4);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 2 * PG, 0), -EPERM);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, 0), -EPERM);
	Check();
	EXPECT_EQ(Mremap(P(0), 2 * PG, 2 * PG, 0), -EPERM);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 6 * PG, 0), -EPERM);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 6 * PG, MAYMOVE), -EPERM);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(10)), -EPERM);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, DONTUNMAP, P(10)), -EPERM);
	Check();
	EXPECT_EQ(Mremap(P(0), 0, 4 * PG, MAYMOVE), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
}

// mm/mremap.c: check_prep_vma — old_len 0 asks for a second mapping of
// the same object: EINVAL for private memory [V] (the seal is tested
// first: see above).
TEST_F(SysMremap, PrivateDuplicateEinval)
{
	Map(0, 4, RW);
	EXPECT_EQ(Mremap(P(0), 0, 4 * PG, MAYMOVE), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), 0, 4 * PG, FIXED, P(10)), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/mremap.c: mremap_to — old_len 0 on shared memory with MAYMOVE|FIXED
// maps the same shmem object a second time [V].
TEST_F(SysMremap, SharedDuplicateMapsObjectTwice)
{
	EXPECT_EQ(sys_mmap(t, P(20), 2 * PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  (int64_t)P(20));
	Check();
	EXPECT_EQ(Mremap(P(20), 0, 2 * PG, FIXED, P(30)), (int64_t)P(30));
	Check();
	EXPECT_EQ(Draw(), "20-22:r--s 30-32:r--s");
	EXPECT_EQ(mm_vma_lookup(t->mm, P(20))->file->inode, mm_vma_lookup(t->mm, P(30))->file->inode);
}

// mm/mremap.c: check_prep_vma — a range that must survive the call
// (old_len for a growth, new_len for a FIXED shrink) running past the
// VMA's end is EFAULT [V; FIXED shrink probed].
//   0123456
//   AAAABBB
TEST_F(SysMremap, KeptRangePastVmaEndEfault)
{
	Map(0, 4, RW);
	Map(4, 3, R);
	EXPECT_EQ(Mremap(P(0), 5 * PG, 8 * PG, MAYMOVE), -EFAULT);
	Check();
	EXPECT_EQ(Mremap(P(0), 6 * PG, 5 * PG, FIXED, P(20)), -EFAULT);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 4-7:r--p");
}

// mm/mremap.c: mremap_at — same size returns the old address without
// looking at the rest of the range, even past the VMA's end [V].
TEST_F(SysMremap, SameSizeReturnsOldEvenPastVma)
{
	Map(0, 3, RW);
	EXPECT_EQ(Mremap(P(0), 3 * PG, 3 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Mremap(P(0), 9 * PG, 9 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Mremap(P(0), 9 * PG, 9 * PG, MAYMOVE), (int64_t)P(0));
	Check();
	EXPECT_EQ(Draw(), "0-3:rw-p");
}

// mm/mremap.c: shrink_vma -> do_vmi_munmap — a shrink unmaps the tail
// through the unmap path: the tail may run over holes and later VMAs [V].
//   01234
//   AA BB   mremap(P0, 5, 1) -> A
TEST_F(SysMremap, ShrinkTailCrossesHolesAndVmas)
{
	Map(0, 2, RW);
	Map(3, 2, R);
	EXPECT_EQ(Mremap(P(0), 5 * PG, PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p");
}

// mm/mremap.c: shrink_vma -> mm/vma.c: do_vmi_munmap — the tail is
// unmapped with munmap's own range check: a tail reaching past TASK_SIZE
// is EINVAL and nothing changes (probed on 6.18.44).
TEST_F(SysMremap, ShrinkTailPastTaskSizeEinval)
{
	Map(0, 2, RW);
	Map(3, 2, R);
	EXPECT_EQ(Mremap(P(0), UINT64_C(1) << 47, PG, 0), -EINVAL);
	Check();
	EXPECT_EQ(Mremap(P(0), TASK_SIZE - P(0) + PG, PG, 0), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 3-5:r--p");
}

// mm/vma.c: vms_gather_munmap_vmas under a shrink — the tail reaches a
// sealed VMA: EPERM, but the first VMA stays split where the tail
// started [V].
//   01234
//   UUUSS   mremap(P0, 4, 1) -> U UU SS, EPERM
TEST_F(SysMremap, ShrinkIntoSealedLeadingSplitSurvives)
{
	Map(0, 3, RW);
	Map(3, 2, R);
	Seal(3, 2);
	EXPECT_EQ(Mremap(P(0), 4 * PG, PG, 0), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-3:rw-p 3-5:r--p+S");
}

// Control (mm/mremap.c: shrink_vma): unsealed, the shrink takes pages 1-3.
TEST_F(SysMremap, ShrinkUnsealedControl)
{
	Map(0, 3, RW);
	Map(3, 2, R);
	EXPECT_EQ(Mremap(P(0), 4 * PG, PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 4-5:r--p");
}

// mm/mremap.c: expand_vma_in_place -> mm/vma.c: vma_merge_extend — growth
// in place merges with a matching next VMA; with the next VMA written
// apart from it (two anon_vmas) it does not [V; probed].
//   012345
//   AA  BB   mremap(P0, 2, 4) -> AAAAAA
TEST_F(SysMremap, GrowInPlaceMergesWithNext)
{
	Map(0, 2, RW);
	Map(4, 2, RW);
	Touch(4);
	EXPECT_EQ(Mremap(P(0), 2 * PG, 4 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Draw(), "0-6:rw-p");
}

// mm/vma.c: vma_merge_extend — two anon_vmas never merge.
TEST_F(SysMremap, GrowInPlaceNextWithOtherAnonVmaStaysApart)
{
	Map(0, 2, RW);
	Touch(0);
	Map(4, 2, RW);
	Touch(4);
	EXPECT_EQ(Mremap(P(0), 2 * PG, 4 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 4-6:rw-p");
}

// mm/mremap.c: mremap_at — growth needs [end, end + delta) free and the
// range to end at the VMA's end; otherwise without MAYMOVE it is ENOMEM.
// A sealed neighbour blocks like any VMA [V].
//   012345
//   AA SSS   grow 2->4: ENOMEM; 2->3: in place
TEST_F(SysMremap, GrowBlockedWithoutMaymoveEnomem)
{
	Map(0, 2, RW);
	Map(3, 3, R);
	Seal(3, 3);
	EXPECT_EQ(Mremap(P(0), 2 * PG, 4 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Mremap(P(0), 2 * PG, 3 * PG, 0), (int64_t)P(0));
	Check();
	EXPECT_EQ(Draw(), "0-3:rw-p 3-6:r--p+S");
	EXPECT_EQ(Mremap(P(0), PG, 2 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-3:rw-p 3-6:r--p+S");
}

// mm/mremap.c: expand_vma — with MAYMOVE a blocked growth moves the whole
// range to a new top-down address [V].
TEST_F(SysMremap, BlockedGrowMovesWithMaymove)
{
	Map(0, 4, RW);
	Map(4, 1, R);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 8 * PG, MAYMOVE), (int64_t)(t->mm->mmap_base - 8 * PG));
	Check();
	EXPECT_EQ(Draw(), "4-5:r--p");
	EXPECT_EQ(DrawTop(), "1016-1024:rw-p");
}

// mm/mremap.c: mremap_to — MREMAP_FIXED unmaps the destination first; a
// sealed VMA there refuses with EPERM, partly covered or not, and the
// destination's leading split survives; the source is untouched [V;
// layout probed].
//   0123    10 11 12 13 14 15
//   AAAA    U  U  U  S  S  S    mremap(P0, 4, 4, FIXED, P11) -> EPERM
TEST_F(SysMremap, FixedDestinationSealedLeadingSplitSurvives)
{
	Map(0, 4, RW);
	Map(10, 3, RW);
	Map(13, 3, R);
	Seal(13, 3);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(11)), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 10-11:rw-p 11-13:rw-p 13-16:r--p+S");
}

// Control (mm/mremap.c: mremap_to): unsealed, the destination is replaced.
TEST_F(SysMremap, FixedDestinationUnsealedControl)
{
	Map(0, 4, RW);
	Map(10, 3, RW);
	Map(13, 3, R);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(11)), (int64_t)P(11));
	Check();
	EXPECT_EQ(Draw(), "10-15:rw-p 15-16:r--p");
}

// mm/mremap.c — a missing source (EFAULT) wins over a sealed destination
// [V].
TEST_F(SysMremap, MissingSourceBeatsSealedDestination)
{
	Map(10, 3, RW);
	Seal(10, 3);
	EXPECT_EQ(Mremap(P(30), 4 * PG, 4 * PG, FIXED, P(10)), -EFAULT);
	Check();
	EXPECT_EQ(Mremap(P(30), 2 * PG, 4 * PG, FIXED, P(10)), -EFAULT);
	Check();
	EXPECT_EQ(Draw(), "10-13:rw-p+S");
}

// mm/mremap.c: mremap_to — FIXED with a shrink trims the source's tail
// and moves the rest; FIXED with a growth moves and grows [V].
TEST_F(SysMremap, FixedShrinkAndGrow)
{
	Map(0, 4, RW);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 2 * PG, FIXED, P(10)), (int64_t)P(10));
	Check();
	EXPECT_EQ(Draw(), "10-12:rw-p");
	EXPECT_EQ(Mremap(P(10), 2 * PG, 4 * PG, FIXED, P(20)), (int64_t)P(20));
	Check();
	EXPECT_EQ(Draw(), "20-24:rw-p");
}

// mm/mremap.c: move_vma with MREMAP_DONTUNMAP — the source stays mapped
// (emptied) and the copy goes to the hint; an occupied hint is not an
// error, the copy goes elsewhere [V; probed].
TEST_F(SysMremap, DontunmapKeepsSource)
{
	Map(0, 4, RW);
	Touch(0);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, DONTUNMAP, P(10)), (int64_t)P(10));
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 10-14:rw-p");
	Map(20, 1, R);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, DONTUNMAP, P(20)), (int64_t)(t->mm->mmap_base - 4 * PG));
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 10-14:rw-p 20-21:r--p");
	EXPECT_EQ(DrawTop(), "1020-1024:rw-p");
}

// mm/mremap.c: remap_move — FIXED with equal lengths moves every VMA of
// the range, holes kept [V].
//   0123456
//   AABB CC   -> P20: 20-22 22-24 25-27
TEST_F(SysMremap, MultiVmaMoveKeepsHoles)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	Map(5, 2, X);
	EXPECT_EQ(Mremap(P(0), 7 * PG, 7 * PG, FIXED, P(20)), (int64_t)P(20));
	Check();
	EXPECT_EQ(Draw(), "20-22:rw-p 22-24:r--p 25-27:--xp");
}

// mm/mremap.c: remap_move — a sealed piece refuses after earlier pieces
// have moved: EPERM with a partial move [V].
//   012345
//   AASSCC   -> AA at P20, EPERM; SS and CC stay
TEST_F(SysMremap, MultiVmaMoveStopsAtSealedPiece)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	Map(4, 2, X);
	Seal(2, 2);
	EXPECT_EQ(Mremap(P(0), 6 * PG, 6 * PG, FIXED, P(20)), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "2-4:r--p+S 4-6:--xp 20-22:rw-p");
}

// Control (mm/mremap.c: remap_move): unsealed, all three pieces move.
TEST_F(SysMremap, MultiVmaMoveUnsealedControl)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	Map(4, 2, X);
	EXPECT_EQ(Mremap(P(0), 6 * PG, 6 * PG, FIXED, P(20)), (int64_t)P(20));
	Check();
	EXPECT_EQ(Draw(), "20-22:rw-p 22-24:r--p 24-26:--xp");
}

// mm/mremap.c: remap_move — a range starting inside a VMA moves only the
// covered parts [V; layout probed].
//   012345
//   AAAABB   mremap(P1, 4, 4, FIXED, P20) -> A at 0, B at 5; 20-23 23-24
TEST_F(SysMremap, MultiVmaMoveFromMidVma)
{
	Map(0, 4, RW);
	Map(4, 2, R);
	EXPECT_EQ(Mremap(P(1), 4 * PG, 4 * PG, FIXED, P(20)), (int64_t)P(20));
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 5-6:r--p 20-23:rw-p 23-24:r--p");
}

// mm/mremap.c: remap_move — the first byte must be mapped (EFAULT), and
// across VMAs the lengths must be equal: a resize is EFAULT [V].
//   01234567
//    AAAABB
TEST_F(SysMremap, MultiVmaMoveEfaults)
{
	Map(1, 4, RW);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED, P(20)), -EFAULT);
	Check();
	EXPECT_EQ(Mremap(P(0), 4 * PG, 5 * PG, FIXED, P(20)), -EFAULT);
	Check();
	Map(5, 2, R);
	EXPECT_EQ(Mremap(P(1), 6 * PG, 7 * PG, FIXED, P(20)), -EFAULT);
	Check();
	EXPECT_EQ(Draw(), "1-5:rw-p 5-7:r--p");
}

// mm/mremap.c: remap_move with MREMAP_DONTUNMAP — every piece is copied
// and every source stays [probed].
TEST_F(SysMremap, MultiVmaMoveWithDontunmap)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	EXPECT_EQ(Mremap(P(0), 4 * PG, 4 * PG, FIXED | MREMAP_DONTUNMAP, P(20)), (int64_t)P(20));
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 2-4:r--p 20-22:rw-p 22-24:r--p");
}

// mm/vma.c: copy_vma — a never-written anonymous VMA takes the page
// offset of its new address, so it merges with a neighbour there [V].
//   0123 .. 10 11
//   AA      BB      move B to P2 -> AAAA
TEST_F(SysMremap, UntouchedMoveMergesAtDestination)
{
	Map(0, 2, RW);
	Map(10, 2, RW);
	EXPECT_EQ(Mremap(P(10), 2 * PG, 2 * PG, FIXED, P(2)), (int64_t)P(2));
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/vma.c: copy_vma — a written VMA keeps its page offset: moved next to
// another written VMA it stays apart; moved back to where it came from it
// merges again [V; probed].
//   0123          20 21     30 31 32 33
//   AAAA (written) -> AA .. A' A' .. WW A' A' -> AAAA
TEST_F(SysMremap, TouchedMoveKeepsOffsetMergesOnlyAtHome)
{
	Map(0, 4, RW);
	Touch(0);
	EXPECT_EQ(Mremap(P(2), 2 * PG, 2 * PG, FIXED, P(20)), (int64_t)P(20));
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 20-22:rw-p");
	Map(30, 2, RW);
	Touch(30);
	EXPECT_EQ(Mremap(P(20), 2 * PG, 2 * PG, FIXED, P(32)), (int64_t)P(32));
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 30-32:rw-p 32-34:rw-p");
	EXPECT_EQ(Mremap(P(32), 2 * PG, 2 * PG, FIXED, P(2)), (int64_t)P(2));
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 30-32:rw-p");
}

}  // namespace
