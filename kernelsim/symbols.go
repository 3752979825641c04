package kernelsim

import (
	"debug/elf"
	"fmt"
	"sort"
)

// Symbol is one named address of the kernel.
type Symbol struct {
	Name string
	Addr uint64
	Size uint64
	Func bool // STT_FUNC
}

// Symbols is the kernel's symbol table. A nil *Symbols is empty.
type Symbols struct {
	byName map[string]Symbol
	sorted []Symbol // by Addr, then sized before unsized, then name
}

func newSymbols(in []elf.Symbol) *Symbols {
	s := &Symbols{byName: make(map[string]Symbol)}
	global := make(map[string]bool)
	for _, e := range in {
		typ := elf.ST_TYPE(e.Info)
		if e.Name == "" || e.Name[0] == '$' || typ == elf.STT_SECTION || typ == elf.STT_FILE ||
			e.Section == elf.SHN_UNDEF {
			continue
		}
		sym := Symbol{Name: e.Name, Addr: e.Value, Size: e.Size, Func: typ == elf.STT_FUNC}
		isGlobal := elf.ST_BIND(e.Info) != elf.STB_LOCAL
		if _, seen := s.byName[e.Name]; !seen || (isGlobal && !global[e.Name]) {
			s.byName[e.Name] = sym
			global[e.Name] = isGlobal
		}
		s.sorted = append(s.sorted, sym)
	}
	sort.SliceStable(s.sorted, func(i, j int) bool {
		a, b := s.sorted[i], s.sorted[j]
		if a.Addr != b.Addr {
			return a.Addr < b.Addr
		}
		if (a.Size > 0) != (b.Size > 0) {
			return a.Size > 0
		}
		return a.Name < b.Name
	})
	return s
}

// Len is the number of symbols.
func (s *Symbols) Len() int {
	if s == nil {
		return 0
	}
	return len(s.sorted)
}

// Lookup returns a symbol's address and size (globals win over locals of the same name).
func (s *Symbols) Lookup(name string) (addr, size uint64, ok bool) {
	if s == nil {
		return 0, 0, false
	}
	sym, ok := s.byName[name]
	return sym.Addr, sym.Size, ok
}

// Find returns the symbol containing pc: a sized symbol covering it, else the
// nearest label at or below it within 4 KiB.
func (s *Symbols) Find(pc uint64) (Symbol, bool) {
	if s == nil {
		return Symbol{}, false
	}
	i := sort.Search(len(s.sorted), func(i int) bool { return s.sorted[i].Addr > pc })
	var label *Symbol
	for j := i - 1; j >= 0; j-- {
		sym := &s.sorted[j]
		if sym.Size > 0 && pc-sym.Addr < sym.Size {
			return *sym, true
		}
		if sym.Size == 0 && label == nil && pc-sym.Addr < 4096 {
			label = sym
		}
		if pc-sym.Addr >= 1<<20 { // nothing that large here
			break
		}
	}
	if label != nil {
		return *label, true
	}
	return Symbol{}, false
}

// Symbolize names pc as "func+0xoff" (always with the offset, e.g.
// "write_wb_reg+0x0"), or "0x…" if no symbol covers it.
func (s *Symbols) Symbolize(pc uint64) string {
	sym, ok := s.Find(pc)
	if !ok {
		return fmt.Sprintf("%#x", pc)
	}
	return fmt.Sprintf("%s+%#x", sym.Name, pc-sym.Addr)
}

// PerCPU returns the address and element size of element cpu of a guest
// per-CPU array (one of NumCPUSlots elements, e.g. SymBpExceptions).
func (img *Image) PerCPU(name string, cpu int) (addr, elemSize uint64, err error) {
	base, size, ok := img.Symbols.Lookup(name)
	switch {
	case !ok:
		return 0, 0, fmt.Errorf("kernelsim: no symbol %s", name)
	case size == 0 || size%NumCPUSlots != 0:
		return 0, 0, fmt.Errorf("kernelsim: %s (%d bytes) is not a per-CPU array", name, size)
	case cpu < 0 || cpu >= NumCPUSlots:
		return 0, 0, fmt.Errorf("kernelsim: cpu %d out of range", cpu)
	}
	elemSize = size / NumCPUSlots
	return base + uint64(cpu)*elemSize, elemSize, nil
}

// SlotAddr returns &bp_on_reg[cpu][slot] (breakpoint) or &wp_on_reg[cpu][slot]:
// the 8-byte owner pointer (0 = free) of a comparator.
func (img *Image) SlotAddr(breakpoint bool, cpu, slot int) (uint64, error) {
	name := SymWpOnReg
	if breakpoint {
		name = SymBpOnReg
	}
	if slot < 0 || slot >= MaxSlots {
		return 0, fmt.Errorf("kernelsim: slot %d out of range", slot)
	}
	row, _, err := img.PerCPU(name, cpu)
	if err != nil {
		return 0, err
	}
	return row + uint64(slot)*8, nil
}
