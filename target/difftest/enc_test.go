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
