package difftest

import (
	"encoding/binary"
	"fmt"
)

// LoadAddr is where the image sits on both machines (the start of the virt RAM).
const LoadAddr = 0x4000_0000

// Record layout of one case in the data area. Every case runs twice from the
// same code (the second time the decoded-instruction caches of both machines
// are warm): pass 1 with SP at the record, pass 2 with SP at record+passStride.
// Both passes start from the same registers and flags; pass 2 sees the buffer
// as pass 1 left it.
const (
	recIn      = 0    // pass 1: X0..X30, NZCV loaded by the prologue
	recOut     = 256  // pass 1: X0..X30, NZCV stored by the epilogue
	passStride = 576  // pass 2's in/out pair follows, after 64 free bytes for frames below SP
	recMeta    = 1088 // resume address, then ESR, ELR, FAR, vector|0x100 if an exception was taken
	recBuf     = 1152 // the scratch buffer, seeded, then read back
	recSize    = recBuf + BufSize
	recStride  = recSize + 512    // a guard gap between records
	outSize    = recSize - recOut // what a case reports: everything from pass 1's out regs on

	// Image data area (offsets from the data start).
	dataMode   = 0   // u32: 0 = Linux user (qemu-aarch64), 1 = bare machine
	dataCur    = 8   // u64: address of the record of the running case
	dataFaults = 16  // u64: exceptions taken so far (bare machine)
	dataRecord = 256 // first record
)

// maxFaults bounds the exceptions one bare-machine run may take before the
// vector stub gives up and powers off (a simulator bug could otherwise loop).
const maxFaults = 1 << 16

// Mode values of the image's mode word.
const (
	ModeLinux = 0
	ModeBare  = 1
)

// Image is the flat program for one batch of sequences.
type Image struct {
	Bytes    []byte   // the image at LoadAddr, mode word = ModeLinux
	Seqs     []*Seq   // the cases, in order
	SeqStart []uint64 // address of each case's first sequence instruction
	SeqWords [][]Inst // the sequence instructions as placed
	caseEnd  []uint64 // address just past each case's code
	modeOff  int
	curOff   int
	recOff   []int
}

// Result is what one case leaves behind.
type Result struct {
	Regs  [31]uint64 // after pass 2
	NZCV  uint64
	Regs1 [31]uint64 // after pass 1
	NZCV1 uint64
	Buf   [BufSize]byte // after pass 2
	// Set when the case took an exception (bare machine only): the vector
	// offset index (0..15) + 0x100, and the syndrome registers.
	Vector, ESR, ELR, FAR uint64
}

// Faulted says whether the case ended in an exception instead of finishing.
func (r *Result) Faulted() bool { return r.Vector != 0 }

// asm accumulates instruction words at a known address.
type asm struct {
	base  uint64
	words []uint32
	insts []Inst // the same, with their text, for the encoding tests
}

func (a *asm) pc() uint64 { return a.base + 4*uint64(len(a.words)) }
func (a *asm) emit(is ...Inst) {
	for _, i := range is {
		a.words = append(a.words, i.Word)
		a.insts = append(a.insts, i)
	}
}

// movAddr loads a 32-bit address into rd (all image addresses are below 4 GiB).
func movAddr(rd int, addr uint64) []Inst {
	return []Inst{MoveWide(true, 2, rd, uint32(addr&0xffff), 0), MoveWide(true, 3, rd, uint32(addr>>16&0xffff), 1)}
}

// psciOff is PSCI SYSTEM_OFF over HVC.
func psciOff() []Inst {
	return []Inst{MoveWide(true, 2, 0, 0x0008, 0), MoveWide(true, 3, 0, 0x8400, 1), Hvc0, Branch(0)}
}

// layout is the set of addresses the code refers to; pass one finds them.
type layout struct {
	finish, report, vectors, faultCommon, data uint64
}

// BuildImage lays out the batch: code, vector table, data (mode, fault info, records).
func BuildImage(seqs []*Seq) *Image {
	var lay layout
	im, a := emitCode(seqs, lay)
	lay = layout{finish: im.finishAddr, report: im.reportAddr, vectors: im.vectorsAddr, faultCommon: im.faultAddr, data: (a.pc() + 0xfff) &^ 0xfff}
	im, a = emitCode(seqs, lay)
	if a.pc() > lay.data {
		panic("difftest: layout changed between passes") // unreachable: both passes emit the same lengths
	}
	img := make([]byte, int(lay.data-LoadAddr)+dataRecord+len(seqs)*recStride)
	for i, w := range a.words {
		binary.LittleEndian.PutUint32(img[4*i:], w)
	}
	out := &Image{Bytes: img, Seqs: seqs, SeqStart: im.seqStart, SeqWords: im.seqWords, caseEnd: im.caseEnd}
	dataOff := int(lay.data - LoadAddr)
	out.modeOff = dataOff + dataMode
	out.curOff = dataOff + dataCur
	for i, s := range seqs {
		off := dataOff + dataRecord + i*recStride
		out.recOff = append(out.recOff, off)
		regs := s.Regs
		regs[s.Base] = LoadAddr + uint64(off+recBuf+s.BaseOff)
		for _, in := range []int{recIn, recIn + passStride} {
			for r, v := range regs {
				binary.LittleEndian.PutUint64(img[off+in+8*r:], v)
			}
			binary.LittleEndian.PutUint64(img[off+in+248:], s.NZCV)
		}
		binary.LittleEndian.PutUint64(img[off+recMeta:], im.caseEnd[i])
		copy(img[off+recBuf:], s.Buf[:])
	}
	return out
}

type codeInfo struct {
	finishAddr, reportAddr, vectorsAddr, faultAddr uint64
	seqStart, caseEnd                              []uint64
	seqWords                                       [][]Inst
}

func emitCode(seqs []*Seq, lay layout) (*codeInfo, *asm) {
	a := &asm{base: LoadAddr}
	ci := &codeInfo{}
	modeAddr := lay.data + dataMode
	rec := func(i int) uint64 { return lay.data + dataRecord + uint64(i*recStride) }

	// Entry: on the bare machine point VBAR_EL1 at our vectors first and
	// enable FP/SIMD (CPACR_EL1.FPEN = 0b11), as Linux does for user mode.
	a.emit(movAddr(9, modeAddr)...)
	a.emit(LdStUImm(MemLoad, 2, 9, 9, 0))
	a.emit(CompareBranch(false, false, 9, 4*7)) // cbz w9, past the 6 below
	a.emit(movAddr(0, lay.vectors)...)
	a.emit(msrVBAR(0))
	a.emit(MoveWide(true, 2, 0, 0x30, 1), Inst{Word: 0xd5181040, Asm: "msr cpacr_el1, x0"}, Isb)

	for i, s := range seqs {
		const prologueWords = 25 // up to the sequence start
		for (a.pc()+4*prologueWords)%16 != 0 {
			a.emit(Nop)
		}
		a.emit(movAddr(0, rec(i))...)
		a.emit(movAddr(9, lay.data+dataCur)...)
		a.emit(LdStUImm(MemStore, 3, 0, 9, 0))
		a.emit(AddSubImm(true, false, false, 31, 0, 0, false)) // mov sp, x0
		loop := a.pc()
		a.emit(Clrex)
		a.emit(LdStUImm(MemLoad, 3, 0, 31, 248/8), MsrNZCV(0))
		for r := 0; r < 30; r += 2 {
			a.emit(LdStPair(PairX, PairOff, true, r, r+1, 31, int32(r)))
		}
		a.emit(LdStUImm(MemLoad, 3, 30, 31, 240/8))
		ci.seqStart = append(ci.seqStart, a.pc())
		words := s.Words()
		ci.seqWords = append(ci.seqWords, words)
		a.emit(words...)
		for r := 0; r < 30; r += 2 {
			a.emit(LdStPair(PairX, PairOff, false, r, r+1, 31, int32((recOut+8*r)/8)))
		}
		a.emit(LdStUImm(MemStore, 3, 30, 31, (recOut+240)/8))
		a.emit(MrsNZCV(0), LdStUImm(MemStore, 3, 0, 31, (recOut+248)/8))
		// After pass 1 (SP at the record) move SP to pass 2's pair and go again.
		a.emit(AddSubImm(true, false, false, 0, 31, 0, false)) // mov x0, sp
		a.emit(movAddr(1, rec(i))...)
		a.emit(AddSubShifted(true, true, true, zr, 0, 1, 0, 0)) // cmp x0, x1
		a.emit(BCond(1, 4*3))                                   // b.ne past the next two
		a.emit(AddSubImm(true, false, false, 31, 31, passStride, false))
		a.emit(Branch(int32(int64(loop) - int64(a.pc()))))
		a.emit(Bl(int32(int64(lay.report) - int64(a.pc()))))
		ci.caseEnd = append(ci.caseEnd, a.pc())
	}

	// finish: exit(0) under Linux, PSCI SYSTEM_OFF on the bare machine.
	ci.finishAddr = a.pc()
	a.emit(movAddr(9, modeAddr)...)
	a.emit(LdStUImm(MemLoad, 2, 9, 9, 0))
	a.emit(CompareBranch(false, true, 9, 4*4)) // cbnz w9, psci
	a.emit(MoveWide(true, 2, 0, 0, 0), MoveWide(true, 2, 8, 93, 0), Svc0)
	a.emit(psciOff()...)

	// report: under Linux write(1, record+recOut, outSize); nothing on the bare machine.
	ci.reportAddr = a.pc()
	a.emit(movAddr(9, modeAddr)...)
	a.emit(LdStUImm(MemLoad, 2, 9, 9, 0))
	a.emit(CompareBranch(false, true, 9, 4*9)) // cbnz w9, ret
	a.emit(MoveWide(true, 2, 0, 1, 0))
	a.emit(movAddr(1, lay.data+dataCur)...)
	a.emit(LdStUImm(MemLoad, 3, 1, 1, 0), AddSubImm(true, false, false, 1, 1, recOut, false))
	a.emit(MoveWide(true, 2, 2, outSize, 0), MoveWide(true, 2, 8, 64, 0), Svc0)
	a.emit(Ret)

	// Vector table (2 KiB aligned): record which vector, then the common tail.
	for a.pc()%2048 != 0 {
		a.emit(Nop)
	}
	ci.vectorsAddr = a.pc()
	for v := range 16 {
		entry := a.pc()
		a.emit(MoveWide(true, 2, 4, uint32(0x100|v), 0))
		a.emit(Branch(int32(int64(lay.faultCommon) - int64(a.pc()))))
		for a.pc() < entry+0x80 {
			a.emit(Nop)
		}
	}
	// Common tail: note the exception in the running case's record and go on
	// with the next case; give up after maxFaults. SP is not trusted here.
	ci.faultAddr = a.pc()
	a.emit(movAddr(0, lay.data+dataFaults)...)
	a.emit(LdStUImm(MemLoad, 3, 1, 0, 0), AddSubImm(true, false, false, 1, 1, 1, false), LdStUImm(MemStore, 3, 1, 0, 0))
	a.emit(AddSubImm(true, true, true, zr, 1, maxFaults>>12, true)) // cmp x1, #maxFaults
	a.emit(BCond(2, 4*11))                                          // b.hs power off
	a.emit(mrsEL1(1, 5, 2, 0, "esr_el1"), mrsEL1(2, 4, 0, 1, "elr_el1"), mrsEL1(3, 6, 0, 0, "far_el1"))
	a.emit(movAddr(0, lay.data+dataCur)...)
	a.emit(LdStUImm(MemLoad, 3, 0, 0, 0), AddSubImm(true, false, false, 0, 0, recMeta, false))
	a.emit(LdStPair(PairX, PairOff, false, 1, 2, 0, 1), LdStPair(PairX, PairOff, false, 3, 4, 0, 3))
	a.emit(LdStUImm(MemLoad, 3, 0, 0, 0))
	a.emit(Inst{Word: 0xd61f0000, Asm: "br x0"})
	a.emit(psciOff()...)
	return ci, a
}

// WithMode returns a copy of the image bytes with the mode word set.
func (im *Image) WithMode(mode uint32) []byte {
	b := append([]byte(nil), im.Bytes...)
	binary.LittleEndian.PutUint32(b[im.modeOff:], mode)
	return b
}

// RecordAddr is the address of case i's record (out regs at +256, buffer at +512).
func (im *Image) RecordAddr(i int) uint64 { return LoadAddr + uint64(im.recOff[i]) }

// CurrentCaseAddr is where the prologue notes the record of the running case.
func (im *Image) CurrentCaseAddr() uint64 { return LoadAddr + uint64(im.curOff) }

// CaseOfRecord maps a record address back to its case index, or -1.
func (im *Image) CaseOfRecord(addr uint64) int {
	for i := range im.recOff {
		if im.RecordAddr(i) == addr {
			return i
		}
	}
	return -1
}

// CaseAt names the case whose code contains pc, or -1.
func (im *Image) CaseAt(pc uint64) int {
	for i := range im.SeqStart {
		if pc < im.caseEnd[i] {
			if i == 0 && pc < im.SeqStart[0]-4*32 {
				return -1
			}
			return i
		}
	}
	return -1
}

// ELF wraps the Linux-mode image in a minimal static AArch64 executable: one
// RWX PT_LOAD at LoadAddr, entry at LoadAddr, no sections.
func (im *Image) ELF() []byte {
	const hdr = 0x1000
	img := im.WithMode(ModeLinux)
	f := make([]byte, hdr+len(img))
	copy(f, []byte{0x7f, 'E', 'L', 'F', 2 /*64-bit*/, 1 /*LE*/, 1 /*version*/})
	le := binary.LittleEndian
	le.PutUint16(f[16:], 2)   // ET_EXEC
	le.PutUint16(f[18:], 183) // EM_AARCH64
	le.PutUint32(f[20:], 1)
	le.PutUint64(f[24:], LoadAddr) // entry
	le.PutUint64(f[32:], 64)       // phoff
	le.PutUint16(f[52:], 64)       // ehsize
	le.PutUint16(f[54:], 56)       // phentsize
	le.PutUint16(f[56:], 1)        // phnum
	le.PutUint16(f[58:], 64)       // shentsize
	ph := f[64:]
	le.PutUint32(ph[0:], 1)   // PT_LOAD
	le.PutUint32(ph[4:], 7)   // RWX
	le.PutUint64(ph[8:], hdr) // offset
	le.PutUint64(ph[16:], LoadAddr)
	le.PutUint64(ph[24:], LoadAddr)
	le.PutUint64(ph[32:], uint64(len(img)))
	le.PutUint64(ph[40:], uint64(len(img)))
	le.PutUint64(ph[48:], 0x1000)
	copy(f[hdr:], img)
	return f
}

// ParseResults decodes the concatenated per-case reports (outSize bytes each).
// It returns the complete records it found and an error if the stream is
// longer than want records or ends inside one.
func ParseResults(out []byte, want int) ([]Result, error) {
	var res []Result
	for len(out) >= outSize {
		if len(res) == want {
			return res, fmt.Errorf("difftest: %d extra bytes after %d results", len(out), want)
		}
		res = append(res, decodeResult(out[:outSize]))
		out = out[outSize:]
	}
	if len(out) != 0 {
		return res, fmt.Errorf("difftest: %d trailing bytes after %d results", len(out), len(res))
	}
	return res, nil
}

func decodeResult(b []byte) Result {
	var r Result
	for i := range r.Regs {
		r.Regs[i] = binary.LittleEndian.Uint64(b[passStride+8*i:])
	}
	le := binary.LittleEndian
	r.NZCV1 = le.Uint64(b[248:])
	for i := range r.Regs1 {
		r.Regs1[i] = le.Uint64(b[8*i:])
	}
	p2 := b[passStride:]
	r.NZCV = le.Uint64(p2[248:])
	m := b[recMeta-recOut:]
	r.ESR, r.ELR, r.FAR, r.Vector = le.Uint64(m[8:]), le.Uint64(m[16:]), le.Uint64(m[24:]), le.Uint64(m[32:])
	copy(r.Buf[:], b[recBuf-recOut:])
	return r
}
