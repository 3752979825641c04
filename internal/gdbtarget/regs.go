package gdbtarget

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// cpu maps an rsp thread id (1..N, 0 = first) to a CPU.
func (a *Adapter) cpu(tid int) (*target.CPU, error) {
	if tid == 0 {
		tid = 1
	}
	if tid < 1 || tid > a.m.NumCPUs() {
		return nil, rsp.EINVAL
	}
	return a.m.CPU(tid - 1), nil
}

// NumThreads implements rsp.Threads: one thread per CPU.
func (a *Adapter) NumThreads() int { return a.m.NumCPUs() }

// ThreadExtraInfo implements rsp.ThreadExtraInfo.
func (a *Adapter) ThreadExtraInfo(tid int) string {
	c, err := a.cpu(tid)
	if err != nil {
		return ""
	}
	state := "halted"
	if !c.PoweredOn() {
		state = "powered off"
	}
	return fmt.Sprintf("CPU#%d MPIDR=%#x [%s]", tid-1, c.MPIDR(), state)
}

// ReadRegisters implements rsp.Registers: x0..x30, sp, pc (8 bytes each), cpsr (4 bytes), little-endian.
func (a *Adapter) ReadRegisters(tid int, dst []byte) ([]byte, error) {
	c, err := a.cpu(tid)
	if err != nil {
		return dst, err
	}
	for n := 0; n < aarch64.RegCPSR; n++ {
		dst = binary.LittleEndian.AppendUint64(dst, c.Reg(coreReg(n)))
	}
	return binary.LittleEndian.AppendUint32(dst, uint32(c.Reg(target.RegPState))), nil
}

// WriteRegisters implements rsp.Registers.
func (a *Adapter) WriteRegisters(tid int, data []byte) error {
	c, err := a.cpu(tid)
	if err != nil {
		return err
	}
	// Whole registers only, a prefix of the g layout (as gdbserver and QEMU accept): a tail inside a register
	// must not land anywhere.
	if n := len(data); n > 8*aarch64.RegCPSR+4 || n%8 != 0 && n != 8*aarch64.RegCPSR+4 {
		return rsp.EINVAL
	}
	for n := 0; n < aarch64.RegCPSR && len(data) >= 8; n++ {
		c.SetReg(coreReg(n), binary.LittleEndian.Uint64(data))
		data = data[8:]
	}
	if len(data) == 4 {
		c.SetReg(target.RegPState, uint64(binary.LittleEndian.Uint32(data)))
	}
	return nil
}

// ReadRegister implements rsp.SingleRegisters: core registers and the system registers of the description.
func (a *Adapter) ReadRegister(tid, regnum int, dst []byte) ([]byte, error) {
	c, err := a.cpu(tid)
	if err != nil {
		return dst, err
	}
	r, ok := a.desc.Reg(regnum)
	if !ok {
		return dst, rsp.EINVAL
	}
	if r.FPU {
		return a.readFPReg(c, r, dst)
	}
	var v uint64
	switch cr, isCmp := comparatorOf(r.Sys); {
	case r.Sys == nil:
		v = c.Reg(coreReg(regnum))
	case isCmp:
		v = comparator(c, cr.Kind, r.Sys.Bank*16+cr.M)
	case isBankedSP(r.Sys):
		v = bankedSP(c, r.Sys, nil)
	default:
		if v, ok = c.SysReg(r.Sys.Op0, r.Sys.Op1, r.Sys.CRn, r.Sys.CRm, r.Sys.Op2); !ok {
			return dst, rsp.EINVAL
		}
	}
	if r.Size == 4 {
		return binary.LittleEndian.AppendUint32(dst, uint32(v)), nil
	}
	return binary.LittleEndian.AppendUint64(dst, v), nil
}

// WriteRegister implements rsp.SingleRegisters.
func (a *Adapter) WriteRegister(tid, regnum int, value []byte) error {
	c, err := a.cpu(tid)
	if err != nil {
		return err
	}
	r, ok := a.desc.Reg(regnum)
	if !ok || len(value) < r.Size {
		return rsp.EINVAL
	}
	if r.FPU {
		return a.writeFPReg(c, r, value)
	}
	var v uint64
	if r.Size == 4 {
		v = uint64(binary.LittleEndian.Uint32(value))
	} else {
		v = binary.LittleEndian.Uint64(value)
	}
	if r.Sys == nil {
		c.SetReg(coreReg(regnum), v)
		return nil
	}
	if cr, ok := comparatorOf(r.Sys); ok {
		if !c.DebugUnit().SetRegister(cr.Kind, r.Sys.Bank*16+cr.M, v) {
			return rsp.EINVAL
		}
		return nil
	}
	if isBankedSP(r.Sys) {
		bankedSP(c, r.Sys, &v)
		return nil
	}
	if !c.SetSysReg(r.Sys.Op0, r.Sys.Op1, r.Sys.CRn, r.Sys.CRm, r.Sys.Op2, v) {
		return rsp.EINVAL
	}
	return nil
}

// ReadMemory implements rsp.Memory (RAM only; MMIO is never touched by a debugger read).
func (a *Adapter) ReadMemory(addr uint64, p []byte) (int, error) {
	if err := a.m.ReadMemory(addr, p); err != nil {
		return 0, rsp.EFAULT
	}
	return len(p), nil
}

// WriteMemory implements rsp.Memory.
func (a *Adapter) WriteMemory(addr uint64, p []byte) error {
	if err := a.m.WriteMemory(addr, p); err != nil {
		return rsp.EFAULT
	}
	return nil
}

var _ rsp.ThreadMemory = (*Adapter)(nil)

// translationGranule is the page size of the machine's stage-1 translation (4 KiB).
const translationGranule = 4096

// ReadThreadMemory implements rsp.ThreadMemory: addresses are virtual, translated by the CPU's current
// stage-1 tables (physical while its MMU is off), as QEMU's gdbstub reads them. A range that stops being
// mapped part way gives the bytes before the first unmapped page (a short read).
func (a *Adapter) ReadThreadMemory(tid int, addr uint64, p []byte) (int, error) {
	c, err := a.cpu(tid)
	if err != nil {
		return 0, err
	}
	if c.ReadVirtual(addr, p) == nil {
		return len(p), nil
	}
	n := 0
	for n < len(p) {
		k := min(len(p)-n, int(translationGranule-(addr+uint64(n))%translationGranule))
		if c.ReadVirtual(addr+uint64(n), p[n:n+k]) != nil {
			break
		}
		n += k
	}
	if n == 0 {
		return 0, rsp.EFAULT
	}
	return n, nil
}

// WriteThreadMemory implements rsp.ThreadMemory: all of p through the CPU's translation, or nothing.
func (a *Adapter) WriteThreadMemory(tid int, addr uint64, p []byte) error {
	c, err := a.cpu(tid)
	if err != nil {
		return err
	}
	if c.WriteVirtual(addr, p) != nil {
		return rsp.EFAULT
	}
	return nil
}

// TargetXML implements rsp.TargetDescription.
func (a *Adapter) TargetXML(annex string) ([]byte, bool) { return a.desc.TargetXML(annex) }

// ExecFile implements rsp.ExecFile: the --symbols ELF (a vmlinux) or else the loaded kernel ELF, so `target
// remote` alone gives gdb symbols. Nothing else on the host is ever served.
func (a *Adapter) ExecFile() (string, []byte, bool) {
	if len(a.exec) == 0 {
		return "", nil, false
	}
	return a.execName, a.exec, true
}

// SetConsole implements rsp.Console.
func (a *Adapter) SetConsole(w io.Writer) { a.cons.setClient(w) }

// Triple implements rsp.LLDBInfo.
func (a *Adapter) Triple() string { return "aarch64-unknown-none" }

// WatchpointSlots implements rsp.LLDBInfo.
func (a *Adapter) WatchpointSlots() int { return a.nwp }

// RegisterInfo implements rsp.LLDBInfo.
func (a *Adapter) RegisterInfo(regnum int) (rsp.RegisterInfo, bool) {
	return a.desc.RegisterInfo(regnum)
}

// ExpeditedRegisters implements rsp.ExpeditedRegisters: x29, sp and pc ride in every stop reply, as with
// gdbserver on aarch64.
func (a *Adapter) ExpeditedRegisters() []int {
	return []int{aarch64.RegFP, aarch64.RegSP, aarch64.RegPC}
}

// coreReg maps gdb's aarch64 core register number (x0..x30, sp, pc, cpsr) to the machine's register index.
func coreReg(regnum int) int {
	switch regnum {
	case aarch64.RegSP:
		return target.RegSP
	case aarch64.RegPC:
		return target.RegPC
	case aarch64.RegCPSR:
		return target.RegPState
	}
	return regnum // x0..x30
}

// comparatorOf says whether a system register of the description is a DBGBVR/DBGBCR/DBGWVR/DBGWCR, which the
// debugger reads by physical index (Debugv8p9 banks included).
func comparatorOf(r *aarch64.SysReg) (debugregs.SysReg, bool) {
	if r == nil {
		return debugregs.SysReg{}, false
	}
	sr, ok := debugregs.DecodeSysReg(debugregs.Enc(r.Op0, r.Op1, r.CRn, r.CRm, r.Op2))
	return sr, ok && sr.Kind.Indexed()
}

// comparator reads comparator register n (the physical index: with Debugv8p9 banks, n = BANK*16 + m) as a
// debugger sees it, without the guest's MDSELR_EL1 bank selection.
func comparator(c *target.CPU, kind debugregs.RegKind, n int) uint64 {
	v, _ := c.DebugUnit().Register(kind, n)
	return v
}

// isBankedSP says whether a system register of the description is SP_EL0 or SP_EL1.
func isBankedSP(r *aarch64.SysReg) bool {
	return r != nil && (*r == aarch64.SPEL0 || *r == aarch64.SPEL1)
}

// bankedSP reads SP_EL0 or SP_EL1 as a debugger sees them (and writes *set to it, if set is not nil): the live
// SP when it is the one in use (SP_EL0 at EL0 or EL1t, SP_EL1 at EL1h), else the banked copy. MRS cannot read
// SP_EL1 at EL1 and reads a stale SP_EL0 while SP_EL0 is in use, so the machine's SP is reached by switching
// PSTATE's mode to the one that uses it and back: the façade's only way to the bank (see docs/decisions.md).
func bankedSP(c *target.CPU, r *aarch64.SysReg, set *uint64) uint64 {
	const modeMask, el1h, el0t = 0xf, 0x5, 0x0
	pstate := c.Reg(target.RegPState)
	mode := uint64(el0t)
	if *r == aarch64.SPEL1 {
		mode = el1h
	}
	inUse := pstate&modeMask == mode || mode == el0t && pstate&1 == 0
	if !inUse {
		c.SetReg(target.RegPState, pstate&^modeMask|mode)
		defer c.SetReg(target.RegPState, pstate)
	}
	if set != nil {
		c.SetReg(target.RegSP, *set)
	}
	return c.Reg(target.RegSP)
}
