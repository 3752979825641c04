package kernelsim

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"sort"
)

// The RAM window of the virt map that loadable segments must fall in.
const (
	RAMBase = 0x4000_0000
	// MaxRAMSize bounds RAM (and so every segment); QEMU's virt machine and ours use less.
	MaxRAMSize = 1 << 30
)

// Segment is one loadable piece: Data is copied to Addr, then zeros up to MemSize.
type Segment struct {
	Addr    uint64
	Data    []byte
	MemSize uint64
}

// Image is a parsed kernel ELF.
type Image struct {
	Entry    uint64
	Segments []Segment // sorted by Addr, non-overlapping, inside RAM
	Symbols  *Symbols
	Raw      []byte // the ELF file as given

	fileOffsets []uint64 // file offset of each Segments[i].Data
}

// ErrNotKernel wraps every reason Parse refuses a file.
var ErrNotKernel = errors.New("kernelsim: not a kernel for the virt machine")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrNotKernel}, args...)...)
}

// Parse checks that b is a little-endian ELF64 AArch64 executable whose
// loadable segments lie in RAM without overlapping, and returns its image.
// It never panics: any corrupt input gives an error.
func Parse(b []byte) (img *Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, refuse("corrupt ELF (%v)", r)
		}
	}()
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return nil, refuse("not an ELF file: %v", err)
	}
	defer f.Close()
	switch {
	case f.Class != elf.ELFCLASS64:
		return nil, refuse("ELF class %v, want ELFCLASS64", f.Class)
	case f.Data != elf.ELFDATA2LSB:
		return nil, refuse("ELF data %v, want little-endian", f.Data)
	case f.Machine != elf.EM_AARCH64:
		return nil, refuse("machine %v, want EM_AARCH64", f.Machine)
	case f.Type != elf.ET_EXEC:
		return nil, refuse("ELF type %v, want ET_EXEC", f.Type)
	}

	img = &Image{Entry: f.Entry, Raw: b}
	for i, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		if p.Filesz > p.Memsz {
			return nil, refuse("segment %d: file size %#x larger than memory size %#x", i, p.Filesz, p.Memsz)
		}
		if p.Memsz > MaxRAMSize {
			return nil, refuse("segment %d: absurd memory size %#x", i, p.Memsz)
		}
		if p.Paddr < RAMBase || p.Paddr-RAMBase > MaxRAMSize-p.Memsz {
			return nil, refuse("segment %d at %#x+%#x lies outside RAM [%#x, %#x)", i, p.Paddr, p.Memsz,
				uint64(RAMBase), uint64(RAMBase+MaxRAMSize))
		}
		if p.Off > uint64(len(b)) || p.Filesz > uint64(len(b))-p.Off {
			return nil, refuse("segment %d: file range %#x+%#x beyond the end of the file (%#x)", i, p.Off,
				p.Filesz, len(b))
		}
		data := make([]byte, p.Filesz)
		copy(data, b[p.Off:p.Off+p.Filesz])
		img.Segments = append(img.Segments, Segment{Addr: p.Paddr, Data: data, MemSize: p.Memsz})
		img.fileOffsets = append(img.fileOffsets, p.Off)
	}
	if len(img.Segments) == 0 {
		return nil, refuse("no loadable segment")
	}
	order := make([]int, len(img.Segments))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return img.Segments[order[i]].Addr < img.Segments[order[j]].Addr })
	segs := make([]Segment, len(order))
	offs := make([]uint64, len(order))
	for i, k := range order {
		segs[i], offs[i] = img.Segments[k], img.fileOffsets[k]
	}
	img.Segments, img.fileOffsets = segs, offs
	for i := 1; i < len(segs); i++ {
		prev := segs[i-1]
		if prev.Addr+prev.MemSize > segs[i].Addr {
			return nil, refuse("segments at %#x+%#x and %#x overlap", prev.Addr, prev.MemSize, segs[i].Addr)
		}
	}
	if !img.contains(img.Entry, 4) {
		return nil, refuse("entry point %#x is not inside a loadable segment", img.Entry)
	}

	syms, err := f.Symbols()
	if err != nil && !errors.Is(err, elf.ErrNoSymbols) {
		return nil, refuse("symbol table: %v", err)
	}
	img.Symbols = newSymbols(syms)
	return img, nil
}

// contains reports whether [addr, addr+n) lies inside one segment's memory.
func (img *Image) contains(addr, n uint64) bool {
	for _, s := range img.Segments {
		if addr >= s.Addr && addr-s.Addr <= s.MemSize && n <= s.MemSize-(addr-s.Addr) {
			return true
		}
	}
	return false
}

// ReadInitial returns n bytes at addr as the image loads them (zeros past a segment's file data).
func (img *Image) ReadInitial(addr, n uint64) ([]byte, error) {
	for _, s := range img.Segments {
		if addr >= s.Addr && addr-s.Addr <= s.MemSize && n <= s.MemSize-(addr-s.Addr) {
			out := make([]byte, n)
			off := addr - s.Addr
			if off < uint64(len(s.Data)) {
				copy(out, s.Data[off:])
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("kernelsim: %#x+%#x is not inside a loadable segment", addr, n)
}

// patchFile returns a copy of Raw with data written where addr is loaded from.
func (img *Image) patchFile(addr uint64, data []byte) ([]byte, error) {
	n := uint64(len(data))
	for i, s := range img.Segments {
		if addr >= s.Addr && addr-s.Addr <= uint64(len(s.Data)) && n <= uint64(len(s.Data))-(addr-s.Addr) {
			out := bytes.Clone(img.Raw)
			copy(out[img.fileOffsets[i]+addr-s.Addr:], data)
			return out, nil
		}
	}
	return nil, fmt.Errorf("kernelsim: %#x+%#x is not backed by file data", addr, n)
}
