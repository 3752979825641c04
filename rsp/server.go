package rsp

import (
	"errors"
	"io"
	"net"
	"sync"

	"go.uber.org/zap"
)

// Server serves one client at a time. Serve accepts the next connection only
// once the previous session has ended and its cleanup (points removed,
// Detacher called) is done: a client that connects meanwhile waits in the
// listener's backlog, as with gdbserver and QEMU, and is served in turn.
type Server struct {
	t    Target
	opts Options
	log  *zap.Logger

	mu   sync.Mutex // one session at a time across Serve and ServeConn
	busy bool
}

// NewServer returns a server for t.
func NewServer(t Target, opts Options) *Server {
	return &Server{t: t, opts: opts, log: opts.logger()}
}

// Serve accepts clients on l one after the other until l is closed; then it
// returns nil (after the session running at that moment has ended).
func (s *Server) Serve(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		s.log.Info("client connected", zap.Stringer("remote", conn.RemoteAddr()))
		s.ServeConn(conn) // the session logs how it ended
		conn.Close()
	}
}

// ServeConn runs one session on conn (for example stdin/stdout) and returns
// when the client leaves. It fails at once if another session is running.
func (s *Server) ServeConn(conn io.ReadWriter) error {
	s.mu.Lock()
	if s.busy {
		s.mu.Unlock()
		return errors.New("rsp: a client is already attached")
	}
	s.busy = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.busy = false
		s.mu.Unlock()
	}()
	return NewSession(s.t, conn, s.opts).Run()
}
