package gdbtarget

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/boot"
)

// Config is what the command line decides about the machine, the guest and gdb's points.
type Config struct {
	Machine target.Config     // CPUs, CPU model, policies, seed, livelock threshold; Console and Hypercall are the adapter's
	Image   *kernelsim.Image  // the ELF kernel to boot; nil = the embedded one (unless Linux is set)
	Linux   *boot.Plan        // an arm64 Image placed by boot.Load (--kernel Image): booted instead of Image
	Knobs   *kernelsim.Config // the guest's runtime knobs, written at every boot; nil = the image's own
	// Symbols is the ELF gdb gets from the stub (qXfer:exec-file, vFile) and the names the stub's reports use
	// (--symbols, e.g. a vmlinux); nil = the ELF kernel itself.
	Symbols  *SymbolFile
	Route    string      // RouteKernel or RouteExternal; "" = kernel for the model kernel, external for any other
	Logger   *zap.Logger // nil = discard
	Console  io.Writer   // the local copy of the guest console (the server's stdout); nil = discard
	ExecName string      // the name gdb sees for the served ELF
}

// SymbolFile is an ELF served to gdb read-only and used to name addresses.
type SymbolFile struct {
	Raw     []byte
	Symbols *kernelsim.Symbols
}

// ErrNeedsModelKernel is Start's error for --hw-debug kernel with a guest that is not the model kernel.
var ErrNeedsModelKernel = errors.New("the kernel route needs the model kernel's debugger entry points")

// Event is something the command wants to hear about while no client drives the machine.
type Event struct {
	Kind  target.StopKind
	Text  string
	Stuck bool // the guest can never run on; the machine is halted
}

// Adapter is the machine as an rsp.Target.
type Adapter struct {
	m     *target.Machine
	img   *kernelsim.Image // the ELF kernel; empty (no segments, no symbols) for a Linux Image
	linux *boot.Plan       // nil for an ELF kernel
	model bool             // the guest is the model kernel (it has the debugger entry points)
	syms  *kernelsim.Symbols
	exec  []byte // the ELF served to gdb; nil = none
	knobs *kernelsim.Config
	desc  *aarch64.Description
	log   *zap.Logger
	cons  *consoleMux

	execName          string
	nbp, nwp          int // gdb-visible comparators (the CPU model's)
	livelockThreshold int
	resumeLimit       uint64 // instructions one gdb resume may run before it answers as interrupted; 0 = none (fuzzing)

	runMu     sync.Mutex // serializes the free-run loop's start/stop
	freeDone  chan struct{}
	stopFree  atomic.Bool
	poweredOn atomic.Bool
	events    chan Event

	kern         *guestKernel
	bank         *externalBank
	route        pointRoute
	soft         map[uint64]bool // gdb's Z0 addresses
	perfEvents   []*perfEvent    // `monitor perf` events by id (nil = released)
	stats        stats
	lastLivelock string // the last livelock report, for `monitor livelock`
	lastStp      rsp.StopReason
}

type stats struct {
	stops, interrupts, watchHits, bpHits, steps uint64
}

// Every capability the adapter serves; a signature slip here would silently drop one and its qSupported
// feature.
var (
	_ rsp.Target             = (*Adapter)(nil)
	_ rsp.ThreadExtraInfo    = (*Adapter)(nil)
	_ rsp.SingleRegisters    = (*Adapter)(nil)
	_ rsp.ExpeditedRegisters = (*Adapter)(nil)
	_ rsp.SwBreakpoints      = (*Adapter)(nil)
	_ rsp.HwBreakpoints      = (*Adapter)(nil)
	_ rsp.HwWatchpoints      = (*Adapter)(nil)
	_ rsp.TargetDescription  = (*Adapter)(nil)
	_ rsp.ExecFile           = (*Adapter)(nil)
	_ rsp.Console            = (*Adapter)(nil)
	_ rsp.LLDBInfo           = (*Adapter)(nil)
	_ rsp.Monitor            = (*Adapter)(nil)
	_ rsp.Attacher           = (*Adapter)(nil)
	_ rsp.Detacher           = (*Adapter)(nil)
	_ rsp.BoundedSteps       = (*Adapter)(nil)
)

// Start builds the machine with the adapter's own console and hypercall hooks, boots the image (halted at its
// entry point, like gdbserver and qemu -S) and returns the adapter.
func Start(cfg Config) (*Adapter, error) {
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Console == nil {
		cfg.Console = io.Discard
	}
	if cfg.ExecName == "" {
		cfg.ExecName = "/hwbp-gdbstub/kernel.elf"
	}
	switch {
	case cfg.Linux != nil && cfg.Image != nil:
		return nil, errors.New("gdbtarget: both an ELF kernel and a Linux Image to boot")
	case cfg.Linux != nil:
		cfg.Image = &kernelsim.Image{}
		if cfg.Knobs != nil {
			return nil, errors.New("gdbtarget: runtime knobs are the model kernel's; a Linux Image has none")
		}
	case cfg.Image == nil:
		img, err := kernelsim.Default()
		if err != nil {
			return nil, err
		}
		cfg.Image = img
	}
	// The model kernel is the one with the debugger entry points (embedded, or an ELF built from it); any
	// other guest (Linux, a test ELF) has none to call.
	_, _, isModel := cfg.Image.Symbols.Lookup(kernelsim.SymDebuggerEventCreate)
	var route string
	switch cfg.Route {
	case "":
		route = RouteExternal
		if isModel {
			route = RouteKernel
		}
	case RouteKernel:
		if !isModel {
			return nil, fmt.Errorf("--hw-debug kernel: %w, and this kernel has none (use --hw-debug external, the default for it)", ErrNeedsModelKernel)
		}
		route = RouteKernel
	case RouteExternal:
		route = RouteExternal
	default:
		return nil, fmt.Errorf("unknown route %q (want %s or %s)", cfg.Route, RouteKernel, RouteExternal)
	}
	a := &Adapter{
		img:               cfg.Image,
		linux:             cfg.Linux,
		model:             isModel,
		syms:              cfg.Image.Symbols,
		exec:              cfg.Image.Raw,
		knobs:             cfg.Knobs,
		log:               cfg.Logger,
		cons:              &consoleMux{local: cfg.Console},
		execName:          cfg.ExecName,
		livelockThreshold: cfg.Machine.LivelockThreshold,
		events:            make(chan Event, 16),
		soft:              map[uint64]bool{},
	}
	if cfg.Symbols != nil {
		a.syms, a.exec = cfg.Symbols.Symbols, cfg.Symbols.Raw
	}
	mc := cfg.Machine
	mc.Console, mc.Hypercall = a.cons, a.hypercall
	m, err := target.New(mc)
	if err != nil {
		return nil, err
	}
	model := m.CPU(0).DebugUnit().Model()
	a.m, a.nbp, a.nwp = m, model.Breakpoints, model.Watchpoints
	if err := a.checkAffinity(); err != nil {
		return nil, err
	}
	a.desc = aarch64.New(a.nbp, a.nwp)
	a.kern = newGuestKernel(m, a.img, a.log)
	a.bank = newExternalBank(m, a.nbp, a.nwp)
	if route == RouteKernel {
		a.route = newKernelRoute(a.kern, a.bank, a.log, a.nbp, a.nwp)
	} else {
		a.route = externalRoute{a.bank}
	}
	if err := a.boot(); err != nil {
		return nil, err
	}
	return a, nil
}

// boot loads the kernel (the ELF's segments and runtime knobs, or the Linux Image, initrd and device tree),
// then resets every CPU and sets the boot CPU's entry state. Used at start and by `monitor reset`, `monitor
// scenario` and extended-remote `run`; each boot starts from virtual time zero with only its own segments, so
// a restarted guest runs as a fresh one does.
func (a *Adapter) boot() error {
	a.m.Unload()
	if a.linux != nil {
		return a.bootLinux()
	}
	for _, s := range a.img.Segments {
		if err := a.m.LoadSegment(s.Addr, s.Data, s.MemSize); err != nil {
			return fmt.Errorf("load segment at %#x: %w", s.Addr, err)
		}
	}
	if a.knobs != nil {
		patches, err := a.img.ConfigPatch(*a.knobs)
		if err != nil {
			return err
		}
		for _, p := range patches {
			if err := a.m.WriteMemory(p.Addr, p.Data); err != nil {
				return fmt.Errorf("patch kernel config at %#x: %w", p.Addr, err)
			}
		}
	}
	a.m.Reset(a.img.Entry)
	a.rebooted()
	return nil
}

// rebooted forgets what the previous boot left: the guest's state, the route's installs, perf events, the
// last livelock and stop.
func (a *Adapter) rebooted() {
	a.poweredOn.Store(true)
	a.kern.rebooted()
	a.route.rebooted()
	a.perfEvents = nil
	a.lastLivelock = ""
	a.lastStp = rsp.StopReason{Kind: rsp.StopSignal, Thread: 1}
}

// Machine is the machine the adapter drives (for the command's benchmarks and tests).
func (a *Adapter) Machine() *target.Machine { return a.m }

// Events delivers power-offs and livelocks seen while the machine runs with no client.
func (a *Adapter) Events() <-chan Event { return a.events }

// StartRunning lets the machine run with no client attached (--run, and after a client leaves).
func (a *Adapter) StartRunning() {
	a.runMu.Lock()
	defer a.runMu.Unlock()
	if a.freeDone != nil || !a.poweredOn.Load() {
		return
	}
	a.stopFree.Store(false)
	done := make(chan struct{})
	a.freeDone = done
	go func() {
		defer close(done)
		defer func() {
			// A bug in the machine must not take the server down: log it and leave the machine halted.
			if r := recover(); r != nil {
				a.log.Error("the machine stopped on an internal error", zap.Any("panic", r), zap.Stack("stack"))
			}
		}()
		all := a.actions(target.ActionContinue)
		lastLivelock := [2]uint64{^uint64(0), 0}
		for !a.stopFree.Load() {
			st := a.m.Resume(all)
			switch st.Kind {
			case target.StopInterrupt:
				// our own halt request, or a stray one: the loop condition decides
			case target.StopPowerOff:
				a.poweredOn.Store(false)
				a.log.Info("guest powered off", zap.String("reason", st.Text))
				a.notify(Event{Kind: st.Kind, Text: st.Text})
				return
			case target.StopLivelock:
				if !isDebugEC(st.EC) {
					// Faulting at its own vector: this guest can never make progress.
					a.log.Error("the guest cannot make progress", zap.String("detail", st.Text))
					a.notify(Event{Kind: st.Kind, Text: st.Text, Stuck: true})
					return
				}
				// One report per episode: the detector fires again every threshold repeats.
				if key := [2]uint64{uint64(st.CPU), st.Addr}; key != lastLivelock {
					lastLivelock = key
					text := a.livelockText(st)
					a.log.Warn("livelock (no client attached; the machine keeps running)", zap.String("report", text))
					a.notify(Event{Kind: st.Kind, Text: text})
				}
			case target.StopIdle:
				// Every CPU waits for an interrupt that no device will raise.
				a.log.Error("the guest is idle forever (every CPU waits in WFI/WFE)")
				a.notify(Event{Kind: st.Kind, Text: "every CPU waits in WFI/WFE forever", Stuck: true})
				return
			default:
				a.log.Debug("stop with no client", zap.Stringer("kind", st.Kind), zap.Int("cpu", st.CPU))
			}
		}
	}()
}

func (a *Adapter) notify(e Event) {
	select {
	case a.events <- e:
	default:
	}
}

// haltFree stops the free-run loop, leaving every CPU halted.
func (a *Adapter) haltFree() {
	a.runMu.Lock()
	defer a.runMu.Unlock()
	if a.freeDone == nil {
		return
	}
	a.stopFree.Store(true)
	defer func() {
		// The loop may have ended on the first request while a repeat was still pending: a stale
		// interrupt would cut short the next Resume (a cross-call, or gdb's continue).
		a.m.DropInterrupt()
		a.freeDone = nil
	}()
	for {
		a.m.Interrupt()
		select {
		case <-a.freeDone:
			return
		case <-afterMillis(5):
		}
	}
}

func (a *Adapter) actions(k target.Action) []target.Action {
	acts := make([]target.Action, a.m.NumCPUs())
	for i := range acts {
		acts[i] = k
	}
	return acts
}

// Attach implements rsp.Attacher: a client connected, so the machine halts and '?' reports this stop.
func (a *Adapter) Attach() (rsp.StopReason, error) {
	a.haltFree()
	if !a.poweredOn.Load() {
		return rsp.StopReason{Kind: rsp.StopExited}, nil
	}
	return a.lastStp, nil
}

// Detach implements rsp.Detacher: the session has removed the client's points; the machine runs on, as
// with gdbserver and QEMU.
func (a *Adapter) Detach(how rsp.DetachKind) {
	if a.poweredOn.Load() {
		if st := a.route.apply(nil); st != nil {
			a.log.Warn("removing gdb's points stopped", zap.String("stop", a.describeStop(*st)))
		}
	}
	if !a.poweredOn.Load() {
		// The guest powered off while the client was attached: now that it has heard so and left, --once may end.
		a.log.Info("client left; the guest is powered off", zap.Int("how", int(how)))
		a.notify(Event{Kind: target.StopPowerOff, Text: "powered off while a client was attached"})
		return
	}
	a.log.Info("client left; the machine keeps running", zap.Int("how", int(how)))
	a.StartRunning()
}

// Interrupt implements rsp.Resumer.
func (a *Adapter) Interrupt() { a.m.Interrupt() }

// Resume implements rsp.Resumer.
func (a *Adapter) Resume(actions []rsp.Action) (rsp.StopReason, error) {
	if !a.poweredOn.Load() {
		return rsp.StopReason{Kind: rsp.StopExited}, nil
	}
	acts := make([]target.Action, a.m.NumCPUs())
	for i := range acts {
		if i < len(actions) {
			switch actions[i].Kind {
			case rsp.ActionContinue:
				acts[i] = target.ActionContinue
			case rsp.ActionStep:
				acts[i] = target.ActionStep
			}
		}
	}
	r := a.run(acts)
	a.lastStp = r
	if r.Kind == rsp.StopExited {
		a.poweredOn.Store(false)
	}
	return r, nil
}

// run runs the machine as gdb asked until a stop gdb must see. The route first makes the machine hold gdb's
// points, and again at each READY call it asked to stop at.
func (a *Adapter) run(acts []target.Action) rsp.StopReason {
	only := stepOnly(acts)
	if st := a.route.apply(only); st != nil {
		return a.stopReason(*st)
	}
	for {
		st := a.m.ResumeLimit(acts, a.resumeLimit)
		switch st.Kind {
		case target.StopLimit:
			return a.stopReason(target.Stop{Kind: target.StopInterrupt, CPU: st.CPU})
		case target.StopHypercall:
			if cs := a.route.apply(only); cs != nil {
				return a.stopReason(*cs)
			}
		case target.StopCallDone:
			// a cross-call finished while gdb's resume ran; nothing for gdb
		case target.StopReturned:
			if r, ok := a.route.returned(st.CPU); ok {
				a.stats.stops++
				if r.Kind == rsp.StopWatch {
					a.stats.watchHits++
				} else {
					a.stats.bpHits++
				}
				return r
			}
			if acts[st.CPU] == target.ActionStep {
				// the step was the return to the trapped instruction
				return a.stopReason(target.Stop{Kind: target.StopStepped, CPU: st.CPU})
			}
		default:
			return a.stopReason(st)
		}
	}
}

func (a *Adapter) stopReason(st target.Stop) rsp.StopReason {
	a.stats.stops++
	r := rsp.StopReason{Kind: rsp.StopSignal, Thread: st.CPU + 1}
	switch st.Kind {
	case target.StopInterrupt:
		a.stats.interrupts++
		r.Kind = rsp.StopInterrupted
	case target.StopStepped:
		a.stats.steps++
		r.Kind = rsp.StopStepped
	case target.StopBreakpoint:
		a.stats.bpHits++
		r.Kind = rsp.StopSwBreak
		if a.bank.isHardwareBreak(st.Addr) {
			r.Kind = rsp.StopHwBreak
		}
	case target.StopWatchpoint:
		a.stats.watchHits++
		r.Kind, r.Addr, r.Watch = rsp.StopWatch, st.Addr, watchKindToRSP(st.Watch)
	case target.StopPowerOff:
		a.poweredOn.Store(false)
		r = rsp.StopReason{Kind: rsp.StopExited}
	case target.StopLivelock:
		a.lastLivelock = a.livelockText(st)
		a.cons.Write([]byte(a.lastLivelock + "\n"))
	}
	return r
}

// hypercall is target.Config.Hypercall: the guest kernel's debugger HVCs. It runs on the machine goroutine
// inside Resume and touches only adapter state.
func (a *Adapter) hypercall(cpu int, args [4]uint64) target.HypercallResult {
	k := a.kern
	switch args[0] {
	case kernelsim.HVCCPUReady:
		if cpu < len(k.ready) {
			k.ready[cpu] = true
		}
		return target.HypercallResult{Stop: a.route.wantsReady()}
	case kernelsim.HVCHWBPNotify:
		if k.inCall == cpu {
			// A hit inside our own cross-call: counted, stepped over by the kernel, never reported.
			k.callHit++
			return target.HypercallResult{X0: kernelsim.HVCNotifyStep}
		}
		return a.route.notify(cpu, args[1], args[2], args[3] == 1)
	}
	return target.HypercallResult{X0: ^uint64(0)}
}

// livelockText is the console line of docs/design.md §9: CPU, symbolized PC, exception class, count, and whether a
// slot of the kernel owned the comparator that fires.
func (a *Adapter) livelockText(st target.Stop) string {
	if !isDebugEC(st.EC) {
		// Not a debug exception: the guest faults at its own vector (no vectors yet, or, on Linux today, the
		// MMU it turned on is not modelled). The machine's text says which exception.
		return st.Text + "; the guest cannot make progress"
	}
	return fmt.Sprintf("livelock: cpu %d pc %#x <%s> %s (EC %#x), %d times, %s", st.CPU, st.Addr,
		a.syms.Symbolize(st.Addr), target.ExceptionClassName(st.EC), st.EC, st.Count, a.ownerText(st))
}

// ownerText says whether the kernel's slot array owns an enabled comparator that matches the trapping PC.
func (a *Adapter) ownerText(st target.Stop) string {
	if st.EC != debugregs.ECBreakpointLower && st.EC != debugregs.ECBreakpointCurrent {
		return "owner not checked"
	}
	c := a.m.CPU(st.CPU)
	for i := 0; i < a.nbp; i++ {
		bcr := debugregs.DBGBCR(comparator(c, debugregs.KindDBGBCR, i))
		if !bcr.E() || comparator(c, debugregs.KindDBGBVR, i) != st.Addr&^3 {
			continue
		}
		if !a.model {
			// What can be known without the model kernel's slot array: the comparator that matches.
			return fmt.Sprintf("DBGBCR%d_EL1 %#x enabled with DBGBVR%d_EL1 = that pc; %s", i, uint64(bcr), i, eretText(st.Livelock))
		}
		owner, err := a.kern.slotOwner(false, st.CPU, i)
		if err != nil {
			return "owner unknown"
		}
		if owner == 0 {
			return fmt.Sprintf("no owning slot (DBGBCR%d_EL1 enabled, bp_on_reg[%d][%d] is NULL)", i, st.CPU, i)
		}
		return fmt.Sprintf("owned by slot %d (%s)", i, a.describeEvent(owner))
	}
	return "no enabled comparator matches"
}

// eretText says what the exception returns of a livelock did, as far as the machine can see without knowing
// the guest's code (docs/design.md §9).
func eretText(run target.LivelockRun) string {
	switch {
	case run.ERETs == 0:
		return "no exception return in between"
	case run.Stepped:
		return fmt.Sprintf("an ERET of the %d back to that pc armed a software step, yet the exception repeated", run.ERETs)
	case run.RegsChanged:
		return fmt.Sprintf("the %d ERETs back to that pc saw the debug registers change, yet the comparator still matches", run.ERETs)
	}
	return fmt.Sprintf("each of the %d ERETs went back to that pc with no step armed (MDSCR_EL1.SS/SPSR.SS) "+
		"and the debug registers unchanged: the handler neither disabled the comparator nor stepped over it", run.ERETs)
}

func (a *Adapter) describeStop(st target.Stop) string {
	if st.Kind == target.StopLivelock {
		return a.livelockText(st)
	}
	return fmt.Sprintf("%v on cpu %d at %#x", st.Kind, st.CPU, st.Addr)
}

// stepOnly returns the CPUs that run when gdb resumes nothing but single steps (a step-over), or nil when any
// CPU continues.
func stepOnly(acts []target.Action) []bool {
	only := make([]bool, len(acts))
	for i, a := range acts {
		switch a {
		case target.ActionContinue:
			return nil
		case target.ActionStep:
			only[i] = true
		}
	}
	return only
}

// isDebugEC says whether an exception class is a breakpoint, software step or watchpoint.
func isDebugEC(ec uint32) bool {
	return ec >= debugregs.ECBreakpointLower && ec <= debugregs.ECWatchpointCurrent
}

// StepsAreBounded implements rsp.BoundedSteps: a single step is one instruction, or on the kernel route a few
// cross-calls, which the livelock detector bounds. With detection off an uninstall can spin forever, so steps
// then keep the interruptible path.
func (a *Adapter) StepsAreBounded() bool { return a.livelockThreshold > 0 }
