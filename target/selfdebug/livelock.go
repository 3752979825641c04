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
}

// Trap records a debug exception with class ec at pc, ic instructions into the CPU's life (not counting
// the trapping one). It returns true, with the count, when this is the threshold-th in a row (threshold
// <= 0: never): the exception is then not to be taken and the CPU stays at pc. After a report the count
// starts again.
func (l *Livelock) Trap(pc uint64, ec uint32, ic uint64, threshold int) (report bool, count uint64) {
	if threshold <= 0 {
		return false, 0
	}
	if l.armed && l.pc == pc && l.ec == ec && l.at == ic {
		l.count++
	} else {
		l.pc, l.ec, l.count = pc, ec, 1
	}
	l.armed = false
	if l.count < uint64(threshold) {
		return false, 0
	}
	count = l.count
	// Once per episode: resuming retakes this trap as the first of a new run of N.
	l.count = 0
	l.armed, l.at = true, ic
	return true, count
}

// ERET notes an exception return (ic counts it) to target.
func (l *Livelock) ERET(target, ic uint64) {
	if l.count > 0 && target == l.pc {
		l.armed, l.at = true, ic
	}
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
