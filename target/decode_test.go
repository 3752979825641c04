package target

import (
	"bufio"
	"encoding/binary"
	"math/rand"
	"os"
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
	}
}

// TestDecodeAgreesWithArm64asmOnRandomWords decodes seeded random words with
// both decoders: whenever arm64asm decodes an integer instruction we
// implement, we must not say UNDEFINED, and the mnemonic must agree.
func TestDecodeAgreesWithArm64asmOnRandomWords(t *testing.T) {
	known := map[string]bool{}
	for _, names := range arm64asmOps {
		for _, n := range names {
			known[n] = true
		}
	}
	rng := rand.New(rand.NewSource(1))
	n := 300000
	if testing.Short() {
		n = 30000
	}
	mismatch := 0
	checked := 0
	for i := 0; i < n; i++ {
		w := rng.Uint32()
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], w)
		ref, err := arm64asm.Decode(b[:])
		in := isa.Decode(w, RAMBase)
		if err != nil || !known[ref.Op.String()] || hasFPArg(ref) {
			continue
		}
		checked++
		if in.Op == isa.OpUndef {
			if allowedUndef(w, ref) {
				continue
			}
			mismatch++
			if mismatch < 20 {
				t.Errorf("%08x: arm64asm %q, we say UNDEFINED", w, ref.String())
			}
			continue
		}
		if !contains(arm64asmOps[in.Op], ref.Op.String()) && !lseOps[in.Op] {
			mismatch++
			if mismatch < 20 {
				t.Errorf("%08x: arm64asm %q, we isa.Decode %v", w, ref.String(), in.Op)
			}
		}
	}
	t.Logf("%d words checked against arm64asm, %d mismatches", checked, mismatch)
	require.Greater(t, checked, n/100)
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
		// Executing any decoded word never panics and leaves a sane state.
		m, c := newTestMachine(t, w)
		c.X[1], c.X[2] = RAMBase+0x2000, RAMBase+0x2008
		m.Resume([]Action{ActionStep})
		if c.X[cpu.RegZR] != 0 {
			t.Fatalf("%08x: XZR written", w)
		}
	})
}
