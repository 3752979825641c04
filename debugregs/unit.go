package debugregs

import "fmt"

// regFile is one complete copy of the debug registers, indexed physically (n = BANK*16 + m).
type regFile struct {
	bcr    [maxComparators]DBGBCR
	bvr    [maxComparators]DBGBVR
	wcr    [maxComparators]DBGWCR
	wvr    [maxComparators]DBGWVR
	mdscr  MDSCR
	mdselr MDSELR
	oslk   bool // OSLSR_EL1.OSLK, set by OSLAR_EL1
	dlk    bool // OSDLR_EL1.DLK
}

// view is what matching, the enable rules and the bank indirection derive from one regFile.
type view struct {
	cmp       Comparators
	mdscr     MDSCR
	locked    bool  // OS lock or OS double lock: no breakpoint, watchpoint or step exceptions (D2.3.2 pseudocode)
	bank      uint8 // effective MDSELR_EL1.BANK for DBG*<m>_EL1 accesses at EL1
	bpArmed   bool  // !locked && MDE && an enabled breakpoint
	wpArmed   bool  // !locked && MDE && an enabled watchpoint
	stepArmed bool  // !locked && MDSCR.SS
}

// Config selects a Unit's CPU model and policies.
type Config struct {
	Model Model
	Sync  SyncPolicy
	FAR   FARPolicy
	Seed  uint64 // drives SyncRandom only
}

// Unit is one CPU's self-hosted debug logic. It keeps the architectural register values (what MRS reads
// back, in program order) apart from the effective values (what breakpoint/watchpoint matching, the enable
// rules, the step state machine and the MDSELR bank indirection use), and copies architectural to
// effective at each context synchronization event (ISB, exception entry, ERET; Arm ARM D2.12). Between a
// write and the next such event the Config.Sync policy decides what each instruction sees.
//
// A Unit is not safe for concurrent use; the machine goroutine owns it.
type Unit struct {
	// Hot-path state first, so it shares a cache line.
	instrCheck bool   // NeedsInstructionCheck
	everyInstr bool   // CheckEveryInstruction
	watchArmed bool   // WatchArmed
	window     bool   // a write happened since the last context synchronization event
	live       *view  // the view the current instruction uses
	gen        uint64 // Generation

	model Model
	sync  SyncPolicy
	far   FARPolicy
	seed  uint64

	arch, eff         regFile
	archView, effView view

	// Syndrome of the next Software Step exception (D2.11.9.1): ISV says an instruction was stepped.
	stepISV, stepEX bool
}

// NewUnit builds a Unit at cold reset.
func NewUnit(cfg Config) (*Unit, error) {
	if err := cfg.Model.Validate(); err != nil {
		return nil, err
	}
	if cfg.Sync > SyncOld {
		return nil, fmt.Errorf("debugregs: invalid sync policy %d", cfg.Sync)
	}
	if cfg.FAR > FARAccessStart {
		return nil, fmt.Errorf("debugregs: invalid FAR policy %d", cfg.FAR)
	}
	u := &Unit{model: cfg.Model, sync: cfg.Sync, far: cfg.FAR, seed: cfg.Seed}
	u.Reset()
	return u, nil
}

// Model returns the CPU model the Unit was built with.
func (u *Unit) Model() Model { return u.model }

// Reset is a cold reset: OS lock set (OSLSR_EL1 = 0xa), MDSCR_EL1 = 0, every comparator 0, nothing armed.
// The Arm ARM leaves most of these UNKNOWN at reset; we choose 0, as QEMU does.
func (u *Unit) Reset() {
	u.arch = regFile{oslk: true}
	u.eff = u.arch
	u.rebuild(&u.archView, &u.arch)
	u.effView = u.archView
	u.live = &u.effView
	u.window = false
	u.stepISV, u.stepEX = false, false
	u.refresh()
}

// rebuild derives a view from a register file.
func (u *Unit) rebuild(v *view, rf *regFile) {
	v.cmp.Reset()
	v.mdscr = rf.mdscr
	v.locked = rf.oslk || (u.model.DoubleLock && rf.dlk)
	v.bank = 0
	if u.model.banked() && rf.mdscr.EMBWE() {
		v.bank = rf.mdselr.BANK() // D2.8.2 RKSCWV: BANK is effectively 0 at EL1 when EMBWE is 0
	}
	// Comparators 16..63 behave as disabled unless MDSCR_EL1.EMBWE is 1 (FEAT_Debugv8p9).
	limit := func(count int) int {
		if u.model.Debugv8p9 && !rf.mdscr.EMBWE() {
			return min(count, comparatorsPerBank)
		}
		return count
	}
	for n := range limit(u.model.Breakpoints) {
		v.cmp.AddBreakpoint(n, rf.bcr[n], rf.bvr[n])
	}
	for n := range limit(u.model.Watchpoints) {
		v.cmp.AddWatchpoint(n, rf.wcr[n], rf.wvr[n])
	}
	v.bpArmed = !v.locked && v.mdscr.MDE() && v.cmp.BreakpointsArmed()
	v.wpArmed = !v.locked && v.mdscr.MDE() && v.cmp.WatchpointsArmed()
	v.stepArmed = !v.locked && v.mdscr.SS()
}

// refresh recomputes the hot-path flags and bumps the generation.
func (u *Unit) refresh() {
	e := &u.effView
	if u.window && u.sync == SyncRandom {
		a := &u.archView
		// Every instruction in a random window picks a view, even with nothing armed, because the
		// MDSELR bank indirection depends on the pick too.
		u.instrCheck = true
		u.everyInstr = true
		u.watchArmed = e.wpArmed || a.wpArmed
	} else {
		u.instrCheck = e.bpArmed || e.stepArmed
		u.everyInstr = e.stepArmed
		u.watchArmed = e.wpArmed
	}
	u.gen++
}

// ContextSynchronize is a context synchronization event (ISB; ExceptionEntry and ExceptionReturn call it
// themselves): every earlier register write now takes effect.
func (u *Unit) ContextSynchronize() {
	if !u.window {
		return
	}
	u.eff = u.arch
	u.effView = u.archView
	u.live = &u.effView
	u.window = false
	u.refresh()
}

// InWindow reports whether a debug-register write is waiting for a context synchronization event.
func (u *Unit) InWindow() bool { return u.window }

// afterWrite applies the sync policy to a write of the architectural state.
func (u *Unit) afterWrite() {
	u.rebuild(&u.archView, &u.arch)
	switch u.sync {
	case SyncEager:
		u.window = true
		u.ContextSynchronize()
	case SyncRandom:
		u.window = true
		u.refresh()
	default: // SyncStrict, SyncOld: the effective state is untouched until the next context
		// synchronization event; SyncStrict also consults the new state in CheckInstruction/CheckAccess,
		// but only to suppress, so the old state's flags stay a safe superset.
		u.window = true
	}
}

// NeedsInstructionCheck reports whether the executor must call CheckInstruction before the next
// instruction: a breakpoint or software step could fire, or a random sync window is open. It is false at
// reset (OS lock set) and whenever MDE/SS are clear, so the fast path is one predictable branch.
func (u *Unit) NeedsInstructionCheck() bool { return u.instrCheck }

// Armed reports whether any debug check (instruction or data access) is needed at all.
func (u *Unit) Armed() bool { return u.instrCheck || u.watchArmed }

// CheckEveryInstruction reports whether CheckInstruction is needed before every instruction whatever its
// page: software step is enabled, or a random sync window is open. When it is false but
// NeedsInstructionCheck is true, only breakpoints are armed, and an executor may skip CheckInstruction
// for instructions on pages where PageMayBreak is false:
//
//	if u.NeedsInstructionCheck() && (u.CheckEveryInstruction() || pageMayBreak[pc>>12]) { … }
func (u *Unit) CheckEveryInstruction() bool { return u.everyInstr }

// WatchArmed reports whether any data access could hit a watchpoint.
func (u *Unit) WatchArmed() bool { return u.watchArmed }

// Generation changes whenever the comparators or enables that matching may use change. An executor that
// caches PageMayBreak/PageMayWatch answers rebuilds them when it sees a new generation.
func (u *Unit) Generation() uint64 { return u.gen }

// PageMayBreak reports whether an instruction in addr's 4 KiB page could hit a breakpoint under the
// current generation (ignoring PSTATE and the exception level).
func (u *Unit) PageMayBreak(addr uint64) bool {
	if u.effView.bpArmed && u.effView.cmp.PageMayBreak(addr) {
		return true
	}
	return u.window && u.sync == SyncRandom && u.archView.bpArmed && u.archView.cmp.PageMayBreak(addr)
}

// PageMayWatch reports whether an access to addr's 4 KiB page could hit a watchpoint under the current
// generation. An access that crosses a page boundary must ask for both pages.
func (u *Unit) PageMayWatch(addr uint64) bool {
	if u.effView.wpArmed && u.effView.cmp.PageMayWatch(addr) {
		return true
	}
	return u.window && u.sync == SyncRandom && u.archView.wpArmed && u.archView.cmp.PageMayWatch(addr)
}

// WatchRanges yields every watchpoint an access could hit under the current generation: those PageMayWatch
// consults (the effective bank while armed, and inside a random sync window the architectural one too, so
// a comparator may come twice). An executor builds its page and granule filters from them, and rebuilds
// them when Generation changes.
func (u *Unit) WatchRanges(yield func(WatchRange) bool) {
	if u.effView.wpArmed {
		for r := range u.effView.cmp.WatchRanges {
			if !yield(r) {
				return
			}
		}
	}
	if u.window && u.sync == SyncRandom && u.archView.wpArmed {
		u.archView.cmp.WatchRanges(yield)
	}
}

// pickView chooses, for SyncRandom, which state instruction number icount sees inside a window.
func (u *Unit) pickView(icount uint64) {
	if !u.window || u.sync != SyncRandom {
		return
	}
	if splitmix64(u.seed^icount*0x9e3779b97f4a7c15)&1 == 1 {
		u.live = &u.archView
	} else {
		u.live = &u.effView
	}
}

// splitmix64 is the SplitMix64 finalizer: a cheap, stateless, well-mixed hash.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
