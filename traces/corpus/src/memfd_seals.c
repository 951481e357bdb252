/* memfd_seals: file seals on a memfd, set with fcntl(F_ADD_SEALS), and the
 * calls each one refuses. Every memfd below is made with MFD_ALLOW_SEALING
 * (without it the memfd starts with F_SEAL_SEAL) and has its own name, so a
 * trace recorded with -y shows which file each call is on.
 *
 *   F_SEAL_SHRINK   ftruncate smaller -> EPERM
 *   F_SEAL_GROW     ftruncate larger, write/fallocate past EOF -> EPERM;
 *                   a write crossing EOF is cut short at EOF
 *   F_SEAL_WRITE    write/pwrite/fallocate(PUNCH_HOLE) -> EPERM; mmap
 *                   MAP_SHARED+PROT_WRITE -> EPERM; mprotect(+W) of a shared
 *                   map made after the seal -> EACCES. Adding it while a
 *                   shared mapping that may become writable exists -> EBUSY
 *   F_SEAL_FUTURE_WRITE  like WRITE for new writers (write, new writable
 *                   shared maps, mprotect +W of maps made after it); existing
 *                   writable maps stay; never EBUSY
 *   F_SEAL_SEAL     any further F_ADD_SEALS -> EPERM
 * F_SEAL_EXEC is in memfd_exec.c; reopened and duplicated fds in fd_reopen.c.
 */
#include "corpus.h"

static int new_memfd(const char *name, long long size)
{
	int fd = (int)OK(memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING));

	if (fd < 0)
		exit(1);
	if (size)
		OK(ftruncate(fd, size));
	return fd;
}

int main(void)
{
	corpus_start("memfd_seals");
	char buf[PAGE];

	memset(buf, 'x', sizeof(buf));

	/* ---- F_SEAL_WRITE and the writable shared mappings it waits for ---- */
	int w = new_memfd("write", 2 * PAGE);
	step("@ new sealable memfd: no seals");
	CHECK(seals_of(w) == 0);
	OK(write(w, "before", 6));

	char *shared_rw = (char *)OK(mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, w, 0));
	step("@ F_SEAL_WRITE with a shared rw map: EBUSY");
	FAILS(EBUSY, fcntl(w, F_ADD_SEALS, F_SEAL_WRITE));
	OK(munmap(shared_rw, 2 * PAGE));

	char *shared_ro = (char *)OK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, w, 0));
	step("@ F_SEAL_WRITE with a shared r map via O_RDWR fd: EBUSY");
	FAILS(EBUSY, fcntl(w, F_ADD_SEALS, F_SEAL_WRITE)); /* may become writable */
	OK(munmap(shared_ro, PAGE));

	char *private_rw = (char *)OK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, w, 0));
	step("@ F_SEAL_WRITE with only a private map: 0");
	OK(fcntl(w, F_ADD_SEALS, F_SEAL_WRITE));
	CHECK(seals_of(w) == F_SEAL_WRITE);
	private_rw[0] = 'p'; /* a private copy: still writable */

	step("@ under F_SEAL_WRITE: write, pwrite EPERM");
	FAILS(EPERM, write(w, "x", 1));
	FAILS(EPERM, pwrite(w, "x", 1, 0));
	step("@ under F_SEAL_WRITE: fallocate PUNCH_HOLE EPERM");
	FAILS(EPERM, fallocate(w, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PAGE));
	step("@ under F_SEAL_WRITE: mmap shared rw EPERM");
	FAILS(EPERM, mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, w, 0));
	step("@ under F_SEAL_WRITE: mmap shared r 0, mprotect +W EACCES");
	char *ro_after = (char *)OK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, w, 0));
	FAILS(EACCES, mprotect(ro_after, PAGE, PROT_READ | PROT_WRITE));
	step("@ under F_SEAL_WRITE: mmap private rw 0, mprotect rwx 0");
	char *priv2 = (char *)OK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, w, 0));
	OK(mprotect(priv2, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC));
	step("@ under F_SEAL_WRITE: ftruncate both ways 0 (no size seal)");
	OK(ftruncate(w, 3 * PAGE));
	OK(ftruncate(w, PAGE));
	CHECK(ro_after[0] == 'b'); /* the bytes written before the seal */
	OK(munmap(ro_after, PAGE));
	OK(munmap(priv2, PAGE));
	OK(munmap(private_rw, PAGE));

	/* ---- F_SEAL_SHRINK ---- */
	int s = new_memfd("shrink", 2 * PAGE);
	OK(fcntl(s, F_ADD_SEALS, F_SEAL_SHRINK));
	step("@ under F_SEAL_SHRINK: ftruncate smaller EPERM");
	FAILS(EPERM, ftruncate(s, PAGE));
	FAILS(EPERM, ftruncate(s, 0));
	step("@ under F_SEAL_SHRINK: grow, same size, punch hole 0");
	OK(ftruncate(s, 4 * PAGE));
	OK(ftruncate(s, 4 * PAGE));
	OK(fallocate(s, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PAGE));
	CHECK(size_of(s) == 4 * PAGE);

	/* ---- F_SEAL_GROW ---- */
	int g = new_memfd("grow", 2 * PAGE);
	OK(fcntl(g, F_ADD_SEALS, F_SEAL_GROW));
	step("@ under F_SEAL_GROW: ftruncate larger EPERM");
	FAILS(EPERM, ftruncate(g, 3 * PAGE));
	step("@ under F_SEAL_GROW: write at EOF EPERM");
	FAILS(EPERM, pwrite(g, "x", 1, 2 * PAGE));
	step("@ under F_SEAL_GROW: write across EOF is short");
	CHECK(OK(pwrite(g, buf, 100, 2 * PAGE - 10)) == 10);
	step("@ under F_SEAL_GROW: fallocate past EOF EPERM");
	FAILS(EPERM, fallocate(g, 0, 0, 3 * PAGE));
	step("@ under F_SEAL_GROW: write inside, fallocate inside 0");
	OK(pwrite(g, buf, PAGE, 0));
	OK(fallocate(g, 0, 0, 2 * PAGE));
	step("@ under F_SEAL_GROW: shrink 0, then regrow EPERM");
	OK(ftruncate(g, PAGE));
	FAILS(EPERM, ftruncate(g, 2 * PAGE));

	/* ---- F_SEAL_FUTURE_WRITE ---- */
	int f = new_memfd("future", 2 * PAGE);
	char *old_rw = (char *)OK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0));
	char *old_ro = (char *)OK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, f, PAGE));
	step("@ F_SEAL_FUTURE_WRITE with shared rw map: 0 (no EBUSY)");
	OK(fcntl(f, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	old_rw[0] = 'o'; /* an existing writable mapping keeps writing */
	step("@ under FUTURE_WRITE: write EPERM");
	FAILS(EPERM, write(f, "x", 1));
	FAILS(EPERM, pwrite(f, "x", 1, 0));
	step("@ under FUTURE_WRITE: new mmap shared rw EPERM");
	FAILS(EPERM, mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0));
	step("@ under FUTURE_WRITE: shared r map made before: mprotect +W 0");
	OK(mprotect(old_ro, PAGE, PROT_READ | PROT_WRITE));
	step("@ under FUTURE_WRITE: shared r map made after: +W EACCES");
	char *new_ro = (char *)OK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, f, 0));
	FAILS(EACCES, mprotect(new_ro, PAGE, PROT_READ | PROT_WRITE));
	CHECK(new_ro[0] == 'o');
	step("@ F_SEAL_WRITE on top, rw maps still exist: EBUSY");
	FAILS(EBUSY, fcntl(f, F_ADD_SEALS, F_SEAL_WRITE));
	OK(munmap(old_rw, PAGE));
	OK(munmap(old_ro, PAGE));
	step("@ F_SEAL_WRITE once they are gone: 0");
	OK(fcntl(f, F_ADD_SEALS, F_SEAL_WRITE));
	OK(munmap(new_ro, PAGE));

	/* ---- F_SEAL_SEAL, and F_ADD_SEALS's own errors ---- */
	int e = new_memfd("seal", 0);
	step("@ F_ADD_SEALS unknown bit 0x40: EINVAL");
	FAILS(EINVAL, fcntl(e, F_ADD_SEALS, 0x40));
	step("@ F_ADD_SEALS 0: 0");
	OK(fcntl(e, F_ADD_SEALS, 0));
	OK(fcntl(e, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_GROW));
	CHECK(seals_of(e) == (F_SEAL_SEAL | F_SEAL_GROW));
	step("@ under F_SEAL_SEAL: any F_ADD_SEALS EPERM, even 0");
	FAILS(EPERM, fcntl(e, F_ADD_SEALS, F_SEAL_SHRINK));
	FAILS(EPERM, fcntl(e, F_ADD_SEALS, 0));

	int plain = (int)OK(memfd_create("no-sealing", MFD_CLOEXEC));
	step("@ memfd without MFD_ALLOW_SEALING: seals F_SEAL_SEAL");
	CHECK(seals_of(plain) == F_SEAL_SEAL);
	FAILS(EPERM, fcntl(plain, F_ADD_SEALS, F_SEAL_WRITE));

	int pipefd[2];
	OK(pipe2(pipefd, O_CLOEXEC));
	step("@ seals on a pipe: F_GET_SEALS EINVAL, F_ADD_SEALS on w EINVAL");
	FAILS(EINVAL, fcntl(pipefd[0], F_GET_SEALS));
	FAILS(EINVAL, fcntl(pipefd[1], F_ADD_SEALS, F_SEAL_WRITE));
	step("@ F_ADD_SEALS on the read end: EPERM (not open for writing)");
	FAILS(EPERM, fcntl(pipefd[0], F_ADD_SEALS, F_SEAL_WRITE));
	step("@ F_GET_SEALS on a closed fd: EBADF");
	OK(close(plain));
	FAILS(EBADF, fcntl(plain, F_GET_SEALS));

	return corpus_done();
}
