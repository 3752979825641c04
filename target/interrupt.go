package target

// DropInterrupt cancels an Interrupt that no Resume has taken yet, so that
// the next Resume runs. A caller that interrupts a loop of Resumes until the
// loop ends (the loop may end for its own reason first) calls it afterwards.
func (m *Machine) DropInterrupt() { m.interrupt.Store(false) }
