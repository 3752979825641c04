package rsp

import "bytes"

// Typed parse results for the packets whose arguments have structure. Every
// parser returns a ProtocolError for malformed input and never panics.

// ThreadID is a parsed thread-id: "p1.2", "p1.-1", "p1", "-1", "0" or bare
// hex ("2", "0001"). Pid and Tid are -1 for "all" and 0 for "any".
type ThreadID struct {
	Pid int
	Tid int
}

// Predefined thread-id values.
const (
	AllThreads = -1
	AnyThread  = 0
)

// parseThreadID parses a thread-id. Without a pid, the pid is "any".
func parseThreadID(b []byte) (ThreadID, error) {
	if len(b) == 0 {
		return ThreadID{}, ProtocolError("missing thread-id")
	}
	if b[0] == 'p' {
		rest := b[1:]
		pidPart, tidPart, hasTid := bytes.Cut(rest, []byte{'.'})
		pid, err := parseIDPart(pidPart)
		if err != nil {
			return ThreadID{}, err
		}
		if !hasTid {
			return ThreadID{Pid: pid, Tid: AllThreads}, nil
		}
		tid, err := parseIDPart(tidPart)
		if err != nil {
			return ThreadID{}, err
		}
		return ThreadID{Pid: pid, Tid: tid}, nil
	}
	tid, err := parseIDPart(b)
	if err != nil {
		return ThreadID{}, err
	}
	return ThreadID{Pid: AnyThread, Tid: tid}, nil
}

// parseIDPart parses "-1" or a hex number that fits an int32.
func parseIDPart(b []byte) (int, error) {
	if len(b) == 2 && b[0] == '-' && b[1] == '1' {
		return AllThreads, nil
	}
	v, err := parseHexUint(b)
	if err != nil {
		return 0, err
	}
	if v > 0x7fffffff {
		return 0, ProtocolError("thread-id out of range")
	}
	return int(v), nil
}

// memRange is "addr,length" of m, M, X, x.
type memRange struct {
	Addr uint64
	Len  uint64
}

func parseMemRange(b []byte) (memRange, error) {
	a, l, ok := bytes.Cut(b, []byte{','})
	if !ok {
		return memRange{}, ProtocolError("missing length")
	}
	addr, err := parseHexUint(a)
	if err != nil {
		return memRange{}, err
	}
	n, err := parseHexUint(l)
	if err != nil {
		return memRange{}, err
	}
	return memRange{Addr: addr, Len: n}, nil
}

// pointRequest is a parsed Z/z packet: "type,addr,kind[;cond...]".
type pointRequest struct {
	Type uint8 // 0..4
	Addr uint64
	Kind uint64 // breakpoint kind, or watchpoint length
}

func parsePoint(b []byte) (pointRequest, error) {
	b, _, _ = bytes.Cut(b, []byte{';'}) // conditions and commands are ignored
	f := bytes.SplitN(b, []byte{','}, 4)
	if len(f) != 3 {
		return pointRequest{}, ProtocolError("Z wants type,addr,kind")
	}
	if len(f[0]) != 1 || f[0][0] < '0' || f[0][0] > '4' {
		return pointRequest{Type: 0xff}, ProtocolError("bad Z type")
	}
	addr, err := parseHexUint(f[1])
	if err != nil {
		return pointRequest{}, err
	}
	kind, err := parseHexUint(f[2])
	if err != nil {
		return pointRequest{}, err
	}
	return pointRequest{Type: f[0][0] - '0', Addr: addr, Kind: kind}, nil
}

// vContAction is one action of a vCont packet; Thread is nil for the
// default action.
type vContAction struct {
	Kind   ActionKind
	Signal uint8
	Thread *ThreadID
}

// parseVCont parses the part after "vCont;".
func parseVCont(b []byte) ([]vContAction, error) {
	if len(b) == 0 {
		return nil, ProtocolError("vCont without actions")
	}
	if bytes.Count(b, []byte{';'}) >= 256 {
		return nil, ProtocolError("too many vCont actions")
	}
	parts := bytes.Split(b, []byte{';'})
	acts := make([]vContAction, 0, len(parts))
	for _, p := range parts {
		act, tid, hasTid := bytes.Cut(p, []byte{':'})
		if len(act) == 0 {
			return nil, ProtocolError("empty vCont action")
		}
		var a vContAction
		switch act[0] {
		case 'c', 's':
			if len(act) != 1 {
				return nil, ProtocolError("bad vCont action")
			}
			a.Kind = ActionContinue
			if act[0] == 's' {
				a.Kind = ActionStep
			}
		case 'C', 'S':
			sig, err := parseHexUint(act[1:])
			if err != nil || sig > 0xff {
				return nil, ProtocolError("bad vCont signal")
			}
			a.Kind, a.Signal = ActionContinue, uint8(sig)
			if act[0] == 'S' {
				a.Kind = ActionStep
			}
		default:
			return nil, ProtocolError("unsupported vCont action")
		}
		if hasTid {
			t, err := parseThreadID(tid)
			if err != nil {
				return nil, err
			}
			a.Thread = &t
		}
		acts = append(acts, a)
	}
	return acts, nil
}

// xferRequest is "qXfer:object:read:annex:offset,length".
type xferRequest struct {
	Object string
	Annex  string
	Offset uint64
	Length uint64
}

func parseXfer(b []byte) (xferRequest, error) {
	// b is after "qXfer:"
	f := bytes.SplitN(b, []byte{':'}, 4)
	if len(f) != 4 {
		return xferRequest{}, ProtocolError("qXfer wants object:read:annex:offset,length")
	}
	if string(f[1]) != "read" {
		return xferRequest{Object: string(f[0])}, ErrUnsupported
	}
	r, err := parseMemRange(f[3])
	if err != nil {
		return xferRequest{}, err
	}
	return xferRequest{Object: string(f[0]), Annex: string(f[2]), Offset: r.Addr, Length: r.Len}, nil
}

// splitThreadSuffix removes lldb's ";thread:XXXX;" suffix from a packet
// argument and returns the argument and the thread-id, if any.
func splitThreadSuffix(b []byte) ([]byte, *ThreadID, error) {
	i := bytes.Index(b, []byte(";thread:"))
	if i < 0 {
		return b, nil, nil
	}
	rest := bytes.TrimSuffix(b[i+len(";thread:"):], []byte{';'})
	t, err := parseThreadID(rest)
	if err != nil {
		return b[:i], nil, err
	}
	return b[:i], &t, nil
}
