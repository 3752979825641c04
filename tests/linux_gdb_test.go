package tests

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim/linux"
)

// linuxKernelBoot is the stub's command line for kernel k with the initramfs, cmdline (k's own words added),
// 2 CPUs, 512 MiB and k's vmlinux served.
func linuxKernelBoot(t *testing.T, k linux.Kernel, cmdline string, extra ...string) []string {
	t.Helper()
	if k.Append != "" {
		cmdline += " " + k.Append
	}
	return append([]string{"--kernel", linuxOut(t, k.Image), "--initrd", linuxOut(t, linux.InitramfsFile),
		"--append", cmdline, "--mem", "512M", "--cpus", "2", "--gic", fmt.Sprint(k.GIC),
		"--symbols", linuxOut(t, k.Vmlinux)}, extra...)
}

// Real gdb on real Linux with no local file: symbols come from the stub, memory is read through the
// selected CPU's page tables (x/s of a kernel string), hardware breakpoints on kernel text and on the
// init's write syscall, a watchpoint on jiffies that the timer interrupt trips, a software breakpoint, the
// system registers, both CPUs as threads; an unmapped address is an error, and CPU 1's thread reads through
// its own tables.
func TestGDBLinuxBoot(t *testing.T) {
	s := startServer(t, linuxKernelBoot(t, linux.Linux61, linux.BaseCmdline)...)
	out := gdb(t, s.Addr, `
hbreak start_kernel
continue
bt
x/s linux_banner
python
try:
    gdb.execute("x/x 0")
except gdb.MemoryError as e:
    print("x/x 0:", e)
end
info threads
delete
watch jiffies
continue
bt 3
printf "guest DBGWCR0=%#x DBGWVR0=%#lx\n", $DBGWCR0_EL1, $DBGWVR0_EL1
delete
hbreak ksys_write
continue
bt
printf "EL=%d\n", $CurrentEL >> 2
p/x $SCTLR_EL1 & 1
printf "ESR.EC=%#x\n", $ESR_EL1 >> 26
info threads
thread 2
x/s linux_banner
thread 1
delete
break kernel_power_off
continue
bt 2
x/2i $pc
kill
`)
	require.NotContains(t, out, "internal-error", out)
	require.Contains(t, out, "Reading symbols from target:/hwbp-gdbstub/vmlinux", out)
	require.Regexp(t, `hit Breakpoint 1, start_kernel \(\) at init/main\.c`, out)
	require.Regexp(t, `<linux_banner>:\s+"Linux version 6\.1\.192 `, out)
	require.Contains(t, out, "x/x 0: Cannot access memory at address 0x0\n", "nothing is mapped at VA 0:\n%s", out)
	require.Regexp(t, `Thread 1\.2 "cpu1" \(CPU#1 MPIDR=0x80000001 \[powered off\]\)`, out)
	require.Regexp(t, `hit Hardware watchpoint 2: jiffies\s+Old value = \d+\s+New value = \d+`, out)
	require.Regexp(t, `#0\s+do_timer`, out)
	require.Contains(t, out, "guest DBGWCR0=0 DBGWVR0=0\n", "gdb's watchpoint is the external bank's: Linux's registers are untouched:\n%s", out)
	require.Regexp(t, `hit Breakpoint 3, ksys_write \(fd=1, buf=0x[0-9a-f]+ "init: started\\n"`, out)
	for _, frame := range []string{"__arm64_sys_write", "invoke_syscall", "el0_svc", "el0t_64_sync"} {
		require.Regexp(t, `\s`+frame+` \(`, out)
	}
	require.Contains(t, out, "EL=1\n", out)
	require.Contains(t, out, "= 0x1\n", "the MMU is on:\n%s", out)
	require.Contains(t, out, "ESR.EC=0x15\n", "the init's svc is the last exception taken:\n%s", out)
	require.Equal(t, 2, countMatches(out, `<linux_banner>:\s+"Linux version 6\.1\.192 `), "CPU 1's tables map the kernel too:\n%s", out)
	require.Regexp(t, `Thread 1\.2 "cpu1" \(CPU#1 MPIDR=0x80000001 \[halted\]\)`, out)
	require.Regexp(t, `hit Breakpoint 4, kernel_power_off \(\)`, out)
	require.Regexp(t, `=> 0x[0-9a-f]+ <kernel_power_off(\+\d+)?>:`, out)
}

// The lkml experiment through gdb: the upstream kernel livelocks CPU 1 at write_wb_reg; gdb's continue stops
// there with the stub's report, bt shows Linux's call chain down from perf_ioctl, and the monitor and the
// register view show the comparator that fires and the exception taken. On 6.12 (GICv3, pseudo-NMI) the machine
// runs on after gdb detaches until Linux prints its own NMI backtrace of CPU 1, and every function of that call
// trace is in gdb's backtrace, in the same order.
func TestGDBLinuxLivelock(t *testing.T) {
	for _, k := range []linux.Kernel{linux.Linux61, linux.Linux612} {
		t.Run(k.Name, func(t *testing.T) {
			s := startServer(t, linuxKernelBoot(t, k, linux.PerfCmdline)...)
			out := gdb(t, s.Addr, `
continue
bt
monitor livelock
monitor dbgregs 1
p/x $DBGBCR0_EL1
printf "BVR=%#lx pc=%#lx\n", $DBGBVR0_EL1, $pc
printf "MDSCR.SS=%d\n", $MDSCR_EL1 & 1
printf "ESR.EC=%#x ELR=%#lx\n", $ESR_EL1 >> 26, $ELR_EL1
detach
`)
			require.NotContains(t, out, "internal-error", out)
			report := `livelock: cpu 1 pc 0x[0-9a-f]+ <write_wb_reg\+0x0> breakpoint \(EC 0x31\), 1000 times, ` +
				`DBGBCR0_EL1 0x1e3 enabled with DBGBVR0_EL1 = that pc; each of the 999 ERETs went back to that pc ` +
				`with no step armed`
			require.Regexp(t, report, out)
			require.Equal(t, 2, countMatches(out, report), "the stop and monitor livelock:\n%s", out)
			require.Regexp(t, `Thread 2 "cpu1" received signal SIGTRAP`, out)
			require.Regexp(t, `#0\s+write_wb_reg \(`, out)
			for _, frame := range []string{"arch_uninstall_hw_breakpoint", "hw_breakpoint_del", "event_sched_out",
				"smp_call_function_single", "perf_ioctl", "el0_svc"} {
				require.Regexp(t, `#\d+\s+(0x[0-9a-f]+ in )?`+frame+` \(`, out)
			}
			require.Regexp(t, `DBGBVR0_EL1 0x[0-9a-f]+\s+DBGBCR0_EL1 0x000001e3\s+E=on`, out)
			require.Contains(t, out, "= 0x1e3\n", out)
			require.Equal(t, regexpFind(t, out, `BVR=(0x[0-9a-f]+)`), regexpFind(t, out, `pc=(0x[0-9a-f]+)`), out)
			require.Contains(t, out, "MDSCR.SS=0\n", out)
			require.Contains(t, out, "ESR.EC=0x31 ", "the breakpoint exception is the last one taken:\n%s", out)
			require.Equal(t, regexpFind(t, out, `pc=(0x[0-9a-f]+)`), regexpFind(t, out, `ELR=(0x[0-9a-f]+)`), out)
			if k.GIC != 3 {
				return // 6.1 prints no NMI backtrace
			}
			// gdb left; the machine runs on until Linux's stall report carries its own backtrace of CPU 1.
			require.Eventually(t, func() bool {
				return linux.NMIBacktrace.MatchString(strings.ReplaceAll(s.Console.String(), "\r\n", "\n"))
			}, 90*time.Second, 100*time.Millisecond, "no NMI backtrace on the console")
			linuxTrace := callTrace(t, strings.ReplaceAll(s.Console.String(), "\r\n", "\n"))
			requireSubsequence(t, gdbFrames(out), linuxTrace)
		})
	}
}

// gdbFrames is the function of each frame of gdb's first backtrace in out, innermost first.
func gdbFrames(out string) []string {
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^#(\d+)\s+(?:0x[0-9a-f]+ in )?([A-Za-z_][A-Za-z0-9_.]*) \(`).FindAllStringSubmatch(out, -1) {
		if m[1] == "0" && len(names) > 0 {
			break
		}
		names = append(names, m[2])
	}
	return names
}

// callTrace is the function of each line of Linux's first "Call trace:" after its NMI backtrace for cpu 1,
// innermost first.
func callTrace(t *testing.T, console string) []string {
	t.Helper()
	i := strings.Index(console, "NMI backtrace for cpu 1\n")
	require.GreaterOrEqual(t, i, 0, console)
	j := strings.Index(console[i:], "Call trace:\n")
	require.GreaterOrEqual(t, j, 0, console[i:])
	var names []string
	line := regexp.MustCompile(`^(?:\[[ 0-9.]+\] )?\s+([A-Za-z_][A-Za-z0-9_.]*)\+0x[0-9a-f]+/0x[0-9a-f]+`)
	for _, l := range strings.Split(console[i+j+len("Call trace:\n"):], "\n") {
		m := line.FindStringSubmatch(l)
		if m == nil {
			break
		}
		names = append(names, m[1])
	}
	require.NotEmpty(t, names, console[i:])
	return names
}

// requireSubsequence fails unless every name of want appears in got, in the same order (gdb's unwinder also
// shows the frames Linux's frame-record walk skips: a leaf's caller, inlined functions).
func requireSubsequence(t *testing.T, got, want []string) {
	t.Helper()
	k := 0
	for _, g := range got {
		if k < len(want) && g == want[k] {
			k++
		}
	}
	require.Equal(t, len(want), k, "Linux's call trace %v is not in gdb's backtrace %v (first missing: %s)", want, got, want[min(k, len(want)-1)])
}

// gdb's run in extended-remote restarts Linux from its Image: after a boot to power-off, run stops again at
// gdb's software breakpoint on kernel text (set while the MMU was off: it matches the PC's virtual address),
// memory reads go through the new boot's tables, and the second boot prints what the first printed,
// timestamps included (virtual time starts again at zero).
func TestGDBLinuxRestart(t *testing.T) {
	s := startServer(t, linuxKernelBoot(t, linux.Linux61, linux.BaseCmdline)...)
	out := gdb(t, "", `
break start_kernel
continue
printf "CNTVCT=%d\n", $CNTVCT_EL0
continue
run
printf "CNTVCT=%d\n", $CNTVCT_EL0
bt 1
x/s linux_banner
info threads
continue
`, "-ex", "target extended-remote "+s.Addr)
	require.NotContains(t, out, "internal-error", out)
	require.Equal(t, 2, countMatches(out, `hit Breakpoint 1, start_kernel \(\) at init/main\.c`), out)
	require.Equal(t, 2, countMatches(out, `\[Inferior 1 \(process \d+\) exited normally\]`), out)
	counts := regexp.MustCompile(`CNTVCT=(\d+)\n`).FindAllStringSubmatch(out, -1)
	require.Len(t, counts, 2, out)
	require.Equal(t, counts[0][1], counts[1][1], "the virtual counter at start_kernel in each boot:\n%s", out)
	require.Regexp(t, `<linux_banner>:\s+"Linux version 6\.1\.192 `, out)
	require.Regexp(t, `Thread 1\.2 "cpu1" \(CPU#1 MPIDR=0x80000001 \[powered off\]\)`, out)
	boots := strings.SplitAfter(strings.ReplaceAll(s.Console.String(), "\r\n", "\n"), "reboot: Power down\n")
	require.Len(t, boots, 3, "two boots to power-off:\n%s", s.Console.String())
	require.Contains(t, boots[0], "Run /init as init process")
	require.Equal(t, boots[0], boots[1])
}
