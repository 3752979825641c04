package tests

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim/linux"
)

// Real Linux on our machine next to QEMU's virt machine, the same Image, initramfs and command line on
// both: what the init prints must be identical (timestamps differ, so only the init's lines are compared).

// bootOurs runs the stub with kernel k running (--run --once), no gdb attached, for at most bound; stop
// ends it early as in linux.Watch.
func bootOurs(t *testing.T, k linux.Kernel, cpus int, cmdline string, bound time.Duration,
	stop func(console, stderr string) bool, flags ...string) linux.Run {
	t.Helper()
	args := linuxKernelBoot(t, k, cmdline, append([]string{"--cpus", fmt.Sprint(cpus), "--run", "--once"}, flags...)...)
	cmd := exec.Command(serverBin, append(args, "127.0.0.1:0")...)
	run, err := linux.Watch(cmd, bound, stop)
	require.NoError(t, err, "console:\n%s", tail(run.Console, 4000))
	return run
}

// bootQEMU runs the same boot on qemu-system-aarch64.
func bootQEMU(t *testing.T, k linux.Kernel, cpus int, cmdline string, bound time.Duration,
	stop func(console, stderr string) bool) linux.Run {
	t.Helper()
	cmd, err := linux.QEMUCommand(context.Background(), k, cpus, cmdline)
	require.NoError(t, err)
	run, err := linux.Watch(cmd, bound, stop)
	require.NoError(t, err, "console:\n%s", tail(run.Console, 4000))
	return run
}

// bootBoth boots on our machine and on QEMU at the same time.
func bootBoth(t *testing.T, k linux.Kernel, cpus int, cmdline string, bound time.Duration) (ours, qemu linux.Run) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		qemu = bootQEMU(t, k, cpus, cmdline, bound, nil)
	}()
	ours = bootOurs(t, k, cpus, cmdline, bound, nil)
	wg.Wait()
	return ours, qemu
}

func linuxRelease(t *testing.T, k linux.Kernel) string {
	t.Helper()
	r, err := linux.Release(k)
	require.NoError(t, err)
	return r
}

func linuxSymbol(t *testing.T, k linux.Kernel, name string) uint64 {
	t.Helper()
	addr, err := linux.Symbol(k, name)
	require.NoError(t, err)
	return addr
}

// 6.1 (GICv2) and 6.12 (GICv3) boot to the init on 1 and 2 CPUs; the init powers off through PSCI
// SYSTEM_OFF and --once exits 0; its lines are QEMU's.
func TestLinuxBootMatchesQEMU(t *testing.T) {
	for _, k := range []linux.Kernel{linux.Linux61, linux.Linux612} {
		for _, cpus := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%dcpu", k.Name, cpus), func(t *testing.T) {
				ours, qemu := bootBoth(t, k, cpus, linux.BaseCmdline, 60*time.Second)
				require.True(t, ours.PoweredOff, "--once did not exit 0 on the init's power off; console:\n%s", tail(ours.Console, 4000))
				require.True(t, qemu.PoweredOff, "QEMU: %s", tail(qemu.Console, 4000))
				require.Contains(t, ours.Console, "Linux version "+linuxRelease(t, k)+" ")
				require.Contains(t, ours.Console, "Run /init as init process")
				if cpus > 1 {
					require.Contains(t, ours.Console, fmt.Sprintf("SMP: Total of %d processors activated.", cpus))
				}
				require.Contains(t, ours.Console, "reboot: Power down")
				require.Contains(t, ours.Stderr, `guest powered off	{"reason": "PSCI SYSTEM_OFF"}`)
				require.Equal(t, linux.HelloLines(linuxRelease(t, k), cpus), linux.InitLines(ours.Console), "console:\n%s", ours.Console)
				require.Equal(t, linux.InitLines(qemu.Console), linux.InitLines(ours.Console))
			})
		}
	}
}

// livelockReport is the stub's report of the experiment's livelock on Linux (docs/design.md §9).
var livelockReport = regexp.MustCompile(`livelock: cpu 1 pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), (\d+) times, ` +
	`DBGBCR0_EL1 0x1e3 enabled with DBGBVR0_EL1 = that pc; each of the \d+ ERETs went back to that pc with no step armed`)

// The experiment with no gdb attached (--run): the upstream kernel never returns from DISABLE; the stub's
// report comes on stderr first and the machine keeps running, so Linux's own RCU stall report naming CPU 1
// follows on the console — on 6.12 with pseudo-NMI with the NMI backtrace at write_wb_reg.
// With a GICv3 the machine numbers CPUs in QEMU's clusters of 16 (MPIDR_EL1 Aff1.Aff0), so Linux brings up
// more CPUs than one cluster holds, on ours as on QEMU.
func TestLinuxBootTwoClustersMatchesQEMU(t *testing.T) {
	const cpus = 18
	k := linux.Linux612
	ours, qemu := bootBoth(t, k, cpus, linux.BaseCmdline, 90*time.Second)
	require.True(t, ours.PoweredOff, "--once did not exit 0 on the init's power off; console:\n%s", tail(ours.Console, 4000))
	require.True(t, qemu.PoweredOff, "QEMU: %s", tail(qemu.Console, 4000))
	for name, run := range map[string]linux.Run{"ours": ours, "QEMU": qemu} {
		require.Contains(t, run.Console, fmt.Sprintf("SMP: Total of %d processors activated.", cpus), name)
	}
	require.Equal(t, linux.HelloLines(linuxRelease(t, k), cpus), linux.InitLines(ours.Console), "console:\n%s", ours.Console)
	require.Equal(t, linux.InitLines(qemu.Console), linux.InitLines(ours.Console))
}

func TestLinuxPerfLivelock(t *testing.T) {
	for _, k := range []linux.Kernel{linux.Linux61, linux.Linux612} {
		t.Run(k.Name, func(t *testing.T) {
			reportFirst := false
			seen := func(console, stderr string) bool {
				console = strings.ReplaceAll(console, "\r\n", "\n")
				stall := strings.Contains(console, "rcu: INFO: rcu_preempt detected stalls")
				if !stall && livelockReport.MatchString(stderr) {
					reportFirst = true
				}
				done := linux.StallCPU1.MatchString(console)
				if k.GIC == 3 {
					done = done && linux.NMIBacktrace.MatchString(console)
				}
				return done && livelockReport.MatchString(stderr)
			}
			run := bootOurs(t, k, 2, linux.PerfCmdline, 60*time.Second, seen)
			require.False(t, run.PoweredOff, "DISABLE returned on the upstream kernel; console:\n%s", linux.SinceInit(run.Console))
			require.True(t, seen(run.Console, run.Stderr), "no report within the bound; stderr:\n%s\nconsole:\n%s", run.Stderr, linux.SinceInit(run.Console))
			require.True(t, reportFirst, "Linux's stall report came before the stub's")
			require.Equal(t, linux.PerfLines(linuxSymbol(t, k, "write_wb_reg")), linux.InitLines(run.Console))
			require.Contains(t, run.Stderr, "no client attached; the machine keeps running")
			require.Regexp(t, `(?m)^hwbp-gdbstub: `+livelockReport.String(), run.Stderr, "the report as a plain line too")
			require.Equal(t, "1000", livelockReport.FindStringSubmatch(run.Stderr)[1])
		})
	}
}

// The fixed kernels survive the experiment on our machine as on QEMU: DISABLE returns, the hit is counted,
// the init powers off, and no livelock is reported.
func TestLinuxPerfFixedMatchesQEMU(t *testing.T) {
	for _, k := range []linux.Kernel{linux.Linux61Fixed, linux.Linux612Fixed} {
		t.Run(k.Name, func(t *testing.T) {
			ours, qemu := bootBoth(t, k, 2, linux.PerfCmdline, 60*time.Second)
			require.True(t, ours.PoweredOff, "the fixed kernel did not power off; console:\n%s", linux.SinceInit(ours.Console))
			require.Equal(t, linux.FixedPerfLines(linuxSymbol(t, k, "write_wb_reg")), linux.InitLines(ours.Console))
			require.Equal(t, linux.InitLines(qemu.Console), linux.InitLines(ours.Console))
			require.NotContains(t, ours.Stderr, "livelock")
			require.NotContains(t, ours.Console, "detected stalls")
		})
	}
}

// The machine's own knobs work on Linux: with the debug-register sync window eager or random, another
// livelock threshold and the other FAR policy, the experiment still livelocks and is reported.
func TestLinuxPerfLivelockKnobs(t *testing.T) {
	tests := []struct {
		flags []string
		times string
	}{
		{[]string{"--csync", "eager", "--livelock-threshold", "50"}, "50"},
		{[]string{"--csync", "random", "--seed", "3", "--far-policy", "access-start"}, "1000"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.flags, " "), func(t *testing.T) {
			run := bootOurs(t, linux.Linux61, 2, linux.PerfCmdline, 60*time.Second,
				func(_, stderr string) bool { return livelockReport.MatchString(stderr) }, tt.flags...)
			m := livelockReport.FindStringSubmatch(run.Stderr)
			require.NotNil(t, m, "no report; stderr:\n%s\nconsole:\n%s", run.Stderr, linux.SinceInit(run.Console))
			require.Equal(t, tt.times, m[1])
		})
	}
}

// An MMU-on program (testdata/mmu.S: 39-bit TTBR0/TTBR1 tables, Device and Normal memory, the UART at a high
// VA, a permission and a translation fault with ESR/FAR, an unaligned Normal load, AT S1E1R, a remap with
// TLBI, not-global mappings under two ASIDs) prints the same console on our machine as on QEMU's virt.
func TestMMUProgramMatchesQEMU(t *testing.T) {
	cc := requireTool(t, "aarch64-linux-gnu-gcc")
	elf := filepath.Join(t.TempDir(), "mmu.elf")
	out, err := exec.Command(cc, "-nostdlib", "-static", "-Wl,-Ttext=0x40000000", "-Wl,-N", "-Wl,--build-id=none",
		"-Wl,--no-warn-rwx-segments", "testdata/mmu.S", "-o", elf).CombinedOutput()
	require.NoError(t, err, "%s", out)
	want := qemuConsole(t, elf, 1)
	require.Equal(t, strings.Join([]string{
		"mmu on, printing through the uart at 0xffffff8000000000",
		"s 0000000000001005", // SCTLR_EL1 M, C, I; A clear
		"r 1122334455667788", // a load through TTBR1
		"e 000000009600004f", // data abort, same EL (EC 0x25), WnR, permission fault level 3
		"v ffffff8000001008", // FAR: the store's address
		"e 0000000096000007", // translation fault level 3
		"v ffffff8000002010", // FAR: the load's address
		"u 0011223344556677", // an unaligned load from Normal memory
		"p ff0000004000ab80", // PAR_EL1: Normal write-back (0xff), the frame, NS, inner shareable
		"q 000000000000080f", // PAR_EL1.F with FST translation fault level 3
		"a aaaaaaaaaaaaaaaa", // the read-write page before the remap
		"b bbbbbbbbbbbbbbbb", // and after it with TLBI VAE1IS
		"g aaaaaaaaaaaaaaaa", // a not-global low VA under ASID 1,
		"h 2222222222222222", // under ASID 2 (another table, another frame),
		"i aaaaaaaaaaaaaaaa", // and under ASID 1 again, with no TLBI in between
		"f 0000000000000002", // faults taken
		"power off", ""}, "\n"), want, "QEMU's console")
	require.Equal(t, want, ourConsole(t, elf, 1))
}
