// Writes to /proc/sys/vm/memfd_noexec go through the kernel's int sysctl
// parser (kernel/sysctl.c: __do_proc_dointvec, proc_get_long,
// do_proc_dointvec_minmax_conv) inside kernel/pid_sysctl.h:
// pid_mfd_noexec_dointvec_minmax. Every row below is what this 6.18.44
// kernel did in a child pid namespace whose parent's value was 0
// (a probe of unshare -pf children; the host value was never written).
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "sysctl/pidns.h"
#include "sysctl/sysctl_int.h"
#include "tests/shim_pidns_live.h"

#include <vector>

namespace {

struct Case {
	std::string input;
	int64_t ret;     // what write() returned
	int after;       // the value read back afterwards (0 before each)
};

const Case kCases[] = {
	{"0", 1, 0}, {"1", 1, 1}, {"2", 1, 2}, {"3", -EINVAL, 0}, {"-1", -EINVAL, 0},
	{"1\n", 2, 1}, {" 1", 2, 1}, {"1 ", 2, 1}, {"\t2\n", 3, 2}, {"02", 2, 2},
	{"0x1", 3, 1}, {"0x2", 3, 2}, {"010", -EINVAL, 0}, {"08", -EINVAL, 0}, {"1x", -EINVAL, 0},
	{"", 0, 0}, {"\n", -EINVAL, 0}, {"1 2", 2, 1}, {"2147483648", -EINVAL, 0},
	{"99999999999999999999", -EINVAL, 0}, {"+1", -EINVAL, 0}, {"1\n2", 2, 1},
	{std::string("2\0", 2), -EINVAL, 0}, {"-0", 2, 0}, {"1\n\n", 3, 1}, {"  2  \n", 6, 2},
	{"1,", -EINVAL, 0}, {"2\t", 2, 2}, {"000000000000000000001", -EINVAL, 0},
	{"0000000000000000000001", -EINVAL, 0}, {"00000000000000000000000000002", -EINVAL, 0},
	{"-2", -EINVAL, 0}, {"4294967297", -EINVAL, 0}, {"\n1", 2, 1}, {"\v1", 2, 1},
	{"\r1", 2, 1}, {"1\r", -EINVAL, 0},
	// found by fuzz_sysctl (tests/fuzz-crashes/sysctl), then probed: 0xa0 is
	// white space to the kernel's isspace, and a write past a page counts
	// the part beyond the page as written
	{"\xa0" "1", 2, 1}, {"1" + std::string(4095, ' '), 4096, 1},
	{"1 " + std::string(5000, 'x'), 909, 1},
};

std::string Show(const std::string &s)
{
	std::string out;
	for (char c : s) {
		if (c == '\n') out += "\\n";
		else if (c == '\t') out += "\\t";
		else if (c == '\r') out += "\\r";
		else if (c == '\v') out += "\\v";
		else if (c == '\0') out += "\\0";
		else out += c;
	}
	return out;
}

class SysctlWrite : public ::testing::Test {
protected:
	void SetUp() override
	{
		root = pidns_new_root();
		ns = pidns_new_child(root);
	}
	void TearDown() override
	{
		pidns_put(ns);
		pidns_put(root);
	}
	int64_t Write(const std::string &s, uint64_t pos = 0, bool cap = true)
	{
		return pidns_write_memfd_noexec(ns, s.data(), s.size(), pos, cap);
	}
	std::string Read(uint64_t pos = 0, size_t size = 64)
	{
		char buf[64];
		size_t n = pidns_read_memfd_noexec(ns, buf, size < sizeof(buf) ? size : sizeof(buf), pos);
		return std::string(buf, n);
	}
	struct pidns *root, *ns;
};

// Every probed input: the bytes write() took (short writes included:
// text after the number's white space is left unread) and the value.
TEST_F(SysctlWrite, EveryProbedInput)
{
	for (const Case &c : kCases) {
		ASSERT_EQ(Write("0"), 1);
		EXPECT_EQ(Write(c.input), c.ret) << '"' << Show(c.input) << '"';
		EXPECT_EQ(pidns_memfd_noexec(ns), c.after) << '"' << Show(c.input) << '"';
	}
}

// proc_first_pos_non_zero_ignore (kernel.sysctl_writes_strict = 1): a
// write at a non-zero position takes all its bytes and changes nothing.
TEST_F(SysctlWrite, NonZeroPositionIsIgnored)
{
	EXPECT_EQ(Write("2", 1), 1);
	EXPECT_EQ(Write("12", 1), 2);
	EXPECT_EQ(Read(), "0\n");
	EXPECT_EQ(Write("1", 0), 1);
	EXPECT_EQ(Write("2", 1), 1);   // the same fd's second write lands at 1
	EXPECT_EQ(Read(), "1\n");
}

// pid_mfd_noexec_dointvec_minmax checks CAP_SYS_ADMIN before it parses:
// even invalid input is EPERM, and nothing changes.
TEST_F(SysctlWrite, NoCapSysAdminIsEpermBeforeParsing)
{
	ASSERT_EQ(Write("1"), 1);
	EXPECT_EQ(Write("2", 0, false), -EPERM);
	EXPECT_EQ(Write("1", 0, false), -EPERM);
	EXPECT_EQ(Write("x", 0, false), -EPERM);
	EXPECT_EQ(Read(), "1\n");
}

// proc_dointvec prints the value and a newline; a read that does not
// start at 0 gets nothing, so byte-by-byte reading ends after one digit.
TEST_F(SysctlWrite, ReadFormat)
{
	EXPECT_EQ(Read(), "0\n");
	EXPECT_EQ(Read(0, 1), "0");
	EXPECT_EQ(Read(1, 1), "");
	ASSERT_EQ(Write("2"), 1);
	EXPECT_EQ(Read(), "2\n");
}

// The bounds are the parent's effective value and 2 (probe 3a/3b): under
// a parent at 1, "0" is EINVAL, "2" then "1" are taken.
TEST_F(SysctlWrite, BoundsFollowTheParent)
{
	ASSERT_EQ(Write("1"), 1);
	struct pidns *b = pidns_new_child(ns);
	EXPECT_EQ(pidns_write_memfd_noexec(b, "0", 1, 0, true), -EINVAL);
	EXPECT_EQ(pidns_write_memfd_noexec(b, "2", 1, 0, true), 1);
	EXPECT_EQ(pidns_write_memfd_noexec(b, "1", 1, 0, true), 1);
	ASSERT_EQ(Write("2"), 1);                     // the parent goes up to 2
	EXPECT_EQ(pidns_memfd_noexec(b), 2);
	EXPECT_EQ(pidns_write_memfd_noexec(b, "1", 1, 0, true), -EINVAL);
	ASSERT_EQ(Write("0"), 1);                     // and down to 0
	EXPECT_EQ(pidns_memfd_noexec(b), 1);          // b's own 1 is left
	pidns_put(b);
}

// A namespace made while its parent is at 2 stores 2 and keeps it when
// the parent goes back down (probe 3c); a grandchild inherits a
// grandparent's 2 through a parent that stored 0 (probe 3d).
TEST_F(SysctlWrite, CreationStoresTheEffectiveValue)
{
	ASSERT_EQ(Write("2"), 1);
	struct pidns *c = pidns_new_child(ns);
	ASSERT_EQ(Write("0"), 1);
	EXPECT_EQ(pidns_memfd_noexec(c), 2);
	EXPECT_EQ(pidns_write_memfd_noexec(c, "1", 1, 0, true), 1);
	EXPECT_EQ(pidns_write_memfd_noexec(c, "0", 1, 0, true), 1);
	pidns_put(c);

	struct pidns *b = pidns_new_child(ns), *d = pidns_new_child(b);
	ASSERT_EQ(Write("2"), 1);
	EXPECT_EQ(pidns_memfd_noexec(d), 2);
	EXPECT_EQ(pidns_write_memfd_noexec(d, "1", 1, 0, true), -EINVAL);
	struct pidns *e = pidns_new_child(d);
	ASSERT_EQ(Write("0"), 1);
	EXPECT_EQ(pidns_memfd_noexec(e), 2);
	EXPECT_EQ(pidns_memfd_noexec(d), 0);
	pidns_put(e);
	pidns_put(d);
	pidns_put(b);
}

// The same inputs on this machine's kernel, now, in a child pid namespace
// (unshare -pf style): the model must answer as the kernel does. The
// caller's own value must be unchanged afterwards.
TEST_F(SysctlWrite, LiveKernelAgrees)
{
	std::vector<const char *> inputs;
	std::vector<size_t> lens;
	for (const Case &c : kCases) {
		inputs.push_back(c.input.data());
		lens.push_back(c.input.size());
	}
	std::vector<int64_t> rets(inputs.size());
	std::vector<int> afters(inputs.size());
	int own = shim_live_memfd_noexec_read_own();
	if (own < 0)
		GTEST_SKIP() << "no /proc/sys/vm/memfd_noexec on this kernel";
	int err = shim_live_memfd_noexec_writes(inputs.data(), lens.data(), inputs.size(), rets.data(),
						afters.data());
	if (err)
		GTEST_SKIP() << "cannot make a child pid namespace here (errno " << -err << ")";
	for (size_t i = 0; i < inputs.size(); i++) {
		ASSERT_EQ(Write("0"), 1);
		EXPECT_EQ(Write(kCases[i].input), rets[i]) << '"' << Show(kCases[i].input) << '"';
		EXPECT_EQ(pidns_memfd_noexec(ns), afters[i]) << '"' << Show(kCases[i].input) << '"';
	}
	EXPECT_EQ(shim_live_memfd_noexec_read_own(), own);
}

}  // namespace
