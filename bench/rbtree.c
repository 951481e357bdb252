/* Baseline: a red-black tree from libbsd's <sys/tree.h> (RB_HEAD,
 * RB_GENERATE), keyed by start, one node per VMA holding a pointer to it.
 *
 * The node keeps a copy of the VMA's start beside the pointer, so that
 * the descent reads one cache line per level as the kernel's old
 * VMA rbtree did (its rb_node sat inside the VMA, beside vm_start); the
 * VMA itself is read once at the end, for its `end`. Lookup is an
 * RB_NFIND-style descent for the last node with start <= addr. Insert
 * finds the slot and both neighbours in one descent (to refuse an
 * overlap), links the node and rebalances (RB_INSERT_COLOR), as the
 * kernel's rb_link_node + rb_insert_color did. Nodes come from malloc.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/tree.h>

#include "bench/impl.h"

struct rnode {
	RB_ENTRY(rnode) link;
	uint64_t start;
	struct vma *vma;
};

static int rnode_cmp(const struct rnode *a, const struct rnode *b)
{
	return a->start < b->start ? -1 : a->start > b->start;
}

RB_HEAD(rtree, rnode);
/* RB_GENERATE_STATIC spells its attribute __unused, which libbsd leaves
 * undefined (Debian #522773): the same, spelled out. */
RB_GENERATE_INTERNAL(rtree, rnode, link, rnode_cmp, static __attribute__((unused)))

struct rbtree {
	struct rtree head;
	size_t n;
	size_t node_bytes;   /* malloc_usable_size of one node */
};

static void *rbtree_create(void)
{
	struct rbtree *t = calloc(1, sizeof(*t));
	if (t)
		RB_INIT(&t->head);
	return t;
}

static inline struct vma *rbtree_lookup(const void *inst, uint64_t addr)
{
	const struct rbtree *t = inst;
	const struct rnode *x = RB_ROOT(&t->head), *best = NULL;
	while (x) {
		if (x->start <= addr) {
			best = x;
			x = RB_RIGHT(x, link);
		} else {
			x = RB_LEFT(x, link);
		}
	}
	if (best && addr < best->vma->end)
		return best->vma;
	return NULL;
}

static int rbtree_insert(void *inst, struct vma *vma)
{
	struct rbtree *t = inst;
	struct rnode *parent = NULL, *pred = NULL, *succ = NULL;
	struct rnode **slot = &RB_ROOT(&t->head);
	while (*slot) {
		parent = *slot;
		if (vma->start < parent->start) {
			succ = parent;
			slot = &RB_LEFT(parent, link);
		} else {
			pred = parent;
			slot = &RB_RIGHT(parent, link);
		}
	}
	if ((pred && pred->vma->end > vma->start) || (succ && succ->start < vma->end))
		return -EEXIST;
	struct rnode *node = malloc(sizeof(*node));
	if (!node)
		return -ENOMEM;
	if (!t->node_bytes)
		t->node_bytes = malloc_usable_size(node);
	node->start = vma->start;
	node->vma = vma;
	RB_SET(node, parent, link);
	*slot = node;
	rtree_RB_INSERT_COLOR(&t->head, node);
	t->n++;
	return 0;
}

static int rbtree_build(void *inst, struct vma *const *insert_order, struct vma *const *by_addr,
			size_t n)
{
	(void)by_addr;
	for (size_t i = 0; i < n; i++)
		if (rbtree_insert(inst, insert_order[i]) != 0)
			return -1;
	return 0;
}

static void rbtree_destroy(void *inst)
{
	struct rbtree *t = inst;
	struct rnode *x, *next;
	RB_FOREACH_SAFE(x, rtree, &t->head, next) {
		RB_REMOVE(rtree, &t->head, x);
		free(x);
	}
	free(t);
}

static size_t rbtree_struct_bytes(const void *inst)
{
	const struct rbtree *t = inst;
	return t->n * t->node_bytes;
}

static size_t rbtree_count(const void *inst)
{
	return ((const struct rbtree *)inst)->n;
}

static int rbtree_check(const void *inst, char *err, size_t errlen)
{
	const struct rbtree *t = inst;
	struct rtree *head = (struct rtree *)&t->head;
	const struct rnode *prev = NULL;
	struct rnode *x;
	size_t n = 0;
	RB_FOREACH(x, rtree, head) {
		if (x->start != x->vma->start || (prev && prev->vma->end > x->start)) {
			if (err)
				snprintf(err, errlen, "rbtree: node %zu out of order", n);
			return -1;
		}
		prev = x;
		n++;
	}
	if (n != t->n) {
		if (err)
			snprintf(err, errlen, "rbtree: %zu nodes, count %zu", n, t->n);
		return -1;
	}
	return 0;
}

static void rbtree_erase(void *inst, struct vma *vma)
{
	struct rbtree *t = inst;
	struct rnode key = { .start = vma->start };
	struct rnode *x = RB_FIND(rtree, &t->head, &key);
	if (!x || x->vma != vma)
		bench_die("rbtree: erase of a VMA not in the tree");
	RB_REMOVE(rtree, &t->head, x);
	free(x);
	t->n--;
}

static int rbtree_replace(void *inst, struct vma *const *old, unsigned nold,
			  struct vma *const *new_vmas, unsigned nnew)
{
	for (unsigned k = 0; k < nold; k++)
		rbtree_erase(inst, old[k]);
	for (unsigned k = 0; k < nnew; k++) {
		int err = rbtree_insert(inst, new_vmas[k]);
		if (err)
			return err;
	}
	return 0;
}

IMPL_KERNELS(rbtree, rbtree_lookup)

const struct impl impl_rbtree = {
	.name = "rbtree",
	.create = rbtree_create,
	.build = rbtree_build,
	.destroy = rbtree_destroy,
	.struct_bytes = rbtree_struct_bytes,
	.count = rbtree_count,
	.check = rbtree_check,
	.lookup = rbtree_lookup,
	.insert = rbtree_insert,
	.erase = rbtree_erase,
	.replace = rbtree_replace,
	.lookup_chain = rbtree_lookup_chain,
	.lookup_indep = rbtree_lookup_indep,
};
