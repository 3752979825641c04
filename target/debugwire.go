package target

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/selfdebug"
)

// Wiring of the self-hosted debug model (package debugregs, one Unit per CPU) into the executor:
//
//   - MRS/MSR of the debug registers (and ID_AA64DFR0/DFR1 reads) go to the CPU's selfdebug.Port: the
//     Unit, or plain storage for the op0=2 encodings it does not model.
//   - ISB, exception entry and ERET are context synchronization events (Unit.ContextSynchronize,
//     ExceptionEntry for SPSR.SS, ExceptionReturn for PSTATE.SS).
//   - Instructions: the run loop asks Unit.NeedsInstructionCheck() once per decoded-page run. When a
//     check is needed for this PC (CheckEveryInstruction, or PageMayBreak), debugStep runs exactly one
//     instruction with CheckInstruction before it and InstructionRetired after it.
//   - Data accesses: pages that an enabled watchpoint of any CPU may hit carry pfWatch (with
//     pfGuestWatch saying why), so the inner loop hands their accesses to access(), which asks
//     CheckAccess; a hit is taken as a watchpoint exception before the access happens.
//   - Events become synchronous exceptions to EL1: ESR from the event, ELR = the instruction, FAR for
//     watchpoints.
//
// Nothing of this runs while nothing is armed: the cost is one predictable branch per page run.

// Page flag bits that say why pfWatch is set (Machine.pageFlags).
const (
	pfExtWatch   uint8 = 1 << 2 // an external (debugger) watchpoint overlaps the page
	pfGuestWatch uint8 = 1 << 3 // an enabled guest watchpoint of some CPU may hit the page
)

// debugState is a CPU's debug wiring state besides its Unit.
type debugState struct {
	port    selfdebug.Port  // the debug register file MRS/MSR see (port.U == the CPU's dbg)
	pending debugregs.Event // a watchpoint hit found by access(), taken by onFault
	unpriv  bool            // the access being checked is LDTR/STTR-like
	gen     uint64          // the Unit generation the page flags were built for
	ll      selfdebug.Livelock
	haltOn  bool   // HypercallResult.HaltOnReturn pending
	haltAt  uint64 // ... for an ERET to this address
	call    *callContext
	hvcImm  uint64 // the immediate of the HVC being handled (vendor calls and call-done need #0)

	breakCache breakSlotCache // trapped copies of pages a breakpoint may hit (breakslots.go)
}

// DebugUnit returns the CPU's self-hosted debug model (for monitors and tests; valid while halted).
func (c *CPU) DebugUnit() *debugregs.Unit { return c.dbg }

func (c *CPU) debugPState() debugregs.PState { return selfdebug.PState(&c.State) }

// icount is the number of instructions this CPU has executed so far, mid-slice included.
func (c *CPU) icount() uint64 { return c.executed + uint64(c.n) }

// debugRead is MRS (checkEL) or the debugger's read of a debug register. handled is false for an
// encoding the caller's table handles.
func (c *CPU) debugRead(key uint32, checkEL bool) (v uint64, ok, handled bool) {
	return c.dw.port.Read(key, c.EL, checkEL)
}

// debugWrite is MSR (checkEL) or the debugger's write of an op0=2 register. ok=false: UNDEFINED (MSR) or
// not writable (debugger).
func (c *CPU) debugWrite(key uint32, v uint64, checkEL bool) bool {
	ok := c.dw.port.Write(key, v, c.EL, checkEL)
	c.debugSynced()
	return ok
}

// isb is a context synchronization event.
func (c *CPU) isb() {
	c.dbg.ContextSynchronize()
	c.debugSynced()
}

// debugSynced rebuilds the watch page flags when this CPU's Unit changed what matching may use.
func (c *CPU) debugSynced() {
	if c.m != nil && c.dbg.Generation() != c.dw.gen {
		c.m.refreshGuestWatch()
	}
}

// entrySPSR is the SPSR_EL1 value for an exception entry (a context synchronization event; svc: the
// exception is an SVC): PSTATE with SS as the step state machine says.
func (c *CPU) entrySPSR(svc bool) uint64 {
	ss := c.dbg.ExceptionEntry(c.debugPState(), svc)
	c.debugSynced()
	v := c.PSTATE() &^ cpu.PStateSS
	if ss {
		v |= cpu.PStateSS
	}
	return v
}

// eretSS is PSTATE.SS after an ERET with spsr to targetEL; call it before PSTATE changes.
func (c *CPU) eretSS(spsr uint64, targetEL uint8) bool {
	return c.dbg.ExceptionReturn(c.debugPState(), targetEL&1, spsr&0x200 != 0, spsr&cpu.PStateSS != 0)
}

// afterERET runs after an ERET to target: page flags, livelock bookkeeping, HaltOnReturn.
func (c *CPU) afterERET(target uint64) {
	c.debugSynced()
	c.livelockERET(target, c.icount())
	c.haltOnReturn(target)
}

// debugStepWanted reports whether the instruction at pc needs the checked one-instruction path. Call
// only when c.dbg.NeedsInstructionCheck().
func (c *CPU) debugStepWanted(pc uint64) bool {
	return c.dbg.CheckEveryInstruction() || c.dbg.PageMayBreak(pc)
}

// debugStep executes the one instruction at c.PC (in page) with the debug checks around it: a
// breakpoint or software step exception before it, InstructionRetired after it. It returns true when
// the CPU's slice must end (WFI, PSCI, ...).
func (c *CPU) debugStep(page *icache.Page) (endSlice bool) {
	pc := c.PC
	u := c.dbg
	st := c.debugPState()
	if ev := u.CheckInstruction(pc, st, c.icount()); ev.Kind != debugregs.EventNone {
		if !c.debugException(ev, pc, c.icount()) {
			c.n++
		}
		return false
	}
	in := &page.Insts[pc>>2&(instsPage-1)]
	if in.Op == isa.OpUndecoded {
		*in = c.decodeAt(pc)
	}
	op := in.Op
	exceptions := c.exceptions
	if c.stepOne(page, pc&^(pageSize-1), c.n+1) {
		endSlice = c.general(in) // a stop leaves c.stopped set: no InstructionRetired below
	}
	if st.SS && !c.stopped && c.exceptions == exceptions && op != isa.OpERET {
		c.SS = u.InstructionRetired(st, op == isa.OpLDXR || op == isa.OpLDXP)
	}
	return endSlice
}

// debugException takes a debug event of the instruction at pc (ic instructions executed before it) as a
// synchronous exception to EL1, unless it is the Nth repeat of a livelock: then the CPU stops at pc with
// StopLivelock and stopped is true.
func (c *CPU) debugException(ev debugregs.Event, pc, ic uint64) (stopped bool) {
	ec := uint32(ev.ESR>>26) & 0x3f
	if c.livelockTrap(pc, ec, ic) {
		return true
	}
	c.takeExceptionAt(ec, uint32(ev.ESR)&0x1ffffff, pc, ev.FAR, ev.Kind == debugregs.EventWatchpoint, 0)
	c.SR[cpu.IdxESR] = ev.ESR & 0xffffffff
	return false
}

// guestWatch checks a data access against the CPU's own watchpoints (access() calls it on flagged
// pages). On a hit it records the event for onFault and returns true: the access must not happen.
func (c *CPU) guestWatch(addr, size uint64, write bool) bool {
	u := c.dbg
	if !u.WatchArmed() {
		return false
	}
	kind := debugregs.AccessLoad
	if write {
		kind = debugregs.AccessStore
	}
	ev := u.CheckAccess(addr, size, kind, c.dw.unpriv, c.debugPState())
	if ev.Kind == debugregs.EventNone {
		return false
	}
	c.dw.pending = ev
	c.recordFault(addr, write, 0)
	return true
}

// takePendingWatch takes the watchpoint exception access() found for the instruction at pc (already
// counted in c.n). stopped reports a livelock stop instead.
func (c *CPU) takePendingWatch(pc uint64) (stopped bool) {
	ev := c.dw.pending
	c.dw.pending = debugregs.Event{}
	return c.debugException(ev, pc, c.icount()-1)
}

// refreshGuestWatch rebuilds the guest watch ranges (and from them pfGuestWatch, pfWatch and the
// granules) from every CPU's Unit: the watchpoints CheckAccess can match under any sync policy
// (Unit.WatchRanges, what PageMayWatch consults).
func (m *Machine) refreshGuestWatch() {
	s := &m.guestWatch
	s.ranges = s.ranges[:0]
	for _, c := range m.cpus {
		u := c.dbg
		c.dw.gen = u.Generation()
		for r := range u.WatchRanges {
			s.ranges = append(s.ranges, r)
		}
	}
	m.watchRangesChanged(s)
}

// DefaultLivelockThreshold is the command line's default for Config.LivelockThreshold (docs/design.md §9).
const DefaultLivelockThreshold = selfdebug.DefaultLivelockThreshold

// ExceptionClassName names a debug exception class (ESR_ELx.EC 0x30–0x35) for reports.
func ExceptionClassName(ec uint32) string { return selfdebug.ExceptionClassName(ec) }

// livelockTrap counts a debug exception with class ec at pc (ic instructions before it); on the
// threshold-th repeat it records StopLivelock and returns true: the exception is not taken.
func (c *CPU) livelockTrap(pc uint64, ec uint32, ic uint64) bool {
	report, run := c.dw.ll.Trap(pc, ec, ic, c.m.cfg.LivelockThreshold)
	if report {
		c.setStop(Stop{Kind: StopLivelock, CPU: c.index, Addr: pc, EC: ec, Count: run.Count, Livelock: run,
			Text: fmt.Sprintf("livelock: cpu %d pc %#x %s (EC %#x), %d times", c.index, pc, ExceptionClassName(ec), ec, run.Count)})
	}
	return report
}

// livelockERET notes an ERET (ic counts it) to target; only one that continues a run of repeated traps
// pays for the step state and the debug registers' fingerprint.
func (c *CPU) livelockERET(target, ic uint64) {
	if c.dw.ll.Continues(target) {
		c.dw.ll.ERET(target, ic, c.SS, c.debugRegsFingerprint())
	}
}

// debugRegsFingerprint hashes the CPU's breakpoint and watchpoint registers and MDSCR_EL1 (FNV-1a).
func (c *CPU) debugRegsFingerprint() uint64 {
	h := uint64(14695981039346656037)
	mix := func(v uint64) {
		for i := 0; i < 8; i++ {
			h = (h ^ v>>(8*i)&0xff) * 1099511628211
		}
	}
	u := c.dbg
	for _, k := range [...]debugregs.RegKind{debugregs.KindDBGBCR, debugregs.KindDBGBVR, debugregs.KindDBGWCR, debugregs.KindDBGWVR} {
		for n := 0; ; n++ {
			v, ok := u.Register(k, n)
			if !ok {
				break
			}
			mix(v)
		}
	}
	v, _ := u.Register(debugregs.KindMDSCR, 0)
	mix(v)
	return h
}

// LivelockRun is what a livelock report knows about the exception returns of the run (Stop.Livelock).
type LivelockRun = selfdebug.Run
