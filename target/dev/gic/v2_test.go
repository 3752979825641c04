package gic

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// v2rig is a GICv2 brought up the way Linux 6.1's irq-gic does it.
type v2rig struct {
	g       *GICv2
	d, c    mmio
	changed []int
}

func newV2(t *testing.T, cpus int) *v2rig {
	t.Helper()
	r := &v2rig{}
	g, err := NewGICv2(Config{CPUs: cpus, Changed: func(cpu int) { r.changed = append(r.changed, cpu) }})
	require.NoError(t, err)
	r.g, r.d, r.c = g, mmio{t, g.Distributor()}, mmio{t, g.CPUInterface()}
	return r
}

// linuxInit follows gic_dist_init and gic_cpu_init: everything Group 0,
// priority 0xa0, SPIs level-triggered and routed to CPU 0, SGIs enabled,
// PMR 0xf0, both enables on.
func (r *v2rig) linuxInit(t *testing.T) {
	d, c := r.d, r.c
	d.w32(0, GICDCTLR, 0)
	n := int(d.r32(0, GICDTYPER)&0x1f+1) * 32
	mask := d.r32(0, offITARGETSR) // gic_get_cpumask: this CPU's bit
	require.Equal(t, uint32(0x01010101), mask)
	for id := NumPrivate; id < n; id += 4 {
		d.w32(0, offITARGETSR+uint64(id), mask)
	}
	for id := NumPrivate; id < n; id += 16 {
		d.w32(0, offICFGR+uint64(id/4), 0)
	}
	for id := NumPrivate; id < n; id += 4 {
		d.w32(0, offIPRIORITYR+uint64(id), 0xa0a0a0a0)
	}
	for id := NumPrivate; id < n; id += 32 {
		d.w32(0, offICACTIVER+uint64(id/8), ^uint32(0))
		d.w32(0, offICENABLER+uint64(id/8), ^uint32(0))
	}
	d.w32(0, GICDCTLR, 1)
	for cpu := 0; cpu < r.g.ncpu; cpu++ {
		d.w32(cpu, offICACTIVER, ^uint32(0))
		d.w32(cpu, offICENABLER, 0xffff0000)
		d.w32(cpu, offISENABLER, 0x0000ffff)
		for id := 0; id < NumPrivate; id += 4 {
			d.w32(cpu, offIPRIORITYR+uint64(id), 0xa0a0a0a0)
		}
		for i := uint64(0); i < 4; i++ {
			c.w32(cpu, GICCAPR0+4*i, 0)
		}
		c.w32(cpu, GICCPMR, 0xf0)
		c.w32(cpu, GICCCTLR, c.r32(cpu, GICCCTLR)&0x1e0|1)
	}
}

func TestV2IdentificationAndBankedTargets(t *testing.T) {
	r := newV2(t, 4)
	assert.Equal(t, uint32(8|3<<5), r.d.r32(0, GICDTYPER), "288 INTIDs, 4 CPUs")
	assert.Equal(t, uint32(gicv2DistIIDR), r.d.r32(0, GICDIIDR))
	assert.Equal(t, uint32(0x0202143b), r.c.r32(2, GICCIIDR))
	assert.Equal(t, uint32(0x2b), r.d.r32(0, 0xfe8), "PIDR2: ArchRev 2")
	for cpu := 0; cpu < 4; cpu++ {
		for reg := uint64(0); reg < 8; reg++ {
			assert.Equal(t, uint32(0x01010101)<<cpu, r.d.r32(cpu, offITARGETSR+4*reg), "ITARGETSR%d on CPU %d", reg, cpu)
		}
	}
	r.d.w32(1, offITARGETSR, 0) // read-only
	assert.Equal(t, uint32(0x02020202), r.d.r32(1, offITARGETSR))
}

func TestV2LargestConfiguration(t *testing.T) {
	g, err := NewGICv2(Config{CPUs: 8, SPIs: MaxSPIs})
	require.NoError(t, err)
	d := mmio{t, g.Distributor()}
	assert.Equal(t, uint32(30|7<<5), d.r32(0, GICDTYPER), "992 INTIDs, 8 CPUs")
}

func TestV2NewRejects(t *testing.T) {
	for _, cfg := range []Config{{CPUs: 0}, {CPUs: 9}, {CPUs: 2, SPIs: 33}, {CPUs: 2, SPIs: 992}, {CPUs: 2, SPIs: -32}, {CPUs: 2, Affinity: []uint32{0}}} {
		_, err := NewGICv2(cfg)
		assert.Error(t, err, "%+v", cfg)
	}
}

func TestV2TimerPPILevelAckEOI(t *testing.T) {
	r := newV2(t, 2)
	r.linuxInit(t)
	r.d.setBit(1, offISENABLER, 27)
	gen := r.g.Generation(1)

	r.g.SetLevel(27, 1, true)
	assert.True(t, r.g.IRQ(1))
	assert.False(t, r.g.IRQ(0), "a PPI is CPU 1's alone")
	assert.False(t, r.g.FIQ(1))
	assert.Equal(t, gen+1, r.g.Generation(1))
	assert.Equal(t, []int{1}, r.changed)
	assert.Equal(t, uint32(27), r.c.r32(1, GICCHPPIR))

	assert.Equal(t, uint32(27), r.c.r32(1, GICCIAR))
	assert.False(t, r.g.IRQ(1), "active: not signalled again")
	assert.Equal(t, uint32(0xa0), r.c.r32(1, GICCRPR))
	assert.Equal(t, uint32(Spurious), r.c.r32(1, GICCIAR))
	off, mask := bit(offISACTIVER, 27)
	assert.Equal(t, mask, r.d.r32(1, off)&mask)

	r.c.w32(1, GICCEOIR, 27)
	assert.Equal(t, uint32(idle), r.c.r32(1, GICCRPR))
	assert.True(t, r.g.IRQ(1), "the line is still high: pending again")

	r.g.SetLevel(27, 1, false)
	r.assertQuiet(t, 1)
}

// assertQuiet checks that cpu has nothing to take: no IRQ, IAR reads 1023.
func (r *v2rig) assertQuiet(t *testing.T, cpu int) {
	t.Helper()
	assert.False(t, r.g.IRQ(cpu))
	assert.Equal(t, uint32(Spurious), r.c.r32(cpu, GICCIAR))
}

func TestV2SGIsCarryTheirSource(t *testing.T) {
	r := newV2(t, 3)
	r.linuxInit(t)
	// CPUs 0 and 2 both send SGI 2 to CPU 1 (TargetListFilter 0).
	r.d.w32(0, GICDSGIR, 1<<(16+1)|2)
	r.d.w32(2, GICDSGIR, 1<<(16+1)|2)
	assert.True(t, r.g.IRQ(1))
	assert.False(t, r.g.IRQ(0))
	assert.Equal(t, uint32(0x05), uint32(mustRead8(t, r.d, 1, gicdSPENDSGIR+2)), "SPENDSGIR2: sources 0 and 2")
	assert.Equal(t, uint32(2|0<<10), r.c.r32(1, GICCHPPIR))
	assert.Equal(t, uint32(2|0<<10), r.c.r32(1, GICCIAR))
	assert.False(t, r.g.IRQ(1), "still pending from CPU 2, but active")
	r.c.w32(1, GICCEOIR, 2|0<<10)
	assert.Equal(t, uint32(2|2<<10), r.c.r32(1, GICCIAR))
	r.c.w32(1, GICCEOIR, 2|2<<10)
	r.assertQuiet(t, 1)
}

func mustRead8(t *testing.T, m mmio, cpu int, off uint64) uint8 {
	t.Helper()
	v, ok := m.dev.Read(cpu, off, 1)
	require.True(t, ok)
	return uint8(v)
}

func TestV2SGIRTargetFilters(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sgir   uint32
		raised []bool // by CPU, sent from CPU 1
	}{
		{"list", 0<<24 | 0x05<<16 | 3, []bool{true, false, true, false}},
		{"list ignores absent CPUs", 0<<24 | 0xf0<<16 | 3, []bool{false, false, false, false}},
		{"all but self", 1<<24 | 3, []bool{true, false, true, true}},
		{"self", 2<<24 | 0xff<<16 | 3, []bool{false, true, false, false}},
		{"reserved filter is ignored (our choice)", 3<<24 | 0xff<<16 | 3, []bool{false, false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newV2(t, 4)
			r.linuxInit(t)
			r.d.w32(1, GICDSGIR, tc.sgir)
			for cpu, want := range tc.raised {
				assert.Equal(t, want, r.g.IRQ(cpu), "CPU %d", cpu)
				if want {
					assert.Equal(t, uint32(3|1<<10), r.c.r32(cpu, GICCIAR))
				}
			}
		})
	}
}

func TestV2NothingToAcknowledge(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(r *v2rig)
	}{
		{"disabled interrupt", func(r *v2rig) { r.d.setBit(0, offICENABLER, 40) }},
		{"priority not below PMR", func(r *v2rig) { r.c.w32(0, GICCPMR, 0xa0) }},
		{"distributor off", func(r *v2rig) { r.d.w32(0, GICDCTLR, 0) }},
		{"CPU interface off", func(r *v2rig) { r.c.w32(0, GICCCTLR, 0) }},
		{"routed elsewhere", func(r *v2rig) { r.d.w8(0, offITARGETSR+40, 2) }},
		{"group 1 not enabled", func(r *v2rig) { r.d.setBit(0, offIGROUPR, 40) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newV2(t, 2)
			r.linuxInit(t)
			r.d.setBit(0, offISENABLER, 40)
			tc.setup(r)
			r.g.SetLevel(40, 0, true)
			r.assertQuiet(t, 0)
		})
	}
}

func TestV2PreemptionByPriority(t *testing.T) {
	r := newV2(t, 1)
	r.linuxInit(t)
	for _, id := range []int{40, 41, 42} {
		r.d.setBit(0, offISENABLER, id)
	}
	r.d.w8(0, offIPRIORITYR+41, 0x80)
	r.g.SetLevel(40, 0, true)
	require.Equal(t, uint32(40), r.c.r32(0, GICCIAR))
	r.g.SetLevel(42, 0, true) // same priority: waits
	assert.False(t, r.g.IRQ(0))
	r.g.SetLevel(41, 0, true) // higher priority: preempts
	assert.True(t, r.g.IRQ(0))
	require.Equal(t, uint32(41), r.c.r32(0, GICCIAR))
	assert.Equal(t, uint32(0x80), r.c.r32(0, GICCRPR))
	assert.Equal(t, uint32(1<<(0x80>>3)|1<<(0xa0>>3)), r.c.r32(0, GICCAPR0))
	r.g.SetLevel(41, 0, false)
	r.c.w32(0, GICCEOIR, 41)
	assert.Equal(t, uint32(0xa0), r.c.r32(0, GICCRPR))
	assert.False(t, r.g.IRQ(0), "42 still waits behind 40")
	r.g.SetLevel(40, 0, false)
	r.c.w32(0, GICCEOIR, 40)
	assert.Equal(t, uint32(42), r.c.r32(0, GICCIAR))
}

func TestV2BinaryPointGroupsPriorities(t *testing.T) {
	r := newV2(t, 1)
	r.linuxInit(t)
	r.c.w32(0, GICCBPR, 0)
	assert.Equal(t, uint32(minBPR0), r.c.r32(0, GICCBPR), "raised to the minimum for 5 bits")
	r.c.w32(0, GICCBPR, 5) // group priority = bits 7:6
	for _, id := range []int{40, 41} {
		r.d.setBit(0, offISENABLER, id)
	}
	r.d.w8(0, offIPRIORITYR+41, 0x88) // same group priority (0x80) as 0xa0
	r.g.SetLevel(40, 0, true)
	require.Equal(t, uint32(40), r.c.r32(0, GICCIAR))
	assert.Equal(t, uint32(0x80), r.c.r32(0, GICCRPR))
	r.g.SetLevel(41, 0, true)
	assert.False(t, r.g.IRQ(0), "0x88 does not preempt group priority 0x80")
}

func TestV2EdgeAndLevelPending(t *testing.T) {
	r := newV2(t, 1)
	r.linuxInit(t)
	r.d.w32(0, offICFGR+40/16*4, 2<<(2*(40%16))) // SPI 40 edge-triggered
	for _, id := range []int{40, 41} {
		r.d.setBit(0, offISENABLER, id)
	}
	pending := func(id int) bool {
		o, m := bit(offISPENDR, id)
		return r.d.r32(0, o)&m != 0
	}
	r.g.SetLevel(40, 0, true)
	r.g.SetLevel(40, 0, false)
	assert.True(t, pending(40), "an edge latches")
	r.g.SetLevel(41, 0, true)
	r.d.setBit(0, offICPENDR, 41)
	assert.True(t, pending(41), "ICPENDR cannot clear a high level line")
	r.d.setBit(0, offICPENDR, 40)
	assert.False(t, pending(40))
	r.d.setBit(0, offISPENDR, 40)
	assert.True(t, pending(40), "ISPENDR latches")
	assert.Equal(t, uint32(40), r.c.r32(0, GICCIAR))
	assert.False(t, pending(40), "acknowledge clears an edge")
}

func TestV2ConfigReadBack(t *testing.T) {
	r := newV2(t, 1)
	// gic_configure_irq: read, set Int_config[1], write, read back and compare.
	for _, id := range []int{27, 33, 287} {
		reg := offICFGR + uint64(id/16)*4
		v := r.d.r32(0, reg) | 2<<(2*(id%16))
		r.d.w32(0, reg, v)
		assert.Equal(t, v, r.d.r32(0, reg), "INTID %d", id)
	}
	assert.Equal(t, uint32(0xaaaaaaaa), r.d.r32(0, offICFGR), "SGIs are edge, read-only")
	r.d.w32(0, offICFGR, 0)
	assert.Equal(t, uint32(0xaaaaaaaa), r.d.r32(0, offICFGR))
}

func TestV2ActiveRegisters(t *testing.T) {
	r := newV2(t, 2)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 50)
	r.d.setBit(0, offISACTIVER, 50)
	r.g.SetLevel(50, 0, true)
	assert.False(t, r.g.IRQ(0), "active interrupts are not signalled")
	r.d.setBit(0, offICACTIVER, 50)
	assert.True(t, r.g.IRQ(0))
}

func TestV2SPITargets(t *testing.T) {
	r := newV2(t, 2)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 33)
	r.d.w8(0, offITARGETSR+33, 0xff)
	assert.Equal(t, uint8(3), mustRead8(t, r.d, 0, offITARGETSR+33), "absent CPUs' bits read 0")
	r.g.SetLevel(33, 0, true)
	assert.True(t, r.g.IRQ(0))
	assert.True(t, r.g.IRQ(1))
	assert.Equal(t, uint32(33), r.c.r32(1, GICCIAR), "1-of-N: the first to acknowledge takes it")
	r.assertQuiet(t, 0)
}

func TestV2SplitEOI(t *testing.T) {
	r := newV2(t, 1)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 27)
	r.c.w32(0, GICCCTLR, 1|gicvCtlrEOImodeG0)
	r.g.SetLevel(27, 0, true)
	require.Equal(t, uint32(27), r.c.r32(0, GICCIAR))
	r.c.w32(0, GICCEOIR, 27)
	assert.Equal(t, uint32(idle), r.c.r32(0, GICCRPR), "priority dropped")
	assert.False(t, r.g.IRQ(0), "still active")
	r.c.w32(0, GICCDIR, 27)
	assert.True(t, r.g.IRQ(0), "deactivated; the line is high")

	// We choose: GICC_DIR is ignored when EOImode is 0.
	r.c.w32(0, GICCCTLR, 1)
	require.Equal(t, uint32(27), r.c.r32(0, GICCIAR))
	r.c.w32(0, GICCDIR, 27)
	assert.False(t, r.g.IRQ(0))
	assert.Equal(t, uint32(0xa0), r.c.r32(0, GICCRPR))
}

func TestV2Group0AsFIQ(t *testing.T) {
	r := newV2(t, 1)
	r.linuxInit(t)
	r.d.w32(0, GICDCTLR, 3)
	r.c.w32(0, GICCCTLR, gicvCtlrEnableGrp0|gicvCtlrEnableGrp1|gicvCtlrFIQEn)
	r.d.setBit(0, offISENABLER, 40)
	r.g.SetLevel(40, 0, true)
	assert.True(t, r.g.FIQ(0))
	assert.False(t, r.g.IRQ(0))
	r.d.setBit(0, offIGROUPR, 40)
	assert.True(t, r.g.IRQ(0), "Group 1 is always IRQ")
	assert.False(t, r.g.FIQ(0))
	assert.Equal(t, uint32(40), r.c.r32(0, GICCIAR), "IAR takes Group 1 too (our AckCtl choice)")
}

func TestV2SGIPendingRegisters(t *testing.T) {
	r := newV2(t, 2)
	r.linuxInit(t)
	r.d.setBit(0, offISPENDR, 3)
	assert.False(t, r.g.IRQ(0), "we choose: ISPENDR's SGI bits are WI on the GICv2")
	r.d.w8(0, gicdSPENDSGIR+3, 0x02)
	assert.True(t, r.g.IRQ(0))
	o, m := bit(offISPENDR, 3)
	assert.Equal(t, m, r.d.r32(0, o)&m)
	r.d.w8(0, gicdCPENDSGIR+3, 0x02)
	assert.False(t, r.g.IRQ(0))
}

func TestV2AccessRules(t *testing.T) {
	r := newV2(t, 1)
	r.linuxInit(t)
	r.d.w8(0, offIPRIORITYR+45, 0xff)
	assert.Equal(t, uint8(0xf8), mustRead8(t, r.d, 0, offIPRIORITYR+45), "5 priority bits")
	assert.Equal(t, uint32(0xa0a0f8a0), r.d.r32(0, offIPRIORITYR+44))
	v, ok := r.d.dev.Read(0, GICDCTLR, 2)
	assert.True(t, ok)
	assert.Zero(t, v, "we choose: sub-word access to a word register is RAZ")
	assert.True(t, r.d.dev.Write(0, GICDCTLR, 1, 0))
	assert.Equal(t, uint32(1), r.d.r32(0, GICDCTLR), "… and WI")
	_, ok = r.d.dev.Read(0, GICDCTLR+2, 4)
	assert.False(t, ok, "misaligned")
	_, ok = r.d.dev.Read(0, GICDCTLR, 3)
	assert.False(t, ok)
	assert.Equal(t, uint64(8)<<32|1, r.d.r64(0, GICDCTLR), "8 bytes: CTLR then TYPER")
	assert.Zero(t, r.d.r32(0, 0x0e00), "reserved: RAZ")
}

func TestV2HotPathsAllocateNothing(t *testing.T) {
	r := newV2(t, 2)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 27)
	dist, cpu := r.g.Distributor(), r.g.CPUInterface()
	r.g.changed = nil
	allocs := testing.AllocsPerRun(100, func() {
		r.g.SetLevel(27, 0, true)
		id, _ := cpu.Read(0, GICCIAR, 4)
		cpu.Write(0, GICCEOIR, 4, id)
		r.g.SetLevel(27, 0, false)
		dist.Write(0, GICDSGIR, 4, 1<<16|1)
		id, _ = cpu.Read(0, GICCIAR, 4)
		cpu.Write(0, GICCEOIR, 4, id)
		_ = r.g.IRQ(0)
	})
	assert.Zero(t, allocs)
}

func TestV2ResetKeepsHandedOutDevices(t *testing.T) {
	r := newV2(t, 2)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 27)
	r.g.SetLevel(27, 0, true)
	require.True(t, r.g.IRQ(0))
	gen := r.g.Generation(0)
	r.changed = nil
	r.g.Reset()
	assert.False(t, r.g.IRQ(0))
	assert.Equal(t, gen+1, r.g.Generation(0), "the lowered line counts as a change")
	assert.Equal(t, []int{0}, r.changed)
	assert.Zero(t, r.d.r32(0, GICDCTLR), "the old Distributor device sees the reset state")
	assert.Zero(t, r.c.r32(0, GICCPMR))
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 27)
	r.g.SetLevel(27, 0, true)
	assert.True(t, r.g.IRQ(0))
}

func TestV2UnpredictableEOIsAndAliases(t *testing.T) {
	r := newV2(t, 1)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 40)
	r.d.setBit(0, offISENABLER, 41)
	r.d.w8(0, offIPRIORITYR+41, 0x80)
	r.c.w32(0, GICCEOIR, 40) // we choose: nothing active, nothing dropped
	assert.Equal(t, uint32(idle), r.c.r32(0, GICCRPR))

	r.g.SetLevel(40, 0, true)
	require.Equal(t, uint32(40), r.c.r32(0, GICCIAR))
	r.d.setBit(0, offISACTIVER, 41)
	r.c.w32(0, GICCEOIR, 41) // we choose: drops 40's priority, deactivates 41 as named
	assert.Equal(t, uint32(idle), r.c.r32(0, GICCRPR))
	o, m := bit(offISACTIVER, 40)
	assert.Equal(t, m, r.d.r32(0, o)&m, "40 stays active")
	o, m = bit(offISACTIVER, 41)
	assert.Zero(t, r.d.r32(0, o)&m, "41 is deactivated")

	// We choose: the Non-secure aliases are RAZ/WI.
	for _, off := range []uint64{0x20, 0x24, 0x28} {
		r.c.w32(0, off, 40)
		assert.Zero(t, r.c.r32(0, off), "%#x", off)
	}
	o, m = bit(offISACTIVER, 40)
	assert.Equal(t, m, r.d.r32(0, o)&m, "AEOIR did nothing")
	for _, off := range []uint64{0xd4, 0xd8, 0xdc, 0xe4} {
		r.c.w32(0, off, ^uint32(0))
		assert.Zero(t, r.c.r32(0, off), "APR%#x RAZ/WI", off)
	}
}
