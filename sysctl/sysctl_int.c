#include "sysctl/sysctl_int.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

/* proc_get_long copies at most this many characters less one: a number
 * that fills them might continue, so it is refused. */
#define NUMBER_BUF 22
/* The kernel copies at most a page less one from the user. */
#define WRITE_MAX (4096 - 1)

/* isspace() of the kernel's lib/ctype.c: 0xa0 (Latin-1 no-break space)
 * is white space there too (found by fuzz_sysctl; the live kernel took
 * "\xa01" as 1). */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
	       (unsigned char)c == 0xa0;
}

/* The separators a number may be followed by (proc_wspace_sep); the
 * white space skipped before and after it is isspace's, a wider set. */
static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* lib/kstrtox.c with base 0: "0x" hex, "0" octal, else decimal; digits
 * until the first that does not fit. Returns the characters used, or -1
 * on overflow of an unsigned long. */
static int parse_base0(const char *s, size_t n, unsigned long *val)
{
	unsigned base = 10;
	size_t i = 0;
	unsigned long v = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && n > 2 && digit_value(s[2]) < 16) {
		base = 16;
		i = 2;
	} else if (n >= 1 && s[0] == '0') {
		base = 8;
	}
	for (; i < n && digit_value(s[i]) < (int)base; i++) {
		unsigned d = (unsigned)digit_value(s[i]);

		if (v > (ULONG_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*val = v;
	return (int)i;
}

struct sysctl_write sysctl_write_int(const char *buf, size_t len, uint64_t pos, int min, int max,
				     int current)
{
	struct sysctl_write w = { .ret = (int64_t)len, .stored = true, .value = current };
	char tmp[NUMBER_BUF];
	size_t left = len > WRITE_MAX ? WRITE_MAX : len, off = 0, n;
	unsigned long val;
	bool neg = false;
	int used;

	if (len == 0) {           /* nothing to do, nothing stored */
		w.ret = 0;
		w.stored = false;
		return w;
	}
	if (pos != 0)             /* proc_first_pos_non_zero_ignore */
		return w;
	while (off < left && is_space(buf[off]))
		off++;
	if (off == left)
		goto invalid;
	/* proc_get_long works on a copy of at most NUMBER_BUF - 1 chars. */
	n = left - off < NUMBER_BUF - 1 ? left - off : NUMBER_BUF - 1;
	memcpy(tmp, buf + off, n);
	tmp[n] = '\0';
	{
		size_t p = 0;

		if (tmp[0] == '-' && left - off > 1) {
			neg = true;
			p = 1;
		}
		if (p >= n || tmp[p] < '0' || tmp[p] > '9')
			goto invalid;
		used = parse_base0(tmp + p, n - p, &val);
		if (used < 0)
			goto invalid;
		p += (size_t)used;
		if (p == NUMBER_BUF - 1)
			goto invalid;
		if (p < left - off && !is_separator(tmp[p]))   /* a NUL is none either */
			goto invalid;
		off += p;
	}
	/* do_proc_dointvec_conv, then the minmax bounds. */
	if ((!neg && val > (unsigned long)INT_MAX) || (neg && val > (unsigned long)INT_MAX + 1))
		goto invalid;
	{
		long v = neg ? -(long)val : (long)val;

		if (v < min || v > max)
			goto invalid;
		w.value = (int)v;
	}
	/* White space after the number is taken too; anything after that
	 * is left, and write() returns short. */
	while (off < left && is_space(buf[off]))
		off++;
	/* What was not taken of the first page is what is short: a write
	 * longer than a page counts the rest as written (kernel/sysctl.c:
	 * proc_dointvec's *lenp -= left; "1" and 4095 spaces: 4096). */
	w.ret = (int64_t)(len - (left - off));
	return w;
invalid:
	w.ret = -EINVAL;
	w.stored = false;
	return w;
}
