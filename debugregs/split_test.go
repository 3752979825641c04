package debugregs

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// checkCover asserts that regions are legal comparator values and that their union is exactly
// [addr, addr+length), without overlap, by programming each into a Comparators bank and probing every
// byte around the range.
func checkCover(t testing.TB, addr, length uint64, regions []WatchRegion) {
	t.Helper()
	require.NotEmpty(t, regions)
	require.LessOrEqual(t, len(regions), MaxWatchRegions)
	var c Comparators
	next := addr
	for i, r := range regions {
		require.Equal(t, next, r.Start, "region %d starts where the previous ended", i)
		require.NotZero(t, r.Len)
		wcr := r.WCR(LSCAny, PACEL0EL1)
		require.True(t, wcr.E())
		if r.Mask == 0 {
			require.Zero(t, uint64(r.WVR)&7, "BAS regions are doubleword aligned")
			require.NotZero(t, r.BAS)
			// Contiguous BAS covering exactly [Start, Start+Len).
			lo, size, ok := watchedRange(wcr, r.WVR)
			require.True(t, ok)
			require.Equal(t, r.Start, lo)
			require.Equal(t, r.Len, size)
			require.Equal(t, uint8((uint64(1)<<r.Len-1)<<(r.Start-uint64(r.WVR))), r.BAS)
		} else {
			require.GreaterOrEqual(t, r.Mask, uint8(4), "an 8-byte block is programmed with BAS")
			require.LessOrEqual(t, r.Mask, uint8(31))
			require.Equal(t, uint64(1)<<r.Mask, r.Len)
			require.Zero(t, r.Start&(r.Len-1), "MASK regions are aligned")
			require.Equal(t, uint8(0xff), r.BAS, "MASK needs BAS all ones")
			require.Equal(t, r.Start, uint64(r.WVR))
		}
		require.True(t, c.AddWatchpoint(i%64, wcr, r.WVR))
		next = r.Start + r.Len
	}
	require.Equal(t, addr+length, next, "regions end at the end of the range")
	if length > 4096 {
		return
	}
	for a := addr - 16; a != addr+length+16; a++ {
		h, hit := c.WatchpointMatch(a, 1, AccessLoad, 1, false)
		inside := a >= addr && a-addr < length
		require.Equal(t, inside, hit, "byte %#x (range %#x+%d)", a, addr, length)
		if hit {
			require.Equal(t, 1, popcount(h.Matched), "byte %#x covered once", a)
		}
	}
}

func popcount(m uint64) int {
	n := 0
	for ; m != 0; m &= m - 1 {
		n++
	}
	return n
}

// Every unaligned range of 1..100 bytes starting at each offset in a doubleword.
func TestSplitWatchSmallRanges(t *testing.T) {
	for off := uint64(0); off < 16; off++ {
		for length := uint64(1); length <= 100; length++ {
			addr := 0x4000_6000 + off
			plain, err := SplitWatch(addr, length)
			require.NoError(t, err)
			checkCover(t, addr, length, plain)
			require.Equal(t, int((addr+length-1)/8-addr/8+1), len(plain), "one region per doubleword touched")

			masked, err := SplitWatchMasked(addr, length)
			require.NoError(t, err)
			checkCover(t, addr, length, masked)
			require.LessOrEqual(t, len(masked), len(plain))

			fewest, err := SplitWatchFewest(addr, length)
			require.NoError(t, err)
			checkCover(t, addr, length, fewest)
			require.Equal(t, min(len(plain), len(masked)), len(fewest))
			n, err := WatchRegionsNeeded(addr, length)
			require.NoError(t, err)
			require.Equal(t, len(fewest), n)
		}
	}
}

func TestSplitWatchExamples(t *testing.T) {
	// gdb's "watch counter" on a u64: one region, BAS 0xff.
	r, err := SplitWatch(0x4000_6000, 8)
	require.NoError(t, err)
	require.Equal(t, []WatchRegion{{Start: 0x4000_6000, Len: 8, WVR: 0x4000_6000, BAS: 0xff}}, r)
	require.Equal(t, uint64(0x1ff3), uint64(r[0].WCR(LSCStore, PACEL1)), "E | PAC=EL1 | LSC=store | BAS=0xff")

	// A u32 at +4: BAS 0xf0 on the doubleword (Linux's shifted BAS, docs/background.md §1.5).
	r, err = SplitWatch(0x4000_6004, 4)
	require.NoError(t, err)
	require.Equal(t, []WatchRegion{{Start: 0x4000_6004, Len: 4, WVR: 0x4000_6000, BAS: 0xf0}}, r)

	// 3 bytes across a doubleword boundary: two regions.
	r, err = SplitWatch(0x4000_6007, 3)
	require.NoError(t, err)
	require.Len(t, r, 2)
	require.Equal(t, uint8(0x80), r[0].BAS)
	require.Equal(t, uint8(0x03), r[1].BAS)

	// watch -l on a 32-byte aligned region: 4 BAS regions or one MASK=5 region.
	r, err = SplitWatchFewest(0x4000_6000, 32)
	require.NoError(t, err)
	require.Equal(t, []WatchRegion{{Start: 0x4000_6000, Len: 32, WVR: 0x4000_6000, BAS: 0xff, Mask: 5}}, r)
	require.Equal(t, uint8(5), r[0].WCR(LSCAny, PACEL1).MASK())

	// A 4 KiB page: one MASK=12 region instead of 512.
	n, err := WatchRegionsNeeded(0x4000_7000, 4096)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	// 2 GiB block: the largest MASK.
	r, err = SplitWatchMasked(0x8000_0000, 1<<31)
	require.NoError(t, err)
	require.Equal(t, uint8(31), r[0].Mask)
	r, err = SplitWatchMasked(0, 1<<32)
	require.NoError(t, err)
	require.Len(t, r, 2, "4 GiB needs two 2 GiB blocks")

	// Top of the address space.
	r, err = SplitWatchFewest(^uint64(0)-2, 3)
	require.NoError(t, err)
	require.Len(t, r, 1)
	require.Equal(t, uint8(0xe0), r[0].BAS)
}

func TestSplitWatchErrors(t *testing.T) {
	_, err := SplitWatch(0x1000, 0)
	require.Error(t, err)
	_, err = SplitWatchMasked(0x1000, 0)
	require.Error(t, err)
	_, err = SplitWatch(^uint64(0), 2)
	require.Error(t, err, "wraps")
	_, err = SplitWatch(0x1000, 8*65)
	require.ErrorIs(t, err, ErrTooManyRegions)
	_, err = SplitWatchMasked(1, 1<<40)
	require.ErrorIs(t, err, ErrTooManyRegions)
	_, err = SplitWatchFewest(1, 1<<40)
	require.ErrorIs(t, err, ErrTooManyRegions)
	n, err := WatchRegionsNeeded(0x1000, 0)
	require.Error(t, err)
	require.Zero(t, n)
	// 65 doublewords unaligned are too many for BAS but fine with MASK.
	r, err := SplitWatchFewest(0x1004, 8*65)
	require.NoError(t, err)
	require.Less(t, len(r), 64)
}

func TestSplitBreak(t *testing.T) {
	b, err := SplitBreak(0x4000_2530)
	require.NoError(t, err)
	require.Equal(t, DBGBVR(0x4000_2530), b.BVR)
	bcr := b.BCR(PMCEL1)
	require.Equal(t, uint64(0x1e3), uint64(bcr), "E | PMC=EL1 | BAS=0b1111 (Linux's EL1 execute breakpoint)")
	var c Comparators
	require.True(t, c.AddBreakpoint(0, bcr, b.BVR))
	require.Equal(t, uint64(1), c.BreakpointMatch(0x4000_2530, 1))
	_, err = SplitBreak(0x4000_2532)
	require.Error(t, err)
}

// Fuzz: for any range, each split is legal and covers exactly the range (or fails cleanly).
func FuzzSplitWatch(f *testing.F) {
	f.Add(uint64(0x4000_6000), uint64(8))
	f.Add(uint64(0x4000_6007), uint64(3))
	f.Add(uint64(0x1004), uint64(520))
	f.Add(^uint64(0)-3, uint64(4))
	f.Add(uint64(0), uint64(1)<<33)
	f.Fuzz(func(t *testing.T, addr, length uint64) {
		for _, split := range []func(uint64, uint64) ([]WatchRegion, error){SplitWatch, SplitWatchMasked, SplitWatchFewest} {
			r, err := split(addr, length)
			if err != nil {
				require.Nil(t, r)
				continue
			}
			checkCover(t, addr, length, r)
		}
	})
}

func TestCoveringRegion(t *testing.T) {
	for _, c := range []struct {
		addr, length, start, size uint64
		mask                      uint8
	}{
		{0x40121505, 100, 0x40121500, 128, 7},
		{0x40121508, 8, 0x40121508, 8, 0},
		{0x40121509, 2, 0x40121508, 8, 0},
		{0x4012150f, 2, 0x40121500, 32, 5},
		{0x40121507, 2, 0x40121500, 16, 4},
		{0x4012157f, 2, 0x40121500, 256, 8},
		{0x40000000, 16, 0x40000000, 16, 4},
		{0x40000000, 1 << 30, 0x40000000, 1 << 30, 30},
		{0x00000001, 1 << 30, 0, 1 << 31, 31},
	} {
		r, err := CoveringRegion(c.addr, c.length)
		require.NoErrorf(t, err, "%#x+%d", c.addr, c.length)
		require.Equalf(t, c.start, r.Start, "%#x+%d", c.addr, c.length)
		require.Equalf(t, c.size, r.Len, "%#x+%d", c.addr, c.length)
		require.Equalf(t, c.mask, r.Mask, "%#x+%d", c.addr, c.length)
		checkCover(t, r.Start, r.Len, []WatchRegion{r})
		require.LessOrEqual(t, r.Start, c.addr)
		require.GreaterOrEqual(t, r.Start+r.Len, c.addr+c.length)
	}
}

func TestCoveringRegionRefuses(t *testing.T) {
	for _, c := range []struct{ addr, length uint64 }{
		{0x40121505, 0xffffffff},
		{0x7fffffff, 2},
		{0x40000001, 1 << 30},
		{0x40000000, 0},
		{^uint64(0), 2},
	} {
		_, err := CoveringRegion(c.addr, c.length)
		require.Errorf(t, err, "%#x+%#x", c.addr, c.length)
	}
}
