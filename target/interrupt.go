package target

import (
	"io"
	"sync"
	"sync/atomic"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/cpu"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/dev/pl011"
)

// Interrupt wiring (docs/interfaces.md "how to wire"): the GIC's outputs
// become each CPU's cpu.State.Pending, which the run loop tests between page
// runs and after every general-path instruction (exec.go) and the scheduler
// tests to wake a CPU sleeping in WFI (run.go); the generic timers' levels
// reach the GIC's PPIs 27 and 30 (timer.go); console input reaches the PL011
// between rounds.

// DropInterrupt cancels an Interrupt that no Resume has taken yet, so that
// the next Resume runs. A caller that interrupts a loop of Resumes until the
// loop ends (the loop may end for its own reason first) calls it afterwards.
func (m *Machine) DropInterrupt() { m.interrupt.Store(false) }

// irqChanged is the GIC's Changed callback: CPU i's IRQ or FIQ output moved.
// It runs on the machine goroutine, inside the access (or SetLevel) that
// changed it, so the next check point of CPU i sees it: deterministic.
func (m *Machine) irqChanged(i int) {
	if i < len(m.cpus) {
		m.syncPending(m.cpus[i])
	}
}

// syncPending copies the GIC's outputs for c into c.Pending.
func (m *Machine) syncPending(c *CPU) {
	if m.gic == nil {
		return
	}
	var p uint32
	if m.gic.IRQ(c.index) {
		p |= cpu.PendIRQ
	}
	if m.gic.FIQ(c.index) {
		p |= cpu.PendFIQ
	}
	c.Pending = p
}

// isr is ISR_EL1: the I and F bits are the CPU's interrupt lines (A: no
// SError is ever pending).
func (c *CPU) isr() uint64 {
	var v uint64
	if c.Pending&cpu.PendIRQ != 0 {
		v |= cpu.DAIFI
	}
	if c.Pending&cpu.PendFIQ != 0 {
		v |= cpu.DAIFF
	}
	return v
}

// resetDevices is the devices' part of a machine reset (Reset, PSCI
// SYSTEM_RESET): GIC, UART and every CPU's timers, then the lines again.
func (m *Machine) resetDevices() {
	m.gic.Reset()
	m.uart.Reset()
	for _, c := range m.cpus {
		c.resetTimers()
		m.syncPending(c)
	}
}

// inputLine carries Config.Input's bytes from the reading goroutine to the
// machine goroutine, which hands them to the UART between rounds.
type inputLine struct {
	mu     sync.Mutex
	buf    []byte
	closed bool
	avail  atomic.Bool   // buf holds bytes
	open   atomic.Bool   // a reader is attached and has not ended
	wake   chan struct{} // signalled on input, end of input and Interrupt: an idle Resume waits on it
}

// start begins reading r (nil: no input).
func (l *inputLine) start(r io.Reader) {
	l.wake = make(chan struct{}, 1)
	if r == nil {
		return
	}
	l.open.Store(true)
	go func() {
		var b [512]byte
		for {
			n, err := r.Read(b[:])
			if n > 0 {
				l.mu.Lock()
				if l.closed {
					l.mu.Unlock()
					return
				}
				l.buf = append(l.buf, b[:n]...)
				l.mu.Unlock()
				l.avail.Store(true)
				l.signal()
			}
			if err != nil {
				l.open.Store(false)
				l.signal()
				return
			}
		}
	}()
}

// signal wakes an idle Resume, if one waits.
func (l *inputLine) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// stop drops further input (the goroutine ends at its next read).
func (l *inputLine) stop() {
	l.mu.Lock()
	l.closed = true
	l.buf = nil
	l.mu.Unlock()
	l.open.Store(false)
}

// feedInput moves waiting input bytes into the UART (machine locked, between
// rounds); one atomic load when there are none.
func (m *Machine) feedInput() {
	if !m.input.avail.Load() {
		return
	}
	l := &m.input
	l.mu.Lock()
	b := l.buf
	l.buf = nil
	l.avail.Store(false)
	l.mu.Unlock()
	if len(b) > 0 {
		m.uart.Input(b)
	}
}

// inputCanWake reports whether console input may still come and would raise
// the UART's interrupt (UARTIMSC has RXIM or RTIM set).
func (m *Machine) inputCanWake() bool {
	if !m.input.open.Load() {
		return false
	}
	imsc, _ := m.uart.Read(0, pl011.RegIMSC, 4)
	return imsc&(pl011.IntRX|pl011.IntRT) != 0
}
