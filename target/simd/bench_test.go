package simd

import "testing"

var benchWords = []uint32{0xfd400800, 0x4ea21c41, 0x1f410822, 0x4c407061, 0x4f000400, 0x1e602008, 0x6e004000, 0x4e31b800}

func BenchmarkDecode(b *testing.B) {
	var sink Inst
	for i := 0; b.Loop(); i++ {
		sink = Decode(benchWords[i%len(benchWords)])
	}
	_ = sink
}

// BenchmarkExec runs a mix of integer, permute and FP instructions.
func BenchmarkExec(b *testing.B) {
	var insts []Inst
	for _, w := range []uint32{0x4ea28420, 0x4ea21c41, 0x6e004000, 0x4e31b800, 0x4e22d420, 0x1f420c20, 0x4e823820, 0x0f088420} {
		insts = append(insts, Decode(w))
	}
	var st State
	for i := range st.V {
		st.V[i] = Vec{uint64(i) * 0x0101010101010101, 0x3f8000003f800000}
	}
	for i := 0; b.Loop(); i++ {
		Exec(&insts[i%len(insts)], &st, 0)
	}
}
