package target

import (
	"encoding/binary"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/stretchr/testify/require"
)

const (
	testCode = RAMBase + 0x1000
	testVBAR = RAMBase + 0x80000
)

// newTestMachine returns a 1-CPU machine with words at testCode, VBAR set,
// CPU 0 at testCode in EL1h.
func newTestMachine(t testing.TB, words ...uint32) (*Machine, *CPU) {
	t.Helper()
	m, err := New(Config{CPUs: 1, RAMSize: 1 << 20})
	require.NoError(t, err)
	code := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(code[4*i:], w)
	}
	require.NoError(t, m.LoadSegment(testCode, code, 0))
	m.Reset(testCode)
	c := m.CPU(0)
	c.SR[cpu.IdxVBAR] = testVBAR
	return m, c
}

func step(t testing.TB, m *Machine) Stop {
	t.Helper()
	acts := make([]Action, m.NumCPUs())
	acts[0] = ActionStep
	return m.Resume(acts)
}

func TestExceptions(t *testing.T) {
	const pc = testCode
	type want struct {
		pc, esr, elr, spsr uint64
		far                uint64 // checked when farSet
		farSet             bool
	}
	cases := []struct {
		name  string
		word  uint32
		el    uint8
		spsel uint8
		regs  map[int]uint64
		want  want
	}{
		{"svc from EL0", 0xd4000241, 0, 0, nil, want{testVBAR + 0x400, 0x56000012, pc + 4, 0x40000000, 0, false}},
		{"svc from EL1h", 0xd4000241, 1, 1, nil, want{testVBAR + 0x200, 0x56000012, pc + 4, 0x400003c5, 0, false}},
		{"svc from EL1t", 0xd4000241, 1, 0, nil, want{testVBAR + 0x000, 0x56000012, pc + 4, 0x400003c4, 0, false}},
		{"brk", 0xd4207d00, 1, 1, nil, want{testVBAR + 0x200, 0xf20003e8, pc, 0x400003c5, 0, false}},
		{"udf", 0x00000000, 1, 1, nil, want{testVBAR + 0x200, 0x02000000, pc, 0x400003c5, 0, false}},
		{"hvc from EL0 is undefined", 0xd4000002, 0, 0, nil, want{testVBAR + 0x400, 0x02000000, pc, 0x40000000, 0, false}},
		{"smc without EL3 is undefined", 0xd4000003, 1, 1, nil, want{testVBAR + 0x200, 0x02000000, pc, 0x400003c5, 0, false}},
		{"fp traps at reset (CPACR_EL1.FPEN 0)", 0x1e622820, 1, 1, nil, want{testVBAR + 0x200, 0x1fe00000, pc, 0x400003c5, 0, false}},
		{"simd load traps at reset", 0x3dc00020, 1, 1, nil, want{testVBAR + 0x200, 0x1fe00000, pc, 0x400003c5, 0, false}},
		{"fp16 is undefined", 0x1ee22820, 1, 1, nil, want{testVBAR + 0x200, 0x02000000, pc, 0x400003c5, 0, false}},
		{"load outside RAM", 0xf9400020, 1, 1, map[int]uint64{1: 0x1000}, want{testVBAR + 0x200, 0x96000010, pc, 0x400003c5, 0x1000, true}},
		{"store outside RAM", 0xf9000020, 1, 1, map[int]uint64{1: 0x1000}, want{testVBAR + 0x200, 0x96000050, pc, 0x400003c5, 0x1000, true}},
		{"unaligned load (device memory)", 0xf9400020, 1, 1, map[int]uint64{1: RAMBase + 0x2001}, want{testVBAR + 0x200, 0x96000021, pc, 0x400003c5, RAMBase + 0x2001, true}},
		{"unaligned store from EL0", 0xf9000020, 0, 0, map[int]uint64{1: RAMBase + 0x2004}, want{testVBAR + 0x400, 0x92000061, pc, 0x40000000, RAMBase + 0x2004, true}},
		{"unaligned ldxr", 0xc85f7c20, 1, 1, map[int]uint64{1: RAMBase + 0x2004}, want{testVBAR + 0x200, 0x96000021, pc, 0x400003c5, RAMBase + 0x2004, true}},
		{"unaligned ldar", 0xc8dffc20, 1, 1, map[int]uint64{1: RAMBase + 0x2002}, want{testVBAR + 0x200, 0x96000021, pc, 0x400003c5, RAMBase + 0x2002, true}},
		{"mrs sctlr at EL0", 0xd5381000, 0, 0, nil, want{testVBAR + 0x400, 0x02000000, pc, 0x40000000, 0, false}},
		{"mrs dbgbcr6 (no such breakpoint)", 0xd53006a0, 1, 1, nil, want{testVBAR + 0x200, 0x02000000, pc, 0x400003c5, 0, false}},
		{"mrs mdscr at EL0", 0xd5300240, 0, 0, nil, want{testVBAR + 0x400, 0x02000000, pc, 0x40000000, 0, false}},
		{"msr spsel at EL0", 0xd50040bf, 0, 0, nil, want{testVBAR + 0x400, 0x02000000, pc, 0x40000000, 0, false}},
		{"eret at EL0", 0xd69f03e0, 0, 0, nil, want{testVBAR + 0x400, 0x02000000, pc, 0x40000000, 0, false}},
		{"tlbi at EL0", 0xd508871f, 0, 0, nil, want{testVBAR + 0x400, 0x02000000, pc, 0x40000000, 0, false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, c := newTestMachine(t, tc.word)
			c.SetMode(tc.el, tc.spsel)
			if tc.el == 0 {
				c.DAIF = 0
			}
			c.SR[cpu.IdxFAR] = 0xdead
			for r, v := range tc.regs {
				c.X[r] = v
			}
			s := step(t, m)
			require.Equal(t, StopStepped, s.Kind)
			require.Equal(t, tc.want.pc, c.PC, "vector")
			require.Equal(t, tc.want.esr, c.SR[cpu.IdxESR], "ESR_EL1 %#x", c.SR[cpu.IdxESR])
			require.Equal(t, tc.want.elr, c.SR[cpu.IdxELR], "ELR_EL1")
			require.Equal(t, tc.want.spsr, c.SR[cpu.IdxSPSR], "SPSR_EL1 %#x", c.SR[cpu.IdxSPSR])
			if tc.want.farSet {
				require.Equal(t, tc.want.far, c.SR[cpu.IdxFAR], "FAR_EL1")
			} else {
				require.Equal(t, uint64(0xdead), c.SR[cpu.IdxFAR], "FAR_EL1 must not change")
			}
			require.Equal(t, uint64(0x400003c5), c.PSTATE(), "PSTATE after entry")
			require.Equal(t, 1, c.SPIndex(), "SP_EL1 selected")
		})
	}
}

func TestBranchFaults(t *testing.T) {
	t.Run("pc alignment", func(t *testing.T) {
		m, c := newTestMachine(t, 0xd61f0060) // br x3
		c.X[3] = RAMBase + 0x2002
		step(t, m) // the branch
		require.Equal(t, uint64(RAMBase+0x2002), c.PC)
		step(t, m) // the fetch faults
		require.Equal(t, uint64(testVBAR+0x200), c.PC)
		require.Equal(t, uint64(0x8a000000), c.SR[cpu.IdxESR])
		require.Equal(t, uint64(RAMBase+0x2002), c.SR[cpu.IdxFAR])
		require.Equal(t, uint64(RAMBase+0x2002), c.SR[cpu.IdxELR])
	})
	t.Run("instruction abort outside RAM", func(t *testing.T) {
		m, c := newTestMachine(t, 0xd61f0060)
		c.X[3] = 0x1000
		step(t, m)
		step(t, m)
		require.Equal(t, uint64(testVBAR+0x200), c.PC)
		require.Equal(t, uint64(0x86000010), c.SR[cpu.IdxESR])
		require.Equal(t, uint64(0x1000), c.SR[cpu.IdxFAR])
		require.Equal(t, uint64(0x1000), c.SR[cpu.IdxELR])
	})
}

func TestEretAndStackPointers(t *testing.T) {
	// eret to EL0t, then svc back to EL1h
	m, c := newTestMachine(t, 0xd69f03e0)
	require.NoError(t, m.WriteMemory(RAMBase+0x3000, []byte{0x41, 0x02, 0x00, 0xd4})) // svc #0x12
	c.X[cpu.SlotSP] = 0x4000f000                                                      // SP_EL1
	c.SPBank[0] = 0x4000e000
	c.SR[cpu.IdxELR] = RAMBase + 0x3000
	c.SR[cpu.IdxSPSR] = 0x60000000 // EL0t, Z and C set, DAIF clear
	step(t, m)
	require.Equal(t, uint64(RAMBase+0x3000), c.PC)
	require.Equal(t, uint8(0), c.EL)
	require.Equal(t, uint64(0x60000000), c.PSTATE())
	require.Equal(t, uint64(0x4000e000), c.Reg(31), "SP_EL0 is current")
	step(t, m)
	require.Equal(t, uint64(testVBAR+0x400), c.PC)
	require.Equal(t, uint64(0x4000f000), c.Reg(31), "SP_EL1 is current")
	require.Equal(t, uint64(0x60000000), c.SR[cpu.IdxSPSR])
	require.Equal(t, uint64(RAMBase+0x3004), c.SR[cpu.IdxELR])
	v, ok := c.SysReg(3, 0, 4, 1, 0) // SP_EL0
	require.True(t, ok)
	require.Equal(t, uint64(0x4000e000), v)
}

func TestIllegalReturn(t *testing.T) {
	m, c := newTestMachine(t, 0xd69f03e0) // eret
	c.SR[cpu.IdxELR] = RAMBase + 0x3000
	c.SR[cpu.IdxSPSR] = 0x3c9 // EL2h: not implemented, illegal return
	step(t, m)
	require.Equal(t, uint64(RAMBase+0x3000), c.PC)
	require.Equal(t, uint8(1), c.EL)
	require.True(t, c.IL)
	step(t, m) // the next instruction takes the illegal state exception
	require.Equal(t, uint64(testVBAR+0x200), c.PC)
	require.Equal(t, uint64(0x0e<<26|1<<25), c.SR[cpu.IdxESR])
	require.NotZero(t, c.SR[cpu.IdxSPSR]&cpu.PStateIL)
}

func TestSystemRegisterInstructions(t *testing.T) {
	m, c := newTestMachine(t,
		0xd5384240, // mrs x0, currentel
		0xd50040bf, // msr spsel, #0
		0xd5384101, // mrs x1, sp_el0 -> UNDEFINED with SPSel=0
	)
	c.X[cpu.SlotSP] = 0x4000f000
	c.SPBank[0] = 0x4000e000
	step(t, m)
	require.Equal(t, uint64(4), c.X[0])
	step(t, m)
	require.Equal(t, uint64(0x4000e000), c.Reg(31), "SPSel=0 selects SP_EL0 at EL1")
	step(t, m)
	require.Equal(t, uint64(testVBAR+0x000), c.PC, "EL1t vector")
	require.Equal(t, uint64(0x02000000), c.SR[cpu.IdxESR])
}

// MRS and MSR of SP_EL0 (Linux's current) and MSR of ELR_EL1 run in the fast loop at EL1h, and are still
// UNDEFINED where the architecture says (SP_EL0 at EL1t and EL0, ELR_EL1 at EL0).
func TestFastLoopSystemRegisters(t *testing.T) {
	const mrsSPEL0, msrSPEL0, msrELR = 0xd5384101, 0xd5184102, 0xd5184022 // mrs x1, sp_el0; msr sp_el0, x2; msr elr_el1, x2
	tests := []struct {
		name      string
		word      uint32
		el, spsel uint8
		undefined bool
		check     func(c *CPU) uint64
	}{
		{"mrs sp_el0, EL1h", mrsSPEL0, 1, 1, false, func(c *CPU) uint64 { return c.X[1] }},
		{"mrs sp_el0, EL1t", mrsSPEL0, 1, 0, true, nil},
		{"mrs sp_el0, EL0t", mrsSPEL0, 0, 0, true, nil},
		{"msr sp_el0, EL1h", msrSPEL0, 1, 1, false, func(c *CPU) uint64 { return c.SPBank[0] }},
		{"msr sp_el0, EL0t", msrSPEL0, 0, 0, true, nil},
		{"msr elr_el1, EL1h", msrELR, 1, 1, false, func(c *CPU) uint64 { return c.SR[cpu.IdxELR] }},
		{"msr elr_el1, EL0t", msrELR, 0, 0, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, c := newTestMachine(t, tt.word)
			c.SPBank[0], c.X[2] = 0x4000e000, 0x4000e000
			c.SetMode(tt.el, tt.spsel)
			step(t, m)
			if tt.undefined {
				require.Equal(t, uint64(0x02000000), c.SR[cpu.IdxESR], "UNDEFINED")
				return
			}
			require.Equal(t, uint64(0x4000e000), tt.check(c))
			require.Equal(t, uint64(testCode+4), c.PC)
		})
	}
}

func TestDaifAndOSLock(t *testing.T) {
	m, c := newTestMachine(t,
		0xd50342ff, // msr daifclr, #2
		0xd5301180, // mrs x0, oslsr_el1
		0xd510109f, // msr oslar_el1, xzr
		0xd5301180, // mrs x0, oslsr_el1
		0xd5034fdf, // msr daifset, #0xf
	)
	step(t, m)
	require.Equal(t, uint64(0x340), c.DAIF)
	step(t, m)
	require.Equal(t, uint64(0xa), c.X[0])
	step(t, m)
	step(t, m)
	require.Equal(t, uint64(0x8), c.X[0])
	step(t, m)
	require.Equal(t, uint64(0x3c0), c.DAIF)
}

func TestCounterAdvances(t *testing.T) {
	m, c := newTestMachine(t, 0xd53be040, 0xd503201f, 0xd53be041) // mrs x0, cntvct; nop; mrs x1, cntvct
	step(t, m)
	step(t, m)
	step(t, m)
	require.Greater(t, c.X[1], c.X[0])
	v, ok := c.SysReg(3, 3, 14, 0, 0) // CNTFRQ_EL0
	require.True(t, ok)
	require.Equal(t, uint64(62500000), v)
}

func TestPendingIRQIsTakenBetweenInstructions(t *testing.T) {
	m, c := newTestMachine(t, 0xd503201f) // nop
	require.NoError(t, m.WriteMemory(testVBAR+0x280, []byte{0x1f, 0x20, 0x03, 0xd5}))
	c.DAIF = 0
	c.Pending = cpu.PendIRQ
	require.Equal(t, StopStepped, step(t, m).Kind)
	require.Equal(t, uint64(testVBAR+0x284), c.PC, "the IRQ vector (current EL, SP_EL1), then one instruction there")
	require.Equal(t, uint64(testCode), c.SR[cpu.IdxELR], "ELR is the instruction not yet executed")
	require.Equal(t, uint64(0x40000005), c.SR[cpu.IdxSPSR])
	require.Equal(t, uint64(cpu.DAIFMaskAll), c.DAIF)
	require.Equal(t, uint64(1), c.Executed(), "taking the interrupt is not an instruction")
}
