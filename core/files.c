#include "core/files.h"
#include "core/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define O_CLOEXEC_FLAG 02000000      /* O_CLOEXEC on x86_64 */
#define CLOSE_RANGE_UNSHARE_FLAG (1u << 1)
#define CLOSE_RANGE_CLOEXEC_FLAG (1u << 2)

struct files *files_new(unsigned max_fds)
{
	struct files *files = core_zalloc(1, sizeof(*files));

	if (!files)
		return NULL;
	files->refs = 1;
	files->max_fds = max_fds;
	return files;
}

struct files *files_copy(const struct files *from)
{
	struct files *files = files_new(from->max_fds);

	if (!files)
		return NULL;
	if (from->nslots) {
		files->slot = core_zalloc(from->nslots, sizeof(*files->slot));
		if (!files->slot) {
			free(files);
			return NULL;
		}
		files->nslots = from->nslots;
		for (size_t i = 0; i < from->nslots; i++) {
			files->slot[i] = from->slot[i];
			if (files->slot[i].file)
				file_get(files->slot[i].file);
		}
	}
	return files;
}

int files_unshare(struct files **files)
{
	struct files *copy;

	if ((*files)->refs == 1)
		return 0;
	copy = files_copy(*files);
	if (!copy)
		return -ENOMEM;
	files_put(*files);
	*files = copy;
	return 0;
}

void files_get(struct files *files)
{
	files->refs++;
}

void files_put(struct files *files)
{
	if (!files || --files->refs)
		return;
	for (size_t i = 0; i < files->nslots; i++)
		file_put(files->slot[i].file);
	free(files->slot);
	free(files);
}

struct file *files_lookup(const struct files *files, int64_t fd)
{
	if (fd < 0 || (uint64_t)fd >= files->nslots)
		return NULL;
	return files->slot[fd].file;
}

bool files_cloexec(const struct files *files, int64_t fd)
{
	return files_lookup(files, fd) && files->slot[fd].cloexec;
}

static int grow(struct files *files, size_t need)
{
	size_t n = files->nslots ? files->nslots : 16;
	struct fd_slot *slot;

	while (n < need)
		n *= 2;
	if (n <= files->nslots)
		return 0;
	slot = core_realloc(files->slot, n * sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	memset(slot + files->nslots, 0, (n - files->nslots) * sizeof(*slot));
	files->slot = slot;
	files->nslots = n;
	return 0;
}

/* Put file at fd (free or not), closing what was there. */
static int64_t place(struct files *files, struct file *file, int64_t fd, bool cloexec)
{
	struct file *old;

	if (grow(files, (size_t)fd + 1))
		return -ENOMEM;
	old = files->slot[fd].file;
	file_get(file);
	files->slot[fd].file = file;
	files->slot[fd].cloexec = cloexec;
	file_put(old);
	return fd;
}

int64_t files_install(struct files *files, struct file *file, bool cloexec, uint64_t floor)
{
	for (uint64_t fd = floor; fd < files->max_fds; fd++)
		if (!files_lookup(files, (int64_t)fd))
			return place(files, file, (int64_t)fd, cloexec);
	return -EMFILE;
}

int64_t files_close(struct files *files, int64_t fd)
{
	struct file *file = files_lookup(files, fd);

	if (!file)
		return -EBADF;
	files->slot[fd].file = NULL;
	files->slot[fd].cloexec = false;
	file_put(file);
	return 0;
}

int64_t files_dup(struct files *files, int64_t oldfd)
{
	struct file *file = files_lookup(files, oldfd);

	if (!file)
		return -EBADF;
	return files_install(files, file, false, 0);
}

/* fs/file.c: ksys_dup3: flags, then the same fd, then newfd's limit,
 * then oldfd. */
int64_t files_dup3(struct files *files, int64_t oldfd, int64_t newfd, uint64_t flags)
{
	struct file *file;

	if (flags & ~(uint64_t)O_CLOEXEC_FLAG)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	if (newfd < 0 || (uint64_t)newfd >= files->max_fds)
		return -EBADF;
	file = files_lookup(files, oldfd);
	if (!file)
		return -EBADF;
	return place(files, file, newfd, flags & O_CLOEXEC_FLAG);
}

/* dup2 to itself only checks that the fd is open (fs/file.c: dup2). */
int64_t files_dup2(struct files *files, int64_t oldfd, int64_t newfd)
{
	if (oldfd == newfd)
		return files_lookup(files, oldfd) ? oldfd : -EBADF;
	return files_dup3(files, oldfd, newfd, 0);
}

/* fs/fcntl.c: f_dupfd: a floor at or above the limit is EINVAL. */
int64_t files_dupfd(struct files *files, int64_t oldfd, int64_t floor, bool cloexec)
{
	struct file *file = files_lookup(files, oldfd);

	if (!file)
		return -EBADF;
	if (floor < 0 || (uint64_t)floor >= files->max_fds)
		return -EINVAL;
	return files_install(files, file, cloexec, (uint64_t)floor);
}

int64_t files_close_range(struct files *files, uint64_t first, uint64_t last, uint64_t flags)
{
	if (flags & ~(uint64_t)(CLOSE_RANGE_UNSHARE_FLAG | CLOSE_RANGE_CLOEXEC_FLAG))
		return -EINVAL;
	if (first > last)
		return -EINVAL;
	for (uint64_t fd = first; fd <= last && fd < files->nslots; fd++) {
		if (!files->slot[fd].file)
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC_FLAG)
			files->slot[fd].cloexec = true;
		else
			files_close(files, (int64_t)fd);
	}
	return 0;
}

int64_t files_set_cloexec(struct files *files, int64_t fd, bool cloexec)
{
	if (!files_lookup(files, fd))
		return -EBADF;
	files->slot[fd].cloexec = cloexec;
	return 0;
}

void files_close_on_exec(struct files *files)
{
	for (size_t fd = 0; fd < files->nslots; fd++)
		if (files->slot[fd].file && files->slot[fd].cloexec)
			files_close(files, (int64_t)fd);
}
