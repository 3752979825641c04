package mmu

// Micro is a one-entry translation cache for the executor's fast path: keep
// one per CPU and access kind (fetch, load, store). A hit costs three
// compares and touches no TLB.
//
//	pa, ok := cpu.load.Lookup(va, tlb.Gen(), mmu.Read)
//	if !ok {
//		if f := m.Refill(&cpu.load, va, mmu.Read); !f.OK() { … abort … }
//		pa, _ = cpu.load.Lookup(va, tlb.Gen(), mmu.Read)
//	}
//
// It is keyed by the raw VA page (a tagged alias of the same page just
// misses) and holds the permissions of the translation, so it stays correct
// across exception level changes; Gen drops it on any invalidation or
// context change.
type Micro struct {
	page   uint64 // va &^ 0xfff | 1
	pa     uint64 // PA of the page
	gen    uint64
	perm   Perm
	device bool
}

// Lookup returns the physical address of va if the cached page is va's, was
// filled at generation gen, and permits acc.
func (m *Micro) Lookup(va, gen uint64, acc Access) (pa uint64, ok bool) {
	n := acc.need()
	if va&^pageMask|1 != m.page || gen != m.gen || m.perm&n != n {
		return 0, false
	}
	return m.pa | va&pageMask, true
}

// Device reports whether the cached page is Device memory.
func (m *Micro) Device() bool { return m.device }

// Fill caches r (the successful translation of va) for generation gen.
func (m *Micro) Fill(va, gen uint64, r Result) { m.fill(va, gen, &r) }

func (m *Micro) fill(va, gen uint64, r *Result) {
	m.page, m.pa, m.gen, m.perm, m.device = va&^pageMask|1, r.PA&^pageMask, gen, r.Perm, r.Device
}

// Reset empties m.
func (m *Micro) Reset() { *m = Micro{} }
