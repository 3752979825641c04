package simd

import "encoding/binary"

// Address is the effective address of a load or store and the base
// register's value after it. base is Xn (SP when Rn is 31), index the
// offset register Xm (zero for XZR), pc the instruction's address (for
// literal loads). Memory is little-endian.
func (in *Inst) Address(base, index, pc uint64) (addr, newBase uint64, writeBack bool) {
	off := uint64(in.Offset)
	switch in.Addr {
	case AddrPre:
		return base + off, base + off, true
	case AddrPost:
		return base, base + off, true
	case AddrPostReg:
		return base, base + index, true
	case AddrReg:
		switch in.Extend {
		case ExtUXTW:
			index = uint64(uint32(index))
		case ExtSXTW:
			index = uint64(int64(int32(index)))
		}
		return base + index<<in.Shift, base, false
	case AddrLiteral:
		return pc + off, base, false
	}
	return base + off, base, false
}

// MemSize is the number of bytes a load or store accesses, all contiguous
// from its address.
func (in *Inst) MemSize() int {
	switch in.Op {
	case OpLDR, OpSTR:
		return in.Arr.ElemBits() / 8
	case OpLDP, OpSTP, OpLDNP, OpSTNP:
		return 2 * in.Arr.ElemBits() / 8
	case OpLD1, OpLD2, OpLD3, OpLD4, OpST1, OpST2, OpST3, OpST4:
		return int(in.Count) * in.Arr.Bits() / 8
	}
	return int(in.Count) * in.Arr.ElemBits() / 8 // single structure, replicate
}

// IsLoad says a memory instruction loads.
func (in *Inst) IsLoad() bool {
	switch in.Op {
	case OpLDR, OpLDP, OpLDNP, OpLD1, OpLD2, OpLD3, OpLD4, OpLD1Lane, OpLD2Lane, OpLD3Lane, OpLD4Lane,
		OpLD1R, OpLD2R, OpLD3R, OpLD4R:
		return true
	}
	return false
}

// getBytes reads n (1..16) little-endian bytes as a Vec.
func getBytes(b []byte, n int) Vec {
	switch n { // the register sizes of LDR/LDP Q and D, without the copy
	case 16:
		return Vec{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:16])}
	case 8:
		return Vec{binary.LittleEndian.Uint64(b)}
	}
	var buf [16]byte
	copy(buf[:], b[:n])
	return Vec{binary.LittleEndian.Uint64(buf[:8]), binary.LittleEndian.Uint64(buf[8:])}
}

func putBytes(b []byte, v Vec, n int) {
	switch n {
	case 16:
		binary.LittleEndian.PutUint64(b, v[0])
		binary.LittleEndian.PutUint64(b[8:16], v[1])
		return
	case 8:
		binary.LittleEndian.PutUint64(b, v[0])
		return
	}
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], v[0])
	binary.LittleEndian.PutUint64(buf[8:], v[1])
	copy(b[:n], buf[:n])
}

// Load writes the registers of a load from data, the MemSize bytes read
// at its address. Registers wrap from V31 to V0.
func Load(in *Inst, v *[32]Vec, data []byte) {
	transfer(in, v, data, true)
}

// Store fills data (MemSize bytes, to be written at the address) from the
// registers of a store.
func Store(in *Inst, v *[32]Vec, data []byte) {
	transfer(in, v, data, false)
}

// moveReg loads r from the size bytes of data, or stores it there.
func moveReg(r *Vec, data []byte, size int, load bool) {
	switch {
	case load && size == 16: // word by word: a whole-Vec copy of two halves just written stalls the host
		r[0], r[1] = binary.LittleEndian.Uint64(data), binary.LittleEndian.Uint64(data[8:16])
	case load && size == 8:
		r[0], r[1] = binary.LittleEndian.Uint64(data), 0
	case load:
		*r = getBytes(data, size)
	default:
		putBytes(data, *r, size)
	}
}

func transfer(in *Inst, v *[32]Vec, data []byte, load bool) {
	reg := func(i int) *Vec { return &v[(int(in.Rd)+i)&31] }
	switch in.Op {
	case OpLDR, OpSTR:
		moveReg(&v[in.Rd&31], data, in.Arr.ElemBits()/8, load)
		return
	case OpLDP, OpSTP, OpLDNP, OpSTNP:
		size := in.Arr.ElemBits() / 8
		moveReg(&v[in.Rd&31], data, size, load)
		moveReg(&v[in.Ra&31], data[size:], size, load)
		return
	}
	e := in.Arr.ElemBits()
	eb := e / 8
	switch in.Op {
	case OpLD1, OpST1: // up to 4 registers, not interleaved
		size := in.Arr.Bits() / 8
		for r := 0; r < int(in.Count); r++ {
			if load {
				*reg(r) = getBytes(data[r*size:], size)
			} else {
				putBytes(data[r*size:], *reg(r), size)
			}
		}
	case OpLD2, OpLD3, OpLD4, OpST2, OpST3, OpST4: // interleaved structures
		n := int(in.Count)
		for r := 0; r < n && load; r++ {
			*reg(r) = Vec{}
		}
		for j := 0; j < in.Arr.Lanes(); j++ {
			for r := 0; r < n; r++ {
				p := data[(j*n+r)*eb:]
				if load {
					reg(r).SetElem(e, j, getBytes(p, eb)[0])
				} else {
					putBytes(p, Vec{reg(r).Elem(e, j)}, eb)
				}
			}
		}
	case OpLD1Lane, OpLD2Lane, OpLD3Lane, OpLD4Lane, OpST1Lane, OpST2Lane, OpST3Lane, OpST4Lane:
		for r := 0; r < int(in.Count); r++ {
			if load {
				reg(r).SetElem(e, int(in.Index), getBytes(data[r*eb:], eb)[0])
			} else {
				putBytes(data[r*eb:], Vec{reg(r).Elem(e, int(in.Index))}, eb)
			}
		}
	case OpLD1R, OpLD2R, OpLD3R, OpLD4R:
		for r := 0; r < int(in.Count); r++ {
			*reg(r) = Dup(in.Arr, getBytes(data[r*eb:], eb)[0])
		}
	}
}
