package difftest

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
)

// Runner executes an image and returns one result per case. On an error it
// may still return the results of the cases that completed before it.
type Runner interface {
	Name() string
	Run(ctx context.Context, im *Image) ([]Result, error)
}

// QEMU runs images under qemu-aarch64; Dir is where the ELF files go.
type QEMU struct{ Dir string }

func (QEMU) Name() string { return "qemu" }

func (q QEMU) Run(ctx context.Context, im *Image) ([]Result, error) { return RunQEMU(ctx, im, q.Dir) }

// Diff lists how got differs from want: registers, flags, buffer (8-byte
// granules), or an exception taken by the second machine.
func Diff(want, got *Result, im *Image, i int, wantName, gotName string) []string {
	var d []string
	for _, r := range []*Result{want, got} {
		if r.Faulted() {
			who := wantName
			if r == got {
				who = gotName
			}
			d = append(d, fmt.Sprintf("%s took an exception: vector %#x (%s) ESR=%#x (EC %#x) ELR=%#x%s FAR=%#x",
				who, (r.Vector&0xf)*0x80, vectorName(r.Vector&0xf), r.ESR, r.ESR>>26, r.ELR, im.where(i, r.ELR), r.FAR))
		}
	}
	if len(d) > 0 {
		return d
	}
	regs := func(pass string, w, g *[31]uint64, wf, gf uint64) {
		for n := range w {
			if w[n] != g[n] {
				d = append(d, fmt.Sprintf("%sx%-2d %s 0x%016x %s 0x%016x (xor %#x)", pass, n, wantName, w[n], gotName, g[n], w[n]^g[n]))
			}
		}
		if wf != gf {
			d = append(d, fmt.Sprintf("%snzcv %s %s %s %s", pass, wantName, flagString(wf), gotName, flagString(gf)))
		}
	}
	regs("pass 1: ", &want.Regs1, &got.Regs1, want.NZCV1, got.NZCV1)
	regs("", &want.Regs, &got.Regs, want.NZCV, got.NZCV)
	for off := 0; off < BufSize; off += 8 {
		a, b := binary.LittleEndian.Uint64(want.Buf[off:]), binary.LittleEndian.Uint64(got.Buf[off:])
		if a != b {
			d = append(d, fmt.Sprintf("buf[%#03x] %s 0x%016x %s 0x%016x", off, wantName, a, gotName, b))
		}
	}
	return d
}

func flagString(v uint64) string {
	var b strings.Builder
	for i, c := range "NZCV" {
		if v>>(31-i)&1 == 1 {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

func vectorName(v uint64) string {
	return [...]string{"cur EL SP0", "cur EL SPx", "lower EL A64", "lower EL A32"}[v/4] + " " + [...]string{"sync", "irq", "fiq", "serror"}[v%4]
}

// where names the sequence instruction at pc, if it is one.
func (im *Image) where(i int, pc uint64) string {
	if i < 0 || i >= len(im.SeqStart) || pc < im.SeqStart[i] {
		return ""
	}
	k := int(pc-im.SeqStart[i]) / 4
	if k >= len(im.SeqWords[i]) {
		return ""
	}
	return fmt.Sprintf(" (sequence insn %d: %s)", k, Disasm1(im.SeqWords[i][k]))
}

// Disasm1 renders one instruction: arm64asm's GNU syntax when it decodes,
// otherwise our own text (x/arch does not know LSE).
func Disasm1(in Inst) string {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], in.Word)
	if d, err := arm64asm.Decode(b[:]); err == nil {
		return arm64asm.GNUSyntax(d)
	}
	if in.Asm != "" {
		return in.Asm
	}
	return fmt.Sprintf(".inst %#08x", in.Word)
}

// Listing is the disassembly of a sequence as placed in an image, with the
// group boundaries and classes, for failure reports.
func Listing(s *Seq, start uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: base x%d at buf+%#x, nzcv %s\n", s.Name(), s.Base, s.BaseOff, flagString(s.NZCV))
	words := s.Words()
	k := 0
	for gi, g := range s.Groups {
		for range g.Insts {
			fmt.Fprintf(&b, "  %#x: %08x  %-40s ; g%d %s\n", start+4*uint64(k), words[k].Word, Disasm1(words[k]), gi, g.Class)
			k++
		}
	}
	return b.String()
}

// InitialState renders the initial registers (the base as buf+offset).
func InitialState(s *Seq) string {
	var b strings.Builder
	for n, v := range s.Regs {
		if n == s.Base {
			fmt.Fprintf(&b, "x%d=buf+%#x ", n, s.BaseOff)
			continue
		}
		fmt.Fprintf(&b, "x%d=%#x ", n, v)
	}
	return b.String()
}

// CaseOutcome is the comparison of one case.
type CaseOutcome struct {
	Seq   *Seq
	Image *Image
	Index int
	Diffs []string
	// FaultInsn is the sequence instruction where the machine under test took
	// an exception the reference did not (nil otherwise).
	FaultInsn *Inst
}

// Compare runs one batch on both runners and returns the cases that differ.
// An error means a runner failed in a way that is not a per-case result.
func Compare(ctx context.Context, ref, dut Runner, seqs []*Seq) ([]CaseOutcome, error) {
	im := BuildImage(seqs)
	type out struct {
		res []Result
		err error
	}
	refCh := make(chan out, 1)
	go func() {
		r, err := ref.Run(ctx, im)
		refCh <- out{r, err}
	}()
	dutRes, dutErr := dut.Run(ctx, im)
	refOut := <-refCh
	if refOut.err != nil {
		return nil, fmt.Errorf("%s: %w", ref.Name(), refOut.err)
	}
	if dutErr != nil && len(dutRes) == 0 {
		return nil, fmt.Errorf("%s: %w", dut.Name(), dutErr)
	}
	var bad []CaseOutcome
	for i := range seqs {
		if i >= len(dutRes) {
			bad = append(bad, CaseOutcome{Seq: seqs[i], Image: im, Index: i, Diffs: []string{fmt.Sprintf("%s produced no result: %v", dut.Name(), dutErr)}})
			continue
		}
		if d := Diff(&refOut.res[i], &dutRes[i], im, i, ref.Name(), dut.Name()); len(d) > 0 {
			o := CaseOutcome{Seq: seqs[i], Image: im, Index: i, Diffs: d}
			if r := &dutRes[i]; r.Faulted() && !refOut.res[i].Faulted() && r.ELR >= im.SeqStart[i] {
				if k := int(r.ELR-im.SeqStart[i]) / 4; k < len(im.SeqWords[i]) {
					o.FaultInsn = &im.SeqWords[i][k]
				}
			}
			bad = append(bad, o)
		}
	}
	return bad, nil
}

// signature says how a case failed, so minimization keeps the same failure:
// the faulting instruction word and exception class, or "values".
func signature(o CaseOutcome, dutName string) string {
	for _, d := range o.Diffs {
		if strings.HasPrefix(d, dutName+" took an exception") {
			ec := "EC ?"
			if i := strings.Index(d, "(EC "); i >= 0 {
				if j := strings.IndexByte(d[i:], ')'); j >= 0 {
					ec = d[i+1 : i+j]
				}
			}
			return ec + " at " + faultWord(d)
		}
		if strings.Contains(d, "took an exception") || strings.Contains(d, "produced no result") {
			return d
		}
	}
	return "values"
}

// faultWord extracts the instruction text Diff names for the faulting PC.
func faultWord(d string) string {
	if i := strings.Index(d, "sequence insn "); i >= 0 {
		if j := strings.Index(d[i:], ": "); j >= 0 {
			rest := d[i+j+2:]
			if k := strings.Index(rest, ")"); k >= 0 {
				return rest[:k]
			}
		}
	}
	return "?"
}

// Minimize drops groups from a failing sequence while it still fails the same
// way, trying every single-group deletion of a round in one batch. (Dropping a
// group that moved the base register can leave later accesses unaligned or
// outside the buffer; such candidates fail differently and are not taken.)
func Minimize(ctx context.Context, ref, dut Runner, s *Seq, rounds int) *Seq {
	first, err := Compare(ctx, ref, dut, []*Seq{s})
	if err != nil || len(first) != 1 {
		return s
	}
	want := signature(first[0], dut.Name())
	cur := s
	for range rounds {
		if len(cur.Groups) <= 1 {
			break
		}
		var cands []*Seq
		for drop := range cur.Groups {
			c := *cur
			c.Groups = append(append([]Group{}, cur.Groups[:drop]...), cur.Groups[drop+1:]...)
			cands = append(cands, &c)
		}
		bad, err := Compare(ctx, ref, dut, cands)
		if err != nil {
			break
		}
		var next *Seq
		for _, b := range bad {
			if signature(b, dut.Name()) == want {
				next = b.Seq
				break
			}
		}
		if next == nil {
			break
		}
		cur = next
	}
	return cur
}
