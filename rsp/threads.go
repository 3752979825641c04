package rsp

// Threads says how many threads the target has. Threads are CPUs: ids are
// 1..NumThreads(), thread N is CPU (core) N-1, and all of them belong to
// process 1.
type Threads interface {
	NumThreads() int
}

// ThreadExtraInfo is optional: a short human description of a thread (for
// example "CPU#1 [halted] EL1 pc=..."), shown by gdb's "info threads".
type ThreadExtraInfo interface {
	ThreadExtraInfo(tid int) string
}
