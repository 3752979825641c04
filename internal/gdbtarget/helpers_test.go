package gdbtarget

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// newTestAdapter boots the embedded kernel on a real 2-CPU machine behind a real Adapter.
func newTestAdapter(t testing.TB, route string) *Adapter {
	t.Helper()
	img, err := kernelsim.Default()
	require.NoError(t, err)
	model, err := debugregs.LookupModel("cortex-a57")
	require.NoError(t, err)
	var a *Adapter
	m, err := target.New(target.Config{
		CPUs:              2,
		LivelockThreshold: target.DefaultLivelockThreshold,
		Hypercall:         func(cpu int, args [4]uint64) target.HypercallResult { return a.Hypercall(cpu, args) },
	})
	require.NoError(t, err)
	boot := func(m *target.Machine) error {
		for _, s := range img.Segments {
			if err := m.LoadSegment(s.Addr, s.Data, s.MemSize); err != nil {
				return err
			}
		}
		m.Reset(img.Entry)
		return nil
	}
	a = New(m, img, Options{Breakpoints: model.Breakpoints, Watchpoints: model.Watchpoints, Route: route,
		LivelockThreshold: target.DefaultLivelockThreshold, Boot: boot})
	require.NoError(t, boot(m))
	return a
}

// session runs an rsp.Session over a and returns a client that has said what gdb 13 says in qSupported, in
// no-ack mode.
func session(t *testing.T, a *Adapter) *rsptest.Client {
	t.Helper()
	c, _ := rsptest.StartSession(t, a, rsp.Options{})
	c.Timeout = 20 * time.Second
	require.Contains(t, c.Exchange("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+"), "hwbreak+")
	require.Equal(t, "OK", c.Exchange("QStartNoAckMode"))
	c.NoAck = true
	return c
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
