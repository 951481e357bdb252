/* Decoding strace's argument text (traces/args.h).
 *
 * One lexer serves every decoder. Strings, comments and annotations are
 * skipped whole, so a ',' '<' or ')' inside them never counts:
 *
 *   "a,b\"c"                         a string: '\' escapes the next byte
 *   C comments                        nested under -X verbose
 *   3</memfd:a,b>                     -y: names escape '<' '>' '\', so a raw '>' closes
 *   5</dev/null<char 1:3>>            -yy: details nest in '<' '>'
 *   6<TCP:[1.2.3.4:5->6.7.8.9:10]>    -yy: "->" inside "TYPE:[...]" is text
 *   21<<MAP_HUGE_SHIFT                "<<" is a shift, not an annotation
 *
 * Texts are not NUL-terminated: every read is bounded by the length.
 * Nothing allocates; the cost is one pass over the text.
 */
#include "traces/args.h"
#include "traces/digits.h"

#include <string.h>

/* Brackets nesting within one argument: strace's deepest (a struct in an
 * array in a struct) stays far below this. */
#define MAX_DEPTH 32

static struct trace_text text_of(const char *s, size_t len)
{
	struct trace_text t = { s, len };

	return t;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

static bool ident_start(char c)
{
	return is_lower(c) || (c >= 'A' && c <= 'Z');
}

static bool ident_char(char c)
{
	return ident_start(c) || is_digit(c);
}

static struct trace_text trim(struct trace_text t)
{
	while (t.len && is_space(t.s[0])) {
		t.s++;
		t.len--;
	}
	while (t.len && is_space(t.s[t.len - 1]))
		t.len--;
	return t;
}

/* Whether s[i..] starts with `word` (a C string) not followed by more of
 * an identifier: "NULL" but not "NULLX". */
static bool has_word(const char *s, size_t len, size_t i, const char *word)
{
	size_t n;

	/* most texts are numbers: the first byte settles it */
	if (i >= len || s[i] != word[0])
		return false;
	n = strlen(word);
	if (len - i < n || memcmp(s + i, word, n))
		return false;
	return i + n == len || !ident_char(s[i + n]);
}

/* Whether s[0..len) is `word`. */
static bool same_word(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(s, word, len);
}

/* The value past a "name=" prefix: strace names clone's and -N's
 * arguments and struct fields that way, in lower case; constants are
 * upper case, so a value never looks like one. */
static struct trace_text strip_name(struct trace_text t)
{
	size_t i = 0;

	if (!t.len || !is_lower(t.s[0]))
		return t;
	while (i < t.len && (is_lower(t.s[i]) || is_digit(t.s[i])))
		i++;
	if (i < t.len && t.s[i] == '=')
		return trim(text_of(t.s + i + 1, t.len - i - 1));
	return t;
}

/* Past the string opening at s[*i] == '"'. */
static bool skip_string(const char *s, size_t len, size_t *i)
{
	for (size_t j = *i + 1; j < len; j++) {
		if (s[j] == '\\') {
			j++;
		} else if (s[j] == '"') {
			*i = j + 1;
			return true;
		}
	}
	return false;
}

/* Past the C comment opening at s[*i]. -X verbose nests them: the
 * number, then a comment holding the abbreviated form with its own
 * comments ("0x8" plus "MAP_???", OR-ed with MAP_ANONYMOUS). */
static bool skip_comment(const char *s, size_t len, size_t *i)
{
	unsigned depth = 1;

	for (size_t j = *i + 2; j + 1 < len; j++) {
		if (s[j] == '/' && s[j + 1] == '*') {
			depth++;
			j++;
		} else if (s[j] == '*' && s[j + 1] == '/') {
			j++;
			if (!--depth) {
				*i = j + 1;
				return true;
			}
		}
	}
	return false;
}

/* Past the annotation opening at s[*i] == '<' (see the top of the file).
 * '[' counts only after ':' ("pipe:[123]", "TCPv6:[[::1]:5->[::1]:6]"),
 * since a -y path may hold a lone '[' unescaped. */
static bool skip_annotation(const char *s, size_t len, size_t *i)
{
	unsigned depth = 0, brackets = 0;

	for (size_t j = *i; j < len; j++) {
		switch (s[j]) {
		case '\\':
			j++;
			break;
		case '<':
			depth++;
			break;
		case '[':
			if (brackets || s[j - 1] == ':')
				brackets++;
			break;
		case ']':
			if (brackets)
				brackets--;
			break;
		case '>':
			if (brackets && s[j - 1] == '-')
				break;
			if (!--depth) {
				*i = j + 1;
				return true;
			}
			break;
		}
	}
	return false;
}

/* Past spaces and comments from s[*i]. */
static bool skip_comments(const char *s, size_t len, size_t *i)
{
	size_t j = *i;

	for (;;) {
		while (j < len && is_space(s[j]))
			j++;
		if (j + 1 < len && s[j] == '/' && s[j + 1] == '*') {
			if (!skip_comment(s, len, &j))
				return false;
			continue;
		}
		*i = j;
		return true;
	}
}

static char closer_of(char c)
{
	return c == '(' ? ')' : c == '[' ? ']' : '}';
}

/* From s[*pos], to where the argument (or struct field) ends: the ',' or
 * the unmatched ')' ']' '}' at depth 0, or len. false when something
 * opened is not closed, or closed by the wrong bracket. */
static bool scan_arg(const char *s, size_t len, size_t *pos)
{
	char want[MAX_DEPTH];
	size_t depth = 0, i = *pos;

	while (i < len) {
		switch (s[i]) {
		case '"':
			if (!skip_string(s, len, &i))
				return false;
			continue;
		case '/':
			if (i + 1 < len && s[i + 1] == '*') {
				if (!skip_comment(s, len, &i))
					return false;
				continue;
			}
			break;
		case '<':
			if (i + 1 < len && s[i + 1] == '<') {
				i += 2;
				continue;
			}
			if (!skip_annotation(s, len, &i))
				return false;
			continue;
		case '(':
		case '[':
		case '{':
			if (depth == MAX_DEPTH)
				return false;
			want[depth++] = closer_of(s[i]);
			break;
		case ')':
		case ']':
		case '}':
			if (!depth) {
				*pos = i;
				return true;
			}
			if (want[--depth] != s[i])
				return false;
			break;
		case ',':
			if (!depth) {
				*pos = i;
				return true;
			}
			break;
		}
		i++;
	}
	*pos = i;
	return !depth;
}

int trace_args_split(struct trace_text args, struct trace_args *out)
{
	struct trace_text all = trim(args);
	size_t i = 0;

	out->n = 0;
	if (!all.len)
		return 0;
	for (;;) {
		size_t end = i;
		struct trace_text piece;

		if (!scan_arg(all.s, all.len, &end) || (end < all.len && all.s[end] != ','))
			goto malformed;
		piece = trim(text_of(all.s + i, end - i));
		/* an empty argument: ", ," or a leading ',' */
		if (!piece.len || out->n == TRACE_MAX_ARGS)
			goto malformed;
		out->arg[out->n++] = piece;
		/* the end, or the ", " a call cut off ends with (all is trimmed) */
		if (end + 1 >= all.len)
			return 0;
		i = end + 1;
	}
malformed:
	out->n = 0;
	return -1;
}

int trace_args_split_at(struct trace_text args, const uint32_t *comma, size_t ncommas,
			struct trace_args *out)
{
	struct trace_text all = trim(args);
	size_t off = (size_t)(all.s - args.s), i = 0;

	out->n = 0;
	if (!all.len)
		return 0;
	for (size_t k = 0;; k++) {
		size_t end = k < ncommas ? comma[k] - off : all.len;
		struct trace_text piece = trim(text_of(all.s + i, end - i));

		if (!piece.len || out->n == TRACE_MAX_ARGS) {
			out->n = 0;
			return -1;
		}
		out->arg[out->n++] = piece;
		if (end + 1 >= all.len)
			return 0;
		i = end + 1;
	}
}

/* The value of t when it is "name=value". */
static bool named_value(struct trace_text t, const char *name, size_t nlen, struct trace_text *out)
{
	if (t.len <= nlen || memcmp(t.s, name, nlen) || t.s[nlen] != '=')
		return false;
	*out = trim(text_of(t.s + nlen + 1, t.len - nlen - 1));
	return true;
}

int trace_arg_named(const struct trace_args *a, const char *name, struct trace_text *out)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < a->n; i++)
		if (named_value(a->arg[i], name, nlen, out))
			return 0;
	return -1;
}

int trace_struct_field(struct trace_text strct, const char *name, struct trace_text *out)
{
	struct trace_text t = strip_name(trim(strct));
	size_t nlen = strlen(name), i = 1;

	if (!t.len || t.s[0] != '{')
		return -1;
	/* fields up to the '}' of the first struct: an " => {...}" after it
	 * is what the kernel wrote back */
	for (;;) {
		size_t end = i;

		if (!scan_arg(t.s, t.len, &end) || end == t.len)
			return -1;
		if (named_value(trim(text_of(t.s + i, end - i)), name, nlen, out))
			return 0;
		if (t.s[end] != ',')
			return -1;
		i = end + 1;
	}
}

/* The number at s[*i]: decimal, 0x hex, or octal with a leading 0 (strace
 * prints modes so: 0755); "-N" is its 64-bit two's complement. false
 * when there are no digits, more follow as an identifier, or the value
 * needs more than 64 bits. */
static bool parse_number(const char *s, size_t len, size_t *i, uint64_t *v)
{
	size_t j = *i;
	unsigned base = 10;
	uint64_t n = 0;
	bool neg = j < len && s[j] == '-';

	j += neg;
	if (j >= len || !is_digit(s[j]))
		return false;
	if (s[j] == '0' && j + 1 < len && (s[j + 1] == 'x' || s[j + 1] == 'X')) {
		base = 16;
		j += 2;
		if (j >= len || trace_hex_digit(s[j]) < 0)
			return false;
	} else if (s[j] == '0' && j + 1 < len && s[j + 1] >= '0' && s[j + 1] <= '7') {
		base = 8;
	}
	if (base == 10) {
		/* the common case, without the hex table; 19 digits
		 * stay below 10^19 < 2^64, so only a 20th needs checking */
		size_t safe = len - j > 19 ? j + 19 : len;

		for (; j < safe && is_digit(s[j]); j++)
			n = n * 10 + (unsigned)(s[j] - '0');
		for (; j < len && is_digit(s[j]); j++) {
			unsigned d = (unsigned)(s[j] - '0');

			if (n > UINT64_MAX / 10 || (n == UINT64_MAX / 10 && d > UINT64_MAX % 10))
				return false;
			n = n * 10 + d;
		}
	}
	for (; base == 16 && j < len; j++) {
		int d = trace_hex_digit(s[j]);

		if (d < 0)
			break;
		if (n >> 60)            /* n * 16 + d > UINT64_MAX */
			return false;
		n = n << 4 | (unsigned)d;
	}
	for (; base == 8 && j < len && s[j] >= '0' && s[j] <= '7'; j++) {
		if (n >> 61)            /* n * 8 + d > UINT64_MAX */
			return false;
		n = n << 3 | (unsigned)(s[j] - '0');
	}
	if (j < len && ident_char(s[j]))
		return false;
	if (neg) {
		if (n > (uint64_t)INT64_MAX + 1)
			return false;
		n = 0 - n;
	}
	*i = j;
	*v = n;
	return true;
}

/* Past what may follow a number: -X verbose comments, one -y/-Y
 * annotation with "(deleted)" after it, nothing else. Under -X verbose
 * AT_FDCWD is "-100", a comment naming it, then "</DIR>". */
static bool skip_decorations(const char *s, size_t len, size_t *i)
{
	bool annotated = false;

	for (;;) {
		if (!skip_comments(s, len, i))
			return false;
		if (*i == len)
			return true;
		if (s[*i] != '<' || annotated || !skip_annotation(s, len, i))
			return false;
		annotated = true;
		if (len - *i >= 9 && !memcmp(s + *i, "(deleted)", 9))
			*i += 9;
	}
}

int trace_arg_int(struct trace_text t, uint64_t *v)
{
	size_t i = 0;
	uint64_t n;

	/* most arguments are a number, bare or with -y's annotation, as
	 * trace_args_split hands them over (trimmed) */
	if (t.len && (is_digit(t.s[0]) || t.s[0] == '-') && parse_number(t.s, t.len, &i, &n) &&
	    (i == t.len || skip_decorations(t.s, t.len, &i))) {
		*v = n;
		return 0;
	}
	i = 0;
	t = strip_name(trim(t));
	if (has_word(t.s, t.len, 0, "NULL")) {
		n = 0;
		i = 4;
	} else if (has_word(t.s, t.len, 0, "AT_FDCWD")) {
		n = (uint64_t)-100;
		i = 8;
	} else if (!parse_number(t.s, t.len, &i, &n)) {
		return -1;
	}
	if (!skip_decorations(t.s, t.len, &i))
		return -1;
	*v = n;
	return 0;
}

/* One term of a flags value at s[*i]: NAME, a number, or N<<SHIFT_NAME. */
static bool parse_term(const char *s, size_t len, size_t *i, const struct trace_names *table,
		       uint64_t *v)
{
	size_t j = *i, k;

	if (ident_start(s[j])) {
		for (k = j; k < len && ident_char(s[k]); k++)
			;
		if (trace_names_find(table, s + j, k - j, v))
			return false;
		*i = k;
		return true;
	}
	if (!parse_number(s, len, &j, v))
		return false;
	if (len - j >= 2 && s[j] == '<' && s[j + 1] == '<') {
		for (k = j + 2; k < len && ident_char(s[k]); k++)
			;
		if (!table->shift_name || !table->shift ||
		    !same_word(s + j + 2, k - (j + 2), table->shift_name))
			return false;
		/* bits shifted out would be a value strace never printed */
		if (*v >> (64 - table->shift))
			return false;
		*v <<= table->shift;
		j = k;
	}
	*i = j;
	return true;
}

/* Logs repeat the same flag texts ("PROT_READ|PROT_WRITE",
 * "MAP_PRIVATE|MAP_ANONYMOUS") line after line: the last few decoded
 * texts are remembered, by table, with their value. Only texts that
 * decoded are kept, so a hit is the same answer the full decode gives. */
#define FLAG_MEMO_SLOTS 64
#define FLAG_MEMO_TEXT 48

struct flag_memo {
	const struct trace_names *table;
	uint8_t len;
	char text[FLAG_MEMO_TEXT];
	uint64_t value;
};

static struct flag_memo flag_memo[FLAG_MEMO_SLOTS];

static struct flag_memo *memo_slot(const struct trace_names *table, struct trace_text t)
{
	size_t h = (size_t)(uintptr_t)table >> 4;

	h = h * 31 + t.len;
	h = h * 31 + (unsigned char)t.s[0];
	h = h * 31 + (unsigned char)t.s[t.len - 1];
	h = h * 31 + (unsigned char)t.s[t.len / 2];
	return &flag_memo[h % FLAG_MEMO_SLOTS];
}

static int decode_flags(struct trace_text t, const struct trace_names *table, uint64_t *v);

int trace_arg_flags(struct trace_text t, const struct trace_names *table, uint64_t *v)
{
	struct flag_memo *m;

	t = strip_name(trim(t));
	if (!t.len || t.len > FLAG_MEMO_TEXT)
		return decode_flags(t, table, v);
	m = memo_slot(table, t);
	if (m->table == table && m->len == t.len && !memcmp(m->text, t.s, t.len)) {
		*v = m->value;
		return 0;
	}
	if (decode_flags(t, table, v))
		return -1;
	m->table = table;
	m->len = (uint8_t)t.len;
	memcpy(m->text, t.s, t.len);
	m->value = *v;
	return 0;
}

/* The decode itself, of a trimmed text without its name= prefix. */
static int decode_flags(struct trace_text t, const struct trace_names *table, uint64_t *v)
{
	size_t i = 0, terms = 0;
	uint64_t all = 0;

	for (;;) {
		uint64_t one;

		if (i >= t.len || !parse_term(t.s, t.len, &i, table, &one))
			return -1;
		all |= one;
		terms++;
		if (!skip_comments(t.s, t.len, &i))
			return -1;
		if (i == t.len)
			break;
		if (t.s[i] != '|')
			return -1;
		i++;
		while (i < t.len && is_space(t.s[i]))
			i++;
	}
	/* an enumeration is one name or one number */
	if (!table->flags && terms > 1)
		return -1;
	*v = all;
	return 0;
}

/* The byte of the escape at s[*i] == '\\', *i moved past it: \" \\ \n \t
 * \r \v \f, octal \0 .. \377 (1-3 digits), hex \x41 (-x/-xx). */
static bool decode_escape(const char *s, size_t len, size_t *i, unsigned char *c)
{
	size_t j = *i + 1;
	unsigned v = 0, digits = 0;
	/* pairs: the letter after the '\\' and the byte it stands for */
	static const char plain[] = "\"\"\\\\n\nt\tr\rv\vf\f";

	if (j >= len)
		return false;
	for (size_t k = 0; plain[k]; k += 2) {
		if (s[j] == plain[k]) {
			*c = (unsigned char)plain[k + 1];
			*i = j + 1;
			return true;
		}
	}
	if (s[j] == 'x') {
		for (j++; j < len && digits < 2 && trace_hex_digit(s[j]) >= 0; j++, digits++)
			v = v * 16 + (unsigned)trace_hex_digit(s[j]);
	} else {
		for (; j < len && digits < 3 && s[j] >= '0' && s[j] <= '7'; j++, digits++)
			v = v * 8 + (unsigned)(s[j] - '0');
	}
	if (!digits || v > 0xff)
		return false;
	*c = (unsigned char)v;
	*i = j;
	return true;
}

/* Escaped text s[from..to) into buf (size bytes, NUL added, cut to fit);
 * the full decoded length in *len. */
static bool decode_into(const char *s, size_t from, size_t to, char *buf, size_t size,
			size_t *len)
{
	size_t n = 0;

	while (from < to) {
		unsigned char c = (unsigned char)s[from];

		if (c == '\\') {
			if (!decode_escape(s, to, &from, &c)) {
				/* leave no half-decoded text behind */
				if (size)
					buf[0] = '\0';
				return false;
			}
		} else {
			from++;
		}
		if (n + 1 < size)
			buf[n] = (char)c;
		n++;
	}
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	*len = n;
	return true;
}

int trace_arg_string(struct trace_text t, char *buf, size_t size, size_t *len, bool *cut,
		     bool *is_null)
{
	size_t end = 0;
	uint64_t address;

	t = strip_name(trim(t));
	*len = 0;
	*cut = false;
	*is_null = false;
	if (size)
		buf[0] = '\0';
	if (!t.len)
		return -1;
	if (t.s[0] != '"') {
		/* NULL, or a pointer strace could not read ("0x1") */
		if (trace_arg_int(t, &address))
			return -1;
		*is_null = true;
		return 0;
	}
	if (!skip_string(t.s, t.len, &end))
		return -1;
	if (!decode_into(t.s, 1, end - 1, buf, size, len))
		return -1;
	if (end == t.len)
		return 0;
	if (t.len - end == 3 && !memcmp(t.s + end, "...", 3)) {
		*cut = true;
		return 0;
	}
	return -1;
}

/* Where the name inside an annotation s[from..to) ends: at a raw '<'
 * (a -yy detail: "/dev/null<char 1:3>") or at `to`. */
static size_t name_end(const char *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '<')
			return i;
	}
	return to;
}

int trace_arg_fd_path(struct trace_text t, char *buf, size_t size, bool *deleted)
{
	static const char old_deleted[] = " (deleted)";
	const size_t old_len = sizeof(old_deleted) - 1;
	size_t i = 0, open, end, stop, len;

	t = strip_name(trim(t));
	*deleted = false;
	if (size)
		buf[0] = '\0';
	/* the fd: a number or AT_FDCWD, and a -X verbose comment */
	while (i < t.len && (ident_char(t.s[i]) || t.s[i] == '-'))
		i++;
	if (!skip_comments(t.s, t.len, &i) || i == t.len || t.s[i] != '<')
		return -1;
	open = end = i;
	if (!skip_annotation(t.s, t.len, &end))
		return -1;
	stop = name_end(t.s, open + 1, end - 1);
	/* before strace 5.19: "3</memfd:x (deleted)>" */
	if (stop - (open + 1) >= old_len && !memcmp(t.s + stop - old_len, old_deleted, old_len)) {
		*deleted = true;
		stop -= old_len;
	}
	if (t.len - end >= 9 && !memcmp(t.s + end, "(deleted)", 9))
		*deleted = true;
	return decode_into(t.s, open + 1, stop, buf, size, &len) ? 0 : -1;
}
