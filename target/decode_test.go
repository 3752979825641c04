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

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/stretchr/testify/require"
	"golang.org/x/arch/arm64/arm64asm"
)

// arm64asmOps maps our ops to the mnemonics (including preferred aliases)
// golang.org/x/arch/arm64/arm64asm may print for the same encoding.
var arm64asmOps = map[isa.Op][]string{
	isa.OpADR:    {"ADR", "ADRP"},
	isa.OpADDI64: {"ADD", "MOV"}, isa.OpADDI32: {"ADD", "MOV"}, isa.OpSUBI64: {"SUB"}, isa.OpSUBI32: {"SUB"},
	isa.OpADDSI64: {"ADDS", "CMN"}, isa.OpADDSI32: {"ADDS", "CMN"}, isa.OpSUBSI64: {"SUBS", "CMP"}, isa.OpSUBSI32: {"SUBS", "CMP"},
	isa.OpANDI: {"AND"}, isa.OpORRI: {"ORR", "MOV"}, isa.OpEORI: {"EOR"}, isa.OpANDSI: {"ANDS", "TST"},
	isa.OpMOVI: {"MOVZ", "MOVN", "MOV"}, isa.OpMOVK: {"MOVK"},
	isa.OpUBFM64: {"UBFM", "LSL", "LSR", "UBFIZ", "UBFX", "UXTB", "UXTH"}, isa.OpUBFM32: {"UBFM", "LSL", "LSR", "UBFIZ", "UBFX", "UXTB", "UXTH"},
	isa.OpSBFM: {"SBFM", "ASR", "SBFIZ", "SBFX", "SXTB", "SXTH", "SXTW"}, isa.OpBFM: {"BFM", "BFI", "BFXIL", "BFC"},
	isa.OpEXTR: {"EXTR", "ROR"},
	isa.OpADDR: {"ADD"}, isa.OpSUBR: {"SUB", "NEG"}, isa.OpADDSR: {"ADDS", "CMN"}, isa.OpSUBSR: {"SUBS", "CMP", "NEGS"},
	isa.OpADDX: {"ADD"}, isa.OpSUBX: {"SUB"}, isa.OpADDSX: {"ADDS", "CMN"}, isa.OpSUBSX: {"SUBS", "CMP"},
	isa.OpAND: {"AND"}, isa.OpBIC: {"BIC"}, isa.OpORR: {"ORR", "MOV"}, isa.OpORN: {"ORN", "MVN"}, isa.OpEOR: {"EOR"}, isa.OpEON: {"EON"},
	isa.OpANDS: {"ANDS", "TST"}, isa.OpBICS: {"BICS"}, isa.OpMOVR: {"MOV", "ORR"},
	isa.OpADC: {"ADC"}, isa.OpADCS: {"ADCS"}, isa.OpSBC: {"SBC", "NGC"}, isa.OpSBCS: {"SBCS", "NGCS"},
	isa.OpCCMN: {"CCMN"}, isa.OpCCMP: {"CCMP"},
	isa.OpCSEL: {"CSEL"}, isa.OpCSINC: {"CSINC", "CINC", "CSET"}, isa.OpCSINV: {"CSINV", "CINV", "CSETM"}, isa.OpCSNEG: {"CSNEG", "CNEG"},
	isa.OpUDIV: {"UDIV"}, isa.OpSDIV: {"SDIV"}, isa.OpLSLV: {"LSLV", "LSL"}, isa.OpLSRV: {"LSRV", "LSR"}, isa.OpASRV: {"ASRV", "ASR"}, isa.OpRORV: {"RORV", "ROR"},
	isa.OpRBIT: {"RBIT"}, isa.OpREV16: {"REV16"}, isa.OpREV32: {"REV32"}, isa.OpREV: {"REV"}, isa.OpCLZ: {"CLZ"}, isa.OpCLS: {"CLS"},
	isa.OpCRC32: {"CRC32B", "CRC32H", "CRC32W", "CRC32X"}, isa.OpCRC32C: {"CRC32CB", "CRC32CH", "CRC32CW", "CRC32CX"},
	isa.OpMADD: {"MADD", "MUL"}, isa.OpMSUB: {"MSUB", "MNEG"}, isa.OpSMADDL: {"SMADDL", "SMULL"}, isa.OpSMSUBL: {"SMSUBL", "SMNEGL"},
	isa.OpUMADDL: {"UMADDL", "UMULL"}, isa.OpUMSUBL: {"UMSUBL", "UMNEGL"}, isa.OpSMULH: {"SMULH"}, isa.OpUMULH: {"UMULH"},
	isa.OpLDRX: {"LDR", "LDUR", "LDTR"}, isa.OpLDRW: {"LDR", "LDUR", "LDTR"}, isa.OpSTRX: {"STR", "STUR", "STTR"}, isa.OpSTRW: {"STR", "STUR", "STTR"},
	isa.OpLoad: {"LDR", "LDRB", "LDRH", "LDRSB", "LDRSH", "LDRSW", "LDUR", "LDURB", "LDURH", "LDURSB", "LDURSH", "LDURSW",
		"LDTR", "LDTRB", "LDTRH", "LDTRSB", "LDTRSH", "LDTRSW"},
	isa.OpStore: {"STR", "STRB", "STRH", "STUR", "STURB", "STURH", "STTR", "STTRB", "STTRH"},
	isa.OpLDP:   {"LDP", "LDNP", "LDPSW"}, isa.OpSTP: {"STP", "STNP"},
	isa.OpLDXR: {"LDXR", "LDAXR", "LDXRB", "LDAXRB", "LDXRH", "LDAXRH"}, isa.OpSTXR: {"STXR", "STLXR", "STXRB", "STLXRB", "STXRH", "STLXRH"},
	isa.OpLDXP: {"LDXP", "LDAXP"}, isa.OpSTXP: {"STXP", "STLXP"},
	isa.OpLDAR: {"LDAR", "LDARB", "LDARH"}, isa.OpSTLR: {"STLR", "STLRB", "STLRH"},
	isa.OpB: {"B"}, isa.OpBL: {"BL"}, isa.OpBcond: {"B"}, isa.OpCBZ: {"CBZ"}, isa.OpCBNZ: {"CBNZ"}, isa.OpTBZ: {"TBZ"}, isa.OpTBNZ: {"TBNZ"},
	isa.OpBR: {"BR"}, isa.OpBLR: {"BLR"}, isa.OpRET: {"RET"},
	isa.OpNOP: {"NOP", "HINT", "PRFM", "PRFUM", "ESB", "PSB", "CSDB", "BTI"}, isa.OpYIELD: {"YIELD"}, isa.OpWFE: {"WFE"}, isa.OpWFI: {"WFI"}, isa.OpSEV: {"SEV"}, isa.OpSEVL: {"SEVL"},
	isa.OpCLREX: {"CLREX"}, isa.OpDSB: {"DSB"}, isa.OpDMB: {"DMB"}, isa.OpISB: {"ISB"},
	isa.OpMSRimm: {"MSR"}, isa.OpMRS: {"MRS"}, isa.OpMSR: {"MSR"}, isa.OpSYS: {"SYS", "DC", "IC", "TLBI"}, isa.OpDCZVA: {"DC", "SYS"},
	isa.OpSVC: {"SVC"}, isa.OpHVC: {"HVC"}, isa.OpSMC: {"SMC"}, isa.OpBRK: {"BRK"}, isa.OpERET: {"ERET"},
}

// lseOps are the LSE mnemonics (arm64asm may or may not know them).
var lseOps = map[isa.Op]bool{isa.OpCAS: true, isa.OpCASP: true, isa.OpSWP: true, isa.OpLDADD: true, isa.OpLDCLR: true, isa.OpLDEOR: true,
	isa.OpLDSET: true, isa.OpLDSMAX: true, isa.OpLDSMIN: true, isa.OpLDUMAX: true, isa.OpLDUMIN: true}

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
		in := isa.Decode(uint32(w), goldenInsnAddr)
		require.NotEqual(t, isa.OpUndef, in.Op, "%s decoded as UNDEFINED", cols[1])
		if lseOps[in.Op] {
			continue
		}
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(w))
		ref, err := arm64asm.Decode(b[:])
		require.NoError(t, err, cols[1])
		require.Contains(t, arm64asmOps[in.Op], ref.Op.String(), "%s: ours %v, arm64asm %v (%v)", cols[1], in.Op, ref.Op, ref)
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
	in := isa.Decode(w, RAMBase)
	switch {
	case in.Op == isa.OpUndef:
		if !allowedUndef(w, ref) {
			return true, fmt.Errorf("arm64asm %q, we say UNDEFINED", ref.String())
		}
		return true, nil
	case lseOps[in.Op]:
		return true, nil
	case !contains(arm64asmOps[in.Op], ref.Op.String()):
		return true, fmt.Errorf("arm64asm %q, we isa.Decode %v", ref.String(), in.Op)
	}
	return true, sameOperands(in, ref, RAMBase)
}

// regSlots says which register slots of our isa.Inst hold the operands of an op (the others are unused), for
// the ops whose operands are all registers or a branch target.
var regSlots = map[isa.Op]string{
	isa.OpADR: "d", isa.OpMOVI: "d", isa.OpMOVK: "d",
	isa.OpADDI64: "dn", isa.OpADDI32: "dn", isa.OpSUBI64: "dn", isa.OpSUBI32: "dn", isa.OpADDSI64: "dn", isa.OpADDSI32: "dn",
	isa.OpSUBSI64: "dn", isa.OpSUBSI32: "dn", isa.OpANDI: "dn", isa.OpORRI: "dn", isa.OpEORI: "dn", isa.OpANDSI: "dn",
	isa.OpUBFM64: "dn", isa.OpUBFM32: "dn", isa.OpSBFM: "dn", isa.OpBFM: "dn", isa.OpEXTR: "dnm",
	isa.OpADDR: "dnm", isa.OpSUBR: "dnm", isa.OpADDSR: "dnm", isa.OpSUBSR: "dnm", isa.OpADDX: "dnm", isa.OpSUBX: "dnm", isa.OpADDSX: "dnm", isa.OpSUBSX: "dnm",
	isa.OpAND: "dnm", isa.OpBIC: "dnm", isa.OpORR: "dnm", isa.OpORN: "dnm", isa.OpEOR: "dnm", isa.OpEON: "dnm", isa.OpANDS: "dnm", isa.OpBICS: "dnm",
	isa.OpADC: "dnm", isa.OpADCS: "dnm", isa.OpSBC: "dnm", isa.OpSBCS: "dnm",
	isa.OpCSEL: "dnm", isa.OpCSINC: "dnm", isa.OpCSINV: "dnm", isa.OpCSNEG: "dnm",
	isa.OpUDIV: "dnm", isa.OpSDIV: "dnm", isa.OpLSLV: "dnm", isa.OpLSRV: "dnm", isa.OpASRV: "dnm", isa.OpRORV: "dnm", isa.OpCRC32: "dnm", isa.OpCRC32C: "dnm",
	isa.OpRBIT: "dn", isa.OpREV16: "dn", isa.OpREV32: "dn", isa.OpREV: "dn", isa.OpCLZ: "dn", isa.OpCLS: "dn",
	isa.OpMADD: "dnma", isa.OpMSUB: "dnma", isa.OpSMADDL: "dnma", isa.OpSMSUBL: "dnma", isa.OpUMADDL: "dnma", isa.OpUMSUBL: "dnma",
	isa.OpSMULH: "dnm", isa.OpUMULH: "dnm",
	isa.OpB: "", isa.OpBL: "", isa.OpBcond: "", isa.OpCBZ: "n", isa.OpCBNZ: "n", isa.OpTBZ: "n", isa.OpTBNZ: "n", isa.OpBR: "n", isa.OpBLR: "n", isa.OpRET: "n",
}

// operandsCompared counts the words whose operands sameOperands compared.
var operandsCompared int

var asmReg = regexp.MustCompile(`^(?:[WX](\d+|ZR)|W?SP)\b`)

// sameOperands checks, for the ops in regSlots, that we and arm64asm name the same registers in the same
// order, with the zero register left out and a repeat folded (aliases such as CMP, MUL and CINC print neither),
// and, for a PC-relative operand, the same target.
func sameOperands(in isa.Inst, ref arm64asm.Inst, pc uint64) error {
	slots, ok := regSlots[in.Op]
	if !ok {
		return nil
	}
	operandsCompared++
	var ours, theirs []string
	for _, s := range slots {
		r := map[rune]uint8{'d': in.Rd, 'n': in.Rn, 'm': in.Rm, 'a': in.Ra}[s]
		switch {
		case r == cpu.SlotSP:
			ours = append(ours, "sp")
		case r < cpu.SlotZR:
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
			if in.Imm != want {
				return fmt.Errorf("%v: target %#x, we say %#x", ref, want, in.Imm)
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
		return fmt.Errorf("%v: registers %v, we isa.Decode %v with %v", ref, theirs, in.Op, ours)
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
		if _, _, ok := isa.DecodeBitMasks(w>>22&1, w>>10&63, w>>16&63, true, w>>31 == 1); !ok {
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
	in := isa.Decode(w, RAMBase)
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
		in := isa.Decode(w, RAMBase+0x1000)
		if in.Op >= isa.OpCount || in.Op == isa.OpUndecoded {
			t.Fatalf("%08x: bad op %d", w, in.Op)
		}
		// Where arm64asm decodes it as one of our integer instructions, we agree on the mnemonic and operands.
		if _, err := agreesWithArm64asm(w); err != nil {
			t.Fatalf("%08x: %v", w, err)
		}
		// Executing any decoded word never panics and leaves a sane state.
		m, c := newTestMachine(t, w)
		c.X[1], c.X[2] = RAMBase+0x2000, RAMBase+0x2008
		m.Resume([]Action{ActionStep})
		if c.X[cpu.SlotZR] != 0 {
			t.Fatalf("%08x: XZR written", w)
		}
	})
}
