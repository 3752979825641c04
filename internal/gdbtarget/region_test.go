package gdbtarget

import (
	"testing"

	"github.com/stretchr/testify/require"
)

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
