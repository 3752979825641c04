package fp

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Round to nearest without FZ or DN is IEEE 754's default, which is what
// Go's float32 and float64 arithmetic does: for every non-NaN result the
// bits must agree, and a NaN result must be a NaN.

const nearestCases = 10000

type binaryOp func(Format, uint64, uint64, FPCR) (uint64, Flags)

// goBinary are the two-operand operations with a Go equivalent (at float64;
// single results are computed in float32).
var goBinary = []struct {
	name string
	op   binaryOp
	f64  func(a, b float64) float64
	f32  func(a, b float32) float32
}{
	{"add", Add, func(a, b float64) float64 { return a + b }, func(a, b float32) float32 { return a + b }},
	{"sub", Sub, func(a, b float64) float64 { return a - b }, func(a, b float32) float32 { return a - b }},
	{"mul", Mul, func(a, b float64) float64 { return a * b }, func(a, b float32) float32 { return a * b }},
	{"div", Div, func(a, b float64) float64 { return a / b }, func(a, b float32) float32 { return a / b }},
	{"max", Max, nanFirst(math.Max), nil},
	{"min", Min, nanFirst(math.Min), nil},
	{"abd", AbsDiff, func(a, b float64) float64 { return math.Abs(a - b) }, func(a, b float32) float32 {
		return float32(math.Abs(float64(a - b)))
	}},
}

// nanFirst makes a NaN operand give a NaN (math.Max(+Inf, NaN) is +Inf).
func nanFirst(op func(a, b float64) float64) func(a, b float64) float64 {
	return func(a, b float64) float64 {
		if math.IsNaN(a) || math.IsNaN(b) {
			return math.NaN()
		}
		return op(a, b)
	}
}

// checkGo compares our result with Go's: equal bits, or both NaN.
func checkGo(t testing.TB, f Format, want float64, got uint64, what string) {
	t.Helper()
	if math.IsNaN(want) {
		require.True(t, isNaN(f, got), "%s: got %#x, want a NaN", what, got)
		return
	}
	require.Equal(t, fmt.Sprintf("%#x", fromGo(f, want)), fmt.Sprintf("%#x", got), "%s", what)
}

func goResult(f Format, a, b uint64, f64 func(a, b float64) float64, f32 func(a, b float32) float32) float64 {
	x, y := toGo(f, a), toGo(f, b)
	if f == Single && f32 != nil {
		return float64(f32(float32(x), float32(y)))
	}
	return f64(x, y)
}

func TestNearestBinaryMatchesGo(t *testing.T) {
	for _, f := range []Format{Single, Double} {
		for _, c := range goBinary {
			g := newGen(f, uint64(f)*7+uint64(len(c.name)))
			for i := range nearestCases {
				a := g.next()
				b := g.near(a)
				if i%2 == 0 {
					b = g.next()
				}
				got, _ := c.op(f, a, b, 0)
				checkGo(t, f, goResult(f, a, b, c.f64, c.f32), got, fmt.Sprintf("%s%d(%#x, %#x)", c.name, f, a, b))
			}
		}
	}
}

func TestNearestUnaryMatchesGo(t *testing.T) {
	unary := []struct {
		name string
		op   func(Format, uint64) (uint64, Flags)
		go64 func(float64) float64
	}{
		{"sqrt", func(f Format, a uint64) (uint64, Flags) { return Sqrt(f, a, 0) }, math.Sqrt},
		{"frintn", func(f Format, a uint64) (uint64, Flags) { return RoundInt(f, a, TiesEven, false, 0) }, math.RoundToEven},
		{"frintp", func(f Format, a uint64) (uint64, Flags) { return RoundInt(f, a, PlusInf, false, 0) }, math.Ceil},
		{"frintm", func(f Format, a uint64) (uint64, Flags) { return RoundInt(f, a, MinusInf, false, 0) }, math.Floor},
		{"frintz", func(f Format, a uint64) (uint64, Flags) { return RoundInt(f, a, Zero, false, 0) }, math.Trunc},
		{"frinta", func(f Format, a uint64) (uint64, Flags) { return RoundInt(f, a, TiesAway, false, 0) }, math.Round},
		{"fneg", func(f Format, a uint64) (uint64, Flags) { return Neg(f, a), 0 }, func(x float64) float64 { return -x }},
		{"fabs", func(f Format, a uint64) (uint64, Flags) { return Abs(f, a), 0 }, math.Abs},
	}
	for _, f := range []Format{Single, Double} {
		for _, c := range unary {
			g := newGen(f, uint64(f)+uint64(len(c.name)))
			for range nearestCases {
				a := g.next()
				got, fl := c.op(f, a)
				want := c.go64(toGo(f, a))
				if f == Single {
					want = float64(float32(want)) // sqrt: double rounding is exact for single
				}
				checkGo(t, f, want, got, fmt.Sprintf("%s%d(%#x)", c.name, f, a))
				if c.name != "sqrt" && !isNaN(f, a) {
					require.Zero(t, fl, "%s%d(%#x) raises nothing", c.name, f, a)
				}
			}
		}
	}
}

func TestNearestFusedMatchesGo(t *testing.T) {
	g := newGen(Double, 3)
	for i := range nearestCases {
		a, b := g.next(), g.next()
		c := g.near(a) // the product's exponent is not a's, but cancellation still happens often
		if i%3 == 0 {
			p, _ := Mul(Double, a, b, 0)
			c = Neg(Double, g.near(p))
		}
		x, y, z := toGo(Double, a), toGo(Double, b), toGo(Double, c)
		got, _ := MulAdd(Double, c, a, b, 0)
		checkGo(t, Double, math.FMA(x, y, z), got, fmt.Sprintf("fmadd(%#x + %#x*%#x)", c, a, b))
		got, _ = MulSub(Double, c, a, b, 0)
		checkGo(t, Double, math.FMA(-x, y, z), got, fmt.Sprintf("fmsub(%#x - %#x*%#x)", c, a, b))
		got, _ = NegMulAdd(Double, c, a, b, 0)
		checkGo(t, Double, math.FMA(-x, y, -z), got, fmt.Sprintf("fnmadd(-%#x - %#x*%#x)", c, a, b))
		got, _ = NegMulSub(Double, c, a, b, 0)
		checkGo(t, Double, math.FMA(x, y, -z), got, fmt.Sprintf("fnmsub(-%#x + %#x*%#x)", c, a, b))
	}
}

func TestNearestConvertMatchesGo(t *testing.T) {
	gd, gs := newGen(Double, 5), newGen(Single, 6)
	for range nearestCases {
		d, s := gd.next(), gs.next()
		got, _ := Convert(Double, Single, d, 0)
		checkGo(t, Single, float64(float32(toGo(Double, d))), got, fmt.Sprintf("fcvt s, d(%#x)", d))
		got, _ = Convert(Single, Double, s, 0)
		checkGo(t, Double, toGo(Single, s), got, fmt.Sprintf("fcvt d, s(%#x)", s))
	}
}

func TestNearestCompareMatchesGo(t *testing.T) {
	for _, f := range []Format{Single, Double} {
		g := newGen(f, 9)
		for range nearestCases {
			a := g.next()
			b := g.near(a)
			x, y := toGo(f, a), toGo(f, b)
			nzcv, _ := Compare(f, a, b, 0)
			want := map[bool]uint8{true: NZCVUnordered}[math.IsNaN(x) || math.IsNaN(y)]
			switch {
			case want != 0:
			case x < y:
				want = NZCVLess
			case x == y:
				want = NZCVEqual
			default:
				want = NZCVGreater
			}
			require.Equal(t, want, nzcv, "fcmp%d(%#x, %#x)", f, a, b)
			for _, c := range []struct {
				op   binaryOp
				want bool
			}{{CompareEQ, x == y}, {CompareGE, x >= y}, {CompareGT, x > y},
				{AbsCompareGE, math.Abs(x) >= math.Abs(y)}, {AbsCompareGT, math.Abs(x) > math.Abs(y)}} {
				m, _ := c.op(f, a, b, 0)
				require.Equal(t, f.boolMask(c.want), m, "compare%d(%#x, %#x)", f, a, b)
			}
		}
	}
}

// goRounders round a float64 to an integral value as each mode does.
var goRounders = map[Rounding]func(float64) float64{
	TiesEven: math.RoundToEven, PlusInf: math.Ceil, MinusInf: math.Floor, Zero: math.Trunc, TiesAway: math.Round,
}

// goToInt is the saturating conversion of an already rounded x.
func goToInt(x float64, unsigned bool, width uint) (uint64, Flags) {
	lo, hi := -math.Ldexp(1, int(width)-1), math.Ldexp(1, int(width)-1) // [lo, hi)
	if unsigned {
		lo, hi = 0, math.Ldexp(1, int(width))
	}
	switch {
	case math.IsNaN(x):
		return 0, IOC
	case x < lo:
		return uint64(int64(lo)) & (1<<width - 1), IOC
	case x >= hi:
		if unsigned {
			return 1<<width - 1, IOC
		}
		return 1<<(width-1) - 1, IOC
	case x < 0:
		return uint64(int64(x)) & (1<<width - 1), 0
	}
	return uint64(x), 0
}

func TestNearestToIntMatchesGo(t *testing.T) {
	for _, f := range []Format{Single, Double} {
		g := newGen(f, 11)
		for range nearestCases {
			a := g.next()
			if g.r.IntN(2) == 0 { // magnitudes around the integer limits
				a = g.finite(f.bias()+g.r.IntN(70), g.fraction())
			}
			mode := Rounding(g.r.IntN(5))
			unsigned, width := g.r.IntN(2) == 0, uint(32<<g.r.IntN(2))
			fbits := uint(0)
			if g.r.IntN(4) == 0 {
				fbits = uint(1 + g.r.IntN(int(width)))
			}
			x := math.Ldexp(toGo(f, a), int(fbits))
			r := goRounders[mode](x)
			want, wantFl := goToInt(r, unsigned, width)
			if wantFl == 0 && r != x {
				wantFl = IXC
			}
			got, fl := ToInt(f, a, fbits, unsigned, width, mode, 0)
			what := fmt.Sprintf("fcvt%d(%#x, fbits %d, unsigned %v, width %d, mode %d)", f, a, fbits, unsigned, width, mode)
			require.Equal(t, want, got, what)
			require.Equal(t, wantFl, fl, what)
		}
	}
}

func TestNearestFromIntMatchesGo(t *testing.T) {
	g := newGen(Double, 13)
	for range nearestCases {
		x := g.r.Uint64() >> g.r.IntN(64)
		if g.r.IntN(2) == 0 {
			x = -x
		}
		unsigned, width := g.r.IntN(2) == 0, uint(32<<g.r.IntN(2))
		fbits := uint(g.r.IntN(int(width) + 1))
		if g.r.IntN(2) == 0 {
			fbits = 0
		}
		var v float64 // the integer's value, exact in big cases only via two float64 halves
		var v32 float32
		switch {
		case width == 32 && unsigned:
			v, v32 = float64(uint32(x)), float32(uint32(x))
		case width == 32:
			v, v32 = float64(int32(x)), float32(int32(x))
		case unsigned:
			v, v32 = float64(x), float32(x)
		default:
			v, v32 = float64(int64(x)), float32(int64(x))
		}
		what := fmt.Sprintf("scvtf(%#x, fbits %d, unsigned %v, width %d)", x, fbits, unsigned, width)
		got, _ := FromInt(Double, x, fbits, unsigned, width, 0)
		checkGo(t, Double, math.Ldexp(v, -int(fbits)), got, what)
		got, _ = FromInt(Single, x, fbits, unsigned, width, 0)
		checkGo(t, Single, math.Ldexp(float64(v32), -int(fbits)), got, what)
	}
}
