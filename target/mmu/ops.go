package mmu

// TLBIOp is a TLB maintenance instruction of the EL1&0 regime.
type TLBIOp uint8

// The operations, as DecodeTLBI names them. The R* range forms need
// FEAT_TLBIRANGE: the executor should make them UNDEFINED unless
// ID_AA64ISAR0_EL1.TLB advertises it.
const (
	VMALLE1 TLBIOp = iota
	VAE1
	ASIDE1
	VAAE1
	VALE1
	VAALE1
	RVAE1
	RVAAE1
	RVALE1
	RVAALE1

	// IS is ORed into an operation for its Inner Shareable form
	// (VMALLE1IS, …), which reaches every CPU.
	IS TLBIOp = 0x80
)

// tlbiOps maps (CRm, op2) of SYS #0, C8, CRm, #op2 to the operation.
var tlbiOps = map[[2]uint8]TLBIOp{
	{3, 0}: VMALLE1 | IS, {3, 1}: VAE1 | IS, {3, 2}: ASIDE1 | IS, {3, 3}: VAAE1 | IS,
	{3, 5}: VALE1 | IS, {3, 7}: VAALE1 | IS,
	{7, 0}: VMALLE1, {7, 1}: VAE1, {7, 2}: ASIDE1, {7, 3}: VAAE1, {7, 5}: VALE1, {7, 7}: VAALE1,
	{2, 1}: RVAE1 | IS, {2, 3}: RVAAE1 | IS, {2, 5}: RVALE1 | IS, {2, 7}: RVAALE1 | IS,
	{6, 1}: RVAE1, {6, 3}: RVAAE1, {6, 5}: RVALE1, {6, 7}: RVAALE1,
}

// DecodeTLBI maps the fields of SYS #op1, Cn, Cm, #op2 to a TLBI operation of
// the EL1&0 regime (ok = false for anything else, including the Outer
// Shareable forms, which need FEAT_TLBIOS). It is not on a hot path: call it
// at decode time.
func DecodeTLBI(op1, crn, crm, op2 uint8) (TLBIOp, bool) {
	if op1 != 0 || crn != 8 {
		return 0, false
	}
	op, ok := tlbiOps[[2]uint8{crm, op2}]
	return op, ok
}

// Range reports whether op is a range form (FEAT_TLBIRANGE).
func (op TLBIOp) Range() bool { return op&^IS >= RVAE1 && op&^IS <= RVAALE1 }

// TLBI decodes the operation op with its register operand xt against this
// CPU's context (its ASID size). Apply the result to this CPU's TLB, or to
// every CPU's when Broadcast.
//
// Operand (non-range): ASID in [63:48], VA[55:12] in [43:0]; the VA's upper
// bits are copies of bit 55. We choose: with 8-bit ASIDs, ASID bits [15:8]
// of the operand are ignored; the TTL hint (FEAT_TTL, bits [47:44]) is
// ignored.
func (c *Context) TLBI(op TLBIOp, xt uint64) Invalidation {
	inv := Invalidation{Broadcast: op&IS != 0, ASID: uint16(xt>>48) & c.asidMask}
	switch op &^ IS {
	case VMALLE1:
		inv.Scope, inv.ASID = ScopeAll, 0
	case ASIDE1:
		inv.Scope = ScopeASID
	case VAE1, VALE1:
		inv.Scope, inv.VA = ScopeVA, tlbiVA(xt)
	case VAAE1, VAALE1:
		inv.Scope, inv.VA, inv.ASID = ScopeVAAll, tlbiVA(xt), 0
	case RVAE1, RVALE1, RVAAE1, RVAALE1:
		inv = c.tlbiRange(op, xt, inv)
	}
	return inv
}

// tlbiVA is the VA of a non-range operand, sign-extended from bit 55.
func tlbiVA(xt uint64) uint64 { return uint64(int64(xt<<20)>>8) &^ pageMask }

// tlbiRange decodes a range operand: ASID [63:48], TG [47:46], SCALE
// [45:44], NUM [43:39], TTL [38:37], BaseADDR [36:0] in units of the TG
// granule. The range is (NUM+1) × 2^(5×SCALE+1) granules. We choose: a
// reserved TG (0b00) invalidates every entry in scope of the ASID rule
// (removing more is permitted); the VA is sign-extended from its top bit.
func (c *Context) tlbiRange(op TLBIOp, xt uint64, inv Invalidation) Invalidation {
	all := op&^IS == RVAAE1 || op&^IS == RVAALE1
	inv.Scope = ScopeRange
	if all {
		inv.Scope, inv.ASID = ScopeRangeAll, 0
	}
	var gran uint8
	switch xt >> 46 & 3 {
	case 1:
		gran = 12
	case 2:
		gran = 14
	case 3:
		gran = 16
	default:
		inv.VA, inv.Size = 0, ^uint64(0)
		return inv
	}
	scale := xt >> 44 & 3
	num := xt >> 39 & 0x1f
	base := xt & (1<<37 - 1) << gran // VA[36+gran:gran]
	topBit := 36 + gran              // sign bit of the base
	inv.VA = uint64(int64(base<<(63-topBit)) >> (63 - topBit))
	inv.Size = (num + 1) << (5*scale + 1) << gran
	return inv
}

// ATOp is an address translation instruction of the EL1&0 regime.
type ATOp uint8

const (
	S1E1R ATOp = iota // EL1 read
	S1E1W             // EL1 write
	S1E0R             // EL0 read
	S1E0W             // EL0 write
)

// DecodeAT maps SYS #op1, Cn, Cm, #op2 to an AT operation (ok = false for
// anything else, including S1E1RP/S1E1WP, which need FEAT_PAN2).
func DecodeAT(op1, crn, crm, op2 uint8) (ATOp, bool) {
	if op1 != 0 || crn != 7 || crm != 8 || op2 > 3 {
		return 0, false
	}
	return ATOp(op2), true
}

// PAR_EL1 fields.
const (
	parF    = 1 << 0
	parPTW  = 1 << 8
	parNS   = 1 << 9
	parRES1 = 1 << 11
)

// AT performs the address translation instruction op on va: it returns the
// value to write to PAR_EL1, or, when the walk takes a synchronous external
// abort, that Fault, to be taken as a Data Abort instead (PAR_EL1 unchanged;
// ESR_EL1 = abort.ESR(Read|CacheOp, el), which sets CM and WnR as the
// architecture asks for aborts on AT; FAR_EL1 = va), as QEMU does.
//
// PAR_EL1 on success: F = 0, PA[47:12], ATTR (the MAIR byte) in [63:56], SH
// in [8:7], NS = 1 and bit 11 (RES1) = 1. On any other fault: F = 1, FST in
// [6:1] (the fault status code), S = 0 (stage 1), PTW = 0 (no stage 2),
// bit 11 = 1. We choose (as QEMU): NS = 1 (this machine is in Non-secure
// state, where the bit is UNKNOWN), IMPLEMENTATION DEFINED bits 0; AT walks
// the tables afresh (it may use the TLB, we do not) and does not fill the
// TLB. With the MMU off it reports PA = VA with Device-nGnRnE attributes.
func (m *MMU) AT(op ATOp, va uint64) (par uint64, abort Fault) {
	acc := Read
	if op == S1E1W || op == S1E0W {
		acc = Write
	}
	if op == S1E0R || op == S1E0W {
		acc |= EL0
	}
	var r Result
	var f Fault
	if m.ctx.on {
		if r, f = m.ctx.walk(m.mem, va); f.OK() && !r.Perm.Allows(acc) {
			f = Fault{Permission, r.Level}
		}
	} else {
		r, f = m.ctx.flat(va, acc)
	}
	if f.Kind == ExternalAbortWalk {
		return 0, f
	}
	return PAR(r, f), Fault{}
}

// PAR encodes a translation outcome as a PAR_EL1 value (see MMU.AT).
func PAR(r Result, f Fault) uint64 {
	if !f.OK() {
		return parRES1 | uint64(f.FSC())<<1 | parF
	}
	return uint64(r.Attr)<<56 | r.PA&oaMask | parRES1 | parNS | uint64(r.SH&3)<<7
}
