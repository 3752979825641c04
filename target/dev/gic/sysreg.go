package gic

// SysReg names a GICv3 CPU interface system register (the EL1 ICC_*
// registers). The CPU package maps MRS/MSR encodings to these.
type SysReg uint8

// The ICC registers, EL1 views.
const (
	ICCSRE     SysReg = iota // ICC_SRE_EL1
	ICCCTLR                  // ICC_CTLR_EL1
	ICCPMR                   // ICC_PMR_EL1
	ICCIGRPEN0               // ICC_IGRPEN0_EL1
	ICCIGRPEN1               // ICC_IGRPEN1_EL1
	ICCBPR0                  // ICC_BPR0_EL1
	ICCBPR1                  // ICC_BPR1_EL1
	ICCIAR0                  // ICC_IAR0_EL1
	ICCIAR1                  // ICC_IAR1_EL1
	ICCEOIR0                 // ICC_EOIR0_EL1
	ICCEOIR1                 // ICC_EOIR1_EL1
	ICCDIR                   // ICC_DIR_EL1
	ICCHPPIR0                // ICC_HPPIR0_EL1
	ICCHPPIR1                // ICC_HPPIR1_EL1
	ICCRPR                   // ICC_RPR_EL1
	ICCAP0R0                 // ICC_AP0R0_EL1
	ICCAP0R1                 // ICC_AP0R1_EL1
	ICCAP0R2                 // ICC_AP0R2_EL1
	ICCAP0R3                 // ICC_AP0R3_EL1
	ICCAP1R0                 // ICC_AP1R0_EL1
	ICCAP1R1                 // ICC_AP1R1_EL1
	ICCAP1R2                 // ICC_AP1R2_EL1
	ICCAP1R3                 // ICC_AP1R3_EL1
	ICCSGI0R                 // ICC_SGI0R_EL1
	ICCSGI1R                 // ICC_SGI1R_EL1
	ICCASGI1R                // ICC_ASGI1R_EL1
	NumSysRegs
)

var sysRegNames = [NumSysRegs]string{
	"ICC_SRE_EL1", "ICC_CTLR_EL1", "ICC_PMR_EL1", "ICC_IGRPEN0_EL1", "ICC_IGRPEN1_EL1",
	"ICC_BPR0_EL1", "ICC_BPR1_EL1", "ICC_IAR0_EL1", "ICC_IAR1_EL1", "ICC_EOIR0_EL1",
	"ICC_EOIR1_EL1", "ICC_DIR_EL1", "ICC_HPPIR0_EL1", "ICC_HPPIR1_EL1", "ICC_RPR_EL1",
	"ICC_AP0R0_EL1", "ICC_AP0R1_EL1", "ICC_AP0R2_EL1", "ICC_AP0R3_EL1",
	"ICC_AP1R0_EL1", "ICC_AP1R1_EL1", "ICC_AP1R2_EL1", "ICC_AP1R3_EL1",
	"ICC_SGI0R_EL1", "ICC_SGI1R_EL1", "ICC_ASGI1R_EL1",
}

// String is the architectural name, e.g. "ICC_PMR_EL1".
func (r SysReg) String() string {
	if r < NumSysRegs {
		return sysRegNames[r]
	}
	return "ICC_?"
}
