// mm_check (core/mm.h): a well-formed address space passes, and each kind
// of malformed VMA or mm is reported with -1 and a message that names the
// problem and the VMA. Every malformed case comes with its well-formed
// twin, which must pass.
//
// Malformed VMAs are built by tests/shim_mm.c (shim_spec_vma writes the
// fields over a good VMA) and inserted through the public store_insert, so
// the store itself stays consistent and mm_check has to find the problem
// in the VMA.

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/shim.h"

namespace {

constexpr uint64_t P = PAGE_SIZE;
constexpr vm_flags_t kMay = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
// Free in the layout below: the malformed VMAs go here.
constexpr uint64_t kSpot = UINT64_C(0x7ff000000000);

std::string Hex(uint64_t v)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "%#" PRIx64, v);
	return buf;
}

shim_vma_spec Anon(uint64_t start, uint64_t end, vm_flags_t flags, uint32_t anon_vma = 0)
{
	shim_vma_spec s = {};
	s.start = start;
	s.end = end;
	s.flags = flags;
	s.pgoff = start >> PAGE_SHIFT;
	s.backing = SHIM_ANON;
	s.anon_vma = anon_vma;
	return s;
}

shim_vma_spec File(uint64_t start, uint64_t end, vm_flags_t flags, int kind, uint64_t ino,
		   uint64_t pgoff)
{
	shim_vma_spec s = Anon(start, end, flags);
	s.backing = kind;
	s.dev_major = kind == INODE_REGULAR ? 8 : 0;
	s.dev_minor = 1;
	s.ino = ino;
	s.pgoff = pgoff;
	s.path = kind == INODE_REGULAR ? "/usr/bin/cat" : "/memfd:m (deleted)";
	return s;
}

shim_vma_spec Special(uint64_t start, uint64_t end, vm_flags_t flags, uint8_t special)
{
	shim_vma_spec s = Anon(start, end, flags);
	s.special = special;
	return s;
}

/*
 * A process as setarch -R shows it:
 *
 *   555555554000 r--p cat        7ffff7d80000 rw-s memfd
 *   555555556000 r-xp cat        7ffff7d90000 rw-s shared anonymous
 *   55555555b000 r--p cat        7ffff7da0000 r--p sealed, pkey 1
 *   55555555d000 rw-p cat (COW)  7ffff7fc1000 r--p [vvar]
 *   55555555e000 rw-p [heap]     7ffff7fc5000 r-xp [vdso]
 *                                7ffffffde000 rw-p [stack] ... TASK_SIZE
 */
std::vector<shim_vma_spec> Process()
{
	const vm_flags_t r = VM_READ | kMay, rx = r | VM_EXEC, rw = r | VM_WRITE;
	return {
		File(0x555555554000, 0x555555556000, r, INODE_REGULAR, 1234, 0),
		File(0x555555556000, 0x55555555b000, rx, INODE_REGULAR, 1234, 2),
		File(0x55555555b000, 0x55555555d000, r, INODE_REGULAR, 1234, 7),
		[&] {
			shim_vma_spec s = File(0x55555555d000, 0x55555555e000, rw | VM_ACCOUNT,
					       INODE_REGULAR, 1234, 9);
			s.anon_vma = 1;
			return s;
		}(),
		Anon(0x55555555e000, 0x55555557f000, rw | VM_ACCOUNT, 2),
		File(0x7ffff7d80000, 0x7ffff7d90000, rw | VM_SHARED | VM_MAYSHARE, INODE_MEMFD, 7, 0),
		File(0x7ffff7d90000, 0x7ffff7da0000, rw | VM_SHARED | VM_MAYSHARE, INODE_SHMEM_ANON, 8, 0),
		Anon(0x7ffff7da0000, 0x7ffff7db0000, r | VM_SEALED | (UINT64_C(1) << VM_PKEY_SHIFT)),
		Special(0x7ffff7fc1000, 0x7ffff7fc5000, VM_READ | VM_MAYREAD | VM_DONTEXPAND | VM_PFNMAP | VM_IO,
			VMA_VVAR),
		Special(0x7ffff7fc5000, 0x7ffff7fc7000, rx | VM_DONTEXPAND, VMA_VDSO),
		Anon(0x7ffffffde000, TASK_SIZE, rw | VM_GROWSDOWN | VM_ACCOUNT, 3),
	};
}

class MmFixture : public testing::Test {
protected:
	void SetUp() override
	{
		mm_init(&mm_);
		mm_.start_brk = 0x55555555e000;
		mm_.brk = 0x55555557e123;   // brk itself need not be aligned
		mm_.start_stack = 0x7fffffffe3a0;
		mm_.next_anon_vma = 4;
	}

	void TearDown() override { mm_destroy(&mm_); }

	void Build(const std::vector<shim_vma_spec> &specs)
	{
		ASSERT_EQ(shim_spec_build(&mm_, specs.data(), specs.size(), nullptr), 0);
	}

	// mm_check's verdict and message.
	int Check(std::string *msg = nullptr)
	{
		char err[512] = "";
		int ret = mm_check(&mm_, err, sizeof(err));
		if (msg)
			*msg = err;
		return ret;
	}

	struct mm mm_;
};

using MmCheck = MmFixture;

TEST_F(MmCheck, EmptyMmPasses)
{
	std::string msg;
	EXPECT_EQ(Check(&msg), 0) << msg;
}

TEST_F(MmCheck, WellFormedProcessPasses)
{
	std::vector<shim_vma_spec> specs = Process();
	for (const shim_vma_spec &s : specs) {
		ASSERT_EQ(shim_spec_build(&mm_, &s, 1, nullptr), 0);
		std::string msg;
		ASSERT_EQ(Check(&msg), 0) << "after " << Hex(s.start) << ": " << msg;
	}
	EXPECT_EQ(mm_map_count(&mm_), specs.size());
}

TEST_F(MmCheck, MergeableNeighboursAreAllowed)
{
	/*
	 * Two anonymous VMAs that vma_can_merge() would join, side by side: the
	 * model keeps what the kernel keeps (e.g. after a failed merge or an
	 * mprotect back), so this is not an invariant.
	 *
	 *   AABB
	 */
	const vm_flags_t rw = VM_READ | VM_WRITE | kMay;
	Build({Anon(kSpot, kSpot + 2 * P, rw), Anon(kSpot + 2 * P, kSpot + 4 * P, rw)});
	struct vma *a = mm_vma_lookup(&mm_, kSpot), *b = mm_vma_lookup(&mm_, kSpot + 2 * P);
	ASSERT_TRUE(a && b && a != b);
	EXPECT_TRUE(vma_can_merge(a, b));
	std::string msg;
	EXPECT_EQ(Check(&msg), 0) << msg;
}

TEST_F(MmCheck, AcceptsANullMessageBuffer)
{
	Build(Process());
	EXPECT_EQ(mm_check(&mm_, nullptr, 0), 0);
	mm_.brk = mm_.start_brk - P;
	EXPECT_EQ(mm_check(&mm_, nullptr, 0), -1);
	mm_.brk = mm_.start_brk;
}

TEST_F(MmCheck, BrkBelowStartBrk)
{
	Build(Process());
	mm_.brk = mm_.start_brk;   // an empty heap is fine
	EXPECT_EQ(Check(), 0);
	mm_.brk = mm_.start_brk - 1;
	std::string msg;
	EXPECT_EQ(Check(&msg), -1);
	EXPECT_NE(msg.find("brk"), std::string::npos) << msg;
}

TEST_F(MmCheck, StoreCorruptionIsReported)
{
	Build(Process());
	std::string msg;
	size_t count = shim_corrupt_store_count(&mm_.vmas, mm_.vmas.count + 1);
	EXPECT_EQ(Check(&msg), -1);
	EXPECT_NE(msg.find("count"), std::string::npos) << msg;
	shim_corrupt_store_count(&mm_.vmas, count);

	struct vma *heap = mm_vma_lookup(&mm_, 0x55555555e000);
	ASSERT_NE(heap, nullptr);
	uint64_t end = shim_corrupt_vma_end(heap, heap->end - P);
	EXPECT_EQ(Check(&msg), -1);
	EXPECT_NE(msg.find(Hex(heap->start)), std::string::npos) << msg;
	shim_corrupt_vma_end(heap, end);
	EXPECT_EQ(Check(&msg), 0) << msg;
}

// ---------------------------------------------------------------- malformed VMAs

struct Malformed {
	const char *name;
	shim_vma_spec bad;
	shim_vma_spec good;        // the same VMA made well formed
	const char *names_problem; // a word the message must contain
};

void PrintTo(const Malformed &m, std::ostream *os)
{
	*os << m.name;
}

const vm_flags_t kR = VM_READ | kMay, kRW = kR | VM_WRITE;

shim_vma_spec WithFile(shim_vma_spec s, int kind = INODE_MEMFD)
{
	s.backing = kind;
	s.ino = 77;
	s.pgoff = 0;
	return s;
}

shim_vma_spec WithSpecial(shim_vma_spec s, uint8_t special)
{
	s.special = special;
	return s;
}

shim_vma_spec WithAnonVma(shim_vma_spec s, uint32_t id)
{
	s.anon_vma = id;
	return s;
}

const Malformed kMalformed[] = {
	{"UnalignedStart", Anon(kSpot + 0x800, kSpot + 2 * P, kRW), Anon(kSpot, kSpot + 2 * P, kRW),
	 "align"},
	{"UnalignedEnd", Anon(kSpot, kSpot + P + 1, kRW), Anon(kSpot, kSpot + 2 * P, kRW), "align"},
	{"EmptyRange", Anon(kSpot, kSpot, kRW), Anon(kSpot, kSpot + P, kRW), "empty"},
	{"InvertedRange", Anon(kSpot + 2 * P, kSpot + P, kRW), Anon(kSpot + P, kSpot + 2 * P, kRW),
	 "inverted"},
	// The stack ends at TASK_SIZE; this one starts there.
	{"EndAboveTaskSize", Anon(TASK_SIZE, TASK_SIZE + P, kRW), Anon(kSpot, kSpot + P, kRW),
	 "TASK_SIZE"},
	{"WriteWithoutMayWrite", Anon(kSpot, kSpot + P, VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYEXEC),
	 Anon(kSpot, kSpot + P, VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC),
	 "VM_MAY"},
	{"ReadWithoutMayRead", Anon(kSpot, kSpot + P, VM_READ | VM_MAYWRITE | VM_MAYEXEC),
	 Anon(kSpot, kSpot + P, VM_READ | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC), "VM_MAY"},
	{"ExecWithoutMayExec", Anon(kSpot, kSpot + P, VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE),
	 Anon(kSpot, kSpot + P, VM_READ | VM_EXEC | kMay), "VM_MAY"},
	{"SharedWithoutFile", Anon(kSpot, kSpot + P, kRW | VM_SHARED | VM_MAYSHARE),
	 WithFile(Anon(kSpot, kSpot + P, kRW | VM_SHARED | VM_MAYSHARE)), "file"},
	{"MayShareWithoutFile", Anon(kSpot, kSpot + P, kR | VM_MAYSHARE),
	 WithFile(Anon(kSpot, kSpot + P, kR | VM_MAYSHARE), INODE_SHMEM_ANON), "file"},
	{"SharedWithoutMayShare", WithFile(Anon(kSpot, kSpot + P, kRW | VM_SHARED)),
	 WithFile(Anon(kSpot, kSpot + P, kRW | VM_SHARED | VM_MAYSHARE)), "VM_MAYSHARE"},
	{"SpecialWithAFile", WithSpecial(WithFile(Anon(kSpot, kSpot + P, kR)), VMA_VDSO),
	 WithSpecial(Anon(kSpot, kSpot + P, kR), VMA_VDSO), "special"},
	{"UnknownSpecialKind", WithSpecial(Anon(kSpot, kSpot + P, kR), VMA_VVAR_VCLOCK + 1),
	 WithSpecial(Anon(kSpot, kSpot + P, kR), VMA_VVAR_VCLOCK), "special"},
	{"AnonVmaNeverHandedOut", WithAnonVma(Anon(kSpot, kSpot + P, kRW), 4),
	 WithAnonVma(Anon(kSpot, kSpot + P, kRW), 2), "anon_vma"},
};

class MmCheckMalformed : public MmFixture, public testing::WithParamInterface<Malformed> {};

TEST_P(MmCheckMalformed, IsReportedAndItsTwinPasses)
{
	const Malformed &m = GetParam();
	Build(Process());

	struct vma *good = shim_spec_vma(&m.good);
	ASSERT_EQ(store_insert(&mm_.vmas, good), 0);
	std::string msg;
	EXPECT_EQ(Check(&msg), 0) << "the well-formed twin: " << msg;
	store_erase(&mm_.vmas, good);
	vma_free(good);

	struct vma *bad = shim_spec_vma(&m.bad);
	ASSERT_EQ(store_insert(&mm_.vmas, bad), 0) << "the store refused the malformed VMA";
	EXPECT_EQ(Check(&msg), -1);
	EXPECT_NE(msg.find(m.names_problem), std::string::npos)
		<< "message \"" << msg << "\" does not say " << m.names_problem;
	EXPECT_NE(msg.find(Hex(m.bad.start)), std::string::npos)
		<< "message \"" << msg << "\" does not name the VMA at " << Hex(m.bad.start);
}

INSTANTIATE_TEST_SUITE_P(Kinds, MmCheckMalformed, testing::ValuesIn(kMalformed),
			 [](const testing::TestParamInfo<Malformed> &info) {
				 return std::string(info.param.name);
			 });

}  // namespace
