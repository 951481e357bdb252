/* fuzz_replay: the bytes as a whole trace through the replay
 * (traces/replay.h), as mmsim replay drives it (cli/replay.c): reader,
 * replay_event / replay_malformed for every event, replay_finish, then
 * both reports. Explanations are on and every process's maps are printed
 * after some line (to /dev/null), so their code runs too.
 *
 * Afterwards, as tests/replay_mutation_test.cc asks of mutated corpus
 * traces, for any bytes at all:
 *   - every process's address space passes mm_check (core/mm.h)
 *   - every call is accounted for: a verdict, or a malformed line
 *   - no more divergences are kept than asked for, or than counted
 *   - the JSON report is one well-formed JSON object (RFC 8259 grammar),
 *     and valid UTF-8 whenever the trace was
 * The options (profile, divergences kept, the line whose maps are
 * printed) follow from the input's length, so every one is reached.
 */
#include <inttypes.h>
#include <string.h>

#include "core/mm.h"
#include "core/profile.h"
#include "core/tasks.h"
#include "fuzz/fuzz.h"
#include "traces/reader.h"
#include "traces/replay.h"

/* ---- a strict JSON checker: 0, or -1 with *at where it fails ---- */

struct json {
	const char *s, *end;
	int depth;
};

static void json_space(struct json *j)
{
	while (j->s < j->end && (*j->s == ' ' || *j->s == '\t' || *j->s == '\n' || *j->s == '\r'))
		j->s++;
}

static bool json_lit(struct json *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->s) < n || memcmp(j->s, lit, n))
		return false;
	j->s += n;
	return true;
}

static bool json_digits(struct json *j)
{
	const char *start = j->s;

	while (j->s < j->end && *j->s >= '0' && *j->s <= '9')
		j->s++;
	return j->s > start;
}

static bool json_number(struct json *j)
{
	if (j->s < j->end && *j->s == '-')
		j->s++;
	if (j->s < j->end && *j->s == '0')
		j->s++;
	else if (!json_digits(j))
		return false;
	if (j->s < j->end && *j->s == '.') {
		j->s++;
		if (!json_digits(j))
			return false;
	}
	if (j->s < j->end && (*j->s == 'e' || *j->s == 'E')) {
		j->s++;
		if (j->s < j->end && (*j->s == '+' || *j->s == '-'))
			j->s++;
		if (!json_digits(j))
			return false;
	}
	return true;
}

static bool json_string(struct json *j)
{
	if (j->s >= j->end || *j->s != '"')
		return false;
	for (j->s++; j->s < j->end; j->s++) {
		unsigned char c = (unsigned char)*j->s;

		if (c == '"') {
			j->s++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (++j->s >= j->end)
			return false;
		if (*j->s == 'u') {
			for (int k = 0; k < 4; k++) {
				char h = ++j->s < j->end ? *j->s : 0;

				if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
					return false;
			}
		} else if (!*j->s || !strchr("\"\\/bfnrt", *j->s)) {
			return false;
		}
	}
	return false;
}

static bool json_value(struct json *j);

static bool json_members(struct json *j, char close, bool object)
{
	j->s++;
	json_space(j);
	if (j->s < j->end && *j->s == close) {
		j->s++;
		return true;
	}
	for (;;) {
		if (object) {
			if (!json_string(j))
				return false;
			json_space(j);
			if (j->s >= j->end || *j->s++ != ':')
				return false;
		}
		if (!json_value(j))
			return false;
		json_space(j);
		if (j->s >= j->end)
			return false;
		if (*j->s == close) {
			j->s++;
			return true;
		}
		if (*j->s++ != ',')
			return false;
		json_space(j);
	}
}

static bool json_value(struct json *j)
{
	bool ok;

	json_space(j);
	if (j->s >= j->end)
		return false;
	switch (*j->s) {
	case '{':
	case '[':
		if (++j->depth > 64)
			return false;
		ok = json_members(j, *j->s == '{' ? '}' : ']', *j->s == '{');
		j->depth--;
		return ok;
	case '"':
		return json_string(j);
	case 't':
		return json_lit(j, "true");
	case 'f':
		return json_lit(j, "false");
	case 'n':
		return json_lit(j, "null");
	default:
		return json_number(j);
	}
}

/* Length of the valid UTF-8 prefix of s[0..n). */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07;
		else
			return i;
		if (n - i <= k)
			return i;
		for (size_t m = 1; m <= k; m++) {
			if ((s[i + m] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + m] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += k + 1;
	}
	return n;
}

static void check_json(const char *out, size_t len, bool input_utf8)
{
	struct json j = { out, out + len, 0 };
	size_t valid;

	FUZZ_CHECK(len > 0 && out[0] == '{', "the JSON report does not start with '{': '%.*s'",
		   (int)(len < 200 ? len : 200), out);
	FUZZ_CHECK(json_value(&j), "the JSON report is malformed at byte %zu: '%.*s'",
		   (size_t)(j.s - out), (int)(j.end - j.s < 200 ? j.end - j.s : 200), j.s);
	json_space(&j);
	FUZZ_CHECK(j.s == j.end, "text after the JSON report at byte %zu", (size_t)(j.s - out));
	FUZZ_CHECK(out[len - 1] == '\n', "the JSON report does not end its line");
	valid = utf8_valid((const unsigned char *)out, len);
	FUZZ_CHECK(!input_utf8 || valid == len,
		   "the JSON report of a UTF-8 trace is not UTF-8 at byte %zu: '%.*s'", valid,
		   (int)(len - valid < 80 ? len - valid : 80), out + valid);
}

/* ---- the target ---- */

static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct profile *const *profiles = profile_all();
	size_t nprofiles = 0, judged = 0, json_len = 0;
	struct replay_opts o = { 0 };
	struct trace_reader *reader = NULL;
	struct trace_event ev;
	char *json = NULL;
	struct replay r;
	FILE *in, *js;
	int got;

	while (profiles[nprofiles])
		nprofiles++;
	o.profile = profiles[size % nprofiles];
	o.explain = true;
	o.explain_out = devnull();
	o.maps_out = devnull();
	o.maps_at_line = size % 5 ? 1 + size / 5 % 64 : 0;
	o.keep_divergences = 1 + size % 7;
	if (!o.explain_out || replay_init(&r, &o))
		return 0;   /* out of memory (or no /dev/null): nothing to check */
	in = fuzz_open(data, size);
	if (in)
		reader = trace_reader_new(in, "fuzz.trace");
	if (!reader) {
		if (in)
			fclose(in);
		replay_destroy(&r);
		return 0;
	}
	/* a single log: times order nothing (cli/replay.c) */
	trace_reader_decode_times(reader, false);
	while ((got = trace_reader_next(reader, &ev)) != 0) {
		if (got > 0)
			replay_event(&r, &ev);
		else
			replay_malformed(&r);
	}
	replay_finish(&r);
	r.lines = trace_reader_stats(reader).lines;
	trace_reader_free(reader);
	fclose(in);

	for (int v = 0; v < REPLAY_NVERDICTS; v++)
		judged += r.n[v];
	FUZZ_CHECK(judged <= r.calls, "%zu verdicts for %" PRIu64 " calls", judged, r.calls);
	FUZZ_CHECK(r.calls - judged <= r.malformed,
		   "%" PRIu64 " calls without a verdict, %" PRIu64 " malformed", r.calls - judged,
		   r.malformed);
	FUZZ_CHECK(r.ndivergences <= o.keep_divergences && r.ndivergences <= r.n[REPLAY_DIVERGE],
		   "%zu divergences kept (at most %zu asked for, %" PRIu64 " counted)", r.ndivergences,
		   o.keep_divergences, r.n[REPLAY_DIVERGE]);
	FUZZ_CHECK(r.placement_same <= r.placement_total, "placement %" PRIu64 " of %" PRIu64,
		   r.placement_same, r.placement_total);
	for (size_t b = 0; b < r.tasks.nbuckets; b++)
		for (const struct task *t = r.tasks.bucket[b]; t; t = t->hash_next) {
			char err[256] = "";

			FUZZ_CHECK(t->mm, "pid %" PRId64 " has no address space", t->pid);
			FUZZ_CHECK(mm_check(t->mm, err, sizeof(err)) == 0, "pid %" PRId64 ": mm_check: %s",
				   t->pid, err);
		}

	replay_report_text(&r, devnull());
	js = open_memstream(&json, &json_len);
	if (js) {
		replay_report_json(&r, js);
		if (fclose(js) == 0)
			check_json(json, json_len, utf8_valid(data, size) == size);
		free(json);
	}
	replay_destroy(&r);
	return 0;
}
