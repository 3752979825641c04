// Package target is the simulated AArch64 machine: CPUs, decoder, executor,
// exceptions, the QEMU "virt" bus (RAM, PL011, PSCI over HVC) and run control
// for a debugger.
//
// It exists so the RSP server and the tests have a deterministic, fast,
// inspectable machine that boots the same kernel ELF as
// `qemu-system-aarch64 -M virt -cpu cortex-a57`. It relies on the Arm ARM for
// instruction semantics and syndromes, and on QEMU 7.2 for what software can
// read (ID registers, PSCI results, reset state): testdata/probe.S prints
// them, testdata/probe.qemu.txt is what QEMU printed, and a test compares.
// testdata/exec_golden.txt holds per-instruction results produced by
// qemu-aarch64 (regenerate with GOLDEN_UPDATE=1).
//
// # Execution
//
// Every 4 KiB page of RAM that is executed gets a lazily filled array of
// decoded instructions (isa.Inst: an op index plus pre-extracted fields, branch
// targets already absolute), in the style of wazero's interpreter. run (the
// outer loop) finds the page, checks breakpoints and hands the page to inner,
// a call-free switch over the common instructions that keeps its state in
// registers; anything else (system instructions, faults, watched pages,
// unusual addressing) goes back to run, which executes it with execGeneral.
// The instruction budget is checked at taken branches and page exits; an
// exact single step runs the one instruction from a "trap page" whose other
// slots stop inner. No allocation and no interface call per instruction.
// Any write to a page holding decoded code (guest store, WriteMemory,
// LoadSegment) forgets the decoded slots it overlaps. A SUBS (immediate,
// 64-bit) followed by a B.Cond is decoded as one fused slot (decodeAt); a
// write to the B.Cond forgets it too, and single steps run the SUBS alone.
// inner reads and writes RAM through an unchecked pointer only after the
// range and alignment checks prove the access inside RAM. Whatever inner
// handles, slices end where run alone would end them (TestScheduleGolden).
//
// Register file trick: x[31] always reads zero (XZR), x[32] holds the current
// SP, x[33] is a write sink for XZR destinations; the decoder maps register
// number 31 to one of these by context, so the executor never tests for 31.
//
// # Self-hosted debug, livelocks, the kernel route
//
// Each CPU owns a debugregs.Unit (debugwire.go): MRS/MSR, ISB, exception
// entry and ERET drive it; run asks NeedsInstructionCheck once per page run
// and single-steps with the checks only where a breakpoint may hit or step is
// on; watched pages carry pfWatch so their accesses reach CheckAccess. When
// only breakpoints are armed, breakslots.go runs a per-CPU copy of the page
// whose few matching slots (and every 32nd) are traps, so only those pay the
// check, with the same slice ends as checking every instruction. Debug
// events are guest exceptions. livelock.go counts repeats of one debug
// exception at one PC in the exception/ERET paths only; hypercall.go answers
// vendor HVCs through Config.Hypercall; call.go runs cross-calls (BeginCall)
// and restores the interrupted context exactly.
//
// # Choices where the architecture leaves room (and QEMU's when it matters)
//
//   - Data accesses are Device memory (MMU off): every unaligned access takes
//     an alignment fault, as on QEMU. SP alignment checking is not modelled
//     (QEMU does not either). SCTLR_EL1.M is stored and ignored (VA = PA).
//   - CONSTRAINED UNPREDICTABLE encodings we make UNDEFINED: loads with
//     writeback into the loaded register, LDP/LDXP with Rt == Rt2, STXR/STXP
//     whose status register overlaps the data or base register. SBO fields of
//     the exclusives are ignored (as QEMU). Unallocated hints are NOPs.
//   - The exclusive monitor succeeds when the address, size and the memory
//     value still match what the load-exclusive saw (QEMU's cmpxchg model);
//     exception entry, ERET and CLREX clear it.
//   - Atomics (LSE) to the UART take an external abort.
//   - CNTVCT/CNTPCT count instruction slots of a virtual clock shared by a
//     round of the scheduler, so time is deterministic.
//   - An exception whose vector is the faulting instruction itself stops the
//     machine (StopLivelock): the guest can never make progress.
//
// # Concurrency
//
// One goroutine (the caller of Resume) runs all CPUs in fixed quanta,
// round-robin. Memory access for debuggers, the point setters and Interrupt
// are safe from other goroutines (they take the machine lock between rounds,
// or set an atomic flag).
package target
