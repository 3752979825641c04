package kernelsim

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"syscall"
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
func Parse(b []byte) (*Image, error) {
	var img *Image
	err := withELF(b, func(f *elf.File) (err error) {
		img, err = parseELF(b, f)
		return err
	})
	if err != nil {
		return nil, err
	}
	return img, nil
}

// withELF checks b's identification, opens it with debug/elf and hands it to use. debug/elf may panic on a
// corrupt file; that becomes an error too.
func withELF(b []byte, use func(f *elf.File) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = refuse("corrupt ELF (%v)", r)
		}
	}()
	if err := checkELFHeader(b); err != nil {
		return err
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return refuse("corrupt ELF: %v", err)
	}
	defer f.Close()
	return use(f)
}

func parseELF(b []byte, f *elf.File) (*Image, error) {
	if f.Type != elf.ET_EXEC {
		return nil, refuse("ELF type %v, want ET_EXEC", f.Type)
	}
	img := &Image{Entry: f.Entry, Raw: b}
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

// ELF identification and header offsets checkELFHeader reads.
const (
	elfIdentClass   = 4
	elfIdentData    = 5
	elfIdentVersion = 6
	elfMachineOff   = 18
	elf64HeaderSize = 64
	// An arm64 Linux Image has the magic "ARM\x64" at 0x38 (Linux's Documentation/arm64/booting.rst).
	arm64ImageMagicEnd = 0x3c
)

// checkELFHeader says what is wrong with the identification and machine fields before debug/elf reads
// the rest (which, given a 32-bit or big-endian file, fails with a message about some later field).
func checkELFHeader(b []byte) error {
	if len(b) < len(elf.ELFMAG) || string(b[:len(elf.ELFMAG)]) != elf.ELFMAG {
		if len(b) >= arm64ImageMagicEnd && string(b[arm64ImageMagicEnd-4:arm64ImageMagicEnd]) == "ARM\x64" {
			return refuse("an arm64 Linux Image, not an ELF")
		}
		return refuse("not an ELF file (no \\x7fELF magic)")
	}
	if len(b) < elf64HeaderSize {
		return refuse("not an ELF file: truncated header (%d bytes, want %d)", len(b), elf64HeaderSize)
	}
	if c := elf.Class(b[elfIdentClass]); c != elf.ELFCLASS64 {
		return refuse("%v, want ELFCLASS64", c)
	}
	switch d := elf.Data(b[elfIdentData]); d {
	case elf.ELFDATA2LSB:
	case elf.ELFDATA2MSB:
		return refuse("big-endian, want little-endian")
	default:
		return refuse("ELF data encoding %v, want little-endian", d)
	}
	if v := elf.Version(b[elfIdentVersion]); v != elf.EV_CURRENT {
		return refuse("ELF version %d, want %d", v, elf.EV_CURRENT)
	}
	if m := elf.Machine(binary.LittleEndian.Uint16(b[elfMachineOff:])); m != elf.EM_AARCH64 {
		return refuse("machine %v, want EM_AARCH64", m)
	}
	return nil
}

// ReadFile reads a kernel, initrd or device tree file named on the command line. It refuses, before reading
// a byte, anything but a regular file (a FIFO would block, /dev/zero never ends) and a file larger than limit,
// which should be the guest's RAM size. Its errors do not repeat the path: the caller names the file.
func ReadFile(path string, limit int64) ([]byte, error) {
	return ReadFileAtMost(path, limit, "the guest RAM")
}

// ReadFileAtMost is ReadFile with another bound: bound names it in the error ("the 2 MiB a device tree may
// take").
func ReadFileAtMost(path string, limit int64, bound string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, withoutPath(err)
	}
	if err := checkFile(st, limit, bound); err != nil {
		return nil, err
	}
	// O_NONBLOCK: should path be swapped for a FIFO after the stat, the open still returns at once.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, withoutPath(err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, withoutPath(err)
	}
	if err := checkFile(st, limit, bound); err != nil {
		return nil, err
	}
	// At most limit+1 bytes, in case the file grows after the stat.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, withoutPath(err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %s (%d bytes)", bound, limit)
	}
	return b, nil
}

func checkFile(st fs.FileInfo, limit int64, bound string) error {
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file (%s)", fileKind(st.Mode()))
	}
	if st.Size() > limit {
		return fmt.Errorf("%d bytes, larger than %s (%d bytes)", st.Size(), bound, limit)
	}
	return nil
}

// withoutPath drops the operation and path of an *fs.PathError ("no such file or directory").
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "mode " + m.String()
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
