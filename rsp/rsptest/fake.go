package rsptest

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
)

// Region is a piece of mapped memory.
type Region struct {
	Addr uint64
	Data []byte
}

// ScriptedStop is what the next continuing Resume does: optionally write
// Console text and run Before (with the target locked), then report Stop.
type ScriptedStop struct {
	Stop    rsp.StopReason
	Console string
	Before  func(f *FakeTarget)
}

// FakeTarget is an in-memory target. Set its exported fields before a
// session starts; read Calls and the other logs after it ends (or under
// Lock/Unlock).
type FakeTarget struct {
	mu sync.Mutex

	Desc    *aarch64.Description
	Regions []*Region
	// Script is consumed by continuing resumes. With it empty, a continue
	// blocks until Interrupt.
	Script []ScriptedStop
	// OnStep runs (target locked) after a thread single-steps.
	OnStep func(f *FakeTarget, tid int)
	// ExecName and ExecData are the executable served by qXfer:exec-file and vFile.
	ExecName string
	ExecData []byte
	// WatchSlots and BreakSlots bound the hardware points (ENOSPC beyond).
	WatchSlots, BreakSlots int
	// AttachStop, when set, is what Attach returns (default: SIGTRAP on thread 1).
	AttachStop *rsp.StopReason

	// Calls logs every capability call, e.g. "AddWatchpoint 0x1000 8 write".
	Calls []string
	// Detaches logs every Detach call.
	Detaches []rsp.DetachKind

	regs    [][aarch64.NumCoreRegs]uint64
	sysregs []map[int]uint64
	watches map[string]bool
	hwbps   map[uint64]bool
	swbps   map[uint64]bool
	console io.Writer
	intr    chan struct{}
}

// Compile-time checks: FakeTarget has every capability.
var (
	_ rsp.Target            = (*FakeTarget)(nil)
	_ rsp.SingleRegisters   = (*FakeTarget)(nil)
	_ rsp.SwBreakpoints     = (*FakeTarget)(nil)
	_ rsp.HwBreakpoints     = (*FakeTarget)(nil)
	_ rsp.HwWatchpoints     = (*FakeTarget)(nil)
	_ rsp.TargetDescription = (*FakeTarget)(nil)
	_ rsp.ExecFile          = (*FakeTarget)(nil)
	_ rsp.Monitor           = (*FakeTarget)(nil)
	_ rsp.ThreadExtraInfo   = (*FakeTarget)(nil)
	_ rsp.Attacher          = (*FakeTarget)(nil)
	_ rsp.Detacher          = (*FakeTarget)(nil)
	_ rsp.Console           = (*FakeTarget)(nil)
	_ rsp.LLDBInfo          = (*FakeTarget)(nil)
	_ rsp.Restarter         = (*FakeTarget)(nil)
	_ rsp.InterruptDropper  = (*FakeTarget)(nil)
)

// RAMBase is where NewFakeTarget maps its 64 KiB of RAM; every thread's pc
// starts there.
const RAMBase = 0x40000000

// NewFakeTarget returns a target with n threads, 64 KiB of zeroed RAM at
// RAMBase, 6 breakpoint and 4 watchpoint slots, and a small exec file.
func NewFakeTarget(n int) *FakeTarget {
	f := &FakeTarget{
		Desc:       aarch64.New(6, 4),
		Regions:    []*Region{{Addr: RAMBase, Data: make([]byte, 64<<10)}},
		ExecName:   "/fake/kernel.elf",
		ExecData:   []byte("\x7fELF fake kernel image #$}* with bytes to escape"),
		WatchSlots: 4,
		BreakSlots: 6,
		regs:       make([][aarch64.NumCoreRegs]uint64, n),
		sysregs:    make([]map[int]uint64, n),
		watches:    map[string]bool{},
		hwbps:      map[uint64]bool{},
		swbps:      map[uint64]bool{},
		intr:       make(chan struct{}, 1),
	}
	f.resetRegs()
	return f
}

// resetRegs puts every thread at RAMBase with x0 = its cpu index (to tell threads apart).
func (f *FakeTarget) resetRegs() {
	for i := range f.regs {
		f.regs[i] = [aarch64.NumCoreRegs]uint64{}
		f.regs[i][aarch64.RegPC] = RAMBase
		f.regs[i][aarch64.RegCPSR] = 0x3c5
		f.regs[i][0] = uint64(i)
		f.sysregs[i] = map[int]uint64{}
	}
}

// Restart implements rsp.Restarter: every thread's registers start over (memory is kept).
func (f *FakeTarget) Restart() (rsp.StopReason, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logf("Restart")
	f.resetRegs()
	return rsp.StopReason{Kind: rsp.StopSignal, Signal: rsp.SigTrap, Thread: 1}, nil
}

// Lock and Unlock guard the fake's state for tests that read it while a
// session runs.
func (f *FakeTarget) Lock()   { f.mu.Lock() }
func (f *FakeTarget) Unlock() { f.mu.Unlock() }

func (f *FakeTarget) logf(format string, args ...any) {
	f.Calls = append(f.Calls, fmt.Sprintf(format, args...))
}

// CallLog returns a copy of Calls.
func (f *FakeTarget) CallLog() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.Calls...)
}

// PC and SetPC access a thread's pc (target locked by the caller or not running).
func (f *FakeTarget) PC(tid int) uint64           { return f.regs[tid-1][aarch64.RegPC] }
func (f *FakeTarget) SetPC(tid int, pc uint64)    { f.regs[tid-1][aarch64.RegPC] = pc }
func (f *FakeTarget) Reg(tid, n int) uint64       { return f.regs[tid-1][n] }
func (f *FakeTarget) SetReg(tid, n int, v uint64) { f.regs[tid-1][n] = v }

// NumThreads implements rsp.Threads.
func (f *FakeTarget) NumThreads() int { return len(f.regs) }

func (f *FakeTarget) tidOK(tid int) bool { return tid >= 1 && tid <= len(f.regs) }

// ReadRegisters implements rsp.Registers: x0..x30, sp, pc, cpsr (268 bytes).
func (f *FakeTarget) ReadRegisters(tid int, dst []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.tidOK(tid) {
		return dst, rsp.EINVAL
	}
	r := &f.regs[tid-1]
	for i := 0; i < aarch64.RegCPSR; i++ {
		dst = binary.LittleEndian.AppendUint64(dst, r[i])
	}
	return binary.LittleEndian.AppendUint32(dst, uint32(r[aarch64.RegCPSR])), nil
}

// WriteRegisters implements rsp.Registers.
func (f *FakeTarget) WriteRegisters(tid int, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.tidOK(tid) {
		return rsp.EINVAL
	}
	r := &f.regs[tid-1]
	for i := 0; i < aarch64.RegCPSR && len(data) >= 8; i++ {
		r[i] = binary.LittleEndian.Uint64(data)
		data = data[8:]
	}
	if len(data) >= 4 {
		r[aarch64.RegCPSR] = uint64(binary.LittleEndian.Uint32(data))
	}
	return nil
}

// ReadRegister implements rsp.SingleRegisters.
func (f *FakeTarget) ReadRegister(tid, regnum int, dst []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	reg, ok := f.Desc.Reg(regnum)
	if !f.tidOK(tid) || !ok {
		return dst, rsp.EINVAL
	}
	switch {
	case regnum == aarch64.RegCPSR:
		return binary.LittleEndian.AppendUint32(dst, uint32(f.regs[tid-1][regnum])), nil
	case regnum < aarch64.NumCoreRegs:
		return binary.LittleEndian.AppendUint64(dst, f.regs[tid-1][regnum]), nil
	}
	_ = reg
	return binary.LittleEndian.AppendUint64(dst, f.sysregs[tid-1][regnum]), nil
}

// WriteRegister implements rsp.SingleRegisters.
func (f *FakeTarget) WriteRegister(tid, regnum int, value []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	reg, ok := f.Desc.Reg(regnum)
	if !f.tidOK(tid) || !ok || len(value) != reg.Size {
		return rsp.EINVAL
	}
	var v uint64
	if reg.Size == 4 {
		v = uint64(binary.LittleEndian.Uint32(value))
	} else {
		v = binary.LittleEndian.Uint64(value)
	}
	if regnum < aarch64.NumCoreRegs {
		f.regs[tid-1][regnum] = v
	} else {
		f.sysregs[tid-1][regnum] = v
	}
	return nil
}

// find returns the region holding addr and the offset in it.
func (f *FakeTarget) find(addr uint64) (*Region, uint64) {
	for _, r := range f.Regions {
		if addr >= r.Addr && addr-r.Addr < uint64(len(r.Data)) {
			return r, addr - r.Addr
		}
	}
	return nil, 0
}

// ReadMemory implements rsp.Memory; it stops at the first unmapped byte.
func (f *FakeTarget) ReadMemory(addr uint64, p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for n < len(p) {
		r, off := f.find(addr + uint64(n))
		if r == nil {
			return n, rsp.EFAULT
		}
		n += copy(p[n:], r.Data[off:])
	}
	return n, nil
}

// WriteMemory implements rsp.Memory; all or nothing.
func (f *FakeTarget) WriteMemory(addr uint64, p []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < len(p); {
		r, off := f.find(addr + uint64(i))
		if r == nil {
			return rsp.EFAULT
		}
		i += len(r.Data[off:])
	}
	for i := 0; i < len(p); {
		r, off := f.find(addr + uint64(i))
		i += copy(r.Data[off:], p[i:])
	}
	f.logf("WriteMemory %#x %d", addr, len(p))
	return nil
}

// Peek64 reads a little-endian uint64 from mapped memory (0 if unmapped);
// Poke64 writes one. The caller holds the lock or nothing runs.
func (f *FakeTarget) Peek64(addr uint64) uint64 {
	r, off := f.find(addr)
	if r == nil || off+8 > uint64(len(r.Data)) {
		return 0
	}
	return binary.LittleEndian.Uint64(r.Data[off:])
}

func (f *FakeTarget) Poke64(addr, v uint64) {
	if r, off := f.find(addr); r != nil && off+8 <= uint64(len(r.Data)) {
		binary.LittleEndian.PutUint64(r.Data[off:], v)
	}
}

// Resume implements rsp.Resumer. Stepping threads advance pc by 4 and the
// first of them is reported; otherwise the next scripted stop is taken, or
// the call blocks until Interrupt.
func (f *FakeTarget) Resume(actions []rsp.Action) (rsp.StopReason, error) {
	f.mu.Lock()
	if len(actions) != len(f.regs) {
		f.mu.Unlock()
		return rsp.StopReason{}, rsp.EINVAL
	}
	f.logf("Resume %s", actionString(actions))
	select {
	case <-f.intr: // an Interrupt that came before this Resume
		f.mu.Unlock()
		return rsp.StopReason{Kind: rsp.StopInterrupted, Thread: 1}, nil
	default:
	}
	stepped := 0
	for i, a := range actions {
		if a.Kind == rsp.ActionStep {
			f.regs[i][aarch64.RegPC] += 4
			if f.OnStep != nil {
				f.OnStep(f, i+1)
			}
			if stepped == 0 {
				stepped = i + 1
			}
		}
	}
	if stepped != 0 {
		f.mu.Unlock()
		return rsp.StopReason{Kind: rsp.StopStepped, Thread: stepped}, nil
	}
	if len(f.Script) > 0 {
		s := f.Script[0]
		f.Script = f.Script[1:]
		if s.Before != nil {
			s.Before(f)
		}
		w := f.console
		f.mu.Unlock()
		if s.Console != "" && w != nil {
			io.WriteString(w, s.Console)
		}
		return s.Stop, nil
	}
	// Nothing scripted: run until interrupted.
	f.mu.Unlock()
	<-f.intr
	tid := 1
	for i, a := range actions {
		if a.Kind == rsp.ActionContinue {
			tid = i + 1
			break
		}
	}
	return rsp.StopReason{Kind: rsp.StopInterrupted, Thread: tid}, nil
}

// Interrupt implements rsp.Resumer; the request stays until a Resume takes it.
func (f *FakeTarget) Interrupt() {
	select {
	case f.intr <- struct{}{}:
	default:
	}
}

// DropInterrupt implements rsp.InterruptDropper.
func (f *FakeTarget) DropInterrupt() {
	select {
	case <-f.intr:
	default:
	}
}

// InterruptPending reports whether an Interrupt waits for a Resume to take it.
func (f *FakeTarget) InterruptPending() bool { return len(f.intr) > 0 }

func actionString(actions []rsp.Action) string {
	var b strings.Builder
	for i, a := range actions {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a.Kind.String())
		if a.Signal != 0 {
			fmt.Fprintf(&b, "/%d", a.Signal)
		}
	}
	return b.String()
}

// AddSwBreakpoint implements rsp.SwBreakpoints.
func (f *FakeTarget) AddSwBreakpoint(addr uint64, kind int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logf("AddSwBreakpoint %#x %d", addr, kind)
	f.swbps[addr] = true
	return nil
}

// RemoveSwBreakpoint implements rsp.SwBreakpoints.
func (f *FakeTarget) RemoveSwBreakpoint(addr uint64, kind int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logf("RemoveSwBreakpoint %#x %d", addr, kind)
	delete(f.swbps, addr)
	return nil
}

// AddHwBreakpoint implements rsp.HwBreakpoints.
func (f *FakeTarget) AddHwBreakpoint(addr uint64, kind int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.hwbps) >= f.BreakSlots {
		return rsp.ENOSPC
	}
	f.logf("AddHwBreakpoint %#x %d", addr, kind)
	f.hwbps[addr] = true
	return nil
}

// RemoveHwBreakpoint implements rsp.HwBreakpoints.
func (f *FakeTarget) RemoveHwBreakpoint(addr uint64, kind int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logf("RemoveHwBreakpoint %#x %d", addr, kind)
	delete(f.hwbps, addr)
	return nil
}

func watchKey(addr, length uint64, kind rsp.WatchKind) string {
	return fmt.Sprintf("%#x %d %s", addr, length, kind)
}

// AddWatchpoint implements rsp.HwWatchpoints (one slot per watchpoint).
func (f *FakeTarget) AddWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.watches) >= f.WatchSlots {
		return rsp.ENOSPC
	}
	k := watchKey(addr, length, kind)
	f.logf("AddWatchpoint %s", k)
	f.watches[k] = true
	return nil
}

// RemoveWatchpoint implements rsp.HwWatchpoints.
func (f *FakeTarget) RemoveWatchpoint(addr, length uint64, kind rsp.WatchKind) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := watchKey(addr, length, kind)
	f.logf("RemoveWatchpoint %s", k)
	delete(f.watches, k)
	return nil
}

// Inserted reports how many points of each sort the target holds now.
func (f *FakeTarget) Inserted() (sw, hw, watch int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.swbps), len(f.hwbps), len(f.watches)
}

// TargetXML implements rsp.TargetDescription.
func (f *FakeTarget) TargetXML(annex string) ([]byte, bool) { return f.Desc.TargetXML(annex) }

// ExecFile implements rsp.ExecFile.
func (f *FakeTarget) ExecFile() (string, []byte, bool) {
	return f.ExecName, f.ExecData, f.ExecName != ""
}

// Monitor implements rsp.Monitor: "help", "echo TEXT", "fail" (EINVAL).
func (f *FakeTarget) Monitor(cmd string, out io.Writer) error {
	f.mu.Lock()
	f.logf("Monitor %q", cmd)
	f.mu.Unlock()
	name, rest, _ := strings.Cut(cmd, " ")
	switch name {
	case "help":
		io.WriteString(out, "help echo fail\n")
	case "echo":
		io.WriteString(out, rest+"\n")
	case "fail":
		return rsp.EINVAL
	default:
		fmt.Fprintf(out, "unknown command %q\n", name)
	}
	return nil
}

// ThreadExtraInfo implements rsp.ThreadExtraInfo.
func (f *FakeTarget) ThreadExtraInfo(tid int) string {
	return fmt.Sprintf("CPU#%d [halted]", tid-1)
}

// Attach implements rsp.Attacher.
func (f *FakeTarget) Attach() (rsp.StopReason, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logf("Attach")
	if f.AttachStop != nil {
		return *f.AttachStop, nil
	}
	return rsp.StopReason{Kind: rsp.StopSignal, Signal: rsp.SigTrap, Thread: 1}, nil
}

// Detach implements rsp.Detacher.
func (f *FakeTarget) Detach(how rsp.DetachKind) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logf("Detach %s", how)
	f.Detaches = append(f.Detaches, how)
}

// SetConsole implements rsp.Console.
func (f *FakeTarget) SetConsole(w io.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.console = w
}

// Triple implements rsp.LLDBInfo.
func (f *FakeTarget) Triple() string { return "aarch64-unknown-none" }

// WatchpointSlots implements rsp.LLDBInfo.
func (f *FakeTarget) WatchpointSlots() int { return f.WatchSlots }

// RegisterInfo implements rsp.LLDBInfo.
func (f *FakeTarget) RegisterInfo(regnum int) (rsp.RegisterInfo, bool) {
	return f.Desc.RegisterInfo(regnum)
}
