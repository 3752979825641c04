package gdbtarget

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// startWith boots the embedded kernel with some of its runtime knobs changed.
func startWith(t *testing.T, route string, change func(*kernelsim.Config)) *Adapter {
	t.Helper()
	img, err := kernelsim.Default()
	require.NoError(t, err)
	knobs, err := img.Config()
	require.NoError(t, err)
	change(&knobs)
	a, err := Start(Config{
		Machine: target.Config{CPUs: 2, LivelockThreshold: target.DefaultLivelockThreshold},
		Knobs:   &knobs,
		Route:   route,
	})
	require.NoError(t, err)
	t.Cleanup(a.haltFree)
	return a
}

// waitEvent waits for the free-running machine to report something (bounded, so a broken guest fails
// instead of hanging the test).
func waitEvent(t *testing.T, a *Adapter) Event {
	t.Helper()
	select {
	case e := <-a.Events():
		return e
	case <-time.After(60 * time.Second):
		t.Fatal("no event from the free-running machine")
		return Event{}
	}
}

// D, k and EOF: the session removes the client's points, the machine runs on, and the next client halts it
// and finds no point of the old one left.
func TestDetachKillReattach(t *testing.T) {
	counter := symAddr(t, kernelsim.SymWorkloadCounter)
	for _, route := range routes {
		for _, leave := range []string{"D", "k", "eof"} {
			t.Run(route+"/"+leave, func(t *testing.T) {
				a := newTestAdapter(t, route)
				c, done := sessionDone(t, a)
				bootToWorkload(t, c)
				require.Equal(t, "OK", c.Exchange(fmt.Sprintf("Z2,%x,8", counter)))
				require.Contains(t, resume(c, "vCont;c"), "watch:")
				switch leave {
				case "D":
					require.Equal(t, "OK", c.Exchange("D"))
				case "k":
					require.Equal(t, "X09", c.Exchange("k"))
				default:
					c.Close()
				}
				select {
				case <-done:
				case <-time.After(20 * time.Second):
					t.Fatal("the session did not end")
				}
				c2 := session(t, a)
				require.Regexp(t, `^T`, c2.Exchange("?"))
				out, err := monitor(a, "slots")
				require.NoError(t, err)
				require.NotContains(t, out, "gdb Z2", "no point of the old client is left in the kernel")
				require.Zero(t, a.bank.freeWatch()-a.nwp, "nor in the external bank")
				require.Equal(t, "OK", c2.Exchange("Z1,"+hex(symAddr(t, kernelsim.SymWorkloadDone))+",4"))
				require.Contains(t, resume(c2, "vCont;c"), "hwbreak:")
			})
		}
	}
}

// A guest that powers off ends the resume with W00, and so does every later one and a new client's '?'.
func TestPowerOff(t *testing.T) {
	a := startWith(t, RouteKernel, func(k *kernelsim.Config) { k.WorkloadRounds = 1 })
	cl := session(t, a)
	require.Equal(t, "W00", resume(cl, "vCont;c"))
	r, err := a.Resume(make([]rsp.Action, 2))
	require.NoError(t, err)
	require.Equal(t, rsp.StopExited, r.Kind)
	r, err = a.Attach()
	require.NoError(t, err)
	require.Equal(t, rsp.StopExited, r.Kind)
	out, err := monitor(a, "reset")
	require.NoError(t, err, out)
	r, err = a.Attach()
	require.NoError(t, err)
	require.NotEqual(t, rsp.StopExited, r.Kind, "reset powers the machine on again")
}

// With no client the machine runs on its own and reports a power-off.
func TestFreeRunPowerOff(t *testing.T) {
	a := startWith(t, RouteExternal, func(k *kernelsim.Config) { k.WorkloadRounds = 1 })
	a.StartRunning()
	a.StartRunning() // already running: nothing happens
	e := waitEvent(t, a)
	require.Equal(t, target.StopPowerOff, e.Kind)
	a.StartRunning() // powered off: stays off
	r, err := a.Attach()
	require.NoError(t, err)
	require.Equal(t, rsp.StopExited, r.Kind)
}

// With no client a livelock is reported once per episode and the machine keeps running; a client that
// attaches halts it.
func TestFreeRunLivelock(t *testing.T) {
	a := startWith(t, RouteKernel, func(k *kernelsim.Config) {
		k.Scenario = kernelsim.ScenarioPerfLivelock
		k.UninstallOrder = kernelsim.UninstallUpstream
	})
	a.StartRunning()
	e := waitEvent(t, a)
	require.Equal(t, target.StopLivelock, e.Kind)
	require.Regexp(t, `^livelock: cpu 1 pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), \d+ times, no owning slot`, e.Text)
	require.False(t, e.Stuck)
	_, err := a.Attach()
	require.NoError(t, err)
	out, err := monitor(a, "livelock")
	require.NoError(t, err)
	require.Contains(t, out, "cpu1 breakpoint exceptions")
}

// hbreak write_wb_reg while the kernel is up, then delete it: under the upstream order the kernel's own
// uninstall livelocks inside our cross-call, and gdb gets the stop with the report on the console.
func TestUninstallLivelockThroughSession(t *testing.T) {
	for _, c := range []struct {
		order    kernelsim.UninstallOrder
		livelock bool
	}{{kernelsim.UninstallUpstream, true}, {kernelsim.UninstallFixed, false}} {
		t.Run(c.order.String(), func(t *testing.T) {
			a := startWith(t, RouteKernel, func(k *kernelsim.Config) { k.UninstallOrder = c.order })
			cl := session(t, a)
			bootToWorkload(t, cl)
			wb := hex(symAddr(t, kernelsim.SymWriteWBReg))
			done := hex(symAddr(t, kernelsim.SymWorkloadDone))
			require.Equal(t, "OK", cl.Exchange("Z1,"+wb+",4"))
			require.Equal(t, "OK", cl.Exchange("Z0,"+done+",4"))
			require.Contains(t, resume(cl, "vCont;c"), "swbreak:")
			require.Equal(t, "OK", cl.Exchange("z1,"+wb+",4"))
			stop := resume(cl, "vCont;c")
			out, err := monitor(a, "livelock")
			require.NoError(t, err)
			if !c.livelock {
				require.Contains(t, stop, "swbreak:")
				require.Contains(t, out, "no livelock detected")
				return
			}
			require.Regexp(t, `^T05`, stop)
			require.NotContains(t, stop, "swbreak:")
			require.Regexp(t, `livelock: cpu \d pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), \d+ times, no owning slot`, out)
			// A new point is reserved through a CPU that is not inside the stopped call.
			require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,8", symAddr(t, kernelsim.SymWorkloadCounter))))
			// The livelocked call goes on at the next resume, and livelocks again.
			require.Regexp(t, `^T05`, resume(cl, "vCont;c"))
		})
	}
}
