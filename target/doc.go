// Package target is the simulated AArch64 machine as debuggers and tests
// see it: Machine (the QEMU "virt" board: CPUs, RAM, the bus, run control,
// gdb's points, cross-calls) and CPU. It is the façade; the concerns live in
// rooms below it, each with its own doc.go:
//
//	target/cpu        a core's architectural state, system registers, exception entry/return
//	target/isa        decoder and instruction semantics shared by both execution paths
//	target/icache     decoded pages keyed by physical page, their invalidation and trap copies
//	target/selfdebug  the debug register file, debug-unit construction, the livelock counter
//	target/dev/psci   PSCI 1.1 (the machine carries it out as psci.Host)
//	target/bus        the physical address map and devices (bus.Device), mmap-backed RAM
//	target/dev/...    pl011, gic, timer (devices on the bus)
//	target/boot, fdt  the arm64 boot protocol and device trees
//	target/mmu, fp    stage-1 translation and TLB, softfloat (written alongside; translate already speaks mmu.Access)
//
// What stays here is what needs the whole machine: the scheduler (run.go),
// the run loop (exec.go) with its accelerator (inner.go) and general path
// (general.go), the memory path (memory.go), the system-register
// dispatch (sysreg.go), the wiring of the debug model into execution
// (debugwire.go, breakslots.go), gdb's external points, hypercalls and
// cross-calls. Imports point down: target → cpu, isa, icache, selfdebug,
// dev/psci, bus, mmu, debugregs; isa → cpu; icache → isa; selfdebug → cpu,
// debugregs; cpu, psci and bus import nothing of this module.
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
// # Execution: one semantics, one accelerator
//
// Every 4 KiB page of RAM that is executed gets a lazily filled array of
// decoded instructions (isa.Inst), keyed by physical page, in the style of
// wazero's interpreter. run (the outer loop) translates the PC, finds the
// page, checks breakpoints and the interrupt flag, and hands the page to
// inner, a call-free switch over the common instructions that keeps its
// state in registers. Each instruction has one definition of its semantics
// in package isa (address generation, load extension, write-back, flags);
// inner is the specialisation that inlines those helpers for the common
// cases and RAM it has proven safe to touch, and hands everything else
// (system instructions, faults, watched pages, devices) back to run, which
// executes it on the general path (execGeneral/execSlow) through the same
// helpers and the checked memory path. The instruction budget is checked at
// taken branches and page exits; an exact single step runs the one
// instruction from a "trap page" whose other slots stop inner. No
// allocation, map lookup or interface call per instruction. Any write to a
// page holding decoded code (guest store, WriteMemory, LoadSegment) forgets
// the decoded slots it overlaps. A SUBS (immediate, 64-bit) followed by a
// B.cond is decoded as one fused slot (isa.DecodePair); a write to the B.cond
// forgets it too, and single steps run the SUBS alone. inner reads and
// writes RAM through an unchecked pointer only after the range and alignment
// checks prove the access inside RAM. Whatever inner handles, slices end
// where run alone would end them (TestScheduleGolden).
//
// # Seams for the MMU, interrupts and devices
//
//   - Memory: every checked access goes through access() in memory.go:
//     alignment, translate(va, mmu.Access) (VA → PA, identity today; the
//     MMU's micro-TLB, refill and faults go there), then RAM or a bus.Device
//     on Machine.bus. inner's RAM fast
//     path is the one other place that assumes VA = PA; the per-CPU
//     micro-TLB replaces its range check.
//   - Interrupts: cpu.State.Pending (IRQ/FIQ) is tested by run between page
//     runs and after every general-path instruction; takeInterrupt enters
//     the vector (cpu.State.Enter with cpu.IRQ/FIQ: +0x80/+0x100).
//   - System registers: cpu.Table marks device-owned registers cpu.Machine;
//     sysreg.go dispatches them (MPIDR and the counter today; the timer's
//     CNT*_EL0 and the GIC's ICC_* join there).
//
// Register file trick: x[31] always reads zero (XZR), x[32] holds the current
// SP, x[33] is a write sink for XZR destinations (cpu.SlotZR, SlotSP, SlotSink);
// the decoder maps register number 31 to one of these by context, so the
// executor never tests for 31.
//
// # Self-hosted debug, livelocks, the kernel route
//
// Each CPU owns a debugregs.Unit (debugwire.go, selfdebug): MRS/MSR, ISB, exception
// entry and ERET drive it; run asks NeedsInstructionCheck once per page run
// and single-steps with the checks only where a breakpoint may hit or step is
// on; watched pages carry pfWatch so their accesses reach CheckAccess. When
// only breakpoints are armed, breakslots.go runs a per-CPU copy of the page
// whose few matching slots (and every 32nd) are traps, so only those pay the
// check, with the same slice ends as checking every instruction. Debug
// events are guest exceptions. selfdebug.Livelock counts repeats of one debug
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
