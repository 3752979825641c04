package mmu

// Access describes one memory access for translation: its kind, ORed with
// the flags EL0 and CacheOp.
type Access uint8

const (
	Read  Access = 0 // data load
	Write Access = 1 // data store (also DC ZVA)
	Fetch Access = 2 // instruction fetch

	// EL0 checks the access against EL0 permissions: code running at EL0, or
	// an unprivileged load/store (LDTR/STTR) at EL1. Without it the access is
	// checked against EL1 permissions.
	EL0 Access = 4
	// CacheOp marks a data cache maintenance instruction by VA: its abort
	// syndrome has CM = 1 and WnR = 1. Combine it with Write for DC IVAC and
	// with Read for the others.
	CacheOp Access = 8
)

var accessNames = [...]string{"read", "write", "fetch", "kind3"}

func (a Access) String() string {
	s := accessNames[a&3]
	if a&EL0 != 0 {
		s += "|EL0"
	}
	if a&CacheOp != 0 {
		s += "|CacheOp"
	}
	return s
}

// Kind is Read, Write or Fetch.
func (a Access) Kind() Access { return a & 3 }

// need is the permission bit the access requires.
func (a Access) need() Perm {
	p := Perm(1) << (a & 3)
	if a&EL0 != 0 {
		p <<= 3
	}
	return p
}

// Perm is a set of access permissions, computed once per translation (AP,
// APTable, UXN/PXN and their table forms, WXN, the implicit PXN of EL0-writable
// memory) for both exception levels.
type Perm uint8

const (
	PermR  Perm = 1 << iota // EL1 read
	PermW                   // EL1 write
	PermX                   // EL1 execute
	PermR0                  // EL0 read
	PermW0                  // EL0 write
	PermX0                  // EL0 execute

	PermAll = PermR | PermW | PermX | PermR0 | PermW0 | PermX0
)

// Allows reports whether p permits the access acc.
func (p Perm) Allows(acc Access) bool { n := acc.need(); return p&n == n }

func (p Perm) String() string {
	const letters = "rwxrwx"
	b := []byte("EL1:--- EL0:---")
	for i := 0; i < 6; i++ {
		if p&(1<<i) != 0 {
			b[4+i%3+(i/3)*8] = letters[i]
		}
	}
	return string(b)
}

// permissions computes the permission set of a leaf with effective AP[2:1]
// ap (after APTable), and effective UXN and PXN (after the table bits).
//
// AP[2:1]: 00 EL1 RW; 01 EL1 RW, EL0 RW; 10 EL1 RO; 11 EL1 RO, EL0 RO.
// EL0 execute needs UXN = 0; EL1 execute needs PXN = 0 and the region not
// writable at EL0. With SCTLR_EL1.WXN, memory writable at an EL is not
// executable at that EL. PAN is not implemented.
func permissions(ap uint8, uxn, pxn, wxn bool) Perm {
	el1w := ap&2 == 0
	el0r := ap&1 != 0
	el0w := ap == 1
	p := PermR
	if el1w {
		p |= PermW
	}
	if el0r {
		p |= PermR0
	}
	if el0w {
		p |= PermW0
	}
	if !pxn && !el0w && !(wxn && el1w) {
		p |= PermX
	}
	if !uxn && !(wxn && el0w) {
		p |= PermX0
	}
	return p
}
