// Package linux builds and checks the real Linux guest: Debian's
// linux-source-6.1 and linux-source-6.12 for QEMU's virt map, each as Debian
// ships it and with our fix to arch/arm64/kernel/hw_breakpoint.c, and a small
// initramfs whose /init (init/, freestanding C) runs the lkml experiment.
//
// The build is the Makefile beside this file (`make linux` from the top
// folder; build-kernel.sh does one kernel version); its outputs go to the
// git-ignored out/ folder: Image, vmlinux, Image-fixed, vmlinux-fixed,
// Image-6.12, vmlinux-6.12, Image-6.12-fixed, vmlinux-6.12-fixed and
// initramfs.cpio. The Go side is the newc (SVR4 cpio) writer and reader that
// pack the initramfs (WriteNewc, ReadNewc; mkcpio is the command), and the
// tests that boot those outputs on qemu-system-aarch64. docs/linux.md is the
// user's guide: the config fragments' reasons, the patch, trying your own.
package linux
