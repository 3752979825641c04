// Package bus is the machine's physical address space: a Device interface that
// every memory-mapped device implements, a Map from address ranges to devices,
// and guest RAM that lives outside the Go heap.
//
// It exists so that the CPU, the MMU and the devices meet at one small seam: a
// CPU turns a physical address into (device, offset) once per access and the
// device sees only its own offsets. It relies on nothing but the operating
// system's anonymous mmap (RAM) and is deterministic: no goroutines, no
// clocks, no allocation per access.
//
// Conventions every device in target/dev follows (docs/devices.md):
//   - offset is relative to the start of the device's region;
//   - size is 1, 2, 4 or 8 and offset is a multiple of size; anything else
//     is refused with ok = false, which the CPU turns into a synchronous
//     external abort;
//   - a well-formed access to a reserved offset is RAZ/WI (reads as zero,
//     writes ignored) with ok = true, as the GIC and PL011 specifications
//     ask of reserved registers;
//   - cpu is the index of the accessing CPU (banked registers), 0-based.
package bus
