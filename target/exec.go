package target

import (
	"math/bits"
	"unsafe"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/mmu"
)

// run executes up to budget instructions of this CPU (fewer if it stops,
// waits, powers off, or the machine needs attention). The outer loop takes
// pending interrupts, translates the PC and finds its decoded page
// (icache), checks breakpoints, and executes on the general path (general,
// execGeneral) the instructions the call-free inner loop hands back.
func (c *CPU) run(budget int) {
	m := c.m
	c.n = 0
	for c.n < budget && !c.stopped {
		// The interrupt check point: between page runs and after every
		// instruction of the general path (MSR DAIFClr, MMIO writes, ERET
		// come back here), one load and a predictable branch.
		if c.Pending != 0 && c.takeInterrupt() {
			continue
		}
		pc := c.PC
		c.sliceN = uint64(c.n)
		pa, ok := c.fetchOK(pc)
		if !ok {
			c.n++
			continue
		}
		page := m.codePageAt((pa - RAMBase) >> pageShift) // decoded code is keyed by physical page
		limit := budget
		if page.BP {
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
			if l == nil || page.BP || budget-c.n <= breakStride || l.stops(pc>>2&(instsPage-1)) {
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
		in := &page.Insts[slot]
		if in.Op == isa.OpUndecoded {
			*in = m.decodeAt(c.PC)
			continue
		}
		if code.Insts[slot].Op == isa.OpUndecoded {
			code.Insts[slot] = *in // the trapped copy lags the page
			if code.Insts[(slot+1)&(instsPage-1)].Op == isa.OpStepTrap {
				code.Insts[slot] = isa.Unfused(*in)
			}
			continue
		}
		if c.general(in) {
			break
		}
	}
	c.executed += uint64(c.n)
	c.sliceN = 0
}

// general runs the instruction at c.PC (in) on the general path and counts
// it; endSlice reports that the CPU's turn ends (WFI, PSCI, a stop).
func (c *CPU) general(in *isa.Inst) (endSlice bool) {
	c.n++
	c.sliceN = uint64(c.n)
	switch c.execGeneral(in) {
	case slowFault:
		if c.onFault(c.PC, c.n) {
			c.n-- // a stop before the instruction: it did not execute
			return true
		}
	case slowEndSlice:
		return true
	case slowStop:
		c.n--
	}
	return false
}

// inner executes the common, call-free instructions of one decoded page until
// the PC leaves the page, limit is reached, or an instruction needs the
// general path (then it returns true with c.PC at that instruction, not
// executed). Keeping it free of calls keeps its state in registers.
func (c *CPU) inner(page *icache.Page, base uint64, limit int) (slow bool) {
	x := &c.X
	ram := c.m.ram
	mem := unsafe.Pointer(unsafe.SliceData(ram)) // accesses below check off against len(ram) first
	flags := c.m.flagArr
	// idx is the slot of the PC in this page; a branch sets it from the
	// target, and any value >= instsPage means the PC left the page.
	idx := (c.PC - base) >> 2
	seg := idx // first slot of the current straight-line run
	n := c.n
	insts := &page.Insts
	exitPC, exitFar := uint64(0), false
	var tgt uint64 // a taken branch's target
loop:
	for idx < instsPage {
		in := &insts[idx]
		switch in.Op & isa.OpMask { // the mask (isa.OpStepTrap is isa.OpMask) lets the jump table skip its range check
		case isa.OpStepTrap:
			break loop
		case isa.OpUndecoded:
			slow = true
			break loop
		case isa.OpLDRX:
			addr := x[in.Rn] + in.Imm
			off := addr - RAMBase // VA = PA (memory.go: the micro-TLB goes here)
			if off < uint64(len(ram)) && addr&7 == 0 && flags[off>>pageShift&flagMask]&pfWatch == 0 {
				x[in.Rd] = load64(mem, off)
				break
			}
			slow = true
			break loop
		case isa.OpSTRX:
			addr := x[in.Rn] + in.Imm
			off := addr - RAMBase
			if off < uint64(len(ram)) && addr&7 == 0 && flags[off>>pageShift&flagMask] == 0 {
				store64(mem, off, x[in.Rd])
				break
			}
			slow = true
			break loop
		case isa.OpLDRW:
			addr := x[in.Rn] + in.Imm
			off := addr - RAMBase
			if off < uint64(len(ram)) && addr&3 == 0 && flags[off>>pageShift&flagMask]&pfWatch == 0 {
				x[in.Rd] = uint64(load32(mem, off))
				break
			}
			slow = true
			break loop
		case isa.OpSTRW:
			addr := x[in.Rn] + in.Imm
			off := addr - RAMBase
			if off < uint64(len(ram)) && addr&3 == 0 && flags[off>>pageShift&flagMask] == 0 {
				store32(mem, off, uint32(x[in.Rd]))
				break
			}
			slow = true
			break loop
		case isa.OpADDI64:
			x[in.Rd] = x[in.Rn] + in.Imm
		case isa.OpSUBI64:
			x[in.Rd] = x[in.Rn] - in.Imm
		case isa.OpADDI32:
			x[in.Rd] = uint64(uint32(x[in.Rn] + in.Imm))
		case isa.OpSUBI32:
			x[in.Rd] = uint64(uint32(x[in.Rn] - in.Imm))
		case isa.OpSUBSI64:
			x[in.Rd], c.NZCV = isa.Sub64(x[in.Rn], in.Imm)
		case isa.OpADDSI64:
			x[in.Rd], c.NZCV = isa.Add64(x[in.Rn], in.Imm)
		case isa.OpSUBSI32:
			x[in.Rd], c.NZCV = isa.Sub32(x[in.Rn], in.Imm)
		case isa.OpADDSI32:
			x[in.Rd], c.NZCV = isa.Add32(x[in.Rn], in.Imm)
		case isa.OpADR, isa.OpMOVI:
			x[in.Rd] = in.Imm
		case isa.OpMOVK:
			x[in.Rd] = isa.MaskSF(x[in.Rn]&^in.Imm2|in.Imm, in.SF)
		case isa.OpANDI:
			x[in.Rd] = isa.MaskSF(x[in.Rn]&in.Imm, in.SF)
		case isa.OpORRI:
			x[in.Rd] = isa.MaskSF(x[in.Rn]|in.Imm, in.SF)
		case isa.OpEORI:
			x[in.Rd] = isa.MaskSF(x[in.Rn]^in.Imm, in.SF)
		case isa.OpUBFM64:
			x[in.Rd] = bits.RotateLeft64(x[in.Rn], -int(in.Amt)) & in.Imm
		case isa.OpUBFM32:
			x[in.Rd] = uint64(bits.RotateLeft32(uint32(x[in.Rn]), -int(in.Amt))) & in.Imm
		case isa.OpMOVR:
			x[in.Rd] = isa.MaskSF(x[in.Rm], in.SF)
		case isa.OpADDR:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			x[in.Rd] = isa.MaskSF(x[in.Rn]+x[in.Rm]<<in.Amt, in.SF)
		case isa.OpSUBR:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			x[in.Rd] = isa.MaskSF(x[in.Rn]-x[in.Rm]<<in.Amt, in.SF)
		case isa.OpSUBSR:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			if in.SF {
				x[in.Rd], c.NZCV = isa.Sub64(x[in.Rn], x[in.Rm]<<in.Amt)
			} else {
				x[in.Rd], c.NZCV = isa.Sub32(x[in.Rn], x[in.Rm]<<in.Amt)
			}
		case isa.OpAND:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a&b, in.SF)
		case isa.OpORR:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a|b, in.SF)
		case isa.OpEOR:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a^b, in.SF)
		case isa.OpBIC:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a&^b, in.SF)
		case isa.OpORN:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a|^b, in.SF)
		case isa.OpANDS:
			if in.Cond != 0 {
				slow = true
				break loop
			}
			r := isa.MaskSF(x[in.Rn]&(x[in.Rm]<<in.Amt), in.SF)
			if in.SF {
				c.NZCV = isa.NZCV64(r, 0, 0)
			} else {
				c.NZCV = isa.NZCV32(uint32(r), 0, 0)
			}
			x[in.Rd] = r
		case isa.OpLoad:
			addr := in.Addr(x)
			off := addr - RAMBase
			if off >= uint64(len(ram)) || addr&(uint64(1)<<in.Amt-1) != 0 || in.Flg&isa.FlgUnpriv != 0 ||
				flags[off>>pageShift&flagMask]&pfWatch != 0 {
				slow = true
				break loop
			}
			var v uint64
			switch in.Amt {
			case 0:
				v = uint64(ram[off])
			case 1:
				v = uint64(load16(mem, off))
			case 2:
				v = uint64(load32(mem, off))
			default:
				v = load64(mem, off)
			}
			x[in.Rd] = in.LoadValue(v)
			in.WriteBack(x, addr)
		case isa.OpStore:
			addr := in.Addr(x)
			off := addr - RAMBase
			if off >= uint64(len(ram)) || addr&(uint64(1)<<in.Amt-1) != 0 || in.Flg&isa.FlgUnpriv != 0 ||
				flags[off>>pageShift&flagMask] != 0 {
				slow = true
				break loop
			}
			v := x[in.Rd]
			switch in.Amt {
			case 0:
				ram[off] = byte(v)
			case 1:
				store16(mem, off, uint16(v))
			case 2:
				store32(mem, off, uint32(v))
			default:
				store64(mem, off, v)
			}
			in.WriteBack(x, addr)
		case isa.OpLDP:
			addr := in.PairAddr(x)
			off := addr - RAMBase
			if in.Amt != 3 || off >= uint64(len(ram))-8 || addr&7 != 0 ||
				(flags[off>>pageShift&flagMask]|flags[(off+8)>>pageShift&flagMask])&pfWatch != 0 {
				slow = true
				break loop
			}
			v1 := load64(mem, off)
			v2 := load64(mem, off+8)
			x[in.Rd], x[in.Ra] = v1, v2
			in.WriteBack(x, addr)
		case isa.OpSTP:
			addr := in.PairAddr(x)
			off := addr - RAMBase
			if in.Amt != 3 || off >= uint64(len(ram))-8 || addr&7 != 0 ||
				flags[off>>pageShift&flagMask]|flags[(off+8)>>pageShift&flagMask] != 0 {
				slow = true
				break loop
			}
			store64(mem, off, x[in.Rd])
			store64(mem, off+8, x[in.Ra])
			in.WriteBack(x, addr)
		// SBFM, LSLV, LSRV and MRS used to go back to run (execGeneral), whose
		// loop then checks the budget and steps the slice's last instruction
		// alone; leaving inner when at most one instruction of the budget
		// remains keeps every slice (and so the CPU interleaving) the same.
		case isa.OpSBFM: // BitField() for SBFM, call-free
			src, top := x[in.Rn], uint64(0)
			var rot uint64
			if in.SF {
				rot = bits.RotateLeft64(src, -int(in.Amt))
				if src>>in.Cond&1 == 1 {
					top = ^uint64(0)
				}
			} else {
				src = uint64(uint32(src))
				rot = uint64(bits.RotateLeft32(uint32(src), -int(in.Amt)))
				if src>>in.Cond&1 == 1 {
					top = 0xffff_ffff
				}
			}
			x[in.Rd] = top&^in.Imm2 | rot&in.Imm&in.Imm2
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case isa.OpLSLV:
			if in.SF {
				x[in.Rd] = x[in.Rn] << (x[in.Rm] & 63)
			} else {
				x[in.Rd] = uint64(uint32(x[in.Rn]) << (x[in.Rm] & 31))
			}
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case isa.OpLSRV:
			if in.SF {
				x[in.Rd] = x[in.Rn] >> (x[in.Rm] & 63)
			} else {
				x[in.Rd] = uint64(uint32(x[in.Rn]) >> (x[in.Rm] & 31))
			}
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case isa.OpMRS:
			switch in.Cond {
			case isa.MRSPlainEL1:
				if c.EL == 0 {
					slow = true
					break loop
				}
				x[in.Rd] = c.SR[in.Amt&(uint8(len(c.SR))-1)]
			case isa.MRSPlain:
				x[in.Rd] = c.SR[in.Amt&(uint8(len(c.SR))-1)]
			case isa.MRSCounter: // counter(): the round's clock plus this instruction's slot in the slice
				x[in.Rd] = c.m.clock + uint64(n+int(idx-seg)+1)
			default:
				slow = true
				break loop
			}
			if n+int(idx-seg)+2 >= limit {
				idx++ // see above
				break loop
			}
		case isa.OpMADD:
			x[in.Rd] = isa.MaskSF(x[in.Ra]+x[in.Rn]*x[in.Rm], in.SF)
		case isa.OpMSUB:
			x[in.Rd] = isa.MaskSF(x[in.Ra]-x[in.Rn]*x[in.Rm], in.SF)
		// Taken branches set tgt and go to taken (below the switch), which
		// counts the straight-line run and checks the budget.
		case isa.OpB:
			tgt = in.Imm
			goto taken
		case isa.OpBL:
			x[30] = base + idx<<2 + 4
			tgt = in.Imm
			goto taken
		case isa.OpSUBSBcond: // SUBS then B.cond: two instructions
			x[in.Rd], c.NZCV = isa.Sub64(x[in.Rn], in.Imm)
			if isa.Passes(in.Cond, c.NZCV) {
				n++ // the SUBS
				tgt = in.Imm2
				goto taken
			}
			idx++
		case isa.OpBcond:
			if isa.Passes(in.Cond, c.NZCV) {
				tgt = in.Imm
				goto taken
			}
		case isa.OpCBZ:
			if isa.MaskSF(x[in.Rn], in.SF) == 0 {
				tgt = in.Imm
				goto taken
			}
		case isa.OpCBNZ:
			if isa.MaskSF(x[in.Rn], in.SF) != 0 {
				tgt = in.Imm
				goto taken
			}
		case isa.OpTBZ:
			if x[in.Rn]>>in.Amt&1 == 0 {
				tgt = in.Imm
				goto taken
			}
		case isa.OpTBNZ:
			if x[in.Rn]>>in.Amt&1 != 0 {
				tgt = in.Imm
				goto taken
			}
		case isa.OpBR, isa.OpRET:
			tgt = x[in.Rn]
			goto indirect
		case isa.OpBLR:
			tgt = x[in.Rn]
			x[30] = base + idx<<2 + 4
			goto indirect
		case isa.OpCSEL:
			v := x[in.Rm]
			if isa.Passes(in.Cond, c.NZCV) {
				v = x[in.Rn]
			}
			x[in.Rd] = isa.MaskSF(v, in.SF)
		case isa.OpCSINC:
			v := x[in.Rm] + 1
			if isa.Passes(in.Cond, c.NZCV) {
				v = x[in.Rn]
			}
			x[in.Rd] = isa.MaskSF(v, in.SF)
		case isa.OpNOP, isa.OpYIELD, isa.OpDSB, isa.OpDMB:
		default:
			slow = true
			break loop
		}
		idx++
		continue
	indirect:
		if tgt&3 != 0 { // a misaligned target: the PC alignment fault is run's
			n += int(idx-seg) + 1
			seg = idx
			exitPC, exitFar = tgt, true
			break loop
		}
	taken:
		n += int(idx-seg) + 1
		idx = (tgt - base) >> 2
		seg = idx
		if n >= limit {
			break loop
		}
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
func (c *CPU) stepOne(page *icache.Page, base uint64, limit int) bool {
	i := (c.PC - base) >> 2
	in := &page.Insts[i]
	if in.Op == isa.OpUndecoded {
		*in = c.m.decodeAt(c.PC)
	}
	tp := c.m.trapPage
	tp.Insts[i] = isa.Unfused(*in)
	slow := c.inner(tp, base, limit)
	tp.Insts[i] = isa.Inst{Op: isa.OpStepTrap}
	return slow
}

// execGeneral executes one instruction the inner loop handed back.
// c.PC is its PC; it returns a slow* outcome.
func (c *CPU) execGeneral(in *isa.Inst) int {
	x := &c.X
	pc := c.PC
	switch in.Op {
	case isa.OpLDRX, isa.OpLDRW:
		v, ok := c.readSlow(x[in.Rn]+in.Imm, in.Amt, false)
		if !ok {
			return slowFault
		}
		x[in.Rd] = v
	case isa.OpSTRX, isa.OpSTRW:
		if !c.writeSlow(x[in.Rn]+in.Imm, in.Amt, x[in.Rd], false) {
			return slowFault
		}
	case isa.OpSUBSBcond: // only the SUBS: the B.cond is its own slot
		x[in.Rd], c.NZCV = isa.Sub64(x[in.Rn], in.Imm)
	case isa.OpANDSI:
		r := isa.MaskSF(x[in.Rn]&in.Imm, in.SF)
		c.NZCV = isa.LogicFlags(r, in.SF)
		x[in.Rd] = r
	case isa.OpSYS:
		if c.EL == 0 && in.Amt != 3 {
			c.undefined()
			return slowRedirect
		}
	case isa.OpSBFM, isa.OpBFM:
		x[in.Rd] = isa.BitField(in, x[in.Rn], x[in.Rm])
	case isa.OpEXTR:
		x[in.Rd] = isa.Extr(x[in.Rn], x[in.Rm], in.Amt, in.SF)

	case isa.OpADDR, isa.OpSUBR, isa.OpADDSR, isa.OpSUBSR:
		r, f, sets := isa.AddSub(in.Op, x[in.Rn], isa.Shift(x[in.Rm], in.Cond, in.Amt, in.SF), in.SF)
		c.setResult(in.Rd, r, f, sets)
	case isa.OpADDX, isa.OpSUBX, isa.OpADDSX, isa.OpSUBSX:
		r, f, sets := isa.AddSub(in.Op, x[in.Rn], isa.Extend(x[in.Rm], in.Cond, in.Amt), in.SF)
		c.setResult(in.Rd, r, f, sets)
	case isa.OpAND, isa.OpBIC, isa.OpORR, isa.OpORN, isa.OpEOR, isa.OpEON, isa.OpANDS, isa.OpBICS:
		r, f, sets := isa.Logic(in.Op, x[in.Rn], isa.Shift(x[in.Rm], in.Cond, in.Amt, in.SF), in.SF)
		c.setResult(in.Rd, r, f, sets)
	case isa.OpADC, isa.OpADCS, isa.OpSBC, isa.OpSBCS:
		b := x[in.Rm]
		if in.Op == isa.OpSBC || in.Op == isa.OpSBCS {
			b = ^b
		}
		r, f := isa.AddWithCarry(x[in.Rn], b, c.NZCV>>29&1, in.SF)
		if in.Op == isa.OpADCS || in.Op == isa.OpSBCS {
			c.NZCV = f
		}
		x[in.Rd] = isa.MaskSF(r, in.SF)
	case isa.OpCCMN, isa.OpCCMP:
		if isa.Passes(in.Cond, c.NZCV) {
			b := in.Imm
			if in.Flg&isa.FlgImmCmp == 0 {
				b = x[in.Rm]
			}
			if in.Op == isa.OpCCMP {
				_, c.NZCV = isa.AddWithCarry(x[in.Rn], ^b, 1, in.SF)
			} else {
				_, c.NZCV = isa.AddWithCarry(x[in.Rn], b, 0, in.SF)
			}
		} else {
			c.NZCV = uint64(in.Amt) << 28
		}
	case isa.OpCSEL, isa.OpCSINC, isa.OpCSINV, isa.OpCSNEG:
		var r uint64
		if isa.Passes(in.Cond, c.NZCV) {
			r = x[in.Rn]
		} else {
			r = x[in.Rm]
			switch in.Op {
			case isa.OpCSINC:
				r++
			case isa.OpCSINV:
				r = ^r
			case isa.OpCSNEG:
				r = -r
			}
		}
		x[in.Rd] = isa.MaskSF(r, in.SF)
	case isa.OpUDIV, isa.OpSDIV, isa.OpLSLV, isa.OpLSRV, isa.OpASRV, isa.OpRORV:
		x[in.Rd] = isa.DP2(in.Op, x[in.Rn], x[in.Rm], in.SF)
	case isa.OpRBIT, isa.OpREV16, isa.OpREV32, isa.OpREV, isa.OpCLZ, isa.OpCLS:
		x[in.Rd] = isa.DP1(in.Op, x[in.Rn], in.SF)
	case isa.OpSMADDL:
		x[in.Rd] = x[in.Ra] + uint64(int64(int32(x[in.Rn]))*int64(int32(x[in.Rm])))
	case isa.OpSMSUBL:
		x[in.Rd] = x[in.Ra] - uint64(int64(int32(x[in.Rn]))*int64(int32(x[in.Rm])))
	case isa.OpUMADDL:
		x[in.Rd] = x[in.Ra] + uint64(uint32(x[in.Rn]))*uint64(uint32(x[in.Rm]))
	case isa.OpUMSUBL:
		x[in.Rd] = x[in.Ra] - uint64(uint32(x[in.Rn]))*uint64(uint32(x[in.Rm]))
	case isa.OpSMULH:
		a, b := x[in.Rn], x[in.Rm]
		hi, _ := bits.Mul64(a, b)
		if int64(a) < 0 {
			hi -= b
		}
		if int64(b) < 0 {
			hi -= a
		}
		x[in.Rd] = hi
	case isa.OpUMULH:
		hi, _ := bits.Mul64(x[in.Rn], x[in.Rm])
		x[in.Rd] = hi

	case isa.OpCRC32, isa.OpCRC32C:
		x[in.Rd] = isa.CRC32(in.Op == isa.OpCRC32C, uint32(x[in.Rn]), x[in.Rm], in.Amt)
	default:
		return c.execSlow(in)
	}
	c.PC = pc + 4
	return slowNext
}

// fetchOK checks the new page at pc: PSTATE.IL, PC alignment, and that pc
// translates to RAM (the decode cache is keyed by RAM page: code runs from
// RAM only); it returns the physical address. On a fault it takes the
// exception and returns false.
func (c *CPU) fetchOK(pc uint64) (pa uint64, ok bool) {
	switch {
	case c.IL:
		c.takeException(cpu.ECIllegal, 0, pc, 0, false)
		return 0, false
	case pc&3 != 0:
		c.takeException(cpu.ECPCAlign, 0, pc, pc, true)
		return 0, false
	}
	acc := mmu.Fetch
	if c.EL == 0 {
		acc |= mmu.EL0
	}
	pa, ok = c.translate(pc, acc)
	if !ok || pa-RAMBase >= c.m.ramSize {
		ec := uint32(cpu.ECInsnAbort)
		if c.EL == 0 {
			ec = cpu.ECInsnAbortLo
		}
		c.takeException(ec, cpu.FSCExternal, pc, pc, true)
		return 0, false
	}
	return pa, true
}

// setResult writes a data-processing result and, if the instruction sets
// them, the flags.
func (c *CPU) setResult(rd uint8, r, nzcv uint64, sets bool) {
	if sets {
		c.NZCV = nzcv
	}
	c.X[rd] = r
}

func (c *CPU) undefined() { c.takeException(cpu.ECUnknown, 0, c.PC, 0, false) }
