// memfd mappings and seals through the syscall layer (mm/memfd.c:
// memfd_add_seals, memfd_check_seals_mmap; mm/mmap.c: do_mmap's file
// switch; mm/shmem.c). Each case is a fact the semantics reference marks
// as verified on 6.18 ([V], section 10), with its control beside it.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "core/files.h"
#include "core/tasks.h"
#include "core/maps.h"
#include "memfd/memfd.h"
#include "syscalls/sys.h"
#include "tests/shim_modify.h"

namespace {

const uint64_t PG = PAGE_SIZE;
// What the writes write: the model keeps sizes, not bytes, of memfds.
const char kBytes[4096] = {};
const uint64_t kShared = MAP_SHARED | MAP_FIXED;
const uint64_t kPrivate = MAP_PRIVATE | MAP_FIXED;
uint64_t P(unsigned n) { return SHIM_BASE + n * PG; }

class SysMemfd : public ::testing::Test {
protected:
	void SetUp() override
	{
		mm_init(&mm);
		t.mm = &mm;
		t.profile = &profile_linux_6_18;
		t.files = files_new(DEFAULT_NOFILE);
		fd = sys_memfd_create(&t, "m", MFD_ALLOW_SEALING);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(sys_ftruncate(&t, fd, 16 * PG), 0);
	}
	void TearDown() override
	{
		mm_destroy(&mm);
		files_put(t.files);
	}
	int64_t Map(unsigned page, unsigned n, uint64_t prot, uint64_t flags, int64_t f = -2)
	{
		return sys_mmap(&t, P(page), n * PG, prot, flags, f == -2 ? fd : f, 0);
	}
	std::string Line(unsigned page)
	{
		char buf[256];
		mm_format_maps_line(&mm, mm_vma_lookup(&mm, P(page)), buf, sizeof(buf));
		return buf;
	}
	void Check() { EXPECT_STREQ(shim_mm_check(&mm), ""); }
	int64_t Seal(uint64_t seals) { return sys_fcntl(&t, fd, 1033, seals); }

	struct mm mm;
	struct task t = {};
	int64_t fd;
};

// The maps line of a memfd mapping: offset, device 00:01, the inode, the
// name "/memfd:NAME (deleted)" at column 73; shared maps say "s".
TEST_F(SysMemfd, MapsLine)
{
	ASSERT_EQ(Map(0, 2, PROT_READ | PROT_WRITE, kShared), (int64_t)P(0));
	Check();
	std::string line = Line(0);
	EXPECT_NE(line.find(" rw-s 00000000 00:01 "), std::string::npos) << line;
	EXPECT_EQ(line.substr(73), "/memfd:m (deleted)\n") << line;
}

// F_SEAL_WRITE waits for shared mappings that may become writable: EBUSY
// while one exists, also a PROT_READ one through an O_RDWR fd; private
// mappings do not count; after munmap the seal goes on.
TEST_F(SysMemfd, WriteSealBusyWhileSharedMaywriteMapping)
{
	ASSERT_EQ(Map(0, 1, PROT_READ, kShared), (int64_t)P(0));
	ASSERT_EQ(Map(2, 1, PROT_READ | PROT_WRITE, kPrivate), (int64_t)P(2));
	EXPECT_EQ(Seal(F_SEAL_WRITE), -EBUSY);
	EXPECT_EQ(sys_fcntl(&t, fd, 1034, 0), 0);
	ASSERT_EQ(sys_munmap(&t, P(0), PG), 0);
	EXPECT_EQ(Seal(F_SEAL_WRITE), 0);
	Check();
}

// Under F_SEAL_WRITE: a new shared writable map is EPERM; a shared
// read-only map is allowed but loses VM_MAYWRITE, so mprotect to write is
// EACCES; a private writable map is fine.
TEST_F(SysMemfd, WriteSealedMappings)
{
	ASSERT_EQ(Seal(F_SEAL_WRITE), 0);
	EXPECT_EQ(Map(0, 1, PROT_READ | PROT_WRITE, kShared), -EPERM);
	ASSERT_EQ(Map(0, 1, PROT_READ, kShared), (int64_t)P(0));
	EXPECT_EQ(mm_vma_lookup(&mm, P(0))->flags & VM_MAYWRITE, 0u);
	EXPECT_EQ(sys_mprotect(&t, P(0), PG, PROT_READ | PROT_WRITE), -EACCES);
	EXPECT_EQ(Map(2, 1, PROT_READ | PROT_WRITE, kPrivate), (int64_t)P(2));
	Check();
}

// Control for the above: without the seal the shared writable map works
// and keeps VM_MAYWRITE.
TEST_F(SysMemfd, UnsealedSharedWritableMapping)
{
	ASSERT_EQ(Map(0, 1, PROT_READ | PROT_WRITE, kShared), (int64_t)P(0));
	EXPECT_NE(mm_vma_lookup(&mm, P(0))->flags & VM_MAYWRITE, 0u);
	Check();
}

// F_SEAL_FUTURE_WRITE never waits: existing writable shared mappings stay
// and work; new shared writable ones are EPERM.
TEST_F(SysMemfd, FutureWriteSeal)
{
	ASSERT_EQ(Map(0, 1, PROT_READ | PROT_WRITE, kShared), (int64_t)P(0));
	EXPECT_EQ(Seal(F_SEAL_FUTURE_WRITE), 0);
	EXPECT_EQ(Map(2, 1, PROT_READ | PROT_WRITE, kShared), -EPERM);
	EXPECT_EQ(sys_touch(&t, P(0), true), 0);
	Check();
}

// A read-only open file: MAP_SHARED with PROT_WRITE is EACCES; without
// it the map is shared ("s") but neither VM_SHARED nor VM_MAYWRITE.
TEST_F(SysMemfd, ReadOnlyOpenFile)
{
	struct file *ro = file_open(files_lookup(t.files, fd)->inode, FILE_MODE_READ);
	int64_t rofd = files_install(t.files, ro, false, 0);
	file_put(ro);
	EXPECT_EQ(Map(0, 1, PROT_READ | PROT_WRITE, kShared, rofd), -EACCES);
	ASSERT_EQ(Map(0, 1, PROT_READ, kShared, rofd), (int64_t)P(0));
	EXPECT_EQ(mm_vma_lookup(&mm, P(0))->flags & (VM_SHARED | VM_MAYWRITE), 0u);
	EXPECT_NE(Line(0).find(" r--s "), std::string::npos);
	EXPECT_EQ(sys_fcntl(&t, rofd, 1033, F_SEAL_WRITE), -EPERM);   // not open for writing
	Check();
}

// Size seals and write seals through the syscalls (mm/shmem.c).
TEST_F(SysMemfd, SizeAndWriteSeals)
{
	ASSERT_EQ(Seal(F_SEAL_SHRINK | F_SEAL_GROW), 0);
	EXPECT_EQ(sys_ftruncate(&t, fd, 8 * PG), -EPERM);
	EXPECT_EQ(sys_ftruncate(&t, fd, 32 * PG), -EPERM);
	EXPECT_EQ(sys_pwrite64(&t, fd, kBytes, 100, 16 * PG), -EPERM);       // at the end
	EXPECT_EQ(sys_pwrite64(&t, fd, kBytes, 100, 16 * PG - 50), 50);      // short [probed]
	EXPECT_EQ(sys_pwrite64(&t, fd, kBytes, 100, 0), 100);
	ASSERT_EQ(Seal(F_SEAL_WRITE), 0);
	EXPECT_EQ(sys_pwrite64(&t, fd, kBytes, 100, 0), -EPERM);
	EXPECT_EQ(sys_ftruncate(&t, fd, 16 * PG), 0);
}

// MAP_SHARED_VALIDATE refuses flags outside the legacy mask with
// EOPNOTSUPP (MAP_SYNC on a memfd, MAP_FIXED_NOREPLACE) [V]; a file with
// MAP_GROWSDOWN is EINVAL [V]; MAP_HUGETLB on a memfd is EINVAL [V].
TEST_F(SysMemfd, FileMappingFlagChecks)
{
	EXPECT_EQ(Map(0, 1, PROT_READ, MAP_SHARED_VALIDATE | MAP_FIXED | MAP_SYNC), -EOPNOTSUPP);
	EXPECT_EQ(sys_mmap(&t, P(0), PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_FIXED_NOREPLACE, fd, 0),
		  -EOPNOTSUPP);
	EXPECT_EQ(Map(0, 1, PROT_READ, kPrivate | MAP_GROWSDOWN), -EINVAL);
	EXPECT_EQ(Map(0, 1, PROT_READ, kShared | MAP_HUGETLB), -EINVAL);
	EXPECT_EQ(Map(0, 1, PROT_READ, MAP_FIXED | 0x4), -EINVAL);   // no mapping type
	EXPECT_EQ(Map(0, 1, PROT_READ, kShared, 99), -EBADF);
	Check();
}

// memfd_create under vm.memfd_noexec through the syscall: the fd's file
// mode and seals; MFD_CLOEXEC sets close-on-exec.
TEST_F(SysMemfd, CreateAndFchmod)
{
	int64_t fd2 = sys_memfd_create(&t, "n", MFD_NOEXEC_SEAL | MFD_CLOEXEC);
	ASSERT_GE(fd2, 0);
	EXPECT_TRUE(files_cloexec(t.files, fd2));
	EXPECT_EQ(sys_fcntl(&t, fd2, 1034, 0), F_SEAL_EXEC);
	EXPECT_EQ(sys_fchmod(&t, fd2, 0755), -EPERM);
	EXPECT_EQ(sys_fchmod(&t, fd2, 0600), 0);
	EXPECT_EQ(sys_memfd_create(&t, nullptr, 0), -EFAULT);
	EXPECT_EQ(sys_memfd_create(&t, "x", MFD_EXEC | MFD_NOEXEC_SEAL), -EINVAL);
}

// fallocate on a memfd, as this kernel answered a probe: EINVAL for a
// bad range first, EOPNOTSUPP for modes shmem lacks or a hole punched
// without KEEP_SIZE, EBADF for a read-only file; F_SEAL_GROW refuses
// allocation past the end even with KEEP_SIZE; F_SEAL_WRITE and
// F_SEAL_FUTURE_WRITE refuse punching holes but not allocating;
// F_SEAL_SHRINK allows punching (fs/open.c: vfs_fallocate,
// mm/shmem.c: shmem_fallocate).
TEST_F(SysMemfd, Fallocate)
{
	const uint64_t keep = 1, punch = 2, zero_range = 0x10;
	ASSERT_EQ(sys_ftruncate(&t, fd, 2 * PG), 0);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, 0, PG), 0);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, 0, 4 * PG), 0);
	EXPECT_EQ(files_lookup(t.files, fd)->inode->size, 4 * PG);       // grew
	EXPECT_EQ(sys_fallocate(&t, fd, keep, 0, 16 * PG), 0);
	EXPECT_EQ(files_lookup(t.files, fd)->inode->size, 4 * PG);       // kept
	EXPECT_EQ(sys_fallocate(&t, fd, 0, 0, 0), -EINVAL);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, -1, 10), -EINVAL);
	EXPECT_EQ(sys_fallocate(&t, fd, punch, 0, PG), -EOPNOTSUPP);
	EXPECT_EQ(sys_fallocate(&t, fd, punch | keep, 0, PG), 0);
	EXPECT_EQ(sys_fallocate(&t, fd, zero_range, 0, PG), -EOPNOTSUPP);
	EXPECT_EQ(sys_fallocate(&t, fd, 0x100, 0, PG), -EOPNOTSUPP);

	ASSERT_EQ(Seal(F_SEAL_SHRINK), 0);
	EXPECT_EQ(sys_fallocate(&t, fd, punch | keep, 0, PG), 0);
	ASSERT_EQ(Seal(F_SEAL_GROW), 0);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, PG, 4 * PG), -EPERM);
	EXPECT_EQ(sys_fallocate(&t, fd, keep, PG, 4 * PG), -EPERM);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, 0, 4 * PG), 0);
	ASSERT_EQ(Seal(F_SEAL_WRITE), 0);
	EXPECT_EQ(sys_fallocate(&t, fd, punch | keep, 0, PG), -EPERM);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, 0, PG), 0);

	struct file *ro = file_open(files_lookup(t.files, fd)->inode, FILE_MODE_READ);
	int64_t rofd = files_install(t.files, ro, false, 0);
	file_put(ro);
	EXPECT_EQ(sys_fallocate(&t, rofd, 0, 0, PG), -EBADF);
	EXPECT_EQ(sys_fallocate(&t, rofd, 0, 0, 0), -EINVAL);   // the range first
}

// write(2) at the file position (fs/read_write.c, mm/shmem.c): past the
// end under F_SEAL_GROW is EPERM, inside is fine; under F_SEAL_WRITE every
// write is EPERM but a 0-byte one; a read-only file is EBADF.
TEST_F(SysMemfd, WriteAtThePosition)
{
	ASSERT_EQ(Seal(F_SEAL_GROW), 0);
	EXPECT_EQ(sys_lseek(&t, fd, 0, 2), (int64_t)(16 * PG));
	EXPECT_EQ(sys_write(&t, fd, kBytes, 1), -EPERM);
	EXPECT_EQ(sys_lseek(&t, fd, 0, 0), 0);
	EXPECT_EQ(sys_write(&t, fd, kBytes, 1), 1);
	EXPECT_EQ(sys_lseek(&t, fd, 0, 1), 1);
	ASSERT_EQ(Seal(F_SEAL_WRITE), 0);
	EXPECT_EQ(sys_write(&t, fd, kBytes, 1), -EPERM);
	EXPECT_EQ(sys_write(&t, fd, kBytes, 0), 0);
	struct file *ro = file_open(files_lookup(t.files, fd)->inode, FILE_MODE_READ);
	int64_t rofd = files_install(t.files, ro, false, 0);
	file_put(ro);
	EXPECT_EQ(sys_write(&t, rofd, kBytes, 1), -EBADF);
	EXPECT_EQ(sys_lseek(&t, fd, -5, 0), -EINVAL);
}

// MFD_HUGETLB memfds live on hugetlbfs, and this machine has no huge pages
// (vm.nr_hugepages = 0). Probed on 6.18.44: the size code must name a size
// the machine has (2 MiB default, 1 GiB) else ENODEV; sizes are whole huge
// pages (fs/hugetlbfs/inode.c: hugetlbfs_setattr, EINVAL); hugetlbfs has no
// write method (fs/read_write.c: vfs_write, EINVAL even for 0 bytes);
// allocating finds no page (hugetlbfs_fallocate, ENOSPC) unless a seal
// refuses first; mapping needs a huge-page aligned MAP_FIXED address and
// offset (EINVAL) and a reservation (ENOMEM); MAP_NORESERVE maps succeed
// there, and hugetlb VMAs are not modelled (the refusal says so).
class SysMemfdHuge : public ::testing::Test {
protected:
	void SetUp() override
	{
		mm_init(&mm);
		t.mm = &mm;
		t.profile = &profile_linux_6_18;
		t.files = files_new(DEFAULT_NOFILE);
	}
	void TearDown() override
	{
		mm_destroy(&mm);
		files_put(t.files);
	}
	struct mm mm;
	struct task t = {};
};

const uint64_t kHuge = UINT64_C(1) << 21;

TEST_F(SysMemfdHuge, PageSizeCodes)
{
	EXPECT_GE(sys_memfd_create(&t, "h", MFD_HUGETLB), 0);
	EXPECT_GE(sys_memfd_create(&t, "h", MFD_HUGETLB | (UINT64_C(21) << 26)), 0);
	EXPECT_GE(sys_memfd_create(&t, "h", MFD_HUGETLB | (UINT64_C(30) << 26)), 0);
	EXPECT_EQ(sys_memfd_create(&t, "h", MFD_HUGETLB | (UINT64_C(16) << 26)), -ENODEV);
	EXPECT_EQ(sys_memfd_create(&t, "h", MFD_HUGETLB | (UINT64_C(63) << 26)), -ENODEV);
	// Without MFD_HUGETLB the code bits are unknown flags (mm/memfd.c).
	EXPECT_EQ(sys_memfd_create(&t, "h", UINT64_C(21) << 26), -EINVAL);
	// Initial seals as for shmem memfds.
	int64_t none = sys_memfd_create(&t, "h", MFD_HUGETLB);
	int64_t sealing = sys_memfd_create(&t, "h", MFD_HUGETLB | MFD_ALLOW_SEALING);
	int64_t noexec = sys_memfd_create(&t, "h", MFD_HUGETLB | MFD_NOEXEC_SEAL);
	EXPECT_EQ(sys_fcntl(&t, none, 1034, 0), F_SEAL_SEAL);
	EXPECT_EQ(sys_fcntl(&t, sealing, 1034, 0), 0);
	EXPECT_EQ(sys_fcntl(&t, noexec, 1034, 0), F_SEAL_EXEC);
}

TEST_F(SysMemfdHuge, SizesAreWholeHugePages)
{
	int64_t fd = sys_memfd_create(&t, "h", MFD_HUGETLB | MFD_ALLOW_SEALING);
	EXPECT_EQ(sys_ftruncate(&t, fd, 4096), -EINVAL);
	EXPECT_EQ(sys_ftruncate(&t, fd, (int64_t)kHuge), 0);   // control
	EXPECT_EQ(sys_lseek(&t, fd, 0, 2), (int64_t)kHuge);
	ASSERT_EQ(sys_fcntl(&t, fd, 1033, F_SEAL_GROW), 0);
	// The alignment comes before the seal.
	EXPECT_EQ(sys_ftruncate(&t, fd, (int64_t)kHuge + 4096), -EINVAL);
	EXPECT_EQ(sys_ftruncate(&t, fd, 2 * (int64_t)kHuge), -EPERM);
}

TEST_F(SysMemfdHuge, NoWritesNoPages)
{
	int64_t fd = sys_memfd_create(&t, "h", MFD_HUGETLB | MFD_ALLOW_SEALING);
	EXPECT_EQ(sys_write(&t, fd, kBytes, 1), -EINVAL);
	EXPECT_EQ(sys_write(&t, fd, kBytes, 0), -EINVAL);
	EXPECT_EQ(sys_pwrite64(&t, fd, kBytes, 1, 0), -EINVAL);
	EXPECT_EQ(sys_pwrite64(&t, fd, kBytes, 1, -1), -EINVAL);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, 0, 4096), -ENOSPC);
	EXPECT_EQ(sys_fallocate(&t, fd, 1, 0, 4096), -ENOSPC);       // KEEP_SIZE
	EXPECT_EQ(sys_fallocate(&t, fd, 3, 0, 4096), 0);             // punching nothing
	EXPECT_EQ(sys_fallocate(&t, fd, 4, 0, 4096), -EOPNOTSUPP);
	ASSERT_EQ(sys_fcntl(&t, fd, 1033, F_SEAL_GROW), 0);
	EXPECT_EQ(sys_fallocate(&t, fd, 0, 0, 4096), -EPERM);        // the seal first
}

TEST_F(SysMemfdHuge, MappingsNeedHugePages)
{
	int64_t fd = sys_memfd_create(&t, "h", MFD_HUGETLB | MFD_ALLOW_SEALING);
	ASSERT_EQ(sys_ftruncate(&t, fd, 2 * (int64_t)kHuge), 0);
	EXPECT_EQ(sys_mmap(&t, 0, 4096, PROT_READ, MAP_SHARED, fd, 0), -ENOMEM);
	EXPECT_EQ(sys_mmap(&t, UINT64_C(0x7e0000001000), kHuge, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0), -EINVAL);
	EXPECT_EQ(sys_mmap(&t, UINT64_C(0x7e0000000000), kHuge, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0), -ENOMEM);
	EXPECT_EQ(sys_mmap(&t, 0, kHuge, PROT_READ, MAP_SHARED, fd, 4096), -EINVAL);
	EXPECT_EQ(sys_mmap(&t, 0, kHuge, PROT_READ, MAP_PRIVATE, fd, 0), -ENOMEM);
	EXPECT_FALSE(t.refusal.unmodelled);
	EXPECT_EQ(sys_mmap(&t, 0, kHuge, PROT_READ, MAP_PRIVATE | MAP_NORESERVE, fd, 0), -ENOSYS);
	EXPECT_TRUE(t.refusal.unmodelled);
	EXPECT_EQ(sys_mmap(&t, 0, kHuge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0), -ENOSYS);
	EXPECT_TRUE(t.refusal.unmodelled);
	EXPECT_EQ(mm_map_count(&mm), 0u);
}

// close_range (fs/file.c): unknown flags or first > last are EINVAL and
// close nothing; CLOSE_RANGE_CLOEXEC marks instead of closing, so exec
// closes them; CLOSE_RANGE_UNSHARE closes in a private copy of a table
// shared with a CLONE_FILES sibling, which keeps its descriptors.
TEST(SysCloseRange, FlagsCloexecAndUnshare)
{
	struct tasks tasks;
	ASSERT_EQ(tasks_init(&tasks, &profile_linux_6_18), 0);
	struct task *t = tasks_start(&tasks, 0);
	ASSERT_NE(t, nullptr);
	int64_t a = sys_memfd_create(t, "a", 0), b = sys_memfd_create(t, "b", 0);
	ASSERT_EQ(a, 3);
	ASSERT_EQ(b, 4);
	EXPECT_EQ(sys_close_range(t, 3, 4, 1u << 3), -EINVAL);
	EXPECT_EQ(sys_close_range(t, 4, 3, 0), -EINVAL);
	EXPECT_GE(sys_fcntl(t, 3, 1034, 0), 0);           // nothing closed

	EXPECT_EQ(sys_close_range(t, 4, 4, 1u << 2), 0);  // CLOEXEC: still open
	EXPECT_GE(sys_fcntl(t, 4, 1034, 0), 0);

	int64_t sibling_pid = sys_clone(t, 0x400 /* CLONE_FILES */, 0);
	ASSERT_GT(sibling_pid, 0);
	struct task *sibling = tasks_find(&tasks, sibling_pid);
	EXPECT_EQ(sys_close_range(t, 3, ~0ull, 1u << 1), 0);   // UNSHARE
	EXPECT_EQ(sys_fcntl(t, 3, 1034, 0), -EBADF);
	EXPECT_GE(sys_fcntl(sibling, 3, 1034, 0), 0);      // the sibling keeps it
	EXPECT_EQ(sys_close_range(sibling, 3, 3, 0), 0);    // control: shared, no copy
	EXPECT_EQ(sys_fcntl(sibling, 3, 1034, 0), -EBADF);

	EXPECT_EQ(sys_execve(sibling, "/bin/true"), 0);     // fd 4 was close-on-exec
	EXPECT_EQ(sys_fcntl(sibling, 4, 1034, 0), -EBADF);
	tasks_destroy(&tasks);
}

// fcntl(F_GETFD/F_SETFD) (fs/fcntl.c): the close-on-exec bit of one
// descriptor, which exec obeys (fs/exec.c: begin_new_exec); a dup does
// not inherit it.
TEST(SysFcntlFd, GetAndSetCloseOnExec)
{
	struct tasks tasks;
	ASSERT_EQ(tasks_init(&tasks, &profile_linux_6_18), 0);
	struct task *t = tasks_start(&tasks, 0);
	int64_t fd = sys_memfd_create(t, "c", MFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(sys_fcntl(t, fd, 1, 0), 1);             // F_GETFD: FD_CLOEXEC
	int64_t copy = sys_dup(t, fd);
	EXPECT_EQ(sys_fcntl(t, copy, 1, 0), 0);           // a dup is not close-on-exec
	EXPECT_EQ(sys_fcntl(t, fd, 2, 0), 0);             // F_SETFD 0
	EXPECT_EQ(sys_fcntl(t, fd, 1, 0), 0);
	EXPECT_EQ(sys_fcntl(t, copy, 2, 1), 0);           // F_SETFD FD_CLOEXEC
	EXPECT_EQ(sys_fcntl(t, 99, 2, 1), -EBADF);
	EXPECT_EQ(sys_execve(t, "/bin/true"), 0);
	EXPECT_GE(sys_fcntl(t, fd, 1034, 0), 0);          // kept
	EXPECT_EQ(sys_fcntl(t, copy, 1034, 0), -EBADF);   // closed by exec
	tasks_destroy(&tasks);
}

}  // namespace
