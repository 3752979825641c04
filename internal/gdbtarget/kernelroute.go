package gdbtarget

import (
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// The kernel route (docs/design.md §8, the gdbserver-on-Linux model): each gdb Z1–Z4 becomes debugger-owned events of
// the guest kernel, one per comparator region per CPU, created (reserved) at Z time and installed or uninstalled
// by the kernel's own arch_install/uninstall_hw_breakpoint, run on each CPU by a cross-call at resume. A hit runs
// the kernel's do_breakpoint/do_watchpoint, which tells us by HVC (NOTIFY); the CPU halts when it returns to the
// trapped instruction and gdb sees that context.

// kpoint is one distinct gdb request in the kernel route.
type kpoint struct {
	watch     bool
	kind      rsp.WatchKind // for watchpoints
	addr, len uint64
	regions   []debugregs.WatchRegion
	// events[r][cpu] is the guest struct perf_event for region r on cpu (0 = not created yet);
	// installed[r][cpu] says whether it is in a slot.
	events    [][]uint64
	installed [][]bool
	removing  bool // gdb removed it; uninstall and release at the next resume
}

func (p *kpoint) String() string {
	if !p.watch {
		return fmt.Sprintf("Z1 %#x", p.addr)
	}
	z := map[rsp.WatchKind]string{rsp.WatchWrite: "Z2", rsp.WatchRead: "Z3", rsp.WatchAccess: "Z4"}[p.kind]
	return fmt.Sprintf("%s %#x,%d", z, p.addr, p.len)
}

// maxAccess is the widest single access (an LDP/STP of X registers): a FAR this far below gdb's range can still
// belong to an access that overlaps it.
const maxAccess = 16

// touches says whether a watchpoint FAR can come from an access that overlaps gdb's range.
func (p *kpoint) touches(far uint64) bool { return far+maxAccess > p.addr && far < p.addr+p.len }

// eventType is the guest's HW_BREAKPOINT type for the request.
func (p *kpoint) eventType() uint64 {
	if !p.watch {
		return kernelsim.EventExecute
	}
	switch p.kind {
	case rsp.WatchRead:
		return kernelsim.EventRead
	case rsp.WatchAccess:
		return kernelsim.EventReadWrite
	}
	return kernelsim.EventWrite
}

// kernelRoute holds the requests and what the guest has of them.
type kernelRoute struct {
	points  []*kpoint
	ready   []bool // CPU n made its READY HVC
	byEvent map[uint64]*kpoint

	inCall  int    // the CPU running our cross-call, or -1
	calls   uint64 // cross-calls run
	callHit uint64 // debugger-owned hits inside our cross-calls (stepped over by the kernel, never reported)
	aborted uint64 // cross-calls abandoned at callLimit

	hit      map[int]pendingHit // CPU → the debugger-owned hit it is returning to
	needWork []bool             // CPU n has points to install at its READY
}

type pendingHit struct {
	ev, trigger uint64
	watch       bool
}

func newKernelRoute(cpus int) *kernelRoute {
	return &kernelRoute{
		ready:    make([]bool, cpus),
		byEvent:  map[uint64]*kpoint{},
		inCall:   -1,
		hit:      map[int]pendingHit{},
		needWork: make([]bool, cpus),
	}
}

// hypercall is target.Config.Hypercall for the kernel route. It runs on the machine goroutine inside Resume
// and touches only adapter state.
func (a *Adapter) hypercall(cpu int, args [4]uint64) target.HypercallResult {
	kr := a.kr
	switch args[0] {
	case kernelsim.HVCCPUReady:
		if cpu < len(kr.ready) {
			kr.ready[cpu] = true
		}
		// Stop only if gdb's points wait for this CPU; the resume loop installs them and goes on.
		return target.HypercallResult{Stop: a.route == routeKernel && len(kr.points) > 0}
	case kernelsim.HVCHWBPNotify:
		if kr.inCall == cpu {
			// A hit inside our own cross-call: counted, stepped over by the kernel, never reported.
			kr.callHit++
			return target.HypercallResult{X0: kernelsim.HVCNotifyStep}
		}
		if !kr.wanted(args[1], args[2]) {
			// A wider region (MASK) caught bytes gdb did not ask for, or gdb removed the point: step over it
			// silently.
			return target.HypercallResult{X0: kernelsim.HVCNotifyStep}
		}
		kr.hit[cpu] = pendingHit{ev: args[1], trigger: args[2], watch: args[3] == 1}
		return target.HypercallResult{X0: 0, HaltOnReturn: true}
	}
	return target.HypercallResult{X0: ^uint64(0)}
}

// wanted says whether a hit of guest event ev at trigger belongs to a point gdb has now: a hit noted before
// gdb removed its point (another CPU was in the handler at the stop) is not.
func (kr *kernelRoute) wanted(ev, trigger uint64) bool {
	p := kr.byEvent[ev]
	if p == nil || p.removing {
		return false
	}
	if p.watch {
		return p.touches(trigger)
	}
	return true
}

// readyCPU returns a CPU that takes cross-calls, or -1.
func (kr *kernelRoute) readyCPU() int {
	for i, r := range kr.ready {
		if r {
			return i
		}
	}
	return -1
}

// findPoint returns the live (not removing) request matching gdb's arguments.
func (kr *kernelRoute) findPoint(watch bool, kind rsp.WatchKind, addr, length uint64) *kpoint {
	for _, p := range kr.points {
		if p.watch == watch && p.addr == addr && p.len == length && (!watch || p.kind == kind) {
			return p
		}
	}
	return nil
}

// kernelAdd handles Z1–Z4 in the kernel route: regions are reserved in the guest now (so capacity is known at
// Z time), installed at resume.
func (a *Adapter) kernelAdd(watch bool, kind rsp.WatchKind, addr, length uint64) error {
	kr := a.kr
	if p := kr.findPoint(watch, kind, addr, length); p != nil {
		if p.removing {
			p.removing = false // a remove then a re-insert before any resume: nothing to do
			a.syncEarly()
		}
		return nil
	}
	p := &kpoint{watch: watch, kind: kind, addr: addr, len: length}
	var cover debugregs.WatchRegion
	if watch {
		var err error
		if cover, err = debugregs.CoveringRegion(addr, length); err != nil {
			return rsp.EINVAL
		}
		regions, err := kernelRegions(addr, length)
		if err != nil {
			return rsp.EINVAL
		}
		p.regions = regions
	} else {
		if addr%4 != 0 {
			return rsp.EINVAL
		}
		p.regions = []debugregs.WatchRegion{{Start: addr, Len: 4}}
	}
	n := a.m.NumCPUs()
	p.events = make([][]uint64, len(p.regions))
	p.installed = make([][]bool, len(p.regions))
	for r := range p.regions {
		p.events[r] = make([]uint64, n)
		p.installed[r] = make([]bool, n)
	}
	if kr.readyCPU() < 0 {
		// Before the kernel is up it holds no events: the machine's comparator counts decide.
		if !a.fitsBeforeBoot(p) {
			if !watch || len(p.regions) == 1 {
				return rsp.ENOSPC
			}
			p.regions = []debugregs.WatchRegion{cover}
			p.events, p.installed = p.events[:1], p.installed[:1]
			if !a.fitsBeforeBoot(p) {
				return rsp.ENOSPC
			}
		}
	} else if err := a.reserve(p); err != nil {
		if err != rsp.ENOSPC || !watch || len(p.regions) == 1 {
			return err
		}
		// The exact split does not fit: one power-of-two MASK region covering the range (hits on bytes gdb did
		// not ask for are stepped over silently, see hypercall).
		p.regions = []debugregs.WatchRegion{cover}
		p.events, p.installed = p.events[:1], p.installed[:1]
		if err := a.reserve(p); err != nil {
			return err
		}
	}
	kr.points = append(kr.points, p)
	a.syncEarly()
	return nil
}

// fitsBeforeBoot checks a request against the CPU model's comparators and the requests already taken.
func (a *Adapter) fitsBeforeBoot(p *kpoint) bool {
	used := len(p.regions)
	for _, q := range a.kr.points {
		if q.watch == p.watch && !q.removing {
			used += len(q.regions)
		}
	}
	if p.watch {
		return used <= a.opts.Watchpoints
	}
	return used <= a.opts.Breakpoints
}

// reserve creates the guest events of p on every ready CPU; all or nothing.
func (a *Adapter) reserve(p *kpoint) error {
	for cpu, ready := range a.kr.ready {
		if !ready {
			continue
		}
		if err := a.createOn(p, cpu); err != nil {
			a.releaseAll(p)
			return err
		}
	}
	return nil
}

// createOn reserves p's regions for cpu in the guest.
func (a *Adapter) createOn(p *kpoint, cpu int) error {
	fn, err := a.symbol(kernelsim.SymDebuggerEventCreate)
	if err != nil {
		return rsp.EPERM
	}
	for r, reg := range p.regions {
		if p.events[r][cpu] != 0 {
			continue
		}
		ev, err := a.crossCall(a.kr.readyCPU(), fn, reg.Start, reg.Len, p.eventType(), uint64(cpu))
		if err != nil {
			return rsp.EIO
		}
		if int64(ev) < 0 {
			if -int64(ev) == kernelsim.ErrnoENOSPC {
				return rsp.ENOSPC
			}
			return rsp.EINVAL
		}
		p.events[r][cpu] = ev
		a.kr.byEvent[ev] = p
	}
	return nil
}

// releaseAll returns every reservation of p that is not installed.
func (a *Adapter) releaseAll(p *kpoint) {
	fn, err := a.symbol(kernelsim.SymDebuggerEventRelease)
	if err != nil {
		return
	}
	for r := range p.events {
		for cpu, ev := range p.events[r] {
			if ev == 0 || p.installed[r][cpu] {
				continue
			}
			if _, err := a.crossCall(a.kr.readyCPU(), fn, ev); err == nil {
				p.events[r][cpu] = 0
				delete(a.kr.byEvent, ev)
			}
		}
	}
}

// kernelRemove handles z1–z4: the request is uninstalled at the next resume.
func (a *Adapter) kernelRemove(watch bool, kind rsp.WatchKind, addr, length uint64) error {
	if p := a.kr.findPoint(watch, kind, addr, length); p != nil {
		p.removing = true
		a.syncEarly()
	}
	return nil
}

// syncEarly makes the external bank hold gdb's live watchpoints for the CPUs whose kernel is not ready yet (it
// can install nothing before its READY call), so a watch works from the first instruction; a ready CPU leaves
// the matching to its kernel. Hardware breakpoints wait for the kernel: on this route they are the experiment
// on the kernel's own slot code (hbreak write_wb_reg must first stop where the kernel installed it, see
// docs/decisions.md).
func (a *Adapter) syncEarly() {
	kr := a.kr
	unready := false
	for cpu, ready := range kr.ready {
		a.m.SetExternalCPU(cpu, !ready)
		unready = unready || !ready
	}
	a.extClear()
	if !unready {
		return
	}
	for _, p := range kr.points {
		if p.removing || !p.watch {
			continue
		}
		if err := a.extArmWatch(&watchReq{addr: p.addr, length: p.len, kind: p.kind}, p.regions); err != nil {
			a.log.Warn("kernel route: no external comparator for an early point", zap.Stringer("point", p), zap.Error(err))
		}
	}
}

// errCallStopped means a cross-call stopped for something gdb must see (a livelock, a gdb breakpoint); the
// stop is in a.callStop and the call goes on at the next resume.
var errCallStopped = fmt.Errorf("cross-call stopped")

// crossCall runs fn(args) on cpu through the kernel's debugger entry protocol and returns its x0.
func (a *Adapter) crossCall(cpu int, fn uint64, args ...uint64) (uint64, error) {
	if cpu < 0 {
		return 0, fmt.Errorf("no CPU takes cross-calls yet")
	}
	done, err := a.symbol(kernelsim.SymDebuggerCallDone)
	if err != nil {
		return 0, err
	}
	c := target.Call{Fn: fn, Return: done, DoneHVC: kernelsim.HVCDebuggerDone}
	copy(c.Args[:], args)
	if err := a.m.BeginCall(cpu, c); err != nil {
		return 0, err
	}
	a.kr.calls++
	return a.finishCall(cpu)
}

// callLimit bounds the guest instructions one cross-call may take. A call normally takes a few thousand, or
// a few hundred thousand when each of its stores hits a watchpoint the kernel steps over; one that never
// returns (an exclusive load/store loop under a watchpoint fails its store-exclusive at every step-over)
// must not hold the session.
const callLimit = 1 << 24

// errCallAborted means a cross-call ran out of callLimit: it was abandoned and the CPU's context restored.
var errCallAborted = errors.New("cross-call did not return within its instruction limit; abandoned")

// finishCall runs cpu alone until its cross-call returns, or abandons it after callLimit instructions.
func (a *Adapter) finishCall(cpu int) (uint64, error) {
	acts := make([]target.Action, a.m.NumCPUs())
	acts[cpu] = target.ActionContinue
	a.kr.inCall = cpu
	interrupted := false
	defer func() {
		a.kr.inCall = -1
		if interrupted {
			a.m.Interrupt() // for the Resume that gdb's request is really about
		}
	}()
	for {
		st := a.m.ResumeLimit(acts, callLimit)
		switch st.Kind {
		case target.StopCallDone:
			return st.Addr, nil
		case target.StopHypercall:
			continue
		case target.StopInterrupt:
			// A Ctrl-C (or a halt request that came late) is not about the call: finish it first.
			interrupted = true
			continue
		case target.StopLimit:
			if err := a.m.AbortCall(cpu); err != nil {
				return 0, err
			}
			a.kr.aborted++
			a.log.Warn("kernel route: a cross-call did not return; abandoned", zap.Int("cpu", cpu))
			return 0, errCallAborted
		default:
			a.callStop = &st
			return 0, errCallStopped
		}
	}
}

// applyKernelChanges makes the guest match what gdb wants on the CPUs in only (nil = every CPU): uninstall and
// release removed requests, install the others on every ready CPU. A stop that gdb must see (the uninstall
// livelock) is returned. gdb's single-thread steps (a step-over) restrict the work to the stepping CPU, so a stop
// on another CPU never answers a step of this one (gdb 13 asserts in finish_step_over).
func (a *Adapter) applyKernelChanges(only []bool) *target.Stop {
	kr := a.kr
	defer a.syncEarly()
	in := func(cpu int) bool { return only == nil || (cpu < len(only) && only[cpu]) }
	if a.callStop != nil && in(a.callStop.CPU) {
		// A cross-call stopped earlier (e.g. livelocked); let it go on before anything else.
		cpu := a.callStop.CPU
		a.callStop = nil
		if a.m.InCall(cpu) {
			if _, err := a.finishCall(cpu); err != nil {
				return a.callStop
			}
		}
	}
	uninstall, err1 := a.symbol(kernelsim.SymDebuggerEventUninstall)
	install, err2 := a.symbol(kernelsim.SymDebuggerEventInstall)
	release, err3 := a.symbol(kernelsim.SymDebuggerEventRelease)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil
	}
	keep := kr.points[:0]
	var stop *target.Stop
	for _, p := range kr.points {
		if !p.removing || stop != nil {
			keep = append(keep, p)
			continue
		}
		for r := range p.events {
			for cpu, ev := range p.events[r] {
				if ev == 0 || !in(cpu) || stop != nil {
					continue
				}
				if p.installed[r][cpu] {
					if _, err := a.crossCall(cpu, uninstall, ev); err != nil {
						if err == errCallStopped {
							// The uninstall itself stopped (the livelock): the rest waits.
							p.installed[r][cpu] = false
							stop = a.callStop
							continue
						}
						a.log.Warn("uninstall cross-call", zap.Error(err))
						continue
					}
					p.installed[r][cpu] = false
				}
				if _, err := a.crossCall(cpu, release, ev); err == nil {
					p.events[r][cpu] = 0
					delete(kr.byEvent, ev)
				}
			}
		}
		if a.anyEvent(p) {
			keep = append(keep, p) // other CPUs still hold it; finish at a later resume
		}
	}
	kr.points = keep
	if stop != nil {
		return stop
	}
	for _, p := range kr.points {
		if p.removing {
			continue
		}
		for cpu, ready := range kr.ready {
			if !ready || !in(cpu) {
				continue
			}
			if err := a.createOn(p, cpu); err != nil {
				a.log.Warn("kernel route: reserving at resume failed", zap.Stringer("point", p), zap.Int("cpu", cpu), zap.Error(err))
				continue
			}
			for r := range p.regions {
				if p.installed[r][cpu] || p.events[r][cpu] == 0 {
					continue
				}
				ret, err := a.crossCall(cpu, install, p.events[r][cpu])
				if err == errCallStopped {
					return a.callStop
				}
				if err != nil || ret != 0 {
					a.log.Warn("kernel route: install failed", zap.Stringer("point", p), zap.Int("cpu", cpu), zap.Uint64("ret", ret), zap.Error(err))
					continue
				}
				p.installed[r][cpu] = true
			}
		}
	}
	return nil
}

func (a *Adapter) anyEvent(p *kpoint) bool {
	for r := range p.events {
		for _, ev := range p.events[r] {
			if ev != 0 {
				return true
			}
		}
	}
	return false
}

// kernelHitStop turns a CPU halted on return from a debugger-owned hit into gdb's stop reply; ok is false
// for a hit that no longer belongs to a point gdb has (the CPU is back at the trapped instruction, which traps
// again if a point of gdb still covers it).
func (a *Adapter) kernelHitStop(cpu int) (r rsp.StopReason, ok bool) {
	h, noted := a.kr.hit[cpu]
	delete(a.kr.hit, cpu)
	if !noted || !a.kr.wanted(h.ev, h.trigger) {
		return rsp.StopReason{}, false
	}
	a.stats.stops++
	if h.watch {
		a.stats.watchHits++
	} else {
		a.stats.bpHits++
	}
	r = rsp.StopReason{Kind: rsp.StopSignal, Thread: cpu + 1}
	p := a.kr.byEvent[h.ev]
	if !p.watch {
		r.Kind = rsp.StopHwBreak
		return r, true
	}
	// FAR may lie outside gdb's range (an STP starting below it): clamp into the range gdb asked for.
	addr := min(max(h.trigger, p.addr), p.addr+p.len-1)
	r.Kind, r.Addr, r.Watch = rsp.StopWatch, addr, p.kind
	return r, true
}

// debuggerRequest names the gdb request that owns a guest event.
func (a *Adapter) debuggerRequest(ev uint64) string {
	if a.kr == nil {
		return ""
	}
	if p := a.kr.byEvent[ev]; p != nil {
		return p.String()
	}
	return ""
}

// kernelRegions splits a watch range the way the guest accepts it: BAS chunks inside one doubleword, or
// power-of-two MASK regions of at least 16 bytes.
func kernelRegions(addr, length uint64) ([]debugregs.WatchRegion, error) {
	regions, err := debugregs.SplitWatchFewest(addr, length)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		if r.Mask != 0 && r.Len < kernelsim.MinMaskLen {
			return debugregs.SplitWatch(addr, length)
		}
	}
	return regions, nil
}

// rebooted forgets everything the guest held: after a reset no CPU is ready and no event exists. gdb's requests
// stay wanted; they are reserved and installed again as each CPU makes its READY call.
func (kr *kernelRoute) rebooted() {
	for i := range kr.ready {
		kr.ready[i] = false
	}
	kr.byEvent = map[uint64]*kpoint{}
	kr.hit = map[int]pendingHit{}
	keep := kr.points[:0]
	for _, p := range kr.points {
		if p.removing {
			continue
		}
		for r := range p.events {
			clear(p.events[r])
			clear(p.installed[r])
		}
		keep = append(keep, p)
	}
	kr.points = keep
}
