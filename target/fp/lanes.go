package fp

// LaneOp is an op Lanes runs over the lanes of one vector instruction.
type LaneOp uint8

const (
	LaneAdd    LaneOp = iota // a + b: FADD
	LaneSub                  // a - b: FSUB
	LaneMul                  // a * b: FMUL
	LaneMulX                 // FMULX
	LaneMulAdd               // c + a*b with one rounding: FMLA, FMADD
	LaneMulSub               // c - a*b with one rounding (a negated first): FMLS, FMSUB
	LaneDiv                  // a / b: FDIV
	LaneSqrt                 // the square root of a: FSQRT
)

// LaneArgs are the operands of Lanes, lane i in [i], and its results.
type LaneArgs struct {
	A, B, C [4]uint64 // a op b; c + a*b for the fused ops; B and C 0 for a square root
	R       [4]uint64 // the results
}

// Lanes applies op to lanes 0..count-1 (at most 4) of la.A, la.B and la.C
// (C read by the fused ops only) into la.R, each lane as the scalar
// function of op does, and returns the flags raised. known are the FPSR flags
// already set: a flag in known may be left out of the flags returned. The
// host fast path (host.go) runs the lanes it can in one loop without calls;
// the software path then computes the others.
func Lanes(op LaneOp, f Format, count int, la *LaneArgs, fpcr FPCR, known Flags) (fl Flags) {
	hop, negA, negB := hostAdd, uint64(0), uint64(0)
	switch op {
	case LaneSub:
		negB = f.signBit()
	case LaneMul, LaneMulX:
		hop = hostMul // no Inf on the host path, so FMULX is FMUL
	case LaneMulAdd:
		hop = hostMulAdd
	case LaneMulSub:
		hop, negA = hostMulAdd, f.signBit()
	case LaneDiv:
		hop = hostDiv
	case LaneSqrt:
		hop = hostSqrt
	}
	fl, undone := hostLanes(f, hop, count, la, negA, negB, fpcr, known)
	for i := 0; undone != 0 && i < 4; i, undone = i+1, undone>>1 {
		if undone&1 == 0 {
			continue
		}
		var g Flags
		la.R[i], g = softLane(op, f, la.A[i], la.B[i], la.C[i], fpcr)
		fl |= g
	}
	return fl
}

// lane1 is Lanes of one lane with nothing known: the scalar functions.
func lane1(op LaneOp, f Format, a, b, c uint64, fpcr FPCR) (uint64, Flags) {
	la := LaneArgs{A: [4]uint64{a}, B: [4]uint64{b}, C: [4]uint64{c}}
	fl := Lanes(op, f, 1, &la, fpcr, 0)
	return la.R[0], fl
}

// softLane is one lane of Lanes on the software path.
func softLane(op LaneOp, f Format, a, b, c uint64, fpcr FPCR) (uint64, Flags) {
	switch op {
	case LaneAdd, LaneSub:
		return addSubSoft(f, a, b, op == LaneSub, fpcr)
	case LaneMul, LaneMulX:
		return mulSoft(f, a, b, op == LaneMulX, fpcr)
	case LaneMulSub:
		return mulAddSoft(f, c, Neg(f, a), b, fpcr)
	case LaneDiv:
		return divSoft(f, a, b, fpcr)
	case LaneSqrt:
		return sqrtSoft(f, a, fpcr)
	}
	return mulAddSoft(f, c, a, b, fpcr)
}
