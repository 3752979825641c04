package target

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"
	"github.com/stretchr/testify/require"
)

// The FP/SIMD loops of fpsimd_bench_test.go allocate nothing per
// instruction: a run of 2^14 iterations allocates what a run of 2^4 does
// (the allocations of Reset and the run itself).
func TestFPSIMDLoopsAllocateNothingPerInstruction(t *testing.T) {
	normal := func(c *CPU) {
		c.FP.V[1] = simd.Vec{0x3f8000003f800000, 0x3f8000003f800000}
		c.FP.V[2] = simd.Vec{0x3580000035800000, 0x3580000035800000}
		c.FP.V[4] = simd.Vec{0x3ff0000000000000}
	}
	for _, tc := range []struct {
		name  string
		body  [4]uint32
		setup func(c *CPU)
	}{
		{"fp zero", fpLoop, nil},
		{"fp normal", fpLoop, normal},
		{"memcpy", [4]uint32{0xad400420, 0xad010420, 0x39400423, 0x8b030084}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			words := append(tc.body[:], 0xf1000400, 0x54ffff61, 0xd2800100, 0xf2b08000, 0xd4000002)
			m, c := newTestMachine(t, words...)
			run := func(iters uint64) float64 {
				return testing.AllocsPerRun(5, func() {
					m.Reset(testCode)
					c.SR[cpu.IdxCPACR] = 3 << 20
					c.X[0], c.X[1] = iters, RAMBase+0x8000
					if tc.setup != nil {
						tc.setup(c)
					}
					if s := runAll(m); s.Kind != StopPowerOff {
						t.Fatalf("stop %v at %#x", s.Kind, c.PC)
					}
				})
			}
			short := run(1 << 4)
			require.Equal(t, short, run(1<<14), "allocations of 2^14 iterations against 2^4")
			require.Positive(t, c.executed, "the loop ran")
		})
	}
}
