package isa

import (
	"math/bits"
	"unsafe"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
)

// Op is the executor's dispatch index. Names follow the A64 mnemonics.
type Op uint8

const (
	OpUndecoded Op = iota // slot not decoded yet
	OpUndef               // UNDEFINED: raises EC 0
	// data processing, immediate
	OpADR     // rd = imm (absolute, precomputed)
	OpADDI64  // rd = rn + imm
	OpADDI32  // rd = uint32(rn + imm)
	OpSUBI64  // rd = rn - imm
	OpSUBI32  // rd = uint32(rn - imm)
	OpADDSI64 // flags
	OpADDSI32
	OpSUBSI64
	OpSUBSI32
	OpANDI // rd = rn & imm (masked by sf)
	OpORRI
	OpEORI
	OpANDSI
	OpMOVI // rd = imm (MOVZ/MOVN, precomputed)
	OpMOVK // rd = rd&^imm2 | imm (masked by sf)
	OpUBFM64
	OpUBFM32
	OpSBFM
	OpBFM
	OpEXTR
	// data processing, register
	OpADDR // shifted register
	OpSUBR
	OpADDSR
	OpSUBSR
	OpADDX // extended register
	OpSUBX
	OpADDSX
	OpSUBSX
	OpAND // logical shifted register
	OpBIC
	OpORR
	OpORN
	OpEOR
	OpEON
	OpANDS
	OpBICS
	OpMOVR // ORR rd, zr, rm (no shift)
	OpADC
	OpADCS
	OpSBC
	OpSBCS
	OpCCMN
	OpCCMP
	OpCSEL
	OpCSINC
	OpCSINV
	OpCSNEG
	OpUDIV
	OpSDIV
	OpLSLV
	OpLSRV
	OpASRV
	OpRORV
	OpRBIT
	OpREV16
	OpREV32
	OpREV
	OpCLZ
	OpCLS
	OpCRC32  // CRC32{B,H,W,X}: amt = log2 of the data size
	OpCRC32C // CRC32C{B,H,W,X}
	OpMADD
	OpMSUB
	OpSMADDL
	OpSMSUBL
	OpUMADDL
	OpUMSUBL
	OpSMULH
	OpUMULH
	// loads and stores
	OpLDRX   // ldr xt, [xn, #imm]
	OpLDRW   // ldr wt, [xn, #imm]
	OpSTRX   // str xt, [xn, #imm]
	OpSTRW   // str wt, [xn, #imm]
	OpLoad   // generic single load
	OpStore  // generic single store
	OpLDP    // pair load (incl. LDPSW via flags)
	OpSTP    // pair store
	OpLDXR   // load exclusive (LDXR/LDAXR)
	OpSTXR   // store exclusive (STXR/STLXR); ra = status register
	OpLDXP   // load exclusive pair
	OpSTXP   // store exclusive pair
	OpLDAR   // load-acquire
	OpSTLR   // store-release
	OpCAS    // compare and swap
	OpCASP   // compare and swap pair
	OpSWP    // swap
	OpLDADD  // atomic add
	OpLDCLR  // atomic bit clear
	OpLDEOR  // atomic exclusive or
	OpLDSET  // atomic bit set
	OpLDSMAX // atomic signed max
	OpLDSMIN
	OpLDUMAX
	OpLDUMIN
	// branches
	OpB
	OpBL
	OpBcond
	OpCBZ
	OpCBNZ
	OpTBZ
	OpTBNZ
	OpBR
	OpBLR
	OpRET
	// system
	OpNOP // NOP, PRFM and other hints with no effect
	OpYIELD
	OpWFE
	OpWFI
	OpSEV
	OpSEVL
	OpCLREX
	OpDSB
	OpDMB
	OpISB
	OpMSRimm // PSTATE field write; imm = field selector, imm2 = CRm
	OpMRS    // imm = system register key
	OpMSR
	OpSYS // cache and TLB maintenance: no effect with the MMU and caches off
	OpDCZVA
	OpSVC
	OpHVC
	OpSMC
	OpBRK
	OpERET
	OpSUBSBcond // SUBS (64-bit immediate) fused with the B.cond after it: Cond, Imm2 = its condition, target (DecodePair)
	OpStepTrap  // never decoded: fills the trap page used for single steps
	OpCount
)

// OpMask covers every Op; inner's switch lists 0 and OpMask (the last
// op, OpStepTrap) so Go's jump table needs no bounds check. (A wider mask
// makes the switch too sparse for a jump table.)
const OpMask Op = 127

var _ [OpMask + 1 - OpCount]struct{} // compile-time check: OpCount <= OpMask+1
var _ [OpStepTrap - OpMask]struct{}  // and OpStepTrap == OpMask (OpStepTrap <= OpMask holds above)

// Inst is one decoded instruction: fixed shape, no pointers.
type Inst struct {
	Imm  uint64 // immediate, absolute target, mask or offset
	Imm2 uint64 // second immediate (mask, option)
	Op   Op
	Rd   uint8 // destination or transfer register slot
	Rn   uint8 // first source / base register slot
	Rm   uint8 // second source / index register slot
	Ra   uint8 // third source, Rt2, or status register slot
	SF   bool  // 64-bit operation
	Cond uint8 // condition, shift type, extend option, or addressing mode
	Amt  uint8 // shift amount, access size (log2), or bit number
	Flg  uint8 // op-specific flags (sign extension, unprivileged, acquire)
	// Hop is a direct branch's target (a fused SUBS's B.cond's) as the
	// offset in bytes from this instruction's slot to the target's, when the
	// target is another slot of the same 4 KiB page; 0 when it is not (or is
	// this slot). The fast loop takes such a branch by adding it to its slot
	// pointer, without translating the target.
	Hop int32
}

// The PSTATE fields MSR (immediate) writes, as its op1:op2 (OpMSRimm's Imm).
const (
	PStateSPSel   = 0x05
	PStateDAIFSet = 0x1e
	PStateDAIFClr = 0x1f
)

// SlotBytes is the size of an Inst: one slot of a decoded page, the unit of
// Inst.Hop.
const SlotBytes = int(unsafe.Sizeof(Inst{}))

// Addressing modes for generic loads and stores (Inst.Cond).
const (
	ModeOffset uint8 = iota // [xn, #imm]
	ModePre                 // [xn, #imm]!
	ModePost                // [xn], #imm
	ModeReg                 // [xn, xm, extend #amount]; imm = shift, imm2 = option
	ModeLit                 // pc-relative literal; imm = absolute address
)

// Flags for loads (Inst.Flg).
const (
	FlgSigned64 uint8 = 1 << iota // sign-extend into 64 bits
	FlgSigned32                   // sign-extend into 32 bits (upper zero)
	FlgUnpriv                     // LDTR/STTR family: an EL0 access
	FlgPairSW                     // LDPSW
	FlgImmCmp                     // CCMP/CCMN with immediate operand
)

// zr maps an Rn/Rm/Rt source where 31 means XZR.
func zr(r uint32) uint8 { return uint8(r & 31) }

// zrDst maps a destination where 31 means XZR.
func zrDst(r uint32) uint8 {
	r &= 31
	if r == 31 {
		return cpu.SlotSink
	}
	return uint8(r)
}

// spReg maps a register where 31 means SP (source or destination).
func spReg(r uint32) uint8 {
	r &= 31
	if r == 31 {
		return cpu.SlotSP
	}
	return uint8(r)
}

func Sext(v uint64, width uint) uint64 {
	s := 64 - width
	return uint64(int64(v<<s) >> s)
}

func field(w uint32, hi, lo uint) uint32 { return (w >> lo) & (1<<(hi-lo+1) - 1) }

func undef() Inst { return Inst{Op: OpUndef} }

// Decode turns one instruction word at address pc into its decoded form.
// Anything not implemented decodes to OpUndef; Decode never panics.
func Decode(w uint32, pc uint64) Inst {
	switch {
	case w>>26&0x7 == 0x4: // x100 xx: data processing immediate (bits 28:26 = 100)
		return decodeDPImm(w, pc)
	case w>>26&0x7 == 0x5: // 101x: branches, exceptions, system
		in := decodeBranchSys(w, pc)
		if in.Op >= OpB && in.Op <= OpTBNZ {
			in.Hop = hop(pc, in.Imm)
		}
		return in
	case w>>25&0x5 == 0x4: // x1x0: loads and stores
		return decodeLoadStore(w, pc)
	case w>>25&0x7 == 0x5: // x101: data processing register
		return decodeDPReg(w)
	}
	return undef()
}

func decodeDPImm(w uint32, pc uint64) Inst {
	sf := w>>31 == 1
	rd, rn := w&31, w>>5&31
	switch w >> 23 & 7 {
	case 0, 1: // ADR / ADRP
		imm := Sext(uint64(w>>29&3|(w>>5&0x7ffff)<<2), 21)
		if w>>31 == 0 {
			return Inst{Op: OpADR, Rd: zrDst(rd), Imm: pc + imm}
		}
		return Inst{Op: OpADR, Rd: zrDst(rd), Imm: pc&^0xfff + imm<<12}
	case 2: // add/sub immediate
		imm := uint64(w >> 10 & 0xfff)
		if w>>22&1 == 1 {
			imm <<= 12
		}
		op, s := w>>30&1, w>>29&1
		in := Inst{Rn: spReg(rn), Imm: imm, SF: sf}
		if s == 1 {
			in.Rd = zrDst(rd)
			in.Op = [2][2]Op{{OpADDSI32, OpADDSI64}, {OpSUBSI32, OpSUBSI64}}[op][b2i(sf)]
		} else {
			in.Rd = spReg(rd)
			in.Op = [2][2]Op{{OpADDI32, OpADDI64}, {OpSUBI32, OpSUBI64}}[op][b2i(sf)]
		}
		return in
	case 4: // logical immediate
		n := w >> 22 & 1
		if !sf && n == 1 {
			return undef()
		}
		wmask, _, ok := DecodeBitMasks(n, w>>10&63, w>>16&63, true, sf)
		if !ok {
			return undef()
		}
		in := Inst{Rn: zr(rn), Imm: wmask, SF: sf}
		switch w >> 29 & 3 {
		case 0:
			in.Op, in.Rd = OpANDI, spReg(rd)
		case 1:
			in.Op, in.Rd = OpORRI, spReg(rd)
		case 2:
			in.Op, in.Rd = OpEORI, spReg(rd)
		case 3:
			in.Op, in.Rd = OpANDSI, zrDst(rd)
		}
		return in
	case 5: // move wide
		hw := w >> 21 & 3
		if !sf && hw >= 2 {
			return undef()
		}
		sh := hw * 16
		imm := uint64(w>>5&0xffff) << sh
		switch w >> 29 & 3 {
		case 0: // MOVN
			v := ^imm
			if !sf {
				v &= 0xffffffff
			}
			return Inst{Op: OpMOVI, Rd: zrDst(rd), Imm: v, SF: sf}
		case 2: // MOVZ
			return Inst{Op: OpMOVI, Rd: zrDst(rd), Imm: imm, SF: sf}
		case 3: // MOVK
			return Inst{Op: OpMOVK, Rd: zrDst(rd), Rn: zr(rd), Imm: imm, Imm2: 0xffff << sh, SF: sf}
		}
		return undef()
	case 6: // BitField
		n := w >> 22 & 1
		opc := w >> 29 & 3
		immr, imms := w>>16&63, w>>10&63
		if opc == 3 || (sf && n != 1) || (!sf && (n != 0 || immr >= 32 || imms >= 32)) {
			return undef()
		}
		wmask, tmask, ok := DecodeBitMasks(n, imms, immr, false, sf)
		if !ok {
			return undef()
		}
		in := Inst{Rd: zrDst(rd), Rn: zr(rn), Rm: zr(rd), SF: sf, Amt: uint8(immr), Cond: uint8(imms), Imm: wmask, Imm2: tmask}
		switch opc {
		case 0:
			in.Op = OpSBFM
		case 1:
			in.Op = OpBFM
		case 2:
			in.Op, in.Imm = OpUBFM32, wmask&tmask
			if sf {
				in.Op = OpUBFM64
			}
		}
		return in
	case 7: // extract
		n := w >> 22 & 1
		imms := w >> 10 & 63
		if w>>29&3 != 0 || w>>21&1 != 0 || (sf && n != 1) || (!sf && (n != 0 || imms >= 32)) {
			return undef()
		}
		return Inst{Op: OpEXTR, Rd: zrDst(rd), Rn: zr(rn), Rm: zr(w >> 16), Amt: uint8(imms), SF: sf}
	}
	return undef()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func Ones(n uint) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func ror(v uint64, r, size uint) uint64 {
	r %= size
	if r == 0 {
		return v
	}
	return (v>>r | v<<(size-r)) & Ones(size)
}

// DecodeBitMasks is the Arm ARM DecodeBitMasks(): the wmask/tmask pair for
// logical immediates and BitField moves, replicated to 64 or 32 bits.
func DecodeBitMasks(n, imms, immr uint32, immediate, sf bool) (wmask, tmask uint64, ok bool) {
	v := n<<6 | (^imms & 63)
	if v == 0 {
		return 0, 0, false
	}
	length := uint(bits.Len32(v) - 1)
	if length < 1 && immediate {
		return 0, 0, false
	}
	if length < 1 {
		return 0, 0, false
	}
	levels := uint32(1)<<length - 1
	if immediate && imms&levels == levels {
		return 0, 0, false
	}
	s, r := uint(imms&levels), uint(immr&levels)
	d := (s - r) & uint(levels)
	esize := uint(1) << length
	welem := ror(Ones(s+1), r, esize)
	telem := Ones(d + 1)
	size := uint(64)
	if !sf {
		size = 32
	}
	for i := uint(0); i < size; i += esize {
		wmask |= welem << i
		tmask |= telem << i
	}
	return wmask, tmask, true
}

func decodeBranchSys(w uint32, pc uint64) Inst {
	switch {
	case w>>26&0x1f == 0x05: // B, BL
		target := pc + Sext(uint64(w&0x3ffffff)<<2, 28)
		if w>>31 == 1 {
			return Inst{Op: OpBL, Imm: target}
		}
		return Inst{Op: OpB, Imm: target}
	case w>>24 == 0x54: // B.cond
		if w>>4&1 != 0 {
			return undef()
		}
		return Inst{Op: OpBcond, Cond: uint8(w & 15), Imm: pc + Sext(uint64(w>>5&0x7ffff)<<2, 21)}
	case w>>25&0x3f == 0x1a: // CBZ, CBNZ
		in := Inst{Rn: zr(w), SF: w>>31 == 1, Imm: pc + Sext(uint64(w>>5&0x7ffff)<<2, 21)}
		in.Op = OpCBZ
		if w>>24&1 == 1 {
			in.Op = OpCBNZ
		}
		return in
	case w>>25&0x3f == 0x1b: // TBZ, TBNZ
		in := Inst{Rn: zr(w), Amt: uint8(w>>31<<5 | w>>19&31), Imm: pc + Sext(uint64(w>>5&0x3fff)<<2, 16)}
		in.Op = OpTBZ
		if w>>24&1 == 1 {
			in.Op = OpTBNZ
		}
		return in
	case w>>24 == 0xd4: // exception generation
		opc, op2, ll := w>>21&7, w>>2&7, w&3
		imm := uint64(w >> 5 & 0xffff)
		if op2 != 0 {
			return undef()
		}
		switch {
		case opc == 0 && ll == 1:
			return Inst{Op: OpSVC, Imm: imm}
		case opc == 0 && ll == 2:
			return Inst{Op: OpHVC, Imm: imm}
		case opc == 0 && ll == 3:
			return Inst{Op: OpSMC, Imm: imm}
		case opc == 1 && ll == 0:
			return Inst{Op: OpBRK, Imm: imm}
		}
		return undef() // HLT (halting debug disabled), DCPS: UNDEFINED here
	case w>>22 == 0x354: // system
		return decodeSystem(w)
	case w>>25 == 0x6b: // unconditional branch (register)
		opc, op2, op3, rn, op4 := w>>21&15, w>>16&31, w>>10&63, w>>5&31, w&31
		if op2 != 31 || op3 != 0 {
			return undef()
		}
		switch {
		case opc == 0 && op4 == 0:
			return Inst{Op: OpBR, Rn: zr(rn)}
		case opc == 1 && op4 == 0:
			return Inst{Op: OpBLR, Rn: zr(rn)}
		case opc == 2 && op4 == 0:
			return Inst{Op: OpRET, Rn: zr(rn)}
		case opc == 4 && rn == 31 && op4 == 0:
			return Inst{Op: OpERET}
		}
	}
	return undef()
}

func decodeSystem(w uint32) Inst {
	l := w >> 21 & 1
	op0, op1, crn, crm, op2, rt := w>>19&3, w>>16&7, w>>12&15, w>>8&15, w>>5&7, w&31
	switch {
	case op0 == 0 && l == 0 && crn == 4: // MSR (immediate)
		if rt != 31 {
			return undef()
		}
		sel := uint64(op1<<3 | op2)
		switch sel {
		case PStateSPSel, PStateDAIFSet, PStateDAIFClr:
			return Inst{Op: OpMSRimm, Imm: sel, Imm2: uint64(crm)}
		}
		return undef()
	case op0 == 0 && l == 0 && crn == 2: // hints
		if rt != 31 {
			return undef()
		}
		switch crm<<3 | op2 {
		case 1:
			return Inst{Op: OpYIELD}
		case 2:
			return Inst{Op: OpWFE}
		case 3:
			return Inst{Op: OpWFI}
		case 4:
			return Inst{Op: OpSEV}
		case 5:
			return Inst{Op: OpSEVL}
		}
		return Inst{Op: OpNOP} // NOP and unallocated hints execute as NOP
	case op0 == 0 && l == 0 && crn == 3 && op1 == 3: // barriers
		if rt != 31 {
			return undef()
		}
		switch op2 {
		case 2:
			return Inst{Op: OpCLREX}
		case 4:
			if crm == 0 { // SSBB is DSB #0 and is a hint-like barrier
				return Inst{Op: OpDSB}
			}
			return Inst{Op: OpDSB}
		case 5:
			return Inst{Op: OpDMB}
		case 6:
			return Inst{Op: OpISB}
		}
		return undef()
	case op0 == 1: // SYS / SYSL
		if l == 1 {
			return undef()
		}
		// DC ZVA: op1=3, CRn=7, CRm=4, op2=1
		if op1 == 3 && crn == 7 && crm == 4 && op2 == 1 {
			return Inst{Op: OpDCZVA, Rn: zr(rt)}
		}
		switch crn {
		case 7, 8: // DC/IC/AT, TLBI
			if crn == 7 && crm == 8 && (op1 != 0 || op2 > 3) { // AT: only S1E1R/W, S1E0R/W (no EL2)
				return undef()
			}
			return Inst{Op: OpSYS, Rn: zr(rt), Imm: uint64(cpu.SysKey(op0, op1, crn, crm, op2)), Amt: uint8(op1)}
		}
		return undef()
	case op0 >= 2: // MRS / MSR (register)
		key := uint64(cpu.SysKey(op0, op1, crn, crm, op2))
		if l == 1 {
			return mrsInst(zrDst(rt), uint32(key))
		}
		return msrInst(zr(rt), uint32(key))
	}
	return undef()
}

func decodeLoadStore(w uint32, pc uint64) Inst {
	size := w >> 30
	v := w >> 26 & 1
	if v == 1 { // SIMD&FP loads and stores
		return undef()
	}
	rt, rn := w&31, w>>5&31
	switch {
	case w>>24&0x3f == 0x08: // load/store exclusive, ordered, CAS
		return decodeExclusive(w)
	case w>>24&0x3b == 0x18: // load literal (bits 29:27=011, 25:24=00)
		target := pc + Sext(uint64(w>>5&0x7ffff)<<2, 21)
		switch w >> 30 {
		case 0:
			return Inst{Op: OpLoad, Rd: zrDst(rt), Cond: ModeLit, Imm: target, Amt: 2}
		case 1:
			return Inst{Op: OpLoad, Rd: zrDst(rt), Cond: ModeLit, Imm: target, Amt: 3}
		case 2:
			return Inst{Op: OpLoad, Rd: zrDst(rt), Cond: ModeLit, Imm: target, Amt: 2, Flg: FlgSigned64}
		}
		return Inst{Op: OpNOP} // PRFM (literal)
	case w>>27&7 == 5: // load/store pair
		mode := w >> 23 & 3
		l := w >> 22 & 1
		opc := w >> 30
		in := Inst{Rn: spReg(rn), Ra: zr(w >> 10)}
		switch mode {
		case 0, 2:
			in.Cond = ModeOffset
		case 1:
			in.Cond = ModePost
		case 3:
			in.Cond = ModePre
		}
		switch {
		case opc == 0:
			in.Amt = 2
		case opc == 2:
			in.Amt = 3
		case opc == 1 && l == 1 && mode != 0:
			in.Amt, in.Flg = 2, FlgPairSW
		default:
			return undef()
		}
		in.Imm = Sext(uint64(w>>15&0x7f), 7) << in.Amt
		if l == 1 {
			in.Op = OpLDP
			in.Rd, in.Ra = zrDst(rt), zrDst(w>>10)
			if rt == w>>10&31 { // CONSTRAINED UNPREDICTABLE: we choose UNDEFINED
				return undef()
			}
		} else {
			in.Op = OpSTP
			in.Rd = zr(rt)
		}
		if in.Cond != ModeOffset && rn != 31 && (rn == rt || rn == w>>10&31) && l == 1 {
			return undef() // writeback with overlapping load: we choose UNDEFINED
		}
		return in
	case w>>27&7 == 7: // load/store register
		if w>>24&1 == 0 && w>>21&1 == 1 && w>>10&3 == 0 {
			return decodeAtomic(w) // A and R overlap opc: decode before it
		}
		opc := w >> 22 & 3
		in := Inst{Rn: spReg(rn), Amt: uint8(size)}
		var isLoad bool
		switch opc {
		case 0:
		case 1:
			isLoad = true
		case 2:
			if size == 3 { // PRFM
				if w>>24&1 == 1 || (w>>21&1 == 1 && w>>10&3 == 2) || (w>>21&1 == 0 && w>>10&3 == 0) {
					return Inst{Op: OpNOP}
				}
				return undef()
			}
			isLoad, in.Flg = true, FlgSigned64
		case 3:
			if size >= 2 {
				return undef()
			}
			isLoad, in.Flg = true, FlgSigned32
		}
		if w>>24&1 == 1 { // unsigned offset
			in.Cond = ModeOffset
			in.Imm = uint64(w>>10&0xfff) << size
		} else if w>>21&1 == 0 {
			in.Imm = Sext(uint64(w>>12&0x1ff), 9)
			switch w >> 10 & 3 {
			case 0:
				in.Cond = ModeOffset
			case 1:
				in.Cond = ModePost
			case 2:
				in.Cond = ModeOffset
				in.Flg |= FlgUnpriv
			case 3:
				in.Cond = ModePre
			}
		} else {
			switch w >> 10 & 3 {
			case 2: // register offset
				option := w >> 13 & 7
				if option&2 == 0 {
					return undef()
				}
				in.Cond = ModeReg
				in.Rm = zr(w >> 16)
				in.Imm2 = uint64(option)
				if w>>12&1 == 1 {
					in.Imm = uint64(size)
				}
			case 0: // atomic memory operations
				return decodeAtomic(w)
			default:
				return undef()
			}
		}
		if isLoad {
			in.Op = OpLoad
			in.Rd = zrDst(rt)
			if in.Cond == ModePre || in.Cond == ModePost {
				if rn == rt && rn != 31 { // CONSTRAINED UNPREDICTABLE: UNDEFINED
					return undef()
				}
			}
			if in.Cond == ModeOffset && in.Flg == 0 {
				if size == 3 {
					in.Op = OpLDRX
				} else if size == 2 {
					in.Op = OpLDRW
				}
			}
		} else {
			in.Op = OpStore
			in.Rd = zr(rt)
			if in.Cond == ModeOffset && in.Flg == 0 {
				if size == 3 {
					in.Op = OpSTRX
				} else if size == 2 {
					in.Op = OpSTRW
				}
			}
		}
		return in
	}
	return undef()
}

func decodeExclusive(w uint32) Inst {
	size := w >> 30
	o2, l, o1, o0 := w>>23&1, w>>22&1, w>>21&1, w>>15&1
	rs, rt2, rn, rt := w>>16&31, w>>10&31, w>>5&31, w&31
	base := spReg(rn)
	// The SBO fields (Rs of loads, Rt2 of single-register forms) are
	// ignored, as QEMU does.
	switch {
	case o2 == 0 && o1 == 0: // LDXR/LDAXR/STXR/STLXR
		if l == 1 {
			return Inst{Op: OpLDXR, Rd: zrDst(rt), Rn: base, Amt: uint8(size)}
		}
		if rs == rt || (rs == rn && rn != 31) { // CONSTRAINED UNPREDICTABLE: UNDEFINED
			return undef()
		}
		return Inst{Op: OpSTXR, Rd: zr(rt), Rn: base, Ra: zrDst(rs), Amt: uint8(size)}
	case o2 == 0 && o1 == 1:
		if size >= 2 { // LDXP/STXP
			sz := uint8(size)
			if l == 1 {
				if rt == rt2 {
					return undef()
				}
				return Inst{Op: OpLDXP, Rd: zrDst(rt), Ra: zrDst(rt2), Rn: base, Amt: sz}
			}
			if rs == rt || rs == rt2 || (rs == rn && rn != 31) {
				return undef()
			}
			return Inst{Op: OpSTXP, Rd: zr(rt), Rm: zr(rt2), Ra: zrDst(rs), Rn: base, Amt: sz}
		}
		// CASP: size 0 (32-bit pairs) or 1 (64-bit pairs); Rs and Rt even.
		if rt2 != 31 || rs&1 != 0 || rt&1 != 0 {
			return undef()
		}
		return Inst{Op: OpCASP, Rd: uint8(rt), Ra: uint8(rs), Rn: base, Amt: uint8(size + 2)}
	case o2 == 1 && o1 == 0: // LDAR/STLR (LDLAR/STLLR: LOR, not in v8.0)
		if o0 == 0 {
			return undef()
		}
		if l == 1 {
			return Inst{Op: OpLDAR, Rd: zrDst(rt), Rn: base, Amt: uint8(size)}
		}
		return Inst{Op: OpSTLR, Rd: zr(rt), Rn: base, Amt: uint8(size)}
	default: // CAS family
		if rt2 != 31 {
			return undef()
		}
		return Inst{Op: OpCAS, Rd: zr(rt), Ra: uint8(rs), Rn: base, Amt: uint8(size)}
	}
}

func decodeAtomic(w uint32) Inst {
	size := w >> 30
	rs, o3, opc, rn, rt := w>>16&31, w>>15&1, w>>12&7, w>>5&31, w&31
	in := Inst{Rd: zrDst(rt), Rm: zr(rs), Rn: spReg(rn), Amt: uint8(size)}
	if o3 == 1 {
		if opc == 0 {
			in.Op = OpSWP
			return in
		}
		return undef() // LDAPR and others: not in v8.0
	}
	in.Op = [8]Op{OpLDADD, OpLDCLR, OpLDEOR, OpLDSET, OpLDSMAX, OpLDSMIN, OpLDUMAX, OpLDUMIN}[opc]
	return in
}

func decodeDPReg(w uint32) Inst {
	sf := w>>31 == 1
	rd, rn, rm := w&31, w>>5&31, w>>16&31
	if w>>28&1 == 0 {
		shift := uint8(w >> 22 & 3)
		imm6 := w >> 10 & 63
		if w>>24&1 == 0 { // logical (shifted register)
			if !sf && imm6 >= 32 {
				return undef()
			}
			opc := w>>29&3<<1 | w>>21&1
			in := Inst{Rd: zrDst(rd), Rn: zr(rn), Rm: zr(rm), Cond: shift, Amt: uint8(imm6), SF: sf}
			in.Op = [8]Op{OpAND, OpBIC, OpORR, OpORN, OpEOR, OpEON, OpANDS, OpBICS}[opc]
			if in.Op == OpORR && rn == 31 && imm6 == 0 {
				in.Op = OpMOVR
			}
			return in
		}
		op, s := w>>30&1, w>>29&1
		if w>>21&1 == 0 { // add/sub (shifted register)
			if shift == 3 || (!sf && imm6 >= 32) {
				return undef()
			}
			in := Inst{Rd: zrDst(rd), Rn: zr(rn), Rm: zr(rm), Cond: shift, Amt: uint8(imm6), SF: sf}
			in.Op = [2][2]Op{{OpADDR, OpADDSR}, {OpSUBR, OpSUBSR}}[op][s]
			return in
		}
		// add/sub (extended register)
		imm3 := w >> 10 & 7
		if w>>22&3 != 0 || imm3 > 4 {
			return undef()
		}
		in := Inst{Rn: spReg(rn), Rm: zr(rm), Cond: uint8(w >> 13 & 7), Amt: uint8(imm3), SF: sf}
		if s == 1 {
			in.Rd = zrDst(rd)
		} else {
			in.Rd = spReg(rd)
		}
		in.Op = [2][2]Op{{OpADDX, OpADDSX}, {OpSUBX, OpSUBSX}}[op][s]
		return in
	}
	switch op2 := w >> 21 & 15; {
	case op2 == 0: // add/sub with carry
		if w>>10&63 != 0 {
			return undef()
		}
		in := Inst{Rd: zrDst(rd), Rn: zr(rn), Rm: zr(rm), SF: sf}
		in.Op = [4]Op{OpADC, OpADCS, OpSBC, OpSBCS}[w>>29&3]
		return in
	case op2 == 2: // conditional compare
		if w>>29&1 != 1 || w>>10&1 != 0 || w>>4&1 != 0 {
			return undef()
		}
		in := Inst{Rn: zr(rn), Rm: zr(rm), Cond: uint8(w >> 12 & 15), Amt: uint8(w & 15), SF: sf}
		if w>>11&1 == 1 {
			in.Flg, in.Imm = FlgImmCmp, uint64(rm)
		}
		in.Op = OpCCMN
		if w>>30&1 == 1 {
			in.Op = OpCCMP
		}
		return in
	case op2 == 4: // conditional select
		if w>>29&1 != 0 || w>>11&1 != 0 {
			return undef()
		}
		in := Inst{Rd: zrDst(rd), Rn: zr(rn), Rm: zr(rm), Cond: uint8(w >> 12 & 15), SF: sf}
		in.Op = [4]Op{OpCSEL, OpCSINC, OpCSINV, OpCSNEG}[w>>30&1<<1|w>>10&1]
		return in
	case op2 == 6:
		if w>>29&1 != 0 {
			return undef()
		}
		opcode6 := w >> 10 & 63
		in := Inst{Rd: zrDst(rd), Rn: zr(rn), Rm: zr(rm), SF: sf}
		if w>>30&1 == 0 { // 2-source
			switch opcode6 {
			case 2:
				in.Op = OpUDIV
			case 3:
				in.Op = OpSDIV
			case 8:
				in.Op = OpLSLV
			case 9:
				in.Op = OpLSRV
			case 10:
				in.Op = OpASRV
			case 11:
				in.Op = OpRORV
			case 16, 17, 18, 19, 20, 21, 22, 23: // CRC32{B,H,W,X}, CRC32C{B,H,W,X}
				sz := opcode6 & 3
				if sf != (sz == 3) {
					return undef()
				}
				in.Op, in.Amt = OpCRC32, uint8(sz)
				if opcode6&4 != 0 {
					in.Op = OpCRC32C
				}
			default:
				return undef()
			}
			return in
		}
		if rm != 0 { // 1-source
			return undef()
		}
		switch opcode6 {
		case 0:
			in.Op = OpRBIT
		case 1:
			in.Op = OpREV16
		case 2:
			in.Op = OpREV32
			if !sf {
				in.Op = OpREV
			}
		case 3:
			if !sf {
				return undef()
			}
			in.Op = OpREV
		case 4:
			in.Op = OpCLZ
		case 5:
			in.Op = OpCLS
		default:
			return undef()
		}
		return in
	case op2 >= 8: // 3-source
		if w>>29&3 != 0 {
			return undef()
		}
		op31, o0 := w>>21&7, w>>15&1
		in := Inst{Rd: zrDst(rd), Rn: zr(rn), Rm: zr(rm), Ra: zr(w >> 10), SF: sf}
		switch {
		case op31 == 0 && o0 == 0:
			in.Op = OpMADD
		case op31 == 0 && o0 == 1:
			in.Op = OpMSUB
		case !sf:
			return undef()
		case op31 == 1 && o0 == 0:
			in.Op = OpSMADDL
		case op31 == 1 && o0 == 1:
			in.Op = OpSMSUBL
		case op31 == 2 && o0 == 0:
			in.Op = OpSMULH
		case op31 == 5 && o0 == 0:
			in.Op = OpUMADDL
		case op31 == 5 && o0 == 1:
			in.Op = OpUMSUBL
		case op31 == 6 && o0 == 0:
			in.Op = OpUMULH
		default:
			return undef()
		}
		return in
	}
	return undef()
}

// DecodePair decodes the word w at pc for its page slot; next is the word
// after it, if hasNext (it is in the same page). A SUBS (64-bit immediate)
// followed by a B.cond becomes one OpSUBSBcond, so a counted loop's last two
// instructions cost one dispatch; the B.cond keeps its own slot for code that
// branches to it, and whoever caches decoded slots must forget the SUBS when
// the B.cond's word changes.
func DecodePair(w, next uint32, hasNext bool, pc uint64) Inst {
	in := Decode(w, pc)
	if in.Op == OpSUBSI64 && hasNext {
		if b := Decode(next, pc+4); b.Op == OpBcond {
			in.Op, in.Cond, in.Imm2, in.Hop = OpSUBSBcond, b.Cond, b.Imm, hop(pc, b.Imm)
		}
	}
	return in
}

// hop is Inst.Hop for a branch at pc to target.
func hop(pc, target uint64) int32 {
	const page = 4096
	if pc&^(page-1) != target&^(page-1) {
		return 0
	}
	return int32(int64(target-pc) / 4 * int64(SlotBytes))
}

// Unfused is in without a fused B.cond (for running exactly one instruction).
func Unfused(in Inst) Inst {
	if in.Op == OpSUBSBcond {
		in.Op, in.Cond, in.Imm2, in.Hop = OpSUBSI64, 0, 0, 0
	}
	return in
}

// IsBranch reports whether op is a branch (a fused SUBS+B.cond is not: its
// B.cond's own slot is).
func IsBranch(op Op) bool { return op >= OpB && op <= OpRET }

// AlwaysBranches reports whether op is a branch that is always taken.
func AlwaysBranches(op Op) bool {
	return op == OpB || op == OpBL || op == OpBR || op == OpBLR || op == OpRET
}
