package fdt

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// sampleTree uses every kind of value the encoder writes.
func sampleTree() *Tree {
	t := NewTree()
	t.Reserved = []Reservation{{Addr: 0x4800_0000, Size: 0x1000}}
	r := t.Root
	r.SetU32("#address-cells", 2).SetU32("#size-cells", 2).SetString("model", "sample")
	r.SetStrings("compatible", "vendor,board", "generic-board")
	r.SetU32("interrupt-parent", 1)
	r.AddChild("memory@40000000").SetString("device_type", "memory").SetU64("reg", 0x4000_0000, 0x2000_0000)
	ic := r.AddChild("intc@8000000")
	ic.SetPhandle(1).SetEmpty("interrupt-controller").SetU32("#interrupt-cells", 3)
	ic.AddChild("frame@0").Set("data", []byte{1, 2, 3}) // a byte string, padded in the blob
	r.AddChild("chosen").SetString("bootargs", "console=ttyAMA0").SetString("model", "shared name")
	return t
}

func TestRoundTrip(t *testing.T) {
	in := sampleTree()
	b, err := in.Encode()
	require.NoError(t, err)
	out, err := Decode(b)
	require.NoError(t, err)
	require.Equal(t, in, out)
	again, err := out.Encode()
	require.NoError(t, err)
	require.Equal(t, b, again)
}

func TestStringsBlockSharesNames(t *testing.T) {
	b, err := sampleTree().Encode()
	require.NoError(t, err)
	be := binary.BigEndian
	off, size := be.Uint32(b[hOffDtStrings:]), be.Uint32(b[hSizeDtStrings:])
	strs := b[off : off+size]
	require.Equal(t, 1, bytes.Count(strs, []byte("model\x00")), "model is used twice but stored once")
	require.Equal(t, int(off+size), len(b), "strings block last, totalsize = end")
	require.Equal(t, uint32(len(b)), be.Uint32(b[hTotalSize:]))
	require.Equal(t, uint32(17), be.Uint32(b[hVersion:]))
	require.Equal(t, uint32(16), be.Uint32(b[hLastCompVersion:]))
}

func TestAccessors(t *testing.T) {
	tr := sampleTree()
	mem := tr.Lookup("/memory@40000000")
	require.NotNil(t, mem)
	cells, err := mem.Prop("reg").U32s()
	require.NoError(t, err)
	require.Equal(t, []uint32{0, 0x4000_0000, 0, 0x2000_0000}, cells)
	compat, err := tr.Root.Prop("compatible").Strings()
	require.NoError(t, err)
	require.Equal(t, []string{"vendor,board", "generic-board"}, compat)
	s, err := tr.Lookup("/chosen").Prop("bootargs").Text()
	require.NoError(t, err)
	require.Equal(t, "console=ttyAMA0", s)
	ph, err := tr.Lookup("/intc@8000000").Prop("phandle").U32()
	require.NoError(t, err)
	require.Equal(t, uint32(1), ph)
	require.Nil(t, tr.Lookup("/intc@8000000/none"))
	require.Nil(t, tr.Lookup("chosen"))
	require.Equal(t, tr.Root, tr.Lookup("/"))

	_, err = tr.Root.Prop("compatible").Text()
	require.ErrorIs(t, err, ErrValue)
	_, err = tr.Lookup("/intc@8000000/frame@0").Prop("data").U32s()
	require.ErrorIs(t, err, ErrValue)
	_, err = tr.Lookup("/intc@8000000").Prop("interrupt-controller").Strings()
	require.ErrorIs(t, err, ErrValue)
	_, err = mem.Prop("reg").Uint()
	require.ErrorIs(t, err, ErrValue)

	n := &Node{}
	n.SetU32("x", 1).SetU64("y", 1<<40)
	n.SetU32("x", 2) // replaces in place
	require.Len(t, n.Props, 2)
	v, err := n.Prop("x").Uint()
	require.NoError(t, err)
	require.Equal(t, uint64(2), v)
	v, err = n.Prop("y").Uint()
	require.NoError(t, err)
	require.Equal(t, uint64(1<<40), v)
	n.AddChild("a")
	n.AddChild("b")
	n.RemoveChildren(func(c *Node) bool { return c.Name == "a" })
	require.Equal(t, []*Node{{Name: "b"}}, n.Children)
}

func TestEncodeRejects(t *testing.T) {
	deep := NewTree()
	n := deep.Root
	for i := 0; i < MaxDepth; i++ {
		n = n.AddChild("n")
	}
	tests := []struct {
		name string
		tree *Tree
		want string
	}{
		{"no root", &Tree{}, "no root node"},
		{"named root", &Tree{Root: &Node{Name: "x"}}, "the root node is named"},
		{"bad node name", func() *Tree { t := NewTree(); t.Root.AddChild("a/b"); return t }(), `bad node name "a/b" under /`},
		{"empty node name", func() *Tree { t := NewTree(); t.Root.AddChild("c").AddChild(""); return t }(), `bad node name "" under /c`},
		{"bad property name", func() *Tree { t := NewTree(); t.Root.SetU32("a b", 1); return t }(), `bad property name "a b" in /`},
		{"duplicate property", func() *Tree {
			t := NewTree()
			t.Root.Props = []Property{{Name: "p"}, {Name: "p"}}
			return t
		}(), `property "p" twice in /`},
		{"duplicate node", func() *Tree { t := NewTree(); t.Root.AddChild("c"); t.Root.AddChild("c"); return t }(), `two nodes "c" under /`},
		{"too deep", deep, "nests deeper than 64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.tree.Encode()
			require.ErrorContains(t, err, tc.want)
			require.Nil(t, b)
		})
	}
}

// corrupt returns the sample blob changed by f.
func corrupt(f func(b []byte) []byte) []byte {
	b, err := sampleTree().Encode()
	if err != nil {
		panic(err)
	}
	return f(b)
}

func put32(off int, v uint32) func([]byte) []byte {
	return func(b []byte) []byte { binary.BigEndian.PutUint32(b[off:], v); return b }
}

// firstProp and rootEnd locate, in the sample blob, the root's first FDT_PROP and its closing FDT_END_NODE.
func firstProp(b []byte) int { return int(binary.BigEndian.Uint32(b[hOffDtStruct:])) + 8 }

func rootEnd(b []byte) int {
	be := binary.BigEndian
	return int(be.Uint32(b[hOffDtStruct:])+be.Uint32(b[hSizeDtStruct:])) - 8
}

func TestDecodeRejects(t *testing.T) {
	be := binary.BigEndian
	good := corrupt(func(b []byte) []byte { return b })
	structOff := int(be.Uint32(good[hOffDtStruct:]))
	tests := []struct {
		name string
		blob []byte
		want string
	}{
		{"empty", nil, "0 bytes, shorter than the 40-byte header"},
		{"bad magic", corrupt(put32(hMagic, 0xfeedd00d)), "magic 0xfeedd00d, want 0xd00dfeed"},
		{"totalsize beyond the file", corrupt(put32(hTotalSize, 1<<20)), "totalsize 1048576 outside"},
		{"truncated file", good[:len(good)-1], "outside [40, "},
		{"totalsize inside the header", corrupt(put32(hTotalSize, 8)), "totalsize 8 outside"},
		{"old version", corrupt(put32(hVersion, 16)), "version 16 (last compatible 16): want 17..17"},
		{"future layout", corrupt(put32(hLastCompVersion, 18)), "last compatible 18"},
		{"struct misaligned", corrupt(put32(hOffDtStruct, uint32(structOff+2))), "structure block offset"},
		{"struct beyond the blob", corrupt(put32(hSizeDtStruct, 1<<20)), "structure block [0x"},
		{"strings beyond the blob", corrupt(put32(hSizeDtStrings, 1<<20)), "strings block [0x"},
		{"rsvmap misaligned", corrupt(put32(hOffMemRsvmap, 44)), "memory reservation block offset 0x2c is not 8-byte aligned"},
		{"rsvmap inside the header", corrupt(put32(hOffMemRsvmap, 8)), "memory reservation block [0x8"},
		{"rsvmap without terminator", corrupt(func(b []byte) []byte {
			for i := 56; i < 72; i++ {
				b[i] = 0xff
			}
			return b
		}), "has no terminating entry"},
		{"first token not a node", corrupt(put32(structOff, tokenProp)), "starts with token 3, want FDT_BEGIN_NODE"},
		{"named root", corrupt(put32(structOff+4, 0x78000000)), `the root node is named "x"`},
		{"unknown token", corrupt(func(b []byte) []byte {
			return put32(rootEnd(b), 7)(b)
		}), "unknown token 0x7 at"},
		{"END inside a node", corrupt(func(b []byte) []byte {
			return put32(rootEnd(b), tokenEnd)(b)
		}), "FDT_END at"},
		{"no END", corrupt(func(b []byte) []byte {
			return put32(rootEnd(b)+4, tokenNop)(b)
		}), "structure block ends inside a token"},
		{"name offset outside strings", corrupt(func(b []byte) []byte {
			return put32(firstProp(b)+8, 1<<16)(b)
		}), "property name offset 0x10000 in / is outside the strings block"},
		{"property length past the block", corrupt(func(b []byte) []byte {
			return put32(firstProp(b)+4, 1<<16)(b)
		}), "property of 65536 bytes"},
		{"bad node name", corrupt(func(b []byte) []byte {
			i := bytes.Index(b, []byte("chosen"))
			b[i] = '/'
			return b
		}), `bad node name "/hosen" under /`},
		{"bad property name", corrupt(func(b []byte) []byte {
			i := bytes.Index(b, []byte("bootargs\x00"))
			b[i] = ' '
			return b
		}), `bad property name " ootargs" in /chosen`},
		{"two nodes of one name", corrupt(func(b []byte) []byte {
			i := bytes.Index(b, []byte("chosen"))
			copy(b[i:], "intc@8")
			j := bytes.Index(b, []byte("memory@40000000"))
			copy(b[j:], "intc@8000000\x00\x00\x00")
			return b
		}), `two nodes "intc@8000000" under /`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := Decode(tc.blob)
			require.ErrorIs(t, err, ErrInvalid)
			require.ErrorContains(t, err, tc.want)
			require.Nil(t, tr)
		})
	}
}

func TestDecodeNestingBound(t *testing.T) {
	// A hand-made structure block: MaxDepth+1 nested nodes.
	var s []byte
	be := binary.BigEndian
	s = be.AppendUint32(be.AppendUint32(s, tokenBeginNode), 0)
	for i := 0; i < MaxDepth; i++ {
		s = append(be.AppendUint32(s, tokenBeginNode), 'n', 0, 0, 0)
	}
	for i := 0; i <= MaxDepth; i++ {
		s = be.AppendUint32(s, tokenEndNode)
	}
	s = be.AppendUint32(s, tokenEnd)
	_, err := Decode(blobWithStruct(s))
	require.ErrorContains(t, err, "nodes nest deeper than 64")
}

func TestDecodeNopsAndTrailingBytes(t *testing.T) {
	var s []byte
	be := binary.BigEndian
	s = be.AppendUint32(s, tokenNop)
	s = be.AppendUint32(be.AppendUint32(s, tokenBeginNode), 0)
	s = be.AppendUint32(s, tokenNop)
	s = be.AppendUint32(s, tokenEndNode)
	s = be.AppendUint32(s, tokenNop)
	s = be.AppendUint32(s, tokenEnd)
	tr, err := Decode(append(blobWithStruct(s), 0, 0, 0, 0))
	require.NoError(t, err)
	require.Equal(t, &Tree{Root: &Node{}}, tr)
}

func TestDecodePropertyAfterChild(t *testing.T) {
	var s []byte
	be := binary.BigEndian
	s = be.AppendUint32(be.AppendUint32(s, tokenBeginNode), 0)
	s = append(be.AppendUint32(s, tokenBeginNode), 'c', 0, 0, 0)
	s = be.AppendUint32(s, tokenEndNode)
	s = be.AppendUint32(be.AppendUint32(be.AppendUint32(s, tokenProp), 0), 0)
	s = be.AppendUint32(s, tokenEndNode)
	s = be.AppendUint32(s, tokenEnd)
	_, err := Decode(blobWithStruct(s))
	require.ErrorContains(t, err, "comes after a child node")
}

// blobWithStruct wraps a structure block in a valid header with the strings block "p\0".
func blobWithStruct(s []byte) []byte {
	be := binary.BigEndian
	strs := []byte("p\x00")
	b := make([]byte, headerSize+16)
	structOff := len(b)
	b = append(append(b, s...), strs...)
	for off, v := range map[int]uint32{
		hMagic: magic, hTotalSize: uint32(len(b)), hOffDtStruct: uint32(structOff),
		hOffDtStrings: uint32(structOff + len(s)), hOffMemRsvmap: headerSize, hVersion: version,
		hLastCompVersion: lastCompVer, hSizeDtStrings: uint32(len(strs)), hSizeDtStruct: uint32(len(s)),
	} {
		be.PutUint32(b[off:], v)
	}
	return b
}

// TestDTCReadsSample: dtc, the reference implementation, reads our blob back as the golden source.
func TestDTCReadsSample(t *testing.T) {
	b, err := sampleTree().Encode()
	require.NoError(t, err)
	got := DTS(t, b)
	golden := filepath.Join("testdata", "sample.dts")
	if os.Getenv("GOLDEN_UPDATE") != "" {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}

// DTS decompiles a blob with dtc (installed by `make deps`).
func DTS(t *testing.T, blob []byte) string {
	t.Helper()
	dtc, err := exec.LookPath("dtc")
	require.NoError(t, err, "dtc is not installed: run `make deps`")
	cmd := exec.Command(dtc, "-q", "-I", "dtb", "-O", "dts", "-")
	cmd.Stdin = bytes.NewReader(blob)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	return string(out)
}

func FuzzDecode(f *testing.F) {
	b, err := sampleTree().Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:headerSize])
	f.Add(blobWithStruct(nil))
	f.Fuzz(func(t *testing.T, blob []byte) {
		tr, err := Decode(blob)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalid)
			require.Nil(t, tr)
			return
		}
		// Whatever decodes encodes again and decodes to the same tree.
		again, err := tr.Encode()
		require.NoError(t, err)
		back, err := Decode(again)
		require.NoError(t, err)
		require.Equal(t, tr, back)
	})
}
