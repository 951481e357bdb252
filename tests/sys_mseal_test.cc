// mseal(addr, len, flags) through the syscall layer: mm/mseal.c: do_mseal
// -> range_contains_unmapped -> mseal_apply (semantics reference §2).
// Expected values are the live 6.18 kernel's: [V] facts of the reference,
// or a probe of 6.18.44 where the comment says so. Layouts are pages of
// the test window, "0-1:rw-p 1-2:rw-p+S"; mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;

class SysMseal : public SysTest {};

// mm/mseal.c: do_mseal — flags != 0 is the first check: EINVAL even when
// the length is 0 (which would otherwise return 0) and over unmapped
// memory [V]. Control: the same call with flags 0 seals.
TEST_F(SysMseal, NonZeroFlagsEinvalBeforeZeroLength)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0x20), -EINVAL);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 0, 1), -EINVAL);
	Check();
	EXPECT_EQ(sys_mseal(t, P(9), 0, 1), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p");
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p+S");
}

// mm/mseal.c: do_mseal — an unaligned start is EINVAL [V].
//   0123
//   AAAA   mseal(P0 + 1, 2 pages) -> EINVAL, nothing sealed
TEST_F(SysMseal, UnalignedAddressEinval)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_mseal(t, P(0) + 1, 2 * PG, 0), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p");
}

// mm/mseal.c: do_mseal — a non-zero length that rounds up to 0 is EINVAL,
// and so is a range whose end wraps (also exactly to 0); a huge length
// that does not wrap reaches the hole test: ENOMEM (probed on 6.18.44).
TEST_F(SysMseal, LengthRoundingAndWrap)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_mseal(t, P(0), UINT64_MAX - 100, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 0 - P(0) + 2 * PG, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 0 - P(0), 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 0 - P(0) - PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p");
}

// mm/mseal.c: do_mseal — a rounded length of 0 returns 0 before any VMA
// is looked up, so it succeeds on unmapped memory and seals nothing [V].
TEST_F(SysMseal, ZeroLengthSucceedsWithoutLookup)
{
	EXPECT_EQ(sys_mseal(t, P(0), 0, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "");
	// Control: one byte is a page, and the page is not there.
	EXPECT_EQ(sys_mseal(t, P(0), 1, 0), -ENOMEM);
	Check();
}

// mm/mseal.c: do_mseal — len is rounded up to whole pages: mseal(P1, 1)
// seals exactly page 1 and splits its VMA in three [V].
//   012
//   AAA   -> A S A
TEST_F(SysMseal, LengthRoundsUpToOnePageAndSplits)
{
	Map(0, 3, RW);
	EXPECT_EQ(sys_mseal(t, P(1), 1, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-2:rw-p+S 2-3:rw-p");
	EXPECT_EQ(Count(), 3u);
}

// mm/mseal.c: range_contains_unmapped — a hole at the start: ENOMEM and
// nothing changed; the mapped part alone can be sealed [V].
//   0123
//    AAA   mseal(P0, 4) -> ENOMEM
TEST_F(SysMseal, HoleAtStartEnomem)
{
	Map(1, 3, R);
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "1-4:r--p");
	EXPECT_EQ(sys_mseal(t, P(1), 3 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "1-4:r--p+S");
}

// mm/mseal.c: range_contains_unmapped runs before mseal_apply: with a
// hole in the middle, the first VMA (which would need a split at P1) is
// neither split nor sealed [V].
//   0123
//   AA B   mseal(P1, 3) -> ENOMEM, no split at P1
TEST_F(SysMseal, HoleInMiddleEnomemNoSplit)
{
	Map(0, 4, RW);
	Unmap(2, 1);
	EXPECT_EQ(sys_mseal(t, P(1), 3 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 3-4:rw-p");
	EXPECT_EQ(Count(), 2u);
}

// mm/mseal.c: range_contains_unmapped — a hole at the end, including a
// range starting before the first mapped page (the selftest's "start is
// not in a valid VMA"): ENOMEM, nothing changed [V].
//   0123
//   AA     mseal(P1, 3) -> ENOMEM; mseal(P-1, 3) -> ENOMEM
TEST_F(SysMseal, HoleAtEndEnomem)
{
	Map(0, 2, RW);
	EXPECT_EQ(sys_mseal(t, P(1), 3 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(sys_mseal(t, P(-1), 3 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p");
	EXPECT_EQ(sys_mseal(t, P(0), 2 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S");
}

// mm/mseal.c: mseal_apply — an already sealed VMA is passed over and the
// rest is sealed; VM_SEALED is compared like any flag, so the pieces
// merge into one VMA [V].
//   0123
//   ASAA   mseal(P0, 4) -> SSSS (one VMA)
TEST_F(SysMseal, MixedSealedAndUnsealedMergeIntoOne)
{
	Map(0, 4, RW);
	Seal(1, 1);
	EXPECT_EQ(Draw(), "0-1:rw-p 1-2:rw-p+S 2-4:rw-p");
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
	EXPECT_EQ(Count(), 1u);
}

// mm/vma.c: vma_merge_new_range — a new mapping beside a sealed one does
// not merge with it (VM_SEALED differs) until it is sealed too [V].
TEST_F(SysMseal, NewNeighbourMergesOnlyOnceSealed)
{
	Map(0, 2, RW);
	Seal(0, 2);
	Map(2, 2, RW);
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:rw-p");
	EXPECT_EQ(sys_mseal(t, P(2), 2 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
}

// mm/mseal.c: mseal_apply — sealing keeps every other flag: the commit
// charge (`ac`) stays, and the sealed VMA is still writable memory.
TEST_F(SysMseal, SealingKeepsOtherFlags)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	Seal(0, 4);
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-2:rw-p+ac+S 2-4:r--p+S");
	EXPECT_EQ(sys_touch(t, P(0), true), 0);
	Check();
}

// mm/vma.c: split_vma under mseal_apply — at map_count == max the first
// split is refused: ENOMEM, nothing sealed. Sealing whole VMAs needs no
// split and still works (probed on 6.18.44 at 65530).
//   0123
//   AABB   mseal(P1, 2) at max -> ENOMEM; mseal(P0, 4) -> 0
TEST_F(SysMseal, SplitAtLimitEnomemNothingSealed)
{
	SetMax(10);
	Map(0, 2, RW);
	Map(2, 2, R);
	FillTo(10);
	EXPECT_EQ(sys_mseal(t, P(1), 2 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 2-4:r--p");
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:r--p+S");
	EXPECT_EQ(Count(), 10u);
}

// mm/mseal.c: mseal_apply — VMA by VMA: at max - 1 the split of the
// first VMA succeeds and its tail is sealed; the split of the second then
// fails and the call returns ENOMEM with the first part sealed (reference
// §2 row 7b, [S] there; probed on 6.18.44).
//   0123
//   AABB   mseal(P1, 2) at max-1 -> A S BB, ENOMEM
TEST_F(SysMseal, SecondVmaSplitFailsFirstStaysSealed)
{
	SetMax(10);
	Map(0, 2, RW);
	Map(2, 2, R);
	FillTo(9);
	EXPECT_EQ(sys_mseal(t, P(1), 2 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-2:rw-p+S 2-4:r--p");
	EXPECT_EQ(Count(), 10u);
}

// mm/vma.c: vma_modify_flags — sealing the middle of one VMA at max - 1:
// the split at P1 succeeds, the one at P3 fails; the first split stays
// and nothing is sealed (§1.2; probed on 6.18.44).
//   0123
//   AAAA   mseal(P1, 2) at max-1 -> A AAA, ENOMEM
TEST_F(SysMseal, MiddleOfOneVmaAtMaxMinusOneKeepsFirstSplit)
{
	SetMax(10);
	Map(0, 4, RW);
	FillTo(9);
	EXPECT_EQ(sys_mseal(t, P(1), 2 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-4:rw-p");
	EXPECT_EQ(Count(), 10u);
}

// Control for the two limit cases (mm/vma.c: split_vma): one more free
// slot and the same call seals exactly the range.
TEST_F(SysMseal, MiddleOfOneVmaBelowLimitSeals)
{
	SetMax(10);
	Map(0, 4, RW);
	FillTo(8);
	EXPECT_EQ(sys_mseal(t, P(1), 2 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-3:rw-p+S 3-4:rw-p");
	EXPECT_EQ(Count(), 10u);
}

}  // namespace
