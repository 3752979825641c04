package target

import (
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/bus"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/gic"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/pl011"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/icache"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/selfdebug"
)

// The QEMU virt memory map (the parts we model).
const (
	RAMBase    = 0x4000_0000
	UARTBase   = 0x0900_0000 // PL011 (SPI 1 = INTID 33)
	uartSize   = 0x1000
	uartIRQ    = 33
	GICDBase   = 0x0800_0000 // GIC distributor (both versions)
	GICCBase   = 0x0801_0000 // GICv2 CPU interface
	GICRBase   = 0x080a_0000 // GICv3 redistributors (RD + SGI frame per CPU)
	pageShift  = icache.PageShift
	pageSize   = icache.PageSize
	instsPage  = icache.Slots
	maxCPUs    = 64
	defaultRAM = 128 << 20
	maxPages   = MaxRAMSize >> pageShift
	flagMask   = maxPages - 1
)

// MaxRAMSize is the most RAM the machine takes (at RAMBase, in 4 KiB pages).
const MaxRAMSize = 1 << 34 // 16 GiB

// Config describes the machine.
type Config struct {
	CPUs    int       // 1..64, default 2
	RAMSize uint64    // default 128 MiB at 0x4000_0000; a multiple of 4 KiB
	Quantum int       // instructions per CPU per round-robin turn (default 1024)
	Console io.Writer // PL011 output (nil = discard)
	Seed    int64     // every random choice derives from it (the random csync policy, per CPU)
	// Parallel runs the CPUs' plain instructions on host threads (parallel.go):
	// faster with several CPUs, not deterministic. Quantum defaults to 131072.
	Parallel bool

	CPUModel          string // debug model: "cortex-a57" (default) or "debugv8p9" (debugregs.LookupModel)
	Sync              string // debug-register sync window: "strict" (default), "eager", "random", "old"
	FAR               string // watchpoint FAR policy: "clamp" (default) or "access-start"
	LivelockThreshold int    // N debug exceptions in a row at one PC stop Resume with StopLivelock; 0 = off (the CLI default is DefaultLivelockThreshold)
	// Hypercall, if set, answers HVC #0 from EL1 with x0 in 0xc6000000..0xc600ffff (vendor hypervisor
	// calls). It runs on the machine goroutine inside Resume, with the machine locked: it must not call
	// any Machine or CPU method.
	Hypercall func(cpu int, args [4]uint64) HypercallResult

	// GIC is the interrupt controller's version: 2 (GICv2, at most 8 CPUs) or 3
	// (GICv3: ICC_* system registers, ID_AA64PFR0_EL1.GIC = 1). 0 chooses 2 for up
	// to 8 CPUs and 3 above (QEMU virt refuses more than 8 CPUs with a GICv2).
	GIC int
	// Input, if set, is read on a goroutine of the machine's own; its bytes reach
	// the PL011's receive FIFO between rounds (raising its RX interrupt).
	Input io.Reader
}

// Page flags (Machine.pageFlags, one byte per RAM page).
const (
	pfCode  uint8 = 1 << iota // page has decoded instructions (set by icache)
	pfWatch                   // an armed watchpoint overlaps the page
)

type segment struct {
	addr uint64
	data []byte
	mem  uint64
}

// Stats are cumulative counters for `monitor stats`.
type Stats struct {
	Executed   []uint64 // instructions executed per CPU
	Exceptions uint64   // exceptions taken, all CPUs
	// ParallelExecuted is how many of the instructions ran in parallel
	// phases (Config.Parallel), all CPUs.
	ParallelExecuted uint64
}

// Machine is the simulated virt board.
type Machine struct {
	cfg       Config
	ramDev    *bus.RAM // guest RAM, an anonymous mapping outside the Go heap (Close unmaps it)
	ram       []byte   // ramDev.Bytes()
	ramSize   uint64
	pageFlags []uint8
	flagArr   *[maxPages]uint8 // pageFlags as a fixed array: the hot loop indexes it without bounds checks
	granules  granules         // the watched granules of partly watched pages (granules.go)
	code      *icache.Cache    // decoded pages, keyed by physical RAM page
	codeVA    []uint64         // by RAM page: the VA page its decoded slots were made for (codePage)
	codeGen   uint64           // bumped when a decoded page is made for another VA page (codePage): CPU.recentCode's entries before it are stale
	trapPage  *icache.Page     // every slot isa.OpStepTrap except the one being stepped
	cpus      []*CPU

	mu        sync.Mutex // held while a round runs; debugger memory access takes it
	interrupt atomic.Bool
	pending   []Stop
	actsBuf   [maxCPUs]Action
	wasOnBuf  [maxCPUs]bool
	local     [maxCPUs]int // instructions each CPU ran in this round's parallel phase (parallel.go)
	lastCPU   int

	bus   bus.Map        // the physical address space: RAM (reached through m.ram first), GIC, PL011
	gic   gic.Controller // the interrupt controller (gic2 or gic3)
	gic2  *gic.GICv2     // set with Config.GIC 2
	gic3  *gic.GICv3     // set with Config.GIC 3: the ICC_* system registers
	uart  *pl011.UART
	input inputLine // Config.Input's bytes on their way to the UART (interrupt.go)

	swBP       map[uint64]int // address -> reference count (soft + external)
	bpGen      uint64         // bumped on any change to swBP (trapped copies follow it, gdbbreak.go)
	soft       map[uint64]bool
	extBP      map[int]uint64
	ext        debugregs.Comparators // gdb's watchpoints: the external bank, comparator idx (SetExternalWatchpoint)
	extOff     [maxCPUs]bool         // the external bank does not match on this CPU (SetExternalCPU)
	hypercalls map[uint64]bool       // HVC function ids that stop the machine
	extWatch   watchSource           // ext's ranges and the pages carrying pfExtWatch (granules.go)
	guestWatch watchSource           // every CPU's guest watchpoint ranges, pages carrying pfGuestWatch (debugwire.go)

	segments       []segment
	boot           *BootRegs // CPU 0's registers at a reset (SetBootRegs)
	entry          uint64
	idleRounds     int    // consecutive rounds with every running CPU waiting
	idleWait       bool   // the round was idle and only console input can end it: Resume waits
	clock          uint64 // virtual time at the start of the current round
	timerNext      uint64 // earliest future timer deadline (timer.go); MaxUint64: none
	resetRequested bool
	off            bool   // SYSTEM_OFF happened
	offText        string // reason
	stats          Stats
}

// New builds a machine; call LoadSegment and Reset before Resume.
func New(cfg Config) (*Machine, error) {
	if cfg.CPUs == 0 {
		cfg.CPUs = 2
	}
	if cfg.CPUs < 1 || cfg.CPUs > maxCPUs {
		return nil, fmt.Errorf("target: %d CPUs: want 1..%d", cfg.CPUs, maxCPUs)
	}
	if cfg.RAMSize == 0 {
		cfg.RAMSize = defaultRAM
	}
	if cfg.RAMSize%pageSize != 0 || cfg.RAMSize > MaxRAMSize {
		return nil, fmt.Errorf("target: RAM size %#x: want a multiple of 4 KiB up to 16 GiB", cfg.RAMSize)
	}
	if cfg.Quantum == 0 {
		cfg.Quantum = 1024
		if cfg.Parallel {
			cfg.Quantum = parallelQuantum
		}
	}
	if cfg.Quantum < 1 {
		return nil, fmt.Errorf("target: quantum %d: want > 0", cfg.Quantum)
	}
	switch {
	case cfg.GIC == 0 && cfg.CPUs <= 8:
		cfg.GIC = 2
	case cfg.GIC == 0:
		cfg.GIC = 3
	case cfg.GIC == 2 && cfg.CPUs > 8:
		return nil, fmt.Errorf("target: a GICv2 serves at most 8 CPUs, not %d: use GIC version 3", cfg.CPUs)
	case cfg.GIC != 2 && cfg.GIC != 3:
		return nil, fmt.Errorf("target: GIC version %d: want 2 or 3", cfg.GIC)
	}
	ram, err := bus.NewRAM(cfg.RAMSize)
	if err != nil {
		return nil, fmt.Errorf("target: %w", err)
	}
	m := &Machine{
		cfg:        cfg,
		ramDev:     ram,
		ram:        ram.Bytes(),
		ramSize:    cfg.RAMSize,
		pageFlags:  make([]uint8, maxPages)[:cfg.RAMSize/pageSize],
		swBP:       map[uint64]int{},
		soft:       map[uint64]bool{},
		extBP:      map[int]uint64{},
		hypercalls: map[uint64]bool{},
		timerNext:  math.MaxUint64,
		extWatch:   watchSource{bit: pfExtWatch},
		guestWatch: watchSource{bit: pfGuestWatch},
	}
	m.flagArr = (*[maxPages]uint8)(m.pageFlags[:maxPages])
	m.code = icache.New(int(cfg.RAMSize/pageSize), m.pageFlags, pfCode)
	m.codeVA = make([]uint64, cfg.RAMSize/pageSize)
	m.trapPage = icache.NewTrapPage()
	if err := m.buildDevices(); err != nil {
		_ = ram.Close()
		return nil, err
	}
	m.stats.Executed = make([]uint64, cfg.CPUs)
	if cfg.LivelockThreshold < 0 {
		_ = ram.Close()
		return nil, fmt.Errorf("target: livelock threshold %d: want >= 0", cfg.LivelockThreshold)
	}
	for i := 0; i < cfg.CPUs; i++ {
		u, err := selfdebug.NewUnit(cfg.CPUModel, cfg.Sync, cfg.FAR, cfg.Seed, i)
		if err != nil {
			_ = ram.Close()
			return nil, err
		}
		c := &CPU{index: i, m: m, dbg: u}
		c.reset(RAMBase)
		m.cpus = append(m.cpus, c)
	}
	// A machine nobody closes still gives its RAM back when it is collected.
	runtime.AddCleanup(m, func(r *bus.RAM) { _ = r.Close() }, ram)
	m.input.start(cfg.Input)
	return m, nil
}

// buildDevices makes the interrupt controller and the UART and maps them, with
// RAM, at QEMU virt's addresses.
func (m *Machine) buildDevices() error {
	gcfg := gic.Config{CPUs: m.cfg.CPUs, Changed: m.irqChanged, Affinity: make([]uint32, m.cfg.CPUs)}
	for i := range gcfg.Affinity {
		gcfg.Affinity[i] = uint32(m.affinity(i))
	}
	var err error
	if m.cfg.GIC == 2 {
		if m.gic2, err = gic.NewGICv2(gcfg); err == nil {
			m.gic = m.gic2
			err = errors.Join(m.bus.Add("gicd", GICDBase, gic.GICv2DistSize, m.gic2.Distributor()),
				m.bus.Add("gicc", GICCBase, gic.GICv2CPUSize, m.gic2.CPUInterface()))
		}
	} else {
		if m.gic3, err = gic.NewGICv3(gcfg); err == nil {
			m.gic = m.gic3
			err = errors.Join(m.bus.Add("gicd", GICDBase, gic.GICv3DistSize, m.gic3.Distributor()),
				m.bus.Add("gicr", GICRBase, m.gic3.RedistributorsSize(), m.gic3.Redistributors()))
		}
	}
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	console := m.cfg.Console
	if console == nil {
		console = io.Discard
	}
	g := m.gic
	m.uart = pl011.New(pl011.Config{Out: console, IRQ: func(level bool) { g.SetLevel(uartIRQ, 0, level) }})
	err = errors.Join(m.bus.Add("pl011", UARTBase, uartSize, m.uart),
		m.bus.Add("ram", RAMBase, m.cfg.RAMSize, m.ramDev))
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	return nil
}

// Close gives the guest RAM back (it lives outside the Go heap) and stops
// reading Config.Input. No other method may be called afterwards; a second
// Close returns an error.
func (m *Machine) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.input.stop()
	if m.ramDev == nil {
		return errors.New("target: machine already closed")
	}
	err := m.ramDev.Close()
	m.ramDev, m.ram, m.ramSize = nil, nil, 0
	return err
}

// ErrOutsideRAM is returned for memory accesses outside RAM.
var ErrOutsideRAM = errors.New("target: address outside RAM")

func (m *Machine) ramRange(addr, n uint64) (uint64, bool) {
	off := addr - RAMBase
	if addr < RAMBase || off > m.ramSize || n > m.ramSize-off {
		return 0, false
	}
	return off, true
}

// LoadSegment copies data to addr and zero-fills up to memSize; it is kept
// so SYSTEM_RESET can reload the image.
func (m *Machine) LoadSegment(addr uint64, data []byte, memSize uint64) error {
	if memSize < uint64(len(data)) {
		memSize = uint64(len(data))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	off, ok := m.ramRange(addr, memSize)
	if !ok {
		return fmt.Errorf("load segment [%#x, %#x): %w", addr, addr+memSize, ErrOutsideRAM)
	}
	copy(m.ram[off:], data)
	clear(m.ram[off+uint64(len(data)) : off+memSize])
	m.invalidateRange(off, memSize)
	m.segments = append(m.segments, segment{addr, append([]byte(nil), data...), memSize})
	return nil
}

// Reset puts CPU 0 at entry (EL1h, PSTATE 0x400003c5), powers the others
// off, clears pending stops and the power-off state. RAM is not touched.
func (m *Machine) Reset(entry uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.resetLocked(entry)
}

func (m *Machine) resetLocked(entry uint64) {
	m.entry = entry
	for _, c := range m.cpus {
		c.reset(entry)
		c.on = c.index == 0
	}
	if b := m.boot; b != nil {
		c := m.cpus[0]
		for i, x := range b.X {
			c.SetReg(i, x)
		}
		c.SetReg(RegPState, b.PState)
	}
	m.resetDevices()
	m.pending = nil
	m.off = false
	m.offText = ""
}

// BootRegs is what CPU 0 holds at every reset besides the PC: a boot
// protocol's registers (Linux: x0 = the device tree).
type BootRegs struct {
	X      [4]uint64
	PState uint64
}

// SetBootRegs makes every later reset (Reset, PSCI SYSTEM_RESET) start CPU 0
// with b; nil: the architectural reset values.
func (m *Machine) SetBootRegs(b *BootRegs) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.boot = b
}

// ReadMemory copies RAM at addr into p; error if any byte is outside RAM.
func (m *Machine) ReadMemory(addr uint64, p []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	off, ok := m.ramRange(addr, uint64(len(p)))
	if !ok {
		return fmt.Errorf("read %d bytes at %#x: %w", len(p), addr, ErrOutsideRAM)
	}
	copy(p, m.ram[off:])
	return nil
}

// WriteMemory copies p into RAM at addr and drops stale decoded code.
func (m *Machine) WriteMemory(addr uint64, p []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	off, ok := m.ramRange(addr, uint64(len(p)))
	if !ok {
		return fmt.Errorf("write %d bytes at %#x: %w", len(p), addr, ErrOutsideRAM)
	}
	copy(m.ram[off:], p)
	m.invalidateRange(off, uint64(len(p)))
	return nil
}

// invalidateRange forgets decoded instructions overlapping RAM bytes [off, off+n).
func (m *Machine) invalidateRange(off, n uint64) { m.code.Invalidate(off, n) }

// NumCPUs is the number of CPUs.
func (m *Machine) NumCPUs() int { return len(m.cpus) }

// CPU returns CPU i (nil if out of range).
func (m *Machine) CPU(i int) *CPU {
	if i < 0 || i >= len(m.cpus) {
		return nil
	}
	return m.cpus[i]
}

// Stats returns a copy of the counters.
func (m *Machine) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := Stats{Exceptions: m.stats.Exceptions, ParallelExecuted: m.stats.ParallelExecuted, Executed: make([]uint64, len(m.cpus))}
	for i, c := range m.cpus {
		s.Executed[i] = c.executed
	}
	return s
}

// codePage returns the decoded page for the physical address pa, creating
// it, for execution at the virtual address va. Decoded slots embed their
// VA (branch targets, PC-relative addresses): a page executed through
// another mapping than last time is decoded afresh, and its breakpoint flag
// follows the VA (gdb's breakpoints match the PC).
func (m *Machine) codePage(pa, va uint64) *icache.Page {
	pi := (pa - RAMBase) >> pageShift
	base := va &^ (pageSize - 1)
	p, fresh := m.code.Page(pi)
	if fresh {
		m.dropStoreMicros(pi) // a store there must now invalidate (memory.go)
	}
	if fresh || m.codeVA[pi] != base {
		if !fresh {
			m.code.Invalidate(pi<<pageShift, pageSize)
			m.codeGen++
		}
		m.codeVA[pi] = base
		p.BP = m.pageHasBP(base)
	}
	return p
}

func (m *Machine) pageHasBP(base uint64) bool {
	for a := range m.swBP {
		if a&^(pageSize-1) == base {
			return true
		}
	}
	return false
}

func (m *Machine) refreshBPPages() {
	for pi, p := range m.code.Pages() {
		if p != nil {
			p.BP = m.pageHasBP(m.codeVA[pi])
		}
	}
}

func (m *Machine) bpRef(addr uint64, delta int) {
	m.swBP[addr] += delta
	if m.swBP[addr] <= 0 {
		delete(m.swBP, addr)
	}
	m.bpGen++
	m.refreshBPPages()
}

// SetSoftwareBreakpoint arms or disarms a debugger's software breakpoint at addr. Memory is never
// modified: the simulator matches the address itself.
func (m *Machine) SetSoftwareBreakpoint(addr uint64, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.soft[addr] == on {
		return
	}
	if on {
		m.soft[addr] = true
		m.bpRef(addr, 1)
	} else {
		delete(m.soft, addr)
		m.bpRef(addr, -1)
	}
}

// SetExternalBreakpoint arms or disarms comparator idx of the external
// hardware breakpoint bank (a debugger's breakpoints, matched by the simulator). Shared by all
// CPUs, invisible to the guest.
func (m *Machine) SetExternalBreakpoint(idx int, addr uint64, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.extBP[idx]; ok {
		delete(m.extBP, idx)
		m.bpRef(old, -1)
	}
	if on {
		m.extBP[idx] = addr
		m.bpRef(addr, 1)
	}
}

// SetExternalCPU says whether the external breakpoint and watchpoint banks match on CPU cpu (every CPU
// does at start). Software breakpoints always apply to every CPU.
func (m *Machine) SetExternalCPU(cpu int, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cpu >= 0 && cpu < len(m.cpus) {
		m.extOff[cpu] = !on
	}
}

// WatchKind says which accesses a watchpoint matches (and which one hit).
type WatchKind uint8

const (
	WatchWrite WatchKind = iota + 1
	WatchRead
	WatchAccess
)

func (k WatchKind) String() string {
	switch k {
	case WatchWrite:
		return "write"
	case WatchRead:
		return "read"
	case WatchAccess:
		return "access"
	}
	return fmt.Sprintf("WatchKind(%d)", k)
}

// lsc is the comparator LSC of a watch kind (LSCReserved, never matching, for an unknown kind).
func (k WatchKind) lsc() debugregs.LSC {
	switch k {
	case WatchWrite:
		return debugregs.LSCStore
	case WatchRead:
		return debugregs.LSCLoad
	case WatchAccess:
		return debugregs.LSCAny
	}
	return debugregs.LSCReserved
}

// SetExternalWatchpoint arms or disarms comparator idx (0..63; others are
// ignored) of the external watchpoint bank over [start, start+length) (up
// to the top of the address space if that wraps). A hit stops the machine
// before the access with Stop{Kind: StopWatchpoint, Addr: max(access start,
// start)} for the lowest-numbered comparator hit.
func (m *Machine) SetExternalWatchpoint(idx int, start, length uint64, kind WatchKind, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ext.ClearWatchpoint(idx)
	if on && length > 0 {
		last := start + (length - 1)
		if last < start {
			last = ^uint64(0)
		}
		m.ext.SetWatchRange(idx, start, last, kind.lsc())
	}
	m.extWatch.setRanges(m.ext.WatchRanges)
	m.watchRangesChanged(&m.extWatch)
}

// watchHit checks the external watchpoints against an access; on a hit it
// records the stop on c and returns true. The lowest-numbered comparator hit
// names the stop.
func (m *Machine) watchHit(c *CPU, addr, size uint64, write bool) bool {
	if m.extOff[c.index] || !m.ext.WatchpointMayMatch(addr, size) {
		return false
	}
	kind := debugregs.AccessLoad
	if write {
		kind = debugregs.AccessStore
	}
	h, ok := m.ext.WatchpointMatch(addr, size, kind, 1, false)
	if !ok {
		return false
	}
	c.setStop(Stop{Kind: StopWatchpoint, CPU: c.index, Addr: max(addr, h.Start), Watch: watchKindOf(h.LSC)})
	return true
}

func (c *CPU) setStop(s Stop) {
	c.stopped = true
	c.stop = s
}
