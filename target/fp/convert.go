package fp

// split divides mant * 2^-shift (shift > 0) into its integer part and the
// rounding information of the rest: half says the rest is >= 1/2, below
// that it is not exactly 0 or 1/2.
func split(mant uint64, shift int) (ip uint64, half, below bool) {
	switch {
	case shift > 64:
		return 0, false, mant != 0
	case shift == 64:
		return 0, mant>>63 != 0, mant<<1 != 0
	}
	return mant >> shift, mant>>(shift-1)&1 != 0, mant&(1<<(shift-1)-1) != 0
}

// roundsUp says whether a magnitude with the given discarded part goes to
// the next integer under mode (the Arm ARM's round_up, for sign-magnitude).
func roundsUp(ip uint64, half, below, neg bool, mode Rounding) bool {
	inexact := half || below
	switch mode {
	case TiesEven:
		return half && (below || ip&1 != 0)
	case PlusInf:
		return inexact && !neg
	case MinusInf:
		return inexact && neg
	case TiesAway:
		return half
	}
	return false
}

// RoundInt is FRINT*: a rounded to an integral value in f. FRINTN, P, M, Z
// and A pass their fixed mode with exact false; FRINTI passes fpcr.RMode()
// with exact false; FRINTX passes fpcr.RMode() with exact true, the only
// form that raises IXC.
func RoundInt(f Format, a uint64, mode Rounding, exact bool, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	v := unpack(f, a, fpcr, &fl)
	switch v.kind {
	case kQNaN, kSNaN:
		return processNaN(f, v.kind, a, fpcr, &fl), fl
	case kInf:
		return f.inf(v.neg), fl
	case kZero:
		return f.zero(v.neg), fl
	}
	if v.exp >= 0 {
		return roundValue(f, v, fpcr, &fl), fl // already integral
	}
	ip, half, below := split(v.mant, -v.exp)
	if roundsUp(ip, half, below, v.neg, mode) {
		ip++
	}
	if exact && (half || below) {
		fl |= IXC
	}
	if ip == 0 {
		return f.zero(v.neg), fl
	}
	return round(f, v.neg, 0, u128{0, ip}, false, fpcr, Zero, &fl), fl
}

// ToInt is FCVT{N,P,M,Z,A}{S,U} and the fixed-point FCVTZS/FCVTZU: a times
// 2^fbits rounded to an integer of width bits (32 or 64) under mode,
// saturated. A NaN gives 0; a NaN or an out-of-range value raises IOC (and
// then not IXC); an inexact in-range result raises IXC. The result is the
// integer's two's-complement bit pattern, zero-extended from width.
func ToInt(f Format, a uint64, fbits uint, unsigned bool, width uint, mode Rounding, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	v := unpack(f, a, fpcr, &fl)
	var mag uint64
	var inexact, huge bool
	switch v.kind {
	case kQNaN, kSNaN:
		return 0, fl | IOC
	case kInf:
		huge = true
	case kFinite:
		e := v.exp + int(fbits)
		switch {
		case e >= 0 && e+topBit(v.mant) >= 64:
			huge = true
		case e >= 0:
			mag = v.mant << e
		default:
			var half, below bool
			mag, half, below = split(v.mant, -e)
			inexact = half || below
			if roundsUp(mag, half, below, v.neg, mode) {
				mag++ // mag < 2^53 here, no wrap
			}
		}
	}
	r, overflow := saturate(mag, huge, v.neg, unsigned, width)
	switch {
	case overflow:
		fl |= IOC
	case inexact:
		fl |= IXC
	}
	return r, fl
}

// saturate is SatQ for a sign-magnitude integer (huge: beyond 2^64).
func saturate(mag uint64, huge, neg, unsigned bool, width uint) (uint64, bool) {
	mask := uint64(1)<<width - 1 // width 64: shift yields 0, minus 1 is all ones
	if unsigned {
		switch {
		case neg && (mag != 0 || huge):
			return 0, true
		case huge || mag > mask:
			return mask, true
		}
		return mag, false
	}
	limit := uint64(1) << (width - 1) // |most negative|
	switch {
	case neg && (huge || mag > limit):
		return limit, true // the bit pattern of the most negative value
	case !neg && (huge || mag >= limit):
		return limit - 1, true
	case neg:
		return -mag & mask, false
	}
	return mag, false
}

// FromInt is SCVTF/UCVTF (and their fixed-point forms): the width-bit
// integer x (32 or 64; signed unless unsigned) divided by 2^fbits, rounded
// to f by FPCR.RMode.
func FromInt(f Format, x uint64, fbits uint, unsigned bool, width uint, fpcr FPCR) (uint64, Flags) {
	if width < 64 {
		x &= 1<<width - 1
	}
	neg := !unsigned && x>>(width-1)&1 != 0
	if neg {
		x = -x
		if width < 64 {
			x &= 1<<width - 1
		}
	}
	if x == 0 {
		return f.zero(false), 0
	}
	var fl Flags
	return round(f, neg, -int(fbits), u128{0, x}, false, fpcr, fpcr.RMode(), &fl), fl
}

// Convert is FCVT between formats, rounding by FPCR.RMode. FPCR.AHP picks
// the alternative half format; FZ16 does not apply.
func Convert(from, to Format, a uint64, fpcr FPCR) (uint64, Flags) {
	return ConvertRounding(from, to, a, fpcr.RMode(), fpcr)
}

// ConvertRounding is FCVT with an explicit rounding mode (Odd for FCVTXN).
func ConvertRounding(from, to Format, a uint64, mode Rounding, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	v := unpackCV(from, a, fpcr, &fl)
	altHalf := to == Half && fpcr&AHP != 0
	switch v.kind {
	case kQNaN, kSNaN:
		if v.kind == kSNaN || altHalf {
			fl |= IOC
		}
		switch {
		case altHalf:
			return to.zero(v.neg), fl
		case fpcr&DN != 0:
			return to.DefaultNaN(), fl
		}
		return convertNaN(from, to, a), fl
	case kInf:
		if altHalf {
			return to.sign(v.neg) | to.mask()>>1, fl | IOC
		}
		return to.inf(v.neg), fl
	case kZero:
		return to.zero(v.neg), fl
	}
	return roundCV(to, v.neg, v.exp, u128{0, v.mant}, false, fpcr, mode, &fl), fl
}

// convertNaN is FPConvertNaN: sign kept, quietened, payload (the fraction
// below the quiet bit) truncated or zero-extended at its top.
func convertNaN(from, to Format, a uint64) uint64 {
	payload := a & (from.quietBit() - 1) << (52 - from.fracBits()) // as a 51-bit field
	return to.sign(a&from.signBit() != 0) | to.DefaultNaN() | payload>>(52-to.fracBits())
}
