/* fuzz_sysctl: the bytes as what write() hands an int sysctl's handler
 * (sysctl/sysctl_int.h: sysctl_write_int), at several lengths, file
 * positions and bounds, as the kernel's proc handler would see them:
 * every prefix up to 64 bytes, the whole input, the page boundary the
 * kernel cuts at (4095/4096 bytes), at position 0 and past it, with the
 * bounds of vm.memfd_noexec ([0..2, 2]) and wider ones. Each call gets a
 * buffer of exactly its length, so AddressSanitizer sees a read past it.
 *
 * Checked, every call:
 *   - the documented contract: an empty write is 0 and stores nothing; a
 *     write at a non-zero position takes every byte and stores the
 *     current value; otherwise -EINVAL storing nothing, or 1..len bytes
 *     taken storing a value within [min, max]
 *   - the kernel's own answer: kernel_write() below transcribes
 *     kernel/sysctl.c (__do_proc_dointvec, proc_skip_spaces,
 *     proc_get_long, strtoul_lenient, do_proc_dointvec_minmax_conv) and
 *     lib/ctype.c's isspace; sysctl_write_int must return what it returns
 *     and store the same value
 * and through pidns_write_memfd_noexec (sysctl/pidns.h), a namespace's
 * stored value stays within [its parent's value, 2].
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "sysctl/pidns.h"
#include "sysctl/sysctl_int.h"

/* ---- the kernel's parse, written from its source, independently ---- */

#define K_PAGE_SIZE 4096
#define K_TMPBUFLEN 22

/* lib/ctype.c: _S is set for \t \n \v \f \r, ' ' and 0xa0 (Latin-1 NBSP). */
static bool k_isspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0xa0;
}

static bool k_isdigit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool k_isxdigit(unsigned char c)
{
	return k_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned char k_tolower(unsigned char c)
{
	return c | 0x20;
}

/* lib/kstrtox.c: _parse_integer_fixup_radix + _parse_integer_limit, as
 * sysctl.c's strtoul_lenient calls them (base 0). -1 on overflow. */
static int k_strtoul_lenient(const char *cp, const char **endp, unsigned long *res)
{
	unsigned base;
	unsigned long long r = 0;
	bool overflow = false;

	if (cp[0] == '0') {
		if (k_tolower((unsigned char)cp[1]) == 'x' && k_isxdigit((unsigned char)cp[2]))
			base = 16;
		else
			base = 8;
	} else {
		base = 10;
	}
	if (base == 16 && cp[0] == '0' && k_tolower((unsigned char)cp[1]) == 'x')
		cp += 2;
	for (;; cp++) {
		unsigned char c = (unsigned char)*cp, lc = k_tolower(c);
		unsigned val;

		if (c >= '0' && c <= '9')
			val = c - '0';
		else if (lc >= 'a' && lc <= 'f')
			val = lc - 'a' + 10;
		else
			break;
		if (val >= base)
			break;
		if (r & (~0ull << 60)) {
			if (r > (ULLONG_MAX - val) / base)
				overflow = true;
		}
		r = r * base + val;
	}
	if (overflow || r != (unsigned long)r)
		return -1;
	*endp = cp;
	*res = (unsigned long)r;
	return 0;
}

static const char k_wspace_sep[] = { ' ', '\t', '\n' };

/* proc_get_long with proc_wspace_sep and no trailing char wanted. */
static int k_get_long(const char **buf, size_t *size, unsigned long *val, bool *neg)
{
	char tmp[K_TMPBUFLEN];
	const char *p;
	size_t len = *size;

	if (len == 0)
		return -EINVAL;
	if (len > K_TMPBUFLEN - 1)
		len = K_TMPBUFLEN - 1;
	memcpy(tmp, *buf, len);
	tmp[len] = 0;
	p = tmp;
	if (*p == '-' && *size > 1) {
		*neg = true;
		p++;
	} else {
		*neg = false;
	}
	if (!k_isdigit((unsigned char)*p))
		return -EINVAL;
	if (k_strtoul_lenient(p, &p, val))
		return -EINVAL;
	len = (size_t)(p - tmp);
	if (len == K_TMPBUFLEN - 1)
		return -EINVAL;
	if (len < *size && !memchr(k_wspace_sep, *p, sizeof(k_wspace_sep)))
		return -EINVAL;
	*buf += len;
	*size -= len;
	return 0;
}

static void k_skip_spaces(const char **buf, size_t *size)
{
	while (*size && k_isspace((unsigned char)**buf)) {
		(*size)--;
		(*buf)++;
	}
}

/* proc_dointvec_minmax on one int, write, sysctl_writes_strict = 1 (as
 * proc_sys_call_handler calls it: *lenp is write()'s count, and write()
 * returns what the handler leaves in it). */
static struct sysctl_write kernel_write(const char *buffer, size_t count, uint64_t pos, int min,
					int max, int current)
{
	struct sysctl_write w = { .ret = 0, .stored = false, .value = current };
	size_t lenp = count, left = count;
	const char *p = buffer;
	bool first = true, neg = false;
	int err = 0, value = current;

	if (!lenp)
		return w;
	if (pos) {                       /* proc_first_pos_non_zero_ignore */
		w.ret = (int64_t)lenp;
		w.stored = true;
		return w;
	}
	if (left > K_PAGE_SIZE - 1)
		left = K_PAGE_SIZE - 1;
	if (left) {                      /* the loop, for the one int */
		unsigned long lval;

		k_skip_spaces(&p, &left);
		if (left) {
			err = k_get_long(&p, &left, &lval, &neg);
			if (!err) {
				/* do_proc_dointvec_conv, then the bounds */
				if ((neg && lval > (unsigned long)INT_MAX + 1) ||
				    (!neg && lval > (unsigned long)INT_MAX)) {
					err = -EINVAL;
				} else {
					long v = neg ? -(long)lval : (long)lval;

					if (v < min || v > max)
						err = -EINVAL;
					else
						value = (int)v;
				}
			}
			if (!err)
				first = false;
		}
	}
	if (!err && left)
		k_skip_spaces(&p, &left);
	if (first) {
		w.ret = err ? err : -EINVAL;
		return w;
	}
	lenp -= left;
	w.ret = (int64_t)lenp;
	w.stored = true;
	w.value = value;
	return w;
}

/* ---- the target ---- */

static const struct { int min, max, current; } kBounds[] = {
	{ 0, 2, 0 }, { 1, 2, 1 }, { 2, 2, 2 }, { 0, 2, 2 }, { INT_MIN, INT_MAX, 7 }, { -5, 5, -3 },
};

static void show(const char *buf, size_t len)
{
	fputc('"', stderr);
	for (size_t i = 0; i < len && i < 80; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "%s\" (%zu bytes)", len > 80 ? "..." : "", len);
}

static void one(const uint8_t *data, size_t len, uint64_t pos, int min, int max, int current)
{
	/* exactly len bytes: a read past them is AddressSanitizer's */
	char *buf = malloc(len ? len : 1);
	struct sysctl_write got, want;

	if (!buf)
		return;
	if (len)
		memcpy(buf, data, len);
	got = sysctl_write_int(buf, len, pos, min, max, current);
	want = kernel_write(buf, len, pos, min, max, current);
	if (len == 0) {
		FUZZ_CHECK(got.ret == 0 && !got.stored, "an empty write returned %" PRId64 ", stored %d",
			   got.ret, got.stored);
	} else if (pos != 0) {
		FUZZ_CHECK(got.ret == (int64_t)len && got.stored && got.value == current,
			   "a write at %" PRIu64 " returned %" PRId64 ", stored %d, value %d", pos,
			   got.ret, got.stored, got.value);
	} else if (got.ret < 0) {
		FUZZ_CHECK(got.ret == -EINVAL && !got.stored, "returned %" PRId64 ", stored %d",
			   got.ret, got.stored);
	} else {
		FUZZ_CHECK(got.ret > 0 && got.ret <= (int64_t)len && got.stored && got.value >= min &&
			   got.value <= max, "returned %" PRId64 " of %zu bytes, stored %d, value %d in [%d, %d]",
			   got.ret, len, got.stored, got.value, min, max);
	}
	if (got.ret != want.ret || got.stored != want.stored || (got.stored && got.value != want.value)) {
		fprintf(stderr, "sysctl_write_int(");
		show(buf, len);
		fprintf(stderr, ", pos %" PRIu64 ", [%d, %d], current %d): returned %" PRId64
			", stored %d, value %d; the kernel returns %" PRId64 ", stored %d, value %d\n",
			pos, min, max, current, got.ret, got.stored, got.value, want.ret, want.stored,
			want.value);
		abort();
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t lens[64 + 4], nlens = 0;

	for (size_t n = 0; n <= size && n <= 64; n++)
		lens[nlens++] = n;
	if (size > 64)
		lens[nlens++] = size;
	for (size_t n = K_PAGE_SIZE - 1; n <= K_PAGE_SIZE; n++)
		if (size > n && n > 64)
			lens[nlens++] = n;
	for (size_t i = 0; i < nlens; i++)
		for (size_t b = 0; b < sizeof(kBounds) / sizeof(kBounds[0]); b++)
			one(data, lens[i], 0, kBounds[b].min, kBounds[b].max, kBounds[b].current);
	one(data, size, 1, 0, 2, 1);
	one(data, size, (uint64_t)size + 4096, 0, 2, 2);

	/* Through the namespace: the parent at size % 3, its child written. */
	{
		struct pidns *root = pidns_new_root(), *parent = NULL, *child = NULL;
		int floor = (int)(size % 3);

		if (root)
			parent = pidns_new_child(root);
		if (parent && pidns_set_memfd_noexec(parent, floor, true) == 0)
			child = pidns_new_child(parent);
		if (child) {
			int before = pidns_memfd_noexec(child);
			int64_t ret = pidns_write_memfd_noexec(child, (const char *)data, size, 0, true);
			struct sysctl_write w = sysctl_write_int((const char *)data, size, 0, floor, 2, before);

			FUZZ_CHECK(ret == w.ret, "pidns_write_memfd_noexec %" PRId64 ", sysctl_write_int %" PRId64,
				   ret, w.ret);
			FUZZ_CHECK(child->memfd_noexec >= floor && child->memfd_noexec <= 2,
				   "stored %d under a parent at %d", child->memfd_noexec, floor);
			FUZZ_CHECK(pidns_memfd_noexec(child) == (w.ret >= 0 && w.stored ? w.value : before),
				   "value %d after a write returning %" PRId64, pidns_memfd_noexec(child), ret);
			FUZZ_CHECK(pidns_write_memfd_noexec(child, (const char *)data, size, 0, false) == -EPERM,
				   "a write without CAP_SYS_ADMIN was not EPERM");
		}
		if (child)
			pidns_put(child);
		if (parent)
			pidns_put(parent);
		if (root)
			pidns_put(root);
	}
	return 0;
}
