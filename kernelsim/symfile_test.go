package kernelsim

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseSymbolFile(t *testing.T) {
	syms, err := ParseSymbolFile(KernelELF)
	require.NoError(t, err)
	addr, _, ok := syms.Lookup(SymWriteWBReg)
	require.True(t, ok)
	require.NotZero(t, addr)

	image := make([]byte, 64)
	copy(image[0x38:], "ARM\x64")
	stripped := bytes.Clone(KernelELF)
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"empty":     {nil, "not an ELF file"},
		"text":      {[]byte("hello"), "not an ELF file"},
		"an Image":  {image, "an arm64 Linux Image, not an ELF"},
		"32-bit":    {append([]byte("\x7fELF\x01\x01\x01"), make([]byte, 64)...), "ELFCLASS32"},
		"truncated": {KernelELF[:200], "corrupt ELF"},
		"no symtab": {withoutSymtab(t, stripped), "no symbol table"},
	} {
		_, err := ParseSymbolFile(tc.b)
		require.ErrorContains(t, err, tc.want, name)
		require.ErrorIs(t, err, ErrNotKernel, name)
	}
}

// withoutSymtab turns the SHT_SYMTAB section into SHT_PROGBITS, as if the file were stripped.
func withoutSymtab(t *testing.T, b []byte) []byte {
	f, err := elf.NewFile(bytes.NewReader(b))
	require.NoError(t, err)
	shoff := binary.LittleEndian.Uint64(b[0x28:])
	for i, s := range f.Sections {
		if s.Type == elf.SHT_SYMTAB {
			binary.LittleEndian.PutUint32(b[shoff+uint64(i)*64+4:], uint32(elf.SHT_PROGBITS))
		}
	}
	return b
}

func TestReadFileAtMostNamesItsBound(t *testing.T) {
	p := t.TempDir() + "/f"
	require.NoError(t, os.WriteFile(p, make([]byte, 10), 0o644))
	_, err := ReadFileAtMost(p, 4, "the 4 bytes allowed")
	require.EqualError(t, err, "10 bytes, larger than the 4 bytes allowed (4 bytes)")
	b, err := ReadFileAtMost(p, 10, "x")
	require.NoError(t, err)
	require.Len(t, b, 10)
}
