package psci

// Function IDs (SMC32; OR Fn64 for the SMC64 forms).
const (
	Version       = 0x84000000
	CPUSuspend    = 0x84000001
	CPUOff        = 0x84000002
	CPUOn         = 0x84000003
	AffinityInfo  = 0x84000004
	Migrate       = 0x84000005
	MigrateInfo   = 0x84000006
	SystemOff     = 0x84000008
	SystemReset   = 0x84000009
	Features      = 0x8400000a
	Fn64          = 0x40000000
	Version11     = 0x10001
	Success       = 0
	NotSupported  = ^uint64(0) // -1
	InvalidParams = ^uint64(1) // -2
	AlreadyOn     = ^uint64(3) // -4
	MigrateNoTOS  = 2          // MIGRATE_INFO_TYPE: no trusted OS
	AffinityOn    = 0
	AffinityOff   = 1
)

// Host is what PSCI needs from the machine. cpu numbers are the machine's
// CPU indices.
type Host interface {
	// CPUByAffinity finds the CPU whose affinity (MPIDR without bit 31) is mpidr.
	CPUByAffinity(mpidr uint64) (cpu int, ok bool)
	PoweredOn(cpu int) bool
	// PowerOn resets cpu to start at entry (EL1h) with x0 = ctx and turns it on.
	PowerOn(cpu int, entry, ctx uint64)
	// PowerOff turns the calling CPU off.
	PowerOff(cpu int)
	// Wait makes the calling CPU wait as WFI does (CPU_SUSPEND without power-down).
	Wait(cpu int)
	// SystemOff and SystemReset act on the whole machine.
	SystemOff(cpu int)
	SystemReset(cpu int)
}

// Result is how an HVC to PSCI ends.
type Result struct {
	X0       uint64 // the return value, when SetX0
	SetX0    bool
	EndSlice bool // the calling CPU's turn ends (it is off, waits, or the machine changes)
}

// Call handles function fn with arguments x1..x3 made by CPU cpu.
func Call(h Host, cpu int, fn uint64, x [3]uint64) Result {
	ret := NotSupported
	switch fn {
	case Version:
		ret = Version11
	case MigrateInfo:
		ret = MigrateNoTOS
	case Features:
		switch f := x[0]; f {
		case Version, MigrateInfo, AffinityInfo, AffinityInfo | Fn64,
			SystemReset, SystemOff, CPUOn, CPUOn | Fn64, CPUOff,
			CPUSuspend, CPUSuspend | Fn64, Features:
			ret = Success
		}
	case AffinityInfo, AffinityInfo | Fn64:
		if x[1] != 0 {
			ret = AffinityOn // everything above level 0 is always on
			break
		}
		_, ret, _ = byState(h, x[0], AffinityOn, AffinityOff)
	case CPUOn, CPUOn | Fn64:
		t, r, off := byState(h, x[0], AlreadyOn, Success)
		if off {
			h.PowerOn(t, x[1], x[2])
		}
		ret = r
	case CPUOff:
		h.PowerOff(cpu)
		return Result{EndSlice: true}
	case CPUSuspend, CPUSuspend | Fn64:
		if x[0]&0xfffe0000 != 0 {
			ret = InvalidParams
			break
		}
		h.Wait(cpu) // power-down is not supported: behaves as WFI
		return Result{X0: Success, SetX0: true, EndSlice: true}
	case SystemOff:
		h.SystemOff(cpu)
		return Result{EndSlice: true}
	case SystemReset:
		h.SystemReset(cpu)
		return Result{EndSlice: true}
	}
	return Result{X0: ret, SetX0: true}
}

// byState finds the CPU a target affinity names and answers ifOn or ifOff
// by its power state (off reports the latter), or INVALID_PARAMETERS when
// there is no such CPU.
func byState(h Host, mpidr, ifOn, ifOff uint64) (cpu int, ret uint64, off bool) {
	t, ok := h.CPUByAffinity(mpidr)
	switch {
	case !ok:
		return 0, InvalidParams, false
	case h.PoweredOn(t):
		return t, ifOn, false
	}
	return t, ifOff, true
}
