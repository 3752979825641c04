package debugregs

import "fmt"

// Encoding is a System register's (op0, op1, CRn, CRm, op2) packed exactly as bits [20:5] of an MRS or MSR
// (register) instruction: op0[15:14] op1[13:11] CRn[10:7] CRm[6:3] op2[2:0]. So an executor can write
// Encoding(insn >> 5) and a table can switch on it.
type Encoding uint16

var (
	encOp0 = field(15, 14)
	encOp1 = field(13, 11)
	encCRn = field(10, 7)
	encCRm = field(6, 3)
	encOp2 = field(2, 0)
)

// Enc packs an encoding; out-of-range arguments are truncated to their field widths.
func Enc(op0, op1, crn, crm, op2 int) Encoding {
	var v uint64
	v = encOp0.set(v, uint64(op0))
	v = encOp1.set(v, uint64(op1))
	v = encCRn.set(v, uint64(crn))
	v = encCRm.set(v, uint64(crm))
	v = encOp2.set(v, uint64(op2))
	return Encoding(v)
}

func (e Encoding) Op0() int { return int(encOp0.get(uint64(e))) }
func (e Encoding) Op1() int { return int(encOp1.get(uint64(e))) }
func (e Encoding) CRn() int { return int(encCRn.get(uint64(e))) }
func (e Encoding) CRm() int { return int(encCRm.get(uint64(e))) }
func (e Encoding) Op2() int { return int(encOp2.get(uint64(e))) }

// String renders the generic name, as objdump does: "s2_0_c0_c2_2".
func (e Encoding) String() string {
	return fmt.Sprintf("s%d_%d_c%d_c%d_%d", e.Op0(), e.Op1(), e.CRn(), e.CRm(), e.Op2())
}

// RegKind names one of the debug System registers this package models.
type RegKind uint8

// Register kinds. The four comparator kinds are indexed (M = 0..15 in an encoding, n = 0..63 physically).
const (
	KindNone RegKind = iota
	KindDBGBVR
	KindDBGBCR
	KindDBGWVR
	KindDBGWCR
	KindMDSCR
	KindMDSELR
	KindOSLAR
	KindOSLSR
	KindOSDLR
	KindIDAA64DFR0
	KindIDAA64DFR1
)

var kindNames = [...]string{
	KindNone:       "none",
	KindDBGBVR:     "DBGBVR",
	KindDBGBCR:     "DBGBCR",
	KindDBGWVR:     "DBGWVR",
	KindDBGWCR:     "DBGWCR",
	KindMDSCR:      "MDSCR_EL1",
	KindMDSELR:     "MDSELR_EL1",
	KindOSLAR:      "OSLAR_EL1",
	KindOSLSR:      "OSLSR_EL1",
	KindOSDLR:      "OSDLR_EL1",
	KindIDAA64DFR0: "ID_AA64DFR0_EL1",
	KindIDAA64DFR1: "ID_AA64DFR1_EL1",
}

func (k RegKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("RegKind(%d)", uint8(k))
}

// Indexed reports whether the kind is one of the four comparator register kinds.
func (k RegKind) Indexed() bool { return k >= KindDBGBVR && k <= KindDBGWCR }

// SysReg is a decoded debug System register: which register and, for comparators, which M (0..15) in the
// encoding. The physical comparator is BANK*16+M (D2.8.2 RKSCWV, D2.9.2).
type SysReg struct {
	Kind RegKind
	M    int
}

func (r SysReg) String() string {
	if r.Kind.Indexed() {
		return fmt.Sprintf("%s%d_EL1", r.Kind, r.M)
	}
	return r.Kind.String()
}

// Encodings of the unindexed registers (Arm ARM D24.3, D24.2; docs/background.md §2.1).
var (
	EncMDSCR      = Enc(2, 0, 0, 2, 2)
	EncMDSELR     = Enc(2, 0, 0, 4, 2)
	EncOSLAR      = Enc(2, 0, 1, 0, 4)
	EncOSLSR      = Enc(2, 0, 1, 1, 4)
	EncOSDLR      = Enc(2, 0, 1, 3, 4)
	EncIDAA64DFR0 = Enc(3, 0, 0, 5, 0)
	EncIDAA64DFR1 = Enc(3, 0, 0, 5, 1)
)

// op2 of the comparator registers: DBG{BVR,BCR,WVR,WCR}<m>_EL1 are (2, 0, 0, m, 4..7).
const (
	op2BVR = 4
	op2BCR = 5
	op2WVR = 6
	op2WCR = 7
)

// Encoding returns the register's encoding; ok is false for KindNone or an M outside 0..15.
func (r SysReg) Encoding() (Encoding, bool) {
	switch r.Kind {
	case KindDBGBVR, KindDBGBCR, KindDBGWVR, KindDBGWCR:
		if r.M < 0 || r.M > 15 {
			return 0, false
		}
		return Enc(2, 0, 0, r.M, op2BVR+int(r.Kind-KindDBGBVR)), true
	case KindMDSCR:
		return EncMDSCR, true
	case KindMDSELR:
		return EncMDSELR, true
	case KindOSLAR:
		return EncOSLAR, true
	case KindOSLSR:
		return EncOSLSR, true
	case KindOSDLR:
		return EncOSDLR, true
	case KindIDAA64DFR0:
		return EncIDAA64DFR0, true
	case KindIDAA64DFR1:
		return EncIDAA64DFR1, true
	}
	return 0, false
}

// DecodeSysReg says which debug register an encoding names. ok is false for anything this package does not
// model (the executor handles those itself).
func DecodeSysReg(e Encoding) (SysReg, bool) {
	switch e {
	case EncMDSCR:
		return SysReg{Kind: KindMDSCR}, true
	case EncMDSELR:
		return SysReg{Kind: KindMDSELR}, true
	case EncOSLAR:
		return SysReg{Kind: KindOSLAR}, true
	case EncOSLSR:
		return SysReg{Kind: KindOSLSR}, true
	case EncOSDLR:
		return SysReg{Kind: KindOSDLR}, true
	case EncIDAA64DFR0:
		return SysReg{Kind: KindIDAA64DFR0}, true
	case EncIDAA64DFR1:
		return SysReg{Kind: KindIDAA64DFR1}, true
	}
	if e.Op0() == 2 && e.Op1() == 0 && e.CRn() == 0 && e.Op2() >= op2BVR {
		return SysReg{Kind: KindDBGBVR + RegKind(e.Op2()-op2BVR), M: e.CRm()}, true
	}
	return SysReg{}, false
}

// IsDebugSysReg reports whether the encoding is one of this package's registers.
func IsDebugSysReg(e Encoding) bool {
	_, ok := DecodeSysReg(e)
	return ok
}

// InsnEncoding extracts the System register encoding from an MRS or MSR (register) instruction word.
func InsnEncoding(insn uint32) Encoding { return Encoding(insn >> 5) }
