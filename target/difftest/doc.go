// Package difftest is a differential test of the simulated AArch64 machine
// (package target) against qemu-aarch64 in user mode.
//
// Why it exists: golden cases catch the bugs someone thought of; seeded random
// instruction sequences compared against QEMU catch the rest. Every sequence is
// generated from a fixed per-case seed (math/rand/v2, no other randomness), so a
// failure is reproduced by its seed alone.
//
// How it works: the generator emits 32-bit instruction words from its own
// encoders (one per instruction class, each also producing GNU assembler text so
// a test can check it bit for bit against aarch64-linux-gnu-as). A batch of
// sequences is linked into ONE flat image at 0x4000_0000 (written as a static
// ELF directly, no linker): per case a prologue loads X0–X30 and NZCV from a
// record, the sequence runs, and an epilogue stores X0–X30, NZCV next to it; the
// scratch buffer the sequence loads from and stores to lives in the same record.
// Each case runs twice from the same code (the second time with warm
// decoded-instruction caches); both passes' registers are compared. A case
// that raises an exception on the bare machine is recorded (vector, ESR, ELR,
// FAR) and the run goes on with the next case.
// The very same bytes run under qemu-aarch64 (results written to stdout per
// case) and on target.Machine (results read back with ReadMemory after PSCI
// SYSTEM_OFF); only a mode word differs. Because both images sit at the same
// address, even PC-relative results (ADR, ADRP, literal loads) compare exactly.
//
// The generator tracks the scratch-buffer base register statically, so every
// access it emits is inside the buffer and naturally aligned (the machine runs
// with the MMU off, where memory is Device and unaligned accesses fault);
// forward branches skip whole groups, loop bodies and branch shadows never move
// the base, and SP is only read or pushed/popped within one group.
//
// Run more: -difftest.n=N or DIFFTEST_N=N; one case: -difftest.seeds=S;
// triage: -difftest.exclude=class,… . Seeds that once failed live in
// testdata/regressions.txt and are always re-run.
//
// It relies on: qemu-aarch64 (QEMU 7.2 user mode, -cpu max for LSE) and the
// aarch64-linux-gnu binutils (encoding cross-check) being installed — the test
// fails, not skips, without them (`make deps` installs them) — and on target's
// New/LoadSegment/Reset/Resume/ReadMemory API (docs/interfaces.md).
package difftest
