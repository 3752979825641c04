package fp

import "math/bits"

// kind is the class of an unpacked operand (the Arm ARM's FPType).
type kind uint8

const (
	kZero   kind = iota
	kFinite      // nonzero, normal or subnormal
	kInf
	kQNaN
	kSNaN
)

func (k kind) isNaN() bool { return k >= kQNaN }

// value is an unpacked operand: for kFinite it is (-1)^neg * mant * 2^exp.
type value struct {
	kind kind
	neg  bool
	exp  int
	mant uint64
}

// flushes says whether fpcr flushes subnormals of f to zero.
func (f Format) flushes(fpcr FPCR) bool {
	if f == Half {
		return fpcr&FZ16 != 0
	}
	return fpcr&FZ != 0
}

// unpack decodes a for arithmetic (the Arm ARM's FPUnpack: AHP is ignored).
// A subnormal that FZ flushes reads as zero and raises IDC; FZ16 flushes
// half subnormals without IDC.
func unpack(f Format, a uint64, fpcr FPCR, fl *Flags) value {
	return unpackAHP(f, a, fpcr, false, fl)
}

// unpackCV decodes a for conversion (FPUnpackCV): FZ16 does not apply and
// FPCR.AHP selects the alternative half format.
func unpackCV(f Format, a uint64, fpcr FPCR, fl *Flags) value {
	return unpackAHP(f, a, fpcr&^FZ16, f == Half && fpcr&AHP != 0, fl)
}

func unpackAHP(f Format, a uint64, fpcr FPCR, ahp bool, fl *Flags) value {
	fb := f.fracBits()
	v := value{neg: a&f.signBit() != 0}
	e := a >> fb & f.expField()
	frac := a & f.fracMask()
	switch {
	case e == 0 && frac == 0:
		v.kind = kZero
	case e == 0 && f.flushes(fpcr):
		v.kind = kZero
		if f != Half {
			*fl |= IDC
		}
	case e == 0:
		v.kind, v.mant, v.exp = kFinite, frac, f.minExp()-fb
	case e == f.expField() && !ahp:
		switch {
		case frac == 0:
			v.kind = kInf
		case frac&f.quietBit() != 0:
			v.kind = kQNaN
		default:
			v.kind = kSNaN
		}
	default:
		v.kind, v.mant, v.exp = kFinite, frac|1<<fb, int(e)-f.bias()-fb
	}
	return v
}

// processNaN is FPProcessNaN: a signalling NaN raises IOC and is quietened;
// DN replaces any NaN by the default NaN.
func processNaN(f Format, k kind, a uint64, fpcr FPCR, fl *Flags) uint64 {
	if k == kSNaN {
		*fl |= IOC
		a |= f.quietBit()
	}
	if fpcr&DN != 0 {
		return f.DefaultNaN()
	}
	return a & f.mask()
}

// processNaNs is FPProcessNaNs: the first signalling NaN, else the first
// quiet NaN, decides the result; done is false when neither is a NaN.
func processNaNs(f Format, va, vb value, a, b uint64, fpcr FPCR, fl *Flags) (uint64, bool) {
	return processNaNs3(f, va, vb, value{}, a, b, 0, fpcr, fl)
}

// processNaNs3 is FPProcessNaNs3 with the same priority over three operands.
func processNaNs3(f Format, va, vb, vc value, a, b, c uint64, fpcr FPCR, fl *Flags) (uint64, bool) {
	if !va.kind.isNaN() && !vb.kind.isNaN() && !vc.kind.isNaN() {
		return 0, false // the common case, without the loop
	}
	vs, xs := [3]value{va, vb, vc}, [3]uint64{a, b, c}
	for _, k := range [2]kind{kSNaN, kQNaN} {
		for i, v := range vs {
			if v.kind == k {
				return processNaN(f, k, xs[i], fpcr, fl), true
			}
		}
	}
	return 0, false
}

// unpack2 unpacks two operands and, when either is a NaN, settles the result.
func unpack2(f Format, a, b uint64, fpcr FPCR, fl *Flags) (va, vb value, r uint64, done bool) {
	va, vb = unpack(f, a, fpcr, fl), unpack(f, b, fpcr, fl)
	r, done = processNaNs(f, va, vb, a, b, fpcr, fl)
	return va, vb, r, done
}

// round is FPRound: it rounds (-1)^neg * (m + s) * 2^exp, where s is a
// fraction in (0, 1) when sticky is set and 0 otherwise, to f. m+s must be
// nonzero. Tininess is detected before rounding, as the Arm ARM says.
func round(f Format, neg bool, exp int, m u128, sticky bool, fpcr FPCR, mode Rounding, fl *Flags) uint64 {
	return roundAHP(f, neg, exp, m, sticky, fpcr, mode, false, fl)
}

// roundCV is FPRoundCV, the rounding of conversions: FZ16 does not apply and
// AHP selects the alternative half format.
func roundCV(f Format, neg bool, exp int, m u128, sticky bool, fpcr FPCR, mode Rounding, fl *Flags) uint64 {
	return roundAHP(f, neg, exp, m, sticky, fpcr&^FZ16, mode, f == Half && fpcr&AHP != 0, fl)
}

func roundAHP(f Format, neg bool, exp int, m u128, sticky bool, fpcr FPCR, mode Rounding, ahp bool, fl *Flags) uint64 {
	fb := f.fracBits()
	top := exp + m.bitLen() - 1 // value in [2^top, 2^(top+1)) (m is nonzero)
	if m.isZero() {
		top = exp - 1 // only the sticky fraction: below 2^exp
	}
	minExp := f.minExp()
	if f.flushes(fpcr) && top < minExp {
		*fl |= UFC
		return f.zero(neg)
	}
	biased := max(top-minExp+1, 0)
	shift := max(top, minExp) - fb - exp // bits of m below the result's last place
	var mant uint64
	var half, below bool // the discarded part is >= 1/2 ulp; and more than exactly that
	if shift <= 0 {
		mant = m.lo << -shift
		below = sticky
	} else {
		mant = m.shr(shift).lo
		half = shift <= 128 && m.bit(shift-1)
		below = sticky || m.lowBitsSet(min(shift-1, 128))
	}
	inexact := half || below
	if biased == 0 && inexact {
		*fl |= UFC
	}
	var up, overflowToInf bool
	switch mode {
	case TiesEven:
		up, overflowToInf = half && (below || mant&1 != 0), true
	case PlusInf:
		up, overflowToInf = inexact && !neg, !neg
	case MinusInf:
		up, overflowToInf = inexact && neg, neg
	case TiesAway:
		up, overflowToInf = half, true
	}
	if up {
		mant++
		if mant == 1<<fb {
			biased = 1 // a subnormal rounded up to the smallest normal
		}
		if mant == 1<<(fb+1) {
			biased++
			mant >>= 1
		}
	}
	if mode == Odd && inexact {
		mant |= 1
	}
	limit := int(f.expField()) // the first biased exponent that does not hold a number
	if ahp {
		limit++
	}
	if biased >= limit {
		if ahp {
			*fl |= IOC
			return f.sign(neg) | f.mask()>>1
		}
		*fl |= OFC | IXC
		if overflowToInf {
			return f.inf(neg)
		}
		return f.maxNormal(neg)
	}
	if inexact {
		*fl |= IXC
	}
	return f.sign(neg) | uint64(biased)<<fb | mant&f.fracMask()
}

// roundValue rounds an exact nonzero unpacked value (re-encodes it).
func roundValue(f Format, v value, fpcr FPCR, fl *Flags) uint64 {
	return round(f, v.neg, v.exp, u128{0, v.mant}, false, fpcr, fpcr.RMode(), fl)
}

// topBit is the position of the highest set bit of a nonzero x.
func topBit(x uint64) int { return bits.Len64(x) - 1 }
