package target

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// ResumeLimit stops a CPU that would run forever once it has executed the instructions allowed, and the next
// Resume goes on from where it stopped.
func TestResumeLimit(t *testing.T) {
	m, c := newTestMachine(t, 0x91000400, 0x17ffffff) // add x0, x0, #1; b .-4
	for _, limit := range []uint64{1, 100, 5000} {
		before := c.Executed()
		st := m.ResumeLimit([]Action{ActionContinue}, limit)
		require.Equal(t, StopLimit, st.Kind)
		ran := c.Executed() - before
		require.GreaterOrEqual(t, ran, limit)
		require.Less(t, ran, limit+uint64(m.cfg.Quantum)+1, "at most one round more")
	}
	m.Interrupt()
	require.Equal(t, StopInterrupt, m.ResumeLimit([]Action{ActionContinue}, 0).Kind, "0 is no limit; an interrupt still stops it")
	require.Equal(t, "limit", StopLimit.String())
}

// SetExternalCPU takes a CPU out of the external banks' matching and puts it back; software breakpoints stay.
func TestSetExternalCPU(t *testing.T) {
	m, c := newTestMachine(t, 0xf9000020, 0xd503201f, 0xd503201f) // str x0, [x1]; nop; nop
	c.X[1] = RAMBase + 0x2000
	m.SetExternalWatchpoint(0, RAMBase+0x2000, 8, WatchWrite, true)
	m.SetExternalCPU(0, false)
	require.Equal(t, StopStepped, step(t, m).Kind, "the store is not matched on CPU 0")
	m.SetExternalBreakpoint(0, testCode+4, true)
	m.SetSoftwareBreakpoint(testCode+8, true)
	st := m.Resume([]Action{ActionContinue})
	require.Equal(t, StopBreakpoint, st.Kind)
	require.Equal(t, uint64(testCode+8), st.Addr, "the external breakpoint was passed, the software one is not")
	m.SetExternalCPU(0, true)
	m.SetExternalCPU(7, true) // no such CPU: ignored
	c.PC = testCode
	st = m.Resume([]Action{ActionContinue})
	require.Equal(t, StopWatchpoint, st.Kind, "matched again")
}
