package target

import (
	"encoding/binary"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// Outcomes of execSlow.
const (
	slowNext     = iota // done; c.PC is the next PC
	slowFault           // memory fault or debugger stop at c.PC (see onFault)
	slowRedirect        // c.PC changed non-sequentially (exception, ERET)
	slowEndSlice        // done; end this CPU's slice (WFI, CPU_OFF, ...)
	slowStop            // the instruction did not execute; c.stopped is set
)

// Memory access targets.
const (
	accFault = iota
	accRAM
	accUART
)

// access validates an access of size bytes at addr (aligned to align) and
// says where it goes. On a fault or a watchpoint stop it records the reason
// and returns accFault. off is the RAM or device offset.
func (c *CPU) access(addr, size, align uint64, write bool) (kind int, off uint64) {
	m := c.m
	if addr&(align-1) != 0 {
		c.recordFault(addr, write, cpu.FSCAlignment)
		return accFault, 0
	}
	if o, ok := m.ramRange(addr, size); ok && size > 0 {
		first, last := o>>pageShift, (o+size-1)>>pageShift
		if (m.pageFlags[first]|m.pageFlags[last])&pfWatch != 0 && (m.watchHit(c, addr, size, write) || c.guestWatch(addr, size, write)) {
			return accFault, 0
		}
		if write && (m.pageFlags[first]|m.pageFlags[last])&pfCode != 0 {
			m.invalidateRange(o, size)
		}
		return accRAM, o
	}
	if addr >= UARTBase && addr+size <= UARTBase+uartSize {
		return accUART, addr - UARTBase
	}
	c.recordFault(addr, write, cpu.FSCExternal)
	return accFault, 0
}

func (c *CPU) recordFault(addr uint64, write bool, fsc uint32) {
	c.faultAddr, c.faultWrite, c.faultFSC = addr, write, fsc
}

func ramLoad(ram []byte, off uint64, lg uint8) uint64 {
	switch lg {
	case 0:
		return uint64(ram[off])
	case 1:
		return uint64(binary.LittleEndian.Uint16(ram[off:]))
	case 2:
		return uint64(binary.LittleEndian.Uint32(ram[off:]))
	}
	return binary.LittleEndian.Uint64(ram[off:])
}

func ramStore(ram []byte, off uint64, lg uint8, v uint64) {
	switch lg {
	case 0:
		ram[off] = byte(v)
	case 1:
		binary.LittleEndian.PutUint16(ram[off:], uint16(v))
	case 2:
		binary.LittleEndian.PutUint32(ram[off:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(ram[off:], v)
	}
}

func sizeMask(lg uint8) uint64 { return ones(8 << lg) }

// readSlow is a single load of 1<<lg bytes with every check.
func (c *CPU) readSlow(addr uint64, lg uint8, unpriv bool) (uint64, bool) {
	size := uint64(1) << lg
	c.dw.unpriv = unpriv
	kind, off := c.access(addr, size, size, false)
	c.dw.unpriv = false
	switch kind {
	case accRAM:
		return ramLoad(c.m.ram, off, lg), true
	case accUART:
		return c.m.uartRead(off) & sizeMask(lg), true
	}
	return 0, false
}

// writeSlow is a single store of 1<<lg bytes with every check.
func (c *CPU) writeSlow(addr uint64, lg uint8, v uint64, unpriv bool) bool {
	size := uint64(1) << lg
	c.dw.unpriv = unpriv
	kind, off := c.access(addr, size, size, true)
	c.dw.unpriv = false
	switch kind {
	case accRAM:
		ramStore(c.m.ram, off, lg, v)
		return true
	case accUART:
		c.m.uartWrite(off, v&sizeMask(lg))
		return true
	}
	return false
}

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
	if r != cpu.RegZR {
		c.X[r] = v
	}
}

// execSlow executes the rarer instructions. c.PC is the instruction's PC.
func (c *CPU) execSlow(in *inst) int {
	x := &c.X
	pc := c.PC
	switch in.op {
	case opUndef:
		c.undefined()
		return slowRedirect

	case opLoad, opStore:
		base := x[in.rn]
		var addr uint64
		switch in.cond {
		case modeOffset, modePre:
			addr = base + in.imm
		case modePost:
			addr = base
		case modeReg:
			addr = base + extendVal(x[in.rm], uint8(in.imm2), uint8(in.imm))
		case modeLit:
			addr = in.imm
		}
		if in.op == opLoad {
			v, ok := c.readSlow(addr, in.amt, in.flg&flgUnpriv != 0)
			if !ok {
				return slowFault
			}
			switch {
			case in.flg&flgSigned64 != 0:
				v = sext(v, 8<<in.amt)
			case in.flg&flgSigned32 != 0:
				v = uint64(uint32(sext(v, 8<<in.amt)))
			}
			x[in.rd] = v
		} else if !c.writeSlow(addr, in.amt, x[in.rd], in.flg&flgUnpriv != 0) {
			return slowFault
		}
		writeBack(x, in, addr)
		c.PC = pc + 4
		return slowNext

	case opLDP, opSTP:
		addr := x[in.rn]
		if in.cond != modePost {
			addr += in.imm
		}
		size := uint64(1) << in.amt
		kind, off := c.access(addr, 2*size, size, in.op == opSTP)
		if kind == accFault {
			// report the element that faults, as two single accesses would
			if c.faultFSC == cpu.FSCExternal && !c.stopped {
				if _, ok := c.m.ramRange(addr, size); ok {
					c.faultAddr = addr + size
				}
			}
			return slowFault
		}
		if in.op == opLDP {
			var v1, v2 uint64
			if kind == accRAM {
				v1, v2 = ramLoad(c.m.ram, off, in.amt), ramLoad(c.m.ram, off+size, in.amt)
			} else {
				v1, v2 = c.m.uartRead(off)&sizeMask(in.amt), c.m.uartRead(off+size)&sizeMask(in.amt)
			}
			if in.flg&flgPairSW != 0 {
				v1, v2 = sext(v1, 32), sext(v2, 32)
			}
			x[in.rd], x[in.ra] = v1, v2
		} else {
			v1, v2 := x[in.rd], x[in.ra]
			if kind == accRAM {
				ramStore(c.m.ram, off, in.amt, v1)
				ramStore(c.m.ram, off+size, in.amt, v2)
			} else {
				c.m.uartWrite(off, v1&sizeMask(in.amt))
				c.m.uartWrite(off+size, v2&sizeMask(in.amt))
			}
		}
		writeBack(x, in, addr)
		c.PC = pc + 4
		return slowNext

	case opLDXR, opLDAR:
		addr := x[in.rn]
		v, ok := c.readSlow(addr, in.amt, false)
		if !ok {
			return slowFault
		}
		if in.op == opLDXR {
			c.Excl.Valid, c.Excl.Addr, c.Excl.Size, c.Excl.Val = true, addr, 1<<in.amt, v
		}
		x[in.rd] = v
		c.PC = pc + 4
		return slowNext
	case opSTLR:
		if !c.writeSlow(x[in.rn], in.amt, x[in.rd], false) {
			return slowFault
		}
		c.PC = pc + 4
		return slowNext
	case opSTXR:
		addr := x[in.rn]
		size := uint64(1) << in.amt
		kind, off := c.access(addr, size, size, true)
		if kind == accFault {
			return slowFault
		}
		status := uint64(1)
		if c.Excl.Valid && c.Excl.Addr == addr && c.Excl.Size == size && kind == accRAM &&
			ramLoad(c.m.ram, off, in.amt) == c.Excl.Val {
			ramStore(c.m.ram, off, in.amt, x[in.rd])
			status = 0
		}
		c.Excl.Valid = false
		x[in.ra] = status
		c.PC = pc + 4
		return slowNext
	case opLDXP:
		addr := x[in.rn]
		size := uint64(1) << in.amt
		kind, off := c.access(addr, 2*size, 2*size, false)
		if kind == accFault {
			return slowFault
		}
		var v1, v2 uint64
		if kind == accRAM {
			v1, v2 = ramLoad(c.m.ram, off, in.amt), ramLoad(c.m.ram, off+size, in.amt)
		}
		c.Excl.Valid, c.Excl.Addr, c.Excl.Size, c.Excl.Val, c.Excl.Val2 = true, addr, 2*size, v1, v2
		x[in.rd], x[in.ra] = v1, v2
		c.PC = pc + 4
		return slowNext
	case opSTXP:
		addr := x[in.rn]
		size := uint64(1) << in.amt
		kind, off := c.access(addr, 2*size, 2*size, true)
		if kind == accFault {
			return slowFault
		}
		status := uint64(1)
		if c.Excl.Valid && c.Excl.Addr == addr && c.Excl.Size == 2*size && kind == accRAM &&
			ramLoad(c.m.ram, off, in.amt) == c.Excl.Val && ramLoad(c.m.ram, off+size, in.amt) == c.Excl.Val2 {
			ramStore(c.m.ram, off, in.amt, x[in.rd])
			ramStore(c.m.ram, off+size, in.amt, x[in.rm])
			status = 0
		}
		c.Excl.Valid = false
		x[in.ra] = status
		c.PC = pc + 4
		return slowNext

	case opCAS, opCASP, opSWP, opLDADD, opLDCLR, opLDEOR, opLDSET, opLDSMAX, opLDSMIN, opLDUMAX, opLDUMIN:
		return c.atomic(in)

	case opDCZVA:
		addr := x[in.rn] &^ 63
		kind, off := c.access(addr, 64, 1, true)
		if kind == accFault {
			return slowFault
		}
		if kind == accRAM {
			clear(c.m.ram[off : off+64])
		}
		c.PC = pc + 4
		return slowNext

	case opMRS:
		v, ok := c.readSys(uint32(in.imm), true)
		if !ok {
			c.undefined()
			return slowRedirect
		}
		x[in.rd] = v
		c.PC = pc + 4
		return slowNext
	case opMSR:
		if !c.writeSys(uint32(in.imm), x[in.rn], true) {
			c.undefined()
			return slowRedirect
		}
		c.PC = pc + 4
		return slowRedirect // SPSel/DAIF may have changed: re-check state
	case opMSRimm:
		crm := in.imm2
		switch in.imm {
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
			if in.imm == 0x1e {
				c.DAIF |= crm << 6
			} else {
				c.DAIF &^= crm << 6
			}
		}
		c.PC = pc + 4
		return slowRedirect
	case opISB:
		c.isb()
		c.PC = pc + 4
		return slowNext
	case opCLREX:
		c.Excl.Valid = false
		c.PC = pc + 4
		return slowNext
	case opWFI:
		c.PC = pc + 4
		c.waiting = true
		return slowEndSlice
	case opWFE:
		c.PC = pc + 4
		if c.eventReg {
			c.eventReg = false
			return slowNext
		}
		c.waiting = true
		return slowEndSlice
	case opSEV:
		for _, o := range c.m.cpus {
			o.eventReg = true
		}
		c.PC = pc + 4
		return slowNext
	case opSEVL:
		c.eventReg = true
		c.PC = pc + 4
		return slowNext

	case opSVC:
		c.takeException(cpu.ECSVC, uint32(in.imm), pc+4, 0, false)
		return slowRedirect
	case opHVC:
		if c.EL == 0 {
			c.undefined()
			return slowRedirect
		}
		c.PC = pc + 4
		c.dw.hvcImm = in.imm
		return c.psci()
	case opSMC:
		c.undefined()
		return slowRedirect
	case opBRK:
		c.takeException(cpu.ECBRK, uint32(in.imm), pc, 0, false)
		return slowRedirect
	case opERET:
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
func (c *CPU) atomic(in *inst) int {
	x := &c.X
	addr := x[in.rn]
	lg := in.amt
	size := uint64(1) << lg
	total := size
	if in.op == opCASP {
		lg = in.amt
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
	mask := sizeMask(lg)
	old := ramLoad(ram, off, lg)
	switch in.op {
	case opCAS:
		if old == x[in.ra]&mask {
			ramStore(ram, off, lg, x[in.rd])
		}
		c.setX(in.ra, old)
	case opCASP:
		old2 := ramLoad(ram, off+size, lg)
		s1, s2 := x[in.ra]&mask, x[in.ra+1]&mask
		if in.ra == 30 {
			s2 = 0
		}
		if old == s1 && old2 == s2 {
			t2 := x[in.rd+1]
			if in.rd == 30 {
				t2 = 0
			}
			ramStore(ram, off, lg, x[in.rd])
			ramStore(ram, off+size, lg, t2)
		}
		c.setX(in.ra, old)
		if in.ra != 30 {
			c.setX(in.ra+1, old2)
		}
	default:
		op := x[in.rm] & mask
		var nv uint64
		switch in.op {
		case opSWP:
			nv = op
		case opLDADD:
			nv = old + op
		case opLDCLR:
			nv = old &^ op
		case opLDEOR:
			nv = old ^ op
		case opLDSET:
			nv = old | op
		case opLDSMAX, opLDSMIN:
			so, sp := int64(sext(old, 8<<lg)), int64(sext(op, 8<<lg))
			if (in.op == opLDSMAX) == (sp > so) {
				nv = op
			} else {
				nv = old
			}
		case opLDUMAX:
			nv = max(old, op)
		case opLDUMIN:
			nv = min(old, op)
		}
		ramStore(ram, off, lg, nv)
		x[in.rd] = old
	}
	c.PC += 4
	return slowNext
}

// writeBack updates the base register of a pre- or post-indexed load/store whose access went to addr.
func writeBack(x *[256]uint64, in *inst, addr uint64) {
	switch in.cond {
	case modePre:
		x[in.rn] = addr
	case modePost:
		x[in.rn] = addr + in.imm
	}
}
