package debugregs_test

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
)

// The executor's side of the contract: MSR through WriteSysReg, ISB through ContextSynchronize, the two
// hot-path booleans before each instruction and each access.
func Example() {
	u, err := debugregs.NewUnit(debugregs.Config{Model: debugregs.CortexA57, Sync: debugregs.SyncStrict})
	if err != nil {
		panic(err)
	}
	el1 := debugregs.PState{EL: 1}
	msr := func(e debugregs.Encoding, v uint64) {
		if err := u.WriteSysReg(e, el1.EL, v); err != nil {
			panic(err)
		}
	}
	wvr0, _ := debugregs.SysReg{Kind: debugregs.KindDBGWVR}.Encoding()
	wcr0, _ := debugregs.SysReg{Kind: debugregs.KindDBGWCR}.Encoding()

	// Boot: clear the OS lock, MDE+KDE, ISB.
	msr(debugregs.EncOSLAR, 0)
	msr(debugregs.EncMDSCR, uint64(debugregs.MDSCR(0).WithMDE(true).WithKDE(true)))
	u.ContextSynchronize()

	// Watch a u64 for stores, as gdb's "watch var" would be programmed.
	r, _ := debugregs.SplitWatch(0x4000_6000, 8)
	msr(wvr0, uint64(r[0].WVR))
	msr(wcr0, uint64(r[0].WCR(debugregs.LSCStore, debugregs.PACEL1)))

	store := func(tag string) {
		if u.WatchArmed() {
			if ev := u.CheckAccess(0x4000_6000, 8, debugregs.AccessStore, false, el1); ev.Kind != debugregs.EventNone {
				fmt.Printf("%s: %v ESR=%#x FAR=%#x\n", tag, ev.Kind, ev.ESR, ev.FAR)
				return
			}
		}
		fmt.Printf("%s: no exception\n", tag)
	}
	store("before ISB")
	u.ContextSynchronize()
	store("after ISB")
	// Output:
	// before ISB: no exception
	// after ISB: watchpoint ESR=0xd6000062 FAR=0x40006000
}
