package target

import (
	"hash/crc32"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

// machineDigest is what must not depend on how the executor checks breakpoints.
type machineDigest struct {
	PC, Executed, Exceptions, NZCV []uint64
	X                              [][34]uint64
	RAM                            uint32
}

func digest(m *Machine) machineDigest {
	var d machineDigest
	for _, c := range m.cpus {
		d.PC = append(d.PC, c.pc)
		d.Executed = append(d.Executed, c.executed)
		d.Exceptions = append(d.Exceptions, c.exceptions)
		d.NZCV = append(d.NZCV, c.nzcv)
		d.X = append(d.X, [34]uint64(c.x[:34]))
	}
	d.RAM = crc32.ChecksumIEEE(m.ram)
	return d
}

// withBreakSlots runs f with the break-slot fast path on or off.
func withBreakSlots(t *testing.T, on bool, f func()) {
	t.Helper()
	saved := breakSlotsOff
	breakSlotsOff = !on
	defer func() { breakSlotsOff = saved }()
	f()
}

// Running up to the candidate breakpoint slots must give exactly what
// checking every instruction of the page gives.
func TestBreakSlotsMatchCheckingEveryInstruction(t *testing.T) {
	guest := func(regs map[int]uint64) func(t *testing.T) (machineDigest, []excRecord) {
		return func(t *testing.T) (machineDigest, []excRecord) {
			g := newDebugGuest(t, Config{}, false)
			g.start("bp_test", regs)
			g.requireDone(g.run())
			if !breakSlotsOff {
				l := &g.c.dw.breakCache.lists[0]
				want := 0
				if regs[0] == bcrEL1EL0 {
					want = 1
				}
				require.True(t, l.valid && l.n == want, "the breakpoint's page used the slot list: %+v", *l)
			}
			return digest(g.m), g.records()
		}
	}
	kernel := func(scenario kernelsim.Scenario, rounds int) func(t *testing.T) (machineDigest, []excRecord) {
		return func(t *testing.T) (machineDigest, []excRecord) {
			img, err := kernelsim.Parse(kernelsim.KernelELF)
			require.NoError(t, err)
			cfg, err := img.Config()
			require.NoError(t, err)
			cfg.Scenario, cfg.StallTimeoutMS = scenario, 0
			elf, err := img.PatchedELF(cfg)
			require.NoError(t, err)
			m, err := New(Config{CPUs: 2})
			require.NoError(t, err)
			loadELF(t, m, elf)
			m.runRounds([]Action{ActionContinue, ActionContinue}, rounds)
			return digest(m), nil
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T) (machineDigest, []excRecord)
		exc  bool // exceptions expected
	}{
		{"bp_test, breakpoint enabled", guest(map[int]uint64{0: bcrEL1EL0, 1: 0, 2: mdscrMDEKDE, 3: 0, 7: 0, 28: 0}), true},
		{"bp_test, PSTATE.D set", guest(map[int]uint64{0: bcrEL1EL0, 1: 0, 2: mdscrMDEKDE, 3: 1, 7: 0, 28: 0}), false},
		{"bp_test, EL0-only breakpoint", guest(map[int]uint64{0: bcrEL0Only, 1: 0, 2: mdscrMDEKDE, 3: 0, 7: 0, 28: 0}), false},
		{"kernel perf-livelock", kernel(kernelsim.ScenarioPerfLivelock, 2000), true},
		{"kernel csync-window", kernel(kernelsim.ScenarioCsyncWindow, 2000), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var slowD, fastD machineDigest
			var slowR, fastR []excRecord
			withBreakSlots(t, false, func() { slowD, slowR = tc.run(t) })
			withBreakSlots(t, true, func() { fastD, fastR = tc.run(t) })
			require.Equal(t, slowD, fastD)
			require.Equal(t, slowR, fastR)
			var exc uint64
			for _, e := range fastD.Exceptions {
				exc += e
			}
			require.Equal(t, tc.exc, exc > 0, "exceptions %v", fastD.Exceptions)
		})
	}
}
