package simd

import (
	"fmt"
	"strings"
)

// Inst is one decoded FP/SIMD instruction: what the interpreter needs to run
// it, with every immediate already expanded. A zero Inst (Op == OpUndefined)
// is an encoding this package does not implement.
//
// Register fields hold 0..31. For loads and stores Rd is Rt, Ra is Rt2 (pair
// forms), Rn the base (31 = SP) and Rm the offset register (31 = XZR).
type Inst struct {
	Op             Op
	Arr            Arrangement // destination arrangement or scalar size
	ArrN           Arrangement // source arrangement where it differs from Arr (widen, narrow, reduce, convert); else ArrNone
	Rd, Rn, Rm, Ra uint8
	GenBits        uint8  // width of the general-register operand: 0 (none), 32 (W) or 64 (X)
	Imm            uint64 // expanded immediate: MOVI/MVNI/ORR/BIC per-element value, FMOV bit pattern, FCCMP nzcv
	Offset         int64  // load/store byte offset (scaled), literal PC offset, post-index amount
	Shift          uint8  // shift by immediate amount; register offset shift; EXT byte position
	Index, Index2  uint8  // lane index (Index2: the source lane of INS element)
	FBits          uint8  // fixed-point fraction bits (SCVTF/UCVTF/FCVTZS/FCVTZU fixed)
	Round          Rounding
	Addr           AddrMode
	Extend         Extend // register offset extend
	Count          uint8  // registers in a LD1–LD4/ST1–ST4 list, TBL/TBX table registers
	Cond           uint8  // FCSEL/FCCMP condition
	ByElement      bool   // the second source is the element Rm[Index] (MUL/MLA/FMLA/FMUL… by element)
}

// Arrangement is a vector arrangement or a scalar register size.
type Arrangement uint8

const (
	ArrNone Arrangement = iota
	Arr8B
	Arr16B
	Arr4H
	Arr8H
	Arr2S
	Arr4S
	Arr1D
	Arr2D
	ArrB // scalar (or one element) B, H, S, D, Q
	ArrH
	ArrS
	ArrD
	ArrQ
)

var arrNames = [...]string{ArrNone: "", Arr8B: "8B", Arr16B: "16B", Arr4H: "4H", Arr8H: "8H", Arr2S: "2S", Arr4S: "4S",
	Arr1D: "1D", Arr2D: "2D", ArrB: "B", ArrH: "H", ArrS: "S", ArrD: "D", ArrQ: "Q"}

func (a Arrangement) String() string { return arrNames[a] }

// arrShape holds each arrangement's element size, lane count and width in
// bits, so the lane loops read them from a table.
var arrShape = [16]struct{ elem, lanes, bits uint8 }{
	ArrNone: {0, 0, 0},
	Arr8B:   {8, 8, 64}, Arr16B: {8, 16, 128},
	Arr4H: {16, 4, 64}, Arr8H: {16, 8, 128},
	Arr2S: {32, 2, 64}, Arr4S: {32, 4, 128},
	Arr1D: {64, 1, 64}, Arr2D: {64, 2, 128},
	ArrB: {8, 1, 8}, ArrH: {16, 1, 16}, ArrS: {32, 1, 32}, ArrD: {64, 1, 64}, ArrQ: {128, 1, 128},
}

// ElemBits is the element size in bits (the register size for scalars).
func (a Arrangement) ElemBits() int { return int(arrShape[a&15].elem) }

// Lanes is the number of elements (1 for scalars).
func (a Arrangement) Lanes() int { return int(arrShape[a&15].lanes) }

// Bits is the width the arrangement occupies: 64 or 128 for vectors, the
// element size for scalars.
func (a Arrangement) Bits() int { return int(arrShape[a&15].bits) }

// IsScalar says the arrangement names a scalar register.
func (a Arrangement) IsScalar() bool { return a >= ArrB }

// GPR64 says the general-register operand is an X register.
func (in *Inst) GPR64() bool { return in.GenBits == 64 }

func genBits(x bool) uint8 {
	if x {
		return 64
	}
	return 32
}

// vecArr is the arrangement of size (0..3 = B..D) and Q.
func vecArr(size uint32, q bool) Arrangement {
	a := Arr8B + Arrangement(2*size)
	if q {
		a++
	}
	return a
}

// scalarArr is the scalar arrangement of size 0..4 (B..Q).
func scalarArr(size uint32) Arrangement { return ArrB + Arrangement(size) }

// Rounding is the rounding of FCVT*, FRINT* (RoundFPCR: FPCR.RMode; RoundExact adds Inexact: FRINTX).
type Rounding uint8

const (
	RoundNone     Rounding = iota
	RoundNearest           // N: to nearest, ties to even
	RoundPlusInf           // P
	RoundMinusInf          // M
	RoundZero              // Z
	RoundAway              // A: to nearest, ties away from zero
	RoundFPCR              // I, and SCVTF/FCVT/FCVTN: FPCR.RMode
	RoundExact             // X: FPCR.RMode, raising Inexact
	RoundOdd               // FCVTXN: von Neumann rounding to odd
)

var roundNames = [...]string{"", "N", "P", "M", "Z", "A", "FPCR", "X", "odd"}

func (r Rounding) String() string { return roundNames[r] }

// AddrMode is a load/store addressing form.
type AddrMode uint8

const (
	AddrNone     AddrMode = iota
	AddrOffset            // [Rn, #Offset] (unsigned scaled, unscaled LDUR/STUR, pair signed offset); LD1–LD4 [Rn]
	AddrPre               // [Rn, #Offset]!
	AddrPost              // [Rn], #Offset
	AddrPostReg           // [Rn], Xm
	AddrReg               // [Rn, Rm{, Extend {#Shift}}]
	AddrLiteral           // PC + Offset
	AddrUnscaled          // LDUR/STUR [Rn, #Offset]
)

var addrNames = [...]string{"", "offset", "pre", "post", "postreg", "reg", "literal", "unscaled"}

func (m AddrMode) String() string { return addrNames[m] }

// Extend is the register-offset extend of a load/store.
type Extend uint8

const (
	ExtNone Extend = iota
	ExtUXTW
	ExtLSL // UXTX
	ExtSXTW
	ExtSXTX
)

var extNames = [...]string{"", "UXTW", "LSL", "SXTW", "SXTX"}

func (e Extend) String() string { return extNames[e] }

// String is the descriptor as text: the op and every field that is set.
// It is what the golden file records.
func (in Inst) String() string {
	if in.Op == OpUndefined {
		return "undefined"
	}
	var b strings.Builder
	b.WriteString(in.Op.String())
	add := func(k string, v any) { fmt.Fprintf(&b, " %s=%v", k, v) }
	if in.Arr != ArrNone {
		add("arr", in.Arr)
	}
	if in.ArrN != ArrNone {
		add("arrn", in.ArrN)
	}
	add("d", in.Rd)
	add("n", in.Rn)
	if in.Rm != 0 {
		add("m", in.Rm)
	}
	if in.Ra != 0 {
		add("a", in.Ra)
	}
	if in.GenBits != 0 {
		add("gen", in.GenBits)
	}
	if in.Imm != 0 {
		fmt.Fprintf(&b, " imm=%#x", in.Imm)
	}
	if in.Offset != 0 {
		add("off", in.Offset)
	}
	if in.Shift != 0 {
		add("shift", in.Shift)
	}
	if in.Index != 0 {
		add("idx", in.Index)
	}
	if in.Index2 != 0 {
		add("idx2", in.Index2)
	}
	if in.FBits != 0 {
		add("fbits", in.FBits)
	}
	if in.Round != RoundNone {
		add("round", in.Round)
	}
	if in.Addr != AddrNone {
		add("addr", in.Addr)
	}
	if in.Extend != ExtNone {
		add("ext", in.Extend)
	}
	if in.Count != 0 {
		add("count", in.Count)
	}
	if in.Op == OpFCSEL || in.Op == OpFCCMP || in.Op == OpFCCMPE {
		add("cond", in.Cond)
	}
	if in.ByElement {
		add("elem", "Rm[idx]")
	}
	return b.String()
}
