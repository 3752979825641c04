package gic

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Linux 6.12's priorities with pseudo-NMIs and GICD_CTLR.DS = 1.
const (
	prioUnmasked = 0xe0 // PMR: IRQs and NMIs pass
	prioIRQ      = 0xc0 // ordinary interrupts; as PMR, masks them
	prioNMI      = 0x80
)

type v3rig struct {
	g *GICv3
	d mmio // distributor
	r mmio // redistributor region
}

func newV3(t testing.TB, cpus int) *v3rig {
	t.Helper()
	g, err := NewGICv3(Config{CPUs: cpus})
	require.NoError(t, err)
	return &v3rig{g: g, d: mmio{t, g.Distributor()}, r: mmio{t, g.Redistributors()}}
}

func rdBase(cpu int) uint64  { return uint64(cpu) * GICRStride }
func sgiBase(cpu int) uint64 { return rdBase(cpu) + GICRFrameSize }

func (r *v3rig) sys(t testing.TB, cpu int, reg SysReg) uint64 {
	t.Helper()
	v, ok := r.g.ReadSysReg(cpu, reg)
	require.True(t, ok, "MRS %v", reg)
	return v
}

func (r *v3rig) msr(t testing.TB, cpu int, reg SysReg, v uint64) {
	t.Helper()
	require.True(t, r.g.WriteSysReg(cpu, reg, v), "MSR %v", reg)
}

// linuxInit follows irq-gic-v3's gic_dist_init, gic_cpu_init and
// gic_cpu_sys_reg_init: all Group 1, priority prioIRQ, SPIs to CPU 0.
func (r *v3rig) linuxInit(t testing.TB) {
	d := r.d
	d.w32(0, GICDCTLR, 0)
	require.Zero(t, d.r32(0, GICDCTLR)&(1<<31), "RWP")
	n := int(d.r32(0, GICDTYPER)&0x1f+1) * 32
	for id := NumPrivate; id < n; id += 32 {
		d.w32(0, offIGROUPR+uint64(id/8), ^uint32(0))
		d.w32(0, offICACTIVER+uint64(id/8), ^uint32(0))
		d.w32(0, offICENABLER+uint64(id/8), ^uint32(0))
	}
	for id := NumPrivate; id < n; id += 4 {
		d.w32(0, offIPRIORITYR+uint64(id), prioIRQ*0x01010101)
	}
	d.w32(0, GICDCTLR, gicdCtlrARE|2|1)
	for id := NumPrivate; id < n; id++ {
		d.w64(0, GICDIROUTER+8*uint64(id), 0)
	}
	for cpu := 0; cpu < r.g.ncpu; cpu++ {
		r.r.w32(cpu, rdBase(cpu)+GICRWAKER, r.r.r32(cpu, rdBase(cpu)+GICRWAKER)&^wakerSleep)
		require.Zero(t, r.r.r32(cpu, rdBase(cpu)+GICRWAKER)&wakerAsleep, "ChildrenAsleep clears")
		s := sgiBase(cpu)
		r.r.w32(cpu, s+offIGROUPR, ^uint32(0))
		r.r.w32(cpu, s+offICACTIVER, ^uint32(0))
		r.r.w32(cpu, s+offICENABLER, 0xffff0000)
		r.r.w32(cpu, s+offISENABLER, 0x0000ffff)
		for id := 0; id < NumPrivate; id += 4 {
			r.r.w32(cpu, s+offIPRIORITYR+uint64(id), prioIRQ*0x01010101)
		}
		sre := r.sys(t, cpu, ICCSRE)
		r.msr(t, cpu, ICCSRE, sre|1)
		require.Equal(t, uint64(1), r.sys(t, cpu, ICCSRE)&1)
		r.msr(t, cpu, ICCPMR, prioUnmasked)
		r.msr(t, cpu, ICCBPR1, 0)
		r.msr(t, cpu, ICCCTLR, 0) // EOImode 0: entered at EL1, Linux has no split EOI
		r.msr(t, cpu, ICCAP0R0, 0)
		r.msr(t, cpu, ICCAP1R0, 0)
		r.msr(t, cpu, ICCIGRPEN1, 1)
	}
}

func TestV3RedistributorDiscovery(t *testing.T) {
	r := newV3(t, 10)
	assert.Equal(t, uint64(10*GICRStride), r.g.RedistributorsSize())
	assert.Equal(t, uint32(3), r.d.r32(0, GICDPIDR2)>>4&0xf, "GICD_PIDR2.ArchRev")
	// gic_populate_rdist: walk the frames, read GICR_TYPER, stop at Last.
	var found []int
	for off := uint64(0); ; off += GICRStride {
		require.Equal(t, uint32(3), r.r.r32(0, off+GICDPIDR2)>>4&0xf, "GICR_PIDR2.ArchRev")
		typer := r.r.r64(0, off+GICRTYPER)
		cpu := int(typer >> 8 & 0xffff)
		found = append(found, cpu)
		aff := uint32(typer >> 32)
		assert.Equal(t, uint32(cpu/8)<<8|uint32(cpu%8), aff, "affinity of CPU %d", cpu)
		assert.Equal(t, uint32(typer), r.r.r32(0, off+GICRTYPER), "low half")
		assert.Equal(t, aff, r.r.r32(0, off+GICRTYPER+4), "high half")
		if typer&gicrTyperLast != 0 {
			break
		}
		require.Less(t, len(found), 10)
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, found)
	_, ok := r.g.Redistributors().Read(0, r.g.RedistributorsSize()-4, 8)
	assert.False(t, ok, "misaligned")
}

func TestV3DistributorIdentification(t *testing.T) {
	r := newV3(t, 2)
	ctlr := r.d.r32(0, GICDCTLR)
	assert.Equal(t, uint32(gicdCtlrARE|gicdCtlrDS), ctlr, "ARE and DS read 1, RWP 0")
	r.d.w32(0, GICDCTLR, 0)
	assert.Equal(t, uint32(gicdCtlrARE|gicdCtlrDS), r.d.r32(0, GICDCTLR), "ARE, DS RAO/WI")
	typer := r.d.r32(0, GICDTYPER)
	assert.Equal(t, uint32(8), typer&0x1f, "ITLinesNumber: 288 INTIDs")
	assert.Equal(t, uint32(15), typer>>19&0x1f, "16 INTID bits")
	assert.Zero(t, typer&(1<<17|1<<16|1<<10|1<<24|1<<26), "no LPIs, MBIs, security, A3V, RSS")
	assert.NotZero(t, typer&gicdTyperNo1)
	assert.Equal(t, uint32(gicv3IIDR), r.d.r32(0, GICDIIDR))
	assert.Zero(t, r.d.r32(0, GICDTYPER2))
}

func TestV3WakerHandshake(t *testing.T) {
	r := newV3(t, 2)
	w := rdBase(1) + GICRWAKER
	assert.Equal(t, uint32(wakerSleep|wakerAsleep), r.r.r32(0, w), "asleep at reset")
	r.linuxInit(t)
	r.r.w32(1, w, wakerSleep)
	assert.Equal(t, uint32(wakerSleep|wakerAsleep), r.r.r32(1, w), "ChildrenAsleep follows at once")
	r.r.setBit(1, sgiBase(1)+offISPENDR, 5)
	assert.False(t, r.g.IRQ(1), "a sleeping redistributor forwards nothing")
	r.r.w32(1, w, 0)
	assert.True(t, r.g.IRQ(1))
}

func TestV3AffinityRouting(t *testing.T) {
	r := newV3(t, 10)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 40)
	for _, tc := range []struct {
		name    string
		irouter uint64
		cpu     int // -1: none
	}{
		{"CPU 0 at reset routing", 0, 0},
		{"Aff0 = 3", 3, 3},
		{"Aff1 = 1, Aff0 = 1", 1<<8 | 1, 9},
		{"no such CPU", 1<<8 | 5, -1},
		{"IRM is RAZ/WI (no 1-of-N): Aff0 = 2", 1<<31 | 2, 2},
		{"Aff3 is RAZ/WI", 1<<32 | 4, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := uint64(GICDIROUTER + 8*40)
			r.d.w64(0, reg, tc.irouter)
			r.g.SetLevel(40, 0, true)
			for cpu := 0; cpu < 10; cpu++ {
				assert.Equal(t, cpu == tc.cpu, r.g.IRQ(cpu), "CPU %d", cpu)
			}
			r.g.SetLevel(40, 0, false)
			assert.Equal(t, tc.irouter&0xffffff, r.d.r64(0, reg))
			assert.Equal(t, uint32(tc.irouter&0xffffff), r.d.r32(0, reg))
			assert.Zero(t, r.d.r32(0, reg+4))
		})
	}
	r.d.w32(0, GICDIROUTER+8*40+4, 0)
	r.d.w32(0, GICDIROUTER+8*40, 1<<8)
	assert.Equal(t, uint64(1<<8), r.d.r64(0, GICDIROUTER+8*40), "32-bit halves")
	assert.Zero(t, r.d.r64(0, GICDIROUTER+8*31), "no IROUTER for private INTIDs")
}

func TestV3DistributorHidesPrivateINTIDs(t *testing.T) {
	r := newV3(t, 2)
	r.linuxInit(t)
	r.d.w32(0, offISENABLER, ^uint32(0))
	assert.Zero(t, r.d.r32(0, offISENABLER), "GICD_ISENABLER0 is RAZ/WI with ARE")
	assert.Equal(t, uint32(0xffff), r.r.r32(0, sgiBase(0)+offISENABLER), "the redistributor's")
	r.d.w8(0, offIPRIORITYR+3, 0x10)
	assert.Equal(t, uint32(prioIRQ*0x01010101), r.r.r32(0, sgiBase(0)+offIPRIORITYR))
	assert.Zero(t, r.d.r32(0, offITARGETSR+40), "ITARGETSR RAZ with ARE")
	r.d.w32(0, GICDSGIR, 1<<16|1)
	assert.False(t, r.g.IRQ(0), "GICD_SGIR WI with ARE")
}

func TestV3SGI1RTargetLists(t *testing.T) {
	for _, tc := range []struct {
		name    string
		value   uint64
		targets []int
	}{
		{"Aff1 0, list {1, 2}", 0x6, []int{1, 2}},
		{"Aff1 1, list {0, 1}", 1<<16 | 0x3, []int{8, 9}},
		{"Aff1 1, absent Aff0 5", 1<<16 | 1<<5, nil},
		{"IRM: everyone but the sender", 1 << 40, []int{0, 1, 2, 4, 5, 6, 7, 8, 9}},
		{"RS 1 names Aff0 16-31: nobody here", 1<<44 | 0x3, nil},
		{"Aff2 1: nobody", 1<<32 | 0x3, nil},
		{"self included", 1 << 3, []int{3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newV3(t, 10)
			r.linuxInit(t)
			r.msr(t, 3, ICCSGI1R, tc.value|5<<24)
			want := map[int]bool{}
			for _, c := range tc.targets {
				want[c] = true
			}
			for cpu := 0; cpu < 10; cpu++ {
				require.Equal(t, want[cpu], r.g.IRQ(cpu), "CPU %d", cpu)
				if want[cpu] {
					assert.Equal(t, uint64(5), r.sys(t, cpu, ICCIAR1), "no source bits on the GICv3")
				}
			}
		})
	}
}

func TestV3SGIGroups(t *testing.T) {
	r := newV3(t, 2)
	r.linuxInit(t)
	r.msr(t, 0, ICCSGI0R, 1<<1|2<<24)
	assert.False(t, r.g.IRQ(1), "a Group 0 SGI is not taken by a Group 1 SGI")
	r.r.w32(1, sgiBase(1)+offIGROUPR, ^uint32(0)&^(1<<2))
	r.msr(t, 0, ICCSGI1R, 1<<1|2<<24)
	assert.False(t, r.g.IRQ(1), "… nor the other way round")
	r.msr(t, 0, ICCASGI1R, 1<<1|3<<24)
	assert.True(t, r.g.IRQ(1), "we choose: ASGI1R acts as SGI1R")
}

func TestV3EOImode1DropThenDeactivate(t *testing.T) {
	r := newV3(t, 2)
	r.linuxInit(t)
	r.msr(t, 1, ICCCTLR, iccCtlrEOImode) // as Linux when it has EL2
	r.r.setBit(1, sgiBase(1)+offISENABLER, 27)
	r.g.SetLevel(27, 1, true)
	require.True(t, r.g.IRQ(1))
	assert.Equal(t, uint64(27), r.sys(t, 1, ICCHPPIR1))
	assert.Equal(t, uint64(27), r.sys(t, 1, ICCIAR1))
	assert.Equal(t, uint64(prioIRQ), r.sys(t, 1, ICCRPR))
	assert.Equal(t, uint64(1<<(prioIRQ>>3)), r.sys(t, 1, ICCAP1R0))
	r.msr(t, 1, ICCEOIR1, 27)
	assert.Equal(t, uint64(idle), r.sys(t, 1, ICCRPR), "priority dropped")
	assert.Zero(t, r.sys(t, 1, ICCAP1R0))
	assert.False(t, r.g.IRQ(1), "still active until DIR")
	o, m := bit(offISACTIVER, 27)
	assert.Equal(t, m, r.r.r32(1, sgiBase(1)+o)&m)
	r.msr(t, 1, ICCDIR, 27)
	assert.Zero(t, r.r.r32(1, sgiBase(1)+o)&m)
	assert.True(t, r.g.IRQ(1), "the line is still high")
}

func TestV3EOImode0AndDIRIgnored(t *testing.T) {
	r := newV3(t, 1)
	r.linuxInit(t) // EOImode 0
	r.r.setBit(0, sgiBase(0)+offISPENDR, 9)
	require.Equal(t, uint64(9), r.sys(t, 0, ICCIAR1))
	r.msr(t, 0, ICCDIR, 9) // we choose: ignored with EOImode 0
	o, m := bit(offISACTIVER, 9)
	assert.Equal(t, m, r.r.r32(0, sgiBase(0)+o)&m)
	r.msr(t, 0, ICCEOIR1, 9)
	assert.Zero(t, r.r.r32(0, sgiBase(0)+o)&m, "EOIR drops and deactivates")
	r.msr(t, 0, ICCEOIR1, Spurious) // special IDs are ignored
}

func TestV3PMRMasking(t *testing.T) {
	r := newV3(t, 1)
	r.linuxInit(t)
	r.d.setBit(0, offISENABLER, 33)
	r.msr(t, 0, ICCPMR, prioIRQ) // local_irq_disable with pseudo-NMIs
	r.g.SetLevel(33, 0, true)
	assert.False(t, r.g.IRQ(0), "priority 0xc0 is not below PMR 0xc0")
	assert.Equal(t, uint64(Spurious), r.sys(t, 0, ICCIAR1))
	assert.Equal(t, uint64(33), r.sys(t, 0, ICCHPPIR1), "HPPIR ignores PMR")
	gen := r.g.Generation(0)
	r.msr(t, 0, ICCPMR, prioUnmasked) // local_irq_enable
	assert.True(t, r.g.IRQ(0))
	assert.Equal(t, gen+1, r.g.Generation(0))
	r.msr(t, 0, ICCPMR, prioIRQ|0x10) // GICV3_PRIO_PSR_I_SET survives: 5 bits keep bit 4
	assert.Equal(t, uint64(0xd0), r.sys(t, 0, ICCPMR))
	assert.True(t, r.g.IRQ(0), "0xc0 < 0xd0")
}

func TestV3NMIPrioritySGITakenWhileIRQsMasked(t *testing.T) {
	r := newV3(t, 2)
	r.linuxInit(t)
	const ipiBacktrace = 6 // an NMI-priority SGI, as Linux's backtrace IPI
	r.r.w8(1, sgiBase(1)+offIPRIORITYR+ipiBacktrace, prioNMI)
	// CPU 1 masks ordinary interrupts by PMR and has one pending.
	r.msr(t, 1, ICCPMR, prioIRQ)
	r.r.setBit(1, sgiBase(1)+offISENABLER, 27)
	r.g.SetLevel(27, 1, true)
	require.False(t, r.g.IRQ(1))
	// CPU 0 sends the NMI to CPU 1.
	r.msr(t, 0, ICCSGI1R, 1<<1|ipiBacktrace<<24)
	assert.True(t, r.g.IRQ(1), "the NMI passes PMR")
	assert.Equal(t, uint64(ipiBacktrace), r.sys(t, 1, ICCIAR1))
	assert.Equal(t, uint64(prioNMI), r.sys(t, 1, ICCRPR), "gic_rpr_is_nmi_prio")
	r.msr(t, 1, ICCEOIR1, ipiBacktrace) // drop and deactivate (EOImode 0)
	assert.False(t, r.g.IRQ(1), "the timer still waits behind PMR")
	r.msr(t, 1, ICCPMR, prioUnmasked)
	assert.Equal(t, uint64(27), r.sys(t, 1, ICCIAR1))
}

// CPU 1 handles an ordinary IPI (EOImode 0: its priority stays active until
// the handler's EOIR) when the NMI comes: it must preempt.
func TestV3NMIPreemptsAnActiveIRQ(t *testing.T) {
	r := newV3(t, 2)
	r.linuxInit(t)
	r.r.w8(1, sgiBase(1)+offIPRIORITYR+6, prioNMI)
	r.r.setBit(1, sgiBase(1)+offISENABLER, 27)
	r.g.SetLevel(27, 1, true)
	require.Equal(t, uint64(27), r.sys(t, 1, ICCIAR1))
	r.msr(t, 1, ICCSGI1R, 1<<1|1<<24) // an ordinary IPI: same priority, waits
	assert.False(t, r.g.IRQ(1))
	r.msr(t, 0, ICCSGI1R, 1<<1|6<<24)
	assert.True(t, r.g.IRQ(1), "higher group priority preempts")
	assert.Equal(t, uint64(6), r.sys(t, 1, ICCIAR1))
	assert.Equal(t, uint64(1<<(prioNMI>>3)|1<<(prioIRQ>>3)), r.sys(t, 1, ICCAP1R0))
	r.msr(t, 1, ICCEOIR1, 6)
	assert.Equal(t, uint64(prioIRQ), r.sys(t, 1, ICCRPR), "back to the interrupted one")
}

func TestV3BinaryPoints(t *testing.T) {
	r := newV3(t, 1)
	r.linuxInit(t)
	assert.Equal(t, uint64(minBPR1), r.sys(t, 0, ICCBPR1), "Linux's 0 is raised to the minimum")
	assert.Equal(t, uint64(minBPR0), r.sys(t, 0, ICCBPR0))
	r.msr(t, 0, ICCBPR1, 6) // group priority = bits 7:6
	r.r.w32(0, sgiBase(0)+offISENABLER, 0x7)
	r.r.w8(0, sgiBase(0)+offIPRIORITYR+0, 0x90)
	r.r.w8(0, sgiBase(0)+offIPRIORITYR+1, 0x88)
	r.r.w8(0, sgiBase(0)+offIPRIORITYR+2, 0x40)
	r.r.setBit(0, sgiBase(0)+offISPENDR, 0)
	require.Equal(t, uint64(0), r.sys(t, 0, ICCIAR1))
	assert.Equal(t, uint64(0x80), r.sys(t, 0, ICCRPR), "the running priority is the group priority")
	r.r.setBit(0, sgiBase(0)+offISPENDR, 1)
	assert.False(t, r.g.IRQ(0), "0x88 is in the same group priority 0x80: no preemption")
	r.r.setBit(0, sgiBase(0)+offISPENDR, 2)
	assert.True(t, r.g.IRQ(0), "0x40 preempts")
	assert.Equal(t, uint64(2), r.sys(t, 0, ICCIAR1))
}

func TestV3ControlAndIdentityRegisters(t *testing.T) {
	r := newV3(t, 1)
	ctlr := r.sys(t, 0, ICCCTLR)
	assert.Equal(t, uint64(4), ctlr>>8&7, "PRIbits: 5 bits")
	assert.Zero(t, ctlr>>11&7, "IDbits: 16")
	assert.Zero(t, ctlr&(1<<6|1<<15|1<<18), "no PMHE, A3V, RSS")
	r.msr(t, 0, ICCCTLR, ^uint64(0))
	assert.Equal(t, uint64(iccCtlrPRIbits|iccCtlrCBPR|iccCtlrEOImode), r.sys(t, 0, ICCCTLR), "only CBPR and EOImode are writable")
	assert.Equal(t, uint64(iccSREValue), r.sys(t, 0, ICCSRE))

	// gic_has_group0: PMR keeps 1 << (8 - pribits).
	r.msr(t, 0, ICCPMR, 1<<(8-5))
	assert.Equal(t, uint64(0x08), r.sys(t, 0, ICCPMR))

	for _, reg := range []SysReg{ICCEOIR0, ICCEOIR1, ICCDIR, ICCSGI0R, ICCSGI1R, ICCASGI1R} {
		_, ok := r.g.ReadSysReg(0, reg)
		assert.False(t, ok, "%v is write-only", reg)
	}
	for _, reg := range []SysReg{ICCIAR0, ICCIAR1, ICCHPPIR0, ICCHPPIR1, ICCRPR} {
		assert.False(t, r.g.WriteSysReg(0, reg, 0), "%v is read-only", reg)
	}
	assert.Equal(t, "ICC_SGI1R_EL1", ICCSGI1R.String())
	assert.Equal(t, "ICC_SRE_EL1", ICCSRE.String())
	assert.Equal(t, "ICC_?", NumSysRegs.String())
}

func TestV3CBPR(t *testing.T) {
	r := newV3(t, 1)
	r.msr(t, 0, ICCBPR0, 4)
	r.msr(t, 0, ICCCTLR, iccCtlrCBPR)
	assert.Equal(t, uint64(5), r.sys(t, 0, ICCBPR1), "BPR1 reads BPR0 + 1")
	r.msr(t, 0, ICCBPR1, 7)
	r.msr(t, 0, ICCCTLR, 0)
	assert.Equal(t, uint64(minBPR1), r.sys(t, 0, ICCBPR1), "the write was ignored")
}

func TestV3Group0IsFIQ(t *testing.T) {
	r := newV3(t, 1)
	r.linuxInit(t)
	r.r.w32(0, sgiBase(0)+offIGROUPR, ^uint32(1<<4))
	r.r.setBit(0, sgiBase(0)+offISPENDR, 4)
	assert.False(t, r.g.FIQ(0), "Group 0 not enabled")
	r.msr(t, 0, ICCIGRPEN0, 1)
	assert.True(t, r.g.FIQ(0))
	assert.False(t, r.g.IRQ(0))
	assert.Equal(t, uint64(Spurious), r.sys(t, 0, ICCIAR1), "IAR1 does not take Group 0")
	assert.Equal(t, uint64(Spurious), r.sys(t, 0, ICCHPPIR1))
	assert.Equal(t, uint64(4), r.sys(t, 0, ICCHPPIR0))
	assert.Equal(t, uint64(4), r.sys(t, 0, ICCIAR0))
	assert.Equal(t, uint64(1<<(prioIRQ>>3)), r.sys(t, 0, ICCAP0R0))
	r.msr(t, 0, ICCEOIR0, 4)
	assert.Zero(t, r.sys(t, 0, ICCAP0R0))
	assert.False(t, r.g.FIQ(0))
}

func TestV3RedistributorConfig(t *testing.T) {
	r := newV3(t, 1)
	s := sgiBase(0)
	assert.Equal(t, uint32(0xaaaaaaaa), r.r.r32(0, s+offICFGR), "ICFGR0: SGIs edge, read-only")
	r.r.w32(0, s+offICFGR, 0)
	assert.Equal(t, uint32(0xaaaaaaaa), r.r.r32(0, s+offICFGR))
	r.r.w32(0, s+offICFGR+4, 0x2<<(2*(27-16)))
	assert.Equal(t, uint32(0x2<<(2*(27-16))), r.r.r32(0, s+offICFGR+4))
	assert.Zero(t, r.r.r32(0, s+0xd00), "IGRPMODR0 RAZ")
	assert.Zero(t, r.r.r32(0, rdBase(0)+GICRCTLR), "no LPIs, RWP 0")
	assert.Equal(t, uint32(gicv3IIDR), r.r.r32(0, rdBase(0)+GICRIIDR))
	r.r.w64(0, rdBase(0)+GICRTYPER, 0)
	assert.Equal(t, uint64(gicrTyperLast), r.r.r64(0, rdBase(0)+GICRTYPER), "read-only")
}

func TestV3NewRejects(t *testing.T) {
	for _, cfg := range []Config{{CPUs: 0}, {CPUs: 65}, {CPUs: 1, Affinity: []uint32{1 << 24}}} {
		_, err := NewGICv3(cfg)
		assert.Error(t, err, "%+v", cfg)
	}
}

func TestV3HotPathsAllocateNothing(t *testing.T) {
	r := newV3(t, 2)
	r.linuxInit(t)
	r.r.setBit(0, sgiBase(0)+offISENABLER, 27)
	allocs := testing.AllocsPerRun(100, func() {
		r.g.WriteSysReg(0, ICCPMR, prioIRQ)
		r.g.SetLevel(27, 0, true)
		r.g.WriteSysReg(0, ICCPMR, prioUnmasked)
		id, _ := r.g.ReadSysReg(0, ICCIAR1)
		r.g.WriteSysReg(0, ICCEOIR1, id)
		r.g.WriteSysReg(0, ICCDIR, id)
		r.g.SetLevel(27, 0, false)
		r.g.WriteSysReg(0, ICCSGI1R, 1<<1|1<<24)
	})
	assert.Zero(t, allocs)
}

func TestV3Reset(t *testing.T) {
	r := newV3(t, 2)
	r.linuxInit(t)
	r.g.Reset()
	assert.Equal(t, uint32(wakerSleep|wakerAsleep), r.r.r32(0, rdBase(1)+GICRWAKER))
	assert.Zero(t, r.sys(t, 0, ICCPMR))
	assert.Equal(t, uint32(gicdCtlrARE|gicdCtlrDS), r.d.r32(0, GICDCTLR))
}

func TestV3UnusedActivePriorityRegistersAndSRE(t *testing.T) {
	r := newV3(t, 1)
	for _, reg := range []SysReg{ICCAP0R1, ICCAP0R2, ICCAP0R3, ICCAP1R1, ICCAP1R2, ICCAP1R3} {
		r.msr(t, 0, reg, ^uint64(0))
		assert.Zero(t, r.sys(t, 0, reg), "%v RAZ/WI with 5 priority bits", reg)
	}
	r.msr(t, 0, ICCSRE, 0)
	assert.Equal(t, uint64(iccSREValue), r.sys(t, 0, ICCSRE), "SRE cannot be turned off")
	_, ok := r.g.ReadSysReg(0, NumSysRegs)
	assert.False(t, ok)
	assert.False(t, r.g.WriteSysReg(0, NumSysRegs, 0))
}
