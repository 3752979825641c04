package target

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// Call is a function call a debugger makes on one CPU (the kernel route's cross-call): PC = Fn,
// x0..x7 = Args, x30 = Return; the call is over when that CPU makes HVC #0 with x0 == DoneHVC.
type Call struct {
	Fn, Return, DoneHVC uint64
	Args                [8]uint64
}

// callContext is everything a cross-call must give back: the core's architectural context and what the
// machine keeps per CPU around it.
type callContext struct {
	doneHVC                uint64
	arch                   cpu.Context
	haltOn                 bool
	haltAt                 uint64
	waiting, eventRegister bool
}

// callStackGap is how far below the interrupted SP_EL1 (rounded down to 16) a cross-call's stack starts.
const callStackGap = 256

// BeginCall saves CPU id's whole context (x0-x30, SP_EL0, SP_EL1, PC, PSTATE with SS/D/DAIF,
// ELR/SPSR/ESR/FAR_EL1, the exclusive monitor) and sets it up to run c.Fn: x0..x7 = c.Args,
// x30 = c.Return, SP_EL1 = the old SP_EL1 rounded down to 16 minus 256, EL1h, I/A/F masked, D and SS
// clear. Resume that CPU to run it; when it makes HVC #0 with x0 == c.DoneHVC the context is restored
// exactly and Resume returns Stop{Kind: StopCallDone, CPU, Addr: x1}. Valid while the machine is halted.
func (m *Machine) BeginCall(id int, c Call) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 0 || id >= len(m.cpus) {
		return fmt.Errorf("target: cross-call on CPU %d: no such CPU", id)
	}
	p := m.cpus[id]
	switch {
	case !p.on:
		return fmt.Errorf("target: cross-call on CPU %d: powered off", id)
	case p.dw.call != nil:
		return fmt.Errorf("target: cross-call on CPU %d: already in a call", id)
	}
	p.saveCall(c.DoneHVC)
	p.SPBank[p.SPIndex()] = p.X[cpu.SlotSP]
	sp := p.SPBank[1]&^15 - callStackGap
	p.SetMode(1, 1)
	p.X[cpu.SlotSP] = sp
	copy(p.X[:8], c.Args[:])
	p.X[30] = c.Return
	p.PC = c.Fn
	p.DAIF = 0x1c0 // A, I, F masked; D clear so debug exceptions inside the call are taken
	p.SS, p.IL = false, false
	p.waiting = false
	p.dw.haltOn = false
	return nil
}

// InCall reports whether CPU id is running a cross-call.
func (m *Machine) InCall(id int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return id >= 0 && id < len(m.cpus) && m.cpus[id].dw.call != nil
}

// AbortCall gives up CPU id's cross-call (e.g. one that livelocked) and restores the saved context.
func (m *Machine) AbortCall(id int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id < 0 || id >= len(m.cpus) || m.cpus[id].dw.call == nil {
		return fmt.Errorf("target: CPU %d is not in a cross-call", id)
	}
	m.cpus[id].restoreCall()
	return nil
}

func (c *CPU) saveCall(doneHVC uint64) {
	c.dw.call = &callContext{doneHVC: doneHVC, arch: c.Save(), haltOn: c.dw.haltOn, haltAt: c.dw.haltAt,
		waiting: c.waiting, eventRegister: c.eventReg}
}

func (c *CPU) restoreCall() {
	s := c.dw.call
	c.dw.call = nil
	c.Restore(&s.arch)
	c.dw.haltOn, c.dw.haltAt = s.haltOn, s.haltAt
	c.waiting, c.eventReg = s.waiting, s.eventRegister
}
