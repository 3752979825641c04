package tests

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

// Headless scenario tests (issue 4): each scenario of the same ELF runs on the machine with no client, and the
// outcomes are read from the console.

func scenarioKernel(t *testing.T, mutate func(*kernelsim.Config)) string {
	t.Helper()
	cfg := kernelsim.DefaultConfig()
	cfg.WorkloadRounds = 1
	cfg.StallPowerOff = true
	mutate(&cfg)
	return patchedKernel(t, cfg)
}

func TestCsyncWindowPolicies(t *testing.T) {
	elf := scenarioKernel(t, func(c *kernelsim.Config) { c.Scenario = kernelsim.ScenarioCsyncWindow })
	for _, c := range []struct{ policy, want string }{
		{"strict", "csync-window: enable: LDR#3 trapped; disable: LDR#1 trapped"},
		{"eager", "csync-window: enable: LDR#2,#3 trapped; disable: LDR#1 trapped"},
	} {
		t.Run(c.policy, func(t *testing.T) {
			out := ourConsole(t, elf, 2, "--csync", c.policy)
			require.Contains(t, out, c.want)
		})
	}
	t.Run("random is reproducible per seed", func(t *testing.T) {
		for seed := 1; seed <= 3; seed++ {
			a := ourConsole(t, elf, 2, "--csync", "random", "--seed", fmt.Sprint(seed))
			b := ourConsole(t, elf, 2, "--csync", "random", "--seed", fmt.Sprint(seed))
			require.Equal(t, a, b, "seed %d", seed)
			require.Regexp(t, `csync-window: enable: (LDR#3|LDR#2,#3) trapped; disable: (LDR#1|LDR#1,#2) trapped`, a)
		}
	})
}

// With the OS lock left set the architecture generates no breakpoint, watchpoint or step exception (QEMU 7.2
// delivers them anyway; we follow the Arm ARM).
func TestOSLockSuppressesDebugExceptions(t *testing.T) {
	elf := scenarioKernel(t, func(c *kernelsim.Config) {
		c.Scenario = kernelsim.ScenarioCsyncWindow
		c.DebugFlags |= kernelsim.DebugKeepOSLock
	})
	out := ourConsole(t, elf, 2, "--csync", "eager")
	require.Contains(t, out, "csync-window: enable: none trapped; disable: none trapped")
}

func TestPerfLivelockFixedOrder(t *testing.T) {
	elf := scenarioKernel(t, func(c *kernelsim.Config) {
		c.Scenario = kernelsim.ScenarioPerfLivelock
		c.UninstallOrder = kernelsim.UninstallFixed
	})
	out := ourConsole(t, elf, 2)
	require.Contains(t, out, "perf-livelock: disabled on cpu 1: 1 breakpoint exceptions (1 handled, 0 unhandled)")
	require.Regexp(t, `DBGBCR0_EL1 0x0\n`, out)
}

func TestPerfLivelockDisableOrphan(t *testing.T) {
	elf := scenarioKernel(t, func(c *kernelsim.Config) {
		c.Scenario = kernelsim.ScenarioPerfLivelock
		c.Recovery = kernelsim.RecoveryDisableOrphan
	})
	out := ourConsole(t, elf, 2)
	require.Contains(t, out, "WARNING: cpu 1: disabled orphan breakpoint 0 at write_wb_reg+0x0")
	require.Contains(t, out, "perf-livelock: disabled on cpu 1: 1 breakpoint exceptions (0 handled, 1 unhandled)")
}

// Upstream order with no client: the server reports the livelock in its log and keeps running; the guest's own
// stall watchdog then reports CPU 1, like an RCU stall.
func TestPerfLivelockUpstreamHeadless(t *testing.T) {
	elf := scenarioKernel(t, func(c *kernelsim.Config) { c.Scenario = kernelsim.ScenarioPerfLivelock })
	args := []string{"--kernel", elf, "--cpus", "2", "--run", "--once", "127.0.0.1:0"}
	stdout, stderr, err := runCapture(t, 120*time.Second, nil, serverBin, args...)
	require.NoError(t, err, stderr)
	require.Regexp(t, `livelock: cpu 1 pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), \d+ times, no owning slot`, stderr)
	require.Contains(t, stdout, "rcu: cpu 1 last debug exception: breakpoint (EC 0x31) at write_wb_reg+0x0, repeating, no owning slot")
}

// The same ELF's scenarios print the same console on qemu-system-aarch64 and on the machine with --csync eager
// (QEMU applies debug register writes at once).
func TestScenariosMatchQEMU(t *testing.T) {
	cases := map[string]func(*kernelsim.Config){
		"csync-window": func(c *kernelsim.Config) { c.Scenario = kernelsim.ScenarioCsyncWindow },
		"perf-livelock-fixed": func(c *kernelsim.Config) {
			c.Scenario, c.UninstallOrder = kernelsim.ScenarioPerfLivelock, kernelsim.UninstallFixed
		},
		"perf-livelock-disable-orphan": func(c *kernelsim.Config) {
			c.Scenario, c.Recovery = kernelsim.ScenarioPerfLivelock, kernelsim.RecoveryDisableOrphan
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			elf := scenarioKernel(t, mutate)
			want := qemuConsole(t, elf, 2)
			got := ourConsole(t, elf, 2, "--csync", "eager")
			require.Equal(t, want, got)
		})
	}
}

// FEAT_Debugv8p9: a watchpoint exception between MDSELR_EL1's bank select and the register access makes the
// uninstall write the wrong bank; masking debug exceptions or saving/restoring MDSELR in the handler fixes it.
func TestBankRaceGuards(t *testing.T) {
	elf := scenarioKernel(t, func(c *kernelsim.Config) { c.Scenario = kernelsim.ScenarioBankRace })
	for _, c := range []struct{ guard, want string }{
		{"none", "bank-race: WRONG BANK: the uninstall wrote bank 0 instead of bank 1"},
		{"mask-debug", "bank-race: banks intact"},
		{"save-restore-mdselr", "bank-race: banks intact"},
	} {
		t.Run(c.guard, func(t *testing.T) {
			out := ourConsole(t, elf, 2, "--cpu-model", "debugv8p9", "--bank-guard", c.guard)
			require.Contains(t, out, "hw_breakpoint: found 64 breakpoint and 64 watchpoint registers (banked)")
			require.Contains(t, out, c.want)
		})
	}
}
