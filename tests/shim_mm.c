/* VMAs and address spaces from plain descriptions, and deliberate
 * corruption, for tests/digest_test.cc, tests/mm_check_test.cc and the
 * checker tests in tests/store_test.cc.
 */
#include "tests/shim.h"

#include <errno.h>

#include "core/file.h"

struct vma *shim_spec_vma(const struct shim_vma_spec *spec)
{
	struct file *file = NULL;

	if (spec->backing != SHIM_ANON) {
		struct inode *inode = inode_new((enum inode_kind)spec->backing, spec->dev_major,
						spec->dev_minor, spec->ino,
						spec->path ? spec->path : "/shim");
		if (!inode)
			return NULL;
		file = file_open(inode, spec->file_mode ? spec->file_mode : FILE_MODE_READ);
		inode_put(inode);   /* the open file holds its own reference */
		if (!file)
			return NULL;
	}

	/* Start from a VMA nobody could object to, then write the spec over it:
	 * a malformed spec must reach the store exactly as described. */
	struct vma *v = vma_new(0, PAGE_SIZE, VM_NONE, 0, file);
	if (file)
		file_put(file);   /* the VMA holds its own reference */
	if (!v)
		return NULL;
	v->start = spec->start;
	v->end = spec->end;
	v->flags = spec->flags;
	v->pgoff = spec->pgoff;
	v->special = spec->special;
	v->anon_vma = spec->anon_vma;
	v->origin = spec->origin;
	return v;
}

int shim_spec_build(struct mm *mm, const struct shim_vma_spec *specs, size_t n,
		    const size_t *order)
{
	for (size_t i = 0; i < n; i++) {
		struct vma *v = shim_spec_vma(&specs[order ? order[i] : i]);
		if (!v)
			return -ENOMEM;
		int ret = store_insert(&mm->vmas, v);
		if (ret) {
			vma_free(v);
			return ret;
		}
		/* A spec names its anon_vma: make the mm have handed it out. */
		while (mm->next_anon_vma <= v->anon_vma)
			mm_new_anon_vma(mm);
	}
	return 0;
}

uint64_t shim_corrupt_vma_start(struct vma *vma, uint64_t start)
{
	uint64_t old = vma->start;

	vma->start = start;
	return old;
}

uint64_t shim_corrupt_vma_end(struct vma *vma, uint64_t end)
{
	uint64_t old = vma->end;

	vma->end = end;
	return old;
}

vm_flags_t shim_corrupt_vma_flags(struct vma *vma, vm_flags_t flags)
{
	vm_flags_t old = vma->flags;

	vma->flags = flags;
	return old;
}

void shim_corrupt_swap_vmas(struct vma *a, struct vma *b)
{
	struct vma tmp = *a;

	*a = *b;
	*b = tmp;
}

size_t shim_corrupt_store_count(struct store *store, size_t count)
{
	size_t old = store->count;

	store->count = count;
	return old;
}

unsigned shim_corrupt_store_height(struct store *store, unsigned height)
{
	unsigned old = store->height;

	store->height = height;
	return old;
}
