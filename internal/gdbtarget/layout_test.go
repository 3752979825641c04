package gdbtarget

import (
	"bytes"
	"debug/dwarf"
	"debug/elf"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
)

// The offsets the monitor uses to read the guest's struct perf_event agree with the kernel's DWARF.
func TestPerfEventLayout(t *testing.T) {
	f, err := elf.NewFile(bytes.NewReader(kernelsim.KernelELF))
	require.NoError(t, err)
	d, err := f.DWARF()
	require.NoError(t, err)
	offsets := map[string]int64{}
	r := d.Reader()
	for {
		e, err := r.Next()
		require.NoError(t, err)
		require.NotNil(t, e, "struct perf_event not found in DWARF")
		if e.Tag != dwarf.TagStructType || e.Val(dwarf.AttrName) != "perf_event" || !e.Children {
			continue
		}
		for {
			m, err := r.Next()
			require.NoError(t, err)
			if m == nil || m.Tag == 0 {
				break
			}
			if m.Tag == dwarf.TagMember {
				off, _ := m.Val(dwarf.AttrDataMemberLoc).(int64)
				offsets[m.Val(dwarf.AttrName).(string)] = off
			}
		}
		break
	}
	for _, c := range []struct {
		member string
		want   int64
	}{
		{"attr", perfEventAttrAddr},
		{"overflow_handler", perfEventOverflowHandle},
		{"cpu", perfEventCPU},
		{"slot", perfEventSlot},
		{"count", perfEventCount},
	} {
		got, ok := offsets[c.member]
		require.Truef(t, ok, "member %s missing (have %v)", c.member, offsets)
		require.Equalf(t, c.want, got, "offset of perf_event.%s", c.member)
	}
}
