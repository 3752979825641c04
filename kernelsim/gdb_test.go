package kernelsim

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The vector's CFI lets gdb unwind from the handler through the exception into
// the livelocked uninstall (QEMU + gdb-multiarch, docs/design.md §9).
func TestQEMUGdbBacktraceThroughException(t *testing.T) {
	qemu, err := exec.LookPath("qemu-system-aarch64")
	if err != nil {
		t.Fatalf("qemu-system-aarch64 not found: run make deps (%v)", err)
	}
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		t.Fatalf("gdb-multiarch not found: run make deps (%v)", err)
	}
	img, err := Default()
	require.NoError(t, err)
	cfg := DefaultConfig()
	cfg.Scenario = ScenarioPerfLivelock
	cfg.StallTimeoutMS = 0
	elfBytes, err := img.PatchedELF(cfg)
	require.NoError(t, err)
	dir := t.TempDir()
	kernel := filepath.Join(dir, "kernel.elf")
	require.NoError(t, os.WriteFile(kernel, elfBytes, 0o644))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())

	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	q := exec.CommandContext(ctx, qemu, "-M", "virt", "-cpu", "cortex-a57", "-smp", "2", "-m", "128M",
		"-display", "none", "-serial", "null", "-monitor", "none", "-S",
		"-gdb", fmt.Sprintf("tcp:127.0.0.1:%d", port), "-kernel", kernel)
	require.NoError(t, q.Start())
	defer func() { _ = q.Process.Kill(); _ = q.Wait() }()

	// Stop in the handler only once the slot is empty: the livelocking exception, not the handled ones.
	script := fmt.Sprintf(`set pagination off
set confirm off
target remote 127.0.0.1:%d
hbreak do_breakpoint if bp_on_reg[1][0] == 0
continue
bt
`, port)
	scriptPath := filepath.Join(dir, "bt.gdb")
	require.NoError(t, os.WriteFile(scriptPath, []byte(script), 0o644))
	var out []byte
	for attempt := 0; attempt < 20; attempt++ { // QEMU's gdbstub may not listen yet
		out, err = exec.CommandContext(ctx, gdb, "-nx", "-batch", "-x", scriptPath, kernel).CombinedOutput()
		if !strings.Contains(string(out), "Connection refused") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, err, "%s", out)
	text := string(out)
	frames := []string{"do_breakpoint", "el1h_sync_handler", "<signal handler called>", "write_wb_reg",
		"hw_breakpoint_control", "arch_uninstall_hw_breakpoint", "cpu_loop", "secondary_entry"}
	last := -1
	for _, f := range frames {
		i := strings.Index(text, f+" ")
		if f == "<signal handler called>" {
			i = strings.Index(text, f)
		}
		require.Greater(t, i, last, "frame %q missing or out of order in:\n%s", f, text)
		last = i
	}
	require.Contains(t, text, "ops=ops@entry=HW_BREAKPOINT_UNINSTALL")
	require.NotContains(t, text, "corrupt stack")
}
