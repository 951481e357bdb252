#include "core/proclines.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int proc_lines_open(struct proc_lines *lr, const char *path, char *buf, size_t cap)
{
	lr->fd = open(path, O_RDONLY | O_CLOEXEC);
	lr->buf = buf;
	lr->cap = cap;
	lr->len = lr->pos = 0;
	lr->eof = false;
	return lr->fd < 0 ? -errno : 0;
}

void proc_lines_close(struct proc_lines *lr)
{
	if (lr->fd >= 0)
		close(lr->fd);
	lr->fd = -1;
}

/* The next line with its newline: 1, 0 at the end, -errno. */
int proc_lines_next(struct proc_lines *lr, const char **line, size_t *len)
{
	for (;;) {
		char *nl = memchr(lr->buf + lr->pos, '\n', lr->len - lr->pos);

		if (nl) {
			*line = lr->buf + lr->pos;
			*len = (size_t)(nl + 1 - *line);
			lr->pos += *len;
			return 1;
		}
		if (lr->eof) {
			if (lr->pos == lr->len)
				return 0;
			*line = lr->buf + lr->pos;
			*len = lr->len - lr->pos;
			lr->pos = lr->len;
			return 1;
		}
		memmove(lr->buf, lr->buf + lr->pos, lr->len - lr->pos);
		lr->len -= lr->pos;
		lr->pos = 0;
		if (lr->len == lr->cap)
			return -E2BIG;
		ssize_t n = read(lr->fd, lr->buf + lr->len, lr->cap - lr->len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			lr->eof = true;
		lr->len += (size_t)n;
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool proc_maps_range(const char *line, size_t len, uint64_t *start, uint64_t *end)
{
	size_t i = 0;
	uint64_t v[2] = { 0, 0 };

	for (int k = 0; k < 2; k++) {
		size_t digits = 0;

		while (i < len && hexval(line[i]) >= 0 && digits < 16) {
			v[k] = (v[k] << 4) | (uint64_t)hexval(line[i]);
			i++;
			digits++;
		}
		if (digits == 0 || i >= len || line[i] != (k == 0 ? '-' : ' '))
			return false;
		i++;
	}
	*start = v[0];
	*end = v[1];
	return true;
}

