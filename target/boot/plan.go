package boot

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fdt"
)

// Placement constants (booting.rst and QEMU's loader).
const (
	mib = 1 << 20
	// kernelBaseAlign: the Image goes text_offset bytes above a 2 MiB-aligned base.
	kernelBaseAlign = 2 * mib
	// loaderReserve: QEMU keeps its boot stub below 4 KiB of RAM, so an Image with a smaller text_offset
	// goes 2 MiB higher; we do the same to get the same addresses.
	loaderReserve = 4096
	// initrdCeiling: QEMU puts the initrd at half of RAM, or 128 MiB into it for larger RAM.
	initrdCeiling = 128 * mib
	pageSize      = 4096
	// dtbAlign: QEMU starts the tree on a 2 MiB boundary after the initrd, since early arm64 code maps the
	// 2 MiB block that holds it; booting.rst limits the tree to 2 MiB, so it never crosses one.
	dtbAlign   = 2 * mib
	MaxDTBSize = 2 * mib
)

// PSTATEEntry is the boot CPU's PSTATE at the kernel's first instruction: EL1h with D, A, I and F masked.
const PSTATEEntry = 0x3c5

// Config is everything Load needs.
type Config struct {
	Kernel  []byte // an uncompressed arm64 Image
	Initrd  []byte // nil or empty: no initrd (QEMU ignores an empty one too)
	DTB     []byte // nil: the board tree; else a blob to check and patch as QEMU patches a -dtb file
	Cmdline string

	RAMBase, RAMSize uint64 // RAMBase must be 2 MiB-aligned
	CPUs             int
	GIC              int                  // 2 or 3
	CPUCompatible    string               // "" = "arm,cortex-a57"
	Affinity         func(cpu int) uint64 // nil = DefaultAffinity
}

// Segment is bytes to copy into RAM at Addr, followed by zeros up to MemSize.
type Segment struct {
	Name    string // "kernel", "initrd", "dtb"
	Addr    uint64
	Data    []byte
	MemSize uint64
}

// Entry is the boot CPU's state at the kernel's first instruction. The other CPUs stay off until the kernel
// starts them with PSCI CPU_ON. The MMU and caches are off.
type Entry struct {
	PC     uint64
	X      [4]uint64 // x0 = the device tree's address, x1-x3 = 0
	PSTATE uint64    // PSTATEEntry
}

// Plan is where everything goes and how the boot CPU starts.
type Plan struct {
	Header ImageHeader
	Kernel Segment
	Initrd Segment // Data nil: no initrd
	DTB    Segment
	Entry  Entry
}

// Segments lists what to write, in address order.
func (p *Plan) Segments() []Segment {
	out := []Segment{p.Kernel}
	if p.Initrd.Data != nil {
		out = append(out, p.Initrd)
	}
	return append(out, p.DTB)
}

// Load places an Image, an initrd and a device tree in RAM as QEMU's virt board does for -kernel, -initrd,
// -append and -dtb, and returns the plan; it refuses what does not fit, with the sizes in the message.
func Load(cfg Config) (*Plan, error) {
	h, err := ParseImage(cfg.Kernel)
	if err != nil {
		return nil, err
	}
	ramEnd := cfg.RAMBase + cfg.RAMSize
	if cfg.RAMBase%kernelBaseAlign != 0 || cfg.RAMSize == 0 || ramEnd < cfg.RAMBase {
		return nil, fmt.Errorf("boot: RAM [%#x, +%#x): want a non-empty range at a 2 MiB-aligned base", cfg.RAMBase, cfg.RAMSize)
	}
	p := &Plan{Header: h}

	offset := h.TextOffset
	if offset < loaderReserve {
		offset += kernelBaseAlign
	}
	kernelSize := max(h.ImageSize, uint64(len(cfg.Kernel)))
	kernelAddr := cfg.RAMBase + offset
	if offset > cfg.RAMSize || kernelSize > cfg.RAMSize-offset {
		return nil, fmt.Errorf("boot: kernel of %d bytes (image_size, BSS included) at %#x does not fit in RAM of %d bytes",
			kernelSize, kernelAddr, cfg.RAMSize)
	}
	p.Kernel = Segment{Name: "kernel", Addr: kernelAddr, Data: cfg.Kernel, MemSize: kernelSize}
	kernelEnd := kernelAddr + kernelSize

	initrdAddr := alignUp(max(cfg.RAMBase+min(cfg.RAMSize/2, initrdCeiling), kernelEnd), pageSize)
	initrdSize := uint64(len(cfg.Initrd))
	if initrdSize > 0 {
		if initrdAddr > ramEnd || initrdSize > ramEnd-initrdAddr {
			return nil, fmt.Errorf("boot: initrd of %d bytes does not fit in RAM of %d bytes (it goes at %#x, after the kernel; RAM ends at %#x)",
				initrdSize, cfg.RAMSize, initrdAddr, ramEnd)
		}
		p.Initrd = Segment{Name: "initrd", Addr: initrdAddr, Data: cfg.Initrd, MemSize: initrdSize}
	}

	dtbAddr := alignUp(initrdAddr+initrdSize, dtbAlign)
	var initrdStart, initrdEnd uint64
	if initrdSize > 0 {
		initrdStart, initrdEnd = initrdAddr, initrdAddr+initrdSize
	}
	var dtb []byte
	if cfg.DTB == nil {
		dtb, err = Board{
			CPUs: cfg.CPUs, RAMBase: cfg.RAMBase, RAMSize: cfg.RAMSize, GIC: cfg.GIC, Bootargs: cfg.Cmdline,
			InitrdStart: initrdStart, InitrdEnd: initrdEnd, CPUCompatible: cfg.CPUCompatible, Affinity: cfg.Affinity,
		}.DTB()
	} else {
		dtb, err = patchDTB(cfg.DTB, cfg.RAMBase, cfg.RAMSize, cfg.Cmdline, initrdStart, initrdEnd)
	}
	if err != nil {
		return nil, err
	}
	if len(dtb) > MaxDTBSize {
		return nil, fmt.Errorf("boot: device tree of %d bytes: Linux takes at most %d", len(dtb), MaxDTBSize)
	}
	if dtbAddr > ramEnd || uint64(len(dtb)) > ramEnd-dtbAddr {
		return nil, fmt.Errorf("boot: device tree of %d bytes does not fit in RAM of %d bytes (it goes at %#x, after the initrd)",
			len(dtb), cfg.RAMSize, dtbAddr)
	}
	p.DTB = Segment{Name: "dtb", Addr: dtbAddr, Data: dtb, MemSize: uint64(len(dtb))}
	p.Entry = Entry{PC: kernelAddr, X: [4]uint64{dtbAddr}, PSTATE: PSTATEEntry}
	return p, nil
}

// patchDTB checks a user's blob and, as QEMU does with -dtb, replaces its memory nodes with one for the RAM,
// writes the psci node for this machine's PSCI, and sets /chosen's bootargs and initrd range.
func patchDTB(blob []byte, ramBase, ramSize uint64, bootargs string, initrdStart, initrdEnd uint64) ([]byte, error) {
	t, err := fdt.Decode(blob)
	if err != nil {
		return nil, fmt.Errorf("boot: --dtb: %w", err)
	}
	acells, err := rootCells(t, "#address-cells")
	if err != nil {
		return nil, err
	}
	scells, err := rootCells(t, "#size-cells")
	if err != nil {
		return nil, err
	}
	reg, err := appendCells(nil, ramBase, acells)
	if err == nil {
		reg, err = appendCells(reg, ramSize, scells)
	}
	if err != nil {
		return nil, fmt.Errorf("boot: --dtb: memory node: %w", err)
	}
	t.Root.RemoveChildren(func(n *fdt.Node) bool { return n.Name == "memory" || strings.HasPrefix(n.Name, "memory@") })
	t.Root.AddChild(fmt.Sprintf("memory@%x", ramBase)).SetString("device_type", "memory").Set("reg", reg)
	setPSCI(t)
	setChosen(t, bootargs, initrdStart, initrdEnd)
	return t.Encode()
}

// rootCells reads the root's #address-cells or #size-cells; when absent, the specification's defaults.
func rootCells(t *fdt.Tree, name string) (int, error) {
	p := t.Root.Prop(name)
	if p == nil {
		if name == "#size-cells" {
			return 1, nil
		}
		return 2, nil
	}
	v, err := p.U32()
	if err != nil || v < 1 || v > 2 {
		return 0, fmt.Errorf("boot: --dtb: root %s: want 1 or 2 cells", name)
	}
	return int(v), nil
}

func appendCells(b []byte, v uint64, cells int) ([]byte, error) {
	if cells == 1 {
		if v > 0xffff_ffff {
			return nil, fmt.Errorf("%#x does not fit in one cell", v)
		}
		return binary.BigEndian.AppendUint32(b, uint32(v)), nil
	}
	return binary.BigEndian.AppendUint64(b, v), nil
}

func alignUp(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }
