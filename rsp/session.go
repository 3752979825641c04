package rsp

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"go.uber.org/zap"
)

// Session serves one client on one connection, in all-stop mode.
//
// Two goroutines besides the caller's: one reads bytes and decodes them
// (so that 0x03 can interrupt a running target), and one runs Target.Resume
// while the target runs. Only the Run goroutine writes to the connection and
// calls Target methods other than Interrupt.
type Session struct {
	t    Target
	conn io.ReadWriter
	opts Options
	log  *zap.Logger

	dec     *Decoder
	events  chan inEvent
	free    chan []byte // payload buffers not in use
	quit    chan struct{}
	resumed chan resumeResult
	console *consoleBuffer

	out   []byte // the last packet sent (kept for a NAK)
	reply []byte // the reply being built
	tmp   []byte // scratch for decoding arguments

	// negotiated
	noAck         bool
	multiprocess  bool
	swbreakFeat   bool
	hwbreakFeat   bool
	binaryUpload  bool
	threadSuffix  bool
	listThreads   bool
	extended      bool
	attached      bool
	acceptedTypes [5]bool // Z types answered OK at least once

	gThread  int
	cThread  int
	lastStop StopReason
	running  bool
	points   map[pointRequest]int
	files    map[int]bool
	nextFD   int

	done      bool
	detachHow DetachKind
	err       error
}

type inEvent struct {
	ev      Event
	payload []byte
	err     error // io error, with ev == EventNone
}

type resumeResult struct {
	stop StopReason
	err  error
}

// payloadBuffers is how many received packets may be in flight between the
// reader and Run.
const payloadBuffers = 3

// NewSession prepares a session for t on conn; Run serves it.
func NewSession(t Target, conn io.ReadWriter, opts Options) *Session {
	return &Session{
		t:       t,
		conn:    conn,
		opts:    opts,
		log:     opts.logger(),
		dec:     NewDecoder(opts.packetSize()),
		events:  make(chan inEvent, 16),
		free:    make(chan []byte, payloadBuffers),
		quit:    make(chan struct{}),
		resumed: make(chan resumeResult, 1),
		console: newConsoleBuffer(64 << 10),
		points:  make(map[pointRequest]int),
		files:   make(map[int]bool),
		nextFD:  3,
	}
}

// Run serves the client until it leaves by D, k or EOF (then it returns nil),
// or until a fatal error (returned). Either way the client's points are
// removed and the Detacher hook is called before Run returns.
func (s *Session) Run() error {
	s.lastStop = StopReason{Kind: StopSignal, Signal: SigTrap, Thread: 1}
	for i := 0; i < payloadBuffers-1; i++ { // the decoder holds the last one
		s.free <- make([]byte, 0, s.opts.packetSize())
	}
	if err := s.attach(); err != nil {
		return err
	}
	if c, ok := s.t.(Console); ok {
		c.SetConsole(s.console)
		defer c.SetConsole(nil)
	}
	go s.readLoop()
	defer close(s.quit)
	for !s.done && s.err == nil {
		select {
		case in := <-s.events:
			s.onInput(in)
		case r := <-s.resumed:
			s.onStopped(r)
		case <-s.console.notify:
			if s.running {
				s.flushConsole()
			}
		}
	}
	s.leave(s.detachHow)
	if s.err != nil {
		s.log.Warn("session ended", zap.Error(s.err))
		return s.err
	}
	s.log.Info("client left", zap.Stringer("how", s.detachHow))
	return nil
}

func (s *Session) attach() error {
	s.attached = true
	if a, ok := s.t.(Attacher); ok {
		stop, err := a.Attach()
		if err != nil {
			return err
		}
		s.lastStop = stop
	}
	s.gThread, s.cThread = s.stopThread(s.lastStop), AnyThread
	return nil
}

// leave stops a running target, removes the client's points and calls the
// detach hook. It runs once per attachment.
func (s *Session) leave(how DetachKind) {
	if !s.attached {
		return
	}
	s.attached = false
	if s.running {
		s.t.Interrupt()
		r := <-s.resumed
		s.running = false
		if r.err == nil {
			s.lastStop = r.stop
		}
	}
	for p, n := range s.points {
		if n > 0 {
			if err := s.removePoint(p); err != nil {
				s.log.Warn("removing point on detach", zap.Uint8("type", p.Type), zap.Uint64("addr", p.Addr), zap.Error(err))
			}
		}
		delete(s.points, p)
	}
	clear(s.files)
	if d, ok := s.t.(Detacher); ok {
		d.Detach(how)
	}
}

// readLoop decodes the client's bytes and hands events to Run. A packet's
// payload buffer goes with it and comes back through s.free, so reading
// (acks, Ctrl-C) goes on while Run answers.
func (s *Session) readLoop() {
	buf := make([]byte, 4096)
	for {
		n, err := s.conn.Read(buf)
		for _, c := range buf[:n] {
			ev := s.dec.Step(c)
			if ev == EventNone {
				continue
			}
			in := inEvent{ev: ev}
			if ev == EventPacket || ev == EventBadChecksum {
				var next []byte
				select {
				case next = <-s.free:
				case <-s.quit:
					return
				}
				in.payload = s.dec.Swap(next)
			}
			select {
			case s.events <- in:
			case <-s.quit:
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			select {
			case s.events <- inEvent{err: err}:
			case <-s.quit:
			}
			return
		}
	}
}

func (s *Session) onInput(in inEvent) {
	switch in.ev {
	case EventNone: // end of input
		if in.err != nil {
			s.log.Info("connection error", zap.Error(in.err))
		}
		s.done, s.detachHow = true, DetachEOF
	case EventPacket:
		s.ack('+')
		s.onPacket(in.payload)
		s.free <- in.payload[:0]
	case EventBadChecksum:
		if s.noAck { // reliable transport: take it as sent
			s.onPacket(in.payload)
		} else {
			s.log.Info("bad checksum", zap.String("packet", truncate(in.payload)))
			s.ack('-')
		}
		s.free <- in.payload[:0]
	case EventOverflow:
		s.ack('+')
		s.log.Info("packet too long", zap.Int("limit", s.opts.packetSize()))
		if !s.running {
			s.sendErrno(EINVAL)
		}
	case EventAck:
	case EventNak:
		if !s.noAck && len(s.out) > 0 {
			s.write(s.out)
		}
	case EventInterrupt:
		if s.running {
			s.log.Debug("interrupt")
			s.t.Interrupt()
		}
	}
}

func (s *Session) ack(c byte) {
	if s.noAck {
		return
	}
	s.write([]byte{c})
}

func (s *Session) onPacket(p []byte) {
	if s.opts.LogPackets {
		s.log.Info("<- " + truncate(p))
	}
	if s.running {
		// In all-stop mode the client only interrupts a running target.
		s.log.Info("packet while running ignored", zap.String("packet", truncate(p)))
		return
	}
	s.reply = s.reply[:0]
	dispatch(s, p)
}

// send sends payload as one packet.
func (s *Session) send(payload []byte) {
	if s.opts.LogPackets {
		s.log.Info("-> " + truncate(payload))
	}
	s.out = AppendPacket(s.out[:0], payload, !s.opts.NoRLE)
	s.write(s.out)
}

func (s *Session) write(b []byte) {
	if s.err != nil {
		return
	}
	if _, err := s.conn.Write(b); err != nil && !s.done {
		s.err = err // a client that leaves need not read the last reply
	}
}

func (s *Session) sendString(str string) { s.send(append(s.reply[:0], str...)) }
func (s *Session) sendOK()               { s.sendString("OK") }
func (s *Session) sendEmpty()            { s.send(s.reply[:0]) }
func (s *Session) sendErrno(e Errno) {
	s.send(append(s.reply[:0], 'E', hexDigits[e>>4], hexDigits[e&15]))
}

// sendError answers a failed target call: ErrUnsupported → empty,
// Errno → Enn, FatalError → end the session, other → def.
func (s *Session) sendError(err error, def Errno) {
	var fe *FatalError
	switch {
	case errors.As(err, &fe):
		s.err = err
	case errors.Is(err, ErrUnsupported):
		s.sendEmpty()
	default:
		s.sendErrno(errnoOf(err, def))
	}
}

// sendProtocolError answers a malformed packet.
func (s *Session) sendProtocolError(err error) {
	s.log.Info("malformed packet", zap.Error(err))
	if errors.Is(err, ErrUnsupported) {
		s.sendEmpty()
		return
	}
	s.sendErrno(EINVAL)
}

// recoverPanic turns a panic into a fatal session error.
func (s *Session) recoverPanic(what string) {
	if r := recover(); r != nil {
		s.log.Error("panic", zap.String("in", what), zap.Any("value", r), zap.Stack("stack"))
		s.err = Fatal(fmt.Errorf("panic in %s: %v", what, r))
	}
}

func truncate(p []byte) string {
	const max = 200
	if len(p) > max {
		return string(p[:max]) + "..."
	}
	return string(p)
}

// consoleBuffer collects console text from the target without blocking it.
type consoleBuffer struct {
	mu     sync.Mutex
	buf    []byte
	max    int
	notify chan struct{}
}

func newConsoleBuffer(max int) *consoleBuffer {
	return &consoleBuffer{max: max, notify: make(chan struct{}, 1)}
}

func (c *consoleBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	room := c.max - len(c.buf)
	if room > len(p) {
		room = len(p)
	}
	if room > 0 {
		c.buf = append(c.buf, p[:room]...)
	}
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (c *consoleBuffer) take(dst []byte) []byte {
	c.mu.Lock()
	dst = append(dst, c.buf...)
	c.buf = c.buf[:0]
	c.mu.Unlock()
	return dst
}

// flushConsole sends pending console text as 'O' packets.
func (s *Session) flushConsole() {
	s.tmp = s.console.take(s.tmp[:0])
	s.sendOutput(s.tmp)
}

// sendOutput sends text as 'O' packets of at most a packet's size.
func (s *Session) sendOutput(text []byte) {
	chunk := (s.opts.packetSize() - 1) / 2
	for len(text) > 0 {
		n := min(len(text), chunk)
		s.reply = appendHex(append(s.reply[:0], 'O'), text[:n])
		s.send(s.reply)
		text = text[n:]
	}
}

func (c *consoleBuffer) pending() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.buf) > 0
}
