package target

import (
	"hash/crc32"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/stretchr/testify/require"
)

// machineDigest is what must not depend on how the executor checks breakpoints.
type machineDigest struct {
	PC, Executed, Exceptions, NZCV []uint64
	X                              [][34]uint64
	RAM                            uint32
}

func digest(m *Machine) machineDigest {
	var d machineDigest
	for _, c := range m.cpus {
		d.PC = append(d.PC, c.PC)
		d.Executed = append(d.Executed, c.executed)
		d.Exceptions = append(d.Exceptions, c.exceptions)
		d.NZCV = append(d.NZCV, c.NZCV)
		d.X = append(d.X, [34]uint64(c.X[:34]))
	}
	d.RAM = crc32.ChecksumIEEE(m.ram)
	return d
}

// withBreakSlots runs f with the break-slot fast path on or off.
func withBreakSlots(t *testing.T, on bool, f func()) {
	t.Helper()
	saved := breakSlotsOff
	breakSlotsOff = !on
	defer func() { breakSlotsOff = saved }()
	f()
}

// Running up to the candidate breakpoint slots must give exactly what
// checking every instruction of the page gives.
func TestBreakSlotsMatchCheckingEveryInstruction(t *testing.T) {
	guest := func(regs map[int]uint64) func(t *testing.T) (machineDigest, []excRecord) {
		return func(t *testing.T) (machineDigest, []excRecord) {
			g := newDebugGuest(t, Config{}, false)
			g.start("bp_test", regs)
			g.requireDone(g.run())
			if !breakSlotsOff {
				l := &g.c.dw.breakCache.lists[0]
				want := 0
				if regs[0] == bcrEL1EL0 {
					want = 1
				}
				require.True(t, l.valid && l.n == want, "the breakpoint's page used the slot list: %+v", *l)
			}
			return digest(g.m), g.records()
		}
	}
	kernel := func(scenario kernelsim.Scenario, quantum, rounds int) func(t *testing.T) (machineDigest, []excRecord) {
		return func(t *testing.T) (machineDigest, []excRecord) {
			img, err := kernelsim.Parse(kernelsim.KernelELF)
			require.NoError(t, err)
			cfg, err := img.Config()
			require.NoError(t, err)
			cfg.Scenario, cfg.StallTimeoutMS = scenario, 0
			elf, err := img.PatchedELF(cfg)
			require.NoError(t, err)
			m, err := New(Config{CPUs: 2, Quantum: quantum})
			require.NoError(t, err)
			loadELF(t, m, elf)
			m.runRounds([]Action{ActionContinue, ActionContinue}, rounds)
			return digest(m), nil
		}
	}
	// A breakpoint on a page whose code the guest rewrites while it runs;
	// the handler skips the breakpointed instruction. Without hit the
	// breakpoint is on a word never executed.
	smc := func(quantum int, hit bool) func(t *testing.T) (machineDigest, []excRecord) {
		adrBP, want := uint32(0x10000161), []uint64{150, 0, 100, 100}
		if !hit {
			adrBP, want = 0x10000241, []uint64{150, 100, 0, 100}
		}
		return func(t *testing.T) (machineDigest, []excRecord) {
			m, c := newTestMachine(t,
				0xd510109f, // msr oslar_el1, xzr
				0xd2940002, // mov x2, #0xa000 (MDE, KDE)
				0xd5100242, // msr mdscr_el1, x2
				adrBP,      // adr x1, bp (or add2, never executed)
				0xd5100081, // msr dbgbvr0_el1, x1
				0xd2803ce0, // mov x0, #0x1e7
				0xd51000a0, // msr dbgbcr0_el1, x0
				0xd5033fdf, // isb
				0xd50348ff, // msr daifclr, #8
				0xd2800014, // mov x20, #0
				0x10000075, // adr x21, patched
				0x18000156, // ldr w22, add2
				0x91000694, // loop: add x20, x20, #1
				0x91000463, // patched: add x3, x3, #1
				0x91000484, // bp: add x4, x4, #1
				0xf100ca9f, // cmp x20, #50
				0x54000041, // b.ne 1f
				0xb90002b6, // str w22, [x21]
				0xf101929f, // 1: cmp x20, #100
				0x54ffff21, // b.ne loop
				0x14000000, // done: b done
				0x91000863, // add2: add x3, x3, #2
			)
			m.cfg.Quantum = quantum
			handler := []byte{
				0x2b, 0x40, 0x38, 0xd5, // mrs x11, elr_el1
				0x6b, 0x11, 0x00, 0x91, // add x11, x11, #4
				0x2b, 0x40, 0x18, 0xd5, // msr elr_el1, x11
				0x4a, 0x05, 0x00, 0x91, // add x10, x10, #1
				0xe0, 0x03, 0x9f, 0xd6, // eret
			}
			require.NoError(t, m.LoadSegment(testVBAR+0x200, handler, 0))
			m.runRounds([]Action{ActionContinue}, 4000/quantum+100)
			require.Equal(t, want, []uint64{c.X[3], c.X[4], c.X[10], c.X[20]})
			return digest(m), nil
		}
	}
	// Long straight-line code on a page with an armed breakpoint that is
	// never hit (on the last word).
	straight := func(quantum int) func(t *testing.T) (machineDigest, []excRecord) {
		return func(t *testing.T) (machineDigest, []excRecord) {
			words := []uint32{
				0xd510109f, // msr oslar_el1, xzr
				0xd2940002, // mov x2, #0xa000 (MDE, KDE)
				0xd5100242, // msr mdscr_el1, x2
				0x10000c21, // adr x1, .+388 (the nop after the loop)
				0xd5100081, // msr dbgbvr0_el1, x1
				0xd2803ce0, // mov x0, #0x1e7
				0xd51000a0, // msr dbgbcr0_el1, x0
				0xd5033fdf, // isb
				0xd50348ff, // msr daifclr, #8
			}
			for range 90 {
				words = append(words, 0x91000463) // add x3, x3, #1
			}
			words = append(words, 0x17ffffa6, 0xd503201f) // b .-360 (the first add); nop (the breakpoint)
			m, c := newTestMachine(t, words...)
			m.cfg.Quantum = quantum
			m.runRounds([]Action{ActionContinue}, 100)
			require.Greater(t, c.X[3], uint64(90))
			return digest(m), nil
		}
	}
	cases := []struct {
		name string
		run  func(t *testing.T) (machineDigest, []excRecord)
		exc  bool // exceptions expected
	}{
		{"bp_test, breakpoint enabled", guest(map[int]uint64{0: bcrEL1EL0, 1: 0, 2: mdscrMDEKDE, 3: 0, 7: 0, 28: 0}), true},
		{"bp_test, PSTATE.D set", guest(map[int]uint64{0: bcrEL1EL0, 1: 0, 2: mdscrMDEKDE, 3: 1, 7: 0, 28: 0}), false},
		{"bp_test, EL0-only breakpoint", guest(map[int]uint64{0: bcrEL0Only, 1: 0, 2: mdscrMDEKDE, 3: 0, 7: 0, 28: 0}), false},
		{"kernel perf-livelock", kernel(kernelsim.ScenarioPerfLivelock, 1024, 2000), true},
		{"kernel perf-livelock, quantum 3", kernel(kernelsim.ScenarioPerfLivelock, 3, 200000), true},
		{"kernel perf-livelock, quantum 50", kernel(kernelsim.ScenarioPerfLivelock, 50, 40000), true},
		{"kernel perf-livelock, quantum 77", kernel(kernelsim.ScenarioPerfLivelock, 77, 40000), true},
		{"kernel perf-livelock, quantum 300", kernel(kernelsim.ScenarioPerfLivelock, 300, 10000), true},
		{"self-modifying code, quantum 1024", smc(1024, true), true},
		{"self-modifying code, quantum 5", smc(5, true), true},
		{"self-modifying code, quantum 40", smc(40, true), true},
		{"breakpoint never hit, quantum 1024", smc(1024, false), false},
		{"breakpoint never hit, quantum 40", smc(40, false), false},
		{"breakpoint never hit, quantum 77", smc(77, false), false},
		{"straight-line code, quantum 100", straight(100), false},
		{"straight-line code, quantum 1024", straight(1024), false},
		{"kernel csync-window", kernel(kernelsim.ScenarioCsyncWindow, 1024, 2000), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var slowD, fastD machineDigest
			var slowR, fastR []excRecord
			withBreakSlots(t, false, func() { slowD, slowR = tc.run(t) })
			withBreakSlots(t, true, func() { fastD, fastR = tc.run(t) })
			require.Equal(t, slowD, fastD)
			require.Equal(t, slowR, fastR)
			var exc uint64
			for _, e := range fastD.Exceptions {
				exc += e
			}
			require.Equal(t, tc.exc, exc > 0, "exceptions %v", fastD.Exceptions)
		})
	}
}

// Every breakStride consecutive slots of a trapped copy hold a trap or an
// unconditional branch, and a stride trap goes after a branch when the
// window has such a slot, so a loop that ends in a B.cond keeps none.
func TestStrideTrapPlacement(t *testing.T) {
	loop := func(at int) []isa.Inst { // ldr, add, str, subs+b.ne at slots at..at+4
		return []isa.Inst{{Op: isa.OpLDRX}, {Op: isa.OpADDI64}, {Op: isa.OpSTRX},
			{Op: isa.OpSUBSBcond, Imm2: uint64(at * 4)}, {Op: isa.OpBcond, Imm: uint64(at * 4)}}
	}
	tests := []struct {
		name      string
		code      map[int][]isa.Inst // slot -> instructions from there
		candidate []uint16
		free      []int // slots that must not be traps
	}{
		{name: "straight line"},
		{name: "loop across slot 31", code: map[int][]isa.Inst{28: loop(28)}, free: []int{28, 29, 30, 31, 32}},
		{name: "loop at the start", code: map[int][]isa.Inst{0: loop(0)}, free: []int{0, 1, 2, 3, 4}},
		{name: "returns", code: map[int][]isa.Inst{10: {{Op: isa.OpRET}}, 40: {{Op: isa.OpB}}}},
		{name: "candidate", code: map[int][]isa.Inst{28: loop(28)}, candidate: []uint16{100}, free: []int{28, 29, 30, 31, 32}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := new(icache.Page)
			for i := range page.Insts {
				page.Insts[i] = isa.Inst{Op: isa.OpADDI64}
			}
			for at, ins := range tt.code {
				copy(page.Insts[at:], ins)
			}
			l := &breakSlotList{code: new(icache.Page), n: len(tt.candidate)}
			copy(l.slots[:], tt.candidate)
			l.code.Insts = page.Insts
			for _, s := range tt.candidate {
				l.trap(int(s))
			}
			l.placeStrideTraps(0, func(i int) isa.Inst { return page.Insts[i] })
			for _, s := range tt.candidate {
				require.True(t, l.stops(uint64(s)), "candidate %d", s)
			}
			for _, s := range tt.free {
				require.False(t, l.stops(uint64(s)), "slot %d of the loop is a trap", s)
			}
			run := 0
			for i := range instsPage {
				op := l.code.Insts[i].Op
				require.Equal(t, l.stops(uint64(i)), op == isa.OpStepTrap, "slot %d", i)
				if op == isa.OpStepTrap || isa.AlwaysBranches(op) {
					run = 0
					continue
				}
				run++
				require.Less(t, run, breakStride, "slot %d ends a run of %d slots with no trap or branch", i, run)
			}
		})
	}
}
