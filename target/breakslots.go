package target

// Guest breakpoints without a per-instruction check.
//
// When only breakpoints are armed (no software step, no open sync window,
// PSTATE.SS clear), CheckInstruction can report an event only at a PC where
// the Unit's live comparators match (Unit.BreakpointMatch at the current EL).
// Those are few: breakSlots lists, per page, the slots where one may match,
// and run lets inner execute the rest of the page at full speed with those
// slots temporarily replaced by opStepTrap, so it stops in front of them and
// debugStep checks them one by one. The list is cached per CPU by page, EL
// and Unit generation (BreakpointMatch changes only with the generation).

// maxBreakSlots bounds the patched slots of one page; a page with more
// candidate slots is single-checked as before.
const maxBreakSlots = 16

// breakSlotsOff makes every instruction on a page a breakpoint may hit take
// the checked path (tests compare both).
var breakSlotsOff = false

// breakSlotCacheSize is how many pages' lists a CPU keeps.
const breakSlotCacheSize = 4

// breakSlotList is the candidate breakpoint slots of one page.
type breakSlotList struct {
	base  uint64 // page address
	gen   uint64 // Unit generation it was built for
	el    uint8
	valid bool
	n     int // number of slots; -1: more than maxBreakSlots
	slots [maxBreakSlots]uint16
}

// breakPatch is the state of a page whose candidate slots are patched.
type breakPatch struct {
	list  *breakSlotList
	saved [maxBreakSlots]inst
}

// has reports whether slot i is a candidate.
func (l *breakSlotList) has(i uint64) bool {
	for _, s := range l.slots[:l.n] {
		if uint64(s) == i {
			return true
		}
	}
	return false
}

// breakSlots returns the candidate slots of the page at base, or nil when
// every instruction there needs CheckInstruction. Call only when
// c.dbg.NeedsInstructionCheck().
func (c *CPU) breakSlots(base uint64) *breakSlotList {
	u := c.dbg
	if c.ss || u.CheckEveryInstruction() || u.InWindow() || breakSlotsOff {
		return nil
	}
	gen := u.Generation()
	bc := &c.dw.breakCache
	for i := range bc.lists {
		l := &bc.lists[i]
		if l.valid && l.base == base && l.gen == gen && l.el == c.el {
			if l.n < 0 {
				return nil
			}
			return l
		}
	}
	l := &bc.lists[bc.next%breakSlotCacheSize]
	bc.next++
	*l = breakSlotList{base: base, gen: gen, el: c.el, valid: true}
	for i := uint64(0); i < instsPage; i++ {
		if u.BreakpointMatch(base+i<<2, c.el) == 0 {
			continue
		}
		if l.n == maxBreakSlots {
			l.n = -1
			return nil
		}
		l.slots[l.n] = uint16(i)
		l.n++
	}
	return l
}

// breakSlotCache is a CPU's small cache of breakSlotList.
type breakSlotCache struct {
	lists [breakSlotCacheSize]breakSlotList
	next  int
}

// patch replaces the candidate slots of page with opStepTrap, saving them.
func (p *breakPatch) patch(page *codePage, l *breakSlotList) {
	p.list = l
	for k, s := range l.slots[:l.n] {
		p.saved[k] = page.insts[s&(instsPage-1)]
		page.insts[s&(instsPage-1)] = inst{op: opStepTrap}
	}
}

// restore puts the saved slots back. Nothing can change the page while it is
// patched: inner hands stores to code pages to the general path, after this.
func (p *breakPatch) restore(page *codePage) {
	l := p.list
	for k, s := range l.slots[:l.n] {
		page.insts[s&(instsPage-1)] = p.saved[k]
	}
	p.list = nil
}
