// Package gdbtarget makes the simulated machine and its kernel image an rsp.Target.
//
// It exists because the layers below stay ignorant of each other: rsp knows nothing of CPUs, target knows
// nothing of gdb, kernelsim knows nothing of either. This package owns what only makes sense with all three in
// view: the mapping of gdb's threads onto CPUs and its register numbers onto CPU state, the route of gdb's
// hardware points (route.go: the machine's external bank, or the guest kernel's own slots through cross-calls,
// kernelroute.go and guest.go), the run loop that keeps the machine going while no client is attached, the
// stop mapping, and the fixed `monitor` table. Start builds the machine with the adapter's own hooks and boots
// the guest: an ELF kernel (the model kernel, whose debugger entry points the kernel route and the monitor's
// slot views use, or any other ELF) or an arm64 Linux Image placed by target/boot (linux.go), halted at its
// entry with x0 = the device tree. Guests other than the model kernel take the external route.
//
// It relies on target.Machine's run control being all-stop and on the session in rsp reference-counting Z/z,
// so each distinct point arrives here once.
package gdbtarget
