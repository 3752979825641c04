package target

import (
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/mmu"
)

// run executes up to budget instructions of this CPU (fewer if it stops,
// waits, powers off, or the machine needs attention). The outer loop takes
// pending interrupts, translates the PC and finds its decoded page
// (icache), checks breakpoints, and executes on the general path (general,
// execGeneral) the instructions the call-free inner loop hands back.
func (c *CPU) run(budget int) { c.runFrom(0, budget) }

// runFrom is run for a turn whose first start instructions have already
// run (the parallel phase, parallel.go), not yet counted in c.executed.
func (c *CPU) runFrom(start, budget int) {
	m := c.m
	c.n = start
	// The page of the last fetch: while the PC stays on it at the same EL
	// and the TLB's generation (bumped by every TLBI and translation
	// register write) stands, the translation and the decoded page stand.
	var lastBase, lastPA, lastGen uint64
	lastEL := uint8(0xff)
	var lastPage *icache.Page
	for c.n < budget && !c.stopped {
		// The interrupt check point: between page runs and after every
		// instruction of the general path (MSR DAIFClr, MMIO writes, ERET
		// come back here), one load and a predictable branch.
		if c.Pending != 0 && c.takeInterrupt() {
			continue
		}
		if c.mm.on {
			if c.EL != c.mm.el {
				c.switchMicros() // the data micro-TLBs hold one EL's permissions
			}
			c.PC = c.mm.mmu.Context().BranchAddr(c.PC) // a branch to a tagged address (TBI) drops the tag
		}
		pc := c.PC
		c.sliceN = uint64(c.n)
		base := pc &^ (pageSize - 1)
		page := lastPage
		if gen := c.mm.mmu.TLB().Gen(); base != lastBase || c.EL != lastEL || gen != lastGen || c.IL || pc&3 != 0 {
			var pa uint64
			if e := c.recentCode(base, gen); e != nil && !c.IL && pc&3 == 0 {
				page, pa = e.page, e.pa // a recent page: fetchOK and codePage would find the same
			} else {
				var ok bool
				if pa, ok = c.fetchOK(pc); !ok {
					c.n++
					lastEL = 0xff
					continue
				}
				page = m.codePage(pa, pc) // decoded code is keyed by physical page
				*c.codePages.of(base) = codeEntry{base: base, pa: pa &^ (pageSize - 1), gen: gen, codeGen: m.codeGen, el: c.EL, page: page}
			}
			lastBase, lastPA, lastGen, lastEL, lastPage = base, pa&^(pageSize-1), gen, c.EL, page
		}
		c.mm.codeOff = lastPA - RAMBase
		limit := budget
		code := page // what inner runs
		if page.BP {
			switch {
			case m.swBP[pc] > 0:
				if (m.soft[pc] || !m.extOff[c.index]) && !(c.skipBPOn && c.n == 0) {
					c.setStop(Stop{Kind: StopBreakpoint, CPU: c.index, Addr: pc})
					break
				}
				limit = c.n + 1 // not for this CPU, or resuming from it: step over
			case c.dbg.NeedsInstructionCheck() || gdbBreakCopyOff:
				limit = c.n + 1
			default:
				code = c.gdbBreakCode(page, base) // stops in front of the breakpoints (gdbbreak.go)
			}
			if c.stopped {
				break
			}
		}
		if c.dbg.NeedsInstructionCheck() && c.debugStepWanted(pc) {
			l := c.breakSlots(page, base)
			switch {
			case l != nil && !page.BP && !l.candidate(pc>>2&(instsPage-1)) &&
				(budget-c.n <= breakStride || l.stops(pc>>2&(instsPage-1))):
				// The slice's end, or a stride trap, at a PC no guest
				// breakpoint matches: one plain instruction
				// (CheckInstruction would report nothing).
				limit = c.n + 1
			case l == nil || page.BP || budget-c.n <= breakStride || l.stops(pc>>2&(instsPage-1)):
				// Software step, a sync window, a PC a guest breakpoint may
				// hit, or the slice's end: one checked instruction (debugwire.go).
				if c.debugStep(page) {
					c.executed += uint64(c.n)
					c.sliceN = 0
					return
				}
				continue
			default:
				// Only breakpoints, elsewhere on the page: run the trapped copy (breakslots.go).
				code, limit = l.code, budget-breakStride
			}
		}
		var slow bool
		switch {
		case limit-c.n == 1:
			slow = c.stepOne(page, base, limit)
		case code.Insts[c.PC>>2&(instsPage-1)].Op == isa.OpUndef:
			slow = true // an FP/SIMD word (fpsimd.go): inner would hand it back at once
		default:
			if slow = c.inner(code, base, limit); c.pageVA != base {
				continue // it went on in another page: the PC is there
			}
		}
		if !slow {
			continue // left the page or reached the limit
		}
		// The instruction at c.PC needs the general path.
		slot := c.PC >> 2 & (instsPage - 1)
		in := &page.Insts[slot]
		if in.Op == isa.OpUndecoded {
			*in = c.decodeAt(c.PC)
			continue
		}
		if code.Insts[slot].Op == isa.OpUndecoded {
			code.Insts[slot] = *in // the trapped copy lags the page
			if code.Insts[(slot+1)&(instsPage-1)].Op == isa.OpStepTrap {
				code.Insts[slot] = isa.Unfused(*in)
			}
			continue
		}
		if c.general(in) {
			break
		}
	}
	c.executed += uint64(c.n)
	c.sliceN = 0
}

// codeSet is run's recent code pages, direct-mapped by VA page: where the
// page's fetches went (at that EL and TLB generation, so with the same
// permissions) and the decoded page codePage gave for it.
type codeSet [64]codeEntry

type codeEntry struct {
	base, pa, gen uint64 // VA page, physical page, the TLB's Gen
	codeGen       uint64 // Machine.codeGen
	el            uint8
	page          *icache.Page
}

// of returns the entry for VA page base.
func (s *codeSet) of(base uint64) *codeEntry { return &s[base>>pageShift&(uint64(len(s))-1)] }

// recentCode is the CPU's recent entry for VA page base if fetchOK and
// codePage would give its page now (TLB generation gen), else nil.
func (c *CPU) recentCode(base, gen uint64) *codeEntry {
	if e := c.codePages.of(base); e.base == base && e.el == c.EL && e.gen == gen && e.codeGen == c.m.codeGen && e.page != nil {
		return e
	}
	return nil
}

// general runs the instruction at c.PC (in) on the general path and counts
// it; endSlice reports that the CPU's turn ends (WFI, PSCI, a stop).
func (c *CPU) general(in *isa.Inst) (endSlice bool) {
	c.n++
	c.sliceN = uint64(c.n)
	switch c.execGeneral(in) {
	case slowFault:
		if c.onFault(c.PC, c.n) {
			c.n-- // a stop before the instruction: it did not execute
			return true
		}
	case slowEndSlice:
		return true
	case slowStop:
		c.n--
	}
	return false
}

// stepOne runs exactly one instruction (or hands it to the general path):
// the instruction is copied into the machine's trap page, whose every other
// slot stops the inner loop.
func (c *CPU) stepOne(page *icache.Page, base uint64, limit int) bool {
	i := (c.PC - base) >> 2
	in := &page.Insts[i]
	if in.Op == isa.OpUndecoded {
		*in = c.decodeAt(c.PC)
	}
	tp := c.m.trapPage
	tp.Insts[i] = isa.Unfused(*in)
	slow := c.inner(tp, base, limit)
	tp.Insts[i] = isa.Inst{Op: isa.OpStepTrap}
	return slow
}

// fetchOK checks the new page at pc: PSTATE.IL, PC alignment, and that pc
// translates to RAM (the decode cache is keyed by RAM page: code runs from
// RAM only); it returns the physical address. On a fault it takes the
// exception and returns false.
func (c *CPU) fetchOK(pc uint64) (pa uint64, ok bool) {
	switch {
	case c.IL:
		c.takeException(cpu.ECIllegal, 0, pc, 0, false)
		return 0, false
	case pc&3 != 0:
		c.takeException(cpu.ECPCAlign, 0, pc, pc, true)
		return 0, false
	}
	pa = pc
	fsc := uint32(cpu.FSCExternal)
	if c.mm.on {
		if pa, ok = c.fetchMicro(pc); !ok {
			if f := c.mm.mmu.Refill(c.mm.fetch.of(pc), pc, c.fetchAccess()); !f.OK() {
				fsc, pa = f.FSC(), 0
			} else {
				pa, _ = c.fetchMicro(pc)
			}
		}
	}
	if pa-RAMBase >= c.m.ramSize {
		ec := uint32(cpu.ECInsnAbort)
		if c.EL == 0 {
			ec = cpu.ECInsnAbortLo
		}
		c.takeException(ec, fsc, pc, pc, true)
		return 0, false
	}
	return pa, true
}

// fetchAccess is an instruction fetch's access at the current EL.
func (c *CPU) fetchAccess() mmu.Access {
	if c.EL == 0 {
		return mmu.Fetch | mmu.EL0
	}
	return mmu.Fetch
}

// fetchMicro translates pc through the fetch micro-TLBs only (MMU on).
func (c *CPU) fetchMicro(pc uint64) (pa uint64, ok bool) {
	return c.mm.fetch.of(pc).Lookup(pc, c.mm.mmu.TLB().Gen(), c.fetchAccess())
}

// decodeAt decodes the instruction at pc, in the page run is executing
// (its physical page: mmuState.codeOff), for its page slot.
func (c *CPU) decodeAt(pc uint64) isa.Inst {
	return icache.Decode(c.m.ram, c.mm.codeOff|pc&(pageSize-1), pc)
}
