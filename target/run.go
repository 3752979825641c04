package target

import (
	"fmt"
	"math"
)

// Action is what Resume does with one CPU.
type Action uint8

const (
	ActionStop     Action = iota // stay halted
	ActionContinue               // run
	ActionStep                   // execute one instruction (or take one exception), then stop
)

// StopKind says why Resume returned.
type StopKind uint8

const (
	StopInterrupt  StopKind = iota + 1 // Interrupt() was called
	StopStepped                        // an ActionStep CPU finished its step
	StopBreakpoint                     // a software or external breakpoint address reached (before executing it)
	StopWatchpoint                     // an external watchpoint hit (before the access)
	StopPowerOff                       // PSCI SYSTEM_OFF, or every CPU is off
	StopLivelock                       // a CPU repeats the same debug exception at one PC (Config.LivelockThreshold), or faults at its own vector
	StopIdle                           // nothing can run: every CPU ActionStop, or all wait in WFI/WFE forever
	StopHypercall                      // an HVC registered with SetHypercall (Addr = function id), or Config.Hypercall asked to stop (Args), after the HVC
	StopReturned                       // HypercallResult.HaltOnReturn: the CPU ERETed back to the trapped instruction (Addr), before executing it
	StopCallDone                       // a cross-call (BeginCall) finished: context restored, Addr = the function's return value (x1 of the done HVC)
	StopLimit                          // ResumeLimit: the CPUs executed the instructions it allowed
)

func (k StopKind) String() string {
	switch k {
	case StopInterrupt:
		return "interrupt"
	case StopStepped:
		return "stepped"
	case StopBreakpoint:
		return "breakpoint"
	case StopWatchpoint:
		return "watchpoint"
	case StopPowerOff:
		return "power-off"
	case StopLivelock:
		return "livelock"
	case StopIdle:
		return "idle"
	case StopHypercall:
		return "hypercall"
	case StopReturned:
		return "returned"
	case StopCallDone:
		return "call-done"
	case StopLimit:
		return "limit"
	}
	return fmt.Sprintf("StopKind(%d)", k)
}

// Stop describes why the machine halted.
type Stop struct {
	Kind  StopKind
	CPU   int
	Addr  uint64    // breakpoint PC, or watchpoint address (max(access start, comparator start))
	Watch WatchKind // for StopWatchpoint: the kind of this access (WatchAccess for an access comparator)
	Text  string    // human detail
	EC    uint32    // StopLivelock: the exception class (ESR_EL1.EC) of the repeating debug exception
	Count uint64    // StopLivelock: how many times in a row it trapped at Addr
	// Livelock is, for StopLivelock, what the exception returns of the run did (LivelockRun).
	Livelock LivelockRun
	Args     [4]uint64 // StopHypercall from Config.Hypercall: x0..x3 of the HVC
}

// Interrupt asks a running Resume to stop soon (goroutine-safe). If the
// machine is halted, the next Resume returns StopInterrupt at once.
func (m *Machine) Interrupt() {
	m.interrupt.Store(true)
	m.input.signal() // an idle Resume waiting for console input
}

// Resume runs the CPUs as actions says (len(actions) == NumCPUs(); missing
// entries are ActionStop) until some CPU stops; then every CPU is halted.
// CPUs run round-robin in index order, Quantum instructions each; a CPU in
// WFI/WFE ends its turn early. A CPU powered on by PSCI during this Resume
// runs if any CPU is ActionContinue. If more than one CPU stops in the same
// round, the first (by index) is returned; the others are queued (except
// breakpoint and watchpoint stops, which the CPU meets again when resumed)
// and a later Resume that resumes that CPU returns the queued stop before
// running anything. Once a stop is recorded in a round, ActionStep CPUs later
// in that round do not step.
func (m *Machine) Resume(actions []Action) Stop { return m.resume(actions, 0) }

// ResumeLimit is Resume that also returns, with StopLimit, once the CPUs have executed at least limit
// instructions in it (checked between rounds, so it may run up to one round more). limit 0 means none.
func (m *Machine) ResumeLimit(actions []Action, limit uint64) Stop { return m.resume(actions, limit) }

func (m *Machine) resume(actions []Action, limit uint64) Stop {
	m.mu.Lock()
	// A queued stop is reported only when its CPU is resumed: a debugger that
	// steps one CPU must not hear about another it left stopped.
	for i, s := range m.pending {
		if s.CPU < len(actions) && actions[s.CPU] != ActionStop {
			m.pending = append(m.pending[:i], m.pending[i+1:]...)
			m.mu.Unlock()
			return s
		}
	}
	if m.off {
		m.mu.Unlock()
		return Stop{Kind: StopPowerOff, Text: m.offText}
	}
	acts := m.actsBuf[:len(m.cpus)]
	clear(acts)
	copy(acts, actions)
	def := ActionStop
	for _, a := range acts {
		if a == ActionContinue {
			def = ActionContinue
		}
	}
	wasOn := m.wasOnBuf[:len(m.cpus)]
	for i, c := range m.cpus {
		wasOn[i] = c.on
	}
	start := m.executedLocked()
	m.mu.Unlock()
	for {
		if m.interrupt.Swap(false) {
			return Stop{Kind: StopInterrupt, CPU: m.lastCPU}
		}
		m.mu.Lock()
		m.feedInput()
		m.pollTimers()
		s, done := m.round(acts, wasOn, def)
		if !done && limit > 0 && m.executedLocked()-start >= limit {
			s, done = Stop{Kind: StopLimit, CPU: m.lastCPU, Text: fmt.Sprintf("%d instructions executed", limit)}, true
		}
		wait := m.idleWait
		m.idleWait = false
		m.mu.Unlock()
		if done {
			return s
		}
		if wait {
			<-m.input.wake // console input, its end, or Interrupt
		}
	}
}

// executedLocked is the number of instructions every CPU has executed so far.
func (m *Machine) executedLocked() uint64 {
	var n uint64
	for _, c := range m.cpus {
		n += c.executed
	}
	return n
}

// round runs one round-robin round; done reports a stop.
func (m *Machine) round(acts []Action, wasOn []bool, def Action) (Stop, bool) {
	var first Stop
	have := false
	ran, anyOn := false, false
	allIdle := true
	longest := 0
	if m.cfg.Parallel {
		m.parallelPhase(acts, wasOn, def)
		defer m.settleLocal()
	}
	for i, c := range m.cpus {
		if !c.on {
			continue
		}
		anyOn = true
		a := acts[i]
		if !wasOn[i] {
			a = def
		}
		if a == ActionStop || (a == ActionStep && have) {
			continue
		}
		if c.asleep {
			// WFI: the CPU is not scheduled until one of its interrupt
			// lines is high, masked or not. A debugger's step wakes it (a
			// WFI may end for no architectural reason).
			if c.Pending == 0 && a != ActionStep {
				ran = true
				continue
			}
			c.asleep = false
		}
		budget := m.cfg.Quantum
		if a == ActionStep {
			budget = 1
			c.skipBPOn = true
		}
		ran = true
		m.lastCPU = i
		c.stopped, c.waiting = false, false
		before := c.executed
		c.runFrom(m.local[i], budget)
		m.local[i] = 0
		c.skipBPOn = false
		d := int(c.executed - before)
		if d > longest {
			longest = d
		}
		if !c.waiting || d > idleSliceMax {
			allIdle = false
		}
		var s Stop
		switch {
		case c.stopped:
			s = c.stop
			c.stopped = false
		case a == ActionStep:
			s = Stop{Kind: StopStepped, CPU: i}
		default:
			if m.resetRequested {
				m.resetRequested = false
				m.systemReset()
				return Stop{}, false
			}
			continue
		}
		if s.Kind == StopPowerOff {
			m.clock += uint64(longest)
			m.pending = nil
			return s, true
		}
		if !have {
			first, have = s, true
		} else if s.Kind != StopBreakpoint && s.Kind != StopWatchpoint && s.Kind != StopReturned {
			// Breakpoint and watchpoint stops leave the CPU before the
			// instruction, so it meets them again when resumed (if the point
			// is still there); so does a return to a debugger-owned hit (the
			// guest traps and notifies again). Only the others need queuing.
			m.pending = append(m.pending, s)
		}
		if m.resetRequested {
			m.resetRequested = false
			m.systemReset()
			break
		}
	}
	m.clock += uint64(max(longest, 1))
	if have {
		return first, true
	}
	if !anyOn {
		m.off, m.offText = true, "all CPUs are powered off"
		return Stop{Kind: StopPowerOff, Text: m.offText}, true
	}
	if !ran {
		return Stop{Kind: StopIdle, CPU: m.lastCPU, Text: "no CPU is allowed to run"}, true
	}
	if allIdle && m.timerNext != math.MaxUint64 {
		// Every running CPU waits: nothing changes until the earliest
		// timer deadline, so the virtual clock jumps there (an idle guest
		// costs no host time; the next round's pollTimers raises the PPI).
		m.clock = max(m.clock, m.timerNext)
		m.idleRounds = 0
		return Stop{}, false
	}
	if allIdle && m.inputCanWake() {
		// Only console input can wake the guest: wait for it.
		m.idleWait = true
		m.idleRounds = 0
		return Stop{}, false
	}
	if allIdle {
		m.idleRounds++
		if m.idleRounds >= idleRoundsMax {
			m.idleRounds = 0
			return Stop{Kind: StopIdle, CPU: m.lastCPU,
				Text: "idle: every running CPU waits in WFI/WFE and no interrupt source can wake it"}, true
		}
	} else {
		m.idleRounds = 0
	}
	return Stop{}, false
}

// wfi executes WFI: it completes at once when an interrupt line of the CPU
// is high (whatever PSTATE's masks say); otherwise the CPU sleeps until one
// is (round).
func (c *CPU) wfi() int {
	if c.Pending != 0 {
		return slowNext
	}
	c.waiting, c.asleep = true, true
	return slowEndSlice
}

// A round in which every running CPU ended its turn in WFI/WFE after at most
// idleSliceMax instructions is idle; idleRoundsMax idle rounds in a row
// (no interrupt source exists to wake them) end Resume with StopIdle.
const (
	idleSliceMax  = 16
	idleRoundsMax = 1 << 16
)

// systemReset is PSCI SYSTEM_RESET: reload the loaded segments and restart
// CPU 0 at the entry point.
func (m *Machine) systemReset() {
	for _, s := range m.segments {
		off, _ := m.ramRange(s.addr, s.mem)
		copy(m.ram[off:], s.data)
		clear(m.ram[off+uint64(len(s.data)) : off+s.mem])
		m.invalidateRange(off, s.mem)
	}
	m.resetLocked(m.entry)
}
