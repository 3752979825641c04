package rsp_test

import (
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// TestMain doubles as a stub on stdin/stdout when RSP_STDIO_HELPER is set,
// so that gdb can start it with "target remote | …".
func TestMain(m *testing.M) {
	if os.Getenv("RSP_STDIO_HELPER") == "1" {
		f := rsptest.NewFakeTarget(2)
		f.ExecName = ""
		err := rsp.NewServer(f, rsp.Options{}).ServeConn(struct {
			io.Reader
			io.Writer
		}{os.Stdin, os.Stdout})
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runGDB(t *testing.T, args ...string) string {
	t.Helper()
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		t.Fatal("gdb-multiarch is not installed: run `make deps`")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, gdb, append([]string{"-batch", "-nx"}, args...)...).CombinedOutput()
	t.Log(string(out))
	require.NoError(t, err)
	return string(out)
}

// TestGDBInterrupt: gdb's "interrupt" while the target runs sends 0x03; the
// stop is T02, which gdb shows as SIGINT.
func TestGDBInterrupt(t *testing.T) {
	f := rsptest.NewFakeTarget(2)
	f.ExecName = ""
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go rsp.NewServer(f, rsp.Options{}).Serve(l)
	defer l.Close()
	script := filepath.Join(t.TempDir(), "interrupt.gdb")
	require.NoError(t, os.WriteFile(script, []byte(`set architecture aarch64
target remote `+l.Addr().String()+`
python
import threading
threading.Timer(0.3, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()
end
continue
info registers pc
`), 0o644))
	text := runGDB(t, "-x", script)
	require.Contains(t, text, "received signal SIGINT, Interrupt.")
	require.Contains(t, text, "pc             0x40000000")
}

// TestGDBStdio: "target remote | PROGRAM" with the server on stdio.
func TestGDBStdio(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	t.Setenv("RSP_STDIO_HELPER", "1")
	text := runGDB(t,
		"-ex", "set architecture aarch64",
		"-ex", "target remote | "+self,
		"-ex", "info threads",
		"-ex", "stepi",
		"-ex", "info registers pc",
	)
	require.Contains(t, text, "Thread 1.2")
	require.Contains(t, text, "pc             0x40000004")
	require.Contains(t, text, "[Inferior 1 (process 1) detached]")
}
