package mmu

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFSC(t *testing.T) {
	cases := []struct {
		f    Fault
		want uint32
	}{
		{Fault{AddressSize, 0}, 0x00}, {Fault{AddressSize, 3}, 0x03},
		{Fault{Translation, 0}, 0x04}, {Fault{Translation, 1}, 0x05},
		{Fault{Translation, 2}, 0x06}, {Fault{Translation, 3}, 0x07},
		{Fault{AccessFlag, 1}, 0x09}, {Fault{AccessFlag, 2}, 0x0a}, {Fault{AccessFlag, 3}, 0x0b},
		{Fault{Permission, 1}, 0x0d}, {Fault{Permission, 2}, 0x0e}, {Fault{Permission, 3}, 0x0f},
		{Fault{ExternalAbortWalk, 0}, 0x14}, {Fault{ExternalAbortWalk, 3}, 0x17},
		{Fault{}, 0},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.f.FSC(), "%v", tc.f)
	}
}

// ESR_EL1 values as Linux prints them in an oops ("ESR = 0x96000045").
func TestESR(t *testing.T) {
	cases := []struct {
		name string
		fsc  uint32
		acc  Access
		from uint8
		want uint64
	}{
		{"read, translation L3, from EL0", Fault{Translation, 3}.FSC(), Read | EL0, 0, 0x92000007},
		{"write, translation L1, from EL1", Fault{Translation, 1}.FSC(), Write, 1, 0x96000045},
		{"STTR, permission L3, from EL1", Fault{Permission, 3}.FSC(), Write | EL0, 1, 0x9600004f},
		{"fetch, permission L2, from EL1", Fault{Permission, 2}.FSC(), Fetch, 1, 0x8600000e},
		{"fetch, access flag L3, from EL0", Fault{AccessFlag, 3}.FSC(), Fetch | EL0, 0, 0x8200000b},
		{"read, external abort on walk L0", Fault{ExternalAbortWalk, 0}.FSC(), Read, 1, 0x96000014},
		{"read, address size L0", Fault{AddressSize, 0}.FSC(), Read, 1, 0x96000000},
		{"write, alignment, from EL1", FSCAlignment, Write, 1, 0x96000061},
		{"read, alignment, from EL0", FSCAlignment, Read | EL0, 0, 0x92000021},
		{"DC CIVAC at EL0, translation L3: CM and WnR", Fault{Translation, 3}.FSC(), Read | EL0 | CacheOp, 0, 0x92000147},
		{"DC IVAC at EL1, permission L3", Fault{Permission, 3}.FSC(), Write | CacheOp, 1, 0x9600014f},
		{"DC ZVA is a write, not CM", Fault{Translation, 2}.FSC(), Write, 1, 0x96000046},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, fmt.Sprintf("%#x", tc.want), fmt.Sprintf("%#x", AbortESR(tc.fsc, tc.acc, tc.from)))
		})
	}
	assert.Equal(t, uint64(0x96000045), Fault{Translation, 1}.ESR(Write, 1))
}

func TestFaultString(t *testing.T) {
	assert.Equal(t, "ok", Fault{}.String())
	assert.Equal(t, "translation fault, level 3", Fault{Translation, 3}.String())
	assert.Equal(t, "external abort on walk fault, level 0", Fault{ExternalAbortWalk, 0}.String())
	assert.Equal(t, "FaultKind(9)", FaultKind(9).String())
}

// AT S1E1R/W, S1E0R/W and the PAR_EL1 encodings.
func TestPAR(t *testing.T) {
	s := newSpace(t, 25, 25, tcrA1)
	s.block(0xffffffc008000000, 0x40200000, 2, normal|ap2|uxn)
	s.page(0xffffffc008400000, 0x40600000, normal|pxn|uxn)
	s.page(0xffffffc010000000, 0x09000000, device|pxn|uxn)
	s.page(0x5555556000, 0x40800000, af|idxNC|nG|ap1|shInner)
	s.page(0x5555557000, 0x40801000, shOuter|nG|ap1) // AF = 0
	cases := []struct {
		name string
		op   ATOp
		va   uint64
		want uint64
	}{
		{"S1E1R text: Normal WB, Inner Shareable", S1E1R, 0xffffffc008012345, 0xff00000040212b80},
		{"S1E1W text: permission L2", S1E1W, 0xffffffc008012345, 0x81d},
		{"S1E0R text: permission L2", S1E0R, 0xffffffc008012345, 0x81d},
		{"S1E1W data", S1E1W, 0xffffffc008400abc, 0xff00000040600b80},
		{"S1E0W data: permission L3", S1E0W, 0xffffffc008400abc, 0x81f},
		{"S1E1R device: Outer Shareable", S1E1R, 0xffffffc010000000, 0x0000000009000b00},
		{"S1E0W user NC: Outer Shareable", S1E0W, 0x5555556000, 0x4400000040800b00},
		{"S1E1R access flag L3", S1E1R, 0x5555557000, 0x817},
		{"S1E1R translation L3", S1E1R, 0x5555558000, 0x80f},
		{"S1E1R translation L0 (out of range)", S1E1R, 0x0000800000000000, 0x809},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := s.m.TLB().Len()
			assert.Equal(t, fmt.Sprintf("%#x", tc.want), fmt.Sprintf("%#x", par(t, s.m, tc.op, tc.va)))
			assert.Equal(t, before, s.m.TLB().Len(), "AT does not fill the TLB")
		})
	}
	t.Run("external abort on walk is a Data Abort, not PAR", func(t *testing.T) {
		s.set(func(r *Regs) { r.TTBR0 = 0x0800_0000 })
		p, abort := s.m.AT(S1E1R, 0x1000)
		// 39-bit VAs start at level 1: DFSC 0x15, with CM and WnR.
		assert.Equal(t, Fault{ExternalAbortWalk, 1}, abort)
		assert.Zero(t, p)
		assert.Equal(t, uint64(0x96000155), abort.ESR(Read|CacheOp, 1))
	})
	t.Run("MMU off: PA = VA, Device-nGnRnE", func(t *testing.T) {
		s.set(func(r *Regs) { r.SCTLR = 0 })
		assert.Equal(t, uint64(0x40001b00), par(t, s.m, S1E0W, 0x40001234))
		assert.Equal(t, uint64(0x801), par(t, s.m, S1E1R, 1<<50), "address size L0")
	})
}

func TestDecodeAT(t *testing.T) {
	// SYS #0, C7, C8, #op2 (checked against GNU as: at s1e1r … s1e0w).
	for op2, want := range []ATOp{S1E1R, S1E1W, S1E0R, S1E0W} {
		got, ok := DecodeAT(0, 7, 8, uint8(op2))
		require.True(t, ok)
		assert.Equal(t, want, got)
	}
	for _, bad := range [][4]uint8{{0, 7, 8, 4}, {0, 7, 9, 0}, {4, 7, 8, 0}, {0, 8, 8, 0}} {
		_, ok := DecodeAT(bad[0], bad[1], bad[2], bad[3])
		assert.False(t, ok, "%v", bad)
	}
}

func TestConfigFromMMFR0(t *testing.T) {
	assert.Equal(t, Config{PARange: 4, ASID16: true, Gran64: true}, ConfigFromMMFR0(0x1124))
	assert.Equal(t, Config{PARange: 4}, ConfigFromMMFR0(0x0f001104))
}
