package target

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Breakpoints inserted and removed between stops while two CPUs run the
// same code page: every stop is at an armed breakpoint, and no instruction
// is lost or repeated (each CPU's counter reaches its iteration count).
func TestBreakpointsOnSharedCodePage(t *testing.T) {
	cases := []struct {
		name string
		set  func(m *Machine, addr uint64, on bool)
	}{
		{"external", func(m *Machine, addr uint64, on bool) { m.SetExternalBreakpoint(1, addr, on) }},
		{"software", func(m *Machine, addr uint64, on bool) { m.SetSoftwareBreakpoint(addr, on) }},
	}
	const iters = 50
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := loopMachine(t, 2, iters)
			loop := m.CPU(0).PC
			m.CPU(1).PC = loop // both CPUs run CPU 0's page, each on its own data
			for _, off := range []uint64{8, 16, 0, 20} {
				tc.set(m, loop+off, true)
				s := runAll(m)
				require.Equal(t, StopBreakpoint, s.Kind, "offset %d", off)
				require.Equal(t, loop+off, s.Addr)
				require.Equal(t, loop+off, m.CPU(s.CPU).PC)
				tc.set(m, loop+off, false)
			}
			m.SetSoftwareBreakpoint(loop+24, true) // after the loop
			for range 2 {
				s := runAll(m)
				require.Equal(t, Stop{Kind: StopBreakpoint, CPU: s.CPU, Addr: loop + 24}, s)
				m.SetExternalCPU(s.CPU, false)
				m.CPU(s.CPU).on = false // parked: let the other finish
			}
			for i := 0; i < 2; i++ {
				c := m.CPU(i)
				require.Zero(t, c.X[0], "cpu %d", i)
				b := make([]byte, 8)
				require.NoError(t, m.ReadMemory(c.X[1], b))
				require.Equal(t, byte(iters), b[0], "cpu %d's counter", i)
			}
		})
	}
}

// A breakpoint of the external bank on a CPU it does not match is stepped
// over, never stopped at.
func TestExternalBreakpointOffThisCPU(t *testing.T) {
	const iters = 40
	m := loopMachine(t, 1, iters)
	c := m.CPU(0)
	loop := c.PC
	m.SetExternalCPU(0, false)
	m.SetExternalBreakpoint(0, loop+8, true)
	m.SetSoftwareBreakpoint(loop+24, true)
	require.Equal(t, Stop{Kind: StopBreakpoint, CPU: 0, Addr: loop + 24}, runAll(m))
	b := make([]byte, 8)
	require.NoError(t, m.ReadMemory(c.X[1], b))
	require.Equal(t, byte(iters), b[0])
}
