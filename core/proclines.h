/* Reading a live /proc/PID/maps or smaps line by line without allocating:
 * the caller lends the buffer, so a process that is comparing its own
 * mappings does not make new ones by calling malloc between reads.
 * Used by conform's live side and by the tests that compare the model's
 * rendering with the kernel's.
 */
#ifndef MMSIM_CORE_PROCLINES_H
#define MMSIM_CORE_PROCLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct proc_lines {
	int fd;
	char *buf;
	size_t cap, len, pos;
	bool eof;
};

/* Open path for reading through buf (cap bytes). 0 or -errno. */
int proc_lines_open(struct proc_lines *lr, const char *path, char *buf, size_t cap);
void proc_lines_close(struct proc_lines *lr);
/* The next line with its newline: 1, 0 at the end, -errno (-E2BIG for a
 * line longer than the buffer). */
int proc_lines_next(struct proc_lines *lr, const char **line, size_t *len);
/* "start-end " at the head of a maps line or an smaps header line; the
 * smaps field lines ("Size:", "VmFlags:") never match. */
bool proc_maps_range(const char *line, size_t len, uint64_t *start, uint64_t *end);

#ifdef __cplusplus
}
#endif

#endif
