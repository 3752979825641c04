package target

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// probeDeliberate lists the lines of testdata/probe.qemu.txt (0-based, one
// register or result per line, in probe.S's order) where our CPU model
// deliberately differs from QEMU's cortex-a57 (docs/interfaces.md "a truthful
// CPU model"): QEMU's value, ours, and why.
var probeDeliberate = map[int][3]string{
	3: {"0000000000000022", "0000000000000011", "ID_AA64PFR0_EL1: EL0 and EL1 are AArch64 only (QEMU: AArch32 too)"},
	7: {"0000000000011120", "0000000000010000", "ID_AA64ISAR0_EL1: CRC32 only (AES, SHA1, SHA2 need AdvSIMD)"},
}

// TestProbeMatchesQEMU runs testdata/probe.elf (built from probe.S: it prints
// ID registers, PSCI results and PSTATE over the PL011) and compares the
// console with what QEMU 7.2 printed for the same ELF
// (qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -nographic -kernel):
// every line agrees except probeDeliberate's, which are checked to still say
// what QEMU said and then replaced by our values.
func TestProbeMatchesQEMU(t *testing.T) {
	img, err := os.ReadFile("testdata/probe.elf")
	require.NoError(t, err)
	qemu, err := os.ReadFile("testdata/probe.qemu.txt")
	require.NoError(t, err)
	lines := strings.SplitAfter(string(qemu), "\n")
	for i, d := range probeDeliberate {
		require.Equal(t, d[0]+"\n", lines[i], "QEMU's line %d (%s)", i, d[2])
		lines[i] = d[1] + "\n"
	}
	want := strings.Join(lines, "")
	var out bytes.Buffer
	m, err := New(Config{CPUs: 2, Console: &out})
	require.NoError(t, err)
	defer m.Close()
	loadELF(t, m, img)
	s := runAll(m)
	require.Equal(t, StopPowerOff, s.Kind)
	require.Equal(t, want, out.String())
}
