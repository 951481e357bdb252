/* fd_reopen: a memfd reached through other descriptors.
 *
 * Seals live on the file (the inode), not the descriptor:
 *   open("/proc/self/fd/N") opens the same memfd again with its own access
 *     mode: writes through an O_RDWR reopen of a write-sealed memfd -> EPERM;
 *     O_TRUNC is a truncate: allowed under F_SEAL_WRITE alone, EPERM under
 *     F_SEAL_SHRINK when there is data (even with O_RDONLY);
 *   an O_RDONLY reopen: MAP_SHARED+PROT_WRITE -> EACCES, F_ADD_SEALS -> EPERM
 *     (not open for writing), ftruncate -> EINVAL; its shared maps cannot
 *     become writable, so they do not block F_SEAL_WRITE;
 *   dup/dup2/dup3/F_DUPFD share the open file: a seal added through one is
 *     seen through all; dup3 takes only O_CLOEXEC and needs two fds;
 *   close_range(CLOSE_RANGE_CLOEXEC) only marks, close_range(0) closes.
 */
#include "corpus.h"

#include <linux/close_range.h>

static char path[64];

static const char *fd_path(int fd)
{
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return path;
}

int main(void)
{
	corpus_start("fd_reopen");
	char data[2 * PAGE];

	memset(data, 'd', sizeof(data));
	int fd = (int)OK(memfd_create("reopen", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	OK(write(fd, data, sizeof(data)));
	OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));

	/* ---- O_RDWR reopen of a write-sealed memfd ---- */
	step("@ reopen O_RDWR of a write-sealed memfd: opens");
	int rw = (int)OK(open(fd_path(fd), O_RDWR | O_CLOEXEC));
	step("@ write through the reopen: EPERM; seals seen through it");
	FAILS(EPERM, write(rw, "x", 1));
	CHECK(seals_of(rw) == F_SEAL_WRITE);
	step("@ O_TRUNC under F_SEAL_WRITE alone: truncates to 0");
	int tr = (int)OK(open(fd_path(fd), O_RDWR | O_TRUNC | O_CLOEXEC));
	CHECK(size_of(fd) == 0);
	OK(close(tr));

	step("@ grow back, add F_SEAL_SHRINK through the reopen");
	OK(ftruncate(rw, 2 * PAGE));
	OK(fcntl(rw, F_ADD_SEALS, F_SEAL_SHRINK));
	CHECK(seals_of(fd) == (F_SEAL_WRITE | F_SEAL_SHRINK));
	step("@ O_TRUNC under F_SEAL_SHRINK with data: EPERM, also RDONLY");
	FAILS(EPERM, open(fd_path(fd), O_RDWR | O_TRUNC | O_CLOEXEC));
	FAILS(EPERM, open(fd_path(fd), O_RDONLY | O_TRUNC | O_CLOEXEC));
	CHECK(size_of(fd) == 2 * PAGE);

	/* ---- O_RDONLY reopen ---- */
	int ro_fd = (int)OK(memfd_create("ro-reopen", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	OK(ftruncate(ro_fd, PAGE));
	step("@ reopen O_RDONLY");
	int ro = (int)OK(open(fd_path(ro_fd), O_RDONLY | O_CLOEXEC));
	step("@ through O_RDONLY: mmap shared rw EACCES");
	FAILS(EACCES, mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
	step("@ through O_RDONLY: F_ADD_SEALS EPERM, ftruncate EINVAL");
	FAILS(EPERM, fcntl(ro, F_ADD_SEALS, F_SEAL_GROW));
	FAILS(EINVAL, ftruncate(ro, 2 * PAGE));
	step("@ shared r map via O_RDONLY does not block F_SEAL_WRITE");
	char *m = (char *)OK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, ro, 0));
	OK(fcntl(ro_fd, F_ADD_SEALS, F_SEAL_WRITE));
	step("@ ... and cannot be made writable: EACCES");
	FAILS(EACCES, mprotect(m, PAGE, PROT_READ | PROT_WRITE));
	OK(munmap(m, PAGE));
	step("@ reopen of an fd that is not open: ENOENT");
	FAILS(ENOENT, open("/proc/self/fd/999", O_RDONLY | O_CLOEXEC));

	/* ---- duplicated descriptors share the file ---- */
	int g = (int)OK(memfd_create("dup", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	step("@ dup, dup2, dup3, F_DUPFD");
	int d1 = (int)OK(dup(g));
	CHECK(OK(dup2(g, 50)) == 50);
	CHECK(OK(dup3(g, 51, O_CLOEXEC)) == 51);
	CHECK(OK(fcntl(g, F_DUPFD, 60)) == 60);
	CHECK(OK(fcntl(g, F_DUPFD_CLOEXEC, 60)) == 61);
	CHECK(fcntl(d1, F_GETFD) == 0 && fcntl(51, F_GETFD) == FD_CLOEXEC);
	step("@ dup3 with flags other than O_CLOEXEC, or to itself: EINVAL");
	FAILS(EINVAL, dup3(g, 52, O_RDWR));
	FAILS(EINVAL, dup3(g, g, 0));
	step("@ dup2 to itself: returns it");
	CHECK(OK(dup2(g, g)) == g);
	step("@ a seal through fd 50 is seen through g, d1, 61");
	OK(fcntl(50, F_ADD_SEALS, F_SEAL_GROW));
	CHECK(seals_of(g) == F_SEAL_GROW && seals_of(d1) == F_SEAL_GROW &&
	      seals_of(61) == F_SEAL_GROW);
	FAILS(EPERM, ftruncate(d1, PAGE));

	step("@ close_range(50, 51, CLOEXEC): marks only");
	OK(syscall(SYS_close_range, 50, 51, CLOSE_RANGE_CLOEXEC));
	CHECK(fcntl(50, F_GETFD) == FD_CLOEXEC);
	step("@ close_range(50, 61, 0): closes 50, 51, 60, 61");
	OK(syscall(SYS_close_range, 50, 61, 0));
	FAILS(EBADF, fcntl(50, F_GET_SEALS));
	FAILS(EBADF, close(61));
	step("@ the file lives on through g and d1");
	OK(close(g));
	CHECK(seals_of(d1) == F_SEAL_GROW);
	step("@ close_range with first > last: EINVAL");
	FAILS(EINVAL, syscall(SYS_close_range, 61, 50, 0));

	return corpus_done();
}
