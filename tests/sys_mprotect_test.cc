// mprotect(addr, len, prot): mm/mprotect.c: do_mprotect_pkey, per VMA
// mprotect_fixup -> mm/vma.c: vma_modify_flags (semantics reference §5).
// Expected values are the live 6.18 kernel's ([V] in the reference, or
// probed on 6.18.44 where said). Layouts are pages of the test window;
// mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t NONE = PROT_NONE;
constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t RX = PROT_READ | PROT_EXEC;
constexpr uint64_t RWX = PROT_READ | PROT_WRITE | PROT_EXEC;

class SysMprotect : public SysTest {};

// mm/mprotect.c: do_mprotect_pkey — PROT_GROWSDOWN together with
// PROT_GROWSUP is the very first check: EINVAL even for a zero length
// or an unaligned address [V; len 0 probed on 6.18.44].
TEST_F(SysMprotect, BothGrowsBitsEinvalFirst)
{
	EXPECT_EQ(sys_mprotect(t, P(0), 0, PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0) + 1, PG, PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
	Check();
}

// mm/mprotect.c: do_mprotect_pkey — alignment comes before the zero
// length test; a zero length then returns 0 whatever prot says [V].
TEST_F(SysMprotect, UnalignedEinvalZeroLengthSucceeds)
{
	EXPECT_EQ(sys_mprotect(t, P(0) + 1, 0, R), -EINVAL);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), 0, 0x12345), 0);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/mprotect.c: do_mprotect_pkey — an end that wraps (also exactly to 0)
// is ENOMEM, tested before the prot bits [V; order probed on 6.18.44].
TEST_F(SysMprotect, WrapEnomemBeforeProtCheck)
{
	Map(0, 2, R);
	EXPECT_EQ(sys_mprotect(t, P(0), 0 - P(0), R), -ENOMEM);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), 0 - P(0) + 2 * PG, 0x10), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p");
}

// include/linux/mman.h: arch_validate_prot — bits outside READ, WRITE,
// EXEC and SEM are EINVAL (mmap ignores them); PROT_SEM is accepted [V].
TEST_F(SysMprotect, UnknownProtBitEinvalSemAccepted)
{
	Map(0, 2, R);
	EXPECT_EQ(sys_mprotect(t, P(0), PG, R | 0x10), -EINVAL);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), PG, UINT64_C(0x20000000) | R), -EINVAL);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), PG, R | PROT_SEM), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p");
}

// mm/mprotect.c: do_mprotect_pkey — nothing mapped in the range: ENOMEM [V].
TEST_F(SysMprotect, NothingMappedEnomem)
{
	EXPECT_EQ(sys_mprotect(t, P(0), PG, R), -ENOMEM);
	Check();
}

// mm/mprotect.c: do_mprotect_pkey — the first VMA starting after addr (a
// leading hole) is ENOMEM with nothing changed [V].
//   0123
//    AAA   mprotect(P0, 4, rw) -> ENOMEM
TEST_F(SysMprotect, LeadingHoleEnomemNothingChanged)
{
	Map(1, 3, R);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "1-4:r--p");
}

// mm/mprotect.c: do_mprotect_pkey — a hole in the middle stops the walk
// with ENOMEM; the VMAs before it are already changed [V].
//   01234
//   AA BB   mprotect(P0, 5, rw) -> ENOMEM, AA now rw
TEST_F(SysMprotect, MiddleHoleKeepsEarlierChanges)
{
	Map(0, 2, R);
	Map(3, 2, R);
	EXPECT_EQ(sys_mprotect(t, P(0), 5 * PG, RW), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 3-5:r--p");
}

// mm/mprotect.c: do_mprotect_pkey — a trailing hole is noticed after the
// loop: every mapped part is changed and the call still fails [V].
//   0123
//   AA     mprotect(P0, 4, rw) -> ENOMEM, AA now rw
TEST_F(SysMprotect, TrailingHoleChangesAllMapped)
{
	Map(0, 2, R);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-2:rw-p+ac");
}

// mm/mprotect.c: do_mprotect_pkey — a hole is found before the next VMA
// is looked at, so a sealed VMA after it is never reached: ENOMEM, not
// EPERM, with the VMA before the hole changed (probed on 6.18.44).
//   012
//   U S    mprotect(P0, 3, r) -> ENOMEM
TEST_F(SysMprotect, HoleBeforeSealedVmaEnomem)
{
	Map(0, 1, RW);
	Map(2, 1, RW);
	Seal(2, 1);
	EXPECT_EQ(sys_mprotect(t, P(0), 3 * PG, R), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p 2-3:rw-p+S");
}

// mm/mprotect.c: do_mprotect_pkey — PROT_GROWSDOWN pulls the start down
// to the start of the first VMA, which must grow down [V; layout probed].
//   10 11 12 13
//   g  g  g  g    mprotect(P11, 1, r|GROWSDOWN) -> pages 10-11 read-only
TEST_F(SysMprotect, GrowsDownExtendsToVmaStart)
{
	Map(10, 4, RW, MAP_GROWSDOWN);
	EXPECT_EQ(sys_mprotect(t, P(11), PG, R | PROT_GROWSDOWN), 0);
	Check();
	EXPECT_EQ(Draw(VM_GROWSDOWN), "10-12:r--p+gd 12-14:rw-p+gd");
	// Nothing at or below the end: ENOMEM.
	EXPECT_EQ(sys_mprotect(t, P(8), PG, R | PROT_GROWSDOWN), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(VM_GROWSDOWN), "10-12:r--p+gd 12-14:rw-p+gd");
}

// mm/mprotect.c: do_mprotect_pkey — PROT_GROWSDOWN on a VMA that does not
// grow down is EINVAL; PROT_GROWSUP is EINVAL on x86 [V].
TEST_F(SysMprotect, GrowsFlagsOnOrdinaryVmaEinval)
{
	Map(0, 2, R);
	EXPECT_EQ(sys_mprotect(t, P(1), PG, RW | PROT_GROWSDOWN), -EINVAL);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, R | PROT_GROWSUP), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p");
}

// mm/mprotect.c: do_mprotect_pkey — access beyond VM_MAY* is EACCES, and
// this check precedes mprotect_fixup's seal test: PROT_WRITE on a sealed
// read-only MAP_SHARED mapping of an O_RDONLY file is EACCES, the same
// protection on it is EPERM [V].
TEST_F(SysMprotect, MissingMayWriteEaccesBeforeSealEperm)
{
	ASSERT_EQ(shim_sys_add_rdonly_shared_file(t, 0, 2), 0);
	Check();
	Seal(0, 2);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, RW), -EACCES);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, R), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--s+S");
}

// Control (mm/mprotect.c: do_mprotect_pkey): unsealed, PROT_WRITE is still
// EACCES, the same protection is a successful no-op and PROT_EXEC
// (VM_MAYEXEC is there) works.
TEST_F(SysMprotect, MissingMayWriteUnsealedControl)
{
	ASSERT_EQ(shim_sys_add_rdonly_shared_file(t, 0, 2), 0);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, RW), -EACCES);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, R), 0);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(1), PG, RX), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--s 1-2:r-xs");
}

// mm/mprotect.c: do_mprotect_pkey — an EACCES on a later VMA leaves the
// earlier ones changed, like any per-VMA failure.
//   0123
//   AAFF   mprotect(P0, 4, rw) -> AA rw, EACCES at F
TEST_F(SysMprotect, EaccesOnLaterVmaKeepsEarlierChanges)
{
	Map(0, 2, R);
	ASSERT_EQ(shim_sys_add_rdonly_shared_file(t, 2, 2), 0);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), -EACCES);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 2-4:r--s");
}

// mm/mprotect.c: mprotect_fixup — [U][S]: the unsealed VMA is split and
// changed before the sealed one refuses; it does not merge with S [V].
//   012345
//   UUUSSS   mprotect(P1, 4, r) -> U UU SSS, EPERM
TEST_F(SysMprotect, UnsealedThenSealedChangesUnsealedPart)
{
	Map(0, 3, RW);
	Map(3, 3, R);
	Seal(3, 3);
	EXPECT_EQ(sys_mprotect(t, P(1), 4 * PG, R), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-3:r--p 3-6:r--p+S");
}

// Control (mm/mprotect.c: mprotect_fixup): unsealed, pages 1-2 become
// read-only and merge with 3-5 (untouched, so the commit charge goes and
// the flags match).
TEST_F(SysMprotect, UnsealedThenUnsealedControl)
{
	Map(0, 3, RW);
	Map(3, 3, R);
	EXPECT_EQ(sys_mprotect(t, P(1), 4 * PG, R), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-6:r--p");
}

// mm/mprotect.c: mprotect_fixup — the whole range to r-x: U changes,
// S refuses [V].
TEST_F(SysMprotect, WholeRangeExecStopsAtSealed)
{
	Map(0, 3, RW);
	Map(3, 3, R);
	Seal(3, 3);
	EXPECT_EQ(sys_mprotect(t, P(0), 6 * PG, RX), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-3:r-xp 3-6:r--p+S");
}

// mm/mprotect.c: mprotect_fixup — [S][U]: the sealed VMA comes first, so
// nothing at all changes [V].
TEST_F(SysMprotect, SealedThenUnsealedChangesNothing)
{
	Map(0, 2, R);
	Seal(0, 2);
	Map(2, 2, RW);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, R), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p+S 2-4:rw-p");
}

// mm/mprotect.c: mprotect_fixup — the seal test precedes the "flags
// unchanged" shortcut: even the same protection is EPERM [V].
TEST_F(SysMprotect, SameProtectionOnSealedEperm)
{
	Map(0, 2, R);
	Seal(0, 2);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, R), -EPERM);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(1), PG, R), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p+S");
}

// Control (mm/mprotect.c: mprotect_fixup): unsealed, the same protection
// is a no-op that splits nothing.
TEST_F(SysMprotect, SameProtectionUnsealedNoSplit)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_mprotect(t, P(1), 2 * PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
	EXPECT_EQ(Count(), 1u);
}

// mm/mprotect.c: do_mprotect_pkey — a sealed VMA followed by a hole is
// EPERM, not ENOMEM: the seal refuses before the hole is reached [V].
TEST_F(SysMprotect, SealedThenTrailingHoleEperm)
{
	Map(0, 2, R);
	Seal(0, 2);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-2:r--p+S");
}

// mm/mprotect.c: mprotect_fixup — a private mapping becoming writable is
// charged (VM_ACCOUNT, smaps `ac`) [V].
//   0123
//   AAAA   mprotect(P1, 2, rw) -> A BB A
TEST_F(SysMprotect, BecomingWritableAddsAccount)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_mprotect(t, P(1), 2 * PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-1:r--p 1-3:rw-p+ac 3-4:r--p");
}

// mm/mprotect.c: mprotect_fixup — losing write drops VM_ACCOUNT only for
// an anonymous VMA without an anon_vma: untouched, it merges with its
// read-only neighbour [V].
TEST_F(SysMprotect, UntouchedLosesAccountAndMerges)
{
	Map(0, 2, R);
	Map(2, 2, RW);
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-2:r--p 2-4:rw-p+ac");
	EXPECT_EQ(sys_mprotect(t, P(2), 2 * PG, R), 0);
	Check();
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-4:r--p");
}

// mm/mprotect.c: mprotect_fixup — ...while a written one keeps `ac` and
// stays a VMA of its own; made writable again it is charged already [V].
TEST_F(SysMprotect, TouchedKeepsAccountAndStaysApart)
{
	Map(0, 2, R);
	Map(2, 2, RW);
	Touch(2);
	EXPECT_EQ(sys_mprotect(t, P(2), 2 * PG, R), 0);
	Check();
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-2:r--p 2-4:r--p+ac");
	EXPECT_EQ(sys_mprotect(t, P(2), 2 * PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-2:r--p 2-4:rw-p+ac");
}

// mm/rmap.c: anon_vma_prepare / find_mergeable_anon_vma — the second
// VMA's first write reuses its neighbour's anon_vma (compatible apart
// from the access bits), so equalising the protection merges them [V].
//   0123
//   AABB   write A, write B, mprotect(B, rw) -> one VMA
TEST_F(SysMprotect, NeighbourAnonVmaReusedSoEqualisingMerges)
{
	Map(0, 2, RW);
	Map(2, 2, RWX);
	Touch(0);
	Touch(2);
	EXPECT_EQ(sys_mprotect(t, P(2), 2 * PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-4:rw-p+ac");
}

// mm/vma.c: split_vma — a change in the middle of a VMA needs two
// splits; at max - 1 the first succeeds, the second fails: ENOMEM with
// the first split kept and the protection unchanged [V].
//   0123
//   AAAA   mprotect(P1, 2, r) at max-1 -> A AAA, ENOMEM
TEST_F(SysMprotect, MiddleChangeAtMaxMinusOneKeepsFirstSplit)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(7);
	EXPECT_EQ(sys_mprotect(t, P(1), 2 * PG, R), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-4:rw-p");
	EXPECT_EQ(Count(), 8u);
}

// mm/vma.c: split_vma — at max the first split already fails: nothing
// changes.
TEST_F(SysMprotect, MiddleChangeAtMaxChangesNothing)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(8);
	EXPECT_EQ(sys_mprotect(t, P(1), 2 * PG, R), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// Control (mm/vma.c: split_vma): two free slots and the change lands in
// the middle.
TEST_F(SysMprotect, MiddleChangeBelowLimitSplitsInThree)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(6);
	EXPECT_EQ(sys_mprotect(t, P(1), 2 * PG, R), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-3:r--p 3-4:rw-p");
	EXPECT_EQ(Count(), 8u);
}

// mm/vma.c: vma_modify_flags — a change of a whole VMA needs no split and
// succeeds even at max + 1 [V]; so does one that only moves a boundary
// into a matching neighbour, while the same size change that needs a
// split fails (probed on 6.18.44 at 65530).
//   0123
//   AABB   at max: mprotect(P1, 1, r) -> A BBB; mprotect(P1, 1, rwx) -> ENOMEM
TEST_F(SysMprotect, ChangesWithoutSplitSucceedAtLimit)
{
	SetMax(8);
	Map(0, 2, RW);
	Map(2, 2, R);
	FillTo(8);
	EXPECT_EQ(sys_mprotect(t, P(1), PG, RWX), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 2-4:r--p");
	EXPECT_EQ(sys_mprotect(t, P(1), PG, R), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-4:r--p");
	Map(10, 1, R);
	EXPECT_EQ(Count(), 9u);
	EXPECT_EQ(sys_mprotect(t, P(1), 3 * PG, NONE), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 1-4:---p 10-11:r--p");
}

}  // namespace
