/* smaps VmFlags codes (fs/proc/task_mmu.c: show_smap_vma_flags, x86_64). */
#include "core/flags.h"

#include <stdio.h>

/* Indexed by bit. "" marks bits printed elsewhere (the protection key has
 * its own "ProtectionKey:" line); NULL marks bits the kernel has no code
 * for, which it prints as "??". Codes that depend on the configuration
 * follow the 6.18 kernel this was checked on: CONFIG_MEM_SOFT_DIRTY and
 * CONFIG_X86_USER_SHADOW_STACK are off there, so bits 27 ("sd") and 37
 * ("ss") have no code (neither bit is ever set on such a kernel). */
static const char *const mnemonics[64] = {
	[0] = "rd",  [1] = "wr",  [2] = "ex",  [3] = "sh",
	[4] = "mr",  [5] = "mw",  [6] = "me",  [7] = "ms",
	[8] = "gd",  [9] = "um",  [10] = "pf", [11] = "gu", [12] = "uw",
	[13] = "lo", [14] = "io", [15] = "sr", [16] = "rr",
	[17] = "dc", [18] = "de", [19] = "lf", [20] = "ac",
	[21] = "nr", [22] = "ht", [23] = "sf", [24] = "ar",
	[25] = "wf", [26] = "dd", [28] = "mm",
	[29] = "hg", [30] = "nh", [31] = "mg",
	[32] = "",   [33] = "",   [34] = "",   [35] = "",
	[40] = "dp", [41] = "ui", [42] = "sl",
};

const char *vm_flag_mnemonic(unsigned bit)
{
	if (bit >= 64)
		return NULL;
	if (!mnemonics[bit])
		return "??";
	if (!mnemonics[bit][0])
		return NULL;
	return mnemonics[bit];
}

size_t vm_flags_format(vm_flags_t flags, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *code;

		if (!(flags & (UINT64_C(1) << bit)))
			continue;
		code = vm_flag_mnemonic(bit);
		if (!code)
			continue;
		if (len + 3 < size)
			snprintf(buf + len, size - len, "%s ", code);
		len += 3;
	}
	return len;
}
