package fp

import "math/bits"

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

// isqrt returns floor(sqrt(x)) and whether the square root is exact.
func isqrt(x u128) (uint64, bool) {
	var root u128
	bit := u128{1 << 62, 0} // the highest power of four
	for !bit.isZero() && x.less(bit) {
		bit = bit.shr(2)
	}
	for !bit.isZero() {
		t := root.add(bit)
		if !x.less(t) {
			x = x.sub(t)
			root = root.shr(1).add(bit)
		} else {
			root = root.shr(1)
		}
		bit = bit.shr(2)
	}
	return root.lo, x.isZero()
}
