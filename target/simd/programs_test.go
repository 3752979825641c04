package simd

import "testing"

// The cases of the QEMU tests as programs for target/difftest. This package cannot import difftest (it
// imports the machine, which imports this package), so the external test package (bridge_test.go) builds and
// runs the images and sets RunPrograms.

// BufSize is difftest's scratch buffer size (bridge_test.go checks it).
const BufSize = 512

// Program is one case: its words (Asm names the ones worth naming in a report) and its initial X0–X30, NZCV
// and scratch buffer, whose address is in X[Base].
type Program struct {
	ID    uint64
	Words []uint32
	Asm   []string
	Regs  [31]uint64
	NZCV  uint64
	Buf   [BufSize]byte
	Base  int
}

// Outcome is what a case left: X0–X30, NZCV and the buffer, or the exception it took.
type Outcome struct {
	Regs                  [31]uint64
	NZCV                  uint64
	Buf                   [BufSize]byte
	Vector, ESR, ELR, FAR uint64
}

// RunPrograms runs progs on qemu-aarch64 (machine false) or on the simulated machine (true).
var RunPrograms func(t *testing.T, progs []*Program, machine bool) []Outcome
