// /proc/PID/maps and smaps VmFlags rendering (core/maps.h), byte for byte.
//
// MapsFormat: model mms built by hand, expected lines written out in full.
//   Most expected lines were copied from this machine's own
//   /proc/self/maps (Linux 6.18, x86_64); the rest follow the same rules
//   (section 13 of the semantics reference).
// MapsLive: the same scenario done twice, once with real syscalls in a
//   free window of this process and once as the model VMAs the kernel
//   should have made; the window's lines of /proc/self/maps and smaps
//   must equal what the model prints for its VMAs (tests/shim_maps.h).
//
// Line layout (fs/proc/task_mmu.c: show_vma_header_prefix, then
// show_map_vma pads with seq_pad before the name):
//
//   7f6f9b370000-7f6f9b372000 rw-s 00000000 00:01 1024                       /memfd:...
//   |<------ prefix, ends with one space after the inode ------>|<-pad->| name at col 73
//
// The prefix is padded with spaces to 72 characters and one more space
// is added; with no name the line ends right after the prefix's space.

#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/shim_maps.h"

namespace {

// The flag sets the kernel gives, as smaps prints them on 6.18.
constexpr vm_flags_t kMay = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
constexpr vm_flags_t kShared = VM_SHARED | VM_MAYSHARE;
// mmap(PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS): rd wr mr mw me ac
constexpr vm_flags_t kAnonRw = VM_READ | VM_WRITE | kMay | VM_ACCOUNT;
// mmap(PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS): rd mr mw me (nothing to account)
constexpr vm_flags_t kAnonRo = VM_READ | kMay;
// MAP_SHARED of an O_RDWR memfd / shared anonymous: rd wr sh mr mw me ms
constexpr vm_flags_t kSharedRw = VM_READ | VM_WRITE | kMay | kShared;
// the same with PROT_READ: rd sh mr mw me ms
constexpr vm_flags_t kSharedRo = VM_READ | kMay | kShared;
// [vvar] and [vvar_vclock]: rd mr pf io de dd
constexpr vm_flags_t kVvar = VM_READ | VM_MAYREAD | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
// [vdso]: rd ex mr mw me de
constexpr vm_flags_t kVdso = VM_READ | VM_EXEC | kMay | VM_DONTEXPAND;
// the main stack: rd wr mr mw me gd ac
constexpr vm_flags_t kStack = kAnonRw | VM_GROWSDOWN;

const char kVsyscallLine[] =
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";

// A malloc'd string from the shim, as std::string ("" for NULL).
std::string Take(char *s)
{
	std::string r = s ? s : "";
	shim_maps_free(s);
	return r;
}

std::string Str(const char *s)
{
	return s ? s : "";
}

// An mm the format tests fill by hand; destroyed with the test.
struct Model {
	struct mm mm;
	Model() { shim_maps_mm_init(&mm); }
	~Model() { mm_destroy(&mm); }
	Model(const Model &) = delete;
	Model &operator=(const Model &) = delete;

	struct vma *Add(uint64_t start, uint64_t end, vm_flags_t flags, uint64_t pgoff = UINT64_MAX,
			struct file *file = nullptr, unsigned special = VMA_NORMAL)
	{
		if (pgoff == UINT64_MAX)
			pgoff = file ? 0 : start >> PAGE_SHIFT;
		struct vma *v = shim_maps_add(&mm, start, end, flags, pgoff, file, special);
		EXPECT_NE(nullptr, v) << "cannot insert " << std::hex << start << "-" << end;
		return v;
	}
	std::string Line(const struct vma *v) { return v ? Take(shim_maps_line(&mm, v)) : "(no vma)"; }
	std::string Maps() { return Take(shim_maps_print(&mm)); }
	std::string Smaps() { return Take(shim_maps_print_vmflags(&mm)); }
	std::string Name(const struct vma *v)
	{
		const char *n = v ? mm_vma_name(&mm, v) : nullptr;
		return n ? n : "(none)";
	}
};

// A file the model maps; the VMAs take their own references.
struct File {
	struct file *f;
	File(enum inode_kind kind, unsigned major, unsigned minor, uint64_t ino, const char *path,
	     unsigned mode = FILE_MODE_READ)
		: f(shim_maps_file(kind, major, minor, ino, path, mode))
	{
		EXPECT_NE(nullptr, f);
	}
	~File()
	{
		if (f)
			file_put(f);
	}
	File(const File &) = delete;
	File &operator=(const File &) = delete;
};

std::string Flags(vm_flags_t flags)
{
	return Take(shim_maps_flags(flags));
}

// ---------------------------------------------------------------------------
// MapsFormat: show_vma_header_prefix, show_map_vma, get_vma_name,
// show_smap_vma_flags against hand-built mms.

TEST(MapsFormat, AnonymousPrivateEndsWithSpaceAndNoName)
{
	Model m;
	struct vma *v = m.Add(0x10000, 0x11000, kAnonRw);
	// anonymous: offset, device and inode are all 0 whatever the pgoff
	EXPECT_EQ("00010000-00011000 rw-p 00000000 00:00 0 \n", m.Line(v));
	EXPECT_EQ("(none)", m.Name(v));
}

TEST(MapsFormat, AddressesZeroPaddedToEightHexDigits)
{
	Model m;
	struct vma *low = m.Add(0x1000, 0x2000, kMay);
	struct vma *cross = m.Add(0xfffff000, 0x100001000, kAnonRo);
	struct vma *high = m.Add(0x7ffff7ff0000, 0x7ffff7fff000, kAnonRw);
	EXPECT_EQ("00001000-00002000 ---p 00000000 00:00 0 \n", m.Line(low));
	EXPECT_EQ("fffff000-100001000 r--p 00000000 00:00 0 \n", m.Line(cross));
	EXPECT_EQ("7ffff7ff0000-7ffff7fff000 rw-p 00000000 00:00 0 \n", m.Line(high));
}

TEST(MapsFormat, PermissionLetters)
{
	Model m;
	File f(INODE_REGULAR, 0xfe, 0, 42, "/f");
	struct vma *rwx = m.Add(0x10000, 0x11000, VM_READ | VM_WRITE | VM_EXEC | kMay | VM_ACCOUNT);
	struct vma *none = m.Add(0x12000, 0x13000, kMay);
	struct vma *xonly = m.Add(0x14000, 0x15000, VM_EXEC | kMay);
	struct vma *wonly = m.Add(0x16000, 0x17000, VM_WRITE | kMay);
	// 's' comes from VM_MAYSHARE alone: a MAP_SHARED map of an O_RDONLY
	// fd has VM_SHARED cleared at mmap and still prints r--s
	struct vma *maysh = m.Add(0x18000, 0x19000, VM_READ | VM_MAYREAD | VM_MAYEXEC | VM_MAYSHARE, 0, f.f);
	// VM_SHARED without VM_MAYSHARE never happens; p it is
	EXPECT_EQ("00010000-00011000 rwxp 00000000 00:00 0 \n", m.Line(rwx));
	EXPECT_EQ("00012000-00013000 ---p 00000000 00:00 0 \n", m.Line(none));
	EXPECT_EQ("00014000-00015000 --xp 00000000 00:00 0 \n", m.Line(xonly));
	EXPECT_EQ("00016000-00017000 -w-p 00000000 00:00 0 \n", m.Line(wonly));
	EXPECT_EQ("00018000-00019000 r--s 00000000 fe:00 42                                 /f\n",
		  m.Line(maysh));
}

TEST(MapsFormat, FileNameStartsAtColumn73)
{
	// Copied from `cat /proc/self/maps` on this machine.
	Model m;
	File cat(INODE_REGULAR, 0xfe, 0x00, 247134, "/usr/bin/cat");
	File gconv(INODE_REGULAR, 0xfe, 0x00, 332280, "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache");
	struct vma *text = m.Add(0x557141844000, 0x557141849000, VM_READ | VM_EXEC | kMay, 2, cat.f);
	struct vma *cache = m.Add(0x7ff781c89000, 0x7ff781c90000,
				  VM_READ | VM_MAYREAD | VM_MAYEXEC | VM_MAYSHARE, 0, gconv.f);
	std::string l = m.Line(text);
	EXPECT_EQ("557141844000-557141849000 r-xp 00002000 fe:00 247134                     /usr/bin/cat\n", l);
	EXPECT_EQ(73u, l.find('/'));
	EXPECT_EQ("7ff781c89000-7ff781c90000 r--s 00000000 fe:00 332280                     "
		  "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache\n",
		  m.Line(cache));
	EXPECT_EQ("/usr/bin/cat", m.Name(text));
}

TEST(MapsFormat, PrefixOf71To73Characters)
{
	// 12-digit addresses, a 16-digit offset (pgoff 2^48) and 16- to 18-digit
	// inode numbers make the prefix 71, 72 and 73 characters long:
	//   "7f0000000000-7f0000001000 r--p 1000000000000000 fe:00 " is 54,
	//   plus the inode and its space.
	// 71: one pad space + one (three spaces after the inode); 72: no pad +
	// one; 73: no pad + one, so the name starts at 74.
	Model m;
	File f71(INODE_REGULAR, 0xfe, 0, UINT64_C(1234567890123456), "/a");
	File f72(INODE_REGULAR, 0xfe, 0, UINT64_C(12345678901234567), "/b");
	File f73(INODE_REGULAR, 0xfe, 0, UINT64_C(123456789012345678), "/c");
	const uint64_t pgoff = UINT64_C(1) << 48;
	struct vma *a = m.Add(0x7f0000000000, 0x7f0000001000, kAnonRo, pgoff, f71.f);
	struct vma *b = m.Add(0x7f0000002000, 0x7f0000003000, kAnonRo, pgoff, f72.f);
	struct vma *c = m.Add(0x7f0000004000, 0x7f0000005000, kAnonRo, pgoff, f73.f);
	std::string la = m.Line(a), lb = m.Line(b), lc = m.Line(c);
	EXPECT_EQ("7f0000000000-7f0000001000 r--p 1000000000000000 fe:00 1234567890123456   /a\n", la);
	EXPECT_EQ("7f0000002000-7f0000003000 r--p 1000000000000000 fe:00 12345678901234567  /b\n", lb);
	EXPECT_EQ("7f0000004000-7f0000005000 r--p 1000000000000000 fe:00 123456789012345678  /c\n", lc);
	EXPECT_EQ(73u, la.find('/'));
	EXPECT_EQ(73u, lb.find('/'));
	EXPECT_EQ(74u, lc.find('/'));
}

TEST(MapsFormat, OffsetIsPgoffTimesPageSize)
{
	Model m;
	File f(INODE_REGULAR, 0x08, 0x01, 7, "/lib");
	struct vma *small = m.Add(0x400000, 0x401000, kAnonRo, 0x1234, f.f);
	struct vma *wide = m.Add(0x402000, 0x403000, kAnonRo, 0x123456789, f.f);
	EXPECT_EQ("00400000-00401000 r--p 01234000 08:01 7                                  /lib\n", m.Line(small));
	EXPECT_EQ("00402000-00403000 r--p 123456789000 08:01 7                              /lib\n", m.Line(wide));
}

TEST(MapsFormat, DeviceNumbersInHexAtLeastTwoDigits)
{
	Model m;
	File nvme(INODE_REGULAR, 259, 3, 12, "/nvme");       // 103:03
	File big(INODE_REGULAR, 0xfff, 0xfffff, 13, "/big"); // the widest dev_t parts
	File sd(INODE_REGULAR, 8, 17, 14, "/sd");            // 08:11
	struct vma *a = m.Add(0x10000, 0x11000, kAnonRo, 0, nvme.f);
	struct vma *b = m.Add(0x12000, 0x13000, kAnonRo, 0, big.f);
	struct vma *c = m.Add(0x14000, 0x15000, kAnonRo, 0, sd.f);
	EXPECT_EQ("00010000-00011000 r--p 00000000 103:03 12                                /nvme\n", m.Line(a));
	EXPECT_EQ("00012000-00013000 r--p 00000000 fff:fffff 13                             /big\n", m.Line(b));
	EXPECT_EQ("00014000-00015000 r--p 00000000 08:11 14                                 /sd\n", m.Line(c));
}

TEST(MapsFormat, MemfdNameAndShmemDevice)
{
	// Observed: memfd_create("mmsim-test") mapped MAP_SHARED rw at pgoff
	// 0, MAP_PRIVATE ro, MAP_SHARED ro at pgoff 2 (O_RDWR fd).
	Model m;
	File memfd(INODE_MEMFD, 0, 1, 1024, "/memfd:mmsim-test (deleted)", FILE_MODE_READ | FILE_MODE_WRITE);
	struct vma *rw = m.Add(0x7f6f9b370000, 0x7f6f9b372000, kSharedRw, 0, memfd.f);
	struct vma *priv = m.Add(0x7f6f9b373000, 0x7f6f9b374000, kAnonRo, 0, memfd.f);
	struct vma *ro = m.Add(0x7f6f9b375000, 0x7f6f9b376000, kSharedRo, 2, memfd.f);
	EXPECT_EQ("7f6f9b370000-7f6f9b372000 rw-s 00000000 00:01 1024                       "
		  "/memfd:mmsim-test (deleted)\n",
		  m.Line(rw));
	EXPECT_EQ("7f6f9b373000-7f6f9b374000 r--p 00000000 00:01 1024                       "
		  "/memfd:mmsim-test (deleted)\n",
		  m.Line(priv));
	EXPECT_EQ("7f6f9b375000-7f6f9b376000 r--s 00002000 00:01 1024                       "
		  "/memfd:mmsim-test (deleted)\n",
		  m.Line(ro));
	EXPECT_EQ("/memfd:mmsim-test (deleted)", m.Name(rw));
}

TEST(MapsFormat, SharedAnonymousIsDevZeroDeleted)
{
	Model m;
	File shm(INODE_SHMEM_ANON, 0, 1, 1025, "/dev/zero (deleted)", FILE_MODE_READ | FILE_MODE_WRITE);
	struct vma *v = m.Add(0x7f6f9b377000, 0x7f6f9b378000, kSharedRw, 0, shm.f);
	EXPECT_EQ("7f6f9b377000-7f6f9b378000 rw-s 00000000 00:01 1025                       "
		  "/dev/zero (deleted)\n",
		  m.Line(v));
	EXPECT_EQ("/dev/zero (deleted)", m.Name(v));
}

TEST(MapsFormat, PrivateDevZeroKeepsItsFile)
{
	// Observed on 6.18: mmap(/dev/zero, MAP_PRIVATE, offset 0x3000) keeps
	// vm_file (mmap_zero only drops vm_ops), so maps shows the device
	// node's own dev/inode and the offset.
	Model m;
	File zero(INODE_DEVZERO, 0, 6, 4, "/dev/zero", FILE_MODE_READ | FILE_MODE_WRITE);
	struct vma *v = m.Add(0x7f7b1ccbd000, 0x7f7b1ccbf000, kAnonRw, 3, zero.f);
	EXPECT_EQ("7f7b1ccbd000-7f7b1ccbf000 rw-p 00003000 00:06 4                          /dev/zero\n",
		  m.Line(v));
}

TEST(MapsFormat, PathPrintedAsStored)
{
	// The inode's path is stored with maps' escapes already applied;
	// spaces stay spaces.
	Model m;
	File f(INODE_REGULAR, 0xfe, 0, 9, "/tmp/with space\\012and newline (deleted)");
	struct vma *v = m.Add(0x10000, 0x11000, kAnonRo, 0, f.f);
	EXPECT_EQ("00010000-00011000 r--p 00000000 fe:00 9                                  "
		  "/tmp/with space\\012and newline (deleted)\n",
		  m.Line(v));
}

// Heap rule (get_vma_name, vma_is_initial_heap):
//   vm_start < brk && vm_end > start_brk
TEST(MapsFormat, HeapLabel)
{
	Model m;
	m.mm.start_brk = 0x5571717f9000;
	m.mm.brk = 0x55717181a000;
	struct vma *heap = m.Add(0x5571717f9000, 0x55717181a000, kAnonRw);
	EXPECT_EQ("5571717f9000-55717181a000 rw-p 00000000 00:00 0                          [heap]\n",
		  m.Line(heap));
	EXPECT_EQ("[heap]", m.Name(heap));
}

TEST(MapsFormat, HeapSeveralLines)
{
	//  start_brk                brk
	//  |HHHHHHHH|hhhhhhhhhhhhhhh|   |x|
	//  rw        r-- (mprotected)    beyond brk: no label
	const uint64_t sb = 0x555555559000;
	Model m;
	m.mm.start_brk = sb;
	m.mm.brk = sb + 0x21000;
	struct vma *a = m.Add(sb, sb + 0x10000, kAnonRw);
	struct vma *b = m.Add(sb + 0x10000, sb + 0x21000, VM_READ | kMay | VM_ACCOUNT);
	struct vma *c = m.Add(sb + 0x21000, sb + 0x22000, kAnonRw);
	EXPECT_EQ("[heap]", m.Name(a));
	EXPECT_EQ("[heap]", m.Name(b));
	EXPECT_EQ("(none)", m.Name(c));
	EXPECT_EQ("555555559000-555555569000 rw-p 00000000 00:00 0                          [heap]\n"
		  "555555569000-55555557a000 r--p 00000000 00:00 0                          [heap]\n"
		  "55555557a000-55555557b000 rw-p 00000000 00:00 0 \n",
		  m.Maps());
}

TEST(MapsFormat, EmptyHeapShowsNone)
{
	// brk == start_brk: neither the VMA ending at start_brk nor the one
	// starting there is the heap.
	const uint64_t sb = 0x555555559000;
	Model m;
	m.mm.start_brk = sb;
	m.mm.brk = sb;
	struct vma *below = m.Add(sb - 0x1000, sb, kAnonRw);
	struct vma *at = m.Add(sb, sb + 0x1000, kAnonRw);
	EXPECT_EQ("(none)", m.Name(below));
	EXPECT_EQ("(none)", m.Name(at));
	EXPECT_EQ(std::string::npos, m.Maps().find("[heap]"));
}

TEST(MapsFormat, HeapWithUnalignedBrk)
{
	// brk = start_brk + 1 (brk(b0 + 1) stores the exact value): the first
	// page is the heap, the next page is not.
	const uint64_t sb = 0x555555559000;
	Model m;
	m.mm.start_brk = sb;
	m.mm.brk = sb + 1;
	struct vma *first = m.Add(sb, sb + 0x1000, kAnonRw);
	struct vma *next = m.Add(sb + 0x1000, sb + 0x2000, kAnonRo);
	EXPECT_EQ("[heap]", m.Name(first));
	EXPECT_EQ("(none)", m.Name(next));
}

TEST(MapsFormat, FileInsideHeapRangeKeepsFileName)
{
	// get_vma_name looks at vm_file before the heap rule.
	const uint64_t sb = 0x555555559000;
	Model m;
	File f(INODE_REGULAR, 0xfe, 0, 77, "/data");
	m.mm.start_brk = sb;
	m.mm.brk = sb + 0x4000;
	struct vma *v = m.Add(sb + 0x1000, sb + 0x2000, kAnonRo, 0, f.f);
	EXPECT_EQ("/data", m.Name(v));
	EXPECT_EQ("55555555a000-55555555b000 r--p 00000000 fe:00 77                         /data\n",
		  m.Line(v));
}

// Stack rule (vma_is_initial_stack): vm_start <= start_stack && vm_end >= start_stack
TEST(MapsFormat, StackLabel)
{
	Model m;
	m.mm.start_stack = 0x7fff390bd5f0;
	struct vma *stack = m.Add(0x7fff3909d000, 0x7fff390be000, kStack);
	EXPECT_EQ("7fff3909d000-7fff390be000 rw-p 00000000 00:00 0                          [stack]\n",
		  m.Line(stack));
	EXPECT_EQ("[stack]", m.Name(stack));
}

TEST(MapsFormat, StackBoundsAreInclusive)
{
	// Both ends count: a VMA ending exactly at start_stack and one
	// starting exactly there are both [stack].
	Model m;
	const uint64_t ss = 0x7fff39000000;
	m.mm.start_stack = ss;
	struct vma *below = m.Add(ss - 0x2000, ss, kAnonRw);
	struct vma *above = m.Add(ss, ss + 0x1000, kAnonRw);
	struct vma *far = m.Add(ss + 0x2000, ss + 0x3000, kAnonRw);
	struct vma *low = m.Add(ss - 0x4000, ss - 0x3000, kAnonRw);
	EXPECT_EQ("[stack]", m.Name(below));
	EXPECT_EQ("[stack]", m.Name(above));
	EXPECT_EQ("(none)", m.Name(far));
	EXPECT_EQ("(none)", m.Name(low));
}

TEST(MapsFormat, SplitStackLowPartLosesLabel)
{
	// A stack split by mseal/mprotect: only the part holding start_stack
	// keeps [stack]; a MAP_GROWSDOWN map elsewhere has no name.
	Model m;
	m.mm.start_stack = 0x7fff390bd5f0;
	struct vma *low = m.Add(0x7fff3909d000, 0x7fff390a0000, kStack | VM_SEALED);
	struct vma *high = m.Add(0x7fff390a0000, 0x7fff390be000, kStack);
	struct vma *gd = m.Add(0x7f0000000000, 0x7f0000001000, kStack);
	EXPECT_EQ("7fff3909d000-7fff390a0000 rw-p 00000000 00:00 0 \n", m.Line(low));
	EXPECT_EQ("7fff390a0000-7fff390be000 rw-p 00000000 00:00 0                          [stack]\n",
		  m.Line(high));
	EXPECT_EQ("7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n", m.Line(gd));
}

TEST(MapsFormat, HeapRuleComesBeforeStackRule)
{
	// get_vma_name tests the heap first: a VMA that matches both is [heap].
	Model m;
	m.mm.start_brk = 0x10000;
	m.mm.brk = 0x20000;
	m.mm.start_stack = 0x18000;
	struct vma *v = m.Add(0x10000, 0x20000, kAnonRw);
	EXPECT_EQ("[heap]", m.Name(v));
}

TEST(MapsFormat, SpecialMappingNames)
{
	// Copied from this machine's maps; the special mappings have no file.
	Model m;
	// inside the heap range: the names come first (vm_ops->name)
	m.mm.start_brk = 0x7ff781c93000;
	m.mm.brk = 0x7ff781c9b000;
	struct vma *vvar = m.Add(0x7ff781c93000, 0x7ff781c97000, kVvar, 0, nullptr, VMA_VVAR);
	struct vma *vclock = m.Add(0x7ff781c97000, 0x7ff781c99000, kVvar, 0, nullptr, VMA_VVAR_VCLOCK);
	struct vma *vdso = m.Add(0x7ff781c99000, 0x7ff781c9b000, kVdso, 0, nullptr, VMA_VDSO);
	EXPECT_EQ("7ff781c93000-7ff781c97000 r--p 00000000 00:00 0                          [vvar]\n",
		  m.Line(vvar));
	EXPECT_EQ("7ff781c97000-7ff781c99000 r--p 00000000 00:00 0                          [vvar_vclock]\n",
		  m.Line(vclock));
	EXPECT_EQ("7ff781c99000-7ff781c9b000 r-xp 00000000 00:00 0                          [vdso]\n",
		  m.Line(vdso));
	EXPECT_EQ("[vdso]", m.Name(vdso));
}

TEST(MapsFormat, VsyscallLinePrintedLast)
{
	// The gate area is not a VMA: 56-character prefix, 17 spaces, name.
	Model m;
	m.Add(0x10000, 0x11000, kAnonRw);
	EXPECT_EQ("00010000-00011000 rw-p 00000000 00:00 0 \n", m.Maps());
	m.mm.has_vsyscall = true;
	EXPECT_EQ(std::string("00010000-00011000 rw-p 00000000 00:00 0 \n") + kVsyscallLine, m.Maps());
	// its smaps VmFlags (observed): "ex "
	EXPECT_EQ(std::string("00010000-00011000 rw-p 00000000 00:00 0 \n"
			      "VmFlags: rd wr mr mw me ac \n") +
			  kVsyscallLine + "VmFlags: ex \n",
		  m.Smaps());
	EXPECT_EQ(1u, mm_map_count(&m.mm)); // and it is not counted
}

TEST(MapsFormat, EmptyMm)
{
	Model m;
	EXPECT_EQ("", m.Maps());
	EXPECT_EQ("", m.Smaps());
	m.mm.has_vsyscall = true;
	EXPECT_EQ(kVsyscallLine, m.Maps());
}

TEST(MapsFormat, WholeProcessInAddressOrder)
{
	// This machine's `cat /proc/self/maps`, abridged, inserted backwards.
	Model m;
	File cat(INODE_REGULAR, 0xfe, 0x00, 247134, "/usr/bin/cat");
	m.mm.start_brk = 0x5571717f9000;
	m.mm.brk = 0x55717181a000;
	m.mm.start_stack = 0x7fff390bc4c0;
	m.mm.has_vsyscall = true;
	m.Add(0x7fff3909d000, 0x7fff390be000, kStack);
	m.Add(0x7ff781c99000, 0x7ff781c9b000, kVdso, 0, nullptr, VMA_VDSO);
	m.Add(0x7ff781c97000, 0x7ff781c99000, kVvar, 0, nullptr, VMA_VVAR_VCLOCK);
	m.Add(0x7ff781c93000, 0x7ff781c97000, kVvar, 0, nullptr, VMA_VVAR);
	m.Add(0x7ff781a51000, 0x7ff781a73000, kAnonRw);
	m.Add(0x5571717f9000, 0x55717181a000, kAnonRw);
	m.Add(0x557141849000, 0x55714184c000, kAnonRo, 7, cat.f);
	m.Add(0x557141844000, 0x557141849000, VM_READ | VM_EXEC | kMay, 2, cat.f);
	m.Add(0x557141842000, 0x557141844000, kAnonRo, 0, cat.f);
	EXPECT_EQ("557141842000-557141844000 r--p 00000000 fe:00 247134                     /usr/bin/cat\n"
		  "557141844000-557141849000 r-xp 00002000 fe:00 247134                     /usr/bin/cat\n"
		  "557141849000-55714184c000 r--p 00007000 fe:00 247134                     /usr/bin/cat\n"
		  "5571717f9000-55717181a000 rw-p 00000000 00:00 0                          [heap]\n"
		  "7ff781a51000-7ff781a73000 rw-p 00000000 00:00 0 \n"
		  "7ff781c93000-7ff781c97000 r--p 00000000 00:00 0                          [vvar]\n"
		  "7ff781c97000-7ff781c99000 r--p 00000000 00:00 0                          [vvar_vclock]\n"
		  "7ff781c99000-7ff781c9b000 r-xp 00000000 00:00 0                          [vdso]\n"
		  "7fff3909d000-7fff390be000 rw-p 00000000 00:00 0                          [stack]\n"
		  "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n",
		  m.Maps());
	EXPECT_EQ("557141842000-557141844000 r--p 00000000 fe:00 247134                     /usr/bin/cat\n"
		  "VmFlags: rd mr mw me \n"
		  "557141844000-557141849000 r-xp 00002000 fe:00 247134                     /usr/bin/cat\n"
		  "VmFlags: rd ex mr mw me \n"
		  "557141849000-55714184c000 r--p 00007000 fe:00 247134                     /usr/bin/cat\n"
		  "VmFlags: rd mr mw me \n"
		  "5571717f9000-55717181a000 rw-p 00000000 00:00 0                          [heap]\n"
		  "VmFlags: rd wr mr mw me ac \n"
		  "7ff781a51000-7ff781a73000 rw-p 00000000 00:00 0 \n"
		  "VmFlags: rd wr mr mw me ac \n"
		  "7ff781c93000-7ff781c97000 r--p 00000000 00:00 0                          [vvar]\n"
		  "VmFlags: rd mr pf io de dd \n"
		  "7ff781c97000-7ff781c99000 r--p 00000000 00:00 0                          [vvar_vclock]\n"
		  "VmFlags: rd mr pf io de dd \n"
		  "7ff781c99000-7ff781c9b000 r-xp 00000000 00:00 0                          [vdso]\n"
		  "VmFlags: rd ex mr mw me de \n"
		  "7fff3909d000-7fff390be000 rw-p 00000000 00:00 0                          [stack]\n"
		  "VmFlags: rd wr mr mw me gd ac \n"
		  "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n"
		  "VmFlags: ex \n",
		  m.Smaps());
}

TEST(MapsFormat, LineLengthContractLikeSnprintf)
{
	Model m;
	struct vma *v = m.Add(0x10000, 0x11000, kAnonRw);
	const std::string full = "00010000-00011000 rw-p 00000000 00:00 0 \n";
	char copy[128];

	// room for everything and the NUL
	EXPECT_EQ(full.size(), shim_maps_line_sized(&m.mm, v, full.size() + 1, copy));
	EXPECT_EQ(full, std::string(copy));
	// one short: the newline is cut, the result still NUL-terminated
	EXPECT_EQ(full.size(), shim_maps_line_sized(&m.mm, v, full.size(), copy));
	EXPECT_EQ(full.substr(0, full.size() - 1), std::string(copy));
	// ten bytes: nine characters and the NUL
	EXPECT_EQ(full.size(), shim_maps_line_sized(&m.mm, v, 10, copy));
	EXPECT_EQ("00010000-", std::string(copy));
	// size 0 writes nothing at all
	EXPECT_EQ(full.size(), shim_maps_line_sized(&m.mm, v, 0, copy));
}

// show_smap_vma_flags: two letters per set bit, in bit order, each
// followed by one space.
TEST(MapsFormat, VmFlagsObservedSets)
{
	EXPECT_EQ("rd wr mr mw me ac ", Flags(kAnonRw));
	EXPECT_EQ("rd mr mw me ", Flags(kAnonRo));
	EXPECT_EQ("rd wr mr mw me ac sl ", Flags(kAnonRw | VM_SEALED));
	EXPECT_EQ("rd wr mr mw me gd ac ", Flags(kStack));
	EXPECT_EQ("rd wr sh mr mw me ms ", Flags(kSharedRw));
	EXPECT_EQ("rd sh mr mw me ms ", Flags(kSharedRo));
	EXPECT_EQ("rd mr mw me sl ", Flags(kAnonRo | VM_SEALED));
	EXPECT_EQ("rd mr pf io de dd ", Flags(kVvar));
	EXPECT_EQ("rd ex mr mw me de ", Flags(kVdso));
	EXPECT_EQ("rd wr mr mw me nr ", Flags(VM_READ | VM_WRITE | kMay | VM_NORESERVE));
	EXPECT_EQ("rd wr mr mw me lo lf ac ", Flags(kAnonRw | VM_LOCKED | VM_LOCKONFAULT));
	EXPECT_EQ("rd wr mr mw me dc ac ", Flags(kAnonRw | VM_DONTCOPY));
	EXPECT_EQ("rd wr mr mw me nr wf dd dp ",
		  Flags(VM_READ | VM_WRITE | kMay | VM_NORESERVE | VM_WIPEONFORK | VM_DONTDUMP | VM_DROPPABLE));
	EXPECT_EQ("ex ", Flags(VM_EXEC));
	EXPECT_EQ("", Flags(0));
}

TEST(MapsFormat, VmFlagsEveryNamedBitInOrder)
{
	// Bits 0..31 as 6.18 names them on this config (27 is soft-dirty,
	// compiled out here: left out), then dp (40), ui (41) and sl (42): the
	// 6.17 layout of include/linux/mm.h.
	vm_flags_t all = 0;
	for (unsigned bit = 0; bit < 32; bit++)
		if (bit != 27)
			all |= UINT64_C(1) << bit;
	all |= VM_UFFD_MINOR | VM_DROPPABLE | VM_SEALED;
	EXPECT_EQ("rd wr ex sh mr mw me ms gd um pf gu uw lo io sr rr dc de lf ac nr ht sf ar wf dd mm hg nh mg "
		  "dp ui sl ",
		  Flags(all));
	EXPECT_EQ("VmFlags: rd wr mr mw me ac sl \n", Take(shim_maps_vmflags_line(kAnonRw | VM_SEALED)));
	EXPECT_EQ("VmFlags: \n", Take(shim_maps_vmflags_line(0)));
}

TEST(MapsFormat, VmFlagsPkeyBitsPrintNothing)
{
	// Bits 32..35 hold the protection key; smaps shows it as
	// ProtectionKey:, not in VmFlags.
	EXPECT_EQ("rd wr mr mw me ac ", Flags(kAnonRw | VM_PKEY_MASK));
	EXPECT_EQ("rd mr mw me sl ", Flags(kAnonRo | (UINT64_C(5) << VM_PKEY_SHIFT) | VM_SEALED));
	for (unsigned bit = VM_PKEY_SHIFT; bit < VM_PKEY_SHIFT + 4; bit++)
		EXPECT_EQ(nullptr, vm_flag_mnemonic(bit)) << "bit " << bit;
}

TEST(MapsFormat, VmFlagsUnknownBitsPrintQuestionMarks)
{
	// 27 (soft-dirty, compiled out here), 36 (a fifth pkey bit exists
	// only on ppc64), 50. Bit 11 is VM_MAYBE_GUARD, "gu", on 6.18.44.
	EXPECT_EQ("rd ?? ", Flags(VM_READ | (UINT64_C(1) << 27)));
	EXPECT_EQ("rd ?? sl ", Flags(VM_READ | (UINT64_C(1) << 36) | VM_SEALED));
	EXPECT_EQ("?? ?? ", Flags((UINT64_C(1) << 27) | (UINT64_C(1) << 50)));
	EXPECT_STREQ("??", vm_flag_mnemonic(27));
	EXPECT_STREQ("??", vm_flag_mnemonic(50));
}

TEST(MapsFormat, VmFlagMnemonicTable)
{
	const char *const named[32] = {
		"rd", "wr", "ex", "sh", "mr", "mw", "me", "ms", "gd", "um", "pf", "gu",
		"uw", "lo", "io", "sr", "rr", "dc", "de", "lf", "ac", "nr", "ht", "sf",
		"ar", "wf", "dd", nullptr, "mm", "hg", "nh", "mg",
	};
	for (unsigned bit = 0; bit < 32; bit++) {
		if (named[bit]) {
			EXPECT_STREQ(named[bit], vm_flag_mnemonic(bit)) << "bit " << bit;
		}
	}
	EXPECT_STREQ("dp", vm_flag_mnemonic(40));
	EXPECT_STREQ("ui", vm_flag_mnemonic(41));
	EXPECT_STREQ("sl", vm_flag_mnemonic(42));
}

TEST(MapsFormat, PrintMapsVmflagsPairs)
{
	Model m;
	File memfd(INODE_MEMFD, 0, 1, 1024, "/memfd:x (deleted)", FILE_MODE_READ | FILE_MODE_WRITE);
	m.Add(0x7f0000000000, 0x7f0000001000, kAnonRw | VM_SEALED);
	m.Add(0x7f0000001000, 0x7f0000002000, kSharedRw, 1, memfd.f);
	EXPECT_EQ("7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
		  "VmFlags: rd wr mr mw me ac sl \n"
		  "7f0000001000-7f0000002000 rw-s 00001000 00:01 1024                       /memfd:x (deleted)\n"
		  "VmFlags: rd wr sh mr mw me ms \n",
		  m.Smaps());
}

// ---------------------------------------------------------------------------
// MapsLive: the kernel's own /proc/self/maps and smaps of a window of this
// process against the model of the same window.

#define REQUIRE_NOREPLACE()                                                                  \
	do {                                                                                 \
		if (!shim_have_fixed_noreplace())                                            \
			GTEST_SKIP() << "MAP_FIXED_NOREPLACE unsupported (kernel before 4.17)"; \
	} while (0)

#define REQUIRE_MSEAL()                                                                       \
	do {                                                                                  \
		if (!shim_have_mseal())                                                       \
			GTEST_SKIP() << "mseal (syscall 462) returns ENOSYS: kernel before 6.10 " \
					"or 32-bit; sealed case skipped";                     \
	} while (0)

// Run the scenario and compare all four renderings with the kernel's.
void ExpectLive(const std::vector<struct shim_op> &ops, const std::vector<struct shim_vma> &model)
{
	struct shim_live live;
	int rc = shim_live_run(ops.data(), ops.size(), model.data(), model.size(), &live);
	const std::string trace = Str(live.trace);
	const std::string real = Str(live.real_maps), real_smaps = Str(live.real_smaps);

	EXPECT_EQ(0, rc) << "errno " << live.error << " at op " << live.failed_op << "\n" << trace;
	EXPECT_EQ(real, Str(live.model_lines))
		<< "mm_format_maps_line vs /proc/self/maps\nkernel:\n" << real << "model:\n"
		<< Str(live.model_lines) << "calls:\n" << trace;
	EXPECT_EQ(real, Str(live.model_maps))
		<< "mm_print_maps vs /proc/self/maps\nkernel:\n" << real << "model:\n"
		<< Str(live.model_maps) << "calls:\n" << trace;
	EXPECT_EQ(Str(live.real_vmflags), Str(live.model_vmflags))
		<< "vm_flags_format vs smaps VmFlags\nkernel:\n" << real_smaps << "model:\n"
		<< Str(live.model_vmflags) << "calls:\n" << trace;
	EXPECT_EQ(real_smaps, Str(live.model_smaps))
		<< "mm_print_maps_vmflags vs /proc/self/smaps\nkernel:\n" << real_smaps << "model:\n"
		<< Str(live.model_smaps) << "calls:\n" << trace;
	shim_live_release(&live);
}

constexpr int RW = PROT_READ | PROT_WRITE;
constexpr int RO = PROT_READ;

// show_map_vma / show_smap_vma_flags for private anonymous memory:
// rw gets VM_ACCOUNT ("ac"), ro and PROT_NONE do not.
TEST(MapsLive, AnonymousPrivate)
{
	REQUIRE_NOREPLACE();
	//  0123456789
	//   AA B C D      A rw, B ro, C rwx, D none
	ExpectLive({ shim_op_mmap(1, 2, RW, MAP_PRIVATE), shim_op_mmap(4, 1, RO, MAP_PRIVATE),
		     shim_op_mmap(6, 1, RW | PROT_EXEC, MAP_PRIVATE),
		     shim_op_mmap(8, 1, PROT_NONE, MAP_PRIVATE) },
		   { shim_vma_anon(1, 2, kAnonRw), shim_vma_anon(4, 1, kAnonRo),
		     shim_vma_anon(6, 1, VM_READ | VM_WRITE | VM_EXEC | kMay | VM_ACCOUNT),
		     shim_vma_anon(8, 1, kMay) });
}

// show_map_vma prints one line per VMA: adjacent anonymous maps the
// kernel merged are one model VMA; rw next to ro stays two.
TEST(MapsLive, AdjacentMapsMerge)
{
	REQUIRE_NOREPLACE();
	//  0123456789
	//   AABBB CD      A+B merge (same flags, contiguous pgoff); C ro, D rw
	ExpectLive({ shim_op_mmap(1, 2, RW, MAP_PRIVATE), shim_op_mmap(3, 3, RW, MAP_PRIVATE),
		     shim_op_mmap(7, 1, RO, MAP_PRIVATE), shim_op_mmap(8, 1, RW, MAP_PRIVATE) },
		   { shim_vma_anon(1, 5, kAnonRw), shim_vma_anon(7, 1, kAnonRo),
		     shim_vma_anon(8, 1, kAnonRw) });
}

// mprotect splits; VM_ACCOUNT leaves with write only from a VMA without
// an anon_vma (never written), so only that one re-merges with ro.
TEST(MapsLive, MprotectSplitAndAccount)
{
	REQUIRE_NOREPLACE();
	//  0123456789abc
	//   AAA RS  TU        A: middle page ro; R ro + S rw->ro (merge);
	//                     T ro + U rw, written, ->ro (keeps ac: no merge)
	ExpectLive({ shim_op_mmap(1, 3, RW, MAP_PRIVATE), shim_op_mprotect(2, 1, RO),
		     shim_op_mmap(5, 1, RO, MAP_PRIVATE), shim_op_mmap(6, 1, RW, MAP_PRIVATE),
		     shim_op_mprotect(6, 1, RO), shim_op_mmap(9, 1, RO, MAP_PRIVATE),
		     shim_op_mmap(10, 1, RW, MAP_PRIVATE), shim_op_touch(10, 1),
		     shim_op_mprotect(10, 1, RO) },
		   { shim_vma_anon(1, 1, kAnonRw), shim_vma_anon(2, 1, kAnonRo),
		     shim_vma_anon(3, 1, kAnonRw), shim_vma_anon(5, 2, kAnonRo),
		     shim_vma_anon(9, 1, kAnonRo), shim_vma_anon(10, 1, kAnonRo | VM_ACCOUNT) });
}

// show_smap_vma_flags: MAP_NORESERVE gives "nr" and no "ac"; MAP_GROWSDOWN
// gives "gd" and no name (only the VMA holding start_stack is [stack]).
TEST(MapsLive, NoReserveAndGrowsDown)
{
	REQUIRE_NOREPLACE();
	ExpectLive({ shim_op_mmap(1, 2, RW, MAP_PRIVATE | MAP_NORESERVE),
		     shim_op_mmap(5, 2, RW, MAP_PRIVATE | MAP_GROWSDOWN) },
		   { shim_vma_anon(1, 2, VM_READ | VM_WRITE | kMay | VM_NORESERVE),
		     shim_vma_anon(5, 2, kStack) });
}

// show_smap_vma_flags for madvise-set bits: dc (DONTFORK), dd (DONTDUMP),
// wf (WIPEONFORK); DOFORK clears dc and the page merges back.
TEST(MapsLive, MadviseFlags)
{
	REQUIRE_NOREPLACE();
	//  0123456789
	//   ABCDDEEE      A dc, B dd, C wf, page 6 dc then DOFORK again
	ExpectLive({ shim_op_mmap(1, 7, RW, MAP_PRIVATE), shim_op_madvise(1, 1, MADV_DONTFORK),
		     shim_op_madvise(2, 1, MADV_DONTDUMP), shim_op_madvise(3, 1, MADV_WIPEONFORK),
		     shim_op_madvise(6, 1, MADV_DONTFORK), shim_op_madvise(6, 1, MADV_DOFORK) },
		   { shim_vma_anon(1, 1, kAnonRw | VM_DONTCOPY), shim_vma_anon(2, 1, kAnonRw | VM_DONTDUMP),
		     shim_vma_anon(3, 1, kAnonRw | VM_WIPEONFORK), shim_vma_anon(4, 4, kAnonRw) });
}

// show_smap_vma_flags: mlock gives "lo", mlock2(MLOCK_ONFAULT) "lo lf".
TEST(MapsLive, Mlock)
{
	REQUIRE_NOREPLACE();
	ExpectLive({ shim_op_mmap(1, 4, RW, MAP_PRIVATE), shim_op_mlock(2, 1, 0),
		     shim_op_mlock(4, 1, MLOCK_ONFAULT) },
		   { shim_vma_anon(1, 1, kAnonRw), shim_vma_anon(2, 1, kAnonRw | VM_LOCKED),
		     shim_vma_anon(3, 1, kAnonRw), shim_vma_anon(4, 1, kAnonRw | VM_LOCKED | VM_LOCKONFAULT) });
}

// show_smap_vma_flags: MAP_DROPPABLE (6.11+) is "nr wf dd dp", private.
TEST(MapsLive, Droppable)
{
	REQUIRE_NOREPLACE();
	if (!shim_have_droppable())
		GTEST_SKIP() << "MAP_DROPPABLE unsupported (kernel before 6.11)";
	ExpectLive({ shim_op_mmap(1, 2, RW, SHIM_MAP_DROPPABLE) },
		   { shim_vma_anon(1, 2, VM_READ | VM_WRITE | kMay | VM_NORESERVE | VM_WIPEONFORK |
						 VM_DONTDUMP | VM_DROPPABLE) });
}

// show_map_vma for a memfd: dev 00:01, the inode of fstat, offset
// pgoff << 12, "/memfd:NAME (deleted)". Shared maps of the same open file
// with contiguous offsets merge; pgoff 8 next to them does not.
TEST(MapsLive, MemfdShared)
{
	REQUIRE_NOREPLACE();
	//  0123456789
	//   AAB C D       A pgoff 0-1 + B pgoff 2: one VMA; C pgoff 1; D pgoff 8 (ro)
	ExpectLive({ shim_op_mmap_fd(SHIM_MEMFD, 1, 2, RW, MAP_SHARED, 0),
		     shim_op_mmap_fd(SHIM_MEMFD, 3, 1, RW, MAP_SHARED, 2),
		     shim_op_mmap_fd(SHIM_MEMFD, 5, 1, RW, MAP_SHARED, 1),
		     shim_op_mmap_fd(SHIM_MEMFD, 6, 1, RO, MAP_SHARED, 8) },
		   { shim_vma_file(SHIM_MEMFD, 1, 3, kSharedRw, 0),
		     shim_vma_file(SHIM_MEMFD, 5, 1, kSharedRw, 1),
		     shim_vma_file(SHIM_MEMFD, 6, 1, kSharedRo, 8) });
}

// show_map_vma: a private memfd map prints "p" and no "sh"/"ms"; rw
// private gets "ac" like anonymous memory.
TEST(MapsLive, MemfdPrivate)
{
	REQUIRE_NOREPLACE();
	ExpectLive({ shim_op_mmap_fd(SHIM_MEMFD, 1, 1, RO, MAP_PRIVATE, 1),
		     shim_op_mmap_fd(SHIM_MEMFD, 3, 2, RW, MAP_PRIVATE, 3) },
		   { shim_vma_file(SHIM_MEMFD, 1, 1, kAnonRo, 1),
		     shim_vma_file(SHIM_MEMFD, 3, 2, kAnonRw, 3) });
}

// Merging compares the open file, not the inode: a second open of the
// same memfd at the next offset is a second line with the same name.
TEST(MapsLive, MemfdTwoOpensDoNotMerge)
{
	REQUIRE_NOREPLACE();
	ExpectLive({ shim_op_mmap_fd(SHIM_MEMFD, 1, 1, RW, MAP_SHARED, 0),
		     shim_op_mmap_fd(SHIM_MEMFD_REOPEN, 2, 1, RW, MAP_SHARED, 1) },
		   { shim_vma_file(SHIM_MEMFD, 1, 1, kSharedRw, 0),
		     shim_vma_file(SHIM_MEMFD_REOPEN, 2, 1, kSharedRw, 1) });
}

// show_map_vma for shared anonymous memory: each map is its own shmem
// file "/dev/zero (deleted)" on 00:01 (inode read back from the kernel),
// so neighbours never merge. A MAP_SHARED map of /dev/zero is the same
// thing but keeps its offset.
TEST(MapsLive, SharedAnonymous)
{
	REQUIRE_NOREPLACE();
	ExpectLive({ shim_op_mmap(1, 1, RW, MAP_SHARED), shim_op_mmap(2, 1, RW, MAP_SHARED),
		     shim_op_mmap(4, 2, RO, MAP_SHARED),
		     shim_op_mmap_fd(SHIM_DEVZERO, 7, 1, RW, MAP_SHARED, 3) },
		   { shim_vma_file(SHIM_SHMEM_ANON, 1, 1, kSharedRw, 0),
		     shim_vma_file(SHIM_SHMEM_ANON, 2, 1, kSharedRw, 0),
		     shim_vma_file(SHIM_SHMEM_ANON, 4, 2, kSharedRo, 0),
		     shim_vma_file(SHIM_SHMEM_ANON, 7, 1, kSharedRw, 3) });
}

// show_map_vma for a private /dev/zero map: it keeps vm_file, so maps
// prints "/dev/zero" with the device node's dev/inode and the offset.
TEST(MapsLive, PrivateDevZero)
{
	REQUIRE_NOREPLACE();
	ExpectLive({ shim_op_mmap_fd(SHIM_DEVZERO, 1, 2, RW, MAP_PRIVATE, 3) },
		   { shim_vma_file(SHIM_DEVZERO, 1, 2, kAnonRw, 3) });
}

// ---- sealed cases, each with its unsealed control ------------------------
// show_smap_vma_flags prints VM_SEALED (bit 42) as "sl", last. Each run
// takes a fresh window; sealed pages stay mapped for the process's life.

// show_map_vma, one line per VMA: mseal of the middle page splits the
// VMA in three; unsealed it is one line.
void SealMiddlePage(bool seal)
{
	std::vector<struct shim_op> ops = { shim_op_mmap(1, 3, RW, MAP_PRIVATE) };
	if (seal)
		ops.push_back(shim_op_mseal(2, 1));
	if (seal)
		ExpectLive(ops, { shim_vma_anon(1, 1, kAnonRw), shim_vma_anon(2, 1, kAnonRw | VM_SEALED),
				  shim_vma_anon(3, 1, kAnonRw) });
	else
		ExpectLive(ops, { shim_vma_anon(1, 3, kAnonRw) });
}

TEST(MapsLive, SealMiddlePageSealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL();
	SealMiddlePage(/* seal = */ true);
}

TEST(MapsLive, SealMiddlePageUnsealed)
{
	REQUIRE_NOREPLACE();
	SealMiddlePage(/* seal = */ false);
}

// show_map_vma / show_smap_vma_flags: [S][U][S], sealing the middle makes
// the flags equal and all three merge into one "sl" line.
void SealBridge(bool seal)
{
	//  01234
	//   SUS
	std::vector<struct shim_op> ops = { shim_op_mmap(1, 3, RO, MAP_PRIVATE), shim_op_mseal(1, 1),
					    shim_op_mseal(3, 1) };
	if (seal)
		ops.push_back(shim_op_mseal(2, 1));
	if (seal)
		ExpectLive(ops, { shim_vma_anon(1, 3, kAnonRo | VM_SEALED) });
	else
		ExpectLive(ops, { shim_vma_anon(1, 1, kAnonRo | VM_SEALED), shim_vma_anon(2, 1, kAnonRo),
				  shim_vma_anon(3, 1, kAnonRo | VM_SEALED) });
}

TEST(MapsLive, SealBridgeMergesSealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL();
	SealBridge(/* seal = */ true);
}

TEST(MapsLive, SealBridgeMergesUnsealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL(); // the control seals the outer pages too
	SealBridge(/* seal = */ false);
}

// show_map_vma: a fresh mapping next to a sealed one does not merge with
// it (its flags lack VM_SEALED).
void SealNeighbour(bool seal)
{
	std::vector<struct shim_op> ops = { shim_op_mmap(1, 2, RW, MAP_PRIVATE) };
	if (seal)
		ops.push_back(shim_op_mseal(1, 2));
	ops.push_back(shim_op_mmap(3, 1, RW, MAP_PRIVATE));
	if (seal)
		ExpectLive(ops, { shim_vma_anon(1, 2, kAnonRw | VM_SEALED), shim_vma_anon(3, 1, kAnonRw) });
	else
		ExpectLive(ops, { shim_vma_anon(1, 3, kAnonRw) });
}

TEST(MapsLive, SealNeighbourSealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL();
	SealNeighbour(/* seal = */ true);
}

TEST(MapsLive, SealNeighbourUnsealed)
{
	REQUIRE_NOREPLACE();
	SealNeighbour(/* seal = */ false);
}

// show_smap_vma_flags: mlock still works on sealed memory, "lo" next to
// "sl"; munlock re-merges the pieces.
void SealMlock(bool seal, bool unlock)
{
	std::vector<struct shim_op> ops = { shim_op_mmap(1, 3, RW, MAP_PRIVATE) };
	if (seal)
		ops.push_back(shim_op_mseal(1, 3));
	ops.push_back(shim_op_mlock(2, 1, 0));
	if (unlock)
		ops.push_back(shim_op_munlock(2, 1));
	const vm_flags_t f = kAnonRw | (seal ? VM_SEALED : 0);
	if (unlock)
		ExpectLive(ops, { shim_vma_anon(1, 3, f) });
	else
		ExpectLive(ops, { shim_vma_anon(1, 1, f), shim_vma_anon(2, 1, f | VM_LOCKED),
				  shim_vma_anon(3, 1, f) });
}

TEST(MapsLive, SealMlockSealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL();
	SealMlock(/* seal = */ true, /* unlock = */ false);
}

TEST(MapsLive, SealMlockUnsealed)
{
	REQUIRE_NOREPLACE();
	SealMlock(/* seal = */ false, /* unlock = */ false);
}

TEST(MapsLive, SealMunlockRemergesSealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL();
	SealMlock(/* seal = */ true, /* unlock = */ true);
}

TEST(MapsLive, SealMunlockRemergesUnsealed)
{
	REQUIRE_NOREPLACE();
	SealMlock(/* seal = */ false, /* unlock = */ true);
}

// show_map_vma / show_smap_vma_flags for sealed memfd maps: private ro
// "rd mr mw me sl", shared rw "rd wr sh mr mw me ms sl".
void SealMemfd(bool seal)
{
	std::vector<struct shim_op> ops = { shim_op_mmap_fd(SHIM_MEMFD, 1, 1, RO, MAP_PRIVATE, 0),
					    shim_op_mmap_fd(SHIM_MEMFD, 3, 1, RW, MAP_SHARED, 1) };
	if (seal) {
		ops.push_back(shim_op_mseal(1, 1));
		ops.push_back(shim_op_mseal(3, 1));
	}
	const vm_flags_t s = seal ? VM_SEALED : 0;
	ExpectLive(ops, { shim_vma_file(SHIM_MEMFD, 1, 1, kAnonRo | s, 0),
			  shim_vma_file(SHIM_MEMFD, 3, 1, kSharedRw | s, 1) });
}

TEST(MapsLive, SealMemfdSealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL();
	SealMemfd(/* seal = */ true);
}

TEST(MapsLive, SealMemfdUnsealed)
{
	REQUIRE_NOREPLACE();
	SealMemfd(/* seal = */ false);
}

// show_map_vma after a refused munmap (section 1.3): munmap over
// [U U U][S] fails with EPERM and leaves the split it made at its start;
// unsealed, the munmap just succeeds.
void SealMunmapLeavesSplit(bool seal)
{
	//  012345
	//   AAAS      munmap pages 2..4
	std::vector<struct shim_op> ops = { shim_op_mmap(1, 4, RW, MAP_PRIVATE) };
	if (seal) {
		ops.push_back(shim_op_mseal(4, 1));
		ops.push_back(shim_op_fails(shim_op_munmap(2, 3), EPERM));
		ExpectLive(ops, { shim_vma_anon(1, 1, kAnonRw), shim_vma_anon(2, 2, kAnonRw),
				  shim_vma_anon(4, 1, kAnonRw | VM_SEALED) });
	} else {
		ops.push_back(shim_op_munmap(2, 3));
		ExpectLive(ops, { shim_vma_anon(1, 1, kAnonRw) });
	}
}

TEST(MapsLive, SealMunmapLeavesSplitSealed)
{
	REQUIRE_NOREPLACE();
	REQUIRE_MSEAL();
	SealMunmapLeavesSplit(/* seal = */ true);
}

TEST(MapsLive, SealMunmapLeavesSplitUnsealed)
{
	REQUIRE_NOREPLACE();
	SealMunmapLeavesSplit(/* seal = */ false);
}

// ---- the process's own named VMAs ----------------------------------------

// get_vma_name's [heap] (vma_is_initial_heap) for this process: the model
// gets the kernel's start_brk (/proc/self/stat field 47) and brk (sbrk(0))
// and the same VMAs; show_map_vma must print the same lines.
TEST(MapsLive, HeapLines)
{
	ASSERT_EQ(0, shim_heap_ensure());
	uint64_t start_brk = 0;
	struct shim_real_vma heap[8];
	ASSERT_EQ(0, shim_proc_stat_field(47, &start_brk));
	const uint64_t brk = shim_brk_now();
	const int n = shim_real_named("[heap]", heap, 8);
	ASSERT_GT(n, 0) << "no [heap] line even after growing the break";

	Model m;
	m.mm.start_brk = start_brk;
	m.mm.brk = brk;
	for (int i = 0; i < n; i++) {
		struct vma *v = m.Add(heap[i].start, heap[i].end, kAnonRw);
		EXPECT_EQ(heap[i].maps_line, m.Line(v)) << "start_brk " << std::hex << start_brk << " brk " << brk;
		EXPECT_EQ(heap[i].vmflags, Take(shim_maps_vmflags_line(kAnonRw)));
		EXPECT_EQ("[heap]", m.Name(v));
	}
}

// show_map_vma's [stack] (get_vma_name, vma_is_initial_stack): the VMA
// holding start_stack (/proc/self/stat field 28).
TEST(MapsLive, StackLine)
{
	uint64_t start_stack = 0;
	struct shim_real_vma stack[2];
	ASSERT_EQ(0, shim_proc_stat_field(28, &start_stack));
	ASSERT_EQ(1, shim_real_named("[stack]", stack, 2));
	EXPECT_LE(stack[0].start, start_stack);
	EXPECT_GE(stack[0].end, start_stack);

	Model m;
	m.mm.start_stack = start_stack;
	struct vma *v = m.Add(stack[0].start, stack[0].end, kStack);
	EXPECT_EQ(stack[0].maps_line, m.Line(v));
	EXPECT_EQ(stack[0].vmflags, Take(shim_maps_vmflags_line(kStack)));
}

// show_map_vma / show_smap_vma_flags for the special mappings
// (_install_special_mapping; vm_ops->name gives the name), against this
// process's own.
TEST(MapsLive, SpecialMappings)
{
	struct {
		const char *name;
		unsigned special;
		vm_flags_t flags;
	} const kinds[] = {
		{ "[vvar]", VMA_VVAR, kVvar },
		{ "[vvar_vclock]", VMA_VVAR_VCLOCK, kVvar },
		{ "[vdso]", VMA_VDSO, kVdso },
	};
	int found = 0;
	for (const auto &k : kinds) {
		struct shim_real_vma r[2];
		const int n = shim_real_named(k.name, r, 2);
		ASSERT_GE(n, 0);
		if (n == 0)
			continue; // e.g. no [vvar_vclock] before 6.15
		found++;
		Model m;
		struct vma *v = m.Add(r[0].start, r[0].end, k.flags, 0, nullptr, k.special);
		EXPECT_EQ(r[0].maps_line, m.Line(v));
		EXPECT_EQ(std::string(r[0].smaps_line) + r[0].vmflags, m.Smaps());
	}
	EXPECT_GT(found, 0);
}

// The [vsyscall] gate area (get_gate_vma; not in the VMA tree) that maps
// and smaps print after the last VMA: "--xp" and "VmFlags: ex " with
// vsyscall=xonly.
TEST(MapsLive, VsyscallGate)
{
	struct shim_real_vma last;
	ASSERT_EQ(0, shim_real_last(&last));
	if (std::string(last.maps_line).find("[vsyscall]") == std::string::npos)
		GTEST_SKIP() << "no [vsyscall] line (vsyscall=none)";
	Model m;
	m.mm.has_vsyscall = true;
	EXPECT_EQ(last.maps_line, m.Maps());
	EXPECT_EQ(std::string(last.smaps_line) + last.vmflags, m.Smaps());
}

} // namespace
