/* What the fuzz targets share (fuzz/README.md).
 *
 *   libFuzzer ──bytes──> LLVMFuzzerTestOneInput ──> reader / replay / sysctl
 *   fuzz/driver.c ─files─┘   (the plain driver: no libFuzzer, any compiler)
 *
 * A target checks what the library promises and calls abort() (through
 * FUZZ_CHECK, with the condition and a message on stderr) when it does
 * not hold: libFuzzer keeps the input as a crash, the plain driver dies.
 */
#ifndef MMSIM_FUZZ_FUZZ_H
#define MMSIM_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                              \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* The bytes as a read-only stream (fmemopen refuses an empty buffer on
 * some C libraries: /dev/null stands in for it). NULL when out of memory. */
static inline FILE *fuzz_open(const uint8_t *data, size_t size)
{
	if (!size)
		return fopen("/dev/null", "r");
	return fmemopen((void *)(uintptr_t)data, size, "r");
}

#endif
