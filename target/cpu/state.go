package cpu

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"

// Register slots of State.X (see doc.go).
const (
	SlotZR   = 31 // reads as zero, never written
	SlotSP   = 32 // the current stack pointer
	SlotSink = 33 // destination XZR: writes land here and are ignored
)

// PSTATE bits of the SPSR view that are not in NZCV, DAIF or M.
const (
	PStateSS = 1 << 21
	PStateIL = 1 << 20
)

// DAIF masks (PSTATE.DAIF in bits 9:6).
const (
	DAIFMaskAll = 0x3c0
	DAIFD       = 0x200
	DAIFI       = 0x080
	DAIFF       = 0x040
)

// Pending asynchronous exceptions (State.Pending).
const (
	PendIRQ uint32 = 1 << iota
	PendFIQ
)

// Monitor is the local exclusive monitor: what the last load-exclusive saw.
type Monitor struct {
	Valid      bool
	Addr, Size uint64
	Val, Val2  uint64
}

// State is one core's architectural state (EL0/EL1, AArch64).
type State struct {
	X  [256]uint64 // X[0..30], X[31]=zero, X[32]=current SP, X[33]=sink; rest unused
	PC uint64

	NZCV  uint64 // PSTATE.{N,Z,C,V} in bits 31:28
	DAIF  uint64 // PSTATE.{D,A,I,F} in bits 9:6
	EL    uint8  // 0 or 1
	SPSel uint8  // PSTATE.SP
	SS    bool   // PSTATE.SS
	IL    bool   // PSTATE.IL

	// FP holds V0–V31, FPCR and FPSR, the register file target/simd
	// executes on; its NZCV is scratch (PSTATE.NZCV is NZCV above).
	FP simd.State

	SPBank [2]uint64 // SP_EL0, SP_EL1 (the active one lives in X[SlotSP])
	SR     [128]uint64
	Excl   Monitor

	// Pending holds the asynchronous exceptions asserted to this core
	// (PendIRQ, PendFIQ); interrupt sources set it, the run loop tests it
	// between page runs and takes what Deliverable allows.
	Pending uint32
}

// PSTATE returns the SPSR/CPSR view of PSTATE.
func (s *State) PSTATE() uint64 {
	v := s.NZCV | s.DAIF | uint64(s.EL)<<2 | uint64(s.SPSel)
	if s.SS {
		v |= PStateSS
	}
	if s.IL {
		v |= PStateIL
	}
	return v
}

// SetPSTATE writes the CPSR view: NZCV, DAIF, SS, IL, and EL/SPSel when M[4]
// is clear and EL <= 1 (AArch32 modes and EL2/EL3 are ignored).
func (s *State) SetPSTATE(v uint64) {
	s.NZCV = v & 0xf0000000
	s.DAIF = v & DAIFMaskAll
	s.SS = v&PStateSS != 0
	s.IL = v&PStateIL != 0
	if el := uint8(v >> 2 & 3); v&0x10 == 0 && el <= 1 {
		s.SetMode(el, uint8(v&1))
	}
}

// SPIndex is the SPBank entry of the current stack pointer.
func (s *State) SPIndex() int {
	if s.EL == 1 && s.SPSel == 1 {
		return 1
	}
	return 0
}

// SetMode changes EL and SPSel, banking the stack pointer.
func (s *State) SetMode(el, spsel uint8) {
	s.SPBank[s.SPIndex()] = s.X[SlotSP]
	s.EL, s.SPSel = el&1, spsel&1
	s.X[SlotSP] = s.SPBank[s.SPIndex()]
}

// Reset puts the state in its architectural reset state at entry: EL1h,
// DAIF masked, the system registers at their reset values and, as QEMU
// resets, Z set (CPSR reads 0x400003c5). Everything else is zero.
func (s *State) Reset(entry uint64) {
	*s = State{}
	for i, d := range Table {
		if d.Kind == Plain {
			s.SR[i] = d.Reset
		}
	}
	s.EL, s.SPSel = 1, 1
	s.DAIF = DAIFMaskAll
	s.NZCV = 0x40000000
	s.PC = entry
}
