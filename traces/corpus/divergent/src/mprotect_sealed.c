/* divergent/mprotect_sealed: the source of a trace that is edited on purpose.
 * Two pages are mapped and sealed; mprotect of the first page is refused
 * with EPERM. scripts/record-corpus.sh records this program and then edits
 * that mprotect's result to "= 0": a correct replay must report that line.
 * Static, without stdio, so the recording is a handful of lines. */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	char *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || syscall(462, p, 2 * 4096, 0) != 0)
		return 1;
	/* the kernel says EPERM; the edited trace says 0 */
	if (mprotect(p, 4096, PROT_READ) != -1 || errno != EPERM)
		return 1;
	return 0;
}
