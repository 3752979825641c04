package target

import (
	"encoding/binary"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/mmu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"
)

// FP and AdvSIMD on the CPU (docs/simd.md, docs/fp.md). Package isa leaves
// every FP/SIMD word UNDEFINED; the general path offers such a word to
// execFPSIMD before raising UNDEFINED. target/simd decodes it and executes
// it on cpu.State.FP; the loads and stores go through access(), as every
// checked access does. CPACR_EL1.FPEN traps all of them, and MRS/MSR of
// FPCR and FPSR, with EC 0x07.

// fpDecodeCache remembers decoded FP/SIMD words by their bits (decoding
// depends on nothing else, so it never needs invalidating): direct-mapped,
// 1024 entries, each with what execFPSIMD asks of the word every time.
type fpDecodeCache [1024]fpDecoded

// fpDecoded is a cached decode: the word, its Inst and the facts about it
// that do not change.
type fpDecoded struct {
	word     uint32
	ok       bool  // the entry holds word
	class    uint8 // fpClassUndefined, fpClassMemory, fpClassGen or fpClassData
	load     bool  // a memory word that loads
	size     uint8 // a memory word's bytes (MemSize)
	align    uint8 // a memory word's alignment: its element's bytes
	readsGen bool  // ReadsGen
	in       simd.Inst
}

const (
	fpClassUndefined = iota
	fpClassMemory    // loads and stores: fpMemory
	fpClassGen       // reads or writes a general register
	fpClassData      // everything else simd.Exec runs on the V registers alone
)

// decode returns w decoded, from the cache when it is there.
func (d *fpDecodeCache) decode(w uint32) *fpDecoded {
	e := &d[(w^w>>10^w>>20)&(uint32(len(d))-1)]
	if !e.ok || e.word != w {
		in := simd.Decode(w)
		*e = fpDecoded{word: w, ok: true, in: in, class: fpClassData, readsGen: in.ReadsGen()}
		switch {
		case in.Op == simd.OpUndefined:
			e.class = fpClassUndefined
		case in.IsMemory():
			e.class, e.load = fpClassMemory, in.IsLoad()
			e.size, e.align = uint8(in.MemSize()), uint8(max(in.Arr.ElemBits()/8, 1))
		case in.ReadsGen() || in.WritesGen():
			e.class = fpClassGen
		}
	}
	return e
}

// fpTrapISS is the ISS of the FP access trap from AArch64: CV = 1, COND = 0xE.
const fpTrapISS = 1<<24 | 0xe<<20

// execFPSIMD executes the word at c.PC if it is an FP/SIMD instruction
// target/simd implements; handled is false otherwise (the caller raises
// UNDEFINED). The outcome is a slow* value.
func (c *CPU) execFPSIMD() (outcome int, handled bool) {
	pc := c.PC
	w := binary.LittleEndian.Uint32(c.m.ram[c.mm.codeOff|pc&(pageSize-1):])
	if c.fpDec == nil {
		c.fpDec = new(fpDecodeCache)
	}
	e := c.fpDec.decode(w)
	if e.class == fpClassUndefined {
		return 0, false
	}
	if c.FPTrapped() {
		c.takeException(cpu.ECFPAccess, fpTrapISS, pc, 0, false)
		return slowRedirect, true
	}
	in := &e.in
	switch e.class {
	case fpClassMemory:
		return c.fpMemory(e, pc), true
	case fpClassData: // no general register: only FCMP/FCCMP/FCSEL touch NZCV
		c.FP.NZCV = uint8(c.NZCV >> 28)
		if !simd.ExecData(in, &c.FP) {
			return 0, false
		}
		c.NZCV = uint64(c.FP.NZCV&15) << 28
		c.PC = pc + 4
		return slowNext, true
	}
	var gen uint64
	if e.readsGen {
		gen = c.X[in.Rn] // register 31 is XZR here: X[31] reads 0
		if in.GenBits == 32 {
			gen = uint64(uint32(gen))
		}
	}
	out, ok := simd.Exec(in, &c.FP, gen)
	if !ok {
		return 0, false
	}
	if in.WritesGen() {
		c.setX(in.Rd, out)
	}
	c.PC = pc + 4
	return slowNext, true
}

// fpMemory executes an FP/SIMD load or store: one access() of its whole
// block (MemSize bytes, contiguous), aligned to its element (the register
// for LDR/STR/LDP/STP), then the base writeback.
func (c *CPU) fpMemory(e *fpDecoded, pc uint64) int {
	in := &e.in
	rn := in.Rn
	if rn == 31 {
		rn = cpu.SlotSP
	}
	addr, newBase, wb := in.Address(c.X[rn], c.X[in.Rm], pc)
	acc := mmu.Write
	if e.load {
		acc = mmu.Read
	}
	n := uint64(e.size)
	kind, off := c.access(addr, n, uint64(e.align), acc)
	if kind == accFault {
		return slowFault
	}
	switch {
	case kind == accRAM && e.load:
		simd.Load(in, &c.FP.V, c.m.ram[off:off+n])
	case kind == accRAM:
		simd.Store(in, &c.FP.V, c.m.ram[off:off+n])
	case !c.fpDevice(e, kind, addr, off):
		return slowFault
	}
	if wb {
		c.X[rn] = newBase
	}
	c.PC = pc + 4
	return slowNext
}

// fpDevice is fpMemory's transfer for a block that is not all in RAM (a
// split or device block), through a buffer.
func (c *CPU) fpDevice(e *fpDecoded, kind int, addr, off uint64) bool {
	var buf [64]byte
	data, align := buf[:e.size], uint64(e.align)
	if e.load {
		if !c.fpGather(kind, addr, off, data, align) {
			return false
		}
		simd.Load(&e.in, &c.FP.V, data)
		return true
	}
	simd.Store(&e.in, &c.FP.V, data)
	return c.fpScatter(kind, addr, off, data, align)
}

// fpGather reads a split or device block into data, a device in accesses of
// its element size (at most 8 bytes).
func (c *CPU) fpGather(kind int, addr, off uint64, data []byte, align uint64) bool {
	lg, step := fpChunk(align)
	for i := uint64(0); i < uint64(len(data)); i += step {
		v, ok := c.load(kind, addr+i, off+i, lg)
		if !ok {
			return false
		}
		for j := uint64(0); j < step; j++ {
			data[i+j] = byte(v >> (8 * j))
		}
	}
	return true
}

// fpScatter writes data to a split or device block.
func (c *CPU) fpScatter(kind int, addr, off uint64, data []byte, align uint64) bool {
	lg, step := fpChunk(align)
	for i := uint64(0); i < uint64(len(data)); i += step {
		var v uint64
		for j := uint64(0); j < step; j++ {
			v |= uint64(data[i+j]) << (8 * j)
		}
		if !c.store(kind, addr+i, off+i, lg, v) {
			return false
		}
	}
	return true
}

// fpChunk is the access size (log2, bytes) a device block is split into.
func fpChunk(align uint64) (lg uint8, step uint64) {
	step = min(align, 8)
	for s := step; s > 1; s >>= 1 {
		lg++
	}
	return lg, step
}

// sysUndefined raises what a refused MRS/MSR of key raises: the FP access
// trap for FPCR and FPSR while CPACR_EL1.FPEN traps, else UNDEFINED.
func (c *CPU) sysUndefined(key uint32) {
	if (key == cpu.KeyFPCR || key == cpu.KeyFPSR) && c.FPTrapped() {
		c.takeException(cpu.ECFPAccess, fpTrapISS, c.PC, 0, false)
		return
	}
	c.undefined()
}

// VReg reads FP/SIMD register Vn (0..31; anything else reads 0) as two
// little-endian halves: [0] is bits 63:0.
func (c *CPU) VReg(n int) [2]uint64 {
	if n < 0 || n > 31 {
		return [2]uint64{}
	}
	return c.FP.V[n]
}

// SetVReg writes Vn (0..31; other n are ignored).
func (c *CPU) SetVReg(n int, v [2]uint64) {
	if n >= 0 && n <= 31 {
		c.FP.V[n] = simd.Vec(v)
	}
}
