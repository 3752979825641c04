package debugregs

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Field positions, one row per field, from the register descriptions in Arm ARM D24.3 / D24.2. Each row
// sets the field to all ones through its builder and checks the raw bits, then reads it back.
func TestFieldPositions(t *testing.T) {
	tests := []struct {
		name string
		ref  string
		set  func() uint64
		get  func(uint64) uint64
		want uint64
	}{
		{"DBGBCR.E", "D24.3.2 bit 0", func() uint64 { return uint64(DBGBCR(0).WithE(true)) }, func(v uint64) uint64 { return b2u(DBGBCR(v).E()) }, 1 << 0},
		{"DBGBCR.PMC", "D24.3.2 [2:1]", func() uint64 { return uint64(DBGBCR(0).WithPMC(3)) }, func(v uint64) uint64 { return uint64(DBGBCR(v).PMC()) }, 3 << 1},
		{"DBGBCR.BT2", "D24.3.2 bit 3", func() uint64 { return uint64(DBGBCR(0).WithBT2(true)) }, func(v uint64) uint64 { return b2u(DBGBCR(v).BT2()) }, 1 << 3},
		{"DBGBCR.BAS", "D24.3.2 [8:5]", func() uint64 { return uint64(DBGBCR(0).WithBAS(0xf)) }, func(v uint64) uint64 { return uint64(DBGBCR(v).BAS()) }, 0xf << 5},
		{"DBGBCR.HMC", "D24.3.2 bit 13", func() uint64 { return uint64(DBGBCR(0).WithHMC(true)) }, func(v uint64) uint64 { return b2u(DBGBCR(v).HMC()) }, 1 << 13},
		{"DBGBCR.SSC", "D24.3.2 [15:14]", func() uint64 { return uint64(DBGBCR(0).WithSSC(3)) }, func(v uint64) uint64 { return uint64(DBGBCR(v).SSC()) }, 3 << 14},
		{"DBGBCR.LBN", "D24.3.2 [19:16]", func() uint64 { return uint64(DBGBCR(0).WithLBN(0xf)) }, func(v uint64) uint64 { return uint64(DBGBCR(v).LBN()) }, 0xf << 16},
		{"DBGBCR.BT", "D24.3.2 [23:20]", func() uint64 { return uint64(DBGBCR(0).WithBT(0xf)) }, func(v uint64) uint64 { return uint64(DBGBCR(v).BT()) }, 0xf << 20},
		{"DBGBCR.MASK", "D24.3.2 [28:24]", func() uint64 { return uint64(DBGBCR(0).WithMASK(0x1f)) }, func(v uint64) uint64 { return uint64(DBGBCR(v).MASK()) }, 0x1f << 24},
		{"DBGBCR.SSCE", "D24.3.2 bit 29", func() uint64 { return uint64(DBGBCR(0).WithSSCE(true)) }, func(v uint64) uint64 { return b2u(DBGBCR(v).SSCE()) }, 1 << 29},
		{"DBGBCR.LBNX", "D24.3.2 [31:30]", func() uint64 { return uint64(DBGBCR(0).WithLBNX(3)) }, func(v uint64) uint64 { return uint64(DBGBCR(v).LBNX()) }, 3 << 30},
		{"DBGWCR.E", "D24.3.11 bit 0", func() uint64 { return uint64(DBGWCR(0).WithE(true)) }, func(v uint64) uint64 { return b2u(DBGWCR(v).E()) }, 1 << 0},
		{"DBGWCR.PAC", "D24.3.11 [2:1]", func() uint64 { return uint64(DBGWCR(0).WithPAC(3)) }, func(v uint64) uint64 { return uint64(DBGWCR(v).PAC()) }, 3 << 1},
		{"DBGWCR.LSC", "D24.3.11 [4:3]", func() uint64 { return uint64(DBGWCR(0).WithLSC(3)) }, func(v uint64) uint64 { return uint64(DBGWCR(v).LSC()) }, 3 << 3},
		{"DBGWCR.BAS", "D24.3.11 [12:5]", func() uint64 { return uint64(DBGWCR(0).WithBAS(0xff)) }, func(v uint64) uint64 { return uint64(DBGWCR(v).BAS()) }, 0xff << 5},
		{"DBGWCR.HMC", "D24.3.11 bit 13", func() uint64 { return uint64(DBGWCR(0).WithHMC(true)) }, func(v uint64) uint64 { return b2u(DBGWCR(v).HMC()) }, 1 << 13},
		{"DBGWCR.SSC", "D24.3.11 [15:14]", func() uint64 { return uint64(DBGWCR(0).WithSSC(3)) }, func(v uint64) uint64 { return uint64(DBGWCR(v).SSC()) }, 3 << 14},
		{"DBGWCR.LBN", "D24.3.11 [19:16]", func() uint64 { return uint64(DBGWCR(0).WithLBN(0xf)) }, func(v uint64) uint64 { return uint64(DBGWCR(v).LBN()) }, 0xf << 16},
		{"DBGWCR.WT", "D24.3.11 bit 20", func() uint64 { return uint64(DBGWCR(0).WithWT(true)) }, func(v uint64) uint64 { return b2u(DBGWCR(v).WT()) }, 1 << 20},
		{"DBGWCR.WT2", "D24.3.11 bit 22", func() uint64 { return uint64(DBGWCR(0).WithWT2(true)) }, func(v uint64) uint64 { return b2u(DBGWCR(v).WT2()) }, 1 << 22},
		{"DBGWCR.MASK", "D24.3.11 [28:24]", func() uint64 { return uint64(DBGWCR(0).WithMASK(0x1f)) }, func(v uint64) uint64 { return uint64(DBGWCR(v).MASK()) }, 0x1f << 24},
		{"DBGWCR.SSCE", "D24.3.11 bit 29", func() uint64 { return uint64(DBGWCR(0).WithSSCE(true)) }, func(v uint64) uint64 { return b2u(DBGWCR(v).SSCE()) }, 1 << 29},
		{"DBGWCR.LBNX", "D24.3.11 [31:30]", func() uint64 { return uint64(DBGWCR(0).WithLBNX(3)) }, func(v uint64) uint64 { return uint64(DBGWCR(v).LBNX()) }, 3 << 30},
		{"MDSCR.SS", "D24.3.20 bit 0", func() uint64 { return uint64(MDSCR(0).WithSS(true)) }, func(v uint64) uint64 { return b2u(MDSCR(v).SS()) }, 1 << 0},
		{"MDSCR.TDCC", "D24.3.20 bit 12", func() uint64 { return uint64(MDSCR(0).WithTDCC(true)) }, func(v uint64) uint64 { return b2u(MDSCR(v).TDCC()) }, 1 << 12},
		{"MDSCR.KDE", "D24.3.20 bit 13", func() uint64 { return uint64(MDSCR(0).WithKDE(true)) }, func(v uint64) uint64 { return b2u(MDSCR(v).KDE()) }, 1 << 13},
		{"MDSCR.MDE", "D24.3.20 bit 15", func() uint64 { return uint64(MDSCR(0).WithMDE(true)) }, func(v uint64) uint64 { return b2u(MDSCR(v).MDE()) }, 1 << 15},
		{"MDSCR.EMBWE", "D24.3.20 bit 32", func() uint64 { return uint64(MDSCR(0).WithEMBWE(true)) }, func(v uint64) uint64 { return b2u(MDSCR(v).EMBWE()) }, 1 << 32},
		{"MDSELR.BANK", "D24.3.21 [5:4]", func() uint64 { return uint64(MDSELR(0).WithBANK(3)) }, func(v uint64) uint64 { return uint64(MDSELR(v).BANK()) }, 3 << 4},
		{"DBGBVR.VA", "D24.3.3 [63:2]", func() uint64 { return uint64(DBGBVR(0).WithAddress(^uint64(0))) }, func(v uint64) uint64 { return DBGBVR(v).Address() }, ^uint64(3)},
		{"DBGWVR.VA", "D24.3.12 [63:2]", func() uint64 { return uint64(DBGWVR(0).WithAddress(^uint64(0))) }, func(v uint64) uint64 { return DBGWVR(v).Address() }, ^uint64(3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.set()
			require.Equal(t, tt.want, raw, "%s (%s): raw bits", tt.name, tt.ref)
			require.NotZero(t, tt.get(raw), "%s (%s): read back", tt.name, tt.ref)
			require.Zero(t, tt.get(^tt.want&raw), "%s: other bits must not leak in", tt.name)
		})
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Read-only views: MDSCR save/restore bits (D24.3.20), OSLSR (D24.3.28), ID registers (D24.2.80/.81),
// BVR context views (D24.3.3).
func TestReadOnlyFields(t *testing.T) {
	m := MDSCR(1<<6 | 1<<14 | 1<<21 | 3<<22 | 1<<26 | 1<<27 | 1<<29 | 1<<30)
	require.True(t, m.ERR())
	require.True(t, m.HDE())
	require.True(t, m.TDA())
	require.Equal(t, uint8(3), m.INTdis())
	require.True(t, m.TXU())
	require.True(t, m.RXO())
	require.True(t, m.TXfull())
	require.True(t, m.RXfull())

	s := OSLSR(0xa)
	require.True(t, s.OSLK())
	require.False(t, s.NTT())
	require.Equal(t, uint8(0b10), s.OSLM())
	require.True(t, OSDLR(1).DLK())

	d := IDAA64DFR0(0x10305106)
	require.Equal(t, uint8(DebugVerV8), d.DebugVer())
	require.Equal(t, uint8(1), d.PMUVer())
	require.Equal(t, uint8(5), d.BRPs())
	require.Equal(t, uint8(3), d.WRPs())
	require.Equal(t, uint8(1), d.CTXCMPs())
	require.Equal(t, uint8(0), d.DoubleLock())

	d1 := IDAA64DFR1(Debugv8p9.DFR1)
	require.Equal(t, uint8(63), d1.BRPs())
	require.Equal(t, uint8(63), d1.WRPs())
	require.Equal(t, uint8(15), d1.CTXCMPs())

	v := DBGBVR(0x1234_5678_9abc_def0)
	require.Equal(t, uint32(0x9abcdef0), v.ContextID())
	require.Equal(t, uint16(0x5678), v.VMID())
	require.Equal(t, uint32(0x12345678), v.ContextID2())

	require.Equal(t, 0x2a, DBGBCR(0).WithLBNX(2).WithLBN(0xa).LinkedBreakpoint())
	require.Equal(t, 0x35, DBGWCR(0).WithLBNX(3).WithLBN(5).LinkedBreakpoint())
}

func TestFormat(t *testing.T) {
	require.Equal(t, "E=on BT=0x0 PMC=EL1 BAS=0xf HMC=0 SSC=0 LBN=0", DBGBCR(bcrFor(PMCEL1)).String())
	require.Equal(t, "E=off BT=0x1 PMC=EL0+EL1 BAS=0x0 HMC=1 SSC=1 LBN=5 MASK=3",
		DBGBCR(0).WithBT(1).WithPMC(3).WithHMC(true).WithSSC(1).WithLBN(5).WithMASK(3).String())
	require.Equal(t, "E=on LSC=store PAC=EL1 BAS=0xff MASK=0", DBGWCR(wcrFor(PACEL1, LSCStore, 0xff)).String())
	require.Equal(t, "E=on LSC=reserved PAC=none BAS=0x1 MASK=5 HMC=1 SSC=2 WT=1 LBN=4",
		DBGWCR(0).WithE(true).WithBAS(1).WithMASK(5).WithHMC(true).WithSSC(2).WithWT(true).WithLBN(4).String())
	require.Equal(t, "MDE KDE SS EMBWE", MDSCR(kdeMD).WithSS(true).WithEMBWE(true).String())
	require.Equal(t, "0", MDSCR(0).String())
	require.Equal(t, "load+store", LSCAny.String())
	require.Equal(t, "EL0", PMCEL0.String())
}
