package gdbtarget

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// v0–v31, fpsr and fpcr read and write the CPU's FP/SIMD state, per CPU; fpsr and fpcr keep only the bits the
// CPU implements.
func TestFPRegisters(t *testing.T) {
	a := newTestAdapter(t, RouteExternal)
	num := func(name string) int {
		n, ok := a.desc.Lookup(name)
		require.True(t, ok, name)
		return n
	}
	v := make([]byte, 16)
	for i := range v {
		v[i] = byte(0x10 + i)
	}
	require.NoError(t, a.WriteRegister(2, num("v31"), v))
	require.Equal(t, [2]uint64{0x1716151413121110, 0x1f1e1d1c1b1a1918}, a.m.CPU(1).VReg(31))
	require.Zero(t, a.m.CPU(0).VReg(31), "the other CPU's v31")
	b, err := a.ReadRegister(2, num("v31"), nil)
	require.NoError(t, err)
	require.Equal(t, v, b)

	cases := []struct {
		name       string
		write, got uint32
	}{
		{"fpcr", 0xffffffff, 0x07f70000}, // AHP, DN, FZ, RMode, Stride, Len
		{"fpcr", 0x00c00000, 0x00c00000},
		{"fpsr", 0xffffffff, 0xf800009f}, // NZCV, QC, IDC, IXC, UFC, OFC, DZC, IOC
		{"fpsr", 0x00000010, 0x00000010},
	}
	for _, c := range cases {
		require.NoError(t, a.WriteRegister(1, num(c.name), binary.LittleEndian.AppendUint32(nil, c.write)), c.name)
		b, err := a.ReadRegister(1, num(c.name), nil)
		require.NoError(t, err, c.name)
		require.Equal(t, c.got, binary.LittleEndian.Uint32(b), c.name)
	}
	require.EqualValues(t, 0x00c00000, a.m.CPU(0).FP.FPCR)
	require.EqualValues(t, 0x10, a.m.CPU(0).FP.FPSR)
}
