/* pkey_alloc(flags, rights) and pkey_free(pkey): mm/mprotect.c and
 * arch/x86/include/asm/pkeys.h. On a CPU without protection keys (the
 * linux-6.18 profile's) the first allocation fails with EINVAL, every
 * later one with ENOSPC, and every free with EINVAL; with them there are
 * 16 keys and key 0 is always allocated. */
#include <errno.h>

#include "syscalls/internal.h"
#include "syscalls/sys.h"

#define PKEY_DISABLE_ACCESS 0x1
#define PKEY_DISABLE_WRITE 0x2
#define PKEY_ACCESS_MASK (PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE)
#define ARCH_MAX_PKEY 16

int64_t sys_pkey_alloc(struct task *t, uint64_t flags, uint64_t rights)
{
	refusal_clear(&t->refusal);
	if (flags)
		return refuse(&t->refusal, EINVAL, NULL, "mm/mprotect.c: pkey_alloc: flags must be 0");
	if (rights & ~(uint64_t)PKEY_ACCESS_MASK)
		return refuse(&t->refusal, EINVAL, NULL, "mm/mprotect.c: pkey_alloc: unknown access rights");
	if (!t->profile->cpu_has_pku) {
		/* arch_max_pkey() is 1: the first call takes key 0 and fails to
		 * set its rights; the key stays taken (seen on 6.18.44). */
		if (t->mm->pkey_map_full)
			return refuse(&t->refusal, ENOSPC, NULL, "arch/x86/include/asm/pkeys.h: mm_pkey_alloc: the one-key map is full");
		t->mm->pkey_map_full = true;
		return refuse(&t->refusal, EINVAL, NULL, "arch/x86/kernel/fpu/xstate.c: arch_set_user_pkey_access: no protection keys on this CPU");
	}
	for (int key = 1; key < ARCH_MAX_PKEY; key++) {
		if (!(t->mm->pkeys_allocated & (1u << key))) {
			t->mm->pkeys_allocated |= (uint16_t)(1u << key);
			return key;
		}
	}
	return refuse(&t->refusal, ENOSPC, NULL, "arch/x86/include/asm/pkeys.h: mm_pkey_alloc: all keys in use");
}

int64_t sys_pkey_free(struct task *t, int64_t pkey)
{
	refusal_clear(&t->refusal);
	if (!t->profile->cpu_has_pku || pkey <= 0 || pkey >= ARCH_MAX_PKEY ||
	    !(t->mm->pkeys_allocated & (1u << pkey)))
		return refuse(&t->refusal, EINVAL, NULL, "arch/x86/include/asm/pkeys.h: mm_pkey_free: key not allocated");
	t->mm->pkeys_allocated &= (uint16_t)~(1u << pkey);
	return 0;
}
