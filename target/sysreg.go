package target

// System registers as MRS/MSR see them. Values of the identification
// registers are those QEMU 7.2 shows for `-M virt -cpu cortex-a57` without
// EL2/EL3 (read on that QEMU with a probe guest; see sysreg_test.go).

type sysRegKind uint8

const (
	srPlain   sysRegKind = iota // storage; reset value; write mask
	srConst                     // read-only constant
	srSpecial                   // computed or has side effects (handled by key)
)

type sysRegDesc struct {
	name  string
	key   uint32
	kind  sysRegKind
	reset uint64
	wmask uint64 // writable bits for srPlain (0 = all)
	el0   uint8  // EL0 access: 0 none, 1 read, 2 read/write
}

const (
	el0None uint8 = iota
	el0Read
	el0RW
)

func k(op0, op1, crn, crm, op2 uint32) uint32 { return sysKey(op0, op1, crn, crm, op2) }

// Keys of the registers the executor treats specially.
var (
	keyMPIDR      = k(3, 0, 0, 0, 5)
	keyCCSIDR     = k(3, 1, 0, 0, 0)
	keyCSSELR     = k(3, 2, 0, 0, 0)
	keySCTLR      = k(3, 0, 1, 0, 0)
	keySPSR       = k(3, 0, 4, 0, 0)
	keyELR        = k(3, 0, 4, 0, 1)
	keySPEL0      = k(3, 0, 4, 1, 0)
	keySPSel      = k(3, 0, 4, 2, 0)
	keyCurrentEL  = k(3, 0, 4, 2, 2)
	keyDAIF       = k(3, 3, 4, 2, 1)
	keyNZCV       = k(3, 3, 4, 2, 0)
	keyESR        = k(3, 0, 5, 2, 0)
	keyFAR        = k(3, 0, 6, 0, 0)
	keyVBAR       = k(3, 0, 12, 0, 0)
	keyCNTPCT     = k(3, 3, 14, 0, 1)
	keyCNTVCT     = k(3, 3, 14, 0, 2)
	keyCNTPTVAL   = k(3, 3, 14, 2, 0)
	keyCNTPCVAL   = k(3, 3, 14, 2, 2)
	keyCNTVTVAL   = k(3, 3, 14, 3, 0)
	keyCNTVCVAL   = k(3, 3, 14, 3, 2)
	keyCTR        = k(3, 3, 0, 0, 1)
	keyTPIDRRO    = k(3, 3, 13, 0, 3)
	keySPEL1      = k(3, 4, 4, 1, 0) // EL2-only view: UNDEFINED from EL1
	sctlrResetVal = uint64(0xc50838)
)

// sctlr bits we consult.
const (
	sctlrUMA = 1 << 9
	sctlrDZE = 1 << 14
	sctlrUCT = 1 << 15
)

var sysRegTable = []sysRegDesc{
	{"MIDR_EL1", k(3, 0, 0, 0, 0), srConst, 0x411fd070, 0, 0},
	{"MPIDR_EL1", keyMPIDR, srSpecial, 0, 0, 0},
	{"REVIDR_EL1", k(3, 0, 0, 0, 6), srConst, 0, 0, 0},
	{"ID_PFR0_EL1", k(3, 0, 0, 1, 0), srConst, 0x131, 0, 0},
	{"ID_PFR1_EL1", k(3, 0, 0, 1, 1), srConst, 0x10001, 0, 0},
	{"ID_DFR0_EL1", k(3, 0, 0, 1, 2), srConst, 0x03010006, 0, 0},
	{"ID_AFR0_EL1", k(3, 0, 0, 1, 3), srConst, 0, 0, 0},
	{"ID_MMFR0_EL1", k(3, 0, 0, 1, 4), srConst, 0x10101105, 0, 0},
	{"ID_MMFR1_EL1", k(3, 0, 0, 1, 5), srConst, 0x40000000, 0, 0},
	{"ID_MMFR2_EL1", k(3, 0, 0, 1, 6), srConst, 0x01260000, 0, 0},
	{"ID_MMFR3_EL1", k(3, 0, 0, 1, 7), srConst, 0x02102211, 0, 0},
	{"ID_ISAR0_EL1", k(3, 0, 0, 2, 0), srConst, 0x02101110, 0, 0},
	{"ID_ISAR1_EL1", k(3, 0, 0, 2, 1), srConst, 0x13112111, 0, 0},
	{"ID_ISAR2_EL1", k(3, 0, 0, 2, 2), srConst, 0x21232042, 0, 0},
	{"ID_ISAR3_EL1", k(3, 0, 0, 2, 3), srConst, 0x01112131, 0, 0},
	{"ID_ISAR4_EL1", k(3, 0, 0, 2, 4), srConst, 0x00011142, 0, 0},
	{"ID_ISAR5_EL1", k(3, 0, 0, 2, 5), srConst, 0x00011121, 0, 0},
	{"MVFR0_EL1", k(3, 0, 0, 3, 0), srConst, 0x10110222, 0, 0},
	{"MVFR1_EL1", k(3, 0, 0, 3, 1), srConst, 0x12111111, 0, 0},
	{"MVFR2_EL1", k(3, 0, 0, 3, 2), srConst, 0x43, 0, 0},
	{"ID_AA64PFR0_EL1", k(3, 0, 0, 4, 0), srConst, 0x22, 0, 0},
	{"ID_AA64DFR0_EL1", k(3, 0, 0, 5, 0), srConst, 0x10305106, 0, 0},
	{"ID_AA64ISAR0_EL1", k(3, 0, 0, 6, 0), srConst, 0x11120, 0, 0},
	{"ID_AA64MMFR0_EL1", k(3, 0, 0, 7, 0), srConst, 0x1124, 0, 0},
	{"CCSIDR_EL1", keyCCSIDR, srSpecial, 0, 0, 0},
	{"CLIDR_EL1", k(3, 1, 0, 0, 1), srConst, 0x0a200023, 0, 0},
	{"AIDR_EL1", k(3, 1, 0, 0, 7), srConst, 0, 0, 0},
	{"CSSELR_EL1", keyCSSELR, srPlain, 0, 0xf, 0},
	{"CTR_EL0", keyCTR, srSpecial, 0x8444c004, 0, 0},
	{"DCZID_EL0", k(3, 3, 0, 0, 7), srConst, 4, 0, el0Read},
	{"SCTLR_EL1", keySCTLR, srPlain, sctlrResetVal, 0, 0},
	{"ACTLR_EL1", k(3, 0, 1, 0, 1), srPlain, 0, 0, 0},
	{"CPACR_EL1", k(3, 0, 1, 0, 2), srPlain, 0, 0x300000, 0},
	{"TTBR0_EL1", k(3, 0, 2, 0, 0), srPlain, 0, 0, 0},
	{"TTBR1_EL1", k(3, 0, 2, 0, 1), srPlain, 0, 0, 0},
	{"TCR_EL1", k(3, 0, 2, 0, 2), srPlain, 0, 0, 0},
	{"SPSR_EL1", keySPSR, srPlain, 0, 0, 0},
	{"ELR_EL1", keyELR, srPlain, 0, 0, 0},
	{"SP_EL0", keySPEL0, srSpecial, 0, 0, 0},
	{"SPSel", keySPSel, srSpecial, 0, 0, 0},
	{"CurrentEL", keyCurrentEL, srSpecial, 0, 0, 0},
	{"DAIF", keyDAIF, srSpecial, 0, 0, 0},
	{"NZCV", keyNZCV, srSpecial, 0, 0, el0RW},
	{"AFSR0_EL1", k(3, 0, 5, 1, 0), srPlain, 0, 0, 0},
	{"AFSR1_EL1", k(3, 0, 5, 1, 1), srPlain, 0, 0, 0},
	{"ESR_EL1", keyESR, srPlain, 0, 0xffffffff, 0},
	{"FAR_EL1", keyFAR, srPlain, 0, 0, 0},
	{"PAR_EL1", k(3, 0, 7, 4, 0), srPlain, 0, 0, 0},
	{"PMINTENSET_EL1", k(3, 0, 9, 14, 1), srPlain, 0, 0, 0},
	{"PMINTENCLR_EL1", k(3, 0, 9, 14, 2), srPlain, 0, 0, 0},
	{"MAIR_EL1", k(3, 0, 10, 2, 0), srPlain, 0, 0, 0},
	{"AMAIR_EL1", k(3, 0, 10, 3, 0), srPlain, 0, 0, 0},
	{"VBAR_EL1", keyVBAR, srPlain, 0, ^uint64(0x7ff), 0},
	{"ISR_EL1", k(3, 0, 12, 1, 0), srConst, 0, 0, 0},
	{"CONTEXTIDR_EL1", k(3, 0, 13, 0, 1), srPlain, 0, 0xffffffff, 0},
	{"TPIDR_EL1", k(3, 0, 13, 0, 4), srPlain, 0, 0, 0},
	{"CNTKCTL_EL1", k(3, 0, 14, 1, 0), srPlain, 0, 0x3ff, 0},
	{"PMCR_EL0", k(3, 3, 9, 12, 0), srPlain, 0x41013000, 0x7f, 0},
	{"PMCNTENSET_EL0", k(3, 3, 9, 12, 1), srPlain, 0, 0, 0},
	{"PMCNTENCLR_EL0", k(3, 3, 9, 12, 2), srPlain, 0, 0, 0},
	{"PMOVSCLR_EL0", k(3, 3, 9, 12, 3), srPlain, 0, 0, 0},
	{"PMSELR_EL0", k(3, 3, 9, 12, 5), srPlain, 0, 0x1f, 0},
	{"PMCCNTR_EL0", k(3, 3, 9, 13, 0), srPlain, 0, 0, 0},
	{"PMUSERENR_EL0", k(3, 3, 9, 14, 0), srPlain, 0, 0xf, 0},
	{"TPIDR_EL0", k(3, 3, 13, 0, 2), srPlain, 0, 0, el0RW},
	{"TPIDRRO_EL0", keyTPIDRRO, srPlain, 0, 0, el0Read},
	{"CNTFRQ_EL0", k(3, 3, 14, 0, 0), srPlain, 62500000, 0xffffffff, el0Read},
	{"CNTPCT_EL0", keyCNTPCT, srSpecial, 0, 0, el0Read},
	{"CNTVCT_EL0", keyCNTVCT, srSpecial, 0, 0, el0Read},
	{"CNTP_TVAL_EL0", keyCNTPTVAL, srSpecial, 0, 0, 0},
	{"CNTP_CTL_EL0", k(3, 3, 14, 2, 1), srPlain, 0, 3, 0},
	{"CNTP_CVAL_EL0", keyCNTPCVAL, srPlain, 0, 0, 0},
	{"CNTV_TVAL_EL0", keyCNTVTVAL, srSpecial, 0, 0, 0},
	{"CNTV_CTL_EL0", k(3, 3, 14, 3, 1), srPlain, 0, 3, 0},
	{"CNTV_CVAL_EL0", keyCNTVCVAL, srPlain, 0, 0, 0},
}

// ccsidrValues are Cortex-A57's CCSIDR_EL1 per CSSELR (L1D, L1I, L2).
var ccsidrValues = [3]uint64{0x701fe00a, 0x201fe012, 0x70ffe07a}

// sysRegSlot maps a 16-bit register key to 1 + its sysRegTable index (0:
// not in the table); MRS/MSR look registers up on every execution.
var sysRegSlot = func() (t [1 << 16]uint16) {
	for i, d := range sysRegTable {
		t[d.key&0xffff] = uint16(i + 1)
	}
	return t
}()

// sysRegIndex returns key's sysRegTable index.
func sysRegIndex(key uint32) (int, bool) {
	if key > 0xffff {
		return 0, false
	}
	i := int(sysRegSlot[key&0xffff]) - 1
	return i, i >= 0
}

// idSpaceRAZ reports whether key is in the unallocated part of the ID
// register space (op0=3, op1=0, CRn=0, CRm=1..7), which reads as zero.
func idSpaceRAZ(key uint32) bool {
	return key>>7 == k(3, 0, 0, 0, 0)>>7 && key>>3&15 != 0
}

// SysRegName returns the architectural name of an encoding, or "".
func SysRegName(op0, op1, crn, crm, op2 int) string {
	key := sysKey(uint32(op0), uint32(op1), uint32(crn), uint32(crm), uint32(op2))
	if i, ok := sysRegIndex(key); ok {
		return sysRegTable[i].name
	}
	return debugRegName(key)
}

// readSys reads a system register; el0 enforces EL0 access rules.
// ok=false means the access is UNDEFINED.
func (c *CPU) readSys(key uint32, checkEL bool) (uint64, bool) {
	if key>>14 == 2 || key == keyIDDFR0 || key == keyIDDFR1 {
		if v, ok, handled := c.debugRead(key, checkEL); handled {
			return v, ok
		}
	}
	i, found := sysRegIndex(key)
	if !found {
		if idSpaceRAZ(key) && !(checkEL && c.el == 0) {
			return 0, true
		}
		return 0, false
	}
	d := &sysRegTable[i]
	if checkEL && c.el == 0 && d.el0 == el0None {
		switch {
		case key == keyDAIF && c.sr[idxSCTLR]&sctlrUMA != 0:
		case key == keyCTR && c.sr[idxSCTLR]&sctlrUCT != 0:
		default:
			return 0, false
		}
	}
	switch d.kind {
	case srConst:
		return d.reset, true
	case srPlain:
		return c.sr[i], true
	}
	switch key {
	case keyMPIDR:
		return c.MPIDR(), true
	case keyCCSIDR:
		if sel := c.sr[idxCSSELR]; sel < 3 {
			return ccsidrValues[sel], true
		}
		return 0, true
	case keyCTR:
		return d.reset, true
	case keySPEL0:
		if checkEL && c.spsel == 0 {
			return 0, false
		}
		return c.spBank[0], true
	case keySPSel:
		return uint64(c.spsel), true
	case keyCurrentEL:
		return uint64(c.el) << 2, true
	case keyDAIF:
		return c.daif, true
	case keyNZCV:
		return c.nzcv, true
	case keyCNTPCT, keyCNTVCT:
		return c.counter(), true
	case keyCNTPTVAL:
		return uint64(uint32(c.sr[idxCNTPCVAL] - c.counter())), true
	case keyCNTVTVAL:
		return uint64(uint32(c.sr[idxCNTVCVAL] - c.counter())), true
	}
	return 0, false
}

// writeSys writes a system register; ok=false means UNDEFINED.
func (c *CPU) writeSys(key uint32, v uint64, checkEL bool) bool {
	if key>>14 == 2 {
		return c.debugWrite(key, v, checkEL)
	}
	i, found := sysRegIndex(key)
	if !found {
		return false
	}
	d := &sysRegTable[i]
	if checkEL && c.el == 0 && d.el0 != el0RW {
		if !(key == keyDAIF && c.sr[idxSCTLR]&sctlrUMA != 0) {
			return false
		}
	}
	switch d.kind {
	case srConst:
		return !checkEL // debugger writes to constants are ignored; MSR is UNDEFINED
	case srPlain:
		if checkEL && key == keyTPIDRRO && c.el == 0 {
			return false
		}
		if d.wmask != 0 {
			v &= d.wmask
		}
		c.sr[i] = v
		return true
	}
	switch key {
	case keySPEL0:
		if checkEL && c.spsel == 0 {
			return false
		}
		c.spBank[0] = v
		return true
	case keySPSel:
		c.setMode(c.el, uint8(v&1))
		return true
	case keyCurrentEL, keyMPIDR, keyCCSIDR, keyCTR, keyCNTPCT, keyCNTVCT:
		return !checkEL
	case keyDAIF:
		c.daif = v & 0x3c0
		return true
	case keyNZCV:
		c.nzcv = v & 0xf0000000
		return true
	case keyCNTPTVAL:
		c.sr[idxCNTPCVAL] = c.counter() + sext(v&0xffffffff, 32)
		return true
	case keyCNTVTVAL:
		c.sr[idxCNTVCVAL] = c.counter() + sext(v&0xffffffff, 32)
		return true
	}
	return false
}

func mustIndex(key uint32) int {
	if i, ok := sysRegIndex(key); ok {
		return i
	}
	return 0
}

var (
	idxSCTLR    = mustIndex(keySCTLR)
	idxCSSELR   = mustIndex(keyCSSELR)
	idxSPSR     = mustIndex(keySPSR)
	idxELR      = mustIndex(keyELR)
	idxESR      = mustIndex(keyESR)
	idxFAR      = mustIndex(keyFAR)
	idxVBAR     = mustIndex(keyVBAR)
	idxCNTPCVAL = mustIndex(keyCNTPCVAL)
	idxCNTVCVAL = mustIndex(keyCNTVCVAL)
)

// How inner may execute an MRS (inst.cond of opMRS; amt is the sysRegTable
// index). Anything else goes to readSys.
const (
	mrsGeneral  uint8 = iota
	mrsPlainEL1       // storage register, EL0 access UNDEFINED: c.sr[amt] at EL1
	mrsPlain          // storage register EL0 may read too: c.sr[amt]
	mrsCounter        // CNTVCT_EL0/CNTPCT_EL0: counter()
)

// mrsInst decodes MRS rd, key, choosing what readSys would do where that
// does not depend on state other than the EL.
func mrsInst(rd uint8, key uint32) inst {
	in := inst{op: opMRS, rd: rd, imm: uint64(key)}
	if key>>14 == 2 || key == keyIDDFR0 || key == keyIDDFR1 {
		return in // the debug registers' own paths
	}
	i, found := sysRegIndex(key)
	if !found || i >= len(CPU{}.sr) {
		return in
	}
	d := &sysRegTable[i]
	switch {
	case d.kind == srPlain && d.el0 == el0None:
		in.cond, in.amt = mrsPlainEL1, uint8(i)
	case d.kind == srPlain:
		in.cond, in.amt = mrsPlain, uint8(i)
	case key == keyCNTVCT || key == keyCNTPCT:
		in.cond = mrsCounter
	}
	return in
}
