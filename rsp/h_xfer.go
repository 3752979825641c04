package rsp

import (
	"errors"
	"strconv"
)

// qXfer:features:read, qXfer:threads:read and qXfer:exec-file:read.

func (s *Session) handleXfer(arg []byte) {
	req, err := parseXfer(arg)
	if err != nil {
		if errors.Is(err, ErrUnsupported) {
			s.sendEmpty()
			return
		}
		s.sendProtocolError(err)
		return
	}
	var doc []byte
	switch req.Object {
	case "features":
		td, ok := s.t.(TargetDescription)
		if !ok {
			s.sendEmpty()
			return
		}
		doc, ok = td.TargetXML(req.Annex)
		if !ok {
			s.sendErrno(ENOENT)
			return
		}
	case "threads":
		if req.Annex != "" {
			s.sendErrno(EINVAL)
			return
		}
		doc = s.threadsXML()
	case "exec-file":
		ef, ok := s.t.(ExecFile)
		if !ok {
			s.sendEmpty()
			return
		}
		if req.Annex != "" {
			pid, err := parseHexUint([]byte(req.Annex))
			if err != nil || pid != 1 {
				s.sendErrno(ENOENT)
				return
			}
		}
		name, _, ok := ef.ExecFile()
		if !ok {
			s.sendErrno(ENOENT)
			return
		}
		doc = []byte(name)
	default:
		s.sendEmpty()
		return
	}
	s.sendXferChunk(doc, req.Offset, req.Length)
}

// sendXferChunk sends doc[offset:offset+length] as an 'm' (more) or 'l'
// (last) reply, never larger than the packet size.
func (s *Session) sendXferChunk(doc []byte, offset, length uint64) {
	length = min(length, uint64(s.opts.packetSize()-8)/2) // escapes may double it
	if offset >= uint64(len(doc)) {
		s.sendString("l")
		return
	}
	end := uint64(len(doc))
	if length < end-offset {
		end = offset + length
	}
	r := append(s.reply[:0], 'm')
	if end == uint64(len(doc)) {
		r[0] = 'l'
	}
	s.send(AppendEscaped(r, doc[offset:end]))
}

// threadsXML is the qXfer:threads:read document: one thread per CPU.
func (s *Session) threadsXML() []byte {
	b := []byte(`<?xml version="1.0"?>` + "\n<threads>\n")
	ti, hasInfo := s.t.(ThreadExtraInfo)
	for tid := 1; tid <= s.numThreads(); tid++ {
		b = append(b, `<thread id="`...)
		b = s.appendThreadID(b, tid)
		b = append(b, `" core="`...)
		b = strconv.AppendInt(b, int64(tid-1), 10)
		b = append(b, `" name="cpu`...)
		b = strconv.AppendInt(b, int64(tid-1), 10)
		b = append(b, `">`...)
		if hasInfo {
			b = appendXMLText(b, ti.ThreadExtraInfo(tid))
		}
		b = append(b, "</thread>\n"...)
	}
	return append(b, "</threads>\n"...)
}

func appendXMLText(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '&':
			dst = append(dst, "&amp;"...)
		case '"':
			dst = append(dst, "&quot;"...)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
