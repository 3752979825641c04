package target

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"

// Guest breakpoints without a per-instruction check.
//
// When only breakpoints are armed (no software step, no open sync window,
// PSTATE.SS clear), CheckInstruction can report an event only at a PC where
// the Unit's live comparators match (Unit.BreakpointMatch at the current EL).
// Those are few. For a page where a breakpoint may hit, each CPU keeps a copy
// of the decoded page ("trapped copy") whose candidate slots, and every
// breakStride-th slot, are isa.OpStepTrap; inner runs the copy at full speed and
// stops in front of them; run takes those instructions through debugStep.
//
// Slices end where checking every instruction ended them: inner gets the
// limit budget-breakStride, and since no breakStride consecutive slots are
// free of traps it never runs more than breakStride-1 instructions between
// two limit checks, so it stops before the budget; the last breakStride
// instructions of a slice are checked one by one as before.
//
// The copy is rebuilt when the Unit's generation, the EL or the page's
// version (bumped when decoded slots are forgotten) changes.

const (
	// maxBreakSlots bounds the candidate slots of one page; a page with more
	// is single-checked as before.
	maxBreakSlots = 16
	// breakStride: slots i with i%breakStride == breakStride-1 are traps too.
	breakStride = 32
	// breakSlotCacheSize is how many pages a CPU keeps trapped copies of.
	breakSlotCacheSize = 4
)

// breakSlotsOff makes every instruction on a page a breakpoint may hit take
// the checked path (tests compare both).
var breakSlotsOff = false

// breakSlotList is the candidate breakpoint slots of one page and its
// trapped copy.
type breakSlotList struct {
	page  *icache.Page // the page it was built from
	ver   uint64       // page.Version it was built from
	gen   uint64       // Unit generation
	el    uint8
	valid bool
	n     int // number of candidate slots; -1: more than maxBreakSlots
	slots [maxBreakSlots]uint16
	code  *icache.Page // the trapped copy (kept across rebuilds)
}

// breakSlotCache is a CPU's small cache of breakSlotList.
type breakSlotCache struct {
	lists [breakSlotCacheSize]breakSlotList
	next  int
}

// candidate reports whether a guest breakpoint may match slot i.
func (l *breakSlotList) candidate(i uint64) bool {
	for _, s := range l.slots[:l.n] {
		if uint64(s) == i {
			return true
		}
	}
	return false
}

// stops reports whether slot i is a trap in the copy.
func (l *breakSlotList) stops(i uint64) bool {
	return i%breakStride == breakStride-1 || l.candidate(i)
}

// breakSlots returns the list and trapped copy of page (at base), or nil
// when every instruction there needs CheckInstruction. Call only when
// c.dbg.NeedsInstructionCheck().
func (c *CPU) breakSlots(page *icache.Page, base uint64) *breakSlotList {
	u := c.dbg
	if c.SS || u.CheckEveryInstruction() || u.InWindow() || breakSlotsOff {
		return nil
	}
	gen := u.Generation()
	bc := &c.dw.breakCache
	var l *breakSlotList
	for i := range bc.lists {
		e := &bc.lists[i]
		if e.valid && e.page == page && e.gen == gen && e.el == c.EL {
			if e.n < 0 {
				return nil
			}
			if e.ver == page.Version {
				return e
			}
			l = e // same breakpoints, the page's code changed: rebuild the copy
			break
		}
	}
	if l == nil {
		l = &bc.lists[bc.next%breakSlotCacheSize]
		bc.next++
		*l = breakSlotList{page: page, gen: gen, el: c.EL, valid: true, code: l.code}
		for i := uint64(0); i < instsPage; i++ {
			if u.BreakpointMatch(base+i<<2, c.EL) == 0 {
				continue
			}
			if l.n == maxBreakSlots {
				l.n = -1
				return nil
			}
			l.slots[l.n] = uint16(i)
			l.n++
		}
	}
	if l.code == nil {
		l.code = new(icache.Page)
	}
	l.ver = page.Version
	l.code.Insts = page.Insts
	for i := breakStride - 1; i < instsPage; i += breakStride {
		l.code.Trap(i)
	}
	for _, s := range l.slots[:l.n] {
		l.code.Trap(int(s))
	}
	return l
}
