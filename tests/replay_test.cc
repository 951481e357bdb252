// mmsim replay (traces/replay.h): logs whose kernel answers follow from
// the sealing rules agree, the same logs edited to answers the rules
// forbid diverge with the reason, and state the log never shows is
// adopted (inferred), not silently trusted. Every log here is written the
// way strace 6.1 prints (shared/strace-formats.md).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <string>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include "traces/reader.h"
#include "traces/replay.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace {

struct Result {
	uint64_t n[REPLAY_NVERDICTS];
	uint64_t malformed, calls;
	std::string text, json, explain;
};

Result Replay(const std::string &log, bool explain = false)
{
	Result res = {};
	struct replay r;
	struct replay_opts o = {};
	char *ebuf = nullptr, *tbuf = nullptr, *jbuf = nullptr;
	size_t elen = 0, tlen = 0, jlen = 0;
	FILE *eout = open_memstream(&ebuf, &elen);

	o.explain = explain;
	o.explain_out = eout;
	EXPECT_EQ(replay_init(&r, &o), 0);
	FILE *in = fmemopen(const_cast<char *>(log.data()), log.size(), "r");
	struct trace_reader *reader = trace_reader_new(in, "test.trace");
	struct trace_event ev;
	int got;
	while ((got = trace_reader_next(reader, &ev)) != 0) {
		if (got > 0)
			replay_event(&r, &ev);
		else
			replay_malformed(&r);
	}
	replay_finish(&r);
	trace_reader_free(reader);
	fclose(in);
	fclose(eout);
	FILE *t = open_memstream(&tbuf, &tlen);
	replay_report_text(&r, t);
	fclose(t);
	FILE *j = open_memstream(&jbuf, &jlen);
	replay_report_json(&r, j);
	fclose(j);
	memcpy(res.n, r.n, sizeof(res.n));
	res.malformed = r.malformed;
	res.calls = r.calls;
	res.text = tbuf;
	res.json = jbuf;
	res.explain = ebuf;
	free(tbuf);
	free(jbuf);
	free(ebuf);
	replay_destroy(&r);
	return res;
}

// mm/mseal.c, mm/mprotect.c, mm/vma.c: a sealed page inside a mapping
// refuses mprotect over the whole mapping and munmap of itself; the
// unsealed page beside it unmaps (the control). strace 6.1 prints mseal
// as syscall_0x1ce with six hex arguments.
const char kSealLog[] =
	"mmap(NULL, 16384, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000\n"
	"syscall_0x1ce(0x7f0000001000, 0x2000, 0, 0xffffffff, 0, 0xa) = 0\n"
	"mprotect(0x7f0000000000, 16384, PROT_READ) = -1 EPERM (Operation not permitted)\n"
	"munmap(0x7f0000001000, 4096)           = -1 EPERM (Operation not permitted)\n"
	"munmap(0x7f0000003000, 4096)           = 0\n";

TEST(Replay, SealedRangeAgrees)
{
	Result r = Replay(kSealLog);
	EXPECT_EQ(r.calls, 5u);
	EXPECT_EQ(r.n[REPLAY_AGREE], 5u) << r.text;
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u) << r.text;
	EXPECT_EQ(r.malformed, 0u);
}

// The same log with the kernel's EPERM edited to success: the model
// refuses, and says which VMA and which line sealed it.
TEST(Replay, EditedSealedRangeDivergesWithTheSealingLine)
{
	std::string log = kSealLog;
	log.replace(log.find("= -1 EPERM (Operation not permitted)\nmunmap"), 36, "= 0");
	Result r = Replay(log);
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 1u) << r.text;
	EXPECT_NE(r.text.find("line 3"), std::string::npos) << r.text;
	EXPECT_NE(r.text.find("model  = -1 EPERM"), std::string::npos) << r.text;
	EXPECT_NE(r.text.find("sl"), std::string::npos) << r.text;
	EXPECT_NE(r.text.find("as line 2 left it"), std::string::npos) << r.text;
	EXPECT_NE(r.json.find("\"diverge\": 1"), std::string::npos) << r.json;
	EXPECT_NE(r.json.find("\"line\": 3"), std::string::npos) << r.json;
}

// mm/memfd.c: memfd_add_seals: F_SEAL_WRITE is EBUSY while a shared
// writable mapping exists, fine once it is gone; then writes are EPERM
// and F_GET_SEALS prints the seals in hex.
const char kMemfdLog[] =
	"memfd_create(\"buf\", MFD_CLOEXEC|MFD_ALLOW_SEALING) = 3\n"
	"ftruncate(3, 8192)                      = 0\n"
	"mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = 0x7f1000000000\n"
	"fcntl(3, F_ADD_SEALS, F_SEAL_WRITE)     = -1 EBUSY (Device or resource busy)\n"
	"munmap(0x7f1000000000, 8192)            = 0\n"
	"fcntl(3, F_ADD_SEALS, F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE) = 0\n"
	"write(3, \"hello\", 5)                   = -1 EPERM (Operation not permitted)\n"
	"fcntl(3, F_GET_SEALS)                   = 0xe (seals F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE)\n"
	"mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3, 0) = -1 EPERM (Operation not permitted)\n"
	"mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f1000002000\n"
	"close(3)                                = 0\n";

TEST(Replay, MemfdSealsAgree)
{
	Result r = Replay(kMemfdLog);
	EXPECT_EQ(r.n[REPLAY_AGREE], 11u) << r.text;
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u) << r.text;
}

TEST(Replay, EditedEbusyDiverges)
{
	std::string log = kMemfdLog;
	log.replace(log.find("= -1 EBUSY (Device or resource busy)"), 36, "= 0");
	Result r = Replay(log);
	EXPECT_GE(r.n[REPLAY_DIVERGE], 1u) << r.text;
	EXPECT_NE(r.text.find("line 4"), std::string::npos) << r.text;
	EXPECT_NE(r.text.find("model  = -1 EBUSY"), std::string::npos) << r.text;
}

// A write the log says went through a write-sealed memfd: the model's
// reason names each seal and the line that set it (mm/shmem.c:
// shmem_write_begin; the seals from line 6's F_ADD_SEALS).
TEST(Replay, EditedSealedWriteNamesTheSealsAndTheirLine)
{
	std::string log = kMemfdLog;
	log.replace(log.find("= -1 EPERM (Operation not permitted)\nfcntl(3, F_GET_SEALS)"), 36, "= 5");
	Result r = Replay(log);
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 1u) << r.text;
	EXPECT_NE(r.text.find("line 7"), std::string::npos) << r.text;
	EXPECT_NE(r.text.find("seals F_SEAL_SHRINK (line 6), F_SEAL_GROW (line 6), F_SEAL_WRITE (line 6)"),
		  std::string::npos) << r.text;
}

// kernel/fork.c: dup_mmap keeps VM_SEALED: the child (-f with -o's pid
// column) cannot unmap the sealed page either; an exec drops the seal.
TEST(Replay, ForkKeepsTheSealExecDropsIt)
{
	Result r = Replay(
		"100   mmap(0x7f2000000000, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x7f2000000000\n"
		"100   syscall_0x1ce(0x7f2000000000, 0x2000, 0, 0, 0, 0) = 0\n"
		"100   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>\n"
		"100   <... clone resumed>, child_tidptr=0x7f3a) = 101\n"
		"101   munmap(0x7f2000000000, 8192)      = -1 EPERM (Operation not permitted)\n"
		"101   execve(\"/bin/true\", [\"/bin/true\"], 0x7ffe /* 3 vars */) = 0\n"
		"101   brk(NULL)                         = 0x555555559000\n"
		"101   mmap(0x7f2000000000, 8192, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x7f2000000000\n"
		"101   exit_group(0)                     = ?\n"
		"101   +++ exited with 0 +++\n"
		"100   munmap(0x7f2000000000, 8192)      = -1 EPERM (Operation not permitted)\n");
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u) << r.text;
	EXPECT_EQ(r.n[REPLAY_AGREE], 6u) << r.text;      // mmap, mseal, clone, munmap, mmap, munmap
	EXPECT_EQ(r.n[REPLAY_INFERRED], 2u) << r.text;   // the exec'd program, its heap
	EXPECT_EQ(r.n[REPLAY_SKIPPED], 1u) << r.text;    // exit_group
}

// A vfork child runs, and is logged, before its parent's vfork returns:
// its lines wait for the result that names it, then replay in its copy
// of the parent, where the page is sealed (kernel/fork.c: dup_mmap).
TEST(Replay, ChildLoggedBeforeItsVforkReturns)
{
	Result r = Replay(
		"100   mmap(0x7f5000000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x7f5000000000\n"
		"100   syscall_0x1ce(0x7f5000000000, 0x1000, 0, 0, 0, 0) = 0\n"
		"100   vfork( <unfinished ...>\n"
		"101   munmap(0x7f5000000000, 4096)      = -1 EPERM (Operation not permitted)\n"
		"101   execve(\"/bin/true\", [\"true\"], 0x7ffe /* 1 var */ <unfinished ...>\n"
		"100   <... vfork resumed>)              = 101\n"
		"101   <... execve resumed>)             = 0\n"
		"101   munmap(0x7f5000000000, 4096)      = 0\n"
		"100   munmap(0x7f5000000000, 4096)      = -1 EPERM (Operation not permitted)\n");
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u) << r.text;
	EXPECT_EQ(r.n[REPLAY_AGREE], 6u) << r.text;   // mmap, mseal, vfork, 3 munmaps
	EXPECT_EQ(r.n[REPLAY_INFERRED], 1u) << r.text; // the exec'd program
	EXPECT_NE(r.text.find("lines 9,"), std::string::npos) << r.text;
}

// kernel/exit.c: exit_group ends the task at the call; the log's
// "+++ exited" line for it comes after. Such a line belongs to no task
// any more but waits for no clone either: nothing stays held (a held line
// stayed to the end of the log, and every later clone searched them all).
// The pid is then free again: reused by a later vfork whose child logs
// before the parent's vfork returns, the child's lines are held as ever.
TEST(Replay, ExitLinesOfEndedTasksAreNotHeld)
{
	std::string log =
		"100   mmap(0x7f5000000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x7f5000000000\n"
		"100   syscall_0x1ce(0x7f5000000000, 0x1000, 0, 0, 0, 0) = 0\n";
	for (int child = 101; child < 141; child++) {
		std::string c = std::to_string(child);

		log += "100   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
		       "child_tidptr=0x7f0) = " + c + "\n";
		log += c + "   munmap(0x7f5000000000, 4096) = -1 EPERM (Operation not permitted)\n";
		log += c + "   exit_group(0)                     = ?\n";
		log += c + "   +++ exited with 0 +++\n";
	}
	struct replay r;
	struct replay_opts o = {};
	ASSERT_EQ(replay_init(&r, &o), 0);
	FILE *in = fmemopen(const_cast<char *>(log.data()), log.size(), "r");
	struct trace_reader *reader = trace_reader_new(in, "test.trace");
	struct trace_event ev;
	int got;
	while ((got = trace_reader_next(reader, &ev)) != 0)
		if (got > 0)
			replay_event(&r, &ev);
	EXPECT_EQ(r.nheld, 0u);
	replay_finish(&r);
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u);
	EXPECT_EQ(r.n[REPLAY_AGREE], 2u + 40u * 2u);   // mmap, mseal; each clone and munmap
	trace_reader_free(reader);
	fclose(in);
	replay_destroy(&r);

	// pid 101 again, a vfork child logged first: held, then agrees
	Result again = Replay(log +
		"100   vfork( <unfinished ...>\n"
		"101   munmap(0x7f5000000000, 4096)      = -1 EPERM (Operation not permitted)\n"
		"100   <... vfork resumed>)              = 101\n"
		"101   exit_group(0)                     = ?\n"
		"101   +++ exited with 0 +++\n");
	EXPECT_EQ(again.n[REPLAY_DIVERGE], 0u) << again.text;
	EXPECT_EQ(again.n[REPLAY_AGREE], 2u + 40u * 2u + 2u) << again.text;
}

// State from before the log: the loader's mappings. A successful
// mprotect over addresses the model never saw mapped adopts them
// (inferred); a later call on them agrees.
TEST(Replay, UnseenMappingsAreAdoptedNotTrusted)
{
	Result r = Replay(
		"mprotect(0x7f3000010000, 8192, PROT_READ) = 0\n"
		"syscall_0x1ce(0x7f3000010000, 0x2000, 0, 0, 0, 0) = 0\n"
		"mprotect(0x7f3000010000, 4096, PROT_READ|PROT_WRITE) = -1 EPERM (Operation not permitted)\n"
		"mprotect(0x7f3000020000, 4096, PROT_READ) = -1 ENOMEM (Cannot allocate memory)\n");
	EXPECT_EQ(r.n[REPLAY_INFERRED], 1u) << r.text;
	EXPECT_EQ(r.n[REPLAY_AGREE], 3u) << r.text;
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u) << r.text;
}

// kernel/pid_sysctl.h, mm/memfd.c: in a child pid namespace with
// vm.memfd_noexec = 2, MFD_EXEC is EACCES and a memfd without flags is
// MFD_NOEXEC_SEAL's (F_SEAL_EXEC). The clone result is the child's pid in
// its namespace (1); its lines carry strace's number (201).
TEST(Replay, NamespaceSysctlDecidesMemfdCreate)
{
	Result r = Replay(
		"200   unshare(CLONE_NEWPID)             = 0\n"
		"200   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 1\n"
		"201   openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_WRONLY) = 3\n"
		"201   write(3, \"2\\n\", 2)               = 2\n"
		"201   memfd_create(\"x\", MFD_EXEC)     = -1 EACCES (Permission denied)\n"
		"201   memfd_create(\"y\", MFD_CLOEXEC)  = 4\n"
		"201   fcntl(4, F_GET_SEALS)             = 0x20 (seals 0x20)\n"
		"201   +++ exited with 0 +++\n"
		"200   memfd_create(\"z\", 0x10)         = 3\n");
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u) << r.text;
	EXPECT_EQ(r.n[REPLAY_AGREE], 8u) << r.text;
}

// Calls outside the model are counted by name; interrupted or cut-off
// calls have no outcome to compare.
TEST(Replay, UnmodelledAndSkipped)
{
	Result r = Replay(
		"arch_prctl(0x3001 /* ARCH_??? */, 0x7ffd) = -1 EINVAL (Invalid argument)\n"
		"access(\"/etc/ld.so.preload\", R_OK)      = -1 ENOENT (No such file or directory)\n"
		"read(0, 0x7ffe, 1)                      = ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n"
		"mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0");
	EXPECT_EQ(r.n[REPLAY_UNMODELLED], 2u) << r.text;
	EXPECT_EQ(r.n[REPLAY_SKIPPED], 2u) << r.text;
	EXPECT_NE(r.json.find("\"arch_prctl\": {"), std::string::npos) << r.json;
}

// --explain gives the reason of every refusal, agreed or not.
TEST(Replay, ExplainNamesTheRule)
{
	Result r = Replay(kSealLog, true);
	EXPECT_NE(r.explain.find("line 3: mprotect("), std::string::npos) << r.explain;
	EXPECT_NE(r.explain.find("as line 2 left it"), std::string::npos) << r.explain;
	EXPECT_NE(r.explain.find("line 4: munmap("), std::string::npos) << r.explain;
}

// Malformed lines are counted and the replay goes on with the next.
TEST(Replay, MalformedLinesAreCountedAndSkipped)
{
	Result r = Replay(
		"mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f4000000000\n"
		"\x01\x02 garbage )))\n"
		"mprotect(0x7f4000000000, 4096, PROT_BOGUS) = 0\n"
		"munmap(0x7f4000000000, 4096)            = 0\n");
	EXPECT_EQ(r.malformed, 2u) << r.text;
	EXPECT_EQ(r.n[REPLAY_AGREE], 2u) << r.text;
}

}  // namespace

namespace {

// --initial-maps: the mappings a /proc/PID/maps snapshot lists exist from
// the start, so calls on them agree instead of adopting them (inferred);
// the sealing rules still apply (mm/mseal.c), and [vdso] refuses to be
// split (mm/vma.c: a special mapping).
TEST(Replay, InitialMapsSnapshot)
{
	char path[] = "/tmp/mmsim-initial-maps-XXXXXX";
	int fd = mkstemp(path);
	ASSERT_GE(fd, 0);
	const char snapshot[] =
		"555555554000-555555556000 r--p 00000000 08:01 131 /usr/bin/prog\n"
		"555555556000-555555558000 r-xp 00002000 08:01 131 /usr/bin/prog\n"
		"555555558000-555555579000 rw-p 00000000 00:00 0 [heap]\n"
		"7ffff7fc1000-7ffff7fc3000 r--p 00000000 00:00 0 [vvar]\n"
		"7ffff7fc3000-7ffff7fc5000 r-xp 00000000 00:00 0 [vdso]\n"
		"7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n";
	ASSERT_EQ(write(fd, snapshot, sizeof(snapshot) - 1), (ssize_t)(sizeof(snapshot) - 1));
	close(fd);

	struct replay r;
	struct replay_opts o = {};
	char err[256] = "";
	ASSERT_EQ(replay_init(&r, &o), 0);
	ASSERT_EQ(replay_initial_maps(&r, path, err, sizeof(err)), 0) << err;
	const std::string log =
		"300 mprotect(0x555555556000, 8192, PROT_READ) = 0\n"
		"300 syscall_0x1ce(0x555555554000, 0x4000, 0, 0, 0, 0) = 0\n"
		"300 mprotect(0x555555554000, 4096, PROT_READ|PROT_WRITE) = -1 EPERM (Operation not permitted)\n"
		"300 munmap(0x7ffff7fc4000, 4096) = -1 EINVAL (Invalid argument)\n"
		"300 brk(NULL) = 0x555555579000\n";
	FILE *in = fmemopen(const_cast<char *>(log.data()), log.size(), "r");
	struct trace_reader *reader = trace_reader_new(in, "t");
	struct trace_event ev;
	while (trace_reader_next(reader, &ev) > 0)
		replay_event(&r, &ev);
	trace_reader_free(reader);
	fclose(in);
	EXPECT_EQ(r.n[REPLAY_AGREE], 5u);
	EXPECT_EQ(r.n[REPLAY_INFERRED], 0u);
	EXPECT_EQ(r.n[REPLAY_DIVERGE], 0u);
	EXPECT_NE(tasks_find(&r.tasks, 300), nullptr);   // the snapshot's process took the log's pid
	replay_destroy(&r);

	// A line that is no maps line is refused with its number.
	ASSERT_EQ(replay_init(&r, &o), 0);
	FILE *f = fopen(path, "a");
	fputs("not a maps line\n", f);
	fclose(f);
	EXPECT_EQ(replay_initial_maps(&r, path, err, sizeof(err)), -1);
	EXPECT_NE(std::string(err).find(":8: expected"), std::string::npos) << err;
	replay_destroy(&r);
	unlink(path);
}

}  // namespace
