package mmu

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// ramBase is where the machine's RAM starts (QEMU virt).
const ramBase = 0x4000_0000

// ram is a small physical memory for descriptor fetches: outside it a fetch
// is an external abort, as on the machine.
type ram struct {
	base  uint64
	bytes []byte
	reads int
}

func newRAM(size int) *ram { return newRAMAt(ramBase, size) }

func newRAMAt(base uint64, size int) *ram { return &ram{base: base, bytes: make([]byte, size)} }

func (m *ram) ReadDescriptor(pa uint64) (uint64, bool) {
	m.reads++
	if pa < m.base || pa-m.base+8 > uint64(len(m.bytes)) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(m.bytes[pa-m.base:]), true
}

func (m *ram) write(pa, v uint64) { binary.LittleEndian.PutUint64(m.bytes[pa-m.base:], v) }

// tables builds translation tables in a ram: tables are allocated from the
// start of the ram, one 4 KiB page each.
type tables struct {
	t    testing.TB
	mem  *ram
	next uint64
}

func newTables(t testing.TB, base uint64) *tables {
	return &tables{t: t, mem: newRAMAt(base, 1<<20), next: base}
}

// alloc returns a zeroed table of 2^gran bytes, aligned to its size.
func (b *tables) alloc(gran uint8) uint64 {
	size := uint64(1) << gran
	pa := (b.next + size - 1) &^ (size - 1)
	b.next = pa + size
	require.LessOrEqual(b.t, b.next-b.mem.base, uint64(len(b.mem.bytes)), "test tables out of RAM")
	return pa
}

// levelShift is log2 of what a descriptor at level maps with 4 KiB pages.
func levelShift(level uint8) uint8 { return 12 + 9*(3-level) }

// Descriptor attribute bits for the tests.
const (
	af      = 1 << 10
	nG      = 1 << 11
	ap1     = 1 << 6 // AP[1]: EL0 access
	ap2     = 1 << 7 // AP[2]: read-only
	pxn     = 1 << 53
	uxn     = 1 << 54
	shInner = 3 << 8
	shOuter = 2 << 8
)

// Linux-like MAIR_EL1: 0 Normal WB, 1 Normal WB (tagged slot), 2 Normal NC,
// 3 Device-nGnRnE, 4 Device-nGnRE.
const linuxMAIR = 0x04_00_44_ff_ff

// AttrIndx values in descriptors.
const (
	idxNormal = 0 << 2
	idxNC     = 2 << 2
	idxDevice = 3 << 2
	idxDevRE  = 4 << 2
)

const (
	normal = shInner | af | idxNormal
	device = af | idxDevice
)

// geometry is what a walk of one half needs to find a slot.
type geometry struct {
	root            uint64
	start, in, gran uint8
}

// mapAt installs desc for va at level, allocating tables on the way.
func (b *tables) mapAt(g geometry, va uint64, level uint8, desc uint64) {
	b.mem.write(b.descSlot(g, va, level, true), desc)
}

// slot returns the address of the descriptor for va at level (tables must
// exist down to it).
func (b *tables) slot(g geometry, va uint64, level uint8) uint64 {
	return b.descSlot(g, va, level, false)
}

func (b *tables) descSlot(g geometry, va uint64, level uint8, create bool) uint64 {
	table := g.root
	stride := g.gran - 3
	for l := g.start; ; l++ {
		shift := g.gran + stride*(3-l)
		idxBits := stride
		if l == g.start {
			idxBits = g.in - shift
		}
		s := table + (va>>shift&(1<<idxBits-1))*8
		if l == level {
			return s
		}
		d, _ := b.mem.ReadDescriptor(s)
		if d&3 != 3 {
			require.True(b.t, create, "no table at level %d for %#x", l, va)
			d = b.alloc(g.gran) | 3
			b.mem.write(s, d)
		}
		table = d & oaMask &^ (1<<g.gran - 1)
	}
}

// tcr builds a TCR_EL1 with 4 KiB granules for both halves.
func tcr(t0sz, t1sz uint64, ips uint64, extra uint64) uint64 {
	return t0sz | t1sz<<16 | 2<<30 | ips<<32 | extra
}

const ips44 = 4

// space is a test address space: an MMU with Linux-like settings over fresh
// tables, one root per half.
type space struct {
	*tables
	m            *MMU
	regs         Regs
	root0, root1 uint64
	in0, in1     uint8
	st0, st1     uint8
}

// newSpace makes a space with T0SZ/T1SZ and the MMU on, tables at the start
// of RAM.
func newSpace(t testing.TB, t0sz, t1sz uint64, extraTCR uint64) *space {
	return newSpaceAt(t, ramBase, t0sz, t1sz, extraTCR)
}

// newSpaceAt is newSpace with the tables at base.
func newSpaceAt(t testing.TB, base, t0sz, t1sz uint64, extraTCR uint64) *space {
	b := newTables(t, base)
	s := &space{tables: b, root0: b.alloc(12), root1: b.alloc(12)}
	s.m = New(Config{PARange: 4, ASID16: true}, b.mem, 0)
	s.regs = Regs{
		SCTLR: sctlrM,
		TCR:   tcr(t0sz, t1sz, ips44, extraTCR),
		TTBR0: s.root0,
		TTBR1: s.root1,
		MAIR:  linuxMAIR,
	}
	s.m.SetRegs(s.regs)
	s.in0, s.in1 = uint8(64-t0sz), uint8(64-t1sz)
	s.st0, s.st1 = s.m.ctx.half[0].start, s.m.ctx.half[1].start
	return s
}

// geo is the geometry of va's half, from the MMU's current context.
func (s *space) geo(va uint64) geometry {
	h := &s.m.ctx.half[va>>55&1]
	root := s.root0
	if va>>55&1 == 1 {
		root = s.root1
	}
	return geometry{root: root, start: h.start, in: h.inputBits, gran: h.gran}
}

// page maps the page (of the current granule) va to pa with attrs.
func (s *space) page(va, pa, attrs uint64) { s.mapAt(s.geo(va), va, 3, pa|attrs|3) }

// block maps a block at level 1 or 2.
func (s *space) block(va, pa uint64, level uint8, attrs uint64) {
	s.mapAt(s.geo(va), va, level, pa|attrs|1)
}

// desc writes a raw descriptor for va at level.
func (s *space) desc(va uint64, level uint8, d uint64) { s.mapAt(s.geo(va), va, level, d) }

// slotOf is the address of va's descriptor at level.
func (s *space) slotOf(va uint64, level uint8) uint64 { return s.slot(s.geo(va), va, level) }

func (s *space) set(f func(*Regs)) {
	f(&s.regs)
	s.m.SetRegs(s.regs)
}

// par runs AT and requires it to write PAR_EL1 (no abort).
func par(t testing.TB, m *MMU, op ATOp, va uint64) uint64 {
	p, abort := m.AT(op, va)
	require.True(t, abort.OK(), "AT took %v", abort)
	return p
}
