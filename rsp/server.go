package rsp

import (
	"errors"
	"io"
	"net"
	"sync"

	"go.uber.org/zap"
)

// Server serves one client at a time on a listener; a new client can attach
// after the previous one left (D, k or EOF). Clients that connect while
// another is attached are refused.
type Server struct {
	t    Target
	opts Options
	log  *zap.Logger

	mu   sync.Mutex
	busy bool
}

// NewServer returns a server for t.
func NewServer(t Target, opts Options) *Server {
	return &Server{t: t, opts: opts, log: opts.logger()}
}

// Serve accepts clients on l until l is closed; then it returns nil (a
// session still running ends when its client leaves).
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
		s.mu.Lock()
		busy := s.busy
		s.busy = true
		s.mu.Unlock()
		if busy {
			s.log.Warn("refusing a second client", zap.Stringer("remote", conn.RemoteAddr()))
			conn.Close()
			continue
		}
		go func() {
			defer func() {
				s.mu.Lock()
				s.busy = false
				s.mu.Unlock()
			}()
			defer conn.Close()
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetNoDelay(true)
			}
			s.log.Info("client attached", zap.Stringer("remote", conn.RemoteAddr()))
			if err := s.serve(conn); err != nil {
				s.log.Warn("session failed", zap.Error(err))
			}
		}()
	}
}

// ServeConn runs one session on conn (for example stdin/stdout) and returns
// when the client leaves.
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
	return s.serve(conn)
}

func (s *Server) serve(conn io.ReadWriter) error {
	return NewSession(s.t, conn, s.opts).Run()
}
