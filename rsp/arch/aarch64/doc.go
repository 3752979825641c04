// Package aarch64 describes an AArch64 target to gdb and lldb: the target
// description XML (org.gnu.gdb.aarch64.core plus a system-register feature
// with the self-hosted debug registers), the register numbering behind it,
// and the qRegisterInfo data lldb asks for.
//
// The register set follows gdb's AArch64 feature rules (gdb manual,
// "AArch64 Features"): the core feature holds x0..x30, sp, pc and a 32-bit
// cpsr, numbered 0..33, which is also the layout of the 'g' packet. No fpu
// feature is described (the simulated CPU has no FP/SIMD registers); gdb
// accepts a target without it. System registers follow, numbered from 34,
// and are read one by one with 'p'.
//
// It relies only on the rsp package, for rsp.RegisterInfo.
package aarch64
