package target

import (
	"bytes"
	"encoding/binary"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/pl011"
	"github.com/stretchr/testify/require"
)

const (
	insnNOP     = 0xd503201f
	insnERET    = 0xd69f03e0
	insnDAIFClr = 0xd50342ff // msr daifclr, #2
	insnWFI     = 0xd503207f
)

// nopVectors fills VBAR_EL1's table with NOPs (a step that takes an
// interrupt also runs the vector's first instruction).
func nopVectors(t *testing.T, m *Machine) {
	t.Helper()
	b := make([]byte, 0x800)
	for i := 0; i < len(b); i += 4 {
		binary.LittleEndian.PutUint32(b[i:], insnNOP)
	}
	require.NoError(t, m.WriteMemory(testVBAR, b))
}

// IRQ and FIQ entry: vector by origin (EL1t, EL1h, EL0) and kind, ELR = the
// next instruction, SPSR = PSTATE before, DAIF all masked; PSTATE.I/F hold
// them off.
func TestInterruptEntry(t *testing.T) {
	cases := []struct {
		name    string
		pending uint32
		el      uint8
		spsel   uint8
		daif    uint64
		vector  uint64 // offset from VBAR_EL1; 0: not taken (the NOP runs)
	}{
		{"IRQ from EL1h", cpu.PendIRQ, 1, 1, 0, 0x280},
		{"IRQ from EL1t", cpu.PendIRQ, 1, 0, 0, 0x080},
		{"IRQ from EL0", cpu.PendIRQ, 0, 0, 0, 0x480},
		{"FIQ from EL1h", cpu.PendFIQ, 1, 1, 0, 0x300},
		{"FIQ from EL0", cpu.PendFIQ, 0, 0, 0, 0x500},
		{"IRQ masked by I", cpu.PendIRQ, 1, 1, cpu.DAIFI, 0},
		{"IRQ not masked by F", cpu.PendIRQ, 1, 1, cpu.DAIFF | cpu.DAIFD | 0x100, 0x280},
		{"FIQ masked by F", cpu.PendFIQ, 1, 1, cpu.DAIFF, 0},
		{"FIQ first", cpu.PendIRQ | cpu.PendFIQ, 1, 1, 0, 0x300},
		{"FIQ masked, IRQ taken", cpu.PendIRQ | cpu.PendFIQ, 1, 1, cpu.DAIFF, 0x280},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, c := newTestMachine(t, insnNOP, insnNOP)
			nopVectors(t, m)
			c.SetMode(tc.el, tc.spsel)
			c.DAIF = tc.daif
			c.NZCV = 0x20000000
			before := c.PSTATE()
			c.Pending = tc.pending
			step(t, m)
			if tc.vector == 0 {
				require.Equal(t, uint64(testCode+4), c.PC, "not taken: the instruction ran")
				return
			}
			require.Equal(t, testVBAR+tc.vector+4, c.PC, "the vector, then one instruction there")
			require.Equal(t, uint64(testCode), c.SR[cpu.IdxELR], "ELR: the instruction not yet executed")
			require.Equal(t, before, c.SR[cpu.IdxSPSR])
			require.Equal(t, uint64(cpu.DAIFMaskAll), c.DAIF)
			require.Equal(t, uint8(1), c.EL)
			require.Equal(t, uint8(1), c.SPSel)
		})
	}
}

// MSR DAIFClr and ERET are check points: a pending interrupt they unmask is
// taken before the next instruction.
func TestInterruptAfterUnmask(t *testing.T) {
	t.Run("DAIFClr", func(t *testing.T) {
		m, c := newTestMachine(t, insnDAIFClr, insnNOP)
		c.Pending = cpu.PendIRQ
		nopVectors(t, m)
		step(t, m)
		step(t, m)
		require.Equal(t, uint64(testVBAR+0x284), c.PC)
		require.Equal(t, uint64(testCode+4), c.SR[cpu.IdxELR])
		require.Equal(t, uint64(0x200|0x100|0x40|0x5)|c.SR[cpu.IdxSPSR]&0xf0000000, c.SR[cpu.IdxSPSR], "D, A, F still masked; EL1h")
	})
	t.Run("ERET", func(t *testing.T) {
		m, c := newTestMachine(t, insnERET, insnNOP, insnNOP)
		c.SR[cpu.IdxSPSR] = 0x5 // EL1h, nothing masked
		c.SR[cpu.IdxELR] = testCode + 8
		c.Pending = cpu.PendIRQ
		nopVectors(t, m)
		step(t, m)
		step(t, m)
		require.Equal(t, uint64(testVBAR+0x284), c.PC)
		require.Equal(t, uint64(testCode+8), c.SR[cpu.IdxELR], "taken at the ERET's target")
		require.Equal(t, uint64(0x5), c.SR[cpu.IdxSPSR])
	})
}

// The same in a run of decoded code (the fast loop executes the DAIF writes): a pending IRQ
// is taken right after the write that unmasks it, and not after one that
// leaves it masked.
func TestInterruptAfterUnmaskInARun(t *testing.T) {
	const (
		movX1Zero = 0xd2800001 // mov x1, #0
		msrDAIFX1 = 0xd51b4221 // msr daif, x1
		daifSetI  = 0xd50342df // msr daifset, #2
		daifClrF  = 0xd50341ff // msr daifclr, #1
	)
	systemOff := []uint32{0xd2800100, 0xf2b08000, 0xd4000002} // PSCI SYSTEM_OFF
	cases := []struct {
		name  string
		words []uint32 // then NOPs and SYSTEM_OFF
		taken int      // the instruction index the IRQ is taken before; -1: never
	}{
		{"DAIFClr #2", []uint32{insnNOP, insnDAIFClr}, 2},
		{"MSR DAIF", []uint32{movX1Zero, msrDAIFX1}, 2},
		{"DAIFClr #1 leaves I", []uint32{insnNOP, daifClrF}, -1},
		{"DAIFSet, then DAIFClr", []uint32{daifSetI, insnNOP, insnDAIFClr}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			words := append(append(append([]uint32{}, tc.words...), insnNOP, insnNOP, insnNOP), systemOff...)
			m, c := newTestMachine(t, words...)
			vec := make([]byte, 0x800)
			for i := 0; i < len(vec); i += 4 {
				binary.LittleEndian.PutUint32(vec[i:], insnNOP)
			}
			for i, w := range systemOff {
				binary.LittleEndian.PutUint32(vec[0x280+4*i:], w)
			}
			require.NoError(t, m.WriteMemory(testVBAR, vec))
			c.run(len(tc.words) + 3) // decode them and the NOPs, with nothing pending, so that the fast loop runs them next
			c.PC, c.stopped = testCode, false
			c.DAIF = cpu.DAIFI
			c.Pending = cpu.PendIRQ
			require.Equal(t, StopPowerOff, runAll(m).Kind)
			if tc.taken < 0 {
				require.Equal(t, uint64(cpu.DAIFI), c.DAIF&cpu.DAIFI, "still masked")
				return
			}
			require.Equal(t, uint64(testCode+4*tc.taken), c.SR[cpu.IdxELR], "taken after the unmasking write")
		})
	}
}

// ISR_EL1 reads the CPU's lines, masked or not.
func TestISR(t *testing.T) {
	_, c := newTestMachine(t, insnNOP)
	for _, p := range []uint32{0, cpu.PendIRQ, cpu.PendFIQ, cpu.PendIRQ | cpu.PendFIQ} {
		c.Pending = p
		v, ok := c.SysReg(3, 0, 12, 1, 0)
		require.True(t, ok)
		require.Equal(t, uint64(p&cpu.PendIRQ)<<7|uint64(p&cpu.PendFIQ)<<5, v)
	}
}

// WFI sleeps until a line is high (PSTATE.I set or not); a step wakes it.
func TestWFISleepsUntilALine(t *testing.T) {
	m, c := newTestMachine(t, insnWFI, 0x14000000) // wfi; b .
	c.DAIF = cpu.DAIFMaskAll
	acts := []Action{ActionContinue}
	s := m.ResumeLimit(acts, 1000)
	require.Equal(t, StopIdle, s.Kind, "no line, no timer: idle")
	require.Equal(t, uint64(testCode+4), c.PC)
	require.True(t, c.asleep)
	c.Pending = cpu.PendIRQ // masked by PSTATE.I
	before := c.executed
	s = m.ResumeLimit(acts, 10)
	require.Equal(t, StopLimit, s.Kind)
	require.False(t, c.asleep)
	require.Greater(t, c.executed, before)
	require.Equal(t, uint64(testCode+4), c.PC, "woke and ran on; the masked IRQ is not taken")
}

// The GICv2 has no system-register interface: ICC_* are UNDEFINED; with the
// GICv3 they are the CPU interface and ID_AA64PFR0_EL1.GIC says so.
func TestICCOnlyWithGICv3(t *testing.T) {
	for _, v := range []int{2, 3} {
		m, err := New(Config{CPUs: 1, GIC: v})
		require.NoError(t, err)
		c := m.CPU(0)
		sre, ok := c.SysReg(3, 0, 12, 12, 5)
		pfr0, _ := c.SysReg(3, 0, 0, 4, 0)
		if v == 2 {
			require.False(t, ok, "ICC_SRE_EL1 with the GICv2")
			require.Equal(t, uint64(cpu.IDAA64PFR0), pfr0)
		} else {
			require.True(t, ok)
			require.Equal(t, uint64(7), sre)
			require.Equal(t, uint64(cpu.IDAA64PFR0|1<<24), pfr0)
			require.True(t, c.SetSysReg(3, 0, 4, 6, 0, 0xf0), "ICC_PMR_EL1")
			pmr, _ := c.SysReg(3, 0, 4, 6, 0)
			require.Equal(t, uint64(0xf0), pmr)
			_, ok = c.SysReg(3, 0, 12, 12, 0)
			require.False(t, ok, "a debugger's read of ICC_IAR1_EL1 would acknowledge: refused")
		}
		require.NoError(t, m.Close())
		require.Error(t, m.Close())
	}
	_, err := New(Config{CPUs: 9, GIC: 2})
	require.Error(t, err, "a GICv2 serves 8 CPUs")
	m, err := New(Config{CPUs: 9})
	require.NoError(t, err)
	require.NotNil(t, m.gic3, "more than 8 CPUs: GICv3 by default")
}

// A guest that sleeps in WFI for 10 virtual seconds (one timer interrupt)
// costs a few hundred instructions: the clock jumps to the deadline. Twice
// the same run gives the same clock and counts.
func TestIdleClockJump(t *testing.T) {
	const tenSeconds = 625_000_000 // CNTFRQ 62.5 MHz
	var clocks, counts [2]uint64
	for i := range clocks {
		out, m := runIRQGuest(t, 2, map[string]uint64{"period": tenSeconds, "rounds": 1})
		require.Contains(t, out, "n 0000000000000001\n")
		clocks[i] = m.clock
		counts[i] = m.executedLocked()
	}
	require.GreaterOrEqual(t, clocks[0], uint64(tenSeconds))
	require.Less(t, counts[0], uint64(5000), "instructions for 10 s of WFI")
	require.Equal(t, clocks[0], clocks[1])
	require.Equal(t, counts[0], counts[1])
}

// Console input (Config.Input) reaches the PL011 between rounds: a guest that
// polls UARTFR and echoes UARTDR prints it; the RX interrupt rises with
// UARTIMSC.RXIM. A guest in WFI that only input could wake makes Resume wait
// (Interrupt still stops it) instead of returning StopIdle.
func TestConsoleInput(t *testing.T) {
	// 1: ldr w1, [x20, #0x18]; tbnz w1, #4, 1b; ldr w1, [x20]; str w1, [x20]; b 1b
	code := []uint32{0xb9401a81, 0x3727ffe1, 0xb9400281, 0xb9000281, 0x17fffffc}
	pr, pw := io.Pipe()
	var out syncBuffer
	m, err := New(Config{CPUs: 1, RAMSize: 1 << 20, Console: &out, Input: pr})
	require.NoError(t, err)
	defer m.Close()
	buf := make([]byte, 4*len(code))
	for i, w := range code {
		binary.LittleEndian.PutUint32(buf[4*i:], w)
	}
	require.NoError(t, m.LoadSegment(testCode, buf, 0))
	m.Reset(testCode)
	m.CPU(0).X[20] = UARTBase
	go func() { _, _ = pw.Write([]byte("hi\n")) }()
	for i := 0; i < 10000 && out.String() != "hi\n"; i++ {
		m.ResumeLimit([]Action{ActionContinue}, 1000)
	}
	require.Equal(t, "hi\n", out.String())

	m.mu.Lock()
	m.bus.Write(0, UARTBase+pl011.RegIMSC, 4, pl011.IntRX)
	m.uart.Input([]byte("x"))
	require.True(t, m.uart.IRQ(), "RX interrupt with RXIM")
	m.uart.Reset()
	m.bus.Write(0, UARTBase+pl011.RegIMSC, 4, pl011.IntRX)
	m.mu.Unlock()
	c := m.CPU(0)
	c.PC, c.DAIF = testCode+0x100, cpu.DAIFMaskAll // zeros there: make it a WFI loop
	require.NoError(t, m.WriteMemory(testCode+0x100, []byte{0x7f, 0x20, 0x03, 0xd5, 0xff, 0xff, 0xff, 0x17}))
	done := make(chan Stop)
	go func() { done <- m.Resume([]Action{ActionContinue}) }()
	select {
	case s := <-done:
		t.Fatalf("Resume returned %+v while input could still wake the guest", s)
	case <-time.After(50 * time.Millisecond):
	}
	m.Interrupt()
	require.Equal(t, StopInterrupt, (<-done).Kind)
	_ = pw.Close()
}

// syncBuffer is a bytes.Buffer safe for the test goroutine to read while the
// machine writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
