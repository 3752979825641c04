package debugregs

// bitField names a contiguous run of bits in a 64-bit register, like QEMU's FIELD() and the Arm ARM's
// "bits [msb:lsb]". Every register accessor goes through one of these so no accessor spells a bare shift.
type bitField struct {
	lsb, width uint8
}

// field makes a bitField from the Arm ARM's [msb:lsb] notation.
func field(msb, lsb uint8) bitField { return bitField{lsb: lsb, width: msb - lsb + 1} }

// bit makes a one-bit bitField.
func bit(n uint8) bitField { return bitField{lsb: n, width: 1} }

func (f bitField) mask() uint64 { return (^uint64(0) >> (64 - f.width)) << f.lsb }

// get extracts the field from v.
func (f bitField) get(v uint64) uint64 { return (v & f.mask()) >> f.lsb }

// set returns v with the field replaced by x (x is truncated to the field's width).
func (f bitField) set(v, x uint64) uint64 { return v&^f.mask() | (x<<f.lsb)&f.mask() }

// flag reads a one-bit field as a bool.
func (f bitField) flag(v uint64) bool { return v&f.mask() != 0 }

// setFlag writes a one-bit field from a bool.
func (f bitField) setFlag(v uint64, on bool) uint64 {
	if on {
		return v | f.mask()
	}
	return v &^ f.mask()
}
