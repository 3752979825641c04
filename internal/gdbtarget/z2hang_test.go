package gdbtarget

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// bootToWorkload runs the machine until the first workload_done, so the guest kernel is up.
func bootToWorkload(t *testing.T, c *rsptest.Client) {
	t.Helper()
	done := hex(symAddr(t, kernelsim.SymWorkloadDone))
	require.Equal(t, "OK", c.Exchange("Z1,"+done+",4"))
	require.Contains(t, resume(c, "vCont;c"), "hwbreak:")
	require.Equal(t, "OK", c.Exchange("z1,"+done+",4"))
}

// bootedSession is a session over a new adapter whose guest kernel is up.
func bootedSession(t *testing.T, route string) (*Adapter, *rsptest.Client) {
	t.Helper()
	a := newTestAdapter(t, route)
	c := session(t, a)
	bootToWorkload(t, c)
	return a, c
}

// Issue 9 point 3: after a hit and its removal, a Z2 over 4 GiB is refused at once, and \x03 still answers.
func TestHugeWatchAfterHitIsRefused(t *testing.T) {
	for _, route := range []string{"kernel", "external"} {
		t.Run(route, func(t *testing.T) {
			c := session(t, newTestAdapter(t, route))
			bootToWorkload(t, c)
			addr := hex(symAddr(t, kernelsim.SymWorkloadCounter))
			require.Equal(t, "OK", c.Exchange("Z2,"+addr+",100000"))
			require.Contains(t, resume(c, "vCont;c"), "watch:")
			require.Equal(t, "OK", c.Exchange("z2,"+addr+",100000"))
			require.Equal(t, "E16", c.Exchange("Z2,"+addr+",ffffffff"))
			c.SendRaw(rsptest.Frame("vCont;c"))
			c.SendRaw("\x03")
			require.Regexp(t, `^T02`, recvStop(c))
		})
	}
}

// A cross-call that never returns (the kernel's lock-free event claim is a load/store-exclusive loop, and a
// watchpoint it steps over inside the call clears the monitor every time) is abandoned at its instruction
// limit: the Z packet gets an error, the CPU's registers are as before, and the session still answers \x03.
func TestCrossCallThatNeverReturnsIsAbandoned(t *testing.T) {
	a := newTestAdapter(t, "kernel")
	c := session(t, a)
	bootToWorkload(t, c)
	events := symAddr(t, "perf_events")
	require.Equal(t, "OK", c.Exchange("Z2,"+hex(events)+",1000"))
	a.resumeLimit = 100000 // the install completes and the guest runs on a little
	require.Regexp(t, `^T02`, resume(c, "vCont;c"))
	a.resumeLimit = 0
	regs := c.Exchange("g")
	require.True(t, strings.HasPrefix(c.Exchange("Z2,"+hex(symAddr(t, kernelsim.SymWorkloadCounter))+",8"), "E"))
	require.Equal(t, regs, c.Exchange("g"), "the abandoned call restored the CPU")
	require.Equal(t, uint64(1), a.kern.aborted)
	c.SendRaw(rsptest.Frame("vCont;c"))
	c.SendRaw("\x03")
	require.Regexp(t, `^T`, recvStop(c))
}
