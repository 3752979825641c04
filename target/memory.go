package target

import (
	"encoding/binary"
	"unsafe"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/mmu"
)

// The one place guest memory accesses go through.
//
// Every checked access (the general path, debuggers aside) is
// access(): alignment, then translate (virtual → physical), then the
// physical map: RAM (with the watchpoint checks and the decoded-code
// invalidation) or a device on m.bus (bus.Device: PL011 today; GIC
// distributor/CPU interface and the rest later). Instruction fetch asks
// translate too (fetchOK).
//
// The MMU (target/mmu: stage-1 walk and a software TLB) slots into
// translate; the fast loop's RAM accesses (inner: `off := addr - RAMBase`
// guarded by `off < len(ram)`) then become a per-CPU one-entry micro-TLB
// lookup of the same shape, a miss handing the instruction to this path,
// and the decodeAt(c.PC) calls of the run loop take the physical address
// fetchOK returned.

// Memory access targets.
const (
	accFault  = iota
	accRAM    // off is the RAM offset
	accDevice // off is the physical address of a device on m.bus
)

// translate maps a virtual address to a physical one for an access acc
// (mmu.Read, Write or Fetch, with mmu.EL0 for EL0 and LDTR/STTR
// permissions). With SCTLR_EL1.M ignored, VA = PA; with the MMU wired this is
// the per-CPU mmu.Micro lookup, mmu.MMU.Refill on a miss, and ok=false a
// translation, permission or access-flag fault (mmu.Fault, recorded as for
// recordFault, its ESR from Fault.ESR).
func (c *CPU) translate(va uint64, acc mmu.Access) (pa uint64, ok bool) {
	return va, true
}

// access validates an access of size bytes at addr (aligned to align) and
// says where it goes. On a fault or a watchpoint stop it records the reason
// and returns accFault.
func (c *CPU) access(addr, size, align uint64, write bool) (kind int, off uint64) {
	m := c.m
	if addr&(align-1) != 0 {
		c.recordFault(addr, write, cpu.FSCAlignment)
		return accFault, 0
	}
	acc := mmu.Read
	if write {
		acc = mmu.Write
	}
	if c.EL == 0 || c.dw.unpriv {
		acc |= mmu.EL0
	}
	pa, ok := c.translate(addr, acc)
	if !ok {
		return accFault, 0
	}
	if o, ok := m.ramRange(pa, size); ok && size > 0 {
		first, last := o>>pageShift, (o+size-1)>>pageShift
		if (m.pageFlags[first]|m.pageFlags[last])&pfWatch != 0 && (m.watchHit(c, addr, size, write) || c.guestWatch(addr, size, write)) {
			return accFault, 0
		}
		if write && (m.pageFlags[first]|m.pageFlags[last])&pfCode != 0 {
			m.invalidateRange(o, size)
		}
		return accRAM, o
	}
	if r, ok := m.bus.Lookup(pa); ok && size <= r.End()-pa {
		return accDevice, pa
	}
	c.recordFault(addr, write, cpu.FSCExternal)
	return accFault, 0
}

func (c *CPU) recordFault(addr uint64, write bool, fsc uint32) {
	c.faultAddr, c.faultWrite, c.faultFSC = addr, write, fsc
}

// load and store move 1<<lg bytes at off, which access() returned with
// kind. A device that refuses the access gives an external abort at addr
// (ok=false).
func (c *CPU) load(kind int, addr, off uint64, lg uint8) (uint64, bool) {
	if kind == accRAM {
		return ramLoad(c.m.ram, off, lg), true
	}
	v, ok := c.m.bus.Read(c.index, off, 1<<lg)
	if !ok {
		c.recordFault(addr, false, cpu.FSCExternal)
	}
	return v & isa.SizeMask(lg), ok
}

func (c *CPU) store(kind int, addr, off uint64, lg uint8, v uint64) bool {
	if kind == accRAM {
		ramStore(c.m.ram, off, lg, v)
		return true
	}
	ok := c.m.bus.Write(c.index, off, 1<<lg, v&isa.SizeMask(lg))
	if !ok {
		c.recordFault(addr, true, cpu.FSCExternal)
	}
	return ok
}

// readSlow is a single load of 1<<lg bytes with every check.
func (c *CPU) readSlow(addr uint64, lg uint8, unpriv bool) (uint64, bool) {
	size := uint64(1) << lg
	c.dw.unpriv = unpriv
	kind, off := c.access(addr, size, size, false)
	c.dw.unpriv = false
	if kind == accFault {
		return 0, false
	}
	return c.load(kind, addr, off, lg)
}

// writeSlow is a single store of 1<<lg bytes with every check.
func (c *CPU) writeSlow(addr uint64, lg uint8, v uint64, unpriv bool) bool {
	size := uint64(1) << lg
	c.dw.unpriv = unpriv
	kind, off := c.access(addr, size, size, true)
	c.dw.unpriv = false
	return kind != accFault && c.store(kind, addr, off, lg, v)
}

func ramLoad(ram []byte, off uint64, lg uint8) uint64 {
	switch lg {
	case 0:
		return uint64(ram[off])
	case 1:
		return uint64(binary.LittleEndian.Uint16(ram[off:]))
	case 2:
		return uint64(binary.LittleEndian.Uint32(ram[off:]))
	}
	return binary.LittleEndian.Uint64(ram[off:])
}

func ramStore(ram []byte, off uint64, lg uint8, v uint64) {
	switch lg {
	case 0:
		ram[off] = byte(v)
	case 1:
		binary.LittleEndian.PutUint16(ram[off:], uint16(v))
	case 2:
		binary.LittleEndian.PutUint32(ram[off:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(ram[off:], v)
	}
}

// load64 and friends access guest RAM at byte offset off from mem (the
// start of Machine.ram) without a bounds check: callers have checked that
// off is below len(ram) and aligned to the size, and len(ram) is a multiple
// of the page size, so the whole access is inside RAM.
func load64(mem unsafe.Pointer, off uint64) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(mem, off))[:])
}

func store64(mem unsafe.Pointer, off, v uint64) {
	binary.LittleEndian.PutUint64((*[8]byte)(unsafe.Add(mem, off))[:], v)
}

func load16(mem unsafe.Pointer, off uint64) uint16 {
	return binary.LittleEndian.Uint16((*[2]byte)(unsafe.Add(mem, off))[:])
}

func store16(mem unsafe.Pointer, off uint64, v uint16) {
	binary.LittleEndian.PutUint16((*[2]byte)(unsafe.Add(mem, off))[:], v)
}

func load32(mem unsafe.Pointer, off uint64) uint32 {
	return binary.LittleEndian.Uint32((*[4]byte)(unsafe.Add(mem, off))[:])
}

func store32(mem unsafe.Pointer, off uint64, v uint32) {
	binary.LittleEndian.PutUint32((*[4]byte)(unsafe.Add(mem, off))[:], v)
}
