package linux

import (
	"bytes"
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// These tests boot the outputs of `make linux` (the top Makefile's test target builds them first) on
// qemu-system-aarch64, the oracle our own machine is compared with. A missing output is a failure.

// output returns the path of a file make linux writes to out/, failing the test when it is missing.
func output(t *testing.T, name string) string {
	t.Helper()
	path, err := OutPath(name)
	require.NoError(t, err)
	return path
}

// release reads the kernel release ("6.1.192") from the banner inside an Image.
func release(t *testing.T, k Kernel) string {
	t.Helper()
	img, err := os.ReadFile(output(t, k.Image))
	require.NoError(t, err)
	m := regexp.MustCompile(`Linux version (\S+) `).FindSubmatch(img)
	require.NotNil(t, m, "no Linux banner in %s", k.Image)
	return string(m[1])
}

// symbol reads a text symbol's address from a vmlinux.
func symbol(t *testing.T, k Kernel, name string) uint64 {
	t.Helper()
	f, err := elf.Open(output(t, k.Vmlinux))
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	require.NoError(t, err)
	for _, s := range syms {
		if s.Name == name && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
			return s.Value
		}
	}
	t.Fatalf("%s has no symbol %s", k.Vmlinux, name)
	return 0
}

// console collects QEMU's serial output as it arrives.
type console struct {
	mu  sync.Mutex
	buf bytes.Buffer
	new chan struct{} // signalled after each write
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.buf.Write(p)
	c.mu.Unlock()
	select {
	case c.new <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (c *console) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// qemuRun is what one boot printed, and whether the guest powered QEMU off by itself.
type qemuRun struct {
	console    string
	poweredOff bool
}

// bootQEMU runs k with the initramfs on QEMU's virt machine, as docs/linux.md shows, for at most bound.
// It stops QEMU early once stop (if not nil) is true of the console so far.
func bootQEMU(t *testing.T, k Kernel, cpus int, cmdline string, bound time.Duration, stop func(string) bool) qemuRun {
	t.Helper()
	qemu, err := exec.LookPath("qemu-system-aarch64")
	if err != nil {
		t.Fatalf("qemu-system-aarch64 not found: run make deps (%v)", err)
	}
	args, err := QEMUArgs(k, cpus, cmdline)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, args...)
	con := &console{new: make(chan struct{}, 1)}
	cmd.Stdout = con
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Logf("%s '%s'", qemu, strings.Join(args, "' '"))
	var run qemuRun
	for {
		select {
		case err := <-done:
			run.console = con.String()
			if ctx.Err() == nil {
				require.NoError(t, err, "QEMU failed: %s\nconsole:\n%s", stderr.String(), run.console)
				run.poweredOff = true
			}
			return run
		case <-con.new:
			if stop != nil && stop(con.String()) {
				cancel()
			}
		}
	}
}

func TestQEMUHello(t *testing.T) {
	for _, k := range []Kernel{Linux61, Linux612} {
		for _, cpus := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%dcpu", k.Name, cpus), func(t *testing.T) {
				run := bootQEMU(t, k, cpus, BaseCmdline, 60*time.Second, nil)
				require.True(t, run.poweredOff, "the init did not power off QEMU within the bound; console:\n%s", run.console)
				require.Contains(t, run.console, "Linux version "+release(t, k)+" ")
				require.Contains(t, run.console, "Run /init as init process")
				if cpus > 1 {
					require.Contains(t, run.console, fmt.Sprintf("SMP: Total of %d processors activated", cpus))
				}
				want := []string{
					"init: started",
					"init: scenario hello",
					"init: kernel Linux " + release(t, k) + " aarch64",
					fmt.Sprintf("init: cpus online: %d", cpus),
					"init: hello from the hwbp-gdbstub init",
					"init: power off",
				}
				require.Equal(t, want, InitLines(run.console), "console:\n%s", run.console)
				require.Contains(t, run.console, "reboot: Power down")
			})
		}
	}
}

// sinceInit is the console from Linux's "Run /init" line on (the whole console if there is none): what a
// failure message shows.
func sinceInit(console string) string {
	if i := strings.Index(console, "Run /init"); i >= 0 {
		return console[i:]
	}
	return console
}

// perfLines is what the init prints up to the DISABLE ioctl, for a kernel whose write_wb_reg is at addr.
func perfLines(addr uint64) []string {
	return []string{
		"init: started",
		"init: scenario perf-livelock",
		fmt.Sprintf("init: write_wb_reg at %#x", addr),
		"init: rcu helper: forks a child every second on cpu 0",
		"init: sched_setaffinity(cpu 1) = 0",
		fmt.Sprintf("init: perf_event_open(breakpoint x at %#x, len 4, exclude_user, pid -1, cpu 1) = 3", addr),
		"init: ioctl ENABLE = 0",
		"init: count after ENABLE = 0",
		"init: ioctl DISABLE ...",
	}
}

// Linux's own RCU stall report, naming CPU 1. It comes in two forms, depending on where RCU's
// grace-period kthread last ran: CPU 1 has not reported a quiescent state ("rcu: \t1-...0: (0 ticks this
// GP) ..."), or it has, but the kthread's timer is on CPU 1, which never takes it ("rcu: rcu_preempt
// kthread starved for 752 jiffies! ... ->cpu=1", then "Stack dump where RCU GP kthread last ran"). Other
// lines, e.g. a task blocked in an RCU read-side section with its stack, may come first.
var stallCPU1 = regexp.MustCompile(`rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:[^\n]*\n(?:[^\n]*\n){0,40}?` +
	`(?:\[[ 0-9.]+\] )?rcu: (?:[ \t]*1-\.\.\.|rcu_preempt kthread starved for \d+ jiffies![^\n]*->cpu=1\b)`)

// The upstream order: DISABLE never returns; QEMU is stopped after the stall report (or the bound).
func testLivelocks(t *testing.T, k Kernel, bound time.Duration, reported func(string) bool) string {
	run := bootQEMU(t, k, 2, PerfCmdline, bound, reported)
	require.False(t, run.poweredOff, "DISABLE returned on the upstream kernel; console:\n%s", sinceInit(run.console))
	require.Equal(t, perfLines(symbol(t, k, "write_wb_reg")), InitLines(run.console), "console:\n%s", sinceInit(run.console))
	require.True(t, reported(run.console), "no stall report within %v; console:\n%s", bound, sinceInit(run.console))
	return run.console
}

// The fixed order: DISABLE returns, the one hit on write_wb_reg is counted, the init powers off.
func testCompletes(t *testing.T, k Kernel) {
	run := bootQEMU(t, k, 2, PerfCmdline, 60*time.Second, nil)
	require.True(t, run.poweredOff, "the fixed kernel did not power off; console:\n%s", sinceInit(run.console))
	want := append(perfLines(symbol(t, k, "write_wb_reg")),
		"init: ioctl DISABLE = 0",
		"init: count after DISABLE = 1",
		"init: close = 0",
		"init: perf-livelock: DISABLE returned, no livelock",
		"init: power off")
	require.Equal(t, want, InitLines(run.console), "console:\n%s", sinceInit(run.console))
	require.NotContains(t, run.console, "detected stalls")
}

func TestQEMUPerfLivelock61(t *testing.T) {
	testLivelocks(t, Linux61, 25*time.Second, stallCPU1.MatchString)
}

func TestQEMUPerfFixed61(t *testing.T) {
	testCompletes(t, Linux61Fixed)
}

// On 6.12 with GICv3 pseudo-NMI, Linux's stall report carries the NMI backtrace of the stuck CPU: the
// report of the lkml mail, line for line.
var nmiBacktrace = regexp.MustCompile(`(?s)Sending NMI from CPU 0 to CPUs 1:.*NMI backtrace for cpu 1\n.*` +
	`pc : write_wb_reg\+0x0/.*lr : hw_breakpoint_control\+.*Call trace:.*` +
	`write_wb_reg\+0x0/.*arch_uninstall_hw_breakpoint\+.*perf_ioctl\+.*el0t_64_sync\+0x`)

func TestQEMUPerfLivelock612(t *testing.T) {
	con := testLivelocks(t, Linux612, 30*time.Second, func(s string) bool {
		return stallCPU1.MatchString(s) && nmiBacktrace.MatchString(strings.ReplaceAll(s, "\r\n", "\n"))
	})
	for _, fn := range []string{"hw_breakpoint_del", "event_sched_out", "smp_call_function_single"} {
		require.Contains(t, con, " "+fn+"+", "the NMI backtrace lacks %s", fn)
	}
}

func TestQEMUPerfFixed612(t *testing.T) {
	testCompletes(t, Linux612Fixed)
}
