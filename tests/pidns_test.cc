// vm.memfd_noexec per pid namespace (kernel/pid_sysctl.h:
// pid_mfd_noexec_dointvec_minmax, include/linux/pid_namespace.h:
// pidns_memfd_noexec_scope, kernel/pid_namespace.c: create_pid_namespace).
// Each case is one the semantics reference marks as verified on 6.18
// with unshare -pf, in the model.
#include <gtest/gtest.h>

#include <cerrno>

#include "sysctl/pidns.h"

namespace {

class Pidns : public ::testing::Test {
protected:
	void SetUp() override { root = pidns_new_root(); }
	void TearDown() override { pidns_put(root); }
	struct pidns *root;
};

// The initial namespace starts at 0.
TEST_F(Pidns, InitialNamespaceIsZero)
{
	EXPECT_EQ(pidns_memfd_noexec(root), MEMFD_NOEXEC_SCOPE_EXEC);
	EXPECT_EQ(root->level, 0u);
}

// create_pid_namespace: a child stores its parent's effective value.
TEST_F(Pidns, ChildStartsFromParentsEffectiveValue)
{
	struct pidns *a = pidns_new_child(root);
	ASSERT_EQ(pidns_set_memfd_noexec(a, 1, true), 0);
	struct pidns *b = pidns_new_child(a);
	EXPECT_EQ(b->memfd_noexec, 1);
	EXPECT_EQ(pidns_memfd_noexec(b), 1);
	// Lowering A back to 0 leaves B's own stored 1 in force.
	ASSERT_EQ(pidns_set_memfd_noexec(a, 0, true), 0);
	EXPECT_EQ(pidns_memfd_noexec(b), 1);
	pidns_put(b);
	pidns_put(a);
}

// pidns_memfd_noexec_scope is computed at use: raising an ancestor raises
// every descendant at once, lowering it lowers them back [V].
TEST_F(Pidns, AncestorsRaiseDescendantsWhileRaised)
{
	struct pidns *a = pidns_new_child(root);
	struct pidns *b = pidns_new_child(a);
	ASSERT_EQ(pidns_set_memfd_noexec(a, 2, true), 0);
	EXPECT_EQ(pidns_memfd_noexec(b), 2);
	ASSERT_EQ(pidns_set_memfd_noexec(a, 0, true), 0);
	EXPECT_EQ(pidns_memfd_noexec(b), 0);
	pidns_put(b);
	pidns_put(a);
}

// The accepted range is [parent's effective value, 2]: above 2 and below
// the floor are EINVAL, and nothing changes [V].
TEST_F(Pidns, WriteRangeIsParentFloorToTwo)
{
	struct pidns *a = pidns_new_child(root);
	ASSERT_EQ(pidns_set_memfd_noexec(a, 1, true), 0);
	struct pidns *b = pidns_new_child(a);
	EXPECT_EQ(pidns_set_memfd_noexec(b, 0, true), -EINVAL);
	EXPECT_EQ(pidns_set_memfd_noexec(b, 3, true), -EINVAL);
	EXPECT_EQ(pidns_set_memfd_noexec(b, -1, true), -EINVAL);
	EXPECT_EQ(pidns_memfd_noexec(b), 1);
	EXPECT_EQ(pidns_set_memfd_noexec(b, 2, true), 0);
	EXPECT_EQ(pidns_set_memfd_noexec(b, 1, true), 0);   // back down to the floor [V]
	EXPECT_EQ(pidns_memfd_noexec(b), 1);
	pidns_put(b);
	pidns_put(a);
}

// A namespace may lower its own value down to its parent's: 1 -> 0 and
// 2 -> 1 -> 0 under a 0 parent [V].
TEST_F(Pidns, ANamespaceLowersItsOwnValue)
{
	struct pidns *a = pidns_new_child(root);
	for (int v : {1, 0, 2, 1, 0})
		EXPECT_EQ(pidns_set_memfd_noexec(a, v, true), 0) << v;
	EXPECT_EQ(pidns_memfd_noexec(a), 0);
	pidns_put(a);
}

// Writers need CAP_SYS_ADMIN in the owning user namespace: EPERM before
// the value is even looked at [V].
TEST_F(Pidns, WriteNeedsCapSysAdmin)
{
	struct pidns *a = pidns_new_child(root);
	EXPECT_EQ(pidns_set_memfd_noexec(a, 1, false), -EPERM);
	EXPECT_EQ(pidns_set_memfd_noexec(a, 7, false), -EPERM);
	EXPECT_EQ(pidns_memfd_noexec(a), 0);
	pidns_put(a);
}

// A namespace lives while a child does: dropping the parent's own
// reference first is safe.
TEST_F(Pidns, ChildKeepsParentAlive)
{
	struct pidns *a = pidns_new_child(root);
	ASSERT_EQ(pidns_set_memfd_noexec(a, 2, true), 0);
	struct pidns *b = pidns_new_child(a);
	pidns_put(a);
	EXPECT_EQ(pidns_memfd_noexec(b), 2);
	EXPECT_EQ(b->level, 2u);
	pidns_put(b);
}

}  // namespace
