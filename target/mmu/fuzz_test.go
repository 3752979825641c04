package mmu

import (
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzMem is 8 pages of descriptors at ramBase built from the fuzz input:
// most output addresses are folded into those pages so walks go deep; the
// rest keep their raw (usually too large) address. Outside it: abort.
type fuzzMem struct{ words [8 * 512]uint64 }

func (m *fuzzMem) ReadDescriptor(pa uint64) (uint64, bool) {
	if pa < ramBase || pa >= ramBase+8*4096 {
		return 0, false
	}
	return m.words[(pa-ramBase)/8], true
}

func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// input reads the fuzz bytes as a stream of words (zeros past the end).
type input struct {
	data []byte
	off  int
}

func (in *input) u64() uint64 {
	var b [8]byte
	if in.off < len(in.data) {
		copy(b[:], in.data[in.off:])
	}
	in.off += 8
	return binary.LittleEndian.Uint64(b[:])
}

// checkAgainstReference builds a machine from data, translates VAs it picks
// with TLB misses, hits and TLBIs in between, and requires every outcome to
// match refTranslate (and AT to match the reference's PAR).
func checkAgainstReference(t *testing.T, data []byte) {
	in := &input{data: data}
	ctl, seed := in.u64(), in.u64()
	mem := &fuzzMem{}
	for i := range mem.words {
		w := mix(seed^uint64(i)) ^ in.u64()
		if sel := w >> 12 & 0xff; sel < 0xe0 {
			w = w&^oaMask | ramBase + (sel&7)<<12
		}
		mem.words[i] = w
	}
	txsz := func(b uint64) uint64 {
		switch b & 7 {
		case 0, 1:
			return 25
		case 2, 3:
			return 16
		case 4:
			return 39
		case 5:
			return 16 + b>>3%24
		}
		return b >> 3 & 63
	}
	cfg := Config{PARange: uint8(ctl >> 60 % 6), ASID16: ctl>>59&1 == 1, Gran16: ctl>>58&1 == 1, Gran64: ctl>>57&1 == 1}
	regs := Regs{
		SCTLR: ctl&(sctlrWXN|sctlrEE|sctlrI|sctlrA) | ^ctl>>40&1, // M usually 1
		TCR: txsz(ctl>>8) | txsz(ctl>>16)<<16 | ctl&(tcrEPD0|tcrEPD1|tcrA1) |
			(ctl>>24&7)<<32 | ctl&(tcrAS|tcrTBI0|tcrTBI1) | (seed>>40&3)<<14 | (seed>>42&3)<<30,
		TTBR0: ramBase + (ctl>>44&7)<<12 | ctl>>48&0xfff | seed&0xffff<<48,
		TTBR1: ramBase + (ctl>>52&7)<<12 | seed>>16&0xffff<<48,
		MAIR:  mix(seed),
	}
	m := New(cfg, mem, 64)
	m.SetRegs(regs)
	for k := 0; k < 48; k++ {
		w := in.u64() ^ mix(seed+uint64(k))
		va := w
		switch w >> 61 {
		case 0, 1:
			va = w & (1<<39 - 1)
		case 2, 3:
			va = w | ^uint64(1<<39-1)
		case 4:
			va = w & (1<<48 - 1)
		}
		acc := Access(w>>56) & (3 | EL0 | CacheOp)
		if acc&3 == 3 {
			acc &^= 3
		}
		want := refTranslate(cfg, regs, mem, va, acc)
		for pass := 0; pass < 2; pass++ {
			r, f := m.Translate(va, acc)
			require.Equal(t, want.fault, f, "va %#x acc %d pass %d regs %+v", va, acc, pass, regs)
			if f.OK() {
				require.Equal(t, want.pa, r.PA, "va %#x", va)
				require.Equal(t, want.attr, r.Attr, "va %#x", va)
				require.Equal(t, want.level, r.Level, "va %#x", va)
				require.Equal(t, want.device, r.Device, "va %#x", va)
			}
		}
		if acc&3 != Fetch {
			op := S1E1R + ATOp(acc&1)
			if acc&EL0 != 0 {
				op += 2
			}
			ref := refTranslate(cfg, regs, mem, va, acc&(1|EL0))
			par, abort := m.AT(op, va)
			if ref.fault.Kind == ExternalAbortWalk {
				require.Equal(t, ref.fault, abort, "AT va %#x", va)
				continue
			}
			require.True(t, abort.OK())
			require.Equal(t, ref.fault.OK(), par&1 == 0, "AT va %#x", va)
			if ref.fault.OK() {
				require.Equal(t, ref.pa&oaMask, par&oaMask)
			} else {
				require.Equal(t, uint64(ref.fault.FSC()), par>>1&0x3f)
			}
		}
		// Now and then an invalidation: results must not change.
		if w&0x1f == 0 {
			ops := []TLBIOp{VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1, RVAE1, RVAAE1, RVALE1, RVAALE1}
			m.TLB().Apply(m.Context().TLBI(ops[w>>5%uint64(len(ops))], w))
		}
	}
}

func FuzzWalk(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 42})
	f.Add(make([]byte, 64))
	f.Add([]byte("\x00\x19\x19\x05\x00\x00\x00\x00translation tables"))
	f.Fuzz(checkAgainstReference)
}

// The fuzz property on a few hundred seeded random inputs, in every test run.
func TestWalkAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	n := 400
	if testing.Short() {
		n = 50
	}
	for i := 0; i < n; i++ {
		data := make([]byte, rng.Intn(512))
		rng.Read(data)
		checkAgainstReference(t, data)
	}
}
