package tests

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim/linux"
	"github.com/stretchr/testify/require"
)

// --parallel (docs/parallel.md) changes how fast the CPUs run, not what a debugger or the guest sees: gdb's
// points stop all CPUs at the right place with the right values, and Linux boots to its init.

func TestGDBParallelPoints(t *testing.T) {
	s := startServer(t, "--parallel", "--cpus", "4", "--hw-debug", "external")
	out := gdb(t, s.Addr, `
hbreak workload_done
continue
bt 1
info threads
delete
watch workload_counter
continue
continue
delete
monitor stats
`)
	olds := regexp.MustCompile(`Hardware watchpoint 2: workload_counter\n\nOld value = (\d+)\nNew value = (\d+)`).FindAllStringSubmatch(out, -1)
	require.Len(t, olds, 2, out)
	for _, m := range olds {
		o, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		require.Equal(t, o+1, n, "the counter is incremented by one per hit:\n%s", out)
	}
	require.Regexp(t, `Breakpoint 1, (0x[0-9a-f]+ in )?workload_done `, out)
	require.Contains(t, out, "#0  workload_done")
	for i := 1; i <= 4; i++ {
		require.Regexp(t, fmt.Sprintf(`Thread 1\.%d .*CPU#%d`, i, i-1), out)
	}
	par, _ := strconv.ParseUint(regexpFind(t, out, `in parallel phases (\d+)`), 10, 64)
	require.NotZero(t, par, "no instruction ran in a parallel phase:\n%s", out)
}

func TestLinuxParallelBoot(t *testing.T) {
	k := linux.Linux61
	run := bootOurs(t, k, 2, linux.BaseCmdline, 60*time.Second, nil, "--parallel")
	require.True(t, run.PoweredOff, "--once did not exit 0 on the init's power off; console:\n%s", tail(run.Console, 4000))
	require.Contains(t, run.Stderr, "in parallel (not deterministic)")
	require.Contains(t, run.Console, "SMP: Total of 2 processors activated.")
	require.Equal(t, linux.HelloLines(linuxRelease(t, k), 2), linux.InitLines(run.Console), "console:\n%s", run.Console)
}
