/* struct task: what a syscall runs in (the kernel's current).
 *
 *   task ──> mm        the address space (shared by threads)
 *        ──> profile   the semantics in force
 *        ──> refusal   why the last call failed, for explanations
 *        step          the trace line or call number, stamped on every
 *                      VMA the call creates or changes (vma->origin)
 *
 *        ──> files     the fd table (core/files.h)
 *        ──> pidns     the pid namespace (sysctl/pidns.h)
 *
 * A task may stand alone (tests, the demo: the caller owns what it points
 * to), or belong to a process table (core/tasks.h), which owns its
 * references and gives it a pid. Threads share mm (CLONE_VM) and files
 * (CLONE_FILES); a process's thread group is the tasks with its tgid.
 */
#ifndef MMSIM_CORE_TASK_H
#define MMSIM_CORE_TASK_H

#include <stdint.h>

#include "core/mm.h"
#include "core/profile.h"
#include "vma/refusal.h"

#ifdef __cplusplus
extern "C" {
#endif

struct files;
struct pidns;
struct tasks;

struct task {
	struct mm *mm;
	const struct profile *profile;
	uint32_t step;
	struct refusal refusal;
	struct files *files;   /* NULL: no descriptors at all */
	struct pidns *pidns;   /* NULL: the initial namespace's rules */

	/* Set by core/tasks.c; zero for a standalone task. */
	struct tasks *tasks;
	int64_t pid;           /* as the initial namespace numbers it (strace's) */
	int64_t tgid;          /* the thread group leader's pid */
	/* Where children go: the task's own namespace until
	 * unshare(CLONE_NEWPID) (the kernel's pid_ns_for_children). */
	struct pidns *pidns_for_children;
	bool cap_sys_admin;    /* may write sysctls, make namespaces */
	struct task *hash_next;
};

/* The origin a change made by the current call records: syscall nr. */
static inline struct vma_origin task_origin(const struct task *t, int nr)
{
	return (struct vma_origin){ .step = t->step, .nr = (int16_t)nr };
}

#ifdef __cplusplus
}
#endif

#endif
