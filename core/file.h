/* Files a VMA can map: an open file (struct file) on an inode.
 *
 *   vma ──> file (one open: its mode) ──> inode (dev, ino, path, kind)
 *
 * The split is the kernel's: two mappings merge only when they map the
 * same *open file* (mm/vma.c: is_mergeable_vma compares vm_file), while
 * memfd seals and the count of writable mappings live on the *inode*
 * (mm/memfd.c), shared by every open of it. Both are reference counted:
 * a VMA holds a reference to its file, a file to its inode.
 */
#ifndef MMSIM_CORE_FILE_H
#define MMSIM_CORE_FILE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum inode_kind {
	INODE_REGULAR,     /* a file on disk, identified by dev/ino/path */
	INODE_MEMFD,       /* shmem inode from memfd_create: "/memfd:NAME (deleted)" */
	INODE_SHMEM_ANON,  /* backing of a MAP_SHARED|MAP_ANONYMOUS map: "/dev/zero (deleted)" */
	INODE_DEVZERO,     /* /dev/zero itself, mapped privately */
	INODE_CHARDEV,     /* a terminal or other character device: no mmap, no seals */
	INODE_PIPE,        /* either end of a pipe: "pipe:[N]" */
	INODE_SYSCTL,      /* a /proc/sys file (vm.memfd_noexec): read and written as text */
};

struct inode {
	unsigned refs;
	enum inode_kind kind;
	unsigned dev_major, dev_minor;
	uint64_t ino;
	char *path;        /* as /proc/PID/maps prints it, escapes already applied */
	uint64_t size;     /* bytes: pages at or past the end are a SIGBUS to touch */
	unsigned mode;     /* permission bits (0777 for an executable memfd) */
	unsigned seals;    /* F_SEAL_* of a shmem or hugetlbfs inode */
	/* The step (trace line) that set each seal bit (bit k: F_SEAL 1 << k),
	 * for explanations; 0 when unknown. */
	uint32_t seal_step[6];
	/* A memfd made with MFD_HUGETLB lives on hugetlbfs: its page size
	 * (2 MiB or 1 GiB); 0 for shmem. */
	uint64_t huge_page_size;
	/* Shared mappings that may become writable (VM_MAYWRITE), in every
	 * address space, counted by vma/vma.c as VMAs come and go: adding a
	 * write seal finds none or fails (mm/memfd.c: memfd_wait_for_pins). */
	unsigned shared_maywrite_maps;
	/* Open files that hold write access to it (the kernel's positive
	 * i_writecount): exec of the inode is ETXTBSY while there are any.
	 * An open(2) for writing takes it; memfd_create's own file does not
	 * (probed on 6.18.44). */
	unsigned write_openers;
};

/* Permission bits that make a file executable. */
#define INODE_EXEC_BITS 0111u

/* shmem: a memfd, or the object behind a shared anonymous mapping. Only
 * these take seals and keep a size the model tracks. */
static inline bool inode_is_shmem(const struct inode *inode)
{
	return inode->kind == INODE_MEMFD || inode->kind == INODE_SHMEM_ANON;
}

/* A terminal or a pipe: a stream without file positions (lseek, pread
 * and pwrite are ESPIPE), no mmap method, not a regular file. */
static inline bool inode_is_stream(const struct inode *inode)
{
	return inode->kind == INODE_CHARDEV || inode->kind == INODE_PIPE;
}

/* Open-file access mode bits (FMODE_READ/FMODE_WRITE in the kernel). */
#define FILE_MODE_READ  1u
#define FILE_MODE_WRITE 2u

struct file {
	unsigned refs;
	unsigned mode;
	uint64_t pos;      /* the file position write() and lseek() use */
	struct inode *inode;
	bool holds_write_access;   /* counted in inode->write_openers */
};

/* A new inode with one reference; NULL when out of memory. */
struct inode *inode_new(enum inode_kind kind, unsigned dev_major, unsigned dev_minor,
			uint64_t ino, const char *path);
void inode_get(struct inode *inode);
void inode_put(struct inode *inode);

/* A new open file on `inode` (takes its own inode reference). */
struct file *file_open(struct inode *inode, unsigned mode);
/* The same through open(2): open for writing, it holds write access. */
struct file *file_open_path(struct inode *inode, unsigned mode);
void file_get(struct file *file);
void file_put(struct file *file);

#ifdef __cplusplus
}
#endif

#endif
