package gdbtarget

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// AddSwBreakpoint implements rsp.SwBreakpoints. Guest memory is never modified: the machine compares addr with
// each CPU's PC, a virtual address once its MMU is on (as QEMU's gdbstub does), so the address need not be
// mapped yet (a breakpoint on kernel text set before Linux turns its MMU on).
func (a *Adapter) AddSwBreakpoint(addr uint64, kind int) error {
	if addr%4 != 0 {
		return rsp.EINVAL
	}
	a.soft[addr] = true
	a.m.SetSoftwareBreakpoint(addr, true)
	return nil
}

// RemoveSwBreakpoint implements rsp.SwBreakpoints.
func (a *Adapter) RemoveSwBreakpoint(addr uint64, kind int) error {
	if !a.soft[addr] {
		return nil
	}
	delete(a.soft, addr)
	a.m.SetSoftwareBreakpoint(addr, false)
	return nil
}

// AddHwBreakpoint implements rsp.HwBreakpoints.
func (a *Adapter) AddHwBreakpoint(addr uint64, kind int) error {
	if _, err := debugregs.SplitBreak(addr); err != nil {
		return rsp.EINVAL
	}
	return a.route.addBreak(addr)
}

// RemoveHwBreakpoint implements rsp.HwBreakpoints.
func (a *Adapter) RemoveHwBreakpoint(addr uint64, kind int) error { return a.route.removeBreak(addr) }

// AddWatchpoint implements rsp.HwWatchpoints. A range that no single comparator can cover (over 2 GiB, or
// across a 2 GiB boundary) is refused at once, as gdbserver refuses what its comparators cannot watch.
func (a *Adapter) AddWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	if _, err := debugregs.CoveringRegion(addr, length); err != nil {
		return rsp.EINVAL
	}
	return a.route.addWatch(watchReq{addr: addr, length: length, kind: kind})
}

// RemoveWatchpoint implements rsp.HwWatchpoints.
func (a *Adapter) RemoveWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	return a.route.removeWatch(watchReq{addr: addr, length: length, kind: kind})
}

// watchReq is one distinct gdb watchpoint request (the session has already reference-counted duplicates).
type watchReq struct {
	addr, length uint64
	kind         rsp.WatchKind
}

// externalBank is the machine's external comparator bank: matched by the simulator, invisible to the guest,
// shared by every CPU, with as many comparators as the CPU model has. The external route keeps gdb's points
// there; the kernel route borrows it for the CPUs whose kernel is not ready yet.
type externalBank struct {
	m       *target.Machine
	bpAddr  []uint64 // comparator -> address; valid where bpUsed
	bpUsed  []bool
	wpOwner []*watchReq // comparator -> request; nil = free
}

func newExternalBank(m *target.Machine, nbp, nwp int) *externalBank {
	return &externalBank{m: m, bpAddr: make([]uint64, nbp), bpUsed: make([]bool, nbp), wpOwner: make([]*watchReq, nwp)}
}

func (b *externalBank) isHardwareBreak(addr uint64) bool {
	for i, used := range b.bpUsed {
		if used && b.bpAddr[i] == addr {
			return true
		}
	}
	return false
}

// addBreak takes one breakpoint comparator, or ENOSPC.
func (b *externalBank) addBreak(addr uint64) error {
	for i, used := range b.bpUsed {
		if !used {
			b.bpUsed[i], b.bpAddr[i] = true, addr
			b.m.SetExternalBreakpoint(i, addr, true)
			return nil
		}
	}
	return rsp.ENOSPC
}

func (b *externalBank) removeBreak(addr uint64) {
	for i, used := range b.bpUsed {
		if used && b.bpAddr[i] == addr {
			b.bpUsed[i] = false
			b.m.SetExternalBreakpoint(i, addr, false)
			return
		}
	}
}

func (b *externalBank) freeWatch() int {
	n := 0
	for _, o := range b.wpOwner {
		if o == nil {
			n++
		}
	}
	return n
}

// armWatch takes one free watchpoint comparator per region for req, or none (ENOSPC).
func (b *externalBank) armWatch(req watchReq, regions []debugregs.WatchRegion) error {
	if len(regions) == 0 || b.freeWatch() < len(regions) {
		return rsp.ENOSPC
	}
	owner := &req
	end := req.addr + req.length
	for _, r := range regions {
		idx := 0
		for b.wpOwner[idx] != nil {
			idx++
		}
		b.wpOwner[idx] = owner
		// The comparator covers r (a MASK region can be wider than gdb's range). A hit on bytes outside gdb's
		// range must never be reported; matching the intersection is the same as stepping over such a hit
		// silently, without the stop.
		lo, hi := max(r.Start, req.addr), min(r.Start+r.Len, end)
		b.m.SetExternalWatchpoint(idx, lo, hi-lo, watchKindToTarget(req.kind), true)
	}
	return nil
}

func (b *externalBank) removeWatch(req watchReq) {
	for i, o := range b.wpOwner {
		if o != nil && *o == req {
			b.wpOwner[i] = nil
			b.m.SetExternalWatchpoint(i, 0, 0, 0, false)
		}
	}
}

// clear disarms every comparator.
func (b *externalBank) clear() {
	for i, used := range b.bpUsed {
		if used {
			b.removeBreak(b.bpAddr[i])
		}
	}
	for _, o := range b.wpOwner {
		if o != nil {
			b.removeWatch(*o)
		}
	}
}

// describe prints what is armed, for `monitor stats`.
func (b *externalBank) describe(out io.Writer) {
	var used []string
	nbp := 0
	for i, ok := range b.bpUsed {
		if ok {
			nbp++
			used = append(used, fmt.Sprintf("bp%d=%#x", i, b.bpAddr[i]))
		}
	}
	for i, o := range b.wpOwner {
		if o != nil {
			used = append(used, fmt.Sprintf("wp%d=%#x+%d", i, o.addr, o.length))
		}
	}
	fmt.Fprintf(out, "gdb comparators in use: %d of %d breakpoints, %d of %d watchpoints\n",
		nbp, len(b.bpUsed), len(b.wpOwner)-b.freeWatch(), len(b.wpOwner))
	if len(used) > 0 {
		fmt.Fprintf(out, "  %s\n", strings.Join(used, " "))
	}
}

// describeSoft prints the software breakpoints, for `monitor stats`.
func (a *Adapter) describeSoft(out io.Writer) {
	var soft []string
	for addr := range a.soft {
		soft = append(soft, fmt.Sprintf("%#x", addr))
	}
	sort.Strings(soft)
	if len(soft) > 0 {
		fmt.Fprintf(out, "software breakpoints: %s\n", strings.Join(soft, " "))
	}
}

// watchKinds pairs gdb's watchpoint kinds with the machine's.
var watchKinds = []struct {
	gdb     rsp.WatchKind
	machine target.WatchKind
}{{rsp.WatchWrite, target.WatchWrite}, {rsp.WatchRead, target.WatchRead}, {rsp.WatchAccess, target.WatchAccess}}

func watchKindToTarget(k rsp.WatchKind) target.WatchKind {
	for _, p := range watchKinds {
		if p.gdb == k {
			return p.machine
		}
	}
	return target.WatchWrite
}

func watchKindToRSP(k target.WatchKind) rsp.WatchKind {
	for _, p := range watchKinds {
		if p.machine == k {
			return p.gdb
		}
	}
	return rsp.WatchWrite
}

// planWatch picks the comparator regions for a gdb watchpoint: the exact split when it fits in the free
// comparators, otherwise the one aligned power-of-two region that covers the whole range (wider than asked;
// hits outside gdb's range are never reported).
func planWatch(addr, length uint64, free int) ([]debugregs.WatchRegion, error) {
	if regions, err := debugregs.SplitWatchFewest(addr, length); err == nil && len(regions) <= free {
		return regions, nil
	}
	r, err := debugregs.CoveringRegion(addr, length)
	if err != nil {
		return nil, err
	}
	return []debugregs.WatchRegion{r}, nil
}
