package gdbtarget

import (
	"encoding/binary"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// The org.gnu.gdb.aarch64.fpu registers: v0–v31 (16 bytes, little-endian,
// lane 0 first), fpsr and fpcr (4 bytes; as MSR/MRS, only their
// implemented bits are kept).

// FPCR and FPSR encodings (op0, op1, CRn, CRm, op2 = 3, 3, 4, 4, 0/1).
const fpsrOp2, fpcrOp2 = 1, 0

// readFPReg appends FP/SIMD register r of c to dst.
func (a *Adapter) readFPReg(c *target.CPU, r aarch64.Reg, dst []byte) ([]byte, error) {
	if r.Size == 16 {
		v := c.VReg(r.Regnum - a.desc.FPUFirst())
		dst = binary.LittleEndian.AppendUint64(dst, v[0])
		return binary.LittleEndian.AppendUint64(dst, v[1]), nil
	}
	v, ok := c.SysReg(3, 3, 4, 4, fpOp2(r.Name))
	if !ok {
		return dst, rsp.EINVAL
	}
	return binary.LittleEndian.AppendUint32(dst, uint32(v)), nil
}

// writeFPReg writes FP/SIMD register r of c from value (at least r.Size bytes).
func (a *Adapter) writeFPReg(c *target.CPU, r aarch64.Reg, value []byte) error {
	if r.Size == 16 {
		c.SetVReg(r.Regnum-a.desc.FPUFirst(), [2]uint64{binary.LittleEndian.Uint64(value), binary.LittleEndian.Uint64(value[8:])})
		return nil
	}
	if !c.SetSysReg(3, 3, 4, 4, fpOp2(r.Name), uint64(binary.LittleEndian.Uint32(value))) {
		return rsp.EINVAL
	}
	return nil
}

func fpOp2(name string) int {
	if name == "fpsr" {
		return fpsrOp2
	}
	return fpcrOp2
}
