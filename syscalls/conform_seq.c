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
 * and for the memfd and pidns areas (an "area" line first):
 *
 *   area memfd
 *   memfd_create("m0", MFD_ALLOW_SEALING) = 3
 *   ftruncate(3, 0x2000) = 0
 *   mmap(0x400000001000, 0x2000, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 3, 0) = 0x400000001000
 *   fork() = 0
 *   fcntl(3, F_ADD_SEALS, F_SEAL_WRITE) = -1 EBUSY (Device or resource busy)
 *   write(3, ""..., 0x1000) = 4096          (a page of zeros: "..." means zeros follow)
 *   openat(AT_FDCWD, "/proc/sys/vm/memfd_noexec", O_WRONLY) = 4
 *   write(4, " 2\n", 0x3) = 3
 *   read(4, ..., 0x40) = 2
 *   reap() = 0   ns_new() = 1   ns_up() = 0
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
#include "syscalls/conform_internal.h"
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
	dst->area = src->area;
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

/* The calls whose first argument is an address (mremap's fifth too). */
static bool takes_address(int nr)
{
	switch (nr) {
	case NR_MMAP: case NR_MUNMAP: case NR_MPROTECT: case NR_PKEY_MPROTECT:
	case NR_MREMAP: case NR_MADVISE: case NR_BRK: case NR_MSEAL: case CONFORM_TOUCH:
		return true;
	default:
		return false;
	}
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

		if (!takes_address(c->nr))
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

/* include/uapi/linux/memfd.h, fcntl.h, falloc.h, asm-generic/fcntl.h. */
static const struct sym mfd_syms[] = {
	{ "MFD_CLOEXEC", 0x1 }, { "MFD_ALLOW_SEALING", 0x2 }, { "MFD_HUGETLB", 0x4 },
	{ "MFD_NOEXEC_SEAL", 0x8 }, { "MFD_EXEC", 0x10 }, { NULL, 0 },
};

static const struct sym seal_syms[] = {
	{ "F_SEAL_SEAL", 0x1 }, { "F_SEAL_SHRINK", 0x2 }, { "F_SEAL_GROW", 0x4 },
	{ "F_SEAL_WRITE", 0x8 }, { "F_SEAL_FUTURE_WRITE", 0x10 }, { "F_SEAL_EXEC", 0x20 },
	{ NULL, 0 },
};

static const struct sym fcntl_syms[] = {
	{ "F_DUPFD", CONFORM_F_DUPFD }, { "F_GETFD", CONFORM_F_GETFD },
	{ "F_DUPFD_CLOEXEC", CONFORM_F_DUPFD_CLOEXEC }, { "F_ADD_SEALS", CONFORM_F_ADD_SEALS },
	{ "F_GET_SEALS", CONFORM_F_GET_SEALS }, { NULL, 0 },
};

static const struct sym falloc_syms[] = {
	{ "FALLOC_FL_KEEP_SIZE", 0x01 }, { "FALLOC_FL_PUNCH_HOLE", 0x02 },
	{ "FALLOC_FL_COLLAPSE_RANGE", 0x08 }, { "FALLOC_FL_ZERO_RANGE", 0x10 },
	{ "FALLOC_FL_INSERT_RANGE", 0x20 }, { "FALLOC_FL_UNSHARE_RANGE", 0x40 }, { NULL, 0 },
};

/* Open flags after the access mode, which is printed first as strace
 * does (O_RDONLY is 0). */
static const struct sym open_acc_syms[] = {
	{ "O_RDONLY", 0 }, { "O_WRONLY", 01 }, { "O_RDWR", 02 }, { NULL, 0 },
};

static const struct sym open_syms[] = {
	{ "O_CREAT", 0100 }, { "O_EXCL", 0200 }, { "O_TRUNC", 01000 }, { "O_APPEND", 02000 },
	{ "O_DIRECTORY", 0200000 }, { "O_CLOEXEC", 02000000 }, { "O_PATH", 010000000 },
	{ NULL, 0 },
};

static const struct sym whence_syms[] = {
	{ "SEEK_SET", 0 }, { "SEEK_CUR", 1 }, { "SEEK_END", 2 }, { NULL, 0 },
};

static const struct sym dirfd_syms[] = {
	{ "AT_FDCWD", (uint64_t)(int64_t)CONFORM_AT_FDCWD }, { NULL, 0 },
};

static const struct sym area_names[] = {
	{ "mm", CONFORM_AREA_MM }, { "memfd", CONFORM_AREA_MEMFD },
	{ "pidns", CONFORM_AREA_PIDNS }, { "all", CONFORM_AREA_ALL }, { NULL, 0 },
};

const char *conform_area_name(enum conform_area area)
{
	for (const struct sym *s = area_names; s->name; s++)
		if (s->value == (uint64_t)area)
			return s->name;
	return "?";
}

int conform_area_parse(const char *word, enum conform_area *area)
{
	for (const struct sym *s = area_names; s->name; s++)
		if (!strcmp(s->name, word)) {
			*area = (enum conform_area)s->value;
			return 0;
		}
	return -1;
}

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
	case CONFORM_FORK: return "fork";
	case CONFORM_REAP: return "reap";
	case CONFORM_NS_NEW: return "ns_new";
	case CONFORM_NS_UP: return "ns_up";
	case CONFORM_NR_READ: return "read";
	case CONFORM_NR_WRITE: return "write";
	case CONFORM_NR_CLOSE: return "close";
	case CONFORM_NR_LSEEK: return "lseek";
	case CONFORM_NR_PREAD64: return "pread64";
	case CONFORM_NR_PWRITE64: return "pwrite64";
	case CONFORM_NR_DUP: return "dup";
	case CONFORM_NR_DUP2: return "dup2";
	case CONFORM_NR_DUP3: return "dup3";
	case CONFORM_NR_FCNTL: return "fcntl";
	case CONFORM_NR_FTRUNCATE: return "ftruncate";
	case CONFORM_NR_FCHMOD: return "fchmod";
	case CONFORM_NR_OPENAT: return "openat";
	case CONFORM_NR_FALLOCATE: return "fallocate";
	case CONFORM_NR_MEMFD_CREATE: return "memfd_create";
	default: return NULL;
	}
}

/* Not a call: read is 0, so the parser needs another "none". */
#define NO_CALL INT32_MIN

static int nr_of_name(const char *name, size_t len)
{
	static const int nrs[] = {
		NR_MMAP, NR_MPROTECT, NR_MUNMAP, NR_BRK,
		NR_MREMAP, NR_MADVISE, NR_PKEY_MPROTECT,
		NR_PKEY_ALLOC, NR_PKEY_FREE, NR_MSEAL,
		CONFORM_TOUCH, CONFORM_FILL, CONFORM_FORK, CONFORM_REAP,
		CONFORM_NS_NEW, CONFORM_NS_UP, CONFORM_NR_READ, CONFORM_NR_WRITE,
		CONFORM_NR_CLOSE, CONFORM_NR_LSEEK, CONFORM_NR_PREAD64, CONFORM_NR_PWRITE64,
		CONFORM_NR_DUP, CONFORM_NR_DUP2, CONFORM_NR_DUP3, CONFORM_NR_FCNTL,
		CONFORM_NR_FTRUNCATE, CONFORM_NR_FCHMOD, CONFORM_NR_OPENAT,
		CONFORM_NR_FALLOCATE, CONFORM_NR_MEMFD_CREATE,
	};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		const char *n = conform_call_name(nrs[i]);

		if (strlen(n) == len && !memcmp(n, name, len))
			return nrs[i];
	}
	return NO_CALL;
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

/* An offset or length that may be negative: -1, 0, 0x1000. */
static void put_signed(struct out *o, uint64_t v)
{
	if ((int64_t)v < 0)
		put(o, "%" PRId64, (int64_t)v);
	else
		put_hex(o, v);
}

static void put_fd(struct out *o, uint64_t fd)
{
	put(o, "%" PRId64, (int64_t)fd);
}

/* The name of v in syms, or v as a number. */
static void put_one_of(struct out *o, uint64_t v, const struct sym *syms)
{
	for (const struct sym *s = syms; s->name; s++)
		if (s->value == v) {
			put(o, "%s", s->name);
			return;
		}
	put(o, "%#" PRIx64, v);
}

/* A string argument as C spells it (strace's escapes; octal for the
 * rest), "..." after it when more bytes follow, or NULL. */
static void put_str(struct out *o, const struct conform_call *c, bool more)
{
	static const char specials[] = "\n\t\r\v\f\"\\", letters[] = "ntrvf\"\\";

	if (c->snull) {
		put(o, "NULL");
		return;
	}
	put(o, "\"");
	for (size_t i = 0; i < c->slen; i++) {
		unsigned char ch = (unsigned char)c->str[i];
		const char *esc = ch ? strchr(specials, ch) : NULL;

		if (esc)
			put(o, "\\%c", letters[esc - specials]);
		else if (ch < 0x20 || ch >= 0x7f)
			put(o, "\\%03o", ch);
		else
			put(o, "%c", ch);
	}
	put(o, "\"%s", more ? "..." : "");
}

static void put_open_flags(struct out *o, uint64_t flags)
{
	put_one_of(o, flags & 03, open_acc_syms);
	flags &= ~(uint64_t)03;
	if (flags) {
		put(o, "|");
		put_bits(o, flags, open_syms, "0");
	}
}

/* The file, descriptor and process calls. */
static void format_file_call(struct out *o, const struct conform_call *c)
{
	const uint64_t *a = c->arg;

	switch (c->nr) {
	case CONFORM_NR_MEMFD_CREATE:
		put_str(o, c, false);
		put(o, ", ");
		put_bits(o, a[1], mfd_syms, "0");
		return;
	case CONFORM_NR_OPENAT:
		put_one_of(o, a[0], dirfd_syms);
		put(o, ", ");
		put_str(o, c, false);
		put(o, ", ");
		put_open_flags(o, a[2]);
		if (a[2] & 0100)
			put(o, ", 0%" PRIo64, a[3]);
		return;
	case CONFORM_NR_FCNTL:
		put_fd(o, a[0]);
		put(o, ", ");
		put_one_of(o, a[1], fcntl_syms);
		if (a[1] == CONFORM_F_ADD_SEALS) {
			put(o, ", ");
			put_bits(o, a[2], seal_syms, "0");
		} else if (a[1] == CONFORM_F_DUPFD || a[1] == CONFORM_F_DUPFD_CLOEXEC) {
			put(o, ", %" PRId64, (int64_t)a[2]);
		} else if (a[1] != CONFORM_F_GET_SEALS && a[1] != CONFORM_F_GETFD) {
			put(o, ", %#" PRIx64, a[2]);
		}
		return;
	case CONFORM_NR_WRITE:
	case CONFORM_NR_PWRITE64:
		put_fd(o, a[0]);
		put(o, ", ");
		put_str(o, c, a[2] > c->slen);
		put(o, ", ");
		put_hex(o, a[2]);
		if (c->nr == CONFORM_NR_PWRITE64) {
			put(o, ", ");
			put_signed(o, a[3]);
		}
		return;
	case CONFORM_NR_READ:
	case CONFORM_NR_PREAD64:
		put_fd(o, a[0]);
		put(o, ", ..., ");
		put_hex(o, a[1]);
		if (c->nr == CONFORM_NR_PREAD64) {
			put(o, ", ");
			put_signed(o, a[2]);
		}
		return;
	case CONFORM_NR_LSEEK:
		put_fd(o, a[0]);
		put(o, ", ");
		put_signed(o, a[1]);
		put(o, ", ");
		put_one_of(o, a[2], whence_syms);
		return;
	case CONFORM_NR_FTRUNCATE:
		put_fd(o, a[0]);
		put(o, ", ");
		put_signed(o, a[1]);
		return;
	case CONFORM_NR_FALLOCATE:
		put_fd(o, a[0]);
		put(o, ", ");
		put_bits(o, a[1], falloc_syms, "0");
		put(o, ", ");
		put_signed(o, a[2]);
		put(o, ", ");
		put_signed(o, a[3]);
		return;
	case CONFORM_NR_FCHMOD:
		put_fd(o, a[0]);
		put(o, a[1] ? ", 0%" PRIo64 : ", %" PRIo64, a[1]);
		return;
	case CONFORM_NR_DUP2:
	case CONFORM_NR_DUP3:
		put_fd(o, a[0]);
		put(o, ", ");
		put_fd(o, a[1]);
		if (c->nr == CONFORM_NR_DUP3) {
			put(o, ", ");
			put_bits(o, a[2], open_syms, "0");
		}
		return;
	case CONFORM_NR_CLOSE:
	case CONFORM_NR_DUP:
		put_fd(o, a[0]);
		return;
	default:   /* fork, reap, ns_new, ns_up: no arguments */
		return;
	}
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
	default:
		format_file_call(&o, c);
		break;
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
	char line[2048], ret[160];

	if (!f)
		return NULL;
	if (s->area != CONFORM_AREA_MM)
		fprintf(f, "area %s\n", conform_area_name(s->area));
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

/* One escape after a backslash: \n \t \r \v \f \a \b \" \\ \' \ooo \xhh. */
static int escape(struct parser *p)
{
	static const char letters[] = "ntrvfab\"\\'", values[] = "\n\t\r\v\f\a\b\"\\'";
	const char *s = p->s + p->pos, *l;
	int v = 0, n = 0;

	if (*s && (l = strchr(letters, *s)) != NULL) {
		p->pos++;
		return values[l - letters];
	}
	if (*s == 'x') {
		for (s++; n < 2 && isxdigit((unsigned char)*s); s++, n++)
			v = v * 16 + (isdigit((unsigned char)*s) ? *s - '0'
							      : tolower((unsigned char)*s) - 'a' + 10);
		p->pos += 1 + (size_t)n;
		return n ? v : -1;
	}
	for (; n < 3 && *s >= '0' && *s <= '7'; s++, n++)
		v = v * 8 + (*s - '0');
	p->pos += (size_t)n;
	return n && v < 256 ? v : -1;
}

/* A string argument into c->str: "..." with C escapes, or NULL; *more
 * (may be NULL) says whether strace's "..." followed it. */
static void string_arg(struct parser *p, struct conform_call *c, bool *more)
{
	skip_ws(p);
	if (!strncmp(p->s + p->pos, "NULL", 4)) {
		p->pos += 4;
		c->snull = true;
		return;
	}
	if (p->s[p->pos] != '"') {
		fail(p, "expected a string");
		return;
	}
	p->pos++;
	while (p->s[p->pos] != '"') {
		int ch = (unsigned char)p->s[p->pos];

		if (!ch || ch == '\n') {
			fail(p, "unterminated string");
			return;
		}
		if (c->slen >= CONFORM_STR_MAX) {
			fail(p, "string longer than %d bytes", CONFORM_STR_MAX);
			return;
		}
		p->pos++;
		if (ch == '\\' && (ch = escape(p)) < 0) {
			fail(p, "bad escape");
			return;
		}
		c->str[c->slen++] = (char)ch;
	}
	p->pos++;
	if (!strncmp(p->s + p->pos, "...", 3)) {
		p->pos += 3;
		if (more)
			*more = true;
	}
}

/* ", " and then an argument: a value from syms (or a number). */
static uint64_t next_value(struct parser *p, const struct sym *syms, const struct sym *extra)
{
	expect(p, ',');
	return p->failed ? 0 : value(p, syms, extra);
}

/* read's buffer: "..." or a string strace printed (ignored). */
static void read_buffer(struct parser *p)
{
	struct conform_call ignored;

	expect(p, ',');
	skip_ws(p);
	if (!strncmp(p->s + p->pos, "...", 3)) {
		p->pos += 3;
		return;
	}
	memset(&ignored, 0, sizeof(ignored));
	string_arg(p, &ignored, NULL);
}

/* The arguments of a file, descriptor or process call, after its '('. */
static void file_call_args(struct parser *p, struct conform_call *c)
{
	uint64_t *a = c->arg;

	switch (c->nr) {
	case CONFORM_NR_MEMFD_CREATE:
		string_arg(p, c, NULL);
		a[1] = next_value(p, mfd_syms, NULL);
		return;
	case CONFORM_NR_OPENAT:
		a[0] = value(p, dirfd_syms, NULL);
		expect(p, ',');
		string_arg(p, c, NULL);
		a[2] = next_value(p, open_acc_syms, open_syms);
		if (accept(p, ','))
			a[3] = value(p, NULL, NULL);
		return;
	case CONFORM_NR_FCNTL:
		a[0] = value(p, NULL, NULL);
		a[1] = next_value(p, fcntl_syms, NULL);
		if (a[1] == CONFORM_F_ADD_SEALS)
			a[2] = next_value(p, seal_syms, NULL);
		else if (a[1] != CONFORM_F_GET_SEALS && a[1] != CONFORM_F_GETFD &&
			 (a[1] == CONFORM_F_DUPFD || a[1] == CONFORM_F_DUPFD_CLOEXEC ||
			  (skip_ws(p), p->s[p->pos] == ',')))
			a[2] = next_value(p, NULL, NULL);
		return;
	case CONFORM_NR_WRITE:
	case CONFORM_NR_PWRITE64:
		a[0] = value(p, NULL, NULL);
		expect(p, ',');
		string_arg(p, c, NULL);
		a[2] = next_value(p, NULL, NULL);
		if (c->nr == CONFORM_NR_PWRITE64)
			a[3] = next_value(p, NULL, NULL);
		if (c->snull)
			fail(p, "a write needs its bytes");
		return;
	case CONFORM_NR_READ:
	case CONFORM_NR_PREAD64:
		a[0] = value(p, NULL, NULL);
		read_buffer(p);
		a[1] = next_value(p, NULL, NULL);
		if (c->nr == CONFORM_NR_PREAD64)
			a[2] = next_value(p, NULL, NULL);
		return;
	case CONFORM_NR_LSEEK:
		a[0] = value(p, NULL, NULL);
		a[1] = next_value(p, NULL, NULL);
		a[2] = next_value(p, whence_syms, NULL);
		return;
	case CONFORM_NR_FALLOCATE:
		a[0] = value(p, NULL, NULL);
		a[1] = next_value(p, falloc_syms, NULL);
		a[2] = next_value(p, NULL, NULL);
		a[3] = next_value(p, NULL, NULL);
		return;
	case CONFORM_NR_FTRUNCATE:
	case CONFORM_NR_FCHMOD:
	case CONFORM_NR_DUP2:
		a[0] = value(p, NULL, NULL);
		a[1] = next_value(p, NULL, NULL);
		return;
	case CONFORM_NR_DUP3:
		a[0] = value(p, NULL, NULL);
		a[1] = next_value(p, NULL, NULL);
		a[2] = next_value(p, open_syms, NULL);
		return;
	case CONFORM_NR_CLOSE:
	case CONFORM_NR_DUP:
		a[0] = value(p, NULL, NULL);
		return;
	default:   /* fork, reap, ns_new, ns_up */
		return;
	}
}

/* The ')' and nothing after it but a result or a comment. */
static int finish_call(struct parser *p)
{
	expect(p, ')');
	skip_ws(p);
	if (!p->failed && p->s[p->pos] && p->s[p->pos] != '=' && p->s[p->pos] != '#' &&
	    p->s[p->pos] != '\n' && p->s[p->pos] != '\r')
		fail(p, "unexpected text after the call");
	return p->failed ? -1 : 0;
}

/* The address-space calls the mm area started with. */
static bool is_mm_call(int nr)
{
	return nr == NR_MMAP || nr == NR_MUNMAP || nr == NR_MPROTECT || nr == NR_PKEY_MPROTECT ||
	       nr == NR_PKEY_ALLOC || nr == NR_PKEY_FREE || nr == NR_MREMAP || nr == NR_MADVISE ||
	       nr == NR_BRK || nr == NR_MSEAL || nr == CONFORM_TOUCH || nr == CONFORM_FILL;
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
	c->nr = n ? nr_of_name(line + p.pos, n) : NO_CALL;
	if (c->nr == NO_CALL) {
		fail(&p, "expected a call (mmap, munmap, mprotect, pkey_mprotect, pkey_alloc, pkey_free, "
			 "mremap, madvise, brk, mseal, touch, fill, memfd_create, fcntl, write, pwrite64, "
			 "read, pread64, lseek, ftruncate, fallocate, fchmod, close, dup, dup2, dup3, "
			 "openat, fork, reap, ns_new, ns_up)");
		return -1;
	}
	p.pos += n;
	expect(&p, '(');
	if (!p.failed && !is_mm_call(c->nr)) {
		file_call_args(&p, c);
		return finish_call(&p);
	}
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
	return finish_call(&p);
}

/* Bit k: the call is one only area k generates (0 for shared ones). */
static unsigned area_bits(const struct conform_call *c)
{
	switch (c->nr) {
	case NR_MREMAP: case NR_BRK: case NR_PKEY_MPROTECT: case NR_PKEY_ALLOC:
	case NR_PKEY_FREE: case CONFORM_FILL:
		return 1u << CONFORM_AREA_MM;
	case NR_MMAP:
		return (c->arg[3] & MAP_ANONYMOUS) || (int64_t)c->arg[4] < 0 ? 0
			: 1u << CONFORM_AREA_MEMFD;
	case CONFORM_NR_FTRUNCATE: case CONFORM_NR_FALLOCATE: case CONFORM_FORK:
	case CONFORM_REAP: case CONFORM_NR_DUP: case CONFORM_NR_DUP2: case CONFORM_NR_DUP3:
		return 1u << CONFORM_AREA_MEMFD;
	case CONFORM_NS_NEW: case CONFORM_NS_UP:
		return 1u << CONFORM_AREA_PIDNS;
	case CONFORM_NR_OPENAT:
		return !c->snull && !strncmp(c->str, "/proc/sys/", 10) ? 1u << CONFORM_AREA_PIDNS
			: 1u << CONFORM_AREA_MEMFD;
	default:
		return 0;
	}
}

bool conform_seq_has_files(const struct conform_seq *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (!is_mm_call(s->calls[i].nr))
			return true;
	return false;
}

enum conform_area conform_seq_infer_area(const struct conform_seq *s)
{
	unsigned bits = 0;
	bool files = false;

	for (size_t i = 0; i < s->n; i++) {
		bits |= area_bits(&s->calls[i]);
		files |= !is_mm_call(s->calls[i].nr);
	}
	if (bits & (bits - 1))
		return CONFORM_AREA_ALL;
	if (bits & (1u << CONFORM_AREA_PIDNS))
		return CONFORM_AREA_PIDNS;
	if ((bits & (1u << CONFORM_AREA_MEMFD)) || (!bits && files))
		return CONFORM_AREA_MEMFD;
	return CONFORM_AREA_MM;
}

/* "area mm|memfd|pidns|all": 1, 0 when the line is no area line, -1 when
 * it names no area. */
static int area_line(struct parser *p, struct conform_seq *s)
{
	const char *w = p->s + p->pos;
	char word[16];
	size_t n;

	if (strncmp(w, "area", 4) || isalnum((unsigned char)w[4]) || w[4] == '(')
		return 0;
	p->pos += 4;
	skip_ws(p);
	n = ident_len(p->s + p->pos);
	if (!n || n >= sizeof(word)) {
		fail(p, "expected mm, memfd, pidns or all");
		return -1;
	}
	memcpy(word, p->s + p->pos, n);
	word[n] = '\0';
	if (conform_area_parse(word, &s->area)) {
		fail(p, "unknown area '%s' (mm, memfd, pidns or all)", word);
		return -1;
	}
	return 1;
}

/* Header lines: "area WORD", "window BASE PAGES", "heap ADDR". 1 if it
 * was one, 0 if not, -1 on a malformed one. */
static int header_line(const char *line, struct conform_seq *s, bool *window_seen,
		       bool *area_seen, char *err, size_t errlen)
{
	struct parser p = { line, 0, err, errlen, false };
	uint64_t a = 0, b = 0;
	int rc;

	skip_ws(&p);
	rc = area_line(&p, s);
	if (rc)
		*area_seen = rc > 0;
	if (rc)
		return rc;
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
	bool window_seen = false, area_seen = false, call_seen = false;
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
		rc = header_line(line, s, &window_seen, &area_seen, msg, sizeof(msg));
		if (rc == 1 && call_seen) {
			rc = -1;
			snprintf(msg, sizeof(msg),
				 "column 1: area, window and heap lines come before the calls");
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
	if (!area_seen)
		s->area = conform_seq_infer_area(s);
	if (s->heap && (s->heap < s->base || s->heap >= s->base + s->pages * PAGE_SIZE)) {
		if (err && errlen)
			snprintf(err, errlen, "the heap must start inside the window");
		conform_seq_free(s);
		return -1;
	}
	return 0;
}

