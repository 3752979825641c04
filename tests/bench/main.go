// Command bench measures hwbp-gdbstub against QEMU on the same guest code in the same run and prints ratios:
// the table of issue 14, described row by row in docs/bench.md. It is the second half of `make bench`; nothing
// here is a test, and no figure is asserted.
//
//   - mips: loop.S (ldr/add/str/ldr/subs/b.ne) unarmed, with gdb's or the guest's own points armed on its pages,
//     on 1 and 8 CPUs; with our host instructions per guest instruction counted by valgrind.
//   - gdb: stops per second with a watchpoint hit every iteration, `stepi 2000`, `dump binary memory` of 1 MiB,
//     the same gdb Python script against each server (the embedded kernel).
//   - livelock: the uninstall livelock's exception rate and our time to report it.
//   - linux: the rows on the real Linux guest: boot to power-off, livelock report latency, host CPU while idle.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

var (
	iters   = flag.Uint64("iters", 100_000_000, "loop iterations per CPU of the unarmed cases (armed cases run fewer, docs/bench.md)")
	server  = flag.String("server", "bin/hwbp-gdbstub", "the hwbp-gdbstub binary")
	reps    = flag.Int("reps", 3, "repetitions; the best time counts")
	only    = flag.String("only", "", "comma-separated parts (mips, gdb, livelock, linux) or cases (none, watch, hbreak, guest-wp, guest-bp, gdb-none, far-watch, fpsimd, memcpy, cpus8, cpus8-par, linux-boot, linux-livelock, linux-idle, linux-mmu, linux-points); empty: all")
	irCount = flag.Bool("ir", true, "count our host instructions per unit with valgrind (cachegrind, no cache simulation)")
)

// selected: whether -only names the part, or a case key within it.
func selected(part string, key ...string) bool {
	if *only == "" {
		return true
	}
	for _, w := range strings.Split(*only, ",") {
		if w == part || (len(key) > 0 && w == key[0]) {
			return true
		}
	}
	return false
}

func main() {
	flag.Parse()
	checkTools()
	dir, err := os.MkdirTemp("", "hwbp-bench-")
	check(err)
	defer os.RemoveAll(dir)
	start := time.Now()

	loopBench(dir)
	if selected("gdb") {
		gdbStubBench(dir)
	}
	if selected("livelock") {
		livelockBench(dir)
	}
	linuxBench(dir)
	printTable()
	fmt.Printf("(tests/bench took %.0f s)\n", time.Since(start).Seconds())
}
