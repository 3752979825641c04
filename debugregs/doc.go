// Package debugregs models the AArch64 self-hosted debug architecture for one simulated CPU: the
// breakpoint and watchpoint registers, MDSCR_EL1, the OS lock, the Debugv8p9 register banks, the rules
// that decide whether a debug exception may be generated, the software step state machine, the exception
// syndromes, and the window between a debug-register write and the context synchronization event that
// makes it take effect.
//
// It exists so the machine in target/ can be a faithful debug target (the Linux arm64 hw_breakpoint
// livelock and the MSR→ISB "might trigger" window need the real rules, not QEMU's shortcuts) while the
// rules stay testable on their own, against tables taken from the Arm Architecture Reference Manual
// (DDI0487; section numbers below refer to it): D2.3 (enables), D2.8 (breakpoints), D2.9 (watchpoints),
// D2.11 (software step), D2.12 (synchronization), D24.2.45 (ESR_ELx), D24.3 (the registers). Names follow
// the Arm ARM pseudocode: enabledFrom is AArch64.GenerateDebugExceptionsFrom, BreakpointMatch and
// WatchpointMatch are AArch64.BreakpointMatch and AArch64.WatchpointMatch.
//
// It relies on nothing but the standard library, holds no global state and does no I/O; a Unit is owned
// by one goroutine. The executor's hot path asks two booleans (NeedsInstructionCheck, WatchArmed) and
// pays nothing more when nothing is armed.
//
// A Comparators bank also serves an external debugger on its own (no enables, no sync window): the
// machine keeps gdb's watchpoints in one, each over any byte range (Comparators.SetWatchRange; not an
// architectural comparator), so guest and gdb points share one matching model, and WatchRanges is the
// one description of watched bytes that page and granule filters are built from.
//
// The machine has EL0 and EL1 only, Non-secure, AArch64 only at the debug target EL (EL1); there is no
// EL2, EL3, external debugger, FEAT_BWE, FEAT_ABLE, FEAT_RME or FEAT_UAO.
//
// # Architectural and effective state
//
// MRS reads the architectural value, in program order with MSR. Matching, the enables, the step state
// machine and the MDSELR_EL1.BANK indirection use the effective value, copied from the architectural one
// at each context synchronization event (ISB, exception entry, ERET). For instructions in between, the
// Arm ARM says it is CONSTRAINED UNPREDICTABLE whether the old or the new value is used; SyncPolicy
// picks: SyncStrict (only what is guaranteed: an exception needs both old and new state to generate it;
// the old bank), SyncEager (new at once, QEMU), SyncRandom (old or new per instruction, seeded by
// Config.Seed and the caller's instruction count), SyncOld (old until synchronized).
//
// # CONSTRAINED UNPREDICTABLE and other choices
//
// Each has a comment where it is made and a row in a test table (match_test.go, sysreg_test.go,
// enable_test.go, step_test.go, csync_test.go, bank_test.go).
//
//   - Sync window: see above (D2.12).
//   - Breakpoint types other than unlinked address match (linked, context, VMID, mismatch, reserved):
//     ignored, never match (Comparators.AddBreakpoint).
//   - Breakpoint BAS for A64: 0 never matches; BAS[1:0] ≠ 0 matches the word; only BAS[3:2] never matches
//     (QEMU's folding).
//   - Watchpoint LSC 0b00 (reserved), MASK 1–2 (reserved), WT=1 (linked): never match.
//   - Watchpoint MASK with non-zero low DBGWVR bits: the bits are masked off (QEMU).
//   - Watchpoint non-contiguous BAS: only the lowest run of ones counts (QEMU).
//   - SSC 0b11 with HMC 0 (Secure EL2 rows, impossible here): treated as Non-secure (QEMU); SSC 0b10
//     (Secure only) never matches; PMC/PAC 0b00 never matches at EL0/EL1.
//   - The OS lock really suppresses breakpoint, watchpoint and step exceptions (architecture), unlike
//     QEMU 7.2, which tests the wrong OSLSR bit and keeps delivering them.
//   - OS double lock: DoubleLockStatus() is OSDLR_EL1.DLK (DBGPRCR.CORENPDRQ = 0, never halted).
//   - Reset values the Arm ARM leaves UNKNOWN (comparators, MDSCR_EL1): 0, as QEMU.
//   - RES0 fields of unimplemented features (BCR MASK/BT2/SSCE, WCR WT2/SSCE, LBNX without Debugv8p9):
//     RAZ/WI. DBGBVR keeps every bit written; DBGWVR drops bits [1:0].
//   - MDSCR_EL1 save/restore bits (EDSCR views) are writable only while the OS lock is set and keep the
//     saved value.
//   - Watchpoint FAR: FARPolicy: clamp (max(access start, watched start), as QEMU) or access start, moved up
//     to the watched byte's 64-byte block (the DC ZVA size) when the access starts in an earlier block.
//   - Several watchpoints hit by one access: the lowest-numbered one names the hit (WPT, FAR clamp).
//   - Software step after a stepped ISB: ESR.ISV = 1, EX = 0.
//   - A wrapping access is checked up to the top of the address space.
package debugregs
