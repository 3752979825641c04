package debugregs

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// The sequences from Mark Rutland's MSR→ISB discussion (docs/background.md §2.8, §3.2), run the
// way an executor runs them: CheckInstruction before each instruction, CheckAccess for each LDR, MSR via
// WriteSysReg, ISB via ContextSynchronize. The watched variable is at 0x4000_6000; the sequence runs at
// EL1 with KDE=1 and PSTATE.D=0 so its own loads can trap, as in the csync-window scenario.
const csyncVar = 0x4000_6000

type step struct {
	op  string // "ldr", "msr-wvr", "msr-wcr-on", "msr-wcr-off", "isb"
	tag string // outcome label for loads
}

// runSequence runs a sequence and returns which loads trapped. A trapped load is taken as an exception
// (ExceptionEntry + ExceptionReturn, both context synchronization events) and then skipped, as the
// scenario's handler does.
func runSequence(t *testing.T, u *Unit, seq []step, icount uint64) []string {
	t.Helper()
	var trapped []string
	st := el1
	for _, s := range seq {
		icount++
		if u.NeedsInstructionCheck() {
			ev := u.CheckInstruction(0x4000_0000+icount*4, st, icount)
			require.Equal(t, EventNone, ev.Kind)
		}
		switch s.op {
		case "ldr":
			if u.WatchArmed() {
				if ev := u.CheckAccess(csyncVar, 8, AccessLoad, false, st); ev.Kind == EventWatchpoint {
					trapped = append(trapped, s.tag)
					require.Equal(t, uint64(csyncVar), ev.FAR)
					u.ExceptionEntry(st, false)
					u.ExceptionReturn(el1D, 1, false, false)
				}
			}
		case "msr-wvr":
			msr(t, u, encWVR(0), csyncVar)
		case "msr-wcr-on":
			msr(t, u, encWCR(0), wcrFor(PACEL1, LSCAny, 0xff))
		case "msr-wcr-off":
			msr(t, u, encWCR(0), 0)
		case "isb":
			u.ContextSynchronize()
		}
	}
	return trapped
}

var (
	enableSeq = []step{
		{op: "ldr", tag: "LDR#1"}, {op: "msr-wvr"}, {op: "msr-wcr-on"},
		{op: "ldr", tag: "LDR#2"}, {op: "isb"}, {op: "ldr", tag: "LDR#3"},
	}
	disableSeq = []step{
		{op: "ldr", tag: "LDR#1"}, {op: "msr-wcr-off"},
		{op: "ldr", tag: "LDR#2"}, {op: "isb"}, {op: "ldr", tag: "LDR#3"},
	}
)

func armedForDisable(t *testing.T, u *Unit) {
	msr(t, u, encWVR(0), csyncVar)
	msr(t, u, encWCR(0), wcrFor(PACEL1, LSCAny, 0xff))
	u.ContextSynchronize()
}

// D2.12: "might trigger" between the MSR and the ISB; each policy's choice, including QEMU's (eager).
func TestCsyncWindowSequences(t *testing.T) {
	tests := []struct {
		policy          SyncPolicy
		enable, disable []string
		why             string
	}{
		{SyncStrict, []string{"LDR#3"}, []string{"LDR#1"}, "only guaranteed exceptions: LDR#1 cannot, LDR#2 does not, LDR#3 must"},
		{SyncEager, []string{"LDR#2", "LDR#3"}, []string{"LDR#1"}, "QEMU 7.2: new state at once"},
		{SyncOld, []string{"LDR#3"}, []string{"LDR#1", "LDR#2"}, "old until the ISB: the disabled watchpoint fires once more"},
	}
	for _, tt := range tests {
		t.Run(tt.policy.String(), func(t *testing.T) {
			u := newUnit(t, CortexA57, tt.policy)
			debugReady(t, u)
			require.Equal(t, tt.enable, runSequence(t, u, enableSeq, 0), "enable: %s", tt.why)

			u = newUnit(t, CortexA57, tt.policy)
			debugReady(t, u)
			armedForDisable(t, u)
			require.Equal(t, tt.disable, runSequence(t, u, disableSeq, 0), "disable: %s", tt.why)
		})
	}
}

// SyncRandom: LDR#1 never and LDR#3 always trap (outside the window); LDR#2 depends on the seed and the
// instruction count, reproducibly, and both outcomes occur across seeds.
func TestCsyncWindowRandomReproducible(t *testing.T) {
	outcomes := map[string]int{}
	for seed := uint64(0); seed < 64; seed++ {
		run := func() ([]string, []string) {
			u, err := NewUnit(Config{Model: CortexA57, Sync: SyncRandom, Seed: seed})
			require.NoError(t, err)
			debugReady(t, u)
			en := runSequence(t, u, enableSeq, 100)
			u2, err := NewUnit(Config{Model: CortexA57, Sync: SyncRandom, Seed: seed})
			require.NoError(t, err)
			debugReady(t, u2)
			armedForDisable(t, u2)
			dis := runSequence(t, u2, disableSeq, 100)
			return en, dis
		}
		en1, dis1 := run()
		en2, dis2 := run()
		require.Equal(t, en1, en2, "seed %d: same seed, same outcome", seed)
		require.Equal(t, dis1, dis2, "seed %d", seed)
		require.NotContains(t, en1, "LDR#1")
		require.Contains(t, en1, "LDR#3")
		require.Contains(t, dis1, "LDR#1")
		require.NotContains(t, dis1, "LDR#3")
		outcomes[fmt.Sprint(en1)]++
	}
	require.Len(t, outcomes, 2, "both outcomes of LDR#2 occur over 64 seeds: %v", outcomes)
}

// MRS reads the architectural value at once, whatever the policy; Effective shows what matching uses.
func TestCsyncArchitecturalVersusEffective(t *testing.T) {
	for _, p := range []SyncPolicy{SyncStrict, SyncOld, SyncRandom} {
		u := newUnit(t, CortexA57, p)
		debugReady(t, u)
		msr(t, u, encWCR(1), wcrFor(PACEL1, LSCStore, 0x0f))
		require.Equal(t, wcrFor(PACEL1, LSCStore, 0x0f), mrs(t, u, encWCR(1)), "%v: MRS sees the write", p)
		eff, _ := u.Effective(KindDBGWCR, 1)
		require.Zero(t, eff, "%v: not effective before the ISB", p)
		require.True(t, u.InWindow())
		u.ContextSynchronize()
		eff, _ = u.Effective(KindDBGWCR, 1)
		require.Equal(t, wcrFor(PACEL1, LSCStore, 0x0f), eff)
		require.False(t, u.InWindow())
	}
	u := newUnit(t, CortexA57, SyncEager)
	debugReady(t, u)
	msr(t, u, encWCR(1), wcrFor(PACEL1, LSCStore, 0x0f))
	eff, _ := u.Effective(KindDBGWCR, 1)
	require.Equal(t, wcrFor(PACEL1, LSCStore, 0x0f), eff, "eager: effective at once")
}

// Enables need synchronization too (D2.12 Example D2-12: MDE 0→1 then an instruction that would hit).
func TestCsyncEnableBits(t *testing.T) {
	u := newUnit(t, CortexA57, SyncStrict)
	msr(t, u, EncOSLAR, 0)
	msr(t, u, encBVR(0), 0x4000_1000)
	msr(t, u, encBCR(0), bcrFor(PMCEL1))
	u.ContextSynchronize()
	require.False(t, u.NeedsInstructionCheck(), "MDE=0")
	msr(t, u, EncMDSCR, kdeMD)
	require.False(t, u.NeedsInstructionCheck(), "strict: MDE not yet effective")
	u.ContextSynchronize()
	require.True(t, u.NeedsInstructionCheck())
	require.Equal(t, EventBreakpoint, u.CheckInstruction(0x4000_1000, el1, 1).Kind)

	// OS lock set again: still fires until synchronized.
	msr(t, u, EncOSLAR, 1)
	require.False(t, u.OSLocked())
	u.ContextSynchronize()
	require.True(t, u.OSLocked())
	require.False(t, u.NeedsInstructionCheck())
}

// A random window checks every instruction (the bank pick matters even with nothing armed) and keeps
// flags that cover both states.
func TestCsyncRandomFlags(t *testing.T) {
	u := newUnit(t, CortexA57, SyncRandom)
	debugReady(t, u)
	require.False(t, u.NeedsInstructionCheck())
	g := u.Generation()
	msr(t, u, encWVR(0), csyncVar)
	msr(t, u, encWCR(0), wcrFor(PACEL1, LSCAny, 0xff))
	require.True(t, u.NeedsInstructionCheck())
	require.True(t, u.WatchArmed(), "new state armed")
	require.True(t, u.PageMayWatch(csyncVar))
	require.NotEqual(t, g, u.Generation())
	u.ContextSynchronize()
	require.False(t, u.NeedsInstructionCheck())
	require.True(t, u.WatchArmed())
}

// CheckEveryInstruction: false with only breakpoints armed (page flags may gate), true with step or a
// random window.
func TestCheckEveryInstruction(t *testing.T) {
	u := newUnit(t, CortexA57, SyncStrict)
	debugReady(t, u)
	u.SetRegister(KindDBGBVR, 0, 0x4000_1000)
	u.SetRegister(KindDBGBCR, 0, bcrFor(PMCEL1))
	require.True(t, u.NeedsInstructionCheck())
	require.False(t, u.CheckEveryInstruction())
	require.True(t, u.PageMayBreak(0x4000_1abc))
	require.False(t, u.PageMayBreak(0x4000_2000))
	u.SetRegister(KindMDSCR, 0, uint64(MDSCR(kdeMD).WithSS(true)))
	require.True(t, u.CheckEveryInstruction())
	r := newUnit(t, CortexA57, SyncRandom)
	debugReady(t, r)
	require.False(t, r.CheckEveryInstruction())
	msr(t, r, encBVR(0), 0)
	require.True(t, r.CheckEveryInstruction(), "random window open")
	r.ContextSynchronize()
	require.False(t, r.CheckEveryInstruction())
}

// The breakpoint flavour of the window (docs/background.md §2.8): a breakpoint on the instruction after the
// MSR that disables it, before the ISB. strict: guaranteed only, so no; old: fires once; eager: no.
// And a breakpoint before the MSR always fires: the livelock needs the hit to be before the MSR.
func TestCsyncBreakpointAfterDisablingMSR(t *testing.T) {
	for _, tt := range []struct {
		policy SyncPolicy
		fires  bool
	}{{SyncStrict, false}, {SyncOld, true}, {SyncEager, false}} {
		u := newUnit(t, CortexA57, tt.policy)
		debugReady(t, u)
		u.SetRegister(KindDBGBVR, 0, 0x4000_2534)
		u.SetRegister(KindDBGBCR, 0, bcrFor(PMCEL1))
		require.Equal(t, EventBreakpoint, u.CheckInstruction(0x4000_2534, el1, 1).Kind, "before the MSR")
		msr(t, u, encBCR(0), 0)
		got := EventNone
		if u.NeedsInstructionCheck() {
			got = u.CheckInstruction(0x4000_2534, el1, 2).Kind
		}
		require.Equal(t, tt.fires, got == EventBreakpoint, "%v", tt.policy)
		u.ContextSynchronize()
		require.False(t, u.NeedsInstructionCheck())
		require.False(t, u.Armed())
	}
}
