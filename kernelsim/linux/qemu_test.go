package linux

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// These tests boot the outputs of `make linux` (the top Makefile's test target builds them first) on
// qemu-system-aarch64, the oracle our own machine is compared with (tests/linux_machine_test.go). A missing
// output is a failure.

func release(t *testing.T, k Kernel) string {
	t.Helper()
	r, err := Release(k)
	require.NoError(t, err)
	return r
}

func symbol(t *testing.T, k Kernel, name string) uint64 {
	t.Helper()
	addr, err := Symbol(k, name)
	require.NoError(t, err)
	return addr
}

// bootQEMU runs k with the initramfs on QEMU's virt machine, as docs/linux.md shows, for at most bound.
// It stops QEMU early once stop (if not nil) is true of the console so far.
func bootQEMU(t *testing.T, k Kernel, cpus int, cmdline string, bound time.Duration, stop func(string) bool) Run {
	t.Helper()
	cmd, err := QEMUCommand(context.Background(), k, cpus, cmdline)
	require.NoError(t, err)
	t.Logf("'%s'", strings.Join(cmd.Args, "' '"))
	var watch func(string, string) bool
	if stop != nil {
		watch = func(console, _ string) bool { return stop(console) }
	}
	run, err := Watch(cmd, bound, watch)
	require.NoError(t, err, "console:\n%s", run.Console)
	return run
}

func TestQEMUHello(t *testing.T) {
	for _, k := range []Kernel{Linux61, Linux612} {
		for _, cpus := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%dcpu", k.Name, cpus), func(t *testing.T) {
				run := bootQEMU(t, k, cpus, BaseCmdline, 60*time.Second, nil)
				require.True(t, run.PoweredOff, "the init did not power off QEMU within the bound; console:\n%s", run.Console)
				require.Contains(t, run.Console, "Linux version "+release(t, k)+" ")
				require.Contains(t, run.Console, "Run /init as init process")
				if cpus > 1 {
					require.Contains(t, run.Console, fmt.Sprintf("SMP: Total of %d processors activated", cpus))
				}
				require.Equal(t, HelloLines(release(t, k), cpus), InitLines(run.Console), "console:\n%s", run.Console)
				require.Contains(t, run.Console, "reboot: Power down")
			})
		}
	}
}

// The upstream order: DISABLE never returns; QEMU is stopped after the stall report (or the bound). The
// report comes about 3 s after DISABLE on an idle host; QEMU's guest clock is the host's, so on a host busy
// with other tests (make test runs packages side by side) it can take much longer: the bound is generous.
func testLivelocks(t *testing.T, k Kernel, bound time.Duration, reported func(string) bool) string {
	run := bootQEMU(t, k, 2, PerfCmdline, bound, reported)
	require.False(t, run.PoweredOff, "DISABLE returned on the upstream kernel; console:\n%s", SinceInit(run.Console))
	require.Equal(t, PerfLines(symbol(t, k, "write_wb_reg")), InitLines(run.Console), "console:\n%s", SinceInit(run.Console))
	require.True(t, reported(run.Console), "no stall report within %v; console:\n%s", bound, SinceInit(run.Console))
	return run.Console
}

// The fixed order: DISABLE returns, the one hit on write_wb_reg is counted, the init powers off.
func testCompletes(t *testing.T, k Kernel) {
	run := bootQEMU(t, k, 2, PerfCmdline, 60*time.Second, nil)
	require.True(t, run.PoweredOff, "the fixed kernel did not power off; console:\n%s", SinceInit(run.Console))
	require.Equal(t, FixedPerfLines(symbol(t, k, "write_wb_reg")), InitLines(run.Console), "console:\n%s", SinceInit(run.Console))
	require.NotContains(t, run.Console, "detected stalls")
}

func TestQEMUPerfLivelock61(t *testing.T) {
	testLivelocks(t, Linux61, 90*time.Second, StallCPU1.MatchString)
}

func TestQEMUPerfFixed61(t *testing.T) {
	testCompletes(t, Linux61Fixed)
}

// On 6.12 with GICv3 pseudo-NMI, Linux's stall report carries the NMI backtrace of the stuck CPU: the
// report of the lkml mail, line for line.
func TestQEMUPerfLivelock612(t *testing.T) {
	con := testLivelocks(t, Linux612, 90*time.Second, func(s string) bool {
		return StallCPU1.MatchString(s) && NMIBacktrace.MatchString(strings.ReplaceAll(s, "\r\n", "\n"))
	})
	for _, fn := range []string{"hw_breakpoint_del", "event_sched_out", "smp_call_function_single"} {
		require.Contains(t, con, " "+fn+"+", "the NMI backtrace lacks %s", fn)
	}
}

func TestQEMUPerfFixed612(t *testing.T) {
	testCompletes(t, Linux612Fixed)
}

// output returns the path of a file make linux writes to out/, failing the test when it is missing.
func output(t *testing.T, name string) string {
	t.Helper()
	path, err := OutPath(name)
	require.NoError(t, err)
	return path
}
