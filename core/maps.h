/* /proc/PID/maps and the smaps VmFlags line, rendered from the model
 * byte for byte as fs/proc/task_mmu.c prints them (show_map_vma,
 * show_vma_header_prefix, show_smap_vma_flags) on x86_64.
 */
#ifndef MMSIM_CORE_MAPS_H
#define MMSIM_CORE_MAPS_H

#include <stddef.h>
#include <stdio.h>

#include "core/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One maps line for `vma` (with its trailing newline) into buf.
 * Returns the length it needs (like snprintf). */
size_t mm_format_maps_line(const struct mm *mm, const struct vma *vma, char *buf, size_t size);

/* The whole /proc/PID/maps of `mm`, [vsyscall] last when the mm has it. */
void mm_print_maps(const struct mm *mm, FILE *out);

/* Maps lines each followed by its smaps "VmFlags: ..." line. */
void mm_print_maps_vmflags(const struct mm *mm, FILE *out);

/* The name maps prints for `vma` ("[heap]", "/memfd:x (deleted)"...), or
 * NULL for none. */
const char *mm_vma_name(const struct mm *mm, const struct vma *vma);

#ifdef __cplusplus
}
#endif

#endif
