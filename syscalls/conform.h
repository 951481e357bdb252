/* mmsim conform: random sequences of address-space, memfd, descriptor and
 * pid-namespace syscalls, run twice -- for real in a forked child of this
 * process and in the model -- and compared after every call.
 *
 *   conform_seq.c       calls and sequences, and their strace-like text form
 *   conform_safe.c      the reserved region and the safety rule
 *   conform_gen.c       the biased random generator (the mm area)
 *   conform_gen_fd.c    its memfd, pidns and all areas
 *   conform_live.c      running a sequence for real in a forked child
 *   conform_live_proc.c its descriptors, fork() children, pid-namespace actors
 *   conform_model.c     running it in the model (syscalls/sys.h)
 *   conform_shrink.c    minimising a sequence that mismatches
 *   conform.c           the state text, the comparison, the driver
 *
 * Every address a sequence may change lies in one reserved region of the
 * child, checked free before each run:
 *
 *   base-margin     base                    base+W    +margin     fill area
 *   |<- margin ->|<- window: W pages ->|<- margin ->|<- max_map_count+64 pages ->|
 *     never mapped   every mapping the    never        1-page mappings made by
 *                    sequence makes       mapped       fill(max-K) only
 *
 * Calls that create mappings stay inside the window; calls that only
 * change or remove mappings (munmap, mprotect, madvise, mseal) may reach
 * into the margins, which are holes (so they see a hole, never a VMA of
 * the process). Anything else must fail on its arguments before it looks
 * at memory. Descriptors are 3-63 only (what the sequence opened), and
 * vm.memfd_noexec is written only in pid namespaces the sequence made.
 * conform_call_safe_at() is the rule, and the live runner refuses a
 * sequence that breaks it, whatever produced it (the generator, the
 * shrinker or a pasted file).
 *
 * The comparison, per call: the return value (an address outside the
 * reserved region counts as "elsewhere": both sides unmap it again at
 * once), then the state after it as text (struct conform_obs): the lines
 * /proc/self/maps and smaps print for the window and its margins, each
 * maps line followed by its smaps VmFlags line; in the memfd and pidns
 * areas also one line per open descriptor from 3 up (seals, mode, size),
 * the bytes a read of vm.memfd_noexec gave, and the window of each child
 * a fork() pseudo-call keeps alive.
 *
 * Areas (enum conform_area): mm (address-space calls on anonymous
 * memory), memfd (memfds, their seals, mappings of them and fork),
 * pidns (pid namespaces and vm.memfd_noexec), all (the three mixed in
 * one sequence). One runner runs every call kind; the area chooses what
 * the generator draws and is named in a sequence's text.
 */
#ifndef MMSIM_SYSCALLS_CONFORM_H
#define MMSIM_SYSCALLS_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/profile.h"
#include "syscalls/uapi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The window a sequence uses unless it says otherwise: 64 TiB, below where
 * Linux puts PIE executables (0x55..) and the mmap area (0x7f..), above
 * ASan's shadow (ends at 0x10007fff7fff) and below its allocator
 * (0x600000000000). Being lower than every other mapping of the process
 * also lets the child stop reading /proc/self/smaps right after it. */
#define CONFORM_DEFAULT_BASE UINT64_C(0x400000000000)
#define CONFORM_DEFAULT_PAGES 64
#define CONFORM_MIN_PAGES 16
#define CONFORM_MAX_PAGES 1024
#define CONFORM_MARGIN_PAGES 16
/* The fill area holds max_map_count plus this many pages: fill(max+1)
 * and the VMAs a sequence adds never run out of room there. */
#define CONFORM_FILL_SLACK 64

/* Pseudo-calls: negative, so they never collide with a syscall number. */
enum {
	CONFORM_TOUCH = -1, /* touch(addr, read|write): one access, a page fault the first time */
	CONFORM_FILL = -2,  /* fill(max-K): 1-page mappings in the fill area until
	                       map_count = max_map_count - K; returns how many */
	CONFORM_FORK = -3,  /* fork(): the actor forks a child that only keeps its copy
	                       of the address space alive; 0 */
	CONFORM_REAP = -4,  /* reap(): SIGKILL and wait for the actor's newest such
	                       child; 0, or -ECHILD when it has none */
	CONFORM_NS_NEW = -5, /* ns_new(): unshare(CLONE_NEWPID), then fork; the child,
	                        pid 1 of the new namespace, becomes the actor (unshare
	                        -pf); returns its depth, or unshare's error */
	CONFORM_NS_UP = -6,  /* ns_up(): the actor's parent actor takes over again (the
	                        child stays alive, idle); returns its depth, or -ESRCH
	                        for the first actor */
};

/* The x86_64 numbers of the file and descriptor syscalls conform runs
 * (syscalls/uapi.h has the address-space ones). read is 0: a call number
 * of 0 is a valid call. */
enum conform_file_nr {
	CONFORM_NR_READ = 0,
	CONFORM_NR_WRITE = 1,
	CONFORM_NR_CLOSE = 3,
	CONFORM_NR_LSEEK = 8,
	CONFORM_NR_PREAD64 = 17,
	CONFORM_NR_PWRITE64 = 18,
	CONFORM_NR_DUP = 32,
	CONFORM_NR_DUP2 = 33,
	CONFORM_NR_FCNTL = 72,
	CONFORM_NR_FTRUNCATE = 77,
	CONFORM_NR_FCHMOD = 91,
	CONFORM_NR_OPENAT = 257,
	CONFORM_NR_FALLOCATE = 285,
	CONFORM_NR_DUP3 = 292,
	CONFORM_NR_MEMFD_CREATE = 319,
};

/* fcntl commands and openat's AT_FDCWD (include/uapi/linux/fcntl.h). */
#define CONFORM_F_DUPFD 0
#define CONFORM_F_GETFD 1
#define CONFORM_F_DUPFD_CLOEXEC 1030
#define CONFORM_F_ADD_SEALS 1033
#define CONFORM_F_GET_SEALS 1034
#define CONFORM_AT_FDCWD (-100)

/* The longest string argument a call holds: memfd names up to 249 bytes
 * are valid (mm/memfd.c: MFD_NAME_MAX_LEN), so a few longer ones test
 * the limit; sysctl texts are short. */
#define CONFORM_STR_MAX 300
/* The most bytes one read or write moves, and the pseudo-call limits
 * that keep a sequence's processes few (conform_call_safe_at). Every
 * descriptor argument is below CONFORM_FD_LIMIT and at least 3: the
 * live child holds nothing else there, and 0-2 are the terminal or
 * files of whoever ran mmsim. */
#define CONFORM_IO_MAX (64u << 10)
#define CONFORM_FD_LIMIT 64
#define CONFORM_MAX_FORKS 16
#define CONFORM_MAX_NS_NEW 8

/* One call: the syscall number (or a pseudo-call) and its raw arguments.
 * touch: arg[0] address, arg[1] 1 for a write. fill: arg[0] K as int64.
 *
 * A string argument (memfd_create's name, openat's path, the bytes a
 * write or pwrite64 writes) is in str[0..slen) instead of its argument
 * slot, or NULL when snull. A write of len > slen bytes writes str and
 * then zeros: "write(3, ""..., 0x1000)" writes a page of zeros. */
struct conform_call {
	int nr;
	uint64_t arg[6];
	uint16_t slen;
	bool snull;
	char str[CONFORM_STR_MAX + 1];   /* NUL-terminated too */
};

/* What a sequence exercises (the generator's choice, a text's "area"
 * line). The runner and the safety rule are the same for all. */
enum conform_area {
	CONFORM_AREA_MM = 0,
	CONFORM_AREA_MEMFD,
	CONFORM_AREA_PIDNS,
	CONFORM_AREA_ALL,
};

/* "mm", "memfd", "pidns", "all"; parse: 0, or -1 for another word. */
const char *conform_area_name(enum conform_area area);
int conform_area_parse(const char *word, enum conform_area *area);

/* A sequence and the window it runs in.
 *
 * heap != 0 makes it a heap window: heap is the process's start_brk (and
 * its brk: the heap is empty), inside the window, so brk() grows and
 * shrinks the heap in the window:
 *
 *   base             heap = start_brk = brk                      base+W
 *   |  h pages free  |  brk() moves the break in here, mmap too   |
 *
 * start_brk is randomised per process, so such a sequence is replayed by
 * moving the whole window (conform_seq_relocate). heap == 0 is a fixed
 * window; only brk() calls that fail whatever the heap may appear. */
struct conform_seq {
	uint64_t base;
	uint64_t pages;
	uint64_t heap;
	enum conform_area area;
	struct conform_call *calls;
	size_t n, cap;
};

/* What the kernel of this machine offers; the generator leaves out what
 * is missing and the driver says so. */
struct conform_features {
	bool mseal;           /* syscall 462 exists */
	bool fixed_noreplace; /* MAP_FIXED_NOREPLACE is honoured */
	bool guard;           /* MADV_GUARD_INSTALL / REMOVE (6.13+) */
	bool pku;             /* pkey_alloc succeeds: protection keys in the CPU */
	bool brk;             /* the heap is empty with free space around start_brk: heap windows */
	bool fill;            /* max_map_count pressure: the fill area is free and not huge */
	bool pidns;           /* unshare(CLONE_NEWPID) works here (CAP_SYS_ADMIN): ns_new */
};

/* ---- sequences (conform_seq.c) ---------------------------------------- */

void conform_seq_init(struct conform_seq *s, uint64_t base, uint64_t pages);
void conform_seq_free(struct conform_seq *s);
int conform_seq_push(struct conform_seq *s, const struct conform_call *c);
/* dst (uninitialised) becomes a copy of src. 0 or -ENOMEM. */
int conform_seq_copy(struct conform_seq *dst, const struct conform_seq *src);
/* Remove calls [from, from + count). */
void conform_seq_remove(struct conform_seq *s, size_t from, size_t count);
/* Move the window to new_base: every address argument inside the window
 * or its margins (and heap) moves with it; lengths, flags and addresses
 * elsewhere (TASK_SIZE, 0, kernel addresses) stay. */
void conform_seq_relocate(struct conform_seq *s, uint64_t new_base);

/* "mmap", "touch", ... or NULL for a number conform does not know. */
const char *conform_call_name(int nr);

/* One call as strace would print it, without a result:
 *   mmap(0x400000001000, 0x2000, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)
 *   mseal(0x400000001000, 0x1000, 0)   touch(0x400000001000, write)   fill(max-3)
 * Returns the length it needs (like snprintf). */
size_t conform_call_format(const struct conform_call *c, char *buf, size_t size);

/* " = 0x400000001000", " = -1 EPERM (Operation not permitted)", " = 0":
 * the result part of a line for call number nr. */
size_t conform_ret_format(int nr, int64_t ret, char *buf, size_t size);

/* Parse one call; a trailing " = result" and "# comment" are ignored, so
 * a line conform printed (or strace printed, for these syscalls) reads
 * back. Numbers may be decimal or hex, constants OR-ed by name.
 * Returns 0, or -1 with "column N: what" in err. */
int conform_call_parse(const char *line, struct conform_call *c, char *err, size_t errlen);

/* The whole sequence as text: a header
 *   area memfd                     (not for the mm area)
 *   window 0x400000000000 64
 *   heap 0x55d4c8e2a000            (a heap window: the start_brk it ran with)
 * then one call per line. `rets`, when not NULL, holds a result per call
 * (n of them) to print after each call as strace does. Returns a
 * malloc'd string, or NULL when out of memory. */
char *conform_seq_format(const struct conform_seq *s, const int64_t *rets, size_t n);

/* Parse text in that form (blank lines and # comments allowed; without a
 * window line the default window is used; without an area line the
 * calls imply it: conform_seq_infer_area). s must be uninitialised.
 * Returns 0, or -1 with "line L, column N: what" in err. */
int conform_seq_parse(const char *text, struct conform_seq *s, char *err, size_t errlen);

/* The area whose calls s holds: calls only the mm area makes (mremap,
 * brk, pkey_*, fill, ...), only the memfd area (ftruncate, fallocate,
 * file mappings, fork, reap, ...), only the pidns area (ns_new, ns_up,
 * vm.memfd_noexec), or more than one of them: all. Calls several areas
 * share (mmap, memfd_create, write, ...) decide nothing; with nothing
 * decisive, memfd if it opens a file, else mm. */
enum conform_area conform_seq_infer_area(const struct conform_seq *s);

/* ---- the reserved region and the safety rule (conform_seq.c) ---------- */

struct conform_layout {
	uint64_t lo, hi;           /* window plus margins: what is compared */
	uint64_t win_lo, win_hi;   /* the window */
	uint64_t fill_lo, fill_hi; /* the fill area (empty when max_map_count is 0) */
};

void conform_layout_of(const struct conform_seq *s, unsigned max_map_count,
		       struct conform_layout *l);

/* What the calls before a call imply for its safety, followed along a
 * sequence without running it (conform_track_step):
 *
 *   actor depth   0 --ns_new--> 1 --ns_new--> 2 --ns_up--> 1 --ns_new--> 1
 *                                                            (unshare says EINVAL: the
 *                                                             actor's children already go
 *                                                             to the namespace of depth 2)
 *
 * The depth is where the actor will be if every ns_new that can succeed
 * does; the live child checks the real one again before each write. */
struct conform_track {
	unsigned depth;            /* the actor's pid-namespace depth below the first actor's */
	uint32_t unshared;         /* bit d: the actor at depth d has made its namespace */
	bool sysctl_opened;        /* an earlier call opened /proc/sys/vm/memfd_noexec */
	unsigned forks, ns_news;   /* fork() and ns_new() calls so far */
};

void conform_track_init(struct conform_track *t);
void conform_track_step(struct conform_track *t, const struct conform_call *c);

/* Whether running c, after the calls `t` followed, cannot change
 * anything outside what the sequence owns (see the top of this file):
 * memory inside the window, or only holes in the margins, or arguments
 * the kernel refuses before it looks up a VMA; descriptors 3 to
 * CONFORM_FD_LIMIT - 1 only (what the sequence opened); openat of
 * /proc/self/fd/N (N in that range) or /proc/sys/vm/memfd_noexec only;
 * and no write of any descriptor once the sysctl has been opened while
 * the actor may be in the first actor's own pid namespace (that value is
 * the machine's, never the sequence's). `pku`: protection keys may be
 * allocated, so a pkey argument is no longer a sure EINVAL. When unsafe,
 * *why says what is wrong. */
bool conform_call_safe_at(const struct conform_call *c, const struct conform_seq *s,
			  const struct conform_track *t, bool pku, const char **why);

/* The same without context: as if the sysctl might be open and the
 * actor were the first one (so every write is refused). */
bool conform_call_safe(const struct conform_call *c, const struct conform_seq *s, bool pku,
		       const char **why);

/* Every call of s in order: true, or false with *bad its index and *why
 * the reason. */
bool conform_seq_safe(const struct conform_seq *s, bool pku, size_t *bad, const char **why);

/* ---- the generator (conform_gen.c) ------------------------------------ */

struct conform_gen_opts {
	uint64_t base;
	unsigned pages;
	unsigned calls;              /* calls per sequence */
	struct conform_features feat;
	uint64_t heap_start;         /* feat.brk: the process's start_brk */
	unsigned heap_below;         /* free pages below it besides the margin */
	enum conform_area area;
};

/* A fresh sequence (s uninitialised) of o->calls calls from `seed`: the
 * same seed and options give the same sequence on every machine. Biased
 * toward VMA boundaries, sealed neighbours, partial overlaps, holes and,
 * when feat.fill, max_map_count pressure. Every call is safe
 * (conform_call_safe). Returns 0 or -ENOMEM. */
int conform_gen(struct conform_seq *s, const struct conform_gen_opts *o, uint64_t seed);

/* splitmix64, the generator's source of numbers. */
uint64_t conform_mix(uint64_t x);

/* ---- results of one run (live or model) ------------------------------- */

/* A VMA of the child outside the reserved region, as its maps line says. */
struct conform_outside {
	uint64_t start, end;
	char perms[5];
	uint8_t kind;   /* 0 plain, 1 [stack], 2 [vdso], 3 [vvar], 4 [vvar_vclock] */
};

/* The state after a call, as text, in this order (both runners write
 * it; conform_normalise then replaces inode numbers by ranks):
 *
 *   400000001000-400000002000 rw-s 00000000 00:01 1043   /memfd:m0 (deleted)
 *   VmFlags: rd wr sh mr mw me ms          one pair per VMA of [lo, hi)
 *   fd 3 memfd ino 1043 rw seals 0x0 mode 0777 size 4096 pos 0
 *   fd 4 sysctl -w cloexec seals EINVAL mode 0644 size 0 pos 0
 *   data "1\n"                            what a read of the sysctl gave
 *   -- child 1                            a fork() child's window lines
 *   400000001000-...
 *
 * The fd lines are those of the actor, descriptors 3 up; the children
 * are the actor's fork() children alive, oldest first. */
struct conform_obs {
	int64_t ret;
	char *maps;       /* the state text above; only window lines in the mm area */
	char *rule;       /* model: why it refused (task->refusal.rule), or NULL */
	bool unmodelled;  /* model: its answer is a placeholder (refusal.unmodelled):
			     nothing from this call on is compared */
};

enum conform_status {
	CONFORM_RAN,       /* every call ran */
	CONFORM_DIED,      /* the child died (signal) after obs[n-1] */
	CONFORM_TIMEOUT,   /* the model, killed after its time limit (a live run
			      that hangs is CONFORM_HARNESS) */
	CONFORM_HARNESS,   /* could not run: error says why (not the kernel's fault) */
};

struct conform_run {
	struct conform_obs *obs;
	size_t n;
	enum conform_status status;
	int signal;
	char *error;
	/* live only: the child at the start, for the model's view of it */
	struct conform_outside *outside;
	size_t noutside;
	uint64_t start_brk, brk;
};

void conform_run_free(struct conform_run *r);

/* ---- the two sides ---------------------------------------------------- */

struct conform_env {
	struct conform_features feat;
	unsigned max_map_count;    /* vm.max_map_count */
	unsigned timeout_ms;       /* per sequence; fill() adds more */
	struct profile profile;    /* the model's profile, adjusted to the detected CPU */
	uint64_t heap_start;       /* feat.brk: start_brk (= brk) of this process */
	unsigned heap_below;       /* free pages below heap_start besides the margin */
	char release[200];         /* uname: system, release, machine */
	int memfd_noexec;          /* this process's vm.memfd_noexec (-1: unreadable) */
	/* Tests only (NULL in every real run: conform_detect clears it): each
	 * actor of the live child calls it when it has run its last call --
	 * actor 0 at the end, a nested actor before it hands the run up --
	 * just before its maps outside the reserved region are read again
	 * and compared with those at the start. A test changes something
	 * outside with it and expects the run to fail (CONFORM_HARNESS). */
	void (*outside_hook)(unsigned depth, void *ctx);
	void *outside_hook_ctx;
};

/* Probe this machine (in forked children where a probe would change the
 * process). base/pages give the window to check free; fill needs the fill
 * area free too; a heap window needs an empty heap with room around
 * start_brk. Returns 0, or -1 with the reason in err (exit 2). */
int conform_detect(struct conform_env *env, uint64_t base, unsigned pages, char *err,
		   size_t errlen);

/* Run s for real in a forked child. A harness failure gives status
 * CONFORM_HARNESS: an unsafe call, the window not free, fork failed, a
 * mapping outside the reserved region changed (in any actor), the child
 * hung past env->timeout_ms (none of its calls blocks: the machine is
 * too busy, or the harness is stuck) or was killed by a signal no call
 * sends (SIGKILL from the OOM killer or a user, SIGTERM, ...). Only a
 * death by a signal a call can raise (SIGSEGV, SIGBUS, SIGXFSZ, SIGSYS)
 * is the kernel's answer: status CONFORM_DIED. Returns 0, or -ENOMEM. */
int conform_live_run(const struct conform_env *env, const struct conform_seq *s,
		     struct conform_run *out);

/* Run s in the model, in a forked child too (a model that crashes or
 * hangs ends with status CONFORM_DIED or CONFORM_TIMEOUT, its calls so
 * far reported), seeing the process as `live` saw it at its start (its
 * VMAs outside the reserved region and its heap; NULL: an empty
 * process). Returns 0 or -ENOMEM. */
int conform_model_run(const struct conform_env *env, const struct conform_seq *s,
		      const struct conform_run *live, struct conform_run *out);

/* ---- the comparison (conform.c) --------------------------------------- */

enum conform_diff_kind {
	CONFORM_SAME,
	CONFORM_DIFF_RET,      /* return value or errno */
	CONFORM_DIFF_MAPS,     /* the window's maps / VmFlags lines */
	CONFORM_DIFF_FDS,      /* a descriptor's line, or the bytes a read gave */
	CONFORM_DIFF_CHILD,    /* a fork() child's window lines */
	CONFORM_DIFF_DIED,     /* the live child died at this call (of a signal a call raises) */
	CONFORM_DIFF_MODEL,    /* the model crashed or hung at this call */
};

struct conform_diff {
	enum conform_diff_kind kind;
	size_t call;           /* index of the first call that differs */
	int nr;                /* its number */
};

/* The first call at which the runs differ, after normalising what the
 * model cannot know (shmem inode numbers; addresses outside the region).
 * A call the model marks unmodelled (it says it does not know the
 * kernel's answer) ends the comparison there: the runs are the same. */
struct conform_diff conform_compare(const struct conform_seq *s, const struct conform_run *live,
				    const struct conform_run *model);

/* Whether a mmap/mremap result `ret` starts outside [lo, hi) of s, i.e.
 * the kernel placed it elsewhere: both runners unmap it again at once,
 * and the comparison only asks whether both sides placed it elsewhere. */
bool conform_ret_elsewhere(const struct conform_seq *s, int nr, int64_t ret);

/* Replace what the model cannot know by what it can, in every state
 * text of r: the inode number of a shmem file -- a shared anonymous
 * mapping ("/dev/zero (deleted)") or a memfd ("/memfd:NAME (deleted)" in
 * a maps line, "memfd ino N" in an fd line), which the kernel numbers
 * itself -- becomes "#k", k counting the distinct inodes of each kind in
 * order of first appearance in the run. Both runners call it on their
 * result. Returns 0 or -ENOMEM. */
int conform_normalise(struct conform_run *r);

/* ---- the shrinker (conform_shrink.c) ---------------------------------- */

/* Still fails? The predicate runs both sides; it must answer false for a
 * candidate it cannot run. */
typedef bool (*conform_pred)(const struct conform_seq *s, void *ctx);

struct conform_shrink_stats {
	unsigned tries;     /* predicate calls */
	size_t from, to;    /* calls before and after */
};

/* Make s as small as `pred` allows, in place: drop chunks of calls and
 * single calls (delta debugging), then simplify the arguments of each
 * remaining call (shorter ranges, plainer flags), keeping each change
 * only while pred(s) holds. At most max_tries predicate calls. */
void conform_shrink(struct conform_seq *s, conform_pred pred, void *ctx, unsigned max_tries,
		    struct conform_shrink_stats *stats);

/* ---- the driver (conform.c) ------------------------------------------- */

struct conform_opts {
	enum conform_area area;  /* what to generate (a replay's text says its own) */
	unsigned first;          /* number of the first sequence (1-based; 0 means 1) */
	unsigned sequences;
	unsigned calls;
	uint64_t seed;
	uint64_t base;
	unsigned pages;
	const char *replay;      /* a sequence file to run instead of generating */
	const char *replay_text; /* or the sequence itself */
	unsigned timeout_ms;
	unsigned shrink_tries;
	bool verbose;            /* print every sequence, not only mismatches */
	bool progress;           /* progress lines on stderr */
};

/* Run conform; prints reports and, last, "sequences=N calls=M
 * mismatches=K" to out. Returns the exit status: 0 no mismatch, 1
 * mismatches, 2 usage or environment error. */
int conform_main(const struct conform_opts *o, FILE *out, FILE *err);

/* Run the sequence in `text` once on both sides, as --replay does (no
 * shrinking): a pasted minimal sequence becomes a test. Returns the exit
 * status (0 same, 1 mismatch, 2 cannot run); *report (malloc'd, free it)
 * holds everything conform printed. */
int conform_replay_text(const char *text, char **report);

#ifdef __cplusplus
}
#endif

#endif
