package fp

import (
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// Fuzz targets: any operands and any FPCR. Finite operands are checked
// against the exact reference; with RN and no FZ/DN against Go; NaN
// operands against the propagation rules. go test runs the seeds;
// `make fuzz` (FUZZTIME) runs them for longer.

func fuzzSeeds(f *testing.F, fm Format) {
	e := edgeOperands(fm)
	for i := range e {
		f.Add(e[i], e[(i*7+3)%len(e)], e[(i*5+1)%len(e)], uint32(i%4)<<22|uint32(i%3)<<24)
	}
}

func FuzzArithmetic(f *testing.F) {
	fuzzSeeds(f, Double)
	fuzzSeeds(f, Single)
	f.Fuzz(func(t *testing.T, a, b, c uint64, fpcrBits uint32) {
		fpcr := FPCR(fpcrBits) & (rmodeMask | FZ | DN | FZ16 | AHP)
		for _, fm := range []Format{Half, Single, Double} {
			x, y, z := a&fm.mask(), b&fm.mask(), c&fm.mask()
			checkAnyOperands(t, fm, []uint64{x, y, z}, fpcr)
		}
	})
}

// checkAnyOperands runs every reference case on ops (the first arity of
// them) and checks what applies.
func checkAnyOperands(t *testing.T, f Format, ops []uint64, fpcr FPCR) {
	nan := false
	for _, c := range refCases {
		in := ops[:c.arity]
		for _, a := range in {
			nan = nan || isNaN(f, a) || isInfinite(f, a)
		}
		got, fl := c.op(f, in, fpcr)
		switch {
		case nan:
			checkNaNRules(t, f, c.name, in, fpcr, got, fl)
		default:
			checkReference(t, f, c, in, fpcr.RMode(), fpcr&flushBit(f) != 0, fpcr)
		}
		if f == Double && fpcr&(rmodeMask|FZ|DN) == 0 && c.name == "fmadd" {
			x, y, z := toGo(f, in[0]), toGo(f, in[1]), toGo(f, in[2])
			checkGo(t, f, math.FMA(x, y, z), got, "fmadd")
		}
	}
}

func isInfinite(f Format, a uint64) bool { return a&^f.signBit() == f.inf(false) }

// checkNaNRules checks a result when some operand is a NaN or an infinity:
// a NaN operand gives a NaN result (the default NaN under DN), IOC exactly
// when some operand is signalling (or Inf*0 and the like, which make the
// default NaN).
func checkNaNRules(t *testing.T, f Format, name string, in []uint64, fpcr FPCR, got uint64, fl Flags) {
	signalling, quiet := false, false
	for _, a := range in {
		signalling = signalling || isNaN(f, a) && a&f.quietBit() == 0
		quiet = quiet || isNaN(f, a) && a&f.quietBit() != 0
	}
	if !signalling && !quiet {
		return
	}
	require.True(t, isNaN(f, got), "%s%d%#x: a NaN operand gives a NaN", name, f, in)
	require.NotZero(t, got&f.quietBit(), "%s%d%#x: results are quiet", name, f, in)
	if signalling {
		require.NotZero(t, fl&IOC, "%s%d%#x: SNaN raises IOC", name, f, in)
	}
	if fpcr&DN != 0 {
		require.Equal(t, f.DefaultNaN(), got, "%s%d%#x: DN", name, f, in)
	}
	require.Zero(t, fl&(DZC|OFC|UFC|IXC), "%s%d%#x: a NaN result is exact", name, f, in)
}

func FuzzConvert(f *testing.F) {
	fuzzSeeds(f, Double)
	f.Fuzz(func(t *testing.T, a, _, _ uint64, fpcrBits uint32) {
		fpcr := FPCR(fpcrBits) & (rmodeMask | FZ | DN)
		for _, p := range [][2]Format{{Double, Single}, {Double, Half}, {Single, Half}, {Single, Double}} {
			from, to := p[0], p[1]
			x := a & from.mask()
			got, fl := Convert(from, to, x, fpcr)
			switch {
			case isNaN(from, x):
				require.True(t, isNaN(to, got) && got&to.quietBit() != 0, "fcvt of NaN %#x is a quiet NaN", x)
				require.Equal(t, x&from.quietBit() == 0, fl&IOC != 0, "fcvt of NaN %#x: IOC iff signalling", x)
				continue
			case isInfinite(from, x):
				require.Equal(t, to.inf(x&from.signBit() != 0), got, "fcvt of Inf %#x", x)
				require.Zero(t, fl)
				continue
			}
			var wantFl Flags
			fz := fpcr&FZ != 0
			v := ratOf(from, flushIn(from, x, fz && from != Half, &wantFl))
			if v.Sign() == 0 {
				require.Equal(t, to.zero(x&from.signBit() != 0), got)
				continue
			}
			want, rfl := refRound(to, v, fpcr.RMode(), fz && to != Half)
			require.Equal(t, want, got, "fcvt %d<-%d(%#x) fpcr %#x", to, from, x, fpcr)
			require.Equal(t, wantFl|rfl, fl, "fcvt %d<-%d(%#x) fpcr %#x", to, from, x, fpcr)
		}
	})
}

func FuzzToInt(f *testing.F) {
	fuzzSeeds(f, Double)
	f.Fuzz(func(t *testing.T, a, params, _ uint64, fpcrBits uint32) {
		mode := Rounding(params % 5)
		unsigned, width := params>>3&1 == 1, uint(32<<(params>>4&1))
		fbits := uint(params>>5) % (width + 1)
		for _, fm := range []Format{Single, Double} {
			x := a & fm.mask()
			got, fl := ToInt(fm, x, fbits, unsigned, width, mode, 0)
			want, wantFl := refToInt(fm, x, fbits, unsigned, width, mode)
			require.Equal(t, want, got, "fcvt%d(%#x, %d, %v, %d, %d)", fm, x, fbits, unsigned, width, mode)
			require.Equal(t, wantFl, fl, "fcvt%d(%#x, %d, %v, %d, %d)", fm, x, fbits, unsigned, width, mode)
		}
	})
}

// refRoundToInteger rounds v to an integer as FPRoundInt and FPToFixed do:
// floor, the error, then the mode's round-up rule.
func refRoundToInteger(v *big.Rat, mode Rounding) (*big.Int, bool) {
	n := new(big.Int).Div(v.Num(), v.Denom()) // Euclidean: floor for a positive divisor
	errPart := new(big.Rat).Sub(v, new(big.Rat).SetInt(n))
	half := errPart.Cmp(big.NewRat(1, 2))
	up := false
	switch mode {
	case TiesEven:
		up = half > 0 || half == 0 && n.Bit(0) == 1
	case PlusInf:
		up = errPart.Sign() != 0
	case Zero:
		up = errPart.Sign() != 0 && n.Sign() < 0
	case TiesAway:
		up = half > 0 || half == 0 && n.Sign() >= 0
	}
	if up {
		n.Add(n, big.NewInt(1))
	}
	return n, errPart.Sign() != 0
}

// refToInt is FPToFixed on big.Rat: floor, the error, the Arm round_up
// rule, then saturation.
func refToInt(f Format, a uint64, fbits uint, unsigned bool, width uint, mode Rounding) (uint64, Flags) {
	if isNaN(f, a) {
		return 0, IOC
	}
	neg := a&f.signBit() != 0
	var v *big.Rat
	if isInfinite(f, a) {
		v = pow2(200) // beyond every integer width
		if neg {
			v.Neg(v)
		}
	} else {
		v = ratOf(f, a)
	}
	v.Mul(v, pow2(int(fbits)))
	n, inexact := refRoundToInteger(v, mode)
	lo, hi := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), width-1)), new(big.Int).Lsh(big.NewInt(1), width-1)
	if unsigned {
		lo, hi = big.NewInt(0), new(big.Int).Lsh(big.NewInt(1), width)
	}
	hi.Sub(hi, big.NewInt(1))
	var fl Flags
	switch {
	case n.Cmp(lo) < 0:
		n, fl = lo, IOC
	case n.Cmp(hi) > 0:
		n, fl = hi, IOC
	case inexact:
		fl = IXC
	}
	mask := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), width), big.NewInt(1))
	return new(big.Int).And(n, mask).Uint64(), fl
}

func TestNoAllocation(t *testing.T) {
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		r, _ := MulAdd(Double, 0x3ff0000000000001, 0x400921fb54442d18, 0x3fefffffffffffff, FZ)
		sink += r
		r, _ = Sqrt(Single, 0x40000000, 0)
		sink += r
		r, _ = Convert(Double, Half, 0x3ff0020000000001, AHP)
		sink += r
		r, _ = ToInt(Double, 0xc3e0000000000001, 3, false, 64, TiesAway, 0)
		sink += r
		r, _ = RSqrtEstimate(Single, 1, 0)
		sink += r
	})
	require.Zero(t, allocs)
	_ = sink
}
