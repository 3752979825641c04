package gdbtarget

import (
	"fmt"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target"
	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fdt"
)

// nzcvMask is PSTATE's condition flags.
const nzcvMask = 0xf000_0000

// bootLinux writes the plan's kernel, initrd and device tree into RAM and puts the boot CPU in the state
// booting.rst asks for (docs/boot.md, "The entry state"): PC at the Image, x0 = the device tree, x1-x3 = 0,
// EL1h with DAIF masked. The other CPUs stay off until Linux starts them with PSCI CPU_ON.
func (a *Adapter) bootLinux() error {
	for _, s := range a.linux.Segments() {
		if err := a.m.LoadSegment(s.Addr, s.Data, s.MemSize); err != nil {
			return fmt.Errorf("load the %s at %#x: %w", s.Name, s.Addr, err)
		}
	}
	e := a.linux.Entry
	a.m.Reset(e.PC)
	// The flags are the machine's reset value (Z set): QEMU's boot stub leaves them so at the Image's first
	// instruction, and booting.rst says nothing about them. A PSCI SYSTEM_RESET (Linux's reboot) enters the
	// Image again in the same state.
	pstate := e.PSTATE&^nzcvMask | a.m.CPU(0).Reg(target.RegPState)&nzcvMask
	a.m.SetBootRegs(&target.BootRegs{X: e.X, PState: pstate})
	a.m.Reset(e.PC)
	a.rebooted()
	return nil
}

// checkAffinity makes sure the device tree names each CPU by the MPIDR_EL1 affinity the machine gives it;
// Linux finds no CPU whose reg differs.
func (a *Adapter) checkAffinity() error {
	if a.linux == nil {
		return nil
	}
	tree, err := fdt.Decode(a.linux.DTB.Data)
	if err != nil {
		return err
	}
	for i := 0; i < a.m.NumCPUs(); i++ {
		n := tree.Lookup(fmt.Sprintf("/cpus/cpu@%d", i))
		if n == nil || n.Prop("reg") == nil {
			continue // a --dtb file may describe its CPUs its own way
		}
		reg, err := n.Prop("reg").Uint()
		if want := a.m.CPU(i).MPIDR() & 0xff_00ff_ffff; err != nil || reg != want {
			return fmt.Errorf("the device tree gives cpu %d affinity %#x, the machine's MPIDR_EL1 says %#x", i, reg, want)
		}
	}
	return nil
}

// DTB is the device tree the Linux guest boots with, and its guest-physical address; ok is false for an ELF
// kernel.
func (a *Adapter) DTB() (addr uint64, blob []byte, ok bool) {
	if a.linux == nil {
		return 0, nil, false
	}
	return a.linux.DTB.Addr, a.linux.DTB.Data, true
}
