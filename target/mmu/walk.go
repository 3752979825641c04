package mmu

import "math/bits"

// Memory reads translation table descriptors from physical memory. The
// machine provides it; the walker calls it only on a TLB miss.
type Memory interface {
	// ReadDescriptor returns the 64-bit little-endian word at the 8-byte
	// aligned physical address pa, or ok = false when no memory answers
	// there: the walk then takes a synchronous external abort.
	ReadDescriptor(pa uint64) (word uint64, ok bool)
}

// Result is a successful translation.
type Result struct {
	PA     uint64 // physical address (in the TLB: of the 4 KiB page)
	Shift  uint8  // log2 of the mapping's size (12, 14, 16; blocks 21, 25, 29, 30); 0 with the MMU off
	Attr   uint8  // MAIR_EL1 attribute byte selected by AttrIndx
	SH     uint8  // shareability as PAR_EL1.SH reports it
	Level  uint8  // level of the leaf descriptor: 1, 2 or 3 (0: MMU off)
	Device bool   // Device memory: every unaligned access faults
	Global bool   // nG = 0: matches every ASID
	Perm   Perm   // what the translation permits, for EL1 and EL0
}

// Descriptor fields (4 KiB granule, 48-bit output addresses).
const (
	descValid = 1 << 0
	descTable = 1 << 1 // table (levels 0–2) or page (level 3); 0: block
	descAF    = 1 << 10
	descNG    = 1 << 11
	descPXN   = 1 << 53
	descUXN   = 1 << 54
	tablePXN  = 1 << 59
	tableUXN  = 1 << 60
)

// walk translates va by reading the translation tables: no TLB, no
// permission check. It returns the leaf as a Result for va's 4 KiB page.
//
// Fault order (Arm ARM pseudocode AArch64.S1Walk and S1Translate): level-0
// faults from the VA range, EPDx and TxSZ; an address size fault for BADDR;
// then per level an external abort on the fetch, a translation fault for an
// invalid or reserved descriptor, an address size fault for the next table or
// the output address; last the access flag. Permission is the caller's.
func (c *Context) walk(mem Memory, va uint64) (Result, Fault) {
	upper := va >> 55 & 1
	h := &c.half[upper]
	if h.noWalk {
		return Result{}, Fault{Translation, 0}
	}
	// Every bit from the top (63, or 55 with TBI) down to the input size
	// must equal bit 55: all zeros for TTBR0, all ones for TTBR1.
	top := uint8(63)
	if h.tbi {
		top = 55
	}
	n := top + 1 - h.inputBits
	field := va >> h.inputBits & (1<<n - 1)
	if field != (1<<n-1)*upper {
		return Result{}, Fault{Translation, 0}
	}
	if h.baseBad {
		return Result{}, Fault{AddressSize, 0}
	}

	table := h.base
	var apTable uint8
	var xnTable uint64 // tableUXN | tablePXN bits seen on the way
	level := h.start
	idxBits := h.inputBits - h.shift(level)
	for {
		shift := h.shift(level)
		idx := va >> shift & (1<<idxBits - 1)
		d, ok := mem.ReadDescriptor(table + idx*8)
		if !ok {
			return Result{}, Fault{ExternalAbortWalk, level}
		}
		if c.ee {
			d = bits.ReverseBytes64(d)
		}
		if d&descValid == 0 {
			return Result{}, Fault{Translation, level}
		}
		if d&descTable == 0 || level == 3 {
			// Block or page (level 3). Blocks exist at level 2, and at level
			// 1 with 4 KiB; elsewhere (level 0, level 1 with 16 or 64 KiB
			// without FEAT_LPA/LPA2, 0b01 at level 3) they are reserved:
			// translation fault.
			if d&descTable == 0 && level != 2 && (level != 1 || h.gran != pageShift) {
				return Result{}, Fault{Translation, level}
			}
			return c.leaf(va, d, level, shift, apTable, xnTable)
		}
		// We choose: table address bits below the granule (OA[51:48] with
		// FEAT_LPA for 64 KiB, else RES0) are ignored.
		next := d & oaMask &^ (1<<h.gran - 1)
		if next>>c.paBits != 0 {
			return Result{}, Fault{AddressSize, level}
		}
		apTable |= uint8(d >> 61 & 3)
		xnTable |= d & (tableUXN | tablePXN)
		table = next
		level++
		idxBits = h.gran - 3
	}
}

// leaf checks the output address and AF of a block or page descriptor d and
// builds the Result for va's page.
func (c *Context) leaf(va, d uint64, level, shift, apTable uint8, xnTable uint64) (Result, Fault) {
	oa := d & oaMask &^ (1<<shift - 1)
	if oa>>c.paBits != 0 {
		return Result{}, Fault{AddressSize, level}
	}
	// No FEAT_HAFDBS: TCR_EL1.HA/HD are ignored and AF = 0 always faults.
	if d&descAF == 0 {
		return Result{}, Fault{AccessFlag, level}
	}
	// We choose: the Contiguous hint (bit 52), DBM (51), the software bits,
	// NS (in Non-secure state), and RES0 bits in descriptors are ignored.
	ap := uint8(d>>6&3) | apTable&2 // APTable[1]: no write at any EL
	ap &^= apTable & 1              // APTable[0]: no EL0 access
	uxn := d&descUXN != 0 || xnTable&tableUXN != 0
	pxn := d&descPXN != 0 || xnTable&tablePXN != 0
	// Device when the attribute's high nibble is 0. We choose: a reserved
	// Device encoding (low bits 0bxx01/10/11) is Device, and a Normal
	// encoding with inner nibble 0 (reserved without FEAT_XS/MTE) is Normal.
	attr := c.mair[d>>2&7]
	r := Result{
		PA:     (oa | va&(1<<shift-1)) &^ pageMask,
		Shift:  shift,
		Attr:   attr,
		Level:  level,
		Device: attr>>4 == 0,
		Global: d&descNG == 0,
		Perm:   permissions(ap, uxn, pxn, c.wxn),
		SH:     shareability(attr, uint8(d>>8&3)),
	}
	return r, Fault{}
}

// shareability is what PAR_EL1.SH reports: Outer Shareable (0b10) for Device
// memory and for Normal memory that is Inner and Outer Non-cacheable,
// otherwise the descriptor's SH. We choose: the reserved SH value 0b01 reads
// as Non-shareable (0b00).
func shareability(attr, sh uint8) uint8 {
	if attr>>4 == 0 || attr == 0x44 {
		return 2
	}
	if sh == 1 {
		return 0
	}
	return sh
}

// flat is the translation with stage 1 disabled (SCTLR_EL1.M = 0): PA = VA,
// data accesses are Device-nGnRnE, fetches Normal (Non-cacheable, or
// Write-Through with SCTLR_EL1.I), all Outer Shareable, everything
// permitted. A VA with bits set between the top (63, or 55 with TBI) and the
// implemented PA size takes an address size fault at level 0.
func (c *Context) flat(va uint64, acc Access) (Result, Fault) {
	top := uint8(63)
	if c.half[va>>55&1].tbi {
		top = 55
	}
	if va<<(63-top)>>(63-top)>>c.paMax != 0 {
		return Result{}, Fault{AddressSize, 0}
	}
	r := Result{PA: va & (1<<c.paMax - 1), SH: 2, Perm: PermAll, Global: true}
	switch {
	case acc.Kind() != Fetch:
		r.Attr, r.Device = 0x00, true
	case c.fetchI:
		r.Attr = 0xaa
	default:
		r.Attr = 0x44
	}
	return r, Fault{}
}
