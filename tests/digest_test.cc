// mm_digest (core/digest.h): equal states give equal digests however they
// were built, and every piece of state the digest covers changes it.
//
// The address spaces are described as arrays of shim_vma_spec and built by
// tests/shim_mm.c, each build with its own inodes and open files, so that
// no two builds share a pointer.

#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/digest.h"
#include "tests/shim.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr uint64_t kBase = UINT64_C(0x555555554000);
constexpr vm_flags_t kMay = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

// The heap and stack parameters every layout here starts from.
struct Layout {
	uint64_t start_brk = kBase + 0x100000, brk = kBase + 0x121000;
	uint64_t start_stack = UINT64_C(0x7ffffffde000);
	bool has_vsyscall = true;

	// An empty mm with these parameters.
	void Init(struct mm *mm) const
	{
		mm_init(mm);
		mm->start_brk = start_brk;
		mm->brk = brk;
		mm->start_stack = start_stack;
		mm->has_vsyscall = has_vsyscall;
	}
};

// 40 VMAs, each 1 to 5 pages, 8 pages apart (so each can grow by a page
// either way without touching a neighbour): file-backed, anonymous,
// touched, a vdso, a stack, sealed and pkey'd ones.
std::vector<shim_vma_spec> BaseSpecs(size_t n = 40)
{
	std::vector<shim_vma_spec> specs;
	for (size_t i = 0; i < n; i++) {
		shim_vma_spec s = {};
		s.start = kBase + i * 8 * P;
		s.end = s.start + (1 + i % 5) * P;
		s.flags = VM_READ | kMay;
		s.backing = SHIM_ANON;
		s.pgoff = s.start >> PAGE_SHIFT;
		switch (i % 6) {
		case 0:   // a file's text
			s.backing = INODE_REGULAR;
			s.dev_major = 8;
			s.dev_minor = 1;
			s.ino = 1000 + i;
			s.pgoff = i;
			s.flags |= VM_EXEC;
			break;
		case 1:   // touched anonymous memory
			s.flags |= VM_WRITE | VM_ACCOUNT;
			s.anon_vma = (uint32_t)(1 + i);
			break;
		case 2:   // a shared memfd
			s.backing = INODE_MEMFD;
			s.dev_major = 0;
			s.dev_minor = 1;
			s.ino = 50 + i;
			s.pgoff = 0;
			s.flags |= VM_WRITE | VM_SHARED | VM_MAYSHARE;
			break;
		case 3:   // sealed, with a protection key
			s.flags |= VM_SEALED | (UINT64_C(5) << VM_PKEY_SHIFT);
			break;
		case 4:   // untouched anonymous
			s.flags |= VM_WRITE;
			break;
		default:  // a stack
			s.flags |= VM_WRITE | VM_GROWSDOWN | VM_ACCOUNT;
			s.anon_vma = (uint32_t)(1 + i);
			break;
		}
		specs.push_back(s);
	}
	if (n > 7) {   // 7 % 6 == 1: anonymous, so it may be special
		specs[7].special = VMA_VDSO;
		specs[7].anon_vma = 0;
	}
	return specs;
}

uint64_t DigestOf(const std::vector<shim_vma_spec> &specs, const Layout &layout = Layout(),
		  const std::vector<size_t> &order = {})
{
	struct mm mm;
	layout.Init(&mm);
	int ret = shim_spec_build(&mm, specs.data(), specs.size(), order.empty() ? nullptr : order.data());
	EXPECT_EQ(ret, 0);
	char err[256] = "";
	// store_check, not mm_check: the field tests flip single bits into VMAs
	// no kernel would hold, and the digest must still see them.
	EXPECT_EQ(store_check(&mm.vmas, err, sizeof(err)), 0) << err;
	uint64_t d = mm_digest(&mm);
	mm_destroy(&mm);
	return d;
}

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

// ---------------------------------------------------------------- equal states

TEST(DigestOrder, SameVmasInAnyInsertionOrder)
{
	// 300 VMAs: a three-level store whose shape depends on the order.
	std::vector<shim_vma_spec> specs = BaseSpecs(300);
	uint64_t ascending = DigestOf(specs);
	std::vector<size_t> descending;
	for (size_t i = specs.size(); i-- > 0;)
		descending.push_back(i);
	EXPECT_EQ(DigestOf(specs, Layout(), descending), ascending);
	for (uint64_t seed : {1, 2, 3, 4, 5})
		EXPECT_EQ(DigestOf(specs, Layout(), Shuffled(specs.size(), seed)), ascending) << seed;
}

TEST(DigestOrder, SameVmasAfterOthersCameAndWent)
{
	// The same 300 VMAs, built with 300 more in the holes between them
	// that are then erased: a different tree, the same state.
	std::vector<shim_vma_spec> specs = BaseSpecs(300);
	uint64_t plain = DigestOf(specs);

	struct mm mm;
	Layout().Init(&mm);
	std::vector<struct vma *> extra;
	for (size_t i : Shuffled(specs.size(), 9)) {
		ASSERT_EQ(shim_spec_build(&mm, &specs[i], 1, nullptr), 0);
		struct vma *x = shim_vma_tagged(specs[i].start + 6 * P, specs[i].start + 7 * P, VM_READ | kMay, 'x');
		ASSERT_EQ(store_insert(&mm.vmas, x), 0);
		extra.push_back(x);
	}
	EXPECT_NE(mm_digest(&mm), plain);
	for (struct vma *x : extra) {
		store_erase(&mm.vmas, x);
		vma_free(x);
	}
	EXPECT_EQ(mm_digest(&mm), plain);
	mm_destroy(&mm);
}

TEST(DigestOrder, SplitThenMergedBackEqualsUntouched)
{
	std::vector<shim_vma_spec> specs = BaseSpecs(300);
	uint64_t plain = DigestOf(specs);

	struct mm mm;
	Layout().Init(&mm);
	ASSERT_EQ(shim_spec_build(&mm, specs.data(), specs.size(), nullptr), 0);
	// Split every VMA of 3+ pages in two, then merge the halves back with
	// a fresh copy of the original spec.
	for (size_t i = 0; i < specs.size(); i++) {
		if (specs[i].end - specs[i].start < 3 * P)
			continue;
		struct vma *v = store_lookup(&mm.vmas, specs[i].start);
		ASSERT_NE(v, nullptr);
		shim_vma_spec lo = specs[i], hi = specs[i];
		lo.end = hi.start = specs[i].start + P;
		hi.pgoff += 1;
		struct vma *halves[2] = {shim_spec_vma(&lo), shim_spec_vma(&hi)};
		ASSERT_EQ(store_replace(&mm.vmas, &v, 1, halves, 2), 0);
		vma_free(v);
	}
	EXPECT_NE(mm_digest(&mm), plain);
	for (size_t i = 0; i < specs.size(); i++) {
		if (specs[i].end - specs[i].start < 3 * P)
			continue;
		struct vma *halves[2] = {store_lookup(&mm.vmas, specs[i].start),
					 store_lookup(&mm.vmas, specs[i].start + P)};
		struct vma *whole = shim_spec_vma(&specs[i]);
		ASSERT_EQ(store_replace(&mm.vmas, halves, 2, &whole, 1), 0);
		vma_free(halves[0]);
		vma_free(halves[1]);
	}
	EXPECT_EQ(mm_digest(&mm), plain);
	mm_destroy(&mm);
}

TEST(DigestOrder, EmptyAddressSpaces)
{
	EXPECT_EQ(DigestOf({}), DigestOf({}));
	EXPECT_NE(DigestOf({}), DigestOf(BaseSpecs(1)));
}

TEST(DigestHistory, OriginIsLeftOut)
{
	std::vector<shim_vma_spec> specs = BaseSpecs();
	uint64_t d = DigestOf(specs);
	for (size_t i = 0; i < specs.size(); i++) {
		specs[i].origin.step = (uint32_t)(1000 + 7 * i);
		specs[i].origin.nr = (int16_t)(i % 3 ? 9 : 10);   // mmap, mprotect
	}
	EXPECT_EQ(DigestOf(specs), d);
}

TEST(DigestHistory, AnonVmaNumbersAreHistorySharingIsState)
{
	/*
	 * Three touched VMAs. Which ids the anon_vmas got is history; which
	 * VMAs share one is state (it decides merges).
	 *
	 *   ids 1 1 2  ==  ids 7 7 3   (first two share, third apart)
	 *   ids 1 1 2  !=  ids 1 2 2   (last two share)
	 *   ids 1 1 2  !=  ids 1 2 3   (none share)
	 */
	std::vector<shim_vma_spec> specs = BaseSpecs(3);
	auto with = [&](uint32_t a, uint32_t b, uint32_t c) {
		std::vector<shim_vma_spec> s = specs;
		s[0].anon_vma = a;
		s[1].anon_vma = b;
		s[2].anon_vma = c;
		return DigestOf(s);
	};
	EXPECT_EQ(with(1, 1, 2), with(7, 7, 3));
	EXPECT_NE(with(1, 1, 2), with(1, 2, 2));
	EXPECT_NE(with(1, 1, 2), with(1, 2, 3));
	EXPECT_NE(with(1, 1, 2), with(1, 1, 0));
}

// ---------------------------------------------------------------- every field

using Mutation = std::function<void(shim_vma_spec &)>;

struct Change {
	std::string what;
	Mutation apply;
};

std::vector<Change> VmaChanges(const shim_vma_spec &s)
{
	std::vector<Change> c = {
		{"start one page lower", [](shim_vma_spec &v) { v.start -= P; }},
		{"end one page higher", [](shim_vma_spec &v) { v.end += P; }},
		{"moved up a page", [](shim_vma_spec &v) { v.start += P; v.end += P; }},
		{"pgoff + 1", [](shim_vma_spec &v) { v.pgoff += 1; }},
		{"special: vdso", [](shim_vma_spec &v) { v.special = v.special == VMA_VDSO ? VMA_VVAR : VMA_VDSO; }},
		{"special: vvar_vclock", [](shim_vma_spec &v) { v.special = VMA_VVAR_VCLOCK; }},
	};
	if (s.backing == SHIM_ANON) {
		c.push_back({"backed by a file", [](shim_vma_spec &v) {
				     v.backing = INODE_REGULAR;
				     v.dev_major = 8;
				     v.dev_minor = 1;
				     v.ino = 4242;
			     }});
		c.push_back({"backed by shared anonymous memory", [](shim_vma_spec &v) {
				     v.backing = INODE_SHMEM_ANON;
				     v.ino = 0;   // all-zero identity: only the kind tells it apart
			     }});
	} else {
		c.push_back({"anonymous", [](shim_vma_spec &v) { v.backing = SHIM_ANON; }});
		c.push_back({"dev major + 1", [](shim_vma_spec &v) { v.dev_major += 1; }});
		c.push_back({"dev minor + 1", [](shim_vma_spec &v) { v.dev_minor += 1; }});
		c.push_back({"ino + 1", [](shim_vma_spec &v) { v.ino += 1; }});
		c.push_back({"inode kind", [](shim_vma_spec &v) {
				     v.backing = v.backing == INODE_MEMFD ? INODE_REGULAR : INODE_MEMFD;
			     }});
		c.push_back({"inode kind: /dev/zero", [](shim_vma_spec &v) { v.backing = INODE_DEVZERO; }});
	}
	if (s.anon_vma)
		c.push_back({"pages never touched", [](shim_vma_spec &v) { v.anon_vma = 0; }});
	else
		c.push_back({"pages touched", [](shim_vma_spec &v) { v.anon_vma = 999; }});
	for (unsigned bit = 0; bit < 64; bit++) {
		c.push_back({"flag bit " + std::to_string(bit),
			     [bit](shim_vma_spec &v) { v.flags ^= UINT64_C(1) << bit; }});
	}
	return c;
}

TEST(DigestField, EveryVmaFieldOfTheFirstMiddleAndLastVma)
{
	std::vector<shim_vma_spec> base = BaseSpecs();
	const uint64_t d = DigestOf(base);
	// One VMA of each kind: file text, vdso, touched anonymous, memfd,
	// sealed with a pkey, untouched anonymous, stack; and the last one.
	for (size_t k : {size_t{0}, size_t{7}, size_t{13}, size_t{20}, size_t{21}, size_t{22},
			 size_t{23}, base.size() - 1}) {
		std::set<uint64_t> seen = {d};
		for (const Change &c : VmaChanges(base[k])) {
			std::vector<shim_vma_spec> specs = base;
			c.apply(specs[k]);
			uint64_t changed = DigestOf(specs);
			EXPECT_NE(changed, d) << "VMA " << k << ": " << c.what;
			EXPECT_TRUE(seen.insert(changed).second)
				<< "VMA " << k << ": " << c.what << " digests like another change";
		}
	}
}

TEST(DigestField, NamedFlagsIncludingSealAndPkey)
{
	// The flags that matter most, spelled out (the loop above covers all 64).
	std::vector<shim_vma_spec> base = BaseSpecs();
	const uint64_t d = DigestOf(base);
	const struct {
		const char *name;
		vm_flags_t bit;
	} flags[] = {
		{"VM_READ", VM_READ},           {"VM_WRITE", VM_WRITE},
		{"VM_EXEC", VM_EXEC},           {"VM_SHARED", VM_SHARED},
		{"VM_MAYWRITE", VM_MAYWRITE},   {"VM_GROWSDOWN", VM_GROWSDOWN},
		{"VM_LOCKED", VM_LOCKED},       {"VM_ACCOUNT", VM_ACCOUNT},
		{"VM_DONTDUMP", VM_DONTDUMP},   {"VM_SOFTDIRTY", VM_SOFTDIRTY},
		{"VM_WIPEONFORK", VM_WIPEONFORK}, {"VM_DROPPABLE", VM_DROPPABLE},
		{"VM_SEALED", VM_SEALED},
		{"pkey bit 0", UINT64_C(1) << VM_PKEY_SHIFT},
		{"pkey bit 3", UINT64_C(8) << VM_PKEY_SHIFT},
	};
	for (size_t k = 0; k < 6; k++) {   // one VMA of each kind
		for (const auto &f : flags) {
			std::vector<shim_vma_spec> specs = base;
			specs[k].flags ^= f.bit;
			EXPECT_NE(DigestOf(specs), d) << f.name << " on VMA " << k;
		}
	}
	// Sealed and unsealed twins of the same VMA differ, whichever way round.
	std::vector<shim_vma_spec> sealed = base, unsealed = base;
	sealed[4].flags |= VM_SEALED;
	unsealed[4].flags &= ~VM_SEALED;
	EXPECT_NE(DigestOf(sealed), DigestOf(unsealed));
}

TEST(DigestField, HeapAndStackParameters)
{
	std::vector<shim_vma_spec> specs = BaseSpecs();
	Layout base;
	const uint64_t d = DigestOf(specs, base);
	const std::vector<std::pair<const char *, std::function<void(Layout &)>>> changes = {
		{"start_brk", [](Layout &l) { l.start_brk -= P; }},
		{"brk", [](Layout &l) { l.brk += P; }},
		{"brk by one byte", [](Layout &l) { l.brk += 1; }},
		{"start_stack", [](Layout &l) { l.start_stack += 8; }},
		{"has_vsyscall", [](Layout &l) { l.has_vsyscall = !l.has_vsyscall; }},
	};
	std::set<uint64_t> seen = {d};
	for (const auto &c : changes) {
		Layout l = base;
		c.second(l);
		uint64_t changed = DigestOf(specs, l);
		EXPECT_NE(changed, d) << c.first;
		EXPECT_TRUE(seen.insert(changed).second) << c.first;
	}
	// Swapping start_brk and brk is a different state, not a permutation
	// the digest may forgive.
	Layout swapped = base;
	std::swap(swapped.start_brk, swapped.brk);
	EXPECT_NE(DigestOf(specs, swapped), d);
}

TEST(DigestField, AnOnlyVmaOrAMissingOne)
{
	std::vector<shim_vma_spec> specs = BaseSpecs();
	const uint64_t d = DigestOf(specs);
	for (size_t k : {size_t{0}, size_t{17}, specs.size() - 1}) {
		std::vector<shim_vma_spec> fewer = specs;
		fewer.erase(fewer.begin() + (ptrdiff_t)k);
		EXPECT_NE(DigestOf(fewer), d) << "without VMA " << k;
	}
}

}  // namespace

// Which open file a VMA maps is state: two VMAs of one open file merge
// where two opens of the same inode do not (mm/vma.c: is_mergeable_vma
// compares vm_file), so the two states must digest differently.
TEST(DigestField, SameOpenFileDiffersFromTwoOpens)
{
	struct inode *inode = inode_new(INODE_MEMFD, 0, 1, 77, "/memfd:d (deleted)");
	struct file *a = file_open(inode, FILE_MODE_READ);
	struct file *b = file_open(inode, FILE_MODE_READ);
	const vm_flags_t fl = VM_READ | VM_SHARED | VM_MAYSHARE | VM_MAYREAD;
	uint64_t digests[2];

	for (int two_opens = 0; two_opens < 2; two_opens++) {
		struct mm mm;
		mm_init(&mm);
		struct vma *v1 = vma_new(0x10000, 0x11000, fl, 0, a);
		struct vma *v2 = vma_new(0x12000, 0x13000, fl, 2, two_opens ? b : a);
		ASSERT_EQ(store_insert(&mm.vmas, v1), 0);
		ASSERT_EQ(store_insert(&mm.vmas, v2), 0);
		char err[256] = "";
		EXPECT_EQ(mm_check(&mm, err, sizeof(err)), 0) << err;
		digests[two_opens] = mm_digest(&mm);
		mm_destroy(&mm);
	}
	EXPECT_NE(digests[0], digests[1]);
	file_put(a);
	file_put(b);
	inode_put(inode);
}
