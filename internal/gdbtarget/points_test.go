package gdbtarget

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

var routes = []string{RouteKernel, RouteExternal}

// Z0–Z4 each stop where they should on both routes, with the stop reason gdb needs, and z removes them.
func TestPointsStop(t *testing.T) {
	counter := symAddr(t, kernelsim.SymWorkloadCounter)
	readonly := symAddr(t, kernelsim.SymWorkloadReadonly)
	done := symAddr(t, kernelsim.SymWorkloadDone)
	for _, route := range routes {
		for _, c := range []struct {
			name, z, reason string
		}{
			{"Z0", fmt.Sprintf("0,%x,4", done), "swbreak:"},
			{"Z1", fmt.Sprintf("1,%x,4", done), "hwbreak:"},
			{"Z2", fmt.Sprintf("2,%x,8", counter), fmt.Sprintf("watch:%x", counter)},
			{"Z3", fmt.Sprintf("3,%x,8", readonly), fmt.Sprintf("rwatch:%x", readonly)},
			{"Z4", fmt.Sprintf("4,%x,8", counter), fmt.Sprintf("awatch:%x", counter)},
			{"Z2 wide", fmt.Sprintf("2,%x,64", counter-20), "watch:"},
		} {
			t.Run(route+"/"+c.name, func(t *testing.T) {
				cl := session(t, newTestAdapter(t, route))
				bootToWorkload(t, cl)
				require.Equal(t, "OK", cl.Exchange("Z"+c.z))
				require.Equal(t, "OK", cl.Exchange("Z"+c.z), "a second identical Z is counted by the session")
				for range 2 {
					require.Contains(t, resume(cl, "vCont;c"), c.reason)
				}
				require.Equal(t, "OK", cl.Exchange("z"+c.z))
				require.Equal(t, "OK", cl.Exchange("z"+c.z))
				require.Equal(t, "OK", cl.Exchange("Z1,"+hex(done)+",4"))
				require.Contains(t, resume(cl, "vCont;c"), "hwbreak:", "only the breakpoint is left")
			})
		}
	}
}

// Out of comparators is E1c (ENOSPC) with nothing changed; bad arguments are E16; both before and after the
// guest kernel is up.
func TestPointsCapacityAndArguments(t *testing.T) {
	counter := symAddr(t, kernelsim.SymWorkloadCounter)
	for _, route := range routes {
		for _, booted := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/booted=%v", route, booted), func(t *testing.T) {
				a := newTestAdapter(t, route)
				cl := session(t, a)
				if booted {
					bootToWorkload(t, cl) // leaves a removed breakpoint, which must not take a comparator
				}
				for i := range a.nwp {
					require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,8", counter+uint64(64*i))))
				}
				require.Equal(t, "E1c", cl.Exchange(fmt.Sprintf("Z2,%x,8", counter+0x1000)))
				for i := range a.nbp {
					require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z1,%x,4", 0x40000000+uint64(4*i))))
				}
				require.Equal(t, "E1c", cl.Exchange(fmt.Sprintf("Z1,%x,4", 0x40000100)))
				for _, bad := range []string{
					"Z1,40000002,4", "Z0,40000001,4", fmt.Sprintf("Z2,%x,0", counter),
					fmt.Sprintf("Z3,%x,ffffffff", counter), "Z4,ffffffffffffffff,2",
				} {
					require.Equal(t, "E16", cl.Exchange(bad), bad)
				}
				for i := range a.nwp {
					require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("z2,%x,8", counter+uint64(64*i))))
				}
				require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,8", counter+0x1000)), "removed points' comparators are free")
				a.resumeLimit = 10000
				require.Regexp(t, `^T`, resume(cl, "vCont;c"))
			})
		}
	}
}

// A range whose exact split needs more comparators than are free takes one covering region; a hit outside
// gdb's bytes is never reported.
func TestWideWatchTakesOneRegion(t *testing.T) {
	counter := symAddr(t, kernelsim.SymWorkloadCounter)
	for _, route := range routes {
		t.Run(route, func(t *testing.T) {
			a, cl := bootedSession(t, route)
			for i := range a.nwp - 1 {
				require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z3,%x,8", counter+uint64(0x1000*(i+1)))))
			}
			require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,%x", counter+3, 21)))
			stop := resume(cl, "vCont;c")
			require.Contains(t, stop, "watch:")
			require.Regexp(t, fmt.Sprintf("watch:%x;", counter+3), stop, "clamped into gdb's range")
		})
	}
}

// A CPU inside the kernel's handler when gdb stopped, with gdb then replacing the point: the stale hit is
// dropped (NOTIFY answered "step", a return to it not reported) and the new point's stops carry watch:.
func TestHitOfRemovedPointIsNotReported(t *testing.T) {
	a, cl := bootedSession(t, RouteKernel)
	counter := symAddr(t, kernelsim.SymWorkloadCounter)
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,8", counter)))
	require.Contains(t, resume(cl, "vCont;c"), "watch:")
	kr := a.route.(*kernelRoute)
	var old uint64
	for ev := range kr.byEvent {
		old = ev
	}
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("z2,%x,8", counter)))
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,4", counter)))
	res := a.route.notify(1, old, counter, true)
	require.Equal(t, uint64(kernelsim.HVCNotifyStep), res.X0, "a NOTIFY for the removed point is stepped over")
	require.False(t, res.HaltOnReturn)
	kr.hit[1] = pendingHit{ev: old, trigger: counter, watch: true}
	_, ok := a.route.returned(1)
	require.False(t, ok, "a return to the removed point's hit is dropped")
	for range 3 {
		require.Contains(t, resume(cl, "vCont;c"), fmt.Sprintf("watch:%x", counter))
	}
	res = a.route.notify(0, 0xdead, counter, true)
	require.Equal(t, uint64(kernelsim.HVCNotifyStep), res.X0, "an event we never made")
}

// A watch set at the entry point sees the BSS clear on both routes; on the kernel route the kernel takes it
// over at its READY call and the stops go on.
func TestWatchFromFirstInstruction(t *testing.T) {
	counter := symAddr(t, kernelsim.SymWorkloadCounter)
	start := symAddr(t, "_start")
	end := start + 0x40
	for _, route := range routes {
		t.Run(route, func(t *testing.T) {
			a := newTestAdapter(t, route)
			cl := session(t, a)
			require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z4,%x,8", counter)))
			stop := resume(cl, "vCont;c")
			require.Contains(t, stop, fmt.Sprintf("awatch:%x", counter))
			pc := a.m.CPU(0).PC
			require.True(t, pc >= start && pc < end, "stopped in _start's BSS clear, pc %#x", pc)
			require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("z4,%x,8", counter)))
			require.Contains(t, resume(cl, "vCont;s:p1.1;c"), "T05")
			require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z4,%x,8", counter)))
			for range 3 {
				require.Contains(t, resume(cl, "vCont;c"), "awatch:")
			}
		})
	}
}

func TestWatchKindsMap(t *testing.T) {
	for _, k := range []rsp.WatchKind{rsp.WatchWrite, rsp.WatchRead, rsp.WatchAccess} {
		require.Equal(t, k, watchKindToRSP(watchKindToTarget(k)))
	}
}
