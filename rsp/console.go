package rsp

import "io"

// Console is optional: the target's console output (for example the guest
// UART), forwarded to the client as 'O' packets while the target runs.
// SetConsole is called with a writer when a client attaches and with nil when
// it leaves. Writes never block; text written while the target is stopped
// is sent at the next resume, and at most 64 KiB is kept.
type Console interface {
	SetConsole(w io.Writer)
}
