package cpu

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"

// System registers as MRS/MSR see them. Values of the identification
// registers are those QEMU 7.2 shows for `-M virt -cpu cortex-a57` without
// EL2/EL3 (read on that QEMU with a probe guest; see target/probe_test.go).

// SysKey packs an MRS/MSR register encoding (op0, op1, CRn, CRm, op2) into
// the 16-bit key used everywhere (bits 15:14 op0, 13:11 op1, 10:7 CRn,
// 6:3 CRm, 2:0 op2).
func SysKey(op0, op1, crn, crm, op2 uint32) uint32 {
	return (op0&3)<<14 | (op1&7)<<11 | (crn&15)<<7 | (crm&15)<<3 | op2&7
}

// RegKind says who answers a register (see doc.go).
type RegKind uint8

const (
	Plain   RegKind = iota // storage in State.SR; reset value; write mask
	Const                  // read-only constant (debugger writes are ignored)
	Special                // a view of other State (PSTATE fields, SP_EL0, CCSIDR by CSSELR)
	Machine                // answered by the machine: the CPU's identity, the counter and timer, devices
)

// Desc describes one implemented register.
type Desc struct {
	Name  string
	Key   uint32
	Kind  RegKind
	Reset uint64
	WMask uint64 // writable bits for Plain (0 = all)
	EL0   uint8  // EL0 access: EL0None, EL0Read or EL0RW
}

// EL0 access to a register (Desc.EL0).
const (
	EL0None uint8 = iota
	EL0Read
	EL0RW
)

// Keys of the registers the core, the machine or the decoder treat specially.
var (
	KeyMPIDR      = SysKey(3, 0, 0, 0, 5)
	KeyCCSIDR     = SysKey(3, 1, 0, 0, 0)
	KeyCSSELR     = SysKey(3, 2, 0, 0, 0)
	KeySCTLR      = SysKey(3, 0, 1, 0, 0)
	KeySPSR       = SysKey(3, 0, 4, 0, 0)
	KeyELR        = SysKey(3, 0, 4, 0, 1)
	KeySPEL0      = SysKey(3, 0, 4, 1, 0)
	KeySPSel      = SysKey(3, 0, 4, 2, 0)
	KeyCurrentEL  = SysKey(3, 0, 4, 2, 2)
	KeyDAIF       = SysKey(3, 3, 4, 2, 1)
	KeyNZCV       = SysKey(3, 3, 4, 2, 0)
	KeyESR        = SysKey(3, 0, 5, 2, 0)
	KeyFAR        = SysKey(3, 0, 6, 0, 0)
	KeyVBAR       = SysKey(3, 0, 12, 0, 0)
	KeyCNTPCT     = SysKey(3, 3, 14, 0, 1)
	KeyCNTVCT     = SysKey(3, 3, 14, 0, 2)
	KeyCNTPTVAL   = SysKey(3, 3, 14, 2, 0)
	KeyCNTPCVAL   = SysKey(3, 3, 14, 2, 2)
	KeyCNTVTVAL   = SysKey(3, 3, 14, 3, 0)
	KeyCNTVCVAL   = SysKey(3, 3, 14, 3, 2)
	KeyCNTPCTL    = SysKey(3, 3, 14, 2, 1)
	KeyCNTVCTL    = SysKey(3, 3, 14, 3, 1)
	KeyISR        = SysKey(3, 0, 12, 1, 0)
	KeyIDAA64PFR0 = SysKey(3, 0, 0, 4, 0)
	KeyCTR        = SysKey(3, 3, 0, 0, 1)
	KeyTPIDRRO    = SysKey(3, 3, 13, 0, 3)
	KeyTPIDREL1   = SysKey(3, 0, 13, 0, 4)
	KeySPEL1      = SysKey(3, 4, 4, 1, 0) // EL2-only view: UNDEFINED from EL1
	KeyIDAA64DFR0 = SysKey(3, 0, 0, 5, 0)
	KeyIDAA64DFR1 = SysKey(3, 0, 0, 5, 1)
	KeyCPACR      = SysKey(3, 0, 1, 0, 2)
	KeyFPCR       = SysKey(3, 3, 4, 4, 0)
	KeyFPSR       = SysKey(3, 3, 4, 4, 1)
	// The translation registers (target/mmu: SetRegs after any write).
	KeyTTBR0      = SysKey(3, 0, 2, 0, 0)
	KeyTTBR1      = SysKey(3, 0, 2, 0, 1)
	KeyTCR        = SysKey(3, 0, 2, 0, 2)
	KeyMAIR       = SysKey(3, 0, 10, 2, 0)
	KeyPAR        = SysKey(3, 0, 7, 4, 0)
	KeyCONTEXTIDR = SysKey(3, 0, 13, 0, 1)
	sctlrReset    = uint64(0xc50838)
)

// SCTLR_EL1 bits the core consults.
const (
	SCTLRUMA = 1 << 9
	SCTLRDZE = 1 << 14
	SCTLRUCT = 1 << 15
)

// MMFR0 is ID_AA64MMFR0_EL1 as QEMU's cortex-a57 reports it: 40-bit PAs,
// 16-bit ASIDs, 4 and 64 KiB granules (target/mmu.ConfigFromMMFR0).
// ID_AA64MMFR1/2_EL1 read 0 there (no PAN, VHE, HAFDBS, LSM, UAO, ...).
const MMFR0 = 0x1124

// TranslationReg reports whether key is one of the registers that define
// the stage-1 translation (SCTLR, TCR, TTBR0, TTBR1, MAIR_EL1): after a
// write the machine reloads the CPU's MMU context.
func TranslationReg(key uint32) bool {
	return key == KeySCTLR || key == KeyTCR || key == KeyTTBR0 || key == KeyTTBR1 || key == KeyMAIR
}

// DebugOwned reports whether the self-hosted debug model answers key: the
// op0 = 2 space and the AArch64 debug feature registers.
func DebugOwned(key uint32) bool {
	return key>>14 == 2 || key == KeyIDAA64DFR0 || key == KeyIDAA64DFR1
}

var Table = append([]Desc{
	{"MIDR_EL1", SysKey(3, 0, 0, 0, 0), Const, 0x411fd070, 0, 0},
	{"MPIDR_EL1", KeyMPIDR, Machine, 0, 0, 0},
	{"REVIDR_EL1", SysKey(3, 0, 0, 0, 6), Const, 0, 0, 0},
	{"ID_PFR0_EL1", SysKey(3, 0, 0, 1, 0), Const, 0x131, 0, 0},
	{"ID_PFR1_EL1", SysKey(3, 0, 0, 1, 1), Const, 0x10001, 0, 0},
	{"ID_DFR0_EL1", SysKey(3, 0, 0, 1, 2), Const, 0x03010006, 0, 0},
	{"ID_AFR0_EL1", SysKey(3, 0, 0, 1, 3), Const, 0, 0, 0},
	{"ID_MMFR0_EL1", SysKey(3, 0, 0, 1, 4), Const, 0x10101105, 0, 0},
	{"ID_MMFR1_EL1", SysKey(3, 0, 0, 1, 5), Const, 0x40000000, 0, 0},
	{"ID_MMFR2_EL1", SysKey(3, 0, 0, 1, 6), Const, 0x01260000, 0, 0},
	{"ID_MMFR3_EL1", SysKey(3, 0, 0, 1, 7), Const, 0x02102211, 0, 0},
	{"ID_ISAR0_EL1", SysKey(3, 0, 0, 2, 0), Const, 0x02101110, 0, 0},
	{"ID_ISAR1_EL1", SysKey(3, 0, 0, 2, 1), Const, 0x13112111, 0, 0},
	{"ID_ISAR2_EL1", SysKey(3, 0, 0, 2, 2), Const, 0x21232042, 0, 0},
	{"ID_ISAR3_EL1", SysKey(3, 0, 0, 2, 3), Const, 0x01112131, 0, 0},
	{"ID_ISAR4_EL1", SysKey(3, 0, 0, 2, 4), Const, 0x00011142, 0, 0},
	{"ID_ISAR5_EL1", SysKey(3, 0, 0, 2, 5), Const, 0x00011121, 0, 0},
	{"MVFR0_EL1", SysKey(3, 0, 0, 3, 0), Const, 0x10110222, 0, 0},
	{"MVFR1_EL1", SysKey(3, 0, 0, 3, 1), Const, 0x12111111, 0, 0},
	{"MVFR2_EL1", SysKey(3, 0, 0, 3, 2), Const, 0x43, 0, 0},
	{"ID_AA64PFR0_EL1", KeyIDAA64PFR0, Machine, 0, 0, 0}, // GIC field from the machine: IDAA64PFR0 | GIC<<24
	{"ID_AA64DFR0_EL1", SysKey(3, 0, 0, 5, 0), Const, 0x10305106, 0, 0},
	{"ID_AA64ISAR0_EL1", SysKey(3, 0, 0, 6, 0), Const, IDAA64ISAR0, 0, 0},
	{"ID_AA64MMFR0_EL1", SysKey(3, 0, 0, 7, 0), Const, MMFR0, 0, 0},
	{"ID_AA64MMFR1_EL1", SysKey(3, 0, 0, 7, 1), Const, 0, 0, 0},
	{"ID_AA64MMFR2_EL1", SysKey(3, 0, 0, 7, 2), Const, 0, 0, 0},
	{"CCSIDR_EL1", KeyCCSIDR, Special, 0, 0, 0},
	{"CLIDR_EL1", SysKey(3, 1, 0, 0, 1), Const, 0x0a200023, 0, 0},
	{"AIDR_EL1", SysKey(3, 1, 0, 0, 7), Const, 0, 0, 0},
	{"CSSELR_EL1", KeyCSSELR, Plain, 0, 0xf, 0},
	{"CTR_EL0", KeyCTR, Special, 0x8444c004, 0, 0},
	{"DCZID_EL0", SysKey(3, 3, 0, 0, 7), Const, 4, 0, EL0Read},
	{"SCTLR_EL1", KeySCTLR, Plain, sctlrReset, 0, 0},
	{"ACTLR_EL1", SysKey(3, 0, 1, 0, 1), Plain, 0, 0, 0},
	{"CPACR_EL1", KeyCPACR, Plain, 0, 0x300000, 0},
	{"TTBR0_EL1", KeyTTBR0, Plain, 0, 0, 0},
	{"TTBR1_EL1", KeyTTBR1, Plain, 0, 0, 0},
	{"TCR_EL1", KeyTCR, Plain, 0, 0, 0},
	{"SPSR_EL1", KeySPSR, Plain, 0, 0, 0},
	{"ELR_EL1", KeyELR, Plain, 0, 0, 0},
	{"SP_EL0", KeySPEL0, Special, 0, 0, 0},
	{"SPSel", KeySPSel, Special, 0, 0, 0},
	{"CurrentEL", KeyCurrentEL, Special, 0, 0, 0},
	{"DAIF", KeyDAIF, Special, 0, 0, 0},
	{"NZCV", KeyNZCV, Special, 0, 0, EL0RW},
	{"FPCR", KeyFPCR, Special, 0, 0, EL0RW},
	{"FPSR", KeyFPSR, Special, 0, 0, EL0RW},
	{"AFSR0_EL1", SysKey(3, 0, 5, 1, 0), Plain, 0, 0, 0},
	{"AFSR1_EL1", SysKey(3, 0, 5, 1, 1), Plain, 0, 0, 0},
	{"ESR_EL1", KeyESR, Plain, 0, 0xffffffff, 0},
	{"FAR_EL1", KeyFAR, Plain, 0, 0, 0},
	{"PAR_EL1", KeyPAR, Plain, 0, 0, 0},
	{"PMINTENSET_EL1", SysKey(3, 0, 9, 14, 1), Plain, 0, 0, 0},
	{"PMINTENCLR_EL1", SysKey(3, 0, 9, 14, 2), Plain, 0, 0, 0},
	{"MAIR_EL1", KeyMAIR, Plain, 0, 0, 0},
	{"AMAIR_EL1", SysKey(3, 0, 10, 3, 0), Plain, 0, 0, 0},
	{"VBAR_EL1", KeyVBAR, Plain, 0, ^uint64(0x7ff), 0},
	{"ISR_EL1", KeyISR, Machine, 0, 0, 0},
	{"CONTEXTIDR_EL1", KeyCONTEXTIDR, Plain, 0, 0xffffffff, 0},
	{"TPIDR_EL1", KeyTPIDREL1, Plain, 0, 0, 0},
	{"CNTKCTL_EL1", SysKey(3, 0, 14, 1, 0), Plain, 0, 0x3ff, 0},
	{"PMCR_EL0", SysKey(3, 3, 9, 12, 0), Plain, 0x41013000, 0x7f, 0},
	{"PMCNTENSET_EL0", SysKey(3, 3, 9, 12, 1), Plain, 0, 0, 0},
	{"PMCNTENCLR_EL0", SysKey(3, 3, 9, 12, 2), Plain, 0, 0, 0},
	{"PMOVSCLR_EL0", SysKey(3, 3, 9, 12, 3), Plain, 0, 0, 0},
	{"PMSELR_EL0", SysKey(3, 3, 9, 12, 5), Plain, 0, 0x1f, 0},
	{"PMCCNTR_EL0", SysKey(3, 3, 9, 13, 0), Plain, 0, 0, 0},
	{"PMUSERENR_EL0", SysKey(3, 3, 9, 14, 0), Plain, 0, 0xf, 0},
	{"TPIDR_EL0", SysKey(3, 3, 13, 0, 2), Plain, 0, 0, EL0RW},
	{"TPIDRRO_EL0", KeyTPIDRRO, Plain, 0, 0, EL0Read},
	{"CNTFRQ_EL0", SysKey(3, 3, 14, 0, 0), Plain, 62500000, 0xffffffff, EL0Read},
	{"CNTPCT_EL0", KeyCNTPCT, Machine, 0, 0, EL0Read},
	{"CNTVCT_EL0", KeyCNTVCT, Machine, 0, 0, EL0Read},
	{"CNTP_TVAL_EL0", KeyCNTPTVAL, Machine, 0, 0, 0},
	{"CNTP_CTL_EL0", KeyCNTPCTL, Machine, 0, 0, 0},
	{"CNTP_CVAL_EL0", KeyCNTPCVAL, Machine, 0, 0, 0},
	{"CNTV_TVAL_EL0", KeyCNTVTVAL, Machine, 0, 0, 0},
	{"CNTV_CTL_EL0", KeyCNTVCTL, Machine, 0, 0, 0},
	{"CNTV_CVAL_EL0", KeyCNTVCVAL, Machine, 0, 0, 0},
}, iccDescs()...)

// The CPU model's feature registers where they differ from QEMU's cortex-a57
// (docs/interfaces.md): FP and AdvSIMD implemented (0, as QEMU), EL0 and EL1
// AArch64 only, EL2/EL3 absent; ISAR0 advertises CRC32 only (no AES, SHA,
// atomics). The machine adds ID_AA64PFR0_EL1.GIC = 1 with a GICv3.
const (
	IDAA64PFR0  = 0x00000011
	IDAA64ISAR0 = 0x10000
)

// FPCR and FPSR bits that exist on the model (what QEMU's cortex-a57 keeps):
// FPCR AHP, DN, FZ, RMode and the AArch32-only Stride and Len (stored, no
// effect; no FZ16, no trap enables); FPSR N, Z, C, V, QC and the cumulative
// flags IDC, IXC, UFC, OFC, DZC, IOC.
const (
	FPCRMask = 0x07f70000
	FPSRMask = 0xf800009f
)

// FPTrapped reports whether CPACR_EL1.FPEN traps FP/SIMD use at the current
// EL: FPEN 0b00 and 0b10 trap EL0 and EL1, 0b01 traps EL0 only, 0b11 nothing.
func (s *State) FPTrapped() bool {
	switch s.SR[IdxCPACR] >> 20 & 3 {
	case 1:
		return s.EL == 0
	case 3:
		return false
	}
	return true
}

// The GICv3 CPU interface, ICC_<name>_EL1 at op0 3, op1 0, (CRn, CRm, op2)
// (docs/devices.md); cpu.Machine: UNDEFINED unless the machine has a GICv3.
var iccEncodings = [...]struct {
	name          string
	crn, crm, op2 uint32
}{
	{"PMR", 4, 6, 0}, {"IAR0", 12, 8, 0}, {"EOIR0", 12, 8, 1}, {"HPPIR0", 12, 8, 2}, {"BPR0", 12, 8, 3},
	{"AP0R0", 12, 8, 4}, {"AP0R1", 12, 8, 5}, {"AP0R2", 12, 8, 6}, {"AP0R3", 12, 8, 7},
	{"AP1R0", 12, 9, 0}, {"AP1R1", 12, 9, 1}, {"AP1R2", 12, 9, 2}, {"AP1R3", 12, 9, 3},
	{"DIR", 12, 11, 1}, {"RPR", 12, 11, 3}, {"SGI1R", 12, 11, 5}, {"ASGI1R", 12, 11, 6}, {"SGI0R", 12, 11, 7},
	{"IAR1", 12, 12, 0}, {"EOIR1", 12, 12, 1}, {"HPPIR1", 12, 12, 2}, {"BPR1", 12, 12, 3},
	{"CTLR", 12, 12, 4}, {"SRE", 12, 12, 5}, {"IGRPEN0", 12, 12, 6}, {"IGRPEN1", 12, 12, 7},
}

func iccDescs() []Desc {
	var d []Desc
	for _, e := range iccEncodings {
		d = append(d, Desc{"ICC_" + e.name + "_EL1", SysKey(3, 0, e.crn, e.crm, e.op2), Machine, 0, 0, EL0None})
	}
	return d
}

// ccsidrValues are Cortex-A57's CCSIDR_EL1 per CSSELR (L1D, L1I, L2).
var ccsidrValues = [3]uint64{0x701fe00a, 0x201fe012, 0x70ffe07a}

// regSlot maps a 16-bit register key to 1 + its Table index (0: not in the
// table); MRS/MSR look registers up on every execution.
var regSlot = func() (t [1 << 16]uint16) {
	for i, d := range Table {
		t[d.Key&0xffff] = uint16(i + 1)
	}
	return t
}()

// Index returns key's Table index.
func Index(key uint32) (int, bool) {
	if key > 0xffff {
		return 0, false
	}
	i := int(regSlot[key&0xffff]) - 1
	return i, i >= 0
}

func mustIndex(key uint32) int {
	if i, ok := Index(key); ok {
		return i
	}
	return 0
}

// Table indices (State.SR) of the registers exception entry and return and
// the machine use directly.
var (
	IdxSCTLR    = mustIndex(KeySCTLR)
	IdxCSSELR   = mustIndex(KeyCSSELR)
	IdxSPSR     = mustIndex(KeySPSR)
	IdxELR      = mustIndex(KeyELR)
	IdxESR      = mustIndex(KeyESR)
	IdxFAR      = mustIndex(KeyFAR)
	IdxVBAR     = mustIndex(KeyVBAR)
	IdxTTBR0    = mustIndex(KeyTTBR0)
	IdxTTBR1    = mustIndex(KeyTTBR1)
	IdxTCR      = mustIndex(KeyTCR)
	IdxMAIR     = mustIndex(KeyMAIR)
	IdxPAR      = mustIndex(KeyPAR)
	IdxCPACR    = mustIndex(KeyCPACR)
	IdxCNTPCVAL = mustIndex(KeyCNTPCVAL)
	IdxCNTVCVAL = mustIndex(KeyCNTVCVAL)
)

// idSpaceRAZ reports whether key is in the unallocated part of the ID
// register space (op0=3, op1=0, CRn=0, CRm=1..7), which reads as zero.
func idSpaceRAZ(key uint32) bool {
	return key>>7 == SysKey(3, 0, 0, 0, 0)>>7 && key>>3&15 != 0
}

// Name returns the architectural name of a key in Table, or "".
func Name(key uint32) string {
	if i, ok := Index(key); ok {
		return Table[i].Name
	}
	return ""
}

// ReadSys is MRS (checkEL: the EL0 access rules apply) or a debugger's read
// of key. ok=false means UNDEFINED. machine=true means the access rules
// passed and the register is the machine's to answer (Kind Machine).
func (s *State) ReadSys(key uint32, checkEL bool) (v uint64, ok, machine bool) {
	i, found := Index(key)
	if !found {
		if idSpaceRAZ(key) && !(checkEL && s.EL == 0) {
			return 0, true, false
		}
		return 0, false, false
	}
	d := &Table[i]
	if checkEL && (key == KeyFPCR || key == KeyFPSR) && s.FPTrapped() {
		return 0, false, false // the machine takes it as the FP access trap
	}
	if checkEL && s.EL == 0 && d.EL0 == EL0None {
		switch {
		case key == KeyDAIF && s.SR[IdxSCTLR]&SCTLRUMA != 0:
		case key == KeyCTR && s.SR[IdxSCTLR]&SCTLRUCT != 0:
		default:
			return 0, false, false
		}
	}
	switch d.Kind {
	case Const:
		return d.Reset, true, false
	case Plain:
		return s.SR[i], true, false
	case Machine:
		return 0, false, true
	}
	switch key {
	case KeyCCSIDR:
		if sel := s.SR[IdxCSSELR]; sel < 3 {
			return ccsidrValues[sel], true, false
		}
		return 0, true, false
	case KeyCTR:
		return d.Reset, true, false
	case KeySPEL0:
		if checkEL && s.SPSel == 0 {
			return 0, false, false
		}
		return s.SPBank[0], true, false
	case KeySPSel:
		return uint64(s.SPSel), true, false
	case KeyCurrentEL:
		return uint64(s.EL) << 2, true, false
	case KeyDAIF:
		return s.DAIF, true, false
	case KeyNZCV:
		return s.NZCV, true, false
	case KeyFPCR:
		return uint64(s.FP.FPCR), true, false
	case KeyFPSR:
		return uint64(s.FP.FPSR), true, false
	}
	return 0, false, false
}

// WriteSys is MSR (checkEL) or a debugger's write of key. ok=false means
// UNDEFINED (MSR) or not writable (debugger); machine as for ReadSys.
func (s *State) WriteSys(key uint32, v uint64, checkEL bool) (ok, machine bool) {
	i, found := Index(key)
	if !found {
		return false, false
	}
	d := &Table[i]
	if checkEL && (key == KeyFPCR || key == KeyFPSR) && s.FPTrapped() {
		return false, false
	}
	if checkEL && s.EL == 0 && d.EL0 != EL0RW {
		if !(key == KeyDAIF && s.SR[IdxSCTLR]&SCTLRUMA != 0) {
			return false, false
		}
	}
	switch d.Kind {
	case Const:
		return !checkEL, false // debugger writes to constants are ignored; MSR is UNDEFINED
	case Plain:
		if checkEL && key == KeyTPIDRRO && s.EL == 0 {
			return false, false
		}
		if d.WMask != 0 {
			v &= d.WMask
		}
		s.SR[i] = v
		return true, false
	case Machine:
		return false, true
	}
	switch key {
	case KeySPEL0:
		if checkEL && s.SPSel == 0 {
			return false, false
		}
		s.SPBank[0] = v
		return true, false
	case KeySPSel:
		s.SetMode(s.EL, uint8(v&1))
		return true, false
	case KeyCurrentEL, KeyCCSIDR, KeyCTR:
		return !checkEL, false
	case KeyDAIF:
		s.DAIF = v & DAIFMaskAll
		return true, false
	case KeyNZCV:
		s.NZCV = v & 0xf0000000
		return true, false
	case KeyFPCR:
		s.FP.FPCR = fp.FPCR(v & FPCRMask)
		return true, false
	case KeyFPSR:
		s.FP.FPSR = uint32(v & FPSRMask)
		return true, false
	}
	return false, false
}
