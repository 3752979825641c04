// Package mmu is the stage-1 MMU of the simulated AArch64 CPU for the EL1&0
// translation regime: the translation table walk, permissions, memory
// attributes, the abort syndromes, AT with PAR_EL1, a software TLB per CPU
// and the TLBI operations that invalidate it.
//
// It exists so the machine can boot real arm64 Linux (39- and 48-bit VAs,
// 4 KiB pages, ASIDs, software-managed Access flags) while the translation
// rules stay a pure model that is tested on its own, against tables written
// from the Arm Architecture Reference Manual (DDI0487: D8 "The AArch64
// Virtual Memory System Architecture", the pseudocode AArch64.S1Walk and
// AArch64.S1Translate, D19 for SCTLR_EL1, TCR_EL1, TTBRn_EL1, MAIR_EL1,
// PAR_EL1, ESR_EL1). docs/mmu.md states the facts the code relies on.
//
// It relies on nothing but the standard library and a Memory the machine
// provides for descriptor fetches (a fetch that no memory answers is a
// synchronous external abort on the walk). It holds no global state and does
// no I/O; an MMU and its TLB are owned by the goroutine that runs the CPU.
//
// # Using it
//
// Per CPU: an MMU (New), fed by SetRegs after every write to SCTLR_EL1,
// TCR_EL1, TTBR0/1_EL1, MAIR_EL1; one Micro per access kind for the fast
// path, tagged with the TLB's Gen, and Refill when it misses (Translate where
// a Result is wanted). A TLBI is decoded with DecodeTLBI (at decode time) and
// Context.TLBI (at execution), then applied to the CPU's own TLB or, for the
// Inner Shareable forms, to every CPU's. An abort becomes ESR_EL1 through
// Fault.ESR (or AbortESR for an alignment fault) with FAR_EL1 = the VA. The
// debugger translates with Probe. Example shows it all; docs/mmu.md has the
// executor's contract (what to call on which register write and TLBI).
//
// # What is modelled
//
// 4, 16 and 64 KiB granules (the last two when the CPU advertises them);
// TTBR0/TTBR1 split by T0SZ/T1SZ from 16 to 39 (start level from the input
// size); table, block (1 GiB, 2 MiB; 32 MiB; 512 MiB) and page descriptors; output
// addresses checked against min(IPS, PARange) (at most 48 bits); AP[2:1],
// UXN, PXN, APTable, UXNTable, PXNTable, the implicit PXN of EL0-writable
// memory, SCTLR_EL1.WXN; the Access flag (AF = 0 faults: no FEAT_HAFDBS, so
// TCR_EL1.HA/HD are ignored); nG and 8- or 16-bit ASIDs (TCR_EL1.AS, A1);
// MAIR attributes (Device when the attribute's high nibble is 0); TBI0/TBI1
// for every access (FEAT_PAuth is absent, so there is no TBID); big-endian
// descriptors with SCTLR_EL1.EE. Not modelled: PAN, FEAT_LPA/LPA2 (52-bit
// addresses), FEAT_HPDS, FEAT_TTST, stage 2, EL2/EL3 regimes, caches.
//
// # Choices where the architecture leaves room
//
// Each has a "we choose" comment where it is made and a test.
//
//   - Granule: a TG selecting a size the CPU does not advertise
//     (Config.Gran16/Gran64), or a reserved TG, means 4 KiB. TestGranule.
//   - TxSZ outside [16, 39]: translation fault at level 0 (as QEMU), not a
//     clamp. TestFaultsBeforeWalk.
//   - IPS: larger than PARange means PARange (required); the reserved 0b111
//     means PARange; 0b110 (52 bits) is capped at 48. TestFaultsBeforeWalk,
//     TestOutputAddressSize.
//   - TTBR BADDR bits below the table's alignment (at least 64 bytes) and CnP
//     are ignored. TestFaultsBeforeWalk, TestSmallStartTable.
//   - Descriptor RES0 bits, Contiguous, DBM, NS and the software bits are
//     ignored. TestIgnoredDescriptorBits.
//   - MAIR: a reserved Device encoding (low bits ≠ 0) is Device; a Normal
//     encoding with inner nibble 0 is Normal. Reserved SH 0b01 is
//     Non-shareable. TestAttributes.
//   - Syndromes: ISV = 0, EA = 0, FnV = 0, S1PTW = 0. TestESR.
//   - TLB: the last-level forms of TLBI invalidate what the plain forms do;
//     a range TLBI with reserved TG invalidates everything in ASID scope;
//     with 8-bit ASIDs the operand's ASID[15:8] is ignored; any change to
//     SCTLR_EL1, TCR_EL1 or MAIR_EL1 flushes the TLB (TTBR changes do not).
//     TestTLBI, TestSetRegs.
//   - AT: walks afresh (no TLB use or fill); faults go to PAR_EL1, but an
//     external abort on the walk is taken as a Data Abort (as QEMU); NS = 1
//     and bit 11 = 1 (as QEMU); SH = 0b10 for Device and Normal
//     Non-cacheable memory. TestPAR.
//   - Debugger accesses (Probe) use but never fill the TLB. TestProbe.
//
// TestMatchesQEMU compares AT, ESR and FAR with what qemu-system-aarch64
// printed for the same tables (testdata/qemu_probe.S); the differences are
// PAR_EL1.SH for Device and Non-cacheable memory, where QEMU 7.2 predates the
// rule we follow, and QEMU 7.2 accepting a 64 KiB level-1 block.
package mmu
