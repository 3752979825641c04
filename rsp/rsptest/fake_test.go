package rsptest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
)

func TestFakeMemory(t *testing.T) {
	f := NewFakeTarget(1)
	buf := make([]byte, 8)
	n, err := f.ReadMemory(RAMBase+64<<10-4, buf)
	require.Equal(t, 4, n)
	require.ErrorIs(t, err, rsp.EFAULT)
	require.ErrorIs(t, f.WriteMemory(RAMBase+64<<10-4, buf), rsp.EFAULT)
	require.NoError(t, f.WriteMemory(RAMBase, []byte{1, 2, 3}))
	n, err = f.ReadMemory(RAMBase, buf[:3])
	require.NoError(t, err)
	require.Equal(t, 3, n)
	require.Equal(t, []byte{1, 2, 3}, buf[:3])
	f.Poke64(RAMBase+8, 0xabcdef)
	require.Equal(t, uint64(0xabcdef), f.Peek64(RAMBase+8))
}

func TestFakeRegisters(t *testing.T) {
	f := NewFakeTarget(2)
	g, err := f.ReadRegisters(2, nil)
	require.NoError(t, err)
	require.Len(t, g, 268)
	g[0] = 0x7f
	require.NoError(t, f.WriteRegisters(2, g))
	require.Equal(t, uint64(0x7f), f.Reg(2, 0))
	v, err := f.ReadRegister(1, 33, nil)
	require.NoError(t, err)
	require.Equal(t, []byte{0xc5, 0x03, 0, 0}, v)
	_, err = f.ReadRegister(3, 0, nil)
	require.Error(t, err)
}

func TestFakeResume(t *testing.T) {
	f := NewFakeTarget(2)
	r, err := f.Resume([]rsp.Action{{Kind: rsp.ActionStop}, {Kind: rsp.ActionStep}})
	require.NoError(t, err)
	require.Equal(t, rsp.StopReason{Kind: rsp.StopStepped, Thread: 2}, r)
	require.Equal(t, uint64(RAMBase+4), f.PC(2))

	done := make(chan rsp.StopReason)
	go func() {
		r, _ := f.Resume([]rsp.Action{{Kind: rsp.ActionStop}, {Kind: rsp.ActionContinue}})
		done <- r
	}()
	f.Interrupt()
	select {
	case r := <-done:
		require.Equal(t, rsp.StopKind(rsp.StopInterrupted), r.Kind)
	case <-time.After(5 * time.Second):
		t.Fatal("Resume ignored Interrupt")
	}
	// An Interrupt with nothing running stops the next Resume at once.
	f.Interrupt()
	r, err = f.Resume([]rsp.Action{{Kind: rsp.ActionStep}, {Kind: rsp.ActionStop}})
	require.NoError(t, err)
	require.Equal(t, rsp.StopKind(rsp.StopInterrupted), r.Kind)
}

func TestFakeWatchSlots(t *testing.T) {
	f := NewFakeTarget(1)
	for i := uint64(0); i < 4; i++ {
		require.NoError(t, f.AddWatchpoint(RAMBase+8*i, 8, rsp.WatchWrite))
	}
	require.ErrorIs(t, f.AddWatchpoint(RAMBase+64, 8, rsp.WatchWrite), rsp.ENOSPC)
	require.NoError(t, f.RemoveWatchpoint(RAMBase, 8, rsp.WatchWrite))
	require.NoError(t, f.AddWatchpoint(RAMBase+64, 8, rsp.WatchWrite))
}
