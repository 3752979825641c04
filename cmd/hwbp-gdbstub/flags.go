package main

import (
	"fmt"
	"net"
	"strings"

	"github.com/spf13/pflag"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/internal/gdbtarget"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
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
	run               bool
	kernel            string
	dumpKernel        string
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
	fs.StringVar(&o.hwDebug, "hw-debug", "kernel", "route for gdb's hardware points: kernel (through the guest kernel's slot management) or external (matched by the simulator)")
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
	fs.BoolVar(&o.run, "run", false, "start the machine running instead of halted at the entry point")
	fs.StringVar(&o.kernel, "kernel", "", "run this ELF (built for the virt map) instead of the embedded kernel")
	fs.StringVar(&o.dumpKernel, "dump-kernel", "", "write the embedded kernel ELF to FILE and exit")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&o.logFormat, "log-format", "console", "log format: console or json")
	fs.BoolVar(&o.logPackets, "log-packets", false, "log every RSP packet")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.changed = map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { o.changed[f.Name] = true })
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
	for _, c := range []struct{ flag, val, allowed string }{
		{"cpu-model", o.cpuModel, strings.Join(debugregs.ModelNames(), " ")},
		{"hw-debug", o.hwDebug, gdbtarget.RouteKernel + " " + gdbtarget.RouteExternal},
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
	return nil
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
