package simd_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/difftest"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"
)

var _ [simd.BufSize]byte = difftest.Seq{}.Buf // the same buffer size

func init() { simd.RunPrograms = runPrograms }

// runPrograms builds difftest images of progs (in batches: qemu slows down sharply on very large images) and
// runs them on qemu-aarch64 or on the machine.
func runPrograms(t *testing.T, progs []*simd.Program, machine bool) []simd.Outcome {
	const batch = 2000
	var out []simd.Outcome
	for lo := 0; lo < len(progs); lo += batch {
		var seqs []*difftest.Seq
		for _, p := range progs[lo:min(lo+batch, len(progs))] {
			seqs = append(seqs, seqOf(p))
		}
		im := difftest.BuildImage(seqs)
		var res []difftest.Result
		var err error
		if machine {
			res, err = difftest.Sim{}.Run(context.Background(), im)
		} else {
			res, err = difftest.RunQEMU(context.Background(), im, t.TempDir())
		}
		require.NoError(t, err)
		for _, r := range res {
			out = append(out, simd.Outcome{Regs: r.Regs, NZCV: r.NZCV, Buf: r.Buf, Vector: r.Vector, ESR: r.ESR, ELR: r.ELR, FAR: r.FAR})
		}
	}
	return out
}

func seqOf(p *simd.Program) *difftest.Seq {
	s := &difftest.Seq{Seed: p.ID, Regs: p.Regs, NZCV: p.NZCV, Buf: p.Buf, Base: p.Base}
	insts := make([]difftest.Inst, len(p.Words))
	for i, w := range p.Words {
		insts[i] = difftest.Inst{Word: w, Asm: p.Asm[i]}
	}
	s.Groups = []difftest.Group{{Class: "simd", Insts: insts}}
	return s
}
