/* VMA flags: the kernel's own vm_flags bits (include/linux/mm.h), one
 * namespace for the whole model.
 *
 * A VMA carries exactly one flags word. The sealed bit, the protection
 * bits, the protection key (bits 32..35, as x86 stores it) and every
 * madvise-set bit live in it with the kernel's meaning and bit position,
 * so /proc/PID/smaps `VmFlags:` can be printed straight from it and a
 * mailing-list profile can add a bit without translating anything.
 */
#ifndef MMSIM_CORE_FLAGS_H
#define MMSIM_CORE_FLAGS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t vm_flags_t;

#define VM_NONE         UINT64_C(0)
#define VM_READ         (UINT64_C(1) << 0)
#define VM_WRITE        (UINT64_C(1) << 1)
#define VM_EXEC         (UINT64_C(1) << 2)
#define VM_SHARED       (UINT64_C(1) << 3)
#define VM_MAYREAD      (UINT64_C(1) << 4)
#define VM_MAYWRITE     (UINT64_C(1) << 5)
#define VM_MAYEXEC      (UINT64_C(1) << 6)
#define VM_MAYSHARE     (UINT64_C(1) << 7)
#define VM_GROWSDOWN    (UINT64_C(1) << 8)
#define VM_UFFD_MISSING (UINT64_C(1) << 9)
#define VM_PFNMAP       (UINT64_C(1) << 10)
#define VM_MAYBE_GUARD  (UINT64_C(1) << 11)   /* MADV_GUARD_INSTALL was used here */
#define VM_UFFD_WP      (UINT64_C(1) << 12)
#define VM_LOCKED       (UINT64_C(1) << 13)
#define VM_IO           (UINT64_C(1) << 14)
#define VM_SEQ_READ     (UINT64_C(1) << 15)
#define VM_RAND_READ    (UINT64_C(1) << 16)
#define VM_DONTCOPY     (UINT64_C(1) << 17)
#define VM_DONTEXPAND   (UINT64_C(1) << 18)
#define VM_LOCKONFAULT  (UINT64_C(1) << 19)
#define VM_ACCOUNT      (UINT64_C(1) << 20)
#define VM_NORESERVE    (UINT64_C(1) << 21)
#define VM_HUGETLB      (UINT64_C(1) << 22)
#define VM_SYNC         (UINT64_C(1) << 23)
#define VM_ARCH_1       (UINT64_C(1) << 24)   /* x86: VM_PAT */
#define VM_WIPEONFORK   (UINT64_C(1) << 25)
#define VM_DONTDUMP     (UINT64_C(1) << 26)
#define VM_SOFTDIRTY    (UINT64_C(1) << 27)
#define VM_MIXEDMAP     (UINT64_C(1) << 28)
#define VM_HUGEPAGE     (UINT64_C(1) << 29)
#define VM_NOHUGEPAGE   (UINT64_C(1) << 30)
#define VM_MERGEABLE    (UINT64_C(1) << 31)
#define VM_PKEY_SHIFT   32
#define VM_PKEY_MASK    (UINT64_C(0xf) << VM_PKEY_SHIFT)
#define VM_SHADOW_STACK (UINT64_C(1) << 37)   /* x86: VM_HIGH_ARCH_5 */
#define VM_UFFD_MINOR   (UINT64_C(1) << 41)
#define VM_DROPPABLE    (UINT64_C(1) << 40)
#define VM_SEALED       (UINT64_C(1) << 42)   /* bit 63 before 6.17 */

#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
#define VM_MAY_FLAGS    (VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* Mappings the kernel never merges, expands or splits freely
 * (include/linux/mm.h: VM_SPECIAL). */
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

/* Sticky flags: a VMA keeps them once set, and VMAs that merge pass them
 * on to the result (include/linux/mm.h: VM_STICKY), so a merge does not
 * compare them. */
#define VM_STICKY (VM_SOFTDIRTY | VM_MAYBE_GUARD)

/* Flags a merge ignores (mm/vma.c: is_mergeable_vma compares the rest). */
#define VM_IGNORE_MERGE VM_STICKY

/* The smaps `VmFlags:` two-letter code of one bit, or "??" for a bit the
 * kernel has no name for, as fs/proc/task_mmu.c prints it. Returns NULL
 * for bits the kernel never prints (the protection-key bits). */
const char *vm_flag_mnemonic(unsigned bit);

/* Write the smaps VmFlags codes of `flags` ("rd wr mr mw me ac sl ", each
 * followed by one space) into buf; returns the length written. */
size_t vm_flags_format(vm_flags_t flags, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif
