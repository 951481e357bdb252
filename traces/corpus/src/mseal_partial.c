/* mseal_partial: a call over several VMAs, some sealed, some not. What
 * did the refused call change before it refused?
 *
 * Since Linux 6.12 there is no separate pre-check of the whole range: each
 * operation walks its VMAs in address order and tests VM_SEALED per VMA.
 *   mprotect / madvise over [unsealed][sealed]: the unsealed part is changed
 *     (split off and given the new protection or flag), then EPERM.
 *   the same over [sealed][unsealed]: EPERM at the first VMA, nothing changed.
 *   munmap (and mremap's shrink, which unmaps the tail) starting inside an
 *     unsealed VMA: the split at the start stays, nothing is unmapped, EPERM.
 *   mprotect of a sealed VMA followed by a hole: EPERM, not ENOMEM.
 *   mseal over [u][s][u]: one sealed VMA (sealing merges).
 * Each case reads /proc/self/smaps afterwards to show the layout (the
 * openat/read calls between the cases in the trace).
 *
 * Pictures: one character per page, u = unsealed, s = sealed,
 * w = read-write, r = read-only.
 */
#include "corpus.h"

/* n pages rw, with the last `sealed` pages made read-only (if ro) and sealed. */
static char *unsealed_then_sealed(int n, int sealed, bool ro)
{
	char *x = map_anon((unsigned long)n * PAGE, PROT_READ | PROT_WRITE);
	char *s = x + (unsigned long)(n - sealed) * PAGE;

	if (ro)
		OK(mprotect(s, (unsigned long)sealed * PAGE, PROT_READ));
	OK(sys_mseal(s, (unsigned long)sealed * PAGE, 0));
	return x;
}

int main(void)
{
	corpus_start("mseal_partial");
	struct vma_info v;

	/* ---- mprotect over [u u u][s s s] (uw, sr) ----
	 *   mprotect(X+1, 4 pages, r):  pages 1-2 become r, then page 3: EPERM
	 *   after:  [w][r r][s s s]
	 */
	char *x = unsealed_then_sealed(6, 3, /* ro = */ true);
	step("@ mprotect [u u u][s s s] from page 1: EPERM after 1-2");
	FAILS(EPERM, mprotect(x + PAGE, 4 * PAGE, PROT_READ));
	CHECK(vma_at(x, &v) && strcmp(v.perms, "rw-p") == 0 && v.end == (uintptr_t)(x + PAGE));
	CHECK(vma_is(x + PAGE, x + PAGE, x + 3 * PAGE, "r--p", false));
	CHECK(vma_is(x + 3 * PAGE, x + 3 * PAGE, x + 6 * PAGE, "r--p", true));
	step("@ again from page 0 to r-x: page 0-2 r-x, then EPERM");
	FAILS(EPERM, mprotect(x, 6 * PAGE, PROT_READ | PROT_EXEC));
	CHECK(vma_at(x, &v) && strcmp(v.perms, "r-xp") == 0 && v.end == (uintptr_t)(x + 3 * PAGE));
	step("@ pkey_mprotect key -1 is mprotect: EPERM on sealed");
	FAILS(EPERM, syscall(SYS_pkey_mprotect, x + 3 * PAGE, PAGE, PROT_READ, -1));
	OK(syscall(SYS_pkey_mprotect, x, PAGE, PROT_READ, -1));

	/* ---- mprotect over [s s s][u u u], all rw ----
	 *   the walk stops at the first VMA: nothing changes
	 */
	char *y = map_anon(6 * PAGE, PROT_READ | PROT_WRITE);
	OK(sys_mseal(y, 3 * PAGE, 0));
	step("@ mprotect [s s s][u u u]: EPERM, nothing changed");
	FAILS(EPERM, mprotect(y, 6 * PAGE, PROT_READ));
	CHECK(vma_at(y + 3 * PAGE, &v) && strcmp(v.perms, "rw-p") == 0 &&
	      v.start == (uintptr_t)(y + 3 * PAGE) && !v.sealed);
	step("@ control: the unsealed half alone: 0");
	OK(mprotect(y + 3 * PAGE, 3 * PAGE, PROT_READ));

	/* ---- madvise DONTFORK over [u u][s s] (uw, sr) ----
	 *   DONTFORK is a discard for sealed read-only anon: the unsealed
	 *   half gets VM_DONTCOPY ("dc"), then EPERM
	 */
	char *z = unsealed_then_sealed(4, 2, /* ro = */ true);
	step("@ madvise DONTFORK [u u][s s]: dc on u, then EPERM");
	FAILS(EPERM, madvise(z, 4 * PAGE, MADV_DONTFORK));
	CHECK(vma_at(z, &v) && v.dontcopy && v.end == (uintptr_t)(z + 2 * PAGE));
	CHECK(vma_at(z + 2 * PAGE, &v) && !v.dontcopy && v.sealed);
	step("@ madvise DONTNEED [u u][s s]: EPERM at the sealed half");
	FAILS(EPERM, madvise(z, 4 * PAGE, MADV_DONTNEED));
	step("@ madvise DONTNEED [s s][u u] all rw: 0 (writable)");
	char *zw = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	OK(sys_mseal(zw, 2 * PAGE, 0));
	OK(madvise(zw, 4 * PAGE, MADV_DONTNEED));

	/* ---- munmap from inside [u u u][s s s] ----
	 *   munmap(W+1, 5 pages): W is split at page 1, then the sealed VMA
	 *   refuses; the split stays:  [u][u u][s s s]
	 */
	char *w = unsealed_then_sealed(6, 3, /* ro = */ false);
	step("@ munmap [u u u][s s s] from page 1: EPERM, split stays");
	FAILS(EPERM, munmap(w + PAGE, 5 * PAGE));
	CHECK(vma_at(w + PAGE, &v) && v.start == (uintptr_t)(w + PAGE) &&
	      v.end == (uintptr_t)(w + 3 * PAGE) && !v.sealed);
	CHECK(vma_at(w, &v) && v.end == (uintptr_t)(w + PAGE));
	step("@ control: munmap of the unsealed pages: 0");
	OK(munmap(w + PAGE, 2 * PAGE));

	/* ---- mremap shrink whose cut-off tail holds a sealed VMA ----
	 *   mremap(V, 6 pages, 1 page): unmaps [V+1, V+6) -> EPERM
	 */
	char *m = unsealed_then_sealed(6, 3, /* ro = */ false);
	step("@ mremap shrink [u u u][s s s] to 1 page: EPERM");
	FAILS(EPERM, mremap(m, 6 * PAGE, PAGE, 0));
	CHECK(is_mapped(m + 2 * PAGE) && is_sealed(m + 3 * PAGE));
	step("@ control: shrink within the unsealed VMA: 0");
	OK(mremap(m, 3 * PAGE, PAGE, 0));

	/* ---- a trailing hole ----
	 *   [s] hole: mprotect -> EPERM (the seal wins)
	 *   [u] hole: mprotect -> ENOMEM, after changing [u]
	 */
	char *t = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	OK(munmap(t + PAGE, PAGE));
	OK(sys_mseal(t, PAGE, 0));
	step("@ mprotect [s] + hole: EPERM, not ENOMEM");
	FAILS(EPERM, mprotect(t, 2 * PAGE, PROT_READ));
	char *t2 = map_anon(2 * PAGE, PROT_READ | PROT_WRITE);
	OK(munmap(t2 + PAGE, PAGE));
	step("@ control: mprotect [u] + hole: ENOMEM, [u] changed");
	FAILS(ENOMEM, mprotect(t2, 2 * PAGE, PROT_READ));
	CHECK(vma_at(t2, &v) && strcmp(v.perms, "r--p") == 0);

	/* ---- sealing across sealed and unsealed VMAs merges them ----
	 *   [u][s][u u] --mseal all--> [s s s s]
	 */
	char *g = map_anon(4 * PAGE, PROT_READ | PROT_WRITE);
	OK(sys_mseal(g + PAGE, PAGE, 0));
	step("@ mseal [u][s][u u] whole: 0, one sealed VMA");
	OK(sys_mseal(g, 4 * PAGE, 0));
	CHECK(vma_is(g, g, g + 4 * PAGE, "rw-p", true));

	/* ---- still allowed on sealed memory ---- */
	step("@ mlock / munlock of a sealed page: 0");
	OK(mlock(g + PAGE, PAGE));
	OK(munlock(g + PAGE, PAGE));
	CHECK(vma_is(g, g, g + 4 * PAGE, "rw-p", true));

	return corpus_done();
}
