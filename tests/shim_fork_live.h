/* C helpers for the live fork comparisons in tests/sys_process_test.cc:
 * one scenario run twice, for real and in the model, and the fork
 * child's (and parent's) window of /proc/PID/smaps compared with what
 * core/maps.h prints for the model's mms.
 *
 *   test process ──fork──> P: "before" ops in the window, then
 *                            ──fork──> C: "child" ops and probes
 *                            "parent" ops and probes
 *   the test reads /proc/P/smaps and /proc/C/smaps, then lets both go.
 *
 * The scenario runs in P, not in the test process, so that seals,
 * mlocked pages and guard markers never stay behind in the test runner.
 * The window is SHIM_FORK_PAGES pages from SHIM_FORK_BASE, mapped with
 * MAP_FIXED_NOREPLACE; its first and last pages are never used, so
 * nothing outside it can merge with a scenario mapping. Every call goes
 * through syscall(2) (no sanitizer interceptor), and P and C allocate
 * nothing.
 *
 * A probe (SHIM_FORK_READ) reads each page of a range the way the
 * kernel reads user memory for a syscall: write(2) of one byte from the
 * page into a pipe, 0 when the page is readable and EFAULT when the
 * access faults (a guard marker, no VMA, PROT_NONE), with no signal. The
 * model's probe is sys_touch(read).
 *
 * Only for tests.
 */
#ifndef MMSIM_TESTS_SHIM_FORK_LIVE_H
#define MMSIM_TESTS_SHIM_FORK_LIVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHIM_FORK_BASE UINT64_C(0x7e0000000000)
#define SHIM_FORK_PAGES 64u
#define SHIM_FORK_MAX_OPS 64u

/* Who performs an op: P before the fork, P after it, or C. */
enum shim_fork_who {
	SHIM_FORK_BEFORE,
	SHIM_FORK_PARENT,
	SHIM_FORK_CHILD,
};

enum shim_fork_kind {
	SHIM_FORK_MMAP,      /* mmap(page, npages, prot, flags|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE) */
	SHIM_FORK_MPROTECT,  /* mprotect(page, npages, prot) */
	SHIM_FORK_MADVISE,   /* madvise(page, npages, arg) */
	SHIM_FORK_MSEAL,     /* mseal(page, npages, 0) */
	SHIM_FORK_MUNMAP,    /* munmap(page, npages) */
	SHIM_FORK_TOUCH,     /* write one byte to each page (never a guarded one) */
	SHIM_FORK_READ,      /* probe: read each page; 0, or EFAULT for the first that faults */
};

struct shim_fork_op {
	int who;             /* enum shim_fork_who */
	int kind;            /* enum shim_fork_kind */
	unsigned page, npages;
	int prot, flags, arg;
};

struct shim_fork_run {
	int error;           /* 0, or an errno of the machinery (not of an op) */
	const char *what;    /* what that error was about */
	int results[SHIM_FORK_MAX_OPS];  /* per op: 0 or the errno it returned */
	char *parent_smaps;  /* P's window: each VMA's header line and VmFlags line */
	char *child_smaps;   /* C's window, the same way */
	char *check;         /* model only: mm_check messages ("" when both pass) */
};

/* The scenario on the live kernel. 0, or -errno with out->error set. */
int shim_fork_live_run(const struct shim_fork_op *ops, size_t n, struct shim_fork_run *out);
/* The scenario in the model (tasks_start, the sys_* entries, sys_fork),
 * rendered with mm_format_maps_line and vm_flags_format. */
int shim_fork_model_run(const struct shim_fork_op *ops, size_t n, struct shim_fork_run *out);
void shim_fork_run_release(struct shim_fork_run *out);

/* 1 when MADV_GUARD_INSTALL (6.13+) works on a scratch private mapping. */
int shim_fork_have_guard_install(void);
/* 1 when mseal (6.10+) exists. */
int shim_fork_have_mseal(void);
/* 1 when the window is free in this process (MAP_FIXED_NOREPLACE works
 * there and finds nothing). */
int shim_fork_window_free(void);

#ifdef __cplusplus
}
#endif

#endif
