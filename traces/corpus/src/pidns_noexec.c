/* pidns_noexec: vm.memfd_noexec belongs to a pid namespace.
 *
 *   0  memfd_create without an exec flag acts as MFD_EXEC (mode 0777)
 *   1  ... acts as MFD_NOEXEC_SEAL (mode 0666, F_SEAL_EXEC)
 *   2  as 1, and an explicit MFD_EXEC is refused: EACCES
 * A new namespace starts with its parent's value; a write must lie in
 * [parent's value, 2] (EINVAL otherwise), so a namespace can lower its own
 * value back to its parent's but never below it. Reads, writes and
 * memfd_create use the calling task's namespace.
 *
 * The shape of the run (every write happens in a namespace made here):
 *
 *   main (initial namespace, value 0: read, never written)
 *     unshare(CLONE_NEWPID); fork_and_wait
 *     └─ A = pid 1 of namespace N1: writes 3 (EINVAL), 1; memfds
 *          unshare(CLONE_NEWPID); fork_and_wait
 *          └─ B = pid 1 of N2 (child of N1): reads 1; writes 0 (EINVAL),
 *               2; MFD_EXEC -> EACCES; lowers itself to 1; 0 -> EINVAL
 *          A writes 2: MFD_EXEC -> EACCES; A lowers itself to 0
 *     main: a second fork into N1 (its init has exited): ENOMEM
 *     main: the initial namespace still reads 0
 *
 * Safety: a process writes the sysctl only after checking that it is pid 1
 * and that /proc/self/ns/pid is not the namespace main started in.
 *
 * The children are made by fork_and_wait(): a fork (clone without CLONE_VM)
 * with CLONE_VFORK, so that the parent sleeps until the child has exited.
 * Parent and child then never print at the same time, and the trace has the
 * same lines in the same order in every recording.
 */
#include "corpus.h"

#include <sched.h>
#include <signal.h>

#define SYSCTL "/proc/sys/vm/memfd_noexec"

static char initial_ns[64];

static void ns_of_self(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/ns/pid", out, len - 1);

	out[n > 0 ? n : 0] = '\0';
}

/* Refuses to go on unless this process is the init of a namespace made by
 * this program: the sysctl must never be written in the initial one. */
static void require_own_namespace(const char *who)
{
	char ns[64];

	ns_of_self(ns, sizeof(ns));
	if (getpid() != 1 || ns[0] == '\0' || strcmp(ns, initial_ns) == 0) {
		fprintf(stderr, "pidns_noexec: %s is not pid 1 of a new namespace (%s)\n",
			who, ns);
		_exit(2);
	}
}

static int read_value(void)
{
	char v[8] = "";
	int fd = open(SYSCTL, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, v, sizeof(v) - 1) != 2 || v[1] != '\n')
		return -1;
	close(fd);
	return v[0] - '0';
}

/* One write on a fresh descriptor (a write at a non-zero offset would be
 * ignored). Returns write()'s result; errno as it left it. */
static long write_value(const char *text)
{
	int fd = open(SYSCTL, O_WRONLY | O_CLOEXEC);
	long rc;
	int err;

	if (fd < 0)
		return -1;
	rc = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

/* Runs child() in a new process (the init of the namespace an unshare
 * prepared) and returns its pid once it has exited, its status checked. */
static pid_t fork_and_wait(void (*child)(void), const char *what)
{
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		child(); /* does not return */
	if (pid > 0)
		expect_child_ok(pid, what);
	return pid;
}

/* memfd_create(name, flags) and what it made: mode and seals, or -1. */
static void expect_memfd(const char *name, unsigned flags, unsigned mode, int seals)
{
	int fd = (int)OK(memfd_create(name, MFD_CLOEXEC | flags));

	CHECK(fd >= 0 && mode_of(fd) == mode && seals_of(fd) == seals);
	if (fd >= 0)
		close(fd);
}

static void namespace_b(void)
{
	require_own_namespace("B");
	step("@ B (pid 1 of N2 inside N1): reads 1, inherited");
	CHECK(read_value() == 1);
	step("@ B writes 0, below N1's 1: EINVAL");
	FAILS(EINVAL, write_value("0"));
	step("@ B writes 2: 1");
	CHECK(OK(write_value("2")) == 1);
	CHECK(read_value() == 2);
	step("@ B, value 2: MFD_EXEC EACCES");
	FAILS(EACCES, memfd_create("b-exec", MFD_CLOEXEC | MFD_EXEC));
	FAILS(EACCES, memfd_create("b-exec-sealing", MFD_CLOEXEC | MFD_EXEC | MFD_ALLOW_SEALING));
	step("@ B, value 2: no flag gets F_SEAL_EXEC, mode 0666");
	expect_memfd("b-default", 0, 0666, F_SEAL_EXEC);
	expect_memfd("b-noexec", MFD_NOEXEC_SEAL, 0666, F_SEAL_EXEC);
	step("@ B lowers itself to N1's value 1: 1");
	CHECK(OK(write_value("1")) == 1);
	step("@ B, value 1: MFD_EXEC allowed again");
	expect_memfd("b-exec-again", MFD_EXEC, 0777, F_SEAL_SEAL);
	child_done();
}

static void namespace_a(void)
{
	require_own_namespace("A");
	step("@ A (pid 1 of N1): reads 0, inherited");
	CHECK(read_value() == 0);
	step("@ A, value 0: no flag acts as MFD_EXEC");
	expect_memfd("a0-default", 0, 0777, F_SEAL_SEAL);
	step("@ A writes 3: EINVAL");
	FAILS(EINVAL, write_value("3"));
	step("@ A writes 1: 1");
	CHECK(OK(write_value("1")) == 1);
	step("@ A, value 1: no flag acts as MFD_NOEXEC_SEAL");
	expect_memfd("a1-default", 0, 0666, F_SEAL_EXEC);
	step("@ A, value 1: explicit MFD_EXEC allowed");
	expect_memfd("a1-exec", MFD_EXEC, 0777, F_SEAL_SEAL);

	step("@ A: unshare(CLONE_NEWPID), fork B into N2");
	OK(unshare(CLONE_NEWPID));
	CHECK(fork_and_wait(namespace_b, "B in N2") == 2); /* B's pid in N1 */
	step("@ A still reads its own 1 after B's writes");
	CHECK(read_value() == 1);

	step("@ A writes 2: MFD_EXEC EACCES");
	CHECK(OK(write_value("2")) == 1);
	FAILS(EACCES, memfd_create("a2-exec", MFD_CLOEXEC | MFD_EXEC));
	expect_memfd("a2-default", 0, 0666, F_SEAL_EXEC);
	step("@ A writes 0 (its parent is 0): 1, MFD_EXEC allowed");
	CHECK(OK(write_value("0")) == 1);
	expect_memfd("a0-exec", MFD_EXEC, 0777, F_SEAL_SEAL);
	child_done();
}

int main(void)
{
	corpus_start("pidns_noexec");
	ns_of_self(initial_ns, sizeof(initial_ns));

	step("@ main: the initial namespace reads 0 (never written)");
	int before = read_value();
	if (before != 0) {
		fprintf(stderr, "pidns_noexec: expects vm.memfd_noexec = 0, reads %d\n", before);
		return 1;
	}

	step("@ main: unshare(CLONE_NEWPID), fork A into N1");
	OK(unshare(CLONE_NEWPID));
	if (fork_and_wait(namespace_a, "A in N1") < 0)
		return perror("clone"), 1;

	step("@ main: fork into N1 after its init exited: ENOMEM");
	pid_t again = fork();
	if (again == 0)
		_exit(0);
	CHECK(again == -1 && errno == ENOMEM);

	step("@ main: the initial namespace still reads 0");
	CHECK(read_value() == before);
	step("@ main: MFD_EXEC allowed here");
	expect_memfd("main-exec", MFD_EXEC, 0777, F_SEAL_SEAL);

	return corpus_done();
}
