package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The tools every part needs; `make deps` installs them (valgrind only for the host-instruction column).
func checkTools() {
	need := []string{"qemu-system-aarch64", "gdb-multiarch", "aarch64-linux-gnu-gcc"}
	if *irCount {
		need = append(need, "valgrind")
	}
	var missing []string
	for _, t := range need {
		if _, err := exec.LookPath(t); err != nil {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		fatalf("bench: %s not on PATH: run `make deps` (or -ir=false to skip the valgrind column)", strings.Join(missing, ", "))
	}
	if _, err := os.Stat(*server); err != nil {
		fatalf("bench: no server binary at %s: run `make build` first (%v)", *server, err)
	}
}

// A server or batch run started in the background with its output collected: stdout is the guest's console,
// stderr has the banners and valgrind's summary.
type proc struct {
	cmd         *exec.Cmd
	out, errOut bytes.Buffer
	done        chan struct{}
	err         error
}

func (p *proc) output() string { return p.out.String() + p.errOut.String() }

func startProc(cmd *exec.Cmd) *proc {
	p := &proc{cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.out, &p.errOut
	if err := cmd.Start(); err != nil {
		fatalf("%v: %v", cmd.Args, err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop asks the process to end (SIGINT: our server and QEMU both exit cleanly, and valgrind then prints its
// summary), waits up to grace, then kills it.
func (p *proc) stop(grace time.Duration) {
	if !p.exited() {
		p.cmd.Process.Signal(syscall.SIGINT)
	}
	select {
	case <-p.done:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// timeRun runs a batch command to its end and returns its wall time, stdout and stderr; a failure ends the bench.
func timeRun(cmd *exec.Cmd) (d time.Duration, stdout, stderr string) {
	start := time.Now()
	p := startProc(cmd)
	select {
	case <-p.done:
	case <-time.After(10 * time.Minute):
		p.cmd.Process.Kill()
		<-p.done
	}
	d = time.Since(start)
	if p.err != nil {
		fatalf("%v: %v\n%s", cmd.Args, p.err, p.output())
	}
	return d, p.out.String(), p.errOut.String()
}

// underValgrind wraps a command of ours so that valgrind counts its host instructions: cachegrind without its
// cache simulation (callgrind counts the same, but can fail on the SIGINT that ends a stub whose guest powered
// off under gdb). GODEBUG keeps the runtime's timer-driven preemption out of the count.
func underValgrind(cmd *exec.Cmd) *exec.Cmd {
	c := exec.Command("valgrind", append([]string{"--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"},
		cmd.Args...)...)
	c.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
	return c
}

// leastIr is the smallest of n counts. The counts of one run repeat to about 0.1 % except for a few million
// instructions the Go runtime adds at start-up and exit now and then (scheduler and collector threads, which
// depend on timing): extra work only, so the minimum is the figure.
func leastIr(n int, count func() float64) float64 {
	least := count()
	for i := 1; i < n; i++ {
		least = min(least, count())
	}
	return least
}

var irefs = regexp.MustCompile(`I\s+refs:\s+([0-9,]+)`)

// irOf is the instruction count in valgrind's summary.
func irOf(out string) float64 {
	m := irefs.FindStringSubmatch(out)
	if m == nil {
		fatalf("bench: no valgrind summary in:\n%s", out)
	}
	v, _ := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	return v
}

var benchLine = regexp.MustCompile(`BENCH (\S+) (-?[0-9.]+)`)

// gdbRun starts a stub, runs a gdb Python script against it with the ELF's symbols, stops the stub and returns
// the script's "BENCH name value" lines, gdb's output and the stub's stderr. With exits, the script ends with the
// guest powered off and the stub exiting by itself, which it is given time to do.
func gdbRun(elf string, start func(port int) *exec.Cmd, script string, exits bool) (res map[string]float64, gdbOut, srvOut string) {
	port := freePort()
	srv := startProc(start(port))
	defer srv.stop(2 * time.Minute)
	waitPort(port, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	f, err := os.CreateTemp("", "hwbp-bench-*.gdb")
	check(err)
	scriptFile := f.Name()
	defer os.Remove(scriptFile)
	_, err = f.WriteString(script)
	check(err)
	check(f.Close())
	g := exec.CommandContext(ctx, "gdb-multiarch", "-q", "-nx", "-batch", "-ex", "set pagination off",
		"-ex", "set confirm off", "-ex", "set remotetimeout 120", "-ex", "file "+elf,
		"-ex", fmt.Sprintf("target remote 127.0.0.1:%d", port), "-x", scriptFile)
	out, err := g.CombinedOutput()
	res = map[string]float64{}
	for _, m := range benchLine.FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		res[m[1]] = v
	}
	if err != nil || len(res) == 0 {
		fmt.Fprintf(os.Stderr, "gdb bench: %v\n%s\n", err, strings.TrimSpace(string(out)))
	}
	if exits {
		select {
		case <-srv.done:
		case <-time.After(time.Minute):
		}
	}
	srv.stop(2 * time.Minute)
	return res, string(out), srv.errOut.String()
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitPort waits until the stub listens (a minute: under valgrind our start-up is slow).
func waitPort(port int, srv *proc) {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return
		}
		if srv.exited() {
			fatalf("%v ended before listening: %v\n%s", srv.cmd.Args, srv.err, srv.output())
		}
		time.Sleep(25 * time.Millisecond)
	}
	fatalf("%v did not listen on %d", srv.cmd.Args, port)
}

func run(cmd *exec.Cmd) {
	out, err := cmd.CombinedOutput()
	if err != nil {
		fatalf("%v: %v\n%s", cmd.Args, err, out)
	}
}

func check(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}
