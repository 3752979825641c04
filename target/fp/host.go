package fp

import "math"

// The host fast path: FADD, FSUB, FMUL, FMULX, the FMADD family, FDIV and
// FSQRT of single and double precision computed with the host's float64 arithmetic when the
// result is provably the one the software path (round) gives, FPSR flags
// included; the lanes hostLanes leaves undone go to the software path.
//
// Why it is exact:
//   - FPCR.RMode is RN, the host's only mode. FZ and DN then change nothing,
//     as no operand is subnormal or NaN and no result is subnormal: every
//     operand is ±0 or normal (normalOrZero) and a result is normal with a
//     magnitude above the smallest normal (aboveMinNormal), or a zero shown
//     to be exact.
//   - Above the smallest normal, tininess (detected before rounding) cannot
//     have happened: a value below it rounds to at most the smallest normal
//     (UFC, IDC cannot arise); a finite result means no overflow (OFC).
//   - Double results are one IEEE RN operation of the host (x+y, x*y,
//     math.FMA). Single results come from a float64 value s: a sum or a
//     product of two singles is exact or rounded once in float64 and then
//     once to single, which is the single rounding because 53 >= 2*24+2;
//     so are a quotient (53 >= 2*24) and a root (53 >= 2*24+2) of singles;
//     a single product is exact in float64 (48 bits) and a single FMA's
//     s = p + c is exact when Fast2Sum says so, else rounding s again is
//     wrong only at a single-precision midpoint, so an inexact s there
//     falls back.
//   - Inexact (IXC) is the only other flag possible. It is not computed
//     when known has IXC (FPSR's flags are sticky); else error-free
//     transforms decide it: Fast2Sum for sums, math.FMA(x, y, -p) for a
//     double product p (exact while |p| >= 2^-968, which keeps the error
//     above the subnormal quantum: a product of 53-bit mantissas has at most
//     106 bits), the remainder math.FMA(q, b, -a) of a double quotient and
//     math.FMA(s, s, -a) of a double root (nonzero exactly when inexact
//     while |a| >= 2^-968, for the same reason), a float64 round trip and
//     exact float64 products q*b, s*s for singles.

type hostOp uint8

const (
	hostAdd    hostOp = iota // a + b
	hostMul                  // a * b
	hostMulAdd               // c + a*b, one rounding
	hostDiv                  // a / b
	hostSqrt                 // the square root of a
)

// productFloor is the |p| from which math.FMA(x, y, -p) is the exact error
// of the double product p = x*y.
const productFloor = 0x1p-968

// The fast path accepts an operand whose magnitude bits are 0 or in
// [minNormal, inf), and a result in (minNormal, inf) or an exact 0.

// hostBits are the sign bit, the smallest normal and the infinity of single
// and double.
var hostBits = [2]struct{ sign, minNormal, inf uint64 }{
	{1 << 31, 1 << 23, 0xff << 23},
	{1 << 63, 1 << 52, 0x7ff << 52},
}

// normalOrZero says the magnitude bits mag are 0 or a normal number.
func normalOrZero(mag, minNormal, inf uint64) bool { return mag == 0 || mag-minNormal < inf-minNormal }

// aboveMinNormal says the magnitude bits mag are a finite number above the smallest normal.
func aboveMinNormal(mag, minNormal, inf uint64) bool { return mag-(minNormal+1) < inf-(minNormal+1) }

// sumExact says s, the float64 RN of x + y, is exactly x + y (Fast2Sum: with
// |hi| >= |lo|, lo - (s - hi) is the exact error; nothing overflows when s
// is finite).
func sumExact(x, y, s float64) bool {
	hi, lo := x, y
	if math.Abs(lo) > math.Abs(hi) {
		hi, lo = lo, hi
	}
	return lo-(s-hi) == 0
}

// hostLanes is op on the bit patterns of f in lanes 0..count-1 (at most 4)
// of la.A, la.B, la.C into la.R (one struct by pointer: few registers for
// the loop, and no copy of an array just written lane by lane, which stalls
// the host's store forwarding), with A[i]^negA and B[i]^negB as the first
// two operands (negA, negB: 0 or the sign bit). Bit i of undone is set
// where lane i is left to the software path; fl has the flags of the
// others, with the flags of the lanes before each known too. The lanes run
// in one loop without calls.
func hostLanes(f Format, op hostOp, count int, la *LaneArgs, negA, negB uint64, fpcr FPCR, known Flags) (fl Flags, undone uint) {
	n := min(count, 4)
	undone = 1<<n - 1
	if fpcr&rmodeMask != 0 || f != Double && f != Single {
		return 0, undone
	}
	k := &hostBits[f>>6] // single 0, double 1
	for i := 0; i < n; i++ {
		a, b, c := la.A[i&3]^negA, la.B[i&3]^negB, la.C[i&3]
		sign, minNormal, inf := k.sign, k.minNormal, k.inf
		if !normalOrZero(a&^sign, minNormal, inf) || op != hostSqrt && !normalOrZero(b&^sign, minNormal, inf) ||
			op == hostMulAdd && !normalOrZero(c&^sign, minNormal, inf) ||
			op == hostDiv && b&^sign == 0 || // divide by zero, 0/0
			op == hostSqrt && a&sign != 0 && a&^sign != 0 { // the root of a negative
			continue
		}
		checkIXC := (known|fl)&IXC == 0
		// a zero sum of normals is exact (else it would be a subnormal); so is c plus a zero
		// product, 0/b and the root of ±0 (itself)
		zeroExact := op == hostAdd || a&^sign == 0 || op != hostSqrt && b&^sign == 0
		var x, y, z float64
		if f == Double {
			x, y, z = math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c)
		} else { // single: computed in float64, then rounded to single
			x = float64(math.Float32frombits(uint32(a)))
			y = float64(math.Float32frombits(uint32(b)))
			z = float64(math.Float32frombits(uint32(c)))
		}
		var s float64
		var g Flags
		switch {
		case op == hostAdd:
			s = x + y
			if checkIXC && !sumExact(x, y, s) {
				g = IXC
			}
		case op == hostMul:
			s = x * y // exact for singles
			if f == Double && checkIXC && !zeroExact {
				if math.Abs(s) < productFloor {
					continue
				}
				if math.FMA(x, y, -s) != 0 {
					g = IXC
				}
			}
		case op == hostDiv:
			// single: the float64 quotient rounded again is right (53 >= 2*24), and
			// exact when the exact product q*b is a
			s = x / y
			if f == Double && checkIXC && !zeroExact {
				if math.Abs(x) < productFloor {
					continue // the remainder s*y - x might underflow to 0
				}
				if math.FMA(s, y, -x) != 0 {
					g = IXC
				}
			}
		case op == hostSqrt:
			// single: rounded again it is right (53 >= 2*24+2), exact when s*s is a
			s = math.Sqrt(x)
			if f == Double && checkIXC && !zeroExact {
				if x < productFloor {
					continue // s*s - x might underflow to 0
				}
				if math.FMA(s, s, -x) != 0 {
					g = IXC
				}
			}
		case f == Double:
			s = math.FMA(x, y, z)
			if checkIXC && !zeroExact {
				p := float64(x * y) // the conversion forbids fusing this product
				if math.IsInf(p, 0) || math.Abs(p) < productFloor || math.FMA(x, y, -p) != 0 {
					continue // an inexact product: let the software path see the sum
				}
				if !sumExact(p, z, s) {
					g = IXC
				}
			}
		default:
			p := float64(x * y) // exact
			s = p + z
			if math.Float64bits(s)&(1<<29-1) == 1<<28 { // a single midpoint: only an exact one rounds right
				if !sumExact(p, z, s) {
					continue
				}
			} else if checkIXC && !sumExact(p, z, s) {
				g = IXC
			}
		}
		r := math.Float64bits(s)
		if f == Single {
			s32 := float32(s)
			if checkIXC && float64(s32) != s {
				g = IXC
			}
			q := float64(s32)
			switch { // products of two singles are exact in float64
			case checkIXC && op == hostDiv && float64(q*y) != x:
				g = IXC
			case checkIXC && op == hostSqrt && float64(q*q) != x:
				g = IXC
			}
			r = uint64(math.Float32bits(s32))
		}
		if !aboveMinNormal(r&^sign, minNormal, inf) && (r&^sign != 0 || !zeroExact) {
			continue
		}
		la.R[i&3], fl, undone = r, fl|g, undone&^(1<<i)
	}
	return fl, undone
}
