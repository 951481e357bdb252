/* Every allocation the model makes (VMAs, store nodes, mms, tasks, fd
 * tables, inodes, guard lists, pid namespaces) goes through here, so that
 * tests can make any one of them fail, as the kernel's tools/testing/vma
 * does, and check that the call then fails cleanly (-ENOMEM) and leaves a
 * state mm_check() accepts.
 *
 *   core_alloc_fail_nth(3);   the third model allocation from now fails
 *   ...call...                (once; later ones succeed again)
 *   core_alloc_failed()       whether it came to that
 *
 * Output helpers (maps text, digests) allocate with malloc directly: they
 * are not model state. The counters are per thread.
 */
#ifndef MMSIM_CORE_ALLOC_H
#define MMSIM_CORE_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void *core_alloc(size_t size);
void *core_zalloc(size_t n, size_t size);
void *core_realloc(void *p, size_t size);
char *core_strdup(const char *s);

/* Fail the nth model allocation from now (1: the next one); 0 disarms. */
void core_alloc_fail_nth(uint64_t nth);
/* Whether the armed failure happened (reset by core_alloc_fail_nth). */
bool core_alloc_failed(void);

#ifdef __cplusplus
}
#endif

#endif
