package selfdebug

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// Cortex-A57 has 6 breakpoints and 4 watchpoints (ID_AA64DFR0_EL1).
const (
	numBreakpoints = 6
	numWatchpoints = 4
)

var (
	keyMDCCINT   = cpu.SysKey(2, 0, 0, 2, 0)
	keyMDSCR     = cpu.SysKey(2, 0, 0, 2, 2)
	keyMDRAR     = cpu.SysKey(2, 0, 1, 0, 0)
	keyOSLAR     = cpu.SysKey(2, 0, 1, 0, 4)
	keyOSLSR     = cpu.SysKey(2, 0, 1, 1, 4)
	keyOSDLR     = cpu.SysKey(2, 0, 1, 3, 4)
	keyDBGPRCR   = cpu.SysKey(2, 0, 1, 4, 4)
	keyCLAIMSET  = cpu.SysKey(2, 0, 7, 8, 6)
	keyCLAIMCLR  = cpu.SysKey(2, 0, 7, 9, 6)
	keyAUTHSTAT  = cpu.SysKey(2, 0, 7, 14, 6)
	keyMDCCSR    = cpu.SysKey(2, 3, 0, 1, 0)
	oslsrResetOK = uint64(0xa)
)

// plain is storage for the op0=2 registers package debugregs does not
// model (MDCCINT, DBGPRCR, DBGCLAIM, ...): Port asks debugregs first and comes
// here only for encodings it does not decode. Its comparator, MDSCR
// and OS-lock entries are therefore never reached from MRS/MSR.
type plain struct {
	bvr, bcr [numBreakpoints]uint64
	wvr, wcr [numWatchpoints]uint64
	mdscr    uint64
	oslsr    uint64
	osdlr    uint64
	mdccint  uint64
	dbgprcr  uint64
	claim    uint64
}

// slot returns the pointer for DBGBVR/BCR/WVR/WCR<n> (op0=2, op1=0, CRn=0, op2=4..7).
func (d *plain) slot(key uint32) *uint64 {
	if key>>7 != cpu.SysKey(2, 0, 0, 0, 0)>>7 {
		return nil
	}
	n, op2 := key>>3&15, key&7
	switch {
	case op2 == 4 && n < numBreakpoints:
		return &d.bvr[n]
	case op2 == 5 && n < numBreakpoints:
		return &d.bcr[n]
	case op2 == 6 && n < numWatchpoints:
		return &d.wvr[n]
	case op2 == 7 && n < numWatchpoints:
		return &d.wcr[n]
	}
	return nil
}

func (d *plain) ReadDebugReg(key uint32) (uint64, bool) {
	if p := d.slot(key); p != nil {
		return *p, true
	}
	switch key {
	case keyMDSCR:
		return d.mdscr, true
	case keyOSLSR:
		return d.oslsr, true
	case keyOSDLR:
		return d.osdlr, true
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
	if p := d.slot(key); p != nil {
		switch key & 7 {
		case 4, 6: // value registers: bits [1:0] RES0
			v &^= 3
		case 5, 7: // control registers: bits [63:32] RES0
			v &= 0xffffffff
		}
		*p = v
		return true
	}
	switch key {
	case keyMDSCR:
		d.mdscr = v
	case keyOSLAR:
		d.oslsr = d.oslsr&^2 | (v&1)<<1
	case keyOSDLR:
		d.osdlr = 0 // no FEAT_DoubleLock: RAZ/WI
	case keyMDCCINT:
		d.mdccint = v
	case keyDBGPRCR:
		d.dbgprcr = v & 1
	case keyCLAIMSET:
		d.claim |= v & 0xff
	case keyCLAIMCLR:
		d.claim &^= v & 0xff
	case keyOSLSR, keyMDRAR, keyAUTHSTAT, keyMDCCSR:
		return false // read-only
	default:
		return false
	}
	return true
}

// Name returns the architectural name of an op0 = 2 encoding, or "".
func Name(key uint32) string {
	if key>>7 == cpu.SysKey(2, 0, 0, 0, 0)>>7 {
		n := key >> 3 & 15
		switch key & 7 {
		case 4:
			return fmt.Sprintf("DBGBVR%d_EL1", n)
		case 5:
			return fmt.Sprintf("DBGBCR%d_EL1", n)
		case 6:
			return fmt.Sprintf("DBGWVR%d_EL1", n)
		case 7:
			return fmt.Sprintf("DBGWCR%d_EL1", n)
		}
	}
	switch key {
	case keyMDSCR:
		return "MDSCR_EL1"
	case keyOSLAR:
		return "OSLAR_EL1"
	case keyOSLSR:
		return "OSLSR_EL1"
	case keyOSDLR:
		return "OSDLR_EL1"
	case keyMDCCINT:
		return "MDCCINT_EL1"
	case keyMDRAR:
		return "MDRAR_EL1"
	}
	return ""
}
