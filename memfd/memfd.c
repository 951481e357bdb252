#include "memfd/memfd.h"

#include "core/page.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>


/* mm/memfd.c: sanitize_flags and check_sysctl_memfd_noexec: the flags
 * after vm.memfd_noexec had its say, or -errno. */
static int64_t sanitize_flags(const struct pidns *ns, uint64_t flags)
{
	uint64_t known = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
	int scope = ns ? pidns_memfd_noexec(ns) : MEMFD_NOEXEC_SCOPE_EXEC;

	if (flags & MFD_HUGETLB)
		known |= MFD_HUGE_CODE_MASK;
	if (flags & ~known)
		return -EINVAL;
	if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
		return -EINVAL;
	/* Neither flag: the namespace's scope decides. */
	if (!(flags & (MFD_EXEC | MFD_NOEXEC_SEAL)))
		flags |= scope >= MEMFD_NOEXEC_SCOPE_NOEXEC_SEAL ? MFD_NOEXEC_SEAL : MFD_EXEC;
	if (scope == MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED && !(flags & MFD_NOEXEC_SEAL))
		return -EACCES;
	return (int64_t)flags;
}

/* The hugetlbfs page size an MFD_HUGETLB code asks for, or 0 when this
 * machine has none of that size (x86-64 with 1 GiB pages: 2 MiB, the
 * default, and 1 GiB). */
static uint64_t huge_size(uint64_t flags)
{
	unsigned code = (unsigned)((flags & MFD_HUGE_CODE_MASK) >> MFD_HUGE_SHIFT_BITS);

	if (code == 0 || code == 21)
		return UINT64_C(1) << 21;
	return code == 30 ? UINT64_C(1) << 30 : 0;
}

/* "/memfd:NAME (deleted)" as /proc/PID/maps prints it: fs/proc/task_mmu.c:
 * show_map_vma prints the path with seq_path(..., "\n"), which writes a
 * newline as \012 (fs/seq_file.c: mangle_path); nothing else is escaped
 * (conform: a memfd named "a b\nc" maps as "/memfd:a b\012c (deleted)"). */
static void memfd_path(char *path, size_t size, const char *name)
{
	static const char prefix[] = "/memfd:", suffix[] = " (deleted)";
	size_t len = sizeof(prefix) - 1;

	memcpy(path, prefix, len);
	for (; *name && len + 4 + sizeof(suffix) <= size; name++) {
		if (*name == '\n') {
			memcpy(path + len, "\\012", 4);
			len += 4;
		} else {
			path[len++] = *name;
		}
	}
	memcpy(path + len, suffix, sizeof(suffix));
}

int memfd_create_inode(const struct pidns *ns, const char *name, uint64_t flags, uint64_t ino,
		       struct inode **out)
{
	char path[4 * MEMFD_NAME_MAX + 32];
	int64_t sane = sanitize_flags(ns, flags);
	struct inode *inode;

	if (sane < 0)
		return (int)sane;
	if (!name)
		return -EFAULT;
	/* Read no further than the kernel does (strnlen_user of 250 bytes):
	 * the name need not be terminated. */
	if (strnlen(name, MEMFD_NAME_MAX + 1) > MEMFD_NAME_MAX)
		return -EINVAL;
	/* fs/hugetlbfs/inode.c: hugetlb_file_setup: no such page size. */
	if ((sane & MFD_HUGETLB) && !huge_size((uint64_t)sane))
		return -ENODEV;
	memfd_path(path, sizeof(path), name);
	inode = inode_new(INODE_MEMFD, 0, 1, ino, path);
	if (!inode)
		return -ENOMEM;
	if (sane & MFD_HUGETLB)
		inode->huge_page_size = huge_size((uint64_t)sane);
	/* MFD_NOEXEC_SEAL: not executable, sealed against becoming so, and
	 * sealing allowed with or without MFD_ALLOW_SEALING. */
	if (sane & MFD_NOEXEC_SEAL) {
		inode->mode = 0666;
		inode->seals = F_SEAL_EXEC;
	} else {
		inode->mode = 0777;
		inode->seals = (sane & MFD_ALLOW_SEALING) ? 0 : F_SEAL_SEAL;
	}
	*out = inode;
	return 0;
}

int memfd_get_seals(const struct inode *inode)
{
	return inode_is_shmem(inode) ? (int)inode->seals : -EINVAL;
}

int memfd_add_seals(struct inode *inode, unsigned file_mode, uint64_t seals)
{
	/* The order of mm/memfd.c: memfd_add_seals (and fs/fcntl.c, which
	 * sends every file type there). */
	if (!(file_mode & FILE_MODE_WRITE))
		return -EPERM;
	if (seals & ~(uint64_t)F_SEAL_ALL)
		return -EINVAL;
	if (!inode_is_shmem(inode))
		return -EINVAL;
	if (inode->seals & F_SEAL_SEAL)
		return -EPERM;
	/* Sealing exec on an executable file seals writes too. */
	if ((seals & F_SEAL_EXEC) && (inode->mode & INODE_EXEC_BITS))
		seals |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
	if ((seals & F_SEAL_WRITE) && !(inode->seals & F_SEAL_WRITE) && inode->shared_maywrite_maps)
		return -EBUSY;
	inode->seals |= (unsigned)seals;
	return 0;
}

int memfd_check_chmod(const struct inode *inode, unsigned mode)
{
	if ((inode->seals & F_SEAL_EXEC) && ((mode ^ inode->mode) & INODE_EXEC_BITS))
		return -EPERM;
	return 0;
}

int memfd_check_truncate(const struct inode *inode, uint64_t size)
{
	/* fs/hugetlbfs/inode.c: hugetlbfs_setattr: whole huge pages only. */
	if (inode->huge_page_size && (size & (inode->huge_page_size - 1)))
		return -EINVAL;
	if (size < inode->size && (inode->seals & F_SEAL_SHRINK))
		return -EPERM;
	if (size > inode->size && (inode->seals & F_SEAL_GROW))
		return -EPERM;
	return 0;
}

int64_t memfd_write_len(const struct inode *inode, uint64_t off, uint64_t len)
{
	uint64_t limit;

	if (inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if (!(inode->seals & F_SEAL_GROW) || off + len <= inode->size)
		return (int64_t)len;
	/* The write goes page by page (mm/filemap.c: generic_perform_write)
	 * and each page asks shmem_write_begin, which refuses the first piece
	 * that would end past the size: what lies in whole pages below the
	 * size's page is written, and the call is short. Probed on 6.18.44:
	 * size 5000, 2000 bytes at 4000 -> 96; size 100, 200 at 0 -> EPERM. */
	limit = inode->size & PAGE_MASK;
	return off < limit ? (int64_t)(limit - off) : -EPERM;
}

#define FALLOC_KEEP_SIZE 0x01
#define FALLOC_PUNCH_HOLE 0x02
/* The modes the VFS knows (include/linux/falloc.h: FALLOC_FL_SUPPORTED_MASK). */
#define FALLOC_VFS_MODES 0xff

int memfd_fallocate(struct inode *inode, unsigned file_mode, uint64_t mode, int64_t off,
		    int64_t len)
{
	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~(uint64_t)FALLOC_VFS_MODES)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_PUNCH_HOLE) && !(mode & FALLOC_KEEP_SIZE))
		return -EOPNOTSUPP;
	if (!(file_mode & FILE_MODE_WRITE))
		return -EBADF;
	/* fs/open.c: vfs_fallocate: a device is no file to allocate in; a
	 * regular file without a fallocate method (a /proc/sys file) says
	 * it does not support it. */
	if (inode->kind == INODE_PIPE)
		return -ESPIPE;
	if (inode->kind == INODE_CHARDEV)
		return -ENODEV;
	if (!inode_is_shmem(inode))
		return -EOPNOTSUPP;
	/* shmem allocates and punches holes, nothing else. */
	if (mode & ~(uint64_t)(FALLOC_KEEP_SIZE | FALLOC_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode & FALLOC_PUNCH_HOLE)
		return (inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) ? -EPERM : 0;
	/* Past the end is growth, even when the size is kept. */
	if ((inode->seals & F_SEAL_GROW) && (uint64_t)off + (uint64_t)len > inode->size)
		return -EPERM;
	/* fs/hugetlbfs/inode.c: hugetlbfs_fallocate finds no huge page to
	 * allocate (vm.nr_hugepages = 0 on this machine). */
	if (inode->huge_page_size)
		return -ENOSPC;
	if (!(mode & FALLOC_KEEP_SIZE) && (uint64_t)off + (uint64_t)len > inode->size)
		inode->size = (uint64_t)off + (uint64_t)len;
	return 0;
}
