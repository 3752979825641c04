package gdbtarget

import (
	"encoding/binary"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/arch/aarch64"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp/rsptest"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/boot"
)

// A small stage-1 layout for CPU 0, written by gdb itself while the MMU is off: a 39-bit TTBR1 space whose
// first page (kernelVA) maps dataPA and whose second page is unmapped, and an empty TTBR0 table.
const (
	tablesPA        = target.RAMBase + 0x200_0000
	ttbr0PA         = tablesPA          // empty: every low VA is unmapped
	ttbr1L1         = tablesPA + 0x1000 // level 1 for the TTBR1 space
	ttbr1L2         = tablesPA + 0x2000
	ttbr1L3         = tablesPA + 0x3000
	dataPA          = tablesPA + 0x4000
	kernelVA uint64 = 0xffff_ff80_0000_0000 // the lowest TTBR1 VA with T1SZ = 25

	tcr39K  = 25 | 25<<16 | 1<<8 | 1<<10 | 3<<12 | 2<<30 | 2<<32 // T0SZ = T1SZ = 25, 4 KiB granules
	tableD  = 3
	pageD   = 3 | 1<<10 | 3<<8 // page, AF, inner shareable, AttrIndx 0
	mairWB  = 0xff             // Attr0 Normal write-back
	wordNop = 0xd503201f
	wordB   = 0x14000000 // b .
)

// movzX0 is `movz x0, #imm`.
func movzX0(imm uint16) uint32 { return 0xd2800000 | uint32(imm)<<5 }

func words(ws ...uint32) []byte {
	var b []byte
	for _, w := range ws {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	return b
}

func hexBytes(b []byte) string { return fmt.Sprintf("%x", b) }

func le64(v uint64) string { return hexBytes(binary.LittleEndian.AppendUint64(nil, v)) }

// mmuOnAdapter starts a Linux-style guest (CPU 1 powered off, MMU off) and turns CPU 0's MMU on over the layout
// above, every step through gdb's packets: M to physical memory, P to the translation registers.
func mmuOnAdapter(t *testing.T) (*Adapter, *rsptest.Client) {
	t.Helper()
	a, err := Start(Config{Linux: testPlan(t, boot.Config{}), Machine: target.Config{CPUs: 2}})
	require.NoError(t, err)
	t.Cleanup(a.haltFree)
	cl := session(t, a)
	require.Equal(t, "OK", cl.Exchange("Hg1"))
	for _, pte := range []struct{ at, v uint64 }{
		{ttbr1L1, ttbr1L2 | tableD}, {ttbr1L2, ttbr1L3 | tableD}, {ttbr1L3, dataPA | pageD},
	} {
		require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("M%x,8:%s", pte.at, le64(pte.v))))
	}
	sctlr, ok := a.m.CPU(0).SysReg(3, 0, 1, 0, 0)
	require.True(t, ok)
	for _, r := range []struct {
		name string
		v    uint64
	}{{"MAIR_EL1", mairWB}, {"TCR_EL1", tcr39K}, {"TTBR0_EL1", ttbr0PA}, {"TTBR1_EL1", ttbr1L1}, {"SCTLR_EL1", sctlr | 1}} {
		n, ok := a.desc.Lookup(r.name)
		require.True(t, ok, r.name)
		require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("P%x=%s", n, le64(r.v))), r.name)
	}
	return a, cl
}

// m, M and X take virtual addresses through the Hg thread's current stage-1 tables (physical while its MMU is
// off); an address that does not translate is an E reply and writes nothing; a read that runs into an unmapped
// page is short.
func TestThreadMemoryTranslates(t *testing.T) {
	a, cl := mmuOnAdapter(t)
	data := []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("M%x,8:%s", kernelVA, hexBytes(data))))
	tail := make([]byte, 4)
	require.NoError(t, a.m.ReadMemory(dataPA+0xffc, tail))
	require.NoError(t, a.m.WriteMemory(dataPA+0xffc, []byte{0xa1, 0xa2, 0xa3, 0xa4}))

	isE := regexp.MustCompile(`^E[0-9a-f]{2}$`)
	for _, c := range []struct {
		name, hg, packet string
		want             string // "" = an E reply
	}{
		{"CPU 0 reads the VA", "Hg1", fmt.Sprintf("m%x,8", kernelVA), hexBytes(data)},
		{"CPU 0 cannot read the PA (TTBR0 maps nothing)", "Hg1", fmt.Sprintf("m%x,8", dataPA), ""},
		{"CPU 0 reads up to the unmapped page", "Hg1", fmt.Sprintf("m%x,8", kernelVA+0xffc), "a1a2a3a4"},
		{"CPU 0 cannot read the unmapped page", "Hg1", fmt.Sprintf("m%x,4", kernelVA+0x1000), ""},
		{"CPU 0 writes nothing across the unmapped page", "Hg1", fmt.Sprintf("M%x,8:%s", kernelVA+0xffc, hexBytes(data)), ""},
		{"nor with X", "Hg1", fmt.Sprintf("X%x,8:%s", kernelVA+0xffc, data), ""},
		{"CPU 1 (MMU off) reads the PA", "Hg2", fmt.Sprintf("m%x,8", dataPA), hexBytes(data)},
		{"CPU 1 (MMU off) cannot read the VA", "Hg2", fmt.Sprintf("m%x,8", kernelVA), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, "OK", cl.Exchange(c.hg))
			got := cl.Exchange(c.packet)
			if c.want == "" {
				require.Regexp(t, isE, got)
				return
			}
			require.Equal(t, c.want, got)
		})
	}
	got := make([]byte, 4)
	require.NoError(t, a.m.ReadMemory(dataPA+0xffc, got))
	require.Equal(t, []byte{0xa1, 0xa2, 0xa3, 0xa4}, got, "the refused writes changed nothing")
}

// Code written through a virtual address runs as written (the decoded copy is dropped), and a software
// breakpoint at a virtual address stops there.
func TestThreadMemoryCode(t *testing.T) {
	a, cl := mmuOnAdapter(t)
	require.Equal(t, "OK", cl.Exchange("Hg1"))
	setPC := func(v uint64) {
		require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("P%x=%s", aarch64.RegPC, le64(v))))
	}
	for _, imm := range []uint16{1, 2} {
		require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("X%x,c:%s", kernelVA, words(movzX0(imm), wordNop, wordB))))
		setPC(kernelVA)
		require.Contains(t, resume(cl, "vCont;s:1"), "T05")
		require.Equal(t, uint64(imm), a.m.CPU(0).Reg(0), "x0 after the step")
		require.Equal(t, uint64(kernelVA+4), a.m.CPU(0).Reg(target.RegPC))
	}
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("Z0,%x,4", kernelVA+8)))
	for _, imm := range []uint16{3, 4} { // the page now runs as a trapped copy: a write must reach it too
		require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("X%x,4:%s", kernelVA, words(movzX0(imm)))))
		setPC(kernelVA)
		stop := resume(cl, "vCont;c")
		require.Contains(t, stop, "swbreak:", stop)
		require.Equal(t, uint64(kernelVA+8), a.m.CPU(0).Reg(target.RegPC))
		require.Equal(t, uint64(imm), a.m.CPU(0).Reg(0), "x0 at the breakpoint")
	}
	require.Equal(t, "OK", cl.Exchange(fmt.Sprintf("z0,%x,4", kernelVA+8)))
}
