package target

import "github.com/hwbp-gdbstub/hwbp-gdbstub/target/simd"

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
