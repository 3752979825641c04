package bus

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder is a Device that remembers its last access and answers offset+size.
type recorder struct {
	cpu    int
	offset uint64
	size   int
	value  uint64
}

func (d *recorder) Read(cpu int, offset uint64, size int) (uint64, bool) {
	d.cpu, d.offset, d.size = cpu, offset, size
	return offset + uint64(size), true
}

func (d *recorder) Write(cpu int, offset uint64, size int, value uint64) bool {
	d.cpu, d.offset, d.size, d.value = cpu, offset, size, value
	return true
}

func TestMapAddRejects(t *testing.T) {
	var m Map
	dev := &recorder{}
	require.NoError(t, m.Add("a", 0x1000, 0x1000, dev))
	require.NoError(t, m.Add("c", 0x4000, 0x1000, dev))
	for _, tc := range []struct {
		name       string
		base, size uint64
		dev        Device
	}{
		{"empty", 0x8000, 0, dev},
		{"wraps", ^uint64(0) - 0xff, 0x1000, dev},
		{"no device", 0x8000, 0x1000, nil},
		{"overlaps the one below", 0x1fff, 0x10, dev},
		{"overlaps the one above", 0x3000, 0x1001, dev},
		{"inside", 0x4100, 0x10, dev},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Error(t, m.Add(tc.name, tc.base, tc.size, tc.dev))
		})
	}
	require.NoError(t, m.Add("b", 0x2000, 0x2000, dev), "touching both neighbours is fine")
	names := []string{}
	for _, r := range m.Regions() {
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"a", "b", "c"}, names)
}

func TestMapLookupAndAccess(t *testing.T) {
	var m Map
	devs := []*recorder{{}, {}, {}}
	require.NoError(t, m.Add("gicd", 0x0800_0000, 0x1_0000, devs[0]))
	require.NoError(t, m.Add("uart", 0x0900_0000, 0x1000, devs[1]))
	require.NoError(t, m.Add("ram", 0x4000_0000, 0x1000_0000, devs[2]))
	for _, tc := range []struct {
		addr   uint64
		size   int
		ok     bool
		dev    int
		offset uint64
	}{
		{0x0800_0000, 4, true, 0, 0},
		{0x0800_fffc, 4, true, 0, 0xfffc},
		{0x0800_fffe, 4, false, 0, 0}, // runs past the region
		{0x0801_0000, 4, false, 0, 0}, // hole
		{0x0900_0018, 2, true, 1, 0x18},
		{0x07ff_ffff, 1, false, 0, 0}, // below everything
		{0x4fff_fff8, 8, true, 2, 0x0fff_fff8},
		{0x5000_0000, 1, false, 0, 0}, // above everything
	} {
		v, ok := m.Read(3, tc.addr, tc.size)
		require.Equal(t, tc.ok, ok, "read %#x", tc.addr)
		assert.Equal(t, tc.ok, m.Write(3, tc.addr, tc.size, 0xab), "write %#x", tc.addr)
		if !tc.ok {
			continue
		}
		d := devs[tc.dev]
		assert.Equal(t, tc.offset+uint64(tc.size), v)
		assert.Equal(t, recorder{cpu: 3, offset: tc.offset, size: tc.size, value: 0xab}, *d)
	}
}

func TestValidAccess(t *testing.T) {
	for _, tc := range []struct {
		offset uint64
		size   int
		ok     bool
	}{
		{0, 1, true}, {3, 1, true}, {2, 2, true}, {1, 2, false}, {4, 4, true}, {2, 4, false},
		{8, 8, true}, {4, 8, false}, {0, 3, false}, {0, 16, false}, {0, 0, false},
	} {
		assert.Equal(t, tc.ok, ValidAccess(tc.offset, tc.size), "%d bytes at %d", tc.size, tc.offset)
	}
}

func TestLookupAllocatesNothing(t *testing.T) {
	var m Map
	for i := uint64(0); i < 8; i++ {
		require.NoError(t, m.Add("r", i<<20, 1<<16, &recorder{}))
	}
	allocs := testing.AllocsPerRun(100, func() {
		m.Read(0, 5<<20+8, 4)
		m.Write(0, 7<<20, 4, 1)
	})
	assert.Zero(t, allocs)
}
