/* C helpers for tests/maps_test.cc; see shim_maps.h for the window layout
 * and why the live half allocates nothing between the syscalls and the
 * reading of /proc/self/{maps,smaps}.
 */
#include "shim_maps.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/proclines.h"
#include "vma/store.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 0x01
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif

#define SHIM_PAGE ((size_t)PAGE_SIZE)

/* ---- model side --------------------------------------------------------- */

struct file *shim_maps_file(enum inode_kind kind, unsigned major, unsigned minor, uint64_t ino,
			    const char *path, unsigned mode)
{
	struct inode *inode = inode_new(kind, major, minor, ino, path);
	struct file *file;

	if (!inode)
		return NULL;
	file = file_open(inode, mode);
	inode_put(inode);
	return file;
}

struct vma *shim_maps_add(struct mm *mm, uint64_t start, uint64_t end, vm_flags_t flags,
			  uint64_t pgoff, struct file *file, unsigned special)
{
	struct vma *vma = vma_new(start, end, flags, pgoff, file);

	if (!vma)
		return NULL;
	vma->special = (uint8_t)special;
	if (store_insert(&mm->vmas, vma) != 0) {
		vma_free(vma);
		return NULL;
	}
	return vma;
}

void shim_maps_mm_init(struct mm *mm)
{
	mm_init(mm);
	mm->start_brk = 0;
	mm->brk = 0;
	mm->start_stack = 0;
	mm->has_vsyscall = false;
}

char *shim_maps_line(const struct mm *mm, const struct vma *vma)
{
	char probe[1];
	size_t need = mm_format_maps_line(mm, vma, probe, 0);
	char *buf = malloc(need + 1);

	if (!buf)
		return NULL;
	mm_format_maps_line(mm, vma, buf, need + 1);
	buf[need] = '\0';
	return buf;
}

size_t shim_maps_line_sized(const struct mm *mm, const struct vma *vma, size_t size, char *copy)
{
	/* exactly `size` bytes: ASan catches a write past them (even for 0) */
	char *buf = malloc(size);
	size_t ret;

	if (!buf && size)
		return (size_t)-1;
	if (size)
		memset(buf, '#', size);
	ret = mm_format_maps_line(mm, vma, buf, size);
	if (size)
		memcpy(copy, buf, size);
	copy[size] = '\0';
	free(buf);
	return ret;
}

static char *capture(const struct mm *mm, void (*print)(const struct mm *, FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	print(mm, out);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

char *shim_maps_print(const struct mm *mm)
{
	return capture(mm, mm_print_maps);
}

char *shim_maps_print_vmflags(const struct mm *mm)
{
	return capture(mm, mm_print_maps_vmflags);
}

/* Every one of 64 bits set prints at most "xx " each. */
#define VMFLAGS_MAX (64 * 3 + 1)

char *shim_maps_flags(vm_flags_t flags)
{
	char *buf = malloc(VMFLAGS_MAX + 64);

	if (!buf)
		return NULL;
	memset(buf, 0, VMFLAGS_MAX + 64);
	vm_flags_format(flags, buf, VMFLAGS_MAX + 64);
	return buf;
}

char *shim_maps_vmflags_line(vm_flags_t flags)
{
	char codes[VMFLAGS_MAX + 64];
	char *line = malloc(sizeof("VmFlags: \n") + sizeof(codes));

	if (!line)
		return NULL;
	memset(codes, 0, sizeof(codes));
	vm_flags_format(flags, codes, sizeof(codes));
	codes[sizeof(codes) - 1] = '\0';
	sprintf(line, "VmFlags: %s\n", codes);
	return line;
}

void shim_maps_free(void *p)
{
	free(p);
}

/* ---- reading /proc without allocating ----------------------------------- */

/* Lines of a /proc file, read into a static buffer (core/proclines.h);
 * tests are single threaded. */
static char reader_buf[1 << 16];
static struct proc_lines reader;

static int lr_open(struct proc_lines *lr, const char *path)
{
	return proc_lines_open(lr, path, reader_buf, sizeof(reader_buf));
}

/* The inode number and the name of a maps line (name NULL if none). */
static void parse_ino_name(const char *line, size_t len, uint64_t *ino, const char **name,
			   size_t *namelen)
{
	size_t i = 0;
	int field = 0;

	*ino = 0;
	*name = NULL;
	*namelen = 0;
	/* fields: range perms offset dev inode; then spaces, then the name */
	while (i < len && field < 4) {
		while (i < len && line[i] != ' ')
			i++;
		while (i < len && line[i] == ' ')
			i++;
		field++;
	}
	while (i < len && line[i] >= '0' && line[i] <= '9')
		*ino = *ino * 10 + (uint64_t)(line[i++] - '0');
	while (i < len && line[i] == ' ')
		i++;
	size_t e = len;
	if (e > i && line[e - 1] == '\n')
		e--;
	if (e > i) {
		*name = line + i;
		*namelen = e - i;
	}
}

/* A fixed-capacity text buffer, allocated before the window exists. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool overflow;
};

static int sbuf_init(struct sbuf *b, size_t cap)
{
	b->p = malloc(cap);
	b->len = 0;
	b->cap = cap;
	b->overflow = false;
	if (!b->p)
		return -ENOMEM;
	b->p[0] = '\0';
	return 0;
}

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->overflow = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sbuf_str(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

/* Copy /proc/self/maps and smaps lines of VMAs overlapping [lo, hi). */
static int capture_window(uint64_t lo, uint64_t hi, struct sbuf *maps, struct sbuf *smaps,
			  struct sbuf *vmflags)
{
	const char *line;
	size_t len;
	uint64_t s, e;
	int rc;

	rc = lr_open(&reader, "/proc/self/maps");
	if (rc)
		return rc;
	while ((rc = proc_lines_next(&reader, &line, &len)) > 0)
		if (proc_maps_range(line, len, &s, &e) && s < hi && e > lo)
			sbuf_add(maps, line, len);
	proc_lines_close(&reader);
	if (rc < 0)
		return rc;

	rc = lr_open(&reader, "/proc/self/smaps");
	if (rc)
		return rc;
	bool in = false;
	while ((rc = proc_lines_next(&reader, &line, &len)) > 0) {
		if (proc_maps_range(line, len, &s, &e)) {
			in = s < hi && e > lo;
			if (in)
				sbuf_add(smaps, line, len);
		} else if (in && len >= 8 && memcmp(line, "VmFlags:", 8) == 0) {
			sbuf_add(smaps, line, len);
			sbuf_add(vmflags, line, len);
		}
	}
	proc_lines_close(&reader);
	return rc < 0 ? rc : 0;
}

/* ---- live scenarios ------------------------------------------------------ */

static struct shim_op op_base(int kind, unsigned page, unsigned npages)
{
	struct shim_op op;

	memset(&op, 0, sizeof(op));
	op.kind = kind;
	op.backing = SHIM_ANON;
	op.page = page;
	op.npages = npages;
	return op;
}

struct shim_op shim_op_mmap(unsigned page, unsigned npages, int prot, int flags)
{
	struct shim_op op = op_base(SHIM_OP_MMAP, page, npages);

	op.prot = prot;
	op.flags = flags;
	return op;
}

struct shim_op shim_op_mmap_fd(int backing, unsigned page, unsigned npages, int prot, int flags,
			       uint64_t pgoff)
{
	struct shim_op op = shim_op_mmap(page, npages, prot, flags);

	op.backing = backing;
	op.pgoff = pgoff;
	return op;
}

struct shim_op shim_op_mprotect(unsigned page, unsigned npages, int prot)
{
	struct shim_op op = op_base(SHIM_OP_MPROTECT, page, npages);

	op.prot = prot;
	return op;
}

struct shim_op shim_op_madvise(unsigned page, unsigned npages, int advice)
{
	struct shim_op op = op_base(SHIM_OP_MADVISE, page, npages);

	op.arg = advice;
	return op;
}

struct shim_op shim_op_mlock(unsigned page, unsigned npages, int mlock2_flags)
{
	struct shim_op op = op_base(SHIM_OP_MLOCK, page, npages);

	op.arg = mlock2_flags;
	return op;
}

struct shim_op shim_op_munlock(unsigned page, unsigned npages)
{
	return op_base(SHIM_OP_MUNLOCK, page, npages);
}

struct shim_op shim_op_mseal(unsigned page, unsigned npages)
{
	return op_base(SHIM_OP_MSEAL, page, npages);
}

struct shim_op shim_op_munmap(unsigned page, unsigned npages)
{
	return op_base(SHIM_OP_MUNMAP, page, npages);
}

struct shim_op shim_op_touch(unsigned page, unsigned npages)
{
	return op_base(SHIM_OP_TOUCH, page, npages);
}

struct shim_op shim_op_fails(struct shim_op op, int err)
{
	op.expect_errno = err;
	return op;
}

struct shim_vma shim_vma_anon(unsigned page, unsigned npages, vm_flags_t flags)
{
	struct shim_vma v;

	memset(&v, 0, sizeof(v));
	v.backing = SHIM_ANON;
	v.page = page;
	v.npages = npages;
	v.flags = flags;
	return v;
}

struct shim_vma shim_vma_file(int backing, unsigned page, unsigned npages, vm_flags_t flags,
			      uint64_t pgoff)
{
	struct shim_vma v = shim_vma_anon(page, npages, flags);

	v.backing = backing;
	v.pgoff = pgoff;
	return v;
}

/* The files a scenario maps, opened before the window is reserved. */
struct live_files {
	int memfd, reopen, devzero;
	struct stat memfd_st, devzero_st;
};

static bool in_window(unsigned page, unsigned npages)
{
	return page >= 1 && npages >= 1 && page + npages <= SHIM_WINDOW_PAGES - 1;
}

static int open_files(const struct shim_op *ops, size_t nops, const struct shim_vma *vmas,
		      size_t nvmas, struct live_files *f)
{
	bool memfd = false, reopen = false, devzero = false;

	for (size_t i = 0; i < nops + nvmas; i++) {
		int b = i < nops ? ops[i].backing : vmas[i - nops].backing;

		memfd |= b == SHIM_MEMFD || b == SHIM_MEMFD_REOPEN;
		reopen |= b == SHIM_MEMFD_REOPEN;
		devzero |= b == SHIM_DEVZERO;
	}
	if (memfd) {
		f->memfd = memfd_create("mmsim-test", MFD_CLOEXEC);
		if (f->memfd < 0)
			return -errno;
		/* 16 pages: scenarios map pgoff up to 15 */
		if (ftruncate(f->memfd, 16 * (off_t)SHIM_PAGE) != 0 ||
		    fstat(f->memfd, &f->memfd_st) != 0)
			return -errno;
	}
	if (reopen) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", f->memfd);
		f->reopen = open(path, O_RDWR | O_CLOEXEC);
		if (f->reopen < 0)
			return -errno;
	}
	if (devzero) {
		f->devzero = open("/dev/zero", O_RDWR | O_CLOEXEC);
		if (f->devzero < 0 || fstat(f->devzero, &f->devzero_st) != 0)
			return -errno;
	}
	return 0;
}

static void close_files(struct live_files *f)
{
	if (f->memfd >= 0)
		close(f->memfd);
	if (f->reopen >= 0)
		close(f->reopen);
	if (f->devzero >= 0)
		close(f->devzero);
}

static const char *op_name(int kind)
{
	static const char *const names[] = {
		[SHIM_OP_MMAP] = "mmap", [SHIM_OP_MPROTECT] = "mprotect",
		[SHIM_OP_MADVISE] = "madvise", [SHIM_OP_MLOCK] = "mlock2",
		[SHIM_OP_MUNLOCK] = "munlock", [SHIM_OP_MSEAL] = "mseal",
		[SHIM_OP_MUNMAP] = "munmap", [SHIM_OP_TOUCH] = "touch",
	};

	return kind >= 0 && kind <= SHIM_OP_TOUCH ? names[kind] : "?";
}

static const char *backing_name(int backing)
{
	switch (backing) {
	case SHIM_MEMFD: return "memfd";
	case SHIM_MEMFD_REOPEN: return "memfd-reopened";
	case SHIM_DEVZERO: return "/dev/zero";
	default: return "-1";
	}
}

/* Perform one op; returns 0 or the errno it failed with. */
static int do_op(const struct shim_op *op, char *base, const struct live_files *f)
{
	char *addr = base + (size_t)op->page * SHIM_PAGE;
	size_t len = (size_t)op->npages * SHIM_PAGE;
	long rc;

	switch (op->kind) {
	case SHIM_OP_MMAP: {
		int fd = -1;
		int flags = op->flags | MAP_FIXED_NOREPLACE;

		switch (op->backing) {
		case SHIM_MEMFD: fd = f->memfd; break;
		case SHIM_MEMFD_REOPEN: fd = f->reopen; break;
		case SHIM_DEVZERO: fd = f->devzero; break;
		default: flags |= MAP_ANONYMOUS; break;
		}
		void *p = mmap(addr, len, op->prot, flags, fd, (off_t)(op->pgoff * SHIM_PAGE));
		if (p == MAP_FAILED)
			return errno;
		if (p != addr) {
			/* a kernel without MAP_FIXED_NOREPLACE placed it elsewhere */
			munmap(p, len);
			return EOPNOTSUPP;
		}
		return 0;
	}
	case SHIM_OP_MPROTECT:
		rc = mprotect(addr, len, op->prot);
		break;
	case SHIM_OP_MADVISE:
		rc = madvise(addr, len, op->arg);
		break;
	/* Raw syscalls: ASan's runtime intercepts mlock/munlock and turns
	 * them into no-ops, which would leave the sanitized run's maps
	 * different from the scenario. */
	case SHIM_OP_MLOCK:
		rc = syscall(SYS_mlock2, addr, len, (unsigned long)op->arg);
		break;
	case SHIM_OP_MUNLOCK:
		rc = syscall(SYS_munlock, addr, len);
		break;
	case SHIM_OP_MSEAL:
		rc = syscall(SYS_mseal, addr, len, 0UL);
		break;
	case SHIM_OP_MUNMAP:
		rc = munmap(addr, len);
		break;
	case SHIM_OP_TOUCH:
		for (size_t i = 0; i < len; i += SHIM_PAGE)
			((volatile char *)addr)[i] = 1;
		return 0;
	default:
		return EINVAL;
	}
	return rc == 0 ? 0 : errno;
}

static void trace_op(struct sbuf *trace, const struct shim_op *op, int err)
{
	char line[256];

	snprintf(line, sizeof(line), "%s(W+%#x, %#x",
		 op_name(op->kind), op->page * (unsigned)SHIM_PAGE,
		 op->npages * (unsigned)SHIM_PAGE);
	sbuf_str(trace, line);
	switch (op->kind) {
	case SHIM_OP_MMAP:
		snprintf(line, sizeof(line), ", prot %#x, flags %#x|MAP_FIXED_NOREPLACE, %s, %#" PRIx64 ")",
			 (unsigned)op->prot, (unsigned)op->flags, backing_name(op->backing),
			 op->pgoff * SHIM_PAGE);
		break;
	case SHIM_OP_MPROTECT:
		snprintf(line, sizeof(line), ", prot %#x)", (unsigned)op->prot);
		break;
	case SHIM_OP_MADVISE:
	case SHIM_OP_MLOCK:
		snprintf(line, sizeof(line), ", %d)", op->arg);
		break;
	case SHIM_OP_MSEAL:
		snprintf(line, sizeof(line), ", 0)");
		break;
	default:
		snprintf(line, sizeof(line), ")");
		break;
	}
	sbuf_str(trace, line);
	if (err)
		snprintf(line, sizeof(line), " = -1 %s%s\n", strerrorname_np(err) ? strerrorname_np(err) : "?",
			 err == op->expect_errno ? "" : "   <-- unexpected");
	else
		snprintf(line, sizeof(line), " = 0%s\n", op->expect_errno ? "   <-- expected to fail" : "");
	sbuf_str(trace, line);
}

/* The inode number of the real maps line that starts at `start`. */
static uint64_t real_ino_at(const char *maps, uint64_t start)
{
	const char *line = maps;

	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl + 1 - line) : strlen(line);
		uint64_t s, e, ino;
		const char *name;
		size_t namelen;

		if (proc_maps_range(line, len, &s, &e) && s == start) {
			parse_ino_name(line, len, &ino, &name, &namelen);
			return ino;
		}
		line += len;
	}
	return 0;
}

static char *dup_or_empty(const struct sbuf *b)
{
	const char *s = b->p ? b->p : "";
	char *d = malloc(strlen(s) + 1);

	if (d)
		strcpy(d, s);
	return d;
}

/* Build the model of the scenario into mm and render it into out. */
static int build_model(const struct shim_vma *vmas, size_t nvmas, uint64_t base,
		       const struct live_files *f, const char *real_maps, struct sbuf *trace,
		       struct shim_live *out)
{
	struct mm mm;
	struct file *memfd_file = NULL, *reopen_file = NULL, *devzero_file = NULL;
	int err = 0;
	FILE *lines, *flags;

	shim_maps_mm_init(&mm);
	if (f->memfd >= 0) {
		memfd_file = shim_maps_file(INODE_MEMFD, 0, 1, (uint64_t)f->memfd_st.st_ino,
					    "/memfd:mmsim-test (deleted)",
					    FILE_MODE_READ | FILE_MODE_WRITE);
		if (!memfd_file)
			err = ENOMEM;
		else if (f->reopen >= 0 &&
			 !(reopen_file = file_open(memfd_file->inode, FILE_MODE_READ | FILE_MODE_WRITE)))
			err = ENOMEM;
	}
	if (f->devzero >= 0) {
		devzero_file = shim_maps_file(INODE_DEVZERO, major(f->devzero_st.st_dev),
					      minor(f->devzero_st.st_dev),
					      (uint64_t)f->devzero_st.st_ino, "/dev/zero",
					      FILE_MODE_READ | FILE_MODE_WRITE);
		if (!devzero_file)
			err = ENOMEM;
	}

	for (size_t i = 0; i < nvmas && !err; i++) {
		const struct shim_vma *v = &vmas[i];
		uint64_t start = base + (uint64_t)v->page * PAGE_SIZE;
		uint64_t end = start + (uint64_t)v->npages * PAGE_SIZE;
		struct file *file = NULL, *own = NULL;
		uint64_t pgoff = v->pgoff;

		switch (v->backing) {
		case SHIM_ANON: pgoff = start >> PAGE_SHIFT; break;
		case SHIM_MEMFD: file = memfd_file; break;
		case SHIM_MEMFD_REOPEN: file = reopen_file; break;
		case SHIM_DEVZERO: file = devzero_file; break;
		case SHIM_SHMEM_ANON:
			/* each shared anonymous map has its own shmem inode,
			 * numbered by the kernel: take it from the real line */
			file = own = shim_maps_file(INODE_SHMEM_ANON, 0, 1,
						    real_ino_at(real_maps, start),
						    "/dev/zero (deleted)",
						    FILE_MODE_READ | FILE_MODE_WRITE);
			if (!own)
				err = ENOMEM;
			break;
		}
		if (!err && !shim_maps_add(&mm, start, end, v->flags, pgoff, file, VMA_NORMAL)) {
			char msg[128];

			snprintf(msg, sizeof(msg), "model: cannot add VMA %zu (W+%#x-W+%#x)\n", i,
				 v->page * (unsigned)PAGE_SIZE,
				 (v->page + v->npages) * (unsigned)PAGE_SIZE);
			sbuf_str(trace, msg);
			err = EINVAL;
		}
		if (own)
			file_put(own);
	}
	if (memfd_file)
		file_put(memfd_file);
	if (reopen_file)
		file_put(reopen_file);
	if (devzero_file)
		file_put(devzero_file);

	if (!err) {
		/* per VMA, in the order the test listed them (address order) */
		char *ltext = NULL, *ftext = NULL;
		size_t llen = 0, flen = 0;

		lines = open_memstream(&ltext, &llen);
		flags = open_memstream(&ftext, &flen);
		for (size_t i = 0; lines && flags && i < nvmas; i++) {
			uint64_t start = base + (uint64_t)vmas[i].page * PAGE_SIZE;
			const struct vma *vma = mm_vma_lookup(&mm, start);
			char *l = vma ? shim_maps_line(&mm, vma) : NULL;
			char *fl = shim_maps_vmflags_line(vmas[i].flags);

			fputs(l ? l : "(no line)\n", lines);
			fputs(fl ? fl : "(no flags)\n", flags);
			free(l);
			free(fl);
		}
		if (lines)
			fclose(lines);
		if (flags)
			fclose(flags);
		out->model_lines = ltext;
		out->model_vmflags = ftext;
		out->model_maps = shim_maps_print(&mm);
		out->model_smaps = shim_maps_print_vmflags(&mm);
	}
	mm_destroy(&mm);
	return err;
}

int shim_live_run(const struct shim_op *ops, size_t nops, const struct shim_vma *vmas,
		  size_t nvmas, struct shim_live *out)
{
	struct live_files f = { .memfd = -1, .reopen = -1, .devzero = -1 };
	struct sbuf trace = { 0 }, maps = { 0 }, smaps = { 0 }, vmflags = { 0 };
	size_t win_len = (size_t)SHIM_WINDOW_PAGES * SHIM_PAGE;
	char *base = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->failed_op = -1;
	for (size_t i = 0; i < nops; i++)
		if (!in_window(ops[i].page, ops[i].npages))
			err = EINVAL;
	for (size_t i = 0; i < nvmas; i++)
		if (!in_window(vmas[i].page, vmas[i].npages))
			err = EINVAL;
	if (err) {
		out->error = err;
		return -err;
	}

	if (sbuf_init(&trace, 1 << 14) || sbuf_init(&maps, 1 << 14) ||
	    sbuf_init(&smaps, 1 << 15) || sbuf_init(&vmflags, 1 << 14)) {
		err = ENOMEM;
		goto out;
	}
	err = -open_files(ops, nops, vmas, nvmas, &f);
	if (err)
		goto out;

	/* Find a free window, give it back, then map inside it with
	 * MAP_FIXED_NOREPLACE. No allocation from here to the capture. */
	base = mmap(NULL, win_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED) {
		base = NULL;
		err = errno;
		goto out;
	}
	munmap(base, win_len);
	out->window = (uint64_t)(uintptr_t)base;
	{
		char line[64];

		snprintf(line, sizeof(line), "W = %p\n", (void *)base);
		sbuf_str(&trace, line);
	}

	for (size_t i = 0; i < nops; i++) {
		int e = do_op(&ops[i], base, &f);

		trace_op(&trace, &ops[i], e);
		if (e != ops[i].expect_errno) {
			err = e ? e : EPROTO;
			out->failed_op = (int)i;
			break;
		}
	}

	{
		int rc = capture_window((uint64_t)(uintptr_t)base, (uint64_t)(uintptr_t)base + win_len,
					&maps, &smaps, &vmflags);
		if (rc && !err)
			err = -rc;
	}
	/* Unmap page by page: a sealed page refuses (EPERM) and stays. */
	for (unsigned p = 0; p < SHIM_WINDOW_PAGES; p++)
		munmap(base + (size_t)p * SHIM_PAGE, SHIM_PAGE);

	if (maps.overflow || smaps.overflow || vmflags.overflow)
		err = err ? err : E2BIG;

	{
		int merr = build_model(vmas, nvmas, (uint64_t)(uintptr_t)base, &f, maps.p, &trace, out);

		if (merr && !err)
			err = merr;
	}

out:
	close_files(&f);
	out->error = err;
	out->trace = dup_or_empty(&trace);
	out->real_maps = dup_or_empty(&maps);
	out->real_smaps = dup_or_empty(&smaps);
	out->real_vmflags = dup_or_empty(&vmflags);
	free(trace.p);
	free(maps.p);
	free(smaps.p);
	free(vmflags.p);
	return -err;
}

void shim_live_release(struct shim_live *out)
{
	free(out->trace);
	free(out->real_maps);
	free(out->real_smaps);
	free(out->real_vmflags);
	free(out->model_lines);
	free(out->model_maps);
	free(out->model_smaps);
	free(out->model_vmflags);
	memset(out, 0, sizeof(*out));
}

int shim_have_mseal(void)
{
	long rc = syscall(SYS_mseal, 0UL, 0UL, 0UL);

	return rc == 0 || errno != ENOSYS;
}

int shim_have_fixed_noreplace(void)
{
	char *p = mmap(NULL, 2 * SHIM_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int have;

	if (p == MAP_FAILED)
		return 0;
	void *q = mmap(p, SHIM_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	have = q == MAP_FAILED && errno == EEXIST;
	if (q != MAP_FAILED && q != p)
		munmap(q, SHIM_PAGE);
	munmap(p, 2 * SHIM_PAGE);
	return have;
}

int shim_have_droppable(void)
{
	void *p = mmap(NULL, SHIM_PAGE, PROT_READ | PROT_WRITE, SHIM_MAP_DROPPABLE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, SHIM_PAGE);
	return 1;
}

/* ---- whole-process views ------------------------------------------------- */

static void copy_line(char *dst, size_t cap, const char *line, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, line, len);
	dst[len] = '\0';
}

int shim_real_named(const char *name, struct shim_real_vma *out, int max)
{
	const char *line, *n;
	size_t len, nlen, want = strlen(name);
	uint64_t s, e, ino;
	int count = 0, rc;

	rc = lr_open(&reader, "/proc/self/maps");
	if (rc)
		return rc;
	while ((rc = proc_lines_next(&reader, &line, &len)) > 0 && count < max) {
		if (!proc_maps_range(line, len, &s, &e))
			continue;
		parse_ino_name(line, len, &ino, &n, &nlen);
		if (!n || nlen != want || memcmp(n, name, want) != 0)
			continue;
		memset(&out[count], 0, sizeof(out[count]));
		out[count].start = s;
		out[count].end = e;
		out[count].ino = ino;
		copy_line(out[count].maps_line, sizeof(out[count].maps_line), line, len);
		count++;
	}
	proc_lines_close(&reader);
	if (rc < 0)
		return rc;

	rc = lr_open(&reader, "/proc/self/smaps");
	if (rc)
		return rc;
	int cur = -1;
	while ((rc = proc_lines_next(&reader, &line, &len)) > 0) {
		if (proc_maps_range(line, len, &s, &e)) {
			cur = -1;
			for (int i = 0; i < count; i++)
				if (out[i].start == s) {
					cur = i;
					copy_line(out[i].smaps_line, sizeof(out[i].smaps_line), line, len);
				}
		} else if (cur >= 0 && len >= 8 && memcmp(line, "VmFlags:", 8) == 0) {
			copy_line(out[cur].vmflags, sizeof(out[cur].vmflags), line, len);
		}
	}
	proc_lines_close(&reader);
	return rc < 0 ? rc : count;
}

int shim_real_last(struct shim_real_vma *out)
{
	const char *line, *n;
	size_t len, nlen;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lr_open(&reader, "/proc/self/maps");
	if (rc)
		return rc;
	while ((rc = proc_lines_next(&reader, &line, &len)) > 0)
		if (proc_maps_range(line, len, &out->start, &out->end)) {
			copy_line(out->maps_line, sizeof(out->maps_line), line, len);
			parse_ino_name(line, len, &out->ino, &n, &nlen);
		}
	proc_lines_close(&reader);
	if (rc < 0)
		return rc;

	rc = lr_open(&reader, "/proc/self/smaps");
	if (rc)
		return rc;
	while ((rc = proc_lines_next(&reader, &line, &len)) > 0) {
		uint64_t s, e;

		if (proc_maps_range(line, len, &s, &e))
			copy_line(out->smaps_line, sizeof(out->smaps_line), line, len);
		else if (len >= 8 && memcmp(line, "VmFlags:", 8) == 0)
			copy_line(out->vmflags, sizeof(out->vmflags), line, len);
	}
	proc_lines_close(&reader);
	return rc < 0 ? rc : 0;
}

int shim_proc_stat_field(unsigned field, uint64_t *value)
{
	char buf[4096];
	ssize_t n;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';

	/* "pid (comm) state ppid ...": comm may hold spaces and ')' */
	char *p = strrchr(buf, ')');
	if (!p || field < 3)
		return -EINVAL;
	p++;
	for (unsigned k = 3;; k++) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '\n')
			return -ENOENT;
		if (k == field) {
			char *end;

			errno = 0;
			*value = strtoull(p, &end, 10);
			return end == p || errno ? -EINVAL : 0;
		}
		while (*p && *p != ' ' && *p != '\n')
			p++;
	}
}

uint64_t shim_brk_now(void)
{
	return (uint64_t)(uintptr_t)sbrk(0);
}

int shim_heap_ensure(void)
{
	struct shim_real_vma heap[1];
	int n = shim_real_named("[heap]", heap, 1);

	if (n < 0)
		return n;
	if (n > 0)
		return 0;
	if (sbrk((intptr_t)SHIM_PAGE) == (void *)-1)
		return -errno;
	return 0;
}
