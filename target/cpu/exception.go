package cpu

// Exception classes (ESR_ELx.EC).
const (
	ECUnknown     = 0x00
	ECFPAccess    = 0x07 // FP/SIMD use trapped by CPACR_EL1.FPEN
	ECIllegal     = 0x0e
	ECSVC         = 0x15
	ECHVC         = 0x16
	ECInsnAbortLo = 0x20
	ECInsnAbort   = 0x21
	ECPCAlign     = 0x22
	ECDataAbortLo = 0x24
	ECDataAbort   = 0x25
	ECSPAlign     = 0x26
	ECBRK         = 0x3c
)

// Fault status codes (ESR_ELx.ISS.DFSC/IFSC).
const (
	FSCExternal  = 0x10
	FSCAlignment = 0x21
)

// Kind is the type of an exception; it selects the vector entry (0x80 apart).
type Kind uint8

const (
	Sync Kind = iota
	IRQ
	FIQ
	SError
)

// VectorOffset is the offset from VBAR_EL1 of the vector that an exception of
// kind k taken to EL1 from the current state uses: current EL with SP_EL0,
// current EL with SP_EL1, or a lower EL (AArch64).
func (s *State) VectorOffset(k Kind) uint64 {
	off := uint64(0x200)
	switch {
	case s.EL == 0:
		off = 0x400
	case s.SPSel == 0:
		off = 0
	}
	return off + uint64(k)*0x80
}

// Deliverable returns the pending asynchronous exception that PSTATE.DAIF
// lets in now, or false. FIQ goes first when both are (the architecture
// leaves the order to the implementation).
func (s *State) Deliverable() (Kind, bool) {
	switch {
	case s.Pending&PendFIQ != 0 && s.DAIF&DAIFF == 0:
		return FIQ, true
	case s.Pending&PendIRQ != 0 && s.DAIF&DAIFI == 0:
		return IRQ, true
	}
	return 0, false
}

// Enter takes an exception of kind k to EL1h: SPSR_EL1 = spsr (the caller
// computes it, PSTATE.SS being the step state machine's), ELR_EL1 = ret,
// ESR_EL1 = esr for synchronous exceptions, FAR_EL1 = far if setFar; DAIF
// masked, SS and IL clear, PC at the vector (plus vecOff), exclusive monitor
// cleared.
func (s *State) Enter(k Kind, spsr, ret, esr, far uint64, setFar bool, vecOff uint64) {
	off := s.VectorOffset(k)
	s.SR[IdxSPSR] = spsr
	s.SR[IdxELR] = ret
	if k == Sync {
		s.SR[IdxESR] = esr
	}
	if setFar {
		s.SR[IdxFAR] = far
	}
	s.SetMode(1, 1)
	s.DAIF = DAIFMaskAll
	s.SS, s.IL = false, false
	s.PC = s.SR[IdxVBAR] + off + vecOff
	s.Excl.Valid = false
}

// SyndromeESR is ESR_EL1 for a synchronous exception of class ec with iss
// (IL set: every A64 instruction is 32 bits).
func SyndromeESR(ec, iss uint32) uint64 {
	return uint64(ec)<<26 | 1<<25 | uint64(iss&0x1ffffff)
}

// ReturnTarget is what an ERET from EL1 with SPSR_EL1 would restore: the EL
// and SP it names and whether the return is illegal (AArch32, EL2/EL3, EL0
// with SP_EL1).
func (s *State) ReturnTarget() (el, sp uint8, illegal bool) {
	spsr := s.SR[IdxSPSR]
	el, sp = uint8(spsr>>2&3), uint8(spsr&1)
	illegal = spsr&0x10 != 0 || el > 1 || spsr&2 != 0 || (el == 0 && sp == 1)
	return el, sp, illegal
}

// Return performs an exception return from EL1: PSTATE from SPSR_EL1 (with
// PSTATE.SS = ss, computed by the caller), PC = ELR_EL1, exclusive monitor
// cleared. An illegal return sets PSTATE.IL and keeps EL and SP.
func (s *State) Return(ss bool) {
	spsr := s.SR[IdxSPSR]
	el, sp, illegal := s.ReturnTarget()
	s.NZCV = spsr & 0xf0000000
	s.DAIF = spsr & DAIFMaskAll
	s.SS = ss
	s.IL = false
	if illegal {
		s.IL = true
	} else {
		s.SetMode(el, sp)
	}
	s.PC = s.SR[IdxELR]
	s.Excl.Valid = false
}
