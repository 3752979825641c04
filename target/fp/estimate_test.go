package fp

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// The estimates are Arm's 8-bit tables, so the tests check what the tables
// promise: within 2^-8 of the true value for every table entry and both
// exponent parities, and the same digits in every format.

func TestEstimatesAreWithinOneIn256(t *testing.T) {
	for frac := uint64(0); frac < 1<<9; frac++ { // every table entry, with a mid-entry fraction bit
		for _, e := range []uint64{120, 127, 128, 133} {
			a := e<<23 | frac<<14 | 1<<13
			x := float64(math.Float32frombits(uint32(a)))
			r, fl := RecipEstimate(Single, a, 0)
			require.Zero(t, fl)
			require.InEpsilon(t, 1/x, toGo(Single, r), 1.0/256, "frecpe(%#x)", a)
			r, fl = RSqrtEstimate(Single, a, 0)
			require.Zero(t, fl)
			require.InEpsilon(t, 1/math.Sqrt(x), toGo(Single, r), 1.0/256, "frsqrte(%#x)", a)
		}
	}
}

func TestEstimatesAgreeAcrossFormats(t *testing.T) {
	g := newGen(Single, 21)
	for range 5000 {
		a := g.finite(Single.bias()+g.r.IntN(200)-100, g.r.Uint64())
		wide, _ := Convert(Single, Double, a, 0)
		for _, est := range []func(Format, uint64, FPCR) (uint64, Flags){RecipEstimate, RSqrtEstimate} {
			r32, _ := est(Single, a, 0)
			r64, _ := est(Double, wide, 0)
			want, _ := Convert(Single, Double, r32, 0)
			require.Equal(t, want, r64, "estimate of %#x", a)
			a &^= Single.signBit() // the square root's operand must be positive
			wide &^= Double.signBit()
		}
	}
}

func TestEstimatesOfSubnormals(t *testing.T) {
	for frac := uint64(1); frac < 1<<23; frac = frac*3 + 1 {
		x := float64(math.Float32frombits(uint32(frac)))
		r, _ := RSqrtEstimate(Single, frac, 0)
		require.InEpsilon(t, 1/math.Sqrt(x), toGo(Single, r), 1.0/256, "frsqrte(%#x)", frac)
		if frac >= 1<<21 { // 1/x still fits in single
			r, _ = RecipEstimate(Single, frac, 0)
			require.InEpsilon(t, 1/x, toGo(Single, r), 1.0/256, "frecpe(%#x)", frac)
		}
	}
}
