// memfd inodes and seals at the inode level (mm/memfd.c:
// memfd_create, sanitize_flags, check_sysctl_memfd_noexec,
// memfd_add_seals, memfd_get_seals; mm/shmem.c for what a seal refuses).
// Expected values are the semantics reference's [V] facts and a probe of
// memfd_create in pid namespaces at each vm.memfd_noexec value
// (docs/pidns.md, part 4).
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "memfd/memfd.h"
#include "sysctl/pidns.h"

namespace {

class Memfd : public ::testing::Test {
protected:
	void SetUp() override
	{
		root = pidns_new_root();
		for (int s = 0; s < 3; s++) {
			ns[s] = pidns_new_child(root);
			EXPECT_EQ(pidns_set_memfd_noexec(ns[s], s, true), 0);
		}
	}
	void TearDown() override
	{
		for (struct pidns *n : ns)
			pidns_put(n);
		pidns_put(root);
	}
	// Create with flags in scope s: -errno, or seals * 010000 + mode.
	int Create(int scope, uint64_t flags)
	{
		struct inode *inode;
		int err = memfd_create_inode(ns[scope], "m", flags, 1, &inode);
		if (err)
			return err;
		int seen = memfd_get_seals(inode) * 010000 + (int)inode->mode;
		inode_put(inode);
		return seen;
	}
	struct inode *Make(uint64_t flags)
	{
		struct inode *inode = nullptr;
		EXPECT_EQ(memfd_create_inode(ns[0], "m", flags, 1, &inode), 0);
		return inode;
	}
	struct pidns *root, *ns[3];
};

int Seen(int seals, int mode) { return seals * 010000 + mode; }

// The probed table: seals and mode by flags and vm.memfd_noexec.
TEST_F(Memfd, CreateBySysctlScope)
{
	struct Row {
		uint64_t flags;
		int at[3];
	} rows[] = {
		{0, {Seen(0x1, 0777), Seen(0x20, 0666), Seen(0x20, 0666)}},
		{MFD_EXEC, {Seen(0x1, 0777), Seen(0x1, 0777), -EACCES}},
		{MFD_NOEXEC_SEAL, {Seen(0x20, 0666), Seen(0x20, 0666), Seen(0x20, 0666)}},
		{MFD_EXEC | MFD_NOEXEC_SEAL, {-EINVAL, -EINVAL, -EINVAL}},
		{MFD_ALLOW_SEALING, {Seen(0, 0777), Seen(0x20, 0666), Seen(0x20, 0666)}},
		{MFD_ALLOW_SEALING | MFD_EXEC, {Seen(0, 0777), Seen(0, 0777), -EACCES}},
		{MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL, {Seen(0x20, 0666), Seen(0x20, 0666), Seen(0x20, 0666)}},
		{MFD_CLOEXEC, {Seen(0x1, 0777), Seen(0x20, 0666), Seen(0x20, 0666)}},
	};
	for (const Row &r : rows)
		for (int s = 0; s < 3; s++)
			EXPECT_EQ(Create(s, r.flags), r.at[s]) << "flags " << r.flags << " scope " << s;
}

// sanitize_flags: unknown bits, and a huge-page size code without
// MFD_HUGETLB, are EINVAL; with MFD_HUGETLB the code bits are allowed.
// Flag errors come before name errors [V].
TEST_F(Memfd, FlagValidation)
{
	struct inode *inode;
	EXPECT_EQ(memfd_create_inode(ns[0], "m", 0x20, 1, &inode), -EINVAL);
	EXPECT_EQ(memfd_create_inode(ns[0], "m", UINT64_C(21) << 26, 1, &inode), -EINVAL);
	ASSERT_EQ(memfd_create_inode(ns[0], "m", MFD_HUGETLB | (UINT64_C(21) << 26), 1, &inode), 0);
	inode_put(inode);
	EXPECT_EQ(memfd_create_inode(ns[0], nullptr, 0x20, 1, &inode), -EINVAL);
	EXPECT_EQ(memfd_create_inode(ns[0], nullptr, 0, 1, &inode), -EFAULT);
}

// The name: 249 bytes are fine, 250 are EINVAL; any bytes, "/" and the
// empty string included [V]. maps shows "/memfd:NAME (deleted)".
TEST_F(Memfd, NameLength)
{
	struct inode *inode;
	ASSERT_EQ(memfd_create_inode(ns[0], std::string(249, 'a').c_str(), 0, 1, &inode), 0);
	inode_put(inode);
	EXPECT_EQ(memfd_create_inode(ns[0], std::string(250, 'a').c_str(), 0, 1, &inode), -EINVAL);
	ASSERT_EQ(memfd_create_inode(ns[0], "a/b", 0, 1, &inode), 0);
	EXPECT_STREQ(inode->path, "/memfd:a/b (deleted)");
	inode_put(inode);
	ASSERT_EQ(memfd_create_inode(ns[0], "", 0, 1, &inode), 0);
	inode_put(inode);
}

// memfd_add_seals: a read-only open file is EPERM before anything else,
// even with invalid bits; then unknown bits EINVAL; F_SEAL_SEAL set is
// EPERM even for 0; adding 0 otherwise succeeds [V].
TEST_F(Memfd, AddSealsCheckOrder)
{
	struct inode *sealed = Make(0), *open = Make(MFD_ALLOW_SEALING);
	EXPECT_EQ(memfd_add_seals(open, FILE_MODE_READ, 0x40), -EPERM);
	EXPECT_EQ(memfd_add_seals(open, FILE_MODE_READ | FILE_MODE_WRITE, 0x40), -EINVAL);
	EXPECT_EQ(memfd_add_seals(sealed, FILE_MODE_READ | FILE_MODE_WRITE, 0), -EPERM);
	EXPECT_EQ(memfd_add_seals(open, FILE_MODE_READ | FILE_MODE_WRITE, 0), 0);
	EXPECT_EQ(memfd_get_seals(open), 0);
	inode_put(sealed);
	inode_put(open);
}

// Seals on files that are not shmem: F_GET_SEALS and F_ADD_SEALS are
// EINVAL (after the write-access test for adding) [V].
TEST_F(Memfd, NotShmemIsEinval)
{
	struct inode *reg = inode_new(INODE_REGULAR, 254, 0, 9, "/tmp/f");
	EXPECT_EQ(memfd_get_seals(reg), -EINVAL);
	EXPECT_EQ(memfd_add_seals(reg, FILE_MODE_READ, F_SEAL_WRITE), -EPERM);
	EXPECT_EQ(memfd_add_seals(reg, FILE_MODE_READ | FILE_MODE_WRITE, F_SEAL_WRITE), -EINVAL);
	inode_put(reg);
}

// F_SEAL_EXEC on an executable memfd brings the write seals with it
// (0x3e); on a non-executable one it comes alone [V].
TEST_F(Memfd, SealExecOnExecutableImpliesWriteSeals)
{
	struct inode *exe = Make(MFD_ALLOW_SEALING), *plain = Make(MFD_NOEXEC_SEAL);
	EXPECT_EQ(memfd_add_seals(exe, FILE_MODE_WRITE, F_SEAL_EXEC), 0);
	EXPECT_EQ(memfd_get_seals(exe), 0x3e);
	EXPECT_EQ(memfd_add_seals(plain, FILE_MODE_WRITE, F_SEAL_EXEC), 0);
	EXPECT_EQ(memfd_get_seals(plain), 0x20);
	inode_put(exe);
	inode_put(plain);
}

// A write seal waits for shared mappings that may become writable: while
// one exists, F_SEAL_WRITE (directly or through F_SEAL_EXEC on an
// executable memfd) is EBUSY and nothing changes; F_SEAL_FUTURE_WRITE is
// never EBUSY [V].
TEST_F(Memfd, WriteSealBusyWithWritableSharedMapping)
{
	struct inode *m = Make(MFD_ALLOW_SEALING);
	m->shared_maywrite_maps = 1;
	EXPECT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_WRITE), -EBUSY);
	EXPECT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_EXEC), -EBUSY);
	EXPECT_EQ(memfd_get_seals(m), 0);
	EXPECT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_FUTURE_WRITE), 0);
	m->shared_maywrite_maps = 0;   // control: the mapping is gone
	EXPECT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_WRITE), 0);
	EXPECT_EQ(memfd_get_seals(m), F_SEAL_FUTURE_WRITE | F_SEAL_WRITE);
	inode_put(m);
}

// What each seal refuses (mm/shmem.c), beside what it still allows [V].
TEST_F(Memfd, SealsRefuseTheirOperations)
{
	struct inode *m = Make(MFD_ALLOW_SEALING);
	m->size = 8192;
	EXPECT_EQ(memfd_write_len(m, 8000, 1000), 1000);
	ASSERT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_SHRINK), 0);
	EXPECT_EQ(memfd_check_truncate(m, 4096), -EPERM);
	EXPECT_EQ(memfd_check_truncate(m, 16384), 0);
	ASSERT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_GROW), 0);
	EXPECT_EQ(memfd_check_truncate(m, 16384), -EPERM);
	EXPECT_EQ(memfd_write_len(m, 8192, 1), -EPERM);        // at the end
	EXPECT_EQ(memfd_write_len(m, 8000, 1000), 192);        // short: up to the end
	EXPECT_EQ(memfd_write_len(m, 0, 100), 100);            // inside
	m->size = 5000;                                        // pages below the size only
	EXPECT_EQ(memfd_write_len(m, 4000, 2000), 96);
	EXPECT_EQ(memfd_write_len(m, 4096, 904), 904);
	EXPECT_EQ(memfd_write_len(m, 4096, 905), -EPERM);
	m->size = 8192;
	ASSERT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_WRITE), 0);
	EXPECT_EQ(memfd_write_len(m, 0, 100), -EPERM);
	EXPECT_EQ(memfd_check_truncate(m, 8192), 0);
	inode_put(m);
}

// F_SEAL_EXEC: fchmod may not change any exec bit; other bits may
// change (0755 -> 0644 EPERM, 0755 -> 0777 OK) [V].
TEST_F(Memfd, SealExecBlocksChmodOfExecBits)
{
	struct inode *m = Make(MFD_ALLOW_SEALING);
	m->mode = 0755;
	ASSERT_EQ(memfd_add_seals(m, FILE_MODE_WRITE, F_SEAL_EXEC), 0);
	EXPECT_EQ(memfd_check_chmod(m, 0644), -EPERM);
	EXPECT_EQ(memfd_check_chmod(m, 0777), 0);
	struct inode *n = Make(MFD_NOEXEC_SEAL);
	EXPECT_EQ(memfd_check_chmod(n, 0600), 0);
	EXPECT_EQ(memfd_check_chmod(n, 0700), -EPERM);
	inode_put(m);
	inode_put(n);
}

}  // namespace
