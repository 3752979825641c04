package rsp

// ActionKind is what one thread does on a resume.
type ActionKind uint8

const (
	ActionStop     ActionKind = iota // stay stopped
	ActionContinue                   // run until the target stops
	ActionStep                       // execute one instruction, then stop
)

func (k ActionKind) String() string {
	switch k {
	case ActionStop:
		return "stop"
	case ActionContinue:
		return "continue"
	case ActionStep:
		return "step"
	}
	return "ActionKind(?)"
}

// Action is one thread's part of a resume. Signal is the signal gdb asked to
// deliver (C/S actions); 0 means none. Targets without signals ignore it.
type Action struct {
	Kind   ActionKind
	Signal uint8
}

// Resumer is run control in all-stop mode.
type Resumer interface {
	// Resume runs the threads as actions say (actions[i] is thread i+1;
	// len(actions) == NumThreads()) and blocks until the target stops; then
	// every thread is stopped. A second stop that happened at the same time
	// should be kept and returned by the next Resume.
	Resume(actions []Action) (StopReason, error)
	// Interrupt makes a running Resume return soon with StopInterrupted. It
	// is safe to call from any goroutine. The session calls it only while it
	// waits for a Resume, but the call may come just before Resume starts:
	// then that Resume must return StopInterrupted at once (the request is
	// sticky until a Resume consumes it).
	Interrupt()
}

// StopKind says why the target stopped.
type StopKind uint8

const (
	StopSignal      StopKind = iota // stopped with Signal (0 means SIGTRAP)
	StopInterrupted                 // Interrupt was called: T02
	StopStepped                     // a step finished: T05
	StopSwBreak                     // software breakpoint (Z0) at the thread's pc
	StopHwBreak                     // hardware breakpoint (Z1) at the thread's pc
	StopWatch                       // watchpoint: Addr and Watch are set
	StopExited                      // the target finished: W + ExitCode
)

func (k StopKind) String() string {
	switch k {
	case StopSignal:
		return "signal"
	case StopInterrupted:
		return "interrupted"
	case StopStepped:
		return "stepped"
	case StopSwBreak:
		return "swbreak"
	case StopHwBreak:
		return "hwbreak"
	case StopWatch:
		return "watch"
	case StopExited:
		return "exited"
	}
	return "StopKind(?)"
}

// WatchKind is the kind of access a watchpoint traps (Z2, Z3, Z4).
type WatchKind uint8

const (
	WatchWrite  WatchKind = iota // Z2, reported as watch:
	WatchRead                    // Z3, reported as rwatch:
	WatchAccess                  // Z4, reported as awatch:
)

func (k WatchKind) String() string {
	switch k {
	case WatchWrite:
		return "write"
	case WatchRead:
		return "read"
	case WatchAccess:
		return "access"
	}
	return "WatchKind(?)"
}

// StopReason is what Resume returns and what '?' reports.
type StopReason struct {
	Kind   StopKind
	Thread int    // the thread that stopped, 1..N (0: the first thread)
	Signal uint8  // StopSignal only; 0 means SIGTRAP (5)
	Addr   uint64 // StopWatch: an address inside the range of a Z2/Z3/Z4 the client sent
	Watch  WatchKind
	// ExitCode is sent as W<code> for StopExited.
	ExitCode uint8
}

// Signal numbers as gdb numbers them.
const (
	SigInt  uint8 = 2
	SigTrap uint8 = 5
)

// BoundedSteps is optional: a target whose Resume with only single steps (no thread continuing) always returns
// promptly can let the session run it without the machinery that keeps a continue interruptible. Ctrl-C is
// not watched during such a step.
type BoundedSteps interface {
	StepsAreBounded() bool
}
