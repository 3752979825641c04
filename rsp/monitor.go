package rsp

import "io"

// Monitor is optional: gdb's "monitor CMD" (qRcmd). The target gets the
// command line and writes its output to out; the session sends it to the
// client as 'O' packets, then "OK" (or "Enn" for an Errno). Keep the command
// set fixed and harmless.
type Monitor interface {
	Monitor(cmd string, out io.Writer) error
}
