package main

import (
	"debug/elf"
	"fmt"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A loop case: loop.S run on both machines, unarmed or with one point armed, as a batch run to power-off timed
// from outside or driven by gdb (the timed `continue` ends at the stop after the loop). docs/bench.md has the table.
type loopCase struct {
	key, name string
	cpus      int
	guest     string   // "", "GUEST_WP" or "GUEST_BP": the guest arms its own point (batch runs); "MMU": the MMU on; "FPSIMD"/"MEMCPY": the FP/SIMD loops
	gdb       bool     // driven by gdb-multiarch
	arm       []string // gdb commands before the timed continue
	armed     string   // what gdb must answer to arm (a software watchpoint would single-step everything)
	div       uint64   // iterations per CPU = -iters / div
	irIters   uint64   // iterations per CPU of the valgrind run
	flags     []string // more flags for our stub (--parallel)
	goal      string
}

var loopCases = []loopCase{
	{key: "none", name: "no point armed", cpus: 1, div: 1, irIters: 3_000_000, goal: "≥ 0.5×"},
	{key: "watch", name: "gdb `watch`, variable in the loop's data page", cpus: 1, gdb: true,
		arm: []string{"watch *(long *)&same_page_var"}, armed: "Hardware watchpoint", div: 10, irIters: 300_000, goal: "≥ 2×"},
	{key: "hbreak", name: "gdb `hbreak`, in the loop's code page", cpus: 1, gdb: true,
		arm: []string{"hbreak perf_done"}, armed: "Hardware assisted breakpoint", div: 10, irIters: 300_000, goal: "≥ 2.5×"},
	{key: "mmu", name: "no point armed, MMU on (2 MiB identity blocks)", cpus: 1, guest: "MMU", div: 1, irIters: 3_000_000,
		goal: "ours ≥ 0.75× our MMU off"},
	{key: "guest-wp", name: "guest's own watchpoint, same data page", cpus: 1, guest: "GUEST_WP", div: 10, irIters: 300_000, goal: "≥ 2×"},
	{key: "guest-bp", name: "guest's own breakpoint, same code page", cpus: 1, guest: "GUEST_BP", div: 5, irIters: 300_000, goal: "keep (3.15× at filing)"},
	{key: "gdb-none", name: "gdb attached, no point (baseline of the next row)", cpus: 1, gdb: true, div: 1, irIters: 3_000_000},
	{key: "far-watch", name: "gdb `watch` on a far data page", cpus: 1, gdb: true,
		arm: []string{"watch *(long *)&far_var"}, armed: "Hardware watchpoint", div: 1, irIters: 3_000_000, goal: "≤ 5 % vs unarmed"},
	{key: "fpsimd", name: "FP/SIMD loop (ldr q, fadd v.2d, str q, ldr d), no point", cpus: 1, guest: "FPSIMD", div: 10,
		irIters: 300_000, goal: "— (issue 15)"},
	{key: "memcpy", name: "memcpy/strlen-like loop (ldp q, stp q, ldrb, add), no point", cpus: 1, guest: "MEMCPY", div: 10,
		irIters: 300_000, goal: "— (issue 15)"},
	{key: "cpus8", name: "`--cpus 8`, aggregate (deterministic: one host thread)", cpus: 8, div: 4, irIters: 500_000, goal: "—"},
	{key: "cpus8-par", name: "`--cpus 8 --parallel`, aggregate", cpus: 8, flags: []string{"--parallel"}, div: 4, irIters: 500_000,
		goal: "ours ≥ 1.8× 1 CPU (item 5)"},
}

// A measured case: MIPS on each machine and our host instructions per guest instruction.
type loopResult struct {
	ours, qemu, ir float64
}

func loopBench(dir string) {
	res := map[string]loopResult{}
	for _, lc := range loopCases {
		if !selected("mips", lc.key) {
			continue
		}
		if len(res) == 0 {
			fmt.Println("== MIPS on loop.S (ldr/add/str/ldr/subs/b.ne, 6 instructions per iteration), best of", *reps)
		}
		r := lc.measure(dir)
		res[lc.key] = r
		fmt.Printf("%-50s hwbp-gdbstub %8.1f MIPS  qemu %8.1f MIPS  ratio %.3f  host insn/guest insn %s\n",
			lc.name, r.ours, r.qemu, r.ours/r.qemu, fmtNum(r.ir))
		rw := row{name: lc.name, unit: "MIPS", ours: r.ours, qemu: r.qemu, goal: lc.goal, ir: r.ir, irPer: "guest insn"}
		switch lc.key {
		case "far-watch": // judged on the deterministic count when there is one
			if b, ok := res["gdb-none"]; ok {
				wall, insn := (b.ours/r.ours-1)*100, (r.ir/b.ir-1)*100
				rw.note = fmt.Sprintf("vs gdb, no point: wall %+.1f %%, host insn %+.1f %%", wall, insn)
				rw.met = yesNo(wall <= 5)
				if !math.IsNaN(insn) {
					rw.met = yesNo(insn <= 5)
				}
			}
		case "mmu":
			if b, ok := res["none"]; ok {
				rw.note = fmt.Sprintf("ours %.2f× our MMU off, qemu %.2f× its MMU off", r.ours/b.ours, r.qemu/b.qemu)
				rw.met = yesNo(r.ours/b.ours >= 0.75)
			}
		case "cpus8", "cpus8-par":
			if b, ok := res["none"]; ok {
				rw.note = fmt.Sprintf("ours %.2f× our 1 CPU, qemu %.2f× its 1 CPU", r.ours/b.ours, r.qemu/b.qemu)
				if lc.key == "cpus8-par" {
					rw.met = yesNo(r.ours/b.ours >= 1.8)
				}
			}
		}
		addRow(rw)
	}
}

func (lc loopCase) measure(dir string) loopResult {
	iters := *iters / lc.div
	full := buildLoop(dir, iters, lc.cpus, lc.guest)
	empty := buildLoop(dir, 1, lc.cpus, lc.guest)
	insns := float64(iters) * 6 * float64(lc.cpus)
	var r loopResult
	for _, m := range []struct {
		name string
		mips *float64
	}{{"ours", &r.ours}, {"qemu", &r.qemu}} {
		t := best(func() time.Duration { return lc.timeOnce(m.name, full) }) - best(func() time.Duration { return lc.timeOnce(m.name, empty) })
		*m.mips = insns / t.Seconds() / 1e6
		if t <= 0 { // the loop was lost in the start-up's noise: more -iters
			*m.mips = nan()
		}
	}
	r.ir = nan()
	if *irCount {
		small := buildLoop(dir, lc.irIters, lc.cpus, lc.guest)
		long := leastIr(2, func() float64 { return lc.irOnce(small) })
		short := leastIr(3, func() float64 { return lc.irOnce(empty) })
		r.ir = (long - short) / (float64(lc.irIters-1) * 6 * float64(lc.cpus))
	}
	return r
}

// timeOnce is one run of the case on one machine: the whole batch run, or gdb's timed continue.
func (lc loopCase) timeOnce(machine, elf string) time.Duration {
	if !lc.gdb {
		cmd := qemuBatch(elf, lc.cpus)
		if machine == "ours" {
			cmd = ourBatch(elf, lc.cpus, lc.flags...)
		}
		d, out, _ := timeRun(cmd)
		lc.checkConsole(machine, out)
		return d
	}
	start := qemuGdb(elf, lc.cpus)
	if machine == "ours" {
		start = ourGdb(elf, lc.cpus, lc.flags...)
	}
	res, out, _ := gdbRun(elf, start, lc.script(), len(lc.arm) > 0)
	lc.checkGdb(machine, elf, res, out)
	return time.Duration(res["loop_s"] * float64(time.Second))
}

// irOnce is the host instruction count of one run of ours under valgrind.
func (lc loopCase) irOnce(elf string) float64 {
	if !lc.gdb {
		_, out, summary := timeRun(underValgrind(ourBatch(elf, lc.cpus, lc.flags...)))
		lc.checkConsole("ours under valgrind", out)
		return irOf(summary)
	}
	res, out, srv := gdbRun(elf, func(port int) *exec.Cmd { return underValgrind(ourGdb(elf, lc.cpus, lc.flags...)(port)) }, lc.script(), len(lc.arm) > 0)
	lc.checkGdb("ours under valgrind", elf, res, out)
	return irOf(srv)
}

// The guest prints the letters of its own debug exceptions on a line of its own before it powers off.
func (lc loopCase) checkConsole(machine, out string) {
	want := map[string]string{"": "", "GUEST_WP": "W", "GUEST_BP": "B"}[lc.guest]
	for _, l := range strings.Split(out, "\n") {
		if l == want {
			return
		}
	}
	fatalf("bench %s on %s: the guest did not print %q (its point did not fire once after the loop):\n%s", lc.key, machine, want, out)
}

// script arms the case's points, times the continue to the stop after the loop, then detaches: the guest runs on
// to power-off and the stub exits by itself (our --once, QEMU). With nothing armed, the timed continue ends with
// the guest's power-off (gdb: "exited normally"; our stub then stays up until gdbRun stops it).
func (lc loopCase) script() string {
	var b strings.Builder
	b.WriteString("python\nimport time\n")
	for _, a := range lc.arm {
		fmt.Fprintf(&b, "print(gdb.execute(%q, to_string=True))\n", a)
	}
	b.WriteString(`t = time.time()
gdb.execute("continue", to_string=True)
print("BENCH loop_s %f" % (time.time() - t))
if gdb.selected_inferior().pid == 0:
    print("BENCH stop_pc -1")
else:
    print("BENCH stop_pc %d" % int(gdb.parse_and_eval("$pc")))
    gdb.execute("delete", to_string=True)
    gdb.execute("detach", to_string=True)
end
`)
	return b.String()
}

// checkGdb: the point was a hardware one and the stop came after the loop (at perf_done or one of the stores
// after it); with nothing armed, the guest ran to power-off.
func (lc loopCase) checkGdb(machine, elfPath string, res map[string]float64, out string) {
	pc, ok := res["stop_pc"]
	if _, timed := res["loop_s"]; !ok || !timed {
		fatalf("bench %s on %s: gdb script failed:\n%s", lc.key, machine, out)
	}
	if len(lc.arm) == 0 {
		if pc != -1 {
			fatalf("bench %s on %s: the guest stopped at %#x instead of powering off:\n%s", lc.key, machine, uint64(pc), out)
		}
		return
	}
	if !strings.Contains(out, lc.armed) {
		fatalf("bench %s on %s: gdb did not answer %q to %v:\n%s", lc.key, machine, lc.armed, lc.arm, out)
	}
	lo, hi := symbol(elfPath, "perf_done"), symbol(elfPath, "same_page_func")
	if pc < float64(lo) || pc >= float64(hi) {
		fatalf("bench %s on %s: stop at %#x, not after the loop (%#x..%#x):\n%s", lc.key, machine, uint64(pc), lo, hi, out)
	}
}

func symbol(path, name string) uint64 {
	f, err := elf.Open(path)
	check(err)
	defer f.Close()
	syms, err := f.Symbols()
	check(err)
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	fatalf("%s: no symbol %s", path, name)
	return 0
}

func buildLoop(dir string, iters uint64, cpus int, guest string) string {
	out := filepath.Join(dir, fmt.Sprintf("loop-%d-%d%s.elf", iters, cpus, guest))
	args := []string{"-nostdlib", "-static", "-Wl,-N", "-Wl,--no-warn-rwx-segments", "-Wl,-Ttext=0x40000000",
		"-Wl,--build-id=none", fmt.Sprintf("-DITERS=%d", iters), fmt.Sprintf("-DNCPUS=%d", cpus)}
	if guest != "" {
		args = append(args, "-D"+guest)
	}
	run(exec.Command("aarch64-linux-gnu-gcc", append(args, "-o", out, "tests/bench/loop.S")...))
	return out
}

func qemuArgs(cpus int) []string {
	return []string{"-M", "virt", "-cpu", "cortex-a57", "-smp", strconv.Itoa(cpus), "-m", "128M",
		"-display", "none", "-monitor", "none"}
}

func qemuBatch(elf string, cpus int) *exec.Cmd {
	return exec.Command("qemu-system-aarch64", append(qemuArgs(cpus), "-serial", "stdio", "-kernel", elf)...)
}

func ourBatch(elf string, cpus int, flags ...string) *exec.Cmd {
	args := append([]string{"--kernel", elf, "--cpus", strconv.Itoa(cpus), "--run", "--once", "--log-level", "warn"}, flags...)
	return exec.Command(*server, append(args, "127.0.0.1:0")...)
}

// qemuGdb and ourGdb start a stub halted at the entry point for gdb; ours matches gdb's points itself (the
// external route: loop.S has no kernel to hand them to) and exits when the guest powers off.
func qemuGdb(elf string, cpus int) func(port int) *exec.Cmd {
	return func(port int) *exec.Cmd {
		return exec.Command("qemu-system-aarch64", append(qemuArgs(cpus), "-serial", "null", "-kernel", elf, "-S",
			"-gdb", fmt.Sprintf("tcp:127.0.0.1:%d", port))...)
	}
}

func ourGdb(elf string, cpus int, flags ...string) func(port int) *exec.Cmd {
	return func(port int) *exec.Cmd {
		args := append([]string{"--kernel", elf, "--cpus", strconv.Itoa(cpus), "--hw-debug", "external", "--once",
			"--log-level", "warn"}, flags...)
		return exec.Command(*server, append(args, fmt.Sprintf("127.0.0.1:%d", port))...)
	}
}

func best(f func() time.Duration) time.Duration {
	b := time.Duration(1 << 62)
	for i := 0; i < *reps; i++ {
		b = min(b, f())
	}
	return b
}
