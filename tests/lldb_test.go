package tests

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lldb 14 against the server: threads are CPUs, a hardware breakpoint stops, and a watchpoint is stepped over
// (qHostInfo says watchpoint exceptions arrive before the access), so each hit shows old and new values.
func TestLLDBWatchAndBreak(t *testing.T) {
	bin := requireTool(t, "lldb")
	s := startServer(t)
	kernel := filepath.Join(t.TempDir(), "kernel.elf")
	_, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, "--dump-kernel", kernel)
	require.NoError(t, err, stderr)
	out := runTool(t, 120*time.Second, bin, "--batch", "--no-lldbinit",
		"-o", "target create "+kernel,
		"-o", "gdb-remote "+s.Addr,
		"-o", "thread list",
		"-o", "breakpoint set -H -n workload_done",
		"-o", "continue",
		"-o", "breakpoint delete 1",
		"-o", "watchpoint set variable workload_counter",
		"-o", "continue",
		"-o", "continue",
		"-o", "process detach")
	require.Regexp(t, `thread #2: tid = 0x0*2`, out)
	require.Regexp(t, `stop reason = breakpoint 1\.1`, out)
	require.Contains(t, out, "workload_done")
	require.Equal(t, 2, countMatches(out, `Watchpoint 1 hit:\nold value: \d+\nnew value: \d+`), out)
	require.Contains(t, out, "Process 1 detached")
}
