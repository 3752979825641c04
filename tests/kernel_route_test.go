package tests

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 5: gdb's hardware points go through the guest kernel's own slot management.

// A kernel perf event holding a watchpoint comparator on CPU 1 leaves gdb three watchpoints, not four; the fourth
// is refused cleanly and the target is not resumed.
func TestKernelRoutePerfEventTakesAComparator(t *testing.T) {
	s := startServer(t, "--hw-debug", "kernel")
	out := gdb(t, s.Addr, `
break workload_done
continue
delete
eval "monitor perf create %p 8 rw 1", &workload_readonly
monitor perf enable 0
watch workload_counter
watch *(long *)((char *)&workload_counter + 64)
watch *(long *)((char *)&workload_counter + 128)
watch *(long *)((char *)&workload_counter + 192)
printf "pc-before=%#lx\n", $pc
python
try:
    gdb.execute("continue")
except gdb.error as e:
    print("continue refused: %s" % e)
end
printf "pc-after=%#lx\n", $pc
info breakpoints
monitor perf list
monitor slots
`)
	require.Contains(t, out, "perf event 0: mem:0x")
	require.Contains(t, out, "perf event 0 enabled")
	require.Contains(t, out, "Could not insert hardware watchpoint 5")
	require.Contains(t, out, "Command aborted.")
	before := regexpFind(t, out, `pc-before=(0x[0-9a-f]+)`)
	after := regexpFind(t, out, `pc-after=(0x[0-9a-f]+)`)
	require.Equal(t, before, after, "the target must not be resumed after a refused watchpoint:\n%s", out)
	require.Regexp(t, `perf event 0: mem:0x[0-9a-f]+/8:rw on cpu 1, enabled, count \d+`, out)
	require.Regexp(t, `wp\d  ENABLED +value 0x[0-9a-f]+ control 0x[0-9a-f]+  event 0x[0-9a-f]+ for 0x[0-9a-f]+, perf_count_overflow_handler`, out)
}

// hbreak write_wb_reg + break workload_done; delete the hbreak; continue. Under the upstream order the removal
// livelocks in arch_uninstall_hw_breakpoint; under the fixed order it completes and gdb stops at workload_done.
func TestKernelRouteHbreakWriteWbRegLivelock(t *testing.T) {
	script := `
hbreak write_wb_reg
break workload_done
continue
info breakpoints
delete 1
continue
bt
monitor livelock
`
	t.Run("upstream", func(t *testing.T) {
		s := startServer(t, "--hw-debug", "kernel", "--uninstall-order", "upstream")
		out := gdb(t, s.Addr, script)
		require.Regexp(t, `Breakpoint 2, (0x[0-9a-f]+ in )?workload_done`, out)
		require.Regexp(t, `livelock: cpu \d pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), \d+ times, no owning slot`, out)
		require.Regexp(t, `#0 +(0x[0-9a-f]+ in )?write_wb_reg `, out)
		require.Regexp(t, `#1 +0x[0-9a-f]+ in hw_breakpoint_control `, out)
		require.Regexp(t, `#2 +0x[0-9a-f]+ in arch_uninstall_hw_breakpoint `, out)
	})
	t.Run("fixed", func(t *testing.T) {
		s := startServer(t, "--hw-debug", "kernel", "--uninstall-order", "fixed")
		out := gdb(t, s.Addr, script)
		require.Equal(t, 2, countMatches(out, `Breakpoint 2, (0x[0-9a-f]+ in )?workload_done`), out)
		require.NotContains(t, out, "livelock:")
	})
}

// Removing every point and detaching leaves every comparator the kernel does not own disabled and its slot free.
func TestKernelRouteDetachFreesEverything(t *testing.T) {
	s := startServer(t, "--hw-debug", "kernel")
	out := gdb(t, s.Addr, `
watch workload_counter
hbreak workload_done
continue
continue
monitor slots
delete
detach
`)
	require.Regexp(t, `(bp|wp)\d  ENABLED .*gdb Z[12] `, out, "monitor slots names the gdb request that owns a comparator")
	out2 := gdb(t, s.Addr, "monitor slots\n")
	require.NotContains(t, out2, "ENABLED", out2)
	require.NotContains(t, out2, "event 0x", out2)
	require.Equal(t, 2*(6+4), countMatches(out2, `disabled .* free`), out2)
}

// gdb/MI on the kernel route: *stopped,reason="watchpoint-trigger".
func TestKernelRouteMIWatchpointTrigger(t *testing.T) {
	s := startServer(t, "--hw-debug", "kernel")
	out := gdbMI(t,
		"-gdb-set architecture aarch64",
		"-target-select remote "+s.Addr,
		"-break-watch workload_counter",
		"-exec-continue",
	)
	require.Regexp(t, `\*stopped,reason="watchpoint-trigger",wpt=\{number="1",exp="workload_counter"\},value=\{old="\d+",new="\d+"\}`, out)
}

// After `monitor reset` the kernel starts from scratch; gdb's watchpoint is installed again when the CPUs come up.
func TestKernelRoutePointsSurviveReset(t *testing.T) {
	s := startServer(t, "--hw-debug", "kernel")
	out := gdb(t, s.Addr, `
watch workload_counter
continue
monitor reset
continue
monitor stats
`)
	require.Contains(t, out, "machine reset")
	require.Equal(t, 2, countMatches(out, `Hardware watchpoint 1: workload_counter\n\nOld value = \d+\nNew value = \d+`), out)
}

// A watch wider than the free comparators is still accepted, before and after the kernel is up: one covering
// MASK region, whose hits outside gdb's range are never reported.
func TestKernelRouteWideWatch(t *testing.T) {
	s := startServer(t, "--hw-debug", "kernel")
	out := gdb(t, s.Addr, `
watch -l *(char (*)[200])((char *)&workload_counter - 3)
continue
continue
delete
break workload_done
continue
delete
watch -l *(char (*)[300])((char *)&workload_counter - 5)
continue
`)
	require.Equal(t, 3, countMatches(out, `Hardware watchpoint \d+: -location .*\n\nOld value = .*\nNew value = `), out)
}
