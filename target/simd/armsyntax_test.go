package simd

import (
	"fmt"
	"math"
	"strings"
)

// armSyntax renders in as golang.org/x/arch/arm64/arm64asm prints it (Arm
// syntax, its choice of aliases), so the cross-check compares whole texts:
// mnemonic, registers, arrangements, lanes, immediates and addressing. w is
// the word, for the few spellings that depend on bits the descriptor drops.
func armSyntax(in Inst, w uint32) string {
	v := func(r uint8, a Arrangement) string { return fmt.Sprintf("V%d.%s", r, a) }
	sc := func(r uint8, a Arrangement) string { return fmt.Sprintf("%s%d", a, r) }
	el := func(r uint8, a Arrangement, i uint8) string { return fmt.Sprintf("V%d.%s[%d]", r, a, i) }
	gpr := func(r uint8, x bool) string {
		p := "W"
		if x {
			p = "X"
		}
		if r == 31 {
			return p + "ZR"
		}
		return fmt.Sprintf("%s%d", p, r)
	}
	reg := func(r uint8, a Arrangement) string { // vector or scalar by arrangement
		if a.IsScalar() {
			return sc(r, a)
		}
		return v(r, a)
	}
	base := func() string {
		if in.Rn == 31 {
			return "SP"
		}
		return fmt.Sprintf("X%d", in.Rn)
	}
	mem := func() string {
		switch in.Addr {
		case AddrOffset, AddrUnscaled:
			if in.Offset == 0 {
				return "[" + base() + "]"
			}
			return fmt.Sprintf("[%s,#%d]", base(), in.Offset)
		case AddrPre:
			return fmt.Sprintf("[%s,#%d]!", base(), in.Offset)
		case AddrPost:
			return fmt.Sprintf("[%s],#%d", base(), in.Offset)
		case AddrPostReg:
			return fmt.Sprintf("[%s], X%d", base(), in.Rm)
		case AddrReg:
			idx := gpr(in.Rm, in.Extend == ExtLSL || in.Extend == ExtSXTX)
			s := bit(w, 12)
			switch {
			case in.Extend == ExtLSL && !s:
				return fmt.Sprintf("[%s,%s]", base(), idx)
			case !s:
				return fmt.Sprintf("[%s,%s,%s]", base(), idx, in.Extend)
			}
			return fmt.Sprintf("[%s,%s,%s #%d]", base(), idx, in.Extend, in.Shift)
		case AddrLiteral:
			return fmt.Sprintf(".%+#x", uint64(in.Offset))
		}
		return "?"
	}
	list := func(r uint8, a string, n uint8) string {
		name := func(i uint8) string { return fmt.Sprintf("V%d%s", (r+i)&31, a) }
		switch {
		case n == 1:
			return "{" + name(0) + "}"
		case n == 2 || int(r)+int(n) > 32:
			var parts []string
			for i := uint8(0); i < n; i++ {
				parts = append(parts, name(i))
			}
			return "{" + strings.Join(parts, ", ") + "}"
		}
		return "{" + name(0) + "-" + name(n-1) + "}"
	}
	op := in.Op.String()
	two := func(a Arrangement) { // the "2" suffix of upper-half forms
		if a.Bits() == 128 {
			op += "2"
		}
	}
	args := func(a ...string) string { return op + " " + strings.Join(a, ", ") }
	elemOf := func(a Arrangement) Arrangement { return scalarArr(uint32(bitsLog2(a.ElemBits()) - 3)) }
	fpimm := func(bits uint64, a Arrangement) string {
		f := math.Float32frombits(uint32(bits))
		x := float64(f)
		if a.ElemBits() == 64 {
			x = math.Float64frombits(bits)
		}
		return fmt.Sprintf("#%.18e", x)
	}
	switch in.Op {
	case OpLDR, OpSTR:
		if in.Addr == AddrUnscaled {
			op = op[:2] + "UR"
		}
		return args(sc(in.Rd, in.Arr), mem())
	case OpLDP, OpSTP, OpLDNP, OpSTNP:
		return args(sc(in.Rd, in.Arr), sc(in.Ra, in.Arr), mem())
	case OpLD1, OpLD2, OpLD3, OpLD4, OpST1, OpST2, OpST3, OpST4, OpLD1R, OpLD2R, OpLD3R, OpLD4R:
		return args(list(in.Rd, "."+in.Arr.String(), in.Count), mem())
	case OpLD1Lane, OpLD2Lane, OpLD3Lane, OpLD4Lane, OpST1Lane, OpST2Lane, OpST3Lane, OpST4Lane:
		op = strings.TrimSuffix(op, "Lane")
		return args(fmt.Sprintf("%s[%d]", list(in.Rd, "."+in.Arr.String(), in.Count), in.Index), mem())
	case OpMOVI, OpMVNI, OpORRImm, OpBICImm:
		op = strings.TrimSuffix(op, "Imm")
		if in.Arr == Arr2D || in.Arr == ArrD || in.Arr.ElemBits() == 8 {
			return args(reg(in.Rd, in.Arr), fmt.Sprintf("#%#x", in.Imm))
		}
		if bits(w, 15, 13) == 6 { // MSL
			return args(v(in.Rd, in.Arr), fmt.Sprintf("#%#x, MSL #%d", bits(w, 18, 16)<<5|bits(w, 9, 5), 8*(bits(w, 12, 12)+1)))
		}
		if in.Shift == 0 {
			return args(v(in.Rd, in.Arr), fmt.Sprintf("#%#x", in.Imm))
		}
		return args(v(in.Rd, in.Arr), fmt.Sprintf("#%#x, LSL #%d", in.Imm>>in.Shift, in.Shift))
	case OpFMOVImm:
		op = "FMOV"
		return args(reg(in.Rd, in.Arr), fpimm(in.Imm, in.Arr))
	case OpDUPElem:
		if in.Arr.IsScalar() {
			op = "MOV"
			return args(sc(in.Rd, in.Arr), el(in.Rn, in.Arr, in.Index))
		}
		op = "DUP"
		return args(v(in.Rd, in.Arr), el(in.Rn, elemOf(in.Arr), in.Index))
	case OpDUPGen:
		op = "DUP"
		return args(v(in.Rd, in.Arr), gpr(in.Rn, in.GPR64()))
	case OpINSElem:
		op = "MOV"
		return args(el(in.Rd, in.Arr, in.Index), el(in.Rn, in.Arr, in.Index2))
	case OpINSGen:
		op = "MOV"
		return args(el(in.Rd, in.Arr, in.Index), gpr(in.Rn, in.GPR64()))
	case OpUMOV:
		if in.Arr.ElemBits() >= 32 {
			op = "MOV"
		}
		return args(gpr(in.Rd, in.GPR64()), el(in.Rn, in.Arr, in.Index))
	case OpSMOV:
		return args(gpr(in.Rd, in.GPR64()), el(in.Rn, in.Arr, in.Index))
	case OpORR:
		if in.Rn == in.Rm {
			op = "MOV"
			return args(v(in.Rd, in.Arr), v(in.Rn, in.Arr))
		}
	case OpNOT:
		op = "MVN"
		return args(v(in.Rd, in.Arr), v(in.Rn, in.Arr))
	case OpCMEQZ, OpCMGEZ, OpCMGTZ, OpCMLEZ, OpCMLTZ:
		op = strings.TrimSuffix(op, "Z")
		return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr), "#0")
	case OpFCMEQZ, OpFCMGEZ, OpFCMGTZ, OpFCMLEZ, OpFCMLTZ:
		op = strings.TrimSuffix(op, "Z")
		return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr), "#0")
	case OpSSHLL, OpUSHLL:
		two(in.ArrN)
		if in.Shift == 0 {
			op = strings.Replace(op, "SHLL", "XTL", 1)
			return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN))
		}
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN), fmt.Sprintf("#%d", in.Shift))
	case OpSHLL:
		two(in.ArrN)
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN), fmt.Sprintf("#%d", in.Shift))
	case OpSSHR, OpUSHR, OpSSRA, OpUSRA, OpSRSHR, OpURSHR, OpSRSRA, OpURSRA, OpSHL, OpSLI, OpSRI, OpSQSHLImm, OpUQSHLImm, OpSQSHLUImm:
		op = strings.TrimSuffix(op, "Imm")
		return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr), fmt.Sprintf("#%d", in.Shift))
	case OpSHRN, OpRSHRN, OpSQSHRN, OpUQSHRN, OpSQRSHRN, OpUQRSHRN, OpSQSHRUN, OpSQRSHRUN:
		if in.Arr.IsScalar() {
			return args(sc(in.Rd, in.Arr), sc(in.Rn, in.ArrN), fmt.Sprintf("#%d", in.Shift))
		}
		two(in.Arr)
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN), fmt.Sprintf("#%d", in.Shift))
	case OpXTN, OpSQXTN, OpUQXTN, OpSQXTUN, OpFCVTN, OpFCVTXN:
		if in.Arr.IsScalar() {
			return args(sc(in.Rd, in.Arr), sc(in.Rn, in.ArrN))
		}
		two(in.Arr)
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN))
	case OpFCVTL:
		two(in.ArrN)
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN))
	case OpSADDL, OpUADDL, OpSSUBL, OpUSUBL, OpSABAL, OpUABAL, OpSABDL, OpUABDL, OpSMLAL, OpUMLAL, OpSMLSL, OpUMLSL, OpSMULL, OpUMULL,
		OpSQDMULL, OpSQDMLAL, OpSQDMLSL, OpPMULL:
		if in.Arr.IsScalar() {
			if in.ByElement {
				return args(sc(in.Rd, in.Arr), sc(in.Rn, in.ArrN), el(in.Rm, in.ArrN, in.Index))
			}
			return args(sc(in.Rd, in.Arr), sc(in.Rn, in.ArrN), sc(in.Rm, in.ArrN))
		}
		two(in.ArrN)
		if in.ByElement {
			return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN), el(in.Rm, elemOf(in.ArrN), in.Index))
		}
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN), v(in.Rm, in.ArrN))
	case OpSADDW, OpUADDW, OpSSUBW, OpUSUBW:
		two(in.ArrN)
		return args(v(in.Rd, in.Arr), v(in.Rn, in.Arr), v(in.Rm, in.ArrN))
	case OpADDHN, OpSUBHN, OpRADDHN, OpRSUBHN:
		two(in.Arr)
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN), v(in.Rm, in.ArrN))
	case OpSADDLP, OpUADDLP, OpSADALP, OpUADALP:
		return args(v(in.Rd, in.Arr), v(in.Rn, in.ArrN))
	case OpADDV, OpSMAXV, OpUMAXV, OpSMINV, OpUMINV, OpSADDLV, OpUADDLV, OpFMAXV, OpFMINV, OpFMAXNMV, OpFMINNMV:
		return args(sc(in.Rd, in.Arr), v(in.Rn, in.ArrN))
	case OpEXT:
		return args(v(in.Rd, in.Arr), v(in.Rn, in.Arr), v(in.Rm, in.Arr), fmt.Sprintf("#%d", in.Shift))
	case OpTBL, OpTBX:
		return args(v(in.Rd, in.Arr), list(in.Rn, ".16B", in.Count), v(in.Rm, in.Arr))
	case OpFMOV:
		return args(sc(in.Rd, in.Arr), sc(in.Rn, in.Arr))
	case OpFMOVToGen:
		op = "FMOV"
		return args(gpr(in.Rd, in.GPR64()), sc(in.Rn, in.Arr))
	case OpFMOVFromGen:
		op = "FMOV"
		return args(sc(in.Rd, in.Arr), gpr(in.Rn, in.GPR64()))
	case OpFMOVToGenHigh:
		op = "FMOV"
		return args(gpr(in.Rd, true), el(in.Rn, ArrD, 1))
	case OpFMOVFromGenHigh:
		op = "FMOV"
		return args(el(in.Rd, ArrD, 1), gpr(in.Rn, true))
	case OpFMADD, OpFMSUB, OpFNMADD, OpFNMSUB:
		return args(sc(in.Rd, in.Arr), sc(in.Rn, in.Arr), sc(in.Rm, in.Arr), sc(in.Ra, in.Arr))
	case OpFCMP, OpFCMPE:
		return args(sc(in.Rn, in.Arr), sc(in.Rm, in.Arr))
	case OpFCMPZ, OpFCMPEZ:
		op = strings.TrimSuffix(op, "Z")
		return args(sc(in.Rn, in.Arr), "#0")
	case OpFCCMP, OpFCCMPE:
		return args(sc(in.Rn, in.Arr), sc(in.Rm, in.Arr), fmt.Sprintf("#%#x", in.Imm), condNames[in.Cond])
	case OpFCSEL:
		return args(sc(in.Rd, in.Arr), sc(in.Rn, in.Arr), sc(in.Rm, in.Arr), condNames[in.Cond])
	case OpFCVT:
		return args(sc(in.Rd, in.Arr), sc(in.Rn, in.ArrN))
	case OpFRINT:
		op = "FRINT" + map[Rounding]string{RoundNearest: "N", RoundPlusInf: "P", RoundMinusInf: "M", RoundZero: "Z", RoundAway: "A", RoundFPCR: "I", RoundExact: "X"}[in.Round]
		return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr))
	case OpFCVTS, OpFCVTU:
		op = "FCVT" + in.Round.String() + op[4:]
		if !bit(w, 28) || bit(w, 30) { // SIMD forms: V or scalar FP register
			return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr))
		}
		return args(gpr(in.Rd, in.GPR64()), sc(in.Rn, in.Arr))
	case OpSCVTF, OpUCVTF:
		if !bit(w, 28) || bit(w, 30) {
			return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr))
		}
		return args(sc(in.Rd, in.Arr), gpr(in.Rn, in.GPR64()))
	case OpFCVTZSFixed, OpFCVTZUFixed:
		op = strings.TrimSuffix(op, "Fixed")
		if !bit(w, 28) || bit(w, 30) {
			return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr), fmt.Sprintf("#%d", in.FBits))
		}
		return args(gpr(in.Rd, in.GPR64()), sc(in.Rn, in.Arr), fmt.Sprintf("#%d", in.FBits))
	case OpSCVTFFixed, OpUCVTFFixed:
		op = strings.TrimSuffix(op, "Fixed")
		if !bit(w, 28) || bit(w, 30) {
			return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr), fmt.Sprintf("#%d", in.FBits))
		}
		return args(sc(in.Rd, in.Arr), gpr(in.Rn, in.GPR64()), fmt.Sprintf("#%d", in.FBits))
	case OpADDP, OpFADDP, OpFMAXP, OpFMINP, OpFMAXNMP, OpFMINNMP:
		if in.Arr.IsScalar() {
			return args(sc(in.Rd, in.Arr), v(in.Rn, in.ArrN))
		}
	}
	// Indexed element forms.
	if in.ByElement {
		return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr), el(in.Rm, elemOf(in.Arr), in.Index))
	}
	switch {
	case in.Op == OpABS || in.Op == OpNEG || in.Op == OpCNT || in.Op == OpCLZ || in.Op == OpCLS || in.Op == OpRBIT ||
		in.Op == OpREV16 || in.Op == OpREV32 || in.Op == OpREV64 || in.Op == OpFABS || in.Op == OpFNEG ||
		in.Op == OpSQABS || in.Op == OpSQNEG || in.Op == OpSUQADD || in.Op == OpUSQADD ||
		in.Op == OpFSQRT || in.Op == OpFRECPE || in.Op == OpFRSQRTE || in.Op == OpFRECPX || in.Op == OpURECPE || in.Op == OpURSQRTE:
		return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr))
	}
	return args(reg(in.Rd, in.Arr), reg(in.Rn, in.Arr), reg(in.Rm, in.Arr))
}

func bitsLog2(n int) int {
	l := 0
	for n > 1 {
		n >>= 1
		l++
	}
	return l
}

var condNames = [16]string{"EQ", "NE", "CS", "CC", "MI", "PL", "VS", "VC", "HI", "LS", "GE", "LT", "GT", "LE", "AL", "AL"} // arm64asm spells 15 AL too
