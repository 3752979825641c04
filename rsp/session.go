package rsp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// Session serves one client on one connection, in all-stop mode.
//
// While the target is stopped the Run goroutine reads and decodes the
// client's bytes itself: a packet costs no goroutine hand-off. While a
// Resume is in flight (in its own goroutine) a reader goroutine does the
// reads, so that 0x03 and EOF are seen; Run takes the bytes from it and
// reads again itself once the target stopped and that read came back. Only
// the Run goroutine decodes, writes to the connection and calls Target
// methods other than Interrupt.
type Session struct {
	t    Target
	conn io.ReadWriter
	opts Options
	log  *zap.Logger

	dec     *Decoder
	rbuf    []byte         // bytes read from the client
	arm     chan struct{}  // Run → reader: read into rbuf once
	chunks  chan readChunk // reader → Run: the read came back
	reading bool           // the reader owns rbuf (a read is outstanding)
	quit    chan struct{}
	resumed chan resumeResult
	console *consoleBuffer

	prevIn    []byte // the last packet answered from the current read, when more bytes follow it
	prevValid bool   // prevIn came from the current read

	out    []byte  // the last packet sent (kept for a NAK)
	reply  []byte  // the reply being built
	tmp    []byte  // scratch for decoding arguments
	ackBuf [1]byte // '+' or '-' being sent (a literal would be allocated per ack)

	// negotiated
	noAck         bool
	multiprocess  bool
	swbreakFeat   bool
	hwbreakFeat   bool
	binaryUpload  bool
	threadSuffix  bool
	listThreads   bool
	extended      bool
	greeted       bool    // the client has sent a packet (a silent connection changes nothing)
	attached      bool    // a process is attached: from the first packet on, in extended mode until D, k or vKill
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
	connErr   error // why the connection ended, when it failed rather than closed
	err       error
}

type inEvent struct {
	ev      Event
	payload []byte
	err     error // io error, with ev == EventNone
}

// readChunk is what one read by the reader goroutine gave: rbuf[:n] and err.
type readChunk struct {
	n   int
	err error
}

type resumeResult struct {
	stop StopReason
	err  error
}

// readBufferSize is how many bytes one read takes from the client.
const readBufferSize = 4096

// NewSession prepares a session for t on conn; Run serves it.
func NewSession(t Target, conn io.ReadWriter, opts Options) *Session {
	return &Session{
		t:       t,
		conn:    conn,
		opts:    opts,
		log:     opts.logger(),
		dec:     NewDecoder(opts.packetSize()),
		rbuf:    make([]byte, readBufferSize),
		arm:     make(chan struct{}),
		chunks:  make(chan readChunk),
		quit:    make(chan struct{}),
		resumed: make(chan resumeResult, 1),
		console: newConsoleBuffer(64 << 10),
		reply:   make([]byte, 0, opts.packetSize()), // replies are built here without growing
		points:  make(map[pointRequest]int),
		files:   make(map[int]bool),
		nextFD:  3,
	}
}

// Run serves the client until it leaves by D, k or EOF (then it returns nil),
// or until a fatal error (returned). Either way the client's points are
// removed and the Detacher hook is called before Run returns. The target is
// attached at the client's first packet: a connection that closes without
// sending one (a port probe) leaves the target as it was.
func (s *Session) Run() error {
	s.lastStop = StopReason{Kind: StopSignal, Signal: SigTrap, Thread: 1}
	if d, ok := s.conn.(readDeadliner); ok {
		d.SetReadDeadline(time.Now().Add(s.opts.firstPacketTimeout()))
	}
	go s.readLoop()
	defer close(s.quit)
	for !s.done && s.err == nil {
		if !s.running && !s.reading {
			n, err := s.readStopped()
			s.consume(s.rbuf[:n], err)
			continue
		}
		if s.running && !s.reading {
			s.reading = true
			s.arm <- struct{}{}
		}
		select {
		case c := <-s.chunks:
			s.reading = false
			s.consume(s.rbuf[:c.n], c.err)
		case r := <-s.resumed:
			s.onStopped(r)
		case <-s.console.notify:
			if s.running {
				s.flushConsole()
			}
		}
	}
	if !s.reading {
		// One more read, as when a reader always ran: the client's last ack
		// (say, of the reply to D) is taken even on an unbuffered pipe.
		s.reading = true
		s.arm <- struct{}{}
	}
	s.leave(s.detachHow)
	clear(s.files) // vFile handles belong to the connection: they outlive a kill in extended mode
	if c, ok := s.t.(Console); ok && s.greeted {
		c.SetConsole(nil)
	}
	switch {
	case s.err != nil:
		s.log.Warn("session ended", zap.Error(s.err))
		return s.err
	case !s.greeted:
		s.log.Info("client left without a packet; nothing changed")
	case s.connErr != nil:
		s.log.Info("client left", zap.Stringer("how", s.detachHow), zap.NamedError("connection", s.connErr))
	default:
		s.log.Info("client left", zap.Stringer("how", s.detachHow))
	}
	return nil
}

// readDeadliner is a connection whose reads can time out (net.Conn).
type readDeadliner interface{ SetReadDeadline(time.Time) error }

// greet attaches the target when the client's first packet arrives.
func (s *Session) greet() {
	s.greeted = true
	if d, ok := s.conn.(readDeadliner); ok {
		d.SetReadDeadline(time.Time{})
	}
	if err := s.attach(); err != nil {
		s.err = err
		return
	}
	if c, ok := s.t.(Console); ok {
		c.SetConsole(s.console)
	}
}

func (s *Session) attach() error {
	if a, ok := s.t.(Attacher); ok {
		stop, err := a.Attach()
		if err != nil {
			return err
		}
		if stop.Kind != StopExited {
			// Why the target last stopped (a hit, a step) was for the client that resumed it; an attaching
			// client only learns which thread is stopped, or gdb would take an old hit for a new one.
			stop = StopReason{Kind: StopSignal, Signal: SigTrap, Thread: stop.Thread}
		}
		s.lastStop = stop
	}
	s.attached = true
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
		s.dropInterrupt()
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
	if d, ok := s.t.(Detacher); ok {
		d.Detach(how)
	}
}

// readLoop reads for Run while a Resume is in flight: one read per arm.
func (s *Session) readLoop() {
	for {
		select {
		case <-s.arm:
		case <-s.quit:
			return
		}
		n, err := s.conn.Read(s.rbuf)
		select {
		case s.chunks <- readChunk{n: n, err: err}:
		case <-s.quit:
			return
		}
	}
}

// consume decodes bytes the client sent and answers them; err (io.EOF at
// the end of input) ends the session once the bytes are done.
func (s *Session) consume(b []byte, err error) {
	s.prevValid = false
	for i, c := range b {
		if s.done || s.err != nil {
			return
		}
		ev := s.dec.Step(c)
		if ev == EventNone {
			continue
		}
		p := s.dec.Payload()
		if ev == EventPacket && s.retransmitted(p) {
			s.ack('+')
			s.log.Info("retransmitted packet not answered again", zap.String("packet", truncate(p)))
			continue
		}
		if ev == EventPacket && !s.noAck && i+1 < len(b) {
			s.prevIn, s.prevValid = append(s.prevIn[:0], p...), true
		}
		s.onInput(inEvent{ev: ev, payload: p})
	}
	if err != nil && !s.done && s.err == nil {
		if errors.Is(err, io.EOF) {
			err = nil
		}
		s.onInput(inEvent{err: err})
	}
}

// retransmitted reports whether packet p, read in the same read as the packet just answered, is a copy of
// it. A client waits for the reply before it sends its next packet, so such a copy was sent before the reply
// existed: the client resent it because its ack came late (gdb resends after remotetimeout, 2 s, for example
// while a loaded machine starts the server). Answering it too would shift every later reply by one.
func (s *Session) retransmitted(p []byte) bool {
	return s.prevValid && !s.noAck && bytes.Equal(p, s.prevIn)
}

func (s *Session) onInput(in inEvent) {
	switch in.ev {
	case EventNone: // end of input
		s.done, s.detachHow, s.connErr = true, DetachEOF, in.err
	case EventPacket:
		s.ack('+')
		s.onPacket(in.payload)
	case EventBadChecksum:
		if s.noAck { // reliable transport: take it as sent
			s.onPacket(in.payload)
		} else {
			s.log.Info("bad checksum", zap.String("packet", truncate(in.payload)))
			s.ack('-')
		}
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
	s.ackBuf[0] = c
	s.write(s.ackBuf[:])
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
	if !s.greeted {
		if s.greet(); s.err != nil {
			return
		}
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
	if s.err != nil || s.connErr != nil {
		return
	}
	if _, err := s.conn.Write(b); err != nil && !s.done {
		// The client went away (a client that leaves need not read the last
		// reply): that is an EOF, not a failure of the session.
		s.done, s.detachHow, s.connErr = true, DetachEOF, err
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

// recoverPacketPanic turns a panic while answering packet p into a fatal
// session error. (It builds the description only after a panic: recover
// must be called by the deferred function itself.)
func (s *Session) recoverPacketPanic(p []byte) {
	if r := recover(); r != nil {
		s.onPanic("packet "+truncate(p), r)
	}
}

func (s *Session) onPanic(what string, r any) {
	s.log.Error("panic", zap.String("in", what), zap.Any("value", r), zap.Stack("stack"))
	s.err = Fatal(fmt.Errorf("panic in %s: %v", what, r))
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

// pollWindow is how long the session polls for the client's next packet before it sleeps in the poller. A
// debugger sends its next request within tens of microseconds of a reply (a stepi is one vCont and a few memory
// reads); waking a sleeping thread on an idle machine costs hundreds.
const pollWindow = 200 * time.Microsecond

// readStopped reads the client's next bytes while the target is stopped, polling the socket for pollWindow
// before it lets the runtime's poller wait (connections without a file descriptor just read).
func (s *Session) readStopped() (int, error) {
	sc, ok := s.conn.(syscall.Conn)
	if !ok {
		return s.conn.Read(s.rbuf)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return s.conn.Read(s.rbuf)
	}
	n, rerr := 0, error(nil)
	deadline := time.Now().Add(pollWindow)
	err = rc.Read(func(fd uintptr) bool {
		for {
			n, rerr = syscall.Read(int(fd), s.rbuf)
			if rerr == syscall.EINTR {
				continue
			}
			if rerr != syscall.EAGAIN {
				return true
			}
			if time.Now().After(deadline) {
				return false // sleep until readable; the poller calls us again
			}
		}
	})
	if err != nil {
		return 0, err
	}
	if rerr != nil {
		return 0, rerr
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}
