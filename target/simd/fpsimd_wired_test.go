package simd

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWiredAgainstQEMU runs the QEMU differential cases (every template, and random decoded words and
// loads/stores) through the simulated machine's interpreter, where they execute as part of a program (the
// harness's MSR FPCR/FPSR, LDP/STP Q and MRS run there too), and on qemu-aarch64: X0–X30, NZCV and the
// scratch buffer (V0–V7, FPSR, the memory window, the base register) must be the same, and no case may take
// an exception on either. The machine runs with the MMU off, where memory is Device and an access not aligned
// to its element faults (docs/mmu.md), so the loads and stores here are aligned; -simd.words sets their
// number and that of the random words, -simd.seed the operands.
func TestWiredAgainstQEMU(t *testing.T) {
	t.Parallel()
	lines := append(append([]string{}, harnessBefore...), harnessAfter...)
	tpls := templates()
	words, kept := assemble(t, append(lines, asmOf(tpls)...))
	nh := len(lines)
	before, after := words[:len(harnessBefore)], words[len(harnessBefore):nh]
	byAsm := map[string]template{}
	for _, tp := range tpls {
		byAsm[tp.asm] = tp
	}
	r := rand.New(rand.NewPCG(*flagSeed, 17))
	g := operands{r}
	var cases []qemuCase
	for i, asm := range kept[nh:] {
		w := words[nh+i]
		if in := Decode(w); in.Op != OpUndefined && (!in.IsMemory() || alignedInBuffer(&in)) {
			cases = append(cases, g.newCase(byAsm[asm], w, in, r.IntN(4) == 0))
		}
	}
	templated := len(cases)
	for len(cases) < templated+*flagRandomWords/3 {
		w := randomWord(r, 0)
		w = w&^0x3ff | uint32(r.IntN(8))<<5 | uint32(r.IntN(8))
		if bits(w, 28, 24) == 0x1f {
			w = w&^(31<<10) | uint32(r.IntN(8))<<10
		}
		in := Decode(w)
		if in.Op == OpUndefined || in.IsMemory() || in.Rm >= 8 || (in.Op == OpTBL || in.Op == OpTBX) && int(in.Rn)+int(in.Count) > 8 {
			continue
		}
		if in.WritesGen() {
			w = w&^31 | 1
		}
		if in.ReadsGen() {
			w = w&^(31<<5) | 1<<5
		}
		in = Decode(w)
		cases = append(cases, g.newCase(template{asm: fmt.Sprintf("random %s", in), fp: true, esz: min(max(in.Arr.ElemBits(), 8), 64)}, w, in, false))
	}
	for n := len(cases); len(cases) < n+*flagRandomWords/3; {
		if w, in, ok := randomMemoryWord(r); ok && alignedInBuffer(&in) {
			cases = append(cases, g.newCase(template{asm: fmt.Sprintf("random %s", in)}, w, in, true))
		}
	}
	progs := programs(cases, before, after)
	qemu := RunPrograms(t, progs, false)
	ours := RunPrograms(t, progs, true)
	require.Len(t, qemu, len(cases))
	require.Len(t, ours, len(cases))
	failures := 0
	for i := range cases {
		if d := outcomeDiff(&qemu[i], &ours[i]); d != "" {
			failures++
			if failures <= 40 {
				c := &cases[i]
				t.Errorf("%08x %s (fpcr %#x nzcv %#x): %s", c.word, c.tpl.asm, c.fpcr, c.nzcv, d)
			}
		}
	}
	t.Logf("%d cases (%d templates, %d random words and loads/stores), seed %d, on the machine and on qemu-aarch64: %d differ",
		len(cases), templated, len(cases)-templated, *flagSeed, failures)
}

// alignedInBuffer says a load or store of the harness accesses an address aligned to its element (the
// scratch buffer is 16-byte aligned).
func alignedInBuffer(in *Inst) bool {
	addr, _, _ := in.Address(memBase, offsetReg(in.Rm), 0)
	return addr%uint64(max(in.Arr.ElemBits()/8, 1)) == 0
}

// outcomeDiff describes how two outcomes differ ("" if they do not).
func outcomeDiff(q, o *Outcome) string {
	var d []string
	if q.Vector != 0 || o.Vector != 0 {
		return fmt.Sprintf("exception: qemu vector %#x ESR %#x, ours vector %#x ESR %#x ELR %#x", q.Vector, q.ESR, o.Vector, o.ESR, o.ELR)
	}
	for r := range q.Regs {
		if q.Regs[r] != o.Regs[r] {
			d = append(d, fmt.Sprintf("x%d qemu %#x ours %#x", r, q.Regs[r], o.Regs[r]))
		}
	}
	if q.NZCV != o.NZCV {
		d = append(d, fmt.Sprintf("nzcv qemu %#x ours %#x", q.NZCV, o.NZCV))
	}
	for off := 0; off < BufSize; off += 8 {
		if qb, ob := q.Buf[off:off+8], o.Buf[off:off+8]; string(qb) != string(ob) {
			d = append(d, fmt.Sprintf("buf+%d (%s) qemu % x ours % x", off, bufField(off), qb, ob))
		}
	}
	return strings.Join(d, "; ")
}

// bufField names a scratch-buffer offset of the harness.
func bufField(off int) string {
	switch {
	case off >= bufOut && off < bufFPSR:
		return fmt.Sprintf("v%d", (off-bufOut)/16)
	case off == bufFPSR:
		return "fpsr"
	case off == bufNZCV:
		return "nzcv"
	case off == bufBase:
		return "x11"
	case off >= memLo && off < memHi:
		return "memory"
	}
	return "input"
}
