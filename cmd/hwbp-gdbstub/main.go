// Command hwbp-gdbstub serves a simulated multi-CPU AArch64 machine, running the embedded guest kernel (or any
// ELF built for the QEMU virt map, or an arm64 Linux Image), to gdb, lldb and IDEs over the GDB Remote Serial
// Protocol.
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/pflag"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/internal/gdbtarget"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args)
	if errors.Is(err, pflag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
		return 2
	}
	log, err := newLogger(o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
		return 2
	}
	defer log.Sync()
	if o.cpuProfile != "" {
		stop, err := startCPUProfile(o.cpuProfile)
		if err != nil {
			fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
			return 1
		}
		defer stop()
	}

	if o.dumpKernel != "" {
		if err := os.WriteFile(o.dumpKernel, kernelsim.KernelELF, 0o644); err != nil {
			log.Error("dump kernel", zap.Error(err))
			return 1
		}
		fmt.Fprintf(stderr, "hwbp-gdbstub: wrote the embedded kernel (%d bytes) to %s\n", len(kernelsim.KernelELF), o.dumpKernel)
		return 0
	}

	g, err := loadGuest(o)
	if err != nil {
		fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
		return 1
	}
	if o.dumpDTB != "" {
		blob, err := dumpDTB(o, g)
		if err == nil {
			err = os.WriteFile(o.dumpDTB, blob, 0o644)
		}
		if err != nil {
			fmt.Fprintln(stderr, "hwbp-gdbstub: --dump-dtb:", err)
			return 1
		}
		fmt.Fprintf(stderr, "hwbp-gdbstub: wrote the device tree (%d bytes) to %s\n", len(blob), o.dumpDTB)
		return 0
	}

	ep, remote, err := parseComm(o.comm, o.allowRemote)
	if err != nil {
		fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
		return 2
	}
	var knobs *kernelsim.Config
	if g.elf == nil && g.linux == nil {
		if g.elf, err = kernelsim.Default(); err != nil {
			fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
			return 1
		}
	}
	if g.elf != nil {
		if _, err := g.elf.ConfigAddr(); err == nil {
			cfg, err := kernelConfig(g.elf, o)
			if err != nil {
				fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
				return 1
			}
			knobs = &cfg
		}
	}

	// The guest console goes to stdout, unless stdout carries the protocol (stdio mode): then gdb shows it
	// from O packets, and a copy on stderr would print every line twice in gdb's terminal.
	console := stdout
	if ep.network == "stdio" {
		console = io.Discard
	}
	// A Linux guest gets the interrupt controller its device tree describes and, unless stdin carries the
	// protocol, the stub's stdin as console input (the model kernel reads none).
	var gicVersion int
	var input io.Reader
	if g.linux != nil || o.changed["gic"] {
		gicVersion = o.gic
	}
	if g.linux != nil && ep.network != "stdio" {
		input = stdin
	}
	adapter, err := gdbtarget.Start(gdbtarget.Config{
		Machine: target.Config{
			CPUs:              o.cpus,
			RAMSize:           o.mem,
			Seed:              o.seed,
			CPUModel:          o.cpuModel,
			Sync:              o.csync,
			FAR:               o.farPolicy,
			LivelockThreshold: o.livelockThreshold,
			GIC:               gicVersion,
			Input:             input,
			Parallel:          o.parallel,
		},
		Image:    g.elf,
		Linux:    g.linux,
		Symbols:  g.symbols,
		ExecName: g.execName,
		Knobs:    knobs,
		Route:    o.hwDebug,
		Logger:   log,
		Console:  console,
	})
	if err != nil {
		fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
		return 1
	}

	if g.linux != nil && g.symbols == nil {
		log.Warn("an Image carries no symbols: gdb gets none from the stub; pass --symbols with its vmlinux")
	}

	sopts := rsp.Options{Logger: log, LogPackets: o.logPackets}
	srv := rsp.NewServer(adapter, sopts)
	if o.run {
		adapter.StartRunning()
	}

	if ep.network == "stdio" {
		// One session on stdin/stdout; the process ends with it.
		err := srv.ServeConn(struct {
			io.Reader
			io.Writer
		}{stdin, stdout})
		if err != nil {
			log.Error("session", zap.Error(err))
			return 1
		}
		return 0
	}

	l, err := net.Listen(ep.network, ep.address)
	if err != nil {
		fmt.Fprintln(stderr, "hwbp-gdbstub:", err)
		return 1
	}
	if ep.network == "unix" {
		os.Chmod(ep.address, 0o600)
		defer os.Remove(ep.address)
	}
	if remote {
		log.Warn("listening on a non-loopback address: anyone who can reach it can control the simulation", zap.String("addr", l.Addr().String()))
	}
	state := "halted at the kernel entry point"
	if g.linux != nil {
		state = fmt.Sprintf("halted at the Image's entry %#x (device tree at %#x)", g.linux.Entry.PC, g.linux.DTB.Addr)
	}
	if o.run {
		state = "running"
	}
	connect := l.Addr().String()
	if ep.network == "unix" {
		connect = ep.address
	}
	// Signals are caught before anyone is told to connect: a SIGTERM right after the listening line still
	// shuts down cleanly (and removes a unix socket).
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	if o.parallel {
		state += " in parallel (not deterministic)"
	}
	fmt.Fprintf(stderr, "hwbp-gdbstub: %d CPUs %s; listening on %s — connect with: gdb-multiarch -ex 'target remote %s'\n",
		o.cpus, state, connect, connect)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(l) }()
	for {
		select {
		case err := <-serveErr:
			if err != nil {
				log.Error("serve", zap.Error(err))
				return 1
			}
			return 0
		case s := <-sig:
			log.Info("stopping", zap.String("signal", s.String()))
			l.Close()
			return 0
		case ev := <-adapter.Events():
			if ev.Kind == target.StopPowerOff && o.once {
				l.Close()
				return 0
			}
			if ev.Kind == target.StopLivelock && !ev.Stuck {
				// The report as one plain line too, the way a kernel developer greps a console for it.
				fmt.Fprintf(stderr, "hwbp-gdbstub: %s\n", ev.Text)
			}
			if ev.Stuck && o.once {
				fmt.Fprintf(stderr, "hwbp-gdbstub: the guest cannot make progress: %s\n", ev.Text)
				l.Close()
				return 1
			}
		}
	}
}

// kernelConfig is the image's built-in configuration with the knobs given on the command line applied; a knob
// not given keeps the image's own value (so an ELF patched for QEMU runs the same here).
func kernelConfig(img *kernelsim.Image, o *options) (kernelsim.Config, error) {
	cfg, err := img.Config()
	if err != nil {
		return cfg, err
	}
	if o.changed["scenario"] {
		if cfg.Scenario, err = kernelsim.ParseScenario(o.scenario); err != nil {
			return cfg, err
		}
	}
	if o.changed["uninstall-order"] {
		if cfg.UninstallOrder, err = kernelsim.ParseUninstallOrder(o.uninstallOrder); err != nil {
			return cfg, err
		}
	}
	if o.changed["recovery"] {
		if cfg.Recovery, err = kernelsim.ParseRecovery(o.recovery); err != nil {
			return cfg, err
		}
	}
	if o.changed["bank-guard"] {
		if cfg.BankGuard, err = kernelsim.ParseBankGuard(o.bankGuard); err != nil {
			return cfg, err
		}
	}
	if o.changed["rounds"] {
		cfg.WorkloadRounds = o.rounds
	}
	return cfg, cfg.Validate()
}

func newLogger(o *options, w io.Writer) (*zap.Logger, error) {
	level, err := zapcore.ParseLevel(o.logLevel)
	if err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", o.logLevel, err)
	}
	encCfg := zap.NewProductionEncoderConfig()
	encCfg.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	if o.logFormat == "json" {
		enc = zapcore.NewJSONEncoder(encCfg)
	} else {
		encCfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(encCfg)
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), level)), nil
}

// startCPUProfile writes a Go CPU profile of the stub to path until stop
// (--cpuprofile, for `go tool pprof`).
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}, nil
}
