package pl011

import (
	"io"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/bus"
)

// Register offsets.
const (
	RegDR    = 0x000
	RegRSR   = 0x004 // RSR on read, ECR on write
	RegFR    = 0x018
	RegILPR  = 0x020
	RegIBRD  = 0x024
	RegFBRD  = 0x028
	RegLCRH  = 0x02c
	RegCR    = 0x030
	RegIFLS  = 0x034
	RegIMSC  = 0x038
	RegRIS   = 0x03c
	RegMIS   = 0x040
	RegICR   = 0x044
	RegDMACR = 0x048
	RegID    = 0xfe0 // PeriphID0-3 then CellID0-3, one byte per word, to 0xffc
)

// FR bits.
const (
	FRBusy = 1 << 3
	FRRXFE = 1 << 4
	FRTXFF = 1 << 5
	FRRXFF = 1 << 6
	FRTXFE = 1 << 7
)

// Interrupt bits (IMSC, RIS, MIS, ICR).
const (
	IntRX  = 1 << 4 // receive FIFO at or above its trigger level
	IntTX  = 1 << 5 // transmit FIFO drained to its trigger level
	IntRT  = 1 << 6 // receive timeout
	intAll = 0x7ff
)

// LCR_H.FEN enables the FIFOs.
const lcrhFEN = 1 << 4

// fifoDepth is the PL011 r1p4 FIFO depth (PeriphID2 revision 1); Linux's
// driver sizes its FIFO by that revision too.
const fifoDepth = 16

// ids are PeriphID0-3 (part 0x011, designer Arm, revision 1) and CellID0-3
// (the PrimeCell preamble 0xb105f00d).
var ids = [8]uint8{0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1}

// storedMask gives, by offset/4, the writable bits of each register that is
// plain storage (0 for the others). The CR and LCR_H bits are kept but, by our
// choice, have no effect (see write).
var storedMask = [RegDMACR/4 + 1]uint32{
	RegILPR / 4:  0xff,
	RegIBRD / 4:  0xffff,
	RegFBRD / 4:  0x3f,
	RegLCRH / 4:  0xff,
	RegCR / 4:    0xff87,
	RegIFLS / 4:  0x3f,
	RegIMSC / 4:  intAll,
	RegDMACR / 4: 0x7,
}

// Config wires the UART to the machine.
type Config struct {
	Out io.Writer        // receives every byte written to DR; nil discards. Write errors are dropped.
	IRQ func(level bool) // called when the interrupt output changes; nil for a polled UART
}

// UART is one PL011. Not safe for concurrent use; the machine calls it from
// its one goroutine.
type UART struct {
	cfg Config

	stored [RegDMACR/4 + 1]uint32 // the plain read/write registers, by offset/4; see storedMask

	txLatched bool   // TXRIS: set by each DR write, cleared by ICR
	rx        []byte // the receive FIFO followed by the bytes still on the wire
	line      bool   // the interrupt output
	tx        [1]byte
}

// New is a UART in its reset state.
func New(cfg Config) *UART {
	u := &UART{cfg: cfg}
	u.Reset()
	return u
}

// Reset puts the registers in their reset state (CR = 0x300: TXE and RXE,
// IFLS = 0x12: both FIFOs at half) and drops pending input.
func (u *UART) Reset() {
	u.stored = [len(u.stored)]uint32{}
	u.stored[RegCR/4] = 0x300
	u.stored[RegIFLS/4] = 0x12
	u.txLatched = false
	u.rx = u.rx[:0]
	u.update()
}

// Input queues bytes for the guest to read from DR. Nothing is ever lost: we
// choose to model the host side as an unbounded line that moves into the
// 16-byte FIFO as the guest drains it (no overrun errors).
func (u *UART) Input(p []byte) {
	u.rx = append(u.rx, p...)
	u.update()
}

// Pending is how many input bytes the guest has not read yet.
func (u *UART) Pending() int { return len(u.rx) }

// IRQ is the UART's interrupt output: MIS != 0.
func (u *UART) IRQ() bool { return u.line }

// Read implements bus.Device. We choose to accept 1-, 2- and 4-byte accesses
// at a register's own offset (Linux uses 16- and 32-bit, earlycon 8-bit
// writes); any other access is refused.
func (u *UART) Read(_ int, offset uint64, size int) (uint64, bool) {
	if !wellFormed(offset, size) {
		return 0, false
	}
	return uint64(u.read(offset)) & sizeMask(size), true
}

// Write implements bus.Device, with the same access rules as Read.
func (u *UART) Write(_ int, offset uint64, size int, value uint64) bool {
	if !wellFormed(offset, size) {
		return false
	}
	u.write(offset, uint32(value&sizeMask(size)))
	return true
}

func wellFormed(offset uint64, size int) bool {
	return size <= 4 && offset%4 == 0 && bus.ValidAccess(offset, size)
}

func sizeMask(size int) uint64 { return 1<<(8*uint(size)) - 1 }

func (u *UART) read(offset uint64) uint32 {
	switch {
	case offset == RegDR:
		return u.readDR()
	case offset == RegFR:
		return u.fr()
	case offset == RegRIS:
		return u.ris()
	case offset == RegMIS:
		return u.ris() & u.imsc()
	case offset < RegDMACR+4:
		return u.stored[offset/4] // 0 for RSR (no errors are recorded), ICR (write-only), reserved
	case offset >= RegID && offset < RegID+4*uint64(len(ids)):
		return uint32(ids[(offset-RegID)/4])
	}
	return 0 // reserved
}

// We choose not to flush the FIFO when LCR_H.FEN changes (no input the host
// gave is dropped), and not to gate TX or RX on CR's UARTEN/TXE/RXE, as QEMU
// does not either: early boot code writes DR before it touches CR.
func (u *UART) write(offset uint64, v uint32) {
	switch {
	case offset == RegDR:
		u.tx[0] = byte(v)
		if u.cfg.Out != nil {
			_, _ = u.cfg.Out.Write(u.tx[:])
		}
		// The byte leaves at once, so the TX FIFO falls through its
		// trigger level again: TXRIS is set (as QEMU does).
		u.txLatched = true
	case offset == RegICR:
		if v&IntTX != 0 {
			u.txLatched = false
		}
	case offset < RegDMACR+4 && storedMask[offset/4] != 0:
		u.stored[offset/4] = v & storedMask[offset/4]
	default:
		return // ECR (no errors to clear), read-only and reserved offsets
	}
	u.update()
}

func (u *UART) imsc() uint32 { return u.stored[RegIMSC/4] }

func (u *UART) readDR() uint32 {
	if len(u.rx) == 0 {
		return 0
	}
	b := u.rx[0]
	u.rx = u.rx[1:]
	if len(u.rx) == 0 {
		u.rx = u.rx[:0:0] // let the consumed backing array go; Input grows a new one
	}
	u.update()
	return uint32(b)
}

func (u *UART) depth() int {
	if u.stored[RegLCRH/4]&lcrhFEN != 0 {
		return fifoDepth
	}
	return 1
}

func (u *UART) fr() uint32 {
	fr := uint32(FRTXFE) // never TXFF, never BUSY
	switch {
	case len(u.rx) == 0:
		fr |= FRRXFE
	case len(u.rx) >= u.depth():
		fr |= FRRXFF
	}
	return fr
}

// rxTrigger is the receive FIFO level that raises RXRIS: IFLS.RXIFLSEL of
// 1/8, 1/4, 1/2, 3/4 or 7/8 of the FIFO, or one byte with the FIFO off.
func (u *UART) rxTrigger() int {
	if u.stored[RegLCRH/4]&lcrhFEN == 0 {
		return 1
	}
	switch (u.stored[RegIFLS/4] >> 3) & 7 {
	case 0:
		return 2
	case 1:
		return 4
	case 2:
		return 8
	case 3:
		return 12
	default: // 4 = 7/8; 5-7 are reserved, we choose to treat them as 7/8
		return 14
	}
}

// ris is the raw interrupt status. RXRIS follows the FIFO level; RTRIS is set
// while any byte waits: we choose to let the receive timeout (32 bit periods
// of an idle line in hardware) elapse at once, so no clock is needed and the
// driver always drains what is there. ICR does not clear them for long:
// they are levels of the FIFO state.
func (u *UART) ris() uint32 {
	var ris uint32
	if u.txLatched {
		ris |= IntTX
	}
	level := min(len(u.rx), u.depth())
	if level > 0 {
		ris |= IntRT
	}
	if level >= u.rxTrigger() {
		ris |= IntRX
	}
	return ris
}

func (u *UART) update() {
	line := u.ris()&u.imsc() != 0
	if line == u.line {
		return
	}
	u.line = line
	if u.cfg.IRQ != nil {
		u.cfg.IRQ(line)
	}
}
