package difftest

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/arch/arm64/arm64asm"
)

// sampleInsts collects the distinct instructions of the first n sequences.
func sampleInsts(n int) []Inst {
	seen := map[uint32]bool{}
	var out []Inst
	for i := range n {
		for _, in := range Generate(uint64(i), GenOptions{}).Words() {
			if !seen[in.Word] {
				seen[in.Word] = true
				out = append(out, in)
			}
		}
	}
	return out
}

func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: run `make deps` (the differential test needs the AArch64 cross binutils and qemu-user)", name)
	}
	return p
}

// TestHarnessMatchesGas: the image's own code (prologues, epilogues, vectors,
// exit paths) assembles to the same words with gas; an out-of-range field
// would make gas refuse the text.
func TestHarnessMatchesGas(t *testing.T) {
	as := requireTool(t, "aarch64-linux-gnu-as")
	seqs := []*Seq{Generate(1, GenOptions{}), Generate(2, GenOptions{})}
	var lay layout
	ci, a := emitCode(seqs, lay)
	lay = layout{finish: ci.finishAddr, report: ci.reportAddr, vectors: ci.vectorsAddr, faultCommon: ci.faultAddr, data: 0x4010_0000}
	_, a = emitCode(seqs, lay)
	var src strings.Builder
	src.WriteString(".text\n")
	var want []Inst
	for _, in := range a.insts {
		if in.Asm == "" {
			continue
		}
		want = append(want, in)
		fmt.Fprintf(&src, "\t%s\n", in.Asm)
	}
	require.Greater(t, len(want), 200)
	dir := t.TempDir()
	s, o := filepath.Join(dir, "harness.s"), filepath.Join(dir, "harness.o")
	require.NoError(t, os.WriteFile(s, []byte(src.String()), 0o644))
	out, err := exec.Command(as, "-march=armv8.1-a", "-o", o, s).CombinedOutput()
	require.NoError(t, err, "gas rejected harness text:\n%s", firstLines(string(out), 30))
	text := textSection(t, o)
	require.Len(t, text, 4*len(want))
	for i, in := range want {
		require.Equal(t, fmt.Sprintf("%08x", in.Word), fmt.Sprintf("%08x", binary.LittleEndian.Uint32(text[4*i:])), in.Asm)
	}
}

// TestEncodingsMatchGas assembles the GNU text of a sample of generated
// instructions with aarch64-linux-gnu-as and requires the same words.
func TestEncodingsMatchGas(t *testing.T) {
	as := requireTool(t, "aarch64-linux-gnu-as")
	insts := sampleInsts(400)
	var src strings.Builder
	var want []Inst
	src.WriteString(".text\n")
	for _, in := range insts {
		if in.Asm == "" {
			continue
		}
		want = append(want, in)
		fmt.Fprintf(&src, "\t%s\n", in.Asm)
	}
	require.Greater(t, len(want), 2000, "sample too small")
	dir := t.TempDir()
	s, o := filepath.Join(dir, "sample.s"), filepath.Join(dir, "sample.o")
	require.NoError(t, os.WriteFile(s, []byte(src.String()), 0o644))
	out, err := exec.Command(as, "-march=armv8.1-a", "-o", o, s).CombinedOutput()
	require.NoError(t, err, "gas rejected generated text:\n%s", firstLines(string(out), 30))
	text := textSection(t, o)
	require.Len(t, text, 4*len(want))
	bad := 0
	for i, in := range want {
		if got := binary.LittleEndian.Uint32(text[4*i:]); got != in.Word {
			bad++
			if bad <= 20 {
				t.Errorf("%-40s ours %08x gas %08x (class %s)", in.Asm, in.Word, got, in.Class)
			}
		}
	}
	t.Logf("%d instructions agree with gas", len(want)-bad)
}

// TestEncodingsDecode requires every generated word outside LSE (which
// x/arch does not know) to decode with arm64asm, and a sample of all of them
// (LSE included) to disassemble with aarch64-linux-gnu-objdump as a real instruction.
func TestEncodingsDecode(t *testing.T) {
	insts := sampleInsts(400)
	for _, in := range insts {
		if in.Class == ClassLSE {
			continue
		}
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], in.Word)
		_, err := arm64asm.Decode(b[:])
		require.NoError(t, err, "%08x %s (%s)", in.Word, in.Asm, in.Class)
	}

	objdump := requireTool(t, "aarch64-linux-gnu-objdump")
	dir := t.TempDir()
	bin := filepath.Join(dir, "sample.bin")
	var raw []byte
	for _, in := range insts {
		raw = binary.LittleEndian.AppendUint32(raw, in.Word)
	}
	require.NoError(t, os.WriteFile(bin, raw, 0o644))
	out, err := exec.Command(objdump, "-D", "-b", "binary", "-m", "aarch64", bin).Output()
	require.NoError(t, err)
	lines := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), "\t", 3)
		if len(f) < 3 || !strings.HasSuffix(strings.TrimSpace(f[0]), ":") {
			continue
		}
		lines++
		dis := f[2]
		if strings.HasPrefix(dis, ".inst") || strings.Contains(dis, "undefined") || strings.HasPrefix(dis, "udf") {
			idx := lines - 1
			t.Errorf("objdump does not know %s: %s (ours: %s)", f[1], dis, insts[idx].Asm)
		}
	}
	require.Equal(t, len(insts), lines)
}

func textSection(t *testing.T, path string) []byte {
	t.Helper()
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sec := f.Section(".text")
	require.NotNil(t, sec)
	b, err := sec.Data()
	require.NoError(t, err)
	return b
}

func firstLines(s string, n int) string {
	ls := strings.SplitN(s, "\n", n+1)
	return strings.Join(ls[:min(n, len(ls))], "\n")
}

// TestEncodingsGolden pins a few encodings to words from the Arm ARM
// examples / objdump, independent of the assembler.
func TestEncodingsGolden(t *testing.T) {
	cases := []struct {
		in   Inst
		want uint32
	}{
		{AddSubImm(true, false, false, 0, 1, 1, false), 0x91000420}, // add x0, x1, #1
		{AddSubImm(true, true, true, zr, 2, 3, false), 0xf1000c5f},  // cmp x2, #3
		{MoveWide(true, 2, 0, 0x0008, 0), 0xd2800100},               // movz x0, #8
		{MoveWide(true, 3, 0, 0x8400, 1), 0xf2b08000},               // movk x0, #0x8400, lsl #16
		{Hvc0, 0xd4000002}, // hvc #0
		{LdStPair(PairX, PairPre, false, 29, 30, 31, -2), 0xa9bf7bfd},                // stp x29, x30, [sp, #-16]!
		{LdStUImm(MemLoad, 3, 0, 1, 1), 0xf9400420},                                  // ldr x0, [x1, #8]
		{DP2(true, OpSDIV, 0, 1, 2), 0x9ac20c20},                                     // sdiv x0, x1, x2
		{CondSelect(true, 1, 0, zr, zr, 1), 0x9a9f17e0},                              // cset x0, eq (csinc x0, xzr, xzr, ne)
		{Exclusive(3, true, false, 0, 0, 1), 0xc85f7c20},                             // ldxr x0, [x1]
		{Atomic(3, 0, false, false, 2, 3, 1), 0xf8220023},                            // ldadd x2, x3, [x1]
		{CRC32(false, 0, 2, 3, 4), 0x1ac44062},                                       // crc32b w2, w3, w4
		{LogicalImm(true, 1, 0, zr, Bitmask{Size: 64, Ones: 8, Rot: 0}), 0xb2401fe0}, // mov x0, #0xff
	}
	for _, c := range cases {
		require.Equal(t, fmt.Sprintf("%08x", c.want), fmt.Sprintf("%08x", c.in.Word), c.in.Asm)
	}
}

// TestFailureSignature: minimization keys on the faulting instruction and class.
func TestFailureSignature(t *testing.T) {
	cases := []struct {
		diffs []string
		want  string
	}{
		{[]string{"x3  qemu 0x1 sim 0x2"}, "values"},
		{[]string{"sim took an exception: vector 0x200 (cur EL SPx sync) ESR=0x2000000 (EC 0x0) ELR=0x40000090 (sequence insn 0: crc32b w2, w3, w4) FAR=0x0"}, "EC 0x0 at crc32b w2, w3, w4"},
		{[]string{"sim took an exception: vector 0x200 (cur EL SPx sync) ESR=0x96000021 (EC 0x25) ELR=0x1 FAR=0x0"}, "EC 0x25 at ?"},
		{[]string{"sim took an exception: garbage"}, "EC ? at ?"},
	}
	for _, c := range cases {
		require.Equal(t, c.want, signature(CaseOutcome{Diffs: c.diffs}, "sim"))
	}
}
