package gdbtarget

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"go.uber.org/zap"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// guestKernel is the embedded kernel's side of the debugger protocol (docs/interfaces.md, "Debugger route"):
// which CPUs made their READY call, cross-calls into its entry points, and reads of its data structures
// through the layouts kernelsim owns. Both routes use it (`monitor perf`, `monitor slots`); with an image that
// lacks the kernel's symbols every call fails.
type guestKernel struct {
	m   *target.Machine
	img *kernelsim.Image
	log *zap.Logger

	ready    []bool       // CPU n made its READY HVC
	inCall   int          // the CPU running our cross-call, or -1
	callStop *target.Stop // a cross-call stopped for gdb (see errCallStopped)

	calls, callHit, aborted uint64 // cross-calls run, hits inside them, calls abandoned at callLimit
}

func newGuestKernel(m *target.Machine, img *kernelsim.Image, log *zap.Logger) *guestKernel {
	return &guestKernel{m: m, img: img, log: log, ready: make([]bool, m.NumCPUs()), inCall: -1}
}

// rebooted forgets the guest's state: after a reset no CPU is ready and no call runs.
func (k *guestKernel) rebooted() {
	clear(k.ready)
	k.callStop = nil
}

// up says whether any CPU has made its READY call (the kernel's slot management is ready).
func (k *guestKernel) up() bool { return slices.Contains(k.ready, true) }

// readyCPU returns a CPU that takes cross-calls and is not inside one that stopped for gdb, or -1.
func (k *guestKernel) readyCPU() int {
	for i, r := range k.ready {
		if r && !k.m.InCall(i) {
			return i
		}
	}
	return -1
}

// symbol returns the address of a guest symbol, or an error that says the kernel lacks it.
func (k *guestKernel) symbol(name string) (uint64, error) {
	addr, _, ok := k.img.Symbols.Lookup(name)
	if !ok {
		return 0, fmt.Errorf("the kernel has no symbol %s", name)
	}
	return addr, nil
}

// u64 reads a u64 from guest RAM.
func (k *guestKernel) u64(addr uint64) (uint64, error) {
	var b [8]byte
	if err := k.m.ReadMemory(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

// perCPU reads element cpu of a guest per-CPU array of u32 or u64.
func (k *guestKernel) perCPU(name string, cpu int) (uint64, error) {
	addr, size, err := k.img.PerCPU(name, cpu)
	if err != nil {
		return 0, err
	}
	if size == 4 {
		var b [4]byte
		err := k.m.ReadMemory(addr, b[:])
		return uint64(binary.LittleEndian.Uint32(b[:])), err
	}
	return k.u64(addr)
}

// slotOwner reads bp_on_reg[cpu][i] or wp_on_reg[cpu][i]: the owning struct perf_event, 0 = free.
func (k *guestKernel) slotOwner(watch bool, cpu, i int) (uint64, error) {
	addr, err := k.img.SlotAddr(!watch, cpu, i)
	if err != nil {
		return 0, err
	}
	return k.u64(addr)
}

// event reads the guest's struct perf_event at ev.
func (k *guestKernel) event(ev uint64) (kernelsim.PerfEvent, error) {
	b := make([]byte, kernelsim.PerfEventSize)
	if err := k.m.ReadMemory(ev, b); err != nil {
		return kernelsim.PerfEvent{}, err
	}
	return kernelsim.DecodePerfEvent(b)
}

// callLimit bounds the guest instructions one cross-call may take. A call normally takes a few thousand, or
// a few hundred thousand when each of its stores hits a watchpoint the kernel steps over; one that never
// returns (an exclusive load/store loop under a watchpoint fails its store-exclusive at every step-over)
// must not hold the session.
const callLimit = 1 << 24

var (
	// errCallStopped means a cross-call stopped for something gdb must see (a livelock, an interrupt); the
	// stop is in callStop and the call goes on at the next resume.
	errCallStopped = errors.New("cross-call stopped")
	// errCallAborted means a cross-call ran out of callLimit: it was abandoned and the CPU's context restored.
	errCallAborted = errors.New("cross-call did not return within its instruction limit; abandoned")
)

// call runs the kernel's entry point fn(args) on cpu through the debugger entry protocol and returns its x0.
func (k *guestKernel) call(cpu int, fn string, args ...uint64) (uint64, error) {
	if cpu < 0 {
		return 0, fmt.Errorf("no CPU takes cross-calls yet")
	}
	pc, err := k.symbol(fn)
	if err != nil {
		return 0, err
	}
	done, err := k.symbol(kernelsim.SymDebuggerCallDone)
	if err != nil {
		return 0, err
	}
	c := target.Call{Fn: pc, Return: done, DoneHVC: kernelsim.HVCDebuggerDone}
	copy(c.Args[:], args)
	if err := k.m.BeginCall(cpu, c); err != nil {
		return 0, err
	}
	k.calls++
	return k.finish(cpu)
}

// finish runs cpu alone until its cross-call returns, or abandons it after callLimit instructions.
func (k *guestKernel) finish(cpu int) (uint64, error) {
	acts := make([]target.Action, k.m.NumCPUs())
	acts[cpu] = target.ActionContinue
	k.inCall = cpu
	interrupted := false
	defer func() {
		k.inCall = -1
		if interrupted {
			k.m.Interrupt() // for the Resume that gdb's request is really about
		}
	}()
	for {
		st := k.m.ResumeLimit(acts, callLimit)
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
			if err := k.m.AbortCall(cpu); err != nil {
				return 0, err
			}
			k.aborted++
			k.log.Warn("a cross-call into the kernel did not return; abandoned", zap.Int("cpu", cpu))
			return 0, errCallAborted
		default:
			k.callStop = &st
			return 0, errCallStopped
		}
	}
}

// resumeStopped lets a cross-call that stopped for gdb go on, if its CPU may run now; a new stop is returned.
func (k *guestKernel) resumeStopped(in func(cpu int) bool) *target.Stop {
	if k.callStop == nil || !in(k.callStop.CPU) {
		return nil
	}
	cpu := k.callStop.CPU
	k.callStop = nil
	if k.m.InCall(cpu) {
		if _, err := k.finish(cpu); err == errCallStopped {
			return k.callStop
		}
	}
	return nil
}
