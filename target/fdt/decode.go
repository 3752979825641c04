package fdt

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrInvalid wraps every reason Decode refuses a blob.
var ErrInvalid = errors.New("fdt: invalid device tree blob")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

// Decode reads and checks a blob. Bytes after the header's totalsize are ignored (some tools pad the file).
func Decode(b []byte) (*Tree, error) {
	if len(b) < headerSize {
		return nil, invalid("%d bytes, shorter than the %d-byte header", len(b), headerSize)
	}
	be := binary.BigEndian
	h := func(off int) uint32 { return be.Uint32(b[off:]) }
	if m := h(hMagic); m != magic {
		return nil, invalid("magic %#08x, want %#08x", m, magic)
	}
	total := h(hTotalSize)
	if total < headerSize || uint64(total) > uint64(len(b)) {
		return nil, invalid("totalsize %d outside [%d, %d] (the file's size)", total, headerSize, len(b))
	}
	if v, last := h(hVersion), h(hLastCompVersion); v < oldestVersion || last > version {
		return nil, invalid("version %d (last compatible %d): want %d..%d", v, last, oldestVersion, version)
	}
	b = b[:total]

	rsvOff, structOff, stringsOff := h(hOffMemRsvmap), h(hOffDtStruct), h(hOffDtStrings)
	structSize, stringsSize := h(hSizeDtStruct), h(hSizeDtStrings)
	if err := checkBlock("memory reservation block", rsvOff, 16, 8, total); err != nil {
		return nil, err
	}
	if err := checkBlock("structure block", structOff, structSize, 4, total); err != nil {
		return nil, err
	}
	if err := checkBlock("strings block", stringsOff, stringsSize, 1, total); err != nil {
		return nil, err
	}

	t := &Tree{BootCPU: h(hBootCPUIDPhys)}
	for off := rsvOff; ; off += 16 {
		if uint64(off)+16 > uint64(total) {
			return nil, invalid("memory reservation block at %#x has no terminating entry", rsvOff)
		}
		r := Reservation{Addr: be.Uint64(b[off:]), Size: be.Uint64(b[off+8:])}
		if r == (Reservation{}) {
			break
		}
		t.Reserved = append(t.Reserved, r)
	}

	d := decoder{structure: b[structOff : structOff+structSize], strings: b[stringsOff : stringsOff+stringsSize]}
	d.skipNops()
	if tok, err := d.token(); err != nil {
		return nil, err
	} else if tok != tokenBeginNode {
		return nil, invalid("structure block starts with token %d, want FDT_BEGIN_NODE", tok)
	}
	root, err := d.node("", 0)
	if err != nil {
		return nil, err
	}
	d.skipNops()
	if tok, err := d.token(); err != nil {
		return nil, err
	} else if tok != tokenEnd {
		return nil, invalid("token %d after the root node at %#x, want FDT_END", tok, d.pos-4)
	}
	t.Root = root
	return t, nil
}

// checkBlock checks that [off, off+size) lies inside the blob past the header and off is aligned.
func checkBlock(name string, off, size, align, total uint32) error {
	if off%align != 0 {
		return invalid("%s offset %#x is not %d-byte aligned", name, off, align)
	}
	if off < headerSize || uint64(off)+uint64(size) > uint64(total) {
		return invalid("%s [%#x, +%#x) outside the blob [%#x, %#x)", name, off, size, headerSize, total)
	}
	return nil
}

type decoder struct {
	structure, strings []byte
	pos                int
}

func (d *decoder) u32() (uint32, error) {
	if d.pos+4 > len(d.structure) {
		return 0, invalid("structure block ends inside a token at %#x", d.pos)
	}
	v := binary.BigEndian.Uint32(d.structure[d.pos:])
	d.pos += 4
	return v, nil
}

func (d *decoder) token() (uint32, error) { return d.u32() }

func (d *decoder) skipNops() {
	for d.pos+4 <= len(d.structure) && binary.BigEndian.Uint32(d.structure[d.pos:]) == tokenNop {
		d.pos += 4
	}
}

// cstring reads a NUL-terminated string from the structure block and skips its padding.
func (d *decoder) cstring() (string, error) {
	for i := d.pos; i < len(d.structure); i++ {
		if d.structure[i] == 0 {
			s := string(d.structure[d.pos:i])
			d.pos += align4(i - d.pos + 1)
			if d.pos > len(d.structure) {
				return "", invalid("structure block ends inside the padding of node name %q", s)
			}
			return s, nil
		}
	}
	return "", invalid("node name at %#x runs past the structure block", d.pos)
}

// node reads a node whose FDT_BEGIN_NODE token has been read, up to and including its FDT_END_NODE.
func (d *decoder) node(parent string, depth int) (*Node, error) {
	if depth >= MaxDepth {
		return nil, invalid("nodes nest deeper than %d under %s", MaxDepth, parent)
	}
	name, err := d.cstring()
	if err != nil {
		return nil, err
	}
	path := "/"
	switch {
	case depth == 0 && name != "":
		return nil, invalid("the root node is named %q, want \"\"", name)
	case depth > 0:
		if !validNodeName(name) {
			return nil, invalid("bad node name %q under %s", name, parent)
		}
		path = childPath(parent, name)
	}
	n := &Node{Name: name}
	props, children := map[string]bool{}, map[string]bool{}
	for {
		at := d.pos
		tok, err := d.token()
		if err != nil {
			return nil, err
		}
		switch tok {
		case tokenNop:
		case tokenEndNode:
			return n, nil
		case tokenProp:
			if len(n.Children) > 0 {
				return nil, invalid("property at %#x in %s comes after a child node", at, path)
			}
			p, err := d.prop(path)
			if err != nil {
				return nil, err
			}
			if props[p.Name] {
				return nil, invalid("property %q twice in %s", p.Name, path)
			}
			props[p.Name] = true
			n.Props = append(n.Props, p)
		case tokenBeginNode:
			c, err := d.node(path, depth+1)
			if err != nil {
				return nil, err
			}
			if children[c.Name] {
				return nil, invalid("two nodes %q under %s", c.Name, path)
			}
			children[c.Name] = true
			n.Children = append(n.Children, c)
		case tokenEnd:
			return nil, invalid("FDT_END at %#x inside %s", at, path)
		default:
			return nil, invalid("unknown token %#x at %#x in %s", tok, at, path)
		}
	}
}

func (d *decoder) prop(path string) (Property, error) {
	size, err := d.u32()
	if err != nil {
		return Property{}, err
	}
	nameOff, err := d.u32()
	if err != nil {
		return Property{}, err
	}
	if uint64(d.pos)+uint64(size) > uint64(len(d.structure)) {
		return Property{}, invalid("property of %d bytes at %#x in %s runs past the structure block", size, d.pos, path)
	}
	name, err := d.name(nameOff, path)
	if err != nil {
		return Property{}, err
	}
	value := append([]byte{}, d.structure[d.pos:d.pos+int(size)]...)
	d.pos += align4(int(size))
	if d.pos > len(d.structure) {
		return Property{}, invalid("structure block ends inside the padding of property %q in %s", name, path)
	}
	return Property{Name: name, Value: value}, nil
}

// name reads a property name from the strings block.
func (d *decoder) name(off uint32, path string) (string, error) {
	if uint64(off) >= uint64(len(d.strings)) {
		return "", invalid("property name offset %#x in %s is outside the strings block (%#x bytes)", off, path, len(d.strings))
	}
	for i := int(off); i < len(d.strings); i++ {
		if d.strings[i] == 0 {
			s := string(d.strings[off:i])
			if !validPropName(s) {
				return "", invalid("bad property name %q in %s", s, path)
			}
			return s, nil
		}
	}
	return "", invalid("property name at strings offset %#x in %s is not NUL-terminated", off, path)
}
