package gdbtarget

import (
	"encoding/binary"
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

// Offsets in the guest's struct perf_event (kernelsim/guest/hw_breakpoint.h); TestPerfEventLayout checks them
// against the kernel's DWARF.
const (
	perfEventAttrAddr       = 0  // attr.bp_addr
	perfEventAttrLen        = 8  // attr.bp_len
	perfEventAttrType       = 16 // attr.bp_type
	perfEventOverflowHandle = 56 // overflow_handler
	perfEventCPU            = 72 // cpu
	perfEventSlot           = 80 // slot
	perfEventCount          = 88 // count
	guestMaxSlots           = 64 // ARM_MAX_BRP / ARM_MAX_WRP: the second dimension of bp_on_reg/wp_on_reg
)

// guestU64 reads a u64 from guest RAM.
func (a *Adapter) guestU64(addr uint64) (uint64, error) {
	var b [8]byte
	if err := a.m.ReadMemory(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

func (a *Adapter) guestU32(addr uint64) (uint32, error) {
	var b [4]byte
	if err := a.m.ReadMemory(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

// symbol returns the address of a guest symbol, or an error that says the kernel lacks it.
func (a *Adapter) symbol(name string) (uint64, error) {
	if a.img == nil {
		return 0, fmt.Errorf("no kernel symbols (not the embedded kernel?)")
	}
	addr, _, ok := a.img.Symbols.Lookup(name)
	if !ok {
		return 0, fmt.Errorf("the kernel has no symbol %s", name)
	}
	return addr, nil
}

// perCPUU64 reads element cpu of a guest `u64 name[NR_CPUS]` array.
func (a *Adapter) perCPUU64(name string, cpu int) (uint64, error) {
	base, err := a.symbol(name)
	if err != nil {
		return 0, err
	}
	return a.guestU64(base + uint64(cpu)*8)
}

// slotOwner reads bp_on_reg[cpu][i] or wp_on_reg[cpu][i].
func (a *Adapter) slotOwner(watch bool, cpu, i int) (uint64, error) {
	name := kernelsim.SymBpOnReg
	if watch {
		name = kernelsim.SymWpOnReg
	}
	base, err := a.symbol(name)
	if err != nil {
		return 0, err
	}
	return a.guestU64(base + uint64(cpu*guestMaxSlots+i)*8)
}

// describeEvent summarizes a guest struct perf_event for `monitor slots`.
func (a *Adapter) describeEvent(ev uint64) string {
	handler, err1 := a.guestU64(ev + perfEventOverflowHandle)
	count, err2 := a.guestU64(ev + perfEventCount)
	addr, err3 := a.guestU64(ev + perfEventAttrAddr)
	if err1 != nil || err2 != nil || err3 != nil {
		return fmt.Sprintf("event %#x (unreadable)", ev)
	}
	who := a.img.Symbols.Symbolize(handler)
	if req := a.debuggerRequest(ev); req != "" {
		who = "gdb " + req
	}
	return fmt.Sprintf("event %#x for %#x, %s, %d hits", ev, addr, who, count)
}
