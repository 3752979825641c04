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
	if err := a.boot(); err != nil {
		a.log.Warn("restart failed", zap.Error(err))
		return rsp.StopReason{}, rsp.EIO
	}
	a.lastStp = rsp.StopReason{Kind: rsp.StopSignal, Signal: rsp.SigTrap, Thread: 1}
	return a.lastStp, nil
}
