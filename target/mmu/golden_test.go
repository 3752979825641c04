package mmu

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Address spaces shaped like Linux's (6.1, VA_BITS 39 and 48), a list of
// accesses, and what each gives: testdata/*.golden. A change of outcome shows
// up as a diff; regenerate with GOLDEN_UPDATE=1 after checking it is right.

type goldenProbe struct {
	what string
	va   uint64
}

var goldenAccesses = []struct {
	name string
	acc  Access
}{
	{"r1", Read}, {"w1", Write}, {"x1", Fetch}, {"r0", Read | EL0}, {"w0", Write | EL0}, {"x0", Fetch | EL0},
}

// goldenLinux builds the space with its tables at base.
func goldenLinux(t *testing.T, vaBits, base uint64) (*space, []goldenProbe) {
	s := newSpaceAt(t, base, 64-vaBits, 64-vaBits, tcrA1|tcrAS|tcrTBI0)
	s.set(func(r *Regs) {
		r.TTBR1 |= 0x2a << 48 // the current ASID
		r.SCTLR |= sctlrWXN
	})
	k := ^uint64(0) << vaBits                                     // PAGE_OFFSET: the linear map
	img := ^uint64(0)<<(vaBits-1) | 0x08000000                    // KIMAGE_VADDR
	s.block(img, 0x40200000, 2, normal|ap2|uxn)                   // _text: RO, executable at EL1 only
	s.block(img+0x200000, 0x40400000, 2, normal|ap2|pxn|uxn)      // rodata
	s.page(img+0x400000, 0x40600000, normal|pxn|uxn)              // data
	s.page(img+0x401000, 0x40601000, shInner|pxn|uxn)             // AF = 0
	s.block(k, 0x40000000, 1, normal|pxn|uxn)                     // linear map, 1 GiB
	s.page(img|0x30000000, 0x09000000, device|pxn|uxn)            // fixmap UART
	s.page(0x400000, 0x40800000, normal|nG|ap1|ap2|pxn)           // user text
	s.page(0x401000, 0x40801000, normal|nG|ap1|pxn|uxn)           // user data
	s.page(0x402000, 0x40802000, normal|nG|ap1|ap2|pxn|uxn)       // user RO data
	s.page(0x403000, 0x40803000, (normal|nG|ap1|pxn|uxn)&^af)     // user, AF = 0 (aged)
	s.desc(0x404000, 3, 0x40804000|normal|nG|ap1|pxn|uxn|1<<58)   // PROT_NONE: invalid
	s.page(1<<vaBits-0x1000, 0x40805000, normal|nG|ap1|pxn|uxn)   // stack top
	s.page(0x405000, 0x40806000, normal|nG|ap1)                   // rwx user page
	s.desc(img+0x600000, 2, 0xc0000000|3)                         // next table where no RAM is
	s.block(img+0x800000, 1<<44, 2, normal)                       // output beyond 44 bits
	s.desc(img+0xa00000, 2, 1<<44|3)                              // table beyond 44 bits
	s.block(img+0xc00000, 0x40c00000, 2, shInner|pxn|uxn)         // block, AF = 0
	s.page(0x407000, 0x40807000, af|idxNC|shInner|nG|ap1|pxn|uxn) // user Normal NC
	return s, []goldenProbe{
		{"kernel text", img + 0x1234},
		{"kernel rodata", img + 0x200040},
		{"kernel data", img + 0x400ff8},
		{"kernel data, AF = 0", img + 0x401000},
		{"kernel data, next page unmapped", img + 0x402000},
		{"linear map", k + 0x3fff_f000},
		{"linear map, beyond 1 GiB", k + 0x4000_0000},
		{"fixmap UART", img | 0x30000018},
		{"user text", 0x400100},
		{"user data", 0x401008},
		{"user data, tagged", 0x2a00_0000_0040_1008},
		{"user RO data", 0x402000},
		{"user RO data, tagged", 0x5500_0000_0040_2000},
		{"user data, AF = 0", 0x403000},
		{"user PROT_NONE", 0x404000},
		{"user stack top", 1<<vaBits - 8},
		{"user rwx page (WXN)", 0x405000},
		{"user, unmapped", 0x406000},
		{"user Normal NC", 0x407000},
		{"kernel, level 3 table not in RAM", img + 0x600000},
		{"kernel, block beyond PA size", img + 0x800000},
		{"kernel, table beyond PA size", img + 0xa00000},
		{"kernel, block AF = 0", img + 0xc01000},
		{"above TTBR0", 1 << vaBits},
		{"below TTBR1", k - 0x1000},
		{"kernel, tagged (no TBI1)", img&^(0xff<<56) | 0x2a<<56},
	}
}

// golden64K is a Linux-shaped 48-bit space with 64 KiB pages (3 levels from
// level 1; level-2 blocks of 512 MiB), on a CPU that advertises 64 KiB.
func golden64K(t *testing.T, base uint64) (*space, []goldenProbe) {
	s := newSpaceAt(t, base, 16, 16, tcrA1|tcrAS|tcrTBI0)
	s.m = New(ConfigFromMMFR0(0x1124), s.mem, 0) // QEMU's cortex-a57
	s.root0, s.root1 = s.alloc(16), s.alloc(16)
	s.set(func(r *Regs) {
		r.TCR |= 1<<14 | 3<<30 // TG0 = TG1 = 64 KiB
		r.TTBR0, r.TTBR1 = s.root0, s.root1|0x2a<<48
		r.SCTLR |= sctlrWXN
	})
	const k = 0xffff000000000000   // PAGE_OFFSET
	const img = 0xffff800008000000 // KIMAGE_VADDR
	s.page(img, 0x40200000, normal|ap2|uxn)
	s.page(img+0x10000, 0x40210000, normal|pxn|uxn)
	s.page(img+0x20000, 0x40220000, shInner|pxn|uxn)   // AF = 0
	s.block(k, 0x40000000, 2, normal|pxn|uxn)          // linear map, 512 MiB
	s.block(k+0x20000000, 1<<44, 2, normal|pxn|uxn)    // beyond 44 bits
	s.page(img|0x30000000, 0x09000000, device|pxn|uxn) // fixmap UART
	s.desc(img+0x40000000, 2, 0xc0000000|3)            // next table where no RAM is
	s.page(0x400000, 0x40800000, normal|nG|ap1|ap2|pxn)
	s.page(0x410000, 0x40810000, normal|nG|ap1|pxn|uxn)
	s.page(0x420000, 0x40820000, (normal|nG|ap1|pxn|uxn)&^af)
	s.desc(0x400_0000_0000, 1, 0x40000000|normal|1) // a level-1 block: reserved with 64 KiB
	return s, []goldenProbe{
		{"kernel text", img + 0x1234},
		{"kernel data", img + 0x1fff8},
		{"kernel data, AF = 0", img + 0x20000},
		{"kernel, unmapped page", img + 0x30000},
		{"linear map", k + 0x1fff_0000},
		{"linear map, beyond PA size", k + 0x2000_0000},
		{"fixmap UART", img | 0x30000018},
		{"kernel, level 3 table not in RAM", img + 0x40000000},
		{"user text", 0x400100},
		{"user data", 0x41fff8},
		{"user data, tagged", 0x2a00_0000_0041_0008},
		{"user data, AF = 0", 0x420000},
		{"user, level-1 block", 0x400_0000_0000},
		{"user, unmapped", 0x430000},
		{"above TTBR0", 1 << 48},
		{"below TTBR1", k - 0x10000},
	}
}

// goldenSpaces are the address spaces of TestGolden and TestMatchesQEMU.
var goldenSpaces = []struct {
	name  string
	build func(t *testing.T, base uint64) (*space, []goldenProbe)
}{
	{"linux39", func(t *testing.T, base uint64) (*space, []goldenProbe) { return goldenLinux(t, 39, base) }},
	{"linux48", func(t *testing.T, base uint64) (*space, []goldenProbe) { return goldenLinux(t, 48, base) }},
	{"linux48-64k", golden64K},
}

func TestGolden(t *testing.T) {
	for _, gs := range goldenSpaces {
		t.Run(gs.name, func(t *testing.T) {
			s, probes := gs.build(t, ramBase)
			var b strings.Builder
			fmt.Fprintf(&b, "# %s: Linux-shaped address space, SCTLR_EL1.WXN = 1, ASID 0x2a.\n", gs.name)
			fmt.Fprintf(&b, "# Per access: r/w/x at EL1 (1) and EL0 (0): PA, or the fault code (F…); then PAR_EL1 of AT S1E1R.\n")
			for _, p := range probes {
				fmt.Fprintf(&b, "%-32s 0x%016x", p.what, p.va)
				for _, a := range goldenAccesses {
					r, f := s.m.Translate(p.va, a.acc)
					if f.OK() {
						fmt.Fprintf(&b, " %s=%#x", a.name, r.PA)
					} else {
						fmt.Fprintf(&b, " %s=F%02x", a.name, f.FSC())
					}
				}
				if w, f := s.m.Walk(p.va); f.OK() {
					fmt.Fprintf(&b, " | L%d attr=%#02x sh=%d %s", w.Level, w.Attr, w.SH, w.Perm)
				} else {
					fmt.Fprintf(&b, " | %v", f)
				}
				if par, abort := s.m.AT(S1E1R, p.va); abort.OK() {
					fmt.Fprintf(&b, " | PAR=%#x\n", par)
				} else {
					fmt.Fprintf(&b, " | AT: Data Abort, %v\n", abort)
				}
			}
			path := filepath.Join("testdata", gs.name+".golden")
			if os.Getenv("GOLDEN_UPDATE") != "" {
				require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "GOLDEN_UPDATE=1 go test ./target/mmu -run TestGolden")
			assert.Equal(t, string(want), b.String())
		})
	}
}
