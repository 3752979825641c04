package rsp_test

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
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

// detaches is a copy of the target's detach log, taken under its lock (sessions run in other goroutines).
func detaches(f *rsptest.FakeTarget) []rsp.DetachKind {
	f.Lock()
	defer f.Unlock()
	return append([]rsp.DetachKind(nil), f.Detaches...)
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

			// A second client while the first is attached waits in the queue: not served, not refused.
			second := dial(t, network, l.Addr().String())
			second.SendRaw(rsptest.Frame("m40001000,1"))
			second.ExpectSilence(100 * time.Millisecond)

			// D ends the first; its watchpoint goes, memory stays; then the second is served.
			require.Equal(t, "OK", first.Exchange("D;1"))
			require.Equal(t, byte('+'), second.Byte())
			require.Equal(t, "2a", second.Recv())
			_, _, w := f.Inserted()
			require.Zero(t, w)
			require.Equal(t, []rsp.DetachKind{rsp.DetachPacket}, detaches(f))
			second.Close()
			waitDetaches(t, f, 2)

			third := dial(t, network, l.Addr().String())
			third.Send("k")
			waitDetaches(t, f, 3)
			require.Equal(t, []rsp.DetachKind{rsp.DetachPacket, rsp.DetachEOF, rsp.DetachKill}, detaches(f))

			require.NoError(t, l.Close())
			require.NoError(t, <-served)
		})
	}
}

// A client that connects right after the previous one left is always served, however fast it comes: 200
// connect/close and 200 connect/D sessions back to back, none refused.
func TestServerImmediateReconnects(t *testing.T) {
	const sessions = 200
	for _, network := range []string{"tcp", "unix"} {
		for _, leave := range []string{"close", "D"} {
			t.Run(network+"/"+leave, func(t *testing.T) {
				l := listen(t, network)
				t.Cleanup(func() { l.Close() })
				f := rsptest.NewFakeTarget(1)
				go rsp.NewServer(f, rsp.Options{}).Serve(l)
				for i := 0; i < sessions; i++ {
					conn, err := net.Dial(network, l.Addr().String())
					require.NoError(t, err, "session %d", i)
					cl := rsptest.NewClient(t, conn)
					reply, err := exchangeOrErr(cl, "?")
					require.NoError(t, err, "session %d refused", i)
					require.Equal(t, "T05thread:1;core:0;", reply)
					if leave == "D" {
						reply, err = exchangeOrErr(cl, "D")
						require.NoError(t, err, "session %d", i)
						require.Equal(t, "OK", reply)
					}
					conn.Close()
				}
				waitDetaches(t, f, sessions)
			})
		}
	}
}

// exchangeOrErr sends a packet and reads its reply, returning an EOF or reset instead of failing the test.
func exchangeOrErr(cl *rsptest.Client, payload string) (string, error) {
	cl.SendRaw(rsptest.Frame(payload))
	return cl.TryRecv()
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
			require.Equal(t, []rsp.DetachKind{rsp.DetachEOF}, detaches(f))
		})
	}
}

// A connection that closes without sending a packet (a port probe) is neither an attach nor a detach: the
// target hears nothing of it, and the next client finds it as it was.
func TestServerSilentConnectionChangesNothing(t *testing.T) {
	for _, network := range []string{"tcp", "unix"} {
		t.Run(network, func(t *testing.T) {
			l := listen(t, network)
			t.Cleanup(func() { l.Close() })
			f := rsptest.NewFakeTarget(1)
			go rsp.NewServer(f, rsp.Options{}).Serve(l)

			for _, probe := range []string{"", "+", "garbage"} {
				conn, err := net.Dial(network, l.Addr().String())
				require.NoError(t, err)
				if probe != "" {
					_, err = conn.Write([]byte(probe))
					require.NoError(t, err)
				}
				require.NoError(t, conn.Close())
			}
			cl := dial(t, network, l.Addr().String())
			require.Equal(t, "T05thread:1;core:0;", cl.Exchange("?"))
			require.Equal(t, []string{"Attach"}, f.CallLog())
			cl.Close()
			waitDetaches(t, f, 1)
			require.Equal(t, []rsp.DetachKind{rsp.DetachEOF}, detaches(f))
		})
	}
}

// A client that vanishes with a reset, while the target runs or while it is stopped, is one INFO line
// ("client left"), never a warning, and never logged twice.
func TestServerAbruptCloseLoggedOnce(t *testing.T) {
	for _, running := range []bool{false, true} {
		t.Run(fmt.Sprintf("running=%v", running), func(t *testing.T) {
			core, logs := observer.New(zap.InfoLevel)
			l := listen(t, "tcp")
			t.Cleanup(func() { l.Close() })
			f := rsptest.NewFakeTarget(1)
			go rsp.NewServer(f, rsp.Options{Logger: zap.New(core)}).Serve(l)

			conn, err := net.Dial("tcp", l.Addr().String())
			require.NoError(t, err)
			cl := rsptest.NewClient(t, conn)
			require.Equal(t, "OK", cl.Exchange("Z2,40001000,8"))
			if running {
				cl.Send("vCont;c")
			}
			cl.SendRaw(rsptest.Frame("m40000000,1000")) // a reply the client will not read
			require.NoError(t, conn.(*net.TCPConn).SetLinger(0))
			require.NoError(t, conn.Close()) // RST
			waitDetaches(t, f, 1)
			require.Eventually(t, func() bool { return logs.FilterMessage("client left").Len() == 1 }, 5*time.Second, 5*time.Millisecond)
			for _, e := range logs.All() {
				require.Less(t, e.Level, zap.WarnLevel, "%s %v", e.Message, e.Context)
			}
		})
	}
}

// 1000 clients that reset the connection at random points (mid-packet, mid-reply, while the target runs, with
// points inserted) leave the server answering, every point removed and no goroutine behind.
func TestServerAbruptCloseCycles(t *testing.T) {
	l := listen(t, "tcp")
	t.Cleanup(func() { l.Close() })
	f := rsptest.NewFakeTarget(2)
	go rsp.NewServer(f, rsp.Options{}).Serve(l)
	baseline := runtime.NumGoroutine()
	rng := rand.New(rand.NewPCG(9, 1))
	cuts := []func(cl *rsptest.Client){
		func(cl *rsptest.Client) {}, // connect and reset
		func(cl *rsptest.Client) { cl.SendRaw(rsptest.Frame("Z2,40001000,8")[:7]) },
		func(cl *rsptest.Client) {
			cl.Exchange("Z2,40001000,8")
			cl.Exchange("Z1,40000004,4")
			cl.SendRaw(rsptest.Frame("m40000000,1000")) // reset before reading the reply
		},
		func(cl *rsptest.Client) {
			cl.Exchange("Z0,40000008,4")
			cl.Send("vCont;c") // reset while running
		},
		func(cl *rsptest.Client) {
			cl.Exchange("Z3,40001000,4")
			cl.Send("vCont;c")
			cl.SendRaw("\x03") // reset right after the interrupt
		},
	}
	for i := 0; i < 1000; i++ {
		conn, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		cuts[rng.IntN(len(cuts))](rsptest.NewClient(t, conn))
		require.NoError(t, conn.(*net.TCPConn).SetLinger(0))
		require.NoError(t, conn.Close())
	}
	cl := dial(t, "tcp", l.Addr().String())
	require.Equal(t, "OK", cl.Exchange("Hg1"))
	sw, hw, w := f.Inserted()
	require.Zero(t, sw+hw+w, "points left armed")
	cl.Close()
	// Polled here, not with require.Eventually, whose own goroutine would count.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > baseline && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if runtime.NumGoroutine() > baseline {
		pprof.Lookup("goroutine").WriteTo(os.Stderr, 1)
		t.Fatalf("goroutines: %d, baseline %d", runtime.NumGoroutine(), baseline)
	}
}

// A connection that stays open without a packet is closed after FirstPacketTimeout (nothing attached), so the
// client queued behind it is served.
func TestServerSilentOpenConnectionTimesOut(t *testing.T) {
	l := listen(t, "tcp")
	t.Cleanup(func() { l.Close() })
	f := rsptest.NewFakeTarget(1)
	go rsp.NewServer(f, rsp.Options{FirstPacketTimeout: 50 * time.Millisecond}).Serve(l)

	silent := dial(t, "tcp", l.Addr().String())
	next := dial(t, "tcp", l.Addr().String())
	next.SendRaw(rsptest.Frame("?"))
	next.Timeout = 5 * time.Second
	reply, err := next.TryRecv()
	require.NoError(t, err)
	require.Equal(t, "T05thread:1;core:0;", reply)
	_, err = silent.TryRecv()
	require.Error(t, err, "the silent connection was closed")
	require.Equal(t, []string{"Attach"}, f.CallLog())
}
