package rsp_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// TestLLDBEndToEnd connects lldb 14 to the FakeTarget: threads, registers,
// memory and a watchpoint hit.
func TestLLDBEndToEnd(t *testing.T) {
	lldb, err := exec.LookPath("lldb")
	if err != nil {
		t.Fatal("lldb is not installed: run `make deps`")
	}
	const watched = rsptest.RAMBase + 0x1000
	f := rsptest.NewFakeTarget(2)
	f.ExecName = ""
	f.Poke64(rsptest.RAMBase, 0x1122334455667788)
	f.Script = []rsptest.ScriptedStop{{
		Stop: rsp.StopReason{Kind: rsp.StopWatch, Thread: 1, Addr: watched, Watch: rsp.WatchWrite},
		Before: func(f *rsptest.FakeTarget) {
			f.OnStep = func(f *rsptest.FakeTarget, tid int) { f.Poke64(watched, 7) }
		},
	}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := rsp.NewServer(f, rsp.Options{})
	go srv.Serve(l)
	defer l.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, lldb, "--batch", "--no-lldbinit",
		"-o", "gdb-remote "+l.Addr().String(),
		"-o", "thread list",
		"-o", "register read pc",
		"-o", "memory read -s8 -fx -c1 0x40000000",
		"-o", "watchpoint set expression -w write -s 8 -- 0x40001000",
		"-o", "process continue",
		"-o", "memory read -s8 -fx -c1 0x40001000",
		"-o", "process detach",
	)
	cmd.Env = append(os.Environ(), "TERM=dumb")
	out, err := cmd.CombinedOutput()
	text := string(out)
	t.Log(text)
	require.NoError(t, err)
	for _, want := range []string{
		"thread #1", "thread #2",
		"pc = 0x0000000040000000",
		"0x40000000: 0x1122334455667788",
		"Watchpoint created",
		"stop reason = watchpoint 1", "old value: 0", "new value: 7",
		"frame #0: 0x0000000040000004", // lldb stepped over the trapping instruction
		"0x40001000: 0x0000000000000007",
	} {
		require.Contains(t, text, want)
	}
}
