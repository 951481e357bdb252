// The fd table (fs/file.c: ksys_dup3, dup2, alloc_fd, close_fd,
// __close_range; fs/fcntl.c: f_dupfd). Errnos and their order are what
// this 6.18.44 kernel returned to a probe (RLIMIT_NOFILE scaled to the
// table's limit here).
#include <gtest/gtest.h>

#include <cerrno>

#include "core/files.h"

namespace {

const uint64_t kCloexec = 02000000;   // O_CLOEXEC
const uint64_t kRangeCloexec = 1u << 2;

class Files : public ::testing::Test {
protected:
	void SetUp() override
	{
		inode = inode_new(INODE_MEMFD, 0, 1, 1, "/memfd:f (deleted)");
		file = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
		files = files_new(64);
		ASSERT_EQ(files_install(files, file, false, 0), 0);   // fd 0 is open
	}
	void TearDown() override
	{
		files_put(files);
		file_put(file);
		inode_put(inode);
	}
	struct inode *inode;
	struct file *file;
	struct files *files;
};

// ksys_dup3 checks flags, then oldfd == newfd, then newfd's limit, then
// oldfd: dup3(0,0) and dup3(99,99) are EINVAL, dup3(99,5,bad flags) is
// EINVAL, dup3(99,5,0) EBADF, dup3(0,limit) EBADF.
TEST_F(Files, Dup3CheckOrder)
{
	EXPECT_EQ(files_dup3(files, 0, 0, 0), -EINVAL);
	EXPECT_EQ(files_dup3(files, 99, 99, 0), -EINVAL);
	EXPECT_EQ(files_dup3(files, 99, 5, 4), -EINVAL);
	EXPECT_EQ(files_dup3(files, 0, 5, 4), -EINVAL);
	EXPECT_EQ(files_dup3(files, 99, 5, 0), -EBADF);
	EXPECT_EQ(files_dup3(files, 0, 64, 0), -EBADF);
	EXPECT_EQ(files_dup3(files, 99, 64, 0), -EBADF);
	EXPECT_EQ(files_dup3(files, 0, 5, kCloexec), 5);
	EXPECT_TRUE(files_cloexec(files, 5));
	EXPECT_EQ(files_lookup(files, 5), file);
}

// dup2 to the same fd returns it when open, EBADF when not; otherwise it
// is dup3 without flags (close-on-exec cleared).
TEST_F(Files, Dup2)
{
	EXPECT_EQ(files_dup2(files, 0, 0), 0);
	EXPECT_EQ(files_dup2(files, 99, 99), -EBADF);
	EXPECT_EQ(files_dup2(files, 0, 64), -EBADF);
	ASSERT_EQ(files_dup3(files, 0, 3, kCloexec), 3);
	EXPECT_EQ(files_dup2(files, 0, 3), 3);        // replaces fd 3
	EXPECT_FALSE(files_cloexec(files, 3));
}

// dup takes the lowest free fd; F_DUPFD the lowest at or above its floor,
// EINVAL for a floor outside [0, limit), EBADF for a closed oldfd.
TEST_F(Files, DupAndDupfdTakeTheLowestFree)
{
	EXPECT_EQ(files_dup(files, 0), 1);
	EXPECT_EQ(files_dup(files, 0), 2);
	EXPECT_EQ(files_close(files, 1), 0);
	EXPECT_EQ(files_dup(files, 0), 1);
	EXPECT_EQ(files_dupfd(files, 0, 10, true), 10);
	EXPECT_TRUE(files_cloexec(files, 10));
	EXPECT_EQ(files_dupfd(files, 0, 10, false), 11);
	EXPECT_EQ(files_dupfd(files, 0, 63, false), 63);
	EXPECT_EQ(files_dupfd(files, 0, 63, false), -EMFILE);
	EXPECT_EQ(files_dupfd(files, 0, 64, false), -EINVAL);
	EXPECT_EQ(files_dupfd(files, 0, -1, false), -EINVAL);
	EXPECT_EQ(files_dupfd(files, 99, 0, false), -EBADF);
	EXPECT_EQ(files_dup(files, 99), -EBADF);
	EXPECT_EQ(files_dup(files, -1), -EBADF);
}

// close: EBADF for a closed or negative fd.
TEST_F(Files, Close)
{
	EXPECT_EQ(files_close(files, 99), -EBADF);
	EXPECT_EQ(files_close(files, -1), -EBADF);
	EXPECT_EQ(files_close(files, 0), 0);
	EXPECT_EQ(files_close(files, 0), -EBADF);
}

// close_range: unknown flags and first > last are EINVAL; an empty range
// succeeds; CLOSE_RANGE_CLOEXEC marks instead of closing.
TEST_F(Files, CloseRange)
{
	ASSERT_EQ(files_dup3(files, 0, 5, 0), 5);
	ASSERT_EQ(files_dup3(files, 0, 7, 0), 7);
	EXPECT_EQ(files_close_range(files, 5, 4, 0), -EINVAL);
	EXPECT_EQ(files_close_range(files, 5, 10, 8), -EINVAL);
	EXPECT_EQ(files_close_range(files, 500, 600, 0), 0);
	EXPECT_EQ(files_close_range(files, UINT32_MAX, UINT32_MAX, 0), 0);
	EXPECT_EQ(files_close_range(files, 5, 6, kRangeCloexec), 0);
	EXPECT_TRUE(files_cloexec(files, 5));
	EXPECT_FALSE(files_cloexec(files, 7));
	EXPECT_EQ(files_close_range(files, 6, 100, 0), 0);
	EXPECT_EQ(files_lookup(files, 7), nullptr);
	EXPECT_EQ(files_lookup(files, 5), file);
}

// exec closes the close-on-exec fds; fork copies the table, sharing the
// open files (one reference each per table).
TEST_F(Files, ExecAndFork)
{
	ASSERT_EQ(files_dup3(files, 0, 4, kCloexec), 4);
	struct files *child = files_copy(files);
	ASSERT_NE(child, nullptr);
	EXPECT_EQ(file->refs, 1u + 2 + 2);   // ours, and fds 0 and 4 in both tables
	files_close_on_exec(child);
	EXPECT_EQ(files_lookup(child, 4), nullptr);
	EXPECT_EQ(files_lookup(child, 0), file);
	EXPECT_EQ(files_lookup(files, 4), file);
	files_put(child);
	EXPECT_EQ(file->refs, 3u);
}

}  // namespace
