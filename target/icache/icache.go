package icache

import (
	"encoding/binary"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
)

// Page geometry.
const (
	PageShift = 12
	PageSize  = 1 << PageShift
	Slots     = PageSize / 4 // instruction slots per page
)

// Page is one decoded page. A zero slot (isa.OpUndecoded) is decoded on
// first execution. The slot after the last one (Insts[Slots]) stays zero
// (or a trap): the fast loop falls into it when the PC leaves the page,
// instead of checking the slot index before every instruction.
type Page struct {
	Insts   [Slots + 1]isa.Inst
	BP      bool   // the machine's: a debugger breakpoint lies in this page
	Version uint64 // bumped when decoded slots are forgotten (copies of the page follow it)
}

// Trap makes slot i of a copy an isa.OpStepTrap (the fast loop stops in
// front of it); a fused SUBS before it must not run the B.cond it replaces.
func (p *Page) Trap(i int) {
	p.Insts[i&(Slots-1)] = isa.Inst{Op: isa.OpStepTrap}
	if i > 0 {
		p.Insts[(i-1)&(Slots-1)] = isa.Unfused(p.Insts[(i-1)&(Slots-1)])
	}
}

// NewTrapPage returns a page whose every slot is a trap: a single step
// copies its one instruction into it.
func NewTrapPage() *Page {
	p := new(Page)
	for i := range p.Insts {
		p.Insts[i].Op = isa.OpStepTrap
	}
	return p
}

// Cache holds the decoded pages of one RAM.
type Cache struct {
	pages []*Page
	flags []uint8 // the machine's page flags (len >= len(pages))
	bit   uint8   // the flag bit that says "decoded code here"
}

// New makes a cache for pages RAM pages; it marks held pages with bit in
// flags (see the package comment).
func New(pages int, flags []uint8, bit uint8) *Cache {
	return &Cache{pages: make([]*Page, pages), flags: flags, bit: bit}
}

// Page returns the decoded page for RAM page index pi, creating it empty;
// fresh reports that it was (re)created, so the caller sets Page.BP.
func (c *Cache) Page(pi uint64) (p *Page, fresh bool) {
	p = c.pages[pi]
	if p == nil {
		p = new(Page)
		c.pages[pi] = p
	}
	if c.flags[pi]&c.bit == 0 {
		c.flags[pi] |= c.bit
		p.Insts = [Slots + 1]isa.Inst{}
		p.Version++
		return p, true
	}
	return p, false
}

// Held returns the decoded page for RAM page index pi if the cache holds
// one, else nil; it never creates or clears a page.
func (c *Cache) Held(pi uint64) *Page {
	if c.flags[pi]&c.bit == 0 {
		return nil
	}
	return c.pages[pi]
}

// Pages is every page ever created, by RAM page index (nil where none).
func (c *Cache) Pages() []*Page { return c.pages }

// Invalidate forgets decoded instructions overlapping RAM bytes
// [off, off+n): the slots holding them, and a fused SUBS whose B.cond is one.
func (c *Cache) Invalidate(off, n uint64) {
	if n == 0 {
		return
	}
	for o := off &^ 3; o < off+n; o += 4 {
		pi := o >> PageShift
		if c.flags[pi]&c.bit == 0 {
			o = (pi+1)<<PageShift - 4
			continue
		}
		p := c.pages[pi]
		s := o >> 2 & (Slots - 1)
		if in := &p.Insts[s]; in.Op != isa.OpUndecoded {
			in.Op = isa.OpUndecoded
			p.Version++
		}
		if in := &p.Insts[(s-1)&(Slots-1)]; s > 0 && in.Op == isa.OpSUBSBcond {
			in.Op = isa.OpUndecoded // it embeds the B.cond at o
			p.Version++
		}
	}
}

// Decode decodes the instruction at pc, which is RAM byte off, for its page
// slot, fusing a SUBS with the B.cond after it in the same page
// (isa.DecodePair); Invalidate forgets the SUBS when the B.cond's word
// changes.
func Decode(ram []byte, off, pc uint64) isa.Inst {
	last := pc&(PageSize-1) == PageSize-4
	var next uint32
	if !last {
		next = binary.LittleEndian.Uint32(ram[off+4:])
	}
	return isa.DecodePair(binary.LittleEndian.Uint32(ram[off:]), next, !last, pc)
}
