package mmu

import "math/bits"

// A slow, literal reading of the translation rules in docs/mmu.md, written
// apart from the walker (bit ranges by number, levels by counting, the
// permission rule from the tables in perm_test.go), for the fuzz target to
// compare against.

// field returns bits hi..lo of x.
func field(x uint64, hi, lo int) uint64 {
	if hi < lo {
		return 0
	}
	return x >> lo & (1<<(hi-lo+1) - 1)
}

type refResult struct {
	pa     uint64
	attr   uint8
	level  uint8
	device bool
	fault  Fault
}

func refTranslate(cfg Config, r Regs, mem Memory, va uint64, acc Access) refResult {
	parange := []int{32, 36, 40, 42, 44, 48, 48, 48}[min(int(cfg.PARange), 5)]
	upper := field(va, 55, 55)
	tbi := field(r.TCR, 37+int(upper), 37+int(upper)) == 1
	top := 63
	if tbi {
		top = 55
	}
	if field(r.SCTLR, 0, 0) == 0 {
		if field(va, top, parange) != 0 {
			return refResult{fault: Fault{AddressSize, 0}}
		}
		res := refResult{pa: field(va, parange-1, 0), attr: 0x44}
		if acc&3 != Fetch {
			res.attr, res.device = 0, true
		} else if field(r.SCTLR, 12, 12) == 1 {
			res.attr = 0xaa
		}
		return res
	}
	var txsz, epd, ttbr uint64
	var granule int // KiB
	if upper == 1 {
		txsz, epd, ttbr = field(r.TCR, 21, 16), field(r.TCR, 23, 23), r.TTBR1
		granule = []int{4, 16, 4, 64}[field(r.TCR, 31, 30)]
	} else {
		txsz, epd, ttbr = field(r.TCR, 5, 0), field(r.TCR, 7, 7), r.TTBR0
		granule = []int{4, 64, 16, 4}[field(r.TCR, 15, 14)]
	}
	g := 12 // log2 of the granule walked
	if granule == 16 && cfg.Gran16 {
		g = 14
	}
	if granule == 64 && cfg.Gran64 {
		g = 16
	}
	if epd == 1 || txsz < 16 || txsz > 39 {
		return refResult{fault: Fault{Translation, 0}}
	}
	inputsize := 64 - int(txsz)
	for i := inputsize; i <= top; i++ {
		if field(va, i, i) != upper {
			return refResult{fault: Fault{Translation, 0}}
		}
	}
	ps := parange
	if ips := field(r.TCR, 34, 32); ips != 7 {
		ps = min(ps, []int{32, 36, 40, 42, 44, 48, 52}[ips])
	}
	ps = min(ps, 48)

	// Count levels up from 3 until they cover the input size.
	stride := g - 3
	level, covered := 3, g+stride
	for covered < inputsize {
		level--
		covered += stride
	}
	startBits := inputsize - (g + stride*(3-level))
	x := max(startBits+3, 6)
	table := field(ttbr, 47, x) << x
	if field(table, 63, ps) != 0 {
		return refResult{fault: Fault{AddressSize, 0}}
	}
	noEL0, readOnly, uxnT, pxnT := false, false, false, false
	for ; ; level++ {
		lo := g + stride*(3-level)
		hi := min(inputsize-1, lo+stride-1)
		d, ok := mem.ReadDescriptor(table + 8*field(va, hi, lo))
		if !ok {
			return refResult{fault: Fault{ExternalAbortWalk, uint8(level)}}
		}
		if field(r.SCTLR, 25, 25) == 1 {
			d = bits.ReverseBytes64(d)
		}
		kind := d & 3
		isLeaf := kind == 1 && (level == 2 || level == 1 && g == 12) || kind == 3 && level == 3
		isTable := kind == 3 && level < 3
		if !isLeaf && !isTable {
			return refResult{fault: Fault{Translation, uint8(level)}}
		}
		if isTable {
			next := field(d, 47, g) << g
			if field(next, 63, ps) != 0 {
				return refResult{fault: Fault{AddressSize, uint8(level)}}
			}
			noEL0 = noEL0 || field(d, 61, 61) == 1
			readOnly = readOnly || field(d, 62, 62) == 1
			uxnT = uxnT || field(d, 60, 60) == 1
			pxnT = pxnT || field(d, 59, 59) == 1
			table = next
			continue
		}
		oa := field(d, 47, lo) << lo
		if field(oa, 63, ps) != 0 {
			return refResult{fault: Fault{AddressSize, uint8(level)}}
		}
		if field(d, 10, 10) == 0 {
			return refResult{fault: Fault{AccessFlag, uint8(level)}}
		}
		ap := uint8(field(d, 7, 6))
		if readOnly {
			ap |= 2
		}
		if noEL0 {
			ap &^= 1
		}
		uxnBit := field(d, 54, 54) == 1 || uxnT
		pxnBit := field(d, 53, 53) == 1 || pxnT
		wxn := field(r.SCTLR, 19, 19) == 1
		if !allowedRef(ap, uxnBit, pxnBit, wxn, acc&EL0 != 0, acc&3) {
			return refResult{fault: Fault{Permission, uint8(level)}}
		}
		attr := uint8(field(r.MAIR, 8*int(field(d, 4, 2))+7, 8*int(field(d, 4, 2))))
		return refResult{
			pa:     oa | field(va, lo-1, 0),
			attr:   attr,
			level:  uint8(level),
			device: attr&0xf0 == 0,
		}
	}
}
