package target

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"

// Vendor hypervisor calls (SMCCC owner 6: 0xc6000000..0xc600ffff) are answered by Config.Hypercall; PSCI
// and everything else keep their meaning.
const (
	vendorHVCFirst = 0xc600_0000
	vendorHVCLast  = 0xc600_ffff
)

// HypercallResult is Config.Hypercall's answer to one HVC.
type HypercallResult struct {
	X0           uint64 // written to x0; the HVC completes (PC after it)
	Stop         bool   // Resume returns Stop{Kind: StopHypercall, CPU, Addr: x0 of the call, Args} right after the HVC
	HaltOnReturn bool   // the CPU halts (StopReturned) when it next ERETs to the ELR_EL1 it has now, before executing there
}

// hypercall handles the HVC #0s the machine answers before PSCI: the end of a cross-call, then the
// vendor range when a hook is set. c.PC is already after the HVC. ok is false for anything else.
func (c *CPU) hypercall(fn uint64) (outcome int, ok bool) {
	d := &c.dw
	if d.hvcImm != 0 {
		return 0, false
	}
	if d.call != nil && fn == d.call.doneHVC {
		ret := c.X[1]
		c.restoreCall()
		c.setStop(Stop{Kind: StopCallDone, CPU: c.index, Addr: ret})
		return slowEndSlice, true
	}
	hook := c.m.cfg.Hypercall
	if hook == nil || fn < vendorHVCFirst || fn > vendorHVCLast {
		return 0, false
	}
	args := [4]uint64{c.X[0], c.X[1], c.X[2], c.X[3]}
	r := hook(c.index, args)
	c.X[0] = r.X0
	if r.HaltOnReturn {
		d.haltOn, d.haltAt = true, c.SR[cpu.IdxELR]
	}
	if r.Stop {
		c.setStop(Stop{Kind: StopHypercall, CPU: c.index, Addr: fn, Args: args})
		return slowEndSlice, true
	}
	return slowNext, true
}

// haltOnReturn is called by ERET with the new PC: a pending HaltOnReturn to it stops the CPU there.
func (c *CPU) haltOnReturn(target uint64) {
	d := &c.dw
	if d.haltOn && target == d.haltAt {
		d.haltOn = false
		c.setStop(Stop{Kind: StopReturned, CPU: c.index, Addr: target})
	}
}
