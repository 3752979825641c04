package rsp

// qRcmd: gdb's "monitor" command.

type monitorOutput struct{ buf []byte }

func (m *monitorOutput) Write(p []byte) (int, error) {
	const limit = 1 << 20
	if room := limit - len(m.buf); room > 0 {
		m.buf = append(m.buf, p[:min(len(p), room)]...)
	}
	return len(p), nil
}

func (s *Session) handleMonitor(arg []byte) {
	mon, ok := s.t.(Monitor)
	if !ok {
		s.sendEmpty()
		return
	}
	cmd, err := decodeHex(nil, arg)
	if err != nil {
		s.sendProtocolError(err)
		return
	}
	var out monitorOutput
	err = mon.Monitor(string(cmd), &out)
	s.sendOutput(out.buf)
	if err != nil {
		s.sendError(err, EINVAL)
		return
	}
	s.sendOK()
}
