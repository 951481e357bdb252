// The strace line reader (traces/reader.h) on real strace 6.1 recordings
// (tests/fixtures/traces, made on Linux 6.18 as its README says) and on
// hand-written lines of the forms newer versions print
// (shared/strace-formats.md).
//
// TraceReaderLeader   pid column, times, -n, -i, SELinux, colour, CR
// TraceReaderResult   every result form; numbers up to 2^64-1
// TraceReaderArgs     where the arguments end: strings, comments, annotations
// TraceReaderJoin     unfinished/resumed halves across pids, thread execve
// TraceReaderSplice   tracer messages spliced into stderr lines
// TraceReaderEof      open halves and a cut last line at the end
// TraceReaderMalformed  the message, the line number, and going on
// TraceReaderFixture  the recordings, one per option form
// TraceReaderNewer    forms of strace 6.9 .. 7.x, written by hand

#include <gtest/gtest.h>

#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "traces/reader.h"

namespace {

// One answer of trace_reader_next, with the texts copied out (they live
// only until the next call).
struct Item {
	int rc = 0;
	trace_event ev{};
	std::string name, args, errname, signal, error;

	bool call() const { return rc == 1 && ev.kind == TRACE_CALL; }
};

std::string Str(trace_text t)
{
	return t.s ? std::string(t.s, t.len) : std::string();
}

std::vector<Item> ReadFile(FILE *f, const char *name, struct trace_reader_stats *st = nullptr,
			   bool decode_times = true)
{
	std::vector<Item> out;
	trace_reader *r = trace_reader_new(f, name);
	Item it;

	EXPECT_NE(r, nullptr);
	if (!r)
		return out;
	trace_reader_decode_times(r, decode_times);
	// Far more answers than lines would mean a loop that never ends.
	for (int guard = 0; guard < 10000000; guard++) {
		it = Item();
		it.rc = trace_reader_next(r, &it.ev);
		if (it.rc == 0)
			break;
		if (it.rc > 0) {
			it.name = Str(it.ev.name);
			it.args = Str(it.ev.args);
			it.errname = Str(it.ev.errname);
			it.signal = Str(it.ev.signal);
		} else {
			it.error = trace_reader_error(r);
		}
		out.push_back(it);
	}
	if (st)
		*st = trace_reader_stats(r);
	trace_reader_free(r);
	return out;
}

std::vector<Item> Read(const std::string &text, struct trace_reader_stats *st = nullptr,
		       const char *name = "t.trace", bool decode_times = true)
{
	FILE *f = text.empty() ? tmpfile() : fmemopen(const_cast<char *>(text.data()), text.size(), "r");

	EXPECT_NE(f, nullptr);
	if (!f)
		return {};
	std::vector<Item> out = ReadFile(f, name, st, decode_times);
	fclose(f);
	return out;
}

// The one call a single line gives.
Item One(const std::string &line)
{
	std::vector<Item> v = Read(line + "\n");

	EXPECT_EQ(v.size(), 1u) << line;
	if (v.size() != 1)
		return Item();
	EXPECT_EQ(v[0].rc, 1) << v[0].error;
	return v[0];
}

// The message of the one malformed line a text gives.
std::string Error(const std::string &text)
{
	std::vector<Item> v = Read(text);

	for (const Item &it : v)
		if (it.rc < 0)
			return it.error;
	return "(no error)";
}

std::string FixturePath(const std::string &name)
{
	std::string here = __FILE__;

	return here.substr(0, here.rfind('/')) + "/fixtures/traces/" + name;
}

std::vector<Item> ReadFixture(const std::string &name, struct trace_reader_stats *st = nullptr)
{
	std::string path = FixturePath(name);
	FILE *f = fopen(path.c_str(), "r");

	EXPECT_NE(f, nullptr) << path;
	if (!f)
		return {};
	std::vector<Item> out = ReadFile(f, path.c_str(), st);
	fclose(f);
	return out;
}

const Item *FindCall(const std::vector<Item> &v, const std::string &name, size_t nth = 0)
{
	for (const Item &it : v)
		if (it.call() && it.name == name && nth-- == 0)
			return &it;
	return nullptr;
}

size_t CountKind(const std::vector<Item> &v, trace_kind k)
{
	size_t n = 0;

	for (const Item &it : v)
		n += it.rc == 1 && it.ev.kind == k;
	return n;
}

size_t CountErrors(const std::vector<Item> &v)
{
	size_t n = 0;

	for (const Item &it : v)
		n += it.rc < 0;
	return n;
}

// ---- the leader ----

TEST(TraceReaderLeader, PidColumnForms)
{
	struct {
		const char *line;
		int64_t pid;
	} cases[] = {
		{ "munmap(0x7f85dd0ad000, 16384)           = 0", 0 },
		{ "12948 munmap(0x7f85dd0ad000, 16384) = 0", 12948 },
		{ "123   munmap(0x7f85dd0ad000, 16384) = 0", 123 },          // %-5u padding
		{ "1234567 munmap(0x7f85dd0ad000, 16384) = 0", 1234567 },
		{ "[pid 12948] munmap(0x7f85dd0ad000, 16384) = 0", 12948 },
		{ "[pid   123] munmap(0x7f85dd0ad000, 16384) = 0", 123 },    // %5u padding
		{ "15304<proc> munmap(0x7f85dd0ad000, 16384) = 0", 15304 },  // -Y
		{ "[pid 12948<proc>] munmap(0x7f85dd0ad000, 16384) = 0", 12948 },
		{ "[pid 7<Web Content>] munmap(0x7f85dd0ad000, 16384) = 0", 7 },
		{ "15354<memfd:selfcopy> munmap(0x7f85dd0ad000, 16384) = 0", 15354 },
	};

	for (const auto &c : cases) {
		Item it = One(c.line);

		EXPECT_EQ(it.ev.pid, c.pid) << c.line;
		EXPECT_EQ(it.name, "munmap") << c.line;
		EXPECT_EQ(it.args, "0x7f85dd0ad000, 16384") << c.line;
		EXPECT_EQ(it.ev.time, -1) << c.line;
		EXPECT_EQ(it.ev.nr, -1) << c.line;
	}
}

TEST(TraceReaderLeader, TimeStamps)
{
	struct {
		const char *line;
		double time;   // -1: none
	} cases[] = {
		{ "12948 06:51:09 brk(NULL) = 0x1000", 6 * 3600 + 51 * 60 + 9 },                 // -t
		{ "06:51:09.140048 brk(NULL) = 0x1000", 6 * 3600 + 51 * 60 + 9.140048 },          // -tt
		{ "12948 1795503069.156279 brk(NULL) = 0x1000", 1795503069.156279 },             // -ttt
		{ "1795503069.285851573 brk(NULL) = 0x1000", 1795503069.285851573 },             // unix,ns
		{ "12948      0.000086 brk(NULL) = 0x1000", -1 },                                 // -r
		{ "     0.000086 brk(NULL) = 0x1000", -1 },                                       // -r, no pid
		{ "  1234.500000 brk(NULL) = 0x1000", -1 },                                       // -r, long gap
		{ "12948 06:51:09 (+     0.000089) brk(NULL) = 0x1000", 6 * 3600 + 51 * 60 + 9 },  // -t -r
		{ "[pid 12948] 06:51:09.000001 brk(NULL) = 0x1000", 6 * 3600 + 51 * 60 + 9.000001 },
	};

	for (const auto &c : cases) {
		Item it = One(c.line);

		EXPECT_EQ(it.name, "brk") << c.line;
		EXPECT_EQ(it.ev.value, 0x1000u) << c.line;
		if (c.time < 0) {
			EXPECT_EQ(it.ev.time, -1) << c.line;
		} else {
			EXPECT_NEAR(it.ev.time, c.time, 1e-6) << c.line;
		}
	}
}

// A reader whose times nobody reads (mmsim replay of one log) leaves
// ev.time at -1 but still takes the stamps apart as text: the same
// events, and the same messages for stamps that are not stamps.
TEST(TraceReaderLeader, TimesNotDecodedAreStillChecked)
{
	const char *lines[] = {
		"12948 06:51:09 brk(NULL) = 0x1000",
		"06:51:09.140048 brk(NULL) = 0x1000",
		"12948 1795503069.156279 brk(NULL) = 0x1000",
		"1795503069.285851573 brk(NULL) = 0x1000",
		"12948      0.000086 brk(NULL) = 0x1000",
		"12948 06:51:09 (+     0.000089) brk(NULL) = 0x1000",
		"12948 1795503069.156279 [  12] brk(NULL) = 0x1000 <0.000007>",
		"123456789012345678901.5 brk(NULL) = 0x1000",     // 21 digits: no time at all
		"12948 1795503069 brk(NULL) = 0x1000",            // no fraction
		"12948 06:51: brk(NULL) = 0x1000",
		"12948 06:51:09.x brk(NULL) = 0x1000",
		"12948 06:51:09 (+ x) brk(NULL) = 0x1000",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		const char *line = lines[i];
		std::string in = std::string(line) + "\n";
		std::vector<Item> on = Read(in), off = Read(in, nullptr, "t.trace", false);

		ASSERT_EQ(on.size(), 1u) << line;
		ASSERT_EQ(off.size(), 1u) << line;
		EXPECT_EQ(on[0].rc, i < 7 ? 1 : -1) << line;     // the first seven are stamps
		EXPECT_EQ(off[0].rc, on[0].rc) << line;
		EXPECT_EQ(off[0].error, on[0].error) << line;
		if (on[0].rc < 0)
			continue;
		EXPECT_EQ(off[0].name, on[0].name) << line;
		EXPECT_EQ(off[0].ev.pid, on[0].ev.pid) << line;
		EXPECT_EQ(off[0].ev.nr, on[0].ev.nr) << line;
		EXPECT_EQ(off[0].ev.value, on[0].ev.value) << line;
		EXPECT_EQ(off[0].ev.time, -1) << line;
	}
	EXPECT_EQ(Error("12948 06:51: brk(NULL) = 0x1000\n"),
		  "t.trace:1: expected a time of day HH:MM:SS, found '06:51: brk(NULL) = 0x1000'");
}

TEST(TraceReaderLeader, SyscallNumberAndInstructionPointer)
{
	// [6.1: -n -i -ttt -T], the full leader of the reference
	Item it = One("1795503069.280675 [ 462] [00007f1959672829] syscall_0x1ce(0x7f195975c000, 0x1000, "
		      "0, 0x3, 0, 0x7f195975c000) = 0 <0.000008>");

	EXPECT_EQ(it.ev.nr, 462);
	EXPECT_NEAR(it.ev.time, 1795503069.280675, 1e-6);
	EXPECT_EQ(it.name, "syscall_0x1ce");
	EXPECT_EQ(it.args, "0x7f195975c000, 0x1000, 0, 0x3, 0, 0x7f195975c000");

	EXPECT_EQ(One("12948 [  10] mprotect(0x10000, 4096, PROT_READ) = 0").ev.nr, 10);
	EXPECT_EQ(One("[1073742286] syscall_0x400001ce(0x1, 0x2) = 0").ev.nr, 1073742286);   // x32
	EXPECT_EQ(One("[00007fe481f73217] brk(NULL) = 0x1000").name, "brk");
	EXPECT_EQ(One("[f7f2d549] brk(NULL) = 0x1000").name, "brk");   // a 32-bit tracee's -i

	std::vector<Item> v = Read("22069 [????????????????] +++ exited with 0 +++\n");
	ASSERT_EQ(v.size(), 1u);
	EXPECT_EQ(v[0].ev.kind, TRACE_EXITED);
	EXPECT_EQ(v[0].ev.pid, 22069);
}

TEST(TraceReaderLeader, SelinuxContext)
{
	// --secontext: the type, the full context, or a mismatch (not in this
	// build of strace 6.1: written after strace's secontext tests)
	for (const char *ctx : { "[unconfined_t] ", "[unconfined_u:unconfined_r:unconfined_t:s0] ",
				 "[unconfined_t!!user_home_t] " }) {
		std::string line = std::string("12948 ") + ctx + "1795503069.156279 brk(NULL) = 0x1000";
		Item it = One(line);

		EXPECT_EQ(it.ev.pid, 12948) << line;
		EXPECT_NEAR(it.ev.time, 1795503069.156279, 1e-6) << line;
		EXPECT_EQ(it.name, "brk") << line;
	}
}

TEST(TraceReaderLeader, ColourIsStripped)
{
	// strace 7.0+ with --color=always; custom STRACE_COLORS use "1;33"
	Item it = One("\x1b[33m12948\x1b[0m \x1b[1;34mmmap\x1b[0m(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0) "
		      "= \x1b[1;32m0x7f85dd0ad000\x1b[0m");

	EXPECT_EQ(it.ev.pid, 12948);
	EXPECT_EQ(it.name, "mmap");
	EXPECT_EQ(it.args, "NULL, 4096, PROT_READ, MAP_SHARED, 3, 0");
	EXPECT_EQ(it.ev.value, 0x7f85dd0ad000u);

	it = One("\x1b[31mmunmap\x1b[0m(0x7f85dcdbc000, 16384) = \x1b[1;31m-1 EPERM (Operation not permitted)\x1b[0m");
	EXPECT_EQ(it.ev.result, TRACE_RESULT_ERROR);
	EXPECT_EQ(it.ev.err, 1);
}

TEST(TraceReaderLeader, CrlfLineEnds)
{
	std::vector<Item> v = Read("12948 brk(NULL) = 0x1000\r\n12948 +++ exited with 0 +++\r\n");

	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].ev.value, 0x1000u);
	EXPECT_EQ(v[1].ev.kind, TRACE_EXITED);
}

// ---- results ----

TEST(TraceReaderResult, Forms)
{
	const uint64_t m1 = UINT64_MAX;
	struct {
		const char *res;
		trace_result kind;
		uint64_t value;
		int err;
		const char *errname;
	} cases[] = {
		{ "= 0", TRACE_RESULT_VALUE, 0, 0, "" },
		{ "= 16384", TRACE_RESULT_VALUE, 16384, 0, "" },
		{ "= 0x7f85dd0b1000", TRACE_RESULT_VALUE, 0x7f85dd0b1000, 0, "" },
		{ "= 0x6 (seals F_SEAL_SHRINK|F_SEAL_GROW)", TRACE_RESULT_VALUE, 6, 0, "" },
		{ "= 0x7 (seals 0x7 /* F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW */)", TRACE_RESULT_VALUE, 7, 0, "" },
		{ "= 0x1 (flags FD_CLOEXEC)", TRACE_RESULT_VALUE, 1, 0, "" },
		{ "= 3</memfd:x>(deleted)", TRACE_RESULT_VALUE, 3, 0, "" },
		{ "= 3</memfd:seal,me (x)\\\"q>(deleted) <0.000041>", TRACE_RESULT_VALUE, 3, 0, "" },
		{ "= 100</memfd:gt\\76lt\\74nl\\nend>(deleted)", TRACE_RESULT_VALUE, 100, 0, "" },
		{ "= 0<pipe:[3458251]>", TRACE_RESULT_VALUE, 0, 0, "" },
		{ "= 22090<probe>", TRACE_RESULT_VALUE, 22090, 0, "" },
		{ "= 18446744073709551615 (INJECTED)", TRACE_RESULT_VALUE, m1, 0, "" },
		{ "= 0xffffffffffffffff (INJECTED)", TRACE_RESULT_VALUE, m1, 0, "" },
		{ "= 2 /* 21949 in strace's PID NS */", TRACE_RESULT_VALUE, 2, 0, "" },
		{ "= 0 (pid:[4026532843])", TRACE_RESULT_VALUE, 0, 0, "" },
		{ "= 1 ([{fd=3, revents=POLLIN}])", TRACE_RESULT_VALUE, 1, 0, "" },
		{ "= 1 (in [3], left {tv_sec=0, tv_usec=9})", TRACE_RESULT_VALUE, 1, 0, "" },
		{ "= 0 <0.000012288>", TRACE_RESULT_VALUE, 0, 0, "" },
		{ "= -1 ENOMEM (Cannot allocate memory)", TRACE_RESULT_ERROR, m1, 12, "ENOMEM" },
		{ "= -1 EPERM (Operation not permitted) <0.000033>", TRACE_RESULT_ERROR, m1, 1, "EPERM" },
		{ "= -1 EPERM (Operation not permitted) (DELAYED)", TRACE_RESULT_ERROR, m1, 1, "EPERM" },
		{ "= -1 ENOMEM (Cannot allocate memory) (INJECTED)", TRACE_RESULT_ERROR, m1, 12, "ENOMEM" },
		{ "= -1 (errno 600)", TRACE_RESULT_ERROR, m1, 600, "" },
		{ "= -1 (errno 600) (INJECTED)", TRACE_RESULT_ERROR, m1, 600, "" },
		{ "= -1 ERECALLCONFLICT (Unknown error 530)", TRACE_RESULT_ERROR, m1, 530, "ERECALLCONFLICT" },
		{ "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)", TRACE_RESULT_RESTART, 0, 512, "ERESTARTSYS" },
		{ "= ? ERESTARTNOINTR (To be restarted)", TRACE_RESULT_RESTART, 0, 513, "ERESTARTNOINTR" },
		{ "= ? ERESTARTNOHAND (To be restarted if no handler)", TRACE_RESULT_RESTART, 0, 514, "ERESTARTNOHAND" },
		{ "= ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.050267>", TRACE_RESULT_RESTART, 0, 516,
		  "ERESTART_RESTARTBLOCK" },
		{ "= ?", TRACE_RESULT_NONE, 0, 0, "" },
		{ "= ? <unavailable>", TRACE_RESULT_NONE, 0, 0, "" },
		{ "= -2", TRACE_RESULT_VALUE, (uint64_t)-2, 0, "" },
	};

	for (const auto &c : cases) {
		std::string line = std::string("12948 fcntl(3, F_GET_SEALS) ") + c.res;
		Item it = One(line);

		EXPECT_EQ(it.ev.result, c.kind) << line;
		EXPECT_EQ(it.ev.value, c.value) << line;
		EXPECT_EQ(it.ev.err, c.err) << line;
		EXPECT_EQ(it.errname, c.errname) << line;
		EXPECT_EQ(it.args, "3, F_GET_SEALS") << line;
	}
}

TEST(TraceReaderResult, SixtyFourBitsAndNoMore)
{
	EXPECT_EQ(One("ftruncate(3, 18446744073709551615) = 18446744073709551615").ev.value, UINT64_MAX);
	EXPECT_EQ(One("mmap(NULL, 1, PROT_READ, MAP_SHARED, 3, 0) = 0xffffffffffffffff").ev.value, UINT64_MAX);

	EXPECT_EQ(Error("ftruncate(3, 8) = 18446744073709551616\n"),
		  "t.trace:1: expected a number (at most 64 bits), '?' or '-1 ERRNO' as the result, "
		  "found '18446744073709551616'");
	EXPECT_EQ(Error("mmap(NULL, 1, PROT_READ, MAP_SHARED, 3, 0) = 0x10000000000000000\n"),
		  "t.trace:1: expected a number (at most 64 bits), '?' or '-1 ERRNO' as the result, "
		  "found '0x10000000000000000'");
	EXPECT_EQ(Error("brk(NULL) = 0x\n"),
		  "t.trace:1: expected a number (at most 64 bits), '?' or '-1 ERRNO' as the result, found '0x'");
}

TEST(TraceReaderResult, Malformed)
{
	EXPECT_EQ(Error("brk(NULL) 0x1000\n"),
		  "t.trace:1: expected ' = ' and the result after the arguments, found '0x1000'");
	EXPECT_EQ(Error("brk(NULL) = 0x1000 bytes\n"),
		  "t.trace:1: expected the end of the line after the result, found ' bytes'");
	EXPECT_EQ(Error("close(77) = -1 (errno 9999)\n"),
		  "t.trace:1: expected an errno number in '(errno N)', found ')'");
	EXPECT_EQ(Error("close(77) = ? EBADF (Bad file\n"),
		  "t.trace:1: expected ')' closing the note after the result, found '(Bad file'");
	EXPECT_EQ(Error("brk(NULL) = 0x1000 <0.0001\n"),
		  "t.trace:1: expected the end of the line after the result, found ' <0.0001'");
}

// ---- where the arguments end ----

TEST(TraceReaderArgs, SyntaxInsideStrings)
{
	// [6.1] strings carry any syntax; a '"' counts only unescaped
	struct {
		const char *line, *args;
	} cases[] = {
		{ "write(3, \") = 0\\n--- SIGSEGV {x} ---\", 25) = 25", "3, \") = 0\\n--- SIGSEGV {x} ---\", 25" },
		{ "write(3, \"<unfinished ...>\", 16) = 16", "3, \"<unfinished ...>\", 16" },
		{ "memfd_create(\"seal,me (x)\\\"q\", MFD_CLOEXEC|MFD_ALLOW_SEALING) = 3",
		  "\"seal,me (x)\\\"q\", MFD_CLOEXEC|MFD_ALLOW_SEALING" },
		{ "write(3, \"a long-ish buffer with, commas) \"..., 70) = 70",
		  "3, \"a long-ish buffer with, commas) \"..., 70" },
		{ "write(3, \"hello, \\\"world\\\"(x)\\n\\t\\\\\\0\", 21) = 21",
		  "3, \"hello, \\\"world\\\"(x)\\n\\t\\\\\\0\", 21" },
		{ "write(3, \"\\\\\", 1) = 1", "3, \"\\\\\", 1" },
		{ "write(3, \"...\", 3) = 3", "3, \"...\", 3" },
	};

	for (const auto &c : cases) {
		Item it = One(c.line);

		EXPECT_EQ(it.args, c.args) << c.line;
		EXPECT_EQ(it.ev.result, TRACE_RESULT_VALUE) << c.line;
	}
}

TEST(TraceReaderArgs, CommentsAnnotationsOperators)
{
	struct {
		const char *line, *args;
		uint64_t value;
	} cases[] = {
		// [6.1: -X verbose] comments nest
		{ "mmap(NULL, 4096, 0x1 /* PROT_READ */, 0x28 /* 0x8 /* MAP_??? */|MAP_ANONYMOUS */, -1, 0) = 0x7f4192ddf000",
		  "NULL, 4096, 0x1 /* PROT_READ */, 0x28 /* 0x8 /* MAP_??? */|MAP_ANONYMOUS */, -1, 0", 0x7f4192ddf000 },
		// [6.1] the shift operator is no annotation
		{ "mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|0x80|1<<MAP_HUGE_SHIFT, -1, 0) = 0x7fc98f5da000",
		  "NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|0x80|1<<MAP_HUGE_SHIFT, -1, 0", 0x7fc98f5da000 },
		// [6.1: -y] escaped names hold '(' ')' '"'
		{ "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3</memfd:seal,me (x)\\\"q>(deleted), 0) = 0x7fbe6ab39000",
		  "NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3</memfd:seal,me (x)\\\"q>(deleted), 0", 0x7fbe6ab39000 },
		// [6.1: -yy] details nest '<' and hold "->"
		{ "dup2(3</dev/null<char 1:3>>, 100) = 100</dev/null<char 1:3>>", "3</dev/null<char 1:3>>, 100", 100 },
		{ "getsockname(6<TCP:[127.0.0.1:56392->127.0.0.1:45678]>, {sa_family=AF_INET}, [16]) = 0",
		  "6<TCP:[127.0.0.1:56392->127.0.0.1:45678]>, {sa_family=AF_INET}, [16]", 0 },
		{ "pipe2([9<pipe:[12874]>, 11<pipe:[12874]>], 0) = 0", "[9<pipe:[12874]>, 11<pipe:[12874]>], 0", 0 },
		// [6.1] in/out structs, wait status macros
		{ "clone3({flags=CLONE_VM, exit_signal=0} => {parent_tid=[12953]}, 88) = 12953",
		  "{flags=CLONE_VM, exit_signal=0} => {parent_tid=[12953]}, 88", 12953 },
		{ "wait4(21605, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 21605",
		  "21605, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL", 21605 },
		{ "rt_sigprocmask(SIG_UNBLOCK, [RTMIN RT_1], NULL, 8) = 0", "SIG_UNBLOCK, [RTMIN RT_1], NULL, 8", 0 },
		{ "execve(\"./mm\", [\"./mm\"], 0x7ffe72a09c60 /* 37 vars */) = 0",
		  "\"./mm\", [\"./mm\"], 0x7ffe72a09c60 /* 37 vars */", 0 },
		{ "getpid() = 1 /* 22141 in strace's PID NS */", "", 1 },
		{ "vfork()                                 = 14536", "", 14536 },
	};

	for (const auto &c : cases) {
		Item it = One(c.line);

		EXPECT_EQ(it.args, c.args) << c.line;
		EXPECT_EQ(it.ev.value, c.value) << c.line;
	}
}

TEST(TraceReaderArgs, RestartSyscall)
{
	Item it = One("21600 restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0 <0.019959>");

	EXPECT_EQ(it.name, "restart_syscall");
	EXPECT_EQ(it.args, "<... resuming interrupted clock_nanosleep ...>");
	EXPECT_EQ(it.ev.result, TRACE_RESULT_VALUE);
}

TEST(TraceReaderArgs, UnbalancedBrackets)
{
	EXPECT_EQ(Error("poll([{fd=3, events=POLLIN], 1, 0) = 0\n"),
		  "t.trace:1: expected '}' closing '{', found '], 1, 0) = 0'");
	EXPECT_EQ(Error("x(1, 2] = 0\n"), "t.trace:1: expected ')' closing the arguments, found '] = 0'");

	std::string deep = "ioctl(3, " + std::string(200, '[') + std::string(200, ']') + ") = 0\n";
	EXPECT_EQ(Error(deep).substr(0, 58), "t.trace:1: expected brackets nested at most 128 deep, foun");
}

// ---- joining halves ----

TEST(TraceReaderJoin, InterleavedPids)
{
	// [6.1: -f -o], shared/strace-formats.md section 5
	struct trace_reader_stats st;
	std::vector<Item> v = Read("12948 1795503069.000001 wait4(12949,  <unfinished ...>\n"
				   "12949 1795503069.000002 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0 <unfinished ...>\n"
				   "12950 1795503069.000003 clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD}, 88 <unfinished ...>\n"
				   "12949 1795503069.000004 <... mmap resumed>)     = 0x7f85dd0ad000\n"
				   "12950 1795503069.000005 <... clone3 resumed> => {parent_tid=[12951]}, 88) = 12951\n"
				   "12948 1795503069.000006 <... wait4 resumed>NULL, 0, NULL) = 12949\n",
				   &st);

	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[0].ev.pid, 12949);
	EXPECT_EQ(v[0].name, "mmap");
	EXPECT_EQ(v[0].args, "NULL, 4096, PROT_READ, MAP_SHARED, 3, 0");
	EXPECT_EQ(v[0].ev.value, 0x7f85dd0ad000u);
	EXPECT_EQ(v[0].ev.first_line, 2u);
	EXPECT_EQ(v[0].ev.line, 4u);
	EXPECT_NEAR(v[0].ev.time, 1795503069.000002, 1e-6);   // when the call began

	EXPECT_EQ(v[1].name, "clone3");
	EXPECT_EQ(v[1].args, "{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD}, 88 => {parent_tid=[12951]}, 88");
	EXPECT_EQ(v[1].ev.value, 12951u);

	EXPECT_EQ(v[2].name, "wait4");
	EXPECT_EQ(v[2].args, "12949, NULL, 0, NULL");   // "12949, " + "NULL, 0, NULL"
	EXPECT_EQ(v[2].ev.first_line, 1u);
	EXPECT_EQ(v[2].ev.line, 6u);
	EXPECT_EQ(st.joined, 3u);
	EXPECT_EQ(st.events, 3u);
	EXPECT_EQ(st.lines, 6u);
}

TEST(TraceReaderJoin, ResumedOutcomes)
{
	std::vector<Item> v = Read("12948 vfork( <unfinished ...>\n"
				   "12948 <... vfork resumed>)              = 12950\n"
				   "12948 read(0,  <unfinished ...>\n"
				   "12948 <... read resumed>0x7ffe4469c4f7, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n"
				   "19285 syscall_0x1ce(0x7f6c7f42c000, 0x1000, 0, 0xffffffff, 0, 0 <unfinished ...>\n"
				   "19285 <... syscall_0x1ce resumed>)      = 0\n"
				   "19286 mmap(NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 <unfinished ...>\n"
				   "19286 <... mmap resumed> <detached ...>\n"
				   "12948 pause( <unfinished ...>\n"
				   "12948 <... pause resumed>)              = ?\n");

	ASSERT_EQ(v.size(), 5u);
	EXPECT_EQ(v[0].args, "");
	EXPECT_EQ(v[0].ev.value, 12950u);
	EXPECT_EQ(v[1].args, "0, 0x7ffe4469c4f7, 1");
	EXPECT_EQ(v[1].ev.result, TRACE_RESULT_RESTART);
	EXPECT_EQ(v[1].ev.err, 512);
	EXPECT_EQ(v[2].name, "syscall_0x1ce");
	EXPECT_EQ(v[2].ev.result, TRACE_RESULT_VALUE);
	EXPECT_EQ(v[3].name, "mmap");
	EXPECT_EQ(v[3].args, "NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0");
	EXPECT_EQ(v[3].ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v[4].ev.result, TRACE_RESULT_NONE);
}

TEST(TraceReaderJoin, DetachedTail)
{
	// [6.1: -p, -o]: the call strace was inside when it detached
	std::vector<Item> v = Read("10:47:06.018788 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=100000000},  <detached ...>\n");

	ASSERT_EQ(v.size(), 1u);
	EXPECT_EQ(v[0].ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v[0].args, "CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=100000000}, ");
}

TEST(TraceReaderJoin, ThreadExecveMovesToLeader)
{
	// [6.1: -f -o]: the thread's execve resumes under the leader's pid
	std::vector<Item> v = Read("20062 execve(\"/bin/true\", [\"/bin/true\"], NULL <unfinished ...>\n"
				   "20060 <... pause resumed>)              = ?\n"
				   "20060 +++ superseded by execve in pid 20062 +++\n"
				   "20060 <... execve resumed>)             = 0\n"
				   "20060 brk(NULL)                         = 0x5646a17dd000\n");

	// the pause's entry is not in the log: an orphan (see Orphans)
	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[0].ev.kind, TRACE_SUPERSEDED);
	EXPECT_EQ(v[0].ev.pid, 20060);
	EXPECT_EQ(v[0].ev.number, 20062);
	EXPECT_EQ(v[1].name, "execve");
	EXPECT_EQ(v[1].ev.pid, 20060);
	EXPECT_EQ(v[1].args, "\"/bin/true\", [\"/bin/true\"], NULL");
	EXPECT_EQ(v[1].ev.first_line, 1u);
	EXPECT_EQ(v[1].ev.line, 4u);
	EXPECT_EQ(v[1].ev.value, 0u);
	EXPECT_EQ(v[2].ev.pid, 20060);
}

TEST(TraceReaderJoin, ThreadExecveLeaderStillInACall)
{
	// the leader's own call never resumed: it ends, cut, before the move
	std::vector<Item> v = Read("20060 pause( <unfinished ...>\n"
				   "20062 execve(\"/bin/true\", [\"/bin/true\"], NULL <unfinished ...>\n"
				   "20060 +++ superseded by execve in pid 20062 +++\n"
				   "20060 <... execve resumed>)             = 0\n");

	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[0].name, "pause");
	EXPECT_EQ(v[0].ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v[0].ev.line, 1u);
	EXPECT_EQ(v[1].ev.kind, TRACE_SUPERSEDED);
	EXPECT_EQ(v[2].name, "execve");
	EXPECT_EQ(v[2].ev.pid, 20060);
	EXPECT_EQ(v[2].ev.result, TRACE_RESULT_VALUE);
}

TEST(TraceReaderJoin, OneOpenCallPerPid)
{
	// A second call of a pid while one is open: the open one is over
	// (its exit went missing, -z/-Z or a reused pid), cut, first.
	std::vector<Item> v = Read("7 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0 <unfinished ...>\n"
				   "7 munmap(0x1000, 4096) = 0\n"
				   "8 read(3,  <unfinished ...>\n"
				   "8 +++ killed by SIGKILL +++\n");

	ASSERT_EQ(v.size(), 4u);
	EXPECT_EQ(v[0].name, "mmap");
	EXPECT_EQ(v[0].ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v[1].name, "munmap");
	EXPECT_EQ(v[1].ev.result, TRACE_RESULT_VALUE);
	EXPECT_EQ(v[2].name, "read");
	EXPECT_EQ(v[2].ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v[3].ev.kind, TRACE_KILLED);
	EXPECT_EQ(v[3].signal, "SIGKILL");
}

TEST(TraceReaderJoin, ResumedNameMustMatch)
{
	std::vector<Item> v = Read("7 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0 <unfinished ...>\n"
				   "7 <... munmap resumed>) = 0\n"
				   "7 <... mmap resumed>) = 0x1000\n");

	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].error, "t.trace:2: expected '<... mmap resumed>' (pid 7's unfinished call), found "
			      "'<... munmap resumed>'");
	EXPECT_EQ(v[1].name, "mmap");
	EXPECT_EQ(v[1].ev.value, 0x1000u);
}

TEST(TraceReaderJoin, Orphans)
{
	// Decision (traces/reader.h): a pid's first call line may resume a
	// call the log never showed (strace -p attached to it in the middle
	// of one); it is skipped and counted. Once the pid made a call, a
	// resumed line with nothing open is malformed.
	struct trace_reader_stats st;
	std::vector<Item> v = Read("300 <... read resumed>\"x\", 1) = 1\n"
				   "301 <... futex resumed>) = 0\n"
				   "300 write(1, \"x\", 1) = 1\n"
				   "300 <... write resumed>) = 1\n"
				   "<... nanosleep resumed>NULL) = 0\n",
				   &st);

	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].name, "write");
	EXPECT_EQ(v[1].error, "t.trace:4: expected an unfinished call of pid 300 to resume, found "
			      "'<... write resumed>' with none open");
	EXPECT_EQ(st.orphaned, 3u);   // lines 1, 2, and 5 (pid 0, no column, never seen)
	EXPECT_EQ(st.malformed, 1u);
}

TEST(TraceReaderJoin, ManyPidsAtOnce)
{
	// 3000 calls open at once, resumed in a shuffled order: the table
	// grows and closes its holes without losing one.
	std::ostringstream in;
	std::vector<int> order;

	for (int p = 1; p <= 3000; p++) {
		in << p << " mprotect(0x" << std::hex << p * 4096 << std::dec << ", 4096, PROT_READ <unfinished ...>\n";
		order.push_back(p);
	}
	std::shuffle(order.begin(), order.end(), std::mt19937(7));
	for (int p : order)
		in << p << " <... mprotect resumed>) = " << p << "\n";

	struct trace_reader_stats st;
	std::vector<Item> v = Read(in.str(), &st);

	ASSERT_EQ(v.size(), 3000u);
	for (size_t i = 0; i < v.size(); i++) {
		int p = order[i];
		char args[64];

		snprintf(args, sizeof(args), "0x%x, 4096, PROT_READ", p * 4096);
		ASSERT_EQ(v[i].ev.pid, p);
		ASSERT_EQ(v[i].args, args);
		ASSERT_EQ(v[i].ev.value, (uint64_t)p);
		ASSERT_EQ(v[i].ev.first_line, (uint64_t)p);
	}
	EXPECT_EQ(st.joined, 3000u);
}

TEST(TraceReaderJoin, HeaderlessRestUnderZ)
{
	// [6.1: -f -Z / -z]: the rest of an entry comes on the next line
	// with no pid and no "<... NAME resumed>"
	std::vector<Item> v = Read("24706 munmap(0x7f6b9390a000, 8192 <unfinished ...>\n"
				   ")                                       = -1 EPERM (Operation not permitted)\n"
				   "24717 rt_sigprocmask(SIG_SETMASK, [],  <unfinished ...>\n"
				   "NULL, 8)                                = 0\n");

	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].ev.pid, 24706);
	EXPECT_EQ(v[0].args, "0x7f6b9390a000, 8192");
	EXPECT_EQ(v[0].ev.err, 1);
	EXPECT_EQ(v[1].ev.pid, 24717);
	EXPECT_EQ(v[1].args, "SIG_SETMASK, [], NULL, 8");
}

// ---- spliced tracer messages (stderr form) ----

TEST(TraceReaderSplice, MessageInsideACall)
{
	// [6.1: -f, no -o]
	struct trace_reader_stats st;
	std::vector<Item> v = Read("clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 13001 attached\n"
				   ", child_tidptr=0x7f44e4ddba10) = 13001\n"
				   "[pid 13001] brk(NULL) = 0x1000\n",
				   &st);

	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].name, "clone");
	EXPECT_EQ(v[0].args, "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
			     "child_tidptr=0x7f44e4ddba10");
	EXPECT_EQ(v[0].ev.value, 13001u);
	EXPECT_EQ(v[0].ev.first_line, 1u);
	EXPECT_EQ(v[0].ev.line, 2u);
	EXPECT_EQ(v[1].ev.pid, 13001);
	EXPECT_EQ(st.lines, 3u);
	EXPECT_EQ(st.malformed, 0u);
}

TEST(TraceReaderSplice, UnfinishedAfterTheMessageLearnsThePid)
{
	// The unprefixed process's vfork resumes under "[pid 13000]": 13002
	// was announced as attached, 13000 was not, so 13000 is the process
	// the unprefixed lines were.
	std::vector<Item> v = Read("vfork(strace: Process 13002 attached\n"
				   " <unfinished ...>\n"
				   "[pid 13002] execve(\"/bin/true\", [\"true\"], 0x7ffe /* 2 vars */ <unfinished ...>\n"
				   "[pid 13000] <... vfork resumed>)        = 13002\n"
				   "[pid 13002] <... execve resumed>)       = 0\n"
				   "[pid 13002] +++ exited with 0 +++\n"
				   "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=13002} ---\n"
				   "exit_group(0)                           = ?\n");

	ASSERT_EQ(v.size(), 5u);
	EXPECT_EQ(v[0].name, "vfork");
	EXPECT_EQ(v[0].ev.pid, 13000);
	EXPECT_EQ(v[0].ev.value, 13002u);
	EXPECT_EQ(v[0].ev.first_line, 1u);
	EXPECT_EQ(v[1].name, "execve");
	EXPECT_EQ(v[1].ev.pid, 13002);
	EXPECT_EQ(v[2].ev.kind, TRACE_EXITED);
	EXPECT_EQ(v[3].ev.kind, TRACE_SIGNAL);
	EXPECT_EQ(v[3].ev.pid, 13000);   // alone again: unprefixed, known now
	EXPECT_EQ(v[4].ev.pid, 13000);
}

TEST(TraceReaderSplice, AnnouncedInsideTheUnprefixedLine)
{
	// [6.1: -f]: the thread's announcement cuts the clone3 line of the
	// process that was alone; the first pid after it that was not
	// announced is that process
	std::vector<Item> v = Read("clone3({flags=CLONE_VM|CLONE_THREAD, exit_signal=0}strace: Process 22110 attached\n"
				   " => {parent_tid=[22110]}, 88) = 22110\n"
				   "[pid 22110] rseq(0x7f712c2c6fe0, 0x20, 0, 0x53053053) = 0\n"
				   "[pid 22109] pause( <unfinished ...>\n"
				   "[pid 22110] execve(\"/bin/true\", [\"true\"], 0x7ffe0cfafc28 /* 41 vars */ <unfinished ...>\n"
				   "[pid 22109] <... pause resumed>)        = ?\n"
				   "+++ superseded by execve in pid 22110 +++\n"
				   "<... execve resumed>)                   = 0\n"
				   "brk(NULL) = 0x1000\n");

	ASSERT_EQ(v.size(), 6u);
	EXPECT_EQ(v[0].ev.pid, 0);        // before any prefix: not known yet
	EXPECT_EQ(v[0].ev.unprefixed_pid, 0);
	EXPECT_EQ(v[1].ev.pid, 22110);
	EXPECT_EQ(v[1].ev.unprefixed_pid, 0);       // line 3: 22109 not seen yet
	EXPECT_EQ(v[2].name, "pause");
	EXPECT_EQ(v[2].ev.pid, 22109);
	EXPECT_EQ(v[2].ev.unprefixed_pid, 22109);   // what pid 0 was
	EXPECT_EQ(v[3].ev.kind, TRACE_SUPERSEDED);
	EXPECT_EQ(v[3].ev.pid, 22109);
	EXPECT_EQ(v[4].name, "execve");
	EXPECT_EQ(v[4].ev.pid, 22109);
	EXPECT_EQ(v[4].ev.first_line, 5u);
	EXPECT_EQ(v[5].ev.pid, 22109);
}

TEST(TraceReaderSplice, QuietNeedsAJoin)
{
	// -q: no announcements; a call made unprefixed and resumed under
	// "[pid N]" (or the other way round) is what tells
	std::vector<Item> v = Read("brk(NULL) = 0x1000\n"
				   "vfork( <unfinished ...>\n"
				   "[pid 13002] execve(\"/bin/true\", [\"true\"], 0x7ffe /* 2 vars */) = 0\n"
				   "[pid 13000] <... vfork resumed>)        = 13002\n"
				   "[pid 13002] +++ exited with 0 +++\n"
				   "brk(NULL) = 0x2000\n");

	ASSERT_EQ(v.size(), 5u);
	EXPECT_EQ(v[0].ev.pid, 0);
	EXPECT_EQ(v[1].ev.unprefixed_pid, 0);       // the execve: not known yet
	EXPECT_EQ(v[2].name, "vfork");
	EXPECT_EQ(v[2].ev.unprefixed_pid, 13000);
	EXPECT_EQ(v[2].ev.pid, 13000);
	EXPECT_EQ(v[2].ev.first_line, 2u);
	EXPECT_EQ(v[4].ev.pid, 13000);
}

TEST(TraceReaderSplice, UnprefixedResumeOfAPrefixedCall)
{
	// [6.1: -f]: the parent waits under "[pid N]"; its child dies and the
	// wait ends unprefixed
	std::vector<Item> v = Read("[pid 21633] wait4(21637,  <unfinished ...>\n"
				   "[pid 21637] +++ killed by SIGSEGV +++\n"
				   "<... wait4 resumed>[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV}], 0, NULL) = 21637\n"
				   "brk(NULL) = 0x1000\n");

	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[1].name, "wait4");
	EXPECT_EQ(v[1].ev.pid, 21633);
	EXPECT_EQ(v[1].ev.unprefixed_pid, 21633);
	EXPECT_EQ(v[1].args, "21637, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV}], 0, NULL");
	EXPECT_EQ(v[2].ev.pid, 21633);
}

TEST(TraceReaderSplice, DetachMessages)
{
	// [6.1: -p, stderr]; the second form is two straces on one terminal:
	// the next attach message glued after " <detached ...>"
	std::vector<Item> v = Read("strace: Process 22147 attached\n"
				   "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=100000000}, strace: Process 22147 detached\n"
				   " <detached ...>\n"
				   "wait4(-1, strace: Process 21796 detached\n"
				   " <detached ...>strace: Process 21796 attached\n"
				   "strace: Process 21796 detached\n"
				   "strace: Process 3 attached with 3 threads\n");

	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].name, "clock_nanosleep");
	EXPECT_EQ(v[0].ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v[0].args, "CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=100000000}, ");
	EXPECT_EQ(v[0].ev.first_line, 2u);
	EXPECT_EQ(v[0].ev.line, 3u);
	EXPECT_EQ(v[1].name, "wait4");
	EXPECT_EQ(v[1].ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v[1].args, "-1, ");
	EXPECT_EQ(v[1].ev.line, 5u);
}

TEST(TraceReaderSplice, OtherTracerLinesAreSkipped)
{
	struct trace_reader_stats st;
	std::vector<Item> v = Read("strace: Process 13001 attached\n"
				   "\n"
				   "strace: Exit of unknown pid 123 ignored\n"
				   "munmap(0x7f47be4b0000, 41611)           = 0\n"
				   " > /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2(_dl_catch_error+0x8867) [0x20ce7]\n"
				   " | 00000  29 20 3d 20 30 0a 2d 2d  2d 20 53 49 47 53 45 47  ) = 0.--- SIGSEG |\n"
				   "% time     seconds  usecs/call     calls    errors syscall\n"
				   "------ ----------- ----------- --------- --------- ----------------\n"
				   " 27.03    0.000020           2         9           mmap\n"
				   "------ ----------- ----------- --------- --------- ----------------\n"
				   "100.00    0.000074           2        30         3 total\n",
				   &st);

	ASSERT_EQ(v.size(), 1u);
	EXPECT_EQ(v[0].name, "munmap");
	EXPECT_EQ(st.skipped, 10u);
	EXPECT_EQ(st.lines, 11u);
}

// ---- the end of the input ----

TEST(TraceReaderEof, OpenHalvesComeOutCutInLineOrder)
{
	std::vector<Item> v = Read("12 read(0,  <unfinished ...>\n"
				   "11 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3, 0 <unfinished ...>\n"
				   "13 brk(NULL) = 0x1000\n"
				   "10 futex(0x7f, FUTEX_WAIT, 0, NULL <unfinished ...>\n");

	ASSERT_EQ(v.size(), 4u);
	EXPECT_EQ(v[0].name, "brk");
	const char *names[] = { "read", "mmap", "futex" };
	const uint64_t lines[] = { 1, 2, 4 };
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(v[1 + i].name, names[i]);
		EXPECT_EQ(v[1 + i].ev.result, TRACE_RESULT_CUT);
		EXPECT_EQ(v[1 + i].ev.line, lines[i]);
		EXPECT_EQ(v[1 + i].ev.first_line, lines[i]);
	}
	EXPECT_EQ(v[2].args, "NULL, 4096, PROT_READ, MAP_SHARED, 3, 0");
}

TEST(TraceReaderEof, LastLineCutOff)
{
	// no newline, no result: a call with no outcome, not malformed
	struct {
		const char *text, *name, *args;
	} cases[] = {
		{ "mmap(NULL, 4096, PROT_RE", "mmap", "NULL, 4096, PROT_RE" },
		{ "12 mmap(", "mmap", "" },
		{ "12 write(1, \"abc", "write", "1, \"abc" },
		{ "12 exit_group(0)", "exit_group", "0" },
		{ "12 exit_group(0) =", "exit_group", "0" },
		{ "12 exit_group(0) = ", "exit_group", "0" },
		{ "12 mmap(NULL, 4096, PROT_READ, MAP_SHARED, 3</memfd:x", "mmap", "NULL, 4096, PROT_READ, MAP_SHARED, 3</memfd:x" },
		{ "12 read(0,  <unfinished ...>\n12 <... read resumed>\"ab", "read", "0, \"ab" },
	};

	for (const auto &c : cases) {
		std::vector<Item> v = Read(c.text);

		ASSERT_EQ(v.size(), 1u) << c.text;
		EXPECT_EQ(v[0].rc, 1) << c.text << ": " << v[0].error;
		EXPECT_EQ(v[0].name, c.name) << c.text;
		EXPECT_EQ(v[0].args, c.args) << c.text;
		EXPECT_EQ(v[0].ev.result, TRACE_RESULT_CUT) << c.text;
	}
	// The result may be cut too: it counts only when the line ends as a
	// whole result does, in a note's ')' or the '>' of -T.
	struct {
		const char *text;
		trace_result result;
		uint64_t value;
	} results[] = {
		{ "brk(NULL) = 0x1000", TRACE_RESULT_CUT, 0 },   // "= 0x1000000"?
		{ "munmap(0x1000, 4096) = -1", TRACE_RESULT_CUT, 0 },
		{ "munmap(0x1000, 4096) = -1 EPE", TRACE_RESULT_CUT, 0 },
		{ "exit_group(0) = ?", TRACE_RESULT_CUT, 0 },    // "= ? <unavailable>"?
		{ "fcntl(3, F_GET_SEALS) = 0x6 (seals F_SEAL_SH", TRACE_RESULT_CUT, 0 },
		{ "brk(NULL) = 0x1000 <0.00000", TRACE_RESULT_CUT, 0 },
		{ "brk(NULL) = 0x1000 <0.000008>", TRACE_RESULT_VALUE, 0x1000 },
		{ "fcntl(3, F_GET_SEALS) = 0x6 (seals F_SEAL_SHRINK|F_SEAL_GROW)", TRACE_RESULT_VALUE, 6 },
		{ "munmap(0x1000, 4096) = -1 EPERM (Operation not permitted)", TRACE_RESULT_ERROR, UINT64_MAX },
		{ "exit_group(0) = ? <unavailable>", TRACE_RESULT_NONE, 0 },
	};
	for (const auto &c : results) {
		std::vector<Item> v = Read(c.text);

		ASSERT_EQ(v.size(), 1u) << c.text;
		EXPECT_EQ(v[0].ev.result, c.result) << c.text;
		EXPECT_EQ(v[0].ev.value, c.value) << c.text;
	}
	// not a call: malformed
	EXPECT_EQ(Error("+++ exited with 0"), "t.trace:1: expected ' +++' ending the line, found 'exited with 0'");
	EXPECT_EQ(Error("12 mmap"), "t.trace:1: expected a call NAME(, a signal, exit or tracer message, found 'mmap'");
	// with a newline, a missing result is malformed
	EXPECT_EQ(Error("mmap(NULL, 4096\nbrk(NULL) = 0x1000\n"),
		  "t.trace:1: expected ')' closing the arguments, found the end of the line");
}

TEST(TraceReaderEof, EveryPrefixOfALog)
{
	// Cut anywhere, the lines before the cut read as before and the cut
	// one is a call with no outcome, or malformed; nothing is lost.
	const std::string log = "12948 1795503069.316103 [   9] mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, "
				"3</memfd:seal,me (x)\\\"q>(deleted), 0) = 0x7fc4f90e0000 <0.000038>\n"
				"12948 1795503069.319467 [ 462] syscall_0x1ce(0x7fc4f90e0000, 0x2000, 0, 0x3, 0, 0) = 0 <0.000033>\n"
				"12948 1795503069.319541 [  11] munmap(0x7fc4f90e0000, 8192) = -1 EPERM (Operation not permitted) <0.000033>\n"
				"12948 1795503069.319303 [  72] fcntl(3</memfd:x>(deleted), F_GET_SEALS) = 0x6 (seals F_SEAL_SHRINK|F_SEAL_GROW) <0.000032>\n"
				"12948 1795503069.322374 [ 462] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x7fc4f90d9000} ---\n"
				"12948 1795503069.322510 [ 462] +++ killed by SIGSEGV (core dumped) +++\n";
	std::vector<Item> full = Read(log);
	ASSERT_EQ(full.size(), 6u);

	for (size_t cut = 1; cut < log.size(); cut++) {
		std::string part = log.substr(0, cut);
		size_t whole = (size_t)std::count(part.begin(), part.end(), '\n');
		std::vector<Item> v = Read(part);

		ASSERT_GE(v.size(), whole) << cut;
		ASSERT_LE(v.size(), whole + 1) << cut;
		for (size_t i = 0; i < whole; i++) {
			ASSERT_EQ(v[i].rc, 1) << cut;
			ASSERT_EQ(v[i].name, full[i].name) << cut;
			ASSERT_EQ(v[i].args, full[i].args) << cut;
			ASSERT_EQ(v[i].ev.value, full[i].ev.value) << cut;
		}
		if (v.size() == whole + 1 && v.back().rc == 1 && v.back().ev.kind == TRACE_CALL &&
		    v.back().ev.result != TRACE_RESULT_CUT) {
			ASSERT_EQ(v.back().ev.result, full[whole].ev.result) << part;
		}
	}
}

// ---- malformed input ----

TEST(TraceReaderMalformed, TheNextLineIsRead)
{
	struct trace_reader_stats st;
	std::vector<Item> v = Read("12948 mmap(NULL, 4096\n"
				   "12948 brk(NULL) = 0x1000\n"
				   "garbage here\n"
				   "12948 brk(NULL) = 0x2000\n",
				   &st, "dir/log.trace");

	ASSERT_EQ(v.size(), 4u);
	EXPECT_EQ(v[0].error, "dir/log.trace:1: expected ')' closing the arguments, found the end of the line");
	EXPECT_EQ(v[1].ev.value, 0x1000u);
	EXPECT_EQ(v[1].ev.line, 2u);
	EXPECT_EQ(v[2].error, "dir/log.trace:3: expected a call NAME(, a signal, exit or tracer message, found 'garbage here'");
	EXPECT_EQ(v[3].ev.value, 0x2000u);
	EXPECT_EQ(v[3].ev.line, 4u);
	EXPECT_EQ(st.malformed, 2u);
	EXPECT_EQ(st.events, 2u);
	EXPECT_EQ(st.lines, 4u);
}

TEST(TraceReaderMalformed, NulByte)
{
	std::string in = "brk(NULL) = 0x1000\nmmap(NULL,";
	in += '\0';
	in += " 4096) = 0\nbrk(NULL) = 0x2000\n";
	std::vector<Item> v = Read(in);

	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[1].error, "t.trace:2: expected text, found a NUL byte at column 11");
	EXPECT_EQ(v[2].ev.value, 0x2000u);
	EXPECT_EQ(v[2].ev.line, 3u);
}

// NUL bytes and colour are looked for once per buffer, not per line:
// lines holding them, scattered across many 64 KiB reads, are each
// still found, and the lines between them read as they are.
TEST(TraceReaderMalformed, NulAndColourAcrossBuffers)
{
	std::string in;
	int nuls = 0, coloured = 0, plain = 0;

	for (int i = 0; i < 10000; i++) {
		std::string addr = "0x" + std::to_string(0x10000 + i) + "000";

		if (i % 389 == 7) {
			in += "brk(NU";
			in += '\0';
			in += "LL) = 0x1000\n";
			nuls++;
		} else if (i % 97 == 3) {
			in += "\x1b[31mmunmap\x1b[0m(" + addr + ", 4096) = 0\n";
			coloured++;
		} else {
			in += "munmap(" + addr + ", 4096) = 0 <0.000007>\n";
			plain++;
		}
	}
	ASSERT_GT(in.size(), 4u * 65536);
	std::vector<Item> v = Read(in);
	int errors = 0, calls = 0;

	ASSERT_EQ(v.size(), 10000u);
	for (size_t i = 0; i < v.size(); i++) {
		if (v[i].rc < 0) {
			EXPECT_EQ(i % 389, 7u) << v[i].error;
			EXPECT_NE(v[i].error.find("NUL byte at column 7"), std::string::npos) << v[i].error;
			errors++;
			continue;
		}
		EXPECT_EQ(v[i].name, "munmap") << i;
		EXPECT_EQ(v[i].args, "0x" + std::to_string(0x10000 + i) + "000, 4096") << i;
		EXPECT_EQ(v[i].ev.line, i + 1);
		calls++;
	}
	EXPECT_EQ(errors, nuls);
	EXPECT_EQ(calls, coloured + plain);
}

TEST(TraceReaderMalformed, BinaryGarbage)
{
	// Random bytes, newlines among them: each line is malformed or
	// skipped, the good line after them is read, nothing hangs.
	std::mt19937 rng(12345);
	std::string in;

	for (int i = 0; i < 20000; i++)
		in += (char)(rng() % 7 == 0 ? '\n' : rng() & 0xff);
	in += "\nbrk(NULL) = 0x1000\n";
	struct trace_reader_stats st;
	std::vector<Item> v = Read(in, &st);

	ASSERT_FALSE(v.empty());
	EXPECT_EQ(v.back().name, "brk");
	EXPECT_EQ(v.back().ev.value, 0x1000u);
	EXPECT_EQ(st.lines, (uint64_t)std::count(in.begin(), in.end(), '\n'));
	for (const Item &it : v) {
		if (it.rc < 0) {
			EXPECT_LT(it.error.size(), 512u);
		}
	}
}

TEST(TraceReaderMalformed, GarbledStraceLines)
{
	// Real lines with bytes flipped: never a crash, every line answered.
	const std::string good = FixturePath("strace-6.1-f-o-ttt-T-n-y.trace");
	std::ifstream f(good);
	std::string log((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	std::mt19937 rng(99);
	const char noise[] = "()[]{}<>\"\\/* =-0x?";

	ASSERT_FALSE(log.empty());
	for (int round = 0; round < 50; round++) {
		std::string bad = log;

		for (int i = 0; i < 40; i++)
			bad[rng() % bad.size()] = noise[rng() % (sizeof(noise) - 1)];
		struct trace_reader_stats st;
		Read(bad, &st);
		EXPECT_EQ(st.lines, (uint64_t)std::count(bad.begin(), bad.end(), '\n'));
	}
}

TEST(TraceReaderMalformed, MegabyteLines)
{
	// -s 1048576: one argument of a megabyte; no line length limit
	std::string big(1 << 20, 'a');
	Item it = One("12948 write(1, \"" + big + "\"..., 1048576) = 1048576");

	EXPECT_EQ(it.args.size(), big.size() + 2 + 3 + 12);
	EXPECT_EQ(it.ev.value, 1048576u);

	// a megabyte of junk is one malformed line, its message short
	std::vector<Item> v = Read(std::string(1 << 20, '#') + "\nbrk(NULL) = 0x1000\n");
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].error, "t.trace:1: expected a call NAME(, a signal, exit or tracer message, found "
			      "'################################'...");
	EXPECT_EQ(v[1].ev.line, 2u);

	// an unfinished megabyte joined with its rest
	v = Read("7 write(1, \"" + big + "\", 1048576 <unfinished ...>\n8 brk(NULL) = 0\n7 <... write resumed>) = 1048576\n");
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[1].args.size(), big.size() + 2 + 3 + 9);
}

TEST(TraceReaderMalformed, NumbersPastSixtyFourBits)
{
	EXPECT_EQ(Error("99999999999999999999 brk(NULL) = 0x1000\n"),
		  "t.trace:1: expected a pid, found '99999999999999999999 brk(NULL) ='...");
	EXPECT_EQ(Error("7 +++ exited with 99999999999999999999 +++\n"),
		  "t.trace:1: expected an exit status, found '99999999999999999999'");
	EXPECT_EQ(Error("[pid 99999999999999999999] brk(NULL) = 0\n"),
		  "t.trace:1: expected '[pid N] ', found '[pid 99999999999999999999] brk(N'...");
}

TEST(TraceReaderMalformed, OtherShapes)
{
	EXPECT_EQ(Error("7 --- SIGSEGV {si_signo=SIGSEGV}\n"),
		  "t.trace:1: expected ' ---' ending the signal line, found 'SIGSEGV {si_signo=SIGSEGV}'");
	EXPECT_EQ(Error("7 +++ vanished +++\n"),
		  "t.trace:1: expected 'exited with', 'killed by' or 'superseded by execve', found 'vanished'");
	EXPECT_EQ(Error("[ Process PID=7 runs in 16 bit mode. ]\n"),
		  "t.trace:1: expected '64 bit', '32 bit' or 'x32', found '16 bit mode. ]'");
	EXPECT_EQ(Error("7 <... resumed>) = 0\n"), "t.trace:1: expected '<... NAME resumed>', found 'resumed>) = 0'");
	EXPECT_EQ(Error("12948 \n"), "t.trace:1: expected a call NAME(, a signal, exit or tracer message, found the end of the line");
}

// ---- the recordings ----

struct FixtureCounts {
	const char *file;
	uint64_t lines, events, skipped, joined, orphaned;
};

TEST(TraceReaderFixture, EveryRecordingReadsCleanly)
{
	// Counts checked against grep: events = lines - resumed halves -
	// skipped lines - lines a message spliced.
	const FixtureCounts cases[] = {
		{ "strace-6.1-f-o-ttt-T-n-y.trace", 196, 153, 0, 43, 0 },
		{ "strace-6.1-f-stderr.trace", 177, 123, 2, 49, 0 },
		{ "strace-6.1-f-stderr-Y.trace", 171, 123, 1, 43, 0 },
		{ "strace-6.1-f-stderr-X-verbose.trace", 35, 33, 0, 1, 0 },
		{ "strace-6.1-ff.22039", 29, 29, 0, 0, 0 },
		{ "strace-6.1-ff.22040", 4, 4, 0, 0, 0 },
		{ "strace-6.1-f-o-r.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-t.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-tt-T.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-t-r.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-unix-ns.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-i.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-X-raw.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-X-verbose.trace", 34, 33, 0, 1, 0 },
		{ "strace-6.1-f-o-Y.trace", 97, 85, 0, 12, 0 },
		{ "strace-6.1-f-o-yy.trace", 71, 68, 0, 3, 0 },
		{ "strace-6.1-f-o-Z.trace", 23, 22, 0, 1, 0 },
		{ "strace-6.1-texec-f-o-n.trace", 81, 76, 0, 5, 0 },
		{ "strace-6.1-texec-f-stderr.trace", 82, 76, 0, 5, 0 },
		{ "strace-6.1-i386-n.trace", 19, 19, 0, 0, 0 },
		{ "strace-6.1-i386.trace", 19, 19, 0, 0, 0 },
		{ "strace-6.1-k.trace", 57, 9, 48, 0, 0 },
		{ "strace-6.1-e-write.trace", 12, 8, 4, 0, 0 },
		{ "strace-6.1-inject.trace", 21, 21, 0, 0, 0 },
		{ "strace-6.1-pidns.trace", 10, 9, 0, 1, 0 },
		{ "strace-6.1-raw-mmap.trace", 16, 16, 0, 0, 0 },
		{ "strace-6.1-attach-p-tt-T.trace", 13, 13, 0, 0, 0 },
		{ "strace-6.1-attach-p-stderr.trace", 12, 10, 1, 0, 0 },
	};

	for (const auto &c : cases) {
		struct trace_reader_stats st;
		std::vector<Item> v = ReadFixture(c.file, &st);

		EXPECT_EQ(CountErrors(v), 0u) << c.file << ": " << (CountErrors(v) ? v[0].error : "");
		for (const Item &it : v)
			if (it.rc < 0)
				ADD_FAILURE() << it.error;
		EXPECT_EQ(st.lines, c.lines) << c.file;
		EXPECT_EQ(st.events, c.events) << c.file;
		EXPECT_EQ(st.skipped, c.skipped) << c.file;
		EXPECT_EQ(st.joined, c.joined) << c.file;
		EXPECT_EQ(st.orphaned, c.orphaned) << c.file;
		EXPECT_EQ(st.malformed, 0u) << c.file;
	}
}

TEST(TraceReaderFixture, FullLeaderRecording)
{
	// strace -f -o -ttt -T -n -y -s 64 ./probe exec: threads, fork,
	// SIGSEGV on a sealed page, SIGSTOP/SIGCONT, restart_syscall, execve
	std::vector<Item> v = ReadFixture("strace-6.1-f-o-ttt-T-n-y.trace");
	const Item *it;

	ASSERT_NE(it = FindCall(v, "memfd_create"), nullptr);
	EXPECT_EQ(it->ev.pid, 22011);
	EXPECT_EQ(it->ev.nr, 319);
	EXPECT_NEAR(it->ev.time, 1795603674.095951, 1e-6);
	EXPECT_EQ(it->args, "\"seal,me (x)\\\"q\", MFD_CLOEXEC|MFD_ALLOW_SEALING");
	EXPECT_EQ(it->ev.value, 3u);

	ASSERT_NE(it = FindCall(v, "fcntl", 1), nullptr);
	EXPECT_EQ(it->args, "3</memfd:seal,me (x)\\\"q>(deleted), F_GET_SEALS");
	EXPECT_EQ(it->ev.value, 6u);

	ASSERT_NE(it = FindCall(v, "syscall_0x1ce"), nullptr);   // mseal before 6.10
	EXPECT_EQ(it->ev.nr, 462);
	EXPECT_EQ(it->args, "0x7fa21a53d000, 0x2000, 0, 0x3, 0, 0");
	ASSERT_NE(it = FindCall(v, "munmap", 1), nullptr);
	EXPECT_EQ(it->ev.err, 1);
	EXPECT_EQ(it->errname, "EPERM");

	// a thread's mseal, joined across two other threads' lines
	ASSERT_NE(it = FindCall(v, "syscall_0x1ce", 1), nullptr);
	EXPECT_EQ(it->ev.pid, 22012);
	EXPECT_EQ(it->ev.first_line, 69u);
	EXPECT_EQ(it->ev.line, 72u);
	EXPECT_EQ(it->args, "0x7fa21a53b000, 0x1000, 0, 0xffffffff, 0, 0x7fa21a34e6c0");

	size_t stops = 0, kills = 0;
	for (const Item &e : v) {
		if (e.rc == 1 && e.ev.kind == TRACE_SIGNAL && e.ev.stopped) {
			stops++;
			EXPECT_EQ(e.signal, "SIGSTOP");
			EXPECT_EQ(e.args, "");
		}
		if (e.rc == 1 && e.ev.kind == TRACE_KILLED) {
			kills++;
			EXPECT_EQ(e.signal, "SIGSEGV");
			EXPECT_EQ(e.ev.pid, 22015);
			EXPECT_FALSE(e.ev.core_dumped);
		}
		if (e.call()) {
			EXPECT_NE(e.ev.result, TRACE_RESULT_CUT) << e.name << " line " << e.ev.line;
		}
	}
	EXPECT_EQ(stops, 1u);
	EXPECT_EQ(kills, 1u);
	ASSERT_NE(it = FindCall(v, "restart_syscall"), nullptr);
	EXPECT_EQ(it->args, "<... resuming interrupted clock_nanosleep ...>");
	size_t restarts = 0;
	for (const Item &e : v)
		if (e.call() && e.name == "clock_nanosleep" && e.ev.result == TRACE_RESULT_RESTART) {
			EXPECT_EQ(e.ev.err, 516);
			EXPECT_EQ(e.errname, "ERESTART_RESTARTBLOCK");
			restarts++;
		}
	EXPECT_EQ(restarts, 2u);
	EXPECT_EQ(CountKind(v, TRACE_EXITED), 5u);

	const Item *sig = nullptr;
	for (const Item &e : v)
		if (e.rc == 1 && e.ev.kind == TRACE_SIGNAL && e.signal == "SIGSEGV")
			sig = &e;
	ASSERT_NE(sig, nullptr);
	EXPECT_EQ(sig->args, "{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x7fa21a536000}");
	EXPECT_EQ(sig->ev.nr, 462);
}

TEST(TraceReaderFixture, StderrFormPids)
{
	// The same program on stderr: "[pid N]" only while several tracees
	// exist, messages spliced into the clone lines.
	std::vector<Item> v = ReadFixture("strace-6.1-f-stderr.trace");
	const Item *it;

	// before the first child: no way to know the pid yet
	ASSERT_NE(it = FindCall(v, "memfd_create"), nullptr);
	EXPECT_EQ(it->ev.pid, 0);
	// the thread-creating clone3 the first message cut in two
	ASSERT_NE(it = FindCall(v, "clone3"), nullptr);
	EXPECT_EQ(it->ev.first_line, 49u);
	EXPECT_EQ(it->ev.line, 50u);
	EXPECT_EQ(it->ev.value, 22021u);
	// the fork clone, spliced, after the process is known
	ASSERT_NE(it = FindCall(v, "clone"), nullptr);
	EXPECT_EQ(it->ev.pid, 22020);
	EXPECT_EQ(it->args, "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
			    "child_tidptr=0x7ff66db06a10");
	// wait4 made under [pid 22020], resumed unprefixed
	ASSERT_NE(it = FindCall(v, "wait4"), nullptr);
	EXPECT_EQ(it->ev.pid, 22020);
	EXPECT_EQ(it->ev.first_line, 143u);
	EXPECT_EQ(it->ev.line, 149u);
	EXPECT_EQ(it->ev.value, 22024u);
	ASSERT_NE(it = FindCall(v, "exit_group", 1), nullptr);
	EXPECT_EQ(it->ev.pid, 22020);
	for (const Item &e : v) {
		if (e.call()) {
			EXPECT_NE(e.ev.result, TRACE_RESULT_CUT) << e.name << " line " << e.ev.line;
		}
	}
}

TEST(TraceReaderFixture, ThreadExecveBothForms)
{
	struct {
		const char *file, *envp;
	} cases[] = {
		{ "strace-6.1-texec-f-o-n.trace", "0x7ffc6f3231b8" },
		{ "strace-6.1-texec-f-stderr.trace", "0x7ffe0cfafc28" },
	};

	for (const auto &c : cases) {
		const char *file = c.file;
		std::vector<Item> v = ReadFixture(file);
		const Item *it = FindCall(v, "execve", 1);
		const Item *sup = nullptr;

		for (const Item &e : v)
			if (e.rc == 1 && e.ev.kind == TRACE_SUPERSEDED)
				sup = &e;
		ASSERT_NE(sup, nullptr) << file;
		ASSERT_NE(it, nullptr) << file;
		EXPECT_EQ(it->args, std::string("\"/bin/true\", [\"true\"], ") + c.envp + " /* 41 vars */") << file;
		EXPECT_EQ(it->ev.result, TRACE_RESULT_VALUE) << file;
		EXPECT_EQ(it->ev.pid, sup->ev.pid) << file;         // under the leader
		EXPECT_NE(it->ev.pid, sup->ev.number) << file;
		EXPECT_LT(it->ev.first_line, sup->ev.line) << file;  // made by the thread
		EXPECT_GT(it->ev.line, sup->ev.line) << file;
	}
	std::vector<Item> v = ReadFixture("strace-6.1-texec-f-o-n.trace");
	EXPECT_EQ(FindCall(v, "execve", 1)->ev.pid, 22104);
	EXPECT_EQ(FindCall(v, "execve", 1)->ev.nr, 59);
	// on stderr the leader is unprefixed when its thread's execve ends:
	// its pid is known from the "[pid 22109]" lines in between
	v = ReadFixture("strace-6.1-texec-f-stderr.trace");
	EXPECT_EQ(FindCall(v, "execve", 1)->ev.pid, 22109);
	EXPECT_EQ(FindCall(v, "exit_group")->ev.pid, 22109);
}

TEST(TraceReaderFixture, FfFilesTakeThePidFromTheName)
{
	EXPECT_EQ(trace_ff_pid("dir/trace.12345"), 12345);
	EXPECT_EQ(trace_ff_pid("trace.12345"), 12345);
	EXPECT_EQ(trace_ff_pid("/a.b/c/strace-6.1-ff.22040"), 22040);
	EXPECT_EQ(trace_ff_pid("trace"), 0);
	EXPECT_EQ(trace_ff_pid("trace."), 0);
	EXPECT_EQ(trace_ff_pid("trace.12a"), 0);
	EXPECT_EQ(trace_ff_pid("dir.5/trace"), 0);
	EXPECT_EQ(trace_ff_pid("trace.log"), 0);
	EXPECT_EQ(trace_ff_pid("trace.99999999999999999999"), 0);

	std::vector<Item> parent = ReadFixture("strace-6.1-ff.22039");
	std::vector<Item> child = ReadFixture("strace-6.1-ff.22040");
	for (const Item &e : parent)
		EXPECT_EQ(e.ev.pid, 22039);
	for (const Item &e : child)
		EXPECT_EQ(e.ev.pid, 22040);
	ASSERT_EQ(child.size(), 4u);
	EXPECT_EQ(child[2].ev.kind, TRACE_SIGNAL);
	EXPECT_EQ(child[3].ev.kind, TRACE_KILLED);
}

TEST(TraceReaderFixture, TimeForms)
{
	struct {
		const char *file;
		double first;   // -1: none
	} cases[] = {
		{ "strace-6.1-f-o-t.trace", 10 * 3600 + 47 * 60 + 54 },
		{ "strace-6.1-f-o-tt-T.trace", -2 },    // checked below
		{ "strace-6.1-f-o-t-r.trace", 10 * 3600 + 47 * 60 + 54 },
		{ "strace-6.1-f-o-unix-ns.trace", 1795603674.758431286 },
		{ "strace-6.1-f-o-r.trace", -1 },
		{ "strace-6.1-f-o-i.trace", -1 },
	};

	for (const auto &c : cases) {
		std::vector<Item> v = ReadFixture(c.file);

		ASSERT_FALSE(v.empty()) << c.file;
		EXPECT_EQ(v[0].name, "execve") << c.file;
		if (c.first == -1) {
			EXPECT_EQ(v[0].ev.time, -1) << c.file;
		} else if (c.first > 0) {
			EXPECT_NEAR(v[0].ev.time, c.first, 1e-6) << c.file;
		}
		for (size_t i = 1; i < v.size(); i++) {
			if (c.first != -1 && v[i].ev.first_line > v[i - 1].ev.first_line) {
				EXPECT_GE(v[i].ev.time, v[i - 1].ev.time) << c.file << " line " << v[i].ev.line;
			}
		}
	}
	std::vector<Item> v = ReadFixture("strace-6.1-f-o-tt-T.trace");
	const Item *mseal = FindCall(v, "syscall_0x1ce");
	ASSERT_NE(mseal, nullptr);
	EXPECT_NEAR(mseal->ev.time, 10 * 3600 + 47 * 60 + 54.748861, 1e-6);
}

TEST(TraceReaderFixture, PersonalityLines)
{
	// strace -e quiet=none -o: i386 calls through int 0x80
	std::vector<Item> v = ReadFixture("strace-6.1-i386-n.trace");
	std::vector<const Item *> p;

	for (const Item &e : v)
		if (e.rc == 1 && e.ev.kind == TRACE_PERSONALITY)
			p.push_back(&e);
	ASSERT_EQ(p.size(), 2u);
	EXPECT_EQ(p[0]->name, "32 bit");
	EXPECT_EQ(p[0]->ev.number, 22114);
	EXPECT_EQ(p[0]->ev.nr, 9);   // -n repeats the last number
	EXPECT_EQ(p[1]->name, "64 bit");
	EXPECT_EQ(FindCall(v, "mprotect", 3)->ev.nr, 125);   // i386 mprotect
	EXPECT_EQ(FindCall(v, "syscall_0x1ce")->args, "0x20000000, 0x1000, 0, 0x1000, 0x20000000, 0x1");

	Item x32 = One("[ Process PID=16752 runs in x32 mode. ]");
	EXPECT_EQ(x32.ev.kind, TRACE_PERSONALITY);
	EXPECT_EQ(x32.name, "x32");
}

TEST(TraceReaderFixture, InjectionAndNamespaces)
{
	std::vector<Item> v = ReadFixture("strace-6.1-inject.trace");
	const Item *it;

	ASSERT_NE(it = FindCall(v, "ftruncate"), nullptr);
	EXPECT_EQ(it->ev.value, UINT64_MAX);             // "= 18446744073709551615 (INJECTED)"
	ASSERT_NE(it = FindCall(v, "munmap", 1), nullptr);
	EXPECT_EQ(it->ev.result, TRACE_RESULT_ERROR);    // "= -1 (errno 600) (INJECTED)"
	EXPECT_EQ(it->ev.err, 600);
	EXPECT_EQ(it->errname, "");
	ASSERT_NE(it = FindCall(v, "mprotect", 3), nullptr);
	EXPECT_EQ(it->ev.err, 1);                        // "(DELAYED)"

	v = ReadFixture("strace-6.1-pidns.trace");
	ASSERT_NE(it = FindCall(v, "getpid"), nullptr);
	EXPECT_EQ(it->ev.value, 1u);                     // "= 1 /* 22141 in strace's PID NS */"
	EXPECT_EQ(it->ev.pid, 22141);
}

TEST(TraceReaderFixture, AttachedWithDashP)
{
	std::vector<Item> v = ReadFixture("strace-6.1-attach-p-tt-T.trace");

	ASSERT_EQ(v.size(), 13u);
	EXPECT_EQ(v[0].name, "restart_syscall");   // 6.1 names the wrong call here
	EXPECT_EQ(v[0].args, "<... resuming interrupted read ...>");
	EXPECT_EQ(v.back().name, "clock_nanosleep");
	EXPECT_EQ(v.back().ev.result, TRACE_RESULT_CUT);

	v = ReadFixture("strace-6.1-attach-p-stderr.trace");
	ASSERT_EQ(v.size(), 10u);
	EXPECT_EQ(v.back().ev.result, TRACE_RESULT_CUT);
	EXPECT_EQ(v.back().ev.first_line, 11u);
	EXPECT_EQ(v.back().ev.line, 12u);
}

TEST(TraceReaderFixture, StandardInput)
{
	// A pipe, not a file: no seeking, reads as they come.
	std::ifstream f(FixturePath("strace-6.1-f-o-Y.trace"));
	std::string log((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	int fds[2];

	ASSERT_EQ(pipe(fds), 0);
	ASSERT_LT(log.size(), 60000u);   // fits the pipe: written before reading
	ASSERT_EQ(write(fds[1], log.data(), log.size()), (ssize_t)log.size());
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	ASSERT_NE(in, nullptr);
	struct trace_reader_stats st;
	std::vector<Item> v = ReadFile(in, "<stdin>", &st);
	fclose(in);

	EXPECT_EQ(st.events, 85u);
	EXPECT_EQ(st.malformed, 0u);
	EXPECT_EQ(v[0].ev.pid, 22089);   // "22089<strace> execve(...)"
	EXPECT_EQ(FindCall(v, "wait4")->ev.value, 22093u);   // "= 22093<probe>"
}

// ---- newer versions, by hand ----

TEST(TraceReaderNewer, MsealByName)
{
	// 6.10+ [src 6.10]
	std::vector<Item> v = Read("19285 mseal(0x7f6c7f42c000, 4096, 0 <unfinished ...>\n"
				   "19286 mseal(0x7f85dcdbc000, 8192, 0) = 0\n"
				   "19285 <... mseal resumed>) = 0\n"
				   "19286 mseal(0xfacefeeddeadbeef, 14627392937036008941, 0xffffffffffffffff) = -1 EINVAL (Invalid argument)\n");

	ASSERT_EQ(v.size(), 3u);
	EXPECT_EQ(v[0].args, "0x7f85dcdbc000, 8192, 0");
	EXPECT_EQ(v[1].args, "0x7f6c7f42c000, 4096, 0");
	EXPECT_EQ(v[1].ev.pid, 19285);
	EXPECT_EQ(v[2].ev.err, 22);
}

TEST(TraceReaderNewer, AlwaysShowPidOnStderr)
{
	// 6.9+ --always-show-pid: the -o column on a single tracee's stderr
	std::vector<Item> v = Read("12948 brk(NULL)                               = 0x55b08b48f000\n"
				   "12948 exit_group(0)                           = ?\n"
				   "12948 +++ exited with 0 +++\n");

	ASSERT_EQ(v.size(), 3u);
	for (const Item &e : v)
		EXPECT_EQ(e.ev.pid, 12948);
}

TEST(TraceReaderNewer, ArgumentNames)
{
	// 6.16+ -N [src 7.2]
	Item it = One("mmap(addr=NULL, length=8192, prot=PROT_READ, flags=MAP_SHARED, fd=3, offset=0) = 0x7fbe6ab39000");

	EXPECT_EQ(it.args, "addr=NULL, length=8192, prot=PROT_READ, flags=MAP_SHARED, fd=3, offset=0");
	EXPECT_EQ(One("fcntl(fd=3, op=F_ADD_SEALS, arg=F_SEAL_WRITE) = 0").args,
		  "fd=3, op=F_ADD_SEALS, arg=F_SEAL_WRITE");
}

TEST(TraceReaderNewer, LaterNamesAndNotes)
{
	// names of 6.3 .. 6.15 change nothing the reader sees; 6.14+
	// --namespace=new adds a note; --syscall-times=ns a longer -T
	struct {
		const char *line;
		uint64_t value;
	} cases[] = {
		{ "memfd_create(\"x\", MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_NOEXEC_SEAL) = 3</memfd:x>(deleted)", 3 },
		{ "fcntl(3, F_GET_SEALS) = 0x20 (seals F_SEAL_EXEC)", 0x20 },
		{ "madvise(NULL, 4096, MADV_GUARD_INSTALL) = 0", 0 },
		{ "pkey_alloc(0, PKEY_UNRESTRICTED) = 1", 1 },
		{ "map_shadow_stack(NULL, 4096, SHADOW_STACK_SET_TOKEN) = 140737488343040", 140737488343040 },
		{ "unshare(CLONE_NEWPID) = 0 (pid:[4026532843])", 0 },
		{ "12948 1795503069.285851573 brk(NULL) = 0x1000 <0.000012288>", 0x1000 },
	};

	for (const auto &c : cases)
		EXPECT_EQ(One(c.line).ev.value, c.value) << c.line;
}

}  // namespace
