package simd

// Size rules of a table entry: which element sizes (bit i: size i) the
// vector form allows, and whether size 3 also needs Q = 1 (no 1D form).
const (
	sz0   = 1 << 0
	sz01  = 1<<0 | 1<<1
	sz012 = 1<<0 | 1<<1 | 1<<2
	sz3   = 1 << 3
	sz12  = 1<<1 | 1<<2 // H and S: the saturating doubling multiplies
	szAll = 0xf
)

type intForm struct {
	op    Op
	sizes uint8
}

// threeSameInt is AdvSIMD "three same" (integer), by U:opcode.
var threeSameInt = [64]intForm{
	0x00: {OpSHADD, sz012}, 0x01: {OpSQADD, szAll}, 0x02: {OpSRHADD, sz012}, 0x04: {OpSHSUB, sz012},
	0x05: {OpSQSUB, szAll}, 0x06: {OpCMGT, szAll}, 0x07: {OpCMGE, szAll}, 0x08: {OpSSHL, szAll},
	0x09: {OpSQSHL, szAll}, 0x0a: {OpSRSHL, szAll}, 0x0b: {OpSQRSHL, szAll}, 0x0c: {OpSMAX, sz012},
	0x0d: {OpSMIN, sz012}, 0x0e: {OpSABD, sz012}, 0x0f: {OpSABA, sz012}, 0x10: {OpADD, szAll},
	0x11: {OpCMTST, szAll}, 0x12: {OpMLA, sz012}, 0x13: {OpMUL, sz012}, 0x14: {OpSMAXP, sz012},
	0x15: {OpSMINP, sz012}, 0x16: {OpSQDMULH, sz12}, 0x17: {OpADDP, szAll},
	0x20: {OpUHADD, sz012}, 0x21: {OpUQADD, szAll}, 0x22: {OpURHADD, sz012}, 0x24: {OpUHSUB, sz012},
	0x25: {OpUQSUB, szAll}, 0x26: {OpCMHI, szAll}, 0x27: {OpCMHS, szAll}, 0x28: {OpUSHL, szAll},
	0x29: {OpUQSHL, szAll}, 0x2a: {OpURSHL, szAll}, 0x2b: {OpUQRSHL, szAll}, 0x2c: {OpUMAX, sz012},
	0x2d: {OpUMIN, sz012}, 0x2e: {OpUABD, sz012}, 0x2f: {OpUABA, sz012}, 0x30: {OpSUB, szAll},
	0x31: {OpCMEQ, szAll}, 0x32: {OpMLS, sz012}, 0x33: {OpPMUL, sz0}, 0x36: {OpSQRDMULH, sz12}, 0x34: {OpUMAXP, sz012}, 0x35: {OpUMINP, sz012},
}

// threeSameScalarInt marks the integer three-same ops that have a scalar
// form, and its sizes.
var threeSameScalarInt = [64]uint8{
	0x16: sz12, 0x36: sz12,
	0x01: szAll, 0x05: szAll, 0x06: sz3, 0x07: sz3, 0x08: sz3, 0x09: szAll, 0x0a: sz3, 0x0b: szAll, 0x10: sz3, 0x11: sz3,
	0x21: szAll, 0x25: szAll, 0x26: sz3, 0x27: sz3, 0x28: sz3, 0x29: szAll, 0x2a: sz3, 0x2b: szAll, 0x30: sz3, 0x31: sz3,
}

var logicalOps = [8]Op{OpAND, OpBIC, OpORR, OpORN, OpEOR, OpBSL, OpBIT, OpBIF}

// threeSameFP is AdvSIMD "three same" (FP, opcode 11xxx), by U:a:opcode<2:0>.
var threeSameFP = [16]Op{
	0x0: OpFMAXNM, 0x1: OpFMLA, 0x2: OpFADD, 0x3: OpFMULX, 0x4: OpFCMEQ, 0x6: OpFMAX, 0x7: OpFRECPS,
	0x8: OpFMINNM, 0x9: OpFMLS, 0xa: OpFSUB, 0xe: OpFMIN, 0xf: OpFRSQRTS,
}

var threeSameFPU = [8 * 2]Op{
	0x0: OpFMAXNMP, 0x2: OpFADDP, 0x3: OpFMUL, 0x4: OpFCMGE, 0x5: OpFACGE, 0x6: OpFMAXP, 0x7: OpFDIV,
	0x8: OpFMINNMP, 0xa: OpFABD, 0xc: OpFCMGT, 0xd: OpFACGT, 0xe: OpFMINP,
}

// threeSameScalarFP lists the FP three-same ops with a scalar form.
func threeSameScalarFP(op Op) bool {
	switch op {
	case OpFMULX, OpFCMEQ, OpFRECPS, OpFRSQRTS, OpFCMGE, OpFACGE, OpFABD, OpFCMGT, OpFACGT:
		return true
	}
	return false
}

func fpArr(sz uint32, q bool) Arrangement {
	if sz == 1 {
		if q {
			return Arr2D
		}
		return ArrNone // no 1D FP form
	}
	if q {
		return Arr4S
	}
	return Arr2S
}

func fpScalar(sz uint32) Arrangement { return ArrS + Arrangement(sz) }

func decodeVector(w uint32) Inst {
	if bit(w, 31) {
		return Inst{}
	}
	if bit(w, 24) {
		switch {
		case !bit(w, 10):
			return decodeIndexed(w, false)
		case bits(w, 23, 19) == 0:
			return decodeModImm(w)
		case !bit(w, 23):
			return decodeShiftImm(w, false)
		}
		return Inst{}
	}
	if bit(w, 21) {
		switch {
		case bit(w, 10):
			return decodeThreeSame(w, false)
		case bits(w, 11, 10) == 0:
			return decodeThreeDiff(w, false)
		case bits(w, 20, 17) == 0:
			return decodeTwoMisc(w, false)
		case bits(w, 20, 17) == 8:
			return decodeAcross(w)
		}
		return Inst{}
	}
	if bit(w, 15) {
		return Inst{}
	}
	switch {
	case bit(w, 10):
		return decodeCopy(w)
	case bit(w, 29):
		return decodeExt(w)
	case bit(w, 11):
		return decodePermute(w)
	}
	return decodeTable(w)
}

func decodeScalarSIMD(w uint32) Inst {
	if bit(w, 31) {
		return Inst{}
	}
	if bit(w, 24) {
		switch {
		case !bit(w, 10):
			return decodeIndexed(w, true)
		case !bit(w, 23) && bits(w, 22, 19) != 0:
			return decodeShiftImm(w, true)
		}
		return Inst{}
	}
	if bit(w, 21) {
		switch {
		case bit(w, 10):
			return decodeThreeSame(w, true)
		case bits(w, 11, 10) == 0:
			return decodeThreeDiff(w, true)
		case bits(w, 11, 10) == 2 && bits(w, 20, 17) == 0:
			return decodeTwoMisc(w, true)
		case bits(w, 11, 10) == 2 && bits(w, 20, 17) == 8:
			return decodePairwise(w)
		}
		return Inst{}
	}
	// scalar copy: DUP (element) into a scalar register
	if bits(w, 29, 21) != 0xf0 || bits(w, 15, 10) != 1 {
		return Inst{}
	}
	in := Inst{Op: OpDUPElem}
	regs(&in, w)
	in.Rm = 0
	size, idx, ok := elemFromImm5(bits(w, 20, 16))
	if !ok {
		return Inst{}
	}
	in.Arr, in.Index = scalarArr(size), idx
	return in
}

func sizeOK(sizes uint8, size uint32, q, scalar bool) bool {
	if sizes&(1<<size) == 0 {
		return false
	}
	return scalar || size != 3 || q
}

func decodeThreeSame(w uint32, scalar bool) Inst {
	u, opcode, size, q := bits(w, 29, 29), bits(w, 15, 11), bits(w, 23, 22), bit(w, 30)
	in := Inst{}
	regs(&in, w)
	if opcode >= 0x18 { // FP
		var op Op
		if u == 0 {
			op = threeSameFP[size>>1<<3|opcode&7]
		} else {
			op = threeSameFPU[size>>1<<3|opcode&7]
		}
		if op == OpUndefined {
			return Inst{}
		}
		if scalar {
			if !threeSameScalarFP(op) {
				return Inst{}
			}
			in.Arr = fpScalar(size & 1)
		} else {
			in.Arr = fpArr(size&1, q)
		}
		if in.Arr == ArrNone {
			return Inst{}
		}
		in.Op = op
		return in
	}
	if opcode == 3 {
		if scalar {
			return Inst{}
		}
		in.Op, in.Arr = logicalOps[u<<2|size], vecArr(0, q)
		return in
	}
	idx := u<<5 | opcode
	f := threeSameInt[idx]
	if f.op == OpUndefined {
		return Inst{}
	}
	if scalar {
		if threeSameScalarInt[idx]&(1<<size) == 0 {
			return Inst{}
		}
		in.Op, in.Arr = f.op, scalarArr(size)
		return in
	}
	if !sizeOK(f.sizes, size, q, false) {
		return Inst{}
	}
	in.Op, in.Arr = f.op, vecArr(size, q)
	return in
}

// threeDiff is AdvSIMD "three different", by U:opcode, with its shape.
const (
	shapeLong   = iota // Vd wide, both sources narrow
	shapeWide          // Vd and Vn wide, Vm narrow
	shapeNarrow        // Vd narrow, both sources wide
)

var threeDiff = [32]struct {
	op    Op
	shape uint8
	sizes uint8 // 0: sizes 0-2
}{
	0x00: {OpSADDL, shapeLong, 0}, 0x01: {OpSADDW, shapeWide, 0}, 0x02: {OpSSUBL, shapeLong, 0}, 0x03: {OpSSUBW, shapeWide, 0},
	0x04: {OpADDHN, shapeNarrow, 0}, 0x05: {OpSABAL, shapeLong, 0}, 0x06: {OpSUBHN, shapeNarrow, 0}, 0x07: {OpSABDL, shapeLong, 0},
	0x08: {OpSMLAL, shapeLong, 0}, 0x0a: {OpSMLSL, shapeLong, 0}, 0x0c: {OpSMULL, shapeLong, 0},
	0x09: {OpSQDMLAL, shapeLong, sz12}, 0x0b: {OpSQDMLSL, shapeLong, sz12}, 0x0d: {OpSQDMULL, shapeLong, sz12},
	0x0e: {OpPMULL, shapeLong, sz0}, // size 3 (1Q) is FEAT_PMULL
	0x10: {OpUADDL, shapeLong, 0}, 0x11: {OpUADDW, shapeWide, 0}, 0x12: {OpUSUBL, shapeLong, 0}, 0x13: {OpUSUBW, shapeWide, 0},
	0x14: {OpRADDHN, shapeNarrow, 0}, 0x15: {OpUABAL, shapeLong, 0}, 0x16: {OpRSUBHN, shapeNarrow, 0}, 0x17: {OpUABDL, shapeLong, 0},
	0x18: {OpUMLAL, shapeLong, 0}, 0x1a: {OpUMLSL, shapeLong, 0}, 0x1c: {OpUMULL, shapeLong, 0},
}

func decodeThreeDiff(w uint32, scalar bool) Inst {
	size, q := bits(w, 23, 22), bit(w, 30)
	f := threeDiff[bits(w, 29, 29)<<4|bits(w, 15, 12)]
	sizes := f.sizes
	if sizes == 0 {
		sizes = sz012
	}
	if f.op == OpUndefined || sizes&(1<<size) == 0 || scalar && f.sizes != sz12 {
		return Inst{}
	}
	in := Inst{Op: f.op}
	regs(&in, w)
	if scalar { // SQDMULL, SQDMLAL, SQDMLSL
		in.Arr, in.ArrN = scalarArr(size+1), scalarArr(size)
		return in
	}
	if f.shape == shapeNarrow {
		in.Arr, in.ArrN = vecArr(size, q), vecArr(size+1, true)
	} else {
		in.Arr, in.ArrN = vecArr(size+1, true), vecArr(size, q)
	}
	return in
}

// Two-register misc (integer), by U:opcode.
const (
	miscSame   = iota
	miscPairW  // pairwise long: Vd elements twice as wide, half as many
	miscNarrow // Vd narrow (XTN etc.)
	miscSHLL
)

var twoMiscInt = [64]struct {
	op          Op
	sizes       uint8
	shape       uint8
	scalarSizes uint8 // sizes of the scalar form (0: none)
}{
	0x00: {OpREV64, sz012, miscSame, 0}, 0x01: {OpREV16, sz0, miscSame, 0},
	0x02: {OpSADDLP, sz012, miscPairW, 0}, 0x04: {OpCLS, sz012, miscSame, 0},
	0x05: {OpCNT, sz0, miscSame, 0}, 0x06: {OpSADALP, sz012, miscPairW, 0},
	0x08: {OpCMGTZ, szAll, miscSame, sz3}, 0x09: {OpCMEQZ, szAll, miscSame, sz3},
	0x03: {OpSUQADD, szAll, miscSame, szAll}, 0x07: {OpSQABS, szAll, miscSame, szAll},
	0x23: {OpUSQADD, szAll, miscSame, szAll}, 0x27: {OpSQNEG, szAll, miscSame, szAll},
	0x0a: {OpCMLTZ, szAll, miscSame, sz3}, 0x0b: {OpABS, szAll, miscSame, sz3},
	0x12: {OpXTN, sz012, miscNarrow, 0}, 0x14: {OpSQXTN, sz012, miscNarrow, sz012},
	0x20: {OpREV32, sz01, miscSame, 0}, 0x22: {OpUADDLP, sz012, miscPairW, 0},
	0x24: {OpCLZ, sz012, miscSame, 0}, 0x26: {OpUADALP, sz012, miscPairW, 0},
	0x28: {OpCMGEZ, szAll, miscSame, sz3}, 0x29: {OpCMLEZ, szAll, miscSame, sz3},
	0x2b: {OpNEG, szAll, miscSame, sz3}, 0x32: {OpSQXTUN, sz012, miscNarrow, sz012},
	0x33: {OpSHLL, sz012, miscSHLL, 0}, 0x34: {OpUQXTN, sz012, miscNarrow, sz012},
}

type fpMiscForm struct {
	op     Op
	round  Rounding
	scalar bool // has a scalar form
}

// twoMiscFP is the FP two-register misc, by U:a:opcode<3:0> (opcode 1xxxx)
// and, for opcode 011xx (the compares against zero, FABS, FNEG), by
// the same with bit 4 of the index clear (see fpMiscIndex).
var twoMiscFP = [64]fpMiscForm{
	// U=0 a=0
	0x08: {OpFRINT, RoundNearest, false}, 0x09: {OpFRINT, RoundMinusInf, false},
	0x0a: {OpFCVTS, RoundNearest, true}, 0x0b: {OpFCVTS, RoundMinusInf, true},
	0x0c: {OpFCVTS, RoundAway, true}, 0x0d: {OpSCVTF, RoundFPCR, true},
	// U=0 a=1
	0x14: {OpFCMGTZ, 0, true}, 0x15: {OpFCMEQZ, 0, true}, 0x16: {OpFCMLTZ, 0, true},
	0x17: {OpFABS, 0, false},
	0x18: {OpFRINT, RoundPlusInf, false}, 0x19: {OpFRINT, RoundZero, false},
	0x1a: {OpFCVTS, RoundPlusInf, true}, 0x1b: {OpFCVTS, RoundZero, true},
	0x1c: {OpURECPE, 0, false}, 0x1d: {OpFRECPE, 0, true}, 0x1f: {OpFRECPX, 0, true},
	// U=1 a=0
	0x28: {OpFRINT, RoundAway, false}, 0x29: {OpFRINT, RoundExact, false},
	0x2a: {OpFCVTU, RoundNearest, true}, 0x2b: {OpFCVTU, RoundMinusInf, true},
	0x2c: {OpFCVTU, RoundAway, true}, 0x2d: {OpUCVTF, RoundFPCR, true},
	// U=1 a=1
	0x34: {OpFCMGEZ, 0, true}, 0x35: {OpFCMLEZ, 0, true}, 0x37: {OpFNEG, 0, false},
	0x39: {OpFRINT, RoundFPCR, false},
	0x3a: {OpFCVTU, RoundPlusInf, true}, 0x3b: {OpFCVTU, RoundZero, true},
	0x3c: {OpURSQRTE, 0, false}, 0x3d: {OpFRSQRTE, 0, true}, 0x3f: {OpFSQRT, 0, false},
}

func decodeTwoMisc(w uint32, scalar bool) Inst {
	u, opcode, size, q := bits(w, 29, 29), bits(w, 16, 12), bits(w, 23, 22), bit(w, 30)
	in := Inst{}
	regs(&in, w)
	in.Rm = 0
	if opcode == 0x16 || opcode == 0x17 { // FCVTN, FCVTXN, FCVTL
		if size>>1 != 0 {
			return Inst{}
		}
		sz := size & 1
		switch {
		case opcode == 0x17 && u == 0 && !scalar:
			in.Op = OpFCVTL
			in.Arr, in.ArrN = fpArr(sz, true), vecArr(sz+1, q)
		case opcode == 0x16 && u == 0 && !scalar:
			in.Op, in.Round = OpFCVTN, RoundFPCR
			in.Arr, in.ArrN = vecArr(sz+1, q), fpArr(sz, true)
		case opcode == 0x16 && u == 1 && sz == 1:
			in.Op, in.Round = OpFCVTXN, RoundOdd
			if scalar {
				in.Arr, in.ArrN = ArrS, ArrD
			} else {
				in.Arr, in.ArrN = vecArr(2, q), Arr2D
			}
		default:
			return Inst{}
		}
		return in
	}
	// the FP ops: opcode 11xxx (a = size<1> selects), and 011xx with a = 1,
	// which sit in slots 4..7 of the a = 1 row
	if opcode >= 0x18 || opcode&0x1c == 0x0c && size>>1 == 1 {
		idx := u<<5 | size>>1<<4 | opcode&0xf
		if opcode < 0x18 {
			idx = u<<5 | 1<<4 | opcode&3 + 4
		}
		f := twoMiscFP[idx]
		if f.op == OpUndefined || scalar && !f.scalar || !scalar && f.op == OpFRECPX {
			return Inst{}
		}
		sz := size & 1
		if (f.op == OpURECPE || f.op == OpURSQRTE) && sz != 0 {
			return Inst{} // 32-bit lanes only
		}
		if scalar {
			in.Arr = fpScalar(sz)
		} else if in.Arr = fpArr(sz, q); in.Arr == ArrNone {
			return Inst{}
		}
		in.Op, in.Round = f.op, f.round
		return in
	}
	if u == 1 && !scalar && opcode == 5 { // NOT (size 0), RBIT (size 1)
		switch size {
		case 0:
			in.Op = OpNOT
		case 1:
			in.Op = OpRBIT
		default:
			return Inst{}
		}
		in.Arr = vecArr(0, q)
		return in
	}
	f := twoMiscInt[u<<5|opcode]
	if f.op == OpUndefined {
		return Inst{}
	}
	if scalar {
		if f.scalarSizes&(1<<size) == 0 {
			return Inst{}
		}
		in.Op, in.Arr = f.op, scalarArr(size)
		if f.shape == miscNarrow {
			in.ArrN = scalarArr(size + 1)
		}
		return in
	}
	if !sizeOK(f.sizes, size, q, false) {
		return Inst{}
	}
	in.Op = f.op
	switch f.shape {
	case miscSame:
		in.Arr = vecArr(size, q)
	case miscPairW:
		in.Arr, in.ArrN = vecArr(size+1, q), vecArr(size, q)
	case miscNarrow:
		in.Arr, in.ArrN = vecArr(size, q), vecArr(size+1, true)
	case miscSHLL:
		in.Arr, in.ArrN = vecArr(size+1, true), vecArr(size, q)
		in.Shift = uint8(8 << size)
	}
	return in
}

func decodeAcross(w uint32) Inst {
	u, opcode, size, q := bits(w, 29, 29), bits(w, 16, 12), bits(w, 23, 22), bit(w, 30)
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31)}
	if opcode == 0x0c || opcode == 0x0f {
		if u != 1 || size&1 != 0 || !q {
			return Inst{} // FP16 forms and 2D are not ARMv8.0
		}
		ops := [4]Op{OpFMAXNMV, OpFMAXV, OpFMINNMV, OpFMINV}
		in.Op = ops[size>>1<<1|opcode&1]
		in.Arr, in.ArrN = ArrS, Arr4S
		return in
	}
	if size == 3 || size == 2 && !q {
		return Inst{}
	}
	switch u<<5 | opcode {
	case 0x03:
		in.Op = OpSADDLV
	case 0x23:
		in.Op = OpUADDLV
	case 0x0a:
		in.Op = OpSMAXV
	case 0x2a:
		in.Op = OpUMAXV
	case 0x1a:
		in.Op = OpSMINV
	case 0x3a:
		in.Op = OpUMINV
	case 0x1b:
		in.Op = OpADDV
	default:
		return Inst{}
	}
	in.Arr, in.ArrN = scalarArr(size), vecArr(size, q)
	if in.Op == OpSADDLV || in.Op == OpUADDLV {
		in.Arr = scalarArr(size + 1)
	}
	return in
}

// decodePairwise is the scalar pairwise group: ADDP (D) and the FP pairs of
// a two-element vector.
func decodePairwise(w uint32) Inst {
	u, opcode, size := bits(w, 29, 29), bits(w, 16, 12), bits(w, 23, 22)
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31)}
	if u == 0 {
		if opcode != 0x1b || size != 3 {
			return Inst{}
		}
		in.Op, in.Arr, in.ArrN = OpADDP, ArrD, Arr2D
		return in
	}
	switch size>>1<<5 | opcode {
	case 0x0c:
		in.Op = OpFMAXNMP
	case 0x0d:
		in.Op = OpFADDP
	case 0x0f:
		in.Op = OpFMAXP
	case 0x2c:
		in.Op = OpFMINNMP
	case 0x2f:
		in.Op = OpFMINP
	default:
		return Inst{}
	}
	in.Arr = fpScalar(size & 1)
	in.ArrN = fpArr(size&1, size&1 == 1)
	return in
}

// elemFromImm5 is the element size (0..3) and index an imm5 field names.
func elemFromImm5(imm5 uint32) (size uint32, index uint8, ok bool) {
	for size = 0; size < 4; size++ {
		if imm5>>size&1 == 1 {
			return size, uint8(imm5 >> (size + 1)), true
		}
	}
	return 0, 0, false
}

func decodeCopy(w uint32) Inst {
	if bits(w, 23, 21) != 0 {
		return Inst{}
	}
	q, op, imm4 := bit(w, 30), bit(w, 29), bits(w, 14, 11)
	size, idx, ok := elemFromImm5(bits(w, 20, 16))
	if !ok {
		return Inst{}
	}
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31)}
	if op {
		if !q {
			return Inst{}
		}
		in.Op, in.Arr, in.Index, in.Index2 = OpINSElem, scalarArr(size), idx, uint8(imm4>>size)
		return in
	}
	switch imm4 {
	case 0, 1:
		if size == 3 && !q {
			return Inst{}
		}
		in.Op, in.Arr, in.Index = OpDUPElem, vecArr(size, q), idx
		if imm4 == 1 {
			in.Op, in.Index, in.GenBits = OpDUPGen, 0, genBits(size == 3)
		}
	case 3:
		if !q {
			return Inst{}
		}
		in.Op, in.Arr, in.Index, in.GenBits = OpINSGen, scalarArr(size), idx, genBits(size == 3)
	case 5:
		if size >= 2 && !q || size == 3 {
			return Inst{}
		}
		in.Op, in.Arr, in.Index, in.GenBits = OpSMOV, scalarArr(size), idx, genBits(q)
	case 7:
		if q != (size == 3) {
			return Inst{}
		}
		in.Op, in.Arr, in.Index, in.GenBits = OpUMOV, scalarArr(size), idx, genBits(q)
	default:
		return Inst{}
	}
	return in
}

func decodeExt(w uint32) Inst {
	q, imm4 := bit(w, 30), bits(w, 14, 11)
	if bits(w, 23, 22) != 0 || !q && imm4 >= 8 {
		return Inst{}
	}
	in := Inst{Op: OpEXT, Arr: vecArr(0, q), Shift: uint8(imm4)}
	regs(&in, w)
	return in
}

var permuteOps = [8]Op{1: OpUZP1, 2: OpTRN1, 3: OpZIP1, 5: OpUZP2, 6: OpTRN2, 7: OpZIP2}

func decodePermute(w uint32) Inst {
	size, q := bits(w, 23, 22), bit(w, 30)
	op := permuteOps[bits(w, 14, 12)]
	if op == OpUndefined || bit(w, 29) || size == 3 && !q {
		return Inst{}
	}
	in := Inst{Op: op, Arr: vecArr(size, q)}
	regs(&in, w)
	return in
}

func decodeTable(w uint32) Inst {
	if bits(w, 23, 22) != 0 || bit(w, 11) {
		return Inst{}
	}
	in := Inst{Op: OpTBL, Arr: vecArr(0, bit(w, 30)), Count: uint8(bits(w, 14, 13) + 1)}
	if bit(w, 12) {
		in.Op = OpTBX
	}
	regs(&in, w)
	return in
}
