// Package simd is the FP/SIMD half of issue 15 that needs no CPU: a decoder
// from a 32-bit A64 word to an allocation-free descriptor (Decode, Inst) for
// the FP/SIMD encodings GCC 12 and glibc/musl emit for ARMv8.0-A, and the
// AdvSIMD lane operations on 128-bit values (Vec) with the vector and
// scalar FP forms as loops over target/fp. Exec runs any decoded
// instruction but the loads and stores on a State (V0–V31, FPCR, FPSR,
// NZCV); Address, MemSize, Load and Store do the loads' and stores'
// address arithmetic and register layout, leaving the memory access to the
// caller.
//
// What is not decoded is OpUndefined, never a wrong decode: FP16
// arithmetic, crypto (including PMULL of 64-bit lanes), dot product and
// RDM. docs/simd.md lists the encoding facts the decoder relies on and the
// evidence (cross-checks with arm64asm and GNU objdump over real arm64
// binaries and random words, a differential test against qemu-aarch64).
package simd
