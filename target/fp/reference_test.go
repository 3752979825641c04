package fp

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every rounding mode, with and without flush-to-zero, against an exact
// reference: the operation is computed exactly as a big.Rat and rounded by
// refRound (big.Float with the matching mode). Results and all flags must
// agree. Operands are finite; results that are exactly zero are left to the
// golden table (their sign is a rule, not a rounding).

const referenceCases = 150

// exactOp computes the exact result of an operation on finite operands
// (already flushed); ok is false where the reference does not apply.
type exactOp func(x []*big.Rat) (r *big.Rat, ok bool)

type refCase struct {
	name  string
	arity int
	op    func(f Format, ops []uint64, fpcr FPCR) (uint64, Flags)
	exact exactOp
}

func ratMul(x, y *big.Rat) *big.Rat { return new(big.Rat).Mul(x, y) }
func ratAdd(x, y *big.Rat) *big.Rat { return new(big.Rat).Add(x, y) }
func ratNeg(x *big.Rat) *big.Rat    { return new(big.Rat).Neg(x) }

var refCases = []refCase{
	{"add", 2, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return Add(f, o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) { return ratAdd(x[0], x[1]), true }},
	{"sub", 2, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return Sub(f, o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) { return ratAdd(x[0], ratNeg(x[1])), true }},
	{"mul", 2, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return Mul(f, o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) { return ratMul(x[0], x[1]), true }},
	{"div", 2, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return Div(f, o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) {
			if x[1].Sign() == 0 {
				return nil, false
			}
			return new(big.Rat).Quo(x[0], x[1]), true
		}},
	{"sqrt", 1, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return Sqrt(f, o[0], c) }, refSqrt},
	{"fmadd", 3, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return MulAdd(f, o[2], o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) { return ratAdd(x[2], ratMul(x[0], x[1])), true }},
	{"fnmsub", 3, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return NegMulSub(f, o[2], o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) { return ratAdd(ratNeg(x[2]), ratMul(x[0], x[1])), true }},
	{"frecps", 2, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return RecipStep(f, o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) { return ratAdd(big.NewRat(2, 1), ratNeg(ratMul(x[0], x[1]))), true }},
	{"frsqrts", 2, func(f Format, o []uint64, c FPCR) (uint64, Flags) { return RSqrtStep(f, o[0], o[1], c) },
		func(x []*big.Rat) (*big.Rat, bool) {
			r := ratAdd(big.NewRat(3, 1), ratNeg(ratMul(x[0], x[1])))
			return r.Mul(r, big.NewRat(1, 2)), true
		}},
}

// refSqrt is sqrt(x) truncated to 64 binary places below x's own last
// place, plus half such a place when inexact. The root's last place
// (53 bits below its leading bit, which is at least half x's) is a
// multiple of that grid, so no rounding boundary falls between the
// returned value and the true root.
func refSqrt(x []*big.Rat) (*big.Rat, bool) {
	if x[0].Sign() <= 0 {
		return nil, false
	}
	const places = 64
	num := new(big.Int).Mul(x[0].Num(), x[0].Denom()) // sqrt(n/d) = sqrt(n*d)/d
	num.Lsh(num, 2*places)
	root := new(big.Int).Sqrt(num)
	r := new(big.Rat).SetFrac(root, new(big.Int).Lsh(x[0].Denom(), places))
	if new(big.Int).Mul(root, root).Cmp(num) != 0 {
		r.Add(r, new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Lsh(x[0].Denom(), places+1)))
	}
	return r, true
}

// flushBit is the FPCR bit that flushes f's subnormals.
func flushBit(f Format) FPCR {
	if f == Half {
		return FZ16
	}
	return FZ
}

func TestArithmeticMatchesReference(t *testing.T) {
	for _, f := range []Format{Half, Single, Double} {
		for _, c := range refCases {
			for _, mode := range modes {
				for _, fz := range []bool{false, true} {
					g := newGen(f, uint64(f)<<8|uint64(mode)<<4|uint64(len(c.name)))
					fpcr := FPCR(0).WithRMode(mode)
					if fz {
						fpcr |= flushBit(f)
					}
					for range referenceCases {
						ops := make([]uint64, c.arity)
						for i := range ops {
							ops[i] = g.finiteOnly(g.next())
							if i > 0 && g.r.IntN(2) == 0 {
								ops[i] = g.finiteOnly(g.near(ops[i-1]))
							}
						}
						checkReference(t, f, c, ops, mode, fz, fpcr)
					}
				}
			}
		}
	}
}

func checkReference(t testing.TB, f Format, c refCase, ops []uint64, mode Rounding, fz bool, fpcr FPCR) {
	t.Helper()
	var wantFl Flags
	x := make([]*big.Rat, len(ops))
	for i, a := range ops {
		x[i] = ratOf(f, flushIn(f, a, fz, &wantFl))
	}
	exact, ok := c.exact(x)
	if !ok || exact.Sign() == 0 {
		return
	}
	want, fl := refRound(f, exact, mode, fz)
	got, gotFl := c.op(f, ops, fpcr)
	what := fmt.Sprintf("%s%d%#x mode %d fz %v", c.name, f, ops, mode, fz)
	require.Equal(t, fmt.Sprintf("%#x %v", want, wantFl|fl), fmt.Sprintf("%#x %v", got, gotFl), what)
}

func TestConvertMatchesReference(t *testing.T) {
	pairs := [][2]Format{{Double, Single}, {Double, Half}, {Single, Half}, {Single, Double}, {Half, Single}, {Half, Double}}
	for _, p := range pairs {
		from, to := p[0], p[1]
		g := newGen(from, uint64(from)<<8|uint64(to))
		for _, mode := range modes {
			for _, fz := range []bool{false, true} {
				fpcr := FPCR(0).WithRMode(mode)
				if fz {
					fpcr |= FZ | FZ16 // FZ16 never applies to conversions
				}
				for range 4 * referenceCases {
					a := g.finiteOnly(g.next())
					if g.r.IntN(2) == 0 && to.Bits() < from.Bits() { // around the target's range
						a = g.finite(from.bias()+to.minExp()-to.fracBits()-2+g.r.IntN(to.bias()*2+to.fracBits()+6), g.fraction())
					}
					var wantFl Flags
					x := ratOf(from, flushIn(from, a, fz && from != Half, &wantFl))
					what := fmt.Sprintf("fcvt %d<-%d(%#x) mode %d fz %v", to, from, a, mode, fz)
					got, gotFl := Convert(from, to, a, fpcr)
					if x.Sign() == 0 {
						require.Equal(t, to.zero(a&from.signBit() != 0), got, what)
						require.Equal(t, wantFl, gotFl, what)
						continue
					}
					want, fl := refRound(to, x, mode, fz && to != Half)
					require.Equal(t, fmt.Sprintf("%#x %v", want, wantFl|fl), fmt.Sprintf("%#x %v", got, gotFl), what)
				}
			}
		}
	}
}

func TestFromIntMatchesReference(t *testing.T) {
	for _, f := range []Format{Half, Single, Double} {
		g := newGen(f, uint64(f)+99)
		for _, mode := range modes {
			for range 4 * referenceCases {
				x := g.r.Uint64() >> g.r.IntN(64)
				if g.r.IntN(2) == 0 {
					x = -x
				}
				unsigned, width := g.r.IntN(2) == 0, uint(32<<g.r.IntN(2))
				fbits := uint(g.r.IntN(int(width) + 1))
				v := new(big.Int).SetUint64(x & (1<<width - 1))
				if width == 64 {
					v.SetUint64(x)
				}
				if !unsigned && v.Bit(int(width)-1) == 1 {
					v.Sub(v, new(big.Int).Lsh(big.NewInt(1), width))
				}
				what := fmt.Sprintf("scvtf%d(%#x, fbits %d, unsigned %v, width %d) mode %d", f, x, fbits, unsigned, width, mode)
				got, gotFl := FromInt(f, x, fbits, unsigned, width, FPCR(0).WithRMode(mode))
				if v.Sign() == 0 {
					require.Equal(t, uint64(0), got, what)
					continue
				}
				want, fl := refRound(f, new(big.Rat).Mul(new(big.Rat).SetInt(v), pow2(-int(fbits))), mode, false)
				require.Equal(t, fmt.Sprintf("%#x %v", want, fl), fmt.Sprintf("%#x %v", got, gotFl), what)
			}
		}
	}
}
