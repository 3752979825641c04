package target

import (
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
)

// Outcomes of execSlow.
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
		kind, off := c.access(addr, 2*size, size, in.Op == isa.OpSTP)
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
		v, ok := c.readSlow(addr, in.Amt, false)
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
		if !c.writeSlow(x[in.Rn], in.Amt, x[in.Rd], false) {
			return slowFault
		}
		c.PC = pc + 4
		return slowNext
	case isa.OpSTXR:
		addr := x[in.Rn]
		size := uint64(1) << in.Amt
		kind, off := c.access(addr, size, size, true)
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
	case isa.OpLDXP:
		addr := x[in.Rn]
		size := uint64(1) << in.Amt
		kind, off := c.access(addr, 2*size, 2*size, false)
		if kind == accFault {
			return slowFault
		}
		var v1, v2 uint64
		if kind == accRAM {
			v1, v2 = ramLoad(c.m.ram, off, in.Amt), ramLoad(c.m.ram, off+size, in.Amt)
		}
		c.Excl.Valid, c.Excl.Addr, c.Excl.Size, c.Excl.Val, c.Excl.Val2 = true, addr, 2*size, v1, v2
		x[in.Rd], x[in.Ra] = v1, v2
		c.PC = pc + 4
		return slowNext
	case isa.OpSTXP:
		addr := x[in.Rn]
		size := uint64(1) << in.Amt
		kind, off := c.access(addr, 2*size, 2*size, true)
		if kind == accFault {
			return slowFault
		}
		status := uint64(1)
		if c.Excl.Valid && c.Excl.Addr == addr && c.Excl.Size == 2*size && kind == accRAM &&
			ramLoad(c.m.ram, off, in.Amt) == c.Excl.Val && ramLoad(c.m.ram, off+size, in.Amt) == c.Excl.Val2 {
			ramStore(c.m.ram, off, in.Amt, x[in.Rd])
			ramStore(c.m.ram, off+size, in.Amt, x[in.Rm])
			status = 0
		}
		c.Excl.Valid = false
		x[in.Ra] = status
		c.PC = pc + 4
		return slowNext

	case isa.OpCAS, isa.OpCASP, isa.OpSWP, isa.OpLDADD, isa.OpLDCLR, isa.OpLDEOR, isa.OpLDSET, isa.OpLDSMAX, isa.OpLDSMIN, isa.OpLDUMAX, isa.OpLDUMIN:
		return c.atomic(in)

	case isa.OpDCZVA:
		addr := x[in.Rn] &^ 63
		kind, off := c.access(addr, 64, 1, true)
		if kind == accFault {
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
			c.undefined()
			return slowRedirect
		}
		x[in.Rd] = v
		c.PC = pc + 4
		return slowNext
	case isa.OpMSR:
		if !c.writeSys(uint32(in.Imm), x[in.Rn], true) {
			c.undefined()
			return slowRedirect
		}
		c.PC = pc + 4
		return slowRedirect // SPSel/DAIF may have changed: re-check state
	case isa.OpMSRimm:
		crm := in.Imm2
		switch in.Imm {
		case 0x05: // SPSel
			if c.EL == 0 {
				c.undefined()
				return slowRedirect
			}
			c.SetMode(c.EL, uint8(crm&1))
		case 0x1e, 0x1f: // DAIFSet, DAIFClr
			if c.EL == 0 && c.SR[cpu.IdxSCTLR]&cpu.SCTLRUMA == 0 {
				c.undefined()
				return slowRedirect
			}
			if in.Imm == 0x1e {
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
		c.waiting = true
		return slowEndSlice
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
	if kind, _ := c.access(addr, total, total, false); kind == accFault {
		return slowFault
	}
	kind, off := c.access(addr, total, total, true)
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
