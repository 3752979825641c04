package isa

import (
	"encoding/binary"
	"hash/crc32"
	"math/bits"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CRC32 is the A64 CRC32/CRC32C: the CRC of the low 1<<lg bytes of data
// with acc as the running value (no initial or final inversion).
func CRC32(castag bool, acc uint32, data uint64, lg uint8) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], data)
	tab := crc32.IEEETable
	if castag {
		tab = castagnoli
	}
	return uint64(^crc32.Update(^acc, tab, b[:1<<lg]))
}

// CondHolds[cond] has bit nzcv set when the condition passes for those flags.
var CondHolds = func() (t [16]uint16) {
	for f := 0; f < 16; f++ {
		n, z, c, v := f>>3&1 == 1, f>>2&1 == 1, f>>1&1 == 1, f&1 == 1
		res := [8]bool{z, c, n, v, c && !z, n == v, !z && n == v, true}
		for cond := 0; cond < 16; cond++ {
			r := res[cond>>1]
			if cond&1 == 1 && cond != 15 {
				r = !r
			}
			if r {
				t[cond] |= 1 << f
			}
		}
	}
	return t
}()

func B2U(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func NZCV64(res uint64, c, v uint64) uint64 {
	return res>>63<<31 | B2U(res == 0)<<30 | c<<29 | v<<28
}

func NZCV32(res uint32, c, v uint64) uint64 {
	return uint64(res>>31)<<31 | B2U(res == 0)<<30 | c<<29 | v<<28
}

// AddWithCarry is the Arm ARM AddWithCarry() for 64 or 32 bits.
func AddWithCarry(a, b, cin uint64, sf bool) (uint64, uint64) {
	if sf {
		sum, cout := bits.Add64(a, b, cin)
		v := ((a ^ sum) & (b ^ sum)) >> 63
		return sum, NZCV64(sum, cout, v)
	}
	a32, b32 := uint32(a), uint32(b)
	sum, cout := bits.Add32(a32, b32, uint32(cin))
	v := uint64(((a32 ^ sum) & (b32 ^ sum)) >> 31)
	return uint64(sum), NZCV32(sum, uint64(cout), v)
}

func Shift(v uint64, typ, amt uint8, sf bool) uint64 {
	if sf {
		switch typ {
		case 0:
			return v << amt
		case 1:
			return v >> amt
		case 2:
			return uint64(int64(v) >> amt)
		}
		return bits.RotateLeft64(v, -int(amt))
	}
	w := uint32(v)
	switch typ {
	case 0:
		return uint64(w << amt)
	case 1:
		return uint64(w >> amt)
	case 2:
		return uint64(uint32(int32(w) >> amt))
	}
	return uint64(bits.RotateLeft32(w, -int(amt)))
}

func Extend(v uint64, option, amt uint8) uint64 {
	switch option & 7 {
	case 0:
		v = uint64(uint8(v))
	case 1:
		v = uint64(uint16(v))
	case 2:
		v = uint64(uint32(v))
	case 4:
		v = uint64(int64(int8(v)))
	case 5:
		v = uint64(int64(int16(v)))
	case 6:
		v = uint64(int64(int32(v)))
	}
	return v << amt
}

func MaskSF(v uint64, sf bool) uint64 {
	if sf {
		return v
	}
	return uint64(uint32(v))
}

func LogicFlags(res uint64, sf bool) uint64 {
	if sf {
		return NZCV64(res, 0, 0)
	}
	return NZCV32(uint32(res), 0, 0)
}

func BitField(in *Inst, src, dst uint64) uint64 {
	size := uint(64)
	if !in.SF {
		size, src, dst = 32, uint64(uint32(src)), uint64(uint32(dst))
	}
	rot := ror(src, uint(in.Amt), size)
	wmask, tmask := in.Imm, in.Imm2
	if in.Op == OpSBFM {
		bot := rot & wmask
		var top uint64
		if src>>in.Cond&1 == 1 {
			top = Ones(size)
		}
		return (top &^ tmask) | (bot & tmask)
	}
	bot := (dst &^ wmask) | (rot & wmask)
	return (dst &^ tmask) | (bot & tmask)
}

func Extr(hi, lo uint64, lsb uint8, sf bool) uint64 {
	if sf {
		if lsb == 0 {
			return lo
		}
		return lo>>lsb | hi<<(64-lsb)
	}
	h, l := uint32(hi), uint32(lo)
	if lsb == 0 {
		return uint64(l)
	}
	return uint64(l>>lsb | h<<(32-lsb))
}

// AddSub is ADD/SUB/ADDS/SUBS (shifted or extended register) with b already
// shifted or extended: the result, its flags, and whether op sets them.
func AddSub(op Op, a, b uint64, sf bool) (r, nzcv uint64, sets bool) {
	sub := op == OpSUBR || op == OpSUBSR || op == OpSUBX || op == OpSUBSX
	sets = op == OpADDSR || op == OpSUBSR || op == OpADDSX || op == OpSUBSX
	cin := uint64(0)
	if sub {
		b, cin = ^b, 1
	}
	r, nzcv = AddWithCarry(a, b, cin, sf)
	return MaskSF(r, sf), nzcv, sets
}

// Logic is the logical (shifted register) family with b already shifted:
// the result, its flags, and whether op sets them (ANDS, BICS).
func Logic(op Op, a, b uint64, sf bool) (r, nzcv uint64, sets bool) {
	switch op {
	case OpAND, OpANDS:
		r = a & b
	case OpBIC, OpBICS:
		r = a &^ b
	case OpORR:
		r = a | b
	case OpORN:
		r = a | ^b
	case OpEOR:
		r = a ^ b
	case OpEON:
		r = a ^ ^b
	}
	r = MaskSF(r, sf)
	if op == OpANDS || op == OpBICS {
		return r, LogicFlags(r, sf), true
	}
	return r, 0, false
}

// Sub64 is a - b with the flags SUBS (64-bit) sets; Add64, Sub32 and Add32
// likewise. The fast path and the general path both use them.
func Sub64(a, b uint64) (r, nzcv uint64) {
	r = a - b
	return r, NZCV64(r, B2U(a >= b), ((a^b)&(a^r))>>63)
}

// Add64 is a + b with the flags ADDS (64-bit) sets.
func Add64(a, b uint64) (r, nzcv uint64) {
	r = a + b
	return r, NZCV64(r, B2U(r < a), ((a^r)&(b^r))>>63)
}

// Sub32 is uint32(a) - uint32(b) with the flags SUBS (32-bit) sets.
func Sub32(a, b uint64) (r, nzcv uint64) {
	x, y := uint32(a), uint32(b)
	d := x - y
	return uint64(d), NZCV32(d, B2U(x >= y), uint64(((x^y)&(x^d))>>31))
}

// Add32 is uint32(a) + uint32(b) with the flags ADDS (32-bit) sets.
func Add32(a, b uint64) (r, nzcv uint64) {
	x, y := uint32(a), uint32(b)
	d := x + y
	return uint64(d), NZCV32(d, B2U(d < x), uint64(((x^d)&(y^d))>>31))
}

// CondNE is the condition code NE (the Arm ARM's encoding), which inner
// tests after a fused SUBS without computing the flags.
const CondNE uint8 = 0b0001

// Passes reports whether condition cond holds for PSTATE.NZCV nzcv (bits 31:28).
func Passes(cond uint8, nzcv uint64) bool {
	return CondHolds[cond&15]>>(nzcv>>28&15)&1 == 1
}

func DP2(op Op, a, b uint64, sf bool) uint64 {
	if !sf {
		a32, b32 := uint32(a), uint32(b)
		switch op {
		case OpUDIV:
			if b32 == 0 {
				return 0
			}
			return uint64(a32 / b32)
		case OpSDIV:
			if b32 == 0 {
				return 0
			}
			return uint64(uint32(int32(a32) / int32(b32)))
		case OpLSLV:
			return uint64(a32 << (b32 & 31))
		case OpLSRV:
			return uint64(a32 >> (b32 & 31))
		case OpASRV:
			return uint64(uint32(int32(a32) >> (b32 & 31)))
		}
		return uint64(bits.RotateLeft32(a32, -int(b32&31)))
	}
	switch op {
	case OpUDIV:
		if b == 0 {
			return 0
		}
		return a / b
	case OpSDIV:
		if b == 0 {
			return 0
		}
		return uint64(int64(a) / int64(b))
	case OpLSLV:
		return a << (b & 63)
	case OpLSRV:
		return a >> (b & 63)
	case OpASRV:
		return uint64(int64(a) >> (b & 63))
	}
	return bits.RotateLeft64(a, -int(b&63))
}

func DP1(op Op, a uint64, sf bool) uint64 {
	if !sf {
		w := uint32(a)
		switch op {
		case OpRBIT:
			return uint64(bits.Reverse32(w))
		case OpREV16:
			return uint64((w&0x00ff00ff)<<8 | (w>>8)&0x00ff00ff)
		case OpREV:
			return uint64(bits.ReverseBytes32(w))
		case OpCLZ:
			return uint64(bits.LeadingZeros32(w))
		case OpCLS:
			return uint64(bits.LeadingZeros32((w^w>>1)&0x7fffffff) - 1)
		}
		return 0
	}
	switch op {
	case OpRBIT:
		return bits.Reverse64(a)
	case OpREV16:
		return (a&0x00ff00ff00ff00ff)<<8 | (a>>8)&0x00ff00ff00ff00ff
	case OpREV32:
		r := bits.ReverseBytes64(a)
		return r<<32 | r>>32
	case OpREV:
		return bits.ReverseBytes64(a)
	case OpCLZ:
		return uint64(bits.LeadingZeros64(a))
	case OpCLS:
		return uint64(bits.LeadingZeros64((a^a>>1)&(1<<63-1)) - 1)
	}
	return 0
}

// CondCompare is the NZCV a CCMP (or, with cmn, CCMN) leaves: the
// comparison's flags when its condition passes on nzcv, else its immediate
// flags (Inst.Amt). b is Rm's value or the immediate (FlgImmCmp).
func CondCompare(in *Inst, a, b, nzcv uint64, cmn bool) uint64 {
	if !Passes(in.Cond, nzcv) {
		return uint64(in.Amt) << 28
	}
	if cmn {
		_, f := AddWithCarry(a, b, 0, in.SF)
		return f
	}
	_, f := AddWithCarry(a, ^b, 1, in.SF)
	return f
}

// CompareOperand is a CCMP/CCMN's second operand: the immediate or rm.
func CompareOperand(in *Inst, rm uint64) uint64 {
	if in.Flg&FlgImmCmp != 0 {
		return in.Imm
	}
	return rm
}
