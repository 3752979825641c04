package target

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"
)

// Instruction words of the tests below (aarch64-linux-gnu-as).
const (
	wFADDD   = 0x1e622820 // fadd d0, d1, d2
	wLDRQ    = 0x3dc00020 // ldr q0, [x1]
	wMRSFPCR = 0xd53b4400 // mrs x0, fpcr
	wMSRFPSR = 0xd51b4420 // msr fpsr, x0
	wMOVI    = 0x4f00e420 // movi v0.16b, #1
	wFADDH   = 0x1ee22820 // fadd h0, h1, h2 (FEAT_FP16: not implemented)
	wLD1     = 0x4c407020 // ld1 {v0.16b}, [x1]
	wFCMP    = 0x1e622020 // fcmp d1, d2
	wFMOVX   = 0x9e660023 // fmov x3, d1
	wSTRQPre = 0x3c810c21 // str q1, [x1, #16]!
)

// CPACR_EL1.FPEN traps every FP/SIMD instruction (loads, stores and MRS/MSR of FPCR/FPSR included) with EC 0x07
// and ISS CV=1 COND=0xE, as the Arm ARM says for AArch64: 0b00 and 0b10 at EL0 and EL1, 0b01 at EL0 only, 0b11
// never. Encodings that are not implemented stay UNDEFINED (EC 0) whatever FPEN says.
func TestFPAccessTrap(t *testing.T) {
	const trapESR, undefESR = 0x1fe00000, 0x02000000
	words := []uint32{wFADDD, wLDRQ, wMRSFPCR, wMSRFPSR, wMOVI, wLD1}
	for fpen := uint64(0); fpen < 4; fpen++ {
		for el := uint8(0); el < 2; el++ {
			trapped := fpen == 0 || fpen == 2 || fpen == 1 && el == 0
			for _, w := range append(words, wFADDH) {
				m, c := newTestMachine(t, w)
				c.SR[cpu.IdxCPACR] = fpen << 20
				c.X[1] = RAMBase + 0x2000
				if el == 0 {
					c.SetMode(0, 0)
				}
				step(t, m)
				vector := uint64(testVBAR + 0x200)
				if el == 0 {
					vector = uint64(testVBAR + 0x400)
				}
				switch {
				case w == wFADDH:
					require.Equal(t, vector, c.PC, "%08x FPEN %d EL%d", w, fpen, el)
					require.Equal(t, uint64(undefESR), c.SR[cpu.IdxESR], "%08x FPEN %d EL%d", w, fpen, el)
				case trapped:
					require.Equal(t, vector, c.PC, "%08x FPEN %d EL%d", w, fpen, el)
					require.Equal(t, uint64(trapESR), c.SR[cpu.IdxESR], "%08x FPEN %d EL%d", w, fpen, el)
					require.EqualValues(t, testCode, c.SR[cpu.IdxELR])
				default:
					require.EqualValues(t, testCode+4, c.PC, "%08x FPEN %d EL%d", w, fpen, el)
				}
			}
		}
	}
}

// FP/SIMD instructions run on the CPU's registers: results in V, X, NZCV and FPSR, memory through the checked
// access path (base writeback, alignment on Device memory with the MMU off).
func TestFPSIMDExecutes(t *testing.T) {
	buf := uint64(RAMBase + 0x2000)
	cases := []struct {
		name  string
		word  uint32
		setup func(c *CPU)
		check func(t *testing.T, m *Machine, c *CPU)
	}{
		{"fadd d0, d1, d2", wFADDD, func(c *CPU) {
			c.FP.V[1], c.FP.V[2] = simd.Vec{math.Float64bits(1.5)}, simd.Vec{math.Float64bits(0.25)}
		}, func(t *testing.T, m *Machine, c *CPU) {
			require.Equal(t, simd.Vec{math.Float64bits(1.75)}, c.FP.V[0])
			require.Zero(t, c.FP.FPSR)
		}},
		{"fadd d0, d1, d2 inexact", wFADDD, func(c *CPU) {
			c.FP.V[1], c.FP.V[2] = simd.Vec{math.Float64bits(1)}, simd.Vec{math.Float64bits(0x1p-60)}
		}, func(t *testing.T, m *Machine, c *CPU) {
			require.Equal(t, simd.Vec{math.Float64bits(1)}, c.FP.V[0])
			require.EqualValues(t, 0x10, c.FP.FPSR, "IXC")
		}},
		{"fcmp d1, d2 unordered", wFCMP, func(c *CPU) {
			c.FP.V[1], c.FP.V[2] = simd.Vec{math.Float64bits(math.NaN())}, simd.Vec{0}
		}, func(t *testing.T, m *Machine, c *CPU) {
			require.EqualValues(t, 0x30000000, c.NZCV, "C and V")
		}},
		{"fmov x3, d1", wFMOVX, func(c *CPU) { c.FP.V[1] = simd.Vec{0x1234_5678_9abc_def0, 7} }, func(t *testing.T, m *Machine, c *CPU) {
			require.EqualValues(t, 0x1234_5678_9abc_def0, c.X[3])
		}},
		{"movi v0.16b, #1", wMOVI, func(c *CPU) { c.FP.V[0] = simd.Vec{5, 5} }, func(t *testing.T, m *Machine, c *CPU) {
			require.Equal(t, simd.Vec{0x0101010101010101, 0x0101010101010101}, c.FP.V[0])
		}},
		{"ldr q0, [x1]", wLDRQ, func(c *CPU) {
			require.NoError(t, c.m.WriteMemory(buf, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
		}, func(t *testing.T, m *Machine, c *CPU) {
			require.Equal(t, simd.Vec{0x0807060504030201, 0x100f0e0d0c0b0a09}, c.FP.V[0])
		}},
		{"str q1, [x1, #16]!", wSTRQPre, func(c *CPU) { c.FP.V[1] = simd.Vec{0x1111, 0x2222} }, func(t *testing.T, m *Machine, c *CPU) {
			got := make([]byte, 16)
			require.NoError(t, m.ReadMemory(buf+16, got))
			require.Equal(t, uint64(0x1111), binary.LittleEndian.Uint64(got))
			require.Equal(t, uint64(0x2222), binary.LittleEndian.Uint64(got[8:]))
			require.Equal(t, buf+16, c.X[1], "writeback")
		}},
		{"ld1 {v0.16b}, [x1] unaligned", wLD1, func(c *CPU) { c.X[1] = buf + 3 }, func(t *testing.T, m *Machine, c *CPU) {
			require.EqualValues(t, testCode+4, c.PC, "bytes are always aligned")
		}},
		{"ldr q0, [x1] unaligned: alignment fault on Device memory", wLDRQ, func(c *CPU) { c.X[1] = buf + 8 }, func(t *testing.T, m *Machine, c *CPU) {
			require.EqualValues(t, testVBAR+0x200, c.PC)
			require.EqualValues(t, 0x96000021, c.SR[cpu.IdxESR])
			require.Equal(t, buf+8, c.SR[cpu.IdxFAR])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, c := newTestMachine(t, tc.word)
			c.SR[cpu.IdxCPACR] = 3 << 20
			c.X[1] = buf
			tc.setup(c)
			step(t, m)
			tc.check(t, m, c)
			if c.PC != testVBAR+0x200 {
				require.EqualValues(t, testCode+4, c.PC)
			}
		})
	}
}
