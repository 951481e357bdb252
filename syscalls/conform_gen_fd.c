/* The generator's memfd, pidns and all areas (conform_gen.c has the
 * numbers, the page picking and the mm area).
 *
 * Like the mm area, nothing runs while generating: the generator keeps a
 * guess of the descriptor table (struct gen: fd[], fd_pages[]) -- what
 * the calls so far left if each did what it was drawn to do -- and draws
 * descriptors from it, with now and then one that is closed or negative.
 * A wrong guess only sends a later call down its EBADF path.
 *
 *   memfd   memfd_create, then its size; seals, writes, truncation,
 *           fallocate, mappings of it in the window (shared, private),
 *           mprotect/munmap/madvise/touch over them, fchmod, dup, close,
 *           reopening through /proc/self/fd/N, and fork()/reap() so that
 *           a child's copy of a shared writable mapping is there to make
 *           F_SEAL_WRITE busy (and MADV_DONTFORK/WIPEONFORK matter)
 *   pidns   ns_new/ns_up, the sysctl opened, written (valid and invalid
 *           texts), read; memfd_create under each vm.memfd_noexec value
 *           with every MFD_EXEC/MFD_NOEXEC_SEAL combination; seals,
 *           fchmod of what it made
 *   all     each call from one of the three, at random
 *
 * Writes of the sysctl happen only where conform_call_safe_at allows
 * them (the generator follows the sequence with conform_track); a
 * write it may not make becomes a read.
 */
#include "syscalls/conform.h"

#include <string.h>

#include "core/page.h"
#include "syscalls/conform_internal.h"
#include "syscalls/uapi.h"

#define MFD_CLOEXEC_BIT 0x1
#define MFD_ALLOW_SEALING_BIT 0x2
#define MFD_HUGETLB_BIT 0x4
#define MFD_NOEXEC_SEAL_BIT 0x8
#define MFD_EXEC_BIT 0x10
#define MEMFD_NAME_LIMIT 249
#define OPEN_WRONLY 01
#define OPEN_RDWR 02
#define OPEN_TRUNC 01000
#define OPEN_CLOEXEC 02000000
#define SYSCTL_PATH "/proc/sys/vm/memfd_noexec"
#define GEN_MAX_HOLDERS 2

/* ---- the guessed descriptor table ------------------------------------------------ */

/* The lowest descriptor from max(floor, 3) the guess has free, as the
 * kernel picks (fs/file.c: alloc_fd); -1 when none is below the limit. */
static int lowest_free(const struct gen *g, int floor)
{
	for (int fd = floor > 3 ? floor : 3; fd < CONFORM_FD_LIMIT; fd++)
		if (g->a.fd[fd] == GEN_FD_CLOSED)
			return fd;
	return -1;
}

static void guess_open(struct gen *g, int fd, enum gen_fd_kind kind, unsigned pages)
{
	if (fd >= 3 && fd < CONFORM_FD_LIMIT) {
		g->a.fd[fd] = (uint8_t)kind;
		g->a.fd_pages[fd] = (uint16_t)pages;
	}
}

static int open_count(const struct gen *g, enum gen_fd_kind kind)
{
	int n = 0;

	for (int fd = 3; fd < CONFORM_FD_LIMIT; fd++)
		n += g->a.fd[fd] == kind;
	return n;
}

/* One of the open descriptors of that kind, or -1. */
static int pick_fd(struct gen *g, enum gen_fd_kind kind)
{
	int n = open_count(g, kind), k;

	if (!n)
		return -1;
	k = gen_below(g, n);
	for (int fd = 3; fd < CONFORM_FD_LIMIT; fd++)
		if (g->a.fd[fd] == kind && k-- == 0)
			return fd;
	return -1;
}

/* A descriptor argument: mostly an open one of that kind, sometimes any
 * small one, a closed one far up, or -1 (EBADF). */
static uint64_t draw_fd(struct gen *g, enum gen_fd_kind kind)
{
	int fd = pick_fd(g, kind);

	if (fd < 0 || gen_chance(g, 1, 14)) {
		switch (gen_below(g, 4)) {
		case 0: return (uint64_t)(int64_t)-1;
		case 1: return CONFORM_FD_LIMIT - 1;
		default: return 3 + (uint64_t)gen_below(g, 5);
		}
	}
	return (uint64_t)fd;
}

static unsigned fd_pages(const struct gen *g, uint64_t fd)
{
	return fd >= 3 && fd < CONFORM_FD_LIMIT ? g->a.fd_pages[fd] : 0;
}

/* A memfd's guessed size after a truncation to `bytes` (or a write
 * ending there, which only grows it); huge sizes are not worth a guess. */
static void guess_size(struct gen *g, uint64_t fd, uint64_t bytes, bool truncate)
{
	uint64_t pages = page_align(bytes) / PAGE_SIZE;

	if (fd < 3 || fd >= CONFORM_FD_LIMIT || (int64_t)bytes < 0 || pages > UINT16_MAX)
		return;
	if (truncate || pages > g->a.fd_pages[fd])
		g->a.fd_pages[fd] = (uint16_t)pages;
}

static void set_str(struct conform_call *c, const char *s, size_t n)
{
	memcpy(c->str, s, n);
	c->str[n] = '\0';
	c->slen = (uint16_t)n;
}

/* ---- memfd_create ------------------------------------------------------------------ */

/* mm/memfd.c: memfd_create takes up to 249 bytes; names at and past the
 * limit, an empty one, ones the maps line has to escape, NULL. */
static void gen_name(struct gen *g, struct conform_call *c)
{
	char name[CONFORM_STR_MAX];
	size_t n = 0;

	switch (GEN_PICK(g, 82, 4, 4, 3, 2, 3, 2)) {
	case 0:
		name[0] = 'm';
		name[1] = (char)('0' + g->memfds % 10);
		n = 2;
		break;
	case 1: n = 0; break;
	case 2: n = MEMFD_NAME_LIMIT; break;
	case 3: n = MEMFD_NAME_LIMIT + 1; break;
	case 4: n = CONFORM_STR_MAX; break;
	case 5: memcpy(name, "a b\nc", 5); n = 5; break;   /* the newline is escaped as \012 */
	default: c->snull = true; return;               /* EFAULT */
	}
	if (n > 5)
		memset(name, 'x', n);
	set_str(c, name, n);
}

/* Flags: the sealing and exec choices mostly right; one draw in sixteen
 * wrong (unknown bits, both exec flags), MFD_HUGETLB only there: a
 * hugetlbfs memfd is not in the model. */
static uint64_t gen_mfd_flags(struct gen *g, bool pidns)
{
	uint64_t f = 0;

	if (gen_chance(g, pidns ? 1 : 3, 4))
		f |= MFD_ALLOW_SEALING_BIT;
	if (gen_chance(g, 1, 4))
		f |= MFD_CLOEXEC_BIT;
	switch (pidns ? GEN_PICK(g, 34, 30, 30, 6) : GEN_PICK(g, 64, 18, 16, 2)) {
	case 0: break;
	case 1: f |= MFD_NOEXEC_SEAL_BIT; break;
	case 2: f |= MFD_EXEC_BIT; break;
	default: f |= MFD_EXEC_BIT | MFD_NOEXEC_SEAL_BIT; break;     /* EINVAL */
	}
	if (!gen_bad(g))
		return f;
	switch (gen_below(g, 4)) {
	case 0: return f | 0x20;
	case 1: return f | (UINT64_C(1) << 31);
	case 2: return f | MFD_HUGETLB_BIT | MFD_EXEC_BIT | MFD_NOEXEC_SEAL_BIT;
	default: return f | MFD_HUGETLB_BIT | 0x40;
	}
}

static bool mfd_flags_ok(uint64_t f)
{
	uint64_t known = MFD_CLOEXEC_BIT | MFD_ALLOW_SEALING_BIT | MFD_NOEXEC_SEAL_BIT | MFD_EXEC_BIT;

	return !(f & ~known) && (f & (MFD_EXEC_BIT | MFD_NOEXEC_SEAL_BIT)) !=
				(MFD_EXEC_BIT | MFD_NOEXEC_SEAL_BIT);
}

static void gen_memfd_create(struct gen *g, struct conform_call *c, bool pidns)
{
	c->nr = CONFORM_NR_MEMFD_CREATE;
	gen_name(g, c);
	c->arg[1] = gen_mfd_flags(g, pidns);
	g->memfds++;
	if (!c->snull && c->slen <= MEMFD_NAME_LIMIT && mfd_flags_ok(c->arg[1]))
		guess_open(g, lowest_free(g, 0), GEN_FD_MEMFD, 0);
}

/* ---- sizes, seals, writes ---------------------------------------------------------------- */

static void gen_ftruncate(struct gen *g, struct conform_call *c, bool first)
{
	unsigned pages = first ? 1 + (unsigned)gen_below(g, 8) : (unsigned)gen_below(g, 11);

	int fd = first ? pick_fd(g, GEN_FD_MEMFD) : -1;

	c->nr = CONFORM_NR_FTRUNCATE;
	c->arg[0] = fd >= 0 ? (uint64_t)fd : draw_fd(g, GEN_FD_MEMFD);
	c->arg[1] = (uint64_t)pages * PAGE_SIZE;
	if (!first && gen_chance(g, 1, 8))
		c->arg[1] += 1 + (uint64_t)gen_below(g, (int)PAGE_SIZE - 1);
	if (!first && gen_bad(g))
		c->arg[1] = gen_chance(g, 2, 3) ? (uint64_t)(int64_t)-1 : UINT64_C(1) << 40;
	guess_size(g, c->arg[0], c->arg[1], true);
}

/* F_ADD_SEALS: mostly one seal (F_SEAL_WRITE most: it is the one that
 * meets mappings), some sets, now and then a bit no kernel knows. */
static uint64_t gen_seals(struct gen *g)
{
	static const uint64_t one[] = { 0x8, 0x10, 0x2, 0x4, 0x20, 0x1 };

	switch (GEN_PICK(g, 70, 24, 6)) {
	case 0: return one[GEN_PICK(g, 30, 16, 14, 14, 14, 12)];
	case 1: return (uint64_t)gen_below(g, 0x40);
	default: return 0x40 | (uint64_t)gen_below(g, 0x40);
	}
}

static void gen_fcntl(struct gen *g, struct conform_call *c, bool get)
{
	c->nr = CONFORM_NR_FCNTL;
	c->arg[0] = draw_fd(g, GEN_FD_MEMFD);
	c->arg[1] = get ? CONFORM_F_GET_SEALS : CONFORM_F_ADD_SEALS;
	if (!get)
		c->arg[2] = gen_seals(g);
}

/* A write's length: bytes, pages, nothing. */
static uint64_t gen_io_len(struct gen *g)
{
	switch (GEN_PICK(g, 40, 35, 10, 15)) {
	case 0: return 1 + (uint64_t)gen_below(g, 64);
	case 1: return (uint64_t)(1 + gen_below(g, 3)) * PAGE_SIZE;
	case 2: return 0;
	default: return PAGE_SIZE - 1 - (uint64_t)gen_below(g, 64);
	}
}

/* pwrite64's offset: inside, at the end, past it, or refused. */
static uint64_t gen_offset(struct gen *g, unsigned pages)
{
	switch (GEN_PICK(g, 25, 25, 20, 20, 5, 5)) {
	case 0: return 0;
	case 1: return (uint64_t)gen_below(g, (int)pages + 1) * PAGE_SIZE;
	case 2: return (uint64_t)pages * PAGE_SIZE;
	case 3: return (uint64_t)(pages + 1 + (unsigned)gen_below(g, 3)) * PAGE_SIZE +
		       (uint64_t)gen_below(g, 100);
	case 4: return (uint64_t)(int64_t)-1;
	default: return UINT64_C(1) << 40;
	}
}

static void gen_memfd_write(struct gen *g, struct conform_call *c, bool positioned)
{
	unsigned pages;
	uint64_t end;

	c->nr = positioned ? CONFORM_NR_PWRITE64 : CONFORM_NR_WRITE;
	c->arg[0] = draw_fd(g, GEN_FD_MEMFD);
	c->arg[2] = gen_io_len(g);
	if (gen_chance(g, 1, 5))
		set_str(c, "data", 4);
	pages = fd_pages(g, c->arg[0]);
	if (positioned)
		c->arg[3] = gen_offset(g, pages);
	end = (positioned ? c->arg[3] : 0) + c->arg[2];
	guess_size(g, c->arg[0], end, false);
}

/* include/uapi/linux/falloc.h modes: what shmem does (allocate, keep
 * the size, punch a hole), what it does not, what no file does. */
static void gen_fallocate(struct gen *g, struct conform_call *c)
{
	static const uint64_t modes[] = { 0, 0x1, 0x3, 0x2, 0x10, 0x8, 0x20, 0x40, 0x100 };
	unsigned pages;

	c->nr = CONFORM_NR_FALLOCATE;
	c->arg[0] = draw_fd(g, GEN_FD_MEMFD);
	c->arg[1] = modes[GEN_PICK(g, 36, 24, 20, 5, 3, 3, 3, 3, 3)];
	pages = fd_pages(g, c->arg[0]);
	c->arg[2] = (uint64_t)gen_below(g, (int)pages + 3) * PAGE_SIZE;
	c->arg[3] = (uint64_t)(1 + gen_below(g, 4)) * PAGE_SIZE;
	if (gen_chance(g, 1, 10))
		c->arg[2] += (uint64_t)gen_below(g, (int)PAGE_SIZE);
	if (gen_bad(g))
		c->arg[gen_chance(g, 1, 2) ? 2 : 3] = gen_chance(g, 1, 2) ? 0 : (uint64_t)(int64_t)-1;
}

static void gen_fchmod(struct gen *g, struct conform_call *c, enum gen_fd_kind kind)
{
	static const uint64_t modes[] = { 0777, 0666, 0755, 0644, 0700, 0600, 0, 04755, 01777 };

	c->nr = CONFORM_NR_FCHMOD;
	c->arg[0] = draw_fd(g, kind);
	c->arg[1] = modes[GEN_PICK(g, 20, 20, 16, 16, 8, 8, 4, 4, 4)];
}

/* ---- descriptors ------------------------------------------------------------------------- */

static void gen_close(struct gen *g, struct conform_call *c, enum gen_fd_kind kind)
{
	c->nr = CONFORM_NR_CLOSE;
	c->arg[0] = draw_fd(g, kind);
	if (c->arg[0] >= 3 && c->arg[0] < CONFORM_FD_LIMIT)
		g->a.fd[c->arg[0]] = GEN_FD_CLOSED;
}

/* dup, F_DUPFD(_CLOEXEC) from a floor, dup2, dup3 onto a small number. */
static void gen_dup(struct gen *g, struct conform_call *c, enum gen_fd_kind kind)
{
	uint64_t old = draw_fd(g, kind);
	int to = -1;

	c->arg[0] = old;
	switch (GEN_PICK(g, 50, 15, 10, 15, 10)) {
	case 0:
		c->nr = CONFORM_NR_DUP;
		to = lowest_free(g, 0);
		break;
	case 1:
	case 2:
		c->nr = CONFORM_NR_FCNTL;
		c->arg[1] = gen_chance(g, 1, 2) ? CONFORM_F_DUPFD : CONFORM_F_DUPFD_CLOEXEC;
		c->arg[2] = (uint64_t)gen_below(g, 10);
		to = lowest_free(g, (int)c->arg[2]);
		break;
	default:
		c->nr = gen_chance(g, 1, 2) ? CONFORM_NR_DUP2 : CONFORM_NR_DUP3;
		c->arg[1] = 3 + (uint64_t)gen_below(g, 7);
		if (c->nr == CONFORM_NR_DUP3)
			c->arg[2] = gen_chance(g, 3, 4) ? OPEN_CLOEXEC : 0;
		to = old == c->arg[1] && c->nr == CONFORM_NR_DUP2 ? -1 : (int)c->arg[1];
		break;
	}
	if (old >= 3 && old < CONFORM_FD_LIMIT && g->a.fd[old] != GEN_FD_CLOSED && to >= 0)
		guess_open(g, to, (enum gen_fd_kind)g->a.fd[old], g->a.fd_pages[old]);
}

/* openat's access mode, sometimes O_TRUNC and O_CLOEXEC. */
static uint64_t gen_open_flags(struct gen *g, bool trunc)
{
	uint64_t f = (uint64_t[]){ 0, OPEN_RDWR, OPEN_WRONLY }[GEN_PICK(g, 40, 40, 20)];

	if (trunc && gen_chance(g, 1, 6))
		f |= OPEN_TRUNC;
	if (gen_chance(g, 1, 5))
		f |= OPEN_CLOEXEC;
	return f;
}

/* openat("/proc/self/fd/N"): a new open file on N's memfd, with its own
 * access mode (fs/proc/base.c: proc_fd_link, then a normal open). */
static void gen_reopen(struct gen *g, struct conform_call *c)
{
	int n = pick_fd(g, GEN_FD_MEMFD);
	char path[32];
	size_t len;

	if (n < 0 || gen_chance(g, 1, 12))
		n = 3 + gen_below(g, 6);
	len = (size_t)snprintf(path, sizeof(path), "/proc/self/fd/%d", n);
	c->nr = CONFORM_NR_OPENAT;
	c->arg[0] = (uint64_t)(int64_t)CONFORM_AT_FDCWD;
	set_str(c, path, len);
	c->arg[2] = gen_open_flags(g, true);
	if (g->a.fd[n] != GEN_FD_CLOSED) {
		int to = lowest_free(g, 0);
		bool trunc = c->arg[2] & OPEN_TRUNC;

		guess_open(g, to, (enum gen_fd_kind)g->a.fd[n], trunc ? 0 : g->a.fd_pages[n]);
		if (to >= 0 && trunc)
			g->a.fd_pages[n] = 0;
	}
}

static void gen_lseek(struct gen *g, struct conform_call *c, enum gen_fd_kind kind)
{
	c->nr = CONFORM_NR_LSEEK;
	c->arg[0] = draw_fd(g, kind);
	c->arg[1] = kind == GEN_FD_SYSCTL ? (uint64_t)gen_below(g, 3)
		: (uint64_t)gen_below(g, (int)fd_pages(g, c->arg[0]) + 2) * PAGE_SIZE;
	c->arg[2] = (uint64_t)GEN_PICK(g, 60, 20, 20);
	/* Past SEEK_MAX (4) is EINVAL; SEEK_DATA and SEEK_HOLE themselves
	 * depend on which pages of a memfd are allocated, which the model
	 * does not follow, so they are not drawn. */
	if (gen_bad(g)) {
		if (gen_chance(g, 1, 2))
			c->arg[2] = 5 + (uint64_t)gen_below(g, 3);
		else
			c->arg[1] = (uint64_t)(int64_t)-1;
	}
}

/* read, or pread64 (of the sysctl mostly at 0: it prints its value only
 * from the start). */
static void gen_read(struct gen *g, struct conform_call *c, enum gen_fd_kind kind)
{
	bool sysctl = kind == GEN_FD_SYSCTL;

	c->nr = gen_chance(g, 1, sysctl ? 2 : 4) ? CONFORM_NR_PREAD64 : CONFORM_NR_READ;
	c->arg[0] = draw_fd(g, kind);
	c->arg[1] = sysctl ? (uint64_t[]){ 64, 1, 2, 0 }[GEN_PICK(g, 80, 10, 6, 4)] : gen_io_len(g);
	if (c->nr == CONFORM_NR_PREAD64)
		c->arg[2] = sysctl ? (gen_chance(g, 4, 5) ? 0 : (uint64_t)gen_below(g, 3))
			: gen_offset(g, fd_pages(g, c->arg[0]));
}

/* ---- mappings of memfds, and their fork() children ---------------------------------- */

static uint64_t gen_map_type(struct gen *g, uint64_t *prot)
{
	*prot = (uint64_t[]){ PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE, PROT_WRITE,
			      PROT_READ | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC }
		[GEN_PICK(g, 45, 30, 8, 5, 7, 5)];
	return (uint64_t[]){ MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE }[GEN_PICK(g, 62, 30, 8)];
}

static void gen_memfd_mmap(struct gen *g, struct conform_call *c)
{
	int lo = gen_pick_page(g), hi = gen_pick_end(g, lo, lo + 8 < g->W ? lo + 8 : g->W);
	unsigned pages;
	uint64_t prot, flags = gen_map_type(g, &prot);
	bool hint = true;

	c->nr = NR_MMAP;
	c->arg[4] = draw_fd(g, GEN_FD_MEMFD);
	pages = fd_pages(g, c->arg[4]);
	switch (GEN_PICK(g, 55, 30, 10, 5)) {
	case 0: flags |= MAP_FIXED; break;
	case 1: flags |= g->o->feat.fixed_noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED; break;
	case 2: break;                               /* a hint inside the window */
	default: hint = false; break;                /* placed elsewhere, unmapped again */
	}
	if (gen_chance(g, 1, 15))
		flags |= MAP_POPULATE;
	if (gen_chance(g, 1, 30))
		flags |= MAP_LOCKED;
	if (gen_chance(g, 1, 20))
		flags |= MAP_NORESERVE;
	c->arg[0] = hint ? gen_addr_of(g, lo) : 0;
	c->arg[1] = gen_len_of(g, hi - lo);
	c->arg[2] = prot;
	c->arg[3] = flags;
	c->arg[5] = (uint64_t)(gen_chance(g, 1, 2) ? 0 : gen_below(g, (int)pages + 2)) * PAGE_SIZE;
	if (hint) {
		gen_mark(g, lo, hi);
		g->map_lo = lo;
		g->map_hi = hi;
	}
	if (gen_bad(g))
		c->arg[gen_chance(g, 1, 2) ? 5 : 1] = gen_chance(g, 1, 2) ? 0x800 : 0;
}

/* Advice for shared file memory: what fork does with it first, and
 * MADV_REMOVE (9), the hole punch write seals refuse. */
static void gen_memfd_madvise(struct gen *g, struct conform_call *c)
{
	static const uint64_t advice[] = { 10, 11, 18, 19, 4, 3, 22, 23, 0, 16, 20, 8, 12, 9, 102, 103 };
	int lo, hi;

	gen_pick_range(g, &lo, &hi);
	c->nr = NR_MADVISE;
	c->arg[0] = gen_addr_of(g, lo);
	c->arg[1] = gen_len_of(g, hi - lo);
	c->arg[2] = advice[GEN_PICK(g, 18, 12, 12, 6, 6, 6, 5, 5, 4, 3, 3, 3, 2, 4,
				    g->o->feat.guard ? 3 : 0, g->o->feat.guard ? 1 : 0)];
	gen_mark(g, lo, hi);
}

/* A touch, most often of a page the last memfd mapping covers: past
 * the file's end it is SIGBUS (EFAULT here), inside it a page of the
 * file, shared or copied on write. */
static void gen_memfd_touch(struct gen *g, struct conform_call *c)
{
	int p;

	if (!g->map_hi || gen_chance(g, 1, 3)) {
		gen_touch(g, c);
		return;
	}
	p = g->map_lo + gen_below(g, g->map_hi - g->map_lo);
	c->nr = CONFORM_TOUCH;
	c->arg[0] = gen_addr_of(g, p) + (gen_chance(g, 1, 4) ? (uint64_t)gen_below(g, (int)PAGE_SIZE) : 0);
	c->arg[1] = gen_chance(g, 3, 5);
}

/* fork() while fewer than two children live, reap() otherwise. */
static void gen_fork_or_reap(struct gen *g, struct conform_call *c, bool reap)
{
	if (!reap && g->a.holders < GEN_MAX_HOLDERS && g->track.forks < CONFORM_MAX_FORKS) {
		c->nr = CONFORM_FORK;
		g->a.holders++;
		return;
	}
	c->nr = CONFORM_REAP;
	if (g->a.holders)
		g->a.holders--;
}

/* ---- the memfd area ------------------------------------------------------------------ */

/* The first calls: a memfd to map, then its size. */
static void gen_memfd_first(struct gen *g, struct conform_call *c)
{
	if (!open_count(g, GEN_FD_MEMFD) || gen_chance(g, 1, 4)) {
		char name[3] = { 'm', (char)('0' + g->memfds++ % 10), '\0' };

		c->nr = CONFORM_NR_MEMFD_CREATE;
		set_str(c, name, 2);
		c->arg[1] = MFD_ALLOW_SEALING_BIT | (gen_chance(g, 1, 6) ? MFD_NOEXEC_SEAL_BIT : 0);
		guess_open(g, lowest_free(g, 0), GEN_FD_MEMFD, 0);
		return;
	}
	gen_ftruncate(g, c, true);
}

/* Whether some memfd is open with a size: else mappings of it fault. */
static bool sized_memfd(const struct gen *g)
{
	for (int fd = 3; fd < CONFORM_FD_LIMIT; fd++)
		if (g->a.fd[fd] == GEN_FD_MEMFD && g->a.fd_pages[fd])
			return true;
	return false;
}

void gen_memfd_call(struct gen *g, struct conform_call *c, bool first)
{
	if (first) {
		gen_memfd_first(g, c);
		return;
	}
	if (open_count(g, GEN_FD_MEMFD) && !sized_memfd(g) && gen_chance(g, 1, 2)) {
		gen_ftruncate(g, c, true);
		return;
	}
	switch (GEN_PICK(g, 6, 12, 3, 5, 6, 8, 5, 14, 5, 4, 7, 6, g->o->feat.mseal ? 2 : 0,
			 4, 3, 3, 4, 2, 2, 5, g->a.holders ? 5 : 1)) {
	case 0: gen_memfd_create(g, c, false); break;
	case 1: gen_fcntl(g, c, false); break;
	case 2: gen_fcntl(g, c, true); break;
	case 3: gen_memfd_write(g, c, false); break;
	case 4: gen_memfd_write(g, c, true); break;
	case 5: gen_ftruncate(g, c, false); break;
	case 6: gen_fallocate(g, c); break;
	case 7: gen_memfd_mmap(g, c); break;
	case 8: gen_mprotect(g, c, false); break;
	case 9: gen_munmap(g, c); break;
	case 10: gen_memfd_madvise(g, c); break;
	case 11: gen_memfd_touch(g, c); break;
	case 12: gen_mseal(g, c); break;
	case 13: gen_fchmod(g, c, GEN_FD_MEMFD); break;
	case 14: gen_close(g, c, GEN_FD_MEMFD); break;
	case 15: gen_dup(g, c, GEN_FD_MEMFD); break;
	case 16: gen_reopen(g, c); break;
	case 17: gen_lseek(g, c, GEN_FD_MEMFD); break;
	case 18: gen_read(g, c, GEN_FD_MEMFD); break;
	case 19: gen_fork_or_reap(g, c, false); break;
	default: gen_fork_or_reap(g, c, true); break;
	}
}

/* ---- the pidns area ------------------------------------------------------------------ */

/* Texts for vm.memfd_noexec: the values, and what the int parser
 * (kernel/sysctl.c: proc_get_long) takes or refuses around them. */
static const struct {
	const char *text;
	unsigned len;
} sysctl_texts[] = {
	{ "0", 1 }, { "1", 1 }, { "2", 1 }, { "2\n", 2 }, { "1\n", 2 }, { "0\n", 2 },
	{ "3", 1 }, { "-1", 2 }, { " 1\n", 3 }, { "0x2", 3 }, { "2abc", 4 }, { "", 0 },
	{ "1 2", 3 }, { " \t2\n", 4 }, { "01", 2 }, { "08", 2 }, { "010", 3 },
	{ "2147483648", 10 }, { "99999999999999999999", 20 }, { "4294967297", 10 },
	{ "+1", 2 }, { "-0", 2 }, { "\n", 1 }, { "1\n2", 3 }, { "2\0", 2 }, { "1\r", 2 },
	{ "2\t", 2 }, { "00000000000000000000000000002", 29 }, { "\v1", 2 },
};

static void gen_sysctl_text(struct gen *g, struct conform_call *c)
{
	/* the values themselves half of the time */
	int k = gen_chance(g, 1, 2) ? gen_below(g, 6)
		: gen_below(g, (int)(sizeof(sysctl_texts) / sizeof(sysctl_texts[0])));

	set_str(c, sysctl_texts[k].text, sysctl_texts[k].len);
	c->arg[2] = c->slen;
	if (c->slen > 1 && gen_chance(g, 1, 10))
		c->arg[2] = (uint64_t)gen_below(g, c->slen);   /* a prefix */
}

static void gen_open_sysctl(struct gen *g, struct conform_call *c)
{
	c->nr = CONFORM_NR_OPENAT;
	c->arg[0] = (uint64_t)(int64_t)CONFORM_AT_FDCWD;
	set_str(c, SYSCTL_PATH, strlen(SYSCTL_PATH));
	c->arg[2] = (uint64_t[]){ OPEN_WRONLY, OPEN_RDWR, 0 }[GEN_PICK(g, 40, 40, 20)];
	if (gen_chance(g, 1, 6))
		c->arg[2] |= gen_chance(g, 1, 2) ? OPEN_CLOEXEC : OPEN_TRUNC;
	guess_open(g, lowest_free(g, 0), GEN_FD_SYSCTL, 0);
}

/* write/pwrite64 of a text to the sysctl; where that may not run (the
 * first actor's namespace), a read of it instead. */
static void gen_sysctl_write(struct gen *g, struct conform_call *c, bool positioned)
{
	if (pick_fd(g, GEN_FD_SYSCTL) < 0) {
		gen_open_sysctl(g, c);
		return;
	}
	c->nr = positioned ? CONFORM_NR_PWRITE64 : CONFORM_NR_WRITE;
	c->arg[0] = draw_fd(g, GEN_FD_SYSCTL);
	gen_sysctl_text(g, c);
	if (positioned)
		c->arg[3] = gen_chance(g, 5, 6) ? 0 : 1 + (uint64_t)gen_below(g, 2);
	if (!conform_call_safe_at(c, g->s, &g->track, false, NULL)) {
		memset(c, 0, sizeof(*c));
		gen_read(g, c, GEN_FD_SYSCTL);
	}
}

/* ns_new or ns_up, and the actor's table that goes with it: a new
 * actor starts with a copy of its parent's descriptors (fork) and no
 * children; ns_up gives the parent's back. An ns_new the kernel will
 * refuse (conform_track: the actor made its namespace already) changes
 * nothing. */
static void gen_ns(struct gen *g, struct conform_call *c, bool up)
{
	unsigned d = g->track.depth;
	bool can_new = d < GEN_MAX_DEPTH && g->track.ns_news < CONFORM_MAX_NS_NEW;

	c->nr = (up && d) || !can_new ? CONFORM_NS_UP : CONFORM_NS_NEW;
	if (c->nr == CONFORM_NS_UP && d) {
		g->a = g->saved[d - 1];
	} else if (c->nr == CONFORM_NS_NEW && !(g->track.unshared & (UINT32_C(1) << d))) {
		g->saved[d] = g->a;
		g->a.holders = 0;
	}
}

/* The first calls: a namespace to write in (mostly), the sysctl open. */
static void gen_pidns_first(struct gen *g, struct conform_call *c)
{
	if (!g->track.ns_news && gen_chance(g, 4, 5))
		gen_ns(g, c, false);
	else if (!open_count(g, GEN_FD_SYSCTL))
		gen_open_sysctl(g, c);
	else
		gen_memfd_create(g, c, true);
}

void gen_pidns_call(struct gen *g, struct conform_call *c, bool first)
{
	if (first) {
		gen_pidns_first(g, c);
		return;
	}
	switch (GEN_PICK(g, 6, g->track.depth ? 4 : 1, 5, 10, 10, 10, 4, 2, 3, 16, 4, 5, 6, 2)) {
	case 0: gen_ns(g, c, false); break;
	case 1: gen_ns(g, c, true); break;
	case 2: gen_open_sysctl(g, c); break;
	case 3: gen_sysctl_write(g, c, false); break;
	case 4: gen_sysctl_write(g, c, true); break;
	case 5: gen_read(g, c, GEN_FD_SYSCTL); break;
	case 6: gen_lseek(g, c, GEN_FD_SYSCTL); break;
	case 7: gen_close(g, c, gen_chance(g, 1, 2) ? GEN_FD_SYSCTL : GEN_FD_MEMFD); break;
	case 8: gen_dup(g, c, gen_chance(g, 1, 2) ? GEN_FD_SYSCTL : GEN_FD_MEMFD); break;
	case 9: gen_memfd_create(g, c, true); break;
	case 10: gen_fcntl(g, c, true); break;
	case 11:
		gen_fcntl(g, c, false);
		if (gen_chance(g, 1, 2))
			c->arg[2] = 0x20;                     /* F_SEAL_EXEC */
		break;
	case 12: gen_fchmod(g, c, gen_chance(g, 7, 8) ? GEN_FD_MEMFD : GEN_FD_SYSCTL); break;
	default: gen_memfd_write(g, c, false); break;
	}
}

/* ---- the all area ----------------------------------------------------------------------- */

void gen_all_call(struct gen *g, struct conform_call *c, bool first)
{
	if (first) {
		if (gen_chance(g, 1, 2))
			gen_mmap(g, c, true);
		else
			gen_memfd_first(g, c);
		return;
	}
	switch (GEN_PICK(g, 40, 35, 25)) {
	case 0: gen_mm_call(g, c); break;
	case 1: gen_memfd_call(g, c, false); break;
	default: gen_pidns_call(g, c, false); break;
	}
}
