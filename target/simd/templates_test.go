package simd

import (
	"fmt"
	"strings"
)

// A template is one instruction of the differential test, in GNU syntax.
// Convention: v2 is the destination (and the accumulator), v0 and v1 the
// sources, v3 the FMADD addend, v4–v7 a TBL table; x1 is the general
// register read or written.
type template struct {
	asm string
	fp  bool // operands are FP lanes of the template's element size
	esz int  // element size of the sources, for the operand generator
}

var (
	arrAll  = []string{"8b", "16b", "4h", "8h", "2s", "4s", "2d"}
	arrNo2D = []string{"8b", "16b", "4h", "8h", "2s", "4s"}
	arrFP   = []string{"2s", "4s", "2d"}
	// narrow arrangement -> wide arrangement of the same half
	wideOf = map[string]string{"8b": "8h", "16b": "8h", "4h": "4s", "8h": "4s", "2s": "2d", "4s": "2d"}
	pairOf = map[string]string{"8b": "4h", "16b": "8h", "4h": "2s", "8h": "4s", "2s": "1d", "4s": "2d"}
)

func esizeOf(arr string) int {
	switch arr[len(arr)-1] {
	case 'b':
		return 8
	case 'h':
		return 16
	case 's':
		return 32
	}
	return 64
}

func lanesOf(arr string) int {
	var n int
	fmt.Sscanf(arr, "%d", &n)
	return n
}

func elemLetter(arr string) string { return arr[len(arr)-1:] }

func upper2(op, arr string) string {
	if esizeOf(arr)*lanesOf(arr) == 128 {
		return op + "2"
	}
	return op
}

// templates lists the instructions the differential test runs, as many
// forms of each decoded class as the assembler takes.
func templates() []template {
	var ts []template
	add := func(fpOps bool, esz int, format string, a ...any) {
		ts = append(ts, template{asm: fmt.Sprintf(format, a...), fp: fpOps, esz: esz})
	}
	for _, op := range strings.Fields("add sub cmeq cmge cmgt cmhi cmhs cmtst sshl ushl srshl urshl sqadd uqadd sqsub uqsub sqshl uqshl sqrshl uqrshl addp") {
		for _, t := range arrAll {
			add(false, esizeOf(t), "%s v2.%s, v0.%s, v1.%s", op, t, t, t)
		}
	}
	for _, op := range strings.Fields("mul mla mls shadd uhadd srhadd urhadd shsub uhsub sabd uabd saba uaba smax umax smin umin smaxp umaxp sminp uminp") {
		for _, t := range arrNo2D {
			add(false, esizeOf(t), "%s v2.%s, v0.%s, v1.%s", op, t, t, t)
		}
	}
	for _, op := range strings.Fields("add sub cmeq cmge cmgt cmhi cmhs cmtst sshl ushl srshl urshl") {
		add(false, 64, "%s d2, d0, d1", op)
	}
	for _, op := range strings.Fields("sqadd uqadd sqsub uqsub sqshl uqshl sqrshl uqrshl") {
		for i, r := range []string{"b", "h", "s", "d"} {
			add(false, 8<<i, "%s %s2, %s0, %s1", op, r, r, r)
		}
	}
	for _, op := range strings.Fields("and orr orn eor bic bsl bit bif") {
		for _, t := range []string{"8b", "16b"} {
			add(false, 8, "%s v2.%s, v0.%s, v1.%s", op, t, t, t)
		}
	}
	for _, t := range arrAll {
		for _, op := range strings.Fields("abs neg") {
			add(false, esizeOf(t), "%s v2.%s, v0.%s", op, t, t)
		}
		for _, op := range strings.Fields("cmeq cmge cmgt cmle cmlt") {
			add(false, esizeOf(t), "%s v2.%s, v0.%s, #0", op, t, t)
		}
		for _, op := range strings.Fields("zip1 zip2 uzp1 uzp2 trn1 trn2") {
			add(false, esizeOf(t), "%s v2.%s, v0.%s, v1.%s", op, t, t, t)
		}
	}
	for _, t := range []string{"4h", "8h", "2s", "4s"} {
		e, w, l := esizeOf(t), wideOf[t], elemLetter(t)
		for _, op := range strings.Fields("sqdmulh sqrdmulh") {
			add(false, e, "%s v2.%s, v0.%s, v1.%s", op, t, t, t)
			add(false, e, "%s v2.%s, v0.%s, v1.%s[1]", op, t, t, l)
		}
		for _, op := range strings.Fields("sqdmull sqdmlal sqdmlsl") {
			add(false, e, "%s v2.%s, v0.%s, v1.%s", upper2(op, t), w, t, t)
			add(false, e, "%s v2.%s, v0.%s, v1.%s[1]", upper2(op, t), w, t, l)
		}
	}
	for i, r := range []string{"h", "s"} {
		e, w := 16<<i, []string{"s", "d"}[i]
		for _, op := range strings.Fields("sqdmulh sqrdmulh") {
			add(false, e, "%s %s2, %s0, %s1", op, r, r, r)
			add(false, e, "%s %s2, %s0, v1.%s[1]", op, r, r, r)
		}
		for _, op := range strings.Fields("sqdmull sqdmlal sqdmlsl") {
			add(false, e, "%s %s2, %s0, %s1", op, w, r, r)
			add(false, e, "%s %s2, %s0, v1.%s[1]", op, w, r, r)
		}
	}
	for _, t := range []string{"8b", "16b"} {
		add(false, 8, "pmul v2.%s, v0.%s, v1.%s", t, t, t)
		add(false, 8, "%s v2.8h, v0.%s, v1.%s", upper2("pmull", t), t, t)
	}
	for _, t := range []string{"2s", "4s"} {
		add(false, 32, "urecpe v2.%s, v0.%s", t, t)
		add(false, 32, "ursqrte v2.%s, v0.%s", t, t)
	}
	for _, op := range strings.Fields("sqabs sqneg suqadd usqadd") {
		for _, t := range arrAll {
			add(false, esizeOf(t), "%s v2.%s, v0.%s", op, t, t)
		}
		for i, r := range []string{"b", "h", "s", "d"} {
			add(false, 8<<i, "%s %s2, %s0", op, r, r)
		}
	}
	for i, r := range []string{"b", "h", "s"} {
		e, w := 8<<i, []string{"h", "s", "d"}[i]
		for _, op := range strings.Fields("sqxtn uqxtn sqxtun") {
			add(false, 2*e, "%s %s2, %s0", op, r, w)
		}
		for _, sh := range []int{1, e/2 + 1, e} {
			for _, op := range strings.Fields("sqshrn uqshrn sqrshrn uqrshrn sqshrun sqrshrun") {
				add(false, 2*e, "%s %s2, %s0, #%d", op, r, w, sh)
			}
		}
	}
	for i, r := range []string{"b", "h", "s", "d"} {
		e := 8 << i
		for _, sh := range []int{0, 1, e - 1} {
			for _, op := range strings.Fields("sqshl uqshl sqshlu") {
				add(false, e, "%s %s2, %s0, #%d", op, r, r, sh)
			}
		}
	}
	for _, op := range strings.Fields("abs neg cmeq cmge cmgt cmle cmlt") {
		if strings.HasPrefix(op, "cm") {
			add(false, 64, "%s d2, d0, #0", op)
		} else {
			add(false, 64, "%s d2, d0", op)
		}
	}
	for _, t := range arrNo2D {
		for _, op := range strings.Fields("cls clz rev64") {
			add(false, esizeOf(t), "%s v2.%s, v0.%s", op, t, t)
		}
		for _, op := range strings.Fields("saddlp uaddlp sadalp uadalp") {
			add(false, esizeOf(t), "%s v2.%s, v0.%s", op, pairOf[t], t)
		}
	}
	for _, t := range []string{"8b", "16b"} {
		for _, op := range strings.Fields("cnt rbit not rev16 rev32") {
			add(false, 8, "%s v2.%s, v0.%s", op, t, t)
		}
	}
	add(false, 16, "rev32 v2.4h, v0.4h")
	add(false, 16, "rev32 v2.8h, v0.8h")
	for _, t := range arrAll {
		e := esizeOf(t)
		for _, sh := range []int{1, e / 2, e} {
			for _, op := range strings.Fields("sshr ushr ssra usra srshr urshr srsra ursra sri") {
				add(false, e, "%s v2.%s, v0.%s, #%d", op, t, t, sh)
			}
		}
		for _, sh := range []int{0, 1, e - 1} {
			for _, op := range strings.Fields("shl sli sqshl uqshl sqshlu") {
				add(false, e, "%s v2.%s, v0.%s, #%d", op, t, t, sh)
			}
		}
	}
	for _, sh := range []int{1, 33, 64} {
		for _, op := range strings.Fields("sshr ushr ssra usra srshr urshr srsra ursra sri") {
			add(false, 64, "%s d2, d0, #%d", op, sh)
		}
	}
	for _, sh := range []int{0, 17, 63} {
		for _, op := range strings.Fields("shl sli") {
			add(false, 64, "%s d2, d0, #%d", op, sh)
		}
	}
	for _, t := range arrNo2D {
		e, w := esizeOf(t), wideOf[t]
		for _, op := range strings.Fields("xtn sqxtn uqxtn sqxtun") {
			add(false, 2*e, "%s v2.%s, v0.%s", upper2(op, t), t, w)
		}
		for _, sh := range []int{1, e/2 + 1, e} {
			for _, op := range strings.Fields("shrn rshrn sqshrn uqshrn sqrshrn uqrshrn sqshrun sqrshrun") {
				add(false, 2*e, "%s v2.%s, v0.%s, #%d", upper2(op, t), t, w, sh)
			}
		}
		for _, sh := range []int{0, 1, e - 1} {
			for _, op := range strings.Fields("sshll ushll") {
				add(false, e, "%s v2.%s, v0.%s, #%d", upper2(op, t), w, t, sh)
			}
		}
		add(false, e, "%s v2.%s, v0.%s, #%d", upper2("shll", t), w, t, e)
		for _, op := range strings.Fields("saddl uaddl ssubl usubl sabal uabal sabdl uabdl smlal umlal smlsl umlsl smull umull") {
			add(false, e, "%s v2.%s, v0.%s, v1.%s", upper2(op, t), w, t, t)
		}
		for _, op := range strings.Fields("saddw uaddw ssubw usubw") {
			add(false, e, "%s v2.%s, v0.%s, v1.%s", upper2(op, t), w, w, t)
		}
		for _, op := range strings.Fields("addhn subhn raddhn rsubhn") {
			add(false, 2*e, "%s v2.%s, v0.%s, v1.%s", upper2(op, t), t, w, w)
		}
		for _, op := range strings.Fields("addv smaxv umaxv sminv uminv saddlv uaddlv") {
			r := elemLetter(t)
			if strings.HasSuffix(op, "lv") {
				r = elemLetter(wideOf[t])
			}
			add(false, e, "%s %s2, v0.%s", op, r, t)
		}
	}
	add(false, 64, "addp d2, v0.2d")
	for k := 0; k < 16; k += 3 {
		add(false, 8, "ext v2.16b, v0.16b, v1.16b, #%d", k)
		if k < 8 {
			add(false, 8, "ext v2.8b, v0.8b, v1.8b, #%d", k)
		}
	}
	for n := 1; n <= 4; n++ {
		list := make([]string, n)
		for i := range list {
			list[i] = fmt.Sprintf("v%d.16b", 4+i)
		}
		for _, op := range []string{"tbl", "tbx"} {
			add(false, 0, "%s v2.16b, {%s}, v1.16b", op, strings.Join(list, ", "))
			add(false, 0, "%s v2.8b, {%s}, v1.8b", op, strings.Join(list, ", "))
		}
	}
	for _, t := range arrAll {
		e, l := esizeOf(t), elemLetter(t)
		idx := (128/e - 1) / 2
		add(false, e, "dup v2.%s, v0.%s[%d]", t, l, idx)
		reg := "w1"
		if e == 64 {
			reg = "x1"
		}
		add(false, e, "dup v2.%s, %s", t, reg)
		add(false, e, "mov v2.%s[%d], %s", l, idx, reg)
		add(false, e, "mov v2.%s[%d], v0.%s[%d]", l, 128/e-1, l, idx)
		add(false, e, "umov %s, v0.%s[%d]", reg, l, idx)
		add(false, e, "dup %s2, v0.%s[%d]", l, l, idx)
		if e < 64 {
			add(false, e, "smov x1, v0.%s[%d]", l, idx)
		}
		if e < 32 {
			add(false, e, "smov w1, v0.%s[%d]", l, idx)
		}
	}
	for _, s := range []string{
		"movi v2.4s, #0x12, lsl #8", "movi v2.2s, #0xff, lsl #24", "mvni v2.4h, #0x80, lsl #8", "movi v2.8h, #0x7f",
		"movi v2.4s, #0x3f, msl #16", "mvni v2.2s, #0xa5, msl #8", "movi v2.16b, #0xaa", "movi d2, #0xff00ff0000ff00ff",
		"movi v2.2d, #0xffffffff00000000", "orr v2.4s, #0x1, lsl #8", "bic v2.8h, #0xf, lsl #8", "orr v2.4h, #0x81",
		"bic v2.2s, #0xff", "fmov v2.4s, #1.0", "fmov v2.2d, #-0.125", "fmov v2.2s, #31.0", "fmov s2, #-1.5", "fmov d2, #0.25",
	} {
		add(false, 0, "%s", s)
	}
	for _, s := range []string{
		"mul v2.8h, v0.8h, v1.h[5]", "mul v2.2s, v0.2s, v1.s[3]", "mla v2.4h, v0.4h, v1.h[7]", "mls v2.4s, v0.4s, v1.s[1]",
		"smull v2.4s, v0.4h, v1.h[3]", "umull2 v2.2d, v0.4s, v1.s[2]", "smlal v2.2d, v0.2s, v1.s[1]", "umlsl2 v2.4s, v0.8h, v1.h[6]",
	} {
		add(false, 16, "%s", s)
	}
	ts = append(ts, fpTemplates()...)
	return append(ts, memoryTemplates()...)
}

func fpTemplates() []template {
	var ts []template
	add := func(esz int, format string, a ...any) {
		ts = append(ts, template{asm: fmt.Sprintf(format, a...), fp: true, esz: esz})
	}
	for _, t := range arrFP {
		e := esizeOf(t)
		for _, op := range strings.Fields("fadd fsub fmul fdiv fmulx fabd fmax fmin fmaxnm fminnm frecps frsqrts fcmeq fcmge fcmgt facge facgt faddp fmaxp fminp fmaxnmp fminnmp fmla fmls") {
			add(e, "%s v2.%s, v0.%s, v1.%s", op, t, t, t)
		}
		for _, op := range strings.Fields("fabs fneg fsqrt frecpe frsqrte frintn frintp frintm frintz frinta frintx frinti fcvtns fcvtnu fcvtps fcvtpu fcvtms fcvtmu fcvtzs fcvtzu fcvtas fcvtau scvtf ucvtf") {
			add(e, "%s v2.%s, v0.%s", op, t, t)
		}
		for _, op := range strings.Fields("fcmeq fcmge fcmgt fcmle fcmlt") {
			add(e, "%s v2.%s, v0.%s, #0.0", op, t, t)
		}
		for _, fb := range []int{1, e / 2, e} {
			for _, op := range strings.Fields("fcvtzs fcvtzu scvtf ucvtf") {
				add(e, "%s v2.%s, v0.%s, #%d", op, t, t, fb)
			}
		}
		l := elemLetter(t)
		for _, op := range strings.Fields("fmla fmls fmul fmulx") {
			add(e, "%s v2.%s, v0.%s, v1.%s[%d]", op, t, t, l, 64/e)
		}
	}
	for _, s := range []string{"fcvtl v2.4s, v0.4h", "fcvtl2 v2.4s, v0.8h", "fcvtl v2.2d, v0.2s", "fcvtl2 v2.2d, v0.4s"} {
		add(esizeOf(s[len(s)-2:]), "%s", s)
	}
	for _, s := range []string{"fcvtn v2.4h, v0.4s", "fcvtn2 v2.8h, v0.4s", "fcvtn v2.2s, v0.2d", "fcvtn2 v2.4s, v0.2d", "fcvtxn v2.2s, v0.2d", "fcvtxn2 v2.4s, v0.2d", "fcvtxn s2, d0"} {
		add(esizeOf(s[len(s)-2:]), "%s", s)
	}
	for _, op := range strings.Fields("fmaxv fminv fmaxnmv fminnmv") {
		add(32, "%s s2, v0.4s", op)
	}
	for _, op := range strings.Fields("faddp fmaxp fminp fmaxnmp fminnmp") {
		add(32, "%s s2, v0.2s", op)
		add(64, "%s d2, v0.2d", op)
	}
	for i, r := range []string{"s", "d"} {
		e := 32 << i
		for _, op := range strings.Fields("fadd fsub fmul fdiv fnmul fmax fmin fmaxnm fminnm fabd fmulx frecps frsqrts fcmeq fcmge fcmgt facge facgt") {
			add(e, "%s %s2, %s0, %s1", op, r, r, r)
		}
		for _, op := range strings.Fields("fabs fneg fsqrt fmov frintn frintp frintm frintz frinta frintx frinti frecpe frsqrte frecpx fcvtns fcvtzu fcvtas scvtf ucvtf") {
			add(e, "%s %s2, %s0", op, r, r)
		}
		for _, op := range strings.Fields("fcmeq fcmge fcmgt fcmle fcmlt") {
			add(e, "%s %s2, %s0, #0.0", op, r, r)
		}
		for _, op := range strings.Fields("fmadd fmsub fnmadd fnmsub") {
			add(e, "%s %s2, %s0, %s1, %s3", op, r, r, r, r)
		}
		for _, op := range strings.Fields("fcmp fcmpe") {
			add(e, "%s %s0, %s1", op, r, r)
			add(e, "%s %s0, #0.0", op, r)
		}
		for _, c := range []string{"eq", "ge", "hi", "vs"} {
			add(e, "fccmp %s0, %s1, #5, %s", r, r, c)
			add(e, "fccmpe %s0, %s1, #10, %s", r, r, c)
			add(e, "fcsel %s2, %s0, %s1, %s", r, r, r, c)
		}
		for _, g := range []string{"w1", "x1"} {
			for _, op := range strings.Fields("fcvtns fcvtnu fcvtps fcvtpu fcvtms fcvtmu fcvtzs fcvtzu fcvtas fcvtau") {
				add(e, "%s %s, %s0", op, g, r)
			}
			for _, fb := range []int{1, 31} {
				add(e, "fcvtzs %s, %s0, #%d", g, r, fb)
				add(e, "fcvtzu %s, %s0, #%d", g, r, fb)
				add(e, "scvtf %s2, %s, #%d", r, g, fb)
				add(e, "ucvtf %s2, %s, #%d", r, g, fb)
			}
			add(e, "scvtf %s2, %s", r, g)
			add(e, "ucvtf %s2, %s", r, g)
		}
		add(e, "fmul %s2, %s0, v1.%s[1]", r, r, r)
		add(e, "fmla %s2, %s0, v1.%s[1]", r, r, r)
	}
	add(32, "fcvt d2, s0")
	add(32, "fcvt h2, s0")
	add(64, "fcvt s2, d0")
	add(64, "fcvt h2, d0")
	add(16, "fcvt s2, h0")
	add(16, "fcvt d2, h0")
	for _, s := range []string{"fmov w1, s0", "fmov s2, w1", "fmov x1, d0", "fmov d2, x1", "fmov v2.d[1], x1", "fmov x1, v0.d[1]"} {
		add(32, "%s", s)
	}
	return ts
}

// memoryTemplates are loads and stores based on x11 (see qemu_test.go: the
// window is x11-24 .. x11+96; x12 = 4, w13 = -1).
func memoryTemplates() []template {
	var ts []template
	add := func(format string, a ...any) { ts = append(ts, template{asm: fmt.Sprintf(format, a...)}) }
	for _, r := range []string{"b", "h", "s", "d", "q"} {
		for _, op := range []string{"ldr", "str"} {
			add("%s %s2, [x11]", op, r)
			add("%s %s2, [x11, #32]", op, r)
			add("%s %s2, [x11, #16]!", op, r)
			add("%s %s2, [x11], #-16", op, r)
			add("%s %s2, [x11, x12]", op, r)
			add("%s %s2, [x11, x12, lsl #%d]", op, r, map[string]int{"b": 0, "h": 1, "s": 2, "d": 3, "q": 4}[r])
			add("%s %s2, [x11, w12, uxtw]", op, r)
			add("%s %s2, [x11, w13, sxtw]", op, r)
			add("%s %s2, [x11, w13, sxtw #%d]", op, r, map[string]int{"b": 0, "h": 1, "s": 2, "d": 3, "q": 4}[r])
			add("%s %s2, [x11, x12, sxtx]", op, r)
			add("%su%s %s2, [x11, #-3]", op[:2], op[2:], r)
		}
	}
	for _, r := range []string{"s", "d", "q"} {
		for _, op := range []string{"ldp", "stp", "ldnp", "stnp"} {
			add("%s %s2, %s3, [x11, #-16]", op, r, r)
			add("%s %s2, %s3, [x11, #32]", op, r, r)
			if !strings.Contains(op, "n") {
				add("%s %s2, %s3, [x11, #-16]!", op, r, r)
				add("%s %s2, %s3, [x11], #16", op, r, r)
			}
		}
	}
	for _, t := range arrAll {
		e := esizeOf(t)
		l := elemLetter(t)
		bytesPer := e * lanesOf(t) / 8
		for n := 1; n <= 4; n++ {
			list := func(name string) string {
				var parts []string
				for i := 0; i < n; i++ {
					parts = append(parts, fmt.Sprintf("v%d.%s", 2+i, name))
				}
				return "{" + strings.Join(parts, ", ") + "}"
			}
			for _, op := range []string{"ld1", "st1", fmt.Sprintf("ld%d", n), fmt.Sprintf("st%d", n)} {
				add("%s %s, [x11]", op, list(t))
				add("%s %s, [x11], #%d", op, list(t), n*bytesPer)
				add("%s %s, [x11], x12", op, list(t))
			}
			idx := (128/e - 1) / 2
			for _, op := range []string{"ld", "st"} {
				add("%s%d %s[%d], [x11]", op, n, list(l), idx)
				add("%s%d %s[%d], [x11], #%d", op, n, list(l), 128/e-1, n*e/8)
				add("%s%d %s[%d], [x11], x12", op, n, list(l), idx)
			}
			add("ld%dr %s, [x11]", n, list(t))
			add("ld%dr %s, [x11], #%d", n, list(t), n*e/8)
			add("ld%dr %s, [x11], x13", n, list(t))
		}
	}
	add("ld1 {v2.1d}, [x11]")
	add("st1 {v2.1d, v3.1d, v4.1d}, [x11], #24")
	return ts
}
