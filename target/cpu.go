package target

import (
	"fmt"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/boot"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/timer"
)

// CPU is one simulated Cortex-A57-like core (AArch64, EL0/EL1, MMU off): its
// architectural state (cpu.State, embedded) plus what the machine keeps per
// core (debug unit, counts, the slice's outcome). Its exported fields and
// methods are for debuggers and tests and are valid while the machine is
// halted (between Resume calls).
type CPU struct {
	cpu.State // registers, PSTATE, system registers, exclusive monitor (package cpu)

	dbg *debugregs.Unit // self-hosted debug model (debugwire.go)
	dw  debugState

	index int
	m     *Machine
	on    bool

	mm       mmuState       // stage-1 translation (memory.go)
	fpDec    *fpDecodeCache // decoded FP/SIMD words (fpsimd.go), made on first use
	gdbBreak gdbBreakCache  // trapped copies of pages with a debugger breakpoint (gdbbreak.go)
	split    split          // the last accSplit access

	// last failed access
	faultAddr  uint64
	faultWrite bool
	faultFSC   uint32

	executed  uint64  // instructions executed (retired or faulted)
	n         int     // executed in the current slice
	codePages codeSet // run's recent code pages (exec.go)
	pageVA    uint64  // the VA of the page inner runs (its branches' targets are relative to it)
	// A fused SUBS's operands whose NZCV inner has not computed yet (nzcv).
	subsA, subsB uint64
	subsPending  bool
	sliceN       uint64 // executed within the current slice (for CNTVCT mid-slice)
	exceptions   uint64
	waiting      bool // ended its slice in WFI/WFE
	asleep       bool // in WFI (or CPU_SUSPEND): not scheduled until an interrupt line is high (run.go)
	timer        timer.CPU
	eventReg     bool // WFE event register

	// per-slice outcome
	stopped  bool
	stop     Stop
	skipBP   uint64 // PC whose breakpoints are ignored once (step-off)
	skipBPOn bool
	dirty    bool // a store dropped a decoded page
}

// counter is CNTVCT_EL0/CNTPCT_EL0: a virtual clock of one tick per
// instruction slot; all CPUs of a round share the round's start time.
func (c *CPU) counter() uint64 {
	if c.m == nil {
		return c.sliceN
	}
	return c.m.clock + c.sliceN
}

// reset puts the CPU in its architectural reset state at entry, EL1h.
func (c *CPU) reset(entry uint64) {
	idx, m, dbg, executed, exceptions := c.index, c.m, c.dbg, c.executed, c.exceptions
	*c = CPU{index: idx, m: m, executed: executed, exceptions: exceptions}
	c.State.Reset(entry)
	c.resetMMU()
	c.dbg, c.dw.port.U = dbg, dbg
	dbg.Reset()
	c.debugSynced()
	if m != nil && m.gic != nil { // the timers are reset; the GIC's lines stay what they are
		m.driveTimers(c, m.clock)
		m.syncPending(c)
	}
}

// takeException enters EL1 with a synchronous exception. ret is ELR_EL1.
func (c *CPU) takeException(ec, iss uint32, ret uint64, far uint64, setFar bool) {
	c.takeExceptionAt(ec, iss, ret, far, setFar, 0)
}

func (c *CPU) takeExceptionAt(ec, iss uint32, ret uint64, far uint64, setFar bool, vecOff uint64) {
	c.enter(cpu.Sync, ec, iss, ret, far, setFar, vecOff)
}

// takeInterrupt takes the asynchronous exception PSTATE lets in, if any
// (the run loop calls it between page runs when State.Pending is set);
// ELR_EL1 is the next instruction. It reports whether one was taken.
func (c *CPU) takeInterrupt() bool {
	k, ok := c.Deliverable()
	if !ok {
		return false
	}
	c.enter(k, 0, 0, c.PC, 0, false, 0)
	return true
}

// enter is every exception entry: the debug model's view of it (SPSR.SS),
// the core's state change, the livelock check and the counters.
func (c *CPU) enter(k cpu.Kind, ec, iss uint32, ret, far uint64, setFar bool, vecOff uint64) {
	spsr := c.entrySPSR(k == cpu.Sync && ec == cpu.ECSVC)
	c.Enter(k, spsr, ret, cpu.SyndromeESR(ec, iss), far, setFar, vecOff)
	if k == cpu.Sync && ret == c.PC && ec != cpu.ECSVC {
		// The vector itself faults: the guest can never make progress.
		c.setStop(Stop{Kind: StopLivelock, CPU: c.index, Addr: ret,
			Text: fmt.Sprintf("livelock: CPU %d: exception (ESR %#x) at its own vector %#x", c.index, c.SR[cpu.IdxESR], ret)})
	}
	c.exceptions++
	c.m.stats.Exceptions++
}

// eret performs an exception return from EL1.
func (c *CPU) eret() {
	el, _, _ := c.ReturnTarget()
	c.Return(c.eretSS(c.SR[cpu.IdxSPSR], el)) // SS from the state before the return
	c.afterERET(c.PC)
}

// Register indexes of Reg and SetReg: 0..30 are X0..X30.
const (
	RegSP     = 31 // the SP of the current EL and SPSel
	RegPC     = 32
	RegPState = 33 // PSTATE as SPSR_EL1 lays it out (NZCV, SS, IL, DAIF, M[3:0])
)

// Reg reads register n (0..30 X, RegSP, RegPC, RegPState); 0 for any other n.
func (c *CPU) Reg(n int) uint64 {
	switch {
	case n >= 0 && n <= 30:
		return c.X[n]
	case n == RegSP:
		return c.X[cpu.SlotSP]
	case n == RegPC:
		return c.PC
	case n == RegPState:
		return c.PSTATE()
	}
	return 0
}

// SetReg writes register n. Writing RegPState may change EL and SPSel
// (M[3:0]); AArch32 modes are ignored.
func (c *CPU) SetReg(n int, v uint64) {
	switch {
	case n >= 0 && n <= 30:
		c.X[n] = v
	case n == RegSP:
		c.X[cpu.SlotSP] = v
	case n == RegPC:
		c.PC = v
	case n == RegPState:
		c.SetPSTATE(v)
	}
}

// SysReg reads a system register by encoding, as MRS at EL1 would (without
// side effects); false if it is not implemented.
func (c *CPU) SysReg(op0, op1, crn, crm, op2 int) (uint64, bool) {
	return c.readSys(k(uint32(op0), uint32(op1), uint32(crn), uint32(crm), uint32(op2)), false)
}

// SetSysReg writes a system register by encoding; false if it is not
// implemented or read-only. Writes to constants are accepted and ignored.
func (c *CPU) SetSysReg(op0, op1, crn, crm, op2 int, v uint64) bool {
	key := k(uint32(op0), uint32(op1), uint32(crn), uint32(crm), uint32(op2))
	if c.m != nil {
		c.m.mu.Lock()
		defer c.m.mu.Unlock()
	}
	return c.writeSys(key, v, false)
}

// PoweredOn reports whether the CPU is on (PSCI).
func (c *CPU) PoweredOn() bool { return c.on }

// Index is the CPU number (0-based).
func (c *CPU) Index() int { return c.index }

// MPIDR is MPIDR_EL1 as QEMU's virt lays it out: bit 31 set, Aff0 = index%8,
// Aff1 = index/8.
func (c *CPU) MPIDR() uint64 { return 1<<31 | c.m.affinity(c.index) }

// affinity is CPU i's MPIDR_EL1 affinity fields, as QEMU's virt board numbers
// them: clusters of 8 with a GICv2, of 16 with a GICv3 (boot.DefaultAffinity,
// which the device tree uses too).
func (m *Machine) affinity(i int) uint64 { return boot.DefaultAffinity(m.cfg.GIC, i) }

// Executed returns the number of instructions this CPU has executed.
func (c *CPU) Executed() uint64 { return c.executed }
