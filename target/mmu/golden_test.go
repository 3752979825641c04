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

func TestGolden(t *testing.T) {
	for _, bits := range []uint64{39, 48} {
		t.Run(fmt.Sprint(bits), func(t *testing.T) {
			s, probes := goldenLinux(t, bits, ramBase)
			var b strings.Builder
			fmt.Fprintf(&b, "# Linux-shaped %d-bit address space, SCTLR_EL1.WXN = 1, ASID 0x2a.\n", bits)
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
			path := filepath.Join("testdata", fmt.Sprintf("linux%d.golden", bits))
			if os.Getenv("GOLDEN_UPDATE") != "" {
				require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "GOLDEN_UPDATE=1 go test ./target/mmu -run TestGolden")
			assert.Equal(t, string(want), b.String())
		})
	}
}
