package simd

import gobits "math/bits"

// FPSRQC is the cumulative saturation bit of FPSR that the saturating
// integer ops set.
const FPSRQC = 1 << 27

// Binary is a lane-wise integer op of two sources of the same arrangement
// (vector, or a scalar B/H/S/D): ADD, SUB, MUL, MLA, MLS, the saturating,
// halving, absolute-difference, min/max, compare, shift-by-register and
// logical ops, and the pairwise ADDP/SMAXP/UMAXP/SMINP/UMINP. d is the old
// destination (read by MLA, MLS, SABA, UABA, BSL, BIT, BIF). The one-source
// saturating SQABS, SQNEG (of n) and SUQADD, USQADD (n into d) are here too
// for their saturation flag. sat reports saturation (set FPSR.QC).
func Binary(op Op, a Arrangement, d, n, m Vec) (res Vec, sat bool) {
	if r, ok := binaryWords(op, a.ElemBits(), d, n, m); ok {
		return fit(r, a), false
	}
	e, lanes := a.ElemBits(), a.Lanes()
	if isPairwise(op) {
		// the pairs of the concatenation m:n, n's lanes first
		var p, q Vec
		for i := 0; i < lanes; i++ {
			src, j := n, 2*i
			if j >= lanes {
				src, j = m, j-lanes
			}
			p.SetElem(e, i, src.Elem(e, j))
			q.SetElem(e, i, src.Elem(e, j+1))
		}
		n, m, op = p, q, pairwiseOp(op)
	}
	for i := 0; i < lanes; i++ {
		r, s := binaryLane(op, e, d.Elem(e, i), n.Elem(e, i), m.Elem(e, i))
		res.SetElem(e, i, r)
		sat = sat || s
	}
	return fit(res, a), sat
}

// laneTops is the mask of each lane's top bit, by element size.
func laneTops(e int) uint64 {
	switch e {
	case 8:
		return 0x8080808080808080
	case 16:
		return 0x8000800080008000
	case 32:
		return 0x8000000080000000
	}
	return 1 << 63
}

// binaryWords is the fast path of Binary for the ops that work on whole
// 64-bit words: the bitwise ops, and ADD/SUB with the carries between
// lanes cut off at each lane's top bit.
func binaryWords(op Op, e int, d, n, m Vec) (Vec, bool) {
	var r Vec
	h := laneTops(e)
	for i := range r {
		x, y, z := n[i], m[i], d[i]
		switch op {
		case OpAND:
			r[i] = x & y
		case OpORR:
			r[i] = x | y
		case OpORN:
			r[i] = x | ^y
		case OpEOR:
			r[i] = x ^ y
		case OpBIC:
			r[i] = x &^ y
		case OpBSL:
			r[i] = x&z | y&^z
		case OpBIT:
			r[i] = x&y | z&^y
		case OpBIF:
			r[i] = x&^y | z&y
		case OpADD:
			r[i] = (x&^h + y&^h) ^ (x^y)&h
		case OpSUB:
			r[i] = (x | h - y&^h) ^ (x^^y)&h
		case OpCMEQ, OpCMTST:
			t := x ^ y
			if op == OpCMTST {
				t = x & y
			}
			// a lane is nonzero when its top bit is set or its low bits
			// carry into the top bit when added to all ones
			nz := (t&^h + ^h | t) & h
			if op == OpCMEQ {
				nz ^= h
			}
			r[i] = nz >> uint(e-1) * mask(e)
		default:
			return r, false
		}
	}
	return r, true
}

func isPairwise(op Op) bool {
	return op == OpADDP || op == OpSMAXP || op == OpUMAXP || op == OpSMINP || op == OpUMINP
}

func pairwiseOp(op Op) Op {
	switch op {
	case OpSMAXP:
		return OpSMAX
	case OpUMAXP:
		return OpUMAX
	case OpSMINP:
		return OpSMIN
	case OpUMINP:
		return OpUMIN
	}
	return OpADD
}

func boolMask(b bool, e int) uint64 {
	if b {
		return mask(e)
	}
	return 0
}

func absDiffS(x, y int64) uint64 {
	if x > y {
		return uint64(x) - uint64(y)
	}
	return uint64(y) - uint64(x)
}

func absDiffU(x, y uint64) uint64 {
	if x > y {
		return x - y
	}
	return y - x
}

// binaryLane is one lane of Binary on e-bit values (zero-extended).
func binaryLane(op Op, e int, d, x, y uint64) (uint64, bool) {
	sx, sy := sext64(x, e), sext64(y, e)
	mk := mask(e)
	switch op {
	case OpADD:
		return (x + y) & mk, false
	case OpSUB:
		return (x - y) & mk, false
	case OpMUL:
		return x * y & mk, false
	case OpMLA:
		return (d + x*y) & mk, false
	case OpMLS:
		return (d - x*y) & mk, false
	case OpSQADD:
		if e == 64 {
			r := sx + sy
			if (sx >= 0) == (sy >= 0) && (r >= 0) != (sx >= 0) {
				return uint64(smax(64)) + boolU(sx < 0), true // max, or min = max+1
			}
			return uint64(r), false
		}
		return satS(sx+sy, e)
	case OpSQSUB:
		if e == 64 {
			r := sx - sy
			if (sx >= 0) != (sy >= 0) && (r >= 0) != (sx >= 0) {
				return uint64(smax(64)) + boolU(sx < 0), true
			}
			return uint64(r), false
		}
		return satS(sx-sy, e)
	case OpUQADD:
		r, c := gobits.Add64(x, y, 0)
		if c != 0 || r > mk {
			return mk, true
		}
		return r, false
	case OpUQSUB:
		if x < y {
			return 0, true
		}
		return x - y, false
	case OpSHADD:
		return uint64((sx+sy)>>1) & mk, false
	case OpUHADD:
		return (x + y) >> 1 & mk, false
	case OpSRHADD:
		return uint64((sx+sy+1)>>1) & mk, false
	case OpURHADD:
		return (x + y + 1) >> 1 & mk, false
	case OpSHSUB:
		return uint64((sx-sy)>>1) & mk, false
	case OpUHSUB:
		return uint64((int64(x)-int64(y))>>1) & mk, false
	case OpSABD:
		return absDiffS(sx, sy) & mk, false
	case OpUABD:
		return absDiffU(x, y) & mk, false
	case OpSABA:
		return (d + absDiffS(sx, sy)) & mk, false
	case OpUABA:
		return (d + absDiffU(x, y)) & mk, false
	case OpSMAX:
		return uint64(max(sx, sy)) & mk, false
	case OpSMIN:
		return uint64(min(sx, sy)) & mk, false
	case OpUMAX:
		return max(x, y), false
	case OpUMIN:
		return min(x, y), false
	case OpCMEQ:
		return boolMask(x == y, e), false
	case OpCMGE:
		return boolMask(sx >= sy, e), false
	case OpCMGT:
		return boolMask(sx > sy, e), false
	case OpCMHI:
		return boolMask(x > y, e), false
	case OpCMHS:
		return boolMask(x >= y, e), false
	case OpCMTST:
		return boolMask(x&y != 0, e), false
	case OpSSHL, OpSRSHL, OpSQSHL, OpSQRSHL:
		s := int(int8(y))
		if s < 0 {
			return uint64(shiftRightS(sx, -s, op == OpSRSHL || op == OpSQRSHL)) & mk, false
		}
		if op == OpSQSHL || op == OpSQRSHL {
			return shiftLeftSatS(sx, s, e, false)
		}
		if s >= 64 {
			return 0, false
		}
		return x << uint(s) & mk, false
	case OpUSHL, OpURSHL, OpUQSHL, OpUQRSHL:
		s := int(int8(y))
		if s < 0 {
			return shiftRightU(x, -s, op == OpURSHL || op == OpUQRSHL) & mk, false
		}
		if op == OpUQSHL || op == OpUQRSHL {
			return shiftLeftSatU(x, s, e)
		}
		if s >= 64 {
			return 0, false
		}
		return x << uint(s) & mk, false
	case OpSQDMULH: // (2xy) >> e = xy >> (e-1); only min*min saturates
		return satS(sx*sy>>uint(e-1), e)
	case OpSQRDMULH:
		return satS((sx*sy+1<<uint(e-2))>>uint(e-1), e)
	case OpPMUL:
		return clmul(x, y) & mk, false
	case OpSQABS, OpSQNEG:
		switch {
		case sx == smin(e): // only the minimum saturates (and -min overflows int64)
			return uint64(smax(e)), true
		case op == OpSQABS && sx >= 0:
			return x, false
		}
		return uint64(-sx) & mk, false
	case OpSUQADD:
		return signedPlusUnsigned(sext64(d, e), x, e)
	case OpUSQADD:
		return unsignedPlusSigned(d, sx, e)
	case OpAND:
		return x & y, false
	case OpORR:
		return x | y, false
	case OpORN:
		return (x | ^y) & mk, false
	case OpEOR:
		return x ^ y, false
	case OpBIC:
		return x &^ y, false
	case OpBSL:
		return (x & d) | (y &^ d), false
	case OpBIT:
		return (x & y) | (d &^ y), false
	case OpBIF:
		return (x &^ y) | (d & y), false
	}
	panic("simd: Binary of " + op.String())
}

// signedPlusUnsigned is SUQADD's lane: signed s plus unsigned u, saturated
// to a signed e-bit value.
func signedPlusUnsigned(s int64, u uint64, e int) (uint64, bool) {
	if e < 64 {
		return satS(s+int64(u), e)
	}
	lo, carry := gobits.Add64(uint64(s), u, 0)
	hi := uint64(s>>63) + carry // the 128-bit sum's upper half: 0, 1 or all ones
	if hi == 0 && lo < 1<<63 || hi == ^uint64(0) && lo >= 1<<63 {
		return lo, false
	}
	return uint64(smax(64)), true
}

// unsignedPlusSigned is USQADD's lane: unsigned u plus signed s, saturated
// to an unsigned e-bit value.
func unsignedPlusSigned(u uint64, s int64, e int) (uint64, bool) {
	if e < 64 {
		sum := int64(u) + s
		if sum < 0 {
			return 0, true
		}
		return satU(uint64(sum), e)
	}
	if s >= 0 {
		r, c := gobits.Add64(u, uint64(s), 0)
		if c != 0 {
			return mask(64), true
		}
		return r, false
	}
	if mag := uint64(-s); u < mag {
		return 0, true
	} else {
		return u - mag, false
	}
}

// clmul is the carry-less (polynomial) product of two 32-bit values.
func clmul(x, y uint64) uint64 {
	var r uint64
	for i := 0; i < 32; i++ {
		if y>>uint(i)&1 == 1 {
			r ^= x << uint(i)
		}
	}
	return r
}

// doubleSat is SQDMULL's lane: 2*x*y of two signed e-bit values into 2e
// bits, saturated (only min*min overflows).
func doubleSat(x, y int64, e int) (uint64, bool) {
	p := x * y
	if p == 1<<uint(2*e-2) {
		return uint64(smax(2 * e)), true
	}
	return uint64(2*p) & mask(2*e), false
}

func boolU(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Unary is a lane-wise integer op of one source: ABS, NEG, CNT, CLZ, CLS,
// RBIT, NOT, REV16/REV32/REV64 and the compares against zero.
func Unary(op Op, a Arrangement, n Vec) Vec {
	e, lanes := a.ElemBits(), a.Lanes()
	var res Vec
	switch op {
	case OpREV16, OpREV32, OpREV64:
		group := 64 / e
		switch op {
		case OpREV16:
			group = 16 / e
		case OpREV32:
			group = 32 / e
		}
		for i := 0; i < lanes; i++ {
			res.SetElem(e, i^(group-1), n.Elem(e, i))
		}
		return fit(res, a)
	}
	for i := 0; i < lanes; i++ {
		x := n.Elem(e, i)
		sx := sext64(x, e)
		var r uint64
		switch op {
		case OpABS:
			r = uint64(sx)
			if sx < 0 {
				r = uint64(-sx)
			}
		case OpNEG:
			r = -x
		case OpCNT:
			r = uint64(gobits.OnesCount64(x))
		case OpCLZ:
			r = uint64(gobits.LeadingZeros64(x) - (64 - e))
		case OpCLS:
			r = uint64(gobits.LeadingZeros64(uint64(sx^sx>>63)) - (64 - e) - 1)
		case OpRBIT:
			r = gobits.Reverse64(x) >> (64 - e)
		case OpNOT:
			r = ^x
		case OpCMEQZ:
			r = boolMask(sx == 0, e)
		case OpCMGEZ:
			r = boolMask(sx >= 0, e)
		case OpCMGTZ:
			r = boolMask(sx > 0, e)
		case OpCMLEZ:
			r = boolMask(sx <= 0, e)
		case OpCMLTZ:
			r = boolMask(sx < 0, e)
		default:
			panic("simd: Unary of " + op.String())
		}
		res.SetElem(e, i, r)
	}
	return fit(res, a)
}

// PairwiseLong is SADDLP, UADDLP, SADALP and UADALP: a is the wide
// destination arrangement, an the source's.
func PairwiseLong(op Op, a, an Arrangement, d, n Vec) Vec {
	e, en := a.ElemBits(), an.ElemBits()
	var res Vec
	for i := 0; i < a.Lanes(); i++ {
		x, y := n.Elem(en, 2*i), n.Elem(en, 2*i+1)
		var r uint64
		if op == OpSADDLP || op == OpSADALP {
			r = uint64(sext64(x, en) + sext64(y, en))
		} else {
			r = x + y
		}
		if op == OpSADALP || op == OpUADALP {
			r += d.Elem(e, i)
		}
		res.SetElem(e, i, r)
	}
	return fit(res, a)
}

// ShiftImm is a shift by an immediate with the same arrangement in and
// out: SSHR, USHR, SSRA, USRA, SRSHR, URSHR, SRSRA, URSRA, SRI (right by
// shift, 1..esize), SHL, SLI, SQSHL, UQSHL, SQSHLU (left, 0..esize-1).
func ShiftImm(op Op, a Arrangement, d, n Vec, shift int) (res Vec, sat bool) {
	e := a.ElemBits()
	mk := mask(e)
	for i := 0; i < a.Lanes(); i++ {
		x, old := n.Elem(e, i), d.Elem(e, i)
		sx := sext64(x, e)
		var r uint64
		var s bool
		switch op {
		case OpSSHR, OpSSRA, OpSRSHR, OpSRSRA:
			r = uint64(shiftRightS(sx, shift, op == OpSRSHR || op == OpSRSRA))
			if op == OpSSRA || op == OpSRSRA {
				r += old
			}
		case OpUSHR, OpUSRA, OpURSHR, OpURSRA:
			r = shiftRightU(x, shift, op == OpURSHR || op == OpURSRA)
			if op == OpUSRA || op == OpURSRA {
				r += old
			}
		case OpSRI:
			keep := ^(mk >> uint(shift)) // the top shift bits of d stay
			if shift == e {
				keep = mk
			}
			r = old&keep | shiftRightU(x, shift, false)
		case OpSHL:
			r = x << uint(shift)
		case OpSLI:
			r = old&(1<<uint(shift)-1) | x<<uint(shift)
		case OpSQSHLImm:
			r, s = shiftLeftSatS(sx, shift, e, false)
		case OpSQSHLUImm:
			r, s = shiftLeftSatS(sx, shift, e, true)
		case OpUQSHLImm:
			r, s = shiftLeftSatU(x, shift, e)
		default:
			panic("simd: ShiftImm of " + op.String())
		}
		res.SetElem(e, i, r&mk)
		sat = sat || s
	}
	return fit(res, a), sat
}

// Narrow writes the narrowed lanes of n (arrangement an, twice as wide) into
// the lower half of the result, or, for the "2" forms (a is 128 bits), into
// the upper half keeping d's lower half: XTN, SQXTN, UQXTN, SQXTUN and the
// narrowing right shifts SHRN, RSHRN, SQSHRN, SQRSHRN, UQSHRN, UQRSHRN,
// SQSHRUN, SQRSHRUN by shift.
func Narrow(op Op, a, an Arrangement, d, n Vec, shift int) (res Vec, sat bool) {
	e, en := a.ElemBits(), an.ElemBits()
	lanes := an.Lanes()
	base := 0
	if a.Bits() == 128 && !a.IsScalar() {
		res[0], base = d[0], lanes
	}
	for i := 0; i < lanes; i++ {
		x := n.Elem(en, i)
		sx := sext64(x, en)
		round := op == OpRSHRN || op == OpSQRSHRN || op == OpUQRSHRN || op == OpSQRSHRUN
		var r uint64
		var s bool
		switch op {
		case OpXTN:
			r = x
		case OpSQXTN:
			r, s = satS(sx, e)
		case OpUQXTN:
			r, s = satU(x, e)
		case OpSQXTUN:
			r, s = satUFromS(sx, e)
		case OpSHRN, OpRSHRN:
			r = shiftRightU(x, shift, round)
		case OpSQSHRN, OpSQRSHRN:
			r, s = satS(shiftRightS(sx, shift, round), e)
		case OpSQSHRUN, OpSQRSHRUN:
			r, s = satUFromS(shiftRightS(sx, shift, round), e)
		case OpUQSHRN, OpUQRSHRN:
			r, s = satU(shiftRightU(x, shift, round), e)
		default:
			panic("simd: Narrow of " + op.String())
		}
		res.SetElem(e, base+i, r)
		sat = sat || s
	}
	if a.IsScalar() {
		return fit(res, a), sat
	}
	if base == 0 {
		res[1] = 0
	}
	return res, sat
}

// half is the lanes of v an reads: the upper half for a 128-bit
// arrangement of a widening op's narrow source (the "2" forms).
func half(v Vec, an Arrangement) Vec {
	if an.Bits() == 128 {
		return Vec{v[1], 0}
	}
	return v
}

// Long is the widening ops: SADDL…UMULL, PMULL and the saturating
// SQDMULL/SQDMLAL/SQDMLSL (both sources narrow), SADDW…USUBW (n wide, m
// narrow), SSHLL/USHLL/SHLL by shift (m unused). a is the wide arrangement
// (or scalar), an the narrow source's (its upper half for the "2" forms).
// sat reports saturation.
func Long(op Op, a, an Arrangement, d, n, m Vec, shift int) (res Vec, sat bool) {
	e, en := a.ElemBits(), an.ElemBits()
	nh, mh := half(n, an), half(m, an)
	for i := 0; i < a.Lanes(); i++ {
		x, y, acc := nh.Elem(en, i), mh.Elem(en, i), d.Elem(e, i)
		sx, sy := uint64(sext64(x, en)), uint64(sext64(y, en))
		var r uint64
		switch op {
		case OpSADDL:
			r = sx + sy
		case OpUADDL:
			r = x + y
		case OpSSUBL:
			r = sx - sy
		case OpUSUBL:
			r = x - y
		case OpSADDW:
			r = n.Elem(e, i) + sy
		case OpUADDW:
			r = n.Elem(e, i) + y
		case OpSSUBW:
			r = n.Elem(e, i) - sy
		case OpUSUBW:
			r = n.Elem(e, i) - y
		case OpSABAL:
			r = acc + absDiffS(int64(sx), int64(sy))
		case OpUABAL:
			r = acc + absDiffU(x, y)
		case OpSABDL:
			r = absDiffS(int64(sx), int64(sy))
		case OpUABDL:
			r = absDiffU(x, y)
		case OpSMLAL:
			r = acc + sx*sy
		case OpUMLAL:
			r = acc + x*y
		case OpSMLSL:
			r = acc - sx*sy
		case OpUMLSL:
			r = acc - x*y
		case OpSMULL:
			r = sx * sy
		case OpUMULL:
			r = x * y
		case OpSSHLL:
			r = sx << uint(shift)
		case OpUSHLL, OpSHLL:
			r = x << uint(shift)
		case OpPMULL:
			r = clmul(x, y)
		case OpSQDMULL, OpSQDMLAL, OpSQDMLSL:
			var s1, s2 bool
			r, s1 = doubleSat(int64(sx), int64(sy), en)
			switch op {
			case OpSQDMLAL:
				r, s2 = binaryLane(OpSQADD, e, 0, acc, r)
			case OpSQDMLSL:
				r, s2 = binaryLane(OpSQSUB, e, 0, acc, r)
			}
			sat = sat || s1 || s2
		default:
			panic("simd: Long of " + op.String())
		}
		res.SetElem(e, i, r)
	}
	return fit(res, a), sat
}

// HighNarrow is ADDHN, SUBHN, RADDHN, RSUBHN: the high halves of the wide
// sums or differences (arrangement an) into a's lanes (upper half for the
// "2" forms, keeping d's lower half).
func HighNarrow(op Op, a, an Arrangement, d, n, m Vec) Vec {
	e, en := a.ElemBits(), an.ElemBits()
	var res Vec
	base := 0
	if a.Bits() == 128 {
		res[0], base = d[0], an.Lanes()
	}
	for i := 0; i < an.Lanes(); i++ {
		x, y := n.Elem(en, i), m.Elem(en, i)
		r := x + y
		if op == OpSUBHN || op == OpRSUBHN {
			r = x - y
		}
		if op == OpRADDHN || op == OpRSUBHN {
			r += 1 << uint(e-1)
		}
		r &= mask(en)
		res.SetElem(e, base+i, r>>uint(e))
	}
	return res
}

// Reduce is the across-lanes ops ADDV, SADDLV, UADDLV, SMAXV, UMAXV, SMINV,
// UMINV: the scalar result (arrangement a) of n's lanes (arrangement an).
func Reduce(op Op, a, an Arrangement, n Vec) Vec {
	en := an.ElemBits()
	acc := n.Elem(en, 0)
	if op == OpSADDLV {
		acc = uint64(sext64(acc, en))
	}
	for i := 1; i < an.Lanes(); i++ {
		x := n.Elem(en, i)
		switch op {
		case OpADDV, OpUADDLV:
			acc += x
		case OpSADDLV:
			acc += uint64(sext64(x, en))
		case OpSMAXV:
			acc = uint64(max(sext64(acc, en), sext64(x, en)))
		case OpSMINV:
			acc = uint64(min(sext64(acc, en), sext64(x, en)))
		case OpUMAXV:
			acc = max(acc, x)
		case OpUMINV:
			acc = min(acc, x)
		default:
			panic("simd: Reduce of " + op.String())
		}
	}
	return fit(Vec{acc}, a)
}
