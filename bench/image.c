/* Twin process images (bench/image.h). */
#include "bench/image.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/bench.h"
#include "core/mm.h"
#include "syscalls/sys.h"

#define PAGE 4096

#ifndef SYS_mseal
#define SYS_mseal 462
#endif

static long kernel_call(long nr, uint64_t a, uint64_t b, uint64_t c)
{
	long r = syscall(nr, a, b, c);

	return r < 0 ? -errno : r;
}

/* The seal plan, as (addr, len) calls to f, in address order. */
static void for_each_seal(const struct image_layout *l, void (*f)(const struct image_layout *l,
								  uint64_t addr, void *arg),
			  void *arg)
{
	if (l->seal_all) {
		f(l, image_vma(l, 0), arg);
		return;
	}
	for (size_t i = l->seal_every; l->seal_every && i <= l->n; i += l->seal_every)
		f(l, image_vma(l, i - 1), arg);
}

static void kernel_seal_one(const struct image_layout *l, uint64_t addr, void *arg)
{
	uint64_t len = l->seal_all ? image_end(l) - addr : l->vma_pages * PAGE;
	long r;

	(void)arg;
	if (!l->seal_all && (r = kernel_call(SYS_mprotect, addr, len, PROT_READ)) != 0)
		bench_die("image: mprotect(%#" PRIx64 ", PROT_READ): %s", addr, strerror((int)-r));
	if ((r = kernel_call(SYS_mseal, addr, len, 0)) != 0)
		bench_die("image: mseal(%#" PRIx64 ", %" PRIu64 "): %s (does this kernel have mseal?)", addr,
			  len, strerror((int)-r));
}

void image_kernel_build(const struct image_layout *l)
{
	uint64_t len = image_end(l) - IMAGE_BASE;
	void *p = mmap((void *)IMAGE_BASE, len, (int)l->prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	size_t got;

	if (p == MAP_FAILED || p != (void *)IMAGE_BASE)
		bench_die("image: cannot map %" PRIu64 " bytes at %#" PRIx64 ": %s", len, IMAGE_BASE,
			  p == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	for (size_t i = 1; i < l->n; i += 2) {
		long r = kernel_call(SYS_madvise, image_vma(l, i), l->vma_pages * PAGE, MADV_DONTFORK);

		if (r)
			bench_die("image: madvise(MADV_DONTFORK) of VMA %zu of %zu: %s", i, l->n,
				  strerror((int)-r));
	}
	for_each_seal(l, kernel_seal_one, NULL);
	got = image_kernel_vmas(l);
	if (got != l->n)
		bench_die("image: the kernel shows %zu VMAs where %zu were made", got, l->n);
}

static void model_seal_one(const struct image_layout *l, uint64_t addr, void *arg)
{
	struct task *t = arg;
	uint64_t len = l->seal_all ? image_end(l) - addr : l->vma_pages * PAGE;
	int64_t r;

	if (!l->seal_all && (r = sys_mprotect(t, addr, len, PROT_READ)) != 0)
		bench_die("image: model mprotect(%#" PRIx64 ", PROT_READ): %s", addr, strerror((int)-r));
	if ((r = sys_mseal(t, addr, len, 0)) != 0)
		bench_die("image: model mseal(%#" PRIx64 "): %s", addr, strerror((int)-r));
}

void image_model_build(struct model_image *m, const struct image_layout *l,
		       const struct profile *profile)
{
	uint64_t len = image_end(l) - IMAGE_BASE;
	int64_t r;

	if (tasks_init(&m->tasks, profile) || !(m->t = tasks_start(&m->tasks, 4242)))
		bench_die("image: out of memory");
	if (m->t->mm->max_map_count < l->n + 64)
		m->t->mm->max_map_count = l->n + 64;
	r = sys_mmap(m->t, IMAGE_BASE, len, l->prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (r != (int64_t)IMAGE_BASE)
		bench_die("image: model mmap: %s", strerror((int)-r));
	for (size_t i = 1; i < l->n; i += 2)
		if ((r = sys_madvise(m->t, image_vma(l, i), l->vma_pages * PAGE, MADV_DONTFORK)) != 0)
			bench_die("image: model madvise(MADV_DONTFORK): %s", strerror((int)-r));
	for_each_seal(l, model_seal_one, m->t);
	if (mm_map_count(m->t->mm) != l->n)
		bench_die("image: the model holds %zu VMAs where %zu were made", mm_map_count(m->t->mm), l->n);
}

void image_model_free(struct model_image *m)
{
	tasks_destroy(&m->tasks);
}

size_t image_kernel_vmas(const struct image_layout *l)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t n = 0;

	if (!f)
		bench_die("image: /proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64, &start, &end) == 2 && start >= IMAGE_BASE &&
		    end <= image_end(l))
			n++;
	}
	fclose(f);
	return n;
}

/* ---- vm.max_map_count ---- */

#define MAX_MAP_COUNT "/proc/sys/vm/max_map_count"

static long saved_map_count = -1;

static long read_map_count(void)
{
	FILE *f = fopen(MAX_MAP_COUNT, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static bool write_map_count(long v)
{
	FILE *f = fopen(MAX_MAP_COUNT, "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%ld\n", v) > 0;
	return fclose(f) == 0 && ok;
}

static void restore_map_count(void)
{
	if (saved_map_count > 0) {
		long v = saved_map_count;

		saved_map_count = -1;
		write_map_count(v);
	}
}

/* The process that raised it; bench_in_child() children exit through
 * the same atexit list and must leave it alone. */
static pid_t raiser;

static void restore_at_exit(void)
{
	if (getpid() == raiser)
		restore_map_count();
}

static void restore_on_signal(int sig)
{
	restore_at_exit();
	signal(sig, SIG_DFL);
	raise(sig);
}

bool image_ensure_map_count(size_t need)
{
	long have = read_map_count();

	if (have < 0)
		return false;
	if ((size_t)have >= need)
		return true;
	if (saved_map_count < 0) {
		raiser = getpid();
		atexit(restore_at_exit);
		signal(SIGINT, restore_on_signal);
		signal(SIGTERM, restore_on_signal);
		signal(SIGHUP, restore_on_signal);
		saved_map_count = have;
	}
	if (!write_map_count((long)need)) {
		restore_map_count();
		return false;
	}
	fprintf(stderr, "mmsim-bench: vm.max_map_count raised from %ld to %zu for this run (put back at exit)\n",
		saved_map_count, need);
	return true;
}
