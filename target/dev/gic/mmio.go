package gic

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/bus"

// frame is one MMIO register frame seen as 32-bit registers, plus the
// registers that also take byte accesses and the 64-bit ones.
type frame interface {
	read32(cpu int, off uint64) uint32
	write32(cpu int, off uint64, v uint32)
	// readByte/writeByte: ok = false when off is not in a byte-accessible register.
	readByte(cpu int, off uint64) (v uint8, ok bool)
	writeByte(cpu int, off uint64, v uint8) (ok bool)
	// read64/write64: ok = false when off is not a 64-bit register.
	read64(cpu int, off uint64) (v uint64, ok bool)
	write64(cpu int, off uint64, v uint64) (ok bool)
}

// device adapts a frame to bus.Device with the GIC's access rules: naturally
// aligned 1, 2, 4 or 8 bytes or the access is refused. We choose: an 8-byte
// access to a pair of 32-bit registers is the two 32-bit accesses (low word
// first); a 1- or 2-byte access to a register that is not byte-accessible is
// RAZ/WI, like a reserved register.
type device struct{ f frame }

func (d device) Read(cpu int, off uint64, size int) (uint64, bool) {
	if !bus.ValidAccess(off, size) {
		return 0, false
	}
	switch size {
	case 8:
		if v, ok := d.f.read64(cpu, off); ok {
			return v, true
		}
		lo := d.f.read32(cpu, off)
		return uint64(lo) | uint64(d.f.read32(cpu, off+4))<<32, true
	case 4:
		return uint64(d.f.read32(cpu, off)), true
	}
	var v uint64
	for k := 0; k < size; k++ {
		b, ok := d.f.readByte(cpu, off+uint64(k))
		if !ok {
			return 0, true
		}
		v |= uint64(b) << (8 * k)
	}
	return v, true
}

func (d device) Write(cpu int, off uint64, size int, v uint64) bool {
	if !bus.ValidAccess(off, size) {
		return false
	}
	switch size {
	case 8:
		if !d.f.write64(cpu, off, v) {
			d.f.write32(cpu, off, uint32(v))
			d.f.write32(cpu, off+4, uint32(v>>32))
		}
		return true
	case 4:
		d.f.write32(cpu, off, uint32(v))
		return true
	}
	for k := 0; k < size; k++ {
		if !d.f.writeByte(cpu, off+uint64(k), uint8(v>>(8*k))) {
			return true
		}
	}
	return true
}

// bytesRead32 reads a byte-accessible 32-bit register as its four bytes.
func bytesRead32(f frame, cpu int, off uint64) uint32 {
	var v uint32
	for k := uint64(0); k < 4; k++ {
		b, _ := f.readByte(cpu, off+k)
		v |= uint32(b) << (8 * k)
	}
	return v
}

// bytesWrite32 writes a byte-accessible 32-bit register as its four bytes.
func bytesWrite32(f frame, cpu int, off uint64, v uint32) {
	for k := uint64(0); k < 4; k++ {
		f.writeByte(cpu, off+k, uint8(v>>(8*k)))
	}
}

// no64 is embedded by frames without 64-bit registers.
type no64 struct{}

func (no64) read64(int, uint64) (uint64, bool) { return 0, false }
func (no64) write64(int, uint64, uint64) bool  { return false }

// idRegisters reads the CoreSight-style ID block at 0xfd0-0xffc (PIDR4-7,
// PIDR0-3, CIDR0-3, one byte per word), or ok = false outside it.
func idRegisters(ids *[12]uint8, off uint64) (uint32, bool) {
	const base = 0xfd0
	if off < base || off >= base+4*12 || off%4 != 0 {
		return 0, false
	}
	return uint32(ids[(off-base)/4]), true
}

// distRead reads the registers both distributors lay out alike: the common
// layout for the words in r and the byte-accessible registers of f.
func (g *core) distRead(f frame, cpu int, off uint64, r wordRange) (uint32, bool) {
	if off == GICDCTLR {
		return b2u(g.distOn[0]) | b2u(g.distOn[1])<<1, true
	}
	if v, ok := g.commonRead(cpu, off, r); ok {
		return v, true
	}
	if _, ok := f.readByte(cpu, off); ok {
		return bytesRead32(f, cpu, off), true
	}
	return 0, false
}

// distWrite is distRead's write side; false when off is not one of them.
func (g *core) distWrite(f frame, cpu int, off uint64, v uint32, r wordRange, sgiPendWritable bool) bool {
	if off == GICDCTLR {
		g.distOn = [2]bool{v&1 != 0, v&2 != 0}
		g.evaluateAll()
		return true
	}
	if g.commonWrite(cpu, off, v, r, sgiPendWritable) {
		return true
	}
	if _, ok := f.readByte(cpu, off); ok {
		bytesWrite32(f, cpu, off, v)
		return true
	}
	return false
}
