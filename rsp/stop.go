package rsp

import "go.uber.org/zap"

// Stop replies: "T" + signal + "thread:p1.N;core:M;" + the reason's field.

// appendStop appends the stop reply for r.
func (s *Session) appendStop(dst []byte, r StopReason) []byte {
	if r.Kind == StopExited {
		return append(dst, 'W', hexDigits[r.ExitCode>>4], hexDigits[r.ExitCode&15])
	}
	sig := SigTrap
	switch r.Kind {
	case StopInterrupted:
		sig = SigInt
	case StopSignal:
		if r.Signal != 0 {
			sig = r.Signal
		}
	}
	tid := s.stopThread(r)
	dst = append(dst, 'T', hexDigits[sig>>4], hexDigits[sig&15])
	dst = append(dst, "thread:"...)
	dst = s.appendThreadID(dst, tid)
	dst = append(dst, ";core:"...)
	dst = appendHexUint(dst, uint64(tid-1))
	dst = append(dst, ';')
	switch r.Kind {
	case StopWatch:
		switch r.Watch {
		case WatchRead:
			dst = append(dst, "rwatch:"...)
		case WatchAccess:
			dst = append(dst, "awatch:"...)
		default:
			dst = append(dst, "watch:"...)
		}
		dst = appendHexUint(dst, r.Addr)
		dst = append(dst, ';')
	case StopSwBreak:
		if s.swbreakFeat {
			dst = append(dst, "swbreak:;"...)
		}
	case StopHwBreak:
		if s.hwbreakFeat {
			dst = append(dst, "hwbreak:;"...)
		}
	}
	dst = s.appendExpedited(dst, tid)
	if s.listThreads {
		dst = append(dst, "threads:"...)
		for t := 1; t <= s.t.NumThreads(); t++ {
			if t > 1 {
				dst = append(dst, ',')
			}
			dst = appendHexUint(dst, uint64(t))
		}
		dst = append(dst, ';')
	}
	return dst
}

// onStopped reports the end of a Resume to the client.
func (s *Session) onStopped(r resumeResult) {
	s.running = false
	s.dropInterrupt()
	s.flushConsole()
	if r.err != nil {
		s.log.Warn("resume failed", zap.Error(r.err))
		s.sendError(r.err, EIO)
		return
	}
	s.lastStop = r.stop
	if r.stop.Kind == StopWatch && !s.watchCovers(r.stop.Addr) {
		// gdb would step over and resume silently: a target bug worth a line.
		s.log.Warn("watch stop outside every watched range", zap.Uint64("addr", r.stop.Addr))
	}
	if r.stop.Kind != StopExited {
		tid := s.stopThread(r.stop)
		s.gThread, s.cThread = tid, tid
	}
	s.send(s.appendStop(s.reply[:0], r.stop))
	if r.stop.Kind == StopExited && s.extended {
		// The process is gone: the client stays connected with none until vRun or vAttach, as after a kill.
		s.leave(DetachKill)
	}
}

// handleThreadStopInfo answers lldb's qThreadStopInfo<tid>.
func (s *Session) handleThreadStopInfo(arg []byte) {
	tid, err := parseHexUint(arg)
	if err != nil || !s.threadOK(int(min(tid, 1<<20))) {
		s.sendErrno(ENOENT)
		return
	}
	r := s.lastStop
	if int(tid) != s.stopThread(r) || r.Kind == StopExited {
		dst := append(s.reply[:0], "T00thread:"...)
		dst = s.appendThreadID(dst, int(tid))
		dst = append(dst, ";core:"...)
		dst = appendHexUint(dst, tid-1)
		s.send(append(dst, ';'))
		return
	}
	s.send(s.appendStop(s.reply[:0], r))
}

// watchCovers reports whether addr is inside a watchpoint the client set.
func (s *Session) watchCovers(addr uint64) bool {
	for p, n := range s.points {
		if n > 0 && p.Type >= 2 && addr-p.Addr < p.Kind {
			return true
		}
	}
	return false
}

// appendExpedited appends the target's expedited registers of thread tid ("NN:value;" each).
func (s *Session) appendExpedited(dst []byte, tid int) []byte {
	exp, ok1 := s.t.(ExpeditedRegisters)
	regs, ok2 := s.t.(SingleRegisters)
	if !ok1 || !ok2 {
		return dst
	}
	var scratch [16]byte
	for _, n := range exp.ExpeditedRegisters() {
		v, err := regs.ReadRegister(tid, n, scratch[:0])
		if err != nil || len(v) == 0 {
			continue
		}
		dst = appendHexUint(dst, uint64(n))
		dst = append(dst, ':')
		dst = appendHex(dst, v)
		dst = append(dst, ';')
	}
	return dst
}
