package aarch64

import (
	"fmt"
	"strings"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

// Core register numbers (gdb's AArch64 numbering).
const (
	RegX0         = 0
	RegFP         = 29 // x29
	RegLR         = 30 // x30
	RegSP         = 31
	RegPC         = 32
	RegCPSR       = 33
	NumCoreRegs   = 34
	CoreBlockSize = 31*8 + 8 + 8 + 4 // the 'g' block: x0..x30, sp, pc (8 bytes each), cpsr (4)
)

// SysReg is a system register's MRS/MSR encoding. Comparators numbered 16
// and above (FEAT_Debugv8p9) are reached through MDSELR_EL1: Bank is n/16
// and CRm is n%16.
type SysReg struct {
	Name                    string
	Op0, Op1, CRn, CRm, Op2 int
	Bank                    int
}

// Reg is one register of the description.
type Reg struct {
	Name   string
	Regnum int
	Size   int     // bytes
	Sys    *SysReg // nil for core and FP/SIMD registers
	FPU    bool    // v0–v31 (16 bytes), fpsr, fpcr (4 bytes): the org.gnu.gdb.aarch64.fpu feature
}

// Description is the register set for one comparator count.
type Description struct {
	breakpoints, watchpoints int
	regs                     []Reg
	byName                   map[string]int
	targetXML, coreXML       []byte
	sysXML, fpuXML           []byte
	fpuFirst                 int // regnum of v0: the FP/SIMD registers follow the system registers
}

// Limits on the comparator counts.
const (
	MinComparators = 1
	MaxComparators = 64
)

// New builds the description for a CPU with the given number of breakpoint
// and watchpoint comparators (each clamped to 1..64).
func New(breakpoints, watchpoints int) *Description {
	breakpoints = max(MinComparators, min(MaxComparators, breakpoints))
	watchpoints = max(MinComparators, min(MaxComparators, watchpoints))
	d := &Description{breakpoints: breakpoints, watchpoints: watchpoints, byName: map[string]int{}}
	for i := 0; i <= 30; i++ {
		d.add(Reg{Name: fmt.Sprintf("x%d", i), Size: 8})
	}
	d.add(Reg{Name: "sp", Size: 8})
	d.add(Reg{Name: "pc", Size: 8})
	d.add(Reg{Name: "cpsr", Size: 4})
	for _, sr := range d.sysRegs() {
		sr := sr
		d.add(Reg{Name: sr.Name, Size: 8, Sys: &sr})
	}
	d.fpuFirst = len(d.regs)
	for i := 0; i < 32; i++ {
		d.add(Reg{Name: fmt.Sprintf("v%d", i), Size: 16, FPU: true})
	}
	d.add(Reg{Name: "fpsr", Size: 4, FPU: true})
	d.add(Reg{Name: "fpcr", Size: 4, FPU: true})
	d.targetXML = []byte(targetXML)
	d.coreXML = []byte(coreXML)
	d.sysXML = d.buildSysXML()
	d.fpuXML = d.buildFPUXML()
	return d
}

func (d *Description) add(r Reg) {
	r.Regnum = len(d.regs)
	d.byName[r.Name] = r.Regnum
	d.regs = append(d.regs, r)
}

// comparator returns the encoding of DBG{B,W}{V,C}Rn_EL1 (op2 4..7).
func comparator(prefix string, n, op2 int) SysReg {
	return SysReg{Name: fmt.Sprintf("%s%d_EL1", prefix, n), Op0: 2, Op1: 0, CRn: 0, CRm: n % 16, Op2: op2, Bank: n / 16}
}

// sysRegs lists the system-register feature in regnum order.
func (d *Description) sysRegs() []SysReg {
	var out []SysReg
	for n := 0; n < d.breakpoints; n++ {
		out = append(out, comparator("DBGBVR", n, 4))
	}
	for n := 0; n < d.breakpoints; n++ {
		out = append(out, comparator("DBGBCR", n, 5))
	}
	for n := 0; n < d.watchpoints; n++ {
		out = append(out, comparator("DBGWVR", n, 6))
	}
	for n := 0; n < d.watchpoints; n++ {
		out = append(out, comparator("DBGWCR", n, 7))
	}
	return append(append(out,
		SysReg{Name: "MDSCR_EL1", Op0: 2, Op1: 0, CRn: 0, CRm: 2, Op2: 2},
		SysReg{Name: "OSLSR_EL1", Op0: 2, Op1: 0, CRn: 1, CRm: 1, Op2: 4},
		SysReg{Name: "ELR_EL1", Op0: 3, Op1: 0, CRn: 4, CRm: 0, Op2: 1},
		SysReg{Name: "ESR_EL1", Op0: 3, Op1: 0, CRn: 5, CRm: 2, Op2: 0},
		SysReg{Name: "FAR_EL1", Op0: 3, Op1: 0, CRn: 6, CRm: 0, Op2: 0},
		SysReg{Name: "SPSR_EL1", Op0: 3, Op1: 0, CRn: 4, CRm: 0, Op2: 0},
		SysReg{Name: "VBAR_EL1", Op0: 3, Op1: 0, CRn: 12, CRm: 0, Op2: 0},
		SysReg{Name: "MPIDR_EL1", Op0: 3, Op1: 0, CRn: 0, CRm: 0, Op2: 5},
		SysReg{Name: "ID_AA64DFR0_EL1", Op0: 3, Op1: 0, CRn: 0, CRm: 5, Op2: 0},
		SysReg{Name: "CurrentEL", Op0: 3, Op1: 0, CRn: 4, CRm: 2, Op2: 2},
	), kernelSysRegs...)
}

// kernelSysRegs are what a kernel developer looks at beyond the debug registers: translation, exception,
// thread and timer state and the ID registers Linux's feature detection reads. They come after the registers
// above so those keep their regnums. Names are the architecture's, which are also QEMU's except where QEMU
// drops the _EL1 (SCTLR, VBAR, CPACR, CNTKCTL): those spellings are offered too (qemuAliases), so a script
// written against QEMU's gdbstub works here.
var kernelSysRegs = append([]SysReg{
	{Name: "SCTLR_EL1", Op0: 3, Op1: 0, CRn: 1, CRm: 0, Op2: 0},
	{Name: "TCR_EL1", Op0: 3, Op1: 0, CRn: 2, CRm: 0, Op2: 2},
	{Name: "TTBR0_EL1", Op0: 3, Op1: 0, CRn: 2, CRm: 0, Op2: 0},
	{Name: "TTBR1_EL1", Op0: 3, Op1: 0, CRn: 2, CRm: 0, Op2: 1},
	{Name: "MAIR_EL1", Op0: 3, Op1: 0, CRn: 10, CRm: 2, Op2: 0},
	{Name: "AMAIR_EL1", Op0: 3, Op1: 0, CRn: 10, CRm: 3, Op2: 0},
	{Name: "PAR_EL1", Op0: 3, Op1: 0, CRn: 7, CRm: 4, Op2: 0},
	{Name: "CPACR_EL1", Op0: 3, Op1: 0, CRn: 1, CRm: 0, Op2: 2},
	{Name: "CONTEXTIDR_EL1", Op0: 3, Op1: 0, CRn: 13, CRm: 0, Op2: 1},
	{Name: "TPIDR_EL1", Op0: 3, Op1: 0, CRn: 13, CRm: 0, Op2: 4},
	{Name: "TPIDR_EL0", Op0: 3, Op1: 3, CRn: 13, CRm: 0, Op2: 2},
	{Name: "TPIDRRO_EL0", Op0: 3, Op1: 3, CRn: 13, CRm: 0, Op2: 3},
	SPEL0,
	SPEL1,
	{Name: "AFSR0_EL1", Op0: 3, Op1: 0, CRn: 5, CRm: 1, Op2: 0},
	{Name: "AFSR1_EL1", Op0: 3, Op1: 0, CRn: 5, CRm: 1, Op2: 1},
	{Name: "ISR_EL1", Op0: 3, Op1: 0, CRn: 12, CRm: 1, Op2: 0},
	{Name: "CNTKCTL_EL1", Op0: 3, Op1: 0, CRn: 14, CRm: 1, Op2: 0},
	{Name: "CNTFRQ_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 0, Op2: 0},
	{Name: "CNTVCT_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 0, Op2: 2},
	{Name: "CNTPCT_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 0, Op2: 1},
	{Name: "CNTV_CTL_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 3, Op2: 1},
	{Name: "CNTV_CVAL_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 3, Op2: 2},
	{Name: "CNTP_CTL_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 2, Op2: 1},
	{Name: "CNTP_CVAL_EL0", Op0: 3, Op1: 3, CRn: 14, CRm: 2, Op2: 2},
	{Name: "MIDR_EL1", Op0: 3, Op1: 0, CRn: 0, CRm: 0, Op2: 0},
	{Name: "ID_AA64PFR0_EL1", Op0: 3, Op1: 0, CRn: 0, CRm: 4, Op2: 0},
	{Name: "ID_AA64ISAR0_EL1", Op0: 3, Op1: 0, CRn: 0, CRm: 6, Op2: 0},
	{Name: "ID_AA64MMFR0_EL1", Op0: 3, Op1: 0, CRn: 0, CRm: 7, Op2: 0},
}, qemuAliases...)

// qemuAliases are QEMU 7.2's names for registers it describes without the _EL1 suffix (its cpreg names for
// registers AArch32 shares); each reads and writes the same register as its architectural name.
var qemuAliases = []SysReg{
	{Name: "SCTLR", Op0: 3, Op1: 0, CRn: 1, CRm: 0, Op2: 0},
	{Name: "VBAR", Op0: 3, Op1: 0, CRn: 12, CRm: 0, Op2: 0},
	{Name: "CPACR", Op0: 3, Op1: 0, CRn: 1, CRm: 0, Op2: 2},
	{Name: "CNTKCTL", Op0: 3, Op1: 0, CRn: 14, CRm: 1, Op2: 0},
}

// SPEL0 and SPEL1 are the banked stack pointers. MRS reaches SP_EL1 only from EL2 and SP_EL0 only while it is
// not the SP in use, so a target serves them from its SP state rather than by encoding.
var (
	SPEL0 = SysReg{Name: "SP_EL0", Op0: 3, Op1: 0, CRn: 4, CRm: 1, Op2: 0}
	SPEL1 = SysReg{Name: "SP_EL1", Op0: 3, Op1: 4, CRn: 4, CRm: 1, Op2: 0}
)

// Breakpoints and Watchpoints are the comparator counts described.
func (d *Description) Breakpoints() int { return d.breakpoints }
func (d *Description) Watchpoints() int { return d.watchpoints }

// FPUFirst is the regnum of v0; v0–v31, fpsr and fpcr follow it.
func (d *Description) FPUFirst() int { return d.fpuFirst }

// NumSysRegs is the number of system registers described (regnums
// NumCoreRegs to NumCoreRegs+NumSysRegs-1).
func (d *Description) NumSysRegs() int { return d.fpuFirst - NumCoreRegs }

// NumRegs is the number of registers described.
func (d *Description) NumRegs() int { return len(d.regs) }

// Reg returns register regnum.
func (d *Description) Reg(regnum int) (Reg, bool) {
	if regnum < 0 || regnum >= len(d.regs) {
		return Reg{}, false
	}
	return d.regs[regnum], true
}

// Lookup finds a register by name (case-sensitive, as in the XML).
func (d *Description) Lookup(name string) (int, bool) {
	n, ok := d.byName[name]
	return n, ok
}

// TargetXML serves the description documents: target.xml includes
// aarch64-core.xml, aarch64-fpu.xml and hwbp-sysregs.xml. It implements rsp.TargetDescription.
func (d *Description) TargetXML(annex string) ([]byte, bool) {
	switch annex {
	case "target.xml":
		return d.targetXML, true
	case "aarch64-core.xml":
		return d.coreXML, true
	case "hwbp-sysregs.xml":
		return d.sysXML, true
	case "aarch64-fpu.xml":
		return d.fpuXML, true
	}
	return nil, false
}

// RegisterInfo describes register regnum for lldb's qRegisterInfo. Offsets
// run on past the 'g' block for the system registers.
func (d *Description) RegisterInfo(regnum int) (rsp.RegisterInfo, bool) {
	r, ok := d.Reg(regnum)
	if !ok {
		return rsp.RegisterInfo{}, false
	}
	info := rsp.RegisterInfo{
		Name: r.Name, BitSize: r.Size * 8, Offset: d.offset(regnum),
		Encoding: "uint", Format: "hex", Set: "General Purpose Registers", DWARF: -1,
	}
	switch {
	case regnum <= 30:
		info.DWARF = regnum
		switch regnum {
		case RegFP:
			info.AltName, info.Generic = "fp", "fp"
		case RegLR:
			info.AltName, info.Generic = "lr", "ra"
		default:
			if regnum < 8 {
				info.Generic = fmt.Sprintf("arg%d", regnum+1)
			}
		}
	case regnum == RegSP:
		info.DWARF, info.Generic = 31, "sp"
	case regnum == RegPC:
		info.DWARF, info.Generic = 32, "pc"
	case regnum == RegCPSR:
		info.Generic = "flags"
	case r.FPU:
		info.Set = "Floating Point Registers"
		if r.Size == 16 {
			info.Encoding, info.Format, info.DWARF = "vector", "vector-uint8", 64+regnum-d.fpuFirst
		}
	default:
		info.Set = "System Registers"
	}
	return info, true
}

func (d *Description) offset(regnum int) int {
	off := 0
	for i := 0; i < regnum; i++ {
		off += d.regs[i].Size
	}
	return off
}

const targetXML = `<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>aarch64</architecture>
  <xi:include href="aarch64-core.xml"/>
  <xi:include href="aarch64-fpu.xml"/>
  <xi:include href="hwbp-sysregs.xml"/>
</target>
`

// buildSysXML writes the system-register feature, starting at regnum 34.
func (d *Description) buildSysXML() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.hwbp.gdb.aarch64.sysregs">
`)
	for _, r := range d.regs[NumCoreRegs:d.fpuFirst] {
		fmt.Fprintf(&b, "  <reg name=%q bitsize=\"64\" regnum=\"%d\" type=\"uint64\" group=\"system\"/>\n", r.Name, r.Regnum)
	}
	b.WriteString("</feature>\n")
	return []byte(b.String())
}
