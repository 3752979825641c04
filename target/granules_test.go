package target

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// withGranuleFilter runs f with gdb's granule filter on or off.
func withGranuleFilter(on bool, f func()) {
	saved := granuleFilterOff
	granuleFilterOff = !on
	defer func() { granuleFilterOff = saved }()
	f()
}

// pairLoop touches the same two granules as benchLoop with a pair and an exclusive pair:
// ldp x3, x4, [x1]; add x3, x3, #1; stp x3, x4, [x1]; ldxr x5, [x2]; stxr w6, x5, [x2]; subs; b.ne; wfi; b.
var pairLoop = []uint32{0xa9401023, 0x91000463, 0xa9001023, 0xc85f7c45, 0xc8067c45, 0xf1000400, 0x54ffff41, 0xd503207f, 0x17ffffff}

// gdb's watchpoints stop the loop at the same accesses, with the same state and the same slices, whether the
// fast loop filters the watched page's granules or checks every access to it in full. The loops (benchLoop,
// pairLoop) load and store the 8-byte counter at x1 and load the word at x1+8, on every CPU; pairLoop's
// LDP/STP and exclusives always take the full check on a watched page.
func TestGranuleFilterMatchesFullCheck(t *testing.T) {
	tests := []struct {
		name     string
		start    int64 // relative to CPU 0's x1
		length   uint64
		kind     WatchKind
		hits     bool
		filtered bool // the page keeps bitmaps
	}{
		{"the counter, write", 0, 8, WatchWrite, true, true},
		{"1 byte at offset 7 of the counter", 7, 1, WatchWrite, true, true},
		{"1 byte at offset 7 of the next granule, read", 15, 1, WatchRead, true, true},
		{"bytes 4..11: two granules, read", 4, 8, WatchRead, true, true},
		{"the counter, read only: the store passes", 0, 8, WatchRead, true, true},
		{"elsewhere on the page", 64, 8, WatchAccess, false, true},
		{"the page's last byte", 4095, 1, WatchAccess, false, true},
		{"across the page end into CPU 1's counter: two pages in part", 4092, 8, WatchWrite, true, true},
		{"2 GiB from RAM's start: pages covered whole", -(0x100000), 1 << 31, WatchAccess, true, false},
	}
	type outcome struct {
		Stops  []Stop
		Digest machineDigest
	}
	run := func(t *testing.T, words []uint32, start int64, length uint64, kind WatchKind, filtered bool) outcome {
		saved := benchLoop
		benchLoop = words
		defer func() { benchLoop = saved }()
		m := loopMachine(t, 2, 300)
		data := m.CPU(0).X[1]
		m.SetExternalWatchpoint(0, uint64(int64(data)+start), length, kind, true)
		if !granuleFilterOff {
			require.Equal(t, filtered, m.pageFlags[(data-RAMBase)>>pageShift]&pfGranules != 0, "the page's bitmaps")
		}
		var o outcome
		for len(o.Stops) < 20 {
			s := m.Resume([]Action{ActionContinue, ActionContinue})
			o.Stops = append(o.Stops, s)
			if s.Kind != StopWatchpoint {
				break
			}
			acts := []Action{ActionStop, ActionStop}
			acts[s.CPU] = ActionStep // step over the access, as gdb does
			m.Resume(acts)
		}
		o.Digest = digest(m)
		return o
	}
	loops := []struct {
		name  string
		words []uint32
	}{
		{"ldr/str", benchLoop},
		{"ldp/stp/ldxr/stxr", pairLoop},
	}
	for _, lp := range loops {
		for _, tt := range tests {
			t.Run(lp.name+"/"+tt.name, func(t *testing.T) {
				var filtered, full outcome
				withGranuleFilter(true, func() { filtered = run(t, lp.words, tt.start, tt.length, tt.kind, tt.filtered) })
				withGranuleFilter(false, func() { full = run(t, lp.words, tt.start, tt.length, tt.kind, tt.filtered) })
				require.Equal(t, tt.hits, filtered.Stops[0].Kind == StopWatchpoint, "%+v", filtered.Stops[0])
				require.Equal(t, full, filtered)
			})
		}
	}
}

// More pages in part than the filter keeps: none is filtered, every access to them is checked in full.
func TestGranuleFilterOverflow(t *testing.T) {
	m := loopMachine(t, 1, 10)
	for i := 0; i < 4; i++ {
		m.SetExternalWatchpoint(i, RAMBase+0x200000+uint64(i)*0x3000+0xffc, 8, WatchWrite, true) // 2 pages each
	}
	require.Equal(t, 8, m.granules.n)
	m.SetExternalWatchpoint(4, RAMBase+0x300000, 8, WatchWrite, true)
	require.Zero(t, m.granules.n)
	for pi := range m.pageFlags {
		require.Zero(t, m.pageFlags[pi]&pfGranules)
	}
	m.SetExternalWatchpoint(4, 0, 0, WatchWrite, false)
	require.Equal(t, 8, m.granules.n)
}

// The loop with gdb's watchpoint on its data page but not on its words.
func BenchmarkLoopWatchSamePage(b *testing.B) {
	benchmarkLoopWith(b, 1, func(m *Machine) {
		m.SetExternalWatchpoint(0, m.CPU(0).X[1]+64, 8, WatchWrite, true)
	})
}

// The same with every access to the page checked in full (the cost before the filter).
func BenchmarkLoopWatchSamePageFull(b *testing.B) {
	withGranuleFilter(false, func() { BenchmarkLoopWatchSamePage(b) })
}
