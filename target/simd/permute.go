package simd

// Permute is ZIP1, ZIP2, UZP1, UZP2, TRN1 and TRN2.
func Permute(op Op, a Arrangement, n, m Vec) Vec {
	e, lanes := a.ElemBits(), a.Lanes()
	var res Vec
	cat := func(j int) uint64 { // lane j of the concatenation m:n
		if j < lanes {
			return n.Elem(e, j)
		}
		return m.Elem(e, j-lanes)
	}
	for i := 0; i < lanes/2; i++ {
		switch op {
		case OpZIP1, OpZIP2:
			j := i
			if op == OpZIP2 {
				j += lanes / 2
			}
			res.SetElem(e, 2*i, n.Elem(e, j))
			res.SetElem(e, 2*i+1, m.Elem(e, j))
		case OpTRN1, OpTRN2:
			j := 2 * i
			if op == OpTRN2 {
				j++
			}
			res.SetElem(e, 2*i, n.Elem(e, j))
			res.SetElem(e, 2*i+1, m.Elem(e, j))
		case OpUZP1, OpUZP2:
			j := 0
			if op == OpUZP2 {
				j = 1
			}
			res.SetElem(e, i, cat(2*i+j))
			res.SetElem(e, i+lanes/2, cat(2*i+j+lanes))
		default:
			panic("simd: Permute of " + op.String())
		}
	}
	return fit(res, a)
}

// Ext is EXT: the bytes of the concatenation m:n from byte pos on.
func Ext(a Arrangement, n, m Vec, pos int) Vec {
	size := a.Bits() / 8
	var res Vec
	for i := 0; i < size; i++ {
		j := pos + i
		b := uint64(n.Byte(j))
		if j >= size {
			b = uint64(m.Byte(j - size))
		}
		res.SetElem(8, i, b)
	}
	return fit(res, a)
}

// Table is TBL (tbx false: out-of-range indices give 0) and TBX (they keep
// d's byte): table holds the count registers (1..4), idx the indices.
func Table(a Arrangement, table *[4]Vec, count int, d, idx Vec, tbx bool) Vec {
	var res Vec
	for i := 0; i < a.Bits()/8; i++ {
		j := int(idx.Byte(i))
		switch {
		case j < 16*count:
			res.SetElem(8, i, uint64(table[j/16].Byte(j%16)))
		case tbx:
			res.SetElem(8, i, uint64(d.Byte(i)))
		}
	}
	return fit(res, a)
}

// Dup is DUP: x in every lane of a (x is the element for DUP (element),
// the general register for DUP (general); the scalar DUP/MOV gives one).
func Dup(a Arrangement, x uint64) Vec {
	w := replicate(a.ElemBits(), x)
	return fit(Vec{w, w}, a)
}

// replicate is the low e bits of x (e = 8, 16, 32 or 64) in every e-bit
// lane of a word.
func replicate(e int, x uint64) uint64 {
	switch e {
	case 8:
		return x & 0xff * 0x0101010101010101
	case 16:
		return x & 0xffff * 0x0001000100010001
	case 32:
		return x & 0xffffffff * 0x0000000100000001
	}
	return x
}

// Insert is INS: d with lane idx of esize bits replaced by x; the rest of
// the register is kept.
func Insert(d Vec, esize, idx int, x uint64) Vec {
	d.SetElem(esize, idx, x)
	return d
}

// MoveToGeneral is UMOV (signed false) and SMOV: lane idx of esize bits,
// zero- or sign-extended to 64 bits (SMOV to a W register: keep the low 32
// bits and zero the rest).
func MoveToGeneral(n Vec, esize, idx int, signed, to64 bool) uint64 {
	x := n.Elem(esize, idx)
	if !signed {
		return x
	}
	x = uint64(sext64(x, esize))
	if !to64 {
		x &= mask(32)
	}
	return x
}

// Immediate is MOVI, MVNI, ORR (immediate), BIC (immediate) and FMOV
// (vector, immediate): the per-lane imm from the decoder applied to d.
func Immediate(op Op, a Arrangement, d Vec, imm uint64) Vec {
	w := replicate(a.ElemBits(), imm)
	switch op {
	case OpMOVI, OpFMOVImm:
		return fit(Vec{w, w}, a)
	case OpMVNI:
		return fit(Vec{^w, ^w}, a)
	case OpORRImm:
		return fit(Vec{d[0] | w, d[1] | w}, a)
	case OpBICImm:
		return fit(Vec{d[0] &^ w, d[1] &^ w}, a)
	}
	panic("simd: Immediate of " + op.String())
}
