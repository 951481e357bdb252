/* memfd_exec: executable and non-executable memfds (Linux 6.3+), with
 * vm.memfd_noexec = 0 in this pid namespace (the program checks).
 *
 *   memfd_create(MFD_EXEC)          mode 0777; F_SEAL_SEAL unless ALLOW_SEALING
 *   memfd_create(MFD_NOEXEC_SEAL)   mode 0666, seals F_SEAL_EXEC, sealing
 *                                   allowed even without MFD_ALLOW_SEALING
 *   memfd_create(neither), value 0  as MFD_EXEC
 *   MFD_EXEC|MFD_NOEXEC_SEAL        EINVAL
 *   under F_SEAL_EXEC: fchmod that changes any 0111 bit -> EPERM
 *   F_SEAL_EXEC on a memfd whose mode has exec bits also adds
 *     SHRINK|GROW|WRITE|FUTURE_WRITE (so it is EBUSY under a shared rw map)
 *   execveat(fd, "", AT_EMPTY_PATH): no exec bit -> EACCES, empty -> ENOEXEC,
 *     open for writing through a /proc/self/fd reopen -> ETXTBSY,
 *     a copy of /bin/true -> runs (fexecve in a forked child)
 */
#include "corpus.h"

extern char **environ;

static int noexec_value(void)
{
	char v[8] = "";
	int fd = open("/proc/sys/vm/memfd_noexec", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, v, sizeof(v) - 1) < 1)
		return -1;
	close(fd);
	return v[0] - '0';
}

int main(void)
{
	corpus_start("memfd_exec");
	char *const argv_true[] = {"true", NULL};
	char path[64];

	if (noexec_value() != 0) {
		fprintf(stderr, "memfd_exec: expects vm.memfd_noexec = 0 here\n");
		return 1;
	}

	/* ---- the flags at creation ---- */
	step("@ MFD_EXEC: mode 0777, seals F_SEAL_SEAL");
	int ex = (int)OK(memfd_create("exec", MFD_CLOEXEC | MFD_EXEC));
	CHECK(mode_of(ex) == 0777 && seals_of(ex) == F_SEAL_SEAL);
	step("@ MFD_NOEXEC_SEAL: mode 0666, seals F_SEAL_EXEC");
	int nx = (int)OK(memfd_create("noexec", MFD_CLOEXEC | MFD_NOEXEC_SEAL));
	CHECK(mode_of(nx) == 0666 && seals_of(nx) == F_SEAL_EXEC);
	step("@ no exec flag, memfd_noexec 0: like MFD_EXEC");
	int df = (int)OK(memfd_create("default", MFD_CLOEXEC));
	CHECK(mode_of(df) == 0777 && seals_of(df) == F_SEAL_SEAL);
	step("@ MFD_EXEC|MFD_NOEXEC_SEAL: EINVAL");
	FAILS(EINVAL, memfd_create("both", MFD_EXEC | MFD_NOEXEC_SEAL));
	step("@ unknown flag 0x20: EINVAL");
	FAILS(EINVAL, memfd_create("unknown", 0x20));

	/* ---- F_SEAL_EXEC and fchmod ---- */
	step("@ under F_SEAL_EXEC: fchmod adding x EPERM");
	FAILS(EPERM, fchmod(nx, 0755));
	FAILS(EPERM, fchmod(nx, 0100));
	step("@ under F_SEAL_EXEC: fchmod of other bits 0");
	OK(fchmod(nx, 0600));
	OK(fchmod(nx, 02666));
	step("@ NOEXEC_SEAL memfd takes more seals (no F_SEAL_SEAL)");
	OK(fcntl(nx, F_ADD_SEALS, F_SEAL_GROW));
	CHECK(seals_of(nx) == (F_SEAL_EXEC | F_SEAL_GROW));
	step("@ control: fchmod of a memfd without F_SEAL_EXEC: 0");
	OK(fchmod(df, 0700));
	OK(fchmod(df, 0777));

	int es = (int)OK(memfd_create("exec-sealable", MFD_CLOEXEC | MFD_EXEC | MFD_ALLOW_SEALING));
	OK(ftruncate(es, PAGE));
	char *rw = (char *)OK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, es, 0));
	step("@ F_SEAL_EXEC on 0777 memfd, shared rw map: EBUSY");
	FAILS(EBUSY, fcntl(es, F_ADD_SEALS, F_SEAL_EXEC));
	OK(munmap(rw, PAGE));
	step("@ F_SEAL_EXEC on 0777 memfd: 0, seals become 0x3e");
	OK(fcntl(es, F_ADD_SEALS, F_SEAL_EXEC));
	CHECK(seals_of(es) == (F_SEAL_EXEC | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
			       F_SEAL_FUTURE_WRITE));
	FAILS(EPERM, write(es, "x", 1));
	step("@ fchmod 0644 of the exec-sealed 0777 memfd: EPERM");
	FAILS(EPERM, fchmod(es, 0644));

	/* ---- exec of a memfd ---- */
	char *const envp[] = {NULL};
	step("@ execveat of MFD_NOEXEC_SEAL memfd: EACCES");
	FAILS(EACCES, syscall(SYS_execveat, nx, "", argv_true, envp, AT_EMPTY_PATH));
	step("@ execveat of an empty MFD_EXEC memfd: ENOEXEC");
	FAILS(ENOEXEC, syscall(SYS_execveat, ex, "", argv_true, envp, AT_EMPTY_PATH));

	/* a copy of /bin/true in an executable memfd */
	int bin = open("/bin/true", O_RDONLY | O_CLOEXEC);
	int prog = (int)OK(memfd_create("true-copy", MFD_CLOEXEC | MFD_EXEC | MFD_ALLOW_SEALING));
	char chunk[1 << 16];
	ssize_t n;
	if (bin < 0)
		return perror("/bin/true"), 1;
	while ((n = read(bin, chunk, sizeof(chunk))) > 0)
		OK(write(prog, chunk, (size_t)n));
	close(bin);

	step("@ fchmod 0666 of the copy: execveat EACCES");
	OK(fchmod(prog, 0666));
	FAILS(EACCES, syscall(SYS_execveat, prog, "", argv_true, envp, AT_EMPTY_PATH));
	OK(fchmod(prog, 0755));

	step("@ while reopened O_RDWR via /proc/self/fd: ETXTBSY");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", prog);
	int wr = (int)OK(open(path, O_RDWR | O_CLOEXEC));
	FAILS(ETXTBSY, syscall(SYS_execveat, prog, "", argv_true, envp, AT_EMPTY_PATH));
	OK(close(wr));

	step("@ seal the copy: F_SEAL_EXEC|F_SEAL_SEAL (adds WRITE...)");
	OK(fcntl(prog, F_ADD_SEALS, F_SEAL_EXEC | F_SEAL_SEAL));
	CHECK(seals_of(prog) == 0x3f);

	step("@ fexecve of the sealed copy in a child: runs, exits 0");
	pid_t pid = fork();
	if (pid == 0) {
		fexecve(prog, argv_true, envp);
		_exit(127);
	}
	expect_child_ok(pid, "fexecve of a memfd copy of /bin/true");

	return corpus_done();
}
