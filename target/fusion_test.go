package target

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/stretchr/testify/require"
)

// fusionProgram counts down a SUBS/B.NE loop, then rewrites the B.NE into a
// B.EQ and runs the loop again: x1 = 4, x0 = 2, x2 = 2 at `done` (a stale
// fused SUBS+B.NE would give x1 = 6, x0 = 0).
var fusionProgram = []uint32{
	0xd2800060, // mov x0, #3
	0x10000085, // adr x5, bcond
	0x18000166, // ldr w6, bnew
	0x91000421, // loop: add x1, x1, #1
	0xf1000400, // subs x0, x0, #1
	0x54ffffc1, // bcond: b.ne loop
	0xb90000a6, // str w6, [x5]
	0x91000442, // add x2, x2, #1
	0xf100085f, // cmp x2, #2
	0x54000041, // b.ne reset
	0x14000000, // done: b done
	0xd2800060, // reset: mov x0, #3
	0x17fffff7, // b loop
	0x54fffec0, // bnew: b.eq loop
}

const (
	fusionSUBS = testCode + 4*4
	fusionDone = testCode + 10*4
)

func TestSUBSBcondFusion(t *testing.T) {
	t.Run("run", func(t *testing.T) {
		m, c := newTestMachine(t, fusionProgram...)
		m.cfg.Quantum = 1000
		m.runRounds([]Action{ActionContinue}, 1)
		require.Equal(t, []uint64{2, 4, 2}, []uint64{c.X[0], c.X[1], c.X[2]})
		require.Equal(t, uint64(fusionDone), c.PC)
	})
	t.Run("step executes the SUBS alone", func(t *testing.T) {
		m, c := newTestMachine(t, fusionProgram...)
		m.cfg.Quantum = 1000
		m.runRounds([]Action{ActionContinue}, 1) // decode (and fuse) everything
		c.PC, c.X[0], c.X[1], c.X[2] = testCode, 0, 0, 0
		require.NoError(t, m.WriteMemory(testCode+5*4, []byte{0xc1, 0xff, 0xff, 0x54})) // b.ne again
		steps := 0
		for c.PC != fusionDone {
			pc := c.PC
			require.Equal(t, StopStepped, step(t, m).Kind)
			if pc == fusionSUBS {
				require.Equal(t, uint64(fusionSUBS+4), c.PC)
			}
			steps++
			require.Less(t, steps, 100)
		}
		require.Equal(t, []uint64{2, 4, 2}, []uint64{c.X[0], c.X[1], c.X[2]})
		require.Equal(t, 25, steps)
	})
	t.Run("branch to the B.cond itself", func(t *testing.T) {
		m, c := newTestMachine(t,
			0x14000003, // b bcond (skipping the subs)
			0x91000421, // loop: add x1, x1, #1
			0xf1000400, // subs x0, x0, #1
			0x54ffffc1, // bcond: b.ne loop
			0x14000000, // b .
		)
		m.cfg.Quantum = 1000
		c.X[0] = 3
		c.NZCV = 0 // Z clear: the first b.ne is taken
		m.runRounds([]Action{ActionContinue}, 1)
		require.Equal(t, []uint64{0, 3}, []uint64{c.X[0], c.X[1]})
		require.Equal(t, uint64(testCode+16), c.PC)
		require.Equal(t, isa.OpSUBSBcond, m.code.Pages()[1].Insts[2].Op, "subs+b.ne fused")
		require.Equal(t, isa.OpBcond, m.code.Pages()[1].Insts[3].Op, "the b.ne keeps its slot")
	})
}

// FuzzDecodeAt: fusing never changes what the first word decodes to, and any
// pair of words runs (continuously, not stepped) without panicking.
func FuzzDecodeAt(f *testing.F) {
	f.Add(uint32(0xf1000400), uint32(0x54ffff61)) // subs x0, x0, #1; b.ne
	f.Add(uint32(0xf100085f), uint32(0x54000040)) // cmp x2, #2; b.eq
	f.Add(uint32(0xd503201f), uint32(0x54ffffe1))
	f.Fuzz(func(t *testing.T, w1, w2 uint32) {
		m, c := newTestMachine(t, w1, w2, 0x14000000) // ...; b .
		c.mm.codeOff = testCode&^0xfff - RAMBase
		in := c.decodeAt(testCode)
		require.Equal(t, isa.Decode(w1, testCode), isa.Unfused(in))
		if in.Op == isa.OpSUBSBcond {
			b := isa.Decode(w2, testCode+4)
			require.Equal(t, isa.OpBcond, b.Op)
			require.Equal(t, []uint64{uint64(b.Cond), b.Imm}, []uint64{uint64(in.Cond), in.Imm2})
		}
		c.X[1], c.X[2] = RAMBase+0x2000, RAMBase+0x2008
		m.cfg.Quantum = 64
		m.runRounds([]Action{ActionContinue}, 2)
		require.Zero(t, c.X[cpu.SlotZR])
	})
}

// A fused SUBS leaves its flags for later (inner's subsPending): whatever
// the B.cond's condition, the flags after the loop and the condition a
// CSET reads from them are those the stepped, unfused instructions give.
func TestSUBSBcondFlagsAfterTheLoop(t *testing.T) {
	cases := []struct {
		name       string
		cond, cset uint8 // the B.cond's condition, and the CSET's
		start      uint64
	}{
		{"ne", 0b0001, 0b1010, 5},
		{"eq", 0b0000, 0b0001, 1},
		{"ge", 0b1010, 0b1011, 3},
		{"gt", 0b1100, 0b0110, 3},
		{"hi", 0b1000, 0b0010, 3},
		{"hs", 0b0010, 0b0000, 3},
		{"pl", 0b0101, 0b1001, 3},
		{"ls", 0b1001, 0b0101, 1},
	}
	for _, tc := range cases {
		for _, after := range []string{"cset", "nop"} {
			t.Run(tc.name+"/"+after, func(t *testing.T) {
				program := []uint32{
					0xf1000400,                         // loop: subs x0, x0, #1
					0x54ffffe0 | uint32(tc.cond),       // b.<cond> loop
					0x9a9f07e3 | uint32(tc.cset^1)<<12, // cset x3, <cset>
					0x14000000,                         // b .
				}
				if after == "nop" { // then only inner's exit sees the flags
					program[2] = 0xd503201f
				}
				end := uint64(testCode + 3*4)
				var got [2][3]uint64
				for i, stepped := range []bool{false, true} {
					m, c := newTestMachine(t, program...)
					m.cfg.Quantum = 1000
					c.X[0], c.NZCV = tc.start, 0
					if stepped {
						for c.PC != end {
							require.Equal(t, StopStepped, step(t, m).Kind)
						}
					} else {
						m.runRounds([]Action{ActionContinue}, 1)
						require.Equal(t, end, c.PC)
						require.Equal(t, isa.OpSUBSBcond, m.code.Pages()[1].Insts[0].Op, "subs+b.cond fused")
					}
					got[i] = [3]uint64{c.X[0], c.X[3], c.NZCV}
				}
				require.Equal(t, got[1], got[0], "x0, x3, NZCV: run vs stepped")
			})
		}
	}
}

// A slice that ends inside the loop leaves through inner's other exit: the
// flags there are those of the stepped instructions at the same point.
func TestSUBSBcondFlagsAtSliceEnds(t *testing.T) {
	program := []uint32{
		0xf1000400, // loop: subs x0, x0, #1
		0x54ffffe1, // b.ne loop
		0x14000000, // b .
	}
	for quantum := 1; quantum <= 9; quantum++ {
		m, c := newTestMachine(t, program...)
		m.cfg.Quantum = quantum
		c.X[0], c.NZCV = 6, 0
		m.runRounds([]Action{ActionContinue}, 1)
		pc, x0, nzcv := c.PC, c.X[0], c.NZCV

		m, c = newTestMachine(t, program...)
		c.X[0], c.NZCV = 6, 0
		for steps := 0; c.PC != pc || c.X[0] != x0; steps++ {
			require.Less(t, steps, 100, "quantum %d: the stepped run never reaches PC %#x, x0 %d", quantum, pc, x0)
			require.Equal(t, StopStepped, step(t, m).Kind)
		}
		require.Equal(t, c.NZCV, nzcv, "quantum %d: NZCV at PC %#x, x0 %d", quantum, pc, x0)
	}
}
