package simd

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/arch/arm64/arm64asm"
)

// TestCrossCheckObjdump gives random words we decode to a third decoder,
// GNU objdump: it must know every one of them (no "undefined"/".inst"),
// with the mnemonic arm64asm's GNU syntax names.
func TestCrossCheckObjdump(t *testing.T) {
	objdump, err := exec.LookPath("aarch64-linux-gnu-objdump")
	require.NoError(t, err, "aarch64-linux-gnu-objdump (make deps)")
	r := rand.New(rand.NewPCG(77, 1))
	var words []uint32
	var bin []byte
	for len(words) < 1<<15 {
		w := randomWord(r, len(words))
		if Decode(w).Op == OpUndefined {
			continue
		}
		words = append(words, w)
		bin = binary.LittleEndian.AppendUint32(bin, w)
	}
	path := filepath.Join(t.TempDir(), "words.bin")
	require.NoError(t, os.WriteFile(path, bin, 0o644))
	out, err := exec.Command(objdump, "-D", "-b", "binary", "-m", "aarch64", path).Output()
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(out))
	i, bad := 0, 0
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "\t", 3)
		if len(parts) < 3 || !strings.HasSuffix(parts[0], ":") {
			continue
		}
		require.Less(t, i, len(words))
		w := words[i]
		i++
		text := strings.Fields(parts[2])
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], w)
		ref, err := arm64asm.Decode(b[:])
		require.NoError(t, err)
		gnu := strings.Fields(arm64asm.GNUSyntax(ref))[0]
		if len(text) == 0 || text[0] == "undefined" || text[0] == ".inst" || text[0] != gnu {
			bad++
			if bad <= 10 {
				t.Errorf("%08x: objdump %q, arm64asm %q, ours %s", w, parts[2], arm64asm.GNUSyntax(ref), Decode(w))
			}
		}
	}
	require.Equal(t, len(words), i, "objdump lines")
	t.Logf("%d random decoded words: objdump knows all, with arm64asm's mnemonic", len(words))
}
