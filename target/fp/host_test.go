package fp

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// The host fast path (host.go) against the software path, bit for bit with
// the flags: random and edge operands under every FPCR setting, with IXC
// known and not, then a table of the boundaries where the fast path must
// step aside.

var laneOps = []LaneOp{LaneAdd, LaneSub, LaneMul, LaneMulX, LaneMulAdd, LaneMulSub, LaneDiv, LaneSqrt}

// scalarOf is the exported scalar function of op: it must agree too.
func scalarOf(op LaneOp, f Format, a, b, c uint64, fpcr FPCR) (uint64, Flags) {
	switch op {
	case LaneAdd:
		return Add(f, a, b, fpcr)
	case LaneSub:
		return Sub(f, a, b, fpcr)
	case LaneMul:
		return Mul(f, a, b, fpcr)
	case LaneMulX:
		return MulX(f, a, b, fpcr)
	case LaneMulAdd:
		return MulAdd(f, c, a, b, fpcr)
	case LaneDiv:
		return Div(f, a, b, fpcr)
	case LaneSqrt:
		return Sqrt(f, a, fpcr)
	}
	return MulSub(f, c, a, b, fpcr)
}

// hostOp of a LaneOp, with the sign flips Lanes applies.
func hostOf(op LaneOp, f Format) (hostOp, uint64, uint64) {
	switch op {
	case LaneSub:
		return hostAdd, 0, f.signBit()
	case LaneMul, LaneMulX:
		return hostMul, 0, 0
	case LaneMulAdd:
		return hostMulAdd, 0, 0
	case LaneMulSub:
		return hostMulAdd, f.signBit(), 0
	case LaneDiv:
		return hostDiv, 0, 0
	case LaneSqrt:
		return hostSqrt, 0, 0
	}
	return hostAdd, 0, 0
}

// hostOperands are operands where the fast path's conditions flip: normal
// values whose sums, products and fused results land next to the smallest
// normal, next to overflow, or on exact and inexact results.
func (g *gen) hostOperands() (a, b, c uint64) {
	f := g.f
	switch g.r.IntN(4) {
	case 0: // products near the smallest normal
		half := f.minExp() / 2
		a = g.finite(f.bias()+half+g.r.IntN(5)-2, g.fraction())
		b = g.finite(f.bias()+f.minExp()-half+g.r.IntN(5)-2, g.fraction())
		return a, b, g.near(a)
	case 1: // sums near the smallest normal
		a = g.finite(1+g.r.IntN(3), g.fraction())
		return a, g.near(a), g.near(a)
	case 2: // exact small integers and halves: exact results with IXC clear
		x := float64(g.r.IntN(2001)-1000) / float64(int(1)<<g.r.IntN(3))
		y := float64(g.r.IntN(2001) - 1000)
		z := float64(g.r.IntN(2001)-1000) * 0.25
		return fromGo(f, x), fromGo(f, y), fromGo(f, z)
	}
	a = g.next()
	return a, g.near(a), g.near(g.next())
}

var hostFPCRs = func() []FPCR {
	var out []FPCR
	for _, r := range []Rounding{TiesEven, PlusInf, MinusInf, Zero} {
		for _, extra := range []FPCR{0, FZ, DN, FZ | DN} {
			out = append(out, FPCR(0).WithRMode(r)|extra)
		}
	}
	return out
}()

func TestHostMatchesSoftware(t *testing.T) {
	for _, f := range []Format{Single, Double} {
		for _, op := range laneOps {
			t.Run(fmt.Sprintf("%d/%d", op, f), func(t *testing.T) {
				g := newGen(f, uint64(f)*131+uint64(op))
				hop, negA, negB := hostOf(op, f)
				fast := 0
				for i := 0; i < 40000; i++ {
					a, b, c := g.hostOperands()
					fpcr := hostFPCRs[g.r.IntN(len(hostFPCRs))]
					want, wantFl := softLane(op, f, a, b, c, fpcr)
					what := fmt.Sprintf("a=%#x b=%#x c=%#x fpcr=%#x", a, b, c, uint32(fpcr))
					got, gotFl := scalarOf(op, f, a, b, c, fpcr)
					require.Equalf(t, want, got, "scalar result %s", what)
					require.Equalf(t, wantFl, gotFl, "scalar flags %s", what)
					for _, known := range []Flags{0, IXC, IOC | UFC} {
						la := LaneArgs{A: [4]uint64{a}, B: [4]uint64{b}, C: [4]uint64{c}}
						fl := Lanes(op, f, 1, &la, fpcr, known)
						require.Equalf(t, want, la.R[0], "result %s known=%v", what, known)
						require.Equalf(t, wantFl|known, fl|known, "flags %s known=%v", what, known)
					}
					la := LaneArgs{A: [4]uint64{a}, B: [4]uint64{b}, C: [4]uint64{c}}
					if _, undone := hostLanes(f, hop, 1, &la, negA, negB, fpcr, 0); undone == 0 {
						fast++
					}
				}
				require.Greater(t, fast, 2000, "operands that took the host path")
			})
		}
	}
}

func TestHostBoundaries(t *testing.T) {
	d := func(x float64) uint64 { return math.Float64bits(x) }
	s := func(x float64) uint64 { return uint64(math.Float32bits(float32(x))) }
	const minD, maxD = 0x1p-1022, math.MaxFloat64
	rp := FPCR(0).WithRMode(PlusInf)
	cases := []struct {
		name    string
		f       Format
		op      hostOp
		a, b, c uint64
		fpcr    FPCR
		known   Flags
		host    bool // the fast path answers
		want    uint64
		wantFl  Flags
	}{
		{"exact sum", Double, hostAdd, d(1), d(2), 0, 0, 0, true, d(3), 0},
		{"inexact sum", Double, hostAdd, d(1), d(0x1p-60), 0, 0, 0, true, d(1), IXC},
		{"inexact sum, IXC known", Double, hostAdd, d(1), d(0x1p-60), 0, 0, IXC, true, d(1), 0},
		{"x + -x is +0", Double, hostAdd, d(3), d(-3), 0, 0, 0, true, d(0), 0},
		{"-0 + -0 is -0", Double, hostAdd, d(math.Copysign(0, -1)), d(math.Copysign(0, -1)), 0, 0, 0, true, 1 << 63, 0},
		{"sum just above the smallest normal", Double, hostAdd, d(3 * minD), d(-minD - 0x1p-1074*2), 0, 0, 0, true, d(2*minD - 0x1p-1073), 0},
		{"sum equal to the smallest normal", Double, hostAdd, d(2 * minD), d(-minD), 0, 0, 0, false, d(minD), 0},
		{"subnormal sum", Double, hostAdd, d(minD), d(-minD - 0x1p-1074*4), 0, 0, 0, false, 1<<63 | 4, 0},
		{"subnormal sum flushed", Double, hostAdd, d(minD), d(-minD - 0x1p-1074*4), 0, FZ, 0, false, 1 << 63, UFC},
		{"sum overflows", Double, hostAdd, d(maxD), d(maxD), 0, 0, 0, false, d(math.Inf(1)), OFC | IXC},
		{"RP falls back", Double, hostAdd, d(1), d(0x1p-60), 0, rp, 0, false, d(1 + 0x1p-52), IXC},
		{"RZ falls back", Double, hostAdd, d(-1), d(-0x1p-60), 0, FPCR(0).WithRMode(Zero), 0, false, d(-1), IXC},
		{"RM falls back, x + -x is -0", Double, hostAdd, d(3), d(-3), 0, FPCR(0).WithRMode(MinusInf), 0, false, 1 << 63, 0},
		{"subnormal operand under FZ", Double, hostAdd, 1, d(1), 0, FZ, 0, false, d(1), IDC},
		{"NaN under DN", Double, hostAdd, 0x7ff0000000000001, d(1), 0, DN, 0, false, Double.DefaultNaN(), IOC},
		{"single exact sum", Single, hostAdd, s(1.5), s(2.25), 0, 0, 0, true, s(3.75), 0},
		{"single inexact sum", Single, hostAdd, s(1), s(0x1p-30), 0, 0, 0, true, s(1), IXC},
		{"single subnormal sum", Single, hostAdd, s(0x1p-126), s(-0x1p-126 - 0x1p-148), 0, 0, 0, false, 1<<31 | 2, 0},

		{"exact product", Double, hostMul, d(1.5), d(-4), 0, 0, 0, true, d(-6), 0},
		{"inexact product", Double, hostMul, d(1 + 0x1p-52), d(1 + 0x1p-52), 0, 0, 0, true, d(1 + 0x1p-51), IXC},
		{"zero product", Double, hostMul, d(0), d(-3), 0, 0, 0, true, 1 << 63, 0},
		{"product above the smallest normal, IXC unknown", Double, hostMul, d(0x1p-511 * (1 + 0x1p-52)), d(0x1p-510), 0, 0, 0, false,
			d(0x1p-1021 * (1 + 0x1p-52)), 0},
		{"product above the smallest normal, IXC known", Double, hostMul, d(0x1p-511 * (1 + 0x1p-52)), d(0x1p-510), 0, 0, IXC, true,
			d(0x1p-1021 * (1 + 0x1p-52)), 0},
		{"product rounding up to the smallest normal", Double, hostMul, d((2 - 0x1p-52) * 0x1p-512), d(0x1p-511), 0, 0, IXC, false,
			d(minD), UFC | IXC},
		{"product underflows to zero", Double, hostMul, d(0x1p-600), d(0x1p-600), 0, 0, IXC, false, 0, UFC | IXC},
		{"product overflows", Double, hostMul, d(0x1p1000), d(0x1p1000), 0, 0, IXC, false, d(math.Inf(1)), OFC | IXC},
		{"single inexact product", Single, hostMul, s(1 + 0x1p-23), s(1 + 0x1p-23), 0, 0, 0, true, s(1 + 0x1p-22), IXC},
		{"single product just above the smallest normal", Single, hostMul, s(0x1p-63 * (1 + 0x1p-23)), s(0x1p-63), 0, 0, 0, true,
			s(0x1p-126 * (1 + 0x1p-23)), 0},
		{"single product rounding up to the smallest normal", Single, hostMul, s((2 - 0x1p-23) * 0x1p-64), s(0x1p-63), 0, 0, 0, false,
			s(0x1p-126), UFC | IXC},

		{"exact fused", Double, hostMulAdd, d(2), d(3), d(1), 0, 0, true, d(7), 0},
		{"fused exact cancellation", Double, hostMulAdd, d(2), d(3), d(-6), 0, 0, false, d(0), 0},
		{"fused with a zero product", Double, hostMulAdd, d(0), d(-3), d(0), 0, 0, true, d(0), 0},
		{"fused, inexact product, IXC unknown", Double, hostMulAdd, d(1 + 0x1p-52), d(1 + 0x1p-52), d(-1), 0, 0, false,
			d(0x1p-51), IXC},
		{"fused, inexact product, IXC known", Double, hostMulAdd, d(1 + 0x1p-52), d(1 + 0x1p-52), d(-1), 0, IXC, true,
			d(0x1p-51), IXC},
		{"fused, exact product, inexact sum", Double, hostMulAdd, d(3), d(0x1p-60), d(1), 0, 0, true, d(1), IXC},
		{"fused overflows", Double, hostMulAdd, d(maxD), d(2), d(0), 0, IXC, false, d(math.Inf(1)), OFC | IXC},
		// (1 + 2^-23)(1 - 2^-23)2^-24 + (1 + 2^-23) is just below a single midpoint, which is
		// a double: rounding the double sum to single again would go up.
		{"single fused at a midpoint", Single, hostMulAdd, s(1 + 0x1p-23), s((1 - 0x1p-23) * 0x1p-24), s(1 + 0x1p-23), 0, IXC, false,
			s(1 + 0x1p-23), IXC},
		{"single fused, exact", Single, hostMulAdd, s(1.5), s(1.5), s(-2), 0, 0, true, s(0.25), 0},
		{"exact quotient", Double, hostDiv, d(6), d(-4), 0, 0, 0, true, d(-1.5), 0},
		{"inexact quotient", Double, hostDiv, d(1), d(3), 0, 0, 0, true, d(1.0 / 3), IXC},
		{"zero dividend", Double, hostDiv, d(0), d(-3), 0, 0, 0, true, 1 << 63, 0},
		{"divide by zero", Double, hostDiv, d(1), d(0), 0, 0, 0, false, d(math.Inf(1)), DZC},
		{"tiny dividend, IXC unknown", Double, hostDiv, d(0x1p-1000), d(0x1p-100), 0, 0, 0, false, d(0x1p-900), 0},
		{"tiny dividend, IXC known", Double, hostDiv, d(0x1p-1000), d(0x1p-100), 0, 0, IXC, true, d(0x1p-900), 0},
		{"quotient rounding up to the smallest normal", Double, hostDiv, d((2 - 0x1p-52) * 0x1p-1000), d(0x1p23), 0, 0, IXC, false,
			d(minD), UFC | IXC},
		{"quotient overflows", Double, hostDiv, d(maxD), d(0.5), 0, 0, IXC, false, d(math.Inf(1)), OFC | IXC},
		{"single inexact quotient", Single, hostDiv, s(1), s(3), 0, 0, 0, true, s(1.0 / 3), IXC},
		{"single exact quotient", Single, hostDiv, s(1), s(0x1p-20), 0, 0, 0, true, s(0x1p20), 0},
		{"quotient under RM falls back", Double, hostDiv, d(1), d(3), 0, FPCR(0).WithRMode(MinusInf), 0, false, d(1.0/3) - 0, IXC},
		{"exact root", Double, hostSqrt, d(2.25), 0, 0, 0, 0, true, d(1.5), 0},
		{"inexact root", Double, hostSqrt, d(2), 0, 0, 0, 0, true, d(math.Sqrt2), IXC},
		{"root of -0", Double, hostSqrt, 1 << 63, 0, 0, 0, 0, true, 1 << 63, 0},
		{"root of a negative", Double, hostSqrt, d(-4), 0, 0, 0, 0, false, Double.DefaultNaN(), IOC},
		{"root of a tiny number, IXC unknown", Double, hostSqrt, d(0x1p-1000), 0, 0, 0, 0, false, d(0x1p-500), 0},
		{"single exact root", Single, hostSqrt, s(6.25), 0, 0, 0, 0, true, s(2.5), 0},
		{"single inexact root", Single, hostSqrt, s(2), 0, 0, 0, 0, true, s(math.Sqrt2), IXC},
		{"single fused, inexact", Single, hostMulAdd, s(1 + 0x1p-23), s(1 + 0x1p-23), s(-1), 0, 0, true, s(0x1p-22), IXC},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			la := LaneArgs{A: [4]uint64{tc.a}, B: [4]uint64{tc.b}, C: [4]uint64{tc.c}}
			fl, undone := hostLanes(tc.f, tc.op, 1, &la, 0, 0, tc.fpcr, tc.known)
			r, ok := la.R[0], undone == 0
			require.Equal(t, tc.host, ok, "host path taken")
			var want uint64
			var wantFl Flags
			switch tc.op {
			case hostAdd:
				want, wantFl = addSubSoft(tc.f, tc.a, tc.b, false, tc.fpcr)
			case hostMul:
				want, wantFl = mulSoft(tc.f, tc.a, tc.b, false, tc.fpcr)
			case hostDiv:
				want, wantFl = divSoft(tc.f, tc.a, tc.b, tc.fpcr)
			case hostSqrt:
				want, wantFl = sqrtSoft(tc.f, tc.a, tc.fpcr)
			default:
				want, wantFl = mulAddSoft(tc.f, tc.c, tc.a, tc.b, tc.fpcr)
			}
			require.Equalf(t, tc.want, want, "software result %#x", want)
			require.Equal(t, tc.wantFl|tc.known, wantFl|tc.known, "software flags")
			if ok {
				require.Equalf(t, want, r, "host result %#x", r)
				require.Equal(t, wantFl|tc.known, fl|tc.known, "host flags")
			}
		})
	}
}

// Lanes mixes host and software lanes in one call: each lane must be what
// the software path gives for it alone, and the flags their union.
func TestLanesMatchSoftware(t *testing.T) {
	for _, f := range []Format{Single, Double} {
		for _, op := range laneOps {
			g := newGen(f, uint64(f)+uint64(op)*7)
			for i := 0; i < 5000; i++ {
				var la LaneArgs
				count := 1 + g.r.IntN(4)
				for l := 0; l < count; l++ {
					la.A[l], la.B[l], la.C[l] = g.hostOperands()
				}
				a, b, c := la.A, la.B, la.C
				fpcr := hostFPCRs[g.r.IntN(len(hostFPCRs))]
				known := []Flags{0, IXC}[g.r.IntN(2)]
				gotFl := Lanes(op, f, count, &la, fpcr, known)
				got := la.R
				var wantFl Flags
				for l := 0; l < count; l++ {
					want, fl := softLane(op, f, a[l], b[l], c[l], fpcr)
					require.Equalf(t, want, got[l], "op %d lane %d a=%#x b=%#x c=%#x fpcr=%#x", op, l, a[l], b[l], c[l], uint32(fpcr))
					wantFl |= fl
				}
				require.Equalf(t, wantFl|known, gotFl|known, "op %d flags", op)
			}
		}
	}
}
