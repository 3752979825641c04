package target

import (
	"encoding/binary"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// The loop of docs/background.md §3.5:
//
//	loop: ldr x3, [x1]; add x3, x3, #1; str x3, [x1]; ldr x4, [x2]; subs x0, x0, #1; b.ne loop
//	done: wfi; b done
var benchLoop = []uint32{0xf9400023, 0x91000463, 0xf9000023, 0xf9400044, 0xf1000400, 0x54ffff61, 0xd503207f, 0x17ffffff}

// setupLoop writes the loop at RAMBase+0x1000*(i+1) for each CPU i, data at
// RAMBase+0x100000+0x1000*i, and points each CPU at its loop with x0=iters.
func setupLoop(tb testing.TB, cpus int, iters uint64) *Machine {
	return setupLoopWith(tb, Config{CPUs: cpus, Quantum: 4096}, iters)
}

func setupLoopWith(tb testing.TB, cfg Config, iters uint64) *Machine {
	cpus := cfg.CPUs
	m, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	code := make([]byte, 4*len(benchLoop))
	for i, w := range benchLoop {
		binary.LittleEndian.PutUint32(code[4*i:], w)
	}
	for i := 0; i < cpus; i++ {
		base := uint64(RAMBase + 0x1000*(i+1))
		if err := m.LoadSegment(base, code, 0); err != nil {
			tb.Fatal(err)
		}
	}
	m.Reset(RAMBase + 0x1000)
	for i := 0; i < cpus; i++ {
		c := m.CPU(i)
		c.reset(uint64(RAMBase + 0x1000*(i+1)))
		c.on = true
		c.X[0] = iters
		c.X[1] = RAMBase + 0x100000 + 0x1000*uint64(i)
		c.X[2] = c.X[1] + 8
		c.SR[cpu.IdxVBAR] = RAMBase + 0x80000
	}
	return m
}

func benchmarkLoop(b *testing.B, cpus int) { benchmarkLoopWith(b, cpus, nil) }

func benchmarkLoopWith(b *testing.B, cpus int, prep func(*Machine)) {
	benchmarkLoopConfig(b, Config{CPUs: cpus, Quantum: 4096}, prep)
}

func benchmarkLoopConfig(b *testing.B, cfg Config, prep func(*Machine)) {
	const iters = 1 << 20
	cpus := cfg.CPUs
	m := setupLoopWith(b, cfg, iters)
	if prep != nil {
		prep(m)
	}
	acts := make([]Action, cpus)
	for i := range acts {
		acts[i] = ActionContinue
	}
	pass := func() uint64 {
		for j := 0; j < cpus; j++ {
			c := m.CPU(j)
			c.PC = uint64(RAMBase + 0x1000*(j+1))
			c.X[0] = iters
			c.asleep = false // the loop ends in WFI, which now sleeps
		}
		before := m.totalExecuted()
		m.runRounds(acts, int(iters*6/uint64(m.cfg.Quantum))+1)
		return m.totalExecuted() - before
	}
	pass() // decode the pages (their one-time allocation) before timing
	b.ReportAllocs()
	b.ResetTimer()
	var total uint64
	for i := 0; i < b.N; i++ {
		total += pass()
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/b.Elapsed().Seconds()/1e6, "MIPS")
}

func (m *Machine) totalExecuted() (n uint64) {
	for _, c := range m.cpus {
		n += c.executed
	}
	return n
}

// runRounds runs exactly k rounds without the Resume bookkeeping.
func (m *Machine) runRounds(acts []Action, k int) {
	wasOn := m.wasOnBuf[:len(m.cpus)]
	for i := range wasOn {
		wasOn[i] = true
	}
	for r := 0; r < k; r++ {
		m.mu.Lock()
		m.round(acts, wasOn, ActionContinue)
		m.mu.Unlock()
	}
}

func BenchmarkLoop1CPU(b *testing.B) { benchmarkLoop(b, 1) }
func BenchmarkLoop8CPU(b *testing.B) { benchmarkLoop(b, 8) }

// The parallel mode (parallel.go): aggregate MIPS of independent loops.
func BenchmarkLoop2CPUParallel(b *testing.B) {
	benchmarkLoopConfig(b, Config{CPUs: 2, Parallel: true}, nil)
}

func BenchmarkLoop8CPUParallel(b *testing.B) {
	benchmarkLoopConfig(b, Config{CPUs: 8, Parallel: true}, nil)
}

func benchWords(b *testing.B, words []uint32) {
	saved := benchLoop
	benchLoop = words
	defer func() { benchLoop = saved }()
	benchmarkLoop(b, 1)
}

// add/add/eor/add/subs/b.ne
func BenchmarkRegLoop(b *testing.B) {
	benchWords(b, []uint32{0x91000463, 0x91000884, 0xca0300a5, 0x91000cc6, 0xf1000400, 0x54ffff61, 0xd503207f, 0x17ffffff})
}

// nop x4, subs, b.ne
func BenchmarkNopLoop(b *testing.B) {
	benchWords(b, []uint32{0xd503201f, 0xd503201f, 0xd503201f, 0xd503201f, 0xf1000400, 0x54ffff61, 0xd503207f, 0x17ffffff})
}

// BenchmarkLoopGuestBP1CPU: the guest's own breakpoint on the loop's code
// page (EL1, enabled, never hit): the break-slot path.
func BenchmarkLoopGuestBP1CPU(b *testing.B) {
	benchmarkLoopWith(b, 1, func(m *Machine) {
		c := m.CPU(0)
		for _, r := range []struct {
			key uint32
			v   uint64
		}{
			{k(2, 0, 1, 0, 4), 0},                // OSLAR_EL1: unlock
			{k(2, 0, 0, 2, 2), mdscrMDEKDE},      // MDSCR_EL1
			{k(2, 0, 0, 0, 4), RAMBase + 0x1800}, // DBGBVR0_EL1
			{k(2, 0, 0, 0, 5), bcrEL1EL0},        // DBGBCR0_EL1
		} {
			if !c.writeSys(r.key, r.v, false) {
				b.Fatalf("write %#x", r.key)
			}
		}
		c.SetReg(RegPState, c.Reg(RegPState)&^(1<<9)) // PSTATE.D clear
		if !c.dbg.NeedsInstructionCheck() {
			b.Fatal("the guest breakpoint is not armed")
		}
	})
}
