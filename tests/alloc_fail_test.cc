// Out of memory in the model (core/alloc.h): every allocation a call
// makes is made to fail in turn, as the kernel's tools/testing/vma does
// with its allocators. The kernel answers ENOMEM when an allocation fails
// (mm/vma.c: __split_vma, vma_merge, mm/mmap.c: __mmap_region,
// kernel/fork.c: dup_mmap, mm/memfd.c); the model must give -ENOMEM
// too, leave a state mm_check() accepts, and stay usable: the same call
// made again without the failure gives what it gives on a fresh state.
// What a failed call may leave is the kernel's: a call that splits a VMA
// at both ends keeps the first split when the second fails (mm/vma.c:
// vma_modify splits at start, then at end, and never undoes the first),
// so the pages and their flags are as before, in one more VMA; a walk
// over many VMAs stops part way; madvise reports a failed split as
// EAGAIN (mm/madvise.c: madvise_update_vma); and mremap ignores a
// failure to unmap the source after the copy (mm/mremap.c:
// unmap_source_vma), so the move succeeds with the source left mapped.
#include "tests/shim_sys.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/alloc.h"
#include "core/files.h"
#include "core/tasks.h"

namespace {

constexpr uint64_t PG = PAGE_SIZE;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t RO = PROT_READ;

uint64_t P(int64_t i)
{
	return shim_sys_page(i);
}

// Every task's mm and its maps, as text: "" from shim_sys_check when fine.
std::string State(struct tasks *tasks)
{
	std::string out;

	for (size_t b = 0; b < tasks->nbuckets; b++)
		for (const struct task *t = tasks->bucket[b]; t; t = t->hash_next) {
			const char *err = shim_sys_check(t);

			if (*err)
				out += "pid " + std::to_string(t->pid) + ": mm_check: " + err + "\n";
			out += "pid " + std::to_string(t->pid) + ": " + shim_sys_draw(t, 0) + "\n";
		}
	return out;
}

// The maps with neighbours of the same flags joined: "0-1:rw-p 1-3:rw-p"
// is "0-3:rw-p", the same pages, split once more.
std::string Joined(const std::string &state)
{
	std::istringstream lines(state);
	std::string out;

	for (std::string l; std::getline(lines, l);) {
		size_t colon = l.find(": ");
		std::istringstream words(l.substr(colon + 2));
		std::vector<std::pair<std::pair<long, long>, std::string>> vmas;

		for (std::string w; words >> w;) {
			size_t dash = w.find('-'), c = w.find(':');
			long a = std::stol(w.substr(0, dash)), b = std::stol(w.substr(dash + 1, c - dash - 1));
			std::string attr = w.substr(c + 1);

			if (!vmas.empty() && vmas.back().first.second == a && vmas.back().second == attr)
				vmas.back().first.second = b;
			else
				vmas.push_back({ { a, b }, attr });
		}
		out += l.substr(0, colon + 2);
		for (size_t i = 0; i < vmas.size(); i++)
			out += (i ? " " : "") + std::to_string(vmas[i].first.first) + "-" +
			       std::to_string(vmas[i].first.second) + ":" + vmas[i].second;
		out += "\n";
	}
	return out;
}

enum Leaves {
	kNothing,       // a failed call leaves the state as it was
	kSplitOnly,     // ... or the same pages in more VMAs
	kPartWay,       // a walk that stopped part way
};

struct Scenario {
	const char *name;
	std::function<void(struct task *)> setup;
	std::function<int64_t(struct task *)> call;
	Leaves leaves;
	int64_t err = -ENOMEM;         // what a failed allocation answers
	bool may_succeed = false;      // a failure the kernel ignores
};

void RunScenario(const Scenario &s)
{
	std::string clean_state;
	int64_t clean_ret;

	{       // the call without failures: what a retry must give
		struct tasks tasks;
		ASSERT_EQ(tasks_init(&tasks, &profile_linux_6_18), 0);
		struct task *t = tasks_start(&tasks, 1000);
		s.setup(t);
		clean_ret = s.call(t);
		clean_state = State(&tasks);
		tasks_destroy(&tasks);
	}
	ASSERT_GE(clean_ret, 0) << s.name;
	unsigned failures = 0;
	for (uint64_t nth = 1;; nth++) {
		struct tasks tasks;
		ASSERT_EQ(tasks_init(&tasks, &profile_linux_6_18), 0);
		struct task *t = tasks_start(&tasks, 1000);
		s.setup(t);
		std::string before = State(&tasks);

		core_alloc_fail_nth(nth);
		int64_t ret = s.call(t);
		bool failed = core_alloc_failed();
		core_alloc_fail_nth(0);
		std::string after = State(&tasks);

		EXPECT_EQ(after.find("mm_check"), std::string::npos) << s.name << ", allocation " << nth << "\n" << after;
		if (!failed) {
			EXPECT_EQ(ret, clean_ret) << s.name;
			EXPECT_EQ(after, clean_state) << s.name;
			tasks_destroy(&tasks);
			break;
		}
		failures++;
		if (s.may_succeed && ret == clean_ret) {
			tasks_destroy(&tasks);
			continue;
		}
		EXPECT_EQ(ret, s.err) << s.name << ", allocation " << nth;
		if (s.leaves == kSplitOnly) {
			EXPECT_EQ(Joined(after), Joined(before)) << s.name << ", allocation " << nth;
		} else if (s.leaves == kNothing) {
			EXPECT_EQ(after, before) << s.name << ", allocation " << nth;
		}
		if (s.leaves != kPartWay) {       // usable: the call again succeeds as on a fresh state
			EXPECT_EQ(s.call(t), clean_ret) << s.name << ", retry after allocation " << nth;
			EXPECT_EQ(Joined(State(&tasks)), Joined(clean_state))
				<< s.name << ", retry after allocation " << nth;
		}
		tasks_destroy(&tasks);
		ASSERT_LT(nth, 10000u) << s.name << ": the call never stops allocating";
	}
	EXPECT_GT(failures, 0u) << s.name << ": the call allocates nothing, the test checks nothing";
}

void MapPages(struct task *t, int64_t first, unsigned n, uint64_t prot)
{
	ASSERT_EQ(shim_sys_map(t, first, n, prot, 0), (int64_t)P(first));
}

// 40 one-page VMAs that cannot merge (alternating protection).
void Striped(struct task *t)
{
	for (int i = 0; i < 40; i++)
		MapPages(t, i, 1, i % 2 ? RO : RW);
}

// Enough VMAs for a three-level store: an insert splits nodes up to the root.
void Many(struct task *t)
{
	for (int i = 0; i < 3000; i++)
		MapPages(t, 2 * i, 1, RW);
}

TEST(AllocFail, MmapIntoAnEmptySpace)
{
	RunScenario({ "mmap", [](struct task *) {},
	      [](struct task *t) { return sys_mmap(t, P(0), 4 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); },
	      kNothing });
}

TEST(AllocFail, MmapIntoALargeTreeSplitsNodes)
{
	RunScenario({ "mmap in a large tree", Many,
	      [](struct task *t) { return sys_mmap(t, P(1), PG, RO, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0); },
	      kNothing });
}

TEST(AllocFail, MprotectOfAMiddlePageSplitsInThree)
{
	RunScenario({ "mprotect middle", [](struct task *t) { MapPages(t, 0, 3, RW); },
	      [](struct task *t) { return sys_mprotect(t, P(1), PG, RO); }, kSplitOnly });
}

TEST(AllocFail, MprotectOverManyVmas)
{
	// mm/mprotect.c: mprotect_fixup per VMA; a failure stops the walk,
	// leaving the VMAs before it changed (the kernel does the same)
	RunScenario({ "mprotect walk", Striped, [](struct task *t) { return sys_mprotect(t, P(3), 30 * PG, RW | PROT_EXEC); },
	      kPartWay });
}

TEST(AllocFail, MunmapPunchingAHole)
{
	RunScenario({ "munmap hole", [](struct task *t) { MapPages(t, 0, 3, RW); },
	      [](struct task *t) { return sys_munmap(t, P(1), PG); }, kSplitOnly });
}

TEST(AllocFail, MremapMove)
{
	RunScenario({ "mremap move", [](struct task *t) { MapPages(t, 0, 4, RW); },
	      [](struct task *t) { return sys_mremap(t, P(1), 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, P(100)); },
	      kSplitOnly, -ENOMEM, true });
}

TEST(AllocFail, MsealOfPartOfAVma)
{
	RunScenario({ "mseal part", [](struct task *t) { MapPages(t, 0, 4, RW); },
	      [](struct task *t) { return sys_mseal(t, P(1), 2 * PG, 0); }, kSplitOnly });
}

TEST(AllocFail, MadviseDontforkSplits)
{
	RunScenario({ "madvise split", [](struct task *t) { MapPages(t, 0, 4, RW); },
	      [](struct task *t) { return sys_madvise(t, P(1), PG, MADV_DONTFORK); }, kSplitOnly,
	      -EAGAIN });
}

TEST(AllocFail, ForkCopiesEverything)
{
	// kernel/fork.c: dup_mmap fails as a whole; the half-made child goes
	RunScenario({ "fork",
	      [](struct task *t) {
		      Striped(t);
		      int64_t fd = sys_memfd_create(t, "x", 0);
		      ASSERT_GE(fd, 0);
		      ASSERT_EQ(sys_ftruncate(t, fd, 2 * PG), 0);
		      ASSERT_EQ(sys_mmap(t, P(60), 2 * PG, RW, MAP_SHARED | MAP_FIXED, fd, 0), (int64_t)P(60));
	      },
	      [](struct task *t) { return sys_fork(t, 2000); }, kNothing });
}

TEST(AllocFail, MemfdCreateAndMap)
{
	RunScenario({ "memfd", [](struct task *) {},
	      [](struct task *t) {
		      int64_t fd = sys_memfd_create(t, "y", MFD_ALLOW_SEALING);
		      if (fd < 0)
			      return fd;
		      int64_t r = sys_ftruncate(t, fd, PG);
		      return r ? r : sys_mmap(t, P(0), PG, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	      },
	      kPartWay });
}

TEST(AllocFail, Dup2GrowsTheTable)
{
	RunScenario({ "dup2", [](struct task *) {}, [](struct task *t) { return sys_dup2(t, 0, 900); }, kNothing });
}

TEST(AllocFail, UnshareANewPidNamespace)
{
	RunScenario({ "unshare", [](struct task *) {},
	      [](struct task *t) { return sys_unshare(t, CLONE_NEWPID_FLAG); }, kNothing });
}

}  // namespace
