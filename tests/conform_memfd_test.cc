// mmsim conform's memfd, pidns and all areas (syscalls/conform.h):
//
//   ConformFdText     the new calls' text reads back (strings, seals,
//                     open flags, pseudo-calls), area lines, inference
//   ConformFdSafety   the descriptor rules and the sysctl rule: no write
//                     of vm.memfd_noexec in this process's own namespace
//   ConformFdGen      the generator of each area: deterministic, safe,
//                     reaches every call kind
//   ConformFdLive     the live runner: refuses before forking, leaves the
//                     machine's vm.memfd_noexec and no process behind
//   ConformFdReplay   hand-written and found sequences on both sides,
//                     with the kernel's answers checked too
//
// The window is CONFORM_DEFAULT_BASE, 64 pages, as in conform_test.cc.

#include <gtest/gtest.h>

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <dirent.h>
#include <unistd.h>

#include "syscalls/conform.h"
#include "syscalls/uapi.h"

namespace {

constexpr uint64_t W = CONFORM_DEFAULT_BASE;

std::string Format(const conform_call &c)
{
	char buf[2048];

	conform_call_format(&c, buf, sizeof(buf));
	return buf;
}

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
	~Seq() { conform_seq_free(&s); }
	Seq(const Seq &) = delete;
	Seq &operator=(const Seq &) = delete;
};

conform_gen_opts Opts(conform_area area)
{
	conform_gen_opts o;

	memset(&o, 0, sizeof(o));
	o.base = W;
	o.pages = CONFORM_DEFAULT_PAGES;
	o.calls = 30;
	o.feat.mseal = o.feat.fixed_noreplace = o.feat.guard = o.feat.fill = true;
	o.area = area;
	return o;
}

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

// ---- ConformFdText --------------------------------------------------------------

const char *const kFileCalls[] = {
	"memfd_create(\"m0\", MFD_CLOEXEC|MFD_ALLOW_SEALING)",
	"memfd_create(\"\", 0)",
	"memfd_create(NULL, MFD_NOEXEC_SEAL)",
	"memfd_create(\"a b\\nc\\t\\\"q\\\\\\001\", MFD_HUGETLB|MFD_EXEC|0x40)",
	"fcntl(3, F_ADD_SEALS, F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|F_SEAL_EXEC|0x40)",
	"fcntl(3, F_ADD_SEALS, 0)",
	"fcntl(3, F_GET_SEALS)",
	"fcntl(3, F_DUPFD, 5)",
	"fcntl(-1, F_DUPFD_CLOEXEC, 0)",
	"write(3, \"data\"..., 0x3000)",
	"write(4, \"2\\000\", 0x2)",
	"write(4, \"\", 0)",
	"pwrite64(3, \"\"..., 0x1000, 0x2000)",
	"pwrite64(3, \"1\", 0x1, -1)",
	"read(4, ..., 0x40)",
	"pread64(4, ..., 0x40, 0x1)",
	"lseek(3, 0x1000, SEEK_END)",
	"lseek(3, -1, 0x5)",
	"ftruncate(3, 0x2000)",
	"ftruncate(3, -1)",
	"fallocate(3, FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE, 0x1000, 0x1000)",
	"fallocate(3, 0, 0, -1)",
	"fchmod(3, 0755)",
	"fchmod(3, 0)",
	"close(3)",
	"dup(3)",
	"dup2(3, 7)",
	"dup3(3, 7, O_CLOEXEC)",
	"openat(AT_FDCWD, \"/proc/self/fd/3\", O_RDWR|O_TRUNC|O_CLOEXEC)",
	"openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_RDONLY)",
	"mmap(0x400000001000, 0x2000, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0x1000)",
	"fork()",
	"reap()",
	"ns_new()",
	"ns_up()",
};

TEST(ConformFdText, EveryNewCallReadsBack)
{
	for (const char *line : kFileCalls) {
		conform_call c;
		char err[256] = "";

		ASSERT_EQ(conform_call_parse(line, &c, err, sizeof(err)), 0) << line << ": " << err;
		EXPECT_EQ(Format(c), line);
	}
}

TEST(ConformFdText, EveryPrefixIsAnError)
{
	for (const char *line : kFileCalls) {
		std::string full = line;

		for (size_t n = 0; n < full.size(); n++) {
			conform_call c;
			char err[256];

			EXPECT_EQ(conform_call_parse(full.substr(0, n).c_str(), &c, err, sizeof(err)), -1)
				<< "prefix accepted: " << full.substr(0, n);
		}
	}
}

TEST(ConformFdText, StringsAndZerosLandInTheCall)
{
	conform_call c;
	char err[256];

	ASSERT_EQ(conform_call_parse("write(4, \"2\\000\", 0x2) = 2", &c, err, sizeof(err)), 0) << err;
	EXPECT_EQ(c.nr, CONFORM_NR_WRITE);
	ASSERT_EQ(c.slen, 2u);
	EXPECT_EQ(std::string(c.str, 2), std::string("2\0", 2));
	EXPECT_EQ(c.arg[2], 2u);
	// strace's "..." after the string: zeros follow up to the length
	ASSERT_EQ(conform_call_parse("pwrite64(3, \"ab\"..., 4096, 8192)", &c, err, sizeof(err)), 0) << err;
	EXPECT_EQ(c.slen, 2u);
	EXPECT_EQ(c.arg[2], 4096u);
	EXPECT_EQ(c.arg[3], 8192u);
	EXPECT_EQ(Format(c), "pwrite64(3, \"ab\"..., 0x1000, 0x2000)");
	// read is syscall 0: still a call
	ASSERT_EQ(conform_call_parse("read(5, \"1\\n\", 64) = 2", &c, err, sizeof(err)), 0) << err;
	EXPECT_EQ(c.nr, CONFORM_NR_READ);
	EXPECT_EQ(c.arg[1], 64u);
	ASSERT_EQ(conform_call_parse("openat(AT_FDCWD, \"/proc/self/fd/3\", O_WRONLY) = 4", &c, err,
				     sizeof(err)), 0) << err;
	EXPECT_EQ(static_cast<int64_t>(c.arg[0]), -100);
	EXPECT_STREQ(c.str, "/proc/self/fd/3");
	EXPECT_EQ(c.arg[2], 1u);
}

TEST(ConformFdText, NamesUpToTheLimitAndPast)
{
	for (size_t n : { size_t{249}, size_t{250}, size_t{CONFORM_STR_MAX} }) {
		std::string line = "memfd_create(\"" + std::string(n, 'x') + "\", 0)";
		conform_call c;
		char err[256];

		ASSERT_EQ(conform_call_parse(line.c_str(), &c, err, sizeof(err)), 0) << n << ": " << err;
		EXPECT_EQ(c.slen, n);
		EXPECT_EQ(Format(c), line);
	}
	std::string too_long = "memfd_create(\"" + std::string(CONFORM_STR_MAX + 1, 'x') + "\", 0)";
	conform_call c;
	char err[256];

	EXPECT_EQ(conform_call_parse(too_long.c_str(), &c, err, sizeof(err)), -1);
	EXPECT_NE(std::string(err).find("string longer"), std::string::npos) << err;
	EXPECT_EQ(conform_call_parse("memfd_create(\"m, 0)", &c, err, sizeof(err)), -1);
	EXPECT_EQ(conform_call_parse("write(3, NULL, 1)", &c, err, sizeof(err)), -1);
}

TEST(ConformFdText, AreaLineAndInference)
{
	struct {
		const char *text;
		conform_area area;
	} cases[] = {
		{ "area pidns\nmmap(0x400000001000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n",
		  CONFORM_AREA_PIDNS },
		{ "mmap(0x400000001000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n",
		  CONFORM_AREA_MM },
		{ "memfd_create(\"m\", 0)\nfcntl(3, F_GET_SEALS)\n", CONFORM_AREA_MEMFD },
		{ "memfd_create(\"m\", 0)\nfork()\n", CONFORM_AREA_MEMFD },
		{ "ns_new()\nmemfd_create(\"m\", 0)\n", CONFORM_AREA_PIDNS },
		{ "openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_RDONLY)\n", CONFORM_AREA_PIDNS },
		{ "ns_new()\nbrk(NULL)\n", CONFORM_AREA_ALL },
		{ "ftruncate(3, 0)\nmremap(0x400000001000, 0x1000, 0x1000, 0, NULL)\n", CONFORM_AREA_ALL },
	};

	for (const auto &t : cases) {
		Seq s(t.text);
		EXPECT_EQ(s.s.area, t.area) << t.text;
	}
	conform_seq s;
	char err[256];

	EXPECT_EQ(conform_seq_parse("area files\n", &s, err, sizeof(err)), -1);
	EXPECT_NE(std::string(err).find("line 1, column 6: unknown area"), std::string::npos) << err;
	EXPECT_EQ(conform_seq_parse("close(3)\narea memfd\n", &s, err, sizeof(err)), -1);
	EXPECT_NE(std::string(err).find("line 2"), std::string::npos) << err;
}

TEST(ConformFdText, GeneratedSequencesReadBack)
{
	for (conform_area area : { CONFORM_AREA_MEMFD, CONFORM_AREA_PIDNS, CONFORM_AREA_ALL }) {
		conform_gen_opts o = Opts(area);

		for (uint64_t seed = 1; seed <= 300; seed++) {
			conform_seq s;

			ASSERT_EQ(conform_gen(&s, &o, conform_mix(seed)), 0);
			char *text = conform_seq_format(&s, nullptr, 0);
			ASSERT_NE(text, nullptr);
			Seq back(text);
			EXPECT_EQ(back.s.area, area);
			ASSERT_EQ(back.s.n, s.n) << text;
			for (size_t i = 0; i < s.n; i++) {
				const conform_call &a = s.calls[i], &b = back.s.calls[i];

				EXPECT_EQ(b.nr, a.nr) << Format(a);
				EXPECT_EQ(memcmp(b.arg, a.arg, sizeof(a.arg)), 0) << Format(a);
				EXPECT_EQ(b.slen, a.slen) << Format(a);
				EXPECT_EQ(b.snull, a.snull) << Format(a);
				EXPECT_EQ(memcmp(b.str, a.str, a.slen), 0) << Format(a);
			}
			free(text);
			conform_seq_free(&s);
		}
	}
}

// ---- ConformFdSafety ------------------------------------------------------------

bool SeqSafe(const std::string &text, size_t *bad = nullptr, const char **why = nullptr)
{
	Seq s(text);
	size_t b = 0;
	const char *w = nullptr;
	bool ok = conform_seq_safe(&s.s, false, &b, &w);

	if (bad)
		*bad = b;
	if (why)
		*why = w;
	return ok;
}

const char *const kOpenSysctl = "openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_WRONLY)\n";

// The machine's own vm.memfd_noexec is never written: not before the
// first ns_new, not after ns_up back to the first actor, not after an
// ns_new the kernel refuses (the actor made its namespace already).
TEST(ConformFdSafety, SysctlWritesOnlyInNamespacesTheSequenceMade)
{
	const std::string open = kOpenSysctl, write = "write(3, \"1\", 0x1)\n";
	size_t bad;
	const char *why;

	EXPECT_FALSE(SeqSafe(open + write, &bad, &why));
	EXPECT_EQ(bad, 1u);
	EXPECT_NE(std::string(why).find("first actor's pid namespace"), std::string::npos) << why;
	EXPECT_FALSE(SeqSafe(open + "pwrite64(3, \"1\", 0x1, 0)\n"));
	EXPECT_FALSE(SeqSafe(open + "write(4, \"\"..., 0x1000)\n"));   // any descriptor
	EXPECT_TRUE(SeqSafe("ns_new()\n" + open + write));
	EXPECT_TRUE(SeqSafe(open + "ns_new()\n" + write));   // the child writes its own
	EXPECT_FALSE(SeqSafe("ns_new()\n" + open + "ns_up()\n" + write));
	EXPECT_FALSE(SeqSafe("ns_new()\nns_up()\nns_new()\n" + open + write));
	EXPECT_TRUE(SeqSafe("ns_new()\nns_new()\nns_up()\n" + open + write));
	// no sysctl open: writes of memfds anywhere
	EXPECT_TRUE(SeqSafe("memfd_create(\"m\", 0)\nwrite(3, \"\"..., 0x1000)\n"));
	// without context every write is refused
	conform_call c;
	char err[256];
	Seq s("");
	ASSERT_EQ(conform_call_parse("write(3, \"1\", 0x1)", &c, err, sizeof(err)), 0);
	EXPECT_FALSE(conform_call_safe(&c, &s.s, false, nullptr));
}

TEST(ConformFdSafety, OnlyTheSequencesOwnDescriptorsAndPaths)
{
	struct {
		const char *unsafe, *safe;
	} pairs[] = {
		{ "fchmod(1, 0777)", "fchmod(3, 0777)" },
		{ "ftruncate(2, 0)", "ftruncate(-1, 0)" },
		{ "write(1, \"x\", 0x1)", "write(-1, \"x\", 0x1)" },
		{ "read(0, ..., 0x1)", "read(-1, ..., 0x1)" },   // a read of a terminal would wait
		{ "read(3, ..., 0x20000)", "read(3, ..., 0x10000)" },
		{ "close(0)", "close(63)" },
		{ "dup2(3, 1)", "dup2(3, 63)" },
		{ "fcntl(3, F_DUPFD, 64)", "fcntl(3, F_DUPFD, 0)" },
		{ "fcntl(3, 4, 0)", "fcntl(3, F_GETFD)" },    // F_SETFL is not run
		{ "openat(AT_FDCWD, \"/proc/self/fd/1\", O_RDWR|O_TRUNC)",
		  "openat(AT_FDCWD, \"/proc/self/fd/3\", O_RDWR|O_TRUNC)" },
		{ "openat(AT_FDCWD, \"/proc/self/fd/100\", O_RDWR)",
		  "openat(AT_FDCWD, \"/proc/self/fd/63\", O_RDWR)" },
		{ "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY)",
		  "openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_RDONLY)" },
		{ "openat(AT_FDCWD, \"/proc/self/fd/3\", O_RDWR|O_CREAT, 0644)",
		  "openat(AT_FDCWD, \"/proc/self/fd/3\", O_RDWR|O_CLOEXEC)" },
		{ "openat(3, \"/proc/self/fd/3\", O_RDWR)", "openat(AT_FDCWD, NULL, O_RDWR)" },
		{ "mmap(0x400000001000, 0x1000, PROT_READ, MAP_SHARED|MAP_FIXED, 2, 0)",
		  "mmap(0x400000001000, 0x1000, PROT_READ, MAP_SHARED|MAP_FIXED, 3, 0)" },
		{ "memfd_create(\"h\", MFD_HUGETLB)", "memfd_create(\"h\", MFD_HUGETLB|MFD_EXEC|MFD_NOEXEC_SEAL)" },
		{ "memfd_create(\"h\", MFD_HUGETLB|MFD_ALLOW_SEALING)", "memfd_create(\"h\", MFD_HUGETLB|0x40)" },
	};
	Seq s("");

	for (const auto &p : pairs) {
		conform_call bad, good;
		char err[256];
		const char *why = nullptr;

		ASSERT_EQ(conform_call_parse(p.unsafe, &bad, err, sizeof(err)), 0) << p.unsafe << ": " << err;
		ASSERT_EQ(conform_call_parse(p.safe, &good, err, sizeof(err)), 0) << p.safe << ": " << err;
		EXPECT_FALSE(conform_call_safe(&bad, &s.s, false, &why)) << p.unsafe;
		EXPECT_NE(why, nullptr) << p.unsafe;
		EXPECT_TRUE(conform_call_safe(&good, &s.s, false, &why)) << p.safe << ": " << (why ? why : "");
	}
}

TEST(ConformFdSafety, ProcessesAreFew)
{
	std::string forks, news;

	for (int i = 0; i < CONFORM_MAX_FORKS; i++)
		forks += "fork()\n";
	for (int i = 0; i < CONFORM_MAX_NS_NEW; i++)
		news += "ns_new()\n";
	EXPECT_TRUE(SeqSafe(forks));
	EXPECT_FALSE(SeqSafe(forks + "fork()\n"));
	EXPECT_TRUE(SeqSafe(news));
	EXPECT_FALSE(SeqSafe(news + "ns_new()\n"));
}

// ---- ConformFdGen --------------------------------------------------------------

TEST(ConformFdGen, EveryCallIsSafe)
{
	for (conform_area area : { CONFORM_AREA_MEMFD, CONFORM_AREA_PIDNS, CONFORM_AREA_ALL }) {
		conform_gen_opts o = Opts(area);

		for (uint64_t seed = 0; seed < 3000; seed++) {
			conform_seq s;
			size_t bad = 0;
			const char *why = nullptr;

			ASSERT_EQ(conform_gen(&s, &o, conform_mix(seed)), 0);
			EXPECT_EQ(s.n, o.calls);
			EXPECT_TRUE(conform_seq_safe(&s, false, &bad, &why))
				<< conform_area_name(area) << " seed " << seed << ": "
				<< Format(s.calls[bad]) << ": " << why;
			conform_seq_free(&s);
		}
	}
}

TEST(ConformFdGen, SameSeedSameSequence)
{
	for (conform_area area : { CONFORM_AREA_MEMFD, CONFORM_AREA_PIDNS, CONFORM_AREA_ALL }) {
		conform_gen_opts o = Opts(area);
		conform_seq a, b;

		ASSERT_EQ(conform_gen(&a, &o, 42), 0);
		ASSERT_EQ(conform_gen(&b, &o, 42), 0);
		char *ta = conform_seq_format(&a, nullptr, 0), *tb = conform_seq_format(&b, nullptr, 0);
		EXPECT_STREQ(ta, tb);
		free(ta);
		free(tb);
		conform_seq_free(&a);
		conform_seq_free(&b);
	}
}

std::set<int> KindsOf(conform_area area, unsigned seeds, unsigned *sysctl_writes = nullptr)
{
	conform_gen_opts o = Opts(area);
	std::set<int> kinds;

	for (uint64_t seed = 0; seed < seeds; seed++) {
		conform_seq s;

		EXPECT_EQ(conform_gen(&s, &o, conform_mix(seed)), 0);
		for (size_t i = 0; i < s.n; i++)
			kinds.insert(s.calls[i].nr);
		if (sysctl_writes)
			for (size_t i = 0; i < s.n; i++)
				*sysctl_writes += s.calls[i].nr == CONFORM_NR_WRITE &&
						  s.calls[i].slen && s.calls[i].slen < 30 &&
						  strcmp(s.calls[i].str, "data") != 0;
		conform_seq_free(&s);
	}
	return kinds;
}

TEST(ConformFdGen, ReachesEveryCallKind)
{
	std::set<int> memfd = KindsOf(CONFORM_AREA_MEMFD, 500);
	unsigned writes = 0;
	std::set<int> pidns = KindsOf(CONFORM_AREA_PIDNS, 500, &writes);
	std::set<int> all = KindsOf(CONFORM_AREA_ALL, 500);

	for (int nr : std::initializer_list<int>{ CONFORM_NR_MEMFD_CREATE, CONFORM_NR_FCNTL, CONFORM_NR_WRITE, CONFORM_NR_PWRITE64,
			CONFORM_NR_READ, CONFORM_NR_PREAD64, CONFORM_NR_FTRUNCATE, CONFORM_NR_FALLOCATE,
			CONFORM_NR_FCHMOD, CONFORM_NR_CLOSE, CONFORM_NR_DUP, CONFORM_NR_DUP2,
			CONFORM_NR_DUP3, CONFORM_NR_OPENAT, CONFORM_NR_LSEEK, NR_MMAP, NR_MPROTECT,
			NR_MUNMAP, NR_MADVISE, NR_MSEAL, CONFORM_TOUCH, CONFORM_FORK, CONFORM_REAP })
		EXPECT_TRUE(memfd.count(nr)) << conform_call_name(nr);
	for (int nr : std::initializer_list<int>{ CONFORM_NS_NEW, CONFORM_NS_UP, CONFORM_NR_OPENAT, CONFORM_NR_WRITE,
			CONFORM_NR_PWRITE64, CONFORM_NR_READ, CONFORM_NR_MEMFD_CREATE, CONFORM_NR_FCHMOD })
		EXPECT_TRUE(pidns.count(nr)) << conform_call_name(nr);
	EXPECT_GT(writes, 500u);
	for (int nr : std::initializer_list<int>{ NR_MREMAP, NR_BRK, CONFORM_FORK, CONFORM_NS_NEW, CONFORM_NR_FALLOCATE })
		EXPECT_TRUE(all.count(nr)) << conform_call_name(nr);
}

// ---- ConformFdLive -------------------------------------------------------------

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

TEST(ConformFdLive, RefusesASysctlWriteBeforeNsNew)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	int before = HostMemfdNoexec();
	Seq s(std::string(kOpenSysctl) + "write(3, \"2\", 0x1)\nns_new()\n");
	conform_run r;

	ASSERT_EQ(conform_live_run(&e.env, &s.s, &r), 0);
	EXPECT_EQ(r.status, CONFORM_HARNESS);
	EXPECT_EQ(r.n, 0u);   // refused before forking: nothing ran
	ASSERT_NE(r.error, nullptr);
	EXPECT_NE(std::string(r.error).find("call 2"), std::string::npos) << r.error;
	EXPECT_NE(std::string(r.error).find("not safe"), std::string::npos) << r.error;
	conform_run_free(&r);
	EXPECT_EQ(HostMemfdNoexec(), before);
}

// The processes of this test binary besides this one.
// The parent of pid from /proc/PID/stat, or -1 when it is gone.
long ParentOf(long pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *close = strrchr(buf, ')');   // the name may hold anything
	long ppid = -1;
	if (!close || sscanf(close + 1, " %*c %ld", &ppid) != 1)
		return -1;
	return ppid;
}

// Live processes descending from this one. The caller is a child
// subreaper, so a descendant orphaned by its parent's death is
// reparented here and still found; other test processes running in
// parallel (ctest -j) are not descendants and do not count.
int LiveDescendants()
{
	DIR *d = opendir("/proc");
	int count = 0;

	if (!d)
		return -1;
	while (struct dirent *e = readdir(d)) {
		long pid = strtol(e->d_name, nullptr, 10);
		char exe[64], target[4096];

		if (pid <= 0 || pid == getpid())
			continue;
		// Zombies have no exe: they are gone but for their exit status.
		snprintf(exe, sizeof(exe), "/proc/%ld/exe", pid);
		if (readlink(exe, target, sizeof(target)) <= 0)
			continue;
		for (long p = ParentOf(pid); p > 1; p = ParentOf(p))
			if (p == getpid()) {
				count++;
				break;
			}
	}
	closedir(d);
	return count;
}

// A pidns run writes vm.memfd_noexec in the namespaces it makes only:
// this machine's value is the same after; and every process it made
// (actors, namespace inits, fork() children) is gone.
TEST(ConformFdLive, HostValueUnchangedAndNoProcessLeft)
{
	int before = HostMemfdNoexec();
	if (before < 0)
		GTEST_SKIP() << "no /proc/sys/vm/memfd_noexec";
	ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ASSERT_EQ(LiveDescendants(), 0);
	conform_opts o;
	memset(&o, 0, sizeof(o));
	o.area = CONFORM_AREA_PIDNS;
	o.sequences = 40;
	o.calls = 30;
	o.seed = 1;
	o.shrink_tries = 0;
	char *out = nullptr;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ASSERT_NE(f, nullptr);
	int rc = conform_main(&o, f, f);
	fclose(f);
	std::string report = out ? out : "";
	free(out);
	if (rc == 2 && report.find("not free") != std::string::npos)
		GTEST_SKIP() << report;
	EXPECT_EQ(rc, 0) << report;
	EXPECT_NE(report.find("sequences=40 calls=1200 mismatches=0"), std::string::npos) << report;
	EXPECT_EQ(HostMemfdNoexec(), before);
	EXPECT_EQ(LiveDescendants(), 0);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	while (waitpid(-1, nullptr, WNOHANG) > 0) {
	}
}

// ---- ConformFdReplay -----------------------------------------------------------

// Lines the state after call `call` (1-based) must hold.
struct StateHas {
	size_t call;
	std::string line;
};

// Both sides agree on text (conform's report otherwise), and the kernel
// answered as `want` says, call by call, its state holding `has`.
void ExpectKernelAndModel(const std::string &text, const std::vector<int64_t> &want,
			  const std::vector<StateHas> &has = {})
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	Seq s(text);
	conform_run r;

	ASSERT_EQ(conform_live_run(&e.env, &s.s, &r), 0);
	ASSERT_EQ(r.status, CONFORM_RAN) << (r.error ? r.error : "") << "\n" << text;
	ASSERT_EQ(r.n, want.size());
	for (size_t i = 0; i < want.size(); i++)
		EXPECT_EQ(r.obs[i].ret, want[i]) << "call " << i + 1 << ": " << Format(s.s.calls[i])
						 << "\n" << r.obs[i].maps;
	for (const StateHas &h : has) {
		ASSERT_TRUE(h.call >= 1 && h.call <= r.n);
		EXPECT_NE(std::string(r.obs[h.call - 1].maps).find(h.line), std::string::npos)
			<< "after call " << h.call << ", no line " << h.line << " in\n"
			<< r.obs[h.call - 1].maps;
	}
	conform_run_free(&r);
	char *out = nullptr;
	int rc = conform_replay_text(text.c_str(), &out);
	EXPECT_EQ(rc, 0) << (out ? out : "");
	free(out);
}

// A shared writable mapping in a fork() child keeps F_SEAL_WRITE busy
// after the parent unmapped its own (mm/memfd.c: memfd_add_seals ->
// mapping_deny_writable counts every mm); once the child is reaped the
// seal goes on.
TEST(ConformFdReplay, WriteSealBusyWhileAForkedChildMapsIt)
{
	ExpectKernelAndModel("area memfd\n"
			     "memfd_create(\"m\", MFD_ALLOW_SEALING) = 3\n"
			     "ftruncate(3, 0x2000) = 0\n"
			     "mmap(0x400000001000, 0x2000, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0)\n"
			     "fork() = 0\n"
			     "munmap(0x400000001000, 0x2000) = 0\n"
			     "fcntl(3, F_ADD_SEALS, F_SEAL_WRITE) = -1 EBUSY (Device or resource busy)\n"
			     "reap() = 0\n"
			     "fcntl(3, F_ADD_SEALS, F_SEAL_WRITE) = 0\n"
			     "fcntl(3, F_GET_SEALS) = 8\n"
			     "reap() = -1 ECHILD (No child processes)\n",
			     { 3, 0, static_cast<int64_t>(W + 0x1000), 0, 0, -EBUSY, 0, 0, 8, -ECHILD });
}

// MADV_DONTFORK keeps the mapping out of the child (VM_DONTCOPY): the
// seal goes on with the child alive; MADV_WIPEONFORK is for private
// anonymous memory only (EINVAL on a shared file mapping).
TEST(ConformFdReplay, DontForkKeepsTheMappingOutOfTheChild)
{
	ExpectKernelAndModel("area memfd\n"
			     "memfd_create(\"m\", MFD_ALLOW_SEALING) = 3\n"
			     "ftruncate(3, 0x1000) = 0\n"
			     "mmap(0x400000001000, 0x1000, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0)\n"
			     "madvise(0x400000001000, 0x1000, MADV_WIPEONFORK) = -1 EINVAL (Invalid argument)\n"
			     "madvise(0x400000001000, 0x1000, MADV_DONTFORK) = 0\n"
			     "fork() = 0\n"
			     "munmap(0x400000001000, 0x1000) = 0\n"
			     "fcntl(3, F_ADD_SEALS, F_SEAL_WRITE) = 0\n",
			     { 3, 0, static_cast<int64_t>(W + 0x1000), -EINVAL, 0, 0, 0, 0 });
}

// A write-sealed memfd maps shared only without write (mm/memfd.c:
// memfd_check_seals_mmap clears VM_MAYWRITE), privately as before.
TEST(ConformFdReplay, WriteSealedMemfdMapsReadOnly)
{
	ExpectKernelAndModel("area memfd\n"
			     "memfd_create(\"m\", MFD_ALLOW_SEALING) = 3\n"
			     "ftruncate(3, 0x1000) = 0\n"
			     "fcntl(3, F_ADD_SEALS, F_SEAL_WRITE) = 0\n"
			     "mmap(0x400000001000, 0x1000, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0) = -1 EPERM (Operation not permitted)\n"
			     "mmap(0x400000001000, 0x1000, PROT_READ, MAP_SHARED|MAP_FIXED, 3, 0)\n"
			     "mprotect(0x400000001000, 0x1000, PROT_READ|PROT_WRITE) = -1 EACCES (Permission denied)\n"
			     "mmap(0x400000002000, 0x1000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED, 3, 0)\n"
			     "write(3, \"\"..., 0x1) = -1 EPERM (Operation not permitted)\n",
			     { 3, 0, 0, -EPERM, static_cast<int64_t>(W + 0x1000), -EACCES,
			       static_cast<int64_t>(W + 0x2000), -EPERM });
}

// vm.memfd_noexec in nested namespaces: a child namespace starts at its
// parent's value and may not go below it; 1 makes memfds MFD_NOEXEC_SEAL
// by default, 2 refuses MFD_EXEC (mm/memfd.c: check_sysctl_memfd_noexec);
// an ns_new after ns_up is EINVAL (kernel/pid_namespace.c: copy_pid_ns:
// the actor's children already go to the namespace it made).
TEST(ConformFdReplay, MemfdNoexecInNestedNamespaces)
{
	int host = HostMemfdNoexec();
	if (host != 0)
		GTEST_SKIP() << "the results below assume vm.memfd_noexec 0 here, not " << host;
	// fd 3 is opened by the first actor, fd 4 by the first child: the
	// value read or written is the reader's or writer's namespace's
	ExpectKernelAndModel("area pidns\n"
			     "openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_RDONLY) = 3\n"
			     "ns_new() = 1\n"
			     "openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_RDWR) = 4\n"
			     "pwrite64(4, \" 1\\n\", 0x3, 0) = 3\n"
			     "pread64(3, ..., 0x40, 0) = 2\n"
			     "memfd_create(\"a\", 0) = 5\n"
			     "fchmod(5, 0777) = -1 EPERM (Operation not permitted)\n"
			     "ns_new() = 2\n"
			     "pwrite64(4, \"0\", 0x1, 0) = -1 EINVAL (Invalid argument)\n"
			     "pwrite64(4, \"1 2\", 0x3, 0) = 2\n"
			     "pwrite64(4, \"0x2\", 0x3, 0) = 3\n"
			     "memfd_create(\"b\", MFD_EXEC) = -1 EACCES (Permission denied)\n"
			     "memfd_create(\"b\", MFD_ALLOW_SEALING) = 6\n"
			     "ns_up() = 1\n"
			     "pread64(4, ..., 0x40, 0) = 2\n"
			     "memfd_create(\"c\", MFD_EXEC) = 6\n"
			     "ns_new() = -1 EINVAL (Invalid argument)\n"
			     "ns_up() = 0\n"
			     "ns_up() = -1 ESRCH (No such process)\n"
			     "pread64(3, ..., 0x40, 0) = 2\n",
			     { 3, 1, 4, 3, 2, 5, -EPERM, 2, -EINVAL, 2, 3, -EACCES, 6, 1, 2, 6, -EINVAL, 0,
			       -ESRCH, 2 },
			     { { 5, "data \"1\\n\"" },
			       { 6, "fd 5 memfd #1 rw seals 0x20 mode 0666 size 0" },
			       { 13, "fd 6 memfd #2 rw seals 0x20 mode 0666" },
			       { 15, "data \"1\\n\"" },
			       { 16, "fd 6 memfd #3 rw seals 0x1 mode 0777" },
			       { 20, "data \"0\\n\"" } });
}

// Found by conform and fixed in the model.

// fs/open.c: do_sys_ftruncate checks the length before the descriptor.
TEST(ConformFdReplay, NegativeLengthBeforeTheDescriptor)
{
	ExpectKernelAndModel("ftruncate(-1, -1) = -1 EINVAL (Invalid argument)\n", { -EINVAL });
}

// A memfd name's newline is \012 in /proc/PID/maps (seq_path escapes it).
TEST(ConformFdReplay, NewlineInAMemfdNameIsEscaped)
{
	ExpectKernelAndModel("memfd_create(\"a b\\nc\", 0) = 3\n"
			     "mmap(0x400000001000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED, 3, 0)\n",
			     { 3, static_cast<int64_t>(W + 0x1000) });
}

// procfs's s_maxbytes is MAX_NON_LFS: truncating the sysctl past it is
// EFBIG (fs/attr.c: inode_newsize_ok); below, nothing happens.
TEST(ConformFdReplay, SysctlTruncatedPastTwoGigabytesIsEfbig)
{
	ExpectKernelAndModel("openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_RDONLY|O_CLOEXEC) = 3\n"
			     "openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_WRONLY) = 4\n"
			     "ftruncate(3, 0) = -1 EINVAL (Invalid argument)\n"
			     "ftruncate(4, 0x7fffffff) = 0\n"
			     "ftruncate(4, 0x80000000) = -1 EFBIG (File too large)\n",
			     { 3, 4, -EINVAL, 0, -EFBIG });
}

// Found by conform and fixed in the model.

// MADV_REMOVE punches a hole through vfs_fallocate, which shmem refuses
// under F_SEAL_WRITE / F_SEAL_FUTURE_WRITE (EPERM); a VMA's error wins
// over a hole in the range (ENOMEM).
TEST(ConformFdReplay, MadviseRemoveOfAWriteSealedMemfd)
{
	ExpectKernelAndModel("memfd_create(\"m\", MFD_ALLOW_SEALING) = 3\n"
			     "mmap(0x400000000000, 0x1000, PROT_READ, MAP_SHARED|MAP_FIXED, 3, 0x5000)\n"
			     "fcntl(3, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) = 0\n"
			     "madvise(0x400000000000, 0x1000, MADV_REMOVE) = -1 EPERM (Operation not permitted)\n"
			     "madvise(0x3fffffff0000, 0x20000, MADV_REMOVE) = -1 EPERM (Operation not permitted)\n",
			     { 3, static_cast<int64_t>(W), 0, -EPERM, -EPERM });
}

// procfs is SB_I_NOEXEC: mmap with PROT_EXEC of a /proc file is EPERM
// (mm/mmap.c: do_mmap's path_noexec check) before the missing mmap method
// (ENODEV).
TEST(ConformFdReplay, ExecMappingOfTheSysctlIsEperm)
{
	ExpectKernelAndModel("openat(AT_FDCWD, \"/proc/sys/vm/memfd_noexec\", O_RDONLY) = 3\n"
			     "mmap(0x400000001000, 0x1000, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED, 3, 0) = -1 EPERM (Operation not permitted)\n"
			     "mmap(0x400000001000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED, 3, 0) = -1 ENODEV (No such device)\n",
			     { 3, -EPERM, -ENODEV });
}

}  // namespace
