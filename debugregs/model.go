package debugregs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Model describes a CPU's debug implementation: how many comparators it has and what its ID registers say.
type Model struct {
	Name         string
	Breakpoints  int  // 2..64 (more than 16 only with Debugv8p9)
	Watchpoints  int  // 2..64
	ContextAware int  // context-aware breakpoints (1..Breakpoints)
	Debugv8p9    bool // FEAT_Debugv8p9: MDSELR_EL1, banks of 16, MDSCR_EL1.EMBWE, ESR WPT/WPTV
	DoubleLock   bool // FEAT_DoubleLock: OSDLR_EL1.DLK is writable
	DFR0, DFR1   uint64
}

// maxComparators is the architectural limit (D2.8.1: "between 2-64 hardware breakpoints").
const maxComparators = 64

// comparatorsPerBank is how many comparators one MDSELR_EL1.BANK value reaches (D2.8.2).
const comparatorsPerBank = 16

// CortexA57 is QEMU's cortex-a57 debug identity: ID_AA64DFR0_EL1 = 0x10305106 (DebugVer v8.0, PMUVer 1,
// BRPs 5, WRPs 3, CTX_CMPs 1: 6 breakpoints, 4 watchpoints, 2 context-aware), ID_AA64DFR1_EL1 = 0.
var CortexA57 = Model{
	Name:         "cortex-a57",
	Breakpoints:  6,
	Watchpoints:  4,
	ContextAware: 2,
	DoubleLock:   true, // DFR0.DoubleLock == 0b0000 means implemented
	DFR0:         0x10305106,
}

// NewDebugv8p9Model builds a FEAT_Debugv8p9 model with the given counts (2..64). With more than 16 of
// either, DFR0.BRPs/WRPs read 0b1111 and DFR1 gives count-1 (D24.2.81); otherwise DFR1's counts are 0.
// Context-aware breakpoints are the lowest min(16, bps) when there are more than 16 breakpoints, and the
// highest numbered otherwise (D2.8.3); we choose as many context-aware as possible up to 16.
func NewDebugv8p9Model(name string, bps, wps int) (Model, error) {
	if bps < 2 || bps > maxComparators || wps < 2 || wps > maxComparators {
		return Model{}, fmt.Errorf("debugv8p9 model: %d breakpoints, %d watchpoints: each must be 2..64", bps, wps)
	}
	ctx := min(bps, comparatorsPerBank)
	banked := bps > comparatorsPerBank || wps > comparatorsPerBank
	var dfr0, dfr1 uint64
	dfr0 = dfr0DebugVer.set(dfr0, DebugVerV8p9)
	dfr0 = dfr0PMUVer.set(dfr0, 1)
	put := func(f0, f1 bitField, n int) {
		if banked {
			dfr0 = f0.set(dfr0, 0b1111)
			dfr1 = f1.set(dfr1, uint64(n-1))
		} else {
			dfr0 = f0.set(dfr0, uint64(n-1))
		}
	}
	put(dfr0BRPs, dfr1BRPs, bps)
	put(dfr0WRPs, dfr1WRPs, wps)
	put(dfr0CTXCMPs, dfr1CTXCMPs, ctx)
	return Model{
		Name: name, Breakpoints: bps, Watchpoints: wps, ContextAware: ctx,
		Debugv8p9: true, DoubleLock: true, DFR0: dfr0, DFR1: dfr1,
	}, nil
}

// Debugv8p9 is the "debugv8p9" model: 64 breakpoints and 64 watchpoints in four banks.
var Debugv8p9 = mustModel(NewDebugv8p9Model("debugv8p9", 64, 64))

func mustModel(m Model, err error) Model {
	if err != nil {
		panic(err) // only reached at package init with constant arguments
	}
	return m
}

var models = map[string]Model{
	CortexA57.Name: CortexA57,
	Debugv8p9.Name: Debugv8p9,
}

// ModelNames lists the names LookupModel accepts, sorted.
func ModelNames() []string {
	names := make([]string, 0, len(models))
	for n := range models {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupModel returns the named model ("cortex-a57", "debugv8p9").
func LookupModel(name string) (Model, error) {
	if m, ok := models[name]; ok {
		return m, nil
	}
	return Model{}, fmt.Errorf("unknown cpu model %q (want %s)", name, strings.Join(ModelNames(), ", "))
}

// Validate checks the counts against the architecture's limits.
func (m Model) Validate() error {
	limit := comparatorsPerBank
	if m.Debugv8p9 {
		limit = maxComparators
	}
	switch {
	case m.Breakpoints < 2 || m.Breakpoints > limit:
		return fmt.Errorf("model %s: %d breakpoints, want 2..%d", m.Name, m.Breakpoints, limit)
	case m.Watchpoints < 2 || m.Watchpoints > limit:
		return fmt.Errorf("model %s: %d watchpoints, want 2..%d", m.Name, m.Watchpoints, limit)
	case m.ContextAware < 1 || m.ContextAware > m.Breakpoints:
		return fmt.Errorf("model %s: %d context-aware breakpoints, want 1..%d", m.Name, m.ContextAware, m.Breakpoints)
	}
	return nil
}

// banked reports whether MDSELR_EL1.BANK does anything: Debugv8p9 with more than 16 of either kind.
// Otherwise MDSELR_EL1 is RES0 (D2.8.2).
func (m Model) banked() bool {
	return m.Debugv8p9 && (m.Breakpoints > comparatorsPerBank || m.Watchpoints > comparatorsPerBank)
}

// SyncPolicy decides what an instruction between a debug-register write and the next context
// synchronization event sees (Arm ARM D2.12: CONSTRAINED UNPREDICTABLE whether old or new).
type SyncPolicy uint8

const (
	// SyncStrict: only what the architecture guarantees. An instruction in the window generates a
	// breakpoint, watchpoint or step exception only if both the old and the new state would generate it
	// (so a comparator being enabled does not fire yet, and one being disabled no longer fires: Mark
	// Rutland's enable sequence traps LDR#3 only and the disable sequence LDR#1 only). The MDSELR_EL1
	// bank indirection uses the old bank.
	SyncStrict SyncPolicy = iota
	// SyncEager: the new value from the very next instruction (QEMU's behaviour, docs/background.md §3.2).
	SyncEager
	// SyncRandom: each instruction in the window independently sees all-old or all-new, chosen by a hash
	// of Config.Seed and the caller's instruction count, so a run is reproducible.
	SyncRandom
	// SyncOld: the old value for everything until the next context synchronization event, so a
	// comparator being disabled can still fire once in the window (the spurious hit on the ISB after a
	// disabling MSR that Mark Rutland described).
	SyncOld
)

var syncNames = [...]string{SyncStrict: "strict", SyncEager: "eager", SyncRandom: "random", SyncOld: "old"}

func (p SyncPolicy) String() string {
	if int(p) < len(syncNames) {
		return syncNames[p]
	}
	return fmt.Sprintf("SyncPolicy(%d)", uint8(p))
}

// ParseSyncPolicy accepts "strict", "eager", "random" and "old".
func ParseSyncPolicy(s string) (SyncPolicy, error) {
	for i, n := range syncNames {
		if s == n {
			return SyncPolicy(i), nil
		}
	}
	return 0, fmt.Errorf("unknown csync policy %q (want strict, eager, random or old)", s)
}

// FARPolicy decides which address a watchpoint exception records in FAR_EL1 (D2.9.8: any address in
// [lowest accessed, highest watched-and-accessed] within a naturally aligned block).
type FARPolicy uint8

const (
	// FARClamp records max(access start, watched range start): always inside the watched range (QEMU).
	FARClamp FARPolicy = iota
	// FARAccessStart records the lowest address the instruction accessed, which may lie below the watched
	// range; Linux's closest-match heuristic in do_watchpoint exists for this.
	FARAccessStart
)

var farNames = [...]string{FARClamp: "clamp", FARAccessStart: "access-start"}

func (p FARPolicy) String() string {
	if int(p) < len(farNames) {
		return farNames[p]
	}
	return fmt.Sprintf("FARPolicy(%d)", uint8(p))
}

// ParseFARPolicy accepts "clamp" and "access-start".
func ParseFARPolicy(s string) (FARPolicy, error) {
	for i, n := range farNames {
		if s == n {
			return FARPolicy(i), nil
		}
	}
	return 0, fmt.Errorf("unknown FAR policy %q (want clamp or access-start)", s)
}

// Errors returned by ReadSysReg and WriteSysReg.
var (
	// ErrUndefined means the access is UNDEFINED: the executor raises an Unknown-reason exception (EC 0x00).
	ErrUndefined = errors.New("debugregs: system register access is UNDEFINED")
	// ErrNotDebugReg means the encoding is not one of this package's registers.
	ErrNotDebugReg = errors.New("debugregs: not a debug system register")
)
