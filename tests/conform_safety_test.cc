// mmsim conform's safety (syscalls/conform.h, docs/conform.md "Safety"):
// its real syscalls run only in a child, only inside the reserved region,
// and nothing is left behind on any way out.
//
//   ConformOutside  the live child's maps outside the reserved region are
//                   the same after a sequence as before it, in every actor
//                   (actor 0 and each pid-namespace actor), for sequences
//                   of every area, fills and fork() children included; a
//                   change there fails the run (a harness failure)
//   ConformMachine  a machine-wide value the model was given
//                   (vm.max_map_count) changed under a run: an error
//   ConformCleanup  no process, pid namespace or file is left and the
//                   machine's vm.memfd_noexec is unchanged when conform
//                   ends normally, hits its time limit, is sent SIGINT,
//                   SIGTERM, SIGHUP (or SIGKILL) mid-run, or its live
//                   child is killed; a killed or hung live child is an
//                   error (exit 2), not a mismatch
//
// In-process tests use conform_live_run with conform_env's outside_hook,
// which runs in each actor after its last call; the others run the mmsim
// binary (MMSIM_BINARY) with a marker in its environment, which every
// process it forks inherits, and look for that marker in /proc.

#include <gtest/gtest.h>

#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <set>
#include <string>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscalls/conform.h"

namespace {

constexpr uint64_t W = CONFORM_DEFAULT_BASE;
constexpr uint64_t P = 4096;

// A parsed sequence that frees itself.
struct Seq {
	conform_seq s;
	explicit Seq(const std::string &text)
	{
		char err[256];

		if (conform_seq_parse(text.c_str(), &s, err, sizeof(err)) != 0) {
			ADD_FAILURE() << "parse: " << err << "\n" << text;
			conform_seq_init(&s, W, CONFORM_DEFAULT_PAGES);
		}
	}
	Seq() { memset(&s, 0, sizeof(s)); }
	~Seq() { conform_seq_free(&s); }
	Seq(const Seq &) = delete;
	Seq &operator=(const Seq &) = delete;
};

struct Env {
	conform_env env;
	bool ok;
	std::string why;
	Env()
	{
		char err[256];

		ok = conform_detect(&env, W, CONFORM_DEFAULT_PAGES, err, sizeof(err)) == 0;
		why = err;
	}
};

int HostMemfdNoexec()
{
	FILE *f = fopen("/proc/sys/vm/memfd_noexec", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

std::string ReadFile(const std::string &path)
{
	std::string s;
	char buf[4096];
	FILE *f = fopen(path.c_str(), "r");

	if (!f)
		return s;
	for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;)
		s.append(buf, n);
	fclose(f);
	return s;
}

// The inode of /proc/PID/ns/pid ("pid:[4026531836]"), 0 when gone.
unsigned long PidNs(long pid)
{
	char path[64], target[64];
	unsigned long ino = 0;

	snprintf(path, sizeof(path), "/proc/%ld/ns/pid", pid);
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	if (sscanf(target, "pid:[%lu]", &ino) != 1)
		return 0;
	return ino;
}

// The parent of pid from /proc/PID/stat, or -1 when it is gone.
long ParentOf(long pid)
{
	std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
	size_t close = stat.rfind(')');   // the name may hold anything
	long ppid = -1;

	if (close == std::string::npos || sscanf(stat.c_str() + close + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return ppid;
}

std::vector<long> AllPids()
{
	std::vector<long> pids;
	DIR *d = opendir("/proc");

	if (!d)
		return pids;
	while (struct dirent *e = readdir(d)) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (pid > 0 && !*end)
			pids.push_back(pid);
	}
	closedir(d);
	return pids;
}

// Live processes descending from this one, but for this one (zombies
// have no exe: they are gone but for their exit status). With this
// process a child subreaper, an orphaned descendant is still found.
std::vector<long> LiveDescendants()
{
	std::vector<long> found;

	for (long pid : AllPids()) {
		char exe[64], target[4096];

		if (pid == getpid())
			continue;
		snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
		if (readlink(exe, target, sizeof(target)) <= 0)
			continue;
		for (long p = ParentOf(pid); p > 1; p = ParentOf(p))
			if (p == getpid()) {
				found.push_back(pid);
				break;
			}
	}
	return found;
}

// Whether pid is a zombie: gone but for its exit status, which its
// parent (init, for an orphan: that takes a while) has not collected.
bool Zombie(long pid)
{
	std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
	size_t close = stat.rfind(')');

	return close != std::string::npos && stat.compare(close, 4, ") Z ") == 0;
}

// Live processes in any of the pid namespaces ns (inode numbers). A
// namespace's number is free for another once it is gone: the caller
// holds a descriptor of each, so that the numbers still name them.
std::vector<long> InNamespaces(const std::set<unsigned long> &ns)
{
	std::vector<long> found;

	for (long pid : AllPids())
		if (ns.count(PidNs(pid)) && !Zombie(pid))
			found.push_back(pid);
	return found;
}

std::string List(const std::vector<long> &pids)
{
	std::string s;

	for (long pid : pids) {
		std::string cmd = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
		for (char &c : cmd)
			if (!c)
				c = ' ';
		s += " " + std::to_string(pid) + " (" + cmd + ")";
	}
	return s.empty() ? " none" : s;
}

// pid, when it is alive (not a zombie) and in pid namespace ns.
std::vector<long> AliveIn(long pid, unsigned long ns)
{
	char exe[64], target[4096];

	snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
	if (PidNs(pid) == ns && readlink(exe, target, sizeof(target)) > 0)
		return { pid };
	return {};
}

// Wait up to `ms` for f() to come back empty (SIGKILL takes a moment
// to finish a process off); returns what is left.
template <class F> std::vector<long> WaitEmpty(F f, int ms)
{
	std::vector<long> left = f();

	for (int waited = 0; !left.empty() && waited < ms; waited += 10) {
		usleep(10000);
		left = f();
	}
	return left;
}

// ---- the outside hook: runs in each actor after its last call ------------------

// Shared with the live child's actors (MAP_SHARED: their writes come
// back), outside the reserved region; writing it changes no maps line.
struct HookState {
	int act_at_depth;        // -1: only count; else change the outside there
	int what;                // 0 map a page, 1 mprotect one, 2 unmap one, 3 hang, 4 SIGKILL
	uint64_t target;         // a 3-page mapping of this process
	unsigned calls[8];       // per depth: the hook ran there
	long pid[8];             // per depth: the actor, as /proc names it
	unsigned long ns[8];     // and its pid namespace
	unsigned acted;
	long victim;             // what = 4: the actor to kill, for KillWhenAsked
};

// The inode of `path` (a /proc/PID/ns/pid link, "pid:[N]"), 0 when
// unreadable; no allocation.
unsigned long NsOfLink(const char *path)
{
	char target[64];
	long n = syscall(SYS_readlink, path, target, sizeof(target) - 1);
	unsigned long ino = 0;

	for (long i = 0; i < n; i++)
		if (target[i] >= '0' && target[i] <= '9')
			ino = ino * 10 + (unsigned long)(target[i] - '0');
	return ino;
}

// This process as /proc knows it (procfs was mounted in the first
// actor's namespace, not this one's); no allocation.
long ProcSelf()
{
	char buf[32];
	long n = syscall(SYS_readlink, "/proc/self", buf, sizeof(buf) - 1), pid = 0;

	for (long i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		pid = pid * 10 + (buf[i] - '0');
	return pid;
}

// The parent, the same way (the "PPid:" of /proc/self/status is in
// procfs's namespace too).
long ProcParent()
{
	char buf[2048];
	int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, "/proc/self/status", O_RDONLY));
	long n, ppid = 0;

	if (fd < 0)
		return 0;
	n = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
	syscall(SYS_close, fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *p = strstr(buf, "\nPPid:");
	if (!p)
		return 0;
	for (p += 7; *p == '\t' || *p == ' '; p++) {
	}
	for (; *p >= '0' && *p <= '9'; p++)
		ppid = ppid * 10 + (*p - '0');
	return ppid;
}

HookState *NewHookState()
{
	void *p = mmap(nullptr, P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return nullptr;
	HookState *h = new (p) HookState();
	h->act_at_depth = -1;
	return h;
}

// In the actor: raw syscalls only (the actor must not allocate).
void OutsideHook(unsigned depth, void *ctx)
{
	HookState *h = static_cast<HookState *>(ctx);

	if (depth < 8) {
		h->calls[depth]++;
		h->pid[depth] = ProcSelf();
		h->ns[depth] = NsOfLink("/proc/self/ns/pid");
		// the parent actor's too: it may not get to run the hook
		if (depth >= 1) {
			char path[64];
			h->pid[depth - 1] = ProcParent();
			snprintf(path, sizeof(path), "/proc/%ld/ns/pid", h->pid[depth - 1]);
			h->ns[depth - 1] = NsOfLink(path);
		}
	}
	if (h->act_at_depth != static_cast<int>(depth))
		return;
	h->acted++;
	switch (h->what) {
	case 0:
		syscall(SYS_mmap, 0UL, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		break;
	case 1:
		syscall(SYS_mprotect, h->target + P, P, PROT_READ);
		break;
	case 2:
		syscall(SYS_munmap, h->target + P, P);
		break;
	case 3:
		for (;;)
			pause();
	case 4:
		// the init of a pid namespace cannot be killed from inside it:
		// KillWhenAsked does it from this process's namespace
		__atomic_store_n(&h->victim, ProcSelf(), __ATOMIC_SEQ_CST);
		for (;;)
			pause();
	}
}

// Runs s live with the hook; the test owns r.
void RunWithHook(Env &e, const conform_seq *s, HookState *h, conform_run *r)
{
	e.env.outside_hook = OutsideHook;
	e.env.outside_hook_ctx = h;
	ASSERT_EQ(conform_live_run(&e.env, s, r), 0);
	e.env.outside_hook = nullptr;
	e.env.outside_hook_ctx = nullptr;
}

bool Has(const conform_seq &s, int nr)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.calls[i].nr == nr)
			return true;
	return false;
}

// ---- ConformOutside ---------------------------------------------------------------

// Rule: nothing outside the reserved region changes (conform.h, top).
// Generated sequences of every area -- with a fill to max_map_count, with
// fork() children, with nested pid-namespace actors -- run to their end,
// and every actor's maps outside the region were compared (the hook ran
// in it just before) and found the same: a change would have made the run
// a harness failure.
TEST(ConformOutside, SameAfterSequencesOfEveryArea)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	HookState *h = NewHookState();
	ASSERT_NE(h, nullptr);
	struct Want {
		conform_area area;
		int nr;          // a call the sequence must have (0: any sequence)
		bool possible;
	};
	const Want wants[] = {
		{ CONFORM_AREA_MM, 0, true },
		{ CONFORM_AREA_MM, CONFORM_FILL, e.env.feat.fill },
		{ CONFORM_AREA_MEMFD, 0, true },
		{ CONFORM_AREA_MEMFD, CONFORM_FORK, true },
		{ CONFORM_AREA_PIDNS, CONFORM_NS_UP, e.env.feat.pidns },
		{ CONFORM_AREA_PIDNS, CONFORM_NS_NEW, e.env.feat.pidns },
		{ CONFORM_AREA_ALL, CONFORM_FILL, e.env.feat.fill && e.env.feat.pidns },
		{ CONFORM_AREA_ALL, CONFORM_FORK, e.env.feat.pidns },
		{ CONFORM_AREA_ALL, CONFORM_NS_NEW, e.env.feat.pidns },
	};
	unsigned nested = 0, ran = 0;

	for (const Want &w : wants) {
		if (!w.possible)
			continue;
		conform_gen_opts g;
		memset(&g, 0, sizeof(g));
		g.base = W;
		g.pages = CONFORM_DEFAULT_PAGES;
		g.calls = 30;
		g.feat = e.env.feat;
		g.heap_start = e.env.heap_start;
		g.heap_below = e.env.heap_below;
		g.area = w.area;
		// the first three sequences of seed 1 that have the call
		unsigned found = 0;
		for (uint64_t seed = 1; seed < 3000 && found < 3; seed++) {
			Seq s;
			ASSERT_EQ(conform_gen(&s.s, &g, seed), 0);
			if (w.nr && !Has(s.s, w.nr))
				continue;
			found++;
			memset(h->calls, 0, sizeof(h->calls));
			conform_run r;
			RunWithHook(e, &s.s, h, &r);
			EXPECT_EQ(r.status, CONFORM_RAN)
				<< conform_area_name(w.area) << " seed " << seed << ": "
				<< (r.error ? r.error : "");
			EXPECT_EQ(r.n, s.s.n) << conform_area_name(w.area) << " seed " << seed;
			EXPECT_EQ(h->calls[0], 1u) << conform_area_name(w.area) << " seed " << seed;
			for (unsigned d = 1; d < 8; d++)
				nested += h->calls[d];
			ran++;
			conform_run_free(&r);
		}
		EXPECT_EQ(found, 3u) << conform_area_name(w.area) << " " << conform_call_name(w.nr);
	}
	EXPECT_GT(ran, 0u);
	if (e.env.feat.pidns) {
		EXPECT_GT(nested, 0u);   // pid-namespace actors were checked too
	}
	munmap(h, P);
}

// Rule: a change outside the region fails the run. In actor 0, after the
// last call: a new mapping, a protection change that splits a mapping,
// an unmapped page -- each a harness failure naming the region and the
// change, never a run that passes.
TEST(ConformOutside, AChangeInTheFirstActorFailsTheRun)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	HookState *h = NewHookState();
	ASSERT_NE(h, nullptr);
	void *three = mmap(nullptr, 3 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(three, MAP_FAILED);
	h->target = reinterpret_cast<uintptr_t>(three);
	Seq s("mmap(0x400000001000, 0x2000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
	      "mprotect(0x400000001000, 0x1000, PROT_READ)\n");

	for (int what : { 0, 1, 2 }) {
		h->act_at_depth = 0;
		h->what = what;
		h->acted = 0;
		conform_run r;
		RunWithHook(e, &s.s, h, &r);
		EXPECT_EQ(h->acted, 1u);
		EXPECT_EQ(r.status, CONFORM_HARNESS) << "change " << what;
		ASSERT_NE(r.error, nullptr) << "change " << what;
		EXPECT_NE(std::string(r.error).find("outside the reserved region changed"), std::string::npos)
			<< r.error;
		EXPECT_NE(std::string(r.error).find("depth 0 after call 2"), std::string::npos) << r.error;
		conform_run_free(&r);
	}
	// and the same sequence without a change passes
	h->act_at_depth = -1;
	conform_run r;
	RunWithHook(e, &s.s, h, &r);
	EXPECT_EQ(r.status, CONFORM_RAN) << (r.error ? r.error : "");
	conform_run_free(&r);
	munmap(three, 3 * P);
	munmap(h, P);
}

// Rule: every actor is checked, not only the first: an ns_new actor runs
// calls in its own copy of the address space. A change made there -- by
// an actor that hands the run back with ns_up, or one still nested at the
// end -- fails the run too.
TEST(ConformOutside, AChangeInANestedActorFailsTheRun)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	if (!e.env.feat.pidns)
		GTEST_SKIP() << "no unshare(CLONE_NEWPID) here";
	HookState *h = NewHookState();
	ASSERT_NE(h, nullptr);
	struct Case {
		const char *text;
		int depth;
		const char *where;
	};
	const Case cases[] = {
		// actor 1 hands back at ns_up (call 3); actor 0 runs on
		{ "ns_new()\nmemfd_create(\"m0\", 0)\nns_up()\nmemfd_create(\"m1\", 0)\n", 1,
		  "depth 1 after call 2" },
		// actor 2 is still running at the end
		{ "ns_new()\nns_new()\nfork()\nmemfd_create(\"m0\", 0)\n", 2, "depth 2 after call 4" },
	};

	for (const Case &c : cases) {
		Seq s(c.text);
		for (int what : { 0, 2 }) {
			void *three = mmap(nullptr, 3 * P, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			ASSERT_NE(three, MAP_FAILED);
			h->target = reinterpret_cast<uintptr_t>(three);
			h->act_at_depth = c.depth;
			h->what = what;
			h->acted = 0;
			conform_run r;
			RunWithHook(e, &s.s, h, &r);
			EXPECT_EQ(h->acted, 1u) << c.text;
			EXPECT_EQ(r.status, CONFORM_HARNESS) << c.text;
			ASSERT_NE(r.error, nullptr) << c.text;
			EXPECT_NE(std::string(r.error).find("outside the reserved region changed"),
				  std::string::npos) << r.error;
			EXPECT_NE(std::string(r.error).find(c.where), std::string::npos) << r.error;
			conform_run_free(&r);
			munmap(three, 3 * P);
		}
		h->act_at_depth = -1;
		conform_run r;
		RunWithHook(e, &s.s, h, &r);
		EXPECT_EQ(r.status, CONFORM_RAN) << c.text << (r.error ? r.error : "");
		conform_run_free(&r);
	}
	munmap(h, P);
}

// ---- ConformMachine ----------------------------------------------------------------

// Rule: the comparison holds only with the machine as conform found it.
// vm.max_map_count is machine-wide, and another program may raise it for a
// while (a benchmark that needs more mappings did, during a long run: the
// kernel then allowed a VMA more than the model, which had the value read
// at conform's start -- five false mismatches). A run with a fill() whose
// value is not the model's is a harness failure, not a mismatch: here the
// model is told one more than the machine has.
TEST(ConformMachine, AChangedMaxMapCountIsAnErrorNotAMismatch)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	if (!e.env.feat.fill)
		GTEST_SKIP() << "no fill area here";
	const unsigned real = e.env.max_map_count;
	Seq s("fill(max)\n"
	      "mmap(0x400000003000, 0x1000, PROT_NONE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n");
	conform_run r;

	e.env.max_map_count = real + 1;
	ASSERT_EQ(conform_live_run(&e.env, &s.s, &r), 0);
	EXPECT_EQ(r.status, CONFORM_HARNESS);
	ASSERT_NE(r.error, nullptr);
	std::string want = "vm.max_map_count was " + std::to_string(real) + " before this run and " +
			   std::to_string(real) + " after it, not the " + std::to_string(real + 1);
	EXPECT_NE(std::string(r.error).find(want), std::string::npos) << r.error;
	conform_run_free(&r);
	// the machine's own value: the run is compared
	e.env.max_map_count = real;
	ASSERT_EQ(conform_live_run(&e.env, &s.s, &r), 0);
	EXPECT_EQ(r.status, CONFORM_RAN) << (r.error ? r.error : "");
	conform_run_free(&r);
}

// ---- ConformCleanup: in this process ------------------------------------------------

// This process as a child subreaper for a test's duration: whatever the
// live child leaves behind is reparented here and found.
struct Subreaper {
	Subreaper() { prctl(PR_SET_CHILD_SUBREAPER, 1); }
	~Subreaper()
	{
		prctl(PR_SET_CHILD_SUBREAPER, 0);
		while (waitpid(-1, nullptr, WNOHANG) > 0) {
		}
	}
};

// Rule: a live run that hangs is killed at its time limit with all its
// processes -- here actor 2 hangs at its ns_up with actor 1, both fork()
// children and two pid namespaces alive -- and is an error (the calls
// never block: a hang says nothing about the kernel), not a death to
// compare with the model.
TEST(ConformCleanup, AHungActorIsKilledAtTheTimeLimitWithEverythingItMade)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	if (!e.env.feat.pidns)
		GTEST_SKIP() << "no unshare(CLONE_NEWPID) here";
	Subreaper sub;
	ASSERT_TRUE(LiveDescendants().empty()) << List(LiveDescendants());
	HookState *h = NewHookState();
	ASSERT_NE(h, nullptr);
	h->act_at_depth = 2;
	h->what = 3;   // hang
	Seq s("ns_new()\nfork()\nns_new()\nfork()\nns_up()\nmemfd_create(\"m0\", 0)\n");
	e.env.timeout_ms = 300;
	int before = HostMemfdNoexec();
	conform_run r;
	RunWithHook(e, &s.s, h, &r);

	EXPECT_EQ(h->acted, 1u);   // it did hang there, with the others alive
	EXPECT_EQ(r.status, CONFORM_HARNESS);
	ASSERT_NE(r.error, nullptr);
	EXPECT_NE(std::string(r.error).find("time limit (300 ms; killed after call 4 of 6)"),
		  std::string::npos) << r.error;
	std::vector<long> left = WaitEmpty(LiveDescendants, 5000);
	EXPECT_TRUE(left.empty()) << "left behind:" << List(left);
	// the inits of both namespaces it made are gone, so are the
	// namespaces (kernel/pid_namespace.c: zap_pid_ns_processes)
	for (int d : { 1, 2 }) {
		ASSERT_GT(h->pid[d], 0) << d;
		ASSERT_NE(h->ns[d], 0u) << d;
		EXPECT_NE(h->ns[d], PidNs(getpid()));
		left = WaitEmpty([&] { return AliveIn(h->pid[d], h->ns[d]); }, 5000);
		EXPECT_TRUE(left.empty()) << "the init of namespace " << h->ns[d] << " is alive";
	}
	EXPECT_EQ(HostMemfdNoexec(), before);
	conform_run_free(&r);
	munmap(h, P);
}

// A process of this one that waits (10 s at most) for the hook to name
// an actor, then kills it with SIGKILL: from outside, as the OOM killer
// or a user would. Exits 0 when it did.
pid_t KillWhenAsked(HookState *h)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	for (int waited = 0; waited < 10000; waited++) {
		long victim = __atomic_load_n(&h->victim, __ATOMIC_SEQ_CST);
		if (victim > 0)
			_exit(kill(static_cast<pid_t>(victim), SIGKILL) == 0 ? 0 : 1);
		usleep(1000);
	}
	_exit(2);
}

// Rule: a live child killed from outside is an error, not a mismatch:
// here actor 1 dies of SIGKILL mid-sequence (after call 2 of 4), actor 0
// dies of it in turn, and the run is a harness failure naming the
// signal; nothing it made is left.
TEST(ConformCleanup, AnActorKilledMidSequenceIsAnErrorAndLeavesNothing)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	if (!e.env.feat.pidns)
		GTEST_SKIP() << "no unshare(CLONE_NEWPID) here";
	Subreaper sub;
	HookState *h = NewHookState();
	ASSERT_NE(h, nullptr);
	h->act_at_depth = 1;
	h->what = 4;   // SIGKILL, from here
	Seq s("ns_new()\nfork()\nns_up()\nmemfd_create(\"m0\", 0)\n");
	pid_t killer = KillWhenAsked(h);
	ASSERT_GT(killer, 0);
	conform_run r;
	RunWithHook(e, &s.s, h, &r);
	int kstatus = 0;
	waitpid(killer, &kstatus, 0);

	EXPECT_EQ(h->acted, 1u);
	EXPECT_TRUE(WIFEXITED(kstatus) && WEXITSTATUS(kstatus) == 0) << "no actor to kill came";
	EXPECT_EQ(r.status, CONFORM_HARNESS);
	ASSERT_NE(r.error, nullptr);
	EXPECT_NE(std::string(r.error).find("killed by signal 9"), std::string::npos) << r.error;
	EXPECT_NE(std::string(r.error).find("after call 2 of 4"), std::string::npos) << r.error;
	std::vector<long> left = WaitEmpty(LiveDescendants, 5000);
	EXPECT_TRUE(left.empty()) << "left behind:" << List(left);
	conform_run_free(&r);
	munmap(h, P);
}

// ---- ConformCleanup: the mmsim binary ------------------------------------------------

#ifdef MMSIM_BINARY

constexpr const char *kMarker = "MMSIM_CONFORM_SAFETY_TEST";

// Processes whose environment holds NAME=VALUE: mmsim and everything it
// forked, in any pid namespace, whoever their parent is now. A zombie's
// environment reads empty: it is gone but for its exit status.
std::vector<long> Marked(const std::string &value)
{
	std::vector<long> found;
	std::string want = std::string(kMarker) + "=" + value;

	for (long pid : AllPids()) {
		std::string env = ReadFile("/proc/" + std::to_string(pid) + "/environ");
		for (size_t at = 0; at < env.size();) {
			size_t end = env.find('\0', at);
			if (end == std::string::npos)
				end = env.size();
			if (env.compare(at, end - at, want) == 0) {
				found.push_back(pid);
				break;
			}
			at = end + 1;
		}
	}
	return found;
}

// One `mmsim conform ...`, in a directory of its own (its working
// directory and TMPDIR: conform writes no file, so it stays empty), its
// output in another, a marker in its environment.
class Mmsim {
public:
	explicit Mmsim(const std::vector<std::string> &args)
	{
		static unsigned serial;
		char work[] = "/tmp/mmsim-conform-safety-XXXXXX", outdir[] = "/tmp/mmsim-conform-out-XXXXXX";

		marker_ = std::to_string(getpid()) + "-" + std::to_string(++serial) + "-" +
			  std::to_string(time(nullptr));
		if (!mkdtemp(work) || !mkdtemp(outdir))
			return;
		work_ = work;
		outdir_ = outdir;
		out_ = outdir_ + "/out";
		own_ns_ = PidNs(getpid());
		std::vector<std::string> argv_s = { MMSIM_BINARY, "conform" };
		argv_s.insert(argv_s.end(), args.begin(), args.end());
		pid_ = fork();
		if (pid_ == 0)
			Exec(argv_s);
	}
	~Mmsim()
	{
		if (pid_ > 0 && !done_) {
			kill(pid_, SIGKILL);
			waitpid(pid_, &status_, 0);
		}
		if (!outdir_.empty()) {
			unlink(out_.c_str());
			rmdir(outdir_.c_str());
		}
		if (!work_.empty())
			rmdir(work_.c_str());
		for (int fd : ns_fds_)
			close(fd);
	}
	Mmsim(const Mmsim &) = delete;
	Mmsim &operator=(const Mmsim &) = delete;

	bool Started() const { return pid_ > 0; }
	bool Done() const { return done_; }
	pid_t Pid() const { return pid_; }

	// Processes it made now (and the pid namespaces they are in are
	// noted); false once mmsim has exited.
	bool Poll()
	{
		if (done_)
			return false;
		if (waitpid(pid_, &status_, WNOHANG) == pid_) {
			done_ = true;
			return false;
		}
		std::vector<long> now = Marked(marker_);
		if (now.size() > max_procs_)
			max_procs_ = now.size();
		for (long p : now) {
			unsigned long ns = PidNs(p);
			if (!ns || ns == own_ns_ || namespaces_.count(ns))
				continue;
			// held open, the number names this namespace until the end
			std::string path = "/proc/" + std::to_string(p) + "/ns/pid";
			int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
			if (fd >= 0 && PidNs(p) == ns) {
				namespaces_.insert(ns);
				ns_fds_.push_back(fd);
			} else if (fd >= 0) {
				close(fd);
			}
		}
		procs_ = now;
		return true;
	}

	// Poll until `until` holds (true) or mmsim exits or ms pass (false).
	template <class F> bool PollUntil(F until, int ms)
	{
		for (int waited = 0; waited < ms; waited += 2) {
			if (!Poll())
				return false;
			if (until())
				return true;
			usleep(2000);
		}
		return false;
	}

	// Its exit status; one that takes longer than ms is a failure (and
	// is killed).
	int Wait(int ms = 60000)
	{
		for (int waited = 0; !done_; waited += 2) {
			if (waited >= ms) {
				ADD_FAILURE() << "mmsim still running after " << ms << " ms";
				kill(pid_, SIGKILL);
				waitpid(pid_, &status_, 0);
				done_ = true;
				break;
			}
			Poll();
			usleep(2000);
		}
		return status_;
	}

	std::string Output() const { return ReadFile(out_); }
	std::string LastLine() const
	{
		std::string o = Output();
		while (!o.empty() && o.back() == '\n')
			o.pop_back();
		size_t nl = o.rfind('\n');
		return nl == std::string::npos ? o : o.substr(nl + 1);
	}
	const std::vector<long> &Procs() const { return procs_; }
	size_t MaxProcs() const { return max_procs_; }

	// After mmsim exited: nothing of its left -- no process, no process in
	// a pid namespace it made, no file where it ran. Failures are added
	// to the test.
	void ExpectNothingLeft(const std::string &what)
	{
		std::vector<long> left = WaitEmpty([&] { return Marked(marker_); }, 5000);
		EXPECT_TRUE(left.empty()) << what << ": left behind:" << List(left);
		left = WaitEmpty([&] { return InNamespaces(namespaces_); }, 5000);
		EXPECT_TRUE(left.empty()) << what << ": still in its pid namespaces:" << List(left);
		std::vector<std::string> files;
		if (DIR *d = opendir(work_.c_str())) {
			while (struct dirent *e = readdir(d))
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					files.push_back(e->d_name);
			closedir(d);
		}
		EXPECT_TRUE(files.empty()) << what << ": left a file in its directory: " << files[0];
	}

private:
	void Exec(const std::vector<std::string> &argv_s)
	{
		std::vector<char *> argv;
		std::vector<std::string> env_s;
		std::vector<char *> envp;
		sigset_t none;

		for (const std::string &a : argv_s)
			argv.push_back(const_cast<char *>(a.c_str()));
		argv.push_back(nullptr);
		for (char **e = environ; *e; e++)
			if (strncmp(*e, "TMPDIR=", 7) != 0)
				env_s.push_back(*e);
		env_s.push_back(std::string("TMPDIR=") + work_);
		env_s.push_back(std::string(kMarker) + "=" + marker_);
		for (std::string &e : env_s)
			envp.push_back(const_cast<char *>(e.c_str()));
		envp.push_back(nullptr);
		int fd = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || chdir(work_.c_str()) != 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		// as a shell starts it: these act (a background job or nohup
		// would have them ignored, and then conform leaves them so)
		for (int sig : { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE })
			signal(sig, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, nullptr);
		execve(argv[0], argv.data(), envp.data());
		_exit(127);
	}

	pid_t pid_ = -1;
	int status_ = 0;
	bool done_ = false;
	std::string marker_, work_, outdir_, out_;
	unsigned long own_ns_ = 0;
	std::vector<long> procs_;
	size_t max_procs_ = 0;
	std::set<unsigned long> namespaces_;
	std::vector<int> ns_fds_;
};

// Whether this machine can run the pid-namespace areas (the mmsim
// binary would exit 2 otherwise).
bool PidnsHere(std::string *why)
{
	Env e;
	if (!e.ok) {
		*why = e.why;
		return false;
	}
	*why = "no unshare(CLONE_NEWPID) here";
	return e.env.feat.pidns;
}

// Rule: a run that ends normally leaves nothing: its children, their
// fork() children and pid-namespace actors are gone, no file was made,
// vm.memfd_noexec is the machine's.
TEST(ConformCleanup, ANormalRunLeavesNothing)
{
	std::string why;
	if (!PidnsHere(&why))
		GTEST_SKIP() << why;
	int before = HostMemfdNoexec();
	for (const char *area : { "pidns", "all" }) {
		Mmsim m({ "--area", area, "--sequences", "50", "--seed", "1" });
		ASSERT_TRUE(m.Started());
		int status = m.Wait();
		ASSERT_TRUE(WIFEXITED(status)) << area << "\n" << m.Output();
		EXPECT_EQ(WEXITSTATUS(status), 0) << area << "\n" << m.Output();
		EXPECT_EQ(m.LastLine(), "sequences=50 calls=1500 mismatches=0") << area;
		m.ExpectNothingLeft(area);
		EXPECT_EQ(HostMemfdNoexec(), before) << area;
	}
}

// Rule: --timeout ends a live run that takes too long: 10000 calls cannot
// run in 100 ms. The run stops there with a harness failure (exit 2, the
// sequence counted as neither run nor mismatched), and leaves nothing.
TEST(ConformCleanup, TheTimeLimitLeavesNothing)
{
	std::string why;
	if (!PidnsHere(&why))
		GTEST_SKIP() << why;
	int before = HostMemfdNoexec();
	for (const char *area : { "memfd", "pidns" }) {
		Mmsim m({ "--area", area, "--calls", "10000", "--sequences", "3", "--seed", "1",
			  "--timeout", "100" });
		ASSERT_TRUE(m.Started());
		int status = m.Wait();
		std::string out = m.Output();
		ASSERT_TRUE(WIFEXITED(status)) << area << "\n" << out;
		EXPECT_EQ(WEXITSTATUS(status), 2) << area << "\n" << out;
		EXPECT_NE(out.find("== harness failure in sequence 1 "), std::string::npos) << out;
		EXPECT_NE(out.find("did not finish within its time limit (100 ms;"), std::string::npos) << out;
		EXPECT_EQ(out.find("== mismatch"), std::string::npos) << out;
		EXPECT_EQ(m.LastLine(), "sequences=0 calls=0 mismatches=0") << area;
		m.ExpectNothingLeft(area);
		EXPECT_EQ(HostMemfdNoexec(), before) << area;
	}
}

// Rule: a signal that ends mmsim mid-run ends it as that signal would
// (the status says so) and takes every process it made along: sent once
// the live child has made children of its own (fork() children, pid-
// namespace actors), a little later too. SIGKILL, which mmsim cannot
// catch, relies on PR_SET_PDEATHSIG alone.
TEST(ConformCleanup, ASignalMidRunLeavesNothing)
{
	std::string why;
	if (!PidnsHere(&why))
		GTEST_SKIP() << why;
	int before = HostMemfdNoexec();
	unsigned busy = 0;
	for (int sig : { SIGINT, SIGTERM, SIGHUP, SIGKILL }) {
		for (int delay_ms : { 0, 7, 40 }) {
			std::string what = std::string(strsignal(sig)) + " after " +
					   std::to_string(delay_ms) + " ms";
			Mmsim m({ "--area", "all", "--calls", "3000", "--sequences", "1000", "--seed",
				  std::to_string(sig * 100 + delay_ms) });
			ASSERT_TRUE(m.Started());
			// mmsim, its live child and one of that one's
			if (m.PollUntil([&] { return m.Procs().size() >= 3; }, 20000))
				busy++;
			usleep(delay_ms * 1000);
			ASSERT_EQ(kill(m.Pid(), sig), 0);
			int status = m.Wait();
			EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig)
				<< what << ": status " << status << "\n" << m.Output();
			m.ExpectNothingLeft(what);
			EXPECT_EQ(HostMemfdNoexec(), before) << what;
		}
	}
	EXPECT_GT(busy, 0u);   // some signals came with a family to clean up
}

// The live child among mmsim's children: it maps the window or has
// children of its own (the model's child does neither).
long LiveChildOf(pid_t mmsim, const std::vector<long> &procs)
{
	char base[32];

	snprintf(base, sizeof(base), "%" PRIx64 "-", W);
	for (long p : procs) {
		if (ParentOf(p) != mmsim)
			continue;
		if (ReadFile("/proc/" + std::to_string(p) + "/maps").find(base) != std::string::npos)
			return p;
		for (long q : procs)
			if (ParentOf(q) == p)
				return p;
	}
	return -1;
}

// Rule: a live child killed from outside (SIGKILL: the OOM killer, a
// user) is an error, not a mismatch: exit 2, the harness failure names
// the signal, no mismatch is counted, and nothing is left.
TEST(ConformCleanup, ALiveChildKilledFromOutsideIsAnError)
{
	std::string why;
	if (!PidnsHere(&why))
		GTEST_SKIP() << why;
	int before = HostMemfdNoexec();
	Mmsim m({ "--area", "all", "--calls", "3000", "--sequences", "1000", "--seed", "5" });
	ASSERT_TRUE(m.Started());
	// (a child found just as it exits takes no signal: then the next one)
	for (int tries = 0; tries < 5; tries++) {
		long live = -1;
		ASSERT_TRUE(m.PollUntil([&] { return (live = LiveChildOf(m.Pid(), m.Procs())) > 0; },
					20000)) << m.Output();
		kill(static_cast<pid_t>(live), SIGKILL);
		m.PollUntil([] { return false; }, 5000);
		if (m.Done())
			break;
	}
	int status = m.Wait();
	std::string out = m.Output();
	ASSERT_TRUE(WIFEXITED(status)) << out;
	EXPECT_EQ(WEXITSTATUS(status), 2) << out;
	EXPECT_NE(out.find("== harness failure in sequence"), std::string::npos) << out;
	EXPECT_NE(out.find("the live child was killed by signal 9"), std::string::npos) << out;
	EXPECT_EQ(out.find("== mismatch"), std::string::npos) << out;
	EXPECT_NE(m.LastLine().find(" mismatches=0"), std::string::npos) << out;
	m.ExpectNothingLeft("live child killed");
	EXPECT_EQ(HostMemfdNoexec(), before);
}

#endif  // MMSIM_BINARY

}  // namespace
