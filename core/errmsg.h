/* Reporting a failed check as words: the checkers (store_check, mm_check)
 * return -1 and describe the first violation in a caller's buffer. */
#ifndef MMSIM_CORE_ERRMSG_H
#define MMSIM_CORE_ERRMSG_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Format into err (if it is not NULL) and return -1. */
int errmsg(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#ifdef __cplusplus
}
#endif

#endif
