package bus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// RAM is guest memory backed by an anonymous private mapping, so a large guest
// neither grows the Go heap nor makes the collector wait for it. It is also a
// Device (little-endian, any alignment) for callers that go through a Map.
type RAM struct {
	mem []byte
}

// ErrClosed is returned by Close on a RAM already closed.
var ErrClosed = errors.New("bus: RAM already closed")

// NewRAM maps size bytes of zeroed memory. size must be a positive multiple of
// the host page size.
func NewRAM(size uint64) (*RAM, error) {
	page := uint64(os.Getpagesize())
	if size == 0 || size%page != 0 || size > uint64(maxInt) {
		return nil, fmt.Errorf("bus: RAM size %#x is not a positive multiple of %#x", size, page)
	}
	mem, err := mapAnonymous(int(size))
	if err != nil {
		return nil, fmt.Errorf("bus: mapping %#x bytes of RAM: %w", size, err)
	}
	return &RAM{mem: mem}, nil
}

const maxInt = int(^uint(0) >> 1)

// Bytes is the memory itself. It is valid until Close; do not append to it.
func (r *RAM) Bytes() []byte { return r.mem }

// Size is the length of the memory in bytes (0 after Close).
func (r *RAM) Size() uint64 { return uint64(len(r.mem)) }

// Close unmaps the memory; any slice taken from Bytes must no longer be used.
func (r *RAM) Close() error {
	if r.mem == nil {
		return ErrClosed
	}
	err := unmap(r.mem)
	r.mem = nil
	return err
}

// Read reads size bytes (1, 2, 4 or 8) at offset, little-endian.
func (r *RAM) Read(_ int, offset uint64, size int) (uint64, bool) {
	if !r.inside(offset, size) {
		return 0, false
	}
	p := r.mem[offset:]
	switch size {
	case 1:
		return uint64(p[0]), true
	case 2:
		return uint64(binary.LittleEndian.Uint16(p)), true
	case 4:
		return uint64(binary.LittleEndian.Uint32(p)), true
	default:
		return binary.LittleEndian.Uint64(p), true
	}
}

// Write writes the low size bytes of value at offset, little-endian.
func (r *RAM) Write(_ int, offset uint64, size int, value uint64) bool {
	if !r.inside(offset, size) {
		return false
	}
	p := r.mem[offset:]
	switch size {
	case 1:
		p[0] = byte(value)
	case 2:
		binary.LittleEndian.PutUint16(p, uint16(value))
	case 4:
		binary.LittleEndian.PutUint32(p, uint32(value))
	default:
		binary.LittleEndian.PutUint64(p, value)
	}
	return true
}

func (r *RAM) inside(offset uint64, size int) bool {
	switch size {
	case 1, 2, 4, 8:
		return offset < uint64(len(r.mem)) && uint64(size) <= uint64(len(r.mem))-offset
	}
	return false
}
