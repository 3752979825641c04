package pl011

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rig is a UART with its console and interrupt line recorded.
type rig struct {
	u     *UART
	out   bytes.Buffer
	edges []bool
}

func newRig() *rig {
	r := &rig{}
	r.u = New(Config{Out: &r.out, IRQ: func(l bool) { r.edges = append(r.edges, l) }})
	return r
}

func (r *rig) read(t *testing.T, off uint64) uint64 {
	t.Helper()
	v, ok := r.u.Read(0, off, 4)
	require.True(t, ok, "read %#x", off)
	return v
}

func (r *rig) write(t *testing.T, off, v uint64) {
	t.Helper()
	require.True(t, r.u.Write(0, off, 4, v), "write %#x", off)
}

func TestIDRegistersBindTheAMBADriver(t *testing.T) {
	r := newRig()
	var periph, cell uint32
	for i := uint64(0); i < 4; i++ {
		periph |= uint32(r.read(t, RegID+4*i)) << (8 * i)
		cell |= uint32(r.read(t, RegID+16+4*i)) << (8 * i)
	}
	assert.Equal(t, uint32(0x00141011), periph)
	assert.Equal(t, uint32(0x00041011), periph&0x000fffff, "amba-pl011's id/mask")
	assert.Equal(t, uint32(0xb105f00d), cell, "AMBA_CID")
}

func TestResetValues(t *testing.T) {
	r := newRig()
	for _, tc := range []struct {
		reg  uint64
		want uint64
	}{
		{RegFR, FRTXFE | FRRXFE}, {RegCR, 0x300}, {RegIFLS, 0x12}, {RegLCRH, 0}, {RegIMSC, 0},
		{RegRIS, 0}, {RegMIS, 0}, {RegIBRD, 0}, {RegFBRD, 0}, {RegDMACR, 0}, {RegRSR, 0}, {RegICR, 0},
		{0x100, 0}, // reserved: RAZ
	} {
		assert.Equal(t, tc.want, r.read(t, tc.reg), "reg %#x", tc.reg)
	}
}

func TestStoredRegistersReadBack(t *testing.T) {
	r := newRig()
	for _, tc := range []struct {
		reg, write, want uint64
	}{
		{RegIBRD, 0x1_0027, 0x0027},
		{RegFBRD, 0xff, 0x3f},
		{RegLCRH, 0x70, 0x70},
		{RegCR, 0xffff, 0xff87},
		{RegIFLS, 0xff, 0x3f},
		{RegIMSC, 0xffff, 0x7ff},
		{RegDMACR, 0xff, 0x7},
		{RegILPR, 0x1ff, 0xff},
		{RegFR, 0, FRTXFE | FRRXFE}, // read-only
		{RegRIS, 0xffff, 0},         // read-only
	} {
		r.write(t, tc.reg, tc.write)
		assert.Equal(t, tc.want, r.read(t, tc.reg), "reg %#x", tc.reg)
	}
}

func TestAccessSizes(t *testing.T) {
	r := newRig()
	for _, tc := range []struct {
		off  uint64
		size int
		ok   bool
	}{
		{RegDR, 1, true}, {RegFR, 2, true}, {RegFR, 4, true}, {RegID, 4, true},
		{RegFR, 8, false}, {RegFR + 1, 1, false}, {RegFR + 2, 2, false}, {RegFR, 3, false},
	} {
		_, ok := r.u.Read(0, tc.off, tc.size)
		assert.Equal(t, tc.ok, ok, "read %d at %#x", tc.size, tc.off)
		assert.Equal(t, tc.ok, r.u.Write(0, tc.off, tc.size, 0), "write %d at %#x", tc.size, tc.off)
	}
}

func TestTransmitGoesToTheConsoleAndIsNeverFull(t *testing.T) {
	r := newRig()
	for _, c := range []byte("hi\n") {
		assert.Zero(t, r.read(t, RegFR)&(FRTXFF|FRBusy))
		require.True(t, r.u.Write(0, RegDR, 1, uint64(c)|0xff00)) // only the data byte goes out
	}
	assert.Equal(t, "hi\n", r.out.String())
	assert.Equal(t, uint64(IntTX), r.read(t, RegRIS), "TXRIS after a write")
	assert.Empty(t, r.edges, "TX is masked: no interrupt")

	r.write(t, RegIMSC, IntTX)
	assert.Equal(t, []bool{true}, r.edges)
	r.write(t, RegICR, IntTX)
	assert.Equal(t, []bool{true, false}, r.edges)
	assert.Zero(t, r.read(t, RegMIS))
	r.write(t, RegDR, 'x')
	assert.True(t, r.u.IRQ())
}

func TestTransmitAllocatesNothing(t *testing.T) {
	u := New(Config{Out: discard{}})
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		u.Write(0, RegDR, 4, 'a')
		u.Read(0, RegFR, 4)
	}))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestReceiveWithoutFIFO(t *testing.T) {
	r := newRig()
	r.write(t, RegIMSC, IntRX|IntRT)
	r.u.Input([]byte("ab"))
	assert.Equal(t, []bool{true}, r.edges)
	assert.Equal(t, uint64(FRTXFE|FRRXFF), r.read(t, RegFR), "the one-byte holding register is full")
	assert.Equal(t, uint64(IntRX|IntRT), r.read(t, RegMIS))
	assert.Equal(t, uint64('a'), r.read(t, RegDR))
	assert.Equal(t, uint64('b'), r.read(t, RegDR))
	assert.Equal(t, uint64(FRTXFE|FRRXFE), r.read(t, RegFR))
	assert.Equal(t, []bool{true, false}, r.edges)
	assert.Zero(t, r.read(t, RegDR), "empty FIFO reads 0")
}

func TestReceiveFIFOTriggerLevels(t *testing.T) {
	for _, tc := range []struct {
		ifls    uint64
		trigger int
	}{
		{0 << 3, 2}, {1 << 3, 4}, {2 << 3, 8}, {3 << 3, 12}, {4 << 3, 14},
		{7 << 3, 14}, // reserved: we choose 7/8
	} {
		r := newRig()
		r.write(t, RegLCRH, lcrhFEN)
		r.write(t, RegIFLS, tc.ifls)
		r.u.Input(make([]byte, tc.trigger-1))
		assert.Equal(t, uint64(IntRT), r.read(t, RegRIS), "below the %d trigger: timeout only", tc.trigger)
		r.u.Input([]byte{0})
		assert.Equal(t, uint64(IntRX|IntRT), r.read(t, RegRIS), "at the %d trigger", tc.trigger)
	}
}

func TestInputBeyondTheFIFOWaitsOnTheLine(t *testing.T) {
	r := newRig()
	r.write(t, RegLCRH, lcrhFEN)
	in := make([]byte, 40)
	for i := range in {
		in[i] = byte(i)
	}
	r.u.Input(in)
	assert.Equal(t, uint64(FRTXFE|FRRXFF), r.read(t, RegFR))
	for i := range in {
		require.Equal(t, uint64(i), r.read(t, RegDR))
	}
	assert.Equal(t, 0, r.u.Pending())
	assert.Equal(t, uint64(FRTXFE|FRRXFE), r.read(t, RegFR))
}

func TestLinuxInterruptLoopDrainsAndDeasserts(t *testing.T) {
	// pl011_int: read MIS, write ICR for what it handles (not TX), read DR
	// until RXFE, read MIS again; the line must drop.
	r := newRig()
	r.write(t, RegLCRH, lcrhFEN|0x60)
	r.write(t, RegIMSC, IntRX|IntRT)
	r.u.Input([]byte("typed"))
	require.True(t, r.u.IRQ())
	status := r.read(t, RegMIS)
	r.write(t, RegICR, status&^(IntTX|IntRX|IntRT))
	var got []byte
	for r.read(t, RegFR)&FRRXFE == 0 {
		got = append(got, byte(r.read(t, RegDR)))
	}
	assert.Equal(t, "typed", string(got))
	assert.Zero(t, r.read(t, RegMIS))
	assert.False(t, r.u.IRQ())
}

func TestResetDropsInputAndState(t *testing.T) {
	r := newRig()
	r.write(t, RegIMSC, IntRT)
	r.u.Input([]byte("x"))
	r.write(t, RegIBRD, 5)
	r.u.Reset()
	assert.False(t, r.u.IRQ())
	assert.Equal(t, 0, r.u.Pending())
	assert.Zero(t, r.read(t, RegIBRD))
	assert.Equal(t, []bool{true, false}, r.edges)
}

func TestNilConfigIsAPolledSink(t *testing.T) {
	u := New(Config{})
	assert.True(t, u.Write(0, RegDR, 4, 'z'))
	u.Write(0, RegIMSC, 4, IntTX)
	assert.True(t, u.IRQ())
}

func TestChoicesFENToggleKeepsInputAndCRDoesNotGate(t *testing.T) {
	r := newRig()
	r.write(t, RegLCRH, lcrhFEN)
	r.u.Input([]byte("abc"))
	r.write(t, RegLCRH, 0)
	assert.Equal(t, 3, r.u.Pending(), "FEN off keeps the FIFO's bytes")
	r.write(t, RegCR, 0) // UARTEN, TXE, RXE all off
	r.write(t, RegDR, '!')
	assert.Equal(t, "!", r.out.String())
	assert.Equal(t, uint64('a'), r.read(t, RegDR))
}
