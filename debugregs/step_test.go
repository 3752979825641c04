package debugregs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// stepUnit has the OS lock clear and MDSCR_EL1 = {SS, KDE?, MDE}.
func stepUnit(t *testing.T, kde, ss bool) *Unit {
	u := newUnit(t, CortexA57, SyncStrict)
	debugReady(t, u)
	msr(t, u, EncMDSCR, uint64(MDSCR(0).WithMDE(true).WithKDE(kde).WithSS(ss)))
	u.ContextSynchronize()
	return u
}

// Table D2-17 (Arm ARM D2.11.3): the state from MDSCR_EL1.SS, the enables and PSTATE.SS.
func TestStepStateTable(t *testing.T) {
	for _, ss := range []bool{false, true} {
		for _, kde := range []bool{false, true} {
			for _, el := range []uint8{0, 1} {
				for _, d := range []bool{false, true} {
					for _, pss := range []bool{false, true} {
						enabled := el == 0 || (kde && !d)
						want := StepInactive
						switch {
						case enabled && ss && pss:
							want = StepActiveNotPending
						case enabled && ss:
							want = StepActivePending
						}
						u := stepUnit(t, kde, ss)
						st := PState{EL: el, D: d, SS: pss}
						require.Equal(t, want, u.StepState(st), "MDSCR.SS=%v KDE=%v EL%d D=%v PSTATE.SS=%v", ss, kde, el, d, pss)
						ev := u.CheckInstruction(0x1000, st, 1)
						require.Equal(t, want == StepActivePending, ev.Kind == EventSoftwareStep)
					}
				}
			}
		}
	}
	require.Equal(t, "active-pending", StepActivePending.String())
	require.Equal(t, "active-not-pending", StepActiveNotPending.String())
	require.Equal(t, "inactive", StepInactive.String())
}

// Table D2-19 (D2.11.4): the value ERET writes to PSTATE.SS when ELD is EL1, for ERETs from EL1.
func TestEretPSTATESS(t *testing.T) {
	tests := []struct {
		target     uint8
		kde, d, sd bool // MDSCR.KDE, PSTATE.D at the ERET, SPSR_EL1.D
		copies     bool // PSTATE.SS = SPSR.SS (else 0)
	}{
		{1, false, false, false, false},
		{1, false, true, false, false},
		{1, true, false, false, false}, // enabled from EL1 itself: 0
		{1, true, false, true, false},
		{1, true, true, true, false}, // disabled at the target
		{1, true, true, false, true},
		{0, false, false, false, true},
		{0, false, true, true, true},
		{0, true, false, false, false}, // enabled from EL1: 0
		{0, true, true, false, true},
		{0, true, true, true, true},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("EL1->EL%d/KDE=%v/D=%v/SPSR.D=%v", tt.target, tt.kde, tt.d, tt.sd)
		t.Run(name, func(t *testing.T) {
			u := stepUnit(t, tt.kde, true)
			got := u.ExceptionReturn(PState{EL: 1, D: tt.d}, tt.target, tt.sd, true)
			require.Equal(t, tt.copies, got)
			require.False(t, u.ExceptionReturn(PState{EL: 1, D: tt.d}, tt.target, tt.sd, false), "SPSR.SS=0 always gives 0")
		})
	}
	// MDSCR.SS = 0 or a lock: always 0.
	u := stepUnit(t, true, false)
	require.False(t, u.ExceptionReturn(el1D, 0, false, true))
	u = stepUnit(t, true, true)
	msr(t, u, EncOSLAR, 1)
	require.False(t, u.ExceptionReturn(el1D, 0, false, true), "the ERET synchronizes the lock write first")
}

// Table D2-21 (D2.11.5.1): SPSR.SS on exception entry from active-not-pending.
func TestExceptionEntrySPSRSS(t *testing.T) {
	u := stepUnit(t, false, true)
	st := PState{EL: 0, SS: true}
	require.False(t, u.ExceptionEntry(st, true), "SVC/HVC: the step is complete")
	require.True(t, u.ExceptionEntry(st, false), "other synchronous exceptions and interrupts before it")
	require.False(t, u.ExceptionEntry(PState{EL: 0}, false), "active-pending (the step exception itself)")
}

// Linux's kernel step over a breakpoint (docs/background.md §1.4): MSR MDSCR (SS, KDE) with no ISB, SPSR.SS=1,
// SPSR.D=0, ERET to EL1; one instruction runs; then the Software Step exception, with ISV=1 and EX for
// a load-exclusive (D2.11.9.1). Priority: the pending step comes before a breakpoint on the next
// instruction (D2.11.7).
func TestKernelStepSequence(t *testing.T) {
	for _, ldx := range []bool{false, true} {
		u := newUnit(t, CortexA57, SyncStrict)
		debugReady(t, u)
		msr(t, u, encBVR(0), 0x4000_1004)
		msr(t, u, encBCR(0), bcrFor(PMCEL1))
		msr(t, u, EncMDSCR, uint64(MDSCR(kdeMD).WithSS(true))) // no ISB: the ERET synchronizes
		pss := u.ExceptionReturn(el1D, 1, false, true)
		require.True(t, pss)
		st := PState{EL: 1, SS: pss}
		require.Equal(t, StepActiveNotPending, u.StepState(st))
		require.True(t, u.NeedsInstructionCheck())
		require.Equal(t, EventNone, u.CheckInstruction(0x4000_1000, st, 1).Kind, "the stepped instruction runs")
		st.SS = u.InstructionRetired(st, ldx)
		require.False(t, st.SS)
		ev := u.CheckInstruction(0x4000_1004, st, 2)
		require.Equal(t, EventSoftwareStep, ev.Kind, "step beats the breakpoint at the next PC")
		require.Equal(t, SoftwareStepSyndrome(true, true, ldx), ev.ESR)
		require.Equal(t, -1, ev.Comparator)
		spsrSS := u.ExceptionEntry(st, false)
		require.False(t, spsrSS)
	}
}

// After an ERET straight into active-pending (SPSR.SS=0) no instruction was stepped: ISV=0 (D2.11.9.1).
func TestStepSyndromeNoInstruction(t *testing.T) {
	u := stepUnit(t, false, true)
	pss := u.ExceptionReturn(el1D, 0, false, false)
	require.False(t, pss)
	ev := u.CheckInstruction(0x1000, PState{EL: 0}, 1)
	require.Equal(t, EventSoftwareStep, ev.Kind)
	require.Equal(t, SoftwareStepSyndrome(false, false, false), ev.ESR)
	require.Equal(t, uint64(0xca000022), ev.ESR, "EC 0x32, IL, IFSC 0x22")
}

// InstructionRetired leaves PSTATE.SS alone when stepping is inactive (only active-not-pending clears it).
func TestInstructionRetiredInactive(t *testing.T) {
	u := stepUnit(t, false, false)
	require.True(t, u.InstructionRetired(PState{EL: 0, SS: true}, false))
	u = stepUnit(t, false, true)
	require.False(t, u.InstructionRetired(PState{EL: 0, SS: true}, false))
	require.True(t, u.InstructionRetired(PState{EL: 1, SS: true}, false), "KDE=0: disabled at EL1")
}

// The uninstall livelock's shape (docs/background.md §1.3): a breakpoint on the first instruction of write_wb_reg is
// still enabled in hardware; the handler finds no owner and returns; the same instruction traps again,
// under every sync policy, because exception entry and ERET synchronize. Disabling it (MSR BCR=0, then
// the ERET) ends it.
func TestLivelockShape(t *testing.T) {
	const writeWbReg = 0x4000_2530
	for _, p := range []SyncPolicy{SyncStrict, SyncEager, SyncRandom, SyncOld} {
		u := newUnit(t, CortexA57, p)
		debugReady(t, u)
		u.SetRegister(KindDBGBVR, 0, writeWbReg)
		u.SetRegister(KindDBGBCR, 0, bcrFor(PMCEL1))
		for i := range 5 {
			ev := u.CheckInstruction(writeWbReg, el1, uint64(i))
			require.Equal(t, EventBreakpoint, ev.Kind, "%v round %d", p, i)
			require.Equal(t, uint64(0xc6000022), ev.ESR)
			u.ExceptionEntry(el1, false)
			// do_breakpoint: no slot owns it, no step; return.
			require.False(t, u.ExceptionReturn(el1D, 1, false, false))
		}
		// The recovery (disable-orphan): the handler disables the comparator; the ERET synchronizes.
		u.ExceptionEntry(el1, false)
		msr(t, u, encBCR(0), 0)
		u.ExceptionReturn(el1D, 1, false, false)
		require.False(t, u.NeedsInstructionCheck(), "%v", p)
	}
}
