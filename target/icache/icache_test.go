package icache

import (
	"encoding/binary"
	"testing"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/isa"
	"github.com/stretchr/testify/require"
)

const present = 1 << 0

func TestInvalidateForgetsSlotAndFusedSUBS(t *testing.T) {
	ram := make([]byte, 2*PageSize)
	binary.LittleEndian.PutUint32(ram[PageSize+8:], 0xf1000421)  // subs x1, x1, #1
	binary.LittleEndian.PutUint32(ram[PageSize+12:], 0x54ffffe1) // b.ne .-4
	flags := make([]uint8, 2)
	c := New(2, flags, present)

	p, fresh := c.Page(1)
	require.True(t, fresh)
	require.Equal(t, uint8(present), flags[1], "a held page is flagged")
	p.Insts[2] = Decode(ram, PageSize+8, 0x4000_1008)
	p.Insts[3] = Decode(ram, PageSize+12, 0x4000_100c)
	require.Equal(t, isa.OpSUBSBcond, p.Insts[2].Op)
	require.Equal(t, isa.OpBcond, p.Insts[3].Op)

	v := p.Version
	c.Invalidate(PageSize+12, 4) // the B.cond's word
	require.Equal(t, isa.OpUndecoded, p.Insts[3].Op)
	require.Equal(t, isa.OpUndecoded, p.Insts[2].Op, "the SUBS embedding it goes too")
	require.Greater(t, p.Version, v)

	c.Invalidate(0, PageSize) // page 0 holds no code: nothing to do
	_, fresh = c.Page(1)
	require.False(t, fresh)
}

func TestTrapUnfusesThePreviousSlot(t *testing.T) {
	var p Page
	p.Insts[4] = isa.Inst{Op: isa.OpSUBSBcond, Cond: 1, Imm2: 0x4000_0000}
	p.Trap(5)
	require.Equal(t, isa.OpStepTrap, p.Insts[5].Op)
	require.Equal(t, isa.OpSUBSI64, p.Insts[4].Op)
	require.Equal(t, isa.OpStepTrap, NewTrapPage().Insts[Slots-1].Op)
}
