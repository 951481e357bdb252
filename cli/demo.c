/* mmsim demo: build an address space, seal part of it, try operations on
 * it, and print each result and the final /proc/PID/maps with VmFlags.
 *
 * Until the syscall layer exists (syscalls/, the next issue) the demo
 * drives the model's mechanics directly: fresh VMAs, the split/merge of
 * vma_modify_flags, and the per-VMA seal test each 6.18 walk makes
 * (vma_is_sealed inside mprotect_fixup and vms_gather_munmap_vmas). It
 * checks no syscall arguments.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/maps.h"
#include "core/mm.h"
#include "vma/modify.h"

#define NR_MMAP 9
#define NR_MPROTECT 10
#define NR_MUNMAP 11
#define NR_MSEAL 462

#define ANON_MAY (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

static uint32_t step;
static char why[160];   /* the explanation of the last refusal */

static const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EEXIST: return "EEXIST";
	default: return "E?";
	}
}

static void print_result(const char *call, int ret)
{
	if (ret < 0)
		printf("%-48s = -1 %s (%s)\n", call, errno_name(-ret), strerror(-ret));
	else
		printf("%-48s = %d\n", call, ret);
	if (why[0])
		printf("    %s\n", why);
	why[0] = '\0';
}

/* A fresh private anonymous VMA, as mmap(MAP_PRIVATE|MAP_ANONYMOUS) makes
 * one: pgoff = addr >> PAGE_SHIFT, VM_ACCOUNT when writable. */
static int map_anon(struct mm *mm, uint64_t addr, uint64_t len, vm_flags_t access)
{
	vm_flags_t flags = access | ANON_MAY | ((access & VM_WRITE) ? VM_ACCOUNT : 0);
	struct vma *vma = vma_new(addr, addr + len, flags, addr >> PAGE_SHIFT, NULL);
	int err;

	if (!vma)
		return -ENOMEM;
	vma->origin = (struct vma_origin){ .step = step, .nr = NR_MMAP };
	err = store_insert(&mm->vmas, vma);
	if (err)
		vma_free(vma);
	return err;
}

static void explain_sealed(const struct vma *vma)
{
	snprintf(why, sizeof(why), "refused by %08" PRIx64 "-%08" PRIx64 ": VM_SEALED, set at step %" PRIu32,
		 vma->start, vma->end, vma->origin.step);
}

/* Set or clear flag bits over [start, end) VMA by VMA, refusing at the
 * first sealed VMA after changing the ones before it (the 6.12+ per-VMA
 * check: mm/mprotect.c mprotect_fixup). mseal (nr) seals instead of being
 * refused; mprotect dropping write from untouched anonymous memory drops
 * VM_ACCOUNT with it (mm/mprotect.c: mprotect_fixup). */
static int change_range(struct mm *mm, uint64_t start, uint64_t end, vm_flags_t set,
			vm_flags_t clear, int nr)
{
	struct vma_origin origin = { .step = step, .nr = (int16_t)nr };
	uint64_t addr = start;

	while (addr < end) {
		struct vma *vma = mm_find_vma(mm, addr), *done;
		uint64_t stop;
		int err;

		if (!vma || vma->start > addr)
			return -ENOMEM;
		if (nr != NR_MSEAL && vma_is_sealed(vma)) {
			explain_sealed(vma);
			return -EPERM;
		}
		stop = vma->end < end ? vma->end : end;
		vm_flags_t drop = clear;
		if ((clear & VM_WRITE) && vma_is_anonymous(vma) && !vma->anon_vma)
			drop |= VM_ACCOUNT;
		err = vma_modify_flags(mm, vma, addr, stop, (vma->flags & ~drop) | set, origin, &done);
		if (err)
			return err;
		addr = stop;
	}
	return 0;
}

/* munmap's gather step refuses if any VMA in the range is sealed and then
 * unmaps nothing (mm/vma.c: vms_gather_munmap_vmas). Whole VMAs only here. */
static int unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct store_iter it;

	for (struct vma *v = store_iter_seek(&it, &mm->vmas, start); v && v->start < end;
	     v = store_iter_next(&it)) {
		if (vma_is_sealed(v)) {
			explain_sealed(v);
			return -EPERM;
		}
	}
	for (struct vma *v = mm_find_vma(mm, start); v && v->start < end; v = mm_find_vma(mm, start)) {
		store_erase(&mm->vmas, v);
		vma_free(v);
	}
	return 0;
}

int cli_demo(int argc, char **argv)
{
	const uint64_t base = UINT64_C(0x7f0000000000), pg = PAGE_SIZE;
	char call[96];
	struct mm mm;
	int ret;

	(void)argc;
	(void)argv;
	mm_init(&mm);
	puts("# mmsim demo: mechanics of the Linux 6.18 sealing model (no syscall argument checks yet)");

#define STEP(fmt, expr, ...)                                                 \
	do {                                                                 \
		step++;                                                      \
		snprintf(call, sizeof(call), fmt, __VA_ARGS__);              \
		ret = (expr);                                                \
		printf("%2" PRIu32 ": ", step);                              \
		print_result(call, ret);                                     \
	} while (0)

	STEP("mmap(%#" PRIx64 ", %#" PRIx64 ", PROT_READ|PROT_WRITE)",
	     map_anon(&mm, base, 8 * pg, VM_READ | VM_WRITE), base, 8 * pg);
	STEP("mmap(%#" PRIx64 ", %#" PRIx64 ", PROT_READ)",
	     map_anon(&mm, base + 10 * pg, 2 * pg, VM_READ), base + 10 * pg, 2 * pg);
	STEP("mseal(%#" PRIx64 ", %#" PRIx64 ", 0)",
	     change_range(&mm, base + 2 * pg, base + 5 * pg, VM_SEALED, 0, NR_MSEAL),
	     base + 2 * pg, 3 * pg);
	STEP("mprotect(%#" PRIx64 ", %#" PRIx64 ", PROT_READ)",
	     change_range(&mm, base, base + 2 * pg, 0, VM_WRITE, NR_MPROTECT), base, 2 * pg);
	STEP("mprotect(%#" PRIx64 ", %#" PRIx64 ", PROT_READ)",
	     change_range(&mm, base + 3 * pg, base + 4 * pg, 0, VM_WRITE, NR_MPROTECT),
	     base + 3 * pg, pg);
	STEP("munmap(%#" PRIx64 ", %#" PRIx64 ")",
	     unmap_range(&mm, base, base + 12 * pg), base, 12 * pg);
	STEP("munmap(%#" PRIx64 ", %#" PRIx64 ")",
	     unmap_range(&mm, base + 10 * pg, base + 12 * pg), base + 10 * pg, 2 * pg);
	STEP("mseal(%#" PRIx64 ", %#" PRIx64 ", 0)",
	     change_range(&mm, base + 5 * pg, base + 8 * pg, VM_SEALED, 0, NR_MSEAL),
	     base + 5 * pg, 3 * pg);
#undef STEP

	char err[256];
	if (mm_check(&mm, err, sizeof(err))) {
		fprintf(stderr, "mmsim: internal error: %s\n", err);
		mm_destroy(&mm);
		return 1;
	}
	puts("\n# /proc/PID/maps with smaps VmFlags (sl = sealed)");
	mm_print_maps_vmflags(&mm, stdout);
	mm_destroy(&mm);
	return 0;
}
