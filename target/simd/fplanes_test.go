package simd

import (
	"math/rand/v2"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"
	"github.com/stretchr/testify/require"
)

// normalIn is a random single (e = 32) or double in [0.5, 2).
func normalIn(r *rand.Rand, e int) uint64 {
	if e == 32 {
		return uint64(0x3f000000 + r.Uint32N(0x01000000))
	}
	return 0x3fe0000000000000 + r.Uint64N(1<<53)
}

// The vector FP paths that write their destination in place (FPLanes and
// FPMulAdd through fp.Lanes) give, lane by lane, what the scalar fp
// functions give, also when the destination is a source (fmla v1.4s,
// v1.4s, v1.4s), with FPSR's IXC set or clear.
func TestFPLanesInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	fused := func(sub bool) func(f fp.Format, d, n, m uint64, c fp.FPCR) (uint64, fp.Flags) {
		if sub {
			return fp.MulSub
		}
		return fp.MulAdd
	}
	for _, tc := range []struct {
		word   uint32
		scalar func(f fp.Format, d, n, m uint64, fpcr fp.FPCR) (uint64, fp.Flags)
	}{
		{0x4e21cc21, fused(false)}, // fmla v1.4s, v1.4s, v1.4s
		{0x4e62cc01, fused(false)}, // fmla v1.2d, v0.2d, v2.2d
		{0x4ee2cc01, fused(true)},  // fmls v1.2d, v0.2d, v2.2d
		{0x4e21d421, func(f fp.Format, _, n, m uint64, c fp.FPCR) (uint64, fp.Flags) { return fp.Add(f, n, m, c) }}, // fadd v1.4s, v1.4s, v1.4s
		{0x6e62dc01, func(f fp.Format, _, n, m uint64, c fp.FPCR) (uint64, fp.Flags) { return fp.Mul(f, n, m, c) }}, // fmul v1.2d, v0.2d, v2.2d
	} {
		in := Decode(tc.word)
		require.NotEqual(t, OpUndefined, in.Op, "%08x", tc.word)
		e := in.Arr.ElemBits()
		for i := 0; i < 500; i++ {
			var st State
			for reg := range st.V {
				for l := 0; l < in.Arr.Lanes(); l++ {
					st.V[reg].SetElem(e, l, normalIn(r, e))
				}
			}
			st.FPSR = uint32(fp.IXC) * uint32(i&1)
			d, n, m := st.V[in.Rd], st.V[in.Rn], st.V[in.Rm]
			var want Vec
			var wantFl fp.Flags
			for l := 0; l < in.Arr.Lanes(); l++ {
				x, g := tc.scalar(fp.Format(e), d.Elem(e, l), n.Elem(e, l), m.Elem(e, l), 0)
				want.SetElem(e, l, x)
				wantFl |= g
			}
			fpsr := st.FPSR
			require.True(t, ExecData(&in, &st))
			require.Equal(t, want, st.V[in.Rd], "%v lanes", in)
			require.Equal(t, fpsr|uint32(wantFl), st.FPSR, "%v FPSR", in)
		}
	}
}
