package target

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"os"
	"testing"
	"time"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/psci"
	"github.com/stretchr/testify/require"
)

func stateHash(m *Machine) [32]byte {
	h := sha256.New()
	var b [8]byte
	for _, c := range m.cpus {
		for i := 0; i <= 33; i++ {
			binary.LittleEndian.PutUint64(b[:], c.Reg(i))
			h.Write(b[:])
		}
		for _, v := range c.SR {
			binary.LittleEndian.PutUint64(b[:], v)
			h.Write(b[:])
		}
		binary.LittleEndian.PutUint64(b[:], c.executed)
		h.Write(b[:])
	}
	h.Write(m.ram)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func symbol(t *testing.T, path, name string) uint64 {
	f, err := elf.Open(path)
	require.NoError(t, err)
	defer f.Close()
	syms, err := f.Symbols()
	require.NoError(t, err)
	for _, s := range syms {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("no symbol %s", name)
	return 0
}

func runSMP(t *testing.T, quantum int) (*Machine, Stop) {
	img, err := os.ReadFile("testdata/smp.elf")
	require.NoError(t, err)
	m, err := New(Config{CPUs: 4, Quantum: quantum, RAMSize: 1 << 20})
	require.NoError(t, err)
	loadELF(t, m, img)
	return m, runAll(m)
}

func TestSMPDeterminism(t *testing.T) {
	counter := symbol(t, "testdata/smp.elf", "counter")
	for _, q := range []int{1, 7, 1024} {
		m1, s1 := runSMP(t, q)
		m2, s2 := runSMP(t, q)
		require.Equal(t, StopPowerOff, s1.Kind, "quantum %d", q)
		require.Equal(t, s1, s2)
		require.Equal(t, stateHash(m1), stateHash(m2), "quantum %d: same inputs, same state", q)
		var b [8]byte
		require.NoError(t, m1.ReadMemory(counter, b[:]))
		require.Equal(t, uint64(4000), binary.LittleEndian.Uint64(b[:]), "exclusives are atomic across CPUs")
		for i := 1; i < 4; i++ {
			require.False(t, m1.CPU(i).PoweredOn(), "CPU %d called CPU_OFF", i)
		}
		st := m1.Stats()
		for i := 0; i < 4; i++ {
			require.NotZero(t, st.Executed[i])
		}
	}
	// After power-off, Resume keeps saying so.
	m, _ := runSMP(t, 64)
	require.Equal(t, StopPowerOff, runAll(m).Kind)
}

func TestPSCICalls(t *testing.T) {
	hvc := uint32(0xd4000002)
	cases := []struct {
		name string
		x    [4]uint64
		want uint64
	}{
		{"version", [4]uint64{psci.Version}, 0x10001},
		{"features cpu_on64", [4]uint64{psci.Features, psci.CPUOn | psci.Fn64}, 0},
		{"features migrate", [4]uint64{psci.Features, psci.Migrate}, ^uint64(0)},
		{"migrate info type", [4]uint64{psci.MigrateInfo}, 2},
		{"unknown", [4]uint64{0x12345678}, ^uint64(0)},
		{"cpu_on self", [4]uint64{psci.CPUOn | psci.Fn64, 0, RAMBase}, ^uint64(3)},
		{"cpu_on missing cpu", [4]uint64{psci.CPUOn, 5, RAMBase}, ^uint64(1)},
		{"cpu_on with mpidr bit 31 is not an affinity", [4]uint64{psci.CPUOn, 1 << 31, RAMBase}, ^uint64(1)},
		{"affinity info self", [4]uint64{psci.AffinityInfo | psci.Fn64, 0, 0}, 0},
		{"affinity info off cpu", [4]uint64{psci.AffinityInfo, 1, 0}, 1},
		{"affinity info missing", [4]uint64{psci.AffinityInfo, 9, 0}, ^uint64(1)},
		{"affinity info level 1", [4]uint64{psci.AffinityInfo, 9, 1}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(Config{CPUs: 2, RAMSize: 1 << 20})
			require.NoError(t, err)
			require.NoError(t, m.WriteMemory(testCode, []byte{byte(hvc), byte(hvc >> 8), byte(hvc >> 16), byte(hvc >> 24)}))
			m.Reset(testCode)
			c := m.CPU(0)
			copy(c.X[:4], tc.x[:])
			s := m.Resume([]Action{ActionStep, ActionStop})
			require.Equal(t, StopStepped, s.Kind)
			require.Equal(t, tc.want, c.X[0])
			require.Equal(t, uint64(testCode+4), c.PC)
		})
	}
	t.Run("cpu_on starts the target", func(t *testing.T) {
		// More than 8 CPUs take a GICv3, whose board numbers CPUs in clusters of 16 (as QEMU's virt).
		m, err := New(Config{CPUs: 17, RAMSize: 1 << 20})
		require.NoError(t, err)
		require.NoError(t, m.WriteMemory(testCode, []byte{0x02, 0, 0, 0xd4}))
		m.Reset(testCode)
		c := m.CPU(0)
		c.X[0], c.X[1], c.X[2], c.X[3] = psci.CPUOn, 0x100, RAMBase+0x4000, 0xabc // Aff1=1, Aff0=0: CPU 16
		acts := make([]Action, 17)
		acts[0] = ActionStep
		m.Resume(acts)
		require.Equal(t, uint64(0), c.X[0])
		require.Equal(t, uint64(0x80000008), m.CPU(8).MPIDR(), "CPU 8 is in the first cluster of 16")
		t16 := m.CPU(16)
		require.True(t, t16.PoweredOn())
		require.Equal(t, uint64(0x80000100), t16.MPIDR())
		require.Equal(t, uint64(RAMBase+0x4000), t16.PC)
		require.Equal(t, uint64(0xabc), t16.Reg(0))
		require.Equal(t, uint64(0x400003c5), t16.Reg(33))
		v, _ := t16.SysReg(3, 0, 0, 0, 5)
		require.Equal(t, uint64(0x80000100), v)
	})
}

// loopMachine has the benchmark loop at testCode on n CPUs (each with its
// own data page), running iters iterations.
func loopMachine(t testing.TB, n int, iters uint64) *Machine {
	m := setupLoop(t, n, iters)
	return m
}

func TestSoftwareBreakpointAndStep(t *testing.T) {
	m := loopMachine(t, 1, 10)
	c := m.CPU(0)
	loop := c.PC
	m.SetSoftwareBreakpoint(loop+8, true)
	before := make([]byte, 8)
	require.NoError(t, m.ReadMemory(loop+8, before))
	s := runAll(m)
	require.Equal(t, Stop{Kind: StopBreakpoint, CPU: 0, Addr: loop + 8}, s)
	require.Equal(t, loop+8, c.PC)
	after := make([]byte, 8)
	require.NoError(t, m.ReadMemory(loop+8, after))
	require.Equal(t, before, after, "memory is never patched")
	// continue hits it again at once; step steps off it.
	require.Equal(t, StopBreakpoint, runAll(m).Kind)
	s = m.Resume([]Action{ActionStep})
	require.Equal(t, Stop{Kind: StopStepped, CPU: 0}, s)
	require.Equal(t, loop+12, c.PC)
	s = runAll(m)
	require.Equal(t, StopBreakpoint, s.Kind)
	require.Equal(t, loop+8, c.PC)
	m.SetSoftwareBreakpoint(loop+8, false)
	m.SetExternalBreakpoint(3, loop+16, true)
	s = runAll(m)
	require.Equal(t, Stop{Kind: StopBreakpoint, CPU: 0, Addr: loop + 16}, s)
	m.SetExternalBreakpoint(3, 0, false)
}

func TestExternalWatchpoints(t *testing.T) {
	cases := []struct {
		name      string
		start     uint64 // relative to the CPU's data word x1
		length    uint64
		kind      WatchKind
		wantPC    uint64 // relative to loop start
		wantAddr  uint64 // relative to x1
		wantWatch WatchKind
	}{
		{"write", 0, 8, WatchWrite, 8, 0, WatchWrite},
		{"read", 0, 8, WatchRead, 0, 0, WatchRead},
		{"access hits the load first", 0, 8, WatchAccess, 0, 0, WatchAccess},
		{"read of the second word", 8, 8, WatchRead, 12, 8, WatchRead},
		{"inside the access: reported address is the comparator start", 4, 2, WatchWrite, 8, 4, WatchWrite},
		{"range covering both words", 0, 16, WatchRead, 0, 0, WatchRead},
		{"elsewhere on the page never hits", 64, 8, WatchAccess, ^uint64(0), 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := loopMachine(t, 1, 3)
			c := m.CPU(0)
			loop, data := c.PC, c.X[1]
			m.SetExternalWatchpoint(0, data+tc.start, tc.length, tc.kind, true)
			m.SetSoftwareBreakpoint(loop+24, true) // after the loop
			mem := make([]byte, 8)
			watched := data + tc.wantAddr&^7
			s := m.Resume([]Action{ActionContinue})
			if tc.wantPC == ^uint64(0) {
				require.NotEqual(t, StopWatchpoint, s.Kind)
				return
			}
			require.Equal(t, Stop{Kind: StopWatchpoint, CPU: 0, Addr: data + tc.wantAddr, Watch: tc.wantWatch}, s)
			require.Equal(t, loop+tc.wantPC, c.PC, "stopped at the access")
			require.NoError(t, m.ReadMemory(watched, mem))
			memAfter := make([]byte, 8)
			if tc.wantWatch == WatchWrite { // the store has not happened: memory still holds the old value
				require.NoError(t, m.ReadMemory(watched, memAfter))
				require.Equal(t, mem, memAfter)
				loaded := c.X[3]
				require.NotEqual(t, binary.LittleEndian.Uint64(memAfter), loaded, "x3 holds the value about to be stored")
			}
			memAfter = mem
			require.Equal(t, mem, memAfter, "memory untouched")
			// A step with the comparator still armed stops again; removing it lets the access through.
			require.Equal(t, StopWatchpoint, m.Resume([]Action{ActionStep}).Kind)
			m.SetExternalWatchpoint(0, 0, 0, 0, false)
			require.Equal(t, StopStepped, m.Resume([]Action{ActionStep}).Kind)
			require.Equal(t, loop+tc.wantPC+4, c.PC)
		})
	}
}

func TestSecondBreakpointInTheSameRound(t *testing.T) {
	m := loopMachine(t, 2, 100)
	a, b := m.CPU(0).PC, m.CPU(1).PC
	m.SetSoftwareBreakpoint(a+4, true)
	m.SetSoftwareBreakpoint(b+4, true)
	s := runAll(m)
	require.Equal(t, Stop{Kind: StopBreakpoint, CPU: 0, Addr: a + 4}, s)
	require.Equal(t, b+4, m.CPU(1).PC, "CPU 1 stopped at its breakpoint in the same round")
	// Breakpoint stops are not queued: CPU 1 meets its breakpoint again when resumed.
	m.SetSoftwareBreakpoint(a+4, false)
	s = runAll(m)
	require.Equal(t, Stop{Kind: StopBreakpoint, CPU: 1, Addr: b + 4}, s)
}

func TestQueuedStopOnlyForResumedCPU(t *testing.T) {
	// CPU 0 and CPU 1 both fault at their own vector (a guest livelock) in one round.
	m, err := New(Config{CPUs: 2, RAMSize: 1 << 20})
	require.NoError(t, err)
	m.Reset(RAMBase) // RAM is zero: UDF everywhere, VBAR = RAMBase - 0x200
	for _, c := range m.cpus {
		c.on = true
		c.PC = RAMBase
		c.SR[cpu.IdxVBAR] = RAMBase - 0x200
	}
	s := runAll(m)
	require.Equal(t, StopLivelock, s.Kind)
	require.Equal(t, 0, s.CPU)
	require.Contains(t, s.Text, "livelock:")
	s = m.Resume([]Action{ActionContinue, ActionContinue})
	require.Equal(t, StopLivelock, s.Kind)
	require.Equal(t, 1, s.CPU, "the queued stop of CPU 1")
}

func TestInterrupt(t *testing.T) {
	m := loopMachine(t, 2, 1<<40)
	go func() {
		time.Sleep(20 * time.Millisecond)
		m.Interrupt()
	}()
	s := runAll(m)
	require.Equal(t, StopInterrupt, s.Kind)
	// memory reads while halted work
	buf := make([]byte, 4)
	require.NoError(t, m.ReadMemory(m.CPU(0).PC&^3, buf))
	require.Error(t, m.ReadMemory(RAMBase-4, buf))
	require.Error(t, m.ReadMemory(RAMBase+(1<<30), buf))
}

func TestStepTakesOneException(t *testing.T) {
	m, c := newTestMachine(t, 0x00000000) // udf
	s := step(t, m)
	require.Equal(t, StopStepped, s.Kind)
	require.Equal(t, uint64(testVBAR+0x200), c.PC)
}

func TestSelfModifyingCode(t *testing.T) {
	// str w1, [x2]; movz x0, #1 (overwritten with movz x0, #2 before it runs)
	m, c := newTestMachine(t, 0xb9000041, 0xd2800020)
	c.X[1] = 0xd2800040 // movz x0, #2
	c.X[2] = testCode + 4
	step(t, m)
	step(t, m)
	require.Equal(t, uint64(2), c.X[0])
	// A debugger write invalidates too.
	require.NoError(t, m.WriteMemory(testCode+4, []byte{0x60, 0x00, 0x80, 0xd2})) // movz x0, #3
	c.PC = testCode + 4
	step(t, m)
	require.Equal(t, uint64(3), c.X[0])
}

// A page the fast loop has stored to, then runs as code, then stores to
// again: the second store must forget the decoded code (the page leaves the
// store micro-TLBs when it is decoded: dropStoreMicros).
func TestStoreToAPageThatBecameCode(t *testing.T) {
	m, c := newTestMachine(t,
		0xb9000043, // str w3, [x2]
		0xb9000445, // str w5, [x2, #4]
		0xd63f0040, // blr x2
		0xaa0003e6, // mov x6, x0
		0xb9000044, // str w4, [x2]
		0xd63f0040, // blr x2
		0x14000000, // b .
	)
	m.cfg.Quantum = 1000
	c.X[2], c.X[3], c.X[4], c.X[5] = testCode+0x1000, 0xd2800020, 0xd2800040, 0xd65f03c0 // page B; movz x0, #1; movz x0, #2; ret
	m.runRounds([]Action{ActionContinue}, 1)
	require.Equal(t, uint64(testCode+6*4), c.PC)
	require.Equal(t, []uint64{1, 2}, []uint64{c.X[6], c.X[0]}, "x6 from the first code, x0 from the rewritten one")
}

func TestUART(t *testing.T) {
	// str w1, [x2]; ldr w3, [x2, #0x18]; ldr w4, [x2, #0x30]
	var out []byte
	w := writerFunc(func(p []byte) (int, error) { out = append(out, p...); return len(p), nil })
	m, err := New(Config{CPUs: 1, RAMSize: 1 << 20, Console: w})
	require.NoError(t, err)
	code := []uint32{0xb9000041, 0xb9401843, 0xb9403044}
	buf := make([]byte, 12)
	for i, x := range code {
		binary.LittleEndian.PutUint32(buf[4*i:], x)
	}
	require.NoError(t, m.LoadSegment(testCode, buf, 0))
	m.Reset(testCode)
	c := m.CPU(0)
	c.X[1], c.X[2], c.X[4] = 'A', UARTBase, 77
	for range code {
		step(t, m)
	}
	require.Equal(t, "A", string(out))
	require.Equal(t, uint64(0x90), c.X[3], "UARTFR: TX and RX FIFOs empty")
	require.Equal(t, uint64(0x300), c.X[4], "UARTCR resets to TXE|RXE (PL011)")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestZeroAllocsOnCachedPage(t *testing.T) {
	m := loopMachine(t, 1, 1<<40)
	c := m.CPU(0)
	c.run(4096) // warm the decode cache
	allocs := testing.AllocsPerRun(100, func() {
		c.stopped = false
		c.run(4096)
	})
	require.Zero(t, allocs)
	acts := []Action{ActionContinue}
	wasOn := []bool{true}
	allocs = testing.AllocsPerRun(100, func() { m.round(acts, wasOn, ActionContinue) })
	require.Zero(t, allocs)
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []Config{{CPUs: 65}, {CPUs: -1}, {RAMSize: 123}, {Quantum: -5}} {
		_, err := New(cfg)
		require.Error(t, err, "%+v", cfg)
	}
	m, err := New(Config{})
	require.NoError(t, err)
	require.Equal(t, 2, m.NumCPUs())
	require.Nil(t, m.CPU(2))
	require.Error(t, m.LoadSegment(0, []byte{1}, 0))
	require.Error(t, m.WriteMemory(RAMBase+defaultRAM-2, []byte{1, 2, 3}))
}

func TestAllCPUsWaitingForever(t *testing.T) {
	m, _ := newTestMachine(t, 0xd503207f, 0x17ffffff) // 1: wfi; b 1b
	s := runAll(m)
	require.Equal(t, StopIdle, s.Kind)
	require.Contains(t, s.Text, "WFI")
}

func TestHypercallStop(t *testing.T) {
	// hvc #0; mov x1, x0
	m, c := newTestMachine(t, 0xd4000002, 0xaa0003e1)
	m.SetHypercall(0xc6000003, true)
	c.X[0], c.X[1] = 0xc6000003, 7
	s := m.Resume([]Action{ActionContinue})
	require.Equal(t, Stop{Kind: StopHypercall, CPU: 0, Addr: 0xc6000003}, s)
	require.Equal(t, uint64(testCode+4), c.PC, "after the HVC")
	require.Equal(t, uint64(7), c.Reg(1))
	c.SetReg(0, 1) // the answer
	require.Equal(t, StopStepped, m.Resume([]Action{ActionStep}).Kind)
	require.Equal(t, uint64(1), c.Reg(1))
	// Unregistered: PSCI answers NOT_SUPPORTED.
	m.SetHypercall(0xc6000003, false)
	c.PC, c.X[0] = testCode, 0xc6000003
	require.Equal(t, StopStepped, m.Resume([]Action{ActionStep}).Kind)
	require.Equal(t, ^uint64(0), c.Reg(0))
}

// The fast loop goes on into a recent code page of another VA page (a call
// and its return) only where run would: a breakpoint set there since, gdb's
// or a software one, still stops the CPU at it.
func TestCallIntoAnotherPageStopsAtItsBreakpoints(t *testing.T) {
	m, c := newTestMachine(t,
		0x94000400, // loop: bl f (the next page)
		0xf1000400, // subs x0, x0, #1
		0x54ffffc1, // b.ne loop
		0x14000000, // b .
	)
	const f = testCode + 0x1000
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b, 0x91000421)     // f: add x1, x1, #1
	binary.LittleEndian.PutUint32(b[4:], 0xd65f03c0) // ret
	require.NoError(t, m.WriteMemory(f, b))
	m.cfg.Quantum = 1000
	c.X[0] = 5
	m.runRounds([]Action{ActionContinue}, 1) // both pages are recent now
	require.Equal(t, []uint64{0, 5, testCode + 12}, []uint64{c.X[0], c.X[1], c.PC})

	for _, bp := range []struct {
		name     string
		set      func(addr uint64, on bool)
		addr, x1 uint64
	}{
		{"gdb's, on the ret", func(a uint64, on bool) { m.SetExternalBreakpoint(0, a, on) }, f + 4, 6},
		{"software, on the add", func(a uint64, on bool) { m.SetSoftwareBreakpoint(a, on) }, f, 5},
	} {
		c.PC, c.X[0], c.X[1] = testCode, 5, 5
		bp.set(bp.addr, true)
		s := runAll(m)
		require.Equal(t, Stop{Kind: StopBreakpoint, CPU: 0, Addr: bp.addr}, s, bp.name)
		require.Equal(t, bp.x1, c.X[1], bp.name)
		bp.set(bp.addr, false)
	}
}
