/* Twin process images for the model-against-kernel benches: the same N
 * VMAs, made by the same calls, in this process (the live kernel) and in
 * a model process (through syscalls/, as a replay would run them).
 *
 *   base                                                  base + n * vma_pages pages
 *   |  V0  |  V1  |  V2  |  V3  | ...                  | Vn-1 |
 *      rw    rw,dc  rw    rw,dc                          (dc: MADV_DONTFORK)
 *
 * One mmap of the whole range, then MADV_DONTFORK on every other VMA:
 * neighbours differ in VM_DONTCOPY, so they never merge, whatever
 * protection a bench gives them, and a span walk crosses exactly one VMA
 * per vma_pages pages. A seal plan then seals all of them, or the last
 * VMA of every group of `seal_every` (made read-only first, so that
 * madvise(MADV_DONTNEED) is refused there too: mm/madvise.c refuses
 * discarding only where the VMA cannot be written).
 *
 * The kernel side lives in the calling process: call these in a
 * bench_in_child() child, since sealed mappings stay for good.
 */
#ifndef MMSIM_BENCH_IMAGE_H
#define MMSIM_BENCH_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/profile.h"
#include "core/tasks.h"

#define IMAGE_BASE UINT64_C(0x5a0000000000)

struct image_layout {
	size_t n;               /* VMAs */
	size_t vma_pages;       /* pages per VMA */
	uint64_t prot;          /* every VMA's protection at first */
	bool seal_all;
	size_t seal_every;      /* 0: none; k: the last VMA of each k */
};

struct model_image {
	struct tasks tasks;
	struct task *t;
};

static inline uint64_t image_vma(const struct image_layout *l, size_t i)
{
	return IMAGE_BASE + (uint64_t)i * l->vma_pages * 4096;
}

static inline uint64_t image_end(const struct image_layout *l)
{
	return image_vma(l, l->n);
}

/* Build the kernel side in this process; dies on any failure, and checks
 * /proc/self/maps shows exactly n VMAs in the range. */
void image_kernel_build(const struct image_layout *l);
/* The same in a model process under `profile`, whose max_map_count is
 * raised to hold the image; dies on failure and checks mm_map_count. */
void image_model_build(struct model_image *m, const struct image_layout *l,
		       const struct profile *profile);
void image_model_free(struct model_image *m);

/* The VMAs /proc/self/maps shows in [IMAGE_BASE, image_end()). */
size_t image_kernel_vmas(const struct image_layout *l);

/* vm.max_map_count: raised (as root) when the image needs more, and put
 * back when the bench program exits, however it exits short of SIGKILL.
 * Returns false when it is too low and cannot be raised. */
bool image_ensure_map_count(size_t need);

#endif
