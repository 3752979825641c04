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
	flagN     = flag.Int("difftest.n", 0, "random sequences to run (default 8000, or $DIFFTEST_N)")
	flagFirst = flag.Uint64("difftest.seed", 1, "first random seed")
	flagSeeds = flag.String("difftest.seeds", "", "comma-separated seeds: run only these (reproduce a failure)")
	flagShow  = flag.Int("difftest.show", 4, "failing sequences to minimize and print in full")
	flagSkip  = flag.String("difftest.exclude", "", "comma-separated classes to leave out (triage only)")
)

const (
	defaultN       = 8000
	batchSize      = 500
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

	opt := GenOptions{Exclude: map[Class]bool{}}
	for i, f := range optionalFeatures {
		if skip, why := featureExcluded(ctx, t, dut, i); skip {
			opt.Exclude[f.class] = true
			t.Logf("%s left out: %s", f.class, why)
		}
	}
	if *flagSkip != "" {
		for _, c := range strings.Split(*flagSkip, ",") {
			opt.Exclude[Class(strings.TrimSpace(c))] = true
		}
		t.Logf("classes left out by -difftest.exclude: %s", *flagSkip)
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
		seeds = dedupe(seeds)
	}

	start := time.Now()
	fixed := regressionSeqs(opt)
	if *flagSeeds != "" {
		fixed = nil
	}
	seqsPerClass := map[Class]int{}
	groupsPerClass := map[Class]int{}
	var failures []CaseOutcome
	for lo := 0; lo < len(seeds); lo += batchSize {
		var batch []*Seq
		if lo == 0 {
			batch = append(batch, fixed...)
		}
		for _, s := range seeds[lo:min(lo+batchSize, len(seeds))] {
			seq := Generate(s, opt)
			for c, k := range seq.Classes() {
				seqsPerClass[c]++
				groupsPerClass[c] += k
			}
			batch = append(batch, seq)
		}
		bad, err := Compare(ctx, ref, dut, batch)
		require.NoError(t, err, "batch starting at %s", batch[0].Name())
		failures = append(failures, bad...)
	}
	logCoverage(t, seqsPerClass, groupsPerClass, len(seeds)+len(fixed), time.Since(start))
	if len(failures) == 0 {
		return
	}

	// Which classes the failing sequences share, highest failure rate first,
	// and which instructions faulted on the machine under test.
	failClass := map[Class]int{}
	faults := map[Class]int{}
	faultExample := map[Class]string{}
	for _, f := range failures {
		for c := range f.Seq.Classes() {
			failClass[c]++
		}
		if f.FaultInsn != nil {
			faults[f.FaultInsn.Class]++
			faultExample[f.FaultInsn.Class] = fmt.Sprintf("%08x %s", f.FaultInsn.Word, Disasm1(*f.FaultInsn))
		}
	}
	classes := append([]Class{}, AllClasses...)
	rate := func(c Class) float64 { return float64(failClass[c]) / float64(max(1, seqsPerClass[c])) }
	sort.SliceStable(classes, func(i, j int) bool { return rate(classes[i]) > rate(classes[j]) })
	var lines []string
	for _, c := range classes {
		if failClass[c] > 0 {
			lines = append(lines, fmt.Sprintf("%s %d/%d", c, failClass[c], seqsPerClass[c]))
		}
	}
	t.Errorf("%d of %d sequences differ; failing/run sequences per class, worst first: %s",
		len(failures), len(seeds)+len(fixed), strings.Join(lines, ", "))
	for _, c := range AllClasses {
		if faults[c] > 0 {
			t.Logf("%s took an exception in %d sequences at a %s instruction, e.g. %s", dut.Name(), faults[c], c, faultExample[c])
		}
	}
	var failSeeds, failFixed []string
	for _, f := range failures {
		if f.Seq.Seed >= 1<<63 {
			failFixed = append(failFixed, f.Seq.Name())
			continue
		}
		failSeeds = append(failSeeds, strconv.FormatUint(f.Seq.Seed, 10))
	}
	if len(failFixed) > 0 {
		t.Logf("fixed regression sequences that fail (regressionSeqs): %s", strings.Join(failFixed, ","))
	}
	t.Logf("failing seeds (add to %s; rerun with -difftest.seeds=...): %s", regressionFile, strings.Join(failSeeds[:min(len(failSeeds), 200)], ","))
	for i, f := range failures[:min(len(failures), *flagShow)] {
		mini := Minimize(ctx, ref, dut, f.Seq, 40)
		report := fmt.Sprintf("failure %d: %s\n  %s\n", i+1, f.Seq.Name(), strings.Join(f.Diffs, "\n  "))
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

// regressionSeqs are fixed sequences for bugs the simulator once had, kept
// whatever the generator does (their seeds are 1<<63 + n, outside the random range).
func regressionSeqs(opt GenOptions) []*Seq {
	mk := func(n uint64, c Class, insts ...Inst) *Seq {
		s := &Seq{Seed: 1<<63 + n, Base: 9, BaseOff: 128, NZCV: 0xa << 28}
		for i := range s.Regs {
			s.Regs[i] = 0x0123456789abcdef * uint64(i+1)
		}
		for i := range s.Buf {
			s.Buf[i] = byte(i * 7)
		}
		for _, in := range insts {
			in.Class = c
			s.Groups = append(s.Groups, Group{Class: c, Insts: []Inst{in}})
		}
		return s
	}
	var out []*Seq
	if !opt.Exclude[ClassLSE] {
		// LSE atomics with the acquire/release bits were UNDEFINED (decoded as
		// plain loads/stores with opc 2/3): every op, size and ordering.
		var insts []Inst
		for op := range uint32(9) {
			for size := range uint32(4) {
				insts = append(insts, Atomic(size, op, true, true, 1, 2, 9), Atomic(size, op, true, false, 3, zr, 9), Atomic(size, op, false, true, 4, 5, 9))
			}
		}
		for size := range uint32(4) {
			insts = append(insts, CAS(size, true, true, 6, 7, 9), CAS(size, true, false, 8, 10, 9))
		}
		insts = append(insts, CASP(true, true, true, 12, 14, 9), CASP(false, true, false, 16, 18, 9))
		for i := 0; i < len(insts); i += 12 {
			out = append(out, mk(uint64(len(out)), ClassLSE, insts[i:min(i+12, len(insts))]...))
		}
	}
	if !opt.Exclude[ClassCRC32] {
		// CRC32/CRC32C were UNDEFINED although ID_AA64ISAR0_EL1.CRC32 = 1.
		var insts []Inst
		for sz := range uint32(4) {
			insts = append(insts, CRC32(false, sz, 1, 2, 3), CRC32(true, sz, 4, 5, 6))
		}
		out = append(out, mk(uint64(len(out)), ClassCRC32, insts...))
	}
	return out
}

// dedupe drops repeated seeds, keeping the first occurrence.
func dedupe(seeds []uint64) []uint64 {
	seen := map[uint64]bool{}
	out := seeds[:0]
	for _, s := range seeds {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
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

// optionalFeatures are the classes a CPU model may lack: a probe instruction
// and the ID_AA64ISAR0_EL1 field that advertises it.
var optionalFeatures = []struct {
	class Class
	probe Inst
	shift uint // field position in ID_AA64ISAR0_EL1
	name  string
}{
	{ClassLSE, Atomic(3, 0, false, false, 2, 3, 1), 20, "Atomic (LSE)"},
	{ClassCRC32, CRC32(false, 0, 2, 3, 4), 16, "CRC32"},
}

// featureExcluded probes the simulated machine with one instruction of an
// optional class. The class is left out only when the CPU model's
// ID_AA64ISAR0_EL1 says it is absent and the machine raises UNDEFINED for it;
// a model that advertises a feature it does not execute fails the test.
func featureExcluded(ctx context.Context, t *testing.T, dut Runner, i int) (bool, string) {
	f := optionalFeatures[i]
	probe := &Seq{Seed: 0, Base: 1, BaseOff: 64, Groups: []Group{{Class: f.class, Insts: []Inst{f.probe}}}}
	res, err := dut.Run(ctx, BuildImage([]*Seq{probe}))
	require.NoError(t, err, "%s probe on %s", f.name, dut.Name())
	require.Len(t, res, 1)
	if !res[0].Faulted() {
		return false, ""
	}
	isar0, ok := simISAR0()
	require.True(t, ok, "ID_AA64ISAR0_EL1 unreadable")
	field := isar0 >> f.shift & 0xf
	if field != 0 {
		t.Errorf("%s: ID_AA64ISAR0_EL1 = %#x advertises %s (field %d) but %s raised ESR %#x; keeping the class in",
			dut.Name(), isar0, f.name, field, f.probe.Asm, res[0].ESR)
		return false, ""
	}
	require.Equal(t, uint64(0), res[0].ESR>>26, "%s on a CPU without %s must be UNDEFINED (EC 0), got ESR %#x", f.probe.Asm, f.name, res[0].ESR)
	return true, fmt.Sprintf("the %s CPU model has ID_AA64ISAR0_EL1.%s = 0 and raises UNDEFINED for %s (checked)", dut.Name(), f.name, f.probe.Asm)
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
		mk(LdStUImm(MemLoad, 3, 8, 28, 0), AddSubImm(true, false, false, 8, 8, 1, false), LdStUImm(MemStore, 3, 8, 28, 0)),
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
	require.Equal(t, res[4].Regs, res[4].Regs1, "both passes start from the same registers")
	require.Equal(t, uint64(0x1716151413121110+1), res[5].Regs1[8], "pass 1 increments the buffer word")
	require.Equal(t, uint64(0x1716151413121110+2), res[5].Regs[8], "pass 2 sees pass 1's store")
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
	require.Contains(t, mini.Classes(), ClassExtr)
}

// TestSimFaultPath: a case that raises an exception on the simulated machine is
// recorded (vector, ESR, ELR) and the following cases still run.
func TestSimFaultPath(t *testing.T) {
	udf := &Seq{Seed: 1, Base: 3, Groups: []Group{{Class: ClassFlags, Insts: []Inst{Nop, {Word: 0x00000000}}}}}
	ok := &Seq{Seed: 2, Base: 3, Groups: []Group{{Class: ClassMoveWide, Insts: []Inst{MoveWide(true, 2, 0, 42, 0)}}}}
	im := BuildImage([]*Seq{udf, ok, udf, ok})
	res, err := Sim{}.Run(context.Background(), im)
	require.NoError(t, err)
	require.Len(t, res, 4)
	for i := range 2 {
		f, o := res[2*i], res[2*i+1]
		require.True(t, f.Faulted(), "case %d", 2*i)
		require.Equal(t, uint64(0x100|4), f.Vector, "current EL with SPx, synchronous (offset 0x200)")
		require.Equal(t, uint64(0), f.ESR>>26, "EC 0: unknown reason (UNDEFINED)")
		require.Equal(t, im.SeqStart[2*i]+4, f.ELR)
		require.False(t, o.Faulted())
		require.Equal(t, uint64(42), o.Regs[0])
	}
}
