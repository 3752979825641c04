package target

import (
	"strings"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/stretchr/testify/require"
)

func TestHypercallHook(t *testing.T) {
	const fn = 0xc600_0005
	cases := []struct {
		name     string
		noHook   bool
		x0       uint64
		answer   HypercallResult
		wantX20  uint64
		wantSeen bool
		wantStop bool
	}{
		{"answered", false, fn, HypercallResult{X0: 42}, 42, true, false},
		{"last vendor id", false, 0xc600_ffff, HypercallResult{X0: 7}, 7, true, false},
		{"outside the vendor range", false, 0xc601_0000, HypercallResult{X0: 42}, ^uint64(0), false, false},
		{"PSCI keeps its answer", false, 0x8400_0000, HypercallResult{X0: 42}, 0x10001, false, false},
		{"no hook", true, fn, HypercallResult{}, ^uint64(0), false, false},
		{"stop after the HVC", false, fn, HypercallResult{X0: 9, Stop: true}, 9, true, true},
		{"HVC #1 is not a vendor call", false, fn, HypercallResult{X0: 42}, ^uint64(0), false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := newDebugGuest(t, Config{}, tc.noHook)
			if tc.noHook {
				g.m.SetHypercall(guestDoneHVC, true)
			}
			g.hook = func(cpu int, args [4]uint64) HypercallResult {
				require.Equal(t, 0, cpu)
				return tc.answer
			}
			entry := "hvc_test"
			if strings.HasPrefix(tc.name, "HVC #1") {
				entry = "hvc1_test"
			}
			g.start(entry, map[int]uint64{0: tc.x0, 1: 11, 2: 22, 3: 33})
			s := g.run()
			if tc.wantStop {
				require.Equal(t, Stop{Kind: StopHypercall, CPU: 0, Addr: tc.x0, Args: [4]uint64{tc.x0, 11, 22, 33}}, s)
				require.Equal(t, g.sym("hvc_after"), g.c.PC, "stopped right after the HVC")
				require.Equal(t, tc.answer.X0, g.c.Reg(0))
				s = g.run()
			}
			if tc.noHook {
				require.Equal(t, Stop{Kind: StopHypercall, CPU: 0, Addr: guestDoneHVC}, s)
			} else {
				g.requireDone(s)
			}
			require.Equal(t, tc.wantX20, g.c.Reg(20))
			require.Equal(t, tc.wantSeen, len(g.seen) > 0 && g.seen[0] == [4]uint64{tc.x0, 11, 22, 33})
		})
	}
}

// HaltOnReturn from inside the debug exception handler (the kernel route's NOTIFY): the CPU halts when
// the handler returns to the trapped instruction, before executing it.
func TestHypercallHaltOnReturn(t *testing.T) {
	g := newDebugGuest(t, Config{}, false)
	target := g.sym("bp_target")
	g.hook = func(cpu int, args [4]uint64) HypercallResult {
		require.Equal(t, uint64(0xc600_0001), args[0])
		require.Equal(t, target, args[1], "x1 = ELR")
		return HypercallResult{X0: 0, HaltOnReturn: true}
	}
	g.start("bp_test", map[int]uint64{0: bcrEL1EL0, 2: mdscrMDEKDE, 7: 0, 28: 3})
	s := g.run()
	require.Equal(t, Stop{Kind: StopReturned, CPU: 0, Addr: target}, s)
	require.Equal(t, target, g.c.PC)
	require.Equal(t, uint64(0), g.c.Reg(7), "not executed yet")
	g.requireDone(g.run())
	require.Equal(t, uint64(1), g.c.Reg(7))
	require.Len(t, g.records(), 1)
}

// cpuContext is everything a cross-call must give back.
type cpuContext struct {
	regs                          [34]uint64
	spEL0, spEL1, elr, spsr, esr  uint64
	far                           uint64
	exclValid                     bool
	exclAddr, exclSize, exclValue uint64
}

func snapshot(c *CPU) cpuContext {
	var s cpuContext
	for i := range s.regs {
		s.regs[i] = c.Reg(i)
	}
	s.spEL0, s.spEL1 = c.spBankValue(0), c.spBankValue(1)
	s.elr, s.spsr, s.esr, s.far = c.SR[cpu.IdxELR], c.SR[cpu.IdxSPSR], c.SR[cpu.IdxESR], c.SR[cpu.IdxFAR]
	s.exclValid, s.exclAddr, s.exclSize, s.exclValue = c.Excl.Valid, c.Excl.Addr, c.Excl.Size, c.Excl.Val
	return s
}

// spBankValue is SP_ELn including the live copy in x[32].
func (c *CPU) spBankValue(n int) uint64 {
	if c.SPIndex() == n {
		return c.X[cpu.SlotSP]
	}
	return c.SPBank[n]
}

// stoppedGuest returns a guest halted right after hvc_test's HVC with distinctive state everywhere.
func stoppedGuest(t *testing.T, el0 bool) *debugGuest {
	g := newDebugGuest(t, Config{CPUs: 2}, false)
	g.hook = func(int, [4]uint64) HypercallResult { return HypercallResult{Stop: true, X0: 1} }
	g.start("hvc_test", map[int]uint64{0: 0xc600_0007})
	require.Equal(t, StopHypercall, g.run().Kind)
	c := g.c
	for i := 0; i <= 30; i++ {
		c.SetReg(i, 0x1000+uint64(i)*0x111)
	}
	c.SR[cpu.IdxELR], c.SR[cpu.IdxSPSR], c.SR[cpu.IdxESR], c.SR[cpu.IdxFAR] = 0xe1e1, 0x3c5, 0x5600_0000, 0xfafa
	c.Excl.Valid, c.Excl.Addr, c.Excl.Size, c.Excl.Val = true, RAMBase+0x100, 8, 77
	c.SPBank[0] = RAMBase + 0x4_0008
	if el0 {
		c.SetReg(33, 0x6000_0000) // EL0t, Z and C, DAIF clear
		c.SetReg(31, RAMBase+0x4_0008)
		c.SPBank[1] = RAMBase + 0x7_fff8
	} else {
		c.SetReg(33, 0x8000_0145|cpu.PStateSS) // EL1h, N, A+D, SS
		c.SetReg(31, RAMBase+0x7_fff8)
	}
	return g
}

func (g *debugGuest) call(fn string, args ...uint64) Call {
	c := Call{Fn: g.sym(fn), Return: g.sym("call_done"), DoneHVC: guestCallHVC}
	copy(c.Args[:], args)
	return c
}

func TestCrossCallRestoresEverything(t *testing.T) {
	for _, tc := range []struct {
		name string
		el0  bool
		fn   string
		args []uint64
		want uint64
	}{
		{"add from EL1h", false, "add_fn", []uint64{3, 4}, 7},
		{"add from EL0", true, "add_fn", []uint64{40, 2}, 42},
		{"stack below the interrupted SP_EL1", false, "sp_fn", nil, (RAMBase+0x7_fff8)&^15 - 256},
		{"stack below SP_EL1 from EL0", true, "sp_fn", nil, (RAMBase+0x7_fff8)&^15 - 256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := stoppedGuest(t, tc.el0)
			before := snapshot(g.c)
			require.False(t, g.m.InCall(0))
			require.NoError(t, g.m.BeginCall(0, g.call(tc.fn, tc.args...)))
			require.True(t, g.m.InCall(0))
			require.Equal(t, uint64(0x3c5)&^0x200, g.c.Reg(33)&0x3ff, "EL1h, I/A/F masked, D clear")
			acts := []Action{ActionContinue, ActionStop}
			s := g.m.Resume(acts)
			require.Equal(t, Stop{Kind: StopCallDone, CPU: 0, Addr: tc.want}, s)
			require.False(t, g.m.InCall(0))
			require.Equal(t, before, snapshot(g.c))
		})
	}
}

// A hypercall stop inside a cross-call (a debugger-owned hit in the kernel route) leaves the call running.
func TestCrossCallInterruptedByHypercall(t *testing.T) {
	g := stoppedGuest(t, false)
	before := snapshot(g.c)
	require.NoError(t, g.m.BeginCall(0, g.call("hyp_fn")))
	acts := []Action{ActionContinue, ActionStop}
	s := g.m.Resume(acts)
	require.Equal(t, StopHypercall, s.Kind)
	require.Equal(t, uint64(0xc600_0009), s.Args[0])
	require.True(t, g.m.InCall(0))
	s = g.m.Resume(acts)
	require.Equal(t, Stop{Kind: StopCallDone, CPU: 0, Addr: 5}, s)
	require.Equal(t, before, snapshot(g.c))
}

func TestCrossCallErrorsAndAbort(t *testing.T) {
	g := stoppedGuest(t, false)
	before := snapshot(g.c)
	require.Error(t, g.m.BeginCall(1, g.call("add_fn")), "CPU 1 is off")
	require.Error(t, g.m.BeginCall(2, g.call("add_fn")), "no CPU 2")
	require.Error(t, g.m.AbortCall(0), "not in a call")
	require.NoError(t, g.m.BeginCall(0, g.call("hyp_fn")))
	require.Error(t, g.m.BeginCall(0, g.call("add_fn")), "already in a call")
	require.Equal(t, StopHypercall, g.m.Resume([]Action{ActionContinue}).Kind)
	require.NoError(t, g.m.AbortCall(0))
	require.False(t, g.m.InCall(0))
	require.Equal(t, before, snapshot(g.c))
}
