package rsp

// Registers reads and writes a thread's whole register block in the layout
// of gdb's 'g' packet: the registers of the target description in regnum
// order, each in target byte order.
type Registers interface {
	// ReadRegisters appends thread tid's register block to dst.
	ReadRegisters(tid int, dst []byte) ([]byte, error)
	// WriteRegisters stores a register block. It may be shorter than a full
	// block, but it is always whole registers (the session refuses data that
	// ends inside a register with E16); only the registers it covers change.
	WriteRegisters(tid int, data []byte) error
}

// SingleRegisters is optional: access to one register by its gdb number
// ('p'/'P'). Without it, 'p' gets the empty reply and gdb uses 'g'.
// Return ErrUnsupported or an Errno for a number the target does not have.
type SingleRegisters interface {
	// ReadRegister appends register regnum of thread tid (target byte order) to dst.
	ReadRegister(tid, regnum int, dst []byte) ([]byte, error)
	WriteRegister(tid, regnum int, value []byte) error
}

// ExpeditedRegisters is optional (with SingleRegisters): the registers sent in every stop reply as "NN:value;",
// like gdbserver's expedite set, so the client needs no 'g' or 'p' round trip to learn where a thread stopped.
type ExpeditedRegisters interface {
	ExpeditedRegisters() []int // gdb register numbers
}
