package aarch64

import (
	"fmt"
	"strings"
)

// psrFields are the PSTATE bits as they appear in SPSR/CPSR, for gdb's
// "cpsr" flags type: name, first bit, last bit.
var psrFields = []struct {
	name       string
	start, end int
}{
	{"SP", 0, 0}, {"EL", 2, 3}, {"nRW", 4, 4}, {"F", 6, 6}, {"I", 7, 7}, {"A", 8, 8}, {"D", 9, 9},
	{"BTYPE", 10, 11}, {"SSBS", 12, 12}, {"IL", 20, 20}, {"SS", 21, 21}, {"PAN", 22, 22},
	{"UAO", 23, 23}, {"DIT", 24, 24}, {"TCO", 25, 25},
	{"V", 28, 28}, {"C", 29, 29}, {"Z", 30, 30}, {"N", 31, 31},
}

// coreXML is the org.gnu.gdb.aarch64.core feature: regnums 0..33.
var coreXML = func() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE feature SYSTEM "gdb-target.dtd">
<feature name="org.gnu.gdb.aarch64.core">
  <flags id="cpsr_flags" size="4">
`)
	for _, f := range psrFields {
		typ := "bool"
		if f.end > f.start {
			typ = "uint32"
		}
		fmt.Fprintf(&b, "    <field name=%q start=\"%d\" end=\"%d\" type=%q/>\n", f.name, f.start, f.end, typ)
	}
	b.WriteString("  </flags>\n")
	for i := 0; i <= 30; i++ {
		fmt.Fprintf(&b, "  <reg name=\"x%d\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", i, i)
	}
	b.WriteString(`  <reg name="sp" bitsize="64" type="data_ptr" regnum="31"/>
  <reg name="pc" bitsize="64" type="code_ptr" regnum="32"/>
  <reg name="cpsr" bitsize="32" type="cpsr_flags" regnum="33"/>
</feature>
`)
	return b.String()
}()
