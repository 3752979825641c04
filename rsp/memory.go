package rsp

// Memory gives the debugger access to target memory ('m', 'M', 'X', 'x').
type Memory interface {
	// ReadMemory fills p from addr. It returns how many bytes it read; a
	// short read with n > 0 is sent as a short reply, n == 0 as an error
	// (an Errno from err, else E0e).
	ReadMemory(addr uint64, p []byte) (n int, err error)
	// WriteMemory writes all of p at addr, or returns an error.
	WriteMemory(addr uint64, p []byte) error
}

// ThreadMemory is optional: memory as one thread sees it, for targets whose
// threads translate addresses (a CPU with its MMU on). The session passes
// the thread gdb selected with Hg; without it, Memory serves every thread.
type ThreadMemory interface {
	// ReadThreadMemory is ReadMemory through thread tid's view.
	ReadThreadMemory(tid int, addr uint64, p []byte) (n int, err error)
	// WriteThreadMemory is WriteMemory through thread tid's view.
	WriteThreadMemory(tid int, addr uint64, p []byte) error
}
