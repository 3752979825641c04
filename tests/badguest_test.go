package tests

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// buildGuest assembles a tiny ELF for the virt map from assembly text.
func buildGuest(t *testing.T, asm string) string {
	t.Helper()
	gcc := requireTool(t, "aarch64-linux-gnu-gcc")
	dir := t.TempDir()
	src := filepath.Join(dir, "guest.S")
	require.NoError(t, os.WriteFile(src, []byte(asm), 0o644))
	elf := filepath.Join(dir, "guest.elf")
	_, stderr, err := runCapture(t, 30*time.Second, nil, gcc, "-nostdlib", "-static", "-Wl,-N", "-Wl,--build-id=none",
		"-Wl,--no-warn-rwx-segments", "-Wl,-Ttext=0x40000000", "-o", elf, src)
	require.NoError(t, err, stderr)
	return elf
}

// A batch run of a guest that can never progress ends with an error instead of spinning.
func TestBatchRunOfStuckGuests(t *testing.T) {
	for name, c := range map[string]struct{ asm, want string }{
		"undefined instruction, no vectors": {"\t.global _start\n_start:\n\t.inst 0\n", "at its own vector"},
		"wfi forever":                       {"\t.global _start\n_start:\n\twfi\n\tb _start\n", "WFI/WFE forever"},
	} {
		t.Run(name, func(t *testing.T) {
			elf := buildGuest(t, c.asm)
			_, stderr, err := runCapture(t, 60*time.Second, nil, serverBin, "--kernel", elf, "--run", "--once", "127.0.0.1:0")
			require.Error(t, err)
			require.Contains(t, stderr, "the guest cannot make progress")
			require.Contains(t, stderr, c.want)
		})
	}
}

// A guest that spins can always be interrupted from gdb, and stays debuggable.
func TestGDBInterruptsSpinningForeignGuest(t *testing.T) {
	elf := buildGuest(t, "\t.global _start\n_start:\n\tadd x0, x0, #1\n\tb _start\n")
	s := startServer(t, "--kernel", elf)
	out := gdb(t, s.Addr, `
python
import threading
threading.Timer(0.5, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()
end
continue
printf "x0=%lu\n", $x0
`)
	require.Contains(t, out, "received signal SIGINT")
	require.Regexp(t, `x0=[1-9]\d*`, out)
}

// gdb's continue on a guest that faults at its own vector stops with the machine's own words, not a debug
// livelock report.
func TestGDBSeesAStuckGuest(t *testing.T) {
	s := startServer(t, "--kernel", buildGuest(t, "\t.global _start\n_start:\n\t.inst 0\n"))
	out := gdb(t, s.Addr, "continue\nprintf \"ESR=%#lx\\n\", $ESR_EL1\n")
	// The undefined instruction goes to VBAR_EL1 + 0x200 = 0x200, where there is no RAM: the fetch aborts there.
	esr := regexpFind(t, out, `livelock: CPU 0: exception \(ESR (0x[0-9a-f]+)\) at its own vector 0x200; the guest cannot make progress`)
	require.NotContains(t, out, "debug exception", out)
	require.Contains(t, out, "received signal SIGTRAP", out)
	require.Contains(t, out, "ESR="+esr+"\n", "ESR_EL1 is what the report says:\n%s", out)
}
