// The scenarios of the kernel's tools/testing/selftests/memfd/memfd_test.c
// (test_create ... test_share_fork, and the test_sysctl_* cases of
// vm.memfd_noexec in nested pid namespaces), retold against the model's
// process table and syscalls. The selftest mostly checks that a call
// "failed"; here every call has its exact result, and the seals, size and
// mode afterwards. The model keeps memfd sizes, not bytes: the selftest's
// reads and writes become return-value checks, its pokes into mappings
// become faults (sys_touch). Sizes are the selftest's: the memfd is 8192
// bytes (MFD_DEF_SIZE) when each scenario starts.
//
// Probed on this machine (Linux 6.18.44, x86_64, shmem_enabled "never"),
// by C programs compiled with gcc: memfd_probe.c and share_probe.c in the
// initial namespace (they never touch /proc/sys), sysctl_probe.c only in
// child pid namespaces made by clone(CLONE_NEWPID) (every write first
// checked that the writer's pid namespace was not the initial one; the
// initial value read 0 before and after). What the kernel said:
//
//   memfd_create
//     NULL name                                       EFAULT
//     NULL name with flags 0x100                      EINVAL (flags first)
//     2048 bytes of 0xff, no NUL, then a PROT_NONE    EINVAL
//     2047 bytes of 0xff and a NUL                    EINVAL
//     250-byte name                                   EINVAL (249 is fine)
//     ""                                              fd, /memfd: (deleted)
//     flags 0x100, ~MFD_CLOEXEC, ~MFD_ALLOW_SEALING,
//       ~0, 0x80000000                                EINVAL each
//     MFD_EXEC | MFD_NOEXEC_SEAL                      EINVAL
//     MFD_EXEC at vm.memfd_noexec = 2                 EACCES
//   F_ADD_SEALS
//     after F_SEAL_SEAL (GROW, 0, SEAL)               EPERM
//     without MFD_ALLOW_SEALING                       EPERM (seals stay SEAL)
//     F_SEAL_WRITE with a MAP_SHARED rw mapping       EBUSY
//     through an O_RDONLY reopen (even F_SEAL_SEAL)   EPERM
//     F_SEAL_EXEC on a 0777 memfd with a shared rw
//       mapping                                       EBUSY (nothing added)
//     F_SEAL_EXEC under MFD_EXEC without ALLOW_SEALING EPERM
//   under F_SEAL_WRITE / F_SEAL_FUTURE_WRITE / W^X seals
//     write(4)                                        EPERM
//     mmap RW or W MAP_SHARED                         EPERM
//     mmap R MAP_SHARED, then mprotect RW             0, then EACCES
//     fallocate(PUNCH_HOLE | KEEP_SIZE)               EPERM
//     pwrite(65536 @ 0)                               EPERM
//   under F_SEAL_SHRINK: ftruncate(4096), open O_TRUNC of /proc/self/fd/N
//                                                     EPERM, EPERM
//   under F_SEAL_GROW: ftruncate(16384), fallocate(0, 0, 32768)
//                                                     EPERM, EPERM
//     pwrite(65536 @ 0) on an empty file              EPERM
//     pwrite(65536 @ 0) on an 8192-byte file          8192 (short, not -1)
//     pwrite(100 @ 8142) on an 8192-byte file         50
//     write(4) at 8190                                2
//     pwrite(100 @ 8192)                              EPERM
//   fchmod under F_SEAL_EXEC changing an exec bit     EPERM (mode unchanged)
//   execveat(AT_EMPTY_PATH) of a MFD_NOEXEC_SEAL memfd EACCES
//   /proc/sys/vm/memfd_noexec, in a child pid namespace
//     "0" under a parent at 1, "0"/"1" under 2        EINVAL
//     "3", "-1"                                       EINVAL
//     write after dropping CAP_SYS_ADMIN (fd opened
//       before)                                       EPERM
//     every other selftest write                      1 (accepted)
//   the nested cases: a child namespace stores its parent's value when it
//   is made; a parent raising later raises the child, lowering later
//   leaves the child's own value (2 -> 1, 2 -> 0: child 2; 1 -> 0: 1).
//   (The selftest holds such a child with kill(getpid(), SIGSTOP), which a
//   namespace's init ignores; the probe held it on a pipe instead.)
//
// Divergences (the tests assert the kernel and skip, "model divergence"):
// a write that crosses the end of an F_SEAL_GROW memfd is short in the
// kernel (generic_perform_write stops at the page shmem_write_begin
// refuses) and -EPERM in the model; an unterminated name is read with
// strlen by the model, where the kernel reads at most 250 bytes.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/flags.h"
#include "core/mm.h"
#include "core/tasks.h"
#include "memfd/memfd.h"
#include "syscalls/sys.h"
#include "sysctl/pidns.h"

namespace {

constexpr uint64_t kSize = 8192;   // the selftest's MFD_DEF_SIZE
constexpr uint64_t kAddSeals = 1033, kGetSeals = 1034;
constexpr int64_t kAtFdcwd = -100;
constexpr uint64_t kRdonly = 0, kWronly = 01, kRdwr = 02, kCreat = 0100, kTrunc = 01000,
		   kCloexec = 02000000;
constexpr uint64_t kKeepSize = 0x1, kPunchHole = 0x2;
constexpr uint64_t kSigchld = 17;
constexpr uint64_t kAtEmptyPath = 0x1000;
constexpr unsigned kWxSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE |
			      F_SEAL_EXEC;
// What the writes write: the model keeps sizes, not bytes.
const char kZeros[8 * kSize] = {};

class MemfdSelftest : public ::testing::Test {
protected:
	void SetUp() override
	{
		ASSERT_EQ(tasks_init(&tasks, &profile_linux_6_18), 0);
		t = tasks_start(&tasks, 0);
		ASSERT_NE(t, nullptr);
	}
	void TearDown() override { tasks_destroy(&tasks); }

	// mfd_assert_new: memfd_create, then ftruncate to 8192.
	int64_t New(const char *name, uint64_t flags, struct task *k = nullptr)
	{
		k = k ? k : t;
		int64_t fd = sys_memfd_create(k, name, flags);
		EXPECT_GE(fd, 0) << name << " flags " << flags;
		if (fd >= 0) {
			EXPECT_EQ(sys_ftruncate(k, fd, (int64_t)kSize), 0);
		}
		return fd;
	}
	static int64_t Seals(struct task *k, int64_t fd) { return sys_fcntl(k, fd, kGetSeals, 0); }
	int64_t Seals(int64_t fd) { return Seals(t, fd); }
	static int64_t AddSeals(struct task *k, int64_t fd, uint64_t s)
	{
		return sys_fcntl(k, fd, kAddSeals, s);
	}
	int64_t AddSeals(int64_t fd, uint64_t s) { return AddSeals(t, fd, s); }
	static const struct inode *Inode(struct task *k, int64_t fd)
	{
		const struct file *f = files_lookup(k->files, fd);
		return f ? f->inode : nullptr;
	}
	uint64_t Size(int64_t fd, struct task *k = nullptr)
	{
		const struct inode *i = Inode(k ? k : t, fd);
		return i ? i->size : UINT64_MAX;
	}
	unsigned Mode(int64_t fd, struct task *k = nullptr)
	{
		const struct inode *i = Inode(k ? k : t, fd);
		return i ? i->mode : ~0u;
	}
	// open("/proc/self/fd/N", flags): a new open file on the same inode.
	static int64_t Reopen(struct task *k, int64_t fd, uint64_t flags)
	{
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%lld", (long long)fd);
		return sys_openat(k, kAtFdcwd, path, flags, 0600);
	}
	int64_t Reopen(int64_t fd, uint64_t flags) { return Reopen(t, fd, flags); }
	// An 8192-byte mapping of the memfd where the model puts it.
	static int64_t Map(struct task *k, int64_t fd, uint64_t prot, uint64_t flags)
	{
		return sys_mmap(k, 0, kSize, prot, flags, fd, 0);
	}
	static void Unmap(struct task *k, int64_t addr)
	{
		EXPECT_EQ(sys_munmap(k, (uint64_t)addr, kSize), 0);
	}
	// fchmod that the seals allow: the mode is the new one.
	void Chmod(int64_t fd, unsigned mode, struct task *k = nullptr)
	{
		k = k ? k : t;
		EXPECT_EQ(sys_fchmod(k, fd, mode), 0) << std::oct << mode;
		EXPECT_EQ(Mode(fd, k), mode);
	}
	// fchmod that F_SEAL_EXEC refuses: EPERM, the mode unchanged.
	void ChmodRefused(int64_t fd, unsigned mode, struct task *k = nullptr)
	{
		k = k ? k : t;
		unsigned before = Mode(fd, k);
		EXPECT_EQ(sys_fchmod(k, fd, mode), -EPERM) << std::oct << mode;
		EXPECT_EQ(Mode(fd, k), before);
	}

	// mfd_assert_read: read(16) from position 0 reads 16; private maps,
	// read-only and writable, are always allowed.
	void ExpectReadable(int64_t fd, struct task *k = nullptr)
	{
		k = k ? k : t;
		EXPECT_EQ(sys_read(k, fd, nullptr, 16), 16);
		int64_t p = Map(k, fd, PROT_READ, MAP_PRIVATE);
		EXPECT_GT(p, 0) << "PROT_READ MAP_PRIVATE";
		if (p > 0)
			Unmap(k, p);
		p = Map(k, fd, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		EXPECT_GT(p, 0) << "PROT_READ|PROT_WRITE MAP_PRIVATE";
		if (p > 0) {
			EXPECT_EQ(sys_touch(k, (uint64_t)p, true), 0);
			Unmap(k, p);
		}
	}
	// mfd_assert_read_shared: a read-only shared map is allowed.
	void ExpectReadableShared(int64_t fd, struct task *k = nullptr)
	{
		k = k ? k : t;
		int64_t p = Map(k, fd, PROT_READ, MAP_SHARED);
		EXPECT_GT(p, 0) << "PROT_READ MAP_SHARED";
		if (p > 0) {
			EXPECT_EQ(sys_touch(k, (uint64_t)p, false), 0);
			Unmap(k, p);
		}
	}
	// mfd_assert_write: write(4) at the position, shared writable maps
	// (rw, w-only, r then mprotect rw) that take a write fault, and a
	// punched hole all succeed.
	void ExpectWritable(int64_t fd, struct task *k = nullptr)
	{
		k = k ? k : t;
		EXPECT_EQ(sys_write(k, fd, kZeros, 4), 4);
		int64_t p = Map(k, fd, PROT_READ | PROT_WRITE, MAP_SHARED);
		EXPECT_GT(p, 0) << "PROT_READ|PROT_WRITE MAP_SHARED";
		if (p > 0) {
			EXPECT_EQ(sys_touch(k, (uint64_t)p, true), 0);
			Unmap(k, p);
		}
		p = Map(k, fd, PROT_WRITE, MAP_SHARED);
		EXPECT_GT(p, 0) << "PROT_WRITE MAP_SHARED";
		if (p > 0) {
			EXPECT_EQ(sys_touch(k, (uint64_t)p, true), 0);
			Unmap(k, p);
		}
		p = Map(k, fd, PROT_READ, MAP_SHARED);
		EXPECT_GT(p, 0) << "PROT_READ MAP_SHARED";
		if (p > 0) {
			EXPECT_EQ(sys_mprotect(k, (uint64_t)p, kSize, PROT_READ | PROT_WRITE), 0);
			EXPECT_EQ(sys_touch(k, (uint64_t)p, true), 0);
			Unmap(k, p);
		}
		EXPECT_EQ(sys_fallocate(k, fd, kPunchHole | kKeepSize, 0, (int64_t)kSize), 0);
	}
	// mfd_fail_write, with the errnos this kernel gives: write EPERM,
	// shared rw / w maps EPERM, a shared r map works but has lost
	// VM_MAYWRITE (mprotect to rw: EACCES), punching a hole EPERM; the
	// size does not move and no mapping is left behind.
	void ExpectWriteRefused(int64_t fd, struct task *k = nullptr)
	{
		k = k ? k : t;
		uint64_t size = Size(fd, k);
		EXPECT_EQ(sys_write(k, fd, kZeros, 4), -EPERM);
		EXPECT_EQ(Map(k, fd, PROT_READ | PROT_WRITE, MAP_SHARED), -EPERM);
		EXPECT_EQ(Map(k, fd, PROT_WRITE, MAP_SHARED), -EPERM);
		int64_t p = Map(k, fd, PROT_READ, MAP_SHARED);
		EXPECT_GT(p, 0) << "PROT_READ MAP_SHARED";
		if (p > 0) {
			const struct vma *v = mm_vma_lookup(k->mm, (uint64_t)p);
			ASSERT_NE(v, nullptr);
			EXPECT_EQ(v->flags & VM_MAYWRITE, 0u);
			EXPECT_EQ(sys_mprotect(k, (uint64_t)p, kSize, PROT_READ | PROT_WRITE), -EACCES);
			Unmap(k, p);
		}
		EXPECT_EQ(sys_fallocate(k, fd, kPunchHole | kKeepSize, 0, (int64_t)kSize), -EPERM);
		EXPECT_EQ(Size(fd, k), size);
	}
	// mfd_assert_shrink: ftruncate to 4096, then open(O_TRUNC) to 0.
	void ExpectShrinks(int64_t fd)
	{
		EXPECT_EQ(sys_ftruncate(t, fd, (int64_t)(kSize / 2)), 0);
		EXPECT_EQ(Size(fd), kSize / 2);
		int64_t fd2 = Reopen(fd, kRdwr | kCreat | kTrunc);
		EXPECT_GE(fd2, 0);
		EXPECT_EQ(sys_close(t, fd2), 0);
		EXPECT_EQ(Size(fd), 0u);
	}
	// mfd_fail_shrink: both ways are EPERM, the size stays.
	void ExpectShrinkRefused(int64_t fd)
	{
		uint64_t size = Size(fd);
		EXPECT_EQ(sys_ftruncate(t, fd, (int64_t)(kSize / 2)), -EPERM);
		EXPECT_EQ(Reopen(fd, kRdwr | kCreat | kTrunc), -EPERM);
		EXPECT_EQ(Size(fd), size);
	}
	// mfd_assert_grow: ftruncate to 16384, fallocate to 32768.
	void ExpectGrows(int64_t fd)
	{
		EXPECT_EQ(sys_ftruncate(t, fd, (int64_t)(kSize * 2)), 0);
		EXPECT_EQ(Size(fd), kSize * 2);
		EXPECT_EQ(sys_fallocate(t, fd, 0, 0, (int64_t)(kSize * 4)), 0);
		EXPECT_EQ(Size(fd), kSize * 4);
	}
	// mfd_fail_grow: both ways are EPERM, the size stays.
	void ExpectGrowRefused(int64_t fd)
	{
		uint64_t size = Size(fd);
		EXPECT_EQ(sys_ftruncate(t, fd, (int64_t)(kSize * 2)), -EPERM);
		EXPECT_EQ(sys_fallocate(t, fd, 0, 0, (int64_t)(kSize * 4)), -EPERM);
		EXPECT_EQ(Size(fd), size);
	}
	// mfd_assert_grow_write: pwrite(65536 @ 0) writes it all.
	void ExpectGrowWrite(int64_t fd)
	{
		EXPECT_EQ(sys_pwrite64(t, fd, kZeros, sizeof(kZeros), 0), (int64_t)sizeof(kZeros));
		EXPECT_EQ(Size(fd), sizeof(kZeros));
	}

	// ---- vm.memfd_noexec through /proc/sys ----

	// clone(flags | SIGCHLD) by parent: the child, or nullptr.
	struct task *Spawn(struct task *parent, uint64_t flags)
	{
		int64_t pid = sys_clone(parent, flags | kSigchld, 0);
		EXPECT_GT(pid, 0) << "clone " << std::hex << flags;
		return pid > 0 ? tasks_find(&tasks, pid) : nullptr;
	}
	// sysctl_assert_write / sysctl_fail_write: open, write, close; what
	// write() returned.
	static int64_t SysctlWrite(struct task *k, const char *value)
	{
		int64_t fd = sys_openat(k, kAtFdcwd, "/proc/sys/vm/memfd_noexec", kWronly | kCloexec, 0);
		EXPECT_GE(fd, 0);
		int64_t n = sys_write(k, fd, value, strlen(value));
		EXPECT_EQ(sys_close(k, fd), 0);
		return n;
	}
	static std::string SysctlRead(struct task *k)
	{
		char buf[32] = {};
		int64_t fd = sys_openat(k, kAtFdcwd, "/proc/sys/vm/memfd_noexec", kRdonly | kCloexec, 0);
		EXPECT_GE(fd, 0);
		int64_t n = sys_read(k, fd, buf, sizeof(buf) - 1);
		EXPECT_EQ(sys_close(k, fd), 0);
		return n > 0 ? std::string(buf, (size_t)n) : std::string();
	}
	// test_sysctl_sysctl0/1/2 in task k, for the value `scope`: the value
	// reads back, and memfd_create with neither flag, MFD_EXEC and
	// MFD_NOEXEC_SEAL (all with MFD_CLOEXEC | MFD_ALLOW_SEALING) gives the
	// mode and seals this kernel gave, and fchmod is refused or not.
	void ExpectScope(struct task *k, int scope)
	{
		SCOPED_TRACE("vm.memfd_noexec " + std::to_string(scope));
		EXPECT_EQ(SysctlRead(k), std::to_string(scope) + "\n");
		const uint64_t base = MFD_CLOEXEC | MFD_ALLOW_SEALING;

		int64_t fd = New("kern_memfd_sysctl_dfl", base, k);
		if (scope == 0) {
			EXPECT_EQ(Mode(fd, k), 0777u);
			EXPECT_EQ(Seals(k, fd), 0);
			Chmod(fd, 0644, k);
		} else {
			EXPECT_EQ(Mode(fd, k), 0666u);
			EXPECT_EQ(Seals(k, fd), F_SEAL_EXEC);
			ChmodRefused(fd, 0777, k);
		}
		EXPECT_EQ(sys_close(k, fd), 0);

		if (scope == 2) {
			EXPECT_EQ(sys_memfd_create(k, "kern_memfd_sysctl_exec", base | MFD_EXEC), -EACCES);
		} else {
			fd = New("kern_memfd_sysctl_exec", base | MFD_EXEC, k);
			EXPECT_EQ(Mode(fd, k), 0777u);
			EXPECT_EQ(Seals(k, fd), 0);
			Chmod(fd, 0644, k);
			EXPECT_EQ(sys_close(k, fd), 0);
		}

		fd = New("kern_memfd_sysctl_noexec", base | MFD_NOEXEC_SEAL, k);
		EXPECT_EQ(Mode(fd, k), 0666u);
		EXPECT_EQ(Seals(k, fd), F_SEAL_EXEC);
		ChmodRefused(fd, 0777, k);
		EXPECT_EQ(sys_close(k, fd), 0);
	}
	// sysctl_simple_child: 0, 1, 0, 2, 1, 0, each written and in force.
	void SimpleSequence(struct task *k)
	{
		for (int v : {0, 1, 0, 2, 1, 0}) {
			EXPECT_EQ(SysctlWrite(k, std::to_string(v).c_str()), 1) << v;
			ExpectScope(k, v);
		}
	}

	struct tasks tasks;
	struct task *t = nullptr;
};

// ---- test_create ----

// mm/memfd.c: memfd_create — flags are checked before the name
// (sanitize_flags, then alloc_name): no name is EFAULT, but not with a bad
// flag; nothing is installed in the fd table.
TEST_F(MemfdSelftest, CreateRefusesNullName)
{
	EXPECT_EQ(sys_memfd_create(t, nullptr, 0), -EFAULT);
	EXPECT_EQ(sys_memfd_create(t, nullptr, 0x100), -EINVAL);
	EXPECT_EQ(sys_memfd_create(t, "", 0), 3);   // the lowest free fd: nothing was taken
}

// mm/memfd.c: alloc_name — strnlen_user(name, 250): a name of more than
// MFD_NAME_MAX_LEN (249) bytes is EINVAL, 249 is fine.
TEST_F(MemfdSelftest, CreateRefusesOverlongNames)
{
	std::string ff(2047, '\xff');   // the selftest's 2048-byte buffer, NUL-terminated
	EXPECT_EQ(sys_memfd_create(t, ff.c_str(), 0), -EINVAL);
	std::string a250(250, 'a');
	EXPECT_EQ(sys_memfd_create(t, a250.c_str(), 0), -EINVAL);
	std::string a249(249, 'a');
	int64_t fd = sys_memfd_create(t, a249.c_str(), 0);
	EXPECT_EQ(fd, 3);
	ASSERT_NE(Inode(t, fd), nullptr);
	EXPECT_EQ(std::string(Inode(t, fd)->path), "/memfd:" + a249 + " (deleted)");
}

// mm/memfd.c: alloc_name — the selftest's unterminated name: 2048 bytes
// of 0xff and no NUL. The kernel reads at most 250 bytes of it and says
// EINVAL (probe: the buffer ending at a PROT_NONE page, EINVAL; a
// 100-byte one ending there, EFAULT).
TEST_F(MemfdSelftest, CreateRefusesUnterminatedName)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *m = mmap(nullptr, 2 * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	ASSERT_NE(m, MAP_FAILED);
	char *base = static_cast<char *>(m);
	ASSERT_EQ(mprotect(base + pg, (size_t)pg, PROT_NONE), 0);
	memset(base, 0xff, (size_t)pg);
	EXPECT_EQ(sys_memfd_create(t, base + pg - 2048, 0), -EINVAL);
	munmap(m, 2 * (size_t)pg);
}

// mm/memfd.c: memfd_create — "" is a valid name: /memfd: (deleted) [probe].
TEST_F(MemfdSelftest, CreateAcceptsEmptyName)
{
	int64_t fd = New("", 0);
	EXPECT_EQ(fd, 3);
	ASSERT_NE(Inode(t, fd), nullptr);
	EXPECT_STREQ(Inode(t, fd)->path, "/memfd: (deleted)");
	EXPECT_EQ(Size(fd), kSize);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// mm/memfd.c: sanitize_flags — any bit outside MFD_ALL_FLAGS (and the
// huge page size bits, which need MFD_HUGETLB) is EINVAL; nothing is
// installed. Control: the known flags alone are accepted.
TEST_F(MemfdSelftest, CreateRefusesUnknownFlags)
{
	for (uint32_t flags : {0x0100u, ~(uint32_t)MFD_CLOEXEC, ~(uint32_t)MFD_ALLOW_SEALING, ~0u,
			       0x80000000u})
		EXPECT_EQ(sys_memfd_create(t, "", flags), -EINVAL) << std::hex << flags;
	EXPECT_EQ(sys_memfd_create(t, "", MFD_CLOEXEC | MFD_ALLOW_SEALING), 3);
}

// mm/memfd.c: sanitize_flags — MFD_EXEC with MFD_NOEXEC_SEAL is EINVAL;
// each alone is accepted.
TEST_F(MemfdSelftest, CreateRefusesExecWithNoexecSeal)
{
	EXPECT_EQ(sys_memfd_create(t, "", MFD_EXEC | MFD_NOEXEC_SEAL), -EINVAL);
	int64_t fd = sys_memfd_create(t, "", MFD_EXEC);
	EXPECT_EQ(fd, 3);
	EXPECT_EQ(Mode(fd), 0777u);
	fd = sys_memfd_create(t, "", MFD_NOEXEC_SEAL);
	EXPECT_EQ(fd, 4);
	EXPECT_EQ(Mode(fd), 0666u);
}

// mm/memfd.c: memfd_create — MFD_CLOEXEC sets close-on-exec, MFD_ALLOW_SEALING
// leaves the seals empty (without it: F_SEAL_SEAL); under the initial
// namespace's vm.memfd_noexec 0 the file is 0777.
TEST_F(MemfdSelftest, CreateAcceptsCloexecAndAllowSealing)
{
	int64_t fd = New("", MFD_CLOEXEC);
	EXPECT_TRUE(files_cloexec(t->files, fd));
	EXPECT_EQ(Seals(fd), F_SEAL_SEAL);
	EXPECT_EQ(Mode(fd), 0777u);
	EXPECT_EQ(sys_close(t, fd), 0);

	fd = New("", MFD_ALLOW_SEALING);
	EXPECT_FALSE(files_cloexec(t->files, fd));
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(sys_close(t, fd), 0);

	fd = New("", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	EXPECT_TRUE(files_cloexec(t->files, fd));
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(Mode(fd), 0777u);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// ---- test_basic ----

// mm/memfd.c: memfd_add_seals — seals accumulate (adding them again is
// fine); after F_SEAL_SEAL every F_ADD_SEALS is EPERM, even of nothing,
// and the seals stay.
TEST_F(MemfdSelftest, BasicSealsAccumulateUntilSealSeal)
{
	int64_t fd = New("kern_memfd_basic", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SHRINK | F_SEAL_WRITE), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_SHRINK | F_SEAL_WRITE);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SHRINK | F_SEAL_WRITE), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_SHRINK | F_SEAL_WRITE);
	EXPECT_EQ(AddSeals(fd, F_SEAL_GROW | F_SEAL_SEAL), 0);
	const int64_t all = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL;
	EXPECT_EQ(Seals(fd), all);
	EXPECT_EQ(AddSeals(fd, F_SEAL_GROW), -EPERM);
	EXPECT_EQ(AddSeals(fd, 0), -EPERM);
	EXPECT_EQ(Seals(fd), all);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// mm/memfd.c: memfd_create — without MFD_ALLOW_SEALING the memfd is born
// with F_SEAL_SEAL: adding seals is EPERM and they stay F_SEAL_SEAL.
// (The control is the test above.)
TEST_F(MemfdSelftest, BasicWithoutAllowSealingIsPreSealed)
{
	int64_t fd = New("kern_memfd_basic", MFD_CLOEXEC);
	EXPECT_EQ(Seals(fd), F_SEAL_SEAL);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE), -EPERM);
	EXPECT_EQ(Seals(fd), F_SEAL_SEAL);
	EXPECT_EQ(Size(fd), kSize);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// ---- the control of the seal tests: no seal at all ----

// mm/shmem.c — an unsealed memfd is readable, writable (write, shared
// writable maps, holes), shrinks, grows and grows by writing.
TEST_F(MemfdSelftest, UnsealedMemfdIsReadableWritableResizable)
{
	int64_t fd = New("kern_memfd_unsealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ExpectReadable(fd);
	ExpectReadableShared(fd);
	ExpectWritable(fd);
	ExpectShrinks(fd);
	ExpectGrows(fd);
	ExpectGrowWrite(fd);
	EXPECT_EQ(Seals(fd), 0);
}

// ---- test_seal_write ----

// mm/memfd.c: memfd_check_seals_mmap, mm/shmem.c: shmem_write_begin,
// shmem_fallocate — F_SEAL_WRITE refuses write(), shared writable maps
// (EPERM), mprotect of a shared read-only map to writable (EACCES) and
// punching holes (EPERM), and a growing pwrite (EPERM); it does not
// refuse truncating, O_TRUNC or growing (mm/shmem.c: shmem_setattr).
TEST_F(MemfdSelftest, SealWriteRefusesWritesButNotTruncate)
{
	int64_t fd = New("kern_memfd_seal_write", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_WRITE);
	ExpectReadable(fd);
	ExpectWriteRefused(fd);
	ExpectShrinks(fd);
	ExpectGrows(fd);
	EXPECT_EQ(sys_pwrite64(t, fd, kZeros, sizeof(kZeros), 0), -EPERM);
	EXPECT_EQ(Size(fd), kSize * 4);
	EXPECT_EQ(Seals(fd), F_SEAL_WRITE);
}

// ---- test_seal_future_write ----

// mm/memfd.c: memfd_add_seals, memfd_check_seals_mmap — F_SEAL_FUTURE_WRITE
// does not wait for the shared writable map made before it, which stays
// writable; after it, through the fd and through a new open of
// /proc/self/fd/N, reads and private maps work and every way of writing
// is refused as under F_SEAL_WRITE. A private writable map still takes
// writes in a forked child, privately (copy-on-write: the child's VMA is
// its own, not VM_SHARED).
TEST_F(MemfdSelftest, SealFutureWriteKeepsOldMapsRefusesNewWrites)
{
	int64_t fd = New("kern_memfd_seal_future_write", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	int64_t p = Map(t, fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_GT(p, 0);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_FUTURE_WRITE), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_FUTURE_WRITE);

	ExpectReadable(fd);
	ExpectReadableShared(fd);
	ExpectWriteRefused(fd);

	int64_t fd2 = Reopen(fd, kRdwr);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(Seals(fd2), F_SEAL_FUTURE_WRITE);
	ExpectReadable(fd2);
	ExpectReadableShared(fd2);
	ExpectWriteRefused(fd2);

	// mfd_assert_fork_private_write
	int64_t q = Map(t, fd, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	ASSERT_GT(q, 0);
	EXPECT_EQ(sys_touch(t, (uint64_t)q, true), 0);
	struct task *child = Spawn(t, 0);
	ASSERT_NE(child, nullptr);
	EXPECT_NE(child->mm, t->mm);
	const struct vma *cv = mm_vma_lookup(child->mm, (uint64_t)q);
	ASSERT_NE(cv, nullptr);
	EXPECT_EQ(cv->flags & (VM_SHARED | VM_MAYSHARE), 0u);
	EXPECT_EQ(sys_touch(child, (uint64_t)q, true), 0);
	sys_exit(child);
	const struct vma *pv = mm_vma_lookup(t->mm, (uint64_t)q);
	ASSERT_NE(pv, nullptr);
	EXPECT_EQ(pv->flags & (VM_SHARED | VM_MAYSHARE), 0u);
	EXPECT_EQ(sys_touch(t, (uint64_t)q, true), 0);
	Unmap(t, q);

	// The map from before the seal still takes writes.
	EXPECT_EQ(sys_touch(t, (uint64_t)p, true), 0);
	Unmap(t, p);
	EXPECT_EQ(sys_close(t, fd2), 0);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// ---- test_seal_shrink ----

// mm/shmem.c: shmem_setattr — F_SEAL_SHRINK refuses ftruncate down and
// open(O_TRUNC) (fs/namei.c: handle_truncate) with EPERM, the size stays
// 8192; writing, growing and growing by writing are untouched.
TEST_F(MemfdSelftest, SealShrinkRefusesShrinkingOnly)
{
	int64_t fd = New("kern_memfd_seal_shrink", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SHRINK), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_SHRINK);
	ExpectReadable(fd);
	ExpectWritable(fd);
	ExpectShrinkRefused(fd);
	EXPECT_EQ(Size(fd), kSize);
	ExpectGrows(fd);
	ExpectGrowWrite(fd);
	EXPECT_EQ(Seals(fd), F_SEAL_SHRINK);
}

// ---- test_seal_grow ----

// mm/shmem.c: shmem_setattr, shmem_fallocate, shmem_write_begin —
// F_SEAL_GROW refuses ftruncate up, fallocate past the end and a write
// past the end (EPERM); shrinking (to 0 by O_TRUNC) and writing inside
// are fine. The selftest's growing pwrite meets the file at size 0:
// EPERM from its first byte.
TEST_F(MemfdSelftest, SealGrowRefusesGrowingOnly)
{
	int64_t fd = New("kern_memfd_seal_grow", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_GROW), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_GROW);
	ExpectReadable(fd);
	ExpectWritable(fd);
	ExpectShrinks(fd);
	ExpectGrowRefused(fd);
	EXPECT_EQ(Size(fd), 0u);
	EXPECT_EQ(sys_pwrite64(t, fd, kZeros, sizeof(kZeros), 0), -EPERM);
	EXPECT_EQ(Size(fd), 0u);
	EXPECT_EQ(Seals(fd), F_SEAL_GROW);
}

// ---- test_seal_resize ----

// mm/shmem.c: shmem_setattr, shmem_fallocate — F_SEAL_SHRINK | F_SEAL_GROW
// refuses every size change (EPERM, size stays 8192); writing inside is
// fine. (The selftest's growing pwrite here is the next test.)
TEST_F(MemfdSelftest, SealResizeRefusesEverySizeChange)
{
	int64_t fd = New("kern_memfd_seal_resize", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_SHRINK | F_SEAL_GROW);
	ExpectReadable(fd);
	ExpectWritable(fd);
	ExpectShrinkRefused(fd);
	ExpectGrowRefused(fd);
	EXPECT_EQ(Size(fd), kSize);
	EXPECT_EQ(Seals(fd), F_SEAL_SHRINK | F_SEAL_GROW);
}

// mm/filemap.c: generic_perform_write, mm/shmem.c: shmem_write_begin —
// the GROW check is per page written, so a write that starts inside an
// F_SEAL_GROW file and runs past its end is short: the bytes up to the
// end are written and the call returns their count; only a write that
// starts at the end is EPERM. The selftest's pwrite(65536 @ 0) under
// SHRINK|GROW on the 8192-byte file (mfd_fail_grow_write: "not all of
// it") returned 8192 [probe].
TEST_F(MemfdSelftest, SealResizeGrowWriteStopsAtTheEnd)
{
	int64_t fd = New("kern_memfd_seal_resize", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ASSERT_EQ(AddSeals(fd, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	EXPECT_EQ(sys_pwrite64(t, fd, kZeros, sizeof(kZeros), 0), (int64_t)kSize);
	EXPECT_EQ(sys_pwrite64(t, fd, kZeros, 100, (int64_t)kSize - 50), 50);
	EXPECT_EQ(sys_pwrite64(t, fd, kZeros, 100, (int64_t)kSize), -EPERM);
	EXPECT_EQ(sys_lseek(t, fd, (int64_t)kSize - 2, 0), (int64_t)kSize - 2);
	EXPECT_EQ(sys_write(t, fd, kZeros, 4), 2);
	EXPECT_EQ(Size(fd), kSize);
}

// ---- test_exec_seal ----

// mm/memfd.c: memfd_add_seals, mm/shmem.c: shmem_setattr — MFD_EXEC makes
// a 0777 file whose mode chmod may change (to 0644: the control); once
// F_SEAL_EXEC is on (added to a file without exec bits, it comes alone),
// fchmod that would change any exec bit is EPERM and leaves the mode,
// one that keeps them (0600, 0666) works, and writing is unaffected.
TEST_F(MemfdSelftest, SealExecFreezesExecBits)
{
	int64_t fd = New("kern_memfd_seal_exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	EXPECT_EQ(Mode(fd), 0777u);
	Chmod(fd, 0644);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_EXEC), 0);
	EXPECT_EQ(Seals(fd), F_SEAL_EXEC);
	Chmod(fd, 0600);
	for (unsigned mode : {0777u, 0670u, 0605u, 0700u, 0100u})
		ChmodRefused(fd, mode);
	EXPECT_EQ(Mode(fd), 0600u);
	Chmod(fd, 0666);
	ExpectWritable(fd);
	EXPECT_EQ(Seals(fd), F_SEAL_EXEC);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// mm/memfd.c: memfd_add_seals — F_SEAL_EXEC on a file that has exec bits
// (0700) brings SHRINK, GROW, WRITE and FUTURE_WRITE with it (W^X): the
// exec bits are frozen (0711, 0600: EPERM) and every write and size
// change is refused.
TEST_F(MemfdSelftest, SealExecOnExecutableFileSealsWrites)
{
	int64_t fd = New("kern_memfd_seal_exec", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	EXPECT_EQ(Mode(fd), 0777u);
	Chmod(fd, 0700);
	EXPECT_EQ(Seals(fd), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_EXEC), 0);
	EXPECT_EQ(Seals(fd), kWxSeals);
	ChmodRefused(fd, 0711);
	ChmodRefused(fd, 0600);
	EXPECT_EQ(Mode(fd), 0700u);
	ExpectWriteRefused(fd);
	EXPECT_EQ(sys_ftruncate(t, fd, (int64_t)(kSize / 2)), -EPERM);
	EXPECT_EQ(sys_ftruncate(t, fd, (int64_t)(kSize * 2)), -EPERM);
	EXPECT_EQ(Size(fd), kSize);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// ---- test_exec_no_seal ----

// mm/memfd.c: memfd_create — MFD_EXEC without MFD_ALLOW_SEALING: 0777,
// sealed against sealing (so F_SEAL_EXEC cannot go on: EPERM), and the
// mode is free to change.
TEST_F(MemfdSelftest, ExecWithoutSealingIsChmodable)
{
	int64_t fd = New("kern_memfd_exec_no_sealing", MFD_CLOEXEC | MFD_EXEC);
	EXPECT_EQ(Mode(fd), 0777u);
	EXPECT_EQ(Seals(fd), F_SEAL_SEAL);
	Chmod(fd, 0666);
	EXPECT_EQ(AddSeals(fd, F_SEAL_EXEC), -EPERM);
	EXPECT_EQ(Seals(fd), F_SEAL_SEAL);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// ---- test_noexec_seal ----

// mm/memfd.c: memfd_create — MFD_NOEXEC_SEAL, with or without
// MFD_ALLOW_SEALING: 0666 and F_SEAL_EXEC (not F_SEAL_SEAL: more seals
// may go on), chmod to 0777 is EPERM, and exec of it is EACCES
// (fs/exec.c: do_open_execat, no exec bit).
TEST_F(MemfdSelftest, NoexecSealWithAndWithoutAllowSealing)
{
	for (uint64_t extra : {(uint64_t)MFD_ALLOW_SEALING, (uint64_t)0}) {
		SCOPED_TRACE(extra ? "MFD_ALLOW_SEALING" : "no MFD_ALLOW_SEALING");
		int64_t fd = New("kern_memfd_noexec", MFD_CLOEXEC | MFD_NOEXEC_SEAL | extra);
		EXPECT_EQ(Mode(fd), 0666u);
		EXPECT_EQ(Seals(fd), F_SEAL_EXEC);
		ChmodRefused(fd, 0777);
		EXPECT_EQ(sys_execveat(t, fd, "", kAtEmptyPath), -EACCES);
		EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), 0);
		EXPECT_EQ(Seals(fd), F_SEAL_EXEC | F_SEAL_WRITE);
		EXPECT_EQ(sys_close(t, fd), 0);
	}
}

// ---- test_sysctl_simple ----

// kernel/pid_sysctl.h: pid_mfd_noexec_dointvec_minmax, mm/memfd.c:
// check_sysctl_memfd_noexec — in a child pid namespace of the initial one
// (which stays 0), vm.memfd_noexec takes 0, 1, 0, 2, 1, 0 in turn, and
// each is in force: 0 makes memfds 0777 unsealed unless asked; 1 makes
// them MFD_NOEXEC_SEAL unless MFD_EXEC is asked; 2 refuses MFD_EXEC
// (EACCES).
TEST_F(MemfdSelftest, SysctlSimpleEachValueInAChildNamespace)
{
	struct task *a = Spawn(t, CLONE_NEWPID_FLAG);
	ASSERT_NE(a, nullptr);
	EXPECT_NE(a->pidns, t->pidns);
	SimpleSequence(a);
	ExpectScope(t, 0);   // the initial namespace did not move
}

// ---- test_sysctl_nested ----

// kernel/pid_namespace.c: create_pid_namespace — a namespace two levels
// down works the same, its parent at 0.
TEST_F(MemfdSelftest, SysctlNestedGrandchildWorksTheSame)
{
	struct task *a = Spawn(t, CLONE_NEWPID_FLAG);
	ASSERT_NE(a, nullptr);
	EXPECT_EQ(SysctlWrite(a, "0"), 1);
	struct task *b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(b->pidns->level, 2u);
	SimpleSequence(b);
	ExpectScope(a, 0);
}

// kernel/pid_namespace.c: create_pid_namespace, kernel/pid_sysctl.h — with
// the parent at 1: a new child inherits 1; a child cannot go below 1
// ("0": EINVAL, still 1); a child can go up to 2, which leaves the parent
// at 1.
TEST_F(MemfdSelftest, SysctlNestedUnderOne)
{
	struct task *a = Spawn(t, CLONE_NEWPID_FLAG);
	ASSERT_NE(a, nullptr);
	EXPECT_EQ(SysctlWrite(a, "1"), 1);

	struct task *b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	ExpectScope(b, 1);
	sys_exit(b);

	b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(SysctlWrite(b, "0"), -EINVAL);
	ExpectScope(b, 1);
	sys_exit(b);

	b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(SysctlWrite(b, "2"), 1);
	ExpectScope(b, 2);
	sys_exit(b);

	ExpectScope(a, 1);
}

// kernel/pid_sysctl.h — with the parent at 2: a new child inherits 2 and
// can go neither to 1 nor to 0 (EINVAL, still 2).
TEST_F(MemfdSelftest, SysctlNestedUnderTwo)
{
	struct task *a = Spawn(t, CLONE_NEWPID_FLAG);
	ASSERT_NE(a, nullptr);
	EXPECT_EQ(SysctlWrite(a, "2"), 1);

	struct task *b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	ExpectScope(b, 2);
	sys_exit(b);

	b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(SysctlWrite(b, "1"), -EINVAL);
	ExpectScope(b, 2);
	EXPECT_EQ(SysctlWrite(b, "0"), -EINVAL);
	ExpectScope(b, 2);
	sys_exit(b);
	ExpectScope(a, 2);
}

// include/linux/pid_namespace.h: pidns_memfd_noexec_scope — the value in
// force is the largest stored up to the root, computed at use: a child
// made while its parent was 0 follows the parent up to 1 or 2 (and then
// cannot go below it: EINVAL).
TEST_F(MemfdSelftest, SysctlNestedParentRaisedAfterFork)
{
	struct task *a = Spawn(t, CLONE_NEWPID_FLAG);
	ASSERT_NE(a, nullptr);

	EXPECT_EQ(SysctlWrite(a, "0"), 1);
	struct task *b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(SysctlWrite(a, "1"), 1);
	EXPECT_EQ(SysctlWrite(b, "0"), -EINVAL);
	ExpectScope(b, 1);
	sys_exit(b);

	EXPECT_EQ(SysctlWrite(a, "0"), 1);
	b = Spawn(a, CLONE_NEWPID_FLAG);
	ASSERT_NE(b, nullptr);
	EXPECT_EQ(SysctlWrite(a, "2"), 1);
	EXPECT_EQ(SysctlWrite(b, "1"), -EINVAL);
	ExpectScope(b, 2);
	EXPECT_EQ(SysctlWrite(b, "0"), -EINVAL);
	ExpectScope(b, 2);
	sys_exit(b);
}

// kernel/pid_namespace.c: create_pid_namespace — a child stores its
// parent's value when it is made, so the parent going down later leaves
// the child where it was: 2 -> 1 and 2 -> 0 leave it at 2, 1 -> 0 at 1.
TEST_F(MemfdSelftest, SysctlNestedParentLoweredAfterFork)
{
	struct task *a = Spawn(t, CLONE_NEWPID_FLAG);
	ASSERT_NE(a, nullptr);
	struct Step {
		const char *before, *after;
		int child;
	};
	for (const Step &s : {Step{"2", "1", 2}, Step{"2", "0", 2}, Step{"1", "0", 1}}) {
		SCOPED_TRACE(std::string(s.before) + " -> " + s.after);
		EXPECT_EQ(SysctlWrite(a, s.before), 1);
		struct task *b = Spawn(a, CLONE_NEWPID_FLAG);
		ASSERT_NE(b, nullptr);
		EXPECT_EQ(SysctlWrite(a, s.after), 1);
		ExpectScope(b, s.child);
		ExpectScope(a, s.after[0] - '0');
		sys_exit(b);
	}
}

// kernel/pid_sysctl.h: pid_mfd_noexec_dointvec_minmax — the writes the
// selftest does not make: "3" and "-1" are outside [parent, 2] (EINVAL,
// nothing changes); a writer without CAP_SYS_ADMIN gets EPERM even on an
// fd it opened while it had it (probe: capset dropping CAP_SYS_ADMIN).
TEST_F(MemfdSelftest, SysctlWritesOutsideTheRangeOrUnprivileged)
{
	struct task *a = Spawn(t, CLONE_NEWPID_FLAG);
	ASSERT_NE(a, nullptr);
	EXPECT_EQ(SysctlWrite(a, "3"), -EINVAL);
	EXPECT_EQ(SysctlWrite(a, "-1"), -EINVAL);
	EXPECT_EQ(SysctlRead(a), "0\n");
	for (const char *v : {"1", "0", "2", "0"})   // and down again: any value in range
		EXPECT_EQ(SysctlWrite(a, v), 1) << v;

	int64_t fd = sys_openat(a, kAtFdcwd, "/proc/sys/vm/memfd_noexec", kWronly, 0);
	ASSERT_GE(fd, 0);
	a->cap_sys_admin = false;
	EXPECT_EQ(sys_write(a, fd, "1", 1), -EPERM);
	EXPECT_EQ(sys_write(a, fd, "x", 1), -EPERM);
	EXPECT_EQ(sys_close(a, fd), 0);
	a->cap_sys_admin = true;
	ExpectScope(a, 0);
}

// ---- test_share_*: run alone, and again with an idle task sharing the
// address space and the fd table (CLONE_VM | CLONE_FS | CLONE_FILES), as
// the selftest's "(shared file-table)" pass does. Seals live on the inode
// (mm/memfd.c: memfd_file_seals_ptr): every fd and every sharer sees them.

class MemfdSelftestShare : public MemfdSelftest, public ::testing::WithParamInterface<bool> {
protected:
	void SetUp() override
	{
		MemfdSelftest::SetUp();
		if (GetParam()) {
			idle = Spawn(t, CLONE_VM_FLAG | CLONE_FS_FLAG | CLONE_FILES_FLAG);
			ASSERT_NE(idle, nullptr);
			ASSERT_EQ(idle->files, t->files);
			ASSERT_EQ(idle->mm, t->mm);
		}
	}
	void TearDown() override
	{
		if (idle)
			sys_exit(idle);   // join_idle_thread
		MemfdSelftest::TearDown();
	}
	// mfd_assert_has_seals, through t and through the sharer.
	void ExpectSeals(int64_t fd, int64_t seals)
	{
		EXPECT_EQ(Seals(t, fd), seals);
		if (idle) {
			EXPECT_EQ(Seals(idle, fd), seals);
		}
	}
	struct task *idle = nullptr;
};

// fs/file.c: dup — dup'ed fds share one file, so one inode: seals added
// through either show through both; after F_SEAL_SEAL neither adds any
// (EPERM), also after one is closed.
TEST_P(MemfdSelftestShare, Dup)
{
	int64_t fd = New("kern_memfd_share_dup", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ExpectSeals(fd, 0);
	int64_t fd2 = sys_dup(t, fd);
	ASSERT_GE(fd2, 0);
	ExpectSeals(fd2, 0);

	EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), 0);
	ExpectSeals(fd, F_SEAL_WRITE);
	ExpectSeals(fd2, F_SEAL_WRITE);
	EXPECT_EQ(AddSeals(fd2, F_SEAL_SHRINK), 0);
	ExpectSeals(fd, F_SEAL_WRITE | F_SEAL_SHRINK);
	ExpectSeals(fd2, F_SEAL_WRITE | F_SEAL_SHRINK);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SEAL), 0);
	const int64_t all = F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_SEAL;
	ExpectSeals(fd, all);
	ExpectSeals(fd2, all);

	EXPECT_EQ(AddSeals(fd, F_SEAL_GROW), -EPERM);
	EXPECT_EQ(AddSeals(fd2, F_SEAL_GROW), -EPERM);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SEAL), -EPERM);
	EXPECT_EQ(AddSeals(fd2, F_SEAL_SEAL), -EPERM);
	EXPECT_EQ(sys_close(t, fd2), 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_GROW), -EPERM);
	ExpectSeals(fd, all);
}

// mm/memfd.c: memfd_add_seals, memfd_wait_for_pins — a shared writable
// mapping makes F_SEAL_WRITE EBUSY (nothing added) but not other seals;
// a private read-only one does not count, and the seal goes on.
TEST_P(MemfdSelftestShare, Mmap)
{
	int64_t fd = New("kern_memfd_share_mmap", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ExpectSeals(fd, 0);
	int64_t p = Map(t, fd, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_GT(p, 0);
	if (idle) {
		EXPECT_NE(mm_vma_lookup(idle->mm, (uint64_t)p), nullptr);
	}
	EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), -EBUSY);
	ExpectSeals(fd, 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SHRINK), 0);
	ExpectSeals(fd, F_SEAL_SHRINK);
	Unmap(t, p);

	p = Map(t, fd, PROT_READ, MAP_PRIVATE);
	ASSERT_GT(p, 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), 0);
	ExpectSeals(fd, F_SEAL_WRITE | F_SEAL_SHRINK);
	Unmap(t, p);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// fs/proc/fd.c, mm/memfd.c: memfd_add_seals — an open of /proc/self/fd/N
// is a new file on the same inode: the seals are shared, but adding them
// needs a file open for writing: through an O_RDONLY open even
// F_SEAL_SEAL is EPERM; an O_RDWR open of that O_RDONLY one may.
TEST_P(MemfdSelftestShare, Open)
{
	int64_t fd = New("kern_memfd_share_open", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ExpectSeals(fd, 0);
	int64_t fd2 = Reopen(fd, kRdwr);
	ASSERT_GE(fd2, 0);
	EXPECT_NE(files_lookup(t->files, fd2), files_lookup(t->files, fd));   // not a dup
	EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), 0);
	ExpectSeals(fd, F_SEAL_WRITE);
	ExpectSeals(fd2, F_SEAL_WRITE);
	EXPECT_EQ(AddSeals(fd2, F_SEAL_SHRINK), 0);
	ExpectSeals(fd, F_SEAL_WRITE | F_SEAL_SHRINK);
	ExpectSeals(fd2, F_SEAL_WRITE | F_SEAL_SHRINK);

	EXPECT_EQ(sys_close(t, fd), 0);
	fd = Reopen(fd2, kRdonly);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SEAL), -EPERM);
	ExpectSeals(fd, F_SEAL_WRITE | F_SEAL_SHRINK);
	ExpectSeals(fd2, F_SEAL_WRITE | F_SEAL_SHRINK);

	EXPECT_EQ(sys_close(t, fd2), 0);
	fd2 = Reopen(fd, kRdwr);
	ASSERT_GE(fd2, 0);
	EXPECT_EQ(AddSeals(fd2, F_SEAL_SEAL), 0);
	ExpectSeals(fd, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_SEAL);
	ExpectSeals(fd2, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_SEAL);
	EXPECT_EQ(sys_close(t, fd2), 0);
	EXPECT_EQ(sys_close(t, fd), 0);
}

// kernel/fork.c: dup_fd — a forked child's copy of the fd table points at
// the same inode: F_SEAL_SEAL added while the child lives is seen by it,
// and F_SEAL_WRITE is EPERM before and after the child exits.
TEST_P(MemfdSelftestShare, Fork)
{
	int64_t fd = New("kern_memfd_share_fork", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ExpectSeals(fd, 0);
	struct task *child = Spawn(t, 0);   // spawn_idle_thread(0)
	ASSERT_NE(child, nullptr);
	EXPECT_NE(child->files, t->files);
	EXPECT_EQ(AddSeals(fd, F_SEAL_SEAL), 0);
	ExpectSeals(fd, F_SEAL_SEAL);
	EXPECT_EQ(Seals(child, fd), F_SEAL_SEAL);
	EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), -EPERM);
	ExpectSeals(fd, F_SEAL_SEAL);
	sys_exit(child);
	EXPECT_EQ(AddSeals(fd, F_SEAL_WRITE), -EPERM);
	ExpectSeals(fd, F_SEAL_SEAL);
	EXPECT_EQ(sys_close(t, fd), 0);
}

INSTANTIATE_TEST_SUITE_P(MemfdSelftest, MemfdSelftestShare, ::testing::Bool(),
			 [](const ::testing::TestParamInfo<bool> &info) {
				 return std::string(info.param ? "SharedFileTable" : "Alone");
			 });

}  // namespace
