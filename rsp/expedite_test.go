package rsp_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
)

// expediting adds rsp.ExpeditedRegisters to the fake target.
type expediting struct{ *rsptest.FakeTarget }

func (expediting) ExpeditedRegisters() []int {
	return []int{aarch64.RegFP, aarch64.RegSP, aarch64.RegPC}
}

func TestStopReplyCarriesExpeditedRegisters(t *testing.T) {
	f := rsptest.NewFakeTarget(2)
	f.SetPC(1, 0x40001234)
	f.SetReg(1, aarch64.RegSP, 0x40100000)
	f.SetReg(1, aarch64.RegFP, 0x401000f0)
	cl, _ := rsptest.StartSession(t, expediting{f}, rsp.Options{})
	// x29 (0x1d), sp (0x1f) and pc (0x20) of the stopped thread, little-endian hex, after thread and core.
	require.Equal(t, "T05thread:1;core:0;1d:f000104000000000;1f:0000104000000000;20:3412004000000000;", cl.Exchange("?"))
}
