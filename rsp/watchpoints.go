package rsp

// HwWatchpoints is optional: hardware watchpoints (Z2 write, Z3 read, Z4
// access) of any length and alignment, as gdb sends them. AddWatchpoint
// returns an Errno to send as "E" + two hex digits when it cannot insert the
// watchpoint (for example ENOSPC when out of comparators); the session never
// sends the empty reply for a type it has answered OK before. Duplicates are
// counted per (kind, address, length) by the session.
//
// A watch stop must be reported before the access, with StopReason.Addr
// inside [addr, addr+length) of a watchpoint that was added.
type HwWatchpoints interface {
	AddWatchpoint(addr, length uint64, kind WatchKind) error
	RemoveWatchpoint(addr, length uint64, kind WatchKind) error
}
