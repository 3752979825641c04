package aarch64

import (
	"fmt"
	"strings"
)

// buildFPUXML writes the org.gnu.gdb.aarch64.fpu feature gdb looks for:
// v0–v31 (128 bits), fpsr and fpcr (32 bits), named as gdb's AArch64 support
// expects (it then adds the q, d, s, h and b views itself). The vector type is
// a union of lane views, called "aarch64v" as gdbserver and QEMU call it
// (lldb recognises that name as a vector register).
func (d *Description) buildFPUXML() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.aarch64.fpu">
`)
	lanes := []struct {
		view  string
		count int
		types [3]string // float, unsigned, signed ("" for none)
	}{
		{"d", 2, [3]string{"ieee_double", "uint64", "int64"}},
		{"s", 4, [3]string{"ieee_single", "uint32", "int32"}},
		{"h", 8, [3]string{"ieee_half", "uint16", "int16"}},
		{"b", 16, [3]string{"", "uint8", "int8"}},
		{"q", 1, [3]string{"", "uint128", "int128"}},
	}
	fields := [3]string{"f", "u", "s"}
	for _, l := range lanes {
		for i, t := range l.types {
			if t != "" {
				fmt.Fprintf(&b, "  <vector id=\"v%s%s\" type=%q count=\"%d\"/>\n", l.view, fields[i], t, l.count)
			}
		}
		fmt.Fprintf(&b, "  <union id=\"vn%s\">\n", l.view)
		for i, t := range l.types {
			if t != "" {
				fmt.Fprintf(&b, "    <field name=%q type=\"v%s%s\"/>\n", fields[i], l.view, fields[i])
			}
		}
		b.WriteString("  </union>\n")
	}
	b.WriteString("  <union id=\"aarch64v\">\n")
	for _, l := range lanes {
		fmt.Fprintf(&b, "    <field name=%q type=\"vn%s\"/>\n", l.view, l.view)
	}
	b.WriteString("  </union>\n")
	for _, r := range d.regs[d.fpuFirst:] {
		if r.Size == 16 {
			fmt.Fprintf(&b, "  <reg name=%q bitsize=\"128\" type=\"aarch64v\" regnum=\"%d\" group=\"vector\"/>\n", r.Name, r.Regnum)
		} else {
			fmt.Fprintf(&b, "  <reg name=%q bitsize=\"32\" type=\"int\" regnum=\"%d\" group=\"float\"/>\n", r.Name, r.Regnum)
		}
	}
	b.WriteString("</feature>\n")
	return []byte(b.String())
}
