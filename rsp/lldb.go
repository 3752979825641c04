package rsp

// LLDBInfo is optional: what lldb asks for beyond gdb's packets. With it the
// session answers qHostInfo (with watchpoint_exceptions_received:before, so
// lldb 14 steps over AArch64 watch hits), qProcessInfo,
// qWatchpointSupportInfo and qRegisterInfo.
type LLDBInfo interface {
	// Triple is the target triple, for example "aarch64-unknown-none".
	Triple() string
	// WatchpointSlots is the number of hardware watchpoints (num:N).
	WatchpointSlots() int
	// RegisterInfo describes register regnum; ok == false past the last one.
	RegisterInfo(regnum int) (info RegisterInfo, ok bool)
}

// RegisterInfo is one qRegisterInfo answer.
type RegisterInfo struct {
	Name     string
	AltName  string // "" for none
	BitSize  int
	Offset   int    // byte offset in the 'g' block
	Encoding string // "uint"
	Format   string // "hex"
	Set      string // "General Purpose Registers"
	DWARF    int    // -1 for none
	Generic  string // "pc", "sp", "fp", "ra", "flags" or ""
}
