package debugregs

import (
	"errors"
	"fmt"
)

// Range splitting for debuggers: gdb's Z2/Z3/Z4 may name any address and length, but one watchpoint
// comparator watches either some bytes of one aligned doubleword (BAS) or one aligned power-of-two block
// of at least 8 bytes (MASK). These helpers cover a range exactly, so a hit always lies inside the range
// the debugger asked for. They never program anything: callers check the count against their free
// comparators and install all regions or none.

// MaxWatchRegions bounds the regions a split may return: no model has more than 64 watchpoints.
const MaxWatchRegions = maxComparators

// ErrTooManyRegions means covering the range needs more comparators than any CPU has.
var ErrTooManyRegions = errors.New("watch range needs more than 64 comparators")

// WatchRegion is one comparator's share of a watched range.
type WatchRegion struct {
	Start, Len uint64 // the bytes [Start, Start+Len) this comparator watches
	WVR        DBGWVR // value to program
	BAS        uint8  // byte address select (0xff with a MASK)
	Mask       uint8  // 0, or 3..31: the 2^Mask-byte block at WVR
}

// WCR is the enabled DBGWCR value for this region with the given access types and privilege.
func (r WatchRegion) WCR(lsc LSC, pac PAC) DBGWCR {
	return DBGWCR(0).WithE(true).WithPAC(pac).WithLSC(lsc).WithBAS(r.BAS).WithMASK(r.Mask)
}

// checkRange validates [addr, addr+length) and returns its last byte.
func checkRange(addr, length uint64) (uint64, error) {
	if length == 0 {
		return 0, fmt.Errorf("watch %#x: zero length", addr)
	}
	last := addr + (length - 1)
	if last < addr {
		return 0, fmt.Errorf("watch %#x+%#x: range wraps past the top of the address space", addr, length)
	}
	return last, nil
}

// basRegion covers [start, last], which must lie in one doubleword, with a byte-select region.
func basRegion(start, last uint64) WatchRegion {
	dw := start &^ 7
	n := last - start + 1
	bas := uint8((uint64(1)<<n - 1) << (start - dw))
	return WatchRegion{Start: start, Len: n, WVR: DBGWVR(0).WithAddress(dw), BAS: bas}
}

// doublewordCount is how many aligned doublewords [addr, last] touches.
func doublewordCount(addr, last uint64) uint64 { return last>>3 - addr>>3 + 1 }

// SplitWatch covers [addr, addr+length) with one byte-select region per aligned doubleword it touches,
// the way gdbserver and Linux's ptrace interface program watchpoints.
func SplitWatch(addr, length uint64) ([]WatchRegion, error) {
	last, err := checkRange(addr, length)
	if err != nil {
		return nil, err
	}
	if doublewordCount(addr, last) > MaxWatchRegions {
		return nil, fmt.Errorf("watch %#x+%#x: %w", addr, length, ErrTooManyRegions)
	}
	var out []WatchRegion
	for cur := addr; ; {
		chunkLast := min(last, cur|7)
		out = append(out, basRegion(cur, chunkLast))
		if chunkLast == last {
			return out, nil
		}
		cur = chunkLast + 1
	}
}

// maxMask is the largest DBGWCR.MASK: a 2 GiB block.
const maxMask = 31

// SplitWatchMasked covers [addr, addr+length) exactly with the fewest regions built from byte-select
// chunks at unaligned edges and the largest aligned power-of-two MASK blocks in between (an 8-byte block
// is programmed as BAS 0xff rather than MASK 3; they are the same bytes).
func SplitWatchMasked(addr, length uint64) ([]WatchRegion, error) {
	last, err := checkRange(addr, length)
	if err != nil {
		return nil, err
	}
	var out []WatchRegion
	for cur := addr; ; {
		if len(out) == MaxWatchRegions {
			return nil, fmt.Errorf("watch %#x+%#x: %w", addr, length, ErrTooManyRegions)
		}
		var r WatchRegion
		remaining := last - cur // bytes left, minus one (avoids overflow at the top)
		if cur&7 != 0 || remaining < 7 {
			r = basRegion(cur, min(last, cur|7))
		} else {
			k := uint8(3)
			for k < maxMask && cur&(uint64(1)<<(k+1)-1) == 0 && remaining >= uint64(1)<<(k+1)-1 {
				k++
			}
			if k == 3 {
				r = basRegion(cur, cur+7)
			} else {
				r = WatchRegion{Start: cur, Len: uint64(1) << k, WVR: DBGWVR(0).WithAddress(cur), BAS: 0xff, Mask: k}
			}
		}
		out = append(out, r)
		rLast := r.Start + (r.Len - 1)
		if rLast == last {
			return out, nil
		}
		cur = rLast + 1
	}
}

// SplitWatchFewest returns whichever of SplitWatch and SplitWatchMasked needs fewer comparators,
// preferring the plain byte-select split on a tie.
func SplitWatchFewest(addr, length uint64) ([]WatchRegion, error) {
	masked, err := SplitWatchMasked(addr, length)
	if err != nil {
		return nil, err
	}
	last := addr + (length - 1)
	if doublewordCount(addr, last) <= uint64(len(masked)) {
		return SplitWatch(addr, length)
	}
	return masked, nil
}

// ErrUncoverable means no single comparator (an aligned block of 2 GiB or less) holds the range.
var ErrUncoverable = errors.New("no aligned block of 2 GiB or less holds the watch range")

// CoveringRegion is the smallest aligned power-of-two block of at least a doubleword that holds all of
// [addr, addr+length): one comparator for any range, wider than asked unless the range is such a block
// (a doubleword is programmed as BAS 0xff, a larger block as MASK). Both routes use it when the exact
// split does not fit their free comparators.
func CoveringRegion(addr, length uint64) (WatchRegion, error) {
	last, err := checkRange(addr, length)
	if err != nil {
		return WatchRegion{}, err
	}
	for k := uint8(3); k <= maxMask; k++ {
		size := uint64(1) << k
		base := addr &^ (size - 1)
		if last-base >= size {
			continue
		}
		if k == 3 {
			return basRegion(base, base+7), nil
		}
		return WatchRegion{Start: base, Len: size, WVR: DBGWVR(0).WithAddress(base), BAS: 0xff, Mask: k}, nil
	}
	return WatchRegion{}, fmt.Errorf("watch %#x+%#x: %w", addr, length, ErrUncoverable)
}

// WatchRegionsNeeded is how many comparators SplitWatchFewest would use, so a caller can decide all or
// nothing before splitting.
func WatchRegionsNeeded(addr, length uint64) (int, error) {
	r, err := SplitWatchFewest(addr, length)
	return len(r), err
}

// BreakRegion is the comparator value for one hardware breakpoint.
type BreakRegion struct {
	Addr uint64
	BVR  DBGBVR
}

// BCR is the enabled DBGBCR value: unlinked address match, BAS 0b1111 (a whole A64 instruction), the
// given privilege.
func (r BreakRegion) BCR(pmc PMC) DBGBCR {
	return DBGBCR(0).WithE(true).WithPMC(pmc).WithBAS(0b1111).WithBT(BTUnlinkedAddress)
}

// SplitBreak checks a hardware breakpoint address: A64 instructions are 4-byte aligned.
func SplitBreak(addr uint64) (BreakRegion, error) {
	if addr&3 != 0 {
		return BreakRegion{}, fmt.Errorf("hardware breakpoint at %#x: not 4-byte aligned", addr)
	}
	return BreakRegion{Addr: addr, BVR: DBGBVR(0).WithAddress(addr)}, nil
}
