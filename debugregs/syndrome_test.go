package debugregs

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// ESR_ELx values, bit-exact (Arm ARM D24.2.45; QEMU target/arm/syndrome.h).
func TestSyndromes(t *testing.T) {
	tests := []struct {
		name string
		got  uint64
		want uint64
	}{
		{"breakpoint from EL1 (docs/background.md §3.1: 0xc6000022)", BreakpointSyndrome(true), 0xc6000022},
		{"breakpoint from EL0", BreakpointSyndrome(false), 0xc2000022},
		{"step from EL1, nothing stepped", SoftwareStepSyndrome(true, false, false), 0xce000022},
		{"step from EL0, ISV", SoftwareStepSyndrome(false, true, false), 0xcb000022},
		{"step from EL0, ISV+EX", SoftwareStepSyndrome(false, true, true), 0xcb000062},
		{"step: EX needs ISV", SoftwareStepSyndrome(false, false, true), 0xca000022},
		{"watchpoint read from EL1", WatchpointSyndrome(true, WatchSyndrome{}), 0xd6000022},
		{"watchpoint write from EL1", WatchpointSyndrome(true, WatchSyndrome{WnR: true}), 0xd6000062},
		{"watchpoint write from EL0", WatchpointSyndrome(false, WatchSyndrome{WnR: true}), 0xd2000062},
		{"watchpoint CMO", WatchpointSyndrome(true, WatchSyndrome{WnR: true, CM: true}), 0xd6000162},
		{"watchpoint Debugv8p9 WPT=5", WatchpointSyndrome(true, WatchSyndrome{WPTV: true, WPT: 5}), 0xd6000022 | 1<<17 | 5<<18},
		{"watchpoint Debugv8p9 WPT=63 write", WatchpointSyndrome(true, WatchSyndrome{WnR: true, WPTV: true, WPT: 63}), 0xd6000062 | 1<<17 | 63<<18},
		{"WPT without WPTV is not recorded", WatchpointSyndrome(true, WatchSyndrome{WPT: 9}), 0xd6000022},
		{"BRK #0", BRKSyndrome(0), 0xf2000000},
		{"BRK #0x3e8 (Linux BUG)", BRKSyndrome(0x3e8), 0xf20003e8},
		{"BRK #0xffff", BRKSyndrome(0xffff), 0xf200ffff},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.got, "%s: %#x", tt.name, tt.got)
	}
	require.Equal(t, uint8(ECBreakpointCurrent), ESREC(0xc6000022))
	require.Equal(t, uint8(ECBRK64), ESREC(BRKSyndrome(1)))
}

// The Event a Unit produces carries those syndromes, FAR per policy, and WPT only for Debugv8p9.
func TestEventSyndromes(t *testing.T) {
	for _, tt := range []struct {
		model   Model
		far     FARPolicy
		wantESR uint64
		wantFAR uint64
	}{
		{CortexA57, FARClamp, 0xd6000062, 0x4000_6004},
		{CortexA57, FARAccessStart, 0xd6000062, 0x4000_6000},
		{Debugv8p9, FARClamp, 0xd6000062 | 1<<17 | 2<<18, 0x4000_6004},
	} {
		u, err := NewUnit(Config{Model: tt.model, FAR: tt.far})
		require.NoError(t, err)
		debugReady(t, u)
		require.True(t, u.SetRegister(KindDBGWVR, 2, 0x4000_6000))
		require.True(t, u.SetRegister(KindDBGWCR, 2, wcrFor(PACEL1, LSCStore, 0xf0)))
		ev := u.CheckAccess(0x4000_6000, 8, AccessStore, false, el1)
		require.Equal(t, EventWatchpoint, ev.Kind)
		require.Equal(t, tt.wantESR, ev.ESR, "%s %s", tt.model.Name, tt.far)
		require.Equal(t, tt.wantFAR, ev.FAR, "%s %s", tt.model.Name, tt.far)
		require.Equal(t, 2, ev.Comparator)
	}
	// Breakpoint from EL0.
	u := newUnit(t, CortexA57, SyncStrict)
	debugReady(t, u)
	u.SetRegister(KindDBGBVR, 3, 0x40_0000)
	u.SetRegister(KindDBGBCR, 3, bcrFor(PMCEL0))
	ev := u.CheckInstruction(0x40_0000, el0, 1)
	require.Equal(t, uint64(0xc2000022), ev.ESR)
	require.Equal(t, uint64(1<<3), ev.Matched)
	require.Equal(t, uint64(1<<3), u.BreakpointMatch(0x40_0000, 0))
	_, ok := u.WatchpointMatch(0x40_0000, 4, AccessLoad, 0, false)
	require.False(t, ok)
	require.Equal(t, "breakpoint", ev.Kind.String())
	require.Equal(t, "none", EventNone.String())
	require.Equal(t, "watchpoint", EventWatchpoint.String())
	require.Equal(t, "software-step", EventSoftwareStep.String())
}

// FAR policies (D2.9.8.2.4; docs/background.md §2.5), including the naturally-aligned-block bound for access-start.
func TestFARPolicies(t *testing.T) {
	tests := []struct {
		name          string
		wvr           uint64
		bas           uint8
		addr, size    uint64
		clamp, astart uint64
	}{
		{"access inside the watch", 0x1000, 0xff, 0x1004, 4, 0x1004, 0x1004},
		{"access starts below (LDP)", 0x1010, 0x0f, 0x1008, 16, 0x1010, 0x1008},
		{"crosses a 64-byte block", 0x1040, 0x01, 0x103c, 8, 0x1040, 0x1040},
		{"unaligned within a block", 0x1020, 0xc0, 0x1021, 8, 0x1026, 0x1021},
	}
	for _, tt := range tests {
		for _, p := range []FARPolicy{FARClamp, FARAccessStart} {
			u, err := NewUnit(Config{Model: CortexA57, FAR: p})
			require.NoError(t, err)
			debugReady(t, u)
			u.SetRegister(KindDBGWVR, 0, tt.wvr)
			u.SetRegister(KindDBGWCR, 0, wcrFor(PACEL1, LSCAny, tt.bas))
			ev := u.CheckAccess(tt.addr, tt.size, AccessLoad, false, el1)
			require.Equal(t, EventWatchpoint, ev.Kind, tt.name)
			want := map[FARPolicy]uint64{FARClamp: tt.clamp, FARAccessStart: tt.astart}[p]
			require.Equal(t, want, ev.FAR, "%s, %s", tt.name, p)
		}
	}
}
