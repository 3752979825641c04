// Package selfdebug is what a CPU adds around its self-hosted debug model
// (package debugregs, one Unit per CPU): the debug register file as MRS, MSR
// and a debugger see it (Port: the Unit for what it models, plain storage
// for the rest of the op0 = 2 space), the Unit's construction from the
// machine's configuration names, the PSTATE view the Unit needs, and the
// livelock counter (a debug exception repeating at one PC, docs/design.md §9).
//
// It exists so the debug architecture's wiring has a room of its own
// between the model and the machine. What stays in the machine (package
// target, debugwire.go) is what needs the machine: single-stepping with
// checks in the run loop, the watchpoint page flags shared by all CPUs, and
// taking debug events as exceptions. It imports debugregs and target/cpu.
package selfdebug
