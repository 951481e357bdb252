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
	uint64_t path_hash;    /* what maps prints for the file */
	uint32_t dev_major, dev_minor;
	uint32_t backing;      /* 0: none, else inode kind + 1 */
	uint32_t special;
	uint32_t anon;         /* canonical anon_vma number, 0 for none */
	uint32_t open_file;    /* canonical open-file number, 0 for none */
	uint32_t fork_child;   /* vma_is_fork_child: it merges differently */
};

/* Identities handed out in history order (anon_vma ids, open files) whose
 * sharing is state: VMAs sharing an anon_vma, or mapping the same open
 * file rather than two opens of one inode, merge where others do not.
 * Renumber them by first appearance in address order: an open-addressing
 * table from identity to canonical number. */
struct numbering {
	uint64_t *keys;
	uint32_t *numbers;
	size_t mask;
	uint32_t next;
};

static int numbering_init(struct numbering *n, size_t vmas)
{
	size_t size = 16;

	while (size < 2 * vmas)
		size <<= 1;
	n->keys = calloc(size, sizeof(*n->keys));
	n->numbers = calloc(size, sizeof(*n->numbers));
	n->mask = size - 1;
	n->next = 1;
	if (n->keys && n->numbers)
		return 0;
	free(n->keys);
	free(n->numbers);
	n->keys = NULL;
	n->numbers = NULL;
	return -1;
}

static void numbering_free(struct numbering *n)
{
	free(n->keys);
	free(n->numbers);
}

/* The canonical number of key (0 stays 0). */
static uint32_t numbering_get(struct numbering *n, uint64_t key)
{
	size_t i;

	if (!key)
		return 0;
	if (!n->keys)          /* no table (out of memory): fall back to presence */
		return 1;
	for (i = (size_t)(key * UINT64_C(0x9e3779b97f4a7c15) >> 32) & n->mask; n->keys[i];
	     i = (i + 1) & n->mask)
		if (n->keys[i] == key)
			return n->numbers[i];
	n->keys[i] = key;
	n->numbers[i] = n->next;
	return n->next++;
}

static void fill_record(struct vma_record *r, const struct vma *v, struct numbering *anon,
			struct numbering *files)
{
	memset(r, 0, sizeof(*r));
	r->start = v->start;
	r->end = v->end;
	r->flags = v->flags;
	r->pgoff = v->pgoff;
	if (v->file) {
		const struct inode *inode = v->file->inode;

		r->ino = inode->ino;
		r->path_hash = XXH3_64bits(inode->path, strlen(inode->path));
		r->dev_major = inode->dev_major;
		r->dev_minor = inode->dev_minor;
		r->backing = (uint32_t)inode->kind + 1;
		r->open_file = numbering_get(files, (uint64_t)(uintptr_t)v->file);
	}
	r->special = v->special;
	r->anon = numbering_get(anon, v->anon_vma);
	r->fork_child = vma_is_fork_child(v);
}

uint64_t mm_digest(const struct mm *mm)
{
	XXH3_state_t state;
	struct store_iter it;
	struct numbering anon, files;
	uint64_t layout[4] = { mm->start_brk, mm->brk, mm->start_stack, mm->has_vsyscall };

	numbering_init(&anon, mm_map_count(mm));
	numbering_init(&files, mm_map_count(mm));
	XXH3_64bits_reset(&state);
	for (struct vma *v = store_iter_seek(&it, &mm->vmas, 0); v; v = store_iter_next(&it)) {
		struct vma_record r;

		fill_record(&r, v, &anon, &files);
		XXH3_64bits_update(&state, &r, sizeof(r));
	}
	numbering_free(&anon);
	numbering_free(&files);
	XXH3_64bits_update(&state, layout, sizeof(layout));
	return XXH3_64bits_digest(&state);
}
