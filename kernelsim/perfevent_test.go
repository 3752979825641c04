package kernelsim

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDecodePerfEvent(t *testing.T) {
	want := PerfEvent{BpAddr: 0x40003530, BpLen: 4, BpType: 4, Address: 0x40003530, CtrlLen: 0xf,
		CtrlPrivilege: 1, CtrlEnabled: 1, Handler: 0x40004000, CPU: 1, State: PerfEventActive, Slot: 0, Count: 3,
		HitPC: [8]uint64{0x40003530}}
	var buf bytes.Buffer
	require.NoError(t, binary.Write(&buf, binary.LittleEndian, &want))
	require.Equal(t, PerfEventSize, buf.Len())
	got, err := DecodePerfEvent(buf.Bytes())
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, uint32(0x1e3), got.Ctrl())
	require.True(t, got.IsBreakpoint())
	_, err = DecodePerfEvent(buf.Bytes()[1:])
	require.Error(t, err)
}

func TestPerCPUAndSlotAddr(t *testing.T) {
	img, err := Default()
	require.NoError(t, err)
	base, _, _ := img.Symbols.Lookup(SymBpExceptions)
	addr, size, err := img.PerCPU(SymBpExceptions, 3)
	require.NoError(t, err)
	require.Equal(t, uint64(8), size)
	require.Equal(t, base+24, addr)
	_, size, err = img.PerCPU(SymSteppingKernelBp, 0)
	require.NoError(t, err)
	require.Equal(t, uint64(4), size)

	bp, _, _ := img.Symbols.Lookup(SymBpOnReg)
	addr, err = img.SlotAddr(true, 1, 2)
	require.NoError(t, err)
	require.Equal(t, bp+8*MaxSlots+16, addr)
	wp, _, _ := img.Symbols.Lookup(SymWpOnReg)
	addr, err = img.SlotAddr(false, 0, 0)
	require.NoError(t, err)
	require.Equal(t, wp, addr)

	for _, bad := range []func() error{
		func() error { _, _, err := img.PerCPU("nope", 0); return err },
		func() error { _, _, err := img.PerCPU(SymWorkloadCounter, 0); return err },
		func() error { _, _, err := img.PerCPU(SymBpExceptions, 64); return err },
		func() error { _, err := img.SlotAddr(true, 0, 64); return err },
		func() error { _, err := img.SlotAddr(true, -1, 0); return err },
	} {
		require.Error(t, bad())
	}
}
