package debugregs

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Encodings used by the tests.
func encBVR(m int) Encoding { e, _ := SysReg{Kind: KindDBGBVR, M: m}.Encoding(); return e }
func encBCR(m int) Encoding { e, _ := SysReg{Kind: KindDBGBCR, M: m}.Encoding(); return e }
func encWVR(m int) Encoding { e, _ := SysReg{Kind: KindDBGWVR, M: m}.Encoding(); return e }
func encWCR(m int) Encoding { e, _ := SysReg{Kind: KindDBGWCR, M: m}.Encoding(); return e }

var (
	el1   = PState{EL: 1}
	el1D  = PState{EL: 1, D: true}
	el0   = PState{EL: 0}
	kdeMD = uint64(MDSCR(0).WithKDE(true).WithMDE(true))
)

// newUnit builds a Unit for model with policy sync.
func newUnit(t testing.TB, m Model, sync SyncPolicy) *Unit {
	t.Helper()
	u, err := NewUnit(Config{Model: m, Sync: sync, FAR: FARClamp, Seed: 1})
	require.NoError(t, err)
	return u
}

// msr is WriteSysReg at EL1 that must succeed.
func msr(t testing.TB, u *Unit, e Encoding, v uint64) {
	t.Helper()
	require.NoError(t, u.WriteSysReg(e, 1, v), "MSR %v", e)
}

// mrs is ReadSysReg at EL1 that must succeed.
func mrs(t testing.TB, u *Unit, e Encoding) uint64 {
	t.Helper()
	v, err := u.ReadSysReg(e, 1)
	require.NoError(t, err, "MRS %v", e)
	return v
}

// debugReady is what Linux's boot does: clear the OS lock and double lock, set MDE and KDE, ISB.
func debugReady(t testing.TB, u *Unit) {
	t.Helper()
	msr(t, u, EncOSDLR, 0)
	msr(t, u, EncOSLAR, 0)
	msr(t, u, EncMDSCR, kdeMD)
	u.ContextSynchronize()
}

// wcrFor is an enabled watchpoint control value.
func wcrFor(pac PAC, lsc LSC, bas uint8) uint64 {
	return uint64(DBGWCR(0).WithE(true).WithPAC(pac).WithLSC(lsc).WithBAS(bas))
}

// bcrFor is an enabled unlinked address breakpoint control value.
func bcrFor(pmc PMC) uint64 {
	return uint64(DBGBCR(0).WithE(true).WithPMC(pmc).WithBAS(0b1111))
}
