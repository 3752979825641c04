package target

import (
	"math/bits"
	"unsafe"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
)

// The accelerator: a call-free loop over one decoded page for the common
// instructions, with the semantics of package isa inlined. Anything it does
// not handle it hands back to run, which executes it on the general path
// (general.go).

// inner executes the common, call-free instructions of one decoded page until
// the PC leaves the page, limit is reached, or an instruction needs the
// general path (then it returns true with c.PC at that instruction, not
// executed). Keeping it free of calls keeps its state in registers.
func (c *CPU) inner(page *icache.Page, base uint64, limit int) (slow bool) {
	x := &c.X
	mem := unsafe.Pointer(unsafe.SliceData(c.m.ram)) // accesses below are inside a micro-TLB's range, so inside RAM
	flags := unsafe.Pointer(c.m.flagArr)             // indexed by pageFlag, for RAM offsets only
	ld, st := &c.mm.ld, &c.mm.st                     // the data micro-TLBs (memory.go): VA [lo, lo+n) is RAM [off, off+n), clean
	gw := &c.mm.gw                                   // a partly watched page (granules.go)
	// slot points at the decoded instruction at the PC; a branch moves it to
	// its target's slot (inside the page: insts[instsPage] is the page's end
	// marker). Dispatching on a pointer, not an index, keeps registers free.
	insts := unsafe.Pointer(&page.Insts)
	slot := unsafe.Add(insts, uintptr((c.PC-base)>>2)*uintptr(slotSize))
	// (past+slot)/slotSize is the count of instructions the slice has run
	// before the one at slot, less limit: the budget is spent when it reaches
	// 0. One value, not a count, a run start and the limit.
	past := (c.n-limit)*slotSize - int(uintptr(slot))
	c.pageVA = base
	var missVA uint64 // a load or store's VA outside its micro-TLB (ldMiss, stMiss)
	var tgt uint64    // a taken branch's target
loop:
	for {
		in := (*isa.Inst)(slot)
		slot = unsafe.Add(slot, slotSize) // the next slot, unless the instruction branches
		// Every case ends in continue or a goto, none falls out of the switch:
		// that way each case jumps straight back to this dispatch, and the
		// usual outcome of its tests (a micro-TLB hit) is the straight line. A
		// shared tail after the switch cost a second taken jump per
		// instruction, a quarter of the loop's time (docs/decisions.md).
		// The mask (isa.OpStepTrap is isa.OpMask) lets the jump table skip its range check.
		switch in.Op & isa.OpMask {
		case isa.OpStepTrap:
			slot = unsafe.Pointer(in)
			break loop
		case isa.OpUndecoded:
			slot = unsafe.Pointer(in)
			if uintptr(slot) == uintptr(insts)+instsPage*uintptr(slotSize) {
				break loop // the PC left the page
			}
			goto handBack
		// The fixed-offset 64- and 32-bit loads and stores: a hit in the
		// micro-TLB gives the RAM offset off; since its range starts
		// page-aligned in VA and in RAM, off is aligned exactly when the
		// address is. A miss may be the partly watched page gw, whose
		// accesses the granule bitmaps let through unless they may match.
		case isa.OpLDRX:
			d := x[in.Rn] + in.Imm - ld.lo
			if d < ld.n {
				if off := d + ld.off; off&7 == 0 {
					x[in.Rd] = load64(mem, off)
					continue
				}
				goto handBack
			}
			missVA = d + ld.lo
			if g := missVA - gw.lo; g < gw.n { // a partly watched page: its granules decide
				if off := g + gw.off; off&7 == 0 && !c.m.granules.watched(off, pageFlag(flags, off), false) {
					x[in.Rd] = load64(mem, off)
					if past+int(uintptr(slot))+slotSize >= 0 {
						break loop // as SBFM below: the slice ends where the full check ends it
					}
					continue
				}
				goto handBack
			}
			goto ldMiss
		case isa.OpSTRX:
			d := x[in.Rn] + in.Imm - st.lo
			if d < st.n {
				if off := d + st.off; off&7 == 0 {
					store64(mem, off, x[in.Rd])
					continue
				}
				goto handBack
			}
			missVA = d + st.lo
			if g := missVA - gw.lo; g < gw.n { // no decoded code either: the granules decide
				if off := g + gw.off; off&7 == 0 {
					if f := pageFlag(flags, off); f&^(pfWatch|pfExtWatch|pfGuestWatch|granuleSlots) == pfGranules && !c.m.granules.watched(off, f, true) {
						store64(mem, off, x[in.Rd])
						if past+int(uintptr(slot))+slotSize >= 0 {
							break loop // as SBFM below
						}
						continue
					}
				}
				goto handBack
			}
			goto stMiss
		case isa.OpADDI64:
			x[in.Rd] = x[in.Rn] + in.Imm
			continue
		case isa.OpSUBI64:
			x[in.Rd] = x[in.Rn] - in.Imm
			continue
		case isa.OpADDI32:
			x[in.Rd] = uint64(uint32(x[in.Rn] + in.Imm))
			continue
		case isa.OpSUBI32:
			x[in.Rd] = uint64(uint32(x[in.Rn] - in.Imm))
			continue
		case isa.OpSUBSI64:
			x[in.Rd], c.NZCV = isa.Sub64(x[in.Rn], in.Imm)
			c.subsPending = false
			continue
		case isa.OpADDSI64:
			x[in.Rd], c.NZCV = isa.Add64(x[in.Rn], in.Imm)
			c.subsPending = false
			continue
		case isa.OpSUBSI32:
			x[in.Rd], c.NZCV = isa.Sub32(x[in.Rn], in.Imm)
			c.subsPending = false
			continue
		case isa.OpADDSI32:
			x[in.Rd], c.NZCV = isa.Add32(x[in.Rn], in.Imm)
			c.subsPending = false
			continue
		case isa.OpLDRW:
			d := x[in.Rn] + in.Imm - ld.lo
			if d < ld.n {
				if off := d + ld.off; off&3 == 0 {
					x[in.Rd] = uint64(load32(mem, off))
					continue
				}
				goto handBack
			}
			missVA = d + ld.lo
			if g := missVA - gw.lo; g < gw.n {
				if off := g + gw.off; off&3 == 0 && !c.m.granules.watched(off, pageFlag(flags, off), false) {
					x[in.Rd] = uint64(load32(mem, off))
					if past+int(uintptr(slot))+slotSize >= 0 {
						break loop // as SBFM below
					}
					continue
				}
				goto handBack
			}
			goto ldMiss
		case isa.OpADR, isa.OpMOVI:
			x[in.Rd] = in.Imm
			continue
		case isa.OpMOVK:
			x[in.Rd] = isa.MaskSF(x[in.Rn]&^in.Imm2|in.Imm, in.SF)
			continue
		case isa.OpANDI:
			x[in.Rd] = isa.MaskSF(x[in.Rn]&in.Imm, in.SF)
			continue
		case isa.OpORRI:
			x[in.Rd] = isa.MaskSF(x[in.Rn]|in.Imm, in.SF)
			continue
		case isa.OpEORI:
			x[in.Rd] = isa.MaskSF(x[in.Rn]^in.Imm, in.SF)
			continue
		case isa.OpUBFM64:
			x[in.Rd] = bits.RotateLeft64(x[in.Rn], -int(in.Amt)) & in.Imm
			continue
		case isa.OpUBFM32:
			x[in.Rd] = uint64(bits.RotateLeft32(uint32(x[in.Rn]), -int(in.Amt))) & in.Imm
			continue
		case isa.OpMOVR:
			x[in.Rd] = isa.MaskSF(x[in.Rm], in.SF)
			continue
		case isa.OpADDR:
			if in.Cond != 0 {
				goto handBack
			}
			x[in.Rd] = isa.MaskSF(x[in.Rn]+x[in.Rm]<<in.Amt, in.SF)
			continue
		case isa.OpSUBR:
			if in.Cond != 0 {
				goto handBack
			}
			x[in.Rd] = isa.MaskSF(x[in.Rn]-x[in.Rm]<<in.Amt, in.SF)
			continue
		case isa.OpSUBSR:
			if in.Cond != 0 {
				goto handBack
			}
			if in.SF {
				x[in.Rd], c.NZCV = isa.Sub64(x[in.Rn], x[in.Rm]<<in.Amt)
				c.subsPending = false
			} else {
				x[in.Rd], c.NZCV = isa.Sub32(x[in.Rn], x[in.Rm]<<in.Amt)
				c.subsPending = false
			}
			continue
		case isa.OpAND:
			if in.Cond != 0 {
				goto handBack
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a&b, in.SF)
			continue
		case isa.OpORR:
			if in.Cond != 0 {
				goto handBack
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a|b, in.SF)
			continue
		case isa.OpEOR:
			if in.Cond != 0 {
				goto handBack
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a^b, in.SF)
			continue
		case isa.OpBIC:
			if in.Cond != 0 {
				goto handBack
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a&^b, in.SF)
			continue
		case isa.OpORN:
			if in.Cond != 0 {
				goto handBack
			}
			a, b := x[in.Rn], x[in.Rm]<<in.Amt
			x[in.Rd] = isa.MaskSF(a|^b, in.SF)
			continue
		case isa.OpANDS:
			if in.Cond != 0 {
				goto handBack
			}
			r := isa.MaskSF(x[in.Rn]&(x[in.Rm]<<in.Amt), in.SF)
			if in.SF {
				c.NZCV = isa.NZCV64(r, 0, 0)
				c.subsPending = false
			} else {
				c.NZCV = isa.NZCV32(uint32(r), 0, 0)
				c.subsPending = false
			}
			x[in.Rd] = r
			continue
		case isa.OpLoad:
			addr := in.Addr(x)
			d := addr - ld.lo
			off := d + ld.off
			if d >= ld.n {
				missVA = addr
				goto ldMiss
			}
			if addr&(uint64(1)<<in.Amt-1) != 0 || in.Flg&isa.FlgUnpriv != 0 {
				goto handBack
			}
			var v uint64
			switch in.Amt {
			case 0:
				v = uint64(load8(mem, off))
			case 1:
				v = uint64(load16(mem, off))
			case 2:
				v = uint64(load32(mem, off))
			default:
				v = load64(mem, off)
			}
			x[in.Rd] = in.LoadValue(v)
			in.WriteBack(x, addr)
			continue
		case isa.OpStore:
			addr := in.Addr(x)
			d := addr - st.lo
			off := d + st.off
			if d >= st.n {
				missVA = addr
				goto stMiss
			}
			if addr&(uint64(1)<<in.Amt-1) != 0 || in.Flg&isa.FlgUnpriv != 0 {
				goto handBack
			}
			v := x[in.Rd]
			switch in.Amt {
			case 0:
				store8(mem, off, uint8(v))
			case 1:
				store16(mem, off, uint16(v))
			case 2:
				store32(mem, off, uint32(v))
			default:
				store64(mem, off, v)
			}
			in.WriteBack(x, addr)
			continue
		case isa.OpLDP:
			addr := in.PairAddr(x)
			d := addr - ld.lo
			off := d + ld.off
			if d >= ld.n8 {
				missVA = addr
				goto ldMiss
			}
			if in.Amt != 3 || addr&7 != 0 {
				goto handBack
			}
			v1 := load64(mem, off)
			v2 := load64(mem, off+8)
			x[in.Rd], x[in.Ra] = v1, v2
			in.WriteBack(x, addr)
			continue
		case isa.OpSTP:
			addr := in.PairAddr(x)
			d := addr - st.lo
			off := d + st.off
			if d >= st.n8 {
				missVA = addr
				goto stMiss
			}
			if in.Amt != 3 || addr&7 != 0 {
				goto handBack
			}
			store64(mem, off, x[in.Rd])
			store64(mem, off+8, x[in.Ra])
			in.WriteBack(x, addr)
			continue
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
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // see above
			}
			continue
		case isa.OpLSLV:
			if in.SF {
				x[in.Rd] = x[in.Rn] << (x[in.Rm] & 63)
			} else {
				x[in.Rd] = uint64(uint32(x[in.Rn]) << (x[in.Rm] & 31))
			}
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // see above
			}
			continue
		case isa.OpLSRV:
			if in.SF {
				x[in.Rd] = x[in.Rn] >> (x[in.Rm] & 63)
			} else {
				x[in.Rd] = uint64(uint32(x[in.Rn]) >> (x[in.Rm] & 31))
			}
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // see above
			}
			continue
		case isa.OpMRS:
			switch in.Cond {
			case isa.MRSPlainEL1:
				if c.EL == 0 {
					goto handBack
				}
				x[in.Rd] = c.SR[in.Amt&(uint8(len(c.SR))-1)]
			case isa.MRSPlain:
				x[in.Rd] = c.SR[in.Amt&(uint8(len(c.SR))-1)]
			case isa.MRSSPEL0:
				if c.EL != 1 || c.SPSel != 1 {
					goto handBack
				}
				x[in.Rd] = c.SPBank[0]
			case isa.MRSCounter: // counter(): the round's clock plus this instruction's slot in the slice
				x[in.Rd] = c.m.clock + uint64((past+int(uintptr(slot)))/slotSize+limit)
			default:
				goto handBack
			}
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // see above
			}
			continue
		case isa.OpMSR:
			switch in.Cond {
			case isa.MSRPlainEL1:
				if c.EL == 0 {
					goto handBack
				}
				c.SR[in.Amt&(uint8(len(c.SR))-1)] = x[in.Rn]
			case isa.MSRSPEL0:
				if c.EL != 1 || c.SPSel != 1 {
					goto handBack
				}
				c.SPBank[0] = x[in.Rn]
			case isa.MSRDAIF: // as writeSys; an interrupt it unmasks is run's to take
				if c.EL == 0 {
					goto handBack
				}
				c.DAIF = x[in.Rn] & cpu.DAIFMaskAll
				if c.Pending != 0 {
					break loop
				}
			default:
				goto handBack
			}
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // as MRS
			}
			continue
		case isa.OpMSRimm: // DAIFSet and DAIFClr at EL1, as execSlow
			if c.EL == 0 {
				goto handBack
			}
			switch in.Imm {
			case isa.PStateDAIFSet:
				c.DAIF |= in.Imm2 << 6
			case isa.PStateDAIFClr:
				c.DAIF &^= in.Imm2 << 6
				if c.Pending != 0 {
					break loop // run takes an interrupt it unmasks
				}
			default:
				goto handBack
			}
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // as MRS
			}
			continue
		case isa.OpCCMP: // isa.CondCompare's CCMP half, call-free (Go will not inline CondCompare)
			if nzcv := c.nzcv(); isa.Passes(in.Cond, nzcv) {
				if b := isa.CompareOperand(in, x[in.Rm]); in.SF {
					_, c.NZCV = isa.Sub64(x[in.Rn], b)
				} else {
					_, c.NZCV = isa.Sub32(x[in.Rn], b)
				}
			} else {
				c.NZCV = uint64(in.Amt) << 28
			}
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // as MRS
			}
			continue
		case isa.OpSBC: // execGeneral's AddWithCarry(rn, NOT rm, C) without the flags, call-free
			x[in.Rd] = isa.MaskSF(x[in.Rn]+^x[in.Rm]+c.nzcv()>>29&1, in.SF)
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop // as MRS
			}
			continue
		case isa.OpSTRW:
			d := x[in.Rn] + in.Imm - st.lo
			if d < st.n {
				if off := d + st.off; off&3 == 0 {
					store32(mem, off, uint32(x[in.Rd]))
					continue
				}
				goto handBack
			}
			missVA = d + st.lo
			if g := missVA - gw.lo; g < gw.n {
				if off := g + gw.off; off&3 == 0 {
					if f := pageFlag(flags, off); f&^(pfWatch|pfExtWatch|pfGuestWatch|granuleSlots) == pfGranules && !c.m.granules.watched(off, f, true) {
						store32(mem, off, uint32(x[in.Rd]))
						if past+int(uintptr(slot))+slotSize >= 0 {
							break loop // as SBFM below
						}
						continue
					}
				}
				goto handBack
			}
			goto stMiss
		// TST/ANDS immediate, ADD (extended register) and EXTR (ROR) came to inner
		// after the rest: like SBFM below they leave when at most one
		// instruction of the budget remains, where the general path ended slices.
		case isa.OpANDSI:
			r := isa.MaskSF(x[in.Rn]&in.Imm, in.SF)
			c.NZCV = isa.LogicFlags(r, in.SF)
			c.subsPending = false
			x[in.Rd] = r
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop
			}
			continue
		case isa.OpADDX:
			x[in.Rd] = isa.MaskSF(x[in.Rn]+isa.Extend(x[in.Rm], in.Cond, in.Amt), in.SF)
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop
			}
			continue
		case isa.OpEXTR:
			x[in.Rd] = isa.Extr(x[in.Rn], x[in.Rm], in.Amt, in.SF)
			if past+int(uintptr(slot))+slotSize >= 0 {
				break loop
			}
			continue
		case isa.OpMADD:
			x[in.Rd] = isa.MaskSF(x[in.Ra]+x[in.Rn]*x[in.Rm], in.SF)
			continue
		case isa.OpMSUB:
			x[in.Rd] = isa.MaskSF(x[in.Ra]-x[in.Rn]*x[in.Rm], in.SF)
			continue
		// Taken branches set tgt and go to taken (below the switch), which
		// counts the straight-line run and checks the budget.
		case isa.OpB:
			if in.Hop != 0 {
				goto hop
			}
			tgt = in.Imm
			goto taken
		case isa.OpBL:
			x[30] = c.pageVA + uint64(uintptr(slot)-uintptr(insts))/uint64(slotSize)*4
			if in.Hop != 0 {
				goto hop
			}
			tgt = in.Imm
			goto taken
		case isa.OpSUBSBcond: // SUBS then B.cond: two instructions
			// The flags wait in subsA/subsB (nzcv) until a reader or the
			// exit needs them: a counted loop's next SUBS overwrites them.
			a, b := x[in.Rn], in.Imm
			r := a - b
			x[in.Rd] = r
			c.subsA, c.subsB, c.subsPending = a, b, true
			if in.Cond == isa.CondNE { // the counted loop's: the result alone says
				if r != 0 {
					if in.Hop != 0 { // fusedTaken and hop (below), inline: the loop's back edge
						past -= int(in.Hop) - 2*slotSize
						slot = unsafe.Add(unsafe.Pointer(in), in.Hop)
						if past+int(uintptr(slot)) < 0 {
							continue
						}
						break loop
					}
					goto fusedTaken
				}
				slot = unsafe.Add(slot, slotSize)
				continue
			}
			if isa.Passes(in.Cond, c.nzcv()) {
				goto fusedTaken
			}
			slot = unsafe.Add(slot, slotSize)
			continue
		case isa.OpBcond:
			if isa.Passes(in.Cond, c.nzcv()) {
				if in.Hop != 0 {
					goto hop
				}
				tgt = in.Imm
				goto taken
			}
			continue
		case isa.OpCBZ:
			if isa.MaskSF(x[in.Rn], in.SF) == 0 {
				if in.Hop != 0 {
					goto hop
				}
				tgt = in.Imm
				goto taken
			}
			continue
		case isa.OpCBNZ:
			if isa.MaskSF(x[in.Rn], in.SF) != 0 {
				if in.Hop != 0 {
					goto hop
				}
				tgt = in.Imm
				goto taken
			}
			continue
		case isa.OpTBZ:
			if x[in.Rn]>>in.Amt&1 == 0 {
				if in.Hop != 0 {
					goto hop
				}
				tgt = in.Imm
				goto taken
			}
			continue
		case isa.OpTBNZ:
			if x[in.Rn]>>in.Amt&1 != 0 {
				if in.Hop != 0 {
					goto hop
				}
				tgt = in.Imm
				goto taken
			}
			continue
		case isa.OpBR, isa.OpRET:
			tgt = x[in.Rn]
			goto indirect
		case isa.OpBLR:
			tgt = x[in.Rn]
			x[30] = c.pageVA + uint64(uintptr(slot)-uintptr(insts))/uint64(slotSize)*4
			goto indirect
		case isa.OpCSEL:
			v := x[in.Rm]
			if isa.Passes(in.Cond, c.nzcv()) {
				v = x[in.Rn]
			}
			x[in.Rd] = isa.MaskSF(v, in.SF)
			continue
		case isa.OpCSINC:
			v := x[in.Rm] + 1
			if isa.Passes(in.Cond, c.nzcv()) {
				v = x[in.Rn]
			}
			x[in.Rd] = isa.MaskSF(v, in.SF)
			continue
		case isa.OpNOP, isa.OpYIELD, isa.OpDSB, isa.OpDMB:
			continue
		default:
			goto handBack
		}
	handBack: // the instruction in needs the general path: run executes it
		slot = unsafe.Pointer(in)
		slow = true
		break loop
	ldMiss: // another page than the load micro-TLB's: one of the CPU's recent pages, if it is (memory.go)
		if e := c.mm.ldCur.find(missVA, c.mm.microGen); e != nil && e.lo != ld.lo {
			*ld = *e
			slot = unsafe.Pointer(in)
			continue // the same instruction, with that page
		}
		goto handBack
	stMiss:
		if e := c.mm.stCur.find(missVA, c.mm.microGen); e != nil && e.lo != st.lo {
			*st = *e
			slot = unsafe.Pointer(in)
			continue
		}
		goto handBack
	fusedTaken: // a fused SUBS's B.cond, taken
		past += slotSize // the SUBS
		if in.Hop != 0 {
			goto hop
		}
		tgt = in.Imm2
		goto taken
	hop: // a taken branch to another slot of this page (isa.Inst.Hop)
		past -= int(in.Hop) - slotSize
		slot = unsafe.Add(unsafe.Pointer(in), in.Hop)
		if past+int(uintptr(slot)) < 0 {
			continue
		}
		break loop
	indirect:
		if tgt&3 != 0 { // a misaligned target: the PC alignment fault is run's
			past += int(uintptr(slot))
			goto far
		}
	taken:
		past += int(uintptr(slot)) // now the count run, less limit, times slotSize
		if i := (tgt - c.pageVA) >> 2; i < instsPage && past < 0 {
			slot = unsafe.Add(insts, uintptr(i)*uintptr(slotSize))
			past -= int(uintptr(slot))
			continue
		}
		// Another page: go on there if run would just run it as well (a
		// recent code page, no breakpoint, no debug check, no interrupt
		// pending, no tag to drop), as run's page change would.
		if base := tgt &^ (pageSize - 1); past < 0 && c.Pending == 0 && !c.dbg.NeedsInstructionCheck() &&
			uint64(int64(tgt<<8)>>8) == tgt {
			if e := c.recentCode(base, c.mm.mmu.TLB().Gen()); e != nil && !e.page.BP {
				insts, c.pageVA, c.mm.codeOff = unsafe.Pointer(&e.page.Insts), base, e.pa-RAMBase
				slot = unsafe.Add(insts, uintptr((tgt-base)>>2)*uintptr(slotSize))
				past -= int(uintptr(slot))
				continue
			}
		}
		goto far
	}
	c.PC = c.pageVA + uint64(uintptr(slot)-uintptr(insts))/uint64(slotSize)*4
	c.n = (past+int(uintptr(slot)))/slotSize + limit
	c.nzcv()
	return slow
far: // the PC is tgt, outside the page or past the budget
	c.PC = tgt
	c.n = past/slotSize + limit
	c.nzcv()
	return slow
}

// nzcv is PSTATE.NZCV, computing the flags of a fused SUBS that inner put
// off (every exit from inner calls it, so nothing else sees subsPending).
func (c *CPU) nzcv() uint64 {
	if c.subsPending {
		_, c.NZCV = isa.Sub64(c.subsA, c.subsB)
		c.subsPending = false
	}
	return c.NZCV
}

// slotSize is the size of a decoded instruction, the step of inner's slot.
const slotSize = isa.SlotBytes

// pageFlag is the page flags of RAM offset off (off < the RAM size: no
// bounds check).
func pageFlag(flags unsafe.Pointer, off uint64) uint8 {
	return *(*uint8)(unsafe.Add(flags, off>>pageShift))
}

func load8(mem unsafe.Pointer, off uint64) uint8 { return *(*uint8)(unsafe.Add(mem, off)) }

func store8(mem unsafe.Pointer, off uint64, v uint8) { *(*uint8)(unsafe.Add(mem, off)) = v }
