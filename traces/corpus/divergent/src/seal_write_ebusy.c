/* divergent/seal_write_ebusy: the source of a trace that is edited on
 * purpose. A memfd is mapped MAP_SHARED with PROT_WRITE, so F_ADD_SEALS
 * F_SEAL_WRITE is refused with EBUSY. scripts/record-corpus.sh records this
 * program and then edits that fcntl's result to "= 0": a correct replay must
 * report that line. Static, without stdio. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	int fd = memfd_create("busy", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0 || ftruncate(fd, 4096) != 0)
		return 1;
	if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED)
		return 1;
	/* the kernel says EBUSY; the edited trace says 0 */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) != -1 || errno != EBUSY)
		return 1;
	return 0;
}
