package tests

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

// --kernel with a file that is not a kernel for the machine: one clear line on stderr, exit 1, at once.
func TestKernelFileRefused(t *testing.T) {
	dir := t.TempDir()
	write := fileWriter(t, dir)
	withByte := func(off int, v byte) []byte {
		b := bytes.Clone(kernelsim.KernelELF)
		b[off] = v
		return b
	}
	// Made with the tools a user would reach for, as in the report.
	sparse, fifo := filepath.Join(dir, "sparse"), filepath.Join(dir, "fifo")
	_, stderr, err := runCapture(t, 10*time.Second, nil, "truncate", "-s", "2G", sparse)
	require.NoError(t, err, stderr)
	_, stderr, err = runCapture(t, 10*time.Second, nil, "mkfifo", fifo)
	require.NoError(t, err, stderr)

	const elfClass, elfData = 4, 5
	tests := []struct{ name, path, want string }{
		{"/dev/zero", "/dev/zero", "not a regular file (a character device)"},
		{"FIFO", fifo, "not a regular file (a FIFO)"},
		{"directory", dir, "not a regular file (a directory)"},
		{"2 GiB sparse file", sparse, "2147483648 bytes, larger than the guest RAM"},
		{"32-bit ELF", write("elf32", withByte(elfClass, 1)), "ELFCLASS32, want ELFCLASS64"},
		{"big-endian ELF", write("elfbe", withByte(elfData, 2)), "big-endian, want little-endian"},
		{"text", write("text", []byte("hello\n")), "not an ELF file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			line := requireRefused(t, 1, tc.want, "--kernel", tc.path)
			require.Less(t, time.Since(start), time.Second, "took too long")
			require.True(t, strings.HasPrefix(line, "hwbp-gdbstub: --kernel"), line)
		})
	}
}
