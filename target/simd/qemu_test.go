package simd

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fp"
)

var (
	flagCases       = flag.Int("simd.cases", 4, "random operand sets per template in the qemu differential test")
	flagSeed        = flag.Uint64("simd.seed", 1, "seed of the qemu differential test's operands")
	flagRandomWords = flag.Int("simd.words", 3000, "random decoded words in the qemu differential test")
)

// Buffer layout of one case (difftest's scratch buffer, base in x9).
const (
	bufIn   = 0   // v0..v7 before
	bufFPCR = 128 // FPCR to run with
	bufOut  = 256 // v0..v7 after
	bufFPSR = 384
	bufNZCV = 392
	bufBase = 400 // x11 - x9 after

	// Loads and stores use x11 = x9 + memBase, x12 = 4 and x13 (w13 = -1)
	// as offsets, and stay inside [memLo, memHi).
	memBase = 160
	memLo   = 136
	memHi   = 256
	x12     = 4
	x13     = 0x12345678_ffffffff
)

// harness is the code around each template: set FPCR, clear FPSR, load
// v0..v7; after the instruction store v0..v7, FPSR and NZCV.
var harnessBefore = []string{
	"ldr x10, [x9, #128]", "msr fpcr, x10", "msr fpsr, xzr", "add x11, x9, #160",
	"ldp q0, q1, [x9]", "ldp q2, q3, [x9, #32]", "ldp q4, q5, [x9, #64]", "ldp q6, q7, [x9, #96]",
}
var harnessAfter = []string{
	"stp q0, q1, [x9, #256]", "stp q2, q3, [x9, #288]", "stp q4, q5, [x9, #320]", "stp q6, q7, [x9, #352]",
	"mrs x10, fpsr", "str x10, [x9, #384]", "mrs x10, nzcv", "str x10, [x9, #392]",
	"sub x10, x11, x9", "str x10, [x9, #400]",
}

// assemble returns the words of lines, dropping (and returning) the lines
// the assembler rejects.
func assemble(t *testing.T, lines []string) (words []uint32, kept []string) {
	as, err := exec.LookPath("aarch64-linux-gnu-as")
	require.NoError(t, err, "aarch64-linux-gnu-as (make deps)")
	dir := t.TempDir()
	src, obj := filepath.Join(dir, "t.s"), filepath.Join(dir, "t.o")
	errLine := regexp.MustCompile(`t\.s:(\d+): Error`)
	for {
		require.NoError(t, os.WriteFile(src, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
		out, err := exec.Command(as, "-o", obj, src).CombinedOutput()
		if err == nil {
			break
		}
		bad := map[int]bool{}
		for _, m := range errLine.FindAllStringSubmatch(string(out), -1) {
			n, _ := strconv.Atoi(m[1])
			bad[n-1] = true
		}
		require.NotEmpty(t, bad, "%s", out)
		var next []string
		for i, l := range lines {
			if !bad[i] {
				next = append(next, l)
			}
		}
		lines = next
	}
	f, err := elf.Open(obj)
	require.NoError(t, err)
	defer f.Close()
	b, err := f.Section(".text").Data()
	require.NoError(t, err)
	require.Equal(t, len(lines)*4, len(b))
	for i := range lines {
		words = append(words, binary.LittleEndian.Uint32(b[4*i:]))
	}
	return words, lines
}

// operand generator: lanes of edge and random values.
type operands struct{ r *rand.Rand }

func (g operands) intLane(e int) uint64 {
	m := mask(e)
	switch g.r.IntN(10) {
	case 0:
		return 0
	case 1:
		return m // -1
	case 2:
		return 1 << uint(e-1) // signed min
	case 3:
		return m >> 1 // signed max
	case 4:
		return uint64(g.r.IntN(5)) // small
	case 5:
		return (m - uint64(g.r.IntN(4))) & m
	case 6:
		return uint64(g.r.IntN(256)) - 128&m
	}
	return g.r.Uint64() & m
}

func (g operands) fpLane(e int) uint64 {
	f := fp.Format(e)
	exp := map[int]int{16: 5, 32: 8, 64: 11}[e]
	frac := e - 1 - exp
	sign := uint64(g.r.IntN(2)) << uint(e-1)
	expMax := uint64(1)<<uint(exp) - 1
	bias := expMax >> 1
	var v uint64
	switch g.r.IntN(14) {
	case 0:
		v = 0
	case 1:
		v = expMax << uint(frac) // Inf
	case 2:
		v = expMax<<uint(frac) | 1<<uint(frac-1) | g.r.Uint64()&mask(frac-1) // qNaN
	case 3:
		v = expMax<<uint(frac) | 1 + g.r.Uint64()&mask(frac-2) // sNaN
	case 4:
		v = g.r.Uint64() & mask(frac) // subnormal
	case 5:
		v = 1 << uint(frac) // min normal
	case 6:
		v = (expMax-1)<<uint(frac) | mask(frac) // max finite
	case 7: // near 1: small integers and halves
		v = (bias+uint64(g.r.IntN(4)))<<uint(frac) | uint64(g.r.IntN(4))<<uint(frac-2)
	case 8: // around the integer conversion limits
		v = (bias+uint64(30+g.r.IntN(4)))<<uint(frac) | g.r.Uint64()&mask(frac)&^mask(frac-3)
	case 9:
		v = (bias+62+uint64(g.r.IntN(3)))<<uint(frac) | g.r.Uint64()&mask(frac)&^mask(frac-2)
	default:
		v = (bias-8+uint64(g.r.IntN(16)))<<uint(frac) | g.r.Uint64()&mask(frac)
	}
	_ = f
	return v | sign
}

func (g operands) vec(fpOps bool, e int) Vec {
	var v Vec
	if e == 0 {
		return Vec{g.r.Uint64(), g.r.Uint64()}
	}
	for i := 0; i < 128/e; i++ {
		if fpOps && e >= 16 {
			v.SetElem(e, i, g.fpLane(e))
		} else {
			v.SetElem(e, i, g.intLane(e))
		}
	}
	return v
}

// tableIndex gives TBL/TBX indices mostly in range of 1–4 tables.
func (g operands) tableIndex() Vec {
	var v Vec
	for i := 0; i < 16; i++ {
		v.SetElem(8, i, uint64(g.r.IntN(72)))
	}
	return v
}

type qemuCase struct {
	tpl  template
	word uint32
	in   Inst
	v    [8]Vec
	x1   uint64
	fpcr uint32
	nzcv uint8
	mem  [memHi - memLo]byte
}

// TestQEMUDifferential runs every template with random and edge operands
// under qemu-aarch64 (through difftest's image builder and runner, RunPrograms) and
// requires Decode + Exec to leave the same V registers, FPSR, NZCV and x1.
func TestQEMUDifferential(t *testing.T) {
	t.Parallel() // mostly waiting for qemu-aarch64
	tpls := templates()
	lines := append(append(append([]string{}, harnessBefore...), harnessAfter...), asmOf(tpls)...)
	words, kept := assemble(t, lines)
	logRejected(t, lines, kept)
	nh := len(harnessBefore) + len(harnessAfter)
	before, after := words[:len(harnessBefore)], words[len(harnessBefore):nh]
	byAsm := map[string]template{}
	for _, tp := range tpls {
		byAsm[tp.asm] = tp
	}
	rejected := len(lines) - len(kept)
	g := operands{rand.New(rand.NewPCG(*flagSeed, 15))}
	var cases []qemuCase
	undecoded := 0
	for i, asm := range kept[nh:] {
		w := words[nh+i]
		in := Decode(w)
		if in.Op == OpUndefined {
			undecoded++
			t.Logf("not decoded: %08x %s", w, asm)
			continue
		}
		for k := 0; k < *flagCases; k++ {
			cases = append(cases, g.newCase(byAsm[asm], w, in, k == 0))
		}
	}
	failures := runCases(t, cases, before, after)
	t.Logf("%d templates (%d rejected by the assembler, %d not decoded), %d cases run on qemu-aarch64 and compared, %d differ",
		len(kept)-nh, rejected, undecoded, len(cases), failures)
}

// newCase draws the operands of one case (FPCR 0 when plainFPCR).
func (g operands) newCase(tp template, w uint32, in Inst, plainFPCR bool) qemuCase {
	r := g.r
	c := qemuCase{tpl: tp, word: w, in: in}
	for j := range c.v {
		c.v[j] = g.vec(tp.fp, tp.esz)
	}
	if in.Op == OpTBL || in.Op == OpTBX {
		c.v[1] = g.tableIndex()
	}
	c.x1 = g.intLane(64)
	for j := range c.mem {
		c.mem[j] = byte(r.Uint32())
	}
	c.fpcr = uint32(r.IntN(4))<<22 | uint32(r.IntN(2))<<24 | uint32(r.IntN(2))<<25 | uint32(r.IntN(4)/3)<<26 // RMode, FZ, DN, sometimes AHP
	if plainFPCR {
		c.fpcr = 0
	}
	c.nzcv = uint8(r.IntN(16))
	return c
}

// runCases runs the cases under qemu-aarch64 and checks each; it returns
// the number that differ (the first 40 are reported).
func runCases(t *testing.T, cases []qemuCase, before, after []uint32) int {
	res := RunPrograms(t, programs(cases, before, after), false)
	failures := 0
	for i, c := range cases {
		if msg := c.check(&res[i]); msg != "" {
			failures++
			if failures <= 40 {
				t.Errorf("%s", msg)
			}
		}
	}
	return failures
}

func programs(cases []qemuCase, before, after []uint32) []*Program {
	progs := make([]*Program, len(cases))
	for i := range cases {
		progs[i] = cases[i].program(before, after, uint64(i))
	}
	return progs
}

// TestQEMURandomWords runs random words we decode under qemu-aarch64 (V
// register fields kept to V0–V7, general registers to x1, loads and stores
// inside the window): the forms and register combinations no template
// names.
func TestQEMURandomWords(t *testing.T) {
	t.Parallel()
	lines := append(append([]string{}, harnessBefore...), harnessAfter...)
	words, _ := assemble(t, lines)
	before, after := words[:len(harnessBefore)], words[len(harnessBefore):]
	r := rand.New(rand.NewPCG(*flagSeed, 16))
	g := operands{r}
	var cases []qemuCase
	for len(cases) < *flagRandomWords {
		w := randomWord(r, 0)
		w = w&^0x3ff | uint32(r.IntN(8))<<5 | uint32(r.IntN(8)) // Rn, Rd in V0-V7
		if bits(w, 28, 24) == 0x1f {                            // FP 3-source: Ra too
			w = w&^(31<<10) | uint32(r.IntN(8))<<10
		}
		in := Decode(w)
		if in.Op == OpUndefined || in.IsMemory() {
			continue
		}
		if in.WritesGen() {
			w = w&^31 | 1
		}
		if in.ReadsGen() {
			w = w&^(31<<5) | 1<<5
		}
		if in = Decode(w); in.Rm >= 8 || (in.Op == OpTBL || in.Op == OpTBX) && int(in.Rn)+int(in.Count) > 8 {
			continue
		}
		fpOps := strings.HasPrefix(in.Op.String(), "F") || strings.Contains(in.Op.String(), "CVTF")
		tp := template{asm: fmt.Sprintf("random %s", in), fp: fpOps, esz: max(in.Arr.ElemBits(), 8)}
		if in.Arr.ElemBits() > 64 {
			tp.esz = 64
		}
		cases = append(cases, g.newCase(tp, w, in, r.IntN(4) == 0))
	}
	nonMemory := len(cases)
	for len(cases) < nonMemory+*flagRandomWords/2 {
		if w, in, ok := randomMemoryWord(r); ok {
			cases = append(cases, g.newCase(template{asm: fmt.Sprintf("random %s", in)}, w, in, true))
		}
	}
	failures := runCases(t, cases, before, after)
	t.Logf("%d random decoded words (%d loads/stores) run on qemu-aarch64 and compared, %d differ", len(cases), len(cases)-nonMemory, failures)
}

// randomMemoryWord is a random load/store we decode, based on x11 with x12
// or x13 as the offset register, whose registers are V0–V7 and whose
// access stays inside the window.
func randomMemoryWord(r *rand.Rand) (uint32, Inst, bool) {
	w := randomWord(r, 1)
	w = w&^(31<<5) | 11<<5
	if bits(w, 29, 27) == 7 && bit(w, 24) { // unsigned offset: a small imm12
		w = w&^(0xfff<<10) | uint32(r.IntN(6))<<10
	}
	in := Decode(w)
	if in.Op == OpUndefined || in.Addr == AddrLiteral {
		return 0, in, false
	}
	if in.Addr == AddrReg || in.Addr == AddrPostReg {
		w = w&^(31<<16) | uint32(12+r.IntN(2))<<16
		in = Decode(w)
	}
	index := uint64(x12)
	if in.Rm == 13 {
		index = x13
	}
	addr, _, _ := in.Address(memBase, index, 0)
	last := int(in.Rd) + max(int(in.Count), 1) - 1
	if addr < memLo || addr > memHi || addr+uint64(in.MemSize()) > memHi || last >= 8 || in.Ra >= 8 {
		return 0, in, false
	}
	return w, in, true
}

func asmOf(ts []template) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.asm
	}
	return out
}

func (c *qemuCase) program(before, after []uint32, id uint64) *Program {
	p := &Program{ID: id, Base: 9}
	for i, v := range c.v {
		binary.LittleEndian.PutUint64(p.Buf[bufIn+16*i:], v[0])
		binary.LittleEndian.PutUint64(p.Buf[bufIn+16*i+8:], v[1])
	}
	binary.LittleEndian.PutUint64(p.Buf[bufFPCR:], uint64(c.fpcr))
	p.Regs[1] = c.x1
	p.Regs[12], p.Regs[13] = x12, x13
	copy(p.Buf[memLo:memHi], c.mem[:])
	p.NZCV = uint64(c.nzcv) << 28
	p.Words = append(append(append(p.Words, before...), c.word), after...)
	p.Asm = make([]string, len(p.Words))
	p.Asm[len(before)] = c.tpl.asm
	return p
}

// check runs the case on our side and compares it with qemu's result.
func (c *qemuCase) check(r *Outcome) string {
	st := State{FPCR: fp.FPCR(c.fpcr), NZCV: c.nzcv}
	copy(st.V[:8], c.v[:])
	in := c.in
	gen := c.x1
	if in.ReadsGen() && in.Rn == 31 {
		gen = 0
	}
	mem := c.mem
	base := uint64(memBase)
	var out uint64
	var ok bool
	if in.IsMemory() {
		if msg := c.runMemory(&in, &st, &mem, &base); msg != "" {
			return msg
		}
	} else if out, ok = Exec(&in, &st, gen); !ok {
		return fmt.Sprintf("%08x %s: Exec does not run %s", c.word, c.tpl.asm, in)
	}
	x1 := c.x1
	if in.WritesGen() {
		x1 = out
	}
	var diffs []string
	for i := 0; i < 8; i++ {
		q := Vec{binary.LittleEndian.Uint64(r.Buf[bufOut+16*i:]), binary.LittleEndian.Uint64(r.Buf[bufOut+16*i+8:])}
		if q != st.V[i] {
			diffs = append(diffs, fmt.Sprintf("v%d qemu %016x_%016x ours %016x_%016x", i, q[1], q[0], st.V[i][1], st.V[i][0]))
		}
	}
	const fpsrMask = 0x9f | FPSRQC
	if q := uint32(binary.LittleEndian.Uint64(r.Buf[bufFPSR:])) & fpsrMask; q != st.FPSR&fpsrMask {
		diffs = append(diffs, fmt.Sprintf("fpsr qemu %#x ours %#x", q, st.FPSR&fpsrMask))
	}
	if q := uint8(binary.LittleEndian.Uint64(r.Buf[bufNZCV:]) >> 28); q != st.NZCV {
		diffs = append(diffs, fmt.Sprintf("nzcv qemu %#x ours %#x", q, st.NZCV))
	}
	if q := binary.LittleEndian.Uint64(r.Buf[bufBase:]); q != base {
		diffs = append(diffs, fmt.Sprintf("x11 qemu buf+%#x ours buf+%#x", q, base))
	}
	if !bytes.Equal(r.Buf[memLo:memHi], mem[:]) {
		diffs = append(diffs, fmt.Sprintf("memory qemu % x ours % x", r.Buf[memLo:memHi], mem[:]))
	}
	if r.Regs[1] != x1 {
		diffs = append(diffs, fmt.Sprintf("x1 qemu %#x ours %#x", r.Regs[1], x1))
	}
	if len(diffs) == 0 {
		return ""
	}
	var ins []string
	for i, v := range c.v[:4] {
		ins = append(ins, fmt.Sprintf("v%d=%016x_%016x", i, v[1], v[0]))
	}
	return fmt.Sprintf("%08x %s (fpcr %#x nzcv %#x x1 %#x %s): %s", c.word, c.tpl.asm, c.fpcr, c.nzcv, c.x1, strings.Join(ins, " "), strings.Join(diffs, "; "))
}

// logRejected names the templates the assembler refused (forms that do
// not exist, generated by the loops over arrangements and shifts).
func logRejected(t *testing.T, lines, kept []string) {
	ok := map[string]bool{}
	for _, l := range kept {
		ok[l] = true
	}
	var bad []string
	for _, l := range lines {
		if !ok[l] {
			bad = append(bad, l)
		}
	}
	if len(bad) > 0 {
		t.Logf("the assembler rejects: %s", strings.Join(bad, "; "))
	}
}

// offsetReg is the harness's value of offset register rm: x12, x13, else XZR.
func offsetReg(rm uint8) uint64 {
	switch rm {
	case 12:
		return x12
	case 13:
		return x13
	}
	return 0
}

// runMemory is our side of a load or store: addresses are buffer offsets.
func (c *qemuCase) runMemory(in *Inst, st *State, mem *[memHi - memLo]byte, base *uint64) string {
	addr, nb, wb := in.Address(*base, offsetReg(in.Rm), 0)
	n := in.MemSize()
	if addr < memLo || addr > memHi || addr+uint64(n) > memHi {
		return fmt.Sprintf("%08x %s: the template leaves the window (%#x+%d)", c.word, c.tpl.asm, addr, n)
	}
	p := mem[addr-memLo : addr-memLo+uint64(n)]
	if in.IsLoad() {
		Load(in, &st.V, p)
	} else {
		Store(in, &st.V, p)
	}
	if wb {
		*base = nb
	}
	return ""
}
