/* The names strace prints, as tables of facts (traces/names.h).
 *
 * Values are the kernel's x86_64 uapi constants (include/uapi/...,
 * arch/x86/entry/syscalls/syscall_64.tbl); names are strace's xlat names
 * of versions 6.1 through 7.2, including ones an older or newer strace
 * prints only as numbers (a name never printed costs nothing).
 *
 * Each flag table is sorted by name (strcmp order) so a lookup is a
 * binary search with no setup; the errno and syscall tables are indexed
 * by number, with a sorted permutation for the other direction. The
 * tests check both orders against each other, and the values against
 * the system's and the model's headers.
 */
#include "traces/names.h"
#include "traces/digits.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* Below, at or above zero as strcmp(name, text[0..len)) would be. Inline
 * bytes, no library calls: every argument of every line comes here, and
 * the names differ within their first few bytes. */
static inline int name_cmp(const char *name, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char a = (unsigned char)name[i], b = (unsigned char)s[i];

		if (!a)
			return -1;   /* the name ended first (a NUL in the text too) */
		if (a != b)
			return a < b ? -1 : 1;
	}
	return name[len] ? 1 : 0;
}

int trace_names_find(const struct trace_names *t, const char *name, size_t len, uint64_t *value)
{
	size_t lo = 0, hi = t->n, skip = 0;

	/* The table is sorted, so every name shares the prefix its first and
	 * last share ("PROT_"): compare that once, then only what follows. */
	if (t->n) {
		const char *a = t->names[0].name, *b = t->names[t->n - 1].name;

		while (a[skip] && a[skip] == b[skip])
			skip++;
		if (len < skip)
			return -1;
		for (size_t i = 0; i < skip; i++)
			if (name[i] != a[i])
				return -1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(t->names[mid].name + skip, name + skip, len - skip);

		if (!c) {
			*value = t->names[mid].value;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

#define NAMES(arr) .names = (arr), .n = sizeof(arr) / sizeof((arr)[0])

/* include/uapi/asm-generic/mman-common.h; PROT_SEM, PROT_GROWS* too. */
static const struct trace_name prot_names[] = {
	{ "PROT_EXEC", 0x4 },
	{ "PROT_GROWSDOWN", 0x1000000 },
	{ "PROT_GROWSUP", 0x2000000 },
	{ "PROT_NONE", 0 },
	{ "PROT_READ", 0x1 },
	{ "PROT_SEM", 0x8 },
	{ "PROT_WRITE", 0x2 },
};

const struct trace_names trace_names_prot = {
	.what = "prot", .flags = true, NAMES(prot_names),
};

/* The map type (low nibble: SHARED, PRIVATE, SHARED_VALIDATE, DROPPABLE)
 * and the flags, x86_64 values (MAP_32BIT and MAP_ABOVE4G are x86 only).
 * Bits 26-31 print as "N<<MAP_HUGE_SHIFT" even without MAP_HUGETLB;
 * MAP_UNINITIALIZED is bit 26 too, named only if a strace ever does. */
static const struct trace_name map_names[] = {
	{ "MAP_32BIT", 0x40 },
	{ "MAP_ABOVE4G", 0x80 },
	{ "MAP_ANONYMOUS", 0x20 },
	{ "MAP_DENYWRITE", 0x800 },
	{ "MAP_DROPPABLE", 0x8 },
	{ "MAP_EXECUTABLE", 0x1000 },
	{ "MAP_FILE", 0 },
	{ "MAP_FIXED", 0x10 },
	{ "MAP_FIXED_NOREPLACE", 0x100000 },
	{ "MAP_GROWSDOWN", 0x100 },
	{ "MAP_HUGETLB", 0x40000 },
	{ "MAP_LOCKED", 0x2000 },
	{ "MAP_NONBLOCK", 0x10000 },
	{ "MAP_NORESERVE", 0x4000 },
	{ "MAP_POPULATE", 0x8000 },
	{ "MAP_PRIVATE", 0x2 },
	{ "MAP_SHARED", 0x1 },
	{ "MAP_SHARED_VALIDATE", 0x3 },
	{ "MAP_STACK", 0x20000 },
	{ "MAP_SYNC", 0x80000 },
	{ "MAP_UNINITIALIZED", 0x4000000 },
};

const struct trace_names trace_names_map = {
	.what = "mmap flags", .flags = true, NAMES(map_names),
	.shift_name = "MAP_HUGE_SHIFT", .shift = 26,
};

/* include/uapi/linux/mman.h */
static const struct trace_name mremap_names[] = {
	{ "MREMAP_DONTUNMAP", 0x4 },
	{ "MREMAP_FIXED", 0x2 },
	{ "MREMAP_MAYMOVE", 0x1 },
};

const struct trace_names trace_names_mremap = {
	.what = "mremap flags", .flags = true, NAMES(mremap_names),
};

/* The generic values (hppa's old ones are not x86_64's); 100 and 101
 * are named by strace 6.1 already, the guard pair from 6.13. */
static const struct trace_name madv_names[] = {
	{ "MADV_COLD", 20 },
	{ "MADV_COLLAPSE", 25 },
	{ "MADV_DODUMP", 17 },
	{ "MADV_DOFORK", 11 },
	{ "MADV_DONTDUMP", 16 },
	{ "MADV_DONTFORK", 10 },
	{ "MADV_DONTNEED", 4 },
	{ "MADV_DONTNEED_LOCKED", 24 },
	{ "MADV_FREE", 8 },
	{ "MADV_GUARD_INSTALL", 102 },
	{ "MADV_GUARD_REMOVE", 103 },
	{ "MADV_HUGEPAGE", 14 },
	{ "MADV_HWPOISON", 100 },
	{ "MADV_KEEPONFORK", 19 },
	{ "MADV_MERGEABLE", 12 },
	{ "MADV_NOHUGEPAGE", 15 },
	{ "MADV_NORMAL", 0 },
	{ "MADV_PAGEOUT", 21 },
	{ "MADV_POPULATE_READ", 22 },
	{ "MADV_POPULATE_WRITE", 23 },
	{ "MADV_RANDOM", 1 },
	{ "MADV_REMOVE", 9 },
	{ "MADV_SEQUENTIAL", 2 },
	{ "MADV_SOFT_OFFLINE", 101 },
	{ "MADV_UNMERGEABLE", 13 },
	{ "MADV_WILLNEED", 3 },
	{ "MADV_WIPEONFORK", 18 },
};

const struct trace_names trace_names_madv = {
	.what = "madvise advice", .flags = false, NAMES(madv_names),
};

/* include/uapi/linux/memfd.h; bits 26-31 are the huge page size. */
static const struct trace_name mfd_names[] = {
	{ "MFD_ALLOW_SEALING", 0x2 },
	{ "MFD_CLOEXEC", 0x1 },
	{ "MFD_EXEC", 0x10 },
	{ "MFD_HUGETLB", 0x4 },
	{ "MFD_NOEXEC_SEAL", 0x8 },
};

const struct trace_names trace_names_mfd = {
	.what = "memfd_create flags", .flags = true, NAMES(mfd_names),
	.shift_name = "MFD_HUGE_SHIFT", .shift = 26,
};

/* include/uapi/linux/fcntl.h; F_SEAL_EXEC is named from strace 6.3. */
static const struct trace_name seals_names[] = {
	{ "F_SEAL_EXEC", 0x20 },
	{ "F_SEAL_FUTURE_WRITE", 0x10 },
	{ "F_SEAL_GROW", 0x4 },
	{ "F_SEAL_SEAL", 0x1 },
	{ "F_SEAL_SHRINK", 0x2 },
	{ "F_SEAL_WRITE", 0x8 },
};

const struct trace_names trace_names_seals = {
	.what = "seals", .flags = true, NAMES(seals_names),
};

/* include/uapi/asm-generic/fcntl.h and linux/fcntl.h. F_GETLK64 and
 * friends keep their generic numbers (12-14), which is what strace's
 * table says on x86_64 too; the delegation pair is Linux 6.19's. */
static const struct trace_name fcntl_cmd_names[] = {
	{ "F_ADD_SEALS", 1033 },
	{ "F_CANCELLK", 1029 },
	{ "F_CREATED_QUERY", 1028 },
	{ "F_DUPFD", 0 },
	{ "F_DUPFD_CLOEXEC", 1030 },
	{ "F_DUPFD_QUERY", 1027 },
	{ "F_GETDELEG", 1039 },
	{ "F_GETFD", 1 },
	{ "F_GETFL", 3 },
	{ "F_GETLEASE", 1025 },
	{ "F_GETLK", 5 },
	{ "F_GETLK64", 12 },
	{ "F_GETOWN", 9 },
	{ "F_GETOWNER_UIDS", 17 },
	{ "F_GETOWN_EX", 16 },
	{ "F_GETPIPE_SZ", 1032 },
	{ "F_GETSIG", 11 },
	{ "F_GET_FILE_RW_HINT", 1037 },
	{ "F_GET_RW_HINT", 1035 },
	{ "F_GET_SEALS", 1034 },
	{ "F_NOTIFY", 1026 },
	{ "F_OFD_GETLK", 36 },
	{ "F_OFD_SETLK", 37 },
	{ "F_OFD_SETLKW", 38 },
	{ "F_SETDELEG", 1040 },
	{ "F_SETFD", 2 },
	{ "F_SETFL", 4 },
	{ "F_SETLEASE", 1024 },
	{ "F_SETLK", 6 },
	{ "F_SETLK64", 13 },
	{ "F_SETLKW", 7 },
	{ "F_SETLKW64", 14 },
	{ "F_SETOWN", 8 },
	{ "F_SETOWN_EX", 15 },
	{ "F_SETPIPE_SZ", 1031 },
	{ "F_SETSIG", 10 },
	{ "F_SET_FILE_RW_HINT", 1038 },
	{ "F_SET_RW_HINT", 1036 },
};

const struct trace_names trace_names_fcntl_cmd = {
	.what = "fcntl command", .flags = false, NAMES(fcntl_cmd_names),
};

/* include/uapi/asm-generic/fcntl.h, in octal as there. strace prints the
 * access mode by name (O_RDONLY is 0, O_ACCMODE 3) and then the flags;
 * O_SYNC and O_TMPFILE include O_DSYNC and O_DIRECTORY, and __O_SYNC,
 * __O_TMPFILE and FASYNC are the names strace gives the bare bits. */
static const struct trace_name open_names[] = {
	{ "FASYNC", 020000 },
	{ "O_ACCMODE", 03 },
	{ "O_APPEND", 02000 },
	{ "O_CLOEXEC", 02000000 },
	{ "O_CREAT", 0100 },
	{ "O_DIRECT", 040000 },
	{ "O_DIRECTORY", 0200000 },
	{ "O_DSYNC", 010000 },
	{ "O_EXCL", 0200 },
	{ "O_LARGEFILE", 0100000 },
	{ "O_NOATIME", 01000000 },
	{ "O_NOCTTY", 0400 },
	{ "O_NOFOLLOW", 0400000 },
	{ "O_NONBLOCK", 04000 },
	{ "O_PATH", 010000000 },
	{ "O_RDONLY", 0 },
	{ "O_RDWR", 02 },
	{ "O_SYNC", 04010000 },
	{ "O_TMPFILE", 020200000 },
	{ "O_TRUNC", 01000 },
	{ "O_WRONLY", 01 },
	{ "__O_SYNC", 04000000 },
	{ "__O_TMPFILE", 020000000 },
};

const struct trace_names trace_names_open = {
	.what = "open flags", .flags = true, NAMES(open_names),
};

/* x86_64 signal numbers under strace's names (src/linux/generic/
 * signalent.h): 32 is SIGRTMIN, 33..64 are SIGRT_1..SIGRT_32, other
 * numbers print in decimal. Kept in a macro because clone's flags hold
 * the exit signal too: "CLONE_VM|CLONE_FS|SIGCHLD". */
#define SIGNAL_NAMES \
	{ "SIGABRT", 6 }, \
	{ "SIGALRM", 14 }, \
	{ "SIGBUS", 7 }, \
	{ "SIGCHLD", 17 }, \
	{ "SIGCONT", 18 }, \
	{ "SIGFPE", 8 }, \
	{ "SIGHUP", 1 }, \
	{ "SIGILL", 4 }, \
	{ "SIGINT", 2 }, \
	{ "SIGIO", 29 }, \
	{ "SIGKILL", 9 }, \
	{ "SIGPIPE", 13 }, \
	{ "SIGPROF", 27 }, \
	{ "SIGPWR", 30 }, \
	{ "SIGQUIT", 3 }, \
	{ "SIGRTMIN", 32 }, \
	{ "SIGRT_1", 33 }, \
	{ "SIGRT_10", 42 }, \
	{ "SIGRT_11", 43 }, \
	{ "SIGRT_12", 44 }, \
	{ "SIGRT_13", 45 }, \
	{ "SIGRT_14", 46 }, \
	{ "SIGRT_15", 47 }, \
	{ "SIGRT_16", 48 }, \
	{ "SIGRT_17", 49 }, \
	{ "SIGRT_18", 50 }, \
	{ "SIGRT_19", 51 }, \
	{ "SIGRT_2", 34 }, \
	{ "SIGRT_20", 52 }, \
	{ "SIGRT_21", 53 }, \
	{ "SIGRT_22", 54 }, \
	{ "SIGRT_23", 55 }, \
	{ "SIGRT_24", 56 }, \
	{ "SIGRT_25", 57 }, \
	{ "SIGRT_26", 58 }, \
	{ "SIGRT_27", 59 }, \
	{ "SIGRT_28", 60 }, \
	{ "SIGRT_29", 61 }, \
	{ "SIGRT_3", 35 }, \
	{ "SIGRT_30", 62 }, \
	{ "SIGRT_31", 63 }, \
	{ "SIGRT_32", 64 }, \
	{ "SIGRT_4", 36 }, \
	{ "SIGRT_5", 37 }, \
	{ "SIGRT_6", 38 }, \
	{ "SIGRT_7", 39 }, \
	{ "SIGRT_8", 40 }, \
	{ "SIGRT_9", 41 }, \
	{ "SIGSEGV", 11 }, \
	{ "SIGSTKFLT", 16 }, \
	{ "SIGSTOP", 19 }, \
	{ "SIGSYS", 31 }, \
	{ "SIGTERM", 15 }, \
	{ "SIGTRAP", 5 }, \
	{ "SIGTSTP", 20 }, \
	{ "SIGTTIN", 21 }, \
	{ "SIGTTOU", 22 }, \
	{ "SIGURG", 23 }, \
	{ "SIGUSR1", 10 }, \
	{ "SIGUSR2", 12 }, \
	{ "SIGVTALRM", 26 }, \
	{ "SIGWINCH", 28 }, \
	{ "SIGXCPU", 24 }, \
	{ "SIGXFSZ", 25 },

static const struct trace_name signal_names[] = {
	SIGNAL_NAMES
};

const struct trace_names trace_names_signal = {
	.what = "signal", .flags = false, NAMES(signal_names),
};

/* include/uapi/linux/sched.h (core/tasks.h has the same facts). The low
 * byte of clone's flags is the exit signal, printed by name; every
 * CLONE_ name sorts before every SIG name, so the two lists joined stay
 * sorted. CLONE_NEWTIME (0x80) only appears in unshare and clone3. */
static const struct trace_name clone_names[] = {
	{ "CLONE_CHILD_CLEARTID", 0x200000 },
	{ "CLONE_CHILD_SETTID", 0x1000000 },
	{ "CLONE_CLEAR_SIGHAND", 0x100000000 },
	{ "CLONE_DETACHED", 0x400000 },
	{ "CLONE_FILES", 0x400 },
	{ "CLONE_FS", 0x200 },
	{ "CLONE_INTO_CGROUP", 0x200000000 },
	{ "CLONE_IO", 0x80000000 },
	{ "CLONE_NEWCGROUP", 0x2000000 },
	{ "CLONE_NEWIPC", 0x8000000 },
	{ "CLONE_NEWNET", 0x40000000 },
	{ "CLONE_NEWNS", 0x20000 },
	{ "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWTIME", 0x80 },
	{ "CLONE_NEWUSER", 0x10000000 },
	{ "CLONE_NEWUTS", 0x4000000 },
	{ "CLONE_PARENT", 0x8000 },
	{ "CLONE_PARENT_SETTID", 0x100000 },
	{ "CLONE_PIDFD", 0x1000 },
	{ "CLONE_PTRACE", 0x2000 },
	{ "CLONE_SETTLS", 0x80000 },
	{ "CLONE_SIGHAND", 0x800 },
	{ "CLONE_SYSVSEM", 0x40000 },
	{ "CLONE_THREAD", 0x10000 },
	{ "CLONE_UNTRACED", 0x800000 },
	{ "CLONE_VFORK", 0x4000 },
	{ "CLONE_VM", 0x100 },
	SIGNAL_NAMES
};

const struct trace_names trace_names_clone = {
	.what = "clone flags", .flags = true, NAMES(clone_names),
};

/* include/uapi/linux/fcntl.h. AT_EACCESS, AT_REMOVEDIR and AT_HANDLE_FID
 * share 0x200: which one strace prints depends on the call. */
static const struct trace_name at_names[] = {
	{ "AT_EACCESS", 0x200 },
	{ "AT_EMPTY_PATH", 0x1000 },
	{ "AT_EXECVE_CHECK", 0x10000 },
	{ "AT_HANDLE_FID", 0x200 },
	{ "AT_NO_AUTOMOUNT", 0x800 },
	{ "AT_RECURSIVE", 0x8000 },
	{ "AT_REMOVEDIR", 0x200 },
	{ "AT_STATX_DONT_SYNC", 0x4000 },
	{ "AT_STATX_FORCE_SYNC", 0x2000 },
	{ "AT_SYMLINK_FOLLOW", 0x400 },
	{ "AT_SYMLINK_NOFOLLOW", 0x100 },
};

const struct trace_names trace_names_at = {
	.what = "at flags", .flags = true, NAMES(at_names),
};

/* include/uapi/linux/falloc.h; FALLOC_FL_WRITE_ZEROES is Linux 6.17's. */
static const struct trace_name falloc_names[] = {
	{ "FALLOC_FL_ALLOCATE_RANGE", 0 },
	{ "FALLOC_FL_COLLAPSE_RANGE", 0x8 },
	{ "FALLOC_FL_INSERT_RANGE", 0x20 },
	{ "FALLOC_FL_KEEP_SIZE", 0x1 },
	{ "FALLOC_FL_NO_HIDE_STALE", 0x4 },
	{ "FALLOC_FL_PUNCH_HOLE", 0x2 },
	{ "FALLOC_FL_UNSHARE_RANGE", 0x40 },
	{ "FALLOC_FL_WRITE_ZEROES", 0x80 },
	{ "FALLOC_FL_ZERO_RANGE", 0x10 },
};

const struct trace_names trace_names_falloc = {
	.what = "fallocate mode", .flags = true, NAMES(falloc_names),
};

/* include/uapi/linux/fs.h (whence) */
static const struct trace_name seek_names[] = {
	{ "SEEK_CUR", 1 },
	{ "SEEK_DATA", 3 },
	{ "SEEK_END", 2 },
	{ "SEEK_HOLE", 4 },
	{ "SEEK_SET", 0 },
};

const struct trace_names trace_names_seek = {
	.what = "whence", .flags = false, NAMES(seek_names),
};

/* include/uapi/linux/close_range.h */
static const struct trace_name close_range_names[] = {
	{ "CLOSE_RANGE_CLOEXEC", 0x4 },
	{ "CLOSE_RANGE_UNSHARE", 0x2 },
};

const struct trace_names trace_names_close_range = {
	.what = "close_range flags", .flags = true, NAMES(close_range_names),
};

/* include/uapi/asm-generic/mman-common.h; PKEY_DISABLE_EXECUTE is
 * powerpc's bit, yet strace names it on x86_64 too. 0 is named from 6.15. */
static const struct trace_name pkey_names[] = {
	{ "PKEY_DISABLE_ACCESS", 0x1 },
	{ "PKEY_DISABLE_EXECUTE", 0x4 },
	{ "PKEY_DISABLE_WRITE", 0x2 },
	{ "PKEY_UNRESTRICTED", 0 },
};

const struct trace_names trace_names_pkey = {
	.what = "pkey access rights", .flags = true, NAMES(pkey_names),
};

/* mseal's flags have no names yet: only numbers decode. */
const struct trace_names trace_names_mseal = {
	.what = "mseal flags", .flags = true, .names = NULL, .n = 0,
};

/* F_SETFD's argument and F_GETFD's result (include/uapi/asm-generic/fcntl.h) */
static const struct trace_name fd_flags_names[] = {
	{ "FD_CLOEXEC", 0x1 },
};

const struct trace_names trace_names_fd_flags = {
	.what = "fd flags", .flags = true, NAMES(fd_flags_names),
};

/* map_shadow_stack's flags (arch/x86/include/uapi/asm/mman.h) */
static const struct trace_name shadow_stack_names[] = {
	{ "SHADOW_STACK_SET_MARKER", 0x2 },
	{ "SHADOW_STACK_SET_TOKEN", 0x1 },
};

const struct trace_names trace_names_shadow_stack = {
	.what = "map_shadow_stack flags", .flags = true, NAMES(shadow_stack_names),
};

/* openat2's resolve field (include/uapi/linux/openat2.h) */
static const struct trace_name resolve_names[] = {
	{ "RESOLVE_BENEATH", 0x8 },
	{ "RESOLVE_CACHED", 0x20 },
	{ "RESOLVE_IN_ROOT", 0x10 },
	{ "RESOLVE_NO_MAGICLINKS", 0x2 },
	{ "RESOLVE_NO_SYMLINKS", 0x4 },
	{ "RESOLVE_NO_XDEV", 0x1 },
};

const struct trace_names trace_names_resolve = {
	.what = "openat2 resolve", .flags = true, NAMES(resolve_names),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The number whose name in `names` is text[0..len), searched through
 * `order`, the numbers sorted by their names; -1 when none is. */
static int find_ordered(const char *const *names, const uint16_t *order, size_t n,
			const char *s, size_t len)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(names[order[mid]], s, len);

		if (!c)
			return order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* errno names as strace prints them (src/linux/generic/errnoent.h): the
 * asm-generic values 1-133 and the kernel-internal 512-531 of
 * include/linux/errno.h that reach a tracer (ERESTARTSYS and friends on
 * an interrupted call). core/errno_name.c names the few errnos the model
 * itself returns; the tests check that the two agree. */
static const char *const errno_names[] = {
	[1] = "EPERM",
	[2] = "ENOENT",
	[3] = "ESRCH",
	[4] = "EINTR",
	[5] = "EIO",
	[6] = "ENXIO",
	[7] = "E2BIG",
	[8] = "ENOEXEC",
	[9] = "EBADF",
	[10] = "ECHILD",
	[11] = "EAGAIN",
	[12] = "ENOMEM",
	[13] = "EACCES",
	[14] = "EFAULT",
	[15] = "ENOTBLK",
	[16] = "EBUSY",
	[17] = "EEXIST",
	[18] = "EXDEV",
	[19] = "ENODEV",
	[20] = "ENOTDIR",
	[21] = "EISDIR",
	[22] = "EINVAL",
	[23] = "ENFILE",
	[24] = "EMFILE",
	[25] = "ENOTTY",
	[26] = "ETXTBSY",
	[27] = "EFBIG",
	[28] = "ENOSPC",
	[29] = "ESPIPE",
	[30] = "EROFS",
	[31] = "EMLINK",
	[32] = "EPIPE",
	[33] = "EDOM",
	[34] = "ERANGE",
	[35] = "EDEADLK",
	[36] = "ENAMETOOLONG",
	[37] = "ENOLCK",
	[38] = "ENOSYS",
	[39] = "ENOTEMPTY",
	[40] = "ELOOP",
	[42] = "ENOMSG",
	[43] = "EIDRM",
	[44] = "ECHRNG",
	[45] = "EL2NSYNC",
	[46] = "EL3HLT",
	[47] = "EL3RST",
	[48] = "ELNRNG",
	[49] = "EUNATCH",
	[50] = "ENOCSI",
	[51] = "EL2HLT",
	[52] = "EBADE",
	[53] = "EBADR",
	[54] = "EXFULL",
	[55] = "ENOANO",
	[56] = "EBADRQC",
	[57] = "EBADSLT",
	[59] = "EBFONT",
	[60] = "ENOSTR",
	[61] = "ENODATA",
	[62] = "ETIME",
	[63] = "ENOSR",
	[64] = "ENONET",
	[65] = "ENOPKG",
	[66] = "EREMOTE",
	[67] = "ENOLINK",
	[68] = "EADV",
	[69] = "ESRMNT",
	[70] = "ECOMM",
	[71] = "EPROTO",
	[72] = "EMULTIHOP",
	[73] = "EDOTDOT",
	[74] = "EBADMSG",
	[75] = "EOVERFLOW",
	[76] = "ENOTUNIQ",
	[77] = "EBADFD",
	[78] = "EREMCHG",
	[79] = "ELIBACC",
	[80] = "ELIBBAD",
	[81] = "ELIBSCN",
	[82] = "ELIBMAX",
	[83] = "ELIBEXEC",
	[84] = "EILSEQ",
	[85] = "ERESTART",
	[86] = "ESTRPIPE",
	[87] = "EUSERS",
	[88] = "ENOTSOCK",
	[89] = "EDESTADDRREQ",
	[90] = "EMSGSIZE",
	[91] = "EPROTOTYPE",
	[92] = "ENOPROTOOPT",
	[93] = "EPROTONOSUPPORT",
	[94] = "ESOCKTNOSUPPORT",
	[95] = "EOPNOTSUPP",
	[96] = "EPFNOSUPPORT",
	[97] = "EAFNOSUPPORT",
	[98] = "EADDRINUSE",
	[99] = "EADDRNOTAVAIL",
	[100] = "ENETDOWN",
	[101] = "ENETUNREACH",
	[102] = "ENETRESET",
	[103] = "ECONNABORTED",
	[104] = "ECONNRESET",
	[105] = "ENOBUFS",
	[106] = "EISCONN",
	[107] = "ENOTCONN",
	[108] = "ESHUTDOWN",
	[109] = "ETOOMANYREFS",
	[110] = "ETIMEDOUT",
	[111] = "ECONNREFUSED",
	[112] = "EHOSTDOWN",
	[113] = "EHOSTUNREACH",
	[114] = "EALREADY",
	[115] = "EINPROGRESS",
	[116] = "ESTALE",
	[117] = "EUCLEAN",
	[118] = "ENOTNAM",
	[119] = "ENAVAIL",
	[120] = "EISNAM",
	[121] = "EREMOTEIO",
	[122] = "EDQUOT",
	[123] = "ENOMEDIUM",
	[124] = "EMEDIUMTYPE",
	[125] = "ECANCELED",
	[126] = "ENOKEY",
	[127] = "EKEYEXPIRED",
	[128] = "EKEYREVOKED",
	[129] = "EKEYREJECTED",
	[130] = "EOWNERDEAD",
	[131] = "ENOTRECOVERABLE",
	[132] = "ERFKILL",
	[133] = "EHWPOISON",
	[512] = "ERESTARTSYS",
	[513] = "ERESTARTNOINTR",
	[514] = "ERESTARTNOHAND",
	[515] = "ENOIOCTLCMD",
	[516] = "ERESTART_RESTARTBLOCK",
	[517] = "EPROBE_DEFER",
	[518] = "EOPENSTALE",
	[519] = "ENOPARAM",
	[521] = "EBADHANDLE",
	[522] = "ENOTSYNC",
	[523] = "EBADCOOKIE",
	[524] = "ENOTSUPP",
	[525] = "ETOOSMALL",
	[526] = "ESERVERFAULT",
	[527] = "EBADTYPE",
	[528] = "EJUKEBOX",
	[529] = "EIOCBQUEUED",
	[530] = "ERECALLCONFLICT",
	[531] = "ENOGRACE",
};

/* Names to numbers by hash, for the lookups every error line makes:
 * a table of 1024 slots (at most half full), filled once from `names`
 * on first use; linear probing. */
#define INDEX_SLOTS 1024

struct name_index {
	pthread_once_t once;
	uint16_t slot[INDEX_SLOTS];     /* number + 1; 0 is empty */
};

/* From the length and three bytes (the first is 'E' in every errno):
 * one multiply, where hashing every byte would cost a chain of them;
 * the few names alike in those share a probe run. */
static size_t name_hash(const char *s, size_t len)
{
	uint32_t key = (uint32_t)len << 24;

	if (len)
		key |= (uint32_t)(unsigned char)s[len - 1];
	if (len > 1)
		key |= (uint32_t)(unsigned char)s[1] << 16;
	if (len > 2)
		key |= (uint32_t)(unsigned char)s[2] << 8;
	return (size_t)((key * UINT32_C(0x9e3779b1)) >> 22) & (INDEX_SLOTS - 1);
}

static void index_fill(struct name_index *x, const char *const *names, size_t n)
{
	for (size_t nr = 0; nr < n; nr++) {
		size_t i;

		if (!names[nr])
			continue;
		for (i = name_hash(names[nr], strlen(names[nr])); x->slot[i]; i = (i + 1) & (INDEX_SLOTS - 1))
			;
		x->slot[i] = (uint16_t)(nr + 1);
	}
}

static int index_find(const struct name_index *x, const char *const *names, const char *s, size_t len)
{
	for (size_t i = name_hash(s, len); x->slot[i]; i = (i + 1) & (INDEX_SLOTS - 1))
		if (!name_cmp(names[x->slot[i] - 1], s, len))
			return x->slot[i] - 1;
	return -1;
}

static struct name_index errno_index = { .once = PTHREAD_ONCE_INIT };

static void errno_index_fill(void)
{
	index_fill(&errno_index, errno_names, COUNT(errno_names));
}

int trace_errno_by_name(const char *name, size_t len)
{
	int err;

	pthread_once(&errno_index.once, errno_index_fill);
	err = index_find(&errno_index, errno_names, name, len);
	return err < 0 ? 0 : err;
}

const char *trace_errno_name(int err)
{
	if (err < 0 || (size_t)err >= COUNT(errno_names))
		return NULL;
	return errno_names[err];
}

/* x86_64 syscall names as strace prints them (the same as the kernel's
 * syscall_64.tbl: pread64, newfstatat, _sysctl), 0 through 470. */
static const char *const syscall_names[] = {
	[0] = "read",
	[1] = "write",
	[2] = "open",
	[3] = "close",
	[4] = "stat",
	[5] = "fstat",
	[6] = "lstat",
	[7] = "poll",
	[8] = "lseek",
	[9] = "mmap",
	[10] = "mprotect",
	[11] = "munmap",
	[12] = "brk",
	[13] = "rt_sigaction",
	[14] = "rt_sigprocmask",
	[15] = "rt_sigreturn",
	[16] = "ioctl",
	[17] = "pread64",
	[18] = "pwrite64",
	[19] = "readv",
	[20] = "writev",
	[21] = "access",
	[22] = "pipe",
	[23] = "select",
	[24] = "sched_yield",
	[25] = "mremap",
	[26] = "msync",
	[27] = "mincore",
	[28] = "madvise",
	[29] = "shmget",
	[30] = "shmat",
	[31] = "shmctl",
	[32] = "dup",
	[33] = "dup2",
	[34] = "pause",
	[35] = "nanosleep",
	[36] = "getitimer",
	[37] = "alarm",
	[38] = "setitimer",
	[39] = "getpid",
	[40] = "sendfile",
	[41] = "socket",
	[42] = "connect",
	[43] = "accept",
	[44] = "sendto",
	[45] = "recvfrom",
	[46] = "sendmsg",
	[47] = "recvmsg",
	[48] = "shutdown",
	[49] = "bind",
	[50] = "listen",
	[51] = "getsockname",
	[52] = "getpeername",
	[53] = "socketpair",
	[54] = "setsockopt",
	[55] = "getsockopt",
	[56] = "clone",
	[57] = "fork",
	[58] = "vfork",
	[59] = "execve",
	[60] = "exit",
	[61] = "wait4",
	[62] = "kill",
	[63] = "uname",
	[64] = "semget",
	[65] = "semop",
	[66] = "semctl",
	[67] = "shmdt",
	[68] = "msgget",
	[69] = "msgsnd",
	[70] = "msgrcv",
	[71] = "msgctl",
	[72] = "fcntl",
	[73] = "flock",
	[74] = "fsync",
	[75] = "fdatasync",
	[76] = "truncate",
	[77] = "ftruncate",
	[78] = "getdents",
	[79] = "getcwd",
	[80] = "chdir",
	[81] = "fchdir",
	[82] = "rename",
	[83] = "mkdir",
	[84] = "rmdir",
	[85] = "creat",
	[86] = "link",
	[87] = "unlink",
	[88] = "symlink",
	[89] = "readlink",
	[90] = "chmod",
	[91] = "fchmod",
	[92] = "chown",
	[93] = "fchown",
	[94] = "lchown",
	[95] = "umask",
	[96] = "gettimeofday",
	[97] = "getrlimit",
	[98] = "getrusage",
	[99] = "sysinfo",
	[100] = "times",
	[101] = "ptrace",
	[102] = "getuid",
	[103] = "syslog",
	[104] = "getgid",
	[105] = "setuid",
	[106] = "setgid",
	[107] = "geteuid",
	[108] = "getegid",
	[109] = "setpgid",
	[110] = "getppid",
	[111] = "getpgrp",
	[112] = "setsid",
	[113] = "setreuid",
	[114] = "setregid",
	[115] = "getgroups",
	[116] = "setgroups",
	[117] = "setresuid",
	[118] = "getresuid",
	[119] = "setresgid",
	[120] = "getresgid",
	[121] = "getpgid",
	[122] = "setfsuid",
	[123] = "setfsgid",
	[124] = "getsid",
	[125] = "capget",
	[126] = "capset",
	[127] = "rt_sigpending",
	[128] = "rt_sigtimedwait",
	[129] = "rt_sigqueueinfo",
	[130] = "rt_sigsuspend",
	[131] = "sigaltstack",
	[132] = "utime",
	[133] = "mknod",
	[134] = "uselib",
	[135] = "personality",
	[136] = "ustat",
	[137] = "statfs",
	[138] = "fstatfs",
	[139] = "sysfs",
	[140] = "getpriority",
	[141] = "setpriority",
	[142] = "sched_setparam",
	[143] = "sched_getparam",
	[144] = "sched_setscheduler",
	[145] = "sched_getscheduler",
	[146] = "sched_get_priority_max",
	[147] = "sched_get_priority_min",
	[148] = "sched_rr_get_interval",
	[149] = "mlock",
	[150] = "munlock",
	[151] = "mlockall",
	[152] = "munlockall",
	[153] = "vhangup",
	[154] = "modify_ldt",
	[155] = "pivot_root",
	[156] = "_sysctl",
	[157] = "prctl",
	[158] = "arch_prctl",
	[159] = "adjtimex",
	[160] = "setrlimit",
	[161] = "chroot",
	[162] = "sync",
	[163] = "acct",
	[164] = "settimeofday",
	[165] = "mount",
	[166] = "umount2",
	[167] = "swapon",
	[168] = "swapoff",
	[169] = "reboot",
	[170] = "sethostname",
	[171] = "setdomainname",
	[172] = "iopl",
	[173] = "ioperm",
	[174] = "create_module",
	[175] = "init_module",
	[176] = "delete_module",
	[177] = "get_kernel_syms",
	[178] = "query_module",
	[179] = "quotactl",
	[180] = "nfsservctl",
	[181] = "getpmsg",
	[182] = "putpmsg",
	[183] = "afs_syscall",
	[184] = "tuxcall",
	[185] = "security",
	[186] = "gettid",
	[187] = "readahead",
	[188] = "setxattr",
	[189] = "lsetxattr",
	[190] = "fsetxattr",
	[191] = "getxattr",
	[192] = "lgetxattr",
	[193] = "fgetxattr",
	[194] = "listxattr",
	[195] = "llistxattr",
	[196] = "flistxattr",
	[197] = "removexattr",
	[198] = "lremovexattr",
	[199] = "fremovexattr",
	[200] = "tkill",
	[201] = "time",
	[202] = "futex",
	[203] = "sched_setaffinity",
	[204] = "sched_getaffinity",
	[205] = "set_thread_area",
	[206] = "io_setup",
	[207] = "io_destroy",
	[208] = "io_getevents",
	[209] = "io_submit",
	[210] = "io_cancel",
	[211] = "get_thread_area",
	[212] = "lookup_dcookie",
	[213] = "epoll_create",
	[214] = "epoll_ctl_old",
	[215] = "epoll_wait_old",
	[216] = "remap_file_pages",
	[217] = "getdents64",
	[218] = "set_tid_address",
	[219] = "restart_syscall",
	[220] = "semtimedop",
	[221] = "fadvise64",
	[222] = "timer_create",
	[223] = "timer_settime",
	[224] = "timer_gettime",
	[225] = "timer_getoverrun",
	[226] = "timer_delete",
	[227] = "clock_settime",
	[228] = "clock_gettime",
	[229] = "clock_getres",
	[230] = "clock_nanosleep",
	[231] = "exit_group",
	[232] = "epoll_wait",
	[233] = "epoll_ctl",
	[234] = "tgkill",
	[235] = "utimes",
	[236] = "vserver",
	[237] = "mbind",
	[238] = "set_mempolicy",
	[239] = "get_mempolicy",
	[240] = "mq_open",
	[241] = "mq_unlink",
	[242] = "mq_timedsend",
	[243] = "mq_timedreceive",
	[244] = "mq_notify",
	[245] = "mq_getsetattr",
	[246] = "kexec_load",
	[247] = "waitid",
	[248] = "add_key",
	[249] = "request_key",
	[250] = "keyctl",
	[251] = "ioprio_set",
	[252] = "ioprio_get",
	[253] = "inotify_init",
	[254] = "inotify_add_watch",
	[255] = "inotify_rm_watch",
	[256] = "migrate_pages",
	[257] = "openat",
	[258] = "mkdirat",
	[259] = "mknodat",
	[260] = "fchownat",
	[261] = "futimesat",
	[262] = "newfstatat",
	[263] = "unlinkat",
	[264] = "renameat",
	[265] = "linkat",
	[266] = "symlinkat",
	[267] = "readlinkat",
	[268] = "fchmodat",
	[269] = "faccessat",
	[270] = "pselect6",
	[271] = "ppoll",
	[272] = "unshare",
	[273] = "set_robust_list",
	[274] = "get_robust_list",
	[275] = "splice",
	[276] = "tee",
	[277] = "sync_file_range",
	[278] = "vmsplice",
	[279] = "move_pages",
	[280] = "utimensat",
	[281] = "epoll_pwait",
	[282] = "signalfd",
	[283] = "timerfd_create",
	[284] = "eventfd",
	[285] = "fallocate",
	[286] = "timerfd_settime",
	[287] = "timerfd_gettime",
	[288] = "accept4",
	[289] = "signalfd4",
	[290] = "eventfd2",
	[291] = "epoll_create1",
	[292] = "dup3",
	[293] = "pipe2",
	[294] = "inotify_init1",
	[295] = "preadv",
	[296] = "pwritev",
	[297] = "rt_tgsigqueueinfo",
	[298] = "perf_event_open",
	[299] = "recvmmsg",
	[300] = "fanotify_init",
	[301] = "fanotify_mark",
	[302] = "prlimit64",
	[303] = "name_to_handle_at",
	[304] = "open_by_handle_at",
	[305] = "clock_adjtime",
	[306] = "syncfs",
	[307] = "sendmmsg",
	[308] = "setns",
	[309] = "getcpu",
	[310] = "process_vm_readv",
	[311] = "process_vm_writev",
	[312] = "kcmp",
	[313] = "finit_module",
	[314] = "sched_setattr",
	[315] = "sched_getattr",
	[316] = "renameat2",
	[317] = "seccomp",
	[318] = "getrandom",
	[319] = "memfd_create",
	[320] = "kexec_file_load",
	[321] = "bpf",
	[322] = "execveat",
	[323] = "userfaultfd",
	[324] = "membarrier",
	[325] = "mlock2",
	[326] = "copy_file_range",
	[327] = "preadv2",
	[328] = "pwritev2",
	[329] = "pkey_mprotect",
	[330] = "pkey_alloc",
	[331] = "pkey_free",
	[332] = "statx",
	[333] = "io_pgetevents",
	[334] = "rseq",
	[424] = "pidfd_send_signal",
	[425] = "io_uring_setup",
	[426] = "io_uring_enter",
	[427] = "io_uring_register",
	[428] = "open_tree",
	[429] = "move_mount",
	[430] = "fsopen",
	[431] = "fsconfig",
	[432] = "fsmount",
	[433] = "fspick",
	[434] = "pidfd_open",
	[435] = "clone3",
	[436] = "close_range",
	[437] = "openat2",
	[438] = "pidfd_getfd",
	[439] = "faccessat2",
	[440] = "process_madvise",
	[441] = "epoll_pwait2",
	[442] = "mount_setattr",
	[443] = "quotactl_fd",
	[444] = "landlock_create_ruleset",
	[445] = "landlock_add_rule",
	[446] = "landlock_restrict_self",
	[447] = "memfd_secret",
	[448] = "process_mrelease",
	[449] = "futex_waitv",
	[450] = "set_mempolicy_home_node",
	[451] = "cachestat",
	[452] = "fchmodat2",
	[453] = "map_shadow_stack",
	[454] = "futex_wake",
	[455] = "futex_wait",
	[456] = "futex_requeue",
	[457] = "statmount",
	[458] = "listmount",
	[459] = "lsm_get_self_attr",
	[460] = "lsm_set_self_attr",
	[461] = "lsm_list_modules",
	[462] = "mseal",
	[463] = "setxattrat",
	[464] = "getxattrat",
	[465] = "listxattrat",
	[466] = "removexattrat",
	[467] = "open_tree_attr",
	[468] = "file_getattr",
	[469] = "file_setattr",
	[470] = "listns",
};

static const uint16_t syscall_by_name[] = {
	156, 43, 288, 21, 163, 248, 159, 183, 37, 158,
	49, 321, 12, 451, 125, 126, 80, 90, 92, 161,
	305, 229, 228, 230, 227, 56, 435, 3, 436, 42,
	326, 85, 174, 176, 32, 33, 292, 213, 291, 233,
	214, 281, 441, 232, 215, 284, 290, 59, 322, 60,
	231, 269, 439, 221, 285, 300, 301, 81, 91, 268,
	452, 93, 260, 72, 75, 193, 468, 469, 313, 196,
	73, 57, 199, 431, 190, 432, 430, 433, 5, 138,
	74, 77, 202, 456, 455, 449, 454, 261, 177, 239,
	274, 211, 309, 79, 78, 217, 108, 107, 104, 115,
	36, 52, 121, 111, 39, 181, 110, 140, 318, 120,
	118, 97, 98, 124, 51, 55, 186, 96, 102, 191,
	464, 175, 254, 253, 294, 255, 210, 207, 208, 333,
	206, 209, 426, 427, 425, 16, 173, 172, 252, 251,
	312, 320, 246, 250, 62, 445, 444, 446, 94, 192,
	86, 265, 50, 458, 470, 194, 465, 195, 212, 198,
	8, 189, 459, 461, 460, 6, 28, 453, 237, 324,
	319, 447, 256, 27, 83, 258, 133, 259, 149, 325,
	151, 9, 154, 165, 442, 429, 279, 10, 245, 244,
	240, 243, 242, 241, 25, 462, 71, 68, 70, 69,
	26, 150, 152, 11, 303, 35, 262, 180, 2, 304,
	428, 467, 257, 437, 34, 298, 135, 438, 434, 424,
	22, 293, 155, 330, 331, 329, 7, 271, 157, 17,
	295, 327, 302, 440, 448, 310, 311, 270, 101, 182,
	18, 296, 328, 178, 179, 443, 0, 187, 89, 267,
	19, 169, 45, 299, 47, 216, 197, 466, 82, 264,
	316, 249, 219, 84, 334, 13, 127, 14, 129, 15,
	130, 128, 297, 146, 147, 204, 315, 143, 145, 148,
	203, 314, 142, 144, 24, 317, 185, 23, 66, 64,
	65, 220, 40, 307, 46, 44, 238, 450, 273, 205,
	218, 171, 123, 122, 106, 116, 170, 38, 308, 109,
	141, 114, 119, 117, 113, 160, 112, 54, 164, 105,
	188, 463, 30, 31, 67, 29, 48, 131, 282, 289,
	41, 53, 275, 4, 137, 457, 332, 168, 167, 88,
	266, 162, 277, 306, 139, 99, 103, 276, 234, 201,
	222, 226, 225, 224, 223, 283, 287, 286, 100, 200,
	76, 184, 95, 166, 63, 87, 263, 272, 134, 323,
	136, 132, 280, 235, 58, 153, 278, 236, 61, 247,
	1, 20,
};

/* "syscall_0x1ce" (strace's name for a number it has no entry for) or the
 * older "syscall_462": the number, or -1. */
static int generic_syscall_nr(const char *s, size_t len)
{
	static const char prefix[] = "syscall_";
	size_t i = sizeof(prefix) - 1;
	unsigned base = 10;
	uint64_t nr = 0;

	if (len <= i || memcmp(s, prefix, i))
		return -1;
	if (len > i + 2 && s[i] == '0' && s[i + 1] == 'x') {
		base = 16;
		i += 2;
	}
	for (; i < len; i++) {
		int d = trace_hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -1;
		nr = nr * base + (unsigned)d;
		if (nr > INT_MAX)
			return -1;
	}
	return (int)nr;
}

int trace_syscall_nr(const char *name, size_t len)
{
	int nr = find_ordered(syscall_names, syscall_by_name, COUNT(syscall_by_name), name, len);

	return nr >= 0 ? nr : generic_syscall_nr(name, len);
}

const char *trace_syscall_name(int nr)
{
	if (nr < 0 || (size_t)nr >= COUNT(syscall_names))
		return NULL;
	return syscall_names[nr];
}
