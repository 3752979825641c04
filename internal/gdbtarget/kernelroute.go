package gdbtarget

import (
	"fmt"
	"io"

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

func (p *kpoint) anyEvent() bool {
	for r := range p.events {
		for _, ev := range p.events[r] {
			if ev != 0 {
				return true
			}
		}
	}
	return false
}

// kernelRoute holds gdb's requests and what the guest kernel has of them.
type kernelRoute struct {
	k        *guestKernel
	bank     *externalBank // gdb's watchpoints for the CPUs whose kernel is not ready yet
	log      *zap.Logger
	nbp, nwp int // the CPU model's comparators

	points  []*kpoint
	byEvent map[uint64]*kpoint
	hit     map[int]pendingHit // CPU → the debugger-owned hit it is returning to
}

type pendingHit struct {
	ev, trigger uint64
	watch       bool
}

func newKernelRoute(k *guestKernel, bank *externalBank, log *zap.Logger, nbp, nwp int) *kernelRoute {
	return &kernelRoute{k: k, bank: bank, log: log, nbp: nbp, nwp: nwp, byEvent: map[uint64]*kpoint{}, hit: map[int]pendingHit{}}
}

// wantsReady: stop at a READY only if gdb's points wait for that CPU; the resume loop installs them and goes on.
func (kr *kernelRoute) wantsReady() bool { return len(kr.points) > 0 }

func (kr *kernelRoute) notify(cpu int, ev, trigger uint64, watch bool) target.HypercallResult {
	if !kr.wanted(ev, trigger) {
		// A wider region (MASK) caught bytes gdb did not ask for, or gdb removed the point: step over it
		// silently.
		return target.HypercallResult{X0: kernelsim.HVCNotifyStep}
	}
	kr.hit[cpu] = pendingHit{ev: ev, trigger: trigger, watch: watch}
	return target.HypercallResult{X0: 0, HaltOnReturn: true}
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

// find returns the request matching gdb's arguments (perhaps one gdb removed since the last resume).
func (kr *kernelRoute) find(watch bool, w watchReq) *kpoint {
	for _, p := range kr.points {
		if p.watch == watch && p.addr == w.addr && p.len == w.length && (!watch || p.kind == w.kind) {
			return p
		}
	}
	return nil
}

func (kr *kernelRoute) addBreak(addr uint64) error {
	return kr.add(false, watchReq{addr: addr, length: 4}, []debugregs.WatchRegion{{Start: addr, Len: 4}})
}

func (kr *kernelRoute) addWatch(w watchReq) error {
	regions, err := kernelRegions(w.addr, w.length)
	if err != nil {
		regions = nil // more regions than any CPU has: the covering region below
	}
	return kr.add(true, w, regions)
}

func (kr *kernelRoute) removeBreak(addr uint64) error {
	return kr.remove(false, watchReq{addr: addr, length: 4})
}

func (kr *kernelRoute) removeWatch(w watchReq) error { return kr.remove(true, w) }

// add takes a request: its regions are reserved in the guest now (so capacity is known at Z time) and
// installed at resume. If the exact split does not fit, one covering MASK region is tried (hits on bytes gdb
// did not ask for are stepped over silently, see notify).
func (kr *kernelRoute) add(watch bool, w watchReq, regions []debugregs.WatchRegion) error {
	if p := kr.find(watch, w); p != nil {
		if p.removing {
			p.removing = false // a remove then a re-insert before any resume: nothing to do
			kr.syncEarly()
		}
		return nil
	}
	p := &kpoint{watch: watch, kind: w.kind, addr: w.addr, len: w.length}
	err := kr.takeSome(p, regions)
	if err == rsp.ENOSPC && kr.anyRemoved() && kr.uninstallRemoved(func(int) bool { return true }) == nil {
		// Points gdb removed still held comparators (they go at the next resume): free them now and retry.
		err = kr.takeSome(p, regions)
	}
	if err != nil {
		return err
	}
	kr.points = append(kr.points, p)
	kr.syncEarly()
	return nil
}

// takeSome takes the exact split for p, or one covering region for a watchpoint whose split does not fit.
func (kr *kernelRoute) takeSome(p *kpoint, regions []debugregs.WatchRegion) error {
	var err error = rsp.ENOSPC
	if len(regions) > 0 {
		err = kr.take(p, regions)
	}
	if err == rsp.ENOSPC && p.watch && len(regions) != 1 {
		cover, cerr := debugregs.CoveringRegion(p.addr, p.len)
		if cerr != nil {
			return rsp.EINVAL
		}
		err = kr.take(p, []debugregs.WatchRegion{cover})
	}
	return err
}

func (kr *kernelRoute) anyRemoved() bool {
	for _, p := range kr.points {
		if p.removing {
			return true
		}
	}
	return false
}

// take gives p its regions and reserves them on every ready CPU; before the kernel is up it holds no events,
// so the CPU model's comparator counts decide. All or nothing.
func (kr *kernelRoute) take(p *kpoint, regions []debugregs.WatchRegion) error {
	n := len(kr.k.ready)
	p.regions = regions
	p.events = make([][]uint64, len(regions))
	p.installed = make([][]bool, len(regions))
	for r := range regions {
		p.events[r] = make([]uint64, n)
		p.installed[r] = make([]bool, n)
	}
	if !kr.k.up() {
		if !kr.fitsBeforeBoot(p) {
			return rsp.ENOSPC
		}
		return nil
	}
	for cpu, ready := range kr.k.ready {
		if !ready {
			continue
		}
		if err := kr.createOn(p, cpu); err != nil {
			kr.releaseAll(p)
			return err
		}
	}
	return nil
}

// fitsBeforeBoot checks a request against the CPU model's comparators and the requests already taken.
func (kr *kernelRoute) fitsBeforeBoot(p *kpoint) bool {
	used := len(p.regions)
	for _, q := range kr.points {
		if q.watch == p.watch && !q.removing {
			used += len(q.regions)
		}
	}
	if p.watch {
		return used <= kr.nwp
	}
	return used <= kr.nbp
}

// createOn reserves p's regions for cpu in the guest.
func (kr *kernelRoute) createOn(p *kpoint, cpu int) error {
	for r, reg := range p.regions {
		if p.events[r][cpu] != 0 {
			continue
		}
		ev, err := kr.k.call(kr.k.readyCPU(), kernelsim.SymDebuggerEventCreate, reg.Start, reg.Len, p.eventType(), uint64(cpu))
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
		kr.byEvent[ev] = p
	}
	return nil
}

// releaseAll returns every reservation of p that is not installed.
func (kr *kernelRoute) releaseAll(p *kpoint) {
	for r := range p.events {
		for cpu, ev := range p.events[r] {
			if ev == 0 || p.installed[r][cpu] {
				continue
			}
			if _, err := kr.k.call(kr.k.readyCPU(), kernelsim.SymDebuggerEventRelease, ev); err == nil {
				p.events[r][cpu] = 0
				delete(kr.byEvent, ev)
			}
		}
	}
}

// remove handles z1–z4: the request is uninstalled at the next resume.
func (kr *kernelRoute) remove(watch bool, w watchReq) error {
	if p := kr.find(watch, w); p != nil {
		p.removing = true
		kr.syncEarly()
	}
	return nil
}

// syncEarly makes the external bank hold gdb's live watchpoints for the CPUs whose kernel is not ready yet (it
// can install nothing before its READY call), so a watch works from the first instruction; a ready CPU leaves
// the matching to its kernel. Hardware breakpoints wait for the kernel: on this route they are the experiment
// on the kernel's own slot code (hbreak write_wb_reg must first stop where the kernel installed it, see
// docs/decisions.md).
func (kr *kernelRoute) syncEarly() {
	unready := false
	for cpu, ready := range kr.k.ready {
		kr.bank.m.SetExternalCPU(cpu, !ready)
		unready = unready || !ready
	}
	kr.bank.clear()
	if !unready {
		return
	}
	for _, p := range kr.points {
		if p.removing || !p.watch {
			continue
		}
		if err := kr.bank.armWatch(watchReq{addr: p.addr, length: p.len, kind: p.kind}, p.regions); err != nil {
			kr.log.Warn("kernel route: no external comparator for an early watchpoint", zap.Stringer("point", p), zap.Error(err))
		}
	}
}

// apply makes the guest match what gdb wants on the CPUs in only (nil = every CPU): uninstall and release
// removed requests, install the others on every ready CPU. A stop that gdb must see (the uninstall livelock) is
// returned. gdb's single-thread steps (a step-over) restrict the work to the stepping CPU, so a stop on another
// CPU never answers a step of this one (gdb 13 asserts in finish_step_over).
func (kr *kernelRoute) apply(only []bool) *target.Stop {
	defer kr.syncEarly()
	in := func(cpu int) bool { return only == nil || (cpu < len(only) && only[cpu]) }
	// A cross-call stopped earlier (e.g. livelocked) goes on before anything else.
	if st := kr.k.resumeStopped(in); st != nil {
		return st
	}
	if stop := kr.uninstallRemoved(in); stop != nil {
		return stop
	}
	return kr.installWanted(in)
}

// uninstallRemoved uninstalls and releases the requests gdb removed, on the CPUs in in.
func (kr *kernelRoute) uninstallRemoved(in func(int) bool) *target.Stop {
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
					if _, err := kr.k.call(cpu, kernelsim.SymDebuggerEventUninstall, ev); err != nil {
						if err == errCallStopped {
							// The uninstall itself stopped (the livelock): the rest waits.
							p.installed[r][cpu] = false
							stop = kr.k.callStop
							continue
						}
						kr.log.Warn("kernel route: uninstall cross-call", zap.Error(err))
						continue
					}
					p.installed[r][cpu] = false
				}
				if _, err := kr.k.call(cpu, kernelsim.SymDebuggerEventRelease, ev); err == nil {
					p.events[r][cpu] = 0
					delete(kr.byEvent, ev)
				}
			}
		}
		if p.anyEvent() {
			keep = append(keep, p) // other CPUs still hold it; finish at a later resume
		}
	}
	kr.points = keep
	return stop
}

// installWanted reserves and installs gdb's live requests on every ready CPU in in.
func (kr *kernelRoute) installWanted(in func(int) bool) *target.Stop {
	for _, p := range kr.points {
		if p.removing {
			continue
		}
		for cpu, ready := range kr.k.ready {
			if !ready || !in(cpu) {
				continue
			}
			if err := kr.createOn(p, cpu); err != nil {
				kr.log.Warn("kernel route: reserving at resume failed", zap.Stringer("point", p), zap.Int("cpu", cpu), zap.Error(err))
				continue
			}
			for r := range p.regions {
				if p.installed[r][cpu] || p.events[r][cpu] == 0 {
					continue
				}
				ret, err := kr.k.call(cpu, kernelsim.SymDebuggerEventInstall, p.events[r][cpu])
				if err == errCallStopped {
					return kr.k.callStop
				}
				if err != nil || ret != 0 {
					kr.log.Warn("kernel route: install failed", zap.Stringer("point", p), zap.Int("cpu", cpu), zap.Uint64("ret", ret), zap.Error(err))
					continue
				}
				p.installed[r][cpu] = true
			}
		}
	}
	return nil
}

// returned turns a CPU halted on return from a debugger-owned hit into gdb's stop reply; ok is false for a
// hit that no longer belongs to a point gdb has (the CPU is back at the trapped instruction, which traps again
// if a point of gdb still covers it).
func (kr *kernelRoute) returned(cpu int) (rsp.StopReason, bool) {
	h, noted := kr.hit[cpu]
	delete(kr.hit, cpu)
	if !noted || !kr.wanted(h.ev, h.trigger) {
		return rsp.StopReason{}, false
	}
	p := kr.byEvent[h.ev]
	r := rsp.StopReason{Kind: rsp.StopHwBreak, Thread: cpu + 1}
	if p.watch {
		// FAR may lie outside gdb's range (an STP starting below it): clamp into the range gdb asked for.
		r.Kind, r.Addr, r.Watch = rsp.StopWatch, min(max(h.trigger, p.addr), p.addr+p.len-1), p.kind
	}
	return r, true
}

// owner names the gdb request that owns a guest event.
func (kr *kernelRoute) owner(ev uint64) string {
	if p := kr.byEvent[ev]; p != nil {
		return p.String()
	}
	return ""
}

func (kr *kernelRoute) stats(out io.Writer) {
	fmt.Fprintf(out, "kernel route: %d gdb requests, %d cross-calls, %d hits inside them (stepped over by the kernel), %d abandoned\n",
		len(kr.points), kr.k.calls, kr.k.callHit, kr.k.aborted)
}

// rebooted forgets everything the guest held: after a reset no CPU is ready and no event exists. gdb's requests
// stay wanted; they are matched externally until each CPU makes its READY call, then reserved and installed.
func (kr *kernelRoute) rebooted() {
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
	kr.syncEarly()
}

// kernelRegions splits a watch range the way the guest accepts it: BAS chunks inside one doubleword, or
// power-of-two MASK regions of at least kernelsim.MinMaskLen bytes.
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
