package mmu

import "fmt"

// FaultKind is the kind of a stage-1 abort.
type FaultKind uint8

const (
	NoFault           FaultKind = iota
	Translation                 // invalid descriptor, VA out of range, walk disabled
	AddressSize                 // output or table address beyond the output address size
	AccessFlag                  // AF = 0 in the leaf descriptor (no hardware AF update)
	Permission                  // AP/UXN/PXN/WXN forbid the access
	ExternalAbortWalk           // a descriptor fetch that no memory answered
)

var faultNames = [...]string{"none", "translation", "address size", "access flag", "permission", "external abort on walk"}

func (k FaultKind) String() string {
	if int(k) < len(faultNames) {
		return faultNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", uint8(k))
}

// Fault is the outcome of a translation that did not succeed: its kind and the
// lookup level it happened at (0–3).
type Fault struct {
	Kind  FaultKind
	Level uint8
}

// OK reports that there is no fault.
func (f Fault) OK() bool { return f.Kind == NoFault }

func (f Fault) String() string {
	if f.OK() {
		return "ok"
	}
	return fmt.Sprintf("%s fault, level %d", f.Kind, f.Level)
}

// Fault status codes (ESR_ELx.DFSC/IFSC, PAR_EL1.FST) that do not depend on a
// level.
const (
	FSCAlignment   = 0x21 // alignment fault
	FSCExternal    = 0x10 // synchronous external abort, not on a walk
	fscAddressSize = 0x00 // + level
	fscTranslation = 0x04 // + level
	fscAccessFlag  = 0x08 // + level (level 0 exists only with FEAT_LPA2)
	fscPermission  = 0x0c // + level (level 0 exists only with FEAT_LPA2)
	fscExtWalk     = 0x14 // + level
)

var fscBase = [...]uint32{
	Translation:       fscTranslation,
	AddressSize:       fscAddressSize,
	AccessFlag:        fscAccessFlag,
	Permission:        fscPermission,
	ExternalAbortWalk: fscExtWalk,
}

// FSC is the 6-bit fault status code of f (DFSC/IFSC/FST). It is 0 for no
// fault, which is also the code of an address size fault at level 0: test OK
// first.
func (f Fault) FSC() uint32 {
	if f.OK() || int(f.Kind) >= len(fscBase) {
		return 0
	}
	return fscBase[f.Kind] | uint32(f.Level&3)
}

// Exception classes of the aborts (ESR_ELx.EC).
const (
	ECInstAbortLower = 0x20 // instruction abort from EL0
	ECInstAbortSame  = 0x21 // instruction abort from EL1
	ECDataAbortLower = 0x24 // data abort from EL0
	ECDataAbortSame  = 0x25 // data abort from EL1
)

const (
	esrIL  = 1 << 25
	issCM  = 1 << 8
	issWnR = 1 << 6
)

// ESR builds ESR_EL1 for the abort f, raised by access acc and taken to EL1
// from exception level from (0 or 1; an LDTR at EL1 is from 1). See
// AbortESR.
func (f Fault) ESR(acc Access, from uint8) uint64 { return AbortESR(f.FSC(), acc, from) }

// AbortESR builds ESR_EL1 for an abort with status code fsc (a Fault's FSC, or
// FSCAlignment for an alignment fault the caller found) on access acc, taken
// to EL1 from exception level from.
//
// Fetches give an instruction abort (EC 0x20/0x21, IFSC); the rest a data
// abort (EC 0x24/0x25, DFSC) with WnR for writes and CM plus WnR = 1 for cache
// maintenance. IL is 1. We choose: ISV = 0 (no instruction syndrome, as QEMU
// for stage-1 aborts taken to EL1), EA = 0 (our external aborts are decode
// errors), FnV = 0 (FAR is always valid), SET = 0. S1PTW is always 0: there is
// no stage 2.
func AbortESR(fsc uint32, acc Access, from uint8) uint64 {
	lower := uint64(0)
	if from == 0 {
		lower = 1
	}
	iss := uint64(fsc & 0x3f)
	if acc.Kind() == Fetch {
		return (ECInstAbortSame-lower)<<26 | esrIL | iss
	}
	if acc&CacheOp != 0 {
		iss |= issCM | issWnR
	} else if acc.Kind() == Write {
		iss |= issWnR
	}
	return (ECDataAbortSame-lower)<<26 | esrIL | iss
}
