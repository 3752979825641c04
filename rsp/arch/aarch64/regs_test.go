package aarch64

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

func TestNumbering(t *testing.T) {
	d := New(6, 4)
	// 34 core + 6*2 + 4*2 comparators + 10 debug/exception registers + 29 kernel registers + 4 QEMU spellings
	// + v0–v31, fpsr, fpcr
	require.Equal(t, 34+12+8+10+29+4, d.FPUFirst())
	require.Equal(t, 34+12+8+10+29+4, NumCoreRegs+d.NumSysRegs())
	require.Equal(t, d.FPUFirst()+34, d.NumRegs())
	cases := []struct {
		name   string
		regnum int
		size   int
	}{
		{"x0", 0, 8}, {"x30", 30, 8}, {"sp", 31, 8}, {"pc", 32, 8}, {"cpsr", 33, 4},
		{"DBGBVR0_EL1", 34, 8}, {"DBGBVR5_EL1", 39, 8}, {"DBGBCR0_EL1", 40, 8},
		{"DBGWVR0_EL1", 46, 8}, {"DBGWCR3_EL1", 53, 8}, {"MDSCR_EL1", 54, 8}, {"CurrentEL", 63, 8},
		{"SCTLR_EL1", 64, 8}, {"SP_EL0", 76, 8}, {"SP_EL1", 77, 8}, {"ID_AA64MMFR0_EL1", 92, 8},
		{"SCTLR", 93, 8}, {"CNTKCTL", 96, 8},
		{"v0", 97, 16}, {"v31", 128, 16}, {"fpsr", 129, 4}, {"fpcr", 130, 4},
	}
	for _, c := range cases {
		n, ok := d.Lookup(c.name)
		require.True(t, ok, c.name)
		require.Equal(t, c.regnum, n, c.name)
		r, ok := d.Reg(n)
		require.True(t, ok)
		require.Equal(t, c.size, r.Size, c.name)
		require.Equal(t, c.name, r.Name)
	}
	_, ok := d.Reg(d.NumRegs())
	require.False(t, ok)
	_, ok = d.Reg(-1)
	require.False(t, ok)
}

func TestEncodings(t *testing.T) {
	d := New(20, 4)
	get := func(name string) SysReg {
		n, ok := d.Lookup(name)
		require.True(t, ok, name)
		r, _ := d.Reg(n)
		require.NotNil(t, r.Sys)
		return *r.Sys
	}
	require.Equal(t, SysReg{Name: "DBGBCR3_EL1", Op0: 2, CRm: 3, Op2: 5}, get("DBGBCR3_EL1"))
	require.Equal(t, SysReg{Name: "DBGBVR17_EL1", Op0: 2, CRm: 1, Op2: 4, Bank: 1}, get("DBGBVR17_EL1"))
	require.Equal(t, SysReg{Name: "DBGWVR2_EL1", Op0: 2, CRm: 2, Op2: 6}, get("DBGWVR2_EL1"))
	require.Equal(t, SysReg{Name: "MDSCR_EL1", Op0: 2, CRm: 2, Op2: 2}, get("MDSCR_EL1"))
	require.Equal(t, SysReg{Name: "OSLSR_EL1", Op0: 2, CRn: 1, CRm: 1, Op2: 4}, get("OSLSR_EL1"))
	require.Equal(t, SysReg{Name: "ESR_EL1", Op0: 3, CRn: 5, CRm: 2}, get("ESR_EL1"))
	require.Equal(t, SysReg{Name: "VBAR_EL1", Op0: 3, CRn: 12}, get("VBAR_EL1"))
	require.Equal(t, SysReg{Name: "ID_AA64DFR0_EL1", Op0: 3, CRm: 5}, get("ID_AA64DFR0_EL1"))
	require.Equal(t, SysReg{Name: "CurrentEL", Op0: 3, CRn: 4, CRm: 2, Op2: 2}, get("CurrentEL"))
	require.Equal(t, SysReg{Name: "MPIDR_EL1", Op0: 3, Op2: 5}, get("MPIDR_EL1"))
	require.Equal(t, SysReg{Name: "TTBR1_EL1", Op0: 3, CRn: 2, Op2: 1}, get("TTBR1_EL1"))
	require.Equal(t, SysReg{Name: "CNTV_CTL_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 3, Op2: 1}, get("CNTV_CTL_EL0"))
	require.Equal(t, SPEL1, get("SP_EL1"))
	for alias, name := range map[string]string{"SCTLR": "SCTLR_EL1", "VBAR": "VBAR_EL1", "CPACR": "CPACR_EL1", "CNTKCTL": "CNTKCTL_EL1"} {
		a, r := get(alias), get(name)
		a.Name, r.Name = "", ""
		require.Equal(t, r, a, "QEMU's %s is %s", alias, name)
	}
	seen := map[SysReg]string{}
	for n := NumCoreRegs; n < d.FPUFirst(); n++ {
		r, _ := d.Reg(n)
		enc := *r.Sys
		enc.Name = ""
		if prev, dup := seen[enc]; dup {
			require.Contains(t, []string{"SCTLR", "VBAR", "CPACR", "CNTKCTL"}, r.Name, "%s has %s's encoding", r.Name, prev)
		}
		seen[enc] = r.Name
	}
}

func TestClamp(t *testing.T) {
	require.Equal(t, 1, New(0, -3).Breakpoints())
	require.Equal(t, 64, New(100, 100).Watchpoints())
}

// TestXMLWellFormed parses every document and checks the regnums in the
// XML agree with the numbering helpers.
func TestXMLWellFormed(t *testing.T) {
	d := New(6, 4)
	type reg struct {
		Name    string `xml:"name,attr"`
		Bitsize int    `xml:"bitsize,attr"`
		Regnum  int    `xml:"regnum,attr"`
	}
	type feature struct {
		Name string `xml:"name,attr"`
		Regs []reg  `xml:"reg"`
	}
	seen := 0
	for _, annex := range []string{"aarch64-core.xml", "hwbp-sysregs.xml", "aarch64-fpu.xml"} {
		doc, ok := d.TargetXML(annex)
		require.True(t, ok)
		var f feature
		require.NoError(t, xml.Unmarshal(doc, &f), annex)
		for _, r := range f.Regs {
			n, ok := d.Lookup(r.Name)
			require.True(t, ok, r.Name)
			require.Equal(t, n, r.Regnum, r.Name)
			reg, _ := d.Reg(n)
			require.Equal(t, reg.Size*8, r.Bitsize, r.Name)
			seen++
		}
	}
	require.Equal(t, d.NumRegs(), seen)
	top, ok := d.TargetXML("target.xml")
	require.True(t, ok)
	require.Contains(t, string(top), "<architecture>aarch64</architecture>")
	require.Contains(t, string(top), `href="hwbp-sysregs.xml"`)
	require.Contains(t, string(top), `href="aarch64-fpu.xml"`)
	fpu, _ := d.TargetXML("aarch64-fpu.xml")
	require.Contains(t, string(fpu), `<feature name="org.gnu.gdb.aarch64.fpu">`)
	require.Contains(t, string(fpu), `<reg name="v0" bitsize="128" type="aarch64v"`)
	_, ok = d.TargetXML("other.xml")
	require.False(t, ok)
	core, _ := d.TargetXML("aarch64-core.xml")
	require.True(t, strings.Contains(string(core), `name="cpsr" bitsize="32"`))
}

func TestRegisterInfo(t *testing.T) {
	d := New(6, 4)
	pc, ok := d.RegisterInfo(RegPC)
	require.True(t, ok)
	require.Equal(t, "pc", pc.Generic)
	require.Equal(t, 32*8, pc.Offset)
	cpsr, _ := d.RegisterInfo(RegCPSR)
	require.Equal(t, 32, cpsr.BitSize)
	first, _ := d.RegisterInfo(NumCoreRegs)
	require.Equal(t, CoreBlockSize, first.Offset)
	require.Equal(t, "System Registers", first.Set)
	v1, _ := d.RegisterInfo(d.FPUFirst() + 1)
	require.Equal(t, rsp.RegisterInfo{Name: "v1", BitSize: 128, Offset: v1.Offset, Encoding: "vector", Format: "vector-uint8",
		Set: "Floating Point Registers", DWARF: 65}, v1)
	fpcr, _ := d.RegisterInfo(d.FPUFirst() + 33)
	require.Equal(t, "fpcr", fpcr.Name)
	require.Equal(t, 32, fpcr.BitSize)
	_, ok = d.RegisterInfo(d.NumRegs())
	require.False(t, ok)
}
