/* image_bytes: what a process image of N VMAs costs, in the model and
 * in the kernel, per VMA.
 *
 * The image is bench/image.h's (one mmap, MADV_DONTFORK on every other
 * VMA), made through the syscall layer in the model: its store nodes
 * plus its struct vmas. The kernel's figure is read from /proc/slabinfo
 * around building the same image in a child: the vm_area_struct and
 * maple_node objects it added, times their sizes. Slab counts are
 * machine-wide, so other processes' churn is noise; at N = 10^5 it is a
 * few percent. Kernel figures need root (slabinfo) and stop at 10^5.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "bench/bench.h"
#include "bench/image.h"
#include "core/mm.h"
#include "vma/store.h"

struct slab {
	long active;
	long objsize;
};

static bool slab_read(const char *name, struct slab *out)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];
	size_t len = strlen(name);
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		long num;

		if (strncmp(line, name, len) || line[len] != ' ')
			continue;
		found = sscanf(line + len, "%ld %ld %ld", &out->active, &num, &out->objsize) == 3;
	}
	fclose(f);
	return found;
}

static void kernel_child(struct bench_ctx *ctx, void *arg)
{
	const struct image_layout *l = arg;
	struct slab vma0, vma1, node0, node1;

	if (!slab_read("vm_area_struct", &vma0) || !slab_read("maple_node", &node0))
		return;
	image_kernel_build(l);
	if (!slab_read("vm_area_struct", &vma1) || !slab_read("maple_node", &node1))
		return;
	bench_report_bytes(ctx, "kernel", (size_t)((node1.active - node0.active) * node1.objsize), 0,
			   (size_t)((vma1.active - vma0.active) * vma1.objsize));
}

static void run(struct bench_ctx *ctx)
{
	struct image_layout l = { .n = ctx->n, .vma_pages = 1, .prot = PROT_READ | PROT_WRITE };
	struct model_image m;

	image_model_build(&m, &l, &profile_linux_6_18);
	bench_report_bytes(ctx, "mmsim", store_node_bytes(&m.t->mm->vmas), 0, l.n * sizeof(struct vma));
	image_model_free(&m);
	if (ctx->n < 100 || ctx->n > 100000 || !image_ensure_map_count(ctx->n + 4096))
		return;
	if (!slab_read("vm_area_struct", &(struct slab){ 0, 0 })) {
		fprintf(stderr, "mmsim-bench: image_bytes: /proc/slabinfo unreadable (%s): no kernel figure\n",
			strerror(errno));
		return;
	}
	bench_in_child(ctx, kernel_child, &l);
}

const struct bench_def bench_def_image_bytes = {
	.name = "image_bytes",
	.help = "bytes per VMA of a process image made through the syscalls: the model's store and VMAs, "
		"the kernel's maple nodes and vm_area_structs (slabinfo)",
	.run = run,
};
