package cpu

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"

// Context is the architectural context an interrupted core must get back
// exactly: X0–X30, both stack pointers, PC, PSTATE (NZCV, DAIF, EL, SPSel,
// SS, IL), ELR/SPSR/ESR/FAR_EL1, the exclusive monitor and the FP/SIMD
// registers (V0–V31, FPCR, FPSR). Other system
// registers are not in it: what code run in between changes there stays
// changed (a debugger's cross-call into the kernel, for instance).
type Context struct {
	x                   [31]uint64
	spBank              [2]uint64
	pc, nzcv, daif      uint64
	el, spsel           uint8
	ss, il              bool
	elr, spsr, esr, far uint64
	excl                Monitor
	fp                  simd.State
}

// Save returns the state's Context.
func (s *State) Save() Context {
	c := Context{pc: s.PC, nzcv: s.NZCV, daif: s.DAIF, el: s.EL, spsel: s.SPSel, ss: s.SS, il: s.IL, excl: s.Excl, fp: s.FP}
	copy(c.x[:], s.X[:31])
	c.spBank = s.SPBank
	c.spBank[s.SPIndex()] = s.X[SlotSP]
	c.elr, c.spsr, c.esr, c.far = s.SR[IdxELR], s.SR[IdxSPSR], s.SR[IdxESR], s.SR[IdxFAR]
	return c
}

// Restore puts c back.
func (s *State) Restore(c *Context) {
	copy(s.X[:31], c.x[:])
	s.SPBank = c.spBank
	s.EL, s.SPSel = c.el, c.spsel
	s.X[SlotSP] = s.SPBank[s.SPIndex()]
	s.PC, s.NZCV, s.DAIF = c.pc, c.nzcv, c.daif
	s.SS, s.IL = c.ss, c.il
	s.SR[IdxELR], s.SR[IdxSPSR], s.SR[IdxESR], s.SR[IdxFAR] = c.elr, c.spsr, c.esr, c.far
	s.Excl = c.excl
	s.FP = c.fp
}
