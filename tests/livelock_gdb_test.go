package tests

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Issue 4 through real gdb, external route: the seed's livelock stops the target with a `livelock:` console
// line, and bt shows the uninstall path.
func TestGDBPerfLivelockStop(t *testing.T) {
	s := startServer(t, "--scenario", "perf-livelock", "--cpus", "2")
	out := gdb(t, s.Addr, `
continue
bt
monitor livelock
monitor slots
`)
	require.Regexp(t, `livelock: cpu 1 pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), \d+ times, no owning slot`, out)
	require.Regexp(t, `Thread 2 "cpu1" received signal SIGTRAP`, out)
	require.Regexp(t, `#0 +(0x[0-9a-f]+ in )?write_wb_reg `, out)
	require.Regexp(t, `#1 +0x[0-9a-f]+ in hw_breakpoint_control `, out)
	require.Regexp(t, `#2 +0x[0-9a-f]+ in arch_uninstall_hw_breakpoint `, out)
	require.Regexp(t, `cpu1\n  bp0  ENABLED, NO OWNER +value 0x[0-9a-f]+ <write_wb_reg\+0x0>`, out)
}

// A watch -l on CPU 1's breakpoint slot stops when the uninstall clears it, before the control register is
// written: at that stop the comparator is still enabled and has no owner.
func TestGDBWatchSlotClearedBeforeControl(t *testing.T) {
	s := startServer(t, "--scenario", "perf-livelock", "--cpus", "2", "--hw-debug", "external")
	out := gdb(t, s.Addr, `
set language c
watch -l bp_on_reg[1][0]
python
import re
found = False
for i in range(12):
    gdb.execute("continue", to_string=True)
    slots = gdb.execute("monitor slots", to_string=True)
    cpu1 = slots.split("cpu1", 1)[1]
    if int(gdb.parse_and_eval("bp_on_reg[1][0]")) == 0 and re.search(r"bp0  ENABLED, NO OWNER .*<write_wb_reg\+0x0>", cpu1):
        found = True
        print("SLOT-CLEARED-STOP after %d continues" % (i + 1))
        print(cpu1)
        break
print("found=%s" % found)
end
bt 3
`)
	require.Contains(t, out, "found=True", out)
	require.Regexp(t, `#\d +(0x[0-9a-f]+ in )?hw_breakpoint_control `, out)
}

// Knobs at run time: `monitor kernel uninstall-order fixed` before the uninstall turns the livelock into one
// handled exception; `monitor scenario` restarts the machine in another scenario.
func TestGDBMonitorKernelAndScenario(t *testing.T) {
	s := startServer(t, "--cpus", "2")
	out := gdb(t, s.Addr, `
monitor kernel
monitor scenario perf-livelock
monitor kernel uninstall-order fixed
monitor kernel
break system_off
continue
`)
	require.Contains(t, out, "scenario workload")
	require.Contains(t, out, "scenario perf-livelock: machine reset")
	require.Contains(t, out, "kernel uninstall-order set to fixed")
	require.Contains(t, out, "perf-livelock: disabled on cpu 1: 1 breakpoint exceptions (1 handled, 0 unhandled)")
	require.NotContains(t, out, "livelock: cpu")
}
