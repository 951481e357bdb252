/* mprotect(addr, len, prot) and pkey_mprotect(..., pkey):
 * mm/mprotect.c: do_mprotect_pkey, per VMA mprotect_fixup.
 *
 * The walk changes VMA after VMA; a refusal stops it with the VMAs before
 * already changed (the 6.12+ per-VMA seal check, semantics reference 5):
 *
 *   [ U rw ][ S r ]   mprotect(all, r)  ->  [ U r ][ S r ]  EPERM
 *   [ S r ][ U rw ]   mprotect(all, r)  ->  unchanged       EPERM
 */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "vma/modify.h"

#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM)

/* The new flags of one VMA: the requested access, the pkey, and the
 * VMA's other flags (VM_ACCESS_FLAGS and the pkey bits are replaced). */
static vm_flags_t new_vma_flags(const struct task *t, const struct vma *vma, uint64_t prot,
				int64_t pkey)
{
	vm_flags_t keep = vma->flags & ~(VM_ACCESS_FLAGS | VM_PKEY_MASK);
	vm_flags_t access = ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
			    ((prot & PROT_EXEC) ? VM_EXEC : 0);
	vm_flags_t key = 0;

	/* arch_override_mprotect_pkey: without PKU every VMA gets key 0;
	 * with it, -1 keeps the VMA's key. */
	if (t->profile->cpu_has_pku)
		key = pkey == -1 ? (vma->flags & VM_PKEY_MASK) : ((vm_flags_t)pkey << VM_PKEY_SHIFT);
	return keep | access | key;
}

/* mprotect_fixup: the seal test comes first, even when nothing would
 * change; then commit accounting decides VM_ACCOUNT. */
static int fixup(struct task *t, struct vma *vma, uint64_t start, uint64_t end,
		 vm_flags_t newflags, struct vma **out)
{
	vm_flags_t old = vma->flags;
	int err;

	*out = vma;
	if (vma_is_sealed(vma))
		return refuse(&t->refusal, EPERM, vma, "mm/mprotect.c: mprotect_fixup: the VMA is sealed");
	if (newflags == old)
		return 0;
	/* A private mapping becoming writable is charged for; it is only
	 * uncharged again while it is anonymous and untouched. */
	if (newflags & VM_WRITE) {
		if (!(old & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE)))
			newflags |= VM_ACCOUNT;
	} else if ((old & VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}
	err = vma_modify_flags(t->mm, vma, start, end, newflags, task_origin(t, NR_MPROTECT), out);
	if (err)   /* vma may be gone (a first split stays); *out still holds start */
		return refuse(&t->refusal, -err, *out,
			      err == -ENOMEM ? "mm/vma.c: split_vma: map_count at vm.max_map_count"
					     : "mm/vma.c: __split_vma: the mapping refuses to split");
	/* A locked private mapping turning writable is faulted in at once
	 * (populate_vma_page_range): write faults attach an anon_vma. */
	if ((old & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE))
		vma_anon_vma_prepare(t->mm, *out);
	return 0;
}

/* Where the walk starts: the first VMA must cover start (or, with
 * PROT_GROWSDOWN, be a stack reaching below end). */
static int first_vma(struct task *t, uint64_t *start, uint64_t end, bool growsdown,
		     struct vma **out)
{
	struct vma *vma = store_find(&t->mm->vmas, *start);

	if (!vma || vma->start >= end)
		return refuse(&t->refusal, ENOMEM, NULL, "mm/mprotect.c: do_mprotect_pkey: nothing mapped in range");
	if (growsdown) {
		*start = vma->start;
		if (!(vma->flags & VM_GROWSDOWN))
			return refuse(&t->refusal, EINVAL, vma,
				      "mm/mprotect.c: do_mprotect_pkey: PROT_GROWSDOWN on a VMA that does not grow down");
	} else if (vma->start > *start) {
		return refuse(&t->refusal, ENOMEM, NULL, "mm/mprotect.c: do_mprotect_pkey: hole at the start");
	}
	*out = vma;
	return 0;
}

static int64_t do_mprotect_pkey(struct task *t, uint64_t start, uint64_t len, uint64_t prot,
				int64_t pkey)
{
	uint64_t grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP), end, tmp;
	struct vma *vma;
	int err;

	refusal_clear(&t->refusal);
	prot &= ~(uint64_t)(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return refuse(&t->refusal, EINVAL, NULL, "mm/mprotect.c: both PROT_GROWSDOWN and PROT_GROWSUP");
	if (!page_aligned(start))
		return refuse(&t->refusal, EINVAL, NULL, "mm/mprotect.c: address not page aligned");
	if (!len)
		return 0;
	len = page_align(len);
	end = start + len;
	if (end <= start)
		return refuse(&t->refusal, ENOMEM, NULL, "mm/mprotect.c: range wraps");
	if (prot & ~(uint64_t)PROT_KNOWN)
		return refuse(&t->refusal, EINVAL, NULL, "include/linux/mman.h: arch_validate_prot: unknown PROT_ bits");
	if (pkey != -1 && !(t->profile->cpu_has_pku && pkey >= 0 && pkey < 16 &&
			    (t->mm->pkeys_allocated & (1u << pkey))))
		return refuse(&t->refusal, EINVAL, NULL, "mm/mprotect.c: do_mprotect_pkey: pkey not allocated");
	/* 6.10-6.11 walked the range for seals before looking at anything. */
	if (t->profile->seal_check == SEAL_CHECK_PREWALK && mm_range_has_sealed(t, start, end))
		return -EPERM;
	err = first_vma(t, &start, end, grows & PROT_GROWSDOWN, &vma);
	if (err)
		return err;
	/* x86 has no stacks growing up: refused once a VMA is found. */
	if (grows & PROT_GROWSUP)
		return refuse(&t->refusal, EINVAL, vma, "mm/mprotect.c: PROT_GROWSUP: no VM_GROWSUP on x86");

	tmp = vma->start;
	while (vma && vma->start < end) {
		uint64_t stop = vma->end < end ? vma->end : end;
		uint64_t from = start > vma->start ? start : vma->start;
		vm_flags_t newflags;

		if (vma->start != tmp)
			return refuse(&t->refusal, ENOMEM, NULL, "mm/mprotect.c: do_mprotect_pkey: hole in range");
		newflags = new_vma_flags(t, vma, prot, pkey);
		/* The VM_MAY* bits bound what may be granted (checked before
		 * the seal: EACCES wins over EPERM). */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			refuse(&t->refusal, EACCES, vma, "mm/mprotect.c: do_mprotect_pkey: access not allowed by VM_MAY*");
			/* A shared memfd map lost VM_MAYWRITE to a write seal. */
			return vma->file && vma->file->inode->seals ? refusal_seals(&t->refusal, vma->file->inode)
								    : -EACCES;
		}
		err = fixup(t, vma, from, stop, newflags, &vma);
		if (err)
			return err;
		tmp = vma->end;
		vma = store_find(&t->mm->vmas, tmp);
	}
	if (tmp < end)
		return refuse(&t->refusal, ENOMEM, NULL, "mm/mprotect.c: do_mprotect_pkey: hole at the end");
	return 0;
}

int64_t sys_mprotect(struct task *t, uint64_t addr, uint64_t len, uint64_t prot)
{
	return do_mprotect_pkey(t, addr, len, prot, -1);
}

int64_t sys_pkey_mprotect(struct task *t, uint64_t addr, uint64_t len, uint64_t prot, int64_t pkey)
{
	return do_mprotect_pkey(t, addr, len, prot, pkey);
}
