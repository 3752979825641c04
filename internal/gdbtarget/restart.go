package gdbtarget

import (
	"go.uber.org/zap"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

var _ rsp.Restarter = (*Adapter)(nil)

// Restart implements rsp.Restarter (gdb's `run` in extended-remote): the machine stops, the kernel is loaded
// again and every CPU restarts from the entry point, halted there, as after `monitor reset`.
func (a *Adapter) Restart() (rsp.StopReason, error) {
	a.haltFree()
	if a.opts.Boot == nil {
		return rsp.StopReason{}, rsp.EPERM
	}
	if err := a.opts.Boot(a.m); err != nil {
		a.log.Warn("restart failed", zap.Error(err))
		return rsp.StopReason{}, rsp.EIO
	}
	a.rebooted()
	a.lastStp = rsp.StopReason{Kind: rsp.StopSignal, Signal: rsp.SigTrap, Thread: 1}
	return a.lastStp, nil
}
