package debugregs

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// watchBanks programs the same regions into a guest Unit (DBGWCR/DBGWVR, EL0 and EL1, synchronized) and
// into an external bank (SetWatchRange over each region's bytes), comparator i for region i.
func watchBanks(t *testing.T, regions []WatchRegion, lsc LSC) (*Unit, *Comparators) {
	t.Helper()
	u := newUnit(t, CortexA57, SyncStrict)
	debugReady(t, u)
	var ext Comparators
	for i, r := range regions {
		msr(t, u, encWVR(i), uint64(r.WVR))
		msr(t, u, encWCR(i), uint64(r.WCR(lsc, PACEL0EL1)))
		require.True(t, ext.SetWatchRange(i, r.Start, r.Start+(r.Len-1), lsc))
	}
	u.ContextSynchronize()
	return u, &ext
}

func collectRanges(seq func(func(WatchRange) bool)) []WatchRange {
	var out []WatchRange
	for r := range seq {
		out = append(out, r)
	}
	return out
}

// gdb's bank (SetWatchRange) and the guest's (the registers) agree on the same regions: the same ranges,
// page answers, matches, hit comparator, start and WnR, and the guest's clamped FAR is the start gdb's stop
// reports (max(access start, Start)).
func TestExternalBankAgreesWithGuestBank(t *testing.T) {
	mustSplit := func(rs []WatchRegion, err error) []WatchRegion {
		require.NoError(t, err)
		return rs
	}
	mustCover := func(r WatchRegion, err error) []WatchRegion {
		require.NoError(t, err)
		return []WatchRegion{r}
	}
	type access struct {
		addr, size uint64
		kind       AccessKind
	}
	tests := []struct {
		name     string
		regions  []WatchRegion
		lsc      LSC
		accesses []access
		pages    []uint64
	}{
		{
			name:    "1 byte at offset 7",
			regions: mustSplit(SplitWatch(0x4000_1007, 1)),
			lsc:     LSCStore,
			accesses: []access{
				{0x4000_1000, 8, AccessStore}, {0x4000_1007, 1, AccessStore}, {0x4000_1006, 1, AccessStore},
				{0x4000_1004, 4, AccessStore}, {0x4000_1000, 4, AccessStore}, {0x4000_1007, 1, AccessLoad},
				{0x4000_1007, 8, AccessRMW}, {0x4000_1008, 8, AccessStore},
			},
			pages: []uint64{0x4000_0000, 0x4000_1000, 0x4000_2000},
		},
		{
			name:    "8 bytes straddling two granules and two pages",
			regions: mustSplit(SplitWatch(0x4000_1ffc, 8)),
			lsc:     LSCAny,
			accesses: []access{
				{0x4000_1ffc, 8, AccessLoad}, {0x4000_1ff8, 8, AccessStore}, {0x4000_2000, 8, AccessLoad},
				{0x4000_1ff8, 4, AccessLoad}, {0x4000_2004, 4, AccessStore}, {0x4000_1ffe, 4, AccessRMW},
				{0x4000_2003, 1, AccessStore},
			},
			pages: []uint64{0x4000_0000, 0x4000_1000, 0x4000_2000, 0x4000_3000},
		},
		{
			name:    "a 2 GiB MASK region",
			regions: mustCover(CoveringRegion(0x8000_0000, 1<<31)),
			lsc:     LSCLoad,
			accesses: []access{
				{0x7fff_fff8, 8, AccessLoad}, {0x7fff_fffc, 8, AccessLoad}, {0x8000_0000, 1, AccessLoad},
				{0xffff_fff8, 8, AccessLoad}, {0xffff_fffc, 8, AccessLoad}, {0x1_0000_0000, 8, AccessLoad},
				{0x9000_0000, 8, AccessStore}, {0x9000_0000, 4, AccessRMW},
			},
			pages: []uint64{0x7fff_f000, 0x8000_0000, 0xc000_0000, 0xffff_f000, 0x1_0000_0000},
		},
		{
			name:    "gdb's 13 bytes split into BAS and MASK regions",
			regions: mustSplit(SplitWatchMasked(0x4000_0ffd, 0x13)),
			lsc:     LSCAny,
			accesses: []access{
				{0x4000_0ff8, 8, AccessLoad}, {0x4000_1000, 8, AccessStore}, {0x4000_1008, 8, AccessLoad},
				{0x4000_1010, 1, AccessStore}, {0x4000_1008, 2, AccessRMW},
			},
			pages: []uint64{0x4000_0000, 0x4000_1000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "a 2 GiB MASK region" {
				require.Equal(t, uint8(31), tt.regions[0].Mask)
			}
			u, ext := watchBanks(t, tt.regions, tt.lsc)
			require.Equal(t, collectRanges(u.WatchRanges), collectRanges(ext.WatchRanges), "the ranges")
			for _, p := range tt.pages {
				require.Equal(t, u.PageMayWatch(p), ext.PageMayWatch(p), "page %#x", p)
			}
			hits := 0
			for _, a := range tt.accesses {
				for _, el := range []uint8{0, 1} {
					gh, gok := u.WatchpointMatch(a.addr, a.size, a.kind, el, false)
					xh, xok := ext.WatchpointMatch(a.addr, a.size, a.kind, el, false)
					require.Equal(t, gok, xok, "%#x+%d kind %d at EL%d", a.addr, a.size, a.kind, el)
					require.Equal(t, gh, xh, "%#x+%d kind %d at EL%d", a.addr, a.size, a.kind, el)
					ev := u.CheckAccess(a.addr, a.size, a.kind, false, PState{EL: el})
					require.Equal(t, gok, ev.Kind == EventWatchpoint)
					if xok {
						hits++
						require.Equal(t, max(a.addr, xh.Start), ev.FAR, "FAR: the address gdb's stop reports")
					}
				}
			}
			require.NotZero(t, hits, "the table hits")
			require.Less(t, hits, 2*len(tt.accesses), "and misses")
		})
	}
}

// SetWatchRange keeps the bank in comparator order whatever the order of the calls, replaces a comparator,
// and ClearWatchpoint narrows the bounds again; the lowest-numbered hit names the stop.
func TestSetWatchRange(t *testing.T) {
	var c Comparators
	require.True(t, c.SetWatchRange(5, 0x2000, 0x2007, LSCStore))
	require.True(t, c.SetWatchRange(1, 0x2004, 0x200b, LSCAny))
	require.True(t, c.SetWatchRange(3, 0x9000, 0x9fff, LSCLoad))
	require.Equal(t, []WatchRange{
		{1, 0x2004, 0x200b, LSCAny}, {3, 0x9000, 0x9fff, LSCLoad}, {5, 0x2000, 0x2007, LSCStore},
	}, collectRanges(c.WatchRanges))
	h, ok := c.WatchpointMatch(0x2000, 8, AccessStore, 1, false)
	require.True(t, ok)
	require.Equal(t, WatchHit{Matched: 1<<1 | 1<<5, Comparator: 1, Start: 0x2004, LSC: LSCAny, WnR: true}, h)

	require.True(t, c.SetWatchRange(1, 0x3000, 0x3000, LSCLoad), "replaces comparator 1")
	h, ok = c.WatchpointMatch(0x2000, 8, AccessStore, 1, false)
	require.True(t, ok)
	require.Equal(t, WatchHit{Matched: 1 << 5, Comparator: 5, Start: 0x2000, LSC: LSCStore, WnR: true}, h)

	c.ClearWatchpoint(3)
	c.ClearWatchpoint(7) // not there: nothing happens
	require.Equal(t, []WatchRange{{1, 0x3000, 0x3000, LSCLoad}, {5, 0x2000, 0x2007, LSCStore}}, collectRanges(c.WatchRanges))
	require.False(t, c.PageMayWatch(0x9000))
	_, ok = c.WatchpointMatch(0x9000, 8, AccessLoad, 1, false)
	require.False(t, ok)
	c.ClearWatchpoint(1)
	c.ClearWatchpoint(5)
	require.False(t, c.WatchpointsArmed())

	for _, bad := range []struct {
		n        int
		lo, last uint64
		lsc      LSC
	}{{-1, 0, 7, LSCAny}, {64, 0, 7, LSCAny}, {0, 8, 7, LSCAny}, {0, 0, 7, LSCReserved}} {
		require.False(t, c.SetWatchRange(bad.n, bad.lo, bad.last, bad.lsc), "%+v", bad)
	}
	require.False(t, c.WatchpointsArmed())

	require.True(t, c.SetWatchRange(0, 0xffff_ffff_ffff_fff8, ^uint64(0), LSCAny), "a range may end at the top")
	_, ok = c.WatchpointMatch(0xffff_ffff_ffff_fffc, 4, AccessLoad, 0, false)
	require.True(t, ok)
}

// WatchpointMayMatch is false only where WatchpointMatch must miss: outside the span of every range.
func TestWatchpointMayMatch(t *testing.T) {
	var c Comparators
	require.False(t, c.WatchpointMayMatch(0x1000, 8), "empty bank")
	require.True(t, c.SetWatchRange(0, 0x1010, 0x1017, LSCStore))
	require.True(t, c.SetWatchRange(2, 0x1040, 0x1040, LSCLoad))
	tests := []struct {
		addr, size uint64
		may        bool
	}{
		{0x1008, 8, false},                // ends just below the span
		{0x1009, 8, true},                 // its last byte is the first watched
		{0x1020, 8, true},                 // between the ranges: inside the span, the full check misses
		{0x1040, 1, true},                 // the span's last byte
		{0x1041, 8, false},                // above the span
		{^uint64(0) - 3, 8, false},        // wraps: checked up to the top only, above the span
		{0, 0x1010, false},                // ends at the span's start
		{0xffff_ffff_ffff_0000, 8, false}, // far above
	}
	for _, tt := range tests {
		require.Equal(t, tt.may, c.WatchpointMayMatch(tt.addr, tt.size), "%#x+%d", tt.addr, tt.size)
		if !tt.may {
			_, ok := c.WatchpointMatch(tt.addr, tt.size, AccessRMW, 1, false)
			require.False(t, ok, "%#x+%d", tt.addr, tt.size)
		}
	}
}
