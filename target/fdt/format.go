package fdt

// Blob layout (Devicetree Specification v0.4, chapter 5).
const (
	magic         = 0xd00dfeed
	headerSize    = 40
	version       = 17
	lastCompVer   = 16
	oldestVersion = 17 // size_dt_struct, which Decode needs, came with version 17

	tokenBeginNode = 1
	tokenEndNode   = 2
	tokenProp      = 3
	tokenNop       = 4
	tokenEnd       = 9

	// MaxDepth bounds nesting; Linux's unflattening code stops at the same depth.
	MaxDepth = 64
)

// Header field offsets.
const (
	hMagic           = 0
	hTotalSize       = 4
	hOffDtStruct     = 8
	hOffDtStrings    = 12
	hOffMemRsvmap    = 16
	hVersion         = 20
	hLastCompVersion = 24
	hBootCPUIDPhys   = 28
	hSizeDtStrings   = 32
	hSizeDtStruct    = 36
)

func align4(n int) int { return (n + 3) &^ 3 }

// Name rules (spec 2.2.1 and 2.2.4): node names are letters, digits and ",._+-", optionally followed by "@"
// and a unit address of the same characters; property names may also use "?#".
func validNodeName(s string) bool {
	if s == "" || s[0] == '@' {
		return false
	}
	at := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '@' && !at:
			at = true
		case !nameChar(c):
			return false
		}
	}
	return true
}

func validPropName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !nameChar(c) && c != '?' && c != '#' {
			return false
		}
	}
	return true
}

func nameChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ||
		c == ',' || c == '.' || c == '_' || c == '+' || c == '-'
}
