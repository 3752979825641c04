package simd

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/arch/arm64/arm64asm"
)

// crossCheckBinaries are the arm64 ELF files the cross-check reads: the
// AArch64 glibc of the cross toolchain `make deps` installs.
var crossCheckBinaries = []string{
	"/usr/aarch64-linux-gnu/lib/libc.so.6",
	"/usr/aarch64-linux-gnu/lib/libm.so.6",
}

// textWords returns the words of every executable section of an ELF file.
func textWords(t *testing.T, path string) []uint32 {
	f, err := elf.Open(path)
	require.NoError(t, err, "the cross-check needs the aarch64 cross libc (make deps)")
	defer f.Close()
	var words []uint32
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_EXECINSTR == 0 || s.Type != elf.SHT_PROGBITS {
			continue
		}
		b, err := s.Data()
		require.NoError(t, err)
		for i := 0; i+4 <= len(b); i += 4 {
			words = append(words, binary.LittleEndian.Uint32(b[i:]))
		}
	}
	return words
}

// isFPSIMDClass says w is in the FP/SIMD part of the encoding space
// (data processing with op0 = x111, or a load/store with V = 1).
func isFPSIMDClass(w uint32) bool {
	return w>>25&7 == 7 || w>>25&5 == 4 && w>>26&1 == 1
}

type crossStats struct {
	words, fpsimd, decoded, asmOnly int
	mismatch                        map[string][]string
	missing                         map[string]int
}

func crossCheck(words []uint32, st *crossStats) {
	var b [4]byte
	for _, w := range words {
		st.words++
		if !isFPSIMDClass(w) {
			continue
		}
		st.fpsimd++
		binary.LittleEndian.PutUint32(b[:], w)
		ref, err := arm64asm.Decode(b[:])
		in := Decode(w)
		if in.Op == OpUndefined {
			if err == nil {
				st.asmOnly++
				st.missing[ref.Op.String()]++
			}
			continue
		}
		st.decoded++
		got := armSyntax(in, w)
		want := "(arm64asm: " + errString(err) + ")"
		if err == nil {
			want = ref.String()
		}
		if got != want {
			k := in.Op.String()
			if len(st.mismatch[k]) < 3 {
				st.mismatch[k] = append(st.mismatch[k], fmt.Sprintf("%08x ours %q arm64asm %q (%s)", w, got, want, in))
			} else {
				st.mismatch[k] = append(st.mismatch[k], "")
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// optionalBinaries are read when present: more of the cross toolchain's
// arm64 libraries (GCC's runtime libraries come with it on Debian 12), and
// what make linux (run before make test's go test) writes: Linux 6.1's
// vmlinux and Debian's static busybox.
var optionalBinaries = []string{
	"../../kernelsim/linux/out/vmlinux",
	"../../kernelsim/linux/out/busybox-arm64/bin/busybox",
	"/usr/aarch64-linux-gnu/lib/libstdc++.so.6",
	"/usr/aarch64-linux-gnu/lib/libgomp.so.1",
	"/usr/aarch64-linux-gnu/lib/libasan.so.8",
	"/usr/aarch64-linux-gnu/lib/libtsan.so.2",
}

// TestCrossCheckBinaries cross-checks every FP/SIMD word of real arm64
// code. SIMD_CROSSCHECK adds files (colon-separated): a vmlinux, or
// Debian's static busybox (make linux fetches it to kernelsim/linux/out/busybox-arm64).
func TestCrossCheckBinaries(t *testing.T) {
	paths := append([]string{}, crossCheckBinaries...)
	for _, p := range optionalBinaries {
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, p)
		}
	}
	if extra := os.Getenv("SIMD_CROSSCHECK"); extra != "" {
		paths = append(paths, strings.Split(extra, ":")...)
	}
	total := &crossStats{mismatch: map[string][]string{}, missing: map[string]int{}}
	for _, p := range paths {
		st := &crossStats{mismatch: total.mismatch, missing: total.missing}
		crossCheck(textWords(t, p), st)
		t.Logf("%s: %d words, %d in the FP/SIMD classes, %d decoded, %d only arm64asm decodes", p, st.words, st.fpsimd, st.decoded, st.asmOnly)
		total.words += st.words
		total.fpsimd += st.fpsimd
		total.decoded += st.decoded
		total.asmOnly += st.asmOnly
	}
	t.Logf("all: %d words, %d in the FP/SIMD classes, %d decoded (each agreeing with arm64asm unless listed below), %d only arm64asm decodes",
		total.words, total.fpsimd, total.decoded, total.asmOnly)
	logMissing(t, total)
	for k, v := range total.mismatch {
		t.Errorf("%s: %d disagreements, e.g. %v", k, len(v), v[:min(3, len(v))])
	}
}

// TestCrossCheckRandom decodes random words of the FP/SIMD classes: every
// word we decode must be one arm64asm decodes to the same text.
func TestCrossCheckRandom(t *testing.T) {
	st := &crossStats{mismatch: map[string][]string{}, missing: map[string]int{}}
	r := rand.New(rand.NewPCG(15, 0))
	words := make([]uint32, 0, 1<<16)
	for range 8 {
		words = words[:0]
		for len(words) < cap(words) {
			w := randomWord(r, len(words))
			words = append(words, w)
		}
		crossCheck(words, st)
	}
	t.Logf("%d random FP/SIMD-class words, %d decoded, %d only arm64asm decodes", st.fpsimd, st.decoded, st.asmOnly)
	logMissing(t, st)
	for k, v := range st.mismatch {
		t.Errorf("%s: %d disagreements, e.g. %v", k, len(v), v[:min(3, len(v))])
	}
}

// logMissing lists what arm64asm decodes and we leave undefined, most first.
func logMissing(t *testing.T, st *crossStats) {
	var ks []string
	for k := range st.missing {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return st.missing[ks[i]] > st.missing[ks[j]] })
	var line []string
	for _, k := range ks {
		line = append(line, fmt.Sprintf("%s %d", k, st.missing[k]))
	}
	t.Logf("left undefined (arm64asm op, words): %s", strings.Join(line, ", "))
}

// randomWord is a random word of the FP/SIMD classes: data processing for
// even i, a load/store with V = 1 for odd i.
func randomWord(r *rand.Rand, i int) uint32 {
	w := r.Uint32()
	if i&1 == 0 {
		return w | 7<<25
	}
	return w&^(1<<25) | 1<<27 | 1<<26
}
