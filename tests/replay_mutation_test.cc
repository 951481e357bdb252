// Bad input through the whole replay (reader, decoders, model): corpus
// recordings mutated at random (bytes changed, lines cut short, doubled,
// repeated elsewhere, results and addresses altered) must never crash or
// hang the replay (the sanitizer build runs this too), every call must be
// accounted for (a verdict, or malformed), and every process's address
// space must still pass mm_check afterwards: no input can make the model
// hold an impossible state.
#include <gtest/gtest.h>

#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include "tests/shim_modify.h"
#include "traces/reader.h"
#include "traces/replay.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace {

const char *const kTraces[] = {
	"mseal_basic.replay.trace", "mseal_partial.replay.trace", "memfd_seals.replay.trace",
	"memfd_exec.replay.trace",  "pidns_noexec.replay.trace",  "fork_inherit.replay.trace",
	"fd_reopen.replay.trace",   "fork_inherit.stderr.trace",  "memfd_seals.xraw.trace",
};

std::string ReadCorpus(const char *name)
{
	std::ifstream in(std::string(MMSIM_SOURCE_DIR "/traces/corpus/") + name, std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	return ss.str();
}

struct Rng {
	uint64_t s;
	uint64_t Next()
	{
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		return s >> 33;
	}
	size_t Below(size_t n) { return n ? (size_t)(Next() % n) : 0; }
};

std::string Mutate(const std::string &text, uint64_t seed)
{
	static const char *const swaps[][2] = {
		{ "= 0", "= -1 EPERM (Operation not permitted)" }, { "0x7f", "0x0" },
		{ "4096", "18446744073709551615" }, { "(", "" }, { "\"", "" }, { "<unfinished ...>", "" },
	};
	Rng rng{ seed };
	std::vector<std::string> lines, out;
	std::stringstream ss(text);
	std::string l;

	while (std::getline(ss, l))
		lines.push_back(l);
	for (std::string line : lines) {
		size_t r = rng.Below(100);
		if (r < 5 && !line.empty())
			line[rng.Below(line.size())] = (char)rng.Below(256);
		else if (r < 8 && !line.empty())
			line.resize(rng.Below(line.size()));
		else if (r < 10)
			line += line;
		else if (r < 12 && !out.empty())
			out.push_back(out[rng.Below(out.size())]);
		if (rng.Below(100) < 6) {
			const auto &sw = swaps[rng.Below(sizeof(swaps) / sizeof(swaps[0]))];
			size_t at = line.find(sw[0]);
			if (at != std::string::npos)
				line.replace(at, strlen(sw[0]), sw[1]);
		}
		out.push_back(line);
	}
	std::string joined;
	for (const auto &o : out)
		joined += o + "\n";
	if (rng.Below(2))
		joined.pop_back();   // a last line without its newline
	return joined;
}

TEST(ReplayMutation, NoInputBreaksTheModel)
{
	unsigned runs = 0;
	uint64_t malformed = 0, diverged = 0, agreed = 0;
	// Every mutated line is reported on stderr as malformed: expected,
	// and not worth a thousand lines of test log.
	fflush(stderr);
	int saved_stderr = dup(2), devnull = open("/dev/null", O_WRONLY);
	ASSERT_GE(saved_stderr, 0);
	ASSERT_GE(devnull, 0);
	dup2(devnull, 2);
	close(devnull);
	for (const char *name : kTraces) {
		std::string base = ReadCorpus(name);
		ASSERT_FALSE(base.empty()) << name;
		for (uint64_t seed = 1; seed <= 12; seed++) {
			std::string text = Mutate(base, seed * 7919 + runs);
			struct replay r;
			struct replay_opts o = {};
			ASSERT_EQ(replay_init(&r, &o), 0);
			FILE *in = fmemopen(const_cast<char *>(text.data()), text.size(), "r");
			struct trace_reader *reader = trace_reader_new(in, name);
			struct trace_event ev;
			int got;
			while ((got = trace_reader_next(reader, &ev)) != 0) {
				if (got > 0)
					replay_event(&r, &ev);
				else
					replay_malformed(&r);
			}
			replay_finish(&r);
			struct trace_reader_stats st = trace_reader_stats(reader);
			trace_reader_free(reader);
			fclose(in);

			uint64_t judged = 0;
			for (int v = 0; v < REPLAY_NVERDICTS; v++)
				judged += r.n[v];
			EXPECT_LE(judged, r.calls) << name << " seed " << seed;
			EXPECT_LE(r.calls - judged, r.malformed) << name << " seed " << seed;
			EXPECT_GT(st.lines, 0u);
			for (size_t b = 0; b < r.tasks.nbuckets; b++)
				for (const struct task *t = r.tasks.bucket[b]; t; t = t->hash_next)
					EXPECT_STREQ(shim_mm_check(t->mm), "") << name << " seed " << seed << " pid " << t->pid;
			malformed += r.malformed;
			diverged += r.n[REPLAY_DIVERGE];
			agreed += r.n[REPLAY_AGREE];
			replay_destroy(&r);
			runs++;
		}
	}
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	EXPECT_EQ(runs, 12u * (sizeof(kTraces) / sizeof(kTraces[0])));
	// The mutations bite (lines become malformed, answers change) and
	// most of each log still replays.
	EXPECT_GT(malformed, 0u);
	EXPECT_GT(diverged, 0u);
	EXPECT_GT(agreed, 2 * diverged);
}

}  // namespace
