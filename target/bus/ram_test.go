package bus

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewRAMRejectsBadSizes(t *testing.T) {
	page := uint64(os.Getpagesize())
	for _, size := range []uint64{0, 1, page + 1, page / 2} {
		_, err := NewRAM(size)
		assert.Error(t, err, "size %#x", size)
	}
}

func TestRAMBytesAndDevice(t *testing.T) {
	r, err := NewRAM(1 << 20)
	require.NoError(t, err)
	mem := r.Bytes()
	require.Len(t, mem, 1<<20)
	assert.Equal(t, uint64(1<<20), r.Size())
	assert.Zero(t, mem[12345], "anonymous memory starts zeroed")

	for _, tc := range []struct {
		offset uint64
		size   int
		value  uint64
		ok     bool
	}{
		{0, 8, 0x1122334455667788, true},
		{0x11, 4, 0xdeadbeef, true}, // unaligned is fine for RAM
		{0x21, 2, 0xbeef, true},
		{0x30, 1, 0x7f, true},
		{1<<20 - 8, 8, 0xfeedface, true},
		{1<<20 - 4, 8, 0, false}, // runs past the end
		{1 << 20, 1, 0, false},
		{0, 3, 0, false},
	} {
		require.Equal(t, tc.ok, r.Write(0, tc.offset, tc.size, tc.value), "write %#x", tc.offset)
		v, ok := r.Read(0, tc.offset, tc.size)
		require.Equal(t, tc.ok, ok, "read %#x", tc.offset)
		if tc.ok {
			assert.Equal(t, tc.value, v)
		}
	}
	assert.Equal(t, []byte{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, mem[:8], "little-endian, visible through Bytes")

	require.NoError(t, r.Close())
	assert.Nil(t, r.Bytes())
	assert.ErrorIs(t, r.Close(), ErrClosed)
	_, ok := r.Read(0, 0, 1)
	assert.False(t, ok, "a closed RAM refuses accesses")
}
