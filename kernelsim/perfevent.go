package kernelsim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
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
	Count         uint64    `c:"count"`     // overflow handler calls
	HitPC         [8]uint64 `c:"hit_pc"`    // PCs of the first hits
	AddrMask      uint32    `c:"addr_mask"` // DBGWCR.MASK of a region watchpoint (log2 of its length), 0 = BAS
	Flags         uint32    `c:"flags"`     // PerfEventFlagAddrMask
	StepHit       uint32    `c:"step_hit"`  // 1: the kernel stepped over the last hit (NOTIFY answered HVCNotifyStep)
	Pad2          uint32    `c:"pad2"`
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

// PerfEventFlagAddrMask (struct perf_event.flags) marks an event that may be
// a MASK region watchpoint (every debugger_event_create/debugger_counter_create event).
const PerfEventFlagAddrMask = 1

// Ctrl is the control register value the event programs (Linux's
// encode_ctrl_reg, plus DBGWCR.MASK in bits [28:24] for a region watchpoint).
func (ev PerfEvent) Ctrl() uint32 {
	return ev.AddrMask&0x1f<<24 | ev.CtrlLen<<5 | ev.CtrlType<<3 | ev.CtrlPrivilege<<1 | ev.CtrlEnabled
}

// Range is the address range [lo, lo+n) the event watches or breaks on:
// the whole 2^MASK-byte region of a MASK watchpoint, the BAS bytes of any other.
func (ev PerfEvent) Range() (lo, n uint64) {
	if ev.AddrMask >= 3 && ev.AddrMask <= 31 {
		return ev.Address, 1 << ev.AddrMask
	}
	if ev.CtrlLen == 0 {
		return ev.Address, 0
	}
	first, last := bits.TrailingZeros32(ev.CtrlLen), 31-bits.LeadingZeros32(ev.CtrlLen)
	return ev.Address + uint64(first), uint64(last - first + 1)
}

// IsBreakpoint tells an execute event (BCR/BVR) from a watchpoint (WCR/WVR).
func (ev PerfEvent) IsBreakpoint() bool { return ev.BpType == 4 }
