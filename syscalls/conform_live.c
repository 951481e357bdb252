/* Running a conform sequence for real, in a forked child.
 *
 *   parent                               child (a copy of the parent)
 *   check every call is safe
 *   fork (conform_child_run) ----------> [files: descriptors 3 up closed, 0-2 open]
 *                                        [heap window: check start_brk = brk = heap]
 *                                        REC_START  its maps outside the reserved region
 *                                        REC_BRK    start_brk, brk
 *                                        for each call:
 *                                          the syscall (raw: syscall(2)), or the touch,
 *                                          or a pseudo-call (conform_live_proc.c)
 *                                          an address elsewhere: munmap it again
 *                                          REC_CALL   result + window lines of smaps
 *                                                     [+ fd lines, children's windows]
 *                                        [its children killed: conform_live_proc.c]
 *                                        REC_END    its maps outside the region again
 *                                                   (and from each nested actor when
 *                                                   it hands the run up)
 *   read the pipe (poll, deadline) <---- _exit(0)
 *   kill its process group on timeout; waitpid
 *
 * The child allocates nothing: malloc could put memory into the window,
 * and libc's allocator state is the parent's. Every buffer it uses is
 * allocated by the parent before the fork. It reads /proc/self/smaps and
 * maps with read(2) and stops at the first VMA above the window's upper
 * margin, which is cheap because the window lies below everything else
 * the process maps. Its syscalls go through syscall(2), so that no
 * sanitizer interceptor (ASan wraps mmap, munmap and mlock) changes them.
 *
 * A touch that faults (no VMA, no access, a guard page) is caught with a
 * SIGSEGV/SIGBUS handler and siglongjmp, and reported as -EFAULT, as the
 * model's sys_touch reports it. Another signal a call can raise (an
 * uncaught fault, SIGXFSZ, SIGSYS) ends the run with status CONFORM_DIED,
 * the kernel's answer; a signal from outside (SIGKILL, SIGTERM, ...) or a
 * hang past the time limit is a harness failure, not a mismatch.
 *
 * Nothing outside the reserved region may change: each actor, when it
 * has run its last call, sends its maps outside the region again
 * (REC_END), and they must equal those at the start but for the stack's
 * lower end (it grows as the child runs) and a " (deleted)" (a file
 * replaced on disk meanwhile); else the run is a harness failure.
 */
#include "syscalls/conform.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/page.h"
#include "core/proclines.h"
#include "syscalls/conform_internal.h"
#include "syscalls/uapi.h"

/* Bounds with their reasons. A read(2) of /proc brings whole records and
 * an smaps record is about 1 KiB: 32 KiB reads a few dozen at a time. A
 * record's text is at most the process's maps outside the region (a few
 * thousand lines of under 200 bytes) or the region's lines: 1024 + 32
 * one-page VMAs, each a maps line and a VmFlags line of under 300 bytes
 * together. The maps copy holds those maps lines only. */
#define RBUF_SIZE (32u << 10)
#define TEXT_SIZE (4u << 20)
#define MBUF_SIZE (1u << 20)

/* vm.max_map_count when /proc/sys cannot say (include/linux/mm.h) */
#define DEFAULT_MAX_MAP_COUNT_FALLBACK 65530u

/* vm.max_map_count now (the fallback when /proc/sys cannot say). */
static unsigned read_max_map_count(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	unsigned max = DEFAULT_MAX_MAP_COUNT_FALLBACK;

	if (f) {
		if (fscanf(f, "%u", &max) != 1)
			max = DEFAULT_MAX_MAP_COUNT_FALLBACK;
		fclose(f);
	}
	return max;
}

/* ---- the child's tools (no allocation) ----------------------------------- */

void live_text_add(struct child *ch, const char *s, size_t n)
{
	if (ch->tlen + n + 1 > ch->tcap) {
		ch->overflow = true;
		return;
	}
	memcpy(ch->text + ch->tlen, s, n);
	ch->tlen += n;
	ch->text[ch->tlen] = '\0';
}

static void text_str(struct child *ch, const char *s)
{
	live_text_add(ch, s, strlen(s));
}

static void send_rec(struct child *ch, uint32_t kind, uint32_t idx, int64_t a, int64_t b,
		     bool with_text)
{
	conform_send(ch->fd, kind, idx, a, b, with_text ? ch->text : NULL, ch->tlen);
}

void live_send_error(struct child *ch, const char *what)
{
	ch->tlen = 0;
	ch->overflow = false;
	text_str(ch, what);
	send_rec(ch, REC_ERROR, 0, 0, 0, true);
}

/* Lines of a /proc file through the child's read buffer. */
static int lines_open(struct proc_lines *lr, struct child *ch, const char *path)
{
	return proc_lines_open(lr, path, ch->rbuf, ch->rcap);
}

/* Append to the record the maps lines of every VMA outside
 * [l.lo, l.fill_hi) (the [vsyscall] gate is no VMA: left out); returns
 * the number of VMAs, or -errno. At the start (`start`) the region must
 * be free: *clash is set, with the line in the record, when it is not. */
static long outside_maps(struct child *ch, bool start, bool *clash)
{
	struct proc_lines lr;
	const char *line;
	size_t len;
	uint64_t s, e;
	long count = 0;
	int rc;

	*clash = false;
	if ((rc = lines_open(&lr, ch, "/proc/self/maps")) != 0)
		return rc;
	while ((rc = proc_lines_next(&lr, &line, &len)) > 0) {
		if (!proc_maps_range(line, len, &s, &e) || s >= TASK_SIZE)
			continue;
		count++;
		if (s < ch->l.fill_hi && e > ch->l.lo) {
			if (!start)
				continue;
			if (!*clash) {
				ch->tlen = 0;
				text_str(ch, "a VMA of the process is in the reserved region: ");
				live_text_add(ch, line, len);
			}
			*clash = true;
			continue;
		}
		if (!*clash)
			live_text_add(ch, line, len);
	}
	proc_lines_close(&lr);
	return rc < 0 ? rc : count;
}

void live_send_outside(struct child *ch)
{
	bool clash;
	long count;

	if (ch->outside_hook)
		ch->outside_hook(ch->depth, ch->outside_hook_ctx);
	ch->tlen = 0;
	ch->overflow = false;
	count = outside_maps(ch, false, &clash);
	if (count < 0 || ch->overflow) {
		live_send_error(ch, count < 0 ? "cannot read /proc/self/maps after the last call"
					      : "maps too long after the last call");
		return;
	}
	send_rec(ch, REC_END, ch->depth, count, 0, true);
}

/* VMAs in the whole process (not [vsyscall]), as map_count counts them. */
static long count_vmas(struct child *ch)
{
	struct proc_lines lr;
	const char *line;
	size_t len;
	uint64_t s, e;
	long count = 0;
	int rc;

	if ((rc = lines_open(&lr, ch, "/proc/self/maps")) != 0)
		return rc;
	while ((rc = proc_lines_next(&lr, &line, &len)) > 0)
		if (proc_maps_range(line, len, &s, &e) && s < TASK_SIZE)
			count++;
	proc_lines_close(&lr);
	return rc < 0 ? rc : count;
}

/* The record text for one call: every VMA of [lo, hi) as its smaps header
 * line and its VmFlags line; then the same VMAs' /proc/self/maps lines are
 * read and must equal those headers (both come from show_map_vma), else
 * the maps lines are appended under a "!maps" marker. */
int live_window_lines(struct child *ch, const char *path)
{
	struct proc_lines lr;
	const char *line;
	size_t len;
	uint64_t s, e;
	bool in = false;
	int rc;

	if ((rc = lines_open(&lr, ch, path)) != 0)
		return rc;
	while ((rc = proc_lines_next(&lr, &line, &len)) > 0) {
		if (proc_maps_range(line, len, &s, &e)) {
			if (s >= ch->l.hi)
				break;
			in = e > ch->l.lo;
			if (in)
				live_text_add(ch, line, len);
		} else if (in && len >= 8 && !memcmp(line, "VmFlags:", 8)) {
			live_text_add(ch, line, len);
		}
	}
	proc_lines_close(&lr);
	return rc < 0 ? rc : 0;
}

static int capture(struct child *ch)
{
	struct proc_lines lr;
	const char *line;
	size_t len;
	uint64_t s, e;
	int rc;

	ch->tlen = 0;
	ch->mlen = 0;
	ch->overflow = false;
	if ((rc = live_window_lines(ch, "/proc/self/smaps")) != 0)
		return rc;

	if ((rc = lines_open(&lr, ch, "/proc/self/maps")) != 0)
		return rc;
	while ((rc = proc_lines_next(&lr, &line, &len)) > 0) {
		if (!proc_maps_range(line, len, &s, &e))
			continue;
		if (s >= ch->l.hi)
			break;
		if (e <= ch->l.lo)
			continue;
		if (ch->mlen + len > ch->mcap) {
			ch->overflow = true;
			break;
		}
		memcpy(ch->mbuf + ch->mlen, line, len);
		ch->mlen += len;
	}
	proc_lines_close(&lr);
	if (rc < 0)
		return rc;

	/* every other line of the text is a header: compare in order */
	{
		const char *t = ch->text, *tend = ch->text + ch->tlen;
		const char *m = ch->mbuf, *mend = ch->mbuf + ch->mlen;
		bool same = true;

		while (t < tend && same) {
			const char *tn = memchr(t, '\n', (size_t)(tend - t));
			const char *mn = m < mend ? memchr(m, '\n', (size_t)(mend - m)) : NULL;

			if (!tn || !mn || tn - t != mn - m || memcmp(t, m, (size_t)(tn - t)) != 0) {
				same = false;
				break;
			}
			m = mn + 1;
			t = memchr(tn + 1, '\n', (size_t)(tend - tn - 1));   /* skip VmFlags */
			t = t ? t + 1 : tend;
		}
		if (!same || m != mend) {
			text_str(ch, "!maps (differs from the smaps headers):\n");
			live_text_add(ch, ch->mbuf, ch->mlen);
		}
	}
	if (ch->files && (rc = live_capture_files(ch)) != 0)
		return rc;
	return ch->overflow ? -E2BIG : 0;
}

/* ---- touches ------------------------------------------------------------------ */

static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed;

static void touch_fault(int sig)
{
	if (touch_armed) {
		touch_armed = 0;
		siglongjmp(touch_env, sig);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One access at addr; -EFAULT when it faults. Not instrumented: the
 * address is the window's, which no sanitizer knows. */
__attribute__((noinline, no_sanitize_address))
static int64_t touch(uint64_t addr, bool write)
{
	volatile char *p = (volatile char *)(uintptr_t)addr;

	if (sigsetjmp(touch_env, 1))
		return -EFAULT;
	touch_armed = 1;
	if (write)
		*p = 1;
	else
		(void)*p;
	touch_armed = 0;
	return 0;
}

/* ---- calls ----------------------------------------------------------------------- */

/* fill(max-K): 1-page mappings, PROT_READ and PROT_NONE in turn so that
 * none merges, until the process has max_map_count - K VMAs. */
static int64_t fill(struct child *ch, int64_t k)
{
	long count = count_vmas(ch);
	int64_t need, made = 0;
	uint64_t room = (ch->l.fill_hi - ch->l.fill_lo) / PAGE_SIZE;

	if (count < 0)
		return count;
	need = (int64_t)ch->max_map_count - k - count;
	while (made < need && ch->fill_next < room) {
		uint64_t at = ch->l.fill_lo + ch->fill_next * PAGE_SIZE;
		long r = syscall(SYS_mmap, at, PAGE_SIZE, (ch->fill_next & 1) ? PROT_NONE : PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS |
				 (ch->noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED), -1, 0);

		if (r == -1)
			break;
		ch->fill_next++;
		made++;
	}
	return made;
}

static bool is_mm_call(int nr)
{
	switch (nr) {
	case NR_MMAP: case NR_MUNMAP: case NR_MPROTECT: case NR_PKEY_MPROTECT:
	case NR_PKEY_ALLOC: case NR_PKEY_FREE: case NR_MREMAP: case NR_MADVISE:
	case NR_BRK: case NR_MSEAL:
		return true;
	default:
		return false;
	}
}

static int64_t perform(struct child *ch, const struct conform_call *c, bool *stop)
{
	const uint64_t *a = c->arg;
	long r;

	switch (c->nr) {
	case CONFORM_TOUCH:
		return touch(a[0], a[1] != 0);
	case CONFORM_FILL:
		return fill(ch, (int64_t)a[0]);
	default:
		if (!is_mm_call(c->nr))
			return live_file_call(ch, c, stop);
		r = syscall(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		return r == -1 ? -(int64_t)errno : (int64_t)r;
	}
}

/* A mapping the kernel placed elsewhere (no hint, or an occupied one) is
 * unmapped at once, so nothing outside the region stays changed. */
static void unmap_elsewhere(struct child *ch, const struct conform_call *c, int64_t ret)
{
	uint64_t len;

	if (!conform_ret_elsewhere(ch->s, c->nr, ret))
		return;
	len = page_align(c->nr == NR_MMAP ? c->arg[1] : c->arg[2]);
	syscall(SYS_munmap, (uint64_t)ret, len);
}

/* /proc/self/stat field 47, start_brk, read through buf (no
 * allocation: the child must not add mappings). 0 when unreadable. */
static uint64_t read_start_brk(char *buf, size_t cap)
{
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	char *p;
	uint64_t v = 0;

	if (fd < 0)
		return 0;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');   /* comm may hold spaces */
	if (!p)
		return 0;
	p++;
	for (unsigned field = 3; *p; field++) {
		while (*p == ' ')
			p++;
		if (field == 47) {
			while (*p >= '0' && *p <= '9')
				v = v * 10 + (uint64_t)(*p++ - '0');
			return v;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

static uint64_t stat_start_brk(struct child *ch)
{
	return read_start_brk(ch->rbuf, ch->rcap);
}

/* One call: ns_new and ns_up move the run between actors (the actor
 * that comes back after an ns_new runs on from the ns_up's index). */
static int64_t step(struct child *ch, size_t *i, bool *stop)
{
	const struct conform_call *c = &ch->s->calls[*i];
	bool resumed = false;
	int64_t ret;

	ch->data_len = -1;
	if (c->nr == CONFORM_NS_UP)
		return live_ns_up(ch, *i);
	if (c->nr != CONFORM_NS_NEW)
		return perform(ch, c, stop);
	ret = live_ns_new(ch, &resumed);
	if (!resumed)
		return ret;
	*i = (size_t)ret;               /* the ns_up that handed back, or the end */
	return (int64_t)ch->depth;      /* ns_up's result: the depth it came back to */
}

/* The calls, one record each; false when the run had to stop (the
 * error is sent). */
static bool run_calls(struct child *ch)
{
	char msg[160];

	for (size_t i = 0; i < ch->s->n; i++) {
		const struct conform_call *c;
		bool stop = false;
		int64_t ret = step(ch, &i, &stop);
		int rc;

		if (stop)
			return false;
		if (i >= ch->s->n)
			break;                  /* a child actor ran to the end */
		c = &ch->s->calls[i];
		unmap_elsewhere(ch, c, ret);
		rc = capture(ch);
		if (rc) {
			snprintf(msg, sizeof(msg), "cannot capture the window after call %zu: %s", i + 1,
				 strerror(-rc));
			live_send_error(ch, msg);
			return false;
		}
		send_rec(ch, REC_CALL, (uint32_t)i, ret, 0, true);
	}
	return true;
}

static void child_main(struct child *ch)
{
	struct sigaction sa;
	bool clash;
	long count;
	char msg[160];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = touch_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	ch->up_fd = -1;
	if (ch->files && live_setup_files(ch) != 0) {
		live_send_error(ch, "cannot set up the descriptors 0-2 and the record pipe");
		return;
	}

	if (ch->s->heap) {
		uint64_t start_brk = stat_start_brk(ch), brk = (uint64_t)syscall(SYS_brk, 0);

		if (start_brk != ch->s->heap || brk != ch->s->heap) {
			snprintf(msg, sizeof(msg), "the heap window needs start_brk = brk = %#" PRIx64
				 ", the child has %#" PRIx64 " and %#" PRIx64, ch->s->heap, start_brk, brk);
			live_send_error(ch, msg);
			return;
		}
	}

	ch->tlen = 0;
	count = outside_maps(ch, true, &clash);
	if (count < 0 || clash || ch->overflow) {
		if (!clash) {
			ch->tlen = 0;
			text_str(ch, count < 0 ? "cannot read /proc/self/maps" : "maps too long");
		}
		send_rec(ch, REC_ERROR, 0, 0, 0, true);
		return;
	}
	send_rec(ch, REC_START, 0, count, 0, true);
	send_rec(ch, REC_BRK, 0, (int64_t)stat_start_brk(ch), (int64_t)syscall(SYS_brk, 0), false);

	if (!run_calls(ch))
		return;
	live_finish(ch);   /* a nested actor does not come back */
	live_send_outside(ch);
}

/* ---- the parent -------------------------------------------------------------------- */

static void set_error(struct conform_run *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct conform_run *out, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(out->error);
	out->error = conform_strndup(buf, strlen(buf));
	out->status = CONFORM_HARNESS;
}

/* The outside VMAs of a REC_START text. */
static int parse_outside(struct conform_run *out, const char *text, size_t len)
{
	size_t cap = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct conform_outside o;

		memset(&o, 0, sizeof(o));
		if (proc_maps_range(p, n, &o.start, &o.end)) {
			const char *perms = memchr(p, ' ', n);

			if (perms && (size_t)(perms - p) + 5 < n)
				memcpy(o.perms, perms + 1, 4);
			if (n >= 7 && !memcmp(p + n - 7, "[stack]", 7))
				o.kind = 1;
			else if (n >= 6 && !memcmp(p + n - 6, "[vdso]", 6))
				o.kind = 2;
			else if (n >= 6 && !memcmp(p + n - 6, "[vvar]", 6))
				o.kind = 3;
			else if (n >= 13 && !memcmp(p + n - 13, "[vvar_vclock]", 13))
				o.kind = 4;
			if (out->noutside == cap) {
				size_t ncap = cap ? 2 * cap : 128;
				struct conform_outside *v = realloc(out->outside, ncap * sizeof(*v));

				if (!v)
					return -ENOMEM;
				out->outside = v;
				cap = ncap;
			}
			out->outside[out->noutside++] = o;
		}
		p += n + 1;
	}
	return 0;
}

/* A line without a " (deleted)" at its end: a file replaced on disk
 * while the child ran (a rebuilt binary) changes the name, not the VMA. */
static size_t undeleted(const char *line, size_t len)
{
	static const char deleted[] = " (deleted)";
	size_t d = sizeof(deleted) - 1;

	return len > d && !memcmp(line + len - d, deleted, d) ? len - d : len;
}

/* Outside lines at the start and the end must be equal, but for the
 * stack's start (it grows as the child runs). 0 when equal. */
static int outside_changed(const char *a, size_t alen, const char *b, size_t blen,
			   char *where, size_t wlen)
{
	const char *pa = a, *pb = b, *ea = a + alen, *eb = b + blen;

	while (pa < ea || pb < eb) {
		const char *na = pa < ea ? memchr(pa, '\n', (size_t)(ea - pa)) : NULL;
		const char *nb = pb < eb ? memchr(pb, '\n', (size_t)(eb - pb)) : NULL;
		size_t la = na ? (size_t)(na - pa) : (size_t)(ea - pa);
		size_t lb = nb ? (size_t)(nb - pb) : (size_t)(eb - pb);
		size_t ca = undeleted(pa, la), cb = undeleted(pb, lb);
		bool stack = la >= 7 && lb >= 7 && !memcmp(pa + la - 7, "[stack]", 7) &&
			     !memcmp(pb + lb - 7, "[stack]", 7);
		const char *da = memchr(pa, '-', la), *db = memchr(pb, '-', lb);

		if (pa >= ea || pb >= eb ||
		    (stack ? !da || !db || la - (size_t)(da - pa) != lb - (size_t)(db - pb) ||
				     memcmp(da, db, la - (size_t)(da - pa)) != 0
			   : ca != cb || memcmp(pa, pb, ca) != 0)) {
			snprintf(where, wlen, "before: %.*s | after: %.*s", (int)(pa < ea ? la : 0), pa,
				 (int)(pb < eb ? lb : 0), pb);
			return 1;
		}
		pa += la + 1;
		pb += lb + 1;
	}
	return 0;
}

/* Whether a listing of the region shows a VMA reaching into a margin:
 * no call may put one there. */
static bool escaped(const struct conform_seq *s, const char *text, size_t len)
{
	struct conform_layout l;
	const char *p = text, *end = text + len;

	conform_layout_of(s, 0, &l);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		uint64_t start, stop;

		if (proc_maps_range(p, n, &start, &stop) && (start < l.win_lo || stop > l.win_hi))
			return true;
		p += n + 1;
	}
	return false;
}

static int parse_records(struct conform_run *out, const struct conform_seq *s,
			 const struct conform_child *res)
{
	struct conform_rec r;
	const char *text, *start_text = NULL;
	size_t pos = 0, start_len = 0;
	bool ended = false;

	out->obs = calloc(s->n ? s->n : 1, sizeof(*out->obs));
	if (!out->obs)
		return -ENOMEM;
	while (conform_next_rec(res, &pos, &r, &text)) {
		switch (r.kind) {
		case REC_START:
			start_text = text;
			start_len = r.len;
			if (parse_outside(out, text, r.len))
				return -ENOMEM;
			break;
		case REC_BRK:
			out->start_brk = (uint64_t)r.a;
			out->brk = (uint64_t)r.b;
			break;
		case REC_CALL:
			if (r.idx != out->n || r.idx >= s->n) {
				set_error(out, "child records out of order");
				return 0;
			}
			if (escaped(s, text, r.len)) {
				set_error(out, "after call %u a VMA lies outside the window (a hole in the "
					       "safety rule, harness bug):\n%.*s", r.idx + 1,
					  (int)(r.len > 2000 ? 2000 : r.len), text);
				return 0;
			}
			out->obs[out->n].ret = r.a;
			out->obs[out->n].maps = conform_strndup(text, r.len);
			if (!out->obs[out->n].maps)
				return -ENOMEM;
			out->n++;
			break;
		case REC_END: {
			char where[600];

			/* actor 0's is the last record; a nested actor's comes when
			 * it hands the run up. Every one must see what actor 0 saw
			 * at the start: ns_new forks the actor, the outside too. */
			ended = r.idx == 0;
			if (!start_text || outside_changed(start_text, start_len, text, r.len, where,
							   sizeof(where))) {
				set_error(out, "a mapping outside the reserved region changed during the run, "
					       "in the actor at pid-namespace depth %u after call %zu (harness "
					       "bug): %s", r.idx, out->n, start_text ? where : "no start record");
				return 0;
			}
			break;
		}
		case REC_ERROR:
			set_error(out, "live child: %.*s", (int)(r.len > 800 ? 800 : r.len), text);
			return 0;
		default:
			set_error(out, "unknown record from the child");
			return 0;
		}
	}
	if (!ended && out->status == CONFORM_RAN)
		out->status = CONFORM_DIED;
	return 0;
}

/* Whether a call of a sequence can be what killed the live child with
 * sig: a fault the touch handler does not catch (SIGSEGV, SIGBUS), a
 * write past RLIMIT_FSIZE (SIGXFSZ), a seccomp filter (SIGSYS). That is
 * the kernel's answer, to compare with the model's. Any other signal
 * came from outside -- SIGKILL from the OOM killer or a user, SIGTERM
 * -- or from a crash of the harness itself (SIGABRT), and says nothing
 * about the calls. */
static bool call_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGXFSZ || sig == SIGSYS;
}

static void live_child(void *ctx, int fd)
{
	struct child *ch = ctx;

	ch->fd = fd;
	child_main(ch);
}

int conform_live_run(const struct conform_env *env, const struct conform_seq *s,
		     struct conform_run *out)
{
	struct child ch;
	struct conform_child res = { 0 };
	bool fills = false, files = false;
	const char *why;
	size_t bad;
	long timeout_ms;
	unsigned max_before, max_after;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!conform_seq_safe(s, env->feat.pku, &bad, &why)) {
		char line[2048];

		conform_call_format(&s->calls[bad], line, sizeof(line));
		set_error(out, "call %zu, %s: not safe to run: %s", bad + 1, line, why);
		return 0;
	}
	files = conform_seq_has_files(s);
	for (size_t i = 0; i < s->n; i++) {
		if (s->calls[i].nr == CONFORM_FILL) {
			if (!env->feat.fill) {
				set_error(out, "call %zu: fill() needs the fill area (not available here)", i + 1);
				return 0;
			}
			fills = true;
		}
	}
	if (s->heap && (!env->feat.brk || s->heap != env->heap_start)) {
		set_error(out, "the sequence's heap window starts at %#" PRIx64 ", but this process's "
			  "empty heap is %s%#" PRIx64, s->heap, env->feat.brk ? "at " : "unusable, at ",
			  env->heap_start);
		return 0;
	}

	memset(&ch, 0, sizeof(ch));
	ch.s = s;
	ch.max_map_count = env->max_map_count;
	ch.noreplace = env->feat.fixed_noreplace;
	conform_layout_of(s, env->feat.fill ? env->max_map_count : 0, &ch.l);
	ch.rcap = RBUF_SIZE;
	ch.tcap = TEXT_SIZE;
	ch.mcap = MBUF_SIZE;
	ch.rbuf = malloc(ch.rcap);
	ch.text = malloc(ch.tcap);
	ch.mbuf = malloc(ch.mcap);
	ch.files = files;
	ch.outside_hook = env->outside_hook;
	ch.outside_hook_ctx = env->outside_hook_ctx;
	if (files) {
		ch.wbuf = malloc(CONFORM_IO_MAX);
		ch.iobuf = malloc(CONFORM_IO_MAX);
	}
	if (!ch.rbuf || !ch.text || !ch.mbuf || (files && (!ch.wbuf || !ch.iobuf))) {
		rc = -ENOMEM;
		goto out;
	}
	/* touch the buffers now: the child's first writes then only copy pages */
	memset(ch.rbuf, 0, ch.rcap);
	memset(ch.text, 0, ch.tcap);
	memset(ch.mbuf, 0, ch.mcap);
	if (files) {
		memset(ch.wbuf, 0, CONFORM_IO_MAX);
		memset(ch.iobuf, 0, CONFORM_IO_MAX);
	}

	/* a fill() counts on vm.max_map_count, which the model takes from
	 * conform_detect: a machine-wide value another program may raise for a
	 * while (a benchmark that needs more mappings). Read before and after. */
	max_before = fills ? read_max_map_count() : env->max_map_count;
	timeout_ms = (long)env->timeout_ms + (fills ? 120000 : 0);
	rc = conform_child_run(live_child, &ch, timeout_ms, &res);
	max_after = fills ? read_max_map_count() : env->max_map_count;
	if (rc) {
		set_error(out, "cannot run the live child: %s", strerror(-rc));
		rc = 0;
		goto out;
	}
	rc = parse_records(out, s, &res);
	if (!rc)
		rc = conform_normalise(out);
	if (rc || out->status == CONFORM_HARNESS)
		goto out;
	if (max_before != env->max_map_count || max_after != env->max_map_count) {
		set_error(out, "vm.max_map_count was %u before this run and %u after it, not the %u "
			  "conform read at its start and gave the model: another program changed it",
			  max_before, max_after, env->max_map_count);
		goto out;
	}
	if (res.timed_out) {
		set_error(out, "the live child did not finish within its time limit (%ld ms; killed "
			  "after call %zu of %zu): none of its calls blocks, so the machine is too busy "
			  "or the harness is stuck; --timeout MS gives it longer", timeout_ms, out->n, s->n);
	} else if (WIFSIGNALED(res.status) && !call_signal(WTERMSIG(res.status))) {
		set_error(out, "the live child was killed by signal %d (%s) after call %zu of %zu: no "
			  "call sends it, so it came from outside (the OOM killer, a user) or from a "
			  "crash of the harness", WTERMSIG(res.status), strsignal(WTERMSIG(res.status)),
			  out->n, s->n);
	} else if (WIFSIGNALED(res.status)) {
		out->status = CONFORM_DIED;
		out->signal = WTERMSIG(res.status);
	} else if (WIFEXITED(res.status) && WEXITSTATUS(res.status) != 0) {
		set_error(out, "live child exited with status %d", WEXITSTATUS(res.status));
	}
out:
	free(res.buf);
	free(ch.rbuf);
	free(ch.text);
	free(ch.mbuf);
	free(ch.wbuf);
	free(ch.iobuf);
	return rc;
}

void conform_run_free(struct conform_run *r)
{
	if (r->obs)
		for (size_t i = 0; i < r->n; i++) {
			free(r->obs[i].maps);
			free(r->obs[i].rule);
		}
	free(r->obs);
	free(r->error);
	free(r->outside);
	memset(r, 0, sizeof(*r));
}

/* ---- what this machine supports ------------------------------------------------- */

/* Whether [lo, hi) holds no VMA: a PROT_NONE reservation there either
 * lands exactly (then it is given back) or does not. */
static bool region_free(uint64_t lo, uint64_t hi, bool noreplace)
{
	long r = syscall(SYS_mmap, lo, hi - lo, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 (noreplace ? MAP_FIXED_NOREPLACE : 0), -1, 0);

	if (r == -1)
		return false;
	syscall(SYS_munmap, (uint64_t)r, hi - lo);
	return (uint64_t)r == lo;
}

/* start_brk of this process. */
static uint64_t own_start_brk(void)
{
	char buf[4096];

	return read_start_brk(buf, sizeof(buf));
}

/* In a child, so that this process stays as it was: the first
 * pkey_alloc of an mm without PKU marks key 0 for good (the next ones
 * say ENOSPC), and children inherit that. */
static bool probe_pku(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(syscall(NR_PKEY_ALLOC, 0UL, 0UL) >= 0 ? 0 : 1);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* unshare(CLONE_NEWPID), in a child: ns_new needs it (the model's tasks
 * have CAP_SYS_ADMIN). */
static bool probe_pidns(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(syscall(SYS_unshare, 0x20000000UL) == 0 ? 0 : 1);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* A heap window: the heap must be empty (brk = start_brk) with a margin
 * free below start_brk and the window, its margin and the fill area free
 * above. heap_below: the pages below start_brk the window may also use. */
static void probe_heap(struct conform_env *env, unsigned pages, bool noreplace)
{
	uint64_t start_brk = own_start_brk(), brk = (uint64_t)syscall(SYS_brk, 0);
	uint64_t margin = (uint64_t)CONFORM_MARGIN_PAGES * PAGE_SIZE;
	struct conform_seq probe;
	struct conform_layout l;
	unsigned below;

	if (!start_brk || start_brk != brk || !page_aligned(start_brk) || start_brk < 2 * margin)
		return;
	conform_seq_init(&probe, start_brk, pages);
	conform_layout_of(&probe, env->feat.fill ? env->max_map_count : 0, &l);
	if (!region_free(start_brk, l.fill_hi > l.hi ? l.fill_hi : l.hi, noreplace))
		return;
	for (below = pages / 2;; below /= 2) {
		if (region_free(start_brk - margin - (uint64_t)below * PAGE_SIZE, start_brk, noreplace))
			break;
		if (below == 0)
			return;
	}
	env->feat.brk = true;
	env->heap_start = start_brk;
	env->heap_below = below;
}

int conform_detect(struct conform_env *env, uint64_t base, unsigned pages, char *err,
		   size_t errlen)
{
	struct conform_seq probe;
	struct conform_layout l;
	struct utsname u;
	FILE *f;
	unsigned max = read_max_map_count();
	long r;

	memset(env, 0, sizeof(*env));
	env->timeout_ms = 10000;
	env->profile = profile_linux_6_18;
	if (uname(&u) == 0)
		snprintf(env->release, sizeof(env->release), "%s %s %s", u.sysname, u.release,
			 u.machine);
	env->max_map_count = max;
	env->memfd_noexec = -1;
	f = fopen("/proc/sys/vm/memfd_noexec", "r");
	if (f) {
		if (fscanf(f, "%d", &env->memfd_noexec) != 1)
			env->memfd_noexec = -1;
		fclose(f);
	}

	conform_seq_init(&probe, base, pages);
	conform_layout_of(&probe, 0, &l);

	/* MAP_FIXED_NOREPLACE: a second reservation of a reserved page must
	 * fail with EEXIST (kernels before 4.17 took it as a hint) */
	r = syscall(SYS_mmap, l.lo, PAGE_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (r != -1) {
		long again = syscall(SYS_mmap, l.lo, PAGE_SIZE, PROT_NONE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		env->feat.fixed_noreplace = (uint64_t)r == l.lo && again == -1 && errno == EEXIST;
		if (again != -1)
			syscall(SYS_munmap, (uint64_t)again, PAGE_SIZE);
		syscall(SYS_munmap, (uint64_t)r, PAGE_SIZE);
	}
	if (!region_free(l.lo, l.hi, env->feat.fixed_noreplace)) {
		snprintf(err, errlen,
			 "the window %#" PRIx64 "-%#" PRIx64 " (with its margins) is not free in this "
			 "process; choose another with --window ADDR", l.lo, l.hi);
		return -1;
	}

	/* mseal(0, 0, 0) is 0 where the syscall exists: len 0 looks at nothing */
	env->feat.mseal = syscall(NR_MSEAL, 0UL, 0UL, 0UL) == 0;

	/* MADV_GUARD_INSTALL on a private anonymous page: 0 from 6.13 */
	r = syscall(SYS_mmap, l.win_lo, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (r != -1) {
		env->feat.guard = syscall(SYS_madvise, (uint64_t)r, PAGE_SIZE, MADV_GUARD_INSTALL) == 0;
		syscall(SYS_munmap, (uint64_t)r, PAGE_SIZE);
	}

	/* protection keys: pkey_alloc(0, 0) is EINVAL without PKU */
	env->feat.pku = probe_pku();
	env->feat.pidns = probe_pidns();

	/* max_map_count pressure needs room for that many 1-page mappings */
	if (max <= (1u << 20)) {
		conform_layout_of(&probe, max, &l);
		env->feat.fill = region_free(l.fill_lo, l.fill_hi, env->feat.fixed_noreplace);
	}

	probe_heap(env, pages, env->feat.fixed_noreplace);

	env->profile.has_mseal = env->feat.mseal;
	env->profile.cpu_has_pku = env->feat.pku;
	env->profile.max_map_count = max;
	return 0;
}
