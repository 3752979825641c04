package tests

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The system registers a kernel developer looks at, read by name in real gdb on the model kernel: inside
// do_breakpoint (the perf-livelock scenario's counting breakpoint on write_wb_reg, on CPU 1) ESR_EL1 says a
// breakpoint at the current EL, ELR_EL1 is write_wb_reg, VBAR_EL1 the vectors, MDSCR_EL1 has MDE and KDE;
// QEMU's spellings read the same registers; a write reaches the CPU.
func TestGDBKernelSysRegs(t *testing.T) {
	s := startServer(t, "--scenario", "perf-livelock", "--uninstall-order", "fixed")
	out := gdb(t, s.Addr, `
break do_breakpoint
continue
printf "EC=%#x\n", $ESR_EL1 >> 26
info symbol $ELR_EL1
printf "VBAR=%#lx vectors=%#lx\n", $VBAR_EL1, &vectors
printf "same VBAR=%d SCTLR=%d\n", $VBAR == $VBAR_EL1, $SCTLR == $SCTLR_EL1
printf "MDSCR MDE|KDE=%#x\n", $MDSCR_EL1 & 0xa000
printf "SP_EL1 is sp=%d EL=%d\n", $SP_EL1 == $sp, $CurrentEL >> 2
p/x $SCTLR_EL1
p/x $CNTFRQ_EL0
set $TPIDR_EL1 = 0x1234
p/x $TPIDR_EL1
info registers ESR_EL1 FAR_EL1 TTBR1_EL1
`)
	require.NotContains(t, out, "internal-error", out)
	require.Regexp(t, `Thread 2 "cpu1" hit Breakpoint 1`, out)
	require.Contains(t, out, "EC=0x31\n", "a breakpoint exception at EL1:\n%s", out)
	require.Regexp(t, `write_wb_reg in section \.text`, out)
	require.Equal(t, regexpFind(t, out, `vectors=(0x[0-9a-f]+)`), regexpFind(t, out, `VBAR=(0x[0-9a-f]+)`), out)
	require.Contains(t, out, "same VBAR=1 SCTLR=1", out)
	require.Contains(t, out, "MDSCR MDE|KDE=0xa000", out)
	require.Contains(t, out, "SP_EL1 is sp=1 EL=1", out)
	require.Contains(t, out, "= 0x1234\n", out)
	require.Regexp(t, `ESR_EL1\s+0x[0-9a-f]+`, out)
	require.Regexp(t, `TTBR1_EL1\s+0x0`, out)
}

// lldb reads the same registers through qRegisterInfo, and `register read` still shows the core ones.
func TestLLDBKernelSysRegs(t *testing.T) {
	s := startServer(t)
	out := lldbBatch(t, s.Addr,
		"breakpoint set -H -n workload_done",
		"continue",
		"register read",
		"register read ESR_EL1 VBAR_EL1 SCTLR_EL1 MDSCR_EL1 SP_EL1 CNTVCT_EL0",
		"process detach")
	require.Regexp(t, `stop reason = breakpoint 1\.1`, out)
	require.Regexp(t, `(?m)^\s+pc = 0x[0-9a-f]+\s+kernel\.elf`+"`"+`workload_done`, out)
	require.Regexp(t, `(?m)^\s+x30 = 0x[0-9a-f]+`, out)
	require.Regexp(t, `(?m)^\s+cpsr = 0x[0-9a-f]+`, out)
	for _, r := range []string{"ESR_EL1", "VBAR_EL1", "SCTLR_EL1", "MDSCR_EL1", "SP_EL1", "CNTVCT_EL0"} {
		require.Regexp(t, `(?m)^\s*`+r+` = 0x[0-9a-f]{16}`, out)
	}
	require.Contains(t, out, "VBAR_EL1 = 0x0000000040000800", out)
}
