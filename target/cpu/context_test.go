package cpu

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"
)

func TestRestoreGivesBackTheSavedContextOnly(t *testing.T) {
	var s State
	s.Reset(0x4000_1000)
	s.X[3], s.X[SlotSP], s.SPBank[0] = 3, 0x4000_f000, 0x4000_e000
	s.SR[IdxELR], s.Excl = 0x1234, Monitor{Valid: true, Addr: 0x4000_2000, Size: 8}
	s.FP.V[5], s.FP.FPCR, s.FP.FPSR = simd.Vec{1, 2}, 0x400000, 0x10
	want := s
	ctx := s.Save()

	s.SetMode(0, 0) // run something else at EL0 with other registers
	s.X[3], s.X[SlotSP], s.PC, s.NZCV, s.SR[IdxELR], s.Excl = 9, 0x5000, 0x4000_3000, 0, 0, Monitor{}
	s.FP.V[5], s.FP.FPCR, s.FP.FPSR = simd.Vec{3, 4}, 0, 0x1
	s.SR[IdxVBAR] = 0x4008_0000 // not part of the context: stays
	s.Restore(&ctx)

	want.SR[IdxVBAR] = 0x4008_0000
	want.SPBank[1] = want.X[SlotSP] // banked on the way out and back
	require.Equal(t, want, s)
}
