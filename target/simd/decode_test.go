package simd

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/arch/arm64/arm64asm"
)

var update = flag.Bool("update", false, "rewrite testdata/decode.golden from testdata/decode.golden.in")

// TestDecodeGolden checks hand-picked words (assembled by aarch64-linux-gnu-as
// from the text beside them) against their recorded descriptors. The
// descriptors were read against the Arm ARM when the file was made; -update
// rewrites them, and the diff is then reviewed like code.
func TestDecodeGolden(t *testing.T) {
	in, err := os.ReadFile("testdata/decode.golden.in")
	require.NoError(t, err)
	var out strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(in)))
	for sc.Scan() {
		word, text, _ := strings.Cut(sc.Text(), "\t")
		w, err := strconv.ParseUint(word, 16, 32)
		require.NoError(t, err, sc.Text())
		fmt.Fprintf(&out, "%08x\t%-50s\t%s\n", w, text, Decode(uint32(w)))
	}
	if *update {
		require.NoError(t, os.WriteFile("testdata/decode.golden", []byte(out.String()), 0o644))
	}
	want, err := os.ReadFile("testdata/decode.golden")
	require.NoError(t, err)
	assert.Equal(t, string(want), out.String())
}

func TestDecodeAllocatesNothing(t *testing.T) {
	words := []uint32{0xfd400800, 0x4ea21c41, 0x1f410822, 0x4c407061, 0x4f000400, 0x0e013c17, 0x2f20a400}
	var sink Inst
	n := testing.AllocsPerRun(100, func() {
		for _, w := range words {
			sink = Decode(w)
		}
	})
	assert.Zero(t, n)
	_ = sink
}

// FuzzDecode: no word panics (in Decode, Exec or the load/store helpers),
// and every word we decode is one arm64asm decodes to the same text.
func FuzzDecode(f *testing.F) {
	for _, w := range []uint32{0xfd400800, 0x4ea21c41, 0x1f410822, 0x4c407061, 0x0d40cc02, 0x6f00b5e2, 0x1e18c003} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w uint32) {
		in := Decode(w)
		if in.Op == OpUndefined {
			return
		}
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], w)
		ref, err := arm64asm.Decode(b[:])
		require.NoError(t, err, "%08x decoded as %s", w, in)
		require.Equal(t, ref.String(), armSyntax(in, w), "%08x: %s", w, in)
		var st State
		for i := range st.V {
			st.V[i] = Vec{uint64(w) * uint64(i+1), ^uint64(w) << i}
		}
		if in.IsMemory() {
			data := make([]byte, in.MemSize())
			in.Address(0x1000, uint64(w), 0x2000)
			if in.IsLoad() {
				Load(&in, &st.V, data)
			} else {
				Store(&in, &st.V, data)
			}
			return
		}
		_, ok := Exec(&in, &st, uint64(w))
		require.True(t, ok, "%08x: %s", w, in)
	})
}
