package rsp_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// TestGDBEndToEnd runs the real gdb-multiarch against a Server with the
// FakeTarget: threads, memory, stepi, registers and a watchpoint stop with
// gdb's step-over.
func TestGDBEndToEnd(t *testing.T) {
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		t.Fatal("gdb-multiarch is not installed: run `make deps`")
	}
	const watched = rsptest.RAMBase + 0x1000
	f := rsptest.NewFakeTarget(2)
	f.ExecName = "" // no symbols: gdb works from the target description alone
	copy(f.Regions[0].Data, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00})
	f.Script = []rsptest.ScriptedStop{{
		Stop: rsp.StopReason{Kind: rsp.StopWatch, Thread: 2, Addr: watched, Watch: rsp.WatchWrite},
		Before: func(f *rsptest.FakeTarget) {
			f.OnStep = func(f *rsptest.FakeTarget, tid int) { f.Poke64(watched, 42) }
		},
	}}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rsp.NewServer(f, rsp.Options{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	defer func() {
		l.Close()
		require.NoError(t, <-served)
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, gdb, "-batch", "-nx",
		"-ex", "set architecture aarch64",
		"-ex", "set debug remote 1",
		"-ex", "target remote "+l.Addr().String(),
		"-ex", "set debug remote 0",
		"-ex", "info threads",
		"-ex", fmt.Sprintf("x/4x %#x", rsptest.RAMBase),
		"-ex", "stepi",
		"-ex", "info registers pc",
		"-ex", fmt.Sprintf("watch *(long*)%#x", watched),
		"-ex", "continue",
		"-ex", "info registers pc",
	)
	out, err := cmd.CombinedOutput()
	text := string(out)
	t.Log(text)
	require.NoError(t, err)
	for _, want := range []string{
		"Thread 1.1", "Thread 1.2", "CPU#1 [halted]",
		"0x40000000:\t0x44332211\t0x88776655\t0xccbbaa99\t0x00ffeedd",
		"pc             0x40000004",
		"Hardware watchpoint 1: *(long*)0x40001000",
		"Old value = 0", "New value = 42",
	} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, strings.ToLower(text), "protocol error")
	// QEMU's untimely-packet check: a reply never overtakes the ack.
	require.NotContains(t, text, "Packet instead of Ack")
	require.Contains(t, text, "[remote] Sending packet: $qSupported")
	// The watchpoint went in and came out through the session's counting.
	calls := strings.Join(f.CallLog(), "\n")
	require.Contains(t, calls, "AddWatchpoint 0x40001000 8 write")
	require.Contains(t, calls, "Detach")
}

// TestGDBSymbolsFromTarget connects with no local file: gdb learns the
// executable through qXfer:exec-file:read, fetches it with vFile and shows
// symbols by name.
func TestGDBSymbolsFromTarget(t *testing.T) {
	gdb, err := exec.LookPath("gdb-multiarch")
	if err != nil {
		t.Fatal("gdb-multiarch is not installed: run `make deps`")
	}
	elf, err := os.ReadFile("testdata/tiny.elf")
	require.NoError(t, err)
	f := rsptest.NewFakeTarget(1)
	f.ExecName = "/guest/tiny.elf"
	f.ExecData = elf
	f.Poke64(0x40000800, 5)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rsp.NewServer(f, rsp.Options{})
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	defer func() {
		l.Close()
		require.NoError(t, <-served)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, gdb, "-batch", "-nx",
		"-ex", "target remote "+l.Addr().String(),
		"-ex", "print workload_counter",
		"-ex", "info symbol 0x40000000",
	).CombinedOutput()
	text := string(out)
	t.Log(text)
	require.NoError(t, err)
	require.Contains(t, text, "$1 = 5")
	require.Contains(t, text, "_start in section .text")
}
