// Protection keys on a CPU without PKU (this machine, and the linux-6.18
// profile): mm/mprotect.c: pkey_alloc, pkey_free, do_mprotect_pkey and
// arch/x86/include/asm/pkeys.h (semantics reference §5 step 6). Expected
// values are the live 6.18 kernel's ([V], or probed on 6.18.44 where
// said). mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;
constexpr uint64_t kDisableWrite = 0x2;   // PKEY_DISABLE_WRITE

class SysPkey : public SysTest {};

// mm/mprotect.c: pkey_alloc — without PKU the first allocation of an mm
// fails with EINVAL [V]: arch_set_user_pkey_access refuses the key that
// mm_pkey_alloc handed out.
TEST_F(SysPkey, FirstAllocWithoutPkuEinval)
{
	EXPECT_EQ(sys_pkey_alloc(t, 0, 0), -EINVAL);
	Check();
}

// mm/mprotect.c: pkey_alloc -> arch/x86/include/asm/pkeys.h: mm_pkey_free
// — the failed first allocation cannot give its key back (without PKU,
// key 0 equals the never-set execute_only_pkey, so mm_pkey_is_allocated
// says no), and every later allocation finds the one-key map full:
// ENOSPC. Probed on 6.18.44: pkey_alloc(0, 0) = EINVAL, then ENOSPC for
// rights 0, 1, 2 and 3.
TEST_F(SysPkey, LaterAllocsWithoutPkuEnospc)
{
	EXPECT_EQ(sys_pkey_alloc(t, 0, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_pkey_alloc(t, 0, 0), -ENOSPC);
	Check();
	EXPECT_EQ(sys_pkey_alloc(t, 0, kDisableWrite), -ENOSPC);
	Check();
}

// mm/mprotect.c: pkey_alloc — flags != 0 and unknown access rights are
// EINVAL before any key is looked at, first call or not [V].
TEST_F(SysPkey, AllocBadArgumentsEinval)
{
	EXPECT_EQ(sys_pkey_alloc(t, 1, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_pkey_alloc(t, 0, 4), -EINVAL);
	Check();
	EXPECT_EQ(sys_pkey_alloc(t, 0, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_pkey_alloc(t, 1, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_pkey_alloc(t, 0, 4), -EINVAL);
	Check();
}

// arch/x86/include/asm/pkeys.h: mm_pkey_free — no key is ever allocated
// without PKU, key 0 included: EINVAL [V].
TEST_F(SysPkey, FreeEinval)
{
	EXPECT_EQ(sys_pkey_free(t, 0), -EINVAL);
	EXPECT_EQ(sys_pkey_free(t, 1), -EINVAL);
	EXPECT_EQ(sys_pkey_free(t, -1), -EINVAL);
	EXPECT_EQ(sys_pkey_free(t, 16), -EINVAL);
	Check();
}

// mm/mprotect.c: do_mprotect_pkey — a pkey other than -1 that is not
// allocated is EINVAL, tested before any VMA is looked up: over a hole
// it is EINVAL, not ENOMEM. Control: pkey -1 over the hole is ENOMEM [V].
TEST_F(SysPkey, UnallocatedKeyEinvalEvenOverHole)
{
	EXPECT_EQ(sys_pkey_mprotect(t, P(0), PG, R, 1), -EINVAL);
	Check();
	EXPECT_EQ(sys_pkey_mprotect(t, P(0), PG, R, -1), -ENOMEM);
	Check();
}

// mm/mprotect.c: do_mprotect_pkey — keys 0, 1, 16 and -2 are all
// unallocated here; nothing changes [V].
TEST_F(SysPkey, EveryKeyButMinusOneEinval)
{
	Map(0, 2, RW);
	for (int64_t key : { 0, 1, 15, 16, -2 }) {
		EXPECT_EQ(sys_pkey_mprotect(t, P(0), 2 * PG, R, key), -EINVAL) << "pkey " << key;
		Check();
	}
	EXPECT_EQ(Draw(), "0-2:rw-p");
}

// mm/mprotect.c: do_mprotect_pkey — the zero length, alignment and wrap
// checks come before the pkey test: len 0 with a bad key is 0, a wrap is
// ENOMEM [V; probed on 6.18.44].
TEST_F(SysPkey, EarlierChecksPrecedePkeyTest)
{
	EXPECT_EQ(sys_pkey_mprotect(t, P(0), 0, R, 5), 0);
	Check();
	EXPECT_EQ(sys_pkey_mprotect(t, P(0), 0 - P(0), R, 5), -ENOMEM);
	Check();
	EXPECT_EQ(sys_pkey_mprotect(t, P(0) + 1, PG, R, 5), -EINVAL);
	Check();
}

// mm/mprotect.c: do_mprotect_pkey — pkey -1 is plain mprotect, including
// the seal: EPERM on the sealed VMA, a change on the unsealed one; a bad
// key on the sealed VMA is EINVAL, not EPERM (probed on 6.18.44).
//   01
//   SU
TEST_F(SysPkey, MinusOneIsMprotectBadKeyBeatsSeal)
{
	Map(0, 2, RW);
	Seal(0, 1);
	EXPECT_EQ(sys_pkey_mprotect(t, P(0), 2 * PG, R, 0), -EINVAL);
	Check();
	EXPECT_EQ(sys_pkey_mprotect(t, P(0), 2 * PG, R, -1), -EPERM);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p+S 1-2:rw-p");
	EXPECT_EQ(sys_pkey_mprotect(t, P(1), PG, R, -1), 0);
	Check();
	EXPECT_EQ(Draw(), "0-1:rw-p+S 1-2:r--p");
}

// mm/madvise.c: can_madvise_modify counts a VMA whose pkey denies writes
// as read-only (the selftest's discard_ro_anon_on_pkey).
TEST_F(SysPkey, DiscardOnWriteDeniedPkey)
{
	GTEST_SKIP() << "needs PKU hardware (pkey_alloc gives EINVAL on this CPU); the "
			"write-denied pkey case of the madvise seal test cannot be observed";
}

}  // namespace
