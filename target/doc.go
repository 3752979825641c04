// Package target is the simulated AArch64 machine: CPUs, decoder, executor,
// exceptions, the QEMU "virt" bus (RAM, PL011, PSCI over HVC) and run control
// for a debugger.
//
// It exists so the RSP server and the tests have a deterministic, fast,
// inspectable machine that boots the same kernel ELF as
// `qemu-system-aarch64 -M virt -cpu cortex-a57`. It relies on the Arm ARM for
// instruction semantics and syndromes, and on observations of QEMU 7.2 for the
// values software can read (ID registers, PSCI results, reset state).
//
// Shape (wazero's interpreter is the model): every 4 KiB page of RAM that is
// executed gets a lazily filled array of decoded instructions (inst: an op
// index plus pre-extracted fields, branch targets already absolute). The hot
// loop in exec.go switches on the op; no allocation and no interface call per
// instruction. Any write to a page holding decoded code drops that page.
//
// Register file trick: x[31] always reads zero (XZR), x[32] holds the current
// SP, x[33] is a write sink for XZR destinations; the decoder maps register
// number 31 to one of these by context, so the executor never tests for 31.
//
// Concurrency: one goroutine (the caller of Resume) runs all CPUs in fixed
// quanta, round-robin. Memory access for debuggers and Interrupt are safe
// from other goroutines.
package target
