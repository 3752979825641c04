package fp

import (
	"bytes"
	le "encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The differential test: every operation runs as the real instruction on
// qemu-aarch64 -cpu cortex-a57 with random and edge operands under random
// FPCR settings, and result and FPSR flags must equal ours. One small
// static program (generated C with one inline-asm block per instruction)
// reads records from stdin and writes results, so thousands of cases take
// one QEMU start. Like target/difftest it fails, not skips, without the
// cross compiler or QEMU (make deps installs them); -short skips it.

const qemuCasesPerOp = 400

// qemuOp is one instruction form. Its asm reads operands from v1, v2, v3
// (or x1 for integer sources) and leaves the result in v0, x0 or NZCV.
type qemuOp struct {
	name   string
	asm    string
	from   Format // operand format (the generator's)
	to     Format // result width for FP results
	result string // "fp", "gp" or "nzcv"
	arity  int
	intSrc bool // operand is an integer in x1
	fixed  bool // no operands (an immediate): one case is enough
	run    func(x []uint64, fpcr FPCR) (uint64, Flags)
}

func reg(f Format) string { return map[Format]string{Half: "h", Single: "s", Double: "d"}[f] }

// qemuOps are the forms for each format; with conversions also FCVT
// between formats and FCVTXN.
func qemuOps(formats []Format, conversions bool) []qemuOp {
	var ops []qemuOp
	for _, f := range formats {
		r := reg(f)
		fp := func(name, asm string, arity int, run func(x []uint64, c FPCR) (uint64, Flags)) {
			ops = append(ops, qemuOp{name: name + "." + r, asm: asm, from: f, to: f, result: "fp", arity: arity, run: run})
		}
		for name, op := range map[string]binaryOp{
			"fadd": Add, "fsub": Sub, "fmul": Mul, "fdiv": Div, "fmulx": MulX, "fabd": AbsDiff,
			"fmax": Max, "fmin": Min, "fmaxnm": MaxNum, "fminnm": MinNum, "frecps": RecipStep, "frsqrts": RSqrtStep,
			"fcmeq": CompareEQ, "fcmge": CompareGE, "fcmgt": CompareGT, "facge": AbsCompareGE, "facgt": AbsCompareGT,
		} {
			fp(name, fmt.Sprintf("%s %s0, %s1, %s2", name, r, r, r), 2, func(x []uint64, c FPCR) (uint64, Flags) { return op(f, x[0], x[1], c) })
		}
		for name, op := range map[string]func(Format, uint64, uint64, uint64, FPCR) (uint64, Flags){
			"fmadd": MulAdd, "fmsub": MulSub, "fnmadd": NegMulAdd, "fnmsub": NegMulSub,
		} {
			fp(name, fmt.Sprintf("%s %s0, %s1, %s2, %s3", name, r, r, r, r), 3, func(x []uint64, c FPCR) (uint64, Flags) { return op(f, x[2], x[0], x[1], c) })
		}
		for name, op := range map[string]func(Format, uint64, FPCR) (uint64, Flags){
			"fsqrt": Sqrt, "frecpe": RecipEstimate, "frsqrte": RSqrtEstimate, "frecpx": RecipExponent,
			"fneg": func(f Format, a uint64, _ FPCR) (uint64, Flags) { return Neg(f, a), 0 },
			"fabs": func(f Format, a uint64, _ FPCR) (uint64, Flags) { return Abs(f, a), 0 },
		} {
			fp(name, fmt.Sprintf("%s %s0, %s1", name, r, r), 1, func(x []uint64, c FPCR) (uint64, Flags) { return op(f, x[0], c) })
		}
		for suffix, mode := range map[string]Rounding{"n": TiesEven, "p": PlusInf, "m": MinusInf, "z": Zero, "a": TiesAway, "x": 0, "i": 0} {
			exact, fixed := suffix == "x", suffix != "x" && suffix != "i"
			fp("frint"+suffix, fmt.Sprintf("frint%s %s0, %s1", suffix, r, r), 1, func(x []uint64, c FPCR) (uint64, Flags) {
				m := mode
				if !fixed {
					m = c.RMode()
				}
				return RoundInt(f, x[0], m, exact, c)
			})
		}
		for _, cmp := range []string{"fcmp", "fcmpe"} {
			op := map[string]func(Format, uint64, uint64, FPCR) (uint8, Flags){"fcmp": Compare, "fcmpe": CompareSignaling}[cmp]
			ops = append(ops, qemuOp{name: cmp + "." + r, asm: fmt.Sprintf("%s %s1, %s2", cmp, r, r), from: f, result: "nzcv", arity: 2,
				run: func(x []uint64, c FPCR) (uint64, Flags) { n, fl := op(f, x[0], x[1], c); return uint64(n), fl }})
		}
		for _, to := range []Format{Half, Single, Double} {
			if to != f && conversions {
				ops = append(ops, qemuOp{name: "fcvt." + reg(to) + r, asm: fmt.Sprintf("fcvt %s0, %s1", reg(to), r), from: f, to: to, result: "fp", arity: 1,
					run: func(x []uint64, c FPCR) (uint64, Flags) { return Convert(f, to, x[0], c) }})
			}
		}
		ops = append(ops, intConversionOps(f)...)
		ftype := map[Format]uint32{Single: 0, Double: 1, Half: 3}[f]
		for imm := range 256 {
			ops = append(ops, qemuOp{name: fmt.Sprintf("fmov.%s#%#x", r, imm), asm: fmt.Sprintf(".inst %#x // fmov %s0, #imm", 0x1e201000|ftype<<22|uint32(imm)<<13, r),
				from: f, to: f, result: "fp", fixed: true,
				run: func([]uint64, FPCR) (uint64, Flags) { return ExpandImm(f, uint8(imm)), 0 }})
		}
	}
	if !conversions {
		return ops
	}
	for _, to := range []Format{Single, Double} {
		ops = append(ops, qemuOp{name: "fcvt." + reg(to) + "h", asm: fmt.Sprintf("fcvt %s0, h1", reg(to)), from: Half, to: to, result: "fp", arity: 1,
			run: func(x []uint64, c FPCR) (uint64, Flags) { return Convert(Half, to, x[0], c) }})
	}
	for name, op := range map[string]func(uint32) uint32{"urecpe": UnsignedRecipEstimate, "ursqrte": UnsignedRSqrtEstimate} {
		ops = append(ops, qemuOp{name: name, asm: name + " v0.2s, v1.2s", from: Single, to: Single, result: "fp", arity: 1,
			run: func(x []uint64, _ FPCR) (uint64, Flags) { return uint64(op(uint32(x[0]))), 0 }})
	}
	ops = append(ops, qemuOp{name: "fcvtxn", asm: "fcvtxn s0, d1", from: Double, to: Single, result: "fp", arity: 1,
		run: func(x []uint64, c FPCR) (uint64, Flags) { return ConvertRounding(Double, Single, x[0], Odd, c) }})
	return ops
}

// intConversionOps are FCVT[NPMZA][SU], FCVTZ[SU] fixed point, SCVTF and UCVTF for f.
func intConversionOps(f Format) []qemuOp {
	var ops []qemuOp
	r := reg(f)
	for _, w := range []struct {
		reg   string
		width uint
	}{{"w", 32}, {"x", 64}} {
		for _, sign := range []string{"s", "u"} {
			unsigned := sign == "u"
			for suffix, mode := range toIntModes {
				ops = append(ops, qemuOp{name: "fcvt" + suffix + sign + "." + w.reg + r, asm: fmt.Sprintf("fcvt%s%s %s0, %s1", suffix, sign, w.reg, r),
					from: f, result: "gp", arity: 1,
					run: func(x []uint64, c FPCR) (uint64, Flags) { return ToInt(f, x[0], 0, unsigned, w.width, mode, c) }})
			}
			for _, fbits := range []uint{3, w.width} {
				ops = append(ops, qemuOp{name: fmt.Sprintf("fcvtz%s.%s%s#%d", sign, w.reg, r, fbits), asm: fmt.Sprintf("fcvtz%s %s0, %s1, #%d", sign, w.reg, r, fbits),
					from: f, result: "gp", arity: 1,
					run: func(x []uint64, c FPCR) (uint64, Flags) { return ToInt(f, x[0], fbits, unsigned, w.width, Zero, c) }})
			}
			for _, fbits := range []uint{0, 7, w.width} {
				imm := ""
				if fbits > 0 {
					imm = fmt.Sprintf(", #%d", fbits)
				}
				ops = append(ops, qemuOp{name: fmt.Sprintf("%scvtf.%s%s#%d", sign, r, w.reg, fbits), asm: fmt.Sprintf("%scvtf %s0, %s1%s", sign, r, w.reg, imm),
					from: f, to: f, result: "fp", arity: 1, intSrc: true,
					run: func(x []uint64, c FPCR) (uint64, Flags) { return FromInt(f, x[0], fbits, unsigned, w.width, c) }})
			}
		}
	}
	return ops
}

// qemuProgram is the C source: a freestanding static program that answers
// records (op, fpcr, a, b, c) read from stdin with (result, fpsr).
func qemuProgram(ops []qemuOp) string {
	var b strings.Builder
	b.WriteString(`typedef unsigned long u64;
static long sys(long n, long a, long b, long c) {
	register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
static int readFull(char *p, long n) {
	while (n > 0) { long k = sys(63, 0, (long)p, n); if (k <= 0) return 0; p += k; n -= k; }
	return 1;
}
static u64 in[5], out[2];
void _start(void) {
	while (readFull((char *)in, sizeof in)) {
		u64 r = 0, s = 0;
		switch (in[0]) {
`)
	for i, op := range ops {
		read := map[string]string{"fp": "fmov %[r], d0", "gp": "mov %[r], x0", "nzcv": "mrs %[r], nzcv"}[op.result]
		fmt.Fprintf(&b, `		case %d: __asm__ volatile("msr fpcr, %%[fpcr]\n\tmsr fpsr, xzr\n\tmovi v0.2d, #0\n\tfmov d1, %%[a]\n\tfmov d2, %%[b]\n\tfmov d3, %%[c]\n\tmov x1, %%[a]\n\t%s\n\t%s\n\tmrs %%[s], fpsr"
			: [r] "=&r"(r), [s] "=&r"(s) : [fpcr] "r"(in[1]), [a] "r"(in[2]), [b] "r"(in[3]), [c] "r"(in[4]) : "x0", "x1", "v0", "v1", "v2", "v3", "cc"); break; /* %s */
`, i, op.asm, read, op.name)
	}
	b.WriteString(`		}
		out[0] = r; out[1] = s;
		sys(64, 1, (long)out, sizeof out);
	}
	sys(93, 0, 0, 0);
}
`)
	return b.String()
}

func TestAgainstQEMU(t *testing.T) {
	runOnQEMU(t, qemuOps([]Format{Single, Double}, true), "cortex-a57", "armv8-a", FZ|DN|AHP)
}

// TestHalfAgainstQEMU covers half-precision arithmetic (FEAT_FP16, which
// Cortex-A57 lacks) on QEMU's "max" CPU, FZ16 included, and the FCVTs to
// and from half again, now with FZ16 set at random (it must not matter).
func TestHalfAgainstQEMU(t *testing.T) {
	ops := qemuOps([]Format{Half}, false)
	for _, op := range qemuOps([]Format{Single, Double}, true) {
		if strings.HasPrefix(op.name, "fcvt.") && strings.Contains(op.name, "h") {
			ops = append(ops, op)
		}
	}
	runOnQEMU(t, ops, "max", "armv8.2-a+fp16", FZ|FZ16|DN|AHP)
}

// runOnQEMU runs ops on qemu-aarch64 -cpu cpu and compares; each case sets
// a random RMode and each of the bits in random.
func runOnQEMU(t *testing.T, ops []qemuOp, cpu, march string, random FPCR) {
	if testing.Short() {
		t.Skip("-short")
	}
	for _, tool := range []string{"aarch64-linux-gnu-gcc", "qemu-aarch64"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "%s is needed (make deps installs it)", tool)
	}
	dir := t.TempDir()
	src, elf := filepath.Join(dir, "fp.c"), filepath.Join(dir, "fp.elf")
	require.NoError(t, os.WriteFile(src, []byte(qemuProgram(ops)), 0o644))
	cc := exec.Command("aarch64-linux-gnu-gcc", "-O1", "-static", "-nostdlib", "-ffreestanding", "-fno-tree-vectorize",
		"-march="+march, "-o", elf, src)
	if out, err := cc.CombinedOutput(); err != nil {
		t.Fatalf("compile: %v\n%s", err, out)
	}

	type record struct {
		op   int
		fpcr FPCR
		x    []uint64
	}
	var recs []record
	var input bytes.Buffer
	for i, op := range ops {
		g := newGen(op.from, uint64(i)+1000)
		cases := qemuCasesPerOp
		if op.fixed {
			cases = 1
		}
		for range cases {
			x := []uint64{g.next(), 0, 0}
			x[1], x[2] = g.near(x[0]), g.next()
			if g.r.IntN(4) == 0 {
				x[1] = g.next()
			}
			if op.intSrc {
				x[0] = g.r.Uint64() >> g.r.IntN(64)
				if g.r.IntN(2) == 0 {
					x[0] = -x[0]
				}
			}
			fpcr := FPCR(0).WithRMode(Rounding(g.r.IntN(4)))
			for _, bit := range []FPCR{FZ, FZ16, DN, AHP} {
				if bit&random != 0 && g.r.IntN(3) == 0 {
					fpcr |= bit
				}
			}
			recs = append(recs, record{i, fpcr, x})
			for _, v := range []uint64{uint64(i), uint64(fpcr), x[0], x[1], x[2]} {
				le.Write(&input, le.LittleEndian, v)
			}
		}
	}
	run := exec.Command("qemu-aarch64", "-cpu", cpu, elf)
	run.Stdin = &input
	out, err := run.Output()
	require.NoError(t, err)
	require.Equal(t, 16*len(recs), len(out), "one answer per record")

	failures := 0
	for k, rec := range recs {
		op := ops[rec.op]
		qr := le.LittleEndian.Uint64(out[16*k:])
		qfl := Flags(le.LittleEndian.Uint64(out[16*k+8:]) & uint64(IOC|DZC|OFC|UFC|IXC|IDC))
		switch op.result {
		case "fp":
			qr &= op.to.mask()
		case "nzcv":
			qr >>= 28
		}
		x := rec.x[:op.arity]
		if op.from != Double && !op.intSrc {
			for i := range x {
				x[i] &= op.from.mask()
			}
		}
		got, fl := op.run(x, rec.fpcr)
		if got != qr || fl != qfl {
			failures++
			if failures <= 20 {
				t.Errorf("%s %s fpcr %#x operands %#x: qemu %#x %v, ours %#x %v", op.name, op.asm, uint32(rec.fpcr), x, qr, qfl, got, fl)
			}
		}
	}
	require.Zero(t, failures, "of %d cases", len(recs))
	immediates := 0
	for _, op := range ops {
		if op.fixed {
			immediates++
		}
	}
	t.Logf("%d instruction forms and %d immediates, %d cases, agree with qemu-aarch64 -cpu %s",
		len(ops)-immediates, immediates, len(recs), cpu)
}
