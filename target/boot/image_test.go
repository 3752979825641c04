package boot

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeImage is an arm64 Image of size bytes whose first instruction is "b ." (a loop at the entry).
func fakeImage(textOffset, imageSize, flags uint64, size int) []byte {
	b := make([]byte, size)
	le := binary.LittleEndian
	le.PutUint32(b, 0x1400_0000)
	le.PutUint64(b[imageTextOffset:], textOffset)
	le.PutUint64(b[imageImageSize:], imageSize)
	le.PutUint64(b[imageFlags:], flags)
	copy(b[imageMagicOffset:], imageMagic)
	return b
}

// linuxFlags is what a 6.1 arm64 defconfig-style build writes: little-endian, 4 KiB pages, anywhere.
const linuxFlags = 0xa

func TestParseImage(t *testing.T) {
	h, err := ParseImage(fakeImage(0, 0x36_0000, linuxFlags, 0x1_0000))
	require.NoError(t, err)
	require.Equal(t, ImageHeader{TextOffset: 0, ImageSize: 0x36_0000, Flags: linuxFlags, PageSize: 4096, Anywhere: true}, h)

	h, err = ParseImage(fakeImage(0x1234, 0, 0xff, 4096))
	require.NoError(t, err)
	require.Equal(t, ImageHeader{TextOffset: LegacyTextOffset}, h, "image_size 0: a pre-3.17 Image, fields unreliable")

	h, err = ParseImage(fakeImage(0x8_0000, 0x10_0000, 0, 4096))
	require.NoError(t, err)
	require.Equal(t, ImageHeader{TextOffset: 0x8_0000, ImageSize: 0x10_0000}, h, "page size not stated, not anywhere")
}

func TestParseImageRejects(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "truncated: 0 bytes, shorter than the 64-byte header"},
		{"truncated header", fakeImage(0, 0x1000, 0, 64)[:60], "truncated: 60 bytes"},
		{"no magic", make([]byte, 4096), `no "ARM\x64" magic at offset 0x38`},
		{"gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0}, "gzip-compressed"},
		{"EFI zboot", []byte("MZ\x00\x00zimg\x00\x00"), "EFI zboot image"},
		{"ELF", []byte("\x7fELF\x02\x01\x01\x00"), "an ELF, not an Image"},
		{"big-endian", fakeImage(0, 0x1000, 1|linuxFlags, 4096), "big-endian kernel"},
		{"16 KiB pages", fakeImage(0, 0x1000, 2<<1, 4096), "built for 16 KiB pages"},
		{"64 KiB pages", fakeImage(0, 0x1000, 3<<1, 4096), "built for 64 KiB pages"},
		{"text_offset misaligned", fakeImage(0x10, 0x1000, linuxFlags, 4096), "text_offset 0x10"},
		{"text_offset too large", fakeImage(2<<20, 0x1000, linuxFlags, 4096), "text_offset 0x200000"},
		{"image_size below the file", fakeImage(0, 0x800, linuxFlags, 4096), "image_size 0x800 is smaller than the file (0x1000 bytes)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseImage(tc.b)
			require.ErrorIs(t, err, ErrNotImage)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestIsImage(t *testing.T) {
	require.True(t, IsImage(fakeImage(0, 0x1000, 0, 64)))
	require.False(t, IsImage(fakeImage(0, 0x1000, 0, 64)[:0x3b]))
	require.False(t, IsImage([]byte("\x7fELF")))
}

func FuzzParseImage(f *testing.F) {
	f.Add(fakeImage(0, 0x36_0000, linuxFlags, 256))
	f.Add(fakeImage(0, 0, 0, 64))
	f.Add(fakeImage(0x8_0000, 0x1000, 3<<1, 128))
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ParseImage(b)
		if err != nil {
			require.ErrorIs(t, err, ErrNotImage)
			return
		}
		require.True(t, IsImage(b))
		require.Less(t, h.TextOffset, uint64(maxTextOffset))
		require.Contains(t, []int{0, 4096}, h.PageSize)
	})
}
