package timer

// GIC interrupt IDs of the timers' PPIs on QEMU's virt machine (the device
// tree's "arm,armv8-timer" node lists PPIs 13, 14, 11, 10: secure physical,
// non-secure physical, virtual, hypervisor; PPI n is INTID 16+n).
const (
	PPIHyp        = 26 // CNTHP, EL2 physical
	PPIVirt       = 27 // CNTV, what Linux uses when entered at EL1
	PPISecurePhys = 29 // CNTPS
	PPIPhys       = 30 // CNTP, non-secure EL1 physical
)

// CNTx_CTL_EL0 bits.
const (
	CtlEnable  = 1 << 0
	CtlIMask   = 1 << 1
	CtlIStatus = 1 << 2 // read-only, computed
)

// Timer is one comparator (a CPU's CNTV or CNTP). Its zero value is the reset
// state we choose: disabled, CVAL 0 (the architecture leaves both UNKNOWN).
type Timer struct {
	ctl  uint64 // ENABLE and IMASK only
	cval uint64
}

// CTL is the value of CNTx_CTL_EL0 at count now: ISTATUS = ENABLE && now >= CVAL.
func (t *Timer) CTL(now uint64) uint64 {
	if t.firing(now) {
		return t.ctl | CtlIStatus
	}
	return t.ctl
}

// SetCTL writes CNTx_CTL_EL0; ISTATUS and the RES0 bits are ignored.
func (t *Timer) SetCTL(v uint64) { t.ctl = v & (CtlEnable | CtlIMask) }

// CVAL is CNTx_CVAL_EL0.
func (t *Timer) CVAL() uint64 { return t.cval }

// SetCVAL writes CNTx_CVAL_EL0.
func (t *Timer) SetCVAL(v uint64) { t.cval = v }

// TVAL is CNTx_TVAL_EL0 at count now: (CVAL - now) truncated to 32 bits, a
// signed count that is negative once the timer has fired. Bits 63:32 read 0.
// We choose to compute it whether or not ENABLE is set (the architecture
// makes it UNKNOWN while disabled), as QEMU does.
func (t *Timer) TVAL(now uint64) uint64 { return uint64(uint32(t.cval - now)) }

// SetTVAL writes CNTx_TVAL_EL0 at count now: CVAL = now + the sign-extended
// low 32 bits of v.
func (t *Timer) SetTVAL(now, v uint64) { t.cval = now + uint64(int64(int32(uint32(v)))) }

// Asserted is the level of the timer's PPI at count now: ISTATUS && !IMASK.
func (t *Timer) Asserted(now uint64) bool { return t.ctl&CtlIMask == 0 && t.firing(now) }

// NextDeadline is the count at which Asserted becomes true without any
// further register write: CVAL, when the timer is enabled and unmasked. It may
// be at or before now, meaning the line is already asserted. ok is false when
// the timer cannot assert its line (disabled or masked).
func (t *Timer) NextDeadline() (count uint64, ok bool) {
	if t.ctl != CtlEnable {
		return 0, false
	}
	return t.cval, true
}

func (t *Timer) firing(now uint64) bool { return t.ctl&CtlEnable != 0 && now >= t.cval }

// CPU is one CPU's pair of EL1-accessible comparators. Without EL2, CNTVOFF
// is 0, so CNTVCT = CNTPCT and the machine passes the same count to both.
type CPU struct {
	Virt Timer
	Phys Timer
}

// NextDeadline is the earlier of the two comparators' deadlines.
func (c *CPU) NextDeadline() (count uint64, ok bool) {
	v, vok := c.Virt.NextDeadline()
	p, pok := c.Phys.NextDeadline()
	switch {
	case vok && pok:
		return min(v, p), true
	case vok:
		return v, true
	default:
		return p, pok
	}
}
