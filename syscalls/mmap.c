/* mmap(addr, len, prot, flags, fd, off): arch/x86/kernel/sys_x86_64.c,
 * mm/mmap.c: ksys_mmap_pgoff -> do_mmap -> mm/vma.c: __mmap_region.
 * Checks in the kernel's order (semantics reference 3.1). File-backed
 * maps look the fd up in the task's fd table; the model knows shmem
 * files (memfd) and their seals.
 */
#include <errno.h>

#include "core/files.h"
#include "memfd/memfd.h"
#include "syscalls/internal.h"
#include "syscalls/sys.h"
#include "vma/modify.h"

#define MAP_HUGE_SHIFT_BITS 26
#define MAP_HUGE_MASK_BITS 0x3f

/* The shmem inode behind each MAP_SHARED|MAP_ANONYMOUS mapping: device
 * 00:01 like every shmem file; the kernel numbers inodes itself, so the
 * model counts its own. */
static uint64_t next_shmem_ino = 1;

/* include/linux/mman.h: calc_vm_prot_bits. Unknown bits are ignored. */
static vm_flags_t prot_to_vm(uint64_t prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/* include/linux/mman.h: calc_vm_flag_bits. MAP_SYNC turns into VM_SYNC
 * even on anonymous memory (it is only validated for files). */
static vm_flags_t map_flags_to_vm(uint64_t flags)
{
	return ((flags & MAP_GROWSDOWN) ? VM_GROWSDOWN : 0) |
	       ((flags & MAP_LOCKED) ? VM_LOCKED : 0) |
	       ((flags & MAP_SYNC) ? VM_SYNC : 0) |
	       ((flags & MAP_STACK) ? VM_NOHUGEPAGE : 0);
}

/* Anonymous MAP_HUGETLB: the size code must name a huge page size this
 * machine has (2 MiB, 1 GiB; 0 for the default 2 MiB); returns that
 * size, or 0 (mm/mmap.c: ksys_mmap_pgoff, hstate_sizelog). */
static uint64_t anon_hugetlb_size(uint64_t flags)
{
	unsigned code = (unsigned)(flags >> MAP_HUGE_SHIFT_BITS) & MAP_HUGE_MASK_BITS;

	if (code == 0 || code == 21)
		return UINT64_C(1) << 21;
	if (code == 30)
		return UINT64_C(1) << 30;
	return 0;
}

/* The anonymous type switch of do_mmap: the VMA flags and page offset
 * each mapping type gets, or -EINVAL. */
static int anon_type(uint64_t flags, uint64_t addr, vm_flags_t *vm, uint64_t *pgoff)
{
	switch (flags & MAP_TYPE_MASK) {
	case MAP_SHARED:
		if (*vm & VM_GROWSDOWN)
			return -EINVAL;
		*pgoff = 0;
		*vm |= VM_SHARED | VM_MAYSHARE;
		return 0;
	case MAP_DROPPABLE:
		if ((flags & (MAP_LOCKED | MAP_HUGETLB)) || (*vm & VM_GROWSDOWN))
			return -EINVAL;
		/* Droppable pages are never reserved, copied or dumped. */
		*vm |= VM_DROPPABLE | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP;
		*pgoff = pages(addr);
		return 0;
	case MAP_PRIVATE:
		*pgoff = pages(addr);
		return 0;
	default:
		return -EINVAL;
	}
}

/* mm/mmap.c: accountable_mapping: private writable memory is charged. */
static bool accountable(vm_flags_t vm)
{
	return (vm & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* mm/shmem.c: shmem_zero_setup: an object exactly the mapping's size. */
static struct file *shmem_anon_file(uint64_t size)
{
	struct inode *inode = inode_new(INODE_SHMEM_ANON, 0, 1, next_shmem_ino++,
					"/dev/zero (deleted)");
	struct file *file;

	if (!inode)
		return NULL;
	inode->size = size;
	file = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
	inode_put(inode);
	return file;
}

/* The flags MAP_SHARED_VALIDATE accepts (include/linux/mman.h:
 * LEGACY_MAP_MASK; MAP_SYNC only on DAX files, which the model lacks). */
#define LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
			 MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED |        \
			 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |   \
			 MAP_32BIT | MAP_ABOVE4G | (UINT64_C(0x3f) << MAP_HUGE_SHIFT_BITS))

/* The file type switch of do_mmap: the VMA flags a mapping of `file`
 * gets, or -errno. */
static int file_type(const struct file *file, uint64_t flags, uint64_t prot, vm_flags_t *vm)
{
	switch (flags & MAP_TYPE_MASK) {
	case MAP_SHARED_VALIDATE:
		if (flags & ~(uint64_t)LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		/* fall through */
	case MAP_SHARED:
		if ((prot & PROT_WRITE) && !(file->mode & FILE_MODE_WRITE))
			return -EACCES;
		*vm |= VM_SHARED | VM_MAYSHARE;
		/* A read-only open file: shared, but never writable. */
		if (!(file->mode & FILE_MODE_WRITE))
			*vm &= ~(VM_MAYWRITE | VM_SHARED);
		/* fall through */
	case MAP_PRIVATE:
		if (!(file->mode & FILE_MODE_READ))
			return -EACCES;
		/* procfs is never executable (SB_I_NOEXEC: path_noexec), which
		 * do_mmap asks before the mmap method (conform, 6.18.44). */
		if (file->inode->kind == INODE_SYSCTL) {
			if (*vm & VM_EXEC)
				return -EPERM;
			*vm &= ~VM_MAYEXEC;
		}
		/* A terminal or a /proc/sys file has no mmap method. */
		if (inode_is_stream(file->inode) || file->inode->kind == INODE_SYSCTL)
			return -ENODEV;
		if (*vm & VM_GROWSDOWN)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/* mm/memfd.c: memfd_check_seals_mmap: a write-sealed memfd takes no
 * shared writable mapping, and a shared one loses VM_MAYWRITE. */
static int check_seals(const struct file *file, vm_flags_t *vm)
{
	unsigned seals = file->inode->kind == INODE_MEMFD ? file->inode->seals : 0;

	if (!(seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return 0;
	if ((*vm & VM_SHARED) && (*vm & VM_WRITE))
		return -EPERM;
	if (*vm & VM_SHARED)
		*vm &= ~VM_MAYWRITE;
	return 0;
}

/* mm/vma.c: __mmap_region at a chosen address: anonymous memory (file
 * NULL) or a file at page offset pgoff. */
static int64_t map_region(struct task *t, struct file *file, uint64_t addr, uint64_t len,
			  vm_flags_t vm, uint64_t pgoff, uint64_t flags)
{
	struct vma *nv, *placed;
	int err;

	/* Replacing what is there goes through the unmap path first: a
	 * sealed VMA refuses (and the leading split stays). */
	err = mm_unmap(t, addr, addr + len);
	if (err)
		return err;
	if (accountable(vm))
		vm |= VM_ACCOUNT;
	if (file) {
		file_get(file);
	} else if (vm & VM_SHARED) {
		file = shmem_anon_file(len);
		if (!file)
			return -ENOMEM;
	}
	nv = vma_new(addr, addr + len, vm, pgoff, file);
	file_put(file);
	if (!nv)
		return -ENOMEM;
	nv->origin = task_origin(t, NR_MMAP);
	err = vma_map_new(t->mm, nv, &placed);
	if (err) {
		vma_free(nv);
		return err;
	}
	/* MAP_POPULATE (unless MAP_NONBLOCK) and MAP_LOCKED's mlock fault the
	 * pages in; private writable ones with write faults, which attach an
	 * anon_vma (mm/mmap.c: do_mmap's populate, mm/gup.c:
	 * populate_vma_page_range). */
	if (((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE || (vm & VM_LOCKED)) &&
	    (vm & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		vma_anon_vma_prepare(t->mm, placed);
	return (int64_t)addr;
}

/* Without huge pages (vm.nr_hugepages = 0 here) a hugetlb mapping that
 * reserves fails; one with MAP_NORESERVE is made, and hugetlb VMAs are
 * not modelled (probed on 6.18.44: both succeed). */
static int64_t no_huge_pages(struct task *t, uint64_t flags)
{
	if (flags & MAP_NORESERVE)
		return refuse_unmodelled(&t->refusal, ENOSYS, "hugetlb mappings are not modelled");
	return refuse(&t->refusal, ENOMEM, NULL, "mm/hugetlb.c: hugetlb_reserve_pages: no huge pages reserved");
}

/* mmap of an MFD_HUGETLB memfd, as far as the model knows hugetlbfs
 * (probed on 6.18.44): a MAP_FIXED address must be huge-page aligned
 * (EINVAL, when the area is chosen), then the file's type and seal
 * checks, then hugetlbfs_file_mmap's offset alignment (EINVAL) and the
 * reservation. */
static int64_t map_hugetlb_file(struct task *t, struct file *file, uint64_t addr, uint64_t len,
				uint64_t prot, uint64_t flags, uint64_t off)
{
	uint64_t huge = file->inode->huge_page_size;
	vm_flags_t vm = prot_to_vm(prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	int err;

	if (!len)
		return refuse(&t->refusal, EINVAL, NULL, "mm/mmap.c: do_mmap: len is 0");
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & (huge - 1)))
		return refuse(&t->refusal, EINVAL, NULL, "mm/hugetlb.c: the address of a hugetlb mapping is not huge-page aligned");
	err = file_type(file, flags, prot, &vm);
	if (!err)
		err = check_seals(file, &vm);
	if (err)
		return refuse(&t->refusal, -err, NULL, "mm/mmap.c: do_mmap: the file's mapping type, access or seals");
	if (off & (huge - 1))
		return refuse(&t->refusal, EINVAL, NULL, "fs/hugetlbfs/inode.c: hugetlbfs_file_mmap: offset not huge-page aligned");
	return no_huge_pages(t, flags);
}

int64_t sys_mmap(struct task *t, uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags,
		 int64_t fd, uint64_t off)
{
	struct mm *mm = t->mm;
	struct file *file = NULL;
	uint64_t pgoff, asked = flags;
	vm_flags_t vm;
	int64_t placed;
	int err;

	refusal_clear(&t->refusal);
	if (off & ~PAGE_MASK)
		return refuse(&t->refusal, EINVAL, NULL, "arch/x86/kernel/sys_x86_64.c: offset not page aligned");
	if (!(flags & MAP_ANONYMOUS)) {
		file = t->files ? files_lookup(t->files, fd) : NULL;
		if (!file)
			return refuse(&t->refusal, EBADF, NULL, "mm/mmap.c: ksys_mmap_pgoff: fd is not open");
		/* A shmem file is no hugetlbfs file. */
		if ((flags & MAP_HUGETLB) && !file->inode->huge_page_size)
			return refuse(&t->refusal, EINVAL, NULL, "mm/mmap.c: ksys_mmap_pgoff: MAP_HUGETLB on a file that is not hugetlbfs");
		if (file->inode->huge_page_size)
			return map_hugetlb_file(t, file, addr, len, prot, flags, off);
	} else if ((flags & MAP_HUGETLB) && !anon_hugetlb_size(flags))
		return refuse(&t->refusal, EINVAL, NULL, "mm/mmap.c: ksys_mmap_pgoff: no huge page size for the MAP_HUGE_* code");
	pgoff = off >> PAGE_SHIFT;
	if (!len)
		return refuse(&t->refusal, EINVAL, NULL, "mm/mmap.c: do_mmap: len is 0");
	if (flags & MAP_HUGETLB) {
		/* The hugetlbfs file takes over from here; the model knows only
		 * that its offset must be huge-page aligned and that no huge
		 * pages are reserved on this machine (vm.nr_hugepages = 0). */
		if (off & (anon_hugetlb_size(flags) - 1))
			return refuse(&t->refusal, EINVAL, NULL, "fs/hugetlbfs/inode.c: hugetlbfs_file_mmap: offset not huge-page aligned");
		return no_huge_pages(t, flags);
	}
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED)) {
		/* round_hint_to_min: a hint below mmap_min_addr is raised to it. */
		addr &= PAGE_MASK;
		if (addr && addr < mm->mmap_min_addr)
			addr = page_align(mm->mmap_min_addr);
	}
	len = page_align(len);
	if (!len)
		return refuse(&t->refusal, ENOMEM, NULL, "mm/mmap.c: do_mmap: len rounds up past the end");
	if (pgoff + pages(len) < pgoff)
		return refuse(&t->refusal, EOVERFLOW, NULL, "mm/mmap.c: do_mmap: page offset overflows");
	if (mm_map_count(mm) > mm->max_map_count)
		return refuse(&t->refusal, ENOMEM, NULL, "mm/mmap.c: do_mmap: map_count above vm.max_map_count");
	placed = mm_get_unmapped_area(t, addr, len, pgoff, flags,
				      file || (flags & MAP_TYPE_MASK) == MAP_SHARED);
	if (placed < 0)
		return refuse(&t->refusal, (int)-placed, NULL, "mm/mmap.c: __get_unmapped_area");
	addr = (uint64_t)placed;
	if (flags & MAP_FIXED_NOREPLACE) {
		struct vma *there = store_find(&mm->vmas, addr);

		if (there && there->start < addr + len)
			return refuse(&t->refusal, EEXIST, there,
				      "mm/mmap.c: do_mmap: MAP_FIXED_NOREPLACE over a mapping");
	}
	vm = prot_to_vm(prot) | map_flags_to_vm(flags) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (file) {
		err = file_type(file, asked, prot, &vm);
		if (err)
			return refuse(&t->refusal, -err, NULL, "mm/mmap.c: do_mmap: the file's mapping type and access");
		err = check_seals(file, &vm);
		if (err) {
			refuse(&t->refusal, -err, NULL, "mm/memfd.c: memfd_check_seals_mmap: write-sealed");
			return refusal_seals(&t->refusal, file->inode);
		}
	} else {
		err = anon_type(flags, addr, &vm, &pgoff);
		if (err)
			return refuse(&t->refusal, EINVAL, NULL, "mm/mmap.c: do_mmap: bad mapping type for anonymous memory");
	}
	if (flags & MAP_NORESERVE)
		vm |= VM_NORESERVE;
	return map_region(t, file, addr, len, vm, pgoff, flags);
}
