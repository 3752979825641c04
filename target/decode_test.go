package target

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/arch/arm64/arm64asm"
)

// arm64asmOps maps our ops to the mnemonics (including preferred aliases)
// golang.org/x/arch/arm64/arm64asm may print for the same encoding.
var arm64asmOps = map[opcode][]string{
	opADR:    {"ADR", "ADRP"},
	opADDI64: {"ADD", "MOV"}, opADDI32: {"ADD", "MOV"}, opSUBI64: {"SUB"}, opSUBI32: {"SUB"},
	opADDSI64: {"ADDS", "CMN"}, opADDSI32: {"ADDS", "CMN"}, opSUBSI64: {"SUBS", "CMP"}, opSUBSI32: {"SUBS", "CMP"},
	opANDI: {"AND"}, opORRI: {"ORR", "MOV"}, opEORI: {"EOR"}, opANDSI: {"ANDS", "TST"},
	opMOVI: {"MOVZ", "MOVN", "MOV"}, opMOVK: {"MOVK"},
	opUBFM64: {"UBFM", "LSL", "LSR", "UBFIZ", "UBFX", "UXTB", "UXTH"}, opUBFM32: {"UBFM", "LSL", "LSR", "UBFIZ", "UBFX", "UXTB", "UXTH"},
	opSBFM: {"SBFM", "ASR", "SBFIZ", "SBFX", "SXTB", "SXTH", "SXTW"}, opBFM: {"BFM", "BFI", "BFXIL", "BFC"},
	opEXTR: {"EXTR", "ROR"},
	opADDR: {"ADD"}, opSUBR: {"SUB", "NEG"}, opADDSR: {"ADDS", "CMN"}, opSUBSR: {"SUBS", "CMP", "NEGS"},
	opADDX: {"ADD"}, opSUBX: {"SUB"}, opADDSX: {"ADDS", "CMN"}, opSUBSX: {"SUBS", "CMP"},
	opAND: {"AND"}, opBIC: {"BIC"}, opORR: {"ORR", "MOV"}, opORN: {"ORN", "MVN"}, opEOR: {"EOR"}, opEON: {"EON"},
	opANDS: {"ANDS", "TST"}, opBICS: {"BICS"}, opMOVR: {"MOV", "ORR"},
	opADC: {"ADC"}, opADCS: {"ADCS"}, opSBC: {"SBC", "NGC"}, opSBCS: {"SBCS", "NGCS"},
	opCCMN: {"CCMN"}, opCCMP: {"CCMP"},
	opCSEL: {"CSEL"}, opCSINC: {"CSINC", "CINC", "CSET"}, opCSINV: {"CSINV", "CINV", "CSETM"}, opCSNEG: {"CSNEG", "CNEG"},
	opUDIV: {"UDIV"}, opSDIV: {"SDIV"}, opLSLV: {"LSLV", "LSL"}, opLSRV: {"LSRV", "LSR"}, opASRV: {"ASRV", "ASR"}, opRORV: {"RORV", "ROR"},
	opRBIT: {"RBIT"}, opREV16: {"REV16"}, opREV32: {"REV32"}, opREV: {"REV"}, opCLZ: {"CLZ"}, opCLS: {"CLS"},
	opCRC32: {"CRC32B", "CRC32H", "CRC32W", "CRC32X"}, opCRC32C: {"CRC32CB", "CRC32CH", "CRC32CW", "CRC32CX"},
	opMADD: {"MADD", "MUL"}, opMSUB: {"MSUB", "MNEG"}, opSMADDL: {"SMADDL", "SMULL"}, opSMSUBL: {"SMSUBL", "SMNEGL"},
	opUMADDL: {"UMADDL", "UMULL"}, opUMSUBL: {"UMSUBL", "UMNEGL"}, opSMULH: {"SMULH"}, opUMULH: {"UMULH"},
	opLDRX: {"LDR", "LDUR", "LDTR"}, opLDRW: {"LDR", "LDUR", "LDTR"}, opSTRX: {"STR", "STUR", "STTR"}, opSTRW: {"STR", "STUR", "STTR"},
	opLoad: {"LDR", "LDRB", "LDRH", "LDRSB", "LDRSH", "LDRSW", "LDUR", "LDURB", "LDURH", "LDURSB", "LDURSH", "LDURSW",
		"LDTR", "LDTRB", "LDTRH", "LDTRSB", "LDTRSH", "LDTRSW"},
	opStore: {"STR", "STRB", "STRH", "STUR", "STURB", "STURH", "STTR", "STTRB", "STTRH"},
	opLDP:   {"LDP", "LDNP", "LDPSW"}, opSTP: {"STP", "STNP"},
	opLDXR: {"LDXR", "LDAXR", "LDXRB", "LDAXRB", "LDXRH", "LDAXRH"}, opSTXR: {"STXR", "STLXR", "STXRB", "STLXRB", "STXRH", "STLXRH"},
	opLDXP: {"LDXP", "LDAXP"}, opSTXP: {"STXP", "STLXP"},
	opLDAR: {"LDAR", "LDARB", "LDARH"}, opSTLR: {"STLR", "STLRB", "STLRH"},
	opB: {"B"}, opBL: {"BL"}, opBcond: {"B"}, opCBZ: {"CBZ"}, opCBNZ: {"CBNZ"}, opTBZ: {"TBZ"}, opTBNZ: {"TBNZ"},
	opBR: {"BR"}, opBLR: {"BLR"}, opRET: {"RET"},
	opNOP: {"NOP", "HINT", "PRFM", "PRFUM", "ESB", "PSB", "CSDB", "BTI"}, opYIELD: {"YIELD"}, opWFE: {"WFE"}, opWFI: {"WFI"}, opSEV: {"SEV"}, opSEVL: {"SEVL"},
	opCLREX: {"CLREX"}, opDSB: {"DSB"}, opDMB: {"DMB"}, opISB: {"ISB"},
	opMSRimm: {"MSR"}, opMRS: {"MRS"}, opMSR: {"MSR"}, opSYS: {"SYS", "DC", "IC", "TLBI"}, opDCZVA: {"DC", "SYS"},
	opSVC: {"SVC"}, opHVC: {"HVC"}, opSMC: {"SMC"}, opBRK: {"BRK"}, opERET: {"ERET"},
}

// lseOps are the LSE mnemonics (arm64asm may or may not know them).
var lseOps = map[opcode]bool{opCAS: true, opCASP: true, opSWP: true, opLDADD: true, opLDCLR: true, opLDEOR: true,
	opLDSET: true, opLDSMAX: true, opLDSMIN: true, opLDUMAX: true, opLDUMIN: true}

func TestDecodeMatchesArm64asmOnGoldenCases(t *testing.T) {
	f, err := os.Open("testdata/exec_golden.txt")
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		w, err := strconv.ParseUint(cols[0], 16, 32)
		require.NoError(t, err)
		in := decode(uint32(w), goldenInsnAddr)
		require.NotEqual(t, opUndef, in.op, "%s decoded as UNDEFINED", cols[1])
		if lseOps[in.op] {
			continue
		}
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(w))
		ref, err := arm64asm.Decode(b[:])
		require.NoError(t, err, cols[1])
		require.Contains(t, arm64asmOps[in.op], ref.Op.String(), "%s: ours %v, arm64asm %v (%v)", cols[1], in.op, ref.Op, ref)
		require.NoError(t, sameOperands(in, ref, goldenInsnAddr), "%s", cols[1])
	}
}

// TestDecodeAgreesWithArm64asmOnRandomWords decodes seeded random words with
// both decoders: whenever arm64asm decodes an integer instruction we
// implement, we must not say UNDEFINED, the mnemonic must agree, and so must
// the operands (sameOperands).
func TestDecodeAgreesWithArm64asmOnRandomWords(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	operandsCompared = 0
	n := 300000
	if testing.Short() {
		n = 30000
	}
	mismatch := 0
	checked := 0
	for i := 0; i < n; i++ {
		w := rng.Uint32()
		ok, err := agreesWithArm64asm(w)
		if ok {
			checked++
		}
		if err != nil {
			mismatch++
			if mismatch < 20 {
				t.Errorf("%08x: %v", w, err)
			}
		}
	}
	t.Logf("%d words checked against arm64asm (operands of %d), %d mismatches", checked, operandsCompared, mismatch)
	require.Greater(t, checked, n/100)
	require.Greater(t, operandsCompared, checked/4)
}

// knownMnemonics are the mnemonics arm64asm prints for the integer instructions we implement.
var knownMnemonics = func() map[string]bool {
	known := map[string]bool{}
	for _, names := range arm64asmOps {
		for _, n := range names {
			known[n] = true
		}
	}
	return known
}()

// agreesWithArm64asm decodes w with both decoders; checked is false when arm64asm does not decode it as an
// integer instruction we implement.
func agreesWithArm64asm(w uint32) (checked bool, err error) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	ref, rerr := arm64asm.Decode(b[:])
	if rerr != nil || !knownMnemonics[ref.Op.String()] || hasFPArg(ref) {
		return false, nil
	}
	in := decode(w, RAMBase)
	switch {
	case in.op == opUndef:
		if !allowedUndef(w, ref) {
			return true, fmt.Errorf("arm64asm %q, we say UNDEFINED", ref.String())
		}
		return true, nil
	case lseOps[in.op]:
		return true, nil
	case !contains(arm64asmOps[in.op], ref.Op.String()):
		return true, fmt.Errorf("arm64asm %q, we decode %v", ref.String(), in.op)
	}
	return true, sameOperands(in, ref, RAMBase)
}

// regSlots says which register slots of our inst hold the operands of an op (the others are unused), for
// the ops whose operands are all registers or a branch target.
var regSlots = map[opcode]string{
	opADR: "d", opMOVI: "d", opMOVK: "d",
	opADDI64: "dn", opADDI32: "dn", opSUBI64: "dn", opSUBI32: "dn", opADDSI64: "dn", opADDSI32: "dn",
	opSUBSI64: "dn", opSUBSI32: "dn", opANDI: "dn", opORRI: "dn", opEORI: "dn", opANDSI: "dn",
	opUBFM64: "dn", opUBFM32: "dn", opSBFM: "dn", opBFM: "dn", opEXTR: "dnm",
	opADDR: "dnm", opSUBR: "dnm", opADDSR: "dnm", opSUBSR: "dnm", opADDX: "dnm", opSUBX: "dnm", opADDSX: "dnm", opSUBSX: "dnm",
	opAND: "dnm", opBIC: "dnm", opORR: "dnm", opORN: "dnm", opEOR: "dnm", opEON: "dnm", opANDS: "dnm", opBICS: "dnm",
	opADC: "dnm", opADCS: "dnm", opSBC: "dnm", opSBCS: "dnm",
	opCSEL: "dnm", opCSINC: "dnm", opCSINV: "dnm", opCSNEG: "dnm",
	opUDIV: "dnm", opSDIV: "dnm", opLSLV: "dnm", opLSRV: "dnm", opASRV: "dnm", opRORV: "dnm", opCRC32: "dnm", opCRC32C: "dnm",
	opRBIT: "dn", opREV16: "dn", opREV32: "dn", opREV: "dn", opCLZ: "dn", opCLS: "dn",
	opMADD: "dnma", opMSUB: "dnma", opSMADDL: "dnma", opSMSUBL: "dnma", opUMADDL: "dnma", opUMSUBL: "dnma",
	opSMULH: "dnm", opUMULH: "dnm",
	opB: "", opBL: "", opBcond: "", opCBZ: "n", opCBNZ: "n", opTBZ: "n", opTBNZ: "n", opBR: "n", opBLR: "n", opRET: "n",
}

// operandsCompared counts the words whose operands sameOperands compared.
var operandsCompared int

var asmReg = regexp.MustCompile(`^(?:[WX](\d+|ZR)|W?SP)\b`)

// sameOperands checks, for the ops in regSlots, that we and arm64asm name the same registers in the same
// order, with the zero register left out and a repeat folded (aliases such as CMP, MUL and CINC print neither),
// and, for a PC-relative operand, the same target.
func sameOperands(in inst, ref arm64asm.Inst, pc uint64) error {
	slots, ok := regSlots[in.op]
	if !ok {
		return nil
	}
	operandsCompared++
	var ours, theirs []string
	for _, s := range slots {
		r := map[rune]uint8{'d': in.rd, 'n': in.rn, 'm': in.rm, 'a': in.ra}[s]
		switch {
		case r == regSP:
			ours = append(ours, "sp")
		case r < regZR:
			ours = append(ours, strconv.Itoa(int(r)))
		}
	}
	for _, a := range ref.Args {
		if a == nil {
			break
		}
		if rel, ok := a.(arm64asm.PCRel); ok {
			want := pc + uint64(rel)
			if ref.Op == arm64asm.ADRP {
				want = pc&^0xfff + uint64(rel)
			}
			if in.imm != want {
				return fmt.Errorf("%v: target %#x, we say %#x", ref, want, in.imm)
			}
			continue
		}
		m := asmReg.FindStringSubmatch(a.String())
		switch {
		case m == nil, m[1] == "ZR":
		case m[1] == "":
			theirs = append(theirs, "sp")
		default:
			theirs = append(theirs, m[1])
		}
	}
	ours, theirs = slices.Compact(ours), slices.Compact(theirs)
	if !slices.Equal(ours, theirs) {
		return fmt.Errorf("%v: registers %v, we decode %v with %v", ref, theirs, in.op, ours)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasFPArg(in arm64asm.Inst) bool {
	for _, a := range in.Args {
		if a == nil {
			break
		}
		if r, ok := a.(arm64asm.Reg); ok && r >= arm64asm.B0 {
			return true
		}
		if _, ok := a.(arm64asm.RegisterWithArrangement); ok {
			return true
		}
		if _, ok := a.(arm64asm.RegisterWithArrangementAndIndex); ok {
			return true
		}
	}
	return false
}

// allowedUndef lists encodings we decode as UNDEFINED on purpose although
// arm64asm prints them: CONSTRAINED UNPREDICTABLE forms (we choose UNDEFINED),
// system registers and PSTATE fields a v8.0 Cortex-A57 does not have, and
// address translation (AT, which needs an MMU).
func allowedUndef(w uint32, ref arm64asm.Inst) bool {
	if w>>24&0x1f == 0x0b && w>>21&1 == 1 && w>>10&7 > 4 {
		return true // add/sub extended register with shift > 4: UNDEFINED in the Arm ARM
	}
	if w>>23&0x3f == 0x24 { // logical immediate: reserved bitmask patterns are UNDEFINED
		if _, _, ok := decodeBitMasks(w>>22&1, w>>10&63, w>>16&63, true, w>>31 == 1); !ok {
			return true
		}
	}
	switch ref.Op.String() {
	case "MSR", "MRS", "SYS", "DC", "IC", "TLBI", "HINT", "LDP", "LDNP", "LDPSW", "LDXP", "LDAXP", "STXR", "STLXR",
		"STXRB", "STLXRB", "STXRH", "STLXRH", "STXP", "STLXP", "LDR", "LDRB", "LDRH", "LDRSB", "LDRSH", "LDRSW",
		"LDAR", "LDARB", "LDARH", "STLR", "STLRB", "STLRH", "LDXR", "LDAXR", "LDXRB", "LDAXRB", "LDXRH", "LDAXRH",
		"BR", "BLR", "RET":
		// checked individually below
	default:
		return false
	}
	in := decode(w, RAMBase)
	_ = in
	rt, rn, rt2, rs := w&31, w>>5&31, w>>10&31, w>>16&31
	switch ref.Op.String() {
	case "LDP", "LDNP", "LDPSW", "LDXP", "LDAXP":
		return rt == rt2 || rn == rt || rn == rt2
	case "STXR", "STLXR", "STXRB", "STLXRB", "STXRH", "STLXRH", "STXP", "STLXP":
		return rs == rt || rs == rn || rs == rt2
	case "LDR", "LDRB", "LDRH", "LDRSB", "LDRSH", "LDRSW":
		return rn == rt // writeback to the loaded register
	case "MSR", "MRS", "SYS", "DC", "IC", "TLBI", "HINT":
		return true // only some system encodings are implemented; unknown ones are UNDEFINED
	}
	// ordered/exclusive forms with non-default Rs/Rt2 fields are UNDEFINED for us
	return rs != 31 || rt2 != 31
}

func FuzzDecode(f *testing.F) {
	for _, w := range benchLoop {
		f.Add(w)
	}
	f.Add(uint32(0))
	f.Add(uint32(0xd69f03e0))
	f.Fuzz(func(t *testing.T, w uint32) {
		in := decode(w, RAMBase+0x1000)
		if in.op >= opCount || in.op == opUndecoded {
			t.Fatalf("%08x: bad op %d", w, in.op)
		}
		// Where arm64asm decodes it as one of our integer instructions, we agree on the mnemonic and operands.
		if _, err := agreesWithArm64asm(w); err != nil {
			t.Fatalf("%08x: %v", w, err)
		}
		// Executing any decoded word never panics and leaves a sane state.
		m, c := newTestMachine(t, w)
		c.x[1], c.x[2] = RAMBase+0x2000, RAMBase+0x2008
		m.Resume([]Action{ActionStep})
		if c.x[regZR] != 0 {
			t.Fatalf("%08x: XZR written", w)
		}
	})
}
