#include "tests/shim_sys.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/file.h"
#include "core/flags.h"
#include "vma/store.h"

/* A task and the mm it runs in, allocated together. */
struct shim_sys_task {
	struct task task;
	struct mm mm;
};

struct task *shim_sys_task_new(void)
{
	struct shim_sys_task *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	mm_init(&st->mm);
	st->mm.max_map_count = profile_linux_6_18.max_map_count;
	st->mm.mmap_min_addr = profile_linux_6_18.mmap_min_addr;
	st->mm.start_brk = st->mm.brk = SHIM_SYS_HEAP;
	st->task.mm = &st->mm;
	st->task.profile = &profile_linux_6_18;
	st->task.step = 1;
	return &st->task;
}

void shim_sys_task_free(struct task *t)
{
	/* The task is the first member: the pointer is the allocation. */
	struct shim_sys_task *st = (struct shim_sys_task *)t;

	if (!st)
		return;
	mm_destroy(&st->mm);
	free(st);
}

int64_t shim_sys_map(struct task *t, int64_t first, unsigned n, uint64_t prot, uint64_t extra)
{
	return sys_mmap(t, shim_sys_page(first), (uint64_t)n * PAGE_SIZE, prot,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | extra, -1, 0);
}

static char draw_buf[4096];

/* Page index of addr relative to base, signed: a VMA may start below. */
static int64_t rel_page(uint64_t addr, uint64_t base)
{
	return addr >= base ? (int64_t)((addr - base) >> PAGE_SHIFT)
			    : -(int64_t)((base - addr) >> PAGE_SHIFT);
}

const char *shim_sys_draw_at(const struct task *t, uint64_t base, uint64_t len,
			     vm_flags_t extras)
{
	struct store_iter it;
	size_t used = 0;

	draw_buf[0] = '\0';
	for (struct vma *v = store_iter_seek(&it, &t->mm->vmas, base); v && v->start < base + len;
	     v = store_iter_next(&it)) {
		char codes[256];
		size_t clen = 0;
		int n;

		codes[0] = '\0';
		for (unsigned bit = 0; bit < 64; bit++) {
			vm_flags_t flag = UINT64_C(1) << bit;
			const char *name;

			/* The seal is always drawn, as "+S" at the end. */
			if (flag == VM_SEALED || !(extras & v->flags & flag))
				continue;
			name = vm_flag_mnemonic(bit);
			n = snprintf(codes + clen, sizeof(codes) - clen, "+%s", name ? name : "??");
			if (n > 0 && clen + (size_t)n < sizeof(codes))
				clen += (size_t)n;
		}
		n = snprintf(draw_buf + used, sizeof(draw_buf) - used,
			     "%s%" PRId64 "-%" PRId64 ":%c%c%c%c%s%s", used ? " " : "",
			     rel_page(v->start, base), rel_page(v->end, base),
			     v->flags & VM_READ ? 'r' : '-', v->flags & VM_WRITE ? 'w' : '-',
			     v->flags & VM_EXEC ? 'x' : '-', v->flags & VM_MAYSHARE ? 's' : 'p', codes,
			     vma_is_sealed(v) ? "+S" : "");
		if (n < 0 || used + (size_t)n >= sizeof(draw_buf))
			break;
		used += (size_t)n;
	}
	return draw_buf;
}

const char *shim_sys_draw(const struct task *t, vm_flags_t extras)
{
	return shim_sys_draw_at(t, SHIM_SYS_BASE, SHIM_SYS_WINDOW, extras);
}

const char *shim_sys_draw_heap(const struct task *t, vm_flags_t extras)
{
	return shim_sys_draw_at(t, t->mm->start_brk, SHIM_SYS_WINDOW, extras);
}

const char *shim_sys_check(const struct task *t)
{
	static char err[256];

	err[0] = '\0';
	mm_check(t->mm, err, sizeof(err));
	return err;
}

int64_t shim_sys_fill_to(struct task *t, size_t count)
{
	uint64_t addr = SHIM_SYS_FILL;

	while (mm_map_count(t->mm) < count) {
		int64_t got;

		/* Skip slots an earlier fill took. */
		while (store_lookup(&t->mm->vmas, addr))
			addr += 2 * PAGE_SIZE;
		got = sys_mmap(t, addr, PAGE_SIZE, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (got < 0)
			return got;
		addr += 2 * PAGE_SIZE;
	}
	return 0;
}

int shim_sys_add_rdonly_shared_file(struct task *t, int64_t first, unsigned n)
{
	static uint64_t ino = 4242;
	uint64_t start = shim_sys_page(first);
	struct inode *inode = inode_new(INODE_REGULAR, 0xfe, 0, ino++, "/shim/rdonly");
	struct file *file;
	struct vma *vma;

	if (!inode)
		return -ENOMEM;
	file = file_open(inode, FILE_MODE_READ);
	inode_put(inode);
	if (!file)
		return -ENOMEM;
	vma = vma_new(start, start + (uint64_t)n * PAGE_SIZE,
		      VM_READ | VM_MAYREAD | VM_MAYEXEC | VM_MAYSHARE, 0, file);
	file_put(file);
	if (!vma)
		return -ENOMEM;
	if (store_insert(&t->mm->vmas, vma)) {
		vma_free(vma);
		return -EEXIST;
	}
	return 0;
}
