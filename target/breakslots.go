package target

import (
	"encoding/binary"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
)

// Guest breakpoints without a per-instruction check.
//
// When only breakpoints are armed (no software step, no open sync window,
// PSTATE.SS clear), CheckInstruction can report an event only at a PC where
// the Unit's live comparators match (Unit.BreakpointMatch at the current EL).
// Those are few. For a page where a breakpoint may hit, each CPU keeps a copy
// of the decoded page ("trapped copy") whose candidate slots, and enough
// stride slots, are isa.OpStepTrap; inner runs the copy at full speed and
// stops in front of them; run takes those instructions through debugStep.
//
// Slices end where checking every instruction ended them: inner gets the
// limit budget-breakStride and checks it after every taken branch. No
// breakStride consecutive slots are free of both traps and unconditional
// branches (always taken, so always a limit check), so inner never runs
// more than breakStride instructions between two checks and stops before
// the budget; the last breakStride instructions of a slice are checked one
// by one as before. Where a window needs a stride trap, it goes at the
// window's last slot that follows a branch (a loop's exit, code after a
// return), so a hot loop seldom holds one.
//
// The copy is rebuilt when the Unit's generation, the EL or the page's
// version (bumped when decoded slots are forgotten) changes.

const (
	// maxBreakSlots bounds the candidate slots of one page; a page with more
	// is single-checked as before.
	maxBreakSlots = 16
	// breakStride: every breakStride consecutive slots hold a trap or an
	// unconditional branch.
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
	traps [instsPage / 64]uint64 // the copy's trap slots (candidates and stride traps)
	code  *icache.Page           // the trapped copy (kept across rebuilds)
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
	return l.traps[i/64&(instsPage/64-1)]>>(i%64)&1 != 0
}

func (l *breakSlotList) trap(i int) {
	l.traps[i/64] |= 1 << (i % 64)
	l.code.Trap(i)
}

// placeStrideTraps adds the stride traps to the copy (of the page at base,
// whose slot i holds inst(i)); its candidate slots are already traps. In a window that needs one, the
// trap goes at the last slot outside the page's loops (a backward branch's
// range), preferring one after a branch.
func (l *breakSlotList) placeStrideTraps(base uint64, inst func(i int) isa.Inst) {
	var loops [instsPage + 1]int16 // +1 where a loop's range starts, -1 after it ends
	var ops [instsPage]isa.Op
	for j := range ops {
		in := inst(j)
		ops[j] = in.Op
		tgt := in.Imm
		switch {
		case in.Op == isa.OpSUBSBcond:
			tgt = in.Imm2
		case !isa.IsBranch(in.Op) || in.Op == isa.OpBR || in.Op == isa.OpBLR || in.Op == isa.OpRET:
			continue
		}
		if t := (tgt - base) >> 2; t <= uint64(j) {
			loops[t]++
			loops[j+1]--
		}
	}
	var inLoop [instsPage]bool
	for i, depth := 0, int16(0); i < instsPage; i++ {
		depth += loops[i]
		inLoop[i] = depth > 0
	}
	last := -1 // the last stopper
	for i := 0; i < instsPage; i++ {
		if l.stops(uint64(i)) || isa.AlwaysBranches(ops[i]) {
			last = i
			continue
		}
		if i-last < breakStride {
			continue
		}
		// The window is last+1..i: its last slot outside a loop right after a
		// branch, else its last slot outside a loop, else i.
		pick, outside := i, -1
		for k := i; k > last; k-- {
			if inLoop[k] {
				continue
			}
			if k > 0 && isa.IsBranch(ops[k-1]) {
				outside = k
				break
			}
			if outside < 0 {
				outside = k
			}
		}
		if outside >= 0 {
			pick = outside
		}
		l.trap(pick)
		last, i = pick, pick // the slots after the new trap start a new window
	}
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
	l.traps = [instsPage / 64]uint64{}
	for _, s := range l.slots[:l.n] {
		l.trap(int(s))
	}
	words := c.m.ram[c.mm.codeOff : c.mm.codeOff+pageSize]
	l.placeStrideTraps(base, func(i int) isa.Inst {
		if in := page.Insts[i]; in.Op != isa.OpUndecoded {
			return in
		}
		// Not decoded yet: look without storing (decoding a slot early would
		// move the interrupt check point run makes at a first decode).
		return isa.Decode(binary.LittleEndian.Uint32(words[i<<2:]), base+uint64(i)<<2)
	})
	return l
}
