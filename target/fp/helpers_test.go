package fp

import (
	"math"
	"math/big"
	"math/rand/v2"
)

// Operand generation, Go-float conversions and the exact big.Rat/big.Float
// reference shared by the property tests and the fuzz targets.

func (f Format) one() uint64 { return uint64(f.bias()) << f.fracBits() }

// edgeOperands are the values where floating-point code goes wrong: both
// zeros, subnormal and normal extremes, values next to 1, the infinities and
// quiet and signalling NaNs with small and large payloads.
func edgeOperands(f Format) []uint64 {
	fb := f.fracBits()
	minNormal := uint64(1) << fb
	pos := []uint64{
		0, 1, 2, 3, f.fracMask() - 1, f.fracMask(), // zero and subnormals
		minNormal, minNormal + 1, 2 * minNormal, // smallest normals
		f.one() - 1, f.one(), f.one() + 1, f.one() | f.quietBit(), f.two(false),
		f.maxNormal(false) - 1, f.maxNormal(false), f.inf(false),
		f.DefaultNaN(), f.DefaultNaN() | 1, f.inf(false) | f.fracMask(), // quiet NaNs
		f.inf(false) | 1, f.inf(false) | f.quietBit() - 1, f.inf(false) | 0x15, // signalling NaNs
	}
	out := make([]uint64, 0, 2*len(pos))
	for _, p := range pos {
		out = append(out, p, p|f.signBit())
	}
	return out
}

type gen struct {
	r     *rand.Rand
	f     Format
	edges []uint64
}

func newGen(f Format, seed uint64) *gen {
	return &gen{rand.New(rand.NewPCG(seed, 0x5eed)), f, edgeOperands(f)}
}

// finite builds a number from a sign, a biased exponent and a fraction.
func (g *gen) finite(biasedExp int, frac uint64) uint64 {
	f := g.f
	e := uint64(min(max(biasedExp, 0), int(f.expField())-1))
	return f.sign(g.r.IntN(2) == 1) | e<<f.fracBits() | frac&f.fracMask()
}

// fraction is a random fraction, often with long runs of ones or zeros at
// the bottom (values next to rounding boundaries).
func (g *gen) fraction() uint64 {
	fr := g.r.Uint64()
	switch g.r.IntN(4) {
	case 0:
		fr |= 1<<g.r.IntN(g.f.fracBits()) - 1
	case 1:
		fr &^= 1<<g.r.IntN(g.f.fracBits()) - 1
	}
	return fr
}

// next is a random operand: an edge value, random bits, a number of
// moderate size or a number near the ends of the exponent range.
func (g *gen) next() uint64 {
	f := g.f
	switch g.r.IntN(5) {
	case 0:
		return g.edges[g.r.IntN(len(g.edges))]
	case 1:
		return g.r.Uint64() & f.mask()
	case 2:
		return g.finite(f.bias()+g.r.IntN(41)-20, g.fraction())
	case 3:
		return g.finite(g.r.IntN(f.fracBits()+4), g.fraction()) // subnormal or just above
	}
	return g.finite(int(f.expField())-1-g.r.IntN(4), g.fraction())
}

// near is an operand close to a: its exponent moved by a few places (or up
// to a fraction's width), some low bits changed, any sign; so sums cancel
// and round at interesting places.
func (g *gen) near(a uint64) uint64 {
	f := g.f
	e := int(a >> f.fracBits() & f.expField())
	if e == int(f.expField()) || g.r.IntN(8) == 0 {
		return g.next()
	}
	e += g.r.IntN(2*f.fracBits()+5) - f.fracBits() - 2
	frac := a ^ g.r.Uint64()&(1<<g.r.IntN(f.fracBits()+1)-1)
	return g.finite(e, frac)
}

// finiteOnly replaces infinities and NaNs by a moderate number.
func (g *gen) finiteOnly(a uint64) uint64 {
	if a>>g.f.fracBits()&g.f.expField() == g.f.expField() {
		return g.finite(g.f.bias(), a)
	}
	return a
}

func isNaN(f Format, a uint64) bool {
	return a>>f.fracBits()&f.expField() == f.expField() && a&f.fracMask() != 0
}

func isSubnormal(f Format, a uint64) bool {
	return a>>f.fracBits()&f.expField() == 0 && a&f.fracMask() != 0
}

// toGo widens a single or double to float64 (exactly).
func toGo(f Format, a uint64) float64 {
	if f == Single {
		return float64(math.Float32frombits(uint32(a)))
	}
	return math.Float64frombits(a)
}

// fromGo narrows x (already a value of f) to its bit pattern.
func fromGo(f Format, x float64) uint64 {
	if f == Single {
		return uint64(math.Float32bits(float32(x)))
	}
	return math.Float64bits(x)
}

// ratOf is the exact value of a finite a, decoded without the package's code.
func ratOf(f Format, a uint64) *big.Rat {
	if f != Half {
		return new(big.Rat).SetFloat64(toGo(f, a))
	}
	e := int(a >> 10 & 31)
	m := int64(a & 0x3ff)
	if e != 0 {
		m |= 0x400
	} else {
		e = 1
	}
	if a&0x8000 != 0 {
		m = -m
	}
	return new(big.Rat).Mul(big.NewRat(m, 1), pow2(e-15-10))
}

func pow2(e int) *big.Rat {
	x := new(big.Int).Lsh(big.NewInt(1), uint(max(e, -e)))
	if e < 0 {
		return new(big.Rat).SetFrac(big.NewInt(1), x)
	}
	return new(big.Rat).SetInt(x)
}

// refRound rounds the exact nonzero x to f as the Arm ARM's FPRound does,
// using big.Float's rounding with the matching mode. Subnormal results are
// rounded by adding 2^minExp (the smallest normal), which puts the
// subnormal spacing at big.Float's last place, and subtracting it again.
// With fz, results below the smallest normal flush to zero.
func refRound(f Format, x *big.Rat, mode Rounding, fz bool) (uint64, Flags) {
	neg := x.Sign() < 0
	ax := new(big.Rat).Abs(x)
	minNormal := pow2(f.minExp())
	tiny := ax.Cmp(minNormal) < 0
	if fz && tiny {
		return f.zero(neg), UFC
	}
	bm := magnitudeMode(mode, neg)
	y := ax
	if tiny {
		y = new(big.Rat).Add(ax, minNormal)
	}
	z := new(big.Float).SetPrec(uint(f.fracBits() + 1)).SetMode(bm).SetRat(y)
	zr, _ := z.Rat(nil)
	if tiny {
		zr.Sub(zr, minNormal)
	}
	var fl Flags
	if zr.Cmp(ax) != 0 {
		fl |= IXC
		if tiny {
			fl |= UFC
		}
	}
	if zr.Cmp(pow2(f.bias()+1)) >= 0 {
		fl |= OFC | IXC
		if mode == TiesEven || mode == TiesAway || mode == PlusInf && !neg || mode == MinusInf && neg {
			return f.inf(neg), fl
		}
		return f.maxNormal(neg), fl
	}
	return encode(f, zr, neg), fl
}

// encode is the bit pattern of the value |z| of f with the given sign.
func encode(f Format, z *big.Rat, neg bool) uint64 {
	fb := f.fracBits()
	if z.Sign() == 0 {
		return f.zero(neg)
	}
	top := z.Num().BitLen() - z.Denom().BitLen() // 2^top <= z < 2^(top+2)
	if new(big.Rat).Mul(z, pow2(-top)).Cmp(big.NewRat(2, 1)) >= 0 {
		top++
	}
	biased := max(top+f.bias(), 0)
	scale := fb - max(top, f.minExp())
	field := new(big.Rat).Mul(z, pow2(scale))
	if !field.IsInt() {
		panic("encode: not a value of the format")
	}
	m := field.Num().Uint64()
	if biased > 0 {
		m -= 1 << fb
	}
	return f.sign(neg) | uint64(biased)<<fb | m
}

// flushIn is the reference's input flush: FZ reads a subnormal as zero
// (raising IDC for single and double).
func flushIn(f Format, a uint64, fz bool, fl *Flags) uint64 {
	if fz && isSubnormal(f, a) {
		if f != Half {
			*fl |= IDC
		}
		return a & f.signBit()
	}
	return a
}

// magnitudeMode is the big.Float mode that rounds |x| as mode rounds x.
func magnitudeMode(mode Rounding, neg bool) big.RoundingMode {
	switch {
	case mode == TiesEven:
		return big.ToNearestEven
	case mode == TiesAway:
		return big.ToNearestAway
	case mode == PlusInf && !neg, mode == MinusInf && neg:
		return big.AwayFromZero
	}
	return big.ToZero
}

var modes = [...]Rounding{TiesEven, PlusInf, MinusInf, Zero}
