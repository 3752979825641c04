package rsp_test

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

func dial(t *testing.T, network, addr string) *rsptest.Client {
	t.Helper()
	conn, err := net.Dial(network, addr)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return rsptest.NewClient(t, conn)
}

// waitDetaches waits until the target has seen n detaches.
func waitDetaches(t *testing.T, f *rsptest.FakeTarget, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		f.Lock()
		defer f.Unlock()
		return len(f.Detaches) >= n
	}, 5*time.Second, 5*time.Millisecond)
}

// listen opens a loopback TCP listener or a unix socket in a temporary folder.
func listen(t *testing.T, network string) net.Listener {
	t.Helper()
	addr := "127.0.0.1:0"
	if network == "unix" {
		addr = filepath.Join(t.TempDir(), "gdb.sock")
	}
	l, err := net.Listen(network, addr)
	require.NoError(t, err)
	return l
}

func TestServerClientsOneAtATime(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			l := listen(t, network)
			f := rsptest.NewFakeTarget(2)
			srv := rsp.NewServer(f, rsp.Options{})
			served := make(chan error, 1)
			go func() { served <- srv.Serve(l) }()

			first := dial(t, network, l.Addr().String())
			require.Equal(t, "OK", first.Exchange("Z2,40001000,8"))
			require.Equal(t, "OK", first.Exchange("M40001000,1:2a"))

			// A second client while the first is attached is refused.
			second := dial(t, network, l.Addr().String())
			_, err := second.TryRecv()
			require.Error(t, err)

			// D ends the first; its watchpoint goes, memory stays.
			require.Equal(t, "OK", first.Exchange("D;1"))
			waitDetaches(t, f, 1)
			_, _, w := f.Inserted()
			require.Zero(t, w)

			// The next client attaches and sees the same state.
			third := dial(t, network, l.Addr().String())
			require.Equal(t, "2a", third.Exchange("m40001000,1"))
			third.Close()
			waitDetaches(t, f, 2)

			fourth := dial(t, network, l.Addr().String())
			fourth.Send("k")
			waitDetaches(t, f, 3)
			require.Equal(t, []rsp.DetachKind{rsp.DetachPacket, rsp.DetachEOF, rsp.DetachKill}, f.Detaches)

			require.NoError(t, l.Close())
			require.NoError(t, <-served)
		})
	}
}

func TestServeConnStdio(t *testing.T) {
	f := rsptest.NewFakeTarget(1)
	srv := rsp.NewServer(f, rsp.Options{})
	a, b := net.Pipe()
	done := make(chan error, 1)
	go func() { done <- srv.ServeConn(a) }()
	cl := rsptest.NewClient(t, b)
	require.Equal(t, "T05thread:1;core:0;", cl.Exchange("?"))
	require.Error(t, srv.ServeConn(a)) // one client at a time
	require.Equal(t, "OK", cl.Exchange("D"))
	require.NoError(t, <-done)
}

func TestPacketLogging(t *testing.T) {
	core, logs := observer.New(zap.InfoLevel)
	f := rsptest.NewFakeTarget(1)
	cl, done := rsptest.StartSession(t, f, rsp.Options{Logger: zap.New(core), LogPackets: true})
	require.Equal(t, "OK", cl.Exchange("Hg1"))
	cl.Exchange("m40000000,1000")
	require.Equal(t, "OK", cl.Exchange("D"))
	<-done
	var msgs []string
	for _, e := range logs.All() {
		msgs = append(msgs, e.Message)
	}
	require.Contains(t, msgs, "<- Hg1")
	require.Contains(t, msgs, "-> OK")
	for _, m := range msgs {
		require.LessOrEqual(t, len(m), 210, "log lines are truncated")
	}
	require.True(t, strings.HasPrefix(msgs[len(msgs)-1], "client left"))
}

// Over a socket the session polls briefly for the next packet, then sleeps; packets that come at once, late, or
// split across writes are all answered, and EOF still ends the session.
func TestSocketPacketsEarlyLateAndSplit(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			l := listen(t, network)
			f := rsptest.NewFakeTarget(2)
			srv := rsp.NewServer(f, rsp.Options{})
			go srv.Serve(l)
			t.Cleanup(func() { l.Close() })

			cl := dial(t, network, l.Addr().String())
			for i := 0; i < 50; i++ {
				require.Equal(t, "OK", cl.Exchange("Hg1")) // back to back: inside the poll window
			}
			time.Sleep(20 * time.Millisecond) // past it: the session sleeps in the poller
			require.Equal(t, "OK", cl.Exchange("Hg2"))
			frame := rsptest.Frame("Hg1")
			cl.SendRaw(frame[:3])
			time.Sleep(5 * time.Millisecond)
			cl.SendRaw(frame[3:])
			require.Equal(t, "OK", strings.TrimPrefix(cl.Recv(), "+"))
			cl.Close()
			waitDetaches(t, f, 1)
			require.Equal(t, []rsp.DetachKind{rsp.DetachEOF}, f.Detaches)
		})
	}
}
