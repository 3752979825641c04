package mmu

// DefaultTLBEntries is the TLB size New uses when given 0: 512 entries map
// 2 MiB of 4 KiB pages and take 16 KiB per CPU.
const DefaultTLBEntries = 512

// entry is one TLB slot. Blocks and 16/64 KiB pages are cached per 4 KiB
// page ("fragments"); Result.Shift says how large the original mapping was,
// for invalidation by VA.
type entry struct {
	key  uint64 // Context.key of the page; 0 = empty
	asid uint16 // for non-global entries
	res  Result // PA is the page's
}

// TLB is one CPU's software TLB for stage 1 of the EL1&0 regime: a
// direct-mapped array of translations tagged with ASID or global, indexed by
// VA page. It is not safe for concurrent use: the machine applies a
// broadcast (IS) invalidation to every CPU's TLB from the goroutine that runs
// them.
//
// Gen changes whenever an entry may have been removed or the translation
// context changed; anything the executor derives from a translation (a
// Micro, a current-page pointer, watch bitmaps by VA) must be tagged with Gen
// and dropped when it differs.
type TLB struct {
	ents   []entry
	mask   uint64
	blocks int    // valid entries from mappings larger than 4 KiB
	gen    uint64 // starts at 1, so a zero Micro never matches
	stats  Stats
}

// Stats counts what a TLB did; only slow paths count, so hits through a
// Micro or Translate are not included.
type Stats struct {
	Walks         uint64 // table walks for Translate/Refill (TLB misses)
	Faults        uint64 // of those, walks that faulted
	Invalidations uint64 // Apply calls (TLBI, flushes)
}

// Stats returns the counters.
func (t *TLB) Stats() Stats { return t.stats }

// NewTLB returns a TLB with n entries, rounded up to a power of two
// (DefaultTLBEntries for n ≤ 0).
func NewTLB(n int) *TLB {
	if n <= 0 {
		n = DefaultTLBEntries
	}
	size := 1
	for size < n {
		size <<= 1
	}
	return &TLB{ents: make([]entry, size), mask: uint64(size - 1), gen: 1}
}

// Gen is the invalidation generation (see TLB).
func (t *TLB) Gen() uint64 { return t.gen }

// Bump advances Gen without removing entries: the translation context
// changed (an ASID switch) and derived caches must be dropped.
func (t *TLB) Bump() { t.gen++ }

// index mixes the VA page number with its high bits so the TTBR0 and TTBR1
// halves of the address space do not collide slot for slot.
func (t *TLB) index(key uint64) uint64 {
	vpn := key >> pageShift
	return (vpn ^ vpn>>27) & t.mask
}

// lookup returns the entry for key that the ASID may use, or nil.
func (t *TLB) lookup(key uint64, asid uint16) *entry {
	e := &t.ents[t.index(key)]
	if e.key == key && (e.res.Global || e.asid == asid) {
		return e
	}
	return nil
}

// Lookup returns the cached translation of va's page for the ASID, with
// Result.PA the page's address, as Translate would use it. ctx supplies TBI.
func (t *TLB) Lookup(ctx *Context, va uint64, asid uint16) (Result, bool) {
	if e := t.lookup(ctx.key(va), asid); e != nil {
		return e.res, true
	}
	return Result{}, false
}

func (t *TLB) insert(key uint64, asid uint16, r Result) {
	e := &t.ents[t.index(key)]
	t.drop(e)
	if r.Global {
		asid = 0
	}
	*e = entry{key: key, asid: asid, res: r}
	if r.Shift > pageShift {
		t.blocks++
	}
}

// drop empties e.
func (t *TLB) drop(e *entry) {
	if e.key != 0 && e.res.Shift > pageShift {
		t.blocks--
	}
	e.key = 0
}

// Len is the number of valid entries (for tests and statistics).
func (t *TLB) Len() int {
	n := 0
	for i := range t.ents {
		if t.ents[i].key != 0 {
			n++
		}
	}
	return n
}

// Scope says which entries an Invalidation removes.
type Scope uint8

const (
	ScopeAll      Scope = iota // VMALLE1: every entry
	ScopeASID                  // ASIDE1: non-global entries of ASID
	ScopeVA                    // VAE1, VALE1: entries for VA, global or of ASID
	ScopeVAAll                 // VAAE1, VAALE1: entries for VA, any ASID
	ScopeRange                 // RVAE1, RVALE1: entries in [VA, VA+Size), global or of ASID
	ScopeRangeAll              // RVAAE1, RVAALE1: entries in [VA, VA+Size), any ASID
)

// Invalidation is a decoded TLBI: apply it to this CPU's TLB, or to every
// CPU's when Broadcast (the Inner Shareable forms).
type Invalidation struct {
	Scope     Scope
	VA        uint64 // a VA in the TLB's key form (top bits copies of bit 55)
	Size      uint64 // bytes, for the range scopes
	ASID      uint16
	Broadcast bool
}

// Flush removes every entry.
func (t *TLB) Flush() { t.Apply(Invalidation{Scope: ScopeAll}) }

// Apply removes the entries inv names and advances Gen.
//
// We choose: the last-level-only forms (VALE1, VAALE1, RVALE1, RVAALE1)
// remove what their plain forms remove, as this TLB caches leaves only and
// removing more than asked is always allowed. An invalidation by VA removes
// a block's fragments anywhere in the block: the VA's one slot when no block
// is cached, else a scan.
func (t *TLB) Apply(inv Invalidation) {
	t.gen++
	t.stats.Invalidations++
	switch inv.Scope {
	case ScopeAll:
		for i := range t.ents {
			t.ents[i].key = 0
		}
		t.blocks = 0
	case ScopeASID:
		for i := range t.ents {
			e := &t.ents[i]
			if e.key != 0 && !e.res.Global && e.asid == inv.ASID {
				t.drop(e)
			}
		}
	case ScopeVA, ScopeVAAll:
		anyASID := inv.Scope == ScopeVAAll
		if t.blocks == 0 {
			key := inv.VA&^pageMask | 1
			if e := &t.ents[t.index(key)]; e.key == key && t.asidMatch(e, inv.ASID, anyASID) {
				t.drop(e)
			}
			return
		}
		t.dropRange(inv.VA&^pageMask, pageMask+1, inv.ASID, anyASID)
	case ScopeRange, ScopeRangeAll:
		t.dropRange(inv.VA&^pageMask, inv.Size, inv.ASID, inv.Scope == ScopeRangeAll)
	}
}

func (t *TLB) asidMatch(e *entry, asid uint16, anyASID bool) bool {
	return anyASID || e.res.Global || e.asid == asid
}

// dropRange removes the entries whose mapping (the whole block for block
// fragments) overlaps [lo, lo+size).
func (t *TLB) dropRange(lo, size uint64, asid uint16, anyASID bool) {
	if size == 0 {
		return
	}
	last := lo + size - 1
	if last < lo {
		last = ^uint64(0)
	}
	for i := range t.ents {
		e := &t.ents[i]
		if e.key == 0 || !t.asidMatch(e, asid, anyASID) {
			continue
		}
		m := uint64(1)<<e.res.Shift - 1
		start := e.key &^ m
		if start <= last && lo <= start+m {
			t.drop(e)
		}
	}
}
