package debugregs

// Register value types. Each is the raw 64-bit value an MRS returns; the methods are the Arm ARM field
// names (DDI0487 D24.3 for the debug registers, D24.2.80/.81 for the ID registers). Builders (With…)
// return a modified copy so a value can be spelled in one expression:
//
//	DBGWCR(0).WithE(true).WithPAC(PACEL1).WithLSC(LSCStore).WithBAS(0xff)

// Field positions, named as in the Arm ARM register descriptions.
var (
	// DBGBCR<n>_EL1, D24.3.2.
	bcrE    = bit(0)
	bcrPMC  = field(2, 1)
	bcrBT2  = bit(3)
	bcrBAS  = field(8, 5)
	bcrHMC  = bit(13)
	bcrSSC  = field(15, 14)
	bcrLBN  = field(19, 16)
	bcrBT   = field(23, 20)
	bcrMASK = field(28, 24)
	bcrSSCE = bit(29)
	bcrLBNX = field(31, 30)

	// DBGWCR<n>_EL1, D24.3.11.
	wcrE    = bit(0)
	wcrPAC  = field(2, 1)
	wcrLSC  = field(4, 3)
	wcrBAS  = field(12, 5)
	wcrHMC  = bit(13)
	wcrSSC  = field(15, 14)
	wcrLBN  = field(19, 16)
	wcrWT   = bit(20)
	wcrWT2  = bit(22)
	wcrMASK = field(28, 24)
	wcrSSCE = bit(29)
	wcrLBNX = field(31, 30)

	// DBGBVR<n>_EL1 (D24.3.3) and DBGWVR<n>_EL1 (D24.3.12): VA[63:2], bits [1:0] RES0 for address types.
	vrVA        = field(63, 2)
	bvrContext  = field(31, 0)
	bvrVMID     = field(47, 32)
	bvrContext2 = field(63, 32)

	// MDSCR_EL1, D24.3.20.
	mdscrSS     = bit(0)
	mdscrERR    = bit(6)
	mdscrTDCC   = bit(12)
	mdscrKDE    = bit(13)
	mdscrHDE    = bit(14)
	mdscrMDE    = bit(15)
	mdscrTDA    = bit(21)
	mdscrINTdis = field(23, 22)
	mdscrTXU    = bit(26)
	mdscrRXO    = bit(27)
	mdscrTXfull = bit(29)
	mdscrRXfull = bit(30)
	mdscrEMBWE  = bit(32)
	mdscrEHBWE  = bit(35)

	// MDSELR_EL1, D24.3.21 (FEAT_Debugv8p9).
	mdselrBANK = field(5, 4)

	// OSLAR_EL1 (D24.3.27), OSLSR_EL1 (D24.3.28), OSDLR_EL1 (D24.3.23).
	oslarOSLK  = bit(0)
	oslsrOSLM0 = bit(0)
	oslsrOSLK  = bit(1)
	oslsrNTT   = bit(2)
	oslsrOSLM1 = bit(3)
	osdlrDLK   = bit(0)

	// ID_AA64DFR0_EL1 (D24.2.80) and ID_AA64DFR1_EL1 (D24.2.81).
	dfr0DebugVer   = field(3, 0)
	dfr0PMUVer     = field(11, 8)
	dfr0BRPs       = field(15, 12)
	dfr0WRPs       = field(23, 20)
	dfr0CTXCMPs    = field(31, 28)
	dfr0DoubleLock = field(39, 36)
	dfr1BRPs       = field(15, 8)
	dfr1WRPs       = field(23, 16)
	dfr1CTXCMPs    = field(31, 24)
)

// PMC is DBGBCR.PMC and PAC is DBGWCR.PAC: which Exception levels the comparator matches at. Bit 0 is EL1
// and bit 1 is EL0, the only two combinations Linux writes (table D2-8 with HMC=0, SSC=0).
type PMC uint8

// PAC has the same encoding as PMC, for watchpoints (table D2-13).
type PAC = PMC

// Privilege encodings.
const (
	PMCEL1    PMC = 0b01
	PMCEL0    PMC = 0b10
	PMCEL0EL1 PMC = 0b11
	PACEL1        = PMCEL1
	PACEL0        = PMCEL0
	PACEL0EL1     = PMCEL0EL1
)

// LSC is DBGWCR.LSC, the access types a watchpoint matches.
type LSC uint8

// LSC encodings (D24.3.11). LSC 0b00 is reserved.
const (
	LSCReserved LSC = 0b00
	LSCLoad     LSC = 0b01
	LSCStore    LSC = 0b10
	LSCAny      LSC = 0b11
)

// Breakpoint types, DBGBCR.BT (D2.8.3.2), with BT2 = 0.
const (
	BTUnlinkedAddress     = 0b0000
	BTLinkedAddress       = 0b0001
	BTUnlinkedContextID   = 0b0010
	BTLinkedContextID     = 0b0011
	BTUnlinkedMismatch    = 0b0100
	BTLinkedMismatch      = 0b0101
	BTUnlinkedContextIDR1 = 0b0110
	BTLinkedContextIDR1   = 0b0111
	BTUnlinkedVMID        = 0b1000
	BTLinkedVMID          = 0b1001
	BTUnlinkedVMIDContext = 0b1010
	BTLinkedVMIDContext   = 0b1011
	BTUnlinkedContextIDR2 = 0b1100
	BTLinkedContextIDR2   = 0b1101
	BTUnlinkedFullContext = 0b1110
	BTLinkedFullContext   = 0b1111
)

// DBGBCR is DBGBCR<n>_EL1, a breakpoint control register.
type DBGBCR uint64

func (r DBGBCR) E() bool     { return bcrE.flag(uint64(r)) }
func (r DBGBCR) PMC() PMC    { return PMC(bcrPMC.get(uint64(r))) }
func (r DBGBCR) BT2() bool   { return bcrBT2.flag(uint64(r)) }
func (r DBGBCR) BAS() uint8  { return uint8(bcrBAS.get(uint64(r))) }
func (r DBGBCR) HMC() bool   { return bcrHMC.flag(uint64(r)) }
func (r DBGBCR) SSC() uint8  { return uint8(bcrSSC.get(uint64(r))) }
func (r DBGBCR) LBN() uint8  { return uint8(bcrLBN.get(uint64(r))) }
func (r DBGBCR) BT() uint8   { return uint8(bcrBT.get(uint64(r))) }
func (r DBGBCR) MASK() uint8 { return uint8(bcrMASK.get(uint64(r))) }
func (r DBGBCR) SSCE() bool  { return bcrSSCE.flag(uint64(r)) }
func (r DBGBCR) LBNX() uint8 { return uint8(bcrLBNX.get(uint64(r))) }
func (r DBGBCR) LinkedBreakpoint() int {
	return int(r.LBNX())<<bcrLBN.width | int(r.LBN())
}

func (r DBGBCR) WithE(on bool) DBGBCR    { return DBGBCR(bcrE.setFlag(uint64(r), on)) }
func (r DBGBCR) WithPMC(p PMC) DBGBCR    { return DBGBCR(bcrPMC.set(uint64(r), uint64(p))) }
func (r DBGBCR) WithBT2(on bool) DBGBCR  { return DBGBCR(bcrBT2.setFlag(uint64(r), on)) }
func (r DBGBCR) WithBAS(b uint8) DBGBCR  { return DBGBCR(bcrBAS.set(uint64(r), uint64(b))) }
func (r DBGBCR) WithHMC(on bool) DBGBCR  { return DBGBCR(bcrHMC.setFlag(uint64(r), on)) }
func (r DBGBCR) WithSSC(s uint8) DBGBCR  { return DBGBCR(bcrSSC.set(uint64(r), uint64(s))) }
func (r DBGBCR) WithLBN(n uint8) DBGBCR  { return DBGBCR(bcrLBN.set(uint64(r), uint64(n))) }
func (r DBGBCR) WithBT(t uint8) DBGBCR   { return DBGBCR(bcrBT.set(uint64(r), uint64(t))) }
func (r DBGBCR) WithMASK(m uint8) DBGBCR { return DBGBCR(bcrMASK.set(uint64(r), uint64(m))) }
func (r DBGBCR) WithSSCE(on bool) DBGBCR { return DBGBCR(bcrSSCE.setFlag(uint64(r), on)) }
func (r DBGBCR) WithLBNX(n uint8) DBGBCR { return DBGBCR(bcrLBNX.set(uint64(r), uint64(n))) }

// DBGBVR is DBGBVR<n>_EL1, a breakpoint value register.
type DBGBVR uint64

// Address is the instruction address compared by address-match types: VA[63:2], bits [1:0] ignored.
func (r DBGBVR) Address() uint64 { return vrVA.get(uint64(r)) << vrVA.lsb }

// ContextID, VMID and ContextID2 are the context-type views (D24.3.3).
func (r DBGBVR) ContextID() uint32  { return uint32(bvrContext.get(uint64(r))) }
func (r DBGBVR) VMID() uint16       { return uint16(bvrVMID.get(uint64(r))) }
func (r DBGBVR) ContextID2() uint32 { return uint32(bvrContext2.get(uint64(r))) }

// WithAddress sets VA[63:2] and clears bits [1:0].
func (r DBGBVR) WithAddress(va uint64) DBGBVR { return DBGBVR(vrVA.set(uint64(r), va>>vrVA.lsb)) }

// DBGWCR is DBGWCR<n>_EL1, a watchpoint control register.
type DBGWCR uint64

func (r DBGWCR) E() bool     { return wcrE.flag(uint64(r)) }
func (r DBGWCR) PAC() PAC    { return PAC(wcrPAC.get(uint64(r))) }
func (r DBGWCR) LSC() LSC    { return LSC(wcrLSC.get(uint64(r))) }
func (r DBGWCR) BAS() uint8  { return uint8(wcrBAS.get(uint64(r))) }
func (r DBGWCR) HMC() bool   { return wcrHMC.flag(uint64(r)) }
func (r DBGWCR) SSC() uint8  { return uint8(wcrSSC.get(uint64(r))) }
func (r DBGWCR) LBN() uint8  { return uint8(wcrLBN.get(uint64(r))) }
func (r DBGWCR) WT() bool    { return wcrWT.flag(uint64(r)) }
func (r DBGWCR) WT2() bool   { return wcrWT2.flag(uint64(r)) }
func (r DBGWCR) MASK() uint8 { return uint8(wcrMASK.get(uint64(r))) }
func (r DBGWCR) SSCE() bool  { return wcrSSCE.flag(uint64(r)) }
func (r DBGWCR) LBNX() uint8 { return uint8(wcrLBNX.get(uint64(r))) }
func (r DBGWCR) LinkedBreakpoint() int {
	return int(r.LBNX())<<wcrLBN.width | int(r.LBN())
}

func (r DBGWCR) WithE(on bool) DBGWCR    { return DBGWCR(wcrE.setFlag(uint64(r), on)) }
func (r DBGWCR) WithPAC(p PAC) DBGWCR    { return DBGWCR(wcrPAC.set(uint64(r), uint64(p))) }
func (r DBGWCR) WithLSC(l LSC) DBGWCR    { return DBGWCR(wcrLSC.set(uint64(r), uint64(l))) }
func (r DBGWCR) WithBAS(b uint8) DBGWCR  { return DBGWCR(wcrBAS.set(uint64(r), uint64(b))) }
func (r DBGWCR) WithHMC(on bool) DBGWCR  { return DBGWCR(wcrHMC.setFlag(uint64(r), on)) }
func (r DBGWCR) WithSSC(s uint8) DBGWCR  { return DBGWCR(wcrSSC.set(uint64(r), uint64(s))) }
func (r DBGWCR) WithLBN(n uint8) DBGWCR  { return DBGWCR(wcrLBN.set(uint64(r), uint64(n))) }
func (r DBGWCR) WithWT(on bool) DBGWCR   { return DBGWCR(wcrWT.setFlag(uint64(r), on)) }
func (r DBGWCR) WithWT2(on bool) DBGWCR  { return DBGWCR(wcrWT2.setFlag(uint64(r), on)) }
func (r DBGWCR) WithMASK(m uint8) DBGWCR { return DBGWCR(wcrMASK.set(uint64(r), uint64(m))) }
func (r DBGWCR) WithSSCE(on bool) DBGWCR { return DBGWCR(wcrSSCE.setFlag(uint64(r), on)) }
func (r DBGWCR) WithLBNX(n uint8) DBGWCR { return DBGWCR(wcrLBNX.set(uint64(r), uint64(n))) }

// DBGWVR is DBGWVR<n>_EL1, a watchpoint value register.
type DBGWVR uint64

// Address is the data address: VA[63:2], bits [1:0] RES0.
func (r DBGWVR) Address() uint64 { return vrVA.get(uint64(r)) << vrVA.lsb }

// WithAddress sets VA[63:2] and clears bits [1:0].
func (r DBGWVR) WithAddress(va uint64) DBGWVR { return DBGWVR(vrVA.set(uint64(r), va>>vrVA.lsb)) }

// MDSCR is MDSCR_EL1, the monitor debug system control register.
type MDSCR uint64

func (r MDSCR) SS() bool      { return mdscrSS.flag(uint64(r)) }
func (r MDSCR) ERR() bool     { return mdscrERR.flag(uint64(r)) }
func (r MDSCR) TDCC() bool    { return mdscrTDCC.flag(uint64(r)) }
func (r MDSCR) KDE() bool     { return mdscrKDE.flag(uint64(r)) }
func (r MDSCR) HDE() bool     { return mdscrHDE.flag(uint64(r)) }
func (r MDSCR) MDE() bool     { return mdscrMDE.flag(uint64(r)) }
func (r MDSCR) TDA() bool     { return mdscrTDA.flag(uint64(r)) }
func (r MDSCR) INTdis() uint8 { return uint8(mdscrINTdis.get(uint64(r))) }
func (r MDSCR) TXU() bool     { return mdscrTXU.flag(uint64(r)) }
func (r MDSCR) RXO() bool     { return mdscrRXO.flag(uint64(r)) }
func (r MDSCR) TXfull() bool  { return mdscrTXfull.flag(uint64(r)) }
func (r MDSCR) RXfull() bool  { return mdscrRXfull.flag(uint64(r)) }
func (r MDSCR) EMBWE() bool   { return mdscrEMBWE.flag(uint64(r)) }
func (r MDSCR) EHBWE() bool   { return mdscrEHBWE.flag(uint64(r)) }

func (r MDSCR) WithSS(on bool) MDSCR    { return MDSCR(mdscrSS.setFlag(uint64(r), on)) }
func (r MDSCR) WithTDCC(on bool) MDSCR  { return MDSCR(mdscrTDCC.setFlag(uint64(r), on)) }
func (r MDSCR) WithKDE(on bool) MDSCR   { return MDSCR(mdscrKDE.setFlag(uint64(r), on)) }
func (r MDSCR) WithMDE(on bool) MDSCR   { return MDSCR(mdscrMDE.setFlag(uint64(r), on)) }
func (r MDSCR) WithEMBWE(on bool) MDSCR { return MDSCR(mdscrEMBWE.setFlag(uint64(r), on)) }

// MDSELR is MDSELR_EL1 (FEAT_Debugv8p9): BANK selects which 16 physical comparators the names
// DBG{B,W}{C,V}R<0..15>_EL1 reach (D2.8.2 RKSCWV).
type MDSELR uint64

func (r MDSELR) BANK() uint8             { return uint8(mdselrBANK.get(uint64(r))) }
func (r MDSELR) WithBANK(b uint8) MDSELR { return MDSELR(mdselrBANK.set(uint64(r), uint64(b))) }

// OSLSR is OSLSR_EL1, the OS lock status register.
type OSLSR uint64

func (r OSLSR) OSLK() bool { return oslsrOSLK.flag(uint64(r)) }
func (r OSLSR) NTT() bool  { return oslsrNTT.flag(uint64(r)) }

// OSLM is the two-bit lock model field split over bits {3,0}; 0b10 means the OS lock is implemented.
func (r OSLSR) OSLM() uint8 {
	return uint8(oslsrOSLM1.get(uint64(r))<<1 | oslsrOSLM0.get(uint64(r)))
}

// OSDLR is OSDLR_EL1, the OS double lock register.
type OSDLR uint64

func (r OSDLR) DLK() bool { return osdlrDLK.flag(uint64(r)) }

// IDAA64DFR0 is ID_AA64DFR0_EL1.
type IDAA64DFR0 uint64

func (r IDAA64DFR0) DebugVer() uint8   { return uint8(dfr0DebugVer.get(uint64(r))) }
func (r IDAA64DFR0) PMUVer() uint8     { return uint8(dfr0PMUVer.get(uint64(r))) }
func (r IDAA64DFR0) BRPs() uint8       { return uint8(dfr0BRPs.get(uint64(r))) }
func (r IDAA64DFR0) WRPs() uint8       { return uint8(dfr0WRPs.get(uint64(r))) }
func (r IDAA64DFR0) CTXCMPs() uint8    { return uint8(dfr0CTXCMPs.get(uint64(r))) }
func (r IDAA64DFR0) DoubleLock() uint8 { return uint8(dfr0DoubleLock.get(uint64(r))) }

// IDAA64DFR1 is ID_AA64DFR1_EL1; its counts are 0 (use DFR0) or count minus one.
type IDAA64DFR1 uint64

func (r IDAA64DFR1) BRPs() uint8    { return uint8(dfr1BRPs.get(uint64(r))) }
func (r IDAA64DFR1) WRPs() uint8    { return uint8(dfr1WRPs.get(uint64(r))) }
func (r IDAA64DFR1) CTXCMPs() uint8 { return uint8(dfr1CTXCMPs.get(uint64(r))) }

// DebugVer values of ID_AA64DFR0_EL1.DebugVer.
const (
	DebugVerV8   = 0b0110
	DebugVerV8p1 = 0b0111
	DebugVerV8p2 = 0b1000
	DebugVerV8p4 = 0b1001
	DebugVerV8p8 = 0b1010
	DebugVerV8p9 = 0b1011
)
