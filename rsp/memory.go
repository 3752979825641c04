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
