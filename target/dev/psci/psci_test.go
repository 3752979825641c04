package psci

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// host is two CPUs, CPU 0 on; it records what Call asked for.
type host struct {
	on     [2]bool
	log    []string
	starts [][2]uint64
}

func (h *host) CPUByAffinity(mpidr uint64) (int, bool) { return int(mpidr), mpidr < 2 }
func (h *host) PoweredOn(cpu int) bool                 { return h.on[cpu] }
func (h *host) PowerOn(cpu int, entry, ctx uint64) {
	h.on[cpu] = true
	h.starts = append(h.starts, [2]uint64{entry, ctx})
}
func (h *host) PowerOff(cpu int) { h.on[cpu] = false; h.log = append(h.log, "off") }
func (h *host) Wait(int)         { h.log = append(h.log, "wait") }
func (h *host) SystemOff(int)    { h.log = append(h.log, "system-off") }
func (h *host) SystemReset(int)  { h.log = append(h.log, "system-reset") }

func TestCall(t *testing.T) {
	h := &host{on: [2]bool{true, false}}
	require.Equal(t, Result{X0: Version11, SetX0: true}, Call(h, 0, Version, [3]uint64{}))
	require.Equal(t, Result{X0: NotSupported, SetX0: true}, Call(h, 0, Migrate, [3]uint64{}))
	require.Equal(t, Result{X0: AffinityOff, SetX0: true}, Call(h, 0, AffinityInfo|Fn64, [3]uint64{1, 0}))
	require.Equal(t, Result{X0: Success, SetX0: true}, Call(h, 0, CPUOn|Fn64, [3]uint64{1, 0x4008_0000, 7}))
	require.Equal(t, [][2]uint64{{0x4008_0000, 7}}, h.starts)
	require.Equal(t, Result{X0: AlreadyOn, SetX0: true}, Call(h, 0, CPUOn, [3]uint64{1, 0, 0}))
	require.Equal(t, Result{X0: InvalidParams, SetX0: true}, Call(h, 0, CPUOn, [3]uint64{5, 0, 0}))
	require.Equal(t, Result{X0: Success, SetX0: true, EndSlice: true}, Call(h, 1, CPUSuspend, [3]uint64{}))
	require.Equal(t, Result{EndSlice: true}, Call(h, 1, CPUOff, [3]uint64{}))
	require.Equal(t, Result{EndSlice: true}, Call(h, 0, SystemOff, [3]uint64{}))
	require.Equal(t, []string{"wait", "off", "system-off"}, h.log)
}
