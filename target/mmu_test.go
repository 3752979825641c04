package target

import (
	"encoding/binary"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/stretchr/testify/require"
)

// Tables for MMU-on tests, built in guest RAM: a 39-bit TTBR0 space (T0SZ =
// 25, 4 KiB granule, start at level 1) and a 39-bit TTBR1 space.
const (
	ttL1  = RAMBase + 0x7f0000 // TTBR0's level-1 table
	ttL2  = RAMBase + 0x7f1000 // level 2 for VA [0x4000_0000, 0x8000_0000)
	ttL3  = RAMBase + 0x7f2000 // level 3 for VA [0x4000_0000, 0x4020_0000)
	ttH1  = RAMBase + 0x7f3000 // TTBR1's level-1 table
	mairV = 0x00ff             // Attr0 Normal WB, Attr1 Device-nGnRnE

	tcr39 = 25 | 25<<16 | 1<<8 | 1<<10 | 3<<12 | 2<<30 | 2<<32 // T0SZ=T1SZ=25, WB, inner shareable, TG1=4K, IPS=40 bits

	pteAF     = 1 << 10
	pteSH     = 3 << 8
	pteDevice = 1 << 2 // AttrIndx 1
	pteRO     = 1 << 7 // AP[2]
	pteUser   = 1 << 6 // AP[1]
	ptePage   = 3
	pteBlock  = 1
)

func putPTE(m *Machine, pa, v uint64) {
	binary.LittleEndian.PutUint64(m.ram[pa-RAMBase:], v)
}

// identityTables maps VA [0x4000_0000, 0x8000_0000) to the same PAs: the
// first 2 MiB by 4 KiB pages (level 3), the rest by 2 MiB blocks, Normal
// memory, EL1 read/write; and the UART page as Device.
func identityTables(m *Machine) {
	clear(m.ram[ttL1-RAMBase : ttH1-RAMBase+0x1000])
	putPTE(m, ttL1+1*8, ttL2|3)
	putPTE(m, ttL1+0*8, ttL1+0x4000|3) // VA [0, 1 GiB): level 2 at +0x4000
	putPTE(m, ttL1+0x4000+(UARTBase>>21)*8, ttL1+0x5000|3)
	putPTE(m, ttL1+0x5000, UARTBase|pteAF|pteDevice|ptePage)
	putPTE(m, ttL2, ttL3|3)
	for i := uint64(1); i < 512; i++ {
		putPTE(m, ttL2+i*8, RAMBase+i<<21|pteAF|pteSH|pteBlock)
	}
	for i := uint64(0); i < 512; i++ {
		putPTE(m, ttL3+i*8, RAMBase+i<<12|pteAF|pteSH|ptePage)
	}
}

// enableMMU turns c's MMU on over the tables of identityTables.
func enableMMU(t testing.TB, c *CPU) {
	for _, r := range []struct {
		key uint32
		v   uint64
	}{{cpu.KeyMAIR, mairV}, {cpu.KeyTCR, tcr39}, {cpu.KeyTTBR0, ttL1}, {cpu.KeyTTBR1, ttH1},
		{cpu.KeySCTLR, c.SR[cpu.IdxSCTLR] | 1}} {
		if !c.writeSys(r.key, r.v, false) {
			t.Fatalf("write %#x", r.key)
		}
	}
	if !c.mm.on {
		t.Fatal("MMU is off")
	}
}

// The loop of BenchmarkLoop1CPU with the MMU on (identity map): the
// micro-TLBs' hit path.
func BenchmarkLoopMMU1CPU(b *testing.B) {
	benchmarkLoopWith(b, 1, func(m *Machine) {
		identityTables(m)
		for _, c := range m.cpus {
			enableMMU(b, c)
		}
	})
}

const (
	mmuCode = RAMBase + 0x1000  // where exec1 puts the instruction
	mmuVBAR = RAMBase + 0x80000 // its current-EL sync vector is `b .`
)

// mmuMachine is one CPU with 16 MiB of RAM, the identity tables and its
// MMU on.
func mmuMachine(t *testing.T) (*Machine, *CPU) {
	t.Helper()
	m, err := New(Config{CPUs: 1, RAMSize: 16 << 20})
	require.NoError(t, err)
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, 0x14000000) // b .
	require.NoError(t, m.LoadSegment(mmuVBAR+0x200, b, 0))
	m.Reset(mmuCode)
	c := m.CPU(0)
	c.SR[cpu.IdxVBAR] = mmuVBAR
	identityTables(m)
	enableMMU(t, c)
	return m, c
}

// exec1 runs the one instruction w at mmuCode (a single step).
func exec1(t *testing.T, m *Machine, c *CPU, w uint32) Stop {
	t.Helper()
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, w)
	require.NoError(t, m.WriteMemory(mmuCode, b))
	c.PC = mmuCode
	return step(t, m)
}

// remap points the 4 KiB page at VA va (in the level-3 range) to pa.
func remap(m *Machine, va, pa, attrs uint64) {
	putPTE(m, ttL3+(va-RAMBase)>>12*8, pa|pteAF|pteSH|ptePage|attrs)
}

func put64(m *Machine, pa, v uint64) { binary.LittleEndian.PutUint64(m.ram[pa-RAMBase:], v) }

// abort checks that the last instruction took a synchronous exception with
// ESR esr and FAR far.
func abort(t *testing.T, c *CPU, esr, far uint64) {
	t.Helper()
	require.Equal(t, uint64(mmuVBAR+0x200), c.PC, "vector")
	require.Equal(t, esr, c.SR[cpu.IdxESR], "ESR_EL1 %#x", c.SR[cpu.IdxESR])
	require.Equal(t, far, c.SR[cpu.IdxFAR], "FAR_EL1")
	require.Equal(t, uint64(mmuCode), c.SR[cpu.IdxELR], "ELR_EL1")
}

const (
	wLDR    = 0xf9400023 // ldr x3, [x1]
	wSTR    = 0xf9000023 // str x3, [x1]
	wLDUR1  = 0xf8401023 // ldur x3, [x1, #1]
	wLDTR   = 0xf8400823 // ldtr x3, [x1]
	wTLBIIS = 0xd508831f // tlbi vmalle1is
	wATE1R  = 0xd5087801 // at s1e1r, x1
	wATE0W  = 0xd5087861 // at s1e0w, x1
	wDCZVA  = 0xd50b7421 // dc zva, x1
	wDCCIV  = 0xd50b7e21 // dc civac, x1
	wLDXR   = 0xc85f7c23 // ldxr x3, [x1]
	wBR     = 0xd61f0020 // br x1
)

func TestMMUDataAccess(t *testing.T) {
	m, c := mmuMachine(t)
	const data = RAMBase + 0x100000 // a level-2 block
	put64(m, data, 0x1122334455667788)
	put64(m, data+8, 0x99aabbccddeeff00)

	c.X[1] = data
	exec1(t, m, c, wLDR)
	require.Equal(t, uint64(0x1122334455667788), c.X[3])

	// Unaligned on Normal memory with SCTLR_EL1.A = 0: legal.
	exec1(t, m, c, wLDUR1)
	require.Equal(t, uint64(0x0011223344556677), c.X[3])

	// Unmapped (level-1 slot 4): translation fault, level 1.
	c.X[1] = 0x1_0000_0008
	exec1(t, m, c, wLDR)
	abort(t, c, 0x96000005, 0x1_0000_0008)
	exec1(t, m, c, wSTR)
	abort(t, c, 0x96000045, 0x1_0000_0008)

	// Device memory: unaligned faults, after translation.
	c.X[1] = UARTBase
	exec1(t, m, c, wLDUR1)
	abort(t, c, 0x96000021, UARTBase+1)

	// Exclusives must be aligned on Normal memory too.
	c.X[1] = data + 4
	exec1(t, m, c, wLDXR)
	abort(t, c, 0x96000021, data+4)

	// An EL1-only page through LDTR (checked as EL0): permission fault, level 3.
	c.X[1] = RAMBase + 0x5000
	exec1(t, m, c, wLDTR)
	abort(t, c, 0x9600000f, RAMBase+0x5000)
	remap(m, RAMBase+0x5000, RAMBase+0x5000, pteUser)
	exec1(t, m, c, wTLBIIS)
	exec1(t, m, c, wLDTR)
	require.Equal(t, uint64(mmuCode+4), c.PC)
}

func TestMMUCrossPage(t *testing.T) {
	m, c := mmuMachine(t)
	// VA page 0x4010_1000 → PA 0x4030_0000: a load across 0x4010_1000 reads two
	// physical pages that are not adjacent.
	remap(m, RAMBase+0x101000, RAMBase+0x300000, 0)
	put64(m, RAMBase+0x100ff8, 0x1122334455667788)
	put64(m, RAMBase+0x300000, 0xaa)
	c.X[1] = RAMBase + 0x100ff8
	exec1(t, m, c, wLDUR1)
	require.Equal(t, uint64(0xaa11223344556677), c.X[3])

	// The second page unmapped: FAR is its first byte.
	putPTE(m, ttL3+0x101*8, 0)
	exec1(t, m, c, wTLBIIS)
	exec1(t, m, c, wLDUR1)
	abort(t, c, 0x96000007, RAMBase+0x101000)
}

func TestMMUTLBIAfterRemap(t *testing.T) {
	m, c := mmuMachine(t)
	const va = RAMBase + 0x102000
	put64(m, va, 1)
	put64(m, RAMBase+0x303000, 2)
	c.X[1] = va
	exec1(t, m, c, wLDR)
	require.Equal(t, uint64(1), c.X[3])
	remap(m, va, RAMBase+0x303000, 0)
	exec1(t, m, c, wLDR)
	require.Equal(t, uint64(1), c.X[3], "before the TLBI the old translation may still be used (it is, here)")
	exec1(t, m, c, wTLBIIS)
	exec1(t, m, c, wLDR)
	require.Equal(t, uint64(2), c.X[3])

	// AT S1E1R → PAR_EL1; AT S1E0W on an EL1 page: permission fault, level 3.
	exec1(t, m, c, wATE1R)
	require.Equal(t, uint64(0xff00000040303b80), c.SR[cpu.IdxPAR], "PAR_EL1 %#x", c.SR[cpu.IdxPAR])
	exec1(t, m, c, wATE0W)
	require.Equal(t, uint64(0x81f), c.SR[cpu.IdxPAR], "PAR_EL1 %#x", c.SR[cpu.IdxPAR])

	// DC ZVA zeroes the 64-byte block of the physical page the VA maps to.
	put64(m, RAMBase+0x303008, 7)
	c.X[1] = va + 8
	exec1(t, m, c, wDCZVA)
	require.Equal(t, uint64(0), binary.LittleEndian.Uint64(m.ram[0x303008:]))
	// DC CIVAC of an unmapped VA: a data abort with CM and WnR.
	c.X[1] = 0x1_0000_0000
	exec1(t, m, c, wDCCIV)
	abort(t, c, 0x96000145, 0x1_0000_0000)
}

// The micro-TLBs' sets of recent pages (memory.go) forget them at a TLBI: a load from a VA whose page was in
// the set, after a remap and a TLBI, reads the new page.
func TestMMUMicroSetAfterRemap(t *testing.T) {
	m, c := mmuMachine(t)
	const va, other = RAMBase + 0x102000, RAMBase + 0x104000
	put64(m, va, 1)
	put64(m, other, 5)
	put64(m, RAMBase+0x303000, 2)
	c.X[1] = va
	exec1(t, m, c, wLDR)
	require.Equal(t, uint64(1), c.X[3])
	c.X[1] = other
	exec1(t, m, c, wLDR)
	require.Equal(t, uint64(5), c.X[3])
	require.NotNil(t, c.mm.ldCur.find(va, c.mm.microGen), "the first page is in the set")
	remap(m, va, RAMBase+0x303000, 0)
	exec1(t, m, c, wTLBIIS)
	require.Nil(t, c.mm.ldCur.find(va, c.mm.microGen), "the TLBI emptied the set")
	c.X[1] = va
	exec1(t, m, c, wLDR)
	require.Equal(t, uint64(2), c.X[3])
}

func TestMMUInstructionAbort(t *testing.T) {
	m, c := mmuMachine(t)
	c.X[1] = 0x1_0000_0000
	exec1(t, m, c, wBR)
	step(t, m)
	// PC at the vector; EC 0x21, IFSC translation level 1; FAR = ELR = the target.
	require.Equal(t, []uint64{mmuVBAR + 0x200, 0x86000005, 0x1_0000_0000, 0x1_0000_0000},
		[]uint64{c.PC, c.SR[cpu.IdxESR], c.SR[cpu.IdxFAR], c.SR[cpu.IdxELR]})
}

// Code written through a second mapping (as Linux patches its text through
// the linear map) is seen at once: the decode cache is keyed by PA.
func TestMMUCodeAlias(t *testing.T) {
	m, c := mmuMachine(t)
	const code, alias = RAMBase + 0x3000, RAMBase + 0x103000
	remap(m, alias, code, 0)
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, 0xd503201f) // nop
	require.NoError(t, m.WriteMemory(code, b))
	c.PC = code
	step(t, m)
	require.Equal(t, uint64(code+4), c.PC)
	c.X[1], c.X[3] = alias, 0xd28000a0 // movz x0, #5
	exec1(t, m, c, 0xb9000023)         // str w3, [x1]
	c.PC = code
	step(t, m)
	require.Equal(t, uint64(5), c.X[0])
}

// run's recent code pages (codeSet) follow what fetchOK and codePage would
// find: a code VA remapped (and a TLBI) runs the new page; a physical page
// decoded for another VA in between is decoded again for this one.
func TestMMUCodePagesFollowRemapAndAlias(t *testing.T) {
	m, c := mmuMachine(t)
	const va, va2, pa1, pa2 = RAMBase + 0x107000, RAMBase + 0x108000, RAMBase + 0x305000, RAMBase + 0x306000
	b := make([]byte, 8)
	for _, p := range []struct{ pa, movz uint64 }{{pa1, 0xd2800020}, {pa2, 0xd2800040}} { // movz x0, #1 / #2
		binary.LittleEndian.PutUint32(b, uint32(p.movz))
		binary.LittleEndian.PutUint32(b[4:], 0x14000000) // b .
		require.NoError(t, m.LoadSegment(p.pa, b, 0))
	}
	m.cfg.Quantum = 100
	runAt := func(pc uint64) {
		c.PC, c.X[0] = pc, 0
		m.runRounds([]Action{ActionContinue}, 1)
	}
	remap(m, va, pa1, 0)
	exec1(t, m, c, wTLBIIS)
	runAt(va)
	require.Equal(t, []uint64{1, va + 4}, []uint64{c.X[0], c.PC})
	remap(m, va, pa2, 0)
	exec1(t, m, c, wTLBIIS)
	runAt(va)
	require.Equal(t, []uint64{2, va + 4}, []uint64{c.X[0], c.PC}, "the remapped page")
	remap(m, va2, pa2, 0)
	exec1(t, m, c, wTLBIIS)
	runAt(va)
	runAt(va2)
	require.Equal(t, []uint64{2, va2 + 4}, []uint64{c.X[0], c.PC}, "pa2 through va2")
	runAt(va)
	require.Equal(t, []uint64{2, va + 4}, []uint64{c.X[0], c.PC}, "pa2 through va again: its b . is va's")
}

// Issue 14 point 6: a watchpoint on a VA must still fire when the VA is
// remapped to another physical page, even after the fast loop cached the
// old translation.
func TestMMUWatchAfterRemap(t *testing.T) {
	m, c := mmuMachine(t)
	const va = RAMBase + 0x104000
	c.X[1] = va
	exec1(t, m, c, wLDR) // the load micro-TLB holds the page now
	m.SetExternalWatchpoint(0, va, 8, WatchAccess, true)
	remap(m, va, RAMBase+0x305000, 0)
	exec1(t, m, c, wTLBIIS)
	s := exec1(t, m, c, wLDR)
	require.Equal(t, StopWatchpoint, s.Kind, "%v", s)
	require.Equal(t, uint64(va), s.Addr)

	// The same through the fast loop: ldr; str; b back, on the watched VA.
	m.SetExternalWatchpoint(0, va, 8, WatchWrite, true)
	b := make([]byte, 12)
	for i, w := range []uint32{wLDR, wSTR, 0x17fffffe} {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	require.NoError(t, m.WriteMemory(mmuCode, b))
	c.PC = mmuCode
	s = runAll(m)
	require.Equal(t, StopWatchpoint, s.Kind, "%v", s)
}

func TestReadVirtual(t *testing.T) {
	m, c := mmuMachine(t)
	const va = RAMBase + 0x106000
	remap(m, va, RAMBase+0x306000, 0)
	put64(m, RAMBase+0x306000, 0x0123456789abcdef)
	p := make([]byte, 8)
	require.NoError(t, c.ReadVirtual(va, p))
	require.Equal(t, uint64(0x0123456789abcdef), binary.LittleEndian.Uint64(p))
	require.NoError(t, c.WriteVirtual(va, []byte{1, 2}))
	require.Equal(t, byte(2), m.ram[0x306001])
	require.Error(t, c.ReadVirtual(0x1_0000_0000, p))
	putPTE(m, ttL3+0x107*8, 0)
	require.Error(t, c.WriteVirtual(va+0xfff, []byte{1, 2}), "the second byte is in an unmapped page")
	require.Equal(t, byte(0), m.ram[0x306fff], "nothing written")
}
