// Package boot prepares a machine to start an arm64 Linux kernel the way
// `qemu-system-aarch64 -M virt -kernel Image -initrd FILE -append CMDLINE` does: it reads the Image header,
// places the kernel, the initrd and a device tree in RAM, and says what the boot CPU's registers hold at the
// first instruction.
//
// It exists so that the same Image, initramfs and command line boot on this machine and on QEMU, and so that
// bad input (a truncated or compressed Image, an initrd that does not fit, a --dtb that does not parse) is
// refused with a clear error before anything runs. It writes nothing into a machine itself: Load returns
// segments and an entry state for the caller to apply.
//
// It relies on Linux's Documentation/arm64/booting.rst (the Image header, the placement rules, the entry state:
// x0 = the device tree's physical address, x1-x3 = 0, MMU off, interrupts masked) and on what QEMU 7.2's virt
// board writes and where it puts things (measured with `-M virt,dumpdtb=FILE` and the monitor), both summed up
// in docs/boot.md; it builds the tree with package target/fdt.
package boot
