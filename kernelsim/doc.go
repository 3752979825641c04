// Package kernelsim holds the guest kernel the simulated machine runs: its C
// and assembly sources in guest/ (built reproducibly with
// aarch64-linux-gnu-gcc by the Makefile beside this file, `make -C kernelsim
// [OUT=dir]`), the built kernel.elf embedded as KernelELF so `go build` needs
// no cross compiler, and the Go side of it: a strict ELF loader (Parse), the
// symbol table (Lookup, Symbolize) and the runtime knobs (Config, patched into
// the guest's kernel_config block before boot).
//
// The kernel boots on the QEMU virt map (RAM at 0x4000_0000, PL011 at
// 0x0900_0000, PSCI over HVC), so the same ELF runs on
// `qemu-system-aarch64 -M virt -cpu cortex-a57 -kernel` and on our machine,
// and prints the same console text on both (only CPU 0 prints; see
// testdata/*.golden). Its hw_breakpoint code is shaped like Linux's arm64
// hw_breakpoint.c, so the uninstall livelock of docs/background.md §1.3 happens
// for real. Its debugger entry points (debugger_event_create & co., the
// READY/NOTIFY/CALL_DONE HVCs, the Go consts HVC*, Sym*, Event*, Errno*) are
// the guest half of docs/design.md §8's kernel route; docs/interfaces.md §kernelsim
// says what the server does with each.
//
// It relies on debug/elf and debug/dwarf only; tests also need the cross
// compiler and qemu-system-aarch64 (`make deps`).
package kernelsim
