package selfdebug

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A run of traps at one PC, each after an ERET back to it, reports what those returns did: how many, whether
// one armed a software step, whether the debug registers differed between them.
func TestLivelockRun(t *testing.T) {
	const pc = 0x1000
	type eret struct {
		stepping bool
		regs     uint64
	}
	tests := []struct {
		name  string
		erets []eret // between the traps; len = threshold-1
		want  Run
	}{
		{"handler does nothing", []eret{{false, 7}, {false, 7}, {false, 7}}, Run{Count: 4, ERETs: 3}},
		{"a step armed once", []eret{{false, 7}, {true, 7}, {false, 7}}, Run{Count: 4, ERETs: 3, Stepped: true}},
		{"a comparator rewritten", []eret{{false, 7}, {false, 8}, {false, 8}}, Run{Count: 4, ERETs: 3, RegsChanged: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l Livelock
			ic := uint64(100)
			report, _ := l.Trap(pc, 0x31, ic, 4)
			require.False(t, report)
			for i, e := range tt.erets {
				require.True(t, l.Continues(pc))
				require.False(t, l.Continues(pc+4), "a return elsewhere is no repeat")
				ic += 10
				l.ERET(pc, ic, e.stepping, e.regs)
				var run Run
				report, run = l.Trap(pc, 0x31, ic, 4)
				require.Equal(t, i == len(tt.erets)-1, report)
				if report {
					require.Equal(t, tt.want, run)
				}
			}
			require.False(t, l.Continues(pc), "the count starts again after a report")
		})
	}
}

// A trap that is not the first instruction after the ERET starts a new run with fresh ERET facts.
func TestLivelockRunRestarts(t *testing.T) {
	var l Livelock
	l.Trap(0x1000, 0x31, 10, 3)
	l.ERET(0x1000, 20, true, 1)
	report, _ := l.Trap(0x1000, 0x31, 25, 3) // five instructions ran in between
	require.False(t, report)
	l.ERET(0x1000, 30, false, 1)
	l.Trap(0x1000, 0x31, 30, 3)
	l.ERET(0x1000, 40, false, 1)
	report, run := l.Trap(0x1000, 0x31, 40, 3)
	require.True(t, report)
	require.Equal(t, Run{Count: 3, ERETs: 2}, run, "the stepping ERET belonged to the earlier run")
}
