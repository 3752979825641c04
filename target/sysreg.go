package target

import (
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/gic"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/timer"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/selfdebug"
)

// System-register dispatch: who answers an MRS/MSR (or a debugger's access).
//
//  1. The self-hosted debug model (cpu.DebugOwned keys: op0 = 2 and
//     ID_AA64DFR0/1), debugwire.go.
//  2. The core itself (cpu.State.ReadSys/WriteSys: storage, constants and
//     PSTATE views, with the EL0 access rules applied to every register).
//  3. The machine, for the cpu.Machine registers the core reports back:
//     MPIDR (the CPU's place in the machine), ID_AA64PFR0 (its GIC field),
//     the counter views, and the devices' registers (devRead/devWrite): the
//     generic timers' CNTV_*/CNTP_* (timer.go), ISR_EL1 (the CPU's interrupt
//     lines) and, with a GICv3, its ICC_* CPU interface.

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
	}
	return c.devRead(key, checkEL)
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
	}
	return c.devWrite(key, v, checkEL)
}

// The devices' system registers: timers, ISR_EL1, the GICv3 CPU interface.

// timerRegs maps the CNT*_CTL/CVAL/TVAL encodings to (physical?, register).
var timerRegs = map[uint32]struct {
	phys bool
	reg  int
}{
	cpu.KeyCNTPCTL: {true, timerCTL}, cpu.KeyCNTPCVAL: {true, timerCVAL}, cpu.KeyCNTPTVAL: {true, timerTVAL},
	cpu.KeyCNTVCTL: {false, timerCTL}, cpu.KeyCNTVCVAL: {false, timerCVAL}, cpu.KeyCNTVTVAL: {false, timerTVAL},
}

// iccRegs maps the ICC_*_EL1 encodings (cpu.Table, by name) to the GICv3's registers.
var iccRegs = func() map[uint32]gic.SysReg {
	r := map[uint32]gic.SysReg{}
	for i := range cpu.Table {
		for g := gic.SysReg(0); g < gic.NumSysRegs; g++ {
			if cpu.Table[i].Name == g.String() {
				r[cpu.Table[i].Key] = g
			}
		}
	}
	return r
}()

func (c *CPU) timerOf(phys bool) *timer.Timer {
	if phys {
		return &c.timer.Phys
	}
	return &c.timer.Virt
}

// devRead answers the devices' registers; false: UNDEFINED.
func (c *CPU) devRead(key uint32, checkEL bool) (uint64, bool) {
	if t, ok := timerRegs[key]; ok {
		return c.timerRead(c.timerOf(t.phys), t.reg), true
	}
	switch key {
	case cpu.KeyISR:
		return c.isr(), true
	case cpu.KeyIDAA64PFR0:
		if c.m.gic3 != nil {
			return cpu.IDAA64PFR0 | 1<<24, true
		}
		return cpu.IDAA64PFR0, true
	}
	if r, ok := iccRegs[key]; ok && c.m.gic3 != nil {
		if !checkEL && (r == gic.ICCIAR0 || r == gic.ICCIAR1) {
			return 0, false // a debugger's read must not acknowledge an interrupt
		}
		return c.m.gic3.ReadSysReg(c.index, r)
	}
	return 0, false
}

// devWrite writes the devices' registers; false: UNDEFINED (MSR) or not
// writable (debugger).
func (c *CPU) devWrite(key uint32, v uint64, checkEL bool) bool {
	if t, ok := timerRegs[key]; ok {
		c.timerWrite(c.timerOf(t.phys), t.reg, v)
		return true
	}
	switch key {
	case cpu.KeyISR, cpu.KeyIDAA64PFR0:
		return !checkEL
	}
	if r, ok := iccRegs[key]; ok && c.m.gic3 != nil {
		return c.m.gic3.WriteSysReg(c.index, r, v)
	}
	return false
}
