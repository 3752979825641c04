package simd

// Decode returns the descriptor of the FP/SIMD instruction word w, or an
// Inst with Op == OpUndefined when w is not an FP/SIMD encoding this package
// implements (ARMv8.0-A without FP16, crypto, dot product or RDM). It never
// allocates.
func Decode(w uint32) Inst {
	switch {
	case w>>25&7 == 7: // data processing, SIMD and FP
		switch {
		case w>>28&1 == 0:
			return decodeVector(w)
		case w>>30&1 == 1:
			return decodeScalarSIMD(w)
		default:
			return decodeFP(w)
		}
	case w>>25&5 == 4 && w>>26&1 == 1: // loads and stores with V = 1
		return decodeLoadStore(w)
	}
	return Inst{}
}

// bits is w[hi:lo].
func bits(w uint32, hi, lo uint) uint32 { return w >> lo & (1<<(hi-lo+1) - 1) }

func bit(w uint32, i uint) bool { return w>>i&1 == 1 }

// regs fills Rd (bits 4:0), Rn (9:5) and Rm (20:16).
func regs(in *Inst, w uint32) {
	in.Rd = uint8(w & 31)
	in.Rn = uint8(w >> 5 & 31)
	in.Rm = uint8(w >> 16 & 31)
}

func sext(v uint32, n uint) int64 { return int64(int32(v<<(32-n)) >> (32 - n)) }

func decodeLoadStore(w uint32) Inst {
	switch {
	case w>>24&0xbf == 0x0c: // 0 Q 001100 x: multiple structures
		return decodeLdStMultiple(w)
	case w>>24&0xbf == 0x0d: // 0 Q 001101 x: single structure
		return decodeLdStSingle(w)
	case bits(w, 29, 27) == 3 && bits(w, 25, 24) == 0: // literal
		opc := bits(w, 31, 30)
		if opc == 3 {
			return Inst{}
		}
		return Inst{Op: OpLDR, Arr: scalarArr(opc + 2), Rd: uint8(w & 31), Addr: AddrLiteral, Offset: sext(bits(w, 23, 5), 19) * 4}
	case bits(w, 29, 27) == 5: // pair
		return decodeLdStPair(w)
	case bits(w, 29, 27) == 7:
		return decodeLdStReg(w)
	}
	return Inst{}
}

func decodeLdStPair(w uint32) Inst {
	opc := bits(w, 31, 30)
	if opc == 3 {
		return Inst{}
	}
	load := bit(w, 22)
	in := Inst{Arr: scalarArr(opc + 2), Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31), Ra: uint8(w >> 10 & 31)}
	in.Offset = sext(bits(w, 21, 15), 7) << (opc + 2)
	switch bits(w, 24, 23) {
	case 0:
		in.Op, in.Addr = OpSTNP, AddrOffset
		if load {
			in.Op = OpLDNP
		}
		return in
	case 1:
		in.Addr = AddrPost
	case 2:
		in.Addr = AddrOffset
	case 3:
		in.Addr = AddrPre
	}
	in.Op = OpSTP
	if load {
		in.Op = OpLDP
	}
	return in
}

func decodeLdStReg(w uint32) Inst {
	size, opc := bits(w, 31, 30), bits(w, 23, 22)
	var scale uint32
	switch {
	case opc&2 == 0:
		scale = size
	case size == 0:
		scale = 4 // Q
	default:
		return Inst{}
	}
	in := Inst{Op: OpSTR, Arr: scalarArr(scale), Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31)}
	if opc&1 == 1 {
		in.Op = OpLDR
	}
	if bit(w, 24) { // unsigned offset
		in.Addr, in.Offset = AddrOffset, int64(bits(w, 21, 10))<<scale
		return in
	}
	if !bit(w, 21) {
		in.Offset = sext(bits(w, 20, 12), 9)
		switch bits(w, 11, 10) {
		case 0:
			in.Addr = AddrUnscaled
		case 1:
			in.Addr = AddrPost
		case 3:
			in.Addr = AddrPre
		default: // unprivileged: no SIMD form
			return Inst{}
		}
		return in
	}
	if bits(w, 11, 10) != 2 {
		return Inst{}
	}
	in.Addr, in.Rm = AddrReg, uint8(w>>16&31)
	switch bits(w, 15, 13) {
	case 2:
		in.Extend = ExtUXTW
	case 3:
		in.Extend = ExtLSL
	case 6:
		in.Extend = ExtSXTW
	case 7:
		in.Extend = ExtSXTX
	default:
		return Inst{}
	}
	if bit(w, 12) {
		in.Shift = uint8(scale)
	}
	return in
}

var multipleForms = [16]struct {
	op   Op
	regs uint8
}{
	0x0: {OpLD4, 4}, 0x2: {OpLD1, 4}, 0x4: {OpLD3, 3}, 0x6: {OpLD1, 3}, 0x7: {OpLD1, 1}, 0x8: {OpLD2, 2}, 0xa: {OpLD1, 2},
}

func decodeLdStMultiple(w uint32) Inst {
	post := bit(w, 23)
	if !post && bits(w, 20, 16) != 0 || bit(w, 21) {
		return Inst{}
	}
	f := multipleForms[bits(w, 15, 12)]
	if f.op == OpUndefined {
		return Inst{}
	}
	q, size := bit(w, 30), bits(w, 11, 10)
	if size == 3 && !q && f.op != OpLD1 {
		return Inst{}
	}
	in := Inst{Op: f.op, Arr: vecArr(size, q), Count: f.regs, Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31), Addr: AddrOffset}
	if !bit(w, 22) {
		in.Op += OpST1 - OpLD1
	}
	if post {
		in.Rm = uint8(w >> 16 & 31)
		if in.Rm == 31 {
			in.Rm, in.Addr = 0, AddrPost
			in.Offset = int64(f.regs) * int64(in.Arr.Bits()/8)
		} else {
			in.Addr = AddrPostReg
		}
	}
	return in
}

func decodeLdStSingle(w uint32) Inst {
	post, load := bit(w, 23), bit(w, 22)
	if !post && bits(w, 20, 16) != 0 {
		return Inst{}
	}
	opcode, s, size, q := bits(w, 15, 13), bits(w, 12, 12), bits(w, 11, 10), bits(w, 30, 30)
	selem := (opcode&1<<1 | bits(w, 21, 21)) + 1
	in := Inst{Rd: uint8(w & 31), Rn: uint8(w >> 5 & 31), Addr: AddrOffset, Count: uint8(selem)}
	var esize uint32 // log2 bytes
	switch opcode >> 1 {
	case 0:
		in.Index = uint8(q<<3 | s<<2 | size)
	case 1:
		if size&1 != 0 {
			return Inst{}
		}
		esize, in.Index = 1, uint8(q<<2|s<<1|size>>1)
	case 2:
		switch size {
		case 0:
			esize, in.Index = 2, uint8(q<<1|s)
		case 1:
			if s != 0 {
				return Inst{}
			}
			esize, in.Index = 3, uint8(q)
		default:
			return Inst{}
		}
	case 3:
		if !load || s != 0 {
			return Inst{}
		}
		esize = size
		in.Op = OpLD1R + Op(selem-1)
		in.Arr = vecArr(size, q == 1)
	}
	if in.Op == OpUndefined {
		in.Arr = scalarArr(esize)
		in.Op = OpST1Lane + Op(selem-1)
		if load {
			in.Op = OpLD1Lane + Op(selem-1)
		}
	}
	if post {
		in.Rm = uint8(w >> 16 & 31)
		if in.Rm == 31 {
			in.Rm, in.Addr = 0, AddrPost
			in.Offset = int64(selem) << esize
		} else {
			in.Addr = AddrPostReg
		}
	}
	return in
}
