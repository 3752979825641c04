package simd

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"

// decodeFP is the scalar floating-point group (M = 0, S = 0): data
// processing with 1, 2 and 3 sources, compares, conditional compare and
// select, immediate moves and the conversions to and from integers.
func decodeFP(w uint32) Inst {
	if bit(w, 31) && bit(w, 24) || bit(w, 29) {
		return Inst{} // S = 1; bit 31 is sf in the conversions, else M = 1
	}
	ftype := bits(w, 23, 22)
	if bit(w, 24) {
		return decodeFP3(w, ftype)
	}
	if !bit(w, 21) {
		return decodeFPFixed(w, ftype)
	}
	if bit(w, 31) && bits(w, 15, 10) != 0 {
		return Inst{}
	}
	switch bits(w, 11, 10) {
	case 1:
		return decodeFPCondCmp(w, ftype)
	case 2:
		return decodeFP2(w, ftype)
	case 3:
		if ftype >= 2 {
			return Inst{}
		}
		in := Inst{Op: OpFCSEL, Arr: fpScalar(ftype), Cond: uint8(bits(w, 15, 12))}
		regs(&in, w)
		return in
	}
	switch {
	case bit(w, 12):
		if bits(w, 9, 5) != 0 || ftype >= 2 {
			return Inst{}
		}
		f := fp.Format(32 << ftype)
		return Inst{Op: OpFMOVImm, Arr: fpScalar(ftype), Rd: uint8(w & 31), Imm: fp.ExpandImm(f, uint8(bits(w, 20, 13)))}
	case bit(w, 13):
		return decodeFPCompare(w, ftype)
	case bit(w, 14):
		return decodeFP1(w, ftype)
	case bit(w, 15):
		return Inst{}
	}
	return decodeFPInt(w, ftype)
}

// fp1Round is FRINT's rounding by opcode<2:0> (5 is unallocated).
var fp1Round = [8]Rounding{RoundNearest, RoundPlusInf, RoundMinusInf, RoundZero, RoundAway, RoundNone, RoundExact, RoundFPCR}

func decodeFP1(w uint32, ftype uint32) Inst {
	opcode := bits(w, 20, 15)
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31)}
	if opcode>>2 == 1 { // FCVT: opcode 0001xx, the target type in opc<1:0>
		to := opcode & 3
		if to == 2 || to == ftype || ftype == 2 {
			return Inst{}
		}
		in.Op, in.Arr, in.ArrN, in.Round = OpFCVT, ftypeArr(to), ftypeArr(ftype), RoundFPCR
		return in
	}
	if ftype >= 2 {
		return Inst{}
	}
	in.Arr = fpScalar(ftype)
	switch {
	case opcode < 4:
		in.Op = [...]Op{OpFMOV, OpFABS, OpFNEG, OpFSQRT}[opcode]
	case opcode>>3 == 1 && opcode != 0xd:
		in.Op, in.Round = OpFRINT, fp1Round[opcode&7]
	default:
		return Inst{}
	}
	return in
}

// ftypeArr is the scalar arrangement of an FP type field (0 S, 1 D, 3 H).
func ftypeArr(t uint32) Arrangement {
	switch t {
	case 0:
		return ArrS
	case 1:
		return ArrD
	case 3:
		return ArrH
	}
	return ArrNone
}

func decodeFPCompare(w uint32, ftype uint32) Inst {
	if ftype >= 2 || bits(w, 15, 14) != 0 || bits(w, 2, 0) != 0 {
		return Inst{}
	}
	in := Inst{Op: OpFCMP, Arr: fpScalar(ftype), Rn: uint8(w >> 5 & 31), Rm: uint8(w >> 16 & 31)}
	if bit(w, 4) {
		in.Op = OpFCMPE
	}
	if bit(w, 3) { // against +0.0
		if in.Rm != 0 {
			return Inst{}
		}
		in.Op += OpFCMPZ - OpFCMP
	}
	return in
}

func decodeFPCondCmp(w uint32, ftype uint32) Inst {
	if ftype >= 2 {
		return Inst{}
	}
	in := Inst{Op: OpFCCMP, Arr: fpScalar(ftype), Rn: uint8(w >> 5 & 31), Rm: uint8(w >> 16 & 31),
		Cond: uint8(bits(w, 15, 12)), Imm: uint64(w & 15)}
	if bit(w, 4) {
		in.Op = OpFCCMPE
	}
	return in
}

var fp2Ops = [16]Op{OpFMUL, OpFDIV, OpFADD, OpFSUB, OpFMAX, OpFMIN, OpFMAXNM, OpFMINNM, OpFNMUL}

func decodeFP2(w uint32, ftype uint32) Inst {
	op := fp2Ops[bits(w, 15, 12)]
	if ftype >= 2 || op == OpUndefined {
		return Inst{}
	}
	in := Inst{Op: op, Arr: fpScalar(ftype)}
	regs(&in, w)
	return in
}

func decodeFP3(w uint32, ftype uint32) Inst {
	if ftype >= 2 {
		return Inst{}
	}
	in := Inst{Op: [...]Op{OpFMADD, OpFMSUB, OpFNMADD, OpFNMSUB}[bits(w, 21, 21)<<1|bits(w, 15, 15)], Arr: fpScalar(ftype)}
	regs(&in, w)
	in.Ra = uint8(w >> 10 & 31)
	return in
}

var rmodeRound = [4]Rounding{RoundNearest, RoundPlusInf, RoundMinusInf, RoundZero}

// decodeFPInt is the conversions between FP and general registers.
func decodeFPInt(w uint32, ftype uint32) Inst {
	sf, rmode, opcode := bit(w, 31), bits(w, 20, 19), bits(w, 18, 16)
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31), GenBits: genBits(sf)}
	if opcode >= 6 { // FMOV
		switch {
		case rmode == 0 && (ftype == 0 && !sf || ftype == 1 && sf):
			in.Arr, in.Op = fpScalar(ftype), OpFMOVToGen
			if opcode == 7 {
				in.Op = OpFMOVFromGen
			}
		case rmode == 1 && ftype == 2 && sf:
			in.Arr, in.Index, in.Op = ArrD, 1, OpFMOVToGenHigh
			if opcode == 7 {
				in.Op = OpFMOVFromGenHigh
			}
		default:
			return Inst{}
		}
		return in
	}
	if ftype >= 2 || opcode >= 4 && rmode != 0 || opcode&6 == 2 && rmode != 0 {
		return Inst{}
	}
	in.Arr = fpScalar(ftype)
	switch opcode {
	case 0, 1:
		in.Op, in.Round = OpFCVTS, rmodeRound[rmode]
	case 2, 3:
		in.Op, in.Round = OpSCVTF, RoundFPCR
	case 4, 5:
		in.Op, in.Round = OpFCVTS, RoundAway
	}
	if opcode&1 == 1 {
		in.Op++ // the unsigned form follows the signed one
	}
	return in
}

func decodeFPFixed(w uint32, ftype uint32) Inst {
	sf, rmode, opcode, scale := bit(w, 31), bits(w, 20, 19), bits(w, 18, 16), bits(w, 15, 10)
	if ftype >= 2 || !sf && scale < 32 {
		return Inst{}
	}
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31), GenBits: genBits(sf), Arr: fpScalar(ftype), FBits: uint8(64 - scale)}
	switch {
	case rmode == 0 && opcode == 2:
		in.Op, in.Round = OpSCVTFFixed, RoundFPCR
	case rmode == 0 && opcode == 3:
		in.Op, in.Round = OpUCVTFFixed, RoundFPCR
	case rmode == 3 && opcode == 0:
		in.Op, in.Round = OpFCVTZSFixed, RoundZero
	case rmode == 3 && opcode == 1:
		in.Op, in.Round = OpFCVTZUFixed, RoundZero
	default:
		return Inst{}
	}
	return in
}
