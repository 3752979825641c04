package target

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// runIRQGuest runs testdata/irq.elf (irq.S) on our machine with the given
// GIC version and returns the console and the machine (halted, powered off).
func runIRQGuest(t *testing.T, gicVersion int, patch map[string]uint64) (string, *Machine) {
	t.Helper()
	var out bytes.Buffer
	m, err := New(Config{CPUs: 2, GIC: gicVersion, Console: &out})
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	loadELF(t, m, mustRead(t, "testdata/irq.elf"))
	for name, v := range patch {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		require.NoError(t, m.WriteMemory(symbol(t, "testdata/irq.elf", name), b[:]))
	}
	s := runAll(m)
	require.Equal(t, StopPowerOff, s.Kind, "%+v\nconsole:\n%s", s, out.String())
	return out.String(), m
}

// TestIRQGuestMatchesQEMU: timer interrupts with WFI between them, the entry
// state (SPSR, ELR after the WFI, DAIF all masked, CNTV_CTL.ISTATUS, IAR 27),
// a WFI woken by a masked interrupt (ISR_EL1.I) taken at DAIFClr, and an SGI
// from CPU 0 to CPU 1 (GICD_SGIR on the GICv2, ICC_SGI1R_EL1 on the GICv3):
// the console of our machine is QEMU's, line for line.
func TestIRQGuestMatchesQEMU(t *testing.T) {
	qemu, err := exec.LookPath("qemu-system-aarch64")
	require.NoError(t, err, "qemu-system-aarch64 is not installed: run `make deps`")
	for _, v := range []int{2, 3} {
		t.Run(fmt.Sprintf("GICv%d", v), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			want, err := exec.CommandContext(ctx, qemu, "-M", fmt.Sprintf("virt,gic-version=%d", v), "-cpu", "cortex-a57",
				"-smp", "2", "-m", "128M", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
				"-kernel", "testdata/irq.elf").Output()
			require.NoError(t, err)
			got, _ := runIRQGuest(t, v, nil)
			require.Contains(t, got, "n 0000000000000005\n", "five timer interrupts")
			require.Equal(t, string(want), got)
		})
	}
}
