// mmsim conform's engine (syscalls/conform.h), piece by piece:
//
//   ConformText     the strace-like text of calls and sequences reads back
//   ConformSafety   conform_call_safe: what may run in the live child
//   ConformGen      the generator: deterministic per seed, always safe,
//                   reaches every call kind
//   ConformShrink   the shrinker, against synthetic failure predicates
//   ConformLive     the live runner in a forked child, without the model
//   ConformReplay   pasted sequences on both sides: the model must agree
//                   with this machine's kernel (most were mismatches mmsim
//                   conform found, shrunk as it printed them)
//
// The window used throughout:
//
//   W = 0x400000000000 (CONFORM_DEFAULT_BASE), 64 pages, 16-page margins
//   page   0 1 2 3 ...                                             63
//          |<------------------- window ---------------------------->|

#include <gtest/gtest.h>

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "syscalls/conform.h"
#include "syscalls/uapi.h"

namespace {

constexpr uint64_t W = CONFORM_DEFAULT_BASE;
constexpr uint64_t P = 4096;

std::string Format(const conform_call &c)
{
	char buf[512];

	conform_call_format(&c, buf, sizeof(buf));
	return buf;
}

conform_call Call(int nr, std::vector<uint64_t> args)
{
	conform_call c;

	memset(&c, 0, sizeof(c));
	c.nr = nr;
	for (size_t i = 0; i < args.size() && i < 6; i++)
		c.arg[i] = args[i];
	return c;
}

// A parsed sequence that frees itself.
struct Seq {
	conform_seq s;
	Seq() { conform_seq_init(&s, W, CONFORM_DEFAULT_PAGES); }
	explicit Seq(const std::string &text)
	{
		char err[256];

		if (conform_seq_parse(text.c_str(), &s, err, sizeof(err)) != 0)
			ADD_FAILURE() << "parse: " << err << "\n" << text;
	}
	~Seq() { conform_seq_free(&s); }
	Seq(const Seq &) = delete;
	Seq &operator=(const Seq &) = delete;

	void Add(const conform_call &c) { conform_seq_push(&s, &c); }
	std::string Text() const
	{
		char *t = conform_seq_format(&s, nullptr, 0);
		std::string r = t ? t : "";
		free(t);
		return r;
	}
};

conform_gen_opts AllFeatures(uint64_t heap_start = 0)
{
	conform_gen_opts o;

	memset(&o, 0, sizeof(o));
	o.base = W;
	o.pages = CONFORM_DEFAULT_PAGES;
	o.calls = 30;
	o.feat.mseal = o.feat.fixed_noreplace = o.feat.guard = o.feat.fill = true;
	o.feat.brk = heap_start != 0;
	o.heap_start = heap_start;
	o.heap_below = 8;
	return o;
}

// ---- ConformText ------------------------------------------------------------

// One call of every kind, with the flags spelled as strace spells them.
const char *const kEveryCall[] = {
	"mmap(0x400000001000, 0x2000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)",
	"mmap(NULL, 0x1000, PROT_NONE, MAP_SHARED|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0)",
	"mmap(0x400000001000, 0x1000, PROT_EXEC|PROT_SEM, MAP_DROPPABLE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0x800)",
	"mmap(0x400000001000, 0x1000, PROT_READ|0x10, 0xc|MAP_ANONYMOUS|MAP_GROWSDOWN|MAP_LOCKED|MAP_POPULATE, -1, 0)",
	"mmap(0x400000001000, 0x1000, PROT_READ, MAP_FIXED|MAP_ANONYMOUS, -1, 0)",
	"munmap(0x400000001000, 0xfff)",
	"mprotect(0x400000003000, 0x1000, PROT_READ|PROT_GROWSDOWN)",
	"pkey_mprotect(0x400000003000, 0x1000, PROT_READ, -1)",
	"pkey_alloc(0, PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE)",
	"pkey_free(-1)",
	"mremap(0x400000001000, 0x2000, 0x1000, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x400000020000)",
	"mremap(0x400000001000, 0, 0x1000, 0, NULL)",
	"madvise(0x400000001000, 0x1000, MADV_GUARD_INSTALL)",
	"madvise(0x400000001000, 0x1000, 99)",
	"brk(NULL)",
	"brk(0x400000005001)",
	"mseal(0x400000001000, 0xffffffffffffffff, 0x1)",
	"touch(0x400000001234, write)",
	"touch(0x400000001000, read)",
	"fill(max-3)",
	"fill(max+1)",
	"fill(max)",
};

TEST(ConformText, EveryCallKindReadsBack)
{
	for (const char *line : kEveryCall) {
		conform_call c;
		char err[256] = "";

		ASSERT_EQ(conform_call_parse(line, &c, err, sizeof(err)), 0) << line << ": " << err;
		EXPECT_EQ(Format(c), line);
	}
}

TEST(ConformText, FieldsLandInTheirArguments)
{
	conform_call c;
	char err[256];

	ASSERT_EQ(conform_call_parse(kEveryCall[0], &c, err, sizeof(err)), 0);
	EXPECT_EQ(c.nr, NR_MMAP);
	EXPECT_EQ(c.arg[0], W + P);
	EXPECT_EQ(c.arg[1], 2 * P);
	EXPECT_EQ(c.arg[2], uint64_t{PROT_READ | PROT_WRITE});
	EXPECT_EQ(c.arg[3], uint64_t{MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS});
	EXPECT_EQ(c.arg[4], UINT64_MAX);
	ASSERT_EQ(conform_call_parse("fill(max-3)", &c, err, sizeof(err)), 0);
	EXPECT_EQ(c.nr, CONFORM_FILL);
	EXPECT_EQ(static_cast<int64_t>(c.arg[0]), 3);
	ASSERT_EQ(conform_call_parse("fill(max+1)", &c, err, sizeof(err)), 0);
	EXPECT_EQ(static_cast<int64_t>(c.arg[0]), -1);
	ASSERT_EQ(conform_call_parse("touch(0x400000001234, write)", &c, err, sizeof(err)), 0);
	EXPECT_EQ(c.nr, CONFORM_TOUCH);
	EXPECT_EQ(c.arg[1], 1u);
}

// Lines as strace prints them: decimal lengths, results, 4-argument
// mremap, unknown values written as numbers with a comment.
TEST(ConformText, ReadsStraceLines)
{
	struct {
		const char *line;
		int nr;
		uint64_t arg[5];
	} cases[] = {
		{ "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f85dd0a6000",
		  NR_MMAP, { 0, 8192, 3, 0x22, UINT64_MAX } },
		{ "mmap(NULL, 4096, PROT_READ|PROT_WRITE, 0x8 /* MAP_??? */|MAP_ANONYMOUS, -1, 0) = 0x7f85dd0a6000",
		  NR_MMAP, { 0, 4096, 3, 0x28, UINT64_MAX } },
		{ "mremap(0x7f94fe0d5000, 16384, 32768, MREMAP_MAYMOVE) = 0x7f94fdee1000",
		  NR_MREMAP, { 0x7f94fe0d5000, 16384, 32768, 1, 0 } },
		{ "madvise(0x7f85dd0a9000, 4096, 0x66 /* MADV_??? */) = 0",
		  NR_MADVISE, { 0x7f85dd0a9000, 4096, 0x66 } },
		{ "munmap(0x7f85dcdbc000, 16384)           = -1 EPERM (Operation not permitted)",
		  NR_MUNMAP, { 0x7f85dcdbc000, 16384 } },
		{ "mseal(0x7f85dcdbc000, 8192, 0) = 0", NR_MSEAL, { 0x7f85dcdbc000, 8192, 0 } },
		{ "pkey_mprotect(0x7f85dd0a9000, 4096, PROT_READ, -1) = 0",
		  NR_PKEY_MPROTECT, { 0x7f85dd0a9000, 4096, 1, UINT64_MAX } },
		{ "brk(NULL) = 0x55b08b48f000", NR_BRK, { 0 } },
	};

	for (const auto &t : cases) {
		conform_call c;
		char err[256] = "";

		ASSERT_EQ(conform_call_parse(t.line, &c, err, sizeof(err)), 0) << t.line << ": " << err;
		EXPECT_EQ(c.nr, t.nr) << t.line;
		for (int i = 0; i < 5; i++)
			EXPECT_EQ(c.arg[i], t.arg[i]) << t.line << " argument " << i;
	}
}

TEST(ConformText, PointsAtTheError)
{
	conform_call c;
	char err[256] = "";

	// mprotect(0x400000001000, 0x1000, PROT_BOGUS)
	//                                   ^ column 34
	EXPECT_EQ(conform_call_parse("mprotect(0x400000001000, 0x1000, PROT_BOGUS)", &c, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "column 34: unknown name 'PROT_BOGUS'");
	EXPECT_EQ(conform_call_parse("mlock(0x1000, 0x1000)", &c, err, sizeof(err)), -1);
	EXPECT_NE(std::string(err).find("column 1: expected a call"), std::string::npos) << err;
	EXPECT_EQ(conform_call_parse("munmap(0x1000, 0x1000) junk", &c, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "column 24: unexpected text after the call");

	conform_seq s;
	EXPECT_EQ(conform_seq_parse("window 0x400000000000 64\n\nmunmap(0x1000)\n", &s, err, sizeof(err)), -1);
	EXPECT_STREQ(err, "line 3, column 14: expected ','");
	EXPECT_EQ(conform_seq_parse("window 0x400000000001 64\n", &s, err, sizeof(err)), -1);
	EXPECT_NE(std::string(err).find("line 1,"), std::string::npos) << err;
	EXPECT_EQ(conform_seq_parse("munmap(0x400000000000, 0x1000)\nwindow 0x400000000000 64\n", &s, err,
				    sizeof(err)), -1);
	EXPECT_NE(std::string(err).find("line 2,"), std::string::npos) << err;
}

// Every proper prefix of a call is incomplete, never silently accepted.
TEST(ConformText, EveryPrefixIsAnError)
{
	for (const char *line : kEveryCall) {
		std::string full = line;

		for (size_t n = 0; n < full.size(); n++) {
			conform_call c;
			char err[256];

			EXPECT_EQ(conform_call_parse(full.substr(0, n).c_str(), &c, err, sizeof(err)), -1)
				<< "prefix accepted: " << full.substr(0, n);
		}
	}
}

TEST(ConformText, GeneratedSequencesReadBack)
{
	conform_gen_opts o = AllFeatures(0x555500000000);

	for (uint64_t seed = 1; seed <= 300; seed++) {
		conform_seq s;
		ASSERT_EQ(conform_gen(&s, &o, seed), 0);
		std::vector<int64_t> rets(s.n);
		for (size_t i = 0; i < s.n; i++)
			rets[i] = i % 3 == 0 ? -1 : i % 3 == 1 ? 0x400000001000 : 0;
		char *text = conform_seq_format(&s, rets.data(), rets.size());
		ASSERT_NE(text, nullptr);

		Seq back(text);
		EXPECT_EQ(back.s.base, s.base);
		EXPECT_EQ(back.s.pages, s.pages);
		EXPECT_EQ(back.s.heap, s.heap);
		ASSERT_EQ(back.s.n, s.n) << text;
		for (size_t i = 0; i < s.n; i++) {
			EXPECT_EQ(back.s.calls[i].nr, s.calls[i].nr) << Format(s.calls[i]);
			for (int k = 0; k < 6; k++)
				EXPECT_EQ(back.s.calls[i].arg[k], s.calls[i].arg[k]) << Format(s.calls[i]);
		}
		free(text);
		conform_seq_free(&s);
	}
}

TEST(ConformText, RelocateMovesOnlyWindowAddresses)
{
	Seq s("window 0x400000000000 64\n"
	      "heap 0x400000002000\n"
	      "mmap(0x400000001000, 0x2000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
	      "mmap(0x7ffffffff000, 0x2000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
	      "mremap(0x400000001000, 0x1000, 0x1000, MREMAP_MAYMOVE|MREMAP_FIXED, 0x400000030000)\n"
	      "brk(0x400000004000)\n"
	      "brk(0x1000)\n"
	      "munmap(0x3ffffffff000, 0x2000)\n");

	conform_seq_relocate(&s.s, 0x555500000000);
	EXPECT_EQ(s.Text(), "window 0x555500000000 64\n"
			    "heap 0x555500002000\n"
			    "mmap(0x555500001000, 0x2000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			    "mmap(0x7ffffffff000, 0x2000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			    "mremap(0x555500001000, 0x1000, 0x1000, MREMAP_MAYMOVE|MREMAP_FIXED, 0x555500030000)\n"
			    "brk(0x555500004000)\n"
			    "brk(0x1000)\n"
			    "munmap(0x5554fffff000, 0x2000)\n");
}

// ---- ConformSafety ------------------------------------------------------------

// Pairs: a call that could change memory outside the reserved region, and
// its control inside it.
TEST(ConformSafety, RefusesWhatCouldEscapeAndAcceptsItsControl)
{
	struct {
		const char *unsafe, *safe;
	} pairs[] = {
		{ "munmap(0x400000000000, 0x10000000)", "munmap(0x400000000000, 0x50000)" },
		{ "mprotect(0x400000000000, 0x100000, PROT_READ)", "mprotect(0x400000000000, 0x50000, PROT_READ)" },
		{ "madvise(0x400000006000, 0x8000000000000000, MADV_DONTNEED)",
		  "madvise(0x400000006000, 0xfffffffffffff000, MADV_DONTNEED)" },
		{ "madvise(0x400000006000, 0x1000, MADV_HWPOISON)", "madvise(0x400000006000, 0x1000, MADV_COLD)" },
		{ "mseal(0x400000000000, 0x8000000000000000, 0)", "mseal(0x400000000000, 0x8000000000000000, 0x1)" },
		{ "mmap(0x400000040000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)",
		  "mmap(0x40000003f000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)" },
		{ "mmap(0x7ffff0000000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)",
		  "mmap(NULL, 0x1000, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)" },
		// fd 1 is mmsim's output; 3 and up are the sequence's own
		{ "mmap(0x400000000000, 0x1000, PROT_READ, MAP_PRIVATE, 1, 0)",
		  "mmap(0x400000000000, 0x1000, PROT_READ, MAP_PRIVATE, 3, 0)" },
		{ "mremap(0x400000000000, 0x1000, 0x2000, MREMAP_MAYMOVE|MREMAP_FIXED, 0x400000100000)",
		  "mremap(0x400000000000, 0x1000, 0x2000, MREMAP_MAYMOVE|MREMAP_FIXED, 0x400000030000)" },
		{ "mremap(0x40000003f000, 0x1000, 0x2000, 0, NULL)", "mremap(0x40000003e000, 0x1000, 0x2000, 0, NULL)" },
		{ "brk(0x400000050000)", "brk(0x900000000000)" },
		{ "touch(0x3ffffffff000, write)", "touch(0x400000000000, write)" },
	};

	for (const auto &p : pairs) {
		conform_call bad, good;
		char err[256];
		const char *why = nullptr;
		Seq s;

		ASSERT_EQ(conform_call_parse(p.unsafe, &bad, err, sizeof(err)), 0) << err;
		ASSERT_EQ(conform_call_parse(p.safe, &good, err, sizeof(err)), 0) << err;
		EXPECT_FALSE(conform_call_safe(&bad, &s.s, false, &why)) << p.unsafe;
		EXPECT_NE(why, nullptr) << p.unsafe;
		EXPECT_TRUE(conform_call_safe(&good, &s.s, false, &why)) << p.safe << ": " << (why ? why : "");
	}
}

// With a heap window brk may move inside the window, never beyond it.
TEST(ConformSafety, BrkStaysInTheHeapWindow)
{
	Seq heap("window 0x400000000000 64\nheap 0x400000004000\n");
	Seq plain("window 0x400000000000 64\n");
	conform_call grow = Call(NR_BRK, { W + 64 * P });
	conform_call beyond = Call(NR_BRK, { W + 65 * P });

	EXPECT_TRUE(conform_call_safe(&grow, &heap.s, false, nullptr));
	EXPECT_FALSE(conform_call_safe(&beyond, &heap.s, false, nullptr));
	EXPECT_FALSE(conform_call_safe(&grow, &plain.s, false, nullptr));
}

// ---- ConformGen -----------------------------------------------------------------

TEST(ConformGen, SameSeedSameSequence)
{
	conform_gen_opts o = AllFeatures(0x555500000000);

	for (uint64_t seed : { 1ull, 42ull, 0xdeadbeefull }) {
		conform_seq a, b;

		ASSERT_EQ(conform_gen(&a, &o, seed), 0);
		ASSERT_EQ(conform_gen(&b, &o, seed), 0);
		char *ta = conform_seq_format(&a, nullptr, 0), *tb = conform_seq_format(&b, nullptr, 0);
		EXPECT_STREQ(ta, tb);
		free(ta);
		free(tb);
		conform_seq_free(&a);
		conform_seq_free(&b);
	}
}

TEST(ConformGen, DifferentSeedsDiffer)
{
	conform_gen_opts o = AllFeatures();
	std::set<std::string> seen;

	for (uint64_t seed = 0; seed < 50; seed++) {
		conform_seq s;

		ASSERT_EQ(conform_gen(&s, &o, conform_mix(seed)), 0);
		char *t = conform_seq_format(&s, nullptr, 0);
		seen.insert(t);
		free(t);
		conform_seq_free(&s);
	}
	EXPECT_EQ(seen.size(), 50u);
}

// The live child refuses unsafe sequences anyway; the generator must not
// produce any.
TEST(ConformGen, EveryCallIsSafe)
{
	for (uint64_t heap : { 0ull, 0x555500000000ull }) {
		conform_gen_opts o = AllFeatures(heap);

		for (uint64_t seed = 0; seed < 3000; seed++) {
			conform_seq s;

			ASSERT_EQ(conform_gen(&s, &o, conform_mix(seed)), 0);
			EXPECT_EQ(s.n, o.calls);
			for (size_t i = 0; i < s.n; i++) {
				const char *why = nullptr;

				EXPECT_TRUE(conform_call_safe(&s.calls[i], &s, false, &why))
					<< "seed " << seed << ": " << Format(s.calls[i]) << ": " << why;
			}
			conform_seq_free(&s);
		}
	}
}

// Over a few hundred sequences every call kind shows up, and so do heap
// windows, fills, argument-check paths and placements left to the kernel.
TEST(ConformGen, ReachesEveryCallKind)
{
	conform_gen_opts o = AllFeatures(0x555500000000);
	std::set<int> kinds;
	unsigned heaps = 0, unaligned = 0, nohint = 0, advice_invalid = 0;

	for (uint64_t seed = 0; seed < 500; seed++) {
		conform_seq s;

		ASSERT_EQ(conform_gen(&s, &o, conform_mix(seed)), 0);
		heaps += s.heap != 0;
		for (size_t i = 0; i < s.n; i++) {
			const conform_call &c = s.calls[i];

			kinds.insert(c.nr);
			unaligned += c.nr != CONFORM_TOUCH && c.nr != CONFORM_FILL && c.nr != NR_BRK &&
				     (c.arg[0] & 0xfff) != 0;
			nohint += c.nr == NR_MMAP && c.arg[0] == 0;
			advice_invalid += c.nr == NR_MADVISE && (c.arg[2] == 5 || c.arg[2] == 99);
		}
		conform_seq_free(&s);
	}
	for (int nr : std::initializer_list<int>{ NR_MMAP, NR_MUNMAP, NR_MPROTECT, NR_PKEY_MPROTECT,
			NR_PKEY_ALLOC, NR_PKEY_FREE, NR_MREMAP, NR_MADVISE,
			NR_BRK, NR_MSEAL, CONFORM_TOUCH, CONFORM_FILL })
		EXPECT_TRUE(kinds.count(nr)) << conform_call_name(nr);
	EXPECT_GT(heaps, 150u);
	EXPECT_GT(unaligned, 50u);
	EXPECT_GT(nohint, 20u);
	EXPECT_GT(advice_invalid, 2u);
}

TEST(ConformGen, LeavesOutWhatTheKernelLacks)
{
	conform_gen_opts o = AllFeatures();

	o.feat.mseal = o.feat.guard = o.feat.fill = false;
	for (uint64_t seed = 0; seed < 300; seed++) {
		conform_seq s;

		ASSERT_EQ(conform_gen(&s, &o, conform_mix(seed)), 0);
		for (size_t i = 0; i < s.n; i++) {
			const conform_call &c = s.calls[i];

			EXPECT_NE(c.nr, NR_MSEAL);
			EXPECT_NE(c.nr, CONFORM_FILL);
			EXPECT_FALSE(c.nr == NR_MADVISE && (c.arg[2] == 102 || c.arg[2] == 103));
		}
		EXPECT_EQ(s.heap, 0u);
		conform_seq_free(&s);
	}
}

// ---- ConformShrink ------------------------------------------------------------------

// Fails while an mseal of page 5 comes before an munmap of page 5.
bool SealThenUnmap(const conform_seq *s, void *)
{
	bool sealed = false;

	for (size_t i = 0; i < s->n; i++) {
		const conform_call &c = s->calls[i];

		if (c.nr == NR_MSEAL && c.arg[0] == W + 5 * P)
			sealed = true;
		if (sealed && c.nr == NR_MUNMAP && c.arg[0] == W + 5 * P)
			return true;
	}
	return false;
}

TEST(ConformShrink, KeepsOnlyTheCallsThatMatter)
{
	conform_gen_opts o = AllFeatures();
	conform_seq s;

	o.feat.mseal = false;   // no stray mseal of page 5
	ASSERT_EQ(conform_gen(&s, &o, 7), 0);
	conform_call seal = Call(NR_MSEAL, { W + 5 * P, 3 * P + 17, 0 });
	conform_call unmap = Call(NR_MUNMAP, { W + 5 * P, 2 * P });
	conform_seq_push(&s, &seal);
	for (int i = 0; i < 20; i++) {
		conform_call touch = Call(CONFORM_TOUCH, { W + i * P, 1 });
		conform_seq_push(&s, &touch);
	}
	conform_seq_push(&s, &unmap);
	ASSERT_TRUE(SealThenUnmap(&s, nullptr));

	conform_shrink_stats st;
	conform_shrink(&s, SealThenUnmap, nullptr, 10000, &st);
	char *t = conform_seq_format(&s, nullptr, 0);
	// both lengths become one page: the predicate does not look at them
	EXPECT_STREQ(t, "window 0x400000000000 64\n"
			"mseal(0x400000005000, 0x1000, 0)\n"
			"munmap(0x400000005000, 0x1000)\n");
	EXPECT_EQ(st.from, 52u);
	EXPECT_EQ(st.to, 2u);
	EXPECT_LT(st.tries, 10000u);
	free(t);
	conform_seq_free(&s);
}

// Fails while some mmap at page 3 is there: the flags get stripped.
bool MmapAtPage3(const conform_seq *s, void *)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->calls[i].nr == NR_MMAP && s->calls[i].arg[0] == W + 3 * P)
			return true;
	return false;
}

TEST(ConformShrink, SimplifiesArguments)
{
	Seq s("mmap(0x400000000000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
	      "mmap(0x400000003000, 0x4321, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_SHARED|MAP_ANONYMOUS|"
	      "MAP_FIXED_NOREPLACE|MAP_NORESERVE|MAP_POPULATE|MAP_LOCKED, -1, 0)\n"
	      "touch(0x400000003123, write)\n");

	conform_shrink(&s.s, MmapAtPage3, nullptr, 1000, nullptr);
	EXPECT_EQ(s.Text(), "window 0x400000000000 64\n"
			    "mmap(0x400000003000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n");
}

unsigned calls_seen;

bool CountAndFail(const conform_seq *, void *)
{
	calls_seen++;
	return false;
}

TEST(ConformShrink, StaysWithinItsBudget)
{
	conform_gen_opts o = AllFeatures();
	conform_seq s;
	conform_shrink_stats st;

	ASSERT_EQ(conform_gen(&s, &o, 3), 0);
	calls_seen = 0;
	conform_shrink(&s, CountAndFail, nullptr, 25, &st);
	EXPECT_EQ(calls_seen, 25u);
	EXPECT_EQ(st.tries, 25u);
	EXPECT_EQ(s.n, 30u);   // nothing still failed: nothing removed
	conform_seq_free(&s);
}

// ---- ConformCompare ---------------------------------------------------------------

TEST(ConformCompare, ShmemInodesCountFromOne)
{
	conform_run r;
	memset(&r, 0, sizeof(r));
	conform_obs obs[2];
	memset(obs, 0, sizeof(obs));
	obs[0].maps = strdup("400000001000-400000002000 rw-s 00000000 00:01 4711                       /dev/zero (deleted)\n"
			     "VmFlags: rd wr sh mr mw me ms \n");
	obs[1].maps = strdup("400000001000-400000002000 rw-s 00000000 00:01 99                         /dev/zero (deleted)\n"
			     "VmFlags: rd wr sh mr mw me ms \n"
			     "400000002000-400000003000 rw-s 00001000 00:01 4711                       /dev/zero (deleted)\n"
			     "VmFlags: rd wr sh mr mw me ms \n"
			     "400000003000-400000004000 rw-p 00000000 00:00 0 \n");
	r.obs = obs;
	r.n = 2;
	ASSERT_EQ(conform_normalise(&r), 0);
	EXPECT_STREQ(obs[0].maps,
		     "400000001000-400000002000 rw-s 00000000 00:01 #1                         /dev/zero (deleted)\n"
		     "VmFlags: rd wr sh mr mw me ms \n");
	EXPECT_STREQ(obs[1].maps,
		     "400000001000-400000002000 rw-s 00000000 00:01 #2                         /dev/zero (deleted)\n"
		     "VmFlags: rd wr sh mr mw me ms \n"
		     "400000002000-400000003000 rw-s 00001000 00:01 #1                         /dev/zero (deleted)\n"
		     "VmFlags: rd wr sh mr mw me ms \n"
		     "400000003000-400000004000 rw-p 00000000 00:00 0 \n");
	free(obs[0].maps);
	free(obs[1].maps);
}

TEST(ConformCompare, PlacementsElsewhereAreAlike)
{
	Seq s;

	EXPECT_TRUE(conform_ret_elsewhere(&s.s, NR_MMAP, 0x7f0012345000));
	EXPECT_TRUE(conform_ret_elsewhere(&s.s, NR_MREMAP, 0x3fff00000000));
	EXPECT_FALSE(conform_ret_elsewhere(&s.s, NR_MMAP, W + P));
	EXPECT_FALSE(conform_ret_elsewhere(&s.s, NR_MMAP, -12));   // ENOMEM
	EXPECT_FALSE(conform_ret_elsewhere(&s.s, NR_BRK, 0x7f0012345000));
}

// ---- ConformLive ------------------------------------------------------------------

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

std::string Hex(uint64_t v)
{
	char b[32];

	snprintf(b, sizeof(b), "%" PRIx64, v);
	return b;
}

// The child maps, seals and touches; the parent reads what /proc said.
TEST(ConformLive, CapturesTheWindow)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	if (!e.env.feat.mseal)
		GTEST_SKIP() << "no mseal";
	//  page   1 2 3
	//         U S U   rw, the middle one sealed
	Seq s("mmap(0x400000001000, 0x3000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
	      "mseal(0x400000002000, 0x1000, 0)\n"
	      "munmap(0x400000001000, 0x3000)\n"
	      "touch(0x400000002010, write)\n"
	      "touch(0x400000010000, read)\n");
	conform_run r;

	ASSERT_EQ(conform_live_run(&e.env, &s.s, &r), 0);
	ASSERT_EQ(r.status, CONFORM_RAN) << (r.error ? r.error : "");
	ASSERT_EQ(r.n, 5u);
	EXPECT_EQ(r.obs[0].ret, static_cast<int64_t>(W + P));
	EXPECT_EQ(r.obs[1].ret, 0);
	EXPECT_EQ(r.obs[2].ret, -EPERM);
	EXPECT_EQ(r.obs[3].ret, 0);
	EXPECT_EQ(r.obs[4].ret, -EFAULT);   // nothing there: the child survives the fault
	// munmap refused at the sealed page: nothing unmapped, and no split
	// to keep (it started on a VMA boundary)
	auto line = [](uint64_t start, uint64_t end, const char *flags) {
		return Hex(start) + "-" + Hex(end) + " rw-p 00000000 00:00 0 \nVmFlags: " + flags + "\n";
	};
	EXPECT_EQ(std::string(r.obs[2].maps), line(W + P, W + 2 * P, "rd wr mr mw me ac ") +
						      line(W + 2 * P, W + 3 * P, "rd wr mr mw me ac sl ") +
						      line(W + 3 * P, W + 4 * P, "rd wr mr mw me ac "));
	EXPECT_GT(r.noutside, 3u);   // the test binary, libraries, stack...
	conform_run_free(&r);
}

TEST(ConformLive, RefusesUnsafeSequencesBeforeForking)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	Seq s("mmap(0x400000001000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
	      "munmap(0x400000000000, 0x100000000)\n");
	conform_run r;

	ASSERT_EQ(conform_live_run(&e.env, &s.s, &r), 0);
	EXPECT_EQ(r.status, CONFORM_HARNESS);
	EXPECT_EQ(r.n, 0u);
	ASSERT_NE(r.error, nullptr);
	EXPECT_NE(std::string(r.error).find("call 2"), std::string::npos) << r.error;
	conform_run_free(&r);
}

// The window of the parent stays free: the child sealed it, not us.
TEST(ConformLive, LeavesThisProcessAlone)
{
	Env e;
	if (!e.ok)
		GTEST_SKIP() << e.why;
	Seq s("mmap(0x400000000000, 0x40000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
	      "mseal(0x400000000000, 0x40000, 0)\n");
	conform_run r;

	ASSERT_EQ(conform_live_run(&e.env, &s.s, &r), 0);
	EXPECT_EQ(r.status, CONFORM_RAN);
	conform_run_free(&r);
	conform_env again;
	char err[256];
	EXPECT_EQ(conform_detect(&again, W, CONFORM_DEFAULT_PAGES, err, sizeof(err)), 0) << err;
}

// ---- ConformReplay --------------------------------------------------------------------

// `mmsim conform --replay` of text in a file: for heap windows, which need
// an empty heap. The test binary's glibc malloc uses brk; the shipped
// mmsim (jemalloc) does not. Returns the exit status and the output.
int ReplayWithMmsim(const char *text, std::string *report)
{
#ifdef MMSIM_BINARY
	char path[] = "/tmp/mmsim-conform-XXXXXX";
	int fd = mkstemp(path);
	char buf[4096];
	size_t n;

	if (fd < 0)
		return 2;
	if (write(fd, text, strlen(text)) != static_cast<ssize_t>(strlen(text))) {
		close(fd);
		unlink(path);
		return 2;
	}
	close(fd);
	std::string cmd = std::string("'") + MMSIM_BINARY + "' conform --replay " + path + " 2>&1";
	FILE *p = popen(cmd.c_str(), "r");
	if (!p) {
		unlink(path);
		return 2;
	}
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		report->append(buf, n);
	int status = pclose(p);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
#else
	(void)text;
	*report = "no mmsim binary to replay with";
	return 2;
#endif
}

// A pasted sequence on both sides; the report is conform's own output.
void ExpectAgreement(const char *text)
{
	char *out = nullptr;
	int rc = conform_replay_text(text, &out);
	std::string report = out ? out : "";

	free(out);
	if (rc == 2 && report.find("heap cannot hold a window") != std::string::npos) {
		report.clear();
		rc = ReplayWithMmsim(text, &report);
	}
	if (rc == 2 && report.find("not free") != std::string::npos)
		GTEST_SKIP() << report;
	EXPECT_EQ(rc, 0) << report;
}

// The leading split of a refused munmap, on both sides (reference 1.3).
TEST(ConformReplay, SealedMiddleRefusesMunmap)
{
	ExpectAgreement("window 0x400000000000 64\n"
			"mmap(0x400000001000, 0x3000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"mseal(0x400000002000, 0x1000, 0)\n"
			"munmap(0x400000001000, 0x3000) = -1 EPERM (Operation not permitted)\n"
			"mprotect(0x400000001000, 0x3000, PROT_READ) = -1 EPERM (Operation not permitted)\n");
}

// max_map_count pressure: the count the model keeps matches the kernel's.
TEST(ConformReplay, FillToTheLimitThenSplit)
{
	ExpectAgreement("window 0x400000000000 64\n"
			"mmap(0x400000000000, 0x40000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"fill(max-1)\n"
			"mprotect(0x400000001000, 0x1000, PROT_NONE) = -1 ENOMEM (Cannot allocate memory)\n"
			"munmap(0x400000003000, 0x1000) = -1 ENOMEM (Cannot allocate memory)\n");
}

// Found by mmsim conform and fixed in the model; kept so they stay fixed.
// Each is the shrunk sequence conform printed (results as the kernel gave
// them; the replay ignores them).

// Without PKU the first pkey_alloc of an mm takes key 0 and fails; the key
// stays taken, so the next one finds the one-key map full.
TEST(ConformReplay, PkeyAllocFailsDifferentlyTheSecondTime)
{
	ExpectAgreement("pkey_alloc(0, PKEY_DISABLE_ACCESS) = -1 EINVAL (Invalid argument)\n"
			"pkey_alloc(0, PKEY_DISABLE_WRITE) = -1 ENOSPC (No space left on device)\n");
}

// x86 reads from any accessible VMA: exec-only and write-only included.
TEST(ConformReplay, ReadTouchOfExecOnlyAndWriteOnly)
{
	ExpectAgreement("mmap(0x400000000000, 0x33000, PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"touch(0x40000002c000, read) = 0\n"
			"mmap(0x400000035000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"mprotect(0x400000035000, 0x1000, PROT_WRITE) = 0\n"
			"touch(0x400000035000, read) = 0\n");
}

// PROT_GROWSUP is refused only once a VMA was found: a hole says ENOMEM.
TEST(ConformReplay, GrowsUpOverAHoleIsEnomem)
{
	ExpectAgreement("mprotect(0x40000003c000, 0x1000, PROT_READ|PROT_GROWSUP) = -1 ENOMEM (Cannot allocate memory)\n"
			"pkey_mprotect(0x40000003f000, 0x1000, PROT_READ|PROT_GROWSUP, -1) = -1 ENOMEM (Cannot allocate memory)\n");
}

// Guard markers fault, even after an install that ended in ENOMEM; populate
// stops at them with EFAULT.
TEST(ConformReplay, GuardPagesFault)
{
	ExpectAgreement("mmap(0x400000010000, 0x30000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"madvise(0x400000016000, 0x39000, MADV_GUARD_INSTALL) = -1 ENOMEM (Cannot allocate memory)\n"
			"touch(0x40000002f000, read) = -1 EFAULT (Bad address)\n");
	ExpectAgreement("mmap(0x40000000f000, 0x20000, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n"
			"madvise(0x400000019000, 0x1000, MADV_GUARD_INSTALL) = 0\n"
			"madvise(0x400000012000, 0x31000, MADV_POPULATE_READ) = -1 EFAULT (Bad address)\n");
	ExpectAgreement("mmap(0x400000012000, 0x2e000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"madvise(0x400000037000, 0x1000, MADV_GUARD_INSTALL) = 0\n"
			"madvise(0x400000024000, 0x14000, MADV_POPULATE_WRITE) = -1 EFAULT (Bad address)\n");
}

// A fault below a MAP_GROWSDOWN VMA grows it, even when the access itself
// is then refused (a write to a read-only stack).
TEST(ConformReplay, TouchBelowGrowsDownGrowsIt)
{
	ExpectAgreement("mmap(0x400000022000, 0x1000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_GROWSDOWN, -1, 0)\n"
			"touch(0x400000002000, write) = -1 EFAULT (Bad address)\n");
}

// MREMAP_DONTUNMAP of part of a VMA: the model failed (EFAULT, ENOMEM
// after copying until max_map_count), hung, or split the source.
TEST(ConformReplay, DontUnmapMovesPartOfAVma)
{
	ExpectAgreement("mmap(0x400000000000, 0x1f000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"mremap(0x400000009000, 0x1000, 0x1000, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x40000000b000) = 0x40000000b000\n");
	ExpectAgreement("mmap(0x40000003c000, 0x4000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"mremap(0x40000003c000, 0x3000, 0x3000, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x40000000a000) = 0x40000000a000\n");
	ExpectAgreement("mmap(0x40000001d000, 0xd000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_POPULATE, -1, 0)\n"
			"mremap(0x40000001d000, 0x3000, 0x3000, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x40000002a000) = 0x40000002a000\n");
	// in a heap window (moved to this process's break by the replay)
	ExpectAgreement("window 0x5640934a3000 64\n"
			"heap 0x5640934b1000\n"
			"brk(0x5640934c0000) = 0x5640934c0000\n"
			"mremap(0x5640934b1000, 0x2000, 0x2000, MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP, 0x5640934cc000) = 0x5640934cc000\n");
}

// old_len 0 on shared memory makes a second mapping elsewhere and leaves
// the source whole.
TEST(ConformReplay, SharedDuplicateLeavesTheSourceWhole)
{
	ExpectAgreement("mmap(0x400000003000, 0xd000, PROT_EXEC, MAP_SHARED|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"mremap(0x40000000b000, 0, 0x2000, MREMAP_MAYMOVE, NULL)\n");
}

// An mseal split refused at max_map_count: the model read a freed VMA
// (seen under ASan).
TEST(ConformReplay, MsealSplitAtTheLimit)
{
	ExpectAgreement("mmap(0x400000000000, 0x40000, PROT_READ, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"fill(max-1)\n"
			"mseal(0x400000019000, 0x1000, 0) = -1 ENOMEM (Cannot allocate memory)\n");
}

// Two neighbours sharing an anon_vma (the guard install reused the touched
// neighbour's), one with gu (VM_MAYBE_GUARD): mprotect over both makes one
// VMA, with gu. The model kept two.
TEST(ConformReplay, MprotectMergesAcrossTheGuardFlag)
{
	ExpectAgreement("mmap(0x40000002a000, 0x16000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"mmap(0x400000012000, 0x18000, PROT_READ|PROT_WRITE|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"touch(0x40000001b000, write) = 0\n"
			"madvise(0x40000003f000, 0x1000, MADV_GUARD_INSTALL) = 0\n"
			"mprotect(0x400000027000, 0xc000, PROT_NONE) = 0\n"
			"# kernel: 400000027000-400000033000 ---p ... VmFlags: mr mw me gu ac\n");
}

// MAP_NONBLOCK turns MAP_POPULATE off (mm/mmap.c: do_mmap), so no page is
// faulted, no anon_vma attached, and losing write drops VM_ACCOUNT (ac).
TEST(ConformReplay, PopulateWithNonblockFaultsNothing)
{
	ExpectAgreement("mmap(0x400000007000, 0x1000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_POPULATE|MAP_NONBLOCK, -1, 0)\n"
			"mprotect(0x400000007000, 0x1000, PROT_NONE) = 0\n"
			"# kernel: VmFlags: mr mw me (the model kept ac)\n");
}

// brk grows the VMA that ends at the old break even when it starts below
// start_brk (do_brk_flags extends vma_prev_limit's VMA); the model added a
// second VMA beside it.
TEST(ConformReplay, BrkRegrowsTheVmaThatStartsBelowTheHeap)
{
	ExpectAgreement("window 0x557ab0f43000 64\n"
			"heap 0x557ab0f46000\n"
			"mmap(0x557ab0f43000, 0x3000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"brk(0x557ab0f57000) = 0x557ab0f57000\n"
			"mmap(0x557ab0f46000, 0x1000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0)\n"
			"brk(0x557ab0f54000) = 0x557ab0f54000\n"
			"brk(0x557ab0f57000) = 0x557ab0f57000\n"
			"# kernel: one VMA 557ab0f43000-557ab0f57000 [heap]\n");
}

// Found by mmsim conform, not fixed in the model yet: enable when it is.

// Growing a shared anonymous mapping with mremap leaves its shmem object at
// the size mmap gave it: a page past the object's end raises SIGBUS
// (conform's EFAULT), and MADV_POPULATE_READ there fails with EFAULT.
TEST(ConformReplay, SharedMemoryGrownByMremapEndsAtItsObject)
{
	ExpectAgreement("window 0x400000000000 256\n"
			"mmap(0x40000004e000, 0x2000, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = 0x40000004e000\n"
			"mremap(0x40000004f000, 0x1000, 0x7a000, MREMAP_MAYMOVE, NULL) = 0x40000004f000\n"
			"touch(0x400000050000, read) = -1 EFAULT (Bad address)\n");
	ExpectAgreement("mmap(0x400000001000, 0x1000, PROT_READ, MAP_SHARED|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x400000001000\n"
			"mremap(0x400000001000, 0x1000, 0x9000, MREMAP_MAYMOVE|MREMAP_FIXED, 0x400000026000) = 0x400000026000\n"
			"madvise(0x400000028000, 0x1000, MADV_POPULATE_READ) = -1 EFAULT (Bad address)\n");
}

// include/linux/mman.h: calc_vm_flag_bits turns MAP_SYNC into VM_SYNC
// (smaps sf) on anonymous memory too, so such a mapping does not merge
// with a plain neighbour (found by review, not by the generator).
TEST(ConformReplay, MapSyncOnAnonymousMemoryIsVmSync)
{
	ExpectAgreement("window 0x400000000000 64\n"
			"mmap(0x400000001000, 0x1000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0) = 0x400000001000\n"
			"mmap(0x400000002000, 0x1000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS|MAP_SYNC, -1, 0) = 0x400000002000\n"
			"mmap(0x400000004000, 0x1000, PROT_READ, MAP_SHARED|MAP_FIXED|MAP_ANONYMOUS|MAP_SYNC, -1, 0) = 0x400000004000\n");
}

}  // namespace
