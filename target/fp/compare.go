package fp

import "cmp"

// order compares two unpacked non-NaN values: -1, 0 or +1 as a <, ==, > b.
func order(a, b value) int {
	if a.kind == kZero && b.kind == kZero {
		return 0
	}
	if a.neg != b.neg || a.kind == kZero || b.kind == kZero {
		return orderMagnitudeSigned(a, b)
	}
	c := compareMagnitude(a, b)
	if a.neg {
		return -c
	}
	return c
}

// orderMagnitudeSigned orders values whose signs differ or one of which is zero.
func orderMagnitudeSigned(a, b value) int {
	sa, sb := signum(a), signum(b)
	switch {
	case sa < sb:
		return -1
	case sa > sb:
		return 1
	}
	return 0
}

func signum(v value) int {
	switch {
	case v.kind == kZero:
		return 0
	case v.neg:
		return -1
	}
	return 1
}

// compareMagnitude compares |a| and |b| for nonzero a and b.
func compareMagnitude(a, b value) int {
	switch {
	case a.kind == kInf && b.kind == kInf:
		return 0
	case a.kind == kInf:
		return 1
	case b.kind == kInf:
		return -1
	}
	// Align to the same exponent; finite mantissas have at most 53 bits.
	ta, tb := a.exp+topBit(a.mant), b.exp+topBit(b.mant)
	switch {
	case ta != tb:
		return cmp.Compare(ta, tb)
	case a.exp > b.exp:
		return cmp.Compare(a.mant<<(a.exp-b.exp), b.mant)
	}
	return cmp.Compare(a.mant, b.mant<<(b.exp-a.exp))
}

// NZCV results of FCMP, in bits 3..0.
const (
	NZCVLess      = 0b1000
	NZCVEqual     = 0b0110
	NZCVGreater   = 0b0010
	NZCVUnordered = 0b0011
)

// Compare is FCMP: NZCV in bits 3..0; a signalling NaN raises IOC.
func Compare(f Format, a, b uint64, fpcr FPCR) (nzcv uint8, flags Flags) {
	return compare(f, a, b, false, fpcr)
}

// CompareSignaling is FCMPE: as FCMP, but any NaN raises IOC.
func CompareSignaling(f Format, a, b uint64, fpcr FPCR) (nzcv uint8, flags Flags) {
	return compare(f, a, b, true, fpcr)
}

func compare(f Format, a, b uint64, signalQuiet bool, fpcr FPCR) (uint8, Flags) {
	var fl Flags
	va, vb := unpack(f, a, fpcr, &fl), unpack(f, b, fpcr, &fl)
	if va.kind.isNaN() || vb.kind.isNaN() {
		if signalQuiet || va.kind == kSNaN || vb.kind == kSNaN {
			fl |= IOC
		}
		return NZCVUnordered, fl
	}
	switch order(va, vb) {
	case -1:
		return NZCVLess, fl
	case 0:
		return NZCVEqual, fl
	}
	return NZCVGreater, fl
}

// mask is the vector compare result: all ones of f's width when true.
func (f Format) boolMask(t bool) uint64 {
	if t {
		return f.mask()
	}
	return 0
}

// CompareEQ is FCMEQ: all ones when a == b; only a signalling NaN raises IOC.
func CompareEQ(f Format, a, b uint64, fpcr FPCR) (mask uint64, flags Flags) {
	var fl Flags
	va, vb := unpack(f, a, fpcr, &fl), unpack(f, b, fpcr, &fl)
	if va.kind.isNaN() || vb.kind.isNaN() {
		if va.kind == kSNaN || vb.kind == kSNaN {
			fl |= IOC
		}
		return 0, fl
	}
	return f.boolMask(order(va, vb) == 0), fl
}

// CompareGE is FCMGE (and, operands swapped, FCMLE): any NaN raises IOC.
func CompareGE(f Format, a, b uint64, fpcr FPCR) (mask uint64, flags Flags) {
	return compareOrdered(f, a, b, 0, fpcr)
}

// CompareGT is FCMGT (and, operands swapped, FCMLT): any NaN raises IOC.
func CompareGT(f Format, a, b uint64, fpcr FPCR) (mask uint64, flags Flags) {
	return compareOrdered(f, a, b, 1, fpcr)
}

// AbsCompareGE is FACGE: |a| >= |b|.
func AbsCompareGE(f Format, a, b uint64, fpcr FPCR) (mask uint64, flags Flags) {
	return CompareGE(f, Abs(f, a), Abs(f, b), fpcr)
}

// AbsCompareGT is FACGT: |a| > |b|.
func AbsCompareGT(f Format, a, b uint64, fpcr FPCR) (mask uint64, flags Flags) {
	return CompareGT(f, Abs(f, a), Abs(f, b), fpcr)
}

// compareOrdered is true when order(a, b) >= least.
func compareOrdered(f Format, a, b uint64, least int, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	va, vb := unpack(f, a, fpcr, &fl), unpack(f, b, fpcr, &fl)
	if va.kind.isNaN() || vb.kind.isNaN() {
		return 0, fl | IOC
	}
	return f.boolMask(order(va, vb) >= least), fl
}

// Max is FMAX.
func Max(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) { return minMax(f, a, b, true, fpcr) }

// Min is FMIN.
func Min(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) { return minMax(f, a, b, false, fpcr) }

// MaxNum is FMAXNM: a single quiet NaN loses to a number.
func MaxNum(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) {
	a, b = quietNaNsLose(f, a, b, true)
	return minMax(f, a, b, true, fpcr)
}

// MinNum is FMINNM: a single quiet NaN loses to a number.
func MinNum(f Format, a, b uint64, fpcr FPCR) (uint64, Flags) {
	a, b = quietNaNsLose(f, a, b, false)
	return minMax(f, a, b, false, fpcr)
}

// quietNaNsLose replaces a lone quiet NaN by -Inf (for max) or +Inf (for
// min). NaN classes do not depend on FPCR, so no flags arise here.
func quietNaNsLose(f Format, a, b uint64, isMax bool) (uint64, uint64) {
	var fl Flags
	qa := unpack(f, a, 0, &fl).kind == kQNaN
	qb := unpack(f, b, 0, &fl).kind == kQNaN
	switch {
	case qa && !qb:
		a = f.inf(isMax)
	case qb && !qa:
		b = f.inf(isMax)
	}
	return a, b
}

// minMax is FPMax and FPMin.
func minMax(f Format, a, b uint64, isMax bool, fpcr FPCR) (uint64, Flags) {
	var fl Flags
	va, vb, r, done := unpack2(f, a, b, fpcr, &fl)
	if done {
		return r, fl
	}
	c := order(va, vb)
	pick := vb
	if isMax && c > 0 || !isMax && c < 0 {
		pick = va
	}
	switch pick.kind {
	case kInf:
		return f.inf(pick.neg), fl
	case kZero:
		if isMax {
			return f.zero(va.neg && vb.neg), fl // the most positive zero
		}
		return f.zero(va.neg || vb.neg), fl
	}
	return roundValue(f, pick, fpcr, &fl), fl
}
