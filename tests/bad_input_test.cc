// Bad input to `mmsim replay`, one test per row of the table in
// docs/replay.md ("Bad input"): what mmsim does with each kind, run as a
// user runs it (the binary, a file, the exit status, stdout and stderr).
// Never a crash, a hang or a lost line: every line is counted in "lines"
// and each one that is not a call is reported with FILE:LINE.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>

#ifdef MMSIM_BINARY

namespace {

struct Out {
	int rc = -1;
	std::string out, err;

	// A count from the --json summary ("lines", "malformed", ...).
	long Count(const std::string &key) const
	{
		std::smatch m;
		std::regex re("\"" + key + "\": ([0-9]+)");

		return std::regex_search(out, m, re) ? std::stol(m[1]) : -1;
	}
};

std::string Slurp(const std::string &path)
{
	std::ifstream f(path, std::ios::binary);
	std::stringstream s;

	s << f.rdbuf();
	return s.str();
}

class BadInput : public ::testing::Test {
protected:
	void SetUp() override
	{
		char tmpl[] = "/tmp/mmsim-badinput-XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir = tmpl;
	}
	void TearDown() override { ASSERT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0); }

	std::string Write(const std::string &name, const std::string &bytes)
	{
		std::string path = dir + "/" + name;
		std::ofstream f(path, std::ios::binary);

		f << bytes;
		return path;
	}
	Out Replay(const std::string &path, const std::string &opts = "--json")
	{
		Out o;
		std::string cmd = std::string(MMSIM_BINARY) + " replay " + opts + " '" + path + "' > '" + dir +
				  "/out' 2> '" + dir + "/err'";
		int st = std::system(cmd.c_str());

		o.rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		o.out = Slurp(dir + "/out");
		o.err = Slurp(dir + "/err");
		return o;
	}

	std::string dir;
};

const std::string kMmap = "100 mmap(0x7f0000000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) "
			  "= 0x7f0000000000\n";

TEST_F(BadInput, EmptyFile)
{
	Out o = Replay(Write("empty.trace", ""));

	EXPECT_EQ(o.rc, 0) << o.err;
	EXPECT_EQ(o.Count("lines"), 0);
	EXPECT_EQ(o.Count("calls"), 0);
	EXPECT_EQ(o.err, "");
}

// Random bytes: every line is read and each that is not a call is named
// with its number; nothing is lost (malformed + orphaned + calls...
// account for them all: here no call can parse).
TEST_F(BadInput, BinaryGarbage)
{
	std::mt19937 rng(17);
	std::string bytes(256 * 1024, 0);

	for (char &c : bytes)
		c = (char)(rng() & 0xff);
	std::string path = Write("garbage.trace", bytes);
	long newlines = std::count(bytes.begin(), bytes.end(), '\n') + (bytes.back() != '\n');
	Out o = Replay(path);

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), newlines);
	EXPECT_EQ(o.Count("calls"), 0);
	EXPECT_GT(o.Count("malformed"), 0);
	EXPECT_NE(o.err.find(path + ":1: expected"), std::string::npos) << o.err.substr(0, 300);
	// one message per malformed line
	EXPECT_EQ((long)std::count(o.err.begin(), o.err.end(), '\n'), o.Count("malformed"));
}

TEST_F(BadInput, NulBytes)
{
	std::string in = kMmap + "100 brk(NU";
	in += '\0';
	in += "LL) = 0x1000\n" + kMmap;
	std::string path = Write("nul.trace", in);
	Out o = Replay(path);

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), 3);
	EXPECT_EQ(o.Count("malformed"), 1);
	EXPECT_EQ(o.Count("agree"), 2);
	EXPECT_NE(o.err.find(path + ":2: expected text, found a NUL byte at column 11"), std::string::npos) << o.err;
}

// Strings are bytes: strace prints what is not printable as escapes, and a
// log edited by hand may hold raw invalid UTF-8. Neither matters.
TEST_F(BadInput, InvalidUtf8InStrings)
{
	Out o = Replay(Write("utf8.trace",
			     "100 openat(AT_FDCWD, \"\xff\xfe\xc3(\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
			     "100 memfd_create(\"\xc3\x28\xa0\", MFD_CLOEXEC) = 3</memfd:\xc3\x28\xa0 (deleted)>\n"
			     "100 write(3</memfd:\xc3\x28\xa0 (deleted)>, \"\xf0\x28\x8c\xbc\", 4) = 4\n"));

	EXPECT_EQ(o.rc, 0) << o.out;
	EXPECT_EQ(o.Count("malformed"), 0) << o.err;
	EXPECT_EQ(o.Count("diverge"), 0);
	EXPECT_EQ(o.Count("agree"), 2) << o.out;    // memfd_create, write
}

TEST_F(BadInput, MegabyteLine)
{
	std::string s(1 << 20, 'a');
	Out o = Replay(Write("mb.trace", "100 write(1, \"" + s + "\", 1048576) = 1048576\n" + kMmap));

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), 2);
	EXPECT_EQ(o.Count("calls"), 2);
	EXPECT_EQ(o.Count("malformed"), 0);
}

// 100 MB on one line: the reader's buffer grows to hold it (memory for
// one line is what a line needs), then the next line reads as usual.
TEST_F(BadInput, HundredMegabyteLine)
{
	std::string path = dir + "/huge.trace";
	{
		std::ofstream f(path, std::ios::binary);
		std::string chunk(1 << 20, 'b');

		f << "100 write(1, \"";
		for (int i = 0; i < 100; i++)
			f << chunk;
		f << "\", 104857600) = 104857600\n" << kMmap;
	}
	Out o = Replay(path);

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), 2);
	EXPECT_EQ(o.Count("calls"), 2);
	EXPECT_EQ(o.Count("agree"), 1);
}

// A log cut off by a crash: the last call has no result; it counts as cut
// (skipped), the calls before it as usual.
TEST_F(BadInput, TruncatedLastLine)
{
	Out o = Replay(Write("cut.trace", kMmap + "100 munmap(0x7f0000000000, 40"));

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), 2);
	EXPECT_EQ(o.Count("agree"), 1);
	EXPECT_EQ(o.Count("skipped"), 1);
	EXPECT_EQ(o.Count("malformed"), 0);
}

TEST_F(BadInput, NumbersBeyondSixtyFourBits)
{
	std::string path = Write("big.trace",
				 "100 mmap(NULL, 99999999999999999999999, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) "
				 "= -1 ENOMEM (Cannot allocate memory)\n"
				 "100 brk(NULL) = 0x1ffffffffffffffff\n" + kMmap);
	Out o = Replay(path);

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), 3);
	EXPECT_EQ(o.Count("malformed"), 2);
	EXPECT_EQ(o.Count("agree"), 1);
	EXPECT_NE(o.err.find(path + ":1: mmap: argument 2 is not a number: '99999999999999999999999'"),
		  std::string::npos) << o.err;
	EXPECT_NE(o.err.find(path + ":2: expected a number (at most 64 bits)"), std::string::npos) << o.err;
}

// A negative length is a huge unsigned one to the kernel: mmap refuses it
// with ENOMEM (mm/mmap.c: do_mmap, len past TASK_SIZE), and so does the
// model. A read or write of -1 bytes is not the model's (its bytes).
TEST_F(BadInput, NegativeLengths)
{
	Out o = Replay(Write("neg.trace",
			     "100 mmap(NULL, -4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 ENOMEM (Cannot allocate memory)\n"
			     "100 munmap(0x7f0000000000, -1) = -1 EINVAL (Invalid argument)\n"));

	EXPECT_EQ(o.rc, 0) << o.out;
	EXPECT_EQ(o.Count("agree"), 2) << o.out;
	EXPECT_EQ(o.Count("diverge"), 0);
}

TEST_F(BadInput, UnknownSyscalls)
{
	Out o = Replay(Write("unknown.trace", "100 frobnicate(1, 2) = 0\n"
					      "100 syscall_0x3e7(0x1, 0x2) = -1 ENOSYS (Function not implemented)\n" +
					      kMmap));

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("unmodelled"), 2);
	EXPECT_EQ(o.Count("agree"), 1);
	EXPECT_NE(o.out.find("\"frobnicate\""), std::string::npos) << o.out;
}

// "<... NAME resumed>" with no "<unfinished ...>" before it: as a pid's
// first line, the call began before the log (strace -p attached inside
// it): counted as orphaned. After the pid made calls, it is malformed.
TEST_F(BadInput, ResumedLineWithoutItsHalf)
{
	std::string path = Write("resumed.trace", "100 <... mmap resumed>) = 0x7f0000000000\n" + kMmap +
							  "100 <... munmap resumed>) = 0\n");
	Out o = Replay(path);

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), 3);
	EXPECT_EQ(o.Count("orphaned"), 1);
	EXPECT_EQ(o.Count("malformed"), 1);
	EXPECT_EQ(o.Count("agree"), 1);
	EXPECT_NE(o.err.find(path + ":3:"), std::string::npos) << o.err;
	Out text = Replay(path, "");
	EXPECT_NE(text.out.find("orphaned: 1 resumed line whose call began before the log"), std::string::npos)
		<< text.out;
}

// An entry whose rest never comes (the process died, strace detached):
// the call is cut, counted as skipped, at the end or when the pid exits.
TEST_F(BadInput, UnfinishedCallNeverResumed)
{
	Out o = Replay(Write("unfinished.trace",
			     "100 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 <unfinished ...>\n"
			     "100 +++ exited with 0 +++\n"
			     "200 munmap(0x7f0000000000, 4096 <unfinished ...>\n"));

	EXPECT_EQ(o.rc, 0);
	EXPECT_EQ(o.Count("lines"), 3);
	EXPECT_EQ(o.Count("calls"), 2);
	EXPECT_EQ(o.Count("skipped"), 2);
	EXPECT_EQ(o.Count("malformed"), 0);
}

// kernel/pid.c recycles pids: a new process under an old pid starts from
// its own parent's copy, nothing of the dead one. Here the dead 101 had
// sealed a page; the new 101 unmaps the same address freely.
TEST_F(BadInput, PidReusedAfterExit)
{
	const std::string fork = "100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
				 "child_tidptr=0x7f0) = 101\n";
	Out o = Replay(Write("reuse.trace",
			     fork +
			     "101 mmap(0x7f0000000000, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x7f0000000000\n"
			     "101 syscall_0x1ce(0x7f0000000000, 0x1000, 0, 0, 0, 0) = 0\n"
			     "101 exit_group(0) = ?\n"
			     "101 +++ exited with 0 +++\n" +
			     fork +
			     "101 munmap(0x7f0000000000, 4096) = 0\n"));

	EXPECT_EQ(o.rc, 0) << o.out;
	EXPECT_EQ(o.Count("diverge"), 0) << o.out;
	EXPECT_EQ(o.Count("agree"), 5) << o.out;   // 2 clones, mmap, mseal, munmap
}

// mm/mmap.c: do_mmap refuses once map_count exceeds vm.max_map_count
// (65530): a new process reaches 65531 mappings. A million mmaps of
// separate pages: the first 65531 succeed, the rest are ENOMEM, and the
// model agrees on every one, in bounded memory.
TEST_F(BadInput, MillionMmapsHitMaxMapCount)
{
	std::string path = dir + "/maxmap.trace";
	{
		std::ofstream f(path);
		char line[160];

		for (long i = 0; i < 1000000; i++) {
			unsigned long a = 0x10000000UL + 2 * (unsigned long)i * 4096;

			if (i < 65531)
				snprintf(line, sizeof(line), "100 mmap(%#lx, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = %#lx\n", a, a);
			else
				snprintf(line, sizeof(line), "100 mmap(%#lx, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = -1 ENOMEM (Cannot allocate memory)\n", a);
			f << line;
		}
	}
	Out o = Replay(path);

	EXPECT_EQ(o.rc, 0) << o.out.substr(0, 500);
	EXPECT_EQ(o.Count("lines"), 1000000);
	EXPECT_EQ(o.Count("agree"), 1000000);
}

TEST_F(BadInput, MissingFile)
{
	Out o = Replay(dir + "/nope.trace");

	EXPECT_EQ(o.rc, 2);
	EXPECT_EQ(o.out, "");
	EXPECT_NE(o.err.find("nope.trace: No such file or directory"), std::string::npos) << o.err;
}

TEST_F(BadInput, Directory)
{
	Out o = Replay(dir);

	EXPECT_EQ(o.rc, 2);
	EXPECT_EQ(o.out, "");
	EXPECT_NE(o.err.find(": Is a directory"), std::string::npos) << o.err;
}

// A FIFO reads like a pipe, as far as its writer writes (with no writer
// at all, opening it waits for one, as it does for cat).
TEST_F(BadInput, Fifo)
{
	std::string path = dir + "/fifo.trace";
	ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
	pid_t writer = fork();
	ASSERT_GE(writer, 0);
	if (writer == 0) {
		FILE *f = fopen(path.c_str(), "w");

		if (f) {
			fputs(kMmap.c_str(), f);
			fputs("100 munmap(0x7f0000000000, 4096) = 0\n", f);
			fclose(f);
		}
		_exit(f ? 0 : 1);
	}
	Out o = Replay(path);
	int st;

	ASSERT_EQ(waitpid(writer, &st, 0), writer);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EXPECT_EQ(o.rc, 0) << o.err;
	EXPECT_EQ(o.Count("agree"), 2);
}

// --strict: the first malformed line ends the replay with status 2.
TEST_F(BadInput, StrictStopsAtTheFirstMalformedLine)
{
	std::string path = Write("strict.trace", kMmap + "100 brk(\n" + kMmap);
	Out o = Replay(path, "--strict");

	EXPECT_EQ(o.rc, 2);
	EXPECT_NE(o.err.find(path + ":2:"), std::string::npos) << o.err;
}

}  // namespace

#endif  // MMSIM_BINARY
