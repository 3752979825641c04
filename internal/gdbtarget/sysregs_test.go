package gdbtarget

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// Every system register the description offers gdb is one the machine implements: `info registers system`
// must not stop at a register the CPU refuses.
func TestEveryDescribedSysRegReads(t *testing.T) {
	a := newTestAdapter(t, RouteExternal)
	for n := aarch64.NumCoreRegs; n < a.desc.NumRegs(); n++ {
		r, _ := a.desc.Reg(n)
		for tid := 1; tid <= a.m.NumCPUs(); tid++ {
			b, err := a.ReadRegister(tid, n, nil)
			require.NoError(t, err, "%s on thread %d", r.Name, tid)
			require.Len(t, b, r.Size, r.Name)
		}
	}
}

// Registers gdb reads by name hold what the CPU holds; QEMU's spellings read the same register; writes reach
// the CPU where it allows them and are refused where it does not.
func TestKernelSysRegs(t *testing.T) {
	a := newTestAdapter(t, RouteExternal)
	read, write := sysRegAccess(t, a)
	c := a.m.CPU(0)
	sctlr, ok := c.SysReg(3, 0, 1, 0, 0)
	require.True(t, ok)
	require.Equal(t, sctlr, read("SCTLR_EL1"))
	require.Equal(t, sctlr, read("SCTLR"))
	require.Equal(t, uint64(0x411fd070), read("MIDR_EL1"))
	require.NotZero(t, read("CNTFRQ_EL0"))

	require.NoError(t, write("TPIDR_EL1", 0x1234))
	require.Equal(t, uint64(0x1234), read("TPIDR_EL1"))
	v, _ := c.SysReg(3, 0, 13, 0, 4)
	require.Equal(t, uint64(0x1234), v)
	require.NoError(t, write("VBAR", 0x4000_0800))
	require.Equal(t, uint64(0x4000_0800), read("VBAR_EL1"))
}

// sysRegAccess reads and writes thread 1's registers by name, as gdb's p and P do.
func sysRegAccess(t *testing.T, a *Adapter) (read func(string) uint64, write func(string, uint64) error) {
	read = func(name string) uint64 {
		n, ok := a.desc.Lookup(name)
		require.True(t, ok, name)
		b, err := a.ReadRegister(1, n, nil)
		require.NoError(t, err, name)
		return binary.LittleEndian.Uint64(b)
	}
	write = func(name string, v uint64) error {
		n, ok := a.desc.Lookup(name)
		require.True(t, ok, name)
		return a.WriteRegister(1, n, binary.LittleEndian.AppendUint64(nil, v))
	}
	return read, write
}

// SP_EL0 and SP_EL1 are the live SP for the mode that uses it and the banked copy otherwise; reading or
// writing one leaves the CPU's mode as it was.
func TestBankedSP(t *testing.T) {
	a := newTestAdapter(t, RouteExternal)
	read, write := sysRegAccess(t, a)
	c := a.m.CPU(0)
	el1h := c.Reg(target.RegPState)
	require.Equal(t, uint64(0x5), el1h&0xf, "the entry is EL1h")
	c.SetReg(target.RegSP, 0x4010_0000)
	require.Equal(t, uint64(0x4010_0000), read("SP_EL1"))
	require.NoError(t, write("SP_EL0", 0x4020_0000))
	require.Equal(t, uint64(0x4010_0000), c.Reg(target.RegSP), "SP_EL0 is banked at EL1h")
	require.Equal(t, uint64(0x4020_0000), read("SP_EL0"))
	require.Equal(t, el1h, c.Reg(target.RegPState))

	el1t := el1h &^ 1
	c.SetReg(target.RegPState, el1t)
	require.Equal(t, uint64(0x4020_0000), c.Reg(target.RegSP), "EL1t uses SP_EL0")
	require.Equal(t, uint64(0x4020_0000), read("SP_EL0"))
	require.Equal(t, uint64(0x4010_0000), read("SP_EL1"))
	require.NoError(t, write("SP_EL1", 0x4030_0000))
	require.NoError(t, write("SP_EL0", 0x4040_0000))
	require.Equal(t, uint64(0x4040_0000), c.Reg(target.RegSP))
	require.Equal(t, el1t, c.Reg(target.RegPState))
	c.SetReg(target.RegPState, el1h)
	require.Equal(t, uint64(0x4030_0000), c.Reg(target.RegSP))
}
