package difftest

import "fmt"

// Inst is one encoded instruction: the word and the GNU assembler text that
// encodes to the same word (empty when gas needs a context the text cannot
// carry, e.g. ADRP). Class names the generator class it came from.
type Inst struct {
	Word  uint32
	Asm   string
	Class Class
}

// Register 31 is the zero register in every operand slot this file names
// "r"; the encoders never emit SP for it (the generator never asks for SP).
const zr = 31

func xreg(n int) string {
	if n == zr {
		return "xzr"
	}
	return fmt.Sprintf("x%d", n)
}

func wreg(n int) string {
	if n == zr {
		return "wzr"
	}
	return fmt.Sprintf("w%d", n)
}

// reg names register n as X (sf) or W.
func reg(sf bool, n int) string {
	if sf {
		return xreg(n)
	}
	return wreg(n)
}

// baseName names a base register (31 is SP).
func baseName(n int) string {
	if n == 31 {
		return "sp"
	}
	return fmt.Sprintf("x%d", n)
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// Condition codes in encoding order.
var condNames = [16]string{"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"}

var shiftNames = [4]string{"lsl", "lsr", "asr", "ror"}

// extendNames in option order (0..7).
var extendNames = [8]string{"uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"}

// AddSubImm: ADD/ADDS/SUB/SUBS (immediate), imm12 optionally shifted by 12.
// rd 31 is SP for the non-flag forms and ZR for the flag forms; rn 31 is SP.
func AddSubImm(sf, sub, setFlags bool, rd, rn int, imm12 uint32, lsl12 bool) Inst {
	w := b2u(sf)<<31 | b2u(sub)<<30 | b2u(setFlags)<<29 | 0x11000000 | b2u(lsl12)<<22 | (imm12&0xfff)<<10 | uint32(rn)<<5 | uint32(rd)
	op := "add"
	if sub {
		op = "sub"
	}
	if setFlags {
		op += "s"
	}
	spName := func(n int) string {
		if n == 31 {
			if sf {
				return "sp"
			}
			return "wsp"
		}
		return reg(sf, n)
	}
	dn := spName(rd)
	if setFlags {
		dn = reg(sf, rd)
	}
	s := fmt.Sprintf("%s %s, %s, #%d", op, dn, spName(rn), imm12&0xfff)
	if lsl12 {
		s += ", lsl #12"
	}
	return Inst{Word: w, Asm: s}
}

// AddSubShifted: ADD/ADDS/SUB/SUBS (shifted register); shift 0..2.
func AddSubShifted(sf, sub, setFlags bool, rd, rn, rm int, shift, amount uint32) Inst {
	w := b2u(sf)<<31 | b2u(sub)<<30 | b2u(setFlags)<<29 | 0x0B000000 | shift<<22 | uint32(rm)<<16 | amount<<10 | uint32(rn)<<5 | uint32(rd)
	op := "add"
	if sub {
		op = "sub"
	}
	if setFlags {
		op += "s"
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, %s #%d", op, reg(sf, rd), reg(sf, rn), reg(sf, rm), shiftNames[shift], amount)}
}

// AddSubExtended: ADD/ADDS/SUB/SUBS (extended register); option 0..7, amount 0..4.
// rd must not be 31 unless setFlags (31 is then ZR); rn must not be 31 (SP).
func AddSubExtended(sf, sub, setFlags bool, rd, rn, rm int, option, amount uint32) Inst {
	w := b2u(sf)<<31 | b2u(sub)<<30 | b2u(setFlags)<<29 | 0x0B200000 | uint32(rm)<<16 | option<<13 | amount<<10 | uint32(rn)<<5 | uint32(rd)
	op := "add"
	if sub {
		op = "sub"
	}
	if setFlags {
		op += "s"
	}
	mSF := sf && option&3 == 3
	rnName := reg(sf, rn)
	if rn == 31 {
		rnName = map[bool]string{true: "sp", false: "wsp"}[sf]
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, %s #%d", op, reg(sf, rd), rnName, reg(mSF, rm), extendNames[option], amount)}
}

// Bitmask is a logical-immediate pattern: element size (2..64), ones (1..size-1)
// and right rotation (0..size-1).
type Bitmask struct{ Size, Ones, Rot uint }

// Fields returns N, immr, imms.
func (b Bitmask) Fields() (n, immr, imms uint32) {
	if b.Size == 64 {
		n = 1
	}
	imms = uint32((^(b.Size - 1))<<1&0x3f) | uint32(b.Ones-1)
	return n, uint32(b.Rot), imms
}

// Value is the 64-bit (or, for 32-bit forms, low-32-bit replicated) immediate.
func (b Bitmask) Value(sf bool) uint64 {
	mask := uint64(1)<<b.Size - 1 // all ones when Size is 64
	elem := uint64(1)<<b.Ones - 1
	if b.Rot != 0 {
		elem = (elem>>b.Rot | elem<<(b.Size-b.Rot)) & mask
	}
	v := elem
	for sz := b.Size; sz < 64; sz *= 2 {
		v |= v << sz
	}
	if !sf {
		v &= 0xffffffff
	}
	return v
}

// LogicalImm: AND/ORR/EOR/ANDS (immediate); opc 0..3. rd 31 is SP except for ANDS.
func LogicalImm(sf bool, opc uint32, rd, rn int, m Bitmask) Inst {
	n, immr, imms := m.Fields()
	w := b2u(sf)<<31 | opc<<29 | 0x12000000 | n<<22 | immr<<16 | imms<<10 | uint32(rn)<<5 | uint32(rd)
	names := [4]string{"and", "orr", "eor", "ands"}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, #0x%x", names[opc], reg(sf, rd), reg(sf, rn), m.Value(sf))}
}

// LogicalShifted: AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register).
func LogicalShifted(sf bool, opc uint32, invert bool, rd, rn, rm int, shift, amount uint32) Inst {
	w := b2u(sf)<<31 | opc<<29 | 0x0A000000 | shift<<22 | b2u(invert)<<21 | uint32(rm)<<16 | amount<<10 | uint32(rn)<<5 | uint32(rd)
	names := [8]string{"and", "bic", "orr", "orn", "eor", "eon", "ands", "bics"}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, %s #%d", names[opc*2+b2u(invert)], reg(sf, rd), reg(sf, rn), reg(sf, rm), shiftNames[shift], amount)}
}

// MoveWide: MOVN (opc 0), MOVZ (2), MOVK (3); hw 0..3 (0..1 for 32-bit).
func MoveWide(sf bool, opc uint32, rd int, imm16 uint32, hw uint32) Inst {
	w := b2u(sf)<<31 | opc<<29 | 0x12800000 | hw<<21 | (imm16&0xffff)<<5 | uint32(rd)
	names := map[uint32]string{0: "movn", 2: "movz", 3: "movk"}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, #0x%x, lsl #%d", names[opc], reg(sf, rd), imm16&0xffff, hw*16)}
}

// PCRel: ADR (page false) or ADRP, imm21 signed (bytes for ADR, pages for ADRP).
func PCRel(page bool, rd int, imm int32) Inst {
	u := uint32(imm) & 0x1fffff
	w := b2u(page)<<31 | (u&3)<<29 | 0x10000000 | (u>>2)<<5 | uint32(rd)
	if page {
		return Inst{Word: w} // the text would depend on where gas places it
	}
	return Inst{Word: w, Asm: fmt.Sprintf("adr %s, .%+d", xreg(rd), imm)}
}

// Bitfield: SBFM (opc 0), BFM (1), UBFM (2).
func Bitfield(sf bool, opc uint32, rd, rn int, immr, imms uint32) Inst {
	w := b2u(sf)<<31 | opc<<29 | 0x13000000 | b2u(sf)<<22 | immr<<16 | imms<<10 | uint32(rn)<<5 | uint32(rd)
	names := [3]string{"sbfm", "bfm", "ubfm"}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, #%d, #%d", names[opc], reg(sf, rd), reg(sf, rn), immr, imms)}
}

// Extr: EXTR (ROR when rn == rm).
func Extr(sf bool, rd, rn, rm int, lsb uint32) Inst {
	w := b2u(sf)<<31 | 0x13800000 | b2u(sf)<<22 | uint32(rm)<<16 | lsb<<10 | uint32(rn)<<5 | uint32(rd)
	return Inst{Word: w, Asm: fmt.Sprintf("extr %s, %s, %s, #%d", reg(sf, rd), reg(sf, rn), reg(sf, rm), lsb)}
}

// Two-source data processing opcodes.
const (
	OpUDIV = 0b000010
	OpSDIV = 0b000011
	OpLSLV = 0b001000
	OpLSRV = 0b001001
	OpASRV = 0b001010
	OpRORV = 0b001011
)

// DP2: UDIV/SDIV/LSLV/LSRV/ASRV/RORV.
func DP2(sf bool, opcode uint32, rd, rn, rm int) Inst {
	w := b2u(sf)<<31 | 0x1AC00000 | uint32(rm)<<16 | opcode<<10 | uint32(rn)<<5 | uint32(rd)
	names := map[uint32]string{OpUDIV: "udiv", OpSDIV: "sdiv", OpLSLV: "lslv", OpLSRV: "lsrv", OpASRV: "asrv", OpRORV: "rorv"}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s", names[opcode], reg(sf, rd), reg(sf, rn), reg(sf, rm))}
}

// DP1: RBIT (0), REV16 (1), REV32/REV-32bit (2), REV (3, 64-bit only), CLZ (4), CLS (5).
func DP1(sf bool, opcode uint32, rd, rn int) Inst {
	w := b2u(sf)<<31 | 0x5AC00000 | opcode<<10 | uint32(rn)<<5 | uint32(rd)
	names := [6]string{"rbit", "rev16", "rev32", "rev", "clz", "cls"}
	name := names[opcode]
	if !sf && opcode == 2 {
		name = "rev"
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s", name, reg(sf, rd), reg(sf, rn))}
}

// CondSelect: CSEL (op 0), CSINC (1), CSINV (2), CSNEG (3).
func CondSelect(sf bool, op uint32, rd, rn, rm int, cond uint32) Inst {
	w := b2u(sf)<<31 | (op>>1)<<30 | 0x1A800000 | uint32(rm)<<16 | cond<<12 | (op&1)<<10 | uint32(rn)<<5 | uint32(rd)
	names := [4]string{"csel", "csinc", "csinv", "csneg"}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, %s", names[op], reg(sf, rd), reg(sf, rn), reg(sf, rm), condNames[cond])}
}

// CondCompare: CCMN (cmp false) / CCMP, register (imm false: mOrImm is rm) or imm5.
func CondCompare(sf, cmp, imm bool, rn int, mOrImm uint32, nzcv, cond uint32) Inst {
	w := b2u(sf)<<31 | b2u(cmp)<<30 | 0x3A400000 | (mOrImm&31)<<16 | cond<<12 | b2u(imm)<<11 | uint32(rn)<<5 | nzcv
	name := "ccmn"
	if cmp {
		name = "ccmp"
	}
	op2 := reg(sf, int(mOrImm&31))
	if imm {
		op2 = fmt.Sprintf("#%d", mOrImm&31)
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, #%d, %s", name, reg(sf, rn), op2, nzcv, condNames[cond])}
}

// AddSubCarry: ADC/ADCS/SBC/SBCS.
func AddSubCarry(sf, sub, setFlags bool, rd, rn, rm int) Inst {
	w := b2u(sf)<<31 | b2u(sub)<<30 | b2u(setFlags)<<29 | 0x1A000000 | uint32(rm)<<16 | uint32(rn)<<5 | uint32(rd)
	op := "adc"
	if sub {
		op = "sbc"
	}
	if setFlags {
		op += "s"
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s", op, reg(sf, rd), reg(sf, rn), reg(sf, rm))}
}

// DP3 kinds.
const (
	MAdd = iota
	MSub
	SMAddL
	SMSubL
	SMulH
	UMAddL
	UMSubL
	UMulH
)

// DP3: MADD/MSUB (32/64) and the 64-bit-only long/high multiplies.
func DP3(sf bool, kind int, rd, rn, rm, ra int) Inst {
	type enc struct {
		op31, o0 uint32
		name     string
	}
	t := [...]enc{{0, 0, "madd"}, {0, 1, "msub"}, {1, 0, "smaddl"}, {1, 1, "smsubl"}, {2, 0, "smulh"}, {5, 0, "umaddl"}, {5, 1, "umsubl"}, {6, 0, "umulh"}}[kind]
	if kind >= SMAddL {
		sf = true
	}
	if kind == SMulH || kind == UMulH {
		ra = 31
	}
	w := b2u(sf)<<31 | 0x1B000000 | t.op31<<21 | uint32(rm)<<16 | t.o0<<15 | uint32(ra)<<10 | uint32(rn)<<5 | uint32(rd)
	switch kind {
	case SMulH, UMulH:
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s", t.name, xreg(rd), xreg(rn), xreg(rm))}
	case SMAddL, SMSubL, UMAddL, UMSubL:
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, %s", t.name, xreg(rd), wreg(rn), wreg(rm), xreg(ra))}
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, %s", t.name, reg(sf, rd), reg(sf, rn), reg(sf, rm), reg(sf, ra))}
}

// MemOp says what a single-register load/store does with its data register.
type MemOp uint8

const (
	MemStore  MemOp = iota // STR*
	MemLoad                // LDR* zero-extending
	MemLoadSX              // LDRS* to X
	MemLoadSW              // LDRS* to W (byte/half only)
	numMemOps
)

// opc field for MemOp, and whether Rt is a 64-bit name.
func (op MemOp) opc() uint32 { return [...]uint32{0, 1, 2, 3}[op] }

func (op MemOp) rtIs64(size uint32) bool {
	switch op {
	case MemLoadSX:
		return true
	case MemLoadSW:
		return false
	}
	return size == 3
}

func memMnemonic(prefix string, op MemOp, size uint32) string {
	base := prefix
	switch op {
	case MemStore:
		base = "st" + prefix[2:]
	case MemLoadSX, MemLoadSW:
		base = prefix + "s"
	}
	switch size {
	case 0:
		return base + "b"
	case 1:
		return base + "h"
	case 2:
		if op == MemLoadSX {
			return base + "w"
		}
	}
	return base
}

// LdStUImm: LDR/STR family, unsigned scaled 12-bit offset (imm12 in units of size).
func LdStUImm(op MemOp, size uint32, rt, rn int, imm12 uint32) Inst {
	w := size<<30 | 0x39000000 | op.opc()<<22 | imm12<<10 | uint32(rn)<<5 | uint32(rt)
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, [%s, #%d]", memMnemonic("ldr", op, size), reg(op.rtIs64(size), rt), baseName(rn), imm12<<size)}
}

// Index modes of the imm9 forms.
const (
	IdxUnscaled = 0
	IdxPost     = 1
	IdxUnpriv   = 2
	IdxPre      = 3
)

// LdStImm9: LDUR/STUR, LDTR/STTR, and pre/post-index forms (byte offset imm9).
func LdStImm9(op MemOp, size uint32, idx uint32, rt, rn int, imm9 int32) Inst {
	w := size<<30 | 0x38000000 | op.opc()<<22 | (uint32(imm9)&0x1ff)<<12 | idx<<10 | uint32(rn)<<5 | uint32(rt)
	r := reg(op.rtIs64(size), rt)
	switch idx {
	case IdxUnscaled:
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, [%s, #%d]", memMnemonic("ldur", op, size), r, baseName(rn), imm9)}
	case IdxUnpriv:
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, [%s, #%d]", memMnemonic("ldtr", op, size), r, baseName(rn), imm9)}
	case IdxPost:
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, [%s], #%d", memMnemonic("ldr", op, size), r, baseName(rn), imm9)}
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, [%s, #%d]!", memMnemonic("ldr", op, size), r, baseName(rn), imm9)}
}

// LdStRegOff: register offset; option 2 (UXTW), 3 (LSL), 6 (SXTW), 7 (SXTX); scaled shifts by size.
func LdStRegOff(op MemOp, size uint32, rt, rn, rm int, option uint32, scaled bool) Inst {
	w := size<<30 | 0x38200800 | op.opc()<<22 | uint32(rm)<<16 | option<<13 | b2u(scaled)<<12 | uint32(rn)<<5 | uint32(rt)
	idx := reg(option&1 == 1, rm)
	ext := extendNames[option]
	if option == 3 {
		ext = "lsl"
	}
	var amt string
	switch {
	case scaled:
		amt = fmt.Sprintf(", %s #%d", ext, size)
	case option != 3:
		amt = ", " + ext
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, [%s, %s%s]", memMnemonic("ldr", op, size), reg(op.rtIs64(size), rt), baseName(rn), idx, amt)}
}

// Pair kinds (opc field).
const (
	PairW    = 0
	PairSW   = 1 // LDPSW, loads only
	PairX    = 2
	PairNT   = 0 // type field: no-allocate (LDNP/STNP), offset
	PairPost = 1
	PairOff  = 2
	PairPre  = 3
)

// LdStPair: LDP/STP/LDNP/STNP/LDPSW; imm7 in units of the element size.
func LdStPair(opc, typ uint32, load bool, rt, rt2, rn int, imm7 int32) Inst {
	w := opc<<30 | 0x28000000 | typ<<23 | b2u(load)<<22 | (uint32(imm7)&0x7f)<<15 | uint32(rt2)<<10 | uint32(rn)<<5 | uint32(rt)
	scale := int32(4)
	if opc == PairX {
		scale = 8
	}
	name := "stp"
	if load {
		name = "ldp"
	}
	if opc == PairSW {
		name = "ldpsw"
	}
	if typ == PairNT {
		name = name[:2] + "np"
	}
	sf := opc != PairW
	off := imm7 * scale
	switch typ {
	case PairPost:
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, [%s], #%d", name, reg(sf, rt), reg(sf, rt2), baseName(rn), off)}
	case PairPre:
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, [%s, #%d]!", name, reg(sf, rt), reg(sf, rt2), baseName(rn), off)}
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, [%s, #%d]", name, reg(sf, rt), reg(sf, rt2), baseName(rn), off)}
}

// LdrLiteral: LDR W (opc 0), LDR X (1), LDRSW (2) from PC+off (off multiple of 4).
func LdrLiteral(opc uint32, rt int, off int32) Inst {
	w := opc<<30 | 0x18000000 | (uint32(off>>2)&0x7ffff)<<5 | uint32(rt)
	names := [3]string{"ldr", "ldr", "ldrsw"}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, .%+d", names[opc], reg(opc != 0, rt), off)}
}

func sizeSuffix(size uint32) string { return [...]string{"b", "h", "", ""}[size] }

// Exclusive: LDXR/LDAXR (load, acquire), STXR/STLXR (store, release; rs is the status).
func Exclusive(size uint32, load, ordered bool, rs, rt, rn int) Inst {
	if load {
		rs = 31
	}
	w := size<<30 | 0x08000000 | b2u(load)<<22 | uint32(rs)<<16 | b2u(ordered)<<15 | 31<<10 | uint32(rn)<<5 | uint32(rt)
	var name string
	switch {
	case load && ordered:
		name = "ldaxr"
	case load:
		name = "ldxr"
	case ordered:
		name = "stlxr"
	default:
		name = "stxr"
	}
	name += sizeSuffix(size)
	if load {
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, [%s]", name, reg(size == 3, rt), baseName(rn))}
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, [%s]", name, wreg(rs), reg(size == 3, rt), baseName(rn))}
}

// ExclusivePair: LDXP/LDAXP/STXP/STLXP; size 2 (W) or 3 (X).
func ExclusivePair(size uint32, load, ordered bool, rs, rt, rt2, rn int) Inst {
	if load {
		rs = 31
	}
	w := size<<30 | 0x08200000 | b2u(load)<<22 | uint32(rs)<<16 | b2u(ordered)<<15 | uint32(rt2)<<10 | uint32(rn)<<5 | uint32(rt)
	var name string
	switch {
	case load && ordered:
		name = "ldaxp"
	case load:
		name = "ldxp"
	case ordered:
		name = "stlxp"
	default:
		name = "stxp"
	}
	sf := size == 3
	if load {
		return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, [%s]", name, reg(sf, rt), reg(sf, rt2), baseName(rn))}
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, [%s]", name, wreg(rs), reg(sf, rt), reg(sf, rt2), baseName(rn))}
}

// AcqRel: LDAR (load) / STLR.
func AcqRel(size uint32, load bool, rt, rn int) Inst {
	w := size<<30 | 0x08800000 | b2u(load)<<22 | 31<<16 | 1<<15 | 31<<10 | uint32(rn)<<5 | uint32(rt)
	name := "stlr"
	if load {
		name = "ldar"
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s%s %s, [%s]", name, sizeSuffix(size), reg(size == 3, rt), baseName(rn))}
}

func orderSuffix(acq, rel bool) string {
	switch {
	case acq && rel:
		return "al"
	case acq:
		return "a"
	case rel:
		return "l"
	}
	return ""
}

// LSE atomic memory operations (opc 0..7: ADD CLR EOR SET SMAX SMIN UMAX UMIN; 8: SWP).
const AtomicSWP = 8

var atomicNames = [9]string{"ldadd", "ldclr", "ldeor", "ldset", "ldsmax", "ldsmin", "ldumax", "ldumin", "swp"}

// Atomic: LDADD…LDUMIN / SWP with acquire/release variants.
func Atomic(size uint32, op uint32, acq, rel bool, rs, rt, rn int) Inst {
	o3, opc := uint32(0), op
	if op == AtomicSWP {
		o3, opc = 1, 0
	}
	w := size<<30 | 0x38200000 | b2u(acq)<<23 | b2u(rel)<<22 | uint32(rs)<<16 | o3<<15 | opc<<12 | uint32(rn)<<5 | uint32(rt)
	name := atomicNames[op] + orderSuffix(acq, rel) + sizeSuffix(size)
	sf := size == 3
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, [%s]", name, reg(sf, rs), reg(sf, rt), baseName(rn))}
}

// CAS: CAS/CASA/CASL/CASAL of size 0..3.
func CAS(size uint32, acq, rel bool, rs, rt, rn int) Inst {
	w := size<<30 | 0x08A07C00 | b2u(acq)<<22 | uint32(rs)<<16 | b2u(rel)<<15 | uint32(rn)<<5 | uint32(rt)
	name := "cas" + orderSuffix(acq, rel) + sizeSuffix(size)
	sf := size == 3
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, [%s]", name, reg(sf, rs), reg(sf, rt), baseName(rn))}
}

// CASP: CASP/CASPA/CASPL/CASPAL, sf selects X pairs; rs and rt even.
func CASP(sf, acq, rel bool, rs, rt, rn int) Inst {
	w := b2u(sf)<<30 | 0x08207C00 | b2u(acq)<<22 | uint32(rs)<<16 | b2u(rel)<<15 | uint32(rn)<<5 | uint32(rt)
	name := "casp" + orderSuffix(acq, rel)
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s, %s, [%s]", name, reg(sf, rs), reg(sf, rs+1), reg(sf, rt), reg(sf, rt+1), baseName(rn))}
}

// BCond: B.cond to PC+off.
func BCond(cond uint32, off int32) Inst {
	w := 0x54000000 | (uint32(off>>2)&0x7ffff)<<5 | cond
	return Inst{Word: w, Asm: fmt.Sprintf("b.%s .%+d", condNames[cond], off)}
}

// CompareBranch: CBZ / CBNZ.
func CompareBranch(sf, nonZero bool, rt int, off int32) Inst {
	w := b2u(sf)<<31 | 0x34000000 | b2u(nonZero)<<24 | (uint32(off>>2)&0x7ffff)<<5 | uint32(rt)
	name := "cbz"
	if nonZero {
		name = "cbnz"
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, .%+d", name, reg(sf, rt), off)}
}

// TestBranch: TBZ / TBNZ on bit 0..63.
func TestBranch(nonZero bool, rt int, bit uint32, off int32) Inst {
	w := (bit>>5)<<31 | 0x36000000 | b2u(nonZero)<<24 | (bit&31)<<19 | (uint32(off>>2)&0x3fff)<<5 | uint32(rt)
	name := "tbz"
	if nonZero {
		name = "tbnz"
	}
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, #%d, .%+d", name, reg(bit >= 32, rt), bit, off)}
}

// Branch: B to PC+off.
func Branch(off int32) Inst {
	return Inst{Word: 0x14000000 | uint32(off>>2)&0x3ffffff, Asm: fmt.Sprintf("b .%+d", off)}
}

// A few fixed system instructions.
var (
	Nop   = Inst{Word: 0xd503201f, Asm: "nop"}
	DmbSY = Inst{Word: 0xd5033fbf, Asm: "dmb sy"}
	DmbIS = Inst{Word: 0xd5033bbf, Asm: "dmb ish"}
	DsbSY = Inst{Word: 0xd5033f9f, Asm: "dsb sy"}
	Isb   = Inst{Word: 0xd5033fdf, Asm: "isb"}
	Clrex = Inst{Word: 0xd5033f5f, Asm: "clrex"}
	Ret   = Inst{Word: 0xd65f03c0, Asm: "ret"}
	Svc0  = Inst{Word: 0xd4000001, Asm: "svc #0"}
	Hvc0  = Inst{Word: 0xd4000002, Asm: "hvc #0"}
)

// MrsNZCV / MsrNZCV: read or write the flags.
func MrsNZCV(rt int) Inst {
	return Inst{Word: 0xd53b4200 | uint32(rt), Asm: fmt.Sprintf("mrs %s, nzcv", xreg(rt))}
}

func MsrNZCV(rt int) Inst {
	return Inst{Word: 0xd51b4200 | uint32(rt), Asm: fmt.Sprintf("msr nzcv, %s", xreg(rt))}
}

// Harness-only system registers (EL1).
func mrsEL1(rt int, crn, crm, op2 uint32, name string) Inst {
	return Inst{Word: 0xd5380000 | crn<<12 | crm<<8 | op2<<5 | uint32(rt), Asm: fmt.Sprintf("mrs %s, %s", xreg(rt), name)}
}

func msrVBAR(rt int) Inst {
	return Inst{Word: 0xd518c000 | uint32(rt), Asm: fmt.Sprintf("msr vbar_el1, %s", xreg(rt))}
}

// Bl: BL to PC+off.
func Bl(off int32) Inst {
	return Inst{Word: 0x94000000 | uint32(off>>2)&0x3ffffff, Asm: fmt.Sprintf("bl .%+d", off)}
}

// CRC32: CRC32{B,H,W,X} and CRC32C{B,H,W,X}; sz 0..3 (X takes a 64-bit Rm).
func CRC32(castagnoli bool, sz uint32, rd, rn, rm int) Inst {
	w := b2u(sz == 3)<<31 | 0x1AC04000 | uint32(rm)<<16 | b2u(castagnoli)<<12 | sz<<10 | uint32(rn)<<5 | uint32(rd)
	name := "crc32"
	if castagnoli {
		name += "c"
	}
	name += [4]string{"b", "h", "w", "x"}[sz]
	return Inst{Word: w, Asm: fmt.Sprintf("%s %s, %s, %s", name, wreg(rd), wreg(rn), reg(sz == 3, rm))}
}

// Prfm: PRFM <op>, [Xn, #imm] (unsigned offset, imm multiple of 8); a hint.
func Prfm(op uint32, rn int, imm12 uint32) Inst {
	w := 3<<30 | 0x39000000 | 2<<22 | imm12<<10 | uint32(rn)<<5 | op
	return Inst{Word: w, Asm: fmt.Sprintf("prfm #%d, [%s, #%d]", op, baseName(rn), imm12*8)}
}
