package rsp

import "bytes"

// Memory: m, M, X and (with binary-upload) x.

// maxRead is the most bytes one read reply carries: hex doubles them, and
// the reply must fit the advertised packet size.
func (s *Session) maxRead() uint64 { return uint64(s.opts.packetSize()-8) / 2 }

// clampRange bounds a read to maxRead and to the end of the address space.
func (s *Session) clampRange(r memRange) memRange {
	r.Len = min(r.Len, s.maxRead())
	if end := r.Addr + r.Len; end < r.Addr && end != 0 {
		r.Len = -r.Addr
	}
	return r
}

// readInto reads r into s.tmp; it reports false after sending an error.
func (s *Session) readInto(r memRange) bool {
	s.tmp = growTo(s.tmp, int(r.Len))
	n, err := s.readMemory(r.Addr, s.tmp)
	if n > len(s.tmp) || n < 0 {
		n = 0
	}
	if n == 0 && len(s.tmp) > 0 {
		if err == nil {
			err = EFAULT
		}
		s.sendError(err, EFAULT)
		return false
	}
	s.tmp = s.tmp[:n]
	return true
}

// readMemory reads through the Hg thread's view when the target has one.
func (s *Session) readMemory(addr uint64, p []byte) (int, error) {
	if tm, ok := s.t.(ThreadMemory); ok {
		return tm.ReadThreadMemory(s.resolve(s.gThread), addr, p)
	}
	return s.t.ReadMemory(addr, p)
}

// writeTargetMemory writes through the Hg thread's view when the target has one.
func (s *Session) writeTargetMemory(addr uint64, p []byte) error {
	if tm, ok := s.t.(ThreadMemory); ok {
		return tm.WriteThreadMemory(s.resolve(s.gThread), addr, p)
	}
	return s.t.WriteMemory(addr, p)
}

func growTo(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

func (s *Session) handleReadMemory(arg []byte) {
	r, err := parseMemRange(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if r.Len == 0 {
		s.sendErrno(EINVAL) // an empty reply would read as "unsupported"
		return
	}
	if !s.readInto(s.clampRange(r)) {
		return
	}
	s.send(appendHex(s.reply[:0], s.tmp))
}

func (s *Session) handleReadBinary(arg []byte) {
	if !s.binaryUpload {
		s.sendEmpty() // lldb's older 'x' has another reply format
		return
	}
	r, err := parseMemRange(arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	// Escaping can double the data: keep the reply inside the packet size.
	r.Len = min(r.Len, uint64(s.opts.packetSize()-8)/2)
	r = s.clampRange(r)
	if r.Len > 0 && !s.readInto(r) {
		return
	}
	if r.Len == 0 {
		s.tmp = s.tmp[:0]
	}
	s.send(AppendEscaped(append(s.reply[:0], 'b'), s.tmp))
}

func (s *Session) handleWriteMemory(arg []byte) {
	head, data, ok := bytes.Cut(arg, []byte{':'})
	if !ok {
		s.sendProtocolError(ProtocolError("M wants addr,length:data"))
		return
	}
	r, err := parseMemRange(head)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if uint64(len(data)) != 2*r.Len {
		s.sendProtocolError(ProtocolError("M data length differs from its length field"))
		return
	}
	s.tmp, err = decodeHex(s.tmp[:0], data)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	s.writeMemory(r.Addr)
}

func (s *Session) handleWriteBinary(arg []byte) {
	head, data, ok := bytes.Cut(arg, []byte{':'})
	if !ok {
		s.sendProtocolError(ProtocolError("X wants addr,length:data"))
		return
	}
	r, err := parseMemRange(head)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	s.tmp, err = Unescape(s.tmp[:0], data)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	if uint64(len(s.tmp)) != r.Len {
		s.sendProtocolError(ProtocolError("X data length differs from its length field"))
		return
	}
	if r.Len == 0 { // gdb's probe for X support
		s.sendOK()
		return
	}
	s.writeMemory(r.Addr)
}

func (s *Session) writeMemory(addr uint64) {
	if end := addr + uint64(len(s.tmp)); end < addr && end != 0 {
		s.sendErrno(EFAULT)
		return
	}
	if err := s.writeTargetMemory(addr, s.tmp); err != nil {
		s.sendError(err, EFAULT)
		return
	}
	s.sendOK()
}
