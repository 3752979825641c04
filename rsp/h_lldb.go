package rsp

import "strconv"

// lldb's extra queries: qHostInfo, qProcessInfo, qWatchpointSupportInfo,
// qRegisterInfo.

func (s *Session) handleHostInfo([]byte) {
	li, ok := s.t.(LLDBInfo)
	if !ok {
		s.sendEmpty()
		return
	}
	r := append(s.reply[:0], "triple:"...)
	r = appendHexString(r, li.Triple())
	r = append(r, ";endian:little;ptrsize:8;watchpoint_exceptions_received:before;"...)
	s.send(r)
}

func (s *Session) handleProcessInfo([]byte) {
	li, ok := s.t.(LLDBInfo)
	if !ok {
		s.sendEmpty()
		return
	}
	r := append(s.reply[:0], "pid:1;parent-pid:1;real-uid:0;real-gid:0;effective-uid:0;effective-gid:0;triple:"...)
	r = appendHexString(r, li.Triple())
	r = append(r, ";endian:little;ptrsize:8;"...)
	s.send(r)
}

func (s *Session) handleWatchpointSupportInfo([]byte) {
	li, ok := s.t.(LLDBInfo)
	if !ok {
		s.sendEmpty()
		return
	}
	r := append(s.reply[:0], "num:"...)
	r = strconv.AppendInt(r, int64(li.WatchpointSlots()), 10)
	s.send(append(r, ';'))
}

func (s *Session) handleRegisterInfo(arg []byte) {
	li, ok := s.t.(LLDBInfo)
	if !ok {
		s.sendEmpty()
		return
	}
	n, err := parseHexUint(arg)
	if err != nil || n > 0xffff {
		s.sendErrno(0x45)
		return
	}
	info, ok := li.RegisterInfo(int(n))
	if !ok {
		s.sendErrno(0x45) // lldb's "no more registers"
		return
	}
	r := append(s.reply[:0], "name:"...)
	r = append(r, info.Name...)
	if info.AltName != "" {
		r = append(r, ";alt-name:"...)
		r = append(r, info.AltName...)
	}
	r = append(r, ";bitsize:"...)
	r = strconv.AppendInt(r, int64(info.BitSize), 10)
	r = append(r, ";offset:"...)
	r = strconv.AppendInt(r, int64(info.Offset), 10)
	r = append(r, ";encoding:"...)
	r = append(r, orDefault(info.Encoding, "uint")...)
	r = append(r, ";format:"...)
	r = append(r, orDefault(info.Format, "hex")...)
	r = append(r, ";set:"...)
	r = append(r, orDefault(info.Set, "General Purpose Registers")...)
	if info.DWARF >= 0 {
		r = append(r, ";ehframe:"...)
		r = strconv.AppendInt(r, int64(info.DWARF), 10)
		r = append(r, ";dwarf:"...)
		r = strconv.AppendInt(r, int64(info.DWARF), 10)
	}
	if info.Generic != "" {
		r = append(r, ";generic:"...)
		r = append(r, info.Generic...)
	}
	s.send(append(r, ';'))
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
