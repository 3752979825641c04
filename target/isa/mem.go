package isa

// Address generation and the load/store value rules, shared by the fast
// path (target's inner loop) and the general path (execGeneral/execSlow):
// one definition of what an addressing mode means.

// Addr is the address a single load or store (OpLoad, OpStore) accesses.
func (in *Inst) Addr(x *[256]uint64) uint64 {
	switch in.Cond {
	case ModeOffset, ModePre:
		return x[in.Rn] + in.Imm
	case ModePost:
		return x[in.Rn]
	case ModeReg:
		return x[in.Rn] + offsetReg(x[in.Rm], in.Imm2)<<in.Imm
	}
	return in.Imm // literal
}

// offsetReg is the index register of ModeReg extended by option (Imm2): the
// decoder accepts only UXTW (2), LSL (3), SXTW (6) and SXTX (7), so this is
// Extend for those four, small enough to inline into the fast path.
func offsetReg(v, option uint64) uint64 {
	switch option {
	case 2:
		return uint64(uint32(v))
	case 6:
		return uint64(int64(int32(v)))
	}
	return v
}

// PairAddr is the address of the first element of a pair (LDP, STP).
func (in *Inst) PairAddr(x *[256]uint64) uint64 {
	if in.Cond == ModePost {
		return x[in.Rn]
	}
	return x[in.Rn] + in.Imm
}

// LoadValue applies a load's sign extension (FlgSigned64, FlgSigned32) to
// the 1<<Amt bytes v read from memory.
func (in *Inst) LoadValue(v uint64) uint64 {
	switch {
	case in.Flg&FlgSigned64 != 0:
		return Sext(v, 8<<in.Amt)
	case in.Flg&FlgSigned32 != 0:
		return uint64(uint32(Sext(v, 8<<in.Amt)))
	}
	return v
}

// WriteBack updates the base register of a pre- or post-indexed load/store
// whose access went to addr.
func (in *Inst) WriteBack(x *[256]uint64, addr uint64) {
	switch in.Cond {
	case ModePre:
		x[in.Rn] = addr
	case ModePost:
		x[in.Rn] = addr + in.Imm
	}
}

// SizeMask is the mask of an access of 1<<lg bytes.
func SizeMask(lg uint8) uint64 { return Ones(8 << lg) }
