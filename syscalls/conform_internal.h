/* What the conform runners share and nobody else needs: a forked child
 * that reports through a pipe, in records, under a deadline
 * (syscalls/conform_child.c).
 *
 * Both sides run in children: the live one because its syscalls must
 * not touch this process (it seals memory, moves its break), the model
 * one so that a model that crashes or loops forever is reported as a
 * mismatch instead of taking the whole run down.
 */
#ifndef MMSIM_SYSCALLS_CONFORM_INTERNAL_H
#define MMSIM_SYSCALLS_CONFORM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "syscalls/conform.h"

enum conform_rec_kind {
	REC_START = 1,  /* live: a = VMA count; text: maps lines outside the region */
	REC_BRK,        /* live: a = start_brk, b = brk */
	REC_CALL,       /* idx, a = result; text: the region's lines */
	REC_RULE,       /* model: idx, a = 1 when unmodelled; text: why it refused */
	REC_END,        /* live: idx = the actor's depth, a = VMA count; text: maps lines
			   outside the region (each actor sends one when it stops running
			   calls; actor 0's, at the end, is the last record) */
	REC_ERROR,      /* text: why the child could not go on */
};

/* One record on the pipe, followed by len bytes of text. */
struct conform_rec {
	uint32_t kind, idx;
	int64_t a, b;
	uint64_t len;
};

/* Write a record (and its text) to fd; a child whose parent is gone exits. */
void conform_send(int fd, uint32_t kind, uint32_t idx, int64_t a, int64_t b, const char *text,
		  size_t len);

struct conform_child {
	char *buf;          /* everything the child wrote */
	size_t len;
	bool timed_out;     /* killed at the deadline */
	int status;         /* from waitpid */
};

/* Fork; the child runs fn(ctx, fd) and _exits; the parent collects what
 * it writes to fd until it exits or timeout_ms pass (then it is killed).
 * Returns 0, or -errno when the child could not be started or read. */
int conform_child_run(void (*fn)(void *ctx, int fd), void *ctx, long timeout_ms,
		      struct conform_child *res);

/* While conform_main runs, a signal that ends mmsim (SIGHUP, SIGINT,
 * SIGQUIT, SIGPIPE, SIGTERM; not one that was ignored) first kills the
 * process group of the child running then -- the live child with its
 * fork() children and pid-namespace actors, or the model's child -- and
 * then ends mmsim as it would have (or goes to the handler there was).
 * PR_SET_PDEATHSIG would kill most of them anyway, but a process forked
 * just as its parent died misses it. Release restores the handlers. */
void conform_catch_signals(void);
void conform_release_signals(void);

/* Walk the records of res->buf: *pos is advanced; returns false at the
 * end (or at a record cut short by the child's death). */
bool conform_next_rec(const struct conform_child *res, size_t *pos, struct conform_rec *r,
		      const char **text);

/* A malloc'd, NUL-terminated copy of n bytes. */
char *conform_strndup(const char *p, size_t n);

/* ---- the state text both runners write (conform.c) ---- */

/* What a descriptor holds, as the fd lines name it. */
enum conform_fd_kind {
	CONFORM_FD_MEMFD,    /* a shmem file: "memfd ino N" */
	CONFORM_FD_SYSCTL,   /* a /proc file: "sysctl" */
	CONFORM_FD_OTHER,    /* anything else: "file" */
};

struct conform_fd_state {
	int fd;
	enum conform_fd_kind kind;
	uint64_t ino;
	unsigned access;     /* FILE_MODE_READ 1 | FILE_MODE_WRITE 2 */
	bool cloexec;
	int64_t seals;       /* F_GET_SEALS: the seals or -errno */
	unsigned mode;       /* st_mode & 07777 */
	int64_t size, pos;
};

/* "fd 3 memfd ino 1043 rw cloexec seals 0x8 mode 0777 size 4096 pos 0\n"
 * (snprintf's contract). */
size_t conform_fd_line(const struct conform_fd_state *f, char *buf, size_t size);

/* "data \"1\\n\"\n": the bytes a read of the sysctl gave, escaped. */
size_t conform_data_line(const char *bytes, size_t n, char *buf, size_t size);

/* Whether s has a call beyond the mm area's (a descriptor, a process):
 * then the state lists descriptors and children, and the live child
 * sets its descriptors up (conform_seq.c). */
bool conform_seq_has_files(const struct conform_seq *s);

/* The live child's pipes and the pipes between its actors live at this
 * descriptor and up, far above what a sequence may use. */
#define CONFORM_HARNESS_FD 100

/* ---- the live child (conform_live.c; conform_live_proc.c: descriptors,
 *      fork() children and pid-namespace actors) ---- */

/* The live child's working memory, allocated before the fork. Each
 * process that runs calls -- the first live child, and each ns_new()
 * child after it -- is an actor with its own copy (fork copies it):
 *
 *   actor 0 (first live child) --ns_new--> actor 1 (pid 1 of a new ns) --ns_new--> actor 2
 *     | fork()                                | fork()
 *     holder (keeps a copy of the mm)         holder
 *
 * Only one actor runs at a time; the others wait for a token on their
 * up pipe: the index of the ns_up() call that gives control back, or
 * the sequence's length at its end. */
struct child {
	const struct conform_seq *s;
	struct conform_layout l;
	unsigned max_map_count;
	bool noreplace;
	int fd;              /* the record pipe's write end */
	uint64_t fill_next;  /* pages of the fill area used so far */
	char *rbuf;          /* read(2) buffer */
	size_t rcap;
	char *text;          /* the record being built */
	size_t tcap, tlen;
	char *mbuf;          /* maps lines, to check against the smaps headers */
	size_t mcap, mlen;
	bool overflow;
	void (*outside_hook)(unsigned depth, void *ctx);   /* tests: conform_env */
	void *outside_hook_ctx;
	/* descriptors and processes, when the sequence opens files */
	bool files;          /* list descriptors 3 up after each call */
	char *wbuf;          /* CONFORM_IO_MAX bytes: a write's string, then zeros */
	char *iobuf;         /* CONFORM_IO_MAX bytes a read fills */
	int64_t data_len;    /* bytes the last call read from the sysctl, or -1 */
	unsigned depth;      /* pid-namespace depth below actor 0 */
	int up_fd;           /* to the parent actor (-1 for actor 0) */
	unsigned nns;        /* ns_new children: pids and up pipes' read ends */
	pid_t ns_pid[CONFORM_MAX_NS_NEW];
	int ns_fd[CONFORM_MAX_NS_NEW];
	unsigned nholders;   /* fork() children alive, oldest first */
	pid_t holder[CONFORM_MAX_FORKS];       /* as this actor's namespace numbers them */
	int64_t holder_host[CONFORM_MAX_FORKS]; /* as /proc names them */
};

/* Text helpers of conform_live.c. */
void live_text_add(struct child *ch, const char *s, size_t n);
void live_send_error(struct child *ch, const char *what);
/* The smaps header and VmFlags lines of [l.lo, l.hi) of `path`. */
int live_window_lines(struct child *ch, const char *path);
/* This actor's maps outside the reserved region, as REC_END with its
 * depth: the parent compares them with REC_START's. Every actor sends
 * it when it has run its last call (actor 0 at the end, a nested one
 * before it hands the run up). */
void live_send_outside(struct child *ch);

/* conform_live_proc.c */
/* Before the first call: descriptors 3 up closed but the record pipe,
 * which moves to CONFORM_HARNESS_FD; 0-2 open (/dev/null where not). */
int live_setup_files(struct child *ch);
/* A file, descriptor or process call (not ns_new/ns_up): its result.
 * *stop is set when the run must end (the sysctl write refused). */
int64_t live_file_call(struct child *ch, const struct conform_call *c, bool *stop);
/* The fd lines, the data line, the children's windows. 0 or -errno. */
int live_capture_files(struct child *ch);
/* ns_new: in the new actor its depth; in the old one, once the child
 * hands back, the index it handed back (*resumed true); unshare's error
 * otherwise. */
int64_t live_ns_new(struct child *ch, bool *resumed);
/* ns_up: hands the run to the parent actor and never returns; -ESRCH
 * for actor 0. */
int64_t live_ns_up(struct child *ch, size_t index);
/* At the end: every child of this actor killed and waited for; a nested
 * actor hands the end up and never returns. */
void live_finish(struct child *ch);

/* ---- the generator (conform_gen.c: numbers, pages, the mm area;
 *      conform_gen_fd.c: the memfd, pidns and all areas) ---- */

/* What the generator guesses a descriptor holds: it never runs a call,
 * so this is what the calls so far left if each did what it was drawn
 * to do (a memfd_create with good flags made a memfd, ...). */
enum gen_fd_kind {
	GEN_FD_CLOSED = 0,
	GEN_FD_MEMFD,
	GEN_FD_SYSCTL,
};

/* A guessed descriptor table and the fork() children of one actor. */
struct gen_actor {
	uint8_t fd[CONFORM_FD_LIMIT];       /* enum gen_fd_kind */
	uint16_t fd_pages[CONFORM_FD_LIMIT]; /* a memfd's guessed size, pages */
	unsigned holders;                    /* fork() children alive, if every fork worked */
};

/* How deep the generator nests pid namespaces: nesting is what matters,
 * not the kernel's limit of 32. */
#define GEN_MAX_DEPTH 4

struct gen {
	uint64_t state;
	const struct conform_gen_opts *o;
	struct conform_seq *s;
	int W;                       /* window pages */
	int M;                       /* margin pages */
	uint8_t edge[CONFORM_MAX_PAGES + 1];
	int last_lo, last_hi;        /* the previous call's range, in pages */
	int heap;                    /* heap start page, -1 for none */
	/* the memfd and pidns areas: the current actor's table, and those of
	 * the actors above it (saved[d] for depth d) while it runs */
	struct gen_actor a;
	struct gen_actor saved[GEN_MAX_DEPTH];
	unsigned memfds;             /* memfd_create calls so far: names m0, m1, ... */
	int map_lo, map_hi;          /* the pages of the last memfd mapping (hi 0: none) */
	struct conform_track track;  /* depth, sysctl opened: what is safe next */
};

uint64_t gen_next(struct gen *g);
int gen_below(struct gen *g, int n);
bool gen_chance(struct gen *g, int num, int den);
/* An index into weights[], drawn in proportion to them. */
int gen_weighted(struct gen *g, const int *weights, int n);

#define GEN_PICK(g, ...) gen_weighted((g), (const int[]){ __VA_ARGS__ }, \
				      (int)(sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int)))

uint64_t gen_addr_of(const struct gen *g, int page);
void gen_mark(struct gen *g, int lo, int hi);
int gen_pick_page(struct gen *g);
int gen_pick_end(struct gen *g, int start, int max_end);
uint64_t gen_len_of(struct gen *g, int pages);
void gen_pick_range(struct gen *g, int *lo, int *hi);
uint64_t gen_pick_prot(struct gen *g);
bool gen_bad(struct gen *g);

/* Calls of the mm area (conform_gen.c). */
void gen_mmap(struct gen *g, struct conform_call *c, bool plain);
void gen_munmap(struct gen *g, struct conform_call *c);
void gen_mprotect(struct gen *g, struct conform_call *c, bool pkey);
void gen_mseal(struct gen *g, struct conform_call *c);
void gen_touch(struct gen *g, struct conform_call *c);
void gen_mm_call(struct gen *g, struct conform_call *c);

/* One call of the other areas (conform_gen_fd.c); `first`: one of the
 * first calls, which set the stage (memfds to map, a namespace). */
void gen_memfd_call(struct gen *g, struct conform_call *c, bool first);
void gen_pidns_call(struct gen *g, struct conform_call *c, bool first);
void gen_all_call(struct gen *g, struct conform_call *c, bool first);

#endif
