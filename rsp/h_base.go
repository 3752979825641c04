package rsp

import (
	"bytes"
)

// Connection setup, threads, detach: the packets every client sends first.

func (s *Session) handleSupported(arg []byte) {
	for _, f := range bytes.Split(arg, []byte{';'}) {
		switch string(f) {
		case "multiprocess+":
			s.multiprocess = true
		case "swbreak+":
			s.swbreakFeat = true
		case "hwbreak+":
			s.hwbreakFeat = true
		case "binary-upload+":
			s.binaryUpload = true
		}
	}
	r := append(s.reply[:0], "PacketSize="...)
	r = appendHexUint(r, uint64(s.opts.packetSize()))
	r = append(r, ";QStartNoAckMode+"...)
	if _, ok := s.t.(SwBreakpoints); ok {
		r = append(r, ";swbreak+"...)
	}
	_, hb := s.t.(HwBreakpoints)
	_, hw := s.t.(HwWatchpoints)
	if hb || hw {
		r = append(r, ";hwbreak+"...)
	}
	if _, ok := s.t.(TargetDescription); ok {
		r = append(r, ";qXfer:features:read+"...)
	}
	r = append(r, ";qXfer:threads:read+"...)
	if _, ok := s.t.(ExecFile); ok {
		r = append(r, ";qXfer:exec-file:read+"...)
	}
	r = append(r, ";vContSupported+;multiprocess+"...)
	if s.binaryUpload {
		r = append(r, ";binary-upload+"...)
	}
	s.send(r)
}

func (s *Session) handleStartNoAck([]byte) {
	s.sendOK()
	s.noAck = true
}

func (s *Session) handleQuestion([]byte) {
	s.send(s.appendStop(s.reply[:0], s.lastStop))
}

// threadOK reports whether tid names an existing thread.
func (s *Session) threadOK(tid int) bool { return tid >= 1 && tid <= s.numThreads() }

// pidOK reports whether a thread-id's pid is ours (1), "any" or "all".
func pidOK(t ThreadID) bool { return t.Pid == 1 || t.Pid == AnyThread || t.Pid == AllThreads }

// resolve turns a thread-id selection into one thread: "any" and "all" mean
// the thread of the last stop.
func (s *Session) resolve(tid int) int {
	if tid <= 0 {
		return s.stopThread(s.lastStop)
	}
	return tid
}

func (s *Session) stopThread(r StopReason) int {
	if s.threadOK(r.Thread) {
		return r.Thread
	}
	return 1
}

func (s *Session) handleSetThread(arg []byte) {
	if len(arg) < 2 {
		s.sendProtocolError(ProtocolError("H wants an operation and a thread-id"))
		return
	}
	t, err := parseThreadID(arg[1:])
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if !pidOK(t) || (t.Tid > 0 && !s.threadOK(t.Tid)) {
		s.sendErrno(EINVAL)
		return
	}
	switch arg[0] {
	case 'g':
		s.gThread = t.Tid
	case 'c':
		s.cThread = t.Tid
	default:
		s.sendProtocolError(ProtocolError("H wants g or c"))
		return
	}
	s.sendOK()
}

func (s *Session) handleThreadAlive(arg []byte) {
	if _, ok := s.liveThread(arg); ok {
		s.sendOK()
	}
}

// liveThread parses a thread-id argument naming an existing thread; otherwise it answers the client (a protocol
// error, or ENOENT) and reports false.
func (s *Session) liveThread(arg []byte) (ThreadID, bool) {
	t, err := parseThreadID(arg)
	if err != nil {
		s.sendProtocolError(err)
		return t, false
	}
	if !pidOK(t) || !s.threadOK(t.Tid) {
		s.sendErrno(ENOENT)
		return t, false
	}
	return t, true
}

// appendThreadID appends tid as the client expects it.
func (s *Session) appendThreadID(dst []byte, tid int) []byte {
	if s.multiprocess {
		dst = append(dst, "p1."...)
	}
	return appendHexUint(dst, uint64(tid))
}

func (s *Session) handleCurrentThread([]byte) {
	r := append(s.reply[:0], "QC"...)
	s.send(s.appendThreadID(r, s.resolve(s.gThread)))
}

func (s *Session) handleThreadInfoFirst([]byte) {
	if s.numThreads() == 0 {
		s.sendString("l")
		return
	}
	r := append(s.reply[:0], 'm')
	for tid := 1; tid <= s.numThreads(); tid++ {
		if tid > 1 {
			r = append(r, ',')
		}
		r = s.appendThreadID(r, tid)
	}
	s.send(r)
}

func (s *Session) handleThreadInfoNext([]byte) { s.sendString("l") }

func (s *Session) handleThreadExtraInfo(arg []byte) {
	t, ok := s.liveThread(arg)
	if !ok {
		return
	}
	text := ""
	if x, ok := s.t.(ThreadExtraInfo); ok {
		text = x.ThreadExtraInfo(t.Tid)
	}
	if text == "" {
		text = "CPU#" + string(appendDecimal(nil, t.Tid-1))
	}
	s.send(appendHexString(s.reply[:0], text))
}

func appendDecimal(dst []byte, v int) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(dst, tmp[i:]...)
}

func (s *Session) handleAttached([]byte) { s.sendString("1") }

func (s *Session) handleDetach(arg []byte) {
	if len(arg) > 0 {
		if arg[0] != ';' {
			s.sendProtocolError(ProtocolError("bad D packet"))
			return
		}
		pid, err := parseHexUint(arg[1:])
		if err != nil {
			s.sendProtocolError(err)
			return
		}
		if pid != 1 {
			s.sendErrno(ENOENT)
			return
		}
	}
	if s.extended {
		s.leave(DetachPacket) // stay connected; the client may vAttach again
		s.sendOK()
		return
	}
	s.sendOK()
	s.done, s.detachHow = true, DetachPacket
}

func (s *Session) handleKill([]byte) {
	if s.extended { // the client stays connected and may vAttach or vRun; gdb reads no reply to k
		s.leave(DetachKill)
		return
	}
	// gdb does not wait for a reply; lldb wants an exit status.
	s.done, s.detachHow = true, DetachKill
	s.sendString("X09")
}

func (s *Session) handleVKill(arg []byte) {
	pid, err := parseHexUint(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if pid != 1 { // not our process: nothing is killed and the session goes on (gdbserver answers E01 too)
		s.sendErrno(EPERM)
		return
	}
	if s.extended {
		s.leave(DetachKill)
		s.sendOK()
		return
	}
	s.sendOK()
	s.done, s.detachHow = true, DetachKill
}

func (s *Session) handleVAttach(arg []byte) {
	pid, err := parseHexUint(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if pid != 1 {
		s.sendErrno(ENOENT)
		return
	}
	if !s.attached {
		if err := s.attach(); err != nil {
			s.sendError(err, EPERM)
			return
		}
	}
	s.send(s.appendStop(s.reply[:0], s.lastStop))
}

func (s *Session) handleExtended([]byte) {
	s.extended = true
	s.sendOK()
}

func (s *Session) handleThreadSuffix([]byte) {
	s.threadSuffix = true
	s.sendOK()
}

func (s *Session) handleListThreadsInStopReply([]byte) {
	s.listThreads = true
	s.sendOK()
}
