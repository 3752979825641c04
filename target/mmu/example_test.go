package mmu_test

import (
	"encoding/binary"
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/mmu"
)

// physMem is the machine's RAM as the walker sees it.
type physMem struct {
	base uint64
	b    []byte
}

func (m physMem) ReadDescriptor(pa uint64) (uint64, bool) {
	if pa < m.base || pa-m.base+8 > uint64(len(m.b)) {
		return 0, false // no RAM there: external abort on the walk
	}
	return binary.LittleEndian.Uint64(m.b[pa-m.base:]), true
}

func (m physMem) put(pa, v uint64) { binary.LittleEndian.PutUint64(m.b[pa-m.base:], v) }

// How an executor drives one CPU's MMU: registers in, a Micro per access
// kind on the fast path, Refill on a miss, ESR/FAR on a fault, TLBI applied
// to every CPU for the IS forms.
func Example() {
	ram := physMem{base: 0x4000_0000, b: make([]byte, 64<<10)}
	// A 39-bit TTBR0 space: level-1 table at 0x4000_0000, level 2 at
	// +0x1000, level 3 at +0x2000; VA 0x1000 → PA 0x4080_0000, EL0 RW.
	ram.put(0x4000_0000, 0x4000_1000|3)
	ram.put(0x4000_1000, 0x4000_2000|3)
	ram.put(0x4000_2000+8, 0x4080_0000|1<<11|1<<10|1<<6|3)

	cpus := []*mmu.MMU{
		mmu.New(mmu.ConfigFromMMFR0(0x1124), ram, 0),
		mmu.New(mmu.ConfigFromMMFR0(0x1124), ram, 0),
	}
	regs := mmu.Regs{
		SCTLR: 1,                           // M
		TCR:   25 | 25<<16 | 2<<30 | 4<<32, // T0SZ = T1SZ = 25, TG1 = 4 KiB, IPS = 44 bits
		TTBR0: 0x4000_0000 | 7<<48,         // ASID 7
		MAIR:  0xff,
	}
	for _, m := range cpus {
		m.SetRegs(regs) // after every MSR to SCTLR/TCR/TTBR0/TTBR1/MAIR_EL1
	}

	m := cpus[0]
	var load mmu.Micro // one per CPU and access kind
	va := uint64(0x1234)
	pa, ok := load.Lookup(va, m.TLB().Gen(), mmu.Read|mmu.EL0)
	if !ok {
		if f := m.Refill(&load, va, mmu.Read|mmu.EL0); !f.OK() {
			panic(f)
		}
		pa, _ = load.Lookup(va, m.TLB().Gen(), mmu.Read|mmu.EL0)
	}
	fmt.Printf("load %#x → %#x\n", va, pa)

	// A fault: ESR_EL1 and FAR_EL1 for the guest.
	_, f := m.Translate(0x5000, mmu.Write|mmu.EL0)
	fmt.Printf("store 0x5000: %v, ESR %#x, FAR 0x5000\n", f, f.ESR(mmu.Write|mmu.EL0, 0))

	// TLBI VAE1IS, X0 with X0 = ASID << 48 | VA >> 12 reaches every CPU,
	// and the Micro filled before it misses.
	op, _ := mmu.DecodeTLBI(0, 8, 3, 1)
	inv := m.Context().TLBI(op, 7<<48|va>>12)
	for _, c := range cpus {
		if inv.Broadcast || c == m {
			c.TLB().Apply(inv)
		}
	}
	_, ok = load.Lookup(va, m.TLB().Gen(), mmu.Read|mmu.EL0)
	fmt.Println("micro after TLBI:", ok)

	// AT S1E1R, X0 → PAR_EL1.
	par, _ := m.AT(mmu.S1E1R, va)
	fmt.Printf("PAR_EL1 %#x\n", par)
	// Output:
	// load 0x1234 → 0x40800234
	// store 0x5000: translation fault, level 3, ESR 0x92000047, FAR 0x5000
	// micro after TLBI: false
	// PAR_EL1 0xff00000040800a00
}
