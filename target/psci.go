package target

// PSCI over HVC, as QEMU 7.2 implements it for -M virt without EL2/EL3
// (values checked on that QEMU with a probe guest).
const (
	psciVersion       = 0x84000000
	psciCPUSuspend    = 0x84000001
	psciCPUOff        = 0x84000002
	psciCPUOn         = 0x84000003
	psciAffinityInfo  = 0x84000004
	psciMigrate       = 0x84000005
	psciMigrateInfo   = 0x84000006
	psciSystemOff     = 0x84000008
	psciSystemReset   = 0x84000009
	psciFeatures      = 0x8400000a
	psci64            = 0x40000000
	psciVersion11     = 0x10001
	psciSuccess       = 0
	psciNotSupported  = ^uint64(0) // -1
	psciInvalidParams = ^uint64(1) // -2
	psciAlreadyOn     = ^uint64(3) // -4
	psciMigrateNoTOS  = 2          // MIGRATE_INFO_TYPE: no trusted OS
	psciAffinityOn    = 0
	psciAffinityOff   = 1
)

// cpuByAffinity finds the CPU whose affinity (MPIDR without bit 31) is mpidr.
func (m *Machine) cpuByAffinity(mpidr uint64) *CPU {
	for _, c := range m.cpus {
		if affinity(c.index) == mpidr {
			return c
		}
	}
	return nil
}

// psci handles an HVC from EL1; c.PC already points after the HVC.
func (c *CPU) psci() int {
	m := c.m
	x := &c.X
	fn := x[0]
	if m.hypercalls[fn] {
		c.setStop(Stop{Kind: StopHypercall, CPU: c.index, Addr: fn})
		return slowEndSlice
	}
	if outcome, ok := c.hypercall(fn); ok {
		return outcome
	}
	ret := psciNotSupported
	switch fn {
	case psciVersion:
		ret = psciVersion11
	case psciMigrateInfo:
		ret = psciMigrateNoTOS
	case psciFeatures:
		switch f := x[1]; f {
		case psciVersion, psciMigrateInfo, psciAffinityInfo, psciAffinityInfo | psci64,
			psciSystemReset, psciSystemOff, psciCPUOn, psciCPUOn | psci64, psciCPUOff,
			psciCPUSuspend, psciCPUSuspend | psci64, psciFeatures:
			ret = psciSuccess
		}
	case psciAffinityInfo, psciAffinityInfo | psci64:
		if x[2] != 0 {
			ret = psciAffinityOn // everything above level 0 is always on
			break
		}
		t := m.cpuByAffinity(x[1])
		switch {
		case t == nil:
			ret = psciInvalidParams
		case t.on:
			ret = psciAffinityOn
		default:
			ret = psciAffinityOff
		}
	case psciCPUOn, psciCPUOn | psci64:
		t := m.cpuByAffinity(x[1])
		switch {
		case t == nil:
			ret = psciInvalidParams
		case t.on:
			ret = psciAlreadyOn
		default:
			entry, ctx := x[2], x[3]
			t.reset(entry)
			t.X[0] = ctx
			t.on = true
			ret = psciSuccess
		}
	case psciCPUOff:
		c.on = false
		return slowEndSlice
	case psciCPUSuspend, psciCPUSuspend | psci64:
		if x[1]&0xfffe0000 != 0 {
			ret = psciInvalidParams
			break
		}
		x[0] = psciSuccess // power-down is not supported: behaves as WFI
		c.waiting = true
		return slowEndSlice
	case psciSystemOff:
		m.off, m.offText = true, "PSCI SYSTEM_OFF"
		c.setStop(Stop{Kind: StopPowerOff, CPU: c.index, Text: "PSCI SYSTEM_OFF"})
		return slowEndSlice
	case psciSystemReset:
		m.resetRequested = true
		return slowEndSlice
	}
	x[0] = ret
	return slowNext
}

// SetHypercall makes an HVC from EL1 with x0 == fn stop the machine with
// Stop{Kind: StopHypercall, CPU, Addr: fn} instead of being answered here.
// The HVC has completed (PC after it; x0..x3 hold the call); whoever handles
// it sets x0 (the answer) with SetReg before resuming. Unregistered function
// ids keep PSCI's behaviour (NOT_SUPPORTED for unknown ones).
func (m *Machine) SetHypercall(fn uint64, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if on {
		m.hypercalls[fn] = true
	} else {
		delete(m.hypercalls, fn)
	}
}
