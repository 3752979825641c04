package kernelsim

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseEmbeddedKernel(t *testing.T) {
	img, err := Parse(KernelELF)
	require.NoError(t, err)
	start, _, ok := img.Symbols.Lookup("_start")
	require.True(t, ok)
	require.Equal(t, uint64(RAMBase), img.Entry)
	require.Equal(t, start, img.Entry)
	require.Len(t, img.Segments, 2, "text and data")
	require.Equal(t, uint64(RAMBase), img.Segments[0].Addr)
	for i, s := range img.Segments {
		require.LessOrEqual(t, uint64(len(s.Data)), s.MemSize, "segment %d", i)
		if i > 0 {
			prev := img.Segments[i-1]
			require.LessOrEqual(t, prev.Addr+prev.MemSize, s.Addr)
		}
	}
	require.True(t, bytes.Equal(KernelELF, img.Raw))
	def, err := Default()
	require.NoError(t, err)
	require.Equal(t, img.Entry, def.Entry)
}

// ELF64 header and program header field offsets.
const (
	ehClass     = 4
	ehData      = 5
	ehVersion   = 6
	elfDataMSB  = 2
	ehType      = 16
	ehMachine   = 18
	ehEntry     = 24
	ehPhoff     = 32
	ehPhnum     = 56
	phEntSize   = 56
	phType      = 0
	phOffset    = 8
	phPaddr     = 24
	phFilesz    = 32
	phMemsz     = 40
	ptLoad      = 1
	emX86_64    = 62
	etDyn       = 3
	elfClass32  = 1
	bigMemSize  = 1 << 40
	outsideRAM  = 0x1000
	hugeFileOff = 1 << 40
)

// mutate returns a copy of the embedded kernel changed by f.
func mutate(f func(b []byte, ph func(i int) []byte, nph int)) []byte {
	b := bytes.Clone(KernelELF)
	phoff := binary.LittleEndian.Uint64(b[ehPhoff:])
	nph := int(binary.LittleEndian.Uint16(b[ehPhnum:]))
	ph := func(i int) []byte { return b[phoff+uint64(i*phEntSize):] }
	f(b, ph, nph)
	return b
}

func TestParseRejects(t *testing.T) {
	le := binary.LittleEndian
	tests := []struct {
		name string
		elf  []byte
		want string
	}{
		{"empty", nil, "not an ELF file"},
		{"garbage", []byte("this is not an ELF file at all, just text"), "not an ELF file"},
		{"truncated header", KernelELF[:40], "truncated header (40 bytes, want 64)"},
		{"32-bit", mutate(func(b []byte, _ func(int) []byte, _ int) { b[ehClass] = elfClass32 }),
			"ELFCLASS32, want ELFCLASS64"},
		{"big-endian", mutate(func(b []byte, _ func(int) []byte, _ int) { b[ehData] = elfDataMSB }),
			"big-endian, want little-endian"},
		{"unknown data encoding", mutate(func(b []byte, _ func(int) []byte, _ int) { b[ehData] = 7 }),
			"want little-endian"},
		{"unknown version", mutate(func(b []byte, _ func(int) []byte, _ int) { b[ehVersion] = 9 }),
			"ELF version 9, want 1"},
		{"arm64 Image", append(make([]byte, 0x38), 'A', 'R', 'M', 0x64), "an arm64 Linux Image, not an ELF"},
		{"not ELF", make([]byte, 0x40), "no \\x7fELF magic"},
		{"x86-64", mutate(func(b []byte, _ func(int) []byte, _ int) { le.PutUint16(b[ehMachine:], emX86_64) }),
			"want EM_AARCH64"},
		{"shared object", mutate(func(b []byte, _ func(int) []byte, _ int) { le.PutUint16(b[ehType:], etDyn) }),
			"want ET_EXEC"},
		{"no loadable segment", mutate(func(b []byte, ph func(int) []byte, n int) {
			for i := 0; i < n; i++ {
				le.PutUint32(ph(i)[phType:], 0)
			}
		}), "no loadable segment"},
		{"segment outside RAM", mutate(func(b []byte, ph func(int) []byte, n int) {
			le.PutUint64(ph(0)[phPaddr:], outsideRAM)
		}), "outside RAM"},
		{"absurd size", mutate(func(b []byte, ph func(int) []byte, n int) {
			le.PutUint64(ph(0)[phMemsz:], bigMemSize)
		}), "absurd memory size"},
		{"file size above memory size", mutate(func(b []byte, ph func(int) []byte, n int) {
			le.PutUint64(ph(0)[phMemsz:], 4)
		}), "larger than memory size"},
		{"file data beyond the end", mutate(func(b []byte, ph func(int) []byte, n int) {
			le.PutUint64(ph(0)[phOffset:], hugeFileOff)
		}), ""},
		{"overlapping segments", mutate(func(b []byte, ph func(int) []byte, n int) {
			le.PutUint64(ph(1)[phPaddr:], le.Uint64(ph(0)[phPaddr:])+16)
		}), "overlap"},
		{"entry outside", mutate(func(b []byte, _ func(int) []byte, _ int) {
			le.PutUint64(b[ehEntry:], RAMBase+MaxRAMSize-2)
		}), "entry point"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Parse(tc.elf)
			require.Error(t, err)
			require.Nil(t, img)
			require.ErrorIs(t, err, ErrNotKernel)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestReadInitial(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	addr, size, ok := img.Symbols.Lookup(SymWorkloadReadonly)
	require.True(t, ok)
	require.Equal(t, uint64(8), size)
	b, err := img.ReadInitial(addr, size)
	require.NoError(t, err)
	require.Equal(t, uint64(42), binary.LittleEndian.Uint64(b))

	// .bss reads as zeros
	addr, _, ok = img.Symbols.Lookup(SymWorkloadCounter)
	require.True(t, ok)
	b, err = img.ReadInitial(addr, 8)
	require.NoError(t, err)
	require.Equal(t, make([]byte, 8), b)

	_, err = img.ReadInitial(0x1000, 4)
	require.Error(t, err)
}

func FuzzParse(f *testing.F) {
	f.Add(KernelELF)
	f.Add(KernelELF[:64])
	f.Add(KernelELF[:512])
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Add(mutate(func(b []byte, _ func(int) []byte, _ int) { b[ehClass] = elfClass32 }))
	f.Add(mutate(func(b []byte, _ func(int) []byte, _ int) { b[ehData] = elfDataMSB }))
	f.Add(mutate(func(b []byte, ph func(int) []byte, n int) {
		binary.LittleEndian.PutUint64(ph(1)[phPaddr:], binary.LittleEndian.Uint64(ph(0)[phPaddr:]))
	}))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := Parse(b)
		if err != nil {
			require.Nil(t, img)
			return
		}
		require.NotEmpty(t, img.Segments)
		require.NotNil(t, img.Symbols)
		_ = img.Symbols.Symbolize(img.Entry)
		_, _ = img.Config()
	})
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	require.NoError(t, os.WriteFile(small, []byte("1234"), 0o644))
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(2<<30))
	require.NoError(t, f.Close())
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))

	tests := []struct {
		name, path string
		limit      int64
		want       string // error text; "" = read it
	}{
		{"regular", small, 4, ""},
		{"one byte over the limit", small, 3, "4 bytes, larger than the guest RAM (3 bytes)"},
		{"2 GiB sparse", sparse, 128 << 20, "2147483648 bytes, larger than the guest RAM"},
		{"directory", dir, 1 << 20, "not a regular file (a directory)"},
		{"FIFO", fifo, 1 << 20, "not a regular file (a FIFO)"},
		{"/dev/zero", "/dev/zero", 1 << 20, "not a regular file (a character device)"},
		{"missing", filepath.Join(dir, "missing"), 1 << 20, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			b, err := ReadFile(tc.path, tc.limit)
			require.Less(t, time.Since(start), time.Second)
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, []byte("1234"), b)
				return
			}
			require.ErrorContains(t, err, tc.want)
			require.Nil(t, b)
			require.NotContains(t, err.Error(), "\n")
		})
	}
}
