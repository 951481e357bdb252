/* struct vma: one virtual memory area, [start, end) with one flags word.
 *
 *   start        end          flags: kernel vm_flags bits (core/flags.h),
 *     |<- pages ->|                  VM_SEALED and the pkey included
 *     pgoff: page offset into the file (anonymous: start >> PAGE_SHIFT)
 *     file:  NULL for private anonymous memory
 *
 * Kept to 56 bytes so that a 10^5-VMA image stays small: the store holds
 * pointers to these, and a VMA never moves while it lives.
 *
 * `anon_vma` names the anon_vma the VMA got when its pages were first
 * touched (the kernel attaches one on the first fault), 0 for none. Its
 * identity matters: it decides merges (mm/vma.c: is_mergeable_anon_vma;
 * two VMAs touched apart never merge, a neighbour's reused one does) and
 * whether mprotect may drop VM_ACCOUNT. `origin` names the call that created or last changed the
 * VMA, so that a refusal can be explained.
 */
#ifndef MMSIM_VMA_VMA_H
#define MMSIM_VMA_VMA_H

#include <stdbool.h>
#include <stdint.h>

#include "core/file.h"
#include "core/flags.h"
#include "core/page.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Mappings the kernel installs itself (mm/mmap.c: _install_special_mapping);
 * they refuse to be split (section 1.5 of the semantics reference). */
enum vma_special {
	VMA_NORMAL,
	VMA_VDSO,
	VMA_VVAR,
	VMA_VVAR_VCLOCK,
};

/* Where a VMA's current state came from: a syscall number (-1: none,
 * e.g. set up by exec) and the step (trace line, or call index). */
struct vma_origin {
	uint32_t step;
	int16_t nr;
};

struct vma {
	uint64_t start;
	uint64_t end;
	vm_flags_t flags;
	uint64_t pgoff;
	struct file *file;
	struct vma_origin origin;
	uint32_t anon_vma;    /* 0: no pages touched yet */
	uint8_t special;      /* enum vma_special */
	/* The anon_vma was made by fork for this copy, chained to the
	 * parent's (kernel: the anon_vma_chain is not singular). */
	bool anon_vma_forked;
};

/* A copy made by fork whose pages are still shared with the parent
 * (mm/vma.c: vma_is_fork_child): it must keep its own anon_vma, so it
 * neither lends it to a neighbour without one nor merges into one. */
static inline bool vma_is_fork_child(const struct vma *vma)
{
	return vma->anon_vma && vma->anon_vma_forked;
}

static inline bool vma_is_sealed(const struct vma *vma)
{
	return (vma->flags & VM_SEALED) != 0;
}

static inline uint64_t vma_pages(const struct vma *vma)
{
	return (vma->end - vma->start) >> PAGE_SHIFT;
}

static inline unsigned vma_pkey(const struct vma *vma)
{
	return (unsigned)((vma->flags & VM_PKEY_MASK) >> VM_PKEY_SHIFT);
}

/* The kernel's vma_is_anonymous(): no vm_ops. A private map of /dev/zero
 * keeps its file (maps prints /dev/zero) but drops its operations at
 * mmap (drivers/char/mem.c: mmap_zero), so it counts as anonymous. */
static inline bool vma_is_anonymous(const struct vma *vma)
{
	if (vma->special != VMA_NORMAL)
		return false;
	return vma->file == NULL || vma->file->inode->kind == INODE_DEVZERO;
}

/* The start of the VMA as a placement gap sees it: a stack that grows
 * down keeps STACK_GUARD_GAP free below it (include/linux/mm.h:
 * vm_start_gap; shadow stacks too, which this configuration lacks). */
static inline uint64_t vma_start_gap(const struct vma *vma)
{
	if (!(vma->flags & VM_GROWSDOWN))
		return vma->start;
	return vma->start > STACK_GUARD_GAP ? vma->start - STACK_GUARD_GAP : 0;
}

/* Two anon_vmas can be joined when they are one, or one side has none
 * and the other is not a fork child's (mm/vma.c: is_mergeable_anon_vma;
 * probed on 6.18.44: in a forked child, unfaulted memory next to faulted
 * memory stays a VMA of its own). */
static inline bool vma_anon_vmas_agree(const struct vma *a, const struct vma *b)
{
	if (a->anon_vma && b->anon_vma)
		return a->anon_vma == b->anon_vma;
	return !vma_is_fork_child(a) && !vma_is_fork_child(b);
}

/* Where, inside vma, the shmem object it maps ends (UINT64_MAX: not
 * inside it): a fault at or above that is a SIGBUS (mm/shmem.c:
 * shmem_fault). mremap can grow a shared mapping beyond its object; the
 * object does not grow with it. */
static inline uint64_t vma_object_end(const struct vma *vma)
{
	const struct inode *inode = vma->file ? vma->file->inode : NULL;
	uint64_t object_pages;

	if (!inode || !inode_is_shmem(inode))
		return UINT64_MAX;
	object_pages = pages(page_align(inode->size));
	if (object_pages <= vma->pgoff)
		return vma->start;
	if (object_pages - vma->pgoff >= pages(vma->end - vma->start))
		return UINT64_MAX;
	return vma->start + ((object_pages - vma->pgoff) << PAGE_SHIFT);
}

static inline bool vma_beyond_object(const struct vma *vma, uint64_t addr)
{
	return addr >= vma_object_end(vma);
}

/* The flags of the VMA that a and b merge into: their own (equal but for
 * the sticky bits), with the sticky bits of both. */
static inline vm_flags_t vma_merged_flags(const struct vma *a, const struct vma *b)
{
	return a->flags | (b->flags & VM_STICKY);
}

/* A new VMA (file reference taken); NULL when out of memory. */
struct vma *vma_new(uint64_t start, uint64_t end, vm_flags_t flags, uint64_t pgoff,
		    struct file *file);
/* A copy of `vma` (file reference taken); NULL when out of memory. */
struct vma *vma_dup(const struct vma *vma);
void vma_free(struct vma *vma);

/* Whether `next` could merge onto the end of `prev` if they were
 * adjacent: equal flags (but VM_SOFTDIRTY), same open file, contiguous
 * page offsets, compatible anon_vma (equal, or one side has none), neither special
 * (mm/vma.c: is_mergeable_vma, can_vma_merge_after). */
bool vma_can_merge(const struct vma *prev, const struct vma *next);

#ifdef __cplusplus
}
#endif

#endif
