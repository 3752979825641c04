package simd

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"

// decodeModImm is AdvSIMD "modified immediate": MOVI, MVNI, ORR, BIC and FMOV
// (vector). Imm is the per-element value after expansion (for MVNI and BIC
// the value before inversion, as the instruction text shows it, shifted).
func decodeModImm(w uint32) Inst {
	q, op, cmode := bit(w, 30), bit(w, 29), bits(w, 15, 12)
	if bit(w, 11) { // o2: FP16 FMOV
		return Inst{}
	}
	imm8 := uint64(bits(w, 18, 16)<<5 | bits(w, 9, 5))
	in := Inst{Rd: uint8(w & 31)}
	pick := func(a, b Op) Op {
		if op {
			return b
		}
		return a
	}
	switch {
	case cmode&8 == 0 || cmode&0xc == 8: // 0xxx: 32-bit shifted, 10xx: 16-bit shifted
		size, shift := uint32(2), cmode>>1&3
		if cmode&8 != 0 {
			size, shift = 1, cmode>>1&1
		}
		in.Arr, in.Shift = vecArr(size, q), uint8(8*shift)
		in.Op = pick(OpMOVI, OpMVNI)
		if cmode&1 == 1 {
			in.Op = pick(OpORRImm, OpBICImm)
		}
	case cmode&0xe == 0xc: // 110x: 32-bit "shifting ones" (MSL)
		in.Op, in.Arr = pick(OpMOVI, OpMVNI), vecArr(2, q)
		n := 8 * (cmode&1 + 1)
		in.Imm = imm8<<n | (1<<n - 1)
		return in
	case cmode == 0xe && !op:
		in.Op, in.Arr, in.Imm = OpMOVI, vecArr(0, q), imm8
		return in
	case cmode == 0xe: // 64-bit: each bit of imm8 is a byte of ones or zeros
		in.Op, in.Arr = OpMOVI, Arr2D
		if !q {
			in.Arr = ArrD
		}
		for i := 0; i < 8; i++ {
			if imm8>>i&1 == 1 {
				in.Imm |= 0xff << (8 * i)
			}
		}
		return in
	case !op: // FMOV single
		in.Op, in.Arr, in.Imm = OpFMOVImm, vecArr(2, q), fp.ExpandImm(fp.Single, uint8(imm8))
		return in
	default:
		if !q {
			return Inst{}
		}
		in.Op, in.Arr, in.Imm = OpFMOVImm, Arr2D, fp.ExpandImm(fp.Double, uint8(imm8))
		return in
	}
	in.Imm = imm8 << in.Shift
	return in
}

// szSD: single and double only (the fixed-point conversions).
const szSD = 1<<2 | 1<<3

// Shift by immediate, by U:opcode.
const (
	shRight = iota
	shLeft
	shNarrow
	shLong
	shFixed
)

var shiftForms = [64]struct {
	op          Op
	shape       uint8
	scalarSizes uint8 // sizes of the scalar form (0: none)
}{
	0x00: {OpSSHR, shRight, sz3}, 0x02: {OpSSRA, shRight, sz3}, 0x04: {OpSRSHR, shRight, sz3}, 0x06: {OpSRSRA, shRight, sz3},
	0x0a: {OpSHL, shLeft, sz3}, 0x0e: {OpSQSHLImm, shLeft, szAll},
	0x10: {OpSHRN, shNarrow, 0}, 0x11: {OpRSHRN, shNarrow, 0}, 0x12: {OpSQSHRN, shNarrow, sz012}, 0x13: {OpSQRSHRN, shNarrow, sz012},
	0x14: {OpSSHLL, shLong, 0}, 0x1c: {OpSCVTFFixed, shFixed, szSD}, 0x1f: {OpFCVTZSFixed, shFixed, szSD},
	0x20: {OpUSHR, shRight, sz3}, 0x22: {OpUSRA, shRight, sz3}, 0x24: {OpURSHR, shRight, sz3}, 0x26: {OpURSRA, shRight, sz3},
	0x28: {OpSRI, shRight, sz3}, 0x2a: {OpSLI, shLeft, sz3}, 0x2c: {OpSQSHLUImm, shLeft, szAll}, 0x2e: {OpUQSHLImm, shLeft, szAll},
	0x30: {OpSQSHRUN, shNarrow, sz012}, 0x31: {OpSQRSHRUN, shNarrow, sz012}, 0x32: {OpUQSHRN, shNarrow, sz012}, 0x33: {OpUQRSHRN, shNarrow, sz012},
	0x34: {OpUSHLL, shLong, 0}, 0x3c: {OpUCVTFFixed, shFixed, szSD}, 0x3f: {OpFCVTZUFixed, shFixed, szSD},
}

func decodeShiftImm(w uint32, scalar bool) Inst {
	q, immh, immhb := bit(w, 30), bits(w, 22, 19), bits(w, 22, 16)
	f := shiftForms[bits(w, 29, 29)<<5|bits(w, 15, 11)]
	var size uint32
	for size = 3; immh>>size == 0; size-- {
	}
	if f.op == OpUndefined || scalar && f.scalarSizes&(1<<size) == 0 {
		return Inst{}
	}
	esize := uint32(8) << size
	in := Inst{Op: f.op, Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31)}
	switch f.shape {
	case shRight, shLeft:
		if !scalar && size == 3 && !q {
			return Inst{}
		}
		in.Shift = uint8(2*esize - immhb)
		if f.shape == shLeft {
			in.Shift = uint8(immhb - esize)
		}
		in.Arr = vecArr(size, q)
	case shNarrow:
		if size == 3 {
			return Inst{}
		}
		in.Arr, in.ArrN, in.Shift = vecArr(size, q), vecArr(size+1, true), uint8(2*esize-immhb)
	case shLong:
		if size == 3 {
			return Inst{}
		}
		in.Arr, in.ArrN, in.Shift = vecArr(size+1, true), vecArr(size, q), uint8(immhb-esize)
	case shFixed:
		if size < 2 || !scalar && size == 3 && !q {
			return Inst{}
		}
		in.Arr, in.FBits = vecArr(size, q), uint8(2*esize-immhb)
		in.Round = RoundZero
		if f.op == OpSCVTFFixed || f.op == OpUCVTFFixed {
			in.Round = RoundFPCR
		}
	}
	if scalar {
		in.Arr = scalarArr(size)
		if f.shape == shNarrow {
			in.ArrN = scalarArr(size + 1)
		}
	}
	return in
}

// decodeIndexed is "vector x indexed element" (and its scalar FP forms):
// Rm and Index name the element of the second source.
func decodeIndexed(w uint32, scalar bool) Inst {
	u, size, opcode, q := bits(w, 29, 29), bits(w, 23, 22), bits(w, 15, 12), bit(w, 30)
	h, l, m := bits(w, 11, 11), bits(w, 21, 21), bits(w, 20, 20)
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31), ByElement: true}
	var long bool
	switch u<<4 | opcode {
	case 0x01, 0x05, 0x09, 0x19: // FMLA, FMLS, FMUL, FMULX
		if size>>1 != 1 {
			return Inst{} // size 00 is FP16, 01 unallocated
		}
		in.Op = [...]Op{OpFMLA, OpFMLS, OpFMUL}[opcode>>2]
		if u == 1 {
			in.Op = OpFMULX
		}
		if size&1 == 0 {
			in.Index, in.Rm = uint8(h<<1|l), uint8(m<<4|bits(w, 19, 16))
		} else {
			if l == 1 {
				return Inst{}
			}
			in.Index, in.Rm = uint8(h), uint8(m<<4|bits(w, 19, 16))
		}
		if scalar {
			in.Arr = fpScalar(size & 1)
		} else if in.Arr = fpArr(size&1, q); in.Arr == ArrNone {
			return Inst{}
		}
		return in
	case 0x08:
		in.Op = OpMUL
	case 0x10:
		in.Op = OpMLA
	case 0x14:
		in.Op = OpMLS
	case 0x02, 0x06, 0x0a, 0x12, 0x16, 0x1a:
		in.Op, long = [...]Op{OpSMLAL, OpSMLSL, OpSMULL}[opcode>>2], true
		if u == 1 {
			in.Op = [...]Op{OpUMLAL, OpUMLSL, OpUMULL}[opcode>>2]
		}
	case 0x03, 0x07, 0x0b:
		in.Op, long = [...]Op{OpSQDMLAL, OpSQDMLSL, OpSQDMULL}[opcode>>2], true
	case 0x0c:
		in.Op = OpSQDMULH
	case 0x0d:
		in.Op = OpSQRDMULH
	default:
		return Inst{}
	}
	saturating := in.Op >= OpSQDMULH && in.Op <= OpSQDMLSL
	if scalar && !saturating {
		return Inst{}
	}
	switch size {
	case 1:
		in.Index, in.Rm = uint8(h<<2|l<<1|m), uint8(bits(w, 19, 16))
	case 2:
		in.Index, in.Rm = uint8(h<<1|l), uint8(m<<4|bits(w, 19, 16))
	default:
		return Inst{}
	}
	switch {
	case scalar && long:
		in.Arr, in.ArrN = scalarArr(size+1), scalarArr(size)
	case scalar:
		in.Arr = scalarArr(size)
	case long:
		in.Arr, in.ArrN = vecArr(size+1, true), vecArr(size, q)
	default:
		in.Arr = vecArr(size, q)
	}
	return in
}
