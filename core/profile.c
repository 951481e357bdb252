#include "core/profile.h"

#include <string.h>

#include "core/mm.h"

/* The 6.18 rules both profiles share. vm.mmap_min_addr is 4096 here but
 * CONFIG_LSM_MMAP_MIN_ADDR is 65536, and the larger wins
 * (security/min_addr.c: update_mmap_min_addr). */
#define LINUX_6_18_RULES                         \
	.has_mseal = true,                       \
	.madvise_anon_means_no_vm_ops = true,    \
	.guard_install_is_discard = true,        \
	.mremap_multi_vma = true,                \
	.cpu_has_pku = false,                    \
	.mmap_min_addr = 0x10000,                \
	.max_map_count = DEFAULT_MAX_MAP_COUNT

const struct profile profile_linux_6_18 = {
	.name = "linux-6.18",
	.description = "Linux 6.18 on x86_64 without protection keys, as checked on 6.18.44",
	.seal_check = SEAL_CHECK_IN_WALK,
	LINUX_6_18_RULES,
};

/* 6.18 with the seal check of 6.10-6.11: a separate walk of the whole
 * range before the operation (mm/mseal.c: can_modify_mm and
 * can_modify_mm_madv), refusing with nothing changed. Only that rule
 * differs; it exists to compare the two designs (bench/). */
const struct profile profile_linux_6_18_prewalk = {
	.name = "linux-6.18-prewalk",
	.description = "linux-6.18 with the 6.10-6.11 pre-walk seal check (can_modify_mm)",
	.seal_check = SEAL_CHECK_PREWALK,
	LINUX_6_18_RULES,
};

static const struct profile *const profiles[] = {
	&profile_linux_6_18,
	&profile_linux_6_18_prewalk,
	NULL,
};

const struct profile *profile_find(const char *name)
{
	for (const struct profile *const *p = profiles; *p; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

const struct profile *const *profile_all(void)
{
	return profiles;
}
