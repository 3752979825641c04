package target

import (
	"encoding/binary"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"hash/crc32"
	"math/bits"
	"unsafe"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc32Arm is the A64 CRC32/CRC32C: the CRC of the low 1<<lg bytes of data
// with acc as the running value (no initial or final inversion).
func crc32Arm(castag bool, acc uint32, data uint64, lg uint8) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], data)
	tab := crc32.IEEETable
	if castag {
		tab = castagnoli
	}
	return uint64(^crc32.Update(^acc, tab, b[:1<<lg]))
}

const noPage = ^uint64(0)

// load64 and friends access guest RAM at byte offset off from mem (the
// start of Machine.ram) without a bounds check: callers have checked that
// off is below len(ram) and aligned to the size, and len(ram) is a multiple
// of the page size, so the whole access is inside RAM.
func load64(mem unsafe.Pointer, off uint64) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(mem, off))[:])
}

func store64(mem unsafe.Pointer, off, v uint64) {
	binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(mem, off))[:], v)
}

func load16(mem unsafe.Pointer, off uint64) uint16 {
	return binary.LittleEndian.Uint16((*[2]byte)(unsafe.Add(mem, off))[:])
}

func store16(mem unsafe.Pointer, off uint64, v uint16) {
	binary.LittleEndian.PutUint16((*[2]byte)(unsafe.Add(mem, off))[:], v)
}

func load32(mem unsafe.Pointer, off uint64) uint32 {
	return binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(mem, off))[:])
}

func store32(mem unsafe.Pointer, off uint64, v uint32) {
	binary.LittleEndian.PutUint32((*[4]byte)(unsafe.Add(mem, off))[:], v)
}

// condHolds[cond] has bit nzcv set when the condition passes for those flags.
var condHolds = func() (t [16]uint16) {
	for f := 0; f < 16; f++ {
		n, z, c, v := f>>3&1 == 1, f>>2&1 == 1, f>>1&1 == 1, f&1 == 1
		res := [8]bool{z, c, n, v, c && !z, n == v, !z && n == v, true}
		for cond := 0; cond < 16; cond++ {
			r := res[cond>>1]
			if cond&1 == 1 && cond != 15 {
				r = !r
			}
			if r {
				t[cond] |= 1 << f
			}
		}
	}
	return t
}()

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func nzcv64(res uint64, c, v uint64) uint64 {
	return res>>63<<31 | b2u(res == 0)<<30 | c<<29 | v<<28
}

func nzcv32(res uint32, c, v uint64) uint64 {
	return uint64(res>>31)<<31 | b2u(res == 0)<<30 | c<<29 | v<<28
}

// addWithCarry is the Arm ARM AddWithCarry() for 64 or 32 bits.
func addWithCarry(a, b, cin uint64, sf bool) (uint64, uint64) {
	if sf {
		sum, cout := bits.Add64(a, b, cin)
		v := ((a ^ sum) & (b ^ sum)) >> 63
		return sum, nzcv64(sum, cout, v)
	}
	a32, b32 := uint32(a), uint32(b)
	sum, cout := bits.Add32(a32, b32, uint32(cin))
	v := uint64(((a32 ^ sum) & (b32 ^ sum)) >> 31)
	return uint64(sum), nzcv32(sum, uint64(cout), v)
}

func shiftVal(v uint64, typ, amt uint8, sf bool) uint64 {
	if sf {
		switch typ {
		case 0:
			return v << amt
		case 1:
			return v >> amt
		case 2:
			return uint64(int64(v) >> amt)
		}
		return bits.RotateLeft64(v, -int(amt))
	}
	w := uint32(v)
	switch typ {
	case 0:
		return uint64(w << amt)
	case 1:
		return uint64(w >> amt)
	case 2:
		return uint64(uint32(int32(w) >> amt))
	}
	return uint64(bits.RotateLeft32(w, -int(amt)))
}

func extendVal(v uint64, option, amt uint8) uint64 {
	switch option & 7 {
	case 0:
		v = uint64(uint8(v))
	case 1:
		v = uint64(uint16(v))
	case 2:
		v = uint64(uint32(v))
	case 4:
		v = uint64(int64(int8(v)))
	case 5:
		v = uint64(int64(int16(v)))
	case 6:
		v = uint64(int64(int32(v)))
	}
	return v << amt
}

func maskSF(v uint64, sf bool) uint64 {
	if sf {
		return v
	}
	return uint64(uint32(v))
}

func logicFlags(res uint64, sf bool) uint64 {
	if sf {
		return nzcv64(res, 0, 0)
	}
	return nzcv32(uint32(res), 0, 0)
}

// run executes up to budget instructions of this CPU (fewer if it stops,
// waits, powers off, or the machine needs attention). The outer loop finds
// the decoded page, checks breakpoints and executes the instructions the
// call-free inner loop hands back (execGeneral).
func (c *CPU) run(budget int) {
	m := c.m
	c.n = 0
	for c.n < budget && !c.stopped {
		pc := c.PC
		c.sliceN = uint64(c.n)
		if !c.fetchOK(pc) {
			c.n++
			continue
		}
		page := m.codePageAt((pc - RAMBase) >> pageShift)
		limit := budget
		if page.bp {
			if m.swBP[pc] > 0 && (m.soft[pc] || !m.extOff[c.index]) && !(c.skipBPOn && c.n == 0) {
				c.setStop(Stop{Kind: StopBreakpoint, CPU: c.index, Addr: pc})
				break
			}
			limit = c.n + 1
		}
		base := pc &^ (pageSize - 1)
		code := page // what inner runs
		if c.dbg.NeedsInstructionCheck() && c.debugStepWanted(pc) {
			l := c.breakSlots(page, base)
			if l == nil || page.bp || budget-c.n <= breakStride || l.stops(pc>>2&(instsPage-1)) {
				// Software step, a sync window, a PC a guest breakpoint may
				// hit, or the slice's end: one checked instruction (debugwire.go).
				if c.debugStep(page) {
					c.executed += uint64(c.n)
					c.sliceN = 0
					return
				}
				continue
			}
			// Only breakpoints, elsewhere on the page: run the trapped copy (breakslots.go).
			code, limit = l.code, budget-breakStride
		}
		var slow bool
		if limit-c.n == 1 {
			slow = c.stepOne(page, base, limit)
		} else {
			slow = c.inner(code, base, limit)
		}
		if !slow {
			continue // left the page or reached the limit
		}
		// The instruction at c.PC needs the general path.
		slot := c.PC >> 2 & (instsPage - 1)
		in := &page.insts[slot]
		if in.op == opUndecoded {
			*in = m.decodeAt(c.PC)
			continue
		}
		if code.insts[slot].op == opUndecoded {
			code.insts[slot] = *in // the trapped copy lags the page
			if code.insts[(slot+1)&(instsPage-1)].op == opStepTrap {
				code.insts[slot] = unfused(*in)
			}
			continue
		}
		c.n++
		c.sliceN = uint64(c.n)
		switch c.execGeneral(in) {
		case slowFault:
			if c.onFault(c.PC, c.n) {
				c.n--
				c.executed += uint64(c.n)
				c.sliceN = 0
				return
			}
		case slowEndSlice:
			c.executed += uint64(c.n)
			c.sliceN = 0
			return
		case slowStop:
			c.n--
		}
	}
	c.executed += uint64(c.n)
	c.sliceN = 0
}

// inner executes the common, call-free instructions of one decoded page until
// the PC leaves the page, limit is reached, or an instruction needs the
// general path (then it returns true with c.PC at that instruction, not
// executed). Keeping it free of calls keeps its state in registers.
func (c *CPU) inner(page *codePage, base uint64, limit int) (slow bool) {
	x := &c.X
	ram := c.m.ram
	mem := unsafe.Pointer(unsafe.SliceData(ram)) // accesses below check off against len(ram) first
	flags := c.m.flagArr
	// idx is the slot of the PC in this page; a branch sets it from the
	// target, and any value >= instsPage means the PC left the page.
	idx := (c.PC - base) >> 2
	seg := idx // first slot of the current straight-line run
	n := c.n
	insts := &page.insts
	exitPC, exitFar := uint64(0), false
loop:
	for idx < instsPage {
		in := &insts[idx]
		switch in.op & opMask { // the mask (opStepTrap is opMask) lets the jump table skip its range check
		case opStepTrap:
			break loop
		case opUndecoded:
			slow = true
			break loop
		case opLDRX:
			addr := x[in.rn] + in.imm
			off := addr - RAMBase
			if off < uint64(len(ram)) && addr&7 == 0 && flags[off>>pageShift&flagMask]&pfWatch == 0 {
				x[in.rd] = load64(mem, off)
				break
			}
			slow = true
			break loop
		case opSTRX:
			addr := x[in.rn] + in.imm
			off := addr - RAMBase
			if off < uint64(len(ram)) && addr&7 == 0 && flags[off>>pageShift&flagMask] == 0 {
				store64(mem, off, x[in.rd])
				break
			}
			slow = true
			break loop
		case opLDRW:
			addr := x[in.rn] + in.imm
			off := addr - RAMBase
			if off < uint64(len(ram)) && addr&3 == 0 && flags[off>>pageShift&flagMask]&pfWatch == 0 {
				x[in.rd] = uint64(load32(mem, off))
				break
			}
			slow = true
			break loop
		case opSTRW:
			addr := x[in.rn] + in.imm
			off := addr - RAMBase
			if off < uint64(len(ram)) && addr&3 == 0 && flags[off>>pageShift&flagMask] == 0 {
				store32(mem, off, uint32(x[in.rd]))
				break
			}
			slow = true
			break loop
		case opADDI64:
			x[in.rd] = x[in.rn] + in.imm
		case opSUBI64:
			x[in.rd] = x[in.rn] - in.imm
		case opADDI32:
			x[in.rd] = uint64(uint32(x[in.rn] + in.imm))
		case opSUBI32:
			x[in.rd] = uint64(uint32(x[in.rn] - in.imm))
		case opSUBSI64:
			a, b := x[in.rn], in.imm
			r := a - b
			c.NZCV = nzcv64(r, b2u(a >= b), ((a^b)&(a^r))>>63)
			x[in.rd] = r
		case opADDSI64:
			a, b := x[in.rn], in.imm
			r := a + b
			c.NZCV = nzcv64(r, b2u(r < a), ((a^r)&(b^r))>>63)
			x[in.rd] = r
		case opSUBSI32:
			a, b := uint32(x[in.rn]), uint32(in.imm)
			r := a - b
			c.NZCV = nzcv32(r, b2u(a >= b), uint64(((a^b)&(a^r))>>31))
			x[in.rd] = uint64(r)
		case opADDSI32:
			a, b := uint32(x[in.rn]), uint32(in.imm)
			r := a + b
			c.NZCV = nzcv32(r, b2u(r < a), uint64(((a^r)&(b^r))>>31))
			x[in.rd] = uint64(r)
		case opADR, opMOVI:
			x[in.rd] = in.imm
		case opMOVK:
			x[in.rd] = maskSF(x[in.rn]&^in.imm2|in.imm, in.sf)
		case opANDI:
			x[in.rd] = maskSF(x[in.rn]&in.imm, in.sf)
		case opORRI:
			x[in.rd] = maskSF(x[in.rn]|in.imm, in.sf)
		case opEORI:
			x[in.rd] = maskSF(x[in.rn]^in.imm, in.sf)
		case opUBFM64:
			x[in.rd] = bits.RotateLeft64(x[in.rn], -int(in.amt)) & in.imm
		case opUBFM32:
			x[in.rd] = uint64(bits.RotateLeft32(uint32(x[in.rn]), -int(in.amt))) & in.imm
		case opMOVR:
			x[in.rd] = maskSF(x[in.rm], in.sf)
		case opADDR:
			if in.cond != 0 {
				slow = true
				break loop
			}
			x[in.rd] = maskSF(x[in.rn]+x[in.rm]<<in.amt, in.sf)
		case opSUBR:
			if in.cond != 0 {
				slow = true
				break loop
			}
			x[in.rd] = maskSF(x[in.rn]-x[in.rm]<<in.amt, in.sf)
		case opSUBSR:
			if in.cond != 0 {
				slow = true
				break loop
			}
			if in.sf {
				a, b := x[in.rn], x[in.rm]<<in.amt
				r := a - b
				c.NZCV = nzcv64(r, b2u(a >= b), ((a^b)&(a^r))>>63)
				x[in.rd] = r
			} else {
				a, b := uint32(x[in.rn]), uint32(x[in.rm]<<in.amt)
				r := a - b
				c.NZCV = nzcv32(r, b2u(a >= b), uint64(((a^b)&(a^r))>>31))
				x[in.rd] = uint64(r)
			}
		case opAND:
			if in.cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.rn], x[in.rm]<<in.amt
			x[in.rd] = maskSF(a&b, in.sf)
		case opORR:
			if in.cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.rn], x[in.rm]<<in.amt
			x[in.rd] = maskSF(a|b, in.sf)
		case opEOR:
			if in.cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.rn], x[in.rm]<<in.amt
			x[in.rd] = maskSF(a^b, in.sf)
		case opBIC:
			if in.cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.rn], x[in.rm]<<in.amt
			x[in.rd] = maskSF(a&^b, in.sf)
		case opORN:
			if in.cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.rn], x[in.rm]<<in.amt
			x[in.rd] = maskSF(a|^b, in.sf)
		case opANDS:
			if in.cond != 0 {
				slow = true
				break loop
			}
			r := maskSF(x[in.rn]&(x[in.rm]<<in.amt), in.sf)
			if in.sf {
				c.NZCV = nzcv64(r, 0, 0)
			} else {
				c.NZCV = nzcv32(uint32(r), 0, 0)
			}
			x[in.rd] = r
		case opLoad:
			var addr uint64
			switch in.cond {
			case modeOffset, modePre:
				addr = x[in.rn] + in.imm
			case modePost:
				addr = x[in.rn]
			case modeReg:
				idx := x[in.rm]
				switch in.imm2 {
				case 2:
					idx = uint64(uint32(idx))
				case 6:
					idx = uint64(int64(int32(idx)))
				}
				addr = x[in.rn] + idx<<in.imm
			default: // literal
				addr = in.imm
			}
			off := addr - RAMBase
			if off >= uint64(len(ram)) || addr&(uint64(1)<<in.amt-1) != 0 || in.flg&flgUnpriv != 0 ||
				flags[off>>pageShift&flagMask]&pfWatch != 0 {
				slow = true
				break loop
			}
			var v uint64
			switch in.amt {
			case 0:
				v = uint64(ram[off])
			case 1:
				v = uint64(load16(mem, off))
			case 2:
				v = uint64(load32(mem, off))
			default:
				v = load64(mem, off)
			}
			if in.flg&flgSigned64 != 0 {
				v = sext(v, 8<<in.amt)
			} else if in.flg&flgSigned32 != 0 {
				v = uint64(uint32(sext(v, 8<<in.amt)))
			}
			x[in.rd] = v
			switch in.cond {
			case modePre:
				x[in.rn] = addr
			case modePost:
				x[in.rn] = addr + in.imm
			}
		case opStore:
			var addr uint64
			switch in.cond {
			case modeOffset, modePre:
				addr = x[in.rn] + in.imm
			case modePost:
				addr = x[in.rn]
			case modeReg:
				idx := x[in.rm]
				switch in.imm2 {
				case 2:
					idx = uint64(uint32(idx))
				case 6:
					idx = uint64(int64(int32(idx)))
				}
				addr = x[in.rn] + idx<<in.imm
			default: // literal
				addr = in.imm
			}
			off := addr - RAMBase
			if off >= uint64(len(ram)) || addr&(uint64(1)<<in.amt-1) != 0 || in.flg&flgUnpriv != 0 ||
				flags[off>>pageShift&flagMask] != 0 {
				slow = true
				break loop
			}
			v := x[in.rd]
			switch in.amt {
			case 0:
				ram[off] = byte(v)
			case 1:
				store16(mem, off, uint16(v))
			case 2:
				store32(mem, off, uint32(v))
			default:
				store64(mem, off, v)
			}
			switch in.cond {
			case modePre:
				x[in.rn] = addr
			case modePost:
				x[in.rn] = addr + in.imm
			}
		case opLDP:
			addr := x[in.rn]
			if in.cond != modePost {
				addr += in.imm
			}
			off := addr - RAMBase
			if in.amt != 3 || off >= uint64(len(ram))-8 || addr&7 != 0 ||
				(flags[off>>pageShift&flagMask]|flags[(off+8)>>pageShift&flagMask])&pfWatch != 0 {
				slow = true
				break loop
			}
			v1 := load64(mem, off)
			v2 := load64(mem, off+8)
			x[in.rd], x[in.ra] = v1, v2
			switch in.cond {
			case modePre:
				x[in.rn] = addr
			case modePost:
				x[in.rn] = addr + in.imm
			}
		case opSTP:
			addr := x[in.rn]
			if in.cond != modePost {
				addr += in.imm
			}
			off := addr - RAMBase
			if in.amt != 3 || off >= uint64(len(ram))-8 || addr&7 != 0 ||
				flags[off>>pageShift&flagMask]|flags[(off+8)>>pageShift&flagMask] != 0 {
				slow = true
				break loop
			}
			store64(mem, off, x[in.rd])
			store64(mem, off+8, x[in.ra])
			switch in.cond {
			case modePre:
				x[in.rn] = addr
			case modePost:
				x[in.rn] = addr + in.imm
			}
		// SBFM, LSLV, LSRV and MRS used to go back to run (execGeneral), whose
		// loop then checks the budget and steps the slice's last instruction
		// alone; leaving inner when at most one instruction of the budget
		// remains keeps every slice (and so the CPU interleaving) the same.
		case opSBFM: // bitfield() for SBFM, call-free
			src, top := x[in.rn], uint64(0)
			var rot uint64
			if in.sf {
				rot = bits.RotateLeft64(src, -int(in.amt))
				if src>>in.cond&1 == 1 {
					top = ^uint64(0)
				}
			} else {
				src = uint64(uint32(src))
				rot = uint64(bits.RotateLeft32(uint32(src), -int(in.amt)))
				if src>>in.cond&1 == 1 {
					top = 0xffff_ffff
				}
			}
			x[in.rd] = top&^in.imm2 | rot&in.imm&in.imm2
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case opLSLV:
			if in.sf {
				x[in.rd] = x[in.rn] << (x[in.rm] & 63)
			} else {
				x[in.rd] = uint64(uint32(x[in.rn]) << (x[in.rm] & 31))
			}
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case opLSRV:
			if in.sf {
				x[in.rd] = x[in.rn] >> (x[in.rm] & 63)
			} else {
				x[in.rd] = uint64(uint32(x[in.rn]) >> (x[in.rm] & 31))
			}
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case opMRS:
			switch in.cond {
			case mrsPlainEL1:
				if c.EL == 0 {
					slow = true
					break loop
				}
				x[in.rd] = c.SR[in.amt&(uint8(len(c.SR))-1)]
			case mrsPlain:
				x[in.rd] = c.SR[in.amt&(uint8(len(c.SR))-1)]
			case mrsCounter: // counter(): the round's clock plus this instruction's slot in the slice
				x[in.rd] = c.m.clock + uint64(n+int(idx-seg)+1)
			default:
				slow = true
				break loop
			}
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case opMADD:
			x[in.rd] = maskSF(x[in.ra]+x[in.rn]*x[in.rm], in.sf)
		case opMSUB:
			x[in.rd] = maskSF(x[in.ra]-x[in.rn]*x[in.rm], in.sf)
		case opB:
			n += int(idx-seg) + 1
			idx = (in.imm - base) >> 2
			seg = idx
			if n >= limit {
				break loop
			}
			continue
		case opBL:
			x[30] = base + idx<<2 + 4
			n += int(idx-seg) + 1
			idx = (in.imm - base) >> 2
			seg = idx
			if n >= limit {
				break loop
			}
			continue
		case opSUBSBcond: // SUBS then B.cond: two instructions
			a, b := x[in.rn], in.imm
			r := a - b
			c.NZCV = nzcv64(r, b2u(a >= b), ((a^b)&(a^r))>>63)
			x[in.rd] = r
			if condHolds[in.cond&15]>>(c.NZCV>>28&15)&1 == 1 {
				n += int(idx-seg) + 2
				idx = (in.imm2 - base) >> 2
				seg = idx
				if n >= limit {
					break loop
				}
				continue
			}
			idx++
		case opBcond:
			if condHolds[in.cond&15]>>(c.NZCV>>28&15)&1 == 1 {
				n += int(idx-seg) + 1
				idx = (in.imm - base) >> 2
				seg = idx
				if n >= limit {
					break loop
				}
				continue
			}
		case opCBZ:
			if maskSF(x[in.rn], in.sf) == 0 {
				n += int(idx-seg) + 1
				idx = (in.imm - base) >> 2
				seg = idx
				if n >= limit {
					break loop
				}
				continue
			}
		case opCBNZ:
			if maskSF(x[in.rn], in.sf) != 0 {
				n += int(idx-seg) + 1
				idx = (in.imm - base) >> 2
				seg = idx
				if n >= limit {
					break loop
				}
				continue
			}
		case opTBZ:
			if x[in.rn]>>in.amt&1 == 0 {
				n += int(idx-seg) + 1
				idx = (in.imm - base) >> 2
				seg = idx
				if n >= limit {
					break loop
				}
				continue
			}
		case opTBNZ:
			if x[in.rn]>>in.amt&1 != 0 {
				n += int(idx-seg) + 1
				idx = (in.imm - base) >> 2
				seg = idx
				if n >= limit {
					break loop
				}
				continue
			}
		case opBR, opRET:
			t := x[in.rn]
			n += int(idx-seg) + 1
			idx = (t - base) >> 2
			seg = idx
			if t&3 != 0 {
				exitPC, exitFar = t, true
				break loop
			}
			if n >= limit {
				break loop
			}
			continue
		case opBLR:
			t := x[in.rn]
			x[30] = base + idx<<2 + 4
			n += int(idx-seg) + 1
			idx = (t - base) >> 2
			seg = idx
			if t&3 != 0 {
				exitPC, exitFar = t, true
				break loop
			}
			if n >= limit {
				break loop
			}
			continue
		case opCSEL:
			v := x[in.rm]
			if condHolds[in.cond&15]>>(c.NZCV>>28&15)&1 == 1 {
				v = x[in.rn]
			}
			x[in.rd] = maskSF(v, in.sf)
		case opCSINC:
			v := x[in.rm] + 1
			if condHolds[in.cond&15]>>(c.NZCV>>28&15)&1 == 1 {
				v = x[in.rn]
			}
			x[in.rd] = maskSF(v, in.sf)
		case opNOP, opYIELD, opDSB, opDMB:
		default:
			slow = true
			break loop
		}
		idx++
	}
	n += int(idx - seg)
	if exitFar {
		c.PC = exitPC
	} else {
		c.PC = base + idx<<2
	}
	c.n = n
	return slow
}

// stepOne runs exactly one instruction (or hands it to the general path):
// the instruction is copied into the machine's trap page, whose every other
// slot stops the inner loop.
func (c *CPU) stepOne(page *codePage, base uint64, limit int) bool {
	i := (c.PC - base) >> 2
	in := &page.insts[i]
	if in.op == opUndecoded {
		*in = c.m.decodeAt(c.PC)
	}
	tp := c.m.trapPage
	tp.insts[i] = unfused(*in)
	slow := c.inner(tp, base, limit)
	tp.insts[i] = inst{op: opStepTrap}
	return slow
}

// execGeneral executes one instruction the inner loop handed back.
// c.PC is its PC; it returns a slow* outcome.
func (c *CPU) execGeneral(in *inst) int {
	x := &c.X
	pc := c.PC
	switch in.op {
	case opLDRX, opLDRW:
		v, ok := c.readSlow(x[in.rn]+in.imm, in.amt, false)
		if !ok {
			return slowFault
		}
		x[in.rd] = v
	case opSTRX, opSTRW:
		if !c.writeSlow(x[in.rn]+in.imm, in.amt, x[in.rd], false) {
			return slowFault
		}
	case opSUBSBcond: // only the SUBS: the B.cond is its own slot
		a, b := x[in.rn], in.imm
		r := a - b
		c.NZCV = nzcv64(r, b2u(a >= b), ((a^b)&(a^r))>>63)
		x[in.rd] = r
	case opANDSI:
		r := maskSF(x[in.rn]&in.imm, in.sf)
		c.NZCV = logicFlags(r, in.sf)
		x[in.rd] = r
	case opSYS:
		if c.EL == 0 && in.amt != 3 {
			c.undefined()
			return slowRedirect
		}
	case opSBFM, opBFM:
		x[in.rd] = bitfield(in, x[in.rn], x[in.rm])
	case opEXTR:
		x[in.rd] = extr(x[in.rn], x[in.rm], in.amt, in.sf)

	case opADDR, opSUBR, opADDSR, opSUBSR:
		b := shiftVal(x[in.rm], in.cond, in.amt, in.sf)
		x[in.rd] = c.addSub(in.op, x[in.rn], b, in.sf)
	case opADDX, opSUBX, opADDSX, opSUBSX:
		b := extendVal(x[in.rm], in.cond, in.amt)
		x[in.rd] = c.addSub(in.op, x[in.rn], b, in.sf)
	case opAND, opBIC, opORR, opORN, opEOR, opEON, opANDS, opBICS:
		b := shiftVal(x[in.rm], in.cond, in.amt, in.sf)
		x[in.rd] = c.logic(in.op, x[in.rn], b, in.sf)
	case opADC, opADCS, opSBC, opSBCS:
		b := x[in.rm]
		if in.op == opSBC || in.op == opSBCS {
			b = ^b
		}
		r, f := addWithCarry(x[in.rn], b, c.NZCV>>29&1, in.sf)
		if in.op == opADCS || in.op == opSBCS {
			c.NZCV = f
		}
		x[in.rd] = maskSF(r, in.sf)
	case opCCMN, opCCMP:
		if condHolds[in.cond&15]>>(c.NZCV>>28&15)&1 == 1 {
			b := in.imm
			if in.flg&flgImmCmp == 0 {
				b = x[in.rm]
			}
			if in.op == opCCMP {
				_, c.NZCV = addWithCarry(x[in.rn], ^b, 1, in.sf)
			} else {
				_, c.NZCV = addWithCarry(x[in.rn], b, 0, in.sf)
			}
		} else {
			c.NZCV = uint64(in.amt) << 28
		}
	case opCSEL, opCSINC, opCSINV, opCSNEG:
		var r uint64
		if condHolds[in.cond&15]>>(c.NZCV>>28&15)&1 == 1 {
			r = x[in.rn]
		} else {
			r = x[in.rm]
			switch in.op {
			case opCSINC:
				r++
			case opCSINV:
				r = ^r
			case opCSNEG:
				r = -r
			}
		}
		x[in.rd] = maskSF(r, in.sf)
	case opUDIV, opSDIV, opLSLV, opLSRV, opASRV, opRORV:
		x[in.rd] = dp2(in.op, x[in.rn], x[in.rm], in.sf)
	case opRBIT, opREV16, opREV32, opREV, opCLZ, opCLS:
		x[in.rd] = dp1(in.op, x[in.rn], in.sf)
	case opSMADDL:
		x[in.rd] = x[in.ra] + uint64(int64(int32(x[in.rn]))*int64(int32(x[in.rm])))
	case opSMSUBL:
		x[in.rd] = x[in.ra] - uint64(int64(int32(x[in.rn]))*int64(int32(x[in.rm])))
	case opUMADDL:
		x[in.rd] = x[in.ra] + uint64(uint32(x[in.rn]))*uint64(uint32(x[in.rm]))
	case opUMSUBL:
		x[in.rd] = x[in.ra] - uint64(uint32(x[in.rn]))*uint64(uint32(x[in.rm]))
	case opSMULH:
		a, b := x[in.rn], x[in.rm]
		hi, _ := bits.Mul64(a, b)
		if int64(a) < 0 {
			hi -= b
		}
		if int64(b) < 0 {
			hi -= a
		}
		x[in.rd] = hi
	case opUMULH:
		hi, _ := bits.Mul64(x[in.rn], x[in.rm])
		x[in.rd] = hi

	case opCRC32, opCRC32C:
		x[in.rd] = crc32Arm(in.op == opCRC32C, uint32(x[in.rn]), x[in.rm], in.amt)
	default:
		return c.execSlow(in)
	}
	c.PC = pc + 4
	return slowNext
}

// fetchOK checks the new page at pc: PSTATE.IL, PC alignment and RAM. On a
// fault it takes the exception and returns false.
func (c *CPU) fetchOK(pc uint64) bool {
	switch {
	case c.IL:
		c.takeException(cpu.ECIllegal, 0, pc, 0, false)
		return false
	case pc&3 != 0:
		c.takeException(cpu.ECPCAlign, 0, pc, pc, true)
		return false
	case pc-RAMBase >= c.m.ramSize:
		ec := uint32(cpu.ECInsnAbort)
		if c.EL == 0 {
			ec = cpu.ECInsnAbortLo
		}
		c.takeException(ec, cpu.FSCExternal, pc, pc, true)
		return false
	}
	return true
}

func (c *CPU) undefined() { c.takeException(cpu.ECUnknown, 0, c.PC, 0, false) }

func bitfield(in *inst, src, dst uint64) uint64 {
	size := uint(64)
	if !in.sf {
		size, src, dst = 32, uint64(uint32(src)), uint64(uint32(dst))
	}
	rot := ror(src, uint(in.amt), size)
	wmask, tmask := in.imm, in.imm2
	if in.op == opSBFM {
		bot := rot & wmask
		var top uint64
		if src>>in.cond&1 == 1 {
			top = ones(size)
		}
		return (top &^ tmask) | (bot & tmask)
	}
	bot := (dst &^ wmask) | (rot & wmask)
	return (dst &^ tmask) | (bot & tmask)
}

func extr(hi, lo uint64, lsb uint8, sf bool) uint64 {
	if sf {
		if lsb == 0 {
			return lo
		}
		return lo>>lsb | hi<<(64-lsb)
	}
	h, l := uint32(hi), uint32(lo)
	if lsb == 0 {
		return uint64(l)
	}
	return uint64(l>>lsb | h<<(32-lsb))
}

func (c *CPU) addSub(op opcode, a, b uint64, sf bool) uint64 {
	sub := op == opSUBR || op == opSUBSR || op == opSUBX || op == opSUBSX
	setFlags := op == opADDSR || op == opSUBSR || op == opADDSX || op == opSUBSX
	cin := uint64(0)
	if sub {
		b, cin = ^b, 1
	}
	r, f := addWithCarry(a, b, cin, sf)
	if setFlags {
		c.NZCV = f
	}
	return maskSF(r, sf)
}

func (c *CPU) logic(op opcode, a, b uint64, sf bool) uint64 {
	var r uint64
	switch op {
	case opAND, opANDS:
		r = a & b
	case opBIC, opBICS:
		r = a &^ b
	case opORR:
		r = a | b
	case opORN:
		r = a | ^b
	case opEOR:
		r = a ^ b
	case opEON:
		r = a ^ ^b
	}
	r = maskSF(r, sf)
	if op == opANDS || op == opBICS {
		c.NZCV = logicFlags(r, sf)
	}
	return r
}

func dp2(op opcode, a, b uint64, sf bool) uint64 {
	if !sf {
		a32, b32 := uint32(a), uint32(b)
		switch op {
		case opUDIV:
			if b32 == 0 {
				return 0
			}
			return uint64(a32 / b32)
		case opSDIV:
			if b32 == 0 {
				return 0
			}
			return uint64(uint32(int32(a32) / int32(b32)))
		case opLSLV:
			return uint64(a32 << (b32 & 31))
		case opLSRV:
			return uint64(a32 >> (b32 & 31))
		case opASRV:
			return uint64(uint32(int32(a32) >> (b32 & 31)))
		}
		return uint64(bits.RotateLeft32(a32, -int(b32&31)))
	}
	switch op {
	case opUDIV:
		if b == 0 {
			return 0
		}
		return a / b
	case opSDIV:
		if b == 0 {
			return 0
		}
		return uint64(int64(a) / int64(b))
	case opLSLV:
		return a << (b & 63)
	case opLSRV:
		return a >> (b & 63)
	case opASRV:
		return uint64(int64(a) >> (b & 63))
	}
	return bits.RotateLeft64(a, -int(b&63))
}

func dp1(op opcode, a uint64, sf bool) uint64 {
	if !sf {
		w := uint32(a)
		switch op {
		case opRBIT:
			return uint64(bits.Reverse32(w))
		case opREV16:
			return uint64((w&0x00ff00ff)<<8 | (w>>8)&0x00ff00ff)
		case opREV:
			return uint64(bits.ReverseBytes32(w))
		case opCLZ:
			return uint64(bits.LeadingZeros32(w))
		case opCLS:
			return uint64(bits.LeadingZeros32((w^w>>1)&0x7fffffff) - 1)
		}
		return 0
	}
	switch op {
	case opRBIT:
		return bits.Reverse64(a)
	case opREV16:
		return (a&0x00ff00ff00ff00ff)<<8 | (a>>8)&0x00ff00ff00ff00ff
	case opREV32:
		r := bits.ReverseBytes64(a)
		return r<<32 | r>>32
	case opREV:
		return bits.ReverseBytes64(a)
	case opCLZ:
		return uint64(bits.LeadingZeros64(a))
	case opCLS:
		return uint64(bits.LeadingZeros64((a^a>>1)&(1<<63-1)) - 1)
	}
	return 0
}
