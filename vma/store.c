/* The VMA store: a B+tree keyed by range end (see the diagram in store.h).
 *
 * Node invariants (checked by store_check):
 * - a leaf's pivot[i] is vma[i]->end; an internal node's pivot[i] is the
 *   largest end below child[i]; unused pivots are UINT64_MAX, so a search
 *   can count "pivots <= addr" over all STORE_SLOTS without a bound;
 * - an internal node's gap[i] is the largest gap below any VMA under
 *   child[i], and store->root_gap the largest in the whole tree (a node
 *   does not keep its own: its parent's slot does, which keeps a leaf at
 *   exactly 256 bytes and an internal node within 384);
 * - every leaf is at the same depth; non-root nodes hold at least
 *   STORE_MIN_FILL entries.
 *
 * Changes first reserve every node they may need (at most one per level
 * per insert, plus a new root), so an allocation failure returns -ENOMEM
 * before anything moves. Summaries (pivots, gaps) are then recomputed
 * from each changed node upwards, stopping where an ancestor's entry
 * comes out unchanged.
 */
#include "vma/store.h"
#include "core/alloc.h"

#include "core/errmsg.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store_node {
	struct store_node *parent;
	uint8_t count;
	uint8_t leaf;
	uint64_t pivot[STORE_SLOTS];
	void *slot[STORE_SLOTS];     /* leaf: struct vma *; internal: struct store_node * */
	uint64_t gap[];              /* internal nodes only: largest gap under child i */
};

#define LEAF_BYTES (offsetof(struct store_node, gap))
#define INTERNAL_BYTES (offsetof(struct store_node, gap) + STORE_SLOTS * sizeof(uint64_t))

/* Sized to the allocators' classes: nothing is lost to rounding. */
_Static_assert(LEAF_BYTES == 256, "a leaf is 256 bytes, like a maple range node");
_Static_assert(INTERNAL_BYTES <= 384, "an internal node fits a 384-byte class");

/* The deepest tree a 64-bit count of VMAs can need: with every node but
 * the root at least STORE_MIN_FILL = 7 full, height h holds at least
 * 2 * 7^(h-2) VMAs, and 2 * 7^22 > 2^64. (Below TASK_SIZE at most 2^35
 * VMAs fit, so real trees stay under 14 levels.) */
#define STORE_MAX_HEIGHT 24
/* store_replace puts at most this many VMAs in (a split makes three). */
#define STORE_MAX_REPLACE 3

/* ------------------------------------------------------------------ */
/* Node memory, with a reserve so that changes never fail half-way.     */

struct node_reserve {
	struct store_node *leaves[STORE_MAX_REPLACE];
	struct store_node *internals[STORE_MAX_REPLACE * (STORE_MAX_HEIGHT + STORE_MAX_REPLACE)];
	unsigned nleaves, ninternals;
};

static struct store_node *node_alloc(bool leaf)
{
	struct store_node *node = core_alloc(leaf ? LEAF_BYTES : INTERNAL_BYTES);

	if (!node)
		return NULL;
	node->parent = NULL;
	node->count = 0;
	node->leaf = leaf;
	for (unsigned i = 0; i < STORE_SLOTS; i++) {
		node->pivot[i] = UINT64_MAX;
		node->slot[i] = NULL;
		if (!leaf)
			node->gap[i] = 0;
	}
	return node;
}

static int reserve_fill(struct node_reserve *r, unsigned leaves, unsigned internals)
{
	while (r->nleaves < leaves) {
		struct store_node *n = node_alloc(true);
		if (!n)
			return -ENOMEM;
		r->leaves[r->nleaves++] = n;
	}
	while (r->ninternals < internals) {
		struct store_node *n = node_alloc(false);
		if (!n)
			return -ENOMEM;
		r->internals[r->ninternals++] = n;
	}
	return 0;
}

static void reserve_release(struct node_reserve *r)
{
	while (r->nleaves)
		free(r->leaves[--r->nleaves]);
	while (r->ninternals)
		free(r->internals[--r->ninternals]);
}

static struct store_node *reserve_take(struct store *s, struct node_reserve *r, bool leaf)
{
	struct store_node *n = leaf ? r->leaves[--r->nleaves] : r->internals[--r->ninternals];

	s->nodes++;
	return n;
}

static void node_free(struct store *s, struct store_node *n)
{
	s->nodes--;
	free(n);
}

static struct vma *leaf_vma(const struct store_node *n, unsigned i)
{
	return (struct vma *)n->slot[i];
}

static struct store_node *child(const struct store_node *n, unsigned i)
{
	return (struct store_node *)n->slot[i];
}

/* The number of pivots <= addr: the slot a search for addr descends to.
 * Unused pivots are UINT64_MAX, so all slots can be compared. */
static unsigned node_rank(const struct store_node *n, uint64_t addr)
{
	unsigned r = 0;

	/* Unrolled: independent compares, no loop-carried branch. */
#pragma GCC unroll 16
	for (unsigned i = 0; i < STORE_SLOTS; i++)
		r += n->pivot[i] <= addr;
	return r;
}

static unsigned index_in_parent(const struct store_node *n)
{
	const struct store_node *p = n->parent;
	unsigned i = 0;

	while (child(p, i) != n)
		i++;
	return i;
}

static struct store_node *leftmost_leaf(struct store_node *n)
{
	while (!n->leaf)
		n = child(n, 0);
	return n;
}

static struct store_node *rightmost_leaf(struct store_node *n)
{
	while (!n->leaf)
		n = child(n, n->count - 1);
	return n;
}

static struct store_node *prev_leaf(struct store_node *n)
{
	while (n->parent) {
		unsigned i = index_in_parent(n);

		if (i > 0)
			return rightmost_leaf(child(n->parent, i - 1));
		n = n->parent;
	}
	return NULL;
}

static struct store_node *next_leaf(struct store_node *n)
{
	while (n->parent) {
		unsigned i = index_in_parent(n);

		if (i + 1 < n->parent->count)
			return leftmost_leaf(child(n->parent, i + 1));
		n = n->parent;
	}
	return NULL;
}

/* The end of the last VMA before node n, 0 when there is none: the pivot
 * left of the nearest ancestor slot that has a left neighbour. Callers
 * keep those pivots current before asking (see update_up's users). */
static uint64_t node_prev_end(const struct store_node *n)
{
	while (n->parent) {
		unsigned i = index_in_parent(n);

		if (i > 0)
			return n->parent->pivot[i - 1];
		n = n->parent;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Summaries: pivots and gaps, recomputed bottom-up.                    */

static uint64_t leaf_gap(struct store_node *leaf)
{
	uint64_t prev_end = node_prev_end(leaf), best = 0;

	for (unsigned i = 0; i < leaf->count; i++) {
		const struct vma *v = leaf_vma(leaf, i);

		if (v->start - prev_end > best)
			best = v->start - prev_end;
		prev_end = v->end;
	}
	return best;
}

static uint64_t internal_gap(const struct store_node *n)
{
	uint64_t best = 0;

	for (unsigned i = 0; i < n->count; i++)
		if (n->gap[i] > best)
			best = n->gap[i];
	return best;
}

/* Recompute n's summary (its largest end and gap) into its parent's slot,
 * and on upwards while the slot changes; the root's gap goes to the store. */
static void update_up(struct store *s, struct store_node *n)
{
	for (;;) {
		uint64_t gap = n->leaf ? leaf_gap(n) : internal_gap(n);
		uint64_t end = n->pivot[n->count - 1];
		struct store_node *p = n->parent;
		unsigned i;

		if (!p) {
			s->root_gap = gap;
			return;
		}
		i = index_in_parent(n);
		if (p->pivot[i] == end && p->gap[i] == gap)
			return;
		p->pivot[i] = end;
		p->gap[i] = gap;
		n = p;
	}
}

/* The gap below the first VMA at or after addr changed: refresh it. */
static void refresh_following(struct store *s, uint64_t addr)
{
	struct store_node *n = s->root;

	if (!n)
		return;
	while (!n->leaf) {
		unsigned i = node_rank(n, addr);

		if (i >= n->count)
			return;
		n = child(n, i);
	}
	if (node_rank(n, addr) < n->count)
		update_up(s, n);
}

/* ------------------------------------------------------------------ */
/* Lookups and iteration.                                               */

void store_init(struct store *s)
{
	memset(s, 0, sizeof(*s));
}

static void destroy_node(struct store *s, struct store_node *n, void (*release)(struct vma *))
{
	for (unsigned i = 0; i < n->count; i++) {
		if (n->leaf) {
			if (release)
				release(leaf_vma(n, i));
		} else {
			destroy_node(s, child(n, i), release);
		}
	}
	node_free(s, n);
}

void store_destroy(struct store *s, void (*release)(struct vma *))
{
	if (s->root)
		destroy_node(s, s->root, release);
	store_init(s);
}

/* The leaf and slot of the first VMA with end > addr; false if none. */
static bool descend(const struct store *s, uint64_t addr, struct store_node **leaf, unsigned *slot)
{
	struct store_node *n = s->root;
	unsigned i;

	if (!n)
		return false;
	for (;;) {
		/* The node's last line holds the upper slots: fetch it beside
		 * the pivots, not after the rank picks a slot there. */
		__builtin_prefetch((const char *)n + 192);
		i = node_rank(n, addr);
		if (i >= n->count)
			return false;
		if (n->leaf)
			break;
		n = child(n, i);
	}
	*leaf = n;
	*slot = i;
	return true;
}

struct vma *store_find(const struct store *s, uint64_t addr)
{
	struct store_node *leaf;
	unsigned slot;

	return descend(s, addr, &leaf, &slot) ? leaf_vma(leaf, slot) : NULL;
}

struct vma *store_lookup(const struct store *s, uint64_t addr)
{
	struct vma *v = store_find(s, addr);

	return v && v->start <= addr ? v : NULL;
}

struct vma *store_first(const struct store *s)
{
	return s->root ? leaf_vma(leftmost_leaf(s->root), 0) : NULL;
}

struct vma *store_last(const struct store *s)
{
	struct store_node *leaf;

	if (!s->root)
		return NULL;
	leaf = rightmost_leaf(s->root);
	return leaf_vma(leaf, leaf->count - 1);
}

struct vma *store_iter_vma(const struct store_iter *it)
{
	return it->leaf ? leaf_vma(it->leaf, it->slot) : NULL;
}

struct vma *store_iter_seek(struct store_iter *it, const struct store *s, uint64_t addr)
{
	it->store = s;
	if (!descend(s, addr, &it->leaf, &it->slot))
		it->leaf = NULL;
	return store_iter_vma(it);
}

struct vma *store_iter_next(struct store_iter *it)
{
	if (!it->leaf)
		return NULL;
	if (it->slot + 1 < it->leaf->count) {
		it->slot++;
	} else {
		it->leaf = next_leaf(it->leaf);
		it->slot = 0;
	}
	return store_iter_vma(it);
}

struct vma *store_iter_prev(struct store_iter *it)
{
	if (!it->leaf)
		return NULL;
	if (it->slot > 0) {
		it->slot--;
	} else {
		it->leaf = prev_leaf(it->leaf);
		it->slot = it->leaf ? it->leaf->count - 1u : 0;
	}
	return store_iter_vma(it);
}

struct vma *store_last_before(const struct store *s, uint64_t addr)
{
	struct store_iter it;
	struct vma *v = store_iter_seek(&it, s, addr);

	if (!v)
		return store_last(s);
	if (v->start < addr)
		return v;
	return store_iter_prev(&it);
}

/* ------------------------------------------------------------------ */
/* Insert.                                                              */

/* Put `entry` (a VMA or a child node) with `pivot` at slot i of n, which
 * has room. */
static void node_put(struct store_node *n, unsigned i, uint64_t pivot, void *entry, uint64_t gap)
{
	unsigned tail = n->count - i;

	memmove(&n->pivot[i + 1], &n->pivot[i], tail * sizeof(n->pivot[0]));
	memmove(&n->slot[i + 1], &n->slot[i], tail * sizeof(n->slot[0]));
	if (!n->leaf)
		memmove(&n->gap[i + 1], &n->gap[i], tail * sizeof(n->gap[0]));
	n->pivot[i] = pivot;
	n->slot[i] = entry;
	if (!n->leaf) {
		n->gap[i] = gap;
		((struct store_node *)entry)->parent = n;
	}
	n->count++;
}

/* Move entries [from, count) of n to the empty node `to`. */
static void node_move_tail(struct store_node *n, unsigned from, struct store_node *to)
{
	unsigned moved = n->count - from;

	for (unsigned j = 0; j < moved; j++) {
		to->pivot[j] = n->pivot[from + j];
		to->slot[j] = n->slot[from + j];
		if (!n->leaf) {
			to->gap[j] = n->gap[from + j];
			child(to, j)->parent = to;
		}
		n->pivot[from + j] = UINT64_MAX;
		n->slot[from + j] = NULL;
	}
	to->count = (uint8_t)moved;
	n->count = (uint8_t)from;
}

/* Nodes `inserts` insertions may need: each may split its leaf and every
 * internal node above it, and add a root. */
static int reserve_for_inserts(const struct store *s, struct node_reserve *r, unsigned inserts)
{
	return reserve_fill(r, inserts, inserts * (s->height + inserts));
}

/* A full node first hands its first `want` entries (at most) to its
 * left sibling, if that has room, before it splits (B*-tree style). Where
 * the tree grows at one place, as when an mmap is split page by page
 * walking upwards or a program maps upwards, halves would leave every
 * node behind half empty for good (45 bytes of nodes per VMA instead of
 * about 20: image_bytes); with this the nodes left behind are full. The
 * sibling only fills up, so no node falls below the minimum. Returns
 * how many entries moved. */
static unsigned spill_left(struct store *s, struct store_node *n, unsigned want)
{
	struct store_node *p = n->parent, *l;
	unsigned at, k;

	if (!p || !want || !(at = index_in_parent(n)))
		return 0;
	l = child(p, at - 1);
	k = STORE_SLOTS - l->count;
	if (k > want)
		k = want;
	if (!k)
		return 0;
	for (unsigned j = 0; j < k; j++) {
		l->pivot[l->count + j] = n->pivot[j];
		l->slot[l->count + j] = n->slot[j];
		if (!n->leaf) {
			l->gap[l->count + j] = n->gap[j];
			child(l, l->count + j)->parent = l;
		}
	}
	l->count = (uint8_t)(l->count + k);
	memmove(&n->pivot[0], &n->pivot[k], (n->count - k) * sizeof(n->pivot[0]));
	memmove(&n->slot[0], &n->slot[k], (n->count - k) * sizeof(n->slot[0]));
	if (!n->leaf)
		memmove(&n->gap[0], &n->gap[k], (n->count - k) * sizeof(n->gap[0]));
	for (unsigned j = n->count - k; j < n->count; j++) {
		n->pivot[j] = UINT64_MAX;
		n->slot[j] = NULL;
	}
	n->count = (uint8_t)(n->count - k);
	/* l's end and gap first: n's first gap is read from it */
	update_up(s, l);
	return k;
}

/* Insert entry at slot i of n, splitting n (and ancestors) when full. */
static void insert_at(struct store *s, struct node_reserve *r, struct store_node *n, unsigned i,
		      uint64_t pivot, void *entry, uint64_t gap)
{
	struct store_node *right, *parent;
	unsigned half;

	if (n->count == STORE_SLOTS)
		i -= spill_left(s, n, i);       /* only entries before slot i move */
	if (n->count < STORE_SLOTS) {
		node_put(n, i, pivot, entry, gap);
		update_up(s, n);
		return;
	}
	right = reserve_take(s, r, n->leaf);
	half = STORE_SLOTS / 2;
	node_move_tail(n, half, right);
	if (i <= half)
		node_put(n, i, pivot, entry, gap);
	else
		node_put(right, i - half, pivot, entry, gap);

	parent = n->parent;
	if (!parent) {
		parent = reserve_take(s, r, false);
		node_put(parent, 0, n->pivot[n->count - 1], n, 0);
		s->root = parent;
		s->height++;
	}
	/* n's summary first, so right's gap below its first VMA is read from
	 * an up-to-date left neighbour. */
	update_up(s, n);
	/* right's gap is filled in by update_up once it has a parent. */
	insert_at(s, r, parent, index_in_parent(n) + 1, right->pivot[right->count - 1], right,
		  UINT64_MAX);
	update_up(s, right);
}

static bool overlaps_other(const struct store *s, const struct vma *v,
			   struct vma *const *ignore, unsigned nignore)
{
	struct store_iter it;

	for (struct vma *o = store_iter_seek(&it, s, v->start); o && o->start < v->end;
	     o = store_iter_next(&it)) {
		bool ignored = false;

		for (unsigned k = 0; k < nignore; k++)
			ignored |= ignore[k] == o;
		if (!ignored)
			return true;
	}
	return false;
}

/* The leaf and slot where v belongs: descend by v->start, taking the last
 * child when v lies above everything. */
static struct store_node *insert_position(const struct store *s, const struct vma *v,
					  unsigned *slot)
{
	struct store_node *n = s->root;

	while (!n->leaf) {
		unsigned i = node_rank(n, v->start);

		n = child(n, i < n->count ? i : n->count - 1u);
	}
	*slot = node_rank(n, v->start);
	return n;
}

/* Nodes one insert at this leaf needs: one per full node from the leaf
 * up, and a root when every node on the path is full. */
static int reserve_for_leaf(struct node_reserve *r, const struct store_node *leaf)
{
	unsigned internals = 0;

	if (leaf->count < STORE_SLOTS)
		return 0;
	for (const struct store_node *n = leaf->parent; ; n = n->parent) {
		internals++;         /* a split parent, or the new root */
		if (!n || n->count < STORE_SLOTS)
			break;
	}
	return reserve_fill(r, 1, internals);
}

static void insert_into_leaf(struct store *s, struct node_reserve *r, struct store_node *leaf,
			     unsigned slot, struct vma *v)
{
	/* The VMA after v is in this leaf unless v goes last: then its gap
	 * below (in the next leaf) changes too. */
	bool last = slot == leaf->count;

	insert_at(s, r, leaf, slot, v->end, v, 0);
	s->count++;
	if (last)
		refresh_following(s, v->end);
}

static void insert_reserved(struct store *s, struct node_reserve *r, struct vma *v)
{
	struct store_node *leaf;
	unsigned slot;

	if (!s->root) {
		s->root = reserve_take(s, r, true);
		s->height = 1;
	}
	leaf = insert_position(s, v, &slot);
	insert_into_leaf(s, r, leaf, slot, v);
}

int store_insert(struct store *s, struct vma *v)
{
	struct node_reserve r;
	struct store_node *leaf;
	unsigned slot;

	r.nleaves = r.ninternals = 0;
	if (!s->root) {
		if (reserve_fill(&r, 1, 0))
			return -ENOMEM;
		insert_reserved(s, &r, v);
		return 0;
	}
	/* One descent finds both the place and the only VMA that could
	 * overlap: the first one ending above v->start. */
	leaf = insert_position(s, v, &slot);
	if (slot < leaf->count && leaf_vma(leaf, slot)->start < v->end)
		return -EEXIST;
	if (reserve_for_leaf(&r, leaf)) {
		reserve_release(&r);
		return -ENOMEM;
	}
	insert_into_leaf(s, &r, leaf, slot, v);
	reserve_release(&r);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Erase, with borrowing from and merging into siblings.                */

static void node_remove(struct store_node *n, unsigned i)
{
	unsigned tail = n->count - i - 1;

	memmove(&n->pivot[i], &n->pivot[i + 1], tail * sizeof(n->pivot[0]));
	memmove(&n->slot[i], &n->slot[i + 1], tail * sizeof(n->slot[0]));
	if (!n->leaf)
		memmove(&n->gap[i], &n->gap[i + 1], tail * sizeof(n->gap[0]));
	n->count--;
	n->pivot[n->count] = UINT64_MAX;
	n->slot[n->count] = NULL;
}

/* Append all of `from` to `to` (same level, `from` right after `to`). */
static void node_append(struct store_node *to, struct store_node *from)
{
	for (unsigned j = 0; j < from->count; j++) {
		unsigned k = to->count + j;

		to->pivot[k] = from->pivot[j];
		to->slot[k] = from->slot[j];
		if (!to->leaf) {
			to->gap[k] = from->gap[j];
			child(to, k)->parent = to;
		}
	}
	to->count = (uint8_t)(to->count + from->count);
	from->count = 0;
}

/* n may hold fewer than STORE_MIN_FILL entries: borrow or merge, up to
 * the root, then refresh the summaries of what is left. */
static void rebalance(struct store *s, struct store_node *n)
{
	while (n->parent && n->count < STORE_MIN_FILL) {
		struct store_node *p = n->parent;
		unsigned i = index_in_parent(n);
		struct store_node *left = i > 0 ? child(p, i - 1) : NULL;
		struct store_node *right = i + 1 < p->count ? child(p, i + 1) : NULL;

		if (left && left->count > STORE_MIN_FILL) {
			unsigned last = left->count - 1u;

			node_put(n, 0, left->pivot[last], left->slot[last],
				 left->leaf ? 0 : left->gap[last]);
			node_remove(left, last);
			update_up(s, left);
			update_up(s, n);
			return;
		}
		if (right && right->count > STORE_MIN_FILL) {
			node_put(n, n->count, right->pivot[0], right->slot[0],
				 right->leaf ? 0 : right->gap[0]);
			node_remove(right, 0);
			update_up(s, n);
			update_up(s, right);
			return;
		}
		/* Merge with a sibling: both are at most at the minimum. */
		if (left) {
			node_append(left, n);
			node_remove(p, i);
			node_free(s, n);
			update_up(s, left);
		} else if (right) {
			node_append(n, right);
			node_remove(p, i + 1);
			node_free(s, right);
			update_up(s, n);
		}
		n = p;
	}
	if (!n->parent) {
		/* The root: drop it when empty, or when one child is left. */
		if (n->count == 0) {
			node_free(s, n);
			s->root = NULL;
			s->height = 0;
			s->root_gap = 0;
			return;
		}
		if (!n->leaf && n->count == 1) {
			struct store_node *only = child(n, 0);

			node_free(s, n);
			only->parent = NULL;
			s->root = only;
			s->height--;
			n = only;
		}
	}
	update_up(s, n);
}

/* The leaf and slot holding exactly v. */
static bool locate(const struct store *s, const struct vma *v, struct store_node **leaf,
		   unsigned *slot)
{
	return descend(s, v->start, leaf, slot) && leaf_vma(*leaf, *slot) == v;
}

static void erase_located(struct store *s, struct store_node *leaf, unsigned slot)
{
	uint64_t end = leaf_vma(leaf, slot)->end;
	bool last = slot + 1u == leaf->count;

	node_remove(leaf, slot);
	s->count--;
	if (leaf->count >= STORE_MIN_FILL || !leaf->parent) {
		if (leaf->count == 0) {
			rebalance(s, leaf);      /* frees the empty root */
			return;
		}
		update_up(s, leaf);
		/* The next VMA's gap below grew; it is in this leaf (just
		 * refreshed) unless the erased VMA was the leaf's last. */
		if (last)
			refresh_following(s, end);
		return;
	}
	rebalance(s, leaf);
	refresh_following(s, end);
}

void store_erase(struct store *s, struct vma *v)
{
	struct store_node *leaf;
	unsigned slot;

	if (!locate(s, v, &leaf, &slot))
		return;
	erase_located(s, leaf, slot);
}

/* ------------------------------------------------------------------ */
/* Replace: the store side of split and merge.                          */

/* Whether new_vmas can take the place of old ones inside one leaf: the
 * old ones are consecutive slots of it, the result fits, and the new
 * ones sort between the neighbours of the old ones. */
static bool replace_in_leaf(struct store *s, struct vma *const *old, unsigned nold,
			    struct vma *const *new_vmas, unsigned nnew)
{
	struct store_node *leaf, *other;
	unsigned slot, count;
	uint64_t low, high;

	if (!nold || !locate(s, old[0], &leaf, &slot))
		return false;
	if (slot + nold > leaf->count)
		return false;
	for (unsigned k = 1; k < nold; k++)
		if (leaf_vma(leaf, slot + k) != old[k])
			return false;
	count = leaf->count - nold + nnew;
	if (count > STORE_SLOTS || (count < STORE_MIN_FILL && leaf->parent) || count == 0)
		return false;
	if (nnew) {
		if (slot > 0)
			low = leaf_vma(leaf, slot - 1)->end;
		else
			low = node_prev_end(leaf);
		if (slot + nold < leaf->count) {
			high = leaf_vma(leaf, slot + nold)->start;
		} else {
			other = next_leaf(leaf);
			high = other ? leaf_vma(other, 0)->start : UINT64_MAX;
		}
		if (new_vmas[0]->start < low || new_vmas[nnew - 1]->end > high)
			return false;
	}

	uint64_t old_end = old[nold - 1]->end;
	unsigned tail = leaf->count - slot - nold;

	memmove(&leaf->pivot[slot + nnew], &leaf->pivot[slot + nold], tail * sizeof(leaf->pivot[0]));
	memmove(&leaf->slot[slot + nnew], &leaf->slot[slot + nold], tail * sizeof(leaf->slot[0]));
	for (unsigned k = 0; k < nnew; k++) {
		leaf->pivot[slot + k] = new_vmas[k]->end;
		leaf->slot[slot + k] = new_vmas[k];
	}
	for (unsigned k = count; k < leaf->count; k++) {
		leaf->pivot[k] = UINT64_MAX;
		leaf->slot[k] = NULL;
	}
	leaf->count = (uint8_t)count;
	s->count = s->count - nold + nnew;
	update_up(s, leaf);
	/* The first VMA after the run sees a new gap below it; unless it is
	 * in this leaf (just refreshed), refresh its path too. The new run
	 * may end above or below the old one. */
	if (slot + nnew == count) {
		uint64_t run_end = nnew && new_vmas[nnew - 1]->end > old_end ?
				   new_vmas[nnew - 1]->end : old_end;

		/* The first VMA ending above the run's highest end. */
		refresh_following(s, run_end);
	}
	return true;
}

int store_replace(struct store *s, struct vma *const *old, unsigned nold,
		  struct vma *const *new_vmas, unsigned nnew)
{
	struct node_reserve r;

	r.nleaves = r.ninternals = 0;

	if (nnew > STORE_MAX_REPLACE || (s->height + nnew) > STORE_MAX_HEIGHT + STORE_MAX_REPLACE)
		return -EINVAL;
	for (unsigned k = 0; k < nnew; k++)
		if (new_vmas[k]->start >= new_vmas[k]->end ||
		    (k && new_vmas[k]->start < new_vmas[k - 1]->end))
			return -EINVAL;
	/* In one leaf, the bounds test there also rules out any overlap. */
	if (replace_in_leaf(s, old, nold, new_vmas, nnew))
		return 0;
	for (unsigned k = 0; k < nnew; k++)
		if (overlaps_other(s, new_vmas[k], old, nold))
			return -EEXIST;
	/* General case: erase, then insert, with every node reserved first.
	 * Erasing never allocates, and the tree cannot grow taller than it
	 * is now plus one level per insert. */
	if (reserve_for_inserts(s, &r, nnew)) {
		reserve_release(&r);
		return -ENOMEM;
	}
	for (unsigned k = 0; k < nold; k++)
		store_erase(s, old[k]);
	for (unsigned k = 0; k < nnew; k++)
		insert_reserved(s, &r, new_vmas[k]);
	reserve_release(&r);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Gap search (mm/vma.c: unmapped_area, unmapped_area_topdown).         */

struct gap_search {
	const struct store_gap_request *req;
	uint64_t need;        /* length plus worst-case alignment loss */
	uint64_t low, high;   /* the window, narrowed as the kernel's retries do */
	bool topdown;
	int64_t found;
};

/* Try the gap [gap_start, gap_end) that lies below `next` (NULL: the top
 * gap). Returns true when it settles the search. */
static bool try_gap(struct gap_search *g, uint64_t gap_start, uint64_t gap_end,
		    const struct vma *next)
{
	const struct store_gap_request *req = g->req;
	uint64_t lo = gap_start > g->low ? gap_start : g->low;
	uint64_t hi = gap_end < g->high ? gap_end : g->high;
	uint64_t addr;

	if (hi <= lo || hi - lo < g->need)
		return false;
	if (g->topdown) {
		/* A stack growing down keeps its guard free: the kernel lowers
		 * its ceiling to the guard and searches again, so the lowered
		 * ceiling holds for every gap below too (unmapped_area_topdown). */
		if (next && (next->flags & VM_GROWSDOWN) && vma_start_gap(next) < hi) {
			g->high = vma_start_gap(next);
			hi = g->high;
			if (hi <= lo || hi - lo < g->need)
				return false;
		}
		addr = hi - req->length;
		addr -= (addr - req->align_offset) & req->align_mask;
	} else {
		addr = lo + ((req->align_offset - lo) & req->align_mask);
		/* The bottom-up search rejects the whole gap when the guard of
		 * a stack above would be reached (the kernel's test, kept
		 * exactly: it compares against addr + need - 1) and goes on
		 * above that stack (unmapped_area). */
		if (next && (next->flags & VM_GROWSDOWN) && vma_start_gap(next) < addr + g->need - 1)
			return false;
	}
	g->found = (int64_t)addr;
	return true;
}

/* Search the subtree n whose VMAs all start above `lower` (the end of the
 * last VMA before it); the caller has seen that its largest gap could do. */
static bool search_node(struct gap_search *g, const struct store_node *n, uint64_t lower)
{
	for (unsigned k = 0; k < n->count; k++) {
		unsigned i = g->topdown ? n->count - 1u - k : k;
		uint64_t below = i > 0 ? n->pivot[i - 1] : lower;

		if (n->leaf) {
			const struct vma *v = leaf_vma(n, i);

			if (try_gap(g, below, v->start, v))
				return true;
			continue;
		}
		/* Child i's gaps lie within [below, pivot[i]). */
		if (n->gap[i] < g->need || below >= g->high || n->pivot[i] <= g->low)
			continue;
		if (search_node(g, child(n, i), below))
			return true;
	}
	return false;
}

static int64_t gap_search(const struct store *s, const struct store_gap_request *req, bool topdown)
{
	struct gap_search g = {
		.req = req,
		.low = req->low_limit,
		.high = req->high_limit < TASK_SIZE ? req->high_limit : TASK_SIZE,
		.topdown = topdown,
		.found = -ENOMEM,
	};
	const struct vma *last = store_last(s);
	uint64_t top_start = last ? last->end : 0;

	/* User addresses end at TASK_SIZE: so does the top gap, whatever the
	 * high limit says, and every answer fits in an int64_t. */
	g.need = req->length + req->align_mask;
	if (g.need < req->length || req->length == 0)
		return -ENOMEM;
	if (topdown && try_gap(&g, top_start, TASK_SIZE, NULL))
		return g.found;
	if (s->root && s->root_gap >= g.need && search_node(&g, s->root, 0))
		return g.found;
	if (!topdown && try_gap(&g, top_start, TASK_SIZE, NULL))
		return g.found;
	return -ENOMEM;
}

int64_t store_gap_topdown(const struct store *s, const struct store_gap_request *req)
{
	return gap_search(s, req, true);
}

int64_t store_gap_bottomup(const struct store *s, const struct store_gap_request *req)
{
	return gap_search(s, req, false);
}

/* ------------------------------------------------------------------ */
/* Size and checking.                                                   */

static size_t node_bytes(const struct store_node *n)
{
	size_t bytes = n->leaf ? LEAF_BYTES : INTERNAL_BYTES;

	if (!n->leaf)
		for (unsigned i = 0; i < n->count; i++)
			bytes += node_bytes(child(n, i));
	return bytes;
}

size_t store_node_bytes(const struct store *s)
{
	return s->root ? node_bytes(s->root) : 0;
}

struct check_state {
	char *err;
	size_t errlen;
	uint64_t prev_end;
	size_t vmas, nodes;
	unsigned leaf_depth;
};

/* Check the subtree n at `depth`; returns its largest gap via *gap. */
static int check_node(struct check_state *c, const struct store_node *n, unsigned depth,
		      const struct store_node *parent, uint64_t *gap)
{
	uint64_t best = 0;

	c->nodes++;
	if (n->parent != parent)
		return errmsg(c->err, c->errlen, "node at depth %u: wrong parent link", depth);
	if (n->count == 0 || n->count > STORE_SLOTS)
		return errmsg(c->err, c->errlen, "node at depth %u: count %u", depth, n->count);
	if (parent && n->count < STORE_MIN_FILL)
		return errmsg(c->err, c->errlen, "node at depth %u: fill %u below %u", depth,
				  n->count, STORE_MIN_FILL);
	for (unsigned i = n->count; i < STORE_SLOTS; i++)
		if (n->pivot[i] != UINT64_MAX || n->slot[i])
			return errmsg(c->err, c->errlen, "node at depth %u: unused slot %u in use",
					  depth, i);
	for (unsigned i = 0; i < n->count; i++) {
		if (n->leaf) {
			const struct vma *v = leaf_vma(n, i);

			if (!v)
				return errmsg(c->err, c->errlen, "leaf slot %u: no VMA", i);
			if (v->start >= v->end)
				return errmsg(c->err, c->errlen, "vma %#llx-%#llx: empty or inverted",
						  (unsigned long long)v->start, (unsigned long long)v->end);
			if (c->vmas && v->start < c->prev_end)
				return errmsg(c->err, c->errlen,
						  "vma %#llx-%#llx overlaps or precedes the previous end %#llx",
						  (unsigned long long)v->start, (unsigned long long)v->end,
						  (unsigned long long)c->prev_end);
			if (n->pivot[i] != v->end)
				return errmsg(c->err, c->errlen,
						  "vma %#llx-%#llx: leaf pivot %#llx is not its end",
						  (unsigned long long)v->start, (unsigned long long)v->end,
						  (unsigned long long)n->pivot[i]);
			if (v->start - c->prev_end > best)
				best = v->start - c->prev_end;
			c->prev_end = v->end;
			c->vmas++;
		} else {
			uint64_t child_gap;

			if (check_node(c, child(n, i), depth + 1, n, &child_gap))
				return -1;
			if (n->pivot[i] != c->prev_end)
				return errmsg(c->err, c->errlen,
						  "internal pivot %#llx at depth %u is not the end %#llx below it",
						  (unsigned long long)n->pivot[i], depth,
						  (unsigned long long)c->prev_end);
			if (n->gap[i] != child_gap)
				return errmsg(c->err, c->errlen,
						  "cached gap %#llx at depth %u, recomputed %#llx",
						  (unsigned long long)n->gap[i], depth,
						  (unsigned long long)child_gap);
			if (child_gap > best)
				best = child_gap;
		}
	}
	if (n->leaf) {
		if (c->leaf_depth && c->leaf_depth != depth)
			return errmsg(c->err, c->errlen, "leaves at depths %u and %u",
					  c->leaf_depth, depth);
		c->leaf_depth = depth;
	}
	*gap = best;
	return 0;
}

int store_check(const struct store *s, char *err, size_t errlen)
{
	struct check_state c = { .err = err, .errlen = errlen };
	uint64_t gap = 0;   /* set by check_node; the compiler cannot see it at -O2 */

	if (!s->root) {
		if (s->count || s->height || s->nodes)
			return errmsg(err, errlen, "empty store with count %zu height %u nodes %zu",
					  s->count, s->height, s->nodes);
		return 0;
	}
	if (check_node(&c, s->root, 1, NULL, &gap))
		return -1;
	if (s->root_gap != gap)
		return errmsg(err, errlen, "cached root gap %#llx, recomputed %#llx",
				  (unsigned long long)s->root_gap, (unsigned long long)gap);
	if (c.vmas != s->count)
		return errmsg(err, errlen, "count %zu but %zu VMAs in the tree", s->count, c.vmas);
	if (c.leaf_depth != s->height)
		return errmsg(err, errlen, "height %u but leaves at depth %u", s->height,
				  c.leaf_depth);
	if (c.nodes != s->nodes)
		return errmsg(err, errlen, "%zu nodes counted, %zu in the tree", s->nodes, c.nodes);
	return 0;
}
