/* Semantics profiles: the rule choices that differ between kernels and
 * proposals, as plain named data.
 *
 * Every syscall reads its choices from the task's profile, so an older
 * kernel or a mailing-list proposal is a new table entry (plus a small
 * hook where a rule has no flag yet), never a fork of the code. The
 * default is "linux-6.18", the kernel this model is checked against.
 */
#ifndef MMSIM_CORE_PROFILE_H
#define MMSIM_CORE_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where the sealed test sits in an operation's walk. */
enum seal_check {
	/* 6.12+: vma_is_sealed() per VMA inside the walk the operation does
	 * anyway; earlier VMAs may already have changed (mm/vma.c,
	 * mm/mprotect.c, mm/madvise.c). */
	SEAL_CHECK_IN_WALK,
	/* 6.10-6.11: can_modify_mm() walks the whole range first; sealed
	 * anywhere means EPERM with nothing changed. */
	SEAL_CHECK_PREWALK,
};

struct profile {
	const char *name;
	const char *description;
	bool has_mseal;                 /* the mseal syscall exists (else ENOSYS) */
	enum seal_check seal_check;
	/* madvise's "anonymous" for the discard refusal: vma_is_anonymous()
	 * (no vm_ops, so a private /dev/zero map counts; 6.17+), or "no file
	 * and not shared" (6.10-6.16). */
	bool madvise_anon_means_no_vm_ops;
	bool guard_install_is_discard;  /* MADV_GUARD_INSTALL (6.13+) exists and is refused */
	bool mremap_multi_vma;          /* MREMAP_FIXED moves across VMAs (6.17+) */
	bool cpu_has_pku;               /* protection keys: else pkey_alloc gives EINVAL */
	uint64_t mmap_min_addr;         /* effective floor for hints */
	unsigned max_map_count;         /* vm.max_map_count */
};

extern const struct profile profile_linux_6_18;
extern const struct profile profile_linux_6_18_prewalk;

/* The profile called `name`, or NULL. */
const struct profile *profile_find(const char *name);
/* The profiles known, NULL-terminated, for --help listings. */
const struct profile *const *profile_all(void);

#ifdef __cplusplus
}
#endif

#endif
