package gic

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/bus"
)

// mmio is one frame under test with checked 32- and 64-bit accessors.
type mmio struct {
	t   testing.TB
	dev bus.Device
}

func (m mmio) r32(cpu int, off uint64) uint32 {
	m.t.Helper()
	v, ok := m.dev.Read(cpu, off, 4)
	require.True(m.t, ok, "read %#x", off)
	return uint32(v)
}

func (m mmio) w32(cpu int, off uint64, v uint32) {
	m.t.Helper()
	require.True(m.t, m.dev.Write(cpu, off, 4, uint64(v)), "write %#x", off)
}

func (m mmio) r64(cpu int, off uint64) uint64 {
	m.t.Helper()
	v, ok := m.dev.Read(cpu, off, 8)
	require.True(m.t, ok, "read64 %#x", off)
	return v
}

func (m mmio) w64(cpu int, off uint64, v uint64) {
	m.t.Helper()
	require.True(m.t, m.dev.Write(cpu, off, 8, v), "write64 %#x", off)
}

func (m mmio) w8(cpu int, off uint64, v uint8) {
	m.t.Helper()
	require.True(m.t, m.dev.Write(cpu, off, 1, uint64(v)), "write8 %#x", off)
}

// bit is the register offset and mask of INTID id in a one-bit-per-interrupt
// register block at base.
func bit(base uint64, id int) (uint64, uint32) {
	return base + uint64(id/32)*4, 1 << (id % 32)
}

// setBit writes id's bit in the block at base (ISENABLER, ICPENDR, …).
func (m mmio) setBit(cpu int, base uint64, id int) {
	m.t.Helper()
	off, mask := bit(base, id)
	m.w32(cpu, off, mask)
}
