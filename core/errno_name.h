/* errno values by the names strace prints (EPERM, ENOMEM, ...). */
#ifndef MMSIM_CORE_ERRNO_NAME_H
#define MMSIM_CORE_ERRNO_NAME_H

#ifdef __cplusplus
extern "C" {
#endif

/* The name of errno value err ("EPERM"), or NULL for one the model never
 * returns. */
const char *errno_name(int err);

/* The errno value called `name`, or 0. */
int errno_from_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif
