#include "core/guards.h"
#include "core/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void guards_init(struct guards *g)
{
	memset(g, 0, sizeof(*g));
}

void guards_destroy(struct guards *g)
{
	free(g->r);
	guards_init(g);
}

static int reserve(struct guards *g, size_t need)
{
	struct guard_range *r;
	size_t cap = g->cap ? g->cap : 8;

	if (need <= g->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	r = core_realloc(g->r, cap * sizeof(*r));
	if (!r)
		return -ENOMEM;
	g->r = r;
	g->cap = cap;
	return 0;
}

/* The first range ending after addr. */
static size_t first_after(const struct guards *g, uint64_t addr)
{
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->r[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int guards_remove(struct guards *g, uint64_t start, uint64_t end)
{
	size_t i = first_after(g, start), j = i;
	struct guard_range keep[2];
	size_t nkeep = 0;

	while (j < g->n && g->r[j].start < end)
		j++;
	if (i == j)
		return 0;
	/* Ranges i..j-1 meet [start, end): keep what sticks out. */
	if (g->r[i].start < start)
		keep[nkeep++] = (struct guard_range){ g->r[i].start, start };
	if (g->r[j - 1].end > end)
		keep[nkeep++] = (struct guard_range){ end, g->r[j - 1].end };
	if (reserve(g, g->n - (j - i) + nkeep))
		return -ENOMEM;
	memmove(&g->r[i + nkeep], &g->r[j], (g->n - j) * sizeof(g->r[0]));
	memcpy(&g->r[i], keep, nkeep * sizeof(keep[0]));
	g->n = g->n - (j - i) + nkeep;
	return 0;
}

int guards_add(struct guards *g, uint64_t start, uint64_t end)
{
	size_t i, j;

	if (start >= end)
		return 0;
	/* Join with ranges that overlap or touch. */
	i = first_after(g, start == 0 ? 0 : start - 1);
	if (i < g->n && g->r[i].start < start && g->r[i].end >= start)
		start = g->r[i].start;
	j = i;
	while (j < g->n && g->r[j].start <= end) {
		if (g->r[j].start < start)
			start = g->r[j].start;
		if (g->r[j].end > end)
			end = g->r[j].end;
		j++;
	}
	if (reserve(g, g->n - (j - i) + 1))
		return -ENOMEM;
	memmove(&g->r[i + 1], &g->r[j], (g->n - j) * sizeof(g->r[0]));
	g->r[i] = (struct guard_range){ start, end };
	g->n = g->n - (j - i) + 1;
	return 0;
}

bool guards_contains(const struct guards *g, uint64_t addr)
{
	size_t i = first_after(g, addr);

	return i < g->n && g->r[i].start <= addr;
}

uint64_t guards_first_in(const struct guards *g, uint64_t start, uint64_t end)
{
	size_t i = first_after(g, start);

	if (i == g->n || g->r[i].start >= end)
		return end;
	return g->r[i].start > start ? g->r[i].start : start;
}

int guards_move(struct guards *g, uint64_t from, uint64_t len, uint64_t to)
{
	struct guard_range *moved;
	size_t i = first_after(g, from), n = 0;
	int err = 0;

	/* Room first for the worst case (two removals splitting a range
	 * each, then every moved range added), so that nothing below can
	 * fail half way: a failed move changes nothing. */
	moved = core_alloc((g->n + 1) * sizeof(*moved));
	if (!moved || reserve(g, 2 * g->n + 4)) {
		free(moved);
		return -ENOMEM;
	}
	for (; i < g->n && g->r[i].start < from + len; i++) {
		uint64_t s = g->r[i].start > from ? g->r[i].start : from;
		uint64_t e = g->r[i].end < from + len ? g->r[i].end : from + len;

		moved[n++] = (struct guard_range){ s - from + to, e - from + to };
	}
	err = guards_remove(g, from, from + len);
	if (!err)
		err = guards_remove(g, to, to + len);
	for (size_t k = 0; !err && k < n; k++)
		err = guards_add(g, moved[k].start, moved[k].end);
	free(moved);
	return err;
}
