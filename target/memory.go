package target

import (
	"encoding/binary"
	"fmt"
	"unsafe"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/mmu"
)

// The one place guest memory accesses go through.
//
// Every checked access (the general path, debuggers aside) is access():
// alignment, then translate (virtual → physical, target/mmu, docs/mmu.md),
// then the physical map: RAM (with the watchpoint checks and the
// decoded-code invalidation) or a device on m.bus. Instruction fetch
// translates in fetchOK (exec.go), through its own mmu.Micro.
//
// The fast loop (inner.go) reaches RAM through two one-entry data
// micro-TLBs per CPU (mmuState.ld, .st): VAs [lo, lo+n) are RAM bytes
// [off, off+n), and the fast loop checks nothing else, so what they cover
// is clean: no page in a load entry carries pfWatch, no page in a store
// entry carries any flag (decoded code, a watchpoint). access() fills them
// with the page of its last successful RAM load or store when that page is
// clean, and keeps the last pages of each in a small set (mmuState.ldSet,
// .stSet) the fast loop swaps in on a miss without leaving (a kernel moves
// between its stack, its data and the task it runs). With SCTLR_EL1.M = 0
// and no watched RAM page, the load entry covers the whole RAM (VA = PA). A
// partly watched page (granules.go) enters neither: with the MMU off it is
// mmuState.gw, whose accesses the fast loop checks against the granule
// bitmaps. The entries are not tagged with the TLB's Gen: every event that
// may change what they say empties them instead (flushMicros, which also
// bumps the sets' generation): a write to a translation register, a TLBI
// applied to the CPU's TLB, an exception level change (seen by run before
// every page run), and any change to the watchpoints; a page that gets
// decoded code leaves every store entry (dropStoreMicros). A page some
// watchpoint covers (by VA) is never put in a micro-TLB.

// Memory access targets.
const (
	accFault  = iota
	accRAM    // off is the RAM offset
	accDevice // off is the physical address of a device on m.bus
	accSplit  // RAM, in two non-adjacent physical pages (CPU.split); off is the byte index in the access
)

// accAligned, or'd into an access kind for access(), makes an unaligned
// address an alignment fault whatever the memory type: exclusives,
// acquire/release and atomics (Armv8.0).
const accAligned mmu.Access = 0x80

// mmuState is a CPU's stage-1 translation state (CPU.mm).
type mmuState struct {
	mmu    *mmu.MMU
	on     bool  // SCTLR_EL1.M
	el     uint8 // the exception level ld and st were filled at
	ld, st dtlb  // the fast loop's data micro-TLBs (loads, stores)
	gw     dtlb  // a partly watched RAM page (MMU off): the fast loop checks its granules
	// ldSet, stSet: the pages ld and st held lately at each EL, valid while
	// their gen is microGen (flushMicros bumps it): the fast loop swaps one
	// in on a miss. An EL change only changes which (switchMicros).
	ldSet, stSet [2]microSet
	ldCur, stCur *microSet // the current EL's
	microGen     uint64
	fetch        fetchSet // run's instruction fetches (tagged with the TLB's Gen)
	codeOff      uint64   // RAM offset of the page run is executing (decodeAt)
}

// dtlb is a one-entry data micro-TLB of the fast loop: VAs [lo, lo+n) are
// the RAM bytes [off, off+n), accessible as its kind says at mmuState.el.
// A pair (16 bytes) at VA a fits when a-lo < n8 (n - 8; 0 when empty).
type dtlb struct{ lo, n, n8, off uint64 }

// fetchSet is the instruction fetch's micro-TLBs, direct-mapped by VA page
// number (code moves between a few pages: a caller's, a callee's, the
// vectors); each is tagged with the TLB's generation, so none needs a flush.
type fetchSet [16]mmu.Micro

// of returns the entry for VA va.
func (s *fetchSet) of(va uint64) *mmu.Micro { return &s[va>>pageShift&(uint64(len(s))-1)] }

// microSet is a direct-mapped set of one-page dtlbs, by VA page number.
type microSet [microSetSize]struct {
	dtlb
	gen uint64
}

const microSetSize = 64

// find returns the entry holding VA va at generation gen, or nil.
func (s *microSet) find(va, gen uint64) *dtlb {
	e := &s[va>>pageShift&(microSetSize-1)]
	if e.gen != gen || va-e.lo >= e.n {
		return nil
	}
	return &e.dtlb
}

// put records d (one page) at generation gen.
func (s *microSet) put(d dtlb, gen uint64) {
	e := &s[d.lo>>pageShift&(microSetSize-1)]
	e.dtlb, e.gen = d, gen
}

// split describes an accSplit access: n1 bytes at RAM offset off1, the
// rest at RAM offset off2.
type split struct{ off1, off2, n1 uint64 }

// ramWalker gives the table walker the machine's RAM.
type ramWalker struct{ m *Machine }

func (w ramWalker) ReadDescriptor(pa uint64) (uint64, bool) {
	off, ok := w.m.ramRange(pa, 8)
	if !ok {
		return 0, false // no memory answers: external abort on the walk
	}
	return binary.LittleEndian.Uint64(w.m.ram[off:]), true
}

// resetMMU gives the CPU a fresh MMU (empty TLB) for the reset values of
// its registers.
func (c *CPU) resetMMU() {
	c.mm = mmuState{mmu: mmu.New(mmu.ConfigFromMMFR0(cpu.MMFR0), ramWalker{c.m}, 0)}
	c.syncMMU()
}

// syncMMU installs the current SCTLR/TCR/TTBR0/TTBR1/MAIR_EL1 values (after
// any write to one of them, and at reset).
func (c *CPU) syncMMU() {
	c.mm.mmu.SetRegs(mmu.Regs{
		SCTLR: c.SR[cpu.IdxSCTLR],
		TCR:   c.SR[cpu.IdxTCR],
		TTBR0: c.SR[cpu.IdxTTBR0],
		TTBR1: c.SR[cpu.IdxTTBR1],
		MAIR:  c.SR[cpu.IdxMAIR],
	})
	c.mm.on = c.mm.mmu.Context().On()
	c.flushMicros()
}

// flushMicros empties the data micro-TLBs (with the MMU off and no
// watched RAM page, the load one covers the whole RAM) for the current
// exception level.
func (c *CPU) flushMicros() {
	c.mm.microGen++ // forget ldSet and stSet
	c.switchMicros()
	if c.mm.on || len(c.m.extWatch.pages)+len(c.m.guestWatch.pages) > 0 {
		return
	}
	n := c.m.ramSize
	c.mm.ld = dtlb{lo: RAMBase, n: n, n8: n - 8}
}

// switchMicros points the data micro-TLBs at the current EL (run calls it
// when the EL changed with the MMU on): they empty, and each EL's recent
// pages stay in its sets (their permissions are that EL's; everything else
// that could change them flushes).
func (c *CPU) switchMicros() {
	c.mm.el = c.EL
	c.mm.ld, c.mm.st, c.mm.gw = dtlb{}, dtlb{}, dtlb{}
	c.mm.ldCur, c.mm.stCur = &c.mm.ldSet[c.EL&1], &c.mm.stSet[c.EL&1]
}

// dropStoreMicros takes RAM page pi out of every CPU's store micro-TLBs:
// it has just got decoded code, which a store must invalidate.
func (m *Machine) dropStoreMicros(pi uint64) {
	off := pi << pageShift
	for _, c := range m.cpus {
		if off-c.mm.st.off < c.mm.st.n {
			c.mm.st = dtlb{}
		}
		for s := range c.mm.stSet {
			for i := range c.mm.stSet[s] {
				if e := &c.mm.stSet[s][i]; off-e.off < e.n {
					e.dtlb = dtlb{}
				}
			}
		}
	}
}

// flushAllMicros empties every CPU's data micro-TLBs (watchpoints changed).
func (m *Machine) flushAllMicros() {
	for _, c := range m.cpus {
		c.flushMicros()
	}
}

// applyTLBI applies a TLB invalidation from CPU c: to c's TLB, or to every
// CPU's for the broadcast (IS) forms. It runs on the machine goroutine.
func (c *CPU) applyTLBI(inv mmu.Invalidation) {
	for _, o := range c.m.cpus {
		if o == c || inv.Broadcast {
			o.mm.mmu.TLB().Apply(inv)
			o.flushMicros()
		}
	}
}

// translate maps a virtual address to a physical one for an access acc
// (mmu.Read, Write or Fetch, with mmu.EL0 for EL0 and LDTR/STTR
// permissions, mmu.CacheOp for maintenance by VA). With SCTLR_EL1.M = 0,
// VA = PA and data is Device memory.
func (c *CPU) translate(va uint64, acc mmu.Access) (mmu.Result, mmu.Fault) {
	if !c.mm.on {
		return mmu.Result{PA: va, Device: acc.Kind() != mmu.Fetch}, mmu.Fault{}
	}
	return c.mm.mmu.Translate(va, acc&^accAligned)
}

// access validates an access of size bytes at addr and says where it goes.
// acc is mmu.Read or mmu.Write (with mmu.CacheOp for maintenance by VA,
// accAligned for the accesses that must always be aligned); an address not
// aligned to align faults on Device memory, with SCTLR_EL1.A = 1, or with
// accAligned. On a fault or a watchpoint stop it records the reason and
// returns accFault.
func (c *CPU) access(addr, size, align uint64, acc mmu.Access) (kind int, off uint64) {
	m := c.m
	write := acc.Kind() == mmu.Write
	unaligned := addr&(align-1) != 0
	if unaligned && (!c.mm.on || acc&accAligned != 0 || c.mm.mmu.Context().StrictAlign()) {
		c.recordAbort(addr, cpu.FSCAlignment, acc)
		return accFault, 0
	}
	if c.EL == 0 || c.dw.unpriv {
		acc |= mmu.EL0
	}
	if !c.mm.on {
		pa := addr
		if o, ok := m.ramRange(pa, size); ok && size > 0 {
			first, last := o>>pageShift, (o+size-1)>>pageShift
			if (m.pageFlags[first]|m.pageFlags[last])&pfWatch != 0 && (m.watchHit(c, addr, size, write) || c.guestWatch(addr, size, write)) {
				return accFault, 0
			}
			if write && (m.pageFlags[first]|m.pageFlags[last])&pfCode != 0 {
				m.invalidateRange(o, size)
			}
			if acc&mmu.CacheOp == 0 && !c.dw.unpriv {
				c.refillMicro(addr, o, write)
			}
			return accRAM, o
		}
		if r, ok := m.bus.Lookup(pa); ok && size <= r.End()-pa {
			return accDevice, pa
		}
		c.recordAbort(addr, cpu.FSCExternal, acc)
		return accFault, 0
	}
	return c.accessMMU(addr, size, unaligned, acc)
}

// accessMMU is access with the MMU on: one translation per page touched
// (FAR is the VA of the part that faulted), watchpoints by VA, the data
// micro-TLB refill.
func (c *CPU) accessMMU(addr, size uint64, unaligned bool, acc mmu.Access) (kind int, off uint64) {
	m := c.m
	write := acc.Kind() == mmu.Write
	r, f := c.translate(addr, acc)
	if !f.OK() {
		c.recordAbort(addr, f.FSC(), acc)
		return accFault, 0
	}
	if unaligned && r.Device {
		c.recordAbort(addr, cpu.FSCAlignment, acc)
		return accFault, 0
	}
	pa, pa2 := r.PA, r.PA+size-1
	cross := size > 1 && (addr^(addr+size-1))>>pageShift != 0
	if cross {
		va2 := (addr + size - 1) &^ (pageSize - 1)
		r2, f2 := c.translate(va2, acc)
		if !f2.OK() {
			c.recordAbort(va2, f2.FSC(), acc)
			return accFault, 0
		}
		if r2.Device {
			c.recordAbort(addr, cpu.FSCAlignment, acc)
			return accFault, 0
		}
		pa2 = r2.PA + (addr+size-1)&(pageSize-1)
	}
	if len(m.extWatch.ranges)+len(m.guestWatch.ranges) > 0 && size > 0 &&
		(m.watchHit(c, addr, size, write) || c.guestWatch(addr, size, write)) {
		return accFault, 0
	}
	if cross && pa2-pa != size-1 { // two physical pages that are not adjacent
		n1 := pageSize - addr&(pageSize-1)
		o1, ok1 := m.ramRange(pa, n1)
		o2, ok2 := m.ramRange(pa2-(size-1-n1), size-n1)
		if !ok1 || !ok2 {
			c.recordAbort(addr, cpu.FSCExternal, acc) // we choose: no split device accesses
			return accFault, 0
		}
		if write {
			m.codeWritten(o1, n1)
			m.codeWritten(o2, size-n1)
		}
		c.split = split{o1, o2, n1}
		return accSplit, 0
	}
	if o, ok := m.ramRange(pa, size); ok && size > 0 {
		if write {
			m.codeWritten(o, size)
		}
		if acc&mmu.CacheOp == 0 && !c.dw.unpriv {
			c.refillMicro(addr, o, write)
		}
		return accRAM, o
	}
	if d, ok := m.bus.Lookup(pa); ok && size <= d.End()-pa {
		return accDevice, pa
	}
	c.recordAbort(addr, cpu.FSCExternal, acc)
	return accFault, 0
}

// codeWritten drops decoded instructions in RAM bytes [off, off+n) if any
// (the decode cache is keyed by physical page: a write through any mapping
// is seen).
func (m *Machine) codeWritten(off, n uint64) {
	if (m.pageFlags[off>>pageShift]|m.pageFlags[(off+n-1)>>pageShift])&pfCode != 0 {
		m.invalidateRange(off, n)
	}
}

// refillMicro loads the page of addr (RAM offset o), just accessed by a
// load or a store at the current EL, into the fast loop's micro-TLB if the
// page is clean for it (see above); a partly watched page becomes gw (MMU
// off). A page a watchpoint may match by VA (MMU on) enters none.
func (c *CPU) refillMicro(addr, o uint64, write bool) {
	if c.mm.on && c.EL != c.mm.el {
		return
	}
	lo := addr &^ (pageSize - 1)
	d := dtlb{lo: lo, n: pageSize, n8: pageSize - 8, off: o &^ (pageSize - 1)}
	f := c.m.pageFlags[o>>pageShift]
	switch {
	case c.mm.on && c.m.vaWatched(lo):
	case f&pfGranules != 0:
		if !c.mm.on {
			c.mm.gw = d
		}
	case write && f == 0:
		c.mm.st = d
		c.mm.stCur.put(d, c.mm.microGen)
	case !write && f&pfWatch == 0:
		c.mm.ld = d
		c.mm.ldCur.put(d, c.mm.microGen)
	}
}

// vaWatched reports whether a watchpoint (gdb's or any CPU's own) may
// match an access in the page at VA lo.
func (m *Machine) vaWatched(lo uint64) bool {
	hi := lo + pageSize - 1
	for _, s := range [2]*watchSource{&m.extWatch, &m.guestWatch} {
		for _, r := range s.ranges {
			if r.Lo <= hi && r.Last >= lo {
				return true
			}
		}
	}
	return false
}

// recordAbort records a failed data access: the fault status code fsc
// (with CM for cache maintenance, whose aborts also set WnR).
func (c *CPU) recordAbort(addr uint64, fsc uint32, acc mmu.Access) {
	write := acc.Kind() == mmu.Write
	if acc&mmu.CacheOp != 0 {
		fsc |= 1 << 8 // CM
		write = true
	}
	c.recordFault(addr, write, fsc)
}

func (c *CPU) recordFault(addr uint64, write bool, fsc uint32) {
	c.faultAddr, c.faultWrite, c.faultFSC = addr, write, fsc
}

// load and store move 1<<lg bytes at off, which access() returned with
// kind. A device that refuses the access gives an external abort at addr
// (ok=false).
func (c *CPU) load(kind int, addr, off uint64, lg uint8) (uint64, bool) {
	switch kind {
	case accRAM:
		return ramLoad(c.m.ram, off, lg), true
	case accSplit:
		var v uint64
		for i := uint64(0); i < 1<<lg; i++ {
			v |= uint64(c.m.ram[c.split.at(off+i)]) << (8 * i)
		}
		return v, true
	}
	v, ok := c.m.bus.Read(c.index, off, 1<<lg)
	if !ok {
		c.recordFault(addr, false, cpu.FSCExternal)
	}
	return v & isa.SizeMask(lg), ok
}

func (c *CPU) store(kind int, addr, off uint64, lg uint8, v uint64) bool {
	switch kind {
	case accRAM:
		ramStore(c.m.ram, off, lg, v)
		return true
	case accSplit:
		for i := uint64(0); i < 1<<lg; i++ {
			c.m.ram[c.split.at(off+i)] = byte(v >> (8 * i))
		}
		return true
	}
	ok := c.m.bus.Write(c.index, off, 1<<lg, v&isa.SizeMask(lg))
	if !ok {
		c.recordFault(addr, true, cpu.FSCExternal)
	}
	return ok
}

// readSlow is a single load of 1<<lg bytes with every check.
func (c *CPU) readSlow(addr uint64, lg uint8, unpriv bool) (uint64, bool) {
	size := uint64(1) << lg
	c.dw.unpriv = unpriv
	kind, off := c.access(addr, size, size, mmu.Read)
	c.dw.unpriv = false
	if kind == accFault {
		return 0, false
	}
	return c.load(kind, addr, off, lg)
}

// writeSlow is a single store of 1<<lg bytes with every check.
func (c *CPU) writeSlow(addr uint64, lg uint8, v uint64, unpriv bool) bool {
	size := uint64(1) << lg
	c.dw.unpriv = unpriv
	kind, off := c.access(addr, size, size, mmu.Write)
	c.dw.unpriv = false
	return kind != accFault && c.store(kind, addr, off, lg, v)
}

// at is the RAM offset of byte i of a split access.
func (s *split) at(i uint64) uint64 {
	if i < s.n1 {
		return s.off1 + i
	}
	return s.off2 + i - s.n1
}

func ramLoad(ram []byte, off uint64, lg uint8) uint64 {
	switch lg {
	case 0:
		return uint64(ram[off])
	case 1:
		return uint64(binary.LittleEndian.Uint16(ram[off:]))
	case 2:
		return uint64(binary.LittleEndian.Uint32(ram[off:]))
	}
	return binary.LittleEndian.Uint64(ram[off:])
}

func ramStore(ram []byte, off uint64, lg uint8, v uint64) {
	switch lg {
	case 0:
		ram[off] = byte(v)
	case 1:
		binary.LittleEndian.PutUint16(ram[off:], uint16(v))
	case 2:
		binary.LittleEndian.PutUint32(ram[off:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(ram[off:], v)
	}
}

// load64 and friends access guest RAM at byte offset off from mem (the
// start of Machine.ram) without a bounds check: callers have checked that
// off is below len(ram) and aligned to the size, and len(ram) is a multiple
// of the page size, so the whole access is inside RAM.
func load64(mem unsafe.Pointer, off uint64) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(mem, off))[:])
}

func store64(mem unsafe.Pointer, off, v uint64) {
	binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(mem, off))[:], v)
}

func load16(mem unsafe.Pointer, off uint64) uint16 {
	return binary.LittleEndian.Uint16((*[2]byte)(unsafe.Add(mem, off))[:])
}

func store16(mem unsafe.Pointer, off uint64, v uint16) {
	binary.LittleEndian.PutUint16((*[2]byte)(unsafe.Add(mem, off))[:], v)
}

func load32(mem unsafe.Pointer, off uint64) uint32 {
	return binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(mem, off))[:])
}

func store32(mem unsafe.Pointer, off uint64, v uint32) {
	binary.LittleEndian.PutUint32((*[4]byte)(unsafe.Add(mem, off))[:], v)
}

// ReadVirtual copies the memory at virtual address va, as this CPU's
// current stage-1 tables map it, into p: the debugger's view (gdb's m
// packet). It translates with mmu.Probe (the TLB is used but never filled,
// so a debugger does not change what the guest later sees) and checks no
// permission, as QEMU's gdbstub; an address that does not translate to RAM
// is an error, and nothing is read. With the MMU off, VA = PA.
func (c *CPU) ReadVirtual(va uint64, p []byte) error {
	m := c.m
	m.mu.Lock()
	defer m.mu.Unlock()
	return c.virtual(va, uint64(len(p)), func(off, i, n uint64) { copy(p[i:i+n], m.ram[off:]) })
}

// WriteVirtual copies p to virtual address va as ReadVirtual translates it
// (gdb's M and X packets) and drops the decoded code it overwrites; if any
// byte does not translate to RAM, nothing is written.
func (c *CPU) WriteVirtual(va uint64, p []byte) error {
	m := c.m
	m.mu.Lock()
	defer m.mu.Unlock()
	return c.virtual(va, uint64(len(p)), func(off, i, n uint64) {
		copy(m.ram[off:off+n], p[i:])
		m.invalidateRange(off, n)
	})
}

// virtual translates [va, va+n) page by page and, when all of it is RAM,
// calls do for each piece (RAM offset, offset in the range, length).
func (c *CPU) virtual(va, n uint64, do func(off, i, n uint64)) error {
	type piece struct{ off, i, n uint64 }
	var buf [4]piece
	pieces := buf[:0]
	for i := uint64(0); i < n; {
		a := va + i
		k := min(n-i, pageSize-a&(pageSize-1))
		pa := a
		if c.mm.on {
			r, f := c.mm.mmu.Probe(a, mmu.Read)
			if !f.OK() {
				return fmt.Errorf("target: virtual address %#x: %v", a, f)
			}
			pa = r.PA
		}
		off, ok := c.m.ramRange(pa, k)
		if !ok {
			return fmt.Errorf("target: virtual address %#x (physical %#x): %w", a, pa, ErrOutsideRAM)
		}
		pieces = append(pieces, piece{off, i, k})
		i += k
	}
	for _, p := range pieces {
		do(p.off, p.i, p.n)
	}
	return nil
}
