package difftest

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	flagN     = flag.Int("difftest.n", 0, "random sequences to run (default 3000, or $DIFFTEST_N)")
	flagFirst = flag.Uint64("difftest.seed", 1, "first random seed")
	flagSeeds = flag.String("difftest.seeds", "", "comma-separated seeds: run only these (reproduce a failure)")
	flagShow  = flag.Int("difftest.show", 4, "failing sequences to minimize and print in full")
)

const (
	defaultN       = 3000
	batchSize      = 250
	regressionFile = "testdata/regressions.txt"
)

func sequenceCount(t *testing.T) int {
	if *flagN > 0 {
		return *flagN
	}
	if v := os.Getenv("DIFFTEST_N"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "DIFFTEST_N")
		return n
	}
	return defaultN
}

// loadRegressions reads the seeds that once failed (one per line, # comments).
func loadRegressions(t *testing.T) []uint64 {
	f, err := os.Open(regressionFile)
	require.NoError(t, err)
	defer f.Close()
	var seeds []uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		s, err := strconv.ParseUint(line, 10, 64)
		require.NoError(t, err, "%s: %q", regressionFile, line)
		seeds = append(seeds, s)
	}
	require.NoError(t, sc.Err())
	return seeds
}

func requireQEMUAndToolchain(t *testing.T) {
	t.Helper()
	requireTool(t, QEMUBinary)
	requireTool(t, "aarch64-linux-gnu-as")
	requireTool(t, "aarch64-linux-gnu-objdump")
}

// TestDifferential runs seeded random sequences on the simulated machine and
// on qemu-aarch64 and requires identical X0–X30, NZCV and scratch buffers.
func TestDifferential(t *testing.T) {
	requireQEMUAndToolchain(t)
	ctx := context.Background()
	ref, dut := QEMU{Dir: t.TempDir()}, Sim{}

	opt := GenOptions{}
	if skipLSE, why := lseExcluded(ctx, t, ref, dut); skipLSE {
		opt.NoLSE = true
		t.Logf("LSE atomics left out: %s", why)
	}

	var seeds []uint64
	if *flagSeeds != "" {
		for _, f := range strings.Split(*flagSeeds, ",") {
			s, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
			require.NoError(t, err)
			seeds = append(seeds, s)
		}
	} else {
		seeds = loadRegressions(t)
		n := sequenceCount(t)
		for i := range uint64(n) {
			seeds = append(seeds, *flagFirst+i)
		}
	}

	start := time.Now()
	seqsPerClass := map[Class]int{}
	groupsPerClass := map[Class]int{}
	var failures []CaseOutcome
	for lo := 0; lo < len(seeds); lo += batchSize {
		var batch []*Seq
		for _, s := range seeds[lo:min(lo+batchSize, len(seeds))] {
			seq := Generate(s, opt)
			for c, k := range seq.Classes() {
				seqsPerClass[c]++
				groupsPerClass[c] += k
			}
			batch = append(batch, seq)
		}
		bad, err := Compare(ctx, ref, dut, batch)
		require.NoError(t, err, "batch starting at seed %d", batch[0].Seed)
		failures = append(failures, bad...)
	}
	logCoverage(t, seqsPerClass, groupsPerClass, len(seeds), time.Since(start))
	if len(failures) == 0 {
		return
	}

	// Which classes the failing sequences share, to point at the culprit.
	failClass := map[Class]int{}
	for _, f := range failures {
		for c := range f.Seq.Classes() {
			failClass[c]++
		}
	}
	var lines []string
	for _, c := range AllClasses {
		if failClass[c] > 0 {
			lines = append(lines, fmt.Sprintf("%s %d/%d", c, failClass[c], seqsPerClass[c]))
		}
	}
	t.Errorf("%d of %d sequences differ; failing sequences per class (of those run): %s",
		len(failures), len(seeds), strings.Join(lines, ", "))
	var failSeeds []string
	for _, f := range failures {
		failSeeds = append(failSeeds, strconv.FormatUint(f.Seq.Seed, 10))
	}
	t.Logf("failing seeds (add to %s; rerun with -difftest.seeds=...): %s", regressionFile, strings.Join(failSeeds[:min(len(failSeeds), 200)], ","))
	for i, f := range failures[:min(len(failures), *flagShow)] {
		mini := Minimize(ctx, ref, dut, f.Seq, 40)
		report := fmt.Sprintf("failure %d: seed %d\n%s  %s\n", i+1, f.Seq.Seed, strings.Join(f.Diffs, "\n  "), "")
		if len(mini.Groups) < len(f.Seq.Groups) {
			if bad, err := Compare(ctx, ref, dut, []*Seq{mini}); err == nil && len(bad) == 1 {
				report += fmt.Sprintf("minimized to %d of %d groups:\n%s  initial: %s\n  %s\n", len(mini.Groups), len(f.Seq.Groups),
					Listing(mini, bad[0].Image.SeqStart[0]), InitialState(mini), strings.Join(bad[0].Diffs, "\n  "))
			}
		} else {
			report += Listing(f.Seq, f.Image.SeqStart[f.Index]) + "  initial: " + InitialState(f.Seq) + "\n"
		}
		t.Log(report)
	}
}

func logCoverage(t *testing.T, seqs, groups map[Class]int, total int, took time.Duration) {
	var b strings.Builder
	fmt.Fprintf(&b, "%d sequences in %v; sequences (groups) per class:\n", total, took.Round(time.Millisecond))
	classes := append([]Class{}, AllClasses...)
	sort.SliceStable(classes, func(i, j int) bool { return seqs[classes[i]] > seqs[classes[j]] })
	for i, c := range classes {
		fmt.Fprintf(&b, "  %-18s %6d (%6d)", c, seqs[c], groups[c])
		if i%3 == 2 {
			b.WriteByte('\n')
		}
	}
	t.Log(b.String())
}

// lseExcluded probes the simulated machine with one LDADD. LSE is left out
// only when the CPU model says it has no LSE (ID_AA64ISAR0_EL1.Atomic = 0)
// and the machine consistently raises UNDEFINED for it.
func lseExcluded(ctx context.Context, t *testing.T, ref, dut Runner) (bool, string) {
	probe := &Seq{Seed: 0, Base: 1, BaseOff: 64, Groups: []Group{{Class: ClassLSE, Insts: []Inst{Atomic(3, 0, false, false, 2, 3, 1)}}}}
	im := BuildImage([]*Seq{probe})
	res, err := dut.Run(ctx, im)
	require.NoError(t, err, "LSE probe on %s", dut.Name())
	require.Len(t, res, 1)
	if !res[0].Faulted() {
		return false, ""
	}
	atomic, ok := simISAR0Atomic()
	require.True(t, ok, "ID_AA64ISAR0_EL1 unreadable")
	require.Zero(t, atomic, "ID_AA64ISAR0_EL1.Atomic = %d but LDADD raised ESR %#x", atomic, res[0].ESR)
	require.Equal(t, uint64(0), res[0].ESR>>26, "LDADD on a CPU without LSE must be UNDEFINED (EC 0), got ESR %#x", res[0].ESR)
	return true, fmt.Sprintf("the %s CPU model has ID_AA64ISAR0_EL1.Atomic = 0 and raises UNDEFINED for LDADD (checked)", dut.Name())
}

// TestQEMUDeterministic: the same image gives the same results twice, and the
// generator's sequences never fault under QEMU (they stay in their buffer).
func TestQEMUDeterministic(t *testing.T) {
	requireQEMUAndToolchain(t)
	ctx := context.Background()
	q := QEMU{Dir: t.TempDir()}
	var seqs []*Seq
	for i := range 400 {
		seqs = append(seqs, Generate(uint64(1_000_000+i), GenOptions{}))
	}
	im := BuildImage(seqs)
	a, err := q.Run(ctx, im)
	require.NoError(t, err)
	b, err := q.Run(ctx, BuildImage(seqs))
	require.NoError(t, err)
	require.Equal(t, a, b)
	for i := range a {
		require.False(t, a[i].Faulted(), "case %d", i)
	}
}

// TestHarnessKnownValues checks the harness itself on QEMU with hand-made
// sequences whose results are known.
func TestHarnessKnownValues(t *testing.T) {
	requireQEMUAndToolchain(t)
	mk := func(insts ...Inst) *Seq {
		s := &Seq{Base: 28, BaseOff: 16, NZCV: 0x6 << 28}
		for i := range s.Regs {
			s.Regs[i] = uint64(i) * 0x1111
		}
		for i := range s.Buf {
			s.Buf[i] = byte(i)
		}
		for _, in := range insts {
			s.Groups = append(s.Groups, Group{Insts: []Inst{in}})
		}
		return s
	}
	seqs := []*Seq{
		mk(),
		mk(MoveWide(true, 2, 0, 5, 0), AddSubImm(true, false, false, 1, 0, 3, false)),
		mk(AddSubShifted(true, true, true, zr, 3, 3, 0, 0)),                 // cmp x3, x3: Z and C
		mk(LdStUImm(MemStore, 3, 5, 28, 1), LdStUImm(MemLoad, 0, 6, 28, 8)), // str x5,[x28,#8]; ldrb w6,[x28,#8]
		mk(LdStImm9(MemLoad, 3, IdxPost, 7, 28, 16)),                        // ldr x7,[x28],#16
	}
	res, err := QEMU{Dir: t.TempDir()}.Run(context.Background(), BuildImage(seqs))
	require.NoError(t, err)
	require.Len(t, res, len(seqs))
	for n := range 31 {
		if n != 28 {
			require.Equal(t, uint64(n)*0x1111, res[0].Regs[n], "x%d untouched", n)
		}
	}
	require.Equal(t, uint64(0x6<<28), res[0].NZCV)
	require.Equal(t, byte(17), res[0].Buf[17])
	require.Equal(t, uint64(8), res[1].Regs[1])
	require.Equal(t, uint64(0x6<<28), res[2].NZCV)
	require.Equal(t, uint64(5*0x1111&0xff), res[3].Regs[6])
	im := BuildImage(seqs)
	require.Equal(t, im.RecordAddr(4)+recBuf+16+16, res[4].Regs[28], "post-index writeback")
	require.Equal(t, uint64(0x1716151413121110), res[4].Regs[7])
}

// FuzzParseResults: any byte stream parses without panicking.
func FuzzParseResults(f *testing.F) {
	f.Add(make([]byte, outSize))
	f.Add(make([]byte, outSize+3))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, _ := ParseResults(b, 3)
		require.LessOrEqual(t, len(res), 3)
	})
}

// FuzzGenerate: every seed yields a well-formed sequence whose non-LSE words decode.
func FuzzGenerate(f *testing.F) {
	f.Add(uint64(0))
	f.Add(uint64(1) << 63)
	f.Fuzz(func(t *testing.T, seed uint64) {
		s := Generate(seed, GenOptions{})
		again := Generate(seed, GenOptions{})
		require.Equal(t, s.Regs, again.Regs, "deterministic")
		require.Equal(t, s.Words(), again.Words(), "deterministic")
		n := 0
		for _, g := range s.Groups {
			n += len(g.Insts)
		}
		words := s.Words()
		require.Len(t, words, n)
		for _, w := range words {
			if w.Class != ClassLSE {
				require.NotContains(t, Disasm1(w), ".inst", "%08x %s", w.Word, w.Asm)
			}
		}
	})
}

// corrupting wraps a runner and flips X0 of every case containing an
// instruction of class bad: a stand-in for a simulator bug.
type corrupting struct {
	Runner
	bad Class
}

func (c corrupting) Name() string { return "broken" }

func (c corrupting) Run(ctx context.Context, im *Image) ([]Result, error) {
	res, err := c.Runner.Run(ctx, im)
	for i := range res {
		for _, in := range im.SeqWords[i] {
			if in.Class == c.bad {
				res[i].Regs[0] ^= 1
				break
			}
		}
	}
	return res, err
}

// TestCompareAndMinimize: a planted bug is found, and minimization shrinks the
// failing sequence to the group that carries it.
func TestCompareAndMinimize(t *testing.T) {
	requireQEMUAndToolchain(t)
	ctx := context.Background()
	q := QEMU{Dir: t.TempDir()}
	broken := corrupting{Runner: q, bad: ClassExtr}
	var seqs []*Seq
	for i := range 60 {
		seqs = append(seqs, Generate(uint64(5000+i), GenOptions{}))
	}
	bad, err := Compare(ctx, q, broken, seqs)
	require.NoError(t, err)
	require.NotEmpty(t, bad)
	for _, b := range bad {
		require.Contains(t, b.Seq.Classes(), ClassExtr)
		require.Contains(t, b.Diffs[0], "x0 ")
	}
	mini := Minimize(ctx, q, broken, bad[0].Seq, 40)
	require.Len(t, mini.Groups, 1, Listing(mini, 0))
	require.Equal(t, ClassExtr, mini.Groups[0].Class)
}
