// Split and merge under an attribute change: vma_modify_flags, the
// mechanics beneath mprotect, madvise, mseal and mlock
// (mm/vma.c: vma_modify_flags -> vma_merge_existing_range, split_vma).
// Layouts use the semantics reference's notation, pages from a base:
// "0-1:rw-p 1-3:r--p+S". mm_check runs after every step.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "core/mm.h"
#include "tests/shim_modify.h"

namespace {

class Modify : public ::testing::Test {
protected:
	void SetUp() override { mm_init(&mm); }
	void TearDown() override { mm_destroy(&mm); }

	std::string Draw()
	{
		char buf[512];
		shim_draw(&mm, buf, sizeof(buf));
		return buf;
	}
	void Check() { EXPECT_STREQ(shim_mm_check(&mm), ""); }

	const vm_flags_t rw = shim_anon_flags(VM_READ | VM_WRITE);
	const vm_flags_t ro = shim_anon_flags(VM_READ);
	struct mm mm;
};

// mseal(P1, 1 page) over one 3-page VMA seals exactly page 1: two splits
// (semantics reference §2, verified on 6.18).
TEST_F(Modify, SealMiddlePageSplitsInThree)
{
	/*
	 * 012
	 * AAA   -> A S A
	 */
	shim_add_anon(&mm, 0, 3, rw, 0);
	EXPECT_EQ(shim_modify(&mm, 1, 1, VM_SEALED, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-2:rw-p+S 2-3:rw-p");
	EXPECT_EQ(mm_map_count(&mm), 3u);
	// Page offsets follow the pieces: anonymous pgoff is addr >> PAGE_SHIFT.
	struct vma *mid = mm_vma_lookup(&mm, SHIM_BASE + PAGE_SIZE);
	ASSERT_NE(mid, nullptr);
	EXPECT_EQ(mid->pgoff, (SHIM_BASE + PAGE_SIZE) >> PAGE_SHIFT);
}

// [S][U][S] with equal flags, seal the middle: all three merge into one
// sealed VMA (§1.4: VM_SEALED is compared like any flag; verified).
TEST_F(Modify, SealBetweenSealedNeighboursMergesAll)
{
	shim_add_anon(&mm, 0, 1, ro | VM_SEALED, 0);
	shim_add_anon(&mm, 1, 1, ro, 0);
	shim_add_anon(&mm, 2, 1, ro | VM_SEALED, 0);
	EXPECT_EQ(Draw(), "0-1:r--p+S 1-2:r--p 2-3:r--p+S");
	EXPECT_EQ(shim_modify(&mm, 1, 1, VM_SEALED, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-3:r--p+S");
	EXPECT_EQ(mm_map_count(&mm), 1u);
}

// Control: the same layout changed to a flag set that matches neither
// neighbour stays three VMAs.
TEST_F(Modify, ChangeBetweenUnmatchedNeighboursStaysThree)
{
	shim_add_anon(&mm, 0, 1, ro | VM_SEALED, 0);
	shim_add_anon(&mm, 1, 1, ro, 0);
	shim_add_anon(&mm, 2, 1, ro | VM_SEALED, 0);
	EXPECT_EQ(shim_modify(&mm, 1, 1, VM_DONTDUMP, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p+S 1-2:r--p 2-3:r--p+S");
	EXPECT_EQ(mm_map_count(&mm), 3u);
}

// mseal(0, 4 pages) over [0-1 U][1-2 S][2-4 U], VMA by VMA as the mseal
// walk does: ends as one sealed VMA (§2, verified).
TEST_F(Modify, SealAcrossMixedRangeMergesToOne)
{
	shim_add_anon(&mm, 0, 1, rw, 0);
	shim_add_anon(&mm, 1, 1, rw | VM_SEALED, 0);
	shim_add_anon(&mm, 2, 2, rw, 0);
	EXPECT_EQ(shim_modify(&mm, 0, 1, VM_SEALED, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:rw-p");
	EXPECT_EQ(shim_modify(&mm, 2, 2, VM_SEALED, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
}

// A change at the start of a VMA that makes it match the previous VMA
// moves the boundary instead of splitting: prev grows, vma shrinks.
TEST_F(Modify, StartOfVmaMergesIntoPrev)
{
	shim_add_anon(&mm, 0, 2, ro, 0);
	shim_add_anon(&mm, 2, 3, rw, 0);
	EXPECT_EQ(shim_modify(&mm, 2, 1, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-3:r--p 3-5:rw-p");
}

// The mirror image: the end of a VMA merges into the next one.
TEST_F(Modify, EndOfVmaMergesIntoNext)
{
	shim_add_anon(&mm, 0, 3, rw, 0);
	shim_add_anon(&mm, 3, 2, ro, 0);
	EXPECT_EQ(shim_modify(&mm, 2, 1, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 2-5:r--p");
	struct vma *next = mm_vma_lookup(&mm, SHIM_BASE + 2 * PAGE_SIZE);
	ASSERT_NE(next, nullptr);
	EXPECT_EQ(next->pgoff, (SHIM_BASE + 2 * PAGE_SIZE) >> PAGE_SHIFT);
}

// A hole between two VMAs prevents a merge even with equal flags.
TEST_F(Modify, HoleBlocksMerge)
{
	shim_add_anon(&mm, 0, 1, ro, 0);
	shim_add_anon(&mm, 2, 1, rw, 0);
	EXPECT_EQ(shim_modify(&mm, 2, 1, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p 2-3:r--p");
}

// Two VMAs whose pages were touched apart have different anon_vmas and
// never merge (mm/vma.c: is_mergeable_anon_vma; §1.4)...
TEST_F(Modify, DifferentAnonVmasDoNotMerge)
{
	shim_add_anon(&mm, 0, 1, ro, 1);
	shim_add_anon(&mm, 1, 1, rw, 2);
	EXPECT_EQ(shim_modify(&mm, 1, 1, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p 1-2:r--p");
}

// ...while an untouched VMA next to a touched one merges and adopts it.
TEST_F(Modify, UntouchedMergesWithTouched)
{
	shim_add_anon(&mm, 0, 1, ro, 1);
	shim_add_anon(&mm, 1, 1, rw, 0);
	EXPECT_EQ(shim_modify(&mm, 1, 1, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p");
	EXPECT_EQ(mm_vma_lookup(&mm, SHIM_BASE)->anon_vma, 1u);
}

// Both neighbours match the new flags but carry different anon_vmas: the
// change merges with prev only (vma_merge_existing_range's merge_both test).
TEST_F(Modify, BothSidesWithConflictingAnonVmasMergeLeftOnly)
{
	shim_add_anon(&mm, 0, 1, ro, 1);
	shim_add_anon(&mm, 1, 1, rw, 0);
	shim_add_anon(&mm, 2, 1, ro, 2);
	EXPECT_EQ(shim_modify(&mm, 1, 1, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p 2-3:r--p");
}

// An unchanged flag word changes nothing: no split (§7.7: MADV_NORMAL on
// a normal VMA does not split).
TEST_F(Modify, SameFlagsNoSplit)
{
	shim_add_anon(&mm, 0, 4, rw, 0);
	EXPECT_EQ(shim_modify(&mm, 1, 2, 0, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// split_vma refuses once map_count >= max_map_count; a change in the
// middle of a VMA needs two splits, and when the second fails the first
// stays (§1.2, verified with mprotect and madvise at max - 1).
TEST_F(Modify, SecondSplitFailsFirstStays)
{
	shim_add_anon(&mm, 0, 4, rw, 0);
	shim_add_anon(&mm, 10, 1, rw, 0);
	mm.max_map_count = 3;   // map_count 2 = max - 1
	EXPECT_EQ(shim_modify(&mm, 1, 2, 0, VM_WRITE | VM_ACCOUNT), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-4:rw-p 10-11:rw-p");
}

// Control for the limit: one more slot and both splits succeed.
TEST_F(Modify, BothSplitsBelowLimit)
{
	shim_add_anon(&mm, 0, 4, rw, 0);
	shim_add_anon(&mm, 10, 1, rw, 0);
	mm.max_map_count = 4;
	EXPECT_EQ(shim_modify(&mm, 1, 2, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-3:r--p 3-4:rw-p 10-11:rw-p");
}

// At the limit, the first split already fails and nothing changes.
TEST_F(Modify, FirstSplitAtLimitChangesNothing)
{
	shim_add_anon(&mm, 0, 4, rw, 0);
	shim_add_anon(&mm, 10, 1, rw, 0);
	mm.max_map_count = 2;
	EXPECT_EQ(shim_modify(&mm, 1, 2, 0, VM_WRITE | VM_ACCOUNT), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p 10-11:rw-p");
}

// A merge needs no split, so it succeeds even at the limit.
TEST_F(Modify, MergeSucceedsAtLimit)
{
	shim_add_anon(&mm, 0, 2, ro, 0);
	shim_add_anon(&mm, 2, 3, rw, 0);
	mm.max_map_count = 2;
	EXPECT_EQ(shim_modify(&mm, 2, 1, 0, VM_WRITE | VM_ACCOUNT), 0);
	Check();
	EXPECT_EQ(Draw(), "0-3:r--p 3-5:rw-p");
}

// Device-like mappings (VM_SPECIAL: VM_IO, VM_DONTEXPAND, VM_PFNMAP,
// VM_MIXEDMAP) never merge: vma_merge_existing_range gives up on them, so
// the change splits even next to a matching neighbour.
TEST_F(Modify, SpecialFlagsSplitInsteadOfMerging)
{
	shim_add_anon(&mm, 0, 1, ro | VM_IO, 0);
	shim_add_anon(&mm, 1, 2, ro, 0);
	EXPECT_EQ(shim_modify(&mm, 1, 1, VM_IO, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p 1-2:r--p 2-3:r--p");
	EXPECT_EQ(mm_map_count(&mm), 3u);
}

// Control: without VM_IO the same change merges into prev.
TEST_F(Modify, PlainFlagsMergeIntoPrev)
{
	shim_add_anon(&mm, 0, 1, ro | VM_DONTDUMP, 0);
	shim_add_anon(&mm, 1, 2, ro, 0);
	EXPECT_EQ(shim_modify(&mm, 1, 1, VM_DONTDUMP, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p 2-3:r--p");
}

// [vdso] refuses any split (mm/vma.c: __split_vma asks vm_ops->may_split):
// changing part of it is EINVAL, changing all of it works.
TEST_F(Modify, SpecialMappingRefusesSplit)
{
	shim_add_special(&mm, 0, 2, VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, VMA_VDSO);
	EXPECT_EQ(shim_modify(&mm, 0, 1, VM_SEALED, 0), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-2:r-xp");
	EXPECT_EQ(shim_modify(&mm, 0, 2, VM_SEALED, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:r-xp+S");
}

// split_vma tests the count before it asks the mapping: at the limit a
// special mapping answers ENOMEM, not EINVAL.
TEST_F(Modify, SpecialMappingAtLimitIsEnomem)
{
	shim_add_special(&mm, 0, 2, VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC, VMA_VDSO);
	mm.max_map_count = 1;
	EXPECT_EQ(shim_modify(&mm, 0, 1, VM_SEALED, 0), -ENOMEM);
	Check();
}

// File mappings merge only with the same open file and contiguous page
// offsets (mm/vma.c: is_mergeable_vma, can_vma_merge_after).
TEST_F(Modify, FileMergeNeedsSameFileAndContiguousOffsets)
{
	struct inode *inode = inode_new(INODE_MEMFD, 0, 1, 42, "/memfd:m (deleted)");
	struct file *f1 = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
	struct file *f2 = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
	const vm_flags_t shared = VM_READ | VM_SHARED | VM_MAYSHARE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	/*
	 * 0 1 2 3 4 5
	 * A B   C D      A, B: file f1 at offsets 0, 1; C: f1 at 5; D: f2 at 4
	 */
	shim_add_file(&mm, 0, 1, shared | VM_DONTDUMP, f1, 0);
	shim_add_file(&mm, 1, 1, shared, f1, 1);
	shim_add_file(&mm, 3, 1, shared | VM_DONTDUMP, f1, 5);
	shim_add_file(&mm, 4, 1, shared, f2, 4);
	EXPECT_EQ(shim_modify(&mm, 1, 1, VM_DONTDUMP, 0), 0);   // contiguous, same file: merges
	EXPECT_EQ(shim_modify(&mm, 4, 1, VM_DONTDUMP, 0), 0);   // other open file: stays apart
	Check();
	EXPECT_EQ(Draw(), "0-2:r--s 3-4:r--s 4-5:r--s");
	file_put(f1);
	file_put(f2);
	inode_put(inode);
}

}  // namespace
