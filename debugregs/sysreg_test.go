package debugregs

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Encodings (Arm ARM D24.3 register descriptions; docs/background.md §2.1) and the instruction-bit packing.
func TestEncodings(t *testing.T) {
	tests := []struct {
		reg                     SysReg
		op0, op1, crn, crm, op2 int
		name                    string
	}{
		{SysReg{KindDBGBVR, 0}, 2, 0, 0, 0, 4, "DBGBVR0_EL1"},
		{SysReg{KindDBGBCR, 5}, 2, 0, 0, 5, 5, "DBGBCR5_EL1"},
		{SysReg{KindDBGWVR, 15}, 2, 0, 0, 15, 6, "DBGWVR15_EL1"},
		{SysReg{KindDBGWCR, 3}, 2, 0, 0, 3, 7, "DBGWCR3_EL1"},
		{SysReg{Kind: KindMDSCR}, 2, 0, 0, 2, 2, "MDSCR_EL1"},
		{SysReg{Kind: KindMDSELR}, 2, 0, 0, 4, 2, "MDSELR_EL1"},
		{SysReg{Kind: KindOSLAR}, 2, 0, 1, 0, 4, "OSLAR_EL1"},
		{SysReg{Kind: KindOSLSR}, 2, 0, 1, 1, 4, "OSLSR_EL1"},
		{SysReg{Kind: KindOSDLR}, 2, 0, 1, 3, 4, "OSDLR_EL1"},
		{SysReg{Kind: KindIDAA64DFR0}, 3, 0, 0, 5, 0, "ID_AA64DFR0_EL1"},
		{SysReg{Kind: KindIDAA64DFR1}, 3, 0, 0, 5, 1, "ID_AA64DFR1_EL1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Enc(tt.op0, tt.op1, tt.crn, tt.crm, tt.op2)
			got, ok := tt.reg.Encoding()
			require.True(t, ok)
			require.Equal(t, e, got)
			dec, ok := DecodeSysReg(e)
			require.True(t, ok)
			require.Equal(t, tt.reg, dec)
			require.Equal(t, tt.name, dec.String())
			require.True(t, IsDebugSysReg(e))
			require.Equal(t, fmt.Sprintf("s%d_%d_c%d_c%d_%d", tt.op0, tt.op1, tt.crn, tt.crm, tt.op2), e.String())
		})
	}
	// MSR DBGBCR0_EL1, x1 is 0xd51000a1: bits [20:5] are the encoding.
	require.Equal(t, encBCR(0), InsnEncoding(0xd51000a1))
	// MRS x0, MDSCR_EL1 is 0xd5300240.
	require.Equal(t, EncMDSCR, InsnEncoding(0xd5300240))
	// Not ours: MDCCINT_EL1 (2,0,0,2,0), SCTLR_EL1 (3,0,1,0,0), OSECCR_EL1 (2,0,0,6,2).
	for _, e := range []Encoding{Enc(2, 0, 0, 2, 0), Enc(3, 0, 1, 0, 0), Enc(2, 0, 0, 6, 2), Enc(2, 1, 0, 0, 4)} {
		require.False(t, IsDebugSysReg(e), "%v", e)
	}
	_, ok := SysReg{Kind: KindDBGBCR, M: 16}.Encoding()
	require.False(t, ok)
	_, ok = SysReg{}.Encoding()
	require.False(t, ok)
}

// Reset values: QEMU cortex-a57 (docs/background.md §2.6, §3.1): OSLSR_EL1 = 0xa, MDSCR_EL1 = 0,
// ID_AA64DFR0_EL1 = 0x10305106.
func TestResetValues(t *testing.T) {
	u := newUnit(t, CortexA57, SyncStrict)
	require.Equal(t, uint64(0xa), mrs(t, u, EncOSLSR))
	require.Equal(t, uint64(0), mrs(t, u, EncMDSCR))
	require.Equal(t, uint64(0x10305106), mrs(t, u, EncIDAA64DFR0))
	require.Equal(t, uint64(0), mrs(t, u, EncIDAA64DFR1))
	require.Equal(t, uint64(0), mrs(t, u, EncOSDLR))
	require.True(t, u.OSLocked())
	require.False(t, u.NeedsInstructionCheck())
	require.False(t, u.WatchArmed())
	msr(t, u, EncOSLAR, 0)
	require.Equal(t, uint64(0x8), mrs(t, u, EncOSLSR), "OSLAR=0 makes OSLSR 0x8 (docs/background.md §2.6)")
}

// UNDEFINED accesses (D24.3 accessibility pseudocode; docs/background.md §2.1).
func TestUndefinedAccesses(t *testing.T) {
	a57 := newUnit(t, CortexA57, SyncStrict)
	v89 := newUnit(t, Debugv8p9, SyncStrict)
	tests := []struct {
		name  string
		u     *Unit
		e     Encoding
		el    uint8
		read  error
		write error
	}{
		{"EL0 DBGBCR0", a57, encBCR(0), 0, ErrUndefined, ErrUndefined},
		{"EL0 MDSCR", a57, EncMDSCR, 0, ErrUndefined, ErrUndefined},
		{"EL0 ID_AA64DFR0", a57, EncIDAA64DFR0, 0, ErrUndefined, ErrUndefined},
		{"EL1 DBGBCR5 (6 BRPs)", a57, encBCR(5), 1, nil, nil},
		{"EL1 DBGBCR6 (6 BRPs)", a57, encBCR(6), 1, ErrUndefined, ErrUndefined},
		{"EL1 DBGBVR15", a57, encBVR(15), 1, ErrUndefined, ErrUndefined},
		{"EL1 DBGWCR3 (4 WRPs)", a57, encWCR(3), 1, nil, nil},
		{"EL1 DBGWVR4 (4 WRPs)", a57, encWVR(4), 1, ErrUndefined, ErrUndefined},
		{"MDSELR without Debugv8p9", a57, EncMDSELR, 1, ErrUndefined, ErrUndefined},
		{"MDSELR with Debugv8p9", v89, EncMDSELR, 1, nil, nil},
		{"OSLAR is write-only", a57, EncOSLAR, 1, ErrUndefined, nil},
		{"OSLSR is read-only", a57, EncOSLSR, 1, nil, ErrUndefined},
		{"ID_AA64DFR0 is read-only", a57, EncIDAA64DFR0, 1, nil, ErrUndefined},
		{"ID_AA64DFR1 is read-only", a57, EncIDAA64DFR1, 1, nil, ErrUndefined},
		{"DBGBCR15 on debugv8p9", v89, encBCR(15), 1, nil, nil},
		{"not ours", a57, Enc(3, 0, 1, 0, 0), 1, ErrNotDebugReg, ErrNotDebugReg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.u.ReadSysReg(tt.e, tt.el)
			require.True(t, errors.Is(err, tt.read) || err == tt.read, "read: %v", err)
			err = tt.u.WriteSysReg(tt.e, tt.el, 0)
			require.True(t, errors.Is(err, tt.write) || err == tt.write, "write: %v", err)
		})
	}
}

// Writes keep only implemented bits (RES0 as RAZ/WI: a "we choose" in access.go).
func TestWriteMasks(t *testing.T) {
	a57 := newUnit(t, CortexA57, SyncStrict)
	all := ^uint64(0)
	msr(t, a57, encBCR(0), all)
	require.Equal(t, uint64(0x00ff_e1e7), mrs(t, a57, encBCR(0)), "BCR: E PMC BAS HMC SSC LBN BT; no MASK/BT2/SSCE/LBNX")
	msr(t, a57, encWCR(0), all)
	require.Equal(t, uint64(0x1f1f_ffff), mrs(t, a57, encWCR(0)), "WCR: E PAC LSC BAS HMC SSC LBN WT MASK; no WT2/SSCE/LBNX")
	msr(t, a57, encWVR(0), all)
	require.Equal(t, all&^3, mrs(t, a57, encWVR(0)), "WVR [1:0] RES0")
	msr(t, a57, encBVR(0), all)
	require.Equal(t, all, mrs(t, a57, encBVR(0)), "BVR: we choose to keep every bit")

	// MDSCR: with the OS lock set the save/restore bits are writable too.
	require.True(t, a57.OSLocked())
	msr(t, a57, EncMDSCR, all)
	require.Equal(t, uint64(0x6ce0_f041), mrs(t, a57, EncMDSCR), "locked: SS ERR TDCC KDE HDE MDE TDA INTdis TXU RXO TXfull RXfull")
	msr(t, a57, EncOSLAR, 0)
	msr(t, a57, EncMDSCR, 0)
	require.Equal(t, uint64(0x6ce0_4040), mrs(t, a57, EncMDSCR), "unlocked: save/restore bits keep their value")
	msr(t, a57, EncMDSCR, all)
	require.Equal(t, uint64(0x6ce0_f041), mrs(t, a57, EncMDSCR))

	v89 := newUnit(t, Debugv8p9, SyncStrict)
	msr(t, v89, encBCR(0), all)
	require.Equal(t, uint64(0xc0ff_e1e7), mrs(t, v89, encBCR(0)), "Debugv8p9 adds LBNX")
	msr(t, v89, encWCR(0), all)
	require.Equal(t, uint64(0xdf1f_ffff), mrs(t, v89, encWCR(0)))
	msr(t, v89, EncMDSCR, all)
	require.Equal(t, uint64(1<<35|1<<32|0x6ce0_f041), mrs(t, v89, EncMDSCR), "locked: EHBWE save/restore too")
	msr(t, v89, EncOSLAR, 0)
	msr(t, v89, EncMDSCR, all&^(1<<35|0x6ce0_4040))
	require.Equal(t, uint64(1<<35|1<<32|0x6ce0_f041), mrs(t, v89, EncMDSCR), "unlocked: SS TDCC KDE MDE EMBWE written; the save/restore bits kept")
	msr(t, v89, EncMDSCR, 0)
	require.Equal(t, uint64(1<<35|0x6ce0_4040), mrs(t, v89, EncMDSCR), "unlocked: only SS TDCC KDE MDE EMBWE cleared")
	msr(t, v89, EncMDSELR, all)
	require.Equal(t, uint64(0x30), mrs(t, v89, EncMDSELR), "MDSELR: BANK only")

	// Double lock: writable with FEAT_DoubleLock.
	msr(t, a57, EncOSDLR, all)
	require.Equal(t, uint64(1), mrs(t, a57, EncOSDLR))
	noDL := CortexA57
	noDL.DoubleLock = false
	u := newUnit(t, noDL, SyncStrict)
	msr(t, u, EncOSDLR, all)
	require.Equal(t, uint64(0), mrs(t, u, EncOSDLR), "RAZ/WI without FEAT_DoubleLock")
}

// A Debugv8p9 part with 16 or fewer of each: MDSELR_EL1 is RES0 (D2.8.2).
func TestMDSELRRes0WhenNotBanked(t *testing.T) {
	m, err := NewDebugv8p9Model("small", 16, 8)
	require.NoError(t, err)
	require.Equal(t, uint8(15), IDAA64DFR0(m.DFR0).BRPs())
	require.Equal(t, uint8(7), IDAA64DFR0(m.DFR0).WRPs())
	require.Equal(t, uint64(0), m.DFR1)
	u := newUnit(t, m, SyncStrict)
	msr(t, u, EncMDSELR, 0x30)
	require.Equal(t, uint64(0), mrs(t, u, EncMDSELR))
}

func TestModels(t *testing.T) {
	require.Equal(t, []string{"cortex-a57", "debugv8p9"}, ModelNames())
	m, err := LookupModel("cortex-a57")
	require.NoError(t, err)
	require.Equal(t, 6, m.Breakpoints)
	require.Equal(t, 4, m.Watchpoints)
	require.Equal(t, 2, m.ContextAware)
	require.Equal(t, uint64(0x10305106), m.DFR0)
	// DFR0 counts agree with the model (count - 1).
	require.Equal(t, m.Breakpoints-1, int(IDAA64DFR0(m.DFR0).BRPs()))
	require.Equal(t, m.Watchpoints-1, int(IDAA64DFR0(m.DFR0).WRPs()))
	require.Equal(t, m.ContextAware-1, int(IDAA64DFR0(m.DFR0).CTXCMPs()))

	v, err := LookupModel("debugv8p9")
	require.NoError(t, err)
	d0, d1 := IDAA64DFR0(v.DFR0), IDAA64DFR1(v.DFR1)
	require.Equal(t, uint8(DebugVerV8p9), d0.DebugVer())
	require.Equal(t, uint8(0xf), d0.BRPs(), "more than 16: DFR0 reads 0b1111 (D24.2.80)")
	require.Equal(t, uint8(0xf), d0.WRPs())
	require.Equal(t, uint8(63), d1.BRPs())
	require.Equal(t, uint8(63), d1.WRPs())

	_, err = LookupModel("cortex-a72")
	require.Error(t, err)
	_, err = NewDebugv8p9Model("x", 1, 4)
	require.Error(t, err)
	_, err = NewDebugv8p9Model("x", 4, 65)
	require.Error(t, err)
	bad := CortexA57
	bad.Breakpoints = 17
	require.Error(t, bad.Validate(), "more than 16 needs Debugv8p9")
	bad = CortexA57
	bad.ContextAware = 0
	require.Error(t, bad.Validate())
	_, err = NewUnit(Config{Model: bad})
	require.Error(t, err)
	_, err = NewUnit(Config{Model: CortexA57, Sync: 9})
	require.Error(t, err)
	_, err = NewUnit(Config{Model: CortexA57, FAR: 9})
	require.Error(t, err)
}

func TestParsePolicies(t *testing.T) {
	for _, s := range []string{"strict", "eager", "random"} {
		p, err := ParseSyncPolicy(s)
		require.NoError(t, err)
		require.Equal(t, s, p.String())
	}
	for _, s := range []string{"clamp", "access-start"} {
		p, err := ParseFARPolicy(s)
		require.NoError(t, err)
		require.Equal(t, s, p.String())
	}
	_, err := ParseSyncPolicy("lazy")
	require.Error(t, err)
	_, err = ParseFARPolicy("")
	require.Error(t, err)
	require.Equal(t, "SyncPolicy(7)", SyncPolicy(7).String())
	require.Equal(t, "FARPolicy(7)", FARPolicy(7).String())
	require.Equal(t, "RegKind(99)", RegKind(99).String())
}

// Debugger access by physical index: no EL checks, no bank indirection, synchronizes.
func TestRegisterAndSetRegister(t *testing.T) {
	u := newUnit(t, Debugv8p9, SyncStrict)
	require.True(t, u.SetRegister(KindDBGWCR, 40, wcrFor(PACEL1, LSCAny, 0xff)))
	v, ok := u.Register(KindDBGWCR, 40)
	require.True(t, ok)
	require.Equal(t, wcrFor(PACEL1, LSCAny, 0xff), v)
	e, ok := u.Effective(KindDBGWCR, 40)
	require.True(t, ok)
	require.Equal(t, v, e, "SetRegister synchronizes")
	_, ok = u.Register(KindDBGWCR, 64)
	require.False(t, ok)
	require.False(t, u.SetRegister(KindIDAA64DFR0, 0, 1))
	require.False(t, u.SetRegister(KindOSLSR, 0, 1))
	require.False(t, u.SetRegister(KindNone, 0, 1))
	require.False(t, u.SetRegister(KindDBGBCR, -1, 1))
	lk, _ := u.Register(KindOSLAR, 0)
	require.Equal(t, uint64(1), lk)
	require.True(t, u.SetRegister(KindOSLAR, 0, 0))
	lk, _ = u.Effective(KindOSLAR, 0)
	require.Equal(t, uint64(0), lk)
	require.False(t, newUnit(t, CortexA57, SyncStrict).SetRegister(KindMDSELR, 0, 0x10))
	_, ok = newUnit(t, CortexA57, SyncStrict).Register(KindMDSELR, 0)
	require.False(t, ok)
}
