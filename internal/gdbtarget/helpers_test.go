package gdbtarget

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// newTestAdapter boots the embedded kernel on a real 2-CPU machine behind a real Adapter; the machine is
// halted when the test ends.
func newTestAdapter(t testing.TB, route string) *Adapter {
	t.Helper()
	a, err := Start(Config{
		Machine: target.Config{CPUs: 2, LivelockThreshold: target.DefaultLivelockThreshold},
		Route:   route,
	})
	require.NoError(t, err)
	// After the session's own cleanup (a detach lets the machine run on), stop the machine.
	t.Cleanup(a.haltFree)
	return a
}

// session runs an rsp.Session over a and returns a client that has said what gdb 13 says in qSupported, in
// no-ack mode.
func session(t *testing.T, a *Adapter) *rsptest.Client {
	t.Helper()
	c, _ := sessionDone(t, a)
	return c
}

// sessionDone is session that also returns the channel the session's end arrives on.
func sessionDone(t *testing.T, a *Adapter) (*rsptest.Client, <-chan error) {
	t.Helper()
	c, done := rsptest.StartSession(t, a, rsp.Options{})
	c.Timeout = 20 * time.Second
	require.Contains(t, c.Exchange("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+"), "hwbreak+")
	require.Equal(t, "OK", c.Exchange("QStartNoAckMode"))
	c.NoAck = true
	return c, done
}

func symAddr(t testing.TB, name string) uint64 {
	t.Helper()
	img, err := kernelsim.Default()
	require.NoError(t, err)
	addr, _, ok := img.Symbols.Lookup(name)
	require.Truef(t, ok, "symbol %s", name)
	return addr
}

func hex(v uint64) string { return fmt.Sprintf("%x", v) }

// recvStop reads the next packet that is not console output (O packets).
func recvStop(c *rsptest.Client) string {
	for {
		p := c.Recv()
		if len(p) == 0 || p[0] != 'O' || p == "OK" {
			return p
		}
	}
}

// resume sends a resume packet and returns the stop reply after any console output.
func resume(c *rsptest.Client, packet string) string {
	c.Send(packet)
	return recvStop(c)
}
