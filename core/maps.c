/* /proc/PID/maps rendering (fs/proc/task_mmu.c: show_map_vma).
 *
 * A line is "start-end perms offset MM:mm inode " and, when the VMA has a
 * name, spaces up to column 72 (seq_setwidth(25 + 6 * sizeof(long) - 1))
 * plus one more space, then the name.
 */
#include "core/maps.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAPS_NAME_COLUMN 72

static const char *const special_names[] = {
	[VMA_VDSO] = "[vdso]",
	[VMA_VVAR] = "[vvar]",
	[VMA_VVAR_VCLOCK] = "[vvar_vclock]",
};

const char *mm_vma_name(const struct mm *mm, const struct vma *vma)
{
	if (vma->file)
		return vma->file->inode->path;
	if (vma->special != VMA_NORMAL)
		return special_names[vma->special];
	/* include/linux/mm.h: vma_is_initial_heap, vma_is_initial_stack */
	if (vma->start < mm->brk && vma->end > mm->start_brk)
		return "[heap]";
	if (vma->start <= mm->start_stack && vma->end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static size_t format_line(char *buf, size_t size, uint64_t start, uint64_t end,
			  vm_flags_t flags, uint64_t offset, unsigned major, unsigned minor,
			  uint64_t ino, const char *name)
{
	char prefix[128];
	int plen, pad;

	plen = snprintf(prefix, sizeof(prefix), "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08" PRIx64
		       " %02x:%02x %" PRIu64 " ",
		       start, end,
		       flags & VM_READ ? 'r' : '-',
		       flags & VM_WRITE ? 'w' : '-',
		       flags & VM_EXEC ? 'x' : '-',
		       flags & VM_MAYSHARE ? 's' : 'p',
		       offset, major, minor, ino);
	if (!name)
		return (size_t)snprintf(buf, size, "%s\n", prefix);
	pad = plen < MAPS_NAME_COLUMN ? MAPS_NAME_COLUMN - plen : 0;
	return (size_t)snprintf(buf, size, "%s%*s %s\n", prefix, pad, "", name);
}

size_t mm_format_maps_line(const struct mm *mm, const struct vma *vma, char *buf, size_t size)
{
	const struct inode *inode = vma->file ? vma->file->inode : NULL;

	return format_line(buf, size, vma->start, vma->end, vma->flags,
			   inode ? vma->pgoff << PAGE_SHIFT : 0,
			   inode ? inode->dev_major : 0, inode ? inode->dev_minor : 0,
			   inode ? inode->ino : 0, mm_vma_name(mm, vma));
}

/* Print one line through a stack buffer, or a heap one for long paths. */
static void print_line(const struct mm *mm, const struct vma *vma, FILE *out)
{
	char small[256];
	size_t need = mm_format_maps_line(mm, vma, small, sizeof(small));

	if (need < sizeof(small)) {
		fputs(small, out);
		return;
	}
	char *big = malloc(need + 1);
	if (!big) {
		fputs(small, out);   /* truncated rather than nothing */
		return;
	}
	mm_format_maps_line(mm, vma, big, need + 1);
	fputs(big, out);
	free(big);
}

/* The gate area (arch/x86/entry/vsyscall/vsyscall_64.c): not a VMA of the
 * mm, printed after all of them, execute-only (smaps: "VmFlags: ex"). */
#define GATE_FLAGS VM_EXEC

static void print_vsyscall(FILE *out)
{
	char line[256];

	format_line(line, sizeof(line), UINT64_C(0xffffffffff600000), UINT64_C(0xffffffffff601000),
		    GATE_FLAGS, 0, 0, 0, 0, "[vsyscall]");
	fputs(line, out);
}

void mm_print_maps(const struct mm *mm, FILE *out)
{
	struct store_iter it;

	for (struct vma *v = store_iter_seek(&it, &mm->vmas, 0); v; v = store_iter_next(&it))
		print_line(mm, v, out);
	if (mm->has_vsyscall)
		print_vsyscall(out);
}

void mm_print_maps_vmflags(const struct mm *mm, FILE *out)
{
	struct store_iter it;
	char codes[3 * 64 + 1];

	for (struct vma *v = store_iter_seek(&it, &mm->vmas, 0); v; v = store_iter_next(&it)) {
		print_line(mm, v, out);
		vm_flags_format(v->flags, codes, sizeof(codes));
		fprintf(out, "VmFlags: %s\n", codes);
	}
	if (mm->has_vsyscall) {
		print_vsyscall(out);
		vm_flags_format(GATE_FLAGS, codes, sizeof(codes));
		fprintf(out, "VmFlags: %s\n", codes);
	}
}
