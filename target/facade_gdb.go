package target

// Unload forgets the segments loaded so far and puts the virtual clock back at zero, as at power-on: the
// LoadSegment calls and the Reset that follow boot the guest exactly as a new machine would (gdb's run in
// extended-remote, `monitor reset`). RAM outside the segments keeps its bytes.
func (m *Machine) Unload() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.segments = nil
	m.boot = nil
	m.clock, m.idleRounds, m.idleWait = 0, 0, false
}
