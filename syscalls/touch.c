/* A page fault in the model: what a touch of memory changes that later
 * syscalls can see, and whether it would be a SIGSEGV (-EFAULT here).
 *
 * - Below a VM_GROWSDOWN VMA the fault grows the stack down to the page
 *   first, whatever the access (mm/mmap.c: expand_downwards), keeping the
 *   guard gap above a previous accessible VMA; the stack gets an anon_vma.
 * - A page with a guard marker faults (MADV_GUARD_INSTALL).
 * - The VMA must allow the access; on x86 without protection keys any
 *   access bit lets a read through (page tables cannot say write-only).
 * - The first write to private memory attaches an anon_vma (mm/memory.c:
 *   do_anonymous_page, wp_page_copy -> mm/rmap.c: anon_vma_prepare); a
 *   read of anonymous memory maps the shared zero page and attaches
 *   nothing.
 */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "vma/modify.h"

/* expand_downwards: grow `stack` so that it starts at addr's page. */
static struct vma *grow_stack(struct task *t, struct vma *stack, uint64_t addr)
{
	struct mm *mm = t->mm;
	struct vma *prev = store_last_before(&mm->vmas, stack->start), *grown;
	uint64_t grow;

	addr &= PAGE_MASK;
	if (addr < mm->mmap_min_addr)
		return NULL;
	if (prev && !(prev->flags & VM_GROWSDOWN) && (prev->flags & VM_ACCESS_FLAGS) &&
	    addr - prev->end < STACK_GUARD_GAP)
		return NULL;
	vma_anon_vma_prepare(mm, stack);
	grow = pages(stack->start - addr);
	if (grow > stack->pgoff)
		return NULL;
	grown = vma_dup(stack);
	if (!grown)
		return NULL;
	grown->start = addr;
	grown->pgoff -= grow;
	if (store_replace(&mm->vmas, &stack, 1, &grown, 1)) {
		vma_free(grown);
		return NULL;
	}
	vma_free(stack);
	return grown;
}

int64_t sys_touch(struct task *t, uint64_t addr, bool write)
{
	struct vma *vma = store_find(&t->mm->vmas, addr);

	refusal_clear(&t->refusal);
	if (vma && vma->start > addr)
		vma = (vma->flags & VM_GROWSDOWN) ? grow_stack(t, vma, addr) : NULL;
	if (!vma)
		return refuse(&t->refusal, EFAULT, NULL, "no VMA holds the address (SIGSEGV)");
	if (guards_contains(&t->mm->guards, addr))
		return refuse(&t->refusal, EFAULT, vma, "a guard marker (MADV_GUARD_INSTALL) holds the page (SIGSEGV)");
	if (!(vma->flags & (write ? VM_WRITE : VM_ACCESS_FLAGS)))
		return refuse(&t->refusal, EFAULT, vma, "the VMA does not allow the access (SIGSEGV)");
	if (vma_beyond_object(vma, addr))
		return refuse(&t->refusal, EFAULT, vma, "mm/shmem.c: shmem_fault: past the end of the object (SIGBUS)");
	if (write && !(vma->flags & VM_SHARED))
		vma_anon_vma_prepare(t->mm, vma);
	return 0;
}
