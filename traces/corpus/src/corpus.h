/* corpus.h: what every program of the trace corpus shares.
 *
 * Each program tries calls whose answer the kernel's sealing rules decide,
 * and checks the answer: OK(call) wants success, FAILS(ERRNO, call) wants
 * -1 with that errno. A program exits 0 when every answer was the expected
 * one and 1 otherwise, naming each surprise on stderr, so that a kernel whose
 * rules changed shows up when the corpus is re-recorded
 * (scripts/record-corpus.sh).
 *
 * step("...") labels the trace: it is an access() of a path that cannot
 * exist, so every strace style that shows file calls prints the label as
 *
 *     access("@ munmap of a sealed VMA: EPERM", F_OK) = -1 ENOENT (...)
 *
 * right before the calls it describes. mmsim does not model access(), so
 * the label is inert for replay. Labels stay under 64 bytes: some styles
 * record with -s 64.
 *
 * Header-only on purpose: every program is one .c file built with one gcc
 * command and no other source.
 */
#ifndef MMSIM_CORPUS_H
#define MMSIM_CORPUS_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* x86_64 only: the corpus documents 4 KiB pages and syscall numbers. */
#define PAGE 4096UL

/* glibc 2.36 has no wrapper for mseal (462 since Linux 6.10); strace 6.1
 * has no decoder for it and prints syscall_0x1ce with six raw arguments. */
#define NR_MSEAL 462

/* Linux 6.3's exec flags, newer than glibc 2.36's headers (and named by
 * strace only from 6.3: 6.1 prints them as numbers). */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

static inline long sys_mseal(const void *addr, unsigned long len, unsigned long flags)
{
	return syscall(NR_MSEAL, addr, len, flags);
}

static const char *corpus_name = "corpus";
static int corpus_checks;
static int corpus_failures;

static inline void step(const char *label)
{
	(void)syscall(SYS_access, label, F_OK);
}

static inline void corpus_start(const char *name)
{
	corpus_name = name;
	if (sysconf(_SC_PAGESIZE) != (long)PAGE) {
		fprintf(stderr, "%s: pages are not 4 KiB here\n", name);
		exit(1);
	}
}

/* The checks. rc is what the call returned, widened to long (mmap's
 * MAP_FAILED is -1 too); want_errno 0 means success. Returns rc. */
static inline long corpus_expect(long rc, int want_errno, const char *what,
				 int line)
{
	int err = rc == -1 ? errno : 0;

	corpus_checks++;
	if (err == want_errno)
		return rc;
	corpus_failures++;
	if (want_errno == 0)
		fprintf(stderr, "%s:%d: %s: want success, got -1 %s\n",
			corpus_name, line, what, strerrorname_np(err));
	else if (err == 0)
		fprintf(stderr, "%s:%d: %s: want -1 %s, got %ld\n", corpus_name,
			line, what, strerrorname_np(want_errno), rc);
	else
		fprintf(stderr, "%s:%d: %s: want -1 %s, got -1 %s\n",
			corpus_name, line, what, strerrorname_np(want_errno),
			strerrorname_np(err));
	return rc;
}

#define OK(call) corpus_expect((long)(call), 0, #call, __LINE__)
#define FAILS(err, call) corpus_expect((long)(call), (err), #call, __LINE__)

/* A fact that is no syscall result (a value read back, a mapping's state). */
#define CHECK(cond)                                                          \
	do {                                                                 \
		corpus_checks++;                                             \
		if (!(cond)) {                                               \
			corpus_failures++;                                   \
			fprintf(stderr, "%s:%d: expected %s\n", corpus_name, \
				__LINE__, #cond);                            \
		}                                                            \
	} while (0)

/* The end of main (or of a forked child: pass its exit path). */
static inline int corpus_done(void)
{
	if (corpus_failures) {
		fprintf(stderr, "%s: %d of %d checks failed\n", corpus_name,
			corpus_failures, corpus_checks);
		return 1;
	}
	printf("%s: %d checks as expected\n", corpus_name, corpus_checks);
	return 0;
}

/* A forked child ends with the verdict of its own checks as its status. */
static inline void child_done(void)
{
	fflush(stderr);
	_exit(corpus_failures ? 1 : 0);
}

/* Waits for pid and counts a check: it must have exited with status 0. */
static inline void expect_child_ok(pid_t pid, const char *what)
{
	int status = 0;

	corpus_checks++;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		corpus_failures++;
		fprintf(stderr, "%s: child %d (%s) failed: status 0x%x\n",
			corpus_name, (int)pid, what, status);
	}
}

/* Private anonymous memory, or exit: nothing can be checked without it. */
static inline char *map_anon(unsigned long len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

/* One VMA as /proc/self/smaps shows it. */
struct vma_info {
	uintptr_t start, end;
	char perms[5];     /* "rw-p" */
	bool sealed;       /* VmFlags has "sl" */
	bool dontcopy;     /* VmFlags has "dc" (MADV_DONTFORK) */
	bool wipeonfork;   /* VmFlags has "wf" */
};

static inline bool vmflags_has(const char *flags, const char *two)
{
	for (const char *f = flags; f[0] && f[1]; f++)
		if ((f == flags || f[-1] == ' ') && f[0] == two[0] &&
		    f[1] == two[1] && (f[2] == ' ' || f[2] == '\n' || !f[2]))
			return true;
	return false;
}

/* The VMA holding addr: 1 and *out filled, 0 if addr is in no VMA.
 * Reads /proc/self/smaps whole with large reads, so a trace shows a few
 * read() calls per look rather than hundreds. */
static inline int vma_at(const void *addr, struct vma_info *out)
{
	static char buf[1 << 18];
	size_t used = 0;
	ssize_t n;
	int fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	uintptr_t a = (uintptr_t)addr;
	int found = 0;

	if (fd < 0) {
		perror("/proc/self/smaps");
		exit(1);
	}
	while (used < sizeof(buf) - 1 &&
	       (n = read(fd, buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	close(fd);
	buf[used] = '\0';

	for (char *line = buf; line && *line;) {
		char *next = strchr(line, '\n');
		unsigned long s, e;
		char perms[5];

		if (next)
			*next++ = '\0';
		/* a VMA's first line; the others ("Rss:", "VmFlags:") do
		 * not scan as "START-END PERMS" */
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3) {
			found = a >= s && a < e;
			if (found) {
				out->start = s;
				out->end = e;
				memcpy(out->perms, perms, 5);
				out->sealed = out->dontcopy = out->wipeonfork = false;
			}
		} else if (found && strncmp(line, "VmFlags:", 8) == 0) {
			out->sealed = vmflags_has(line + 8, "sl");
			out->dontcopy = vmflags_has(line + 8, "dc");
			out->wipeonfork = vmflags_has(line + 8, "wf");
			return 1;
		}
		line = next;
	}
	return found;
}

/* Shorthands for CHECK: the VMA at addr starts/ends there, has these
 * permissions, is sealed or not. */
static inline bool vma_is(const void *addr, const void *start, const void *end,
			  const char *perms, bool sealed)
{
	struct vma_info v;

	if (!vma_at(addr, &v))
		return false;
	return v.start == (uintptr_t)start && v.end == (uintptr_t)end &&
	       strcmp(v.perms, perms) == 0 && v.sealed == sealed;
}

static inline bool is_sealed(const void *addr)
{
	struct vma_info v;

	return vma_at(addr, &v) == 1 && v.sealed;
}

static inline bool is_mapped(const void *addr)
{
	struct vma_info v;

	return vma_at(addr, &v) == 1;
}

/* F_GET_SEALS, for CHECK(seals_of(fd) == ...). */
static inline int seals_of(int fd)
{
	return fcntl(fd, F_GET_SEALS);
}

static inline unsigned mode_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return ~0u;
	return st.st_mode & 07777;
}

static inline long long size_of(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -1;
	return (long long)st.st_size;
}

#endif
