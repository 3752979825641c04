package gic

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/bus"
)

// GICv3 distributor offsets beyond the common layout.
const (
	GICDTYPER2   = 0x000c
	GICDIROUTER  = 0x6000 // + 8*INTID, for SPIs
	gicdIDBase   = 0xffd0
	gicdCtlrARE  = 1 << 4
	gicdCtlrDS   = 1 << 6
	gicv3IIDR    = 0x43b    // implementer Arm, as QEMU's
	gicdTyperIDb = 15 << 19 // 16 INTID bits
	gicdTyperNo1 = 1 << 25  // No1N: no 1-of-N SPI routing
)

// Redistributor layout: per CPU an RD_base frame and an SGI_base frame.
const (
	GICRFrameSize = 0x10000
	GICRStride    = 2 * GICRFrameSize
	GICRCTLR      = 0x0000
	GICRIIDR      = 0x0004
	GICRTYPER     = 0x0008
	GICRWAKER     = 0x0014
	gicrTyperLast = 1 << 4
	wakerSleep    = 1 << 1 // ProcessorSleep
	wakerAsleep   = 1 << 2 // ChildrenAsleep
	GICDPIDR2     = 0xffe8 // also GICR_PIDR2 in RD_base
)

// ID registers (PIDR4-7, PIDR0-3, CIDR0-3) as QEMU's GICv3 shows them;
// PIDR2.ArchRev (bits 7:4) = 3 is what Linux checks.
var (
	gicv3DistIDs   = [12]uint8{0x44, 0x00, 0x00, 0x00, 0x92, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1}
	gicv3RedistIDs = [12]uint8{0x44, 0x00, 0x00, 0x00, 0x93, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1}
)

// GICv3DistSize is the distributor frame's size on QEMU virt (0x08000000).
const GICv3DistSize = 0x10000

// GICv3 is a GICv3 with a single Security state (GICD_CTLR.DS = 1, as QEMU's
// virt without secure=on), its CPU interfaces as system registers.
//
// We choose: affinity routing always on (GICD_CTLR.ARE RAO/WI, no legacy
// mode), so the distributor's registers for INTIDs 0-31, GICD_ITARGETSR and
// GICD_SGIR are RAZ/WI; no LPIs or ITS; no 1-of-N routing (GICD_TYPER.No1N =
// 1, IROUTER.IRM RAZ/WI); Aff3 unsupported (A3V = 0); writes take effect at
// once, so RWP always reads 0; GICR_WAKER.ChildrenAsleep follows
// ProcessorSleep at once, and a sleeping redistributor forwards nothing.
type GICv3 struct {
	*core
	cfg     Config
	irouter []uint64 // [id-32], as written (Aff2.Aff1.Aff0)
}

// NewGICv3 builds a GICv3 for up to 64 CPUs; every redistributor starts asleep.
func NewGICv3(cfg Config) (*GICv3, error) {
	c, err := newCore(cfg, 64)
	if err != nil {
		return nil, err
	}
	for cpu, a := range c.affinity {
		if a>>24 != 0 {
			return nil, fmt.Errorf("gic: CPU %d affinity %#x uses Aff3, which this GICv3 does not support", cpu, a)
		}
		c.cpus[cpu].asleep = true
		c.cpus[cpu].group0FIQ = true
	}
	g := &GICv3{core: c, cfg: cfg, irouter: make([]uint64, len(c.targets))}
	for id := range g.irouter {
		g.route(id)
	}
	return g, nil
}

// Reset returns every register to its reset value, as GICv2.Reset.
func (g *GICv3) Reset() {
	fresh, _ := NewGICv3(g.cfg)
	fresh.succeed(g.core)
	*g = *fresh
}

// Distributor is the GICD frame (map GICv3DistSize bytes).
func (g *GICv3) Distributor() bus.Device { return device{v3Dist{g: g}} }

// Redistributors is the redistributor region: CPU n's RD_base frame at
// n*GICRStride, its SGI_base frame GICRFrameSize later (map RedistributorsSize
// bytes, at 0x080a0000 on virt).
func (g *GICv3) Redistributors() bus.Device { return device{v3Redist{g: g}} }

// RedistributorsSize is the size of the redistributor region.
func (g *GICv3) RedistributorsSize() uint64 { return uint64(g.ncpu) * GICRStride }

// route recomputes the CPU that SPI 32+id goes to: the one whose affinity
// IROUTER names, or none.
func (g *GICv3) route(id int) {
	g.targets[id] = 0
	for cpu, a := range g.affinity {
		if uint64(a) == g.irouter[id] {
			g.targets[id] = 1 << cpu
		}
	}
}

type v3Dist struct {
	g *GICv3
}

func (d v3Dist) spis() wordRange { return wordRange{1, d.g.words} }

// irouterIndex maps an offset inside GICD_IROUTER<n> to n-32.
func (d v3Dist) irouterIndex(off uint64) (int, bool) {
	id := int((off - GICDIROUTER) / 8)
	if off < GICDIROUTER || id < NumPrivate || id >= d.g.numIRQs() {
		return 0, false
	}
	return id - NumPrivate, true
}

func (d v3Dist) read32(cpu int, off uint64) uint32 {
	g := d.g
	switch off {
	case GICDCTLR:
		v, _ := g.distRead(d, cpu, off, d.spis())
		return v | gicdCtlrARE | gicdCtlrDS
	case GICDTYPER:
		return uint32(g.words-1) | uint32(min(g.ncpu, 8)-1)<<5 | gicdTyperIDb | gicdTyperNo1
	case GICDIIDR:
		return gicv3IIDR
	}
	if v, ok := g.distRead(d, cpu, off, d.spis()); ok {
		return v
	}
	if n, ok := d.irouterIndex(off); ok {
		return uint32(g.irouter[n] >> (8 * (off & 4)))
	}
	v, _ := idRegisters(&gicv3DistIDs, off-(gicdIDBase-0xfd0))
	return v
}

func (d v3Dist) write32(cpu int, off uint64, v uint32) {
	g := d.g
	if g.distWrite(d, cpu, off, v, d.spis(), true) {
		return
	}
	if n, ok := d.irouterIndex(off); ok {
		shift := 8 * (off & 4)
		d.setIRouter(n, g.irouter[n]&^(0xffffffff<<shift)|uint64(v)<<shift)
	}
}

func (d v3Dist) setIRouter(n int, v uint64) {
	d.g.irouter[n] = v & 0xffffff // Aff2.Aff1.Aff0; IRM and Aff3 RAZ/WI
	d.g.route(n)
	d.g.evaluateAll()
}

func (d v3Dist) read64(_ int, off uint64) (uint64, bool) {
	if n, ok := d.irouterIndex(off); ok {
		return d.g.irouter[n], true
	}
	return 0, false
}

func (d v3Dist) write64(_ int, off uint64, v uint64) bool {
	n, ok := d.irouterIndex(off)
	if ok {
		d.setIRouter(n, v)
	}
	return ok
}

func (d v3Dist) readByte(cpu int, off uint64) (uint8, bool) {
	switch {
	case off >= offIPRIORITYR && off < offITARGETSR:
		return d.g.priorityByte(cpu, int(off-offIPRIORITYR), d.spis()), true
	case off >= offITARGETSR && off < offICFGR:
		return 0, true // RAZ/WI with affinity routing
	}
	return 0, false
}

func (d v3Dist) writeByte(cpu int, off uint64, v uint8) bool {
	switch {
	case off >= offIPRIORITYR && off < offITARGETSR:
		d.g.setPriorityByte(cpu, int(off-offIPRIORITYR), v, d.spis())
	case off >= offITARGETSR && off < offICFGR:
	default:
		return false
	}
	return true
}

// v3Redist is the redistributor region; registers are banked by frame, not
// by the accessing CPU.
type v3Redist struct {
	g *GICv3
}

// privateWords: the SGI_base frame shows INTIDs 0-31 only.
var privateWords = wordRange{0, 1}

// locate splits a region offset into the frame's CPU, whether it is the
// SGI_base frame, and the offset inside the frame.
func (r v3Redist) locate(off uint64) (cpu int, sgi bool, frameOff uint64, ok bool) {
	cpu = int(off / GICRStride)
	frameOff = off % GICRStride
	sgi = frameOff >= GICRFrameSize
	if sgi {
		frameOff -= GICRFrameSize
	}
	return cpu, sgi, frameOff, cpu < r.g.ncpu
}

func (r v3Redist) typer(cpu int) uint64 {
	v := uint64(r.g.affinity[cpu])<<32 | uint64(cpu)<<8
	if cpu == r.g.ncpu-1 {
		v |= gicrTyperLast
	}
	return v
}

func (r v3Redist) read32(_ int, off uint64) uint32 {
	cpu, sgi, fo, ok := r.locate(off)
	if !ok {
		return 0
	}
	g := r.g
	if sgi {
		if v, ok := g.commonRead(cpu, fo, privateWords); ok {
			return v
		}
		return bytesRead32(r, 0, off) // IPRIORITYR0-7; 0 elsewhere
	}
	switch fo {
	case GICRIIDR:
		return gicv3IIDR
	case GICRTYPER, GICRTYPER + 4:
		return uint32(r.typer(cpu) >> (8 * (fo & 4)))
	case GICRWAKER:
		if g.cpus[cpu].asleep {
			return wakerSleep | wakerAsleep
		}
		return 0
	}
	v, _ := idRegisters(&gicv3RedistIDs, fo-(gicdIDBase-0xfd0))
	return v // GICR_CTLR (no LPIs, RWP 0), PROPBASER/PENDBASER (no LPIs), reserved: 0
}

func (r v3Redist) write32(_ int, off uint64, v uint32) {
	cpu, sgi, fo, ok := r.locate(off)
	if !ok {
		return
	}
	g := r.g
	if sgi {
		if !g.commonWrite(cpu, fo, v, privateWords, true) {
			bytesWrite32(r, 0, off, v)
		}
		return
	}
	if fo == GICRWAKER {
		g.cpus[cpu].asleep = v&wakerSleep != 0
		g.evaluate(cpu)
	}
}

func (r v3Redist) read64(_ int, off uint64) (uint64, bool) {
	cpu, sgi, fo, ok := r.locate(off)
	if !ok || sgi || fo != GICRTYPER {
		return 0, false
	}
	return r.typer(cpu), true
}

func (r v3Redist) write64(_ int, off uint64, _ uint64) bool {
	_, sgi, fo, _ := r.locate(off)
	return !sgi && fo == GICRTYPER // read-only: ignored
}

func (r v3Redist) readByte(_ int, off uint64) (uint8, bool) {
	cpu, sgi, fo, ok := r.locate(off)
	if !ok || !sgi || fo < offIPRIORITYR || fo >= offIPRIORITYR+NumPrivate {
		return 0, false
	}
	return r.g.priorityByte(cpu, int(fo-offIPRIORITYR), privateWords), true
}

func (r v3Redist) writeByte(_ int, off uint64, v uint8) bool {
	cpu, sgi, fo, ok := r.locate(off)
	if !ok || !sgi || fo < offIPRIORITYR || fo >= offIPRIORITYR+NumPrivate {
		return false
	}
	r.g.setPriorityByte(cpu, int(fo-offIPRIORITYR), v, privateWords)
	return true
}

// sendSGI is an ICC_SGI0R/SGI1R/ASGI1R write from cpu: SGI v[27:24] of
// group to the CPUs named by IRM (v[40]: all but the writer) or by
// Aff3.Aff2.Aff1 (v[55:48], v[39:32], v[23:16]) with Aff0 = RS*16 + n for
// each bit n of the target list v[15:0]. A target whose SGI is configured in
// the other group does not take it.
func (g *GICv3) sendSGI(cpu int, v uint64, group int) {
	id := int(v >> 24 & 0xf)
	all := v>>40&1 != 0
	want := uint32(v>>48&0xff)<<24 | uint32(v>>32&0xff)<<16 | uint32(v>>16&0xff)<<8
	rs := uint32(v >> 44 & 0xf)
	list := uint32(v & 0xffff)
	for t, a := range g.affinity {
		switch {
		case all && t == cpu:
			continue
		case !all && (a&^0xff != want || a&0xf0 != rs<<4 || list>>(a&0xf)&1 == 0):
			continue
		}
		if g.groupOf(t, id) == group {
			g.raiseSGI(t, id, -1)
		}
	}
}

// ICC_CTLR_EL1 fields.
const (
	iccCtlrCBPR    = 1 << 0
	iccCtlrEOImode = 1 << 1
	iccCtlrPRIbits = 4 << 8 // 5 priority bits
	iccSREValue    = 0x7    // SRE, DFB, DIB: RAO/WI
)

// ReadSysReg is an MRS of an ICC register by cpu; ok = false for the
// write-only ones (EOIR, DIR, SGI), which the CPU treats as UNDEFINED.
func (g *GICv3) ReadSysReg(cpu int, r SysReg) (uint64, bool) {
	i := &g.cpus[cpu]
	switch r {
	case ICCSRE:
		return iccSREValue, true
	case ICCCTLR:
		v := uint64(iccCtlrPRIbits)
		if i.cbpr {
			v |= iccCtlrCBPR
		}
		if i.eoiMode[1] {
			v |= iccCtlrEOImode
		}
		return v, true
	case ICCPMR:
		return uint64(i.pmr), true
	case ICCIGRPEN0, ICCIGRPEN1:
		return uint64(b2u(i.groupEnable[r-ICCIGRPEN0])), true
	case ICCBPR0:
		return uint64(i.bpr[0]), true
	case ICCBPR1:
		if i.cbpr {
			return uint64(min(i.bpr[0]+1, 7)), true
		}
		return uint64(i.bpr[1]), true
	case ICCIAR0, ICCIAR1:
		return uint64(g.acknowledge(cpu, 1<<(r-ICCIAR0))), true
	case ICCHPPIR0, ICCHPPIR1:
		return uint64(g.highestPending(cpu, 1<<(r-ICCHPPIR0))), true
	case ICCRPR:
		return uint64(i.running()), true
	case ICCAP0R0:
		return uint64(i.apr[0]), true
	case ICCAP1R0:
		return uint64(i.apr[1]), true
	case ICCAP0R1, ICCAP0R2, ICCAP0R3, ICCAP1R1, ICCAP1R2, ICCAP1R3:
		return 0, true // 5 priority bits need only the first register
	}
	return 0, false
}

// WriteSysReg is an MSR to an ICC register by cpu; ok = false for the
// read-only ones (IAR, HPPIR, RPR).
func (g *GICv3) WriteSysReg(cpu int, r SysReg, v uint64) bool {
	i := &g.cpus[cpu]
	switch r {
	case ICCSRE, ICCAP0R1, ICCAP0R2, ICCAP0R3, ICCAP1R1, ICCAP1R2, ICCAP1R3:
	case ICCCTLR:
		// We choose PMHE, and everything else but CBPR and EOImode, RAZ/WI.
		i.cbpr = v&iccCtlrCBPR != 0
		i.eoiMode = [2]bool{v&iccCtlrEOImode != 0, v&iccCtlrEOImode != 0}
		g.signal(cpu)
	case ICCPMR:
		g.setPMR(cpu, v)
	case ICCIGRPEN0, ICCIGRPEN1:
		i.groupEnable[r-ICCIGRPEN0] = v&1 != 0
		g.evaluate(cpu)
	case ICCBPR0:
		g.setBPR(cpu, 0, v)
	case ICCBPR1:
		if !i.cbpr { // with CBPR, ICC_BPR1_EL1 writes are ignored
			g.setBPR(cpu, 1, v)
		}
	case ICCEOIR0, ICCEOIR1:
		g.endOfInterrupt(cpu, uint32(v&0xffffff), 1<<(r-ICCEOIR0))
	case ICCDIR:
		g.deactivate(cpu, uint32(v&0xffffff))
	case ICCAP0R0:
		g.setAPR(cpu, 0, v)
	case ICCAP1R0:
		g.setAPR(cpu, 1, v)
	case ICCSGI0R:
		g.sendSGI(cpu, v, 0)
	case ICCSGI1R, ICCASGI1R:
		// With one Security state there is one Group 1: we choose
		// ASGI1R to act as SGI1R.
		g.sendSGI(cpu, v, 1)
	default:
		return false
	}
	return true
}
