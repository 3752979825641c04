package difftest

// Memory classes. The generator tracks the base register's offset into the
// scratch buffer statically, so every access it emits lies inside the buffer
// and is naturally aligned (the simulated machine runs with the MMU off, where
// memory is Device and unaligned accesses fault).

func inBuf(a, n int) bool { return a >= 0 && a+n <= BufSize }

// pickAddr draws an address aligned to align with room for n bytes.
func (g *gen) pickAddr(n, align int) int { return align * g.r.IntN((BufSize-n)/align+1) }

// memAttempt builds a group for base offset b and returns the new base offset.
type memAttempt func(b int) (insts []Inst, nb int, ok bool)

// withBase tries the attempt at the current base; outside a branch shadow it
// may first move the base (ADD/SUB base, base, #k) to a fresh 16-aligned spot.
func (g *gen) withBase(try memAttempt) (Group, bool) {
	for range 6 {
		insts, nb, ok := try(g.baseOff)
		if !ok || (nb != g.baseOff && g.shadow > 0) {
			continue
		}
		g.baseOff = nb
		return Group{Insts: insts}, true
	}
	if g.shadow > 0 {
		return Group{}, false
	}
	target := 16 * g.r.IntN(BufSize/16+1)
	k := target - g.baseOff
	var rb Inst
	if k >= 0 {
		rb = AddSubImm(true, false, false, g.seq.Base, g.seq.Base, uint32(k), false)
	} else {
		rb = AddSubImm(true, true, false, g.seq.Base, g.seq.Base, uint32(-k), false)
	}
	for range 6 {
		insts, nb, ok := try(target)
		if ok {
			g.baseOff = nb
			return Group{Insts: append([]Inst{rb}, insts...)}, true
		}
	}
	return Group{}, false
}

// memOp draws a single-register access kind valid for size.
func (g *gen) memOp(size uint32) MemOp {
	for {
		op := MemOp(g.r.IntN(int(numMemOps)))
		if (op == MemLoadSX && size == 3) || (op == MemLoadSW && size >= 2) {
			continue
		}
		return op
	}
}

// dataReg picks Rt: loads never write the base; writeback forms never name it.
func (g *gen) dataReg(op MemOp, writeback bool) int {
	if op == MemStore && !writeback {
		return g.src(true)
	}
	return g.dst(true)
}

// movImm materializes v in rd (64-bit) with MOVZ or MOVN and MOVKs.
func movImm(rd int, v uint64) []Inst {
	ones := 0
	for i := range 4 {
		if (v>>(16*i))&0xffff == 0xffff {
			ones++
		}
	}
	var out []Inst
	if ones >= 2 {
		first := -1
		for i := range 4 {
			if h := (v >> (16 * i)) & 0xffff; h != 0xffff {
				if first < 0 {
					first = i
					out = append(out, MoveWide(true, 0, rd, uint32(^h&0xffff), uint32(i)))
				} else {
					out = append(out, MoveWide(true, 3, rd, uint32(h), uint32(i)))
				}
			}
		}
		if first < 0 {
			out = append(out, MoveWide(true, 0, rd, 0, 0))
		}
		return out
	}
	for i := range 4 {
		if h := (v >> (16 * i)) & 0xffff; h != 0 {
			if len(out) == 0 {
				out = append(out, MoveWide(true, 2, rd, uint32(h), uint32(i)))
			} else {
				out = append(out, MoveWide(true, 3, rd, uint32(h), uint32(i)))
			}
		}
	}
	if len(out) == 0 {
		out = append(out, MoveWide(true, 2, rd, 0, 0))
	}
	return out
}

// junkHigh is sometimes random upper-half bits, which a W-register index ignores.
func (g *gen) junkHigh() uint64 {
	if g.coin() {
		return 0
	}
	return uint64(g.r.Uint32()) << 32
}

func (g *gen) memGroup(c Class) (Group, bool) {
	r := g.r
	base := g.seq.Base
	switch c {
	case ClassLdStUImm:
		return g.withBase(func(b int) ([]Inst, int, bool) {
			size := uint32(r.IntN(4))
			n := 1 << size
			a := g.pickAddr(n, n)
			off := a - b
			if off < 0 || off%n != 0 || off/n > 4095 {
				return nil, 0, false
			}
			op := g.memOp(size)
			return []Inst{LdStUImm(op, size, g.dataReg(op, false), base, uint32(off/n))}, b, true
		})
	case ClassLdStUnscal, ClassLdStUnpriv:
		idx := uint32(IdxUnscaled)
		if c == ClassLdStUnpriv {
			idx = IdxUnpriv
		}
		return g.withBase(func(b int) ([]Inst, int, bool) {
			size := uint32(r.IntN(4))
			n := 1 << size
			off := g.pickAddr(n, n) - b
			if off < -256 || off > 255 {
				return nil, 0, false
			}
			op := g.memOp(size)
			return []Inst{LdStImm9(op, size, idx, g.dataReg(op, false), base, int32(off))}, b, true
		})
	case ClassLdStPre:
		return g.withBase(func(b int) ([]Inst, int, bool) {
			size := uint32(r.IntN(4))
			n := 1 << size
			a := g.pickAddr(n, n)
			off := a - b
			if off < -256 || off > 255 {
				return nil, 0, false
			}
			op := g.memOp(size)
			return []Inst{LdStImm9(op, size, IdxPre, g.dataReg(op, true), base, int32(off))}, a, true
		})
	case ClassLdStPost:
		return g.withBase(func(b int) ([]Inst, int, bool) {
			size := uint32(r.IntN(4))
			n := 1 << size
			if b%n != 0 || !inBuf(b, n) {
				return nil, 0, false
			}
			off := r.IntN(512) - 256
			if nb := b + off; nb < 0 || nb > BufSize {
				return nil, 0, false
			}
			op := g.memOp(size)
			return []Inst{LdStImm9(op, size, IdxPost, g.dataReg(op, true), base, int32(off))}, b + off, true
		})
	case ClassLdStRegOff:
		return g.withBase(func(b int) ([]Inst, int, bool) {
			size := uint32(r.IntN(4))
			n := 1 << size
			option := []uint32{2, 3, 6, 7}[r.IntN(4)]
			scaled := g.coin()
			shift := 0
			if scaled {
				shift = int(size)
			}
			d := g.pickAddr(n, n) - b
			if d%(1<<shift) != 0 {
				return nil, 0, false
			}
			idx := int64(d >> shift)
			var v uint64
			switch option {
			case 2: // UXTW: the upper half is ignored
				if idx < 0 {
					return nil, 0, false
				}
				v = uint64(uint32(idx)) | g.junkHigh()
			case 6: // SXTW
				v = uint64(uint32(int32(idx))) | g.junkHigh()
			default:
				v = uint64(idx)
			}
			rm := g.dst(false)
			op := g.memOp(size)
			insts := append(movImm(rm, v), LdStRegOff(op, size, g.dataReg(op, false), base, rm, option, scaled))
			return insts, b, true
		})
	case ClassLdStPair:
		return g.withBase(func(b int) ([]Inst, int, bool) {
			opc := []uint32{PairW, PairX, PairSW}[r.IntN(3)]
			typ := uint32(r.IntN(4))
			load := opc == PairSW || g.coin()
			if opc == PairSW && typ == PairNT {
				typ = PairOff
			}
			n := 4
			if opc == PairX {
				n = 8
			}
			a := g.pickAddr(2*n, n)
			if g.coin() {
				a = g.pickAddr(2*n, 2*n)
			}
			var off, nb, acc int
			switch typ {
			case PairPost:
				if b%n != 0 || !inBuf(b, 2*n) {
					return nil, 0, false
				}
				off = (r.IntN(128) - 64) * n
				acc, nb = b, b+off
				if nb < 0 || nb > BufSize {
					return nil, 0, false
				}
			case PairPre:
				off, acc, nb = a-b, a, a
			default:
				off, acc, nb = a-b, a, b
			}
			if off%n != 0 || off/n < -64 || off/n > 63 || !inBuf(acc, 2*n) {
				return nil, 0, false
			}
			wb := typ == PairPre || typ == PairPost
			var rt, rt2 int
			if load {
				rt, rt2 = g.dst(false), g.dst(false)
				if rt == rt2 {
					return nil, 0, false
				}
			} else if wb {
				rt, rt2 = g.dst(true), g.dst(true)
			} else {
				rt, rt2 = g.src(true), g.src(true)
			}
			return []Inst{LdStPair(opc, typ, load, rt, rt2, base, int32(off/n))}, nb, true
		})
	case ClassLdLiteral:
		opc := uint32(r.IntN(3))
		lo := -16
		j := lo + r.IntN(g.words-lo+1)
		if opc == 1 && j%2 != 0 {
			j--
		}
		rt := g.dst(true)
		mk := func(off int32) Inst { return LdrLiteral(opc, rt, off) }
		return Group{Insts: []Inst{mk(0)}, LitWord: j, reloc: mk, kind: kindLiteral}, true
	case ClassAcqRel:
		return g.withBase(func(b int) ([]Inst, int, bool) {
			size := uint32(r.IntN(4))
			n := 1 << size
			if b%n != 0 || !inBuf(b, n) {
				return nil, 0, false
			}
			if g.coin() {
				return []Inst{AcqRel(size, true, g.dst(true), base)}, b, true
			}
			return []Inst{AcqRel(size, false, g.src(true), base)}, b, true
		})
	case ClassExclusive:
		return g.withBase(g.exclusive)
	case ClassLSE:
		return g.withBase(g.lse)
	}
	return Group{}, false
}

// exclusive: LDXR…STXR on the same address (the only pattern with one defined
// outcome on every implementation), an exclusive pair, or a lone STXR that must fail.
func (g *gen) exclusive(b int) ([]Inst, int, bool) {
	r := g.r
	base := g.seq.Base
	switch k := r.IntN(8); {
	case k < 5:
		size := uint32(r.IntN(4))
		n := 1 << size
		if b%n != 0 || !inBuf(b, n) {
			return nil, 0, false
		}
		rt := g.dst(false)
		insts := []Inst{Exclusive(size, true, g.coin(), 0, rt, base)}
		rt2 := rt
		if g.coin() {
			rt2 = g.dst(false)
			insts = append(insts, AddSubImm(true, false, false, rt2, rt, uint32(r.IntN(4096)), false))
		}
		ws := g.dst(true)
		if ws == rt2 || ws == zr {
			return nil, 0, false
		}
		return append(insts, Exclusive(size, false, g.coin(), ws, rt2, base)), b, true
	case k < 7:
		size := uint32(2 + r.IntN(2))
		n := 2 << size
		if b%n != 0 || !inBuf(b, n) {
			return nil, 0, false
		}
		rt, rt2 := g.dst(false), g.dst(false)
		if rt == rt2 {
			return nil, 0, false
		}
		st1, st2 := rt, rt2
		if g.coin() {
			st1, st2 = rt2, rt
		}
		ws := g.dst(false)
		if ws == st1 || ws == st2 {
			return nil, 0, false
		}
		return []Inst{
			ExclusivePair(size, true, g.coin(), 0, rt, rt2, base),
			ExclusivePair(size, false, g.coin(), ws, st1, st2, base),
		}, b, true
	default:
		size := uint32(r.IntN(4))
		n := 1 << size
		if b%n != 0 || !inBuf(b, n) {
			return nil, 0, false
		}
		rt := g.src(true)
		ws := g.dst(false)
		if ws == rt {
			return nil, 0, false
		}
		return []Inst{Exclusive(size, false, g.coin(), ws, rt, base)}, b, true
	}
}

// lse: LD<op>/SWP, CAS (often primed with a load so it succeeds), CASP.
func (g *gen) lse(b int) ([]Inst, int, bool) {
	r := g.r
	base := g.seq.Base
	acq, rel := g.coin(), g.coin()
	switch k := r.IntN(8); {
	case k < 5:
		size := uint32(r.IntN(4))
		n := 1 << size
		if b%n != 0 || !inBuf(b, n) {
			return nil, 0, false
		}
		return []Inst{Atomic(size, uint32(r.IntN(9)), acq, rel, g.src(true), g.dst(true), base)}, b, true
	case k < 7:
		size := uint32(r.IntN(4))
		n := 1 << size
		if b%n != 0 || !inBuf(b, n) {
			return nil, 0, false
		}
		rs := g.dst(true)
		var insts []Inst
		if rs != zr && g.coin() {
			insts = append(insts, LdStUImm(MemLoad, size, rs, base, 0))
		}
		return append(insts, CAS(size, acq, rel, rs, g.src(true), base)), b, true
	default:
		sf := g.coin()
		n := 8
		if sf {
			n = 16
		}
		if b%n != 0 || !inBuf(b, n) {
			return nil, 0, false
		}
		rs, rt := 2*r.IntN(15), 2*r.IntN(15)
		if rs == base || rs+1 == base || rs == g.avoid || rs+1 == g.avoid {
			return nil, 0, false
		}
		var insts []Inst
		if g.coin() {
			opc := uint32(PairW)
			if sf {
				opc = PairX
			}
			insts = append(insts, LdStPair(opc, PairOff, true, rs, rs+1, base, 0))
		}
		return append(insts, CASP(sf, acq, rel, rs, rt, base)), b, true
	}
}
