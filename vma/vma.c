#include "vma/vma.h"
#include "core/alloc.h"

#include <stdlib.h>

/* Every live VMA that maps a file shared and may become writable counts
 * once on the inode, wherever it lives (this mm, a fork's copy, a VMA
 * being built): the kernel's mapping->i_mmap_writable, which
 * F_SEAL_WRITE finds non-zero (EBUSY). VM_SHARED and VM_MAYWRITE are
 * fixed when a VMA is made, so counting at birth and death is exact. */
static void count_shared_maywrite(const struct vma *vma, int delta)
{
	if (vma->file && (vma->flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE))
		vma->file->inode->shared_maywrite_maps += (unsigned)delta;
}

struct vma *vma_new(uint64_t start, uint64_t end, vm_flags_t flags, uint64_t pgoff,
		    struct file *file)
{
	struct vma *vma = core_alloc(sizeof(*vma));

	if (!vma)
		return NULL;
	*vma = (struct vma){
		.start = start,
		.end = end,
		.flags = flags,
		.pgoff = pgoff,
		.file = file,
		.origin = { .step = 0, .nr = -1 },
	};
	if (file)
		file_get(file);
	count_shared_maywrite(vma, 1);
	return vma;
}

struct vma *vma_dup(const struct vma *vma)
{
	struct vma *copy = core_alloc(sizeof(*copy));

	if (!copy)
		return NULL;
	*copy = *vma;
	if (copy->file)
		file_get(copy->file);
	count_shared_maywrite(copy, 1);
	return copy;
}

void vma_free(struct vma *vma)
{
	if (!vma)
		return;
	count_shared_maywrite(vma, -1);
	file_put(vma->file);
	free(vma);
}

bool vma_can_merge(const struct vma *prev, const struct vma *next)
{
	if ((prev->flags ^ next->flags) & ~VM_IGNORE_MERGE)
		return false;
	/* Mappings of device memory never merge (VM_SPECIAL in mm/vma.c). */
	if (prev->flags & VM_SPECIAL)
		return false;
	if (prev->file != next->file)
		return false;
	/* Special mappings have their own vm_ops and never merge. */
	if (prev->special != VMA_NORMAL || next->special != VMA_NORMAL)
		return false;
	if (prev->pgoff + vma_pages(prev) != next->pgoff)
		return false;
	/* One side without an anon_vma adopts the other's. */
	return vma_anon_vmas_agree(prev, next);
}
