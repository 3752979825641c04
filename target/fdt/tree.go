package fdt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Tree is a whole device tree: the root node, the memory reservations and the boot CPU.
type Tree struct {
	Root     *Node
	Reserved []Reservation
	BootCPU  uint32 // boot_cpuid_phys
}

// Reservation is one memory reservation block entry: [Addr, Addr+Size) the kernel must not use.
type Reservation struct{ Addr, Size uint64 }

// Node is one node. The root's Name is "".
type Node struct {
	Name     string
	Props    []Property
	Children []*Node
}

// Property is one property; Value holds its raw big-endian bytes.
type Property struct {
	Name  string
	Value []byte
}

// NewTree returns a tree with an empty root.
func NewTree() *Tree { return &Tree{Root: &Node{}} }

// AddChild appends a child node and returns it.
func (n *Node) AddChild(name string) *Node {
	c := &Node{Name: name}
	n.Children = append(n.Children, c)
	return c
}

// Child returns the child called name, or nil.
func (n *Node) Child(name string) *Node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// RemoveChildren drops every child for which drop returns true.
func (n *Node) RemoveChildren(drop func(*Node) bool) {
	kept := n.Children[:0]
	for _, c := range n.Children {
		if !drop(c) {
			kept = append(kept, c)
		}
	}
	n.Children = kept
}

// Lookup finds a node by absolute path ("/", "/cpus/cpu@0"), or returns nil.
func (t *Tree) Lookup(path string) *Node {
	if !strings.HasPrefix(path, "/") {
		return nil
	}
	n := t.Root
	for _, name := range strings.Split(strings.Trim(path, "/"), "/") {
		if name == "" {
			continue
		}
		if n = n.Child(name); n == nil {
			return nil
		}
	}
	return n
}

// Prop returns the property called name, or nil; the pointer is valid until a property is added to n.
func (n *Node) Prop(name string) *Property {
	for i := range n.Props {
		if n.Props[i].Name == name {
			return &n.Props[i]
		}
	}
	return nil
}

// Set sets a property to raw bytes, replacing the value in place if the property exists.
func (n *Node) Set(name string, value []byte) *Node {
	if p := n.Prop(name); p != nil {
		p.Value = value
		return n
	}
	n.Props = append(n.Props, Property{Name: name, Value: value})
	return n
}

// SetEmpty sets a property with no value ("interrupt-controller;").
func (n *Node) SetEmpty(name string) *Node { return n.Set(name, []byte{}) }

// SetU32 sets a property to 32-bit cells.
func (n *Node) SetU32(name string, cells ...uint32) *Node {
	b := make([]byte, 0, 4*len(cells))
	for _, c := range cells {
		b = binary.BigEndian.AppendUint32(b, c)
	}
	return n.Set(name, b)
}

// SetU64 sets a property to 64-bit values, two cells each (high cell first).
func (n *Node) SetU64(name string, values ...uint64) *Node {
	b := make([]byte, 0, 8*len(values))
	for _, v := range values {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	return n.Set(name, b)
}

// SetString sets a NUL-terminated string.
func (n *Node) SetString(name, s string) *Node { return n.SetStrings(name, s) }

// SetStrings sets a string list (each NUL-terminated).
func (n *Node) SetStrings(name string, list ...string) *Node {
	var b []byte
	for _, s := range list {
		b = append(append(b, s...), 0)
	}
	return n.Set(name, b)
}

// SetPhandle gives the node a phandle that other nodes' properties can refer to.
func (n *Node) SetPhandle(ph uint32) *Node { return n.SetU32("phandle", ph) }

// ErrValue wraps every refusal of a property accessor.
var ErrValue = errors.New("fdt: property value")

// U32s reads the value as 32-bit cells.
func (p *Property) U32s() ([]uint32, error) {
	if len(p.Value)%4 != 0 {
		return nil, fmt.Errorf("%w: %q is %d bytes, not a whole number of cells", ErrValue, p.Name, len(p.Value))
	}
	out := make([]uint32, len(p.Value)/4)
	for i := range out {
		out[i] = binary.BigEndian.Uint32(p.Value[4*i:])
	}
	return out, nil
}

// U32 reads a value of exactly one cell.
func (p *Property) U32() (uint32, error) {
	if len(p.Value) != 4 {
		return 0, fmt.Errorf("%w: %q is %d bytes, want one cell", ErrValue, p.Name, len(p.Value))
	}
	return binary.BigEndian.Uint32(p.Value), nil
}

// Uint reads a value of one or two cells as a number (linux,initrd-start may be either).
func (p *Property) Uint() (uint64, error) {
	switch len(p.Value) {
	case 4:
		return uint64(binary.BigEndian.Uint32(p.Value)), nil
	case 8:
		return binary.BigEndian.Uint64(p.Value), nil
	}
	return 0, fmt.Errorf("%w: %q is %d bytes, want one or two cells", ErrValue, p.Name, len(p.Value))
}

// Strings reads the value as a string list.
func (p *Property) Strings() ([]string, error) {
	if len(p.Value) == 0 || p.Value[len(p.Value)-1] != 0 {
		return nil, fmt.Errorf("%w: %q is not NUL-terminated", ErrValue, p.Name)
	}
	return strings.Split(string(p.Value[:len(p.Value)-1]), "\x00"), nil
}

// Text reads the value as one string.
func (p *Property) Text() (string, error) {
	list, err := p.Strings()
	if err != nil {
		return "", err
	}
	if len(list) != 1 {
		return "", fmt.Errorf("%w: %q holds %d strings, want one", ErrValue, p.Name, len(list))
	}
	return list[0], nil
}
