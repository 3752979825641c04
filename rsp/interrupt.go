package rsp

// InterruptDropper is optional: DropInterrupt cancels an Interrupt that no Resume took. A Ctrl-C that
// crosses a stop (the Resume returned on its own just before) must not stop the next resume at once, which
// gdb would see as a SIGINT out of nowhere, or, during a step-over, as a stop of the wrong thread. The session
// calls it when a Resume has returned, before it reports the stop.
type InterruptDropper interface {
	DropInterrupt()
}

// dropInterrupt cancels a pending interrupt after a Resume returned. Only the session goroutine calls
// Interrupt, so none can come between the Resume's return and this call.
func (s *Session) dropInterrupt() {
	if d, ok := s.t.(InterruptDropper); ok {
		d.DropInterrupt()
	}
}
