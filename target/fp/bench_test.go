package fp

import "testing"

// Per-operation cost, for the interpreter's budget (make bench).

var benchSink uint64

func BenchmarkAddDouble(b *testing.B) {
	x := uint64(0x3ff0000000000001)
	for b.Loop() {
		r, _ := Add(Double, x, 0x3fb999999999999a, 0)
		x ^= r & 1
		benchSink += r
	}
}

func BenchmarkMulAddDouble(b *testing.B) {
	for b.Loop() {
		r, _ := MulAdd(Double, 0xbff0000000000000, 0x3ff0000000000001, 0x3fefffffffffffff, 0)
		benchSink += r
	}
}

func BenchmarkDivSingle(b *testing.B) {
	for b.Loop() {
		r, _ := Div(Single, 0x3f800000, 0x40400000, 0)
		benchSink += r
	}
}

func BenchmarkSqrtDouble(b *testing.B) {
	for b.Loop() {
		r, _ := Sqrt(Double, 0x4000000000000000, 0)
		benchSink += r
	}
}

func BenchmarkConvertDoubleToSingle(b *testing.B) {
	for b.Loop() {
		r, _ := Convert(Double, Single, 0x400921fb54442d18, 0)
		benchSink += r
	}
}
