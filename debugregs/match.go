package debugregs

import "math/bits"

// AccessKind says what a data access does, as a bit set that lines up with DBGWCR.LSC.
type AccessKind uint8

const (
	AccessLoad  AccessKind = 1 << 0 // LDR…, matches LSC bit 0
	AccessStore AccessKind = 1 << 1 // STR…, matches LSC bit 1
	// AccessRMW is an atomic read-modify-write: it matches as a load or a store; ESR.WnR is 0 when the
	// load side matched (D24.2.45 WnR).
	AccessRMW = AccessLoad | AccessStore
	// AccessCMO is DC IVAC, the one data cache maintenance instruction that can hit a watchpoint
	// (D2.9.6): it matches as a store and reports CM=1, WnR=1. DC ZVA is a plain AccessStore of the DC
	// ZVA block (64 bytes) at the aligned address; other cache maintenance never matches, so is not checked.
	AccessCMO AccessKind = 1 << 2
)

// lscBits is the LSC view of an access kind.
func (k AccessKind) lscBits() LSC {
	l := LSC(k & AccessRMW)
	if k&AccessCMO != 0 {
		l |= LSCStore
	}
	return l
}

// bpComparator is an enabled unlinked address-match breakpoint, reduced to what matching needs.
type bpComparator struct {
	n    uint8
	pmc  PMC
	ssc  uint8
	hmc  bool
	addr uint64
}

// wpComparator is an enabled watchpoint: the inclusive byte range [lo, last] it watches and its filters.
type wpComparator struct {
	n        uint8
	pac      PAC
	ssc      uint8
	hmc      bool
	lsc      LSC
	lo, last uint64
}

// Comparators is a bank of breakpoint and watchpoint comparators reduced to the enabled, well-formed ones,
// in the order added (AArch64.BreakpointMatch / AArch64.WatchpointMatch in the Arm ARM pseudocode, without
// the enable rules: those are Unit's). The zero value is an empty bank. It is what a Unit matches against,
// and the external debug route can use one on its own for gdb's points.
type Comparators struct {
	bp  [maxComparators]bpComparator
	wp  [maxComparators]wpComparator
	nbp int
	nwp int
	// wpLo and wpLast bound every accepted watchpoint's range, so most misses cost two compares.
	wpLo, wpLast uint64
}

// Reset empties the bank.
func (c *Comparators) Reset() { c.nbp, c.nwp, c.wpLo, c.wpLast = 0, 0, 0, 0 }

// BreakpointsArmed and WatchpointsArmed report whether any comparator of the kind was accepted.
func (c *Comparators) BreakpointsArmed() bool { return c.nbp != 0 }
func (c *Comparators) WatchpointsArmed() bool { return c.nwp != 0 }

// AddBreakpoint adds breakpoint n (0..63) if it can ever generate a Breakpoint exception, and reports
// whether it did. Decoding follows Arm ARM D2.8.3 and D2.8.5 with these choices:
//
//   - E=0: ignored (D2.8.1).
//   - BT other than 0b0000 (unlinked address match): we choose to ignore the comparator. Linked address
//     match needs a context breakpoint with linking enabled; context, VMID and mismatch types need state
//     this machine does not model (CONTEXTIDR, VMID, FEAT_BWE), and reserved types are CONSTRAINED
//     UNPREDICTABLE. Ignoring them never raises an exception the guest did not ask for.
//   - BAS: A64 instructions are word aligned. BAS=0b0000 never matches (we choose, as QEMU). Otherwise we
//     choose QEMU's folding: if BAS[1:0] is non-zero the word at DBGBVR matches; if only BAS[3:2] is set
//     the comparator names the halfword at DBGBVR+2, which no A64 instruction starts at, so it never
//     matches (CONSTRAINED UNPREDICTABLE for A64, D2.8.5).
//   - MASK (FEAT_BWE) is not implemented: a non-zero MASK is ignored (the field is RES0).
//   - DBGBVR bits [1:0] are ignored; all other bits are compared (VA = PA here; Linux writes canonical VAs).
func (c *Comparators) AddBreakpoint(n int, bcr DBGBCR, bvr DBGBVR) bool {
	if n < 0 || n >= maxComparators || c.nbp >= maxComparators {
		return false
	}
	if !bcr.E() || bcr.BT() != BTUnlinkedAddress || bcr.BT2() {
		return false
	}
	if bcr.BAS()&0b0011 == 0 {
		return false
	}
	c.bp[c.nbp] = bpComparator{n: uint8(n), pmc: bcr.PMC(), ssc: bcr.SSC(), hmc: bcr.HMC(), addr: bvr.Address()}
	c.nbp++
	return true
}

// AddWatchpoint adds watchpoint n (0..63) if it can ever generate a Watchpoint exception, and reports
// whether it did. Decoding follows Arm ARM D2.9 with these choices:
//
//   - E=0: ignored.
//   - LSC=0b00 is reserved: we choose "never matches" (QEMU does the same).
//   - WT=1 (linked to a context breakpoint): we choose to ignore the comparator, for the same reason as
//     linked breakpoints (no CONTEXTIDR/VMID state to compare). WT2 (FEAT_BWE2) is RES0 and ignored.
//   - MASK=1 or 2 is reserved: we choose "never matches" (QEMU does the same).
//   - MASK=3..31 watches the 2^MASK-byte block containing DBGWVR; BAS is ignored. If DBGWVR has non-zero
//     bits below MASK (CONSTRAINED UNPREDICTABLE) we choose to mask them off, as QEMU does.
//   - MASK=0: bytes selected by BAS relative to the doubleword at DBGWVR. If DBGWVR[2] is 1 only BAS[3:0]
//     is used (relative to the word). BAS=0 never matches. A non-contiguous BAS is CONSTRAINED
//     UNPREDICTABLE: we choose QEMU's rule, only the lowest run of ones counts.
func (c *Comparators) AddWatchpoint(n int, wcr DBGWCR, wvr DBGWVR) bool {
	if n < 0 || n >= maxComparators || c.nwp >= maxComparators {
		return false
	}
	if !wcr.E() || wcr.LSC() == LSCReserved || wcr.WT() {
		return false
	}
	lo, size, ok := watchedRange(wcr, wvr)
	if !ok {
		return false
	}
	c.addWatch(wpComparator{
		n: uint8(n), pac: wcr.PAC(), ssc: wcr.SSC(), hmc: wcr.HMC(), lsc: wcr.LSC(),
		lo: lo, last: lo + (size - 1),
	})
	return true
}

// addWatch appends w and widens the bank's bounds.
func (c *Comparators) addWatch(w wpComparator) {
	if c.nwp == 0 {
		c.wpLo, c.wpLast = w.lo, w.last
	} else {
		c.wpLo, c.wpLast = min(c.wpLo, w.lo), max(c.wpLast, w.last)
	}
	c.wp[c.nwp] = w
	c.nwp++
}

// SetWatchRange makes watchpoint n (0..63) watch the bytes [lo, last] for the accesses lsc selects, at EL0
// and EL1, in place of any watchpoint n the bank had, and reports whether it did (n in range, lo <= last,
// lsc not reserved). It is not an architectural comparator: the external debug route uses it for the part
// of a WatchRegion that lies inside gdb's range, which no DBGWCR/DBGWVR pair need describe. The bank
// stays in ascending n when it is built only by SetWatchRange, as the external route's is.
func (c *Comparators) SetWatchRange(n int, lo, last uint64, lsc LSC) bool {
	if n < 0 || n >= maxComparators || lo > last || lsc == LSCReserved {
		return false
	}
	c.ClearWatchpoint(n)
	c.addWatch(wpComparator{n: uint8(n), pac: PACEL0EL1, lsc: lsc, lo: lo, last: last})
	for i := c.nwp - 1; i > 0 && c.wp[i-1].n > c.wp[i].n; i-- {
		c.wp[i-1], c.wp[i] = c.wp[i], c.wp[i-1]
	}
	return true
}

// ClearWatchpoint removes watchpoint n from the bank, if it is there.
func (c *Comparators) ClearWatchpoint(n int) {
	k := 0
	for i := range c.nwp {
		if int(c.wp[i].n) != n {
			c.wp[k] = c.wp[i]
			k++
		}
	}
	c.nwp = k
	for i := range c.nwp {
		if i == 0 {
			c.wpLo, c.wpLast = c.wp[0].lo, c.wp[0].last
		} else {
			c.wpLo, c.wpLast = min(c.wpLo, c.wp[i].lo), max(c.wpLast, c.wp[i].last)
		}
	}
	if c.nwp == 0 {
		c.wpLo, c.wpLast = 0, 0
	}
}

// WatchRange is what a page or granule filter needs of one watchpoint in a bank: its number, the bytes
// [Lo, Last] it watches (inclusive, so a range may end at the top of the address space) and the accesses
// it matches. It is the one description of a watched region the executor builds its filters from.
type WatchRange struct {
	N        int
	Lo, Last uint64
	LSC      LSC
}

// WatchRanges yields the bank's watchpoints in the order added.
func (c *Comparators) WatchRanges(yield func(WatchRange) bool) {
	for i := range c.nwp {
		w := &c.wp[i]
		if !yield(WatchRange{N: int(w.n), Lo: w.lo, Last: w.last, LSC: w.lsc}) {
			return
		}
	}
}

// watchedRange is the byte range [lo, lo+size) a watchpoint's MASK/BAS select (see AddWatchpoint).
func watchedRange(wcr DBGWCR, wvr DBGWVR) (lo, size uint64, ok bool) {
	switch m := wcr.MASK(); {
	case m == 1 || m == 2:
		return 0, 0, false
	case m >= 3:
		size = uint64(1) << m
		return wvr.Address() &^ (size - 1), size, true
	}
	bas := uint64(wcr.BAS())
	if wvr.Address()&4 != 0 {
		bas &= 0x0f
	}
	if bas == 0 {
		return 0, 0, false
	}
	first := uint64(bits.TrailingZeros64(bas))
	run := uint64(bits.TrailingZeros64(^(bas >> first)))
	return wvr.Address() + first, run, true
}

// conditionsMatch is the execution-condition filter of table D2-8 (breakpoints) and D2-13 (watchpoints)
// for this machine: Non-secure state, no EL2, no EL3. We choose QEMU's simplified reading of HMC/SSC/PMC:
// SSC 0b10 (Secure only) never matches; SSC 0b00, 0b01 and 0b11 match (0b11 with HMC=0 names Secure EL2
// in D2-8, which cannot exist here: CONSTRAINED UNPREDICTABLE, we take QEMU's "Non-secure"). HMC only
// widens matching to EL2/EL3, which do not exist. PMC/PAC bit 0 is EL1, bit 1 is EL0; 0b00 never matches
// at EL0 or EL1.
func conditionsMatch(pmc PMC, ssc uint8, el uint8) bool {
	if ssc == 0b10 {
		return false
	}
	switch el {
	case 0:
		return pmc&PMCEL0 != 0
	case 1:
		return pmc&PMCEL1 != 0
	}
	return false
}

// BreakpointMatch returns the set of comparators (bit n for breakpoint n) that match an instruction at pc
// executing at el (AArch64.BreakpointMatch). It ignores the debug enables.
func (c *Comparators) BreakpointMatch(pc uint64, el uint8) uint64 {
	var hits uint64
	for i := range c.nbp {
		b := &c.bp[i]
		if b.addr == pc&^3 && conditionsMatch(b.pmc, b.ssc, el) {
			hits |= 1 << b.n
		}
	}
	return hits
}

// WatchHit describes the watchpoints one access matched.
type WatchHit struct {
	Matched    uint64 // bit n set for each matching watchpoint n
	Comparator int    // the lowest-numbered matching watchpoint
	Start      uint64 // first byte that watchpoint watches
	LSC        LSC    // the accesses that watchpoint matches
	WnR        bool   // ESR.WnR: the access is reported as a write
	CM         bool   // ESR.CM: cache maintenance
}

// WatchpointMatch checks a data access of size bytes at addr (AArch64.WatchpointMatch). Unprivileged
// accesses (LDTR/STTR and friends at EL1) are checked as EL0 accesses, as the Arm ARM requires when
// PSTATE.UAO is 0 (this machine has no FEAT_UAO). It ignores the debug enables.
func (c *Comparators) WatchpointMatch(addr, size uint64, kind AccessKind, el uint8, unprivileged bool) (WatchHit, bool) {
	var h WatchHit
	ok := c.watchpointMatch(&h, addr, size, kind, el, unprivileged, ^uint64(0))
	return h, ok
}

// WatchpointMayMatch is WatchpointMatch's first test, small enough to inline in an executor's access
// path: false when the access of size bytes at addr misses the span of every watchpoint's range (a
// wrapping access is kept for the full check).
func (c *Comparators) WatchpointMayMatch(addr, size uint64) bool {
	return c.nwp != 0 && addr <= c.wpLast && (addr+size > c.wpLo || addr+size <= addr)
}

// watchpointMatch is WatchpointMatch restricted to the comparators in allow, filling h on a hit.
func (c *Comparators) watchpointMatch(h *WatchHit, addr, size uint64, kind AccessKind, el uint8, unprivileged bool, allow uint64) bool {
	if size == 0 {
		return false
	}
	last := addr + (size - 1)
	if last < addr {
		last = ^uint64(0) // an access that wraps: we choose to check it up to the top of the address space
	}
	if c.nwp == 0 || addr > c.wpLast || last < c.wpLo {
		return false
	}
	if unprivileged {
		el = 0
	}
	lsc := kind.lscBits()
	loadMatched := false
	for i := range c.nwp {
		w := &c.wp[i]
		if addr > w.last || last < w.lo || w.lsc&lsc == 0 || allow&(1<<w.n) == 0 || !conditionsMatch(w.pac, w.ssc, el) {
			continue
		}
		if h.Matched == 0 || int(w.n) < h.Comparator {
			h.Comparator, h.Start, h.LSC = int(w.n), w.lo, w.lsc
		}
		h.Matched |= 1 << w.n
		if w.lsc&LSCLoad != 0 && kind&AccessLoad != 0 {
			loadMatched = true
		}
	}
	if h.Matched == 0 {
		return false
	}
	h.CM = kind&AccessCMO != 0
	h.WnR = h.CM || (kind&AccessStore != 0 && !loadMatched)
	return true
}

// pageSize is the granule the executor keeps its per-page "may hit" flags at.
const pageSize = 4096

// PageMayBreak reports whether any instruction in the 4 KiB page holding addr could match a breakpoint.
func (c *Comparators) PageMayBreak(addr uint64) bool {
	page := addr &^ (pageSize - 1)
	for i := range c.nbp {
		if c.bp[i].addr&^(pageSize-1) == page {
			return true
		}
	}
	return false
}

// PageMayWatch reports whether any access to the 4 KiB page holding addr could match a watchpoint. An
// access that crosses into the next page must ask for both pages.
func (c *Comparators) PageMayWatch(addr uint64) bool {
	page := addr &^ (pageSize - 1)
	pageLast := page + (pageSize - 1)
	for i := range c.nwp {
		w := &c.wp[i]
		if w.lo <= pageLast && w.last >= page {
			return true
		}
	}
	return false
}
