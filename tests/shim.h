/* C helpers for the store, digest and mm_check suites.
 *
 * The tests are C++ (GoogleTest) and the model is C. Everything a test
 * needs beyond the public headers lives here, in C, so that no C++ code
 * builds or pokes at the model's structures itself:
 *
 *   shim_rng_*     a seeded splitmix64 generator for the randomized suites
 *   shim_ref_*     the reference model: a sorted array of (start, end, flags)
 *                  and the brute-force answers every store query must match
 *   shim_layout_*  build a store from a drawing ("AA B   CC") and draw it back
 *   shim_spec_*    build a VMA or a whole mm from a plain description
 *   shim_corrupt_* break something public on purpose, to prove a checker fails
 *
 * Every helper here exists only for tests.
 */
#ifndef MMSIM_TESTS_SHIM_H
#define MMSIM_TESTS_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/mm.h"
#include "vma/store.h"
#include "vma/vma.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- splitmix64: fixed seeds give the same run on every machine ---- */

struct shim_rng {
	uint64_t state;
};

void shim_rng_seed(struct shim_rng *rng, uint64_t seed);
uint64_t shim_rng_next(struct shim_rng *rng);
/* Uniform enough in [0, bound); 0 when bound is 0. */
uint64_t shim_rng_below(struct shim_rng *rng, uint64_t bound);
/* True with probability num/den. */
bool shim_rng_chance(struct shim_rng *rng, unsigned num, unsigned den);

/* ---- the reference model: a sorted array ---- */

struct shim_ref_entry {
	uint64_t start, end;
	vm_flags_t flags;
	struct vma *vma;   /* the object the store must hold at this position */
};

struct shim_ref {
	struct shim_ref_entry *e;
	size_t n, cap;
};

void shim_ref_init(struct shim_ref *ref);
/* Frees the array only; the VMAs belong to whoever owns the store. */
void shim_ref_destroy(struct shim_ref *ref);

/* Whether [start, end) overlaps an entry. */
bool shim_ref_overlaps(const struct shim_ref *ref, uint64_t start, uint64_t end);
/* Add `vma` at its sorted position; returns -EEXIST (and adds nothing)
 * if it overlaps an entry. */
int shim_ref_insert(struct shim_ref *ref, struct vma *vma);
/* Drop entries [first, first + n). */
void shim_ref_remove(struct shim_ref *ref, size_t first, size_t n);
/* Drop entries [first, first + nold) and put `nnew` VMAs in their place
 * (they must sort there: the caller keeps them between the neighbours). */
void shim_ref_replace(struct shim_ref *ref, size_t first, size_t nold,
		      struct vma *const *new_vmas, size_t nnew);

struct vma *shim_ref_vma(const struct shim_ref *ref, size_t i);   /* NULL past the end */
/* The index of `vma`, or -1. */
ptrdiff_t shim_ref_index_of(const struct shim_ref *ref, const struct vma *vma);

/* The answers, as indexes (-1: none):
 *   find:      the first entry with end > addr
 *   lookup:    the entry with start <= addr < end
 *   find_prev: the last entry with start < addr (store.h's definition) */
ptrdiff_t shim_ref_find(const struct shim_ref *ref, uint64_t addr);
ptrdiff_t shim_ref_lookup(const struct shim_ref *ref, uint64_t addr);
ptrdiff_t shim_ref_find_prev(const struct shim_ref *ref, uint64_t addr);

/* Brute-force free-range search, gap by gap:
 *
 *   gap i = [end of entry i-1 (0 for the first), start of entry i); the
 *   last gap runs to TASK_SIZE. Its start gap is its end, or for a gap
 *   below a VM_GROWSDOWN entry, that entry's start - STACK_GUARD_GAP
 *   (floored at 0).
 *   A gap's usable part is clipped to [low_limit, high_limit).
 *
 * rules == 0: vm_unmapped_area() with a stack's guard applied gap by gap:
 *   need = length + align_mask (the worst-case alignment loss);
 *   top-down: the highest gap whose usable part, ending at its start
 *     gap, is at least `need` long; the answer is its end - length,
 *     rounded down to the alignment;
 *   bottom-up: the lowest gap whose usable part is at least `need`
 *     long; the answer is its start rounded up to the alignment, unless
 *     the gap is below a stack whose start gap is < answer + need - 1
 *     (the kernel's test, verbatim), in which case the search goes on
 *     above that stack.
 * SHIM_GAP_GUARD_CLAMPS: top-down as Linux 6.18's unmapped_area_topdown
 *   retries: a stack's guard lowers the high limit for *every* gap below
 *   it, also gaps under a VMA the guard reaches past. (vma/store.c.)
 * SHIM_GAP_EXACT_FIT: the plain definition: a gap counts when some
 *   aligned a has [a, a + length) inside its usable part and below its
 *   start gap; top-down takes the highest such a, bottom-up the lowest.
 *
 * Returns the address or -ENOMEM. */
#define SHIM_GAP_GUARD_CLAMPS 1u
#define SHIM_GAP_EXACT_FIT 2u
int64_t shim_ref_gap(const struct shim_ref *ref, const struct store_gap_request *req,
		     bool topdown, unsigned rules);

/* Compare the store with the reference through the public interface only:
 * count, a forward walk (iter_seek from 0, iter_next), a backward walk
 * (iter_seek to the last start, iter_prev), store_first and store_last;
 * each position must hold the very VMA the reference holds, with the
 * reference's start, end and flags. Returns 0, or -1 with a message. */
int shim_ref_compare(const struct shim_ref *ref, const struct store *store, char *err,
		     size_t errlen);

/* Structural bounds any B+tree of this fan-out obeys, from the public
 * fields only: height 0 iff empty; count <= 16^height; with height h >= 2
 * the root has two children and every other node half a node, so
 * count >= 2 * 8^(h-1); at least one node per level and one leaf per 16
 * VMAs. Returns 0, or -1 with a message. */
int shim_store_bounds(const struct store *store, char *err, size_t errlen);

/* ---- small VMAs for store tests ---- */

/* An anonymous VMA [start, end) with pgoff start >> PAGE_SHIFT, tagged with
 * `tag` (kept in origin.step, which neither the store nor the digest read)
 * so that a drawing can name it. NULL when out of memory. */
struct vma *shim_vma_tagged(uint64_t start, uint64_t end, vm_flags_t flags, char tag);
char shim_vma_tag(const struct vma *vma);

/* store_destroy's release callback that counts what it frees. */
void shim_release_counted(struct vma *vma);
size_t shim_release_count(void);
void shim_release_reset(void);

/* ---- drawings ----
 *
 * One character per `unit` bytes from `base`: a space is free, any other
 * character is a page of the VMA tagged with it; a run of one character is
 * one VMA. A lower-case letter makes the VMA a stack (VM_GROWSDOWN).
 * Every VMA gets `flags` (plus VM_GROWSDOWN for lower case).
 */

/* Insert the drawn VMAs (and add them to `ref` when it is not NULL).
 * Returns the number inserted, or -1 if an insert failed. */
int shim_layout_build(struct store *store, struct shim_ref *ref, const char *layout,
		      uint64_t base, uint64_t unit, vm_flags_t flags);
/* Draw `width` units of the store from `base` into buf (width + 1 bytes),
 * each unit as the tag of the VMA that holds its first byte; trailing
 * spaces are dropped. */
void shim_layout_render(const struct store *store, uint64_t base, uint64_t unit,
			size_t width, char *buf);

/* ---- whole VMAs and address spaces for digest and mm_check tests ---- */

#define SHIM_ANON (-1)   /* shim_vma_spec.backing: no file */

struct shim_vma_spec {
	uint64_t start, end;
	vm_flags_t flags;
	uint64_t pgoff;
	int backing;               /* SHIM_ANON or an enum inode_kind */
	unsigned dev_major, dev_minor;
	uint64_t ino;
	const char *path;          /* NULL: "/shim" */
	unsigned file_mode;        /* FILE_MODE_* (0: read only) */
	uint8_t special;           /* enum vma_special */
	uint32_t anon_vma;
	struct vma_origin origin;
};

/* A VMA exactly as described, with its own new inode and open file when it
 * is file-backed. Built from a well-formed VMA whose fields are then
 * overwritten, so a spec may describe a malformed VMA. NULL when out of
 * memory. */
struct vma *shim_spec_vma(const struct shim_vma_spec *spec);

/* Insert specs[order[0]], specs[order[1]], ... (order may be NULL: in
 * array order) into mm->vmas. Returns 0 or the first store_insert error. */
int shim_spec_build(struct mm *mm, const struct shim_vma_spec *specs, size_t n,
		    const size_t *order);

/* ---- corruption, to prove the checkers can fail ---- */

/* Overwrite a field of a VMA that sits in a store; each returns the old
 * value so that the test can put it back before destroying the store. */
uint64_t shim_corrupt_vma_start(struct vma *vma, uint64_t start);
uint64_t shim_corrupt_vma_end(struct vma *vma, uint64_t end);
vm_flags_t shim_corrupt_vma_flags(struct vma *vma, vm_flags_t flags);
/* Swap the contents of two VMAs in place (the store keeps the pointers). */
void shim_corrupt_swap_vmas(struct vma *a, struct vma *b);
size_t shim_corrupt_store_count(struct store *store, size_t count);
unsigned shim_corrupt_store_height(struct store *store, unsigned height);

#ifdef __cplusplus
}
#endif

#endif
