package bus

import (
	"fmt"
	"sort"
)

// Device is a memory-mapped device. Read and Write see offsets relative to the
// device's region; ok = false means the access is refused (bad size or
// alignment, or a bus error the device wants raised as an external abort).
type Device interface {
	Read(cpu int, offset uint64, size int) (value uint64, ok bool)
	Write(cpu int, offset uint64, size int, value uint64) (ok bool)
}

// ValidAccess reports whether an access of size bytes at offset is one the
// devices accept: size 1, 2, 4 or 8, naturally aligned.
func ValidAccess(offset uint64, size int) bool {
	switch size {
	case 1, 2, 4, 8:
		return offset&uint64(size-1) == 0
	}
	return false
}

// Region is one device's window [Base, Base+Size) in the physical address space.
type Region struct {
	Name   string
	Base   uint64
	Size   uint64
	Device Device
}

// End is the first address after the region.
func (r *Region) End() uint64 { return r.Base + r.Size }

// Map is the physical address space: non-overlapping regions kept sorted by
// base, found by binary search. Build it once at machine creation; lookups do
// not allocate.
type Map struct {
	regions []Region
}

// Add places dev at [base, base+size). It fails for an empty region, one that
// wraps around the address space, or one that overlaps a region already added.
func (m *Map) Add(name string, base, size uint64, dev Device) error {
	if size == 0 || base+size < base || dev == nil {
		return fmt.Errorf("bus: region %s at %#x size %#x: empty, wrapping or without a device", name, base, size)
	}
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].Base >= base })
	if i > 0 && m.regions[i-1].End() > base {
		return fmt.Errorf("bus: region %s at %#x overlaps %s", name, base, m.regions[i-1].Name)
	}
	if i < len(m.regions) && base+size > m.regions[i].Base {
		return fmt.Errorf("bus: region %s at %#x overlaps %s", name, base, m.regions[i].Name)
	}
	m.regions = append(m.regions, Region{})
	copy(m.regions[i+1:], m.regions[i:])
	m.regions[i] = Region{Name: name, Base: base, Size: size, Device: dev}
	return nil
}

// Regions lists the regions in address order (the map's own slice: do not modify).
func (m *Map) Regions() []Region { return m.regions }

// Lookup finds the region holding addr.
func (m *Map) Lookup(addr uint64) (*Region, bool) {
	lo, hi := 0, len(m.regions)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if m.regions[mid].Base <= addr {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == 0 {
		return nil, false
	}
	r := &m.regions[lo-1]
	if addr-r.Base >= r.Size {
		return nil, false
	}
	return r, true
}

// find returns the region that holds all size bytes at addr.
func (m *Map) find(addr uint64, size int) (*Region, bool) {
	r, ok := m.Lookup(addr)
	if !ok || size <= 0 || uint64(size) > r.End()-addr {
		return nil, false
	}
	return r, true
}

// Read reads size bytes at physical address addr; ok = false when no region
// holds the whole access or the device refuses it.
func (m *Map) Read(cpu int, addr uint64, size int) (uint64, bool) {
	r, ok := m.find(addr, size)
	if !ok {
		return 0, false
	}
	return r.Device.Read(cpu, addr-r.Base, size)
}

// Write writes the low size bytes of value at physical address addr; false
// when no region holds the whole access or the device refuses it.
func (m *Map) Write(cpu int, addr uint64, size int, value uint64) bool {
	r, ok := m.find(addr, size)
	if !ok {
		return false
	}
	return r.Device.Write(cpu, addr-r.Base, size, value)
}
