package simd

import gobits "math/bits"

// Vec is a 128-bit V register: Vec[0] holds bytes 0–7 (lanes from the low
// end, little-endian), Vec[1] bytes 8–15.
type Vec [2]uint64

// Elem is lane i of esize bits (8, 16, 32 or 64), zero-extended.
func (v Vec) Elem(esize, i int) uint64 {
	pos := uint(i * esize)
	return v[pos>>6&1] >> (pos & 63) & mask(esize)
}

// SetElem replaces lane i of esize bits with the low esize bits of x.
func (v *Vec) SetElem(esize, i int, x uint64) {
	pos := uint(i * esize)
	m := mask(esize)
	w := &v[pos>>6&1]
	*w = *w&^(m<<(pos&63)) | (x&m)<<(pos&63)
}

// lanesTo copies lanes base..base+count-1 (count at most 4) of esize bits
// to out.
func (v *Vec) lanesTo(out *[4]uint64, esize, base, count int) {
	switch {
	case esize == 64 && base == 0:
		out[0], out[1] = v[0], v[1]
	case esize == 32 && base == 0:
		out[0], out[1], out[2], out[3] = v[0]&0xffffffff, v[0]>>32, v[1]&0xffffffff, v[1]>>32
	default:
		for i := 0; i < count; i++ {
			out[i] = v.Elem(esize, base+i)
		}
	}
}

// setLanes writes lanes 0..count-1 (count at most 4) of esize bits from r.
func (v *Vec) setLanes(esize, count int, r *[4]uint64) {
	switch esize {
	case 64:
		v[0], v[1] = r[0], r[1]
	case 32:
		v[0], v[1] = r[0]&0xffffffff|r[1]<<32, r[2]&0xffffffff|r[3]<<32
	default:
		for i := 0; i < count; i++ {
			v.SetElem(esize, i, r[i])
		}
	}
}

// set copies x word by word: x was usually just written word by word, and
// a whole-Vec copy of it would stall the host's store forwarding.
func (v *Vec) set(x *Vec) { v[0], v[1] = x[0], x[1] }

// Byte is byte i (0..15).
func (v Vec) Byte(i int) uint8 { return uint8(v[i>>3&1] >> (uint(i&7) * 8)) }

// fit clears what an arrangement of 64 bits (or a scalar) does not write:
// every AdvSIMD and FP write to a V register zeroes the bits above it.
func fit(v Vec, a Arrangement) Vec {
	v.fitIn(a)
	return v
}

// fitIn is fit in place.
func (v *Vec) fitIn(a Arrangement) {
	switch b := a.Bits(); {
	case b == 128:
	case b == 64:
		v[1] = 0
	default:
		v[0] &= mask(b)
		v[1] = 0
	}
}

func mask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(n) - 1
}

// sext sign-extends the low n bits of x.
func sext64(x uint64, n int) int64 {
	s := uint(64 - n)
	return int64(x<<s) >> s
}

func smax(n int) int64 { return int64(mask(n - 1)) }
func smin(n int) int64 { return -smax(n) - 1 }

// satS saturates x (which must fit in 64 bits) to a signed n-bit value.
func satS(x int64, n int) (uint64, bool) {
	switch {
	case x > smax(n):
		return uint64(smax(n)) & mask(n), true
	case x < smin(n):
		return uint64(smin(n)) & mask(n), true
	}
	return uint64(x) & mask(n), false
}

// satU saturates a signed x to an unsigned n-bit value.
func satUFromS(x int64, n int) (uint64, bool) {
	switch {
	case x < 0:
		return 0, true
	case n < 64 && uint64(x) > mask(n):
		return mask(n), true
	}
	return uint64(x), false
}

func satU(x uint64, n int) (uint64, bool) {
	if x > mask(n) {
		return mask(n), true
	}
	return x, false
}

// shiftRightS is x >> r with rounding when round (x sign-extended, r >= 0,
// any size): the Arm "round_const" add, without overflow.
func shiftRightS(x int64, r int, round bool) int64 {
	if r == 0 {
		return x
	}
	res := x >> min(r, 63)
	if round {
		res += x >> min(r-1, 63) & 1
	}
	return res
}

func shiftRightU(x uint64, r int, round bool) uint64 {
	if r == 0 {
		return x
	}
	var res uint64
	if r < 64 {
		res = x >> uint(r)
	}
	if round && r <= 64 {
		res += x >> uint(r-1) & 1
	}
	return res
}

// shiftLeftSatS is the saturating x << s of a signed n-bit x into n bits
// (to an unsigned result when unsignedResult: SQSHLU).
func shiftLeftSatS(x int64, s, n int, unsignedResult bool) (uint64, bool) {
	if unsignedResult && x < 0 {
		return 0, true
	}
	if x == 0 {
		return 0, false
	}
	limit := n - 1 // bits a positive result may use
	if unsignedResult {
		limit = n
	}
	mag := x
	if x < 0 {
		mag = ^x
	}
	if gobits.Len64(uint64(mag))+s > limit {
		switch {
		case unsignedResult:
			return mask(n), true
		case x < 0:
			return uint64(smin(n)) & mask(n), true
		}
		return uint64(smax(n)), true
	}
	return uint64(x<<uint(s)) & mask(n), false
}

func shiftLeftSatU(x uint64, s, n int) (uint64, bool) {
	if x == 0 {
		return 0, false
	}
	if s >= n || gobits.Len64(x)+s > n {
		return mask(n), true
	}
	return x << uint(s), false
}
