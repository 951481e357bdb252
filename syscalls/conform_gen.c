/* The biased random generator of mmsim conform.
 *
 * Calls are drawn with page indexes inside the window, not with free
 * addresses: most of the interesting behaviour is at the edges of VMAs,
 * so the generator remembers every page index a call used as a range
 * edge (where a VMA boundary may now be) and picks those, or a page next
 * to one, about half the time. That gives splits at existing edges,
 * partial overlaps, operations that reach across a sealed neighbour and
 * ranges that start or end in a hole. It knows nothing about what the
 * calls did (no model runs while generating), so a sequence depends only
 * on the seed and the options.
 *
 *   window pages   0 1 2 3 4 5 6 7 8 ...                      W-1
 *   edges seen     ^   ^     ^ ^           (picked ~45% of the time,
 *                                           +-1 page now and then)
 *
 * About one call in sixteen takes an argument-check path instead (bad
 * alignment, zero or wrapping lengths, unknown flags, a length past the
 * window's margins...) that fails before the kernel looks at a VMA.
 */
#include "syscalls/conform.h"

#include <errno.h>
#include <string.h>

#include "core/page.h"
#include "syscalls/uapi.h"


uint64_t conform_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

struct gen {
	uint64_t state;
	const struct conform_gen_opts *o;
	struct conform_seq *s;
	int W;                       /* window pages */
	int M;                       /* margin pages */
	uint8_t edge[CONFORM_MAX_PAGES + 1];
	int last_lo, last_hi;        /* the previous call's range, in pages */
	int heap;                    /* heap start page, -1 for none */
};

/* ---- numbers ------------------------------------------------------------- */

static uint64_t next(struct gen *g)
{
	g->state += UINT64_C(0x9e3779b97f4a7c15);
	return conform_mix(g->state);
}

static int below(struct gen *g, int n)
{
	return n > 0 ? (int)(next(g) % (uint64_t)n) : 0;
}

static bool chance(struct gen *g, int num, int den)
{
	return below(g, den) < num;
}

/* An index into weights[], drawn in proportion to them. */
static int weighted(struct gen *g, const int *weights, int n)
{
	int total = 0, r;

	for (int i = 0; i < n; i++)
		total += weights[i];
	r = below(g, total);
	for (int i = 0; i < n; i++) {
		if (r < weights[i])
			return i;
		r -= weights[i];
	}
	return n - 1;
}

#define PICK(g, ...) weighted((g), (const int[]){ __VA_ARGS__ }, \
			      (int)(sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int)))

/* ---- pages and ranges ------------------------------------------------------ */

static uint64_t addr_of(const struct gen *g, int page)
{
	return g->s->base + (uint64_t)(int64_t)page * PAGE_SIZE;
}

static void mark(struct gen *g, int lo, int hi)
{
	if (lo >= 0 && lo <= g->W)
		g->edge[lo] = 1;
	if (hi >= 0 && hi <= g->W)
		g->edge[hi] = 1;
	g->last_lo = lo;
	g->last_hi = hi;
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* An edge in [lo, hi], or -1 when there is none. */
static int pick_edge(struct gen *g, int lo, int hi)
{
	int n = 0, k;

	lo = clamp(lo, 0, g->W);
	hi = clamp(hi, 0, g->W);
	for (int i = lo; i <= hi; i++)
		n += g->edge[i];
	if (!n)
		return -1;
	k = below(g, n);
	for (int i = lo; i <= hi; i++)
		if (g->edge[i] && k-- == 0)
			return i;
	return -1;
}

/* A page in [0, W-1]: often an edge seen before or a page beside one,
 * sometimes an end of the previous call's range. */
static int pick_page(struct gen *g)
{
	int p;

	switch (PICK(g, 45, 12, 43)) {
	case 0:
		p = pick_edge(g, 0, g->W - 1);
		if (p < 0)
			p = below(g, g->W);
		if (chance(g, 1, 4))
			p += chance(g, 1, 2) ? 1 : -1;
		break;
	case 1:
		p = chance(g, 1, 2) ? g->last_lo : g->last_hi;
		break;
	default:
		p = below(g, g->W);
		break;
	}
	return clamp(p, 0, g->W - 1);
}

/* An end page in (start, max_end]. */
static int pick_end(struct gen *g, int start, int max_end)
{
	int e = -1;

	if (max_end <= start + 1)
		return start + 1;
	switch (PICK(g, 35, 45, 20)) {
	case 0:
		e = pick_edge(g, start + 1, max_end);
		if (e > 0 && chance(g, 1, 5))
			e += chance(g, 1, 2) ? 1 : -1;
		break;
	case 1:
		e = start + 1 + PICK(g, 40, 30, 15, 15);
		break;
	default:
		break;
	}
	if (e <= start || e > max_end)
		e = start + 1 + below(g, max_end - start);
	return e;
}

/* A byte length for pages, now and then not a whole number of pages (the
 * kernel rounds it up). */
static uint64_t len_of(struct gen *g, int pages)
{
	uint64_t len = (uint64_t)pages * PAGE_SIZE;

	if (pages > 0 && chance(g, 1, 12))
		len -= 1 + (uint64_t)below(g, (int)PAGE_SIZE - 1);
	return len;
}

/* A range for a call that only changes or removes mappings: mostly in
 * the window, sometimes starting or ending in a margin (a hole). */
static void pick_range(struct gen *g, int *lo, int *hi)
{
	int s, e;

	if (chance(g, 1, 14))
		s = -1 - below(g, g->M);
	else
		s = pick_page(g);
	if (chance(g, 1, 12))
		e = g->W + 1 + below(g, g->M);
	else if (chance(g, 1, 10))
		e = g->W;
	else
		e = pick_end(g, s, g->W);
	if (e <= s)
		e = s + 1;
	*lo = s;
	*hi = e;
}

/* ---- values ------------------------------------------------------------------- */

static uint64_t pick_prot(struct gen *g)
{
	static const uint64_t prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE, PROT_READ | PROT_EXEC,
		PROT_READ | PROT_WRITE | PROT_EXEC, PROT_WRITE, PROT_EXEC, PROT_READ | PROT_SEM,
	};

	return prots[PICK(g, 36, 24, 14, 8, 5, 5, 4, 4)];
}

/* An argument-check path in about one call of sixteen. */
static bool bad(struct gen *g)
{
	return chance(g, 1, 16);
}

/* A length that rounds to 0 or wraps the address space past the window:
 * refused by every length check. */
static uint64_t wrap_len(struct gen *g)
{
	static const uint64_t lens[] = {
		UINT64_MAX, UINT64_MAX - PAGE_SIZE + 2, UINT64_C(0xfffffffffffff000),
	};

	return lens[below(g, 3)];
}

/* The same, or half the address space: larger than TASK_SIZE, which mmap
 * and munmap refuse -- but not madvise or mseal, whose range would then
 * reach every VMA above the window. */
static uint64_t huge_len(struct gen *g)
{
	return chance(g, 1, 4) ? UINT64_C(1) << 63 : wrap_len(g);
}

/* ---- the calls ------------------------------------------------------------------ */

static void gen_mmap(struct gen *g, struct conform_call *c, bool plain)
{
	const struct conform_features *f = &g->o->feat;
	uint64_t type, flags, prot = pick_prot(g);
	int lo = pick_page(g), hi = pick_end(g, lo, g->W);
	bool hint = true;

	c->nr = NR_MMAP;
	type = (uint64_t[]){ MAP_PRIVATE, MAP_SHARED, MAP_DROPPABLE }[plain ? 0 : PICK(g, 84, 12, 4)];
	flags = type | MAP_ANONYMOUS;
	switch (plain ? PICK(g, 60, 40) : PICK(g, 40, 24, 3, 24, 6, 3)) {
	case 0: flags |= MAP_FIXED; break;
	case 1: flags |= f->fixed_noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED; break;
	case 2: flags |= MAP_FIXED | (f->fixed_noreplace ? MAP_FIXED_NOREPLACE : 0); break;
	case 3: break;                          /* a hint inside the window */
	case 4: hint = false; break;            /* no hint: placed elsewhere */
	default: hint = false; flags |= chance(g, 1, 2) ? MAP_32BIT : MAP_ABOVE4G; break;
	}
	if (!plain) {
		if (chance(g, 1, 10)) flags |= MAP_NORESERVE;
		if (chance(g, 1, 22)) flags |= MAP_GROWSDOWN;
		if (chance(g, 1, 22)) flags |= MAP_POPULATE;
		if (chance(g, 1, 30)) flags |= MAP_LOCKED;
		if (chance(g, 1, 30)) flags |= MAP_STACK;
		if (chance(g, 1, 60)) flags |= MAP_NONBLOCK | MAP_DENYWRITE | MAP_EXECUTABLE;
		if (chance(g, 1, 60)) flags |= MAP_UNINITIALIZED;
		if (chance(g, 1, 40)) flags |= MAP_SYNC;
	}
	c->arg[0] = hint ? addr_of(g, lo) : 0;
	c->arg[1] = len_of(g, hi - lo);
	c->arg[2] = prot;
	c->arg[3] = flags;
	c->arg[4] = UINT64_MAX;   /* fd -1 */
	c->arg[5] = 0;
	if (hint)
		mark(g, lo, hi);
	if (plain || !bad(g))
		return;
	switch (below(g, 10)) {
	case 0: c->arg[5] = 0x800; break;                        /* EINVAL: offset */
	case 1: c->arg[1] = 0; break;                            /* EINVAL: length 0 */
	case 2: c->arg[1] = huge_len(g); break;                  /* ENOMEM */
	case 3: c->arg[1] = (UINT64_C(1) << 47) + PAGE_SIZE; break; /* ENOMEM: > TASK_SIZE */
	case 4:                                                  /* EINVAL: unaligned fixed */
		c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_FIXED_NOREPLACE) | MAP_FIXED;
		c->arg[0] = addr_of(g, lo) + 1 + (uint64_t)below(g, 4000);
		break;
	case 5:                                                  /* ENOMEM: past TASK_SIZE */
		c->arg[3] |= MAP_FIXED;
		c->arg[0] = TASK_SIZE - PAGE_SIZE;
		c->arg[1] = 2 * PAGE_SIZE;
		break;
	case 6: c->arg[3] &= ~(uint64_t)MAP_ANONYMOUS; break;    /* EBADF: fd -1 */
	case 7:                                                  /* EINVAL: no anonymous type */
		c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_TYPE_MASK) |
			    (uint64_t[]){ MAP_SHARED_VALIDATE, 0, 0x0c, 0x0f }[below(g, 4)];
		break;
	case 8: c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_TYPE_MASK) | MAP_SHARED | MAP_GROWSDOWN; break;
	default: c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_TYPE_MASK) | MAP_DROPPABLE |
			     (chance(g, 1, 2) ? MAP_LOCKED : MAP_GROWSDOWN); break;
	}
}

static void gen_munmap(struct gen *g, struct conform_call *c)
{
	int lo, hi;

	pick_range(g, &lo, &hi);
	c->nr = NR_MUNMAP;
	c->arg[0] = addr_of(g, lo);
	c->arg[1] = len_of(g, hi - lo);
	mark(g, lo, hi);
	if (!bad(g))
		return;
	switch (below(g, 4)) {
	case 0: c->arg[0] += 1 + (uint64_t)below(g, 4000); break;  /* EINVAL: unaligned */
	case 1: c->arg[1] = 0; break;                              /* EINVAL: length 0 */
	case 2: c->arg[1] = huge_len(g); break;                    /* EINVAL: past TASK_SIZE */
	default: c->arg[0] = UINT64_C(0xffff800000000000); break;  /* EINVAL: kernel address */
	}
}

static void gen_mprotect(struct gen *g, struct conform_call *c, bool pkey)
{
	int lo, hi;

	pick_range(g, &lo, &hi);
	c->nr = pkey ? NR_PKEY_MPROTECT : NR_MPROTECT;
	c->arg[0] = addr_of(g, lo);
	c->arg[1] = len_of(g, hi - lo);
	c->arg[2] = pick_prot(g);
	if (chance(g, 1, 25))
		c->arg[2] |= PROT_GROWSDOWN;
	if (pkey)
		c->arg[3] = (uint64_t)(int64_t)(int[]){ -1, 0, 1, 15, 16, -2 }[PICK(g, 10, 3, 2, 1, 1, 1)];
	mark(g, lo, hi);
	if (!bad(g))
		return;
	switch (below(g, 6)) {
	case 0: c->arg[2] |= PROT_GROWSDOWN | PROT_GROWSUP; break;  /* EINVAL */
	case 1: c->arg[0] += 1 + (uint64_t)below(g, 4000); break;  /* EINVAL */
	case 2: c->arg[1] = 0; c->arg[2] = 0x12345; break;        /* 0: length 0 wins */
	case 3: c->arg[1] = UINT64_C(0xfffffffffffff000); break;   /* ENOMEM: wraps */
	case 4: c->arg[2] |= 0x10; break;                          /* EINVAL: unknown bit */
	default: c->arg[2] = PROT_READ | PROT_GROWSUP; break;      /* EINVAL on x86 */
	}
}

static void gen_madvise(struct gen *g, struct conform_call *c)
{
	/* Grouped: advice that changes VMA flags (and splits), discards,
	 * guards, the rest, and values no kernel knows. */
	static const uint64_t flagged[] = { 0, 1, 2, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 };
	static const uint64_t discard[] = { 4, 24, 8, 9 };
	static const uint64_t other[] = { 3, 20, 21, 22, 23, 25 };
	static const uint64_t invalid[] = { 5, 6, 7, 26, 99, 104, 0xffffffff };
	int lo, hi;

	pick_range(g, &lo, &hi);
	c->nr = NR_MADVISE;
	c->arg[0] = addr_of(g, lo);
	c->arg[1] = len_of(g, hi - lo);
	switch (PICK(g, 42, 26, g->o->feat.guard ? 9 : 0, 19, 4)) {
	case 0: c->arg[2] = flagged[below(g, 13)]; break;
	case 1: c->arg[2] = discard[below(g, 4)]; break;
	case 2: c->arg[2] = chance(g, 2, 3) ? 102 : 103; break;
	case 3: c->arg[2] = other[below(g, 6)]; break;
	default: c->arg[2] = invalid[below(g, 7)]; break;
	}
	mark(g, lo, hi);
	if (!bad(g))
		return;
	switch (below(g, 3)) {
	case 0: c->arg[0] += 1 + (uint64_t)below(g, 4000); break;  /* EINVAL */
	case 1: c->arg[1] = 0; break;                              /* 0 */
	default: c->arg[1] = wrap_len(g); break;                   /* EINVAL */
	}
}

static void gen_mseal(struct gen *g, struct conform_call *c)
{
	int lo, hi;

	pick_range(g, &lo, &hi);
	c->nr = NR_MSEAL;
	c->arg[0] = addr_of(g, lo);
	c->arg[1] = len_of(g, hi - lo);
	mark(g, lo, hi);
	if (!bad(g))
		return;
	switch (below(g, 4)) {
	case 0: c->arg[2] = chance(g, 1, 2) ? 1 : UINT64_MAX; break; /* EINVAL: flags */
	case 1: c->arg[0] += 1 + (uint64_t)below(g, 4000); break;    /* EINVAL */
	case 2: c->arg[1] = 0; break;                                /* 0 */
	default: c->arg[1] = wrap_len(g); break;                     /* EINVAL */
	}
}

static void gen_mremap(struct gen *g, struct conform_call *c)
{
	int old = pick_page(g), room = g->W - old, olen, nlen, dest = -1;
	uint64_t flags = 0;

	c->nr = NR_MREMAP;
	olen = pick_end(g, old, g->W) - old;
	switch (PICK(g, 14, 22, 6, 30, 14, 6)) {
	case 0: /* shrink in place */
		if (olen < 2)
			olen = room >= 2 ? 2 : 1;
		nlen = olen > 1 ? 1 + below(g, olen - 1) : 1;
		flags = chance(g, 1, 3) ? MREMAP_MAYMOVE : 0;
		break;
	case 1: /* grow: in place if there is room, else move elsewhere */
		if (olen >= room)
			olen = room > 1 ? room - 1 : 1;
		nlen = olen + 1 + below(g, room - olen > 1 ? room - olen : 1);
		if (nlen > room)
			nlen = room;
		flags = chance(g, 2, 3) ? MREMAP_MAYMOVE : 0;
		break;
	case 2: /* same size */
		nlen = olen;
		flags = chance(g, 1, 2) ? MREMAP_MAYMOVE : 0;
		break;
	case 3: /* move to a fixed place in the window, often the same size */
		nlen = chance(g, 3, 5) ? olen : 1 + below(g, g->W / 4);
		flags = MREMAP_MAYMOVE | MREMAP_FIXED;
		if (chance(g, 1, 6))
			flags |= MREMAP_DONTUNMAP, nlen = olen;
		break;
	case 4: /* keep the source: DONTUNMAP, at a hint or anywhere */
		nlen = olen;
		flags = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
		break;
	default: /* old_len 0: a second mapping of shared memory */
		nlen = 1 + below(g, 3);
		olen = 0;
		flags = MREMAP_MAYMOVE | (chance(g, 1, 2) ? MREMAP_FIXED : 0);
		break;
	}
	if (nlen > room)
		nlen = room;
	if (olen > room)
		olen = room;
	if (nlen < 1)
		nlen = 1;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		dest = pick_page(g);
		if (dest + nlen > g->W)
			dest = g->W - nlen;
		if ((flags & MREMAP_DONTUNMAP) && !(flags & MREMAP_FIXED) && chance(g, 1, 3))
			dest = -1;   /* no hint */
	}
	c->arg[0] = addr_of(g, old);
	c->arg[1] = olen ? len_of(g, olen) : 0;
	c->arg[2] = len_of(g, nlen);
	c->arg[3] = flags;
	c->arg[4] = dest >= 0 ? addr_of(g, dest) : 0;
	/* DONTUNMAP wants equal lengths after rounding: keep them whole */
	if (flags & MREMAP_DONTUNMAP)
		c->arg[1] = c->arg[2] = (uint64_t)nlen * PAGE_SIZE;
	mark(g, old, old + (olen > nlen ? olen : nlen));
	if (dest >= 0)
		mark(g, dest, dest + nlen);
	if (!bad(g))
		return;
	switch (below(g, 7)) {
	case 0: c->arg[3] |= 8; break;                                 /* EINVAL: flags */
	case 1: c->arg[0] += 1 + (uint64_t)below(g, 4000); break;      /* EINVAL */
	case 2: c->arg[2] = 0; break;                                  /* EINVAL: new_len 0 */
	case 3: c->arg[2] = (UINT64_C(1) << 47) + PAGE_SIZE; break;    /* EINVAL: > TASK_SIZE */
	case 4: c->arg[3] = MREMAP_FIXED; c->arg[4] = addr_of(g, 0); break; /* EINVAL: no MAYMOVE */
	case 5:                                                        /* EINVAL: unaligned dest */
		c->arg[3] = MREMAP_MAYMOVE | MREMAP_FIXED;
		c->arg[4] = addr_of(g, 0) + 1 + (uint64_t)below(g, 4000);
		break;
	default:                                                       /* EINVAL: DONTUNMAP resize */
		c->arg[3] = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
		c->arg[1] = PAGE_SIZE;
		c->arg[2] = 2 * PAGE_SIZE;
		c->arg[4] = 0;
		break;
	}
}

static void gen_brk(struct gen *g, struct conform_call *c)
{
	static const uint64_t wild[] = { 0, 0x1000, TASK_SIZE + PAGE_SIZE, UINT64_MAX };

	c->nr = NR_BRK;
	if (g->heap < 0 || chance(g, 1, 8)) {
		c->arg[0] = wild[below(g, 4)];
		return;
	}
	int p = g->heap - 2 + below(g, g->W - g->heap + 3);

	if (chance(g, 1, 3))
		p = pick_edge(g, g->heap, g->W) >= 0 ? pick_edge(g, g->heap, g->W) : p;
	p = clamp(p, -2, g->W);   /* below the heap: it fails */
	c->arg[0] = addr_of(g, p);
	if (p >= 0 && p < g->W && chance(g, 1, 6))
		c->arg[0] += 1 + (uint64_t)below(g, 4000);
	if (p >= g->heap)
		mark(g, g->heap, p);
}

static void gen_pkey(struct gen *g, struct conform_call *c)
{
	if (chance(g, 1, 2)) {
		c->nr = NR_PKEY_ALLOC;
		c->arg[0] = chance(g, 5, 6) ? 0 : 1;
		c->arg[1] = (uint64_t[]){ 0, 1, 2, 3, 4 }[PICK(g, 4, 2, 2, 1, 1)];
	} else {
		c->nr = NR_PKEY_FREE;
		c->arg[0] = (uint64_t)(int64_t)(int[]){ 1, 0, 2, 15, 16, -1 }[below(g, 6)];
	}
}

static void gen_touch(struct gen *g, struct conform_call *c)
{
	int p = pick_page(g);

	c->nr = CONFORM_TOUCH;
	c->arg[0] = addr_of(g, p);
	if (chance(g, 1, 3))
		c->arg[0] += (uint64_t)below(g, (int)PAGE_SIZE);
	c->arg[1] = chance(g, 11, 20);
	mark(g, p, p + 1);
}

int conform_gen(struct conform_seq *s, const struct conform_gen_opts *o, uint64_t seed)
{
	const struct conform_features *f = &o->feat;
	struct gen g;
	int fill_at = -1, plain;

	conform_seq_init(s, o->base, o->pages);
	memset(&g, 0, sizeof(g));
	g.state = seed;
	g.o = o;
	g.s = s;
	g.W = (int)o->pages;
	g.M = CONFORM_MARGIN_PAGES;
	g.heap = -1;
	g.edge[0] = g.edge[g.W] = 1;
	g.last_hi = 1;

	/* a heap window in one sequence of two: the process's start_brk at
	 * page h of the window, brk() growing into the pages above it */
	if (f->brk && o->heap_start && chance(&g, 1, 2)) {
		int maxh = (int)o->heap_below < g.W / 2 ? (int)o->heap_below : g.W / 2;

		g.heap = below(&g, maxh + 1);
		s->base = o->heap_start - (uint64_t)g.heap * PAGE_SIZE;
		s->heap = o->heap_start;
		g.edge[g.heap] = 1;
	}
	/* max_map_count pressure: one fill(max-K) early in one sequence of
	 * 25, then the calls that split near the limit. */
	if (f->fill && o->calls >= 4 && chance(&g, 1, 25))
		fill_at = below(&g, 3);
	plain = 1 + below(&g, 3);

	for (unsigned i = 0; i < o->calls; i++) {
		struct conform_call c;

		memset(&c, 0, sizeof(c));
		if ((int)i == fill_at) {
			c.nr = CONFORM_FILL;
			c.arg[0] = (uint64_t)(int64_t)(int[]){ -1, 0, 1, 2, 3, 4, 5, 6, 8 }[below(&g, 9)];
		} else if ((int)i < plain) {
			gen_mmap(&g, &c, true);
		} else {
			switch (PICK(&g, 20, 8, 10, 3, 2, 10, 12, g.heap >= 0 ? 6 : 1,
				     f->mseal ? 12 : 0, 12)) {
			case 0: gen_mmap(&g, &c, false); break;
			case 1: gen_munmap(&g, &c); break;
			case 2: gen_mprotect(&g, &c, false); break;
			case 3: gen_mprotect(&g, &c, true); break;
			case 4: gen_pkey(&g, &c); break;
			case 5: gen_mremap(&g, &c); break;
			case 6: gen_madvise(&g, &c); break;
			case 7: gen_brk(&g, &c); break;
			case 8: gen_mseal(&g, &c); break;
			default: gen_touch(&g, &c); break;
			}
		}
		if (conform_seq_push(s, &c) != 0) {
			conform_seq_free(s);
			return -ENOMEM;
		}
	}
	return 0;
}
