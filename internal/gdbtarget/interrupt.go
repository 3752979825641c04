package gdbtarget

import "github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"

var _ rsp.InterruptDropper = (*Adapter)(nil)

// DropInterrupt implements rsp.InterruptDropper: the machine's interrupt request is sticky, so one that came
// after the last Resume returned is cancelled before the next.
func (a *Adapter) DropInterrupt() { a.m.DropInterrupt() }
