package rsp

import (
	"fmt"

	"go.uber.org/zap"
)

// Run control: c, C, s, S (mapped onto vCont), vCont? and vCont.

func (s *Session) handleVContQuery([]byte) { s.sendString("vCont;c;C;s;S") }

func (s *Session) handleVCont(arg []byte) {
	acts, err := parseVCont(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	s.resumeWith(acts)
}

// handleContinue is "c[addr]": every thread continues. A resume address is
// not supported (gdb has not sent one for decades).
func (s *Session) handleContinue(arg []byte) {
	if len(arg) > 0 {
		s.sendErrno(EINVAL)
		return
	}
	s.resumeWith([]vContAction{{Kind: ActionContinue}})
}

func (s *Session) handleContinueSignal(arg []byte) { s.legacySignal(arg, ActionContinue) }
func (s *Session) handleStepSignal(arg []byte)     { s.legacySignal(arg, ActionStep) }

// handleStep is "s[addr]": the Hc thread steps, the others stay stopped.
func (s *Session) handleStep(arg []byte) {
	if len(arg) > 0 {
		s.sendErrno(EINVAL)
		return
	}
	s.resumeWith(s.legacyActions(ActionStep, 0))
}

// legacySignal handles "Csig[;addr]" and "Ssig[;addr]".
func (s *Session) legacySignal(arg []byte, kind ActionKind) {
	if len(arg) != 2 {
		s.sendProtocolError(ProtocolError("C/S want a two-digit signal and no address"))
		return
	}
	sig, err := parseHexUint(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if kind == ActionContinue {
		s.resumeWith([]vContAction{{Kind: ActionContinue, Signal: uint8(sig)}})
		return
	}
	s.resumeWith(s.legacyActions(kind, uint8(sig)))
}

func (s *Session) legacyActions(kind ActionKind, sig uint8) []vContAction {
	tid := ThreadID{Pid: 1, Tid: s.resolve(s.cThread)}
	return []vContAction{{Kind: kind, Signal: sig, Thread: &tid}}
}

// resumeWith gives each thread the first action that names it (or the
// default action) and starts the target.
func (s *Session) resumeWith(acts []vContAction) {
	n := s.t.NumThreads()
	actions := make([]Action, n)
	set := make([]bool, n)
	any := false
	for _, a := range acts {
		if a.Thread != nil && !pidOK(*a.Thread) {
			s.sendErrno(EINVAL)
			return
		}
		for tid := 1; tid <= n; tid++ {
			if set[tid-1] {
				continue
			}
			if a.Thread != nil && a.Thread.Tid != AllThreads && s.resolve(a.Thread.Tid) != tid {
				continue
			}
			actions[tid-1] = Action{Kind: a.Kind, Signal: a.Signal}
			set[tid-1] = true
			any = true
		}
	}
	if !any {
		s.sendErrno(EINVAL)
		return
	}
	if s.lastStop.Kind == StopExited {
		s.sendErrno(EPERM)
		return
	}
	s.running = true
	if ce := s.log.Check(zap.DebugLevel, "resume"); ce != nil {
		ce.Write(zap.Any("actions", actions))
	}
	if q, ok := s.t.(BoundedSteps); ok && onlySteps(actions) && q.StepsAreBounded() {
		// A step ends by itself in microseconds: run it here, without the goroutine hand-offs a
		// continue needs to stay interruptible (they cost more than the step).
		s.onStopped(s.resumeNow(actions))
		return
	}
	go func() {
		var res resumeResult
		defer func() {
			if r := recover(); r != nil {
				res = resumeResult{err: Fatal(fmt.Errorf("panic in Resume: %v", r))}
			}
			s.resumed <- res
		}()
		res.stop, res.err = s.t.Resume(actions)
	}()
	if s.console.pending() {
		s.flushConsole()
	}
}

// resumeNow runs Resume on the session goroutine, turning a panic into a fatal error as the goroutine path does.
func (s *Session) resumeNow(actions []Action) (res resumeResult) {
	defer func() {
		if r := recover(); r != nil {
			res = resumeResult{err: Fatal(fmt.Errorf("panic in Resume: %v", r))}
		}
	}()
	res.stop, res.err = s.t.Resume(actions)
	return res
}

// onlySteps says whether no thread continues (only single steps; the rest stay stopped).
func onlySteps(actions []Action) bool {
	for _, a := range actions {
		if a.Kind == ActionContinue {
			return false
		}
	}
	return true
}
