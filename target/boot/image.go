package boot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// The arm64 Image header (booting.rst): 64 bytes at the start of the file.
const (
	imageHeaderSize   = 64
	imageTextOffset   = 8
	imageImageSize    = 16
	imageFlags        = 24
	imageMagicOffset  = 0x38
	imageMagic        = "ARM\x64"
	flagBigEndian     = 1 << 0
	flagPageSizeShift = 1
	flagPageSizeMask  = 3 << flagPageSizeShift
	flagAnywhere      = 1 << 3

	// LegacyTextOffset is the text offset to assume for an Image older than Linux 3.17 (image_size 0).
	LegacyTextOffset = 0x80000
	// maxTextOffset bounds text_offset: it is an offset from a 2 MiB-aligned base.
	maxTextOffset = 2 << 20
)

// ImageHeader is what an arm64 Image's header says.
type ImageHeader struct {
	TextOffset uint64 // offset of the image from a 2 MiB-aligned base (LegacyTextOffset for old images)
	ImageSize  uint64 // bytes the kernel occupies in memory, BSS included (0 before Linux 3.17)
	Flags      uint64
	PageSize   int  // 4096, 16384 or 65536; 0 = not stated
	Anywhere   bool // flags bit 3: the 2 MiB-aligned base may be anywhere in RAM, not just near its start
}

// ErrNotImage wraps every reason ParseImage refuses a file.
var ErrNotImage = errors.New("boot: not an arm64 Linux Image")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotImage}, args...)...)
}

// IsImage reports whether b carries the arm64 Image magic, so a caller can tell an Image from an ELF.
func IsImage(b []byte) bool {
	return len(b) >= imageMagicOffset+len(imageMagic) && string(b[imageMagicOffset:imageMagicOffset+len(imageMagic)]) == imageMagic
}

// ParseImage checks an uncompressed arm64 Image for this machine (little-endian, 4 KiB pages) and returns its
// header. It never panics.
func ParseImage(b []byte) (ImageHeader, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return ImageHeader{}, refuse("the file is gzip-compressed (a vmlinuz?): decompress it first")
	case len(b) >= 8 && string(b[:2]) == "MZ" && string(b[4:8]) == "zimg":
		return ImageHeader{}, refuse("the file is an EFI zboot image (compressed): use the Image inside it")
	case len(b) >= 4 && string(b[:4]) == "\x7fELF" && !IsImage(b):
		return ImageHeader{}, refuse("the file is an ELF, not an Image")
	case len(b) < imageHeaderSize:
		return ImageHeader{}, refuse("truncated: %d bytes, shorter than the %d-byte header", len(b), imageHeaderSize)
	case !IsImage(b):
		return ImageHeader{}, refuse("no \"ARM\\x64\" magic at offset %#x", imageMagicOffset)
	}
	le := binary.LittleEndian
	h := ImageHeader{
		TextOffset: le.Uint64(b[imageTextOffset:]),
		ImageSize:  le.Uint64(b[imageImageSize:]),
		Flags:      le.Uint64(b[imageFlags:]),
	}
	if h.ImageSize == 0 {
		// Before 3.17 the header's fields had no stated endianness; booting.rst says to assume 0x80000.
		h.TextOffset, h.Flags = LegacyTextOffset, 0
		return h, nil
	}
	if h.Flags&flagBigEndian != 0 {
		return h, refuse("big-endian kernel; the machine is little-endian")
	}
	switch ps := (h.Flags & flagPageSizeMask) >> flagPageSizeShift; ps {
	case 1:
		h.PageSize = 4096
	case 2, 3:
		return h, refuse("kernel built for %d KiB pages; the machine's MMU has only the 4 KiB granule", 16<<(2*(ps-2)))
	}
	h.Anywhere = h.Flags&flagAnywhere != 0
	if h.TextOffset%4096 != 0 || h.TextOffset >= maxTextOffset {
		return h, refuse("text_offset %#x: want a multiple of 4 KiB below 2 MiB (corrupt header?)", h.TextOffset)
	}
	if h.ImageSize < uint64(len(b)) {
		return h, refuse("image_size %#x is smaller than the file (%#x bytes): corrupt header?", h.ImageSize, len(b))
	}
	return h, nil
}
