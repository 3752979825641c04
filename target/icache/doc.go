// Package icache is the decoded-instruction cache: for every 4 KiB page of
// RAM that has been executed, a lazily filled array of isa.Inst, one slot per
// instruction word, keyed by the page's physical address (so code reached
// through two virtual mappings is decoded once, and a write through either
// forgets it).
//
// It exists so the rules of the cache — when a slot is decoded, what a write
// to code forgets (the slot, and a fused SUBS whose B.cond it was), how
// copies of a page notice that (Page.Version), and trap slots for single
// steps and breakpoints — live in one room, apart from the run loop that
// uses them. The next work changes exactly these: an IC IALLU/IVAU must
// forget pages, and issue 14 shares one trapped copy of a page among CPUs.
//
// It relies on package isa for decoding and on one hook into the machine:
// New takes the machine's page-flag array and a bit; the cache sets that bit
// on every page it holds. The machine's fast store path tests the flag byte,
// so a store to a page holding code takes the checked path, which calls
// Invalidate. The cache is not safe for concurrent use: the machine's
// goroutine (or a debugger holding the machine's lock) owns it.
package icache
