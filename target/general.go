package target

import (
	"math/bits"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/mmu"
)

// The general path: every instruction inner hands back, executed with the
// full checks (the memory path of memory.go, system registers, exceptions).
// execGeneral takes the data-processing forms, execSlow the memory, system
// and exception-generating ones; both use the semantics of package isa.

// Outcomes of execGeneral and execSlow.
const (
	slowNext     = iota // done; c.PC is the next PC
	slowFault           // memory fault or debugger stop at c.PC (see onFault)
	slowRedirect        // c.PC changed non-sequentially (exception, ERET)
	slowEndSlice        // done; end this CPU's slice (WFI, CPU_OFF, ...)
	slowStop            // the instruction did not execute; c.stopped is set
)

// onFault finishes a failed access of the instruction at pc: a debugger stop
// (returns true) or a data abort taken in the guest (returns false).
func (c *CPU) onFault(pc uint64, n int) bool {
	c.PC = pc
	if c.stopped {
		return true
	}
	if c.dw.pending.ESR != 0 {
		return c.takePendingWatch(pc)
	}
	ec := uint32(cpu.ECDataAbort)
	if c.EL == 0 {
		ec = cpu.ECDataAbortLo
	}
	iss := c.faultFSC
	if c.faultWrite {
		iss |= 1 << 6
	}
	c.takeException(ec, iss, pc, c.faultAddr, true)
	return false
}

func (c *CPU) setX(r uint8, v uint64) {
	if r != cpu.SlotZR {
		c.X[r] = v
	}
}

// execSlow executes the rarer instructions. c.PC is the instruction's PC.
func (c *CPU) execSlow(in *isa.Inst) int {
	x := &c.X
	pc := c.PC
	switch in.Op {
	case isa.OpUndef:
		if r, ok := c.execFPSIMD(); ok { // FP/SIMD words (fpsimd.go)
			return r
		}
		c.undefined()
		return slowRedirect

	case isa.OpLoad, isa.OpStore:
		addr := in.Addr(x)
		if in.Op == isa.OpLoad {
			v, ok := c.readSlow(addr, in.Amt, in.Flg&isa.FlgUnpriv != 0)
			if !ok {
				return slowFault
			}
			x[in.Rd] = in.LoadValue(v)
		} else if !c.writeSlow(addr, in.Amt, x[in.Rd], in.Flg&isa.FlgUnpriv != 0) {
			return slowFault
		}
		in.WriteBack(x, addr)
		c.PC = pc + 4
		return slowNext

	case isa.OpLDP, isa.OpSTP:
		addr := in.PairAddr(x)
		size := uint64(1) << in.Amt
		acc := mmu.Read
		if in.Op == isa.OpSTP {
			acc = mmu.Write
		}
		kind, off := c.access(addr, 2*size, size, acc)
		if kind == accFault {
			// report the element that faults, as two single accesses would
			if c.faultFSC == cpu.FSCExternal && !c.stopped {
				if _, ok := c.m.ramRange(addr, size); ok {
					c.faultAddr = addr + size
				}
			}
			return slowFault
		}
		if in.Op == isa.OpLDP {
			v1, ok1 := c.load(kind, addr, off, in.Amt)
			v2, ok2 := c.load(kind, addr+size, off+size, in.Amt)
			if !ok1 || !ok2 {
				return slowFault
			}
			if in.Flg&isa.FlgPairSW != 0 {
				v1, v2 = isa.Sext(v1, 32), isa.Sext(v2, 32)
			}
			x[in.Rd], x[in.Ra] = v1, v2
		} else if !c.store(kind, addr, off, in.Amt, x[in.Rd]) || !c.store(kind, addr+size, off+size, in.Amt, x[in.Ra]) {
			return slowFault
		}
		in.WriteBack(x, addr)
		c.PC = pc + 4
		return slowNext

	case isa.OpLDXR, isa.OpLDAR:
		addr := x[in.Rn]
		size := uint64(1) << in.Amt
		kind, off := c.access(addr, size, size, mmu.Read|accAligned)
		if kind == accFault {
			return slowFault
		}
		v, ok := c.load(kind, addr, off, in.Amt)
		if !ok {
			return slowFault
		}
		if in.Op == isa.OpLDXR {
			c.Excl.Valid, c.Excl.Addr, c.Excl.Size, c.Excl.Val = true, addr, 1<<in.Amt, v
		}
		x[in.Rd] = v
		c.PC = pc + 4
		return slowNext
	case isa.OpSTLR:
		addr, size := x[in.Rn], uint64(1)<<in.Amt
		kind, off := c.access(addr, size, size, mmu.Write|accAligned)
		if kind == accFault || !c.store(kind, addr, off, in.Amt, x[in.Rd]) {
			return slowFault
		}
		c.PC = pc + 4
		return slowNext
	case isa.OpSTXR:
		addr := x[in.Rn]
		size := uint64(1) << in.Amt
		kind, off := c.access(addr, size, size, mmu.Write|accAligned)
		if kind == accFault {
			return slowFault
		}
		status := uint64(1)
		if c.Excl.Valid && c.Excl.Addr == addr && c.Excl.Size == size && kind == accRAM &&
			ramLoad(c.m.ram, off, in.Amt) == c.Excl.Val {
			ramStore(c.m.ram, off, in.Amt, x[in.Rd])
			status = 0
		}
		c.Excl.Valid = false
		x[in.Ra] = status
		c.PC = pc + 4
		return slowNext
	case isa.OpLDXP, isa.OpSTXP: // one access of both registers, aligned to its whole size
		addr := x[in.Rn]
		size := uint64(1) << in.Amt
		acc := mmu.Read | accAligned
		if in.Op == isa.OpSTXP {
			acc = mmu.Write | accAligned
		}
		kind, off := c.access(addr, 2*size, 2*size, acc)
		if kind == accFault {
			return slowFault
		}
		if in.Op == isa.OpLDXP {
			var v1, v2 uint64
			if kind == accRAM {
				v1, v2 = ramLoad(c.m.ram, off, in.Amt), ramLoad(c.m.ram, off+size, in.Amt)
			}
			c.Excl = cpu.Monitor{Valid: true, Addr: addr, Size: 2 * size, Val: v1, Val2: v2}
			x[in.Rd], x[in.Ra] = v1, v2
		} else {
			status := uint64(1)
			if c.Excl.Valid && c.Excl.Addr == addr && c.Excl.Size == 2*size && kind == accRAM &&
				ramLoad(c.m.ram, off, in.Amt) == c.Excl.Val && ramLoad(c.m.ram, off+size, in.Amt) == c.Excl.Val2 {
				ramStore(c.m.ram, off, in.Amt, x[in.Rd])
				ramStore(c.m.ram, off+size, in.Amt, x[in.Rm])
				status = 0
			}
			c.Excl.Valid = false
			x[in.Ra] = status
		}
		c.PC = pc + 4
		return slowNext

	case isa.OpCAS, isa.OpCASP, isa.OpSWP, isa.OpLDADD, isa.OpLDCLR, isa.OpLDEOR, isa.OpLDSET, isa.OpLDSMAX, isa.OpLDSMIN, isa.OpLDUMAX, isa.OpLDUMIN:
		return c.atomic(in)

	case isa.OpDCZVA:
		addr := x[in.Rn] &^ 63
		kind, off := c.access(addr, 64, 1, mmu.Write)
		if kind == accFault {
			return slowFault
		}
		if c.mm.on && kind == accDevice {
			c.recordAbort(addr, cpu.FSCAlignment, mmu.Write) // DC ZVA to Device memory (docs/mmu.md)
			return slowFault
		}
		if kind == accRAM {
			clear(c.m.ram[off : off+64])
		}
		c.PC = pc + 4
		return slowNext

	case isa.OpMRS:
		v, ok := c.readSys(uint32(in.Imm), true)
		if !ok {
			c.sysUndefined(uint32(in.Imm))
			return slowRedirect
		}
		x[in.Rd] = v
		c.PC = pc + 4
		return slowNext
	case isa.OpMSR:
		if !c.writeSys(uint32(in.Imm), x[in.Rn], true) {
			c.sysUndefined(uint32(in.Imm))
			return slowRedirect
		}
		c.PC = pc + 4
		return slowRedirect // SPSel/DAIF may have changed: re-check state
	case isa.OpMSRimm:
		crm := in.Imm2
		switch in.Imm {
		case isa.PStateSPSel:
			if c.EL == 0 {
				c.undefined()
				return slowRedirect
			}
			c.SetMode(c.EL, uint8(crm&1))
		case isa.PStateDAIFSet, isa.PStateDAIFClr:
			if c.EL == 0 && c.SR[cpu.IdxSCTLR]&cpu.SCTLRUMA == 0 {
				c.undefined()
				return slowRedirect
			}
			if in.Imm == isa.PStateDAIFSet {
				c.DAIF |= crm << 6
			} else {
				c.DAIF &^= crm << 6
			}
		}
		c.PC = pc + 4
		return slowRedirect
	case isa.OpISB:
		c.isb()
		c.PC = pc + 4
		return slowNext
	case isa.OpCLREX:
		c.Excl.Valid = false
		c.PC = pc + 4
		return slowNext
	case isa.OpWFI:
		c.PC = pc + 4
		return c.wfi()
	case isa.OpWFE:
		c.PC = pc + 4
		if c.eventReg {
			c.eventReg = false
			return slowNext
		}
		c.waiting = true
		return slowEndSlice
	case isa.OpSEV:
		for _, o := range c.m.cpus {
			o.eventReg = true
		}
		c.PC = pc + 4
		return slowNext
	case isa.OpSEVL:
		c.eventReg = true
		c.PC = pc + 4
		return slowNext

	case isa.OpSVC:
		c.takeException(cpu.ECSVC, uint32(in.Imm), pc+4, 0, false)
		return slowRedirect
	case isa.OpHVC:
		if c.EL == 0 {
			c.undefined()
			return slowRedirect
		}
		c.PC = pc + 4
		c.dw.hvcImm = in.Imm
		return c.psci()
	case isa.OpSMC:
		c.undefined()
		return slowRedirect
	case isa.OpBRK:
		c.takeException(cpu.ECBRK, uint32(in.Imm), pc, 0, false)
		return slowRedirect
	case isa.OpERET:
		if c.EL == 0 {
			c.undefined()
			return slowRedirect
		}
		c.eret()
		return slowRedirect
	}
	c.undefined()
	return slowRedirect
}

// atomic executes the LSE atomics (CAS, CASP, SWP, LD<op>).
func (c *CPU) atomic(in *isa.Inst) int {
	x := &c.X
	addr := x[in.Rn]
	lg := in.Amt
	size := uint64(1) << lg
	total := size
	if in.Op == isa.OpCASP {
		lg = in.Amt
		total = 2 * size
	}
	// An atomic both reads and writes: a Read watchpoint sees the read first.
	if kind, _ := c.access(addr, total, total, mmu.Read|accAligned); kind == accFault {
		return slowFault
	}
	kind, off := c.access(addr, total, total, mmu.Write|accAligned)
	if kind == accFault {
		return slowFault
	}
	if kind != accRAM { // atomics to a device: we choose an external abort
		c.recordFault(addr, true, cpu.FSCExternal)
		return slowFault
	}
	ram := c.m.ram
	mask := isa.SizeMask(lg)
	old := ramLoad(ram, off, lg)
	switch in.Op {
	case isa.OpCAS:
		if old == x[in.Ra]&mask {
			ramStore(ram, off, lg, x[in.Rd])
		}
		c.setX(in.Ra, old)
	case isa.OpCASP:
		old2 := ramLoad(ram, off+size, lg)
		s1, s2 := x[in.Ra]&mask, x[in.Ra+1]&mask
		if in.Ra == 30 {
			s2 = 0
		}
		if old == s1 && old2 == s2 {
			t2 := x[in.Rd+1]
			if in.Rd == 30 {
				t2 = 0
			}
			ramStore(ram, off, lg, x[in.Rd])
			ramStore(ram, off+size, lg, t2)
		}
		c.setX(in.Ra, old)
		if in.Ra != 30 {
			c.setX(in.Ra+1, old2)
		}
	default:
		op := x[in.Rm] & mask
		var nv uint64
		switch in.Op {
		case isa.OpSWP:
			nv = op
		case isa.OpLDADD:
			nv = old + op
		case isa.OpLDCLR:
			nv = old &^ op
		case isa.OpLDEOR:
			nv = old ^ op
		case isa.OpLDSET:
			nv = old | op
		case isa.OpLDSMAX, isa.OpLDSMIN:
			so, sp := int64(isa.Sext(old, 8<<lg)), int64(isa.Sext(op, 8<<lg))
			if (in.Op == isa.OpLDSMAX) == (sp > so) {
				nv = op
			} else {
				nv = old
			}
		case isa.OpLDUMAX:
			nv = max(old, op)
		case isa.OpLDUMIN:
			nv = min(old, op)
		}
		ramStore(ram, off, lg, nv)
		x[in.Rd] = old
	}
	c.PC += 4
	return slowNext
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
		if r := c.sysInstr(in); r != slowNext {
			return r
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
		c.NZCV = isa.CondCompare(in, x[in.Rn], isa.CompareOperand(in, x[in.Rm]), c.NZCV, in.Op == isa.OpCCMN)
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

// setResult writes a data-processing result and, if the instruction sets
// them, the flags.
func (c *CPU) setResult(rd uint8, r, nzcv uint64, sets bool) {
	if sets {
		c.NZCV = nzcv
	}
	c.X[rd] = r
}

func (c *CPU) undefined() { c.takeException(cpu.ECUnknown, 0, c.PC, 0, false) }

// sysInstr executes the SYS instructions with an effect (c.PC is the
// instruction; slowNext: done, the caller advances the PC): TLBI, AT, the
// data cache maintenance by VA (translated for their faults, no other
// effect: there are no caches) and the instruction cache invalidations,
// which drop decoded instructions. Set/way operations and the rest do
// nothing.
func (c *CPU) sysInstr(in *isa.Inst) int {
	key := uint32(in.Imm)
	op1, crn, crm, op2 := uint8(key>>11&7), uint8(key>>7&15), uint8(key>>3&15), uint8(key&7)
	xt := c.X[in.Rn] // the zero register's slot reads 0
	switch crn {
	case 8: // TLBI
		if op, ok := mmu.DecodeTLBI(op1, crn, crm, op2); ok {
			c.applyTLBI(c.mm.mmu.Context().TLBI(op, xt))
		}
	case 7:
		if op, ok := mmu.DecodeAT(op1, crn, crm, op2); ok {
			par, abort := c.mm.mmu.AT(op, xt)
			if !abort.OK() {
				esr := abort.ESR(mmu.Read|mmu.CacheOp, c.EL)
				c.takeException(uint32(esr>>26), uint32(esr)&0x1ffffff, c.PC, xt, true)
				return slowRedirect
			}
			c.SR[cpu.IdxPAR] = par
			return slowNext
		}
		switch {
		case op1 == 0 && (crm == 1 || crm == 5) && op2 == 0: // IC IALLUIS, IC IALLU
			c.m.invalidateRange(0, c.m.ramSize)
		case op1 == 3 && crm == 5 && op2 == 1: // IC IVAU
			return c.cacheOpVA(xt, mmu.Read|mmu.CacheOp, true)
		case op1 == 0 && crm == 6 && op2 == 1: // DC IVAC
			return c.cacheOpVA(xt, mmu.Write|mmu.CacheOp, false)
		case op1 == 3 && op2 == 1 && (crm == 10 || crm == 11 || crm == 12 || crm == 13 || crm == 14): // DC CVAC, CVAU, CVAP, CVADP, CIVAC
			return c.cacheOpVA(xt, mmu.Read|mmu.CacheOp, false)
		}
	}
	return slowNext
}

// cacheOpVA translates the line at va for a cache maintenance instruction
// (a fault is a data abort with CM = 1); ic also drops the decoded
// instructions of the line's physical bytes.
func (c *CPU) cacheOpVA(va uint64, acc mmu.Access, ic bool) int {
	const line = 64 // CTR_EL0.DminLine = IminLine = 4: 16 words
	va &^= line - 1
	if c.EL == 0 {
		acc |= mmu.EL0
	}
	r, f := c.translate(va, acc)
	if !f.OK() {
		c.recordAbort(va, f.FSC(), acc)
		return slowFault
	}
	if ic {
		if o, ok := c.m.ramRange(r.PA, line); ok {
			c.m.invalidateRange(o, line)
		}
	}
	return slowNext
}
