package rsp

import "bytes"

// handler answers one packet; arg is the packet after its name.
type handler func(s *Session, arg []byte)

// letterHandlers answers the one-letter packets, indexed by that letter.
var letterHandlers = [256]handler{
	'?': (*Session).handleQuestion,
	'g': (*Session).handleReadRegisters,
	'G': (*Session).handleWriteRegisters,
	'p': (*Session).handleReadRegister,
	'P': (*Session).handleWriteRegister,
	'm': (*Session).handleReadMemory,
	'M': (*Session).handleWriteMemory,
	'X': (*Session).handleWriteBinary,
	'x': (*Session).handleReadBinary,
	'c': (*Session).handleContinue,
	'C': (*Session).handleContinueSignal,
	's': (*Session).handleStep,
	'S': (*Session).handleStepSignal,
	'H': (*Session).handleSetThread,
	'T': (*Session).handleThreadAlive,
	'Z': (*Session).handleInsertPoint,
	'z': (*Session).handleRemovePoint,
	'D': (*Session).handleDetach,
	'k': (*Session).handleKill,
	'!': (*Session).handleExtended,
	'R': (*Session).handleRestart,
}

// namedHandlers answers the q, Q and v packets by the name before the first
// ':', ',' or ';'.
var namedHandlers = map[string]handler{
	"qSupported":              (*Session).handleSupported,
	"QStartNoAckMode":         (*Session).handleStartNoAck,
	"vMustReplyEmpty":         (*Session).handleEmpty,
	"qAttached":               (*Session).handleAttached,
	"qC":                      (*Session).handleCurrentThread,
	"qfThreadInfo":            (*Session).handleThreadInfoFirst,
	"qsThreadInfo":            (*Session).handleThreadInfoNext,
	"qThreadExtraInfo":        (*Session).handleThreadExtraInfo,
	"qXfer":                   (*Session).handleXfer,
	"qRcmd":                   (*Session).handleMonitor,
	"vCont?":                  (*Session).handleVContQuery,
	"vCont":                   (*Session).handleVCont,
	"vFile":                   (*Session).handleVFile,
	"vKill":                   (*Session).handleVKill,
	"vAttach":                 (*Session).handleVAttach,
	"vRun":                    (*Session).handleRun,
	"vCtrlC":                  (*Session).handleOK, // nothing runs when a packet is answered
	"qHostInfo":               (*Session).handleHostInfo,
	"qProcessInfo":            (*Session).handleProcessInfo,
	"qWatchpointSupportInfo":  (*Session).handleWatchpointSupportInfo,
	"QThreadSuffixSupported":  (*Session).handleThreadSuffix,
	"QListThreadsInStopReply": (*Session).handleListThreadsInStopReply,
	// Known and deliberately unsupported: the empty reply.
	"qTStatus":     (*Session).handleEmpty,
	"qOffsets":     (*Session).handleEmpty,
	"qSymbol":      (*Session).handleEmpty,
	"qTfV":         (*Session).handleEmpty,
	"qTfP":         (*Session).handleEmpty,
	"QNonStop":     (*Session).handleEmpty,
	"jThreadsInfo": (*Session).handleEmpty,
}

// prefixHandlers are q packets whose argument follows the name directly.
var prefixHandlers = []struct {
	name string
	fn   handler
}{
	{"qRegisterInfo", (*Session).handleRegisterInfo},
	{"qThreadStopInfo", (*Session).handleThreadStopInfo},
}

// lookup finds the handler for a packet and the argument it gets.
func lookup(p []byte) (handler, []byte) {
	if len(p) == 0 {
		return nil, nil
	}
	switch p[0] {
	case 'q', 'Q', 'v':
		end := bytes.IndexAny(p, ":,;")
		if end < 0 {
			end = len(p)
		}
		if h, ok := namedHandlers[string(p[:end])]; ok {
			arg := p[end:]
			if len(arg) > 0 {
				arg = arg[1:]
			}
			return h, arg
		}
		for _, e := range prefixHandlers {
			if bytes.HasPrefix(p, []byte(e.name)) {
				return e.fn, p[len(e.name):]
			}
		}
		return nil, nil
	}
	return letterHandlers[p[0]], p[1:]
}

// dispatch answers one packet; unknown packets get the empty reply. A
// panic in a handler or a target method ends the session, not the process.
func dispatch(s *Session, p []byte) {
	defer s.recoverPacketPanic(p)
	if s.refuseWithoutProcess(p) {
		return
	}
	h, arg := lookup(p)
	if h == nil {
		s.sendEmpty()
		return
	}
	h(s, arg)
}

func (s *Session) handleEmpty([]byte) { s.sendEmpty() }
func (s *Session) handleOK([]byte)    { s.sendOK() }
