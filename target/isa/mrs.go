package isa

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"

// How inner may execute an MRS (Inst.Cond of OpMRS; amt is the cpu.Table
// index). Anything else goes to readSys.
const (
	MRSGeneral  uint8 = iota
	MRSPlainEL1       // storage register, EL0 access UNDEFINED: c.SR[amt] at EL1
	MRSPlain          // storage register EL0 may read too: c.SR[amt]
	MRSCounter        // CNTVCT_EL0/CNTPCT_EL0: counter()
	MRSSPEL0          // SP_EL0 (Linux's current task): SPBank[0] at EL1 with SPSel = 1
)

// mrsInst decodes MRS rd, key, choosing what readSys would do where that
// does not depend on state other than the EL.
func mrsInst(rd uint8, key uint32) Inst {
	in := Inst{Op: OpMRS, Rd: rd, Imm: uint64(key)}
	if cpu.DebugOwned(key) {
		return in // the debug registers' own paths
	}
	i, found := cpu.Index(key)
	if !found || i >= len(cpu.State{}.SR) {
		return in
	}
	d := &cpu.Table[i]
	switch {
	case d.Kind == cpu.Plain && d.EL0 == cpu.EL0None:
		in.Cond, in.Amt = MRSPlainEL1, uint8(i)
	case d.Kind == cpu.Plain:
		in.Cond, in.Amt = MRSPlain, uint8(i)
	case key == cpu.KeyCNTVCT || key == cpu.KeyCNTPCT:
		in.Cond = MRSCounter
	case key == cpu.KeySPEL0:
		in.Cond = MRSSPEL0
	}
	return in
}

// How inner may execute an MSR (Inst.Cond of OpMSR; amt is the cpu.Table
// index). Anything else goes to writeSys.
const (
	MSRGeneral  uint8 = iota
	MSRPlainEL1       // ELR_EL1, SPSR_EL1, TPIDR_EL1: storage with no effect, EL0 access UNDEFINED
	MSRSPEL0          // SP_EL0: SPBank[0] at EL1 with SPSel = 1
	MSRDAIF           // DAIF at EL1 (EL0's depends on SCTLR_EL1.UMA)
)

// msrInst decodes MSR key, rt for the registers a kernel writes on every
// exception return and context switch.
func msrInst(rt uint8, key uint32) Inst {
	in := Inst{Op: OpMSR, Rn: rt, Imm: uint64(key)}
	switch key {
	case cpu.KeyELR, cpu.KeySPSR, cpu.KeyTPIDREL1:
		i, _ := cpu.Index(key)
		in.Cond, in.Amt = MSRPlainEL1, uint8(i)
	case cpu.KeySPEL0:
		in.Cond = MSRSPEL0
	case cpu.KeyDAIF:
		in.Cond = MSRDAIF
	}
	return in
}
