/* mmsim's own store (vma/store.h) behind the bench interface. */
#include <malloc.h>
#include <stdlib.h>

#include "bench/impl.h"
#include "vma/store.h"

static void *mmsim_create(void)
{
	struct store *s = malloc(sizeof(*s));
	if (s)
		store_init(s);
	return s;
}

/* Inserted one by one in creation (random) order, as mmap would. */
static int mmsim_build(void *inst, struct vma *const *insert_order, struct vma *const *by_addr,
		       size_t n)
{
	(void)by_addr;
	for (size_t i = 0; i < n; i++)
		if (store_insert(inst, insert_order[i]) != 0)
			return -1;
	return 0;
}

static void mmsim_destroy(void *inst)
{
	store_destroy(inst, NULL);
	free(inst);
}

static size_t mmsim_struct_bytes(const void *inst)
{
	return store_node_bytes(inst);
}

/* store_node_bytes() adds up the sizes the nodes ask malloc for; the
 * allocator rounds them up to its size classes. Find the two node sizes
 * through the public API (a one-VMA store is one leaf; STORE_SLOTS + 1
 * VMAs make two leaves under an internal root), then split a store's nodes
 * into leaves and internals from its node count and byte total. */
struct node_sizes {
	int known;        /* 1 found, -1 could not tell */
	size_t leaf, internal, leaf_usable, internal_usable;
};

static size_t usable_of(size_t bytes)
{
	void *p = malloc(bytes);
	size_t u = p ? malloc_usable_size(p) : 0;
	free(p);
	return u;
}

static const struct node_sizes *node_sizes(void)
{
	static struct node_sizes ns;
	if (ns.known)
		return &ns;
	ns.known = -1;
	struct store s;
	struct vma *v[STORE_SLOTS + 1];
	size_t made = 0;
	store_init(&s);
	for (; made < STORE_SLOTS + 1; made++) {
		uint64_t start = (made + 1) * 2 * PAGE_SIZE;
		v[made] = vma_new(start, start + PAGE_SIZE, VM_READ, start >> PAGE_SHIFT, NULL);
		if (!v[made] || store_insert(&s, v[made]) != 0)
			goto out;
		if (made == 0) {
			if (s.nodes != 1)
				goto out;
			ns.leaf = store_node_bytes(&s);
		}
	}
	if (s.nodes != 3 || s.height != 2)
		goto out;
	ns.internal = store_node_bytes(&s) - 2 * ns.leaf;
	ns.leaf_usable = usable_of(ns.leaf);
	ns.internal_usable = usable_of(ns.internal);
	if (ns.internal > ns.leaf && ns.leaf_usable && ns.internal_usable)
		ns.known = 1;
out:
	store_destroy(&s, NULL);
	for (size_t i = 0; i < made && i < STORE_SLOTS + 1; i++)
		if (v[i])
			vma_free(v[i]);
	return &ns;
}

static size_t mmsim_struct_bytes_usable(const void *inst)
{
	const struct store *s = inst;
	const struct node_sizes *ns = node_sizes();
	size_t bytes = store_node_bytes(s);
	if (ns->known != 1 || s->nodes == 0)
		return 0;
	/* leaves * leaf + (nodes - leaves) * internal = bytes */
	size_t diff = ns->internal * s->nodes - bytes, step = ns->internal - ns->leaf;
	if (ns->internal * s->nodes < bytes || diff % step)
		return 0;
	size_t leaves = diff / step;
	if (leaves > s->nodes)
		return 0;
	return leaves * ns->leaf_usable + (s->nodes - leaves) * ns->internal_usable;
}

static size_t mmsim_count(const void *inst)
{
	return ((const struct store *)inst)->count;
}

static int mmsim_check(const void *inst, char *err, size_t errlen)
{
	return store_check(inst, err, errlen);
}

static inline struct vma *mmsim_lookup(const void *inst, uint64_t addr)
{
	return store_lookup(inst, addr);
}

static int mmsim_insert(void *inst, struct vma *vma)
{
	return store_insert(inst, vma);
}

static void mmsim_erase(void *inst, struct vma *vma)
{
	store_erase(inst, vma);
}

static int mmsim_replace(void *inst, struct vma *const *old, unsigned nold,
			 struct vma *const *new_vmas, unsigned nnew)
{
	return store_replace(inst, old, nold, new_vmas, nnew);
}

IMPL_KERNELS(mmsim, mmsim_lookup)

const struct impl impl_mmsim = {
	.name = "mmsim",
	.create = mmsim_create,
	.build = mmsim_build,
	.destroy = mmsim_destroy,
	.struct_bytes = mmsim_struct_bytes,
	.struct_bytes_usable = mmsim_struct_bytes_usable,
	.count = mmsim_count,
	.check = mmsim_check,
	.lookup = mmsim_lookup,
	.insert = mmsim_insert,
	.erase = mmsim_erase,
	.replace = mmsim_replace,
	.lookup_chain = mmsim_lookup_chain,
	.lookup_indep = mmsim_lookup_indep,
};
