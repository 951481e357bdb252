/* Live probes of vm.memfd_noexec in a child pid namespace, for the
 * differential tests. Only for tests; never writes the caller's own
 * namespace's value. */
#ifndef MMSIM_TESTS_SHIM_PIDNS_LIVE_H
#define MMSIM_TESTS_SHIM_PIDNS_LIVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* In a new child pid namespace (fork, unshare(CLONE_NEWPID), fork: the
 * grandchild is its pid 1), for each input: write "0", write the input
 * at offset 0 and record write()'s result (bytes or -errno) and the
 * value read back. Returns 0, or -errno when a namespace cannot be made
 * (then the caller skips). */
int shim_live_memfd_noexec_writes(const char *const *inputs, const size_t *lens, size_t n,
				  int64_t *rets, int *afters);

/* The caller's own vm.memfd_noexec, or -1. */
int shim_live_memfd_noexec_read_own(void);

#ifdef __cplusplus
}
#endif

#endif
