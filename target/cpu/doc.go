// Package cpu is the architectural state of one AArch64 core and the rules
// that change it without touching memory or the rest of the machine: the
// register file, PSTATE and the banked stack pointers, the system registers
// the core itself owns, the exclusive monitor, and exception entry and
// return (synchronous and asynchronous).
//
// It exists so that the instruction set (package isa), the run loop and the
// devices agree on one description of a core, and so that a reader finds
// "what does SPSR_EL1 get on an IRQ" in one place. It relies on the Arm ARM
// (D1 "The AArch64 System Level Programmers' Model", C5 for the register
// encodings) and on QEMU 7.2's `-M virt -cpu cortex-a57` for identification
// values. Of this module it imports only target/simd, for the FP/SIMD
// register file (State.FP).
//
// # Register file trick
//
// X[31] always reads zero (XZR), X[32] holds the current SP, X[33] is a write
// sink for XZR destinations; the decoder maps register number 31 to one of
// these by context, so the executor never tests for 31. X has 256 entries so
// a uint8 index needs no bounds check.
//
// # Who answers a system register
//
// Table lists every implemented encoding with its Kind: Plain (storage in
// State.SR), Const, Special (a view of other State, e.g. DAIF, SP_EL0) or
// Machine. ReadSys and WriteSys apply the EL0 access rules to all of them and
// answer the first three; for Machine they return machine=true and the caller
// (the machine, package target) dispatches to whoever owns the register: the
// CPU's identity (MPIDR), the counter and timer (CNT*), later the GIC's
// ICC_* registers. The debug registers (op0 = 2 and ID_AA64DFR0/1,
// DebugOwned) are answered by the self-hosted debug model before the table is
// consulted.
//
// # Asynchronous exceptions
//
// Pending is a bit set (PendIRQ, PendFIQ) that interrupt sources (GIC, timer)
// set and the run loop tests between page runs; Deliverable applies DAIF.
// Enter takes any Kind of exception; the vector offset is VBAR_EL1 +
// {0, 0x200, 0x400} by origin + 0x80 × Kind.
//
// # FP/SIMD
//
// V0–V31, FPCR and FPSR are State.FP (a simd.State, so the executor runs on
// it in place). FPCR and FPSR are Special registers of the table (EL0
// access); the CPACR_EL1.FPEN trap is the machine's (target/fpsimd.go),
// FPTrapped says when it applies.
package cpu
