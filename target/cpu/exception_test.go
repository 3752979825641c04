package cpu

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVectorOffset(t *testing.T) {
	cases := []struct {
		el, spsel uint8
		k         Kind
		want      uint64
	}{
		{1, 0, Sync, 0x000}, {1, 0, IRQ, 0x080}, {1, 1, Sync, 0x200}, {1, 1, IRQ, 0x280},
		{1, 1, FIQ, 0x300}, {1, 1, SError, 0x380}, {0, 0, Sync, 0x400}, {0, 0, IRQ, 0x480},
	}
	for _, tc := range cases {
		var s State
		s.EL, s.SPSel = tc.el, tc.spsel
		require.Equal(t, tc.want, s.VectorOffset(tc.k), "EL%d SPSel %d kind %d", tc.el, tc.spsel, tc.k)
	}
}

func TestDeliverableFollowsDAIF(t *testing.T) {
	var s State
	s.Reset(0x4000_0000)
	s.Pending = PendIRQ | PendFIQ
	_, ok := s.Deliverable()
	require.False(t, ok, "reset masks DAIF")
	s.DAIF &^= DAIFI
	k, ok := s.Deliverable()
	require.True(t, ok)
	require.Equal(t, IRQ, k)
	s.DAIF &^= DAIFF
	k, _ = s.Deliverable()
	require.Equal(t, FIQ, k)
}

func TestEnterIRQKeepsESR(t *testing.T) {
	var s State
	s.Reset(0x4000_1000)
	s.SR[IdxVBAR] = 0x4008_0000
	s.SR[IdxESR] = 0x1234
	s.EL, s.SPSel, s.DAIF = 0, 0, 0
	s.Excl.Valid = true
	s.Enter(IRQ, 0x40000000, 0x4000_1000, 0xdead, 0, false, 0)
	require.Equal(t, uint64(0x4008_0480), s.PC)
	require.Equal(t, uint64(0x1234), s.SR[IdxESR], "asynchronous exceptions leave ESR alone")
	require.Equal(t, uint64(0x4000_1000), s.SR[IdxELR])
	require.Equal(t, uint8(1), s.EL)
	require.Equal(t, uint64(DAIFMaskAll), s.DAIF)
	require.False(t, s.Excl.Valid)
}
