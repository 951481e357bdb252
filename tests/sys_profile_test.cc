// Profiles: the same calls under linux-6.18 (the seal test inside each
// operation's walk, 6.12+) and linux-6.18-prewalk (the 6.10-6.11 design:
// mm/mseal.c: can_modify_mm walks the whole range first and refuses with
// nothing changed). Layouts in the reference's notation, mm_check after
// every step.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "core/profile.h"
#include "syscalls/sys.h"
#include "tests/shim_modify.h"

namespace {

const uint64_t PG = PAGE_SIZE;
uint64_t P(unsigned n) { return SHIM_BASE + n * PG; }

class Profiles : public ::testing::TestWithParam<const char *> {
protected:
	void SetUp() override
	{
		mm_init(&mm);
		t.mm = &mm;
		t.profile = profile_find(GetParam());
		ASSERT_NE(t.profile, nullptr);
		// [0-3 U rw][3-6 S r]
		ASSERT_EQ(sys_mmap(&t, P(0), 3 * PG, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), (int64_t)P(0));
		ASSERT_EQ(sys_mmap(&t, P(3), 3 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			  (int64_t)P(3));
		ASSERT_EQ(sys_mseal(&t, P(3), 3 * PG, 0), 0);
		Check();
	}
	void TearDown() override { mm_destroy(&mm); }
	bool Prewalk() const { return t.profile->seal_check == SEAL_CHECK_PREWALK; }
	std::string Draw()
	{
		char buf[512];
		shim_draw(&mm, buf, sizeof(buf));
		return buf;
	}
	void Check() { EXPECT_STREQ(shim_mm_check(&mm), ""); }

	struct mm mm;
	struct task t = {};
};

// mm/mprotect.c: do_mprotect_pkey over [U][S]: in the walk, U changes
// (and splits) before S refuses; with the pre-walk nothing changes.
TEST_P(Profiles, MprotectUnsealedThenSealed)
{
	EXPECT_EQ(sys_mprotect(&t, P(1), 4 * PG, PROT_READ), -EPERM);
	Check();
	EXPECT_EQ(Draw(), Prewalk() ? "0-3:rw-p 3-6:r--p+S" : "0-1:rw-p 1-3:r--p 3-6:r--p+S");
}

// mm/vma.c: vms_gather_munmap_vmas from inside U: the leading split
// survives the refusal in the walk; the pre-walk refuses before it.
TEST_P(Profiles, MunmapLeadingSplit)
{
	EXPECT_EQ(sys_munmap(&t, P(1), 4 * PG), -EPERM);
	Check();
	EXPECT_EQ(Draw(), Prewalk() ? "0-3:rw-p 3-6:r--p+S" : "0-1:rw-p 1-3:rw-p 3-6:r--p+S");
}

// mm/madvise.c: MADV_DONTFORK (a discard advice) over [U][S ro]: U is
// split off and marked before S refuses, unless the pre-walk refuses
// first. The maps show the split either way or not at all.
TEST_P(Profiles, MadviseDiscardUnsealedThenSealed)
{
	EXPECT_EQ(sys_madvise(&t, P(1), 4 * PG, MADV_DONTFORK), -EPERM);
	Check();
	EXPECT_EQ(Draw(), Prewalk() ? "0-3:rw-p 3-6:r--p+S" : "0-1:rw-p 1-3:rw-p 3-6:r--p+S");
	struct vma *u = mm_vma_lookup(&mm, P(1));
	ASSERT_NE(u, nullptr);
	EXPECT_EQ((u->flags & VM_DONTCOPY) != 0, !Prewalk());
}

// Sealed source and destination behave alike in both designs: mremap
// checks the source VMA before it moves anything (check_prep_vma).
TEST_P(Profiles, MremapOfSealedSource)
{
	EXPECT_EQ(sys_mremap(&t, P(3), PG, 2 * PG, MREMAP_MAYMOVE, 0), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-3:rw-p 3-6:r--p+S");
}

INSTANTIATE_TEST_SUITE_P(Sys, Profiles, ::testing::Values("linux-6.18", "linux-6.18-prewalk"),
			 [](const ::testing::TestParamInfo<const char *> &info) {
				 return std::string(info.param).find("prewalk") != std::string::npos
						? "Prewalk" : "InWalk";
			 });

TEST(ProfileTable, DefaultIsLinux618AndNamesAreUnique)
{
	const struct profile *const *all = profile_all();
	ASSERT_NE(all[0], nullptr);
	EXPECT_STREQ(all[0]->name, "linux-6.18");
	for (size_t i = 0; all[i]; i++) {
		EXPECT_EQ(profile_find(all[i]->name), all[i]);
		for (size_t j = i + 1; all[j]; j++)
			EXPECT_STRNE(all[i]->name, all[j]->name);
	}
	EXPECT_EQ(profile_find("linux-9.99"), nullptr);
}

}  // namespace
