package kernelsim

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The committed kernel.elf is exactly what the sources build to.
func TestKernelUpToDate(t *testing.T) {
	if _, err := exec.LookPath("aarch64-linux-gnu-gcc"); err != nil {
		t.Fatalf("aarch64-linux-gnu-gcc not found: run make deps (%v)", err)
	}
	out := t.TempDir()
	cmd := exec.Command("make", "-s", "-C", ".", "OUT="+out)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "make: %s", msg)
	built, err := os.ReadFile(filepath.Join(out, "kernel.elf"))
	require.NoError(t, err)
	require.True(t, bytes.Equal(built, KernelELF),
		"kernel.elf is stale: the sources build to different bytes; run make guest and commit kernel.elf")
}
