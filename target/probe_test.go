package target

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestProbeMatchesQEMU runs testdata/probe.elf (built from probe.S: it prints
// ID registers, PSCI results and PSTATE over the PL011) and compares the
// console with what QEMU 7.2 printed for the same ELF
// (qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -nographic -kernel).
func TestProbeMatchesQEMU(t *testing.T) {
	img, err := os.ReadFile("testdata/probe.elf")
	require.NoError(t, err)
	want, err := os.ReadFile("testdata/probe.qemu.txt")
	require.NoError(t, err)
	var out bytes.Buffer
	m, err := New(Config{CPUs: 2, Console: &out})
	require.NoError(t, err)
	loadELF(t, m, img)
	s := runAll(m)
	require.Equal(t, StopPowerOff, s.Kind)
	require.Equal(t, string(want), out.String())
}
