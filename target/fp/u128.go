package fp

import (
	"math"
	"math/bits"
)

// u128 is an unsigned 128-bit integer, the width exact products and sums
// need (a double product has 106 bits).
type u128 struct{ hi, lo uint64 }

func (x u128) isZero() bool { return x.hi|x.lo == 0 }

// bitLen is the number of bits needed to hold x (0 for zero).
func (x u128) bitLen() int {
	if x.hi != 0 {
		return 64 + bits.Len64(x.hi)
	}
	return bits.Len64(x.lo)
}

func (x u128) shl(n int) u128 {
	switch {
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{x.lo << (n - 64), 0}
	case n == 0:
		return x
	}
	return u128{x.hi<<n | x.lo>>(64-n), x.lo << n}
}

func (x u128) shr(n int) u128 {
	switch {
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{0, x.hi >> (n - 64)}
	case n == 0:
		return x
	}
	return u128{x.hi >> n, x.lo>>n | x.hi<<(64-n)}
}

// lowBitsSet says whether any of the n lowest bits of x is set.
func (x u128) lowBitsSet(n int) bool {
	if n >= 128 {
		return !x.isZero()
	}
	return !x.shl(128 - n).isZero()
}

// bit is bit n of x (n < 128).
func (x u128) bit(n int) bool { return x.shr(n).lo&1 != 0 }

func (x u128) add(y u128) u128 {
	lo, c := bits.Add64(x.lo, y.lo, 0)
	return u128{x.hi + y.hi + c, lo}
}

func (x u128) sub(y u128) u128 {
	lo, b := bits.Sub64(x.lo, y.lo, 0)
	return u128{x.hi - y.hi - b, lo}
}

func (x u128) less(y u128) bool { return x.hi < y.hi || x.hi == y.hi && x.lo < y.lo }

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{hi, lo}
}

// isqrt returns floor(sqrt(x)) and whether the square root is exact, for
// x < 2^127. A float64 square root gives a first guess, one Newton step
// makes it good to a unit or two, and integer squares settle it exactly.
func isqrt(x u128) (uint64, bool) {
	r := uint64(math.Sqrt(math.Ldexp(float64(x.hi), 64) + float64(x.lo)))
	if r > 0 && x.hi < r {
		q, _ := bits.Div64(x.hi, x.lo, r)
		r = r/2 + q/2 + r&q&1 // (r + x/r) / 2 without overflow
	}
	for r > 0 && x.less(mul64(r, r)) {
		r--
	}
	for !x.less(mul64(r+1, r+1)) {
		r++
	}
	return r, mul64(r, r) == x
}
