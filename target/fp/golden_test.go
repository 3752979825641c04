package fp

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testdata/golden.txt is a hand-checked table of edge cases, one a line:
//
//	op fmt fpcr operand... -> result flags
//
// fmt is h, s or d (the source format of conversions); fpcr is "-" or a
// comma list of RN RP RM RZ FZ DN AHP FZ16; operands and result are hex;
// flags are FPSR names joined by "|" or "-". Ops are the instruction
// mnemonics in lower case; fmadd and friends take "addend a b". A
// conversion's destination follows a dot (fcvt.h, fcvtzs.w, scvtf.x); a
// fixed-point conversion's fbits follow a second dot (fcvtzs.w.16).

var goldenFormats = map[string]Format{"h": Half, "s": Single, "d": Double}

func parseFPCR(s string) (FPCR, error) {
	var c FPCR
	if s == "-" {
		return 0, nil
	}
	for _, w := range strings.Split(s, ",") {
		switch w {
		case "RN", "RP", "RM", "RZ":
			c = c.WithRMode(Rounding(strings.Index("NPMZ", w[1:])))
		case "FZ":
			c |= FZ
		case "DN":
			c |= DN
		case "AHP":
			c |= AHP
		case "FZ16":
			c |= FZ16
		default:
			return 0, fmt.Errorf("unknown FPCR field %q", w)
		}
	}
	return c, nil
}

type goldenOp func(f Format, x []uint64, fpcr FPCR) (uint64, Flags)

func binary(op binaryOp) goldenOp {
	return func(f Format, x []uint64, c FPCR) (uint64, Flags) { return op(f, x[0], x[1], c) }
}

func ternary(op func(Format, uint64, uint64, uint64, FPCR) (uint64, Flags)) goldenOp {
	return func(f Format, x []uint64, c FPCR) (uint64, Flags) { return op(f, x[0], x[1], x[2], c) }
}

func unary(op func(Format, uint64, FPCR) (uint64, Flags)) goldenOp {
	return func(f Format, x []uint64, c FPCR) (uint64, Flags) { return op(f, x[0], c) }
}

func frint(mode Rounding, exact, fromFPCR bool) goldenOp {
	return func(f Format, x []uint64, c FPCR) (uint64, Flags) {
		m := mode
		if fromFPCR {
			m = c.RMode()
		}
		return RoundInt(f, x[0], m, exact, c)
	}
}

func nzcv(op func(Format, uint64, uint64, FPCR) (uint8, Flags)) goldenOp {
	return func(f Format, x []uint64, c FPCR) (uint64, Flags) {
		r, fl := op(f, x[0], x[1], c)
		return uint64(r), fl
	}
}

var goldenOps = map[string]goldenOp{
	"fadd": binary(Add), "fsub": binary(Sub), "fmul": binary(Mul), "fmulx": binary(MulX),
	"fdiv": binary(Div), "fabd": binary(AbsDiff), "fsqrt": unary(Sqrt),
	"fmax": binary(Max), "fmin": binary(Min), "fmaxnm": binary(MaxNum), "fminnm": binary(MinNum),
	"fmadd": ternary(MulAdd), "fmsub": ternary(MulSub), "fnmadd": ternary(NegMulAdd), "fnmsub": ternary(NegMulSub),
	"fcmp": nzcv(Compare), "fcmpe": nzcv(CompareSignaling),
	"fcmeq": binary(CompareEQ), "fcmge": binary(CompareGE), "fcmgt": binary(CompareGT),
	"facge": binary(AbsCompareGE), "facgt": binary(AbsCompareGT),
	"frintn": frint(TiesEven, false, false), "frintp": frint(PlusInf, false, false),
	"frintm": frint(MinusInf, false, false), "frintz": frint(Zero, false, false),
	"frinta": frint(TiesAway, false, false), "frinti": frint(0, false, true), "frintx": frint(0, true, true),
	"frecpe": unary(RecipEstimate), "frsqrte": unary(RSqrtEstimate),
	"frecps": binary(RecipStep), "frsqrts": binary(RSqrtStep), "frecpx": unary(RecipExponent),
	"urecpe": func(_ Format, x []uint64, _ FPCR) (uint64, Flags) {
		return uint64(UnsignedRecipEstimate(uint32(x[0]))), 0
	},
	"ursqrte": func(_ Format, x []uint64, _ FPCR) (uint64, Flags) {
		return uint64(UnsignedRSqrtEstimate(uint32(x[0]))), 0
	},
	"fmovi": func(f Format, x []uint64, _ FPCR) (uint64, Flags) { return ExpandImm(f, uint8(x[0])), 0 },
	"fneg":  func(f Format, x []uint64, _ FPCR) (uint64, Flags) { return Neg(f, x[0]), 0 },
	"fabs":  func(f Format, x []uint64, _ FPCR) (uint64, Flags) { return Abs(f, x[0]), 0 },
}

var intWidths = map[string]uint{"w": 32, "x": 64}

var toIntModes = map[string]Rounding{"n": TiesEven, "p": PlusInf, "m": MinusInf, "z": Zero, "a": TiesAway}

// conversionOp builds fcvt.<fmt>, fcvtxn.<fmt>, fcvt<mode><s|u>.<w|x>[.fbits]
// and <s|u>cvtf.<w|x>[.fbits].
func conversionOp(name string) (goldenOp, error) {
	parts := strings.Split(name, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, fmt.Errorf("unknown op %q", name)
	}
	var fbits uint
	if len(parts) == 3 {
		n, err := strconv.ParseUint(parts[2], 10, 8)
		if err != nil {
			return nil, err
		}
		fbits = uint(n)
	}
	base, dst := parts[0], parts[1]
	width, isInt := intWidths[dst]
	switch {
	case base == "fcvt" || base == "fcvtxn":
		to, ok := goldenFormats[dst]
		if !ok {
			return nil, fmt.Errorf("unknown format in %q", name)
		}
		return func(f Format, x []uint64, c FPCR) (uint64, Flags) {
			if base == "fcvtxn" {
				return ConvertRounding(f, to, x[0], Odd, c)
			}
			return Convert(f, to, x[0], c)
		}, nil
	case isInt && len(base) == 6 && strings.HasPrefix(base, "fcvt"):
		mode, ok := toIntModes[base[4:5]]
		if !ok {
			return nil, fmt.Errorf("unknown rounding in %q", name)
		}
		unsigned := base[5] == 'u'
		return func(f Format, x []uint64, c FPCR) (uint64, Flags) {
			return ToInt(f, x[0], fbits, unsigned, width, mode, c)
		}, nil
	case isInt && (base == "scvtf" || base == "ucvtf"):
		return func(f Format, x []uint64, c FPCR) (uint64, Flags) {
			return FromInt(f, x[0], fbits, base == "ucvtf", width, c)
		}, nil
	}
	return nil, fmt.Errorf("unknown op %q", name)
}

func TestGolden(t *testing.T) {
	file, err := os.Open("testdata/golden.txt")
	require.NoError(t, err)
	defer file.Close()
	sc := bufio.NewScanner(file)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		where := fmt.Sprintf("golden.txt:%d: %s", line, text)
		lhs, rhs, ok := strings.Cut(text, "->")
		require.True(t, ok, where)
		in, out := strings.Fields(lhs), strings.Fields(rhs)
		require.True(t, len(in) >= 4 && len(out) == 2, where)
		f, ok := goldenFormats[in[1]]
		require.True(t, ok, where)
		fpcr, err := parseFPCR(in[2])
		require.NoError(t, err, where)
		op, ok := goldenOps[in[0]]
		if !ok {
			op, err = conversionOp(in[0])
			require.NoError(t, err, where)
		}
		args := make([]uint64, len(in)-3)
		for i, s := range in[3:] {
			args[i], err = strconv.ParseUint(s, 16, 64)
			require.NoError(t, err, where)
		}
		want, err := strconv.ParseUint(out[0], 16, 64)
		require.NoError(t, err, where)
		got, fl := op(f, args, fpcr)
		require.Equal(t, fmt.Sprintf("%x %s", want, out[1]), fmt.Sprintf("%x %v", got, fl), where)
		n++
	}
	require.NoError(t, sc.Err())
	require.Greater(t, n, 100)
}
