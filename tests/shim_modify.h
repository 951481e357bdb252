/* C helpers for the split/merge (vma_modify_flags) scenarios.
 *
 * Layouts are written in the semantics reference's notation, pages
 * counted from a base address: "0-1:rw-p 1-3:r--p+S" is a VMA over pages
 * 0..0 that is read-write private, then one over pages 1..2 that is
 * read-only and sealed. Only for tests.
 */
#ifndef MMSIM_TESTS_SHIM_MODIFY_H
#define MMSIM_TESTS_SHIM_MODIFY_H

#include <stddef.h>
#include <stdint.h>

#include "core/mm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SHIM_BASE UINT64_C(0x7f1200000000)

/* Flags of a fresh private anonymous mapping with these access bits, as
 * mmap gives them: VM_MAY{READ,WRITE,EXEC}, VM_ACCOUNT when writable. */
vm_flags_t shim_anon_flags(vm_flags_t access);

/* Insert an anonymous private VMA over pages [first, first + n) of
 * SHIM_BASE with `flags` and anon_vma id `anon` (0: untouched). */
struct vma *shim_add_anon(struct mm *mm, unsigned first, unsigned n, vm_flags_t flags,
			  uint32_t anon);

/* Insert a VMA over pages [first, first + n) mapping `file` at page
 * offset pgoff (MAP_SHARED when `flags` has VM_MAYSHARE). */
struct vma *shim_add_file(struct mm *mm, unsigned first, unsigned n, vm_flags_t flags,
			  struct file *file, uint64_t pgoff);

/* A special mapping ([vdso] and the like) over pages [first, first + n). */
struct vma *shim_add_special(struct mm *mm, unsigned first, unsigned n, vm_flags_t flags,
			     uint8_t special);

/* The layout of mm in reference notation, pages relative to SHIM_BASE. */
void shim_draw(const struct mm *mm, char *buf, size_t size);

/* vma_modify_flags on pages [first, first + n) of the VMA holding page
 * `first`, setting `set` and clearing `clear` bits. Returns its result. */
int shim_modify(struct mm *mm, unsigned first, unsigned n, vm_flags_t set, vm_flags_t clear);

/* mm_check, returning its message ("" when it passes). */
const char *shim_mm_check(const struct mm *mm);

#ifdef __cplusplus
}
#endif

#endif
