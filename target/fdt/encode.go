package fdt

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Encode writes the tree as a version 17 blob: header, memory reservations, structure block, strings block,
// in that order, with each property name stored once. It refuses bad names, duplicate names among siblings
// or in one node's properties, and nesting deeper than MaxDepth.
func (t *Tree) Encode() ([]byte, error) {
	if t.Root == nil {
		return nil, fmt.Errorf("fdt: encode: no root node")
	}
	if t.Root.Name != "" {
		return nil, fmt.Errorf("fdt: encode: the root node is named %q, want \"\"", t.Root.Name)
	}
	e := encoder{offsets: map[string]uint32{}}
	if err := e.node(t.Root, "", 0); err != nil {
		return nil, err
	}
	e.structure = binary.BigEndian.AppendUint32(e.structure, tokenEnd)

	rsvOff := headerSize
	structOff := rsvOff + 16*(len(t.Reserved)+1)
	stringsOff := structOff + len(e.structure)
	total := stringsOff + len(e.strings)
	if total > math.MaxUint32 {
		return nil, fmt.Errorf("fdt: encode: %d bytes, beyond the 4 GiB a blob can describe", total)
	}
	out := make([]byte, headerSize, total)
	be := binary.BigEndian
	for off, v := range map[int]uint32{
		hMagic: magic, hTotalSize: uint32(total), hOffDtStruct: uint32(structOff),
		hOffDtStrings: uint32(stringsOff), hOffMemRsvmap: uint32(rsvOff), hVersion: version,
		hLastCompVersion: lastCompVer, hBootCPUIDPhys: t.BootCPU, hSizeDtStrings: uint32(len(e.strings)),
		hSizeDtStruct: uint32(len(e.structure)),
	} {
		be.PutUint32(out[off:], v)
	}
	for _, r := range t.Reserved {
		out = be.AppendUint64(be.AppendUint64(out, r.Addr), r.Size)
	}
	out = append(out, make([]byte, 16)...) // the terminating entry
	out = append(append(out, e.structure...), e.strings...)
	return out, nil
}

type encoder struct {
	structure, strings []byte
	offsets            map[string]uint32 // property name → offset in strings
}

// node writes n, a child of the node at path parent ("" for the root).
func (e *encoder) node(n *Node, parent string, depth int) error {
	path := "/"
	if depth > 0 {
		if !validNodeName(n.Name) {
			return fmt.Errorf("fdt: encode: bad node name %q under %s", n.Name, parent)
		}
		path = childPath(parent, n.Name)
	}
	if depth >= MaxDepth {
		return fmt.Errorf("fdt: encode: %s nests deeper than %d", path, MaxDepth)
	}
	be := binary.BigEndian
	e.structure = be.AppendUint32(e.structure, tokenBeginNode)
	e.structure = append(e.structure, n.Name...)
	e.structure = append(e.structure, make([]byte, align4(len(n.Name)+1)-len(n.Name))...)
	seen := map[string]bool{}
	for _, p := range n.Props {
		if !validPropName(p.Name) {
			return fmt.Errorf("fdt: encode: bad property name %q in %s", p.Name, path)
		}
		if seen[p.Name] {
			return fmt.Errorf("fdt: encode: property %q twice in %s", p.Name, path)
		}
		seen[p.Name] = true
		off, ok := e.offsets[p.Name]
		if !ok {
			off = uint32(len(e.strings))
			e.offsets[p.Name] = off
			e.strings = append(append(e.strings, p.Name...), 0)
		}
		e.structure = be.AppendUint32(e.structure, tokenProp)
		e.structure = be.AppendUint32(e.structure, uint32(len(p.Value)))
		e.structure = be.AppendUint32(e.structure, off)
		e.structure = append(e.structure, p.Value...)
		e.structure = append(e.structure, make([]byte, align4(len(p.Value))-len(p.Value))...)
	}
	names := map[string]bool{}
	for _, c := range n.Children {
		if names[c.Name] {
			return fmt.Errorf("fdt: encode: two nodes %q under %s", c.Name, path)
		}
		names[c.Name] = true
		if err := e.node(c, path, depth+1); err != nil {
			return err
		}
	}
	e.structure = be.AppendUint32(e.structure, tokenEndNode)
	return nil
}

func childPath(parent, name string) string {
	if parent == "/" {
		return "/" + name
	}
	return parent + "/" + name
}
