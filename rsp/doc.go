// Package rsp is a GDB Remote Serial Protocol server: framing, packet parsing,
// a dispatch table of packet handlers, sessions and a listener loop.
//
// It exists so that stock gdb (13 and later) and lldb (14 and later) can debug
// any target that implements the small Target interface. Richer behaviour
// (single registers, breakpoints, watchpoints, target descriptions, the
// executable file, monitor commands, console output, lldb extras) is found
// by type assertion on optional capability interfaces, one per file, in the
// way io.Copy looks for io.WriterTo: a target implements only what it has.
//
// Threads are CPUs: thread ids are 1..N in process 1, and every stop reply
// names its thread and core. The package knows nothing of CPUs or
// architectures beyond that; register layouts and target descriptions come
// from the target (see rsp/arch/aarch64 for AArch64).
//
// Errors come in three kinds, kept apart as types: an Errno is sent to the
// client as an "Enn" reply, ErrUnsupported becomes the empty reply, and a
// FatalError ends the session. ProtocolError describes a client that broke
// the protocol (bad framing or a malformed packet); the session answers it
// and carries on.
//
// Files: codec.go is the framing (Decoder, AppendPacket, escapes, RLE);
// parse.go the typed argument parsers; dispatch.go the packet table; h_*.go
// one file per packet family; stop.go the stop replies; session.go the
// per-client loop (the session goroutine reads and decodes the client's
// bytes itself while the target is stopped, so a packet costs no goroutine
// hand-off; Resume runs on its own goroutine, and only while it runs does a
// reader goroutine read, so that Ctrl-C and EOF are seen; only the session
// goroutine decodes and writes, and every ack is written before the reply it
// precedes); server.go the listener loop, one client at a time.
//
// The protocol facts this relies on are in gdb's manual (Appendix E, "GDB
// Remote Serial Protocol") and in docs/background.md §3.4.
package rsp
