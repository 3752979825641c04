package gdbtarget

import (
	"io"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// pointRoute is how gdb's hardware points (Z1–Z4) reach the machine: matched by the simulator (externalRoute)
// or held by the guest kernel's own slot management (kernelRoute). New picks one for the adapter's life.
// Arguments are already validated (aligned breakpoint, coverable range).
type pointRoute interface {
	addBreak(addr uint64) error
	removeBreak(addr uint64) error
	addWatch(w watchReq) error
	removeWatch(w watchReq) error

	// apply makes the machine hold what gdb wants before the CPUs in only run (nil = every CPU); it returns a
	// stop gdb must see instead.
	apply(only []bool) *target.Stop
	// wantsReady says whether a CPU's READY call must stop the machine so that apply runs.
	wantsReady() bool
	// notify answers the kernel's HVC for a hit of a debugger event on cpu, outside our cross-calls. It runs on
	// the machine goroutine and touches adapter state only.
	notify(cpu int, ev, trigger uint64, watch bool) target.HypercallResult
	// returned turns a CPU's return to a hit it notified into gdb's stop; ok is false when gdb has no point
	// for it any more.
	returned(cpu int) (r rsp.StopReason, ok bool)
	// owner names the gdb request that owns guest event ev, or "".
	owner(ev uint64) string
	// stats prints the route's counters for `monitor stats`.
	stats(out io.Writer)
	// rebooted forgets what the guest held; gdb's requests stay wanted.
	rebooted()
}

// Route names, as --hw-debug spells them.
const (
	RouteKernel   = "kernel"
	RouteExternal = "external"
)

// externalRoute keeps gdb's points in the machine's external bank (the QEMU/JTAG model).
type externalRoute struct{ bank *externalBank }

func (r externalRoute) addBreak(addr uint64) error    { return r.bank.addBreak(addr) }
func (r externalRoute) removeBreak(addr uint64) error { r.bank.removeBreak(addr); return nil }

// addWatch splits the range into aligned doubleword BAS chunks or MASK regions, whichever needs fewer
// comparators, or one covering region when those do not fit; all of them are taken or none (ENOSPC).
func (r externalRoute) addWatch(w watchReq) error {
	regions, err := planWatch(w.addr, w.length, r.bank.freeWatch())
	if err != nil {
		return rsp.EINVAL
	}
	return r.bank.armWatch(w, regions)
}

func (r externalRoute) removeWatch(w watchReq) error { r.bank.removeWatch(w); return nil }
func (externalRoute) apply([]bool) *target.Stop      { return nil }
func (externalRoute) wantsReady() bool               { return false }

// notify: the external route owns no guest event, so a NOTIFY is no hit of gdb's; the kernel steps over it.
func (externalRoute) notify(int, uint64, uint64, bool) target.HypercallResult {
	return target.HypercallResult{X0: kernelsim.HVCNotifyStep}
}
func (externalRoute) returned(int) (rsp.StopReason, bool) { return rsp.StopReason{}, false }
func (externalRoute) owner(uint64) string                 { return "" }
func (externalRoute) stats(io.Writer)                     {}
func (externalRoute) rebooted()                           {}
