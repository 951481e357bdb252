// openat of /proc/self/fd/N and friends and of /proc/sys/vm/memfd_noexec
// (syscalls/open.c), and read/write/lseek on what they open, on memfds
// and on the terminal of fds 0-2 (syscalls/readwrite.c). The facts are
// 6.18.44's, probed with small programs on this kernel (the writes to
// vm.memfd_noexec in a child pid namespace, never the initial one).
#include "tests/shim_sys.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "core/files.h"
#include "core/tasks.h"
#include "memfd/memfd.h"
#include "sysctl/pidns.h"

namespace {

constexpr uint64_t PG = PAGE_SIZE;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t kAddSeals = 1033, kGetSeals = 1034;
constexpr uint64_t kPunchKeep = 0x3;   // FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
const char kBytes[PAGE_SIZE] = {};
const char kSysctl[] = "/proc/sys/vm/memfd_noexec";

// One process, pid 1000, from tasks_start: root, fds 0-2 on a terminal.
class OpenTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		ASSERT_EQ(tasks_init(&tasks, &profile_linux_6_18), 0);
		t = tasks_start(&tasks, 1000);
		ASSERT_NE(t, nullptr);
	}
	void TearDown() override { tasks_destroy(&tasks); }

	static uint64_t P(int64_t i) { return shim_sys_page(i); }
	static std::string Draw(const struct task *k) { return shim_sys_draw(k, 0); }
	static void Check(const struct task *k) { EXPECT_STREQ(shim_sys_check(k), ""); }

	// A sealable memfd of `pages` pages.
	int64_t Memfd(unsigned pages, uint64_t flags = MFD_ALLOW_SEALING)
	{
		int64_t fd = sys_memfd_create(t, "m", flags);
		EXPECT_GE(fd, 0);
		EXPECT_EQ(sys_ftruncate(t, fd, pages * PG), 0);
		return fd;
	}
	static std::string Path(int64_t fd) { return "/proc/self/fd/" + std::to_string(fd); }
	int64_t Reopen(int64_t fd, uint64_t flags, struct task *k = nullptr)
	{
		return sys_openat(k ? k : t, AT_FDCWD, Path(fd).c_str(), flags, 0);
	}
	uint64_t Size(int64_t fd) const { return files_lookup(t->files, fd)->inode->size; }
	bool Open(int64_t fd) const { return files_lookup(t->files, fd) != nullptr; }
	// The next fd openat would return: shows that a refused open installed nothing.
	int64_t NextFd() const
	{
		for (int64_t fd = 0;; fd++)
			if (!files_lookup(t->files, fd))
				return fd;
	}
	// A task in a new pid namespace below the initial one (unshare,
	// fork: its init), as the probes wrote the sysctl.
	struct task *InChildNamespace(struct task *parent)
	{
		EXPECT_EQ(sys_unshare(parent, CLONE_NEWPID_FLAG), 0);
		int64_t pid = sys_fork(parent, 0);
		EXPECT_GT(pid, 0);
		return pid > 0 ? tasks_find(&tasks, pid) : nullptr;
	}
	std::string Read(struct task *k, int64_t fd, uint64_t len = 64)
	{
		char buf[64];
		int64_t n = sys_read(k, fd, buf, len < sizeof(buf) ? len : sizeof(buf));
		return n < 0 ? "-" + std::to_string(-n) : std::string(buf, (size_t)n);
	}
	std::string Pread(struct task *k, int64_t fd, int64_t off, uint64_t len = 64)
	{
		char buf[64];
		int64_t n = sys_pread64(k, fd, buf, len < sizeof(buf) ? len : sizeof(buf), off);
		return n < 0 ? "-" + std::to_string(-n) : std::string(buf, (size_t)n);
	}
	static int64_t Write(struct task *k, int64_t fd, const std::string &s)
	{
		return sys_write(k, fd, s.data(), s.size());
	}

	struct tasks tasks;
	struct task *t = nullptr;
};

// ---------------------------------------------------------------------------
// /proc/self/fd/N (fs/proc/fd.c: proc_fd_link; fs/namei.c: do_open):
// a new open file on the same inode, with its own mode and position.

class SysOpenProcFd : public OpenTest {};

// Reopening a WRITE-sealed memfd O_RDWR is allowed; writes through it
// are EPERM and F_GET_SEALS through it shows the seal (the seals are the
// inode's). The control: the same reopen of an unsealed memfd writes.
TEST_F(SysOpenProcFd, WriteSealedReopenRdwr)
{
	int64_t sealed = Memfd(1), open = Memfd(1);
	ASSERT_EQ(sys_fcntl(t, sealed, kAddSeals, F_SEAL_WRITE), 0);
	int64_t r1 = Reopen(sealed, O_RDWR), r2 = Reopen(open, O_RDWR);
	ASSERT_GE(r1, 0);
	ASSERT_GE(r2, 0);
	EXPECT_EQ(sys_write(t, r1, kBytes, 1), -EPERM);
	EXPECT_EQ(sys_fcntl(t, r1, kGetSeals, 0), F_SEAL_WRITE);
	EXPECT_EQ(sys_write(t, r2, kBytes, 1), 1);
	EXPECT_EQ(sys_fcntl(t, r2, kGetSeals, 0), 0);
	EXPECT_NE(files_lookup(t->files, r1), files_lookup(t->files, sealed));
	EXPECT_EQ(files_lookup(t->files, r1)->inode, files_lookup(t->files, sealed)->inode);
}

// fs/namei.c: handle_truncate through mm/shmem.c: shmem_setattr:
// O_TRUNC of a WRITE-sealed memfd truncates; of a SHRINK-sealed one
// with a size is EPERM even O_RDONLY, with nothing opened and the size
// kept; of a GROW-sealed empty one is fine. The controls: the
// SHRINK-sealed one opens without O_TRUNC.
TEST_F(SysOpenProcFd, TruncUnderSeals)
{
	int64_t w = Memfd(2), s = Memfd(2), g = Memfd(0);
	ASSERT_EQ(sys_fcntl(t, w, kAddSeals, F_SEAL_WRITE), 0);
	ASSERT_EQ(sys_fcntl(t, s, kAddSeals, F_SEAL_SHRINK), 0);
	ASSERT_EQ(sys_fcntl(t, g, kAddSeals, F_SEAL_GROW), 0);

	EXPECT_GE(Reopen(w, O_RDWR | O_TRUNC), 0);
	EXPECT_EQ(Size(w), 0u);

	int64_t next = NextFd();
	EXPECT_EQ(Reopen(s, O_RDONLY | O_TRUNC), -EPERM);
	EXPECT_EQ(Reopen(s, O_RDWR | O_TRUNC), -EPERM);
	EXPECT_EQ(Size(s), 2 * PG);
	EXPECT_EQ(NextFd(), next);
	EXPECT_EQ(Reopen(s, O_RDONLY), next);

	EXPECT_GE(Reopen(g, O_RDWR | O_TRUNC), 0);
	EXPECT_EQ(Size(g), 0u);
}

// The path walk's refusals: a descriptor that is not open is ENOENT;
// O_CREAT|O_EXCL on it EEXIST; O_DIRECTORY ENOTDIR. The controls open,
// O_CREAT alone too: the file exists (probed).
TEST_F(SysOpenProcFd, PathRefusals)
{
	int64_t fd = Memfd(1);
	int64_t next = NextFd();
	EXPECT_EQ(Reopen(77, O_RDWR), -ENOENT);
	EXPECT_EQ(Reopen(fd, O_RDWR | O_CREAT | O_EXCL), -EEXIST);
	EXPECT_EQ(Reopen(fd, O_RDONLY | O_DIRECTORY), -ENOTDIR);
	EXPECT_EQ(NextFd(), next);
	EXPECT_EQ(Reopen(fd, O_RDWR | O_CREAT), next);   // exists: O_CREAT alone opens it
	ASSERT_EQ(sys_close(t, fd), 0);
	EXPECT_EQ(Reopen(fd, O_RDWR), -ENOENT);
}

// A read-only reopen: MAP_SHARED with PROT_WRITE is EACCES (PROT_READ
// maps), F_ADD_SEALS EPERM, ftruncate EINVAL, fchmod works. The
// control: the O_RDWR memfd fd adds the seal.
TEST_F(SysOpenProcFd, ReadOnlyReopen)
{
	int64_t fd = Memfd(2);
	int64_t ro = Reopen(fd, O_RDONLY);
	ASSERT_GE(ro, 0);
	EXPECT_EQ(sys_mmap(t, P(0), PG, RW, MAP_SHARED | MAP_FIXED, ro, 0), -EACCES);
	EXPECT_EQ(Draw(t), "");
	EXPECT_EQ(sys_mmap(t, P(0), PG, PROT_READ, MAP_SHARED | MAP_FIXED, ro, 0), (int64_t)P(0));
	EXPECT_EQ(Draw(t), "0-1:r--s");
	EXPECT_EQ(sys_fcntl(t, ro, kAddSeals, F_SEAL_GROW), -EPERM);
	EXPECT_EQ(sys_ftruncate(t, ro, PG), -EINVAL);
	EXPECT_EQ(Size(fd), 2 * PG);
	EXPECT_EQ(sys_fchmod(t, ro, 0600), 0);
	EXPECT_EQ(files_lookup(t->files, fd)->inode->mode, 0600u);
	EXPECT_EQ(sys_fcntl(t, fd, kAddSeals, F_SEAL_GROW), 0);
	Check(t);
}

// A write-only reopen may add seals (F_ADD_SEALS wants FMODE_WRITE);
// they show through the first fd.
TEST_F(SysOpenProcFd, WriteOnlyReopenAddsSeals)
{
	int64_t fd = Memfd(1);
	int64_t wo = Reopen(fd, O_WRONLY);
	ASSERT_GE(wo, 0);
	EXPECT_EQ(sys_fcntl(t, wo, kAddSeals, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	EXPECT_EQ(sys_fcntl(t, fd, kGetSeals, 0), F_SEAL_SHRINK | F_SEAL_GROW);
	EXPECT_EQ(sys_ftruncate(t, fd, 2 * PG), -EPERM);
	EXPECT_EQ(Read(t, wo), "-" + std::to_string(EBADF));   // not open for reading
}

// /dev/fd/N, /proc/thread-self/fd/N and /proc/PID/fd/N of another
// process reach the same inodes; a pid nobody has is ENOENT, and so is
// an fd the process closed (probed).
TEST_F(SysOpenProcFd, OtherSpellingsAndOtherProcesses)
{
	int64_t fd = Memfd(1);
	struct inode *inode = files_lookup(t->files, fd)->inode;
	int64_t a = sys_openat(t, AT_FDCWD, ("/dev/fd/" + std::to_string(fd)).c_str(), O_RDONLY, 0);
	int64_t b = sys_openat(t, AT_FDCWD, ("/proc/thread-self/fd/" + std::to_string(fd)).c_str(), O_RDONLY, 0);
	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	EXPECT_EQ(files_lookup(t->files, a)->inode, inode);
	EXPECT_EQ(files_lookup(t->files, b)->inode, inode);

	int64_t cpid = sys_fork(t, 0);
	ASSERT_GT(cpid, 0);
	struct task *c = tasks_find(&tasks, cpid);
	ASSERT_EQ(sys_close(c, fd), 0);
	EXPECT_EQ(sys_openat(c, AT_FDCWD, Path(fd).c_str(), O_RDWR, 0), -ENOENT);   // closed in c
	std::string path = "/proc/1000/fd/" + std::to_string(fd);
	int64_t in_child = sys_openat(c, AT_FDCWD, path.c_str(), O_RDWR, 0);
	ASSERT_GE(in_child, 0);
	EXPECT_EQ(files_lookup(c->files, in_child)->inode, inode);
	EXPECT_EQ(sys_openat(c, AT_FDCWD, "/proc/4242/fd/0", O_RDWR, 0), -ENOENT);
}

// A new open file has its own position: writes through the reopen move
// it and not the first fd's (fs/read_write.c: the file's f_pos).
TEST_F(SysOpenProcFd, ReopenHasItsOwnPosition)
{
	int64_t fd = Memfd(0);
	int64_t r = Reopen(fd, O_RDWR);
	ASSERT_GE(r, 0);
	EXPECT_EQ(Write(t, r, "abc"), 3);
	EXPECT_EQ(sys_lseek(t, r, 0, SEEK_CUR), 3);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), 0);
	EXPECT_EQ(Size(fd), 3u);
	EXPECT_EQ(Read(t, fd).size(), 3u);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), 3);
}

// ---------------------------------------------------------------------------
// /proc/sys/vm/memfd_noexec through descriptors (fs/proc/proc_sysctl.c,
// kernel/pid_sysctl.h: pid_mfd_noexec_dointvec_minmax), probed.

class SysOpenSysctl : public OpenTest {};

// What the other file calls do on it: mmap ENODEV (private and shared),
// F_ADD_SEALS and F_GET_SEALS EINVAL through an O_RDWR fd (EPERM for
// F_ADD_SEALS through O_RDONLY, which is checked first), ftruncate 0 on
// O_RDWR and EINVAL on O_RDONLY, fallocate EOPNOTSUPP (EBADF read-only),
// fchmod EPERM, lseek SEEK_END 0. Nothing is mapped, the value stays.
TEST_F(SysOpenSysctl, FileCallsOnTheSysctl)
{
	int64_t rw = sys_openat(t, AT_FDCWD, kSysctl, O_RDWR, 0);
	int64_t ro = sys_openat(t, AT_FDCWD, kSysctl, O_RDONLY, 0);
	ASSERT_GE(rw, 0);
	ASSERT_GE(ro, 0);
	EXPECT_EQ(sys_mmap(t, P(0), PG, PROT_READ, MAP_PRIVATE | MAP_FIXED, ro, 0), -ENODEV);
	EXPECT_EQ(sys_mmap(t, P(0), PG, PROT_READ, MAP_SHARED | MAP_FIXED, rw, 0), -ENODEV);
	EXPECT_EQ(Draw(t), "");
	EXPECT_EQ(sys_fcntl(t, rw, kAddSeals, F_SEAL_SEAL), -EINVAL);
	EXPECT_EQ(sys_fcntl(t, ro, kAddSeals, F_SEAL_SEAL), -EPERM);
	EXPECT_EQ(sys_fcntl(t, ro, kGetSeals, 0), -EINVAL);
	EXPECT_EQ(sys_ftruncate(t, rw, 5), 0);
	EXPECT_EQ(sys_ftruncate(t, ro, 0), -EINVAL);
	EXPECT_EQ(sys_fallocate(t, rw, 0, 0, 10), -EOPNOTSUPP);
	EXPECT_EQ(sys_fallocate(t, ro, 0, 0, 10), -EBADF);
	EXPECT_EQ(sys_fchmod(t, ro, 0644), -EPERM);
	EXPECT_EQ(sys_lseek(t, ro, 0, SEEK_END), 0);
	EXPECT_EQ(Pread(t, ro, 0), "0\n");
	Check(t);
}

// Reading: "N\n" of the namespace's effective value at offset 0, nothing
// at any other offset; read(2) moves on, so a second read is empty and
// lseek back reads it again (proc_dointvec).
TEST_F(SysOpenSysctl, ReadGivesTheValueAtOffsetZeroOnly)
{
	int64_t fd = sys_openat(t, AT_FDCWD, kSysctl, O_RDONLY, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(Read(t, fd), "0\n");
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), 2);
	EXPECT_EQ(Read(t, fd), "");
	EXPECT_EQ(Pread(t, fd, 1), "");
	EXPECT_EQ(Pread(t, fd, 0, 1), "0");
	EXPECT_EQ(sys_lseek(t, fd, 5, SEEK_SET), 5);   // lseek goes anywhere
	EXPECT_EQ(Read(t, fd), "");
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_SET), 0);
	EXPECT_EQ(Read(t, fd), "0\n");
}

// Writing in a child pid namespace: the int-sysctl parser with bounds
// [the parent namespace's effective value, 2]: "2\n" stores 2, "3" is
// EINVAL and keeps it; a second write on the same fd lands at offset 2
// and is ignored (taken whole, value kept); a new namespace below starts
// from 2 and cannot go lower (EINVAL), while its parent can.
TEST_F(SysOpenSysctl, WriteThroughTheIntParserWithinBounds)
{
	struct task *c = InChildNamespace(t);
	ASSERT_NE(c, nullptr);
	int64_t fd = sys_openat(c, AT_FDCWD, kSysctl, O_RDWR, 0);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(Write(c, fd, "2\n"), 2);
	EXPECT_EQ(pidns_memfd_noexec(c->pidns), 2);
	EXPECT_EQ(Write(c, fd, "1"), 1);   // at offset 2: ignored
	EXPECT_EQ(Pread(c, fd, 0), "2\n");
	EXPECT_EQ(sys_pwrite64(c, fd, "3", 1, 0), -EINVAL);
	EXPECT_EQ(Pread(c, fd, 0), "2\n");
	EXPECT_EQ(pidns_memfd_noexec(t->pidns), 0);   // the initial namespace untouched

	struct task *g = InChildNamespace(c);
	ASSERT_NE(g, nullptr);
	int64_t gfd = sys_openat(g, AT_FDCWD, kSysctl, O_RDWR, 0);
	ASSERT_GE(gfd, 0);
	EXPECT_EQ(Pread(g, gfd, 0), "2\n");
	EXPECT_EQ(sys_pwrite64(g, gfd, "1", 1, 0), -EINVAL);
	EXPECT_EQ(sys_pwrite64(c, fd, "1", 1, 0), 1);
	EXPECT_EQ(Pread(c, fd, 0), "1\n");
	EXPECT_EQ(Pread(g, gfd, 0), "2\n");   // its own stored 2
	EXPECT_EQ(sys_pwrite64(g, gfd, "1", 1, 0), 1);   // now within bounds
	EXPECT_EQ(Pread(g, gfd, 0), "1\n");
}

// Reads give the effective value, the largest up to the root: a child
// namespace that stored 0 reads 1 while its parent holds 1.
TEST_F(SysOpenSysctl, ReadGivesTheEffectiveValue)
{
	struct task *c = InChildNamespace(t);
	ASSERT_NE(c, nullptr);
	struct task *g = InChildNamespace(c);
	ASSERT_NE(g, nullptr);
	int64_t cfd = sys_openat(c, AT_FDCWD, kSysctl, O_RDWR, 0);
	int64_t gfd = sys_openat(g, AT_FDCWD, kSysctl, O_RDONLY, 0);
	ASSERT_GE(cfd, 0);
	ASSERT_GE(gfd, 0);
	EXPECT_EQ(Pread(g, gfd, 0), "0\n");
	ASSERT_EQ(sys_pwrite64(c, cfd, "1", 1, 0), 1);
	EXPECT_EQ(g->pidns->memfd_noexec, 0);
	EXPECT_EQ(Pread(g, gfd, 0), "1\n");
}

// pid_mfd_noexec_dointvec_minmax: a write without CAP_SYS_ADMIN is EPERM
// whatever it says, and the value stays; the control with it stores.
TEST_F(SysOpenSysctl, WriteWithoutCapSysAdminIsEperm)
{
	struct task *c = InChildNamespace(t);
	ASSERT_NE(c, nullptr);
	int64_t fd = sys_openat(c, AT_FDCWD, kSysctl, O_WRONLY, 0);
	ASSERT_GE(fd, 0);
	c->cap_sys_admin = false;
	EXPECT_EQ(sys_pwrite64(c, fd, "1", 1, 0), -EPERM);
	EXPECT_EQ(sys_pwrite64(c, fd, "x", 1, 0), -EPERM);
	EXPECT_EQ(pidns_memfd_noexec(c->pidns), 0);
	c->cap_sys_admin = true;
	EXPECT_EQ(sys_pwrite64(c, fd, "1", 1, 0), 1);
	EXPECT_EQ(pidns_memfd_noexec(c->pidns), 1);
}

// The value written through the file decides memfd_create in that
// namespace (mm/memfd.c: check_sysctl_memfd_noexec): at 2 MFD_EXEC is
// EACCES, and a memfd without flags is MFD_NOEXEC_SEAL's; the parent's
// namespace still makes executable ones.
TEST_F(SysOpenSysctl, WrittenValueRulesMemfdCreate)
{
	struct task *c = InChildNamespace(t);
	ASSERT_NE(c, nullptr);
	int64_t fd = sys_openat(c, AT_FDCWD, kSysctl, O_WRONLY, 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(Write(c, fd, "2"), 1);
	EXPECT_EQ(sys_memfd_create(c, "x", MFD_EXEC), -EACCES);
	int64_t m = sys_memfd_create(c, "y", 0);
	ASSERT_GE(m, 0);
	EXPECT_EQ(sys_fcntl(c, m, kGetSeals, 0), F_SEAL_EXEC);
	int64_t e = sys_memfd_create(t, "z", MFD_EXEC);
	ASSERT_GE(e, 0);
	EXPECT_EQ(files_lookup(t->files, e)->inode->mode, 0777u);
}

// ---------------------------------------------------------------------------
// read/write/lseek (fs/read_write.c, mm/shmem.c).

class SysReadWriteMemfd : public OpenTest {};

// read(2) gives what is left from the position and moves it; pread64
// does not move it; past the end both give 0; a negative pread/pwrite
// offset is EINVAL; a read through a write-only file is EBADF, a write
// through a read-only one EBADF.
TEST_F(SysReadWriteMemfd, ReadsAndPositions)
{
	int64_t fd = Memfd(0);
	ASSERT_EQ(sys_pwrite64(t, fd, kBytes, 10, 0), 10);
	EXPECT_EQ(Size(fd), 10u);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), 0);   // pwrite does not move it
	EXPECT_EQ(Read(t, fd, 4).size(), 4u);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), 4);
	EXPECT_EQ(Pread(t, fd, 8).size(), 2u);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), 4);
	EXPECT_EQ(Read(t, fd).size(), 6u);
	EXPECT_EQ(Read(t, fd), "");
	EXPECT_EQ(Pread(t, fd, 100), "");
	EXPECT_EQ(Pread(t, fd, -1), "-" + std::to_string(EINVAL));
	EXPECT_EQ(sys_pwrite64(t, fd, kBytes, 1, -1), -EINVAL);

	int64_t ro = Reopen(fd, O_RDONLY), wo = Reopen(fd, O_WRONLY);
	ASSERT_GE(ro, 0);
	ASSERT_GE(wo, 0);
	EXPECT_EQ(Write(t, ro, "x"), -EBADF);
	EXPECT_EQ(sys_pwrite64(t, ro, "x", 1, 0), -EBADF);
	EXPECT_EQ(Read(t, wo), "-" + std::to_string(EBADF));
	EXPECT_EQ(Pread(t, wo, 0), "-" + std::to_string(EBADF));
	EXPECT_EQ(Size(fd), 10u);
}

// lseek: SEEK_SET/CUR/END from the inode's size; a negative result and
// an unknown whence are EINVAL and leave the position; a closed fd EBADF.
TEST_F(SysReadWriteMemfd, Lseek)
{
	int64_t fd = Memfd(1);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_END), (int64_t)PG);
	EXPECT_EQ(sys_lseek(t, fd, -10, SEEK_CUR), (int64_t)PG - 10);
	EXPECT_EQ(sys_lseek(t, fd, -(int64_t)PG, SEEK_CUR), -EINVAL);
	EXPECT_EQ(sys_lseek(t, fd, 0, 7), -EINVAL);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), (int64_t)PG - 10);
	EXPECT_EQ(sys_lseek(t, 55, 0, SEEK_SET), -EBADF);
}

// Sealed writes (mm/shmem.c: shmem_write_begin): under F_SEAL_GROW a
// write at the end is EPERM, one that crosses it is short (2 bytes at
// size - 1 write 1: probed), one inside is whole, and the size stays;
// F_SEAL_WRITE refuses all but an empty write, F_SEAL_FUTURE_WRITE too.
TEST_F(SysReadWriteMemfd, SealedWrites)
{
	int64_t fd = Memfd(1);
	ASSERT_EQ(sys_fcntl(t, fd, kAddSeals, F_SEAL_GROW), 0);
	EXPECT_EQ(sys_pwrite64(t, fd, kBytes, 1, PG), -EPERM);
	EXPECT_EQ(sys_pwrite64(t, fd, kBytes, 2, PG - 1), 1);
	EXPECT_EQ(sys_pwrite64(t, fd, kBytes, 1, PG - 1), 1);
	EXPECT_EQ(Size(fd), PG);
	int64_t f2 = Memfd(1);
	ASSERT_EQ(sys_fcntl(t, f2, kAddSeals, F_SEAL_FUTURE_WRITE), 0);
	EXPECT_EQ(sys_pwrite64(t, f2, kBytes, 1, 0), -EPERM);
	EXPECT_EQ(sys_fallocate(t, f2, kPunchKeep, 0, PG), -EPERM);
	ASSERT_EQ(sys_fcntl(t, fd, kAddSeals, F_SEAL_WRITE), 0);
	EXPECT_EQ(Write(t, fd, "x"), -EPERM);
	EXPECT_EQ(sys_write(t, fd, kBytes, 0), 0);
	EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_CUR), 0);
}

// A NULL write buffer (an unreadable pointer) is EFAULT once the call
// would copy, after the seal checks; the size stays.
TEST_F(SysReadWriteMemfd, UnreadableBuffer)
{
	int64_t fd = Memfd(1);
	EXPECT_EQ(sys_pwrite64(t, fd, nullptr, 1, 0), -EFAULT);
	EXPECT_EQ(Size(fd), PG);
	ASSERT_EQ(sys_fcntl(t, fd, kAddSeals, F_SEAL_WRITE), 0);
	EXPECT_EQ(sys_pwrite64(t, fd, nullptr, 1, 0), -EPERM);
}

// The terminal tasks_start opens on fds 0-2 (a pty, probed): mmap
// ENODEV, F_GET_SEALS and F_ADD_SEALS EINVAL, lseek, pread64 and
// pwrite64 ESPIPE, ftruncate EINVAL, fallocate ENODEV; write takes the
// bytes, read gives none here; fchmod works.
class SysReadWriteTerminal : public OpenTest {};

TEST_F(SysReadWriteTerminal, TerminalFds)
{
	for (int64_t fd = 0; fd < 3; fd++) {
		EXPECT_EQ(sys_mmap(t, P(0), PG, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0), -ENODEV) << fd;
		EXPECT_EQ(sys_fcntl(t, fd, kGetSeals, 0), -EINVAL) << fd;
		EXPECT_EQ(sys_lseek(t, fd, 0, SEEK_SET), -ESPIPE) << fd;
	}
	EXPECT_EQ(Draw(t), "");
	EXPECT_EQ(sys_fcntl(t, 1, kAddSeals, F_SEAL_SEAL), -EINVAL);
	EXPECT_EQ(Pread(t, 0, 0), "-" + std::to_string(ESPIPE));
	EXPECT_EQ(sys_pwrite64(t, 1, "x", 1, 0), -ESPIPE);
	EXPECT_EQ(sys_ftruncate(t, 1, 0), -EINVAL);
	EXPECT_EQ(sys_fallocate(t, 1, 0, 0, 1), -ENODEV);
	EXPECT_EQ(Write(t, 1, "hello"), 5);
	EXPECT_EQ(Read(t, 0), "");
	EXPECT_EQ(sys_fchmod(t, 0, 0620), 0);
	EXPECT_EQ(sys_write(t, 9, "x", 1), -EBADF);
}

}  // namespace
