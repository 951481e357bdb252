/* A page fault in the model: what a touch of memory changes that later
 * syscalls can see. Only a write to private memory matters: the first
 * one in a VMA attaches an anon_vma (mm/memory.c: do_anonymous_page and
 * wp_page_copy -> mm/rmap.c: anon_vma_prepare). A read of anonymous
 * memory maps the shared zero page and attaches nothing. */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "vma/modify.h"

int64_t sys_touch(struct task *t, uint64_t addr, bool write)
{
	struct vma *vma = store_lookup(&t->mm->vmas, addr);

	refusal_clear(&t->refusal);
	if (!vma)
		return refuse(&t->refusal, EFAULT, NULL, "no VMA holds the address (SIGSEGV)");
	if (!(vma->flags & (write ? VM_WRITE : VM_READ)))
		return refuse(&t->refusal, EFAULT, vma, "the VMA does not allow the access (SIGSEGV)");
	if (write && !(vma->flags & VM_SHARED))
		vma_anon_vma_prepare(t->mm, vma);
	return 0;
}
