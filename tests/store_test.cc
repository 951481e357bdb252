// The VMA store (vma/store.h): every operation on small drawn layouts, on
// trees of three and more levels (more than 16 * 16 VMAs, so that changes
// cross leaf and internal-node boundaries), and in long randomized runs
// checked after every step against a sorted-array reference
// (tests/shim_store.c) and mm_check().
//
// Drawings: one character per unit (a page unless the test says otherwise)
// from kBase; a letter is a VMA, a space is free, a lower-case letter is a
// stack (VM_GROWSDOWN).

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/shim.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t kBase = UINT64_C(0x10000000);
constexpr vm_flags_t kRW = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
constexpr vm_flags_t kRO = VM_READ | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
// A 3-level tree needs more than 16 * 16 VMAs; 600 gives room either side.
constexpr size_t kBig = 600;
// The gap-search rules the reference holds the store to (tests/shim.h):
// Linux 6.18's vm_unmapped_area, length + align_mask and all, where a
// stack's guard lowers the ceiling for every gap below it
// (StoreGap.StackGuardReachingPastTheVmaBelowClampsLowerGaps).
constexpr unsigned kGapRules = SHIM_GAP_GUARD_CLAMPS;

int64_t A(uint64_t addr)
{
	return (int64_t)addr;
}

std::string Hex(uint64_t v)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%#" PRIx64, v);
	return buf;
}

testing::AssertionResult StoreChecks(const struct store *store)
{
	char err[512] = "";
	if (store_check(store, err, sizeof(err)) != 0)
		return testing::AssertionFailure() << "store_check: " << err;
	if (shim_store_bounds(store, err, sizeof(err)) != 0)
		return testing::AssertionFailure() << "bounds: " << err;
	return testing::AssertionSuccess();
}

testing::AssertionResult StoreMatches(const struct shim_ref *ref, const struct store *store)
{
	testing::AssertionResult ok = StoreChecks(store);
	if (!ok)
		return ok;
	char err[512] = "";
	if (shim_ref_compare(ref, store, err, sizeof(err)) != 0)
		return testing::AssertionFailure() << "reference: " << err;
	return testing::AssertionSuccess();
}

// A store, the reference that mirrors it and the drawing helpers. Every
// VMA still in the store is freed at the end; a test frees what it takes
// out.
class StoreFixture : public testing::Test {
protected:
	void SetUp() override
	{
		store_init(&store_);
		shim_ref_init(&ref_);
	}

	void TearDown() override
	{
		store_destroy(&store_, vma_free);
		shim_ref_destroy(&ref_);
	}

	uint64_t Addr(size_t u) const { return base_ + u * unit_; }

	int Draw(const char *layout, vm_flags_t flags = kRW)
	{
		return shim_layout_build(&store_, &ref_, layout, base_, unit_, flags);
	}

	std::string Picture(size_t width = 64) const
	{
		std::vector<char> buf(width + 1);
		shim_layout_render(&store_, base_, unit_, width, buf.data());
		return buf.data();
	}

	struct vma *At(size_t u) const { return store_lookup(&store_, Addr(u)); }

	// A new VMA over units [from, to), not yet in the store.
	struct vma *New(size_t from, size_t to, char tag, vm_flags_t flags = kRW)
	{
		struct vma *v = shim_vma_tagged(Addr(from), Addr(to), flags, tag);
		EXPECT_NE(v, nullptr);
		return v;
	}

	int Insert(struct vma *v)
	{
		int ret = store_insert(&store_, v);
		if (ret == 0) {
			EXPECT_EQ(shim_ref_insert(&ref_, v), 0) << "store took an overlapping VMA";
		}
		return ret;
	}

	void Erase(struct vma *v)
	{
		ptrdiff_t i = shim_ref_index_of(&ref_, v);
		ASSERT_GE(i, 0);
		store_erase(&store_, v);
		shim_ref_remove(&ref_, (size_t)i, 1);
		vma_free(v);
	}

	// store_replace on both sides; frees the old VMAs that are not reused.
	void Replace(std::vector<struct vma *> old, std::vector<struct vma *> nu)
	{
		ASSERT_FALSE(old.empty());
		ptrdiff_t i = shim_ref_index_of(&ref_, old[0]);
		ASSERT_GE(i, 0);
		for (size_t k = 0; k < old.size(); k++) {
			ASSERT_EQ(shim_ref_vma(&ref_, (size_t)i + k), old[k]) << "not consecutive";
		}
		ASSERT_EQ(store_replace(&store_, old.data(), (unsigned)old.size(), nu.data(),
					(unsigned)nu.size()),
			  0);
		shim_ref_replace(&ref_, (size_t)i, old.size(), nu.data(), nu.size());
		for (struct vma *v : old)
			if (std::find(nu.begin(), nu.end(), v) == nu.end())
				vma_free(v);
	}

	// n VMAs of len_pages pages, one every stride_pages pages from kBase,
	// inserted in `order` (indexes; empty: ascending).
	void Fill(size_t n, uint64_t stride_pages, uint64_t len_pages,
		  std::vector<size_t> order = {})
	{
		if (order.empty())
			for (size_t i = 0; i < n; i++)
				order.push_back(i);
		for (size_t i : order) {
			uint64_t start = kBase + i * stride_pages * P;
			struct vma *v = shim_vma_tagged(start, start + len_pages * P, kRW, 'F');
			ASSERT_NE(v, nullptr);
			ASSERT_EQ(Insert(v), 0) << "VMA " << i;
		}
	}

	testing::AssertionResult Ok() const { return StoreMatches(&ref_, &store_); }

	std::vector<size_t> Shuffled(size_t n, uint64_t seed)
	{
		std::vector<size_t> order(n);
		struct shim_rng rng;
		shim_rng_seed(&rng, seed);
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		for (size_t i = n; i > 1; i--)
			std::swap(order[i - 1], order[shim_rng_below(&rng, i)]);
		return order;
	}

	struct store store_;
	struct shim_ref ref_;
	uint64_t base_ = kBase;
	uint64_t unit_ = P;
};

using StoreEmpty = StoreFixture;
using StoreInsert = StoreFixture;
using StoreErase = StoreFixture;
using StoreReplace = StoreFixture;
using StoreFind = StoreFixture;
using StoreLastBefore = StoreFixture;
using StoreFirstLast = StoreFixture;
using StoreIter = StoreFixture;
using StoreGap = StoreFixture;
using StoreCheck = StoreFixture;
using StoreNodeBytes = StoreFixture;

struct store_gap_request Req(uint64_t length, uint64_t low = 0, uint64_t high = TASK_SIZE,
			     uint64_t align = 0, uint64_t offset = 0)
{
	struct store_gap_request req = {};
	req.length = length;
	req.low_limit = low;
	req.high_limit = high;
	req.align_mask = align ? align - 1 : 0;
	req.align_offset = offset;
	return req;
}

// ---------------------------------------------------------------- empty

TEST_F(StoreEmpty, QueriesFindNothing)
{
	EXPECT_EQ(store_.count, 0u);
	EXPECT_EQ(store_.height, 0u);
	EXPECT_EQ(store_.root, nullptr);
	EXPECT_EQ(store_find(&store_, 0), nullptr);
	EXPECT_EQ(store_find(&store_, kBase), nullptr);
	EXPECT_EQ(store_lookup(&store_, kBase), nullptr);
	EXPECT_EQ(store_last_before(&store_, TASK_SIZE), nullptr);
	EXPECT_EQ(store_first(&store_), nullptr);
	EXPECT_EQ(store_last(&store_), nullptr);
	struct store_iter it;
	EXPECT_EQ(store_iter_seek(&it, &store_, 0), nullptr);
	EXPECT_EQ(store_node_bytes(&store_), 0u);
	EXPECT_TRUE(Ok());
}

TEST_F(StoreEmpty, GapIsTheWholeAddressSpace)
{
	struct store_gap_request req = Req(P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(TASK_SIZE - P));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), 0);

	req = Req(4 * P, 0x10000, 0x7fff0000);
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(0x7fff0000 - 4 * P));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), 0x10000);

	// 2 MiB aligned: the highest 2 MiB boundary with 3 pages above it free.
	const uint64_t align = UINT64_C(2) << 20;
	req = Req(3 * P, 0, TASK_SIZE, align);
	EXPECT_EQ(store_gap_topdown(&store_, &req), A((TASK_SIZE - 3 * P) & ~(align - 1)));
	req = Req(3 * P, 0x10000, TASK_SIZE, align);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), (int64_t)align);

	req = Req(TASK_SIZE + P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
	req = Req(TASK_SIZE);
	EXPECT_EQ(store_gap_topdown(&store_, &req), 0);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), 0);
}

// ---------------------------------------------------------------- insert

TEST_F(StoreInsert, OneVma)
{
	struct vma *a = New(2, 5, 'A');
	ASSERT_EQ(Insert(a), 0);
	EXPECT_TRUE(Ok());
	EXPECT_EQ(store_.count, 1u);
	EXPECT_EQ(store_.height, 1u);
	EXPECT_EQ(store_first(&store_), a);
	EXPECT_EQ(store_last(&store_), a);
	EXPECT_EQ(Picture(), "  AAA");
}

TEST_F(StoreInsert, AdjacentRangesAreAccepted)
{
	/*
	 * 0123456
	 *   BB          B first,
	 * AABB          then A ending where B starts,
	 * AABBCC        then C starting where B ends.
	 */
	ASSERT_EQ(Insert(New(2, 4, 'B')), 0);
	ASSERT_TRUE(Ok());
	ASSERT_EQ(Insert(New(0, 2, 'A')), 0);
	ASSERT_TRUE(Ok());
	ASSERT_EQ(Insert(New(4, 6, 'C')), 0);
	ASSERT_TRUE(Ok());
	EXPECT_EQ(Picture(), "AABBCC");
	EXPECT_EQ(store_.count, 3u);
}

TEST_F(StoreInsert, OverlapIsRefusedAndChangesNothing)
{
	/*
	 * 0123456789abcdef
	 *   AAAA  BB   CC
	 */
	const char *layout = "  AAAA  BB   CC";
	ASSERT_EQ(Draw(layout), 3);
	struct {
		size_t from, to;
		const char *what;
	} overlaps[] = {
		{2, 6, "A exactly"},
		{1, 3, "across A's start"},
		{5, 7, "across A's end"},
		{3, 5, "inside A"},
		{1, 7, "around A"},
		{5, 9, "from A's last page into B"},
		{0, 16, "everything"},
		{14, 15, "C's last page"},
		{9, 13, "B's last page up to C"},
	};
	for (const auto &o : overlaps) {
		struct vma *v = New(o.from, o.to, 'X');
		EXPECT_EQ(store_insert(&store_, v), -EEXIST) << o.what;
		vma_free(v);
		EXPECT_TRUE(Ok()) << o.what;
		EXPECT_EQ(Picture(), layout) << o.what;
	}
	// The free pages around them are still free: exact fits go in.
	ASSERT_EQ(Insert(New(6, 8, 'D')), 0);
	ASSERT_EQ(Insert(New(10, 13, 'E')), 0);
	ASSERT_EQ(Insert(New(0, 2, 'F')), 0);
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "FFAAAADDBBEEECC");
}

TEST_F(StoreInsert, AscendingBuildsThreeLevels)
{
	for (size_t i = 0; i < kBig; i++) {
		ASSERT_EQ(Insert(shim_vma_tagged(kBase + 2 * i * P, kBase + (2 * i + 1) * P, kRW, 'a')),
			  0);
		ASSERT_TRUE(Ok()) << "after VMA " << i;
	}
	EXPECT_GE(store_.height, 3u);
}

// A full node hands entries to its left sibling before it splits: a tree
// growing at its upper end (ascending inserts) keeps the nodes behind it
// full, where splitting in halves would leave them half empty. 15 slots
// a leaf: about N/15 leaves, not N/8.
TEST_F(StoreInsert, AscendingLeavesTheNodesBehindFull)
{
	for (size_t i = 0; i < kBig; i++) {
		ASSERT_EQ(Insert(shim_vma_tagged(kBase + 2 * i * P, kBase + (2 * i + 1) * P, kRW, 'a')),
			  0);
		ASSERT_TRUE(Ok()) << "after VMA " << i;
	}
	// 600 VMAs: 40 full leaves, plus internals and slack for the last ones
	EXPECT_LE(store_.nodes, 40u + 3u + 2u);
}

// The same growth from splitting one VMA page by page upwards, as
// MADV_DONTFORK on every other page of one mmap does (image_bytes).
TEST_F(StoreReplace, SplittingUpwardsLeavesTheNodesBehindFull)
{
	struct vma *rest = shim_vma_tagged(kBase, kBase + 2 * kBig * P, kRW, 'r');

	ASSERT_EQ(Insert(rest), 0);
	for (size_t i = 0; i + 1 < 2 * kBig; i++) {
		uint64_t s = kBase + i * P;
		struct vma *page = shim_vma_tagged(s, s + P, i % 2 ? kRO : kRW, 'p');
		struct vma *after = shim_vma_tagged(s + P, kBase + 2 * kBig * P, kRW, 'r');

		Replace({rest}, {page, after});
		rest = after;
		ASSERT_TRUE(Ok()) << "after page " << i;
	}
	EXPECT_EQ(store_.count, 2 * kBig);
	EXPECT_LE(store_.nodes, 2 * 40u + 6u + 2u);
}

TEST_F(StoreInsert, DescendingBuildsThreeLevels)
{
	std::vector<size_t> order;
	for (size_t i = kBig; i-- > 0;)
		order.push_back(i);
	for (size_t i : order) {
		ASSERT_EQ(Insert(shim_vma_tagged(kBase + 2 * i * P, kBase + (2 * i + 1) * P, kRW, 'd')),
			  0);
		ASSERT_TRUE(Ok()) << "after VMA " << i;
	}
	EXPECT_GE(store_.height, 3u);
}

TEST_F(StoreInsert, ShuffledOrder)
{
	std::vector<size_t> order = Shuffled(kBig, 11);
	for (size_t i : order) {
		ASSERT_EQ(Insert(shim_vma_tagged(kBase + 3 * i * P, kBase + (3 * i + 2) * P, kRW, 's')),
			  0);
		ASSERT_TRUE(Ok()) << "after VMA " << i;
	}
	EXPECT_GE(store_.height, 3u);
}

TEST_F(StoreInsert, FillingEveryGapLeavesOneRunOfVmas)
{
	/*
	 * A B C D ...     every other page first (ascending),
	 * AaBbCcDd...     then the pages between (descending), each touching two.
	 */
	for (size_t i = 0; i < kBig; i += 2) {
		ASSERT_EQ(Insert(shim_vma_tagged(kBase + i * P, kBase + (i + 1) * P, kRW, 'e')), 0);
	}
	ASSERT_TRUE(Ok());
	for (size_t i = kBig; i-- > 0;) {
		if (i % 2 == 0)
			continue;
		ASSERT_EQ(Insert(shim_vma_tagged(kBase + i * P, kBase + (i + 1) * P, kRW, 'o')), 0);
		ASSERT_TRUE(Ok()) << "after page " << i;
	}
	EXPECT_EQ(store_.count, kBig);
	// No gap left between kBase and the last end: a page-sized hole is gone.
	struct store_gap_request req = Req(P, kBase, kBase + kBig * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
}

TEST_F(StoreInsert, OverlapRefusedEverywhereInALargeTree)
{
	// VMA i is [4i, 4i+2) pages from kBase: two free pages after each.
	Fill(kBig, 4, 2);
	ASSERT_TRUE(Ok());
	for (size_t i = 0; i < kBig; i++) {
		uint64_t s = kBase + 4 * i * P;
		const uint64_t tries[][2] = {
			{s, s + 2 * P},          // itself
			{s + P, s + 3 * P},      // its last page and the gap after
			{s - P, s + P},          // the gap before and its first page
			{s + P, s + 6 * P},      // into the next one
			{s - 3 * P, s + 5 * P},  // around it, touching both neighbours
		};
		for (const auto &t : tries) {
			struct vma *v = shim_vma_tagged(t[0], t[1], kRW, 'X');
			EXPECT_EQ(store_insert(&store_, v), -EEXIST)
				<< "VMA " << i << " [" << Hex(t[0]) << ", " << Hex(t[1]) << ")";
			vma_free(v);
		}
		if (i % 50 == 0) {
			ASSERT_TRUE(Ok()) << "after VMA " << i;
		}
	}
	EXPECT_TRUE(Ok());
	// Now fill each gap exactly: both pages touch a neighbour on one side.
	for (size_t i = 0; i < kBig; i++) {
		uint64_t s = kBase + (4 * i + 2) * P;
		ASSERT_EQ(Insert(shim_vma_tagged(s, s + 2 * P, kRW, 'g')), 0) << "gap " << i;
	}
	EXPECT_TRUE(Ok());
	EXPECT_EQ(store_.count, 2 * kBig);
}

// ---------------------------------------------------------------- erase

TEST_F(StoreErase, OnlyVmaLeavesAnEmptyStore)
{
	struct vma *a = New(0, 1, 'A');
	ASSERT_EQ(Insert(a), 0);
	Erase(a);
	EXPECT_TRUE(Ok());
	EXPECT_EQ(store_.count, 0u);
	EXPECT_EQ(store_.height, 0u);
	EXPECT_EQ(store_.root, nullptr);
	EXPECT_EQ(store_.nodes, 0u);
	EXPECT_EQ(store_node_bytes(&store_), 0u);
}

TEST_F(StoreErase, MiddleOfThree)
{
	/*
	 * 012345
	 * AABBCC
	 * AA  CC
	 */
	ASSERT_EQ(Draw("AABBCC"), 3);
	Erase(At(2));
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "AA  CC");
	EXPECT_EQ(store_lookup(&store_, Addr(3)), nullptr);
	EXPECT_EQ(store_find(&store_, Addr(2)), At(4));
}

TEST_F(StoreErase, AscendingToEmpty)
{
	Fill(kBig, 2, 1);
	ASSERT_GE(store_.height, 3u);
	for (size_t i = 0; i < kBig; i++) {
		Erase(store_first(&store_));
		ASSERT_TRUE(Ok()) << "after erasing VMA " << i;
	}
	EXPECT_EQ(store_.height, 0u);
	EXPECT_EQ(store_.nodes, 0u);
}

TEST_F(StoreErase, DescendingToEmpty)
{
	Fill(kBig, 2, 1);
	for (size_t i = 0; i < kBig; i++) {
		Erase(store_last(&store_));
		ASSERT_TRUE(Ok()) << "after erasing VMA " << i;
	}
	EXPECT_EQ(store_.height, 0u);
	EXPECT_EQ(store_.nodes, 0u);
}

TEST_F(StoreErase, FromTheMiddleOutwards)
{
	Fill(kBig, 2, 1);
	while (ref_.n > 0) {
		Erase(shim_ref_vma(&ref_, ref_.n / 2));
		ASSERT_TRUE(Ok()) << "with " << ref_.n << " left";
	}
	EXPECT_EQ(store_.height, 0u);
}

TEST_F(StoreErase, ShuffledOrder)
{
	Fill(kBig, 2, 1);
	std::vector<struct vma *> vmas;
	for (size_t i = 0; i < kBig; i++)
		vmas.push_back(shim_ref_vma(&ref_, i));
	for (size_t i : Shuffled(kBig, 12)) {
		Erase(vmas[i]);
		ASSERT_TRUE(Ok()) << "after erasing VMA " << i;
	}
	EXPECT_EQ(store_.height, 0u);
}

TEST_F(StoreErase, EraseAndReinsertEachVma)
{
	Fill(kBig, 2, 1);
	for (size_t i = 0; i < kBig; i++) {
		struct vma *v = shim_ref_vma(&ref_, i);
		uint64_t start = v->start, end = v->end;
		Erase(v);
		ASSERT_TRUE(Ok()) << "after erasing VMA " << i;
		EXPECT_EQ(store_lookup(&store_, start), nullptr);
		ASSERT_EQ(Insert(shim_vma_tagged(start, end, kRO, 'r')), 0);
		ASSERT_TRUE(Ok()) << "after reinserting VMA " << i;
	}
}

// ---------------------------------------------------------------- replace

TEST_F(StoreReplace, SplitOneIntoThree)
{
	/*
	 * 0123456789abcdef
	 * XX AAAAAAAA  YY     before
	 * XX ABBBBCCC  YY     after: the middle with other flags (mprotect)
	 */
	ASSERT_EQ(Draw("XX AAAAAAAA  YY"), 3);
	struct vma *a = At(3);
	struct vma *pieces[] = {New(3, 4, 'A'), New(4, 8, 'B', kRO), New(8, 11, 'C')};
	Replace({a}, {pieces[0], pieces[1], pieces[2]});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "XX ABBBBCCC  YY");
	EXPECT_EQ(store_.count, 5u);
	EXPECT_EQ(store_lookup(&store_, Addr(4))->flags, kRO);
	EXPECT_EQ(store_find(&store_, Addr(8) - 1), pieces[1]);
	EXPECT_EQ(store_find(&store_, Addr(8)), pieces[2]);
}

TEST_F(StoreReplace, SplitOneIntoTwo)
{
	/*
	 * 0123456789
	 * AAAAAAAA
	 * AAAABBBB
	 */
	ASSERT_EQ(Draw("AAAAAAAA"), 1);
	Replace({At(0)}, {New(0, 4, 'A'), New(4, 8, 'B')});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "AAAABBBB");
}

TEST_F(StoreReplace, MergeThreeIntoOne)
{
	/*
	 * 0123456789abcdef
	 * XX ABBBBCCC  YY
	 * XX DDDDDDDD  YY
	 */
	ASSERT_EQ(Draw("XX ABBBBCCC  YY"), 5);
	Replace({At(3), At(4), At(8)}, {New(3, 11, 'D')});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "XX DDDDDDDD  YY");
	EXPECT_EQ(store_.count, 3u);
}

TEST_F(StoreReplace, MergeTwoIntoOne)
{
	/*
	 * 012345
	 * AABBB
	 * CCCCC
	 */
	ASSERT_EQ(Draw("AABBB"), 2);
	Replace({At(0), At(2)}, {New(0, 5, 'C')});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "CCCCC");
}

TEST_F(StoreReplace, MergeFillsTheGapsBetween)
{
	/*
	 * 0123456789
	 * AA  B  CC
	 * DDDDDDDDD
	 */
	ASSERT_EQ(Draw("AA  B  CC"), 3);
	Replace({At(0), At(4), At(7)}, {New(0, 9, 'D')});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "DDDDDDDDD");
}

TEST_F(StoreReplace, OneToZero)
{
	/*
	 * 0123456789
	 * XX AAA YY
	 * XX     YY
	 */
	ASSERT_EQ(Draw("XX AAA YY"), 3);
	Replace({At(3)}, {});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "XX     YY");
}

TEST_F(StoreReplace, ManyToZeroEmptiesTheStore)
{
	ASSERT_EQ(Draw("AA BB CC DD"), 4);
	Replace({At(0), At(3), At(6), At(9)}, {});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(store_.count, 0u);
	EXPECT_EQ(store_.height, 0u);
	EXPECT_EQ(store_.nodes, 0u);
}

TEST_F(StoreReplace, GrowIntoFreeSpaceOnBothSides)
{
	/*
	 * 0123456789abc
	 * XX   AA   YY
	 * XX BBBBBBBYY      (mremap-style growth down and up)
	 */
	ASSERT_EQ(Draw("XX   AA   YY"), 3);
	Replace({At(5)}, {New(3, 10, 'B')});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "XX BBBBBBBYY");
}

TEST_F(StoreReplace, ShrinkAndMoveWithinTheFreeSpace)
{
	/*
	 * 0123456789abc
	 * XX AAAAAA  YY
	 * XX  B   C  YY
	 */
	ASSERT_EQ(Draw("XX AAAAAA  YY"), 3);
	Replace({At(3)}, {New(4, 5, 'B'), New(8, 9, 'C')});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "XX  B   C  YY");
}

TEST_F(StoreReplace, KeepsAnUnchangedOldVma)
{
	/*
	 * 0123456789
	 * AABBBB          B shrinks; A is passed back unchanged
	 * AACC
	 */
	ASSERT_EQ(Draw("AABBBB"), 2);
	struct vma *a = At(0);
	Replace({a, At(2)}, {a, New(2, 4, 'C')});
	EXPECT_TRUE(Ok());
	EXPECT_EQ(Picture(), "AACC");
	EXPECT_EQ(store_first(&store_), a);
}

TEST_F(StoreReplace, MoveToDistantFreeSpace)
{
	// store.h lets the new VMAs lie "in free space", not only where the old
	// ones were: an mremap move. VMA i = page 2i; the moves go below the
	// first VMA, above the last, and across a leaf or two.
	Fill(kBig, 2, 1);
	struct {
		size_t from;
		uint64_t to;   // new start in pages from kBase; 0: 8 pages below kBase
	} moves[] = {{10, 2 * kBig + 5}, {500, 0}, {300, 2 * 200 + 1}, {0, 2 * kBig + 100}};
	for (const auto &m : moves) {
		struct vma *old = shim_ref_vma(&ref_, m.from);
		ASSERT_NE(old, nullptr);
		uint64_t to = m.to ? kBase + m.to * P : kBase - 8 * P;
		ASSERT_FALSE(shim_ref_overlaps(&ref_, to, to + P));
		struct vma *nu = shim_vma_tagged(to, to + P, kRO, 'v');
		ASSERT_EQ(store_replace(&store_, &old, 1, &nu, 1), 0) << "VMA " << m.from;
		shim_ref_remove(&ref_, m.from, 1);
		ASSERT_EQ(shim_ref_insert(&ref_, nu), 0);
		vma_free(old);
		ASSERT_TRUE(Ok()) << "after moving VMA " << m.from;
	}
}

TEST_F(StoreReplace, RefusedReplacementChangesNothing)
{
	/*
	 * 0123456789
	 * XX AAA YY
	 *  BBBBBBB       overlaps X and Y, which are not being replaced
	 *    C D         out of order: D passed first
	 *   EEEE         four new VMAs (more than a split makes)
	 */
	const char *layout = "XX AAA YY";
	ASSERT_EQ(Draw(layout), 3);
	struct vma *a = At(3);
	std::vector<std::vector<struct vma *>> refused = {
		{New(1, 8, 'B')},
		{New(5, 6, 'D'), New(3, 4, 'C')},
		{New(2, 3, 'E'), New(3, 4, 'E'), New(4, 5, 'E'), New(5, 6, 'E')},
	};
	for (auto &nu : refused) {
		EXPECT_NE(store_replace(&store_, &a, 1, nu.data(), (unsigned)nu.size()), 0)
			<< nu.size() << " new VMAs";
		EXPECT_TRUE(Ok());
		EXPECT_EQ(Picture(), layout);
		for (struct vma *v : nu)
			vma_free(v);
	}
}

TEST_F(StoreReplace, SplitEveryVmaOfAThreeLevelTreeThenMergeBack)
{
	// VMA i: [4i, 4i+3) pages. Split each into three single pages, lowest
	// first, then merge each triple back, highest first.
	Fill(kBig / 2, 4, 3);
	ASSERT_GE(store_.height, 2u);
	for (size_t i = 0; i < kBig / 2; i++) {
		struct vma *v = store_lookup(&store_, kBase + 4 * i * P);
		ASSERT_NE(v, nullptr);
		uint64_t s = v->start;
		Replace({v}, {shim_vma_tagged(s, s + P, kRW, 'a'),
			      shim_vma_tagged(s + P, s + 2 * P, kRO, 'b'),
			      shim_vma_tagged(s + 2 * P, s + 3 * P, kRW, 'c')});
		ASSERT_TRUE(Ok()) << "after splitting VMA " << i;
	}
	EXPECT_EQ(store_.count, 3 * (kBig / 2));
	EXPECT_GE(store_.height, 3u);
	for (size_t i = kBig / 2; i-- > 0;) {
		uint64_t s = kBase + 4 * i * P;
		struct vma *a = store_lookup(&store_, s);
		struct vma *b = store_lookup(&store_, s + P);
		struct vma *c = store_lookup(&store_, s + 2 * P);
		ASSERT_TRUE(a && b && c);
		Replace({a, b, c}, {shim_vma_tagged(s, s + 3 * P, kRW, 'm')});
		ASSERT_TRUE(Ok()) << "after merging VMA " << i;
	}
	EXPECT_EQ(store_.count, kBig / 2);
}

TEST_F(StoreReplace, SplitFromTheTopDown)
{
	Fill(kBig, 3, 2);
	for (size_t i = kBig; i-- > 0;) {
		uint64_t s = kBase + 3 * i * P;
		struct vma *v = store_lookup(&store_, s);
		ASSERT_NE(v, nullptr);
		Replace({v}, {shim_vma_tagged(s, s + P, kRW, 'l'),
			      shim_vma_tagged(s + P, s + 2 * P, kRO, 'h')});
		ASSERT_TRUE(Ok()) << "after splitting VMA " << i;
	}
	EXPECT_EQ(store_.count, 2 * kBig);
}

TEST_F(StoreReplace, MergeNeighboursPairwiseDownToOne)
{
	// 512 adjacent one-page VMAs; merge the first two until one is left,
	// then the same from the top end on a fresh run.
	Fill(512, 1, 1);
	while (ref_.n > 1) {
		struct vma *a = shim_ref_vma(&ref_, 0), *b = shim_ref_vma(&ref_, 1);
		Replace({a, b}, {shim_vma_tagged(a->start, b->end, kRW, 'M')});
		ASSERT_TRUE(Ok()) << "with " << ref_.n << " left";
	}
	Erase(store_first(&store_));
	Fill(512, 1, 1);
	while (ref_.n > 1) {
		struct vma *a = shim_ref_vma(&ref_, ref_.n - 2), *b = shim_ref_vma(&ref_, ref_.n - 1);
		Replace({a, b}, {shim_vma_tagged(a->start, b->end, kRW, 'M')});
		ASSERT_TRUE(Ok()) << "with " << ref_.n << " left";
	}
	EXPECT_EQ(store_.height, 1u);
}

TEST_F(StoreReplace, KToMAcrossLeaves)
{
	// On a fresh 600-VMA tree each time (VMA i = page 2i), replace k VMAs
	// from position i by m pieces spread over their span: k from 1 to all
	// of them, positions at and around multiples of 8 and 16 (the fill and
	// the node width), m from 0 to 3.
	const size_t ks[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100, 257, 300, kBig};
	const size_t starts[] = {0, 1, 7, 8, 15, 16, 17, 100, 127, 128, 255, 256, 257, 400};
	for (size_t k : ks) {
		for (size_t i : starts) {
			if (i + k > kBig)
				continue;
			for (unsigned m = 0; m <= 3; m++) {
				store_destroy(&store_, vma_free);
				store_init(&store_);
				shim_ref_destroy(&ref_);
				shim_ref_init(&ref_);
				Fill(kBig, 2, 1);
				std::vector<struct vma *> old;
				for (size_t j = 0; j < k; j++)
					old.push_back(shim_ref_vma(&ref_, i + j));
				// span in pages: [2i, 2(i+k)-1); piece j of m covers its
				// j-th share, leaving a page free between pieces.
				uint64_t lo = 2 * i, hi = 2 * (i + k) - 1;
				std::vector<struct vma *> nu;
				uint64_t share = (hi - lo) / (m ? m : 1);
				for (unsigned j = 0; j < m && share >= 1; j++) {
					uint64_t s = lo + j * share;
					uint64_t e = j + 1 == m ? hi : s + std::max<uint64_t>(share - 1, 1);
					if (e <= s)
						continue;
					nu.push_back(shim_vma_tagged(kBase + s * P, kBase + e * P, kRO, 'N'));
				}
				Replace(old, nu);
				ASSERT_TRUE(Ok()) << "k " << k << " from " << i << " into " << nu.size();
				// The pieces are where they should be.
				for (struct vma *v : nu) {
					EXPECT_EQ(store_lookup(&store_, v->start), v);
				}
			}
		}
	}
}

TEST_F(StoreReplace, WholeTreeByOneAndByNone)
{
	Fill(kBig, 2, 1);
	std::vector<struct vma *> old;
	for (size_t j = 0; j < kBig; j++)
		old.push_back(shim_ref_vma(&ref_, j));
	struct vma *all = shim_vma_tagged(kBase, kBase + (2 * kBig - 1) * P, kRW, 'W');
	Replace(old, {all});
	ASSERT_TRUE(Ok());
	EXPECT_EQ(store_.height, 1u);
	Replace({all}, {});
	ASSERT_TRUE(Ok());
	EXPECT_EQ(store_.height, 0u);
	EXPECT_EQ(store_.nodes, 0u);
}

// ---------------------------------------------------------------- queries

TEST_F(StoreFind, FindLookupAndFindPrevAtEveryPage)
{
	/*
	 * 0123456789abcdef
	 *   AAA  BB    C
	 *
	 * find:      the first VMA ending above the address
	 * lookup:    the VMA holding it
	 * find_prev: the last VMA starting below it
	 */
	ASSERT_EQ(Draw("  AAA  BB    C"), 3);
	const std::string find = "AAAAABBBBCCCCC--";
	const std::string lookup = "--AAA--BB----C--";
	const std::string prev = "---AAAAABBBBBBCC";
	auto tag = [](const struct vma *v) { return v ? shim_vma_tag(v) : '-'; };
	for (size_t u = 0; u < 16; u++) {
		EXPECT_EQ(tag(store_find(&store_, Addr(u))), find[u]) << "find at " << u;
		EXPECT_EQ(tag(store_lookup(&store_, Addr(u))), lookup[u]) << "lookup at " << u;
		EXPECT_EQ(tag(store_last_before(&store_, Addr(u))), prev[u]) << "find_prev at " << u;
	}
	// Byte granularity: the end is exclusive, the start inclusive.
	EXPECT_EQ(tag(store_find(&store_, Addr(5) - 1)), 'A');
	EXPECT_EQ(tag(store_find(&store_, Addr(5))), 'B');
	EXPECT_EQ(tag(store_lookup(&store_, Addr(2) - 1)), '-');
	EXPECT_EQ(tag(store_lookup(&store_, Addr(14) - 1)), 'C');
	EXPECT_EQ(tag(store_find(&store_, 0)), 'A');
	EXPECT_EQ(tag(store_find(&store_, UINT64_MAX)), '-');
	EXPECT_EQ(tag(store_last_before(&store_, UINT64_MAX)), 'C');
	EXPECT_EQ(tag(store_last_before(&store_, 0)), '-');
}

TEST_F(StoreLastBefore, InsideAVmaIsThatVma)
{
	/*
	 * 01234
	 * AA BB
	 *     ^ find_prev(here): B starts below it (store.h: "the last VMA with
	 *       start < addr"), so B, not A
	 */
	ASSERT_EQ(Draw("AA BB"), 2);
	EXPECT_EQ(store_last_before(&store_, Addr(4)), At(3));
	EXPECT_EQ(store_last_before(&store_, Addr(3) + 1), At(3));
	EXPECT_EQ(store_last_before(&store_, Addr(3)), At(0));
}

TEST_F(StoreFind, AgreesWithTheReferenceOnALargeTree)
{
	// Lengths 1-3 pages, gaps 0-2 pages: adjacent VMAs and holes both.
	struct shim_rng rng;
	shim_rng_seed(&rng, 21);
	uint64_t at = kBase;
	for (size_t i = 0; i < 2000; i++) {
		at += shim_rng_below(&rng, 3) * P;
		uint64_t len = (1 + shim_rng_below(&rng, 3)) * P;
		ASSERT_EQ(Insert(shim_vma_tagged(at, at + len, kRW, 'q')), 0);
		at += len;
	}
	ASSERT_TRUE(Ok());
	for (uint64_t addr = kBase - 2 * P; addr < at + 2 * P; addr += P / 2) {
		for (uint64_t a : {addr, addr - 1}) {
			ASSERT_EQ(store_find(&store_, a), shim_ref_vma(&ref_, (size_t)shim_ref_find(&ref_, a)))
				<< Hex(a);
			ptrdiff_t l = shim_ref_lookup(&ref_, a);
			ASSERT_EQ(store_lookup(&store_, a), l < 0 ? nullptr : shim_ref_vma(&ref_, (size_t)l))
				<< Hex(a);
			ptrdiff_t p = shim_ref_find_prev(&ref_, a);
			ASSERT_EQ(store_last_before(&store_, a),
				  p < 0 ? nullptr : shim_ref_vma(&ref_, (size_t)p))
				<< Hex(a);
		}
	}
}

TEST_F(StoreFirstLast, FollowTheEnds)
{
	Fill(kBig, 2, 1);
	while (ref_.n > 0) {
		ASSERT_EQ(store_first(&store_), shim_ref_vma(&ref_, 0));
		ASSERT_EQ(store_last(&store_), shim_ref_vma(&ref_, ref_.n - 1));
		Erase(ref_.n % 2 ? store_first(&store_) : store_last(&store_));
	}
	EXPECT_EQ(store_first(&store_), nullptr);
	EXPECT_EQ(store_last(&store_), nullptr);
}

// ---------------------------------------------------------------- iteration

TEST_F(StoreIter, ForwardAndBackwardAcrossLeaves)
{
	Fill(kBig, 2, 1);
	struct store_iter it;
	size_t i = 0;
	for (struct vma *v = store_iter_seek(&it, &store_, 0); v; v = store_iter_next(&it)) {
		ASSERT_EQ(v, shim_ref_vma(&ref_, i++));
	}
	EXPECT_EQ(i, kBig);
	for (struct vma *v = store_iter_seek(&it, &store_, shim_ref_vma(&ref_, kBig - 1)->start); v;
	     v = store_iter_prev(&it))
		ASSERT_EQ(v, shim_ref_vma(&ref_, --i));
	EXPECT_EQ(i, 0u);
}

TEST_F(StoreIter, SeekAnywhereThenStepBothWays)
{
	// From every VMA's start, middle and the gap below it: 20 steps
	// forward, 40 back, 20 forward, each step checked.
	Fill(kBig, 3, 2);
	for (size_t i = 0; i < kBig; i++) {
		uint64_t s = shim_ref_vma(&ref_, i)->start;
		for (uint64_t addr : {s, s + P, s - P / 2}) {
			struct store_iter it;
			ptrdiff_t at = shim_ref_find(&ref_, addr);
			ASSERT_EQ(store_iter_seek(&it, &store_, addr), shim_ref_vma(&ref_, (size_t)at));
			ASSERT_EQ(store_iter_vma(&it), shim_ref_vma(&ref_, (size_t)at));
			bool off_the_end = false;
			for (int leg = 0; leg < 3 && !off_the_end; leg++) {
				int dir = leg == 1 ? -1 : 1;
				for (int step = 0; step < (leg == 1 ? 40 : 20); step++) {
					at += dir;
					struct vma *v = dir > 0 ? store_iter_next(&it) : store_iter_prev(&it);
					if (at < 0 || at >= (ptrdiff_t)kBig) {
						ASSERT_EQ(v, nullptr) << "past an end from " << i;
						off_the_end = true;
						break;
					}
					ASSERT_EQ(v, shim_ref_vma(&ref_, (size_t)at)) << "from " << i;
				}
			}
		}
	}
}

TEST_F(StoreIter, SeekPastTheLastFindsNothing)
{
	Fill(kBig, 2, 1);
	struct store_iter it;
	struct vma *last = store_last(&store_);
	EXPECT_EQ(store_iter_seek(&it, &store_, last->end - 1), last);
	EXPECT_EQ(store_iter_next(&it), nullptr);
	EXPECT_EQ(store_iter_seek(&it, &store_, last->end), nullptr);
	EXPECT_EQ(store_iter_seek(&it, &store_, TASK_SIZE), nullptr);
	EXPECT_EQ(store_iter_seek(&it, &store_, 0), store_first(&store_));
	EXPECT_EQ(store_iter_prev(&it), nullptr);
}

TEST_F(StoreIter, NextThenPrevReturnsToTheSameVma)
{
	Fill(kBig, 2, 1);
	struct store_iter it;
	struct vma *v = store_iter_seek(&it, &store_, 0);
	for (size_t i = 0; i + 1 < kBig; i++) {
		struct vma *n = store_iter_next(&it);
		ASSERT_NE(n, nullptr);
		ASSERT_EQ(store_iter_prev(&it), v) << i;
		ASSERT_EQ(store_iter_next(&it), n) << i;
		v = n;
	}
}

// ---------------------------------------------------------------- gaps

TEST_F(StoreGap, TopDownPicksTheHighestGapThatFits)
{
	/*
	 * 0123456789abcdef0123
	 * AA   BB  CCC    D
	 *   ^^^  ^^   ^^^^ ^^^   gaps of 3, 2, 4 and (to unit 20) 3 pages
	 */
	ASSERT_EQ(Draw("AA   BB  CCC    D"), 4);
	auto top = [&](uint64_t len, uint64_t high) {
		struct store_gap_request req = Req(len * P, 0, Addr(high));
		int64_t got = store_gap_topdown(&store_, &req);
		EXPECT_EQ(got, shim_ref_gap(&ref_, &req, true, kGapRules)) << len << " below " << high;
		return got;
	};
	EXPECT_EQ(top(3, 20), A(Addr(17)));
	EXPECT_EQ(top(3, 19), A(Addr(13)));   // the top gap is clipped to 2
	EXPECT_EQ(top(4, 20), A(Addr(12)));
	EXPECT_EQ(top(2, 17), A(Addr(14)));
	EXPECT_EQ(top(5, 20), A(kBase - 5 * P));   // only below A
	EXPECT_EQ(top(1, 1), A(kBase - P));        // high limit inside A
}

TEST_F(StoreGap, BottomUpPicksTheLowestGapThatFits)
{
	/*
	 * 0123456789abcdef0123
	 * AA   BB  CCC    D
	 */
	ASSERT_EQ(Draw("AA   BB  CCC    D"), 4);
	auto bottom = [&](uint64_t len, uint64_t low) {
		struct store_gap_request req = Req(len * P, Addr(low), TASK_SIZE);
		int64_t got = store_gap_bottomup(&store_, &req);
		EXPECT_EQ(got, shim_ref_gap(&ref_, &req, false, kGapRules)) << len << " above " << low;
		return got;
	};
	EXPECT_EQ(bottom(3, 0), A(Addr(2)));
	EXPECT_EQ(bottom(2, 0), A(Addr(2)));
	EXPECT_EQ(bottom(2, 3), A(Addr(3)));    // the low limit clips A's gap
	EXPECT_EQ(bottom(2, 4), A(Addr(7)));
	EXPECT_EQ(bottom(4, 0), A(Addr(12)));
	EXPECT_EQ(bottom(5, 0), A(Addr(17)));   // the top gap
	EXPECT_EQ(bottom(1, 16), A(Addr(17)));
}

TEST_F(StoreGap, ExactFitAndOnePageTooMany)
{
	/*
	 * 0123456789
	 * AA    BB
	 */
	ASSERT_EQ(Draw("AA    BB"), 2);
	struct store_gap_request req = Req(4 * P, kBase, Addr(8));
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(Addr(2)));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(2)));
	req.length = 5 * P;
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
}

TEST_F(StoreGap, LimitsClipTheGap)
{
	/*
	 * 0123456789abcdef
	 * AA          BB
	 *    [low  high)      limits inside the gap [2, 12)
	 */
	ASSERT_EQ(Draw("AA          BB"), 2);
	struct store_gap_request req = Req(2 * P, Addr(3), Addr(9));
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(Addr(7)));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(3)));
	req.length = 6 * P;
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(Addr(3)));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(3)));
	req.length = 7 * P;
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
	// Limits the wrong way round, or a high limit below the length: nothing.
	req = Req(P, Addr(9), Addr(3));
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
	req = Req(4 * P, 0, 2 * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
}

TEST_F(StoreGap, AlignmentAndOffset)
{
	// unit = 16 pages (64 KiB).
	unit_ = 16 * P;
	/*
	 * unit 0123456789
	 *      A  B    C
	 *       ^^ ^^^^     gaps [1, 3) and [4, 8) units = pages [16, 48) and [64, 128)
	 *
	 * kBase is 256 MiB aligned, so page numbers from kBase decide alignment.
	 * A gap counts when it holds length + align_mask (vm_unmapped_area).
	 */
	ASSERT_EQ(Draw("A  B    C"), 3);
	auto at = [](uint64_t page) { return A(kBase + page * P); };
	// 16 pages aligned to 32: needs 48 pages less a byte, so only [64, 128).
	struct store_gap_request req = Req(16 * P, kBase, Addr(9), 32 * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), at(96));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), at(64));
	// The same with an offset of 16 pages: odd multiples of 16.
	req.align_offset = 16 * P;
	EXPECT_EQ(store_gap_topdown(&store_, &req), at(112));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), at(80));
	// 16 pages aligned to 16: needs 32 pages less a byte, [16, 48) will do.
	req = Req(16 * P, kBase, Addr(9), 16 * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), at(112));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), at(16));
	// One page at odd pages (alignment 2, offset 1).
	req = Req(P, kBase, Addr(9), 2 * P, P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), at(127));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), at(17));
	// An offset above the alignment counts modulo the alignment.
	req = Req(P, kBase, Addr(9), 4 * P, 7 * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), at(127));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), at(19));
	EXPECT_EQ(store_gap_topdown(&store_, &req), shim_ref_gap(&ref_, &req, true, kGapRules));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), shim_ref_gap(&ref_, &req, false, kGapRules));
}

TEST_F(StoreGap, AlignedRequestNeedsLengthPlusAlignMask)
{
	/*
	 * pages 0123456789abcdef
	 *       AAAA       BBBB        gap [4, 11): 7 pages
	 *       AAAA        BBBB       gap [4, 12): 8 pages
	 *
	 * Four pages aligned to four would fit at page 4 of the 7-page gap,
	 * but vm_unmapped_area asks for length + align_mask (4 + 4 pages less
	 * a byte) so that any gap it picks holds an aligned range: the 7-page
	 * gap is passed over, the 8-page one taken. store.h's "the free range
	 * that fits" is the kernel's meaning of fits.
	 */
	ASSERT_EQ(Draw("AAAA       BBBB"), 2);
	struct store_gap_request req = Req(4 * P, kBase, Addr(16), 4 * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
	EXPECT_EQ(shim_ref_gap(&ref_, &req, true, SHIM_GAP_EXACT_FIT), A(Addr(4)));

	Erase(At(11));
	ASSERT_EQ(Insert(New(12, 16, 'B')), 0);
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(Addr(8)));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(4)));
}

TEST_F(StoreGap, GuardGapBelowAStack)
{
	// unit = 64 pages, so the 256-page guard is 4 units.
	unit_ = 64 * P;
	/*
	 * unit 0123456789
	 *      A      ss       stack s at 7: usable [1, 3)
	 *      A      SS       the control, an ordinary VMA: [1, 7)
	 */
	for (bool stack : {true, false}) {
		SCOPED_TRACE(stack ? "stack" : "ordinary VMA");
		store_destroy(&store_, vma_free);
		store_init(&store_);
		shim_ref_destroy(&ref_);
		shim_ref_init(&ref_);
		ASSERT_EQ(Draw(stack ? "A      ss" : "A      SS"), 2);
		struct store_gap_request req = Req(unit_, kBase, Addr(7));
		EXPECT_EQ(store_gap_topdown(&store_, &req), (int64_t)Addr(stack ? 2 : 6));
		EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(1)));
		req.length = 3 * unit_;
		EXPECT_EQ(store_gap_topdown(&store_, &req), stack ? -ENOMEM : A(Addr(4)));
		EXPECT_EQ(store_gap_bottomup(&store_, &req), stack ? -ENOMEM : A(Addr(1)));
		// Above the stack the guard plays no part: the top gap starts at 9.
		req = Req(unit_, Addr(8), Addr(10));
		EXPECT_EQ(store_gap_topdown(&store_, &req), A(Addr(9)));
		EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(9)));
	}
}

TEST_F(StoreGap, GuardSwallowsGapsSmallerThanIt)
{
	unit_ = 64 * P;
	/*
	 * unit 0123456789abcdef
	 *      A   s   B   s        the guards (4 units) swallow [1, 4) and
	 *           ^^^             [9, 12) whole; [5, 8), below B, is usable
	 */
	ASSERT_EQ(Draw("A   s   B   s"), 4);
	struct store_gap_request req = Req(unit_, kBase, Addr(12));
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(Addr(7)));   // [5, 8)
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(5)));
	EXPECT_EQ(store_gap_topdown(&store_, &req), shim_ref_gap(&ref_, &req, true, kGapRules));
	req = Req(unit_, kBase, Addr(5));
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
}

TEST_F(StoreGap, StackGuardReachingPastTheVmaBelowClampsLowerGaps)
{
	unit_ = 64 * P;
	/*
	 * unit 0123456789
	 *      A   Y ss        stack s at 6: its guard (4 units) reaches down
	 *       ^^^ ^          to unit 2, past Y, into the gap [1, 4) below Y
	 *
	 * Linux 6.18 (mm/vma.c: unmapped_area_topdown) first finds [5, 6),
	 * sees the stack above it and retries with high_limit = the stack's
	 * start gap (unit 2) for the whole search, so it answers unit 1. A
	 * gap-by-gap guard answers unit 3, inside the stack's guard.
	 */
	ASSERT_EQ(Draw("A   Y ss"), 3);
	struct store_gap_request req = Req(unit_, kBase, Addr(6));
	EXPECT_EQ(shim_ref_gap(&ref_, &req, true, SHIM_GAP_GUARD_CLAMPS), A(Addr(1)));
	EXPECT_EQ(shim_ref_gap(&ref_, &req, true, 0), A(Addr(3)));
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(Addr(1))) << "Linux 6.18 answers unit 1";
	// Bottom-up has no such retry: [1, 4) is below Y, not below the stack.
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(1)));
}

TEST_F(StoreGap, TopGapEndsAtTaskSizeWhateverTheHighLimit)
{
	/*
	 * store.h: "The space above the highest VMA up to TASK_SIZE is the top
	 * gap". A high limit above TASK_SIZE must not stretch it.
	 */
	ASSERT_EQ(Draw("AA"), 1);
	struct store_gap_request req = Req(2 * P, 0, UINT64_MAX);
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(TASK_SIZE - 2 * P));
	req.low_limit = TASK_SIZE - P;
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
}

TEST_F(StoreGap, StackBelowTheGuardSizeLeavesNothingUnderIt)
{
	/*
	 * A stack at 128 pages: its start gap (start - 256 pages) floors at 0.
	 */
	base_ = 0;
	unit_ = 64 * P;
	ASSERT_EQ(Draw("  ss"), 1);
	struct store_gap_request req = Req(P, 0, Addr(2));
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
	req.high_limit = TASK_SIZE;
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(Addr(4)));
}

TEST_F(StoreGap, TopGapRunsToTaskSize)
{
	/*
	 * pages below TASK_SIZE
	 * 87654321
	 *     AA  |TASK_SIZE      the top gap is the last two pages
	 */
	base_ = TASK_SIZE - 8 * P;
	ASSERT_EQ(Draw("    AA"), 1);
	struct store_gap_request req = Req(2 * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(TASK_SIZE - 2 * P));
	req.length = 3 * P;
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(TASK_SIZE - 7 * P));
	req.low_limit = TASK_SIZE - 6 * P;
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	req = Req(2 * P, TASK_SIZE - 3 * P);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(TASK_SIZE - 2 * P));
	// A VMA right up to TASK_SIZE closes the top gap.
	ASSERT_EQ(Insert(shim_vma_tagged(TASK_SIZE - P, TASK_SIZE, kRW, 'T')), 0);
	ASSERT_TRUE(Ok());
	req = Req(2 * P);
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(TASK_SIZE - 6 * P));
	req = Req(P, TASK_SIZE - 2 * P);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(TASK_SIZE - 2 * P));
	req = Req(2 * P, TASK_SIZE - 3 * P);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);
}

TEST_F(StoreGap, FreedSpaceIsFoundAndRefilledSpaceIsNot)
{
	// VMA i = page 2i: one-page holes only. Limits keep the search between
	// the first VMA and the last one's end.
	Fill(kBig, 2, 1);
	const uint64_t lo = kBase, hi = kBase + (2 * kBig - 1) * P;
	struct store_gap_request req = Req(3 * P, lo, hi);
	EXPECT_EQ(store_gap_topdown(&store_, &req), -ENOMEM);
	EXPECT_EQ(store_gap_bottomup(&store_, &req), -ENOMEM);

	struct vma *v300 = shim_ref_vma(&ref_, 300), *v100 = shim_ref_vma(&ref_, 100);
	Erase(v300);   // hole [599, 602) pages
	ASSERT_TRUE(Ok());
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(kBase + 599 * P));
	Erase(v100);   // hole [199, 202)
	ASSERT_TRUE(Ok());
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(kBase + 599 * P));
	EXPECT_EQ(store_gap_bottomup(&store_, &req), A(kBase + 199 * P));

	// Merging across the upper hole closes it; replacing by a shorter VMA
	// opens a four-page one higher up.
	struct vma *a = shim_ref_vma(&ref_, 298), *b = shim_ref_vma(&ref_, 299);
	Replace({a, b}, {shim_vma_tagged(a->start, b->end, kRW, 'm')});
	ASSERT_TRUE(Ok());
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(kBase + 199 * P));
	struct vma *c = shim_ref_vma(&ref_, 500);   // far above both holes
	uint64_t cs = c->start;
	Replace({c}, {});
	ASSERT_TRUE(Ok());
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(cs - P));
	ASSERT_EQ(Insert(shim_vma_tagged(cs - P, cs + 2 * P, kRW, 'f')), 0);
	ASSERT_TRUE(Ok());
	EXPECT_EQ(store_gap_topdown(&store_, &req), A(kBase + 199 * P));
}

TEST_F(StoreGap, AgreesWithBruteForceOnALargeTree)
{
	// 1500 VMAs with varied holes (0 to 600 pages, so some exceed the stack
	// guard), one in eight a stack; 4000 random requests each way.
	struct shim_rng rng;
	shim_rng_seed(&rng, 31);
	uint64_t at = kBase;
	for (size_t i = 0; i < 1500; i++) {
		uint64_t hole = shim_rng_chance(&rng, 1, 4) ? shim_rng_below(&rng, 600)
							    : shim_rng_below(&rng, 8);
		at += hole * P;
		uint64_t len = (1 + shim_rng_below(&rng, 16)) * P;
		vm_flags_t f = shim_rng_chance(&rng, 1, 8) ? kRW | VM_GROWSDOWN : kRW;
		ASSERT_EQ(Insert(shim_vma_tagged(at, at + len, f, 'g')), 0);
		at += len;
	}
	ASSERT_TRUE(Ok());
	for (int q = 0; q < 4000; q++) {
		struct store_gap_request req = {};
		req.length = (1 + (shim_rng_chance(&rng, 1, 2) ? shim_rng_below(&rng, 8)
							       : shim_rng_below(&rng, 700))) *
			     P;
		req.low_limit = shim_rng_chance(&rng, 1, 4) ? 0 : kBase + shim_rng_below(&rng, (at - kBase) / P) * P;
		req.high_limit = shim_rng_chance(&rng, 1, 4)
					 ? TASK_SIZE
					 : req.low_limit + shim_rng_below(&rng, (at - kBase) / P + 64) * P;
		if (shim_rng_chance(&rng, 1, 3)) {
			uint64_t align = P << (1 + shim_rng_below(&rng, 8));
			req.align_mask = align - 1;
			req.align_offset = shim_rng_below(&rng, 4 * align / P) * P;
		}
		ASSERT_EQ(store_gap_topdown(&store_, &req), shim_ref_gap(&ref_, &req, true, kGapRules))
			<< "request " << q << ": length " << Hex(req.length) << " in ["
			<< Hex(req.low_limit) << ", " << Hex(req.high_limit) << ") mask "
			<< Hex(req.align_mask) << " offset " << Hex(req.align_offset);
		ASSERT_EQ(store_gap_bottomup(&store_, &req), shim_ref_gap(&ref_, &req, false, kGapRules))
			<< "request " << q << ": length " << Hex(req.length) << " in ["
			<< Hex(req.low_limit) << ", " << Hex(req.high_limit) << ") mask "
			<< Hex(req.align_mask) << " offset " << Hex(req.align_offset);
	}
}

// ---------------------------------------------------------------- checker

TEST_F(StoreCheck, DetectsAChangedEnd)
{
	// VMA i = [4i, 4i+2) pages. Moving an end by a page either way leaves
	// the order intact but the pivot above it stale.
	Fill(kBig, 4, 2);
	ASSERT_TRUE(Ok());
	char err[512];
	for (size_t i = 0; i < kBig; i++) {
		struct vma *v = shim_ref_vma(&ref_, i);
		for (int64_t delta : {-(int64_t)P, (int64_t)P}) {
			uint64_t old = shim_corrupt_vma_end(v, v->end + delta);
			err[0] = '\0';
			EXPECT_EQ(store_check(&store_, err, sizeof(err)), -1) << "VMA " << i << " end " << delta;
			EXPECT_NE(err[0], '\0') << "no message for VMA " << i;
			shim_corrupt_vma_end(v, old);
		}
		ASSERT_TRUE(StoreChecks(&store_)) << "after restoring VMA " << i;
	}
}

TEST_F(StoreCheck, DetectsAChangedStartThatWidensAGap)
{
	// VMA i = [4i+2, 4i+4) pages from 0: every gap, the first included, is
	// two pages. Raising a start by a page makes the gap below it the one
	// largest of its leaf (3 pages), so the cached largest gap is stale
	// whichever leaf it is in. A one-leaf store and a three-level one.
	for (size_t n : {size_t{10}, kBig}) {
		store_destroy(&store_, vma_free);
		store_init(&store_);
		shim_ref_destroy(&ref_);
		shim_ref_init(&ref_);
		for (size_t i = 0; i < n; i++)
			ASSERT_EQ(Insert(shim_vma_tagged((4 * i + 2) * P, (4 * i + 4) * P, kRW, 'w')), 0);
		ASSERT_TRUE(Ok());
		char err[512];
		for (size_t i = 0; i < n; i++) {
			struct vma *v = shim_ref_vma(&ref_, i);
			uint64_t old = shim_corrupt_vma_start(v, v->start + P);
			err[0] = '\0';
			EXPECT_EQ(store_check(&store_, err, sizeof(err)), -1) << n << " VMAs, VMA " << i;
			EXPECT_NE(err[0], '\0');
			shim_corrupt_vma_start(v, old);
		}
		EXPECT_TRUE(StoreChecks(&store_));
	}
}

TEST_F(StoreCheck, DetectsVmasOutOfOrder)
{
	Fill(kBig, 4, 2);
	char err[512];
	for (size_t i = 0; i + 1 < kBig; i += 7) {
		struct vma *a = shim_ref_vma(&ref_, i), *b = shim_ref_vma(&ref_, i + 1);
		shim_corrupt_swap_vmas(a, b);
		err[0] = '\0';
		EXPECT_EQ(store_check(&store_, err, sizeof(err)), -1) << "VMAs " << i << ", " << i + 1;
		EXPECT_NE(err[0], '\0');
		shim_corrupt_swap_vmas(a, b);
	}
	EXPECT_TRUE(Ok());
}

TEST_F(StoreCheck, DetectsAWrongCountOrHeight)
{
	Fill(kBig, 2, 1);
	char err[512] = "";
	size_t count = shim_corrupt_store_count(&store_, kBig + 1);
	EXPECT_EQ(store_check(&store_, err, sizeof(err)), -1);
	EXPECT_NE(err[0], '\0');
	shim_corrupt_store_count(&store_, kBig - 1);
	EXPECT_EQ(store_check(&store_, err, sizeof(err)), -1);
	shim_corrupt_store_count(&store_, count);
	ASSERT_TRUE(Ok());

	unsigned height = shim_corrupt_store_height(&store_, store_.height + 1);
	EXPECT_EQ(store_check(&store_, err, sizeof(err)), -1) << "height one too many";
	shim_corrupt_store_height(&store_, height - 1);
	EXPECT_EQ(store_check(&store_, err, sizeof(err)), -1) << "height one too few";
	shim_corrupt_store_height(&store_, height);
	EXPECT_TRUE(Ok());
}

TEST_F(StoreCheck, AcceptsANullMessageBuffer)
{
	Fill(40, 2, 1);
	EXPECT_EQ(store_check(&store_, nullptr, 0), 0);
	struct vma *v = shim_ref_vma(&ref_, 20);
	uint64_t old = shim_corrupt_vma_end(v, v->end + P);
	EXPECT_EQ(store_check(&store_, nullptr, 0), -1);
	shim_corrupt_vma_end(v, old);
}

// ---------------------------------------------------------------- destroy, bytes

TEST(StoreDestroy, ReleasesEveryVmaOnce)
{
	struct store store;
	store_init(&store);
	for (size_t i = 0; i < kBig; i++) {
		ASSERT_EQ(store_insert(&store, shim_vma_tagged(kBase + 2 * i * P, kBase + (2 * i + 1) * P,
							       kRW, 'z')),
			  0);
	}
	shim_release_reset();
	store_destroy(&store, shim_release_counted);
	EXPECT_EQ(shim_release_count(), kBig);
}

TEST(StoreDestroy, WithoutReleaseLeavesTheVmasToTheCaller)
{
	struct store store;
	store_init(&store);
	std::vector<struct vma *> vmas;
	for (size_t i = 0; i < kBig; i++) {
		vmas.push_back(shim_vma_tagged(kBase + 2 * i * P, kBase + (2 * i + 1) * P, kRW, 'z'));
		ASSERT_EQ(store_insert(&store, vmas.back()), 0);
	}
	store_destroy(&store, nullptr);
	for (struct vma *v : vmas)
		vma_free(v);   // a use-after-free or double free here shows under ASan
}

TEST_F(StoreNodeBytes, GrowWithTheTreeAndVanishWithIt)
{
	EXPECT_EQ(store_node_bytes(&store_), 0u);
	Fill(1, 2, 1);
	size_t one = store_node_bytes(&store_);
	EXPECT_GT(one, 0u);
	Erase(store_first(&store_));
	Fill(kBig, 2, 1);
	size_t big = store_node_bytes(&store_);
	EXPECT_GT(big, one);
	EXPECT_GE(big, one * (kBig / STORE_SLOTS)) << "at least one leaf per 16 VMAs";
	while (ref_.n)
		Erase(store_last(&store_));
	EXPECT_EQ(store_node_bytes(&store_), 0u);
}

// ---------------------------------------------------------------- randomized

// One randomized run: a seed and the shape of the address space it keeps.
struct RandomConfig {
	const char *name;
	uint64_t seed;
	unsigned steps;
	size_t low, high;        // the target VMA count swings between these
	unsigned phase;          // steps per swing
	uint64_t unit;           // grain of new VMAs and holes, in bytes
	bool near_top;           // keep the window just below TASK_SIZE
	unsigned check_every;    // mm_check + reference walk + bounds
	unsigned query_every;    // finds, lookups, gap searches, iterator walks
};

void PrintTo(const RandomConfig &c, std::ostream *os)
{
	*os << c.name;
}

// The full check is O(n), so the every-step runs keep n in the hundreds;
// LargeTree grows to thousands of VMAs (four levels) and checks every 100.
const RandomConfig kConfigs[] = {
	{"TinyTrees", 1, 12000, 0, 24, 400, P, false, 1, 1},
	{"TwoLevels", 2, 15000, 8, 200, 1500, P, false, 1, 1},
	{"ThreeLevels", 3, 15000, 250, 700, 2500, P, false, 1, 1},
	{"StacksAndGuards", 4, 15000, 0, 400, 2000, 64 * P, false, 1, 1},
	{"WideHoles", 5, 12000, 50, 500, 3000, 256 * P, false, 1, 1},
	{"NearTaskSize", 6, 12000, 100, 500, 2000, 16 * P, true, 1, 1},
	{"DrainAndRefill", 7, 15000, 0, 600, 2500, P, false, 1, 1},
	{"Steady", 8, 12000, 300, 500, 2000, 4 * P, false, 1, 1},
	{"LargeTree", 9, 40000, 2500, 5000, 25000, P, false, 100, 10},
};

const vm_flags_t kRandomFlags[] = {
	VM_READ | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC,
	VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT,
	VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC,
	VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_GROWSDOWN | VM_ACCOUNT,
	VM_READ | VM_MAYREAD | VM_MAYEXEC | VM_SEALED,
	VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | (UINT64_C(3) << VM_PKEY_SHIFT),
};

enum RandomOp { kOpInsert, kOpFillHole, kOpOverlap, kOpErase, kOpSplit, kOpMerge, kOpReplace, kOps };
const char *const kOpNames[kOps] = {"insert", "fill hole", "overlapping insert", "erase",
				    "split", "merge", "replace"};

// Drives an mm's store and the reference side by side. Every store answer
// is compared with the reference's; the first mismatch ends the run.
class RandomRun {
public:
	explicit RandomRun(const RandomConfig &cfg) : cfg_(cfg)
	{
		shim_rng_seed(&rng_, cfg.seed);
		shim_ref_init(&ref_);
		mm_init(&mm_);
		window_ = cfg.high * 20 + 64;
		base_ = cfg.near_top ? TASK_SIZE - (window_ + 64) * cfg.unit : kBase;
	}

	~RandomRun()
	{
		mm_destroy(&mm_);
		shim_ref_destroy(&ref_);
	}

	void Step(unsigned step)
	{
		size_t target = (step / cfg_.phase) % 2 ? cfg_.low : cfg_.high;
		// Weights per operation, in percent, while growing and shrinking.
		// Growing nets about +0.4 VMAs a step, shrinking about -1.
		static const unsigned grow[kOps] = {50, 6, 3, 5, 22, 4, 10};
		static const unsigned shrink[kOps] = {8, 2, 4, 40, 6, 20, 20};
		const unsigned *w = ref_.n < target ? grow : shrink;
		unsigned r = (unsigned)Below(100), op = 0;
		while (r >= w[op])
			r -= w[op++];
		last_op_ = op;
		bool done = false;
		switch (op) {
		case kOpInsert: done = Insert(); break;
		case kOpFillHole: done = FillHole(); break;
		case kOpOverlap: done = Overlap(); break;
		case kOpErase: done = Erase(); break;
		case kOpSplit: done = Split(); break;
		case kOpMerge: done = Merge(); break;
		case kOpReplace: done = Replace(); break;
		}
		if (!done) {
			last_op_ = kOpInsert;
			Insert();
		}
		counts_[last_op_]++;
		if (store().height > max_height_)
			max_height_ = store().height;
		if (ref_.n > max_size_)
			max_size_ = ref_.n;
		if (step >= cfg_.phase && ref_.n < min_size_)
			min_size_ = ref_.n;
		if (step % cfg_.check_every == 0)
			FullCheck();
		if (step % cfg_.query_every == 0)
			Queries();
	}

	void FullCheck()
	{
		char err[512] = "";
		EXPECT_EQ(mm_check(&mm_, err, sizeof(err)), 0) << "mm_check: " << err;
		err[0] = '\0';
		EXPECT_EQ(shim_ref_compare(&ref_, &store(), err, sizeof(err)), 0) << err;
		err[0] = '\0';
		EXPECT_EQ(shim_store_bounds(&store(), err, sizeof(err)), 0) << err;
	}

	const char *LastOp() const { return kOpNames[last_op_]; }
	size_t Count(unsigned op) const { return counts_[op]; }
	size_t Refused() const { return refused_; }
	size_t GapHits() const { return gap_hits_; }
	size_t GapMisses() const { return gap_misses_; }
	unsigned MaxHeight() const { return max_height_; }
	size_t MaxSize() const { return max_size_; }
	size_t MinSize() const { return min_size_; }
	size_t Size() const { return ref_.n; }

private:
	struct store &store() { return mm_.vmas; }
	uint64_t Below(uint64_t n) { return shim_rng_below(&rng_, n); }
	bool Chance(unsigned num, unsigned den) { return shim_rng_chance(&rng_, num, den); }
	vm_flags_t RandomFlags() { return kRandomFlags[Below(std::size(kRandomFlags))]; }
	const shim_ref_entry &E(size_t i) const { return ref_.e[i]; }

	bool Insert()
	{
		uint64_t u = Below(window_);
		uint64_t len = Chance(1, 8) ? 1 + Below(32) : 1 + Below(8);
		uint64_t s = base_ + u * cfg_.unit, e = s + len * cfg_.unit;
		struct vma *v = shim_vma_tagged(s, e, RandomFlags(), 'i');
		int want = shim_ref_overlaps(&ref_, s, e) ? -EEXIST : 0;
		int got = store_insert(&store(), v);
		EXPECT_EQ(got, want) << "insert [" << Hex(s) << ", " << Hex(e) << ")";
		if (got == 0)
			shim_ref_insert(&ref_, v);   // if it overlapped, the walk reports it
		else
			vma_free(v);
		if (got == -EEXIST)
			refused_++;
		return true;
	}

	// An insert that touches a neighbour on one side or both.
	bool FillHole()
	{
		if (ref_.n < 2)
			return false;
		size_t i = 1 + Below(ref_.n - 1);
		uint64_t lo = E(i - 1).end, hi = E(i).start;
		if (lo == hi)
			return false;
		uint64_t pages = (hi - lo) / P;
		switch (Below(3)) {
		case 0: break;                                          // the whole hole
		case 1: hi = lo + (1 + Below(pages)) * P; break;        // touching the lower
		default: lo = hi - (1 + Below(pages)) * P; break;       // touching the upper
		}
		struct vma *v = shim_vma_tagged(lo, hi, RandomFlags(), 'h');
		int got = store_insert(&store(), v);
		EXPECT_EQ(got, 0) << "filling [" << Hex(lo) << ", " << Hex(hi) << ")";
		if (got == 0)
			shim_ref_insert(&ref_, v);
		else
			vma_free(v);
		return true;
	}

	bool Overlap()
	{
		if (ref_.n == 0)
			return false;
		const shim_ref_entry &t = E(Below(ref_.n));
		uint64_t page = t.start + Below((t.end - t.start) / P) * P;
		uint64_t s = page - Below(3) * cfg_.unit, e = page + P + Below(3) * cfg_.unit;
		struct vma *v = shim_vma_tagged(s, e, RandomFlags(), 'o');
		EXPECT_EQ(store_insert(&store(), v), -EEXIST)
			<< "overlapping [" << Hex(s) << ", " << Hex(e) << ")";
		vma_free(v);   // if it went in anyway, the store frees a dangling pointer: ASan says so
		refused_++;
		return true;
	}

	bool Erase()
	{
		if (ref_.n == 0)
			return false;
		size_t i = Below(ref_.n);
		struct vma *v = E(i).vma;
		store_erase(&store(), v);
		shim_ref_remove(&ref_, i, 1);
		vma_free(v);
		return true;
	}

	// Replace old[i, i + k) by `nu`, checking that the store accepts it.
	void DoReplace(size_t i, size_t k, std::vector<struct vma *> &nu)
	{
		std::vector<struct vma *> old;
		for (size_t j = 0; j < k; j++)
			old.push_back(E(i + j).vma);
		int got = store_replace(&store(), old.data(), (unsigned)k, nu.data(), (unsigned)nu.size());
		EXPECT_EQ(got, 0) << "replacing " << k << " from " << Hex(old[0]->start) << " by "
				  << nu.size();
		if (got != 0) {
			for (struct vma *v : nu)
				vma_free(v);
			return;
		}
		shim_ref_replace(&ref_, i, k, nu.data(), nu.size());
		for (struct vma *v : old)
			vma_free(v);
	}

	bool Split()
	{
		if (ref_.n == 0)
			return false;
		size_t i = Below(ref_.n);
		const shim_ref_entry &t = E(i);
		uint64_t pages = (t.end - t.start) / P;
		if (pages < 2)
			return false;
		std::vector<uint64_t> cuts;
		if (pages >= 3 && Chance(1, 2)) {
			uint64_t c1 = 1 + Below(pages - 2);
			cuts = {c1, c1 + 1 + Below(pages - c1 - 1)};
		} else {
			cuts = {1 + Below(pages - 1)};
		}
		cuts.push_back(pages);
		std::vector<struct vma *> nu;
		uint64_t from = 0;
		for (size_t j = 0; j < cuts.size(); j++) {
			vm_flags_t f = j == 1 && Chance(1, 2) ? RandomFlags() : t.flags;
			nu.push_back(shim_vma_tagged(t.start + from * P, t.start + cuts[j] * P, f, 's'));
			from = cuts[j];
		}
		DoReplace(i, 1, nu);
		return true;
	}

	bool Merge()
	{
		if (ref_.n < 2)
			return false;
		size_t i = Below(ref_.n - 1);
		size_t k = std::min<size_t>(2 + Below(2), ref_.n - i);
		std::vector<struct vma *> nu = {
			shim_vma_tagged(E(i).start, E(i + k - 1).end, E(i).flags, 'm')};
		DoReplace(i, k, nu);
		return true;
	}

	// k old VMAs (sometimes dozens, sometimes all the rest) by 0 to 3 new
	// ones anywhere in their span, which may first grow into the free
	// space on either side.
	bool Replace()
	{
		if (ref_.n == 0)
			return false;
		size_t i = Below(ref_.n);
		// Everything from i on only in small trees: it would drain a big one.
		size_t k = ref_.n <= 64 && Chance(1, 20) ? ref_.n - i
			   : Chance(1, 25)                ? 1 + Below(40)
							  : 1 + Below(3);
		k = std::min(k, ref_.n - i);
		uint64_t lo = E(i).start, hi = E(i + k - 1).end;
		uint64_t free_lo = i ? E(i - 1).end : lo - std::min<uint64_t>(lo, 4 * cfg_.unit);
		uint64_t free_hi = i + k < ref_.n ? E(i + k).start : std::min(hi + 4 * cfg_.unit, TASK_SIZE);
		if (Chance(1, 4))
			lo -= Below((lo - free_lo) / P / 2 + 1) * P;
		if (Chance(1, 4))
			hi += Below((free_hi - hi) / P / 2 + 1) * P;
		uint64_t span = (hi - lo) / P;
		unsigned m = (unsigned)Below(4);
		std::vector<uint64_t> b;
		if (Chance(1, 4) && m > 0) {
			// A partition of the span: adjacent pieces covering all of it.
			b.push_back(0);
			std::vector<uint64_t> cuts;
			for (unsigned j = 1; j < m; j++)
				cuts.push_back(Below(span + 1));
			std::sort(cuts.begin(), cuts.end());
			for (uint64_t c : cuts) {
				b.push_back(c);
				b.push_back(c);
			}
			b.push_back(span);
		} else {
			for (unsigned j = 0; j < 2 * m; j++)
				b.push_back(Below(span + 1));
			std::sort(b.begin(), b.end());
		}
		std::vector<struct vma *> nu;
		for (size_t j = 0; j + 1 < b.size(); j += 2)
			if (b[j] < b[j + 1])
				nu.push_back(shim_vma_tagged(lo + b[j] * P, lo + b[j + 1] * P, RandomFlags(), 'r'));
		DoReplace(i, k, nu);
		return true;
	}

	uint64_t RandomAddress()
	{
		if (ref_.n && Chance(2, 3)) {
			const shim_ref_entry &t = E(Below(ref_.n));
			switch (Below(6)) {
			case 0: return t.start;
			case 1: return t.end;
			case 2: return t.start - 1;
			case 3: return t.end - 1;
			case 4: return t.start + Below(t.end - t.start);
			default: return t.end + Below(2 * cfg_.unit);
			}
		}
		switch (Below(8)) {
		case 0: return 0;
		case 1: return TASK_SIZE - 1;
		case 2: return UINT64_MAX;
		default: return base_ + Below(window_ * cfg_.unit);
		}
	}

	struct store_gap_request RandomRequest()
	{
		struct store_gap_request req = {};
		uint64_t grain = Chance(1, 2) ? P : cfg_.unit;
		req.length = Chance(1, 8) ? (1 + Below(64)) * cfg_.unit : (1 + Below(4)) * grain;
		uint64_t span_pages = window_ * cfg_.unit / P;
		req.low_limit = Chance(1, 4) ? 0 : base_ - 8 * cfg_.unit + Below(span_pages) * P;
		req.high_limit = Chance(1, 4) ? TASK_SIZE
					      : std::min(TASK_SIZE, req.low_limit + Below(span_pages + 1) * P);
		if (Chance(1, 3)) {
			uint64_t align = P << (1 + Below(10));
			req.align_mask = align - 1;
			req.align_offset = Below(4 * align / P) * P;
		}
		return req;
	}

	void Queries()
	{
		for (int q = 0; q < 3; q++) {
			uint64_t a = RandomAddress();
			ptrdiff_t f = shim_ref_find(&ref_, a), l = shim_ref_lookup(&ref_, a),
				  p = shim_ref_find_prev(&ref_, a);
			EXPECT_EQ(store_find(&store(), a), f < 0 ? nullptr : E(f).vma) << "find " << Hex(a);
			EXPECT_EQ(store_lookup(&store(), a), l < 0 ? nullptr : E(l).vma) << "lookup " << Hex(a);
			EXPECT_EQ(store_last_before(&store(), a), p < 0 ? nullptr : E(p).vma)
				<< "find_prev " << Hex(a);
		}

		struct store_gap_request req = RandomRequest();
		for (bool topdown : {true, false}) {
			int64_t want = shim_ref_gap(&ref_, &req, topdown, kGapRules);
			int64_t got = topdown ? store_gap_topdown(&store(), &req)
					      : store_gap_bottomup(&store(), &req);
			EXPECT_EQ(got, want) << (topdown ? "top-down" : "bottom-up") << " length "
					     << Hex(req.length) << " in [" << Hex(req.low_limit) << ", "
					     << Hex(req.high_limit) << ") mask " << Hex(req.align_mask)
					     << " offset " << Hex(req.align_offset);
			if (want >= 0)
				gap_hits_++;
			else
				gap_misses_++;
		}

		uint64_t a = RandomAddress();
		ptrdiff_t at = shim_ref_find(&ref_, a);
		struct store_iter it;
		struct vma *v = store_iter_seek(&it, &store(), a);
		EXPECT_EQ(v, at < 0 ? nullptr : E(at).vma) << "seek " << Hex(a);
		int dir = Chance(1, 2) ? 1 : -1;
		for (int s = 0; v && s < 24; s++) {
			if (Chance(1, 8))
				dir = -dir;
			at += dir;
			v = dir > 0 ? store_iter_next(&it) : store_iter_prev(&it);
			bool out = at < 0 || at >= (ptrdiff_t)ref_.n;
			EXPECT_EQ(v, out ? nullptr : E(at).vma) << "iterator step " << s << " from " << Hex(a);
		}
	}

	RandomConfig cfg_;
	struct shim_rng rng_;
	struct shim_ref ref_;
	struct mm mm_;
	uint64_t window_, base_;
	unsigned last_op_ = 0;
	size_t counts_[kOps] = {};
	size_t refused_ = 0, gap_hits_ = 0, gap_misses_ = 0;
	unsigned max_height_ = 0;
	size_t max_size_ = 0, min_size_ = SIZE_MAX;
};

class StoreRandom : public testing::TestWithParam<RandomConfig> {};

TEST_P(StoreRandom, MatchesTheReference)
{
	const RandomConfig &cfg = GetParam();
	RandomRun run(cfg);
	for (unsigned step = 0; step < cfg.steps; step++) {
		run.Step(step);
		if (HasFailure()) {
			ADD_FAILURE() << "seed " << cfg.seed << ", step " << step << ", after a "
				      << run.LastOp() << " with " << run.Size() << " VMAs";
			return;
		}
	}
	run.FullCheck();
	// The run did what it is for: every operation, refusals, both kinds of
	// gap answer, and trees as deep as the sizes promise.
	for (unsigned op = 0; op < kOps; op++) {
		EXPECT_GT(run.Count(op), 0u) << kOpNames[op];
	}
	EXPECT_GT(run.Refused(), 0u);
	EXPECT_GT(run.GapHits(), 0u);
	EXPECT_GT(run.GapMisses(), 0u);
	EXPECT_GE(run.MaxSize(), cfg.high * 3 / 4) << "never grew near its high target";
	if (cfg.steps >= 2 * cfg.phase) {
		EXPECT_LE(run.MinSize(), cfg.low + cfg.high / 4) << "never shrank near its low target";
	}
	RecordProperty("max_vmas", (int)run.MaxSize());
	RecordProperty("max_height", (int)run.MaxHeight());
	if (cfg.high >= 600) {
		EXPECT_GE(run.MaxHeight(), 3u);
	}
	if (cfg.high >= 3000) {
		EXPECT_GE(run.MaxHeight(), 4u);
	}
}

INSTANTIATE_TEST_SUITE_P(Seeds, StoreRandom, testing::ValuesIn(kConfigs),
			 [](const testing::TestParamInfo<RandomConfig> &info) {
				 return std::string(info.param.name);
			 });

TEST(StoreRandomPlan, AtLeastAHundredThousandSteps)
{
	unsigned total = 0;
	for (const RandomConfig &c : kConfigs)
		total += c.steps;
	EXPECT_GE(total, 100000u);
}

}  // namespace
