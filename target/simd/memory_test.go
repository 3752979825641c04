package simd

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAddress(t *testing.T) {
	for _, c := range []struct {
		word            uint32
		base, index, pc uint64
		addr, newBase   uint64
		writeBack       bool
		size            int
	}{
		{0x9c002000, 0, 0, 0x1000, 0x1400, 0, false, 16},             // ldr q0, .+1024
		{0x1cffffe0, 0, 0, 0x1000, 0xffc, 0, false, 4},               // ldr s0, .-4
		{0x6dbf27e8, 0x100, 0, 0, 0xf0, 0xf0, true, 16},              // stp d8, d9, [sp, #-16]!
		{0x2cc10400, 0x100, 0, 0, 0x100, 0x108, true, 8},             // ldp s0, s1, [x0], #8
		{0x3ce2d820, 0x100, 0xffffffff, 0, 0xf0, 0x100, false, 16},   // ldr q0, [x1, w2, sxtw #4]
		{0x7c624829, 0x100, 0x1_00000002, 0, 0x102, 0x100, false, 2}, // ldr h9, [x1, w2, uxtw]
		{0x4cc26c20, 0x100, 0x30, 0, 0x100, 0x130, true, 48},         // ld1 {v0.2d-v2.2d}, [x1], x2
		{0x4dbfa400, 0x100, 0, 0, 0x100, 0x120, true, 32},            // st4 {v0.d-v3.d}[1], [x0], #32
		{0x0dffc000, 0x100, 0, 0, 0x100, 0x102, true, 2},             // ld2r {v0.8b, v1.8b}, [x0], #2
	} {
		in := Decode(c.word)
		addr, nb, wb := in.Address(c.base, c.index, c.pc)
		assert.Equal(t, []any{c.addr, c.newBase, c.writeBack, c.size}, []any{addr, nb, wb, in.MemSize()}, "%08x %s", c.word, in)
	}
}

func TestLoadStoreLayout(t *testing.T) {
	data := make([]byte, 64)
	for i := range data {
		data[i] = byte(i)
	}
	var v [32]Vec
	// ld4 {v30.16b, v31.16b, v0.16b, v1.16b}: the list wraps, bytes interleave
	in := Inst{Op: OpLD4, Arr: Arr16B, Rd: 30, Count: 4, Addr: AddrOffset}
	Load(&in, &v, data)
	assert.Equal(t, bytesVec(0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60), v[30])
	assert.Equal(t, bytesVec(3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63), v[1])
	out := make([]byte, 64)
	Store(&Inst{Op: OpST4, Arr: Arr16B, Rd: 30, Count: 4}, &v, out)
	assert.Equal(t, data, out, "ST4 undoes LD4")
	// a lane load keeps the other lanes; LD1R replicates and clears the top of 8B
	v[5] = Vec{^uint64(0), ^uint64(0)}
	Load(&Inst{Op: OpLD1Lane, Arr: ArrH, Rd: 5, Index: 7, Count: 1}, &v, data[10:])
	assert.Equal(t, Vec{^uint64(0), 0x0b0affffffffffff}, v[5])
	Load(&Inst{Op: OpLD1R, Arr: Arr8B, Rd: 5, Count: 1}, &v, data[9:])
	assert.Equal(t, Vec{0x0909090909090909, 0}, v[5])
	// LDR S zeroes the rest of the register
	Load(&Inst{Op: OpLDR, Arr: ArrS, Rd: 5}, &v, data[4:])
	assert.Equal(t, Vec{0x07060504, 0}, v[5])
}
