/* Minimising a conform sequence that mismatches, delta-debugging style.
 *
 *   1. drop chunks of calls: halves, quarters, ... single calls; keep a
 *      removal whenever the predicate still fails, and go round again
 *      until no single call can go;
 *   2. simplify each remaining call's arguments, one candidate at a time
 *      (one page instead of a range, whole pages instead of a byte length,
 *      one extra mmap flag fewer, plainer protections, a read instead of
 *      a write, no heap), keeping each that still fails;
 *   3. drop calls once more (a simpler call may have made others moot).
 *
 * The predicate decides what "fails" means (the driver: the same kind of
 * mismatch at the same kind of call) and refuses candidates it cannot
 * run, such as a simplification that would leave the window.
 */
#include "syscalls/conform.h"

#include <string.h>

#include "core/page.h"
#include "syscalls/uapi.h"


struct shrinker {
	conform_pred pred;
	void *ctx;
	unsigned max_tries;
	struct conform_shrink_stats *stats;
};

static bool budget(const struct shrinker *sh)
{
	return sh->stats->tries < sh->max_tries;
}

static bool fails(struct shrinker *sh, const struct conform_seq *s)
{
	sh->stats->tries++;
	return sh->pred(s, sh->ctx);
}

/* Try without calls [from, from + count): keep it if it still fails. */
static bool try_remove(struct shrinker *sh, struct conform_seq *s, size_t from, size_t count)
{
	struct conform_seq cand;

	if (!budget(sh) || conform_seq_copy(&cand, s) != 0)
		return false;
	conform_seq_remove(&cand, from, count);
	if (cand.n < s->n && fails(sh, &cand)) {
		conform_seq_free(s);
		*s = cand;
		return true;
	}
	conform_seq_free(&cand);
	return false;
}

static void remove_calls(struct shrinker *sh, struct conform_seq *s)
{
	bool changed = true;

	while (changed && budget(sh)) {
		changed = false;
		for (size_t chunk = s->n / 2 ? s->n / 2 : 1; chunk >= 1 && budget(sh); chunk /= 2) {
			for (size_t from = 0; from < s->n && budget(sh);) {
				if (try_remove(sh, s, from, chunk))
					changed = true;
				else
					from += chunk;
			}
			if (chunk == 1)
				break;
		}
	}
}

/* Protections only get plainer (fewer bits), so simplifying ends. */
static bool fewer_bits(uint64_t cand, uint64_t cur)
{
	return __builtin_popcountll(cand) < __builtin_popcountll(cur);
}

/* The same for the file and descriptor calls: a short plain name, a
 * one-byte write of zeros, fewer seals and flags. From out[n]; returns
 * the new count. */
static int file_candidates(const struct conform_call *c, struct conform_call *out, int max, int n)
{
#define FCAND(edit)                                                     \
	do {                                                            \
		if (n < max) {                                          \
			out[n] = *c;                                    \
			{ struct conform_call *x = &out[n]; edit; }     \
			if (memcmp(&out[n], c, sizeof(*c)) != 0)        \
				n++;                                    \
		}                                                       \
	} while (0)

	switch (c->nr) {
	case CONFORM_NR_MEMFD_CREATE:
		if (!c->snull && c->slen > 1)
			FCAND(x->slen = 1; x->str[0] = 'm'; x->str[1] = '\0');
		FCAND(x->arg[1] &= ~(uint64_t)0x1);          /* MFD_CLOEXEC */
		break;
	case CONFORM_NR_WRITE:
	case CONFORM_NR_PWRITE64:
		if (c->arg[2] > 1)
			FCAND(x->arg[2] = 1);
		FCAND(memset(x->str, 0, sizeof(x->str)); x->slen = 0);
		break;
	case CONFORM_NR_OPENAT:
		FCAND(x->arg[2] &= ~(uint64_t)02000000);     /* O_CLOEXEC */
		break;
	case CONFORM_NR_FCNTL:
		if (c->arg[1] == CONFORM_F_ADD_SEALS && __builtin_popcountll(c->arg[2]) > 1)
			for (uint64_t bit = 1; bit <= 0x40; bit <<= 1)
				if (c->arg[2] & bit)
					FCAND(x->arg[2] &= ~bit);
		break;
	case CONFORM_NR_DUP3:
		FCAND(x->nr = CONFORM_NR_DUP2; x->arg[2] = 0);
		break;
	default:
		break;
	}
#undef FCAND
	return n;
}

/* Simpler versions of c, the most desirable first. Every edit makes the
 * call strictly simpler or is a fixed point, so a run of accepted
 * candidates cannot cycle. */
static int candidates(const struct conform_call *c, struct conform_call *out, int max)
{
	int n = 0;

#define CAND(edit)                                  \
	do {                                        \
		if (n < max) {                      \
			out[n] = *c;                \
			{ struct conform_call *x = &out[n]; edit; } \
			if (memcmp(&out[n], c, sizeof(*c)) != 0) \
				n++;                \
		}                                   \
	} while (0)

	switch (c->nr) {
	case NR_MMAP: {
		static const uint64_t extra[] = {
			MAP_NORESERVE, MAP_POPULATE, MAP_LOCKED, MAP_STACK, MAP_GROWSDOWN,
			MAP_NONBLOCK | MAP_DENYWRITE | MAP_EXECUTABLE, MAP_UNINITIALIZED,
			MAP_32BIT, MAP_ABOVE4G,
		};

		CAND(x->arg[1] = PAGE_SIZE);
		CAND(x->arg[1] = page_align(x->arg[1]));
		for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
			CAND(x->arg[3] &= ~extra[i]);
		if (c->arg[3] & MAP_FIXED_NOREPLACE)
			CAND(x->arg[3] = (x->arg[3] & ~(uint64_t)MAP_FIXED_NOREPLACE) | MAP_FIXED);
		if (fewer_bits(PROT_READ | PROT_WRITE, c->arg[2]))
			CAND(x->arg[2] = PROT_READ | PROT_WRITE);
		if (fewer_bits(PROT_READ, c->arg[2]))
			CAND(x->arg[2] = PROT_READ);
		if ((c->arg[3] & MAP_TYPE_MASK) != MAP_PRIVATE)
			CAND(x->arg[3] = (x->arg[3] & ~(uint64_t)MAP_TYPE_MASK) | MAP_PRIVATE);
		break;
	}
	case NR_MUNMAP:
	case NR_MADVISE:
	case NR_MSEAL:
		CAND(x->arg[1] = PAGE_SIZE);
		CAND(x->arg[1] = page_align(x->arg[1]));
		break;
	case NR_MPROTECT:
		CAND(x->arg[1] = PAGE_SIZE);
		CAND(x->arg[1] = page_align(x->arg[1]));
		if (fewer_bits(PROT_READ, c->arg[2]))
			CAND(x->arg[2] = PROT_READ);
		if (fewer_bits(PROT_NONE, c->arg[2]))
			CAND(x->arg[2] = PROT_NONE);
		break;
	case NR_PKEY_MPROTECT:
		if ((int64_t)c->arg[3] == -1)
			CAND(x->nr = NR_MPROTECT; x->arg[3] = 0);
		CAND(x->arg[1] = PAGE_SIZE);
		CAND(x->arg[1] = page_align(x->arg[1]));
		break;
	case NR_MREMAP:
		CAND(x->arg[1] = page_align(x->arg[1]); x->arg[2] = page_align(x->arg[2]));
		CAND(x->arg[3] &= ~(uint64_t)MREMAP_DONTUNMAP);
		break;
	case NR_BRK:
		CAND(x->arg[0] = page_align(x->arg[0]));
		break;
	case CONFORM_TOUCH:
		CAND(x->arg[0] &= PAGE_MASK);
		CAND(x->arg[1] = 0);
		break;
	default:
		n = file_candidates(c, out, max, n);
		break;
	}
#undef CAND
	return n;
}

static void simplify_calls(struct shrinker *sh, struct conform_seq *s)
{
	/* without brk() calls a heap window is a plain one: at the default
	 * place, so that it replays in any process */
	if (s->heap && budget(sh)) {
		struct conform_seq cand;

		if (conform_seq_copy(&cand, s) == 0) {
			cand.heap = 0;
			conform_seq_relocate(&cand, CONFORM_DEFAULT_BASE);
			if (fails(sh, &cand)) {
				conform_seq_free(s);
				*s = cand;
			} else {
				conform_seq_free(&cand);
			}
		}
	}
	for (size_t i = 0; i < s->n && budget(sh); i++) {
		struct conform_call cand[24];
		int n = candidates(&s->calls[i], cand, 24);

		for (int k = 0; k < n && budget(sh); k++) {
			struct conform_call keep = s->calls[i];

			s->calls[i] = cand[k];
			if (fails(sh, s)) {
				/* the simpler call may allow more: start over on it */
				n = candidates(&s->calls[i], cand, 24);
				k = -1;
			} else {
				s->calls[i] = keep;
			}
		}
	}
}

void conform_shrink(struct conform_seq *s, conform_pred pred, void *ctx, unsigned max_tries,
		    struct conform_shrink_stats *stats)
{
	struct conform_shrink_stats local;
	struct shrinker sh = { pred, ctx, max_tries, stats ? stats : &local };

	memset(sh.stats, 0, sizeof(*sh.stats));
	sh.stats->from = s->n;
	remove_calls(&sh, s);
	simplify_calls(&sh, s);
	remove_calls(&sh, s);
	sh.stats->to = s->n;
}
