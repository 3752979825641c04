package selfdebug

import (
	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// Keys of the op0=2 registers package debugregs does not model.
var (
	keyMDCCINT  = cpu.SysKey(2, 0, 0, 2, 0)
	keyMDRAR    = cpu.SysKey(2, 0, 1, 0, 0)
	keyDBGPRCR  = cpu.SysKey(2, 0, 1, 4, 4)
	keyCLAIMSET = cpu.SysKey(2, 0, 7, 8, 6)
	keyCLAIMCLR = cpu.SysKey(2, 0, 7, 9, 6)
	keyAUTHSTAT = cpu.SysKey(2, 0, 7, 14, 6)
	keyMDCCSR   = cpu.SysKey(2, 3, 0, 1, 0)
)

// plain is storage for the op0=2 registers package debugregs does not model (MDCCINT, DBGPRCR,
// DBGCLAIM, ...): Port asks debugregs first and comes here only for the encodings it does not decode, so
// the comparators, MDSCR and the OS lock never reach this.
type plain struct {
	mdccint uint64
	dbgprcr uint64
	claim   uint64
}

func (d *plain) ReadDebugReg(key uint32) (uint64, bool) {
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

func (d *plain) WriteDebugReg(key uint32, v uint64) bool {
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

// Name names a debug register encoding: debugregs' own, or one of plain's; "" if neither.
func Name(key uint32) string {
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
