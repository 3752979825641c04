// Package tests holds the end-to-end tests: the real gdb-multiarch (batch scripts, gdb Python, gdb/MI) and lldb
// against the hwbp-gdbstub binary, and cross-checks of the same kernel ELF on qemu-system-aarch64.
//
// Nothing here is mocked. The clients and QEMU come from `make deps`; a missing one fails the test with a hint to
// run it, never a skip, because a skipped real-client test would let CI pass without proving anything.
package tests
