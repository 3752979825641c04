// Package fdt writes and reads flattened device tree blobs (DTB), the format in which a boot loader tells an
// arm64 Linux kernel what machine it runs on.
//
// It exists because the machine boots Linux the way QEMU's -kernel does, and so must hand the kernel a device
// tree it builds itself (package target/boot) or one given by the user (--dtb), which must be checked before
// the guest sees it. It relies on the Devicetree Specification v0.4, chapter 5 (the blob layout: a 40-byte
// big-endian header, the memory reservation block, the structure block of tokens, the strings block) and
// chapter 2 (node and property names); docs/boot.md sums up what the project takes from them.
//
// Encode writes version 17 (last compatible version 16) in dtc's block order and shares property names in
// the strings block. Decode accepts version 17 blobs (what dtc, QEMU and U-Boot write) and refuses, with an
// error that says what is wrong, anything out of bounds, misaligned, badly nested, with a bad name or a name
// offset outside the strings block; it never panics on any input.
package fdt
