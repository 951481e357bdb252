/* mmsim conform: random sequences of address-space syscalls, run twice --
 * for real in a forked child of this process and in the model -- and
 * compared after every call.
 *
 *   conform_seq.c     calls and sequences, and their strace-like text form
 *   conform_gen.c     the biased random generator
 *   conform_live.c    running a sequence for real in a forked child
 *   conform_model.c   running it in the model (syscalls/sys.h)
 *   conform_shrink.c  minimising a sequence that mismatches
 *   conform.c         feature detection, the comparison, the driver
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
 * at memory: conform_call_safe() is the rule, and the live runner refuses
 * a sequence that breaks it, whatever produced it (the generator, the
 * shrinker or a pasted file).
 *
 * The comparison, per call: the return value (an address outside the
 * reserved region counts as "elsewhere": both sides unmap it again at
 * once), then the lines /proc/self/maps and smaps print for the window
 * and its margins, each maps line followed by its smaps VmFlags line.
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
};

/* One call: the syscall number (or a pseudo-call) and its raw arguments.
 * touch: arg[0] address, arg[1] 1 for a write. fill: arg[0] K as int64. */
struct conform_call {
	int nr;
	uint64_t arg[6];
};

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
 *   window 0x400000000000 64
 *   heap 0x55d4c8e2a000            (a heap window: the start_brk it ran with)
 * then one call per line. `rets`, when not NULL, holds a result per call
 * (n of them) to print after each call as strace does. Returns a
 * malloc'd string, or NULL when out of memory. */
char *conform_seq_format(const struct conform_seq *s, const int64_t *rets, size_t n);

/* Parse text in that form (blank lines and # comments allowed; without a
 * window line the default window is used). s must be uninitialised.
 * Returns 0, or -1 with "line L, column N: what" in err. */
int conform_seq_parse(const char *text, struct conform_seq *s, char *err, size_t errlen);

/* ---- the reserved region and the safety rule (conform_seq.c) ---------- */

struct conform_layout {
	uint64_t lo, hi;           /* window plus margins: what is compared */
	uint64_t win_lo, win_hi;   /* the window */
	uint64_t fill_lo, fill_hi; /* the fill area (empty when max_map_count is 0) */
};

void conform_layout_of(const struct conform_seq *s, unsigned max_map_count,
		       struct conform_layout *l);

/* Whether running c cannot change memory outside the reserved region of
 * s (see the top of this file): inside the window, or only holes in the
 * margins, or arguments the kernel refuses before it looks up a VMA.
 * `pku`: protection keys may be allocated, so a pkey argument is no
 * longer a sure EINVAL. When unsafe, *why says what is wrong. */
bool conform_call_safe(const struct conform_call *c, const struct conform_seq *s, bool pku,
		       const char **why);

/* ---- the generator (conform_gen.c) ------------------------------------ */

struct conform_gen_opts {
	uint64_t base;
	unsigned pages;
	unsigned calls;              /* calls per sequence */
	struct conform_features feat;
	uint64_t heap_start;         /* feat.brk: the process's start_brk */
	unsigned heap_below;         /* free pages below it besides the margin */
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

struct conform_obs {
	int64_t ret;
	char *maps;       /* maps line + "VmFlags: ...\n" per VMA of [lo, hi) */
	char *rule;       /* model: why it refused (task->refusal.rule), or NULL */
};

enum conform_status {
	CONFORM_RAN,       /* every call ran */
	CONFORM_DIED,      /* the child died (signal) after obs[n-1] */
	CONFORM_TIMEOUT,   /* killed after the time limit */
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
};

/* Probe this machine (in forked children where a probe would change the
 * process). base/pages give the window to check free; fill needs the fill
 * area free too; a heap window needs an empty heap with room around
 * start_brk. Returns 0, or -1 with the reason in err (exit 2). */
int conform_detect(struct conform_env *env, uint64_t base, unsigned pages, char *err,
		   size_t errlen);

/* Run s for real in a forked child. A harness failure (unsafe call,
 * window not free, fork failed) gives status CONFORM_HARNESS. Returns 0,
 * or -ENOMEM. */
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
	CONFORM_DIFF_DIED,     /* the live child died or hung at this call */
	CONFORM_DIFF_MODEL,    /* the model crashed or hung at this call */
};

struct conform_diff {
	enum conform_diff_kind kind;
	size_t call;           /* index of the first call that differs */
	int nr;                /* its number */
};

/* The first call at which the runs differ, after normalising what the
 * model cannot know (shmem inode numbers; addresses outside the region). */
struct conform_diff conform_compare(const struct conform_seq *s, const struct conform_run *live,
				    const struct conform_run *model);

/* Whether a mmap/mremap result `ret` starts outside [lo, hi) of s, i.e.
 * the kernel placed it elsewhere: both runners unmap it again at once,
 * and the comparison only asks whether both sides placed it elsewhere. */
bool conform_ret_elsewhere(const struct conform_seq *s, int nr, int64_t ret);

/* Replace what the model cannot know by what it can, in every window
 * listing of r: the inode number of a shared anonymous mapping ("/dev/zero
 * (deleted)", a shmem inode the kernel numbers) becomes "#k", k counting
 * the distinct inodes in order of first appearance in the run. Both
 * runners call it on their result. Returns 0 or -ENOMEM. */
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
