package main

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/internal/gdbtarget"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// options is everything the command line can set. Names follow docs/design.md §13; keep them stable.
type options struct {
	cpus              int
	cpuModel          string
	hwDebug           string
	scenario          string
	uninstallOrder    string
	recovery          string
	bankGuard         string
	csync             string
	farPolicy         string
	rounds            uint64
	seed              int64
	livelockThreshold int
	once              bool
	parallel          bool
	cpuProfile        string
	run               bool
	kernel            string
	dumpKernel        string
	initrd            string
	cmdline           string // --append
	mem               uint64 // --mem, bytes
	dtb               string
	dumpDTB           string
	symbols           string
	gic               int
	allowRemote       bool
	logLevel          string
	logFormat         string
	logPackets        bool
	comm              string
	changed           map[string]bool // flags given on the command line
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := pflag.NewFlagSet("hwbp-gdbstub", pflag.ContinueOnError)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: hwbp-gdbstub [flags] [COMM]\n\n"+
			"COMM is 127.0.0.1:1234 (default), HOST:PORT, unix:PATH, or - for stdio\n"+
			"(target remote | hwbp-gdbstub -).\n\nflags:\n")
		fs.PrintDefaults()
	}
	fs.IntVar(&o.cpus, "cpus", 2, "number of simulated CPUs (1..64)")
	fs.StringVar(&o.cpuModel, "cpu-model", "cortex-a57", "CPU model: cortex-a57 or debugv8p9")
	fs.StringVar(&o.hwDebug, "hw-debug", "", "route for gdb's hardware points: kernel (through the model kernel's slot management; its default) or external (matched by the simulator; the default for any other kernel)")
	fs.StringVar(&o.scenario, "scenario", "workload", "guest scenario: workload, perf-livelock, csync-window, bank-race")
	fs.StringVar(&o.uninstallOrder, "uninstall-order", "upstream", "guest uninstall order: upstream (slot cleared first) or fixed")
	fs.StringVar(&o.recovery, "recovery", "none", "guest handler recovery: none or disable-orphan")
	fs.StringVar(&o.bankGuard, "bank-guard", "none", "guest MDSELR bank guard (debugv8p9): none, mask-debug or save-restore-mdselr")
	fs.StringVar(&o.csync, "csync", "strict", "debug-register sync window: strict, eager or random")
	fs.StringVar(&o.farPolicy, "far-policy", "clamp", "watchpoint FAR: clamp or access-start")
	fs.Uint64Var(&o.rounds, "rounds", 0, "workload rounds before the guest powers off (0 = forever)")
	fs.Int64Var(&o.seed, "seed", 1, "seed for every random choice")
	fs.IntVar(&o.livelockThreshold, "livelock-threshold", 1000, "repeated debug exceptions at one PC that count as a livelock (0 = off)")
	fs.BoolVar(&o.once, "once", false, "exit when the guest powers off")
	fs.BoolVar(&o.parallel, "parallel", false, "run the CPUs' plain instructions on host threads, one per CPU (faster with several CPUs; NOT deterministic: --seed no longer fixes the interleaving)")
	fs.BoolVar(&o.run, "run", false, "start the machine running instead of halted at the entry point")
	fs.StringVar(&o.kernel, "kernel", "", "run this kernel instead of the embedded one: an ELF built for the virt map, or an arm64 Linux Image")
	fs.StringVar(&o.dumpKernel, "dump-kernel", "", "write the embedded kernel ELF to FILE and exit")
	fs.StringVar(&o.initrd, "initrd", "", "Linux: load FILE as the initial ramdisk (needs --kernel with an Image)")
	fs.StringVar(&o.cmdline, "append", "", "Linux: the kernel command line (needs --kernel with an Image)")
	mem := fs.String("mem", "128M", "guest RAM size: bytes, or with a K, M or G suffix (16M..16G)")
	fs.StringVar(&o.dtb, "dtb", "", "Linux: boot with this device tree blob instead of the generated one (memory, psci and /chosen are rewritten, as QEMU does)")
	fs.StringVar(&o.dumpDTB, "dump-dtb", "", "write the device tree the machine would boot Linux with to FILE and exit (QEMU's -M virt,dumpdtb=)")
	fs.StringVar(&o.symbols, "symbols", "", "serve this ELF (e.g. vmlinux) to gdb and name addresses with its symbols")
	fs.IntVar(&o.gic, "gic", 2, "interrupt controller the device tree describes: 2 (GICv2, QEMU virt's default) or 3")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a Go CPU profile of the stub to FILE until it exits (go tool pprof)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&o.logFormat, "log-format", "console", "log format: console or json")
	fs.BoolVar(&o.logPackets, "log-packets", false, "log every RSP packet")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.changed = map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { o.changed[f.Name] = true })
	var err error
	if o.mem, err = parseSize(*mem); err != nil {
		return nil, fmt.Errorf("--mem %q: %w", *mem, err)
	}
	switch fs.NArg() {
	case 0:
		o.comm = "127.0.0.1:1234"
	case 1:
		o.comm = fs.Arg(0)
	default:
		return nil, fmt.Errorf("at most one COMM argument, got %q", fs.Args())
	}
	return o, o.validate()
}

func (o *options) validate() error {
	if o.cpus < 1 || o.cpus > 64 {
		return fmt.Errorf("--cpus %d: want 1..64", o.cpus)
	}
	hwDebug := o.hwDebug
	if !o.changed["hw-debug"] {
		hwDebug = gdbtarget.RouteKernel // "" (decided by the kernel) passes
	}
	for _, c := range []struct{ flag, val, allowed string }{
		{"cpu-model", o.cpuModel, strings.Join(debugregs.ModelNames(), " ")},
		{"hw-debug", hwDebug, gdbtarget.RouteKernel + " " + gdbtarget.RouteExternal},
		{"scenario", o.scenario, strings.Join(kernelsim.ScenarioNames(), " ")},
		{"uninstall-order", o.uninstallOrder, "upstream fixed"},
		{"recovery", o.recovery, "none disable-orphan"},
		{"bank-guard", o.bankGuard, "none mask-debug save-restore-mdselr"},
		{"csync", o.csync, "strict eager random"},
		{"far-policy", o.farPolicy, "clamp access-start"},
		{"log-format", o.logFormat, "console json"},
	} {
		if !contains(strings.Fields(c.allowed), c.val) {
			return fmt.Errorf("--%s %q: want one of %s", c.flag, c.val, strings.ReplaceAll(c.allowed, " ", ", "))
		}
	}
	if o.livelockThreshold < 0 {
		return fmt.Errorf("--livelock-threshold %d: want >= 0", o.livelockThreshold)
	}
	if o.gic != 2 && o.gic != 3 {
		return fmt.Errorf("--gic %d: want 2 or 3", o.gic)
	}
	if o.mem < minMem || o.mem > maxMem || o.mem%memAlign != 0 {
		return fmt.Errorf("--mem %d: want a multiple of 4 KiB from 16 MiB to 16 GiB", o.mem)
	}
	return nil
}

// Bounds of --mem: the machine takes at most target.MaxRAMSize, in 4 KiB pages; below 16 MiB not even a
// tinyconfig Linux unpacks.
const (
	minMem   = 16 << 20
	maxMem   = target.MaxRAMSize
	memAlign = 4 << 10
)

// parseSize reads a size as --mem takes it: bytes, or a number with a K, M or G suffix (powers of 1024, either
// case, also as KiB, MiB, GiB), like QEMU's -m 512M.
func parseSize(s string) (uint64, error) {
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(s)
	}
	shift, ok := map[string]uint{"": 0, "K": 10, "KIB": 10, "M": 20, "MIB": 20, "G": 30, "GIB": 30}[strings.ToUpper(s[i:])]
	n, err := strconv.ParseUint(s[:i], 10, 64)
	if !ok || err != nil || n > math.MaxUint64>>shift {
		return 0, fmt.Errorf("want bytes or a number with a K, M or G suffix (e.g. 512M)")
	}
	return n << shift, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// endpoint is a parsed COMM argument.
type endpoint struct {
	network string // "tcp", "unix" or "stdio"
	address string
}

// parseComm turns COMM into an endpoint. Non-loopback TCP needs allowRemote.
func parseComm(comm string, allowRemote bool) (endpoint, bool, error) {
	switch {
	case comm == "-":
		return endpoint{network: "stdio"}, false, nil
	case strings.HasPrefix(comm, "unix:"):
		path := strings.TrimPrefix(comm, "unix:")
		if path == "" {
			return endpoint{}, false, fmt.Errorf("COMM %q: empty socket path", comm)
		}
		return endpoint{network: "unix", address: path}, false, nil
	}
	host, port, err := net.SplitHostPort(comm)
	if err != nil {
		return endpoint{}, false, fmt.Errorf("COMM %q: want HOST:PORT, unix:PATH or -: %w", comm, err)
	}
	if host == "" {
		// ":1234" would listen on every interface; treat it as a remote bind.
		host = "0.0.0.0"
	}
	remote := !isLoopback(host)
	if remote && !allowRemote {
		return endpoint{}, false, fmt.Errorf("COMM %q is not a loopback address; pass --allow-remote to listen there", comm)
	}
	return endpoint{network: "tcp", address: net.JoinHostPort(host, port)}, remote, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
