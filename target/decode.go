package target

import (
	"encoding/binary"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"math/bits"
)

// opcode is the executor's dispatch index. Names follow the A64 mnemonics.
type opcode uint8

const (
	opUndecoded opcode = iota // slot not decoded yet
	opUndef                   // UNDEFINED: raises EC 0
	// data processing, immediate
	opADR     // rd = imm (absolute, precomputed)
	opADDI64  // rd = rn + imm
	opADDI32  // rd = uint32(rn + imm)
	opSUBI64  // rd = rn - imm
	opSUBI32  // rd = uint32(rn - imm)
	opADDSI64 // flags
	opADDSI32
	opSUBSI64
	opSUBSI32
	opANDI // rd = rn & imm (masked by sf)
	opORRI
	opEORI
	opANDSI
	opMOVI // rd = imm (MOVZ/MOVN, precomputed)
	opMOVK // rd = rd&^imm2 | imm (masked by sf)
	opUBFM64
	opUBFM32
	opSBFM
	opBFM
	opEXTR
	// data processing, register
	opADDR // shifted register
	opSUBR
	opADDSR
	opSUBSR
	opADDX // extended register
	opSUBX
	opADDSX
	opSUBSX
	opAND // logical shifted register
	opBIC
	opORR
	opORN
	opEOR
	opEON
	opANDS
	opBICS
	opMOVR // ORR rd, zr, rm (no shift)
	opADC
	opADCS
	opSBC
	opSBCS
	opCCMN
	opCCMP
	opCSEL
	opCSINC
	opCSINV
	opCSNEG
	opUDIV
	opSDIV
	opLSLV
	opLSRV
	opASRV
	opRORV
	opRBIT
	opREV16
	opREV32
	opREV
	opCLZ
	opCLS
	opCRC32  // CRC32{B,H,W,X}: amt = log2 of the data size
	opCRC32C // CRC32C{B,H,W,X}
	opMADD
	opMSUB
	opSMADDL
	opSMSUBL
	opUMADDL
	opUMSUBL
	opSMULH
	opUMULH
	// loads and stores
	opLDRX   // ldr xt, [xn, #imm]
	opLDRW   // ldr wt, [xn, #imm]
	opSTRX   // str xt, [xn, #imm]
	opSTRW   // str wt, [xn, #imm]
	opLoad   // generic single load
	opStore  // generic single store
	opLDP    // pair load (incl. LDPSW via flags)
	opSTP    // pair store
	opLDXR   // load exclusive (LDXR/LDAXR)
	opSTXR   // store exclusive (STXR/STLXR); ra = status register
	opLDXP   // load exclusive pair
	opSTXP   // store exclusive pair
	opLDAR   // load-acquire
	opSTLR   // store-release
	opCAS    // compare and swap
	opCASP   // compare and swap pair
	opSWP    // swap
	opLDADD  // atomic add
	opLDCLR  // atomic bit clear
	opLDEOR  // atomic exclusive or
	opLDSET  // atomic bit set
	opLDSMAX // atomic signed max
	opLDSMIN
	opLDUMAX
	opLDUMIN
	// branches
	opB
	opBL
	opBcond
	opCBZ
	opCBNZ
	opTBZ
	opTBNZ
	opBR
	opBLR
	opRET
	// system
	opNOP // NOP, PRFM and other hints with no effect
	opYIELD
	opWFE
	opWFI
	opSEV
	opSEVL
	opCLREX
	opDSB
	opDMB
	opISB
	opMSRimm // PSTATE field write; imm = field selector, imm2 = CRm
	opMRS    // imm = system register key
	opMSR
	opSYS // cache and TLB maintenance: no effect with the MMU and caches off
	opDCZVA
	opSVC
	opHVC
	opSMC
	opBRK
	opERET
	opSUBSBcond // SUBS (64-bit immediate) fused with the B.cond after it: cond, imm2 = its condition, target (decodeAt)
	opStepTrap  // never decoded: fills the trap page used for single steps
	opCount
)

// opMask covers every opcode; inner's switch lists 0 and opMask (the last
// op, opStepTrap) so Go's jump table needs no bounds check. (A wider mask
// makes the switch too sparse for a jump table.)
const opMask opcode = 127

var _ [opMask + 1 - opCount]struct{} // compile-time check: opCount <= opMask+1
var _ [opStepTrap - opMask]struct{}  // and opStepTrap == opMask (opStepTrap <= opMask holds above)

// inst is one decoded instruction: fixed shape, no pointers.
type inst struct {
	imm  uint64 // immediate, absolute target, mask or offset
	imm2 uint64 // second immediate (mask, option)
	op   opcode
	rd   uint8 // destination or transfer register slot
	rn   uint8 // first source / base register slot
	rm   uint8 // second source / index register slot
	ra   uint8 // third source, Rt2, or status register slot
	sf   bool  // 64-bit operation
	cond uint8 // condition, shift type, extend option, or addressing mode
	amt  uint8 // shift amount, access size (log2), or bit number
	flg  uint8 // op-specific flags (sign extension, unprivileged, acquire)
}

// Addressing modes for generic loads and stores (inst.cond).
const (
	modeOffset uint8 = iota // [xn, #imm]
	modePre                 // [xn, #imm]!
	modePost                // [xn], #imm
	modeReg                 // [xn, xm, extend #amount]; imm = shift, imm2 = option
	modeLit                 // pc-relative literal; imm = absolute address
)

// Flags for loads (inst.flg).
const (
	flgSigned64 uint8 = 1 << iota // sign-extend into 64 bits
	flgSigned32                   // sign-extend into 32 bits (upper zero)
	flgUnpriv                     // LDTR/STTR family: an EL0 access
	flgPairSW                     // LDPSW
	flgImmCmp                     // CCMP/CCMN with immediate operand
)

// zr maps an Rn/Rm/Rt source where 31 means XZR.
func zr(r uint32) uint8 { return uint8(r & 31) }

// zrDst maps a destination where 31 means XZR.
func zrDst(r uint32) uint8 {
	r &= 31
	if r == 31 {
		return cpu.RegSink
	}
	return uint8(r)
}

// spReg maps a register where 31 means SP (source or destination).
func spReg(r uint32) uint8 {
	r &= 31
	if r == 31 {
		return cpu.RegSP
	}
	return uint8(r)
}

func sext(v uint64, width uint) uint64 {
	s := 64 - width
	return uint64(int64(v<<s) >> s)
}

func field(w uint32, hi, lo uint) uint32 { return (w >> lo) & (1<<(hi-lo+1) - 1) }

func undef() inst { return inst{op: opUndef} }

// decode turns one instruction word at address pc into its decoded form.
// Anything not implemented decodes to opUndef; decode never panics.
func decode(w uint32, pc uint64) inst {
	switch {
	case w>>26&0x7 == 0x4: // x100 xx: data processing immediate (bits 28:26 = 100)
		return decodeDPImm(w, pc)
	case w>>26&0x7 == 0x5: // 101x: branches, exceptions, system
		return decodeBranchSys(w, pc)
	case w>>25&0x5 == 0x4: // x1x0: loads and stores
		return decodeLoadStore(w, pc)
	case w>>25&0x7 == 0x5: // x101: data processing register
		return decodeDPReg(w)
	}
	return undef()
}

func decodeDPImm(w uint32, pc uint64) inst {
	sf := w>>31 == 1
	rd, rn := w&31, w>>5&31
	switch w >> 23 & 7 {
	case 0, 1: // ADR / ADRP
		imm := sext(uint64(w>>29&3|(w>>5&0x7ffff)<<2), 21)
		if w>>31 == 0 {
			return inst{op: opADR, rd: zrDst(rd), imm: pc + imm}
		}
		return inst{op: opADR, rd: zrDst(rd), imm: pc&^0xfff + imm<<12}
	case 2: // add/sub immediate
		imm := uint64(w >> 10 & 0xfff)
		if w>>22&1 == 1 {
			imm <<= 12
		}
		op, s := w>>30&1, w>>29&1
		in := inst{rn: spReg(rn), imm: imm, sf: sf}
		if s == 1 {
			in.rd = zrDst(rd)
			in.op = [2][2]opcode{{opADDSI32, opADDSI64}, {opSUBSI32, opSUBSI64}}[op][b2i(sf)]
		} else {
			in.rd = spReg(rd)
			in.op = [2][2]opcode{{opADDI32, opADDI64}, {opSUBI32, opSUBI64}}[op][b2i(sf)]
		}
		return in
	case 4: // logical immediate
		n := w >> 22 & 1
		if !sf && n == 1 {
			return undef()
		}
		wmask, _, ok := decodeBitMasks(n, w>>10&63, w>>16&63, true, sf)
		if !ok {
			return undef()
		}
		in := inst{rn: zr(rn), imm: wmask, sf: sf}
		switch w >> 29 & 3 {
		case 0:
			in.op, in.rd = opANDI, spReg(rd)
		case 1:
			in.op, in.rd = opORRI, spReg(rd)
		case 2:
			in.op, in.rd = opEORI, spReg(rd)
		case 3:
			in.op, in.rd = opANDSI, zrDst(rd)
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
			return inst{op: opMOVI, rd: zrDst(rd), imm: v, sf: sf}
		case 2: // MOVZ
			return inst{op: opMOVI, rd: zrDst(rd), imm: imm, sf: sf}
		case 3: // MOVK
			return inst{op: opMOVK, rd: zrDst(rd), rn: zr(rd), imm: imm, imm2: 0xffff << sh, sf: sf}
		}
		return undef()
	case 6: // bitfield
		n := w >> 22 & 1
		opc := w >> 29 & 3
		immr, imms := w>>16&63, w>>10&63
		if opc == 3 || (sf && n != 1) || (!sf && (n != 0 || immr >= 32 || imms >= 32)) {
			return undef()
		}
		wmask, tmask, ok := decodeBitMasks(n, imms, immr, false, sf)
		if !ok {
			return undef()
		}
		in := inst{rd: zrDst(rd), rn: zr(rn), rm: zr(rd), sf: sf, amt: uint8(immr), cond: uint8(imms), imm: wmask, imm2: tmask}
		switch opc {
		case 0:
			in.op = opSBFM
		case 1:
			in.op = opBFM
		case 2:
			in.op, in.imm = opUBFM32, wmask&tmask
			if sf {
				in.op = opUBFM64
			}
		}
		return in
	case 7: // extract
		n := w >> 22 & 1
		imms := w >> 10 & 63
		if w>>29&3 != 0 || w>>21&1 != 0 || (sf && n != 1) || (!sf && (n != 0 || imms >= 32)) {
			return undef()
		}
		return inst{op: opEXTR, rd: zrDst(rd), rn: zr(rn), rm: zr(w >> 16), amt: uint8(imms), sf: sf}
	}
	return undef()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ones(n uint) uint64 {
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
	return (v>>r | v<<(size-r)) & ones(size)
}

// decodeBitMasks is the Arm ARM DecodeBitMasks(): the wmask/tmask pair for
// logical immediates and bitfield moves, replicated to 64 or 32 bits.
func decodeBitMasks(n, imms, immr uint32, immediate, sf bool) (wmask, tmask uint64, ok bool) {
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
	welem := ror(ones(s+1), r, esize)
	telem := ones(d + 1)
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

func decodeBranchSys(w uint32, pc uint64) inst {
	switch {
	case w>>26&0x1f == 0x05: // B, BL
		target := pc + sext(uint64(w&0x3ffffff)<<2, 28)
		if w>>31 == 1 {
			return inst{op: opBL, imm: target}
		}
		return inst{op: opB, imm: target}
	case w>>24 == 0x54: // B.cond
		if w>>4&1 != 0 {
			return undef()
		}
		return inst{op: opBcond, cond: uint8(w & 15), imm: pc + sext(uint64(w>>5&0x7ffff)<<2, 21)}
	case w>>25&0x3f == 0x1a: // CBZ, CBNZ
		in := inst{rn: zr(w), sf: w>>31 == 1, imm: pc + sext(uint64(w>>5&0x7ffff)<<2, 21)}
		in.op = opCBZ
		if w>>24&1 == 1 {
			in.op = opCBNZ
		}
		return in
	case w>>25&0x3f == 0x1b: // TBZ, TBNZ
		in := inst{rn: zr(w), amt: uint8(w>>31<<5 | w>>19&31), imm: pc + sext(uint64(w>>5&0x3fff)<<2, 16)}
		in.op = opTBZ
		if w>>24&1 == 1 {
			in.op = opTBNZ
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
			return inst{op: opSVC, imm: imm}
		case opc == 0 && ll == 2:
			return inst{op: opHVC, imm: imm}
		case opc == 0 && ll == 3:
			return inst{op: opSMC, imm: imm}
		case opc == 1 && ll == 0:
			return inst{op: opBRK, imm: imm}
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
			return inst{op: opBR, rn: zr(rn)}
		case opc == 1 && op4 == 0:
			return inst{op: opBLR, rn: zr(rn)}
		case opc == 2 && op4 == 0:
			return inst{op: opRET, rn: zr(rn)}
		case opc == 4 && rn == 31 && op4 == 0:
			return inst{op: opERET}
		}
	}
	return undef()
}

// sysKey packs an MRS/MSR register encoding (op0, op1, CRn, CRm, op2).
func sysKey(op0, op1, crn, crm, op2 uint32) uint32 {
	return (op0&3)<<14 | (op1&7)<<11 | (crn&15)<<7 | (crm&15)<<3 | op2&7
}

func decodeSystem(w uint32) inst {
	l := w >> 21 & 1
	op0, op1, crn, crm, op2, rt := w>>19&3, w>>16&7, w>>12&15, w>>8&15, w>>5&7, w&31
	switch {
	case op0 == 0 && l == 0 && crn == 4: // MSR (immediate)
		if rt != 31 {
			return undef()
		}
		sel := op1<<3 | op2
		switch sel {
		case 0x05, 0x1e, 0x1f: // SPSel, DAIFSet, DAIFClr
			return inst{op: opMSRimm, imm: uint64(sel), imm2: uint64(crm)}
		}
		return undef()
	case op0 == 0 && l == 0 && crn == 2: // hints
		if rt != 31 {
			return undef()
		}
		switch crm<<3 | op2 {
		case 1:
			return inst{op: opYIELD}
		case 2:
			return inst{op: opWFE}
		case 3:
			return inst{op: opWFI}
		case 4:
			return inst{op: opSEV}
		case 5:
			return inst{op: opSEVL}
		}
		return inst{op: opNOP} // NOP and unallocated hints execute as NOP
	case op0 == 0 && l == 0 && crn == 3 && op1 == 3: // barriers
		if rt != 31 {
			return undef()
		}
		switch op2 {
		case 2:
			return inst{op: opCLREX}
		case 4:
			if crm == 0 { // SSBB is DSB #0 and is a hint-like barrier
				return inst{op: opDSB}
			}
			return inst{op: opDSB}
		case 5:
			return inst{op: opDMB}
		case 6:
			return inst{op: opISB}
		}
		return undef()
	case op0 == 1: // SYS / SYSL
		if l == 1 {
			return undef()
		}
		// DC ZVA: op1=3, CRn=7, CRm=4, op2=1
		if op1 == 3 && crn == 7 && crm == 4 && op2 == 1 {
			return inst{op: opDCZVA, rn: zr(rt)}
		}
		switch crn {
		case 7, 8: // DC/IC/AT, TLBI
			if crn == 7 && crm == 8 { // AT: address translation (needs PAR_EL1)
				return undef()
			}
			return inst{op: opSYS, imm: uint64(sysKey(op0, op1, crn, crm, op2)), amt: uint8(op1)}
		}
		return undef()
	case op0 >= 2: // MRS / MSR (register)
		key := uint64(sysKey(op0, op1, crn, crm, op2))
		if l == 1 {
			return mrsInst(zrDst(rt), uint32(key))
		}
		return inst{op: opMSR, rn: zr(rt), imm: key}
	}
	return undef()
}

func decodeLoadStore(w uint32, pc uint64) inst {
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
		target := pc + sext(uint64(w>>5&0x7ffff)<<2, 21)
		switch w >> 30 {
		case 0:
			return inst{op: opLoad, rd: zrDst(rt), cond: modeLit, imm: target, amt: 2}
		case 1:
			return inst{op: opLoad, rd: zrDst(rt), cond: modeLit, imm: target, amt: 3}
		case 2:
			return inst{op: opLoad, rd: zrDst(rt), cond: modeLit, imm: target, amt: 2, flg: flgSigned64}
		}
		return inst{op: opNOP} // PRFM (literal)
	case w>>27&7 == 5: // load/store pair
		mode := w >> 23 & 3
		l := w >> 22 & 1
		opc := w >> 30
		in := inst{rn: spReg(rn), ra: zr(w >> 10)}
		switch mode {
		case 0, 2:
			in.cond = modeOffset
		case 1:
			in.cond = modePost
		case 3:
			in.cond = modePre
		}
		switch {
		case opc == 0:
			in.amt = 2
		case opc == 2:
			in.amt = 3
		case opc == 1 && l == 1 && mode != 0:
			in.amt, in.flg = 2, flgPairSW
		default:
			return undef()
		}
		in.imm = sext(uint64(w>>15&0x7f), 7) << in.amt
		if l == 1 {
			in.op = opLDP
			in.rd, in.ra = zrDst(rt), zrDst(w>>10)
			if rt == w>>10&31 { // CONSTRAINED UNPREDICTABLE: we choose UNDEFINED
				return undef()
			}
		} else {
			in.op = opSTP
			in.rd = zr(rt)
		}
		if in.cond != modeOffset && rn != 31 && (rn == rt || rn == w>>10&31) && l == 1 {
			return undef() // writeback with overlapping load: we choose UNDEFINED
		}
		return in
	case w>>27&7 == 7: // load/store register
		if w>>24&1 == 0 && w>>21&1 == 1 && w>>10&3 == 0 {
			return decodeAtomic(w) // A and R overlap opc: decode before it
		}
		opc := w >> 22 & 3
		in := inst{rn: spReg(rn), amt: uint8(size)}
		var isLoad bool
		switch opc {
		case 0:
		case 1:
			isLoad = true
		case 2:
			if size == 3 { // PRFM
				if w>>24&1 == 1 || (w>>21&1 == 1 && w>>10&3 == 2) || (w>>21&1 == 0 && w>>10&3 == 0) {
					return inst{op: opNOP}
				}
				return undef()
			}
			isLoad, in.flg = true, flgSigned64
		case 3:
			if size >= 2 {
				return undef()
			}
			isLoad, in.flg = true, flgSigned32
		}
		if w>>24&1 == 1 { // unsigned offset
			in.cond = modeOffset
			in.imm = uint64(w>>10&0xfff) << size
		} else if w>>21&1 == 0 {
			in.imm = sext(uint64(w>>12&0x1ff), 9)
			switch w >> 10 & 3 {
			case 0:
				in.cond = modeOffset
			case 1:
				in.cond = modePost
			case 2:
				in.cond = modeOffset
				in.flg |= flgUnpriv
			case 3:
				in.cond = modePre
			}
		} else {
			switch w >> 10 & 3 {
			case 2: // register offset
				option := w >> 13 & 7
				if option&2 == 0 {
					return undef()
				}
				in.cond = modeReg
				in.rm = zr(w >> 16)
				in.imm2 = uint64(option)
				if w>>12&1 == 1 {
					in.imm = uint64(size)
				}
			case 0: // atomic memory operations
				return decodeAtomic(w)
			default:
				return undef()
			}
		}
		if isLoad {
			in.op = opLoad
			in.rd = zrDst(rt)
			if in.cond == modePre || in.cond == modePost {
				if rn == rt && rn != 31 { // CONSTRAINED UNPREDICTABLE: UNDEFINED
					return undef()
				}
			}
			if in.cond == modeOffset && in.flg == 0 {
				if size == 3 {
					in.op = opLDRX
				} else if size == 2 {
					in.op = opLDRW
				}
			}
		} else {
			in.op = opStore
			in.rd = zr(rt)
			if in.cond == modeOffset && in.flg == 0 {
				if size == 3 {
					in.op = opSTRX
				} else if size == 2 {
					in.op = opSTRW
				}
			}
		}
		return in
	}
	return undef()
}

func decodeExclusive(w uint32) inst {
	size := w >> 30
	o2, l, o1, o0 := w>>23&1, w>>22&1, w>>21&1, w>>15&1
	rs, rt2, rn, rt := w>>16&31, w>>10&31, w>>5&31, w&31
	base := spReg(rn)
	// The SBO fields (Rs of loads, Rt2 of single-register forms) are
	// ignored, as QEMU does.
	switch {
	case o2 == 0 && o1 == 0: // LDXR/LDAXR/STXR/STLXR
		if l == 1 {
			return inst{op: opLDXR, rd: zrDst(rt), rn: base, amt: uint8(size)}
		}
		if rs == rt || (rs == rn && rn != 31) { // CONSTRAINED UNPREDICTABLE: UNDEFINED
			return undef()
		}
		return inst{op: opSTXR, rd: zr(rt), rn: base, ra: zrDst(rs), amt: uint8(size)}
	case o2 == 0 && o1 == 1:
		if size >= 2 { // LDXP/STXP
			sz := uint8(size)
			if l == 1 {
				if rt == rt2 {
					return undef()
				}
				return inst{op: opLDXP, rd: zrDst(rt), ra: zrDst(rt2), rn: base, amt: sz}
			}
			if rs == rt || rs == rt2 || (rs == rn && rn != 31) {
				return undef()
			}
			return inst{op: opSTXP, rd: zr(rt), rm: zr(rt2), ra: zrDst(rs), rn: base, amt: sz}
		}
		// CASP: size 0 (32-bit pairs) or 1 (64-bit pairs); Rs and Rt even.
		if rt2 != 31 || rs&1 != 0 || rt&1 != 0 {
			return undef()
		}
		return inst{op: opCASP, rd: uint8(rt), ra: uint8(rs), rn: base, amt: uint8(size + 2)}
	case o2 == 1 && o1 == 0: // LDAR/STLR (LDLAR/STLLR: LOR, not in v8.0)
		if o0 == 0 {
			return undef()
		}
		if l == 1 {
			return inst{op: opLDAR, rd: zrDst(rt), rn: base, amt: uint8(size)}
		}
		return inst{op: opSTLR, rd: zr(rt), rn: base, amt: uint8(size)}
	default: // CAS family
		if rt2 != 31 {
			return undef()
		}
		return inst{op: opCAS, rd: zr(rt), ra: uint8(rs), rn: base, amt: uint8(size)}
	}
}

func decodeAtomic(w uint32) inst {
	size := w >> 30
	rs, o3, opc, rn, rt := w>>16&31, w>>15&1, w>>12&7, w>>5&31, w&31
	in := inst{rd: zrDst(rt), rm: zr(rs), rn: spReg(rn), amt: uint8(size)}
	if o3 == 1 {
		if opc == 0 {
			in.op = opSWP
			return in
		}
		return undef() // LDAPR and others: not in v8.0
	}
	in.op = [8]opcode{opLDADD, opLDCLR, opLDEOR, opLDSET, opLDSMAX, opLDSMIN, opLDUMAX, opLDUMIN}[opc]
	return in
}

func decodeDPReg(w uint32) inst {
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
			in := inst{rd: zrDst(rd), rn: zr(rn), rm: zr(rm), cond: shift, amt: uint8(imm6), sf: sf}
			in.op = [8]opcode{opAND, opBIC, opORR, opORN, opEOR, opEON, opANDS, opBICS}[opc]
			if in.op == opORR && rn == 31 && imm6 == 0 {
				in.op = opMOVR
			}
			return in
		}
		op, s := w>>30&1, w>>29&1
		if w>>21&1 == 0 { // add/sub (shifted register)
			if shift == 3 || (!sf && imm6 >= 32) {
				return undef()
			}
			in := inst{rd: zrDst(rd), rn: zr(rn), rm: zr(rm), cond: shift, amt: uint8(imm6), sf: sf}
			in.op = [2][2]opcode{{opADDR, opADDSR}, {opSUBR, opSUBSR}}[op][s]
			return in
		}
		// add/sub (extended register)
		imm3 := w >> 10 & 7
		if w>>22&3 != 0 || imm3 > 4 {
			return undef()
		}
		in := inst{rn: spReg(rn), rm: zr(rm), cond: uint8(w >> 13 & 7), amt: uint8(imm3), sf: sf}
		if s == 1 {
			in.rd = zrDst(rd)
		} else {
			in.rd = spReg(rd)
		}
		in.op = [2][2]opcode{{opADDX, opADDSX}, {opSUBX, opSUBSX}}[op][s]
		return in
	}
	switch op2 := w >> 21 & 15; {
	case op2 == 0: // add/sub with carry
		if w>>10&63 != 0 {
			return undef()
		}
		in := inst{rd: zrDst(rd), rn: zr(rn), rm: zr(rm), sf: sf}
		in.op = [4]opcode{opADC, opADCS, opSBC, opSBCS}[w>>29&3]
		return in
	case op2 == 2: // conditional compare
		if w>>29&1 != 1 || w>>10&1 != 0 || w>>4&1 != 0 {
			return undef()
		}
		in := inst{rn: zr(rn), rm: zr(rm), cond: uint8(w >> 12 & 15), amt: uint8(w & 15), sf: sf}
		if w>>11&1 == 1 {
			in.flg, in.imm = flgImmCmp, uint64(rm)
		}
		in.op = opCCMN
		if w>>30&1 == 1 {
			in.op = opCCMP
		}
		return in
	case op2 == 4: // conditional select
		if w>>29&1 != 0 || w>>11&1 != 0 {
			return undef()
		}
		in := inst{rd: zrDst(rd), rn: zr(rn), rm: zr(rm), cond: uint8(w >> 12 & 15), sf: sf}
		in.op = [4]opcode{opCSEL, opCSINC, opCSINV, opCSNEG}[w>>30&1<<1|w>>10&1]
		return in
	case op2 == 6:
		if w>>29&1 != 0 {
			return undef()
		}
		opcode6 := w >> 10 & 63
		in := inst{rd: zrDst(rd), rn: zr(rn), rm: zr(rm), sf: sf}
		if w>>30&1 == 0 { // 2-source
			switch opcode6 {
			case 2:
				in.op = opUDIV
			case 3:
				in.op = opSDIV
			case 8:
				in.op = opLSLV
			case 9:
				in.op = opLSRV
			case 10:
				in.op = opASRV
			case 11:
				in.op = opRORV
			case 16, 17, 18, 19, 20, 21, 22, 23: // CRC32{B,H,W,X}, CRC32C{B,H,W,X}
				sz := opcode6 & 3
				if sf != (sz == 3) {
					return undef()
				}
				in.op, in.amt = opCRC32, uint8(sz)
				if opcode6&4 != 0 {
					in.op = opCRC32C
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
			in.op = opRBIT
		case 1:
			in.op = opREV16
		case 2:
			in.op = opREV32
			if !sf {
				in.op = opREV
			}
		case 3:
			if !sf {
				return undef()
			}
			in.op = opREV
		case 4:
			in.op = opCLZ
		case 5:
			in.op = opCLS
		default:
			return undef()
		}
		return in
	case op2 >= 8: // 3-source
		if w>>29&3 != 0 {
			return undef()
		}
		op31, o0 := w>>21&7, w>>15&1
		in := inst{rd: zrDst(rd), rn: zr(rn), rm: zr(rm), ra: zr(w >> 10), sf: sf}
		switch {
		case op31 == 0 && o0 == 0:
			in.op = opMADD
		case op31 == 0 && o0 == 1:
			in.op = opMSUB
		case !sf:
			return undef()
		case op31 == 1 && o0 == 0:
			in.op = opSMADDL
		case op31 == 1 && o0 == 1:
			in.op = opSMSUBL
		case op31 == 2 && o0 == 0:
			in.op = opSMULH
		case op31 == 5 && o0 == 0:
			in.op = opUMADDL
		case op31 == 5 && o0 == 1:
			in.op = opUMSUBL
		case op31 == 6 && o0 == 0:
			in.op = opUMULH
		default:
			return undef()
		}
		return in
	}
	return undef()
}

// decodeAt decodes the instruction at pc (in RAM) for its page slot. A SUBS
// (64-bit immediate) followed by a B.cond in the same page becomes one
// opSUBSBcond, so a counted loop's last two instructions cost one dispatch;
// the B.cond keeps its own slot for code that branches to it, and
// invalidateRange forgets the SUBS when the B.cond's word changes.
func (m *Machine) decodeAt(pc uint64) inst {
	off := pc - RAMBase
	in := decode(binary.LittleEndian.Uint32(m.ram[off:]), pc)
	if in.op == opSUBSI64 && pc&(pageSize-1) != pageSize-4 {
		if b := decode(binary.LittleEndian.Uint32(m.ram[off+4:]), pc+4); b.op == opBcond {
			in.op, in.cond, in.imm2 = opSUBSBcond, b.cond, b.imm
		}
	}
	return in
}

// unfused is in without a fused B.cond (for running exactly one instruction).
func unfused(in inst) inst {
	if in.op == opSUBSBcond {
		in.op, in.cond, in.imm2 = opSUBSI64, 0, 0
	}
	return in
}
