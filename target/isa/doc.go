// Package isa is the A64 instruction set as the machine executes it: the
// decoder (a 32-bit word → Inst, a fixed-shape record with an Op index and
// pre-extracted fields, branch targets already absolute), the opcode table
// and names, and the semantics that do not depend on where the operands
// live: flag computation (AddWithCarry, Sub64, …), shifts and extends,
// bitfield moves, division, CRC32, condition checks, and the meaning of an
// addressing mode (Inst.Addr, PairAddr, LoadValue, WriteBack).
//
// It exists so the two ways of executing an instruction — the machine's
// call-free fast loop over a decoded page and its general, fully checked
// path — share one definition of each instruction's semantics: both call
// these helpers (the small ones inline), and neither spells out an
// addressing mode or a flag formula of its own. It relies on the Arm ARM
// (C4 encoding index, C6 instruction descriptions, J1 pseudocode) and is
// cross-checked against golang.org/x/arch/arm64/arm64asm and qemu-aarch64
// by target's tests. It imports target/cpu only, for the register slot
// numbers (cpu.SlotZR, SlotSP, SlotSink) and the system-register table MRS
// decoding consults.
//
// Decode never panics: anything not implemented decodes to OpUndef (the
// architectural UNDEFINED exception). OpUndecoded (the zero Op) marks an
// empty slot of a decode cache and OpStepTrap a slot that stops the fast
// loop; neither is ever produced by Decode. DecodePair fuses a 64-bit SUBS
// (immediate) with the B.cond after it into OpSUBSBcond; Unfused undoes it
// for a single step.
package isa
