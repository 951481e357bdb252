// mm/madvise.c: can_madvise_modify and each advice's own checks, over the
// kinds of memory that need a file: shared anonymous, memfd private and
// shared, a regular file mapped privately, and /dev/zero mapped privately
// (vma_is_anonymous: it has no vm_ops, so sealing protects it like
// anonymous memory). The fd table arrives with the memfd issue, so the
// VMAs are built the way those mmaps leave them; the expected table is
// what this 6.18.44 kernel answered for one read-only page of each kind,
// unsealed and sealed (a probe of the real mmaps).
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "syscalls/sys.h"
#include "tests/shim_modify.h"

namespace {

const vm_flags_t kMay = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
const vm_flags_t kPrivateRo = VM_READ | kMay;
const vm_flags_t kSharedRo = VM_READ | VM_SHARED | VM_MAYSHARE | kMay;

enum Column { SharedAnon, MemfdPrivate, MemfdShared, FilePrivate, DevZeroPrivate, Columns };
const char *const kColumn[] = {"shared anon", "memfd private", "memfd shared", "file private",
			       "/dev/zero private"};

struct Row {
	int64_t advice;
	const char *name;
	int unsealed[Columns];
	int sealed[Columns];
};

const int E_INVAL = -EINVAL, E_ACCES = -EACCES, E_PERM = -EPERM;
const Row kRows[] = {
	{MADV_DONTNEED, "DONTNEED", {0, 0, 0, 0, 0}, {0, 0, 0, 0, E_PERM}},
	{MADV_DONTNEED_LOCKED, "DONTNEED_LOCKED", {0, 0, 0, 0, 0}, {0, 0, 0, 0, E_PERM}},
	{MADV_FREE, "FREE", {E_INVAL, E_INVAL, E_INVAL, E_INVAL, 0}, {E_INVAL, E_INVAL, E_INVAL, E_INVAL, E_PERM}},
	{MADV_REMOVE, "REMOVE", {0, E_ACCES, 0, E_ACCES, E_ACCES}, {0, E_ACCES, 0, E_ACCES, E_PERM}},
	{MADV_DONTFORK, "DONTFORK", {0, 0, 0, 0, 0}, {0, 0, 0, 0, E_PERM}},
	{MADV_WIPEONFORK, "WIPEONFORK", {E_INVAL, E_INVAL, E_INVAL, E_INVAL, E_INVAL},
	 {E_INVAL, E_INVAL, E_INVAL, E_INVAL, E_PERM}},
	{MADV_GUARD_INSTALL, "GUARD_INSTALL", {0, 0, 0, 0, 0}, {0, 0, 0, 0, E_PERM}},
	{MADV_WILLNEED, "WILLNEED", {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},
	{MADV_COLD, "COLD", {0, 0, 0, 0, 0}, {0, 0, 0, 0, 0}},
};

class SysMadviseMatrix : public ::testing::TestWithParam<bool> {
protected:
	void SetUp() override
	{
		mm_init(&mm);
		t.mm = &mm;
		t.profile = &profile_linux_6_18;
		shmem = inode_new(INODE_SHMEM_ANON, 0, 1, 10, "/dev/zero (deleted)");
		memfd = inode_new(INODE_MEMFD, 0, 1, 11, "/memfd:mx (deleted)");
		file = inode_new(INODE_REGULAR, 254, 0, 12, "/tmp/mxfile");
		zero = inode_new(INODE_DEVZERO, 0, 6, 4, "/dev/zero");
		shmem->size = memfd->size = file->size = 1 << 20;
	}
	void TearDown() override
	{
		mm_destroy(&mm);
		inode_put(shmem);
		inode_put(memfd);
		inode_put(file);
		inode_put(zero);
	}

	// One page of the column's kind at page `page`, sealed if asked.
	uint64_t MapColumn(int col, unsigned page, bool sealed)
	{
		struct inode *inode = col == SharedAnon ? shmem : col == FilePrivate ? file : col == DevZeroPrivate ? zero : memfd;
		vm_flags_t flags = (col == SharedAnon || col == MemfdShared) ? kSharedRo : kPrivateRo;
		struct file *f = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
		struct vma *v = shim_add_file(&mm, page, 1, flags, f, 0);
		file_put(f);
		EXPECT_NE(v, nullptr);
		uint64_t addr = SHIM_BASE + page * PAGE_SIZE;
		if (sealed) {
			EXPECT_EQ(sys_mseal(&t, addr, PAGE_SIZE, 0), 0);
		}
		return addr;
	}

	struct mm mm;
	struct task t = {};
	struct inode *shmem, *memfd, *file, *zero;
};

TEST_P(SysMadviseMatrix, EveryAdviceOnEveryFileKind)
{
	const bool sealed = GetParam();
	unsigned page = 0;

	for (const Row &row : kRows) {
		for (int col = 0; col < Columns; col++) {
			uint64_t addr = MapColumn(col, page, sealed);
			page += 2;   // a hole between pages: nothing merges
			EXPECT_EQ(sys_madvise(&t, addr, PAGE_SIZE, row.advice), sealed ? row.sealed[col] : row.unsealed[col])
				<< row.name << " on " << kColumn[col] << (sealed ? ", sealed" : ", unsealed");
			EXPECT_STREQ(shim_mm_check(&mm), "");
		}
	}
}

INSTANTIATE_TEST_SUITE_P(Sys, SysMadviseMatrix, ::testing::Bool(),
			 [](const ::testing::TestParamInfo<bool> &info) {
				 return std::string(info.param ? "Sealed" : "Unsealed");
			 });

}  // namespace
