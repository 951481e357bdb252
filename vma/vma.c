#include "vma/vma.h"

#include <stdlib.h>

struct vma *vma_new(uint64_t start, uint64_t end, vm_flags_t flags, uint64_t pgoff,
		    struct file *file)
{
	struct vma *vma = malloc(sizeof(*vma));

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
	return vma;
}

struct vma *vma_dup(const struct vma *vma)
{
	struct vma *copy = malloc(sizeof(*copy));

	if (!copy)
		return NULL;
	*copy = *vma;
	if (copy->file)
		file_get(copy->file);
	return copy;
}

void vma_free(struct vma *vma)
{
	if (!vma)
		return;
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
