package rsp

// SwBreakpoints is optional: software breakpoints (Z0/z0). kind is gdb's
// breakpoint kind (4 on AArch64). The session counts duplicates per
// (type, address, kind): the target sees one add for the first Z and one
// remove for the last z. Without it, Z0 gets the empty reply and gdb writes
// breakpoint instructions into memory itself.
type SwBreakpoints interface {
	AddSwBreakpoint(addr uint64, kind int) error
	RemoveSwBreakpoint(addr uint64, kind int) error
}

// HwBreakpoints is optional: hardware breakpoints (Z1/z1). Return an Errno
// (for example ENOSPC) when no comparator is free.
type HwBreakpoints interface {
	AddHwBreakpoint(addr uint64, kind int) error
	RemoveHwBreakpoint(addr uint64, kind int) error
}
