package tests

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gdbMI drives gdb/MI the way an IDE does: MI commands on standard input, records on standard output.
func gdbMI(t *testing.T, commands ...string) string {
	t.Helper()
	bin := requireTool(t, "gdb-multiarch")
	in := strings.Join(append(commands, "-gdb-exit"), "\n") + "\n"
	stdout, stderr, err := runCapture(t, 120*time.Second, strings.NewReader(in), bin, "--interpreter=mi2", "-nx", "-q")
	require.NoError(t, err, stderr)
	return stdout
}

// The IDE path: -target-select, -break-watch, -exec-continue → *stopped,reason="watchpoint-trigger".
func TestGDBMIWatchpointTrigger(t *testing.T) {
	s := startServer(t)
	out := gdbMI(t,
		"-gdb-set architecture aarch64",
		"-target-select remote "+s.Addr,
		"-break-watch workload_counter",
		"-exec-continue",
		"-thread-info",
	)
	require.Contains(t, out, `^done,wpt={number="1",exp="workload_counter"}`, out)
	require.Regexp(t, `\*stopped,reason="watchpoint-trigger",wpt=\{number="1",exp="workload_counter"\},value=\{old="\d+",new="\d+"\}`, out)
	require.Contains(t, out, `target-id="Thread 1.2"`, out)
}
