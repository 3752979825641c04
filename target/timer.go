package target

import (
	"math"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/timer"
)

// The generic timers (target/dev/timer): CNTV and CNTP of each CPU compare
// against that CPU's CNTVCT (counter(): the machine's deterministic virtual
// clock; CNTVOFF = 0 without EL2, so CNTPCT is the same count). Their levels
// drive the GIC's PPIs 27 (virtual) and 30 (physical):
//   - after every write of a CNT*_CTL/CVAL/TVAL register (driveTimers, with
//     the writing instruction's count), and
//   - at the start of a round when the clock has reached the earliest
//     deadline not yet signalled (pollTimers: one comparison per round).
// A timer's level rises only with time and falls only by a write, so these
// two points see every change; an interrupt is delivered at the first check
// point of its CPU after that, which depends only on the instruction counts.

// driveTimers sets c's two PPIs from its timers at count now and recomputes
// the machine's next deadline.
func (m *Machine) driveTimers(c *CPU, now uint64) {
	if m.gic == nil {
		return
	}
	m.gic.SetLevel(timer.PPIVirt, c.index, c.timer.Virt.Asserted(now))
	m.gic.SetLevel(timer.PPIPhys, c.index, c.timer.Phys.Asserted(now))
	m.nextDeadline()
}

// nextDeadline recomputes m.timerNext: the earliest deadline of an enabled,
// unmasked timer of a powered-on CPU that is still in the future (math.MaxUint64:
// none).
func (m *Machine) nextDeadline() {
	next := uint64(math.MaxUint64)
	for _, c := range m.cpus {
		if !c.on {
			continue
		}
		for _, t := range [2]*timer.Timer{&c.timer.Virt, &c.timer.Phys} {
			if d, ok := t.NextDeadline(); ok && d > m.clock && d < next {
				next = d
			}
		}
	}
	m.timerNext = next
}

// pollTimers runs at the start of each round: once the clock has reached the
// next deadline, every CPU's timer levels are driven at the round's count.
func (m *Machine) pollTimers() {
	if m.clock < m.timerNext {
		return
	}
	for _, c := range m.cpus {
		if c.on && m.gic != nil {
			m.gic.SetLevel(timer.PPIVirt, c.index, c.timer.Virt.Asserted(m.clock))
			m.gic.SetLevel(timer.PPIPhys, c.index, c.timer.Phys.Asserted(m.clock))
		}
	}
	m.nextDeadline()
}

// resetTimers puts c's timers in their reset state (disabled) and lowers
// their lines.
func (c *CPU) resetTimers() {
	c.timer = timer.CPU{}
	c.m.driveTimers(c, c.m.clock)
}

// timerRead answers MRS of the timer registers at c's current count.
func (c *CPU) timerRead(t *timer.Timer, reg int) uint64 {
	now := c.counter()
	switch reg {
	case timerCTL:
		return t.CTL(now)
	case timerCVAL:
		return t.CVAL()
	}
	return t.TVAL(now)
}

// timerWrite is MSR of a timer register: then the level is driven at once.
func (c *CPU) timerWrite(t *timer.Timer, reg int, v uint64) {
	now := c.counter()
	switch reg {
	case timerCTL:
		t.SetCTL(v)
	case timerCVAL:
		t.SetCVAL(v)
	default:
		t.SetTVAL(now, v)
	}
	c.m.driveTimers(c, now)
}

const (
	timerCTL = iota
	timerCVAL
	timerTVAL
)
