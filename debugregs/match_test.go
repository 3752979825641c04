package debugregs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Breakpoint BAS for A64 instructions (Arm ARM D2.8.5; QEMU hw_breakpoint_update folding, a "we choose"
// in Comparators.AddBreakpoint).
func TestBreakpointBAS(t *testing.T) {
	const bvr = 0x4000_1000
	tests := []struct {
		bas   uint8
		match bool
		why   string
	}{
		{0b0000, false, "BAS 0: we choose never (QEMU)"},
		{0b0001, true, "reserved; folds to 0b0011: the word matches"},
		{0b0010, true, "reserved; folds to 0b0011"},
		{0b0011, true, "lower halfword (T32 at BVR): matches the A64 word (CONSTRAINED UNPREDICTABLE, we choose match)"},
		{0b0100, false, "reserved; folds to 0b1100"},
		{0b1000, false, "reserved; folds to 0b1100"},
		{0b1100, false, "upper halfword: names BVR+2, no A64 instruction starts there"},
		{0b0111, true, "reserved; folds to 0b1111"},
		{0b1111, true, "the A64 value"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("BAS=%04b", tt.bas), func(t *testing.T) {
			var c Comparators
			bcr := DBGBCR(0).WithE(true).WithPMC(PMCEL0EL1).WithBAS(tt.bas)
			added := c.AddBreakpoint(2, bcr, DBGBVR(bvr))
			require.Equal(t, tt.match, added, tt.why)
			want := uint64(0)
			if tt.match {
				want = 1 << 2
			}
			require.Equal(t, want, c.BreakpointMatch(bvr, 1), tt.why)
			require.Zero(t, c.BreakpointMatch(bvr+4, 1))
			require.Zero(t, c.BreakpointMatch(bvr-4, 1))
		})
	}
}

// DBGBVR bits [1:0] are ignored (D24.3.3) and the PC's low bits never matter for A64.
func TestBreakpointAddressLowBits(t *testing.T) {
	var c Comparators
	require.True(t, c.AddBreakpoint(0, DBGBCR(bcrFor(PMCEL1)), DBGBVR(0x4000_0003)))
	require.Equal(t, uint64(1), c.BreakpointMatch(0x4000_0000, 1))
	require.Equal(t, uint64(1), c.BreakpointMatch(0x4000_0002, 1))
	// The full register is compared: a kernel VA is not the same as its low 48 bits.
	require.True(t, c.AddBreakpoint(1, DBGBCR(bcrFor(PMCEL1)), DBGBVR(0xffff_8000_0000_1000)))
	require.Equal(t, uint64(0b10), c.BreakpointMatch(0xffff_8000_0000_1000, 1))
	require.Zero(t, c.BreakpointMatch(0x0000_8000_0000_1000, 1))
}

// Breakpoint types (D2.8.3.2): only BT 0b0000 is modelled; every other type is ignored cleanly (we
// choose: never generates an exception).
func TestBreakpointTypesRejected(t *testing.T) {
	for bt := uint8(0); bt < 16; bt++ {
		t.Run(fmt.Sprintf("BT=%04b", bt), func(t *testing.T) {
			var c Comparators
			bcr := DBGBCR(bcrFor(PMCEL0EL1)).WithBT(bt).WithLBN(5)
			added := c.AddBreakpoint(0, bcr, DBGBVR(0x1000))
			require.Equal(t, bt == BTUnlinkedAddress, added)
			require.Equal(t, bt == BTUnlinkedAddress, c.BreakpointMatch(0x1000, 1) != 0)
		})
	}
	var c Comparators
	require.False(t, c.AddBreakpoint(0, DBGBCR(bcrFor(PMCEL1)).WithBT2(true), DBGBVR(0x1000)), "BT2 (FEAT_ABLE) not implemented: ignored")
	require.False(t, c.AddBreakpoint(0, DBGBCR(bcrFor(PMCEL1)).WithE(false), DBGBVR(0x1000)), "E=0")
	require.False(t, c.AddBreakpoint(64, DBGBCR(bcrFor(PMCEL1)), DBGBVR(0x1000)), "index out of range")
	require.False(t, c.AddBreakpoint(-1, DBGBCR(bcrFor(PMCEL1)), DBGBVR(0x1000)), "index out of range")
}

// PMC × HMC × SSC × EL for breakpoints (table D2-8, Non-secure, no EL2/EL3) and PAC for watchpoints
// (table D2-13), with QEMU's simplified rule for the reserved rows.
func TestExecutionConditions(t *testing.T) {
	for pmc := PMC(0); pmc < 4; pmc++ {
		for ssc := uint8(0); ssc < 4; ssc++ {
			for _, hmc := range []bool{false, true} {
				for el := uint8(0); el < 2; el++ {
					want := ssc != 0b10 && ((el == 0 && pmc&PMCEL0 != 0) || (el == 1 && pmc&PMCEL1 != 0))
					name := fmt.Sprintf("PMC=%02b/SSC=%02b/HMC=%v/EL%d", pmc, ssc, hmc, el)
					t.Run(name, func(t *testing.T) {
						var c Comparators
						bcr := DBGBCR(0).WithE(true).WithBAS(0xf).WithPMC(pmc).WithSSC(ssc).WithHMC(hmc)
						c.AddBreakpoint(0, bcr, DBGBVR(0x2000))
						require.Equal(t, want, c.BreakpointMatch(0x2000, el) != 0)
						wcr := DBGWCR(0).WithE(true).WithBAS(0xff).WithLSC(LSCAny).WithPAC(pmc).WithSSC(ssc).WithHMC(hmc)
						c.AddWatchpoint(0, wcr, DBGWVR(0x3000))
						_, hit := c.WatchpointMatch(0x3000, 8, AccessLoad, el, false)
						require.Equal(t, want, hit)
					})
				}
			}
		}
	}
}

// Watchpoint BAS byte ranges (D2.9.5 "Watchpoint data address comparisons", D24.3.11 BAS): every
// contiguous BAS against every single-byte access of the doubleword and its neighbours.
func TestWatchpointBASContiguous(t *testing.T) {
	const base = 0x4000_2000
	for first := 0; first < 8; first++ {
		for n := 1; first+n <= 8; n++ {
			bas := uint8((1<<n - 1) << first)
			var c Comparators
			require.True(t, c.AddWatchpoint(1, DBGWCR(wcrFor(PACEL1, LSCAny, bas)), DBGWVR(base)))
			for off := -2; off < 10; off++ {
				addr := uint64(base + off)
				want := off >= first && off < first+n
				h, hit := c.WatchpointMatch(addr, 1, AccessStore, 1, false)
				require.Equal(t, want, hit, "BAS=%08b byte %+d", bas, off)
				if hit {
					require.Equal(t, uint64(base+first), h.Start)
					require.Equal(t, 1, h.Comparator)
					require.Equal(t, uint64(1<<1), h.Matched)
				}
			}
		}
	}
}

// Non-contiguous BAS (CONSTRAINED UNPREDICTABLE): we choose QEMU's lowest run of ones. DBGWVR[2]=1:
// only BAS[3:0] is used, relative to the word (D24.3.11). BAS=0: never.
func TestWatchpointBASChoices(t *testing.T) {
	tests := []struct {
		name    string
		wvr     uint64
		bas     uint8
		watched []int // offsets from 0x1000 that hit with a 1-byte load
	}{
		{"non-contiguous 0b1010_0110: lowest run only", 0x1000, 0b1010_0110, []int{1, 2}},
		{"non-contiguous 0b1000_0001: byte 0 only", 0x1000, 0b1000_0001, []int{0}},
		{"WVR[2]=1 uses BAS[3:0] from the word", 0x1004, 0b1111_0011, []int{4, 5}},
		{"WVR[2]=1, BAS[3:0]=0: never", 0x1004, 0b1111_0000, nil},
		{"BAS=0: never", 0x1000, 0, nil},
		{"whole doubleword", 0x1000, 0xff, []int{0, 1, 2, 3, 4, 5, 6, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Comparators
			c.AddWatchpoint(0, DBGWCR(wcrFor(PACEL1, LSCLoad, tt.bas)), DBGWVR(tt.wvr))
			var got []int
			for off := -8; off < 16; off++ {
				if _, hit := c.WatchpointMatch(uint64(0x1000+off), 1, AccessLoad, 1, false); hit {
					got = append(got, off)
				}
			}
			require.Equal(t, tt.watched, got)
		})
	}
}

// MASK (D2.9.5, D24.3.11): 0 uses BAS; 1 and 2 are reserved (we choose: never); 3..31 watch the aligned
// 2^MASK block, ignoring BAS and masking DBGWVR's low bits (we choose, as QEMU).
func TestWatchpointMASK(t *testing.T) {
	for mask := uint8(0); mask < 32; mask++ {
		t.Run(fmt.Sprintf("MASK=%d", mask), func(t *testing.T) {
			const wvr = 0x8000_0000_0000 + 0x1234_5678 // low bits set on purpose
			var c Comparators
			wcr := DBGWCR(wcrFor(PACEL1, LSCAny, 0x01)).WithMASK(mask)
			added := c.AddWatchpoint(3, wcr, DBGWVR(wvr))
			switch {
			case mask == 1 || mask == 2:
				require.False(t, added, "reserved MASK: we choose disabled")
			case mask == 0:
				require.True(t, added)
				_, hit := c.WatchpointMatch(wvr&^3, 1, AccessLoad, 1, false)
				require.True(t, hit, "BAS byte 0")
				_, hit = c.WatchpointMatch(wvr&^3+1, 1, AccessLoad, 1, false)
				require.False(t, hit)
			default:
				require.True(t, added)
				size := uint64(1) << mask
				lo := uint64(wvr) &^ (size - 1)
				for _, a := range []uint64{lo, lo + size/2, lo + size - 1} {
					h, hit := c.WatchpointMatch(a, 1, AccessLoad, 1, false)
					require.True(t, hit, "inside %#x", a)
					require.Equal(t, lo, h.Start)
				}
				for _, a := range []uint64{lo - 1, lo + size} {
					_, hit := c.WatchpointMatch(a, 1, AccessLoad, 1, false)
					require.False(t, hit, "outside %#x", a)
				}
				// An access straddling the start hits.
				_, hit := c.WatchpointMatch(lo-4, 8, AccessLoad, 1, false)
				require.True(t, hit)
			}
		})
	}
}

// LSC × access kind (D24.3.11 LSC; D24.2.45 WnR, CM): 0b00 is reserved (we choose: never).
func TestWatchpointLSC(t *testing.T) {
	type res struct {
		hit, wnr, cm bool
	}
	kinds := []AccessKind{AccessLoad, AccessStore, AccessRMW, AccessCMO}
	want := map[LSC][4]res{
		LSCReserved: {},
		LSCLoad:     {{hit: true}, {}, {hit: true}, {}},
		LSCStore:    {{}, {hit: true, wnr: true}, {hit: true, wnr: true}, {hit: true, wnr: true, cm: true}},
		LSCAny:      {{hit: true}, {hit: true, wnr: true}, {hit: true}, {hit: true, wnr: true, cm: true}},
	}
	for lsc, rows := range want {
		for i, k := range kinds {
			t.Run(fmt.Sprintf("LSC=%02b/kind=%d", lsc, k), func(t *testing.T) {
				var c Comparators
				c.AddWatchpoint(0, DBGWCR(wcrFor(PACEL0EL1, lsc, 0xff)), DBGWVR(0x5000))
				h, hit := c.WatchpointMatch(0x5000, 8, k, 1, false)
				require.Equal(t, rows[i].hit, hit)
				require.Equal(t, rows[i].wnr, h.WnR)
				require.Equal(t, rows[i].cm, h.CM)
			})
		}
	}
}

// Unprivileged accesses (LDTR/STTR) at EL1 are checked as EL0 accesses (D2.9.4; QEMU bp_wp_matches): an
// EL0-only watchpoint hits a uaccess, an EL1-only one does not.
func TestWatchpointUnprivileged(t *testing.T) {
	tests := []struct {
		pac          PAC
		el           uint8
		unprivileged bool
		want         bool
	}{
		{PACEL0, 1, true, true},
		{PACEL0, 1, false, false},
		{PACEL1, 1, true, false},
		{PACEL1, 1, false, true},
		{PACEL0EL1, 1, true, true},
		{PACEL0, 0, true, true},
		{PACEL0, 0, false, true},
	}
	for _, tt := range tests {
		var c Comparators
		c.AddWatchpoint(0, DBGWCR(wcrFor(tt.pac, LSCAny, 0xff)), DBGWVR(0x6000))
		_, hit := c.WatchpointMatch(0x6000, 4, AccessStore, tt.el, tt.unprivileged)
		require.Equal(t, tt.want, hit, "PAC=%02b EL%d unpriv=%v", tt.pac, tt.el, tt.unprivileged)
	}
}

// Linked watchpoints (WT=1) are ignored (we choose), as are E=0 and bad indices.
func TestWatchpointRejected(t *testing.T) {
	var c Comparators
	require.False(t, c.AddWatchpoint(0, DBGWCR(wcrFor(PACEL1, LSCAny, 0xff)).WithWT(true).WithLBN(4), DBGWVR(0x1000)))
	require.False(t, c.AddWatchpoint(0, DBGWCR(wcrFor(PACEL1, LSCAny, 0xff)).WithE(false), DBGWVR(0x1000)))
	require.False(t, c.AddWatchpoint(64, DBGWCR(wcrFor(PACEL1, LSCAny, 0xff)), DBGWVR(0x1000)))
	require.False(t, c.WatchpointsArmed())
	_, hit := c.WatchpointMatch(0x1000, 0, AccessLoad, 1, false)
	require.False(t, hit, "zero-size access")
}

// Several watchpoints on one access: all are reported, the lowest-numbered names the hit; accesses that
// straddle a range and accesses at the top of the address space.
func TestWatchpointMultiple(t *testing.T) {
	var c Comparators
	c.AddWatchpoint(3, DBGWCR(wcrFor(PACEL1, LSCAny, 0xf0)), DBGWVR(0x7000))
	c.AddWatchpoint(1, DBGWCR(wcrFor(PACEL1, LSCAny, 0x0f)), DBGWVR(0x7008))
	h, hit := c.WatchpointMatch(0x7002, 16, AccessLoad, 1, false)
	require.True(t, hit)
	require.Equal(t, uint64(1<<3|1<<1), h.Matched)
	require.Equal(t, 1, h.Comparator)
	require.Equal(t, uint64(0x7008), h.Start)

	var top Comparators
	top.AddWatchpoint(0, DBGWCR(wcrFor(PACEL1, LSCAny, 0x80)), DBGWVR(^uint64(7)))
	_, hit = top.WatchpointMatch(^uint64(0), 8, AccessLoad, 1, false)
	require.True(t, hit, "a wrapping access is checked up to the top")
}

func TestPageMay(t *testing.T) {
	var c Comparators
	require.False(t, c.PageMayBreak(0x1000))
	require.False(t, c.PageMayWatch(0x1000))
	c.AddBreakpoint(0, DBGBCR(bcrFor(PMCEL1)), DBGBVR(0x4000_1ffc))
	c.AddWatchpoint(0, DBGWCR(wcrFor(PACEL1, LSCAny, 0x80)), DBGWVR(0x4000_2ff8))
	c.AddWatchpoint(1, DBGWCR(wcrFor(PACEL1, LSCAny, 0xff)).WithMASK(16), DBGWVR(0x5000_0000))
	require.True(t, c.PageMayBreak(0x4000_1000))
	require.False(t, c.PageMayBreak(0x4000_2000))
	require.True(t, c.PageMayWatch(0x4000_2abc))
	require.False(t, c.PageMayWatch(0x4000_3000))
	require.True(t, c.PageMayWatch(0x5000_f123), "inside a 64 KiB MASK block")
	require.False(t, c.PageMayWatch(0x5001_0000))
}
