package fp

// recipEstimate is the Arm ARM's RecipEstimate: a in [256, 512) is a fixed
// point number in [0.5, 1) in units of 1/512; the result in [256, 512) is
// its reciprocal in [1, 2) in units of 1/256, to 8 bits.
func recipEstimate(a uint64) uint64 {
	a = a*2 + 1 // the middle of the input interval
	b := (1 << 19) / a
	return (b + 1) / 2
}

// rsqrtEstimate is RecipSqrtEstimate: a in [128, 512) is a fixed point
// number in [0.25, 1) in units of 1/512; the result in [256, 512) is
// 1/sqrt(a) in [1, 2) in units of 1/256.
func rsqrtEstimate(a uint64) uint64 {
	if a < 256 {
		a = a*2 + 1 // units of 1/1024, the middle of the interval
	} else {
		a = (a>>1<<1 + 1) * 2 // drop the last bit; units of 1/1024, the middle
	}
	b := uint64(512)
	for a*(b+1)*(b+1) < 1<<28 {
		b++
	}
	return (b + 1) / 2
}

// frac52 returns a's fraction left-aligned in 52 bits and its exponent field.
func frac52(f Format, a uint64) (uint64, int) {
	return (a & f.fracMask()) << (52 - f.fracBits()), int(a >> f.fracBits() & f.expField())
}

// RecipEstimate is FRECPE.
func RecipEstimate(f Format, a uint64, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	v := unpack(f, a, fpcr, &fl)
	switch v.kind {
	case kQNaN, kSNaN:
		return processNaN(f, v.kind, a, fpcr, &fl), fl
	case kInf:
		return f.zero(v.neg), fl
	case kZero:
		return f.inf(v.neg), fl | DZC
	}
	top := v.exp + topBit(v.mant) // |a| in [2^top, 2^(top+1))
	if top < -f.bias()-1 {        // |a| < 2^-(bias+1): 1/a overflows
		mode := fpcr.RMode()
		fl |= OFC | IXC
		if mode == TiesEven || mode == PlusInf && !v.neg || mode == MinusInf && v.neg {
			return f.inf(v.neg), fl
		}
		return f.maxNormal(v.neg), fl
	}
	if f.flushes(fpcr) && top >= f.bias()-1 { // 1/a is subnormal: flushed
		return f.zero(v.neg), fl | UFC
	}
	frac, exp := frac52(f, a)
	if exp == 0 { // subnormal: normalise by one or two places
		if frac>>51 == 0 {
			exp = -1
			frac <<= 2
		} else {
			frac <<= 1
		}
		frac &= 1<<52 - 1
	}
	est := recipEstimate(1<<8 | frac>>44)
	resultExp := 2*f.bias() - 1 - exp
	frac = (est & 0xff) << 44
	switch resultExp {
	case 0:
		frac = 1<<51 | frac>>1
	case -1:
		frac = 1<<50 | frac>>2
		resultExp = 0
	}
	return f.sign(v.neg) | uint64(resultExp)<<f.fracBits() | frac>>(52-f.fracBits()), fl
}

// RSqrtEstimate is FRSQRTE.
func RSqrtEstimate(f Format, a uint64, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	v := unpack(f, a, fpcr, &fl)
	switch {
	case v.kind.isNaN():
		return processNaN(f, v.kind, a, fpcr, &fl), fl
	case v.kind == kZero:
		return f.inf(v.neg), fl | DZC
	case v.neg:
		return f.DefaultNaN(), fl | IOC
	case v.kind == kInf:
		return f.zero(false), fl
	}
	frac, exp := frac52(f, a)
	if exp == 0 { // subnormal: normalise
		for frac>>51 == 0 {
			frac <<= 1
			exp--
		}
		frac = frac << 1 & (1<<52 - 1)
	}
	var scaled uint64
	if exp&1 == 0 {
		scaled = 1<<8 | frac>>44 // [0.5, 1)
	} else {
		scaled = 1<<7 | frac>>45 // [0.25, 0.5)
	}
	resultExp := (3*f.bias() - 1 - exp) / 2
	est := rsqrtEstimate(scaled)
	return uint64(resultExp)<<f.fracBits() | (est&0xff)<<(f.fracBits()-8), fl
}

// RecipStep is FRECPS: 2 - a*b with one rounding; Inf * 0 gives +2.
func RecipStep(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) {
	return step(f, a, b, f.two(false), term{exp: 1, m: u128{0, 1}}, 0, fpcr)
}

// RSqrtStep is FRSQRTS: (3 - a*b) / 2 with one rounding; Inf * 0 gives +1.5.
func RSqrtStep(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) {
	onePointFive := uint64(f.bias())<<f.fracBits() | f.quietBit()
	return step(f, a, b, onePointFive, term{exp: 0, m: u128{0, 3}}, -1, fpcr)
}

// step is FPRecipStepFused and FPRSqrtStepFused: (c - a*b) * 2^scale, with
// a negated before anything else (so a NaN a comes back negated).
func step(f Format, a, b, atInfTimesZero uint64, c term, scale int, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	va, vb, r, done := unpack2(f, Neg(f, a), b, fpcr, &fl)
	if done {
		return r, fl
	}
	switch {
	case infTimesZero(va, vb):
		return atInfTimesZero, fl
	case va.kind == kInf || vb.kind == kInf:
		return f.inf(va.neg != vb.neg), fl
	}
	p := product(va, vb)
	c.exp += scale
	p.exp += scale
	return roundSum(f, c, p, fpcr, &fl), fl
}

// RecipExponent is FRECPX: the sign kept, the exponent field inverted (a
// zero or subnormal gets the largest finite exponent), the fraction zero.
func RecipExponent(f Format, a uint64, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	v := unpack(f, a, fpcr, &fl)
	if v.kind.isNaN() {
		return processNaN(f, v.kind, a, fpcr, &fl), fl
	}
	e := a >> f.fracBits() & f.expField()
	if e == 0 {
		e = f.expField() - 1
	} else {
		e ^= f.expField()
	}
	return f.sign(v.neg) | e<<f.fracBits(), fl
}

// UnsignedRecipEstimate is URECPE on one 32-bit lane: x is a fixed-point
// fraction in [0, 1); below 0.5 the result saturates to all ones.
func UnsignedRecipEstimate(x uint32) uint32 {
	if x>>31 == 0 {
		return 0xffffffff
	}
	return uint32(recipEstimate(uint64(x>>23))) << 23
}

// UnsignedRSqrtEstimate is URSQRTE on one 32-bit lane: below 0.25 the
// result saturates to all ones.
func UnsignedRSqrtEstimate(x uint32) uint32 {
	if x>>30 == 0 {
		return 0xffffffff
	}
	return uint32(rsqrtEstimate(uint64(x>>23))) << 23
}
