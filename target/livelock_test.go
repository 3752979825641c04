package target

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The upstream-style livelock: the handler (x28 = 1) returns to the breakpointed instruction without
// touching the comparator.
func TestLivelockStopAndOncePerEpisode(t *testing.T) {
	const n = 10
	g := newDebugGuest(t, Config{LivelockThreshold: n}, false)
	target := g.sym("bp_target")
	g.start("bp_test", map[int]uint64{0: bcrEL1EL0, 2: mdscrMDEKDE, 7: 0, 28: 1})
	for episode := 1; episode <= 3; episode++ {
		s := g.run()
		require.Equal(t, StopLivelock, s.Kind, "episode %d: %+v", episode, s)
		require.Equal(t, 0, s.CPU)
		require.Equal(t, target, s.Addr)
		require.Equal(t, uint32(0x31), s.EC)
		require.Equal(t, uint64(n), s.Count)
		require.Contains(t, s.Text, "livelock: cpu 0 pc")
		require.Equal(t, target, g.c.PC, "left at the trapping instruction")
		require.Equal(t, uint64(0x5), g.c.Reg(33)&0xf, "EL1h, as the guest had it")
		require.Equal(t, uint64(0), g.c.Reg(7), "the instruction never ran")
		require.Len(t, g.records(), episode*(n-1), "the Nth trap of each episode is not taken")
	}
}

// A watchpoint livelock leaves memory untouched.
func TestLivelockOnWatchpoint(t *testing.T) {
	g := newDebugGuest(t, Config{LivelockThreshold: 5}, false)
	w := g.sym("watched")
	before := g.u64(w)
	g.start("wp_test", map[int]uint64{0: wcrStore8, 1: w, 2: w, 3: 1, 28: 1})
	s := g.run()
	require.Equal(t, Stop{Kind: StopLivelock, CPU: 0, Addr: g.sym("wp_store"), EC: 0x35, Count: 5, Text: s.Text,
		Livelock: LivelockRun{Count: 5, ERETs: 4}}, s, "four returns to the store, none stepping, the comparator unchanged")
	require.Equal(t, before, g.u64(w))
	require.Len(t, g.records(), 4)
	for _, r := range g.records() {
		require.Equal(t, excRecord{esrWPStore, g.sym("wp_store"), w}, r)
	}
}

func TestLivelockOff(t *testing.T) {
	g := newDebugGuest(t, Config{LivelockThreshold: 0}, false)
	g.start("bp_test", map[int]uint64{0: bcrEL1EL0, 2: mdscrMDEKDE, 28: 1})
	go func() {
		time.Sleep(50 * time.Millisecond)
		g.m.Interrupt()
	}()
	s := g.run()
	require.Equal(t, StopInterrupt, s.Kind)
	require.Greater(t, len(g.records()), DefaultLivelockThreshold)
}

// The counting rule itself: a trap repeats only when it is the first instruction after an ERET back to
// the same PC with the same EC.
func TestLivelockCountingRule(t *testing.T) {
	type ev struct {
		eret       bool   // an ERET to pc (else a trap at pc with ec)
		pc         uint64 // PC of the trap / ERET target
		ec         uint32
		ic         uint64 // instruction count: ERET counted, the trap not
		wantReport bool
	}
	const pc, other = 0x4000_1000, 0x4000_2000
	cases := []struct {
		name string
		evs  []ev
	}{
		{"three in a row", []ev{
			{false, pc, 0x31, 10, false}, {true, pc, 0, 20, false},
			{false, pc, 0x31, 20, false}, {true, pc, 0, 30, false},
			{false, pc, 0x31, 30, true},
		}},
		{"the instruction retired in between", []ev{
			{false, pc, 0x31, 10, false}, {true, pc, 0, 20, false},
			{false, pc, 0x31, 21, false}, {true, pc, 0, 30, false},
			{false, pc, 0x31, 30, false}, {true, pc, 0, 40, false},
			{false, pc, 0x31, 40, true},
		}},
		{"another EC resets", []ev{
			{false, pc, 0x31, 10, false}, {true, pc, 0, 20, false},
			{false, pc, 0x35, 20, false}, {true, pc, 0, 30, false},
			{false, pc, 0x31, 30, false},
		}},
		{"returned elsewhere", []ev{
			{false, pc, 0x31, 10, false}, {true, other, 0, 20, false},
			{false, pc, 0x31, 20, false}, {true, pc, 0, 30, false},
			{false, pc, 0x31, 30, false}, {true, pc, 0, 40, false},
			{false, pc, 0x31, 40, true},
		}},
		{"once per episode", []ev{
			{false, pc, 0x31, 10, false}, {true, pc, 0, 20, false},
			{false, pc, 0x31, 20, false}, {true, pc, 0, 30, false},
			{false, pc, 0x31, 30, true},
			{false, pc, 0x31, 30, false}, {true, pc, 0, 40, false}, // resumed: taken (1)
			{false, pc, 0x31, 40, false}, {true, pc, 0, 50, false}, // 2
			{false, pc, 0x31, 50, true}, // 3
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(Config{CPUs: 1, RAMSize: 1 << 20, LivelockThreshold: 3})
			require.NoError(t, err)
			c := m.CPU(0)
			for i, e := range tc.evs {
				if e.eret {
					c.livelockERET(e.pc, e.ic)
					continue
				}
				c.stopped = false
				require.Equal(t, e.wantReport, c.livelockTrap(e.pc, e.ec, e.ic), "event %d", i)
			}
		})
	}
}
