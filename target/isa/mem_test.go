package isa

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAddrModes(t *testing.T) {
	var x [256]uint64
	x[1], x[2] = 0x4000_1000, 0xffff_fff0 // base, index (negative as a W register)
	cases := []struct {
		name      string
		in        Inst
		addr, wb  uint64
		writeback bool
	}{
		{"offset", Inst{Rn: 1, Cond: ModeOffset, Imm: 8}, 0x4000_1008, 0, false},
		{"pre", Inst{Rn: 1, Cond: ModePre, Imm: 16}, 0x4000_1010, 0x4000_1010, true},
		{"post", Inst{Rn: 1, Cond: ModePost, Imm: 16}, 0x4000_1000, 0x4000_1010, true},
		{"reg uxtw lsl 3", Inst{Rn: 1, Rm: 2, Cond: ModeReg, Imm2: 2, Imm: 3}, 0x4000_1000 + 0xffff_fff0<<3, 0, false},
		{"reg sxtw", Inst{Rn: 1, Rm: 2, Cond: ModeReg, Imm2: 6}, 0x4000_0ff0, 0, false},
		{"reg lsl", Inst{Rn: 1, Rm: 2, Cond: ModeReg, Imm2: 3, Imm: 1}, 0x4000_1000 + 0xffff_fff0<<1, 0, false},
		{"literal", Inst{Cond: ModeLit, Imm: 0x4000_2000}, 0x4000_2000, 0, false},
	}
	for _, tc := range cases {
		addr := tc.in.Addr(&x)
		require.Equal(t, tc.addr, addr, tc.name)
		if tc.in.Cond == ModeReg {
			require.Equal(t, Extend(x[2], uint8(tc.in.Imm2), uint8(tc.in.Imm)), offsetReg(x[2], tc.in.Imm2)<<tc.in.Imm,
				"%s: offsetReg agrees with Extend", tc.name)
		}
		y := x
		tc.in.WriteBack(&y, addr)
		if tc.writeback {
			require.Equal(t, tc.wb, y[1], tc.name)
		} else {
			require.Equal(t, x, y, "%s: no write-back", tc.name)
		}
	}
	require.Equal(t, uint64(0x4000_1000), (&Inst{Rn: 1, Cond: ModePost, Imm: 8}).PairAddr(&x))
	require.Equal(t, uint64(0x4000_1008), (&Inst{Rn: 1, Cond: ModePre, Imm: 8}).PairAddr(&x))
}

func TestLoadValue(t *testing.T) {
	require.Equal(t, uint64(0xffff_ffff_ffff_ff80), (&Inst{Amt: 0, Flg: FlgSigned64}).LoadValue(0x80))
	require.Equal(t, uint64(0xffff_8000), (&Inst{Amt: 1, Flg: FlgSigned32}).LoadValue(0x8000))
	require.Equal(t, uint64(0x8000), (&Inst{Amt: 1}).LoadValue(0x8000))
}

// The fast helpers compute what the Arm ARM's AddWithCarry does.
func TestFlagHelpersMatchAddWithCarry(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	edge := []uint64{0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 1 << 63, 1<<63 - 1, ^uint64(0)}
	for i := 0; i < 2000; i++ {
		a, b := r.Uint64(), r.Uint64()
		if i < len(edge)*len(edge) {
			a, b = edge[i/len(edge)], edge[i%len(edge)]
		}
		for _, tc := range []struct {
			f      func(a, b uint64) (uint64, uint64)
			sub, s bool
		}{{Sub64, true, true}, {Add64, false, true}, {Sub32, true, false}, {Add32, false, false}} {
			bb, cin := b, uint64(0)
			if tc.sub {
				bb, cin = ^b, 1
			}
			wr, wf := AddWithCarry(a, bb, cin, tc.s)
			gr, gf := tc.f(a, b)
			require.Equal(t, MaskSF(wr, tc.s), gr, "%#x %#x", a, b)
			require.Equal(t, wf, gf, "%#x %#x sub=%v sf=%v", a, b, tc.sub, tc.s)
		}
	}
}
