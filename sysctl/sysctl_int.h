/* Writing one integer sysctl as the kernel parses it (kernel/sysctl.c:
 * __do_proc_dointvec with proc_get_long, do_proc_dointvec_minmax_conv).
 *
 *   "  0x2 \n"   leading white space skipped, one number in base 0
 *    ^^^^^^^     (0x hex, 0 octal, else decimal), an optional '-',
 *                white space after it; anything else after the digits
 *                is EINVAL; text after the white space is left unread
 *                and the write comes back short.
 */
#ifndef MMSIM_SYSCTL_SYSCTL_INT_H
#define MMSIM_SYSCTL_SYSCTL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome of one write() of buf[0..len) at file position pos. */
struct sysctl_write {
	int64_t ret;      /* what write() returns: bytes taken, or -errno */
	bool stored;      /* a value is to be stored (ret >= 0) */
	int value;        /* that value */
};

/* Parse a write to an int sysctl with bounds [min, max]. `current` is
 * what the handler stores when the write takes no number (a write at a
 * non-zero position is ignored under sysctl_writes_strict = 1 but still
 * counts as a successful write of the old value). */
struct sysctl_write sysctl_write_int(const char *buf, size_t len, uint64_t pos, int min, int max,
				     int current);

#ifdef __cplusplus
}
#endif

#endif
