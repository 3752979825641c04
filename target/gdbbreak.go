package target

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"

// gdb's breakpoints without single-stepping their page.
//
// A page holding a debugger breakpoint (Page.BP: a software breakpoint or
// an external-route hardware one, both matched by PC) runs a trapped copy:
// the decoded page with every breakpoint slot turned into isa.OpStepTrap.
// inner runs the copy at full speed and stops in front of a breakpoint;
// run then checks it (stop, or step over it when it does not apply to this
// CPU or is the one being resumed from). The copy follows the page
// (Version), its VA and the machine's breakpoint set (bpGen). With the
// CPU's own debug checks armed, the page is still checked instruction by
// instruction (exec.go).

// gdbBreakCacheSize is how many trapped pages a CPU keeps.
const gdbBreakCacheSize = 4

// gdbBreakCopyOff runs every instruction of a breakpoint's page on its own
// (tests compare both).
var gdbBreakCopyOff = false

type gdbBreakCopy struct {
	page      *icache.Page // the page it was built from
	ver, base uint64       // page.Version and VA it was built for
	gen       uint64       // Machine.bpGen
	code      *icache.Page // the trapped copy (kept across rebuilds)
}

type gdbBreakCache struct {
	copies [gdbBreakCacheSize]gdbBreakCopy
	next   int
}

// gdbBreakCode returns the trapped copy of page (at VA base).
func (c *CPU) gdbBreakCode(page *icache.Page, base uint64) *icache.Page {
	m := c.m
	bc := &c.gdbBreak
	var e *gdbBreakCopy
	for i := range bc.copies {
		if x := &bc.copies[i]; x.page == page {
			if x.ver == page.Version && x.base == base && x.gen == m.bpGen {
				return x.code
			}
			e = x
			break
		}
	}
	if e == nil {
		e = &bc.copies[bc.next%gdbBreakCacheSize]
		bc.next++
	}
	if e.code == nil {
		e.code = new(icache.Page)
	}
	e.page, e.ver, e.base, e.gen = page, page.Version, base, m.bpGen
	e.code.Insts = page.Insts
	for a := range m.swBP {
		if a&^(pageSize-1) == base && a&3 == 0 {
			e.code.Trap(int(a-base) >> 2)
		}
	}
	return e.code
}
