/* The reference model and generator behind tests/store_test.cc.
 *
 * The reference is deliberately dumb: a sorted array, binary searches and
 * a linear scan over every gap. It shares no code with vma/store.c, so the
 * two can only agree by both being right.
 */
#include "tests/shim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- splitmix64 ---- */

void shim_rng_seed(struct shim_rng *rng, uint64_t seed)
{
	rng->state = seed;
}

uint64_t shim_rng_next(struct shim_rng *rng)
{
	uint64_t z = (rng->state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t shim_rng_below(struct shim_rng *rng, uint64_t bound)
{
	return bound ? shim_rng_next(rng) % bound : 0;
}

bool shim_rng_chance(struct shim_rng *rng, unsigned num, unsigned den)
{
	return shim_rng_below(rng, den) < num;
}

/* ---- the reference ---- */

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void shim_ref_init(struct shim_ref *ref)
{
	ref->e = NULL;
	ref->n = 0;
	ref->cap = 0;
}

void shim_ref_destroy(struct shim_ref *ref)
{
	free(ref->e);
	shim_ref_init(ref);
}

static void ref_reserve(struct shim_ref *ref, size_t n)
{
	if (n <= ref->cap)
		return;
	size_t cap = ref->cap ? ref->cap : 64;
	while (cap < n)
		cap *= 2;
	struct shim_ref_entry *e = realloc(ref->e, cap * sizeof(*e));
	if (!e)
		abort();   /* a test helper: no point limping on */
	ref->e = e;
	ref->cap = cap;
}

/* The lowest index whose end is above addr (n when none). */
static size_t first_end_above(const struct shim_ref *ref, uint64_t addr)
{
	size_t lo = 0, hi = ref->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ref->e[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The lowest index whose start is at or above addr (n when none). */
static size_t first_start_at_or_above(const struct shim_ref *ref, uint64_t addr)
{
	size_t lo = 0, hi = ref->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ref->e[mid].start >= addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

bool shim_ref_overlaps(const struct shim_ref *ref, uint64_t start, uint64_t end)
{
	size_t i = first_end_above(ref, start);

	return i < ref->n && ref->e[i].start < end;
}

static struct shim_ref_entry entry_of(struct vma *vma)
{
	struct shim_ref_entry e = { vma->start, vma->end, vma->flags, vma };
	return e;
}

int shim_ref_insert(struct shim_ref *ref, struct vma *vma)
{
	if (shim_ref_overlaps(ref, vma->start, vma->end))
		return -EEXIST;
	size_t i = first_end_above(ref, vma->start);
	ref_reserve(ref, ref->n + 1);
	memmove(&ref->e[i + 1], &ref->e[i], (ref->n - i) * sizeof(ref->e[0]));
	ref->e[i] = entry_of(vma);
	ref->n++;
	return 0;
}

void shim_ref_remove(struct shim_ref *ref, size_t first, size_t n)
{
	if (first > ref->n || n > ref->n - first)
		abort();
	memmove(&ref->e[first], &ref->e[first + n], (ref->n - first - n) * sizeof(ref->e[0]));
	ref->n -= n;
}

void shim_ref_replace(struct shim_ref *ref, size_t first, size_t nold,
		      struct vma *const *new_vmas, size_t nnew)
{
	shim_ref_remove(ref, first, nold);
	ref_reserve(ref, ref->n + nnew);
	memmove(&ref->e[first + nnew], &ref->e[first], (ref->n - first) * sizeof(ref->e[0]));
	for (size_t i = 0; i < nnew; i++)
		ref->e[first + i] = entry_of(new_vmas[i]);
	ref->n += nnew;
}

struct vma *shim_ref_vma(const struct shim_ref *ref, size_t i)
{
	return i < ref->n ? ref->e[i].vma : NULL;
}

ptrdiff_t shim_ref_index_of(const struct shim_ref *ref, const struct vma *vma)
{
	size_t i = first_end_above(ref, vma->start);

	return i < ref->n && ref->e[i].vma == vma ? (ptrdiff_t)i : -1;
}

ptrdiff_t shim_ref_find(const struct shim_ref *ref, uint64_t addr)
{
	size_t i = first_end_above(ref, addr);

	return i < ref->n ? (ptrdiff_t)i : -1;
}

ptrdiff_t shim_ref_lookup(const struct shim_ref *ref, uint64_t addr)
{
	size_t i = first_end_above(ref, addr);

	return i < ref->n && ref->e[i].start <= addr ? (ptrdiff_t)i : -1;
}

ptrdiff_t shim_ref_find_prev(const struct shim_ref *ref, uint64_t addr)
{
	return (ptrdiff_t)first_start_at_or_above(ref, addr) - 1;
}

/* Gap i lies below entry i (i == n: the top gap, up to TASK_SIZE). */
struct ref_gap {
	uint64_t start;       /* end of entry i - 1, or 0 */
	uint64_t end;         /* start of entry i, or TASK_SIZE */
	uint64_t start_gap;   /* end, less STACK_GUARD_GAP (floored at 0) below a stack */
	bool stack;
};

static struct ref_gap ref_gap_at(const struct shim_ref *ref, size_t i)
{
	struct ref_gap g = { i ? ref->e[i - 1].end : 0, TASK_SIZE, TASK_SIZE, false };

	if (i < ref->n) {
		g.end = g.start_gap = ref->e[i].start;
		if (ref->e[i].flags & VM_GROWSDOWN) {
			g.stack = true;
			g.start_gap = g.end > STACK_GUARD_GAP ? g.end - STACK_GUARD_GAP : 0;
		}
	}
	return g;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static int64_t ref_topdown(const struct shim_ref *ref, const struct store_gap_request *req,
			   unsigned rules)
{
	bool exact = rules & SHIM_GAP_EXACT_FIT, clamp = rules & SHIM_GAP_GUARD_CLAMPS;
	uint64_t need = exact ? req->length : req->length + req->align_mask;
	uint64_t high = req->high_limit;

	if (req->length == 0 || need < req->length)
		return -ENOMEM;
retry:
	for (size_t i = ref->n + 1; i-- > 0;) {
		struct ref_gap g = ref_gap_at(ref, i);
		uint64_t lo = max_u64(g.start, req->low_limit);
		uint64_t hi = min_u64(clamp ? g.end : g.start_gap, high);

		if (hi <= lo || hi - lo < need)
			continue;
		if (clamp && g.stack && g.start_gap < hi) {
			/* 6.18's unmapped_area_topdown: retry below the guard,
			 * with the lower high limit for every gap. */
			high = g.start_gap;
			goto retry;
		}
		uint64_t a = hi - req->length;
		uint64_t down = (a - req->align_offset) & req->align_mask;
		if (down > a - lo)
			continue;   /* only possible with SHIM_GAP_EXACT_FIT */
		return (int64_t)(a - down);
	}
	return -ENOMEM;
}

static int64_t ref_bottomup(const struct shim_ref *ref, const struct store_gap_request *req,
			    unsigned rules)
{
	bool exact = rules & SHIM_GAP_EXACT_FIT;
	uint64_t need = exact ? req->length : req->length + req->align_mask;

	if (req->length == 0 || need < req->length)
		return -ENOMEM;
	for (size_t i = 0; i <= ref->n; i++) {
		struct ref_gap g = ref_gap_at(ref, i);
		uint64_t lo = max_u64(g.start, req->low_limit);
		uint64_t hi = min_u64(g.end, req->high_limit);

		if (hi <= lo || hi - lo < need)
			continue;
		uint64_t a = lo + ((req->align_offset - lo) & req->align_mask);
		if (exact) {
			uint64_t top = min_u64(hi, g.start_gap);
			if (a > top || top - a < req->length)
				continue;
		} else if (g.stack && g.start_gap < a + need - 1) {
			/* unmapped_area: low_limit = the stack's end, retry */
			continue;
		}
		return (int64_t)a;
	}
	return -ENOMEM;
}

int64_t shim_ref_gap(const struct shim_ref *ref, const struct store_gap_request *req,
		     bool topdown, unsigned rules)
{
	return topdown ? ref_topdown(ref, req, rules) : ref_bottomup(ref, req, rules);
}

static bool entry_matches(const struct shim_ref_entry *e, const struct vma *v)
{
	return e->vma == v && v->start == e->start && v->end == e->end && v->flags == e->flags;
}

static void describe(char *buf, size_t len, const struct vma *v)
{
	if (v)
		snprintf(buf, len, "%p [%#" PRIx64 ", %#" PRIx64 ") flags %#" PRIx64, (const void *)v,
			 v->start, v->end, v->flags);
	else
		snprintf(buf, len, "NULL");
}

int shim_ref_compare(const struct shim_ref *ref, const struct store *store, char *err,
		     size_t errlen)
{
	struct store_iter it;
	char got[128];
	size_t i = 0;

	if (store->count != ref->n) {
		fail(err, errlen, "store count %zu, reference %zu", store->count, ref->n);
		return -1;
	}
	for (struct vma *v = store_iter_seek(&it, store, 0); v; v = store_iter_next(&it), i++) {
		if (i >= ref->n) {
			describe(got, sizeof(got), v);
			fail(err, errlen, "forward walk: extra VMA %s at position %zu", got, i);
			return -1;
		}
		if (!entry_matches(&ref->e[i], v)) {
			describe(got, sizeof(got), v);
			fail(err, errlen,
			     "forward walk: position %zu holds %s, reference %p [%#" PRIx64 ", %#" PRIx64
			     ") flags %#" PRIx64,
			     i, got, (void *)ref->e[i].vma, ref->e[i].start, ref->e[i].end,
			     ref->e[i].flags);
			return -1;
		}
		if (store_iter_vma(&it) != v) {
			fail(err, errlen, "forward walk: store_iter_vma disagrees at position %zu", i);
			return -1;
		}
	}
	if (i != ref->n) {
		fail(err, errlen, "forward walk saw %zu VMAs, reference has %zu", i, ref->n);
		return -1;
	}

	i = ref->n;
	if (ref->n) {
		for (struct vma *v = store_iter_seek(&it, store, ref->e[ref->n - 1].start); v;
		     v = store_iter_prev(&it)) {
			if (i == 0) {
				describe(got, sizeof(got), v);
				fail(err, errlen, "backward walk: extra VMA %s before the first", got);
				return -1;
			}
			i--;
			if (!entry_matches(&ref->e[i], v)) {
				describe(got, sizeof(got), v);
				fail(err, errlen, "backward walk: position %zu holds %s, reference %p", i,
				     got, (void *)ref->e[i].vma);
				return -1;
			}
		}
		if (i != 0) {
			fail(err, errlen, "backward walk stopped at position %zu, not 0", i);
			return -1;
		}
	} else if (store_iter_seek(&it, store, 0)) {
		fail(err, errlen, "iter_seek on an empty store found a VMA");
		return -1;
	}

	struct vma *first = store_first(store), *last = store_last(store);
	if (first != shim_ref_vma(ref, 0)) {
		describe(got, sizeof(got), first);
		fail(err, errlen, "store_first gave %s", got);
		return -1;
	}
	if (last != (ref->n ? ref->e[ref->n - 1].vma : NULL)) {
		describe(got, sizeof(got), last);
		fail(err, errlen, "store_last gave %s", got);
		return -1;
	}
	return 0;
}

int shim_store_bounds(const struct store *store, char *err, size_t errlen)
{
	size_t n = store->count;
	unsigned h = store->height;

	if ((n == 0) != (h == 0)) {
		fail(err, errlen, "count %zu with height %u", n, h);
		return -1;
	}
	if ((n == 0) != (store->root == NULL)) {
		fail(err, errlen, "count %zu with root %p", n, (void *)store->root);
		return -1;
	}
	if (n == 0) {
		if (store->nodes != 0) {
			fail(err, errlen, "empty store with %zu nodes", store->nodes);
			return -1;
		}
		return 0;
	}
	/* A height above 16 would need more than 2 * 7^14 VMAs, far more
	 * than any test builds. */
	if (h > 16) {
		fail(err, errlen, "height %u for %zu VMAs", h, n);
		return -1;
	}
	double most = 1, least = 2;
	for (unsigned i = 0; i < h; i++)
		most *= STORE_SLOTS;
	for (unsigned i = 1; i < h; i++)
		least *= STORE_MIN_FILL;
	if (h == 1)
		least = 1;
	if ((double)n > most || (double)n < least) {
		fail(err, errlen, "%zu VMAs cannot fill a tree of height %u (%.0f to %.0f)", n, h,
		     least, most);
		return -1;
	}
	size_t leaves = (n + STORE_SLOTS - 1) / STORE_SLOTS;
	if (store->nodes < h || store->nodes < leaves + (h > 1 ? h - 1 : 0)) {
		fail(err, errlen, "%zu nodes for %zu VMAs in %u levels", store->nodes, n, h);
		return -1;
	}
	return 0;
}

/* ---- tagged VMAs, counted release ---- */

struct vma *shim_vma_tagged(uint64_t start, uint64_t end, vm_flags_t flags, char tag)
{
	struct vma *v = vma_new(start, end, flags, start >> PAGE_SHIFT, NULL);

	if (v) {
		v->origin.step = (uint32_t)(unsigned char)tag;
		v->origin.nr = -1;
	}
	return v;
}

char shim_vma_tag(const struct vma *vma)
{
	return (char)vma->origin.step;
}

static size_t released;

void shim_release_counted(struct vma *vma)
{
	released++;
	vma_free(vma);
}

size_t shim_release_count(void)
{
	return released;
}

void shim_release_reset(void)
{
	released = 0;
}

/* ---- drawings ---- */

int shim_layout_build(struct store *store, struct shim_ref *ref, const char *layout,
		      uint64_t base, uint64_t unit, vm_flags_t flags)
{
	int count = 0;
	size_t len = strlen(layout);

	for (size_t i = 0; i < len;) {
		char c = layout[i];
		size_t j = i;
		while (j < len && layout[j] == c)
			j++;
		if (c != ' ') {
			vm_flags_t f = flags;
			if (c >= 'a' && c <= 'z')
				f |= VM_GROWSDOWN;
			struct vma *v = shim_vma_tagged(base + i * unit, base + j * unit, f, c);
			if (!v)
				return -1;
			if (store_insert(store, v) != 0) {
				vma_free(v);
				return -1;
			}
			if (ref && shim_ref_insert(ref, v) != 0)
				return -1;
			count++;
		}
		i = j;
	}
	return count;
}

void shim_layout_render(const struct store *store, uint64_t base, uint64_t unit, size_t width,
			char *buf)
{
	size_t end = 0;

	for (size_t i = 0; i < width; i++) {
		const struct vma *v = store_lookup(store, base + i * unit);
		buf[i] = v ? shim_vma_tag(v) : ' ';
		if (v)
			end = i + 1;
	}
	buf[end] = '\0';
}
