package rsp

// Target is what every target implements: threads, the register block,
// memory and run control, the minimum gdb needs ('?', g/G, m/M, c/s, vCont).
// Everything else is an optional capability interface found by type
// assertion (SingleRegisters, SwBreakpoints, HwBreakpoints, HwWatchpoints,
// TargetDescription, ExecFile, Monitor, ThreadExtraInfo, Attacher, Detacher,
// Console, LLDBInfo, Restarter).
//
// The session calls Target methods from one goroutine at a time, except
// Interrupt, which may be called while Resume runs. Memory and register
// methods are only called while the target is stopped.
type Target interface {
	Threads
	Registers
	Memory
	Resumer
}
