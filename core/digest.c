#include "core/digest.h"

#include <stdlib.h>
#include <string.h>
#define XXH_STATIC_LINKING_ONLY   /* XXH3_state_t on the stack */
#include <xxhash.h>

/* A fixed-layout record per VMA, so the digest does not depend on
 * padding or pointer values. */
struct vma_record {
	uint64_t start, end, flags, pgoff;
	uint64_t ino;
	uint32_t dev_major, dev_minor;
	uint32_t backing;      /* 0: none, else inode kind + 1 */
	uint32_t special;
	uint32_t anon;         /* canonical anon_vma number, 0 for none */
	uint32_t pad;
};

/* anon_vma ids are handed out in history order, but which VMAs share one
 * is state (it decides merges). Renumber them by first appearance in
 * address order: an open-addressing table from id to canonical number. */
struct anon_numbering {
	uint32_t *ids, *numbers;
	size_t mask;
	uint32_t next;
};

static int numbering_init(struct anon_numbering *n, size_t vmas)
{
	size_t size = 16;

	while (size < 2 * vmas)
		size <<= 1;
	n->ids = calloc(size, sizeof(*n->ids));
	n->numbers = calloc(size, sizeof(*n->numbers));
	n->mask = size - 1;
	n->next = 1;
	return n->ids && n->numbers ? 0 : -1;
}

static uint32_t numbering_get(struct anon_numbering *n, uint32_t id)
{
	size_t i;

	if (!id)
		return 0;
	if (!n->ids)          /* no table (out of memory): fall back to presence */
		return 1;
	for (i = (id * UINT32_C(2654435761)) & n->mask; n->ids[i]; i = (i + 1) & n->mask)
		if (n->ids[i] == id)
			return n->numbers[i];
	n->ids[i] = id;
	n->numbers[i] = n->next;
	return n->next++;
}

static void fill_record(struct vma_record *r, const struct vma *v, struct anon_numbering *n)
{
	memset(r, 0, sizeof(*r));
	r->start = v->start;
	r->end = v->end;
	r->flags = v->flags;
	r->pgoff = v->pgoff;
	if (v->file) {
		const struct inode *inode = v->file->inode;

		r->ino = inode->ino;
		r->dev_major = inode->dev_major;
		r->dev_minor = inode->dev_minor;
		r->backing = (uint32_t)inode->kind + 1;
	}
	r->special = v->special;
	r->anon = numbering_get(n, v->anon_vma);
}

uint64_t mm_digest(const struct mm *mm)
{
	XXH3_state_t state;
	struct store_iter it;
	struct anon_numbering numbering;
	uint64_t layout[4] = { mm->start_brk, mm->brk, mm->start_stack, mm->has_vsyscall };

	if (numbering_init(&numbering, mm_map_count(mm))) {
		free(numbering.ids);
		free(numbering.numbers);
		numbering.ids = numbering.numbers = NULL;
	}
	XXH3_64bits_reset(&state);
	for (struct vma *v = store_iter_seek(&it, &mm->vmas, 0); v; v = store_iter_next(&it)) {
		struct vma_record r;

		fill_record(&r, v, &numbering);
		XXH3_64bits_update(&state, &r, sizeof(r));
	}
	free(numbering.ids);
	free(numbering.numbers);
	XXH3_64bits_update(&state, layout, sizeof(layout));
	return XXH3_64bits_digest(&state);
}
