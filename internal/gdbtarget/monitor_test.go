package gdbtarget

import (
	"bytes"
	hexenc "encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

// monitor runs one monitor command and returns its output and error.
func monitor(a *Adapter, cmd string) (string, error) {
	var out bytes.Buffer
	err := a.Monitor(cmd, &out)
	return out.String(), err
}

// Every monitor command, on both routes, once the guest kernel is up.
func TestMonitorCommands(t *testing.T) {
	readonly := symAddr(t, kernelsim.SymWorkloadReadonly)
	for _, route := range routes {
		t.Run(route, func(t *testing.T) {
			a, cl := bootedSession(t, route)
			require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,8", symAddr(t, kernelsim.SymWorkloadCounter))))
			require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z0,%x,4", symAddr(t, kernelsim.SymWorkloadDone))))
			require.Contains(t, resume(cl, "vCont;c"), "T05")
			for _, c := range []struct {
				cmd  string
				want string // a regular expression the output matches
				err  error
			}{
				{"", `monitor commands:`, nil},
				{"help", `reset +reload the kernel`, nil},
				{"stats", `(?s)total instructions \d+.*stops \d+ \(breakpoint \d+, watchpoint \d+.*software breakpoints: 0x`, nil},
				{"slots", `(?s)cpu0\n  bp0 .*wp0 `, nil},
				{"dbgregs", `(?s)cpu0 MDSCR_EL1 0x[0-9a-f]+ .*cpu1 MDSCR_EL1.*DBGWCR3_EL1`, nil},
				{"dbgregs cpu1", `^cpu1 MDSCR_EL1`, nil},
				{"dbgregs 7", `want a CPU number 0..1`, rsp.EINVAL},
				{"livelock", `(?s)no livelock detected\ncpu0 breakpoint exceptions \d+`, nil},
				{"kernel", `(?s)uninstall-order upstream\nrecovery none`, nil},
				{"kernel uninstall-order fixed", `kernel uninstall-order set to fixed`, nil},
				{"kernel recovery disable-orphan", `set to disable-orphan`, nil},
				{"kernel bank-guard mask-debug", `set to mask-debug`, nil},
				{"kernel scenario workload", `boot-time-only`, rsp.EINVAL},
				{"kernel uninstall-order sideways", ``, rsp.EINVAL},
				{"kernel uninstall-order", `usage: monitor kernel`, rsp.EINVAL},
				{"perf", `no perf events`, nil},
				{"perf bogus", `usage: monitor perf`, rsp.EINVAL},
				{"perf create 0x10 8 q 0", `usage`, rsp.EINVAL},
				{fmt.Sprintf("perf create %#x 8 rw 1", readonly), `perf event 0: mem:0x[0-9a-f]+/8:rw on cpu 1 \(struct perf_event 0x[0-9a-f]+\), reserved, disabled`, nil},
				{fmt.Sprintf("perf create %#x 4 x 1", readonly+2), `the kernel refused the event: EINVAL`, rsp.EINVAL},
				{"perf enable 0", `perf event 0 enabled`, nil},
				{"perf list", `perf event 0: mem:0x[0-9a-f]+/8:rw on cpu 1, enabled, count \d+`, nil},
				{"slots", `perf_count_overflow_handler`, nil},
				{"perf enable 9", `no event "9"`, rsp.EINVAL},
				{"perf disable 0", `perf event 0 disabled`, nil},
				{"perf disable 0", `EINVAL`, rsp.EINVAL},
				{"perf release 0", `perf event 0 released`, nil},
				{"perf release 0", `no event "0"`, rsp.EINVAL},
				{"scenario", `scenario workload \(available: workload, perf-livelock, csync-window, bank-race\)`, nil},
				{"scenario nonesuch", `unknown scenario`, rsp.EINVAL},
				{"scenario csync-window", `scenario csync-window: machine reset`, nil},
				{"kernel", `scenario csync-window`, nil},
				{"reset", `machine reset`, nil},
				{"bogus", `unknown monitor command "bogus"`, rsp.EINVAL},
			} {
				out, err := monitor(a, c.cmd)
				require.Equalf(t, c.err, err, "monitor %s: %s", c.cmd, out)
				require.Regexpf(t, c.want, out, "monitor %s", c.cmd)
			}
			// After a reset gdb's points stay; the machine boots again and stops on them.
			require.Contains(t, resume(cl, "vCont;c"), "T05")
		})
	}
}

// qRcmd reaches the table through the session; the answer is hex-encoded O output, then OK.
func TestMonitorThroughSession(t *testing.T) {
	cl := session(t, newTestAdapter(t, RouteKernel))
	cl.Send("qRcmd," + hexenc.EncodeToString([]byte("help")))
	var text strings.Builder
	for {
		p := cl.Recv()
		if p == "OK" {
			break
		}
		require.True(t, strings.HasPrefix(p, "O"), p)
		b, err := hexenc.DecodeString(p[1:])
		require.NoError(t, err)
		text.Write(b)
	}
	require.Contains(t, text.String(), "monitor commands:")
}

// Before the guest kernel made its READY call, perf has nothing to call into.
func TestMonitorPerfBeforeBoot(t *testing.T) {
	a := newTestAdapter(t, RouteKernel)
	out, err := monitor(a, "perf create 0x40000000 8 w 0")
	require.Equal(t, rsp.EBUSY, err)
	require.Contains(t, out, "not up yet")
}
