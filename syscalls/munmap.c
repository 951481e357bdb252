/* munmap(addr, len): mm/mmap.c: __vm_munmap -> mm/vma.c: do_vmi_munmap
 * (semantics reference 4). The unmapping itself is the shared path. */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"

int mm_munmap(struct task *t, uint64_t addr, uint64_t len)
{
	if (!page_aligned(addr) || addr > TASK_SIZE || len > TASK_SIZE - addr)
		return refuse(&t->refusal, EINVAL, NULL, "mm/vma.c: do_vmi_munmap: range outside user space or unaligned");
	len = page_align(len);
	if (!len)
		return refuse(&t->refusal, EINVAL, NULL, "mm/vma.c: do_vmi_munmap: len is 0");
	return mm_unmap(t, addr, addr + len);
}

int64_t sys_munmap(struct task *t, uint64_t addr, uint64_t len)
{
	refusal_clear(&t->refusal);
	return mm_munmap(t, addr, len);
}
