package rsp

import (
	"errors"

	"go.uber.org/zap"
)

// Breakpoints and watchpoints: Z0..Z4 and z0..z4, counted per
// (type, address, kind) so that the target sees one add for the first Z and
// one remove for the last z.

func (s *Session) handleInsertPoint(arg []byte) {
	p, err := parsePoint(arg)
	if err != nil {
		if p.Type == 0xff {
			s.sendEmpty() // an unknown type is unsupported, as the manual says
			return
		}
		s.sendProtocolError(err)
		return
	}
	if (p.Type >= 2 && p.Kind == 0) || (p.Type < 2 && p.Kind > 64) {
		s.sendErrno(EINVAL)
		return
	}
	if s.points[p] > 0 {
		s.points[p]++
		s.sendOK()
		return
	}
	if err := s.addPoint(p); err != nil {
		if s.acceptedTypes[p.Type] && isUnsupported(err) {
			err = EPERM // never empty after an OK for this type
		}
		s.log.Debug("insert point failed", zap.Uint8("type", p.Type), zap.Uint64("addr", p.Addr), zap.Error(err))
		s.sendError(err, EPERM)
		return
	}
	if len(s.points) >= 1<<16 { // bound the table; the target decides real limits
		_ = s.removePoint(p)
		s.sendErrno(ENOSPC)
		return
	}
	s.points[p] = 1
	s.acceptedTypes[p.Type] = true
	s.sendOK()
}

func (s *Session) handleRemovePoint(arg []byte) {
	p, err := parsePoint(arg)
	if err != nil {
		if p.Type == 0xff {
			s.sendEmpty()
			return
		}
		s.sendProtocolError(err)
		return
	}
	switch n := s.points[p]; {
	case n == 0:
		if !s.supportsPoint(p.Type) {
			s.sendEmpty()
			return
		}
		s.sendOK() // removing what is not there is not an error
	case n > 1:
		s.points[p]--
		s.sendOK()
	default:
		if err := s.removePoint(p); err != nil {
			if isUnsupported(err) {
				err = EPERM
			}
			s.sendError(err, EPERM)
			return
		}
		delete(s.points, p)
		s.sendOK()
	}
}

func isUnsupported(err error) bool { return errors.Is(err, ErrUnsupported) }

func (s *Session) supportsPoint(typ uint8) bool {
	switch typ {
	case 0:
		_, ok := s.t.(SwBreakpoints)
		return ok
	case 1:
		_, ok := s.t.(HwBreakpoints)
		return ok
	}
	_, ok := s.t.(HwWatchpoints)
	return ok
}

func watchKindOf(typ uint8) WatchKind {
	switch typ {
	case 3:
		return WatchRead
	case 4:
		return WatchAccess
	}
	return WatchWrite
}

func (s *Session) addPoint(p pointRequest) error {
	switch p.Type {
	case 0:
		if b, ok := s.t.(SwBreakpoints); ok {
			return b.AddSwBreakpoint(p.Addr, int(p.Kind))
		}
	case 1:
		if b, ok := s.t.(HwBreakpoints); ok {
			return b.AddHwBreakpoint(p.Addr, int(p.Kind))
		}
	default:
		if w, ok := s.t.(HwWatchpoints); ok {
			return w.AddWatchpoint(p.Addr, p.Kind, watchKindOf(p.Type))
		}
	}
	return ErrUnsupported
}

func (s *Session) removePoint(p pointRequest) error {
	switch p.Type {
	case 0:
		if b, ok := s.t.(SwBreakpoints); ok {
			return b.RemoveSwBreakpoint(p.Addr, int(p.Kind))
		}
	case 1:
		if b, ok := s.t.(HwBreakpoints); ok {
			return b.RemoveHwBreakpoint(p.Addr, int(p.Kind))
		}
	default:
		if w, ok := s.t.(HwWatchpoints); ok {
			return w.RemoveWatchpoint(p.Addr, p.Kind, watchKindOf(p.Type))
		}
	}
	return ErrUnsupported
}
