/* Digits as strace prints numbers: the reader (traces/reader.c), the
 * argument decoder (traces/args.c) and the name tables (traces/names.c)
 * share these, one copy each.
 *
 *   trace_hex_digit(c)        0-15, or -1: one table load, no branch on
 *                             whether c is a digit or a letter (addresses
 *                             mix both, so such a branch guesses wrong
 *                             about every other byte)
 *   trace_skip_digits(p, e)   past the decimal digits at p, eight bytes a
 *                             step
 */
#ifndef MMSIM_TRACES_DIGITS_H
#define MMSIM_TRACES_DIGITS_H

#include <stdint.h>
#include <string.h>

/* value + 1 of each hex digit byte, 0 for all others */
extern const uint8_t trace_hex_table[256];

static inline int trace_hex_digit(char c)
{
	return (int)trace_hex_table[(unsigned char)c] - 1;
}

static inline int trace_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A byte is a digit when its high nibble is 3 and its low one below 10.
 * In x ^ "00000000", digits are the bytes 0-9, and b + 6 reaches 0x10
 * exactly for the other bytes whose high nibble is 0. Carries run only
 * towards later bytes, so the first non-digit is always seen. */
static inline const char *trace_skip_digits(const char *p, const char *end)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t x, stop;

	for (; end - p >= 8; p += 8) {
		memcpy(&x, p, 8);
		x ^= ones * '0';
		stop = (x | (x + ones * 6)) & (ones * 0xf0);
		if (stop) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return p + __builtin_ctzll(stop) / 8;
#else
			break;
#endif
		}
	}
	while (p < end && trace_is_digit(*p))
		p++;
	return p;
}

#endif
