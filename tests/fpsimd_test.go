package tests

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// buildFPDemo compiles testdata/fpdemo.c as an ordinary program: plain -O2, no -mgeneral-regs-only, so GCC
// uses FP and AdvSIMD (double arithmetic, struct copies with Q registers, vectorised loops).
func buildFPDemo(t *testing.T) string {
	t.Helper()
	cc := requireTool(t, "aarch64-linux-gnu-gcc")
	elf := filepath.Join(t.TempDir(), "fpdemo.elf")
	out, err := exec.Command(cc, "-O2", "-ffreestanding", "-nostdlib", "-static", "-Wl,-Ttext=0x40080000", "-Wl,-N",
		"-Wl,--no-warn-rwx-segments", "-Wl,--build-id=none", "-o", elf, "testdata/fpdemo.c").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return elf
}

// The FP/SIMD demo prints the same on QEMU and on the simulated machine: its FP trap (EC 0x07 while
// CPACR_EL1.FPEN is 0), double results to the last bit, the vectorised loops' sums and the final FPSR.
func TestFPDemoMatchesQEMU(t *testing.T) {
	elf := buildFPDemo(t)
	want := qemuConsole(t, elf, 1)
	require.Contains(t, want, "fpdemo: FP trap ESR 0x1fe00000 at the first FP instruction\n", want)
	require.Contains(t, want, "fpdemo: done\n")
	got := ourConsole(t, elf, 1)
	require.Equal(t, want, got)
}

// gdb sees the FP/SIMD registers while stopped in vectorised code and stepi executes FP/SIMD instructions: the
// same script prints the same values on QEMU's gdbstub and on ours.
func TestFPDemoGDB(t *testing.T) {
	elf := buildFPDemo(t)
	// isum: movi v0.4s, #0; adrp; add; add; ldr q1, [x0], #16; add v0.4s, v0.4s, v1.4s; ...
	script := `break isum
continue
stepi
p $v0.s.u
stepi 4
p $v1.s.s
p/x $d1
p $d1
stepi
p $v0.s.s
info registers fpsr
p $fpcr
x/i $pc
`
	s := startServer(t, "--kernel", elf)
	ours := gdb(t, s.Addr, script+"kill\n", elf)

	port := freePort(t)
	qemu := exec.Command(requireTool(t, "qemu-system-aarch64"), "-M", "virt", "-cpu", "cortex-a57", "-m", "128M",
		"-display", "none", "-monitor", "none", "-serial", "none", "-S", "-gdb", "tcp:127.0.0.1:"+port, "-kernel", elf)
	require.NoError(t, qemu.Start())
	t.Cleanup(func() { qemu.Process.Kill(); qemu.Wait() })
	theirs := gdb(t, "", fmt.Sprintf("target remote 127.0.0.1:%s\n%skill\n", port, script), elf)

	for _, want := range []string{
		`= \{0, 0, 0, 0\}`,            // movi v0.4s, #0
		`= \{-50, -13, 24, 61\}`,      // ldr q1: is[0..3]
		`u = 0xfffffff3ffffffce`,      // d1: the low half of v1
		`f = -nan\(0xffff3ffffffce\)`, // ... as a double
		`\$5 = \{-50, -13, 24, 61\}`,  // add v0.4s
		`fpsr +0x[0-9a-f]+`,
		`add\s+v0\.4s, v0\.4s, v1\.4s|cmp`,
	} {
		require.Regexp(t, want, ours, "ours:\n%s", ours)
	}
	values := regexp.MustCompile(`(?m)^(\$\d+ = .*|fpsr .*|=> .*)$`)
	require.Equal(t, values.FindAllString(theirs, -1), values.FindAllString(ours, -1), "QEMU:\n%s\nours:\n%s", theirs, ours)
}

// lldb reads v0–v31 as vectors and fpsr/fpcr, and writes them.
func TestLLDBFPRegisters(t *testing.T) {
	s := startServer(t)
	out := lldbBatch(t, s.Addr,
		"register write fpcr 0x00c00000",
		"register read fpcr fpsr",
		`register write v2 "{0x01 0x02 0x03 0x04 0x05 0x06 0x07 0x08 0x09 0x0a 0x0b 0x0c 0x0d 0x0e 0x0f 0x10}"`,
		"register read v2",
		"process detach")
	require.Regexp(t, `fpcr = 0x00c00000`, out)
	require.Regexp(t, `fpsr = 0x00000000`, out)
	require.Contains(t, out, "v2 = {0x01 0x02 0x03 0x04 0x05 0x06 0x07 0x08 0x09 0x0a 0x0b 0x0c 0x0d 0x0e 0x0f 0x10}")
}
