#include "tests/shim_modify.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "vma/modify.h"

vm_flags_t shim_anon_flags(vm_flags_t access)
{
	return access | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC |
	       ((access & VM_WRITE) ? VM_ACCOUNT : 0);
}

struct vma *shim_add_anon(struct mm *mm, unsigned first, unsigned n, vm_flags_t flags,
			  uint32_t anon)
{
	uint64_t start = SHIM_BASE + (uint64_t)first * PAGE_SIZE;
	struct vma *vma = vma_new(start, start + (uint64_t)n * PAGE_SIZE, flags,
				  start >> PAGE_SHIFT, NULL);

	if (!vma)
		return NULL;
	vma->anon_vma = anon;
	while (anon && mm->next_anon_vma <= anon)
		mm_new_anon_vma(mm);
	if (store_insert(&mm->vmas, vma)) {
		vma_free(vma);
		return NULL;
	}
	return vma;
}

struct vma *shim_add_file(struct mm *mm, unsigned first, unsigned n, vm_flags_t flags,
			  struct file *file, uint64_t pgoff)
{
	uint64_t start = SHIM_BASE + (uint64_t)first * PAGE_SIZE;
	struct vma *vma = vma_new(start, start + (uint64_t)n * PAGE_SIZE, flags, pgoff, file);

	if (vma && store_insert(&mm->vmas, vma)) {
		vma_free(vma);
		return NULL;
	}
	return vma;
}

struct vma *shim_add_special(struct mm *mm, unsigned first, unsigned n, vm_flags_t flags,
			     uint8_t special)
{
	struct vma *vma = shim_add_anon(mm, first, n, flags, 0);

	if (vma)
		vma->special = special;
	return vma;
}

void shim_draw(const struct mm *mm, char *buf, size_t size)
{
	struct store_iter it;
	size_t len = 0;

	buf[0] = '\0';
	for (struct vma *v = store_iter_seek(&it, &mm->vmas, 0); v; v = store_iter_next(&it)) {
		int n = snprintf(buf + len, len < size ? size - len : 0, "%s%" PRIu64 "-%" PRIu64
				 ":%c%c%c%c%s", len ? " " : "",
				 (v->start - SHIM_BASE) >> PAGE_SHIFT, (v->end - SHIM_BASE) >> PAGE_SHIFT,
				 v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
				 v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_MAYSHARE ? 's' : 'p',
				 vma_is_sealed(v) ? "+S" : "");
		if (n < 0 || len + (size_t)n >= size)
			return;
		len += (size_t)n;
	}
}

int shim_modify(struct mm *mm, unsigned first, unsigned n, vm_flags_t set, vm_flags_t clear)
{
	uint64_t start = SHIM_BASE + (uint64_t)first * PAGE_SIZE;
	struct vma *vma = mm_vma_lookup(mm, start), *out;
	struct vma_origin origin = { .step = 1, .nr = 10 };

	if (!vma)
		return -EFAULT;
	return vma_modify_flags(mm, vma, start, start + (uint64_t)n * PAGE_SIZE,
				(vma->flags & ~clear) | set, origin, &out);
}

const char *shim_mm_check(const struct mm *mm)
{
	static char err[256];

	err[0] = '\0';
	mm_check(mm, err, sizeof(err));
	return err;
}
