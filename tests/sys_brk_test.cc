// brk(addr): mm/mmap.c: SYSCALL brk, growth through mm/vma.c:
// do_brk_flags, shrink through the one unmap path (semantics reference §8
// and §1.3). brk never returns an errno: the new break, or the old one on
// any failure. Expected values are the live 6.18 kernel's ([V], or probed
// on 6.18.44 under setarch -R where said). Heap layouts are pages from
// start_brk, "0-2:rw-p"; mm_check runs after every step.
#include <cerrno>
#include <cstdint>

#include "tests/shim_sys.h"

namespace {

constexpr uint64_t R = PROT_READ;
constexpr uint64_t RW = PROT_READ | PROT_WRITE;

class SysBrk : public SysTest {
protected:
	// Page i of the heap, from start_brk.
	uint64_t B(int64_t i) const { return t->mm->start_brk + (uint64_t)i * PG; }
	int64_t Brk(uint64_t addr) { return sys_brk(t, addr); }
	// A setup step on the heap: each must succeed.
	void Grow(int64_t page)
	{
		EXPECT_EQ(Brk(B(page)), (int64_t)B(page));
		Check();
	}
	void SealHeap(int64_t first, unsigned n)
	{
		EXPECT_EQ(sys_mseal(t, B(first), n * PG, 0), 0);
		Check();
	}
};

// mm/mmap.c: brk — brk(0), like any value below start_brk, fails and so
// returns the current break [V].
TEST_F(SysBrk, BelowStartReturnsCurrentBreak)
{
	EXPECT_EQ(Brk(0), (int64_t)B(0));
	Check();
	EXPECT_EQ(Brk(B(-1)), (int64_t)B(0));
	Check();
	EXPECT_EQ(DrawHeap(), "");
}

// mm/vma.c: do_brk_flags — growth maps private read-write memory with
// VM_DATA_DEFAULT_FLAGS and the commit charge (`ac`); brk(b + 1) grows by
// a page and returns the exact value [V].
TEST_F(SysBrk, GrowthCreatesChargedVma)
{
	EXPECT_EQ(Brk(B(0) + 1), (int64_t)B(0) + 1);
	Check();
	EXPECT_EQ(DrawHeap(VM_ACCOUNT), "0-1:rw-p+ac");
	EXPECT_EQ(t->mm->brk, B(0) + 1);
}

// mm/mmap.c: brk — a new break on the same page as the old one only
// stores the exact value [V].
TEST_F(SysBrk, SamePageStoresExactValue)
{
	EXPECT_EQ(Brk(B(0) + 1), (int64_t)B(0) + 1);
	Check();
	EXPECT_EQ(Brk(B(0) + 100), (int64_t)B(0) + 100);
	Check();
	EXPECT_EQ(Brk(B(1)), (int64_t)B(1));
	Check();
	EXPECT_EQ(DrawHeap(), "0-1:rw-p");
	EXPECT_EQ(Count(), 1u);
}

// mm/vma.c: do_brk_flags — further growth extends the heap VMA; shrinking
// unmaps [PAGE_ALIGN(new), PAGE_ALIGN(old)) [V].
TEST_F(SysBrk, GrowExtendsShrinkUnmaps)
{
	Grow(2);
	EXPECT_EQ(Brk(B(2) + 5), (int64_t)B(2) + 5);
	Check();
	EXPECT_EQ(DrawHeap(), "0-3:rw-p");
	EXPECT_EQ(Count(), 1u);
	EXPECT_EQ(Brk(B(0) + 1), (int64_t)B(0) + 1);
	Check();
	EXPECT_EQ(DrawHeap(), "0-1:rw-p");
	EXPECT_EQ(Brk(B(0)), (int64_t)B(0));
	Check();
	EXPECT_EQ(DrawHeap(), "");
}

// mm/mmap.c: brk -> do_vmi_align_munmap -> vms_gather_munmap_vmas — a
// shrink reaching a sealed part of the heap fails and returns the old
// break, but the heap VMA stays split at the new break [V].
//   0123
//   HHSS   brk(b1) -> H H SS, returns b4
TEST_F(SysBrk, SealedShrinkFailsLeadingSplitSurvives)
{
	Grow(4);
	SealHeap(2, 2);
	EXPECT_EQ(Brk(B(1)), (int64_t)B(4));
	Check();
	EXPECT_EQ(DrawHeap(), "0-1:rw-p 1-2:rw-p 2-4:rw-p+S");
	EXPECT_EQ(t->mm->brk, B(4));
}

// mm/vma.c: vms_gather_munmap_vmas under brk — a shrink that starts inside
// the sealed VMA fails without a split
// (probed on 6.18.44).
TEST_F(SysBrk, ShrinkInsideSealedNoSplit)
{
	Grow(4);
	SealHeap(2, 2);
	EXPECT_EQ(Brk(B(3)), (int64_t)B(4));
	Check();
	EXPECT_EQ(DrawHeap(), "0-2:rw-p 2-4:rw-p+S");
}

// Control (mm/mmap.c: brk -> do_vmi_align_munmap): unsealed, the same
// shrink succeeds.
TEST_F(SysBrk, ShrinkUnsealedControl)
{
	Grow(4);
	EXPECT_EQ(Brk(B(1)), (int64_t)B(1));
	Check();
	EXPECT_EQ(DrawHeap(), "0-1:rw-p");
}

// mm/vma.c: do_brk_flags — a sealed heap VMA does not match the new
// (unsealed) flags: growth adds a separate VMA [V].
TEST_F(SysBrk, GrowthPastSealedHeapAddsVma)
{
	Grow(2);
	SealHeap(0, 2);
	Grow(4);
	EXPECT_EQ(DrawHeap(), "0-2:rw-p+S 2-4:rw-p");
	EXPECT_EQ(Count(), 2u);
}

// mm/mmap.c: brk — a shrink needs a VMA in [new, old): with the heap
// unmapped behind brk's back it fails, returning the old break (probed).
TEST_F(SysBrk, ShrinkWithoutHeapVmaFails)
{
	Grow(4);
	EXPECT_EQ(sys_munmap(t, B(0), 4 * PG), 0);
	Check();
	EXPECT_EQ(Brk(B(0)), (int64_t)B(4));
	Check();
	EXPECT_EQ(Brk(B(2)), (int64_t)B(4));
	Check();
	EXPECT_EQ(DrawHeap(), "");
}

// mm/mmap.c: brk — the next VMA must start at least a page above the new
// break: ending one page below a mapping succeeds, touching it fails [V].
//   0 .. 8 9 10
//   H .. H   M     brk(b9) ok, brk(b10) -> b9
TEST_F(SysBrk, GrowthStopsOnePageBelowNextMapping)
{
	EXPECT_EQ(sys_mmap(t, B(10), PG, R, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  (int64_t)B(10));
	Check();
	Grow(9);
	EXPECT_EQ(Brk(B(10)), (int64_t)B(9));
	Check();
	EXPECT_EQ(DrawHeap(), "0-9:rw-p 10-11:r--p");
}

// mm/mmap.c: brk — below a VM_GROWSDOWN VMA the stack guard gap (256
// pages) must stay free as well (probed: stack at b300, brk(b43) ok,
// brk(b44) fails).
TEST_F(SysBrk, GrowthKeepsStackGuardGap)
{
	EXPECT_EQ(sys_mmap(t, B(300), 4 * PG, RW,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_GROWSDOWN, -1, 0),
		  (int64_t)B(300));
	Check();
	EXPECT_EQ(Brk(B(44)), (int64_t)B(0));
	Check();
	Grow(43);
	EXPECT_EQ(Brk(B(44)), (int64_t)B(43));
	Check();
	EXPECT_EQ(DrawHeap(), "0-43:rw-p 300-304:rw-p");
}

// mm/vma.c: do_brk_flags — map_count > max fails before the extension is
// tried; at max growth still succeeds, both by extending the heap VMA and
// by adding one; shrinking works above max (probed on 6.18.44 at 65530
// and 65531).
TEST_F(SysBrk, GrowthAtMapCountLimit)
{
	SetMax(8);
	Grow(2);
	FillTo(8);
	Grow(4);
	EXPECT_EQ(Count(), 8u);
	Map(0, 1, R);
	EXPECT_EQ(Count(), 9u);
	EXPECT_EQ(Brk(B(6)), (int64_t)B(4));
	Check();
	EXPECT_EQ(DrawHeap(), "0-4:rw-p");
	EXPECT_EQ(Brk(B(1)), (int64_t)B(1));
	Check();
	EXPECT_EQ(DrawHeap(), "0-1:rw-p");
}

// mm/vma.c: do_brk_flags — at map_count == max a growth that cannot
// extend (the heap VMA is sealed) adds a VMA: the count becomes max + 1
// (probed on 6.18.44).
TEST_F(SysBrk, NewHeapVmaAtMaxSucceeds)
{
	SetMax(8);
	Grow(2);
	SealHeap(0, 2);
	FillTo(8);
	Grow(4);
	EXPECT_EQ(Count(), 9u);
	EXPECT_EQ(DrawHeap(), "0-2:rw-p+S 2-4:rw-p");
}

}  // namespace
