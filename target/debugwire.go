package target

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
)

// Wiring of the self-hosted debug model (package debugregs, one Unit per CPU) into the executor:
//
//   - MRS/MSR of the debug registers (and ID_AA64DFR0/DFR1 reads) go to the Unit; op0=2 encodings it does
//     not model keep the plain storage of debug.go.
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

var (
	keyIDDFR0 = k(3, 0, 0, 5, 0)
	keyIDDFR1 = k(3, 0, 0, 5, 1)
)

// debugState is a CPU's debug wiring state besides its Unit.
type debugState struct {
	misc    plainDebug      // op0=2 registers debugregs does not model (MDCCINT, DBGPRCR, CLAIM, ...)
	pending debugregs.Event // a watchpoint hit found by access(), taken by onFault
	unpriv  bool            // the access being checked is LDTR/STTR-like
	gen     uint64          // the Unit generation the page flags were built for
	ll      livelock
	haltOn  bool   // HypercallResult.HaltOnReturn pending
	haltAt  uint64 // ... for an ERET to this address
	call    *callContext
	hvcImm  uint64 // the immediate of the HVC being handled (vendor calls and call-done need #0)

	breakCache breakSlotCache // trapped copies of pages a breakpoint may hit (breakslots.go)
}

// newDebugUnit builds CPU cpu's Unit from the machine config; the random sync policy gets a per-CPU
// seed derived from Config.Seed.
func newDebugUnit(cfg Config, cpu int) (*debugregs.Unit, error) {
	name, syncName, farName := cfg.CPUModel, cfg.Sync, cfg.FAR
	if name == "" {
		name = debugregs.CortexA57.Name
	}
	if syncName == "" {
		syncName = "strict"
	}
	if farName == "" {
		farName = "clamp"
	}
	model, err := debugregs.LookupModel(name)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	sync, err := debugregs.ParseSyncPolicy(syncName)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	far, err := debugregs.ParseFARPolicy(farName)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	seed := mix64(uint64(cfg.Seed) + uint64(cpu+1)*0x9e3779b97f4a7c15)
	return debugregs.NewUnit(debugregs.Config{Model: model, Sync: sync, FAR: far, Seed: seed})
}

// mix64 is the SplitMix64 finalizer.
func mix64(x uint64) uint64 {
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// DebugUnit returns the CPU's self-hosted debug model (for monitors and tests; valid while halted).
func (c *CPU) DebugUnit() *debugregs.Unit { return c.dbg }

func (c *CPU) debugPState() debugregs.PState {
	return debugregs.PState{EL: c.el, D: c.daif&0x200 != 0, SS: c.ss}
}

// icount is the number of instructions this CPU has executed so far, mid-slice included.
func (c *CPU) icount() uint64 { return c.executed + uint64(c.n) }

// debugRead is MRS (checkEL) or the debugger's read of a debug register. handled is false for an
// encoding the caller's table handles.
func (c *CPU) debugRead(key uint32, checkEL bool) (v uint64, ok, handled bool) {
	e := debugregs.Encoding(key)
	r, isDebug := debugregs.DecodeSysReg(e)
	if !isDebug {
		if key>>14 != 2 {
			return 0, false, false
		}
		if checkEL && c.el == 0 {
			return 0, false, true
		}
		v, ok = c.dw.misc.ReadDebugReg(key)
		return v, ok, true
	}
	if !checkEL {
		v, ok = c.dbg.Register(r.Kind, c.debuggerIndex(r))
		return v, ok, true
	}
	v, err := c.dbg.ReadSysReg(e, c.el)
	return v, err == nil, true
}

// debugWrite is MSR (checkEL) or the debugger's write of an op0=2 register. ok=false: UNDEFINED (MSR) or
// not writable (debugger).
func (c *CPU) debugWrite(key uint32, v uint64, checkEL bool) bool {
	e := debugregs.Encoding(key)
	r, isDebug := debugregs.DecodeSysReg(e)
	if !isDebug {
		if checkEL && c.el == 0 {
			return false
		}
		return c.dw.misc.WriteDebugReg(key, v)
	}
	var ok bool
	if checkEL {
		ok = c.dbg.WriteSysReg(e, c.el, v) == nil
	} else {
		ok = c.dbg.SetRegister(r.Kind, c.debuggerIndex(r), v)
	}
	c.debugSynced()
	return ok
}

// debuggerIndex maps DBG*<m>_EL1 to the physical comparator a debugger's access names: m in the bank
// MDSELR_EL1 selects (effective values), as the guest's own access would.
func (c *CPU) debuggerIndex(r debugregs.SysReg) int {
	if !r.Kind.Indexed() {
		return 0
	}
	u := c.dbg
	if !u.Model().Debugv8p9 {
		return r.M
	}
	mdscr, _ := u.Effective(debugregs.KindMDSCR, 0)
	sel, _ := u.Effective(debugregs.KindMDSELR, 0)
	if !debugregs.MDSCR(mdscr).EMBWE() {
		return r.M
	}
	return int(debugregs.MDSELR(sel).BANK())*16 + r.M
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

// entrySPSR is the SPSR_EL1 value for an exception entry with class ec (a context synchronization
// event): PSTATE with SS as the step state machine says.
func (c *CPU) entrySPSR(ec uint32) uint64 {
	ss := c.dbg.ExceptionEntry(c.debugPState(), ec == ecSVC)
	c.debugSynced()
	v := c.pstate() &^ pstateSS
	if ss {
		v |= pstateSS
	}
	return v
}

// eretSS is PSTATE.SS after an ERET with spsr to targetEL; call it before PSTATE changes.
func (c *CPU) eretSS(spsr uint64, targetEL uint8) bool {
	return c.dbg.ExceptionReturn(c.debugPState(), targetEL&1, spsr&0x200 != 0, spsr&pstateSS != 0)
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

// debugStep executes the one instruction at c.pc (in page) with the debug checks around it: a
// breakpoint or software step exception before it, InstructionRetired after it. It returns true when
// the CPU's slice must end (WFI, PSCI, ...).
func (c *CPU) debugStep(page *codePage) (endSlice bool) {
	pc := c.pc
	u := c.dbg
	st := c.debugPState()
	if ev := u.CheckInstruction(pc, st, c.icount()); ev.Kind != debugregs.EventNone {
		if !c.debugException(ev, pc, c.icount()) {
			c.n++
		}
		return false
	}
	in := &page.insts[pc>>2&(instsPage-1)]
	if in.op == opUndecoded {
		*in = c.m.decodeAt(pc)
	}
	op := in.op
	exceptions := c.exceptions
	if c.stepOne(page, pc&^(pageSize-1), c.n+1) {
		c.n++
		c.sliceN = uint64(c.n)
		switch c.execGeneral(in) {
		case slowFault:
			if c.onFault(c.pc, c.n) {
				c.n--
				return false
			}
		case slowEndSlice:
			endSlice = true
		case slowStop:
			c.n--
		}
	}
	if st.SS && !c.stopped && c.exceptions == exceptions && op != opERET {
		c.ss = u.InstructionRetired(st, op == opLDXR || op == opLDXP)
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
	c.sr[idxESR] = ev.ESR & 0xffffffff
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

// refreshGuestWatch rebuilds pfGuestWatch (and pfWatch) from every CPU's enabled watchpoints, effective
// and architectural (a superset of what CheckAccess can match under any sync policy).
func (m *Machine) refreshGuestWatch() {
	for _, pi := range m.guestWatchPages {
		f := m.pageFlags[pi] &^ pfGuestWatch
		if f&pfExtWatch == 0 {
			f &^= pfWatch
		}
		m.pageFlags[pi] = f
	}
	m.guestWatchPages = m.guestWatchPages[:0]
	for _, c := range m.cpus {
		u := c.dbg
		c.dw.gen = u.Generation()
		if !u.WatchArmed() {
			continue
		}
		for n := range u.Model().Watchpoints {
			for _, effective := range [2]bool{true, false} {
				var wcr, wvr uint64
				if effective {
					wcr, _ = u.Effective(debugregs.KindDBGWCR, n)
					wvr, _ = u.Effective(debugregs.KindDBGWVR, n)
				} else {
					wcr, _ = u.Register(debugregs.KindDBGWCR, n)
					wvr, _ = u.Register(debugregs.KindDBGWVR, n)
				}
				w := debugregs.DBGWCR(wcr)
				if !w.E() {
					continue
				}
				lo, size := wvr&^7, uint64(8)
				if mask := w.MASK(); mask >= 3 {
					size = 1 << mask
					lo = wvr &^ (size - 1)
				}
				m.flagGuestWatch(lo, size)
			}
		}
	}
}

// flagGuestWatch marks the RAM pages overlapping [lo, lo+size).
func (m *Machine) flagGuestWatch(lo, size uint64) {
	end := lo + size - 1
	if end < lo {
		end = ^uint64(0)
	}
	top := RAMBase + m.ramSize - 1
	if end < RAMBase || lo > top {
		return
	}
	first := (max(lo, RAMBase) - RAMBase) >> pageShift
	last := (min(end, top) - RAMBase) >> pageShift
	for pi := first; pi <= last; pi++ {
		if m.pageFlags[pi]&pfGuestWatch == 0 {
			m.pageFlags[pi] |= pfGuestWatch | pfWatch
			m.guestWatchPages = append(m.guestWatchPages, pi)
		}
	}
}
