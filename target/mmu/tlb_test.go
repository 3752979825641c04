package mmu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeTLBI(t *testing.T) {
	// SYS #0, C8, CRm, #op2, checked against GNU as for every mnemonic.
	cases := []struct {
		crm, op2 uint8
		want     TLBIOp
	}{
		{3, 0, VMALLE1 | IS}, {3, 1, VAE1 | IS}, {3, 2, ASIDE1 | IS}, {3, 3, VAAE1 | IS},
		{3, 5, VALE1 | IS}, {3, 7, VAALE1 | IS},
		{7, 0, VMALLE1}, {7, 1, VAE1}, {7, 2, ASIDE1}, {7, 3, VAAE1}, {7, 5, VALE1}, {7, 7, VAALE1},
		{2, 1, RVAE1 | IS}, {2, 3, RVAAE1 | IS}, {2, 5, RVALE1 | IS}, {2, 7, RVAALE1 | IS},
		{6, 1, RVAE1}, {6, 3, RVAAE1}, {6, 5, RVALE1}, {6, 7, RVAALE1},
	}
	for _, tc := range cases {
		got, ok := DecodeTLBI(0, 8, tc.crm, tc.op2)
		require.True(t, ok, "C8, C%d, #%d", tc.crm, tc.op2)
		assert.Equal(t, tc.want, got, "C8, C%d, #%d", tc.crm, tc.op2)
		assert.Equal(t, tc.crm == 2 || tc.crm == 6, got.Range())
	}
	for _, bad := range [][4]uint8{{0, 8, 1, 0}, {0, 8, 3, 4}, {0, 8, 7, 6}, {4, 8, 7, 0}, {0, 7, 7, 0}, {0, 8, 5, 1}} {
		_, ok := DecodeTLBI(bad[0], bad[1], bad[2], bad[3])
		assert.False(t, ok, "%v", bad)
	}
}

// Operands as Linux builds them (__TLBI_VADDR, __TLBI_VADDR_RANGE).
func TestTLBIOperand(t *testing.T) {
	var c Context
	c.Load(Config{PARange: 4, ASID16: true}, Regs{TCR: tcrAS})
	kva := uint64(0xffffffc008400000)
	inv := c.TLBI(VALE1|IS, 0x1234<<48|kva>>12&(1<<44-1))
	assert.Equal(t, Invalidation{Scope: ScopeVA, VA: kva, ASID: 0x1234, Broadcast: true}, inv)
	inv = c.TLBI(VAAE1, 0x1234<<48|0x5555556)
	assert.Equal(t, Invalidation{Scope: ScopeVAAll, VA: 0x5555556000}, inv)
	inv = c.TLBI(ASIDE1|IS, 0xff42<<48)
	assert.Equal(t, Invalidation{Scope: ScopeASID, ASID: 0xff42, Broadcast: true}, inv)
	inv = c.TLBI(VMALLE1, 0xffffffffffffffff)
	assert.Equal(t, Invalidation{Scope: ScopeAll}, inv)

	// 8-bit ASIDs: operand ASID[15:8] ignored (we choose).
	c.Load(Config{PARange: 4, ASID16: true}, Regs{})
	assert.Equal(t, uint16(0x42), c.TLBI(ASIDE1, 0xff42<<48).ASID)
	c.Load(Config{PARange: 4, ASID16: false}, Regs{TCR: tcrAS})
	assert.Equal(t, uint16(0x42), c.TLBI(ASIDE1, 0xff42<<48).ASID, "AS without 16-bit ASIDs")

	// Range: 4 KiB granule, SCALE 1, NUM 2: (2+1) × 2^6 pages from a kernel VA.
	c.Load(Config{PARange: 4, ASID16: true}, Regs{TCR: tcrAS})
	xt := uint64(7)<<48 | 1<<46 | 1<<44 | 2<<39 | kva>>12&(1<<37-1)
	inv = c.TLBI(RVAE1|IS, xt)
	assert.Equal(t, Invalidation{Scope: ScopeRange, VA: kva, Size: 3 << 6 << 12, ASID: 7, Broadcast: true}, inv)
	inv = c.TLBI(RVAALE1, 3<<46|0x0555)
	assert.Equal(t, Invalidation{Scope: ScopeRangeAll, VA: 0x0555 << 16, Size: 2 << 16}, inv, "64 KiB granule units")
	inv = c.TLBI(RVAE1, 0x9<<48|0x5555)
	assert.Equal(t, Invalidation{Scope: ScopeRange, VA: 0, Size: ^uint64(0), ASID: 9}, inv, "reserved TG: everything (we choose)")
}

// tlbWorld: global kernel pages, a 2 MiB global block, and user pages of
// ASIDs 1 and 2, all in the TLB; then every PTE is rewritten to another PA,
// so a translation shows whether its entry survived (old PA) or not.
type tlbWorld struct {
	*space
	old map[string]uint64 // PA of each probe before the rewrite
}

const (
	vaK   = 0xffffffc008403000 // global page (not in the slot of vaB)
	vaB   = 0xffffffc008000000 // global 2 MiB block
	vaU1  = 0x5555556000       // ASID 1
	vaU1b = 0x5555557000       // ASID 1
	vaU2  = 0x5555558000       // ASID 2
)

type probe struct {
	name string
	va   uint64
	asid uint16
}

var probes = []probe{
	{"K", vaK, 1}, {"B0", vaB, 1}, {"B1", vaB + 0x1000, 1},
	{"U1", vaU1, 1}, {"U1b", vaU1b, 1}, {"U2", vaU2, 2},
}

func newTLBWorld(t *testing.T) *tlbWorld {
	s := newSpace(t, 25, 25, tcrA1|tcrAS)
	w := &tlbWorld{space: s, old: map[string]uint64{}}
	w.mapAll(0)
	for _, p := range probes {
		w.asid(p.asid)
		r, f := w.m.Translate(p.va, Read)
		require.True(t, f.OK(), "%s: %v", p.name, f)
		w.old[p.name] = r.PA
	}
	w.mapAll(0x100000)
	w.asid(1)
	return w
}

func (w *tlbWorld) mapAll(delta uint64) {
	w.page(vaK, 0x40600000+delta, normal)
	w.block(vaB, 0x40200000+delta*2, 2, normal)
	w.page(vaU1, 0x40800000+delta, normal|nG|ap1)
	w.page(vaU1b, 0x40801000+delta, normal|nG|ap1)
	w.page(vaU2, 0x40802000+delta, normal|nG|ap1)
}

func (w *tlbWorld) asid(a uint16) {
	w.set(func(r *Regs) { r.TTBR1 = r.TTBR1&(1<<48-1) | uint64(a)<<48 })
}

// cached lists the probes whose entry is still in the TLB.
func (w *tlbWorld) cached() []string {
	var names []string
	for _, p := range probes {
		if _, ok := w.m.TLB().Lookup(w.m.Context(), p.va, p.asid); ok {
			names = append(names, p.name)
		}
	}
	return names
}

func op(asid uint16, va uint64) uint64 { return uint64(asid)<<48 | va>>12&(1<<44-1) }

func rangeOp(asid uint16, va uint64, pages uint64) uint64 {
	// SCALE 0: (NUM+1) × 2 pages.
	return uint64(asid)<<48 | 1<<46 | (pages/2-1)<<39 | va>>12&(1<<37-1)
}

// Every TLBI form Linux emits, and the range forms, against the same TLB.
func TestTLBI(t *testing.T) {
	all := []string{"K", "B0", "B1", "U1", "U1b", "U2"}
	cases := []struct {
		name string
		op   TLBIOp
		xt   uint64
		kept []string
	}{
		{"VMALLE1", VMALLE1, 0, nil},
		{"VMALLE1IS", VMALLE1 | IS, 0, nil},
		{"ASIDE1 1", ASIDE1, op(1, 0), []string{"K", "B0", "B1", "U2"}},
		{"ASIDE1IS 2", ASIDE1 | IS, op(2, 0), []string{"K", "B0", "B1", "U1", "U1b"}},
		{"ASIDE1 3: nothing", ASIDE1, op(3, 0), all},
		{"VAE1 U1", VAE1, op(1, vaU1), []string{"K", "B0", "B1", "U1b", "U2"}},
		{"VAE1IS U1 other ASID: nothing", VAE1 | IS, op(2, vaU1), all},
		{"VAE1 global K, any ASID", VAE1, op(7, vaK), []string{"B0", "B1", "U1", "U1b", "U2"}},
		{"VALE1 U1b", VALE1, op(1, vaU1b), []string{"K", "B0", "B1", "U1", "U2"}},
		{"VALE1IS U2", VALE1 | IS, op(2, vaU2), []string{"K", "B0", "B1", "U1", "U1b"}},
		{"VAAE1 U2", VAAE1, op(0, vaU2), []string{"K", "B0", "B1", "U1", "U1b"}},
		{"VAAE1IS U1", VAAE1 | IS, op(9, vaU1), []string{"K", "B0", "B1", "U1b", "U2"}},
		{"VAALE1 K", VAALE1, op(0, vaK), []string{"B0", "B1", "U1", "U1b", "U2"}},
		{"VAALE1IS U1b", VAALE1 | IS, op(0, vaU1b), []string{"K", "B0", "B1", "U1", "U2"}},
		{"VAE1 block page 1: whole block", VAE1, op(1, vaB+0x1000), []string{"K", "U1", "U1b", "U2"}},
		{"VAAE1 uncached page of the block: whole block", VAAE1, op(0, vaB+0x1ff000), []string{"K", "U1", "U1b", "U2"}},
		{"VAE1 next to the block: nothing", VAE1, op(1, vaB+0x200000), all},
		{"RVAE1IS U1..U1b", RVAE1 | IS, rangeOp(1, vaU1, 2), []string{"K", "B0", "B1", "U2"}},
		{"RVAAE1 U1..U2", RVAAE1, rangeOp(0, vaU1, 4), []string{"K", "B0", "B1"}},
		{"RVALE1 ASID 2 over U1..U2", RVALE1, rangeOp(2, vaU1, 4), []string{"K", "B0", "B1", "U1", "U1b"}},
		{"RVAALE1IS kernel", RVAALE1 | IS, rangeOp(0, vaB+0x1ff000, 2), []string{"K", "U1", "U1b", "U2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newTLBWorld(t)
			require.Equal(t, all, w.cached())
			inv := w.m.Context().TLBI(tc.op, tc.xt)
			assert.Equal(t, tc.op&IS != 0, inv.Broadcast)
			gen := w.m.TLB().Gen()
			w.m.TLB().Apply(inv)
			assert.Greater(t, w.m.TLB().Gen(), gen)
			assert.Equal(t, tc.kept, w.cached())
			// What is kept still translates to the old PA; what is gone sees
			// the new tables.
			for _, p := range probes {
				w.asid(p.asid)
				r, f := w.m.Translate(p.va, Read)
				require.True(t, f.OK())
				assert.Equal(t, contains(tc.kept, p.name), r.PA == w.old[p.name], "%s → %#x", p.name, r.PA)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The architecture lets a TLB keep a translation until a TLBI: a PTE write
// alone changes nothing we cached; a TLBI then shows the new one.
func TestStaleUntilTLBI(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(vaU1, 0x40800000, normal|nG|ap1)
	r, _ := s.m.Translate(vaU1, Read)
	require.Equal(t, uint64(0x40800000), r.PA)
	s.page(vaU1, 0x40900000, normal|nG|ap1)
	r, _ = s.m.Translate(vaU1, Read)
	assert.Equal(t, uint64(0x40800000), r.PA, "stale until TLBI")
	w, _ := s.m.Walk(vaU1)
	assert.Equal(t, uint64(0x40900000), w.PA, "the tables say otherwise")
	s.m.TLB().Apply(s.m.Context().TLBI(VAE1, op(0, vaU1)))
	r, _ = s.m.Translate(vaU1, Read)
	assert.Equal(t, uint64(0x40900000), r.PA)
}

// Issue 14's hazard: a watched VA remapped to another page must not be missed
// through a derived cache. The TLBI (broadcast) changes every CPU's Gen, so a
// Micro filled before it misses and the next Translate sees the new page.
func TestRemapDropsMicro(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	cpu1 := New(Config{PARange: 4, ASID16: true}, s.mem, 0)
	cpu1.SetRegs(s.regs)
	cpus := []*MMU{s.m, cpu1}
	s.page(vaU1, 0x40800000, normal|nG|ap1)
	var micro [2]Micro
	for i, m := range cpus {
		r, f := m.Translate(vaU1, Write)
		require.True(t, f.OK())
		micro[i].Fill(vaU1, m.TLB().Gen(), r)
		pa, ok := micro[i].Lookup(vaU1+8, m.TLB().Gen(), Write)
		require.True(t, ok)
		require.Equal(t, uint64(0x40800008), pa)
	}
	s.page(vaU1, 0x40900000, normal|nG|ap1) // break-before-make elided
	inv := s.m.Context().TLBI(VALE1|IS, op(0, vaU1))
	require.True(t, inv.Broadcast)
	for _, m := range cpus {
		m.TLB().Apply(inv)
	}
	for i, m := range cpus {
		_, ok := micro[i].Lookup(vaU1+8, m.TLB().Gen(), Write)
		assert.False(t, ok, "cpu %d micro survived the TLBI", i)
		r, f := m.Translate(vaU1+8, Write)
		require.True(t, f.OK())
		assert.Equal(t, uint64(0x40900008), r.PA, "cpu %d", i)
	}
}

// nG entries belong to the ASID they were walked under; global ones to all.
func TestASIDTagging(t *testing.T) {
	s := newSpace(t, 25, 25, tcrA1|tcrAS)
	s.page(vaU1, 0x40800000, normal|nG|ap1)
	s.page(vaK, 0x40600000, normal)
	setASID := func(a uint16) { s.set(func(r *Regs) { r.TTBR1 = r.TTBR1&(1<<48-1) | uint64(a)<<48 }) }
	setASID(0x1234)
	assert.Equal(t, uint16(0x1234), s.m.Context().ASID())
	_, _ = s.m.Translate(vaU1, Read)
	_, _ = s.m.Translate(vaK, Read)
	r, ok := s.m.TLB().Lookup(s.m.Context(), vaU1, 0x1234)
	require.True(t, ok)
	assert.False(t, r.Global)
	_, ok = s.m.TLB().Lookup(s.m.Context(), vaU1, 0x1235)
	assert.False(t, ok, "nG entry under another ASID")
	r, ok = s.m.TLB().Lookup(s.m.Context(), vaK, 0x1235)
	require.True(t, ok, "global entry under any ASID")
	assert.True(t, r.Global)

	// An ASID switch keeps the TLB (no walk when switching back).
	setASID(0x99)
	reads := s.mem.reads
	_, _ = s.m.Translate(vaU1, Read)
	assert.Greater(t, s.mem.reads, reads, "new ASID walks")
	setASID(0x1234)
	reads = s.mem.reads
	_, _ = s.m.Translate(vaK, Read)
	assert.Equal(t, reads, s.mem.reads, "global entry hit")

	// A1 = 0: the ASID comes from TTBR0. AS = 0: 8 bits.
	s.set(func(r *Regs) { r.TCR &^= tcrA1; r.TTBR0 |= 0xab12 << 48 })
	assert.Equal(t, uint16(0xab12), s.m.Context().ASID())
	s.set(func(r *Regs) { r.TCR &^= tcrAS })
	assert.Equal(t, uint16(0x12), s.m.Context().ASID())
	m8 := New(Config{PARange: 4}, s.mem, 0)
	m8.SetRegs(Regs{TCR: tcrAS, TTBR0: 0xab12 << 48})
	assert.Equal(t, uint16(0x12), m8.Context().ASID(), "no 16-bit ASIDs: AS ignored")
}

// SetRegs: TTBR writes keep the TLB (and bump Gen); SCTLR/TCR/MAIR writes
// flush it (we choose).
func TestSetRegs(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(vaU1, 0x40800000, normal|nG|ap1)
	fill := func() {
		_, f := s.m.Translate(vaU1, Read)
		require.True(t, f.OK())
	}
	cases := []struct {
		name string
		set  func(*Regs)
		kept bool
	}{
		{"TTBR0 base", func(r *Regs) { r.TTBR0 |= 0 << 48 }, true},
		{"TTBR0 ASID", func(r *Regs) { r.TTBR0 ^= 5 << 48 }, true},
		{"TTBR1", func(r *Regs) { r.TTBR1 ^= 1 << 12 }, true},
		{"same values", func(r *Regs) {}, true},
		{"SCTLR.WXN", func(r *Regs) { r.SCTLR ^= sctlrWXN }, false},
		{"TCR.TBI0", func(r *Regs) { r.TCR ^= tcrTBI0 }, false},
		{"MAIR", func(r *Regs) { r.MAIR ^= 0xff }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fill()
			gen := s.m.TLB().Gen()
			s.set(tc.set)
			assert.Greater(t, s.m.TLB().Gen(), gen)
			assert.Equal(t, tc.kept, s.m.TLB().Len() > 0)
		})
	}
}

// Probe uses the TLB but never fills it.
func TestProbe(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(vaU1, 0x40800000, normal|nG|ap1)
	r, f := s.m.Probe(vaU1+4, Read)
	require.True(t, f.OK())
	assert.Equal(t, uint64(0x40800004), r.PA)
	assert.Equal(t, 0, s.m.TLB().Len())
	_, _ = s.m.Translate(vaU1, Read)
	s.page(vaU1, 0x40900000, normal|nG|ap1)
	r, _ = s.m.Probe(vaU1, Read)
	assert.Equal(t, uint64(0x40800000), r.PA, "sees what the CPU sees")
	_, f = s.m.Probe(vaU1, Fetch)
	assert.Equal(t, Fault{Permission, 3}, f)
}

func TestMicro(t *testing.T) {
	var m Micro
	_, ok := m.Lookup(0, 1, Read)
	assert.False(t, ok, "zero Micro never hits")
	m.Fill(0x5555556123, 7, Result{PA: 0x40800123, Perm: PermR | PermR0 | PermW0, Device: true})
	pa, ok := m.Lookup(0x5555556ff8, 7, Write|EL0)
	assert.True(t, ok)
	assert.Equal(t, uint64(0x40800ff8), pa)
	assert.True(t, m.Device())
	_, ok = m.Lookup(0x5555556ff8, 8, Read)
	assert.False(t, ok, "other generation")
	_, ok = m.Lookup(0x5555557000, 7, Read)
	assert.False(t, ok, "other page")
	_, ok = m.Lookup(0x5555556000, 7, Write)
	assert.False(t, ok, "EL1 write not permitted")
	_, ok = m.Lookup(0x5555556000, 7, Fetch|EL0)
	assert.False(t, ok, "EL0 execute not permitted")
	m.Reset()
	_, ok = m.Lookup(0x5555556000, 7, Read)
	assert.False(t, ok)
}

func TestNewTLBSize(t *testing.T) {
	assert.Len(t, NewTLB(0).ents, DefaultTLBEntries)
	assert.Len(t, NewTLB(100).ents, 128)
	assert.Len(t, NewTLB(1).ents, 1)
}

// A direct-mapped TLB: a conflicting page evicts, and the block count
// follows evictions (so VA invalidation goes back to one probe).
func TestEvictionAndBlockCount(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.m = New(Config{PARange: 4}, s.mem, 1)
	s.m.SetRegs(s.regs)
	s.block(vaB, 0x40200000, 2, normal)
	s.page(vaU1, 0x40800000, normal)
	_, _ = s.m.Translate(vaB, Read)
	assert.Equal(t, 1, s.m.TLB().blocks)
	_, _ = s.m.Translate(vaU1, Read)
	assert.Equal(t, 0, s.m.TLB().blocks)
	assert.Equal(t, 1, s.m.TLB().Len())
	s.m.TLB().Apply(Invalidation{Scope: ScopeVAAll, VA: vaU1})
	assert.Equal(t, 0, s.m.TLB().Len())
}

// Refill: the Micro's slow path, with the MMU on and off.
func TestRefill(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(vaU1, 0x40800000, normal|nG|ap1|pxn)
	var mi Micro
	require.True(t, s.m.Refill(&mi, vaU1+0x10, Write|EL0).OK())
	pa, ok := mi.Lookup(vaU1+0x20, s.m.TLB().Gen(), Read|EL0)
	require.True(t, ok)
	assert.Equal(t, uint64(0x40800020), pa)
	// Again from the TLB.
	mi.Reset()
	require.True(t, s.m.Refill(&mi, vaU1, Read).OK())
	_, ok = mi.Lookup(vaU1, s.m.TLB().Gen(), Read)
	assert.True(t, ok)
	// A fault leaves the Micro alone.
	assert.Equal(t, Fault{Permission, 3}, s.m.Refill(&mi, vaU1, Fetch))
	assert.Equal(t, Fault{Translation, 3}, s.m.Refill(&mi, vaU1+0x1000, Read))
	_, ok = mi.Lookup(vaU1, s.m.TLB().Gen(), Read)
	assert.True(t, ok)
	// MMU off: PA = VA, Device for data; the SCTLR write moved Gen on.
	s.set(func(r *Regs) { r.SCTLR = 0 })
	_, ok = mi.Lookup(vaU1, s.m.TLB().Gen(), Read)
	assert.False(t, ok)
	require.True(t, s.m.Refill(&mi, 0x40001008, Write).OK())
	pa, ok = mi.Lookup(0x40001010, s.m.TLB().Gen(), Write)
	assert.True(t, ok)
	assert.Equal(t, uint64(0x40001010), pa)
	assert.True(t, mi.Device())
}

// A range that runs past the top of the address space stops there; an empty
// one removes nothing.
func TestRangeEdges(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(0xfffffffffffff000, 0x40500000, normal)
	_, _ = s.m.Translate(0xfffffffffffff000, Read)
	s.m.TLB().Apply(Invalidation{Scope: ScopeRangeAll, VA: 0xfffffffffffff000, Size: 0})
	assert.Equal(t, 1, s.m.TLB().Len())
	s.m.TLB().Apply(Invalidation{Scope: ScopeRangeAll, VA: 0xffffffffffff0000, Size: 1 << 20})
	assert.Equal(t, 0, s.m.TLB().Len())
	// Walk with the MMU off is the identity.
	s.set(func(r *Regs) { r.SCTLR = 0 })
	r, f := s.m.Walk(0x40001234)
	require.True(t, f.OK())
	assert.Equal(t, uint64(0x40001234), r.PA)
}

// A tagged address and its untagged form share one TLB entry (TBI0).
func TestTBISharesEntry(t *testing.T) {
	s := newSpace(t, 25, 25, tcrTBI0)
	s.page(vaU1, 0x40800000, normal|nG|ap1)
	_, f := s.m.Translate(0x7f00000000000000|vaU1, Read)
	require.True(t, f.OK())
	st := s.m.TLB().Stats()
	_, ok := s.m.TLB().Lookup(s.m.Context(), vaU1, s.m.Context().ASID())
	assert.True(t, ok)
	r, _ := s.m.Translate(vaU1|0x10, Read)
	assert.Equal(t, uint64(0x40800010), r.PA)
	assert.Equal(t, st, s.m.TLB().Stats(), "no second walk")
	assert.Equal(t, Stats{Walks: 1, Invalidations: 1}, st, "one walk; SetRegs flushed once")
	_, _ = s.m.Translate(0x5000, Read)
	assert.Equal(t, uint64(1), s.m.TLB().Stats().Faults)
}

func TestAccessString(t *testing.T) {
	assert.Equal(t, "read", Read.String())
	assert.Equal(t, "write|EL0", (Write | EL0).String())
	assert.Equal(t, "fetch", Fetch.String())
	assert.Equal(t, "read|EL0|CacheOp", (Read | EL0 | CacheOp).String())
}
