package target

import "fmt"

// Call is a function call a debugger makes on one CPU (the kernel route's cross-call): PC = Fn,
// x0..x7 = Args, x30 = Return; the call is over when that CPU makes HVC #0 with x0 == DoneHVC.
type Call struct {
	Fn, Return, DoneHVC uint64
	Args                [8]uint64
}

// callContext is everything a cross-call must give back.
type callContext struct {
	doneHVC                uint64
	x                      [31]uint64
	spBank                 [2]uint64
	pc, nzcv, daif         uint64
	el, spsel              uint8
	ss, il                 bool
	elr, spsr, esr, far    uint64
	exclValid              bool
	exclAddr, exclSize     uint64
	exclVal, exclVal2      uint64
	haltOn                 bool
	haltAt                 uint64
	waiting, eventRegister bool
}

// callStackGap is how far below the interrupted SP_EL1 (rounded down to 16) a cross-call's stack starts.
const callStackGap = 256

// BeginCall saves CPU cpu's whole context (x0-x30, SP_EL0, SP_EL1, PC, PSTATE with SS/D/DAIF,
// ELR/SPSR/ESR/FAR_EL1, the exclusive monitor) and sets it up to run c.Fn: x0..x7 = c.Args,
// x30 = c.Return, SP_EL1 = the old SP_EL1 rounded down to 16 minus 256, EL1h, I/A/F masked, D and SS
// clear. Resume that CPU to run it; when it makes HVC #0 with x0 == c.DoneHVC the context is restored
// exactly and Resume returns Stop{Kind: StopCallDone, CPU, Addr: x1}. Valid while the machine is halted.
func (m *Machine) BeginCall(cpu int, c Call) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cpu < 0 || cpu >= len(m.cpus) {
		return fmt.Errorf("target: cross-call on CPU %d: no such CPU", cpu)
	}
	p := m.cpus[cpu]
	switch {
	case !p.on:
		return fmt.Errorf("target: cross-call on CPU %d: powered off", cpu)
	case p.dw.call != nil:
		return fmt.Errorf("target: cross-call on CPU %d: already in a call", cpu)
	}
	p.saveCall(c.DoneHVC)
	p.spBank[p.spIndex()] = p.x[regSP]
	sp := p.spBank[1]&^15 - callStackGap
	p.setMode(1, 1)
	p.x[regSP] = sp
	copy(p.x[:8], c.Args[:])
	p.x[30] = c.Return
	p.pc = c.Fn
	p.daif = 0x1c0 // A, I, F masked; D clear so debug exceptions inside the call are taken
	p.ss, p.il = false, false
	p.waiting = false
	p.dw.haltOn = false
	return nil
}

// InCall reports whether CPU cpu is running a cross-call.
func (m *Machine) InCall(cpu int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return cpu >= 0 && cpu < len(m.cpus) && m.cpus[cpu].dw.call != nil
}

// AbortCall gives up CPU cpu's cross-call (e.g. one that livelocked) and restores the saved context.
func (m *Machine) AbortCall(cpu int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cpu < 0 || cpu >= len(m.cpus) || m.cpus[cpu].dw.call == nil {
		return fmt.Errorf("target: CPU %d is not in a cross-call", cpu)
	}
	m.cpus[cpu].restoreCall()
	return nil
}

func (c *CPU) saveCall(doneHVC uint64) {
	s := &callContext{doneHVC: doneHVC}
	copy(s.x[:], c.x[:31])
	s.spBank = c.spBank
	s.spBank[c.spIndex()] = c.x[regSP]
	s.pc, s.nzcv, s.daif = c.pc, c.nzcv, c.daif
	s.el, s.spsel, s.ss, s.il = c.el, c.spsel, c.ss, c.il
	s.elr, s.spsr, s.esr, s.far = c.sr[idxELR], c.sr[idxSPSR], c.sr[idxESR], c.sr[idxFAR]
	s.exclValid, s.exclAddr, s.exclSize, s.exclVal, s.exclVal2 = c.exclValid, c.exclAddr, c.exclSize, c.exclVal, c.exclVal2
	s.haltOn, s.haltAt = c.dw.haltOn, c.dw.haltAt
	s.waiting, s.eventRegister = c.waiting, c.eventReg
	c.dw.call = s
}

func (c *CPU) restoreCall() {
	s := c.dw.call
	c.dw.call = nil
	copy(c.x[:31], s.x[:])
	c.spBank = s.spBank
	c.el, c.spsel = s.el, s.spsel
	c.x[regSP] = c.spBank[c.spIndex()]
	c.pc, c.nzcv, c.daif = s.pc, s.nzcv, s.daif
	c.ss, c.il = s.ss, s.il
	c.sr[idxELR], c.sr[idxSPSR], c.sr[idxESR], c.sr[idxFAR] = s.elr, s.spsr, s.esr, s.far
	c.exclValid, c.exclAddr, c.exclSize, c.exclVal, c.exclVal2 = s.exclValid, s.exclAddr, s.exclSize, s.exclVal, s.exclVal2
	c.dw.haltOn, c.dw.haltAt = s.haltOn, s.haltAt
	c.waiting, c.eventReg = s.waiting, s.eventRegister
}
