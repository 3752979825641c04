package kernelsim

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden console transcripts in testdata/")

// runQEMU boots the embedded kernel with cfg on QEMU's virt machine and
// returns its console output. The kernel must power itself off.
func runQEMU(t *testing.T, cpus int, cfg Config) string {
	t.Helper()
	qemu, err := exec.LookPath("qemu-system-aarch64")
	if err != nil {
		t.Fatalf("qemu-system-aarch64 not found: run make deps (%v)", err)
	}
	img, err := Default()
	require.NoError(t, err)
	elfBytes, err := img.PatchedELF(cfg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "kernel.elf")
	require.NoError(t, os.WriteFile(path, elfBytes, 0o644))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, "-M", "virt", "-cpu", "cortex-a57", "-smp", fmt.Sprint(cpus),
		"-m", "128M", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
		"-kernel", path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, ctx.Err(), "QEMU did not power off; console so far:\n%s", out)
	require.NoError(t, err, "QEMU failed: %s\nconsole:\n%s", stderr.String(), out)
	return string(out)
}

// checkGolden compares a console transcript with testdata/name (or rewrites it with -update).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file; run go test ./kernelsim -run QEMU -update")
	require.Equal(t, string(want), got)
}

func TestQEMUBootWorkload(t *testing.T) {
	for _, cpus := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("smp%d", cpus), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.WorkloadRounds = 3
			// A starved host thread must not look like a stall (the text must match the golden).
			cfg.StallTimeoutMS = 10000
			out := runQEMU(t, cpus, cfg)
			require.Contains(t, out, fmt.Sprintf("hwbp-kernel: cpus %d, MIDR_EL1 0x411fd070, ID_AA64DFR0_EL1 0x10305106\n", cpus))
			for i := 0; i < cpus; i++ {
				require.Contains(t, out, fmt.Sprintf("cpu %d online\n", i))
			}
			require.Contains(t, out, "hw_breakpoint: found 6 breakpoint and 4 watchpoint registers\n")
			require.Contains(t, out, "hw_breakpoint: self-test passed")
			require.Contains(t, out, fmt.Sprintf("workload: done, cpus %d, rounds 3 each, workload_readonly ok\n", cpus))
			require.True(t, strings.HasSuffix(out, "hwbp-kernel: power off\n"), out)
			checkGolden(t, fmt.Sprintf("qemu-workload-smp%d.golden", cpus), out)
		})
	}
}

func TestQEMUPerfLivelock(t *testing.T) {
	tests := []struct {
		name     string
		order    UninstallOrder
		recovery Recovery
		want     []string
		absent   []string
	}{
		{"upstream", UninstallUpstream, RecoveryNone,
			[]string{"rcu: cpu 1 last debug exception: breakpoint (EC 0x31) at write_wb_reg+0x0, repeating, no owning slot\n",
				"watchdog: powering off after the stall\n"},
			[]string{"perf-livelock: disabled"}},
		{"fixed", UninstallFixed, RecoveryNone,
			[]string{"perf-livelock: disabled on cpu 1: 1 breakpoint exceptions (1 handled, 0 unhandled), event count 3, DBGBCR0_EL1 0x0\n"},
			[]string{"rcu:", "WARNING"}},
		{"disable-orphan", UninstallUpstream, RecoveryDisableOrphan,
			[]string{"hw_breakpoint: WARNING: cpu 1: disabled orphan breakpoint 0 at write_wb_reg+0x0",
				"perf-livelock: disabled on cpu 1: 1 breakpoint exceptions (0 handled, 1 unhandled), event count 2, DBGBCR0_EL1 0x0\n"},
			[]string{"rcu:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Scenario = ScenarioPerfLivelock
			cfg.UninstallOrder = tc.order
			cfg.Recovery = tc.recovery
			cfg.StallTimeoutMS = 2000
			cfg.StallPowerOff = true
			out := runQEMU(t, 2, cfg)
			require.Contains(t, out, "perf-livelock: enabled on cpu 1: slot 0, DBGBVR0_EL1 write_wb_reg+0x0, DBGBCR0_EL1 0x1e3\n")
			require.Contains(t, out, "perf-livelock: restore on cpu 1: 2 breakpoint exceptions (2 handled), event count 2\n")
			for _, w := range tc.want {
				require.Contains(t, out, w)
			}
			for _, a := range tc.absent {
				require.NotContains(t, out, a)
			}
			checkGolden(t, "qemu-perf-livelock-"+tc.name+".golden", out)
		})
	}
}

func TestQEMUCsyncWindow(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scenario = ScenarioCsyncWindow
	out := runQEMU(t, 1, cfg)
	// QEMU applies debug register writes at once (docs/background.md §3.2).
	require.Contains(t, out, "csync-window: enable: LDR#2,#3 trapped; disable: LDR#1 trapped\n")
	checkGolden(t, "qemu-csync-window.golden", out)
}

func TestQEMUOSLockIgnored(t *testing.T) {
	// QEMU 7.2 delivers debug exceptions with the OS lock set (docs/background.md §2.6);
	// the architecture (and our machine) would not.
	cfg := DefaultConfig()
	cfg.Scenario = ScenarioCsyncWindow
	cfg.DebugFlags = DebugKeepOSLock
	out := runQEMU(t, 1, cfg)
	require.Contains(t, out, "csync-window: enable: LDR#2,#3 trapped; disable: LDR#1 trapped\n")

	cfg.DebugFlags = DebugNoKDE
	out = runQEMU(t, 1, cfg)
	require.Contains(t, out, "csync-window: enable: none trapped; disable: none trapped\n")
}

func TestQEMUBankRaceNeedsDebugv8p9(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scenario = ScenarioBankRace
	out := runQEMU(t, 1, cfg)
	require.Contains(t, out, "bank-race: needs FEAT_Debugv8p9 with more than 16 breakpoints (this cpu has 6)\n")
	checkGolden(t, "qemu-bank-race-cortex-a57.golden", out)
}

// With DebugSelftestHits the self-test also makes a store inside a 64-byte
// MASK region counter (debugger_counter_create + debugger_event_install):
// do_watchpoint must match the whole region and the kernel step over the hit.
// The console is the workload's, byte for byte.
func TestQEMUSelftestMaskHit(t *testing.T) {
	cfg := DefaultConfig()
	cfg.WorkloadRounds = 3
	cfg.StallTimeoutMS = 10000
	cfg.DebugFlags = DebugSelftestHits
	out := runQEMU(t, 2, cfg)
	require.Contains(t, out, "hw_breakpoint: self-test passed")
	checkGolden(t, "qemu-workload-smp2.golden", out)
}
