package tests

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// gdb's detach followed at once by target remote, in one script: every reconnect is served (the next client
// waits until the previous session's cleanup is done instead of being refused).
func TestGDBDetachThenTargetRemoteAgain(t *testing.T) {
	s := startServer(t)
	const rounds = 5
	var script strings.Builder
	for i := 0; i < rounds; i++ {
		fmt.Fprintf(&script, "hbreak workload_done\ncontinue\ndelete\ndetach\ntarget remote %s\n", s.Addr)
	}
	script.WriteString("info threads\n")
	out := gdb(t, s.Addr, script.String())
	require.NotContains(t, out, "Connection reset by peer", out)
	require.NotContains(t, out, "Remote connection closed", out)
	require.Equal(t, rounds+1, strings.Count(out, "[Inferior 1 (process 1) detached]"), out)
	require.Equal(t, rounds, countMatches(out, `hit Breakpoint \d+, (0x[0-9a-f]+ in )?workload_done`), out)
	require.Regexp(t, `Thread 1\.2 .*CPU#1`, out)
}

// Connections that send no packet (port probes, health checks) change nothing: the machine stays halted at the
// entry point, and the client after them finds it there and its points work.
func TestSilentConnectionsLeaveTheMachineHalted(t *testing.T) {
	s := startServer(t)
	for _, probe := range []string{"", "", "+", "+++"} {
		conn, err := net.Dial("tcp", s.Addr)
		require.NoError(t, err)
		if probe != "" {
			_, err = conn.Write([]byte(probe))
			require.NoError(t, err)
		}
		require.NoError(t, conn.Close())
	}
	host, port, err := net.SplitHostPort(s.Addr)
	require.NoError(t, err)
	// A probe while gdb is attached waits in the queue and disturbs nothing: gdb's hbreak hits again.
	out := gdb(t, s.Addr, fmt.Sprintf(`
printf "pc=%%#lx start=%%#lx\n", $pc, &_start
printf "counter=%%lu\n", workload_counter
hbreak workload_done
continue
python import socket; socket.create_connection(("%s", %s)).close()
continue
info breakpoints
`, host, port))
	pc := regexpFind(t, out, `pc=(0x[0-9a-f]+) `)
	require.Equal(t, regexpFind(t, out, `start=(0x[0-9a-f]+)`), pc, "the machine moved while only probes were connected:\n%s", out)
	require.Equal(t, uint64(0), parseCounter(t, out), out)
	require.Regexp(t, `Breakpoint 1, (0x[0-9a-f]+ in )?workload_done`, out)
	require.Contains(t, out, "breakpoint already hit 2 times", out)
	require.Equal(t, 1, strings.Count(s.Log.String(), "the machine keeps running"), "only gdb's own detach lets the machine run:\n%s", s.Log.String())
}

// stdio with --run: gdb attaches to the running machine, and continue runs it to the hbreak. The halt at
// attach used to leave an interrupt pending, so continue stopped at once with SIGINT at _start.
func TestGDBStdioRunStopsAtHbreak(t *testing.T) {
	for i := 0; i < 4; i++ {
		out := gdb(t, "", fmt.Sprintf(`
target remote | %s - --run
hbreak workload_done
continue
`, serverBin))
		require.NotContains(t, out, "SIGINT", "run %d:\n%s", i, out)
		require.Regexp(t, `hit Breakpoint 1, (0x[0-9a-f]+ in )?workload_done`, out, "run %d", i)
	}
}

// A server that starts slower than gdb's ack timeout gets gdb's first packet twice (gdb resends it); it must
// answer it once, or every later reply is one behind ("Remote replied unexpectedly to 'vMustReplyEmpty'").
func TestGDBStdioSlowStartRetransmission(t *testing.T) {
	out := gdb(t, "", fmt.Sprintf(`
set remotetimeout 1
target remote | sh -c 'sleep 1.5; exec %s - --run'
set remotetimeout 2
hbreak workload_done
continue
`, serverBin))
	require.NotContains(t, out, "Remote replied unexpectedly", out)
	require.Contains(t, out, "retransmitted packet not answered again", out)
	require.Regexp(t, `hit Breakpoint 1, (0x[0-9a-f]+ in )?workload_done`, out)
}

// extended-remote: run and starti restart the machine from the entry point (starti stops there, run goes on to
// the hbreak); after kill there are no threads until attach; run works again after attach.
func TestGDBExtendedRemoteRunKillAttach(t *testing.T) {
	s := startServer(t)
	out := gdb(t, "", fmt.Sprintf(`
target extended-remote %s
hbreak workload_done
continue
printf "before counter=%%lu\n", workload_counter
starti
printf "pc=%%#lx start=%%#lx\n", $pc, &_start
printf "after counter=%%lu\n", workload_counter
continue
kill
info threads
attach 1
info threads
run
info threads
`, s.Addr))
	require.NotContains(t, out, "internal-error", out)
	require.NotContains(t, out, "Remote replied unexpectedly", out)
	require.NotContains(t, out, "Can't read data", "the symbol file's vFile handles outlive the kill:\n%s", out)
	require.Greater(t, parseCounter(t, regexpFind(t, out, `before (counter=\d+)`)), uint64(0), out)
	require.Equal(t, regexpFind(t, out, `start=(0x[0-9a-f]+)`), regexpFind(t, out, `pc=(0x[0-9a-f]+) `), "starti stops at the entry:\n%s", out)
	require.Equal(t, uint64(0), parseCounter(t, regexpFind(t, out, `after (counter=\d+)`)), "starti reloads the kernel:\n%s", out)
	require.Equal(t, 3, countMatches(out, `hit Breakpoint 1, (0x[0-9a-f]+ in )?workload_done`), out)
	require.Contains(t, out, "[Inferior 1 (process 1) killed]")
	require.Contains(t, out, "No threads.", out)
	require.Regexp(t, `(?s)No threads\..*Thread 1\.1 .*Thread 1\.2 `, out)
}

// The server binary, with the machine's own attach and detach behind each session: 200 connect/close and 200
// connect/D sessions back to back, each served (none refused while the previous one tears down).
func TestImmediateReconnectsAreServed(t *testing.T) {
	s := startServer(t)
	for _, leave := range []string{"close", "D"} {
		for i := 0; i < 200; i++ {
			conn, err := net.Dial("tcp", s.Addr)
			require.NoError(t, err)
			cl := rsptest.NewClient(t, conn)
			cl.SendRaw(rsptest.Frame("?"))
			reply, err := cl.TryRecv()
			require.NoError(t, err, "%s session %d refused", leave, i)
			require.True(t, strings.HasPrefix(reply, "T05thread:"), reply)
			if leave == "D" {
				cl.SendRaw(rsptest.Frame("D"))
				reply, err = cl.TryRecv()
				require.NoError(t, err, "%s session %d", leave, i)
				require.Equal(t, "OK", reply)
			}
			require.NoError(t, conn.Close())
		}
	}
	require.Eventually(t, func() bool { return strings.Count(s.Log.String(), "client left; the machine keeps running") == 400 },
		5*time.Second, 10*time.Millisecond, "one detach per session:\n%s", tail(s.Log.String(), 2000))
}

// extended-remote after the guest powered off: no threads, and run boots it again.
func TestGDBExtendedRemoteRunAfterExit(t *testing.T) {
	s := startServer(t, "--rounds", "1")
	out := gdb(t, "", fmt.Sprintf(`
target extended-remote %s
continue
info threads
hbreak workload_done
run
`, s.Addr))
	require.Contains(t, out, "[Inferior 1 (process 1) exited normally]", out)
	require.Regexp(t, `exited normally\]\nNo threads\.`, out)
	require.NotContains(t, out, "Can't read data", out)
	require.Regexp(t, `hit Breakpoint 1, (0x[0-9a-f]+ in )?workload_done`, out)
}

// lldb's detach, kill and gdb-remote again in one batch: every reconnect is served and the hbreak still hits.
func TestLLDBDetachKillAndReconnect(t *testing.T) {
	s := startServer(t)
	out := lldbBatch(t, s.Addr,
		"breakpoint set -H -n workload_done",
		"continue",
		"process detach",
		"gdb-remote "+s.Addr,
		"continue",
		"process kill",
		"gdb-remote "+s.Addr,
		"continue",
		"process detach")
	continues := strings.Split(out, "(lldb) continue")
	require.Len(t, continues, 4, out)
	for i, c := range continues[1:] {
		require.Contains(t, c, "stop reason = breakpoint 1.1", "continue %d after a reconnect:\n%s", i+1, out)
	}
	require.Zero(t, countMatches(out, `(?m)^error:`), out)
}
