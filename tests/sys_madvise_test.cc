// madvise(addr, len, advice): mm/madvise.c: do_madvise ->
// madvise_walk_vmas -> per VMA can_madvise_modify, then the advice
// (semantics reference §7). Expected values are the live 6.18 kernel's
// ([V] in the reference, or probed on 6.18.44 where said). Layouts are
// pages of the test window; mm_check runs after every step.
#include <cerrno>
#include <cstdint>
#include <vector>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t NONE = PROT_NONE;
constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;

// The flags a madvise may set, for drawings.
constexpr vm_flags_t kAdviceFlags = VM_SEQ_READ | VM_RAND_READ | VM_DONTCOPY | VM_WIPEONFORK |
				    VM_DONTDUMP | VM_HUGEPAGE | VM_NOHUGEPAGE | VM_MERGEABLE |
				    VM_MAYBE_GUARD;

struct AdviceCase {
	int64_t advice;
	int64_t want;
};

// The advice that throws contents away (mm/madvise.c: is_discard), in the
// order of the reference's matrix.
const std::vector<int64_t> kDiscard = { MADV_DONTNEED, MADV_DONTNEED_LOCKED, MADV_FREE,
					MADV_REMOVE,   MADV_DONTFORK,        MADV_WIPEONFORK,
					MADV_GUARD_INSTALL };

class SysMadvise : public SysTest {
protected:
	// Each case on a one-page VMA of its own at pages 0, 2, 4, ...:
	// mmap(prot, type), mseal when `seal`, then the advice. Returns the
	// drawing with the advice flags.
	std::string Column(uint64_t prot, uint64_t type, bool seal, const std::vector<AdviceCase> &cases)
	{
		for (size_t i = 0; i < cases.size(); i++) {
			int64_t page = 2 * (int64_t)i;

			EXPECT_EQ(sys_mmap(t, P(page), PG, prot, type | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
				  (int64_t)P(page));
			Check();
			if (seal)
				Seal(page, 1);
			EXPECT_EQ(sys_madvise(t, P(page), PG, cases[i].advice), cases[i].want)
				<< "advice " << cases[i].advice;
			Check();
		}
		return Draw(kAdviceFlags);
	}
	static std::vector<AdviceCase> Discard(std::vector<int64_t> wants)
	{
		std::vector<AdviceCase> cases;

		for (size_t i = 0; i < kDiscard.size(); i++)
			cases.push_back({ kDiscard[i], wants[i] });
		return cases;
	}
};

// mm/madvise.c: madvise_behavior_valid — advice unknown to this kernel's
// configuration is EINVAL, checked before the zero length (MADV_HWPOISON
// and MADV_SOFT_OFFLINE: no MEMORY_FAILURE here) [V].
TEST_F(SysMadvise, UnknownAdviceEinvalBeforeZeroLength)
{
	EXPECT_EQ(sys_madvise(t, P(0), 0, 99), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), 0, 100), -EINVAL);   // MADV_HWPOISON
	Check();
	Map(0, 1, R);
	EXPECT_EQ(sys_madvise(t, P(0), PG, MADV_SOFT_OFFLINE), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p");
}

// mm/madvise.c: do_madvise — an unaligned start is EINVAL; a non-zero
// length that rounds to 0, or an end that wraps, is EINVAL; a zero length
// is a successful no-op, mapped or not [V].
TEST_F(SysMadvise, RangeChecks)
{
	EXPECT_EQ(sys_madvise(t, P(0) + 1, 0, MADV_NORMAL), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), UINT64_MAX - 99, MADV_NORMAL), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), 0 - P(0) + 2 * PG, MADV_NORMAL), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), 0 - P(0), MADV_NORMAL), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), 0, MADV_NORMAL), 0);
	Check();
}

// mm/madvise.c: madvise_walk_vmas — nothing mapped in the range: ENOMEM [V].
TEST_F(SysMadvise, NothingMappedEnomem)
{
	EXPECT_EQ(sys_madvise(t, P(0), PG, MADV_NORMAL), -ENOMEM);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), PG, MADV_DONTNEED), -ENOMEM);
	Check();
}

// mm/madvise.c: madvise_walk_vmas — holes are remembered and reported as
// ENOMEM only after every VMA was advised: both VMAs get `dd`, sealed or
// not [V].
//   012
//   U S   DONTDUMP(P0, 3) -> both dd, ENOMEM
TEST_F(SysMadvise, HoleEnomemAfterProcessing)
{
	Map(0, 1, R);
	Map(2, 1, R);
	Seal(2, 1);
	EXPECT_EQ(sys_madvise(t, P(0), 3 * PG, MADV_DONTDUMP), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(VM_DONTDUMP), "0-1:r--p+dd 2-3:r--p+dd+S");
	// And back, still past the hole.
	EXPECT_EQ(sys_madvise(t, P(0), 3 * PG, MADV_DODUMP), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(VM_DONTDUMP), "0-1:r--p 2-3:r--p+S");
}

// mm/madvise.c: madvise_walk_vmas — the first per-VMA error stops the walk
// and wins over a hole seen before it: [U][hole][S] and [S][hole][U] with
// DONTNEED on read-only memory are EPERM [V; probed].
TEST_F(SysMadvise, SealRefusalBeatsEarlierHole)
{
	Map(0, 1, R);
	Map(2, 1, R);
	Seal(2, 1);
	EXPECT_EQ(sys_madvise(t, P(0), 3 * PG, MADV_DONTNEED), -EPERM);
	Check();
	Map(10, 1, R);
	Seal(10, 1);
	Map(12, 1, R);
	EXPECT_EQ(sys_madvise(t, P(10), 3 * PG, MADV_DONTNEED), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p 2-3:r--p+S 10-11:r--p+S 12-13:r--p");
}

// mm/madvise.c: can_madvise_modify — sealed, read-only, private anonymous:
// every discard advice is EPERM and nothing changes [V].
TEST_F(SysMadvise, SealedAnonReadOnlyRefusesDiscard)
{
	EXPECT_EQ(Column(R, MAP_PRIVATE, true,
			 Discard({ -EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EPERM })),
		  "0-1:r--p+S 2-3:r--p+S 4-5:r--p+S 6-7:r--p+S 8-9:r--p+S 10-11:r--p+S "
		  "12-13:r--p+S");
}

// mm/madvise.c: can_madvise_modify — PROT_NONE counts as read-only [V].
TEST_F(SysMadvise, SealedAnonProtNoneRefusesDiscard)
{
	EXPECT_EQ(Column(NONE, MAP_PRIVATE, true,
			 Discard({ -EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EPERM })),
		  "0-1:---p+S 2-3:---p+S 4-5:---p+S 6-7:---p+S 8-9:---p+S 10-11:---p+S "
		  "12-13:---p+S");
}

// mm/madvise.c: can_madvise_modify — writable memory could be zeroed by
// the program anyway: sealed RW allows every discard advice; only the
// advice's own checks refuse (REMOVE needs a shared file: EINVAL).
// DONTFORK sets dc, WIPEONFORK wf, GUARD_INSTALL gu [V; flags probed].
TEST_F(SysMadvise, SealedAnonWritableAllowsDiscard)
{
	EXPECT_EQ(Column(RW, MAP_PRIVATE, true, Discard({ 0, 0, 0, -EINVAL, 0, 0, 0 })),
		  "0-1:rw-p+S 2-3:rw-p+S 4-5:rw-p+S 6-7:rw-p+S 8-9:rw-p+dc+S 10-11:rw-p+wf+S "
		  "12-13:rw-p+gu+S");
}

// mm/madvise.c: can_madvise_modify — shared anonymous memory is not
// "anonymous" to the seal test (it has vm_ops): allowed, with the
// advice's own EINVALs for FREE and WIPEONFORK [V].
TEST_F(SysMadvise, SealedSharedAnonAllowsDiscard)
{
	EXPECT_EQ(Column(R, MAP_SHARED, true, Discard({ 0, 0, -EINVAL, 0, 0, -EINVAL, 0 })),
		  "0-1:r--s+S 2-3:r--s+S 4-5:r--s+S 6-7:r--s+S 8-9:r--s+dc+S 10-11:r--s+S "
		  "12-13:r--s+gu+S");
}

// Controls (mm/madvise.c: madvise_vma_behavior, no seal in the way): the
// same columns unsealed. Read-only and PROT_NONE anonymous
// memory accept every discard advice but REMOVE; shared anonymous gives
// the same answers sealed or not (probed on 6.18.44).
TEST_F(SysMadvise, UnsealedAnonReadOnlyControl)
{
	EXPECT_EQ(Column(R, MAP_PRIVATE, false, Discard({ 0, 0, 0, -EINVAL, 0, 0, 0 })),
		  "0-1:r--p 2-3:r--p 4-5:r--p 6-7:r--p 8-9:r--p+dc 10-11:r--p+wf 12-13:r--p+gu");
}

// mm/madvise.c: madvise_vma_behavior — unsealed PROT_NONE.
TEST_F(SysMadvise, UnsealedAnonProtNoneControl)
{
	EXPECT_EQ(Column(NONE, MAP_PRIVATE, false, Discard({ 0, 0, 0, -EINVAL, 0, 0, 0 })),
		  "0-1:---p 2-3:---p 4-5:---p 6-7:---p 8-9:---p+dc 10-11:---p+wf 12-13:---p+gu");
}

// mm/madvise.c: madvise_vma_behavior — unsealed shared anonymous.
TEST_F(SysMadvise, UnsealedSharedAnonControl)
{
	EXPECT_EQ(Column(R, MAP_SHARED, false, Discard({ 0, 0, -EINVAL, 0, 0, -EINVAL, 0 })),
		  "0-1:r--s 2-3:r--s 4-5:r--s 6-7:r--s 8-9:r--s+dc 10-11:r--s 12-13:r--s+gu");
}

// mm/madvise.c: can_madvise_modify — every advice that discards nothing is
// allowed on sealed read-only anonymous memory, and flag advice still
// sets its flag (splitting a sealed VMA is fine) [V; flags probed].
TEST_F(SysMadvise, NonDiscardAdviceAllowedOnSealed)
{
	const std::vector<AdviceCase> cases = {
		{ MADV_NORMAL, 0 },      { MADV_RANDOM, 0 },        { MADV_SEQUENTIAL, 0 },
		{ MADV_WILLNEED, 0 },    { MADV_DOFORK, 0 },        { MADV_MERGEABLE, 0 },
		{ MADV_UNMERGEABLE, 0 }, { MADV_HUGEPAGE, 0 },      { MADV_NOHUGEPAGE, 0 },
		{ MADV_DONTDUMP, 0 },    { MADV_DODUMP, 0 },        { MADV_KEEPONFORK, 0 },
		{ MADV_COLD, 0 },        { MADV_PAGEOUT, 0 },       { MADV_POPULATE_READ, 0 },
		{ MADV_GUARD_REMOVE, 0 },
	};

	EXPECT_EQ(Column(R, MAP_PRIVATE, true, cases),
		  "0-1:r--p+S 2-3:r--p+rr+S 4-5:r--p+sr+S 6-7:r--p+S 8-9:r--p+S 10-11:r--p+mg+S "
		  "12-13:r--p+S 14-15:r--p+hg+S 16-17:r--p+nh+S 18-19:r--p+dd+S 20-21:r--p+S "
		  "22-23:r--p+S 24-25:r--p+S 26-27:r--p+S 28-29:r--p+S 30-31:r--p+S");
}

// The columns that need a file are in sys_madvise_matrix_test.cc.

// mm/madvise.c: madvise_update_vma — flag advice on part of a VMA splits
// it; the opposite advice merges it back; advice that would change no
// flag splits nothing [V].
//   0123
//   AAAA   DONTFORK(P1, 2) -> A dd A; DOFORK -> AAAA; NORMAL -> AAAA
TEST_F(SysMadvise, FlagAdviceSplitsAndMerges)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DONTFORK), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-1:r--p 1-3:r--p+dc 3-4:r--p");
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DOFORK), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-4:r--p");
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_NORMAL), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-4:r--p");
	EXPECT_EQ(Count(), 1u);
}

// mm/madvise.c: madvise_update_vma — read-pattern and fork advice are
// separate flags: three pieces; NORMAL and KEEPONFORK over the whole
// range merge them back into one [probed].
TEST_F(SysMadvise, ReadPatternAndForkFlags)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_WIPEONFORK), 0);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), PG, MADV_RANDOM), 0);
	Check();
	EXPECT_EQ(sys_madvise(t, P(3), PG, MADV_SEQUENTIAL), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-1:r--p+rr 1-3:r--p+wf 3-4:r--p+sr");
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_NORMAL), 0);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_KEEPONFORK), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-4:r--p");
}

// mm/madvise.c: madvise_vma_behavior — WIPEONFORK on shared memory is
// EINVAL and stops the walk; the private VMA before it is marked [probed].
//   012
//   Pss   WIPEONFORK(P0, 3) -> P wf, EINVAL
TEST_F(SysMadvise, WipeonforkOnSharedStopsWalk)
{
	Map(0, 1, R);
	EXPECT_EQ(sys_mmap(t, P(1), 2 * PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  (int64_t)P(1));
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), 3 * PG, MADV_WIPEONFORK), -EINVAL);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-1:r--p+wf 1-3:r--s");
}

// mm/madvise.c: madvise_update_vma — flag advice on a sealed VMA splits
// it like any VMA; the pieces merge back afterwards [probed].
TEST_F(SysMadvise, FlagAdviceSplitsSealedVma)
{
	Map(0, 4, R);
	Seal(0, 4);
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DONTDUMP), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-1:r--p+S 1-3:r--p+dd+S 3-4:r--p+S");
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DODUMP), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-4:r--p+S");
}

// mm/madvise.c: madvise_walk_vmas — partial effect: the unsealed VMA is
// marked before the sealed read-only one refuses [V].
//   0123
//   UUSS   DONTFORK(P0, 4) -> UU dc, EPERM
TEST_F(SysMadvise, UnsealedPartMarkedBeforeSealedRefuses)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	Seal(2, 2);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_DONTFORK), -EPERM);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-2:rw-p+dc 2-4:r--p+S");
}

// Control (mm/madvise.c: madvise_walk_vmas): unsealed, both VMAs are
// marked.
TEST_F(SysMadvise, DontforkUnsealedControl)
{
	Map(0, 2, RW);
	Map(2, 2, R);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_DONTFORK), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-2:rw-p+dc 2-4:r--p+dc");
}

// mm/madvise.c: madvise_update_vma — a split refused on max_map_count is
// reported as EAGAIN, not ENOMEM; at max - 1 the first of two splits
// stays [V].
//   0123
//   AAAA   DONTFORK(P1, 2) at max-1 -> A AAA, EAGAIN
TEST_F(SysMadvise, SplitAtLimitEagainFirstSplitStays)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(7);
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DONTFORK), -EAGAIN);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-1:rw-p 1-4:rw-p");
	EXPECT_EQ(Count(), 8u);
}

// mm/madvise.c: madvise_update_vma — at max the first split fails:
// EAGAIN, nothing changed; advice that changes no flags needs no split
// and succeeds.
TEST_F(SysMadvise, SplitAtMaxEagainNothingChanged)
{
	SetMax(8);
	Map(0, 4, RW);
	FillTo(8);
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DONTFORK), -EAGAIN);
	Check();
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DONTNEED), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-4:rw-p");
}

// mm/madvise.c: discard advice changes no VMA: DONTNEED and
// GUARD_INSTALL on part of a VMA do not split it [V].
TEST_F(SysMadvise, DiscardAdviceDoesNotSplit)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_madvise(t, P(1), 2 * PG, MADV_DONTNEED), 0);
	Check();
	EXPECT_EQ(sys_madvise(t, P(1), PG, MADV_GUARD_INSTALL), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p");
	EXPECT_EQ(Count(), 1u);
}

// mm/madvise.c: madvise_guard_install — VM_MAYBE_GUARD (`gu`) goes on the
// whole VMA; it is sticky: a new neighbour still merges and the merged
// VMA keeps it, and GUARD_REMOVE does not clear it (probed on 6.18.44).
//   0123 45
//   GGGG       map P4..5 -> one guarded VMA
TEST_F(SysMadvise, GuardMarkIsStickyAcrossMerges)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_madvise(t, P(1), PG, MADV_GUARD_INSTALL), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-4:r--p+gu");
	Map(4, 2, R);
	EXPECT_EQ(Draw(kAdviceFlags), "0-6:r--p+gu");
	EXPECT_EQ(sys_madvise(t, P(1), PG, MADV_GUARD_REMOVE), 0);
	Check();
	EXPECT_EQ(Draw(kAdviceFlags), "0-6:r--p+gu");
}

// mm/madvise.c: madvise_guard_install — anonymous memory gets an anon_vma:
// the pieces of a guarded VMA keep `ac` after a round trip through
// read-write, so they no longer merge (probed on 6.18.44).
//   0123
//   AAAA   guard P2; mprotect(P0, 2, rw) then r -> 0-2 keeps ac
TEST_F(SysMadvise, GuardInstallAttachesAnonVma)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_madvise(t, P(2), PG, MADV_GUARD_INSTALL), 0);
	Check();
	Protect(0, 2, RW);
	Protect(0, 2, R);
	EXPECT_EQ(Draw(VM_ACCOUNT | VM_MAYBE_GUARD), "0-2:r--p+gu+ac 2-4:r--p+gu");
}

// mm/madvise.c: madvise_populate — outside the walk: an access the VMA
// does not allow is EINVAL at once (read of PROT_NONE, write of
// read-only), a hole is ENOMEM; sealing does not matter [V; order
// probed].
//   0123
//   NRRR   POPULATE_READ(P0, 6) -> EINVAL; (P1, 6) -> ENOMEM
TEST_F(SysMadvise, PopulateChecks)
{
	Map(0, 4, R);
	Protect(0, 1, NONE);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_POPULATE_READ), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(1), 3 * PG, MADV_POPULATE_WRITE), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(0), 6 * PG, MADV_POPULATE_READ), -EINVAL);
	Check();
	EXPECT_EQ(sys_madvise(t, P(1), 6 * PG, MADV_POPULATE_READ), -ENOMEM);
	Check();
	Seal(1, 3);
	EXPECT_EQ(sys_madvise(t, P(1), 3 * PG, MADV_POPULATE_READ), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-4:r--p+S");
}

// mm/madvise.c: madvise_populate — write faults in private writable memory
// attach an anon_vma: mprotect to read-only then keeps `ac` (probed).
TEST_F(SysMadvise, PopulateWriteAttachesAnonVma)
{
	Map(0, 2, RW);
	EXPECT_EQ(sys_madvise(t, P(0), 2 * PG, MADV_POPULATE_WRITE), 0);
	Check();
	Protect(0, 2, R);
	EXPECT_EQ(Draw(VM_ACCOUNT), "0-2:r--p+ac");
}

// mm/khugepaged.c: madvise_collapse — a range without a whole aligned
// 2 MiB is EINVAL, sealed or not [V].
TEST_F(SysMadvise, CollapseOfSmallVmaEinval)
{
	Map(0, 4, RW);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_COLLAPSE), -EINVAL);
	Check();
	Seal(0, 4);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_COLLAPSE), -EINVAL);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p+S");
}

}  // namespace
