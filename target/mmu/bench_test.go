package mmu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

var sinkPA uint64

func benchSpace(tb testing.TB) *space {
	s := newSpace(tb, 25, 25, tcrA1|tcrAS)
	for i := uint64(0); i < 16; i++ {
		s.page(0xffffffc008400000+i<<12, 0x40600000+i<<12, normal)
	}
	return s
}

// A TLB hit through Translate: the executor's slow path for a page its Micro
// does not hold.
func BenchmarkTranslateHit(b *testing.B) {
	s := benchSpace(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r, _ := s.m.Translate(0xffffffc008400000+uint64(i&15)<<12|0x10, Read)
		sinkPA += r.PA
	}
}

// The bare TLB probe.
func BenchmarkTLBLookup(b *testing.B) {
	s := benchSpace(b)
	for i := uint64(0); i < 16; i++ {
		s.m.Translate(0xffffffc008400000+i<<12, Read)
	}
	t, c := s.m.TLB(), s.m.Context()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if e := t.lookup(c.key(0xffffffc008400000+uint64(i&15)<<12), c.asid); e != nil {
			sinkPA += e.res.PA
		}
	}
}

// The executor's fast path: one Micro per access kind.
func BenchmarkMicroHit(b *testing.B) {
	s := benchSpace(b)
	var m Micro
	r, _ := s.m.Translate(0xffffffc008400000, Read)
	gen := s.m.TLB().Gen()
	m.Fill(0xffffffc008400000, gen, r)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		pa, _ := m.Lookup(0xffffffc008400000|uint64(i&0x1ff)<<3, gen, Read)
		sinkPA += pa
	}
}

// A three-level walk (a TLB miss, without the fill).
func BenchmarkWalk39(b *testing.B) {
	s := benchSpace(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r, _ := s.m.Walk(0xffffffc008400000 + uint64(i&15)<<12)
		sinkPA += r.PA
	}
}

// No allocation on any translation path.
func TestNoAllocs(t *testing.T) {
	s := benchSpace(t)
	var micro Micro
	cases := map[string]func(){
		"hit":    func() { r, _ := s.m.Translate(0xffffffc008400010, Read); sinkPA += r.PA },
		"miss":   func() { s.m.TLB().Flush(); r, _ := s.m.Translate(0xffffffc008400010, Write); sinkPA += r.PA },
		"fault":  func() { _, f := s.m.Translate(0x1000, Read); sinkPA += uint64(f.FSC()) },
		"micro":  func() { pa, _ := micro.Lookup(0xffffffc008400010, s.m.TLB().Gen(), Read); sinkPA += pa },
		"tlbi":   func() { s.m.TLB().Apply(s.m.Context().TLBI(VAE1|IS, 0xffffffc008400)) },
		"at":     func() { par, _ := s.m.AT(S1E1R, 0xffffffc008400010); sinkPA += par },
		"probe":  func() { r, _ := s.m.Probe(0xffffffc008400010, Read); sinkPA += r.PA },
		"setreg": func() { s.m.SetRegs(s.regs) },
		"refill": func() { s.m.TLB().Flush(); _ = s.m.Refill(&micro, 0xffffffc008400010, Read) },
	}
	for name, f := range cases {
		assert.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}

// The executor's path when its Micro misses and the TLB hits.
func BenchmarkRefillTLBHit(b *testing.B) {
	s := benchSpace(b)
	var m Micro
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = s.m.Refill(&m, 0xffffffc008400000+uint64(i&15)<<12, Read)
		sinkPA += m.pa
	}
}
