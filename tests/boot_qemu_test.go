package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

// patchedKernel writes the embedded kernel with cfg built in, for QEMU's -kernel and our --kernel alike.
func patchedKernel(t *testing.T, cfg kernelsim.Config) string {
	t.Helper()
	img, err := kernelsim.Parse(kernelsim.KernelELF)
	require.NoError(t, err)
	elf, err := img.PatchedELF(cfg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "kernel.elf")
	require.NoError(t, os.WriteFile(path, elf, 0o644))
	return path
}

// qemuConsole boots elf on qemu-system-aarch64 -M virt -cpu cortex-a57 and returns what the UART printed until
// the guest powered off.
func qemuConsole(t *testing.T, elf string, cpus int) string {
	t.Helper()
	bin := requireTool(t, "qemu-system-aarch64")
	stdout, stderr, err := runCapture(t, 60*time.Second, nil, bin, "-M", "virt", "-cpu", "cortex-a57",
		"-smp", fmt.Sprint(cpus), "-m", "128M", "-display", "none", "-monitor", "none", "-serial", "stdio",
		"-kernel", elf)
	require.NoError(t, err, "qemu: %s", stderr)
	return stdout
}

// ourConsole runs elf headless on hwbp-gdbstub to power-off and returns its standard output (the console).
func ourConsole(t *testing.T, elf string, cpus int, flags ...string) string {
	t.Helper()
	args := append([]string{"--kernel", elf, "--cpus", fmt.Sprint(cpus), "--run", "--once", "--log-level", "warn"}, flags...)
	args = append(args, "127.0.0.1:0")
	stdout, stderr, err := runCapture(t, 60*time.Second, nil, serverBin, args...)
	require.NoError(t, err, "hwbp-gdbstub: %s", stderr)
	return stdout
}

// The same ELF prints the same console on QEMU and on the simulated machine, for 1, 2 and 8 CPUs.
func TestBootConsoleMatchesQEMU(t *testing.T) {
	cfg := kernelsim.DefaultConfig()
	cfg.WorkloadRounds = 3
	elf := patchedKernel(t, cfg)
	for _, cpus := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("cpus=%d", cpus), func(t *testing.T) {
			want := qemuConsole(t, elf, cpus)
			got := ourConsole(t, elf, cpus)
			require.Contains(t, want, fmt.Sprintf("cpus %d,", cpus), "QEMU did not boot the kernel:\n%s", want)
			require.Contains(t, want, "power off")
			require.Equal(t, want, got)
			for i := 0; i < cpus; i++ {
				require.Contains(t, got, fmt.Sprintf("cpu %d online", i))
			}
		})
	}
}

// --run --cpus 2 with the embedded kernel shows the boot on standard output; --rounds ends it.
func TestRunShowsBootOnStdout(t *testing.T) {
	stdout, _, err := runCapture(t, 60*time.Second, nil, serverBin, "--run", "--once", "--cpus", "2", "--rounds", "2", "127.0.0.1:0")
	require.NoError(t, err)
	require.Contains(t, stdout, "cpu 1 online")
	require.Contains(t, stdout, "cpus 2, MIDR_EL1 0x411fd070, ID_AA64DFR0_EL1 0x10305106")
	require.True(t, strings.HasSuffix(strings.TrimSpace(stdout), "power off"), stdout)
}

// --dump-kernel writes exactly the embedded ELF.
func TestDumpKernel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.elf")
	_, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, "--dump-kernel", path)
	require.NoError(t, err, stderr)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, kernelsim.KernelELF, b)
}

// A corrupt or foreign ELF is refused with a clear error, and nothing is served.
func TestCorruptKernelRefused(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"empty":   {},
		"garbage": []byte("this is not an ELF file at all, just words"),
		"x86":     append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"), make([]byte, 64)...),
	} {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		_, stderr, err := runCapture(t, 30*time.Second, nil, serverBin, "--kernel", path, "127.0.0.1:0")
		require.Error(t, err, name)
		require.Contains(t, stderr, path, name)
	}
}
