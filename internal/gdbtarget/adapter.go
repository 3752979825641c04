package gdbtarget

import (
	"encoding/binary"
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
)

// Options configures an Adapter.
type Options struct {
	Logger            *zap.Logger
	Console           io.Writer                   // the local copy of the guest console (the server's stdout); nil = discard
	Breakpoints       int                         // gdb-visible hardware breakpoint comparators (CPU model)
	Watchpoints       int                         // gdb-visible watchpoint comparators (CPU model)
	ExecName          string                      // the name gdb sees for the kernel ELF
	Route             string                      // "kernel" (gdb's points through the guest kernel) or "external" (matched by the simulator)
	LivelockThreshold int                         // the machine's livelock threshold (0 = detection off)
	Boot              func(*target.Machine) error // (re)loads the image into the machine; used at start and by `monitor reset`
}

type route uint8

const (
	routeExternal route = iota
	routeKernel
)

// Event is something the command wants to hear about while no client drives the machine.
type Event struct {
	Kind  target.StopKind
	Text  string
	Stuck bool // the guest can never run on; the machine is halted
}

// Adapter is the machine as an rsp.Target.
type Adapter struct {
	m    *target.Machine
	img  *kernelsim.Image
	desc *aarch64.Description
	log  *zap.Logger
	opts Options
	cons *consoleMux

	runMu     sync.Mutex // serializes the free-run loop's start/stop
	freeDone  chan struct{}
	stopFree  atomic.Bool
	poweredOn atomic.Bool
	events    chan Event

	route        route
	kr           *kernelRoute
	callStop     *target.Stop // a cross-call stopped for gdb (see errCallStopped)
	perfEvents   []*perfEvent // `monitor perf` events by id (nil = released)
	points       *points
	stats        stats
	lastLivelock string // the last livelock report, for `monitor livelock`
	lastStp      rsp.StopReason
}

type stats struct {
	stops, interrupts, watchHits, bpHits, steps uint64
}

// New wraps m. img may be nil for an ELF without symbols or a kernel we do not know.
func New(m *target.Machine, img *kernelsim.Image, opts Options) *Adapter {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	if opts.Console == nil {
		opts.Console = io.Discard
	}
	if opts.ExecName == "" {
		opts.ExecName = "/hwbp-gdbstub/kernel.elf"
	}
	a := &Adapter{
		m:      m,
		img:    img,
		desc:   aarch64.New(opts.Breakpoints, opts.Watchpoints),
		log:    opts.Logger,
		opts:   opts,
		cons:   &consoleMux{local: opts.Console},
		events: make(chan Event, 16),
		points: newPoints(m, opts.Breakpoints, opts.Watchpoints),
	}
	a.kr = newKernelRoute(m.NumCPUs())
	if opts.Route == "kernel" {
		a.route = routeKernel
	}
	a.poweredOn.Store(true)
	a.lastStp = rsp.StopReason{Kind: rsp.StopSignal, Thread: 1}
	return a
}

// ConsoleWriter is where the machine's UART output must go: the local console and, while a client is
// attached, O packets.
func (a *Adapter) ConsoleWriter() io.Writer { return a.cons }

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

// cpu maps an rsp thread id (1..N, 0 = first) to a CPU.
func (a *Adapter) cpu(tid int) (*target.CPU, error) {
	if tid == 0 {
		tid = 1
	}
	if tid < 1 || tid > a.m.NumCPUs() {
		return nil, rsp.EINVAL
	}
	return a.m.CPU(tid - 1), nil
}

// NumThreads implements rsp.Threads: one thread per CPU.
func (a *Adapter) NumThreads() int { return a.m.NumCPUs() }

// ThreadExtraInfo implements rsp.ThreadExtraInfo.
func (a *Adapter) ThreadExtraInfo(tid int) string {
	c, err := a.cpu(tid)
	if err != nil {
		return ""
	}
	state := "halted"
	if !c.PoweredOn() {
		state = "powered off"
	}
	return fmt.Sprintf("CPU#%d MPIDR=%#x [%s]", tid-1, c.MPIDR(), state)
}

// ReadRegisters implements rsp.Registers: x0..x30, sp, pc (8 bytes each), cpsr (4 bytes), little-endian.
func (a *Adapter) ReadRegisters(tid int, dst []byte) ([]byte, error) {
	c, err := a.cpu(tid)
	if err != nil {
		return dst, err
	}
	for n := 0; n < aarch64.RegCPSR; n++ {
		dst = binary.LittleEndian.AppendUint64(dst, c.Reg(n))
	}
	return binary.LittleEndian.AppendUint32(dst, uint32(c.Reg(aarch64.RegCPSR))), nil
}

// WriteRegisters implements rsp.Registers.
func (a *Adapter) WriteRegisters(tid int, data []byte) error {
	c, err := a.cpu(tid)
	if err != nil {
		return err
	}
	for n := 0; n < aarch64.RegCPSR && len(data) >= 8; n++ {
		c.SetReg(n, binary.LittleEndian.Uint64(data))
		data = data[8:]
	}
	if len(data) >= 4 {
		c.SetReg(aarch64.RegCPSR, uint64(binary.LittleEndian.Uint32(data)))
	}
	return nil
}

// ReadRegister implements rsp.SingleRegisters: core registers and the system registers of the description.
func (a *Adapter) ReadRegister(tid, regnum int, dst []byte) ([]byte, error) {
	c, err := a.cpu(tid)
	if err != nil {
		return dst, err
	}
	r, ok := a.desc.Reg(regnum)
	if !ok {
		return dst, rsp.EINVAL
	}
	var v uint64
	switch {
	case r.Sys == nil:
		v = c.Reg(regnum)
	case isComparator(r.Sys):
		v = dbgReg(c, r.Sys.Op2, r.Sys.Bank*16+r.Sys.CRm)
	default:
		if v, ok = c.SysReg(r.Sys.Op0, r.Sys.Op1, r.Sys.CRn, r.Sys.CRm, r.Sys.Op2); !ok {
			return dst, rsp.EINVAL
		}
	}
	if r.Size == 4 {
		return binary.LittleEndian.AppendUint32(dst, uint32(v)), nil
	}
	return binary.LittleEndian.AppendUint64(dst, v), nil
}

// WriteRegister implements rsp.SingleRegisters.
func (a *Adapter) WriteRegister(tid, regnum int, value []byte) error {
	c, err := a.cpu(tid)
	if err != nil {
		return err
	}
	r, ok := a.desc.Reg(regnum)
	if !ok || len(value) < r.Size {
		return rsp.EINVAL
	}
	var v uint64
	if r.Size == 4 {
		v = uint64(binary.LittleEndian.Uint32(value))
	} else {
		v = binary.LittleEndian.Uint64(value)
	}
	if r.Sys == nil {
		c.SetReg(regnum, v)
		return nil
	}
	if isComparator(r.Sys) {
		if !c.DebugUnit().SetRegister(dbgKind[r.Sys.Op2], r.Sys.Bank*16+r.Sys.CRm, v) {
			return rsp.EINVAL
		}
		return nil
	}
	if !c.SetSysReg(r.Sys.Op0, r.Sys.Op1, r.Sys.CRn, r.Sys.CRm, r.Sys.Op2, v) {
		return rsp.EINVAL
	}
	return nil
}

// ReadMemory implements rsp.Memory (RAM only; MMIO is never touched by a debugger read).
func (a *Adapter) ReadMemory(addr uint64, p []byte) (int, error) {
	if err := a.m.ReadMemory(addr, p); err != nil {
		return 0, rsp.EFAULT
	}
	return len(p), nil
}

// WriteMemory implements rsp.Memory.
func (a *Adapter) WriteMemory(addr uint64, p []byte) error {
	if err := a.m.WriteMemory(addr, p); err != nil {
		return rsp.EFAULT
	}
	return nil
}

// TargetXML implements rsp.TargetDescription.
func (a *Adapter) TargetXML(annex string) ([]byte, bool) { return a.desc.TargetXML(annex) }

// ExecFile implements rsp.ExecFile: the loaded kernel ELF, so `target remote` alone gives gdb symbols.
func (a *Adapter) ExecFile() (string, []byte, bool) {
	if a.img == nil || len(a.img.Raw) == 0 {
		return "", nil, false
	}
	return a.opts.ExecName, a.img.Raw, true
}

// SetConsole implements rsp.Console.
func (a *Adapter) SetConsole(w io.Writer) { a.cons.setClient(w) }

// Triple implements rsp.LLDBInfo.
func (a *Adapter) Triple() string { return "aarch64-unknown-none" }

// WatchpointSlots implements rsp.LLDBInfo.
func (a *Adapter) WatchpointSlots() int { return a.opts.Watchpoints }

// RegisterInfo implements rsp.LLDBInfo.
func (a *Adapter) RegisterInfo(regnum int) (rsp.RegisterInfo, bool) {
	return a.desc.RegisterInfo(regnum)
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
	if a.route == routeKernel && a.poweredOn.Load() {
		if st := a.applyKernelChanges(nil); st != nil {
			a.log.Warn("removing gdb's points stopped", zap.String("stop", a.describeStop(*st)))
		}
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
	r := a.resumeKernelAware(acts)
	a.lastStp = r
	if r.Kind == rsp.StopExited {
		a.poweredOn.Store(false)
	}
	return r, nil
}

// resumeKernelAware runs the machine as gdb asked until a stop gdb must see. On the kernel route it first makes
// the guest hold gdb's points, and it gives them to each CPU that makes its READY call meanwhile.
func (a *Adapter) resumeKernelAware(acts []target.Action) rsp.StopReason {
	if a.route == routeKernel {
		if st := a.applyKernelChanges(stepOnly(acts)); st != nil {
			return a.stopReason(*st)
		}
	}
	for {
		st := a.m.Resume(acts)
		switch st.Kind {
		case target.StopHypercall:
			if cs := a.applyKernelChanges(stepOnly(acts)); cs != nil {
				return a.stopReason(*cs)
			}
		case target.StopCallDone:
			// a cross-call finished while gdb's resume ran; nothing for gdb
		case target.StopReturned:
			if r, ok := a.kernelHitStop(st.CPU); ok {
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
		if a.points.isHardwareBreak(st.Addr) {
			r.Kind = rsp.StopHwBreak
		}
	case target.StopWatchpoint:
		a.stats.watchHits++
		r.Kind, r.Addr, r.Watch = rsp.StopWatch, st.Addr, watchKindToRSP(st.Watch)
	case target.StopPowerOff:
		r = rsp.StopReason{Kind: rsp.StopExited}
	case target.StopLivelock:
		a.lastLivelock = a.livelockText(st)
		a.cons.Write([]byte(a.lastLivelock + "\n"))
	}
	return r
}

// Hypercall is target.Config.Hypercall: the guest kernel's debugger HVCs (kernel route).
func (a *Adapter) Hypercall(cpu int, args [4]uint64) target.HypercallResult {
	return a.hypercall(cpu, args)
}

// livelockText is the console line of docs/design.md §9: CPU, symbolized PC, exception class, count, and whether a
// slot of the kernel owned the comparator that fires.
func (a *Adapter) livelockText(st target.Stop) string {
	sym := ""
	if a.img != nil {
		sym = " <" + a.img.Symbols.Symbolize(st.Addr) + ">"
	}
	return fmt.Sprintf("livelock: cpu %d pc %#x%s %s (EC %#x), %d times, %s", st.CPU, st.Addr, sym,
		target.ExceptionClassName(st.EC), st.EC, st.Count, a.ownerText(st))
}

// ownerText says whether the kernel's slot array owns an enabled comparator that matches the trapping PC.
func (a *Adapter) ownerText(st target.Stop) string {
	if a.img == nil || st.EC > 0x31 {
		return "owner not checked"
	}
	c := a.m.CPU(st.CPU)
	for i := 0; i < a.opts.Breakpoints; i++ {
		bcr := debugregs.DBGBCR(dbgReg(c, op2BCR, i))
		if !bcr.E() || dbgReg(c, op2BVR, i) != st.Addr&^3 {
			continue
		}
		owner, err := a.slotOwner(false, st.CPU, i)
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

// ExpeditedRegisters implements rsp.ExpeditedRegisters: x29, sp and pc ride in every stop reply, as with
// gdbserver on aarch64.
func (a *Adapter) ExpeditedRegisters() []int {
	return []int{aarch64.RegFP, aarch64.RegSP, aarch64.RegPC}
}

// isDebugEC says whether an exception class is a breakpoint, software step or watchpoint.
func isDebugEC(ec uint32) bool { return ec >= 0x30 && ec <= 0x35 }

// rebooted is called after the machine restarted from the kernel entry point.
func (a *Adapter) rebooted() {
	a.poweredOn.Store(true)
	a.kr.rebooted()
	if a.route == routeKernel {
		a.syncEarly()
	}
	a.perfEvents = nil
	a.callStop = nil
	a.lastLivelock = ""
}

// isComparator says whether a system register of the description is a DBGBVR/DBGBCR/DBGWVR/DBGWCR, which the
// debugger reads by physical index (Debugv8p9 banks included).
func isComparator(r *aarch64.SysReg) bool {
	return r.Op0 == 2 && r.Op1 == 0 && r.CRn == 0 && r.Op2 >= op2BVR && r.Op2 <= op2WCR
}

// StepsAreBounded implements rsp.BoundedSteps: a single step is one instruction, or on the kernel route a few
// cross-calls, which the livelock detector bounds. With detection off an uninstall can spin forever, so steps
// then keep the interruptible path.
func (a *Adapter) StepsAreBounded() bool { return a.opts.LivelockThreshold > 0 }
