// Processes in the model: fork's copy of an address space (core/fork.c),
// clone/unshare/exec/exit on the process table (core/tasks.c) and their
// syscall entries (syscalls/process.c), and what they do to memfd seals.
//
// The facts are 6.18.44's. Items marked "probed" were answered by small
// programs on this kernel (the report of the change lists them:
// clone/unshare errnos in forked children, namespace init exit, depth,
// clone3 arguments, exec of memfds); SysProcessLive runs fork scenarios
// for real and compares the child's /proc/PID/smaps with the model's.
#include "tests/shim_sys.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <regex>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/tasks.h"
#include "memfd/memfd.h"
#include "sysctl/pidns.h"
#include "tests/shim_fork_live.h"

namespace {

constexpr uint64_t PG = PAGE_SIZE;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t RO = PROT_READ;
constexpr uint64_t kSigchld = 17;
constexpr uint64_t kAddSeals = 1033, kGetSeals = 1034;
constexpr uint64_t kThread = CLONE_THREAD_FLAG | CLONE_SIGHAND_FLAG | CLONE_VM_FLAG;

// A machine with one process, pid 1000, as tasks_start makes it (root,
// fds 0-2 on a terminal, the initial pid namespace, an empty mm).
class ProcessTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		ASSERT_EQ(tasks_init(&tasks, &profile_linux_6_18), 0);
		p = tasks_start(&tasks, 1000);
		ASSERT_NE(p, nullptr);
	}
	void TearDown() override { tasks_destroy(&tasks); }

	static uint64_t P(int64_t i) { return shim_sys_page(i); }
	static std::string Draw(const struct task *t, vm_flags_t extras = 0)
	{
		return shim_sys_draw(t, extras);
	}
	static void Check(const struct task *t) { EXPECT_STREQ(shim_sys_check(t), ""); }
	static void Map(struct task *t, int64_t first, unsigned n, uint64_t prot, uint64_t extra = 0)
	{
		EXPECT_EQ(shim_sys_map(t, first, n, prot, extra), (int64_t)P(first));
		Check(t);
	}
	static void Touch(struct task *t, int64_t page)
	{
		EXPECT_EQ(sys_touch(t, P(page), true), 0);
	}
	static void Advise(struct task *t, int64_t first, unsigned n, int64_t advice)
	{
		EXPECT_EQ(sys_madvise(t, P(first), n * PG, advice), 0);
		Check(t);
	}
	static int64_t Protect(struct task *t, int64_t first, unsigned n, uint64_t prot)
	{
		int64_t ret = sys_mprotect(t, P(first), n * PG, prot);
		Check(t);
		return ret;
	}
	// fork(2) of t: the child task (nullptr, with a failure, if refused).
	struct task *Fork(struct task *t)
	{
		int64_t pid = sys_fork(t, 0);
		EXPECT_GT(pid, 0) << "fork refused: " << Rule(t);
		return pid > 0 ? tasks_find(&tasks, pid) : nullptr;
	}
	struct task *Clone(struct task *t, uint64_t flags)
	{
		int64_t pid = sys_clone(t, flags, 0);
		EXPECT_GT(pid, 0) << "clone refused: " << Rule(t);
		return pid > 0 ? tasks_find(&tasks, pid) : nullptr;
	}
	// A memfd of `pages` pages with `flags`.
	static int64_t Memfd(struct task *t, uint64_t flags, unsigned pages)
	{
		int64_t fd = sys_memfd_create(t, "m", flags);
		EXPECT_GE(fd, 0);
		EXPECT_EQ(sys_ftruncate(t, fd, pages * PG), 0);
		return fd;
	}
	static struct inode *Inode(const struct task *t, int64_t fd)
	{
		struct file *f = files_lookup(t->files, fd);
		return f ? f->inode : nullptr;
	}
	static bool Open(const struct task *t, int64_t fd) { return files_lookup(t->files, fd) != nullptr; }
	static std::string Rule(const struct task *t) { return t->refusal.rule ? t->refusal.rule : ""; }

	struct tasks tasks;
	struct task *p = nullptr;
};

// ---------------------------------------------------------------------------
// fork's copy of the address space (kernel/fork.c: dup_mmap), probed.

class SysProcessFork : public ProcessTest {};

// kernel/fork.c: dup_mmap copies every VMA with its flags: private,
// read-only, executable, shared anonymous, MADV_DONTDUMP; the child has
// its own mm and the same drawing.
TEST_F(SysProcessFork, CopiesEveryVmaWithItsFlags)
{
	const vm_flags_t extras = VM_ACCOUNT | VM_DONTDUMP | VM_SHARED;
	Map(p, 0, 2, RW);
	Touch(p, 0);
	Map(p, 3, 1, RO);
	Map(p, 5, 1, RW | PROT_EXEC);
	EXPECT_EQ(sys_mmap(p, P(7), 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (int64_t)P(7));
	Map(p, 10, 1, RW);
	Advise(p, 10, 1, MADV_DONTDUMP);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_NE(c->mm, p->mm);
	EXPECT_EQ(Draw(p, extras), "0-2:rw-p+ac 3-4:r--p 5-6:rwxp+ac 7-9:rw-s+sh 10-11:rw-p+ac+dd");
	EXPECT_EQ(Draw(c, extras), Draw(p, extras));
	EXPECT_EQ(mm_map_count(c->mm), mm_map_count(p->mm));
	Check(p);
	Check(c);
}

// VM_DONTCOPY (MADV_DONTFORK) leaves a hole in the child; the control is
// the same range after MADV_DOFORK, copied by the next fork.
TEST_F(SysProcessFork, DontforkVmaIsAbsentInChild)
{
	Map(p, 0, 3, RW);
	Advise(p, 1, 1, MADV_DONTFORK);
	EXPECT_EQ(Draw(p, VM_DONTCOPY), "0-1:rw-p 1-2:rw-p+dc 2-3:rw-p");
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Draw(c, VM_DONTCOPY), "0-1:rw-p 2-3:rw-p");
	EXPECT_EQ(sys_touch(c, P(1), false), -EFAULT);   // nothing there
	Check(c);

	Advise(p, 1, 1, MADV_DOFORK);
	EXPECT_EQ(Draw(p, VM_DONTCOPY), "0-3:rw-p");
	struct task *c2 = Fork(p);
	ASSERT_NE(c2, nullptr);
	EXPECT_EQ(Draw(c2, VM_DONTCOPY), "0-3:rw-p");
	Check(c2);
}

// VM_WIPEONFORK: the child has the VMA with its flags, `gu` included, but
// neither its pages (no anon_vma) nor its guard markers: the guard page
// that faults in the parent is readable in the child (probed).
TEST_F(SysProcessFork, WipeonforkKeepsFlagsNotPagesNorGuards)
{
	Map(p, 0, 4, RW);
	Advise(p, 0, 4, MADV_WIPEONFORK);
	Touch(p, 0);
	Advise(p, 2, 1, MADV_GUARD_INSTALL);
	const vm_flags_t extras = VM_MAYBE_GUARD | VM_WIPEONFORK;
	EXPECT_EQ(Draw(p, extras), "0-4:rw-p+gu+wf");
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Draw(c, extras), "0-4:rw-p+gu+wf");
	EXPECT_NE(mm_vma_lookup(p->mm, P(0))->anon_vma, 0u);
	EXPECT_EQ(mm_vma_lookup(c->mm, P(0))->anon_vma, 0u);
	EXPECT_EQ(sys_touch(p, P(2), false), -EFAULT);
	EXPECT_EQ(sys_touch(c, P(2), false), 0);
	EXPECT_EQ(c->mm->guards.n, 0u);
	Check(c);
}

// Guard markers outside wipe-on-fork VMAs go with the page tables, also
// in a MAP_SHARED one: the child's touch faults (sys_touch EFAULT) on the
// guarded page and not on its neighbour (probed).
TEST_F(SysProcessFork, GuardMarkersAreCopied)
{
	Map(p, 0, 2, RW);
	Advise(p, 1, 1, MADV_GUARD_INSTALL);
	ASSERT_EQ(sys_mmap(p, P(4), 2 * PG, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (int64_t)P(4));
	Advise(p, 5, 1, MADV_GUARD_INSTALL);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Draw(c, VM_MAYBE_GUARD), "0-2:rw-p+gu 4-6:rw-s+gu");
	EXPECT_EQ(sys_touch(c, P(1), false), -EFAULT);
	EXPECT_EQ(sys_touch(c, P(5), true), -EFAULT);
	EXPECT_EQ(sys_touch(c, P(0), true), 0);
	EXPECT_EQ(sys_touch(c, P(4), true), 0);
	Check(c);
}

// VM_LOCKED ('lo') is not inherited (kernel/fork.c: dup_mmap clears
// VM_LOCKED_MASK); the parent keeps it (probed).
TEST_F(SysProcessFork, LockedIsDroppedInChild)
{
	Map(p, 0, 2, RW, MAP_LOCKED);
	Map(p, 3, 1, RW);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Draw(p, VM_LOCKED), "0-2:rw-p+lo 3-4:rw-p");
	EXPECT_EQ(Draw(c, VM_LOCKED), "0-2:rw-p 3-4:rw-p");
	Check(c);
}

// VM_SEALED stays: the child's munmap of the sealed page is EPERM and
// leaves it; the unsealed neighbour unmaps (mm/vma.c: vms_gather_munmap_vmas).
TEST_F(SysProcessFork, SealIsKeptInChild)
{
	Map(p, 0, 2, RW);
	EXPECT_EQ(sys_mseal(p, P(0), PG, 0), 0);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Draw(c), "0-1:rw-p+S 1-2:rw-p");
	EXPECT_EQ(sys_munmap(c, P(0), PG), -EPERM);
	EXPECT_EQ(sys_munmap(c, P(1), PG), 0);
	EXPECT_EQ(Draw(c), "0-1:rw-p+S");
	EXPECT_EQ(Draw(p), "0-1:rw-p+S 1-2:rw-p");
	Check(c);
}

// mm/rmap.c: anon_vma_fork: each VMA of the child gets an anon_vma of its
// own, even two halves that shared one in the parent; made equal again by
// mprotect they merge in the parent and not in the child (probed).
TEST_F(SysProcessFork, HalvesOfOneAnonVmaDoNotMergeInChild)
{
	Map(p, 0, 4, RW);
	Touch(p, 0);
	ASSERT_EQ(Protect(p, 2, 2, RO), 0);
	ASSERT_EQ(mm_vma_lookup(p->mm, P(0))->anon_vma, mm_vma_lookup(p->mm, P(2))->anon_vma);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	const struct vma *lo = mm_vma_lookup(c->mm, P(0)), *hi = mm_vma_lookup(c->mm, P(2));
	ASSERT_NE(lo, nullptr);
	ASSERT_NE(hi, nullptr);
	EXPECT_NE(lo->anon_vma, hi->anon_vma);
	EXPECT_TRUE(vma_is_fork_child(lo));
	EXPECT_TRUE(vma_is_fork_child(hi));
	EXPECT_FALSE(vma_is_fork_child(mm_vma_lookup(p->mm, P(0))));

	EXPECT_EQ(Protect(c, 2, 2, RW), 0);
	EXPECT_EQ(Draw(c), "0-2:rw-p 2-4:rw-p");
	EXPECT_EQ(Protect(p, 2, 2, RW), 0);
	EXPECT_EQ(Draw(p), "0-4:rw-p");
}

// mm/vma.c: is_mergeable_anon_vma: a fork child's faulted VMA neither
// lends its anon_vma to an unfaulted neighbour nor takes it in: mprotect
// of the neighbour to rw leaves two VMAs in the child, one in the parent
// (probed).
TEST_F(SysProcessFork, FaultedForkChildDoesNotMergeWithUnfaultedNeighbour)
{
	Map(p, 0, 4, RW);
	Touch(p, 0);
	Map(p, 4, 1, RO);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Protect(c, 4, 1, RW), 0);
	EXPECT_EQ(Draw(c), "0-4:rw-p 4-5:rw-p");
	EXPECT_EQ(Protect(p, 4, 1, RW), 0);
	EXPECT_EQ(Draw(p), "0-5:rw-p");
}

// The control: two unfaulted VMAs merge in the child as anywhere (probed).
TEST_F(SysProcessFork, UnfaultedVmasMergeInChild)
{
	Map(p, 0, 4, RW);
	Map(p, 4, 1, RO);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Protect(c, 4, 1, RW), 0);
	EXPECT_EQ(Draw(c), "0-5:rw-p");
}

// ---------------------------------------------------------------------------
// F_SEAL_WRITE and the shared writable mappings of every process
// (mm/memfd.c: memfd_wait_for_pins, mapping_writably_mapped), probed.

class SysProcessSealWrite : public ProcessTest {};

// A fork child's copy of a shared writable mapping keeps F_SEAL_WRITE at
// EBUSY after the parent unmapped its own; the child's munmap frees it.
TEST_F(SysProcessSealWrite, BusyWhileForkChildMapsItShared)
{
	int64_t fd = Memfd(p, MFD_ALLOW_SEALING, 4);
	ASSERT_EQ(sys_mmap(p, P(0), PG, RW, MAP_SHARED | MAP_FIXED, fd, 0), (int64_t)P(0));
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Inode(p, fd)->shared_maywrite_maps, 2u);
	ASSERT_EQ(sys_munmap(p, P(0), PG), 0);
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), -EBUSY);
	EXPECT_EQ(sys_fcntl(p, fd, kGetSeals, 0), 0);
	ASSERT_EQ(sys_munmap(c, P(0), PG), 0);
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), 0);
	EXPECT_EQ(sys_fcntl(c, fd, kGetSeals, 0), F_SEAL_WRITE);
	Check(c);
}

// The same, freed by the child's exit instead of its munmap.
TEST_F(SysProcessSealWrite, FreeAfterTheChildExits)
{
	int64_t fd = Memfd(p, MFD_ALLOW_SEALING, 4);
	ASSERT_EQ(sys_mmap(p, P(0), PG, RW, MAP_SHARED | MAP_FIXED, fd, 0), (int64_t)P(0));
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	ASSERT_EQ(sys_munmap(p, P(0), PG), 0);
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), -EBUSY);
	int64_t cpid = c->pid;
	sys_exit(c);
	EXPECT_EQ(tasks_find(&tasks, cpid), nullptr);
	EXPECT_EQ(Inode(p, fd)->shared_maywrite_maps, 0u);
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), 0);
}

// A MAP_SHARED mapping through a read-only reopen (/proc/self/fd/N,
// O_RDONLY) has no VM_MAYWRITE and does not count, in parent or child;
// the control, PROT_READ through the O_RDWR fd, does.
TEST_F(SysProcessSealWrite, ReadOnlyReopenSharedMappingDoesNotCount)
{
	int64_t fd = Memfd(p, MFD_ALLOW_SEALING, 4);
	std::string path = "/proc/self/fd/" + std::to_string(fd);
	int64_t rofd = sys_openat(p, AT_FDCWD, path.c_str(), O_RDONLY, 0);
	ASSERT_GE(rofd, 0);

	ASSERT_EQ(sys_mmap(p, P(0), PG, RO, MAP_SHARED | MAP_FIXED, fd, 0), (int64_t)P(0));
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	ASSERT_EQ(sys_munmap(p, P(0), PG), 0);
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), -EBUSY);   // the child's copy
	ASSERT_EQ(sys_munmap(c, P(0), PG), 0);

	ASSERT_EQ(sys_mmap(p, P(0), PG, RO, MAP_SHARED | MAP_FIXED, rofd, 0), (int64_t)P(0));
	struct task *c2 = Fork(p);
	ASSERT_NE(c2, nullptr);
	EXPECT_EQ(Draw(c2, VM_SHARED | VM_MAYWRITE), "0-1:r--s");
	EXPECT_EQ(Inode(p, fd)->shared_maywrite_maps, 0u);
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), 0);
	Check(c2);
}

// A private mapping never counts, in the child either.
TEST_F(SysProcessSealWrite, PrivateMappingDoesNotCount)
{
	int64_t fd = Memfd(p, MFD_ALLOW_SEALING, 4);
	ASSERT_EQ(sys_mmap(p, P(0), PG, RW, MAP_PRIVATE | MAP_FIXED, fd, 0), (int64_t)P(0));
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Draw(c), "0-1:rw-p");
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), 0);
}

// A shared writable mapping marked MADV_DONTFORK is not copied, so only
// the parent's counts (kernel/fork.c: dup_mmap skips VM_DONTCOPY).
TEST_F(SysProcessSealWrite, DontforkSharedMappingIsNotTheChilds)
{
	int64_t fd = Memfd(p, MFD_ALLOW_SEALING, 4);
	ASSERT_EQ(sys_mmap(p, P(0), PG, RW, MAP_SHARED | MAP_FIXED, fd, 0), (int64_t)P(0));
	Advise(p, 0, 1, MADV_DONTFORK);
	struct task *c = Fork(p);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(Draw(c), "");
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), -EBUSY);   // the parent's own
	ASSERT_EQ(sys_munmap(p, P(0), PG), 0);
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), 0);
}

// ---------------------------------------------------------------------------
// exec of a descriptor (fs/exec.c: do_open_execat, fs/namei.c:
// generic_permission, search_binary_handler), probed with execveat(fd,
// "", AT_EMPTY_PATH) and execve("/proc/self/fd/N") of memfds.

class SysProcessExec : public ProcessTest {
protected:
	int64_t ExecFd(int64_t fd) { return sys_execveat(p, fd, "", AT_EMPTY_PATH); }
	std::string FdPath(int64_t fd) { return "/proc/self/fd/" + std::to_string(fd); }
};

// An empty MFD_EXEC memfd is no program: ENOEXEC, and nothing changes;
// the control, the same memfd one page long, execs: the mm is new and
// empty (the sealed VMA is gone), the close-on-exec fd is closed, the
// others stay.
TEST_F(SysProcessExec, EmptyMemfdIsEnoexecNonEmptyExecs)
{
	int64_t fd = sys_memfd_create(p, "prog", MFD_EXEC);
	int64_t cloexec = sys_memfd_create(p, "c", MFD_CLOEXEC);
	ASSERT_GE(fd, 0);
	ASSERT_GE(cloexec, 0);
	Map(p, 0, 2, RW);
	ASSERT_EQ(sys_mseal(p, P(0), PG, 0), 0);

	EXPECT_EQ(ExecFd(fd), -ENOEXEC);
	EXPECT_EQ(Draw(p), "0-1:rw-p+S 1-2:rw-p");
	EXPECT_TRUE(Open(p, cloexec));

	ASSERT_EQ(sys_ftruncate(p, fd, PG), 0);
	EXPECT_EQ(ExecFd(fd), 0);
	EXPECT_EQ(Draw(p), "");
	EXPECT_EQ(mm_map_count(p->mm), 0u);
	EXPECT_FALSE(Open(p, cloexec));
	EXPECT_TRUE(Open(p, fd));
	EXPECT_TRUE(Open(p, 0));
	EXPECT_EQ(p->pid, 1000);
	Check(p);
}

// MFD_NOEXEC_SEAL gives mode 0666: EACCES, however long the file.
TEST_F(SysProcessExec, NoexecSealMemfdIsEacces)
{
	int64_t fd = Memfd(p, MFD_NOEXEC_SEAL, 1);
	EXPECT_EQ(ExecFd(fd), -EACCES);
	EXPECT_EQ(sys_execve(p, FdPath(fd).c_str()), -EACCES);
	int64_t ok = Memfd(p, MFD_EXEC, 1);
	EXPECT_EQ(ExecFd(ok), 0);
}

// generic_permission wants an exec bit, even for root: 0666 is EACCES;
// 0100 (owner) and 0001 (other) exec.
TEST_F(SysProcessExec, ModeBitsDecide)
{
	int64_t fd = Memfd(p, MFD_EXEC, 1);
	ASSERT_EQ(sys_fchmod(p, fd, 0666), 0);
	EXPECT_EQ(ExecFd(fd), -EACCES);
	ASSERT_EQ(sys_fchmod(p, fd, 0100), 0);
	EXPECT_EQ(ExecFd(fd), 0);
	ASSERT_EQ(sys_fchmod(p, fd, 0001), 0);
	EXPECT_EQ(ExecFd(fd), 0);
}

// A descriptor that is not open is EBADF; a terminal (fd 0) and the
// /proc/sys file are EACCES; the executable memfd beside them execs.
TEST_F(SysProcessExec, BadFdTerminalAndSysctl)
{
	int64_t good = Memfd(p, MFD_EXEC, 1);
	int64_t sysctl = sys_openat(p, AT_FDCWD, "/proc/sys/vm/memfd_noexec", O_RDONLY, 0);
	ASSERT_GE(sysctl, 0);
	EXPECT_EQ(ExecFd(99), -EBADF);
	EXPECT_EQ(ExecFd(0), -EACCES);
	EXPECT_EQ(ExecFd(sysctl), -EACCES);
	EXPECT_EQ(sys_execve(p, FdPath(0).c_str()), -EACCES);
	EXPECT_TRUE(Open(p, sysctl));
	EXPECT_EQ(ExecFd(good), 0);
}

// A shared writable mapping of the memfd does not stop its exec (it is
// i_mmap_writable, not a writer of the file); the mapping goes with the
// old mm, so F_SEAL_WRITE, EBUSY before, succeeds after.
TEST_F(SysProcessExec, SharedWritableMappingStillExecs)
{
	int64_t fd = Memfd(p, MFD_EXEC | MFD_ALLOW_SEALING, 2);
	ASSERT_EQ(sys_mmap(p, P(0), PG, RW, MAP_SHARED | MAP_FIXED, fd, 0), (int64_t)P(0));
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), -EBUSY);
	EXPECT_EQ(ExecFd(fd), 0);
	EXPECT_EQ(Draw(p), "");
	EXPECT_EQ(sys_fcntl(p, fd, kAddSeals, F_SEAL_WRITE), 0);
}

// fs/exec.c: exe_file_deny_write_access — a reopen of the memfd for
// writing (O_RDWR, O_WRONLY) makes exec ETXTBSY until it is closed; a
// read-only reopen and memfd_create's own read-write descriptor do not
// count (probed on 6.18.44).
TEST_F(SysProcessExec, OpenForWritingIsEtxtbsy)
{
	int64_t fd = Memfd(p, MFD_EXEC, 2);
	int64_t ro = sys_openat(p, -100, FdPath(fd).c_str(), 0 /* O_RDONLY */, 0);
	ASSERT_GE(ro, 0);
	int64_t wo = sys_openat(p, -100, FdPath(fd).c_str(), 1 /* O_WRONLY */, 0);
	ASSERT_GE(wo, 0);
	EXPECT_EQ(ExecFd(fd), -ETXTBSY);
	EXPECT_EQ(ExecFd(ro), -ETXTBSY);
	ASSERT_EQ(sys_close(p, wo), 0);
	int64_t rw = sys_openat(p, -100, FdPath(fd).c_str(), 2 /* O_RDWR */, 0);
	ASSERT_GE(rw, 0);
	EXPECT_EQ(ExecFd(fd), -ETXTBSY);
	ASSERT_EQ(sys_close(p, rw), 0);
	EXPECT_EQ(ExecFd(ro), 0);   // control: only readers and memfd_create's fd
}

// execve("/proc/self/fd/N") checks the file as execveat does:
// empty ENOEXEC, a closed N ENOENT, /dev/fd/N and /proc/PID/fd/N the
// same file; a usable one execs.
TEST_F(SysProcessExec, ExecveOfProcSelfFd)
{
	int64_t empty = sys_memfd_create(p, "e", MFD_EXEC);
	int64_t fd = Memfd(p, MFD_EXEC, 1);
	ASSERT_GE(empty, 0);
	EXPECT_EQ(sys_execve(p, FdPath(empty).c_str()), -ENOEXEC);
	EXPECT_EQ(sys_execve(p, "/proc/self/fd/77"), -ENOENT);
	EXPECT_EQ(sys_execve(p, ("/dev/fd/" + std::to_string(empty)).c_str()), -ENOEXEC);
	EXPECT_EQ(sys_execve(p, ("/proc/1000/fd/" + std::to_string(empty)).c_str()), -ENOEXEC);
	Map(p, 0, 1, RW);
	EXPECT_EQ(sys_execve(p, FdPath(fd).c_str()), 0);
	EXPECT_EQ(Draw(p), "");
}

// fs/namei.c: getname_uflags, then fs/exec.c: do_open_execat: an empty
// path without AT_EMPTY_PATH is ENOENT before unknown flags are looked
// at ("" with 0x4: ENOENT); with AT_EMPTY_PATH they are EINVAL, before
// the fd (99: EINVAL, not EBADF); a NULL path is EFAULT (probed). The
// control with AT_EMPTY_PATH execs.
TEST_F(SysProcessExec, ExecveatArgumentOrder)
{
	int64_t fd = Memfd(p, MFD_EXEC, 1);
	EXPECT_EQ(sys_execveat(p, fd, "", 0), -ENOENT);
	EXPECT_EQ(sys_execveat(p, fd, "", 0x4), -ENOENT);
	EXPECT_EQ(sys_execveat(p, 99, "", 0x4), -ENOENT);
	EXPECT_EQ(sys_execveat(p, fd, "", AT_EMPTY_PATH | 0x4), -EINVAL);
	EXPECT_EQ(sys_execveat(p, 99, "", AT_EMPTY_PATH | 0x4), -EINVAL);
	EXPECT_EQ(sys_execveat(p, fd, nullptr, AT_EMPTY_PATH), -EFAULT);
	Map(p, 0, 1, RW);
	EXPECT_EQ(Draw(p), "0-1:rw-p");
	EXPECT_EQ(sys_execveat(p, fd, "", AT_EMPTY_PATH), 0);
	EXPECT_EQ(Draw(p), "");
}

// ---------------------------------------------------------------------------
// clone and unshare flag rules (kernel/fork.c: copy_process,
// clone3_args_valid, ksys_unshare; kernel/nsproxy.c), probed in forked
// children on 6.18.44.

class SysProcessClone : public ProcessTest {};

// Threads share signal handlers (CLONE_THREAD needs CLONE_SIGHAND) and
// shared handlers need a shared mm (CLONE_SIGHAND needs CLONE_VM):
// EINVAL, no task made; the controls make one.
TEST_F(SysProcessClone, ThreadNeedsSighandNeedsVm)
{
	EXPECT_EQ(sys_clone(p, CLONE_THREAD_FLAG | CLONE_VM_FLAG, 0), -EINVAL);
	EXPECT_EQ(sys_clone(p, CLONE_SIGHAND_FLAG | kSigchld, 0), -EINVAL);
	EXPECT_EQ(p->refusal.err, EINVAL);
	EXPECT_NE(Rule(p).find("copy_process"), std::string::npos) << Rule(p);
	EXPECT_EQ(tasks.count, 1u);
	EXPECT_GT(sys_clone(p, CLONE_SIGHAND_FLAG | CLONE_VM_FLAG | kSigchld, 0), 0);
	int64_t tid = sys_clone(p, kThread, 0);
	ASSERT_GT(tid, 0);
	EXPECT_EQ(tasks_find(&tasks, tid)->tgid, 1000);
	EXPECT_EQ(tasks.count, 3u);
}

// A thread cannot go into a new pid namespace (CLONE_NEWPID|CLONE_THREAD
// EINVAL), nor be made after unshare(CLONE_NEWPID) moved where children
// go; a non-thread CLONE_SIGHAND|CLONE_VM child still can.
TEST_F(SysProcessClone, NoThreadAcrossPidNamespaces)
{
	EXPECT_EQ(sys_clone(p, kThread | CLONE_NEWPID_FLAG, 0), -EINVAL);
	ASSERT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), 0);
	EXPECT_EQ(sys_clone(p, kThread, 0), -EINVAL);
	EXPECT_EQ(tasks.count, 1u);
	struct task *c = Clone(p, CLONE_SIGHAND_FLAG | CLONE_VM_FLAG | kSigchld);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(c->pidns, p->pidns_for_children);
	EXPECT_NE(c->pidns, p->pidns);
}

// kernel/pid_namespace.c: copy_pid_ns: one pending namespace: a second
// unshare(CLONE_NEWPID) is EINVAL, before the first child and after it,
// and so is clone(CLONE_NEWPID) (probed at level 1 and 31). The control:
// a task that never unshared makes one with clone.
TEST_F(SysProcessClone, OnePendingPidNamespace)
{
	ASSERT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), 0);
	struct pidns *pending = p->pidns_for_children;
	EXPECT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), -EINVAL);
	EXPECT_EQ(sys_clone(p, CLONE_NEWPID_FLAG | kSigchld, 0), -EINVAL);
	struct task *init = Fork(p);
	ASSERT_NE(init, nullptr);
	EXPECT_EQ(init->pidns, pending);
	EXPECT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), -EINVAL);
	EXPECT_EQ(p->pidns_for_children, pending);

	struct task *inner = Clone(init, CLONE_NEWPID_FLAG | kSigchld);
	ASSERT_NE(inner, nullptr);
	EXPECT_EQ(inner->pidns->parent, pending);
	EXPECT_EQ(inner->pidns->level, 2u);
}

// The first task made in a new namespace is its init; when it exits,
// every task of the namespace and of those below it is gone, and fork
// into it is ENOMEM (`unshare -p` without -f; probed: the namespace's
// other process was ESRCH and fork ENOMEM). Tasks outside live on.
TEST_F(SysProcessClone, InitExitEmptiesItsNamespace)
{
	ASSERT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), 0);
	struct task *init = Fork(p);
	ASSERT_NE(init, nullptr);
	EXPECT_EQ(init->pidns->init_pid, init->pid);
	struct task *a = Fork(init);
	ASSERT_NE(a, nullptr);
	ASSERT_EQ(sys_unshare(a, CLONE_NEWPID_FLAG), 0);
	struct task *deeper = Fork(a);
	ASSERT_NE(deeper, nullptr);
	struct task *second = Fork(p);   // into the namespace too: p's children go there
	ASSERT_NE(second, nullptr);
	struct task *sibling = Clone(p, kSigchld);
	ASSERT_NE(sibling, nullptr);
	int64_t gone[] = { init->pid, a->pid, deeper->pid, second->pid, sibling->pid };
	EXPECT_EQ(tasks.count, 6u);

	sys_exit(init);
	for (int64_t pid : gone)
		EXPECT_EQ(tasks_find(&tasks, pid), nullptr) << pid;
	EXPECT_EQ(tasks.count, 1u);
	EXPECT_EQ(tasks_find(&tasks, 1000), p);
	EXPECT_EQ(sys_fork(p, 0), -ENOMEM);
	EXPECT_EQ(sys_clone(p, kThread, 0), -EINVAL);   // probed: still the thread rule
	EXPECT_EQ(tasks.count, 1u);
}

// kernel/exit.c: find_child_reaper: the namespace's init is its whole
// thread group; after the leader's exit(2) another thread keeps it (and
// its processes) alive and may fork; the group's last exit empties it
// (probed).
TEST_F(SysProcessClone, InitsOtherThreadKeepsTheNamespace)
{
	ASSERT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), 0);
	struct task *init = Fork(p);
	ASSERT_NE(init, nullptr);
	struct task *thread = Clone(init, kThread);
	ASSERT_NE(thread, nullptr);
	struct task *other = Fork(init);
	ASSERT_NE(other, nullptr);
	int64_t other_pid = other->pid, thread_pid = thread->pid;

	sys_exit(init);
	ASSERT_EQ(tasks_find(&tasks, thread_pid), thread);
	EXPECT_EQ(tasks_find(&tasks, other_pid), other);
	struct task *more = Fork(thread);
	ASSERT_NE(more, nullptr);
	int64_t more_pid = more->pid;
	EXPECT_GT(sys_fork(p, 0), 0);

	sys_exit(thread);
	EXPECT_EQ(tasks_find(&tasks, other_pid), nullptr);
	EXPECT_EQ(tasks_find(&tasks, more_pid), nullptr);
	EXPECT_EQ(sys_fork(p, 0), -ENOMEM);
}

// kernel/pid_namespace.c: create_pid_namespace: MAX_PID_NS_LEVEL is 32;
// unshare or clone(CLONE_NEWPID) by a task at level 32 is ENOSPC (probed:
// 32 nested unshare+fork steps worked, the 33rd unshare and clone were
// ENOSPC); at level 31 clone(CLONE_NEWPID) still works.
TEST_F(SysProcessClone, PidNamespaceDepthLimit)
{
	struct task *t = p;
	for (unsigned level = 1; level <= 31; level++) {
		ASSERT_EQ(sys_unshare(t, CLONE_NEWPID_FLAG), 0) << level;
		t = Fork(t);
		ASSERT_NE(t, nullptr);
		ASSERT_EQ(t->pidns->level, level);
	}
	struct task *at32 = Clone(t, CLONE_NEWPID_FLAG | kSigchld);
	ASSERT_NE(at32, nullptr);
	EXPECT_EQ(at32->pidns->level, 32u);
	EXPECT_EQ(sys_unshare(at32, CLONE_NEWPID_FLAG), -ENOSPC);
	EXPECT_NE(Rule(at32).find("create_pid_namespace"), std::string::npos) << Rule(at32);
	EXPECT_EQ(sys_clone(at32, CLONE_NEWPID_FLAG | kSigchld, 0), -ENOSPC);
	EXPECT_EQ(at32->pidns_for_children, at32->pidns);
	EXPECT_GT(sys_fork(at32, 0), 0);   // a plain fork stays at 32
}

// kernel/nsproxy.c: copy_namespaces / unshare_nsproxy_namespaces: without
// CAP_SYS_ADMIN a new namespace is EPERM, unless a new user namespace in
// the same call brings the capability (probed as uid 65534:
// CLONE_NEWUSER and CLONE_NEWUSER|CLONE_NEWPID work, by clone and by
// unshare). The flag rules come first: a thread into a new pid namespace
// is EINVAL even then.
TEST_F(SysProcessClone, NamespacesNeedCapSysAdmin)
{
	p->cap_sys_admin = false;
	EXPECT_EQ(sys_clone(p, CLONE_NEWPID_FLAG | kSigchld, 0), -EPERM);
	EXPECT_EQ(sys_clone(p, CLONE_NEWUTS_FLAG | kSigchld, 0), -EPERM);
	EXPECT_EQ(sys_clone(p, kThread | CLONE_NEWPID_FLAG, 0), -EINVAL);
	EXPECT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), -EPERM);
	EXPECT_EQ(p->pidns_for_children, p->pidns);
	EXPECT_EQ(tasks.count, 1u);

	EXPECT_GT(sys_clone(p, CLONE_NEWUSER_FLAG | kSigchld, 0), 0);
	struct task *c = Clone(p, CLONE_NEWUSER_FLAG | CLONE_NEWPID_FLAG | kSigchld);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(c->pidns->level, 1u);
	EXPECT_EQ(sys_unshare(p, CLONE_NEWUSER_FLAG | CLONE_NEWPID_FLAG), 0);
	EXPECT_NE(p->pidns_for_children, p->pidns);
}

// copy_namespaces: CLONE_NEWIPC with CLONE_SYSVSEM (a shared undo list)
// is EINVAL as root and EPERM without the capability, which is checked
// first (probed); CLONE_NEWIPC alone works as root.
TEST_F(SysProcessClone, NewIpcWithSysvsem)
{
	const uint64_t both = CLONE_NEWIPC_FLAG | CLONE_SYSVSEM_FLAG | kSigchld;
	EXPECT_EQ(sys_clone(p, both, 0), -EINVAL);
	EXPECT_GT(sys_clone(p, CLONE_NEWIPC_FLAG | kSigchld, 0), 0);
	p->cap_sys_admin = false;
	EXPECT_EQ(sys_clone(p, both, 0), -EPERM);
}

// copy_process: a namespace's init may not make siblings
// (CLONE_PARENT, SIGNAL_UNKILLABLE): EINVAL (probed); another task of
// the namespace may.
TEST_F(SysProcessClone, CloneParentFromNamespaceInit)
{
	ASSERT_EQ(sys_unshare(p, CLONE_NEWPID_FLAG), 0);
	struct task *init = Fork(p);
	ASSERT_NE(init, nullptr);
	EXPECT_EQ(sys_clone(init, CLONE_PARENT_FLAG | kSigchld, 0), -EINVAL);
	struct task *c = Fork(init);
	ASSERT_NE(c, nullptr);
	EXPECT_GT(sys_clone(c, CLONE_PARENT_FLAG | kSigchld, 0), 0);
}

// clone3's own checks (copy_clone_args_from_user, clone3_args_valid),
// probed: exit_signal 0x100, 65 and 0xff EINVAL, 64 taken; CSIGNAL bits
// or CLONE_DETACHED in flags EINVAL, but bit 0x80 is CLONE_NEWTIME and
// taken (EPERM without CAP_SYS_ADMIN); an exit signal with CLONE_THREAD
// or CLONE_PARENT EINVAL, without one taken; CLONE_SIGHAND with
// CLONE_CLEAR_SIGHAND EINVAL; unknown flags EINVAL.
TEST_F(SysProcessClone, Clone3Arguments)
{
	EXPECT_EQ(sys_clone3(p, 0, 0x100, 0), -EINVAL);
	EXPECT_EQ(sys_clone3(p, 0, 65, 0), -EINVAL);
	EXPECT_EQ(sys_clone3(p, 0, 0xff, 0), -EINVAL);
	EXPECT_GT(sys_clone3(p, 0, 64, 0), 0);
	EXPECT_GT(sys_clone3(p, 0, kSigchld, 0), 0);
	EXPECT_EQ(sys_clone3(p, kSigchld, 0, 0), -EINVAL);
	EXPECT_EQ(sys_clone3(p, 0x01, kSigchld, 0), -EINVAL);
	EXPECT_EQ(sys_clone3(p, CLONE_DETACHED_FLAG, kSigchld, 0), -EINVAL);
	EXPECT_EQ(sys_clone3(p, UINT64_C(1) << 34, kSigchld, 0), -EINVAL);
	EXPECT_EQ(sys_clone3(p, kThread, kSigchld, 0), -EINVAL);
	EXPECT_GT(sys_clone3(p, kThread, 0, 0), 0);
	EXPECT_EQ(sys_clone3(p, CLONE_PARENT_FLAG, kSigchld, 0), -EINVAL);
	EXPECT_GT(sys_clone3(p, CLONE_PARENT_FLAG, 0, 0), 0);
	EXPECT_EQ(sys_clone3(p, CLONE_SIGHAND_FLAG | CLONE_VM_FLAG | CLONE_CLEAR_SIGHAND_FLAG, kSigchld, 0),
		  -EINVAL);
	EXPECT_EQ(sys_clone3(p, CLONE_THREAD_FLAG | CLONE_VM_FLAG, 0, 0), -EINVAL);   // copy_process's
	EXPECT_GT(sys_clone3(p, CLONE_NEWTIME_FLAG, kSigchld, 0), 0);
	p->cap_sys_admin = false;
	EXPECT_EQ(sys_clone3(p, CLONE_NEWTIME_FLAG, kSigchld, 0), -EPERM);
	EXPECT_GT(sys_clone3(p, CLONE_NEWTIME_FLAG | CLONE_NEWUSER_FLAG, kSigchld, 0), 0);
	EXPECT_EQ(tasks.count, 7u);
}

// Legacy clone: the low byte is the exit signal whatever it holds, so
// clone(0x80) is a plain child, not a time namespace: no EPERM without
// the capability (probed: 0 as uid 65534).
TEST_F(SysProcessClone, LegacyCloneLowByteIsTheExitSignal)
{
	p->cap_sys_admin = false;
	EXPECT_EQ(sys_clone3(p, CLONE_NEWTIME_FLAG, kSigchld, 0), -EPERM);
	struct task *c = Clone(p, 0x80);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(c->pidns, p->pidns);
}

// ---------------------------------------------------------------------------
// Shared and copied state: CLONE_VM, CLONE_FILES, exec of a thread,
// exit (kernel/fork.c: copy_mm, copy_files; fs/exec.c: de_thread,
// begin_new_exec; kernel/exit.c), probed.

class SysProcessShare : public ProcessTest {};

// CLONE_VM: one mm; a mapping the child makes is the parent's too. The
// control: a fork child's mapping is its own.
TEST_F(SysProcessShare, CloneVmSharesTheMm)
{
	struct task *c = Clone(p, CLONE_VM_FLAG | kSigchld);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(c->mm, p->mm);
	Map(c, 0, 1, RO);
	EXPECT_EQ(Draw(p), "0-1:r--p");
	struct task *f = Fork(p);
	ASSERT_NE(f, nullptr);
	Map(f, 2, 1, RO);
	EXPECT_EQ(Draw(p), "0-1:r--p");
	EXPECT_EQ(Draw(f), "0-1:r--p 2-3:r--p");
	struct task *v = tasks_find(&tasks, sys_vfork(p, 0));
	ASSERT_NE(v, nullptr);
	EXPECT_EQ(v->mm, p->mm);
}

// CLONE_FILES: one fd table; the child's close closes the parent's fd
// (probed: EBADF in the parent). The control: a fork child's close does
// not.
TEST_F(SysProcessShare, CloneFilesSharesTheFdTable)
{
	int64_t fd = Memfd(p, 0, 1);
	struct task *f = Fork(p);
	ASSERT_NE(f, nullptr);
	EXPECT_EQ(sys_close(f, fd), 0);
	EXPECT_EQ(sys_fcntl(p, fd, kGetSeals, 0), F_SEAL_SEAL);
	struct task *c = Clone(p, CLONE_FILES_FLAG | kSigchld);
	ASSERT_NE(c, nullptr);
	EXPECT_EQ(c->files, p->files);
	EXPECT_EQ(sys_close(c, fd), 0);
	EXPECT_EQ(sys_fcntl(p, fd, kGetSeals, 0), -EBADF);
}

// fs/exec.c: de_thread: a thread that is not the leader takes the
// group's pid when it execs, and the other threads are gone (probed: the
// new program's pid was the old leader's).
TEST_F(SysProcessShare, ExecByNonLeaderThreadTakesTheGroupsPid)
{
	Map(p, 0, 1, RW);
	struct task *t1 = Clone(p, kThread | CLONE_FILES_FLAG);
	struct task *t2 = Clone(p, kThread | CLONE_FILES_FLAG);
	ASSERT_NE(t1, nullptr);
	ASSERT_NE(t2, nullptr);
	int64_t t1_pid = t1->pid, t2_pid = t2->pid;
	struct task *other = Fork(p);
	ASSERT_NE(other, nullptr);
	EXPECT_EQ(tasks.count, 4u);

	EXPECT_EQ(sys_execve(t1, "/bin/true"), 0);
	EXPECT_EQ(t1->pid, 1000);
	EXPECT_EQ(tasks_find(&tasks, 1000), t1);
	EXPECT_EQ(tasks_find(&tasks, t1_pid), nullptr);
	EXPECT_EQ(tasks_find(&tasks, t2_pid), nullptr);
	EXPECT_EQ(tasks.count, 2u);   // t1 and the forked process
	EXPECT_EQ(Draw(t1), "");
	EXPECT_EQ(Draw(other), "0-1:rw-p");
	EXPECT_EQ(t1->mm->users, 1u);
	EXPECT_EQ(t1->files->refs, 1u);
}

// begin_new_exec: unshare_files: a process sharing its fd table
// (CLONE_FILES) gets its own copy at exec; the other's later close does
// not reach it (probed: the fd was still open in the new program).
TEST_F(SysProcessShare, ExecUnsharesASharedFdTable)
{
	int64_t fd = Memfd(p, 0, 1);
	struct task *c = Clone(p, CLONE_FILES_FLAG | kSigchld);
	ASSERT_NE(c, nullptr);
	ASSERT_EQ(c->files, p->files);
	EXPECT_EQ(sys_execve(c, "/bin/true"), 0);
	EXPECT_NE(c->files, p->files);
	EXPECT_EQ(sys_close(p, fd), 0);
	EXPECT_TRUE(Open(c, fd));
	EXPECT_FALSE(Open(p, fd));
}

// kernel/exit.c: exit(2) ends one thread; exit_group(2) every thread of
// the group; another process is not touched.
TEST_F(SysProcessShare, ExitAndExitGroup)
{
	struct task *t1 = Clone(p, kThread);
	struct task *t2 = Clone(p, kThread);
	struct task *other = Fork(p);
	ASSERT_NE(t1, nullptr);
	ASSERT_NE(t2, nullptr);
	ASSERT_NE(other, nullptr);
	int64_t t2_pid = t2->pid, other_pid = other->pid;
	EXPECT_EQ(p->mm->users, 3u);
	sys_exit(t1);
	EXPECT_EQ(tasks.count, 3u);
	EXPECT_EQ(p->mm->users, 2u);
	sys_exit_group(p);
	EXPECT_EQ(tasks_find(&tasks, 1000), nullptr);
	EXPECT_EQ(tasks_find(&tasks, t2_pid), nullptr);
	EXPECT_NE(tasks_find(&tasks, other_pid), nullptr);
	EXPECT_EQ(tasks.count, 1u);
	p = nullptr;
}

// ---------------------------------------------------------------------------
// The live kernel: the same fork scenario in a real child and in the
// model; the parent's and the child's windows of /proc/PID/smaps (maps
// line and VmFlags of every VMA) and every call's result must agree.

#define REQUIRE_LIVE()                                                                            \
	do {                                                                                      \
		if (!shim_fork_window_free())                                                     \
			GTEST_SKIP() << "the window at 0x7e0000000000 is not free in this process"; \
	} while (0)

using Op = struct shim_fork_op;

Op Before(int kind, unsigned page, unsigned n, int prot = 0, int flags = 0, int arg = 0)
{
	return { SHIM_FORK_BEFORE, kind, page, n, prot, flags, arg };
}
Op InParent(int kind, unsigned page, unsigned n, int prot = 0, int arg = 0)
{
	return { SHIM_FORK_PARENT, kind, page, n, prot, 0, arg };
}
Op InChild(int kind, unsigned page, unsigned n, int prot = 0, int arg = 0)
{
	return { SHIM_FORK_CHILD, kind, page, n, prot, 0, arg };
}

std::string Str(const char *s) { return s ? s : "(null)"; }

// Shared anonymous memory: the kernel numbers its inodes, the model
// counts its own; the inode column of those lines is not compared.
std::string MaskShmemInodes(const std::string &s)
{
	static const std::regex shmem(" 00:01 [0-9]+ +/dev/zero \\(deleted\\)");
	return std::regex_replace(s, shmem, " 00:01 INODE /dev/zero (deleted)");
}

struct Runs {
	struct shim_fork_run live, model;
	Runs() : live(), model() {}
	~Runs()
	{
		shim_fork_run_release(&live);
		shim_fork_run_release(&model);
	}
	Runs(const Runs &) = delete;
	Runs &operator=(const Runs &) = delete;
};

// Run ops both ways and compare; returns false (with failures) when a
// run did not complete.
bool RunBoth(const std::vector<Op> &ops, Runs &r)
{
	int lrc = shim_fork_live_run(ops.data(), ops.size(), &r.live);
	int mrc = shim_fork_model_run(ops.data(), ops.size(), &r.model);
	EXPECT_EQ(lrc, 0) << "live run: " << (r.live.what ? r.live.what : "") << ": errno " << r.live.error;
	EXPECT_EQ(mrc, 0) << "model run: " << (r.model.what ? r.model.what : "") << ": errno " << r.model.error;
	if (lrc || mrc)
		return false;
	EXPECT_STREQ(r.model.check, "");
	for (size_t i = 0; i < ops.size(); i++)
		EXPECT_EQ(r.live.results[i], r.model.results[i]) << "op " << i << " (kind " << ops[i].kind
								 << ", page " << ops[i].page << ")";
	EXPECT_EQ(MaskShmemInodes(Str(r.live.parent_smaps)), MaskShmemInodes(Str(r.model.parent_smaps)))
		<< "the parent's window: kernel above, model below";
	EXPECT_EQ(MaskShmemInodes(Str(r.live.child_smaps)), MaskShmemInodes(Str(r.model.child_smaps)))
		<< "the fork child's window: kernel above, model below";
	return true;
}

// The number of VMAs in a rendered window (one header line each).
size_t Vmas(const char *smaps)
{
	size_t n = 0;
	for (const char *s = smaps; s && *s; s++)
		n += *s == '\n';
	return n / 2;
}

// Item by item, kernel/fork.c: dup_mmap on 6.18.44:
//   1-2  faulted rw          copied
//   4    MADV_DONTFORK       absent in the child
//   6-8  MADV_WIPEONFORK, a guard on 7: flags (gu wf) copied, the guard
//        not: page 7 faults in the parent, is readable in the child
//   10-11 MAP_LOCKED         'lo' dropped in the child
//   13   sealed              'sl' kept; the child's munmap is EPERM
//   15-16 private, guard 16  the guard is copied: faults in the child
//   18-19 MAP_SHARED, guard 19  the same
TEST(SysProcessLive, ForkChildVmasAndGuards)
{
	REQUIRE_LIVE();
	if (!shim_fork_have_guard_install())
		GTEST_SKIP() << "MADV_GUARD_INSTALL (6.13+) is not supported by this kernel";
	if (!shim_fork_have_mseal())
		GTEST_SKIP() << "mseal (6.10+) is not supported by this kernel";
	const int rw = PROT_READ | PROT_WRITE;
	std::vector<Op> ops = {
		Before(SHIM_FORK_MMAP, 1, 2, rw, MAP_PRIVATE),
		Before(SHIM_FORK_TOUCH, 1, 2),
		Before(SHIM_FORK_MMAP, 4, 1, rw, MAP_PRIVATE),
		Before(SHIM_FORK_MADVISE, 4, 1, 0, 0, MADV_DONTFORK),
		Before(SHIM_FORK_MMAP, 6, 3, rw, MAP_PRIVATE),
		Before(SHIM_FORK_MADVISE, 6, 3, 0, 0, MADV_WIPEONFORK),
		Before(SHIM_FORK_TOUCH, 6, 1),
		Before(SHIM_FORK_MADVISE, 7, 1, 0, 0, MADV_GUARD_INSTALL),
		Before(SHIM_FORK_MMAP, 10, 2, rw, MAP_PRIVATE | MAP_LOCKED),
		Before(SHIM_FORK_MMAP, 13, 1, PROT_READ, MAP_PRIVATE),
		Before(SHIM_FORK_MSEAL, 13, 1),
		Before(SHIM_FORK_MMAP, 15, 2, rw, MAP_PRIVATE),
		Before(SHIM_FORK_MADVISE, 16, 1, 0, 0, MADV_GUARD_INSTALL),
		Before(SHIM_FORK_MMAP, 18, 2, rw, MAP_SHARED),
		Before(SHIM_FORK_MADVISE, 19, 1, 0, 0, MADV_GUARD_INSTALL),
		InParent(SHIM_FORK_READ, 7, 1),     // 15
		InChild(SHIM_FORK_READ, 7, 1),      // 16
		InChild(SHIM_FORK_READ, 6, 1),      // 17
		InChild(SHIM_FORK_READ, 16, 1),     // 18
		InChild(SHIM_FORK_READ, 15, 1),     // 19
		InChild(SHIM_FORK_READ, 19, 1),     // 20
		InChild(SHIM_FORK_READ, 18, 1),     // 21
		InChild(SHIM_FORK_READ, 4, 1),      // 22: not copied
		InChild(SHIM_FORK_MUNMAP, 13, 1),   // 23: sealed
		InChild(SHIM_FORK_MUNMAP, 1, 1),    // 24: the control
	};
	Runs r;
	if (!RunBoth(ops, r))
		return;
	for (size_t i = 0; i < 15; i++)
		EXPECT_EQ(r.live.results[i], 0) << "setup op " << i;
	EXPECT_EQ(r.live.results[15], EFAULT);
	EXPECT_EQ(r.live.results[16], 0);
	EXPECT_EQ(r.live.results[17], 0);
	EXPECT_EQ(r.live.results[18], EFAULT);
	EXPECT_EQ(r.live.results[19], 0);
	EXPECT_EQ(r.live.results[20], EFAULT);
	EXPECT_EQ(r.live.results[21], 0);
	EXPECT_EQ(r.live.results[22], EFAULT);
	EXPECT_EQ(r.live.results[23], EPERM);
	EXPECT_EQ(r.live.results[24], 0);
	const std::string child = Str(r.live.child_smaps);
	EXPECT_NE(child.find("VmFlags: rd wr mr mw me gu ac wf \n"), std::string::npos) << child;
	EXPECT_EQ(child.find(" lo "), std::string::npos) << child;
	EXPECT_NE(Str(r.live.parent_smaps).find(" lo "), std::string::npos);
	EXPECT_EQ(Vmas(r.live.parent_smaps), 7u) << Str(r.live.parent_smaps);
	EXPECT_EQ(Vmas(r.live.child_smaps), 6u) << Str(r.live.child_smaps);   // no page 4
}

// Item by item, the fork child's anon_vmas (mm/rmap.c: anon_vma_fork;
// mm/vma.c: is_mergeable_anon_vma) on 6.18.44, each mprotect done in
// both processes:
//   1-4   faulted, 3-4 made ro before the fork, rw again after:
//         one VMA in the parent, two in the child
//   7-10  faulted rw, 11 unfaulted ro made rw: one in the parent, two
//         in the child
//   14-17 unfaulted rw, 18 unfaulted ro made rw: one in both
TEST(SysProcessLive, ForkChildAnonVmaMerges)
{
	REQUIRE_LIVE();
	const int rw = PROT_READ | PROT_WRITE;
	std::vector<Op> ops = {
		Before(SHIM_FORK_MMAP, 1, 4, rw, MAP_PRIVATE),
		Before(SHIM_FORK_TOUCH, 1, 4),
		Before(SHIM_FORK_MPROTECT, 3, 2, PROT_READ),
		Before(SHIM_FORK_MMAP, 7, 4, rw, MAP_PRIVATE),
		Before(SHIM_FORK_TOUCH, 7, 4),
		Before(SHIM_FORK_MMAP, 11, 1, PROT_READ, MAP_PRIVATE),
		Before(SHIM_FORK_MMAP, 14, 4, rw, MAP_PRIVATE),
		Before(SHIM_FORK_MMAP, 18, 1, PROT_READ, MAP_PRIVATE),
	};
	for (int who : { SHIM_FORK_PARENT, SHIM_FORK_CHILD }) {
		ops.push_back({ who, SHIM_FORK_MPROTECT, 3, 2, rw, 0, 0 });
		ops.push_back({ who, SHIM_FORK_MPROTECT, 11, 1, rw, 0, 0 });
		ops.push_back({ who, SHIM_FORK_MPROTECT, 18, 1, rw, 0, 0 });
	}
	Runs r;
	if (!RunBoth(ops, r))
		return;
	for (size_t i = 0; i < ops.size(); i++)
		EXPECT_EQ(r.live.results[i], 0) << "op " << i;
	EXPECT_EQ(Vmas(r.live.parent_smaps), 3u) << Str(r.live.parent_smaps);
	EXPECT_EQ(Vmas(r.live.child_smaps), 5u) << Str(r.live.child_smaps);
}

}  // namespace
