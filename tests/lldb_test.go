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
	s := startServer(t)
	out := lldbBatch(t, s.Addr,
		"thread list",
		"breakpoint set -H -n workload_done",
		"continue",
		"breakpoint delete 1",
		"watchpoint set variable workload_counter",
		"continue",
		"continue",
		"process detach")
	require.Regexp(t, `thread #2: tid = 0x0*2`, out)
	require.Regexp(t, `stop reason = breakpoint 1\.1`, out)
	require.Contains(t, out, "workload_done")
	require.Equal(t, 2, countMatches(out, `Watchpoint 1 hit:\nold value: \d+\nnew value: \d+`), out)
	require.Contains(t, out, "Process 1 detached")
}

// lldbBatch runs lldb 14 in batch mode with the embedded kernel as its target (lldb needs the ELF locally),
// connected to addr, then the given commands; it returns lldb's output.
func lldbBatch(t *testing.T, addr string, commands ...string) string {
	t.Helper()
	bin := requireTool(t, "lldb")
	kernel := filepath.Join(t.TempDir(), "kernel.elf")
	_, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, "--dump-kernel", kernel)
	require.NoError(t, err, stderr)
	args := []string{"--batch", "--no-lldbinit", "-o", "target create " + kernel, "-o", "gdb-remote " + addr}
	for _, c := range commands {
		args = append(args, "-o", c)
	}
	return runTool(t, 120*time.Second, bin, args...)
}
