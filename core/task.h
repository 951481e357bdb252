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
 * Processes (fork, exec, threads) arrive with the rest of the memfd
 * issue.
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

struct task {
	struct mm *mm;
	const struct profile *profile;
	uint32_t step;
	struct refusal refusal;
	struct files *files;   /* NULL: no descriptors at all */
	struct pidns *pidns;   /* NULL: the initial namespace's rules */
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
