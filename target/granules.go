package target

import "github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"

// The granule filter of watchpoints (gdb's and the guest's own), and the
// one owner of the watched ranges it and the page flags are built from
// (watchSource).
//
// A page that watchpoints (gdb's or the guest's own) overlap only in part
// keeps two bitmaps of its 8-byte granules: those a read may match and
// those a write may match. The fast loop's 4- and 8-byte aligned loads and
// stores (one granule each) on such a page go on at full speed when their
// granule's bit is clear; only a possible match goes to the full check
// (access: watchHit, guestWatch). LDP/STP and the exclusives on such a page
// take the full check too: a filtered pair in inner cost the unarmed loop
// 16% (28.5 → 33.2 host instructions per guest instruction: the compiler
// spilled inner's registers), more than pairs on watched pages gain.
// A page covered whole has no bitmaps and takes the full check for every
// access, as before. The bitmaps, like the watch page flags, are rebuilt
// from the watched ranges on every change to the external bank and
// whenever any CPU's debug-register generation changes. With the
// MMU on, pages a watchpoint's VA may hit never enter the micro-TLBs
// (memory.go), so the filter only ever sees physical pages no watchpoint
// can match through the VA being accessed.

// pfGranules says the page has an entry in Machine.granules (pageFlags);
// the flags' top bits (from granuleSlotShift) are its index there.
const (
	pfGranules       uint8 = 1 << 4
	granuleSlotShift       = 5
	granuleSlots     uint8 = (maxGranulePages - 1) << granuleSlotShift
)

// maxGranulePages bounds the pages with bitmaps; the others are checked whole.
const maxGranulePages = 8

// granuleFilterOff checks every access to a watched page in full (tests compare both).
var granuleFilterOff = false

// granulePage is one page's bitmaps: bit i of word i/64 covers bytes [8i, 8i+8).
type granulePage struct {
	page        uint64 // RAM page index
	read, write [pageSize / 8 / 64]uint64
}

// granules is the machine's set of granule bitmaps.
type granules struct {
	n        int
	overflow bool // more pages than maxGranulePages: none is filtered
	pages    [maxGranulePages]granulePage
}

// watched reports whether the granule of RAM offset off, in a page whose
// flags f have pfGranules, may match a read (write false) or a write.
func (g *granules) watched(off uint64, f uint8, write bool) bool {
	p := &g.pages[f>>granuleSlotShift&(maxGranulePages-1)]
	bit := off & (pageSize - 1) >> 3
	bits := &p.read
	if write {
		bits = &p.write
	}
	return bits[bit>>6]>>(bit&63)&1 != 0
}

// watchSource is one owner's watched ranges: gdb's bank (Machine.ext) or every CPU's debug Unit, as
// debugregs describes them (WatchRanges), with the RAM pages its flag bit marks. Page flags, granule
// bitmaps and the MMU's per-VA check (vaWatched) are all built from these ranges and nothing else.
type watchSource struct {
	bit    uint8                  // pfExtWatch or pfGuestWatch
	ranges []debugregs.WatchRange // what the owner may match
	pages  []uint64               // RAM pages carrying bit
}

// setRanges replaces s's ranges with those ranges yields.
func (s *watchSource) setRanges(ranges func(func(debugregs.WatchRange) bool)) {
	s.ranges = s.ranges[:0]
	for r := range ranges {
		s.ranges = append(s.ranges, r)
	}
}

// watchRangesChanged rebuilds what derives from s's ranges: its page flags (pfWatch with s.bit), then
// the granule bitmaps and the micro-TLBs, which follow both sources.
func (m *Machine) watchRangesChanged(s *watchSource) {
	for _, pi := range s.pages {
		f := m.pageFlags[pi] &^ s.bit
		if f&(pfExtWatch|pfGuestWatch) == 0 {
			f &^= pfWatch
		}
		m.pageFlags[pi] = f
	}
	s.pages = s.pages[:0]
	top := RAMBase + m.ramSize - 1
	for _, r := range s.ranges {
		if r.Last < RAMBase || r.Lo > top {
			continue
		}
		first := (max(r.Lo, RAMBase) - RAMBase) >> pageShift
		last := (min(r.Last, top) - RAMBase) >> pageShift
		for pi := first; pi <= last; pi++ {
			if m.pageFlags[pi]&s.bit == 0 {
				m.pageFlags[pi] |= s.bit | pfWatch
				s.pages = append(s.pages, pi)
			}
		}
	}
	m.rebuildGranules()
	m.flushAllMicros() // a page watched by VA must leave the micro-TLBs (memory.go)
}

// watchKindOf is the gdb watch kind of a comparator's LSC.
func watchKindOf(lsc debugregs.LSC) WatchKind {
	switch lsc {
	case debugregs.LSCLoad:
		return WatchRead
	case debugregs.LSCStore:
		return WatchWrite
	}
	return WatchAccess
}

// rebuildGranules recomputes the bitmaps from gdb's watchpoints (their kinds) and every CPU's guest
// watchpoints (read and write alike, a superset of what the architectural check can match under any
// EL, MDSCR or PSTATE).
func (m *Machine) rebuildGranules() {
	g := &m.granules
	for i := 0; i < g.n; i++ {
		m.pageFlags[g.pages[i].page] &^= pfGranules | granuleSlots
	}
	g.n, g.overflow = 0, false
	for _, r := range m.extWatch.ranges {
		m.granuleRegion(r.Lo, r.Last, watchKindOf(r.LSC))
	}
	for _, r := range m.guestWatch.ranges {
		m.granuleRegion(r.Lo, r.Last, WatchAccess)
	}
	if g.overflow || granuleFilterOff {
		g.n = 0
	}
	for i := 0; i < g.n; i++ {
		m.pageFlags[g.pages[i].page] |= pfGranules | uint8(i)<<granuleSlotShift
	}
}

// granuleRegion marks the bytes [start, end] for kind on the pages it covers in part.
func (m *Machine) granuleRegion(start, end uint64, kind WatchKind) {
	for _, a := range [2]uint64{start &^ (pageSize - 1), end &^ (pageSize - 1)} {
		off, ok := m.ramRange(a, pageSize)
		if !ok || start <= a && end >= a+pageSize-1 {
			continue // not RAM, or covered whole
		}
		m.markGranules(off>>pageShift, max(start, a)-a, min(end, a+pageSize-1)-a, kind)
	}
}

// markGranules sets the bits of bytes [lo, hi] of RAM page pi for a watch of kind.
func (m *Machine) markGranules(pi, lo, hi uint64, kind WatchKind) {
	g := &m.granules
	var p *granulePage
	for i := 0; i < g.n && p == nil; i++ {
		if g.pages[i].page == pi {
			p = &g.pages[i]
		}
	}
	if p == nil {
		if g.n == maxGranulePages {
			g.overflow = true
			return
		}
		g.pages[g.n] = granulePage{page: pi}
		p = &g.pages[g.n]
		g.n++
	}
	for b := lo >> 3; b <= hi>>3; b++ {
		if kind != WatchWrite {
			p.read[b>>6] |= 1 << (b & 63)
		}
		if kind != WatchRead {
			p.write[b>>6] |= 1 << (b & 63)
		}
	}
}
