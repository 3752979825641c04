package target

import (
	"bytes"
	"debug/elf"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// loadELF loads an AArch64 executable into m and resets at its entry.
func loadELF(t testing.TB, m *Machine, image []byte) uint64 {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(image))
	require.NoError(t, err)
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Memsz == 0 || p.Paddr < RAMBase {
			continue
		}
		data := make([]byte, p.Filesz)
		_, err := p.ReadAt(data, 0)
		require.NoError(t, err)
		require.NoError(t, m.LoadSegment(p.Paddr, data, p.Memsz))
	}
	m.Reset(f.Entry)
	return f.Entry
}

// runAll resumes every CPU until a stop other than an interrupt.
func runAll(m *Machine) Stop {
	acts := make([]Action, m.NumCPUs())
	for i := range acts {
		acts[i] = ActionContinue
	}
	return m.Resume(acts)
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
