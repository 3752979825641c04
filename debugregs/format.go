package debugregs

import (
	"fmt"
	"strings"
)

// Human-readable forms for monitors and logs ("monitor slots", "monitor dbgregs").

var pmcNames = [...]string{"none", "EL1", "EL0", "EL0+EL1"}

func (p PMC) String() string { return pmcNames[p&3] }

var lscNames = [...]string{"reserved", "load", "store", "load+store"}

func (l LSC) String() string { return lscNames[l&3] }

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// String renders the fields: "E=on BT=0 PMC=EL1 BAS=0xf HMC=0 SSC=0 LBN=0".
func (r DBGBCR) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "E=%s BT=%#x PMC=%s BAS=%#x HMC=%d SSC=%d LBN=%d", onOff(r.E()), r.BT(), r.PMC(), r.BAS(),
		b2i(r.HMC()), r.SSC(), r.LinkedBreakpoint())
	if r.MASK() != 0 {
		fmt.Fprintf(&b, " MASK=%d", r.MASK())
	}
	return b.String()
}

// String renders the fields: "E=on LSC=store PAC=EL1 BAS=0xff MASK=0 WT=0".
func (r DBGWCR) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "E=%s LSC=%s PAC=%s BAS=%#x MASK=%d", onOff(r.E()), r.LSC(), r.PAC(), r.BAS(), r.MASK())
	if r.HMC() || r.SSC() != 0 {
		fmt.Fprintf(&b, " HMC=%d SSC=%d", b2i(r.HMC()), r.SSC())
	}
	if r.WT() {
		fmt.Fprintf(&b, " WT=1 LBN=%d", r.LinkedBreakpoint())
	}
	return b.String()
}

// String lists the set control bits: "MDE KDE SS EMBWE", or "0".
func (r MDSCR) String() string {
	var names []string
	for _, f := range []struct {
		on   bool
		name string
	}{{r.MDE(), "MDE"}, {r.KDE(), "KDE"}, {r.SS(), "SS"}, {r.TDCC(), "TDCC"}, {r.EMBWE(), "EMBWE"}} {
		if f.on {
			names = append(names, f.name)
		}
	}
	if len(names) == 0 {
		return "0"
	}
	return strings.Join(names, " ")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
