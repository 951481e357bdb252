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
#include "syscalls/conform_internal.h"
#include "syscalls/uapi.h"

uint64_t conform_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* ---- numbers ------------------------------------------------------------- */

uint64_t gen_next(struct gen *g)
{
	g->state += UINT64_C(0x9e3779b97f4a7c15);
	return conform_mix(g->state);
}

int gen_below(struct gen *g, int n)
{
	return n > 0 ? (int)(gen_next(g) % (uint64_t)n) : 0;
}

bool gen_chance(struct gen *g, int num, int den)
{
	return gen_below(g, den) < num;
}

/* An index into weights[], drawn in proportion to them. */
int gen_weighted(struct gen *g, const int *weights, int n)
{
	int total = 0, r;

	for (int i = 0; i < n; i++)
		total += weights[i];
	r = gen_below(g, total);
	for (int i = 0; i < n; i++) {
		if (r < weights[i])
			return i;
		r -= weights[i];
	}
	return n - 1;
}

/* ---- pages and ranges ------------------------------------------------------ */

uint64_t gen_addr_of(const struct gen *g, int page)
{
	return g->s->base + (uint64_t)(int64_t)page * PAGE_SIZE;
}

void gen_mark(struct gen *g, int lo, int hi)
{
	if (lo >= 0 && lo <= g->W)
		g->edge[lo] = 1;
	if (hi >= 0 && hi <= g->W)
		g->edge[hi] = 1;
	g->last_lo = lo;
	g->last_hi = hi;
}

static int gen_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* An edge in [lo, hi], or -1 when there is none. */
static int gen_pick_edge(struct gen *g, int lo, int hi)
{
	int n = 0, k;

	lo = gen_clamp(lo, 0, g->W);
	hi = gen_clamp(hi, 0, g->W);
	for (int i = lo; i <= hi; i++)
		n += g->edge[i];
	if (!n)
		return -1;
	k = gen_below(g, n);
	for (int i = lo; i <= hi; i++)
		if (g->edge[i] && k-- == 0)
			return i;
	return -1;
}

/* A page in [0, W-1]: often an edge seen before or a page beside one,
 * sometimes an end of the previous call's range. */
int gen_pick_page(struct gen *g)
{
	int p;

	switch (GEN_PICK(g, 45, 12, 43)) {
	case 0:
		p = gen_pick_edge(g, 0, g->W - 1);
		if (p < 0)
			p = gen_below(g, g->W);
		if (gen_chance(g, 1, 4))
			p += gen_chance(g, 1, 2) ? 1 : -1;
		break;
	case 1:
		p = gen_chance(g, 1, 2) ? g->last_lo : g->last_hi;
		break;
	default:
		p = gen_below(g, g->W);
		break;
	}
	return gen_clamp(p, 0, g->W - 1);
}

/* An end page in (start, max_end]. */
int gen_pick_end(struct gen *g, int start, int max_end)
{
	int e = -1;

	if (max_end <= start + 1)
		return start + 1;
	switch (GEN_PICK(g, 35, 45, 20)) {
	case 0:
		e = gen_pick_edge(g, start + 1, max_end);
		if (e > 0 && gen_chance(g, 1, 5))
			e += gen_chance(g, 1, 2) ? 1 : -1;
		break;
	case 1:
		e = start + 1 + GEN_PICK(g, 40, 30, 15, 15);
		break;
	default:
		break;
	}
	if (e <= start || e > max_end)
		e = start + 1 + gen_below(g, max_end - start);
	return e;
}

/* A byte length for pages, now and then not a whole number of pages (the
 * kernel rounds it up). */
uint64_t gen_len_of(struct gen *g, int pages)
{
	uint64_t len = (uint64_t)pages * PAGE_SIZE;

	if (pages > 0 && gen_chance(g, 1, 12))
		len -= 1 + (uint64_t)gen_below(g, (int)PAGE_SIZE - 1);
	return len;
}

/* A range for a call that only changes or removes mappings: mostly in
 * the window, sometimes starting or ending in a margin (a hole). */
void gen_pick_range(struct gen *g, int *lo, int *hi)
{
	int s, e;

	if (gen_chance(g, 1, 14))
		s = -1 - gen_below(g, g->M);
	else
		s = gen_pick_page(g);
	if (gen_chance(g, 1, 12))
		e = g->W + 1 + gen_below(g, g->M);
	else if (gen_chance(g, 1, 10))
		e = g->W;
	else
		e = gen_pick_end(g, s, g->W);
	if (e <= s)
		e = s + 1;
	*lo = s;
	*hi = e;
}

/* ---- values ------------------------------------------------------------------- */

uint64_t gen_pick_prot(struct gen *g)
{
	static const uint64_t prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE, PROT_READ | PROT_EXEC,
		PROT_READ | PROT_WRITE | PROT_EXEC, PROT_WRITE, PROT_EXEC, PROT_READ | PROT_SEM,
	};

	return prots[GEN_PICK(g, 36, 24, 14, 8, 5, 5, 4, 4)];
}

/* An argument-check path in about one call of sixteen. */
bool gen_bad(struct gen *g)
{
	return gen_chance(g, 1, 16);
}

/* A length that rounds to 0 or wraps the address space past the window:
 * refused by every length check. */
static uint64_t gen_wrap_len(struct gen *g)
{
	static const uint64_t lens[] = {
		UINT64_MAX, UINT64_MAX - PAGE_SIZE + 2, UINT64_C(0xfffffffffffff000),
	};

	return lens[gen_below(g, 3)];
}

/* The same, or half the address space: larger than TASK_SIZE, which mmap
 * and munmap refuse -- but not madvise or mseal, whose range would then
 * reach every VMA above the window. */
static uint64_t gen_huge_len(struct gen *g)
{
	return gen_chance(g, 1, 4) ? UINT64_C(1) << 63 : gen_wrap_len(g);
}

/* ---- the calls ------------------------------------------------------------------ */

void gen_mmap(struct gen *g, struct conform_call *c, bool plain)
{
	const struct conform_features *f = &g->o->feat;
	uint64_t type, flags, prot = gen_pick_prot(g);
	int lo = gen_pick_page(g), hi = gen_pick_end(g, lo, g->W);
	bool hint = true;

	c->nr = NR_MMAP;
	type = (uint64_t[]){ MAP_PRIVATE, MAP_SHARED, MAP_DROPPABLE }[plain ? 0 : GEN_PICK(g, 84, 12, 4)];
	flags = type | MAP_ANONYMOUS;
	switch (plain ? GEN_PICK(g, 60, 40) : GEN_PICK(g, 40, 24, 3, 24, 6, 3)) {
	case 0: flags |= MAP_FIXED; break;
	case 1: flags |= f->fixed_noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED; break;
	case 2: flags |= MAP_FIXED | (f->fixed_noreplace ? MAP_FIXED_NOREPLACE : 0); break;
	case 3: break;                          /* a hint inside the window */
	case 4: hint = false; break;            /* no hint: placed elsewhere */
	default: hint = false; flags |= gen_chance(g, 1, 2) ? MAP_32BIT : MAP_ABOVE4G; break;
	}
	if (!plain) {
		if (gen_chance(g, 1, 10)) flags |= MAP_NORESERVE;
		if (gen_chance(g, 1, 22)) flags |= MAP_GROWSDOWN;
		if (gen_chance(g, 1, 22)) flags |= MAP_POPULATE;
		if (gen_chance(g, 1, 30)) flags |= MAP_LOCKED;
		if (gen_chance(g, 1, 30)) flags |= MAP_STACK;
		if (gen_chance(g, 1, 60)) flags |= MAP_NONBLOCK | MAP_DENYWRITE | MAP_EXECUTABLE;
		if (gen_chance(g, 1, 60)) flags |= MAP_UNINITIALIZED;
		if (gen_chance(g, 1, 40)) flags |= MAP_SYNC;
	}
	c->arg[0] = hint ? gen_addr_of(g, lo) : 0;
	c->arg[1] = gen_len_of(g, hi - lo);
	c->arg[2] = prot;
	c->arg[3] = flags;
	c->arg[4] = UINT64_MAX;   /* fd -1 */
	c->arg[5] = 0;
	if (hint)
		gen_mark(g, lo, hi);
	if (plain || !gen_bad(g))
		return;
	switch (gen_below(g, 10)) {
	case 0: c->arg[5] = 0x800; break;                        /* EINVAL: offset */
	case 1: c->arg[1] = 0; break;                            /* EINVAL: length 0 */
	case 2: c->arg[1] = gen_huge_len(g); break;                  /* ENOMEM */
	case 3: c->arg[1] = (UINT64_C(1) << 47) + PAGE_SIZE; break; /* ENOMEM: > TASK_SIZE */
	case 4:                                                  /* EINVAL: unaligned fixed */
		c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_FIXED_NOREPLACE) | MAP_FIXED;
		c->arg[0] = gen_addr_of(g, lo) + 1 + (uint64_t)gen_below(g, 4000);
		break;
	case 5:                                                  /* ENOMEM: past TASK_SIZE */
		c->arg[3] |= MAP_FIXED;
		c->arg[0] = TASK_SIZE - PAGE_SIZE;
		c->arg[1] = 2 * PAGE_SIZE;
		break;
	case 6: c->arg[3] &= ~(uint64_t)MAP_ANONYMOUS; break;    /* EBADF: fd -1 */
	case 7:                                                  /* EINVAL: no anonymous type */
		c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_TYPE_MASK) |
			    (uint64_t[]){ MAP_SHARED_VALIDATE, 0, 0x0c, 0x0f }[gen_below(g, 4)];
		break;
	case 8: c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_TYPE_MASK) | MAP_SHARED | MAP_GROWSDOWN; break;
	default: c->arg[3] = (c->arg[3] & ~(uint64_t)MAP_TYPE_MASK) | MAP_DROPPABLE |
			     (gen_chance(g, 1, 2) ? MAP_LOCKED : MAP_GROWSDOWN); break;
	}
}

void gen_munmap(struct gen *g, struct conform_call *c)
{
	int lo, hi;

	gen_pick_range(g, &lo, &hi);
	c->nr = NR_MUNMAP;
	c->arg[0] = gen_addr_of(g, lo);
	c->arg[1] = gen_len_of(g, hi - lo);
	gen_mark(g, lo, hi);
	if (!gen_bad(g))
		return;
	switch (gen_below(g, 4)) {
	case 0: c->arg[0] += 1 + (uint64_t)gen_below(g, 4000); break;  /* EINVAL: unaligned */
	case 1: c->arg[1] = 0; break;                              /* EINVAL: length 0 */
	case 2: c->arg[1] = gen_huge_len(g); break;                    /* EINVAL: past TASK_SIZE */
	default: c->arg[0] = UINT64_C(0xffff800000000000); break;  /* EINVAL: kernel address */
	}
}

void gen_mprotect(struct gen *g, struct conform_call *c, bool pkey)
{
	int lo, hi;

	gen_pick_range(g, &lo, &hi);
	c->nr = pkey ? NR_PKEY_MPROTECT : NR_MPROTECT;
	c->arg[0] = gen_addr_of(g, lo);
	c->arg[1] = gen_len_of(g, hi - lo);
	c->arg[2] = gen_pick_prot(g);
	if (gen_chance(g, 1, 25))
		c->arg[2] |= PROT_GROWSDOWN;
	if (pkey)
		c->arg[3] = (uint64_t)(int64_t)(int[]){ -1, 0, 1, 15, 16, -2 }[GEN_PICK(g, 10, 3, 2, 1, 1, 1)];
	gen_mark(g, lo, hi);
	if (!gen_bad(g))
		return;
	switch (gen_below(g, 6)) {
	case 0: c->arg[2] |= PROT_GROWSDOWN | PROT_GROWSUP; break;  /* EINVAL */
	case 1: c->arg[0] += 1 + (uint64_t)gen_below(g, 4000); break;  /* EINVAL */
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

	gen_pick_range(g, &lo, &hi);
	c->nr = NR_MADVISE;
	c->arg[0] = gen_addr_of(g, lo);
	c->arg[1] = gen_len_of(g, hi - lo);
	switch (GEN_PICK(g, 42, 26, g->o->feat.guard ? 9 : 0, 19, 4)) {
	case 0: c->arg[2] = flagged[gen_below(g, 13)]; break;
	case 1: c->arg[2] = discard[gen_below(g, 4)]; break;
	case 2: c->arg[2] = gen_chance(g, 2, 3) ? 102 : 103; break;
	case 3: c->arg[2] = other[gen_below(g, 6)]; break;
	default: c->arg[2] = invalid[gen_below(g, 7)]; break;
	}
	/* Where memfds may be mapped, no MADV_REMOVE (see gen_memfd_madvise);
	 * the draw stays the same, so the mm area's sequences do too. */
	if (c->arg[2] == 9 && g->o->area != CONFORM_AREA_MM)
		c->arg[2] = 4;
	gen_mark(g, lo, hi);
	if (!gen_bad(g))
		return;
	switch (gen_below(g, 3)) {
	case 0: c->arg[0] += 1 + (uint64_t)gen_below(g, 4000); break;  /* EINVAL */
	case 1: c->arg[1] = 0; break;                              /* 0 */
	default: c->arg[1] = gen_wrap_len(g); break;                   /* EINVAL */
	}
}

void gen_mseal(struct gen *g, struct conform_call *c)
{
	int lo, hi;

	gen_pick_range(g, &lo, &hi);
	c->nr = NR_MSEAL;
	c->arg[0] = gen_addr_of(g, lo);
	c->arg[1] = gen_len_of(g, hi - lo);
	gen_mark(g, lo, hi);
	if (!gen_bad(g))
		return;
	switch (gen_below(g, 4)) {
	case 0: c->arg[2] = gen_chance(g, 1, 2) ? 1 : UINT64_MAX; break; /* EINVAL: flags */
	case 1: c->arg[0] += 1 + (uint64_t)gen_below(g, 4000); break;    /* EINVAL */
	case 2: c->arg[1] = 0; break;                                /* 0 */
	default: c->arg[1] = gen_wrap_len(g); break;                     /* EINVAL */
	}
}

static void gen_mremap(struct gen *g, struct conform_call *c)
{
	int old = gen_pick_page(g), room = g->W - old, olen, nlen, dest = -1;
	uint64_t flags = 0;

	c->nr = NR_MREMAP;
	olen = gen_pick_end(g, old, g->W) - old;
	switch (GEN_PICK(g, 14, 22, 6, 30, 14, 6)) {
	case 0: /* shrink in place */
		if (olen < 2)
			olen = room >= 2 ? 2 : 1;
		nlen = olen > 1 ? 1 + gen_below(g, olen - 1) : 1;
		flags = gen_chance(g, 1, 3) ? MREMAP_MAYMOVE : 0;
		break;
	case 1: /* grow: in place if there is room, else move elsewhere */
		if (olen >= room)
			olen = room > 1 ? room - 1 : 1;
		nlen = olen + 1 + gen_below(g, room - olen > 1 ? room - olen : 1);
		if (nlen > room)
			nlen = room;
		flags = gen_chance(g, 2, 3) ? MREMAP_MAYMOVE : 0;
		break;
	case 2: /* same size */
		nlen = olen;
		flags = gen_chance(g, 1, 2) ? MREMAP_MAYMOVE : 0;
		break;
	case 3: /* move to a fixed place in the window, often the same size */
		nlen = gen_chance(g, 3, 5) ? olen : 1 + gen_below(g, g->W / 4);
		flags = MREMAP_MAYMOVE | MREMAP_FIXED;
		if (gen_chance(g, 1, 6))
			flags |= MREMAP_DONTUNMAP, nlen = olen;
		break;
	case 4: /* keep the source: DONTUNMAP, at a hint or anywhere */
		nlen = olen;
		flags = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
		break;
	default: /* old_len 0: a second mapping of shared memory */
		nlen = 1 + gen_below(g, 3);
		olen = 0;
		flags = MREMAP_MAYMOVE | (gen_chance(g, 1, 2) ? MREMAP_FIXED : 0);
		break;
	}
	if (nlen > room)
		nlen = room;
	if (olen > room)
		olen = room;
	if (nlen < 1)
		nlen = 1;
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		dest = gen_pick_page(g);
		if (dest + nlen > g->W)
			dest = g->W - nlen;
		if ((flags & MREMAP_DONTUNMAP) && !(flags & MREMAP_FIXED) && gen_chance(g, 1, 3))
			dest = -1;   /* no hint */
	}
	c->arg[0] = gen_addr_of(g, old);
	c->arg[1] = olen ? gen_len_of(g, olen) : 0;
	c->arg[2] = gen_len_of(g, nlen);
	c->arg[3] = flags;
	c->arg[4] = dest >= 0 ? gen_addr_of(g, dest) : 0;
	/* DONTUNMAP wants equal lengths after rounding: keep them whole */
	if (flags & MREMAP_DONTUNMAP)
		c->arg[1] = c->arg[2] = (uint64_t)nlen * PAGE_SIZE;
	gen_mark(g, old, old + (olen > nlen ? olen : nlen));
	if (dest >= 0)
		gen_mark(g, dest, dest + nlen);
	if (!gen_bad(g))
		return;
	switch (gen_below(g, 7)) {
	case 0: c->arg[3] |= 8; break;                                 /* EINVAL: flags */
	case 1: c->arg[0] += 1 + (uint64_t)gen_below(g, 4000); break;      /* EINVAL */
	case 2: c->arg[2] = 0; break;                                  /* EINVAL: new_len 0 */
	case 3: c->arg[2] = (UINT64_C(1) << 47) + PAGE_SIZE; break;    /* EINVAL: > TASK_SIZE */
	case 4: c->arg[3] = MREMAP_FIXED; c->arg[4] = gen_addr_of(g, 0); break; /* EINVAL: no MAYMOVE */
	case 5:                                                        /* EINVAL: unaligned dest */
		c->arg[3] = MREMAP_MAYMOVE | MREMAP_FIXED;
		c->arg[4] = gen_addr_of(g, 0) + 1 + (uint64_t)gen_below(g, 4000);
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
	if (g->heap < 0 || gen_chance(g, 1, 8)) {
		c->arg[0] = wild[gen_below(g, 4)];
		return;
	}
	int p = g->heap - 2 + gen_below(g, g->W - g->heap + 3);

	if (gen_chance(g, 1, 3))
		p = gen_pick_edge(g, g->heap, g->W) >= 0 ? gen_pick_edge(g, g->heap, g->W) : p;
	p = gen_clamp(p, -2, g->W);   /* below the heap: it fails */
	c->arg[0] = gen_addr_of(g, p);
	if (p >= 0 && p < g->W && gen_chance(g, 1, 6))
		c->arg[0] += 1 + (uint64_t)gen_below(g, 4000);
	if (p >= g->heap)
		gen_mark(g, g->heap, p);
}

static void gen_pkey(struct gen *g, struct conform_call *c)
{
	if (gen_chance(g, 1, 2)) {
		c->nr = NR_PKEY_ALLOC;
		c->arg[0] = gen_chance(g, 5, 6) ? 0 : 1;
		c->arg[1] = (uint64_t[]){ 0, 1, 2, 3, 4 }[GEN_PICK(g, 4, 2, 2, 1, 1)];
	} else {
		c->nr = NR_PKEY_FREE;
		c->arg[0] = (uint64_t)(int64_t)(int[]){ 1, 0, 2, 15, 16, -1 }[gen_below(g, 6)];
	}
}

void gen_touch(struct gen *g, struct conform_call *c)
{
	int p = gen_pick_page(g);

	c->nr = CONFORM_TOUCH;
	c->arg[0] = gen_addr_of(g, p);
	if (gen_chance(g, 1, 3))
		c->arg[0] += (uint64_t)gen_below(g, (int)PAGE_SIZE);
	c->arg[1] = gen_chance(g, 11, 20);
	gen_mark(g, p, p + 1);
}

/* One call of the mm area, after the first plain mmaps. */
void gen_mm_call(struct gen *g, struct conform_call *c)
{
	switch (GEN_PICK(g, 20, 8, 10, 3, 2, 10, 12, g->heap >= 0 ? 6 : 1,
			 g->o->feat.mseal ? 12 : 0, 12)) {
	case 0: gen_mmap(g, c, false); break;
	case 1: gen_munmap(g, c); break;
	case 2: gen_mprotect(g, c, false); break;
	case 3: gen_mprotect(g, c, true); break;
	case 4: gen_pkey(g, c); break;
	case 5: gen_mremap(g, c); break;
	case 6: gen_madvise(g, c); break;
	case 7: gen_brk(g, c); break;
	case 8: gen_mseal(g, c); break;
	default: gen_touch(g, c); break;
	}
}

static void gen_fill(struct gen *g, struct conform_call *c)
{
	c->nr = CONFORM_FILL;
	c->arg[0] = (uint64_t)(int64_t)(int[]){ -1, 0, 1, 2, 3, 4, 5, 6, 8 }[gen_below(g, 9)];
}

/* The window, and a heap window in one sequence of two (mm and all
 * areas): the process's start_brk at page h of the window, brk()
 * growing into the pages above it. */
static void gen_start(struct gen *g, struct conform_seq *s, const struct conform_gen_opts *o,
		      uint64_t seed)
{
	const struct conform_features *f = &o->feat;

	conform_seq_init(s, o->base, o->pages);
	s->area = o->area;
	memset(g, 0, sizeof(*g));
	g->state = seed;
	g->o = o;
	g->s = s;
	g->W = (int)o->pages;
	g->M = CONFORM_MARGIN_PAGES;
	g->heap = -1;
	g->edge[0] = g->edge[g->W] = 1;
	g->last_hi = 1;
	conform_track_init(&g->track);
	if ((o->area == CONFORM_AREA_MM || o->area == CONFORM_AREA_ALL) && f->brk &&
	    o->heap_start && gen_chance(g, 1, 2)) {
		int maxh = (int)o->heap_below < g->W / 2 ? (int)o->heap_below : g->W / 2;

		g->heap = gen_below(g, maxh + 1);
		s->base = o->heap_start - (uint64_t)g->heap * PAGE_SIZE;
		s->heap = o->heap_start;
		g->edge[g->heap] = 1;
	}
}

/* A write the sequence may not make where it stands (a memfd write in
 * the first actor's namespace once the sysctl is open: the rule cannot
 * tell descriptors apart) asks for the seals of that descriptor instead. */
static void make_write_safe(struct gen *g, struct conform_call *c)
{
	uint64_t fd = c->arg[0];

	if ((c->nr != CONFORM_NR_WRITE && c->nr != CONFORM_NR_PWRITE64) ||
	    conform_call_safe_at(c, g->s, &g->track, g->o->feat.pku, NULL))
		return;
	memset(c, 0, sizeof(*c));
	c->nr = CONFORM_NR_FCNTL;
	c->arg[0] = fd;
	c->arg[1] = CONFORM_F_GET_SEALS;
}

/* One call of sequence position i: fill() where it was put, the plain
 * first calls, then the area's mix. */
static void gen_call(struct gen *g, unsigned i, int fill_at, int plain, struct conform_call *c)
{
	bool first = (int)i < plain;

	if ((int)i == fill_at)
		gen_fill(g, c);
	else if (g->o->area == CONFORM_AREA_MM && first)
		gen_mmap(g, c, true);
	else if (g->o->area == CONFORM_AREA_MM)
		gen_mm_call(g, c);
	else if (g->o->area == CONFORM_AREA_MEMFD)
		gen_memfd_call(g, c, first);
	else if (g->o->area == CONFORM_AREA_PIDNS)
		gen_pidns_call(g, c, first);
	else
		gen_all_call(g, c, first);
	make_write_safe(g, c);
}

int conform_gen(struct conform_seq *s, const struct conform_gen_opts *o, uint64_t seed)
{
	struct gen g;
	int fill_at = -1, plain;

	gen_start(&g, s, o, seed);
	/* max_map_count pressure: one fill(max-K) early in one sequence of
	 * 25 (50 when mixed with forks, which copy every VMA), then the
	 * calls that split near the limit. */
	if ((o->area == CONFORM_AREA_MM || o->area == CONFORM_AREA_ALL) && o->feat.fill &&
	    o->calls >= 4 && gen_chance(&g, 1, o->area == CONFORM_AREA_MM ? 25 : 50))
		fill_at = gen_below(&g, 3);
	plain = 1 + gen_below(&g, 3);

	for (unsigned i = 0; i < o->calls; i++) {
		struct conform_call c;

		memset(&c, 0, sizeof(c));
		gen_call(&g, i, fill_at, plain, &c);
		conform_track_step(&g.track, &c);
		if (conform_seq_push(s, &c) != 0) {
			conform_seq_free(s);
			return -ENOMEM;
		}
	}
	return 0;
}
