#include "tests/shim_pidns_live.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYSCTL "/proc/sys/vm/memfd_noexec"

static int read_value(void)
{
	char buf[16] = "";
	int fd = open(SYSCTL, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static int64_t write_value(const char *s, size_t len)
{
	int fd = open(SYSCTL, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

int shim_live_memfd_noexec_read_own(void)
{
	return read_value();
}

/* Results go back through shared memory: [rets][afters][status]. */
int shim_live_memfd_noexec_writes(const char *const *inputs, const size_t *lens, size_t n,
				  int64_t *rets, int *afters)
{
	size_t bytes = n * (sizeof(int64_t) + sizeof(int)) + sizeof(int);
	char *shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int64_t *r;
	int *a, *status, wstatus, result;
	pid_t child;

	if (shared == MAP_FAILED)
		return -errno;
	r = (int64_t *)shared;
	a = (int *)(r + n);
	status = a + n;
	*status = -EAGAIN;
	child = fork();
	if (child < 0) {
		munmap(shared, bytes);
		return -EAGAIN;
	}
	if (child == 0) {
		pid_t inner;

		if (unshare(CLONE_NEWPID)) {
			*status = -errno;
			_exit(0);
		}
		inner = fork();
		if (inner == 0) {
			/* pid 1 of the new namespace: only its value is written. */
			if (getpid() != 1)
				_exit(1);
			for (size_t i = 0; i < n; i++) {
				if (write_value("0", 1) != 1)
					_exit(1);
				r[i] = write_value(inputs[i], lens[i]);
				a[i] = read_value();
			}
			*status = 0;
			_exit(0);
		}
		if (inner > 0)
			waitpid(inner, NULL, 0);
		_exit(0);
	}
	waitpid(child, &wstatus, 0);
	result = *status;
	if (!result) {
		memcpy(rets, r, n * sizeof(*r));
		memcpy(afters, a, n * sizeof(*a));
	}
	munmap(shared, bytes);
	return result;
}
