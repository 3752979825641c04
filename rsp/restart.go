package rsp

import "go.uber.org/zap"

// Extended mode ('!'): restarting the target, and the state with no process between a kill or detach and the
// next vAttach or vRun.

// Restarter is optional: in extended mode vRun and R restart the target from its entry point and leave it
// halted there, so gdb's `run` (and `starti`) restart the guest. Restart returns the stop to report.
type Restarter interface {
	Restart() (StopReason, error)
}

// handleRun answers vRun;filename[;arg]...: the file name and arguments are ignored (there is one program,
// the loaded kernel).
func (s *Session) handleRun([]byte) {
	r, ok := s.t.(Restarter)
	switch {
	case !ok:
		s.sendEmpty()
	case !s.extended:
		s.sendErrno(EPERM) // a process is being debugged already (as gdbserver without --multi)
	default:
		if stop, err := s.restart(r); err != nil {
			s.sendError(err, EIO)
		} else {
			s.send(s.appendStop(s.reply[:0], stop))
		}
	}
}

// handleRestart answers R: like vRun, but R has no reply at all, even when it cannot be done.
func (s *Session) handleRestart([]byte) {
	r, ok := s.t.(Restarter)
	if !ok || !s.extended {
		s.log.Info("R ignored", zap.Bool("extended", s.extended), zap.Bool("restartable", ok))
		return
	}
	if _, err := s.restart(r); err != nil {
		s.log.Warn("restart failed", zap.Error(err))
	}
}

// restart removes the client's points (as a kill would), restarts the target and attaches it.
func (s *Session) restart(r Restarter) (StopReason, error) {
	s.leave(DetachKill)
	stop, err := r.Restart()
	if err != nil {
		return stop, err
	}
	s.lastStop, s.attached = stop, true
	s.gThread, s.cThread = s.stopThread(stop), AnyThread
	s.log.Info("target restarted")
	return stop, nil
}

// numThreads is the target's thread count, or 0 while no process is attached (extended mode after a kill or
// detach): qfThreadInfo and qXfer:threads then list nothing and no thread-id is valid.
func (s *Session) numThreads() int {
	if !s.attached {
		return 0
	}
	return s.t.NumThreads()
}

// needsProcess lists the packets that touch the process: with none attached they get E01, as from gdbserver.
var needsProcess = [256]bool{
	'g': true, 'G': true, 'p': true, 'P': true, 'm': true, 'M': true, 'X': true, 'x': true,
	'c': true, 'C': true, 's': true, 'S': true, 'Z': true, 'z': true, 'D': true,
}

// refuseWithoutProcess answers p with E01 (or W00 for '?') when it needs a process and none is attached.
func (s *Session) refuseWithoutProcess(p []byte) bool {
	if s.attached || len(p) == 0 {
		return false
	}
	switch {
	case p[0] == '?':
		s.sendString("W00")
	case needsProcess[p[0]] || hasName(p, "vCont"): // not vCont?
		s.sendErrno(EPERM)
	default:
		return false
	}
	return true
}

// hasName reports whether packet p is the named packet (followed by nothing, ';', ':' or ',').
func hasName(p []byte, name string) bool {
	if len(p) < len(name) || string(p[:len(name)]) != name {
		return false
	}
	return len(p) == len(name) || p[len(name)] == ';' || p[len(name)] == ':' || p[len(name)] == ','
}
