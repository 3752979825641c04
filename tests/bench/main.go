// Command bench measures hwbp-gdbstub against QEMU on the same guest code in the same run and prints ratios.
// It is `make bench`; nothing here is a test, and no figure is asserted.
//
//   - MIPS: the ldr/add/str/ldr/subs/b.ne loop (loop.S) on 1 and 8 CPUs, as a batch run to PSCI SYSTEM_OFF, timed
//     from outside, minus the same run with one iteration (start-up cost).
//   - gdb: stops per second with a watchpoint hit every iteration, `stepi 2000`, `dump binary memory` of 1 MiB,
//     the same gdb Python script against each server.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

var (
	iters  = flag.Uint64("iters", 100_000_000, "loop iterations per CPU")
	server = flag.String("server", "bin/hwbp-gdbstub", "the hwbp-gdbstub binary")
	reps   = flag.Int("reps", 3, "repetitions; the best time counts")
	only   = flag.String("only", "", "run one part: mips, gdb or livelock")
)

func main() {
	flag.Parse()
	dir, err := os.MkdirTemp("", "hwbp-bench-")
	check(err)
	defer os.RemoveAll(dir)

	if *only == "" || *only == "mips" {
		mipsBench(dir)
	}
	if *only == "" || *only == "gdb" {
		gdbStubBench(dir)
	}
	if *only == "" || *only == "livelock" {
		fmt.Println("== the uninstall livelock (perf-livelock scenario, upstream order, 2 CPUs)")
		livelockBench(dir)
	}
}

func mipsBench(dir string) {
	fmt.Println("== MIPS (ldr/add/str/ldr/subs/b.ne, 6 instructions per iteration)")
	for _, cpus := range []int{1, 8} {
		full := buildLoop(dir, *iters, cpus)
		empty := buildLoop(dir, 1, cpus)
		n := float64(*iters) * 6 * float64(cpus)
		q := best(func() time.Duration { return timeRun(qemuCmd(full, cpus)) }) - best(func() time.Duration { return timeRun(qemuCmd(empty, cpus)) })
		h := best(func() time.Duration { return timeRun(ourCmd(full, cpus)) }) - best(func() time.Duration { return timeRun(ourCmd(empty, cpus)) })
		qm, hm := n/q.Seconds()/1e6, n/h.Seconds()/1e6
		fmt.Printf("%d CPU(s): hwbp-gdbstub %.0f MIPS, qemu-system-aarch64 %.0f MIPS, ratio %.3f\n", cpus, hm, qm, hm/qm)
	}
}

func gdbStubBench(dir string) {

	fmt.Println("== gdb through each stub (the embedded kernel, 2 CPUs)")
	kernel := filepath.Join(dir, "kernel.elf")
	run(exec.Command(*server, "--dump-kernel", kernel))
	ours := gdbBench(kernel, func(port int) *exec.Cmd {
		return exec.Command(*server, "--cpus", "2", fmt.Sprintf("127.0.0.1:%d", port))
	})
	theirs := gdbBench(kernel, func(port int) *exec.Cmd {
		return exec.Command("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-smp", "2", "-m", "128M",
			"-display", "none", "-monitor", "none", "-serial", "null", "-kernel", kernel, "-S",
			"-gdb", fmt.Sprintf("tcp:127.0.0.1:%d", port))
	})
	for _, k := range []string{"stops_per_s", "stepi_per_s", "dump_mib_per_s"} {
		fmt.Printf("%-15s hwbp-gdbstub %10.1f  qemu %10.1f  ratio %.2f\n", k, ours[k], theirs[k], ours[k]/theirs[k])
	}
}

// livelockBench measures the livelock's exception rate on both machines (gdb interrupts a running livelock twice,
// two seconds apart, and reads the guest's counter) and our time from entering the uninstall to gdb's stop.
func livelockBench(dir string) {
	img, err := kernelsim.Parse(kernelsim.KernelELF)
	check(err)
	cfg, err := img.Config()
	check(err)
	cfg.Scenario = kernelsim.ScenarioPerfLivelock
	cfg.StallTimeoutMS = 0
	elf, err := img.PatchedELF(cfg)
	check(err)
	kernel := filepath.Join(dir, "livelock.elf")
	check(os.WriteFile(kernel, elf, 0o644))
	rate := func(start func(port int) *exec.Cmd) float64 {
		return gdbRun(kernel, start, livelockRateScript)["livelock_exc_per_s"]
	}
	ours := rate(func(port int) *exec.Cmd {
		return exec.Command(*server, "--kernel", kernel, "--cpus", "2", "--livelock-threshold", "0", fmt.Sprintf("127.0.0.1:%d", port))
	})
	theirs := rate(func(port int) *exec.Cmd {
		return exec.Command("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-smp", "2", "-m", "128M",
			"-display", "none", "-monitor", "none", "-serial", "null", "-kernel", kernel, "-S",
			"-gdb", fmt.Sprintf("tcp:127.0.0.1:%d", port))
	})
	fmt.Printf("livelock exceptions/s  hwbp-gdbstub %.0f  qemu %.0f  ratio %.2f\n", ours, theirs, ours/theirs)
	rep := gdbRun(kernel, func(port int) *exec.Cmd {
		return exec.Command(*server, "--kernel", kernel, "--cpus", "2", fmt.Sprintf("127.0.0.1:%d", port))
	}, livelockReportScript)
	fmt.Printf("livelock report: %.1f ms from entering arch_uninstall_hw_breakpoint to gdb's stop (threshold 1000; target <= 50 ms)\n",
		rep["livelock_report_ms"])
}

const livelockRateScript = `
python
import threading, time
def interrupt_after(s):
    threading.Timer(s, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()
def count():
    return int(gdb.parse_and_eval("debug_bp_exceptions[1]"))
interrupt_after(3.0)
gdb.execute("continue", to_string=True)
c0 = count(); t0 = time.time()
interrupt_after(2.0)
gdb.execute("continue", to_string=True)
c1 = count(); t1 = time.time()
print("BENCH livelock_exc_per_s %f" % ((c1 - c0) / (t1 - t0)))
end
`

const livelockReportScript = `
break arch_uninstall_hw_breakpoint
python
import time
gdb.execute("continue", to_string=True)
gdb.execute("delete", to_string=True)
t = time.time()
gdb.execute("continue", to_string=True)
print("BENCH livelock_report_ms %f" % ((time.time() - t) * 1000))
end
`

func best(f func() time.Duration) time.Duration {
	b := time.Duration(1 << 62)
	for i := 0; i < *reps; i++ {
		b = min(b, f())
	}
	return b
}

func buildLoop(dir string, iters uint64, cpus int) string {
	out := filepath.Join(dir, fmt.Sprintf("loop-%d-%d.elf", iters, cpus))
	run(exec.Command("aarch64-linux-gnu-gcc", "-nostdlib", "-static", "-Wl,-N", "-Wl,--no-warn-rwx-segments",
		"-Wl,-Ttext=0x40000000", "-Wl,--build-id=none",
		fmt.Sprintf("-DITERS=%d", iters), fmt.Sprintf("-DNCPUS=%d", cpus), "-o", out, "tests/bench/loop.S"))
	return out
}

func qemuCmd(elf string, cpus int) *exec.Cmd {
	return exec.Command("qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-smp", strconv.Itoa(cpus), "-m", "128M",
		"-display", "none", "-monitor", "none", "-serial", "null", "-kernel", elf)
}

func ourCmd(elf string, cpus int) *exec.Cmd {
	return exec.Command(*server, "--kernel", elf, "--cpus", strconv.Itoa(cpus), "--run", "--once", "--log-level", "warn", "127.0.0.1:0")
}

func timeRun(cmd *exec.Cmd) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	start := time.Now()
	if err := c.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "%v: %v\n%s", cmd.Args, err, out.String())
		os.Exit(1)
	}
	return time.Since(start)
}

const gdbScript = `
python
import time
def timed(cmd, n=1):
    t = time.time()
    for _ in range(n):
        gdb.execute(cmd, to_string=True)
    return time.time() - t
gdb.execute("watch workload_counter", to_string=True)
gdb.execute("continue", to_string=True)
n = 200
print("BENCH stops_per_s %f" % (n / timed("continue", n)))
gdb.execute("delete", to_string=True)
print("BENCH stepi_per_s %f" % (2000 / timed("stepi 2000")))
print("BENCH dump_mib_per_s %f" % (1 / timed("dump binary memory /dev/null 0x40000000 0x40100000")))
end
`

var benchLine = regexp.MustCompile(`BENCH (\S+) ([0-9.]+)`)

func gdbBench(kernel string, start func(port int) *exec.Cmd) map[string]float64 {
	return gdbRun(kernel, start, gdbScript)
}

// gdbRun starts a stub, runs a gdb Python script against it with the kernel's symbols, and collects its
// "BENCH name value" lines.
func gdbRun(kernel string, start func(port int) *exec.Cmd, script string) map[string]float64 {
	port := freePort()
	srv := start(port)
	srv.Stdout, srv.Stderr = nil, nil
	check(srv.Start())
	defer func() { srv.Process.Kill(); srv.Wait() }()
	waitPort(port)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	scriptFile := filepath.Join(filepath.Dir(kernel), fmt.Sprintf("bench-%d.gdb", port))
	check(os.WriteFile(scriptFile, []byte(script), 0o644))
	g := exec.CommandContext(ctx, "gdb-multiarch", "-q", "-nx", "-batch", "-ex", "set pagination off",
		"-ex", "set confirm off", "-ex", "file "+kernel, "-ex", fmt.Sprintf("target remote 127.0.0.1:%d", port),
		"-x", scriptFile)
	out, err := g.CombinedOutput()
	res := map[string]float64{}
	for _, m := range benchLine.FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		res[m[1]] = v
	}
	if err != nil || len(res) == 0 {
		fmt.Fprintf(os.Stderr, "gdb bench: %v\n%s\n", err, strings.TrimSpace(string(out)))
	}
	return res
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(port int) {
	for i := 0; i < 200; i++ {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "server did not listen on", port)
	os.Exit(1)
}

func run(cmd *exec.Cmd) {
	out, err := cmd.CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v: %v\n%s", cmd.Args, err, out)
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
