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
	"time"
)

// What a boot of the kernels in out/ prints, on QEMU (the oracle) or on our machine: the init's lines per
// scenario, Linux's own stall reports, and a runner that watches a console as it arrives.

// Release reads the kernel release ("6.1.192") from the banner inside k's Image.
func Release(k Kernel) (string, error) {
	path, err := OutPath(k.Image)
	if err != nil {
		return "", err
	}
	img, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`Linux version (\S+) `).FindSubmatch(img)
	if m == nil {
		return "", fmt.Errorf("no Linux banner in %s", path)
	}
	return string(m[1]), nil
}

// Symbol reads a function's address from k's vmlinux.
func Symbol(k Kernel, name string) (uint64, error) {
	path, err := OutPath(k.Vmlinux)
	if err != nil {
		return 0, err
	}
	f, err := elf.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return 0, err
	}
	for _, s := range syms {
		if s.Name == name && elf.ST_TYPE(s.Info) == elf.STT_FUNC {
			return s.Value, nil
		}
	}
	return 0, fmt.Errorf("%s has no function %s", path, name)
}

// HelloLines is what the init's default scenario prints on cpus CPUs of a kernel of that release.
func HelloLines(release string, cpus int) []string {
	return []string{
		"init: started",
		"init: scenario hello",
		"init: kernel Linux " + release + " aarch64",
		fmt.Sprintf("init: cpus online: %d", cpus),
		"init: hello from the hwbp-gdbstub init",
		"init: power off",
	}
}

// PerfLines is what the perf-livelock scenario prints up to the DISABLE ioctl, for a kernel whose
// write_wb_reg is at addr.
func PerfLines(addr uint64) []string {
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

// FixedPerfLines is what the perf-livelock scenario prints on a kernel with the fixed uninstall order:
// DISABLE returns, the one hit on write_wb_reg is counted, the init powers off.
func FixedPerfLines(addr uint64) []string {
	return append(PerfLines(addr),
		"init: ioctl DISABLE = 0",
		"init: count after DISABLE = 1",
		"init: close = 0",
		"init: perf-livelock: DISABLE returned, no livelock",
		"init: power off")
}

// StallCPU1 matches Linux's own RCU stall report naming CPU 1. It comes in two forms, depending on where
// RCU's grace-period kthread last ran: CPU 1 has not reported a quiescent state ("rcu: \t1-...0: (0 ticks
// this GP) ..."), or it has, but the kthread's timer is on CPU 1, which never takes it ("rcu: rcu_preempt
// kthread starved for 752 jiffies! ... ->cpu=1", then "Stack dump where RCU GP kthread last ran"). Other
// lines, e.g. a task blocked in an RCU read-side section with its stack, may come first.
var StallCPU1 = regexp.MustCompile(`rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:[^\n]*\n(?:[^\n]*\n){0,40}?` +
	`(?:\[[ 0-9.]+\] )?rcu: (?:[ \t]*1-\.\.\.|rcu_preempt kthread starved for \d+ jiffies![^\n]*->cpu=1\b)`)

// NMIBacktrace matches the report of the lkml mail that 6.12 with GICv3 pseudo-NMI prints inside its stall
// report: the NMI backtrace of CPU 1 stuck at write_wb_reg, called from the uninstall path of perf_ioctl.
// Match it against a console with "\r\n" turned into "\n".
var NMIBacktrace = regexp.MustCompile(`(?s)Sending NMI from CPU 0 to CPUs 1:.*NMI backtrace for cpu 1\n.*` +
	`pc : write_wb_reg\+0x0/.*lr : hw_breakpoint_control\+.*Call trace:.*` +
	`write_wb_reg\+0x0/.*arch_uninstall_hw_breakpoint\+.*perf_ioctl\+.*el0t_64_sync\+0x`)

// SinceInit is the console from Linux's "Run /init" line on (the whole console if there is none): what a
// failure message shows.
func SinceInit(console string) string {
	if i := strings.Index(console, "Run /init"); i >= 0 {
		return console[i:]
	}
	return console
}

// Console collects a guest's serial output as it arrives.
type Console struct {
	mu  sync.Mutex
	buf bytes.Buffer
	new chan struct{} // signalled after each write
}

// NewConsole returns an empty Console.
func NewConsole() *Console { return &Console{new: make(chan struct{}, 1)} }

func (c *Console) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.buf.Write(p)
	c.mu.Unlock()
	select {
	case c.new <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (c *Console) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// Run is what one boot printed, and whether the guest ended the program by powering off.
type Run struct {
	Console    string // the guest's serial output
	Stderr     string // the program's own
	PoweredOff bool
}

// Watch runs cmd (its stdout is the guest's console) for at most bound, stopping it early once stop (if not
// nil) is true of the console and stderr so far. PoweredOff says the program exited 0 by itself.
func Watch(cmd *exec.Cmd, bound time.Duration, stop func(console, stderr string) bool) (Run, error) {
	con, errs := NewConsole(), NewConsole()
	cmd.Stdout, cmd.Stderr = con, errs
	if err := cmd.Start(); err != nil {
		return Run{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timeout := time.NewTimer(bound)
	defer timeout.Stop()
	killed := false
	for {
		select {
		case err := <-done:
			run := Run{Console: con.String(), Stderr: errs.String()}
			if !killed {
				if err != nil {
					return run, fmt.Errorf("%s: %w; stderr:\n%s", cmd.Path, err, run.Stderr)
				}
				run.PoweredOff = true
			}
			return run, nil
		case <-timeout.C:
			killed = true
			_ = cmd.Process.Kill()
		case <-con.new:
		case <-errs.new:
		}
		if !killed && stop != nil && stop(con.String(), errs.String()) {
			killed = true
			_ = cmd.Process.Kill()
		}
	}
}

// QEMUCommand is the qemu-system-aarch64 command that boots k with the initramfs on cpus CPUs (QEMUArgs).
func QEMUCommand(ctx context.Context, k Kernel, cpus int, cmdline string) (*exec.Cmd, error) {
	qemu, err := exec.LookPath("qemu-system-aarch64")
	if err != nil {
		return nil, fmt.Errorf("qemu-system-aarch64 not found: run make deps (%w)", err)
	}
	args, err := QEMUArgs(k, cpus, cmdline)
	if err != nil {
		return nil, err
	}
	return exec.CommandContext(ctx, qemu, args...), nil
}
