package simd

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"

// State is the FP/SIMD register state Exec reads and writes.
type State struct {
	V    [32]Vec
	FPCR fp.FPCR
	FPSR uint32 // cumulative: Exec ORs in the fp.Flags raised and FPSRQC
	NZCV uint8  // PSTATE.NZCV in bits 3..0 (N = 8): FCMP/FCCMP write it, FCSEL/FCCMP read it
}

// ReadsGen says in reads a general register (Rn, of in.GenBits; 31 is
// the zero register): DUP/INS (general), FMOV from general, SCVTF/UCVTF
// from an integer register.
func (in *Inst) ReadsGen() bool {
	switch in.Op {
	case OpDUPGen, OpINSGen, OpFMOVFromGen, OpFMOVFromGenHigh:
		return true
	case OpSCVTF, OpUCVTF, OpSCVTFFixed, OpUCVTFFixed:
		return in.GenBits != 0
	}
	return false
}

// WritesGen says in writes the general register Rd (31 is the zero
// register): UMOV, SMOV, FMOV to general, FCVT* to an integer register.
func (in *Inst) WritesGen() bool {
	switch in.Op {
	case OpUMOV, OpSMOV, OpFMOVToGen, OpFMOVToGenHigh:
		return true
	case OpFCVTS, OpFCVTU, OpFCVTZSFixed, OpFCVTZUFixed:
		return in.GenBits != 0
	}
	return false
}

// IsMemory says in is a load or store, which Exec does not run.
func (in *Inst) IsMemory() bool { return in.Addr != AddrNone }

// Exec runs in, any FP/SIMD instruction but the loads and stores, on s.
// gen is the value of the general register it reads (ReadsGen), already
// zero for XZR; the result is the value for the general register it writes
// (WritesGen; a W result zero-extended). ok is false for a load or store
// or an undefined op. It never allocates.
func Exec(in *Inst, s *State, gen uint64) (out uint64, ok bool) {
	if in.Op == OpUndefined || in.IsMemory() {
		return 0, false
	}
	if in.WritesGen() || in.ReadsGen() {
		return execGen(in, s, gen), true
	}
	return 0, ExecData(in, s)
}

// ExecData is Exec of an instruction that is known to be defined, neither a
// load nor a store, and to use no general register (a caller that caches
// decoded words knows this once): false for an op Exec does not run.
func ExecData(in *Inst, s *State) bool {
	if execFP(in, s) {
		return true
	}
	v := &s.V
	d, n, m := v[in.Rd], v[in.Rn], v[in.Rm]
	var res Vec
	var sat bool
	switch in.Op {
	case OpMOVI, OpMVNI, OpORRImm, OpBICImm, OpFMOVImm:
		res = Immediate(in.Op, in.Arr, d, in.Imm)
	case OpDUPElem:
		res = Dup(in.Arr, n.Elem(in.Arr.ElemBits(), int(in.Index)))
	case OpINSElem:
		e := in.Arr.ElemBits()
		res = Insert(d, e, int(in.Index), n.Elem(e, int(in.Index2)))
	case OpABS, OpNEG, OpCNT, OpCLZ, OpCLS, OpRBIT, OpNOT, OpREV16, OpREV32, OpREV64,
		OpCMEQZ, OpCMGEZ, OpCMGTZ, OpCMLEZ, OpCMLTZ:
		res = Unary(in.Op, in.Arr, n)
	case OpSADDLP, OpUADDLP, OpSADALP, OpUADALP:
		res = PairwiseLong(in.Op, in.Arr, in.ArrN, d, n)
	case OpSSHR, OpUSHR, OpSSRA, OpUSRA, OpSRSHR, OpURSHR, OpSRSRA, OpURSRA, OpSRI, OpSHL, OpSLI,
		OpSQSHLImm, OpUQSHLImm, OpSQSHLUImm:
		res, sat = ShiftImm(in.Op, in.Arr, d, n, int(in.Shift))
	case OpXTN, OpSQXTN, OpUQXTN, OpSQXTUN, OpSHRN, OpRSHRN, OpSQSHRN, OpSQRSHRN, OpUQSHRN, OpUQRSHRN, OpSQSHRUN, OpSQRSHRUN:
		res, sat = Narrow(in.Op, in.Arr, in.ArrN, d, n, int(in.Shift))
	case OpSADDL, OpUADDL, OpSSUBL, OpUSUBL, OpSADDW, OpUADDW, OpSSUBW, OpUSUBW, OpSABAL, OpUABAL,
		OpSABDL, OpUABDL, OpSMLAL, OpUMLAL, OpSMLSL, OpUMLSL, OpSMULL, OpUMULL, OpSSHLL, OpUSHLL, OpSHLL,
		OpSQDMULL, OpSQDMLAL, OpSQDMLSL, OpPMULL:
		if in.ByElement {
			m = Dup(vecArr(uint32(bitsLog(in.ArrN.ElemBits())-3), true), m.Elem(in.ArrN.ElemBits(), int(in.Index)))
		}
		res, sat = Long(in.Op, in.Arr, in.ArrN, d, n, m, int(in.Shift))
	case OpADDHN, OpSUBHN, OpRADDHN, OpRSUBHN:
		res = HighNarrow(in.Op, in.Arr, in.ArrN, d, n, m)
	case OpADDV, OpSADDLV, OpUADDLV, OpSMAXV, OpUMAXV, OpSMINV, OpUMINV:
		res = Reduce(in.Op, in.Arr, in.ArrN, n)
	case OpZIP1, OpZIP2, OpUZP1, OpUZP2, OpTRN1, OpTRN2:
		res = Permute(in.Op, in.Arr, n, m)
	case OpEXT:
		res = Ext(in.Arr, n, m, int(in.Shift))
	case OpTBL, OpTBX:
		var table [4]Vec
		for i := 0; i < int(in.Count); i++ {
			table[i] = v[(int(in.Rn)+i)&31]
		}
		res = Table(in.Arr, &table, int(in.Count), d, m, in.Op == OpTBX)
	case OpADDP:
		if in.Arr.IsScalar() { // ADDP Dd, Vn.2D
			res = Vec{n[0] + n[1]}
			break
		}
		res, sat = Binary(in.Op, in.Arr, d, n, m)
	default:
		if in.ByElement { // MUL, MLA, MLS by element
			m = Dup(in.Arr, m.Elem(in.Arr.ElemBits(), int(in.Index)))
		}
		if !isBinary(in.Op) {
			return false
		}
		res, sat = Binary(in.Op, in.Arr, d, n, m)
	}
	v[in.Rd].set(&res)
	if sat {
		s.FPSR |= FPSRQC
	}
	return true
}

func isBinary(op Op) bool {
	switch op {
	case OpADD, OpSUB, OpMUL, OpMLA, OpMLS, OpSQADD, OpUQADD, OpSQSUB, OpUQSUB, OpSHADD, OpUHADD,
		OpSRHADD, OpURHADD, OpSHSUB, OpUHSUB, OpSABD, OpUABD, OpSABA, OpUABA, OpSMAX, OpUMAX, OpSMIN,
		OpUMIN, OpCMEQ, OpCMGE, OpCMGT, OpCMHI, OpCMHS, OpCMTST, OpSSHL, OpUSHL, OpSRSHL, OpURSHL,
		OpSQSHL, OpUQSHL, OpSQRSHL, OpUQRSHL, OpAND, OpORR, OpORN, OpEOR, OpBIC, OpBSL, OpBIT, OpBIF,
		OpADDP, OpSMAXP, OpUMAXP, OpSMINP, OpUMINP, OpSQABS, OpSQNEG, OpSUQADD, OpUSQADD,
		OpSQDMULH, OpSQRDMULH, OpPMUL:
		return true
	}
	return false
}

func bitsLog(n int) int {
	l := 0
	for ; n > 1; n >>= 1 {
		l++
	}
	return l
}

func execGen(in *Inst, s *State, gen uint64) uint64 {
	v := &s.V
	e := in.Arr.ElemBits()
	if !in.GPR64() {
		gen &= mask(32)
	}
	f := fp.Format(e)
	var fl fp.Flags
	var out uint64
	switch in.Op {
	case OpDUPGen:
		v[in.Rd] = Dup(in.Arr, gen)
	case OpINSGen:
		v[in.Rd] = Insert(v[in.Rd], e, int(in.Index), gen)
	case OpFMOVFromGen:
		v[in.Rd] = fit(Vec{gen}, in.Arr)
	case OpFMOVFromGenHigh:
		v[in.Rd][1] = gen
	case OpUMOV, OpSMOV:
		out = MoveToGeneral(v[in.Rn], e, int(in.Index), in.Op == OpSMOV, in.GPR64())
	case OpFMOVToGen:
		out = v[in.Rn][0] & mask(e)
	case OpFMOVToGenHigh:
		out = v[in.Rn][1]
	case OpFCVTS, OpFCVTU, OpFCVTZSFixed, OpFCVTZUFixed:
		unsigned := in.Op == OpFCVTU || in.Op == OpFCVTZUFixed
		out, fl = fp.ToInt(f, v[in.Rn][0]&mask(e), uint(in.FBits), unsigned, uint(in.GenBits), roundingOf(in.Round, s.FPCR), s.FPCR)
	case OpSCVTF, OpUCVTF, OpSCVTFFixed, OpUCVTFFixed:
		unsigned := in.Op == OpUCVTF || in.Op == OpUCVTFFixed
		var r uint64
		r, fl = fp.FromInt(f, gen, uint(in.FBits), unsigned, uint(in.GenBits), s.FPCR)
		v[in.Rd] = Vec{r}
	}
	s.FPSR |= uint32(fl)
	return out
}

// roundingOf is the fp rounding mode of an Inst's rounding selector.
func roundingOf(r Rounding, fpcr fp.FPCR) fp.Rounding {
	switch r {
	case RoundNearest:
		return fp.TiesEven
	case RoundPlusInf:
		return fp.PlusInf
	case RoundMinusInf:
		return fp.MinusInf
	case RoundZero:
		return fp.Zero
	case RoundAway:
		return fp.TiesAway
	case RoundOdd:
		return fp.Odd
	}
	return fpcr.RMode()
}
