package mmu

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Stage-1 data access permissions by AP[2:1] (Arm ARM D8, "Data access
// permissions for stage 1 of the EL1&0 translation regime").
var dataAccess = [4]struct{ el1, el0 string }{
	0b00: {"rw", ""},
	0b01: {"rw", "rw"},
	0b10: {"r", ""},
	0b11: {"r", "r"},
}

// allowedRef is the permission rule written from the tables: data by
// dataAccess; EL0 executes when UXN = 0; EL1 executes when PXN = 0 and EL0
// cannot write; with WXN nothing writable at an EL executes at that EL.
func allowedRef(ap uint8, uxnBit, pxnBit, wxn, el0 bool, kind Access) bool {
	d := dataAccess[ap].el1
	if el0 {
		d = dataAccess[ap].el0
	}
	switch kind {
	case Read:
		return strings.Contains(d, "r")
	case Write:
		return strings.Contains(d, "w")
	}
	writable := strings.Contains(d, "w")
	if wxn && writable {
		return false
	}
	if el0 {
		return !uxnBit
	}
	return !pxnBit && !strings.Contains(dataAccess[ap].el0, "w")
}

// The whole matrix AP × UXN × PXN × WXN × EL × read/write/execute, through
// real walks (and again through TLB hits), against allowedRef.
func TestPermissionMatrix(t *testing.T) {
	for _, wxn := range []bool{false, true} {
		s := newSpace(t, 25, 25, 0)
		if wxn {
			s.set(func(r *Regs) { r.SCTLR |= sctlrWXN })
		}
		va := uint64(0x10000)
		for ap := uint8(0); ap < 4; ap++ {
			for _, u := range []bool{false, true} {
				for _, p := range []bool{false, true} {
					attrs := normal | uint64(ap)<<6
					if u {
						attrs |= uxn
					}
					if p {
						attrs |= pxn
					}
					s.page(va, 0x40500000, attrs)
					for _, el0 := range []bool{false, true} {
						for _, kind := range []Access{Read, Write, Fetch} {
							acc := kind
							if el0 {
								acc |= EL0
							}
							want := allowedRef(ap, u, p, wxn, el0, kind)
							name := fmt.Sprintf("WXN=%v AP=%02b UXN=%v PXN=%v EL0=%v %v", wxn, ap, u, p, el0, kind)
							for pass := 0; pass < 2; pass++ {
								_, f := s.m.Translate(va, acc)
								if want {
									assert.True(t, f.OK(), "%s: %v", name, f)
								} else {
									assert.Equal(t, Fault{Permission, 3}, f, name)
								}
							}
						}
					}
					va += 0x1000
				}
			}
		}
	}
}

// The rules in words, one row each.
func TestPermissionRules(t *testing.T) {
	cases := []struct {
		name          string
		ap            uint8
		uxn, pxn, wxn bool
		want          string
	}{
		{"kernel RW, not executable at EL0 only by UXN", 0b00, true, false, false, "EL1:rwx EL0:---"},
		{"kernel RW without UXN: EL0 may execute (no EL0 read needed)", 0b00, false, false, false, "EL1:rwx EL0:--x"},
		{"user RW implies PXN", 0b01, false, false, false, "EL1:rw- EL0:rwx"},
		{"kernel RO text", 0b10, true, false, false, "EL1:r-x EL0:---"},
		{"user RO text", 0b11, false, true, false, "EL1:r-- EL0:r-x"},
		{"WXN: kernel RW loses EL1 execute", 0b00, false, false, true, "EL1:rw- EL0:--x"},
		{"WXN: user RW loses EL0 execute", 0b01, false, false, true, "EL1:rw- EL0:rw-"},
		{"WXN leaves RO executable", 0b11, false, false, true, "EL1:r-x EL0:r-x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, permissions(tc.ap, tc.uxn, tc.pxn, tc.wxn).String())
		})
	}
}

func TestPermString(t *testing.T) {
	assert.Equal(t, "EL1:--- EL0:---", Perm(0).String())
	assert.Equal(t, "EL1:rwx EL0:rwx", PermAll.String())
	assert.Equal(t, "EL1:r-- EL0:-w-", (PermR | PermW0).String())
}

// LDTR/STTR at EL1 are checked as EL0 (Access EL0) but their aborts are taken
// from EL1.
func TestUnprivilegedAccess(t *testing.T) {
	s := newSpace(t, 25, 25, 0)
	s.page(0xffffffc008400000, 0x40600000, normal|uxn|pxn) // kernel data
	s.page(0x5555556000, 0x40800000, normal|nG|ap1|uxn|pxn)
	_, f := s.m.Translate(0xffffffc008400000, Read|EL0)
	require.Equal(t, Fault{Permission, 3}, f)
	assert.Equal(t, uint64(ECDataAbortSame<<26|1<<25|0x0f), f.ESR(Read|EL0, 1))
	_, f = s.m.Translate(0x5555556000, Write|EL0)
	assert.True(t, f.OK())
}
