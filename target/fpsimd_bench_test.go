package target

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"
)

// benchmarkBody runs 4 body words and subs x0, x0, #1; b.ne, 1<<16 times per pass, then powers off, and
// reports guest MIPS. setup, if not nil, sets registers after each reset.
func benchmarkBody(b *testing.B, body [4]uint32, setup func(c *CPU)) {
	words := append(body[:], 0xf1000400, 0x54ffff61, // subs x0, x0, #1; b.ne body
		0xd2800100, 0xf2b08000, 0xd4000002) // PSCI SYSTEM_OFF
	m, c := newTestMachine(b, words...)
	const iters = 1 << 16
	b.ReportAllocs()
	b.ResetTimer()
	var total uint64
	for i := 0; i < b.N; i++ {
		m.Reset(testCode)
		c.SR[cpu.IdxCPACR] = 3 << 20
		c.X[0], c.X[1] = iters, RAMBase+0x8000
		if setup != nil {
			setup(c)
		}
		before := c.executed
		if s := runAll(m); s.Kind != StopPowerOff {
			b.Fatalf("stop %v at %#x", s.Kind, c.PC)
		}
		total += c.executed - before
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/b.Elapsed().Seconds()/1e6, "MIPS")
}

// fpLoop is the FP body: ldr q0, [x1]; fmla v1.4s, v0.4s, v2.4s; fadd d3, d3, d4; str q1, [x1].
var fpLoop = [4]uint32{0x3dc00020, 0x4e22cc01, 0x1e642863, 0x3d800021}

// The FP/SIMD words run on the general path (fpsimd.go), here on zero registers and memory.
func BenchmarkFPSIMDLoop(b *testing.B) {
	benchmarkBody(b, fpLoop, nil)
}

// The same words on normal numbers: v1 = 1.0 and v2 = 2^-20 in each single lane (v1 grows by inexact
// steps, so IXC is set from the second iteration on), d4 = 1.0 (d3 counts exactly).
func BenchmarkFPSIMDLoopNormal(b *testing.B) {
	benchmarkBody(b, fpLoop, func(c *CPU) {
		c.FP.V[1] = simd.Vec{0x3f8000003f800000, 0x3f8000003f800000}
		c.FP.V[2] = simd.Vec{0x3580000035800000, 0x3580000035800000}
		c.FP.V[4] = simd.Vec{0x3ff0000000000000}
	})
}

// The memcpy/strlen-like body of tests/bench: ldp q0, q1, [x1]; stp q0, q1, [x1, #32]; ldrb w3, [x1, #1];
// add x4, x4, x3.
func BenchmarkFPSIMDMemcpy(b *testing.B) {
	benchmarkBody(b, [4]uint32{0xad400420, 0xad010420, 0x39400423, 0x8b030084}, nil)
}

// The same loop with integer words the inner loop runs: add, add, eor, add.
func BenchmarkFPSIMDIntegerBaseline(b *testing.B) {
	benchmarkBody(b, [4]uint32{0x91000463, 0x91000484, 0xca0300a5, 0x91000cc6}, nil)
}
