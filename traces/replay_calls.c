/* Judging each call of a log: decode its arguments, adopt what the log
 * proves but never showed, run the syscall entry, compare.
 *
 * Adoption (the verdict is then "inferred", not "agree"):
 *   - a range call (mprotect, pkey_mprotect, madvise, mseal, mremap) the
 *     kernel carried out over addresses the model holds nothing at: the
 *     holes become private anonymous VMAs (what the program's loader
 *     mapped before the log began), with every VM_MAY* bit;
 *   - a descriptor the model never saw opened that the kernel used
 *     successfully: a file at that number, a memfd if -y says /memfd:;
 *   - the heap: the first brk() tells where it is;
 *   - a path outside the model that opened, or a program that exec'd.
 * Reads and writes of files outside the model (their bytes), paths that
 * failed to open, and fcntl commands other than seals and F_DUPFD are
 * unmodelled.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/files.h"
#include "syscalls/sys.h"
#include "traces/replay_internal.h"
#include "vma/modify.h"

#define MALFORMED (-1)

/* x86_64 syscall numbers (facts). */
enum {
	X_READ = 0, X_WRITE = 1, X_OPEN = 2, X_CLOSE = 3, X_LSEEK = 8, X_MMAP = 9, X_MPROTECT = 10,
	X_MUNMAP = 11, X_BRK = 12, X_PREAD64 = 17, X_PWRITE64 = 18, X_MREMAP = 25, X_MADVISE = 28,
	X_DUP = 32, X_DUP2 = 33, X_CLONE = 56, X_FORK = 57, X_VFORK = 58, X_EXECVE = 59, X_EXIT = 60,
	X_FCNTL = 72, X_FTRUNCATE = 77, X_FCHMOD = 91, X_EXIT_GROUP = 231, X_OPENAT = 257,
	X_UNSHARE = 272, X_FALLOCATE = 285, X_DUP3 = 292, X_MEMFD_CREATE = 319, X_EXECVEAT = 322,
	X_PKEY_MPROTECT = 329, X_PKEY_ALLOC = 330, X_PKEY_FREE = 331, X_CLONE3 = 435,
	X_CLOSE_RANGE = 436, X_MSEAL = 462, X_PIPE = 22, X_PIPE2 = 293,
};

#define AT_FDCWD_VALUE (-100)
#define O_CLOEXEC_BIT 02000000

/* ---- arguments ---------------------------------------------------------- */

/* At most 80 bytes of t, as strace would print them: other bytes octal,
 * so that a garbled line does not garble the terminal. */
static void print_text(FILE *out, struct trace_text t)
{
	for (size_t k = 0; k < t.len && k < 80; k++) {
		unsigned char ch = (unsigned char)t.s[k];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			fputc(ch, out);
		else
			fprintf(out, "\\%o", ch);
	}
}

static int malformed(struct call *c, size_t i, const char *what)
{
	fprintf(stderr, "%s:%" PRIu64 ": %.*s: argument %zu is not %s: '", c->ev->file ? c->ev->file : "-",
		c->ev->line, (int)c->ev->name.len, c->ev->name.s, i + 1, what);
	if (i < c->args.n)
		print_text(stderr, c->args.arg[i]);
	fputs("'\n", stderr);
	return MALFORMED;
}

static int num(struct call *c, size_t i, uint64_t *v)
{
	if (i >= c->args.n || trace_arg_int(c->args.arg[i], v))
		return malformed(c, i, "a number");
	return 0;
}

static int flags(struct call *c, size_t i, const struct trace_names *table, uint64_t *v)
{
	if (i >= c->args.n || trace_arg_flags(c->args.arg[i], table, v))
		return malformed(c, i, table->what);
	return 0;
}

/* A string argument into buf; *is_null for NULL or an unreadable pointer. */
static int str(struct call *c, size_t i, char *buf, size_t size, size_t *len, bool *is_null)
{
	bool cut;

	if (i >= c->args.n || trace_arg_string(c->args.arg[i], buf, size, len, &cut, is_null))
		return malformed(c, i, "a string");
	return 0;
}

/* ---- adoption ----------------------------------------------------------- */

static vm_flags_t vm_of_prot(uint64_t prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
}

/* Make the holes of [start, start + len) private anonymous VMAs. */
static void adopt_range(struct call *c, uint64_t start, uint64_t len, uint64_t prot)
{
	struct mm *mm = c->t->mm;
	uint64_t end = page_align(start + len), at = start & PAGE_MASK;

	/* the end of an unaligned start's range is its own page's end */
	if (start + len < start || end <= at || end > TASK_SIZE)
		return;
	while (at < end) {
		struct vma *v = store_find(&mm->vmas, at), *nv, *placed;
		uint64_t hole_end = v && v->start < end ? v->start : end;

		if (v && v->start <= at) {
			at = v->end;
			continue;
		}
		nv = vma_new(at, hole_end, vm_of_prot(prot), pages(at), NULL);
		if (!nv)
			return;
		nv->origin = (struct vma_origin){ .step = c->t->step, .nr = -1 };
		if (vma_map_new(mm, nv, &placed)) {
			vma_free(nv);
			return;
		}
		c->adopted = true;
		at = hole_end;
	}
}

/* Put a new open file of inode (access mode) at exactly fd, replacing
 * whatever the model had there: the kernel's numbering wins. The file at
 * fd, or NULL when out of memory. */
static struct file *install_at(struct call *c, struct inode *inode, unsigned mode, bool cloexec,
			       int64_t fd)
{
	struct file *file = file_open(inode, mode);

	if (!file)
		return NULL;
	if (files_lookup(c->t->files, fd))
		files_close(c->t->files, fd);
	files_install(c->t->files, file, cloexec, (uint64_t)fd);
	file_put(file);
	return files_lookup(c->t->files, fd);
}

/* The file at fd, adopting one when the kernel used it successfully and
 * the model never saw it open. */
static struct file *fd_file(struct call *c, size_t argi, int64_t fd)
{
	struct file *file;
	struct inode *inode;
	char path[512];
	bool deleted = false;

	if (fd < 0 || !c->t->files)
		return NULL;
	file = files_lookup(c->t->files, fd);
	if (file || c->kernel == -EBADF)
		return file;
	if (argi >= c->args.n || trace_arg_fd_path(c->args.arg[argi], path, sizeof(path), &deleted))
		snprintf(path, sizeof(path), "?");
	if (deleted && strlen(path) + 11 < sizeof(path))
		strcat(path, " (deleted)");
	inode = inode_new(strncmp(path, "/memfd:", 7) ? INODE_REGULAR : INODE_MEMFD, 0, 0, 0, path);
	if (!inode)
		return NULL;
	if (inode->kind == INODE_MEMFD)
		inode->mode = 0777;
	file = install_at(c, inode, FILE_MODE_READ | FILE_MODE_WRITE, false, fd);
	inode_put(inode);
	c->adopted = file != NULL;
	return file;
}

/* A new descriptor is the lowest free one from floor: when the kernel
 * gave fd, every one in [floor, fd) was open, even those the log never
 * showed (inherited ones): adopt them. */
static void adopt_fds_below(struct call *c, uint64_t floor, int64_t fd)
{
	struct inode *inode = NULL;

	if (fd < 0 || !c->t->files)
		return;
	/* a result past the table's limit (a garbled log) adopts no more
	 * than the table may hold: one at a time, it would never end */
	for (int64_t k = (int64_t)floor; k < fd && (uint64_t)k < c->t->files->max_fds; k++) {
		if (files_lookup(c->t->files, k))
			continue;
		if (!inode && !(inode = inode_new(INODE_REGULAR, 0, 0, 0, "(inherited)")))
			return;
		install_at(c, inode, FILE_MODE_READ | FILE_MODE_WRITE, false, k);
		c->adopted = true;
	}
	inode_put(inode);
}

static bool model_knows_bytes(const struct file *file)
{
	return inode_is_shmem(file->inode) || file->inode->kind == INODE_SYSCTL;
}

/* ---- the calls ---------------------------------------------------------- */

static int do_mmap(struct call *c)
{
	uint64_t a[6], prot, fl;
	struct task *t = c->t;
	int64_t ret;

	c->hex = true;
	if (num(c, 0, &a[0]) || num(c, 1, &a[1]) || flags(c, 2, &trace_names_prot, &prot) ||
	    flags(c, 3, &trace_names_map, &fl) || num(c, 4, &a[4]) || num(c, 5, &a[5]))
		return MALFORMED;
	if (!(fl & MAP_ANONYMOUS))
		fd_file(c, 4, (int64_t)(int32_t)a[4]);
	if (c->kernel < 0)
		return replay_judge(c, sys_mmap(t, a[0], a[1], prot, fl, (int64_t)(int32_t)a[4], a[5]));
	/* Placed where the kernel put it; how often the model would have
	 * chosen the same address is counted. */
	if (!(fl & (MAP_FIXED | MAP_FIXED_NOREPLACE))) {
		int64_t own = sys_mmap_placement(t, a[0], a[1], fl, (int64_t)(int32_t)a[4], a[5]);

		c->r->placement_total++;
		c->r->placement_same += own == c->kernel;
		fl |= MAP_FIXED_NOREPLACE;
		a[0] = (uint64_t)c->kernel;
	}
	ret = sys_mmap(t, a[0], a[1], prot, fl, (int64_t)(int32_t)a[4], a[5]);
	return replay_judge(c, ret);
}

static int do_munmap(struct call *c)
{
	uint64_t addr, len;

	if (num(c, 0, &addr) || num(c, 1, &len))
		return MALFORMED;
	return replay_judge(c, sys_munmap(c->t, addr, len));
}

static int do_mprotect(struct call *c)
{
	bool with_pkey = c->nr == X_PKEY_MPROTECT;
	uint64_t addr, len, prot, pkey = 0;

	if (num(c, 0, &addr) || num(c, 1, &len) || flags(c, 2, &trace_names_prot, &prot) ||
	    (with_pkey && num(c, 3, &pkey)))
		return MALFORMED;
	if (c->kernel == 0)
		adopt_range(c, addr, len, prot);
	if (with_pkey)
		return replay_judge(c, sys_pkey_mprotect(c->t, addr, len, prot, (int64_t)pkey));
	return replay_judge(c, sys_mprotect(c->t, addr, len, prot));
}

static int do_madvise(struct call *c)
{
	uint64_t addr, len, advice;

	if (num(c, 0, &addr) || num(c, 1, &len) || flags(c, 2, &trace_names_madv, &advice))
		return MALFORMED;
	if (c->kernel == 0)
		adopt_range(c, addr, len, PROT_READ | PROT_WRITE);
	return replay_judge(c, sys_madvise(c->t, addr, len, (int64_t)(int32_t)advice));
}

static int do_mseal(struct call *c)
{
	uint64_t addr, len, fl;

	if (num(c, 0, &addr) || num(c, 1, &len) || num(c, 2, &fl))
		return MALFORMED;
	if (c->kernel == 0)
		adopt_range(c, addr, len, PROT_READ);
	return replay_judge(c, sys_mseal(c->t, addr, len, fl));
}

static int do_mremap(struct call *c)
{
	uint64_t old, old_len, new_len, fl, new_addr = 0;

	c->hex = true;
	if (num(c, 0, &old) || num(c, 1, &old_len) || num(c, 2, &new_len) ||
	    flags(c, 3, &trace_names_mremap, &fl) || (c->args.n > 4 && num(c, 4, &new_addr)))
		return MALFORMED;
	if (c->kernel >= 0 && !mm_vma_lookup(c->t->mm, old))
		adopt_range(c, old, old_len ? old_len : PAGE_SIZE, PROT_READ | PROT_WRITE);
	/* A move lands where the kernel put it, as mmap does. */
	if (c->kernel >= 0 && (uint64_t)c->kernel != old && (fl & MREMAP_MAYMOVE) && !(fl & MREMAP_FIXED)) {
		fl |= MREMAP_FIXED;
		new_addr = (uint64_t)c->kernel;
	}
	return replay_judge(c, sys_mremap(c->t, old, old_len, new_len, fl, new_addr));
}

static int do_brk(struct call *c)
{
	struct mm *mm = c->t->mm;
	uint64_t addr;

	c->hex = true;
	if (num(c, 0, &addr))
		return MALFORMED;
	/* Where exec put the heap is not in the log: the first brk says. */
	if (!mm->start_brk && !mm->brk && c->kernel > 0) {
		mm->start_brk = mm->brk = (uint64_t)c->kernel;
		if (addr)
			return REPLAY_INFERRED;
		c->adopted = true;
	}
	return replay_judge(c, sys_brk(c->t, addr));
}

static int do_pkey_alloc(struct call *c)
{
	uint64_t fl, rights;

	if (num(c, 0, &fl) || flags(c, 1, &trace_names_pkey, &rights))
		return MALFORMED;
	return replay_judge(c, sys_pkey_alloc(c->t, fl, rights));
}

static int do_pkey_free(struct call *c)
{
	uint64_t key;

	if (num(c, 0, &key))
		return MALFORMED;
	return replay_judge(c, sys_pkey_free(c->t, (int64_t)(int32_t)key));
}

static int do_memfd_create(struct call *c)
{
	char name[512];
	size_t len;
	bool is_null;
	uint64_t fl;

	if (str(c, 0, name, sizeof(name), &len, &is_null) || flags(c, 1, &trace_names_mfd, &fl))
		return MALFORMED;
	adopt_fds_below(c, 0, c->kernel);
	return replay_judge(c, sys_memfd_create(c->t, is_null ? NULL : name, fl));
}

#define F_DUPFD_CMD 0
#define F_GETFD_CMD 1
#define F_SETFD_CMD 2
#define F_DUPFD_CLOEXEC_CMD 1030
#define F_ADD_SEALS_CMD 1033
#define F_GET_SEALS_CMD 1034

static int do_fcntl(struct call *c)
{
	uint64_t fd, cmd, arg = 0;

	if (num(c, 0, &fd) || flags(c, 1, &trace_names_fcntl_cmd, &cmd))
		return MALFORMED;
	if (cmd != F_DUPFD_CMD && cmd != F_DUPFD_CLOEXEC_CMD && cmd != F_ADD_SEALS_CMD &&
	    cmd != F_GET_SEALS_CMD && cmd != F_GETFD_CMD && cmd != F_SETFD_CMD)
		return REPLAY_UNMODELLED;
	if (c->args.n > 2 &&
	    (cmd == F_ADD_SEALS_CMD ? flags(c, 2, &trace_names_seals, &arg)
	     : cmd == F_SETFD_CMD   ? flags(c, 2, &trace_names_fd_flags, &arg)
				    : num(c, 2, &arg)))
		return MALFORMED;
	c->hex = cmd == F_GET_SEALS_CMD || cmd == F_GETFD_CMD;
	fd_file(c, 0, (int64_t)(int32_t)fd);
	if (cmd == F_DUPFD_CMD || cmd == F_DUPFD_CLOEXEC_CMD)
		adopt_fds_below(c, arg, c->kernel);
	return replay_judge(c, sys_fcntl(c->t, (int64_t)(int32_t)fd, cmd, arg));
}

static int do_fd1(struct call *c)
{
	int nr = c->nr;
	uint64_t fd, b = 0, fl = 0;

	if (num(c, 0, &fd) || (nr != X_DUP && nr != X_CLOSE && num(c, 1, &b)) ||
	    (nr == X_DUP3 && flags(c, 2, &trace_names_open, &fl)))
		return MALFORMED;
	fd_file(c, 0, (int64_t)(int32_t)fd);
	if (nr == X_DUP)
		adopt_fds_below(c, 0, c->kernel);
	switch (nr) {
	case X_CLOSE: return replay_judge(c, sys_close(c->t, (int64_t)(int32_t)fd));
	case X_DUP: return replay_judge(c, sys_dup(c->t, (int64_t)(int32_t)fd));
	case X_DUP2: return replay_judge(c, sys_dup2(c->t, (int64_t)(int32_t)fd, (int64_t)(int32_t)b));
	default: return replay_judge(c, sys_dup3(c->t, (int64_t)(int32_t)fd, (int64_t)(int32_t)b, fl));
	}
}

static int do_close_range(struct call *c)
{
	uint64_t first, last, fl;

	if (num(c, 0, &first) || num(c, 1, &last) || flags(c, 2, &trace_names_close_range, &fl))
		return MALFORMED;
	return replay_judge(c, sys_close_range(c->t, (uint32_t)first, (uint32_t)last, fl));
}

/* ftruncate, fchmod, fallocate: judged on files whose state the model
 * holds; other files' sizes and modes are outside it. */
static int do_file_op(struct call *c)
{
	int nr = c->nr;
	uint64_t fd, a1, a2 = 0, a3 = 0;
	struct file *file;

	if (num(c, 0, &fd) || (nr == X_FALLOCATE ? flags(c, 1, &trace_names_falloc, &a1) : num(c, 1, &a1)) ||
	    (nr == X_FALLOCATE && (num(c, 2, &a2) || num(c, 3, &a3))))
		return MALFORMED;
	file = fd_file(c, 0, (int64_t)(int32_t)fd);
	if (file && !model_knows_bytes(file))
		return REPLAY_UNMODELLED;
	switch (nr) {
	case X_FTRUNCATE: return replay_judge(c, sys_ftruncate(c->t, (int64_t)(int32_t)fd, (int64_t)a1));
	case X_FCHMOD: return replay_judge(c, sys_fchmod(c->t, (int64_t)(int32_t)fd, a1));
	default: return replay_judge(c, sys_fallocate(c->t, (int64_t)(int32_t)fd, a1, (int64_t)a2, (int64_t)a3));
	}
}

/* read, pread64, write, pwrite64, lseek on memfds and the sysctl. */
static int do_rw(struct call *c)
{
	int nr = c->nr;
	static char buf[4096];
	uint64_t fd, len = 0, off = 0, whence = 0;
	size_t slen = 0;
	bool is_null = false;
	struct file *file;
	int64_t ifd;

	if (num(c, 0, &fd))
		return MALFORMED;
	ifd = (int64_t)(int32_t)fd;
	file = fd_file(c, 0, ifd);
	if (file && !model_knows_bytes(file))
		return REPLAY_UNMODELLED;
	if (nr == X_LSEEK) {
		if (num(c, 1, &off) || flags(c, 2, &trace_names_seek, &whence))
			return MALFORMED;
		return replay_judge(c, sys_lseek(c->t, ifd, (int64_t)off, whence));
	}
	if (num(c, 2, &len) || ((nr == X_PREAD64 || nr == X_PWRITE64) && num(c, 3, &off)))
		return MALFORMED;
	if ((nr == X_WRITE || nr == X_PWRITE64) && str(c, 1, buf, sizeof(buf), &slen, &is_null))
		return MALFORMED;
	switch (nr) {
	case X_READ: return replay_judge(c, sys_read(c->t, ifd, NULL, len));
	case X_PREAD64: return replay_judge(c, sys_pread64(c->t, ifd, NULL, len, (int64_t)off));
	case X_WRITE: return replay_judge(c, sys_write(c->t, ifd, is_null ? NULL : buf, len));
	default: return replay_judge(c, sys_pwrite64(c->t, ifd, is_null ? NULL : buf, len, (int64_t)off));
	}
}

/* open/openat: /proc/self/fd/N and the sysctl are the model's; another
 * path that opened becomes a file at the kernel's number (inferred), one
 * that did not is outside the model. */
static int do_open(struct call *c)
{
	int nr = c->nr;
	char path[1024];
	size_t len;
	bool is_null;
	uint64_t dirfd = (uint64_t)AT_FDCWD_VALUE, fl;
	size_t p = nr == X_OPENAT ? 1 : 0;
	struct inode *inode;
	int64_t ret;

	if ((nr == X_OPENAT && num(c, 0, &dirfd)) || str(c, p, path, sizeof(path), &len, &is_null) ||
	    flags(c, p + 1, &trace_names_open, &fl))
		return MALFORMED;
	adopt_fds_below(c, 0, c->kernel);
	ret = sys_openat(c->t, (int64_t)dirfd, is_null ? NULL : path, fl, 0);
	if (!c->t->refusal.unmodelled)
		return replay_judge(c, ret);
	if (c->kernel < 0)
		return REPLAY_UNMODELLED;
	inode = inode_new(INODE_REGULAR, 0, 0, 0, path);
	if (inode)
		install_at(c, inode, FILE_MODE_READ | FILE_MODE_WRITE, fl & O_CLOEXEC_BIT, c->kernel);
	inode_put(inode);
	return REPLAY_INFERRED;
}

static bool fd_path(const char *path)
{
	return !strncmp(path, "/proc/", 6) || !strncmp(path, "/dev/fd/", 8);
}

static int do_exec(struct call *c)
{
	int nr = c->nr;
	char path[1024];
	size_t len;
	bool is_null;
	uint64_t dirfd = 0, fl = 0;
	size_t p = nr == X_EXECVEAT ? 1 : 0;

	if ((nr == X_EXECVEAT && (num(c, 0, &dirfd) || flags(c, 4, &trace_names_at, &fl))) ||
	    str(c, p, path, sizeof(path), &len, &is_null))
		return MALFORMED;
	/* A path of the file system: the log says whether it ran. */
	if (!is_null && *path && !fd_path(path)) {
		if (c->kernel < 0)
			return REPLAY_UNMODELLED;
		task_exec(c->t);
		return REPLAY_INFERRED;
	}
	if (nr == X_EXECVE)
		return replay_judge(c, sys_execve(c->t, is_null ? NULL : path));
	return replay_judge(c, sys_execveat(c->t, (int64_t)(int32_t)dirfd, is_null ? NULL : path, fl));
}

/* The pid to give a child: the kernel's result when the child lives in
 * the initial pid namespace (strace's own numbers); else the result is
 * the child's pid in its namespace, and the child's lines will show its
 * real number: it waits to be bound (replay_task). */
static int64_t child_pid(struct call *c, uint64_t fl)
{
	const struct task *t = c->t;

	if (c->kernel <= 0)
		return 0;
	if (!(fl & CLONE_NEWPID_FLAG) && t->pidns_for_children == t->tasks->root)
		return c->kernel;
	return 0;
}

static int judge_clone(struct call *c, int64_t ret)
{
	struct replay *r = c->r;
	struct task *child = ret > 0 ? tasks_find(c->t->tasks, ret) : NULL;

	/* The model numbered a child it could not name: bind it later. */
	if (ret > 0 && ret != c->kernel && c->kernel > 0) {
		if (r->nawaiting < sizeof(r->awaiting) / sizeof(r->awaiting[0]))
			r->awaiting[r->nawaiting++] = ret;
		ret = c->kernel;
	}
	if (child)
		replay_release_held(r, child, c->kernel, c->ev->first_line, c->ev->line);
	return replay_judge(c, ret);
}

static int do_clone(struct call *c)
{
	int nr = c->nr;
	struct trace_text text;
	uint64_t fl = 0, sig = 0;
	int64_t pid;

	if (nr == X_CLONE) {
		if (trace_arg_named(&c->args, "flags", &text)) {
			/* no "flags=" and no second argument: no flags at all */
			if (c->args.n == 1)
				return malformed(c, 1, trace_names_clone.what);
			if (c->args.n > 1)
				text = c->args.arg[1];   /* clone(stack, flags, ...) printed raw */
		}
		if (c->args.n && trace_arg_flags(text, &trace_names_clone, &fl))
			return malformed(c, 1, trace_names_clone.what);
	} else if (nr == X_CLONE3) {
		if (!c->args.n || trace_struct_field(c->args.arg[0], "flags", &text) ||
		    trace_arg_flags(text, &trace_names_clone, &fl))
			return malformed(c, 0, "a clone_args struct");
		if (!trace_struct_field(c->args.arg[0], "exit_signal", &text) &&
		    trace_arg_flags(text, &trace_names_signal, &sig))
			return malformed(c, 0, "a clone_args struct");
	}
	pid = child_pid(c, fl);
	/* A child whose lines came before this result was adopted already. */
	if (pid && tasks_find(c->t->tasks, pid))
		return REPLAY_INFERRED;
	switch (nr) {
	case X_FORK: return judge_clone(c, sys_fork(c->t, pid));
	case X_VFORK: return judge_clone(c, sys_vfork(c->t, pid));
	case X_CLONE: return judge_clone(c, sys_clone(c->t, fl, pid));
	default: return judge_clone(c, sys_clone3(c->t, fl, sig, pid));
	}
}

/* pipe/pipe2: the two ends, read-only and write-only, at the numbers the
 * kernel gave (the array argument is what it wrote back). */
static int do_pipe(struct call *c)
{
	int nr = c->nr;
	struct trace_args ends;
	struct trace_text inner;
	uint64_t fd[2], fl = 0;
	struct inode *inode;

	if (!c->args.n || c->args.arg[0].len < 2 || c->args.arg[0].s[0] != '[')
		return malformed(c, 0, "an array of two fds");
	inner = (struct trace_text){ c->args.arg[0].s + 1, c->args.arg[0].len - 2 };
	if (trace_args_split(inner, &ends) || ends.n != 2 || trace_arg_int(ends.arg[0], &fd[0]) ||
	    trace_arg_int(ends.arg[1], &fd[1]))
		return malformed(c, 0, "an array of two fds");
	if (nr == X_PIPE2 && flags(c, 1, &trace_names_open, &fl))
		return MALFORMED;
	if (c->kernel < 0)
		return REPLAY_UNMODELLED;
	adopt_fds_below(c, 0, (int64_t)(fd[0] < fd[1] ? fd[0] : fd[1]));
	inode = inode_new(INODE_PIPE, 0, 13, 0, "pipe:");
	for (int end = 0; inode && end < 2; end++)
		install_at(c, inode, end ? FILE_MODE_WRITE : FILE_MODE_READ, fl & O_CLOEXEC_BIT, (int64_t)fd[end]);
	inode_put(inode);
	return REPLAY_INFERRED;
}

static int do_unshare(struct call *c)
{
	uint64_t fl;

	if (flags(c, 0, &trace_names_clone, &fl))
		return MALFORMED;
	return replay_judge(c, sys_unshare(c->t, fl));
}

/* The calls the replay judges, by syscall number; the others are
 * unmodelled, and their arguments are never read. */
static int (*const handler[])(struct call *c) = {
	[X_MMAP] = do_mmap, [X_MUNMAP] = do_munmap, [X_MPROTECT] = do_mprotect,
	[X_PKEY_MPROTECT] = do_mprotect, [X_MADVISE] = do_madvise, [X_MSEAL] = do_mseal,
	[X_MREMAP] = do_mremap, [X_BRK] = do_brk, [X_PKEY_ALLOC] = do_pkey_alloc,
	[X_PKEY_FREE] = do_pkey_free, [X_MEMFD_CREATE] = do_memfd_create, [X_FCNTL] = do_fcntl,
	[X_CLOSE] = do_fd1, [X_DUP] = do_fd1, [X_DUP2] = do_fd1, [X_DUP3] = do_fd1,
	[X_CLOSE_RANGE] = do_close_range, [X_FTRUNCATE] = do_file_op, [X_FCHMOD] = do_file_op,
	[X_FALLOCATE] = do_file_op, [X_READ] = do_rw, [X_WRITE] = do_rw, [X_PREAD64] = do_rw,
	[X_PWRITE64] = do_rw, [X_LSEEK] = do_rw, [X_OPEN] = do_open, [X_OPENAT] = do_open,
	[X_EXECVE] = do_exec, [X_EXECVEAT] = do_exec, [X_FORK] = do_clone, [X_VFORK] = do_clone,
	[X_CLONE] = do_clone, [X_CLONE3] = do_clone, [X_UNSHARE] = do_unshare, [X_PIPE] = do_pipe,
	[X_PIPE2] = do_pipe,
};

static bool judged(int nr)
{
	return nr >= 0 && (size_t)nr < sizeof(handler) / sizeof(handler[0]) && handler[nr];
}

/* The kernel's answer as the syscall entries return it, or false when
 * the log has none to compare. */
static bool kernel_result(const struct trace_event *ev, int64_t *ret)
{
	switch (ev->result) {
	case TRACE_RESULT_VALUE:
		*ret = (int64_t)ev->value;
		return true;
	case TRACE_RESULT_ERROR:
		*ret = -(int64_t)ev->err;
		return ev->err > 0;
	default:
		return false;
	}
}


/* The syscall's number: -n's column when it names the same call (no
 * lookup), else by name. */
static int syscall_nr(const struct trace_event *ev)
{
	const char *name = ev->nr >= 0 && ev->nr < 1024 ? trace_syscall_name((int)ev->nr) : NULL;

	if (name) {
		size_t i = 0;

		/* strncmp() and the NUL after, inline: names are short */
		while (i < ev->name.len && name[i] && name[i] == ev->name.s[i])
			i++;
		if (i == ev->name.len && !name[i])
			return (int)ev->nr;
	}
	return trace_syscall_nr(ev->name.s, ev->name.len);
}

void replay_call(struct replay *r, const struct trace_event *ev)
{
	/* zeroed by copying zeros: vector stores, where "= { ... }" is "rep stos" */
	static const struct call blank;
	struct call c;
	int nr = syscall_nr(ev);
	int v;

	memcpy(&c, &blank, sizeof(c));
	c.r = r;
	c.ev = ev;

	r->calls++;
	c.t = replay_task(r, ev->pid);
	if (!c.t) {
		replay_count(r, nr, ev->name, REPLAY_SKIPPED);
		return;
	}
	c.t->step = (uint32_t)ev->line;
	/* exit and exit_group never return: their effect is all there is. */
	if (nr == X_EXIT || nr == X_EXIT_GROUP) {
		replay_count(r, nr, ev->name, REPLAY_SKIPPED);
		replay_note_exit(r, c.t, nr == X_EXIT_GROUP);
		if (nr == X_EXIT)
			sys_exit(c.t);
		else
			sys_exit_group(c.t);
		return;
	}
	if (!kernel_result(ev, &c.kernel)) {
		replay_count(r, nr, ev->name, nr < 0 ? REPLAY_UNMODELLED : REPLAY_SKIPPED);
		return;
	}
	if (!judged(nr) || (ev->args_split ? trace_args_split_at(ev->args, ev->comma, ev->ncommas, &c.args)
					   : trace_args_split(ev->args, &c.args))) {
		if (judged(nr)) {
			fprintf(stderr, "%s:%" PRIu64 ": %.*s: the arguments do not split\n",
				ev->file ? ev->file : "-", ev->line, (int)ev->name.len, ev->name.s);
			r->malformed++;
			return;
		}
		replay_count(r, nr, ev->name, REPLAY_UNMODELLED);
		return;
	}
	c.nr = nr;
	v = handler[nr](&c);
	if (v == MALFORMED) {
		r->malformed++;
		return;
	}
	replay_count(r, nr, ev->name, (enum replay_verdict)v);
}
