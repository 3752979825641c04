package isa

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Inst.Hop is set exactly for direct branches (and a fused SUBS's B.cond)
// whose target is another slot of the same 4 KiB page, in bytes.
func TestHop(t *testing.T) {
	const page = 0x4000_1000
	cases := []struct {
		name string
		w    uint32 // at pc
		next uint32 // after it (for fusion)
		pc   uint64
		op   Op
		hop  int32 // in slots
	}{
		{"b forward", 0x14000004, 0, page + 0x10, OpB, 4},
		{"b back", 0x17fffffc, 0, page + 0x10, OpB, -4},
		{"b to the page's last slot", 0x140003ff, 0, page, OpB, 1023},
		{"b to the next page", 0x14000001, 0, page + 0xffc, OpB, 0},
		{"b to the previous page", 0x17ffffff, 0, page, OpB, 0},
		{"b to itself", 0x14000000, 0, page + 0x10, OpB, 0},
		{"bl", 0x94000002, 0, page + 0x10, OpBL, 2},
		{"b.ne", 0x54ffffe1, 0, page + 0x10, OpBcond, -1},
		{"cbz", 0xb4000040, 0, page + 0x10, OpCBZ, 2},
		{"tbnz", 0x37000040, 0, page + 0x10, OpTBNZ, 2},
		{"subs+b.ne: from the subs", 0xf1000400, 0x54ffffe1, page + 0x10, OpSUBSBcond, 0},
		{"subs+b.ne back two", 0xf1000400, 0x54ffffc1, page + 0x10, OpSUBSBcond, -1},
		{"subs+b.ne out of the page", 0xf1000400, 0x54ffffc1, page, OpSUBSBcond, 0},
		{"ret (indirect)", 0xd65f03c0, 0, page + 0x10, OpRET, 0},
		{"add (no branch)", 0x91000421, 0, page + 0x10, OpADDI64, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := DecodePair(tc.w, tc.next, tc.next != 0, tc.pc)
			require.Equal(t, tc.op, in.Op)
			require.Equal(t, tc.hop*int32(SlotBytes), in.Hop)
			if in.Op == OpSUBSBcond {
				require.Zero(t, Unfused(in).Hop, "the SUBS alone has no branch")
			}
		})
	}
}
