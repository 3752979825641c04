package target

import "testing"

func BenchmarkRegLoop(b *testing.B) {
	saved := benchLoop
	benchLoop = []uint32{0x91000463, 0x91000884, 0xca0300a5, 0x91000cc6, 0xf1000400, 0x54ffff61, 0xd503207f, 0x17ffffff}
	defer func() { benchLoop = saved }()
	benchmarkLoop(b, 1)
}
