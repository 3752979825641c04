package target

import "github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"

// Keys of the op0=2 registers package debugregs does not model.
var (
	keyMDCCINT  = k(2, 0, 0, 2, 0)
	keyMDRAR    = k(2, 0, 1, 0, 0)
	keyDBGPRCR  = k(2, 0, 1, 4, 4)
	keyCLAIMSET = k(2, 0, 7, 8, 6)
	keyCLAIMCLR = k(2, 0, 7, 9, 6)
	keyAUTHSTAT = k(2, 0, 7, 14, 6)
	keyMDCCSR   = k(2, 3, 0, 1, 0)
)

// plainDebug is storage for the op0=2 registers package debugregs does not model (MDCCINT, DBGPRCR,
// DBGCLAIM, ...): the executor asks debugregs first (debugwire.go) and comes here only for the encodings it
// does not decode, so the comparators, MDSCR and the OS lock never reach this.
type plainDebug struct {
	mdccint uint64
	dbgprcr uint64
	claim   uint64
}

func (d *plainDebug) ReadDebugReg(key uint32) (uint64, bool) {
	switch key {
	case keyMDCCINT:
		return d.mdccint, true
	case keyMDRAR, keyMDCCSR:
		return 0, true
	case keyDBGPRCR:
		return d.dbgprcr, true
	case keyCLAIMSET:
		return 0xff, true
	case keyCLAIMCLR:
		return d.claim, true
	case keyAUTHSTAT:
		return 0xaa, true
	}
	return 0, false
}

func (d *plainDebug) WriteDebugReg(key uint32, v uint64) bool {
	switch key {
	case keyMDCCINT:
		d.mdccint = v
	case keyDBGPRCR:
		d.dbgprcr = v & 1
	case keyCLAIMSET:
		d.claim |= v & 0xff
	case keyCLAIMCLR:
		d.claim &^= v & 0xff
	default:
		return false // read-only (MDRAR, AUTHSTATUS, MDCCSR) or unknown
	}
	return true
}

// debugRegName names a debug register encoding: debugregs' own, or one of plainDebug's.
func debugRegName(key uint32) string {
	if r, ok := debugregs.DecodeSysReg(debugregs.Encoding(key)); ok {
		return r.String()
	}
	switch key {
	case keyMDCCINT:
		return "MDCCINT_EL1"
	case keyMDRAR:
		return "MDRAR_EL1"
	}
	return ""
}
