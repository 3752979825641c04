package kernelsim

import (
	"debug/elf"
	"errors"
)

// MaxSymbolFileSize bounds a --symbols file: a vmlinux with DWARF is tens of MiB (Linux 6.12's is 39 MiB).
const MaxSymbolFileSize = 1 << 30

// ParseSymbolFile checks that b is a little-endian ELF64 AArch64 file with a symbol table (a vmlinux, or any
// kernel ELF) and returns its symbols. Unlike Parse it does not ask the segments to lie in RAM: a vmlinux is
// linked at its virtual addresses. It never panics.
func ParseSymbolFile(b []byte) (*Symbols, error) {
	var syms *Symbols
	err := withELF(b, func(f *elf.File) error {
		list, err := f.Symbols()
		if errors.Is(err, elf.ErrNoSymbols) {
			return refuse("the ELF has no symbol table (stripped?)")
		}
		if err != nil {
			return refuse("symbol table: %v", err)
		}
		// Absolute symbols (PECOFF_FILE_ALIGNMENT = 0x200, KERNEL_IMAGE_SIZE, …) are constants, not places:
		// naming a pc with them misleads.
		places := list[:0]
		for _, e := range list {
			if e.Section != elf.SHN_ABS {
				places = append(places, e)
			}
		}
		syms = newSymbols(places)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return syms, nil
}
