package debugregs

// Writable bits (everything else is RES0 and implemented as RAZ/WI, or reads as its fixed value).
var (
	// DBGBCR: E, PMC, BAS, HMC, SSC, LBN, BT. MASK (FEAT_BWE), BT2 (FEAT_ABLE) and SSCE (FEAT_RME) are not
	// implemented; LBNX only with Debugv8p9.
	bcrWritable = bcrE.mask() | bcrPMC.mask() | bcrBAS.mask() | bcrHMC.mask() | bcrSSC.mask() |
		bcrLBN.mask() | bcrBT.mask()
	// DBGWCR: E, PAC, LSC, BAS, HMC, SSC, LBN, WT, MASK. WT2 (FEAT_BWE2) and SSCE are not implemented;
	// LBNX only with Debugv8p9.
	wcrWritable = wcrE.mask() | wcrPAC.mask() | wcrLSC.mask() | wcrBAS.mask() | wcrHMC.mask() |
		wcrSSC.mask() | wcrLBN.mask() | wcrWT.mask() | wcrMASK.mask()
	// MDSCR_EL1 bits software owns while the OS lock is clear.
	mdscrWritable = mdscrSS.mask() | mdscrTDCC.mask() | mdscrKDE.mask() | mdscrMDE.mask()
	// MDSCR_EL1 bits that are read-only views of EDSCR while the OS lock is clear and become writable
	// (save/restore) while it is set (D24.3.20). With no external debugger, we choose to keep whatever
	// was saved into them.
	mdscrSaveRestore = mdscrERR.mask() | mdscrHDE.mask() | mdscrTDA.mask() | mdscrINTdis.mask() |
		mdscrTXU.mask() | mdscrRXO.mask() | mdscrTXfull.mask() | mdscrRXfull.mask()
)

// ReadSysReg performs MRS of a debug register at Exception level el (0 or 1). It returns ErrNotDebugReg
// for an encoding that is not ours and ErrUndefined where the Arm ARM makes the access UNDEFINED:
// at EL0 (all of these are EL1-only, and we choose no FEAT_IDST for the ID registers); OSLAR_EL1 (write
// only); MDSELR_EL1 without Debugv8p9; a comparator whose physical index BANK*16+m is not implemented.
func (u *Unit) ReadSysReg(e Encoding, el uint8) (uint64, error) {
	r, ok := DecodeSysReg(e)
	if !ok {
		return 0, ErrNotDebugReg
	}
	if el == 0 {
		return 0, ErrUndefined
	}
	a := &u.arch
	switch r.Kind {
	case KindDBGBVR, KindDBGBCR, KindDBGWVR, KindDBGWCR:
		n, ok := u.physical(r)
		if !ok {
			return 0, ErrUndefined
		}
		v, _ := u.archValue(r.Kind, n)
		return v, nil
	case KindMDSELR:
		if !u.model.Debugv8p9 {
			return 0, ErrUndefined
		}
		return uint64(a.mdselr), nil
	case KindOSLAR:
		return 0, ErrUndefined
	}
	v, _ := u.archValue(r.Kind, 0)
	return v, nil
}

// WriteSysReg performs MSR of a debug register at el. Errors as ReadSysReg; OSLSR_EL1 and the ID
// registers are read-only (UNDEFINED to write). The write is architectural at once (a later MRS reads it
// back) and effective according to the sync policy.
func (u *Unit) WriteSysReg(e Encoding, el uint8, v uint64) error {
	r, ok := DecodeSysReg(e)
	if !ok {
		return ErrNotDebugReg
	}
	if el == 0 {
		return ErrUndefined
	}
	n := 0
	switch r.Kind {
	case KindDBGBVR, KindDBGBCR, KindDBGWVR, KindDBGWCR:
		if n, ok = u.physical(r); !ok {
			return ErrUndefined
		}
	case KindMDSELR:
		if !u.model.Debugv8p9 {
			return ErrUndefined
		}
	case KindOSLSR, KindIDAA64DFR0, KindIDAA64DFR1:
		return ErrUndefined
	}
	u.store(r.Kind, n, v)
	u.afterWrite()
	return nil
}

// physical maps DBG*<m>_EL1 to physical comparator BANK*16+m using the bank the current instruction
// sees (an indirect read of MDSELR_EL1.BANK, which needs a context synchronization event after a write:
// D2.8.2). ok is false when that comparator is not implemented.
func (u *Unit) physical(r SysReg) (int, bool) {
	n := int(u.live.bank)*comparatorsPerBank + r.M
	return n, n < u.count(r.Kind)
}

// count is how many comparators of a register kind exist (0 for other kinds).
func (u *Unit) count(k RegKind) int {
	switch k {
	case KindDBGBVR, KindDBGBCR:
		return u.model.Breakpoints
	case KindDBGWVR, KindDBGWCR:
		return u.model.Watchpoints
	}
	return 0
}

// store writes a value into the architectural registers, keeping only implemented bits.
func (u *Unit) store(k RegKind, n int, v uint64) {
	a := &u.arch
	lbnx := uint64(0)
	if u.model.Debugv8p9 {
		lbnx = bcrLBNX.mask() // same position in DBGWCR
	}
	switch k {
	case KindDBGBVR:
		// We choose to keep every bit as written (the RESS top bits included; D24.3.3 lets a read
		// return the written value); matching ignores bits [1:0].
		a.bvr[n] = DBGBVR(v)
	case KindDBGBCR:
		a.bcr[n] = DBGBCR(v & (bcrWritable | lbnx))
	case KindDBGWVR:
		a.wvr[n] = DBGWVR(0).WithAddress(v) // bits [1:0] RES0
	case KindDBGWCR:
		a.wcr[n] = DBGWCR(v & (wcrWritable | lbnx))
	case KindMDSCR:
		w := mdscrWritable
		if u.model.Debugv8p9 {
			w |= mdscrEMBWE.mask()
		}
		if a.oslk {
			w |= mdscrSaveRestore
			if u.model.Debugv8p9 {
				w |= mdscrEHBWE.mask() // EDSCR2.EHBWE's save/restore view
			}
		}
		a.mdscr = MDSCR(uint64(a.mdscr)&^w | v&w)
	case KindMDSELR:
		if u.model.banked() {
			a.mdselr = MDSELR(mdselrBANK.set(0, mdselrBANK.get(v)))
		} // else RES0 (D2.8.2: 16 or fewer of each)
	case KindOSLAR:
		a.oslk = oslarOSLK.flag(v)
	case KindOSDLR:
		if u.model.DoubleLock {
			a.dlk = osdlrDLK.flag(v)
		} // else RAZ/WI
	}
}

// archValue reads physical register n of kind k from the architectural state.
func (u *Unit) archValue(k RegKind, n int) (uint64, bool) { return u.value(&u.arch, k, n) }

func (u *Unit) value(rf *regFile, k RegKind, n int) (uint64, bool) {
	if k.Indexed() && (n < 0 || n >= u.count(k)) {
		return 0, false
	}
	switch k {
	case KindDBGBVR:
		return uint64(rf.bvr[n]), true
	case KindDBGBCR:
		return uint64(rf.bcr[n]), true
	case KindDBGWVR:
		return uint64(rf.wvr[n]), true
	case KindDBGWCR:
		return uint64(rf.wcr[n]), true
	case KindMDSCR:
		return uint64(rf.mdscr), true
	case KindMDSELR:
		return uint64(rf.mdselr), u.model.Debugv8p9
	case KindOSLSR:
		// OSLM = 0b10 (OS lock implemented, bits {3,0}), nTT = 0, OSLK.
		v := oslsrOSLM1.setFlag(0, true)
		return oslsrOSLK.setFlag(v, rf.oslk), true
	case KindOSDLR:
		return osdlrDLK.setFlag(0, rf.dlk), true
	case KindIDAA64DFR0:
		return u.model.DFR0, true
	case KindIDAA64DFR1:
		return u.model.DFR1, true
	}
	return 0, false
}

// Register returns the architectural value of a register by physical index n (0..63 for comparators,
// ignored otherwise), for debuggers and the monitor: no EL checks, no bank indirection. OSLAR_EL1 reads
// as the lock bit it set. ok is false for an unimplemented register.
func (u *Unit) Register(k RegKind, n int) (uint64, bool) {
	if k == KindOSLAR {
		return oslarOSLK.setFlag(0, u.arch.oslk), true
	}
	return u.archValue(k, n)
}

// Effective returns the value matching uses now (the last synchronized value), like Register.
func (u *Unit) Effective(k RegKind, n int) (uint64, bool) {
	if k == KindOSLAR {
		return oslarOSLK.setFlag(0, u.eff.oslk), true
	}
	return u.value(&u.eff, k, n)
}

// SetRegister writes a register by physical index for a debugger. Like an external debugger's write
// followed by exit from Debug state, it is a context synchronization event: it takes effect at once
// (and synchronizes any pending guest writes too). ok is false for read-only or unimplemented registers.
func (u *Unit) SetRegister(k RegKind, n int, v uint64) bool {
	switch {
	case k.Indexed() && (n < 0 || n >= u.count(k)):
		return false
	case k == KindNone || k > KindIDAA64DFR1 || k == KindOSLSR || k == KindIDAA64DFR0 || k == KindIDAA64DFR1:
		return false
	case k == KindMDSELR && !u.model.Debugv8p9:
		return false
	}
	if !k.Indexed() {
		n = 0
	}
	u.store(k, n, v)
	u.rebuild(&u.archView, &u.arch)
	u.window = true
	u.ContextSynchronize()
	return true
}
