package gdbtarget

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCoveringRegion(t *testing.T) {
	for _, c := range []struct{ addr, length, start, size uint64 }{
		{0x40121505, 100, 0x40121500, 128},
		{0x40121508, 8, 0x40121500, 16},
		{0x4012157f, 2, 0x40121500, 256},
		{0x40000000, 16, 0x40000000, 16},
	} {
		r := coveringRegion(c.addr, c.length)
		require.Equalf(t, c.start, r.Start, "%#x+%d", c.addr, c.length)
		require.Equalf(t, c.size, r.Len, "%#x+%d", c.addr, c.length)
		require.LessOrEqual(t, r.Start, c.addr)
		require.GreaterOrEqual(t, r.Start+r.Len, c.addr+c.length)
	}
}

func TestPlanWatchFallsBackToOneRegion(t *testing.T) {
	exact, err := planWatch(0x40121505, 100, 64)
	require.NoError(t, err)
	require.Greater(t, len(exact), 1)
	one, err := planWatch(0x40121505, 100, 1)
	require.NoError(t, err)
	require.Len(t, one, 1)
	require.LessOrEqual(t, one[0].Start, uint64(0x40121505))
	require.GreaterOrEqual(t, one[0].Start+one[0].Len, uint64(0x40121505+100))
}
