package target

import "fmt"

// DefaultLivelockThreshold is the command line's default for Config.LivelockThreshold (docs/design.md §9).
const DefaultLivelockThreshold = 1000

// livelock is one CPU's count of the same debug exception repeating at one PC (docs/design.md §9). A trap counts
// as a repeat when it has the same PC and EC as the last one and is the first instruction after an ERET
// back to that PC (so the instruction there did not retire in between). It costs nothing until a debug
// exception happens: it is updated in the exception and ERET paths only.
type livelock struct {
	pc    uint64
	ec    uint32
	count uint64
	armed bool   // an ERET returned to pc (or a report left the CPU there): the next trap may repeat
	at    uint64 // the instruction count at which that next trap must happen
}

// livelockTrap records a debug exception with class ec at pc, ic instructions into the CPU's life (not
// counting the trapping one). It returns true, and records StopLivelock, when this is the Nth in a row:
// the exception is then not taken and the CPU stays at pc. After a report the count starts again.
func (c *CPU) livelockTrap(pc uint64, ec uint32, ic uint64) bool {
	n := c.m.cfg.LivelockThreshold
	if n <= 0 {
		return false
	}
	l := &c.dw.ll
	if l.armed && l.pc == pc && l.ec == ec && l.at == ic {
		l.count++
	} else {
		l.pc, l.ec, l.count = pc, ec, 1
	}
	l.armed = false
	if l.count < uint64(n) {
		return false
	}
	c.setStop(Stop{Kind: StopLivelock, CPU: c.index, Addr: pc, EC: ec, Count: l.count,
		Text: fmt.Sprintf("livelock: cpu %d pc %#x %s (EC %#x), %d times", c.index, pc, ExceptionClassName(ec), ec, l.count)})
	// Once per episode: resuming retakes this trap as the first of a new run of N.
	l.count = 0
	l.armed, l.at = true, ic
	return true
}

// livelockERET notes an ERET (ic counts it) to target.
func (c *CPU) livelockERET(target, ic uint64) {
	l := &c.dw.ll
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
