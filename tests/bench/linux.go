package main

import "fmt"

// The rows on the real Linux guest (issues 11, 12 and 14): they need our machine to boot Linux, which it does not
// yet. Each is a loopCase-like gdb case on the Linux Image (kernelsim/linux/out, `make linux`): when the machine
// boots Linux, give linuxCase a measure like loopCase.measure (QEMU and ours started with the Image, the
// initramfs and the same command line; gdb with vmlinux) and set linuxBoots.
type linuxCase struct {
	key, name string
	arm       []string // gdb commands before the timed run
	goal      string
}

var linuxCases = []linuxCase{
	{key: "linux-boot", name: "Linux boot to \"Run /init\"", goal: "—"},
	{key: "linux-watch", name: "gdb `watch jiffies` while Linux runs a busy loop", arm: []string{"watch jiffies"}, goal: "≥ 2×"},
	// The function is to be picked from a profile of the busy loop on QEMU when the row is built.
	{key: "linux-hbreak", name: "gdb `hbreak` in a hot kernel function", goal: "≥ 2.5×"},
}

// linuxBoots: whether our machine boots the Linux Image; false until issue 11 is done.
const linuxBoots = false

func linuxBench(string) {
	if !linuxBoots {
		fmt.Println("== Linux guest rows: skipped, our machine does not boot Linux yet (docs/bench.md):")
		for _, c := range linuxCases {
			fmt.Printf("   %s\n", c.name)
		}
		return
	}
}
