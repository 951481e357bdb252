/* C helpers for tests/maps_test.cc: build model mms, capture what
 * core/maps.c prints, and run the same scenario against the live kernel.
 *
 * The live half works in a "window": 64 pages of this process's address
 * space that were free when the scenario started.
 *
 *   page  0   1   2  ...                          62  63
 *        [g] [ scenario mappings, page numbers ... ] [g]
 *
 * Pages 0 and 63 are never mapped (guards), so nothing outside the window
 * can merge with a scenario mapping, and the lines of /proc/self/maps that
 * overlap the window are exactly the scenario's. A scenario is given
 * twice: as real syscalls (struct shim_op) and as the VMAs the model
 * should hold afterwards (struct shim_vma). shim_live_run() performs the
 * first, builds the second into a fresh mm, renders both and unmaps what
 * it can (sealed VMAs stay: a window is never reused).
 *
 * Between reserving the window and reading /proc the shim does only
 * syscalls and writes into buffers allocated beforehand: a malloc there
 * could mmap into the window's free pages (ASan's allocator does).
 */
#ifndef MMSIM_TESTS_SHIM_MAPS_H
#define MMSIM_TESTS_SHIM_MAPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/file.h"
#include "core/flags.h"
#include "core/maps.h"
#include "core/mm.h"
#include "vma/vma.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- model side (no kernel needed) ------------------------------------- */

/* An open file on a new inode (inode_new + file_open; the caller's
 * reference is the file's only one). NULL when out of memory. */
struct file *shim_maps_file(enum inode_kind kind, unsigned major, unsigned minor, uint64_t ino,
			    const char *path, unsigned mode);

/* vma_new + store_insert into mm; `special` is an enum vma_special.
 * The VMA takes its own file reference. NULL on failure. */
struct vma *shim_maps_add(struct mm *mm, uint64_t start, uint64_t end, vm_flags_t flags,
			  uint64_t pgoff, struct file *file, unsigned special);

/* An mm as the format tests want it: mm_init, then no heap, no stack
 * address and no [vsyscall] unless the test sets them. */
void shim_maps_mm_init(struct mm *mm);

/* mm_format_maps_line into a malloc'd string (sized by a first call). */
char *shim_maps_line(const struct mm *mm, const struct vma *vma);
/* mm_format_maps_line into a buffer of exactly `size` bytes, filled with
 * '#' first; copies the buffer out (size bytes, NUL added after them) and
 * returns the function's return value. For the snprintf contract test. */
size_t shim_maps_line_sized(const struct mm *mm, const struct vma *vma, size_t size,
			    char *copy /* size + 1 bytes */);
/* mm_print_maps / mm_print_maps_vmflags captured with open_memstream. */
char *shim_maps_print(const struct mm *mm);
char *shim_maps_print_vmflags(const struct mm *mm);
/* "VmFlags: " + vm_flags_format(flags) + "\n", malloc'd. */
char *shim_maps_vmflags_line(vm_flags_t flags);
/* vm_flags_format into a malloc'd string. */
char *shim_maps_flags(vm_flags_t flags);
void shim_maps_free(void *p);

/* ---- live side ---------------------------------------------------------- */

#define SHIM_WINDOW_PAGES 64u

#ifndef MAP_DROPPABLE
#define SHIM_MAP_DROPPABLE 0x08
#else
#define SHIM_MAP_DROPPABLE MAP_DROPPABLE
#endif

/* What a mapping is backed by, for both the syscalls and the model. */
enum shim_backing {
	SHIM_ANON,          /* MAP_ANONYMOUS (private, or shared with MAP_SHARED) */
	SHIM_MEMFD,         /* memfd_create("mmsim-test"), one open file */
	SHIM_MEMFD_REOPEN,  /* a second open of the same memfd (/proc/self/fd/N) */
	SHIM_SHMEM_ANON,    /* model only: a MAP_SHARED|MAP_ANONYMOUS (or shared
			     * /dev/zero) VMA; inode number read back from maps */
	SHIM_DEVZERO,       /* /dev/zero opened O_RDWR */
};

enum shim_op_kind {
	SHIM_OP_MMAP,      /* mmap(page, npages, prot, flags|MAP_FIXED_NOREPLACE, fd, pgoff) */
	SHIM_OP_MPROTECT,  /* mprotect(page, npages, prot) */
	SHIM_OP_MADVISE,   /* madvise(page, npages, arg) */
	SHIM_OP_MLOCK,     /* mlock2(page, npages, arg) */
	SHIM_OP_MUNLOCK,   /* munlock(page, npages) */
	SHIM_OP_MSEAL,     /* syscall(462, page, npages, 0) */
	SHIM_OP_MUNMAP,    /* munmap(page, npages) */
	SHIM_OP_TOUCH,     /* write one byte to each page (faults in an anon_vma) */
};

struct shim_op {
	int kind;          /* enum shim_op_kind */
	int backing;       /* enum shim_backing, for SHIM_OP_MMAP */
	unsigned page, npages;
	int prot, flags, arg;
	uint64_t pgoff;
	int expect_errno;  /* 0: the call must succeed; else it must fail so */
};

struct shim_vma {
	int backing;       /* enum shim_backing */
	unsigned page, npages;
	vm_flags_t flags;
	uint64_t pgoff;    /* files only; anonymous VMAs get start >> PAGE_SHIFT */
};

/* Operation constructors (page numbers are window pages, 1..62). */
struct shim_op shim_op_mmap(unsigned page, unsigned npages, int prot, int flags);
struct shim_op shim_op_mmap_fd(int backing, unsigned page, unsigned npages, int prot, int flags,
			       uint64_t pgoff);
struct shim_op shim_op_mprotect(unsigned page, unsigned npages, int prot);
struct shim_op shim_op_madvise(unsigned page, unsigned npages, int advice);
struct shim_op shim_op_mlock(unsigned page, unsigned npages, int mlock2_flags);
struct shim_op shim_op_munlock(unsigned page, unsigned npages);
struct shim_op shim_op_mseal(unsigned page, unsigned npages);
struct shim_op shim_op_munmap(unsigned page, unsigned npages);
struct shim_op shim_op_touch(unsigned page, unsigned npages);
/* The same operation, required to fail with `err`. */
struct shim_op shim_op_fails(struct shim_op op, int err);

struct shim_vma shim_vma_anon(unsigned page, unsigned npages, vm_flags_t flags);
struct shim_vma shim_vma_file(int backing, unsigned page, unsigned npages, vm_flags_t flags,
			      uint64_t pgoff);

struct shim_live {
	int error;          /* 0, or an errno: an op misbehaved or setup failed */
	int failed_op;      /* index of the op that misbehaved, -1 if none */
	uint64_t window;    /* address of window page 0 */
	char *trace;        /* each op as called, with its result, one a line */
	char *real_maps;    /* /proc/self/maps lines overlapping the window */
	char *real_smaps;   /* per VMA: the smaps header line and its VmFlags line */
	char *real_vmflags; /* the VmFlags lines only */
	char *model_lines;  /* mm_format_maps_line of each model VMA */
	char *model_maps;   /* mm_print_maps of the model */
	char *model_smaps;  /* mm_print_maps_vmflags of the model */
	char *model_vmflags;/* "VmFlags: " + vm_flags_format per model VMA */
};

/* Run a scenario in a fresh window (see the top of this file). */
int shim_live_run(const struct shim_op *ops, size_t nops, const struct shim_vma *vmas,
		  size_t nvmas, struct shim_live *out);
void shim_live_release(struct shim_live *out);

/* Kernel support: mseal(0, 0, 0) is 0 (no lookup for len 0) unless the
 * syscall is missing (ENOSYS); MAP_FIXED_NOREPLACE is known if mapping
 * over an existing page fails with EEXIST instead of going elsewhere. */
int shim_have_mseal(void);
int shim_have_fixed_noreplace(void);
/* MAP_DROPPABLE (6.11+): 1 if a private anonymous droppable map works. */
int shim_have_droppable(void);

/* One VMA of the real process, as /proc/self/maps and smaps print it. */
struct shim_real_vma {
	uint64_t start, end;
	uint64_t ino;
	char maps_line[256];  /* from /proc/self/maps, with its newline */
	char smaps_line[256]; /* the same VMA's header line in smaps */
	char vmflags[256];    /* its "VmFlags: ...\n" line */
};

/* The VMAs of this process whose maps name is `name` ("[heap]", "[vdso]"),
 * in address order; returns how many (up to max), or -errno. */
int shim_real_named(const char *name, struct shim_real_vma *out, int max);
/* The last line of /proc/self/maps and the last VmFlags line of smaps
 * (the [vsyscall] gate area when the kernel has one). 0 or -errno. */
int shim_real_last(struct shim_real_vma *out);

/* Field `field` (1-based, as proc(5) numbers them) of /proc/self/stat,
 * parsed after the last ')' so that a comm with spaces cannot shift it.
 * 0 or -errno. 28 = startstack, 47 = start_brk. */
int shim_proc_stat_field(unsigned field, uint64_t *value);
/* The current program break: sbrk(0). */
uint64_t shim_brk_now(void);
/* Grow the break by one page if this process has no [heap] line yet (an
 * ASan build's malloc never uses brk). 0 or -errno. */
int shim_heap_ensure(void);

#ifdef __cplusplus
}
#endif

#endif
