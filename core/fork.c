/* fork's copy of an address space (kernel/fork.c: dup_mmap), as probed on
 * 6.18.44:
 *
 *   parent  [rw- faulted][dc][wf, guards][lo][sealed]
 *   child   [rw- faulted]    [wf, empty ][  ][sealed]
 *            own anon_vma,    no anon_vma,  VM_LOCKED dropped,
 *            a fork child's   no guards     seal kept
 *
 * - VM_DONTCOPY (MADV_DONTFORK) VMAs are left out: a hole in the child.
 * - VM_WIPEONFORK VMAs are copied with their flags but not their pages:
 *   no anon_vma, no guard markers (the page tables are not copied).
 * - VM_LOCKED and VM_LOCKONFAULT are dropped; every other flag, VM_SEALED
 *   included, is kept.
 * - Every other VMA with an anon_vma gets one of its own, a new one per
 *   VMA even where the parent's VMAs shared one (mm/rmap.c: anon_vma_fork),
 *   and is a fork child for merging (vma/vma.h: vma_is_fork_child).
 * - Guard markers are copied with the page tables (shared ones too).
 * - File mappings keep their open file; shared writable ones count once
 *   more on the inode (vma/vma.c), so F_SEAL_WRITE sees the child's.
 *
 * Not modelled: an anon_vma with no VMAs left being reused by a
 * grandchild (anon_vma_clone's reuse), which only changes merges there.
 */
#include "core/mm.h"

#include <stdlib.h>

/* The child's copy of v, or NULL when out of memory. */
static struct vma *copy_for_child(struct mm *child, const struct vma *v)
{
	struct vma *copy = vma_dup(v);

	if (!copy)
		return NULL;
	copy->flags &= ~(VM_LOCKED | VM_LOCKONFAULT);
	copy->anon_vma_forked = false;
	if (v->flags & VM_WIPEONFORK) {
		copy->anon_vma = 0;
	} else if (v->anon_vma) {
		copy->anon_vma = mm_new_anon_vma(child);
		copy->anon_vma_forked = true;
	}
	return copy;
}

static int copy_vmas(struct mm *child, const struct mm *parent)
{
	struct store_iter it;

	for (struct vma *v = store_iter_seek(&it, &parent->vmas, 0); v; v = store_iter_next(&it)) {
		struct vma *copy;

		if (v->flags & VM_DONTCOPY)
			continue;
		copy = copy_for_child(child, v);
		if (!copy || store_insert(&child->vmas, copy)) {
			vma_free(copy);
			return -1;
		}
	}
	return 0;
}

/* Guard markers go with the page tables of the VMAs whose pages are
 * copied: not those left out, not the wiped ones. */
static int copy_guards(struct mm *child, const struct mm *parent)
{
	for (size_t i = 0; i < parent->guards.n; i++) {
		const struct guard_range *g = &parent->guards.r[i];

		for (uint64_t addr = g->start; addr < g->end;) {
			const struct vma *v = store_find(&parent->vmas, addr);
			uint64_t lo, hi;

			if (!v || v->start >= g->end)
				break;
			lo = addr > v->start ? addr : v->start;
			hi = g->end < v->end ? g->end : v->end;
			if (!(v->flags & (VM_DONTCOPY | VM_WIPEONFORK)) && guards_add(&child->guards, lo, hi))
				return -1;
			addr = hi;
		}
	}
	return 0;
}

struct mm *mm_fork(const struct mm *parent)
{
	struct mm *child = mm_new();

	if (!child)
		return NULL;
	child->max_map_count = parent->max_map_count;
	child->mmap_base = parent->mmap_base;
	child->mmap_min_addr = parent->mmap_min_addr;
	child->start_brk = parent->start_brk;
	child->brk = parent->brk;
	child->start_stack = parent->start_stack;
	child->has_vsyscall = parent->has_vsyscall;
	child->next_anon_vma = parent->next_anon_vma;
	child->pkeys_allocated = parent->pkeys_allocated;
	child->pkey_map_full = parent->pkey_map_full;
	if (copy_vmas(child, parent) || copy_guards(child, parent)) {
		mm_put(child);
		return NULL;
	}
	return child;
}
