package debugregs

import "math/bits"

// EventKind says which debug exception, if any, an instruction or access raises.
type EventKind uint8

const (
	EventNone EventKind = iota
	EventSoftwareStep
	EventBreakpoint
	EventWatchpoint
)

func (k EventKind) String() string {
	switch k {
	case EventNone:
		return "none"
	case EventSoftwareStep:
		return "software-step"
	case EventBreakpoint:
		return "breakpoint"
	case EventWatchpoint:
		return "watchpoint"
	}
	return "EventKind(?)"
}

// Event is a debug exception to take, synchronously, to EL1: ELR_EL1 is the instruction's address
// (the instruction and its access have not happened), ESR_EL1 is ESR, and for a watchpoint FAR_EL1 is
// FAR (for breakpoints and steps FAR is UNKNOWN; we choose to leave FAR_EL1 unchanged, and FAR here is 0).
type Event struct {
	Kind       EventKind
	ESR        uint64
	FAR        uint64
	Comparator int    // lowest-numbered matching comparator (breakpoint or watchpoint), -1 for a step
	Matched    uint64 // bit n for each matching comparator
}

// CheckInstruction runs the checks that come before an instruction at pc executes with PSTATE st. Call
// it only when NeedsInstructionCheck() is true. icount is the CPU's count of instructions so far; with
// SyncRandom it picks, reproducibly, whether this instruction sees the old or the new debug state.
//
// Priority (Arm ARM D2.11.7, D1 "Prioritization of synchronous exceptions"): a pending Software Step
// exception comes before everything else, including breakpoints; then Breakpoint exceptions. (A PC
// alignment fault also beats a breakpoint; the executor checks that before calling here.)
func (u *Unit) CheckInstruction(pc uint64, st PState, icount uint64) Event {
	u.pickView(icount)
	ev := u.instructionEvent(u.live, pc, st, ^uint64(0))
	if ev.Kind != EventNone && u.window && u.sync == SyncStrict {
		// Only what both the old and the new state generate (SyncStrict).
		allow := ev.Matched
		if ev.Kind == EventSoftwareStep {
			allow = ^uint64(0)
		}
		again := u.instructionEvent(&u.archView, pc, st, allow)
		if again.Kind != ev.Kind {
			return Event{}
		}
		ev = again
	}
	return ev
}

// instructionEvent is CheckInstruction against one view; allow restricts the breakpoints considered.
func (u *Unit) instructionEvent(v *view, pc uint64, st PState, allow uint64) Event {
	if !v.stepArmed && !v.bpArmed {
		return Event{}
	}
	if !enabledFrom(v, st.EL, st.D) {
		return Event{}
	}
	sameEL := st.EL == debugTargetEL
	if v.stepArmed && !st.SS {
		return Event{
			Kind:       EventSoftwareStep,
			ESR:        SoftwareStepSyndrome(sameEL, u.stepISV, u.stepEX),
			Comparator: -1,
		}
	}
	if !v.bpArmed {
		return Event{}
	}
	hits := v.cmp.BreakpointMatch(pc, st.EL) & allow
	if hits == 0 {
		return Event{}
	}
	return Event{
		Kind:       EventBreakpoint,
		ESR:        BreakpointSyndrome(sameEL),
		Comparator: lowestBit(hits),
		Matched:    hits,
	}
}

// CheckAccess runs the watchpoint checks for a data access of size bytes at addr by an instruction
// executing with PSTATE st. Call it only when WatchArmed() is true (and the executor's page flag says
// the page may hit). unprivileged marks LDTR/STTR-style accesses, checked as EL0 accesses. The address
// reported in FAR follows the FAR policy; with Debugv8p9 the syndrome names the watchpoint (WPTV=1).
func (u *Unit) CheckAccess(addr, size uint64, kind AccessKind, unprivileged bool, st PState) (ev Event) {
	v := u.live
	if c := &v.cmp; addr > c.wpLast || addr+size <= c.wpLo && addr+size > addr {
		return ev // outside every watched range (a wrapping access takes the slow path)
	}
	if !u.accessEvent(&ev, v, addr, size, kind, unprivileged, st, ^uint64(0)) {
		return ev
	}
	if u.window && u.sync == SyncStrict {
		// Only what both the old and the new state generate (SyncStrict).
		matched := ev.Matched
		ev = Event{}
		u.accessEvent(&ev, &u.archView, addr, size, kind, unprivileged, st, matched)
	}
	return ev
}

// dczvaBlock is the DC ZVA block size that bounds the FAR choice (DCZID_EL0.BS = 4: 64 bytes).
const dczvaBlock = 64

// accessEvent is CheckAccess against one view, filling ev on a hit; allow restricts the watchpoints
// considered.
func (u *Unit) accessEvent(ev *Event, v *view, addr, size uint64, kind AccessKind, unprivileged bool, st PState, allow uint64) bool {
	if !v.wpArmed || !enabledFrom(v, st.EL, st.D) {
		return false
	}
	var h WatchHit
	if !v.cmp.watchpointMatch(&h, addr, size, kind, st.EL, unprivileged, allow) {
		return false
	}
	clamp := max(addr, h.Start)
	far := clamp
	if u.far == FARAccessStart {
		// D2.9.8: FAR may be any address from the lowest accessed to the highest watched-and-accessed one,
		// within a naturally aligned block no larger than the DC ZVA block. We choose the access start
		// unless that lies in another 64-byte block (Cortex-A57's DC ZVA size) than a watched byte, and
		// then the start of that byte's block.
		far = max(addr, clamp&^(dczvaBlock-1))
	}
	syn := WatchSyndrome{WnR: h.WnR, CM: h.CM}
	if u.model.Debugv8p9 {
		syn.WPTV, syn.WPT = true, uint8(h.Comparator)
	}
	ev.Kind = EventWatchpoint
	ev.ESR = WatchpointSyndrome(st.EL == debugTargetEL, syn)
	ev.FAR = far
	ev.Comparator = h.Comparator
	ev.Matched = h.Matched
	return true
}

// BreakpointMatch returns the breakpoints (bit n for breakpoint n) matching an instruction at pc at el in
// the state the current instruction sees, ignoring the enables (MDE, KDE, PSTATE.D, OS lock).
func (u *Unit) BreakpointMatch(pc uint64, el uint8) uint64 { return u.live.cmp.BreakpointMatch(pc, el) }

// WatchpointMatch is Comparators.WatchpointMatch on the state the current instruction sees, ignoring
// the enables.
func (u *Unit) WatchpointMatch(addr, size uint64, kind AccessKind, el uint8, unprivileged bool) (WatchHit, bool) {
	return u.live.cmp.WatchpointMatch(addr, size, kind, el, unprivileged)
}

func lowestBit(m uint64) int {
	if m == 0 {
		return -1
	}
	return bits.TrailingZeros64(m)
}
