package fp

import (
	"math"
	"math/big"
	"testing"
)

// Half precision has only 65536 values, so its one-operand operations are
// checked on every one of them: FCVT to single and double, FSQRT in every
// mode against the exact reference, FRINT* and the integer conversions
// against float64 (where every half value and these results are exact).
// Plain comparisons keep the 2.6 million checks fast.

// halfValue decodes a finite half without the package's code.
func halfValue(a uint64) float64 {
	e, m := int(a>>10&31), float64(a&0x3ff)
	v := math.Ldexp(m, -24) // subnormal
	if e != 0 {
		v = math.Ldexp(m+1024, e-25)
	}
	if a&0x8000 != 0 {
		return -v
	}
	return v
}

func TestHalfUnaryExhaustive(t *testing.T) {
	check := func(op string, a uint64, m Rounding, got, want uint64, gotFl, wantFl Flags) {
		if got != want || gotFl != wantFl {
			t.Fatalf("%s(%#x) mode %d: got %#x %v, want %#x %v", op, a, m, got, gotFl, want, wantFl)
		}
	}
	ixc := func(inexact bool) Flags {
		if inexact {
			return IXC
		}
		return 0
	}
	for a := uint64(0); a < 1<<16; a++ {
		if isNaN(Half, a) || isInfinite(Half, a) {
			continue // the golden table and the fuzz targets cover these
		}
		x, neg := halfValue(a), a&Half.signBit() != 0
		d, dfl := Convert(Half, Double, a, 0)
		check("fcvt d<-h", a, 0, d, math.Float64bits(x), dfl, 0)
		s, sfl := Convert(Half, Single, a, 0)
		check("fcvt s<-h", a, 0, s, uint64(math.Float32bits(float32(x))), sfl, 0)

		mode := modes[a%4]
		got, fl := Sqrt(Half, a, FPCR(0).WithRMode(mode))
		switch {
		case x == 0:
			check("fsqrt", a, mode, got, a, fl, 0)
		case neg:
			check("fsqrt", a, mode, got, Half.DefaultNaN(), fl, IOC)
		default:
			r, _ := refSqrt([]*big.Rat{new(big.Rat).SetFloat64(x)})
			want, wantFl := refRound(Half, r, mode, false)
			check("fsqrt", a, mode, got, want, fl, wantFl)
		}

		for m, roundFn := range goRounders {
			r := roundFn(x)
			got, fl := RoundInt(Half, a, m, true, 0)
			if halfValue(got) != r || got&Half.signBit() != a&Half.signBit() || fl != ixc(r != x) {
				t.Fatalf("frintx(%#x) mode %d: got %#x %v, want %v", a, m, got, fl, r)
			}

			unsigned, width := a>>1&1 == 1, uint(32<<(a>>2&1))
			fbits := uint(a>>3) % (width + 1)
			scaled := math.Ldexp(x, int(fbits))
			r = roundFn(scaled)
			want, wantFl := goToInt(r, unsigned, width)
			if wantFl == 0 {
				wantFl = ixc(r != scaled)
			}
			got, fl = ToInt(Half, a, fbits, unsigned, width, m, 0)
			check("fcvt to int", a, m, got, want, fl, wantFl)
		}
	}
}
