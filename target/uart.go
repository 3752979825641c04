package target

import "io"

// uart is the minimal PL011 the model kernel needs, as a bus.Device: DR
// writes go to the console, FR says the TX and RX FIFOs are empty,
// everything else reads 0 and ignores writes. target/dev/pl011 (PrimeCell
// IDs, interrupts, input) replaces it when Linux's amba-pl011 driver needs
// more.
type uart struct {
	out io.Writer
	buf [1]byte
}

func (u *uart) Read(_ int, off uint64, _ int) (uint64, bool) {
	if off == 0x18 { // UARTFR: TXFE | RXFE
		return 0x90, true
	}
	return 0, true
}

func (u *uart) Write(_ int, off uint64, _ int, v uint64) bool {
	if off == 0 {
		u.buf[0] = byte(v)
		_, _ = u.out.Write(u.buf[:])
	}
	return true
}
