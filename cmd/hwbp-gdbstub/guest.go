package main

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/internal/gdbtarget"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/boot"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fdt"
)

// guest is the kernel the command line asks for, read and checked: an ELF kernel (the embedded model kernel
// when --kernel is not given) or an arm64 Linux Image placed as QEMU's virt board places it.
type guest struct {
	elf      *kernelsim.Image // nil with an Image
	linux    *boot.Plan
	symbols  *gdbtarget.SymbolFile // --symbols; nil = serve the ELF kernel itself
	execName string                // the name gdb sees for the served ELF; "" = the adapter's default
}

// maxGICCPUs is how many CPUs a GICv2 serves (its target lists have 8 bits); a GICv3 serves every CPU the
// machine has, numbered in QEMU's clusters of 16.
const maxGICCPUs = 8

// loadGuest reads --kernel, --initrd, --dtb and --symbols and checks that they go together.
func loadGuest(o *options) (*guest, error) {
	g := &guest{}
	var kernel []byte
	if o.kernel != "" {
		b, err := kernelsim.ReadFile(o.kernel, int64(o.mem))
		if err != nil {
			return nil, fmt.Errorf("--kernel %s: %w", o.kernel, err)
		}
		kernel = b
	}
	isImage := kernel != nil && looksLikeImage(kernel)
	if kernel != nil && !isImage {
		img, err := kernelsim.Parse(kernel)
		if err != nil {
			return nil, fmt.Errorf("--kernel %s: %w%s", o.kernel, err, notImageHint(kernel))
		}
		g.elf = img
	}
	if !isImage {
		for _, f := range []string{"initrd", "append", "dtb"} {
			if o.changed[f] {
				return nil, fmt.Errorf("--%s needs --kernel with an arm64 Linux Image (the model kernel and other ELF kernels take none)", f)
			}
		}
	}
	if o.symbols != "" {
		b, err := kernelsim.ReadFileAtMost(o.symbols, kernelsim.MaxSymbolFileSize, "the 1 GiB a symbol file may take")
		if err == nil {
			var syms *kernelsim.Symbols
			if syms, err = kernelsim.ParseSymbolFile(b); err == nil {
				g.symbols = &gdbtarget.SymbolFile{Raw: b, Symbols: syms}
				g.execName = "/hwbp-gdbstub/" + filepath.Base(o.symbols)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("--symbols %s: %w", o.symbols, err)
		}
	}
	if !isImage {
		return g, nil
	}

	for _, f := range []string{"scenario", "uninstall-order", "recovery", "bank-guard", "rounds"} {
		if o.changed[f] {
			return nil, fmt.Errorf("--%s is a knob of the model kernel; a Linux Image has none (its init reads the command line, --append)", f)
		}
	}
	if err := checkBoardCPUs(o); err != nil {
		return nil, err
	}
	cfg := boot.Config{Kernel: kernel, Cmdline: o.cmdline, RAMBase: target.RAMBase, RAMSize: o.mem, CPUs: o.cpus, GIC: o.gic}
	if _, err := boot.ParseImage(kernel); err != nil {
		return nil, fmt.Errorf("--kernel %s: %w", o.kernel, err)
	}
	if o.initrd != "" {
		b, err := kernelsim.ReadFile(o.initrd, int64(o.mem))
		if err != nil {
			return nil, fmt.Errorf("--initrd %s: %w", o.initrd, err)
		}
		cfg.Initrd = b
	}
	if o.dtb != "" {
		b, err := kernelsim.ReadFileAtMost(o.dtb, boot.MaxDTBSize, "the 2 MiB a device tree may take")
		if err != nil {
			return nil, fmt.Errorf("--dtb %s: %w", o.dtb, err)
		}
		if _, err := fdt.Decode(b); err != nil {
			return nil, fmt.Errorf("--dtb %s: %w", o.dtb, err)
		}
		cfg.DTB = b
	}
	plan, err := boot.Load(cfg)
	if err != nil {
		return nil, err
	}
	if g.symbols != nil {
		if err := matchSymbols(kernel, plan.Header, g.symbols.Symbols); err != nil {
			return nil, fmt.Errorf("--kernel %s and --symbols %s: %w", o.kernel, o.symbols, err)
		}
	}
	g.linux = plan
	return g, nil
}

// looksLikeImage says whether a kernel file should be read as an Image rather than an ELF: it has the Image
// magic, or it is compressed (a vmlinuz, an EFI zboot file), which ParseImage explains best.
func looksLikeImage(b []byte) bool {
	if bytes.HasPrefix(b, []byte("\x7fELF")) {
		return false
	}
	return boot.IsImage(b) || bytes.HasPrefix(b, []byte{0x1f, 0x8b}) || bytes.HasPrefix(b, []byte("MZ"))
}

// notImageHint adds to an ELF refusal of a file that is neither an ELF nor an Image that it is not an Image
// either.
func notImageHint(b []byte) string {
	if bytes.HasPrefix(b, []byte("\x7fELF")) {
		return ""
	}
	return ` nor an arm64 Linux Image (no "ARM\x64" magic at offset 0x38)`
}

// checkBoardCPUs refuses CPU counts a generated device tree cannot describe for this machine.
func checkBoardCPUs(o *options) error {
	if o.cpus <= maxGICCPUs || o.gic == 3 {
		return nil
	}
	return fmt.Errorf("--cpus %d: a GICv2 serves at most %d CPUs (use --gic 3)", o.cpus, maxGICCPUs)
}

// matchSymbols checks that a --symbols ELF is the vmlinux the Image was made from: the Image is its bytes from
// _text to _edata, and image_size its footprint to _end. A shorter file is a truncated Image.
func matchSymbols(image []byte, h boot.ImageHeader, syms *kernelsim.Symbols) error {
	text, _, ok1 := syms.Lookup("_text")
	edata, _, ok2 := syms.Lookup("_edata")
	end, _, ok3 := syms.Lookup("_end")
	if !ok1 || !ok2 || !ok3 {
		return nil // not a vmlinux: nothing to compare
	}
	if n := uint64(len(image)); edata-text != n {
		what := "not the same build"
		if n < edata-text {
			what = "the Image is truncated, or not the same build"
		}
		return fmt.Errorf("the Image is %d bytes but the vmlinux's _text.._edata is %d: %s", n, edata-text, what)
	}
	if h.ImageSize != 0 && h.ImageSize != end-text {
		return fmt.Errorf("the Image's image_size is %#x but the vmlinux's _text.._end is %#x: not the same build", h.ImageSize, end-text)
	}
	return nil
}

// dumpDTB is the device tree --dump-dtb writes: the one the Image boots with, or, with no Image, the board's
// for --cpus, --mem and --gic (as QEMU's dumpdtb without -kernel).
func dumpDTB(o *options, g *guest) ([]byte, error) {
	if g.linux != nil {
		return g.linux.DTB.Data, nil
	}
	if err := checkBoardCPUs(o); err != nil {
		return nil, err
	}
	return boot.Board{CPUs: o.cpus, RAMBase: target.RAMBase, RAMSize: o.mem, GIC: o.gic}.DTB()
}
