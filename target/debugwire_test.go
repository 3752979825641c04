package target

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/stretchr/testify/require"
)

// Tests of the debug wiring, livelock detection, the hypercall hook and cross-calls, on the small guest
// testdata/debug.S (see its header for the entry points and the handler's x28 actions).

const (
	guestDoneHVC = 0xc600_0100 // debug.S: every entry ends with this HVC
	guestCallHVC = 0xc600_0002 // debug.S call_done
)

type debugGuest struct {
	t    *testing.T
	m    *Machine
	c    *CPU
	syms map[string]uint64
	hook func(cpu int, args [4]uint64) HypercallResult // answers everything but guestDoneHVC
	seen [][4]uint64                                   // every hook call
}

// newDebugGuest loads debug.elf into a machine built from cfg (CPUs default 1). Unless noHook, the
// machine's Config.Hypercall stops at `done` and passes other vendor calls to g.hook.
func newDebugGuest(t *testing.T, cfg Config, noHook bool) *debugGuest {
	t.Helper()
	g := &debugGuest{t: t, syms: map[string]uint64{}}
	if cfg.CPUs == 0 {
		cfg.CPUs = 1
	}
	if cfg.RAMSize == 0 {
		cfg.RAMSize = 1 << 20
	}
	if !noHook {
		cfg.Hypercall = func(cpu int, args [4]uint64) HypercallResult {
			g.seen = append(g.seen, args)
			if args[0] == guestDoneHVC {
				return HypercallResult{Stop: true}
			}
			if g.hook != nil {
				return g.hook(cpu, args)
			}
			return HypercallResult{X0: ^uint64(0)}
		}
	}
	m, err := New(cfg)
	require.NoError(t, err)
	img, err := os.ReadFile("testdata/debug.elf")
	require.NoError(t, err)
	loadELF(t, m, img)
	f, err := elf.Open("testdata/debug.elf")
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	require.NoError(t, err)
	for _, s := range syms {
		g.syms[s.Name] = s.Value
	}
	g.m, g.c = m, m.CPU(0)
	return g
}

func (g *debugGuest) sym(name string) uint64 {
	v, ok := g.syms[name]
	require.True(g.t, ok, "no symbol %s", name)
	return v
}

// start puts CPU 0 at entry with regs (gdb numbering), VBAR at the vectors and a stack.
func (g *debugGuest) start(entry string, regs map[int]uint64) {
	c := g.c
	c.SR[cpu.IdxVBAR] = g.sym("vectors")
	c.SetReg(31, RAMBase+0x8_0000)
	for n, v := range regs {
		c.SetReg(n, v)
	}
	c.SetReg(32, g.sym(entry))
}

func (g *debugGuest) run() Stop { return runAll(g.m) }

func (g *debugGuest) u64(addr uint64) uint64 {
	var b [8]byte
	require.NoError(g.t, g.m.ReadMemory(addr, b[:]))
	return binary.LittleEndian.Uint64(b[:])
}

type excRecord struct{ esr, elr, far uint64 }

// records returns what the guest's handler recorded.
func (g *debugGuest) records() []excRecord {
	n := g.u64(g.sym("hits"))
	var out []excRecord
	for i := range n {
		a := g.sym("records") + 32*i
		out = append(out, excRecord{g.u64(a), g.u64(a + 8), g.u64(a + 16)})
	}
	return out
}

func (g *debugGuest) requireDone(s Stop) {
	g.t.Helper()
	require.Equal(g.t, StopHypercall, s.Kind, "stop %+v at pc %#x", s, g.c.PC)
	require.Equal(g.t, uint64(guestDoneHVC), s.Args[0])
}

// DBGBCR/DBGWCR values the tests program.
const (
	bcrEL1EL0   = 0x1e7  // E, PMC EL0+EL1, BAS 0xf
	bcrEL0Only  = 0x1e5  // E, PMC EL0 only
	bcrDisabled = 0x1e6  // PMC EL0+EL1, BAS 0xf, E clear
	wcrStore8   = 0x1ff7 // E, PAC EL0+EL1, LSC store, BAS 0xff
	wcrLoad8    = 0x1fef // LSC load
	wcrAny8     = 0x1fff // LSC load+store
	wcrAnyHigh4 = 0x1e1f // LSC load+store, BAS 0xf0 (bytes 4..7)
	mdscrMDEKDE = 0xa000
	esrBP       = 0xc6000022 // EC 0x31 (same EL), IL
	esrWPLoad   = 0xd6000022 // EC 0x35, WnR 0
	esrWPStore  = 0xd6000062 // EC 0x35, WnR 1
	esrStep     = 0xcf000022 // EC 0x33, ISV 1, EX 0
)

func TestGuestBreakpoint(t *testing.T) {
	cases := []struct {
		name                         string
		bcr, keepOSLock, mdscr, keep uint64
		hits                         int
	}{
		{"enabled at EL1", bcrEL1EL0, 0, mdscrMDEKDE, 0, 1},
		{"OS lock left set suppresses", bcrEL1EL0, 1, mdscrMDEKDE, 0, 0},
		{"KDE clear: not at EL1", bcrEL1EL0, 0, 0x8000, 0, 0},
		{"MDE clear: no breakpoints", bcrEL1EL0, 0, 0x2000, 0, 0},
		{"PSTATE.D set", bcrEL1EL0, 0, mdscrMDEKDE, 1, 0},
		{"PMC EL0 only", bcrEL0Only, 0, mdscrMDEKDE, 0, 0},
		{"E clear", bcrDisabled, 0, mdscrMDEKDE, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newDebugGuest(t, Config{}, false)
			g.start("bp_test", map[int]uint64{0: tc.bcr, 1: tc.keepOSLock, 2: tc.mdscr, 3: tc.keep, 7: 0, 28: 0})
			g.requireDone(g.run())
			require.Equal(t, uint64(1), g.c.Reg(7), "bp_target executed once")
			recs := g.records()
			require.Len(t, recs, tc.hits)
			if tc.hits > 0 {
				require.Equal(t, excRecord{esrBP, g.sym("bp_target"), 0}, recs[0])
			}
		})
	}
}

func TestGuestWatchpoint(t *testing.T) {
	type want struct {
		esr   uint64
		elr   string
		farOf uint64 // FAR = watched + farOf
	}
	cases := []struct {
		name     string
		far      string
		wcr      uint64
		off      uint64 // accessed address = watched + off
		store    uint64
		wantHits int
		want     want
	}{
		{"load hits load watch", "", wcrLoad8, 0, 0, 1, want{esrWPLoad, "wp_load", 0}},
		{"store hits store watch", "", wcrStore8, 0, 1, 1, want{esrWPStore, "wp_store", 0}},
		{"store hits any watch", "", wcrAny8, 0, 1, 1, want{esrWPStore, "wp_store", 0}},
		{"load misses store watch", "", wcrStore8, 0, 0, 0, want{}},
		{"next doubleword misses", "", wcrAny8, 8, 0, 0, want{}},
		{"FAR clamp: watched start", "clamp", wcrAnyHigh4, 0, 0, 1, want{esrWPLoad, "wp_load", 4}},
		{"FAR access-start: access start", "access-start", wcrAnyHigh4, 0, 0, 1, want{esrWPLoad, "wp_load", 0}},
	}
	for _, tc := range cases {
		for _, filter := range []bool{true, false} { // the granule filter (granules.go) changes nothing
			t.Run(fmt.Sprintf("%s/granule filter %v", tc.name, filter), func(t *testing.T) {
				withGranuleFilter(filter, func() {
					g := newDebugGuest(t, Config{FAR: tc.far}, false)
					w := g.sym("watched")
					g.start("wp_test", map[int]uint64{0: tc.wcr, 1: w, 2: w + tc.off, 3: tc.store, 28: 0})
					g.requireDone(g.run())
					recs := g.records()
					require.Len(t, recs, tc.wantHits)
					if tc.wantHits > 0 {
						require.Equal(t, excRecord{tc.want.esr, g.sym(tc.want.elr), w + tc.want.farOf}, recs[0])
					}
					if tc.store == 0 {
						require.Equal(t, g.u64(w+tc.off), g.c.Reg(5), "the load completed after the handler")
					}
					if filter && tc.off == 8 {
						require.NotZero(t, g.m.pageFlags[(w-RAMBase)>>pageShift]&pfGranules, "the guest's watched page keeps bitmaps")
					}
				})
			})
		}
	}
}

// The MSR of DBGWCR0 is followed by LDR#1, ISB, LDR#2: which load traps depends on the sync policy.
func TestCsyncWindow(t *testing.T) {
	run := func(t *testing.T, sync string, seed int64) string {
		g := newDebugGuest(t, Config{Sync: sync, Seed: seed}, false)
		g.start("csync_test", map[int]uint64{0: wcrLoad8, 1: g.sym("watched"), 28: 0})
		g.requireDone(g.run())
		recs := g.records()
		require.Len(t, recs, 1)
		for _, name := range []string{"csync_ldr1", "csync_ldr2"} {
			if recs[0].elr == g.sym(name) {
				return name
			}
		}
		t.Fatalf("trap at %#x", recs[0].elr)
		return ""
	}
	for _, tc := range []struct{ sync, want string }{
		{"strict", "csync_ldr2"}, {"", "csync_ldr2"}, {"old", "csync_ldr2"}, {"eager", "csync_ldr1"},
	} {
		t.Run(tc.sync, func(t *testing.T) { require.Equal(t, tc.want, run(t, tc.sync, 1)) })
	}
	t.Run("random is reproducible", func(t *testing.T) {
		for seed := int64(1); seed <= 8; seed++ {
			require.Equal(t, run(t, "random", seed), run(t, "random", seed), "seed %d", seed)
		}
	})
}

func TestGuestSoftwareStep(t *testing.T) {
	g := newDebugGuest(t, Config{}, false)
	g.start("step_test", map[int]uint64{7: 0, 28: 2})
	g.requireDone(g.run())
	require.Equal(t, uint64(2), g.c.Reg(7))
	require.Equal(t, []excRecord{{esrStep, g.sym("step_next"), 0}}, g.records())
}

// gdb's own single step is not MDSCR.SS, but a guest breakpoint on the stepped instruction is taken: the
// step ends at the vector.
func TestActionStepTakesGuestBreakpoint(t *testing.T) {
	g := newDebugGuest(t, Config{}, false)
	target := g.sym("bp_target")
	g.m.SetSoftwareBreakpoint(target, true)
	g.start("bp_test", map[int]uint64{0: bcrEL1EL0, 2: mdscrMDEKDE, 28: 0})
	s := g.run()
	require.Equal(t, Stop{Kind: StopBreakpoint, CPU: 0, Addr: target}, s)
	s = step(t, g.m)
	require.Equal(t, StopStepped, s.Kind)
	require.Equal(t, g.sym("vectors")+0x200, g.c.PC)
	esr, _ := g.c.SysReg(3, 0, 5, 2, 0)
	elr, _ := g.c.SysReg(3, 0, 4, 0, 1)
	require.Equal(t, uint64(esrBP), esr)
	require.Equal(t, target, elr)
}

func TestDebugRegistersDebuggerView(t *testing.T) {
	g := newDebugGuest(t, Config{CPUModel: "debugv8p9"}, false)
	c := g.c
	dfr0, ok := c.SysReg(3, 0, 0, 5, 0)
	require.True(t, ok)
	require.Equal(t, debugregs.Debugv8p9.DFR0, dfr0)
	oslsr, _ := c.SysReg(2, 0, 1, 1, 4)
	require.Equal(t, uint64(0xa), oslsr, "OS lock set at reset")
	require.True(t, c.SetSysReg(2, 0, 0, 0, 4, 0x4000_1000)) // DBGBVR0_EL1
	v, _ := c.SysReg(2, 0, 0, 0, 4)
	require.Equal(t, uint64(0x4000_1000), v)
	require.False(t, c.SetSysReg(2, 0, 1, 1, 4, 0), "OSLSR_EL1 is read-only")
	_, err := New(Config{CPUModel: "cortex-a99"})
	require.Error(t, err)
	_, err = New(Config{Sync: "sometimes"})
	require.Error(t, err)
	_, err = New(Config{FAR: "nowhere"})
	require.Error(t, err)
	_, err = New(Config{LivelockThreshold: -1})
	require.Error(t, err)
}
