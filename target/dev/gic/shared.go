package gic

import (
	"fmt"
	"math/bits"
)

// Interrupt ID ranges and special IDs.
const (
	NumSGIs     = 16   // INTIDs 0-15: software generated, per CPU
	NumPrivate  = 32   // INTIDs 0-31: SGIs and PPIs, banked per CPU
	Spurious    = 1023 // IAR/HPPIR when nothing can be acknowledged
	maxINTIDs   = 1020 // 1020-1023 are special
	MaxSPIs     = 960  // the largest multiple of 32 that keeps SPIs below 1020
	DefaultSPIs = 256  // QEMU virt's GIC: 256 SPIs, INTIDs 32-287
)

// Priorities: we choose 5 implemented priority bits (32 levels), as QEMU's
// GICv3 does. Priority fields, PMR and the active-priority registers keep
// bits 7:3; ICC_CTLR_EL1.PRIbits reads 4 (bits minus one). With 5 bits the
// smallest binary point is 2 for Group 0 and 3 for Group 1, so every
// implemented bit takes part in preemption at reset.
const (
	prioMask = 0xf8
	minBPR0  = 2
	minBPR1  = 3
	idle     = 0xff // running priority with nothing active
)

// Config is what both GIC models are built from.
type Config struct {
	CPUs int // 1..8 for the GICv2, 1..64 for the GICv3
	SPIs int // a multiple of 32, up to MaxSPIs; 0 means DefaultSPIs
	// Affinity gives each CPU's affinity as Aff3<<24|Aff2<<16|Aff1<<8|Aff0
	// (GICv3 routing and SGIs). nil means QEMU virt's: Aff1 = cpu/8, Aff0 = cpu%8.
	Affinity []uint32
	// Changed is called, synchronously, whenever a CPU's IRQ or FIQ output
	// changes (nil: poll IRQ/FIQ or Generation). It must not call back into
	// the GIC's register interfaces.
	Changed func(cpu int)
}

// Controller is what the machine's CPU loop and devices use of either model.
type Controller interface {
	SetLevel(irq, cpu int, level bool)
	IRQ(cpu int) bool
	FIQ(cpu int) bool
	Generation(cpu int) uint64
	Reset()
}

var (
	_ Controller = (*GICv2)(nil)
	_ Controller = (*GICv3)(nil)
)

// irqBits is the state of 32 consecutive interrupts, one bit each.
type irqBits struct {
	group   uint32 // 1 = Group 1
	enabled uint32
	latch   uint32 // pending state set by an edge, a write or an SGI
	level   uint32 // the input line (level-sensitive interrupts are pending while it is high)
	edge    uint32 // 1 = edge-triggered (ICFGR Int_config[1])
	active  uint32
}

func (b *irqBits) pending() uint32 { return b.latch | b.level&^b.edge }

// cpuIface is one CPU interface and the cached result of its last evaluation.
type cpuIface struct {
	groupEnable [2]bool // GICC_CTLR.EnableGrp0/1, ICC_IGRPEN0/1_EL1
	eoiMode     [2]bool // EOIR only drops priority; DIR deactivates
	group0FIQ   bool    // Group 0 is signalled as FIQ (GICv2 FIQEn; always on the GICv3)
	cbpr        bool    // Group 1 preempts by the Group 0 binary point
	asleep      bool    // GICv3 GICR_WAKER.ProcessorSleep: nothing is forwarded
	pmr         uint8
	bpr         [2]uint8
	apr         [2]uint32 // active priorities by group: bit n = group priority n<<3

	hppi      int // highest-priority pending interrupt that may be signalled, or -1
	hppiPrio  uint8
	hppiGroup int
	irq, fiq  bool
	changes   uint64
}

// groupMask is the part of a priority that preempts, for interrupts of group.
func (i *cpuIface) groupMask(group int) uint8 {
	if group == 0 || i.cbpr {
		return uint8(0xff << (i.bpr[0] + 1))
	}
	return uint8(0xff << i.bpr[1])
}

// running is the running priority: the highest active group priority.
func (i *cpuIface) running() uint8 {
	apr := i.apr[0] | i.apr[1]
	if apr == 0 {
		return idle
	}
	return uint8(bits.TrailingZeros32(apr) << 3)
}

// canSignal: the cached HPPI passes the priority mask and preempts.
func (i *cpuIface) canSignal() bool {
	return i.hppi >= 0 && i.hppiPrio < i.pmr && i.hppiPrio&i.groupMask(i.hppiGroup) < i.running()
}

// core is the interrupt state shared by both GIC models: per-CPU banks for
// INTIDs 0-31, shared words for SPIs, and the CPU interfaces' priority logic.
type core struct {
	ncpu     int
	words    int       // 32-interrupt words: 0 is private, 1.. are SPIs
	priv     []irqBits // [cpu]
	spi      []irqBits // [word-1]
	prio     []uint8   // [cpu*32+id] for private INTIDs, then [ncpu*32+id-32] for SPIs
	targets  []uint64  // [id-32]: the CPUs an SPI is signalled to
	sgiSrc   [][NumSGIs]uint8
	distOn   [2]bool // distributor group enables
	cpus     []cpuIface
	affinity []uint32
	changed  func(int)
}

func newCore(cfg Config, maxCPUs int) (*core, error) {
	if cfg.CPUs < 1 || cfg.CPUs > maxCPUs {
		return nil, fmt.Errorf("gic: %d CPUs, want 1..%d", cfg.CPUs, maxCPUs)
	}
	spis := cfg.SPIs
	if spis == 0 {
		spis = DefaultSPIs
	}
	if spis < 0 || spis%32 != 0 || spis > MaxSPIs {
		return nil, fmt.Errorf("gic: %d SPIs, want a multiple of 32 up to %d", spis, MaxSPIs)
	}
	if cfg.Affinity != nil && len(cfg.Affinity) != cfg.CPUs {
		return nil, fmt.Errorf("gic: %d affinities for %d CPUs", len(cfg.Affinity), cfg.CPUs)
	}
	g := &core{
		ncpu:     cfg.CPUs,
		words:    1 + spis/32,
		priv:     make([]irqBits, cfg.CPUs),
		spi:      make([]irqBits, spis/32),
		prio:     make([]uint8, cfg.CPUs*NumPrivate+spis),
		targets:  make([]uint64, spis),
		cpus:     make([]cpuIface, cfg.CPUs),
		affinity: cfg.Affinity,
		changed:  cfg.Changed,
	}
	if g.affinity == nil {
		g.affinity = make([]uint32, cfg.CPUs)
		for c := range g.affinity {
			g.affinity[c] = uint32(c/8)<<8 | uint32(c%8)
		}
	}
	for c := range g.priv {
		g.priv[c].edge = 0xffff // SGIs are always edge-triggered
		g.cpus[c] = cpuIface{bpr: [2]uint8{minBPR0, minBPR1}, hppi: -1}
	}
	return g, nil
}

// succeed carries the output generations over from old, the core a reset
// replaces, and reports the outputs the reset lowered.
func (g *core) succeed(old *core) {
	for c := range g.cpus {
		g.cpus[c].changes = old.cpus[c].changes
		if old.cpus[c].irq || old.cpus[c].fiq {
			g.cpus[c].changes++
			if g.changed != nil {
				g.changed(c)
			}
		}
	}
}

// numIRQs is the number of INTIDs, 32 + SPIs.
func (g *core) numIRQs() int { return g.words * 32 }

// bitsOf is the word holding id as cpu sees it.
func (g *core) bitsOf(cpu, id int) *irqBits {
	if id < NumPrivate {
		return &g.priv[cpu]
	}
	return &g.spi[id/32-1]
}

func (g *core) prioIndex(cpu, id int) int {
	if id < NumPrivate {
		return cpu*NumPrivate + id
	}
	return g.ncpu*NumPrivate + id - NumPrivate
}

func (g *core) groupOf(cpu, id int) int { return int(g.bitsOf(cpu, id).group>>(id&31)) & 1 }

// evaluate recomputes cpu's highest-priority pending interrupt and its lines.
func (g *core) evaluate(cpu int) {
	i := &g.cpus[cpu]
	i.hppi = -1
	if !i.asleep {
		var groups [2]uint32 // interrupts whose group is enabled, by group bit value
		if g.distOn[0] && i.groupEnable[0] {
			groups[0] = ^uint32(0)
		}
		if g.distOn[1] && i.groupEnable[1] {
			groups[1] = ^uint32(0)
		}
		best := 0x100
		cpuBit := uint64(1) << cpu
		for w := 0; w < g.words; w++ {
			b := g.bitsOf(cpu, w*32)
			cand := b.pending() & b.enabled &^ b.active & (groups[0]&^b.group | groups[1]&b.group)
			for ; cand != 0; cand &= cand - 1 {
				id := w*32 + bits.TrailingZeros32(cand)
				if id >= NumPrivate && g.targets[id-NumPrivate]&cpuBit == 0 {
					continue
				}
				if p := int(g.prio[g.prioIndex(cpu, id)]); p < best {
					best, i.hppi = p, id
				}
			}
		}
		if i.hppi >= 0 {
			i.hppiPrio = uint8(best)
			i.hppiGroup = g.groupOf(cpu, i.hppi)
		}
	}
	g.signal(cpu)
}

// signal recomputes cpu's IRQ and FIQ outputs from the cached HPPI; enough
// after a change of PMR, binary point or active priorities alone.
func (g *core) signal(cpu int) {
	i := &g.cpus[cpu]
	irq, fiq := false, false
	if i.canSignal() {
		if i.hppiGroup == 0 && i.group0FIQ {
			fiq = true
		} else {
			irq = true
		}
	}
	if irq == i.irq && fiq == i.fiq {
		return
	}
	i.irq, i.fiq = irq, fiq
	i.changes++
	if g.changed != nil {
		g.changed(cpu)
	}
}

// evaluateFor re-evaluates the CPUs a change to id concerns.
func (g *core) evaluateFor(cpu, id int) {
	if id < NumPrivate {
		g.evaluate(cpu)
		return
	}
	g.evaluateAll()
}

func (g *core) evaluateAll() {
	for c := range g.cpus {
		g.evaluate(c)
	}
}

// SetLevel drives the input line of interrupt irq: a PPI of cpu (16-31) or
// an SPI (32 and up; cpu is then ignored). A level-sensitive interrupt is
// pending while its line is high; an edge-triggered one latches pending on a
// rising edge. SGIs have no line and out-of-range IDs are ignored. Calling it
// with an unchanged level costs two compares.
func (g *core) SetLevel(irq, cpu int, level bool) {
	if irq < NumSGIs || irq >= g.numIRQs() || cpu < 0 || cpu >= g.ncpu {
		return
	}
	b := g.bitsOf(cpu, irq)
	mask := uint32(1) << (irq & 31)
	if (b.level&mask != 0) == level {
		return
	}
	if level {
		b.level |= mask
		b.latch |= mask & b.edge
	} else {
		b.level &^= mask
	}
	g.evaluateFor(cpu, irq)
}

// IRQ is cpu's IRQ output.
func (g *core) IRQ(cpu int) bool { return g.cpus[cpu].irq }

// FIQ is cpu's FIQ output.
func (g *core) FIQ(cpu int) bool { return g.cpus[cpu].fiq }

// Generation counts the changes of cpu's IRQ and FIQ outputs, so a CPU loop
// can re-check them only when the count moved.
func (g *core) Generation(cpu int) uint64 { return g.cpus[cpu].changes }

// acknowledge is IAR for the groups in the groups mask (bit n = Group n):
// the signalled HPPI becomes active, its priority becomes the running
// priority. On the GICv2 an SGI's source CPU is in bits 12:10.
func (g *core) acknowledge(cpu int, groups uint) uint32 {
	i := &g.cpus[cpu]
	if !i.canSignal() || groups&(1<<i.hppiGroup) == 0 {
		return Spurious
	}
	id := i.hppi
	b := g.bitsOf(cpu, id)
	mask := uint32(1) << (id & 31)
	b.active |= mask
	result := uint32(id)
	if g.sgiSrc != nil && id < NumSGIs {
		// GICv2: each source CPU's SGI is pending on its own; take the
		// lowest-numbered source, the SGI stays pending for the others.
		src := &g.sgiSrc[cpu][id]
		s := bits.TrailingZeros8(*src)
		*src &^= 1 << s
		if *src == 0 {
			b.latch &^= mask
		}
		result |= uint32(s) << 10
	} else {
		b.latch &^= mask
	}
	i.apr[i.hppiGroup] |= 1 << ((i.hppiPrio & i.groupMask(i.hppiGroup)) >> 3)
	g.evaluateFor(cpu, id)
	return result
}

// highestPending is HPPIR for the groups mask: the HPPI whatever PMR and the
// running priority say, Spurious if none or of another group.
func (g *core) highestPending(cpu int, groups uint) uint32 {
	i := &g.cpus[cpu]
	if i.hppi < 0 || groups&(1<<i.hppiGroup) == 0 {
		return Spurious
	}
	if g.sgiSrc != nil && i.hppi < NumSGIs {
		return uint32(i.hppi) | uint32(bits.TrailingZeros8(g.sgiSrc[cpu][i.hppi]))<<10
	}
	return uint32(i.hppi)
}

// endOfInterrupt is EOIR: priority drop of the highest active priority among
// groups, then, unless EOImode says DIR does it, deactivation of intid.
// Special IDs 1020-1023 are ignored. We choose to ignore a drop with no
// active priority and to deactivate intid whether or not it was active (both
// UNPREDICTABLE in the architecture).
func (g *core) endOfInterrupt(cpu int, intid uint32, groups uint) {
	if intid >= maxINTIDs && intid <= Spurious {
		return
	}
	i := &g.cpus[cpu]
	var apr uint32
	for grp := range i.apr {
		if groups&(1<<grp) != 0 {
			apr |= i.apr[grp]
		}
	}
	if highest := apr & -apr; groups&1 != 0 && i.apr[0]&highest != 0 {
		i.apr[0] &^= highest
	} else {
		i.apr[1] &^= highest
	}
	id := int(intid)
	if id < g.numIRQs() && !i.eoiMode[g.groupOf(cpu, id)] {
		g.bitsOf(cpu, id).active &^= 1 << (id & 31)
	}
	g.evaluateFor(cpu, id)
}

// deactivate is DIR: deactivation alone. We choose to ignore it unless
// EOImode is 1 for the interrupt's group (UNPREDICTABLE otherwise), as QEMU.
func (g *core) deactivate(cpu int, intid uint32) {
	id := int(intid)
	if id >= g.numIRQs() || !g.cpus[cpu].eoiMode[g.groupOf(cpu, id)] {
		return
	}
	g.bitsOf(cpu, id).active &^= 1 << (id & 31)
	g.evaluateFor(cpu, id)
}

// raiseSGI makes SGI id pending on target from source (source < 0: no
// source tracking, the GICv3).
func (g *core) raiseSGI(target, id, source int) {
	if source >= 0 && g.sgiSrc != nil {
		g.sgiSrc[target][id] |= 1 << source
	}
	g.priv[target].latch |= 1 << id
	g.evaluate(target)
}

// setPMR writes the priority mask.
func (g *core) setPMR(cpu int, v uint64) {
	g.cpus[cpu].pmr = uint8(v) & prioMask
	g.signal(cpu)
}

// setBPR writes a binary point, raised to the group's minimum.
func (g *core) setBPR(cpu, group int, v uint64) {
	g.cpus[cpu].bpr[group] = max(uint8(v&7), minBPR0+uint8(group))
	g.signal(cpu)
}

// setAPR writes an active-priorities register (save/restore; Linux clears them).
func (g *core) setAPR(cpu, group int, v uint64) {
	g.cpus[cpu].apr[group] = uint32(v)
	g.signal(cpu)
}

// The common distributor register layout (GICD, and GICR's SGI frame): 32-bit
// registers with one bit per interrupt, priority bytes and 2-bit config
// fields, for the interrupt words [lo, hi) and the CPU that sees them.
const (
	offIGROUPR    = 0x080
	offISENABLER  = 0x100
	offICENABLER  = 0x180
	offISPENDR    = 0x200
	offICPENDR    = 0x280
	offISACTIVER  = 0x300
	offICACTIVER  = 0x380
	offIPRIORITYR = 0x400
	offITARGETSR  = 0x800
	offICFGR      = 0xc00
	offICFGREnd   = 0xd00
)

// wordRange is which interrupt words a register frame shows (others RAZ/WI).
type wordRange struct{ lo, hi int }

// bitRegister decodes off as one of the one-bit-per-interrupt registers.
func bitRegister(off uint64) (base uint64, word int, ok bool) {
	if off < offIGROUPR || off >= offIPRIORITYR {
		return 0, 0, false
	}
	base = off &^ 0x7f
	return base, int(off-base) / 4, true
}

// readBits reads a one-bit-per-interrupt register.
func (g *core) readBits(cpu int, base uint64, w int) uint32 {
	b := g.bitsOf(cpu, w*32)
	switch base {
	case offIGROUPR:
		return b.group
	case offISENABLER, offICENABLER:
		return b.enabled
	case offISPENDR, offICPENDR:
		return b.pending()
	default: // offISACTIVER, offICACTIVER
		return b.active
	}
}

// writeBits writes a one-bit-per-interrupt register; sgiPendWritable says
// whether the SGI bits of ISPENDR/ICPENDR are writable (GICv3) or not (GICv2).
func (g *core) writeBits(cpu int, base uint64, w int, v uint32, sgiPendWritable bool) {
	b := g.bitsOf(cpu, w*32)
	if w == 0 && !sgiPendWritable && (base == offISPENDR || base == offICPENDR) {
		v &^= 0xffff
	}
	switch base {
	case offIGROUPR:
		b.group = v
	case offISENABLER:
		b.enabled |= v
	case offICENABLER:
		b.enabled &^= v
	case offISPENDR:
		b.latch |= v
	case offICPENDR:
		b.latch &^= v
	case offISACTIVER:
		b.active |= v
	case offICACTIVER:
		b.active &^= v
	}
	g.evaluateFor(cpu, w*32)
}

// readConfig reads ICFGR register k (INTIDs 16k..16k+15): 0b10 per
// edge-triggered interrupt.
func (g *core) readConfig(cpu, k int) uint32 {
	edge := g.bitsOf(cpu, k*16).edge >> (16 * (k & 1)) & 0xffff
	var v uint32
	for ; edge != 0; edge &= edge - 1 {
		v |= 2 << (2 * bits.TrailingZeros32(edge))
	}
	return v
}

// writeConfig writes ICFGR register k. SGIs' (k = 0) is read-only; we choose
// PPIs' to be programmable, so Linux's read-back check passes for either type.
func (g *core) writeConfig(cpu, k int, v uint32) {
	if k == 0 {
		return
	}
	var edge uint32
	for f := 0; f < 16; f++ {
		if v>>(2*f+1)&1 != 0 {
			edge |= 1 << f
		}
	}
	b := g.bitsOf(cpu, k*16)
	shift := 16 * (k & 1)
	b.edge = b.edge&^(0xffff<<shift) | edge<<shift
	g.evaluateFor(cpu, k*16)
}

// commonRead reads a register of the common layout for the words in r;
// handled is false for offsets outside it (ITARGETSR is the caller's).
func (g *core) commonRead(cpu int, off uint64, r wordRange) (v uint32, handled bool) {
	if base, w, ok := bitRegister(off); ok {
		if w < r.lo || w >= r.hi {
			return 0, true
		}
		return g.readBits(cpu, base, w), true
	}
	if off >= offICFGR && off < offICFGREnd {
		k := int(off-offICFGR) / 4
		if k/2 < r.lo || k/2 >= r.hi {
			return 0, true
		}
		return g.readConfig(cpu, k), true
	}
	return 0, false
}

// commonWrite writes a register of the common layout; see commonRead.
func (g *core) commonWrite(cpu int, off uint64, v uint32, r wordRange, sgiPendWritable bool) bool {
	if base, w, ok := bitRegister(off); ok {
		if w >= r.lo && w < r.hi {
			g.writeBits(cpu, base, w, v, sgiPendWritable)
		}
		return true
	}
	if off >= offICFGR && off < offICFGREnd {
		if k := int(off-offICFGR) / 4; k/2 >= r.lo && k/2 < r.hi {
			g.writeConfig(cpu, k, v)
		}
		return true
	}
	return false
}

// priorityByte reads IPRIORITYR byte for INTID id, 0 outside r.
func (g *core) priorityByte(cpu, id int, r wordRange) uint8 {
	if id/32 < r.lo || id/32 >= r.hi {
		return 0
	}
	return g.prio[g.prioIndex(cpu, id)]
}

func (g *core) setPriorityByte(cpu, id int, v uint8, r wordRange) {
	if id/32 < r.lo || id/32 >= r.hi {
		return
	}
	g.prio[g.prioIndex(cpu, id)] = v & prioMask
	g.evaluateFor(cpu, id)
}
