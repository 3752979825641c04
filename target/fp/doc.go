// Package fp is the AArch64 floating-point arithmetic the interpreter calls
// for scalar FP and AdvSIMD instructions: FADD, FMADD, FSQRT, FCMP, FRINT*,
// FCVT*, SCVTF, FRECPE and the rest, on raw bit patterns of half, single
// and double precision.
//
// It exists because Go's float32/float64 arithmetic is IEEE 754 with
// round-to-nearest only, and the machine must give the Arm results: every
// FPCR rounding mode, flush-to-zero (FZ, FZ16), the default NaN (DN), the
// alternative half format (AHP), the Arm NaN propagation order, and the
// FPSR cumulative flags (IOC, DZC, OFC, UFC, IXC, IDC) of each operation.
// It relies only on the Arm ARM's pseudocode (FPUnpack, FPRound,
// FPProcessNaNs, FPMulAdd, FPConvert, FPToFixed, FPRecipEstimate, ...),
// described in our words in docs/fp.md; Arm's "tininess before rounding"
// underflow and its estimate tables follow from it.
//
// Every function is pure: FPCR comes in, the result and the flags raised
// come out (OR them into FPSR). Nothing allocates. Values are computed
// exactly with 128-bit integers and rounded once, so the fused operations
// (FMADD family, FRECPS, FRSQRTS) have a single rounding. FADD, FSUB,
// FMUL, FMULX, the FMADD family, FDIV and FSQRT of single and double precision first
// try a host fast path (host.go): float64 arithmetic where it provably
// gives the same bits and flags (round to nearest, normal operands and
// results, the inexact flag found by error-free transforms or already set
// in FPSR); Lanes runs a vector's lanes that way in one call. Traps
// (FPCR.IOE etc.) and FPCR.AH (FEAT_AFP) are not implemented, as on
// Cortex-A57.
//
// A Format argument is the element size; vector forms call the scalar
// function per lane. Results are zero-extended bit patterns of that size.
package fp
