package simd

import (
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"
)

// bytesVec is a Vec from its bytes, lowest first.
func bytesVec(b ...byte) Vec {
	var v Vec
	for i, x := range b {
		v.SetElem(8, i, uint64(x))
	}
	return v
}

// lanesVec is a Vec of e-bit lanes, lowest first.
func lanesVec(e int, l ...uint64) Vec {
	var v Vec
	for i, x := range l {
		v.SetElem(e, i, x)
	}
	return v
}

func TestElemAccess(t *testing.T) {
	v := Vec{0x0706050403020100, 0x0f0e0d0c0b0a0908}
	assert.Equal(t, uint64(0x0b), v.Elem(8, 11))
	assert.Equal(t, uint64(0x0d0c), v.Elem(16, 6))
	assert.Equal(t, uint64(0x07060504), v.Elem(32, 1))
	assert.Equal(t, uint64(0x0f0e0d0c0b0a0908), v.Elem(64, 1))
	v.SetElem(16, 5, 0xbeef)
	assert.Equal(t, Vec{0x0706050403020100, 0x0f0e0d0cbeef0908}, v)
}

// Hand-checked lanes: each row is one op on chosen operands.
func TestBinaryVectors(t *testing.T) {
	for _, c := range []struct {
		name    string
		op      Op
		arr     Arrangement
		d, n, m Vec
		want    Vec
		sat     bool
	}{
		{"add wraps", OpADD, Arr16B, Vec{}, bytesVec(0xff, 1), bytesVec(1, 1), bytesVec(0, 2), false},
		{"add 8B clears the top", OpADD, Arr8B, Vec{}, Vec{1, 5}, Vec{1, 5}, Vec{2, 0}, false},
		{"sqadd saturates up", OpSQADD, Arr8B, Vec{}, bytesVec(0x7f, 0x80), bytesVec(1, 0xff), bytesVec(0x7f, 0x80), true},
		{"sqadd D saturates down", OpSQADD, ArrD, Vec{}, Vec{1 << 63}, Vec{^uint64(0)}, Vec{1 << 63}, true},
		{"uqsub floors at 0", OpUQSUB, Arr4H, Vec{}, lanesVec(16, 0, 5), lanesVec(16, 1, 3), lanesVec(16, 0, 2), true},
		{"uqadd D carries", OpUQADD, ArrD, Vec{}, Vec{^uint64(0) - 1}, Vec{3}, Vec{^uint64(0)}, true},
		{"srhadd rounds up", OpSRHADD, Arr8B, Vec{}, bytesVec(1, 0xff), bytesVec(2, 0xfe), bytesVec(2, 0xff), false},
		{"shsub", OpSHSUB, Arr8B, Vec{}, bytesVec(0x80), bytesVec(0x7f), bytesVec(0x80), false},
		{"sabd", OpSABD, Arr8B, Vec{}, bytesVec(0x80), bytesVec(0x7f), bytesVec(0xff), false},
		{"uaba accumulates", OpUABA, Arr8B, bytesVec(10), bytesVec(3), bytesVec(7), bytesVec(14), false},
		{"mla", OpMLA, Arr4S, lanesVec(32, 1), lanesVec(32, 3), lanesVec(32, 5), lanesVec(32, 16), false},
		{"mls", OpMLS, Arr2S, lanesVec(32, 1), lanesVec(32, 3), lanesVec(32, 5), lanesVec(32, 0xfffffff2), false},
		{"cmgt signed", OpCMGT, Arr8B, Vec{}, bytesVec(1, 0x80), bytesVec(0xff, 0), bytesVec(0xff, 0), false},
		{"cmhi unsigned", OpCMHI, Arr4H, Vec{}, lanesVec(16, 0xffff, 1), lanesVec(16, 1, 1), lanesVec(16, 0xffff, 0), false},
		{"cmtst", OpCMTST, Arr8B, Vec{}, bytesVec(6, 1), bytesVec(2, 2), bytesVec(0xff, 0), false},
		{"sshl negative shifts right, arithmetically", OpSSHL, Arr8B, Vec{}, bytesVec(0x80), bytesVec(0xfe), bytesVec(0xe0), false},
		{"ushl by 8 is 0", OpUSHL, Arr8B, Vec{}, bytesVec(0xff), bytesVec(8), Vec{}, false},
		{"srshl rounds", OpSRSHL, Arr8B, Vec{}, bytesVec(3, 0xfd), bytesVec(0xff, 0xff), bytesVec(2, 0xff), false},
		{"urshl D by -64", OpURSHL, ArrD, Vec{}, Vec{1 << 63}, Vec{uint64(0xc0)}, Vec{1}, false},
		{"uqshl saturates", OpUQSHL, Arr8B, Vec{}, bytesVec(0x40, 0x40), bytesVec(1, 2), bytesVec(0x80, 0xff), true},
		{"sqshl saturates negative", OpSQSHL, Arr8B, Vec{}, bytesVec(0xc0, 0xbf), bytesVec(1, 1), bytesVec(0x80, 0x80), true},
		{"bsl", OpBSL, Arr8B, bytesVec(0xf0), bytesVec(0xaa), bytesVec(0x55), bytesVec(0xa5), false},
		{"bit", OpBIT, Arr8B, bytesVec(0xf0), bytesVec(0xaa), bytesVec(0x0f), bytesVec(0xfa), false},
		{"bif", OpBIF, Arr8B, bytesVec(0xf0), bytesVec(0xaa), bytesVec(0x0f), bytesVec(0xa0), false},
		{"orn 8B", OpORN, Arr8B, Vec{}, bytesVec(1), Vec{^uint64(0) - 0xff, 7}, bytesVec(0xff), false},
		{"sqneg of the D minimum saturates", OpSQNEG, ArrD, Vec{}, Vec{1 << 63}, Vec{}, Vec{1<<63 - 1}, true},
		{"sqabs of the B minimum saturates", OpSQABS, Arr8B, Vec{}, bytesVec(0x80, 0x81), Vec{}, bytesVec(0x7f, 0x7f), true},
		{"suqadd D saturates", OpSUQADD, ArrD, Vec{1}, Vec{^uint64(0)}, Vec{}, Vec{1<<63 - 1}, true},
		{"suqadd D: the minimum plus the largest fits", OpSUQADD, ArrD, Vec{1 << 63}, Vec{^uint64(0)}, Vec{}, Vec{1<<63 - 1}, false},
		{"usqadd floors at 0", OpUSQADD, Arr8B, bytesVec(1), bytesVec(0xfe), Vec{}, bytesVec(0), true},
		{"addp pairs n then m", OpADDP, Arr4S, Vec{}, lanesVec(32, 1, 2, 3, 4), lanesVec(32, 10, 20, 30, 40), lanesVec(32, 3, 7, 30, 70), false},
		{"umaxp", OpUMAXP, Arr4H, Vec{}, lanesVec(16, 1, 9, 3, 2), lanesVec(16, 5, 4, 0, 0), lanesVec(16, 9, 3, 5, 0), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, sat := Binary(c.op, c.arr, c.d, c.n, c.m)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.sat, sat)
		})
	}
}

func TestUnaryAndShiftVectors(t *testing.T) {
	assert.Equal(t, bytesVec(7, 0, 6, 7, 7, 7, 7, 7), Unary(OpCLS, Arr8B, bytesVec(0, 0x40, 1)), "CLS of 0, 0x40, 1 and zeros")
	assert.Equal(t, bytesVec(8, 1, 0, 8, 8, 8, 8, 8), Unary(OpCLZ, Arr8B, bytesVec(0, 0x40, 0x80)))
	assert.Equal(t, bytesVec(0x80, 8, 4), Unary(OpRBIT, Arr8B, bytesVec(1, 0x10, 0x20)))
	assert.Equal(t, bytesVec(8, 1, 0), Unary(OpCNT, Arr8B, bytesVec(0xff, 0x10, 0)))
	assert.Equal(t, lanesVec(16, 4, 3, 2, 1), Unary(OpREV64, Arr4H, lanesVec(16, 1, 2, 3, 4)))
	assert.Equal(t, bytesVec(2, 1, 4, 3), Unary(OpREV16, Arr8B, bytesVec(1, 2, 3, 4)))
	assert.Equal(t, lanesVec(32, 0x80000000), Unary(OpABS, Arr2S, lanesVec(32, 0x80000000)), "ABS of the minimum is itself")
	assert.Equal(t, lanesVec(16, 0xffff, 0, 0xffff), Unary(OpCMLTZ, Arr4H, lanesVec(16, 0x8000, 0, 0xffff)))

	for _, c := range []struct {
		name    string
		op      Op
		arr     Arrangement
		d, n    Vec
		shift   int
		want    Vec
		wantSat bool
	}{
		{"sshr #64 of a negative D", OpSSHR, ArrD, Vec{}, Vec{1 << 63}, 64, Vec{^uint64(0)}, false},
		{"ushr #64", OpUSHR, ArrD, Vec{}, Vec{^uint64(0)}, 64, Vec{}, false},
		{"urshr #64 rounds", OpURSHR, ArrD, Vec{}, Vec{1 << 63}, 64, Vec{1}, false},
		{"srshr #1 of 3 and -3", OpSRSHR, Arr8B, Vec{}, bytesVec(3, 0xfd), 1, bytesVec(2, 0xff), false},
		{"usra", OpUSRA, Arr8B, bytesVec(1), bytesVec(0x80), 7, bytesVec(2), false},
		{"sri keeps the top", OpSRI, Arr8B, bytesVec(0xff), bytesVec(0), 3, bytesVec(0xe0), false},
		{"sli keeps the bottom", OpSLI, Arr8B, bytesVec(0xff), bytesVec(0), 3, bytesVec(0x07), false},
		{"sqshlu of a negative", OpSQSHLUImm, Arr8B, Vec{}, bytesVec(0xff, 0x40), 1, bytesVec(0, 0x80), true},
		{"sqshl #7 of -1 fits", OpSQSHLImm, Arr8B, Vec{}, bytesVec(0xff), 7, bytesVec(0x80), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, sat := ShiftImm(c.op, c.arr, c.d, c.n, c.shift)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.wantSat, sat)
		})
	}
}

func TestNarrowLongReduce(t *testing.T) {
	got, sat := Narrow(OpSQXTN, Arr4H, Arr4S, Vec{}, lanesVec(32, 0x8000, 0xffff8000, 5, 0xfffe0000), 0)
	assert.Equal(t, lanesVec(16, 0x7fff, 0x8000, 5, 0x8000), got)
	assert.True(t, sat)
	got, _ = Narrow(OpXTN, Arr16B, Arr8H, Vec{0x1111, 0x2222}, lanesVec(16, 0x1ff, 0x2fe), 0)
	assert.Equal(t, Vec{0x1111, 0xfeff}, got, "XTN2 keeps the lower half")
	got, sat = Narrow(OpSQRSHRUN, Arr8B, Arr8H, Vec{}, lanesVec(16, 0x17f, 0xff80), 1)
	assert.Equal(t, bytesVec(0xc0, 0), got)
	assert.True(t, sat)
	long := func(op Op, a, an Arrangement, d, n, m Vec, shift int) Vec {
		v, _ := Long(op, a, an, d, n, m, shift)
		return v
	}
	assert.Equal(t, lanesVec(16, 0xff80, 0x80), long(OpSSHLL, Arr8H, Arr8B, Vec{}, bytesVec(0xf0, 0x10), Vec{}, 3))
	assert.Equal(t, lanesVec(32, 0xfffffffe), long(OpSMULL, Arr4S, Arr8H, Vec{}, Vec{0, 0xffff}, Vec{0, 2}, 0), "SMULL2 reads the upper halves")
	assert.Equal(t, lanesVec(16, 0x100), long(OpSHLL, Arr8H, Arr8B, Vec{}, bytesVec(1), Vec{}, 8))
	assert.Equal(t, lanesVec(16, 9), long(OpPMULL, Arr8H, Arr8B, Vec{}, bytesVec(3), bytesVec(7), 0), "3 clmul 7 = 0b1001")
	got, sat = Long(OpSQDMULL, Arr4S, Arr4H, Vec{}, lanesVec(16, 0x8000, 3), lanesVec(16, 0x8000, 0xffff), 0)
	assert.Equal(t, lanesVec(32, 0x7fffffff, 0xfffffffa), got)
	assert.True(t, sat)
	assert.Equal(t, bytesVec(1, 0), HighNarrow(OpRADDHN, Arr8B, Arr8H, Vec{}, lanesVec(16, 0x80, 0x7f), lanesVec(16, 0, 0)))
	assert.Equal(t, Vec{0x3f0}, Reduce(OpSADDLV, ArrH, Arr16B, Vec{^uint64(0), 0x7f7f7f7f7f7f7f7f}), "8 lanes of -1 and 8 of 127")
	assert.Equal(t, Vec{0x80}, Reduce(OpSMINV, ArrB, Arr8B, bytesVec(0x80, 0x7f, 0, 1)))
	assert.Equal(t, Vec{0xff}, Reduce(OpUMAXV, ArrB, Arr8B, bytesVec(0x80, 0xff, 0, 1)))
	assert.Equal(t, Vec{0x5}, Reduce(OpADDV, ArrB, Arr8B, bytesVec(0xff, 6)))
	assert.Equal(t, lanesVec(16, 0xff00, 2), PairwiseLong(OpSADDLP, Arr4H, Arr8B, Vec{}, bytesVec(0x80, 0x80, 1, 1)))
}

func TestPermuteVectors(t *testing.T) {
	n, m := lanesVec(32, 0, 1, 2, 3), lanesVec(32, 10, 11, 12, 13)
	assert.Equal(t, lanesVec(32, 0, 10, 1, 11), Permute(OpZIP1, Arr4S, n, m))
	assert.Equal(t, lanesVec(32, 2, 12, 3, 13), Permute(OpZIP2, Arr4S, n, m))
	assert.Equal(t, lanesVec(32, 0, 2, 10, 12), Permute(OpUZP1, Arr4S, n, m))
	assert.Equal(t, lanesVec(32, 1, 3, 11, 13), Permute(OpUZP2, Arr4S, n, m))
	assert.Equal(t, lanesVec(32, 0, 10, 2, 12), Permute(OpTRN1, Arr4S, n, m))
	assert.Equal(t, lanesVec(32, 1, 11, 3, 13), Permute(OpTRN2, Arr4S, n, m))
	assert.Equal(t, lanesVec(32, 0, 10), Permute(OpZIP1, Arr2S, n, m))
	assert.Equal(t, bytesVec(3, 4, 5, 6, 7, 16, 17, 18), Ext(Arr8B, bytesVec(0, 1, 2, 3, 4, 5, 6, 7), bytesVec(16, 17, 18), 3))
	table := [4]Vec{bytesVec(100, 101), bytesVec(116, 117)}
	assert.Equal(t, bytesVec(101, 116, 0, 0, 100, 100, 100, 100), Table(Arr8B, &table, 2, bytesVec(9, 9, 9, 9), bytesVec(1, 16, 32, 255), false))
	assert.Equal(t, bytesVec(101, 116, 9, 9, 9, 9, 9, 9), Table(Arr8B, &table, 2, bytesVec(9, 9, 9, 9, 9, 9, 9, 9), bytesVec(1, 16, 32, 255, 40, 40, 40, 40), true))
}

// TestPermuteInverses: UZP undoes ZIP, and TRN is its own inverse.
func TestPermuteInverses(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, a := range []Arrangement{Arr16B, Arr8H, Arr4S, Arr2D} {
		for range 50 {
			n, m := Vec{r.Uint64(), r.Uint64()}, Vec{r.Uint64(), r.Uint64()}
			z1, z2 := Permute(OpZIP1, a, n, m), Permute(OpZIP2, a, n, m)
			require.Equal(t, n, Permute(OpUZP1, a, z1, z2), a)
			require.Equal(t, m, Permute(OpUZP2, a, z1, z2), a)
			t1, t2 := Permute(OpTRN1, a, n, m), Permute(OpTRN2, a, n, m)
			require.Equal(t, n, Permute(OpTRN1, a, t1, t2), a)
			require.Equal(t, m, Permute(OpTRN2, a, t1, t2), a)
		}
	}
}

// TestSaturationBounds: the saturating ops equal the exact result clamped
// to the lane's range, and report saturation exactly when they clamp.
func TestSaturationBounds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	g := operands{r}
	for _, a := range []Arrangement{Arr8B, Arr4H, Arr2S} {
		e := a.ElemBits()
		for range 500 {
			n, m := g.vec(false, e), g.vec(false, e)
			for _, op := range []Op{OpSQADD, OpSQSUB, OpUQADD, OpUQSUB} {
				got, sat := Binary(op, a, Vec{}, n, m)
				anySat := false
				for i := 0; i < a.Lanes(); i++ {
					x, y := n.Elem(e, i), m.Elem(e, i)
					var exact, lo, hi int64
					switch op {
					case OpSQADD:
						exact, lo, hi = sext64(x, e)+sext64(y, e), smin(e), smax(e)
					case OpSQSUB:
						exact, lo, hi = sext64(x, e)-sext64(y, e), smin(e), smax(e)
					case OpUQADD:
						exact, lo, hi = int64(x+y), 0, int64(mask(e))
					case OpUQSUB:
						exact, lo, hi = int64(x)-int64(y), 0, int64(mask(e))
					}
					want := min(max(exact, lo), hi)
					anySat = anySat || want != exact
					require.Equal(t, uint64(want)&mask(e), got.Elem(e, i), "%s %s lane %d: %#x, %#x", op, a, i, x, y)
				}
				require.Equal(t, anySat, sat, "%s %s", op, a)
			}
		}
	}
}

func TestImmediateAndMoves(t *testing.T) {
	assert.Equal(t, lanesVec(32, 0x1200, 0x1200), Immediate(OpMOVI, Arr2S, Vec{7, 7}, 0x1200))
	assert.Equal(t, lanesVec(16, 0xff7f, 0xff7f, 0xff7f, 0xff7f, 0xff7f, 0xff7f, 0xff7f, 0xff7f), Immediate(OpMVNI, Arr8H, Vec{}, 0x80))
	assert.Equal(t, lanesVec(32, 0xf0f, 0x10f), Immediate(OpBICImm, Arr2S, lanesVec(32, 0xfff, 0x1ff), 0xf0))
	assert.Equal(t, Vec{0x0707070707070707, 0x0707070707070707}, Dup(Arr16B, 0x107))
	assert.Equal(t, Vec{5, 0}, Dup(ArrD, 5))
	assert.Equal(t, Vec{1, 0xffff}, Insert(Vec{1, 0}, 16, 4, 0xffff))
	assert.Equal(t, uint64(0xffffffffffff8000), MoveToGeneral(lanesVec(16, 0, 0x8000), 16, 1, true, true))
	assert.Equal(t, uint64(0x8000), MoveToGeneral(lanesVec(16, 0, 0x8000), 16, 1, false, false))
}

func TestExecAllocatesNothing(t *testing.T) {
	var insts []Inst
	for _, w := range []uint32{0x4ea21c41, 0x4e022820, 0x4e205800, 0x6e004000, 0x4e052042, 0x1f410822, 0x4e31b800, 0x2f20a400, 0x6f00b5e2, 0x4ee18400, 0x1e602008, 0x0e013c17, 0x4f01d7e2} {
		in := Decode(w)
		require.NotEqual(t, OpUndefined, in.Op, "%08x", w)
		insts = append(insts, in)
	}
	var st State
	st.FPCR = fp.DN
	n := testing.AllocsPerRun(100, func() {
		for i := range insts {
			Exec(&insts[i], &st, 3)
		}
	})
	assert.Zero(t, n)
}

// TestExecCoversDecoder: every word Decode accepts (random words of the
// FP/SIMD classes, and the golden words with random registers) is one
// Exec runs, or a load/store with a size; and every op occurs.
func TestExecCoversDecoder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	golden, err := os.ReadFile("testdata/decode.golden.in")
	require.NoError(t, err)
	var goldenWords []uint32
	for _, line := range strings.Split(strings.TrimSpace(string(golden)), "\n") {
		w, err := strconv.ParseUint(line[:8], 16, 32)
		require.NoError(t, err)
		goldenWords = append(goldenWords, uint32(w))
	}
	seen := map[Op]bool{}
	for i := 0; i < 1<<19; i++ {
		w := randomWord(r, i)
		if i%3 == 2 {
			w = goldenWords[i/3%len(goldenWords)]&^0x3ff | w&0x3ff
		}
		in := Decode(w)
		if in.Op == OpUndefined {
			continue
		}
		seen[in.Op] = true
		if in.IsMemory() {
			require.Positive(t, in.MemSize(), "%08x %s", w, in)
			continue
		}
		var st State
		for j := range st.V {
			st.V[j] = Vec{r.Uint64(), r.Uint64()}
		}
		_, ok := Exec(&in, &st, r.Uint64())
		require.True(t, ok, "%08x %s", w, in)
	}
	var missing []string
	for op := OpUndefined + 1; op < opCount; op++ {
		if !seen[op] {
			missing = append(missing, op.String())
		}
	}
	assert.Empty(t, missing, "ops no random word decoded to")
}

// TestWordFastPath: Binary's whole-word path equals the lane-by-lane one.
func TestWordFastPath(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	g := operands{r}
	for _, op := range []Op{OpAND, OpORR, OpORN, OpEOR, OpBIC, OpBSL, OpBIT, OpBIF, OpADD, OpSUB, OpCMEQ, OpCMTST} {
		for _, a := range []Arrangement{Arr16B, Arr8H, Arr4S, Arr2D, Arr8B, ArrD} {
			e := a.ElemBits()
			for range 200 {
				d, n, m := g.vec(false, e), g.vec(false, e), g.vec(false, e)
				if r.IntN(4) == 0 {
					m = n // equal lanes for CMEQ
				}
				fast, _ := Binary(op, a, d, n, m)
				var slow Vec
				for i := 0; i < a.Lanes(); i++ {
					v, _ := binaryLane(op, e, d.Elem(e, i), n.Elem(e, i), m.Elem(e, i))
					slow.SetElem(e, i, v)
				}
				require.Equal(t, fit(slow, a), fast, "%s %s", op, a)
			}
		}
	}
}
