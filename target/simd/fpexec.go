package simd

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"

type fpBinaryFunc func(f fp.Format, a, b uint64, fpcr fp.FPCR) (uint64, fp.Flags)

// fpBinary is the lane function of a two-source FP op.
func fpBinary(op Op) fpBinaryFunc {
	switch op {
	case OpFADD, OpFADDP:
		return fp.Add
	case OpFSUB:
		return fp.Sub
	case OpFMUL:
		return fp.Mul
	case OpFMULX:
		return fp.MulX
	case OpFDIV:
		return fp.Div
	case OpFABD:
		return fp.AbsDiff
	case OpFMAX, OpFMAXP, OpFMAXV:
		return fp.Max
	case OpFMIN, OpFMINP, OpFMINV:
		return fp.Min
	case OpFMAXNM, OpFMAXNMP, OpFMAXNMV:
		return fp.MaxNum
	case OpFMINNM, OpFMINNMP, OpFMINNMV:
		return fp.MinNum
	case OpFRECPS:
		return fp.RecipStep
	case OpFRSQRTS:
		return fp.RSqrtStep
	case OpFCMEQ, OpFCMEQZ:
		return fp.CompareEQ
	case OpFCMGE, OpFCMGEZ:
		return fp.CompareGE
	case OpFCMGT, OpFCMGTZ:
		return fp.CompareGT
	case OpFACGE:
		return fp.AbsCompareGE
	case OpFACGT:
		return fp.AbsCompareGT
	case OpFCMLEZ: // 0 >= a
		return func(f fp.Format, a, b uint64, c fp.FPCR) (uint64, fp.Flags) { return fp.CompareGE(f, b, a, c) }
	case OpFCMLTZ:
		return func(f fp.Format, a, b uint64, c fp.FPCR) (uint64, fp.Flags) { return fp.CompareGT(f, b, a, c) }
	}
	return nil
}

// fpLaneOp is the fp.Lanes op of the two-source FP ops that have one.
func fpLaneOp(op Op) (fp.LaneOp, bool) {
	switch op {
	case OpFADD, OpFADDP:
		return fp.LaneAdd, true
	case OpFSUB:
		return fp.LaneSub, true
	case OpFMUL:
		return fp.LaneMul, true
	case OpFMULX:
		return fp.LaneMulX, true
	case OpFDIV:
		return fp.LaneDiv, true
	}
	return 0, false
}

// FPLanes applies a two-source FP op lane by lane (the vector and scalar
// forms of FADD…FRSQRTS, the FP compares; the zero compares take m = 0),
// or pairwise over the concatenation m:n (FADDP, FMAXP, FMINP, FMAXNMP,
// FMINNMP), into dst. known are the FPSR flags already set. It returns the
// flags raised (those in known may be left out). dst is written only after
// n and m are read, so it may be either.
func FPLanes(dst *Vec, op Op, a Arrangement, n, m *Vec, fpcr fp.FPCR, known fp.Flags) fp.Flags {
	fn := fpBinary(op)
	if fn == nil {
		panic("simd: FPLanes of " + op.String())
	}
	e, lanes := a.ElemBits(), a.Lanes()
	f := fp.Format(e)
	pairwise := op == OpFADDP || op == OpFMAXP || op == OpFMINP || op == OpFMAXNMP || op == OpFMINNMP
	lop, host := fpLaneOp(op)
	if host && lanes <= 4 && !pairwise {
		var la fp.LaneArgs
		n.lanesTo(&la.A, e, 0, lanes)
		m.lanesTo(&la.B, e, 0, lanes)
		fl := fp.Lanes(lop, f, lanes, &la, fpcr, known)
		*dst = Vec{}
		dst.setLanes(e, lanes, &la.R)
		dst.fitIn(a)
		return fl
	}
	var xs, ys [16]uint64
	for i := 0; i < lanes; i++ {
		xs[i], ys[i] = n.Elem(e, i), m.Elem(e, i)
		if pairwise {
			src, j := n, 2*i
			if j >= lanes {
				src, j = m, j-lanes
			}
			xs[i], ys[i] = src.Elem(e, j), src.Elem(e, j+1)
		}
	}
	var res Vec
	var fl fp.Flags
	for i := 0; i < lanes; i++ {
		r, g := fn(f, xs[i], ys[i], fpcr)
		res.SetElem(e, i, r)
		fl |= g
	}
	*dst = fit(res, a)
	return fl
}

// FPReduce is FMAXV, FMINV, FMAXNMV, FMINNMV (and the scalar pairwise
// forms over two lanes): the lanes of n combined pairwise as a tree, the
// order the Arm ARM's Reduce uses.
func FPReduce(op Op, an Arrangement, n Vec, fpcr fp.FPCR) (uint64, fp.Flags) {
	fn := fpBinary(op)
	e := an.ElemBits()
	f := fp.Format(e)
	var lanes [4]uint64
	count := an.Lanes()
	for i := 0; i < count; i++ {
		lanes[i] = n.Elem(e, i)
	}
	var fl fp.Flags
	for ; count > 1; count /= 2 {
		for i := 0; i < count/2; i++ {
			var g fp.Flags
			lanes[i], g = fn(f, lanes[2*i], lanes[2*i+1], fpcr)
			fl |= g
		}
	}
	return lanes[0], fl
}

// FPUnary applies a one-source FP op lane by lane: FABS, FNEG, FSQRT,
// FRECPE, FRSQRTE, FRECPX, URECPE, URSQRTE (32-bit integer lanes), FRINT* (round), FCVT[NPMZA][SU] and the
// fixed-point FCVTZS/FCVTZU (fbits), SCVTF/UCVTF (integer lanes in).
func FPUnary(op Op, a Arrangement, n Vec, round Rounding, fbits int, fpcr fp.FPCR) (Vec, fp.Flags) {
	e := a.ElemBits()
	f := fp.Format(e)
	var res Vec
	var fl fp.Flags
	for i := 0; i < a.Lanes(); i++ {
		x := n.Elem(e, i)
		var r uint64
		var g fp.Flags
		switch op {
		case OpFABS:
			r = fp.Abs(f, x)
		case OpFNEG:
			r = fp.Neg(f, x)
		case OpFSQRT:
			r, g = fp.Sqrt(f, x, fpcr)
		case OpFRECPE:
			r, g = fp.RecipEstimate(f, x, fpcr)
		case OpFRSQRTE:
			r, g = fp.RSqrtEstimate(f, x, fpcr)
		case OpFRECPX:
			r, g = fp.RecipExponent(f, x, fpcr)
		case OpURECPE:
			r = uint64(fp.UnsignedRecipEstimate(uint32(x)))
		case OpURSQRTE:
			r = uint64(fp.UnsignedRSqrtEstimate(uint32(x)))
		case OpFRINT:
			r, g = fp.RoundInt(f, x, roundingOf(round, fpcr), round == RoundExact, fpcr)
		case OpFCVTS, OpFCVTU, OpFCVTZSFixed, OpFCVTZUFixed:
			unsigned := op == OpFCVTU || op == OpFCVTZUFixed
			r, g = fp.ToInt(f, x, uint(fbits), unsigned, uint(e), roundingOf(round, fpcr), fpcr)
		case OpSCVTF, OpUCVTF, OpSCVTFFixed, OpUCVTFFixed:
			unsigned := op == OpUCVTF || op == OpUCVTFFixed
			r, g = fp.FromInt(f, x, uint(fbits), unsigned, uint(e), fpcr)
		default:
			panic("simd: FPUnary of " + op.String())
		}
		res.SetElem(e, i, r)
		fl |= g
	}
	return fit(res, a), fl
}

// FPMulAdd is FMLA (sub false) and FMLS: d + n*m (d - n*m) per lane with
// one rounding, into dst (which may be any of the sources). known are the
// FPSR flags already set (see FPLanes).
func FPMulAdd(dst *Vec, a Arrangement, d, n, m *Vec, sub bool, fpcr fp.FPCR, known fp.Flags) fp.Flags {
	e, lanes := a.ElemBits(), a.Lanes()
	op := fp.LaneMulAdd
	if sub {
		op = fp.LaneMulSub
	}
	var la [2]fp.LaneArgs // eight half lanes take two groups of four
	var fl fp.Flags
	for base := 0; base < lanes; base += 4 {
		count, g := min(lanes-base, 4), &la[base/4&1]
		n.lanesTo(&g.A, e, base, count)
		m.lanesTo(&g.B, e, base, count)
		d.lanesTo(&g.C, e, base, count)
		fl |= fp.Lanes(op, fp.Format(e), count, g, fpcr, known|fl)
	}
	*dst = Vec{}
	if lanes <= 4 {
		dst.setLanes(e, lanes, &la[0].R)
	} else {
		for i := 0; i < lanes; i++ {
			dst.SetElem(e, i, la[i/4&1].R[i&3])
		}
	}
	dst.fitIn(a)
	return fl
}

// FPConvertLanes is FCVTL (widen the lanes of n's half an into a), FCVTN
// and FCVTXN (narrow into the lower half, or the upper keeping d's lower
// half for the "2" forms).
func FPConvertLanes(op Op, a, an Arrangement, d, n Vec, fpcr fp.FPCR) (Vec, fp.Flags) {
	e, en := a.ElemBits(), an.ElemBits()
	var res Vec
	var fl fp.Flags
	src, base := n, 0
	switch {
	case op == OpFCVTL:
		src = half(n, an)
	case a.Bits() == 128 && !a.IsScalar():
		res[0], base = d[0], an.Lanes()
	}
	lanes := a.Lanes()
	if op != OpFCVTL {
		lanes = an.Lanes()
	}
	for i := 0; i < lanes; i++ {
		var r uint64
		var g fp.Flags
		if op == OpFCVTXN {
			r, g = fp.ConvertRounding(fp.Format(en), fp.Format(e), src.Elem(en, i), fp.Odd, fpcr)
		} else {
			r, g = fp.Convert(fp.Format(en), fp.Format(e), src.Elem(en, i), fpcr)
		}
		res.SetElem(e, base+i, r)
		fl |= g
	}
	if a.IsScalar() {
		return fit(res, a), fl
	}
	return res, fl
}

func isFPByElement(op Op) bool { return op == OpFMUL || op == OpFMULX || op == OpFMLA || op == OpFMLS }

// CondHolds is ConditionHolds of an A64 condition code on NZCV (bits 3..0).
func CondHolds(cond, nzcv uint8) bool {
	n, z, c, v := nzcv&8 != 0, nzcv&4 != 0, nzcv&2 != 0, nzcv&1 != 0
	var r bool
	switch cond >> 1 {
	case 0:
		r = z
	case 1:
		r = c
	case 2:
		r = n
	case 3:
		r = v
	case 4:
		r = c && !z
	case 5:
		r = n == v
	case 6:
		r = n == v && !z
	case 7:
		return true
	}
	if cond&1 == 1 {
		return !r
	}
	return r
}

// execFP runs the FP data-processing ops (vector and scalar) on s; false
// when in is not one.
func execFP(in *Inst, s *State) bool {
	v, fpcr, known := &s.V, s.FPCR, fp.Flags(s.FPSR)
	d, n, m := v[in.Rd], v[in.Rn], v[in.Rm]
	e := in.Arr.ElemBits()
	f := fp.Format(e)
	var res Vec
	var fl fp.Flags
	if in.ByElement && isFPByElement(in.Op) {
		m = Dup(in.Arr, m.Elem(e, int(in.Index)))
	}
	switch in.Op {
	case OpFADD, OpFSUB, OpFMUL, OpFMULX, OpFDIV, OpFABD, OpFMAX, OpFMIN, OpFMAXNM, OpFMINNM, OpFRECPS, OpFRSQRTS,
		OpFCMEQ, OpFCMGE, OpFCMGT, OpFACGE, OpFACGT:
		s.FPSR |= uint32(FPLanes(&v[in.Rd], in.Op, in.Arr, &n, &m, fpcr, known))
		return true // written in place: copying a Vec just written by halves stalls the host
	case OpFCMEQZ, OpFCMGEZ, OpFCMGTZ, OpFCMLEZ, OpFCMLTZ:
		s.FPSR |= uint32(FPLanes(&v[in.Rd], in.Op, in.Arr, &n, &Vec{}, fpcr, known))
		return true
	case OpFNMUL:
		var r uint64
		r, fl = fp.Mul(f, n[0]&mask(e), m[0]&mask(e), fpcr)
		res = Vec{fp.Neg(f, r)}
	case OpFADDP, OpFMAXP, OpFMINP, OpFMAXNMP, OpFMINNMP:
		if in.Arr.IsScalar() {
			var r uint64
			r, fl = FPReduce(in.Op, in.ArrN, n, fpcr)
			res = Vec{r}
		} else {
			fl = FPLanes(&res, in.Op, in.Arr, &n, &m, fpcr, known)
		}
	case OpFMAXV, OpFMINV, OpFMAXNMV, OpFMINNMV:
		var r uint64
		r, fl = FPReduce(in.Op, in.ArrN, n, fpcr)
		res = Vec{r}
	case OpFABS, OpFNEG, OpFSQRT, OpFRECPE, OpFRSQRTE, OpFRECPX, OpURECPE, OpURSQRTE, OpFRINT, OpFCVTS, OpFCVTU, OpFCVTZSFixed, OpFCVTZUFixed,
		OpSCVTF, OpUCVTF, OpSCVTFFixed, OpUCVTFFixed:
		res, fl = FPUnary(in.Op, in.Arr, n, in.Round, int(in.FBits), fpcr)
	case OpFMLA, OpFMLS:
		s.FPSR |= uint32(FPMulAdd(&v[in.Rd], in.Arr, &d, &n, &m, in.Op == OpFMLS, fpcr, known))
		return true
	case OpFCVTL, OpFCVTN, OpFCVTXN:
		res, fl = FPConvertLanes(in.Op, in.Arr, in.ArrN, d, n, fpcr)
	case OpFCVT:
		var r uint64
		en := in.ArrN.ElemBits()
		r, fl = fp.Convert(fp.Format(en), f, n[0]&mask(en), fpcr)
		res = Vec{r}
	case OpFMOV:
		res = fit(n, in.Arr)
	case OpFMADD, OpFMSUB: // the scalar FMLA, FMLS with the addend Ra
		s.FPSR |= uint32(FPMulAdd(&v[in.Rd], in.Arr, &v[in.Ra], &n, &m, in.Op == OpFMSUB, fpcr, known))
		return true
	case OpFNMADD, OpFNMSUB:
		a := v[in.Ra][0] & mask(e)
		x, y := n[0]&mask(e), m[0]&mask(e)
		var r uint64
		if in.Op == OpFNMADD {
			r, fl = fp.NegMulAdd(f, a, x, y, fpcr)
		} else {
			r, fl = fp.NegMulSub(f, a, x, y, fpcr)
		}
		res = Vec{r}
	case OpFCMP, OpFCMPE, OpFCMPZ, OpFCMPEZ, OpFCCMP, OpFCCMPE:
		x, y := n[0]&mask(e), m[0]&mask(e)
		if in.Op == OpFCMPZ || in.Op == OpFCMPEZ {
			y = 0
		}
		switch {
		case (in.Op == OpFCCMP || in.Op == OpFCCMPE) && !CondHolds(in.Cond, s.NZCV):
			s.NZCV = uint8(in.Imm)
		case in.Op == OpFCMPE || in.Op == OpFCMPEZ || in.Op == OpFCCMPE:
			s.NZCV, fl = fp.CompareSignaling(f, x, y, fpcr)
		default:
			s.NZCV, fl = fp.Compare(f, x, y, fpcr)
		}
		s.FPSR |= uint32(fl)
		return true
	case OpFCSEL:
		res = fit(m, in.Arr)
		if CondHolds(in.Cond, s.NZCV) {
			res = fit(n, in.Arr)
		}
	default:
		return false
	}
	v[in.Rd].set(&res)
	s.FPSR |= uint32(fl)
	return true
}
