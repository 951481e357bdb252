/* mmsim demo: build an address space, seal part of it, try operations on
 * it through the syscall layer, and print each call as strace would,
 * with the model's result and, for a refusal, which VMA refused and why;
 * then the final /proc/PID/maps with smaps VmFlags.
 *
 * The script shows the 6.18 rules a reader is most likely to trip on:
 * the per-VMA seal test inside mprotect's walk (the VMAs before the
 * sealed one still change), munmap's leading split that survives a
 * refusal, same-protection mprotect refused, discard madvise refused
 * only on read-only anonymous memory, and mremap refused on a sealed VMA.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/errno_name.h"
#include "core/maps.h"
#include "syscalls/sys.h"

#define BASE UINT64_C(0x7f0000000000)
#define PG PAGE_SIZE
#define P(n) (BASE + (uint64_t)(n) * PG)

static void show(struct task *t, const char *call, int64_t ret)
{
	const struct refusal *why = &t->refusal;

	if (ret >= 0 && ret < 4096)
		printf("%3" PRIu32 ": %-70s = %" PRId64 "\n", t->step, call, ret);
	else if (ret >= 0)
		printf("%3" PRIu32 ": %-70s = %#" PRIx64 "\n", t->step, call, (uint64_t)ret);
	else
		printf("%3" PRIu32 ": %-70s = -1 %s (%s)\n", t->step, call, errno_name((int)-ret),
		       strerror((int)-ret));
	if (ret < 0 && why->rule) {
		printf("       why: %s\n", why->rule);
		if (why->has_vma)
			printf("       VMA: %08" PRIx64 "-%08" PRIx64 "%s, last changed at step %" PRIu32 "\n",
			       why->start, why->end, (why->flags & VM_SEALED) ? " (sealed)" : "",
			       why->origin.step);
	}
}

#define CALL(t, expr, ...)                                                   \
	do {                                                                 \
		char call_[160];                                             \
		(t)->step++;                                                 \
		snprintf(call_, sizeof(call_), __VA_ARGS__);                 \
		show((t), call_, (expr));                                    \
	} while (0)

static void script(struct task *t)
{
	const uint64_t rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

	puts("# Two mappings; seal pages 2-4 of the first");
	CALL(t, sys_mmap(t, P(0), 8 * PG, rw, anon, -1, 0),
	     "mmap(%#" PRIx64 ", %#" PRIx64 ", PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)", P(0), 8 * PG);
	CALL(t, sys_mmap(t, P(10), 2 * PG, PROT_READ, anon, -1, 0),
	     "mmap(%#" PRIx64 ", %#" PRIx64 ", PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED, -1, 0)", P(10), 2 * PG);
	CALL(t, sys_mseal(t, P(2), 3 * PG, 0), "mseal(%#" PRIx64 ", %#" PRIx64 ", 0)", P(2), 3 * PG);

	puts("\n# mprotect walks VMA by VMA: pages 0-1 change, then the sealed VMA refuses");
	CALL(t, sys_mprotect(t, P(0), 5 * PG, PROT_READ),
	     "mprotect(%#" PRIx64 ", %#" PRIx64 ", PROT_READ)", P(0), 5 * PG);
	CALL(t, sys_mprotect(t, P(2), PG, rw),
	     "mprotect(%#" PRIx64 ", %#" PRIx64 ", PROT_READ|PROT_WRITE)  /* same protection */", P(2), PG);

	puts("\n# munmap from inside page 0's VMA: refused, but the split at page 1 stays");
	CALL(t, sys_munmap(t, P(1), 3 * PG), "munmap(%#" PRIx64 ", %#" PRIx64 ")", P(1), 3 * PG);

	puts("\n# Discard advice: allowed on sealed writable memory, refused on sealed read-only");
	CALL(t, sys_madvise(t, P(2), PG, MADV_DONTNEED),
	     "madvise(%#" PRIx64 ", %#" PRIx64 ", MADV_DONTNEED)", P(2), PG);
	CALL(t, sys_mseal(t, P(10), 2 * PG, 0), "mseal(%#" PRIx64 ", %#" PRIx64 ", 0)", P(10), 2 * PG);
	CALL(t, sys_madvise(t, P(10), PG, MADV_DONTNEED),
	     "madvise(%#" PRIx64 ", %#" PRIx64 ", MADV_DONTNEED)", P(10), PG);

	puts("\n# mremap of a sealed VMA, and of an unsealed one");
	CALL(t, sys_mremap(t, P(2), PG, 2 * PG, MREMAP_MAYMOVE, 0),
	     "mremap(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", MREMAP_MAYMOVE)", P(2), PG, 2 * PG);
	CALL(t, sys_mremap(t, P(6), 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, P(20)),
	     "mremap(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 ", MREMAP_MAYMOVE|MREMAP_FIXED, %#" PRIx64 ")",
	     P(6), 2 * PG, 2 * PG, P(20));
}

int cli_demo(int argc, char **argv)
{
	struct mm mm;
	struct task t = { .mm = &mm, .profile = &profile_linux_6_18 };
	char err[256];

	(void)argc;
	(void)argv;
	mm_init(&mm);
	printf("# mmsim demo: the %s model through its syscall layer\n\n", t.profile->name);
	script(&t);
	if (mm_check(&mm, err, sizeof(err))) {
		fprintf(stderr, "mmsim: internal error: %s\n", err);
		mm_destroy(&mm);
		return 1;
	}
	puts("\n# /proc/PID/maps with smaps VmFlags (sl = sealed, ac = accounted)");
	mm_print_maps_vmflags(&mm, stdout);
	mm_destroy(&mm);
	return 0;
}
