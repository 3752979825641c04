package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// gdb's hardware points on both routes: matched by the simulator (external; the guest never sees them) and
// through the guest kernel's slot management (kernel). The user-visible output must be the same.
// Every test connects with no local ELF: symbols come from qXfer:exec-file + vFile.

var routes = []string{"external", "kernel"}

func forRoutes(t *testing.T, f func(t *testing.T, route string)) {
	for _, r := range routes {
		t.Run(r, func(t *testing.T) { f(t, r) })
	}
}

func TestGDBSymbolsWithoutLocalFile(t *testing.T) {
	s := startServer(t)
	out := gdb(t, s.Addr, `
info address workload_counter
info threads
`)
	require.Contains(t, out, `Symbol "workload_counter" is static storage at address 0x`)
	require.Regexp(t, `Thread 1\.1 .*CPU#0`, out)
	require.Regexp(t, `Thread 1\.2 .*CPU#1`, out)
}

func TestGDBInfoThreadsListsCPUs(t *testing.T) {
	s := startServer(t, "--cpus", "4")
	out := gdb(t, s.Addr, "info threads\n")
	for i := 1; i <= 4; i++ {
		require.Regexpf(t, fmt.Sprintf(`Thread 1\.%d .*CPU#%d`, i, i-1), out, "thread %d missing:\n%s", i, out)
	}
}

func TestGDBWatchStopsTwiceWithOldAndNewValue(t *testing.T) {
	forRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
	watch workload_counter
	continue
	continue
	info breakpoints
	`)
		require.Equal(t, 2, countMatches(out, `Hardware watchpoint 1: workload_counter\n\nOld value = \d+\nNew value = \d+`), out)
		require.Contains(t, out, "breakpoint already hit 2 times")
		olds := regexp.MustCompile(`Old value = (\d+)\nNew value = (\d+)`).FindAllStringSubmatch(out, -1)
		for _, m := range olds {
			o, _ := strconv.Atoi(m[1])
			n, _ := strconv.Atoi(m[2])
			require.Equal(t, o+1, n, "the counter is incremented by one per hit:\n%s", out)
		}
	})
}

func TestGDBReadAndAccessWatchpoints(t *testing.T) {
	forRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
	rwatch workload_readonly
	continue
	delete
	awatch workload_counter
	continue
	continue
	`)
		require.Regexp(t, `Hardware read watchpoint 1: workload_readonly\n\nValue = \d+`, out)
		require.Regexp(t, `Hardware access \(read/write\) watchpoint 2: workload_counter\n\n(Value = \d+|Old value = \d+\nNew value = \d+)`, out)
	})
}

func TestGDBHardwareAndSoftwareBreakpoints(t *testing.T) {
	forRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
	hbreak workload_done
	continue
	bt 1
	delete
	break workload_done
	continue
	info breakpoints
	`)
		require.Regexp(t, `Breakpoint 1, (0x[0-9a-f]+ in )?workload_done `, out)
		require.Regexp(t, `Breakpoint 2, (0x[0-9a-f]+ in )?workload_done `, out)
		require.Contains(t, out, "#0  workload_done")
	})
}

func TestGDBFifthWatchpointIsRefused(t *testing.T) {
	forRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
	watch workload_counter
	rwatch workload_readonly
	watch *(long *)((char *)&workload_counter + 64)
	watch *(long *)((char *)&workload_counter + 128)
	watch *(long *)((char *)&workload_counter + 192)
	continue
	`)
		require.Contains(t, out, "Could not insert hardware watchpoint 5")
		require.Contains(t, out, "Command aborted.")
	})
}

func TestGDBUnalignedHundredByteWatch(t *testing.T) {
	forRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out := gdb(t, s.Addr, `
	watch -l *(char (*)[100])((char *)&workload_counter - 3)
	continue
	`)
		require.Regexp(t, `Hardware watchpoint 1: -location .*\n\nOld value = .*\nNew value = `, out)
	})
}

func TestGDBStepi(t *testing.T) {
	s := startServer(t)
	out := gdb(t, s.Addr, `
break workload_done
continue
delete
printf "pc0=%#lx\n", $pc
stepi
printf "pc1=%#lx\n", $pc
stepi 3
printf "pc2=%#lx\n", $pc
`)
	pcs := regexp.MustCompile(`pc(\d)=0x([0-9a-f]+)`).FindAllStringSubmatch(out, -1)
	require.Len(t, pcs, 3, out)
	p0, _ := strconv.ParseUint(pcs[0][2], 16, 64)
	p1, _ := strconv.ParseUint(pcs[1][2], 16, 64)
	require.NotEqual(t, p0, p1, out)
	require.NotEqual(t, pcs[1][2], pcs[2][2], out)
}

func TestGDBInterruptStopsWithSIGINT(t *testing.T) {
	s := startServer(t)
	out := gdb(t, s.Addr, `
python
import threading
threading.Timer(1.0, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()
end
continue
info threads
`)
	require.Contains(t, out, "received signal SIGINT, Interrupt.")
}

func TestGDBDetachAndReattachKeepsState(t *testing.T) {
	forRoutes(t, func(t *testing.T, route string) {
		s := startServer(t, "--hw-debug", route)
		out1 := gdb(t, s.Addr, `
	watch workload_counter
	continue
	continue
	delete
	printf "counter=%lu\n", workload_counter
	detach
	`)
		v1 := parseCounter(t, out1)
		require.Greater(t, v1, uint64(0), out1)
		out2 := gdb(t, s.Addr, `printf "counter=%lu\n", workload_counter`+"\n")
		v2 := parseCounter(t, out2)
		require.GreaterOrEqual(t, v2, v1, "the simulation was restarted instead of kept:\n%s\n%s", out1, out2)
	})
}

func parseCounter(t *testing.T, out string) uint64 {
	t.Helper()
	m := regexp.MustCompile(`counter=(\d+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	v, err := strconv.ParseUint(m[1], 10, 64)
	require.NoError(t, err)
	return v
}

func TestGDBStdioMode(t *testing.T) {
	out := gdb(t, "", fmt.Sprintf(`
target remote | %s -
info address workload_counter
watch workload_counter
continue
`, serverBin))
	require.Contains(t, out, `Symbol "workload_counter" is static storage`)
	require.Regexp(t, `Old value = \d+\nNew value = \d+`, out)
}

func TestGDBMonitorHelp(t *testing.T) {
	s := startServer(t)
	out := gdb(t, s.Addr, "monitor help\nmonitor stats\nmonitor no-such-command\n")
	for _, cmd := range []string{"help", "stats", "reset"} {
		require.Containsf(t, out, "  "+cmd, "monitor help lacks %q:\n%s", cmd, out)
	}
	require.Contains(t, out, "total instructions")
	require.Contains(t, out, `unknown monitor command "no-such-command"`)
}

// The server must refuse non-loopback addresses unless asked.
func TestRefusesRemoteBindWithoutFlag(t *testing.T) {
	cmd := exec.Command(serverBin, "0.0.0.0:0")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	require.True(t, strings.Contains(string(out), "--allow-remote"), string(out))
}

// unix:PATH serves on a socket only its owner can open; gdb connects to the path.
func TestGDBUnixSocket(t *testing.T) {
	requireTool(t, "gdb-multiarch")
	sock := filepath.Join(t.TempDir(), "hwbp.sock")
	cmd := exec.Command(serverBin, "unix:"+sock)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	st, err := os.Stat(sock)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	out := gdb(t, sock, "info address workload_done\n")
	require.Contains(t, out, `Symbol "workload_done" is a function at address 0x`)
}

// The read-only vFile serves the kernel ELF and nothing else of the host.
func TestGDBCannotReadHostFiles(t *testing.T) {
	s := startServer(t)
	dst := filepath.Join(t.TempDir(), "passwd")
	out := gdb(t, s.Addr, fmt.Sprintf("remote get /etc/passwd %s\nremote put /etc/hostname /tmp/x\nremote delete /tmp/x\n", dst))
	_, err := os.Stat(dst)
	require.True(t, os.IsNotExist(err), "the host file was copied:\n%s", out)
	require.Contains(t, out, "Remote I/O error")
}

// With FEAT_Debugv8p9 gdb sees all 64+64 comparators by physical index; banks do not alias.
func TestGDBDebugv8p9RegistersByPhysicalIndex(t *testing.T) {
	s := startServer(t, "--cpu-model", "debugv8p9")
	out := gdb(t, s.Addr, `
set $DBGBVR17_EL1 = 0x40001234
printf "bvr17=%#lx bvr1=%#lx bvr63=%#lx\n", $DBGBVR17_EL1, $DBGBVR1_EL1, $DBGBVR63_EL1
printf "dfr0=%#lx\n", $ID_AA64DFR0_EL1
monitor dbgregs 0
`)
	require.Contains(t, out, "bvr17=0x40001234 bvr1=0 bvr63=0")
	require.Contains(t, out, "dfr0=0xf0f0f10b")
	require.Contains(t, out, "DBGBVR17_EL1 0x0000000040001234")
	require.Contains(t, out, "DBGBVR1_EL1 0x0000000000000000")
}
