package rsp

// Attacher is optional: called when a client connects (and on vAttach in
// extended mode), before any packet is answered. It stops the target if it
// was running and returns the stop to report for '?'. Without it, '?'
// reports SIGTRAP on thread 1.
type Attacher interface {
	Attach() (StopReason, error)
}

// DetachKind says how a client left.
type DetachKind uint8

const (
	DetachPacket DetachKind = iota // 'D'
	DetachKill                     // 'k' or vKill
	DetachEOF                      // the connection closed or failed
)

func (k DetachKind) String() string {
	switch k {
	case DetachPacket:
		return "detach"
	case DetachKill:
		return "kill"
	case DetachEOF:
		return "eof"
	}
	return "DetachKind(?)"
}

// Detacher is optional: called once when a client leaves by D, k or EOF,
// after the session has removed every breakpoint and watchpoint the client
// still had inserted (through the Remove methods, so the target's own
// bookkeeping stays balanced). The target keeps its state, so a new client
// can attach; whether it runs on meanwhile is the target's choice.
type Detacher interface {
	Detach(how DetachKind)
}
