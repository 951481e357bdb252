/* Why a call was refused: the rule, and the VMA that made it refuse.
 *
 * Filled in where a check fails (a sealed VMA in an unmap, a VM_MAY*
 * bit missing in mprotect, ...) so that replay and the demo can say
 * "EPERM: 7f..000-7f..000 is sealed (mseal at line 12)". The VMA's
 * range, flags and origin are copied: the VMA itself may be gone by the
 * time anyone reads this.
 */
#ifndef MMSIM_VMA_REFUSAL_H
#define MMSIM_VMA_REFUSAL_H

#include <stdint.h>
#include <string.h>

#include "vma/vma.h"

#ifdef __cplusplus
extern "C" {
#endif

struct refusal {
	int err;             /* the errno returned, 0 when nothing refused */
	const char *rule;    /* the kernel function and condition, in words */
	bool has_vma;
	uint64_t start, end; /* the VMA that refused, when has_vma */
	vm_flags_t flags;
	struct vma_origin origin;
	/* The kernel's answer depends on something the model does not hold
	 * (a file system path, huge pages): err is a placeholder, and replay
	 * counts the call as unmodelled rather than comparing it. */
	bool unmodelled;
	/* The file's seals when they decided it, with the step that set each. */
	unsigned seals;
	uint32_t seal_step[6];
};

static inline void refusal_clear(struct refusal *r)
{
	if (r)
		memset(r, 0, sizeof(*r));
}

/* Record err and rule (and vma when not NULL) in r (may be NULL); returns
 * -err so that a check reads `return refuse(why, EPERM, vma, "...");`. */
static inline int refuse(struct refusal *r, int err, const struct vma *vma, const char *rule)
{
	if (r) {
		refusal_clear(r);
		r->err = err;
		r->rule = rule;
		if (vma) {
			r->has_vma = true;
			r->start = vma->start;
			r->end = vma->end;
			r->flags = vma->flags;
			r->origin = vma->origin;
		}
	}
	return -err;
}

/* Note the seals of inode in r, after a refusal they decided; returns
 * r->err negated, so that it can end a refusal: `return refuse_seals(...)`. */
static inline int refusal_seals(struct refusal *r, const struct inode *inode)
{
	if (!r)
		return 0;
	r->seals = inode->seals;
	memcpy(r->seal_step, inode->seal_step, sizeof(r->seal_step));
	return -r->err;
}

/* A call the model cannot answer: -err is returned, marked unmodelled. */
static inline int refuse_unmodelled(struct refusal *r, int err, const char *why)
{
	int ret = refuse(r, err, NULL, why);

	if (r)
		r->unmodelled = true;
	return ret;
}

#ifdef __cplusplus
}
#endif

#endif
