package target

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// withGDBBreakCopy runs f with the trapped copy of breakpoint pages on or off.
func withGDBBreakCopy(on bool, f func()) {
	saved := gdbBreakCopyOff
	gdbBreakCopyOff = !on
	defer func() { gdbBreakCopyOff = saved }()
	f()
}

// A debugger breakpoint on a word of the hot page that never runs changes nothing: not the results, not
// where slices end.
func TestGDBBreakpointNeverHitChangesNothing(t *testing.T) {
	run := func(arm bool) machineDigest {
		m := loopMachine(t, 2, 5000)
		if arm {
			c := m.CPU(0)
			m.SetSoftwareBreakpoint(c.PC+40, true)    // after the loop's branch: never reached while it runs
			m.SetExternalBreakpoint(2, c.PC+44, true) // the external bank too
		}
		m.runRounds([]Action{ActionContinue, ActionContinue}, 20)
		return digest(m)
	}
	require.Equal(t, run(false), run(true))
}

// A breakpoint that hits stops each CPU at the same place, with the same registers and counts, whether its
// page runs as a trapped copy or one instruction at a time; stepping over it and inserting or removing
// breakpoints while another CPU runs the page behave the same.
func TestGDBBreakpointCopyMatchesStepping(t *testing.T) {
	type stopAt struct {
		Stop     Stop
		Executed []uint64
		X3       []uint64
	}
	run := func() []stopAt {
		m := loopMachine(t, 2, 200)
		loop := m.CPU(0).PC
		var stops []stopAt
		record := func(s Stop) {
			e := stopAt{Stop: s}
			for _, c := range m.cpus {
				e.Executed = append(e.Executed, c.executed)
				e.X3 = append(e.X3, c.X[3])
			}
			stops = append(stops, e)
		}
		m.SetSoftwareBreakpoint(loop+8, true)
		for i := 0; i < 30; i++ {
			s := m.Resume([]Action{ActionContinue, ActionContinue})
			record(s)
			switch i {
			case 10:
				m.SetExternalBreakpoint(1, loop+16, true) // inserted with both CPUs inside the page
			case 20:
				m.SetSoftwareBreakpoint(loop+8, false) // removed likewise
			}
			if s.Kind != StopBreakpoint {
				break
			}
		}
		return stops
	}
	var copied, stepped []stopAt
	withGDBBreakCopy(true, func() { copied = run() })
	withGDBBreakCopy(false, func() { stepped = run() })
	require.Len(t, copied, 30)
	require.Equal(t, StopBreakpoint, copied[0].Stop.Kind)
	require.Equal(t, stepped, copied)
}

// The loop with a gdb breakpoint armed on its page but not hit: the trapped copy runs it at full speed.
func BenchmarkLoopGDBBreakSamePage(b *testing.B) {
	benchmarkLoopWith(b, 1, func(m *Machine) { m.SetSoftwareBreakpoint(RAMBase+0x1000+0x800, true) })
}

// The same, one instruction at a time (what the page cost before the trapped copy).
func BenchmarkLoopGDBBreakSamePageStepped(b *testing.B) {
	withGDBBreakCopy(false, func() { BenchmarkLoopGDBBreakSamePage(b) })
}
