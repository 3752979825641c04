// Package gic is the Arm Generic Interrupt Controller in two models: a GICv2
// (distributor and CPU interface, both memory-mapped, for Linux 6.1's
// irq-gic driver) and a GICv3 (distributor, one redistributor per CPU and the
// CPU interface as ICC_* system registers, for Linux 6.12's irq-gic-v3 with
// pseudo-NMIs), at QEMU virt's addresses.
//
// It exists so the machine can take interrupts: devices drive lines
// (SetLevel), software sends SGIs, and each CPU's IRQ and FIQ outputs follow
// the architecture's rules for enable, group, priority mask (PMR), running
// priority and preemption (binary point). Both models share one core: the
// per-CPU banks of INTIDs 0-31, the SPIs, and the acknowledge / priority-drop
// / deactivate logic.
//
// The outputs are recomputed when something they depend on changes, never
// when they are asked for: IRQ(cpu) and FIQ(cpu) read a cached bool, and
// Generation(cpu) (or the Changed callback) tells a CPU loop when to look.
// Everything is driven by calls: no goroutines, no clock, no allocation on
// register accesses or line changes.
//
// It relies on the GICv2 and GICv3 architecture specifications for register
// layouts and semantics and on QEMU's models for identification values; the
// facts and every choice where the architecture leaves one are in
// docs/devices.md, "GIC".
package gic
