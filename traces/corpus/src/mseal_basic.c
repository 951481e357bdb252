/* mseal_basic: what a sealed VMA refuses, beside the same call on an
 * unsealed control, and how mseal itself fails.
 *
 * mseal(addr, len, 0) sets VM_SEALED on every VMA in [addr, addr+len),
 * splitting at the edges. Afterwards, on that range:
 *   munmap, mmap MAP_FIXED over it, mremap (any kind), mprotect (even to the
 *   same protection)                                           -> EPERM
 *   madvise discard advice (MADV_DONTNEED ...) when the VMA is private
 *   anonymous and not writable                                 -> EPERM
 *   madvise MADV_DONTNEED on writable anon, MADV_WILLNEED      -> allowed
 * mseal itself: flags != 0 or an unaligned addr -> EINVAL; any unmapped
 * byte in the range -> ENOMEM with nothing sealed; len 0 -> 0; len rounds up
 * to whole pages; sealing again is fine.
 *
 * Each case uses its own fresh mapping, so the trace reads top to bottom:
 * an mmap, a syscall_0x1ce (mseal) on its result, then the refusals.
 */
#include "corpus.h"

int main(void)
{
	corpus_start("mseal_basic");

	/* ---- whole VMA sealed: A sealed, B the unsealed control ----
	 *   A: [ss]  B: [uu]   (2 pages each, rw)
	 */
	char *a = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	char *b = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	a[0] = 1;
	b[0] = 1;

	step("@ mseal A (2 pages, rw): 0");
	OK(sys_mseal(a, 2 * PAGE, 0));
	CHECK(vma_is(a, a, a + 2 * PAGE, "rw-p", true));

	step("@ mprotect sealed A: EPERM; control B: 0");
	FAILS(EPERM, mprotect(a, 2 * PAGE, PROT_READ));
	OK(mprotect(b, 2 * PAGE, PROT_READ));
	step("@ mprotect sealed A to its own prot: EPERM all the same");
	FAILS(EPERM, mprotect(a, 2 * PAGE, PROT_READ | PROT_WRITE));
	OK(mprotect(b, 2 * PAGE, PROT_READ | PROT_WRITE));
	step("@ mprotect one page of sealed A: EPERM, no split");
	FAILS(EPERM, mprotect(a + PAGE, PAGE, PROT_READ));
	CHECK(vma_is(a, a, a + 2 * PAGE, "rw-p", true));

	step("@ madvise DONTNEED sealed rw anon: 0 (writable)");
	OK(madvise(a, 2 * PAGE, MADV_DONTNEED));
	step("@ madvise WILLNEED sealed: 0 (not a discard)");
	OK(madvise(a, 2 * PAGE, MADV_WILLNEED));

	step("@ mremap grow/move sealed A: EPERM; control B: moves");
	FAILS(EPERM, mremap(a, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE));
	char *b2 = (char *)OK(mremap(b, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE));
	step("@ mremap shrink sealed A: EPERM; control: 0");
	FAILS(EPERM, mremap(a, 2 * PAGE, PAGE, 0));
	OK(mremap(b2, 4 * PAGE, 2 * PAGE, 0));
	step("@ mremap same size sealed A: EPERM");
	FAILS(EPERM, mremap(a, 2 * PAGE, 2 * PAGE, 0));

	step("@ mmap MAP_FIXED over sealed A: EPERM; over B: 0");
	FAILS(EPERM, mmap(a, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	OK(mmap(b2, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));

	step("@ mremap MREMAP_FIXED onto sealed A: EPERM");
	FAILS(EPERM, mremap(b2, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, a));

	step("@ munmap sealed A: EPERM; munmap B: 0");
	FAILS(EPERM, munmap(a, 2 * PAGE));
	FAILS(EPERM, munmap(a + PAGE, PAGE));
	OK(munmap(b2, 2 * PAGE));
	CHECK(vma_is(a, a, a + 2 * PAGE, "rw-p", true));

	step("@ mseal A again: 0 (already sealed is fine)");
	OK(sys_mseal(a, 2 * PAGE, 0));

	/* ---- read-only anonymous memory: discards become EPERM ----
	 *   R: [s] read-only, sealed     Q: [u] read-only, unsealed
	 */
	char *r = map_anon(PAGE, PROT_READ);
	char *q = map_anon(PAGE, PROT_READ);
	OK(sys_mseal(r, PAGE, 0));
	step("@ madvise DONTNEED sealed ro anon: EPERM; unsealed: 0");
	FAILS(EPERM, madvise(r, PAGE, MADV_DONTNEED));
	OK(madvise(q, PAGE, MADV_DONTNEED));
	step("@ madvise FREE / DONTFORK / WIPEONFORK sealed ro: EPERM");
	FAILS(EPERM, madvise(r, PAGE, MADV_FREE));
	FAILS(EPERM, madvise(r, PAGE, MADV_DONTFORK));
	FAILS(EPERM, madvise(r, PAGE, MADV_WIPEONFORK));
	step("@ madvise NORMAL / RANDOM sealed ro: 0 (no discard)");
	OK(madvise(r, PAGE, MADV_RANDOM));
	OK(madvise(r, PAGE, MADV_NORMAL));

	/* ---- part of a VMA sealed ----
	 *   P: [u s s u]  mseal(P+1, 2 pages) splits P into three VMAs
	 */
	char *p = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	step("@ mseal middle 2 of 4 pages: 0, three VMAs");
	OK(sys_mseal(p + PAGE, 2 * PAGE, 0));
	CHECK(!is_sealed(p) && !is_sealed(p + 3 * PAGE));
	CHECK(vma_is(p + PAGE, p + PAGE, p + 3 * PAGE, "rw-p", true));
	step("@ munmap all 4: EPERM, nothing unmapped");
	FAILS(EPERM, munmap(p, 4 * PAGE));
	CHECK(is_mapped(p) && is_mapped(p + 3 * PAGE));
	step("@ mprotect unsealed edges: 0; sealed middle: EPERM");
	OK(mprotect(p, PAGE, PROT_READ));
	OK(mprotect(p + 3 * PAGE, PAGE, PROT_READ));
	FAILS(EPERM, mprotect(p + 2 * PAGE, PAGE, PROT_READ));
	step("@ munmap unsealed edges: 0");
	OK(munmap(p, PAGE));
	OK(munmap(p + 3 * PAGE, PAGE));
	CHECK(vma_is(p + PAGE, p + PAGE, p + 3 * PAGE, "rw-p", true));

	/* ---- mseal's own errors ---- */
	char *h = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	OK(munmap(h + PAGE, PAGE));     /* H: [u] hole [u] hole */
	OK(munmap(h + 3 * PAGE, PAGE));
	step("@ mseal over a hole: ENOMEM, nothing sealed");
	FAILS(ENOMEM, sys_mseal(h, 3 * PAGE, 0));
	CHECK(is_mapped(h) && !is_sealed(h));
	step("@ mseal a range ending in a hole: ENOMEM");
	FAILS(ENOMEM, sys_mseal(h + 2 * PAGE, 2 * PAGE, 0));
	step("@ mseal unaligned addr: EINVAL");
	FAILS(EINVAL, sys_mseal(h + 1, PAGE, 0));
	step("@ mseal flags 1: EINVAL");
	FAILS(EINVAL, sys_mseal(h, PAGE, 1));
	step("@ mseal len 0 over the hole: 0 (nothing looked up)");
	OK(sys_mseal(h + PAGE, 0, 0));
	step("@ mseal len 1: seals one whole page");
	OK(sys_mseal(h, 1, 0));
	CHECK(vma_is(h, h, h + PAGE, "rw-p", true));
	FAILS(EPERM, munmap(h, PAGE));
	step("@ control: unsealed page beyond the hole unmaps");
	OK(munmap(h + 2 * PAGE, PAGE));

	return corpus_done();
}
