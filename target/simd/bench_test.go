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

// BenchmarkExecFPHot runs the FP words of target's BenchmarkFPSIMDLoop (fmla v1.4s, v0.4s, v2.4s;
// fadd d3, d3, d4) and fadd v.2d, fmul v.4s on zero registers, on normal values with IXC clear,
// and with IXC already set.
func BenchmarkExecFPHot(b *testing.B) {
	insts := []Inst{Decode(0x4e22cc01), Decode(0x1e642863), Decode(0x4e64d463), Decode(0x6e22dc01)}
	for _, tc := range []struct {
		name string
		v    Vec
		fpsr uint32
	}{{"zero", Vec{}, 0}, {"normal", Vec{0x3ff8000000000000, 0x3fc000003f800000}, 0},
		{"normal-ixc", Vec{0x3ff8000000000000, 0x3fc000003f800000}, 0x10}} {
		b.Run(tc.name, func(b *testing.B) {
			var st State
			for i := 0; b.Loop(); i++ {
				if i&1023 == 0 {
					for r := range st.V {
						st.V[r] = tc.v
					}
					st.FPSR = tc.fpsr
				}
				Exec(&insts[i&3], &st, 0)
			}
		})
	}
}
