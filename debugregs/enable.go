package debugregs

// PState is the part of PSTATE the debug model reads: the Exception level (0 or 1), the debug mask D and
// the software step bit SS.
type PState struct {
	EL uint8
	D  bool
	SS bool
}

// debugTargetEL is ELD, the Exception level debug exceptions are taken to. With no EL2 and no EL3 it is
// always EL1 (D2.4; qemu arm_debug_target_el).
const debugTargetEL = 1

// enabledFrom is AArch64.GenerateDebugExceptionsFrom for this machine (Arm ARM D2.3.1, D2.3.2 and its pseudocode):
//
//   - OS lock set, or OS double lock set (DoubleLockStatus(): we choose DBGPRCR.CORENPDRQ = 0 and never
//     halted): disabled. Unlike QEMU 7.2, the OS lock really suppresses breakpoint, watchpoint and step
//     exceptions (docs/background.md §3.3: QEMU tests OSLSR bit 0 instead of OSLK).
//   - Below ELD (EL0): enabled.
//   - At ELD (EL1): enabled when MDSCR_EL1.KDE is 1 and PSTATE.D is 0.
//
// There is no Secure state here, so MDCR_EL3.SDD plays no part.
func enabledFrom(v *view, el uint8, d bool) bool {
	if v.locked {
		return false
	}
	switch {
	case el < debugTargetEL:
		return true
	case el == debugTargetEL:
		return v.mdscr.KDE() && !d
	}
	return false
}

// DebugExceptionsEnabled reports whether debug exceptions can be generated from el with PSTATE.D = d,
// using the state the current instruction sees. Breakpoints and watchpoints also need MDSCR_EL1.MDE.
func (u *Unit) DebugExceptionsEnabled(el uint8, d bool) bool { return enabledFrom(u.live, el, d) }

// OSLocked reports whether the effective OS lock is set.
func (u *Unit) OSLocked() bool { return u.live.locked }

// StepState is the software step state machine's state (Arm ARM D2.11.3, table D2-17).
type StepState uint8

const (
	StepInactive         StepState = iota // MDSCR_EL1.SS = 0, or debug exceptions disabled from here
	StepActiveNotPending                  // PSTATE.SS = 1: the next instruction executes
	StepActivePending                     // PSTATE.SS = 0: a Software Step exception comes first
)

func (s StepState) String() string {
	switch s {
	case StepInactive:
		return "inactive"
	case StepActiveNotPending:
		return "active-not-pending"
	case StepActivePending:
		return "active-pending"
	}
	return "StepState(?)"
}

func stepState(v *view, st PState) StepState {
	if !v.stepArmed || !enabledFrom(v, st.EL, st.D) {
		return StepInactive
	}
	if st.SS {
		return StepActiveNotPending
	}
	return StepActivePending
}

// StepState returns the software step state for PSTATE st.
func (u *Unit) StepState(st PState) StepState { return stepState(u.live, st) }

// InstructionRetired is called after an instruction completes without taking an exception, only when
// PSTATE.SS was 1 as it began (before). It returns the new PSTATE.SS: 0 if the step was active (D2.11.5:
// the PE sets PSTATE.SS to 0 and software step goes active-pending, or inactive if the instruction set
// PSTATE.D), else unchanged. loadExclusive (LDXR, LDAXR, …) goes into the next step syndrome's EX bit.
// Not called for ERET, which sets PSTATE.SS itself through ExceptionReturn. For a stepped ISB, whose
// ESR.ISV is CONSTRAINED UNPREDICTABLE, we choose ISV=1, EX=0.
func (u *Unit) InstructionRetired(before PState, loadExclusive bool) bool {
	if stepState(u.live, before) != StepActiveNotPending {
		return before.SS
	}
	u.stepISV, u.stepEX = true, loadExclusive
	return false
}

// ExceptionEntry is called as an exception is taken to EL1 (st is PSTATE before entry). It is a context
// synchronization event. It returns the value for SPSR_EL1.SS (table D2-21): PSTATE.SS, except 0 when
// stepCompleted (SVC, HVC: the preferred return address follows the stepped instruction, so the step is
// done). The caller then sets PSTATE.SS = 0 and PSTATE.D = 1.
func (u *Unit) ExceptionEntry(st PState, stepCompleted bool) bool {
	spsrSS := st.SS
	if stepCompleted && stepState(u.live, st) == StepActiveNotPending {
		spsrSS = false
	}
	u.ContextSynchronize()
	return spsrSS
}

// ExceptionReturn is called for ERET from PSTATE from, returning to targetEL with the restored
// PSTATE.D = targetD. It is a context synchronization event (so an MSR MDSCR_EL1 just before the ERET,
// as Linux's kernel_enable_single_step does, counts). It returns the value for PSTATE.SS (table D2-19):
// SPSR.SS only when MDSCR_EL1.SS is 1, no lock is set, debug exceptions are disabled from the ERET's own
// EL and enabled from the target; 0 otherwise.
func (u *Unit) ExceptionReturn(from PState, targetEL uint8, targetD, spsrSS bool) bool {
	u.ContextSynchronize()
	u.stepISV, u.stepEX = false, false
	v := u.live
	if !v.stepArmed || enabledFrom(v, from.EL, from.D) || !enabledFrom(v, targetEL, targetD) {
		return false
	}
	return spsrSS
}
