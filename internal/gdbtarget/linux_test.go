package gdbtarget

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/boot"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fdt"
)

// testImage is a 64 KiB arm64 Image (4 KiB pages, anywhere) whose first instruction branches to itself.
func testImage() []byte {
	b := make([]byte, 0x1_0000)
	binary.LittleEndian.PutUint32(b, 0x1400_0000) // b .
	binary.LittleEndian.PutUint64(b[16:], 0x40_0000)
	binary.LittleEndian.PutUint64(b[24:], 0xa)
	copy(b[0x38:], "ARM\x64")
	return b
}

func testPlan(t *testing.T, cfg boot.Config) *boot.Plan {
	t.Helper()
	cfg.Kernel, cfg.RAMBase, cfg.RAMSize = testImage(), target.RAMBase, 128<<20
	if cfg.CPUs == 0 {
		cfg.CPUs, cfg.GIC = 2, 2
	}
	p, err := boot.Load(cfg)
	require.NoError(t, err)
	return p
}

// An Image boots halted at its entry with booting.rst's state, the tree in RAM; a reset and a restart load it
// again; the external route is the default and the only one.
func TestLinuxBoot(t *testing.T) {
	plan := testPlan(t, boot.Config{Initrd: make([]byte, 5000), Cmdline: "console=ttyAMA0"})
	_, err := Start(Config{Linux: plan, Route: RouteKernel, Machine: target.Config{CPUs: 2}})
	require.ErrorIs(t, err, ErrNeedsModelKernel)
	a, err := Start(Config{Linux: plan, Machine: target.Config{CPUs: 2}})
	require.NoError(t, err)
	t.Cleanup(a.haltFree)
	require.IsType(t, externalRoute{}, a.route)
	require.False(t, a.model)
	_, _, ok := a.ExecFile()
	require.False(t, ok, "no --symbols: nothing to serve")

	entry := func() {
		t.Helper()
		c := a.m.CPU(0)
		require.Equal(t, uint64(0x4020_0000), c.Reg(target.RegPC))
		require.Equal(t, plan.DTB.Addr, c.Reg(0))
		for i := 1; i <= 3; i++ {
			require.Zero(t, c.Reg(i))
		}
		require.Equal(t, uint64(0x4000_03c5), c.Reg(target.RegPState))
		require.False(t, a.m.CPU(1).PoweredOn())
		got := make([]byte, len(plan.DTB.Data))
		require.NoError(t, a.m.ReadMemory(plan.DTB.Addr, got))
		require.Equal(t, plan.DTB.Data, got)
	}
	entry()
	addr, blob, ok := a.DTB()
	require.True(t, ok)
	require.Equal(t, plan.DTB.Addr, addr)
	require.Equal(t, plan.DTB.Data, blob)

	clobber := func() {
		c := a.m.CPU(0)
		c.SetReg(0, 0)
		c.SetReg(target.RegPC, 0x4000_1000)
		require.NoError(t, a.m.WriteMemory(plan.DTB.Addr, []byte{0, 0, 0, 0}))
	}
	clobber()
	_, err = monitor(a, "reset")
	require.NoError(t, err)
	entry()
	clobber()
	st, err := a.Restart()
	require.NoError(t, err)
	require.Equal(t, rsp.StopSignal, st.Kind)
	entry()

	out, err := monitor(a, "slots")
	require.NoError(t, err)
	require.Contains(t, out, "bp0  disabled          value 0x0000000000000000 control 0x00000000  owner not known (not the model kernel)\n", "no model-kernel layout is applied to Linux")
}

// Start refuses what cannot go together, and a tree whose CPUs the machine does not have.
func TestLinuxStartRefuses(t *testing.T) {
	plan := testPlan(t, boot.Config{})
	def, err := kernelsim.Default()
	require.NoError(t, err)
	_, err = Start(Config{Linux: plan, Image: def})
	require.ErrorContains(t, err, "both an ELF kernel and a Linux Image")
	knobs := kernelsim.DefaultConfig()
	_, err = Start(Config{Linux: plan, Knobs: &knobs})
	require.ErrorContains(t, err, "a Linux Image has none")

	tree := fdt.NewTree()
	tree.Root.SetU32("#address-cells", 2).SetU32("#size-cells", 2)
	cpus := tree.Root.AddChild("cpus").SetU32("#address-cells", 1).SetU32("#size-cells", 0)
	cpus.AddChild("cpu@0").SetU32("reg", 0)
	cpus.AddChild("cpu@1").SetU32("reg", 0x100)
	user, err := tree.Encode()
	require.NoError(t, err)
	_, err = Start(Config{Linux: testPlan(t, boot.Config{DTB: user}), Machine: target.Config{CPUs: 2}})
	require.ErrorContains(t, err, "the device tree gives cpu 1 affinity 0x100, the machine's MPIDR_EL1 says 0x1")
}

// --symbols replaces what is served and the names reports use.
func TestSymbolFileIsServed(t *testing.T) {
	syms, err := kernelsim.ParseSymbolFile(kernelsim.KernelELF)
	require.NoError(t, err)
	raw := append([]byte(nil), kernelsim.KernelELF...)
	a, err := Start(Config{Linux: testPlan(t, boot.Config{}), Symbols: &SymbolFile{Raw: raw, Symbols: syms},
		ExecName: "/hwbp-gdbstub/vmlinux", Machine: target.Config{CPUs: 2}})
	require.NoError(t, err)
	t.Cleanup(a.haltFree)
	name, data, ok := a.ExecFile()
	require.True(t, ok)
	require.Equal(t, "/hwbp-gdbstub/vmlinux", name)
	require.Equal(t, raw, data)
	addr, _, _ := syms.Lookup(kernelsim.SymWriteWBReg)
	require.Equal(t, "write_wb_reg+0x4", a.syms.Symbolize(addr+4))
}
