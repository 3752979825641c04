package kernelsim

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// PerfEvent is the guest's struct perf_event (guest/hw_breakpoint.h), the
// owner a bp_on_reg/wp_on_reg slot points to. Read PerfEventSize bytes at the
// slot's pointer and decode them with DecodePerfEvent.
type PerfEvent struct {
	BpAddr        uint64    `c:"attr.bp_addr"`
	BpLen         uint64    `c:"attr.bp_len"`
	BpType        uint32    `c:"attr.bp_type"` // 1 R, 2 W, 3 RW, 4 X
	ExcludeKernel uint32    `c:"attr.exclude_kernel"`
	Address       uint64    `c:"hw.address"`  // aligned value register contents
	Trigger       uint64    `c:"hw.trigger"`  // last hit address
	CtrlLen       uint32    `c:"hw.ctrl.len"` // BAS
	CtrlType      uint32    `c:"hw.ctrl.type"`
	CtrlPrivilege uint32    `c:"hw.ctrl.privilege"`
	CtrlEnabled   uint32    `c:"hw.ctrl.enabled"`
	Handler       uint64    `c:"overflow_handler"` // perf_count_overflow_handler or perf_debugger_overflow_handler
	Context       uint64    `c:"context"`
	CPU           int32     `c:"cpu"`
	State         uint32    `c:"state"` // 0 free, 1 off, 2 active
	Slot          int32     `c:"slot"`  // physical slot while installed, else -1
	Pad           uint32    `c:"pad"`
	Count         uint64    `c:"count"`  // overflow handler calls
	HitPC         [8]uint64 `c:"hit_pc"` // PCs of the first hits
}

// PerfEventSize is sizeof(struct perf_event).
var PerfEventSize = binary.Size(PerfEvent{})

// Perf event states (struct perf_event.state).
const (
	PerfEventFree   = 0
	PerfEventOff    = 1
	PerfEventActive = 2
)

// DecodePerfEvent decodes a struct perf_event read from guest memory.
func DecodePerfEvent(b []byte) (PerfEvent, error) {
	var ev PerfEvent
	if len(b) != PerfEventSize {
		return ev, fmt.Errorf("kernelsim: perf_event is %d bytes, got %d", PerfEventSize, len(b))
	}
	err := binary.Read(bytes.NewReader(b), binary.LittleEndian, &ev)
	return ev, err
}

// Ctrl is the control register value the event programs (Linux's encode_ctrl_reg).
func (ev PerfEvent) Ctrl() uint32 {
	return ev.CtrlLen<<5 | ev.CtrlType<<3 | ev.CtrlPrivilege<<1 | ev.CtrlEnabled
}

// IsBreakpoint tells an execute event (BCR/BVR) from a watchpoint (WCR/WVR).
func (ev PerfEvent) IsBreakpoint() bool { return ev.BpType == 4 }
