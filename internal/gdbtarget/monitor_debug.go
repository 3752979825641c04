package gdbtarget

import (
	"fmt"
	"io"
	"strings"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/debugregs"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/kernelsim"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/rsp"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
)

// Debug system-register encodings (op0=2, op1=0, CRn=0, CRm=n): op2 4 BVR, 5 BCR, 6 WVR, 7 WCR.
const (
	op2BVR = 4
	op2BCR = 5
	op2WVR = 6
	op2WCR = 7
)

// dbgKind maps an op2 of the comparator registers to the debug model's register kind.
var dbgKind = map[int]debugregs.RegKind{
	op2BVR: debugregs.KindDBGBVR, op2BCR: debugregs.KindDBGBCR, op2WVR: debugregs.KindDBGWVR, op2WCR: debugregs.KindDBGWCR,
}

// dbgReg reads comparator register n (the physical index: with Debugv8p9 banks, n = BANK*16 + m) as a debugger
// sees it, without the guest's MDSELR_EL1 bank selection.
func dbgReg(c *target.CPU, op2, n int) uint64 {
	v, _ := c.DebugUnit().Register(dbgKind[op2], n)
	return v
}

// monSlots prints, per CPU, every comparator: the kernel's owner, its value and control registers, and whether
// it is enabled in hardware. An enabled comparator without an owner is what livelocks the uninstall path.
func (a *Adapter) monSlots(_ []string, out io.Writer) error {
	for i := 0; i < a.m.NumCPUs(); i++ {
		c := a.m.CPU(i)
		state := ""
		if !c.PoweredOn() {
			state = " (powered off)"
		}
		fmt.Fprintf(out, "cpu%d%s\n", i, state)
		a.printSlots(out, c, i, false, a.opts.Breakpoints)
		a.printSlots(out, c, i, true, a.opts.Watchpoints)
	}
	return nil
}

func (a *Adapter) printSlots(out io.Writer, c *target.CPU, cpu int, watch bool, n int) {
	for s := 0; s < n; s++ {
		var name string
		var vr, cr uint64
		var enabled bool
		if watch {
			name = fmt.Sprintf("wp%d", s)
			vr, cr = dbgReg(c, op2WVR, s), dbgReg(c, op2WCR, s)
			enabled = debugregs.DBGWCR(cr).E()
		} else {
			name = fmt.Sprintf("bp%d", s)
			vr, cr = dbgReg(c, op2BVR, s), dbgReg(c, op2BCR, s)
			enabled = debugregs.DBGBCR(cr).E()
		}
		owner, err := a.slotOwner(watch, cpu, s)
		who := "free"
		switch {
		case err != nil:
			who = "owner unknown (" + err.Error() + ")"
		case owner != 0:
			who = a.describeEvent(owner)
		}
		hw := "disabled"
		if enabled {
			hw = "ENABLED"
			if owner == 0 && err == nil {
				hw = "ENABLED, NO OWNER"
			}
		}
		at := ""
		if enabled && !watch && a.img != nil {
			at = " <" + a.img.Symbols.Symbolize(vr) + ">"
		}
		fmt.Fprintf(out, "  %-4s %-17s value 0x%016x%s control 0x%08x  %s\n", name, hw, vr, at, cr, who)
	}
}

// monDbgregs dumps the debug system registers of one CPU (default: all).
func (a *Adapter) monDbgregs(args []string, out io.Writer) error {
	cpus, err := a.cpuArgs(args)
	if err != nil {
		fmt.Fprintln(out, err)
		return rsp.EINVAL
	}
	for _, i := range cpus {
		c := a.m.CPU(i)
		mdscr, _ := c.SysReg(2, 0, 0, 2, 2)
		oslsr, _ := c.SysReg(2, 0, 1, 1, 4)
		dfr0, _ := c.SysReg(3, 0, 0, 5, 0)
		fmt.Fprintf(out, "cpu%d MDSCR_EL1 %#x (%s)  OSLSR_EL1 %#x  ID_AA64DFR0_EL1 %#x\n", i, mdscr,
			debugregs.MDSCR(mdscr), oslsr, dfr0)
		for n := 0; n < a.opts.Breakpoints; n++ {
			fmt.Fprintf(out, "  DBGBVR%d_EL1 0x%016x  DBGBCR%d_EL1 0x%08x  %s\n", n, dbgReg(c, op2BVR, n), n,
				dbgReg(c, op2BCR, n), debugregs.DBGBCR(dbgReg(c, op2BCR, n)))
		}
		for n := 0; n < a.opts.Watchpoints; n++ {
			fmt.Fprintf(out, "  DBGWVR%d_EL1 0x%016x  DBGWCR%d_EL1 0x%08x  %s\n", n, dbgReg(c, op2WVR, n), n,
				dbgReg(c, op2WCR, n), debugregs.DBGWCR(dbgReg(c, op2WCR, n)))
		}
	}
	return nil
}

func (a *Adapter) cpuArgs(args []string) ([]int, error) {
	if len(args) == 0 {
		all := make([]int, a.m.NumCPUs())
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	var n int
	if _, err := fmt.Sscanf(strings.TrimPrefix(args[0], "cpu"), "%d", &n); err != nil || n < 0 || n >= a.m.NumCPUs() {
		return nil, fmt.Errorf("want a CPU number 0..%d, got %q", a.m.NumCPUs()-1, args[0])
	}
	return []int{n}, nil
}

// monKernel shows the guest's runtime knobs, or sets one: `monitor kernel uninstall-order fixed`.
func (a *Adapter) monKernel(args []string, out io.Writer) error {
	addr, cfg, errno := a.guestConfig(out)
	if errno != nil {
		return errno
	}
	var err error
	if len(args) == 0 {
		fmt.Fprintf(out, "uninstall-order %s\nrecovery %s\nbank-guard %s\nscenario %s\nrounds %d\niters %d\nlivelock-cpu %d\nstall-timeout-ms %d\n",
			cfg.UninstallOrder, cfg.Recovery, cfg.BankGuard, cfg.Scenario, cfg.WorkloadRounds, cfg.WorkloadIters,
			cfg.LivelockCPU, cfg.StallTimeoutMS)
		return nil
	}
	if len(args) != 2 {
		fmt.Fprintln(out, "usage: monitor kernel [uninstall-order upstream|fixed | recovery none|disable-orphan | bank-guard none|mask-debug|save-restore-mdselr]")
		return rsp.EINVAL
	}
	switch args[0] {
	case "uninstall-order":
		cfg.UninstallOrder, err = kernelsim.ParseUninstallOrder(args[1])
	case "recovery":
		cfg.Recovery, err = kernelsim.ParseRecovery(args[1])
	case "bank-guard":
		cfg.BankGuard, err = kernelsim.ParseBankGuard(args[1])
	default:
		err = fmt.Errorf("unknown or boot-time-only knob %q (the scenario changes with `monitor scenario`)", args[0])
	}
	if err == nil {
		err = a.writeConfig(addr, cfg)
	}
	if err != nil {
		fmt.Fprintln(out, err)
		return rsp.EINVAL
	}
	fmt.Fprintf(out, "kernel %s set to %s (the kernel re-reads it at its next use)\n", args[0], args[1])
	return nil
}

// monScenario shows the running scenario, or selects one and restarts the machine with it.
func (a *Adapter) monScenario(args []string, out io.Writer) error {
	addr, cfg, errno := a.guestConfig(out)
	if errno != nil {
		return errno
	}
	if len(args) == 0 {
		fmt.Fprintf(out, "scenario %s (available: %s)\n", cfg.Scenario, strings.Join(kernelsim.ScenarioNames(), ", "))
		return nil
	}
	s, err := kernelsim.ParseScenario(args[0])
	if err != nil {
		fmt.Fprintln(out, err)
		return rsp.EINVAL
	}
	if a.opts.Boot == nil {
		return rsp.EPERM
	}
	if err := a.opts.Boot(a.m); err != nil {
		fmt.Fprintf(out, "reset failed: %v\n", err)
		return rsp.EIO
	}
	cfg.Scenario = s
	if err := a.writeConfig(addr, cfg); err != nil {
		fmt.Fprintln(out, err)
		return rsp.EIO
	}
	a.rebooted()
	fmt.Fprintf(out, "scenario %s: machine reset, every CPU restarts from the kernel entry point\n", s)
	return nil
}

// guestConfig reads the running kernel's kernel_config; on failure it says why on out and returns the Errno.
func (a *Adapter) guestConfig(out io.Writer) (uint64, kernelsim.Config, error) {
	addr, err := a.configAddr()
	if err != nil {
		fmt.Fprintln(out, err)
		return 0, kernelsim.Config{}, rsp.EPERM
	}
	cfg, err := a.readConfig(addr)
	if err != nil {
		fmt.Fprintln(out, err)
		return 0, kernelsim.Config{}, rsp.EIO
	}
	return addr, cfg, nil
}

func (a *Adapter) configAddr() (uint64, error) {
	if a.img == nil {
		return 0, fmt.Errorf("no kernel image")
	}
	return a.img.ConfigAddr()
}

func (a *Adapter) readConfig(addr uint64) (kernelsim.Config, error) {
	b := make([]byte, kernelsim.ConfigSize)
	if err := a.m.ReadMemory(addr, b); err != nil {
		return kernelsim.Config{}, err
	}
	return kernelsim.UnmarshalConfig(b)
}

func (a *Adapter) writeConfig(addr uint64, cfg kernelsim.Config) error {
	b, err := cfg.MarshalBinary()
	if err != nil {
		return err
	}
	return a.m.WriteMemory(addr, b)
}

// monLivelock shows the guest's own view of repeated debug exceptions per CPU.
func (a *Adapter) monLivelock(_ []string, out io.Writer) error {
	if a.lastLivelock != "" {
		fmt.Fprintln(out, a.lastLivelock)
	} else {
		fmt.Fprintln(out, "no livelock detected")
	}
	for i := 0; i < a.m.NumCPUs(); i++ {
		run, err1 := a.perCPUU64(kernelsim.SymSameELRRun, i)
		elr, err2 := a.perCPUU64(kernelsim.SymLastELR, i)
		bps, _ := a.perCPUU64(kernelsim.SymBpExceptions, i)
		unh, _ := a.perCPUU64(kernelsim.SymUnhandledExceptions, i)
		if err1 != nil || err2 != nil {
			continue
		}
		fmt.Fprintf(out, "cpu%d breakpoint exceptions %d, unhandled %d, same-ELR run %d at %s\n", i, bps, unh, run,
			a.img.Symbols.Symbolize(elr))
	}
	return nil
}
