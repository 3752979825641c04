package timer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCTLComputesIStatus(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ctl      uint64
		cval     uint64
		now      uint64
		read     uint64
		asserted bool
		deadline bool // NextDeadline's ok (the deadline itself is CVAL)
	}{
		{"disabled never fires", 0, 100, 200, 0, false, false},
		{"disabled and masked", CtlIMask, 100, 200, CtlIMask, false, false},
		{"enabled, before CVAL", CtlEnable, 100, 99, CtlEnable, false, true},
		{"enabled, at CVAL", CtlEnable, 100, 100, CtlEnable | CtlIStatus, true, true},
		{"enabled, after CVAL", CtlEnable, 100, 1 << 40, CtlEnable | CtlIStatus, true, true},
		{"masked: ISTATUS but no line", CtlEnable | CtlIMask, 100, 100, CtlEnable | CtlIMask | CtlIStatus, false, false},
		{"ISTATUS and RES0 bits are not writable", ^uint64(0) &^ CtlIMask, 100, 50, CtlEnable, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tm Timer
			tm.SetCTL(tc.ctl)
			tm.SetCVAL(tc.cval)
			assert.Equal(t, tc.read, tm.CTL(tc.now))
			assert.Equal(t, tc.asserted, tm.Asserted(tc.now))
			assert.Equal(t, tc.cval, tm.CVAL())
			at, ok := tm.NextDeadline()
			assert.Equal(t, tc.deadline, ok)
			if ok {
				assert.Equal(t, tc.cval, at)
			}
		})
	}
}

func TestTVALIsASigned32BitView(t *testing.T) {
	for _, tc := range []struct {
		name     string
		now      uint64
		write    uint64
		cval     uint64
		readLate uint64 // TVAL read 10 counts later
	}{
		{"positive", 1000, 500, 1500, 490},
		{"negative delta goes back", 1000, 0xffff_fff6, 990, 0xffff_ffec}, // -10 written, -20 read
		{"upper bits ignored", 1000, 0xdead_0000_0000_0005, 1005, 0xffff_fffb},
		{"wraps the low 32 bits", 0x1_0000_0000, 0x7fff_ffff, 0x1_7fff_ffff, 0x7fff_fff5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tm Timer
			tm.SetTVAL(tc.now, tc.write)
			assert.Equal(t, tc.cval, tm.CVAL())
			assert.Equal(t, tc.readLate, tm.TVAL(tc.now+10))
		})
	}
}

func TestTVALReadWhileDisabled(t *testing.T) {
	// We choose to compute TVAL while ENABLE = 0 (UNKNOWN in the architecture).
	var tm Timer
	tm.SetCVAL(300)
	assert.Equal(t, uint64(200), tm.TVAL(100))
}

func TestCPUNextDeadlineIsTheEarlier(t *testing.T) {
	var c CPU
	_, ok := c.NextDeadline()
	assert.False(t, ok)
	c.Phys.SetCTL(CtlEnable)
	c.Phys.SetCVAL(500)
	got, ok := c.NextDeadline()
	assert.True(t, ok)
	assert.Equal(t, uint64(500), got)
	c.Virt.SetCTL(CtlEnable)
	c.Virt.SetCVAL(300)
	got, _ = c.NextDeadline()
	assert.Equal(t, uint64(300), got)
	c.Phys.SetCVAL(200)
	got, _ = c.NextDeadline()
	assert.Equal(t, uint64(200), got)
	c.Phys.SetCTL(0)
	got, _ = c.NextDeadline()
	assert.Equal(t, uint64(300), got)
}

func TestLinuxSetNextEventThenHandler(t *testing.T) {
	// arm_arch_timer's set_next_event: CVAL = now + delta, CTL = ENABLE; the
	// handler sees ISTATUS, then masks the line with IMASK.
	var tm Timer
	now := uint64(62_500_000)
	tm.SetCVAL(now + 250_000)
	tm.SetCTL(CtlEnable)
	assert.False(t, tm.Asserted(now))
	at, _ := tm.NextDeadline()
	assert.True(t, tm.Asserted(at))
	ctl := tm.CTL(at)
	assert.NotZero(t, ctl&CtlIStatus)
	tm.SetCTL(ctl | CtlIMask)
	assert.False(t, tm.Asserted(at))
	_, ok := tm.NextDeadline()
	assert.False(t, ok)
}
