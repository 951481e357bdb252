// The scenarios of the kernel's tools/testing/selftests/mm/mseal_test.c,
// retold against the model: each asserts the exact errno of every call
// and the layout afterwards (the selftest mostly checks only that a call
// failed). Scenarios the selftest runs with and without a seal are
// parameterised: "Sys/SealMprotect.TwoVmaWithSplit/Sealed" and
// ".../Unsealed". Every expected value was checked on 6.18.44 (a probe
// replaying the scenario in a fixed window under setarch -R) or is a [V]
// fact of the semantics reference. Pages are the test window's; the
// selftest's single mapping is 4 read-only pages at P0 unless said.
// mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t NONE = PROT_NONE;
constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t FIXED = MREMAP_MAYMOVE | MREMAP_FIXED;
constexpr uint64_t DONTUNMAP = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;

// ---- the scenarios about mseal itself (no sealed/unsealed pair) ----

class SysSelftest : public SysTest {};

// mm/mseal.c: do_mseal — sealing a whole fresh mapping.
// (selftest test_seal_addseal)
TEST_F(SysSelftest, AddSeal)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p+S");
}

// mm/mseal.c: range_contains_unmapped — the first two pages unmapped:
// mprotect and mseal of all four fail with ENOMEM and change nothing; the
// mapped half can be sealed.
//   0123
//     AA
// (selftest test_seal_unmapped_start)
TEST_F(SysSelftest, UnmappedStart)
{
	Map(0, 4, R);
	Unmap(0, 2);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), -ENOMEM);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "2-4:r--p");
	EXPECT_EQ(sys_mseal(t, P(2), 2 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "2-4:r--p+S");
}

// mm/mprotect.c: do_mprotect_pkey, mm/mseal.c: range_contains_unmapped —
// the middle two pages unmapped: mprotect changes the first page before
// it meets the hole (ENOMEM), mseal changes nothing (ENOMEM); the two
// single pages can then be sealed one by one.
//   0123
//   A  B
// (selftest test_seal_unmapped_middle)
TEST_F(SysSelftest, UnmappedMiddle)
{
	Map(0, 4, R);
	Unmap(1, 2);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p 3-4:r--p");
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), PG, 0), 0);
	Check();
	EXPECT_EQ(sys_mseal(t, P(3), PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p+S 3-4:r--p+S");
}

// mm/mprotect.c: do_mprotect_pkey, mm/mseal.c: range_contains_unmapped —
// selftest test_seal_unmapped_end:
// The last two pages unmapped: mprotect changes what is mapped and then
// reports the trailing hole; mseal of four pages fails, of two succeeds.
//   0123
//   AA
TEST_F(SysSelftest, UnmappedEnd)
{
	Map(0, 4, R);
	Unmap(2, 2);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p");
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p");
	EXPECT_EQ(sys_mseal(t, P(0), 2 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S");
}

// mm/mseal.c: mseal_apply over three VMAs; on the way, an mprotect over
// all three makes them one again (the middle was never written).
//   0123
//   ABBA   mseal(P0, 4) -> all three sealed
// (selftest test_seal_multiple_vmas)
TEST_F(SysSelftest, MultipleVmas)
{
	Map(0, 4, R);
	Protect(1, 2, RW);
	EXPECT_EQ(Draw(), "0-1:r--p 1-3:rw-p 3-4:r--p");
	Protect(0, 4, R);
	EXPECT_EQ(Draw(), "0-4:r--p");
	Protect(1, 2, RW);
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p+S 1-3:rw-p+S 3-4:r--p+S");
}

// mm/mseal.c: mseal_apply — sealing the first page splits the first VMA;
// sealing the other three merges page 1 into the sealed page 0.
//   0123
//   WWRR   seal P0 -> S W RR; seal P1..3 -> SS SS
// (selftest test_seal_split_start)
TEST_F(SysSelftest, SplitStart)
{
	Map(0, 4, R);
	Protect(0, 2, RW);
	EXPECT_EQ(sys_mseal(t, P(0), PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p+S 1-2:rw-p 2-4:r--p");
	EXPECT_EQ(sys_mseal(t, P(1), 3 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:r--p+S");
}

// mm/mseal.c: mseal_apply — selftest test_seal_split_end:
// The mirror image: seal the last page, then the first three.
TEST_F(SysSelftest, SplitEnd)
{
	Map(0, 4, R);
	Protect(0, 2, RW);
	EXPECT_EQ(sys_mseal(t, P(3), PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p 2-3:r--p 3-4:r--p+S");
	EXPECT_EQ(sys_mseal(t, P(0), 3 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-2:rw-p+S 2-4:r--p+S");
}

// mm/mseal.c: do_mseal — bad input against 4 mapped pages followed by 4
// unmapped ones: a flag (EINVAL), an unaligned start (EINVAL), 5 pages
// (ENOMEM), a huge length that does not wrap (ENOMEM), a start one page
// before the mapping (ENOMEM). Nothing gets sealed.
// (selftest test_seal_invalid_input)
TEST_F(SysSelftest, InvalidInput)
{
	Map(0, 8, R);
	Unmap(4, 4);
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0x20), -EINVAL);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0) + 1, 2 * PG, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 5 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), UINT64_MAX / PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(sys_mseal(t, P(-1), 5 * PG, 0), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p");
}

// mm/mseal.c: do_mseal — a zero length succeeds and seals nothing, like a
// zero-length mprotect: the whole mapping can still be made writable.
// (selftest test_seal_zero_length)
TEST_F(SysSelftest, ZeroLength)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_mprotect(t, P(0), 0, RW), 0);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 0, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p");
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:rw-p");
}

// mm/mseal.c: do_mseal, mm/mprotect.c: mprotect_fixup —
// selftest test_seal_zero_address:
// A mapping at address 0 (root may map below mmap_min_addr with
// MAP_FIXED [V]) seals like any other.
TEST_F(SysSelftest, ZeroAddress)
{
	EXPECT_EQ(sys_mmap(t, 0, 4 * PG, NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), 0);
	Check();
	EXPECT_EQ(shim_sys_draw_at(t, 0, 16 * PG, 0), std::string("0-4:---p"));
	EXPECT_EQ(sys_mseal(t, 0, 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(sys_mprotect(t, 0, 4 * PG, RW), -EPERM);
	Check();
	EXPECT_EQ(shim_sys_draw_at(t, 0, 16 * PG, 0), std::string("0-4:---p+S"));
}

// mm/mseal.c: mseal_apply — sealing twice is fine and changes nothing.
// (selftest test_seal_twice)
TEST_F(SysSelftest, SealTwice)
{
	Map(0, 4, R);
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), 0);
	Check();
	EXPECT_EQ(Draw(), "0-4:r--p+S");
	EXPECT_EQ(Count(), 1u);
}

// mm/mseal.c: mseal_apply -> mm/vma.c: vma_modify_flags — 24 read-only
// pages fenced by PROT_NONE pages; seals split off single pages at both
// ends, then grow them by merging with the sealed neighbour (from the
// left, from the right, across a split), until one seal covers the 22.
// (selftest test_seal_merge_and_split)
TEST_F(SysSelftest, MergeAndSplit)
{
	Map(0, 24, R);
	Protect(0, 1, NONE);
	Protect(23, 1, NONE);
	EXPECT_EQ(Draw(), "0-1:---p 1-23:r--p 23-24:---p");
	EXPECT_EQ(sys_mseal(t, P(1), PG, 0), 0);   // split at the start
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-2:r--p+S 2-23:r--p 23-24:---p");
	EXPECT_EQ(sys_mseal(t, P(22), PG, 0), 0);   // split at the end
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-2:r--p+S 2-22:r--p 22-23:r--p+S 23-24:---p");
	EXPECT_EQ(sys_mseal(t, P(2), PG, 0), 0);   // merge with prev
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-3:r--p+S 3-22:r--p 22-23:r--p+S 23-24:---p");
	EXPECT_EQ(sys_mseal(t, P(21), PG, 0), 0);   // merge with next
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-3:r--p+S 3-21:r--p 21-23:r--p+S 23-24:---p");
	EXPECT_EQ(sys_mseal(t, P(2), 2 * PG, 0), 0);   // split and merge with prev
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-4:r--p+S 4-21:r--p 21-23:r--p+S 23-24:---p");
	EXPECT_EQ(sys_munmap(t, P(1), PG), -EPERM);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(2), PG, NONE), -EPERM);
	Check();
	EXPECT_EQ(sys_mseal(t, P(20), 2 * PG, 0), 0);   // split and merge with next
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-4:r--p+S 4-20:r--p 20-23:r--p+S 23-24:---p");
	EXPECT_EQ(sys_mseal(t, P(2), 20 * PG, 0), 0);   // from inside prev to inside next
	Check();
	EXPECT_EQ(Draw(), "0-1:---p 1-23:r--p+S 23-24:---p");
	EXPECT_EQ(Count(), 3u);
}

// ---- scenarios run sealed and unsealed ----

class SealPair : public SysTest, public ::testing::WithParamInterface<bool> {
protected:
	bool Sealed() const { return GetParam(); }
	// The selftest's optional seal: mseal when the variant is sealed.
	void MaybeSeal(int64_t first, uint64_t len)
	{
		if (Sealed()) {
			EXPECT_EQ(sys_mseal(t, P(first), len, 0), 0);
			Check();
		}
	}
	// The expected result of a call that the seal refuses.
	int64_t Refused(int64_t unsealed) const { return Sealed() ? -EPERM : unsealed; }
	// The layout expected after the call, sealed or not.
	const char *Either(const char *sealed, const char *unsealed) const
	{
		return Sealed() ? sealed : unsealed;
	}
};

std::string SealName(const ::testing::TestParamInfo<bool> &info)
{
	return info.param ? "Sealed" : "Unsealed";
}

class SealMprotect : public SealPair {};
class SealMunmap : public SealPair {};
class SealMremap : public SealPair {};
class SealMmap : public SealPair {};
class SealMadvise : public SealPair {};

// mm/mprotect.c: mprotect_fixup in the walk — selftest
// test_seal_mprotect_partial_mprotect_tail: the first page unsealed, the
// second sealed; mprotect over both changes the first page, then the
// sealed one refuses (6.12+: the per-VMA check). Unsealed, both change
// and merge.
//   01
//   AS    mprotect(P0, 2 pages, PROT_READ|PROT_EXEC)
TEST_P(SealMprotect, PartialMprotectTail)
{
	Map(0, 2, RW);
	MaybeSeal(1, PG);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, PROT_READ | PROT_EXEC), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r-xp 1-2:rw-p+S", "0-2:r-xp"));
}

// mm/mprotect.c: mprotect_fixup — the whole sealed mapping refuses.
// (selftest test_seal_mprotect)
TEST_P(SealMprotect, Whole)
{
	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, RW), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", "0-4:rw-p"));
}

// mm/mprotect.c: mprotect_fixup — selftest test_seal_start_mprotect:
// Only the first page sealed: it refuses, the other three do not.
TEST_P(SealMprotect, StartSealed)
{
	Map(0, 4, R);
	MaybeSeal(0, PG);
	EXPECT_EQ(sys_mprotect(t, P(0), PG, RW), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(1), 3 * PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r--p+S 1-4:rw-p", "0-4:rw-p"));
}

// mm/mprotect.c: mprotect_fixup — selftest test_seal_end_mprotect:
// The last three pages sealed.
TEST_P(SealMprotect, EndSealed)
{
	Map(0, 4, R);
	MaybeSeal(1, 3 * PG);
	EXPECT_EQ(sys_mprotect(t, P(0), PG, RW), 0);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(1), 3 * PG, RW), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:rw-p 1-4:r--p+S", "0-4:rw-p"));
}

// mm/mseal.c: do_mseal rounds 2 pages - 1 byte up to 2 pages.
// (selftest test_seal_mprotect_unalign_len)
TEST_P(SealMprotect, UnalignedLength)
{
	Map(0, 4, R);
	MaybeSeal(0, 2 * PG - 1);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, RW), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(2), PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(), Either("0-2:r--p+S 2-3:rw-p 3-4:r--p", "0-3:rw-p 3-4:r--p"));
}

// mm/mseal.c: do_mseal — selftest test_seal_mprotect_unalign_len_variant_2:
// ...and 2 pages + 1 byte up to 3 pages.
TEST_P(SealMprotect, UnalignedLengthVariant2)
{
	Map(0, 4, R);
	MaybeSeal(0, 2 * PG + 1);
	EXPECT_EQ(sys_mprotect(t, P(0), 3 * PG, RW), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(3), PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(), Either("0-3:r--p+S 3-4:rw-p", "0-4:rw-p"));
}

// mm/mprotect.c: mprotect_fixup — selftest test_seal_mprotect_two_vma:
// Two VMAs (rw, r), both sealed: each refuses.
TEST_P(SealMprotect, TwoVma)
{
	Map(0, 4, R);
	Protect(0, 2, RW);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, RW), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(2), 2 * PG, RW), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-2:rw-p+S 2-4:r--p+S", "0-4:rw-p"));
}

// mm/mseal.c: mseal_apply, mm/mprotect.c: mprotect_fixup —
// selftest test_seal_mprotect_two_vma_with_split:
// Two VMAs, sealed across their boundary (pages 1-2): mseal splits both;
// pages 0 and 3 stay free to change.
//   0123
//   WSSR
TEST_P(SealMprotect, TwoVmaWithSplit)
{
	Map(0, 4, R);
	Protect(0, 2, RW);
	MaybeSeal(1, 2 * PG);
	EXPECT_EQ(sys_mprotect(t, P(0), PG, RW), 0);
	Check();
	EXPECT_EQ(sys_mprotect(t, P(1), PG, RW), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(2), PG, RW), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(3), PG, RW), 0);
	Check();
	EXPECT_EQ(Draw(), Either("0-1:rw-p 1-2:rw-p+S 2-3:r--p+S 3-4:rw-p", "0-4:rw-p"));
}

// mm/mprotect.c: mprotect_fixup — selftest test_seal_mprotect_partial_mprotect:
// The first page sealed, mprotect of two pages: the sealed VMA comes
// first, so nothing changes (not even page 1).
TEST_P(SealMprotect, PartialMprotect)
{
	Map(0, 4, R);
	MaybeSeal(0, PG);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, RW), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r--p+S 1-4:r--p", "0-2:rw-p 2-4:r--p"));
}

// mm/mprotect.c: do_mprotect_pkey, mm/mseal.c: range_contains_unmapped —
// selftest test_seal_mprotect_two_vma_with_gap:
// Two one-page VMAs with a two-page hole between them: mprotect over all
// changes page 0 and reports the hole; mseal over all fails on the hole.
// The sealed variant then seals each page alone, after which mprotect of
// each refuses.
//   0123
//   W  W
TEST_P(SealMprotect, TwoVmaWithGap)
{
	Map(0, 4, R);
	Protect(0, 1, RW);
	Protect(3, 1, RW);
	Unmap(1, 2);
	EXPECT_EQ(sys_mprotect(t, P(0), 4 * PG, R), -ENOMEM);
	Check();
	EXPECT_EQ(Draw(), "0-1:r--p 3-4:rw-p");
	EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), -ENOMEM);
	Check();
	MaybeSeal(0, PG);
	MaybeSeal(3, PG);
	EXPECT_EQ(sys_mprotect(t, P(0), PG, R), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(3), PG, R), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r--p+S 3-4:rw-p+S", "0-1:r--p 3-4:r--p"));
}

// mm/mprotect.c: mprotect_fixup — selftest test_seal_mprotect_split:
// Two VMAs (1 page rw, 3 pages r) sealed whole: both halves of the range
// refuse; unsealed, both become read-only and merge.
TEST_P(SealMprotect, Split)
{
	Map(0, 4, R);
	Protect(0, 1, RW);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, R), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(2), 2 * PG, R), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:rw-p+S 1-4:r--p+S", "0-4:r--p"));
}

// mm/mprotect.c: mprotect_fixup — selftest test_seal_mprotect_merge:
// The first two pages sealed across the VMA boundary; the last two pages
// stay free to change.
TEST_P(SealMprotect, Merge)
{
	Map(0, 4, R);
	Protect(0, 1, RW);
	MaybeSeal(0, 2 * PG);
	EXPECT_EQ(sys_mprotect(t, P(0), 2 * PG, R), Refused(0));
	Check();
	EXPECT_EQ(sys_mprotect(t, P(2), 2 * PG, R), 0);
	Check();
	EXPECT_EQ(Draw(), Either("0-1:rw-p+S 1-2:r--p+S 2-4:r--p", "0-4:r--p"));
}

// mm/vma.c: vms_gather_munmap_vmas — the whole sealed mapping refuses.
// (selftest test_seal_munmap)
TEST_P(SealMunmap, Whole)
{
	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", ""));
}

// mm/vma.c: vms_gather_munmap_vmas — selftest
// test_seal_munmap_partial_across_vmas: two VMAs, the second sealed; a
// munmap from inside the first into the second refuses, and the first
// stays split where the munmap started. Unsealed, the range goes.
//   0123
//   AABB  munmap(P1, 2 pages)
TEST_P(SealMunmap, PartialAcrossVmas)
{
	Map(0, 4, RW);
	Protect(2, 2, R);
	MaybeSeal(2, 2 * PG);
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:rw-p 1-2:rw-p 2-4:r--p+S", "0-1:rw-p 3-4:r--p"));
}

// mm/vma.c: vms_gather_munmap_vmas — selftest test_seal_munmap_two_vma:
// Two VMAs sealed: the first one, and a range over their boundary,
// refuse; unsealed, the second munmap starts in the hole left by the
// first and trims the second VMA.
TEST_P(SealMunmap, TwoVma)
{
	Map(0, 4, R);
	Protect(0, 2, RW);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_munmap(t, P(0), 2 * PG), Refused(0));
	Check();
	EXPECT_EQ(sys_munmap(t, P(1), 2 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-2:rw-p+S 2-4:r--p+S", "3-4:r--p"));
}

// mm/mseal.c: range_contains_unmapped, mm/vma.c: do_vmi_munmap —
// selftest test_seal_munmap_vma_with_gap:
// A hole in the middle: the sealed variant's mseal over it fails
// (ENOMEM) and so seals nothing; every munmap then succeeds, also over
// the hole.
TEST_P(SealMunmap, VmaWithGap)
{
	Map(0, 4, R);
	Unmap(1, 2);
	if (Sealed()) {
		EXPECT_EQ(sys_mseal(t, P(0), 4 * PG, 0), -ENOMEM);
		Check();
	}
	EXPECT_EQ(sys_munmap(t, P(0), PG), 0);
	Check();
	EXPECT_EQ(sys_munmap(t, P(2), PG), 0);
	Check();
	EXPECT_EQ(Draw(), "3-4:r--p");
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), 0);
	Check();
	EXPECT_EQ(Draw(), "");
}

// mm/vma.c: vms_gather_munmap_vmas — selftest test_munmap_start_freed:
// The first page already unmapped, the other three sealed: munmap from
// P0 refuses and all three pages stay; unsealed they go.
TEST_P(SealMunmap, StartFreed)
{
	Map(0, 4, R);
	Unmap(0, 1);
	MaybeSeal(1, 3 * PG);
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("1-4:r--p+S", ""));
}

// mm/vma.c: vms_gather_munmap_vmas — selftest test_munmap_middle_freed:
// The middle unmapped, the first page sealed: the last page stays too.
TEST_P(SealMunmap, MiddleFreed)
{
	Map(0, 4, R);
	Unmap(1, 2);
	MaybeSeal(0, PG);
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r--p+S 3-4:r--p", ""));
}

// mm/vma.c: vms_gather_munmap_vmas — selftest test_munmap_end_freed:
// The last page unmapped, the first three sealed.
TEST_P(SealMunmap, EndFreed)
{
	Map(0, 4, R);
	Unmap(3, 1);
	MaybeSeal(0, 3 * PG);
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-3:r--p+S", ""));
}

// mm/mremap.c: check_prep_vma — a shrink of the sealed mapping.
// (selftest test_seal_mremap_shrink)
TEST_P(SealMremap, Shrink)
{
	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_mremap(t, P(0), 4 * PG, 2 * PG, 0, 0), Refused((int64_t)P(0)));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", "0-2:r--p"));
}

// mm/mremap.c: check_prep_vma — selftest test_seal_mremap_expand:
// Growth in place of the sealed half back to four pages.
TEST_P(SealMremap, Expand)
{
	Map(0, 4, R);
	Unmap(2, 2);
	MaybeSeal(0, 2 * PG);
	EXPECT_EQ(sys_mremap(t, P(0), 2 * PG, 4 * PG, 0, 0), Refused((int64_t)P(0)));
	Check();
	EXPECT_EQ(Draw(), Either("0-2:r--p+S", "0-4:r--p"));
}

// mm/mremap.c: remap_move -> check_prep_vma — selftest test_seal_mremap_move:
// A one-page move to a free fixed address (P10 was mapped and unmapped).
TEST_P(SealMremap, Move)
{
	Map(0, 1, R);
	Map(10, 1, R);
	Unmap(10, 1);
	MaybeSeal(0, PG);
	EXPECT_EQ(sys_mremap(t, P(0), PG, PG, FIXED, P(10)), Refused((int64_t)P(10)));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r--p+S", "10-11:r--p"));
}

// mm/mremap.c: check_prep_vma, mremap_to — selftest test_seal_mremap_shrink_fixed:
// Move and shrink onto a mapped fixed address. Unsealed, the destination
// loses its first two pages, and the moved (never written) pages merge
// with its remaining two.
TEST_P(SealMremap, ShrinkFixed)
{
	Map(0, 4, R);
	Map(10, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_mremap(t, P(0), 4 * PG, 2 * PG, FIXED, P(10)), Refused((int64_t)P(10)));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S 10-14:r--p", "10-14:r--p"));
}

// mm/mremap.c: mremap_to -> mm/vma.c: vms_gather_munmap_vmas —
// selftest test_seal_mremap_expand_fixed:
// Move and grow onto a sealed destination: the destination's unmap
// refuses.
TEST_P(SealMremap, ExpandFixed)
{
	Map(0, 1, R);
	Map(10, 4, R);
	MaybeSeal(10, 4 * PG);
	EXPECT_EQ(sys_mremap(t, P(0), PG, 4 * PG, FIXED, P(10)), Refused((int64_t)P(10)));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r--p 10-14:r--p+S", "10-14:r--p"));
}

// mm/mremap.c: remap_move -> mremap_to — selftest test_seal_mremap_move_fixed:
// Same-size move onto a sealed destination (remap_move's path).
TEST_P(SealMremap, MoveFixed)
{
	Map(0, 4, R);
	Map(10, 4, R);
	MaybeSeal(10, 4 * PG);
	EXPECT_EQ(sys_mremap(t, P(0), 4 * PG, 4 * PG, FIXED, P(10)), Refused((int64_t)P(10)));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p 10-14:r--p+S", "10-14:r--p"));
}

// mm/mremap.c: check_prep_vma — selftest test_seal_mremap_move_fixed_zero:
// Move and shrink to address 0 (allowed for root, as in the selftest).
TEST_P(SealMremap, MoveFixedZero)
{
	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_mremap(t, P(0), 4 * PG, 2 * PG, FIXED, 0), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", ""));
	EXPECT_EQ(shim_sys_draw_at(t, 0, 16 * PG, 0), std::string(Either("", "0-2:r--p")));
}

// mm/mremap.c: check_prep_vma, move_vma — selftest test_seal_mremap_move_dontunmap:
// MREMAP_DONTUNMAP without an address: unsealed, the copy goes top-down
// below mmap_base and the source stays.
TEST_P(SealMremap, MoveDontunmap)
{
	const uint64_t top = t->mm->mmap_base - 4 * PG;

	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_mremap(t, P(0), 4 * PG, 4 * PG, DONTUNMAP, 0), Refused((int64_t)top));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", "0-4:r--p"));
	EXPECT_EQ(shim_sys_draw_at(t, top, 4 * PG, 0), std::string(Either("", "0-4:r--p")));
}

// mm/mremap.c: check_prep_vma, move_vma —
// selftest test_seal_mremap_move_dontunmap_anyaddr:
// MREMAP_DONTUNMAP with a free address as the hint: unsealed, it is
// taken.
TEST_P(SealMremap, MoveDontunmapAnyAddress)
{
	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	Map(10, 4, R);
	Unmap(10, 4);
	EXPECT_EQ(sys_mremap(t, P(0), 4 * PG, 4 * PG, DONTUNMAP, P(10)), Refused((int64_t)P(10)));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", "0-4:r--p 10-14:r--p"));
}

// mm/vma.c: __mmap_region — MAP_FIXED over the sealed page to change its
// protection.
// (selftest test_seal_mmap_overwrite_prot)
TEST_P(SealMmap, OverwriteProt)
{
	Map(0, 1, R);
	MaybeSeal(0, PG);
	EXPECT_EQ(shim_sys_map(t, 0, 1, NONE, 0), Refused((int64_t)P(0)));
	Check();
	EXPECT_EQ(Draw(), Either("0-1:r--p+S", "0-1:---p"));
}

// mm/vma.c: __mmap_region -> vms_gather_munmap_vmas — selftest test_seal_mmap_expand:
// MAP_FIXED over 8 sealed pages and 4 free ones after them.
TEST_P(SealMmap, Expand)
{
	Map(0, 12, R);
	Unmap(8, 4);
	MaybeSeal(0, 8 * PG);
	EXPECT_EQ(shim_sys_map(t, 0, 12, R, 0), Refused((int64_t)P(0)));
	Check();
	EXPECT_EQ(Draw(), Either("0-8:r--p+S", "0-12:r--p"));
}

// mm/vma.c: __mmap_region -> vms_gather_munmap_vmas — selftest test_seal_mmap_shrink:
// MAP_FIXED over the first 8 of 12 sealed pages. Unsealed, the new
// mapping merges with the remaining 4.
TEST_P(SealMmap, Shrink)
{
	Map(0, 12, R);
	MaybeSeal(0, 12 * PG);
	EXPECT_EQ(shim_sys_map(t, 0, 8, R, 0), Refused((int64_t)P(0)));
	Check();
	EXPECT_EQ(Draw(), Either("0-12:r--p+S", "0-12:r--p"));
}

// mm/madvise.c: can_madvise_modify — MADV_RANDOM discards nothing: allowed
// on sealed read-only memory; the seal still refuses munmap.
// (selftest test_seal_madvise_nodiscard)
TEST_P(SealMadvise, NoDiscard)
{
	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_RANDOM), 0);
	Check();
	EXPECT_EQ(Draw(VM_RAND_READ), "0-4:r--p+rr" + std::string(Either("+S", "")));
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", ""));
}

// mm/madvise.c: can_madvise_modify — selftest test_seal_discard_ro_anon:
// MADV_DONTNEED on sealed read-only anonymous memory refuses.
TEST_P(SealMadvise, DiscardReadOnlyAnon)
{
	Map(0, 4, R);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_DONTNEED), Refused(0));
	Check();
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--p+S", ""));
}

// mm/madvise.c: can_madvise_modify — selftest test_seal_discard_ro_anon_on_rw:
// ...but is allowed on writable memory.
TEST_P(SealMadvise, DiscardReadOnlyAnonOnRw)
{
	Map(0, 4, RW);
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_DONTNEED), 0);
	Check();
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:rw-p+S", ""));
}

// mm/madvise.c: can_madvise_modify — selftest test_seal_discard_ro_anon_on_shared:
// ...and on shared anonymous memory.
TEST_P(SealMadvise, DiscardReadOnlyAnonOnShared)
{
	EXPECT_EQ(sys_mmap(t, P(0), 4 * PG, R, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  (int64_t)P(0));
	Check();
	MaybeSeal(0, 4 * PG);
	EXPECT_EQ(sys_madvise(t, P(0), 4 * PG, MADV_DONTNEED), 0);
	Check();
	EXPECT_EQ(sys_munmap(t, P(0), 4 * PG), Refused(0));
	Check();
	EXPECT_EQ(Draw(), Either("0-4:r--s+S", ""));
}

// mm/madvise.c: can_madvise_modify — selftest test_seal_discard_ro_anon_on_filebacked:
// ...and on a private mapping of a memfd.
TEST_P(SealMadvise, DiscardReadOnlyAnonOnFileBacked)
{
	GTEST_SKIP() << "needs the fd table (memfd issue): a private read-only memfd mapping";
}

// mm/madvise.c: can_madvise_modify — selftest test_seal_discard_ro_anon_on_pkey:
// ...and is refused when a write-denying pkey makes writable memory
// read-only.
TEST_P(SealMadvise, DiscardReadOnlyAnonOnPkey)
{
	GTEST_SKIP() << "needs PKU hardware: pkey_alloc gives EINVAL on this CPU, as in the "
			"selftest's own skip";
}

INSTANTIATE_TEST_SUITE_P(Sys, SealMprotect, ::testing::Bool(), SealName);
INSTANTIATE_TEST_SUITE_P(Sys, SealMunmap, ::testing::Bool(), SealName);
INSTANTIATE_TEST_SUITE_P(Sys, SealMremap, ::testing::Bool(), SealName);
INSTANTIATE_TEST_SUITE_P(Sys, SealMmap, ::testing::Bool(), SealName);
INSTANTIATE_TEST_SUITE_P(Sys, SealMadvise, ::testing::Bool(), SealName);

}  // namespace
