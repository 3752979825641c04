package target

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// counterLoop: every CPU adds 1 to the shared word at x1 with LDXR/STXR and
// its own running sum of x0 to the word at x2, x0 times, then waits.
var counterLoop = []uint32{
	0xc85f7c23, // ldxr x3, [x1]
	0x91000463, // add x3, x3, #1
	0xc8047c23, // stxr w4, x3, [x1]
	0x35ffffa4, // cbnz w4, loop
	0xf9400045, // ldr x5, [x2]
	0x8b0000a5, // add x5, x5, x0
	0xf9000045, // str x5, [x2]
	0xf1000400, // subs x0, x0, #1
	0x54ffff01, // b.ne loop
	0xd503207f, // wfi
	0x17ffffff, // b .-4
}

// runLoopUntilWFI runs words on every CPU of a machine built from cfg (setupLoopWith's layout), with x1
// replaced by shared when it is not 0, until every CPU waits; it returns the machine.
func runLoopUntilWFI(t *testing.T, cfg Config, words []uint32, iters, shared uint64) *Machine {
	t.Helper()
	saved := benchLoop
	benchLoop = words
	defer func() { benchLoop = saved }()
	m := setupLoopWith(t, cfg, iters)
	for _, c := range m.cpus {
		if shared != 0 {
			c.X[1] = shared
		}
	}
	acts := make([]Action, cfg.CPUs)
	for i := range acts {
		acts[i] = ActionContinue
	}
	for r := 0; r < 1<<16; r++ {
		m.runRounds(acts, 1)
		waiting := true
		for _, c := range m.cpus {
			waiting = waiting && c.asleep
		}
		if waiting {
			return m
		}
	}
	t.Fatal("the CPUs did not reach their WFI")
	return nil
}

// In the parallel mode each CPU's results are the serial machine's: independent loops end in the same
// registers and memory, and a counter every CPU increments with LDXR/STXR loses no increment.
func TestParallelResults(t *testing.T) {
	const iters = 20000
	tests := []struct {
		name    string
		cpus    int
		quantum int
		words   []uint32
		shared  uint64
	}{
		{name: "independent loops, 2 CPUs", cpus: 2, quantum: 30000, words: benchLoop},
		{name: "independent loops, 8 CPUs, short rounds", cpus: 8, quantum: 1000, words: benchLoop},
		{name: "shared counter, 2 CPUs", cpus: 2, words: counterLoop, shared: RAMBase + 0x200000},
		{name: "shared counter, 5 CPUs, short rounds", cpus: 5, quantum: 77, words: counterLoop, shared: RAMBase + 0x200000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			par := runLoopUntilWFI(t, Config{CPUs: tt.cpus, Quantum: tt.quantum, Parallel: true}, tt.words, iters, tt.shared)
			if tt.shared == 0 {
				s := par.Stats()
				total := s.Executed[0] * uint64(tt.cpus)
				require.Greater(t, s.ParallelExecuted, total/3, "the parallel phase ran little of %d", total)
			}
			for i, c := range par.cpus {
				own := binary.LittleEndian.Uint64(par.ram[c.X[2]-RAMBase:])
				if tt.shared != 0 {
					require.Equal(t, uint64(iters*(iters+1)/2), own, "CPU %d's sum", i)
				}
			}
			if tt.shared != 0 {
				require.Equal(t, uint64(tt.cpus*iters), binary.LittleEndian.Uint64(par.ram[tt.shared-RAMBase:]), "the shared counter")
				return
			}
			quantum := tt.quantum
			if quantum == 0 {
				quantum = parallelQuantum
			}
			ser := runLoopUntilWFI(t, Config{CPUs: tt.cpus, Quantum: quantum}, tt.words, iters, 0)
			require.Equal(t, digest(ser), digest(par))
		})
	}
}
