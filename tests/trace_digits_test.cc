// The digit helpers the reader, the decoder and the name tables share
// (traces/digits.h), against byte-at-a-time references over every byte
// value at every position of a run, and runs crossing the 8-byte steps.

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "traces/digits.h"

namespace {

const char *SkipDigitsByByte(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

int HexByByte(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

TEST(TraceDigits, HexDigitOfEveryByte)
{
	for (int c = 0; c < 256; c++)
		EXPECT_EQ(trace_hex_digit((char)c), HexByByte(c)) << c;
}

// A run of k digits, then one byte of every value: where the run ends.
// The bytes next to '0'-'9' (/ : ; < = > ?, and 0x30+ with bit 7) are
// the ones a nibble test could mistake.
TEST(TraceDigits, SkipDigitsStopsAtEveryNonDigit)
{
	for (int k = 0; k <= 24; k++)
		for (int c = 0; c < 256; c++) {
			std::string s(k, '7');

			s += (char)c;
			s += "12345678";    // more digits after the stop must not count
			const char *b = s.data(), *e = b + s.size();

			ASSERT_EQ(trace_skip_digits(b, e) - b, SkipDigitsByByte(b, e) - b) << k << " " << c;
		}
}

TEST(TraceDigits, SkipDigitsAtTheEnd)
{
	std::string s = "12345678901234567890";

	for (size_t from = 0; from <= s.size(); from++)
		for (size_t to = from; to <= s.size(); to++)
			EXPECT_EQ(trace_skip_digits(s.data() + from, s.data() + to), s.data() + to) << from << " " << to;
}

TEST(TraceDigits, SkipDigitsOnRandomText)
{
	std::mt19937 rng(7);
	const char alphabet[] = "0123456789/:.x \x80\xb0\xb9\xff";

	for (int i = 0; i < 20000; i++) {
		std::string s(rng() % 40, ' ');

		for (char &ch : s)
			ch = rng() % 2 ? (char)('0' + rng() % 10) : alphabet[rng() % (sizeof(alphabet) - 1)];
		for (size_t from = 0; from <= s.size(); from += 3) {
			const char *b = s.data() + from, *e = s.data() + s.size();

			ASSERT_EQ(trace_skip_digits(b, e), SkipDigitsByByte(b, e)) << s;
		}
	}
}

}  // namespace
