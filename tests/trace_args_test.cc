// traces/args.h and traces/names.h: splitting strace's argument text and
// decoding every printed form of a value (shared/strace-formats.md §3, §7-10).
//
// Every text is handed over in a heap block of exactly its length with no
// NUL after it, so a decoder reading one byte too far is a heap overflow
// under ASan, not a silent success.
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/falloc.h>
#include <signal.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/errno_name.h"
#include "core/tasks.h"
#include "memfd/memfd.h"
#include "syscalls/uapi.h"
#include "traces/args.h"
#include "traces/names.h"

namespace {

// A copy of s in a block of exactly s.size() bytes.
class Text {
public:
	explicit Text(const std::string &s) : buf_(new char[s.size()]), len_(s.size())
	{
		if (len_)
			memcpy(buf_.get(), s.data(), len_);
	}
	trace_text get() const { return trace_text{ buf_.get(), len_ }; }

private:
	std::unique_ptr<char[]> buf_;
	size_t len_;
};

std::string str(trace_text t)
{
	return std::string(t.s, t.len);
}

// The arguments of `args` as strings; rc gets trace_args_split's answer.
std::vector<std::string> split(const std::string &args, int *rc)
{
	Text t(args);
	trace_args a;
	std::vector<std::string> out;

	*rc = trace_args_split(t.get(), &a);
	for (size_t i = 0; i < a.n; i++)
		out.push_back(str(a.arg[i]));
	return out;
}

std::vector<std::string> split_ok(const std::string &args)
{
	int rc;
	std::vector<std::string> out = split(args, &rc);

	EXPECT_EQ(rc, 0) << args;
	return out;
}

bool split_fails(const std::string &args)
{
	int rc;
	std::vector<std::string> out = split(args, &rc);

	return rc == -1 && out.empty();
}

// trace_arg_int: the value, or `bad` (a marker) when it refuses.
constexpr uint64_t bad = 0xbadbadbadbadbadbULL;

uint64_t int_of(const std::string &s)
{
	Text t(s);
	uint64_t v;

	return trace_arg_int(t.get(), &v) ? bad : v;
}

uint64_t flags_of(const std::string &s, const trace_names &table)
{
	Text t(s);
	uint64_t v;

	return trace_arg_flags(t.get(), &table, &v) ? bad : v;
}

struct Str {
	int rc;
	std::string bytes; // what landed in the buffer
	size_t len;
	bool cut, is_null;
};

Str string_of(const std::string &s, size_t size = 256)
{
	Text t(s);
	std::vector<char> buf(size + 1, '#');
	Str r{};

	r.rc = trace_arg_string(t.get(), size ? buf.data() : nullptr, size, &r.len, &r.cut,
				&r.is_null);
	if (size) {
		// the NUL must be inside the given size
		const char *nul = static_cast<const char *>(memchr(buf.data(), '\0', size));
		EXPECT_NE(nul, nullptr) << s;
		if (nul)
			r.bytes.assign(buf.data(), nul - buf.data());
		// the byte past the buffer is untouched
		EXPECT_EQ(buf[size], '#') << s;
	}
	return r;
}

struct Path {
	int rc;
	std::string path;
	bool deleted;
};

Path path_of(const std::string &s, size_t size = 256)
{
	Text t(s);
	std::vector<char> buf(size + 1, '#');
	Path p{};

	p.rc = trace_arg_fd_path(t.get(), buf.data(), size, &p.deleted);
	p.path = buf.data();
	EXPECT_EQ(buf[size], '#') << s;
	return p;
}

uint64_t find(const trace_names &table, const char *name)
{
	uint64_t v;

	return trace_names_find(&table, name, strlen(name), &v) ? bad : v;
}

} // namespace

// ---------------------------------------------------------------- splitting

TEST(TraceArgsSplit, MmapWithAnnotatedFd)
{
	// mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3</memfd:x>(deleted), 0)
	//      ^0    ^1    ^2                    ^3          ^4                     ^5
	std::vector<std::string> a =
		split_ok("NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3</memfd:x>(deleted), 0");
	ASSERT_EQ(a.size(), 6u);
	EXPECT_EQ(a[0], "NULL");
	EXPECT_EQ(a[2], "PROT_READ|PROT_WRITE");
	EXPECT_EQ(a[4], "3</memfd:x>(deleted)");
	EXPECT_EQ(a[5], "0");
}

TEST(TraceArgsSplit, EmptyAndBlank)
{
	EXPECT_TRUE(split_ok("").empty());
	EXPECT_TRUE(split_ok("   ").empty());
}

TEST(TraceArgsSplit, CommasInsideStrings)
{
	std::vector<std::string> a = split_ok("3, \"a long-ish buffer with, commas) \"..., 70");
	ASSERT_EQ(a.size(), 3u);
	EXPECT_EQ(a[1], "\"a long-ish buffer with, commas) \"...");

	a = split_ok("\"seal,me (x)\\\"q\", MFD_CLOEXEC|MFD_ALLOW_SEALING");
	ASSERT_EQ(a.size(), 2u);
	EXPECT_EQ(a[0], "\"seal,me (x)\\\"q\"");

	// strings carry any syntax: results, signals, tails, brackets, comments
	a = split_ok("3, \") = 0\\n--- SIGSEGV {x} ---\", 25");
	ASSERT_EQ(a.size(), 3u);
	a = split_ok("3, \"<unfinished ...>\", 16");
	ASSERT_EQ(a.size(), 3u);
	a = split_ok("3, \"[{(/* <\", 10");
	ASSERT_EQ(a.size(), 3u);
	// an escaped backslash before the closing quote
	a = split_ok("3, \"x\\\\\", 2");
	ASSERT_EQ(a.size(), 3u);
	EXPECT_EQ(a[1], "\"x\\\\\"");
}

TEST(TraceArgsSplit, CommasInsideArraysAndStructs)
{
	std::vector<std::string> a =
		split_ok("\"/bin/true\", [\"/bin/true\", \"a,b\"], 0x7ffe6a1d2378 /* 37 vars */");
	ASSERT_EQ(a.size(), 3u);
	EXPECT_EQ(a[1], "[\"/bin/true\", \"a,b\"]");
	EXPECT_EQ(a[2], "0x7ffe6a1d2378 /* 37 vars */");

	a = split_ok("{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x7f2748458000, "
		     "stack_size=0x9000} => {parent_tid=[12953]}, 88");
	ASSERT_EQ(a.size(), 2u);
	EXPECT_EQ(a[1], "88");

	a = split_ok("0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}");
	ASSERT_EQ(a.size(), 4u);
	a = split_ok("[{a=[1, 2], b={c=(3, 4)}}], 5");
	ASSERT_EQ(a.size(), 2u);
}

TEST(TraceArgsSplit, CommasInsideComments)
{
	// -X verbose nests comments
	std::vector<std::string> a = split_ok(
		"NULL, 4096, 0x1 /* PROT_READ */, 0x28 /* 0x8 /* MAP_???, x */|MAP_ANONYMOUS */, -1, 0");
	ASSERT_EQ(a.size(), 6u);
	EXPECT_EQ(a[3], "0x28 /* 0x8 /* MAP_???, x */|MAP_ANONYMOUS */");
	a = split_ok("2 /* 21949 in strace's PID NS, really */, 0");
	ASSERT_EQ(a.size(), 2u);
}

TEST(TraceArgsSplit, CommasInsideAnnotations)
{
	std::vector<std::string> a = split_ok(
		"3</memfd:a,b\\74c\\76\\\"d\\\\e\\n\\1\\377>(deleted), F_SETFL, O_RDONLY|O_APPEND");
	ASSERT_EQ(a.size(), 3u);
	EXPECT_EQ(a[0], "3</memfd:a,b\\74c\\76\\\"d\\\\e\\n\\1\\377>(deleted)");

	// -yy: nested details, "->" in socket texts, unescaped brackets
	a = split_ok("[9<pipe:[12874]>, 11<pipe:[12874]>], 0");
	ASSERT_EQ(a.size(), 2u);
	a = split_ok("6<TCP:[127.0.0.1:56392->127.0.0.1:45678]>, \"x\", 1");
	ASSERT_EQ(a.size(), 3u);
	EXPECT_EQ(a[0], "6<TCP:[127.0.0.1:56392->127.0.0.1:45678]>");
	a = split_ok("6<TCPv6:[[::1]:56392->[::1]:45678]>, 1");
	ASSERT_EQ(a.size(), 2u);
	a = split_ok("5</dev/null<char 1:3>>, 2");
	ASSERT_EQ(a.size(), 2u);
	EXPECT_EQ(a[0], "5</dev/null<char 1:3>>");
	a = split_ok("9</tmp/a[b,c>(deleted), 3");
	ASSERT_EQ(a.size(), 2u);
	a = split_ok("7</tmp/x->, 3");
	ASSERT_EQ(a.size(), 2u);
	// before strace 5.19, and AT_FDCWD under -X verbose
	a = split_ok("3</memfd:x, y (deleted)>, 0");
	ASSERT_EQ(a.size(), 2u);
	a = split_ok("-100 /* AT_FDCWD */</tmp/p,q>, \"/etc\", 0x80000 /* O_RDONLY|O_CLOEXEC */");
	ASSERT_EQ(a.size(), 3u);
	// -Y comms and an interrupted sleep
	a = split_ok("15307<proc,x>, NULL, 0, NULL");
	ASSERT_EQ(a.size(), 4u);
	a = split_ok("<... resuming interrupted clock_nanosleep, ...>");
	ASSERT_EQ(a.size(), 1u);
}

TEST(TraceArgsSplit, HugeShiftIsNoAnnotation)
{
	std::vector<std::string> a = split_ok(
		"NULL, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT, -1, 0");
	ASSERT_EQ(a.size(), 6u);
	EXPECT_EQ(a[3], "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT");
}

TEST(TraceArgsSplit, CutCallKeepsWhatItHas)
{
	// "wait4(12949,  <unfinished ...>" and a line cut at EOF
	EXPECT_EQ(split_ok("12949, "), std::vector<std::string>{ "12949" });
	EXPECT_EQ(split_ok("NULL, 4096, "), (std::vector<std::string>{ "NULL", "4096" }));
	// halves joined with the space before " <unfinished ...>" kept
	EXPECT_EQ(split_ok("12949,  NULL, 0, NULL").size(), 4u);
}

TEST(TraceArgsSplit, NamedArgumentsKeepTheirNames)
{
	std::vector<std::string> a = split_ok(
		"child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
		"child_tidptr=0x7fe20a6eba10");
	ASSERT_EQ(a.size(), 3u);
	EXPECT_EQ(a[1], "flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
}

TEST(TraceArgsSplit, EightArgumentsButNotNine)
{
	EXPECT_EQ(split_ok("1, 2, 3, 4, 5, 6, 7, 8").size(), 8u);
	EXPECT_TRUE(split_fails("1, 2, 3, 4, 5, 6, 7, 8, 9"));
	EXPECT_EQ(split_ok("1, 2, 3, 4, 5, 6, 7, 8, ").size(), 8u);
}

TEST(TraceArgsSplit, UnbalancedIsMalformed)
{
	EXPECT_TRUE(split_fails("3, \"abc"));        // a string cut off
	EXPECT_TRUE(split_fails("3, \"abc\\\""));    // ...right after an escaped quote
	EXPECT_TRUE(split_fails("3, \"abc\\"));
	EXPECT_TRUE(split_fails("[1, 2"));
	EXPECT_TRUE(split_fails("{a=1, b=2"));
	EXPECT_TRUE(split_fails("1, 2)"));           // a stray closer
	EXPECT_TRUE(split_fails("[1}"));             // the wrong closer
	EXPECT_TRUE(split_fails("0x8 /* MAP_???"));  // a comment cut off
	EXPECT_TRUE(split_fails("0x8 /* a /* b */"));
	EXPECT_TRUE(split_fails("3</memfd:x"));      // an annotation cut off
	EXPECT_TRUE(split_fails("5</dev/null<char 1:3>"));
	EXPECT_TRUE(split_fails(", 1"));             // empty arguments
	EXPECT_TRUE(split_fails("1, , 2"));
	EXPECT_TRUE(split_fails(","));
	// nesting deeper than any strace output
	EXPECT_TRUE(split_fails(std::string(40, '[') + std::string(40, ']')));
	EXPECT_EQ(split_ok(std::string(20, '[') + std::string(20, ']')).size(), 1u);
}

// Every prefix of a good line splits or is refused, never read past.
TEST(TraceArgsSplit, EveryPrefixIsSafe)
{
	const std::string lines[] = {
		"{flags=CLONE_VM|CLONE_FS, child_tid=0x7fe20a6ea990, exit_signal=SIGCHLD} => "
		"{parent_tid=[12953]}, 88",
		"3</memfd:a,b\\74c\\76\\\"d\\\\e\\n\\1\\377>(deleted), \"x\\\"y\\0\\377\"..., 0x28 "
		"/* 0x8 /* MAP_??? */|MAP_ANONYMOUS */, 21<<MAP_HUGE_SHIFT, 5</dev/null<char 1:3>>, "
		"6<TCP:[1.2.3.4:5->6.7.8.9:10]>, -100 /* AT_FDCWD */</DIR>",
	};
	for (const std::string &line : lines) {
		for (size_t n = 0; n <= line.size(); n++) {
			Text t(line.substr(0, n));
			trace_args a;

			if (trace_args_split(t.get(), &a))
				continue;
			for (size_t i = 0; i < a.n; i++) {
				char buf[64];
				size_t len;
				bool b1, b2;
				uint64_t v;
				trace_text f;

				(void)trace_arg_int(a.arg[i], &v);
				(void)trace_arg_flags(a.arg[i], &trace_names_map, &v);
				(void)trace_arg_string(a.arg[i], buf, sizeof(buf), &len, &b1, &b2);
				(void)trace_arg_fd_path(a.arg[i], buf, sizeof(buf), &b1);
				(void)trace_struct_field(a.arg[i], "exit_signal", &f);
			}
		}
	}
}

// ---------------------------------------------------------------- integers

TEST(TraceArgsInt, Numbers)
{
	EXPECT_EQ(int_of("3"), 3u);
	EXPECT_EQ(int_of("0"), 0u);
	EXPECT_EQ(int_of("0x7f85dd0ad000"), 0x7f85dd0ad000u);
	EXPECT_EQ(int_of("0X1F"), 0x1fu);
	EXPECT_EQ(int_of("18446744073709551615"), UINT64_MAX); // ftruncate(3, -1)
	EXPECT_EQ(int_of("0xffffffffffffffff"), UINT64_MAX);
	EXPECT_EQ(int_of("0x0000000000000000ff"), 0xffu); // leading zeros are no overflow
	EXPECT_EQ(int_of(" 42 "), 42u);
	EXPECT_EQ(int_of("0755"), 0755u); // fchmod's mode, in octal
	EXPECT_EQ(int_of("0644"), 0644u);
}

TEST(TraceArgsInt, SignedValuesAreTheirTwosComplement)
{
	EXPECT_EQ(int_of("-1"), UINT64_MAX);
	EXPECT_EQ(int_of("-2"), UINT64_MAX - 1);
	EXPECT_EQ(int_of("-0"), 0u);
	EXPECT_EQ(int_of("-9223372036854775808"), 0x8000000000000000u);
	EXPECT_EQ(int_of("-9223372036854775809"), bad);
	// fallocate(3, FALLOC_FL_PUNCH_HOLE, -1, 1): the offset
	EXPECT_EQ((int64_t)int_of("-1"), -1);
}

TEST(TraceArgsInt, OverflowIsMalformed)
{
	EXPECT_EQ(int_of("18446744073709551616"), bad);
	EXPECT_EQ(int_of("99999999999999999999"), bad);
	EXPECT_EQ(int_of("0x10000000000000000"), bad);
}

TEST(TraceArgsInt, NullAndAtFdcwd)
{
	EXPECT_EQ(int_of("NULL"), 0u);
	EXPECT_EQ(int_of("AT_FDCWD"), (uint64_t)-100);
	EXPECT_EQ(int_of("AT_FDCWD</DIR>"), (uint64_t)-100);
	EXPECT_EQ(int_of("-100"), (uint64_t)-100);                              // -X raw
	EXPECT_EQ(int_of("-100 /* AT_FDCWD */</tmp/args-probe>"), (uint64_t)-100); // -X verbose -y
}

TEST(TraceArgsInt, AnnotationsAndCommentsIgnored)
{
	EXPECT_EQ(int_of("3</memfd:x>(deleted)"), 3u);
	EXPECT_EQ(int_of("3</memfd:x (deleted)>"), 3u);
	EXPECT_EQ(int_of("3</memfd:a,b\\74c\\76\\\"d\\\\e\\n\\1\\377>(deleted)"), 3u);
	EXPECT_EQ(int_of("100</memfd:x>(deleted)"), 100u); // a dup2 result
	EXPECT_EQ(int_of("5</dev/null<char 1:3>>"), 5u);
	EXPECT_EQ(int_of("6<TCP:[127.0.0.1:56392->127.0.0.1:45678]>"), 6u);
	EXPECT_EQ(int_of("15307<proc>"), 15307u); // -Y
	EXPECT_EQ(int_of("2 /* 21949 in strace's PID NS */"), 2u);
	EXPECT_EQ(int_of("0x7ffe72a09c60 /* 37 vars */"), 0x7ffe72a09c60u);
	EXPECT_EQ(int_of("0x3 /* a /* nested */ one */"), 3u);
}

TEST(TraceArgsInt, NamedArgument)
{
	EXPECT_EQ(int_of("fd=3"), 3u); // -N
	EXPECT_EQ(int_of("addr=NULL"), 0u);
	EXPECT_EQ(int_of("child_tidptr=0x7fe20a6eba10"), 0x7fe20a6eba10u);
}

TEST(TraceArgsInt, MalformedValues)
{
	EXPECT_EQ(int_of(""), bad);
	EXPECT_EQ(int_of("  "), bad);
	EXPECT_EQ(int_of("-"), bad);
	EXPECT_EQ(int_of("0x"), bad);
	EXPECT_EQ(int_of("0xg"), bad);
	EXPECT_EQ(int_of("12abc"), bad);
	EXPECT_EQ(int_of("NULLX"), bad);
	EXPECT_EQ(int_of("PROT_READ"), bad);
	EXPECT_EQ(int_of("3 4"), bad);
	EXPECT_EQ(int_of("3</a><b>"), bad);
	EXPECT_EQ(int_of("3</memfd:x"), bad);
	EXPECT_EQ(int_of("3 /* open"), bad);
	EXPECT_EQ(int_of("\"3\""), bad);
	EXPECT_EQ(int_of("8192*1024"), bad); // rlimits: not an integer argument
}

TEST(TraceArgsInt, ReadsOnlyItsLength)
{
	const char line[] = "1234NULLX";
	uint64_t v;

	ASSERT_EQ(trace_arg_int(trace_text{ line, 2 }, &v), 0);
	EXPECT_EQ(v, 12u);
	ASSERT_EQ(trace_arg_int(trace_text{ line + 4, 4 }, &v), 0);
	EXPECT_EQ(v, 0u);
}

// ---------------------------------------------------------------- flags

struct Forms {
	const trace_names *table;
	uint64_t value;
	std::vector<std::string> printed;
};

// Every printed form of one value decodes to the same bits: abbrev (strace
// 6.1 and newer names), -X raw, -X verbose with nested comments, hex
// remainders, "0x.. /* X_??? */" and N<<X_HUGE_SHIFT.
TEST(TraceArgsFlags, EveryFormOfAValueAgrees)
{
	const Forms cases[] = {
		{ &trace_names_prot, 0x3,
		  { "PROT_READ|PROT_WRITE", "0x3", "3", "0x3 /* PROT_READ|PROT_WRITE */" } },
		{ &trace_names_prot, 0x0, { "PROT_NONE", "0", "0 /* PROT_NONE */" } },
		{ &trace_names_prot, 0x10f,
		  { "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|0x100", "0x10f" } },
		{ &trace_names_prot, UINT64_MAX,
		  { "PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|"
		    "0xfffffffffcfffff0",
		    "0xffffffffffffffff", "18446744073709551615" } },
		{ &trace_names_map, 0x28,
		  { "0x8 /* MAP_??? */|MAP_ANONYMOUS", "MAP_DROPPABLE|MAP_ANONYMOUS", "0x28", "40",
		    "0x28 /* 0x8 /* MAP_??? */|MAP_ANONYMOUS */",
		    "0x28 /* MAP_DROPPABLE|MAP_ANONYMOUS */" } },
		{ &trace_names_map, 0x54040022,
		  { "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT", "0x54040022",
		    "0x54040022 /* MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT */" } },
		{ &trace_names_map, 0x4000022,
		  { "MAP_PRIVATE|MAP_ANONYMOUS|1<<MAP_HUGE_SHIFT",
		    "MAP_PRIVATE|MAP_ANONYMOUS|MAP_UNINITIALIZED", "0x4000022" } },
		{ &trace_names_map, 0xa2,
		  { "MAP_PRIVATE|MAP_ANONYMOUS|0x80", "MAP_PRIVATE|MAP_ANONYMOUS|MAP_ABOVE4G" } },
		{ &trace_names_map, 0x938ea,
		  { "0xa /* MAP_??? */|MAP_ANONYMOUS|MAP_32BIT|MAP_NONBLOCK|MAP_DENYWRITE|"
		    "MAP_EXECUTABLE|MAP_LOCKED|MAP_SYNC|0x80",
		    "0x938ea",
		    "0x938ea /* 0xa /* MAP_??? */|MAP_ANONYMOUS|MAP_32BIT|MAP_NONBLOCK|"
		    "MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_SYNC|0x80 */" } },
		{ &trace_names_map, 0x100003,
		  { "MAP_SHARED_VALIDATE|MAP_FIXED_NOREPLACE", "0x100003" } },
		{ &trace_names_map, 0x812,
		  { "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE", "0x812" } },
		{ &trace_names_map, 0x0, { "MAP_FILE", "0", "0 /* MAP_FILE */" } },
		{ &trace_names_mremap, 0x5, { "MREMAP_MAYMOVE|MREMAP_DONTUNMAP", "0x5" } },
		{ &trace_names_mremap, 0x9, { "MREMAP_MAYMOVE|0x8", "0x9 /* MREMAP_MAYMOVE|0x8 */" } },
		{ &trace_names_madv, 102,
		  { "MADV_GUARD_INSTALL", "0x66 /* MADV_??? */", "0x66", "102",
		    "0x66 /* MADV_GUARD_INSTALL */" } },
		{ &trace_names_madv, 103, { "MADV_GUARD_REMOVE", "0x67 /* MADV_??? */" } },
		{ &trace_names_madv, 25, { "MADV_COLLAPSE", "0x19 /* MADV_COLLAPSE */", "0x19" } },
		{ &trace_names_madv, 0xffffffff, { "0xffffffff /* MADV_??? */" } },
		{ &trace_names_mfd, 0x3,
		  { "MFD_CLOEXEC|MFD_ALLOW_SEALING", "0x3", "0x3 /* MFD_CLOEXEC|MFD_ALLOW_SEALING */" } },
		{ &trace_names_mfd, 0x8,
		  { "0x8 /* MFD_??? */", "MFD_NOEXEC_SEAL", "0x8 /* MFD_NOEXEC_SEAL */" } },
		{ &trace_names_mfd, 0x11, { "MFD_CLOEXEC|0x10", "MFD_CLOEXEC|MFD_EXEC" } },
		{ &trace_names_mfd, 0xffffffff,
		  { "MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB|0x3fffff8|63<<MFD_HUGE_SHIFT",
		    "MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB|MFD_NOEXEC_SEAL|MFD_EXEC|0x3ffffe0|"
		    "63<<MFD_HUGE_SHIFT",
		    "0xffffffff" } },
		{ &trace_names_mfd, 0x78000000,
		  { "30<<MFD_HUGE_SHIFT", "0x78000000 /* 30<<MFD_HUGE_SHIFT */" } },
		{ &trace_names_mfd, 0x0, { "0" } },
		{ &trace_names_seals, 0x21,
		  { "F_SEAL_SEAL|0x20", "F_SEAL_SEAL|F_SEAL_EXEC", "0x21",
		    "0x21 /* F_SEAL_SEAL|0x20 */" } },
		{ &trace_names_seals, 0x3f,
		  { "F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|0x20",
		    "F_SEAL_SEAL|F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_FUTURE_WRITE|"
		    "F_SEAL_EXEC",
		    "0x3f" } },
		{ &trace_names_seals, 0x41, { "F_SEAL_SEAL|0x40" } },
		{ &trace_names_fcntl_cmd, 1034,
		  { "F_GET_SEALS", "0x40a", "1034", "0x40a /* F_GET_SEALS */" } },
		{ &trace_names_fcntl_cmd, 1033, { "F_ADD_SEALS", "0x409 /* F_ADD_SEALS */" } },
		{ &trace_names_fcntl_cmd, 1027, { "F_DUPFD_QUERY", "0x403 /* F_??? */" } },
		{ &trace_names_fcntl_cmd, 1030, { "F_DUPFD_CLOEXEC", "0x406" } },
		{ &trace_names_fcntl_cmd, 0, { "F_DUPFD", "0" } },
		{ &trace_names_open, 0xc00,
		  { "O_RDONLY|O_APPEND|O_NONBLOCK", "0xc00",
		    "0xc00 /* O_RDONLY|O_APPEND|O_NONBLOCK */" } },
		{ &trace_names_open, 0x1c1242,
		  { "O_RDWR|O_CREAT|O_TRUNC|O_SYNC|O_NOATIME|O_CLOEXEC", "0x1c1242" } },
		{ &trace_names_open, 0x410002, { "O_RDWR|O_TMPFILE", "0x410002 /* O_RDWR|O_TMPFILE */" } },
		{ &trace_names_open, 0x237181,
		  { "O_WRONLY|O_EXCL|O_NOCTTY|O_DSYNC|O_DIRECT|O_NOFOLLOW|O_PATH|O_DIRECTORY|FASYNC",
		    "0x237181" } },
		{ &trace_names_open, 0x3, { "O_ACCMODE", "0x3 /* O_ACCMODE */" } },
		{ &trace_names_open, 0x80000, { "O_CLOEXEC", "O_RDONLY|O_CLOEXEC", "0x80000" } },
		{ &trace_names_open, 0x1, { "0x1 /* O_??? */", "O_WRONLY" } },
		{ &trace_names_clone, 0x4100 | 34,
		  { "CLONE_VM|CLONE_VFORK|SIGRT_2", "0x4100|34",
		    "0x4100 /* CLONE_VM|CLONE_VFORK */|34 /* SIGRT_2 */" } },
		{ &trace_names_clone, 0x1200011,
		  { "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD", "0x1200000|17",
		    "0x1200000 /* CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID */|17 /* SIGCHLD */",
		    "flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD" } },
		{ &trace_names_clone, 0x4580, { "CLONE_VM|CLONE_FILES|CLONE_VFORK|128", "0x4500|128" } },
		{ &trace_names_clone, 0x100021080,
		  { "CLONE_NEWTIME|CLONE_NEWNS|0x100001000",
		    "0x100021080 /* CLONE_NEWTIME|CLONE_NEWNS|0x100001000 */" } },
		{ &trace_names_clone, 0x300000000,
		  { "CLONE_CLEAR_SIGHAND|CLONE_INTO_CGROUP", "0x300000000" } },
		{ &trace_names_at, 0x11100,
		  { "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|0x10000",
		    "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|AT_EXECVE_CHECK",
		    "0x11100 /* AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH|0x10000 */" } },
		{ &trace_names_at, 0x200, { "AT_EACCESS", "AT_REMOVEDIR", "0x200 /* AT_EACCESS */" } },
		{ &trace_names_falloc, 0x3,
		  { "FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE", "0x3" } },
		{ &trace_names_falloc, 0xff,
		  { "FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE|FALLOC_FL_NO_HIDE_STALE|"
		    "FALLOC_FL_COLLAPSE_RANGE|FALLOC_FL_ZERO_RANGE|FALLOC_FL_INSERT_RANGE|"
		    "FALLOC_FL_UNSHARE_RANGE|0x80",
		    "FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE|FALLOC_FL_NO_HIDE_STALE|"
		    "FALLOC_FL_COLLAPSE_RANGE|FALLOC_FL_ZERO_RANGE|FALLOC_FL_INSERT_RANGE|"
		    "FALLOC_FL_UNSHARE_RANGE|FALLOC_FL_WRITE_ZEROES",
		    "0xff" } },
		{ &trace_names_falloc, 0x0, { "0", "FALLOC_FL_ALLOCATE_RANGE" } },
		{ &trace_names_seek, 3, { "SEEK_DATA", "0x3 /* SEEK_DATA */", "3" } },
		{ &trace_names_seek, 5, { "0x5 /* SEEK_??? */" } },
		{ &trace_names_close_range, 0x6,
		  { "CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC",
		    "0x6 /* CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC */" } },
		{ &trace_names_close_range, 0x1, { "0x1 /* CLOSE_RANGE_??? */" } },
		{ &trace_names_pkey, 0x7,
		  { "PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE|PKEY_DISABLE_EXECUTE",
		    "0x7 /* PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE|PKEY_DISABLE_EXECUTE */" } },
		{ &trace_names_pkey, 0x8, { "0x8 /* PKEY_??? */" } },
		{ &trace_names_pkey, 0x0, { "0", "PKEY_UNRESTRICTED" } },
		{ &trace_names_mseal, 0x0, { "0" } },
		{ &trace_names_mseal, UINT64_MAX, { "0xffffffffffffffff" } },
		{ &trace_names_signal, 17, { "SIGCHLD", "17", "17 /* SIGCHLD */" } },
		{ &trace_names_signal, 32, { "SIGRTMIN", "32 /* SIGRTMIN */" } },
		{ &trace_names_signal, 33, { "SIGRT_1", "33 /* SIGRT_1 */" } },
		{ &trace_names_signal, 64, { "SIGRT_32", "64" } },
		{ &trace_names_signal, 65, { "65" } },
		{ &trace_names_signal, 6, { "SIGABRT", "6 /* SIGABRT */" } },
		{ &trace_names_signal, 29, { "SIGIO" } },
		{ &trace_names_fd_flags, 1, { "FD_CLOEXEC", "0x1 /* FD_CLOEXEC */" } },
		{ &trace_names_shadow_stack, 1, { "SHADOW_STACK_SET_TOKEN", "0x1" } },
		{ &trace_names_resolve, 0x9, { "RESOLVE_NO_XDEV|RESOLVE_BENEATH" } },
	};

	for (const Forms &c : cases)
		for (const std::string &form : c.printed)
			EXPECT_EQ(flags_of(form, *c.table), c.value) << c.table->what << ": " << form;
}

TEST(TraceArgsFlags, UnknownNamesAreMalformed)
{
	EXPECT_EQ(flags_of("PROT_READ|PROT_BOGUS", trace_names_prot), bad);
	EXPECT_EQ(flags_of("MAP_SHARED", trace_names_prot), bad); // another table's name
	EXPECT_EQ(flags_of("PROT_REA", trace_names_prot), bad);   // a prefix of a name
	EXPECT_EQ(flags_of("PROT_READX", trace_names_prot), bad);
	EXPECT_EQ(flags_of("MAP_???", trace_names_map), bad);
	EXPECT_EQ(flags_of("prot_read", trace_names_prot), bad);
	EXPECT_EQ(flags_of("SIGCHLD", trace_names_prot), bad);
	EXPECT_EQ(flags_of("CLONE_VM", trace_names_signal), bad);
	EXPECT_EQ(flags_of("0x1", trace_names_mseal), 1u);
	EXPECT_EQ(flags_of("MSEAL_X", trace_names_mseal), bad); // a table with no names
}

TEST(TraceArgsFlags, MalformedExpressions)
{
	EXPECT_EQ(flags_of("", trace_names_prot), bad);
	EXPECT_EQ(flags_of("PROT_READ|", trace_names_prot), bad);
	EXPECT_EQ(flags_of("|PROT_READ", trace_names_prot), bad);
	EXPECT_EQ(flags_of("PROT_READ||PROT_WRITE", trace_names_prot), bad);
	EXPECT_EQ(flags_of("PROT_READ PROT_WRITE", trace_names_prot), bad);
	EXPECT_EQ(flags_of("PROT_READ /* x", trace_names_prot), bad);
	EXPECT_EQ(flags_of("0x10000000000000000", trace_names_prot), bad);
	EXPECT_EQ(flags_of("3</memfd:x>", trace_names_prot), bad);
	EXPECT_EQ(flags_of("\"PROT_READ\"", trace_names_prot), bad);
	EXPECT_EQ(flags_of("~[]", trace_names_signal), bad);
}

TEST(TraceArgsFlags, EnumerationTakesOneTerm)
{
	EXPECT_EQ(flags_of("MADV_DONTNEED", trace_names_madv), 4u);
	EXPECT_EQ(flags_of("MADV_DONTNEED|MADV_FREE", trace_names_madv), bad);
	EXPECT_EQ(flags_of("F_GETFD|0x1", trace_names_fcntl_cmd), bad);
	EXPECT_EQ(flags_of("SIGCHLD|SIGIO", trace_names_signal), bad);
	EXPECT_EQ(flags_of("SEEK_SET|SEEK_END", trace_names_seek), bad);
}

TEST(TraceArgsFlags, HugeShiftNeedsItsOwnName)
{
	EXPECT_EQ(flags_of("21<<MAP_HUGE_SHIFT", trace_names_map), 21ULL << 26);
	EXPECT_EQ(flags_of("21<<MFD_HUGE_SHIFT", trace_names_map), bad);
	EXPECT_EQ(flags_of("21<<MAP_HUGE_SHIFTX", trace_names_map), bad);
	EXPECT_EQ(flags_of("21<<MAP_HUGE", trace_names_map), bad);
	EXPECT_EQ(flags_of("21<<", trace_names_map), bad);
	EXPECT_EQ(flags_of("1<<MAP_HUGE_SHIFT", trace_names_prot), bad); // no shift there
	EXPECT_EQ(flags_of("MAP_PRIVATE<<MAP_HUGE_SHIFT", trace_names_map), bad);
	// bits shifted out of 64 are no value strace printed
	EXPECT_EQ(flags_of("0x3fffffffff<<MAP_HUGE_SHIFT", trace_names_map), 0x3fffffffffULL << 26);
	EXPECT_EQ(flags_of("0x4000000000<<MAP_HUGE_SHIFT", trace_names_map), bad);
}

TEST(TraceArgsFlags, ReadsOnlyItsLength)
{
	const char line[] = "PROT_READX";
	const char shift[] = "21<<MAP_HUGE_SHIFTED";
	uint64_t v;

	ASSERT_EQ(trace_arg_flags(trace_text{ line, 9 }, &trace_names_prot, &v), 0);
	EXPECT_EQ(v, 1u);
	ASSERT_EQ(trace_arg_flags(trace_text{ shift, 18 }, &trace_names_map, &v), 0);
	EXPECT_EQ(v, 21ULL << 26);
}

// ---------------------------------------------------------------- strings

TEST(TraceArgsString, EveryEscape)
{
	Str s = string_of("\"hello, \\\"world\\\"(x)\\n\\t\\\\\\0\"");
	ASSERT_EQ(s.rc, 0);
	EXPECT_EQ(s.len, 21u);
	EXPECT_EQ(std::string(s.bytes.c_str()), "hello, \"world\"(x)\n\t\\");
	EXPECT_FALSE(s.cut);
	EXPECT_FALSE(s.is_null);

	// strace 6.1: write(3, "\t\r\v\f\7\10\33 \177\0", 10)
	char buf[16];
	size_t len;
	bool cut, is_null;
	Text t("\"\\t\\r\\v\\f\\7\\10\\33 \\177\\0\"");
	ASSERT_EQ(trace_arg_string(t.get(), buf, sizeof(buf), &len, &cut, &is_null), 0);
	ASSERT_EQ(len, 10u);
	EXPECT_EQ(memcmp(buf, "\t\r\v\f\a\b\033 \177\0", 10), 0);
}

TEST(TraceArgsString, OctalTakesUpToThreeDigits)
{
	Str s = string_of("\"\\0011\\303\\251\\1\\377\"");
	ASSERT_EQ(s.rc, 0);
	EXPECT_EQ(s.bytes, "\001" "1\303\251\001\377");
	EXPECT_EQ(string_of("\"\\400\"").rc, -1); // past a byte
}

TEST(TraceArgsString, HexFormsMatchTheDefault)
{
	// one memfd name under the default, -x and -xx
	Str plain = string_of("\"a,b<c>\\\"d\\\\e\\n\\1\\377\"");
	Str x = string_of("\"\\x61\\x2c\\x62\\x3c\\x63\\x3e\\x22\\x64\\x5c\\x65\\x0a\\x01\\xff\"");
	Str mixed = string_of("\"a,b<c>\\\"d\\\\e\\n\\x01\\xFF\"");
	ASSERT_EQ(plain.rc, 0);
	ASSERT_EQ(x.rc, 0);
	ASSERT_EQ(mixed.rc, 0);
	EXPECT_EQ(plain.bytes, "a,b<c>\"d\\e\n\001\377");
	EXPECT_EQ(x.bytes, plain.bytes);
	EXPECT_EQ(mixed.bytes, plain.bytes);
	EXPECT_EQ(x.len, 13u);
}

TEST(TraceArgsString, Truncation)
{
	Str s = string_of("\"a long-ish buffer with, commas) \"...");
	ASSERT_EQ(s.rc, 0);
	EXPECT_TRUE(s.cut);
	EXPECT_EQ(s.bytes, "a long-ish buffer with, commas) ");

	s = string_of("\"\"..."); // -s 0
	ASSERT_EQ(s.rc, 0);
	EXPECT_TRUE(s.cut);
	EXPECT_EQ(s.len, 0u);

	s = string_of("\"...\""); // a string of three dots
	ASSERT_EQ(s.rc, 0);
	EXPECT_FALSE(s.cut);
	EXPECT_EQ(s.bytes, "...");
}

TEST(TraceArgsString, NullAndUnreadablePointers)
{
	for (const char *text : { "NULL", "0x1", "0x7ffe4469c4f7", "0", "buf=NULL" }) {
		Str s = string_of(text);
		EXPECT_EQ(s.rc, 0) << text;
		EXPECT_TRUE(s.is_null) << text;
		EXPECT_EQ(s.len, 0u) << text;
		EXPECT_EQ(s.bytes, "") << text;
	}
}

TEST(TraceArgsString, SmallBufferCutsButCounts)
{
	Str s = string_of("\"abcdef\"", 4);
	ASSERT_EQ(s.rc, 0);
	EXPECT_EQ(s.bytes, "abc");
	EXPECT_EQ(s.len, 6u);

	s = string_of("\"abcdef\"", 0); // no buffer at all
	ASSERT_EQ(s.rc, 0);
	EXPECT_EQ(s.len, 6u);
}

TEST(TraceArgsString, SyntaxInsideIsText)
{
	EXPECT_EQ(string_of("\") = 0\\n--- SIGSEGV {x} ---\"").bytes, ") = 0\n--- SIGSEGV {x} ---");
	EXPECT_EQ(string_of("\"<unfinished ...>\"").bytes, "<unfinished ...>");
	EXPECT_EQ(string_of("name=\"seal,me (x)\\\"q\"").bytes, "seal,me (x)\"q");
}

TEST(TraceArgsString, Malformed)
{
	for (const char *text : { "", "\"abc", "\"abc\\\"", "\"abc\\", "\"a\\q\"", "\"\\x\"",
				  "\"\\xg\"", "\"abc\"x", "\"abc\"..", "\"abc\"....", "abc",
				  "\"abc\" \"def\"", "[\"abc\"]", "PROT_READ" }) {
		EXPECT_EQ(string_of(text).rc, -1) << text;
	}
}

// ---------------------------------------------------------------- fd paths

TEST(TraceArgsFdPath, DeletedBothForms)
{
	Path p = path_of("3</memfd:mmsim-test>(deleted)");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/memfd:mmsim-test");
	EXPECT_TRUE(p.deleted);

	p = path_of("3</memfd:x (deleted)>"); // before strace 5.19
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/memfd:x");
	EXPECT_TRUE(p.deleted);

	p = path_of("4</tmp/args-probe/del x>");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/tmp/args-probe/del x");
	EXPECT_FALSE(p.deleted);

	p = path_of("5</memfd:>(deleted)");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/memfd:");
	EXPECT_TRUE(p.deleted);
}

TEST(TraceArgsFdPath, EscapesDecoded)
{
	// strace 6.1 -y: memfd_create("a,b<c>\"d\\e\n\1\377", ...)
	Path p = path_of("3</memfd:a,b\\74c\\76\\\"d\\\\e\\n\\1\\377>(deleted)");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/memfd:a,b<c>\"d\\e\n\001\377");
	EXPECT_TRUE(p.deleted);

	p = path_of("6</memfd:utf8-\\303\\251-\\1>(deleted)");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/memfd:utf8-\303\251-\001");

	p = path_of("3</memfd:gt\\76lt\\74nl\\nend>(deleted)");
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/memfd:gt>lt<nl\nend");
}

TEST(TraceArgsFdPath, AtFdcwdAndResults)
{
	EXPECT_EQ(path_of("AT_FDCWD</DIR>").path, "/DIR");
	EXPECT_EQ(path_of("-100 /* AT_FDCWD */</tmp/args-probe>").path, "/tmp/args-probe");
	EXPECT_EQ(path_of("100</memfd:x>(deleted)").path, "/memfd:x");
	EXPECT_EQ(path_of("fd=3</x>").path, "/x"); // -N
}

TEST(TraceArgsFdPath, DoubleY)
{
	EXPECT_EQ(path_of("5</dev/null<char 1:3>>").path, "/dev/null");
	EXPECT_EQ(path_of("9<pipe:[12874]>").path, "pipe:[12874]");
	EXPECT_EQ(path_of("6<TCP:[127.0.0.1:56392->127.0.0.1:45678]>").path,
		  "TCP:[127.0.0.1:56392->127.0.0.1:45678]");
	EXPECT_EQ(path_of("3<UNIX-STREAM:[26644->26645]>").path, "UNIX-STREAM:[26644->26645]");
	EXPECT_EQ(path_of("7<pid:21868>").path, "pid:21868");
	Path p = path_of("9</tmp/args-probe/a[b>(deleted)"); // a lone '[' in a path
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/tmp/args-probe/a[b");
	EXPECT_TRUE(p.deleted);
}

TEST(TraceArgsFdPath, SmallBuffer)
{
	Path p = path_of("3</memfd:mmsim-test>(deleted)", 7);
	ASSERT_EQ(p.rc, 0);
	EXPECT_EQ(p.path, "/memfd");
	EXPECT_TRUE(p.deleted);
}

TEST(TraceArgsFdPath, NoAnnotation)
{
	for (const char *text : { "3", "", "AT_FDCWD", "3</memfd:x", "\"3</x>\"",
				  "3</memfd:x\\>" }) {
		EXPECT_EQ(path_of(text).rc, -1) << text;
	}
}

// ---------------------------------------------------------------- named args, struct fields

TEST(TraceArgsNamed, CloneArguments)
{
	Text line("child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
		  "child_tidptr=0x7fe20a6eba10");
	trace_args a;
	trace_text v;
	uint64_t n;

	ASSERT_EQ(trace_args_split(line.get(), &a), 0);
	ASSERT_EQ(trace_arg_named(&a, "flags", &v), 0);
	EXPECT_EQ(str(v), "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
	ASSERT_EQ(trace_arg_flags(v, &trace_names_clone, &n), 0);
	EXPECT_EQ(n, (uint64_t)(CLONE_CHILD_CLEARTID_FLAG | CLONE_CHILD_SETTID_FLAG | 17));
	ASSERT_EQ(trace_arg_named(&a, "child_tidptr", &v), 0);
	ASSERT_EQ(trace_arg_int(v, &n), 0);
	EXPECT_EQ(n, 0x7fe20a6eba10u);
	EXPECT_EQ(trace_arg_named(&a, "child_stack", &v), 0);
	EXPECT_EQ(str(v), "NULL");
	// whole names only
	EXPECT_EQ(trace_arg_named(&a, "flag", &v), -1);
	EXPECT_EQ(trace_arg_named(&a, "child", &v), -1);
	EXPECT_EQ(trace_arg_named(&a, "tls", &v), -1);
}

TEST(TraceArgsNamed, AllNamedWithDashN)
{
	// strace 6.16+ -N: positional decoding sees through the names
	Text line("addr=NULL, length=8192, prot=PROT_READ, flags=MAP_SHARED, "
		  "fd=3</memfd:x>(deleted), offset=0");
	trace_args a;
	uint64_t v;

	ASSERT_EQ(trace_args_split(line.get(), &a), 0);
	ASSERT_EQ(a.n, 6u);
	EXPECT_EQ(trace_arg_int(a.arg[0], &v), 0);
	EXPECT_EQ(v, 0u);
	EXPECT_EQ(trace_arg_int(a.arg[1], &v), 0);
	EXPECT_EQ(v, 8192u);
	EXPECT_EQ(trace_arg_flags(a.arg[2], &trace_names_prot, &v), 0);
	EXPECT_EQ(v, 1u);
	EXPECT_EQ(trace_arg_flags(a.arg[3], &trace_names_map, &v), 0);
	EXPECT_EQ(v, 1u);
	EXPECT_EQ(trace_arg_int(a.arg[4], &v), 0);
	EXPECT_EQ(v, 3u);
	EXPECT_EQ(flags_of("op=F_ADD_SEALS", trace_names_fcntl_cmd), 1033u);
	EXPECT_EQ(flags_of("arg=F_SEAL_WRITE", trace_names_seals), 8u);
}

TEST(TraceArgsNamed, Clone3StructFields)
{
	const std::string clone3 =
		"{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
		"CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fe20a6ea990, "
		"parent_tid=0x7fe20a6ea990, exit_signal=0, stack=0x7fe209eea000, "
		"stack_size=0x7fff80, tls=0x7fe20a6ea6c0} => {parent_tid=[12953]}";
	Text t(clone3);
	trace_text f;
	uint64_t v;

	ASSERT_EQ(trace_struct_field(t.get(), "flags", &f), 0);
	ASSERT_EQ(trace_arg_flags(f, &trace_names_clone, &v), 0);
	EXPECT_EQ(v, 0x3d0f00u);
	ASSERT_EQ(trace_struct_field(t.get(), "exit_signal", &f), 0);
	ASSERT_EQ(trace_arg_flags(f, &trace_names_signal, &v), 0);
	EXPECT_EQ(v, 0u);
	ASSERT_EQ(trace_struct_field(t.get(), "stack_size", &f), 0);
	ASSERT_EQ(trace_arg_int(f, &v), 0);
	EXPECT_EQ(v, 0x7fff80u);
	// the value passed in, not the one written back after "=>"
	ASSERT_EQ(trace_struct_field(t.get(), "parent_tid", &f), 0);
	EXPECT_EQ(str(f), "0x7fe20a6ea990");
	ASSERT_EQ(trace_struct_field(t.get(), "tls", &f), 0);
	EXPECT_EQ(str(f), "0x7fe20a6ea6c0");
	EXPECT_EQ(trace_struct_field(t.get(), "set_tid", &f), -1);
	EXPECT_EQ(trace_struct_field(t.get(), "stack_siz", &f), -1);

	Text posix_spawn("{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, "
			 "stack=0x7f2748458000, stack_size=0x9000}");
	ASSERT_EQ(trace_struct_field(posix_spawn.get(), "exit_signal", &f), 0);
	ASSERT_EQ(trace_arg_flags(f, &trace_names_signal, &v), 0);
	EXPECT_EQ(v, (uint64_t)SIGCHLD);
}

TEST(TraceArgsNamed, StructFieldsAtTheTopOnly)
{
	Text t("{a=[1, 2], b={c=3, d=\"x,y}\"}, e=5 /* x, } */, ...}");
	trace_text f;

	ASSERT_EQ(trace_struct_field(t.get(), "a", &f), 0);
	EXPECT_EQ(str(f), "[1, 2]");
	ASSERT_EQ(trace_struct_field(t.get(), "b", &f), 0);
	EXPECT_EQ(str(f), "{c=3, d=\"x,y}\"}");
	ASSERT_EQ(trace_struct_field(t.get(), "e", &f), 0);
	EXPECT_EQ(str(f), "5 /* x, } */");
	EXPECT_EQ(trace_struct_field(t.get(), "c", &f), -1);
	EXPECT_EQ(trace_struct_field(t.get(), "d", &f), -1);
	Text named("args={x=1}");
	ASSERT_EQ(trace_struct_field(named.get(), "x", &f), 0);
	EXPECT_EQ(str(f), "1");
}

TEST(TraceArgsNamed, MalformedStructs)
{
	trace_text f;

	for (const char *text : { "", "{flags=1", "flags=1", "[flags=1]", "{flags=[1}", "{a=\"}" }) {
		Text t(text);
		EXPECT_EQ(trace_struct_field(t.get(), "flags", &f), -1) << text;
	}
}

// ---------------------------------------------------------------- name tables

namespace {

const trace_names *const all_tables[] = {
	&trace_names_prot,       &trace_names_map,         &trace_names_mremap,
	&trace_names_madv,       &trace_names_mfd,         &trace_names_seals,
	&trace_names_fcntl_cmd,  &trace_names_open,        &trace_names_clone,
	&trace_names_at,         &trace_names_falloc,      &trace_names_seek,
	&trace_names_close_range, &trace_names_pkey,       &trace_names_mseal,
	&trace_names_signal,     &trace_names_fd_flags,    &trace_names_shadow_stack,
	&trace_names_resolve,
};

} // namespace

// The binary search needs each table in strcmp order, without duplicates.
TEST(TraceNamesTables, SortedAndFindable)
{
	for (const trace_names *t : all_tables) {
		for (size_t i = 0; i < t->n; i++) {
			const trace_name &e = t->names[i];

			if (i) {
				EXPECT_LT(strcmp(t->names[i - 1].name, e.name), 0)
					<< t->what << ": " << e.name;
			}
			EXPECT_EQ(find(*t, e.name), e.value) << t->what << ": " << e.name;
		}
		EXPECT_EQ(find(*t, ""), bad) << t->what;
		EXPECT_EQ(find(*t, "ZZZZ"), bad) << t->what;
	}
}

TEST(TraceNamesTables, EnumerationsAndShifts)
{
	EXPECT_FALSE(trace_names_madv.flags);
	EXPECT_FALSE(trace_names_fcntl_cmd.flags);
	EXPECT_FALSE(trace_names_seek.flags);
	EXPECT_FALSE(trace_names_signal.flags);
	EXPECT_TRUE(trace_names_clone.flags);
	EXPECT_STREQ(trace_names_map.shift_name, "MAP_HUGE_SHIFT");
	EXPECT_EQ(trace_names_map.shift, 26u);
	EXPECT_STREQ(trace_names_mfd.shift_name, "MFD_HUGE_SHIFT");
	EXPECT_EQ(trace_names_mfd.shift, (unsigned)MFD_HUGE_SHIFT_BITS);
}

#define EXPECT_NAME(table, name) EXPECT_EQ(find(table, #name), (uint64_t)(name)) << #name

// The tables against the C library's and the model's headers: two
// independent copies of the same facts.
TEST(TraceNamesTables, ValuesMatchTheHeaders)
{
	EXPECT_NAME(trace_names_prot, PROT_NONE);
	EXPECT_NAME(trace_names_prot, PROT_READ);
	EXPECT_NAME(trace_names_prot, PROT_WRITE);
	EXPECT_NAME(trace_names_prot, PROT_EXEC);
	EXPECT_NAME(trace_names_prot, PROT_SEM);
	EXPECT_NAME(trace_names_prot, PROT_GROWSDOWN);
	EXPECT_NAME(trace_names_prot, PROT_GROWSUP);

	EXPECT_NAME(trace_names_map, MAP_SHARED);
	EXPECT_NAME(trace_names_map, MAP_PRIVATE);
	EXPECT_NAME(trace_names_map, MAP_SHARED_VALIDATE);
	EXPECT_NAME(trace_names_map, MAP_DROPPABLE);
	EXPECT_NAME(trace_names_map, MAP_FIXED);
	EXPECT_NAME(trace_names_map, MAP_ANONYMOUS);
	EXPECT_NAME(trace_names_map, MAP_32BIT);
	EXPECT_NAME(trace_names_map, MAP_ABOVE4G);
	EXPECT_NAME(trace_names_map, MAP_GROWSDOWN);
	EXPECT_NAME(trace_names_map, MAP_DENYWRITE);
	EXPECT_NAME(trace_names_map, MAP_EXECUTABLE);
	EXPECT_NAME(trace_names_map, MAP_LOCKED);
	EXPECT_NAME(trace_names_map, MAP_NORESERVE);
	EXPECT_NAME(trace_names_map, MAP_POPULATE);
	EXPECT_NAME(trace_names_map, MAP_NONBLOCK);
	EXPECT_NAME(trace_names_map, MAP_STACK);
	EXPECT_NAME(trace_names_map, MAP_HUGETLB);
	EXPECT_NAME(trace_names_map, MAP_SYNC);
	EXPECT_NAME(trace_names_map, MAP_FIXED_NOREPLACE);
	EXPECT_NAME(trace_names_map, MAP_UNINITIALIZED);
	EXPECT_NAME(trace_names_map, MAP_FILE);

	EXPECT_NAME(trace_names_mremap, MREMAP_MAYMOVE);
	EXPECT_NAME(trace_names_mremap, MREMAP_FIXED);
	EXPECT_NAME(trace_names_mremap, MREMAP_DONTUNMAP);

	EXPECT_NAME(trace_names_madv, MADV_NORMAL);
	EXPECT_NAME(trace_names_madv, MADV_RANDOM);
	EXPECT_NAME(trace_names_madv, MADV_SEQUENTIAL);
	EXPECT_NAME(trace_names_madv, MADV_WILLNEED);
	EXPECT_NAME(trace_names_madv, MADV_DONTNEED);
	EXPECT_NAME(trace_names_madv, MADV_FREE);
	EXPECT_NAME(trace_names_madv, MADV_REMOVE);
	EXPECT_NAME(trace_names_madv, MADV_DONTFORK);
	EXPECT_NAME(trace_names_madv, MADV_DOFORK);
	EXPECT_NAME(trace_names_madv, MADV_MERGEABLE);
	EXPECT_NAME(trace_names_madv, MADV_UNMERGEABLE);
	EXPECT_NAME(trace_names_madv, MADV_HUGEPAGE);
	EXPECT_NAME(trace_names_madv, MADV_NOHUGEPAGE);
	EXPECT_NAME(trace_names_madv, MADV_DONTDUMP);
	EXPECT_NAME(trace_names_madv, MADV_DODUMP);
	EXPECT_NAME(trace_names_madv, MADV_WIPEONFORK);
	EXPECT_NAME(trace_names_madv, MADV_KEEPONFORK);
	EXPECT_NAME(trace_names_madv, MADV_COLD);
	EXPECT_NAME(trace_names_madv, MADV_PAGEOUT);
	EXPECT_NAME(trace_names_madv, MADV_POPULATE_READ);
	EXPECT_NAME(trace_names_madv, MADV_POPULATE_WRITE);
	EXPECT_NAME(trace_names_madv, MADV_DONTNEED_LOCKED);
	EXPECT_NAME(trace_names_madv, MADV_COLLAPSE);
	EXPECT_NAME(trace_names_madv, MADV_HWPOISON);
	EXPECT_NAME(trace_names_madv, MADV_SOFT_OFFLINE);
	EXPECT_NAME(trace_names_madv, MADV_GUARD_INSTALL);
	EXPECT_NAME(trace_names_madv, MADV_GUARD_REMOVE);

	EXPECT_NAME(trace_names_mfd, MFD_CLOEXEC);
	EXPECT_NAME(trace_names_mfd, MFD_ALLOW_SEALING);
	EXPECT_NAME(trace_names_mfd, MFD_HUGETLB);
	EXPECT_NAME(trace_names_mfd, MFD_NOEXEC_SEAL);
	EXPECT_NAME(trace_names_mfd, MFD_EXEC);

	EXPECT_NAME(trace_names_seals, F_SEAL_SEAL);
	EXPECT_NAME(trace_names_seals, F_SEAL_SHRINK);
	EXPECT_NAME(trace_names_seals, F_SEAL_GROW);
	EXPECT_NAME(trace_names_seals, F_SEAL_WRITE);
	EXPECT_NAME(trace_names_seals, F_SEAL_FUTURE_WRITE);
	EXPECT_NAME(trace_names_seals, F_SEAL_EXEC);

	EXPECT_NAME(trace_names_fcntl_cmd, F_DUPFD);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETFD);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETFD);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETFL);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETFL);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETLK);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETLK);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETLKW);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETOWN);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETOWN);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETSIG);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETSIG);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETOWN_EX);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETOWN_EX);
	EXPECT_NAME(trace_names_fcntl_cmd, F_OFD_GETLK);
	EXPECT_NAME(trace_names_fcntl_cmd, F_OFD_SETLK);
	EXPECT_NAME(trace_names_fcntl_cmd, F_OFD_SETLKW);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETLEASE);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETLEASE);
	EXPECT_NAME(trace_names_fcntl_cmd, F_NOTIFY);
	EXPECT_NAME(trace_names_fcntl_cmd, F_DUPFD_CLOEXEC);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SETPIPE_SZ);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GETPIPE_SZ);
	EXPECT_NAME(trace_names_fcntl_cmd, F_ADD_SEALS);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GET_SEALS);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GET_RW_HINT);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SET_RW_HINT);
	EXPECT_NAME(trace_names_fcntl_cmd, F_GET_FILE_RW_HINT);
	EXPECT_NAME(trace_names_fcntl_cmd, F_SET_FILE_RW_HINT);
	// newer than this machine's headers (include/uapi/linux/fcntl.h)
	EXPECT_EQ(find(trace_names_fcntl_cmd, "F_DUPFD_QUERY"), 1027u);
	EXPECT_EQ(find(trace_names_fcntl_cmd, "F_CREATED_QUERY"), 1028u);
	EXPECT_EQ(find(trace_names_fcntl_cmd, "F_CANCELLK"), 1029u);

	// O_LARGEFILE is 0 in x86_64 glibc; the kernel's bit is 0100000
	EXPECT_EQ(find(trace_names_open, "O_LARGEFILE"), 0100000u);
	EXPECT_NAME(trace_names_open, O_RDONLY);
	EXPECT_NAME(trace_names_open, O_WRONLY);
	EXPECT_NAME(trace_names_open, O_RDWR);
	EXPECT_NAME(trace_names_open, O_ACCMODE);
	EXPECT_NAME(trace_names_open, O_CREAT);
	EXPECT_NAME(trace_names_open, O_EXCL);
	EXPECT_NAME(trace_names_open, O_NOCTTY);
	EXPECT_NAME(trace_names_open, O_TRUNC);
	EXPECT_NAME(trace_names_open, O_APPEND);
	EXPECT_NAME(trace_names_open, O_NONBLOCK);
	EXPECT_NAME(trace_names_open, O_DSYNC);
	EXPECT_NAME(trace_names_open, FASYNC);
	EXPECT_NAME(trace_names_open, O_DIRECT);
	EXPECT_NAME(trace_names_open, O_DIRECTORY);
	EXPECT_NAME(trace_names_open, O_NOFOLLOW);
	EXPECT_NAME(trace_names_open, O_NOATIME);
	EXPECT_NAME(trace_names_open, O_CLOEXEC);
	EXPECT_EQ(find(trace_names_open, "__O_SYNC"), 04000000u); // O_SYNC without O_DSYNC
	EXPECT_NAME(trace_names_open, O_SYNC);
	EXPECT_NAME(trace_names_open, O_PATH);
	EXPECT_EQ(find(trace_names_open, "__O_TMPFILE"), 020000000u); // O_TMPFILE without O_DIRECTORY
	EXPECT_NAME(trace_names_open, O_TMPFILE);

	EXPECT_EQ(find(trace_names_clone, "CLONE_VM"), CLONE_VM_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_FS"), CLONE_FS_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_FILES"), CLONE_FILES_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_SIGHAND"), CLONE_SIGHAND_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_PIDFD"), CLONE_PIDFD_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_PTRACE"), CLONE_PTRACE_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_VFORK"), CLONE_VFORK_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_PARENT"), CLONE_PARENT_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_THREAD"), CLONE_THREAD_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWNS"), CLONE_NEWNS_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_SYSVSEM"), CLONE_SYSVSEM_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_SETTLS"), CLONE_SETTLS_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_PARENT_SETTID"), CLONE_PARENT_SETTID_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_CHILD_CLEARTID"), CLONE_CHILD_CLEARTID_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_DETACHED"), CLONE_DETACHED_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_UNTRACED"), CLONE_UNTRACED_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_CHILD_SETTID"), CLONE_CHILD_SETTID_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWCGROUP"), CLONE_NEWCGROUP_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWUTS"), CLONE_NEWUTS_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWIPC"), CLONE_NEWIPC_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWUSER"), CLONE_NEWUSER_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWPID"), CLONE_NEWPID_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWNET"), CLONE_NEWNET_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_IO"), CLONE_IO_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_CLEAR_SIGHAND"), CLONE_CLEAR_SIGHAND_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_INTO_CGROUP"), CLONE_INTO_CGROUP_FLAG);
	EXPECT_EQ(find(trace_names_clone, "CLONE_NEWTIME"), CLONE_NEWTIME_FLAG);
	EXPECT_EQ(find(trace_names_clone, "SIGCHLD"), (uint64_t)SIGCHLD);

	EXPECT_NAME(trace_names_at, AT_SYMLINK_NOFOLLOW);
	EXPECT_NAME(trace_names_at, AT_REMOVEDIR);
	EXPECT_NAME(trace_names_at, AT_EACCESS);
	EXPECT_NAME(trace_names_at, AT_SYMLINK_FOLLOW);
	EXPECT_NAME(trace_names_at, AT_NO_AUTOMOUNT);
	EXPECT_NAME(trace_names_at, AT_EMPTY_PATH);
	EXPECT_NAME(trace_names_at, AT_STATX_FORCE_SYNC);
	EXPECT_NAME(trace_names_at, AT_STATX_DONT_SYNC);
	EXPECT_NAME(trace_names_at, AT_RECURSIVE);

	EXPECT_NAME(trace_names_falloc, FALLOC_FL_KEEP_SIZE);
	EXPECT_NAME(trace_names_falloc, FALLOC_FL_PUNCH_HOLE);
	EXPECT_NAME(trace_names_falloc, FALLOC_FL_NO_HIDE_STALE);
	EXPECT_NAME(trace_names_falloc, FALLOC_FL_COLLAPSE_RANGE);
	EXPECT_NAME(trace_names_falloc, FALLOC_FL_ZERO_RANGE);
	EXPECT_NAME(trace_names_falloc, FALLOC_FL_INSERT_RANGE);
	EXPECT_NAME(trace_names_falloc, FALLOC_FL_UNSHARE_RANGE);

	EXPECT_NAME(trace_names_seek, SEEK_SET);
	EXPECT_NAME(trace_names_seek, SEEK_CUR);
	EXPECT_NAME(trace_names_seek, SEEK_END);
	EXPECT_NAME(trace_names_seek, SEEK_DATA);
	EXPECT_NAME(trace_names_seek, SEEK_HOLE);

	EXPECT_NAME(trace_names_close_range, CLOSE_RANGE_UNSHARE);
	EXPECT_NAME(trace_names_close_range, CLOSE_RANGE_CLOEXEC);

	EXPECT_NAME(trace_names_pkey, PKEY_DISABLE_ACCESS);
	EXPECT_NAME(trace_names_pkey, PKEY_DISABLE_WRITE);

	EXPECT_NAME(trace_names_fd_flags, FD_CLOEXEC);
}

TEST(TraceNamesTables, SignalsAreX8664s)
{
	EXPECT_NAME(trace_names_signal, SIGHUP);
	EXPECT_NAME(trace_names_signal, SIGINT);
	EXPECT_NAME(trace_names_signal, SIGQUIT);
	EXPECT_NAME(trace_names_signal, SIGILL);
	EXPECT_NAME(trace_names_signal, SIGTRAP);
	EXPECT_NAME(trace_names_signal, SIGABRT);
	EXPECT_NAME(trace_names_signal, SIGBUS);
	EXPECT_NAME(trace_names_signal, SIGFPE);
	EXPECT_NAME(trace_names_signal, SIGKILL);
	EXPECT_NAME(trace_names_signal, SIGUSR1);
	EXPECT_NAME(trace_names_signal, SIGSEGV);
	EXPECT_NAME(trace_names_signal, SIGUSR2);
	EXPECT_NAME(trace_names_signal, SIGPIPE);
	EXPECT_NAME(trace_names_signal, SIGALRM);
	EXPECT_NAME(trace_names_signal, SIGTERM);
	EXPECT_NAME(trace_names_signal, SIGSTKFLT);
	EXPECT_NAME(trace_names_signal, SIGCHLD);
	EXPECT_NAME(trace_names_signal, SIGCONT);
	EXPECT_NAME(trace_names_signal, SIGSTOP);
	EXPECT_NAME(trace_names_signal, SIGTSTP);
	EXPECT_NAME(trace_names_signal, SIGTTIN);
	EXPECT_NAME(trace_names_signal, SIGTTOU);
	EXPECT_NAME(trace_names_signal, SIGURG);
	EXPECT_NAME(trace_names_signal, SIGXCPU);
	EXPECT_NAME(trace_names_signal, SIGXFSZ);
	EXPECT_NAME(trace_names_signal, SIGVTALRM);
	EXPECT_NAME(trace_names_signal, SIGPROF);
	EXPECT_NAME(trace_names_signal, SIGWINCH);
	EXPECT_NAME(trace_names_signal, SIGIO);
	EXPECT_NAME(trace_names_signal, SIGPWR);
	EXPECT_NAME(trace_names_signal, SIGSYS);
	// the kernel's SIGRTMIN (glibc's macro reserves two for itself)
	EXPECT_EQ(find(trace_names_signal, "SIGRTMIN"), (uint64_t)__SIGRTMIN);
	for (unsigned k = 1; k <= 32; k++) {
		std::string name = "SIGRT_" + std::to_string(k);
		EXPECT_EQ(find(trace_names_signal, name.c_str()), (uint64_t)__SIGRTMIN + k) << name;
	}
	EXPECT_EQ(find(trace_names_signal, "SIGRT_33"), bad);
	EXPECT_EQ(trace_names_signal.n, 64u);
}

// ---------------------------------------------------------------- errno

TEST(TraceNamesErrno, ByName)
{
	EXPECT_EQ(trace_errno_by_name("ENOMEM", 6), ENOMEM);
	EXPECT_EQ(trace_errno_by_name("EPERM", 5), EPERM);
	EXPECT_EQ(trace_errno_by_name("EHWPOISON", 9), EHWPOISON);
	EXPECT_EQ(trace_errno_by_name("ERESTARTSYS", 11), 512);
	EXPECT_EQ(trace_errno_by_name("ERESTARTNOINTR", 14), 513);
	EXPECT_EQ(trace_errno_by_name("ERESTARTNOHAND", 14), 514);
	EXPECT_EQ(trace_errno_by_name("ERESTART_RESTARTBLOCK", 21), 516);
	EXPECT_EQ(trace_errno_by_name("ERECALLCONFLICT", 15), 530);
	EXPECT_EQ(trace_errno_by_name("ERESTART", 8), 85);
	// not NUL-terminated: the length decides
	EXPECT_EQ(trace_errno_by_name("ENOMEM (Cannot allocate memory)", 6), ENOMEM);
	EXPECT_EQ(trace_errno_by_name("EBOGUS", 6), 0);
	EXPECT_EQ(trace_errno_by_name("ENOMEMX", 7), 0);
	EXPECT_EQ(trace_errno_by_name("ENOME", 5), 0);
	EXPECT_EQ(trace_errno_by_name("", 0), 0);
	EXPECT_EQ(trace_errno_by_name("EIO\0xx", 6), 0); // a NUL is no end of a name
}

TEST(TraceNamesErrno, BothWays)
{
	int named = 0;

	for (int err = -1; err < 700; err++) {
		const char *name = trace_errno_name(err);

		if (!name)
			continue;
		named++;
		EXPECT_EQ(trace_errno_by_name(name, strlen(name)), err) << name;
	}
	// 1-133 without 41 and 58; 512-531 without 520
	EXPECT_EQ(named, 131 + 19);
	EXPECT_EQ(trace_errno_name(0), nullptr);
	EXPECT_EQ(trace_errno_name(41), nullptr);
	EXPECT_EQ(trace_errno_name(520), nullptr);
	EXPECT_EQ(trace_errno_name(1 << 30), nullptr);
	EXPECT_STREQ(trace_errno_name(516), "ERESTART_RESTARTBLOCK");
}

// core/errno_name.c names what the model returns: the same names.
TEST(TraceNamesErrno, AgreesWithTheModel)
{
	for (int err = 1; err < 700; err++) {
		const char *model = errno_name(err);

		if (model) {
			EXPECT_STREQ(trace_errno_name(err), model) << err;
		}
	}
}

#define EXPECT_ERRNO(e) EXPECT_EQ(trace_errno_by_name(#e, strlen(#e)), e) << #e

TEST(TraceNamesErrno, ValuesMatchTheHeaders)
{
	EXPECT_ERRNO(EPERM);
	EXPECT_ERRNO(ENOENT);
	EXPECT_ERRNO(ESRCH);
	EXPECT_ERRNO(EINTR);
	EXPECT_ERRNO(EIO);
	EXPECT_ERRNO(ENXIO);
	EXPECT_ERRNO(E2BIG);
	EXPECT_ERRNO(ENOEXEC);
	EXPECT_ERRNO(EBADF);
	EXPECT_ERRNO(ECHILD);
	EXPECT_ERRNO(EAGAIN);
	EXPECT_ERRNO(ENOMEM);
	EXPECT_ERRNO(EACCES);
	EXPECT_ERRNO(EFAULT);
	EXPECT_ERRNO(EBUSY);
	EXPECT_ERRNO(EEXIST);
	EXPECT_ERRNO(EXDEV);
	EXPECT_ERRNO(ENODEV);
	EXPECT_ERRNO(ENOTDIR);
	EXPECT_ERRNO(EISDIR);
	EXPECT_ERRNO(EINVAL);
	EXPECT_ERRNO(ENFILE);
	EXPECT_ERRNO(EMFILE);
	EXPECT_ERRNO(ENOTTY);
	EXPECT_ERRNO(ETXTBSY);
	EXPECT_ERRNO(EFBIG);
	EXPECT_ERRNO(ENOSPC);
	EXPECT_ERRNO(ESPIPE);
	EXPECT_ERRNO(EROFS);
	EXPECT_ERRNO(EPIPE);
	EXPECT_ERRNO(ERANGE);
	EXPECT_ERRNO(EDEADLK);
	EXPECT_ERRNO(ENAMETOOLONG);
	EXPECT_ERRNO(ENOSYS);
	EXPECT_ERRNO(ELOOP);
	EXPECT_ERRNO(EOVERFLOW);
	EXPECT_ERRNO(EOPNOTSUPP);
	EXPECT_ERRNO(ETIMEDOUT);
	EXPECT_ERRNO(ECANCELED);
	EXPECT_ERRNO(EOWNERDEAD);
	EXPECT_ERRNO(ERFKILL);
	EXPECT_ERRNO(EHWPOISON);
}

// ---------------------------------------------------------------- syscalls

#define EXPECT_SYSCALL(name)                                                          \
	do {                                                                           \
		EXPECT_EQ(trace_syscall_nr(#name, strlen(#name)), __NR_##name) << #name; \
		EXPECT_STREQ(trace_syscall_name(__NR_##name), #name);                  \
	} while (0)

TEST(TraceNamesSyscall, TheCallsReplayKnows)
{
	EXPECT_SYSCALL(mmap);
	EXPECT_SYSCALL(munmap);
	EXPECT_SYSCALL(mprotect);
	EXPECT_SYSCALL(pkey_mprotect);
	EXPECT_SYSCALL(pkey_alloc);
	EXPECT_SYSCALL(pkey_free);
	EXPECT_SYSCALL(mremap);
	EXPECT_SYSCALL(madvise);
	EXPECT_SYSCALL(brk);
	EXPECT_SYSCALL(mseal);
	EXPECT_SYSCALL(memfd_create);
	EXPECT_SYSCALL(fcntl);
	EXPECT_SYSCALL(close);
	EXPECT_SYSCALL(close_range);
	EXPECT_SYSCALL(dup);
	EXPECT_SYSCALL(dup2);
	EXPECT_SYSCALL(dup3);
	EXPECT_SYSCALL(ftruncate);
	EXPECT_SYSCALL(fchmod);
	EXPECT_SYSCALL(fallocate);
	EXPECT_SYSCALL(read);
	EXPECT_SYSCALL(pread64);
	EXPECT_SYSCALL(write);
	EXPECT_SYSCALL(pwrite64);
	EXPECT_SYSCALL(lseek);
	EXPECT_SYSCALL(open);
	EXPECT_SYSCALL(openat);
	EXPECT_SYSCALL(openat2);
	EXPECT_SYSCALL(execve);
	EXPECT_SYSCALL(execveat);
	EXPECT_SYSCALL(fork);
	EXPECT_SYSCALL(vfork);
	EXPECT_SYSCALL(clone);
	EXPECT_SYSCALL(clone3);
	EXPECT_SYSCALL(unshare);
	EXPECT_SYSCALL(exit);
	EXPECT_SYSCALL(exit_group);
	EXPECT_SYSCALL(newfstatat);
	EXPECT_SYSCALL(set_mempolicy_home_node); // the last one this machine's headers know
	EXPECT_EQ(trace_syscall_nr("map_shadow_stack", 16), 453);
	EXPECT_EQ(trace_syscall_nr("file_setattr", 12), 469);
	EXPECT_EQ(trace_syscall_nr("_sysctl", 7), 156);
	EXPECT_EQ(NR_MSEAL, 462);
	EXPECT_STREQ(trace_syscall_name(NR_MSEAL), "mseal");
}

TEST(TraceNamesSyscall, GenericNamesByNumber)
{
	EXPECT_EQ(trace_syscall_nr("syscall_0x1ce", 13), 462); // mseal before strace 6.10
	EXPECT_EQ(trace_syscall_nr("syscall_0x1c5", 13), 453); // map_shadow_stack before 6.6
	EXPECT_EQ(trace_syscall_nr("syscall_462", 11), 462);
	EXPECT_EQ(trace_syscall_nr("syscall_0x400001ce", 18), 0x400001ce); // x32
	EXPECT_EQ(trace_syscall_nr("syscall_0xABC", 13), 0xabc);
	EXPECT_EQ(trace_syscall_nr("syscall_0x7fffffff", 18), 0x7fffffff);
	EXPECT_EQ(trace_syscall_nr("syscall_0x80000000", 18), -1);
	EXPECT_EQ(trace_syscall_nr("syscall_0x", 10), -1);
	EXPECT_EQ(trace_syscall_nr("syscall_", 8), -1);
	EXPECT_EQ(trace_syscall_nr("syscall_0xzz", 12), -1);
	EXPECT_EQ(trace_syscall_nr("syscall_12a", 11), -1);
	EXPECT_EQ(trace_syscall_nr("syscall", 7), -1);
	EXPECT_EQ(trace_syscall_nr("bogus", 5), -1);
	EXPECT_EQ(trace_syscall_nr("mmapx", 5), -1);
	EXPECT_EQ(trace_syscall_nr("", 0), -1);
	EXPECT_EQ(trace_syscall_nr("read\0", 5), -1);
	// not NUL-terminated: the length decides
	EXPECT_EQ(trace_syscall_nr("mmap(NULL, 4096", 4), 9);
	EXPECT_EQ(trace_syscall_nr("syscall_0x1ce(0, 0)", 13), 462);
}

TEST(TraceNamesSyscall, BothWays)
{
	int named = 0;

	for (int nr = -1; nr < 1000; nr++) {
		const char *name = trace_syscall_name(nr);

		if (!name)
			continue;
		named++;
		EXPECT_EQ(trace_syscall_nr(name, strlen(name)), nr) << name;
	}
	// 0-334, 424-470
	EXPECT_EQ(named, 335 + 47);
	EXPECT_EQ(trace_syscall_name(335), nullptr);
	EXPECT_EQ(trace_syscall_name(471), nullptr);
	EXPECT_EQ(trace_syscall_name(-1), nullptr);
}
