/* Calls and sequences for mmsim conform, their text form, and the rule
 * that keeps a call inside the reserved region (conform_call_safe).
 *
 * The text form is what strace prints for these syscalls, with lengths
 * in hex so that page counts read at a glance:
 *
 *   window 0x400000000000 64
 *   heap 0x400000020000
 *   mmap(0x400000001000, 0x2000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0) = 0x400000001000
 *   mseal(0x400000001000, 0x1000, 0) = 0
 *   touch(0x400000001000, write) = 0
 *   fill(max-3) = 65400
 *
 * The parser takes that back (results and # comments are ignored), and
 * also strace's decimal lengths, NULL, 4-argument mremap and unknown bits
 * written as numbers, so a line copied from an strace log works too.
 */
#include "syscalls/conform.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/page.h"
#include "syscalls/uapi.h"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

/* ---- sequences ---------------------------------------------------------- */

void conform_seq_init(struct conform_seq *s, uint64_t base, uint64_t pages)
{
	memset(s, 0, sizeof(*s));
	s->base = base;
	s->pages = pages;
}

void conform_seq_free(struct conform_seq *s)
{
	free(s->calls);
	memset(s, 0, sizeof(*s));
}

int conform_seq_push(struct conform_seq *s, const struct conform_call *c)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		struct conform_call *calls = realloc(s->calls, cap * sizeof(*calls));

		if (!calls)
			return -ENOMEM;
		s->calls = calls;
		s->cap = cap;
	}
	s->calls[s->n++] = *c;
	return 0;
}

int conform_seq_copy(struct conform_seq *dst, const struct conform_seq *src)
{
	conform_seq_init(dst, src->base, src->pages);
	dst->heap = src->heap;
	if (!src->n)
		return 0;
	dst->calls = malloc(src->n * sizeof(*dst->calls));
	if (!dst->calls)
		return -ENOMEM;
	memcpy(dst->calls, src->calls, src->n * sizeof(*dst->calls));
	dst->n = dst->cap = src->n;
	return 0;
}

void conform_seq_remove(struct conform_seq *s, size_t from, size_t count)
{
	if (from >= s->n)
		return;
	if (count > s->n - from)
		count = s->n - from;
	memmove(s->calls + from, s->calls + from + count,
		(s->n - from - count) * sizeof(*s->calls));
	s->n -= count;
}

void conform_seq_relocate(struct conform_seq *s, uint64_t new_base)
{
	struct conform_layout l;
	uint64_t delta = new_base - s->base;   /* modulo 2^64: also moves down */

	conform_layout_of(s, 0, &l);
	for (size_t i = 0; i < s->n; i++) {
		struct conform_call *c = &s->calls[i];
		/* which arguments are addresses: bit k for arg[k] */
		unsigned addrs = c->nr == NR_MREMAP ? 0x11 : 0x1;

		if (c->nr == NR_PKEY_ALLOC || c->nr == NR_PKEY_FREE ||
		    c->nr == CONFORM_FILL)
			continue;
		for (unsigned k = 0; k < 6; k++)
			if ((addrs & (1u << k)) && c->arg[k] >= l.lo && c->arg[k] <= l.hi)
				c->arg[k] += delta;
	}
	if (s->heap)
		s->heap += delta;
	s->base = new_base;
}

/* ---- names -------------------------------------------------------------- */

struct sym {
	const char *name;
	uint64_t value;
};

static const struct sym prot_syms[] = {
	{ "PROT_READ", PROT_READ }, { "PROT_WRITE", PROT_WRITE }, { "PROT_EXEC", PROT_EXEC },
	{ "PROT_SEM", PROT_SEM }, { "PROT_GROWSDOWN", PROT_GROWSDOWN },
	{ "PROT_GROWSUP", PROT_GROWSUP }, { NULL, 0 },
};

/* The map type (flags & 0xf) is printed first, as strace does. */
static const struct sym map_type_syms[] = {
	{ "MAP_SHARED", MAP_SHARED }, { "MAP_PRIVATE", MAP_PRIVATE },
	{ "MAP_SHARED_VALIDATE", MAP_SHARED_VALIDATE }, { "MAP_DROPPABLE", MAP_DROPPABLE },
	{ NULL, 0 },
};

static const struct sym map_syms[] = {
	{ "MAP_FIXED", MAP_FIXED }, { "MAP_ANONYMOUS", MAP_ANONYMOUS },
	{ "MAP_32BIT", MAP_32BIT }, { "MAP_ABOVE4G", MAP_ABOVE4G },
	{ "MAP_GROWSDOWN", MAP_GROWSDOWN }, { "MAP_DENYWRITE", MAP_DENYWRITE },
	{ "MAP_EXECUTABLE", MAP_EXECUTABLE }, { "MAP_LOCKED", MAP_LOCKED },
	{ "MAP_NORESERVE", MAP_NORESERVE }, { "MAP_POPULATE", MAP_POPULATE },
	{ "MAP_NONBLOCK", MAP_NONBLOCK }, { "MAP_STACK", MAP_STACK },
	{ "MAP_HUGETLB", MAP_HUGETLB }, { "MAP_SYNC", MAP_SYNC },
	{ "MAP_FIXED_NOREPLACE", MAP_FIXED_NOREPLACE },
	{ "MAP_UNINITIALIZED", MAP_UNINITIALIZED }, { NULL, 0 },
};

static const struct sym mremap_syms[] = {
	{ "MREMAP_MAYMOVE", MREMAP_MAYMOVE }, { "MREMAP_FIXED", MREMAP_FIXED },
	{ "MREMAP_DONTUNMAP", MREMAP_DONTUNMAP }, { NULL, 0 },
};

static const struct sym pkey_syms[] = {
	{ "PKEY_DISABLE_ACCESS", 1 }, { "PKEY_DISABLE_WRITE", 2 }, { NULL, 0 },
};

/* Advice values by name; the numbers are the kernel's
 * (include/uapi/asm-generic/mman-common.h). */
static const struct sym advice_syms[] = {
	{ "MADV_NORMAL", 0 }, { "MADV_RANDOM", 1 }, { "MADV_SEQUENTIAL", 2 },
	{ "MADV_WILLNEED", 3 }, { "MADV_DONTNEED", 4 }, { "MADV_FREE", 8 },
	{ "MADV_REMOVE", 9 }, { "MADV_DONTFORK", 10 }, { "MADV_DOFORK", 11 },
	{ "MADV_MERGEABLE", 12 }, { "MADV_UNMERGEABLE", 13 }, { "MADV_HUGEPAGE", 14 },
	{ "MADV_NOHUGEPAGE", 15 }, { "MADV_DONTDUMP", 16 }, { "MADV_DODUMP", 17 },
	{ "MADV_WIPEONFORK", 18 }, { "MADV_KEEPONFORK", 19 }, { "MADV_COLD", 20 },
	{ "MADV_PAGEOUT", 21 }, { "MADV_POPULATE_READ", 22 }, { "MADV_POPULATE_WRITE", 23 },
	{ "MADV_DONTNEED_LOCKED", 24 }, { "MADV_COLLAPSE", 25 }, { "MADV_HWPOISON", 100 },
	{ "MADV_SOFT_OFFLINE", 101 }, { "MADV_GUARD_INSTALL", 102 },
	{ "MADV_GUARD_REMOVE", 103 }, { NULL, 0 },
};

static const struct sym touch_syms[] = {
	{ "read", 0 }, { "write", 1 }, { NULL, 0 },
};

const char *conform_call_name(int nr)
{
	switch (nr) {
	case NR_MMAP: return "mmap";
	case NR_MPROTECT: return "mprotect";
	case NR_MUNMAP: return "munmap";
	case NR_BRK: return "brk";
	case NR_MREMAP: return "mremap";
	case NR_MADVISE: return "madvise";
	case NR_PKEY_MPROTECT: return "pkey_mprotect";
	case NR_PKEY_ALLOC: return "pkey_alloc";
	case NR_PKEY_FREE: return "pkey_free";
	case NR_MSEAL: return "mseal";
	case CONFORM_TOUCH: return "touch";
	case CONFORM_FILL: return "fill";
	default: return NULL;
	}
}

static int nr_of_name(const char *name, size_t len)
{
	static const int nrs[] = {
		NR_MMAP, NR_MPROTECT, NR_MUNMAP, NR_BRK,
		NR_MREMAP, NR_MADVISE, NR_PKEY_MPROTECT,
		NR_PKEY_ALLOC, NR_PKEY_FREE, NR_MSEAL,
		CONFORM_TOUCH, CONFORM_FILL,
	};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		const char *n = conform_call_name(nrs[i]);

		if (strlen(n) == len && !memcmp(n, name, len))
			return nrs[i];
	}
	return 0;
}

/* ---- formatting --------------------------------------------------------- */

/* An appending writer with snprintf's contract: counts what it would
 * need, writes what fits, always terminates. */
struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static void put_hex(struct out *o, uint64_t v)
{
	if (v)
		put(o, "%#" PRIx64, v);
	else
		put(o, "0");
}

static void put_addr(struct out *o, uint64_t v)
{
	if (v)
		put(o, "%#" PRIx64, v);
	else
		put(o, "NULL");
}

/* Names of the bits of v in table order, unknown bits as one hex number. */
static void put_bits(struct out *o, uint64_t v, const struct sym *syms, const char *zero)
{
	bool first = true;

	for (const struct sym *s = syms; s->name; s++)
		if (v & s->value) {
			put(o, "%s%s", first ? "" : "|", s->name);
			first = false;
			v &= ~s->value;
		}
	if (v)
		put(o, "%s%#" PRIx64, first ? "" : "|", v);
	else if (first)
		put(o, "%s", zero);
}

static void put_map_flags(struct out *o, uint64_t flags)
{
	uint64_t type = flags & MAP_TYPE_MASK;
	const char *tname = NULL;

	for (const struct sym *s = map_type_syms; s->name; s++)
		if (s->value == type)
			tname = s->name;
	flags &= ~(uint64_t)MAP_TYPE_MASK;
	if (tname)
		put(o, "%s%s", tname, flags ? "|" : "");
	else if (type)
		put(o, "%#" PRIx64 "%s", type, flags ? "|" : "");
	if (flags || !type)
		put_bits(o, flags, map_syms, "0");
}

static void put_advice(struct out *o, uint64_t advice)
{
	for (const struct sym *s = advice_syms; s->name; s++)
		if (s->value == advice) {
			put(o, "%s", s->name);
			return;
		}
	put(o, "%" PRId64, (int64_t)advice);
}

size_t conform_call_format(const struct conform_call *c, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	const uint64_t *a = c->arg;
	const char *name = conform_call_name(c->nr);

	if (size)
		buf[0] = '\0';
	if (!name) {
		put(&o, "syscall_%d(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ")", c->nr, a[0], a[1], a[2]);
		return o.len;
	}
	put(&o, "%s(", name);
	switch (c->nr) {
	case NR_MMAP:
		put_addr(&o, a[0]);
		put(&o, ", ");
		put_hex(&o, a[1]);
		put(&o, ", ");
		put_bits(&o, a[2], prot_syms, "PROT_NONE");
		put(&o, ", ");
		put_map_flags(&o, a[3]);
		put(&o, ", %" PRId64 ", ", (int64_t)a[4]);
		put_hex(&o, a[5]);
		break;
	case NR_MUNMAP:
		put_addr(&o, a[0]);
		put(&o, ", ");
		put_hex(&o, a[1]);
		break;
	case NR_MPROTECT:
	case NR_PKEY_MPROTECT:
		put_addr(&o, a[0]);
		put(&o, ", ");
		put_hex(&o, a[1]);
		put(&o, ", ");
		put_bits(&o, a[2], prot_syms, "PROT_NONE");
		if (c->nr == NR_PKEY_MPROTECT)
			put(&o, ", %" PRId64, (int64_t)a[3]);
		break;
	case NR_PKEY_ALLOC:
		put_hex(&o, a[0]);
		put(&o, ", ");
		put_bits(&o, a[1], pkey_syms, "0");
		break;
	case NR_PKEY_FREE:
		put(&o, "%" PRId64, (int64_t)a[0]);
		break;
	case NR_MREMAP:
		put_addr(&o, a[0]);
		put(&o, ", ");
		put_hex(&o, a[1]);
		put(&o, ", ");
		put_hex(&o, a[2]);
		put(&o, ", ");
		put_bits(&o, a[3], mremap_syms, "0");
		put(&o, ", ");
		put_addr(&o, a[4]);
		break;
	case NR_MADVISE:
		put_addr(&o, a[0]);
		put(&o, ", ");
		put_hex(&o, a[1]);
		put(&o, ", ");
		put_advice(&o, a[2]);
		break;
	case NR_BRK:
		put_addr(&o, a[0]);
		break;
	case NR_MSEAL:
		put_addr(&o, a[0]);
		put(&o, ", ");
		put_hex(&o, a[1]);
		put(&o, ", ");
		put_hex(&o, a[2]);
		break;
	case CONFORM_TOUCH:
		put_addr(&o, a[0]);
		put(&o, ", %s", a[1] ? "write" : "read");
		break;
	case CONFORM_FILL: {
		int64_t k = (int64_t)a[0];

		if (k > 0)
			put(&o, "max-%" PRId64, k);
		else if (k < 0)
			put(&o, "max+%" PRIu64, (uint64_t)0 - (uint64_t)k);
		else
			put(&o, "max");
		break;
	}
	}
	put(&o, ")");
	return o.len;
}

size_t conform_ret_format(int nr, int64_t ret, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	if (size)
		buf[0] = '\0';
	if (ret < 0 && ret >= -4095 && nr != NR_BRK) {
		int e = (int)-ret;
		const char *name = strerrorname_np(e);

		put(&o, " = -1 %s (%s)", name ? name : "E?", strerror(e));
		return o.len;
	}
	switch (nr) {
	case NR_MMAP:
	case NR_MREMAP:
	case NR_BRK:
		put(&o, " = %#" PRIx64, (uint64_t)ret);
		break;
	default:
		put(&o, " = %" PRId64, ret);
		break;
	}
	return o.len;
}

char *conform_seq_format(const struct conform_seq *s, const int64_t *rets, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	char line[512], ret[160];

	if (!f)
		return NULL;
	fprintf(f, "window %#" PRIx64 " %" PRIu64 "\n", s->base, s->pages);
	if (s->heap)
		fprintf(f, "heap %#" PRIx64 "\n", s->heap);
	for (size_t i = 0; i < s->n; i++) {
		conform_call_format(&s->calls[i], line, sizeof(line));
		ret[0] = '\0';
		if (rets && i < n)
			conform_ret_format(s->calls[i].nr, rets[i], ret, sizeof(ret));
		fprintf(f, "%s%s\n", line, ret);
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- parsing ------------------------------------------------------------ */

struct parser {
	const char *s;
	size_t pos;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	char what[160];

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "column %zu: %s", p->pos + 1, what);
}

/* Skip spaces and C comments: strace follows a value it has no name for
 * with a comment that says so (MAP_???, MADV_???). */
static void skip_ws(struct parser *p)
{
	for (;;) {
		while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
			p->pos++;
		if (p->s[p->pos] == '/' && p->s[p->pos + 1] == '*') {
			const char *end = strstr(p->s + p->pos + 2, "*/");

			p->pos = end ? (size_t)(end + 2 - p->s) : strlen(p->s);
			continue;
		}
		return;
	}
}

static bool accept(struct parser *p, char c)
{
	skip_ws(p);
	if (p->s[p->pos] != c)
		return false;
	p->pos++;
	return true;
}

static void expect(struct parser *p, char c)
{
	if (!accept(p, c))
		fail(p, "expected '%c'", c);
}

static size_t ident_len(const char *s)
{
	size_t n = 0;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return 0;
	while (isalnum((unsigned char)s[n]) || s[n] == '_')
		n++;
	return n;
}

/* A number: decimal, 0x hex, optionally negative (as two's complement). */
static bool number(struct parser *p, uint64_t *v)
{
	const char *s = p->s + p->pos;
	bool neg = false;
	char *end;

	if (*s == '-') {
		neg = true;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno) {
		fail(p, "number out of range");
		return false;
	}
	if (neg)
		*v = (uint64_t)0 - *v;
	p->pos = (size_t)(end - p->s);
	return true;
}

/* term ('|' term)*, a term being a number, NULL, or a name from syms
 * (or from extra, the map types). */
static uint64_t value(struct parser *p, const struct sym *syms, const struct sym *extra)
{
	uint64_t v = 0;

	do {
		uint64_t t;
		size_t n;

		skip_ws(p);
		if (number(p, &t)) {
			v |= t;
			continue;
		}
		if (p->failed)
			return 0;
		n = ident_len(p->s + p->pos);
		if (!n) {
			fail(p, "expected a value");
			return 0;
		}
		bool found = false;
		const char *name = p->s + p->pos;

		if (n == 4 && !memcmp(name, "NULL", 4)) {
			found = true;
			t = 0;
		}
		if (n == 9 && !memcmp(name, "PROT_NONE", 9) && syms == prot_syms) {
			found = true;
			t = 0;
		}
		for (int pass = 0; pass < 2 && !found; pass++)
			for (const struct sym *s = pass ? extra : syms; s && s->name; s++)
				if (strlen(s->name) == n && !memcmp(s->name, name, n)) {
					found = true;
					t = s->value;
					break;
				}
		if (!found) {
			fail(p, "unknown name '%.*s'", (int)n, name);
			return 0;
		}
		p->pos += n;
		v |= t;
	} while (accept(p, '|'));
	return v;
}

/* fill's argument: max, max-K or max+K. */
static uint64_t fill_arg(struct parser *p)
{
	uint64_t k = 0;

	skip_ws(p);
	if (strncmp(p->s + p->pos, "max", 3) != 0) {
		fail(p, "expected max, max-K or max+K");
		return 0;
	}
	p->pos += 3;
	skip_ws(p);
	if (p->s[p->pos] == '-' || p->s[p->pos] == '+') {
		bool minus = p->s[p->pos] == '-';

		p->pos++;
		skip_ws(p);
		if (!number(p, &k)) {
			fail(p, "expected a number after max%c", minus ? '-' : '+');
			return 0;
		}
		if (!minus)
			k = (uint64_t)0 - k;
	}
	return k;
}

int conform_call_parse(const char *line, struct conform_call *c, char *err, size_t errlen)
{
	struct parser p = { line, 0, err, errlen, false };
	/* Per call: the tables of its arguments; NULL entries are plain numbers. */
	const struct sym *args[6] = { NULL };
	const struct sym *extra = NULL;
	unsigned nargs = 0, min_args;
	size_t n;

	memset(c, 0, sizeof(*c));
	skip_ws(&p);
	n = ident_len(line + p.pos);
	c->nr = n ? nr_of_name(line + p.pos, n) : 0;
	if (!c->nr) {
		fail(&p, "expected a call (mmap, munmap, mprotect, pkey_mprotect, pkey_alloc, pkey_free, "
			 "mremap, madvise, brk, mseal, touch, fill)");
		return -1;
	}
	p.pos += n;
	expect(&p, '(');
	switch (c->nr) {
	case NR_MMAP:
		nargs = 6;
		args[2] = prot_syms;
		args[3] = map_syms;
		extra = map_type_syms;
		break;
	case NR_MUNMAP: nargs = 2; break;
	case NR_MPROTECT: nargs = 3; args[2] = prot_syms; break;
	case NR_PKEY_MPROTECT: nargs = 4; args[2] = prot_syms; break;
	case NR_PKEY_ALLOC: nargs = 2; args[1] = pkey_syms; break;
	case NR_PKEY_FREE: nargs = 1; break;
	case NR_MREMAP: nargs = 5; args[3] = mremap_syms; break;
	case NR_MADVISE: nargs = 3; args[2] = advice_syms; break;
	case NR_BRK: nargs = 1; break;
	case NR_MSEAL: nargs = 3; break;
	case CONFORM_TOUCH: nargs = 2; args[1] = touch_syms; break;
	case CONFORM_FILL: nargs = 1; break;
	}
	/* strace prints mremap's new address only when it is used */
	min_args = c->nr == NR_MREMAP ? 4 : nargs;
	for (unsigned i = 0; i < nargs && !p.failed; i++) {
		if (i > 0) {
			if (i >= min_args && (skip_ws(&p), p.s[p.pos] == ')'))
				break;
			expect(&p, ',');
		}
		if (c->nr == CONFORM_FILL)
			c->arg[i] = fill_arg(&p);
		else
			c->arg[i] = value(&p, args[i], i == 3 ? extra : NULL);
	}
	expect(&p, ')');
	skip_ws(&p);
	if (!p.failed && p.s[p.pos] && p.s[p.pos] != '=' && p.s[p.pos] != '#' &&
	    p.s[p.pos] != '\n' && p.s[p.pos] != '\r')
		fail(&p, "unexpected text after the call");
	return p.failed ? -1 : 0;
}

/* Header lines: "window BASE PAGES", "heap ADDR". 1 if it was one, 0 if
 * not, -1 on a malformed one. */
static int header_line(const char *line, struct conform_seq *s, bool *window_seen, char *err,
		       size_t errlen)
{
	struct parser p = { line, 0, err, errlen, false };
	uint64_t a = 0, b = 0;

	skip_ws(&p);
	if (!strncmp(line + p.pos, "window", 6) && !isalnum((unsigned char)line[p.pos + 6]) &&
	    line[p.pos + 6] != '(') {
		p.pos += 6;
		skip_ws(&p);
		if (!number(&p, &a)) {
			fail(&p, "expected the window's base address");
			return -1;
		}
		skip_ws(&p);
		if (!number(&p, &b)) {
			fail(&p, "expected the window's size in pages");
			return -1;
		}
		if (!page_aligned(a) || a == 0) {
			fail(&p, "window base must be a non-zero page-aligned address");
			return -1;
		}
		if (b < CONFORM_MIN_PAGES || b > CONFORM_MAX_PAGES) {
			fail(&p, "window size must be %d to %d pages", CONFORM_MIN_PAGES,
			     CONFORM_MAX_PAGES);
			return -1;
		}
		s->base = a;
		s->pages = b;
		*window_seen = true;
		return 1;
	}
	if (!strncmp(line + p.pos, "heap", 4) && !isalnum((unsigned char)line[p.pos + 4]) &&
	    line[p.pos + 4] != '(') {
		p.pos += 4;
		skip_ws(&p);
		if (!number(&p, &a) || !page_aligned(a) || !a) {
			fail(&p, "expected the heap's page-aligned start address");
			return -1;
		}
		s->heap = a;
		return 1;
	}
	return 0;
}

int conform_seq_parse(const char *text, struct conform_seq *s, char *err, size_t errlen)
{
	bool window_seen = false, call_seen = false;
	unsigned lineno = 0;
	char msg[200];

	conform_seq_init(s, CONFORM_DEFAULT_BASE, CONFORM_DEFAULT_PAGES);
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *line = malloc(len + 1);
		const char *t;
		int rc = 0;

		lineno++;
		if (!line) {
			conform_seq_free(s);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		memcpy(line, text, len);
		line[len] = '\0';
		text += len + (nl ? 1 : 0);
		for (t = line; *t == ' ' || *t == '\t'; t++)
			;
		if (*t == '\0' || *t == '#' || *t == '\r') {
			free(line);
			continue;
		}
		rc = header_line(line, s, &window_seen, msg, sizeof(msg));
		if (rc == 1 && call_seen) {
			rc = -1;
			snprintf(msg, sizeof(msg), "column 1: window and heap lines come before the calls");
		}
		if (rc == 0) {
			struct conform_call c;

			rc = conform_call_parse(line, &c, msg, sizeof(msg)) == 0 ? 1 : -1;
			if (rc == 1 && conform_seq_push(s, &c) != 0) {
				rc = -1;
				snprintf(msg, sizeof(msg), "out of memory");
			}
			call_seen = true;
		}
		free(line);
		if (rc < 0) {
			if (err && errlen)
				snprintf(err, errlen, "line %u, %s", lineno, msg);
			conform_seq_free(s);
			return -1;
		}
	}
	(void)window_seen;
	if (s->heap && (s->heap < s->base || s->heap >= s->base + s->pages * PAGE_SIZE)) {
		if (err && errlen)
			snprintf(err, errlen, "the heap must start inside the window");
		conform_seq_free(s);
		return -1;
	}
	return 0;
}

/* ---- the reserved region and the safety rule ---------------------------- */

void conform_layout_of(const struct conform_seq *s, unsigned max_map_count,
		       struct conform_layout *l)
{
	uint64_t margin = (uint64_t)CONFORM_MARGIN_PAGES * PAGE_SIZE;

	l->win_lo = s->base;
	l->win_hi = s->base + s->pages * PAGE_SIZE;
	l->lo = l->win_lo - margin;
	l->hi = l->win_hi + margin;
	l->fill_lo = l->hi;
	l->fill_hi = l->fill_lo +
		     (max_map_count ? ((uint64_t)max_map_count + CONFORM_FILL_SLACK) * PAGE_SIZE : 0);
}

/* [a, a + len) inside [lo, hi), without overflow. */
static bool inside(uint64_t a, uint64_t len, uint64_t lo, uint64_t hi)
{
	return a >= lo && a <= hi && len <= hi - a;
}

static bool unsafe(const char **why, const char *what)
{
	if (why)
		*why = what;
	return false;
}

/* Valid madvise advice on some configuration (mm/madvise.c:
 * madvise_behavior_valid): anything else is EINVAL before any lookup. */
static bool advice_may_be_valid(uint64_t advice)
{
	return advice <= 4 || (advice >= 8 && advice <= 25) || (advice >= 100 && advice <= 103);
}

#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)

bool conform_call_safe(const struct conform_call *c, const struct conform_seq *s, bool pku,
		       const char **why)
{
	struct conform_layout l;
	const uint64_t *a = c->arg;
	uint64_t plen;

	conform_layout_of(s, 0, &l);
	if (why)
		*why = NULL;
	switch (c->nr) {
	case NR_MMAP: {
		uint64_t flags = a[3];

		/* do_mmap's order (semantics reference 3.1): offset, fd, length */
		if (a[5] & ~PAGE_MASK)
			return true;                          /* EINVAL */
		if (!(flags & MAP_ANONYMOUS))
			return (uint32_t)a[4] == UINT32_MAX ? true   /* fd -1: EBADF */
				: unsafe(why, "a file mapping needs fd -1 (nothing else is known closed)");
		if (flags & MAP_HUGETLB)
			return unsafe(why, "MAP_HUGETLB rounds the length to a huge page");
		if (a[1] == 0)
			return true;                          /* EINVAL */
		plen = page_align(a[1]);
		if (plen == 0 || plen > TASK_SIZE)
			return true;                          /* ENOMEM */
		if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
			if ((a[0] & ~PAGE_MASK) || a[0] > TASK_SIZE - plen)
				return true;                  /* EINVAL, ENOMEM */
			return inside(a[0], plen, l.win_lo, l.win_hi) ? true
				: unsafe(why, "MAP_FIXED outside the window");
		}
		/* A hint: honoured inside the window, else the kernel picks
		 * free space elsewhere, which the runners unmap again at once. */
		if (plen > s->pages * PAGE_SIZE)
			return unsafe(why, "a mapping placed elsewhere must not be larger than the window");
		if (a[0] == 0 || inside(a[0] & PAGE_MASK, plen, l.win_lo, l.win_hi))
			return true;
		return unsafe(why, "a hint must be 0 or inside the window");
	}
	case NR_MUNMAP:
		/* mm/mmap.c: __vm_munmap -> do_vmi_munmap's checks */
		if ((a[0] & ~PAGE_MASK) || a[0] > TASK_SIZE || a[1] > TASK_SIZE - a[0])
			return true;
		plen = page_align(a[1]);
		if (plen == 0)
			return true;
		return inside(a[0], plen, l.lo, l.hi) ? true
			: unsafe(why, "munmap beyond the window's margins");
	case NR_MPROTECT:
	case NR_PKEY_MPROTECT: {
		uint64_t prot = a[2];

		/* mm/mprotect.c: do_mprotect_pkey's order (reference 5) */
		if ((prot & (PROT_GROWSDOWN | PROT_GROWSUP)) == (PROT_GROWSDOWN | PROT_GROWSUP))
			return true;
		if (a[0] & ~PAGE_MASK)
			return true;
		if (a[1] == 0)
			return true;
		plen = page_align(a[1]);
		if (a[0] + plen <= a[0])
			return true;                          /* ENOMEM */
		if (prot & ~(uint64_t)PROT_KNOWN)
			return true;
		if (c->nr == NR_PKEY_MPROTECT && (int32_t)a[3] != -1 && !pku)
			return true;                          /* no key is allocated */
		return inside(a[0], plen, l.lo, l.hi) ? true
			: unsafe(why, "mprotect beyond the window's margins");
	}
	case NR_MADVISE:
		if (a[2] == 100 || a[2] == 101)
			return unsafe(why, "MADV_HWPOISON and MADV_SOFT_OFFLINE act on physical pages");
		if (!advice_may_be_valid(a[2]) || (a[0] & ~PAGE_MASK) || a[1] == 0)
			return true;
		plen = page_align(a[1]);
		if (plen == 0 || a[0] + plen < a[0])
			return true;                          /* EINVAL */
		return inside(a[0], plen, l.lo, l.hi) ? true
			: unsafe(why, "madvise beyond the window's margins");
	case NR_MSEAL:
		/* mm/mseal.c: do_mseal (reference 2) */
		if (a[2] || (a[0] & ~PAGE_MASK) || a[1] == 0)
			return true;
		plen = page_align(a[1]);
		if (plen == 0 || a[0] + plen < a[0])
			return true;
		return inside(a[0], plen, l.lo, l.hi) ? true
			: unsafe(why, "mseal beyond the window's margins");
	case NR_MREMAP: {
		uint64_t flags = a[3], olen = page_align(a[1]), nlen = page_align(a[2]);
		bool new_addr = flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);

		/* mm/mremap.c: check_mremap_params (reference 6.1) */
		if ((flags & ~(uint64_t)7) || (a[0] & ~PAGE_MASK) || nlen == 0 || nlen > TASK_SIZE)
			return true;
		if (new_addr && (a[4] > TASK_SIZE - nlen || (a[4] & ~PAGE_MASK) ||
				 !(flags & MREMAP_MAYMOVE) ||
				 ((flags & MREMAP_DONTUNMAP) && olen != nlen)))
			return true;
		if (!inside(a[0], olen > nlen ? olen : nlen, l.win_lo, l.win_hi))
			return unsafe(why, "mremap's old range, at its larger length, must stay in the window");
		if ((flags & MREMAP_FIXED) && !inside(a[4], nlen, l.win_lo, l.win_hi))
			return unsafe(why, "MREMAP_FIXED outside the window");
		if ((flags & MREMAP_DONTUNMAP) && !(flags & MREMAP_FIXED) && a[4] &&
		    !inside(a[4], nlen, l.win_lo, l.win_hi))
			return unsafe(why, "a MREMAP_DONTUNMAP hint must be 0 or inside the window");
		if (nlen > s->pages * PAGE_SIZE)
			return unsafe(why, "a mapping placed elsewhere must not be larger than the window");
		return true;
	}
	case NR_BRK:
		/* brk() fails below start_brk and when the new end leaves
		 * TASK_SIZE; in between it may only move inside the window. */
		if (a[0] < 0x10000 || a[0] > TASK_SIZE)
			return true;
		if (s->heap && a[0] <= l.win_hi)
			return true;    /* below the heap it fails; above it stays in the window */
		return unsafe(why, s->heap ? "brk beyond the window" : "brk without a heap in the window");
	case NR_PKEY_ALLOC:
	case NR_PKEY_FREE:
		return true;
	case CONFORM_TOUCH:
		return inside(a[0] & PAGE_MASK, PAGE_SIZE, l.win_lo, l.win_hi) ? true
			: unsafe(why, "touch outside the window (it could grow a stack VMA out of it)");
	case CONFORM_FILL:
		return true;
	default:
		return unsafe(why, "not a call conform knows");
	}
}
