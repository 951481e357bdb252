/* The reserved region of a conform sequence and the rule that keeps
 * every call inside what the sequence owns (conform_call_safe_at).
 *
 * What a sequence owns in the live child:
 *
 *   memory       the window (mappings made there), its margins (holes)
 *                and the fill area
 *   descriptors  3 .. CONFORM_FD_LIMIT-1: the child closes every other
 *                descriptor but 0-2 and its own pipes (kept at 100 and
 *                up), so these are only what the sequence opened
 *   processes    its fork() children and ns_new() actors, killed at the
 *                end with their namespaces
 *   a sysctl     vm.memfd_noexec of the pid namespaces ns_new() made --
 *                never the one the first actor runs in, which is the
 *                machine's
 *
 * The rule is checked before the live child forks, on every sequence,
 * whatever made it: the generator, the shrinker or a pasted file.
 */
#include "syscalls/conform.h"

#include <string.h>

#include "core/page.h"
#include "syscalls/uapi.h"

#ifndef MAP_HUGETLB
#define MAP_HUGETLB 0x40000
#endif

/* include/uapi/asm-generic/fcntl.h (x86_64): the open flags a sequence
 * may pass; anything else (O_CREAT, O_PATH, O_DIRECTORY...) is refused. */
#define OPEN_ACCMODE 03
#define OPEN_TRUNC 01000
#define OPEN_CLOEXEC 02000000
#define SYSCTL_PATH "/proc/sys/vm/memfd_noexec"

/* ---- the reserved region ------------------------------------------------------- */

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

/* ---- following a sequence --------------------------------------------------------- */

void conform_track_init(struct conform_track *t)
{
	memset(t, 0, sizeof(*t));
}

/* ns_new makes a namespace only from an actor that has not made one:
 * after unshare(CLONE_NEWPID) the actor's children go to the new
 * namespace, and kernel/pid_namespace.c: copy_pid_ns refuses another
 * (EINVAL) while that differs from its own. ns_up leaves the child, whose
 * bit is forgotten: a new actor at that depth starts fresh. */
void conform_track_step(struct conform_track *t, const struct conform_call *c)
{
	switch (c->nr) {
	case CONFORM_NS_NEW:
		t->ns_news++;
		if (t->depth < 31 && !(t->unshared & (UINT32_C(1) << t->depth))) {
			t->unshared |= UINT32_C(1) << t->depth;
			t->depth++;
			t->unshared &= ~(UINT32_C(1) << t->depth);
		}
		break;
	case CONFORM_NS_UP:
		if (t->depth)
			t->depth--;
		break;
	case CONFORM_FORK:
		t->forks++;
		break;
	case CONFORM_NR_OPENAT:
		if (!c->snull && !strcmp(c->str, SYSCTL_PATH))
			t->sysctl_opened = true;
		break;
	default:
		break;
	}
}

/* ---- the address-space calls ------------------------------------------------------- */

/* Valid madvise advice on some configuration (mm/madvise.c:
 * madvise_behavior_valid): anything else is EINVAL before any lookup. */
static bool advice_may_be_valid(uint64_t advice)
{
	return advice <= 4 || (advice >= 8 && advice <= 25) || (advice >= 100 && advice <= 103);
}

#define PROT_KNOWN (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)

/* A descriptor argument the sequence may use: one it may have opened
 * (3 .. CONFORM_FD_LIMIT-1), or a negative one (EBADF before anything). */
static bool fd_ok(uint64_t fd)
{
	int64_t v = (int32_t)fd;

	return v < 0 || (v >= 3 && v < CONFORM_FD_LIMIT);
}

static bool mmap_safe(const struct conform_call *c, const struct conform_seq *s,
		      const struct conform_layout *l, const char **why)
{
	const uint64_t *a = c->arg;
	uint64_t flags = a[3], plen;

	/* do_mmap's order (semantics reference 3.1): offset, fd, length */
	if (a[5] & ~PAGE_MASK)
		return true;                          /* EINVAL */
	if (!(flags & MAP_ANONYMOUS)) {
		if ((int32_t)a[4] < 0)
			return true;                  /* EBADF: fget comes first */
		if (!fd_ok(a[4]))
			return unsafe(why, "a file mapping of a descriptor the sequence cannot have opened");
	}
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
		return inside(a[0], plen, l->win_lo, l->win_hi) ? true
			: unsafe(why, "MAP_FIXED outside the window");
	}
	/* A hint: honoured inside the window, else the kernel picks free
	 * space elsewhere, which the runners unmap again at once. */
	if (plen > s->pages * PAGE_SIZE)
		return unsafe(why, "a mapping placed elsewhere must not be larger than the window");
	if (a[0] == 0 || inside(a[0] & PAGE_MASK, plen, l->win_lo, l->win_hi))
		return true;
	return unsafe(why, "a hint must be 0 or inside the window");
}

static bool mprotect_safe(const struct conform_call *c, const struct conform_layout *l, bool pku,
			  const char **why)
{
	const uint64_t *a = c->arg;
	uint64_t prot = a[2], plen;

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
	return inside(a[0], plen, l->lo, l->hi) ? true
		: unsafe(why, "mprotect beyond the window's margins");
}

static bool mremap_safe(const struct conform_call *c, const struct conform_seq *s,
			const struct conform_layout *l, const char **why)
{
	const uint64_t *a = c->arg;
	uint64_t flags = a[3], olen = page_align(a[1]), nlen = page_align(a[2]);
	bool new_addr = flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);

	/* mm/mremap.c: check_mremap_params (reference 6.1) */
	if ((flags & ~(uint64_t)7) || (a[0] & ~PAGE_MASK) || nlen == 0 || nlen > TASK_SIZE)
		return true;
	if (new_addr && (a[4] > TASK_SIZE - nlen || (a[4] & ~PAGE_MASK) ||
			 !(flags & MREMAP_MAYMOVE) ||
			 ((flags & MREMAP_DONTUNMAP) && olen != nlen)))
		return true;
	if (!inside(a[0], olen > nlen ? olen : nlen, l->win_lo, l->win_hi))
		return unsafe(why, "mremap's old range, at its larger length, must stay in the window");
	if ((flags & MREMAP_FIXED) && !inside(a[4], nlen, l->win_lo, l->win_hi))
		return unsafe(why, "MREMAP_FIXED outside the window");
	if ((flags & MREMAP_DONTUNMAP) && !(flags & MREMAP_FIXED) && a[4] &&
	    !inside(a[4], nlen, l->win_lo, l->win_hi))
		return unsafe(why, "a MREMAP_DONTUNMAP hint must be 0 or inside the window");
	if (nlen > s->pages * PAGE_SIZE)
		return unsafe(why, "a mapping placed elsewhere must not be larger than the window");
	return true;
}

/* munmap, madvise, mseal: they only change or remove mappings, so they
 * may reach into the margins (holes), never past them. */
static bool range_call_safe(const struct conform_call *c, const struct conform_layout *l,
			    const char **why)
{
	const uint64_t *a = c->arg;
	uint64_t plen;

	switch (c->nr) {
	case NR_MUNMAP:
		/* mm/mmap.c: __vm_munmap -> do_vmi_munmap's checks */
		if ((a[0] & ~PAGE_MASK) || a[0] > TASK_SIZE || a[1] > TASK_SIZE - a[0])
			return true;
		plen = page_align(a[1]);
		if (plen == 0)
			return true;
		return inside(a[0], plen, l->lo, l->hi) ? true
			: unsafe(why, "munmap beyond the window's margins");
	case NR_MADVISE:
		if (a[2] == 100 || a[2] == 101)
			return unsafe(why, "MADV_HWPOISON and MADV_SOFT_OFFLINE act on physical pages");
		if (!advice_may_be_valid(a[2]) || (a[0] & ~PAGE_MASK) || a[1] == 0)
			return true;
		plen = page_align(a[1]);
		if (plen == 0 || a[0] + plen < a[0])
			return true;                          /* EINVAL */
		return inside(a[0], plen, l->lo, l->hi) ? true
			: unsafe(why, "madvise beyond the window's margins");
	default: /* NR_MSEAL: mm/mseal.c: do_mseal (reference 2) */
		if (a[2] || (a[0] & ~PAGE_MASK) || a[1] == 0)
			return true;
		plen = page_align(a[1]);
		if (plen == 0 || a[0] + plen < a[0])
			return true;
		return inside(a[0], plen, l->lo, l->hi) ? true
			: unsafe(why, "mseal beyond the window's margins");
	}
}

static bool mm_call_safe(const struct conform_call *c, const struct conform_seq *s, bool pku,
			 const char **why)
{
	struct conform_layout l;
	const uint64_t *a = c->arg;

	conform_layout_of(s, 0, &l);
	switch (c->nr) {
	case NR_MMAP:
		return mmap_safe(c, s, &l, why);
	case NR_MUNMAP:
	case NR_MADVISE:
	case NR_MSEAL:
		return range_call_safe(c, &l, why);
	case NR_MPROTECT:
	case NR_PKEY_MPROTECT:
		return mprotect_safe(c, &l, pku, why);
	case NR_MREMAP:
		return mremap_safe(c, s, &l, why);
	case NR_BRK:
		/* brk() fails below start_brk and when the new end leaves
		 * TASK_SIZE; in between it may only move inside the window. */
		if (a[0] < 0x10000 || a[0] > TASK_SIZE)
			return true;
		if (s->heap && a[0] <= l.win_hi)
			return true;    /* below the heap it fails; above it stays in the window */
		return unsafe(why, s->heap ? "brk beyond the window" : "brk without a heap in the window");
	case CONFORM_TOUCH:
		return inside(a[0] & PAGE_MASK, PAGE_SIZE, l.win_lo, l.win_hi) ? true
			: unsafe(why, "touch outside the window (it could grow a stack VMA out of it)");
	default:   /* pkey_alloc, pkey_free, fill */
		return true;
	}
}

/* ---- descriptors, files and processes ---------------------------------------------- */

/* "/proc/self/fd/N" with N a descriptor the sequence may own: a new open
 * file on what N holds. Not 0-2: O_TRUNC there would truncate whatever
 * file mmsim's output goes to. */
static bool fd_path_ok(const char *path)
{
	const char *p = path + strlen("/proc/self/fd/");
	int n = 0;

	if (strncmp(path, "/proc/self/fd/", strlen("/proc/self/fd/")) || !*p)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n >= CONFORM_FD_LIMIT)
			return false;
		n = n * 10 + (*p - '0');
	}
	return n >= 3 && n < CONFORM_FD_LIMIT;
}

static bool openat_safe(const struct conform_call *c, const char **why)
{
	if (c->snull)
		return true;                          /* EFAULT */
	if ((int32_t)c->arg[0] != CONFORM_AT_FDCWD)
		return unsafe(why, "openat's dirfd must be AT_FDCWD");
	if (c->arg[2] & ~(uint64_t)(OPEN_ACCMODE | OPEN_TRUNC | OPEN_CLOEXEC))
		return unsafe(why, "openat flags other than the access mode, O_TRUNC and O_CLOEXEC");
	if (strlen(c->str) != c->slen)
		return unsafe(why, "a path with a NUL inside");
	if (!strcmp(c->str, SYSCTL_PATH) || fd_path_ok(c->str))
		return true;
	return unsafe(why, "openat of a path other than /proc/self/fd/N (N from 3) and "
		      SYSCTL_PATH);
}

/* write and pwrite64 of a descriptor: the one place a sequence could
 * change the machine, through a descriptor of vm.memfd_noexec written
 * by an actor in the first actor's namespace (the sysctl acts on the
 * writer's namespace: kernel/pid_sysctl.h: pid_mfd_noexec_dointvec_minmax
 * uses task_active_pid_ns(current), whoever opened the file). */
static bool write_safe(const struct conform_call *c, const struct conform_track *t,
		       const char **why)
{
	if (!fd_ok(c->arg[0]))
		return unsafe(why, "a descriptor the sequence cannot have opened");
	if (c->arg[2] > CONFORM_IO_MAX)
		return unsafe(why, "a write longer than the child's buffer");
	if ((int32_t)c->arg[0] >= 0 && t->sysctl_opened && t->depth == 0)
		return unsafe(why, "a write in the first actor's pid namespace once "
			      SYSCTL_PATH " is open (the machine's own value; ns_new first)");
	return true;
}

/* Any memfd is the sequence's, but a hugetlbfs one (MFD_HUGETLB) maps in
 * huge pages: a mapping of it at a page of the window could reach 2 MiB
 * or 1 GiB past it. So MFD_HUGETLB only where memfd_create refuses the
 * flags before it makes a file (mm/memfd.c: sanitize_flags: bits no
 * kernel knows, MFD_EXEC with MFD_NOEXEC_SEAL). */
static bool memfd_create_safe(const struct conform_call *c, const char **why)
{
	uint64_t f = c->arg[1];
	uint64_t known = 0x1f | (UINT64_C(0x3f) << 26);

	if (!(f & 0x4) || (f & ~known) || (f & 0x18) == 0x18)
		return true;
	return unsafe(why, "memfd_create with MFD_HUGETLB that could succeed (huge-page mappings "
		      "would reach out of the window)");
}

static bool file_call_safe(const struct conform_call *c, const struct conform_track *t,
			   const char **why)
{
	const uint64_t *a = c->arg;

	switch (c->nr) {
	case CONFORM_NR_MEMFD_CREATE:
		return memfd_create_safe(c, why);
	case CONFORM_NR_OPENAT:
		return openat_safe(c, why);
	case CONFORM_NR_WRITE:
	case CONFORM_NR_PWRITE64:
		return write_safe(c, t, why);
	case CONFORM_NR_READ:
	case CONFORM_NR_PREAD64:
		if (a[1] > CONFORM_IO_MAX)
			return unsafe(why, "a read longer than the child's buffer");
		break;
	case CONFORM_NR_DUP2:
	case CONFORM_NR_DUP3:
		if (!fd_ok(a[1]) || (int32_t)a[1] < 0)
			return unsafe(why, "dup2/dup3 onto a descriptor the sequence does not own");
		break;
	case CONFORM_NR_FCNTL:
		if (a[1] != CONFORM_F_ADD_SEALS && a[1] != CONFORM_F_GET_SEALS &&
		    a[1] != CONFORM_F_DUPFD && a[1] != CONFORM_F_DUPFD_CLOEXEC &&
		    a[1] != CONFORM_F_GETFD)
			return unsafe(why, "an fcntl command conform does not run");
		if ((a[1] == CONFORM_F_DUPFD || a[1] == CONFORM_F_DUPFD_CLOEXEC) &&
		    a[2] >= CONFORM_FD_LIMIT)
			return unsafe(why, "F_DUPFD above the descriptors the sequence owns");
		break;
	default:
		break;
	}
	return fd_ok(a[0]) ? true : unsafe(why, "a descriptor the sequence cannot have opened");
}

static bool process_call_safe(const struct conform_call *c, const struct conform_track *t,
			      const char **why)
{
	if (c->nr == CONFORM_FORK && t->forks >= CONFORM_MAX_FORKS)
		return unsafe(why, "more fork() calls than a sequence may make");
	if (c->nr == CONFORM_NS_NEW && t->ns_news >= CONFORM_MAX_NS_NEW)
		return unsafe(why, "more ns_new() calls than a sequence may make");
	return true;
}

static bool is_mm_call(int nr)
{
	switch (nr) {
	case NR_MMAP: case NR_MUNMAP: case NR_MPROTECT: case NR_PKEY_MPROTECT:
	case NR_PKEY_ALLOC: case NR_PKEY_FREE: case NR_MREMAP: case NR_MADVISE:
	case NR_BRK: case NR_MSEAL: case CONFORM_TOUCH: case CONFORM_FILL:
		return true;
	default:
		return false;
	}
}

bool conform_call_safe_at(const struct conform_call *c, const struct conform_seq *s,
			  const struct conform_track *t, bool pku, const char **why)
{
	if (why)
		*why = NULL;
	if (is_mm_call(c->nr))
		return mm_call_safe(c, s, pku, why);
	switch (c->nr) {
	case CONFORM_FORK:
	case CONFORM_REAP:
	case CONFORM_NS_NEW:
	case CONFORM_NS_UP:
		return process_call_safe(c, t, why);
	case CONFORM_NR_READ: case CONFORM_NR_WRITE: case CONFORM_NR_CLOSE:
	case CONFORM_NR_LSEEK: case CONFORM_NR_PREAD64: case CONFORM_NR_PWRITE64:
	case CONFORM_NR_DUP: case CONFORM_NR_DUP2: case CONFORM_NR_DUP3:
	case CONFORM_NR_FCNTL: case CONFORM_NR_FTRUNCATE: case CONFORM_NR_FCHMOD:
	case CONFORM_NR_OPENAT: case CONFORM_NR_FALLOCATE: case CONFORM_NR_MEMFD_CREATE:
		return file_call_safe(c, t, why);
	default:
		return unsafe(why, "not a call conform knows");
	}
}

bool conform_call_safe(const struct conform_call *c, const struct conform_seq *s, bool pku,
		       const char **why)
{
	struct conform_track t;

	conform_track_init(&t);
	t.sysctl_opened = true;
	return conform_call_safe_at(c, s, &t, pku, why);
}

bool conform_seq_safe(const struct conform_seq *s, bool pku, size_t *bad, const char **why)
{
	struct conform_track t;

	conform_track_init(&t);
	for (size_t i = 0; i < s->n; i++) {
		if (!conform_call_safe_at(&s->calls[i], s, &t, pku, why)) {
			if (bad)
				*bad = i;
			return false;
		}
		conform_track_step(&t, &s->calls[i]);
	}
	return true;
}
