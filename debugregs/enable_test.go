package debugregs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// AArch64.GenerateDebugExceptionsFrom (Arm ARM D2.3.1, "Enabling debug exceptions from the current
// Exception level and Security state") plus MDE for breakpoints and watchpoints (D2.8.1, D2.9.1) and the
// OS lock / double lock (the pseudocode returns FALSE while OSLK or DoubleLockStatus(); docs/background.md §2.6). One breakpoint on 0x4000_1000 for EL0 and EL1.
func TestEnableMatrix(t *testing.T) {
	for _, oslk := range []bool{false, true} {
		for _, dlk := range []bool{false, true} {
			for _, mde := range []bool{false, true} {
				for _, kde := range []bool{false, true} {
					for _, el := range []uint8{0, 1} {
						for _, d := range []bool{false, true} {
							enabled := !oslk && !dlk && (el == 0 || (kde && !d))
							want := enabled && mde
							name := fmt.Sprintf("OSLK=%v/DLK=%v/MDE=%v/KDE=%v/EL%d/D=%v", oslk, dlk, mde, kde, el, d)
							t.Run(name, func(t *testing.T) {
								u := newUnit(t, CortexA57, SyncStrict)
								msr(t, u, EncOSLAR, b2u(oslk))
								msr(t, u, EncOSDLR, b2u(dlk))
								msr(t, u, EncMDSCR, uint64(MDSCR(0).WithMDE(mde).WithKDE(kde)))
								msr(t, u, encBVR(1), 0x4000_1000)
								msr(t, u, encBCR(1), bcrFor(PMCEL0EL1))
								msr(t, u, encWVR(2), 0x4000_8000)
								msr(t, u, encWCR(2), wcrFor(PACEL0EL1, LSCAny, 0xff))
								u.ContextSynchronize()
								st := PState{EL: el, D: d}
								require.Equal(t, enabled, u.DebugExceptionsEnabled(el, d))
								ev := Event{}
								if u.NeedsInstructionCheck() {
									ev = u.CheckInstruction(0x4000_1000, st, 1)
								}
								require.Equal(t, want, ev.Kind == EventBreakpoint, "breakpoint")
								ev = Event{}
								if u.WatchArmed() {
									ev = u.CheckAccess(0x4000_8000, 4, AccessLoad, false, st)
								}
								require.Equal(t, want, ev.Kind == EventWatchpoint, "watchpoint")
								if oslk || dlk || !mde {
									require.False(t, u.NeedsInstructionCheck(), "fast path: nothing armed")
									require.False(t, u.WatchArmed())
								}
							})
						}
					}
				}
			}
		}
	}
}

// The OS lock set at reset suppresses everything until the kernel clears it (docs/background.md §3.3:
// QEMU 7.2 does not; we follow the architecture).
func TestOSLockAtResetSuppresses(t *testing.T) {
	u := newUnit(t, CortexA57, SyncStrict)
	msr(t, u, EncMDSCR, uint64(MDSCR(kdeMD).WithSS(true)))
	msr(t, u, encBVR(0), 0x4000_1000)
	msr(t, u, encBCR(0), bcrFor(PMCEL1))
	u.ContextSynchronize()
	require.False(t, u.NeedsInstructionCheck())
	require.Equal(t, EventNone, u.CheckInstruction(0x4000_1000, el1, 1).Kind)
	require.Equal(t, StepInactive, u.StepState(el1))
	msr(t, u, EncOSLAR, 0)
	u.ContextSynchronize()
	require.Equal(t, EventSoftwareStep, u.CheckInstruction(0x4000_1000, el1, 2).Kind, "step pending outranks the breakpoint")
	msr(t, u, EncMDSCR, kdeMD)
	u.ContextSynchronize()
	require.Equal(t, EventBreakpoint, u.CheckInstruction(0x4000_1000, el1, 3).Kind)
}

// Debugv8p9: comparators 16..63 behave as disabled unless MDSCR_EL1.EMBWE is 1 (docs/background.md §2.2).
func TestEMBWEGatesHighComparators(t *testing.T) {
	u := newUnit(t, Debugv8p9, SyncStrict)
	debugReady(t, u)
	require.True(t, u.SetRegister(KindDBGBVR, 20, 0x4000_2000))
	require.True(t, u.SetRegister(KindDBGBCR, 20, bcrFor(PMCEL1)))
	require.True(t, u.SetRegister(KindDBGWVR, 63, 0x4000_9000))
	require.True(t, u.SetRegister(KindDBGWCR, 63, wcrFor(PACEL1, LSCAny, 0xff)))
	require.False(t, u.NeedsInstructionCheck(), "n >= 16 with EMBWE=0: disabled")
	require.False(t, u.WatchArmed())
	msr(t, u, EncMDSCR, uint64(MDSCR(kdeMD).WithEMBWE(true)))
	u.ContextSynchronize()
	ev := u.CheckInstruction(0x4000_2000, el1, 1)
	require.Equal(t, EventBreakpoint, ev.Kind)
	require.Equal(t, 20, ev.Comparator)
	require.Equal(t, uint64(1)<<20, ev.Matched)
	wev := u.CheckAccess(0x4000_9004, 4, AccessStore, false, el1)
	require.Equal(t, EventWatchpoint, wev.Kind)
	require.Equal(t, 63, wev.Comparator)
}
