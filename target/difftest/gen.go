package difftest

import (
	"fmt"
	"math/rand/v2"
)

// Class is an instruction class of the generator; the coverage summary counts them.
type Class string

const (
	ClassAddSubImm   Class = "addsub-imm"
	ClassAddSubShift Class = "addsub-shifted"
	ClassAddSubExt   Class = "addsub-extended"
	ClassLogicalImm  Class = "logical-imm"
	ClassLogicalReg  Class = "logical-shifted"
	ClassMoveWide    Class = "movewide"
	ClassPCRel       Class = "adr-adrp"
	ClassBitfield    Class = "bitfield"
	ClassExtr        Class = "extr"
	ClassShiftVar    Class = "shift-variable"
	ClassCondSel     Class = "cond-select"
	ClassCondCmp     Class = "cond-compare"
	ClassCarry       Class = "adc-sbc"
	ClassMul         Class = "multiply"
	ClassDiv         Class = "divide"
	ClassBitOps      Class = "clz-rbit-rev"
	ClassFlags       Class = "nzcv-barrier-nop"
	ClassLdStUImm    Class = "ldst-uimm"
	ClassLdStUnscal  Class = "ldst-unscaled"
	ClassLdStUnpriv  Class = "ldst-unpriv"
	ClassLdStPre     Class = "ldst-pre"
	ClassLdStPost    Class = "ldst-post"
	ClassLdStRegOff  Class = "ldst-regoff"
	ClassLdStPair    Class = "ldst-pair"
	ClassLdLiteral   Class = "ld-literal"
	ClassAcqRel      Class = "ldar-stlr"
	ClassExclusive   Class = "exclusive"
	ClassLSE         Class = "lse-atomic"
	ClassBranch      Class = "branch-fwd"
	ClassCRC32       Class = "crc32"
	ClassSP          Class = "sp-relative"
	ClassLoop        Class = "loop-backward"
	ClassBranchInd   Class = "bl-br-blr-ret"
)

// AllClasses lists every class in summary order.
var AllClasses = []Class{
	ClassAddSubImm, ClassAddSubShift, ClassAddSubExt, ClassLogicalImm, ClassLogicalReg, ClassMoveWide,
	ClassPCRel, ClassBitfield, ClassExtr, ClassShiftVar, ClassCondSel, ClassCondCmp, ClassCarry, ClassMul,
	ClassDiv, ClassBitOps, ClassFlags, ClassLdStUImm, ClassLdStUnscal, ClassLdStUnpriv, ClassLdStPre,
	ClassLdStPost, ClassLdStRegOff, ClassLdStPair, ClassLdLiteral, ClassAcqRel, ClassExclusive, ClassLSE,
	ClassBranch, ClassBranchInd, ClassCRC32, ClassSP, ClassLoop,
}

// BufSize is the scratch buffer every generated load and store stays inside.
const BufSize = 512

// Group is a run of instructions the generator treats as one unit: a forward
// branch skips whole groups, and the minimizer drops whole groups. A group
// whose first instruction is PC-relative in a way that depends on the layout
// (branch, literal load) re-encodes it through reloc.
type Group struct {
	Class Class
	Insts []Inst
	// Skip is the number of following groups a branch group jumps over.
	Skip int
	// LitWord is the target of a literal load: a word index relative to the
	// sequence start (negative reaches into the prologue).
	LitWord int
	reloc   func(off int32) Inst
	kind    groupKind
}

type groupKind uint8

const (
	kindPlain groupKind = iota
	kindBranch
	kindLiteral
)

// Seq is one generated test case.
type Seq struct {
	Seed    uint64
	Groups  []Group
	Regs    [31]uint64 // initial X0..X30; Regs[Base] is replaced by the buffer address + BaseOff
	NZCV    uint64     // initial flags in bits 31:28
	Buf     [BufSize]byte
	Base    int // register holding the scratch buffer pointer
	BaseOff int // its initial offset into the buffer
}

// Name is "seed N" for generated sequences and "fixed #N" for the
// hand-built regression sequences (seeds from 1<<63 on).
func (s *Seq) Name() string {
	if s.Seed >= 1<<63 {
		return fmt.Sprintf("fixed #%d", s.Seed-1<<63)
	}
	return fmt.Sprintf("seed %d", s.Seed)
}

// Words flattens the groups, fixing up branch and literal offsets.
func (s *Seq) Words() []Inst {
	starts := make([]int, len(s.Groups)+1)
	for i, g := range s.Groups {
		starts[i+1] = starts[i] + len(g.Insts)
	}
	out := make([]Inst, 0, starts[len(s.Groups)])
	for i, g := range s.Groups {
		insts := g.Insts
		switch g.kind {
		case kindBranch:
			end := min(i+1+g.Skip, len(s.Groups))
			first := g.reloc(int32(4 * (starts[end] - starts[i])))
			first.Class = g.Class
			insts = append([]Inst{first}, insts[1:]...)
		case kindLiteral:
			pos := starts[i] + len(g.Insts) - 1 // the load is the group's last instruction
			last := g.reloc(int32(4 * (g.LitWord - pos)))
			last.Class = g.Class
			insts = append(append([]Inst{}, insts[:len(insts)-1]...), last)
		}
		out = append(out, insts...)
	}
	return out
}

// Classes counts, per class, the groups that contain an instruction of it.
func (s *Seq) Classes() map[Class]int {
	m := map[Class]int{}
	for _, g := range s.Groups {
		seen := map[Class]bool{g.Class: true}
		for _, in := range g.Insts {
			seen[in.Class] = true // a loop body's instructions keep their own class
		}
		for c := range seen {
			m[c]++
		}
	}
	return m
}

// GenOptions select what the generator may emit.
type GenOptions struct {
	MinGroups, MaxGroups int            // default 8..24
	Exclude              map[Class]bool // classes to leave out (e.g. LSE on a CPU model without FEAT_LSE)
}

// gen is the generator state for one sequence.
type gen struct {
	r       *rand.Rand
	opt     GenOptions
	seq     *Seq
	baseOff int   // current offset of the base register into the buffer
	shadow  int   // groups left inside a branch's shadow: no base changes, no branches
	words   int   // words emitted so far
	hot     []int // a few registers most operands come from, so values flow between instructions
	avoid   int   // a register no instruction may write (a loop counter), or -1
}

// Generate builds the sequence for seed. The same seed always gives the same sequence.
func Generate(seed uint64, opt GenOptions) *Seq {
	if opt.MinGroups <= 0 {
		opt.MinGroups = 8
	}
	if opt.MaxGroups < opt.MinGroups {
		opt.MaxGroups = max(24, opt.MinGroups)
	}
	g := &gen{r: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), opt: opt, seq: &Seq{Seed: seed}, avoid: -1}
	s := g.seq
	s.Base = g.r.IntN(31)
	s.BaseOff = 16 * g.r.IntN(BufSize/16+1)
	g.baseOff = s.BaseOff
	for i := range s.Regs {
		s.Regs[i] = g.value()
	}
	for range 3 + g.r.IntN(4) {
		g.hot = append(g.hot, g.r.IntN(31))
	}
	s.NZCV = uint64(g.r.IntN(16)) << 28
	for i := range s.Buf {
		s.Buf[i] = byte(g.r.Uint32())
	}
	n := opt.MinGroups + g.r.IntN(opt.MaxGroups-opt.MinGroups+1)
	for range n {
		grp := g.group()
		s.Groups = append(s.Groups, grp)
		g.words += len(grp.Insts)
		if grp.kind == kindBranch {
			g.shadow = grp.Skip
		} else if g.shadow > 0 {
			g.shadow--
		}
	}
	return s
}

// value draws an "interesting" 64-bit value.
func (g *gen) value() uint64 {
	switch g.r.IntN(12) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return ^uint64(0)
	case 3:
		return 1 << 63
	case 4:
		return 1<<63 - 1
	case 5:
		return 0x80000000
	case 6:
		return 0xffffffff
	case 7:
		return uint64(g.r.IntN(256))
	case 8:
		return uint64(int64(int32(g.r.Uint32()))) // sign-extended 32-bit
	case 9:
		return uint64(g.r.Uint32())
	case 10:
		return 1 << g.r.IntN(64)
	}
	return g.r.Uint64()
}

func (g *gen) coin() bool { return g.r.IntN(2) == 0 }

// dst picks a destination register: never the base; sometimes the zero register.
func (g *gen) dst(zrOK bool) int {
	if zrOK && g.r.IntN(16) == 0 {
		return zr
	}
	for {
		n := g.reg()
		if n != g.seq.Base && n != g.avoid {
			return n
		}
	}
}

// src picks a source register: any X0–X30 (the base's value is the same on
// both machines, so reading it is fine), sometimes the zero register.
func (g *gen) src(zrOK bool) int {
	if zrOK && g.r.IntN(12) == 0 {
		return zr
	}
	return g.reg()
}

// reg draws X0–X30, mostly from the hot set.
func (g *gen) reg() int {
	if g.r.IntN(10) < 7 {
		return g.hot[g.r.IntN(len(g.hot))]
	}
	return g.r.IntN(31)
}

// dstNotSP picks a destination for forms where 31 means SP: never 31.
func (g *gen) dstNotSP() int { return g.dst(false) }

var aluClasses = []Class{
	ClassAddSubImm, ClassAddSubShift, ClassAddSubExt, ClassLogicalImm, ClassLogicalReg, ClassMoveWide,
	ClassPCRel, ClassBitfield, ClassExtr, ClassShiftVar, ClassCondSel, ClassCondCmp, ClassCarry, ClassMul,
	ClassDiv, ClassBitOps, ClassFlags, ClassCRC32, ClassSP,
}

var memClasses = []Class{
	ClassLdStUImm, ClassLdStUnscal, ClassLdStUnpriv, ClassLdStPre, ClassLdStPost, ClassLdStRegOff,
	ClassLdStPair, ClassLdLiteral, ClassAcqRel, ClassExclusive, ClassLSE,
}

func (g *gen) group() Group {
	for {
		var c Class
		switch k := g.r.IntN(20); {
		case k < 2 && g.shadow == 0 && g.words > 0:
			c = ClassBranch
			if g.r.IntN(3) == 0 {
				c = ClassBranchInd
			}
		case k == 2 && g.shadow == 0:
			c = ClassLoop
		case k < 10:
			c = aluClasses[g.r.IntN(len(aluClasses))]
		default:
			c = memClasses[g.r.IntN(len(memClasses))]
		}
		if g.opt.Exclude[c] {
			continue
		}
		if grp, ok := g.emit(c); ok {
			grp.Class = c
			for i := range grp.Insts {
				if grp.Insts[i].Class == "" {
					grp.Insts[i].Class = c
				}
			}
			return grp
		}
	}
}

func one(i Inst) (Group, bool) { return Group{Insts: []Inst{i}}, true }

func (g *gen) emit(c Class) (Group, bool) {
	r := g.r
	sf := r.IntN(3) != 0
	switch c {
	case ClassAddSubImm:
		setFlags := g.coin()
		rd := g.dst(setFlags)
		return one(AddSubImm(sf, g.coin(), setFlags, rd, g.r.IntN(31), uint32(r.IntN(4096)), r.IntN(4) == 0))
	case ClassAddSubShift:
		width := 32
		if sf {
			width = 64
		}
		setFlags := g.coin()
		return one(AddSubShifted(sf, g.coin(), setFlags, g.dst(true), g.src(true), g.src(true), uint32(r.IntN(3)), uint32(r.IntN(width))))
	case ClassAddSubExt:
		setFlags := g.coin()
		var rd int
		if setFlags {
			rd = g.dst(true)
		} else {
			rd = g.dstNotSP()
		}
		return one(AddSubExtended(sf, g.coin(), setFlags, rd, g.r.IntN(31), g.src(true), uint32(r.IntN(8)), uint32(r.IntN(5))))
	case ClassLogicalImm:
		opc := uint32(r.IntN(4))
		rd := g.dstNotSP()
		if opc == 3 {
			rd = g.dst(true)
		}
		return one(LogicalImm(sf, opc, rd, g.src(true), g.bitmask(sf)))
	case ClassLogicalReg:
		width := 32
		if sf {
			width = 64
		}
		return one(LogicalShifted(sf, uint32(r.IntN(4)), g.coin(), g.dst(true), g.src(true), g.src(true), uint32(r.IntN(4)), uint32(r.IntN(width))))
	case ClassMoveWide:
		opc := []uint32{0, 2, 3}[r.IntN(3)]
		hw := uint32(r.IntN(2))
		if sf {
			hw = uint32(r.IntN(4))
		}
		return one(MoveWide(sf, opc, g.dst(true), uint32(r.IntN(65536)), hw))
	case ClassPCRel:
		if g.coin() {
			return one(PCRel(false, g.dst(false), int32(r.IntN(1<<21))-1<<20))
		}
		return one(PCRel(true, g.dst(false), int32(r.IntN(1<<21))-1<<20))
	case ClassBitfield:
		width := 32
		if sf {
			width = 64
		}
		if r.IntN(2) == 0 {
			opc, immr, imms := g.bitfieldAlias(width)
			return one(Bitfield(sf, opc, g.dst(true), g.src(true), immr, imms))
		}
		return one(Bitfield(sf, uint32(r.IntN(3)), g.dst(true), g.src(true), uint32(r.IntN(width)), uint32(r.IntN(width))))
	case ClassExtr:
		width := 32
		if sf {
			width = 64
		}
		rn := g.src(true)
		rm := g.src(true)
		if r.IntN(3) == 0 {
			rm = rn // ROR alias
		}
		return one(Extr(sf, g.dst(true), rn, rm, uint32(r.IntN(width))))
	case ClassShiftVar:
		ops := []uint32{OpLSLV, OpLSRV, OpASRV, OpRORV}
		return one(DP2(sf, ops[r.IntN(4)], g.dst(true), g.src(true), g.src(true)))
	case ClassDiv:
		op := uint32(OpUDIV)
		if g.coin() {
			op = OpSDIV
		}
		rd, rn, rm := g.dst(true), g.src(true), g.src(true)
		var pre []Inst
		// Make the corner cases common: divide by zero, INT_MIN / -1.
		switch r.IntN(4) {
		case 0:
			if rm != zr && rm != g.seq.Base && rm != g.avoid {
				pre = append(pre, MoveWide(true, 2, rm, 0, 0)) // movz rm, #0
			}
		case 1:
			if rn != zr && rm != zr && rn != rm && rn != g.seq.Base && rm != g.seq.Base && rn != g.avoid && rm != g.avoid {
				if sf {
					pre = append(pre, MoveWide(true, 2, rn, 0x8000, 3)) // INT64_MIN
				} else {
					pre = append(pre, MoveWide(true, 2, rn, 0x8000, 1)) // INT32_MIN
				}
				pre = append(pre, MoveWide(true, 0, rm, 0, 0)) // movn rm, #0 = -1
			}
		}
		return Group{Insts: append(pre, DP2(sf, op, rd, rn, rm))}, true
	case ClassCondSel:
		return one(CondSelect(sf, uint32(r.IntN(4)), g.dst(true), g.src(true), g.src(true), uint32(r.IntN(16))))
	case ClassCondCmp:
		imm := g.coin()
		m := uint32(g.src(true))
		if imm {
			m = uint32(r.IntN(32))
		}
		return one(CondCompare(sf, g.coin(), imm, g.src(true), m, uint32(r.IntN(16)), uint32(r.IntN(16))))
	case ClassCarry:
		return one(AddSubCarry(sf, g.coin(), g.coin(), g.dst(true), g.src(true), g.src(true)))
	case ClassMul:
		return one(DP3(sf, r.IntN(8), g.dst(true), g.src(true), g.src(true), g.src(true)))
	case ClassBitOps:
		ops := []uint32{0, 1, 2, 4, 5}
		if sf {
			ops = append(ops, 3)
		}
		return one(DP1(sf, ops[r.IntN(len(ops))], g.dst(true), g.src(true)))
	case ClassFlags:
		switch r.IntN(9) {
		case 8:
			return one(Prfm([]uint32{0, 1, 2, 8, 16, 17}[r.IntN(6)], g.src(false), uint32(r.IntN(4096))))
		case 0:
			return one(MrsNZCV(g.dst(true)))
		case 1, 2:
			return one(MsrNZCV(g.src(true)))
		case 3:
			return one(Nop)
		case 4:
			return one(DmbIS)
		case 5:
			return one(DsbSY)
		case 6:
			return one(Isb)
		default:
			return one(DmbSY)
		}
	case ClassBranch:
		return g.branch()
	case ClassBranchInd:
		return g.branchLinkOrIndirect()
	case ClassCRC32:
		return one(CRC32(g.coin(), uint32(r.IntN(4)), g.dst(true), g.src(true), g.src(true)))
	case ClassSP:
		return g.spGroup()
	case ClassLoop:
		return g.loop()
	}
	return g.memGroup(c)
}

func (g *gen) bitmask(sf bool) Bitmask {
	sizes := []uint{2, 4, 8, 16, 32}
	if sf {
		sizes = append(sizes, 64)
	}
	size := sizes[g.r.IntN(len(sizes))]
	return Bitmask{Size: size, Ones: 1 + uint(g.r.IntN(int(size)-1)), Rot: uint(g.r.IntN(int(size)))}
}

// branch emits a forward branch over the next 1..3 groups.
func (g *gen) branch() (Group, bool) {
	r := g.r
	skip := 1 + r.IntN(3)
	var mk func(off int32) Inst
	switch r.IntN(4) {
	case 0:
		cond := uint32(r.IntN(16))
		mk = func(off int32) Inst { return BCond(cond, off) }
	case 1:
		sf, nz, rt := r.IntN(3) != 0, g.coin(), g.src(true)
		mk = func(off int32) Inst { return CompareBranch(sf, nz, rt, off) }
	case 2:
		nz, rt, bit := g.coin(), g.src(true), uint32(r.IntN(64))
		mk = func(off int32) Inst { return TestBranch(nz, rt, bit, off) }
	default:
		mk = Branch
	}
	return Group{Insts: []Inst{mk(4)}, Skip: skip, reloc: mk, kind: kindBranch}, true
}

// spGroup uses SP (which the harness points at the case's record, the same
// address on both machines) the ways GCC does: address arithmetic, compare,
// loads/stores in the record's input area (already consumed by the
// prologue), and push/pop or a small frame below SP (the layout leaves 64
// free bytes there) that the same group undoes, so SP is unchanged after it.
func (g *gen) spGroup() (Group, bool) {
	r := g.r
	const sp = 31
	switch r.IntN(8) {
	case 6: // push and pop: stp a, b, [sp, #-16]! ... ldp c, d, [sp], #16
		c, d := g.dst(false), g.dst(false)
		if c == d {
			return Group{}, false
		}
		insts := []Inst{LdStPair(PairX, PairPre, false, g.src(true), g.src(true), sp, -2)}
		if g.coin() {
			insts = append(insts, LdStUImm(MemLoad, 3, g.dst(true), sp, uint32(r.IntN(2))))
		}
		return Group{Insts: append(insts, LdStPair(PairX, PairPost, true, c, d, sp, 2))}, true
	case 7: // a frame: sub sp, sp, #F; str; ldr; add sp, sp, #F
		frame := 16 * (1 + r.IntN(4))
		return Group{Insts: []Inst{
			AddSubImm(true, true, false, sp, sp, uint32(frame), false),
			LdStUImm(MemStore, 3, g.src(true), sp, uint32(r.IntN(frame/8))),
			LdStUImm(MemLoad, 3, g.dst(true), sp, uint32(r.IntN(frame/8))),
			AddSubImm(true, false, false, sp, sp, uint32(frame), false),
		}}, true
	case 0:
		return one(AddSubImm(true, g.coin(), false, g.dstNotSP(), sp, uint32(r.IntN(4096)), r.IntN(4) == 0))
	case 1:
		return one(AddSubImm(true, true, true, zr, sp, uint32(r.IntN(4096)), false)) // cmp sp, #imm
	case 2:
		return one(AddSubExtended(true, g.coin(), false, g.dstNotSP(), sp, g.src(true), uint32(r.IntN(8)), uint32(r.IntN(5))))
	case 3:
		size := uint32(r.IntN(4))
		n := 1 << size
		off := n * r.IntN(256/n)
		op := g.memOp(size)
		return one(LdStUImm(op, size, g.dataReg(op, false), sp, uint32(off/n)))
	case 4:
		size := uint32(r.IntN(4))
		n := 1 << size
		off := n * r.IntN(256/n)
		op := g.memOp(size)
		return one(LdStImm9(op, size, IdxUnscaled, g.dataReg(op, false), sp, int32(off)))
	default:
		opc := []uint32{PairW, PairX}[r.IntN(2)]
		n := 4 << (opc / 2)
		load := g.coin()
		rt, rt2 := g.src(true), g.src(true)
		if load {
			rt, rt2 = g.dst(false), g.dst(false)
			if rt == rt2 {
				return Group{}, false
			}
		}
		return one(LdStPair(opc, PairOff, load, rt, rt2, sp, int32(r.IntN(256/n-1))))
	}
}

// bitfieldAlias draws the SBFM/BFM/UBFM fields of one of the aliases GCC
// emits: LSL/LSR/ASR #n, UXTB/UXTH, SXTB/SXTH/SXTW, UBFX/SBFX/BFXIL, UBFIZ/SBFIZ/BFI.
func (g *gen) bitfieldAlias(width int) (opc, immr, imms uint32) {
	r := g.r
	w := uint32(width)
	n := uint32(r.IntN(width))
	lsb := uint32(r.IntN(width))
	bits := 1 + uint32(r.IntN(width-int(lsb)))
	switch r.IntN(8) {
	case 0: // LSL #n
		return 2, (w - n) % w, w - 1 - n
	case 1: // LSR #n
		return 2, n, w - 1
	case 2: // ASR #n
		return 0, n, w - 1
	case 3: // UXTB/UXTH
		return 2, 0, []uint32{7, 15}[r.IntN(2)]
	case 4: // SXTB/SXTH/SXTW (SXTW only when 64-bit)
		ext := []uint32{7, 15, 31}
		if w == 32 {
			ext = ext[:2]
		}
		return 0, 0, ext[r.IntN(len(ext))]
	case 5: // UBFX/SBFX/BFXIL: extract bits lsb..lsb+bits-1
		return []uint32{2, 0, 1}[r.IntN(3)], lsb, lsb + bits - 1
	default: // UBFIZ/SBFIZ/BFI: insert bits at lsb
		return []uint32{2, 0, 1}[r.IntN(3)], (w - lsb) % w, bits - 1
	}
}

// loop emits a counted backward loop run 1..4 times:
//
//	movz wC, #n; body; subs wC, wC, #1; b.ne body   (or sub + cbnz)
//
// The body is 1..3 groups that neither move the base register, nor branch,
// nor write the counter, nor depend on their own address (literal loads).
func (g *gen) loop() (Group, bool) {
	r := g.r
	counter := g.dst(false)
	n := uint32(1 + r.IntN(4))
	savedShadow := g.shadow
	g.shadow = 1 << 20 // no base changes inside the body
	g.avoid = counter
	var body []Inst
	for range 1 + r.IntN(3) {
		for {
			c := aluClasses[r.IntN(len(aluClasses))]
			if r.IntN(2) == 0 {
				c = memClasses[r.IntN(len(memClasses))]
			}
			if c == ClassLdLiteral || g.opt.Exclude[c] {
				continue
			}
			grp, ok := g.emit(c)
			if !ok {
				continue
			}
			for _, in := range grp.Insts {
				in.Class = c
				body = append(body, in)
			}
			break
		}
	}
	g.avoid = -1
	g.shadow = savedShadow
	back := int32(-4 * (len(body) + 1))
	insts := append([]Inst{MoveWide(false, 2, counter, n, 0)}, body...)
	if g.coin() {
		insts = append(insts, AddSubImm(false, true, true, counter, counter, 1, false), BCond(1, back))
	} else {
		insts = append(insts, AddSubImm(false, true, false, counter, counter, 1, false), CompareBranch(false, true, counter, back))
	}
	return Group{Insts: insts}, true
}

// branchLinkOrIndirect jumps forward over the next 1..3 groups with BL (X30 =
// return address, identical on both machines) or through a register:
// ADR xN, target; BR/BLR/RET xN.
func (g *gen) branchLinkOrIndirect() (Group, bool) {
	r := g.r
	skip := 1 + r.IntN(3)
	if r.IntN(3) == 0 {
		if g.seq.Base == 30 {
			return Group{}, false
		}
		return Group{Insts: []Inst{Bl(4)}, Skip: skip, reloc: Bl, kind: kindBranch}, true
	}
	rn := g.dst(false)
	kind := r.IntN(3)
	if kind == 1 && (g.seq.Base == 30) {
		return Group{}, false
	}
	var jump Inst
	switch kind {
	case 0:
		jump = Inst{Word: 0xd61f0000 | uint32(rn)<<5, Asm: fmt.Sprintf("br %s", xreg(rn))}
	case 1:
		jump = Inst{Word: 0xd63f0000 | uint32(rn)<<5, Asm: fmt.Sprintf("blr %s", xreg(rn))}
	default:
		jump = Inst{Word: 0xd65f0000 | uint32(rn)<<5, Asm: fmt.Sprintf("ret %s", xreg(rn))}
	}
	mk := func(off int32) Inst { return PCRel(false, rn, off) }
	return Group{Insts: []Inst{mk(8), jump}, Skip: skip, reloc: mk, kind: kindBranch}, true
}
