package tests

import (
	"fmt"
	"testing"

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
// system registers, both CPUs as threads.
func TestGDBLinuxBoot(t *testing.T) {
	s := startServer(t, linuxKernelBoot(t, linux.Linux61, linux.BaseCmdline)...)
	out := gdb(t, s.Addr, `
hbreak start_kernel
continue
bt
x/s linux_banner
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
info threads
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
	require.Regexp(t, `Thread 1\.2 "cpu1" \(CPU#1 MPIDR=0x80000001 \[halted\]\)`, out)
	require.Regexp(t, `hit Breakpoint 4, kernel_power_off \(\)`, out)
	require.Regexp(t, `=> 0x[0-9a-f]+ <kernel_power_off(\+\d+)?>:`, out)
}

// The lkml experiment through gdb: the upstream kernel livelocks CPU 1 at write_wb_reg; gdb's continue stops
// there with the stub's report, bt shows Linux's call chain down from perf_ioctl, and the monitor and the
// register view show the comparator that fires. 6.12 (GICv3, pseudo-NMI) agrees.
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
kill
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
		})
	}
}
