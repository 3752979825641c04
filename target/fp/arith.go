package fp

import "math/bits"

// term is an exact signed quantity (-1)^neg * m * 2^exp with m of at most
// 106 significant bits (a product of two doubles).
type term struct {
	neg bool
	exp int
	m   u128
}

func termOf(v value) term { return term{v.neg, v.exp, u128{0, v.mant}} }

// product is a*b exactly (zero when either is zero).
func product(a, b value) term {
	return term{a.neg != b.neg, a.exp + b.exp, mul64(a.mant, b.mant)}
}

func infTimesZero(a, b value) bool {
	return a.kind == kInf && b.kind == kZero || a.kind == kZero && b.kind == kInf
}

// sum adds two terms. The result is exact apart from sticky, which stands
// for a fraction in (0, 1) of the result's last bit; the window keeps at
// least 20 bits below the larger term, plenty for rounding to 53 bits.
func sum(a, b term) (r term, sticky bool) {
	if a.m.isZero() {
		return b, false
	}
	if b.m.isZero() {
		return a, false
	}
	const topPos = 125 // leaves room for a carry out
	na, nb := topPos+1-a.m.bitLen(), topPos+1-b.m.bitLen()
	a.m, a.exp = a.m.shl(na), a.exp-na
	b.m, b.exp = b.m.shl(nb), b.exp-nb
	if a.exp < b.exp {
		a, b = b, a
	}
	d := a.exp - b.exp
	sticky = b.m.lowBitsSet(min(d, 128))
	b.m = b.m.shr(d)
	r = term{a.neg, a.exp, u128{}}
	switch {
	case a.neg == b.neg:
		r.m = a.m.add(b.m)
	case b.m.less(a.m):
		r.m = a.m.sub(b.m)
		if sticky { // a - (b + s) = (a - b - 1) + (1 - s)
			r.m = r.m.sub(u128{0, 1})
		}
	default: // equal exponents, so nothing was shifted out
		r.m, r.neg = b.m.sub(a.m), b.neg
	}
	return r, sticky
}

// roundSum rounds the exact sum of two terms; an exact zero is +0, or -0
// when rounding towards -Inf.
func roundSum(f Format, a, b term, fpcr FPCR, fl *Flags) uint64 {
	mode := fpcr.RMode()
	r, sticky := sum(a, b)
	if r.m.isZero() && !sticky {
		return f.zero(mode == MinusInf)
	}
	return round(f, r.neg, r.exp, r.m, sticky, fpcr, mode, fl)
}

// Add is FADD.
func Add(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) { return lane1(LaneAdd, f, a, b, 0, fpcr) }

// Sub is FSUB.
func Sub(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) { return lane1(LaneSub, f, a, b, 0, fpcr) }

// AbsDiff is FABD: |a - b|, the sign of a NaN result cleared too.
func AbsDiff(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) {
	r, fl := Sub(f, a, b, fpcr)
	return Abs(f, r), fl
}

// addSubSoft is FADD/FSUB on the software path.
func addSubSoft(f Format, a, b uint64, subtract bool, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	va, vb, r, done := unpack2(f, a, b, fpcr, &fl)
	if done {
		return r, fl
	}
	vb.neg = vb.neg != subtract
	switch {
	case va.kind == kInf && vb.kind == kInf && va.neg != vb.neg:
		return f.DefaultNaN(), fl | IOC
	case va.kind == kInf:
		return f.inf(va.neg), fl
	case vb.kind == kInf:
		return f.inf(vb.neg), fl
	case va.kind == kZero && vb.kind == kZero && va.neg == vb.neg:
		return f.zero(va.neg), fl
	}
	return roundSum(f, termOf(va), termOf(vb), fpcr, &fl), fl
}

// Mul is FMUL.
func Mul(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) { return lane1(LaneMul, f, a, b, 0, fpcr) }

// MulX is FMULX: as FMUL, but Inf * 0 is 2 with the product's sign.
func MulX(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) { return lane1(LaneMulX, f, a, b, 0, fpcr) }

// mulSoft is FMUL/FMULX on the software path.
func mulSoft(f Format, a, b uint64, extended bool, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	va, vb, r, done := unpack2(f, a, b, fpcr, &fl)
	if done {
		return r, fl
	}
	neg := va.neg != vb.neg
	switch {
	case infTimesZero(va, vb):
		if extended {
			return f.two(neg), fl
		}
		return f.DefaultNaN(), fl | IOC
	case va.kind == kInf || vb.kind == kInf:
		return f.inf(neg), fl
	case va.kind == kZero || vb.kind == kZero:
		return f.zero(neg), fl
	}
	p := product(va, vb)
	return round(f, neg, p.exp, p.m, false, fpcr, fpcr.RMode(), &fl), fl
}

// two is ±2.0.
func (f Format) two(neg bool) uint64 { return f.sign(neg) | uint64(f.bias()+1)<<f.fracBits() }

// Div is FDIV.
func Div(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) { return lane1(LaneDiv, f, a, b, 0, fpcr) }

// divSoft is FDIV on the software path.
func divSoft(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	va, vb, r, done := unpack2(f, a, b, fpcr, &fl)
	if done {
		return r, fl
	}
	neg := va.neg != vb.neg
	switch {
	case va.kind == kInf && vb.kind == kInf || va.kind == kZero && vb.kind == kZero:
		return f.DefaultNaN(), fl | IOC
	case va.kind == kInf:
		return f.inf(neg), fl
	case vb.kind == kZero:
		return f.inf(neg), fl | DZC
	case va.kind == kZero || vb.kind == kInf:
		return f.zero(neg), fl
	}
	// Both mantissas left-aligned to bit 63; the quotient then has 63 or 64 bits.
	sa, sb := 63-topBit(va.mant), 63-topBit(vb.mant)
	na, nb := va.mant<<sa, vb.mant<<sb
	q, rem := bits.Div64(na>>1, na<<63, nb)
	exp := va.exp - sa - (vb.exp - sb) - 63
	return round(f, neg, exp, u128{0, q}, rem != 0, fpcr, fpcr.RMode(), &fl), fl
}

// Sqrt is FSQRT.
func Sqrt(f Format, a uint64, fpcr FPCR) (uint64, Flags) { return lane1(LaneSqrt, f, a, 0, 0, fpcr) }

// sqrtSoft is FSQRT on the software path.
func sqrtSoft(f Format, a uint64, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	va := unpack(f, a, fpcr, &fl)
	switch {
	case va.kind.isNaN():
		return processNaN(f, va.kind, a, fpcr, &fl), fl
	case va.kind == kZero:
		return f.zero(va.neg), fl
	case va.kind == kInf && !va.neg:
		return f.inf(false), fl
	case va.neg:
		return f.DefaultNaN(), fl | IOC
	}
	// Scale the radicand to 125 or 126 bits with an even exponent; the root
	// then has 63 bits.
	s := 125 - topBit(va.mant)
	if (va.exp-s)&1 != 0 {
		s++
	}
	root, exact := isqrt(u128{0, va.mant}.shl(s))
	return round(f, false, (va.exp-s)/2, u128{0, root}, !exact, fpcr, fpcr.RMode(), &fl), fl
}

// MulAdd is FMADD: addend + a*b with one rounding.
func MulAdd(f Format, addend, a, b uint64, fpcr FPCR) (uint64, Flags) {
	return lane1(LaneMulAdd, f, a, b, addend, fpcr)
}

// MulSub is FMSUB: addend - a*b with one rounding (a is negated first).
func MulSub(f Format, addend, a, b uint64, fpcr FPCR) (uint64, Flags) {
	return lane1(LaneMulSub, f, a, b, addend, fpcr)
}

// NegMulAdd is FNMADD: -addend - a*b with one rounding.
func NegMulAdd(f Format, addend, a, b uint64, fpcr FPCR) (uint64, Flags) {
	return lane1(LaneMulAdd, f, Neg(f, a), b, Neg(f, addend), fpcr)
}

// NegMulSub is FNMSUB: -addend + a*b with one rounding.
func NegMulSub(f Format, addend, a, b uint64, fpcr FPCR) (uint64, Flags) {
	return lane1(LaneMulAdd, f, a, b, Neg(f, addend), fpcr)
}

// mulAddSoft is FPMulAdd on the software path.
func mulAddSoft(f Format, c, a, b uint64, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	vc, va, vb := unpack(f, c, fpcr, &fl), unpack(f, a, fpcr, &fl), unpack(f, b, fpcr, &fl)
	invalidProduct := infTimesZero(va, vb)
	if r, done := processNaNs3(f, vc, va, vb, c, a, b, fpcr, &fl); done {
		if vc.kind == kQNaN && invalidProduct { // Inf*0 + QNaN is invalid too
			return f.DefaultNaN(), fl | IOC
		}
		return r, fl
	}
	negP := va.neg != vb.neg
	infP := va.kind == kInf || vb.kind == kInf
	zeroP := va.kind == kZero || vb.kind == kZero
	switch {
	case invalidProduct || vc.kind == kInf && infP && vc.neg != negP:
		return f.DefaultNaN(), fl | IOC
	case vc.kind == kInf:
		return f.inf(vc.neg), fl
	case infP:
		return f.inf(negP), fl
	case vc.kind == kZero && zeroP && vc.neg == negP:
		return f.zero(vc.neg), fl
	}
	return roundSum(f, termOf(vc), product(va, vb), fpcr, &fl), fl
}
