package gdbtarget

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// g/G/p/P and m/M through the session reach the real CPU and RAM.
func TestRegistersAndMemoryThroughSession(t *testing.T) {
	a := newTestAdapter(t, RouteExternal)
	cl := session(t, a)
	img, err := kernelsim.Default()
	require.NoError(t, err)
	g := cl.Exchange("g")
	require.Len(t, g, 2*(8*33+4))
	require.Equal(t, fmt.Sprintf("%016x", swap64(img.Entry)), g[2*8*32:2*8*33], "pc at the entry point")
	require.Equal(t, "c5030040", g[2*8*33:], "CPSR at entry, little-endian")

	require.Equal(t, "OK", cl.Exchange("P1="+strings.Repeat("11", 8)))
	require.Equal(t, strings.Repeat("11", 8), cl.Exchange("p1"))
	require.Equal(t, uint64(0x1111111111111111), a.m.CPU(0).Reg(1))
	require.Equal(t, "OK", cl.Exchange("G"+strings.Repeat("00", 16)), "a prefix of whole registers")
	require.Zero(t, a.m.CPU(0).Reg(1))
	require.Equal(t, "E16", cl.Exchange("G"+strings.Repeat("22", 12)), "a block that ends inside a register")
	require.Equal(t, uint64(0x400003c5), a.m.CPU(0).Reg(target.RegPState), "CPSR untouched")
	require.Equal(t, "OK", cl.Exchange("G"+g))
	require.Equal(t, g, cl.Exchange("g"))

	counter := symAddr(t, kernelsim.SymWorkloadCounter)
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("M%x,4:deadbeef", counter)))
	require.Equal(t, "deadbeef", cl.Exchange(fmt.Sprintf("m%x,4", counter)))
	require.Regexp(t, `^E`, cl.Exchange("m10,4"), "outside RAM")
	require.Regexp(t, `^E`, cl.Exchange("M10,1:00"))
	require.Equal(t, "E16", cl.Exchange("Hgp1.5"), "no such thread")
}

func swap64(v uint64) uint64 {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return binary.BigEndian.Uint64(b[:])
}

// Single registers: core registers in gdb's numbering, the debug comparators by physical index, other system
// registers by encoding; wrong threads and numbers are refused.
func TestSingleRegisters(t *testing.T) {
	a := newTestAdapter(t, RouteExternal)
	byName := func(name string) int {
		n, ok := a.desc.Lookup(name)
		require.Truef(t, ok, "register %s", name)
		return n
	}
	for _, c := range []struct {
		name  string
		value uint64
		size  int
	}{
		{"x7", 0x0123456789abcdef, 8},
		{"sp", 0x40100000, 8},
		{"pc", 0x40000010, 8},
		{"cpsr", 0x3c5, 4},
		{"DBGBVR1_EL1", 0x40001000, 8},
		{"DBGWCR2_EL1", 0x1ff5, 8},
		{"MDSCR_EL1", 0x8000, 8},
	} {
		n := byName(c.name)
		v := make([]byte, c.size)
		if c.size == 4 {
			binary.LittleEndian.PutUint32(v, uint32(c.value))
		} else {
			binary.LittleEndian.PutUint64(v, c.value)
		}
		require.NoError(t, a.WriteRegister(2, n, v), c.name)
		got, err := a.ReadRegister(2, n, nil)
		require.NoError(t, err, c.name)
		require.Equal(t, v, got, c.name)
	}
	require.Equal(t, uint64(0x40001000), comparator(a.m.CPU(1), 1, 1), "DBGBVR1 of CPU 1")
	_, err := a.ReadRegister(3, 0, nil)
	require.Equal(t, rsp.EINVAL, err)
	_, err = a.ReadRegister(1, 10000, nil)
	require.Equal(t, rsp.EINVAL, err)
	require.Equal(t, rsp.EINVAL, a.WriteRegister(1, 0, []byte{1}), "short value")
	require.Equal(t, rsp.EINVAL, a.WriteRegister(9, 0, make([]byte, 8)))
	require.Equal(t, rsp.EINVAL, a.WriteRegisters(9, nil))
	_, err = a.ReadRegisters(9, nil)
	require.Equal(t, rsp.EINVAL, err)
}

// What the session asks once: descriptions, the exec file, lldb's facts, thread names.
func TestDescriptions(t *testing.T) {
	a := newTestAdapter(t, RouteKernel)
	xml, ok := a.TargetXML("target.xml")
	require.True(t, ok)
	require.Contains(t, string(xml), "aarch64")
	name, data, ok := a.ExecFile()
	require.True(t, ok)
	require.Equal(t, "/hwbp-gdbstub/kernel.elf", name)
	require.Equal(t, kernelsim.KernelELF, data)
	require.Equal(t, "aarch64-unknown-none", a.Triple())
	require.Equal(t, 4, a.WatchpointSlots())
	info, ok := a.RegisterInfo(aarch64.RegPC)
	require.True(t, ok)
	require.Equal(t, "pc", info.Name)
	require.Equal(t, []int{aarch64.RegFP, aarch64.RegSP, aarch64.RegPC}, a.ExpeditedRegisters())
	require.Equal(t, 2, a.NumThreads())
	require.Equal(t, "CPU#0 MPIDR=0x80000000 [halted]", a.ThreadExtraInfo(1))
	require.Equal(t, "CPU#1 MPIDR=0x80000001 [powered off]", a.ThreadExtraInfo(2))
	require.Empty(t, a.ThreadExtraInfo(3))
	require.True(t, a.StepsAreBounded())
	require.Same(t, a.m, a.Machine())
}

func TestStartRefuses(t *testing.T) {
	_, err := Start(Config{Route: "sideways"})
	require.ErrorContains(t, err, "unknown route")
	_, err = Start(Config{Machine: target.Config{CPUModel: "pentium"}})
	require.Error(t, err)
}

// A kernel without the embedded kernel's debugger entry points (Linux, a test ELF) takes the external route by
// default and refuses the kernel route; points still work, the monitor says what it cannot do, and there is no
// exec file to serve.
func TestForeignKernelTakesTheExternalRoute(t *testing.T) {
	def, err := kernelsim.Default()
	require.NoError(t, err)
	img := *def
	img.Symbols, img.Raw = nil, nil
	_, err = Start(Config{Image: &img, Route: RouteKernel, Machine: target.Config{CPUs: 2}})
	require.ErrorIs(t, err, ErrNeedsModelKernel)
	a, err := Start(Config{Image: &img, Machine: target.Config{CPUs: 2}})
	require.NoError(t, err)
	t.Cleanup(a.haltFree)
	require.IsType(t, externalRoute{}, a.route)
	_, _, ok := a.ExecFile()
	require.False(t, ok)
	cl := session(t, a)
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z2,%x,8", def.Entry+0x1000)))
	_, err = monitor(a, "kernel")
	require.Error(t, err)
	out, err := monitor(a, "livelock")
	require.NoError(t, err)
	require.Equal(t, "no livelock detected\n", out)
}
