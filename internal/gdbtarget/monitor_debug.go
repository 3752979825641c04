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
		a.printSlots(out, c, i, false, a.nbp)
		a.printSlots(out, c, i, true, a.nwp)
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
			vr, cr = comparator(c, debugregs.KindDBGWVR, s), comparator(c, debugregs.KindDBGWCR, s)
			enabled = debugregs.DBGWCR(cr).E()
		} else {
			name = fmt.Sprintf("bp%d", s)
			vr, cr = comparator(c, debugregs.KindDBGBVR, s), comparator(c, debugregs.KindDBGBCR, s)
			enabled = debugregs.DBGBCR(cr).E()
		}
		owner, err := a.kern.slotOwner(watch, cpu, s)
		who := "free"
		switch {
		case !a.model:
			who = "owner not known (not the model kernel)"
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
		if enabled && !watch {
			at = " <" + a.syms.Symbolize(vr) + ">"
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
		mdscr, _ := sysReg(c, debugregs.EncMDSCR)
		oslsr, _ := sysReg(c, debugregs.EncOSLSR)
		dfr0, _ := sysReg(c, debugregs.EncIDAA64DFR0)
		fmt.Fprintf(out, "cpu%d MDSCR_EL1 %#x (%s)  OSLSR_EL1 %#x  ID_AA64DFR0_EL1 %#x\n", i, mdscr,
			debugregs.MDSCR(mdscr), oslsr, dfr0)
		for n := 0; n < a.nbp; n++ {
			bcr := comparator(c, debugregs.KindDBGBCR, n)
			fmt.Fprintf(out, "  DBGBVR%d_EL1 0x%016x  DBGBCR%d_EL1 0x%08x  %s\n", n, comparator(c, debugregs.KindDBGBVR, n), n,
				bcr, debugregs.DBGBCR(bcr))
		}
		for n := 0; n < a.nwp; n++ {
			wcr := comparator(c, debugregs.KindDBGWCR, n)
			fmt.Fprintf(out, "  DBGWVR%d_EL1 0x%016x  DBGWCR%d_EL1 0x%08x  %s\n", n, comparator(c, debugregs.KindDBGWVR, n), n,
				wcr, debugregs.DBGWCR(wcr))
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
	if err := a.boot(); err != nil {
		fmt.Fprintf(out, "reset failed: %v\n", err)
		return rsp.EIO
	}
	cfg.Scenario = s
	if err := a.writeConfig(addr, cfg); err != nil {
		fmt.Fprintln(out, err)
		return rsp.EIO
	}
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

func (a *Adapter) configAddr() (uint64, error) { return a.img.ConfigAddr() }

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
		run, err1 := a.kern.perCPU(kernelsim.SymSameELRRun, i)
		elr, err2 := a.kern.perCPU(kernelsim.SymLastELR, i)
		bps, _ := a.kern.perCPU(kernelsim.SymBpExceptions, i)
		unh, _ := a.kern.perCPU(kernelsim.SymUnhandledExceptions, i)
		if err1 != nil || err2 != nil {
			continue
		}
		fmt.Fprintf(out, "cpu%d breakpoint exceptions %d, unhandled %d, same-ELR run %d at %s\n", i, bps, unh, run,
			a.syms.Symbolize(elr))
	}
	return nil
}

// sysReg reads a system register by its encoding, as MRS at EL1 would.
func sysReg(c *target.CPU, e debugregs.Encoding) (uint64, bool) {
	return c.SysReg(e.Op0(), e.Op1(), e.CRn(), e.CRm(), e.Op2())
}

// describeEvent summarizes a guest struct perf_event for `monitor slots` and the livelock report.
func (a *Adapter) describeEvent(ev uint64) string {
	e, err := a.kern.event(ev)
	if err != nil {
		return fmt.Sprintf("event %#x (unreadable)", ev)
	}
	who := a.syms.Symbolize(e.Handler)
	if req := a.route.owner(ev); req != "" {
		who = "gdb " + req
	}
	return fmt.Sprintf("event %#x for %#x, %s, %d hits", ev, e.BpAddr, who, e.Count)
}
