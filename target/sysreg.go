package target

import (
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/selfdebug"
)

// System-register dispatch: who answers an MRS/MSR (or a debugger's access).
//
//  1. The self-hosted debug model (cpu.DebugOwned keys: op0 = 2 and
//     ID_AA64DFR0/1), debugwire.go.
//  2. The core itself (cpu.State.ReadSys/WriteSys: storage, constants and
//     PSTATE views, with the EL0 access rules applied to every register).
//  3. The machine, for the cpu.Machine registers the core reports back:
//     MPIDR (the CPU's place in the machine) and the counter views. The
//     timer's CNTV_*/CNTP_* and the GIC's ICC_* registers join this switch
//     when those devices are wired (mark them cpu.Machine in cpu.Table).

// k is cpu.SysKey, short for the debug register tables.
func k(op0, op1, crn, crm, op2 uint32) uint32 { return cpu.SysKey(op0, op1, crn, crm, op2) }

// SysRegName returns the architectural name of an encoding, or "".
func SysRegName(op0, op1, crn, crm, op2 int) string {
	key := k(uint32(op0), uint32(op1), uint32(crn), uint32(crm), uint32(op2))
	if n := cpu.Name(key); n != "" {
		return n
	}
	return selfdebug.Name(key)
}

// readSys reads a system register; checkEL enforces the EL0 access rules
// (MRS). ok=false means the access is UNDEFINED.
func (c *CPU) readSys(key uint32, checkEL bool) (uint64, bool) {
	if cpu.DebugOwned(key) {
		if v, ok, handled := c.debugRead(key, checkEL); handled {
			return v, ok
		}
	}
	v, ok, machine := c.State.ReadSys(key, checkEL)
	if !machine {
		return v, ok
	}
	switch key {
	case cpu.KeyMPIDR:
		return c.MPIDR(), true
	case cpu.KeyCNTPCT, cpu.KeyCNTVCT:
		return c.counter(), true
	case cpu.KeyCNTPTVAL:
		return uint64(uint32(c.SR[cpu.IdxCNTPCVAL] - c.counter())), true
	case cpu.KeyCNTVTVAL:
		return uint64(uint32(c.SR[cpu.IdxCNTVCVAL] - c.counter())), true
	}
	return 0, false
}

// writeSys writes a system register; ok=false means UNDEFINED (MSR) or not
// writable (debugger).
func (c *CPU) writeSys(key uint32, v uint64, checkEL bool) bool {
	if key>>14 == 2 {
		return c.debugWrite(key, v, checkEL)
	}
	ok, machine := c.State.WriteSys(key, v, checkEL)
	if !machine {
		// The MMU's registers: the new context takes effect at once (memory.go).
		if ok && cpu.TranslationReg(key) {
			c.syncMMU()
		}
		return ok
	}
	switch key {
	case cpu.KeyMPIDR, cpu.KeyCNTPCT, cpu.KeyCNTVCT:
		return !checkEL // read-only: debugger writes are ignored
	case cpu.KeyCNTPTVAL:
		c.SR[cpu.IdxCNTPCVAL] = c.counter() + uint64(int64(int32(uint32(v))))
		return true
	case cpu.KeyCNTVTVAL:
		c.SR[cpu.IdxCNTVCVAL] = c.counter() + uint64(int64(int32(uint32(v))))
		return true
	}
	return false
}
