package debugregs

// ESR_ELx layout (Arm ARM D24.2.45): EC [31:26], IL [25], ISS [24:0].
var (
	esrEC  = field(31, 26)
	esrIL  = bit(25)
	esrISV = bit(24) // software step: EX is valid
	esrEX  = bit(6)  // software step: the stepped instruction was a load-exclusive
	esrWnR = bit(6)  // watchpoint: write not read
	esrCM  = bit(8)  // watchpoint: cache maintenance
	esrWPT = field(23, 18)
	esrWPV = bit(17) // WPTV: WPT is valid
	esrFSC = field(5, 0)
	esrBRK = field(15, 0)
)

// Exception classes of the debug exceptions. "Lower" is taken from EL0, "Current" from EL1; the
// same-EL class is the lower one plus one.
const (
	ECBreakpointLower   = 0x30
	ECBreakpointCurrent = 0x31
	ECStepLower         = 0x32
	ECStepCurrent       = 0x33
	ECWatchpointLower   = 0x34
	ECWatchpointCurrent = 0x35
	ECBRK64             = 0x3c
)

// fscDebug is IFSC/DFSC 0b100010, "Debug exception".
const fscDebug = 0x22

func debugESR(ec uint64, sameEL bool, iss uint64) uint64 {
	if sameEL {
		ec++
	}
	v := esrEC.set(0, ec)
	v = esrIL.setFlag(v, true)
	return v | iss
}

// BreakpointSyndrome is the ESR for a Breakpoint exception: EC 0x30/0x31, IL=1, IFSC=0x22. Taken from
// EL1 it is 0xc6000022, the value QEMU reports (docs/background.md §3.1).
func BreakpointSyndrome(sameEL bool) uint64 {
	return debugESR(ECBreakpointLower, sameEL, esrFSC.set(0, fscDebug))
}

// SoftwareStepSyndrome is the ESR for a Software Step exception: EC 0x32/0x33, IL=1, ISV, EX, IFSC=0x22.
func SoftwareStepSyndrome(sameEL, isv, ex bool) uint64 {
	iss := esrFSC.set(0, fscDebug)
	iss = esrISV.setFlag(iss, isv)
	iss = esrEX.setFlag(iss, isv && ex)
	return debugESR(ECStepLower, sameEL, iss)
}

// WatchSyndrome holds the ISS fields of a Watchpoint exception.
type WatchSyndrome struct {
	WnR  bool
	CM   bool
	WPTV bool  // set with FEAT_Debugv8p9 (required there), then WPT names the watchpoint
	WPT  uint8 // 0..63
}

// WatchpointSyndrome is the ESR for a Watchpoint exception: EC 0x34/0x35, IL=1, DFSC=0x22, WnR, CM,
// WPTV/WPT.
func WatchpointSyndrome(sameEL bool, w WatchSyndrome) uint64 {
	iss := esrFSC.set(0, fscDebug)
	iss = esrWnR.setFlag(iss, w.WnR)
	iss = esrCM.setFlag(iss, w.CM)
	if w.WPTV {
		iss = esrWPV.setFlag(iss, true)
		iss = esrWPT.set(iss, uint64(w.WPT))
	}
	return debugESR(ECWatchpointLower, sameEL, iss)
}

// BRKSyndrome is the ESR for a BRK instruction: EC 0x3c, IL=1, the 16-bit comment. BRK is not affected
// by MDE, KDE, PSTATE.D or the OS lock.
func BRKSyndrome(comment uint16) uint64 {
	v := esrEC.set(0, ECBRK64)
	v = esrIL.setFlag(v, true)
	return esrBRK.set(v, uint64(comment))
}

// ESREC extracts ESR_ELx.EC.
func ESREC(esr uint64) uint8 { return uint8(esrEC.get(esr)) }
