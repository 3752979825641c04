// Package psci is the Power State Coordination Interface (Arm DEN0022,
// version 1.1) as QEMU 7.2 implements it for `-M virt` without EL2/EL3,
// called by HVC: the function numbers, the return codes, and which
// function does what to which CPU.
//
// It exists so the firmware interface is one room apart from the core and
// the scheduler: Call decides, and the machine (package target) carries the
// effects out through Host, which it implements. The values are the ones a
// probe guest read on that QEMU (target/testdata/probe.qemu.txt). It imports
// nothing of this module.
package psci
