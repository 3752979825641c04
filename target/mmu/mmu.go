package mmu

// MMU is one CPU's stage-1 translation: its decoded context, its TLB and the
// machine's physical memory for walks.
type MMU struct {
	ctx Context
	cfg Config
	tlb *TLB
	mem Memory
}

// New returns the MMU of one CPU with the features cfg, walking mem, with a
// TLB of tlbEntries (0: DefaultTLBEntries). The registers start at zero
// (MMU off); call SetRegs with the reset values.
func New(cfg Config, mem Memory, tlbEntries int) *MMU {
	m := &MMU{cfg: cfg, tlb: NewTLB(tlbEntries), mem: mem}
	m.ctx.Load(cfg, Regs{})
	return m
}

// Context returns the decoded translation context.
func (m *MMU) Context() *Context { return &m.ctx }

// TLB returns the CPU's TLB.
func (m *MMU) TLB() *TLB { return m.tlb }

// SetRegs installs new register values; call it after every write to
// SCTLR_EL1, TCR_EL1, TTBR0_EL1, TTBR1_EL1 or MAIR_EL1 (the value MRS would
// read back, at once: these writes need no context synchronization in this
// model). It always advances the TLB's Gen.
//
// A change to TTBR0/TTBR1 alone (a new table base or ASID) keeps the TLB:
// entries are tagged with their ASID, and entries of the same ASID from an
// older table may be used until a TLBI, as the architecture permits (and
// Linux expects). Any change to SCTLR_EL1, TCR_EL1 or MAIR_EL1 flushes the
// TLB: we choose to invalidate, which is always permitted, rather than keep
// entries computed under other attributes, permissions (WXN), TBI or ASID
// size.
func (m *MMU) SetRegs(r Regs) {
	old := m.ctx.regs
	m.ctx.Load(m.cfg, r)
	if old.SCTLR != r.SCTLR || old.TCR != r.TCR || old.MAIR != r.MAIR {
		m.tlb.Flush()
		return
	}
	m.tlb.Bump()
}

// Translate translates va for the access acc: with the MMU off VA = PA;
// else the TLB, and on a miss a walk whose result is cached (faults are not
// cached), then the permission check. No allocation.
//
// Alignment is the caller's: an unaligned data access faults (FSCAlignment)
// when Result.Device or Context.StrictAlign, after a successful translation
// (alignment faults that depend on the memory type come after permission
// faults).
func (m *MMU) Translate(va uint64, acc Access) (Result, Fault) {
	// The TLB hit, apart from the walk path (whose Result goes through memory).
	if c := &m.ctx; c.on {
		if e := m.tlb.lookup(c.key(va), c.asid); e != nil && e.res.Perm.Allows(acc) {
			r := &e.res
			return Result{PA: r.PA | va&pageMask, Shift: r.Shift, Attr: r.Attr, SH: r.SH, Level: r.Level,
				Device: r.Device, Global: r.Global, Perm: r.Perm}, Fault{}
		}
	}
	return m.translate(va, acc, true)
}

// Probe translates va as Translate does but never fills the TLB: for the
// debugger's memory accesses. We choose: it uses a TLB entry if there is one,
// as the CPU would, and never adds one, so attaching gdb does not change what
// the guest later sees.
func (m *MMU) Probe(va uint64, acc Access) (Result, Fault) { return m.translate(va, acc, false) }

func (m *MMU) translate(va uint64, acc Access, fill bool) (Result, Fault) {
	c := &m.ctx
	if !c.on {
		return c.flat(va, acc)
	}
	key := c.key(va)
	var r Result
	if e := m.tlb.lookup(key, c.asid); e != nil {
		r = e.res
	} else {
		var f Fault
		r, f = c.walk(m.mem, va)
		if fill {
			m.tlb.stats.Walks++
			if !f.OK() {
				m.tlb.stats.Faults++
			}
		}
		if !f.OK() {
			return Result{}, f
		}
		if fill {
			m.tlb.insert(key, c.asid, r)
		}
	}
	if !r.Perm.Allows(acc) {
		return Result{}, Fault{Permission, r.Level}
	}
	r.PA |= va & pageMask
	return r, Fault{}
}

// Walk translates va from the tables alone (no TLB, no permission check).
func (m *MMU) Walk(va uint64) (Result, Fault) {
	if !m.ctx.on {
		return m.ctx.flat(va, Read)
	}
	r, f := m.ctx.walk(m.mem, va)
	if f.OK() {
		r.PA |= va & pageMask
	}
	return r, f
}

// Refill translates va for acc as Translate does and, on success, loads the
// translation into mi for generation Gen: the executor's path when its Micro
// misses. It returns the fault, if any (mi is then unchanged).
func (m *MMU) Refill(mi *Micro, va uint64, acc Access) Fault {
	if c := &m.ctx; c.on {
		if e := m.tlb.lookup(c.key(va), c.asid); e != nil && e.res.Perm.Allows(acc) {
			mi.fill(va, m.tlb.gen, &e.res)
			return Fault{}
		}
	}
	r, f := m.translate(va, acc, true)
	if f.OK() {
		mi.fill(va, m.tlb.gen, &r)
	}
	return f
}
