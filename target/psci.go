package target

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/psci"

// psci handles an HVC from EL1; c.PC already points after the HVC. HVCs the
// debugger registered (SetHypercall) and the machine's own hypercalls
// (hypercall.go) come first; the rest is PSCI (package psci), whose effects
// the machine carries out as psci.Host.
func (c *CPU) psci() int {
	m := c.m
	fn := c.X[0]
	if m.hypercalls[fn] {
		c.setStop(Stop{Kind: StopHypercall, CPU: c.index, Addr: fn})
		return slowEndSlice
	}
	if outcome, ok := c.hypercall(fn); ok {
		return outcome
	}
	r := psci.Call((*psciHost)(m), c.index, fn, [3]uint64{c.X[1], c.X[2], c.X[3]})
	if r.SetX0 {
		c.X[0] = r.X0
	}
	if r.EndSlice {
		return slowEndSlice
	}
	return slowNext
}

// psciHost is the machine as psci.Host (a distinct type, so these methods
// are not part of Machine's API: they run inside Resume, machine locked).
type psciHost Machine

var _ psci.Host = (*psciHost)(nil)

// CPUByAffinity finds the CPU whose affinity (MPIDR without bit 31) is mpidr.
func (m *psciHost) CPUByAffinity(mpidr uint64) (int, bool) {
	for _, c := range m.cpus {
		if (*Machine)(m).affinity(c.index) == mpidr {
			return c.index, true
		}
	}
	return 0, false
}

// PoweredOn reports whether CPU i is on.
func (m *psciHost) PoweredOn(i int) bool { return m.cpus[i].on }

// PowerOn resets CPU i to entry with x0 = ctx and turns it on.
func (m *psciHost) PowerOn(i int, entry, ctx uint64) {
	t := m.cpus[i]
	t.reset(entry)
	t.X[0] = ctx
	t.on = true
}

// PowerOff turns CPU i off.
func (m *psciHost) PowerOff(i int) { m.cpus[i].on = false }

// Wait makes CPU i end its turn waiting, as WFI does.
func (m *psciHost) Wait(i int) { m.cpus[i].wfi() }

// SystemOff powers the machine off; CPU i reports it.
func (m *psciHost) SystemOff(i int) {
	m.off, m.offText = true, "PSCI SYSTEM_OFF"
	m.cpus[i].setStop(Stop{Kind: StopPowerOff, CPU: i, Text: "PSCI SYSTEM_OFF"})
}

// SystemReset asks for a reset at the end of the turn (round).
func (m *psciHost) SystemReset(int) { m.resetRequested = true }

// SetHypercall makes an HVC from EL1 with x0 == fn stop the machine with
// Stop{Kind: StopHypercall, CPU, Addr: fn} instead of being answered here.
// The HVC has completed (PC after it; x0..x3 hold the call); whoever handles
// it sets x0 (the answer) with SetReg before resuming. Unregistered function
// ids keep PSCI's behaviour (NOT_SUPPORTED for unknown ones).
func (m *Machine) SetHypercall(fn uint64, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if on {
		m.hypercalls[fn] = true
	} else {
		delete(m.hypercalls, fn)
	}
}
