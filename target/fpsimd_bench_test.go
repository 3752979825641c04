package target

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// benchmarkBody runs 4 body words and subs x0, x0, #1; b.ne, 1<<16 times per pass, then powers off, and
// reports guest MIPS.
func benchmarkBody(b *testing.B, body [4]uint32) {
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
		before := c.executed
		if s := runAll(m); s.Kind != StopPowerOff {
			b.Fatalf("stop %v at %#x", s.Kind, c.PC)
		}
		total += c.executed - before
	}
	b.StopTimer()
	b.ReportMetric(float64(total)/b.Elapsed().Seconds()/1e6, "MIPS")
}

// The FP/SIMD words run on the general path (fpsimd.go): ldr q0, [x1]; fmla v1.4s, v0.4s, v2.4s;
// fadd d3, d3, d4; str q1, [x1].
func BenchmarkFPSIMDLoop(b *testing.B) {
	benchmarkBody(b, [4]uint32{0x3dc00020, 0x4e22cc01, 0x1e642863, 0x3d800021})
}

// The same loop with integer words the inner loop runs: add, add, eor, add.
func BenchmarkFPSIMDIntegerBaseline(b *testing.B) {
	benchmarkBody(b, [4]uint32{0x91000463, 0x91000484, 0xca0300a5, 0x91000cc6})
}
