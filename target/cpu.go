package target

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
)

// CPU is one simulated Cortex-A57-like core (AArch64, EL0/EL1, MMU off).
// Its exported methods are for debuggers and are valid while the machine is
// halted (between Resume calls).
type CPU struct {
	x  [256]uint64 // x[0..30], x[31]=zero, x[32]=current SP, x[33]=sink; rest unused (uint8 index needs no bounds check)
	pc uint64

	nzcv  uint64 // PSTATE.{N,Z,C,V} in bits 31:28
	daif  uint64 // PSTATE.{D,A,I,F} in bits 9:6
	el    uint8  // 0 or 1
	spsel uint8  // PSTATE.SP
	ss    bool   // PSTATE.SS
	il    bool   // PSTATE.IL

	spBank [2]uint64 // SP_EL0, SP_EL1 (the active one lives in x[32])
	sr     [128]uint64
	dbg    *debugregs.Unit // self-hosted debug model (debugwire.go)
	dw     debugState

	index int
	m     *Machine
	on    bool

	// exclusive monitor
	exclValid bool
	exclAddr  uint64
	exclSize  uint64
	exclVal   uint64
	exclVal2  uint64

	// last failed access
	faultAddr  uint64
	faultWrite bool
	faultFSC   uint32

	executed   uint64 // instructions executed (retired or faulted)
	n          int    // executed in the current slice
	sliceN     uint64 // executed within the current slice (for CNTVCT mid-slice)
	exceptions uint64
	waiting    bool // ended its slice in WFI/WFE
	eventReg   bool // WFE event register

	// per-slice outcome
	stopped  bool
	stop     Stop
	skipBP   uint64 // PC whose breakpoints are ignored once (step-off)
	skipBPOn bool
	dirty    bool // a store dropped a decoded page
}

const (
	pstateSS = 1 << 21
	pstateIL = 1 << 20
)

// pstate returns the SPSR/CPSR view of PSTATE.
func (c *CPU) pstate() uint64 {
	v := c.nzcv | c.daif | uint64(c.el)<<2 | uint64(c.spsel)
	if c.ss {
		v |= pstateSS
	}
	if c.il {
		v |= pstateIL
	}
	return v
}

func (c *CPU) spIndex() int {
	if c.el == 1 && c.spsel == 1 {
		return 1
	}
	return 0
}

// setMode changes EL and SPSel, banking the stack pointer.
func (c *CPU) setMode(el, spsel uint8) {
	c.spBank[c.spIndex()] = c.x[regSP]
	c.el, c.spsel = el&1, spsel&1
	c.x[regSP] = c.spBank[c.spIndex()]
}

// counter is CNTVCT_EL0/CNTPCT_EL0: a virtual clock of one tick per
// instruction slot; all CPUs of a round share the round's start time.
func (c *CPU) counter() uint64 {
	if c.m == nil {
		return c.sliceN
	}
	return c.m.clock + c.sliceN
}

// reset puts the CPU in its architectural reset state at entry, EL1h.
func (c *CPU) reset(entry uint64) {
	idx, m, dbg, executed, exceptions := c.index, c.m, c.dbg, c.executed, c.exceptions
	*c = CPU{index: idx, m: m, executed: executed, exceptions: exceptions}
	for i, d := range sysRegTable {
		if d.kind == srPlain {
			c.sr[i] = d.reset
		}
	}
	c.dbg = dbg
	dbg.Reset()
	c.debugSynced()
	c.el, c.spsel = 1, 1
	c.daif = 0x3c0
	c.nzcv = 0x40000000 // QEMU resets with Z set: CPSR reads 0x400003c5
	c.pc = entry
}

// Exception classes (ESR_ELx.EC).
const (
	ecUnknown     = 0x00
	ecIllegal     = 0x0e
	ecSVC         = 0x15
	ecHVC         = 0x16
	ecInsnAbortLo = 0x20
	ecInsnAbort   = 0x21
	ecPCAlign     = 0x22
	ecDataAbortLo = 0x24
	ecDataAbort   = 0x25
	ecSPAlign     = 0x26
	ecBRK         = 0x3c
)

// Fault status codes.
const (
	fscExternal  = 0x10
	fscAlignment = 0x21
)

// takeException enters EL1 with a synchronous exception. ret is ELR_EL1.
func (c *CPU) takeException(ec, iss uint32, ret uint64, far uint64, setFar bool) {
	c.takeExceptionAt(ec, iss, ret, far, setFar, 0)
}

func (c *CPU) takeExceptionAt(ec, iss uint32, ret uint64, far uint64, setFar bool, vecOff uint64) {
	from := c.el
	off := uint64(0x200)
	switch {
	case from == 0:
		off = 0x400
	case c.spsel == 0:
		off = 0
	}
	c.sr[idxSPSR] = c.entrySPSR(ec)
	c.sr[idxELR] = ret
	c.sr[idxESR] = uint64(ec)<<26 | 1<<25 | uint64(iss&0x1ffffff)
	if setFar {
		c.sr[idxFAR] = far
	}
	c.setMode(1, 1)
	c.daif = 0x3c0
	c.ss, c.il = false, false
	c.pc = c.sr[idxVBAR] + off + vecOff
	if ret == c.pc && ec != ecSVC {
		// The vector itself faults: the guest can never make progress.
		c.setStop(Stop{Kind: StopLivelock, CPU: c.index, Addr: ret,
			Text: fmt.Sprintf("livelock: CPU %d: exception (ESR %#x) at its own vector %#x", c.index, c.sr[idxESR], ret)})
	}
	c.exclValid = false
	c.exceptions++
	c.m.stats.Exceptions++
}

// eret performs an exception return from EL1.
func (c *CPU) eret() {
	spsr := c.sr[idxSPSR]
	target := c.sr[idxELR]
	el, sp := uint8(spsr>>2&3), uint8(spsr&1)
	illegal := spsr&0x10 != 0 || el > 1 || spsr&2 != 0 || (el == 0 && sp == 1)
	ss := c.eretSS(spsr, el)
	c.nzcv = spsr & 0xf0000000
	c.daif = spsr & 0x3c0
	c.ss = ss
	c.il = false
	if illegal {
		c.il = true
	} else {
		c.setMode(el, sp)
	}
	c.pc = target
	c.exclValid = false
	c.afterERET(target)
}

// Register indexes of Reg and SetReg: 0..30 are X0..X30.
const (
	RegSP     = 31 // the SP of the current EL and SPSel
	RegPC     = 32
	RegPState = 33 // PSTATE as SPSR_EL1 lays it out (NZCV, SS, IL, DAIF, M[3:0])
)

// Reg reads register n (0..30 X, RegSP, RegPC, RegPState); 0 for any other n.
func (c *CPU) Reg(n int) uint64 {
	switch {
	case n >= 0 && n <= 30:
		return c.x[n]
	case n == RegSP:
		return c.x[regSP]
	case n == RegPC:
		return c.pc
	case n == RegPState:
		return c.pstate()
	}
	return 0
}

// SetReg writes register n. Writing RegPState may change EL and SPSel
// (M[3:0]); AArch32 modes are ignored.
func (c *CPU) SetReg(n int, v uint64) {
	switch {
	case n >= 0 && n <= 30:
		c.x[n] = v
	case n == RegSP:
		c.x[regSP] = v
	case n == RegPC:
		c.pc = v
	case n == RegPState:
		c.nzcv = v & 0xf0000000
		c.daif = v & 0x3c0
		c.ss = v&pstateSS != 0
		c.il = v&pstateIL != 0
		if el := uint8(v >> 2 & 3); v&0x10 == 0 && el <= 1 {
			c.setMode(el, uint8(v&1))
		}
	}
}

// PC returns the program counter.
func (c *CPU) PC() uint64 { return c.pc }

// EL returns the current exception level (0 or 1).
func (c *CPU) EL() int { return int(c.el) }

// SysReg reads a system register by encoding, as MRS at EL1 would (without
// side effects); false if it is not implemented.
func (c *CPU) SysReg(op0, op1, crn, crm, op2 int) (uint64, bool) {
	return c.readSys(sysKey(uint32(op0), uint32(op1), uint32(crn), uint32(crm), uint32(op2)), false)
}

// SetSysReg writes a system register by encoding; false if it is not
// implemented or read-only. Writes to constants are accepted and ignored.
func (c *CPU) SetSysReg(op0, op1, crn, crm, op2 int, v uint64) bool {
	key := sysKey(uint32(op0), uint32(op1), uint32(crn), uint32(crm), uint32(op2))
	if c.m != nil {
		c.m.mu.Lock()
		defer c.m.mu.Unlock()
	}
	return c.writeSys(key, v, false)
}

// PoweredOn reports whether the CPU is on (PSCI).
func (c *CPU) PoweredOn() bool { return c.on }

// Index is the CPU number (0-based).
func (c *CPU) Index() int { return c.index }

// MPIDR is MPIDR_EL1 as QEMU's virt lays it out: bit 31 set, Aff0 = index%8,
// Aff1 = index/8.
func (c *CPU) MPIDR() uint64 { return 1<<31 | affinity(c.index) }

func affinity(i int) uint64 { return uint64(i/8)<<8 | uint64(i%8) }

// Executed returns the number of instructions this CPU has executed.
func (c *CPU) Executed() uint64 { return c.executed }
