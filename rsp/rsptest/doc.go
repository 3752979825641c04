// Package rsptest provides FakeTarget, an in-memory rsp.Target that
// implements every optional capability, for the tests of rsp and of the
// packages built on it. It has a memory map, N threads with AArch64 core
// registers (so real gdb can talk to it), scripted stops and a log of the
// calls it received.
package rsptest
