package rsp

import "bytes"

// Registers: g, G, p, P (with lldb's optional ";thread:N;" suffix).

// regThread picks the thread for a register packet: the suffix, else Hg.
func (s *Session) regThread(arg []byte) ([]byte, int, error) {
	arg, t, err := splitThreadSuffix(arg)
	if err != nil {
		return arg, 0, err
	}
	tid := s.gThread
	if t != nil {
		tid = t.Tid
	}
	tid = s.resolve(tid)
	if !s.threadOK(tid) {
		return arg, 0, EINVAL
	}
	return arg, tid, nil
}

func (s *Session) handleReadRegisters(arg []byte) {
	_, tid, err := s.regThread(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	s.tmp, err = s.t.ReadRegisters(tid, s.tmp[:0])
	if err != nil {
		s.sendError(err, EIO)
		return
	}
	s.send(appendHex(s.reply[:0], s.tmp))
}

func (s *Session) handleWriteRegisters(arg []byte) {
	arg, tid, err := s.regThread(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	s.tmp, err = decodeHex(s.tmp[:0], arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if ok, err := s.wholeRegisters(tid, len(s.tmp)); err != nil || !ok {
		if err == nil {
			err = EINVAL
		}
		s.sendError(err, EINVAL)
		return
	}
	if err := s.t.WriteRegisters(tid, s.tmp); err != nil {
		s.sendError(err, EIO)
		return
	}
	s.sendOK()
}

// wholeRegisters reports whether n bytes of 'G' data are whole registers of thread tid's 'g' block: the whole
// block, or (when the target describes its registers, LLDBInfo) a prefix that ends where a register ends, which
// gdbserver and QEMU accept too. Anything else would write part of a register.
func (s *Session) wholeRegisters(tid, n int) (bool, error) {
	block, err := s.t.ReadRegisters(tid, s.reply[:0])
	s.reply = block[:0]
	if err != nil || n == len(block) {
		return err == nil, err
	}
	info, ok := s.t.(LLDBInfo)
	if !ok || n == 0 || n > len(block) {
		return false, nil
	}
	for regnum := 0; ; regnum++ {
		r, ok := info.RegisterInfo(regnum)
		if !ok || r.Offset >= n {
			return false, nil
		}
		if r.Offset+r.BitSize/8 == n {
			return true, nil
		}
	}
}

func (s *Session) handleReadRegister(arg []byte) {
	sr, ok := s.t.(SingleRegisters)
	if !ok {
		s.sendEmpty()
		return
	}
	arg, tid, err := s.regThread(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	n, err := parseHexUint(arg)
	if err != nil || n > 0xffff {
		s.sendProtocolError(ProtocolError("bad register number"))
		return
	}
	s.tmp, err = sr.ReadRegister(tid, int(n), s.tmp[:0])
	if err != nil {
		s.sendError(err, EINVAL)
		return
	}
	s.send(appendHex(s.reply[:0], s.tmp))
}

func (s *Session) handleWriteRegister(arg []byte) {
	sr, ok := s.t.(SingleRegisters)
	if !ok {
		s.sendEmpty()
		return
	}
	arg, tid, err := s.regThread(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	num, val, found := bytes.Cut(arg, []byte{'='})
	if !found {
		s.sendProtocolError(ProtocolError("P wants n=value"))
		return
	}
	n, err := parseHexUint(num)
	if err != nil || n > 0xffff {
		s.sendProtocolError(ProtocolError("bad register number"))
		return
	}
	s.tmp, err = decodeHex(s.tmp[:0], val)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if err := sr.WriteRegister(tid, int(n), s.tmp); err != nil {
		s.sendError(err, EINVAL)
		return
	}
	s.sendOK()
}
