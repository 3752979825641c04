package mmu

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type walkCase struct {
	name  string
	va    uint64
	acc   Access
	pa    uint64 // want on success
	level uint8
	attr  uint8
	fault Fault // want on failure
}

func runWalkCases(t *testing.T, s *space, cases []walkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.m.TLB().Flush()
			// Twice: the first walks and fills the TLB, the second hits it.
			for pass := 0; pass < 2; pass++ {
				r, f := s.m.Translate(tc.va, tc.acc)
				if !tc.fault.OK() {
					require.Equal(t, tc.fault, f, "pass %d", pass)
					continue
				}
				require.True(t, f.OK(), "pass %d: %v", pass, f)
				assert.Equal(t, fmt.Sprintf("%#x", tc.pa), fmt.Sprintf("%#x", r.PA), "pass %d", pass)
				assert.Equal(t, tc.level, r.Level, "pass %d", pass)
				assert.Equal(t, tc.attr, r.Attr, "pass %d", pass)
			}
		})
	}
}

// Linux 6.1 with VA_BITS=39: the kernel image in TTBR1 at 0xffffffc008000000,
// the linear map at 0xffffff8000000000, user space below 2^39 in TTBR0.
func TestTranslate39(t *testing.T) {
	s := newSpace(t, 25, 25, tcrA1|tcrAS|tcrTBI0)
	s.block(0xffffffc008000000, 0x40200000, 2, normal|ap2|uxn)       // text, 2 MiB
	s.page(0xffffffc008400000, 0x40600000, normal|pxn|uxn)           // data
	s.block(0xffffff8000000000, 0x40000000, 1, normal|pxn|uxn)       // linear map, 1 GiB
	s.page(0xffffffc010000000, 0x09000000, device|pxn|uxn)           // UART
	s.page(0x5555556000, 0x40800000, normal|nG|ap1|pxn|uxn)          // user data
	s.page(0x5555555000, 0x40801000, normal|nG|ap1|ap2)              // user text
	s.page(0x5555557000, 0x40802000, af|idxNC|nG|ap1)                // user NC, rw + x
	s.page(0x5555558000, 0x40803000, af|idxDevRE|nG|ap1|ap2|uxn|pxn) // user device RO
	s.desc(0xffffffc008600000, 3, 0)                                 // table, empty slot
	runWalkCases(t, s, []walkCase{
		{name: "text block read", va: 0xffffffc008012345, acc: Read, pa: 0x40212345, level: 2, attr: 0xff},
		{name: "text block fetch", va: 0xffffffc0081ffffc, acc: Fetch, pa: 0x403ffffc, level: 2, attr: 0xff},
		{name: "text block write", va: 0xffffffc008000000, acc: Write, fault: Fault{Permission, 2}},
		{name: "text fetch from EL0", va: 0xffffffc008000000, acc: Fetch | EL0, fault: Fault{Permission, 2}},
		{name: "data write", va: 0xffffffc008400ff8, acc: Write, pa: 0x40600ff8, level: 3, attr: 0xff},
		{name: "data fetch", va: 0xffffffc008400000, acc: Fetch, fault: Fault{Permission, 3}},
		{name: "data read from EL0", va: 0xffffffc008400000, acc: Read | EL0, fault: Fault{Permission, 3}},
		{name: "linear map 1 GiB block", va: 0xffffff8000123456, acc: Read, pa: 0x40123456, level: 1, attr: 0xff},
		{name: "linear map top", va: 0xffffff803fffffff, acc: Write, pa: 0x7fffffff, level: 1, attr: 0xff},
		{name: "device", va: 0xffffffc010000018, acc: Read, pa: 0x09000018, level: 3, attr: 0x00},
		{name: "user write EL0", va: 0x5555556010, acc: Write | EL0, pa: 0x40800010, level: 3, attr: 0xff},
		{name: "user write via STTR", va: 0x5555556010, acc: Write | EL0, pa: 0x40800010, level: 3, attr: 0xff},
		{name: "user data write EL1", va: 0x5555556010, acc: Write, pa: 0x40800010, level: 3, attr: 0xff},
		{name: "user text fetch EL0", va: 0x5555555abc, acc: Fetch | EL0, pa: 0x40801abc, level: 3, attr: 0xff},
		{name: "user text write EL0", va: 0x5555555abc, acc: Write | EL0, fault: Fault{Permission, 3}},
		{name: "user text fetch EL1 (PXN by AP)", va: 0x5555555abc, acc: Fetch, pa: 0x40801abc, level: 3, attr: 0xff},
		{name: "user rw page fetch EL1: implicit PXN", va: 0x5555557000, acc: Fetch, fault: Fault{Permission, 3}},
		{name: "user rw page fetch EL0", va: 0x5555557000, acc: Fetch | EL0, pa: 0x40802000, level: 3, attr: 0x44},
		{name: "user device", va: 0x5555558004, acc: Read | EL0, pa: 0x40803004, level: 3, attr: 0x04},
		{name: "user tagged (TBI0)", va: 0x5a00005555556010, acc: Read | EL0, pa: 0x40800010, level: 3, attr: 0xff},
		{name: "kernel tagged, TBI1 off", va: 0x5affffc008400000, acc: Read, fault: Fault{Translation, 0}},
		{name: "no level-1 entry", va: 0x0000001000000000, acc: Read, fault: Fault{Translation, 1}},
		{name: "no level-2 entry", va: 0x5555a00000, acc: Read, fault: Fault{Translation, 2}},
		{name: "no level-3 entry", va: 0x5555559000, acc: Read, fault: Fault{Translation, 3}},
		{name: "empty level-3 slot", va: 0xffffffc008600000, acc: Read, fault: Fault{Translation, 3}},
		{name: "above TTBR0 range", va: 0x0000008000000000, acc: Read, fault: Fault{Translation, 0}},
		{name: "below TTBR1 range", va: 0xffffff7ffffff000, acc: Read, fault: Fault{Translation, 0}},
		{name: "bit 55 set, top byte clear", va: 0x00ffffc008000000, acc: Read, fault: Fault{Translation, 0}},
	})
}

// 48-bit VAs: four levels, start level 0.
func TestTranslate48(t *testing.T) {
	s := newSpace(t, 16, 16, 0)
	s.block(0xffff800008000000, 0x40200000, 2, normal|ap2)
	s.page(0x0000ffffffffe000, 0x40400000, normal|nG|ap1|uxn|pxn)
	s.block(0x0000400000000000, 0x40000000, 1, normal)
	s.desc(0x0000100000000000, 0, 0)
	runWalkCases(t, s, []walkCase{
		{name: "block level 2", va: 0xffff8000081fffff, acc: Fetch, pa: 0x403fffff, level: 2, attr: 0xff},
		{name: "page at the top of TTBR0", va: 0x0000ffffffffeff0, acc: Write | EL0, pa: 0x40400ff0, level: 3, attr: 0xff},
		{name: "block level 1", va: 0x0000400012345678, acc: Read, pa: 0x52345678, level: 1, attr: 0xff},
		{name: "no level-0 entry", va: 0x0000200000000000, acc: Read, fault: Fault{Translation, 0}},
		{name: "invalid level-0 entry", va: 0x0000100000000000, acc: Read, fault: Fault{Translation, 0}},
		{name: "no level-1 entry", va: 0x0000400080000000, acc: Read, fault: Fault{Translation, 1}},
		{name: "tagged without TBI", va: 0x0100ffffffffe000, acc: Read, fault: Fault{Translation, 0}},
	})
}

// Any TxSZ from 16 to 39 is valid; the start level follows the input size.
func TestStartLevels(t *testing.T) {
	grans := []struct {
		name     string
		g        uint8
		tg0, tg1 uint64
	}{{"4K", 12, 0, 2}, {"16K", 14, 2, 1}, {"64K", 16, 1, 3}}
	for _, gr := range grans {
		for txsz := uint64(16); txsz <= 39; txsz++ {
			t.Run(fmt.Sprintf("%s/TxSZ=%d", gr.name, txsz), func(t *testing.T) {
				s := newSpace(t, txsz, txsz, 0)
				s.m = New(Config{PARange: 4, Gran16: true, Gran64: true}, s.mem, 0)
				s.root0, s.root1 = s.alloc(16), s.alloc(16)
				s.set(func(r *Regs) {
					r.TCR = txsz | txsz<<16 | gr.tg0<<14 | gr.tg1<<30 | ips44<<32
					r.TTBR0, r.TTBR1 = s.root0, s.root1
				})
				// The highest level whose region is smaller than the space.
				in := uint8(64 - txsz)
				want := uint8(3)
				for covered := 2*gr.g - 3; covered < in; covered += gr.g - 3 {
					want--
				}
				require.Equal(t, want, s.m.ctx.half[0].start)
				require.Equal(t, want, s.m.ctx.half[1].start)
				page := uint64(1) << gr.g
				lo := uint64(1)<<in - page // the last page of TTBR0
				hi := ^uint64(0) << in     // the first page of TTBR1
				s.page(lo, 0x40500000, normal)
				s.page(hi, 0x40600000, normal)
				r, f := s.m.Translate(lo+8, Read)
				require.True(t, f.OK(), "%v", f)
				assert.Equal(t, uint64(0x40500008), r.PA)
				r, f = s.m.Translate(hi+8, Read)
				require.True(t, f.OK(), "%v", f)
				assert.Equal(t, uint64(0x40600008), r.PA)
				_, f = s.m.Translate(lo+page, Read)
				assert.Equal(t, Fault{Translation, 0}, f, "just above TTBR0")
				_, f = s.m.Translate(hi-page, Read)
				assert.Equal(t, Fault{Translation, 0}, f, "just below TTBR1")
			})
		}
	}
}

// Every fault kind at every level it can happen at, for 39-bit (start level
// 1), 48-bit (start level 0) and 25-bit (start level 2) address spaces.
func TestFaultEachLevel(t *testing.T) {
	const outside = 0x0800_0000 // no RAM there: external abort
	const tooBig = 1 << 44      // beyond IPS = 44 bits: address size fault
	for _, txsz := range []uint64{16, 25, 39} {
		for level := uint8(0); level <= 3; level++ {
			kinds := []string{"translation", "external abort", "address size (table)", "address size (output)", "access flag", "permission", "block at level 0", "reserved at level 3"}
			for _, kind := range kinds {
				name := fmt.Sprintf("TxSZ=%d/level %d/%s", txsz, level, kind)
				t.Run(name, func(t *testing.T) {
					s := newSpace(t, txsz, 64, 0) // TTBR1 disabled (TxSZ out of range)
					if level < s.st0 {
						t.Skip("above the start level")
					}
					va := uint64(0x123456000) & (1<<(64-txsz) - 1)
					acc := Read
					var want Fault
					switch kind {
					case "translation":
						if level > s.st0 {
							s.desc(va, level, 0)
						}
						want = Fault{Translation, level}
					case "external abort":
						if level == s.st0 {
							s.set(func(r *Regs) { r.TTBR0 = outside })
						} else {
							s.desc(va, level-1, outside|3)
						}
						want = Fault{ExternalAbortWalk, level}
					case "address size (table)":
						if level == 3 {
							t.Skip("no table at level 3")
						}
						s.desc(va, level, tooBig|3)
						want = Fault{AddressSize, level}
					case "address size (output)":
						if level == 0 {
							t.Skip("no block at level 0")
						}
						s.desc(va, level, tooBig|normal|leafType(level))
						want = Fault{AddressSize, level}
					case "access flag":
						if level == 0 {
							t.Skip("no block at level 0")
						}
						s.desc(va, level, 0x40000000&^(1<<levelShift(level)-1)|shInner|leafType(level))
						want = Fault{AccessFlag, level}
					case "permission":
						if level == 0 {
							t.Skip("no block at level 0")
						}
						s.desc(va, level, 0x40000000&^(1<<levelShift(level)-1)|normal|ap2|leafType(level))
						acc = Write
						want = Fault{Permission, level}
					case "block at level 0":
						if level != 0 {
							t.Skip("level 0 only")
						}
						s.desc(va, 0, 0x40000000|normal|1)
						want = Fault{Translation, 0}
					case "reserved at level 3":
						if level != 3 {
							t.Skip("level 3 only")
						}
						s.desc(va, 3, 0x40000000|normal|1)
						want = Fault{Translation, 3}
					}
					_, f := s.m.Translate(va, acc)
					assert.Equal(t, want, f)
					// AT reports the same fault in PAR_EL1, except an
					// external abort, which it takes as a Data Abort.
					p, abort := s.m.AT(S1E1R+ATOp(acc), va)
					if want.Kind == ExternalAbortWalk {
						assert.Equal(t, want, abort)
					} else {
						assert.Equal(t, uint64(1|want.FSC()<<1|1<<11), p, "PAR_EL1 %#x", p)
					}
				})
			}
		}
	}
}

func leafType(level uint8) uint64 {
	if level == 3 {
		return 3
	}
	return 1
}

// Level-0 faults that come before the walk.
func TestFaultsBeforeWalk(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(0x1000, 0x40500000, normal)
	s.page(0xfffffffffffff000, 0x40501000, normal)
	cases := []struct {
		name string
		set  func(*Regs)
		va   uint64
		want Fault
	}{
		{"EPD0", func(r *Regs) { r.TCR |= tcrEPD0 }, 0x1000, Fault{Translation, 0}},
		{"EPD1", func(r *Regs) { r.TCR |= tcrEPD1 }, 0xfffffffffffff000, Fault{Translation, 0}},
		{"EPD1 leaves TTBR0", func(r *Regs) { r.TCR |= tcrEPD1 }, 0x1000, Fault{}},
		{"T0SZ 15", func(r *Regs) { r.TCR = r.TCR&^0x3f | 15 }, 0x1000, Fault{Translation, 0}},
		{"T0SZ 40", func(r *Regs) { r.TCR = r.TCR&^0x3f | 40 }, 0x1000, Fault{Translation, 0}},
		{"T1SZ 12", func(r *Regs) { r.TCR = r.TCR&^(0x3f<<16) | 12<<16 }, 0xfffffffffffff000, Fault{Translation, 0}},
		{"TTBR0 beyond IPS", func(r *Regs) { r.TTBR0 |= 1 << 44 }, 0x1000, Fault{AddressSize, 0}},
		{"TTBR0 beyond IPS 32", func(r *Regs) { r.TCR &^= 7 << 32; r.TTBR0 |= 1 << 32 }, 0x1000, Fault{AddressSize, 0}},
		{"TTBR0 ASID and CnP ignored", func(r *Regs) { r.TTBR0 |= 0xabcd<<48 | 1 }, 0x1000, Fault{}},
		{"IPS above PARange is PARange", func(r *Regs) { r.TCR |= 7 << 32 }, 0x1000, Fault{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			saved := s.regs
			defer s.set(func(r *Regs) { *r = saved })
			s.set(tc.set)
			_, f := s.m.Translate(tc.va, Read)
			assert.Equal(t, tc.want, f)
		})
	}
}

// IPS limits output addresses; PARange caps IPS.
func TestOutputAddressSize(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(0x1000, 0xfff_fffff000, normal)  // 44-bit PA: fine with IPS 44
	s.page(0x2000, 0x1000_00000000, normal) // bit 44: too big
	s.block(0x40000000, 0x3fc0000000, 1, normal)
	_, f := s.m.Translate(0x1000, Read)
	assert.True(t, f.OK())
	_, f = s.m.Translate(0x2000, Read)
	assert.Equal(t, Fault{AddressSize, 3}, f)
	s.set(func(r *Regs) { r.TCR = r.TCR&^(7<<32) | 2<<32 }) // 40 bits
	_, f = s.m.Translate(0x1000, Read)
	assert.Equal(t, Fault{AddressSize, 3}, f)
	s.set(func(r *Regs) { r.TCR &^= 7 << 32 }) // 32 bits: the tables themselves are fine
	_, f = s.m.Translate(0x40000000, Read)
	assert.Equal(t, Fault{AddressSize, 1}, f)
	assert.Equal(t, uint8(32), s.m.Context().PABits())

	// IPS 0b110 (52 bits) is capped at 48 without FEAT_LPA (we choose), and
	// by PARange; 0b111 (reserved) means PARange (we choose).
	var c Context
	for _, tc := range []struct {
		parange, ips, want uint8
	}{{5, 6, 48}, {4, 6, 44}, {5, 7, 48}, {2, 7, 40}, {5, 1, 36}} {
		c.Load(Config{PARange: tc.parange}, Regs{TCR: uint64(tc.ips) << 32})
		assert.Equal(t, tc.want, c.PABits(), "PARange %d IPS %d", tc.parange, tc.ips)
	}
}

// Table descriptors restrict what lies below them: APTable, UXNTable,
// PXNTable (no FEAT_HPDS: they always apply).
func TestTableRestrictions(t *testing.T) {
	const va = 0x5555556000
	cases := []struct {
		name  string
		table uint64 // bits ORed into the level-2 table descriptor
		leaf  uint64
		perm  Perm
	}{
		{"none", 0, ap1, PermR | PermW | PermR0 | PermW0 | PermX0},
		{"APTable 01: no EL0 data access", 1 << 61, ap1, PermR | PermW | PermX | PermX0},
		{"APTable 10: read-only, so no implicit PXN", 2 << 61, ap1, PermR | PermX | PermR0 | PermX0},
		{"APTable 11: read-only, no EL0 data access", 3 << 61, ap1, PermR | PermX | PermX0},
		{"UXNTable", 1 << 60, 0, PermR | PermW | PermX},
		{"PXNTable", 1 << 59, 0, PermR | PermW | PermX0},
		{"both", 3 << 59, ap1 | ap2, PermR | PermR0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpace(t, 25, 25, 0)
			s.page(va, 0x40500000, normal|tc.leaf)
			slot := s.slotOf(va, 2)
			d, _ := s.mem.ReadDescriptor(slot)
			s.mem.write(slot, d|tc.table)
			r, f := s.m.Walk(va)
			require.True(t, f.OK())
			assert.Equal(t, tc.perm.String(), r.Perm.String())
		})
	}
}

// SCTLR_EL1.EE: descriptors are read big-endian.
func TestBigEndianDescriptors(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(0x1000, 0x40500000, normal)
	// Byte-swap every descriptor the builder wrote.
	for i := 0; i+8 <= int(s.next-ramBase); i += 8 {
		for j := 0; j < 4; j++ {
			s.mem.bytes[i+j], s.mem.bytes[i+7-j] = s.mem.bytes[i+7-j], s.mem.bytes[i+j]
		}
	}
	_, f := s.m.Translate(0x1000, Read)
	assert.False(t, f.OK(), "little-endian reading of big-endian tables")
	s.set(func(r *Regs) { r.SCTLR |= sctlrEE })
	r, f := s.m.Translate(0x1000, Read)
	require.True(t, f.OK(), "%v", f)
	assert.Equal(t, uint64(0x40500000), r.PA)
}

// MAIR attributes decide Device vs Normal and what PAR_EL1.SH reports.
func TestAttributes(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.set(func(r *Regs) { r.MAIR = 0x0c_08_01_f0_44_04_00_ff })
	cases := []struct {
		idx, sh  uint64
		device   bool
		attr, SH uint8
	}{
		{0, 3, false, 0xff, 3}, // Normal WB, Inner Shareable
		{0, 2, false, 0xff, 2}, // Outer Shareable
		{0, 0, false, 0xff, 0}, // Non-shareable
		{0, 1, false, 0xff, 0}, // reserved SH reads as Non-shareable (we choose)
		{1, 3, true, 0x00, 2},  // Device-nGnRnE: Outer Shareable
		{2, 3, true, 0x04, 2},  // Device-nGnRE
		{3, 0, false, 0x44, 2}, // Normal Inner+Outer NC: Outer Shareable
		{4, 3, false, 0xf0, 3}, // Normal with inner nibble 0 (we choose Normal)
		{5, 3, true, 0x01, 2},  // Device with reserved low bits (we choose Device)
		{6, 3, true, 0x08, 2},  // Device-nGRE
		{7, 3, true, 0x0c, 2},  // Device-GRE
	}
	for i, tc := range cases {
		va := uint64(i+1) << 12
		s.page(va, 0x40500000, af|tc.idx<<2|tc.sh<<8)
		r, f := s.m.Translate(va, Read)
		require.True(t, f.OK())
		assert.Equal(t, tc.device, r.Device, "case %d", i)
		assert.Equal(t, tc.attr, r.Attr, "case %d", i)
		assert.Equal(t, tc.SH, r.SH, "case %d", i)
	}
}

// With SCTLR_EL1.M = 0, VA = PA: data is Device, fetches Normal, and a VA
// beyond the implemented PA size (44 bits here) is an address size fault.
func TestMMUOff(t *testing.T) {
	m := New(Config{PARange: 4}, newRAM(4096), 0)
	r, f := m.Translate(0x4000_1234, Read)
	require.True(t, f.OK())
	assert.Equal(t, Result{PA: 0x40001234, Attr: 0, SH: 2, Device: true, Global: true, Perm: PermAll}, r)
	r, f = m.Translate(0x4000_1234, Fetch)
	require.True(t, f.OK())
	assert.False(t, r.Device)
	assert.Equal(t, uint8(0x44), r.Attr)
	m.SetRegs(Regs{SCTLR: sctlrI})
	r, _ = m.Translate(0x4000_1234, Fetch)
	assert.Equal(t, uint8(0xaa), r.Attr)
	_, f = m.Translate(1<<44, Write)
	assert.Equal(t, Fault{AddressSize, 0}, f)
	_, f = m.Translate(0x0100_0000_4000_0000, Read)
	assert.Equal(t, Fault{AddressSize, 0}, f, "tag without TBI")
	m.SetRegs(Regs{TCR: tcrTBI0})
	r, f = m.Translate(0x0100_0000_4000_0000, Read)
	require.True(t, f.OK(), "tag with TBI0")
	assert.Equal(t, uint64(0x40000000), r.PA)
}

// TG0/TG1: 4, 16 and 64 KiB when the CPU advertises them; a reserved
// encoding or an unadvertised size walks as 4 KiB (we choose).
func TestGranule(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(0x1000, 0x40500000, normal)
	s.page(0xfffffffffffff000, 0x40501000, normal)
	for tg := uint64(0); tg < 4; tg++ {
		s.set(func(r *Regs) { r.TCR = r.TCR&^(3<<14|3<<30) | tg<<14 | tg<<30 })
		r, f := s.m.Translate(0x1008, Read)
		require.True(t, f.OK(), "unadvertised TG0=%d", tg)
		assert.Equal(t, uint64(0x40500008), r.PA)
		r, f = s.m.Translate(0xfffffffffffff008, Read)
		require.True(t, f.OK(), "unadvertised TG1=%d", tg)
		assert.Equal(t, uint64(0x40501008), r.PA)
	}

	cases := []struct {
		name       string
		tg0, tg1   uint64
		txsz       uint64
		start      uint8
		page, blk2 uint8 // log2 of a page and of a level-2 block
	}{
		{"4K 39-bit", 0, 2, 25, 1, 12, 21},
		{"16K 47-bit", 2, 1, 17, 1, 14, 25},
		{"16K 48-bit", 2, 1, 16, 0, 14, 25},
		{"16K 36-bit", 2, 1, 28, 2, 14, 25},
		{"64K 48-bit", 1, 3, 16, 1, 16, 29},
		{"64K 42-bit", 1, 3, 22, 2, 16, 29},
		{"64K 39-bit", 1, 3, 25, 2, 16, 29},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newSpace(t, tc.txsz, tc.txsz, 0)
			s.m = New(Config{PARange: 4, ASID16: true, Gran16: true, Gran64: true}, s.mem, 0)
			s.root0, s.root1 = s.alloc(16), s.alloc(16)
			s.set(func(r *Regs) {
				r.TCR = tc.txsz | tc.txsz<<16 | tc.tg0<<14 | tc.tg1<<30 | ips44<<32
				r.TTBR0, r.TTBR1 = s.root0, s.root1
			})
			require.Equal(t, tc.start, s.m.ctx.half[0].start)
			require.Equal(t, tc.start, s.m.ctx.half[1].start)
			top := uint64(1) << (64 - tc.txsz)
			pageVA := top - 1<<tc.page // the last page of TTBR0
			blockVA := uint64(1) << tc.blk2
			hiVA := -top + 1<<tc.page // the second page of TTBR1
			s.page(pageVA, 0x40600000, normal)
			s.block(blockVA, 0x40000000&^(1<<tc.blk2-1)+1<<tc.blk2, 2, normal) // any aligned PA
			s.page(hiVA, 0x40700000, normal|ap2)
			for _, p := range []struct {
				va    uint64
				pa    uint64
				level uint8
				shift uint8
			}{
				{pageVA + 0x1234&(1<<tc.page-1), 0x40600000 + 0x1234&(1<<tc.page-1), 3, tc.page},
				{hiVA + 8, 0x40700008, 3, tc.page},
				{blockVA + 0x123456&(1<<tc.blk2-1), 0x40000000&^(1<<tc.blk2-1) + 1<<tc.blk2 + 0x123456&(1<<tc.blk2-1), 2, tc.blk2},
			} {
				for pass := 0; pass < 2; pass++ {
					r, f := s.m.Translate(p.va, Read)
					require.True(t, f.OK(), "%#x: %v", p.va, f)
					assert.Equal(t, p.pa, r.PA, "%#x", p.va)
					assert.Equal(t, p.level, r.Level)
					assert.Equal(t, p.shift, r.Shift)
				}
			}
			_, f := s.m.Translate(hiVA, Write)
			assert.Equal(t, Fault{Permission, 3}, f)
			_, f = s.m.Translate(pageVA-1<<tc.page, Read)
			assert.Equal(t, Fault{Translation, 3}, f, "the page before")
			// TLBI by VA anywhere in a large page removes it.
			s.page(pageVA, 0x40800000, normal)
			s.m.TLB().Apply(s.m.Context().TLBI(VAAE1, (pageVA+1<<tc.page-0x1000)>>12))
			r, _ := s.m.Translate(pageVA, Read)
			assert.Equal(t, uint64(0x40800000), r.PA)
			if tc.start <= 1 {
				// A level-1 block exists only with 4 KiB.
				va := uint64(1) << (tc.blk2 + tc.page - 3 + 1) // level-1 slot 2
				s.desc(va, 1, 0x40000000&^(1<<(tc.blk2+tc.page-3)-1)|normal|1)
				_, f := s.m.Translate(va, Read)
				if tc.page == 12 {
					assert.True(t, f.OK(), "%v", f)
				} else {
					assert.Equal(t, Fault{Translation, 1}, f)
				}
			}
		})
	}
	assert.Equal(t, Config{PARange: 4, ASID16: true, Gran16: true}, ConfigFromMMFR0(0x0f101124))
}

// A 40-bit space starts at level 0 with a 2-entry (16-byte) table; BADDR is
// still 64-byte aligned and its low bits are ignored (we choose).
func TestSmallStartTable(t *testing.T) {
	s := newSpace(t, 24, 25, 0)
	require.Equal(t, uint8(0), s.st0)
	s.page(0x80_0000_1000, 0x40500000, normal) // VA bit 39: entry 1
	s.page(0x1000, 0x40501000, normal)
	s.set(func(r *Regs) { r.TTBR0 |= 0x3e })
	r, f := s.m.Translate(0x80_0000_1000, Read)
	require.True(t, f.OK(), "%v", f)
	assert.Equal(t, uint64(0x40500000), r.PA)
	r, f = s.m.Translate(0x1000, Read)
	require.True(t, f.OK(), "%v", f)
	assert.Equal(t, uint64(0x40501000), r.PA)
	_, f = s.m.Translate(0x100_0000_0000, Read)
	assert.Equal(t, Fault{Translation, 0}, f, "bit 40 is beyond a 40-bit space")
}

// Bits the walk ignores (we choose): RES0, Contiguous, DBM, the software
// bits, NS, PBHA in leaves; NSTable and the ignored bits in tables.
func TestIgnoredDescriptorBits(t *testing.T) {
	const va = 0x5555556000
	s := newSpace(t, 25, 25, 0)
	s.page(va, 0x40500000, normal|nG|ap1)
	want, f := s.m.Walk(va)
	require.True(t, f.OK())
	leaf := s.slotOf(va, 3)
	table := s.slotOf(va, 2)
	ld, _ := s.mem.ReadDescriptor(leaf)
	td, _ := s.mem.ReadDescriptor(table)
	s.mem.write(leaf, ld|0xf<<59|0xf<<55|1<<52|1<<51|1<<50|0xf<<48|1<<5)
	s.mem.write(table, td|1<<63|0x7f<<52|0xf<<48|0x3ff<<2)
	got, f := s.m.Walk(va)
	require.True(t, f.OK(), "%v", f)
	assert.Equal(t, want, got)
}

// No FEAT_HAFDBS: TCR_EL1.HA/HD are ignored, AF = 0 still faults and DBM
// does not make a read-only page writable.
func TestHardwareAFIgnored(t *testing.T) {
	s := newSpace(t, 25, 25, 1<<39|1<<40)
	s.page(0x1000, 0x40500000, shInner)          // AF = 0
	s.page(0x2000, 0x40501000, normal|ap2|1<<51) // DBM, read-only
	_, f := s.m.Translate(0x1000, Read)
	assert.Equal(t, Fault{AccessFlag, 3}, f)
	d, _ := s.mem.ReadDescriptor(s.slotOf(0x1000, 3))
	assert.Zero(t, d&af, "AF not set by the walk")
	_, f = s.m.Translate(0x2000, Write)
	assert.Equal(t, Fault{Permission, 3}, f)
}

func TestContextAccessors(t *testing.T) {
	var c Context
	r := Regs{SCTLR: sctlrM | sctlrA, TCR: tcr(25, 25, ips44, 0), TTBR0: 0x4000_0000 | 3<<48, MAIR: 0xff}
	c.Load(Config{PARange: 4}, r)
	assert.True(t, c.On())
	assert.True(t, c.StrictAlign())
	assert.Equal(t, r, c.Regs())
	assert.Equal(t, uint16(3), c.ASID())
	assert.Equal(t, uint8(44), c.PABits())
	c.Load(Config{PARange: 4}, Regs{})
	assert.False(t, c.On())
	assert.False(t, c.StrictAlign())
}

// BranchAddr drops the tag where TBI applies, per half, with the MMU on or
// off.
func TestBranchAddr(t *testing.T) {
	var c Context
	c.Load(Config{PARange: 4}, Regs{TCR: tcrTBI0})
	assert.Equal(t, uint64(0x0000000000401000), c.BranchAddr(0x2a00000000401000))
	assert.Equal(t, uint64(0x2affffc008000000), c.BranchAddr(0x2affffc008000000), "no TBI1")
	c.Load(Config{PARange: 4}, Regs{SCTLR: sctlrM, TCR: tcrTBI1})
	assert.Equal(t, uint64(0xffffffc008000000), c.BranchAddr(0x2affffc008000000))
	assert.Equal(t, uint64(0x2a00000000401000), c.BranchAddr(0x2a00000000401000), "no TBI0")
}
