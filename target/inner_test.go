package target

import (
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/stretchr/testify/require"
)

// Instructions inner executes itself that used to go back to run: the same
// results, including the counter's slot in the slice and EL0 traps.
func TestInnerSystemAndShiftOps(t *testing.T) {
	cases := []struct {
		name  string
		words []uint32
		el0   bool
		check func(t *testing.T, c *CPU)
	}{
		{"mrs cntvct counts slots", []uint32{
			0xd53be040, // mrs x0, cntvct_el0
			0xd503201f, // nop
			0xd503201f, // nop
			0xd53be041, // mrs x1, cntvct_el0
			0x14000000, // b .
		}, false, func(t *testing.T, c *CPU) {
			require.Equal(t, []uint64{1, 4}, []uint64{c.X[0], c.X[1]})
		}},
		{"mrs plain registers", []uint32{
			0xd538d082, // mrs x2, tpidr_el1
			0xd53bd043, // mrs x3, tpidr_el0
			0x14000000,
		}, false, func(t *testing.T, c *CPU) {
			require.Equal(t, []uint64{0x1111, 0x2222}, []uint64{c.X[2], c.X[3]})
		}},
		{"mrs EL1 register at EL0 is UNDEFINED", []uint32{
			0xd53bd043, // mrs x3, tpidr_el0 (EL0 may read it)
			0xd538d082, // mrs x2, tpidr_el1
			0x14000000,
		}, true, func(t *testing.T, c *CPU) {
			require.Equal(t, uint64(0x2222), c.X[3])
			require.Equal(t, uint64(0), c.X[2])
			require.Equal(t, uint64(testCode+4), c.SR[cpu.IdxELR])
			require.Equal(t, uint64(0x02000000), c.SR[cpu.IdxESR])
		}},
		{"sbfm, lslv, lsrv", []uint32{
			0x93407ca4, // sxtw x4, w5
			0x13001ca6, // sxtb w6, w5
			0x9ac720a8, // lsl x8, x5, x7
			0x1ac724a9, // lsr w9, w5, w7
			0x14000000,
		}, false, func(t *testing.T, c *CPU) {
			require.Equal(t, uint64(0xffffffff_80000080), c.X[4])
			require.Equal(t, uint64(0xffffff80), c.X[6])
			require.Equal(t, uint64(0x800_0000_0000), c.X[8])
			require.Equal(t, uint64(0x0800_0008), c.X[9])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, c := newTestMachine(t, tc.words...)
			m.cfg.Quantum = 16
			tpidr1, _ := cpu.Index(k(3, 0, 13, 0, 4))
			tpidr0, _ := cpu.Index(k(3, 3, 13, 0, 2))
			c.SR[tpidr1] = 0x1111 // TPIDR_EL1
			c.SR[tpidr0] = 0x2222 // TPIDR_EL0
			c.X[5] = 0x12345678_80000080
			c.X[7] = 36
			if tc.el0 {
				c.SetMode(0, 0)
				// b . at the lower-EL synchronous vector
				require.NoError(t, m.LoadSegment(testVBAR+0x400, []byte{0, 0, 0, 0x14}, 0))
			}
			m.runRounds([]Action{ActionContinue}, 1)
			tc.check(t, c)
		})
	}
}
