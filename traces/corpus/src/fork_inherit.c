/* fork_inherit: seals across fork, threads and exec.
 *
 *   fork copies every VMA with its flags, VM_SEALED included: the child's
 *     copy refuses munmap/mprotect as the parent's does;
 *   except MADV_DONTFORK VMAs, which the child does not get at all (not even
 *     a sealed one: DONTFORK is allowed on sealed *writable* memory);
 *   MADV_WIPEONFORK VMAs are copied empty (the child reads zeros);
 *   a shared writable mapping inherited by the child keeps F_SEAL_WRITE out
 *     (EBUSY) after the parent unmapped its own, until the child is gone;
 *   threads (pthread_create: clone3 with CLONE_VM) share one mm: a seal made
 *     by one thread binds the others;
 *   exec replaces the mm: the sealed range is free in the new program.
 */
#include "corpus.h"

#include <pthread.h>

/* A fixed, page-aligned address far from where anything is placed, so that
 * the program exec'd in the last case can ask for the same range. */
#define EXEC_PROBE ((char *)0x3c0000000000UL)

static void *thread_seals(void *arg)
{
	char *page = arg;

	step("@ thread: mseal a page the main thread mapped: 0");
	OK(sys_mseal(page, PAGE, 0));
	step("@ thread: mprotect a page main sealed: EPERM");
	FAILS(EPERM, mprotect(page + PAGE, PAGE, PROT_READ));
	return NULL;
}

/* After exec: the range the old program had sealed is free. */
static int after_exec(void)
{
	corpus_start("fork_inherit (after exec)");
	step("@ after exec: the old sealed range is free: mmap 0");
	char *p = (char *)OK(mmap(EXEC_PROBE, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	CHECK(p == EXEC_PROBE);
	CHECK(!is_sealed(p));
	OK(munmap(p, PAGE));
	return corpus_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "after-exec") == 0)
		return after_exec();
	corpus_start("fork_inherit");

	/* ---- sealed VMAs in the child ----
	 *   S: [s s] sealed rw     U: [u u] control
	 */
	char *s = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	char *u = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	OK(sys_mseal(s, 2 * PAGE, 0));
	step("@ fork: the child's copy of sealed S is sealed");
	pid_t pid = fork();
	if (pid == 0) {
		CHECK(is_sealed(s));
		step("@ child: munmap / mprotect of S: EPERM");
		FAILS(EPERM, munmap(s, 2 * PAGE));
		FAILS(EPERM, mprotect(s, PAGE, PROT_READ));
		step("@ child: control U: munmap 0");
		OK(munmap(u, 2 * PAGE));
		child_done();
	}
	expect_child_ok(pid, "sealed VMA in the child");
	step("@ parent: U is still mapped (the child unmapped its copy)");
	OK(mprotect(u, 2 * PAGE, PROT_READ));

	/* ---- MADV_DONTFORK and MADV_WIPEONFORK ---- */
	char *dc = map_anon(PAGE, PROT_READ | PROT_WRITE);
	char *sdc = map_anon(PAGE, PROT_READ | PROT_WRITE);
	char *sro = map_anon(PAGE, PROT_READ);
	char *wf = map_anon(PAGE, PROT_READ | PROT_WRITE);
	step("@ madvise DONTFORK: 0");
	OK(madvise(dc, PAGE, MADV_DONTFORK));
	OK(sys_mseal(sdc, PAGE, 0));
	OK(sys_mseal(sro, PAGE, 0));
	step("@ madvise DONTFORK on sealed rw: 0; on sealed ro: EPERM");
	OK(madvise(sdc, PAGE, MADV_DONTFORK));
	FAILS(EPERM, madvise(sro, PAGE, MADV_DONTFORK));
	wf[0] = 0x5a;
	step("@ madvise WIPEONFORK: 0");
	OK(madvise(wf, PAGE, MADV_WIPEONFORK));
	pid = fork();
	if (pid == 0) {
		step("@ child: DONTFORK page absent: mprotect ENOMEM");
		FAILS(ENOMEM, mprotect(dc, PAGE, PROT_READ));
		step("@ child: sealed DONTFORK page absent: munmap 0, mmap 0");
		FAILS(ENOMEM, mprotect(sdc, PAGE, PROT_READ));
		OK(munmap(sdc, PAGE));
		OK(mmap(sdc, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
		step("@ child: WIPEONFORK page present, zero-filled");
		OK(mprotect(wf, PAGE, PROT_READ));
		CHECK(wf[0] == 0);
		child_done();
	}
	expect_child_ok(pid, "DONTFORK / WIPEONFORK");
	CHECK(wf[0] == 0x5a);
	step("@ parent: its own sealed DONTFORK page: munmap EPERM");
	FAILS(EPERM, munmap(sdc, PAGE));

	/* ---- a child's shared writable map keeps F_SEAL_WRITE out ---- */
	int fd = (int)OK(memfd_create("shared-with-child", MFD_CLOEXEC | MFD_ALLOW_SEALING));
	int go[2];
	OK(ftruncate(fd, PAGE));
	OK(pipe2(go, O_CLOEXEC));
	char *map = (char *)OK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
	step("@ fork: the child inherits the shared rw map");
	pid = fork();
	if (pid == 0) {
		char c;
		OK(close(go[1]));
		map[0] = 'c';
		OK(read(go[0], &c, 1)); /* until the parent has tried */
		child_done();
	}
	OK(close(go[0]));
	OK(munmap(map, PAGE));
	step("@ parent unmapped its map; child's map: F_SEAL_WRITE EBUSY");
	FAILS(EBUSY, fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	OK(write(go[1], "x", 1));
	expect_child_ok(pid, "holder of a shared writable map");
	step("@ the child has exited: F_SEAL_WRITE 0");
	OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	OK(close(go[1]));

	/* ---- threads share the mm ----
	 *   T: [t m]  page 0 sealed by the thread, page 1 by main
	 */
	char *t = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	OK(sys_mseal(t + PAGE, PAGE, 0));
	pthread_t th;
	CHECK(pthread_create(&th, NULL, thread_seals, t) == 0);
	CHECK(pthread_join(th, NULL) == 0);
	step("@ main: munmap of the page the thread sealed: EPERM");
	FAILS(EPERM, munmap(t, PAGE));

	/* ---- exec drops every seal ---- */
	char *e = (char *)OK(mmap(EXEC_PROBE, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
	CHECK(e == EXEC_PROBE);
	OK(sys_mseal(e, PAGE, 0));
	step("@ fork, child execs this program again");
	pid = fork();
	if (pid == 0) {
		char *const args[] = {argv[0], "after-exec", NULL};
		execv("/proc/self/exe", args);
		_exit(127);
	}
	expect_child_ok(pid, "exec after the seal");
	step("@ parent: still sealed here: munmap EPERM");
	FAILS(EPERM, munmap(e, PAGE));

	return corpus_done();
}
