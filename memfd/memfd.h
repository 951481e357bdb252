/* memfd inodes and their file seals (mm/memfd.c), at the inode level:
 * what memfd_create makes and what each seal refuses. The syscall
 * entries that reach these checks are in syscalls/memfd.c, readwrite.c,
 * open.c and mmap.c.
 *
 *   memfd_create ──> inode: mode 0777 or 0666, size 0, seals
 *                    F_SEAL_SEAL unless sealing is allowed; F_SEAL_EXEC
 *                    (and sealing allowed) for MFD_NOEXEC_SEAL, which
 *                    vm.memfd_noexec may impose
 *   F_ADD_SEALS  ──> checks in the kernel's order, then OR
 */
#ifndef MMSIM_MEMFD_MEMFD_H
#define MMSIM_MEMFD_MEMFD_H

#include <stdint.h>

#include "core/file.h"
#include "sysctl/pidns.h"

#ifdef __cplusplus
extern "C" {
#endif

/* include/uapi/linux/memfd.h and fcntl.h (facts). */
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x1U
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x2U
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x4U
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x8U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x10U
#endif
#define MFD_HUGE_SHIFT_BITS 26
#define MFD_HUGE_CODE_MASK (UINT64_C(0x3f) << MFD_HUGE_SHIFT_BITS)

#ifndef F_SEAL_SEAL
#define F_SEAL_SEAL 0x1
#define F_SEAL_SHRINK 0x2
#define F_SEAL_GROW 0x4
#define F_SEAL_WRITE 0x8
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x10
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x20
#endif
#define F_SEAL_ALL 0x3f

/* The longest name memfd_create takes, without the NUL (mm/memfd.c:
 * MFD_NAME_MAX_LEN is 249 = NAME_MAX - strlen("memfd:")). */
#define MEMFD_NAME_MAX 249

/* memfd_create(name, flags) in a task of pid namespace ns: a new inode
 * (one reference) in *out, or -errno: EINVAL for unknown flags or
 * MFD_EXEC with MFD_NOEXEC_SEAL, EACCES for MFD_EXEC under
 * vm.memfd_noexec = 2, EFAULT for no name (NULL), EINVAL for a name
 * longer than 249 bytes, ENODEV for an MFD_HUGETLB page size the machine
 * lacks, ENOMEM. `ino` numbers the inode. */
int memfd_create_inode(const struct pidns *ns, const char *name, uint64_t flags, uint64_t ino,
		       struct inode **out);

/* fcntl(F_GET_SEALS): the seals, or -EINVAL for a file that is not shmem. */
int memfd_get_seals(const struct inode *inode);

/* fcntl(F_ADD_SEALS, seals) through an open file with access `file_mode`
 * (FILE_MODE_*): 0 or -errno in mm/memfd.c: memfd_add_seals's order. */
int memfd_add_seals(struct inode *inode, unsigned file_mode, uint64_t seals);

/* fchmod to `mode`: -EPERM when F_SEAL_EXEC forbids changing an exec bit. */
int memfd_check_chmod(const struct inode *inode, unsigned mode);

/* ftruncate to `size`: -EINVAL for a hugetlbfs memfd and a size that is
 * not whole huge pages, -EPERM when SHRINK or GROW forbids it. */
int memfd_check_truncate(const struct inode *inode, uint64_t size);

/* write/pwrite of len > 0 bytes at off: how many bytes the write puts
 * in, or -EPERM under WRITE or FUTURE_WRITE, or under GROW when not one
 * whole page below the size can be written (a write crossing the size is
 * short: mm/shmem.c: shmem_write_begin per page). */
int64_t memfd_write_len(const struct inode *inode, uint64_t off, uint64_t len);

/* fallocate(mode, off, len) through a file open with `file_mode`, in
 * fs/open.c: vfs_fallocate's and mm/shmem.c: shmem_fallocate's order
 * (a character device is ENODEV, another file that is not shmem
 * EOPNOTSUPP; allocating in a hugetlbfs memfd ENOSPC: no huge pages); on
 * success the size grows unless FALLOC_FL_KEEP_SIZE.
 * Returns 0 or -errno. */
int memfd_fallocate(struct inode *inode, unsigned file_mode, uint64_t mode, int64_t off,
		    int64_t len);

#ifdef __cplusplus
}
#endif

#endif
