package target

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/stretchr/testify/require"
)

// guestWatchRegions programs regions into CPU 0's own watchpoints (EL0 and EL1, loads and stores) as a
// debugger's register writes would, with debug exceptions enabled at EL1 and PSTATE.D clear.
func guestWatchRegions(t *testing.T, m *Machine, regions []debugregs.WatchRegion) {
	t.Helper()
	c := m.CPU(0)
	write := func(e debugregs.Encoding, v uint64) {
		require.True(t, c.debugWrite(uint32(e), v, false), "write %v", e)
	}
	write(debugregs.EncOSDLR, 0)
	write(debugregs.EncOSLAR, 0)
	write(debugregs.EncMDSCR, uint64(debugregs.MDSCR(0).WithKDE(true).WithMDE(true)))
	for i, r := range regions {
		wvr, _ := debugregs.SysReg{Kind: debugregs.KindDBGWVR, M: i}.Encoding()
		wcr, _ := debugregs.SysReg{Kind: debugregs.KindDBGWCR, M: i}.Encoding()
		write(wvr, uint64(r.WVR))
		write(wcr, uint64(r.WCR(debugregs.LSCAny, debugregs.PACEL0EL1)))
	}
	c.DAIF &^= cpu.DAIFD
}

// watchFilters is what the executor derived from the watched ranges: per RAM page whether it is watched
// and whether it keeps granule bitmaps, and the bitmaps of those that do.
type watchFilters struct {
	Watched, Granules []uint64 // RAM page indexes
	Bitmaps           map[uint64]granulePage
}

func filtersOf(m *Machine) watchFilters {
	f := watchFilters{Bitmaps: map[uint64]granulePage{}}
	for pi, fl := range m.pageFlags {
		if fl&pfWatch != 0 {
			f.Watched = append(f.Watched, uint64(pi))
		}
		if fl&pfGranules != 0 {
			f.Granules = append(f.Granules, uint64(pi))
			f.Bitmaps[uint64(pi)] = m.granules.pages[fl>>granuleSlotShift&(maxGranulePages-1)]
		}
	}
	return f
}

// gdb's watchpoints (the external bank) and the guest's own, over the same regions, give the same page
// flags, granule bitmaps and per-VA answers, hit the same accesses, and the guest's FAR (clamp) is the
// address gdb's stop reports. The guest's page flags are what its Unit's PageMayWatch says.
func TestExternalAndGuestWatchAgree(t *testing.T) {
	const data = RAMBase + 0x8000
	split := func(addr, length uint64) []debugregs.WatchRegion {
		rs, err := debugregs.SplitWatch(addr, length)
		require.NoError(t, err)
		return rs
	}
	twoGiB, err := debugregs.CoveringRegion(0, RAMBase+0x1000)
	require.NoError(t, err)
	require.Equal(t, debugregs.WatchRegion{Start: 0, Len: 1 << 31, WVR: 0, BAS: 0xff, Mask: 31}, twoGiB)
	type access struct{ addr, size uint64 }
	tests := []struct {
		name     string
		regions  []debugregs.WatchRegion
		granules int // pages with bitmaps
		accesses []access
	}{
		{"1 byte at offset 7", split(data+7, 1), 1, []access{
			{data, 8}, {data + 7, 1}, {data + 6, 1}, {data + 4, 4}, {data, 4}, {data + 8, 8}, {data + 6, 2},
		}},
		{"8 bytes straddling two granules and two pages", split(data+0xffc, 8), 2, []access{
			{data + 0xffc, 8}, {data + 0xff8, 8}, {data + 0x1000, 8}, {data + 0xff8, 4}, {data + 0x1004, 4},
			{data + 0xffe, 4}, {data + 0xff0, 8},
		}},
		{"a 2 GiB MASK region", []debugregs.WatchRegion{twoGiB}, 0, []access{
			{RAMBase, 8}, {data, 1}, {RAMBase + 0xffff8, 8},
		}},
		{"a MASK block and BAS edges", func() []debugregs.WatchRegion {
			rs, err := debugregs.SplitWatchMasked(data+0x7fd, 0x23)
			require.NoError(t, err)
			return rs
		}(), 1, []access{
			{data + 0x7f8, 8}, {data + 0x800, 8}, {data + 0x818, 8}, {data + 0x820, 8}, {data + 0x7f0, 8},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gdb, guest := loopMachine(t, 1, 3), loopMachine(t, 1, 3)
			for i, r := range tt.regions {
				gdb.SetExternalWatchpoint(i, r.Start, r.Len, WatchAccess, true)
			}
			guestWatchRegions(t, guest, tt.regions)
			f := filtersOf(gdb)
			require.Equal(t, f, filtersOf(guest), "page flags and granules")
			require.NotEmpty(t, f.Watched)
			require.Len(t, f.Granules, tt.granules)
			u := guest.CPU(0).DebugUnit()
			for pi := range guest.pageFlags {
				addr := RAMBase + uint64(pi)<<pageShift
				require.Equal(t, u.PageMayWatch(addr), guest.pageFlags[pi]&pfGuestWatch != 0, "page %#x", addr)
				require.Equal(t, gdb.vaWatched(addr), guest.vaWatched(addr), "VA page %#x", addr)
			}
			hits := 0
			for _, a := range tt.accesses {
				for _, write := range []bool{false, true} {
					gc, uc := gdb.CPU(0), guest.CPU(0)
					gc.stopped, gc.stop = false, Stop{}
					hit := gdb.watchHit(gc, a.addr, a.size, write)
					require.Equal(t, hit, uc.guestWatch(a.addr, a.size, write), "%#x+%d write %v", a.addr, a.size, write)
					if hit {
						hits++
						require.Equal(t, Stop{Kind: StopWatchpoint, Addr: uc.dw.pending.FAR, Watch: WatchAccess}, gc.stop)
						require.Equal(t, write, uc.dw.pending.ESR>>6&1 == 1, "WnR")
					}
				}
			}
			require.NotZero(t, hits)
		})
	}
}

// gdb's watchpoints at the top of the address space (kernel VAs with the MMU on): a range ending at the last
// byte, or wrapping past it, watches up to the top (before the one bank, a range whose end wrapped to 0
// never matched), and the lowest-numbered comparator hit names the stop.
func TestExternalWatchAtTheTop(t *testing.T) {
	const top = ^uint64(0)
	type point struct {
		idx           int
		start, length uint64
		kind          WatchKind
	}
	tests := []struct {
		name       string
		points     []point
		addr, size uint64
		write      bool
		want       Stop // Kind 0: no hit
	}{
		{"the last 8 bytes, a store", []point{{1, top - 7, 8, WatchWrite}}, top - 3, 4, true,
			Stop{Kind: StopWatchpoint, Addr: top - 3, Watch: WatchWrite}},
		{"the last 8 bytes, a load passes", []point{{1, top - 7, 8, WatchWrite}}, top - 3, 4, false, Stop{}},
		{"a range wrapping past the top", []point{{0, top - 7, 16, WatchRead}}, top - 7, 8, false,
			Stop{Kind: StopWatchpoint, Addr: top - 7, Watch: WatchRead}},
		{"two comparators: the lower index names the stop", []point{{3, top - 15, 16, WatchAccess}, {2, top - 3, 4, WatchWrite}},
			top - 7, 8, true, Stop{Kind: StopWatchpoint, Addr: top - 3, Watch: WatchWrite}},
		{"below the range", []point{{0, top - 7, 8, WatchAccess}}, top - 15, 8, true, Stop{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := loopMachine(t, 1, 3)
			c := m.CPU(0)
			for _, p := range tt.points {
				m.SetExternalWatchpoint(p.idx, p.start, p.length, p.kind, true)
			}
			require.True(t, m.vaWatched(top&^(pageSize-1)))
			require.Equal(t, tt.want.Kind != 0, m.watchHit(c, tt.addr, tt.size, tt.write))
			require.Equal(t, tt.want, c.stop)
		})
	}
}
