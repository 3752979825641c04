package selfdebug

// DefaultLivelockThreshold is the command line's default for Config.LivelockThreshold (docs/design.md §9).
const DefaultLivelockThreshold = 1000

// Livelock is one CPU's count of the same debug exception repeating at one PC (docs/design.md §9). A trap counts
// as a repeat when it has the same PC and EC as the last one and is the first instruction after an ERET
// back to that PC (so the instruction there did not retire in between). It costs nothing until a debug
// exception happens: it is updated in the exception and ERET paths only.
type Livelock struct {
	pc    uint64
	ec    uint32
	count uint64
	armed bool   // an ERET returned to pc (or a report left the CPU there): the next trap may repeat
	at    uint64 // the instruction count at which that next trap must happen
	run   Run    // what the ERETs of this run did
	regs  uint64 // the debug registers' fingerprint at the run's first ERET
}

// Run is what a report can say about the ERETs of a run of repeated traps without knowing the guest: how
// many returned to the trapping PC, whether any of them armed a software step over it, and whether the
// debug registers differed between them (the handler changed a comparator but it fired again).
type Run struct {
	Count       uint64 // traps in a row at the PC
	ERETs       uint64 // exception returns back to the PC among them
	Stepped     bool   // an ERET to the PC had a software step armed (MDSCR_EL1.SS and SPSR.SS)
	RegsChanged bool   // the debug registers' fingerprint differed between those ERETs
}

// Trap records a debug exception with class ec at pc, ic instructions into the CPU's life (not counting
// the trapping one). It returns true, with the count, when this is the threshold-th in a row (threshold
// <= 0: never): the exception is then not to be taken and the CPU stays at pc. After a report the count
// starts again.
func (l *Livelock) Trap(pc uint64, ec uint32, ic uint64, threshold int) (report bool, run Run) {
	if threshold <= 0 {
		return false, Run{}
	}
	if l.armed && l.pc == pc && l.ec == ec && l.at == ic {
		l.count++
	} else {
		l.pc, l.ec, l.count, l.run = pc, ec, 1, Run{}
	}
	l.armed = false
	if l.count < uint64(threshold) {
		return false, Run{}
	}
	run = l.run
	run.Count = l.count
	// Once per episode: resuming retakes this trap as the first of a new run of N.
	l.count, l.run = 0, Run{}
	l.armed, l.at = true, ic
	return true, run
}

// Continues reports whether an exception return to target would continue the current run: only then does
// ERET look at its other arguments, so the caller may compute them lazily.
func (l *Livelock) Continues(target uint64) bool { return l.count > 0 && target == l.pc }

// ERET notes an exception return (ic counts it) to target; stepping says a software step is armed for the
// instruction there, regs is a fingerprint of the debug registers.
func (l *Livelock) ERET(target, ic uint64, stepping bool, regs uint64) {
	if !l.Continues(target) {
		return
	}
	l.armed, l.at = true, ic
	if l.run.ERETs == 0 {
		l.regs = regs
	} else if regs != l.regs {
		l.run.RegsChanged = true
	}
	l.run.ERETs++
	l.run.Stepped = l.run.Stepped || stepping
}

// ExceptionClassName names a debug exception class (ESR_ELx.EC 0x30–0x35) for reports.
func ExceptionClassName(ec uint32) string {
	switch ec {
	case 0x30, 0x31:
		return "breakpoint"
	case 0x32, 0x33:
		return "software step"
	case 0x34, 0x35:
		return "watchpoint"
	}
	return "debug exception"
}
