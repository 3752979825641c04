package debugregs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// MDSELR_EL1 banking (Arm ARM D2.8.2 RKSCWV / IHMNFZ): DBGxxx<m>_EL1 names physical BANK*16+m; the
// effective BANK is 0 at EL1 while MDSCR_EL1.EMBWE is 0; a BANK write needs a context synchronization
// event before an indexed access sees it (an indirect read).
func TestBankMapping(t *testing.T) {
	u := newUnit(t, Debugv8p9, SyncStrict)
	debugReady(t, u)
	msr(t, u, EncMDSCR, uint64(MDSCR(kdeMD).WithEMBWE(true)))
	u.ContextSynchronize()
	for bank := uint8(0); bank < 4; bank++ {
		msr(t, u, EncMDSELR, uint64(MDSELR(0).WithBANK(bank)))
		u.ContextSynchronize()
		for m := range 16 {
			msr(t, u, encBVR(m), uint64(bank)<<32|uint64(m)<<4)
		}
	}
	for n := range 64 {
		v, ok := u.Register(KindDBGBVR, n)
		require.True(t, ok)
		require.Equal(t, uint64(n/16)<<32|uint64(n%16)<<4, v, "physical %d = BANK %d, m %d", n, n/16, n%16)
	}
	// Reading back through the banks.
	msr(t, u, EncMDSELR, uint64(MDSELR(0).WithBANK(2)))
	u.ContextSynchronize()
	require.Equal(t, uint64(2)<<32|5<<4, mrs(t, u, encBVR(5)))
}

func TestBankNeedsEMBWE(t *testing.T) {
	u := newUnit(t, Debugv8p9, SyncStrict)
	debugReady(t, u)
	msr(t, u, EncMDSELR, uint64(MDSELR(0).WithBANK(3)))
	u.ContextSynchronize()
	require.Equal(t, uint64(0x30), mrs(t, u, EncMDSELR), "MDSELR reads back what was written")
	msr(t, u, encWVR(1), 0x1111_0000)
	v, _ := u.Register(KindDBGWVR, 1)
	require.Equal(t, uint64(0x1111_0000), v, "EMBWE=0: BANK is effectively 0")
	v, _ = u.Register(KindDBGWVR, 49)
	require.Zero(t, v)
}

// The bank is an indirect read: without the ISB the old bank is used (strict/old), the new one at once
// (eager), either (random, reproducibly). This is the bank-race hazard of docs/background.md §2.9.
func TestBankSelectNeedsSync(t *testing.T) {
	tests := []struct {
		policy SyncPolicy
		want   int // physical index written by MSR DBGBCR2 right after MSR MDSELR(BANK=1), no ISB
	}{
		{SyncStrict, 2},
		{SyncOld, 2},
		{SyncEager, 18},
	}
	for _, tt := range tests {
		t.Run(tt.policy.String(), func(t *testing.T) {
			u := newUnit(t, Debugv8p9, tt.policy)
			debugReady(t, u)
			msr(t, u, EncMDSCR, uint64(MDSCR(kdeMD).WithEMBWE(true)))
			u.ContextSynchronize()
			msr(t, u, EncMDSELR, uint64(MDSELR(0).WithBANK(1)))
			msr(t, u, encBCR(2), bcrFor(PMCEL1))
			v, _ := u.Register(KindDBGBCR, tt.want)
			require.Equal(t, bcrFor(PMCEL1), v)
		})
	}
	seen := map[int]bool{}
	for seed := uint64(0); seed < 32; seed++ {
		u, err := NewUnit(Config{Model: Debugv8p9, Sync: SyncRandom, Seed: seed})
		require.NoError(t, err)
		debugReady(t, u)
		msr(t, u, EncMDSCR, uint64(MDSCR(kdeMD).WithEMBWE(true)))
		u.ContextSynchronize()
		msr(t, u, EncMDSELR, uint64(MDSELR(0).WithBANK(1)))
		require.True(t, u.NeedsInstructionCheck())
		u.CheckInstruction(0x1000, el1D, 7)
		msr(t, u, encBCR(2), bcrFor(PMCEL1))
		low, _ := u.Register(KindDBGBCR, 2)
		high, _ := u.Register(KindDBGBCR, 18)
		require.True(t, (low == 0) != (high == 0), "exactly one of them written")
		seen[map[bool]int{true: 2, false: 18}[low != 0]] = true
	}
	require.Len(t, seen, 2, "both banks are picked over 32 seeds")
}

// UNDEFINED when BANK*16+m is not implemented (D24.3.2 accessibility): a model with 20 breakpoints
// and 40 watchpoints.
func TestBankUndefinedBeyondCount(t *testing.T) {
	m, err := NewDebugv8p9Model("odd", 20, 40)
	require.NoError(t, err)
	u := newUnit(t, m, SyncStrict)
	debugReady(t, u)
	msr(t, u, EncMDSCR, uint64(MDSCR(kdeMD).WithEMBWE(true)))
	msr(t, u, EncMDSELR, uint64(MDSELR(0).WithBANK(1)))
	u.ContextSynchronize()
	for mIdx := range 16 {
		_, errB := u.ReadSysReg(encBCR(mIdx), 1)
		_, errW := u.ReadSysReg(encWCR(mIdx), 1)
		if 16+mIdx < 20 {
			require.NoError(t, errB, "DBGBCR%d bank 1", mIdx)
		} else {
			require.ErrorIs(t, errB, ErrUndefined, "DBGBCR%d bank 1", mIdx)
		}
		require.NoError(t, errW, fmt.Sprint("DBGWCR bank 1 ", mIdx))
	}
	msr(t, u, EncMDSELR, uint64(MDSELR(0).WithBANK(2)))
	u.ContextSynchronize()
	_, err = u.ReadSysReg(encWCR(7), 1)
	require.NoError(t, err, "watchpoint 39")
	_, err = u.ReadSysReg(encWCR(8), 1)
	require.ErrorIs(t, err, ErrUndefined, "watchpoint 40")
	require.ErrorIs(t, u.WriteSysReg(encBVR(0), 1, 0), ErrUndefined, "breakpoint 32")
}
