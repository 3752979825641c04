package gdbtarget

import (
	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// watchReq is one distinct gdb watchpoint request (the session has already reference-counted duplicates).
type watchReq struct {
	addr, length uint64
	kind         rsp.WatchKind
}

// points is the external route's comparator budget: gdb's Z1–Z4 are matched by the simulator in a bank shared by
// every CPU and invisible to the guest, with as many comparators as the CPU model has.
type points struct {
	m       *target.Machine
	bpAddr  []uint64 // comparator -> address; valid where bpUsed
	bpUsed  []bool
	wpOwner []*watchReq // comparator -> request; nil = free
	soft    map[uint64]bool
}

func newPoints(m *target.Machine, nbp, nwp int) *points {
	return &points{
		m:       m,
		bpAddr:  make([]uint64, nbp),
		bpUsed:  make([]bool, nbp),
		wpOwner: make([]*watchReq, nwp),
		soft:    map[uint64]bool{},
	}
}

func (p *points) isHardwareBreak(addr uint64) bool {
	for i, used := range p.bpUsed {
		if used && p.bpAddr[i] == addr {
			return true
		}
	}
	return false
}

// AddSwBreakpoint implements rsp.SwBreakpoints. Guest memory is never modified.
func (a *Adapter) AddSwBreakpoint(addr uint64, kind int) error {
	if addr%4 != 0 {
		return rsp.EINVAL
	}
	a.points.soft[addr] = true
	a.m.SetSoftwareBreakpoint(addr, true)
	return nil
}

// RemoveSwBreakpoint implements rsp.SwBreakpoints.
func (a *Adapter) RemoveSwBreakpoint(addr uint64, kind int) error {
	if !a.points.soft[addr] {
		return nil
	}
	delete(a.points.soft, addr)
	a.m.SetSoftwareBreakpoint(addr, false)
	return nil
}

// AddHwBreakpoint implements rsp.HwBreakpoints.
func (a *Adapter) AddHwBreakpoint(addr uint64, kind int) error {
	if a.route == routeKernel {
		return a.kernelAdd(false, 0, addr, 4)
	}
	return a.extAddBreakpoint(addr)
}

// RemoveHwBreakpoint implements rsp.HwBreakpoints.
func (a *Adapter) RemoveHwBreakpoint(addr uint64, kind int) error {
	if a.route == routeKernel {
		return a.kernelRemove(false, 0, addr, 4)
	}
	return a.extRemoveBreakpoint(addr)
}

// AddWatchpoint implements rsp.HwWatchpoints. A range that no single comparator can cover (over 2 GiB, or
// across a 2 GiB boundary) is refused at once, as gdbserver refuses what its comparators cannot watch.
func (a *Adapter) AddWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	if _, err := debugregs.CoveringRegion(addr, length); err != nil {
		return rsp.EINVAL
	}
	if a.route == routeKernel {
		return a.kernelAdd(true, kind, addr, length)
	}
	return a.extAddWatchpoint(addr, length, kind)
}

// RemoveWatchpoint implements rsp.HwWatchpoints.
func (a *Adapter) RemoveWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	if a.route == routeKernel {
		return a.kernelRemove(true, kind, addr, length)
	}
	return a.extRemoveWatchpoint(addr, length, kind)
}

// extAddBreakpoint takes one breakpoint comparator of the external bank, or ENOSPC.
func (a *Adapter) extAddBreakpoint(addr uint64) error {
	if _, err := debugregs.SplitBreak(addr); err != nil {
		return rsp.EINVAL
	}
	p := a.points
	for i, used := range p.bpUsed {
		if !used {
			p.bpUsed[i], p.bpAddr[i] = true, addr
			a.m.SetExternalBreakpoint(i, addr, true)
			return nil
		}
	}
	return rsp.ENOSPC
}

func (a *Adapter) extRemoveBreakpoint(addr uint64) error {
	p := a.points
	for i, used := range p.bpUsed {
		if used && p.bpAddr[i] == addr {
			p.bpUsed[i] = false
			a.m.SetExternalBreakpoint(i, addr, false)
			return nil
		}
	}
	return nil
}

// extAddWatchpoint splits the range into aligned doubleword BAS chunks or MASK regions, whichever needs fewer
// comparators of the external bank; all of them are taken or none (ENOSPC).
func (a *Adapter) extAddWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	var free []int
	for _, o := range a.points.wpOwner {
		if o == nil {
			free = append(free, 0)
		}
	}
	regions, err := planWatch(addr, length, len(free))
	if err != nil {
		return rsp.EINVAL
	}
	return a.extArmWatch(&watchReq{addr: addr, length: length, kind: kind}, regions)
}

// extArmWatch takes one free comparator of the external bank per region for req, or none (ENOSPC).
func (a *Adapter) extArmWatch(req *watchReq, regions []debugregs.WatchRegion) error {
	p := a.points
	var free []int
	for i, o := range p.wpOwner {
		if o == nil {
			free = append(free, i)
		}
	}
	if len(regions) == 0 || len(free) < len(regions) {
		return rsp.ENOSPC
	}
	end := req.addr + req.length
	for i, r := range regions {
		idx := free[i]
		p.wpOwner[idx] = req
		// The comparator covers r (a MASK region can be wider than gdb's range). A hit on bytes outside gdb's
		// range must never be reported; matching the intersection is the same as stepping over such a hit
		// silently, without the stop.
		lo, hi := max(r.Start, req.addr), min(r.Start+r.Len, end)
		a.m.SetExternalWatchpoint(idx, lo, hi-lo, watchKindToTarget(req.kind), true)
	}
	return nil
}

// extClear disarms every comparator of the external bank.
func (a *Adapter) extClear() {
	p := a.points
	for i, used := range p.bpUsed {
		if used {
			p.bpUsed[i] = false
			a.m.SetExternalBreakpoint(i, p.bpAddr[i], false)
		}
	}
	for i, o := range p.wpOwner {
		if o != nil {
			p.wpOwner[i] = nil
			a.m.SetExternalWatchpoint(i, 0, 0, 0, false)
		}
	}
}

func (a *Adapter) extRemoveWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	p := a.points
	for i, o := range p.wpOwner {
		if o != nil && o.addr == addr && o.length == length && o.kind == kind {
			p.wpOwner[i] = nil
			a.m.SetExternalWatchpoint(i, 0, 0, 0, false)
		}
	}
	return nil
}

func watchKindToTarget(k rsp.WatchKind) target.WatchKind {
	switch k {
	case rsp.WatchRead:
		return target.WatchRead
	case rsp.WatchAccess:
		return target.WatchAccess
	}
	return target.WatchWrite
}

func watchKindToRSP(k target.WatchKind) rsp.WatchKind {
	switch k {
	case target.WatchRead:
		return rsp.WatchRead
	case target.WatchAccess:
		return rsp.WatchAccess
	}
	return rsp.WatchWrite
}

// planWatch picks the comparator regions for a gdb watchpoint: the exact split when it fits in the free
// comparators, otherwise the one aligned power-of-two region that covers the whole range (wider than asked;
// hits outside gdb's range are never reported).
func planWatch(addr, length uint64, free int) ([]debugregs.WatchRegion, error) {
	regions, err := debugregs.SplitWatchFewest(addr, length)
	if err != nil {
		return nil, err
	}
	if len(regions) <= free {
		return regions, nil
	}
	r, err := debugregs.CoveringRegion(addr, length)
	if err != nil {
		return nil, err
	}
	return []debugregs.WatchRegion{r}, nil
}
