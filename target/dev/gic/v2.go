package gic

import (
	"math/bits"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/bus"
)

// GICv2 register offsets (distributor frame).
const (
	GICDCTLR      = 0x000
	GICDTYPER     = 0x004
	GICDIIDR      = 0x008
	GICDSGIR      = 0xf00
	gicdCPENDSGIR = 0xf10
	gicdSPENDSGIR = 0xf20
	gicdSGIEnd    = 0xf30
)

// GICv2 CPU interface offsets.
const (
	GICCCTLR   = 0x000
	GICCPMR    = 0x004
	GICCBPR    = 0x008
	GICCIAR    = 0x00c
	GICCEOIR   = 0x010
	GICCRPR    = 0x014
	GICCHPPIR  = 0x018
	GICCABPR   = 0x01c
	GICCAPR0   = 0x0d0
	GICCNSAPR0 = 0x0e0
	GICCIIDR   = 0x0fc
	GICCDIR    = 0x1000
)

// GICC_CTLR bits we act on (the layout of a GIC without Security Extensions).
const (
	gicvCtlrEnableGrp0 = 1 << 0
	gicvCtlrEnableGrp1 = 1 << 1
	gicvCtlrFIQEn      = 1 << 3
	gicvCtlrCBPR       = 1 << 4
	gicvCtlrEOImodeG0  = 1 << 9
	gicvCtlrEOImodeG1  = 1 << 10
	gicvCtlrMask       = 0x7ff
)

// Identification values of a GIC-400 (QEMU 7.2's virt shows the same
// GICC_IIDR; Linux's gic_check_gicv2 recognises it and then clears the
// active-priority registers).
const (
	gicv2DistIIDR = 0x0200143b
	gicv2CPUIIDR  = 0x0202143b
)

var gicv2IDs = [12]uint8{0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1}

// Sizes of the GICv2 frames on QEMU virt (GICC_DIR is at 0x1000).
const (
	GICv2DistSize = 0x10000
	GICv2CPUSize  = 0x10000
)

// GICv2 is a GICv2 without Security Extensions (as QEMU virt's default):
// a distributor and one CPU interface per CPU, both memory-mapped.
//
// We choose: interrupt groups are implemented (GICD_IGROUPR is storage;
// Group 0 is signalled as FIQ only with GICC_CTLR.FIQEn); GICC_IAR
// acknowledges either group whatever GICC_CTLR.AckCtl says; the aliased
// Non-secure registers (GICC_AIAR, AEOIR, AHPPIR) are RAZ/WI.
type GICv2 struct {
	*core
	cfg     Config
	cpuCtlr []uint32
}

// NewGICv2 builds a GICv2 for up to 8 CPUs; cfg.Affinity is not used.
func NewGICv2(cfg Config) (*GICv2, error) {
	c, err := newCore(cfg, 8)
	if err != nil {
		return nil, err
	}
	c.sgiSrc = make([][NumSGIs]uint8, c.ncpu) // ITARGETSR resets to no CPU
	return &GICv2{core: c, cfg: cfg, cpuCtlr: make([]uint32, c.ncpu)}, nil
}

// Reset returns every register to its reset value (devices already handed
// out by Distributor and CPUInterface stay valid). Input line levels are
// forgotten too: drive them again after a reset.
func (g *GICv2) Reset() {
	fresh, _ := NewGICv2(g.cfg) // cannot fail: cfg was accepted before
	fresh.succeed(g.core)
	*g = *fresh
}

// Distributor is the GICD frame (map GICv2DistSize bytes, at 0x08000000 on virt).
func (g *GICv2) Distributor() bus.Device { return device{v2Dist{g: g}} }

// CPUInterface is the GICC frame, banked by the accessing CPU (map
// GICv2CPUSize bytes, at 0x08010000 on virt).
func (g *GICv2) CPUInterface() bus.Device { return device{v2CPU{g: g}} }

func (g *GICv2) allCPUs() uint64 { return 1<<g.ncpu - 1 }

type v2Dist struct {
	g *GICv2
	no64
}

func (d v2Dist) words() wordRange { return wordRange{0, d.g.words} }

func (d v2Dist) read32(cpu int, off uint64) uint32 {
	g := d.g
	switch off {
	case GICDTYPER:
		return uint32(g.words-1) | uint32(g.ncpu-1)<<5
	case GICDIIDR:
		return gicv2DistIIDR
	}
	if v, ok := g.distRead(d, cpu, off, d.words()); ok {
		return v
	}
	v, _ := idRegisters(&gicv2IDs, off)
	return v
}

func (d v2Dist) write32(cpu int, off uint64, v uint32) {
	if off == GICDSGIR {
		d.sendSGI(cpu, v)
		return
	}
	d.g.distWrite(d, cpu, off, v, d.words(), false)
}

// sendSGI is a GICD_SGIR write: SGI v[3:0] to the CPUs the filter v[25:24]
// picks (0: the list v[23:16], 1: all but the writer, 2: the writer; we
// choose to ignore the reserved 3), remembering the writer as the source.
func (d v2Dist) sendSGI(cpu int, v uint32) {
	g := d.g
	var targets uint64
	switch v >> 24 & 3 {
	case 0:
		targets = uint64(v>>16&0xff) & g.allCPUs()
	case 1:
		targets = g.allCPUs() &^ (1 << cpu)
	case 2:
		targets = 1 << cpu
	}
	for ; targets != 0; targets &= targets - 1 {
		g.raiseSGI(bits.TrailingZeros64(targets), int(v&0xf), cpu)
	}
}

func (d v2Dist) readByte(cpu int, off uint64) (uint8, bool) {
	g := d.g
	switch {
	case off >= offIPRIORITYR && off < offITARGETSR:
		return g.priorityByte(cpu, int(off-offIPRIORITYR), d.words()), true
	case off >= offITARGETSR && off < offICFGR:
		id := int(off - offITARGETSR)
		switch {
		case id < NumPrivate:
			return 1 << cpu, true // the reading CPU's own bit: Linux finds its CPU mask here
		case id < g.numIRQs():
			return uint8(g.targets[id-NumPrivate]), true
		}
		return 0, true
	case off >= gicdCPENDSGIR && off < gicdSGIEnd:
		return g.sgiSrc[cpu][(off-gicdCPENDSGIR)%NumSGIs], true
	}
	return 0, false
}

func (d v2Dist) writeByte(cpu int, off uint64, v uint8) bool {
	g := d.g
	switch {
	case off >= offIPRIORITYR && off < offITARGETSR:
		g.setPriorityByte(cpu, int(off-offIPRIORITYR), v, d.words())
	case off >= offITARGETSR && off < offICFGR:
		if id := int(off - offITARGETSR); id >= NumPrivate && id < g.numIRQs() {
			g.targets[id-NumPrivate] = uint64(v) & g.allCPUs()
			g.evaluateAll()
		}
	case off >= gicdCPENDSGIR && off < gicdSPENDSGIR:
		d.setSGISources(cpu, int(off-gicdCPENDSGIR), g.sgiSrc[cpu][off-gicdCPENDSGIR]&^v)
	case off >= gicdSPENDSGIR && off < gicdSGIEnd:
		d.setSGISources(cpu, int(off-gicdSPENDSGIR), g.sgiSrc[cpu][off-gicdSPENDSGIR]|v&uint8(g.allCPUs()))
	default:
		return false
	}
	return true
}

func (d v2Dist) setSGISources(cpu, sgi int, sources uint8) {
	g := d.g
	g.sgiSrc[cpu][sgi] = sources
	if sources != 0 {
		g.priv[cpu].latch |= 1 << sgi
	} else {
		g.priv[cpu].latch &^= 1 << sgi
	}
	g.evaluate(cpu)
}

type v2CPU struct {
	g *GICv2
	no64
}

func (c v2CPU) read32(cpu int, off uint64) uint32 {
	g := c.g
	i := &g.cpus[cpu]
	switch off {
	case GICCCTLR:
		return g.cpuCtlr[cpu]
	case GICCPMR:
		return uint32(i.pmr)
	case GICCBPR:
		return uint32(i.bpr[0])
	case GICCIAR:
		return g.acknowledge(cpu, 3)
	case GICCRPR:
		return uint32(i.running())
	case GICCHPPIR:
		return g.highestPending(cpu, 3)
	case GICCABPR:
		return uint32(i.bpr[1])
	case GICCAPR0:
		return i.apr[0]
	case GICCNSAPR0:
		return i.apr[1]
	case GICCIIDR:
		return gicv2CPUIIDR
	}
	return 0
}

func (c v2CPU) write32(cpu int, off uint64, v uint32) {
	g := c.g
	switch off {
	case GICCCTLR:
		c.setCtlr(cpu, v)
	case GICCPMR:
		g.setPMR(cpu, uint64(v))
	case GICCBPR:
		g.setBPR(cpu, 0, uint64(v))
	case GICCEOIR:
		g.endOfInterrupt(cpu, v&0x3ff, 3)
	case GICCABPR:
		g.setBPR(cpu, 1, uint64(v))
	case GICCAPR0:
		g.setAPR(cpu, 0, uint64(v))
	case GICCNSAPR0:
		g.setAPR(cpu, 1, uint64(v))
	case GICCDIR:
		g.deactivate(cpu, v&0x3ff)
	}
}

func (c v2CPU) setCtlr(cpu int, v uint32) {
	g := c.g
	v &= gicvCtlrMask
	g.cpuCtlr[cpu] = v
	i := &g.cpus[cpu]
	i.groupEnable = [2]bool{v&gicvCtlrEnableGrp0 != 0, v&gicvCtlrEnableGrp1 != 0}
	i.group0FIQ = v&gicvCtlrFIQEn != 0
	i.cbpr = v&gicvCtlrCBPR != 0
	i.eoiMode = [2]bool{v&gicvCtlrEOImodeG0 != 0, v&gicvCtlrEOImodeG1 != 0}
	g.evaluate(cpu)
}

func (v2CPU) readByte(int, uint64) (uint8, bool) { return 0, false }
func (v2CPU) writeByte(int, uint64, uint8) bool  { return false }

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
